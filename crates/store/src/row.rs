//! What SQL adapters share: turning a batch into rows and rows back into
//! events. Adapters stay thin: they move [`Row`]s in and out of tables.

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
/// let event = NewEvent::new("opened", serde_json::json!({"a": 1}), chrono::DateTime::UNIX_EPOCH);
/// let (rows, appended) = row::seal(&stream, ExpectedVersion::Any, Version::INITIAL, None, &[event.clone()])?;
/// assert_eq!(appended.version(), Version::new(1));
/// let back = rows.into_iter().next().ok_or("no row")?.into_recorded()?;
/// assert_eq!(back.event(), &event);
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
    /// Payload as JSON text (canonical JSON when written by [`seal`]).
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
    /// Whether any text column holds a NUL character (which PostgreSQL text
    /// and JSONB cannot store).
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{ExpectedVersion, NewEvent, StreamId, Version, row};
    /// let event = NewEvent::new("a\u{0}b", serde_json::Value::Null, chrono::DateTime::UNIX_EPOCH);
    /// let (rows, _) = row::seal(&StreamId::new("s")?, ExpectedVersion::Any, Version::INITIAL, None, &[event])?;
    /// assert!(rows.iter().any(|r| r.holds_nul()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn holds_nul(&self) -> bool {
        // JSON text escapes a NUL as \u0000, which JSONB rejects as well.
        [&self.stream, &self.event_type]
            .into_iter()
            .chain(self.causation_id.iter())
            .chain(self.correlation_id.iter())
            .chain(self.actor.iter())
            .any(|text| text.contains('\0'))
            || self.payload.contains("\\u0000")
    }

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
        let event = NewEvent::new(self.event_type, payload, recorded_at).with_metadata(metadata);
        Ok(RecordedEvent::new(stream, version, position, event, hash))
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

/// Checks `expected` against the stream's `actual` version and turns `events`
/// into the rows to insert after `last` (the position and hash of the last
/// stored event, `None` for an empty store).
///
/// Call it inside the transaction that serializes appends, after reading
/// `actual` and `last` there.
///
/// # Errors
///
/// [`Error::Conflict`] when `expected` does not admit `actual`;
/// [`Error::Corrupt`] when the stored `last` hash is not 32 bytes;
/// [`Error::Unsupported`] past the integer range.
///
/// # Examples
///
/// See [`Row`].
pub fn seal(
    stream: &StreamId,
    expected: ExpectedVersion,
    actual: Version,
    last: Option<(i64, Vec<u8>)>,
    events: &[NewEvent],
) -> Result<(Vec<Row>, Appended)> {
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
    let mut rows = Vec::with_capacity(events.len());
    let mut first = None;
    for event in events {
        version = version.next().ok_or_else(overflow)?;
        position = position.checked_add(1).ok_or_else(overflow)?;
        let at = Position::new(position);
        first.get_or_insert(at);
        // The canonical JSON is both hashed and stored: written once.
        let payload = crate::chain::canonical_json(event.payload());
        head = head.link_json(at, stream, version, event, &payload);
        let metadata = event.metadata();
        rows.push(Row {
            position: to_i64(position)?,
            stream: stream.as_str().to_owned(),
            version: to_i64(version.get())?,
            recorded_at_micros: event.recorded_at().timestamp_micros(),
            event_type: event.event_type().to_owned(),
            payload,
            causation_id: metadata.causation().map(str::to_owned),
            correlation_id: metadata.correlation().map(str::to_owned),
            actor: metadata.actor_name().map(str::to_owned),
            hash: head.as_bytes().to_vec(),
        });
    }
    let positions = first.map(|first| (first, Position::new(position)));
    Ok((rows, Appended::new(version, positions)))
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
            &[event],
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
            &[event],
        )
        .unwrap();
        let mut row = rows.into_iter().next().unwrap();
        row.payload = "{".to_owned();
        let error = row.into_recorded().unwrap_err();
        assert!(matches!(&error, Error::Corrupt { stream, version: 5, .. } if stream == "s"));
        assert!(error.to_string().contains("\"s\" version 5"));
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
        assert_eq!(rows[0].hash, expected.as_bytes().to_vec());
    }
}
