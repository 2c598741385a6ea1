//! Books stored through the repository on every adapter and loaded from a
//! fresh store handle are the books built in memory: settings, chart,
//! balances, reports, open items and audit head, over every history the
//! ledger's strategies generate (foreign settlements, revaluations and fiscal
//! years that do not start in January included), whether folded from all its
//! events or restored from its latest snapshot. A stored event that
//! contradicts the book fails the load with its stream and version.
//!
//! PostgreSQL runs at `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), in a schema of this run's own,
//! dropped at the end. Under `CI` a missing server fails the test; elsewhere
//! the PostgreSQL part is skipped with a loud message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::str::FromStr;

use bureau::Aggregate;
use bureau::ledger::{Ledger, LedgerCommand, strategy};
use bureau::store::{
    EventContext, EventStore, ExpectedVersion, InMemoryStore, Loaded, NewEvent, Repository,
    SnapshotPolicy, SnapshotStore, SnapshotUse, StreamId, Version,
};
use bureau::store_postgres::{PgEventStore, PgPool};
use bureau::store_sqlite::SqliteEventStore;
use chrono::NaiveDate;
use proptest::test_runner::{Config, TestRunner};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn context() -> EventContext {
    EventContext::new(chrono::DateTime::UNIX_EPOCH)
}

/// A schema of this run's own, or `None` (loudly) when no server answers
/// outside CI.
async fn postgres_schema() -> Option<String> {
    let mut admin = match PgConnection::connect(&database_url()).await {
        Ok(connection) => connection,
        Err(error) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL at {} is required under CI: {error}",
                database_url()
            );
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPED: the PostgreSQL part, no server at {} ({error}) !!!",
                database_url()
            );
            return None;
        }
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let schema = format!("bureau_persistence_{}_{nanos}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    Some(schema)
}

async fn postgres_pool(schema: &str) -> PgPool {
    let options = PgConnectOptions::from_str(&database_url())
        .unwrap()
        .options([("search_path", schema)]);
    PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .unwrap()
}

async fn drop_schema(schema: &str) {
    let mut admin = PgConnection::connect(&database_url()).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
}

/// Runs every command of `commands` through the repository (the first one
/// loads, the rest reuse the loaded book, a snapshot is saved every 5
/// events) and returns the book the repository kept, with the book built in
/// memory from the same commands.
async fn execute_all<S: SnapshotStore>(
    repository: &Repository<S>,
    stream: &StreamId,
    commands: &[LedgerCommand],
) -> (Loaded<Ledger>, Ledger) {
    let mut in_memory = Ledger::new();
    let mut loaded = repository.load::<Ledger>(stream).await.unwrap();
    for command in commands {
        let expected = in_memory.handle(command);
        let stored = repository
            .execute_with_snapshots(&mut loaded, command, &context(), every_five())
            .await
            .unwrap();
        assert_eq!(stored, expected, "the repository decided otherwise");
    }
    (loaded, in_memory)
}

fn every_five() -> SnapshotPolicy {
    SnapshotPolicy::every(std::num::NonZeroU64::new(5).unwrap())
}

/// Loads the book both ways, from all its events and from its latest
/// snapshot (which must be used once the stream has 5 events), and checks
/// both against the book built in memory.
async fn assert_reloads<S: SnapshotStore>(
    repository: &Repository<S>,
    stream: &StreamId,
    expected: &Ledger,
) {
    let folded = repository.load::<Ledger>(stream).await.unwrap();
    assert_same_book(folded.state(), expected);
    let (restored, used) = repository
        .load_from_snapshot::<Ledger>(stream)
        .await
        .unwrap();
    if folded.version().get() >= 5 {
        assert!(matches!(used, SnapshotUse::Used { .. }), "{used:?}");
    }
    assert_eq!(restored.version(), folded.version());
    assert_same_book(restored.state(), expected);
}

/// What a user reads of a book, compared one by one so that a difference
/// names itself before the whole books are compared.
fn assert_same_book(loaded: &Ledger, expected: &Ledger) {
    assert_eq!(loaded.config(), expected.config());
    assert_eq!(loaded.head(), expected.head());
    assert_eq!(
        loaded.accounts().collect::<Vec<_>>(),
        expected.accounts().collect::<Vec<_>>()
    );
    assert_eq!(
        loaded.trial_balance().unwrap(),
        expected.trial_balance().unwrap()
    );
    let end = NaiveDate::from_ymd_opt(2028, 12, 31).unwrap();
    for account in [strategy::RECEIVABLES, strategy::PAYABLES] {
        assert_eq!(
            loaded.open_items(account, end).unwrap(),
            expected.open_items(account, end).unwrap()
        );
    }
    assert_eq!(loaded, expected);
}

/// Histories per adapter: each stores and reloads a book of up to 31
/// commands, so the count is kept apart from `PROPTEST_CASES`.
const HISTORIES: u32 = 24;

#[test]
fn every_generated_history_reloads_as_the_same_book_on_every_adapter() {
    let rt = runtime();
    let schema = rt.block_on(postgres_schema());
    let directory = std::env::temp_dir().join(format!("bureau-persistence-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let mut runner = TestRunner::new(Config::with_cases(HISTORIES));
    let cases = std::sync::atomic::AtomicU32::new(0);
    let outcome = runner.run(&strategy::history(), |history| {
        let case = cases.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let commands: Vec<LedgerCommand> = history.steps().into_iter().map(|s| s.command).collect();
        let stream = StreamId::new(format!("ledger-{case}")).unwrap();
        rt.block_on(async {
            // In memory: the store is shared by handle, the repository is new.
            let memory = InMemoryStore::new();
            let (kept, expected) =
                execute_all(&Repository::new(memory.clone()), &stream, &commands).await;
            assert_same_book(kept.state(), &expected);
            assert_reloads(&Repository::new(memory), &stream, &expected).await;

            // SQLite: a file, closed and opened again.
            let path = directory.join(format!("case-{case}.sqlite"));
            let store = SqliteEventStore::open(&path).await.unwrap();
            let _ = execute_all(&Repository::new(store), &stream, &commands).await;
            let reopened = SqliteEventStore::open(&path).await.unwrap();
            assert_reloads(&Repository::new(reopened), &stream, &expected).await;

            // PostgreSQL: another pool.
            if let Some(schema) = &schema {
                let store = PgEventStore::from_pool(postgres_pool(schema).await)
                    .await
                    .unwrap();
                let _ = execute_all(&Repository::new(store), &stream, &commands).await;
                let fresh = PgEventStore::from_pool(postgres_pool(schema).await)
                    .await
                    .unwrap();
                assert_reloads(&Repository::new(fresh), &stream, &expected).await;
            }
        });
        Ok(())
    });
    if let Some(schema) = &schema {
        rt.block_on(drop_schema(schema));
    }
    let _ = std::fs::remove_dir_all(&directory);
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn a_stored_entry_on_an_account_the_book_lacks_fails_the_load_with_its_version() {
    let rt = runtime();
    rt.block_on(async {
        let store = InMemoryStore::new();
        let repository = Repository::new(store.clone());
        let stream = StreamId::new("ledger-forged").unwrap();
        let setup = strategy::fx_accounts();
        for account in &setup {
            let _ = repository
                .execute::<Ledger>(
                    &stream,
                    &LedgerCommand::OpenAccount(account.clone()),
                    &context(),
                )
                .await
                .unwrap()
                .unwrap();
        }
        // An entry decided by another book, whose chart has an account this one lacks.
        let mut other = Ledger::new();
        for account in &setup {
            let _ = other.open_account(account.clone()).unwrap();
        }
        let stray = bureau::ledger::Account::new(
            bureau::ledger::AccountId::from_u128(4242),
            "4242".parse().unwrap(),
            "Elsewhere".parse().unwrap(),
            bureau::ledger::AccountKind::INCOME,
            strategy::CHART_OPENED,
        );
        let _ = other.open_account(stray).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let entry = bureau::ledger::JournalEntry::builder(
            bureau::ledger::EntryId::from_u128(1),
            day,
            "sale".parse().unwrap(),
        )
        .debit(strategy::FX_BANK, "5.00 USD".parse().unwrap())
        .credit(
            bureau::ledger::AccountId::from_u128(4242),
            "5.00 USD".parse().unwrap(),
        )
        .build()
        .unwrap();
        let events = other.post(entry).unwrap();
        let version = Version::new(u64::try_from(setup.len()).unwrap());
        let payload = serde_json::to_value(&events[0]).unwrap();
        store
            .append(
                &stream,
                ExpectedVersion::Exact(version),
                &[NewEvent::new(
                    "entry_posted",
                    payload,
                    chrono::DateTime::UNIX_EPOCH,
                )],
            )
            .await
            .unwrap();
        let error = repository.load::<Ledger>(&stream).await.unwrap_err();
        let forged = version.next().unwrap();
        assert!(
            matches!(&error, bureau::store::Error::Replay { version, .. } if *version == forged),
            "{error}"
        );
        assert!(error.to_string().contains("posting 2 of entry"), "{error}");
    });
}
