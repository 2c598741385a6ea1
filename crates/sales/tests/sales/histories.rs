//! Generated order and invoice histories replay to the same documents and
//! keep their sums.

use bureau_core::{Aggregate, Money};
use bureau_sales::strategy::{self, InvoiceHistory};
use bureau_sales::*;
use proptest::prelude::*;

fn sum(currency: bureau_core::Currency, amounts: impl IntoIterator<Item = Money>) -> Money {
    Money::checked_sum(amounts, currency).unwrap()
}

proptest! {
    #[test]
    fn order_histories_replay_to_the_same_order(history in strategy::order_history(16)) {
        let mut rebuilt = Order::default();
        for event in &history.events {
            rebuilt.replay(event)?;
        }
        prop_assert_eq!(&rebuilt, &history.order);
        // The same through storage: events read back from JSON replay alike.
        let json = serde_json::to_string(&history.events).unwrap();
        let read: Vec<OrderEvent> = serde_json::from_str(&json).unwrap();
        let mut reread = Order::default();
        for event in &read {
            reread.replay(event)?;
        }
        prop_assert_eq!(&reread, &history.order);
        // Each command, decided again on the state before it, decides the
        // same events; one command decided one event.
        let mut order = Order::default();
        prop_assert_eq!(history.commands.len(), history.events.len());
        for (command, event) in history.commands.iter().zip(&history.events) {
            prop_assert_eq!(order.decide(command)?, vec![event.clone()]);
            order.apply(event);
        }
        // A stored event decided again where the rules refuse it is an error,
        // and leaves the order as it was.
        let before = history.order.clone();
        let mut again = history.order.clone();
        prop_assert!(again.replay(&history.events[0]).is_err());
        prop_assert_eq!(again, before);
    }

    #[test]
    fn order_histories_keep_their_sums(history in strategy::order_history(16)) {
        let order = &history.order;
        let priced = order.priced().unwrap();
        let currency = priced.document().currency();
        // Invoiced plus left to invoice is the order, amount by amount.
        let invoiced: Vec<&PricedDocument> = history.invoices().map(|i| &i.priced).collect();
        let left: Vec<&PricedLine> = order.uninvoiced().iter().flatten().collect();
        let total = |pick: fn(&PricedLine) -> Money| {
            sum(currency, invoiced.iter().flat_map(|d| d.lines()).chain(left.iter().copied()).map(pick))
        };
        prop_assert_eq!(total(|l| l.gross), priced.totals().gross);
        prop_assert_eq!(total(|l| l.net), priced.totals().net);
        prop_assert_eq!(total(|l| l.tax), priced.totals().tax);
        prop_assert_eq!(total(|l| l.discount), priced.totals().discount);
        for issue in history.invoices() {
            prop_assert_eq!(&issue.order, order.number().unwrap());
            prop_assert!(!issue.priced.totals().gross.is_negative());
            // Every invoice raised can be issued.
            let mut invoice = Invoice::default();
            invoice.handle(&InvoiceCommand::Issue(Box::new(issue.clone())))?;
            prop_assert_eq!(invoice.balance(), Some(issue.priced.totals().gross));
        }
        prop_assert_eq!(order.invoices().len(), history.invoices().count());
        // Shipped plus backorder is what was ordered, until a cancellation.
        let cancelled = order.status() == Some(OrderStatus::Cancelled);
        for ((line, shipped), backorder) in priced.lines().iter().zip(order.shipped()).zip(order.backorder()) {
            prop_assert!(*shipped <= line.quantity);
            if cancelled {
                prop_assert_eq!(backorder, Quantity::ZERO);
            } else {
                prop_assert_eq!(backorder.checked_add(*shipped), Some(line.quantity));
            }
        }
        // The status follows the shipments.
        let all_shipped = order.backorder().iter().all(|q| !q.is_positive());
        let shipped_once = history.events.iter().any(|e| matches!(e, OrderEvent::Shipped { .. }));
        if !cancelled {
            let expected = match (shipped_once, all_shipped) {
                (false, _) => OrderStatus::Confirmed,
                (true, false) => OrderStatus::PartiallyFulfilled,
                (true, true) => OrderStatus::Fulfilled,
            };
            prop_assert_eq!(order.status(), Some(expected));
        }
    }

    #[test]
    fn invoice_histories_replay_and_keep_their_balance(history in strategy::invoice_history(16)) {
        let InvoiceHistory { commands, events, invoice, .. } = &history;
        let mut rebuilt = Invoice::default();
        for event in events {
            rebuilt.replay(event)?;
        }
        prop_assert_eq!(&rebuilt, invoice);
        let json = serde_json::to_string(events).unwrap();
        let read: Vec<InvoiceEvent> = serde_json::from_str(&json).unwrap();
        let mut reread = Invoice::default();
        for event in &read {
            reread.replay(event)?;
        }
        prop_assert_eq!(&reread, invoice);
        prop_assert_eq!(commands.len(), events.len());

        let issue = invoice.issue().unwrap();
        let gross = issue.priced.totals().gross;
        let currency = gross.currency();
        let zero = Money::zero(currency);
        let (mut paid, mut discounts, mut refunds) = (zero, zero, zero);
        let mut notes = Vec::new();
        for event in events {
            match event {
                InvoiceEvent::Paid { amount, discount, .. } => {
                    prop_assert!(amount.is_positive());
                    paid = paid.checked_add(*amount)?;
                    discounts = discounts.checked_add(*discount)?;
                }
                InvoiceEvent::Credited(note) => {
                    prop_assert_eq!(&note.invoice, &issue.number);
                    prop_assert!(!note.refund.is_negative());
                    prop_assert_eq!(note.refund.checked_add(note.restocking_fee)?, note.priced.totals().gross);
                    refunds = refunds.checked_add(note.refund)?;
                    notes.push(note.priced.clone());
                    // Every credit note raised can be issued.
                    let mut credit_note = CreditNote::default();
                    credit_note.handle(&CreditNoteCommand::Issue(note.clone()))?;
                }
                _ => {}
            }
        }
        prop_assert_eq!(invoice.paid().unwrap_or(zero), paid);
        prop_assert_eq!(invoice.credited().unwrap_or(zero), refunds);
        prop_assert_eq!(invoice.balance(), Some(gross.checked_sub(paid)?.checked_sub(discounts)?.checked_sub(refunds)?));
        // Payments never exceeded what was due.
        prop_assert!(paid.checked_add(discounts)?.checked_cmp(gross)?.is_le());
        // Credited plus left to credit is the invoice, line by line.
        for (index, line) in issue.priced.lines().iter().enumerate() {
            let open = invoice.uncredited().get(index).cloned().flatten();
            let open_gross = open.map_or(zero, |l| l.gross);
            prop_assert!(open_gross.checked_cmp(line.gross)?.is_le());
            prop_assert!(!open_gross.is_negative());
        }
        let credited = sum(currency, notes.iter().map(|n| n.totals().gross));
        let open = sum(currency, invoice.uncredited().iter().flatten().map(|l| l.gross));
        prop_assert_eq!(credited.checked_add(open)?, gross);
    }
}
