//! The event-store port every adapter implements.

use std::future::Future;

use crate::chain::{Checkpoint, Verification};
use crate::error::Result;
use crate::event::{
    Appended, ExpectedVersion, NewEvent, Position, RecordedEvent, StreamBatch, StreamId, Version,
};

/// How many events [`EventStore::read_stream`] and the repository's folds
/// read at a time: enough to keep round trips rare, few enough that a page of
/// raw rows stays a few megabytes.
pub const READ_PAGE: usize = 4096;

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

    /// Appends several streams' batches as one atomic unit: every batch is
    /// written, in the order given, or none is. Each batch's `expected` is
    /// checked against its stream as the earlier batches of the same call
    /// left it, so a stream may appear more than once. Positions follow the
    /// batches' order and the chain runs through them as through separate
    /// appends; a reader sees all of them or none.
    ///
    /// One transaction for many streams costs one commit instead of one
    /// per stream: the way to store a day of a simulation or a unit of work
    /// that touched many aggregates.
    ///
    /// # Errors
    ///
    /// As [`append`](Self::append), for the first batch that fails: a
    /// [`Conflict`](crate::Error::Conflict) names its stream. Nothing of
    /// any batch is written then.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{EventStore, ExpectedVersion, InMemoryStore, NewEvent, StreamBatch, StreamId, Version};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let store = InMemoryStore::new();
    /// let (a, b) = (StreamId::new("a")?, StreamId::new("b")?);
    /// let event = |kind| NewEvent::new(kind, serde_json::json!({}), chrono::DateTime::UNIX_EPOCH);
    /// let (one, two) = ([event("opened")], [event("opened"), event("closed")]);
    /// let fresh = ExpectedVersion::Exact(Version::INITIAL);
    /// let appended = store
    ///     .append_streams(&[StreamBatch::new(&a, fresh, &one), StreamBatch::new(&b, fresh, &two)])
    ///     .await?;
    /// assert_eq!(appended[1].version(), Version::new(2));
    /// // A conflict in the second batch writes nothing of the first.
    /// let refused = store
    ///     .append_streams(&[StreamBatch::new(&a, ExpectedVersion::Any, &one), StreamBatch::new(&b, fresh, &one)])
    ///     .await;
    /// assert!(refused.is_err());
    /// assert_eq!(store.stream_version(&a).await?, Version::new(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn append_streams(
        &self,
        batches: &[StreamBatch<'_>],
    ) -> impl Future<Output = Result<Vec<Appended>>> + Send;

    /// At most `limit` events of `stream` with version `from` or later, in
    /// version order. Continue from the last version's successor to page; a
    /// page shorter than `limit` is the last.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`](crate::Error::Corrupt) for a row that cannot be read
    /// back; backend failures.
    fn read_stream_page(
        &self,
        stream: &StreamId,
        from: Version,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<RecordedEvent>>> + Send;

    /// Every event of `stream` with version `from` or later, in version
    /// order, read in pages of [`READ_PAGE`] events. A caller that folds a
    /// long stream reads it page by page with
    /// [`read_stream_page`](Self::read_stream_page) instead, as the
    /// repository does, so as never to hold all its rows at once.
    ///
    /// # Errors
    ///
    /// As [`read_stream_page`](Self::read_stream_page).
    fn read_stream(
        &self,
        stream: &StreamId,
        from: Version,
    ) -> impl Future<Output = Result<Vec<RecordedEvent>>> + Send
    where
        Self: Sized,
    {
        async move {
            let mut events = Vec::new();
            let mut from = from;
            loop {
                let page = self.read_stream_page(stream, from, READ_PAGE).await?;
                let last = page.last().map(RecordedEvent::version);
                let full = page.len() == READ_PAGE;
                events.extend(page);
                match last.and_then(Version::next) {
                    Some(next) if full => from = next,
                    _ => return Ok(events),
                }
            }
        }
    }

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
