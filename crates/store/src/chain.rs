//! The tamper-evident chain: each event's hash covers the previous hash, the
//! event's place (position, stream, version) and a digest of its content.
//!
//! # The canonical encoding (chain version 2)
//!
//! For the event at global position `p`:
//!
//! ```text
//! hash(p)      = SHA-256( "bureau-store/chain/v2" || hash(p - 1) || place(p)
//!                         || digest(p) )
//! hash(0)      = 32 zero bytes (ChainHash::GENESIS)
//! digest(p)    = SHA-256( "bureau-store/event/v1" || content(p) )
//!
//! place(p)     = u64be(position) || str(stream) || u64be(version)
//! content(p)   = i64be(recorded_at, microseconds since 1970-01-01T00:00:00Z)
//!             || str(event_type) || str(canonical_json(payload))
//!             || opt(causation_id) || opt(correlation_id) || opt(actor)
//! canonical(p) = place(p) || content(p)      (what `canonical_bytes` returns)
//! str(s)      = u64be(byte length of s) || UTF-8 bytes of s
//! opt(None)   = 0x00          opt(Some(s)) = 0x01 || str(s)
//! ```
//!
//! The content digest depends on the event alone, so it is computed once,
//! when the event is made ([`NewEvent::new`]), and an append hashes only
//! about 120 bytes an event while it holds the store's write lock, whatever
//! the payload's size. Version 1 hashed the whole encoding at that point.
//!
//! `canonical_json` writes JSON without whitespace, object keys sorted by their
//! UTF-8 bytes, strings escaped as `serde_json` escapes them and numbers as
//! `serde_json` prints them (integers as digits, floats in the shortest form
//! that parses back to the same `f64`). SQL adapters store exactly that text
//! as the payload and parse it back with `serde_json`'s `float_roundtrip`,
//! so a read event's canonical JSON is the text that was hashed. Because the
//! position is hashed, moving an event changes its hash; because each hash
//! covers the previous one, removing or altering an event breaks every later
//! link. The encoding is pinned by a test: a change to it is a new chain
//! version.

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::event::{NewEvent, Position, RecordedEvent, StreamId, Version};
use crate::port::EventStore;

const DOMAIN: &[u8] = b"bureau-store/chain/v2";

/// The prefix of an event's content digest.
const EVENT_DOMAIN: &[u8] = b"bureau-store/event/v1";

/// How many events [`verify`] reads per page.
const VERIFY_PAGE: usize = 500;

/// A SHA-256 chain hash.
///
/// # Examples
///
/// ```
/// use bureau_store::ChainHash;
///
/// assert_eq!(ChainHash::GENESIS.as_bytes(), &[0u8; 32]);
/// assert_eq!(ChainHash::from_slice(&[0u8; 32]), Some(ChainHash::GENESIS));
/// assert_eq!(ChainHash::from_slice(&[0u8; 3]), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChainHash([u8; 32]);

impl ChainHash {
    /// The hash before the first event: 32 zero bytes.
    pub const GENESIS: Self = Self([0; 32]);

    /// Wraps 32 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::ChainHash::from_bytes([1; 32]).as_bytes(), &[1; 32]);
    /// ```
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads 32 bytes from a slice; `None` for any other length.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(bureau_store::ChainHash::from_slice(&[7; 32]).is_some());
    /// ```
    #[must_use]
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    /// The 32 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::ChainHash::GENESIS.as_bytes().len(), 32);
    /// ```
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The hash of `event`, stored at `position` as `version` of `stream`,
    /// following `self` (the hash of the event at the previous position).
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, NewEvent, Position, StreamId, Version};
    ///
    /// let event = NewEvent::new("opened", serde_json::json!({"b": 1, "a": 2}), chrono::DateTime::UNIX_EPOCH);
    /// let stream = StreamId::new("s")?;
    /// let first = ChainHash::GENESIS.link(Position::FIRST, &stream, Version::new(1), &event);
    /// // The encoding is fixed: the same event always gives the same hash.
    /// assert_eq!(first, ChainHash::GENESIS.link(Position::FIRST, &stream, Version::new(1), &event));
    /// assert_ne!(first, ChainHash::GENESIS.link(Position::new(2), &stream, Version::new(1), &event));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn link(
        &self,
        position: Position,
        stream: &StreamId,
        version: Version,
        event: &NewEvent,
    ) -> Self {
        let digest = event
            .content_digest()
            .unwrap_or_else(|| content_digest(event, &canonical_json(event.payload())));
        self.link_digest(position, stream, version, &digest)
    }

    /// [`link`](Self::link) with the event's content digest already
    /// computed (when the event was made).
    pub(crate) fn link_digest(
        &self,
        position: Position,
        stream: &StreamId,
        version: Version,
        digest: &[u8; 32],
    ) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        hasher.update(self.0);
        hasher.put(&position.get().to_be_bytes());
        put_str(&mut hasher, stream.as_str());
        hasher.put(&version.get().to_be_bytes());
        hasher.update(digest);
        Self(hasher.finalize().into())
    }
}

/// The digest of an event's content (see the [encoding](self)), `json`
/// being its payload's canonical JSON.
pub(crate) fn content_digest(event: &NewEvent, json: &str) -> [u8; 32] {
    content_digest_of(
        event.event_type(),
        event.recorded_at(),
        json,
        event.metadata(),
    )
}

/// [`content_digest`] from an event's parts, for the event's constructors.
pub(crate) fn content_digest_of(
    event_type: &str,
    recorded_at: chrono::DateTime<chrono::Utc>,
    json: &str,
    metadata: &crate::event::EventMetadata,
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(EVENT_DOMAIN);
    encode_content(&mut hasher, event_type, recorded_at, json, metadata);
    hasher.finalize().into()
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Reads the 64 lower- or upper-case hexadecimal digits [`Display`](fmt::Display)
/// writes.
///
/// # Examples
///
/// ```
/// use bureau_store::ChainHash;
/// let hash = ChainHash::from_bytes([0xab; 32]);
/// assert_eq!(hash.to_string().parse::<ChainHash>()?, hash);
/// assert!("ab".parse::<ChainHash>().is_err());
/// # Ok::<(), bureau_store::Error>(())
/// ```
impl std::str::FromStr for ChainHash {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let invalid = || Error::InvalidChainHash {
            text: text.to_owned(),
        };
        let digits = text.as_bytes();
        // Checked digit by digit: `from_str_radix` alone would take a sign.
        if digits.len() != 64 || !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(invalid());
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| invalid())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
        }
        Ok(Self(bytes))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ChainHash {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> core::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ChainHash {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({self})")
    }
}

/// The canonical bytes of an event at a place in the chain (see the module
/// documentation for the layout).
///
/// # Examples
///
/// ```
/// use bureau_store::{canonical_bytes, NewEvent, Position, StreamId, Version};
///
/// let event = NewEvent::new("t", serde_json::json!(null), chrono::DateTime::UNIX_EPOCH);
/// let bytes = canonical_bytes(Position::FIRST, &StreamId::new("s")?, Version::new(1), &event);
/// assert_eq!(&bytes[..8], &1u64.to_be_bytes());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn canonical_bytes(
    position: Position,
    stream: &StreamId,
    version: Version,
    event: &NewEvent,
) -> Vec<u8> {
    let json = match event.canonical_payload() {
        Some(json) => std::borrow::Cow::Borrowed(json),
        None => std::borrow::Cow::Owned(canonical_json(event.payload())),
    };
    let mut out = Vec::with_capacity(80 + json.len());
    out.put(&position.get().to_be_bytes());
    put_str(&mut out, stream.as_str());
    out.put(&version.get().to_be_bytes());
    encode_content(
        &mut out,
        event.event_type(),
        event.recorded_at(),
        &json,
        event.metadata(),
    );
    out
}

/// Where the encoding is written: a buffer, or a hasher directly (no copy of
/// the canonical bytes is made to hash them).
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// `content(p)` of the encoding: what the content digest covers.
fn encode_content(
    out: &mut impl Sink,
    event_type: &str,
    recorded_at: chrono::DateTime<chrono::Utc>,
    json: &str,
    metadata: &crate::event::EventMetadata,
) {
    out.put(&recorded_at.timestamp_micros().to_be_bytes());
    put_str(out, event_type);
    put_str(out, json);
    for field in [
        metadata.causation(),
        metadata.correlation(),
        metadata.actor_name(),
    ] {
        match field {
            None => out.put(&[0]),
            Some(text) => {
                out.put(&[1]);
                put_str(out, text);
            }
        }
    }
}

fn put_str(out: &mut impl Sink, text: &str) {
    out.put(&(text.len() as u64).to_be_bytes());
    out.put(text.as_bytes());
}

/// `value` as canonical JSON: no whitespace, object keys sorted by their
/// bytes, strings and numbers spelled as `serde_json` spells them.
///
/// Written here rather than relying on `serde_json`'s map order, which changes
/// when any crate in a build enables its `preserve_order` feature.
pub(crate) fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_json(value, &mut out);
    // Only valid UTF-8 was written: JSON punctuation, `serde_json`'s escaping
    // of `str`s, and number digits.
    String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

fn write_json(value: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => {
            // Writing into a Vec cannot fail.
            let _ = write!(out, "{number}");
        }
        Value::String(text) => write_json_string(text, out),
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_json(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            let mut first = true;
            let mut entry = |key: &String, item: &Value, out: &mut Vec<u8>| {
                if !first {
                    out.push(b',');
                }
                first = false;
                write_json_string(key, out);
                out.push(b':');
                write_json(item, out);
            };
            // A map is usually already in byte order (serde_json's default
            // map is sorted); sort a copy of the entries only when it is not.
            let sorted = map
                .keys()
                .zip(map.keys().skip(1))
                .all(|(a, b)| a.as_bytes() <= b.as_bytes());
            if sorted {
                for (key, item) in map {
                    entry(key, item, out);
                }
            } else {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                for (key, item) in entries {
                    entry(key, item, out);
                }
            }
            out.push(b'}');
        }
    }
}

fn write_json_string(text: &str, out: &mut Vec<u8>) {
    // Serializing a `str` into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// The first place where the stored chain differs from what was appended,
/// as [`Verification::first_break`] reports it with its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BreakKind {
    /// No event is stored at this position although a later one is.
    Missing,
    /// The event at this position is not the successor, in its stream, of the
    /// stream's previous event in global order (events were moved).
    OutOfOrder,
    /// The event's content (or its stored hash) does not match the chain, or
    /// the row cannot be read as an event.
    Altered,
    /// The chain ends before a [`Checkpoint`] taken earlier: the events from
    /// this position on were cut off the end (only [`verify_against`] can
    /// tell).
    Truncated,
    /// The chain links up, but its hash at a [`Checkpoint`]'s last event is
    /// not the one recorded then: events up to this position were changed
    /// and the chain recomputed over them (only [`verify_against`] can
    /// tell).
    Rewritten,
}

/// What a [`Verification`] found at its end, kept elsewhere (a log, another
/// database, a document an auditor signed) to check the store against later
/// with [`verify_against`]: the number of events and the chain hash of the
/// last one. Without it, cutting events off the end of the chain, or
/// rewriting it whole, leaves a chain that links up.
///
/// # Examples
///
/// ```
/// use bureau_store::{ChainHash, Checkpoint, Verification};
///
/// let empty = Verification::Intact { events: 0, head: ChainHash::GENESIS };
/// assert_eq!(empty.checkpoint(), Some(Checkpoint::new(0, ChainHash::GENESIS)));
/// ```
///
/// With the `serde` feature it serializes as
/// `{"events": 12, "head": "<64 hex digits>"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Checkpoint {
    events: u64,
    head: ChainHash,
}

impl Checkpoint {
    /// A checkpoint after `events` events whose last one has chain hash
    /// `head` ([`ChainHash::GENESIS`] for none).
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, Checkpoint};
    /// let checkpoint = Checkpoint::new(12, ChainHash::from_bytes([7; 32]));
    /// assert_eq!(checkpoint.events(), 12);
    /// ```
    #[must_use]
    pub const fn new(events: u64, head: ChainHash) -> Self {
        Self { events, head }
    }

    /// How many events the chain held.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, Checkpoint};
    /// assert_eq!(Checkpoint::new(3, ChainHash::GENESIS).events(), 3);
    /// ```
    #[must_use]
    pub const fn events(&self) -> u64 {
        self.events
    }

    /// The chain hash of the last of them.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ChainHash, Checkpoint};
    /// assert_eq!(Checkpoint::new(0, ChainHash::GENESIS).head(), ChainHash::GENESIS);
    /// ```
    #[must_use]
    pub const fn head(&self) -> ChainHash {
        self.head
    }
}

/// The outcome of [`verify`].
///
/// # Examples
///
/// ```
/// use bureau_store::{ChainHash, Verification};
///
/// let empty = Verification::Intact { events: 0, head: ChainHash::GENESIS };
/// assert!(empty.is_intact());
/// assert_eq!(empty.first_break(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verification {
    /// Every stored event links to its predecessor.
    ///
    /// The chain alone cannot tell that events were cut off the end: keep its
    /// [`checkpoint`](Self::checkpoint) somewhere else and verify later with
    /// [`verify_against`].
    Intact {
        /// How many events were checked.
        events: u64,
        /// The hash of the last event ([`ChainHash::GENESIS`] when empty).
        head: ChainHash,
    },
    /// The first position at which the chain breaks.
    Broken {
        /// The position of the first break.
        position: Position,
        /// What was found there.
        kind: BreakKind,
    },
}

impl Verification {
    /// Whether the chain is intact.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{BreakKind, Position, Verification};
    /// let broken = Verification::Broken { position: Position::FIRST, kind: BreakKind::Altered };
    /// assert!(!broken.is_intact());
    /// ```
    #[must_use]
    pub fn is_intact(&self) -> bool {
        matches!(self, Self::Intact { .. })
    }

    /// Where an intact chain ended, to keep for [`verify_against`]; `None`
    /// for a broken one.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{BreakKind, Position, Verification};
    /// let broken = Verification::Broken { position: Position::FIRST, kind: BreakKind::Missing };
    /// assert_eq!(broken.checkpoint(), None);
    /// ```
    #[must_use]
    pub fn checkpoint(&self) -> Option<Checkpoint> {
        match self {
            Self::Intact { events, head } => Some(Checkpoint::new(*events, *head)),
            Self::Broken { .. } => None,
        }
    }

    /// The first break, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{BreakKind, Position, Verification};
    /// let broken = Verification::Broken { position: Position::new(4), kind: BreakKind::Missing };
    /// assert_eq!(broken.first_break(), Some((Position::new(4), BreakKind::Missing)));
    /// ```
    #[must_use]
    pub fn first_break(&self) -> Option<(Position, BreakKind)> {
        match *self {
            Self::Intact { .. } => None,
            Self::Broken { position, kind } => Some((position, kind)),
        }
    }
}

/// Checks the whole chain of `store`, reading it in pages in global order.
///
/// Reports the first position whose presence, order or content differs from
/// what was appended: a gap in positions ([`BreakKind::Missing`]), an event
/// that is not its stream's next version ([`BreakKind::OutOfOrder`]), or a hash
/// that does not match the recomputed link, or an unreadable row
/// ([`BreakKind::Altered`]).
///
/// # Errors
///
/// Errors of the store other than [`Error::Corrupt`] (which is reported as a
/// break at its position).
///
/// # Examples
///
/// ```
/// use bureau_store::{verify, EventStore, ExpectedVersion, InMemoryStore, NewEvent, StreamId};
///
/// # tokio_test_block_on(async {
/// let store = InMemoryStore::new();
/// let event = NewEvent::new("opened", serde_json::json!({}), chrono::DateTime::UNIX_EPOCH);
/// store.append(&StreamId::new("s")?, ExpectedVersion::Any, &[event]).await?;
/// assert!(verify(&store).await?.is_intact());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn verify<S: EventStore + ?Sized>(store: &S) -> Result<Verification> {
    walk(store, None).await
}

/// Checks the whole chain of `store` as [`verify`] does, and also that it
/// still holds what `checkpoint` recorded: at least as many events, the
/// last of them with the recorded hash. So it also finds events cut off the
/// end ([`BreakKind::Truncated`], at the first missing position) and a chain
/// changed and recomputed up to the checkpoint ([`BreakKind::Rewritten`], at
/// the checkpoint's last event). Events appended since the checkpoint are
/// checked like the others.
///
/// # Errors
///
/// As [`verify`].
///
/// # Examples
///
/// ```
/// use bureau_store::{verify, verify_against, BreakKind, EventStore, ExpectedVersion, InMemoryStore, NewEvent, StreamId};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = InMemoryStore::new();
/// let stream = StreamId::new("s")?;
/// let event = |n: i32| NewEvent::new("counted", serde_json::json!({"n": n}), chrono::DateTime::UNIX_EPOCH);
/// store.append(&stream, ExpectedVersion::Any, &[event(1), event(2)]).await?;
/// let checkpoint = verify(&store).await?.checkpoint().ok_or("broken")?;
/// store.append(&stream, ExpectedVersion::Any, &[event(3)]).await?;
/// assert!(verify_against(&store, &checkpoint).await?.is_intact());
///
/// // A store holding one event where the checkpoint saw two.
/// let cut = InMemoryStore::new();
/// cut.append(&stream, ExpectedVersion::Any, &[event(1)]).await?;
/// assert!(verify(&cut).await?.is_intact());
/// let found = verify_against(&cut, &checkpoint).await?.first_break().map(|(_, kind)| kind);
/// assert_eq!(found, Some(BreakKind::Truncated));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn verify_against<S: EventStore + ?Sized>(
    store: &S,
    checkpoint: &Checkpoint,
) -> Result<Verification> {
    walk(store, Some(checkpoint)).await
}

/// The walk behind [`verify`] and [`verify_against`].
async fn walk<S: EventStore + ?Sized>(
    store: &S,
    checkpoint: Option<&Checkpoint>,
) -> Result<Verification> {
    // What an intact walk of `count` events ending in `head` amounts to,
    // against the checkpoint.
    let end = |count: u64, head: ChainHash| match checkpoint {
        Some(c) if count < c.events => Verification::Broken {
            position: Position::new(count.saturating_add(1)),
            kind: BreakKind::Truncated,
        },
        _ => Verification::Intact {
            events: count,
            head,
        },
    };
    {
        let mut expected = Position::FIRST;
        let mut head = ChainHash::GENESIS;
        let mut versions: HashMap<StreamId, Version> = HashMap::new();
        let mut count: u64 = 0;
        loop {
            let (page, corrupt_at) = match store.read_all(expected, VERIFY_PAGE).await {
                Ok(page) => (page, None),
                Err(Error::Corrupt { position, .. }) => {
                    // Check the readable rows before the corrupt one first:
                    // the first break may lie among them. Their number is
                    // not `position - expected` when rows are missing before
                    // it, so find the longest readable page.
                    let page = readable_prefix(store, expected, VERIFY_PAGE).await?;
                    (page, Some(position))
                }
                Err(error) => return Err(error),
            };
            let full = page.len() == VERIFY_PAGE;
            for event in &page {
                if event.position() != expected {
                    return Ok(Verification::Broken {
                        position: expected,
                        kind: BreakKind::Missing,
                    });
                }
                let previous = versions.get(event.stream()).copied().unwrap_or_default();
                if previous.next() != Some(event.version()) {
                    return Ok(Verification::Broken {
                        position: expected,
                        kind: BreakKind::OutOfOrder,
                    });
                }
                let link = head.link(expected, event.stream(), event.version(), event.event());
                if link != event.hash() {
                    return Ok(Verification::Broken {
                        position: expected,
                        kind: BreakKind::Altered,
                    });
                }
                versions.insert(event.stream().clone(), event.version());
                head = link;
                count += 1;
                if let Some(c) = checkpoint
                    && c.events == count
                    && c.head != head
                {
                    return Ok(Verification::Broken {
                        position: expected,
                        kind: BreakKind::Rewritten,
                    });
                }
                match expected.next() {
                    Some(next) => expected = next,
                    None => return Ok(end(count, head)),
                }
            }
            if let Some(position) = corrupt_at {
                // The next stored row is the unreadable one: either it sits
                // where the next event is due (altered), or rows before it
                // are missing.
                let kind = if position > expected {
                    BreakKind::Missing
                } else {
                    BreakKind::Altered
                };
                return Ok(Verification::Broken {
                    position: expected,
                    kind,
                });
            }
            if !full {
                return Ok(end(count, head));
            }
        }
    }
}

/// The longest page of at most `limit` events from `from` that reads
/// without [`Error::Corrupt`], found by bisection (a read of `limit` rows
/// failed with it).
async fn readable_prefix<S: EventStore + ?Sized>(
    store: &S,
    from: Position,
    limit: usize,
) -> Result<Vec<RecordedEvent>> {
    // Invariant: `good` rows read, `bad` rows do not.
    let (mut good, mut bad) = (Vec::new(), limit);
    let mut low = 0usize;
    while bad - low > 1 {
        let mid = low + (bad - low) / 2;
        match store.read_all(from, mid).await {
            Ok(page) if page.len() < mid => return Ok(page),
            Ok(page) => {
                low = mid;
                good = page;
            }
            Err(Error::Corrupt { .. }) => bad = mid,
            Err(error) => return Err(error),
        }
    }
    Ok(good)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_hash_text_is_exactly_64_hex_digits() {
        let hash = ChainHash::from_bytes(core::array::from_fn(|i| u8::try_from(i * 7).unwrap()));
        assert_eq!(hash.to_string().parse::<ChainHash>().unwrap(), hash);
        assert_eq!(
            hash.to_string()
                .to_uppercase()
                .parse::<ChainHash>()
                .unwrap(),
            hash
        );
        for bad in [
            String::new(),
            "0".repeat(63),
            "0".repeat(65),
            format!("+f{}", "0".repeat(62)),
            format!("{}g", "0".repeat(63)),
            format!("é{}", "0".repeat(62)),
        ] {
            assert!(
                matches!(bad.parse::<ChainHash>(), Err(Error::InvalidChainHash { ref text }) if *text == bad),
                "{bad:?}"
            );
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn checkpoints_round_trip_through_json() {
        let checkpoint = Checkpoint::new(12, ChainHash::from_bytes([0xab; 32]));
        let json = serde_json::to_string(&checkpoint).unwrap();
        assert_eq!(
            json,
            format!(r#"{{"events":12,"head":"{}"}}"#, "ab".repeat(32))
        );
        assert_eq!(
            serde_json::from_str::<Checkpoint>(&json).unwrap(),
            checkpoint
        );
        assert!(serde_json::from_str::<Checkpoint>(r#"{"events":1,"head":"ab"}"#).is_err());
    }

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let value = serde_json::json!({"b": [1, 2.5, "x\"y"], "a": {"d": null, "c": true}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"c":true,"d":null},"b":[1,2.5,"x\"y"]}"#
        );
    }

    #[test]
    fn hash_of_a_known_event_is_stable() {
        // Pinned: a change of this value means stored chains no longer verify.
        let event = NewEvent::new(
            "opened",
            serde_json::json!({"id": 1}),
            chrono::DateTime::UNIX_EPOCH,
        );
        let stream = StreamId::new("s").unwrap();
        let hash = ChainHash::GENESIS.link(Position::FIRST, &stream, Version::new(1), &event);
        let mut content = Vec::new();
        content.extend_from_slice(b"bureau-store/event/v1");
        content.extend_from_slice(&0i64.to_be_bytes());
        content.extend_from_slice(&6u64.to_be_bytes());
        content.extend_from_slice(b"opened");
        content.extend_from_slice(&8u64.to_be_bytes());
        content.extend_from_slice(br#"{"id":1}"#);
        content.extend_from_slice(&[0, 0, 0]);
        let digest: [u8; 32] = Sha256::digest(&content).into();
        let mut manual = Sha256::new();
        manual.update(b"bureau-store/chain/v2");
        manual.update([0u8; 32]);
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(b"s");
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&digest);
        manual.update(&bytes);
        let expected: [u8; 32] = manual.finalize().into();
        assert_eq!(hash.as_bytes(), &expected);
        assert_eq!(
            hash.to_string(),
            expected
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
    }

    #[test]
    fn metadata_changes_the_hash() {
        let stream = StreamId::new("s").unwrap();
        let plain = NewEvent::new("t", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
        let with_actor = plain
            .clone()
            .with_metadata(crate::EventMetadata::new().actor(""));
        let a = ChainHash::GENESIS.link(Position::FIRST, &stream, Version::new(1), &plain);
        let b = ChainHash::GENESIS.link(Position::FIRST, &stream, Version::new(1), &with_actor);
        assert_ne!(a, b);
    }

    fn event_from(parts: (String, String, i64, Option<String>, Option<String>)) -> NewEvent {
        let (event_type, text, micros, causation, actor) = parts;
        let mut metadata = crate::EventMetadata::new();
        if let Some(id) = causation {
            metadata = metadata.causation_id(id);
        }
        if let Some(actor) = actor {
            metadata = metadata.actor(actor);
        }
        NewEvent::new(
            event_type,
            serde_json::json!({ "text": text }),
            chrono::DateTime::from_timestamp_micros(micros).unwrap(),
        )
        .with_metadata(metadata)
    }

    fn parts()
    -> impl proptest::strategy::Strategy<Value = (String, String, i64, Option<String>, Option<String>)>
    {
        (
            "[a-c]{0,3}",
            "[a-c\\x00\"]{0,3}",
            -2i64..2,
            proptest::option::of("[a-c]{0,2}"),
            proptest::option::of("[a-c]{0,2}"),
        )
    }

    proptest::proptest! {
        /// Different events never share canonical bytes (every field is
        /// length-prefixed or fixed-width), so they never share a link.
        #[test]
        fn canonical_bytes_are_injective(a in parts(), b in parts(), sa in "[xy]{1,2}", sb in "[xy]{1,2}") {
            let (ea, eb) = (event_from(a), event_from(b));
            let (sa, sb) = (StreamId::new(sa).unwrap(), StreamId::new(sb).unwrap());
            let same = ea == eb && sa == sb;
            let bytes_a = canonical_bytes(Position::FIRST, &sa, Version::new(1), &ea);
            let bytes_b = canonical_bytes(Position::FIRST, &sb, Version::new(1), &eb);
            proptest::prop_assert_eq!(same, bytes_a == bytes_b);
        }
    }
}
