//! The crates working together through the facade: aggregates of different
//! domains stored as events, replayed, and giving the same answers as the
//! aggregates built in memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau::calendar::{Calendar, Schedule, Tz};
use bureau::ledger::{
    Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, LedgerCommand,
};
use bureau::sla::{
    EventKind, Metric, Opener, Priority, SlaCommand, SlaConfig, SlaPolicy, SlaRecord, Status,
    Target, TicketAttributes, TicketEvent, TicketHistory,
};
use bureau::{Aggregate, Money, TicketId, UserId};
use bureau_store::{EventContext, EventStore, InMemoryStore, Repository, StreamId, Verification};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Tz::Europe__Berlin
        .with_ymd_and_hms(2026, 3, day, hour, 0, 0)
        .single()
        .unwrap()
        .to_utc()
}

fn ledger_commands() -> Vec<LedgerCommand> {
    let opened = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let (bank, sales) = (AccountId::from_u128(1), AccountId::from_u128(2));
    let sale = |id: u128, amount: &str| {
        let amount: Money = amount.parse().unwrap();
        JournalEntry::builder(EntryId::from_u128(id), day, "sale")
            .debit(bank, amount)
            .credit(sales, amount)
            .build()
            .unwrap()
    };
    vec![
        LedgerCommand::OpenAccount(Account::new(
            bank,
            "1000".parse().unwrap(),
            "Bank",
            AccountKind::ASSET,
            opened,
        )),
        LedgerCommand::OpenAccount(Account::new(
            sales,
            "4000".parse().unwrap(),
            "Sales",
            AccountKind::INCOME,
            opened,
        )),
        LedgerCommand::Post(sale(1, "120.00 EUR")),
        LedgerCommand::Post(sale(1, "120.00 EUR")), // a duplicate delivery: refused
        LedgerCommand::Post(sale(2, "80.50 EUR")),
    ]
}

#[test]
fn a_ledger_stored_as_events_replays_to_the_same_books() {
    runtime().block_on(async {
        let repository = Repository::new(InMemoryStore::new());
        let stream = StreamId::new("books").unwrap();
        let context = EventContext::new(at(2, 18));
        let mut in_memory = Ledger::new();
        let mut refused = 0;
        for command in ledger_commands() {
            let stored = repository
                .execute::<Ledger>(&stream, &command, &context)
                .await
                .unwrap();
            let direct = in_memory.handle(&command);
            assert_eq!(
                stored.is_ok(),
                direct.is_ok(),
                "the store and the aggregate disagree on {command:?}"
            );
            refused += usize::from(direct.is_err());
        }
        assert_eq!(refused, 1);
        let replayed = repository.load::<Ledger>(&stream).await.unwrap();
        assert_eq!(replayed.state(), &in_memory);
        assert_eq!(replayed.state().head(), in_memory.head());
        assert_eq!(
            replayed.state().trial_balance().unwrap().to_string(),
            in_memory.trial_balance().unwrap().to_string()
        );
        assert!(matches!(
            repository.store().verify().await.unwrap(),
            Verification::Intact { events: 4, .. }
        ));
    });
}

#[test]
fn a_ticket_stored_as_events_evaluates_like_its_history() {
    let calendar = Calendar::new(
        Schedule::weekdays(Tz::Europe__Berlin, "08:00-18:00".parse().unwrap()).unwrap(),
    );
    let policy = SlaPolicy::new("standard")
        .target(
            Metric::FirstReply,
            Priority::Normal,
            Target::new(TimeDelta::hours(4), calendar.clone()).unwrap(),
        )
        .target(
            Metric::TotalResolution,
            Priority::Normal,
            Target::new(TimeDelta::hours(16), calendar).unwrap(),
        );
    let config = SlaConfig::standard(vec![policy]).unwrap();
    let agent = UserId::from_u128(5);
    // Friday 6 March 16:00; the first reply on Monday 9 March 10:00 comes
    // 4 working hours later, exactly at the target.
    let history = vec![
        TicketEvent::new(
            at(6, 16),
            EventKind::Created {
                ticket: TicketId::from_u128(77),
                opened_by: Opener::Customer,
                attributes: TicketAttributes::new(Priority::Normal).with_assignee(agent),
            },
        ),
        TicketEvent::new(at(9, 10), EventKind::PublicReply { agent }),
        TicketEvent::new(at(9, 10), EventKind::StatusChanged { to: Status::Solved }),
    ];
    runtime().block_on(async {
        let repository = Repository::new(InMemoryStore::new());
        let stream = StreamId::new("ticket-77").unwrap();
        for event in &history {
            repository
                .execute::<TicketHistory>(
                    &stream,
                    &SlaCommand::Record(event.clone()),
                    &EventContext::new(event.at()),
                )
                .await
                .unwrap()
                .unwrap();
        }
        // Solving a ticket twice is a contradiction the store refuses to record.
        let again = TicketEvent::new(at(9, 11), EventKind::StatusChanged { to: Status::Solved });
        let refused = repository
            .execute::<TicketHistory>(
                &stream,
                &SlaCommand::Record(again),
                &EventContext::new(at(9, 11)),
            )
            .await
            .unwrap();
        assert!(refused.is_err(), "solving a solved ticket was recorded");
        let loaded = repository.load::<TicketHistory>(&stream).await.unwrap();
        assert_eq!(loaded.state().events(), history.as_slice());
        let from_store = loaded
            .state()
            .evaluator(&config)
            .unwrap()
            .evaluate(at(9, 12))
            .unwrap();
        let direct = SlaRecord::from_history(&config, &history)
            .unwrap()
            .evaluate(at(9, 12))
            .unwrap();
        assert_eq!(from_store, direct);
        let first_reply = from_store
            .metrics
            .iter()
            .find(|m| *m.metric == Metric::FirstReply)
            .unwrap();
        let cycle = first_reply.completed.first().unwrap();
        assert_eq!(cycle.elapsed, TimeDelta::hours(4));
        assert_eq!(cycle.outcome, bureau::sla::Outcome::Achieved);
    });
}
