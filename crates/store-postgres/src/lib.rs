//! The scale-out storage adapter of bureau: a hash-chained event store on
//! PostgreSQL.
//!
//! # Overview
//!
//! [`PgEventStore`] implements [`bureau_store::EventStore`] on the caller's
//! [`PgPool`]; [`PgEventStore::from_pool`] runs the embedded migrations
//! (tracked in `bureau_store_migrations`, in the first schema of the
//! connection's `search_path`).
//!
//! - Schema: one table `bureau_events` with `position BIGINT PRIMARY KEY`,
//!   `UNIQUE (stream, version)`, the payload as `JSON` (the very text that
//!   was hashed: `JSONB` would respell numbers such as `1e16` or `-0.0` and
//!   break the chain), `recorded_at` as `TIMESTAMPTZ` and the chain hash as
//!   `BYTEA`.
//! - **One global order that readers can trust.** Event stores that take
//!   positions from a sequence suffer the sequence-gap problem: a transaction
//!   that draws position 10 may commit after one that drew 11, so a projection
//!   that already read 11 never sees 10. Here every append takes a
//!   transaction-scoped advisory lock (`pg_advisory_xact_lock`, keyed by the
//!   table's schema) before it reads the stream version, the last position and
//!   the last chain hash, and holds it until commit or rollback. Appends are
//!   therefore serialized: positions are contiguous from 1, commit in position
//!   order (a reader can never see position 11 before 10 is visible), and a
//!   rolled-back append leaves no hole. The same lock makes the hash chain
//!   follow the global order. The price: appends to one database do not run
//!   in parallel (reads do).
//! - A batch is one transaction and one `INSERT ... SELECT FROM UNNEST(...)`.
//! - Values are bound parameters. PostgreSQL text cannot hold the NUL
//!   character: a stream name, event type, metadata label or payload string
//!   holding one is refused with [`bureau_store::Error::Unsupported`] before
//!   anything is written (text that merely spells `\u0000` is stored). So
//!   is an instant before 4714-11-24 00:00:00 UTC BC, where `timestamptz`
//!   begins. These checks, and the payload depth limit, run before the
//!   append's transaction; any failure inside it rolls back at once.
//! - Only a unique violation (SQLSTATE 23505) of an insert is reported as
//!   [`bureau_store::Error::Conflict`].
//!
//! # Compatible engines
//!
//! What the adapter needs from an engine: `JSON`, `TIMESTAMPTZ`, `BYTEA`,
//! `UNNEST` of arrays, `hashtext`, `current_schema()`, and a
//! `pg_advisory_xact_lock(int, int)` that really blocks until the holder's
//! transaction ends (the migrations take a session advisory lock too). On an
//! engine whose advisory locks are missing or do not block, appends fail or,
//! worse, the no-gap global order no longer holds (the primary key on
//! `position` still refuses two events at one position). YugabyteDB (YSQL)
//! documents advisory locks in recent releases; CockroachDB's support for
//! them has been limited. Neither engine is tested here: only PostgreSQL 15
//! is.
//!
//! # Examples
//!
//! ```no_run
//! use bureau_store::{EventStore, ExpectedVersion, NewEvent, StreamId, Version};
//! use bureau_store_postgres::{PgEventStore, PgPool};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let pool = PgPool::connect("postgres://postgres@127.0.0.1:5432/app").await?;
//! let store = PgEventStore::from_pool(pool).await?;
//! let stream = StreamId::new("order-1")?;
//! let placed = NewEvent::new("placed", serde_json::json!({"lines": 3}), chrono::DateTime::UNIX_EPOCH);
//! store.append(&stream, ExpectedVersion::Exact(Version::INITIAL), &[placed]).await?;
//! assert!(store.verify().await?.is_intact());
//! # Ok(())
//! # }
//! ```
//!
//! # Crate features
//!
//! - `serde`, `proptest`: forwarded to `bureau-store`.

use std::borrow::Cow;

use bureau_store::row::{self, Batch, Row, SealedRow};
use bureau_store::{
    Appended, EventStore, ExpectedVersion, NewEvent, Position, RecordedEvent, SnapshotStore,
    StoredSnapshot, StreamBatch, StreamId, Version,
};
use chrono::{DateTime, Utc};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};

/// The sqlx this adapter is built with: use it to build a pool of the
/// matching version, or to query the event table directly.
pub use sqlx;
pub use sqlx::postgres::PgPool;

/// Why setting up the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The embedded migrations failed.
    #[error("cannot migrate the event schema: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// The result type of this crate's constructors.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn migrator() -> Migrator {
    let mut migrator = Migrator::with_migrations(vec![
        Migration::new(
            1,
            Cow::Borrowed("events"),
            MigrationType::Simple,
            include_str!("../migrations/0001_events.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            2,
            Cow::Borrowed("snapshots"),
            MigrationType::Simple,
            include_str!("../migrations/0002_snapshots.sql").into_sql_str(),
            false,
        ),
    ]);
    migrator.dangerous_set_table_name("bureau_store_migrations");
    migrator
}

/// Opens an append's transaction and takes the append lock in one round trip.
/// The lock's first key is the bytes "bure" read as an integer (to stay clear
/// of other users' advisory locks), the second the table's schema.
///
/// READ COMMITTED is named, whatever the pool's default: each later statement
/// must take a fresh snapshot, after the lock was granted.
const LOCKING_BEGIN: &str = "BEGIN ISOLATION LEVEL READ COMMITTED; \
     SELECT pg_advisory_xact_lock(1651864165, hashtext(current_schema()))";

const SELECT_COLUMNS: &str = "SELECT position, stream, version, recorded_at, event_type, \
     payload::text, causation_id, correlation_id, actor, hash FROM bureau_events";

/// The insert of a batch, one array per column in table order.
const INSERT: &str = "INSERT INTO bureau_events (position, stream, version, recorded_at, \
     event_type, payload, causation_id, correlation_id, actor, hash) \
     SELECT p, s, v, r, t, j::json, c, k, a, h FROM UNNEST($1::bigint[], $2::text[], \
     $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], \
     $9::text[], $10::bytea[]) AS u(p, s, v, r, t, j, c, k, a, h)";

type RowTuple = (
    i64,
    String,
    i64,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<u8>,
);

fn from_tuple(t: RowTuple) -> bureau_store::Result<RecordedEvent> {
    Row {
        position: t.0,
        stream: t.1,
        version: t.2,
        recorded_at_micros: t.3.timestamp_micros(),
        event_type: t.4,
        payload: t.5,
        causation_id: t.6,
        correlation_id: t.7,
        actor: t.8,
        hash: t.9,
    }
    .into_recorded()
}

fn backend(error: sqlx::Error) -> bureau_store::Error {
    bureau_store::Error::backend(error)
}

/// Column arrays of a batch, bound to [`INSERT`]. The text columns borrow
/// the sealed rows: the driver copies them once, into its message.
#[derive(Default)]
struct Columns<'r> {
    position: Vec<i64>,
    stream: Vec<&'r str>,
    version: Vec<i64>,
    recorded_at: Vec<DateTime<Utc>>,
    event_type: Vec<&'r str>,
    payload: Vec<&'r str>,
    causation_id: Vec<Option<&'r str>>,
    correlation_id: Vec<Option<&'r str>>,
    actor: Vec<Option<&'r str>>,
    hash: Vec<&'r [u8]>,
}

impl<'r> Columns<'r> {
    fn new(rows: &'r [SealedRow<'_>]) -> bureau_store::Result<Self> {
        let mut columns = Self::default();
        for row in rows {
            let recorded_at = DateTime::from_timestamp_micros(row.recorded_at_micros).ok_or(
                bureau_store::Error::unsupported(
                    row.recorded_at_micros.to_string(),
                    "the instant is out of PostgreSQL's range",
                ),
            )?;
            columns.position.push(row.position);
            columns.stream.push(&row.stream);
            columns.version.push(row.version);
            columns.recorded_at.push(recorded_at);
            columns.event_type.push(&row.event_type);
            columns.payload.push(&row.payload);
            columns.causation_id.push(row.causation_id);
            columns.correlation_id.push(row.correlation_id);
            columns.actor.push(row.actor);
            columns.hash.push(row.hash.as_bytes());
        }
        Ok(columns)
    }
}

/// A hash-chained [`EventStore`] in PostgreSQL. Clones share the pool.
///
/// # Examples
///
/// See the [crate] documentation.
#[derive(Clone, Debug)]
pub struct PgEventStore {
    pool: PgPool,
}

impl PgEventStore {
    /// Uses the caller's pool and runs the migrations on it.
    ///
    /// # Errors
    ///
    /// [`Error::Migrate`].
    ///
    /// # Examples
    ///
    /// See the [crate] documentation.
    pub async fn from_pool(pool: PgPool) -> Result<Self> {
        migrator().run(&pool).await.map_err(Error::Migrate)?;
        Ok(Self { pool })
    }

    /// The pool underneath.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run(store: bureau_store_postgres::PgEventStore) {
    /// let idle = store.pool().num_idle();
    /// # let _ = idle;
    /// # }
    /// ```
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn append_inner(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> bureau_store::Result<Appended> {
        // Whatever needs no database is checked before the append lock is
        // taken: nesting depth, NUL characters, the range of instants.
        let batch = Batch::new(stream, events)?;
        batch.refuse_nul(NUL_REASON)?;
        if let Some(event) = events
            .iter()
            .find(|event| event.recorded_at().timestamp_micros() < EARLIEST_MICROS)
        {
            return Err(bureau_store::Error::unsupported(
                event.recorded_at().to_rfc3339(),
                "PostgreSQL's timestamptz starts at 4714-11-24 00:00:00 UTC BC",
            ));
        }
        // The lock is held until commit or rollback: it serializes version
        // checks, position allocation and chain links across every writer of
        // this schema. Taken in the statement that opens the transaction, so
        // every later statement's snapshot sees all appends committed before.
        let mut tx = self.pool.begin_with(LOCKING_BEGIN).await.map_err(backend)?;
        match append_locked(&mut tx, stream, expected, batch).await {
            Ok(appended) => {
                tx.commit().await.map_err(backend)?;
                Ok(appended)
            }
            Err(error) => {
                // Roll back now rather than when the connection is next
                // used: this releases the append lock for the next writer.
                // A failed rollback closes the connection, which releases
                // it too; the caller learns of the first failure.
                let _ = tx.rollback().await;
                Err(error)
            }
        }
    }
    async fn append_streams_inner(
        &self,
        batches: &[StreamBatch<'_>],
    ) -> bureau_store::Result<Vec<Appended>> {
        let mut checked = Vec::with_capacity(batches.len());
        for batch in batches {
            let sealed = Batch::new(batch.stream, batch.events)?;
            sealed.refuse_nul(NUL_REASON)?;
            if let Some(event) = batch
                .events
                .iter()
                .find(|event| event.recorded_at().timestamp_micros() < EARLIEST_MICROS)
            {
                return Err(bureau_store::Error::unsupported(
                    event.recorded_at().to_rfc3339(),
                    "PostgreSQL's timestamptz starts at 4714-11-24 00:00:00 UTC BC",
                ));
            }
            checked.push(sealed);
        }
        let mut tx = self.pool.begin_with(LOCKING_BEGIN).await.map_err(backend)?;
        let mut appended = Vec::with_capacity(batches.len());
        for (batch, sealed) in batches.iter().zip(checked) {
            // Under the one lock, each batch sees the earlier batches' rows.
            match append_locked(&mut tx, batch.stream, batch.expected, sealed).await {
                Ok(done) => appended.push(done),
                Err(error) => {
                    let _ = tx.rollback().await;
                    return Err(error);
                }
            }
        }
        tx.commit().await.map_err(backend)?;
        Ok(appended)
    }
}

/// The part of an append that runs under the append lock. Every error it
/// returns is followed by an explicit rollback.
async fn append_locked(
    tx: &mut sqlx::PgConnection,
    stream: &StreamId,
    expected: ExpectedVersion,
    batch: Batch<'_>,
) -> bureau_store::Result<Appended> {
    let (actual, last_position, last_hash): (i64, Option<i64>, Option<Vec<u8>>) = sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(version), 0) FROM bureau_events WHERE stream = $1), \
             last.position, last.hash \
             FROM (SELECT 1) AS one LEFT JOIN LATERAL \
             (SELECT position, hash FROM bureau_events ORDER BY position DESC LIMIT 1) AS last \
             ON true",
    )
    .bind(stream.as_str())
    .fetch_one(&mut *tx)
    .await
    .map_err(backend)?;
    let last = last_position.zip(last_hash);
    let actual = Version::new(u64::try_from(actual).unwrap_or(0));
    let (rows, appended) = batch.seal(expected, actual, last)?;
    if rows.is_empty() {
        return Ok(appended);
    }
    let c = Columns::new(&rows)?;
    sqlx::query(INSERT)
        .bind(c.position)
        .bind(c.stream)
        .bind(c.version)
        .bind(c.recorded_at)
        .bind(c.event_type)
        .bind(c.payload)
        .bind(c.causation_id)
        .bind(c.correlation_id)
        .bind(c.actor)
        .bind(c.hash)
        .execute(&mut *tx)
        .await
        .map_err(|error| match &error {
            // Only a unique violation (SQLSTATE 23505) is another writer's
            // event at this version; any other failure that names the
            // constraint (an index row too large, say) is the backend's.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
                bureau_store::Error::conflict(stream.clone(), expected, actual)
            }
            _ => backend(error),
        })?;
    Ok(appended)
}

/// Why NUL characters are refused.
const NUL_REASON: &str = "PostgreSQL text cannot hold the NUL character";

/// The earliest instant `timestamptz` holds, 4714-11-24 00:00:00 UTC BC, in
/// microseconds since 1970 (the latest, in the year 294276, is beyond what
/// `chrono` represents).
const EARLIEST_MICROS: i64 = -210_866_803_200_000_000;

impl EventStore for PgEventStore {
    fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> impl Future<Output = bureau_store::Result<Appended>> + Send {
        self.append_inner(stream, expected, events)
    }

    fn append_streams(
        &self,
        batches: &[StreamBatch<'_>],
    ) -> impl Future<Output = bureau_store::Result<Vec<Appended>>> + Send {
        self.append_streams_inner(batches)
    }

    async fn read_stream_page(
        &self,
        stream: &StreamId,
        from: Version,
        limit: usize,
    ) -> bureau_store::Result<Vec<RecordedEvent>> {
        if stream.as_str().contains('\0') {
            // No such stream can have been stored.
            return Ok(Vec::new());
        }
        let from = row::to_i64(from.get())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<RowTuple> = sqlx::query_as(AssertSqlSafe(format!(
            "{SELECT_COLUMNS} WHERE stream = $1 AND version >= $2 ORDER BY version LIMIT $3"
        )))
        .bind(stream.as_str())
        .bind(from)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(from_tuple).collect()
    }

    async fn read_all(
        &self,
        from: Position,
        limit: usize,
    ) -> bureau_store::Result<Vec<RecordedEvent>> {
        let from = row::to_i64(from.get())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<RowTuple> = sqlx::query_as(AssertSqlSafe(format!(
            "{SELECT_COLUMNS} WHERE position >= $1 ORDER BY position LIMIT $2"
        )))
        .bind(from)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(from_tuple).collect()
    }

    async fn stream_version(&self, stream: &StreamId) -> bureau_store::Result<Version> {
        if stream.as_str().contains('\0') {
            return Ok(Version::INITIAL);
        }
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM bureau_events WHERE stream = $1",
        )
        .bind(stream.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        Ok(Version::new(u64::try_from(version).unwrap_or(0)))
    }
}

/// A snapshot row: version, chain, format, digest, state.
type SnapshotRow = (i64, Vec<u8>, String, Vec<u8>, Vec<u8>);

impl SnapshotStore for PgEventStore {
    async fn save_snapshot(&self, snapshot: &StoredSnapshot) -> bureau_store::Result<()> {
        if snapshot.stream().as_str().contains('\0') || snapshot.format().contains('\0') {
            return Err(bureau_store::Error::unsupported(
                "a snapshot's stream or format".to_owned(),
                "PostgreSQL text cannot hold a NUL character",
            ));
        }
        let version = row::to_i64(snapshot.version().get())?;
        // A later snapshot already kept stays: saving never moves back.
        sqlx::query(
            "INSERT INTO bureau_snapshots (stream, version, chain, format, digest, state) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (stream) DO UPDATE SET version = excluded.version, \
             chain = excluded.chain, format = excluded.format, digest = excluded.digest, \
             state = excluded.state WHERE excluded.version >= bureau_snapshots.version",
        )
        .bind(snapshot.stream().as_str())
        .bind(version)
        .bind(snapshot.chain().as_bytes().as_slice())
        .bind(snapshot.format())
        .bind(snapshot.digest().as_slice())
        .bind(snapshot.state())
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load_snapshot(
        &self,
        stream: &StreamId,
    ) -> bureau_store::Result<Option<StoredSnapshot>> {
        if stream.as_str().contains('\0') {
            return Ok(None);
        }
        let row: Option<SnapshotRow> = sqlx::query_as(
            "SELECT version, chain, format, digest, state FROM bureau_snapshots WHERE stream = $1",
        )
        .bind(stream.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.map(|(version, chain, format, digest, state)| {
            StoredSnapshot::from_columns(
                stream.clone(),
                version,
                &chain,
                format.into_bytes(),
                &digest,
                state,
            )
        }))
    }
}

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
