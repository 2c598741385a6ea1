//! Snapshots: an aggregate's state saved with the stream version and chain
//! hash it was taken at, so that a long stream loads from the snapshot and
//! the events after it.
//!
//! A snapshot is a cache, never the record. [`Repository::load_from_snapshot`]
//! uses one only while all of these hold, and otherwise folds the whole
//! stream and says why it did ([`SnapshotUse::Ignored`]):
//!
//! - it was written in the aggregate's current
//!   [`Snapshot::FORMAT`];
//! - its bytes still have the SHA-256 digest stored with them (a row cut short
//!   or altered by accident is not decoded);
//! - the stream still holds its version, and the event there still carries
//!   the chain hash recorded with the snapshot (a stream cut short, or
//!   rewritten from that event on, does not match);
//! - the aggregate decodes the bytes.
//!
//! The digest and the chain hash are not secrets: whoever can rewrite the
//! tables can recompute both, as for the chain itself. [`verify`](crate::verify)
//! and [`verify_against`](crate::verify_against) a kept checkpoint find such
//! rewrites; the snapshot only avoids folding what the chain says is
//! unchanged.

use core::fmt;
use std::num::NonZeroU64;

use bureau_core::{DomainEvent, Snapshot};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::chain::ChainHash;
use crate::error::Result;
use crate::event::{StreamId, Version};
use crate::port::EventStore;
use crate::repository::{Loaded, Repository};

/// An aggregate's state as stored: the stream and version it was taken at,
/// the chain hash of the event at that version, the encoding's name and the
/// bytes with their digest.
///
/// # Examples
///
/// ```
/// use bureau_store::{ChainHash, StoredSnapshot, StreamId, Version};
///
/// let snapshot = StoredSnapshot::new(
///     StreamId::new("ledger-1")?,
///     Version::new(10),
///     ChainHash::from_bytes([7; 32]),
///     "tally/1",
///     vec![1, 2, 3],
/// );
/// assert!(snapshot.digest_matches());
/// assert_eq!(snapshot.state(), &[1, 2, 3]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSnapshot {
    stream: StreamId,
    version: Version,
    chain: ChainHash,
    format: String,
    digest: [u8; 32],
    state: Vec<u8>,
}

impl StoredSnapshot {
    /// A snapshot of `stream` at `version`, whose event there carries
    /// `chain`; its digest is computed here.
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub fn new(
        stream: StreamId,
        version: Version,
        chain: ChainHash,
        format: impl Into<String>,
        state: Vec<u8>,
    ) -> Self {
        let format = format.into();
        let digest = digest_of(&chain, &format, &state);
        Self::from_parts(stream, version, chain, format, digest, state)
    }

    /// A snapshot as an adapter read it back, digest included (checked by
    /// [`digest_matches`](Self::digest_matches), not here).
    ///
    /// ```
    /// use bureau_store::{ChainHash, StoredSnapshot, StreamId, Version};
    ///
    /// let read = StoredSnapshot::from_parts(
    ///     StreamId::new("s")?, Version::new(1), ChainHash::from_bytes([0; 32]), "f/1".into(), [0; 32], vec![9],
    /// );
    /// assert!(!read.digest_matches());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn from_parts(
        stream: StreamId,
        version: Version,
        chain: ChainHash,
        format: String,
        digest: [u8; 32],
        state: Vec<u8>,
    ) -> Self {
        Self {
            stream,
            version,
            chain,
            format,
            digest,
            state,
        }
    }

    /// A snapshot from the columns an adapter stored it in, as read back. A
    /// damaged row (a hash of another length, a format that is not UTF-8, a
    /// negative version) still gives a snapshot, one whose digest does not
    /// match: the repository then folds the stream instead, and a damaged
    /// snapshot never fails a load.
    ///
    /// ```
    /// use bureau_store::{StoredSnapshot, StreamId};
    ///
    /// let damaged = StoredSnapshot::from_columns(StreamId::new("s")?, 3, &[1, 2], b"f/1".to_vec(), &[0; 32], vec![]);
    /// assert!(!damaged.digest_matches());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn from_columns(
        stream: StreamId,
        version: i64,
        chain: &[u8],
        format: Vec<u8>,
        digest: &[u8],
        state: Vec<u8>,
    ) -> Self {
        let chain = <[u8; 32]>::try_from(chain).ok();
        let digest = <[u8; 32]>::try_from(digest).ok();
        let format = String::from_utf8(format).ok();
        let version = u64::try_from(version).ok();
        match (chain, digest, format, version) {
            (Some(chain), Some(digest), Some(format), Some(version)) => Self::from_parts(
                stream,
                Version::new(version),
                ChainHash::from_bytes(chain),
                format,
                digest,
                state,
            ),
            // A digest of all zeros: no SHA-256 output is known to be zero.
            _ => Self::from_parts(
                stream,
                Version::INITIAL,
                ChainHash::from_bytes([0; 32]),
                String::new(),
                [0; 32],
                state,
            ),
        }
    }

    /// The stream.
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The version of the last event the state includes.
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub const fn version(&self) -> Version {
        self.version
    }

    /// The chain hash of the event at [`version`](Self::version).
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub const fn chain(&self) -> ChainHash {
        self.chain
    }

    /// The name of the encoding.
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub fn format(&self) -> &str {
        &self.format
    }

    /// The SHA-256 of the chain hash, the format (length-prefixed) and the
    /// state bytes.
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub const fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The state bytes.
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub fn state(&self) -> &[u8] {
        &self.state
    }

    /// Whether the stored digest is that of the chain hash, format and state.
    ///
    /// See [`StoredSnapshot`].
    #[must_use]
    pub fn digest_matches(&self) -> bool {
        digest_of(&self.chain, &self.format, &self.state) == self.digest
    }
}

impl fmt::Debug for StoredSnapshot {
    // The state can be megabytes: its length, not its bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSnapshot")
            .field("stream", &self.stream)
            .field("version", &self.version)
            .field("chain", &self.chain)
            .field("format", &self.format)
            .field("state_len", &self.state.len())
            .finish_non_exhaustive()
    }
}

fn digest_of(chain: &ChainHash, format: &str, state: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"bureau-store/snapshot/v1");
    hasher.update(chain.as_bytes());
    hasher.update((format.len() as u64).to_be_bytes());
    hasher.update(format.as_bytes());
    hasher.update(state);
    hasher.finalize().into()
}

/// An event store that also keeps the latest snapshot of each stream, in a
/// table of its own.
///
/// # Examples
///
/// ```
/// use bureau_store::{ChainHash, InMemoryStore, SnapshotStore, StoredSnapshot, StreamId, Version};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = InMemoryStore::new();
/// let stream = StreamId::new("ledger-1")?;
/// let snapshot = StoredSnapshot::new(stream.clone(), Version::new(3), ChainHash::from_bytes([1; 32]), "f/1", vec![42]);
/// store.save_snapshot(&snapshot).await?;
/// assert_eq!(store.load_snapshot(&stream).await?, Some(snapshot));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait SnapshotStore: EventStore {
    /// Keeps `snapshot` as its stream's snapshot, replacing an older one
    /// (one of a later version is kept instead: saving never moves a
    /// stream's snapshot back).
    ///
    /// # Errors
    ///
    /// Backend failures.
    fn save_snapshot(&self, snapshot: &StoredSnapshot) -> impl Future<Output = Result<()>> + Send;

    /// The stream's snapshot, if one was saved. A damaged row comes back as
    /// a snapshot whose digest does not match (see
    /// [`StoredSnapshot::from_columns`]), not as an error.
    ///
    /// # Errors
    ///
    /// Backend failures.
    fn load_snapshot(
        &self,
        stream: &StreamId,
    ) -> impl Future<Output = Result<Option<StoredSnapshot>>> + Send;
}

/// When [`Repository::execute_with_snapshots`] saves a snapshot: each time
/// the stream's version reaches a multiple of the interval.
///
/// # Examples
///
/// ```
/// use std::num::NonZeroU64;
/// use bureau_store::{SnapshotPolicy, Version};
///
/// let policy = SnapshotPolicy::every(NonZeroU64::new(100).ok_or("zero")?);
/// assert!(policy.is_due(Version::new(99), Version::new(101)));
/// assert!(!policy.is_due(Version::new(101), Version::new(150)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SnapshotPolicy {
    interval: NonZeroU64,
}

impl SnapshotPolicy {
    /// A snapshot every `interval` events.
    ///
    /// See [`SnapshotPolicy`].
    #[must_use]
    pub const fn every(interval: NonZeroU64) -> Self {
        Self { interval }
    }

    /// The interval.
    ///
    /// See [`SnapshotPolicy`].
    #[must_use]
    pub const fn interval(&self) -> NonZeroU64 {
        self.interval
    }

    /// Whether going from version `before` to `after` passes a multiple of
    /// the interval.
    ///
    /// See [`SnapshotPolicy`].
    #[must_use]
    pub const fn is_due(&self, before: Version, after: Version) -> bool {
        let interval = self.interval.get();
        after.get() / interval > before.get() / interval
    }
}

/// Whether a load used the stream's snapshot.
///
/// # Examples
///
/// See [`Repository::load_from_snapshot`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotUse {
    /// The stream has no snapshot: every event was folded.
    None,
    /// The state came from the snapshot at this version, then the events
    /// after it.
    Used {
        /// The snapshot's version.
        version: Version,
    },
    /// The snapshot was not trusted and every event was folded instead.
    Ignored {
        /// The snapshot's version.
        version: Version,
        /// Why it was not used.
        reason: SnapshotRejection,
    },
}

/// Why a snapshot was not used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotRejection {
    /// Written in another encoding than the aggregate's.
    #[error("the snapshot is in format {found:?}, the aggregate reads {expected:?}")]
    Format {
        /// The snapshot's format.
        found: String,
        /// The aggregate's.
        expected: &'static str,
    },
    /// Its bytes do not have the digest stored with them.
    #[error("the snapshot's bytes do not match their digest")]
    Digest,
    /// The stream no longer holds the snapshot's version.
    #[error("the stream ends before the snapshot's version")]
    Missing,
    /// The event at the snapshot's version carries another chain hash.
    #[error(
        "the event at the snapshot's version has chain hash {found}, the snapshot recorded {recorded}"
    )]
    Chain {
        /// The hash the snapshot recorded.
        recorded: ChainHash,
        /// The hash the stream's event carries.
        found: ChainHash,
    },
    /// The aggregate could not decode the bytes.
    #[error("the snapshot does not decode: {reason}")]
    Decode {
        /// The aggregate's message.
        reason: String,
    },
}

impl<S: SnapshotStore> Repository<S> {
    /// Loads the aggregate of `stream` from its snapshot and the events after
    /// it, or, when the stream has no snapshot or its snapshot is not to be
    /// trusted (see the [module docs](crate::snapshot)), from all its events;
    /// the second value says which.
    ///
    /// # Errors
    ///
    /// As [`Repository::load`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::num::NonZeroU64;
    /// use bureau_core::{Aggregate, DomainEvent, Snapshot};
    /// use bureau_store::{EventContext, InMemoryStore, Repository, SnapshotPolicy, SnapshotUse, StreamId, Version};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Debug, Default)]
    /// struct Tally(u64);
    /// #[derive(Debug, Serialize, Deserialize)]
    /// struct Counted;
    /// impl DomainEvent for Counted {
    ///     fn event_type(&self) -> &'static str { "counted" }
    /// }
    /// impl Aggregate for Tally {
    ///     type Command = ();
    ///     type Event = Counted;
    ///     type Error = String;
    ///     fn decide(&self, _: &()) -> Result<Vec<Counted>, String> { Ok(vec![Counted]) }
    ///     fn apply(&mut self, _: &Counted) { self.0 += 1; }
    /// }
    /// impl Snapshot for Tally {
    ///     const FORMAT: &'static str = "tally/1";
    ///     fn to_snapshot(&self) -> Vec<u8> { self.0.to_le_bytes().to_vec() }
    ///     fn from_snapshot(bytes: &[u8]) -> Result<Self, String> {
    ///         Ok(Tally(u64::from_le_bytes(bytes.try_into().map_err(|_| "8 bytes")?)))
    ///     }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let repository = Repository::new(InMemoryStore::new());
    /// let stream = StreamId::new("tally-1")?;
    /// let context = EventContext::new(chrono::DateTime::UNIX_EPOCH);
    /// let policy = SnapshotPolicy::every(NonZeroU64::new(2).ok_or("zero")?);
    /// let mut tally = repository.load::<Tally>(&stream).await?;
    /// for _ in 0..3 {
    ///     repository.execute_with_snapshots(&mut tally, &(), &context, policy).await??;
    /// }
    /// let (loaded, used) = repository.load_from_snapshot::<Tally>(&stream).await?;
    /// assert_eq!(used, SnapshotUse::Used { version: Version::new(2) });
    /// assert_eq!(loaded.state().0, 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn load_from_snapshot<A>(&self, stream: &StreamId) -> Result<(Loaded<A>, SnapshotUse)>
    where
        A: Snapshot + Default,
        A::Event: DomainEvent + DeserializeOwned,
        A::Error: fmt::Display,
    {
        let Some(snapshot) = self.store().load_snapshot(stream).await? else {
            return Ok((self.load(stream).await?, SnapshotUse::None));
        };
        let version = snapshot.version();
        match self.restore::<A>(&snapshot).await? {
            Ok(mut loaded) => {
                self.refresh(&mut loaded).await?;
                Ok((loaded, SnapshotUse::Used { version }))
            }
            Err(reason) => Ok((
                self.load(stream).await?,
                SnapshotUse::Ignored { version, reason },
            )),
        }
    }

    /// The state of `snapshot` at its version, or why it is not trusted.
    async fn restore<A>(
        &self,
        snapshot: &StoredSnapshot,
    ) -> Result<core::result::Result<Loaded<A>, SnapshotRejection>>
    where
        A: Snapshot,
        A::Error: fmt::Display,
    {
        if snapshot.format() != A::FORMAT {
            return Ok(Err(SnapshotRejection::Format {
                found: snapshot.format().to_owned(),
                expected: A::FORMAT,
            }));
        }
        let Some(found) = self.chain_at(snapshot.stream(), snapshot.version()).await? else {
            return Ok(Err(SnapshotRejection::Missing));
        };
        if found != snapshot.chain() {
            return Ok(Err(SnapshotRejection::Chain {
                recorded: snapshot.chain(),
                found,
            }));
        }
        // The digest of a large snapshot (100 MB for a million entries) is
        // computed on a second thread while the state decodes: decoding
        // bytes not yet vouched for is safe (it fails with a typed error,
        // never panics), and the state is used only once the digest matches.
        let (digest_matches, decoded) = std::thread::scope(|scope| {
            let digest = scope.spawn(|| snapshot.digest_matches());
            let decoded = A::from_snapshot(snapshot.state());
            (digest.join().unwrap_or(false), decoded)
        });
        if !digest_matches {
            return Ok(Err(SnapshotRejection::Digest));
        }
        Ok(match decoded {
            Ok(state) => Ok(Loaded::at(
                snapshot.stream().clone(),
                state,
                snapshot.version(),
            )),
            Err(error) => Err(SnapshotRejection::Decode {
                reason: error.to_string(),
            }),
        })
    }

    /// The chain hash of the event of `stream` at `version`, if the stream
    /// holds it.
    async fn chain_at(&self, stream: &StreamId, version: Version) -> Result<Option<ChainHash>> {
        let events = self.store().read_stream_page(stream, version, 1).await?;
        Ok(events
            .first()
            .filter(|event| event.version() == version)
            .map(crate::RecordedEvent::hash))
    }

    /// Saves the state of `loaded` as its stream's snapshot, at its version.
    /// Nothing is saved for a stream with no events.
    ///
    /// # Errors
    ///
    /// Store errors, including a stream that no longer holds `loaded`'s
    /// version ([`Error::Conflict`](crate::Error::Conflict)).
    ///
    /// # Examples
    ///
    /// See [`Repository::load_from_snapshot`].
    pub async fn save_snapshot<A: Snapshot>(&self, loaded: &Loaded<A>) -> Result<()> {
        let version = loaded.version();
        if version == Version::INITIAL {
            return Ok(());
        }
        let Some(chain) = self.chain_at(loaded.stream(), version).await? else {
            let actual = self.store().stream_version(loaded.stream()).await?;
            return Err(crate::Error::Conflict {
                stream: loaded.stream().clone(),
                expected: crate::ExpectedVersion::Exact(version),
                actual,
            });
        };
        let snapshot = StoredSnapshot::new(
            loaded.stream().clone(),
            version,
            chain,
            A::FORMAT,
            loaded.state().to_snapshot(),
        );
        self.store().save_snapshot(&snapshot).await
    }

    /// [`execute_on`](Repository::execute_on), then a snapshot of the new
    /// state when `policy` says one is due.
    ///
    /// # Errors
    ///
    /// As [`execute_on`](Repository::execute_on) and
    /// [`save_snapshot`](Repository::save_snapshot).
    ///
    /// # Examples
    ///
    /// See [`Repository::load_from_snapshot`].
    pub async fn execute_with_snapshots<A>(
        &self,
        loaded: &mut Loaded<A>,
        command: &A::Command,
        context: &crate::EventContext,
        policy: SnapshotPolicy,
    ) -> Result<core::result::Result<Vec<A::Event>, A::Error>>
    where
        A: Snapshot,
        A::Event: DomainEvent + serde::Serialize + DeserializeOwned,
        A::Error: fmt::Display,
    {
        let before = loaded.version();
        let outcome = self.execute_on(loaded, command, context).await?;
        if policy.is_due(before, loaded.version()) {
            self.save_snapshot(loaded).await?;
        }
        Ok(outcome)
    }
}
