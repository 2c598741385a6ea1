//! Fixed scenarios: concurrency, tampering, corrupt rows, verbatim storage.

use std::collections::HashSet;
use std::time::Duration;

use bureau_core::{Aggregate, DomainEvent};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use super::{Harness, TamperAction, ensure, fail};
use crate::chain::{BreakKind, ChainHash, Verification};
use crate::error::{Error, Result};
use crate::event::{
    EventMetadata, ExpectedVersion, NewEvent, Position, RecordedEvent, StreamBatch, StreamId,
    Version,
};
use crate::port::EventStore;
use crate::repository::{EventContext, Repository, RetryPolicy};

/// The aggregate the testkit drives through the repository: it counts.
///
/// # Examples
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_store::testkit::{Tally, TallyEvent};
///
/// let mut tally = Tally::default();
/// tally.handle(&TallyEvent::Counted { writer: 0, seq: 0 })?;
/// assert_eq!(tally.count(), 1);
/// # Ok::<(), std::convert::Infallible>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    count: u64,
}

impl Tally {
    /// How many events were folded.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(bureau_store::testkit::Tally::default().count(), 0);
    /// ```
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }
}

/// The one event (and command) of [`Tally`]: writer `writer` counted its
/// `seq`-th time.
///
/// # Examples
///
/// ```
/// use bureau_core::DomainEvent;
/// assert_eq!(bureau_store::testkit::TallyEvent::Counted { writer: 1, seq: 2 }.event_type(), "counted");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TallyEvent {
    /// One count.
    Counted {
        /// Which writer.
        writer: u32,
        /// Its sequence number.
        seq: u32,
    },
}

impl DomainEvent for TallyEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Counted { .. } => "counted",
        }
    }
}

impl Aggregate for Tally {
    type Command = TallyEvent;
    type Event = TallyEvent;
    type Error = std::convert::Infallible;

    fn decide(&self, command: &TallyEvent) -> Result<Vec<TallyEvent>, Self::Error> {
        Ok(vec![*command])
    }

    fn apply(&mut self, _event: &TallyEvent) {
        self.count = self.count.saturating_add(1);
    }
}

fn instant(offset: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_764_000_000 + offset, 0).unwrap_or_default()
}

/// Follows the global position in pages of `page` until `total` events were
/// seen, failing at the first position that is not the next one.
async fn follow<S: EventStore>(
    store: S,
    total: u64,
    page: usize,
    check: &'static str,
) -> Result<Vec<RecordedEvent>> {
    let mut seen = Vec::new();
    let mut next = Position::FIRST;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
    while (seen.len() as u64) < total {
        if tokio::time::Instant::now() > deadline {
            return Err(fail(
                check,
                format!("reader saw only {} of {total} events", seen.len()),
            ));
        }
        let events = store.read_all(next, page).await?;
        if events.is_empty() {
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        }
        for event in events {
            if event.position() != next {
                return Err(fail(
                    check,
                    format!(
                        "reader expected position {next}, got {}: an event was skipped",
                        event.position()
                    ),
                ));
            }
            next = next
                .next()
                .ok_or_else(|| fail(check, "position overflow"))?;
            seen.push(event);
        }
    }
    Ok(seen)
}

/// Waits for every writer, then for the reader, and returns what it saw.
async fn join(
    writers: Vec<JoinHandle<Result<()>>>,
    reader: JoinHandle<Result<Vec<RecordedEvent>>>,
    check: &'static str,
) -> Result<Vec<RecordedEvent>> {
    for writer in writers {
        writer
            .await
            .map_err(|e| fail(check, format!("writer task failed: {e}")))??;
    }
    reader
        .await
        .map_err(|e| fail(check, format!("reader task failed: {e}")))?
}

/// Runs `writers` tasks, each executing `per_writer` commands through a
/// [`Repository`] with the default [`RetryPolicy`] on one stream, and
/// returns how many commands ended [`Error::Contended`] (the default policy
/// aims at none). Requires a Tokio runtime.
///
/// Checks that exactly the commands that did not end contended are stored,
/// with versions contiguous from 1, and that the chain verifies.
///
/// # Errors
///
/// [`Error::Conformance`] naming the first difference; store errors other
/// than [`Error::Contended`].
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_contention, InMemoryHarness};
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
/// assert_eq!(check_contention(&InMemoryHarness, 4, 50).await?, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_contention<H: Harness>(
    harness: &H,
    writers: u32,
    per_writer: u32,
) -> Result<u64> {
    const CHECK: &str = "contention";
    let store = harness.fresh().await?;
    let stream = StreamId::new("contended")?;
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let repository = Repository::new(store.clone());
        let stream = stream.clone();
        tasks.push(tokio::spawn(async move {
            let mut loaded = repository.load::<Tally>(&stream).await?;
            let context = EventContext::new(instant(i64::from(writer)));
            let mut contended = 0u64;
            for seq in 0..per_writer {
                let command = TallyEvent::Counted { writer, seq };
                match repository.execute_on(&mut loaded, &command, &context).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(never)) => match never {},
                    Err(Error::Contended { .. }) => contended += 1,
                    Err(error) => return Err(error),
                }
            }
            Ok::<u64, Error>(contended)
        }));
    }
    let mut contended = 0u64;
    for task in tasks {
        contended += task
            .await
            .map_err(|e| fail(CHECK, format!("writer task failed: {e}")))??;
    }
    let stored = store.read_stream(&stream, Version::INITIAL).await?;
    let expected = u64::from(writers) * u64::from(per_writer) - contended;
    ensure(CHECK, stored.len() as u64 == expected, || {
        format!(
            "{} events stored, expected {expected} ({contended} commands contended)",
            stored.len()
        )
    })?;
    ensure(
        CHECK,
        stored
            .iter()
            .enumerate()
            .all(|(index, event)| event.version() == Version::new(index as u64 + 1)),
        || "versions are not contiguous from 1".to_owned(),
    )?;
    let verification = store.verify().await?;
    ensure(CHECK, verification.is_intact(), || {
        format!("chain after contention: {verification:?}")
    })?;
    Ok(contended)
}

/// Runs `writers` tasks, each executing `per_writer` commands through a
/// [`Repository`] on one stream (retrying every conflict), while a reader
/// follows the global position. Requires a Tokio runtime.
///
/// Checks: exactly `writers * per_writer` events, versions contiguous from 1,
/// every (writer, seq) exactly once and in each writer's order; the reader saw
/// every position exactly once, in order, and the same events as a final
/// read; the chain verifies.
///
/// # Errors
///
/// [`Error::Conformance`] naming the first difference; store errors.
///
/// # Examples
///
/// See the [module](crate::testkit).
pub async fn check_concurrent_writers<H: Harness>(
    harness: &H,
    writers: u32,
    per_writer: u32,
) -> Result<()> {
    const CHECK: &str = "concurrent writers";
    let store = harness.fresh().await?;
    let stream = StreamId::new("contended")?;
    let total = u64::from(writers) * u64::from(per_writer);
    let retry = RetryPolicy::new().max_attempts(std::num::NonZeroU32::MAX);

    let mut tasks = Vec::new();
    for writer in 0..writers {
        let repository = Repository::new(store.clone()).with_retry(retry);
        let stream = stream.clone();
        tasks.push(tokio::spawn(async move {
            let mut loaded = repository.load::<Tally>(&stream).await?;
            let context = EventContext::new(instant(i64::from(writer)))
                .with_metadata(EventMetadata::new().actor(format!("writer {writer}")));
            for seq in 0..per_writer {
                let command = TallyEvent::Counted { writer, seq };
                match repository
                    .execute_on(&mut loaded, &command, &context)
                    .await?
                {
                    Ok(_) => {}
                    Err(never) => match never {},
                }
                tokio::task::yield_now().await;
            }
            Ok::<(), Error>(())
        }));
    }

    let reader = tokio::spawn(follow(store.clone(), total, 97, CHECK));
    let seen = join(tasks, reader, CHECK).await?;

    let events = store.read_stream(&stream, Version::INITIAL).await?;
    ensure(CHECK, events.len() as u64 == total, || {
        format!("{} events stored, expected {total}", events.len())
    })?;
    let mut pairs = HashSet::new();
    let mut last_seq: Vec<Option<u32>> = vec![None; usize::try_from(writers).unwrap_or(0)];
    for (index, event) in events.iter().enumerate() {
        let want = Version::new(index as u64 + 1);
        ensure(CHECK, event.version() == want, || {
            format!("version {} where {want} was due", event.version())
        })?;
        let decoded: TallyEvent = serde_json::from_value(event.event().payload().clone())
            .map_err(|e| fail(CHECK, format!("payload does not decode: {e}")))?;
        let TallyEvent::Counted { writer, seq } = decoded;
        ensure(CHECK, pairs.insert((writer, seq)), || {
            format!("writer {writer} seq {seq} stored twice")
        })?;
        let slot = usize::try_from(writer)
            .ok()
            .and_then(|w| last_seq.get_mut(w))
            .ok_or_else(|| fail(CHECK, format!("unknown writer {writer}")))?;
        ensure(CHECK, slot.is_none_or(|last| last < seq), || {
            format!("writer {writer} seq {seq} stored out of its order")
        })?;
        *slot = Some(seq);
    }
    let all = store.read_all(Position::FIRST, usize::MAX).await?;
    ensure(CHECK, all == seen, || {
        "the following reader saw other events than a final read".to_owned()
    })?;
    let verification = store.verify().await?;
    ensure(
        CHECK,
        verification
            == Verification::Intact {
                events: total,
                head: all.last().map_or(ChainHash::GENESIS, |e| e.hash()),
            },
        || format!("chain after concurrent appends: {verification:?}"),
    )?;
    Ok(())
}

/// Runs `writers` tasks appending batches of 1 to 5 events to streams of their
/// own (no conflicts, so commits interleave freely) while a reader follows the
/// global position. This is the sequence-gap check: a reader that pages by
/// position must never skip an event that commits later with a lower
/// position. Requires a Tokio runtime.
///
/// Checks: the reader saw positions 1, 2, 3, ... each exactly once, and the
/// same events as a final read; every writer's events are all there, in
/// order; the chain verifies.
///
/// # Errors
///
/// [`Error::Conformance`] naming the first difference; store errors.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_concurrent_streams, InMemoryHarness};
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
/// check_concurrent_streams(&InMemoryHarness, 3, 20).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_concurrent_streams<H: Harness>(
    harness: &H,
    writers: u32,
    batches_per_writer: u32,
) -> Result<()> {
    const CHECK: &str = "concurrent streams";
    let store = harness.fresh().await?;
    // Batch sizes cycle through 1..=5, so the total is known in advance.
    let per_writer: u64 = (0..batches_per_writer).map(|b| u64::from(b % 5) + 1).sum();
    let total = per_writer * u64::from(writers);
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let stream = StreamId::new(format!("writer-{writer}"))?;
            let mut version = Version::INITIAL;
            let mut seq = 0u32;
            for batch in 0..batches_per_writer {
                let events: Vec<NewEvent> = (0..=batch % 5)
                    .map(|_| {
                        seq += 1;
                        NewEvent::new(
                            "counted",
                            serde_json::json!({"type": "counted", "writer": writer, "seq": seq}),
                            instant(i64::from(seq)),
                        )
                    })
                    .collect();
                version = store
                    .append(&stream, ExpectedVersion::Exact(version), &events)
                    .await?
                    .version();
                tokio::task::yield_now().await;
            }
            Ok::<(), Error>(())
        }));
    }
    let reader = tokio::spawn(follow(store.clone(), total, 13, CHECK));
    let seen = join(tasks, reader, CHECK).await?;
    let all = store.read_all(Position::FIRST, usize::MAX).await?;
    ensure(CHECK, all == seen, || {
        format!(
            "the reader saw {} events, a final read gives {}",
            seen.len(),
            all.len()
        )
    })?;
    for writer in 0..writers {
        let stream = StreamId::new(format!("writer-{writer}"))?;
        let events = store.read_stream(&stream, Version::INITIAL).await?;
        ensure(CHECK, events.len() as u64 == per_writer, || {
            format!("{stream} holds {} events, not {per_writer}", events.len())
        })?;
        for (index, event) in events.iter().enumerate() {
            let seq = event
                .event()
                .payload()
                .get("seq")
                .and_then(serde_json::Value::as_u64);
            ensure(CHECK, seq == Some(index as u64 + 1), || {
                format!("{stream} version {} holds seq {seq:?}", event.version())
            })?;
        }
    }
    let verification = store.verify().await?;
    ensure(CHECK, verification.is_intact(), || {
        format!("chain after concurrent appends: {verification:?}")
    })?;
    Ok(())
}

/// Seeds a fresh store with twelve events on three streams, round robin:
/// position `p` is version `(p - 1) / 3 + 1` of stream `s{(p - 1) % 3}`.
async fn seeded<H: Harness>(harness: &H) -> Result<H::Store> {
    seeded_with(harness, None).await
}

/// As [`seeded`], with the event of index `changed` (position `changed + 1`)
/// written by another writer: another history of the same shape, whose chain
/// links up as well as the original's.
async fn seeded_with<H: Harness>(harness: &H, changed: Option<i64>) -> Result<H::Store> {
    let store = harness.fresh().await?;
    for index in 0..12i64 {
        let stream = StreamId::new(format!("s{}", index % 3))?;
        let writer = i64::from(changed == Some(index));
        let event = NewEvent::new(
            "counted",
            serde_json::json!({"type": "counted", "writer": writer, "seq": index}),
            instant(index),
        );
        store
            .append(&stream, ExpectedVersion::Any, &[event])
            .await?;
    }
    Ok(store)
}

/// Tampers with stored rows directly (through [`Harness::tamper`]) and checks
/// that `verify()` reports the first changed position and what was found:
/// a changed payload or event type (altered), a removed row (missing, also
/// the very first one), two events of one stream exchanged (out of order) and
/// two events of different streams exchanged (altered), one byte of a stored
/// payload changed (altered), an unreadable row (altered, and reads fail
/// with [`Error::Corrupt`] naming stream and version), a removed row before
/// an unreadable one (missing, at the removed row); with
/// [`Capabilities::invalid_json`](super::Capabilities::invalid_json), a
/// payload that is not JSON, and with
/// [`Capabilities::invalid_utf8`](super::Capabilities::invalid_utf8), a
/// payload column holding bytes that are not UTF-8 (both altered, reads
/// failing with [`Error::Corrupt`]). Never an `Err` from `verify()`. Then, against a
/// [`Checkpoint`](crate::Checkpoint) taken earlier: events appended since
/// (intact), the last events removed (truncated at the first one missing,
/// which `verify()` alone cannot see) and a whole other history of the same
/// length (rewritten, at the checkpoint's last event).
///
/// # Errors
///
/// [`Error::Conformance`] naming the case; store errors.
///
/// # Examples
///
/// See the [module](crate::testkit).
pub async fn check_tampering<H: Harness>(harness: &H) -> Result<()> {
    const CHECK: &str = "tampering";
    let p = Position::new;
    let one = |action: TamperAction| vec![action];
    let mut cases = vec![
        (
            one(TamperAction::SetPayload {
                position: p(5),
                payload: serde_json::json!({"type": "counted", "writer": 0, "seq": 99}),
            }),
            p(5),
            BreakKind::Altered,
        ),
        (
            // One byte of the stored text changed: `"seq":4` to `"seq":5`.
            one(TamperAction::SetRawPayload {
                position: p(5),
                text: r#"{"seq":5,"type":"counted","writer":0}"#.to_owned(),
            }),
            p(5),
            BreakKind::Altered,
        ),
        (
            one(TamperAction::SetEventType {
                position: p(7),
                event_type: "refunded".to_owned(),
            }),
            p(7),
            BreakKind::Altered,
        ),
        (
            one(TamperAction::Delete { position: p(6) }),
            p(6),
            BreakKind::Missing,
        ),
        (
            one(TamperAction::Delete { position: p(1) }),
            p(1),
            BreakKind::Missing,
        ),
        (
            one(TamperAction::Swap {
                first: p(4),
                second: p(7),
            }),
            p(4),
            BreakKind::OutOfOrder,
        ),
        (
            one(TamperAction::Swap {
                first: p(5),
                second: p(6),
            }),
            p(5),
            BreakKind::Altered,
        ),
        (
            one(TamperAction::Unreadable { position: p(8) }),
            p(8),
            BreakKind::Altered,
        ),
        (
            // The page read after the gap reaches the unreadable row.
            vec![
                TamperAction::Delete { position: p(6) },
                TamperAction::Unreadable { position: p(7) },
            ],
            p(6),
            BreakKind::Missing,
        ),
        (
            vec![
                TamperAction::Delete { position: p(3) },
                TamperAction::Unreadable { position: p(8) },
            ],
            p(3),
            BreakKind::Missing,
        ),
    ];
    if harness.capabilities().holds_invalid_json() {
        cases.push((
            one(TamperAction::SetRawPayload {
                position: p(8),
                text: "{\"type\": \"counted\", \"seq\": ".to_owned(),
            }),
            p(8),
            BreakKind::Altered,
        ));
    }
    if harness.capabilities().holds_invalid_utf8() {
        cases.push((
            one(TamperAction::SetInvalidUtf8 { position: p(8) }),
            p(8),
            BreakKind::Altered,
        ));
        cases.push((
            vec![
                TamperAction::Delete { position: p(6) },
                TamperAction::SetInvalidUtf8 { position: p(7) },
            ],
            p(6),
            BreakKind::Missing,
        ));
    }
    for (actions, position, kind) in cases {
        let store = seeded(harness).await?;
        let before = store.verify().await?;
        ensure(CHECK, before.is_intact(), || {
            format!("untouched store does not verify: {before:?}")
        })?;
        for action in &actions {
            harness.tamper(&store, action).await?;
        }
        let after = match store.verify().await {
            Ok(after) => after,
            Err(error) => {
                return Err(fail(
                    CHECK,
                    format!(
                        "after {actions:?}: verify failed instead of reporting a break: {error}"
                    ),
                ));
            }
        };
        ensure(CHECK, after.first_break() == Some((position, kind)), || {
            format!("after {actions:?}: verify gave {after:?}, expected {kind:?} at {position}")
        })?;
        let unreadable = |action: &TamperAction| match action {
            TamperAction::Unreadable { position } | TamperAction::SetInvalidUtf8 { position } => {
                Some(*position)
            }
            TamperAction::SetRawPayload { position, text }
                if serde_json::from_str::<serde_json::Value>(text).is_err() =>
            {
                Some(*position)
            }
            _ => None,
        };
        if actions.iter().filter_map(unreadable).any(|at| at == p(8)) {
            // Position 8 holds version 3 of "s1".
            match store.read_all(Position::FIRST, 100).await {
                Err(Error::Corrupt {
                    stream,
                    version,
                    position: at,
                    ..
                }) if stream == "s1" && version == 3 && at == p(8) => {}
                other => {
                    return Err(fail(
                        CHECK,
                        format!("reading an unreadable row after {actions:?} gave {other:?}"),
                    ));
                }
            }
        }
    }
    check_checkpoints(harness).await
}

/// The checkpoint cases of [`check_tampering`].
async fn check_checkpoints<H: Harness>(harness: &H) -> Result<()> {
    const CHECK: &str = "tampering against a checkpoint";
    let p = Position::new;
    let store = seeded(harness).await?;
    let Some(twelve) = store.verify().await?.checkpoint() else {
        return Err(fail(CHECK, "untouched store does not verify"));
    };
    let later = NewEvent::new(
        "counted",
        serde_json::json!({"type": "counted", "writer": 0, "seq": 12}),
        instant(12),
    );
    store
        .append(&StreamId::new("s0")?, ExpectedVersion::Any, &[later])
        .await?;
    let grown = store.verify_against(&twelve).await?;
    ensure(
        CHECK,
        grown.checkpoint().map(|c| c.events()) == Some(13),
        || format!("an event appended after the checkpoint: {grown:?}"),
    )?;
    let Some(thirteen) = grown.checkpoint() else {
        return Err(fail(CHECK, "grown store does not verify"));
    };

    harness
        .tamper(&store, &TamperAction::Delete { position: p(13) })
        .await?;
    let alone = store.verify().await?;
    ensure(CHECK, alone.is_intact(), || {
        format!("the chain alone still links up after its last event is cut: {alone:?}")
    })?;
    let cut = store.verify_against(&thirteen).await?;
    ensure(
        CHECK,
        cut.first_break() == Some((p(13), BreakKind::Truncated)),
        || format!("last event cut: {cut:?}, expected truncated at 13"),
    )?;
    ensure(
        CHECK,
        store.verify_against(&twelve).await?.is_intact(),
        || "the events of an older checkpoint are all there".to_owned(),
    )?;
    harness
        .tamper(&store, &TamperAction::Delete { position: p(12) })
        .await?;
    let cut = store.verify_against(&thirteen).await?;
    ensure(
        CHECK,
        cut.first_break() == Some((p(12), BreakKind::Truncated)),
        || format!("two last events cut: {cut:?}, expected truncated at 12"),
    )?;

    let other = seeded_with(harness, Some(2)).await?;
    ensure(CHECK, other.verify().await?.is_intact(), || {
        "another history links up on its own".to_owned()
    })?;
    let rewritten = other.verify_against(&twelve).await?;
    ensure(
        CHECK,
        rewritten.first_break() == Some((p(12), BreakKind::Rewritten)),
        || format!("another history: {rewritten:?}, expected rewritten at 12"),
    )?;
    Ok(())
}

/// Stores events of [`Tally`], then changes rows so they no longer decode
/// (an unknown event type, a payload of another shape and, where the adapter
/// can hold it, text that is not JSON) and checks that loading gives a typed
/// error naming the stream and version, and never panics.
///
/// # Errors
///
/// [`Error::Conformance`] naming the case; store errors.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_corrupt_payloads, InMemoryHarness};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// check_corrupt_payloads(&InMemoryHarness).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_corrupt_payloads<H: Harness>(harness: &H) -> Result<()> {
    const CHECK: &str = "corrupt payloads";
    let stream = StreamId::new("corrupt 'me'")?;
    let mut actions = vec![
        TamperAction::SetEventType {
            position: Position::new(2),
            event_type: "no_such_event".to_owned(),
        },
        TamperAction::SetPayload {
            position: Position::new(2),
            payload: serde_json::json!({"type": "no_such_event", "x": 1}),
        },
        TamperAction::SetPayload {
            position: Position::new(2),
            payload: serde_json::json!([1, 2, 3]),
        },
    ];
    if harness.capabilities().holds_invalid_json() {
        actions.push(TamperAction::SetRawPayload {
            position: Position::new(2),
            text: "not json at all".to_owned(),
        });
    }
    for action in actions {
        let store = harness.fresh().await?;
        let repository = Repository::new(store.clone());
        let context = EventContext::new(instant(0));
        for seq in 0..3 {
            let command = TallyEvent::Counted { writer: 0, seq };
            if let Err(never) = repository
                .execute::<Tally>(&stream, &command, &context)
                .await?
            {
                match never {}
            }
        }
        harness.tamper(&store, &action).await?;
        let loaded = repository.load::<Tally>(&stream).await;
        let named = match &loaded {
            Err(Error::Decode {
                stream: s,
                version: v,
                ..
            })
            | Err(Error::EventTypeMismatch {
                stream: s,
                version: v,
                ..
            }) => s == &stream && *v == Version::new(2),
            Err(Error::Corrupt {
                stream: s,
                version: v,
                ..
            }) => s == stream.as_str() && *v == 2,
            _ => false,
        };
        ensure(CHECK, named, || {
            format!(
                "after {action:?}: load gave {loaded:?}, expected a typed error naming {stream:?} version 2"
            )
        })?;
        if let Err(error) = &loaded {
            let message = error.to_string();
            ensure(
                CHECK,
                message.contains(stream.as_str()) && message.contains('2'),
                || format!("error message {message:?} does not name stream and version"),
            )?;
        }
    }
    Ok(())
}

/// Appends events whose stream names, event types, payload strings and
/// metadata hold quotes, backslashes, SQL fragments and Unicode (and the NUL
/// character where [`Capabilities::nul_in_text`](super::Capabilities::nul_in_text)
/// says so), and checks they read back exactly. Where NUL is not allowed, an
/// append holding it must fail with [`Error::Unsupported`] and write nothing.
///
/// # Errors
///
/// [`Error::Conformance`] naming the value; store errors.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_verbatim, InMemoryHarness};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// check_verbatim(&InMemoryHarness).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_verbatim<H: Harness>(harness: &H) -> Result<()> {
    const CHECK: &str = "verbatim";
    let mut texts = vec![
        "it's".to_owned(),
        "\"double\"".to_owned(),
        "'; DROP TABLE bureau_events; --".to_owned(),
        "Robert'); DELETE FROM bureau_events WHERE ('1'='1".to_owned(),
        "$1 ? :name @p1 %s".to_owned(),
        "back\\slash \\' \\\"".to_owned(),
        "ünïcödé 😀 \u{202e}rtl".to_owned(),
        "  padded  \t\n".to_owned(),
        "E'\\x00'".to_owned(),
    ];
    let nul = "nul\u{0}inside".to_owned();
    if harness.capabilities().holds_nul_in_text() {
        texts.push(nul.clone());
    }
    let store = harness.fresh().await?;
    let mut appended = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        let stream = StreamId::new(text.clone())?;
        let event = NewEvent::new(
            text.clone(),
            serde_json::json!({ text.clone(): [text, {"nested": text}] }),
            instant(index as i64),
        )
        .with_metadata(
            EventMetadata::new()
                .causation_id(text.clone())
                .correlation_id(format!("{text}{text}"))
                .actor(text.clone()),
        );
        store
            .append(
                &stream,
                ExpectedVersion::Exact(Version::INITIAL),
                std::slice::from_ref(&event),
            )
            .await?;
        let back = store.read_stream(&stream, Version::INITIAL).await?;
        ensure(
            CHECK,
            back.len() == 1 && back.first().map(|e| e.event()) == Some(&event),
            || format!("{text:?} read back as {back:?}"),
        )?;
        ensure(
            CHECK,
            store.stream_version(&stream).await? == Version::new(1),
            || format!("stream {text:?} has not version 1"),
        )?;
        appended.push(event);
    }
    let all = store.read_all(Position::FIRST, usize::MAX).await?;
    ensure(
        CHECK,
        all.iter().map(|e| e.event()).eq(appended.iter()),
        || "a global read differs from what was appended".to_owned(),
    )?;
    if !harness.capabilities().holds_nul_in_text() {
        let stream = StreamId::new("plain")?;
        let attempts = [
            (
                StreamId::new(nul.clone())?,
                NewEvent::new("t", serde_json::Value::Null, instant(0)),
            ),
            (
                stream.clone(),
                NewEvent::new(nul.clone(), serde_json::Value::Null, instant(0)),
            ),
            (
                stream.clone(),
                NewEvent::new("t", serde_json::json!(nul), instant(0)),
            ),
            (
                stream.clone(),
                NewEvent::new("t", serde_json::Value::Null, instant(0))
                    .with_metadata(EventMetadata::new().actor(nul.clone())),
            ),
        ];
        for (stream, event) in attempts {
            let outcome = store.append(&stream, ExpectedVersion::Any, &[event]).await;
            ensure(
                CHECK,
                matches!(outcome, Err(Error::Unsupported { .. })),
                || format!("appending a NUL gave {outcome:?}, expected an unsupported-value error"),
            )?;
        }
        let after = store.read_all(Position::FIRST, usize::MAX).await?;
        ensure(CHECK, after.len() == appended.len(), || {
            "a rejected NUL append wrote something".to_owned()
        })?;
    }
    let verification = store.verify().await?;
    ensure(CHECK, verification.is_intact(), || {
        format!("chain of verbatim events: {verification:?}")
    })?;
    Ok(())
}

/// Checks [`EventStore::append_streams`]: several streams' batches in one
/// call take contiguous positions in the order given, a stream may appear
/// twice (its second batch checked against the first), the chain verifies
/// through them; a conflict in any batch writes nothing of the others and
/// leaves no gap in the positions; an empty call writes nothing.
///
/// # Errors
///
/// [`Error::Conformance`] naming what differed; store errors.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_stream_batches, InMemoryHarness};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// check_stream_batches(&InMemoryHarness).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_stream_batches<H: Harness>(harness: &H) -> Result<()> {
    const CHECK: &str = "stream batches";
    let store = harness.fresh().await?;
    let (a, b, c) = (
        StreamId::new("batch-a")?,
        StreamId::new("batch-b")?,
        StreamId::new("batch-c")?,
    );
    let event = |kind: &str, n: i64| NewEvent::new(kind, serde_json::json!({ "n": n }), instant(n));
    let fresh = ExpectedVersion::Exact(Version::INITIAL);
    let first = [event("opened", 1)];
    let second = [event("opened", 2), event("moved", 3)];
    let third = [event("closed", 4)];
    let appended = store
        .append_streams(&[
            StreamBatch::new(&a, fresh, &first),
            StreamBatch::new(&b, fresh, &second),
            StreamBatch::new(&a, ExpectedVersion::Exact(Version::new(1)), &third),
        ])
        .await?;
    let versions: Vec<u64> = appended.iter().map(|x| x.version().get()).collect();
    ensure(CHECK, versions == [1, 2, 2], || {
        format!("versions after the batches are {versions:?}, not [1, 2, 2]")
    })?;
    let positions: Vec<_> = appended
        .iter()
        .map(|x| {
            (
                x.first_position().map(Position::get),
                x.last_position().map(Position::get),
            )
        })
        .collect();
    ensure(
        CHECK,
        positions == [(Some(1), Some(1)), (Some(2), Some(3)), (Some(4), Some(4))],
        || format!("the batches took positions {positions:?}"),
    )?;
    let all = store.read_all(Position::FIRST, usize::MAX).await?;
    let order: Vec<(String, u64)> = all
        .iter()
        .map(|e| (e.stream().as_str().to_owned(), e.version().get()))
        .collect();
    let expected_order = [
        ("batch-a", 1),
        ("batch-b", 1),
        ("batch-b", 2),
        ("batch-a", 2),
    ]
    .map(|(s, v)| (s.to_owned(), v));
    ensure(CHECK, order == expected_order, || {
        format!("events read back in the order {order:?}")
    })?;

    // A stale version in the last batch: nothing of the first is written.
    let refused = store
        .append_streams(&[
            StreamBatch::new(&c, fresh, &first),
            StreamBatch::new(&b, ExpectedVersion::Exact(Version::new(1)), &third),
        ])
        .await;
    match refused {
        Err(Error::Conflict { stream, .. }) if stream == b => {}
        other => {
            return Err(fail(
                CHECK,
                format!("a stale batch gave {other:?}, not a conflict on {b}"),
            ));
        }
    }
    ensure(
        CHECK,
        store.stream_version(&c).await? == Version::INITIAL,
        || "a refused call left events in an earlier batch's stream".to_owned(),
    )?;
    ensure(
        CHECK,
        store.read_all(Position::FIRST, usize::MAX).await?.len() == 4,
        || "a refused call wrote events".to_owned(),
    )?;
    ensure(CHECK, store.append_streams(&[]).await?.is_empty(), || {
        "an empty call appended something".to_owned()
    })?;

    // The next append takes the next position: the refusal left no gap.
    let next = store.append(&c, fresh, &first).await?;
    ensure(
        CHECK,
        next.first_position() == Some(Position::new(5)),
        || {
            format!(
                "the append after a refusal took position {:?}",
                next.first_position()
            )
        },
    )?;
    let verification = store.verify().await?;
    ensure(CHECK, verification.checkpoint().is_some(), || {
        format!("the chain does not verify after batched appends: {verification:?}")
    })?;
    Ok(())
}
