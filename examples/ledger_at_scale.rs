//! Years of books in one SQLite file: how long a ledger of a million two-leg
//! entries takes to load, folded from every event or from a snapshot and the
//! events after it, and how much memory it holds.
//!
//! Each step is its own process, so that `/usr/bin/time -v` gives each one's
//! peak memory:
//!
//! ```sh
//! cargo build --release --example ledger_at_scale
//! bin=target/release/examples/ledger_at_scale
//! $bin write /tmp/books.sqlite 1000000   # the chart and the entries, appended in batches
//! /usr/bin/time -v $bin load /tmp/books.sqlite            # every event folded
//! $bin snapshot /tmp/books.sqlite 1000   # a snapshot, then 1,000 entries after it
//! /usr/bin/time -v $bin load-snapshot /tmp/books.sqlite   # the snapshot, then the tail
//! /usr/bin/time -v $bin memory 1000000   # the same book built in memory
//! ```
//!
//! Every step prints what it measured on one line.

use std::time::Instant;

use bureau::Money;
use bureau::ledger::{
    Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, LedgerCommand, LedgerEvent,
};
use bureau::store::{
    EventContext, EventStore, ExpectedVersion, NewEvent, Repository, StreamId, Version,
};
use bureau::store_sqlite::SqliteEventStore;
use bureau::{Currency, DomainEvent};
use chrono::NaiveDate;

type Failure = Box<dyn std::error::Error>;

const ACCOUNTS: u128 = 1_000;

fn stream() -> Result<StreamId, Failure> {
    Ok(StreamId::new("ledger-at-scale")?)
}

fn opened() -> Result<NaiveDate, Failure> {
    NaiveDate::from_ymd_opt(2020, 1, 1).ok_or_else(|| "date".into())
}

fn chart() -> Result<Vec<Account>, Failure> {
    (0..ACCOUNTS)
        .map(|n| {
            let kind = if n % 2 == 0 {
                AccountKind::ASSET
            } else {
                AccountKind::INCOME
            };
            Ok(Account::new(
                AccountId::from_u128(n + 1),
                (10_000 + n).to_string().parse()?,
                format!("account {n}").parse()?,
                kind,
                opened()?,
            ))
        })
        .collect()
}

/// Entry `n`: a sale between two accounts of the chart, dated over six years.
fn entry(n: u128, of: u128) -> Result<JournalEntry, Failure> {
    let usd = Currency::iso("USD")?;
    let days = u64::try_from(n * 2_190 / of.max(1))?;
    let date = opened()? + chrono::Days::new(days);
    let amount = Money::from_minor(100 + i128::try_from(n % 997)?, usd)?;
    Ok(
        JournalEntry::builder(EntryId::from_u128(n + 1), date, "sale".parse()?)
            .debit(AccountId::from_u128(n * 7 % ACCOUNTS + 1), amount)
            .credit(AccountId::from_u128((n * 13 + 500) % ACCOUNTS + 1), amount)
            .build()?,
    )
}

fn encode(events: &[LedgerEvent]) -> Result<Vec<NewEvent>, Failure> {
    events
        .iter()
        .map(|event| {
            Ok(NewEvent::new(
                event.event_type(),
                serde_json::to_value(event)?,
                chrono::DateTime::UNIX_EPOCH,
            ))
        })
        .collect()
}

/// The resident and peak memory of this process, in bytes.
fn memory() -> Result<(u64, u64), Failure> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> Result<u64, Failure> {
        let line = status
            .lines()
            .find(|line| line.starts_with(name))
            .ok_or("no such field")?;
        let kib: u64 = line.split_whitespace().nth(1).ok_or("no value")?.parse()?;
        Ok(kib * 1024)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

async fn write(path: &str, count: u128) -> Result<(), Failure> {
    let _ = std::fs::remove_file(path);
    let store = SqliteEventStore::open(path).await?;
    let stream = stream()?;
    let mut ledger = Ledger::new();
    let mut events = Vec::new();
    for account in chart()? {
        events.extend(ledger.open_account(account)?);
    }
    let started = Instant::now();
    let mut version = Version::INITIAL;
    let mut n = 0;
    while n < count {
        let end = (n + 10_000).min(count);
        for k in n..end {
            events.extend(ledger.post(entry(k, count)?)?);
        }
        let appended = store
            .append(&stream, ExpectedVersion::Exact(version), &encode(&events)?)
            .await?;
        version = appended.version();
        events.clear();
        n = end;
    }
    println!(
        "write: {count} entries, {} events, {:.1} s",
        version.get(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn load(path: &str) -> Result<(), Failure> {
    let repository = Repository::new(SqliteEventStore::open(path).await?);
    let (before, _) = memory()?;
    let started = Instant::now();
    let loaded = repository.load::<Ledger>(&stream()?).await?;
    let elapsed = started.elapsed();
    let (after, peak) = memory()?;
    let entries = loaded.state().entries().count();
    println!(
        "load: {entries} entries folded from {} events in {:.2} s; resident {} MiB ({} bytes an entry), peak {} MiB",
        loaded.version().get(),
        elapsed.as_secs_f64(),
        after >> 20,
        (after - before) / u64::try_from(entries.max(1))?,
        peak >> 20
    );
    Ok(())
}

async fn snapshot(path: &str, tail: u128) -> Result<(), Failure> {
    let repository = Repository::new(SqliteEventStore::open(path).await?);
    let mut loaded = repository.load::<Ledger>(&stream()?).await?;
    let started = Instant::now();
    repository.save_snapshot(&loaded).await?;
    let saved = started.elapsed();
    let posted = u128::try_from(loaded.state().entries().count())?;
    let context = EventContext::new(chrono::DateTime::UNIX_EPOCH);
    let started = Instant::now();
    for n in posted..posted + tail {
        repository
            .execute_on(
                &mut loaded,
                &LedgerCommand::Post(entry(n, posted + tail)?),
                &context,
            )
            .await??;
    }
    println!(
        "snapshot: saved at version {} in {:.2} s; then {tail} entries through the repository in {:.2} s",
        loaded.version().get() - u64::try_from(tail)?,
        saved.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn load_snapshot(path: &str) -> Result<(), Failure> {
    let repository = Repository::new(SqliteEventStore::open(path).await?);
    let (before, _) = memory()?;
    let started = Instant::now();
    let (loaded, used) = repository.load_from_snapshot::<Ledger>(&stream()?).await?;
    let elapsed = started.elapsed();
    let (after, peak) = memory()?;
    let entries = loaded.state().entries().count();
    println!(
        "load-snapshot: {entries} entries at version {} in {:.2} s ({used:?}); resident {} MiB ({} bytes an entry), peak {} MiB",
        loaded.version().get(),
        elapsed.as_secs_f64(),
        after >> 20,
        (after - before) / u64::try_from(entries.max(1))?,
        peak >> 20
    );
    Ok(())
}

fn in_memory(count: u128) -> Result<(), Failure> {
    let mut ledger = Ledger::new();
    for account in chart()? {
        ledger.open_account(account)?;
    }
    let (before, _) = memory()?;
    let started = Instant::now();
    for n in 0..count {
        ledger.post(entry(n, count)?)?;
    }
    let elapsed = started.elapsed();
    let (after, peak) = memory()?;
    println!(
        "memory: {count} entries posted in {:.2} s; {} bytes an entry resident, peak {} MiB",
        elapsed.as_secs_f64(),
        (after - before) / u64::try_from(count.max(1))?,
        peak >> 20
    );
    Ok(())
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let number = |i: usize, default: u128| -> Result<u128, Failure> {
        Ok(arg(i).map(str::parse).transpose()?.unwrap_or(default))
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let path = arg(1).unwrap_or("/tmp/bureau-books.sqlite");
    match arg(0) {
        Some("write") => runtime.block_on(write(path, number(2, 1_000_000)?)),
        Some("load") => runtime.block_on(load(path)),
        Some("snapshot") => runtime.block_on(snapshot(path, number(2, 1_000)?)),
        Some("load-snapshot") => runtime.block_on(load_snapshot(path)),
        Some("memory") => in_memory(number(1, 1_000_000)?),
        _ => Err(
            "usage: ledger_at_scale write|load|snapshot|load-snapshot PATH [N], or memory [N]"
                .into(),
        ),
    }
}
