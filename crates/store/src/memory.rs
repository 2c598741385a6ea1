//! The in-memory adapter, for tests and small tools.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::chain::ChainHash;
use crate::error::{Error, Result};
use crate::event::{
    Appended, ExpectedVersion, NewEvent, Position, RecordedEvent, StreamBatch, StreamId, Version,
};
use crate::port::EventStore;
use crate::snapshot::{SnapshotStore, StoredSnapshot};

/// An [`EventStore`] kept in process memory. Clones share the same events.
///
/// It keeps every promise of the port (atomic appends, conflicts, one global
/// order, the chain) but nothing survives the process.
///
/// # Examples
///
/// ```
/// use bureau_store::{EventStore, ExpectedVersion, InMemoryStore, NewEvent, StreamId, Version};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = InMemoryStore::new();
/// let stream = StreamId::new("s")?;
/// let event = NewEvent::new("opened", serde_json::json!(1), chrono::DateTime::UNIX_EPOCH);
/// store.append(&stream, ExpectedVersion::Any, &[event.clone()]).await?;
/// let stale = store.append(&stream, ExpectedVersion::Exact(Version::INITIAL), &[event]).await;
/// assert!(matches!(stale, Err(bureau_store::Error::Conflict { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct InMemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Sorted by position.
    events: Vec<RecordedEvent>,
    /// Each stream's positions, in version order.
    streams: HashMap<StreamId, Vec<Position>>,
    /// Positions the testkit made unreadable: reads reaching them fail as a
    /// corrupt row of a database would.
    unreadable: HashSet<Position>,
    /// The latest snapshot of each stream that has one.
    snapshots: HashMap<StreamId, StoredSnapshot>,
}

impl Inner {
    /// Appends one batch under the lock; pushes only after every check.
    fn append(
        &mut self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended> {
        let actual = Version::new(
            self.streams
                .get(stream)
                .map_or(0, |positions| positions.len() as u64),
        );
        if !expected.admits(actual) {
            return Err(Error::Conflict {
                stream: stream.clone(),
                expected,
                actual,
            });
        }
        let (mut head, last_position) = self
            .events
            .last()
            .map_or((ChainHash::GENESIS, Position::new(0)), |last| {
                (last.hash(), last.position())
            });
        let mut staged = Vec::with_capacity(events.len());
        let mut version = actual;
        let mut position = last_position;
        for event in events {
            let overflow = || Error::Unsupported {
                value: stream.to_string(),
                reason: "the version or position would pass u64::MAX",
            };
            version = version.next().ok_or_else(overflow)?;
            position = position.next().ok_or_else(overflow)?;
            head = head.link(position, stream, version, event);
            staged.push(RecordedEvent::new(
                stream.clone(),
                version,
                position,
                event.clone(),
                head,
            ));
        }
        let positions = staged
            .first()
            .zip(staged.last())
            .map(|(first, last)| (first.position(), last.position()));
        let stream_positions = self.streams.entry(stream.clone()).or_default();
        stream_positions.extend(staged.iter().map(RecordedEvent::position));
        self.events.extend(staged);
        Ok(Appended::new(version, positions))
    }

    /// `events` as read, or the error of the first unreadable one.
    fn readable(&self, events: Vec<RecordedEvent>) -> Result<Vec<RecordedEvent>> {
        if self.unreadable.is_empty() {
            return Ok(events);
        }
        match events
            .iter()
            .find(|event| self.unreadable.contains(&event.position()))
        {
            None => Ok(events),
            Some(event) => Err(Error::Corrupt {
                stream: event.stream().to_string(),
                version: i64::try_from(event.version().get()).unwrap_or(i64::MAX),
                position: event.position(),
                reason: "the row was made unreadable".to_owned(),
            }),
        }
    }

    fn index_of(&self, position: Position) -> Option<usize> {
        self.events
            .binary_search_by_key(&position, RecordedEvent::position)
            .ok()
    }
}

impl InMemoryStore {
    /// An empty store.
    ///
    /// # Examples
    ///
    /// ```
    /// let store = bureau_store::InMemoryStore::new();
    /// assert_eq!(store.len(), 0);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many events the store holds.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(bureau_store::InMemoryStore::new().is_empty());
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().events.len()
    }

    /// Whether the store holds no event.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(bureau_store::InMemoryStore::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lock().events.is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied append:
        // appends are pushed only after every check passed.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn append_now(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended> {
        for event in events {
            event.check_depth()?;
        }
        let mut inner = self.lock();
        inner.append(stream, expected, events)
    }

    /// Every batch or none: on the first failure, what the earlier batches
    /// pushed is cut off again before the lock is released.
    fn append_streams_now(&self, batches: &[StreamBatch<'_>]) -> Result<Vec<Appended>> {
        for batch in batches {
            for event in batch.events {
                event.check_depth()?;
            }
        }
        let mut inner = self.lock();
        let events_before = inner.events.len();
        let mut streams_before: HashMap<StreamId, usize> = HashMap::new();
        let mut appended = Vec::with_capacity(batches.len());
        for batch in batches {
            let length = inner.streams.get(batch.stream).map_or(0, Vec::len);
            streams_before.entry(batch.stream.clone()).or_insert(length);
            match inner.append(batch.stream, batch.expected, batch.events) {
                Ok(done) => appended.push(done),
                Err(error) => {
                    inner.events.truncate(events_before);
                    for (stream, length) in streams_before {
                        if length == 0 {
                            inner.streams.remove(&stream);
                        } else if let Some(positions) = inner.streams.get_mut(&stream) {
                            positions.truncate(length);
                        }
                    }
                    return Err(error);
                }
            }
        }
        Ok(appended)
    }

    fn read_stream_now(
        &self,
        stream: &StreamId,
        from: Version,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>> {
        let inner = self.lock();
        let Some(positions) = inner.streams.get(stream) else {
            return Ok(Vec::new());
        };
        let skip = usize::try_from(from.get().saturating_sub(1)).unwrap_or(usize::MAX);
        let events = positions
            .iter()
            .skip(skip)
            .take(limit)
            .filter_map(|position| inner.index_of(*position))
            .filter_map(|index| inner.events.get(index).cloned())
            .collect();
        inner.readable(events)
    }

    fn read_all_now(&self, from: Position, limit: usize) -> Result<Vec<RecordedEvent>> {
        let inner = self.lock();
        let start = inner
            .events
            .partition_point(|event| event.position() < from);
        let events = inner
            .events
            .iter()
            .skip(start)
            .take(limit)
            .cloned()
            .collect();
        inner.readable(events)
    }

    fn stream_version_now(&self, stream: &StreamId) -> Version {
        Version::new(
            self.lock()
                .streams
                .get(stream)
                .map_or(0, |positions| positions.len() as u64),
        )
    }

    /// Applies a tamper action directly to the stored events (testkit only).
    #[cfg(feature = "testkit")]
    pub(crate) fn tamper(&self, action: &crate::testkit::TamperAction) -> Result<()> {
        use crate::testkit::TamperAction;
        let mut inner = self.lock();
        let missing = |position: Position| Error::Conformance {
            check: "tamper",
            detail: format!("no event at position {position}"),
        };
        // The same row with another type, payload or position; the stored
        // hash stays, as a direct change to the database would leave it.
        let rebuild = |old: &RecordedEvent,
                       event_type: &str,
                       payload: serde_json::Value,
                       position: Position| {
            let event = NewEvent::new(event_type, payload, old.event().recorded_at())
                .with_metadata(old.event().metadata().clone());
            RecordedEvent::new(
                old.stream().clone(),
                old.version(),
                position,
                event,
                old.hash(),
            )
        };
        match action {
            TamperAction::SetPayload { .. } | TamperAction::SetRawPayload { .. } => {
                let (position, payload) = match action {
                    TamperAction::SetPayload { position, payload } => (position, payload.clone()),
                    TamperAction::SetRawPayload { position, text } => (
                        position,
                        serde_json::from_str(text).map_err(|_| Error::Unsupported {
                            value: "raw payload".to_owned(),
                            reason: "the in-memory store holds only valid JSON",
                        })?,
                    ),
                    _ => return Ok(()),
                };
                let index = inner
                    .index_of(*position)
                    .ok_or_else(|| missing(*position))?;
                let slot = inner
                    .events
                    .get_mut(index)
                    .ok_or_else(|| missing(*position))?;
                let old = slot.event();
                *slot = rebuild(slot, old.event_type(), payload, *position);
            }
            TamperAction::SetEventType {
                position,
                event_type,
            } => {
                let index = inner
                    .index_of(*position)
                    .ok_or_else(|| missing(*position))?;
                let slot = inner
                    .events
                    .get_mut(index)
                    .ok_or_else(|| missing(*position))?;
                let payload = slot.event().payload().clone();
                *slot = rebuild(slot, event_type, payload, *position);
            }

            TamperAction::Unreadable { position } => {
                inner
                    .index_of(*position)
                    .ok_or_else(|| missing(*position))?;
                inner.unreadable.insert(*position);
            }
            TamperAction::SetInvalidUtf8 { .. } => {
                return Err(Error::Unsupported {
                    value: "invalid UTF-8".to_owned(),
                    reason: "the in-memory store holds only Rust strings",
                });
            }
            TamperAction::Delete { position } => {
                let index = inner
                    .index_of(*position)
                    .ok_or_else(|| missing(*position))?;
                inner.events.remove(index);
            }
            TamperAction::Swap { first, second } => {
                let a = inner.index_of(*first).ok_or_else(|| missing(*first))?;
                let b = inner.index_of(*second).ok_or_else(|| missing(*second))?;
                let event_a = inner
                    .events
                    .get(a)
                    .cloned()
                    .ok_or_else(|| missing(*first))?;
                let event_b = inner
                    .events
                    .get(b)
                    .cloned()
                    .ok_or_else(|| missing(*second))?;
                let moved = |old: &RecordedEvent, position: Position| {
                    rebuild(
                        old,
                        old.event().event_type(),
                        old.event().payload().clone(),
                        position,
                    )
                };
                let moved_a = moved(&event_a, *second);
                let moved_b = moved(&event_b, *first);
                if let Some(slot) = inner.events.get_mut(a) {
                    *slot = moved_b;
                }
                if let Some(slot) = inner.events.get_mut(b) {
                    *slot = moved_a;
                }
            }
        }
        Ok(())
    }
}

impl EventStore for InMemoryStore {
    fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> impl Future<Output = Result<Appended>> + Send {
        std::future::ready(self.append_now(stream, expected, events))
    }

    fn append_streams(
        &self,
        batches: &[StreamBatch<'_>],
    ) -> impl Future<Output = Result<Vec<Appended>>> + Send {
        std::future::ready(self.append_streams_now(batches))
    }

    fn read_stream_page(
        &self,
        stream: &StreamId,
        from: Version,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<RecordedEvent>>> + Send {
        std::future::ready(self.read_stream_now(stream, from, limit))
    }

    fn read_all(
        &self,
        from: Position,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<RecordedEvent>>> + Send {
        std::future::ready(self.read_all_now(from, limit))
    }

    fn stream_version(&self, stream: &StreamId) -> impl Future<Output = Result<Version>> + Send {
        std::future::ready(Ok(self.stream_version_now(stream)))
    }
}

impl SnapshotStore for InMemoryStore {
    fn save_snapshot(&self, snapshot: &StoredSnapshot) -> impl Future<Output = Result<()>> + Send {
        let mut inner = self.lock();
        let kept = inner
            .snapshots
            .get(snapshot.stream())
            .is_some_and(|kept| kept.version() > snapshot.version());
        if !kept {
            inner
                .snapshots
                .insert(snapshot.stream().clone(), snapshot.clone());
        }
        std::future::ready(Ok(()))
    }

    fn load_snapshot(
        &self,
        stream: &StreamId,
    ) -> impl Future<Output = Result<Option<StoredSnapshot>>> + Send {
        std::future::ready(Ok(self.lock().snapshots.get(stream).cloned()))
    }
}

use std::future::Future;
