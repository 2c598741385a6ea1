//! Quote transitions: guarded, atomic, rebuilt from their events.

use bureau_core::Aggregate;
use bureau_sales::{Error, PricedDocument, Quote, QuoteCommand, QuoteStatus, strategy};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

fn command(priced: PricedDocument) -> impl Strategy<Value = QuoteCommand> {
    let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let day = (0_u64..60).prop_map(move |d| start.checked_add_days(Days::new(d)).unwrap());
    let priced = Box::new(priced);
    prop_oneof![
        (Just(priced.clone()), day.clone()).prop_map(|(priced, valid_until)| QuoteCommand::Draft {
            priced,
            valid_until
        }),
        (Just(priced), day.clone()).prop_map(|(priced, valid_until)| QuoteCommand::Revise {
            priced,
            valid_until
        }),
        Just(QuoteCommand::Send),
        day.clone().prop_map(|on| QuoteCommand::Accept { on }),
        Just(QuoteCommand::Reject),
        day.prop_map(|on| QuoteCommand::Expire { on }),
    ]
}

fn history() -> impl Strategy<Value = Vec<QuoteCommand>> {
    strategy::setup_and_document().prop_flat_map(|(setup, document)| {
        let priced = setup.engine().price(&document).unwrap();
        prop::collection::vec(command(priced), 0..20)
    })
}

proptest! {
    #[test]
    fn transitions_are_guarded_and_replayable(commands in history()) {
        let mut quote = Quote::default();
        let mut events = Vec::new();
        for command in &commands {
            let before = quote.clone();
            match quote.handle(command) {
                Ok(decided) => {
                    prop_assert!(!matches!(before.status(),
                        Some(QuoteStatus::Accepted | QuoteStatus::Rejected | QuoteStatus::Expired)),
                        "a final quote changed");
                    events.extend(decided);
                }
                Err(err) => {
                    prop_assert_eq!(&quote, &before);
                    let expected = matches!(
                        err,
                        Error::InvalidQuoteTransition { .. }
                            | Error::QuoteExpired { .. }
                            | Error::QuoteStillValid { .. }
                    );
                    prop_assert!(expected, "unexpected error {}", err);
                }
            }
        }
        let mut rebuilt = Quote::default();
        for event in &events {
            rebuilt.apply(event);
        }
        prop_assert_eq!(rebuilt, quote);
    }
}

#[test]
fn errors_name_the_status() {
    let err = Quote::default().decide(&QuoteCommand::Send).unwrap_err();
    assert_eq!(err.to_string(), "quote is not drafted: cannot send");
}
