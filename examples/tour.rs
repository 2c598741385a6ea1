//! A tour of bureau: exact money, fiscal periods, a support deadline in working
//! time across a weekend, a holiday and a DST change, the SLA clock of that
//! ticket, and the books of the sale it led to, with every event of the ticket
//! and the ledger persisted in a database and replayed from it.
//!
//! Run it with `cargo run --example tour [path/to/events.sqlite]`. Without a
//! path it uses the database at `DATABASE_URL` (`sqlite://path` or
//! `postgres://...`, see `AnyStore::connect`) if that is set, and otherwise
//! writes a fresh SQLite file in the system's temporary directory.

use bureau::calendar::{Calendar, Holiday, Observance, Occurrence, Schedule, Tz};
use bureau::ledger::{
    Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, LedgerCommand,
};
use bureau::sla::{
    EventKind, Metric, Opener, Outcome, Priority, SlaCommand, SlaConfig, SlaPolicy, Status, Target,
    TicketAttributes, TicketEvent, TicketHistory,
};
use bureau::store::{AnyStore, EventContext, EventStore, Repository, StreamId, Version};
use bureau::store_sqlite::SqliteEventStore;
use bureau::{
    Decimal, FiscalCalendar, FiscalYearNaming, Granularity, Money, Percent, RoundingStrategy,
    TicketId, UserId,
};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};

type Failure = Box<dyn std::error::Error>;

const NEW_YORK: Tz = Tz::America__New_York;

fn new_york(month: u32, day: u32, hour: u32) -> Result<DateTime<Utc>, Failure> {
    Ok(NEW_YORK
        .with_ymd_and_hms(2026, month, day, hour, 0, 0)
        .single()
        .ok_or("local time")?
        .to_utc())
}

fn main() -> Result<(), Failure> {
    money_and_periods()?;
    let (desk, opened, due) = working_time()?;
    let database = match (std::env::args().nth(1), std::env::var("DATABASE_URL")) {
        (Some(path), _) => Database::File(path.into()),
        (None, Ok(url)) if !url.is_empty() => Database::Url(url),
        (None, _) => {
            let path = std::env::temp_dir().join("bureau-tour.sqlite");
            // The tour's own file: start afresh so every run tells the same story.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            Database::File(path)
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(persisted_day(database, desk, opened, due))
}

/// Where the tour stores its events.
enum Database {
    /// A SQLite file.
    File(std::path::PathBuf),
    /// Whatever `DATABASE_URL` names.
    Url(String),
}

impl Database {
    /// The store, and how to name it in the output (never the URL itself,
    /// which may carry a password).
    async fn open(self) -> Result<(AnyStore, String), Failure> {
        Ok(match self {
            Database::File(path) => (
                SqliteEventStore::open(&path).await?.into(),
                path.display().to_string(),
            ),
            Database::Url(url) => (
                AnyStore::connect(&url).await?,
                "the database at DATABASE_URL".to_owned(),
            ),
        })
    }
}

/// The streams of the ticket and of the books. A database the tour did not
/// create may hold those of an earlier run: this run takes the first
/// numbered pair still empty, so that every run tells the same story.
async fn fresh_streams(store: &AnyStore) -> Result<(StreamId, StreamId), Failure> {
    for run in 1..=1000_u32 {
        let suffix = if run == 1 {
            String::new()
        } else {
            format!("-run{run}")
        };
        let ticket = StreamId::new(format!("ticket-1042{suffix}"))?;
        let books = StreamId::new(format!("ledger-main{suffix}"))?;
        if store.stream_version(&ticket).await? == Version::INITIAL
            && store.stream_version(&books).await? == Version::INITIAL
        {
            return Ok((ticket, books));
        }
    }
    Err("the database holds the streams of 1000 runs of the tour already".into())
}

fn money_and_periods() -> Result<(), Failure> {
    println!("== Money is exact ==");
    let net: Money = "1249.99 EUR".parse()?;
    let vat = net.mul_rate(
        Percent::new(Decimal::from(19)).to_rate(),
        RoundingStrategy::MidpointAwayFromZero,
    )?;
    let gross = net.checked_add(vat)?;
    println!("net {net}, VAT 19% {vat}, gross {gross}");
    match net.checked_add("10.00 USD".parse()?) {
        Ok(_) => println!("unexpected: currencies mixed"),
        Err(error) => println!("adding USD to EUR: {error}"),
    }
    let rent: Money = "10000.00 USD".parse()?;
    let parts = rent.allocate(&[Decimal::from(1), Decimal::from(1), Decimal::from(1)])?;
    for (department, part) in ["sales", "support", "engineering"].iter().zip(&parts) {
        println!("{department:>12}: {part:>12}");
    }
    println!(
        "{:>12}: {:>12}",
        "total",
        Money::checked_sum(parts.iter().copied(), rent.currency())?
    );

    println!("\n== Fiscal periods ==");
    let fiscal = FiscalCalendar::new(10, FiscalYearNaming::EndYear)?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?;
    let quarter = fiscal.period_containing(today, Granularity::Quarter)?;
    println!("{today} falls in {quarter} {}", quarter.range());
    Ok(())
}

/// A support desk working 09:00-17:00 in New York on weekdays, closed on
/// Election Day, Thanksgiving and Christmas; a ticket due in 16 working hours
/// from Friday afternoon.
fn working_time() -> Result<(Calendar, DateTime<Utc>, DateTime<Utc>), Failure> {
    println!("\n== Deadlines in working time ==");
    let election_day = NaiveDate::from_ymd_opt(2026, 11, 3).ok_or("date")?;
    let desk = Calendar::builder(Schedule::weekdays(NEW_YORK, "09:00-17:00".parse()?)?)
        .holiday(Holiday::on(election_day, "Election Day"))
        .holiday(Holiday::nth_weekday(
            11,
            Occurrence::Fourth,
            Weekday::Thu,
            "Thanksgiving",
        )?)
        .holiday(
            Holiday::yearly(12, 25, "Christmas Day")?.with_observance(Observance::NearestWeekday),
        )
        .build()?;
    let closed: Vec<String> = desk
        .holidays_in(2026)
        .iter()
        .map(|(date, holiday)| format!("{} {date}", holiday.name()))
        .collect();
    println!("the desk is closed on: {}", closed.join(", "));
    let opened = new_york(10, 30, 16)?;
    // 1 h on Friday, the weekend (clocks fall back on Sunday), 8 h on Monday,
    // the holiday on Tuesday, 7 h on Wednesday.
    let due = desk.add_working(opened, TimeDelta::hours(16))?;
    println!(
        "opened {} -> due in 16 working hours at {}",
        opened.with_timezone(&NEW_YORK),
        due.with_timezone(&NEW_YORK)
    );
    println!(
        "working time between them: {} h",
        desk.working_between(opened, due).num_hours()
    );
    Ok((desk, opened, due))
}

async fn persisted_day(
    database: Database,
    desk: Calendar,
    opened: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<(), Failure> {
    let (store, place) = database.open().await?;
    let (ticket, books) = fresh_streams(&store).await?;
    let repository = Repository::new(store);

    println!("\n== The ticket's SLA clock ==");
    let agent = UserId::from_u128(7);
    let policy = SlaPolicy::new("standard")
        .with_target(
            Metric::FirstReply,
            Priority::High,
            Target::new(TimeDelta::hours(16), desk.clone())?,
        )
        .with_target(
            Metric::TotalResolution,
            Priority::High,
            Target::new(TimeDelta::hours(24), desk.clone())?,
        );
    let config = SlaConfig::standard(vec![policy])?;
    let history = [
        TicketEvent::new(
            opened,
            EventKind::Created {
                ticket: TicketId::from_u128(1042),
                opened_by: Opener::Customer,
                attributes: TicketAttributes::new(Priority::High).with_assignee(agent),
            },
        ),
        TicketEvent::new(new_york(11, 2, 10)?, EventKind::PublicReply { agent }),
        TicketEvent::new(
            new_york(11, 2, 10)?,
            EventKind::StatusChanged {
                to: Status::Pending,
            },
        ),
        TicketEvent::new(new_york(11, 4, 11)?, EventKind::CustomerMessage),
        TicketEvent::new(
            new_york(11, 4, 11)?,
            EventKind::StatusChanged { to: Status::Open },
        ),
    ];
    for event in history {
        let context = EventContext::new(event.at());
        repository
            .execute::<TicketHistory>(&ticket, &SlaCommand::Record(event), &context)
            .await??;
    }
    let replayed = repository.load::<TicketHistory>(&ticket).await?;
    let now = new_york(11, 4, 15)?;
    let evaluation = replayed.state().evaluator(&config)?.evaluate(now)?;
    println!(
        "replayed {} events of {ticket} from {place}",
        replayed.version()
    );
    println!("first reply was due {}", due.with_timezone(&NEW_YORK));
    for metric in &evaluation.metrics {
        for cycle in &metric.completed {
            let verdict = match cycle.outcome {
                Outcome::Achieved => "achieved".to_owned(),
                Outcome::Breached { at } => format!("breached at {}", at.with_timezone(&NEW_YORK)),
                Outcome::Untargeted => continue,
            };
            println!(
                "  {:<17} {} h of working time, {verdict}",
                metric.metric,
                cycle.elapsed.num_hours()
            );
        }
        if let (Some(cycle), true) = (&metric.ongoing, *metric.metric == Metric::TotalResolution) {
            let due = cycle.due.map_or("when resumed".to_owned(), |d| {
                d.with_timezone(&NEW_YORK).to_string()
            });
            println!(
                "  {:<17} {} h elapsed (every status counts), due {due}",
                metric.metric,
                cycle.elapsed.num_hours()
            );
        }
    }

    println!("\n== The books ==");
    let opening_day = NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("date")?;
    let (bank, receivables, sales, tax) = (
        AccountId::from_u128(1000),
        AccountId::from_u128(1200),
        AccountId::from_u128(4000),
        AccountId::from_u128(2100),
    );
    let mut commands = vec![
        LedgerCommand::OpenAccount(Account::new(
            bank,
            "1000".parse()?,
            "Bank".parse()?,
            AccountKind::ASSET,
            opening_day,
        )),
        LedgerCommand::OpenAccount(Account::new(
            receivables,
            "1200".parse()?,
            "Receivables".parse()?,
            AccountKind::ASSET,
            opening_day,
        )),
        LedgerCommand::OpenAccount(Account::new(
            tax,
            "2100".parse()?,
            "Sales tax payable".parse()?,
            AccountKind::LIABILITY,
            opening_day,
        )),
        LedgerCommand::OpenAccount(Account::new(
            sales,
            "4000".parse()?,
            "Support contracts".parse()?,
            AccountKind::INCOME,
            opening_day,
        )),
    ];
    let price: Money = "4800.00 USD".parse()?;
    let sales_tax = price.mul_rate(
        Percent::new("8.875".parse()?).to_rate(),
        RoundingStrategy::MidpointAwayFromZero,
    )?;
    let invoice_total = price.checked_add(sales_tax)?;
    let invoiced = NaiveDate::from_ymd_opt(2026, 11, 4).ok_or("date")?;
    commands.push(LedgerCommand::Post(
        JournalEntry::builder(
            EntryId::from_u128(1),
            invoiced,
            "invoice 1042: premium support".parse()?,
        )
        .debit(receivables, invoice_total)
        .credit(sales, price)
        .credit(tax, sales_tax)
        .build()?,
    ));
    let payment = JournalEntry::builder(
        EntryId::from_u128(2),
        invoiced,
        "payment of invoice 1042".parse()?,
    )
    .debit(bank, invoice_total)
    .credit(receivables, invoice_total)
    .build()?;
    commands.push(LedgerCommand::Post(payment.clone()));
    // The bank feed delivers the payment twice: the entry id is the idempotency
    // key, so the second delivery is refused with a reason and changes nothing.
    commands.push(LedgerCommand::Post(payment));
    // A posting to an account that was never opened is refused too.
    commands.push(LedgerCommand::Post(
        JournalEntry::builder(EntryId::from_u128(3), invoiced, "card fee".parse()?)
            .debit(AccountId::from_u128(6500), "12.40 USD".parse()?)
            .credit(bank, "12.40 USD".parse()?)
            .build()?,
    ));
    let context = EventContext::new(now);
    for command in &commands {
        if let Err(rejection) = repository
            .execute::<Ledger>(&books, command, &context)
            .await?
        {
            println!("refused: {rejection}");
        }
    }
    let ledger = repository.load::<Ledger>(&books).await?;
    println!(
        "replayed {} ledger events; trial balance:",
        ledger.version()
    );
    print!("{}", ledger.state().trial_balance()?);

    println!("\n== The record ==");
    let checkpoint = repository
        .store()
        .verify()
        .await?
        .checkpoint()
        .ok_or("the stored chain is broken")?;
    // Kept outside the database, the checkpoint lets a later audit
    // (`verify_against`) find events cut off the end or a rewritten chain.
    println!(
        "stored chain intact: {} events, head {}",
        checkpoint.events(),
        checkpoint.head()
    );
    // The ledger's own audit chain, rebuilt from the replayed events.
    println!("ledger head hash {}", ledger.state().head());
    println!("events stored in {place}");
    Ok(())
}
