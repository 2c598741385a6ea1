//! Storage ports for bureau: a hash-chained event store, a repository that
//! loads and executes aggregates, an in-memory adapter, and the conformance
//! testkit every adapter passes.
//!
//! # Overview
//!
//! Domain crates decide; storage remembers. Every stateful entity is a
//! [`bureau_core::Aggregate`] whose events are the record of what happened.
//!
//! - [`EventStore`] is the port: [`append`](EventStore::append) with an
//!   [`ExpectedVersion`] (a stale one is [`Error::Conflict`] and writes
//!   nothing), [`read_stream`](EventStore::read_stream),
//!   [`read_all`](EventStore::read_all) in global commit order, in pages,
//!   [`stream_version`](EventStore::stream_version) and
//!   [`verify`](EventStore::verify).
//! - Every stored event carries a SHA-256 [`ChainHash`] over the previous hash
//!   and its [canonical bytes](canonical_bytes) (the encoding is documented and
//!   stable); [`verify`] reports the first position whose content, order or
//!   presence changed.
//! - [`Repository`] folds a stream into an aggregate ([`Repository::load`]) and
//!   executes commands with optimistic concurrency, retrying conflicts up to a
//!   [`RetryPolicy`] bound ([`Repository::execute`]).
//! - [`InMemoryStore`] keeps it all in memory, for tests and small tools.
//!   `bureau-store-sqlite` (the embedded default) and `bureau-store-postgres`
//!   are the durable adapters; the [`row`] module is what they share.
//!
//! # Examples
//!
//! ```
//! use bureau_store::{EventStore, ExpectedVersion, InMemoryStore, NewEvent, Position, StreamId, Version};
//!
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let store = InMemoryStore::new();
//! let stream = StreamId::new("invoice-2026-0001")?;
//! let at = chrono::DateTime::UNIX_EPOCH;
//! let issued = NewEvent::new("issued", serde_json::json!({"total": "119.00 EUR"}), at);
//! store.append(&stream, ExpectedVersion::Exact(Version::INITIAL), &[issued.clone()]).await?;
//!
//! // A writer that did not see the first event is refused; nothing is written.
//! let stale = store.append(&stream, ExpectedVersion::Exact(Version::INITIAL), &[issued]).await;
//! assert!(matches!(stale, Err(bureau_store::Error::Conflict { .. })));
//!
//! let page = store.read_all(Position::FIRST, 100).await?;
//! assert_eq!(page.len(), 1);
//! assert!(store.verify().await?.is_intact());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `testkit`: the `testkit` module, the conformance checks adapters run in
//!   their integration tests (pulls in `proptest` and `tokio`).
//! - `serde`, `proptest`: forwarded to `bureau-core`.

mod chain;
mod error;
mod event;
mod memory;
mod pause;
mod port;
mod repository;
pub mod row;
pub mod snapshot;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use chain::{
    BreakKind, ChainHash, Checkpoint, Verification, canonical_bytes, verify, verify_against,
};
pub use error::{Error, Result};
pub use event::{
    Appended, EventMetadata, ExpectedVersion, NewEvent, Position, RecordedEvent, StreamBatch,
    StreamId, Version,
};
pub use memory::InMemoryStore;
pub use port::{EventStore, READ_PAGE};
pub use repository::{EventContext, Loaded, Repository, RetryPolicy};
pub use snapshot::{SnapshotPolicy, SnapshotRejection, SnapshotStore, SnapshotUse, StoredSnapshot};

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
