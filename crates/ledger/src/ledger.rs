//! The book: chart of accounts, posted and pending entries, balances, period
//! locks and the audit chain, changed only through decided events.

use std::collections::HashMap;

use bureau_core::{Aggregate, DomainEvent, FiscalCalendar, FiscalYear, Period};
use chrono::{DateTime, NaiveDate, Utc};

use crate::account_slot::AccountSlot;
use crate::entry_index::{EntryIndex, EntryRef};
use crate::entry_log::EntryLog;
use crate::posting::Mode;
use crate::{
    Account, AccountCode, AccountId, EntryHash, EntryId, Error, JournalEntry, LedgerConfig,
    PendingEntry, PendingPost, PendingState, PeriodState, Result, Reversal, SoftLock,
};

/// The hash maps of a book, keyed by ids the caller chooses (in a service,
/// ids that come from clients): foldhash, seeded afresh for every map, so
/// that keys crafted to collide under one seed do not collide under
/// another. No output of the ledger depends on the maps' iteration order,
/// so results stay deterministic whatever the seed.
pub(crate) type IdMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Whether applying an entry indexes it at once or leaves that to a later
/// pass over many entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Indexing {
    Now,
    #[cfg(feature = "serde")]
    Later,
}

/// The id of the entry at `at` in a book's log or pending entries.
pub(crate) fn entry_id_at(
    entries: &EntryLog,
    pending: &[PendingEntry],
    at: EntryRef,
) -> Option<EntryId> {
    match at {
        EntryRef::Posted(i) => entries.get(i).map(|p| p.entry.id()),
        EntryRef::Pending(i) => pending.get(i).map(|p| p.entry.id()),
    }
}

/// What a command asks of the [`Ledger`].
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_ledger::{Account, AccountId, AccountKind, Ledger, LedgerCommand, LedgerEvent};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
/// let cash = Account::new(AccountId::from_u128(1), "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, day);
/// let mut ledger = Ledger::new();
/// let events = ledger.handle(&LedgerCommand::OpenAccount(cash.clone()))?;
/// assert_eq!(events, vec![LedgerEvent::AccountOpened(cash)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LedgerCommand {
    /// Change the book's settings, under the rules of [`LedgerConfig`].
    Configure(LedgerConfig),
    /// Add an account to the chart.
    OpenAccount(Account),
    /// Close an account with no balance, posted or pending.
    CloseAccount {
        /// The account.
        account: AccountId,
        /// The closing date.
        on: NaiveDate,
    },
    /// Post one entry.
    Post(JournalEntry),
    /// Post a linked batch: every entry or none.
    PostBatch(Vec<JournalEntry>),
    /// Reserve the entry's amounts as pending.
    CreatePending {
        /// The entry to reserve.
        entry: JournalEntry,
        /// From when it may be expired, if ever.
        expires_at: Option<DateTime<Utc>>,
    },
    /// Post a pending entry, in full or in part, as a new entry; see
    /// [`PendingPost`].
    PostPending(PendingPost),
    /// Release every amount a pending entry reserves.
    VoidPending {
        /// The pending entry.
        pending: EntryId,
    },
    /// Expire every pending entry whose timeout is at or before `now`.
    ExpirePending {
        /// The caller's clock.
        now: DateTime<Utc>,
    },
    /// Post the mirror of an entry; see [`Reversal`].
    Reverse(Reversal),
    /// Soft-lock a period.
    LockPeriod(SoftLock),
    /// Lift a soft lock.
    UnlockPeriod(Period),
    /// Hard-close a period, for good.
    ClosePeriod(Period),
    /// Close a fiscal year: move every income and expense balance into
    /// retained earnings through a closing entry dated the year's last day
    /// (each currency closes on its own, without conversion), then
    /// hard-close the year.
    CloseYear {
        /// The fiscal year (of the ledger's calendar).
        year: FiscalYear,
        /// The id of the closing entry.
        entry: EntryId,
        /// The equity account receiving the net income.
        retained_earnings: AccountId,
    },
    /// Revalue the conversion account's foreign-currency positions, booking
    /// unrealised gain or loss (and, if asked, its reversal); see
    /// [`Revaluation`](crate::Revaluation).
    Revalue(crate::Revaluation),
    /// Settle a party's foreign-currency open items at the settlement's rate,
    /// booking the realised gain or loss in the same entry; see
    /// [`ForeignSettlement`](crate::ForeignSettlement).
    SettleForeign(crate::ForeignSettlement),
}

/// What happened to the [`Ledger`], as storage records it.
///
/// ```
/// use bureau_core::DomainEvent;
/// use bureau_ledger::LedgerEvent;
///
/// let event = LedgerEvent::PendingVoided { pending: bureau_ledger::EntryId::from_u128(1) };
/// assert_eq!(event.event_type(), "pending_voided");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LedgerEvent {
    /// The book's settings changed.
    Configured(LedgerConfig),
    /// An account was added.
    AccountOpened(Account),
    /// An account was closed.
    AccountClosed {
        /// The account.
        account: AccountId,
        /// The closing date.
        on: NaiveDate,
    },
    /// An entry was posted with its hash in the audit chain.
    EntryPosted {
        /// The entry.
        entry: JournalEntry,
        /// Its chained hash.
        hash: EntryHash,
    },
    /// A pending entry reserves its amounts.
    PendingCreated {
        /// The entry reserved.
        entry: JournalEntry,
        /// Its timeout.
        expires_at: Option<DateTime<Utc>>,
    },
    /// A pending entry was posted as `entry`; the rest was released.
    PendingPosted {
        /// The pending entry.
        pending: EntryId,
        /// The posted entry.
        entry: JournalEntry,
        /// Its chained hash.
        hash: EntryHash,
    },
    /// A pending entry was voided.
    PendingVoided {
        /// The pending entry.
        pending: EntryId,
    },
    /// A pending entry expired.
    PendingExpired {
        /// The pending entry.
        pending: EntryId,
    },
    /// A period was soft-locked.
    PeriodLocked(SoftLock),
    /// A soft lock was lifted.
    PeriodUnlocked(Period),
    /// A period was hard-closed.
    PeriodClosed(Period),
}

impl DomainEvent for LedgerEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Configured(_) => "configured",
            Self::AccountOpened(_) => "account_opened",
            Self::AccountClosed { .. } => "account_closed",
            Self::EntryPosted { .. } => "entry_posted",
            Self::PendingCreated { .. } => "pending_created",
            Self::PendingPosted { .. } => "pending_posted",
            Self::PendingVoided { .. } => "pending_voided",
            Self::PendingExpired { .. } => "pending_expired",
            Self::PeriodLocked(_) => "period_locked",
            Self::PeriodUnlocked(_) => "period_unlocked",
            Self::PeriodClosed(_) => "period_closed",
        }
    }
}

/// The general ledger of one company: the chart of accounts, every posted and
/// pending entry, balances per account and currency, period locks and the
/// audit chain.
///
/// It changes only through [`Aggregate::decide`] and [`Aggregate::apply`]
/// (storage persists the [`LedgerEvent`]s), or through the convenience methods
/// ([`post`](Self::post), [`reverse`](Self::reverse), ...) that decide and
/// apply in one step. A rejected command leaves it exactly as it was.
///
/// Balance lookups are O(1) in the number of accounts and entries; a balance
/// as of a date is a binary search in the account's dated history.
///
/// ```
/// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
/// use bureau_core::Currency;
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
/// let (cash, sales) = (AccountId::from_u128(1), AccountId::from_u128(4));
/// let mut ledger = Ledger::new();
/// ledger.open_account(Account::new(cash, "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, day))?;
/// ledger.open_account(Account::new(sales, "4000".parse()?, "Sales".parse()?, AccountKind::INCOME, day))?;
/// let sale = JournalEntry::builder(EntryId::from_u128(1), day, "cash sale".parse()?)
///     .debit(cash, "120.00 USD".parse()?)
///     .credit(sales, "120.00 USD".parse()?)
///     .build()?;
/// ledger.post(sale.clone())?;
/// // The identical entry again changes nothing.
/// assert!(matches!(ledger.post(sale), Err(bureau_ledger::Error::AlreadyPosted { .. })));
/// assert_eq!(ledger.balance(cash, Currency::USD)?.to_string(), "120.00 USD");
/// assert!(ledger.verify().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
    pub(crate) calendar: FiscalCalendar,
    pub(crate) conversion: Option<AccountId>,
    pub(crate) slots: Vec<AccountSlot>,
    pub(crate) index: IdMap<AccountId, usize>,
    pub(crate) codes: IdMap<AccountCode, usize>,
    pub(crate) entries: EntryLog,
    pub(crate) entry_index: EntryIndex,
    // Original entry -> its reversal. Reversals are rare: a map keeps the
    // posted entries small.
    pub(crate) reversals: IdMap<EntryId, EntryId>,
    pub(crate) pending: Vec<PendingEntry>,
    pub(crate) locks: Vec<PeriodState>,
    // Entries dated on or after this day cannot fall in any lock.
    pub(crate) lock_horizon: Option<NaiveDate>,
    pub(crate) head: EntryHash,
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new()
    }
}

impl Ledger {
    /// The most entries one book holds: 2^32 - 1, far beyond what memory
    /// holds (about 300 bytes an entry). An entry past it is refused with
    /// [`Error::BookFull`].
    pub const MAX_ENTRIES: usize = u32::MAX as usize;

    /// An empty ledger on the calendar year, without a conversion account.
    ///
    /// ```
    /// use bureau_ledger::Ledger;
    ///
    /// let ledger = Ledger::new();
    /// assert_eq!(ledger.accounts().count(), 0);
    /// ```
    pub fn new() -> Self {
        Self {
            calendar: FiscalCalendar::CALENDAR_YEAR,
            conversion: None,
            slots: Vec::new(),
            index: HashMap::default(),
            codes: HashMap::default(),
            entries: EntryLog::default(),
            entry_index: EntryIndex::default(),
            reversals: HashMap::default(),
            pending: Vec::new(),
            locks: Vec::new(),
            lock_horizon: None,
            head: EntryHash::GENESIS,
        }
    }

    pub(crate) fn entry_ref(&self, id: EntryId) -> Option<EntryRef> {
        self.entry_index
            .get(id, |at| entry_id_at(&self.entries, &self.pending, at))
    }

    /// Changes the book's settings under the rules of [`LedgerConfig`], and
    /// returns the event that records the change (none when nothing
    /// changes): store it like any other, so that the book reloads with the
    /// same settings.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigurationLocked`] for a change the book's entries no
    /// longer allow.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, FiscalYearNaming};
    /// use bureau_ledger::{Ledger, LedgerConfig};
    ///
    /// let april = FiscalCalendar::new(4, FiscalYearNaming::EndYear)?;
    /// let mut ledger = Ledger::new();
    /// let events = ledger.configure(LedgerConfig::new().with_fiscal_calendar(april))?;
    /// assert_eq!(events.len(), 1);
    /// assert_eq!(ledger.calendar(), april);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn configure(&mut self, config: LedgerConfig) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::Configure(config))
    }

    /// The book's settings.
    pub const fn config(&self) -> LedgerConfig {
        let config = LedgerConfig::new().with_fiscal_calendar(self.calendar);
        match self.conversion {
            Some(account) => config.with_conversion_account(account),
            None => config,
        }
    }

    pub(crate) fn check_configure(&self, config: &LedgerConfig) -> Result<bool> {
        if *config == self.config() {
            return Ok(false);
        }
        let entries = self.entries.len() + self.pending.len();
        if entries == 0 {
            return Ok(true);
        }
        if config.fiscal_calendar() != self.calendar {
            return Err(Error::ConfigurationLocked {
                setting: "fiscal calendar",
                entries,
            });
        }
        if self.conversion.is_some() {
            return Err(Error::ConfigurationLocked {
                setting: "conversion account",
                entries,
            });
        }
        Ok(true)
    }

    /// The fiscal calendar.
    pub const fn calendar(&self) -> FiscalCalendar {
        self.calendar
    }

    /// The designated conversion account, if any.
    pub const fn conversion_account(&self) -> Option<AccountId> {
        self.conversion
    }

    /// Whether a stored event can be applied in full on the book as it is:
    /// the checks whose failure would make `apply` pass over part of it.
    /// The rules a command must meet (balance, periods, limits, ...) were
    /// met when it was decided and are not asked again, so a book recorded
    /// under earlier rules still loads; what is asked is that every account,
    /// entry and pending entry an event names is there, and that each
    /// entry's stored hash chains onto the book's head.
    fn check_replay(&self, event: &LedgerEvent) -> Result<()> {
        match event {
            LedgerEvent::Configured(config) => self.check_configure(config).map(drop),
            LedgerEvent::AccountOpened(account) => self.check_open_account(account),
            LedgerEvent::AccountClosed { account, .. } => {
                let slot = self.slot_or_err(*account)?;
                if slot.account.status().is_open() {
                    Ok(())
                } else {
                    Err(Error::AccountAlreadyClosed {
                        account: slot.account.label(),
                    })
                }
            }
            LedgerEvent::EntryPosted { entry, hash } => {
                self.check_replayed_entry(entry, Some(*hash))
            }
            LedgerEvent::PendingCreated { entry, .. } => self.check_replayed_entry(entry, None),
            LedgerEvent::PendingPosted {
                pending,
                entry,
                hash,
            } => {
                self.open_pending(*pending)?;
                self.check_replayed_entry(entry, Some(*hash))
            }
            LedgerEvent::PendingVoided { pending } | LedgerEvent::PendingExpired { pending } => {
                self.open_pending(*pending).map(drop)
            }
            LedgerEvent::PeriodUnlocked(period) => {
                if self
                    .locks
                    .iter()
                    .any(|s| !s.is_closed() && s.period() == *period)
                {
                    Ok(())
                } else {
                    Err(Error::PeriodNotLocked { period: *period })
                }
            }
            LedgerEvent::PeriodLocked(_) | LedgerEvent::PeriodClosed(_) => Ok(()),
        }
    }

    fn check_replayed_entry(&self, entry: &JournalEntry, hash: Option<EntryHash>) -> Result<()> {
        let id = entry.id();
        if self.entry_ref(id).is_some() {
            return Err(Error::AlreadyPosted { entry: id });
        }
        for (index, posting) in entry.postings().iter().enumerate() {
            if self.slot(posting.account()).is_none() {
                return Err(Error::PostingUnknownAccount {
                    entry: id,
                    posting: index + 1,
                    account: posting.account(),
                });
            }
        }
        if let Some(stored) = hash {
            let computed = EntryHash::of_entry(&self.head, entry);
            if computed != stored {
                return Err(Error::HashMismatch {
                    entry: id,
                    stored,
                    computed,
                });
            }
        }
        Ok(())
    }
}

impl Aggregate for Ledger {
    type Command = LedgerCommand;
    type Event = LedgerEvent;
    type Error = Error;

    fn decide(&self, command: &LedgerCommand) -> Result<Vec<LedgerEvent>> {
        match command {
            LedgerCommand::Configure(config) => Ok(if self.check_configure(config)? {
                vec![LedgerEvent::Configured(*config)]
            } else {
                Vec::new()
            }),
            LedgerCommand::OpenAccount(account) => {
                self.check_open_account(account)?;
                Ok(vec![LedgerEvent::AccountOpened(account.clone())])
            }
            LedgerCommand::CloseAccount { account, on } => {
                self.check_close_account(*account, *on)?;
                Ok(vec![LedgerEvent::AccountClosed {
                    account: *account,
                    on: *on,
                }])
            }
            LedgerCommand::Post(entry) => Ok(vec![self.decide_system_entry(entry.clone())?]),
            LedgerCommand::PostBatch(entries) => {
                let hashes = self.check_batch(entries)?;
                Ok(entries
                    .iter()
                    .zip(hashes)
                    .map(|(entry, hash)| LedgerEvent::EntryPosted {
                        entry: entry.clone(),
                        hash,
                    })
                    .collect())
            }
            LedgerCommand::CreatePending { entry, expires_at } => {
                self.check_entry(entry, Mode::Pending, None)?;
                Ok(vec![LedgerEvent::PendingCreated {
                    entry: entry.clone(),
                    expires_at: *expires_at,
                }])
            }
            LedgerCommand::PostPending(post) => {
                let (posted, hash) = self.check_post_pending(post)?;
                Ok(vec![LedgerEvent::PendingPosted {
                    pending: post.pending,
                    entry: posted,
                    hash,
                }])
            }
            LedgerCommand::VoidPending { pending } => {
                self.open_pending(*pending)?;
                Ok(vec![LedgerEvent::PendingVoided { pending: *pending }])
            }
            LedgerCommand::ExpirePending { now } => Ok(self
                .due_pending(*now)
                .into_iter()
                .map(|pending| LedgerEvent::PendingExpired { pending })
                .collect()),
            LedgerCommand::Reverse(reversal) => {
                let mirror = self.check_reverse(reversal)?;
                let hash = EntryHash::of_entry(&self.head, &mirror);
                Ok(vec![LedgerEvent::EntryPosted {
                    entry: mirror,
                    hash,
                }])
            }
            LedgerCommand::LockPeriod(lock) => {
                self.check_lock(lock.period())?;
                Ok(vec![LedgerEvent::PeriodLocked(lock.clone())])
            }
            LedgerCommand::UnlockPeriod(period) => {
                let locked = self
                    .locks
                    .iter()
                    .any(|s| !s.is_closed() && s.period() == *period);
                if !locked {
                    return Err(Error::PeriodNotLocked { period: *period });
                }
                Ok(vec![LedgerEvent::PeriodUnlocked(*period)])
            }
            LedgerCommand::ClosePeriod(period) => {
                self.check_lock(*period)?;
                Ok(vec![LedgerEvent::PeriodClosed(*period)])
            }
            LedgerCommand::CloseYear {
                year,
                entry,
                retained_earnings,
            } => self.decide_close_year(*year, *entry, *retained_earnings),
            LedgerCommand::Revalue(revaluation) => self.decide_revaluation(revaluation),
            LedgerCommand::SettleForeign(settlement) => self.decide_settlement(settlement),
        }
    }

    fn apply(&mut self, event: &LedgerEvent) {
        match event {
            LedgerEvent::Configured(config) => {
                self.calendar = config.fiscal_calendar();
                self.conversion = config.conversion_account();
            }
            LedgerEvent::AccountOpened(account) => self.apply_open(account.clone()),
            LedgerEvent::AccountClosed { account, on } => {
                if let Some(&at) = self.index.get(account)
                    && let Some(slot) = self.slots.get_mut(at)
                {
                    slot.close(*on);
                }
            }
            LedgerEvent::EntryPosted { entry, hash } => self.apply_posted(entry.clone(), *hash),
            LedgerEvent::PendingCreated { entry, expires_at } => {
                self.apply_pending_created(entry.clone(), *expires_at);
            }
            LedgerEvent::PendingPosted {
                pending,
                entry,
                hash,
            } => self.apply_pending_posted(*pending, entry.clone(), *hash),
            LedgerEvent::PendingVoided { pending } => {
                self.apply_pending_released(*pending, PendingState::Voided);
            }
            LedgerEvent::PendingExpired { pending } => {
                self.apply_pending_released(*pending, PendingState::Expired);
            }
            LedgerEvent::PeriodLocked(lock) => {
                self.apply_lock(PeriodState::SoftLocked(lock.clone()));
            }
            LedgerEvent::PeriodUnlocked(period) => {
                self.locks
                    .retain(|s| s.is_closed() || s.period() != *period);
                self.recompute_horizon();
            }
            LedgerEvent::PeriodClosed(period) => self.apply_lock(PeriodState::Closed(*period)),
        }
    }

    /// Applies a stored event after checking that it fits the book in full:
    /// every account, entry and pending entry it names is there, and an
    /// entry's stored hash chains onto the head. A stored history that does
    /// not fit is reported, never shortened.
    ///
    /// ```
    /// use bureau_core::Aggregate;
    /// use bureau_ledger::{AccountId, EntryHash, EntryId, Error, JournalEntry, Ledger, LedgerEvent};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "to nowhere".parse()?)
    ///     .debit(AccountId::from_u128(1), "5.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "5.00 USD".parse()?)
    ///     .build()?;
    /// let hash = EntryHash::of_entry(&EntryHash::GENESIS, &entry);
    /// let mut ledger = Ledger::new();
    /// let refused = ledger.replay(&LedgerEvent::EntryPosted { entry, hash });
    /// assert!(matches!(refused, Err(Error::PostingUnknownAccount { posting: 1, .. })));
    /// assert_eq!(ledger, Ledger::new());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn replay(&mut self, event: &LedgerEvent) -> Result<()> {
        self.check_replay(event)?;
        self.apply(event);
        Ok(())
    }
}
