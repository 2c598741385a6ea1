//! The embedded default storage adapter of bureau: a hash-chained event store
//! on SQLite.
//!
//! # Overview
//!
//! [`SqliteEventStore`] implements [`bureau_store::EventStore`] on one SQLite
//! database file (libsqlite3 is compiled in: nothing to install).
//!
//! - [`SqliteEventStore::open`] creates the file if missing and opens it in
//!   WAL mode with foreign keys on and `synchronous = FULL` (a committed append
//!   survives a crash of the process or of the machine);
//!   [`SqliteEventStore::open_in_memory`] keeps the database in memory;
//!   [`SqliteEventStore::from_pool`] uses the caller's [`SqlitePool`]. Each of
//!   them runs the embedded migrations (tracked in `bureau_store_migrations`).
//! - An append is one `BEGIN IMMEDIATE` transaction: the stream version
//!   check, the read of the previous chain hash, the position allocation and
//!   every insert of the batch happen under SQLite's single write lock, so a
//!   batch is stored whole or not at all, and the chain and the global order
//!   are the same. `UNIQUE (stream, version)` enforces optimistic concurrency
//!   in the database too.
//! - Every value is a bound parameter; stream names, types, payloads and
//!   metadata (NUL characters included) come back verbatim.
//!
//! # Examples
//!
//! ```
//! use bureau_store::{EventStore, ExpectedVersion, NewEvent, StreamId, Version};
//! use bureau_store_sqlite::SqliteEventStore;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let dir = std::env::temp_dir().join(format!("bureau-doc-{}", std::process::id()));
//! let store = SqliteEventStore::open(dir.join("events.db")).await?;
//! let stream = StreamId::new("order-1")?;
//! let placed = NewEvent::new("placed", serde_json::json!({"lines": 3}), chrono::DateTime::UNIX_EPOCH);
//! store.append(&stream, ExpectedVersion::Exact(Version::INITIAL), &[placed]).await?;
//! assert_eq!(store.stream_version(&stream).await?, Version::new(1));
//! assert!(store.verify().await?.is_intact());
//! store.close().await;
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`, `proptest`: forwarded to `bureau-store`.

use std::borrow::Cow;
use std::future::Future;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use bureau_store::row::{self, Batch, RowBytes, SealedRow};
use bureau_store::{
    Appended, EventStore, ExpectedVersion, NewEvent, Position, RecordedEvent, SnapshotStore,
    StoredSnapshot, StreamBatch, StreamId, Version,
};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, SqlSafeStr};

/// The sqlx this adapter is built with: use it to build a pool of the
/// matching version, or to query the event table directly.
pub use sqlx;
pub use sqlx::sqlite::SqlitePool;

/// Why opening the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database could not be opened or created.
    #[error("cannot open sqlite database {path:?}: {source}")]
    Open {
        /// The path (or `:memory:`).
        path: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// SQLite kept another journal mode than WAL (a file system without
    /// shared memory, for example): the store refuses to run without WAL.
    #[error("cannot put sqlite database {path:?} in WAL mode: it stays in {mode:?} mode")]
    JournalMode {
        /// The path.
        path: String,
        /// The journal mode SQLite reported instead.
        mode: String,
    },
    /// The embedded migrations failed.
    #[error("cannot migrate the event schema: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// The result type of this crate's constructors.
pub type Result<T, E = Error> = std::result::Result<T, E>;

const MIGRATIONS_TABLE: &str = "bureau_store_migrations";

/// How long opening keeps retrying while other openers of the same file hold
/// a lock that SQLite will not wait for (the same as the busy timeout).
const OPEN_PATIENCE: Duration = Duration::from_secs(30);

/// Whether `error` is SQLite's "busy" or "locked" (any extended code of
/// either): another connection holds a lock, and trying again later helps.
fn is_busy(error: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i64 = 5;
    const SQLITE_LOCKED: i64 = 6;
    match error {
        sqlx::Error::Database(database) => database
            .code()
            .and_then(|code| code.parse::<i64>().ok())
            .is_some_and(|code| matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED)),
        _ => false,
    }
}

/// Whether a failed migration run may succeed on another attempt: a lock
/// SQLite does not wait for, or another opener recording the same migration
/// first (the schema SQL itself is idempotent).
fn migration_may_succeed_later(error: &sqlx::migrate::MigrateError) -> bool {
    use sqlx::migrate::MigrateError;
    match error {
        MigrateError::Execute(source) | MigrateError::ExecuteMigration(source, _) => {
            is_busy(source)
                || matches!(source, sqlx::Error::Database(database) if database.is_unique_violation())
        }
        _ => false,
    }
}

/// The pause before the next attempt: doubling from 2 ms, at most 100 ms.
fn next_pause(pause: Duration) -> Duration {
    pause.saturating_mul(2).min(Duration::from_millis(100))
}

/// Puts the database file in WAL mode, which it then keeps for every later
/// connection. Switching needs an exclusive lock that SQLite's busy timeout
/// does not wait for, so several processes (or pools) opening a new file at
/// once would see "database is locked"; this retries until [`OPEN_PATIENCE`]
/// runs out.
async fn switch_to_wal(options: &SqliteConnectOptions, shown: &str) -> Result<()> {
    use sqlx::ConnectOptions as _;
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        let attempt = async {
            let mut connection = options.connect().await?;
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
                .fetch_one(&mut connection)
                .await?;
            sqlx::Connection::close(connection).await?;
            Ok::<_, sqlx::Error>(mode)
        }
        .await;
        match attempt {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(mode) => {
                return Err(Error::JournalMode {
                    path: shown.to_owned(),
                    mode,
                });
            }
            Err(error) if is_busy(&error) && started.elapsed() < OPEN_PATIENCE => {}
            Err(source) => {
                return Err(Error::Open {
                    path: shown.to_owned(),
                    source,
                });
            }
        }
        tokio::time::sleep(pause).await;
        pause = next_pause(pause);
    }
}

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
    migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
    migrator
}

/// Text columns are read as their bytes: SQLite does not check that text is
/// UTF-8, and a row holding other bytes must be reported as corrupt, naming
/// its stream and version, not fail the driver's decoding.
const SELECT_COLUMNS: &str = "SELECT position, CAST(stream AS BLOB), version, recorded_at, \
     CAST(event_type AS BLOB), CAST(payload AS BLOB), CAST(causation_id AS BLOB), \
     CAST(correlation_id AS BLOB), CAST(actor AS BLOB), hash FROM bureau_events";

type RowTuple = (
    i64,
    Vec<u8>,
    i64,
    i64,
    Vec<u8>,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Vec<u8>,
);

fn from_tuple(t: RowTuple) -> bureau_store::Result<RecordedEvent> {
    RowBytes {
        position: t.0,
        stream: t.1,
        version: t.2,
        recorded_at_micros: t.3,
        event_type: t.4,
        payload: t.5,
        causation_id: t.6,
        correlation_id: t.7,
        actor: t.8,
        hash: t.9,
    }
    .into_row()?
    .into_recorded()
}

fn backend(error: sqlx::Error) -> bureau_store::Error {
    bureau_store::Error::backend(error)
}

/// The start of an insert into the event table, columns in table order.
const INSERT_PREFIX: &str = "INSERT INTO bureau_events (position, stream, version, recorded_at, \
     event_type, payload, causation_id, correlation_id, actor, hash) ";

/// Rows per multi-row `INSERT` (10 parameters each, far below SQLite's
/// limit of 32,766): one statement per 100 events instead of 100 statements.
const ROWS_PER_INSERT: usize = 100;

/// A hash-chained [`EventStore`] in a SQLite database. Clones share the pool.
///
/// # Examples
///
/// ```
/// use bureau_store::{EventStore, Position};
/// use bureau_store_sqlite::SqliteEventStore;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// let store = SqliteEventStore::open_in_memory().await?;
/// assert!(store.read_all(Position::FIRST, 10).await?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct SqliteEventStore {
    pool: SqlitePool,
}

impl SqliteEventStore {
    /// Opens (creating it if missing) the database file at `path`, in WAL mode
    /// with foreign keys on and `synchronous = FULL`, and runs the migrations.
    ///
    /// # Errors
    ///
    /// [`Error::Open`] when the file cannot be opened or created (a missing
    /// parent directory is created); [`Error::JournalMode`] when SQLite will
    /// not put the file in WAL mode; [`Error::Migrate`]. Other openers of
    /// the same file (in this process or another) holding its lock make this
    /// wait, up to 30 seconds, rather than fail.
    ///
    /// # Examples
    ///
    /// See the [crate] documentation.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::Open {
                path: shown.clone(),
                source: sqlx::Error::Io(e),
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(OPEN_PATIENCE);
        Self::open_with(options, SqlitePoolOptions::new().max_connections(8)).await
    }

    /// Opens the database file of `options` with a pool built by `pool`, both
    /// the caller's (pool size, timeouts, `synchronous`, busy timeout, ...),
    /// and runs the migrations. The file is switched to WAL first: readers
    /// paging by global position while writers append rely on it, so leave
    /// the journal mode of `options` unset (a mode set there would be set
    /// again by every connection). [`open`](Self::open) is this with
    /// `synchronous = FULL`, foreign keys on, a 30 s busy timeout and 8
    /// connections.
    ///
    /// # Errors
    ///
    /// As [`open`](Self::open), except that a missing parent directory is
    /// not created.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store_sqlite::SqliteEventStore;
    /// use bureau_store_sqlite::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteSynchronous};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("open-with-{}.sqlite", std::process::id()));
    /// let options = SqliteConnectOptions::new()
    ///     .filename(&path)
    ///     .create_if_missing(true)
    ///     .synchronous(SqliteSynchronous::Normal);
    /// let store = SqliteEventStore::open_with(options, SqlitePoolOptions::new().max_connections(2)).await?;
    /// assert!(store.pool().options().get_max_connections() == 2);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn open_with(options: SqliteConnectOptions, pool: SqlitePoolOptions) -> Result<Self> {
        let shown = options.get_filename().display().to_string();
        // The file is switched to WAL once, first, and keeps it: a
        // journal-mode pragma on every pool connection would need the
        // exclusive lock each time, which openers racing on a new file
        // cannot all get.
        switch_to_wal(&options, &shown).await?;
        let pool = pool
            .connect_with(options)
            .await
            .map_err(|source| Error::Open {
                path: shown,
                source,
            })?;
        Self::from_pool(pool).await
    }

    /// Opens a database that lives in memory for as long as the store (or a
    /// clone of it) does, and runs the migrations.
    ///
    /// # Errors
    ///
    /// [`Error::Open`]; [`Error::Migrate`].
    ///
    /// # Examples
    ///
    /// See [`SqliteEventStore`].
    pub async fn open_in_memory() -> Result<Self> {
        let open_error = |source| Error::Open {
            path: ":memory:".to_owned(),
            source,
        };
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(open_error)?
            .foreign_keys(true);
        // One connection that never closes: an in-memory database lives and
        // dies with its connection.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        Self::from_pool(pool).await
    }

    /// Uses the caller's pool as it is and runs the migrations on it. The
    /// pool's connect options decide journal mode, foreign keys and
    /// durability: a pool's connections are already open, and `synchronous`
    /// is a setting of each connection, so this cannot change them. For a
    /// file, prefer [`open_with`](Self::open_with), which keeps the caller's
    /// options and makes sure of WAL; [`open`](Self::open) says what this
    /// crate chooses.
    ///
    /// # Errors
    ///
    /// [`Error::Migrate`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store_sqlite::{SqliteEventStore, SqlitePool};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// let pool = SqlitePool::connect("sqlite::memory:").await?;
    /// let store = SqliteEventStore::from_pool(pool).await?;
    /// assert_eq!(store.pool().size(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn from_pool(pool: SqlitePool) -> Result<Self> {
        // Two processes opening a new file at once both see the migration as
        // pending; the loser fails recording it (the schema SQL itself is
        // idempotent) or meets a lock SQLite does not wait for, and on a
        // later attempt finds the migration applied.
        let migrator = migrator();
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            match migrator.run(&pool).await {
                Ok(()) => return Ok(Self { pool }),
                Err(error)
                    if migration_may_succeed_later(&error) && started.elapsed() < OPEN_PATIENCE => {
                }
                Err(error) => return Err(Error::Migrate(error)),
            }
            tokio::time::sleep(pause).await;
            pause = next_pause(pause);
        }
    }

    /// The pool underneath.
    ///
    /// # Examples
    ///
    /// See [`from_pool`](Self::from_pool).
    #[must_use]
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, waiting for those in use.
    ///
    /// # Examples
    ///
    /// See the [crate] documentation.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn append_inner(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> std::result::Result<Appended, bureau_store::Error> {
        // Checked and encoded before the write lock is taken.
        let batch = Batch::new(stream, events)?;
        // IMMEDIATE takes the write lock now, before the reads below, so the
        // version check, the previous hash and the new positions cannot be
        // interleaved with another writer's.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(backend)?;
        match append_locked(&mut tx, stream, expected, batch).await {
            Ok(appended) => {
                tx.commit().await.map_err(backend)?;
                Ok(appended)
            }
            Err(error) => {
                // Roll back now rather than when the connection is next
                // used: this releases the append lock for the next writer.
                tx.rollback().await.map_err(backend)?;
                Err(error)
            }
        }
    }

    async fn append_streams_inner(
        &self,
        batches: &[StreamBatch<'_>],
    ) -> std::result::Result<Vec<Appended>, bureau_store::Error> {
        let checked = batches
            .iter()
            .map(|b| Batch::new(b.stream, b.events))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if checked.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(backend)?;
        match append_batches_locked(&mut tx, batches, checked).await {
            Ok(appended) => {
                tx.commit().await.map_err(backend)?;
                Ok(appended)
            }
            Err(error) => {
                tx.rollback().await.map_err(backend)?;
                Err(error)
            }
        }
    }
}

/// How many streams one version query names (SQLite binds up to 32766
/// parameters a statement).
const STREAMS_PER_QUERY: usize = 500;

/// Several streams' batches under one write lock, in as few statements as
/// the driver allows: one for the chain's head, one per 500 streams for
/// their versions, one per [`ROWS_PER_INSERT`] rows whatever their stream.
/// Each batch is sealed after the ones before it, as separate appends
/// would be. The caller commits or rolls back.
async fn append_batches_locked(
    tx: &mut sqlx::SqliteConnection,
    batches: &[StreamBatch<'_>],
    checked: Vec<Batch<'_>>,
) -> std::result::Result<Vec<Appended>, bureau_store::Error> {
    let (last_position, last_hash): (Option<i64>, Option<Vec<u8>>) = sqlx::query_as(
        "SELECT last.position, last.hash FROM (SELECT 1) AS one LEFT JOIN \
         (SELECT position, hash FROM bureau_events ORDER BY position DESC LIMIT 1) AS last",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(backend)?;
    let mut last = last_position.zip(last_hash);
    let mut names: Vec<&str> = batches.iter().map(|b| b.stream.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut versions: std::collections::HashMap<String, Version> =
        std::collections::HashMap::with_capacity(names.len());
    for chunk in names.chunks(STREAMS_PER_QUERY) {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT stream, MAX(version) FROM bureau_events WHERE stream IN (",
        );
        let mut separated = query.separated(", ");
        for name in chunk {
            separated.push_bind(*name);
        }
        query.push(") GROUP BY stream");
        let found: Vec<(String, i64)> = query
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        for (name, version) in found {
            versions.insert(name, Version::new(u64::try_from(version).unwrap_or(0)));
        }
    }
    let mut appended = Vec::with_capacity(batches.len());
    let mut rows: Vec<(SealedRow<'_>, usize)> = Vec::new();
    for (index, (batch, sealed)) in batches.iter().zip(checked).enumerate() {
        let actual = versions
            .get(batch.stream.as_str())
            .copied()
            .unwrap_or(Version::INITIAL);
        let (sealed_rows, done) = sealed.seal(batch.expected, actual, last.clone())?;
        if let Some(row) = sealed_rows.last() {
            last = Some((row.position, row.hash.as_bytes().to_vec()));
        }
        versions.insert(batch.stream.as_str().to_owned(), done.version());
        rows.extend(sealed_rows.into_iter().map(|row| (row, index)));
        appended.push(done);
    }
    insert_rows(tx, rows).await.map_err(|(error, index)| {
        match (&error, batches.get(index)) {
            // Under the write lock no other writer interleaves: a
            // duplicate version is the batch's own stream at a version it
            // did not expect.
            (sqlx::Error::Database(db), Some(batch)) if db.is_unique_violation() => {
                bureau_store::Error::conflict(
                    batch.stream.clone(),
                    batch.expected,
                    Version::INITIAL,
                )
            }
            _ => backend(error),
        }
    })?;
    Ok(appended)
}

/// Inserts sealed rows, [`ROWS_PER_INSERT`] to a statement. Each row comes
/// with the index of its batch; a failed statement gives the index of its
/// first row's batch with the error.
async fn insert_rows(
    tx: &mut sqlx::SqliteConnection,
    rows: Vec<(SealedRow<'_>, usize)>,
) -> std::result::Result<(), (sqlx::Error, usize)> {
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<(SealedRow<'_>, usize)> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        let Some(&(_, first_batch)) = chunk.first() else {
            return Ok(());
        };
        let mut insert = sqlx::QueryBuilder::new(INSERT_PREFIX);
        insert.push_values(chunk, |mut values, (row, _)| {
            values
                .push_bind(row.position)
                .push_bind(row.stream)
                .push_bind(row.version)
                .push_bind(row.recorded_at_micros)
                .push_bind(row.event_type)
                .push_bind(row.payload)
                .push_bind(row.causation_id)
                .push_bind(row.correlation_id)
                .push_bind(row.actor)
                .push_bind(row.hash.as_bytes().to_vec());
        });
        insert
            .build()
            .execute(&mut *tx)
            .await
            .map_err(|error| (error, first_batch))?;
    }
}

/// The part of an append that runs under the write lock: the version
/// check, the chain link and the inserts. The caller commits or rolls back.
async fn append_locked(
    tx: &mut sqlx::SqliteConnection,
    stream: &StreamId,
    expected: ExpectedVersion,
    batch: Batch<'_>,
) -> std::result::Result<Appended, bureau_store::Error> {
    // One statement for the stream's version and the chain's head: each
    // statement is a round trip to the driver's worker thread, which
    // costs more than the reads themselves.
    let (actual, last_position, last_hash): (i64, Option<i64>, Option<Vec<u8>>) = sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(version), 0) FROM bureau_events WHERE stream = ?1), \
             last.position, last.hash \
             FROM (SELECT 1) AS one LEFT JOIN \
             (SELECT position, hash FROM bureau_events ORDER BY position DESC LIMIT 1) AS last",
    )
    .bind(stream.as_str())
    .fetch_one(&mut *tx)
    .await
    .map_err(backend)?;
    let last = last_position.zip(last_hash);
    let actual = Version::new(u64::try_from(actual).unwrap_or(0));
    let (rows, appended) = batch.seal(expected, actual, last)?;
    insert_rows(tx, rows.into_iter().map(|row| (row, 0)).collect())
        .await
        .map_err(|(error, _)| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                bureau_store::Error::conflict(stream.clone(), expected, actual)
            }
            _ => backend(error),
        })?;
    Ok(appended)
}

impl EventStore for SqliteEventStore {
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
        let from = row::to_i64(from.get())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<RowTuple> = sqlx::query_as(AssertSqlSafe(format!(
            "{SELECT_COLUMNS} WHERE stream = ? AND version >= ? ORDER BY version LIMIT ?"
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
            "{SELECT_COLUMNS} WHERE position >= ? ORDER BY position LIMIT ?"
        )))
        .bind(from)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter().map(from_tuple).collect()
    }

    async fn stream_version(&self, stream: &StreamId) -> bureau_store::Result<Version> {
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM bureau_events WHERE stream = ?",
        )
        .bind(stream.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        Ok(Version::new(u64::try_from(version).unwrap_or(0)))
    }
}

/// A snapshot row: version, chain, format (as bytes), digest, state.
type SnapshotRow = (i64, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

impl SnapshotStore for SqliteEventStore {
    async fn save_snapshot(&self, snapshot: &StoredSnapshot) -> bureau_store::Result<()> {
        let version = row::to_i64(snapshot.version().get())?;
        // A later snapshot already kept stays: saving never moves back.
        sqlx::query(
            "INSERT INTO bureau_snapshots (stream, version, chain, format, digest, state) \
             VALUES (?, ?, ?, ?, ?, ?) \
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
        let row: Option<SnapshotRow> = sqlx::query_as(
            "SELECT version, chain, CAST(format AS BLOB), digest, state \
             FROM bureau_snapshots WHERE stream = ?",
        )
        .bind(stream.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.map(|(version, chain, format, digest, state)| {
            StoredSnapshot::from_columns(stream.clone(), version, &chain, format, &digest, state)
        }))
    }
}

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
