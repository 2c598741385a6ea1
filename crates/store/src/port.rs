//! The event-store port every adapter implements.

use std::future::Future;

use crate::chain::{Checkpoint, Verification};
use crate::error::Result;
use crate::event::{
    Appended, ExpectedVersion, NewEvent, Position, RecordedEvent, StreamId, Version,
};

/// A durable, append-only, hash-chained log of events, grouped in streams.
///
/// What every adapter guarantees (the [`testkit`](crate#crate-features) checks it):
///
/// - **Atomic appends with optimistic concurrency.** [`append`](Self::append)
///   writes all of a batch or none of it. When the stream is not at the
///   expected version it returns [`Error::Conflict`](crate::Error::Conflict)
///   and writes nothing. Versions within a stream are contiguous from 1.
/// - **One global order.** Every event takes the next global position
///   (contiguous from 1) in commit order. A reader paging with
///   [`read_all`](Self::read_all) never misses an event that commits later
///   with a lower position.
/// - **A chain.** Each event stores its [`ChainHash`](crate::ChainHash) over the
///   previous event's hash and its own canonical bytes;
///   [`verify`](Self::verify) finds the first position that was changed.
/// - **Verbatim storage.** Stream names, types, payloads and metadata come back
///   exactly as appended; values are always bound, never spliced into SQL.
///
/// Futures are `Send`, so a store can be used from any multi-threaded runtime.
///
/// # Examples
///
/// ```
/// use bureau_store::{EventStore, ExpectedVersion, InMemoryStore, NewEvent, Position, StreamId, Version};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = InMemoryStore::new();
/// let stream = StreamId::new("account-42")?;
/// let opened = NewEvent::new("opened", serde_json::json!({"owner": "Ada"}), chrono::DateTime::UNIX_EPOCH);
/// store.append(&stream, ExpectedVersion::Exact(Version::INITIAL), &[opened]).await?;
/// assert_eq!(store.stream_version(&stream).await?, Version::new(1));
/// assert_eq!(store.read_all(Position::FIRST, 100).await?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait EventStore: Send + Sync {
    /// Appends `events` to `stream` if it is at `expected`, as one atomic unit.
    ///
    /// An empty batch writes nothing and returns the current version (still
    /// checking `expected`).
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`](crate::Error::Conflict) when the stream is not at
    /// `expected` (nothing written); [`Error::Unsupported`](crate::Error::Unsupported)
    /// for a value the adapter cannot store; backend failures.
    fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> impl Future<Output = Result<Appended>> + Send;

    /// The events of `stream` with version `from` or later, in version order.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`](crate::Error::Corrupt) for a row that cannot be read
    /// back; backend failures.
    fn read_stream(
        &self,
        stream: &StreamId,
        from: Version,
    ) -> impl Future<Output = Result<Vec<RecordedEvent>>> + Send;

    /// At most `limit` events at global position `from` or later, in position
    /// order. Continue with the last position's successor to page.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`](crate::Error::Corrupt) for a row that cannot be read
    /// back; backend failures.
    fn read_all(
        &self,
        from: Position,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<RecordedEvent>>> + Send;

    /// The current version of `stream` ([`Version::INITIAL`] when it has no events).
    ///
    /// # Errors
    ///
    /// Backend failures.
    fn stream_version(&self, stream: &StreamId) -> impl Future<Output = Result<Version>> + Send;

    /// Checks the whole chain; see [`verify`](crate::verify).
    ///
    /// # Errors
    ///
    /// Backend failures.
    fn verify(&self) -> impl Future<Output = Result<Verification>> + Send
    where
        Self: Sized,
    {
        crate::chain::verify(self)
    }

    /// Checks the whole chain and that it still holds what `checkpoint`
    /// recorded; see [`verify_against`](crate::verify_against).
    ///
    /// # Errors
    ///
    /// Backend failures.
    fn verify_against(
        &self,
        checkpoint: &Checkpoint,
    ) -> impl Future<Output = Result<Verification>> + Send
    where
        Self: Sized,
    {
        crate::chain::verify_against(self, checkpoint)
    }
}
