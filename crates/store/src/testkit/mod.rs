//! The conformance testkit: checks that any [`EventStore`] adapter keeps the
//! promises of the port.
//!
//! An adapter implements [`Harness`] in its integration tests (how to get an
//! empty store, what it can hold, how to tamper with its rows directly) and
//! calls each check:
//!
//! - [`check_sequences`]: proptest-generated sequences of appends, conflicts,
//!   reads and verifications, compared step by step with a reference model;
//! - [`check_concurrent_writers`]: writers appending through the
//!   [`Repository`](crate::Repository) to one stream while a reader follows the global position;
//! - [`check_tampering`]: rows changed, removed or moved behind the store's
//!   back are found by `verify()` at their position;
//! - [`check_corrupt_payloads`]: unknown event types and undecodable payloads
//!   give typed errors naming stream and version;
//! - [`check_verbatim`]: quotes, SQL fragments, Unicode (and NUL where the
//!   adapter allows it) come back exactly as stored;
//! - [`check_round_trip`]: proptest-generated payloads and metadata (floats,
//!   big integers, exponents, negative zero, deep nesting, every Unicode
//!   plane, backslashes) read back to the byte, with the chain intact;
//! - [`check_limits`]: what an append refuses (payloads nested too deep,
//!   stream names too long, instants out of the adapter's range) with typed
//!   errors, writing nothing, and what it must accept at the limits;
//! - [`check_contention`]: writers on one stream through the repository
//!   with its default [`RetryPolicy`](crate::RetryPolicy), counting the
//!   commands that end contended.
//!
//! Every check returns [`Error::Conformance`] naming what differed.
//!
//! # Examples
//!
//! ```
//! use bureau_store::testkit::{self, InMemoryHarness};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
//! testkit::check_tampering(&InMemoryHarness).await?;
//! testkit::check_concurrent_writers(&InMemoryHarness, 2, 10).await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod model;
mod payloads;
mod scenarios;
mod snapshots;

use std::future::Future;

use crate::error::{Error, Result};
use crate::event::{EventMetadata, NewEvent, Position};
use crate::memory::InMemoryStore;
use crate::port::EventStore;

pub use model::check_sequences;
pub use payloads::{check_limits, check_round_trip};
pub use scenarios::{
    Tally, TallyEvent, check_concurrent_streams, check_concurrent_writers, check_contention,
    check_corrupt_payloads, check_stream_batches, check_tampering, check_verbatim,
};
pub use snapshots::{check_paging, check_snapshots};

/// What a store can hold beyond the port's baseline.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::Capabilities;
///
/// let sqlite = Capabilities::new().nul_in_text(true).invalid_json(true);
/// assert!(sqlite.holds_nul_in_text());
/// assert!(!Capabilities::new().holds_invalid_json());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Capabilities {
    nul_in_text: bool,
    invalid_json: bool,
    invalid_utf8: bool,
}

impl Capabilities {
    /// The baseline: no NUL in text, payload column holds only valid JSON.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!bureau_store::testkit::Capabilities::new().holds_nul_in_text());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            nul_in_text: false,
            invalid_json: false,
            invalid_utf8: false,
        }
    }

    /// Whether text (stream names, types, metadata, JSON strings) may hold
    /// the NUL character. Adapters without it must reject such values with
    /// [`Error::Unsupported`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(bureau_store::testkit::Capabilities::new().nul_in_text(true).holds_nul_in_text());
    /// ```
    #[must_use]
    pub const fn nul_in_text(mut self, yes: bool) -> Self {
        self.nul_in_text = yes;
        self
    }

    /// Whether the payload column can be made to hold text that is not JSON
    /// (so the corrupt-payload check can try it).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(bureau_store::testkit::Capabilities::new().invalid_json(true).holds_invalid_json());
    /// ```
    #[must_use]
    pub const fn invalid_json(mut self, yes: bool) -> Self {
        self.invalid_json = yes;
        self
    }

    /// Whether a text column can be made to hold bytes that are not UTF-8
    /// (so the tampering check can try it).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(bureau_store::testkit::Capabilities::new().invalid_utf8(true).holds_invalid_utf8());
    /// ```
    #[must_use]
    pub const fn invalid_utf8(mut self, yes: bool) -> Self {
        self.invalid_utf8 = yes;
        self
    }

    /// See [`invalid_utf8`](Self::invalid_utf8).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!bureau_store::testkit::Capabilities::new().holds_invalid_utf8());
    /// ```
    #[must_use]
    pub const fn holds_invalid_utf8(&self) -> bool {
        self.invalid_utf8
    }

    /// See [`nul_in_text`](Self::nul_in_text).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!bureau_store::testkit::Capabilities::new().holds_nul_in_text());
    /// ```
    #[must_use]
    pub const fn holds_nul_in_text(&self) -> bool {
        self.nul_in_text
    }

    /// See [`invalid_json`](Self::invalid_json).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!bureau_store::testkit::Capabilities::new().holds_invalid_json());
    /// ```
    #[must_use]
    pub const fn holds_invalid_json(&self) -> bool {
        self.invalid_json
    }
}

/// A change made to the stored rows behind the store's back.
///
/// # Examples
///
/// ```
/// use bureau_store::{Position, testkit::TamperAction};
///
/// let action = TamperAction::Delete { position: Position::new(3) };
/// assert_eq!(action.clone(), action);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TamperAction {
    /// Replace the payload of the event at `position`, keeping its hash.
    SetPayload {
        /// Where.
        position: Position,
        /// The new payload.
        payload: serde_json::Value,
    },
    /// Replace the stored payload text with `text`, keeping the hash. Text
    /// that is not JSON is only asked of adapters whose [`Capabilities`]
    /// allow it.
    SetRawPayload {
        /// Where.
        position: Position,
        /// The new raw text.
        text: String,
    },
    /// Replace the event type name of the event at `position`.
    SetEventType {
        /// Where.
        position: Position,
        /// The new name.
        event_type: String,
    },
    /// Make the row at `position` unreadable in a way the adapter's rows
    /// can be (a hash of the wrong length, for example): reads reaching it
    /// must fail with [`Error::Corrupt`] naming it.
    Unreadable {
        /// Where.
        position: Position,
    },
    /// Write bytes that are not UTF-8 into the payload column of the row at
    /// `position` (only asked of adapters whose [`Capabilities`] allow it).
    SetInvalidUtf8 {
        /// Where.
        position: Position,
    },
    /// Remove the event at `position`.
    Delete {
        /// Where.
        position: Position,
    },
    /// Exchange the positions of two events, keeping everything else.
    Swap {
        /// One position.
        first: Position,
        /// The other.
        second: Position,
    },
}

/// What an adapter provides to run the testkit against itself.
///
/// # Examples
///
/// See [`InMemoryHarness`], the harness of the in-memory adapter.
pub trait Harness: Sync {
    /// The store under test.
    type Store: EventStore + Clone + 'static;

    /// A new, empty store.
    ///
    /// # Errors
    ///
    /// When the store cannot be opened.
    fn fresh(&self) -> impl Future<Output = Result<Self::Store>> + Send;

    /// What the store can hold.
    fn capabilities(&self) -> Capabilities;

    /// Applies `action` to the stored rows directly.
    ///
    /// # Errors
    ///
    /// When the action cannot be applied.
    fn tamper(
        &self,
        store: &Self::Store,
        action: &TamperAction,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// The harness of [`InMemoryStore`].
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{Harness, InMemoryHarness};
/// assert!(InMemoryHarness.capabilities().holds_nul_in_text());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InMemoryHarness;

impl Harness for InMemoryHarness {
    type Store = InMemoryStore;

    fn fresh(&self) -> impl Future<Output = Result<InMemoryStore>> + Send {
        std::future::ready(Ok(InMemoryStore::new()))
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::new().nul_in_text(true)
    }

    fn tamper(
        &self,
        store: &InMemoryStore,
        action: &TamperAction,
    ) -> impl Future<Output = Result<()>> + Send {
        std::future::ready(store.tamper(action))
    }
}

/// An event with whichever metadata labels are given.
fn labelled(
    event: NewEvent,
    causation: Option<String>,
    correlation: Option<String>,
    actor: Option<String>,
) -> NewEvent {
    let mut metadata = EventMetadata::new();
    if let Some(id) = causation {
        metadata = metadata.causation_id(id);
    }
    if let Some(id) = correlation {
        metadata = metadata.correlation_id(id);
    }
    if let Some(actor) = actor {
        metadata = metadata.actor(actor);
    }
    event.with_metadata(metadata)
}

fn fail(check: &'static str, detail: impl Into<String>) -> Error {
    Error::Conformance {
        check,
        detail: detail.into(),
    }
}

fn ensure(check: &'static str, condition: bool, detail: impl FnOnce() -> String) -> Result<()> {
    if condition {
        Ok(())
    } else {
        Err(fail(check, detail()))
    }
}
