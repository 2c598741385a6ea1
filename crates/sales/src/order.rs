//! Orders: placed from an accepted quote, shipped in parts, invoiced in
//! parts, cancelled.

use bureau_core::{Aggregate, Decimal, DomainEvent, Percent};
use chrono::NaiveDate;

use crate::pricing::discount::check_percent;
use crate::{
    DocumentNumber, Error, InvoiceIssue, PaymentTerms, PricedDocument, PricedLine, Quantity,
    QuoteEvent, Result,
};

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OrderStatus {
    /// Placed and confirmed; nothing shipped yet.
    Confirmed,
    /// Some units shipped, some on backorder.
    PartiallyFulfilled,
    /// Every unit shipped.
    Fulfilled,
    /// Cancelled: its backorder will not be shipped. What was shipped may
    /// still be invoiced.
    Cancelled,
}

impl core::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Confirmed => "confirmed",
            Self::PartiallyFulfilled => "partially fulfilled",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
        })
    }
}

/// A quantity of one line of a document, named by its position from 0: a
/// shipment line, a returned line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LineQuantity {
    /// The line's position, from 0.
    pub line: usize,
    /// How many units.
    pub quantity: Quantity,
}

impl LineQuantity {
    /// `quantity` units of line `line`.
    pub const fn new(line: usize, quantity: Quantity) -> Self {
        Self { line, quantity }
    }
}

/// What an invoice raised from an order bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum InvoiceScope {
    /// Every unit not yet invoiced, shipped or not.
    All,
    /// The units shipped and not yet invoiced.
    Delivered,
    /// A percentage, strictly between 0% and 100%, of every line's amount
    /// not yet invoiced, billing no units; later invoices of the order bill
    /// what the down payment left.
    DownPayment(Percent),
}

/// What may be asked of an order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OrderCommand {
    /// Place and confirm the order for the lines of `priced`, usually the
    /// offer of an accepted quote ([`OrderCommand::from_acceptance`]).
    Place {
        /// The order's number.
        number: DocumentNumber,
        /// Its lines and totals.
        priced: Box<PricedDocument>,
        /// The day it is placed.
        on: NaiveDate,
    },
    /// Ship some units of some lines.
    Ship {
        /// The day of the shipment.
        on: NaiveDate,
        /// The units shipped, at most each line's backorder.
        lines: Vec<LineQuantity>,
    },
    /// Raise an invoice for `scope`.
    Invoice {
        /// The invoice's number.
        number: DocumentNumber,
        /// The invoice date.
        on: NaiveDate,
        /// What it bills.
        scope: InvoiceScope,
        /// Its payment terms.
        terms: PaymentTerms,
    },
    /// Cancel what is still on backorder.
    Cancel {
        /// The day of the cancellation.
        on: NaiveDate,
    },
}

impl OrderCommand {
    /// The order placed by an accepted quote: [`OrderCommand::Place`] with
    /// the accepted offer, on the day of acceptance, numbered `number`;
    /// `None` for any other quote event.
    pub fn from_acceptance(event: &QuoteEvent, number: DocumentNumber) -> Option<Self> {
        match event {
            QuoteEvent::Accepted { on, priced } => Some(Self::Place {
                number,
                priced: priced.clone(),
                on: *on,
            }),
            _ => None,
        }
    }
}

/// What happened to an order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OrderEvent {
    /// It was placed and confirmed.
    Placed {
        /// The order's number.
        number: DocumentNumber,
        /// Its lines and totals.
        priced: Box<PricedDocument>,
        /// The day.
        on: NaiveDate,
    },
    /// Units were shipped.
    Shipped {
        /// The day.
        on: NaiveDate,
        /// The units shipped.
        lines: Vec<LineQuantity>,
    },
    /// An invoice was raised: the event carries everything the invoice
    /// needs ([`InvoiceCommand::Issue`](crate::InvoiceCommand::Issue)).
    Invoiced(Box<InvoiceIssue>),
    /// Its backorder was cancelled.
    Cancelled {
        /// The day.
        on: NaiveDate,
    },
}

impl DomainEvent for OrderEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Placed { .. } => "placed",
            Self::Shipped { .. } => "shipped",
            Self::Invoiced(_) => "invoiced",
            Self::Cancelled { .. } => "cancelled",
        }
    }
}

/// An order: an [`Aggregate`] whose transitions are guarded; a command its
/// status does not allow is [`Error::InvalidOrderTransition`] naming the
/// status, and a refused command leaves the order untouched.
///
/// It tracks, per line, the units shipped (the backorder is ordered minus
/// shipped) and what is left to invoice, so that the invoices of an order,
/// however it is split, add up to the order's totals to the minor unit.
///
/// ```
/// use bureau_core::{money, Aggregate, Currency, DateRange, ProductId, RoundingStrategy};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::*;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let widget = ProductId::from_u128(1);
/// let catalog = Catalog::from_products([Product::new(widget, Sku::new("WID")?,
///     ProductName::new("Widget")?, UnitOfMeasure::new("each")?, TaxCategory::new("standard")?)])?;
/// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None,
///     DateRange::new(day(1, 1)?, day(12, 31)?)?)
///     .with_prices(widget, [PriceTier::new(Quantity::ZERO, money!(5.00 EUR))?])?]);
/// let taxes = TaxTable::default();
/// let engine = Pricing::new(&catalog, &prices, &taxes, PricingConfig::new(RoundingStrategy::MidpointNearestEven));
/// let priced = engine.price(&Document::new(Currency::EUR, day(3, 1)?)
///     .with_line(DocumentLine::new(widget, Quantity::from(10))))?;
///
/// let mut order = Order::default();
/// order.handle(&OrderCommand::Place { number: DocumentNumber::new("SO-1")?,
///     priced: Box::new(priced), on: day(3, 2)? })?;
/// order.handle(&OrderCommand::Ship { on: day(3, 5)?, lines: vec![LineQuantity::new(0, Quantity::from(4))] })?;
/// assert_eq!(order.status(), Some(OrderStatus::PartiallyFulfilled));
/// assert_eq!(order.backorder(), vec![Quantity::from(6)]);
/// // Shipping more than the backorder is refused, naming the line.
/// let err = order.decide(&OrderCommand::Ship { on: day(3, 6)?,
///     lines: vec![LineQuantity::new(0, Quantity::from(7))] }).unwrap_err();
/// assert_eq!(err.to_string(), "line 0: shipment of 7 exceeds the 6 open");
///
/// // Invoicing what was delivered bills 4 of the 10 units.
/// let events = order.handle(&OrderCommand::Invoice { number: DocumentNumber::new("INV-1")?,
///     on: day(3, 6)?, scope: InvoiceScope::Delivered, terms: PaymentTerms::net(30) })?;
/// let OrderEvent::Invoiced(issue) = &events[0] else { return Err("no invoice".into()) };
/// assert_eq!(issue.priced.totals().gross, money!(20.00 EUR));
/// assert_eq!(issue.schedule.due, day(4, 5)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Order {
    status: Option<OrderStatus>,
    number: Option<DocumentNumber>,
    placed_on: Option<NaiveDate>,
    priced: Option<Box<PricedDocument>>,
    shipped: Vec<Quantity>,
    /// What is left to invoice of each line, `None` once it is invoiced whole.
    uninvoiced: Vec<Option<PricedLine>>,
    invoices: Vec<DocumentNumber>,
}

/// Checks that `lines` name distinct lines of a document of `count` lines,
/// each with a positive quantity, and returns them.
pub(crate) fn check_line_quantities(
    lines: &[LineQuantity],
    count: usize,
    what: &'static str,
) -> Result<()> {
    if lines.is_empty() {
        return Err(Error::NothingTo { what });
    }
    for (index, l) in lines.iter().enumerate() {
        if l.line >= count {
            return Err(Error::NoSuchLine {
                line: l.line,
                lines: count,
            });
        }
        if lines.iter().take(index).any(|o| o.line == l.line) {
            return Err(Error::RepeatedLine { line: l.line });
        }
        if !l.quantity.is_positive() {
            return Err(Error::QuantityNotPositive {
                what,
                quantity: l.quantity,
            }
            .on_line(l.line));
        }
    }
    Ok(())
}

/// `part / whole` as the fraction of a share, one when they are equal.
pub(crate) fn fraction(part: Decimal, whole: Decimal) -> Result<Decimal> {
    if part == whole {
        return Ok(Decimal::ONE);
    }
    part.checked_div(whole).ok_or(Error::Overflow {
        operation: "share of a line",
    })
}

fn overflow(operation: &'static str) -> Error {
    Error::Overflow { operation }
}

impl Order {
    /// Where it stands; `None` before it is placed.
    pub const fn status(&self) -> Option<OrderStatus> {
        self.status
    }

    /// Its number.
    pub const fn number(&self) -> Option<&DocumentNumber> {
        self.number.as_ref()
    }

    /// The day it was placed.
    pub const fn placed_on(&self) -> Option<NaiveDate> {
        self.placed_on
    }

    /// Its lines and totals, as placed.
    pub fn priced(&self) -> Option<&PricedDocument> {
        self.priced.as_deref()
    }

    /// The units shipped of each line, in the order's line order.
    pub fn shipped(&self) -> &[Quantity] {
        &self.shipped
    }

    /// The units of each line ordered and not shipped (zero for every line
    /// once the order is cancelled).
    pub fn backorder(&self) -> Vec<Quantity> {
        if self.status == Some(OrderStatus::Cancelled) {
            return vec![Quantity::ZERO; self.shipped.len()];
        }
        self.open_to_ship()
    }

    fn open_to_ship(&self) -> Vec<Quantity> {
        self.priced
            .iter()
            .flat_map(|p| p.lines())
            .zip(&self.shipped)
            .map(|(line, shipped)| {
                line.quantity
                    .checked_sub(*shipped)
                    .unwrap_or(Quantity::ZERO)
            })
            .collect()
    }

    /// What is left to invoice of each line, its units and amounts; `None`
    /// once the line is invoiced whole.
    pub fn uninvoiced(&self) -> &[Option<PricedLine>] {
        &self.uninvoiced
    }

    /// The numbers of the invoices raised, in order.
    pub fn invoices(&self) -> &[DocumentNumber] {
        &self.invoices
    }

    fn refuse(&self, command: &'static str) -> Error {
        Error::InvalidOrderTransition {
            status: self.status,
            command,
        }
    }

    fn decide_ship(&self, on: NaiveDate, lines: &[LineQuantity]) -> Result<OrderEvent> {
        if !matches!(
            self.status,
            Some(OrderStatus::Confirmed | OrderStatus::PartiallyFulfilled)
        ) {
            return Err(self.refuse("ship"));
        }
        let open = self.open_to_ship();
        check_line_quantities(lines, open.len(), "shipment")?;
        for l in lines {
            let open = open.get(l.line).copied().unwrap_or(Quantity::ZERO);
            if l.quantity > open {
                return Err(Error::ExceedsOpenQuantity {
                    what: "shipment",
                    quantity: l.quantity,
                    open,
                }
                .on_line(l.line));
            }
        }
        Ok(OrderEvent::Shipped {
            on,
            lines: lines.to_vec(),
        })
    }

    fn decide_invoice(
        &self,
        number: &DocumentNumber,
        on: NaiveDate,
        scope: InvoiceScope,
        terms: PaymentTerms,
    ) -> Result<OrderEvent> {
        let (Some(status), Some(order), Some(priced)) =
            (self.status, self.number.as_ref(), self.priced.as_deref())
        else {
            return Err(self.refuse("invoice"));
        };
        if status == OrderStatus::Cancelled && scope != InvoiceScope::Delivered {
            return Err(self.refuse("invoice undelivered units of"));
        }
        let config = priced.config();
        let mut lines = Vec::new();
        let mut order_lines = Vec::new();
        for (index, (open, shipped)) in self.uninvoiced.iter().zip(&self.shipped).enumerate() {
            let Some(open) = open else { continue };
            let share = match scope {
                InvoiceScope::All => open.share(Decimal::ONE, open.quantity, config),
                InvoiceScope::Delivered => {
                    let ordered = priced
                        .lines()
                        .get(index)
                        .map_or(Quantity::ZERO, |l| l.quantity);
                    let invoiced = ordered
                        .checked_sub(open.quantity)
                        .ok_or_else(|| overflow("invoiced quantity"))?;
                    let due = shipped
                        .checked_sub(invoiced)
                        .ok_or_else(|| overflow("delivered quantity"))?;
                    if !due.is_positive() {
                        continue;
                    }
                    open.share(fraction(due.value(), open.quantity.value())?, due, config)
                }
                InvoiceScope::DownPayment(percent) => {
                    check_percent("down payment", percent)?;
                    let rate = percent.to_rate().value();
                    if rate.is_zero() || rate >= Decimal::ONE {
                        return Err(Error::PercentOutOfRange {
                            what: "down payment (strictly between 0% and 100%)",
                            percent: percent.value(),
                        });
                    }
                    if open.gross.is_zero() {
                        continue;
                    }
                    open.share(rate, Quantity::ZERO, config)
                }
            }
            .map_err(|e| e.on_line(index))?;
            lines.push(share);
            order_lines.push(index);
        }
        if lines.is_empty() {
            return Err(Error::NothingTo { what: "invoice" });
        }
        let priced = priced.of_shares(lines, on)?;
        let schedule = terms.schedule(on, priced.totals().gross, config.strategy())?;
        Ok(OrderEvent::Invoiced(Box::new(InvoiceIssue {
            number: number.clone(),
            order: order.clone(),
            on,
            scope,
            terms,
            schedule,
            order_lines,
            priced,
        })))
    }

    /// The command `event` was decided from, to re-decide it on replay.
    fn command_of(event: &OrderEvent) -> OrderCommand {
        match event {
            OrderEvent::Placed { number, priced, on } => OrderCommand::Place {
                number: number.clone(),
                priced: priced.clone(),
                on: *on,
            },
            OrderEvent::Shipped { on, lines } => OrderCommand::Ship {
                on: *on,
                lines: lines.clone(),
            },
            OrderEvent::Invoiced(issue) => OrderCommand::Invoice {
                number: issue.number.clone(),
                on: issue.on,
                scope: issue.scope,
                terms: issue.terms,
            },
            OrderEvent::Cancelled { on } => OrderCommand::Cancel { on: *on },
        }
    }
}

impl Aggregate for Order {
    type Command = OrderCommand;
    type Event = OrderEvent;
    type Error = Error;

    fn decide(&self, command: &OrderCommand) -> Result<Vec<OrderEvent>> {
        use OrderStatus::{Confirmed, PartiallyFulfilled};
        let event = match command {
            OrderCommand::Place { number, priced, on } => {
                if self.status.is_some() {
                    return Err(self.refuse("place"));
                }
                if priced.lines().is_empty() {
                    return Err(Error::NothingTo { what: "order" });
                }
                OrderEvent::Placed {
                    number: number.clone(),
                    priced: priced.clone(),
                    on: *on,
                }
            }
            OrderCommand::Ship { on, lines } => self.decide_ship(*on, lines)?,
            OrderCommand::Invoice {
                number,
                on,
                scope,
                terms,
            } => self.decide_invoice(number, *on, *scope, *terms)?,
            OrderCommand::Cancel { on } => match self.status {
                Some(Confirmed | PartiallyFulfilled) => OrderEvent::Cancelled { on: *on },
                _ => return Err(self.refuse("cancel")),
            },
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &OrderEvent) {
        match event {
            OrderEvent::Placed { number, priced, on } => {
                self.status = Some(OrderStatus::Confirmed);
                self.number = Some(number.clone());
                self.placed_on = Some(*on);
                self.shipped = vec![Quantity::ZERO; priced.lines().len()];
                self.uninvoiced = priced
                    .lines()
                    .iter()
                    .map(|line| {
                        let mut open = line.clone();
                        open.steps.clear();
                        Some(open)
                    })
                    .collect();
                self.priced = Some(priced.clone());
            }
            OrderEvent::Shipped { lines, .. } => {
                for l in lines {
                    if let Some(shipped) = self.shipped.get_mut(l.line) {
                        *shipped = shipped.checked_add(l.quantity).unwrap_or(*shipped);
                    }
                }
                let done = self.open_to_ship().iter().all(|q| !q.is_positive());
                self.status = Some(if done {
                    OrderStatus::Fulfilled
                } else {
                    OrderStatus::PartiallyFulfilled
                });
            }
            OrderEvent::Invoiced(issue) => {
                for (line, index) in issue.priced.lines().iter().zip(&issue.order_lines) {
                    if let Some(slot) = self.uninvoiced.get_mut(*index) {
                        *slot = match slot.take() {
                            Some(_) if line.is_whole_share() => None,
                            Some(open) => Some(open.less(line).unwrap_or(open)),
                            None => None,
                        };
                    }
                }
                self.invoices.push(issue.number.clone());
            }
            OrderEvent::Cancelled { .. } => self.status = Some(OrderStatus::Cancelled),
        }
    }

    /// Re-decides the command each stored event was decided from: an event
    /// the rules would refuse, or would decide differently, is
    /// [`Error::ContradictoryEvent`] and leaves the order untouched.
    fn replay(&mut self, event: &OrderEvent) -> Result<()> {
        let decided = self
            .decide(&Self::command_of(event))
            .map_err(|e| contradiction("order", event.event_type(), e.to_string()))?;
        if decided.as_slice() != core::slice::from_ref(event) {
            return Err(contradiction(
                "order",
                event.event_type(),
                "it differs from what the rules decide".to_owned(),
            ));
        }
        self.apply(event);
        Ok(())
    }
}

pub(crate) fn contradiction(aggregate: &'static str, event: &'static str, reason: String) -> Error {
    Error::ContradictoryEvent {
        aggregate,
        event,
        reason,
    }
}
