//! Appending batches of 1,000 events: each event store against the strongest
//! raw baseline, a batched sqlx insert of the same statement shape into the
//! same table, with its rows prepared (JSON written, columns built) before
//! the timing starts, in the same run.
//!
//! The machine the figures come from is shared, and one backend's throughput
//! moves by a factor of two between runs. So besides criterion's own figures,
//! each group ends with a paired measurement: `PAIRED_ROUNDS` rounds, each one
//! append by the store and one raw insert back to back (the order alternating),
//! and the median of the per-round ratios raw time / store time is printed. A
//! load that comes and goes then weighs on both sides of each ratio alike.
//!
//! SQLite: files in a temp dir. PostgreSQL: `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), two schemas of its own, dropped
//! at the end; skipped with a message when no server answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A ratio of two timings is a measurement, not money.
#![allow(clippy::float_arithmetic)]

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
    hash: Vec<u8>,
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
            hash: vec![0_u8; 32],
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

/// Rounds of the paired measurement that ends each group.
const PAIRED_ROUNDS: usize = 200;

/// The median over `PAIRED_ROUNDS` rounds of raw time / store time, each
/// round one store append and one raw insert of prepared rows, the order
/// alternating. Rows are prepared outside the timed span: `raw` builds them
/// when it is called and returns the future that inserts them.
async fn paired<S, SF, R, RF>(mut store: S, mut raw: R) -> f64
where
    S: FnMut() -> SF,
    SF: std::future::Future<Output = bureau::store::Result<bureau::store::Appended>>,
    R: FnMut() -> RF,
    RF: std::future::Future<Output = ()>,
{
    let mut ratios = Vec::with_capacity(PAIRED_ROUNDS);
    for round in 0..PAIRED_ROUNDS {
        let raw_future = raw();
        let store_future = store();
        let (store_time, raw_time) = if round % 2 == 0 {
            let start = Instant::now();
            store_future.await.unwrap();
            let store_time = start.elapsed();
            let start = Instant::now();
            raw_future.await;
            (store_time, start.elapsed())
        } else {
            let start = Instant::now();
            raw_future.await;
            let raw_time = start.elapsed();
            let start = Instant::now();
            store_future.await.unwrap();
            (start.elapsed(), raw_time)
        };
        ratios.push(raw_time.as_secs_f64() / store_time.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    ratios[PAIRED_ROUNDS / 2]
}

/// One raw SQLite batch: a transaction of multi-row inserts, chunked as the
/// adapter chunks.
async fn sqlite_raw_insert(store: &SqliteEventStore, rows: Vec<RawRow>) {
    let mut tx = store.pool().begin().await.unwrap();
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<RawRow> = rows.by_ref().take(SQLITE_ROWS_PER_INSERT).collect();
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
                .push_bind(row.hash);
        });
        insert.build().execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// One raw PostgreSQL batch as the adapter binds it: one array per column.
struct PgColumns {
    positions: Vec<i64>,
    versions: Vec<i64>,
    recorded_at: Vec<DateTime<Utc>>,
    streams: Vec<String>,
    types: Vec<String>,
    payloads: Vec<String>,
    labels: [Vec<Option<String>>; 3],
    hashes: Vec<Vec<u8>>,
}

impl PgColumns {
    fn new(rows: Vec<RawRow>) -> Self {
        let positions: Vec<i64> = rows.iter().map(|r| r.position).collect();
        let recorded_at = rows.iter().map(|r| r.recorded_at).collect();
        let mut columns = Self {
            versions: positions.clone(),
            positions,
            recorded_at,
            streams: Vec::with_capacity(rows.len()),
            types: Vec::with_capacity(rows.len()),
            payloads: Vec::with_capacity(rows.len()),
            labels: std::array::from_fn(|_| vec![None; rows.len()]),
            hashes: Vec::with_capacity(rows.len()),
        };
        for row in rows {
            columns.streams.push(row.stream);
            columns.types.push(row.event_type);
            columns.payloads.push(row.payload);
            columns.hashes.push(row.hash);
        }
        columns
    }
}

async fn pg_raw_insert(store: &PgEventStore, columns: PgColumns) {
    let [causation, correlation, actor] = columns.labels;
    let mut tx = store.pool().begin().await.unwrap();
    pg_sqlx::query(PG_INSERT)
        .bind(columns.positions)
        .bind(columns.streams)
        .bind(columns.versions)
        .bind(columns.recorded_at)
        .bind(columns.types)
        .bind(columns.payloads)
        .bind(causation)
        .bind(correlation)
        .bind(actor)
        .bind(columns.hashes)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
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
    group.bench_function("raw_batched_insert", |b| {
        b.iter_custom(|iters| {
            let batches = prepare(&stream, &events, &mut next, iters);
            runtime.block_on(async {
                let start = Instant::now();
                for rows in batches {
                    sqlite_raw_insert(&raw, rows).await;
                }
                start.elapsed()
            })
        });
    });
    let next = std::cell::Cell::new(next);
    let ratio = runtime.block_on(paired(
        || ours.append(&stream, ExpectedVersion::Any, &events),
        || {
            let first = next.replace(next.get() + BATCH as i64);
            sqlite_raw_insert(&raw, raw_rows(&stream, &events, first))
        },
    ));
    println!(
        "sqlite_append_1000/paired: raw time / store time, median of {PAIRED_ROUNDS} rounds: {ratio:.3}"
    );
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
            let batches: Vec<PgColumns> = prepare(&stream, &events, &mut next, iters)
                .into_iter()
                .map(PgColumns::new)
                .collect();
            runtime.block_on(async {
                let start = Instant::now();
                for columns in batches {
                    pg_raw_insert(raw, columns).await;
                }
                start.elapsed()
            })
        });
    });
    let next = std::cell::Cell::new(next);
    let ratio = runtime.block_on(paired(
        || ours.append(&stream, ExpectedVersion::Any, &events),
        || {
            let first = next.replace(next.get() + BATCH as i64);
            pg_raw_insert(raw, PgColumns::new(raw_rows(&stream, &events, first)))
        },
    ));
    println!(
        "postgres_append_1000/paired: raw time / store time, median of {PAIRED_ROUNDS} rounds: {ratio:.3}"
    );
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
