//! What the simulated day decided, waiting to be stored: every event of
//! every aggregate, per stream, appended at the end of the day in one
//! atomic call for all the streams that changed (each checked against the
//! version the simulation last stored, so nothing is lost or written
//! twice).

use std::collections::BTreeMap;

use bureau::DomainEvent;
use bureau::store::{
    AnyStore, EventStore, ExpectedVersion, NewEvent, StreamBatch, StreamId, Version,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Failure;

/// One stream's place: its id and the version stored so far.
struct Stream {
    id: StreamId,
    stored: Version,
    pending: Vec<NewEvent>,
}

/// The events decided but not stored yet, per stream.
pub struct Outbox {
    prefix: String,
    streams: BTreeMap<String, Stream>,
    /// Streams with pending events, in the order they first changed today.
    changed: Vec<String>,
    stored_events: u64,
}

impl Outbox {
    /// An outbox whose stream names start with `prefix` (a run's own
    /// streams in a database other runs wrote to).
    pub fn new(prefix: String) -> Self {
        Self {
            prefix,
            streams: BTreeMap::new(),
            changed: Vec::new(),
            stored_events: 0,
        }
    }

    /// Queues `events` of stream `name`, recorded at `at`.
    pub fn record<E: DomainEvent + Serialize>(
        &mut self,
        name: &str,
        events: &[E],
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        if events.is_empty() {
            return Ok(());
        }
        if !self.streams.contains_key(name) {
            let id = StreamId::new(format!("{}{name}", self.prefix))?;
            self.streams.insert(
                name.to_owned(),
                Stream {
                    id,
                    stored: Version::INITIAL,
                    pending: Vec::new(),
                },
            );
        }
        let stream = self.streams.get_mut(name).ok_or("stream")?;
        if stream.pending.is_empty() {
            self.changed.push(name.to_owned());
        }
        for event in events {
            stream.pending.push(NewEvent::new(
                event.event_type(),
                serde_json::to_value(event)?,
                at,
            ));
        }
        Ok(())
    }

    /// Appends every pending event in one atomic call: each stream that
    /// changed checked against the version this run last stored (so
    /// nothing is lost or written twice), in the order the streams first
    /// changed; returns how many were stored.
    pub async fn flush(&mut self, store: &AnyStore) -> Result<u64, Failure> {
        let changed = std::mem::take(&mut self.changed);
        let mut batches = Vec::with_capacity(changed.len());
        for name in &changed {
            let stream = self.streams.get(name).ok_or("stream")?;
            batches.push(StreamBatch::new(
                &stream.id,
                ExpectedVersion::Exact(stream.stored),
                &stream.pending,
            ));
        }
        let appended = store.append_streams(&batches).await?;
        let mut stored = 0;
        for (name, appended) in changed.iter().zip(appended) {
            let stream = self.streams.get_mut(name).ok_or("stream")?;
            stored += u64::try_from(stream.pending.len())?;
            stream.pending.clear();
            stream.stored = appended.version();
        }
        self.stored_events += stored;
        Ok(stored)
    }

    /// The id of stream `name`, once it holds an event.
    pub fn stream_id(&self, name: &str) -> Option<&StreamId> {
        self.streams.get(name).map(|s| &s.id)
    }

    /// How many events were stored in all.
    pub fn stored_events(&self) -> u64 {
        self.stored_events
    }

    /// How many streams hold events.
    pub fn streams(&self) -> usize {
        self.streams.len()
    }
}
