//! What SQL adapters share: turning a batch into rows and rows back into
//! events. Adapters stay thin: they move [`Row`]s in and out of tables.

use std::sync::Arc;

use chrono::DateTime;

use crate::chain::ChainHash;
use crate::error::{Error, Result};
use crate::event::{
    Appended, EventMetadata, ExpectedVersion, NewEvent, Position, RecordedEvent, StreamId, Version,
};

/// One stored event as SQL columns see it.
///
/// # Examples
///
/// ```
/// use bureau_store::{ExpectedVersion, NewEvent, StreamId, Version, row};
///
/// let stream = StreamId::new("s")?;
/// let events = [NewEvent::new("opened", serde_json::json!({"a": 1}), chrono::DateTime::UNIX_EPOCH)];
/// let (rows, appended) = row::seal(&stream, ExpectedVersion::Any, Version::INITIAL, None, &events)?;
/// assert_eq!(appended.version(), Version::new(1));
/// let back = rows.first().ok_or("no row")?.to_row().into_recorded()?;
/// assert_eq!(back.event(), &events[0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Global position (from 1).
    pub position: i64,
    /// Stream name.
    pub stream: String,
    /// Version within the stream (from 1).
    pub version: i64,
    /// Recorded-at, microseconds since 1970-01-01T00:00:00Z.
    pub recorded_at_micros: i64,
    /// Event type name.
    pub event_type: String,
    /// Payload as JSON text: the canonical JSON that was hashed, when
    /// written by [`seal`].
    pub payload: String,
    /// Causation id.
    pub causation_id: Option<String>,
    /// Correlation id.
    pub correlation_id: Option<String>,
    /// Actor.
    pub actor: Option<String>,
    /// Chain hash (32 bytes).
    pub hash: Vec<u8>,
}

impl Row {
    /// Reads the row back as an event.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] naming stream, version and position when a column
    /// does not hold what the store wrote (an empty stream, a version or
    /// position below 1, a payload that is not JSON, an instant out of range,
    /// a hash that is not 32 bytes).
    ///
    /// # Examples
    ///
    /// See [`Row`].
    pub fn into_recorded(self) -> Result<RecordedEvent> {
        let position = Position::new(u64::try_from(self.position).unwrap_or(0));
        let corrupt = |reason: String| Error::Corrupt {
            stream: self.stream.clone(),
            version: self.version,
            position,
            reason,
        };
        if self.position < 1 {
            return Err(corrupt(format!("position {} is below 1", self.position)));
        }
        let version = match u64::try_from(self.version) {
            Ok(version) if version >= 1 => Version::new(version),
            _ => return Err(corrupt(format!("version {} is below 1", self.version))),
        };
        let stream = StreamId::new(self.stream.clone()).map_err(|e| corrupt(e.to_string()))?;
        let payload: serde_json::Value = serde_json::from_str(&self.payload)
            .map_err(|e| corrupt(format!("payload is not JSON: {e}")))?;
        let recorded_at =
            DateTime::from_timestamp_micros(self.recorded_at_micros).ok_or_else(|| {
                corrupt(format!(
                    "instant {} is out of range",
                    self.recorded_at_micros
                ))
            })?;
        let hash = ChainHash::from_slice(&self.hash)
            .ok_or_else(|| corrupt(format!("hash has {} bytes, not 32", self.hash.len())))?;
        let mut metadata = EventMetadata::new();
        if let Some(id) = self.causation_id {
            metadata = metadata.causation_id(id);
        }
        if let Some(id) = self.correlation_id {
            metadata = metadata.correlation_id(id);
        }
        if let Some(actor) = self.actor {
            metadata = metadata.actor(actor);
        }
        let event = NewEvent::with_parts(self.event_type, payload, recorded_at, metadata);
        Ok(RecordedEvent::new(stream, version, position, event, hash))
    }
}

/// One event of a sealed batch, as an SQL adapter binds it: the text columns
/// shared with the events and the batch (cloning one is a reference count,
/// not a copy), so no byte of a payload is copied between the event and the
/// driver.
///
/// # Examples
///
/// ```
/// use bureau_store::{ExpectedVersion, NewEvent, StreamId, Version, row};
///
/// let stream = StreamId::new("s")?;
/// let events = [NewEvent::new("opened", serde_json::json!({"b": 1, "a": 2}), chrono::DateTime::UNIX_EPOCH)];
/// let (rows, _) = row::seal(&stream, ExpectedVersion::Any, Version::INITIAL, None, &events)?;
/// assert_eq!(&*rows[0].payload, r#"{"a":2,"b":1}"#);
/// assert_eq!((rows[0].position, rows[0].version), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SealedRow<'a> {
    /// Global position (from 1).
    pub position: i64,
    /// Stream name, one allocation for the whole batch.
    pub stream: Arc<str>,
    /// Version within the stream (from 1).
    pub version: i64,
    /// Recorded-at, microseconds since 1970-01-01T00:00:00Z.
    pub recorded_at_micros: i64,
    /// Event type name, shared with the event.
    pub event_type: Arc<str>,
    /// The canonical JSON that was hashed, shared with the event.
    pub payload: Arc<str>,
    /// Causation id.
    pub causation_id: Option<&'a str>,
    /// Correlation id.
    pub correlation_id: Option<&'a str>,
    /// Actor.
    pub actor: Option<&'a str>,
    /// Chain hash.
    pub hash: ChainHash,
}

impl SealedRow<'_> {
    /// The row as owned columns, as a store reads it back.
    ///
    /// # Examples
    ///
    /// See [`Row`].
    #[must_use]
    pub fn to_row(&self) -> Row {
        Row {
            position: self.position,
            stream: self.stream.to_string(),
            version: self.version,
            recorded_at_micros: self.recorded_at_micros,
            event_type: self.event_type.to_string(),
            payload: self.payload.to_string(),
            causation_id: self.causation_id.map(str::to_owned),
            correlation_id: self.correlation_id.map(str::to_owned),
            actor: self.actor.map(str::to_owned),
            hash: self.hash.as_bytes().to_vec(),
        }
    }
}

/// Converts a version or position to the `BIGINT` columns of SQL stores.
///
/// # Errors
///
/// [`Error::Unsupported`] past `i64::MAX`.
///
/// # Examples
///
/// ```
/// assert_eq!(bureau_store::row::to_i64(7)?, 7);
/// assert!(bureau_store::row::to_i64(u64::MAX).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_i64(value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| Error::Unsupported {
        value: value.to_string(),
        reason: "SQL stores keep versions and positions as 64-bit signed integers",
    })
}

/// A batch checked for an append, before the transaction that serializes
/// appends: payload depth checked (the canonical JSON that is both hashed
/// and stored was written when each event was made). [`seal`](Self::seal)
/// it inside the transaction.
///
/// # Examples
///
/// ```
/// use bureau_store::{ExpectedVersion, NewEvent, StreamId, Version, row::Batch};
///
/// let stream = StreamId::new("s")?;
/// let events = [NewEvent::new("opened", serde_json::json!({"x": 1.4000000000000001}), chrono::DateTime::UNIX_EPOCH)];
/// let batch = Batch::new(&stream, &events)?;
/// batch.refuse_nul("this store cannot hold NUL")?;
/// let (rows, appended) = batch.seal(ExpectedVersion::Any, Version::INITIAL, None)?;
/// assert_eq!(&*rows[0].payload, r#"{"x":1.4000000000000001}"#);
/// assert_eq!(appended.version(), Version::new(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Batch<'a> {
    stream: &'a StreamId,
    events: &'a [NewEvent],
}

impl<'a> Batch<'a> {
    /// Checks `events` and writes their payloads' canonical JSON.
    ///
    /// # Errors
    ///
    /// [`Error::PayloadTooDeep`] for a payload nested deeper than
    /// [`NewEvent::MAX_PAYLOAD_DEPTH`].
    ///
    /// # Examples
    ///
    /// See [`Batch`].
    pub fn new(stream: &'a StreamId, events: &'a [NewEvent]) -> Result<Self> {
        for event in events {
            event.check_depth()?;
        }
        Ok(Self { stream, events })
    }

    /// Refuses the batch when the stream name or an event holds a NUL
    /// character (see [`NewEvent::holds_nul`]), for stores whose text
    /// columns cannot hold it.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] naming the stream and the event type (never
    /// the payload), with `reason`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{Error, NewEvent, StreamId, row::Batch};
    ///
    /// let stream = StreamId::new("s")?;
    /// let events = [NewEvent::new("t", serde_json::json!("a\u{0}b"), chrono::DateTime::UNIX_EPOCH)];
    /// let refused = Batch::new(&stream, &events)?.refuse_nul("no NUL here");
    /// assert!(matches!(refused, Err(Error::Unsupported { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refuse_nul(&self, reason: &'static str) -> Result<()> {
        if self.stream.as_str().contains('\0') {
            return Err(Error::Unsupported {
                value: format!("stream {:?}", self.stream.as_str()),
                reason,
            });
        }
        match self.events.iter().position(NewEvent::holds_nul) {
            None => Ok(()),
            Some(index) => Err(Error::Unsupported {
                value: format!(
                    "event {} of the batch for stream {:?} (type {:?})",
                    index + 1,
                    self.stream.as_str(),
                    self.events
                        .get(index)
                        .map_or("", |event| event.event_type())
                ),
                reason,
            }),
        }
    }

    /// Checks `expected` against the stream's `actual` version and turns
    /// the batch into the rows to insert after `last` (the position and
    /// hash of the last stored event, `None` for an empty store).
    ///
    /// Call it inside the transaction that serializes appends, after
    /// reading `actual` and `last` there.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when `expected` does not admit `actual`;
    /// [`Error::Corrupt`] when the stored `last` hash is not 32 bytes;
    /// [`Error::Unsupported`] past the integer range.
    ///
    /// # Examples
    ///
    /// See [`Batch`].
    pub fn seal(
        self,
        expected: ExpectedVersion,
        actual: Version,
        last: Option<(i64, Vec<u8>)>,
    ) -> Result<(Vec<SealedRow<'a>>, Appended)> {
        let stream = self.stream;
        if !expected.admits(actual) {
            return Err(Error::Conflict {
                stream: stream.clone(),
                expected,
                actual,
            });
        }
        let (mut position, mut head) = match last {
            None => (0u64, ChainHash::GENESIS),
            Some((position, hash)) => {
                let at = u64::try_from(position).unwrap_or(0);
                let hash = ChainHash::from_slice(&hash).ok_or_else(|| Error::Corrupt {
                    stream: stream.to_string(),
                    version: 0,
                    position: Position::new(at),
                    reason: format!("stored hash of the last event has {} bytes", hash.len()),
                })?;
                (at, hash)
            }
        };
        let overflow = || Error::Unsupported {
            value: stream.to_string(),
            reason: "the version or position would pass u64::MAX",
        };
        let mut version = actual;
        let mut rows = Vec::with_capacity(self.events.len());
        let mut first = None;
        let shared_stream: Arc<str> = Arc::from(stream.as_str());
        for event in self.events {
            // `Batch::new` refused every event without canonical JSON.
            let (Some(payload), Some(digest)) =
                (event.shared_canonical_payload(), event.content_digest())
            else {
                return Err(Error::PayloadTooDeep {
                    event_type: event.event_type().to_owned(),
                    limit: NewEvent::MAX_PAYLOAD_DEPTH,
                });
            };
            version = version.next().ok_or_else(overflow)?;
            position = position.checked_add(1).ok_or_else(overflow)?;
            let at = Position::new(position);
            first.get_or_insert(at);
            head = head.link_digest(at, stream, version, &digest);
            let metadata = event.metadata();
            rows.push(SealedRow {
                position: to_i64(position)?,
                stream: Arc::clone(&shared_stream),
                version: to_i64(version.get())?,
                recorded_at_micros: event.recorded_at().timestamp_micros(),
                event_type: Arc::clone(event.shared_event_type()),
                payload: Arc::clone(payload),
                causation_id: metadata.causation(),
                correlation_id: metadata.correlation(),
                actor: metadata.actor_name(),
                hash: head,
            });
        }
        let positions = first.map(|first| (first, Position::new(position)));
        Ok((rows, Appended::new(version, positions)))
    }
}

/// [`Batch::new`] then [`Batch::seal`], for stores that check nothing
/// before their transaction.
///
/// # Errors
///
/// As [`Batch::new`] and [`Batch::seal`].
///
/// # Examples
///
/// See [`Row`].
pub fn seal<'a>(
    stream: &'a StreamId,
    expected: ExpectedVersion,
    actual: Version,
    last: Option<(i64, Vec<u8>)>,
    events: &'a [NewEvent],
) -> Result<(Vec<SealedRow<'a>>, Appended)> {
    Batch::new(stream, events)?.seal(expected, actual, last)
}

/// One stored event with its text columns as the database's bytes, for
/// stores (SQLite) whose text columns may hold bytes that are not UTF-8.
/// [`into_row`](Self::into_row) checks them.
///
/// # Examples
///
/// ```
/// use bureau_store::{Error, row::RowBytes};
///
/// let raw = RowBytes {
///     position: 1,
///     stream: b"s".to_vec(),
///     version: 1,
///     recorded_at_micros: 0,
///     event_type: b"t".to_vec(),
///     payload: vec![b'"', 0xff, b'"'],
///     causation_id: None,
///     correlation_id: None,
///     actor: None,
///     hash: vec![0; 32],
/// };
/// let error = raw.into_row().unwrap_err();
/// assert!(matches!(error, Error::Corrupt { ref stream, version: 1, .. } if stream == "s"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowBytes {
    /// As [`Row::position`].
    pub position: i64,
    /// As [`Row::stream`].
    pub stream: Vec<u8>,
    /// As [`Row::version`].
    pub version: i64,
    /// As [`Row::recorded_at_micros`].
    pub recorded_at_micros: i64,
    /// As [`Row::event_type`].
    pub event_type: Vec<u8>,
    /// As [`Row::payload`].
    pub payload: Vec<u8>,
    /// As [`Row::causation_id`].
    pub causation_id: Option<Vec<u8>>,
    /// As [`Row::correlation_id`].
    pub correlation_id: Option<Vec<u8>>,
    /// As [`Row::actor`].
    pub actor: Option<Vec<u8>>,
    /// As [`Row::hash`].
    pub hash: Vec<u8>,
}

impl RowBytes {
    /// The row with its text columns checked as UTF-8.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] naming stream (lossily decoded), version, position
    /// and the first column that is not UTF-8.
    ///
    /// # Examples
    ///
    /// See [`RowBytes`].
    pub fn into_row(self) -> Result<Row> {
        let position = Position::new(u64::try_from(self.position).unwrap_or(0));
        let stream_shown = String::from_utf8_lossy(&self.stream).into_owned();
        let version = self.version;
        let text = |column: &'static str, bytes: Vec<u8>| {
            String::from_utf8(bytes).map_err(|error| Error::Corrupt {
                stream: stream_shown.clone(),
                version,
                position,
                reason: format!(
                    "column {column} is not UTF-8 (byte {})",
                    error.utf8_error().valid_up_to()
                ),
            })
        };
        let optional = |column: &'static str, bytes: Option<Vec<u8>>| {
            bytes.map(|bytes| text(column, bytes)).transpose()
        };
        Ok(Row {
            position: self.position,
            stream: text("stream", self.stream)?,
            version: self.version,
            recorded_at_micros: self.recorded_at_micros,
            event_type: text("event_type", self.event_type)?,
            payload: text("payload", self.payload)?,
            causation_id: optional("causation_id", self.causation_id)?,
            correlation_id: optional("correlation_id", self.correlation_id)?,
            actor: optional("actor", self.actor)?,
            hash: self.hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_writes_no_rows() {
        let stream = StreamId::new("s").unwrap();
        let event = NewEvent::new("t", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
        let outcome = seal(
            &stream,
            ExpectedVersion::Exact(Version::new(1)),
            Version::new(2),
            None,
            std::slice::from_ref(&event),
        );
        assert!(
            matches!(outcome, Err(Error::Conflict { actual, .. }) if actual == Version::new(2))
        );
    }

    #[test]
    fn corrupt_rows_name_stream_and_version() {
        let stream = StreamId::new("s").unwrap();
        let event = NewEvent::new("t", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
        let (rows, _) = seal(
            &stream,
            ExpectedVersion::Any,
            Version::new(4),
            None,
            std::slice::from_ref(&event),
        )
        .unwrap();
        let mut row = rows[0].to_row();
        row.payload = "{".to_owned();
        let error = row.into_recorded().unwrap_err();
        assert!(matches!(&error, Error::Corrupt { stream, version: 5, .. } if stream == "s"));
        assert!(error.to_string().contains("\"s\" version 5"));
    }

    #[test]
    fn the_deepest_accepted_payload_parses_back_and_one_more_level_would_not() {
        let nested = |depth: usize| {
            (0..depth).fold(serde_json::json!(1), |inner, _| serde_json::json!([inner]))
        };
        let stream = StreamId::new("s").unwrap();
        let at = chrono::DateTime::UNIX_EPOCH;
        let deepest = NewEvent::new("t", nested(NewEvent::MAX_PAYLOAD_DEPTH), at);
        let (rows, _) = seal(
            &stream,
            ExpectedVersion::Any,
            Version::INITIAL,
            None,
            std::slice::from_ref(&deepest),
        )
        .unwrap();
        let text = rows[0].payload.clone();
        assert_eq!(rows[0].to_row().into_recorded().unwrap().event(), &deepest);
        assert!(serde_json::from_str::<serde_json::Value>(&format!("[{text}]")).is_err());
        let deeper = NewEvent::new("t", nested(NewEvent::MAX_PAYLOAD_DEPTH + 1), at);
        let refused = seal(
            &stream,
            ExpectedVersion::Any,
            Version::INITIAL,
            None,
            std::slice::from_ref(&deeper),
        );
        assert!(matches!(
            refused,
            Err(Error::PayloadTooDeep { limit: 127, .. })
        ));
    }

    #[test]
    fn rows_continue_the_chain_after_last() {
        let stream = StreamId::new("s").unwrap();
        let event = NewEvent::new("t", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
        let prior = ChainHash::from_bytes([9; 32]);
        let (rows, appended) = seal(
            &stream,
            ExpectedVersion::Any,
            Version::INITIAL,
            Some((41, prior.as_bytes().to_vec())),
            std::slice::from_ref(&event),
        )
        .unwrap();
        assert_eq!(appended.first_position(), Some(Position::new(42)));
        let expected = prior.link(Position::new(42), &stream, Version::new(1), &event);
        assert_eq!(rows[0].hash, expected);
    }
}
