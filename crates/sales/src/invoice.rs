//! Invoices: raised from an order, paid in parts under payment terms,
//! corrected by credit notes.

use bureau_core::{Aggregate, Decimal, DomainEvent, Money, Percent};
use chrono::NaiveDate;

use crate::order::{check_line_quantities, contradiction, fraction};
use crate::pricing::discount::check_percent;
use crate::{
    CreditNoteIssue, DocumentNumber, Error, InvoiceScope, LineQuantity, PaymentSchedule,
    PaymentTerms, PricedDocument, PricedLine, Quantity, Result,
};

/// What an order decided to invoice: everything the invoice is issued with.
/// Carried by [`OrderEvent::Invoiced`](crate::OrderEvent::Invoiced) and
/// given to [`InvoiceCommand::Issue`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InvoiceIssue {
    /// The invoice's number.
    pub number: DocumentNumber,
    /// The order it bills.
    pub order: DocumentNumber,
    /// The invoice date.
    pub on: NaiveDate,
    /// What of the order it bills.
    pub scope: InvoiceScope,
    /// Its payment terms.
    pub terms: PaymentTerms,
    /// Its due date and early-payment discount, from the terms and its gross.
    pub schedule: PaymentSchedule,
    /// The order line each of its lines bills, in its line order.
    pub order_lines: Vec<usize>,
    /// Its lines (shares of the order's lines) and totals.
    pub priced: PricedDocument,
}

/// Where an invoice stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum InvoiceStatus {
    /// Issued, nothing paid.
    Issued,
    /// Some of it paid.
    PartiallyPaid,
    /// Nothing left to pay, and something was paid or nothing was ever due
    /// (a credit after payment leaves a refund due, shown as a negative
    /// balance).
    Paid,
    /// Nothing left to pay, and nothing was paid: credit notes cancelled it.
    Credited,
}

impl core::fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Issued => "issued",
            Self::PartiallyPaid => "partially paid",
            Self::Paid => "paid",
            Self::Credited => "credited",
        })
    }
}

/// A gross amount credited on one line of an invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LineAmount {
    /// The line's position, from 0.
    pub line: usize,
    /// The gross amount credited.
    pub amount: Money,
}

impl LineAmount {
    /// `amount` on line `line`.
    pub const fn new(line: usize, amount: Money) -> Self {
        Self { line, amount }
    }
}

/// What a credit note credits of an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Credit {
    /// Units of some lines returned, at most what was invoiced and not yet
    /// credited; `restocking_fee` (a percentage of the credited gross,
    /// rounded) is kept back from the refund.
    Return {
        /// The units returned.
        lines: Vec<LineQuantity>,
        /// The percentage kept back.
        restocking_fee: Option<Percent>,
    },
    /// Gross amounts credited on some lines, units kept (a price
    /// correction). Net and each tax are credited in proportion, each
    /// rounded, so the credited gross may differ from the amount asked by
    /// a minor unit per tax; crediting a line's whole open gross credits it
    /// exactly.
    Correction {
        /// The amounts.
        lines: Vec<LineAmount>,
    },
    /// Everything not yet credited: the invoice nets to zero.
    Full,
}

/// What may be asked of an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum InvoiceCommand {
    /// Issue the invoice an order raised.
    Issue(Box<InvoiceIssue>),
    /// Record a payment of `amount` received on `on`.
    Pay {
        /// The amount received.
        amount: Money,
        /// The day it was received.
        on: NaiveDate,
    },
    /// Issue a credit note numbered `number` against it.
    Credit {
        /// The credit note's number.
        number: DocumentNumber,
        /// Its date.
        on: NaiveDate,
        /// What it credits.
        credit: Credit,
    },
}

/// What happened to an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum InvoiceEvent {
    /// It was issued.
    Issued(Box<InvoiceIssue>),
    /// A payment was received.
    Paid {
        /// The amount received.
        amount: Money,
        /// The day.
        on: NaiveDate,
        /// The early-payment discount it earned: a payment within the
        /// discount deadline of exactly the balance less the discount
        /// settles the invoice.
        discount: Money,
    },
    /// A credit note was issued against it: the event carries everything
    /// the credit note needs ([`CreditNoteCommand::Issue`](crate::CreditNoteCommand::Issue)).
    Credited(Box<CreditNoteIssue>),
}

impl DomainEvent for InvoiceEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Issued(_) => "issued",
            Self::Paid { .. } => "paid",
            Self::Credited(_) => "credited",
        }
    }
}

/// An invoice: an [`Aggregate`] whose transitions are guarded; a command
/// its status does not allow is [`Error::InvalidInvoiceTransition`] naming
/// the status, and a refused command leaves the invoice untouched.
///
/// Its balance is its gross, less payments and early-payment discounts,
/// less the refunds of its credit notes. It tracks what is left to credit
/// of each line, so that credit notes never credit more than was invoiced
/// and a full credit takes exactly what is left.
///
/// ```
/// use bureau_core::{money, Aggregate, Currency, DateRange, Percent, ProductId, RoundingStrategy};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::*;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let widget = ProductId::from_u128(1);
/// let catalog = Catalog::from_products([Product::new(widget, Sku::new("WID")?,
///     ProductName::new("Widget")?, UnitOfMeasure::new("each")?, TaxCategory::new("standard")?)])?;
/// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None,
///     DateRange::new(day(1, 1)?, day(12, 31)?)?)
///     .with_prices(widget, [PriceTier::new(Quantity::ZERO, money!(10.00 EUR))?])?]);
/// let taxes = TaxTable::default();
/// let engine = Pricing::new(&catalog, &prices, &taxes, PricingConfig::new(RoundingStrategy::MidpointNearestEven));
/// let priced = engine.price(&Document::new(Currency::EUR, day(3, 1)?)
///     .with_line(DocumentLine::new(widget, Quantity::from(10))))?;
/// let mut order = Order::default();
/// order.handle(&OrderCommand::Place { number: DocumentNumber::new("SO-1")?,
///     priced: Box::new(priced), on: day(3, 1)? })?;
/// let raised = order.handle(&OrderCommand::Invoice { number: DocumentNumber::new("INV-1")?,
///     on: day(3, 2)?, scope: InvoiceScope::All,
///     terms: PaymentTerms::net(30).with_early_payment(Percent::new(2.into()), 10)? })?;
/// let OrderEvent::Invoiced(issue) = &raised[0] else { return Err("no invoice".into()) };
///
/// let mut invoice = Invoice::default();
/// invoice.handle(&InvoiceCommand::Issue(issue.clone()))?;
/// invoice.handle(&InvoiceCommand::Pay { amount: money!(40.00 EUR), on: day(3, 5)? })?;
/// assert_eq!(invoice.status(), Some(InvoiceStatus::PartiallyPaid));
/// // Three units come back: credited in full, 10% kept as a restocking fee.
/// let credited = invoice.handle(&InvoiceCommand::Credit { number: DocumentNumber::new("CN-1")?,
///     on: day(3, 6)?, credit: Credit::Return { lines: vec![LineQuantity::new(0, Quantity::from(3))],
///     restocking_fee: Some(Percent::new(10.into())) } })?;
/// let InvoiceEvent::Credited(note) = &credited[0] else { return Err("no credit".into()) };
/// assert_eq!((note.priced.totals().gross, note.refund), (money!(30.00 EUR), money!(27.00 EUR)));
/// assert_eq!(invoice.balance(), Some(money!(33.00 EUR)));
/// // Seven units are left to return, not eight.
/// let err = invoice.decide(&InvoiceCommand::Credit { number: DocumentNumber::new("CN-2")?,
///     on: day(3, 7)?, credit: Credit::Return { lines: vec![LineQuantity::new(0, Quantity::from(8))],
///     restocking_fee: None } }).unwrap_err();
/// assert_eq!(err.to_string(), "line 0: return of 8 exceeds the 7 open");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invoice {
    issue: Option<Box<InvoiceIssue>>,
    paid: Option<Money>,
    discounts: Option<Money>,
    credited: Option<Money>,
    /// What is left to credit of each line, `None` once credited whole.
    uncredited: Vec<Option<PricedLine>>,
    credit_notes: Vec<DocumentNumber>,
}

impl Invoice {
    /// What it was issued with.
    pub fn issue(&self) -> Option<&InvoiceIssue> {
        self.issue.as_deref()
    }

    /// Its lines and totals.
    pub fn priced(&self) -> Option<&PricedDocument> {
        self.issue.as_deref().map(|i| &i.priced)
    }

    /// The sum of the payments received.
    pub const fn paid(&self) -> Option<Money> {
        self.paid
    }

    /// The early-payment discounts earned.
    pub const fn discounts(&self) -> Option<Money> {
        self.discounts
    }

    /// The sum of its credit notes' refunds.
    pub const fn credited(&self) -> Option<Money> {
        self.credited
    }

    /// What is left to credit of each line, its units and amounts; `None`
    /// once the line is credited whole.
    pub fn uncredited(&self) -> &[Option<PricedLine>] {
        &self.uncredited
    }

    /// The numbers of its credit notes, in order.
    pub fn credit_notes(&self) -> &[DocumentNumber] {
        &self.credit_notes
    }

    /// What is left to pay: gross less payments, discounts and credits;
    /// negative when a refund is due.
    pub fn balance(&self) -> Option<Money> {
        let issue = self.issue.as_deref()?;
        let zero = Money::zero(issue.priced.document().currency());
        issue
            .priced
            .totals()
            .gross
            .checked_sub(self.paid.unwrap_or(zero))
            .and_then(|b| b.checked_sub(self.discounts.unwrap_or(zero)))
            .and_then(|b| b.checked_sub(self.credited.unwrap_or(zero)))
            .ok()
    }

    /// Where it stands; `None` before it is issued.
    pub fn status(&self) -> Option<InvoiceStatus> {
        self.issue.as_ref()?;
        let settled = self.balance().is_some_and(|b| !b.is_positive());
        let paid = self.paid.is_some_and(|p| p.is_positive());
        let credited = !self.credit_notes.is_empty();
        Some(match (settled, paid, credited) {
            (true, false, true) => InvoiceStatus::Credited,
            (true, _, _) => InvoiceStatus::Paid,
            (false, true, _) => InvoiceStatus::PartiallyPaid,
            (false, false, _) => InvoiceStatus::Issued,
        })
    }

    fn refuse(&self, command: &'static str) -> Error {
        Error::InvalidInvoiceTransition {
            status: self.status(),
            command,
        }
    }

    fn decide_pay(&self, amount: Money, on: NaiveDate) -> Result<InvoiceEvent> {
        let (Some(issue), Some(balance)) = (self.issue.as_deref(), self.balance()) else {
            return Err(self.refuse("pay"));
        };
        if !balance.is_positive() {
            return Err(self.refuse("pay"));
        }
        if amount.currency() != balance.currency() {
            return Err(Error::ForeignAmount {
                what: "payment".to_owned(),
                currency: amount.currency(),
                document_currency: balance.currency(),
            });
        }
        if !amount.is_positive() {
            return Err(Error::AmountNotPositive {
                what: "payment",
                amount,
            });
        }
        let mut discount = Money::zero(balance.currency());
        if let Some(offer) = issue.schedule.discount
            && on <= offer.deadline
            && self.discounts.is_none_or(|d| d.is_zero())
        {
            let off =
                balance.mul_rate(offer.percent.to_rate(), issue.priced.config().strategy())?;
            if amount == balance.checked_sub(off)? {
                discount = off;
            }
        }
        if amount.checked_add(discount)?.checked_cmp(balance)? == core::cmp::Ordering::Greater {
            return Err(Error::Overpayment { amount, balance });
        }
        Ok(InvoiceEvent::Paid {
            amount,
            on,
            discount,
        })
    }

    fn decide_credit(
        &self,
        number: &DocumentNumber,
        on: NaiveDate,
        credit: &Credit,
    ) -> Result<InvoiceEvent> {
        let Some(issue) = self.issue.as_deref() else {
            return Err(self.refuse("credit"));
        };
        let config = issue.priced.config();
        let open = &self.uncredited;
        let mut taken: Vec<(usize, PricedLine)> = Vec::new();
        let mut fee_rate = None;
        match credit {
            Credit::Return {
                lines,
                restocking_fee,
            } => {
                check_line_quantities(lines, open.len(), "return")?;
                for l in lines {
                    let line = open_line(open, l.line)?;
                    if l.quantity > line.quantity {
                        return Err(Error::ExceedsOpenQuantity {
                            what: "return",
                            quantity: l.quantity,
                            open: line.quantity,
                        }
                        .on_line(l.line));
                    }
                    let share = line
                        .share(
                            fraction(l.quantity.value(), line.quantity.value())?,
                            l.quantity,
                            config,
                        )
                        .map_err(|e| e.on_line(l.line))?;
                    taken.push((l.line, share));
                }
                if let Some(percent) = restocking_fee {
                    check_percent("restocking fee", *percent)?;
                    fee_rate = Some(percent.to_rate());
                }
            }
            Credit::Correction { lines } => {
                if lines.is_empty() {
                    return Err(Error::NothingTo { what: "credit" });
                }
                for (index, l) in lines.iter().enumerate() {
                    if l.line >= open.len() {
                        return Err(Error::NoSuchLine {
                            line: l.line,
                            lines: open.len(),
                        });
                    }
                    let line = open_line(open, l.line)?;
                    if lines.iter().take(index).any(|o| o.line == l.line) {
                        return Err(Error::RepeatedLine { line: l.line });
                    }
                    let share =
                        correction(line, l.amount, config).map_err(|e| e.on_line(l.line))?;
                    taken.push((l.line, share));
                }
            }
            Credit::Full => {
                for (index, line) in open.iter().enumerate() {
                    if let Some(line) = line {
                        taken.push((index, line.share(Decimal::ONE, line.quantity, config)?));
                    }
                }
                if taken.is_empty() {
                    return Err(Error::NothingTo { what: "credit" });
                }
            }
        }
        let (invoice_lines, lines): (Vec<usize>, Vec<PricedLine>) = taken.into_iter().unzip();
        let priced = issue.priced.of_shares(lines, on)?;
        let gross = priced.totals().gross;
        let restocking_fee = match fee_rate {
            Some(rate) => gross.mul_rate(rate, config.strategy())?,
            None => Money::zero(gross.currency()),
        };
        Ok(InvoiceEvent::Credited(Box::new(CreditNoteIssue {
            number: number.clone(),
            invoice: issue.number.clone(),
            on,
            credit: credit.clone(),
            invoice_lines,
            refund: gross.checked_sub(restocking_fee)?,
            restocking_fee,
            priced,
        })))
    }

    fn command_of(event: &InvoiceEvent) -> InvoiceCommand {
        match event {
            InvoiceEvent::Issued(issue) => InvoiceCommand::Issue(issue.clone()),
            InvoiceEvent::Paid { amount, on, .. } => InvoiceCommand::Pay {
                amount: *amount,
                on: *on,
            },
            InvoiceEvent::Credited(note) => InvoiceCommand::Credit {
                number: note.number.clone(),
                on: note.on,
                credit: note.credit.clone(),
            },
        }
    }
}

/// Line `line` of `open`, still open: a line credited whole is
/// [`Error::NothingTo`] credit, on that line.
fn open_line(open: &[Option<PricedLine>], line: usize) -> Result<&PricedLine> {
    match open.get(line) {
        None => Err(Error::NoSuchLine {
            line,
            lines: open.len(),
        }),
        Some(None) => Err(Error::NothingTo { what: "credit" }.on_line(line)),
        Some(Some(open)) => Ok(open),
    }
}

/// The share of `line` whose gross is `amount`.
fn correction(
    line: &PricedLine,
    amount: Money,
    config: crate::PricingConfig,
) -> Result<PricedLine> {
    if amount.currency() != line.gross.currency() {
        return Err(Error::ForeignAmount {
            what: "correction".to_owned(),
            currency: amount.currency(),
            document_currency: line.gross.currency(),
        });
    }
    if !amount.is_positive() {
        return Err(Error::AmountNotPositive {
            what: "correction",
            amount,
        });
    }
    if amount.checked_cmp(line.gross)? == core::cmp::Ordering::Greater {
        return Err(Error::CreditExceedsInvoice {
            amount,
            open: line.gross,
        });
    }
    let whole = amount == line.gross;
    let quantity = if whole { line.quantity } else { Quantity::ZERO };
    line.share(
        fraction(amount.amount(), line.gross.amount())?,
        quantity,
        config,
    )
}

impl Aggregate for Invoice {
    type Command = InvoiceCommand;
    type Event = InvoiceEvent;
    type Error = Error;

    fn decide(&self, command: &InvoiceCommand) -> Result<Vec<InvoiceEvent>> {
        let event = match command {
            InvoiceCommand::Issue(issue) => {
                if self.issue.is_some() {
                    return Err(self.refuse("issue"));
                }
                InvoiceEvent::Issued(issue.clone())
            }
            InvoiceCommand::Pay { amount, on } => self.decide_pay(*amount, *on)?,
            InvoiceCommand::Credit { number, on, credit } => {
                self.decide_credit(number, *on, credit)?
            }
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &InvoiceEvent) {
        match event {
            InvoiceEvent::Issued(issue) => {
                self.uncredited = issue
                    .priced
                    .lines()
                    .iter()
                    .map(|line| {
                        let mut open = line.clone();
                        open.steps.clear();
                        Some(open)
                    })
                    .collect();
                self.issue = Some(issue.clone());
            }
            InvoiceEvent::Paid {
                amount, discount, ..
            } => {
                self.paid = Some(add(self.paid, *amount));
                self.discounts = Some(add(self.discounts, *discount));
            }
            InvoiceEvent::Credited(note) => {
                for (line, index) in note.priced.lines().iter().zip(&note.invoice_lines) {
                    if let Some(slot) = self.uncredited.get_mut(*index) {
                        *slot = match slot.take() {
                            Some(_) if line.is_whole_share() => None,
                            Some(open) => Some(open.less(line).unwrap_or(open)),
                            None => None,
                        };
                    }
                }
                self.credited = Some(add(self.credited, note.refund));
                self.credit_notes.push(note.number.clone());
            }
        }
    }

    /// Re-decides the command each stored event was decided from: an event
    /// the rules would refuse, or would decide differently, is
    /// [`Error::ContradictoryEvent`] and leaves the invoice untouched.
    fn replay(&mut self, event: &InvoiceEvent) -> Result<()> {
        let decided = self
            .decide(&Self::command_of(event))
            .map_err(|e| contradiction("invoice", event.event_type(), e.to_string()))?;
        if decided.as_slice() != core::slice::from_ref(event) {
            return Err(contradiction(
                "invoice",
                event.event_type(),
                "it differs from what the rules decide".to_owned(),
            ));
        }
        self.apply(event);
        Ok(())
    }
}

/// `sum + amount`, `amount` when there is no sum yet; an overflow (which
/// `decide` rules out) keeps the sum.
fn add(sum: Option<Money>, amount: Money) -> Money {
    match sum {
        None => amount,
        Some(s) => s.checked_add(amount).unwrap_or(s),
    }
}
