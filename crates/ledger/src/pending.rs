//! Two-phase transfers: a pending entry reserves amounts, then is posted (in
//! full or in part), voided, or expires.

use bureau_core::{Aggregate, Money};
use chrono::{DateTime, NaiveDate, Utc};

use crate::entry_index::EntryRef;
use crate::ledger::entry_id_at;
use crate::posting::Mode;
use crate::{
    EntryHash, EntryId, Error, JournalEntry, Ledger, LedgerCommand, LedgerEvent, Result, Side,
};

/// What [`Ledger::post_pending`] (and [`LedgerCommand::PostPending`]) asks:
/// post pending entry `pending`, in full or in part, as entry `entry` dated
/// `date`, at the caller's `now` (a pending entry past its timeout cannot be
/// posted). Whatever is not posted is released.
///
/// The fields are named so that the two ids cannot be swapped unnoticed at
/// a call site.
///
/// ```
/// use bureau_ledger::{EntryId, PendingAmounts, PendingPost};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 3).ok_or("date")?;
/// let capture = PendingPost {
///     pending: EntryId::from_u128(10),
///     entry: EntryId::from_u128(20),
///     date: day,
///     amounts: PendingAmounts::Full,
///     now: day.and_hms_opt(12, 0, 0).ok_or("time")?.and_utc(),
/// };
/// assert_eq!(capture.amounts, PendingAmounts::Full);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PendingPost {
    /// The pending entry to post.
    pub pending: EntryId,
    /// The id of the entry posted.
    pub entry: EntryId,
    /// The date of the entry posted.
    pub date: NaiveDate,
    /// How much to post.
    pub amounts: PendingAmounts,
    /// The caller's clock.
    pub now: DateTime<Utc>,
}

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
/// let (mut ledger, pending) = bureau_ledger::fixtures::ledger_with_pending()?;
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
    pub const fn entry(&self) -> &JournalEntry {
        &self.entry
    }

    /// The moment from which it may be expired, if any.
    pub const fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// What became of it.
    pub const fn state(&self) -> PendingState {
        self.state
    }
}

impl Ledger {
    /// The pending entry with this id, whatever its state.
    ///
    /// ```
    /// let (ledger, pending) = bureau_ledger::fixtures::ledger_with_pending()?;
    /// assert!(ledger.pending(pending).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pending(&self, id: EntryId) -> Option<&PendingEntry> {
        match self.entry_ref(id) {
            Some(EntryRef::Pending(i)) => self.pending.get(i),
            _ => None,
        }
    }

    /// Every pending entry, whatever its state, in creation order.
    pub fn pending_entries(&self) -> impl Iterator<Item = &PendingEntry> + '_ {
        self.pending.iter()
    }

    /// Reserves an entry's amounts as pending, optionally until `expires_at`.
    ///
    /// # Errors
    ///
    /// Any validation error of [`post`](Self::post); limits count pending amounts.
    ///
    /// ```
    /// let (ledger, pending) = bureau_ledger::fixtures::ledger_with_pending()?;
    /// assert!(ledger.pending(pending).ok_or("pending")?.state().is_pending());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_pending(
        &mut self,
        entry: JournalEntry,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<LedgerEvent>> {
        self.check_entry(&entry, Mode::Pending, None)?;
        self.apply_pending_created(entry.clone(), expires_at);
        Ok(vec![LedgerEvent::PendingCreated { entry, expires_at }])
    }

    /// Posts pending entry `post.pending` in full or in part as entry
    /// `post.entry` dated `post.date`; whatever is not posted is released.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPending`], [`Error::PendingResolved`],
    /// [`Error::PendingExpired`], the partial-amount errors, or any validation
    /// error of the posted entry.
    ///
    /// ```
    /// use bureau_ledger::{EntryId, PendingAmounts, PendingPost, PendingState};
    ///
    /// // A pending sale of 50.00 USD: cash debit, sales credit.
    /// let (mut ledger, pending) = bureau_ledger::fixtures::ledger_with_pending()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 3).ok_or("date")?;
    /// ledger.post_pending(PendingPost {
    ///     pending,
    ///     entry: EntryId::from_u128(20),
    ///     date: day,
    ///     amounts: PendingAmounts::Partial(vec!["30.00 USD".parse()?, "30.00 USD".parse()?]),
    ///     now: day.and_hms_opt(12, 0, 0).ok_or("time")?.and_utc(),
    /// })?;
    /// assert_eq!(ledger.pending(pending).ok_or("pending")?.state(),
    ///     PendingState::Posted { entry: EntryId::from_u128(20) });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post_pending(&mut self, post: PendingPost) -> Result<Vec<LedgerEvent>> {
        let (posted, hash) = self.check_post_pending(&post)?;
        self.apply_pending_posted(post.pending, posted.clone(), hash);
        Ok(vec![LedgerEvent::PendingPosted {
            pending: post.pending,
            entry: posted,
            hash,
        }])
    }

    /// Voids a pending entry: every reserved amount is released.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPending`] or [`Error::PendingResolved`].
    ///
    /// ```
    /// let (mut ledger, pending) = bureau_ledger::fixtures::ledger_with_pending()?;
    /// ledger.void_pending(pending)?;
    /// assert!(ledger.void_pending(pending).is_err()); // resolves at most once
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn void_pending(&mut self, pending: EntryId) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::VoidPending { pending })
    }

    /// Expires every pending entry whose timeout is at or before `now`, and
    /// returns one [`LedgerEvent::PendingExpired`] for each.
    ///
    /// ```
    /// let (mut ledger, pending) = bureau_ledger::fixtures::ledger_with_pending()?;
    /// let later = chrono::NaiveDate::from_ymd_opt(2026, 2, 1).ok_or("date")?
    ///     .and_hms_opt(0, 0, 0).ok_or("time")?.and_utc();
    /// assert_eq!(ledger.expire_pending(later), vec![bureau_ledger::LedgerEvent::PendingExpired { pending }]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expire_pending(&mut self, now: DateTime<Utc>) -> Vec<LedgerEvent> {
        let events: Vec<LedgerEvent> = self
            .due_pending(now)
            .into_iter()
            .map(|pending| LedgerEvent::PendingExpired { pending })
            .collect();
        for event in &events {
            self.apply(event);
        }
        events
    }

    pub(crate) fn open_pending(&self, pending: EntryId) -> Result<&PendingEntry> {
        let entry = self
            .pending(pending)
            .ok_or(Error::UnknownPending { pending })?;
        if !entry.state.is_pending() {
            return Err(Error::PendingResolved {
                pending,
                state: entry.state.name(),
            });
        }
        Ok(entry)
    }

    pub(crate) fn check_post_pending(
        &self,
        post: &PendingPost,
    ) -> Result<(JournalEntry, EntryHash)> {
        let PendingPost {
            pending,
            entry: id,
            date,
            ref amounts,
            now,
        } = *post;
        let reserved = self.open_pending(pending)?;
        if let Some(expires_at) = reserved.expires_at.filter(|at| *at <= now) {
            return Err(Error::PendingExpired {
                pending,
                expires_at,
            });
        }
        let postings = match amounts {
            PendingAmounts::Full => reserved.entry.postings().to_vec(),
            PendingAmounts::Partial(parts) => {
                let original = reserved.entry.postings();
                if parts.len() != original.len() {
                    return Err(Error::PartialAmountCount {
                        pending,
                        expected: original.len(),
                        given: parts.len(),
                    });
                }
                let mut postings = Vec::with_capacity(parts.len());
                for (index, (posting, part)) in original.iter().zip(parts).enumerate() {
                    let fits = part.currency() == posting.amount().currency()
                        && !part.is_negative()
                        && part.to_minor() <= posting.amount().to_minor();
                    if !fits {
                        return Err(Error::PartialAmountTooLarge {
                            pending,
                            posting: index + 1,
                            amount: *part,
                            reserved: posting.amount(),
                        });
                    }
                    if !part.is_zero() {
                        postings.push(posting.with_amount(*part));
                    }
                }
                postings
            }
        };
        let posted = reserved.entry.with_id_date_postings(id, date, postings);
        self.check_entry(&posted, Mode::FromPending, None)?;
        let hash = EntryHash::of_entry(&self.head, &posted);
        Ok((posted, hash))
    }

    pub(crate) fn due_pending(&self, now: DateTime<Utc>) -> Vec<EntryId> {
        self.pending
            .iter()
            .filter(|p| p.state.is_pending() && p.expires_at.is_some_and(|at| at <= now))
            .map(|p| p.entry.id())
            .collect()
    }

    pub(crate) fn reserve(&mut self, entry: &JournalEntry, sign: i128) {
        for posting in entry.postings() {
            let Some(&at) = self.index.get(&posting.account()) else {
                continue;
            };
            if let Some(slot) = self.slots.get_mut(at) {
                let totals = &mut slot.book_mut(posting.amount().currency()).totals;
                let minor = posting.amount().to_minor().saturating_mul(sign);
                match posting.side() {
                    Side::Debit => totals.pending_dr = totals.pending_dr.saturating_add(minor),
                    Side::Credit => totals.pending_cr = totals.pending_cr.saturating_add(minor),
                }
            }
        }
    }

    pub(crate) fn apply_pending_created(
        &mut self,
        entry: JournalEntry,
        expires_at: Option<DateTime<Utc>>,
    ) {
        self.reserve(&entry, 1);
        self.entry_index
            .insert(entry.id(), EntryRef::Pending(self.pending.len()), |at| {
                entry_id_at(&self.entries, &self.pending, at)
            });
        self.pending.push(PendingEntry {
            entry,
            expires_at,
            state: PendingState::Pending,
        });
    }

    pub(crate) fn apply_pending_released(&mut self, pending: EntryId, state: PendingState) {
        let Some(EntryRef::Pending(i)) = self.entry_ref(pending) else {
            return;
        };
        let Some(reserved) = self.pending.get(i).map(|p| p.entry.clone()) else {
            return;
        };
        self.reserve(&reserved, -1);
        if let Some(p) = self.pending.get_mut(i) {
            p.state = state;
        }
    }

    pub(crate) fn apply_pending_posted(
        &mut self,
        pending: EntryId,
        entry: JournalEntry,
        hash: EntryHash,
    ) {
        let id = entry.id();
        self.apply_pending_released(pending, PendingState::Posted { entry: id });
        self.apply_posted(entry, hash);
    }
}
