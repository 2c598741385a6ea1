//! Appending batches of 1,000 events: each event store against the strongest
//! raw baseline, a batched sqlx insert of the same statement shape into the
//! same table, with its rows prepared (JSON written, columns built) before
//! the timing starts, in the same run.
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
    position: i64,
    stream: String,
    recorded_at: DateTime<Utc>,
    event_type: String,
    payload: String,
}

/// The rows of one raw batch from position `first` on, prepared before timing.
fn raw_rows(stream: &StreamId, events: &[NewEvent], first: i64) -> Vec<RawRow> {
    events
        .iter()
        .zip(first..)
        .map(|(event, position)| RawRow {
            position,
            stream: stream.as_str().to_owned(),
            recorded_at: event.recorded_at(),
            event_type: event.event_type().to_owned(),
            payload: event.payload().to_string(),
        })
        .collect()
}

/// `iters` raw batches, positions continuing from `next`.
fn prepare(stream: &StreamId, events: &[NewEvent], next: &mut i64, iters: u64) -> Vec<Vec<RawRow>> {
    (0..iters)
        .map(|_| {
            let rows = raw_rows(stream, events, *next);
            *next += BATCH as i64;
            rows
        })
        .collect()
}

/// The start of the SQLite adapter's multi-row insert, columns in table order.
const SQLITE_INSERT_PREFIX: &str = "INSERT INTO bureau_events (position, stream, version, \
     recorded_at, event_type, payload, causation_id, correlation_id, actor, hash) ";

/// Rows per multi-row insert, as the SQLite adapter chunks a batch.
const SQLITE_ROWS_PER_INSERT: usize = 100;

/// The PostgreSQL adapter's batch insert: one array per column.
const PG_INSERT: &str = "INSERT INTO bureau_events (position, stream, version, recorded_at, \
     event_type, payload, causation_id, correlation_id, actor, hash) \
     SELECT p, s, v, r, t, j::json, c, k, a, h FROM UNNEST($1::bigint[], $2::text[], \
     $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], \
     $9::text[], $10::bytea[]) AS u(p, s, v, r, t, j, c, k, a, h)";

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
    group.bench_function("raw_batched_insert", |b| {
        b.iter_custom(|iters| {
            let batches = prepare(&stream, &events, &mut next, iters);
            runtime.block_on(async {
                let start = Instant::now();
                for rows in batches {
                    let mut tx = raw.pool().begin().await.unwrap();
                    let mut rows = rows.into_iter();
                    loop {
                        let chunk: Vec<RawRow> =
                            rows.by_ref().take(SQLITE_ROWS_PER_INSERT).collect();
                        if chunk.is_empty() {
                            break;
                        }
                        let mut insert = lite_sqlx::QueryBuilder::new(SQLITE_INSERT_PREFIX);
                        insert.push_values(chunk, |mut values, row| {
                            values
                                .push_bind(row.position)
                                .push_bind(row.stream)
                                .push_bind(row.position)
                                .push_bind(row.recorded_at.timestamp_micros())
                                .push_bind(row.event_type)
                                .push_bind(row.payload)
                                .push_bind(None::<String>)
                                .push_bind(None::<String>)
                                .push_bind(None::<String>)
                                .push_bind(vec![0_u8; 32]);
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
    group.bench_function("raw_batched_insert", |b| {
        b.iter_custom(|iters| {
            let batches: Vec<_> = prepare(&stream, &events, &mut next, iters)
                .into_iter()
                .map(|rows| {
                    let positions: Vec<i64> = rows.iter().map(|r| r.position).collect();
                    let recorded_at: Vec<DateTime<Utc>> =
                        rows.iter().map(|r| r.recorded_at).collect();
                    let mut streams = Vec::with_capacity(BATCH);
                    let mut types = Vec::with_capacity(BATCH);
                    let mut payloads = Vec::with_capacity(BATCH);
                    for row in rows {
                        streams.push(row.stream);
                        types.push(row.event_type);
                        payloads.push(row.payload);
                    }
                    let none = || -> Vec<Option<String>> { vec![None; BATCH] };
                    let hashes = vec![vec![0_u8; 32]; BATCH];
                    let versions = positions.clone();
                    let labels = [none(), none(), none()];
                    let texts = (streams, types, payloads);
                    (positions, versions, recorded_at, texts, labels, hashes)
                })
                .collect();
            runtime.block_on(async {
                let start = Instant::now();
                for (positions, versions, recorded_at, texts, labels, hashes) in batches {
                    let (streams, types, payloads) = texts;
                    let [causation, correlation, actor] = labels;
                    let mut tx = raw.pool().begin().await.unwrap();
                    pg_sqlx::query(PG_INSERT)
                        .bind(positions)
                        .bind(streams)
                        .bind(versions)
                        .bind(recorded_at)
                        .bind(types)
                        .bind(payloads)
                        .bind(causation)
                        .bind(correlation)
                        .bind(actor)
                        .bind(hashes)
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
