//! The one error type of the storage ports.

use crate::event::{ExpectedVersion, Position, StreamId, Version};

/// Why a storage operation failed.
///
/// Every variant that concerns a stored event names its stream and version, so
/// a caller can find the row. Adapters report database failures as
/// [`Error::Backend`], keeping their own error as the source.
///
/// The enum and every variant with fields are `#[non_exhaustive]`: new
/// variants and new fields can come without breaking a caller, who matches
/// with `{ .. }` and builds the variants an adapter reports through
/// [`Error::backend`], [`Error::conflict`], [`Error::unsupported`] and
/// [`Error::corrupt`]. Variants without fields are matched by name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A stream id was empty.
    #[error("stream id is empty")]
    EmptyStreamId,
    /// A stream id was longer than [`StreamId::MAX_LEN`] bytes.
    #[error("stream id of {length} bytes is longer than the limit of {limit} bytes")]
    #[non_exhaustive]
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
    #[non_exhaustive]
    PayloadTooDeep {
        /// The event type name of the event.
        event_type: String,
        /// The limit, [`NewEvent::MAX_PAYLOAD_DEPTH`](crate::NewEvent::MAX_PAYLOAD_DEPTH).
        limit: usize,
    },
    /// An append named a version the stream is not at; nothing was written.
    #[error("stream {stream:?} is at version {actual}, not at the expected version {expected}")]
    #[non_exhaustive]
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
    #[non_exhaustive]
    Contended {
        /// The stream appended to.
        stream: StreamId,
        /// How many appends were tried.
        attempts: u32,
    },
    /// A stored row could not be read back as an event (for example its payload
    /// is not JSON or its hash has the wrong length).
    #[error("stream {stream:?} version {version} at position {position} is corrupt: {reason}")]
    #[non_exhaustive]
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
    #[non_exhaustive]
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
    #[non_exhaustive]
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
    #[non_exhaustive]
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
    #[non_exhaustive]
    Encode {
        /// The event type name.
        event_type: String,
        /// The encoder's message.
        reason: String,
    },
    /// A value cannot be stored by this adapter (for example a NUL character in
    /// a PostgreSQL text column, or a version past the database's integer range).
    #[error("{value:?} cannot be stored: {reason}")]
    #[non_exhaustive]
    Unsupported {
        /// The offending value, as text.
        value: String,
        /// Why it cannot be stored.
        reason: &'static str,
    },
    /// A chain hash written as text is not 64 hexadecimal digits.
    #[error("{text:?} is not a chain hash (64 hexadecimal digits)")]
    #[non_exhaustive]
    InvalidChainHash {
        /// The text as given.
        text: String,
    },
    /// The database or its driver failed.
    #[error("storage backend failed: {0}")]
    #[non_exhaustive]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A conformance check of the testkit found a difference.
    #[cfg(feature = "testkit")]
    #[error("conformance check {check} failed: {detail}")]
    #[non_exhaustive]
    Conformance {
        /// The name of the check.
        check: &'static str,
        /// What differed.
        detail: String,
    },
}

/// Constructors for the errors an adapter outside this crate reports: the
/// variants are `#[non_exhaustive]`, so they cannot be built with a struct
/// expression there.
impl Error {
    /// A database or driver failure, keeping the adapter's error as the source.
    ///
    /// ```
    /// use bureau_store::Error;
    ///
    /// let io = std::io::Error::other("disk full");
    /// let err = Error::backend(io);
    /// assert_eq!(err.to_string(), "storage backend failed: disk full");
    /// ```
    pub fn backend(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Backend(error.into())
    }

    /// An append that found the stream at `actual` instead of `expected`;
    /// nothing was written.
    ///
    /// ```
    /// use bureau_store::{Error, ExpectedVersion, StreamId, Version};
    ///
    /// let stream = StreamId::new("ledger-1")?;
    /// let err = Error::conflict(stream, ExpectedVersion::Exact(Version::new(2)), Version::new(3));
    /// assert!(matches!(err, Error::Conflict { .. }));
    /// # Ok::<(), bureau_store::Error>(())
    /// ```
    pub fn conflict(stream: StreamId, expected: ExpectedVersion, actual: Version) -> Self {
        Error::Conflict {
            stream,
            expected,
            actual,
        }
    }

    /// A value this adapter cannot store, with the reason.
    ///
    /// ```
    /// use bureau_store::Error;
    ///
    /// let err = Error::unsupported("9999-12-31T23:59:60Z", "the instant is out of range");
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#""9999-12-31T23:59:60Z" cannot be stored: the instant is out of range"#
    /// );
    /// ```
    pub fn unsupported(value: impl Into<String>, reason: &'static str) -> Self {
        Error::Unsupported {
            value: value.into(),
            reason,
        }
    }

    /// A stored row that cannot be read back as an event.
    ///
    /// ```
    /// use bureau_store::{Error, Position};
    ///
    /// let err = Error::corrupt("ledger-1", 4, Position::new(17), "hash has 31 bytes");
    /// assert!(err.to_string().contains("version 4 at position 17"));
    /// ```
    pub fn corrupt(
        stream: impl Into<String>,
        version: i64,
        position: Position,
        reason: impl Into<String>,
    ) -> Self {
        Error::Corrupt {
            stream: stream.into(),
            version,
            position,
            reason: reason.into(),
        }
    }
}

/// The result type of the storage ports.
pub type Result<T, E = Error> = std::result::Result<T, E>;
