//! Paged stream reads and snapshots, on any adapter.

use std::num::NonZeroU64;

use bureau_core::{Aggregate, DomainEvent, Snapshot};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Harness, ensure};
use crate::chain::ChainHash;
use crate::error::Result;
use crate::event::{ExpectedVersion, NewEvent, StreamId, Version};
use crate::port::EventStore;
use crate::repository::{EventContext, Repository};
use crate::snapshot::{
    SnapshotPolicy, SnapshotRejection, SnapshotStore, SnapshotUse, StoredSnapshot,
};

/// A running total: each event adds its amount.
#[derive(Debug, Default, PartialEq, Eq)]
struct Total(u64);

#[derive(Debug, Serialize, Deserialize)]
struct Added(u64);

impl DomainEvent for Added {
    fn event_type(&self) -> &'static str {
        "added"
    }
}

impl Aggregate for Total {
    type Command = u64;
    type Event = Added;
    type Error = String;

    fn decide(&self, amount: &u64) -> core::result::Result<Vec<Added>, String> {
        self.0
            .checked_add(*amount)
            .map(|_| vec![Added(*amount)])
            .ok_or_else(|| "overflow".to_owned())
    }

    fn apply(&mut self, event: &Added) {
        self.0 = self.0.saturating_add(event.0);
    }
}

impl Snapshot for Total {
    const FORMAT: &'static str = "bureau-store/testkit-total/1";

    fn to_snapshot(&self) -> Vec<u8> {
        self.0.to_le_bytes().to_vec()
    }

    fn from_snapshot(bytes: &[u8]) -> core::result::Result<Self, String> {
        let bytes: [u8; 8] = bytes
            .try_into()
            .map_err(|_| format!("{} bytes, not 8", bytes.len()))?;
        Ok(Self(u64::from_le_bytes(bytes)))
    }
}

/// Checks paged stream reads: each page holds at most its limit, in version
/// order from the version asked for, and pages tile the stream.
///
/// # Errors
///
/// [`Error::Conformance`](crate::Error::Conformance) naming what differed;
/// store errors.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_paging, InMemoryHarness};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// check_paging(&InMemoryHarness).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_paging<H: Harness>(harness: &H) -> Result<()> {
    const CHECK: &str = "paging";
    let store = harness.fresh().await?;
    let stream = StreamId::new("paged")?;
    let other = StreamId::new("paged-other")?;
    let at = DateTime::<Utc>::UNIX_EPOCH;
    for n in 0..10_u64 {
        let event = NewEvent::new("n", serde_json::json!(n), at);
        store
            .append(&stream, ExpectedVersion::Any, std::slice::from_ref(&event))
            .await?;
        store
            .append(&other, ExpectedVersion::Any, std::slice::from_ref(&event))
            .await?;
    }
    let versions = |events: Vec<crate::RecordedEvent>| -> Vec<u64> {
        events.iter().map(|e| e.version().get()).collect()
    };
    for (from, limit, expected) in [
        (1, 3, vec![1, 2, 3]),
        (4, 3, vec![4, 5, 6]),
        (9, 3, vec![9, 10]),
        (10, 1, vec![10]),
        (11, 5, vec![]),
        (1, 0, vec![]),
        (3, usize::MAX, vec![3, 4, 5, 6, 7, 8, 9, 10]),
    ] {
        let page = versions(
            store
                .read_stream_page(&stream, Version::new(from), limit)
                .await?,
        );
        ensure(CHECK, page == expected, || {
            format!("from {from} limit {limit}: {page:?}, expected {expected:?}")
        })?;
    }
    let whole = versions(store.read_stream(&stream, Version::INITIAL).await?);
    ensure(CHECK, whole == (1..=10).collect::<Vec<_>>(), || {
        format!("the whole stream reads {whole:?}")
    })?;
    Ok(())
}

/// Checks snapshots on a store that keeps them: saved and loaded back
/// exactly, never moved back to an earlier version, kept per stream; and a
/// repository loads from a snapshot that matches the chain and ignores,
/// saying why, one in another format, with a wrong digest, beyond the
/// stream's end, on another chain hash, or that does not decode, giving the
/// same state every time.
///
/// # Errors
///
/// [`Error::Conformance`](crate::Error::Conformance) naming what differed;
/// store errors.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_snapshots, InMemoryHarness};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// check_snapshots(&InMemoryHarness).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_snapshots<H>(harness: &H) -> Result<()>
where
    H: Harness,
    H::Store: SnapshotStore,
{
    const CHECK: &str = "snapshots";
    let store = harness.fresh().await?;
    let stream = StreamId::new("total")?;
    let other = StreamId::new("total-other")?;
    let snapshot = |version: u64, state: Vec<u8>| {
        StoredSnapshot::new(
            stream.clone(),
            Version::new(version),
            ChainHash::from_bytes([7; 32]),
            Total::FORMAT,
            state,
        )
    };

    // The table itself.
    ensure(CHECK, store.load_snapshot(&stream).await?.is_none(), || {
        "a stream with no snapshot has one".to_owned()
    })?;
    let large = snapshot(3, (0..=255).cycle().take(70_000).collect());
    store.save_snapshot(&large).await?;
    let back = store.load_snapshot(&stream).await?;
    ensure(CHECK, back.as_ref() == Some(&large), || {
        format!("saved {large:?}, loaded {back:?}")
    })?;
    store.save_snapshot(&snapshot(2, vec![1])).await?;
    let kept = store.load_snapshot(&stream).await?.map(|s| s.version());
    ensure(CHECK, kept == Some(Version::new(3)), || {
        format!("an earlier snapshot replaced a later one: {kept:?}")
    })?;
    ensure(CHECK, store.load_snapshot(&other).await?.is_none(), || {
        "a snapshot of one stream is another's".to_owned()
    })?;

    // Through the repository: 7 events, a snapshot every 3.
    let repository = Repository::new(store.clone());
    let stream = StreamId::new("total-repository")?;
    let context = EventContext::new(DateTime::<Utc>::UNIX_EPOCH);
    let policy = SnapshotPolicy::every(NonZeroU64::MIN.saturating_add(2));
    let mut loaded = repository.load::<Total>(&stream).await?;
    for amount in 1..=7 {
        let _ = repository
            .execute_with_snapshots(&mut loaded, &amount, &context, policy)
            .await?;
    }
    let (from_snapshot, used) = repository.load_from_snapshot::<Total>(&stream).await?;
    ensure(
        CHECK,
        used == SnapshotUse::Used {
            version: Version::new(6),
        } && from_snapshot.state() == &Total(28)
            && from_snapshot.version() == Version::new(7),
        || {
            format!(
                "loaded {:?} at {:?}, {used:?}",
                from_snapshot.state(),
                from_snapshot.version()
            )
        },
    )?;

    let saved = store
        .load_snapshot(&stream)
        .await?
        .ok_or_else(|| super::fail(CHECK, "no snapshot was saved"))?;
    let untrusted = [
        (
            StoredSnapshot::new(
                stream.clone(),
                saved.version(),
                saved.chain(),
                "another/1",
                saved.state().to_vec(),
            ),
            "format",
        ),
        (
            StoredSnapshot::from_parts(
                stream.clone(),
                saved.version(),
                saved.chain(),
                saved.format().to_owned(),
                [0; 32],
                saved.state().to_vec(),
            ),
            "digest",
        ),
        (
            StoredSnapshot::new(
                stream.clone(),
                Version::new(100),
                saved.chain(),
                Total::FORMAT,
                saved.state().to_vec(),
            ),
            "missing",
        ),
        (
            StoredSnapshot::new(
                stream.clone(),
                Version::new(101),
                ChainHash::from_bytes([9; 32]),
                Total::FORMAT,
                saved.state().to_vec(),
            ),
            "missing",
        ),
    ];
    for (bad, why) in untrusted {
        // Each is saved at a later version than the last, so it is kept.
        let fresh = harness.fresh().await?;
        copy_stream(&store, &fresh, &stream).await?;
        fresh.save_snapshot(&bad).await?;
        let (loaded, used) = Repository::new(fresh)
            .load_from_snapshot::<Total>(&stream)
            .await?;
        let rejected = match &used {
            SnapshotUse::Ignored { reason, .. } => match reason {
                SnapshotRejection::Format { .. } => "format",
                SnapshotRejection::Digest => "digest",
                SnapshotRejection::Missing => "missing",
                SnapshotRejection::Chain { .. } => "chain",
                SnapshotRejection::Decode { .. } => "decode",
            },
            _ => "used",
        };
        ensure(
            CHECK,
            rejected == why && loaded.state() == &Total(28),
            || {
                format!(
                    "a snapshot bad by {why}: {used:?}, state {:?}",
                    loaded.state()
                )
            },
        )?;
    }

    // On another chain hash at a version the stream holds, and one that
    // does not decode.
    for (bad, why) in [
        (
            StoredSnapshot::new(
                stream.clone(),
                saved.version(),
                ChainHash::from_bytes([9; 32]),
                Total::FORMAT,
                saved.state().to_vec(),
            ),
            "chain",
        ),
        (
            StoredSnapshot::new(
                stream.clone(),
                saved.version(),
                saved.chain(),
                Total::FORMAT,
                vec![1, 2, 3],
            ),
            "decode",
        ),
    ] {
        let fresh = harness.fresh().await?;
        copy_stream(&store, &fresh, &stream).await?;
        fresh.save_snapshot(&bad).await?;
        let (loaded, used) = Repository::new(fresh)
            .load_from_snapshot::<Total>(&stream)
            .await?;
        let rejected = matches!(
            (&used, why),
            (
                SnapshotUse::Ignored {
                    reason: SnapshotRejection::Chain { .. },
                    ..
                },
                "chain"
            ) | (
                SnapshotUse::Ignored {
                    reason: SnapshotRejection::Decode { .. },
                    ..
                },
                "decode"
            )
        );
        ensure(CHECK, rejected && loaded.state() == &Total(28), || {
            format!(
                "a snapshot bad by {why}: {used:?}, state {:?}",
                loaded.state()
            )
        })?;
    }
    Ok(())
}

/// Appends the events of `stream` in `from` to `to` (same payloads, so the
/// same chain hashes when `to` is otherwise empty and written in the same
/// order).
async fn copy_stream<S: EventStore>(from: &S, to: &S, stream: &StreamId) -> Result<()> {
    let events: Vec<NewEvent> = from
        .read_stream(stream, Version::INITIAL)
        .await?
        .into_iter()
        .map(crate::RecordedEvent::into_event)
        .collect();
    to.append(stream, ExpectedVersion::Exact(Version::INITIAL), &events)
        .await?;
    Ok(())
}
