//! An event store chosen at run time: [`AnyStore`] and its [`ConnectError`].

use bureau_store::{
    Appended, Checkpoint, EventStore, ExpectedVersion, InMemoryStore, NewEvent, Position,
    RecordedEvent, Result, SnapshotStore, StoredSnapshot, StreamId, Verification, Version,
};

/// An event store chosen at run time among the adapters this build enables.
///
/// [`EventStore`] returns `impl Future`, so it cannot be a trait object; a
/// program that picks its database from its configuration holds an `AnyStore`
/// instead. Every method of [`EventStore`] forwards to the adapter inside, so
/// an `AnyStore` gives exactly that adapter's guarantees.
///
/// Which variants exist depends on the features of `bureau`: `Memory` always
/// (with `store`), `Sqlite` with `sqlite`, `Postgres` with `postgres`. The
/// enum is `#[non_exhaustive]` because turning a feature on adds a variant.
///
/// Build one from a URL with [`AnyStore::connect`], or wrap a store you set up
/// yourself (your own pool, for example) with `From`.
///
/// # Examples
///
/// ```
/// use bureau::store::{AnyStore, EventStore, ExpectedVersion, NewEvent, StreamId, Version};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// let url = std::env::var("EVENTS_URL").unwrap_or_else(|_| "sqlite::memory:".to_owned());
/// let store = AnyStore::connect(&url).await?;
/// let stream = StreamId::new("order-1")?;
/// let placed = NewEvent::new("placed", serde_json::json!({"lines": 3}), chrono::DateTime::UNIX_EPOCH);
/// store.append(&stream, ExpectedVersion::Exact(Version::INITIAL), &[placed]).await?;
/// assert_eq!(store.stream_version(&stream).await?, Version::new(1));
/// assert!(store.verify().await?.is_intact());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum AnyStore {
    /// The in-memory adapter ([`InMemoryStore`]).
    Memory(InMemoryStore),
    /// The SQLite adapter ([`SqliteEventStore`](bureau_store_sqlite::SqliteEventStore)).
    #[cfg(feature = "sqlite")]
    Sqlite(bureau_store_sqlite::SqliteEventStore),
    /// The PostgreSQL adapter ([`PgEventStore`](bureau_store_postgres::PgEventStore)).
    #[cfg(feature = "postgres")]
    Postgres(bureau_store_postgres::PgEventStore),
}

/// Why [`AnyStore::connect`] failed.
///
/// No message repeats a password or the options of a URL: a URL shown in a
/// message keeps its scheme, user, host, port and path only.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The URL does not start with a scheme (`sqlite:`, `postgres:`, ...).
    #[error(
        "database url has no scheme: expected sqlite://path, sqlite::memory:, postgres://... or memory:"
    )]
    MissingScheme,
    /// The URL's scheme names no adapter of bureau.
    #[error(
        "unknown database url scheme {scheme:?}: expected sqlite, postgres, postgresql or memory"
    )]
    UnknownScheme {
        /// The scheme as written.
        scheme: String,
    },
    /// The URL's scheme names an adapter whose feature this build leaves off.
    #[error(
        "database url scheme {scheme:?} needs the {feature:?} feature of bureau, which is off in this build"
    )]
    FeatureDisabled {
        /// The scheme as written.
        scheme: String,
        /// The feature of `bureau` to turn on.
        feature: &'static str,
    },
    /// The URL has a known scheme but cannot be used as written.
    #[error("database url {url:?} is not usable: {reason}")]
    InvalidUrl {
        /// The URL without password and options.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The SQLite database could not be opened.
    #[cfg(feature = "sqlite")]
    #[error(transparent)]
    Sqlite(#[from] bureau_store_sqlite::Error),
    /// The PostgreSQL server could not be reached or refused the connection.
    #[cfg(feature = "postgres")]
    #[error("cannot connect to postgresql at {url:?}: {source}")]
    PostgresConnect {
        /// The URL without password and options.
        url: String,
        /// The driver's error.
        #[source]
        source: bureau_store_postgres::sqlx::Error,
    },
    /// The PostgreSQL store could not be set up (its migrations failed).
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    Postgres(#[from] bureau_store_postgres::Error),
}

/// What a URL asks for, whatever this build enables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target<'a> {
    Memory,
    SqliteMemory,
    SqliteFile(&'a str),
    Postgres,
}

impl<'a> Target<'a> {
    /// Reads the scheme and, for SQLite, the path. The schemes of every
    /// adapter are recognised here, enabled or not, so that a disabled one is
    /// reported as such rather than as unknown.
    fn parse(url: &'a str) -> Result<Self, ConnectError> {
        let (scheme, rest) = url.split_once(':').ok_or(ConnectError::MissingScheme)?;
        let valid = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid {
            return Err(ConnectError::MissingScheme);
        }
        let invalid = |reason| ConnectError::InvalidUrl {
            url: redacted(url),
            reason,
        };
        let target = match scheme.to_ascii_lowercase().as_str() {
            "memory" if rest.is_empty() || rest == "//" => Self::Memory,
            "memory" => return Err(invalid("an in-memory store takes no path")),
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                match path {
                    ":memory:" => Self::SqliteMemory,
                    "" => return Err(invalid("the path of the database file is empty")),
                    _ if path.contains('?') => {
                        return Err(invalid(
                            "options after '?' are not read for sqlite; \
                             open the store from your own pool to set them",
                        ));
                    }
                    _ => Self::SqliteFile(path),
                }
            }
            "postgres" | "postgresql" => Self::Postgres,
            _ => {
                return Err(ConnectError::UnknownScheme {
                    scheme: scheme.to_owned(),
                });
            }
        };
        Ok(target)
    }
}

/// The error for a URL whose adapter's feature is off.
#[cfg(not(all(feature = "sqlite", feature = "postgres")))]
fn disabled(url: &str, feature: &'static str) -> ConnectError {
    let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
    ConnectError::FeatureDisabled {
        scheme: scheme.to_owned(),
        feature,
    }
}

/// `url` with its password, query and fragment left out: what an error
/// message may show.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url
            .split_once(':')
            .map_or_else(String::new, |(scheme, _)| format!("{scheme}:"));
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{user}@{host}")
        }
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}{path}")
}

impl AnyStore {
    /// Opens the store that `url` names:
    ///
    /// - `sqlite://path` (or `sqlite:path`): the SQLite database file at
    ///   `path`, created if missing, as
    ///   [`SqliteEventStore::open`](bureau_store_sqlite::SqliteEventStore::open)
    ///   opens it; `sqlite:///abs/path` is an absolute path. The path is used as
    ///   written (no percent-decoding, no options after `?`);
    /// - `sqlite::memory:` (or `sqlite://:memory:`): a SQLite database in memory;
    /// - `postgres://...` or `postgresql://...`: a pool of default size on
    ///   that server, given to
    ///   [`PgEventStore::from_pool`](bureau_store_postgres::PgEventStore::from_pool);
    ///   the URL is read by sqlx (`?sslmode=`, `?options=` and the like work);
    /// - `memory:`: a fresh [`InMemoryStore`].
    ///
    /// Schemes are case-insensitive. Each adapter's migrations run on connect.
    /// To choose pool sizes or connect options, build the adapter yourself and
    /// wrap it with `AnyStore::from`.
    ///
    /// # Errors
    ///
    /// [`ConnectError::MissingScheme`] or [`ConnectError::UnknownScheme`] for
    /// a URL that names no adapter; [`ConnectError::FeatureDisabled`] naming
    /// the feature to turn on for an adapter this build leaves off;
    /// [`ConnectError::InvalidUrl`] for an empty SQLite path or SQLite options;
    /// [`ConnectError::Sqlite`], [`ConnectError::PostgresConnect`] and
    /// [`ConnectError::Postgres`] when the database cannot be opened or set up.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau::store::{AnyStore, ConnectError};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// let dir = std::env::temp_dir().join(format!("bureau-any-{}", std::process::id()));
    /// let url = format!("sqlite://{}", dir.join("events.db").display());
    /// let store = AnyStore::connect(&url).await?;
    /// assert!(matches!(store, AnyStore::Sqlite(_)));
    /// assert!(matches!(AnyStore::connect("memory:").await?, AnyStore::Memory(_)));
    ///
    /// // A scheme that names no adapter is a typed error; no password is repeated.
    /// let error = AnyStore::connect("mysql://app:hunter2@db.internal/books").await.unwrap_err();
    /// assert!(matches!(error, ConnectError::UnknownScheme { .. }));
    /// assert!(error.to_string().contains("\"mysql\""));
    /// assert!(!error.to_string().contains("hunter2"));
    /// # if let AnyStore::Sqlite(store) = store { store.close().await; }
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        match Target::parse(url)? {
            Target::Memory => Ok(Self::Memory(InMemoryStore::new())),
            #[cfg(feature = "sqlite")]
            Target::SqliteMemory => Ok(bureau_store_sqlite::SqliteEventStore::open_in_memory()
                .await?
                .into()),
            #[cfg(feature = "sqlite")]
            Target::SqliteFile(path) => Ok(bureau_store_sqlite::SqliteEventStore::open(path)
                .await?
                .into()),
            #[cfg(not(feature = "sqlite"))]
            Target::SqliteMemory | Target::SqliteFile(_) => Err(disabled(url, "sqlite")),
            #[cfg(feature = "postgres")]
            Target::Postgres => {
                let pool = bureau_store_postgres::PgPool::connect(url)
                    .await
                    .map_err(|source| ConnectError::PostgresConnect {
                        url: redacted(url),
                        source,
                    })?;
                Ok(bureau_store_postgres::PgEventStore::from_pool(pool)
                    .await?
                    .into())
            }
            #[cfg(not(feature = "postgres"))]
            Target::Postgres => Err(disabled(url, "postgres")),
        }
    }
}

impl From<InMemoryStore> for AnyStore {
    fn from(store: InMemoryStore) -> Self {
        Self::Memory(store)
    }
}

#[cfg(feature = "sqlite")]
impl From<bureau_store_sqlite::SqliteEventStore> for AnyStore {
    fn from(store: bureau_store_sqlite::SqliteEventStore) -> Self {
        Self::Sqlite(store)
    }
}

#[cfg(feature = "postgres")]
impl From<bureau_store_postgres::PgEventStore> for AnyStore {
    fn from(store: bureau_store_postgres::PgEventStore) -> Self {
        Self::Postgres(store)
    }
}

/// Calls the same expression on whichever adapter `$store` holds.
macro_rules! forward {
    ($store:expr, $inner:ident => $call:expr) => {
        match $store {
            AnyStore::Memory($inner) => $call,
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite($inner) => $call,
            #[cfg(feature = "postgres")]
            AnyStore::Postgres($inner) => $call,
        }
    };
}

impl EventStore for AnyStore {
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended> {
        forward!(self, store => store.append(stream, expected, events).await)
    }

    async fn append_streams(
        &self,
        batches: &[bureau_store::StreamBatch<'_>],
    ) -> Result<Vec<Appended>> {
        forward!(self, store => store.append_streams(batches).await)
    }

    async fn read_stream_page(
        &self,
        stream: &StreamId,
        from: Version,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>> {
        forward!(self, store => store.read_stream_page(stream, from, limit).await)
    }

    async fn read_stream(&self, stream: &StreamId, from: Version) -> Result<Vec<RecordedEvent>>
    where
        Self: Sized,
    {
        forward!(self, store => store.read_stream(stream, from).await)
    }

    async fn read_all(&self, from: Position, limit: usize) -> Result<Vec<RecordedEvent>> {
        forward!(self, store => store.read_all(from, limit).await)
    }

    async fn stream_version(&self, stream: &StreamId) -> Result<Version> {
        forward!(self, store => store.stream_version(stream).await)
    }

    // Forwarded too, so that an adapter that overrides them keeps its own.
    async fn verify(&self) -> Result<Verification>
    where
        Self: Sized,
    {
        forward!(self, store => store.verify().await)
    }

    async fn verify_against(&self, checkpoint: &Checkpoint) -> Result<Verification>
    where
        Self: Sized,
    {
        forward!(self, store => store.verify_against(checkpoint).await)
    }
}

impl SnapshotStore for AnyStore {
    async fn save_snapshot(&self, snapshot: &StoredSnapshot) -> Result<()> {
        forward!(self, store => store.save_snapshot(snapshot).await)
    }

    async fn load_snapshot(&self, stream: &StreamId) -> Result<Option<StoredSnapshot>> {
        forward!(self, store => store.load_snapshot(stream).await)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    #[test]
    fn urls_name_their_adapter() {
        let cases = [
            ("memory:", Target::Memory),
            ("MEMORY://", Target::Memory),
            ("sqlite::memory:", Target::SqliteMemory),
            ("sqlite://:memory:", Target::SqliteMemory),
            (
                "sqlite://data/events.db",
                Target::SqliteFile("data/events.db"),
            ),
            (
                "sqlite:///var/lib/events.db",
                Target::SqliteFile("/var/lib/events.db"),
            ),
            ("sqlite:events.db", Target::SqliteFile("events.db")),
            ("Sqlite://e.db", Target::SqliteFile("e.db")),
            ("postgres://u:p@localhost/db", Target::Postgres),
            (
                "postgresql://localhost:5433/db?sslmode=require",
                Target::Postgres,
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(Target::parse(url).unwrap(), expected, "{url}");
        }
    }

    #[test]
    fn urls_that_name_no_adapter_are_typed_errors() {
        let error = |url| Target::parse(url).unwrap_err();
        assert!(matches!(error("events.db"), ConnectError::MissingScheme));
        assert!(matches!(error(""), ConnectError::MissingScheme));
        assert!(matches!(error("1db:x"), ConnectError::MissingScheme));
        assert!(matches!(
            error("mysql://root:hunter2@db/app"),
            ConnectError::UnknownScheme { scheme } if scheme == "mysql"
        ));
        assert!(matches!(
            error("sqlite://"),
            ConnectError::InvalidUrl { .. }
        ));
        assert!(matches!(
            error("memory:books"),
            ConnectError::InvalidUrl { .. }
        ));
        let options = error("sqlite://e.db?mode=ro").to_string();
        assert!(options.contains("\"sqlite://e.db\""), "{options}");
    }

    #[test]
    fn shown_urls_keep_no_password_and_no_options() {
        let cases = [
            (
                "postgres://app:s3cr%40t@db.internal:5432/books?password=x#f",
                "postgres://app@db.internal:5432/books",
            ),
            ("postgres://a:b:c@@host/db", "postgres://a@host/db"),
            ("postgresql://host/db", "postgresql://host/db"),
            ("postgres:whatever:secret", "postgres:"),
            ("sqlite://dir/e.db?key=1", "sqlite://dir/e.db"),
        ];
        for (url, shown) in cases {
            assert_eq!(redacted(url), shown, "{url}");
        }
    }
}
