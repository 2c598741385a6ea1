//! Events persisted in a database: execute commands through the repository,
//! reload the aggregate, verify the chain.
//!
//! Run it with `cargo run --example store --features sqlite`. It uses the
//! database at `DATABASE_URL` (`sqlite://path` or `postgres://...`, see
//! `AnyStore::connect`) if that is set, and otherwise a SQLite file in the
//! system's temporary directory.

use bureau::store::{AnyStore, EventContext, EventMetadata, EventStore, Repository, StreamId};
use bureau::{Aggregate, DomainEvent, Money};
use serde::{Deserialize, Serialize};

/// A till that takes payments and refuses refunds beyond what it holds.
#[derive(Debug, Default)]
struct Till {
    taken: Option<Money>,
}

#[derive(Debug)]
enum Command {
    Take(Money),
    Refund(Money),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event {
    Taken { amount: String },
    Refunded { amount: String },
}

impl DomainEvent for Event {
    fn event_type(&self) -> &'static str {
        match self {
            Event::Taken { .. } => "taken",
            Event::Refunded { .. } => "refunded",
        }
    }
}

impl Aggregate for Till {
    type Command = Command;
    type Event = Event;
    type Error = String;

    fn decide(&self, command: &Command) -> Result<Vec<Event>, String> {
        match command {
            Command::Take(amount) => Ok(vec![Event::Taken {
                amount: amount.to_string(),
            }]),
            Command::Refund(amount) => {
                let held = self.taken.ok_or("nothing taken yet")?;
                held.checked_sub(*amount)
                    .ok()
                    .filter(|left| !left.is_negative())
                    .ok_or(format!("refund {amount} exceeds {held}"))?;
                Ok(vec![Event::Refunded {
                    amount: amount.to_string(),
                }])
            }
        }
    }

    fn apply(&mut self, event: &Event) {
        let (amount, sign) = match event {
            Event::Taken { amount } => (amount, 1),
            Event::Refunded { amount } => (amount, -1),
        };
        let Ok(amount) = amount.parse::<Money>() else {
            return;
        };
        let amount = if sign < 0 { amount.neg() } else { amount };
        self.taken = Some(match self.taken {
            Some(held) => held.checked_add(amount).unwrap_or(held),
            None => amount,
        });
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, place) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => (url, "the database at DATABASE_URL".to_owned()),
        _ => {
            let path = std::env::temp_dir().join("bureau-example-store/events.db");
            (
                format!("sqlite://{}", path.display()),
                path.display().to_string(),
            )
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = AnyStore::connect(&url).await?;
        let repository = Repository::new(store);
        let stream = StreamId::new("till-1")?;
        // Time is an input: the caller says when events are recorded.
        let at = chrono::DateTime::from_timestamp(1_764_057_600, 0).ok_or("instant")?;
        let context = EventContext::new(at).with_metadata(EventMetadata::new().actor("cashier 3"));
        for command in [
            Command::Take("20.00 EUR".parse()?),
            Command::Take("5.50 EUR".parse()?),
            Command::Refund("100.00 EUR".parse()?),
            Command::Refund("5.50 EUR".parse()?),
        ] {
            match repository
                .execute::<Till>(&stream, &command, &context)
                .await?
            {
                Ok(events) => println!("{command:?} -> {events:?}"),
                Err(rejection) => println!("{command:?} refused: {rejection}"),
            }
        }
        let till = repository.load::<Till>(&stream).await?;
        println!(
            "till-1 at version {} holds {:?}",
            till.version(),
            till.state().taken.map(|m| m.to_string())
        );
        println!("chain: {:?}", repository.store().verify().await?);
        println!("stored in {place}");
        Ok(())
    })
}
