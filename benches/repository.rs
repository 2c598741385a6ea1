//! Posting through the repository with a cached ledger, against a raw
//! append of the same kind of event, one event a call, on the same store in
//! the same run: what deciding, encoding and replaying each posting costs on
//! top of storing it. The in-memory posting rate is measured beside them.
//!
//! SQLite: a file in a temp dir, opened as `SqliteEventStore::open` does
//! (WAL, `synchronous = FULL`). PostgreSQL: `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), a schema of its own, dropped at
//! the end; skipped with a message when no server answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::str::FromStr;
use std::time::{Duration, Instant};

use bureau::ledger::{
    Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, LedgerCommand, LedgerEvent,
};
use bureau::store::{
    EventContext, EventStore, ExpectedVersion, Loaded, NewEvent, Repository, StreamId, Version,
};
use bureau::store_postgres::PgEventStore;
use bureau::store_postgres::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use bureau::store_postgres::sqlx::{self as pg_sqlx, Connection};
use bureau::store_sqlite::SqliteEventStore;
use bureau::{Currency, DomainEvent, Money};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const ACCOUNTS: u128 = 100;

fn opened() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn chart() -> Vec<Account> {
    (0..ACCOUNTS)
        .map(|n| {
            let kind = if n % 2 == 0 {
                AccountKind::ASSET
            } else {
                AccountKind::INCOME
            };
            Account::new(
                AccountId::from_u128(n + 1),
                (10_000 + n).to_string().parse().unwrap(),
                format!("account {n}").parse().unwrap(),
                kind,
                opened(),
            )
        })
        .collect()
}

fn entry(n: u128) -> JournalEntry {
    let amount = Money::from_minor(100 + (n % 997) as i128, Currency::USD).unwrap();
    JournalEntry::builder(EntryId::from_u128(n + 1), opened(), "sale".parse().unwrap())
        .debit(AccountId::from_u128(n * 7 % ACCOUNTS + 1), amount)
        .credit(AccountId::from_u128((n * 13 + 50) % ACCOUNTS + 1), amount)
        .build()
        .unwrap()
}

fn encoded(event: &LedgerEvent) -> NewEvent {
    NewEvent::new(
        event.event_type(),
        serde_json::to_value(event).unwrap(),
        chrono::DateTime::UNIX_EPOCH,
    )
}

/// The raw-append and repository timings on one store.
fn store_pair<S: EventStore + Clone>(
    c: &mut Criterion,
    group_name: &str,
    rt: &tokio::runtime::Runtime,
    store: S,
) {
    let context = EventContext::new(chrono::DateTime::UNIX_EPOCH);
    let repository = Repository::new(store.clone());
    let books = StreamId::new("books").unwrap();
    let raw = StreamId::new("raw").unwrap();
    let mut loaded: Loaded<Ledger> = rt.block_on(async {
        let mut loaded = repository.load::<Ledger>(&books).await.unwrap();
        for account in chart() {
            repository
                .execute_on(&mut loaded, &LedgerCommand::OpenAccount(account), &context)
                .await
                .unwrap()
                .unwrap();
        }
        loaded
    });
    // The events a raw append stores: postings decided by a book of its own.
    let mut shadow = Ledger::new();
    for account in chart() {
        shadow.open_account(account).unwrap();
    }
    let raw_version = Cell::new(Version::INITIAL);
    let next = Cell::new(0_u128);

    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.bench_function("raw_append_one_event", |b| {
        b.iter_custom(|iters| {
            let events: Vec<NewEvent> = (0..iters)
                .map(|_| {
                    let n = next.get();
                    next.set(n + 1);
                    encoded(&shadow.post(entry(n)).unwrap()[0])
                })
                .collect();
            rt.block_on(async {
                let started = Instant::now();
                for event in &events {
                    let appended = store
                        .append(
                            &raw,
                            ExpectedVersion::Exact(raw_version.get()),
                            std::slice::from_ref(event),
                        )
                        .await
                        .unwrap();
                    raw_version.set(appended.version());
                }
                started.elapsed()
            })
        });
    });
    group.bench_function("repository_post_cached_ledger", |b| {
        b.iter_custom(|iters| {
            let commands: Vec<LedgerCommand> = (0..iters)
                .map(|_| {
                    let n = next.get();
                    next.set(n + 1);
                    LedgerCommand::Post(entry(n))
                })
                .collect();
            rt.block_on(async {
                let started = Instant::now();
                for command in &commands {
                    repository
                        .execute_on(&mut loaded, command, &context)
                        .await
                        .unwrap()
                        .unwrap();
                }
                started.elapsed()
            })
        });
    });
    group.finish();
}

fn in_memory(c: &mut Criterion) {
    let mut group = c.benchmark_group("repository_reference");
    group.throughput(Throughput::Elements(1));
    let mut ledger = Ledger::new();
    for account in chart() {
        ledger.open_account(account).unwrap();
    }
    let mut n = 0_u128;
    group.bench_function("ledger_post_in_memory", |b| {
        b.iter_custom(|iters| {
            let entries: Vec<JournalEntry> = (0..iters).map(|k| entry(n + u128::from(k))).collect();
            n += u128::from(iters);
            let started = Instant::now();
            for entry in entries {
                ledger.post(entry).unwrap();
            }
            started.elapsed()
        });
    });
    group.finish();
}

fn sqlite(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("bureau-bench-repository-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = rt
        .block_on(SqliteEventStore::open(dir.join("events.sqlite")))
        .unwrap();
    store_pair(c, "repository_sqlite", &rt, store);
    let _ = std::fs::remove_dir_all(&dir);
}

fn postgres(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("bureau_bench_repository_{}", std::process::id());
    let admin = rt.block_on(async {
        let mut admin = pg_sqlx::PgConnection::connect(&url).await.ok()?;
        pg_sqlx::query(pg_sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await
            .ok()?;
        Some(admin)
    });
    let Some(mut admin) = admin else {
        eprintln!("no PostgreSQL at {url}: the PostgreSQL group is skipped");
        return;
    };
    let store = rt.block_on(async {
        let options = PgConnectOptions::from_str(&url)
            .unwrap()
            .options([("search_path", schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .unwrap();
        PgEventStore::from_pool(pool).await.unwrap()
    });
    store_pair(c, "repository_postgres", &rt, store);
    rt.block_on(async {
        pg_sqlx::query(pg_sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA {schema} CASCADE"
        )))
        .execute(&mut admin)
        .await
        .unwrap();
    });
}

criterion_group!(benches, in_memory, sqlite, postgres);
criterion_main!(benches);
