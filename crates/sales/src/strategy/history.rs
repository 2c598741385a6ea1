//! Strategies for the histories of orders and invoices: sequences of
//! commands each of which the document accepts in the state the commands
//! before it left, with the events they decided.

use bureau_core::{Aggregate, Decimal, Money, Percent, RoundingStrategy};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use crate::{
    Credit, DocumentNumber, Invoice, InvoiceCommand, InvoiceEvent, InvoiceIssue, InvoiceScope,
    LineAmount, LineQuantity, Order, OrderCommand, OrderEvent, PaymentTerms, PricedDocument,
    Quantity,
};

/// An order's history: commands the order accepted one after another
/// (the first places it), the events they decided, and the order they left.
///
/// Replaying `events` on a new order ([`Aggregate::replay`]) rebuilds
/// `order`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OrderHistory {
    /// The commands, in order; each was accepted.
    pub commands: Vec<OrderCommand>,
    /// The events they decided, in order.
    pub events: Vec<OrderEvent>,
    /// The order after them.
    pub order: Order,
}

impl OrderHistory {
    /// The invoices the order raised, in order.
    pub fn invoices(&self) -> impl Iterator<Item = &InvoiceIssue> {
        self.events.iter().filter_map(|e| match e {
            OrderEvent::Invoiced(issue) => Some(&**issue),
            _ => None,
        })
    }
}

/// An invoice's history: commands the invoice accepted one after another
/// (the first issues it), the events they decided, and the invoice they
/// left.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InvoiceHistory {
    /// The commands, in order; each was accepted.
    pub commands: Vec<InvoiceCommand>,
    /// The events they decided, in order.
    pub events: Vec<InvoiceEvent>,
    /// The invoice after them.
    pub invoice: Invoice,
}

/// A priced document of at least one line, from a generated setup.
pub fn offer() -> impl Strategy<Value = PricedDocument> {
    super::setup_and_document()
        .prop_filter("some line", |(_, document)| !document.lines().is_empty())
        .prop_filter_map("prices", |(setup, document)| {
            setup.engine().price(&document).ok()
        })
}

/// Payment terms: net 0 to 60 days or end of month plus 0 to 30, maybe
/// with an early-payment discount of 1% to 3% within 5 to 15 days.
pub fn payment_terms() -> impl Strategy<Value = PaymentTerms> {
    (
        any::<bool>(),
        0_u16..=60,
        prop::option::of((1_i64..=3, 5_u16..=15)),
    )
        .prop_filter_map("valid terms", |(end_of_month, days, early)| {
            let terms = if end_of_month {
                PaymentTerms::end_of_month(days.min(30))
            } else {
                PaymentTerms::net(days)
            };
            match early {
                Some((percent, within)) if within <= days => terms
                    .with_early_payment(Percent::new(percent.into()), within)
                    .ok(),
                _ => Some(terms),
            }
        })
}

/// What is asked of an order once placed; indexes and fractions are read
/// against its state when the command is made.
#[derive(Clone, Debug)]
enum OrderStep {
    /// Ship quarters (1 to 4) of the backorder of some lines.
    Ship(Vec<(usize, u8)>),
    /// Invoice what was delivered.
    Delivered(PaymentTerms),
    /// Invoice everything left.
    All(PaymentTerms),
    /// A down payment of 10% to 50%.
    DownPayment(u8, PaymentTerms),
    /// Cancel the backorder.
    Cancel,
}

fn order_step() -> impl Strategy<Value = OrderStep> {
    prop_oneof![
        5 => prop::collection::vec((0_usize..16, 1_u8..=4), 1..4).prop_map(OrderStep::Ship),
        3 => payment_terms().prop_map(OrderStep::Delivered),
        1 => payment_terms().prop_map(OrderStep::All),
        1 => (1_u8..=5, payment_terms()).prop_map(|(tenths, t)| OrderStep::DownPayment(tenths, t)),
        1 => Just(OrderStep::Cancel),
    ]
}

fn day(start: NaiveDate, offset: usize) -> Option<NaiveDate> {
    start.checked_add_days(Days::new(u64::try_from(offset).ok()?))
}

fn number(prefix: &str, n: usize) -> Option<DocumentNumber> {
    DocumentNumber::new(format!("{prefix}-{n}")).ok()
}

/// The command `step` asks of `order` on `on`.
fn order_command(order: &Order, step: &OrderStep, on: NaiveDate, n: usize) -> Option<OrderCommand> {
    Some(match step {
        OrderStep::Ship(lines) => {
            let backorder = order.backorder();
            let count = backorder.len().max(1);
            let mut chosen: Vec<LineQuantity> = Vec::new();
            for (line, quarters) in lines {
                let line = line % count;
                if chosen.iter().any(|l| l.line == line) {
                    continue;
                }
                let open = backorder.get(line)?.value();
                let units = if *quarters >= 4 {
                    open
                } else {
                    (open * Decimal::from(*quarters) / Decimal::from(4)).round_dp(2)
                };
                chosen.push(LineQuantity::new(line, Quantity::new(units)));
            }
            OrderCommand::Ship { on, lines: chosen }
        }
        OrderStep::Delivered(terms) => OrderCommand::Invoice {
            number: number("INV", n)?,
            on,
            scope: InvoiceScope::Delivered,
            terms: *terms,
        },
        OrderStep::All(terms) => OrderCommand::Invoice {
            number: number("INV", n)?,
            on,
            scope: InvoiceScope::All,
            terms: *terms,
        },
        OrderStep::DownPayment(tenths, terms) => OrderCommand::Invoice {
            number: number("INV", n)?,
            on,
            scope: InvoiceScope::DownPayment(Percent::new(Decimal::from(*tenths) * Decimal::TEN)),
            terms: *terms,
        },
        OrderStep::Cancel => OrderCommand::Cancel { on },
    })
}

/// Runs `commands` on `aggregate`, keeping those it accepts: the history of
/// the accepted commands and their events.
fn accepted<A: Aggregate>(
    aggregate: &mut A,
    commands: impl IntoIterator<Item = A::Command>,
) -> (Vec<A::Command>, Vec<A::Event>)
where
    A::Event: Clone,
{
    let (mut kept, mut events) = (Vec::new(), Vec::new());
    for command in commands {
        if let Ok(decided) = aggregate.handle(&command) {
            kept.push(command);
            events.extend(decided);
        }
    }
    (kept, events)
}

/// An order placed from `priced` on `on`, then up to `max_steps` of
/// shipments of parts of the backorder, invoices (of what was delivered,
/// of everything left, down payments) under any terms, and maybe a
/// cancellation, a day or more apart; only commands the order accepts
/// are kept.
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_sales::{Order, strategy};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let history = strategy::order_history(12).new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// let mut rebuilt = Order::default();
/// for event in &history.events {
///     rebuilt.replay(event)?;
/// }
/// assert_eq!(rebuilt, history.order);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn order_history(max_steps: usize) -> impl Strategy<Value = OrderHistory> {
    (
        offer(),
        prop::collection::vec((order_step(), 1_usize..=5), 0..=max_steps),
    )
        .prop_filter_map("an order placed", |(priced, steps)| {
            let start = priced.document().date();
            let place = OrderCommand::Place {
                number: number("SO", 1)?,
                priced: Box::new(priced),
                on: start,
            };
            let mut order = Order::default();
            let (mut commands, mut events) = accepted(&mut order, [place]);
            if commands.is_empty() {
                return None;
            }
            let mut offset = 0;
            for (n, (step, gap)) in steps.iter().enumerate() {
                offset += gap;
                let Some(command) = order_command(&order, step, day(start, offset)?, n + 1) else {
                    continue;
                };
                let (kept, decided) = accepted(&mut order, [command]);
                commands.extend(kept);
                events.extend(decided);
            }
            Some(OrderHistory {
                commands,
                events,
                order,
            })
        })
}

/// What is asked of an invoice once issued.
#[derive(Clone, Debug)]
enum InvoiceStep {
    /// Pay quarters (1 to 4) of the balance; 4 on a day within the
    /// early-payment deadline pays the discounted amount.
    Pay(u8),
    /// Return quarters (1 to 4) of the open units of some lines, maybe with
    /// a 10% restocking fee.
    Return(Vec<(usize, u8)>, bool),
    /// Correct fifths (1 to 5) of the open gross of a line.
    Correct(usize, u8),
    /// Credit everything left.
    Full,
}

fn invoice_step() -> impl Strategy<Value = InvoiceStep> {
    prop_oneof![
        3 => (1_u8..=4).prop_map(InvoiceStep::Pay),
        3 => (prop::collection::vec((0_usize..16, 1_u8..=4), 1..3), any::<bool>())
            .prop_map(|(lines, fee)| InvoiceStep::Return(lines, fee)),
        2 => (0_usize..16, 1_u8..=5).prop_map(|(line, fifths)| InvoiceStep::Correct(line, fifths)),
        1 => Just(InvoiceStep::Full),
    ]
}

fn invoice_command(
    invoice: &Invoice,
    step: &InvoiceStep,
    on: NaiveDate,
    n: usize,
) -> Option<InvoiceCommand> {
    let issue = invoice.issue()?;
    let strategy = issue.priced.config().strategy();
    let open = invoice.uncredited();
    let count = open.len().max(1);
    Some(match step {
        InvoiceStep::Pay(quarters) => {
            let balance = invoice.balance()?;
            let amount = match issue.schedule.discount {
                Some(offer) if *quarters >= 4 && on <= offer.deadline => {
                    let off = balance.mul_rate(offer.percent.to_rate(), strategy).ok()?;
                    balance.checked_sub(off).ok()?
                }
                _ => Money::rounded(
                    balance.amount() * Decimal::from(*quarters) / Decimal::from(4),
                    balance.currency(),
                    RoundingStrategy::ToZero,
                )
                .ok()?,
            };
            InvoiceCommand::Pay { amount, on }
        }
        InvoiceStep::Return(lines, fee) => {
            let mut chosen: Vec<LineQuantity> = Vec::new();
            for (line, quarters) in lines {
                let line = line % count;
                let Some(Some(open)) = open.get(line) else {
                    continue;
                };
                if chosen.iter().any(|l| l.line == line) {
                    continue;
                }
                let units = open.quantity.value();
                let units = if *quarters >= 4 {
                    units
                } else {
                    (units * Decimal::from(*quarters) / Decimal::from(4)).round_dp(2)
                };
                chosen.push(LineQuantity::new(line, Quantity::new(units)));
            }
            InvoiceCommand::Credit {
                number: number("CN", n)?,
                on,
                credit: Credit::Return {
                    lines: chosen,
                    restocking_fee: fee.then(|| Percent::new(10.into())),
                },
            }
        }
        InvoiceStep::Correct(line, fifths) => {
            let line = line % count;
            let gross = open.get(line)?.as_ref()?.gross;
            let amount = Money::rounded(
                gross.amount() * Decimal::from(*fifths) / Decimal::from(5),
                gross.currency(),
                RoundingStrategy::ToZero,
            )
            .ok()?;
            InvoiceCommand::Credit {
                number: number("CN", n)?,
                on,
                credit: Credit::Correction {
                    lines: vec![LineAmount::new(line, amount)],
                },
            }
        }
        InvoiceStep::Full => InvoiceCommand::Credit {
            number: number("CN", n)?,
            on,
            credit: Credit::Full,
        },
    })
}

/// An invoice issued by an order's first invoice (of everything, under
/// any terms), then up to `max_steps` of payments (parts of the balance,
/// or the discounted amount within the deadline), returns (with or without
/// a restocking fee), corrections and full credits, a day or more apart;
/// only commands the invoice accepts are kept.
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_sales::{Invoice, strategy};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let history = strategy::invoice_history(12).new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// let mut rebuilt = Invoice::default();
/// for event in &history.events {
///     rebuilt.replay(event)?;
/// }
/// assert_eq!(rebuilt, history.invoice);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invoice_history(max_steps: usize) -> impl Strategy<Value = InvoiceHistory> {
    (
        offer(),
        payment_terms(),
        prop::collection::vec((invoice_step(), 1_usize..=6), 0..=max_steps),
    )
        .prop_filter_map("an invoice issued", |(priced, terms, steps)| {
            let start = priced.document().date();
            let mut order = Order::default();
            order
                .handle(&OrderCommand::Place {
                    number: number("SO", 1)?,
                    priced: Box::new(priced),
                    on: start,
                })
                .ok()?;
            let raised = order
                .handle(&OrderCommand::Invoice {
                    number: number("INV", 1)?,
                    on: start,
                    scope: InvoiceScope::All,
                    terms,
                })
                .ok()?;
            let issue = raised.into_iter().find_map(|e| match e {
                OrderEvent::Invoiced(issue) => Some(issue),
                _ => None,
            })?;
            let mut invoice = Invoice::default();
            let (mut commands, mut events) = accepted(&mut invoice, [InvoiceCommand::Issue(issue)]);
            if commands.is_empty() {
                return None;
            }
            let mut offset = 0;
            for (n, (step, gap)) in steps.iter().enumerate() {
                offset += gap;
                let Some(command) = invoice_command(&invoice, step, day(start, offset)?, n + 1)
                else {
                    continue;
                };
                let (kept, decided) = accepted(&mut invoice, [command]);
                commands.extend(kept);
                events.extend(decided);
            }
            Some(InvoiceHistory {
                commands,
                events,
                invoice,
            })
        })
}
