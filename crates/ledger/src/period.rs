//! Period locks: a soft lock lets only designated users or entries in; a hard
//! close lets nothing in, for good.

use bureau_core::{Aggregate, Period, UserId};

use crate::{EntryId, Error, Ledger, LedgerCommand, LedgerEvent, Result};

/// A soft lock on a period: entries dated in it are refused unless posted by
/// one of the designated users or listed by id.
///
/// ```
/// use bureau_ledger::SoftLock;
/// use bureau_core::{Period, UserId};
///
/// let lock = SoftLock::new(Period::month(2026, 1)?).allow_user(UserId::from_u128(7));
/// assert_eq!(lock.allowed_users(), &[UserId::from_u128(7)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SoftLock {
    period: Period,
    allowed_users: Vec<UserId>,
    allowed_entries: Vec<EntryId>,
}

impl SoftLock {
    /// A lock on `period` that lets nobody in.
    ///
    /// ```
    /// use bureau_ledger::SoftLock;
    /// use bureau_core::Period;
    ///
    /// assert!(SoftLock::new(Period::month(2026, 2)?).allowed_users().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(period: Period) -> Self {
        Self {
            period,
            allowed_users: Vec::new(),
            allowed_entries: Vec::new(),
        }
    }

    /// The same lock letting `user` post.
    ///
    /// ```
    /// use bureau_ledger::SoftLock;
    /// use bureau_core::{Period, UserId};
    ///
    /// let lock = SoftLock::new(Period::month(2026, 2)?).allow_user(UserId::from_u128(1));
    /// assert_eq!(lock.allowed_users().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn allow_user(mut self, user: UserId) -> Self {
        self.allowed_users.push(user);
        self
    }

    /// The same lock letting the entry `entry` in.
    ///
    /// ```
    /// use bureau_ledger::{EntryId, SoftLock};
    /// use bureau_core::Period;
    ///
    /// let lock = SoftLock::new(Period::month(2026, 2)?).allow_entry(EntryId::from_u128(9));
    /// assert_eq!(lock.allowed_entries(), &[EntryId::from_u128(9)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn allow_entry(mut self, entry: EntryId) -> Self {
        self.allowed_entries.push(entry);
        self
    }

    /// The locked period.
    pub const fn period(&self) -> Period {
        self.period
    }

    /// The users who may still post.
    pub fn allowed_users(&self) -> &[UserId] {
        &self.allowed_users
    }

    /// The entries still let in.
    pub fn allowed_entries(&self) -> &[EntryId] {
        &self.allowed_entries
    }

    pub(crate) fn lets_in(&self, entry: EntryId, user: Option<UserId>) -> bool {
        self.allowed_entries.contains(&entry)
            || user.is_some_and(|u| self.allowed_users.contains(&u))
    }
}

/// The state of a period that is not simply open.
///
/// ```
/// use bureau_ledger::{PeriodState, SoftLock};
/// use bureau_core::Period;
///
/// let state = PeriodState::SoftLocked(SoftLock::new(Period::month(2026, 1)?));
/// assert!(!state.is_closed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PeriodState {
    /// Soft-locked: only designated users or entries get in.
    SoftLocked(SoftLock),
    /// Hard-closed: nothing gets in, and it cannot be reopened.
    Closed(Period),
}

impl PeriodState {
    /// The period concerned.
    pub const fn period(&self) -> Period {
        match self {
            Self::SoftLocked(lock) => lock.period,
            Self::Closed(period) => *period,
        }
    }

    /// Whether the period is hard-closed.
    ///
    /// ```
    /// use bureau_ledger::PeriodState;
    /// use bureau_core::Period;
    ///
    /// assert!(PeriodState::Closed(Period::year(2025)?).is_closed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

impl Ledger {
    /// The soft locks and hard closes in force.
    pub fn period_states(&self) -> &[PeriodState] {
        &self.locks
    }

    /// Soft-locks a period.
    ///
    /// # Errors
    ///
    /// [`Error::PeriodAlreadyClosed`] when the period is hard-closed.
    ///
    /// ```
    /// use bureau_ledger::SoftLock;
    /// use bureau_core::Period;
    /// let (mut ledger, _) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// ledger.lock_period(SoftLock::new(Period::month(2026, 1)?))?;
    /// assert_eq!(ledger.period_states().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lock_period(&mut self, lock: SoftLock) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::LockPeriod(lock))
    }

    /// Lifts the soft lock of a period.
    ///
    /// # Errors
    ///
    /// [`Error::PeriodNotLocked`].
    ///
    /// ```
    /// use bureau_ledger::SoftLock;
    /// use bureau_core::Period;
    /// let (mut ledger, _) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// let january = Period::month(2026, 1)?;
    /// ledger.lock_period(SoftLock::new(january))?;
    /// ledger.unlock_period(january)?;
    /// assert!(ledger.period_states().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unlock_period(&mut self, period: Period) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::UnlockPeriod(period))
    }

    /// Hard-closes a period, for good.
    ///
    /// # Errors
    ///
    /// [`Error::PeriodAlreadyClosed`].
    ///
    /// ```
    /// use bureau_core::Period;
    /// let (mut ledger, _) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// let january = Period::month(2026, 1)?;
    /// ledger.close_period(january)?;
    /// assert!(ledger.close_period(january).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_period(&mut self, period: Period) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::ClosePeriod(period))
    }

    pub(crate) fn check_lock(&self, period: Period) -> Result<()> {
        if self
            .locks
            .iter()
            .any(|s| s.is_closed() && s.period() == period)
        {
            return Err(Error::PeriodAlreadyClosed { period });
        }
        Ok(())
    }

    pub(crate) fn apply_lock(&mut self, state: PeriodState) {
        let period = state.period();
        self.locks.retain(|s| s.period() != period || s.is_closed());
        self.locks.push(state);
        self.recompute_horizon();
    }

    pub(crate) fn recompute_horizon(&mut self) {
        self.lock_horizon = self.locks.iter().map(|s| s.period().range().end()).max();
    }
}
