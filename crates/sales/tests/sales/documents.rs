//! Orders, invoices and credit notes: the same lines give the same totals on
//! every document, shares add up to the whole, transitions are guarded, and
//! stored events replay to the same state.

use bureau_core::{Aggregate, Decimal, Money, Percent};
use bureau_sales::strategy;
use bureau_sales::*;
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

fn number(text: &str) -> DocumentNumber {
    DocumentNumber::new(text).unwrap()
}

/// A priced document of at least one line.
fn offer() -> impl Strategy<Value = PricedDocument> {
    strategy::setup_and_document()
        .prop_filter("some line", |(_, document)| !document.lines().is_empty())
        .prop_map(|(setup, document)| setup.engine().price(&document).unwrap())
}

/// What is asked of an order after it is placed: line and quarter
/// indexes are reduced modulo the order's size.
#[derive(Clone, Debug)]
enum Step {
    Ship(Vec<(usize, i64)>),
    Invoice(u8),
    Cancel,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        4 => prop::collection::vec((0_usize..8, -1_i64..=5), 0..4).prop_map(Step::Ship),
        3 => (0_u8..=3).prop_map(Step::Invoice),
        1 => Just(Step::Cancel),
    ];
    prop::collection::vec(step, 0..12)
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1)
        .unwrap()
        .checked_add_days(Days::new(offset))
        .unwrap()
}

fn order_command(order: &Order, step: &Step, index: usize) -> OrderCommand {
    let on = day(index as u64);
    match step {
        Step::Ship(lines) => {
            let priced = order.priced().unwrap();
            let count = priced.lines().len();
            OrderCommand::Ship {
                on,
                // Quarters of the line's quantity; -1 is a negative quantity,
                // 5 a quarter more than was ordered.
                lines: lines
                    .iter()
                    .map(|(line, quarters)| {
                        let line = line % count;
                        let ordered = priced.lines()[line].quantity.value();
                        let q = ordered * Decimal::from(*quarters) / Decimal::from(4);
                        LineQuantity::new(line, Quantity::new(q.round_dp(2)))
                    })
                    .collect(),
            }
        }
        Step::Invoice(kind) => OrderCommand::Invoice {
            number: number(&format!("INV-{index}")),
            on,
            scope: match kind {
                0 | 1 => InvoiceScope::Delivered,
                2 => InvoiceScope::All,
                _ => InvoiceScope::DownPayment(Percent::new(Decimal::from(30))),
            },
            terms: PaymentTerms::net(30),
        },
        Step::Cancel => OrderCommand::Cancel { on },
    }
}

fn place(priced: &PricedDocument) -> (Order, Vec<OrderEvent>) {
    let mut order = Order::default();
    let events = order
        .handle(&OrderCommand::Place {
            number: number("SO-1"),
            priced: Box::new(priced.clone()),
            on: day(0),
        })
        .unwrap();
    (order, events)
}

fn assert_refusal_kind(err: &Error) -> Result<(), TestCaseError> {
    let expected = match err {
        Error::Line { source, .. } => matches!(
            **source,
            Error::QuantityNotPositive { .. } | Error::ExceedsOpenQuantity { .. }
        ),
        Error::InvalidOrderTransition { .. }
        | Error::InvalidInvoiceTransition { .. }
        | Error::RepeatedLine { .. }
        | Error::NothingTo { .. }
        | Error::Overpayment { .. } => true,
        _ => false,
    };
    prop_assert!(expected, "unexpected error {}", err);
    Ok(())
}

/// A line's identities hold and no amount is negative.
fn check_line(line: &PricedLine, inclusion: TaxInclusion) -> Result<(), TestCaseError> {
    for amount in [
        line.list_amount,
        line.discount,
        line.net,
        line.tax,
        line.gross,
    ] {
        prop_assert!(!amount.is_negative(), "negative amount in {:?}", line);
    }
    prop_assert!(line.taxes.iter().all(|t| !t.amount.is_negative()));
    prop_assert_eq!(line.net.checked_add(line.tax).unwrap(), line.gross);
    let discounted = match inclusion {
        TaxInclusion::Exclusive => line.net,
        _ => line.gross,
    };
    prop_assert_eq!(
        line.list_amount.checked_sub(line.discount).unwrap(),
        discounted
    );
    Ok(())
}

/// Every amount of `documents` summed, taxes by code.
fn sum_totals<'a>(documents: impl IntoIterator<Item = &'a PricedDocument>) -> Vec<(String, Money)> {
    let mut sums: Vec<(String, Money)> = Vec::new();
    let mut add = |key: String, amount: Money| match sums.iter_mut().find(|(k, _)| *k == key) {
        Some((_, sum)) => *sum = sum.checked_add(amount).unwrap(),
        None => sums.push((key, amount)),
    };
    for document in documents {
        let t = document.totals();
        add("list".into(), t.list_amount);
        add("discount".into(), t.discount);
        add("net".into(), t.net);
        add("tax".into(), t.tax);
        add("gross".into(), t.gross);
        for tax in &t.taxes {
            add(format!("tax {}", tax.code), tax.amount);
        }
    }
    sums.retain(|(_, m)| !m.is_zero());
    sums.sort_by(|a, b| a.0.cmp(&b.0));
    sums
}

proptest! {
    #[test]
    fn the_same_lines_give_the_same_totals_on_every_document(priced in offer()) {
        let valid_until = priced.document().date();
        let mut quote = Quote::default();
        quote.handle(&QuoteCommand::Draft { priced: Box::new(priced.clone()), valid_until }).unwrap();
        quote.handle(&QuoteCommand::Send).unwrap();
        let accepted = quote.handle(&QuoteCommand::Accept { on: valid_until }).unwrap();
        let place = OrderCommand::from_acceptance(&accepted[0], number("SO-1")).unwrap();
        let mut order = Order::default();
        order.handle(&place).unwrap();
        let raised = order.handle(&OrderCommand::Invoice {
            number: number("INV-1"), on: valid_until, scope: InvoiceScope::All,
            terms: PaymentTerms::net(30),
        });
        let raised = raised.unwrap();
        let OrderEvent::Invoiced(issue) = &raised[0] else { panic!("not an invoice") };
        let mut invoice = Invoice::default();
        invoice.handle(&InvoiceCommand::Issue(issue.clone())).unwrap();
        let invoiced = invoice.priced().unwrap().clone();

        let quoted = quote.priced().unwrap().totals();
        prop_assert_eq!(order.priced().unwrap().totals(), quoted);
        prop_assert_eq!(invoiced.totals(), quoted);
        prop_assert_eq!(invoiced.document().lines(), priced.document().lines());

        // A full credit note nets the invoice to zero, line by line.
        let credited = invoice.handle(&InvoiceCommand::Credit {
            number: number("CN-1"), on: valid_until, credit: Credit::Full,
        }).unwrap();
        let InvoiceEvent::Credited(note) = &credited[0] else { panic!("not a credit") };
        prop_assert_eq!(note.priced.totals(), invoiced.totals());
        prop_assert_eq!(invoice.balance(), Some(Money::zero(quoted.gross.currency())));
        prop_assert!(invoice.uncredited().iter().all(Option::is_none));
        let mut credit_note = CreditNote::default();
        credit_note.handle(&CreditNoteCommand::Issue(note.clone())).unwrap();
        prop_assert_eq!(credit_note.issue().map(|n| &n.invoice), Some(&number("INV-1")));
    }

    #[test]
    fn invoices_of_an_order_add_up_to_it_and_replay(priced in offer(), steps in steps()) {
        let (mut order, mut events) = place(&priced);
        let mut invoices = Vec::new();
        for (index, step) in steps.iter().enumerate() {
            let command = order_command(&order, step, index + 1);
            let before = order.clone();
            match order.handle(&command) {
                Ok(decided) => {
                    for event in &decided {
                        if let OrderEvent::Invoiced(issue) = event {
                            for line in issue.priced.lines() {
                                check_line(line, priced.config().inclusion())?;
                            }
                            invoices.push(issue.priced.clone());
                        }
                    }
                    events.extend(decided);
                    for line in order.uninvoiced().iter().flatten() {
                        check_line(line, priced.config().inclusion())?;
                    }
                }
                Err(err) => {
                    prop_assert_eq!(&order, &before);
                    assert_refusal_kind(&err)?;
                }
            }
            // The backorder is what was ordered less what was shipped.
            if order.status() != Some(OrderStatus::Cancelled) {
                for ((line, shipped), backorder) in
                    priced.lines().iter().zip(order.shipped()).zip(order.backorder())
                {
                    prop_assert_eq!(backorder.checked_add(*shipped), Some(line.quantity));
                    prop_assert!(!backorder.is_negative());
                }
            }
        }
        if order.status() != Some(OrderStatus::Cancelled)
            && let Ok(decided) = order.handle(&OrderCommand::Invoice {
                number: number("INV-LAST"), on: day(40), scope: InvoiceScope::All,
                terms: PaymentTerms::end_of_month(30),
            })
        {
            for event in &decided {
                if let OrderEvent::Invoiced(issue) = event {
                    invoices.push(issue.priced.clone());
                }
            }
            events.extend(decided);
            prop_assert_eq!(sum_totals(&invoices), sum_totals([&priced]));
        }
        // Invoiced plus left to invoice is the order, every amount.
        let left: Vec<Money> = order.uninvoiced().iter().flatten().map(|l| l.gross).collect();
        let invoiced = sum_totals(&invoices).into_iter().find(|(k, _)| k == "gross")
            .map_or(Money::zero(priced.totals().gross.currency()), |(_, m)| m);
        let all = left.into_iter().fold(invoiced, |a, b| a.checked_add(b).unwrap());
        prop_assert_eq!(all, priced.totals().gross);

        let mut rebuilt = Order::default();
        for event in &events {
            rebuilt.replay(event).unwrap();
        }
        prop_assert_eq!(rebuilt, order);
    }

    #[test]
    fn credit_notes_never_exceed_the_invoice_and_replay(
        priced in offer(),
        credits in prop::collection::vec((0_usize..8, 0_u8..3, 0_i64..=6), 0..8),
        paid_quarters in 0_i64..=5,
    ) {
        let (mut order, _) = place(&priced);
        let raised = order.handle(&OrderCommand::Invoice {
            number: number("INV-1"), on: day(1), scope: InvoiceScope::All,
            terms: PaymentTerms::net(30).with_early_payment(Percent::new(2.into()), 10).unwrap(),
        }).unwrap();
        let OrderEvent::Invoiced(issue) = &raised[0] else { panic!("not an invoice") };
        let mut invoice = Invoice::default();
        let mut events = invoice.handle(&InvoiceCommand::Issue(issue.clone())).unwrap();
        let gross = issue.priced.totals().gross;
        let count = issue.priced.lines().len();
        // A payment of some quarters of the gross (5 is an overpayment).
        let payment = Money::rounded(gross.amount() * Decimal::from(paid_quarters) / Decimal::from(4),
            gross.currency(), bureau_core::RoundingStrategy::ToZero).unwrap();
        let mut commands = vec![InvoiceCommand::Pay { amount: payment, on: day(20) }];
        for (index, (line, kind, sixths)) in credits.iter().enumerate() {
            let line = line % count;
            let open_gross = invoice.uncredited()[line].as_ref().map_or(gross, |l| l.gross);
            let on = day(21 + index as u64);
            let credit = match kind {
                0 => Credit::Return {
                    lines: vec![LineQuantity::new(line, Quantity::new(
                        (issue.priced.lines()[line].quantity.value() * Decimal::from(*sixths) / Decimal::from(6)).round_dp(2)))],
                    restocking_fee: Some(Percent::new(10.into())),
                },
                1 => Credit::Correction {
                    lines: vec![LineAmount::new(line, Money::rounded(
                        open_gross.amount() * Decimal::from(*sixths) / Decimal::from(5),
                        gross.currency(), bureau_core::RoundingStrategy::ToZero).unwrap())],
                },
                _ => Credit::Full,
            };
            commands.push(InvoiceCommand::Credit { number: number(&format!("CN-{index}")), on, credit });
        }
        commands.push(InvoiceCommand::Credit { number: number("CN-LAST"), on: day(40), credit: Credit::Full });
        let mut notes = Vec::new();
        for command in &commands {
            let before = invoice.clone();
            match invoice.handle(command) {
                Ok(decided) => {
                    for event in &decided {
                        if let InvoiceEvent::Credited(note) = event {
                            prop_assert_eq!(&note.invoice, &number("INV-1"));
                            prop_assert!(!note.refund.is_negative());
                            for line in note.priced.lines() {
                                check_line(line, priced.config().inclusion())?;
                            }
                            notes.push(note.priced.clone());
                        }
                    }
                    events.extend(decided);
                }
                Err(err) => {
                    prop_assert_eq!(&invoice, &before);
                    let expected = match &err {
                        Error::Line { source, .. } => matches!(**source,
                            Error::QuantityNotPositive { .. } | Error::ExceedsOpenQuantity { .. }
                            | Error::AmountNotPositive { .. } | Error::CreditExceedsInvoice { .. }
                            | Error::NothingTo { .. }),
                        Error::NothingTo { .. } | Error::Overpayment { .. }
                            | Error::AmountNotPositive { .. }
                            | Error::InvalidInvoiceTransition { .. } => true,
                        _ => false,
                    };
                    prop_assert!(expected, "unexpected error {}", err);
                }
            }
            // Never more credited than invoiced, on any line.
            for (open, line) in invoice.uncredited().iter().zip(issue.priced.lines()) {
                let Some(open) = open else { continue };
                prop_assert!(!open.gross.is_negative() && !open.quantity.is_negative());
                prop_assert!(open.quantity <= line.quantity);
            }
        }
        // After the last full credit the notes add up to the invoice exactly.
        prop_assert_eq!(sum_totals(&notes), sum_totals([&issue.priced]));
        prop_assert!(invoice.uncredited().iter().all(Option::is_none));
        let mut rebuilt = Invoice::default();
        for event in &events {
            rebuilt.replay(event).unwrap();
        }
        prop_assert_eq!(rebuilt, invoice);
    }
}

#[test]
fn a_stored_event_the_rules_refuse_is_an_error() {
    let setup_priced = {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        offer().new_tree(&mut runner).unwrap().current()
    };
    let (mut order, _) = place(&setup_priced);
    let too_many = OrderEvent::Shipped {
        on: day(1),
        lines: vec![LineQuantity::new(
            0,
            Quantity::new(setup_priced.lines()[0].quantity.value() + Decimal::ONE),
        )],
    };
    let before = order.clone();
    let err = order.replay(&too_many).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ContradictoryEvent {
                aggregate: "order",
                event: "shipped",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(order, before);
    assert!(
        err.to_string()
            .starts_with("stored shipped event contradicts the order: line 0: shipment of"),
        "{err}"
    );
}

#[test]
fn errors_name_the_status() {
    let err = Order::default()
        .decide(&OrderCommand::Cancel { on: day(0) })
        .unwrap_err();
    assert_eq!(err.to_string(), "order is not placed: cannot cancel");
    let err = Invoice::default()
        .decide(&InvoiceCommand::Pay {
            amount: bureau_core::money!(1.00 EUR),
            on: day(0),
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "invoice is not issued: cannot pay");
    let err = CreditNote::default()
        .decide(&CreditNoteCommand::Settle { on: day(0) })
        .unwrap_err();
    assert_eq!(err.to_string(), "credit note is not issued: cannot settle");
}
