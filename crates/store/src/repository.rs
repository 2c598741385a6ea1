//! Loading aggregates from their streams and executing commands on them.

use std::num::NonZeroU32;
use std::time::Duration;

use bureau_core::{Aggregate, DomainEvent};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::event::{EventMetadata, ExpectedVersion, NewEvent, RecordedEvent, StreamId, Version};
use crate::port::{EventStore, READ_PAGE};

/// How often [`Repository::execute`] tries again after a conflict, and how
/// long it pauses before each new attempt.
///
/// The pause before retry `n` (the first retry is 1) is drawn evenly from
/// zero to `min(max_pause, base_pause × 2^(n-1))` ("full jitter"): writers
/// that met on one stream spread out further at every conflict instead of
/// meeting again. The default is 100 attempts, pauses from 2 ms doubling to
/// at most 250 ms: with it, 8 writers executing 4,000 commands on one
/// PostgreSQL stream saw none end contended (the testkit's
/// `check_contention`); `backoff(Duration::ZERO, Duration::ZERO)` retries
/// at once.
///
/// Pauses need no particular async runtime (each is a short-lived sleeping
/// thread that wakes the task), so the repository runs on any executor.
///
/// # Examples
///
/// ```
/// use std::num::NonZeroU32;
/// use std::time::Duration;
/// use bureau_store::RetryPolicy;
///
/// let policy = RetryPolicy::new()
///     .max_attempts(NonZeroU32::new(3).ok_or("zero")?)
///     .backoff(Duration::from_millis(2), Duration::from_millis(5));
/// assert_eq!(policy.attempts(), 3);
/// assert_eq!(policy.pause_bound(1), Duration::from_millis(2));
/// assert_eq!(policy.pause_bound(2), Duration::from_millis(4));
/// assert_eq!(policy.pause_bound(3), Duration::from_millis(5));
/// assert_eq!(RetryPolicy::default().attempts(), 100);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    max_attempts: NonZeroU32,
    base_pause: Duration,
    max_pause: Duration,
}

impl RetryPolicy {
    /// The default: up to 100 attempts, pauses from 2 ms doubling up to
    /// 250 ms.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::RetryPolicy::new().attempts(), 100);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_attempts: NonZeroU32::MIN.saturating_add(99),
            base_pause: Duration::from_millis(2),
            max_pause: Duration::from_millis(250),
        }
    }

    /// Sets the most appends tried for one command (the first one included).
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::RetryPolicy;
    /// let once = RetryPolicy::new().max_attempts(std::num::NonZeroU32::MIN);
    /// assert_eq!(once.attempts(), 1);
    /// ```
    #[must_use]
    pub const fn max_attempts(mut self, attempts: NonZeroU32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the pause bound of the first retry (`base`) and the most any
    /// pause may last (`max`); the bound doubles from `base` at every retry
    /// up to `max`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use bureau_store::RetryPolicy;
    /// let eager = RetryPolicy::new().backoff(Duration::ZERO, Duration::ZERO);
    /// assert_eq!(eager.pause_bound(5), Duration::ZERO);
    /// ```
    #[must_use]
    pub const fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_pause = base;
        self.max_pause = max;
        self
    }

    /// The most appends tried for one command.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(bureau_store::RetryPolicy::new().attempts() > 1);
    /// ```
    #[must_use]
    pub const fn attempts(&self) -> u32 {
        self.max_attempts.get()
    }

    /// The pause bound of the first retry.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(bureau_store::RetryPolicy::new().base_pause(), Duration::from_millis(2));
    /// ```
    #[must_use]
    pub const fn base_pause(&self) -> Duration {
        self.base_pause
    }

    /// The most any pause lasts.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(bureau_store::RetryPolicy::new().max_pause(), Duration::from_millis(250));
    /// ```
    #[must_use]
    pub const fn max_pause(&self) -> Duration {
        self.max_pause
    }

    /// The longest pause before retry `retry` (1 for the first retry):
    /// `min(max_pause, base_pause × 2^(retry-1))`; zero for retry 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let policy = bureau_store::RetryPolicy::new();
    /// assert_eq!(policy.pause_bound(4), Duration::from_millis(16));
    /// assert_eq!(policy.pause_bound(40), Duration::from_millis(250));
    /// ```
    #[must_use]
    pub fn pause_bound(&self, retry: u32) -> Duration {
        let Some(doublings) = retry.checked_sub(1) else {
            return Duration::ZERO;
        };
        let factor = 1u32.checked_shl(doublings).unwrap_or(u32::MAX);
        self.base_pause.saturating_mul(factor).min(self.max_pause)
    }

    /// The jittered pause before retry `retry`.
    fn pause(&self, retry: u32) -> crate::pause::Pause {
        let bound = u64::try_from(self.pause_bound(retry).as_nanos()).unwrap_or(u64::MAX);
        crate::pause::Pause::new(Duration::from_nanos(crate::pause::jitter(bound)))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// When and by whom the events of a command are recorded.
///
/// # Examples
///
/// ```
/// use bureau_store::{EventContext, EventMetadata};
///
/// let context = EventContext::new(chrono::DateTime::UNIX_EPOCH)
///     .with_metadata(EventMetadata::new().actor("clerk"));
/// assert_eq!(context.metadata().actor_name(), Some("clerk"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventContext {
    recorded_at: DateTime<Utc>,
    metadata: EventMetadata,
}

impl EventContext {
    /// Events recorded at `recorded_at`, with empty metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// let context = bureau_store::EventContext::new(chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(context.recorded_at(), chrono::DateTime::UNIX_EPOCH);
    /// ```
    #[must_use]
    pub fn new(recorded_at: DateTime<Utc>) -> Self {
        Self {
            recorded_at,
            metadata: EventMetadata::default(),
        }
    }

    /// Replaces the metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{EventContext, EventMetadata};
    /// let c = EventContext::new(chrono::DateTime::UNIX_EPOCH).with_metadata(EventMetadata::new().actor("a"));
    /// assert_eq!(c.metadata().actor_name(), Some("a"));
    /// ```
    #[must_use]
    pub fn with_metadata(mut self, metadata: EventMetadata) -> Self {
        self.metadata = metadata;
        self
    }

    /// The instant given to every event of the command.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = bureau_store::EventContext::new(chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(c.recorded_at().timestamp(), 0);
    /// ```
    #[must_use]
    pub fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }

    /// The metadata given to every event of the command.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = bureau_store::EventContext::new(chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(c.metadata().actor_name(), None);
    /// ```
    #[must_use]
    pub fn metadata(&self) -> &EventMetadata {
        &self.metadata
    }
}

/// An aggregate folded from its stream, with the version it was folded to.
///
/// Keep it to execute several commands without reloading the whole stream:
/// [`Repository::execute_on`] catches up from the version it holds.
///
/// # Examples
///
/// See [`Repository`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded<A> {
    stream: StreamId,
    state: A,
    version: Version,
}

impl<A> Loaded<A> {
    /// `state`, folded from `stream` up to `version`.
    pub(crate) const fn at(stream: StreamId, state: A, version: Version) -> Self {
        Self {
            stream,
            state,
            version,
        }
    }

    /// The stream it was loaded from.
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    #[must_use]
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The folded state.
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    #[must_use]
    pub fn state(&self) -> &A {
        &self.state
    }

    /// The version of the last event folded in.
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// Takes the folded state.
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    #[must_use]
    pub fn into_state(self) -> A {
        self.state
    }
}

/// Loads aggregates by folding their streams and executes commands with
/// optimistic concurrency.
///
/// Events travel as JSON (`serde`), tagged with their
/// [`DomainEvent::event_type`]. No business rule lives here: the aggregate
/// decides, the repository records.
///
/// # Examples
///
/// ```
/// use bureau_core::{Aggregate, DomainEvent};
/// use bureau_store::{EventContext, InMemoryStore, Repository, StreamId, Version};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Default)]
/// struct Tally(u64);
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Counted;
/// impl DomainEvent for Counted {
///     fn event_type(&self) -> &'static str { "counted" }
/// }
/// impl Aggregate for Tally {
///     type Command = ();
///     type Event = Counted;
///     type Error = std::convert::Infallible;
///     fn decide(&self, _: &()) -> Result<Vec<Counted>, Self::Error> { Ok(vec![Counted]) }
///     fn apply(&mut self, _: &Counted) { self.0 += 1; }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let repository = Repository::new(InMemoryStore::new());
/// let stream = StreamId::new("tally-1")?;
/// let context = EventContext::new(chrono::DateTime::UNIX_EPOCH);
/// let events = repository.execute::<Tally>(&stream, &(), &context).await?;
/// assert_eq!(events.map(|e| e.len()), Ok(1));
/// let loaded = repository.load::<Tally>(&stream).await?;
/// assert_eq!(loaded.state().0, 1);
/// assert_eq!(loaded.version(), Version::new(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Repository<S> {
    store: S,
    retry: RetryPolicy,
}

impl<S: EventStore> Repository<S> {
    /// A repository over `store` with the default [`RetryPolicy`].
    ///
    /// # Examples
    ///
    /// ```
    /// let repository = bureau_store::Repository::new(bureau_store::InMemoryStore::new());
    /// assert_eq!(repository.retry_policy().attempts(), 100);
    /// ```
    #[must_use]
    pub fn new(store: S) -> Self {
        Self {
            store,
            retry: RetryPolicy::new(),
        }
    }

    /// Replaces the retry policy.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_store::{InMemoryStore, Repository, RetryPolicy};
    /// let r = Repository::new(InMemoryStore::new()).with_retry(RetryPolicy::new().max_attempts(std::num::NonZeroU32::MIN));
    /// assert_eq!(r.retry_policy().attempts(), 1);
    /// ```
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The retry policy.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = bureau_store::Repository::new(bureau_store::InMemoryStore::new());
    /// assert_eq!(r.retry_policy(), bureau_store::RetryPolicy::default());
    /// ```
    #[must_use]
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The underlying store.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = bureau_store::Repository::new(bureau_store::InMemoryStore::new());
    /// assert!(r.store().is_empty());
    /// ```
    #[must_use]
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Folds the events of `stream` into `A::default()`, each through
    /// [`Aggregate::replay`], so that every stored event is applied or the
    /// load fails.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] or [`Error::EventTypeMismatch`] naming the stream and
    /// version of an event that does not decode into `A::Event`;
    /// [`Error::Replay`] naming the stream, version and reason of an event
    /// the aggregate cannot fold in; store errors.
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    pub async fn load<A>(&self, stream: &StreamId) -> Result<Loaded<A>>
    where
        A: Aggregate + Default,
        A::Event: DomainEvent + DeserializeOwned,
        A::Error: core::fmt::Display,
    {
        let mut loaded = Loaded {
            stream: stream.clone(),
            state: A::default(),
            version: Version::INITIAL,
        };
        self.refresh(&mut loaded).await?;
        Ok(loaded)
    }

    /// Folds the events appended since `loaded` was last brought up to date.
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load). After an error `loaded` holds every event
    /// before the one reported, and its version says so.
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    pub async fn refresh<A>(&self, loaded: &mut Loaded<A>) -> Result<()>
    where
        A: Aggregate,
        A::Event: DomainEvent + DeserializeOwned,
        A::Error: core::fmt::Display,
    {
        // Page by page, each event folded as it is decoded: a long stream
        // never has all its rows in memory at once.
        loop {
            let Some(from) = loaded.version.next() else {
                return Ok(());
            };
            let page = self
                .store
                .read_stream_page(&loaded.stream, from, READ_PAGE)
                .await?;
            let full = page.len() == READ_PAGE;
            for recorded in page {
                let version = recorded.version();
                let event = decode::<A::Event>(recorded)?;
                loaded
                    .state
                    .replay(&event)
                    .map_err(|reason| Error::Replay {
                        stream: loaded.stream.clone(),
                        version,
                        event_type: event.event_type().to_owned(),
                        reason: reason.to_string(),
                    })?;
                loaded.version = version;
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Loads the aggregate of `stream`, then [`execute_on`](Self::execute_on)s
    /// `command`.
    ///
    /// Returns `Ok(Err(rejection))` when the aggregate rejects the command
    /// (nothing is written), `Ok(Ok(events))` once its events are stored.
    ///
    /// # Errors
    ///
    /// [`Error::Contended`] when every allowed attempt met a conflict;
    /// [`Error::Encode`] when an event does not serialize; load and store errors.
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    pub async fn execute<A>(
        &self,
        stream: &StreamId,
        command: &A::Command,
        context: &EventContext,
    ) -> Result<Result<Vec<A::Event>, A::Error>>
    where
        A: Aggregate + Default,
        A::Event: DomainEvent + Serialize + DeserializeOwned,
        A::Error: core::fmt::Display,
    {
        let mut loaded = self.load::<A>(stream).await?;
        self.execute_on(&mut loaded, command, context).await
    }

    /// Decides `command` on `loaded`, appends the events expecting
    /// `loaded`'s version and applies them. On a conflict it folds the events
    /// that arrived meanwhile and decides again, up to the retry policy's
    /// bound. A rejection is returned only once `loaded` is known to be up to
    /// date (a rejected decision on a lagging state folds the newer events
    /// and decides again, within the same bound).
    ///
    /// # Errors
    ///
    /// As [`execute`](Self::execute).
    ///
    /// # Examples
    ///
    /// See [`Repository`].
    pub async fn execute_on<A>(
        &self,
        loaded: &mut Loaded<A>,
        command: &A::Command,
        context: &EventContext,
    ) -> Result<Result<Vec<A::Event>, A::Error>>
    where
        A: Aggregate,
        A::Event: DomainEvent + Serialize + DeserializeOwned,
        A::Error: core::fmt::Display,
    {
        let attempts = self.retry.attempts();
        for attempt in 1..=attempts {
            let events = match loaded.state.decide(command) {
                Ok(events) => events,
                Err(rejection) => {
                    // Refuse only on the stream's latest state: a kept
                    // `Loaded` may lag behind other writers.
                    let seen = loaded.version;
                    self.refresh(loaded).await?;
                    if loaded.version == seen {
                        return Ok(Err(rejection));
                    }
                    continue;
                }
            };
            if events.is_empty() {
                return Ok(Ok(events));
            }
            let encoded = events
                .iter()
                .map(|event| encode(event, context))
                .collect::<Result<Vec<_>>>()?;
            match self
                .store
                .append(
                    &loaded.stream,
                    ExpectedVersion::Exact(loaded.version),
                    &encoded,
                )
                .await
            {
                Ok(appended) => {
                    for event in &events {
                        loaded.state.apply(event);
                    }
                    loaded.version = appended.version();
                    return Ok(Ok(events));
                }
                Err(Error::Conflict { .. }) => {
                    if attempt < attempts {
                        self.retry.pause(attempt).await;
                    }
                    self.refresh(loaded).await?;
                }
                Err(error) => return Err(error),
            }
        }
        Err(Error::Contended {
            stream: loaded.stream.clone(),
            attempts,
        })
    }
}

fn encode<E: DomainEvent + Serialize>(event: &E, context: &EventContext) -> Result<NewEvent> {
    let payload = serde_json::to_value(event).map_err(|error| Error::Encode {
        event_type: event.event_type().to_owned(),
        reason: error.to_string(),
    })?;
    Ok(NewEvent::with_parts(
        event.event_type().to_owned(),
        payload,
        context.recorded_at,
        context.metadata.clone(),
    ))
}

fn decode<E: DomainEvent + DeserializeOwned>(recorded: RecordedEvent) -> Result<E> {
    let stream = recorded.stream().clone();
    let version = recorded.version();
    let event = recorded.into_event();
    let stored = event.event_type().to_owned();
    let decoded = E::deserialize(event.payload()).map_err(|error| Error::Decode {
        stream: stream.clone(),
        version,
        event_type: stored.clone(),
        reason: error.to_string(),
    })?;
    if decoded.event_type() != stored {
        return Err(Error::EventTypeMismatch {
            stream,
            version,
            stored,
            decoded: decoded.event_type().to_owned(),
        });
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::event::{Appended, Position};
    use crate::memory::InMemoryStore;

    #[derive(Debug, Default)]
    struct Account {
        balance: u32,
    }

    #[derive(Debug, Serialize, serde::Deserialize)]
    enum Moved {
        In(u32),
        Out(u32),
    }

    impl DomainEvent for Moved {
        fn event_type(&self) -> &'static str {
            match self {
                Moved::In(_) => "in",
                Moved::Out(_) => "out",
            }
        }
    }

    impl Aggregate for Account {
        type Command = i64;
        type Event = Moved;
        type Error = String;

        fn decide(&self, amount: &i64) -> std::result::Result<Vec<Moved>, String> {
            let value = u32::try_from(amount.unsigned_abs()).map_err(|e| e.to_string())?;
            if *amount >= 0 {
                Ok(vec![Moved::In(value)])
            } else if value <= self.balance {
                Ok(vec![Moved::Out(value)])
            } else {
                Err(format!("cannot take {value} from {}", self.balance))
            }
        }

        fn apply(&mut self, event: &Moved) {
            match event {
                Moved::In(n) => self.balance = self.balance.saturating_add(*n),
                Moved::Out(n) => self.balance = self.balance.saturating_sub(*n),
            }
        }

        fn replay(&mut self, event: &Moved) -> std::result::Result<(), String> {
            if let Moved::Out(n) = event
                && *n > self.balance
            {
                return Err(format!("cannot take {n} from {}", self.balance));
            }
            self.apply(event);
            Ok(())
        }
    }

    fn context() -> EventContext {
        EventContext::new(chrono::DateTime::UNIX_EPOCH)
    }

    #[tokio::test]
    async fn a_rejected_command_writes_nothing() {
        let repository = Repository::new(InMemoryStore::new());
        let stream = StreamId::new("acct").unwrap();
        let taken = repository
            .execute::<Account>(&stream, &10, &context())
            .await
            .unwrap();
        assert!(matches!(taken.as_deref(), Ok([Moved::In(10)])));
        let refused = repository
            .execute::<Account>(&stream, &-11, &context())
            .await
            .unwrap();
        assert_eq!(refused.unwrap_err(), "cannot take 11 from 10");
        assert_eq!(repository.store().len(), 1);
        let loaded = repository.load::<Account>(&stream).await.unwrap();
        assert_eq!(
            (loaded.state().balance, loaded.version()),
            (10, Version::new(1))
        );
    }

    #[tokio::test]
    async fn a_stored_event_that_contradicts_the_state_fails_the_load_with_its_version() {
        use crate::port::EventStore;
        let store = InMemoryStore::new();
        let repository = Repository::new(store.clone());
        let stream = StreamId::new("acct").unwrap();
        let _ = repository
            .execute::<Account>(&stream, &10, &context())
            .await
            .unwrap();
        // Written past the aggregate's rules, as a hand-edited row would be.
        let forged = NewEvent::new(
            "out",
            serde_json::to_value(Moved::Out(50)).unwrap(),
            chrono::DateTime::UNIX_EPOCH,
        );
        store
            .append(&stream, ExpectedVersion::Exact(Version::new(1)), &[forged])
            .await
            .unwrap();
        let error = repository.load::<Account>(&stream).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "stream \"acct\" version 2: stored event \"out\" does not replay: cannot take 50 from 10"
        );
        assert!(matches!(error, Error::Replay { version, .. } if version == Version::new(2)));
    }

    /// A store whose appends always meet a conflict.
    #[derive(Clone, Debug, Default)]
    struct AlwaysContended {
        appends: Arc<AtomicU32>,
    }

    impl EventStore for AlwaysContended {
        async fn append(
            &self,
            stream: &StreamId,
            expected: ExpectedVersion,
            _events: &[NewEvent],
        ) -> Result<Appended> {
            self.appends.fetch_add(1, Ordering::SeqCst);
            Err(Error::Conflict {
                stream: stream.clone(),
                expected,
                actual: Version::new(99),
            })
        }

        async fn append_streams(
            &self,
            batches: &[crate::StreamBatch<'_>],
        ) -> Result<Vec<Appended>> {
            let mut appended = Vec::new();
            for batch in batches {
                appended.push(
                    self.append(batch.stream, batch.expected, batch.events)
                        .await?,
                );
            }
            Ok(appended)
        }

        async fn read_stream_page(
            &self,
            _: &StreamId,
            _: Version,
            _: usize,
        ) -> Result<Vec<RecordedEvent>> {
            Ok(Vec::new())
        }

        async fn read_all(&self, _: Position, _: usize) -> Result<Vec<RecordedEvent>> {
            Ok(Vec::new())
        }

        async fn stream_version(&self, _: &StreamId) -> Result<Version> {
            Ok(Version::INITIAL)
        }
    }

    #[tokio::test]
    async fn conflicts_are_retried_up_to_the_bound() {
        let store = AlwaysContended::default();
        let attempts = NonZeroU32::new(3).unwrap();
        let repository =
            Repository::new(store.clone()).with_retry(RetryPolicy::new().max_attempts(attempts));
        let stream = StreamId::new("hot").unwrap();
        let outcome = repository.execute::<Account>(&stream, &1, &context()).await;
        assert!(matches!(outcome, Err(Error::Contended { attempts: 3, .. })));
        assert_eq!(store.appends.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_conflict_folds_the_newer_events_and_decides_again() {
        let store = InMemoryStore::new();
        let repository = Repository::new(store.clone());
        let stream = StreamId::new("acct").unwrap();
        let mut stale = repository.load::<Account>(&stream).await.unwrap();
        // Another writer moves the stream on.
        let _ = repository
            .execute::<Account>(&stream, &5, &context())
            .await
            .unwrap();
        // Decided on the stale state (balance 0) this would be refused; after
        // folding the newer event it succeeds.
        let taken = repository
            .execute_on(&mut stale, &-5, &context())
            .await
            .unwrap();
        assert!(matches!(taken.as_deref(), Ok([Moved::Out(5)])));
        assert_eq!(
            (stale.state().balance, stale.version()),
            (0, Version::new(2))
        );
    }
}
