//! Events as the store keeps them: streams, versions, positions, metadata.

use std::fmt;

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};

use crate::chain::ChainHash;
use crate::error::{Error, Result};

/// The name of an event stream: the events of one aggregate instance.
///
/// Any non-empty string of at most [`StreamId::MAX_LEN`] bytes is accepted
/// and stored verbatim (quotes, SQL fragments and any Unicode included; a NUL
/// character only where the adapter allows it).
///
/// # Examples
///
/// ```
/// use bureau_store::StreamId;
///
/// let stream = StreamId::new("ledger-2026")?;
/// assert_eq!(stream.as_str(), "ledger-2026");
/// assert!(StreamId::new("").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(String);

impl fmt::Debug for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl StreamId {
    /// The longest stream id, in bytes of UTF-8: the same on every adapter,
    /// and well inside what PostgreSQL's index on `(stream, version)` can
    /// hold (about 2,700 bytes per index row).
    pub const MAX_LEN: usize = 1_000;

    /// Makes a stream id.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyStreamId`] when `name` is empty,
    /// [`Error::StreamIdTooLong`] when it is longer than
    /// [`MAX_LEN`](Self::MAX_LEN) bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{Error, StreamId};
    ///
    /// assert!(StreamId::new("é".repeat(500)).is_ok());
    /// let long = StreamId::new("x".repeat(1_001));
    /// assert!(matches!(long, Err(Error::StreamIdTooLong { length: 1_001, limit: 1_000, .. })));
    /// ```
    pub fn new(name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        if name.is_empty() {
            return Err(Error::EmptyStreamId);
        }
        if name.len() > Self::MAX_LEN {
            return Err(Error::StreamIdTooLong {
                length: name.len(),
                limit: Self::MAX_LEN,
            });
        }
        Ok(Self(name))
    }

    /// The stream's name.
    ///
    /// # Examples
    ///
    /// ```
    /// let stream = bureau_store::StreamId::new("a")?;
    /// assert_eq!(stream.as_str(), "a");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The version of a stream: how many events it holds. The first event of a
/// stream has version 1; an empty stream is at [`Version::INITIAL`] (0).
///
/// # Examples
///
/// ```
/// use bureau_store::Version;
///
/// assert_eq!(Version::INITIAL.next(), Some(Version::new(1)));
/// assert_eq!(Version::new(7).get(), 7);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(u64);

impl Version {
    /// The version of a stream without events.
    pub const INITIAL: Self = Self(0);

    /// Wraps a version number.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::Version::new(3).get(), 3);
    /// ```
    #[must_use]
    pub const fn new(version: u64) -> Self {
        Self(version)
    }

    /// The version number.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::Version::INITIAL.get(), 0);
    /// ```
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The following version, or `None` past `u64::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::Version;
    /// assert_eq!(Version::new(1).next(), Some(Version::new(2)));
    /// ```
    #[must_use]
    pub const fn next(self) -> Option<Self> {
        match self.0.checked_add(1) {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The global position of an event: its place in commit order across all
/// streams. Positions start at 1 and, in every adapter of this workspace,
/// have no gaps: each committed event takes the next one.
///
/// # Examples
///
/// ```
/// use bureau_store::Position;
///
/// assert_eq!(Position::FIRST.get(), 1);
/// assert_eq!(Position::FIRST.next(), Some(Position::new(2)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position(u64);

impl Position {
    /// The position of the first event ever stored.
    pub const FIRST: Self = Self(1);

    /// Wraps a position number.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::Position::new(9).get(), 9);
    /// ```
    #[must_use]
    pub const fn new(position: u64) -> Self {
        Self(position)
    }

    /// The position number.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::Position::FIRST.get(), 1);
    /// ```
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The following position, or `None` past `u64::MAX`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::Position;
    /// assert_eq!(Position::new(4).next(), Some(Position::new(5)));
    /// ```
    #[must_use]
    pub const fn next(self) -> Option<Self> {
        match self.0.checked_add(1) {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an append expects the stream's version to be.
///
/// # Examples
///
/// ```
/// use bureau_store::{ExpectedVersion, Version};
///
/// assert!(ExpectedVersion::Exact(Version::new(2)).admits(Version::new(2)));
/// assert!(!ExpectedVersion::Exact(Version::INITIAL).admits(Version::new(2)));
/// assert!(ExpectedVersion::Any.admits(Version::new(2)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpectedVersion {
    /// Append whatever the stream's version is.
    Any,
    /// Append only if the stream is at exactly this version
    /// ([`Version::INITIAL`]: only if the stream has no events yet).
    Exact(Version),
}

impl ExpectedVersion {
    /// Whether a stream at `actual` satisfies this expectation.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ExpectedVersion, Version};
    /// assert!(ExpectedVersion::Any.admits(Version::INITIAL));
    /// ```
    #[must_use]
    pub fn admits(self, actual: Version) -> bool {
        match self {
            Self::Any => true,
            Self::Exact(expected) => expected == actual,
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("any"),
            Self::Exact(version) => version.fmt(f),
        }
    }
}

/// Who and what caused an event: opaque labels chosen by the caller, stored
/// verbatim and covered by the chain hash.
///
/// # Examples
///
/// ```
/// use bureau_store::EventMetadata;
///
/// let metadata = EventMetadata::new().correlation_id("order-17").actor("clerk 4");
/// assert_eq!(metadata.actor_name(), Some("clerk 4"));
/// assert_eq!(metadata.causation(), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EventMetadata {
    causation_id: Option<String>,
    correlation_id: Option<String>,
    actor: Option<String>,
}

impl EventMetadata {
    /// Metadata with no label set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::EventMetadata::new().correlation(), None);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the id of the message (command or event) that caused this event.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = bureau_store::EventMetadata::new().causation_id("cmd-1");
    /// assert_eq!(m.causation(), Some("cmd-1"));
    /// ```
    #[must_use]
    pub fn causation_id(mut self, id: impl Into<String>) -> Self {
        self.causation_id = Some(id.into());
        self
    }

    /// Sets the id shared by every message of one business flow.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = bureau_store::EventMetadata::new().correlation_id("flow-9");
    /// assert_eq!(m.correlation(), Some("flow-9"));
    /// ```
    #[must_use]
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Sets who (a user, a system) acted.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = bureau_store::EventMetadata::new().actor("payroll job");
    /// assert_eq!(m.actor_name(), Some("payroll job"));
    /// ```
    #[must_use]
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// The causation id, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::EventMetadata::new().causation(), None);
    /// ```
    #[must_use]
    pub fn causation(&self) -> Option<&str> {
        self.causation_id.as_deref()
    }

    /// The correlation id, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::EventMetadata::new().correlation(), None);
    /// ```
    #[must_use]
    pub fn correlation(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }

    /// The actor, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::EventMetadata::new().actor_name(), None);
    /// ```
    #[must_use]
    pub fn actor_name(&self) -> Option<&str> {
        self.actor.as_deref()
    }
}

/// An event about to be appended: its type name, JSON payload, the instant it
/// was recorded (given by the caller) and its metadata.
///
/// The recorded-at instant is kept to the microsecond (the finest precision
/// PostgreSQL stores): finer digits are truncated here, so every adapter
/// stores and hashes the same instant.
///
/// # Examples
///
/// ```
/// use bureau_store::NewEvent;
/// use chrono::{DateTime, Utc};
///
/// let at = DateTime::<Utc>::from_timestamp(1_764_000_000, 123_456_789).ok_or("instant")?;
/// let event = NewEvent::new("entry_posted", serde_json::json!({"amount": "10.00 EUR"}), at);
/// assert_eq!(event.event_type(), "entry_posted");
/// assert_eq!(event.recorded_at().timestamp_subsec_nanos(), 123_456_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    // Shared, not copied, with the rows an SQL adapter binds (SQLite's
    // driver takes an `Arc<str>` as it is).
    event_type: Arc<str>,
    payload: serde_json::Value,
    // The payload's canonical JSON, written once when the event is made (it
    // is both what the chain hashes and what adapters store), or `None` when
    // the payload nests deeper than `MAX_PAYLOAD_DEPTH` and cannot be stored.
    canonical: Option<Arc<str>>,
    // The digest of the event's content the chain links (see `chain`),
    // computed with the canonical JSON so that an append does not hash the
    // payload while it holds the store's write lock; `None` with `canonical`.
    digest: Option<[u8; 32]>,
    recorded_at: DateTime<Utc>,
    metadata: EventMetadata,
}

/// Whether `payload` nests no deeper than [`NewEvent::MAX_PAYLOAD_DEPTH`].
fn depth_within_limit(payload: &serde_json::Value) -> bool {
    use serde_json::Value;
    // Iterative, so an absurdly deep value cannot exhaust the stack here.
    let mut pending: Vec<(&Value, usize)> = vec![(payload, 0)];
    while let Some((value, depth)) = pending.pop() {
        let items: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        let depth = depth + 1;
        if depth > NewEvent::MAX_PAYLOAD_DEPTH {
            return false;
        }
        pending.extend(items.map(|item| (item, depth)));
    }
    true
}

impl NewEvent {
    /// The deepest nesting of arrays and objects a payload may have: `1` and
    /// `"a"` have depth 0, `[]` and `{"a": 1}` depth 1, `[[]]` depth 2.
    /// Stored payloads are JSON text, and `serde_json` refuses to read text
    /// nested 128 levels or more, so appends refuse deeper payloads with
    /// [`Error::PayloadTooDeep`] rather than store what cannot be read back.
    pub const MAX_PAYLOAD_DEPTH: usize = 127;

    /// An event with empty metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::NewEvent;
    /// let event = NewEvent::new("opened", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(event.payload(), &serde_json::Value::Null);
    /// ```
    #[must_use]
    pub fn new(
        event_type: impl Into<String>,
        payload: serde_json::Value,
        recorded_at: DateTime<Utc>,
    ) -> Self {
        Self::with_parts(
            event_type.into(),
            payload,
            recorded_at,
            EventMetadata::default(),
        )
    }

    /// An event with its metadata, its canonical JSON and content digest
    /// written once.
    pub(crate) fn with_parts(
        event_type: String,
        payload: serde_json::Value,
        recorded_at: DateTime<Utc>,
        metadata: EventMetadata,
    ) -> Self {
        let recorded_at = recorded_at.trunc_subsecs(6);
        // Depth first, iteratively: the canonical writer recurses, and an
        // absurdly deep payload must not exhaust the stack.
        let canonical =
            (depth_within_limit(&payload)).then(|| crate::chain::canonical_json(&payload));
        let digest = canonical
            .as_deref()
            .map(|json| crate::chain::content_digest_of(&event_type, recorded_at, json, &metadata));
        Self {
            event_type: Arc::from(event_type),
            payload,
            canonical: canonical.map(Arc::from),
            digest,
            recorded_at,
            metadata,
        }
    }

    /// The digest of the event's content the chain links, `None` for a
    /// payload too deep to store.
    pub(crate) fn content_digest(&self) -> Option<[u8; 32]> {
        self.digest
    }

    /// The payload's canonical JSON (see [`chain`](crate#the-chain)), or
    /// `None` for a payload too deep to store.
    pub(crate) fn canonical_payload(&self) -> Option<&str> {
        self.canonical.as_deref()
    }

    /// [`canonical_payload`](Self::canonical_payload), shared.
    pub(crate) fn shared_canonical_payload(&self) -> Option<&Arc<str>> {
        self.canonical.as_ref()
    }

    /// [`event_type`](Self::event_type), shared.
    pub(crate) fn shared_event_type(&self) -> &Arc<str> {
        &self.event_type
    }

    /// Replaces the metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{EventMetadata, NewEvent};
    /// let event = NewEvent::new("opened", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH)
    ///     .with_metadata(EventMetadata::new().actor("ops"));
    /// assert_eq!(event.metadata().actor_name(), Some("ops"));
    /// ```
    #[must_use]
    pub fn with_metadata(mut self, metadata: EventMetadata) -> Self {
        self.digest = self.canonical.as_deref().map(|json| {
            crate::chain::content_digest_of(&self.event_type, self.recorded_at, json, &metadata)
        });
        self.metadata = metadata;
        self
    }

    /// The event type name.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::NewEvent;
    /// let event = NewEvent::new("closed", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(event.event_type(), "closed");
    /// ```
    #[must_use]
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The JSON payload.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::NewEvent;
    /// let event = NewEvent::new("x", serde_json::json!([1]), chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(event.payload(), &serde_json::json!([1]));
    /// ```
    #[must_use]
    pub fn payload(&self) -> &serde_json::Value {
        &self.payload
    }

    /// Whether the payload nests no deeper than
    /// [`MAX_PAYLOAD_DEPTH`](Self::MAX_PAYLOAD_DEPTH).
    ///
    /// # Errors
    ///
    /// [`Error::PayloadTooDeep`] naming the event type and the limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::NewEvent;
    ///
    /// let nested = |depth: usize| (0..depth).fold(serde_json::json!(0), |inner, _| serde_json::json!([inner]));
    /// let at = chrono::DateTime::UNIX_EPOCH;
    /// assert!(NewEvent::new("deep", nested(NewEvent::MAX_PAYLOAD_DEPTH), at).check_depth().is_ok());
    /// assert!(NewEvent::new("deep", nested(NewEvent::MAX_PAYLOAD_DEPTH + 1), at).check_depth().is_err());
    /// ```
    pub fn check_depth(&self) -> Result<()> {
        if self.canonical.is_some() {
            Ok(())
        } else {
            Err(Error::PayloadTooDeep {
                event_type: self.event_type.to_string(),
                limit: Self::MAX_PAYLOAD_DEPTH,
            })
        }
    }

    /// Whether a NUL character occurs in the event type, the metadata, or a
    /// string or key of the payload (text that merely spells `\u0000` is
    /// not a NUL).
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::NewEvent;
    ///
    /// let at = chrono::DateTime::UNIX_EPOCH;
    /// assert!(NewEvent::new("t", serde_json::json!({"k": "a\u{0}b"}), at).holds_nul());
    /// assert!(NewEvent::new("t", serde_json::json!({"a\u{0}": [1]}), at).holds_nul());
    /// assert!(!NewEvent::new("t", serde_json::json!({"k": "\\u0000"}), at).holds_nul());
    /// ```
    #[must_use]
    pub fn holds_nul(&self) -> bool {
        use serde_json::Value;
        let metadata = &self.metadata;
        let in_labels = [
            Some(&*self.event_type),
            metadata.causation(),
            metadata.correlation(),
            metadata.actor_name(),
        ]
        .into_iter()
        .flatten()
        .any(|text| text.contains('\0'));
        if in_labels {
            return true;
        }
        // The canonical JSON escapes a NUL as `\u0000`: without that text no
        // string or key of the payload holds one, and the walk below (about
        // 0.3 µs an event of the store benchmark) is not needed.
        if let Some(json) = self.canonical_payload()
            && !json.contains("\\u0000")
        {
            return false;
        }
        let mut pending = vec![&self.payload];
        while let Some(value) = pending.pop() {
            match value {
                Value::String(text) if text.contains('\0') => return true,
                Value::Array(items) => pending.extend(items),
                Value::Object(map) => {
                    if map.keys().any(|key| key.contains('\0')) {
                        return true;
                    }
                    pending.extend(map.values());
                }
                _ => {}
            }
        }
        false
    }

    /// The instant the event was recorded, to the microsecond.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::NewEvent;
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(event.recorded_at(), chrono::DateTime::UNIX_EPOCH);
    /// ```
    #[must_use]
    pub fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }

    /// The metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::NewEvent;
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(event.metadata().causation(), None);
    /// ```
    #[must_use]
    pub fn metadata(&self) -> &EventMetadata {
        &self.metadata
    }
}

/// An event read back from a store: where it sits (stream, version, global
/// position), what it says, and its chain hash.
///
/// # Examples
///
/// ```
/// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
///
/// let event = NewEvent::new("opened", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
/// let stream = StreamId::new("s")?;
/// let hash = ChainHash::GENESIS.link(Position::FIRST, &stream, Version::new(1), &event);
/// let recorded = RecordedEvent::new(stream, Version::new(1), Position::FIRST, event, hash);
/// assert_eq!(recorded.version(), Version::new(1));
/// assert_eq!(recorded.hash(), hash);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedEvent {
    stream: StreamId,
    version: Version,
    position: Position,
    event: NewEvent,
    hash: ChainHash,
}

impl RecordedEvent {
    /// Assembles a recorded event; adapters call this for each row they read.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let r = RecordedEvent::new(StreamId::new("s")?, Version::new(1), Position::FIRST, event, ChainHash::GENESIS);
    /// assert_eq!(r.position(), Position::FIRST);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn new(
        stream: StreamId,
        version: Version,
        position: Position,
        event: NewEvent,
        hash: ChainHash,
    ) -> Self {
        Self {
            stream,
            version,
            position,
            event,
            hash,
        }
    }

    /// The stream the event belongs to.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let r = RecordedEvent::new(StreamId::new("s")?, Version::new(1), Position::FIRST, event, ChainHash::GENESIS);
    /// assert_eq!(r.stream().as_str(), "s");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The event's version within its stream (1 for the first).
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let r = RecordedEvent::new(StreamId::new("s")?, Version::new(1), Position::FIRST, event, ChainHash::GENESIS);
    /// assert_eq!(r.version().get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The event's global position (commit order across streams).
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let r = RecordedEvent::new(StreamId::new("s")?, Version::new(1), Position::new(5), event, ChainHash::GENESIS);
    /// assert_eq!(r.position().get(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn position(&self) -> Position {
        self.position
    }

    /// The event as appended: type, payload, recorded-at, metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let r = RecordedEvent::new(StreamId::new("s")?, Version::new(1), Position::FIRST, event.clone(), ChainHash::GENESIS);
    /// assert_eq!(r.event(), &event);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn event(&self) -> &NewEvent {
        &self.event
    }

    /// Takes the event out, dropping the position fields.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let r = RecordedEvent::new(StreamId::new("s")?, Version::new(1), Position::FIRST, event.clone(), ChainHash::GENESIS);
    /// assert_eq!(r.into_event(), event);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn into_event(self) -> NewEvent {
        self.event
    }

    /// The chain hash stored with the event.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, RecordedEvent, StreamId, Version};
    /// let event = NewEvent::new("x", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let r = RecordedEvent::new(StreamId::new("s")?, Version::new(1), Position::FIRST, event, ChainHash::GENESIS);
    /// assert_eq!(r.hash(), ChainHash::GENESIS);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn hash(&self) -> ChainHash {
        self.hash
    }
}

/// What an append did: the stream's new version and the positions taken.
///
/// # Examples
///
/// ```
/// use bureau_store::{Appended, Position, Version};
///
/// let appended = Appended::new(Version::new(3), Some((Position::new(8), Position::new(9))));
/// assert_eq!(appended.version(), Version::new(3));
/// assert_eq!(appended.last_position(), Some(Position::new(9)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Appended {
    version: Version,
    positions: Option<(Position, Position)>,
}

impl Appended {
    /// Describes an append; `positions` is the first and last position taken,
    /// `None` for an empty batch.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{Appended, Version};
    /// assert_eq!(Appended::new(Version::INITIAL, None).first_position(), None);
    /// ```
    #[must_use]
    pub fn new(version: Version, positions: Option<(Position, Position)>) -> Self {
        Self { version, positions }
    }

    /// The stream's version after the append.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{Appended, Version};
    /// assert_eq!(Appended::new(Version::new(2), None).version(), Version::new(2));
    /// ```
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The position of the first appended event.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{Appended, Position, Version};
    /// let a = Appended::new(Version::new(1), Some((Position::FIRST, Position::FIRST)));
    /// assert_eq!(a.first_position(), Some(Position::FIRST));
    /// ```
    #[must_use]
    pub fn first_position(&self) -> Option<Position> {
        self.positions.map(|(first, _)| first)
    }

    /// The position of the last appended event.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{Appended, Position, Version};
    /// let a = Appended::new(Version::new(1), Some((Position::FIRST, Position::FIRST)));
    /// assert_eq!(a.last_position(), Some(Position::FIRST));
    /// ```
    #[must_use]
    pub fn last_position(&self) -> Option<Position> {
        self.positions.map(|(_, last)| last)
    }
}

/// One stream's part of an [`EventStore::append_streams`](crate::EventStore::append_streams): the events to
/// append to `stream` if it is at `expected`.
///
/// # Examples
///
/// ```
/// use bureau_store::{ExpectedVersion, NewEvent, StreamBatch, StreamId, Version};
///
/// let stream = StreamId::new("account-42")?;
/// let events = [NewEvent::new("opened", serde_json::json!({}), chrono::DateTime::UNIX_EPOCH)];
/// let batch = StreamBatch::new(&stream, ExpectedVersion::Exact(Version::INITIAL), &events);
/// assert_eq!(batch.events.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct StreamBatch<'a> {
    /// The stream.
    pub stream: &'a StreamId,
    /// The version it must be at (after any earlier batch of the same
    /// call for the same stream).
    pub expected: ExpectedVersion,
    /// The events, in order.
    pub events: &'a [NewEvent],
}

impl<'a> StreamBatch<'a> {
    /// `events` for `stream` at `expected`.
    #[must_use]
    pub const fn new(
        stream: &'a StreamId,
        expected: ExpectedVersion,
        events: &'a [NewEvent],
    ) -> Self {
        Self {
            stream,
            expected,
            events,
        }
    }
}
