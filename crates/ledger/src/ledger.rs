//! The book: chart of accounts, posted and pending entries, balances, period
//! locks and the audit chain, changed only through decided events.

use std::collections::HashMap;

use bureau_core::{Aggregate, Currency, DomainEvent, FiscalCalendar, FiscalYear, Period};
use chrono::{DateTime, NaiveDate, Utc};

use crate::balance::{CurrencyBook, Totals};
use crate::entry_index::{EntryIndex, EntryRef};
use crate::{
    Account, AccountCode, AccountId, AuditRecord, Balance, BalanceLimit, CurrencyPolicy, EntryHash,
    EntryId, Error, JournalEntry, LedgerConfig, PendingAmounts, PendingEntry, PendingState,
    PeriodState, Result, Side, SoftLock,
};

/// The hash maps of a book, keyed by ids the caller chooses (in a service,
/// ids that come from clients): foldhash, seeded afresh for every map, so
/// that keys crafted to collide under one seed do not collide under
/// another. No output of the ledger depends on the maps' iteration order,
/// so results stay deterministic whatever the seed.
pub(crate) type IdMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// One account with its per-currency books, its children and the posted
/// entries that touch it (positions in the ledger's entry list).
///
/// Laid out in declaration order, starting on a cache line: what a posting
/// reads and writes of the slot (its gate, the books, the entry list) then
/// shares one line, and the account itself (name, code, ...), needed only to
/// name it in an error or a report, stays out of the posting's way.
#[derive(Clone, Debug, PartialEq, Eq)]
#[repr(C, align(64))]
pub(crate) struct AccountSlot {
    gate: Gate,
    pub(crate) books: Vec<CurrencyBook>,
    /// Positions in the book's log, as `u32`: half the memory of `usize`,
    /// and a book refuses entries past [`Ledger::MAX_ENTRIES`].
    pub(crate) entries: Vec<u32>,
    pub(crate) account: Account,
    pub(crate) children: Vec<usize>,
}

/// The part of an account that every posting checks, copied out of it and
/// kept up to date when the account is opened or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Gate {
    opened_on: NaiveDate,
    open: bool,
    // Whether the account takes every currency; otherwise the account's
    // policy decides.
    any_currency: bool,
    limit: BalanceLimit,
}

impl Gate {
    fn of(account: &Account) -> Self {
        Self {
            opened_on: account.opened_on(),
            open: account.status().is_open(),
            any_currency: matches!(account.currencies(), CurrencyPolicy::Any),
            limit: account.limit(),
        }
    }
}

impl AccountSlot {
    fn new(account: Account) -> Self {
        Self {
            gate: Gate::of(&account),
            books: Vec::new(),
            entries: Vec::new(),
            account,
            children: Vec::new(),
        }
    }

    fn close(&mut self, on: NaiveDate) {
        self.account.close(on);
        self.gate = Gate::of(&self.account);
    }

    fn allows(&self, currency: Currency) -> bool {
        self.gate.any_currency || self.account.currencies().allows(currency)
    }

    pub(crate) fn book(&self, currency: Currency) -> Option<&CurrencyBook> {
        self.books.iter().find(|b| b.currency == currency)
    }

    fn book_mut(&mut self, currency: Currency) -> &mut CurrencyBook {
        // Found by position so the borrow of `books` ends before a push.
        let at = match self.books.iter().position(|b| b.currency == currency) {
            Some(at) => at,
            None => {
                self.books.push(CurrencyBook::new(currency));
                self.books.len() - 1
            }
        };
        // `at` is in bounds: found above or just pushed.
        &mut self.books[at]
    }

    fn totals(&self, currency: Currency) -> Totals {
        self.book(currency).map(|b| b.totals).unwrap_or_default()
    }
}

/// A posted entry and its hash in the audit chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PostedEntry {
    pub(crate) entry: JournalEntry,
    pub(crate) hash: EntryHash,
}

/// Posted entries in posting order, kept in fixed-size chunks: growing the
/// log never moves the entries already in it (a single vector would copy
/// every entry each time it doubles).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EntryLog {
    chunks: Vec<Vec<PostedEntry>>,
    len: usize,
}

const CHUNK: usize = 1024;

impl EntryLog {
    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn get(&self, position: usize) -> Option<&PostedEntry> {
        self.chunks
            .get(position / CHUNK)
            .and_then(|c| c.get(position % CHUNK))
    }

    fn push(&mut self, posted: PostedEntry) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(posted),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(posted);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &PostedEntry> + '_ {
        self.chunks.iter().flatten()
    }
}

/// Whether applying an entry indexes it at once or leaves that to a later
/// pass over many entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Indexing {
    Now,
    #[cfg(feature = "serde")]
    Later,
}

/// The id of the entry at `at` in a book's log or pending entries.
fn entry_id_at(entries: &EntryLog, pending: &[PendingEntry], at: EntryRef) -> Option<EntryId> {
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
/// let cash = Account::new(AccountId::from_u128(1), "1000".parse()?, "Cash", AccountKind::ASSET, day);
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
    /// Post a pending entry, in full or in part, as a new entry.
    PostPending {
        /// The pending entry.
        pending: EntryId,
        /// The id of the posted entry.
        entry: EntryId,
        /// The date of the posted entry.
        date: NaiveDate,
        /// How much to post.
        amounts: PendingAmounts,
        /// The caller's clock: a pending entry past its timeout cannot be posted.
        now: DateTime<Utc>,
    },
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
    /// Post the mirror of an entry.
    Reverse {
        /// The entry to reverse.
        entry: EntryId,
        /// The id of the reversal.
        reversal: EntryId,
        /// The reversal's date: the original's date (when open) or later.
        date: NaiveDate,
    },
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

/// How an entry is being checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A plain posted entry.
    Posted,
    /// A new pending entry: its amounts count as pending for the limits.
    Pending,
    /// The posting of an already-reserved pending entry: the limits were
    /// checked when it was reserved, and moving reserved amounts into posted
    /// ones (releasing the rest) can only relax them.
    FromPending,
    /// A year-end closing entry: it may hold several currencies, each
    /// balanced on its own, without converting between them.
    Closing,
    /// A foreign settlement: the payment in the foreign currency and the
    /// realised result in the base currency each balance on their own; only
    /// the realised legs go through the conversion account.
    Settlement,
    /// The mirror of a posted entry: it has the original's accounts,
    /// currencies and rates, whose shape (a conversion, a settlement, a
    /// year-end close) passed when the original was posted, so only what
    /// depends on the state now (date, accounts open, limits) is checked.
    Reversal,
}

/// Slot positions of an entry's postings, found once by the checks and
/// reused when applying, for entries of up to eight postings.
#[derive(Clone, Copy, Debug)]
struct Resolved {
    slots: [usize; 8],
    len: usize,
}

impl Resolved {
    const fn new() -> Self {
        Self {
            slots: [0; 8],
            len: 0,
        }
    }

    fn push(&mut self, at: usize) {
        if let Some(slot) = self.slots.get_mut(self.len) {
            *slot = at;
        }
        self.len += 1;
    }

    fn get(&self, posting: usize) -> Option<usize> {
        if self.len <= self.slots.len() && posting < self.len {
            self.slots.get(posting).copied()
        } else {
            None
        }
    }
}

/// Effects of the earlier entries of a linked batch, seen by the later ones.
#[derive(Debug, Default)]
struct Overlay<'a> {
    ids: IdMap<EntryId, &'a JournalEntry>,
    deltas: IdMap<(usize, Currency), (i128, i128)>,
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
/// ledger.open_account(Account::new(cash, "1000".parse()?, "Cash", AccountKind::ASSET, day))?;
/// ledger.open_account(Account::new(sales, "4000".parse()?, "Sales", AccountKind::INCOME, day))?;
/// let sale = JournalEntry::builder(EntryId::from_u128(1), day, "cash sale")
///     .debit(cash, "120.00 USD".parse()?)
///     .credit(sales, "120.00 USD".parse()?)
///     .build()?;
/// ledger.post(sale.clone())?;
/// // The identical entry again changes nothing.
/// assert!(matches!(ledger.post(sale), Err(bureau_ledger::Error::AlreadyPosted { .. })));
/// assert_eq!(ledger.balance(cash, Currency::USD)?.balance().to_string(), "120.00 USD");
/// assert!(ledger.verify().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
    calendar: FiscalCalendar,
    conversion: Option<AccountId>,
    pub(crate) slots: Vec<AccountSlot>,
    index: IdMap<AccountId, usize>,
    codes: IdMap<AccountCode, usize>,
    pub(crate) entries: EntryLog,
    entry_index: EntryIndex,
    // Original entry -> its reversal. Reversals are rare: a map keeps the
    // posted entries small.
    reversals: IdMap<EntryId, EntryId>,
    pending: Vec<PendingEntry>,
    locks: Vec<PeriodState>,
    // Entries dated on or after this day cannot fall in any lock.
    lock_horizon: Option<NaiveDate>,
    head: EntryHash,
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

    fn entry_ref(&self, id: EntryId) -> Option<EntryRef> {
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
    ///
    /// ```
    /// use bureau_ledger::{Ledger, LedgerConfig};
    ///
    /// assert_eq!(Ledger::new().config(), LedgerConfig::new());
    /// ```
    pub const fn config(&self) -> LedgerConfig {
        let config = LedgerConfig::new().with_fiscal_calendar(self.calendar);
        match self.conversion {
            Some(account) => config.with_conversion_account(account),
            None => config,
        }
    }

    fn check_configure(&self, config: &LedgerConfig) -> Result<bool> {
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
    ///
    /// ```
    /// use bureau_ledger::Ledger;
    /// use bureau_core::FiscalCalendar;
    ///
    /// assert_eq!(Ledger::new().calendar(), FiscalCalendar::CALENDAR_YEAR);
    /// ```
    pub const fn calendar(&self) -> FiscalCalendar {
        self.calendar
    }

    /// The designated conversion account, if any.
    ///
    /// ```
    /// use bureau_ledger::Ledger;
    ///
    /// assert_eq!(Ledger::new().conversion_account(), None);
    /// ```
    pub const fn conversion_account(&self) -> Option<AccountId> {
        self.conversion
    }

    // ---- read side -------------------------------------------------------

    /// The account with this id.
    ///
    /// ```
    /// # let (ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert_eq!(ledger.account(cash).ok_or("account")?.name(), "Cash");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.slot(id).map(|s| &s.account)
    }

    /// Every account, in the order opened.
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert_eq!(ledger.accounts().count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accounts(&self) -> impl Iterator<Item = &Account> + '_ {
        self.slots.iter().map(|s| &s.account)
    }

    /// The account with this code.
    ///
    /// ```
    /// # let (ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert_eq!(ledger.account_by_code(&"1000".parse()?).map(|a| a.id()), Some(cash));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn account_by_code(&self, code: &AccountCode) -> Option<&Account> {
        self.codes
            .get(code)
            .and_then(|&i| self.slots.get(i))
            .map(|s| &s.account)
    }

    /// The posted entry with this id.
    ///
    /// ```
    /// # let (ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert!(ledger.entry(bureau_ledger::EntryId::from_u128(404)).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entry(&self, id: EntryId) -> Option<&JournalEntry> {
        match self.entry_ref(id) {
            Some(EntryRef::Posted(i)) => self.entries.get(i).map(|p| &p.entry),
            _ => None,
        }
    }

    /// The entry that reversed this one, if any.
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert_eq!(ledger.reversed_by(bureau_ledger::EntryId::from_u128(404)), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reversed_by(&self, id: EntryId) -> Option<EntryId> {
        match self.entry_ref(id) {
            Some(EntryRef::Posted(_)) => self.reversals.get(&id).copied(),
            _ => None,
        }
    }

    /// Every posted entry, in posting order.
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert_eq!(ledger.entries().count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = &JournalEntry> + '_ {
        self.entries.iter().map(|p| &p.entry)
    }

    /// The pending entry with this id, whatever its state.
    ///
    /// ```
    /// # let (ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
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
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_pending()?;
    /// assert_eq!(ledger.pending_entries().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pending_entries(&self) -> impl Iterator<Item = &PendingEntry> + '_ {
        self.pending.iter()
    }

    /// The soft locks and hard closes in force.
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert!(ledger.period_states().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn period_states(&self) -> &[PeriodState] {
        &self.locks
    }

    /// The hash of the last posted entry ([`EntryHash::GENESIS`] when none).
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert_eq!(ledger.head(), bureau_ledger::EntryHash::GENESIS);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn head(&self) -> EntryHash {
        self.head
    }

    /// The audit chain: every posted entry with its hash, in posting order.
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert!(bureau_ledger::verify(&ledger.audit_records()).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn audit_records(&self) -> Vec<AuditRecord> {
        self.entries
            .iter()
            .map(|p| AuditRecord {
                entry: p.entry.clone(),
                hash: p.hash,
            })
            .collect()
    }

    /// Recomputes the audit chain over the posted entries.
    ///
    /// # Errors
    ///
    /// [`Error::AuditChainBroken`] with the first position that does not verify.
    ///
    /// ```
    /// # let (ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// ledger.verify()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self) -> Result<()> {
        let mut previous = EntryHash::GENESIS;
        for (position, posted) in self.entries.iter().enumerate() {
            let expected = EntryHash::of_entry(&previous, &posted.entry);
            if expected != posted.hash {
                return Err(Error::AuditChainBroken { position });
            }
            previous = expected;
        }
        Ok(())
    }

    /// The balance of `account` in `currency`: posted and pending totals and
    /// the signed balance on the account's normal side.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], or an overflow of the totals.
    ///
    /// ```
    /// # use bureau_core::Currency;
    /// # let (ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert!(ledger.balance(cash, Currency::USD)?.balance().is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn balance(&self, account: AccountId, currency: Currency) -> Result<Balance> {
        let slot = self.slot_or_err(account)?;
        Balance::from_totals(
            &slot.totals(currency),
            currency,
            slot.account.kind().normal_side(),
        )
    }

    /// Every currency in which `account` has ever been posted or reserved.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`].
    ///
    /// ```
    /// # let (ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert!(ledger.currencies_of(cash)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn currencies_of(&self, account: AccountId) -> Result<Vec<Currency>> {
        Ok(self
            .slot_or_err(account)?
            .books
            .iter()
            .map(|b| b.currency)
            .collect())
    }

    /// The posted balance of `account` in `currency` at the end of `date`, on
    /// the account's normal side. Entries posted out of date order count by
    /// their date.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], or an overflow.
    ///
    /// ```
    /// # use bureau_core::Currency;
    /// # let (ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    /// assert!(ledger.balance_as_of(cash, Currency::USD, day)?.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn balance_as_of(
        &self,
        account: AccountId,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<bureau_core::Money> {
        let slot = self.slot_or_err(account)?;
        let net = slot.book(currency).map_or(0, |b| b.as_of(date));
        let signed = crate::balance::on_side(net, slot.account.kind().normal_side());
        Ok(bureau_core::Money::from_minor(signed, currency)?)
    }

    /// The posted balance of `account` and every account below it in the
    /// hierarchy, in `currency`, on `account`'s normal side.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], or [`Error::ReportOverflow`] naming the
    /// account whose balance takes the sum beyond the largest amount there is.
    ///
    /// ```
    /// # use bureau_core::Currency;
    /// # let (ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// assert!(ledger.rollup_balance(cash, Currency::USD)?.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rollup_balance(
        &self,
        account: AccountId,
        currency: Currency,
    ) -> Result<bureau_core::Money> {
        let root = *self
            .index
            .get(&account)
            .ok_or(Error::UnknownAccount { account })?;
        let mut net = 0_i128;
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            if let Some(slot) = self.slots.get(at) {
                let totals = slot.totals(currency);
                // Each account's net fits an amount, but their sum may not:
                // name the account that takes it out of range.
                net = net
                    .checked_add(totals.posted_dr.saturating_sub(totals.posted_cr))
                    .filter(|n| n.unsigned_abs() <= crate::balance::MAX_MINOR.unsigned_abs())
                    .ok_or_else(|| Error::ReportOverflow {
                        report: "roll-up",
                        what: "balances",
                        account: slot.account.label(),
                        currency,
                    })?;
                stack.extend(slot.children.iter().copied());
            }
        }
        let side = self
            .slots
            .get(root)
            .map_or(Side::Debit, |s| s.account.kind().normal_side());
        Ok(bureau_core::Money::from_minor(
            crate::balance::on_side(net, side),
            currency,
        )?)
    }

    pub(crate) fn slot(&self, id: AccountId) -> Option<&AccountSlot> {
        self.index.get(&id).and_then(|&i| self.slots.get(i))
    }

    pub(crate) fn slot_or_err(&self, id: AccountId) -> Result<&AccountSlot> {
        self.slot(id).ok_or(Error::UnknownAccount { account: id })
    }

    pub(crate) fn posted_at(&self, position: usize) -> Option<&PostedEntry> {
        self.entries.get(position)
    }

    // ---- convenience: decide and apply ----------------------------------

    /// Opens an account.
    ///
    /// # Errors
    ///
    /// [`Error::AccountExists`], [`Error::DuplicateAccountCode`],
    /// [`Error::UnknownParent`] or [`Error::SelfParent`].
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, Ledger};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let mut ledger = Ledger::new();
    /// let cash = Account::new(AccountId::from_u128(1), "1000".parse()?, "Cash", AccountKind::ASSET, day);
    /// ledger.open_account(cash.clone())?;
    /// assert!(ledger.open_account(cash).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_account(&mut self, account: Account) -> Result<Vec<LedgerEvent>> {
        self.check_open_account(&account)?;
        self.apply_open(account.clone());
        Ok(vec![LedgerEvent::AccountOpened(account)])
    }

    /// Closes an account that holds no balance, posted or pending.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], [`Error::AccountAlreadyClosed`],
    /// [`Error::CloseBeforeOpen`] or [`Error::AccountHasBalance`].
    ///
    /// ```
    /// # let (mut ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// ledger.close_account(cash, day)?;
    /// assert!(!ledger.account(cash).ok_or("account")?.status().is_open());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_account(&mut self, account: AccountId, on: NaiveDate) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::CloseAccount { account, on })
    }

    /// Posts one entry and returns the event recording it, which carries the
    /// entry's hash in the audit chain.
    ///
    /// # Errors
    ///
    /// Any validation error naming the entry and posting; [`Error::AlreadyPosted`]
    /// when the identical entry was posted before (nothing changes).
    ///
    /// ```
    /// # use bureau_ledger::{EntryId, JournalEntry};
    /// # let (mut ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// # let sales = bureau_ledger::AccountId::from_u128(4);
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let events = ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "sale")
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(sales, "5.00 USD".parse()?)
    ///     .build()?)?;
    /// let [bureau_ledger::LedgerEvent::EntryPosted { hash, .. }] = events.as_slice() else {
    ///     return Err("one posted entry".into());
    /// };
    /// assert_eq!(ledger.head(), *hash);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post(&mut self, entry: JournalEntry) -> Result<Vec<LedgerEvent>> {
        // The same decision as `LedgerCommand::Post`, applied with the
        // account slots the checks already found.
        let resolved = self.check_entry(&entry, Mode::Posted, None)?;
        let hash = EntryHash::of_entry(&self.head, &entry);
        self.apply_resolved(entry.clone(), hash, Some(&resolved), Indexing::Now);
        Ok(vec![LedgerEvent::EntryPosted { entry, hash }])
    }

    /// Posts a linked batch: every entry, or none.
    ///
    /// # Errors
    ///
    /// [`Error::BatchRejected`] with one outcome per entry: the first failing
    /// entry's own error, [`Error::LinkedEntryFailed`] for the others.
    /// [`Error::EmptyBatch`] for no entries.
    ///
    /// ```
    /// # use bureau_ledger::{EntryId, Error, JournalEntry};
    /// # let (mut ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// # let sales = bureau_ledger::AccountId::from_u128(4);
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let good = JournalEntry::builder(EntryId::from_u128(1), day, "sale")
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(sales, "5.00 USD".parse()?)
    ///     .build()?;
    /// let bad = JournalEntry::builder(EntryId::from_u128(2), day, "to nowhere")
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(bureau_ledger::AccountId::from_u128(404), "5.00 USD".parse()?)
    ///     .build()?;
    /// let err = ledger.post_batch(vec![good, bad]).unwrap_err();
    /// let Error::BatchRejected { position, outcomes } = err else { panic!() };
    /// assert_eq!(position, 1);
    /// assert!(matches!(outcomes[0], Error::LinkedEntryFailed { .. }));
    /// assert_eq!(ledger.entries().count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post_batch(&mut self, entries: Vec<JournalEntry>) -> Result<Vec<LedgerEvent>> {
        let hashes = self.check_batch(&entries)?;
        let events: Vec<LedgerEvent> = entries
            .into_iter()
            .zip(hashes)
            .map(|(entry, hash)| LedgerEvent::EntryPosted { entry, hash })
            .collect();
        for event in &events {
            self.apply(event);
        }
        Ok(events)
    }

    /// Reserves an entry's amounts as pending, optionally until `expires_at`.
    ///
    /// # Errors
    ///
    /// Any validation error of [`post`](Self::post); limits count pending amounts.
    ///
    /// ```
    /// # let (ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
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

    /// Posts a pending entry in full or in part as entry `entry` dated `date`;
    /// whatever is not posted is released.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPending`], [`Error::PendingResolved`],
    /// [`Error::PendingExpired`], the partial-amount errors, or any validation
    /// error of the posted entry.
    ///
    /// ```
    /// use bureau_ledger::{EntryId, PendingAmounts, PendingState};
    ///
    /// # let (mut ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 3).ok_or("date")?;
    /// let now = day.and_hms_opt(12, 0, 0).ok_or("time")?.and_utc();
    /// ledger.post_pending(pending, EntryId::from_u128(20), day,
    ///     PendingAmounts::Partial(vec!["30.00 USD".parse()?, "30.00 USD".parse()?]), now)?;
    /// assert_eq!(ledger.pending(pending).ok_or("pending")?.state(),
    ///     PendingState::Posted { entry: EntryId::from_u128(20) });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post_pending(
        &mut self,
        pending: EntryId,
        entry: EntryId,
        date: NaiveDate,
        amounts: PendingAmounts,
        now: DateTime<Utc>,
    ) -> Result<Vec<LedgerEvent>> {
        let (posted, hash) = self.check_post_pending(pending, entry, date, &amounts, now)?;
        self.apply_pending_posted(pending, posted.clone(), hash);
        Ok(vec![LedgerEvent::PendingPosted {
            pending,
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
    /// # let (mut ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
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
    /// # let (mut ledger, pending) = bureau_ledger::doc_support::ledger_with_pending()?;
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

    /// Reverses a posted entry with its mirror, `reversal`, dated `date`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownEntry`], [`Error::AlreadyReversed`],
    /// [`Error::ReversalBeforeOriginal`], or any validation error of the
    /// mirror entry (a closed period, a closed account, a limit).
    ///
    /// ```
    /// # use bureau_ledger::{EntryId, JournalEntry};
    /// # use bureau_core::Currency;
    /// # let (mut ledger, cash) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// # let sales = bureau_ledger::AccountId::from_u128(4);
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "sale")
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(sales, "5.00 USD".parse()?)
    ///     .build()?)?;
    /// ledger.reverse(EntryId::from_u128(1), EntryId::from_u128(2), day)?;
    /// assert!(ledger.balance(cash, Currency::USD)?.balance().is_zero());
    /// assert_eq!(ledger.reversed_by(EntryId::from_u128(1)), Some(EntryId::from_u128(2)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reverse(
        &mut self,
        entry: EntryId,
        reversal: EntryId,
        date: NaiveDate,
    ) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::Reverse {
            entry,
            reversal,
            date,
        })
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
    /// # let (mut ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
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
    /// # let (mut ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
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
    /// # let (mut ledger, _) = bureau_ledger::doc_support::ledger_with_cash()?;
    /// let january = Period::month(2026, 1)?;
    /// ledger.close_period(january)?;
    /// assert!(ledger.close_period(january).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_period(&mut self, period: Period) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::ClosePeriod(period))
    }

    /// Closes a fiscal year into `retained_earnings` (see
    /// [`LedgerCommand::CloseYear`]).
    ///
    /// # Errors
    ///
    /// [`Error::ForeignCalendar`], [`Error::UnknownAccount`],
    /// [`Error::WrongAccountClass`], [`Error::PeriodAlreadyClosed`], or any
    /// validation error of the closing entry.
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
    /// use bureau_core::{Currency, FiscalCalendar};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    /// let (cash, sales, re) = (AccountId::from_u128(1), AccountId::from_u128(4), AccountId::from_u128(3));
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(Account::new(cash, "1000".parse()?, "Cash", AccountKind::ASSET, day))?;
    /// ledger.open_account(Account::new(sales, "4000".parse()?, "Sales", AccountKind::INCOME, day))?;
    /// ledger.open_account(Account::new(re, "3200".parse()?, "Retained earnings", AccountKind::EQUITY, day))?;
    /// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "sale")
    ///     .debit(cash, "90.00 USD".parse()?)
    ///     .credit(sales, "90.00 USD".parse()?)
    ///     .build()?)?;
    /// ledger.close_year(FiscalCalendar::CALENDAR_YEAR.year(2026), EntryId::from_u128(99), re)?;
    /// let usd = Currency::USD;
    /// assert!(ledger.balance(sales, usd)?.balance().is_zero());
    /// assert_eq!(ledger.balance(re, usd)?.balance().to_string(), "90.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_year(
        &mut self,
        year: FiscalYear,
        entry: EntryId,
        retained_earnings: AccountId,
    ) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::CloseYear {
            year,
            entry,
            retained_earnings,
        })
    }

    // ---- decisions -------------------------------------------------------

    fn check_open_account(&self, account: &Account) -> Result<()> {
        if let Some(existing) = self.slot(account.id()) {
            return Err(Error::AccountExists {
                account: existing.account.label(),
            });
        }
        if let Some(existing) = self
            .codes
            .get(account.code())
            .and_then(|&i| self.slots.get(i))
        {
            return Err(Error::DuplicateAccountCode {
                code: account.code().to_string(),
                existing: existing.account.label(),
            });
        }
        if let Some(parent) = account.parent() {
            // A parent must already be in the chart, so no cycle can form.
            if parent == account.id() {
                return Err(Error::SelfParent {
                    account: account.label(),
                });
            }
            if self.slot(parent).is_none() {
                return Err(Error::UnknownParent {
                    account: account.label(),
                    parent,
                });
            }
        }
        Ok(())
    }

    fn check_close_account(&self, account: AccountId, on: NaiveDate) -> Result<()> {
        let slot = self.slot_or_err(account)?;
        if !slot.account.status().is_open() {
            return Err(Error::AccountAlreadyClosed {
                account: slot.account.label(),
            });
        }
        if on < slot.account.opened_on() {
            return Err(Error::CloseBeforeOpen {
                account: slot.account.label(),
                opened_on: slot.account.opened_on(),
                on,
            });
        }
        if let Some(book) = slot.books.iter().find(|b| !b.totals.is_empty()) {
            let t = book.totals;
            let held = if t.posted_dr != t.posted_cr {
                t.posted_dr.saturating_sub(t.posted_cr)
            } else if t.pending_dr != 0 {
                t.pending_dr
            } else {
                t.pending_cr.saturating_neg()
            };
            return Err(Error::AccountHasBalance {
                account: slot.account.label(),
                balance: bureau_core::Money::from_minor(held, book.currency)?,
            });
        }
        Ok(())
    }

    /// Every check an entry must pass against the current state (plus the
    /// effects of the earlier entries of its batch).
    fn check_entry(
        &self,
        entry: &JournalEntry,
        mode: Mode,
        overlay: Option<&Overlay>,
    ) -> Result<Resolved> {
        let id = entry.id();
        let recorded = self.entries.len() + overlay.map_or(0, |o| o.ids.len());
        if recorded >= Self::MAX_ENTRIES {
            return Err(Error::BookFull {
                entry: id,
                capacity: Self::MAX_ENTRIES,
            });
        }
        // Idempotency first: a retry of a posted entry must say so, not
        // report whatever else changed since.
        let existing = match self.entry_ref(id) {
            Some(EntryRef::Posted(i)) => self.entries.get(i).map(|p| &p.entry),
            Some(EntryRef::Pending(i)) => self.pending.get(i).map(|p| &p.entry),
            None => None,
        };
        let existing = existing.or_else(|| overlay.and_then(|o| o.ids.get(&id).copied()));
        if let Some(existing) = existing {
            return Err(match existing.first_difference(entry) {
                Some(field) => Error::ExistsWithDifferent { entry: id, field },
                None => Error::AlreadyPosted { entry: id },
            });
        }
        let mixed = entry.check_balanced()?;
        if mixed && mode != Mode::Closing && mode != Mode::Reversal {
            entry.check_rates()?;
        }
        self.check_date(entry)?;
        if let Some(original) = entry.reverses() {
            // An earlier entry of the same decision may already reverse it.
            if let Some(by) = overlay.and_then(|o| {
                o.ids
                    .values()
                    .find(|e| e.reverses() == Some(original))
                    .map(|e| e.id())
            }) {
                return Err(Error::AlreadyReversed {
                    entry: original,
                    by,
                });
            }
            // An entry reversed within the same decision (a revaluation and
            // its reversal) is not posted yet: it is in the overlay.
            match overlay.and_then(|o| o.ids.get(&original)) {
                Some(earlier) if entry.date() < earlier.date() => {
                    return Err(Error::ReversalBeforeOriginal {
                        entry: original,
                        date: entry.date(),
                        original: earlier.date(),
                    });
                }
                Some(_) => {}
                None => {
                    self.check_reversible(original, entry.date())?;
                }
            }
        }
        let postings = entry.postings();
        let mut resolved = Resolved::new();
        for (index, posting) in postings.iter().enumerate() {
            let number = index + 1;
            let unknown = || Error::PostingUnknownAccount {
                entry: id,
                posting: number,
                account: posting.account(),
            };
            let at = *self.index.get(&posting.account()).ok_or_else(unknown)?;
            let slot = self.slots.get(at).ok_or_else(unknown)?;
            resolved.push(at);
            let account = &slot.account;
            if !slot.gate.open {
                return Err(Error::PostingClosedAccount {
                    entry: id,
                    posting: number,
                    account: account.label(),
                });
            }
            if entry.date() < slot.gate.opened_on {
                return Err(Error::AccountNotYetOpen {
                    entry: id,
                    posting: number,
                    account: account.label(),
                    date: entry.date(),
                    opened_on: account.opened_on(),
                });
            }
            let currency = posting.amount().currency();
            if !slot.allows(currency) {
                return Err(Error::CurrencyNotAllowed {
                    entry: id,
                    posting: number,
                    account: account.label(),
                    currency,
                });
            }
        }
        if mixed && matches!(mode, Mode::Posted | Mode::Pending | Mode::FromPending) {
            self.check_conversion(entry)?;
        }
        self.check_totals(entry, mode, overlay, &resolved)?;
        Ok(resolved)
    }

    pub(crate) fn check_date(&self, entry: &JournalEntry) -> Result<()> {
        let date = entry.date();
        if self.lock_horizon.is_none_or(|horizon| date >= horizon) {
            return Ok(());
        }
        let mut locked = None;
        for state in &self.locks {
            let period = state.period();
            if !period.contains(date) {
                continue;
            }
            match state {
                PeriodState::Closed(_) => {
                    return Err(Error::PeriodClosed {
                        entry: entry.id(),
                        date,
                        period,
                    });
                }
                PeriodState::SoftLocked(lock) => {
                    if !lock.lets_in(entry.id(), entry.posted_by()) {
                        locked.get_or_insert(period);
                    }
                }
            }
        }
        match locked {
            Some(period) => Err(Error::PeriodLocked {
                entry: entry.id(),
                date,
                period,
            }),
            None => Ok(()),
        }
    }

    fn check_reversible(&self, original: EntryId, date: NaiveDate) -> Result<&PostedEntry> {
        let posted = match self.entry_ref(original) {
            Some(EntryRef::Posted(i)) => self.entries.get(i),
            _ => None,
        }
        .ok_or(Error::UnknownEntry { entry: original })?;
        if let Some(&by) = self.reversals.get(&original) {
            return Err(Error::AlreadyReversed {
                entry: original,
                by,
            });
        }
        if date < posted.entry.date() {
            return Err(Error::ReversalBeforeOriginal {
                entry: original,
                date,
                original: posted.entry.date(),
            });
        }
        Ok(posted)
    }

    fn check_conversion(&self, entry: &JournalEntry) -> Result<()> {
        let conversion = self
            .conversion
            .ok_or(Error::NoConversionAccount { entry: entry.id() })?;
        for currency in entry.currencies() {
            let converts = entry
                .postings()
                .iter()
                .any(|p| p.account() == conversion && p.amount().currency() == currency);
            if !converts {
                let account = self.slot_or_err(conversion).map(|s| s.account.label())?;
                return Err(Error::MissingConversion {
                    entry: entry.id(),
                    currency,
                    account,
                });
            }
        }
        Ok(())
    }

    /// Checks, per account and currency the entry touches, that the totals
    /// after it stay within what a balance can hold and, except when posting
    /// reserved amounts, that the account's limit holds.
    fn check_totals(
        &self,
        entry: &JournalEntry,
        mode: Mode,
        overlay: Option<&Overlay>,
        resolved: &Resolved,
    ) -> Result<()> {
        let postings = entry.postings();
        for (index, posting) in postings.iter().enumerate() {
            let Some(at) = resolved
                .get(index)
                .or_else(|| self.index.get(&posting.account()).copied())
            else {
                continue;
            };
            let Some(slot) = self.slots.get(at) else {
                continue;
            };
            let limit = slot.gate.limit;
            let currency = posting.amount().currency();
            // Check once per (account, currency), at its last posting, with
            // every posting of the entry on it added.
            let later_same = postings
                .iter()
                .skip(index + 1)
                .any(|p| p.account() == posting.account() && p.amount().currency() == currency);
            if later_same {
                continue;
            }
            let (mut dr, mut cr) = (0_i128, 0_i128);
            for p in postings {
                if p.account() == posting.account() && p.amount().currency() == currency {
                    match p.side() {
                        Side::Debit => dr = dr.saturating_add(p.amount().to_minor()),
                        Side::Credit => cr = cr.saturating_add(p.amount().to_minor()),
                    }
                }
            }
            let mut totals = slot.totals(currency);
            if let Some((odr, ocr)) = overlay.and_then(|o| o.deltas.get(&(at, currency))) {
                totals.posted_dr = totals.posted_dr.saturating_add(*odr);
                totals.posted_cr = totals.posted_cr.saturating_add(*ocr);
            }
            match mode {
                Mode::Pending => {
                    totals.pending_dr = totals.pending_dr.saturating_add(dr);
                    totals.pending_cr = totals.pending_cr.saturating_add(cr);
                }
                Mode::Posted
                | Mode::FromPending
                | Mode::Closing
                | Mode::Settlement
                | Mode::Reversal => {
                    totals.posted_dr = totals.posted_dr.saturating_add(dr);
                    totals.posted_cr = totals.posted_cr.saturating_add(cr);
                }
            }
            if !totals.fits() {
                return Err(Error::BalanceOverflow {
                    entry: entry.id(),
                    posting: index + 1,
                    account: slot.account.label(),
                    currency,
                });
            }
            // The limits were checked when the amounts were reserved, and
            // moving reserved amounts into posted ones (releasing the rest)
            // can only relax them.
            if mode == Mode::FromPending {
                continue;
            }
            let broken = match limit {
                BalanceLimit::DebitsMustNotExceedCredits => {
                    totals.posted_dr.saturating_add(totals.pending_dr) > totals.posted_cr
                }
                BalanceLimit::CreditsMustNotExceedDebits => {
                    totals.posted_cr.saturating_add(totals.pending_cr) > totals.posted_dr
                }
                BalanceLimit::None => false,
            };
            if broken {
                return Err(Error::LimitExceeded {
                    entry: entry.id(),
                    posting: index + 1,
                    account: slot.account.label(),
                    limit,
                });
            }
        }
        Ok(())
    }

    /// Checks a linked batch and returns the chained hash of each entry.
    fn check_batch(&self, entries: &[JournalEntry]) -> Result<Vec<EntryHash>> {
        if entries.is_empty() {
            return Err(Error::EmptyBatch);
        }
        let mut overlay = Overlay::default();
        let mut hashes = Vec::with_capacity(entries.len());
        let mut previous = self.head;
        for (position, entry) in entries.iter().enumerate() {
            if let Err(error) = self.check_entry(entry, Mode::Posted, Some(&overlay)) {
                let outcomes = entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        if i == position {
                            error.clone()
                        } else {
                            Error::LinkedEntryFailed { entry: e.id() }
                        }
                    })
                    .collect();
                return Err(Error::BatchRejected { position, outcomes });
            }
            self.add_to_overlay(&mut overlay, entry);
            previous = EntryHash::of_entry(&previous, entry);
            hashes.push(previous);
        }
        Ok(hashes)
    }

    /// Makes `entry` seen by the entries checked after it in one decision.
    fn add_to_overlay<'a>(&self, overlay: &mut Overlay<'a>, entry: &'a JournalEntry) {
        overlay.ids.insert(entry.id(), entry);
        for posting in entry.postings() {
            if let Some(&at) = self.index.get(&posting.account()) {
                let delta = overlay
                    .deltas
                    .entry((at, posting.amount().currency()))
                    .or_default();
                let minor = posting.amount().to_minor();
                match posting.side() {
                    Side::Debit => delta.0 = delta.0.saturating_add(minor),
                    Side::Credit => delta.1 = delta.1.saturating_add(minor),
                }
            }
        }
    }

    /// Checks entries a command derives from the ledger's state, each seeing
    /// the ones before it, and returns them as posted events. Unlike a linked
    /// batch, the first failure is returned as it is.
    pub(crate) fn decide_system_entries(
        &self,
        entries: Vec<JournalEntry>,
    ) -> Result<Vec<LedgerEvent>> {
        let mut overlay = Overlay::default();
        let mut hashes = Vec::with_capacity(entries.len());
        let mut previous = self.head;
        for entry in &entries {
            self.check_entry(entry, Mode::Posted, Some(&overlay))?;
            self.add_to_overlay(&mut overlay, entry);
            previous = EntryHash::of_entry(&previous, entry);
            hashes.push(previous);
        }
        Ok(entries
            .into_iter()
            .zip(hashes)
            .map(|(entry, hash)| LedgerEvent::EntryPosted { entry, hash })
            .collect())
    }

    /// Checks a foreign settlement's entry (see [`Mode::Settlement`]).
    pub(crate) fn decide_settlement_entry(&self, entry: JournalEntry) -> Result<LedgerEvent> {
        self.check_entry(&entry, Mode::Settlement, None)?;
        let hash = EntryHash::of_entry(&self.head, &entry);
        Ok(LedgerEvent::EntryPosted { entry, hash })
    }

    /// For a command that computes its entry from the ledger's state: when an
    /// entry with the same id exists (posted or pending), whether it is the
    /// one this command posted. `skeleton` holds what the command fixes by
    /// itself: the first `fixed` postings, the date, the description, the
    /// rates and metadata; the postings after those were computed from the
    /// state at the time and are taken from the existing entry.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyPosted`] when it is, [`Error::ExistsWithDifferent`]
    /// when it is not.
    pub(crate) fn check_command_entry(&self, skeleton: &JournalEntry, fixed: usize) -> Result<()> {
        let id = skeleton.id();
        let existing = match self.entry_ref(id) {
            Some(EntryRef::Posted(i)) => self.entries.get(i).map(|p| &p.entry),
            Some(EntryRef::Pending(i)) => self.pending.get(i).map(|p| &p.entry),
            None => None,
        };
        let Some(existing) = existing else {
            return Ok(());
        };
        let head = skeleton.postings().get(..fixed);
        if head.is_none() || existing.postings().get(..fixed) != head {
            return Err(Error::ExistsWithDifferent {
                entry: id,
                field: crate::EntryField::Postings,
            });
        }
        let candidate =
            skeleton.with_id_date_postings(id, skeleton.date(), existing.postings().to_vec());
        Err(match existing.first_difference(&candidate) {
            Some(field) => Error::ExistsWithDifferent { entry: id, field },
            None => Error::AlreadyPosted { entry: id },
        })
    }

    fn open_pending(&self, pending: EntryId) -> Result<&PendingEntry> {
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

    fn check_post_pending(
        &self,
        pending: EntryId,
        id: EntryId,
        date: NaiveDate,
        amounts: &PendingAmounts,
        now: DateTime<Utc>,
    ) -> Result<(JournalEntry, EntryHash)> {
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

    fn due_pending(&self, now: DateTime<Utc>) -> Vec<EntryId> {
        self.pending
            .iter()
            .filter(|p| p.state.is_pending() && p.expires_at.is_some_and(|at| at <= now))
            .map(|p| p.entry.id())
            .collect()
    }

    fn check_reverse(
        &self,
        entry: EntryId,
        reversal: EntryId,
        date: NaiveDate,
    ) -> Result<JournalEntry> {
        let original = self.check_reversible(entry, date)?;
        let mirror = original.entry.reversal(reversal, date);
        self.check_entry(&mirror, Mode::Reversal, None)?;
        Ok(mirror)
    }

    fn check_lock(&self, period: Period) -> Result<()> {
        if self
            .locks
            .iter()
            .any(|s| s.is_closed() && s.period() == period)
        {
            return Err(Error::PeriodAlreadyClosed { period });
        }
        Ok(())
    }

    fn decide_close_year(
        &self,
        year: FiscalYear,
        id: EntryId,
        retained_earnings: AccountId,
    ) -> Result<Vec<LedgerEvent>> {
        if year.calendar() != self.calendar {
            return Err(Error::ForeignCalendar { year });
        }
        let period = Period::new(year, bureau_core::Granularity::Year, 1)?;
        self.check_lock(period)?;
        let equity = self.slot_or_err(retained_earnings)?;
        if equity.account.kind().class() != crate::AccountClass::Equity {
            return Err(Error::WrongAccountClass {
                account: equity.account.label(),
                role: "retained earnings",
                expected: "equity",
                actual: equity.account.kind(),
            });
        }
        let Some(last_day) = period.range().last_day() else {
            return Ok(vec![LedgerEvent::PeriodClosed(period)]);
        };
        let mut postings = Vec::new();
        let mut offsets = crate::entry::CurrencySums::new();
        for slot in &self.slots {
            if !slot.account.kind().class().is_profit_and_loss() {
                continue;
            }
            for book in &slot.books {
                let net = book.as_of(last_day);
                if net == 0 {
                    continue;
                }
                let side = if net > 0 { Side::Credit } else { Side::Debit };
                let amount = bureau_core::Money::from_minor(net.saturating_abs(), book.currency)?;
                postings.push(crate::Posting::new(slot.account.id(), side, amount));
                offsets.add(book.currency, net);
            }
        }
        let mut events = Vec::new();
        if !postings.is_empty() {
            for (currency, net) in offsets.iter() {
                if net == 0 {
                    continue;
                }
                let side = if net > 0 { Side::Debit } else { Side::Credit };
                let amount = bureau_core::Money::from_minor(net.saturating_abs(), currency)
                    .map_err(|_| Error::EntryOverflow {
                        entry: id,
                        what: "the net income closed into retained earnings",
                        currency,
                    })?;
                postings.push(crate::Posting::new(retained_earnings, side, amount));
            }
            let mut entry = JournalEntry::system(
                id,
                last_day,
                format!("year-end close {year}"),
                postings,
                Vec::new(),
            );
            entry.mark_closing(year);
            self.check_entry(&entry, Mode::Closing, None)?;
            let hash = EntryHash::of_entry(&self.head, &entry);
            events.push(LedgerEvent::EntryPosted { entry, hash });
        }
        events.push(LedgerEvent::PeriodClosed(period));
        Ok(events)
    }

    pub(crate) fn decide_system_entry(&self, entry: JournalEntry) -> Result<LedgerEvent> {
        self.check_entry(&entry, Mode::Posted, None)?;
        let hash = EntryHash::of_entry(&self.head, &entry);
        Ok(LedgerEvent::EntryPosted { entry, hash })
    }

    /// A book from the parts of a snapshot, folded with the same bookkeeping
    /// as its events: the settings, the chart in the order it was opened
    /// (with its books in the order their currencies were first used),
    /// the pending entries (only those still pending reserve their amounts)
    /// and the period states in their order; the posted entries follow
    /// through [`restore_posted`](Self::restore_posted), in posting order.
    #[cfg(feature = "serde")]
    pub(crate) fn restore(
        config: LedgerConfig,
        accounts: Vec<Account>,
        books: Vec<Vec<Currency>>,
        pending: Vec<PendingEntry>,
        locks: Vec<PeriodState>,
    ) -> Self {
        let mut ledger = Self::new();
        ledger.calendar = config.fiscal_calendar();
        ledger.conversion = config.conversion_account();
        for account in accounts {
            ledger.apply_open(account);
        }
        for (slot, currencies) in ledger.slots.iter_mut().zip(books) {
            for currency in currencies {
                slot.book_mut(currency);
            }
        }
        for reserved in pending {
            if reserved.state.is_pending() {
                ledger.reserve(&reserved.entry, 1);
            }
            ledger.entry_index.insert(
                reserved.entry.id(),
                EntryRef::Pending(ledger.pending.len()),
                |at| entry_id_at(&ledger.entries, &ledger.pending, at),
            );
            ledger.pending.push(reserved);
        }
        for state in locks {
            ledger.apply_lock(state);
        }
        ledger
    }

    /// Folds a posted entry of a snapshot back in, after those before it,
    /// leaving it out of the entry index until
    /// [`index_restored`](Self::index_restored).
    #[cfg(feature = "serde")]
    pub(crate) fn restore_posted(&mut self, entry: JournalEntry, hash: EntryHash) {
        self.apply_resolved(entry, hash, None, Indexing::Later);
    }

    /// Indexes the posted entries [`restore_posted`](Self::restore_posted)
    /// folded in. One pass in the order of the index's buckets instead of an
    /// insertion each: the writes then go through the index's memory in
    /// order, not at random (a quarter of restoring a large book otherwise).
    #[cfg(feature = "serde")]
    pub(crate) fn index_restored(&mut self) {
        let known = self.entry_index.len().saturating_sub(self.pending.len());
        let refs: Vec<(EntryId, EntryRef)> = self
            .entries
            .iter()
            .zip(0..)
            .skip(known)
            .map(|(posted, at)| (posted.entry.id(), EntryRef::Posted(at)))
            .collect();
        let (entries, pending) = (&self.entries, &self.pending);
        self.entry_index
            .insert_all(refs, |at| entry_id_at(entries, pending, at));
    }

    // ---- replay ------------------------------------------------------------

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

    // ---- application -----------------------------------------------------

    fn apply_open(&mut self, account: Account) {
        let at = self.slots.len();
        if let Some(parent) = account.parent().and_then(|p| self.index.get(&p).copied())
            && let Some(slot) = self.slots.get_mut(parent)
        {
            slot.children.push(at);
        }
        self.index.insert(account.id(), at);
        self.codes.insert(account.code().clone(), at);
        self.slots.push(AccountSlot::new(account));
    }

    fn apply_posted(&mut self, entry: JournalEntry, hash: EntryHash) {
        self.apply_resolved(entry, hash, None, Indexing::Now);
    }

    fn apply_resolved(
        &mut self,
        entry: JournalEntry,
        hash: EntryHash,
        resolved: Option<&Resolved>,
        indexing: Indexing,
    ) {
        let position = self.entries.len();
        let postings = entry.postings();
        for (index, posting) in postings.iter().enumerate() {
            let Some(at) = resolved
                .and_then(|r| r.get(index))
                .or_else(|| self.index.get(&posting.account()).copied())
            else {
                continue;
            };
            if let Some(slot) = self.slots.get_mut(at) {
                slot.book_mut(posting.amount().currency()).post(
                    entry.date(),
                    posting.side(),
                    posting.amount().to_minor(),
                );
                // Whether an earlier posting of the entry listed it on this
                // account already: for a short entry, asked of the entry
                // (in cache) rather than of the account's list (often not).
                let listed = match postings.get(..index) {
                    Some(earlier) if earlier.len() < 8 => {
                        earlier.iter().any(|p| p.account() == posting.account())
                    }
                    _ => slot.entries.last().map(|&at| at as usize) == Some(position),
                };
                // Below `MAX_ENTRIES`, which every decision checks.
                if let (false, Ok(position)) = (listed, u32::try_from(position)) {
                    if slot.entries.capacity() == 0 {
                        // As for a book's history: past the smallest steps.
                        slot.entries.reserve_exact(16);
                    }
                    slot.entries.push(position);
                }
            }
        }
        if let Some(original) = entry.reverses() {
            self.reversals.insert(original, entry.id());
        }
        if indexing == Indexing::Now {
            self.entry_index
                .insert(entry.id(), EntryRef::Posted(position), |at| {
                    entry_id_at(&self.entries, &self.pending, at)
                });
        }
        self.head = hash;
        self.entries.push(PostedEntry { entry, hash });
    }

    fn reserve(&mut self, entry: &JournalEntry, sign: i128) {
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

    fn apply_pending_created(&mut self, entry: JournalEntry, expires_at: Option<DateTime<Utc>>) {
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

    fn apply_pending_released(&mut self, pending: EntryId, state: PendingState) {
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

    fn apply_pending_posted(&mut self, pending: EntryId, entry: JournalEntry, hash: EntryHash) {
        let id = entry.id();
        self.apply_pending_released(pending, PendingState::Posted { entry: id });
        self.apply_posted(entry, hash);
    }

    fn apply_lock(&mut self, state: PeriodState) {
        let period = state.period();
        self.locks.retain(|s| s.period() != period || s.is_closed());
        self.locks.push(state);
        self.recompute_horizon();
    }

    fn recompute_horizon(&mut self) {
        self.lock_horizon = self.locks.iter().map(|s| s.period().range().end()).max();
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
            LedgerCommand::PostPending {
                pending,
                entry,
                date,
                amounts,
                now,
            } => {
                let (posted, hash) =
                    self.check_post_pending(*pending, *entry, *date, amounts, *now)?;
                Ok(vec![LedgerEvent::PendingPosted {
                    pending: *pending,
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
            LedgerCommand::Reverse {
                entry,
                reversal,
                date,
            } => {
                let mirror = self.check_reverse(*entry, *reversal, *date)?;
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
    /// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "to nowhere")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountKind, Posting};
    use bureau_core::Money;
    use std::collections::HashSet;

    /// The fixed-seed multiplicative fold the ledger once indexed ids with.
    #[derive(Default)]
    struct OldFold(u64);

    const OLD_SEED: u64 = 0x517c_c1b7_2722_0a95;

    impl std::hash::Hasher for OldFold {
        fn write(&mut self, bytes: &[u8]) {
            for chunk in bytes.chunks(8) {
                let mut word = [0_u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(OLD_SEED);
            }
        }
        fn write_usize(&mut self, value: usize) {
            self.0 = (self.0.rotate_left(5) ^ value as u64).wrapping_mul(OLD_SEED);
        }
        fn finish(&self) -> u64 {
            self.0
        }
    }

    /// Entry ids that all hash alike under [`OldFold`]: the fold is
    /// invertible, so the second word of each id undoes whatever the first
    /// one did.
    fn colliding_ids(count: u64) -> Vec<EntryId> {
        // The inverse of the odd seed modulo 2^64, by Newton's iteration.
        let mut inverse = OLD_SEED;
        for _ in 0..6 {
            inverse = inverse.wrapping_mul(2_u64.wrapping_sub(OLD_SEED.wrapping_mul(inverse)));
        }
        let target = 0x0123_4567_89ab_cdef_u64;
        // A UUID hashes as one write of its 16 bytes: two words.
        (1..=count)
            .map(|first| {
                let after_first = first.wrapping_mul(OLD_SEED);
                let second = after_first.rotate_left(5) ^ target.wrapping_mul(inverse);
                let mut bytes = [0_u8; 16];
                bytes[..8].copy_from_slice(&first.to_le_bytes());
                bytes[8..].copy_from_slice(&second.to_le_bytes());
                EntryId::from_uuid(bureau_core::Uuid::from_bytes(bytes))
            })
            .collect()
    }

    #[test]
    fn ids_crafted_to_collide_under_a_fixed_seed_spread_under_the_books_hasher() {
        use std::hash::BuildHasher;
        let ids = colliding_ids(4096);
        let old = std::hash::BuildHasherDefault::<OldFold>::default();
        let under_old: HashSet<u64> = ids.iter().map(|id| old.hash_one(id)).collect();
        assert_eq!(
            under_old.len(),
            1,
            "the crafted ids collide under the old hash"
        );
        // The hasher of the book's entry index.
        let hasher = foldhash::fast::RandomState::default();
        let buckets: HashSet<u64> = ids.iter().map(|id| hasher.hash_one(id) & 0xfff).collect();
        assert!(buckets.len() > 2400, "only {} buckets", buckets.len());
        // And a book takes them as it takes any ids.
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut ledger = Ledger::new();
        for n in 1..=2_u128 {
            ledger
                .open_account(Account::new(
                    AccountId::from_u128(n),
                    format!("{n}00").parse().unwrap(),
                    "account",
                    AccountKind::ASSET,
                    day,
                ))
                .unwrap();
        }
        for id in &ids {
            let entry = JournalEntry::builder(*id, day, "crafted")
                .debit(AccountId::from_u128(1), "1.00 USD".parse().unwrap())
                .credit(AccountId::from_u128(2), "1.00 USD".parse().unwrap())
                .build()
                .unwrap();
            ledger.post(entry).unwrap();
        }
        assert_eq!(ledger.entries().count(), ids.len());
    }

    #[test]
    fn entries_with_more_postings_than_the_inline_slots_post_correctly() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut ledger = Ledger::new();
        for n in 0..12_u128 {
            ledger
                .open_account(Account::new(
                    AccountId::from_u128(n),
                    format!("{}", 100 + n).parse().unwrap(),
                    "a",
                    AccountKind::ASSET,
                    day,
                ))
                .unwrap();
        }
        let usd = Currency::USD;
        let mut builder = JournalEntry::builder(EntryId::from_u128(1), day, "wide");
        for n in 1..12_u128 {
            builder = builder.posting(Posting::debit(
                AccountId::from_u128(n),
                Money::from_minor(i128::try_from(n).unwrap(), usd).unwrap(),
            ));
        }
        let total = (1..12).sum::<i128>();
        builder = builder.credit(
            AccountId::from_u128(0),
            Money::from_minor(total, usd).unwrap(),
        );
        ledger.post(builder.build().unwrap()).unwrap();
        for n in 1..12_u128 {
            let balance = ledger
                .balance(AccountId::from_u128(n), usd)
                .unwrap()
                .balance();
            assert_eq!(balance.to_minor(), i128::try_from(n).unwrap());
        }
        assert_eq!(
            ledger
                .balance(AccountId::from_u128(0), usd)
                .unwrap()
                .balance()
                .to_minor(),
            -total
        );
    }

    #[test]
    fn the_account_gate_follows_opening_closing_and_currency_policy() {
        let jan = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let usd = Currency::USD;
        let eur = Currency::EUR;
        let jpy = Currency::JPY;
        let id = AccountId::from_u128;
        let mut ledger = Ledger::new();
        let accounts = [
            Account::new(
                id(1),
                "100".parse().unwrap(),
                "any",
                AccountKind::ASSET,
                jan(1),
            ),
            Account::new(
                id(2),
                "200".parse().unwrap(),
                "usd",
                AccountKind::ASSET,
                jan(1),
            )
            .with_currencies(CurrencyPolicy::Only(usd)),
            Account::new(
                id(3),
                "300".parse().unwrap(),
                "list",
                AccountKind::ASSET,
                jan(1),
            )
            .with_currencies(CurrencyPolicy::List(vec![usd, eur])),
            Account::new(
                id(4),
                "400".parse().unwrap(),
                "late",
                AccountKind::ASSET,
                jan(10),
            ),
            Account::new(
                id(5),
                "500".parse().unwrap(),
                "capped",
                AccountKind::ASSET,
                jan(1),
            )
            .with_limit(BalanceLimit::DebitsMustNotExceedCredits),
        ];
        for account in accounts {
            ledger.open_account(account).unwrap();
        }
        let mut next = 0_u128;
        let mut post = |ledger: &mut Ledger, to: u128, currency: Currency, day: u32| {
            next += 1;
            let amount = Money::from_minor(100, currency).unwrap();
            let entry = JournalEntry::builder(EntryId::from_u128(next), jan(day), "x")
                .debit(id(to), amount)
                .credit(id(1), amount)
                .build()
                .unwrap();
            ledger.post(entry)
        };
        assert!(post(&mut ledger, 2, usd, 2).is_ok());
        let err = post(&mut ledger, 2, eur, 2).unwrap_err();
        assert!(
            matches!(err, Error::CurrencyNotAllowed { posting: 1, .. }),
            "{err}"
        );
        assert!(post(&mut ledger, 3, eur, 2).is_ok());
        let err = post(&mut ledger, 3, jpy, 2).unwrap_err();
        assert!(
            matches!(err, Error::CurrencyNotAllowed { posting: 1, .. }),
            "{err}"
        );
        let err = post(&mut ledger, 4, usd, 9).unwrap_err();
        assert!(
            matches!(err, Error::AccountNotYetOpen { posting: 1, .. }),
            "{err}"
        );
        assert!(post(&mut ledger, 4, usd, 10).is_ok());
        let err = post(&mut ledger, 5, usd, 2).unwrap_err();
        assert!(
            matches!(err, Error::LimitExceeded { posting: 1, .. }),
            "{err}"
        );
        // Closed through the command, and through an applied event.
        ledger.close_account(id(2), jan(20)).unwrap_err(); // holds a balance
        let empty = Account::new(
            id(6),
            "600".parse().unwrap(),
            "x",
            AccountKind::ASSET,
            jan(1),
        );
        ledger.open_account(empty).unwrap();
        ledger.close_account(id(6), jan(20)).unwrap();
        let err = post(&mut ledger, 6, usd, 21).unwrap_err();
        assert!(
            matches!(err, Error::PostingClosedAccount { posting: 1, .. }),
            "{err}"
        );
        ledger.apply(&LedgerEvent::AccountClosed {
            account: id(4),
            on: jan(20),
        });
        let err = post(&mut ledger, 4, usd, 21).unwrap_err();
        assert!(
            matches!(err, Error::PostingClosedAccount { posting: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_decision_reverses_an_entry_at_most_once() {
        let (mut ledger, cash) = crate::doc_support::ledger_with_cash().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let sale = JournalEntry::builder(EntryId::from_u128(1), day, "sale")
            .debit(cash, "5.00 USD".parse().unwrap())
            .credit(AccountId::from_u128(4), "5.00 USD".parse().unwrap())
            .build()
            .unwrap();
        ledger.post(sale.clone()).unwrap();
        let twice = vec![
            sale.reversal(EntryId::from_u128(2), day),
            sale.reversal(EntryId::from_u128(3), day),
        ];
        let before = ledger.clone();
        let Err(Error::BatchRejected { position, outcomes }) = ledger.post_batch(twice) else {
            panic!("reversed twice");
        };
        assert_eq!(position, 1);
        assert!(
            matches!(outcomes[1], Error::AlreadyReversed { by, .. } if by == EntryId::from_u128(2))
        );
        assert_eq!(ledger, before);
        // An entry and its reversal in one batch.
        let other = JournalEntry::builder(EntryId::from_u128(4), day, "sale")
            .debit(cash, "7.00 USD".parse().unwrap())
            .credit(AccountId::from_u128(4), "7.00 USD".parse().unwrap())
            .build()
            .unwrap();
        let early = other.reversal(EntryId::from_u128(5), day.pred_opt().unwrap());
        assert!(ledger.post_batch(vec![other.clone(), early]).is_err());
        let mirror = other.reversal(EntryId::from_u128(5), day);
        ledger.post_batch(vec![other, mirror]).unwrap();
        assert_eq!(
            ledger.reversed_by(EntryId::from_u128(4)),
            Some(EntryId::from_u128(5))
        );
        // Only the first sale is left.
        let balance = ledger.balance(cash, Currency::USD).unwrap();
        assert_eq!(balance.balance().to_string(), "5.00 USD");
    }

    #[test]
    fn the_entry_log_keeps_order_across_chunks() {
        let mut log = EntryLog::default();
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for n in 0..(CHUNK * 2 + 3) {
            let entry =
                JournalEntry::builder(EntryId::from_u128(n as u128), day, "x").build_unchecked();
            log.push(PostedEntry {
                entry,
                hash: EntryHash::GENESIS,
            });
        }
        assert_eq!(log.len(), CHUNK * 2 + 3);
        assert_eq!(
            log.get(CHUNK + 5).unwrap().entry.id(),
            EntryId::from_u128(CHUNK as u128 + 5)
        );
        assert!(log.get(CHUNK * 2 + 3).is_none());
        assert!(
            log.iter()
                .enumerate()
                .all(|(i, p)| p.entry.id() == EntryId::from_u128(i as u128))
        );
    }
}
