//! Two-phase transfers: a pending entry reserves amounts, then is posted (in
//! full or in part), voided, or expires.

use bureau_core::Money;
use chrono::{DateTime, Utc};

use crate::{EntryId, JournalEntry};

/// How much of a pending entry to post.
///
/// ```
/// use bureau_ledger::PendingAmounts;
///
/// let part = PendingAmounts::Partial(vec!["60.00 USD".parse()?, "60.00 USD".parse()?]);
/// assert_ne!(part, PendingAmounts::Full);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PendingAmounts {
    /// Every posting at its reserved amount.
    Full,
    /// One amount per posting of the pending entry, in its order, each at most
    /// what the posting reserved (zero drops the posting); the amounts must
    /// still balance. What is not posted is released.
    Partial(Vec<Money>),
}

/// What became of a pending entry. It resolves at most once.
///
/// ```
/// use bureau_ledger::PendingState;
///
/// assert!(PendingState::Pending.is_pending());
/// assert!(!PendingState::Voided.is_pending());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PendingState {
    /// Still reserving its amounts.
    Pending,
    /// Posted as the given entry; whatever it did not post was released.
    Posted {
        /// The posted entry.
        entry: EntryId,
    },
    /// Voided: every reserved amount released.
    Voided,
    /// Expired at its timeout: every reserved amount released.
    Expired,
}

impl PendingState {
    /// Whether the entry still reserves its amounts.
    ///
    /// ```
    /// use bureau_ledger::PendingState;
    ///
    /// assert!(!PendingState::Expired.is_pending());
    /// ```
    pub const fn is_pending(&self) -> bool {
        matches!(self, Self::Pending)
    }

    pub(crate) const fn name(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Posted { .. } => "posted",
            Self::Voided => "voided",
            Self::Expired => "expired",
        }
    }
}

/// A pending entry in the ledger: what it reserves, its timeout, and its state.
///
/// ```
/// use bureau_ledger::PendingState;
/// # let (mut ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
/// let entry = ledger.pending(pending).ok_or("pending")?;
/// assert_eq!(entry.state(), PendingState::Pending);
/// assert_eq!(entry.entry().id(), pending);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PendingEntry {
    pub(crate) entry: JournalEntry,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) state: PendingState,
}

impl PendingEntry {
    /// The entry as reserved.
    ///
    /// ```
    /// # let (ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
    /// assert_eq!(ledger.pending(pending).ok_or("pending")?.entry().postings().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn entry(&self) -> &JournalEntry {
        &self.entry
    }

    /// The moment from which it may be expired, if any.
    ///
    /// ```
    /// # let (ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
    /// assert!(ledger.pending(pending).ok_or("pending")?.expires_at().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// What became of it.
    ///
    /// ```
    /// # use bureau_ledger::PendingState;
    /// # let (ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
    /// assert_eq!(ledger.pending(pending).ok_or("pending")?.state(), PendingState::Pending);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn state(&self) -> PendingState {
        self.state
    }
}
