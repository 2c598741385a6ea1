//! Appending batches of 1,000 events: each event store against a raw sqlx
//! insert of the same rows into the same table layout, in the same run.
//!
//! SQLite: files in a temp dir. PostgreSQL: `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), two schemas of its own, dropped
//! at the end; skipped with a message when no server answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;
use std::time::{Duration, Instant};

use bureau::store::{EventStore, ExpectedVersion, NewEvent, StreamId};
use bureau::store_postgres::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use bureau::store_postgres::{PgEventStore, sqlx as pg_sqlx};
use bureau::store_sqlite::{SqliteEventStore, sqlx as lite_sqlx};
use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const BATCH: usize = 1_000;

fn batch(at: DateTime<Utc>) -> Vec<NewEvent> {
    (0..BATCH)
        .map(|index| {
            NewEvent::new(
                "entry_posted",
                serde_json::json!({
                    "type": "entry_posted",
                    "entry": index,
                    "lines": [
                        {"account": "1200 Receivables", "debit": "119.00 EUR"},
                        {"account": "4000 Sales", "credit": "100.00 EUR"},
                        {"account": "1776 VAT", "credit": "19.00 EUR"}
                    ],
                    "memo": "invoice 2026-0042"
                }),
                at,
            )
        })
        .collect()
}

/// The columns a raw insert binds for one event (no chain: a fixed hash).
struct RawRow {
    stream: String,
    recorded_at: DateTime<Utc>,
    event_type: String,
    payload: String,
}

fn raw_rows(stream: &StreamId, events: &[NewEvent]) -> Vec<RawRow> {
    events
        .iter()
        .map(|event| RawRow {
            stream: stream.as_str().to_owned(),
            recorded_at: event.recorded_at(),
            event_type: event.event_type().to_owned(),
            payload: event.payload().to_string(),
        })
        .collect()
}

/// Times `store.append` of the whole batch, one append per iteration.
fn bench_event_store<S: EventStore>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    runtime: &tokio::runtime::Runtime,
    store: &S,
    stream: &StreamId,
    events: &[NewEvent],
) {
    group.bench_function("event_store", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    store
                        .append(stream, ExpectedVersion::Any, events)
                        .await
                        .unwrap();
                }
                start.elapsed()
            })
        });
    });
}

fn sqlite(c: &mut Criterion, runtime: &tokio::runtime::Runtime) {
    let dir = std::env::temp_dir().join(format!("bureau-bench-store-{}", std::process::id()));
    let events = batch(DateTime::UNIX_EPOCH);
    let stream = StreamId::new("ledger").unwrap();
    let (ours, raw) = runtime.block_on(async {
        (
            SqliteEventStore::open(dir.join("ours.db")).await.unwrap(),
            SqliteEventStore::open(dir.join("raw.db")).await.unwrap(),
        )
    });
    let mut group = c.benchmark_group("sqlite_append_1000");
    group.throughput(Throughput::Elements(BATCH as u64));
    bench_event_store(&mut group, runtime, &ours, &stream, &events);
    let mut next: i64 = 1;
    group.bench_function("raw_sqlx_insert", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let rows = raw_rows(&stream, &events);
                    let mut tx = raw.pool().begin().await.unwrap();
                    // The same multi-row statement shape as the store's appends.
                    for chunk in rows.chunks(SqliteEventStore::ROWS_PER_INSERT) {
                        let mut insert =
                            lite_sqlx::QueryBuilder::new(SqliteEventStore::INSERT_PREFIX);
                        insert.push_values(chunk, |mut values, row| {
                            values
                                .push_bind(next)
                                .push_bind(row.stream.clone())
                                .push_bind(next)
                                .push_bind(row.recorded_at.timestamp_micros())
                                .push_bind(row.event_type.clone())
                                .push_bind(row.payload.clone())
                                .push_bind(None::<String>)
                                .push_bind(None::<String>)
                                .push_bind(None::<String>)
                                .push_bind(vec![0_u8; 32]);
                            next += 1;
                        });
                        insert.build().execute(&mut *tx).await.unwrap();
                    }
                    tx.commit().await.unwrap();
                }
                start.elapsed()
            })
        });
    });
    group.finish();
    runtime.block_on(async {
        ours.close().await;
        raw.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

fn postgres(c: &mut Criterion, runtime: &tokio::runtime::Runtime) {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schemas = [
        format!("bureau_bench_ours_{}", std::process::id()),
        format!("bureau_bench_raw_{}", std::process::id()),
    ];
    let stores = runtime.block_on(async {
        let mut stores = Vec::new();
        for schema in &schemas {
            let admin = PgPoolOptions::new().max_connections(1).connect(&url).await;
            let Ok(admin) = admin else {
                eprintln!("no PostgreSQL at {url}: the postgres benchmark is skipped");
                return None;
            };
            pg_sqlx::query(pg_sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&admin)
                .await
                .unwrap();
            admin.close().await;
            let options = PgConnectOptions::from_str(&url)
                .unwrap()
                .options([("search_path", schema.as_str())]);
            let pool = PgPoolOptions::new()
                .max_connections(2)
                .connect_with(options)
                .await
                .unwrap();
            stores.push(PgEventStore::from_pool(pool).await.unwrap());
        }
        Some(stores)
    });
    let Some(stores) = stores else { return };
    let (ours, raw) = (&stores[0], &stores[1]);
    let events = batch(DateTime::UNIX_EPOCH);
    let stream = StreamId::new("ledger").unwrap();
    let mut group = c.benchmark_group("postgres_append_1000");
    group.throughput(Throughput::Elements(BATCH as u64));
    bench_event_store(&mut group, runtime, ours, &stream, &events);
    let mut next: i64 = 1;
    group.bench_function("raw_sqlx_insert", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let rows = raw_rows(&stream, &events);
                    let positions: Vec<i64> = (next..next + BATCH as i64).collect();
                    next += BATCH as i64;
                    let none: Vec<Option<String>> = vec![None; BATCH];
                    let mut tx = raw.pool().begin().await.unwrap();
                    pg_sqlx::query(PgEventStore::INSERT_SQL)
                        .bind(&positions)
                        .bind(rows.iter().map(|r| r.stream.clone()).collect::<Vec<_>>())
                        .bind(&positions)
                        .bind(rows.iter().map(|r| r.recorded_at).collect::<Vec<_>>())
                        .bind(
                            rows.iter()
                                .map(|r| r.event_type.clone())
                                .collect::<Vec<_>>(),
                        )
                        .bind(rows.iter().map(|r| r.payload.clone()).collect::<Vec<_>>())
                        .bind(&none)
                        .bind(&none)
                        .bind(&none)
                        .bind(vec![vec![0_u8; 32]; BATCH])
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
                start.elapsed()
            })
        });
    });
    group.finish();
    runtime.block_on(async {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        for schema in &schemas {
            pg_sqlx::query(pg_sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA {schema} CASCADE"
            )))
            .execute(&admin)
            .await
            .unwrap();
        }
        admin.close().await;
    });
    for store in stores {
        runtime.block_on(store.pool().close());
    }
}

fn store(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    sqlite(c, &runtime);
    postgres(c, &runtime);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = store
}
criterion_main!(benches);
