//! The one error type of the storage ports.

use crate::event::{ExpectedVersion, Position, StreamId, Version};

/// Why a storage operation failed.
///
/// Every variant that concerns a stored event names its stream and version, so
/// a caller can find the row. Adapters report database failures as
/// [`Error::Backend`], keeping their own error as the source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A stream id was empty.
    #[error("stream id is empty")]
    EmptyStreamId,
    /// A stream id was longer than [`StreamId::MAX_LEN`] bytes.
    #[error("stream id of {length} bytes is longer than the limit of {limit} bytes")]
    StreamIdTooLong {
        /// The length of the id, in bytes of UTF-8.
        length: usize,
        /// The limit, [`StreamId::MAX_LEN`].
        limit: usize,
    },
    /// A payload nests arrays and objects deeper than
    /// [`NewEvent::MAX_PAYLOAD_DEPTH`](crate::NewEvent::MAX_PAYLOAD_DEPTH) levels: it could not be read back.
    /// Nothing of the batch was written.
    #[error(
        "payload of the event of type {event_type:?} nests arrays and objects deeper than the limit of {limit} levels"
    )]
    PayloadTooDeep {
        /// The event type name of the event.
        event_type: String,
        /// The limit, [`NewEvent::MAX_PAYLOAD_DEPTH`](crate::NewEvent::MAX_PAYLOAD_DEPTH).
        limit: usize,
    },
    /// An append named a version the stream is not at; nothing was written.
    #[error("stream {stream:?} is at version {actual}, not at the expected version {expected}")]
    Conflict {
        /// The stream appended to.
        stream: StreamId,
        /// The version the caller expected.
        expected: ExpectedVersion,
        /// The version the stream is at.
        actual: Version,
    },
    /// The repository met a conflict on every attempt it was allowed.
    #[error("stream {stream:?} stayed contended after {attempts} attempts")]
    Contended {
        /// The stream appended to.
        stream: StreamId,
        /// How many appends were tried.
        attempts: u32,
    },
    /// A stored row could not be read back as an event (for example its payload
    /// is not JSON or its hash has the wrong length).
    #[error("stream {stream:?} version {version} at position {position} is corrupt: {reason}")]
    Corrupt {
        /// The stream of the row.
        stream: String,
        /// The version of the row, as stored.
        version: i64,
        /// The global position of the row.
        position: Position,
        /// What is wrong with it.
        reason: String,
    },
    /// A stored payload did not decode into the aggregate's event type (an
    /// unknown event type, or a payload of the wrong shape).
    #[error(
        "stream {stream:?} version {version}: event type {event_type:?} does not decode: {reason}"
    )]
    Decode {
        /// The stream of the event.
        stream: StreamId,
        /// The version of the event.
        version: Version,
        /// The stored event type name.
        event_type: String,
        /// The decoder's message.
        reason: String,
    },
    /// A stored event decodes but contradicts the state it is replayed on
    /// (see [`Aggregate::replay`](bureau_core::Aggregate::replay)): loading
    /// stops there instead of leaving the event out.
    #[error(
        "stream {stream:?} version {version}: stored event {event_type:?} does not replay: {reason}"
    )]
    Replay {
        /// The stream of the event.
        stream: StreamId,
        /// The version of the event.
        version: Version,
        /// The stored event type name.
        event_type: String,
        /// The aggregate's reason.
        reason: String,
    },
    /// A stored payload decoded into an event whose name differs from the
    /// stored event type.
    #[error(
        "stream {stream:?} version {version}: stored event type {stored:?} decodes as {decoded:?}"
    )]
    EventTypeMismatch {
        /// The stream of the event.
        stream: StreamId,
        /// The version of the event.
        version: Version,
        /// The stored event type name.
        stored: String,
        /// The name of the decoded event.
        decoded: String,
    },
    /// An event did not serialize to JSON.
    #[error("event of type {event_type:?} does not encode: {reason}")]
    Encode {
        /// The event type name.
        event_type: String,
        /// The encoder's message.
        reason: String,
    },
    /// A value cannot be stored by this adapter (for example a NUL character in
    /// a PostgreSQL text column, or a version past the database's integer range).
    #[error("{value:?} cannot be stored: {reason}")]
    Unsupported {
        /// The offending value, as text.
        value: String,
        /// Why it cannot be stored.
        reason: &'static str,
    },
    /// A chain hash written as text is not 64 hexadecimal digits.
    #[error("{text:?} is not a chain hash (64 hexadecimal digits)")]
    InvalidChainHash {
        /// The text as given.
        text: String,
    },
    /// The database or its driver failed.
    #[error("storage backend failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A conformance check of the testkit found a difference.
    #[cfg(feature = "testkit")]
    #[error("conformance check {check} failed: {detail}")]
    Conformance {
        /// The name of the check.
        check: &'static str,
        /// What differed.
        detail: String,
    },
}

/// The result type of the storage ports.
pub type Result<T, E = Error> = std::result::Result<T, E>;
