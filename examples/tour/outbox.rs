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

    /// Takes every pending event out as one delivery, each stream that
    /// changed expected at the version the deliveries before this one
    /// leave it at (deliveries are stored in the order they were taken).
    pub fn take_delivery(&mut self) -> Result<Delivery, Failure> {
        let changed = std::mem::take(&mut self.changed);
        let mut batches = Vec::with_capacity(changed.len());
        let mut events = 0;
        for name in &changed {
            let stream = self.streams.get_mut(name).ok_or("stream")?;
            let pending = std::mem::take(&mut stream.pending);
            let count = u64::try_from(pending.len())?;
            let expected = stream.stored;
            stream.stored = Version::new(expected.get() + count);
            events += count;
            batches.push((stream.id.clone(), expected, pending));
        }
        self.stored_events += events;
        Ok(Delivery { batches })
    }

    /// Takes every pending event out and stores it; returns how many.
    pub async fn flush(&mut self, store: &AnyStore) -> Result<(), Failure> {
        self.take_delivery()?
            .deliver(store)
            .await
            .map_err(|error| -> Failure { error })
    }

    /// The id of stream `name`, once it holds an event.
    pub fn stream_id(&self, name: &str) -> Option<&StreamId> {
        self.streams.get(name).map(|s| &s.id)
    }

    /// How many events were stored in all (taken out for storing: a
    /// delivery that fails ends the run).
    pub fn stored_events(&self) -> u64 {
        self.stored_events
    }

    /// How many streams hold events.
    pub fn streams(&self) -> usize {
        self.streams.len()
    }
}

/// Why a delivery failed; `Send`, since it is stored on another thread.
pub type StoreFailure = Box<dyn std::error::Error + Send + Sync>;

/// Events taken out of the outbox, owned, so they can be stored while the
/// simulation goes on.
pub struct Delivery {
    batches: Vec<(StreamId, Version, Vec<NewEvent>)>,
}

impl Delivery {
    /// Stores the delivery in one atomic call: every stream checked
    /// against the version expected of it, so nothing is lost or written
    /// twice.
    pub async fn deliver(self, store: &AnyStore) -> Result<(), StoreFailure> {
        let batches: Vec<StreamBatch<'_>> = self
            .batches
            .iter()
            .map(|(id, expected, events)| {
                StreamBatch::new(id, ExpectedVersion::Exact(*expected), events)
            })
            .collect();
        store.append_streams(&batches).await?;
        Ok(())
    }
}
