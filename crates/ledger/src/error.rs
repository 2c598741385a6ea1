//! The one error type of bureau-ledger.

use bureau_core::{Currency, Money, PartyId, Period};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{AccountId, AccountLabel, BalanceLimit, EntryField, EntryId};

/// Everything the ledger can reject. Each variant names the entry, the
/// posting (numbered from 1 in the order given) and the account concerned, so
/// that a bookkeeper can read the message as it is.
///
/// ```
/// use bureau_ledger::{AccountId, EntryId, Error, JournalEntry};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
/// let err = JournalEntry::builder(EntryId::from_u128(1), day, "typo".parse()?)
///     .debit(AccountId::from_u128(1), "10.00 USD".parse()?)
///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "entry 00000000-0000-0000-0000-000000000001 does not balance: debits exceed credits by 9.00 USD"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A money or period computation of bureau-core failed.
    #[error(transparent)]
    #[non_exhaustive]
    Core {
        /// What bureau-core reported.
        #[from]
        source: bureau_core::Error,
    },
    /// An account code is empty, too long or holds whitespace.
    #[error("invalid account code {code:?}: codes are 1 to 32 characters without spaces")]
    #[non_exhaustive]
    InvalidAccountCode {
        /// The code as given.
        code: String,
    },
    /// A text (an account name, an entry description, a memo, a metadata key
    /// or value) breaks the rule for its kind (see [`text`](crate::text)).
    #[non_exhaustive]
    #[error("invalid {what} {text:?}: {reason}")]
    InvalidText {
        /// The kind of text: `"account name"`, `"entry description"`,
        /// `"memo"`, `"metadata key"` or `"metadata value"`.
        what: &'static str,
        /// The text as given.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An entry carries a metadata key in the namespace the crate keeps for
    /// itself (see [`RESERVED_METADATA_PREFIX`](crate::RESERVED_METADATA_PREFIX)).
    #[error(
        "entry {entry} carries metadata key {key:?}: keys starting with \"bureau.\" are reserved"
    )]
    #[non_exhaustive]
    ReservedMetadataKey {
        /// The entry.
        entry: EntryId,
        /// The key as given.
        key: String,
    },
    /// A setting of the ledger was asked to change once entries were
    /// recorded (see [`LedgerConfig`](crate::LedgerConfig) for what may change
    /// when).
    #[error("the ledger's {setting} cannot change once it holds entries ({entries} recorded)")]
    #[non_exhaustive]
    ConfigurationLocked {
        /// The setting: `"fiscal calendar"` or `"conversion account"`.
        setting: &'static str,
        /// How many entries (posted or pending) the ledger holds.
        entries: usize,
    },
    /// A stored event's hash is not the hash of its entry chained onto the
    /// book's head: the entry or the order of the events was altered.
    #[error("entry {entry} is stored with hash {stored}, but chains to {computed}")]
    #[non_exhaustive]
    HashMismatch {
        /// The entry.
        entry: EntryId,
        /// The hash stored with it.
        stored: crate::EntryHash,
        /// The hash of the entry on the book's head.
        computed: crate::EntryHash,
    },
    /// Bytes given as a snapshot of a book are not one (see
    /// [`snapshot`](crate::snapshot)).
    #[error("the snapshot is invalid at byte {at}: {reason}")]
    #[non_exhaustive]
    SnapshotInvalid {
        /// The byte offset where reading failed.
        at: usize,
        /// What was wrong there.
        reason: String,
    },
    /// The book holds [`Ledger::MAX_ENTRIES`](crate::Ledger::MAX_ENTRIES)
    /// entries already.
    #[error("entry {entry} does not fit: a book holds at most {capacity} entries")]
    #[non_exhaustive]
    BookFull {
        /// The entry refused.
        entry: EntryId,
        /// The most entries a book holds.
        capacity: usize,
    },
    /// An account with this id is already open in the chart.
    #[error("account {account} already exists in the chart")]
    #[non_exhaustive]
    AccountExists {
        /// The account already there.
        account: AccountLabel,
    },
    /// Another account already uses this code.
    #[error("account code {code} is already used by {existing}")]
    #[non_exhaustive]
    DuplicateAccountCode {
        /// The code asked for.
        code: String,
        /// The account that has it.
        existing: AccountLabel,
    },
    /// The parent named by a new account is not in the chart.
    #[error("account {account} names parent {parent}, which is not in the chart")]
    #[non_exhaustive]
    UnknownParent {
        /// The new account.
        account: AccountLabel,
        /// The missing parent.
        parent: AccountId,
    },
    /// An account names itself as its parent.
    #[error("account {account} cannot be its own parent")]
    #[non_exhaustive]
    SelfParent {
        /// The account.
        account: AccountLabel,
    },
    /// No account with this id is in the chart.
    #[error("account {account} is not in the chart")]
    #[non_exhaustive]
    UnknownAccount {
        /// The id asked for.
        account: AccountId,
    },
    /// An account was to be closed while it still holds a balance.
    #[error("account {account} cannot be closed: it holds {balance} (posted or pending)")]
    #[non_exhaustive]
    AccountHasBalance {
        /// The account.
        account: AccountLabel,
        /// The balance it holds, posted or pending, from the debit side.
        balance: Money,
    },
    /// The account is already closed.
    #[error("account {account} is already closed")]
    #[non_exhaustive]
    AccountAlreadyClosed {
        /// The account.
        account: AccountLabel,
    },
    /// An account cannot be closed before it was opened.
    #[error("account {account} opened on {opened_on} cannot be closed on {on}")]
    #[non_exhaustive]
    CloseBeforeOpen {
        /// The account.
        account: AccountLabel,
        /// When it was opened.
        opened_on: NaiveDate,
        /// The closing date asked for.
        on: NaiveDate,
    },
    /// An entry has fewer than two postings.
    #[error("entry {entry} has {count} posting(s); an entry needs at least two")]
    #[non_exhaustive]
    TooFewPostings {
        /// The entry.
        entry: EntryId,
        /// How many postings it has.
        count: usize,
    },
    /// A posting amount is zero or negative.
    #[error("posting {posting} of entry {entry} has amount {amount}; amounts must be positive")]
    #[non_exhaustive]
    NonPositiveAmount {
        /// The entry.
        entry: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The amount given.
        amount: Money,
    },
    /// Debits and credits differ in at least one currency.
    #[error(
        "entry {entry} does not balance: {}",
        describe_differences(differences)
    )]
    #[non_exhaustive]
    Unbalanced {
        /// The entry.
        entry: EntryId,
        /// Debits minus credits, per currency that does not balance.
        differences: Vec<Money>,
    },
    /// A multi-currency entry lacks the exchange rate between two of its currencies.
    #[error("entry {entry} mixes {from} and {to} but carries no exchange rate between them")]
    #[non_exhaustive]
    MissingExchangeRate {
        /// The entry.
        entry: EntryId,
        /// The currency without a rate.
        from: Currency,
        /// The entry's first currency.
        to: Currency,
    },
    /// A multi-currency entry does not convert through the ledger's
    /// designated conversion account in this currency.
    #[error(
        "entry {entry} mixes currencies but has no {currency} posting on the conversion account {account}"
    )]
    #[non_exhaustive]
    MissingConversion {
        /// The entry.
        entry: EntryId,
        /// The currency without a conversion leg.
        currency: Currency,
        /// The designated conversion account.
        account: AccountLabel,
    },
    /// A multi-currency entry was posted to a ledger without a conversion account.
    #[error("entry {entry} mixes currencies but the ledger has no conversion account")]
    #[non_exhaustive]
    NoConversionAccount {
        /// The entry.
        entry: EntryId,
    },
    /// A posting names an account that is not in the chart.
    #[error("posting {posting} of entry {entry} uses unknown account {account}")]
    #[non_exhaustive]
    PostingUnknownAccount {
        /// The entry.
        entry: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The id given.
        account: AccountId,
    },
    /// A posting names a closed account.
    #[error("posting {posting} of entry {entry} uses closed account {account}")]
    #[non_exhaustive]
    PostingClosedAccount {
        /// The entry.
        entry: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The closed account.
        account: AccountLabel,
    },
    /// A posting is dated before its account was opened.
    #[error(
        "posting {posting} of entry {entry} is dated {date}, before account {account} opened on {opened_on}"
    )]
    #[non_exhaustive]
    AccountNotYetOpen {
        /// The entry.
        entry: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The account.
        account: AccountLabel,
        /// The entry's date.
        date: NaiveDate,
        /// The account's opening date.
        opened_on: NaiveDate,
    },
    /// A posting's currency is not accepted by its account.
    #[error(
        "posting {posting} of entry {entry} is in {currency}, which account {account} does not accept"
    )]
    #[non_exhaustive]
    CurrencyNotAllowed {
        /// The entry.
        entry: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The account.
        account: AccountLabel,
        /// The currency given.
        currency: Currency,
    },
    /// The entry is dated in a hard-closed period.
    #[error("entry {entry} is dated {date}, in closed period {period}")]
    #[non_exhaustive]
    PeriodClosed {
        /// The entry.
        entry: EntryId,
        /// Its date.
        date: NaiveDate,
        /// The closed period.
        period: Period,
    },
    /// The entry is dated in a soft-locked period and is neither by a
    /// designated user nor a designated entry.
    #[error("entry {entry} is dated {date}, in locked period {period}")]
    #[non_exhaustive]
    PeriodLocked {
        /// The entry.
        entry: EntryId,
        /// Its date.
        date: NaiveDate,
        /// The locked period.
        period: Period,
    },
    /// The posting would break its account's balance limit.
    #[error("posting {posting} of entry {entry} would break the limit of account {account}: {}", describe_limit(*limit))]
    #[non_exhaustive]
    LimitExceeded {
        /// The entry.
        entry: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The account.
        account: AccountLabel,
        /// The limit it keeps.
        limit: BalanceLimit,
    },
    /// The posting would take its account's totals in a currency beyond the
    /// largest amount the ledger can hold and report.
    #[error(
        "posting {posting} of entry {entry} would take the {currency} totals of account {account} beyond the largest amount a balance can hold"
    )]
    #[non_exhaustive]
    BalanceOverflow {
        /// The entry.
        entry: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The account.
        account: AccountLabel,
        /// The currency.
        currency: Currency,
    },
    /// An entry with this id exists with different content.
    #[error("entry {entry} already exists with a different {field}")]
    #[non_exhaustive]
    ExistsWithDifferent {
        /// The entry id.
        entry: EntryId,
        /// The first field that differs.
        field: EntryField,
    },
    /// The identical entry was already posted (or created as pending); nothing changed.
    #[error("entry {entry} was already posted")]
    #[non_exhaustive]
    AlreadyPosted {
        /// The entry id.
        entry: EntryId,
    },
    /// A linked batch was rejected as a whole.
    #[error("linked batch rejected: {}", describe_batch(*position, outcomes))]
    #[non_exhaustive]
    BatchRejected {
        /// Zero-based position of the entry that failed.
        position: usize,
        /// One outcome per entry of the batch, in order: the failing entry's
        /// own error, and [`Error::LinkedEntryFailed`] for every other entry.
        outcomes: Vec<Error>,
    },
    /// This entry was not applied because another entry of its linked batch failed.
    #[error("linked entry failed: entry {entry} was not posted because its batch was rejected")]
    #[non_exhaustive]
    LinkedEntryFailed {
        /// The entry not applied.
        entry: EntryId,
    },
    /// A batch with no entries.
    #[error("a linked batch needs at least one entry")]
    #[non_exhaustive]
    EmptyBatch,
    /// No posted entry has this id.
    #[error("entry {entry} is not in the ledger")]
    #[non_exhaustive]
    UnknownEntry {
        /// The id asked for.
        entry: EntryId,
    },
    /// The entry was already reversed.
    #[error("entry {entry} was already reversed by entry {by}")]
    #[non_exhaustive]
    AlreadyReversed {
        /// The entry.
        entry: EntryId,
        /// The reversal.
        by: EntryId,
    },
    /// A reversal dated before the entry it reverses.
    #[error("reversal of entry {entry} dated {date} comes before the entry's date {original}")]
    #[non_exhaustive]
    ReversalBeforeOriginal {
        /// The entry.
        entry: EntryId,
        /// The reversal's date.
        date: NaiveDate,
        /// The entry's date.
        original: NaiveDate,
    },
    /// No pending entry has this id.
    #[error("pending entry {pending} is not in the ledger")]
    #[non_exhaustive]
    UnknownPending {
        /// The id asked for.
        pending: EntryId,
    },
    /// The pending entry was already posted, voided or expired.
    #[error("pending entry {pending} was already {state}")]
    #[non_exhaustive]
    PendingResolved {
        /// The pending entry.
        pending: EntryId,
        /// What happened to it: `posted`, `voided` or `expired`.
        state: &'static str,
    },
    /// The pending entry's timeout has passed.
    #[error("pending entry {pending} expired at {expires_at}")]
    #[non_exhaustive]
    PendingExpired {
        /// The pending entry.
        pending: EntryId,
        /// Its timeout.
        expires_at: DateTime<Utc>,
    },
    /// A partial post gives a different number of amounts than the pending entry has postings.
    #[error(
        "partial post of pending entry {pending} gives {given} amounts for {expected} postings"
    )]
    #[non_exhaustive]
    PartialAmountCount {
        /// The pending entry.
        pending: EntryId,
        /// How many postings the pending entry has.
        expected: usize,
        /// How many amounts were given.
        given: usize,
    },
    /// A partial amount exceeds what its posting reserved, or is in another currency.
    #[error(
        "partial post of pending entry {pending}: posting {posting} asks {amount} of the {reserved} reserved"
    )]
    #[non_exhaustive]
    PartialAmountTooLarge {
        /// The pending entry.
        pending: EntryId,
        /// The posting, numbered from 1.
        posting: usize,
        /// The amount asked.
        amount: Money,
        /// The amount reserved.
        reserved: Money,
    },
    /// The period is already hard-closed.
    #[error("period {period} is already closed")]
    #[non_exhaustive]
    PeriodAlreadyClosed {
        /// The period.
        period: Period,
    },
    /// The period is not soft-locked, so it cannot be unlocked.
    #[error("period {period} is not locked")]
    #[non_exhaustive]
    PeriodNotLocked {
        /// The period.
        period: Period,
    },
    /// An account of the wrong class for what it is asked to do.
    #[error("account {account} is {actual}, but {role} must be {expected}")]
    #[non_exhaustive]
    WrongAccountClass {
        /// The account.
        account: AccountLabel,
        /// What it is for (`"retained earnings"`).
        role: &'static str,
        /// The class it needs.
        expected: &'static str,
        /// Its class.
        actual: crate::AccountKind,
    },
    /// The fiscal year's calendar is not the ledger's.
    #[error("fiscal year {year} is not of the ledger's fiscal calendar")]
    #[non_exhaustive]
    ForeignCalendar {
        /// The year as given.
        year: bureau_core::FiscalYear,
    },
    /// A revaluation rate does not convert into the base currency.
    #[error("revaluation rate from {from} to {to} does not convert into the base currency {base}")]
    #[non_exhaustive]
    RateNotToBase {
        /// Rate's source currency.
        from: Currency,
        /// Rate's target currency.
        to: Currency,
        /// The base currency asked for.
        base: Currency,
    },
    /// A foreign settlement's rate does not convert from the currency paid
    /// into another (the base) currency.
    #[error(
        "settlement {entry} pays {amount}, but its rate converts {from} into {to}; it needs a rate from {currency} into the base currency",
        currency = amount.currency()
    )]
    #[non_exhaustive]
    SettlementRateMismatch {
        /// The settlement entry.
        entry: EntryId,
        /// The amount paid.
        amount: Money,
        /// The rate's source currency.
        from: Currency,
        /// The rate's target currency.
        to: Currency,
    },
    /// A foreign settlement names a party without open items to settle in
    /// its currency on the account.
    #[error("settlement {entry}: party {party} has no open {currency} items on account {account}")]
    #[non_exhaustive]
    NoOpenItems {
        /// The settlement entry.
        entry: EntryId,
        /// The receivable or payable account.
        account: AccountLabel,
        /// The party.
        party: PartyId,
        /// The currency paid.
        currency: Currency,
    },
    /// A foreign settlement pays more than the party's open items.
    #[error(
        "settlement {entry} pays more than the {open} party {party} has open on account {account}"
    )]
    #[non_exhaustive]
    SettlementExceedsOpenItems {
        /// The settlement entry.
        entry: EntryId,
        /// The receivable or payable account.
        account: AccountLabel,
        /// The party.
        party: PartyId,
        /// What the party has open in the currency paid.
        open: Money,
    },
    /// An item to settle was opened by an entry that carries no exchange rate
    /// between its currency and the base currency, so its booking rate is unknown.
    #[error(
        "settlement {entry} settles the item opened by entry {item}, which carries no exchange rate between {from} and {to}"
    )]
    #[non_exhaustive]
    MissingBookingRate {
        /// The settlement entry.
        entry: EntryId,
        /// The entry that opened the item.
        item: EntryId,
        /// The item's currency.
        from: Currency,
        /// The base currency.
        to: Currency,
    },
    /// An amount computed for an entry (a realised gain, a balance) leaves the
    /// range of its currency.
    #[error("entry {entry}: {what} overflows the range of {currency}")]
    #[non_exhaustive]
    EntryOverflow {
        /// The entry.
        entry: EntryId,
        /// What was being computed.
        what: &'static str,
        /// The currency.
        currency: Currency,
    },
    /// A report's sum over accounts (a column of the trial balance, a class of
    /// the balance sheet, the income or expenses of a period, a roll-up)
    /// leaves the range of an amount when this account's balance is added.
    #[error(
        "{report}: the {what} in {currency} go beyond the largest amount there is when account {account} is added"
    )]
    #[non_exhaustive]
    ReportOverflow {
        /// The report: "trial balance", "balance sheet", "income statement"
        /// or "roll-up".
        report: &'static str,
        /// The sum: "debits", "assets", "net income", ...
        what: &'static str,
        /// The account whose balance took the sum out of range.
        account: AccountLabel,
        /// The currency.
        currency: Currency,
    },
    /// The audit chain does not verify: the record at this position (zero-based)
    /// was changed, moved, inserted or removed.
    #[error("audit chain broken at position {position}")]
    #[non_exhaustive]
    AuditChainBroken {
        /// Zero-based position of the first record that does not verify.
        position: usize,
    },
}

fn describe_differences(differences: &[Money]) -> String {
    let parts: Vec<String> = differences
        .iter()
        .map(|d| {
            if d.is_negative() {
                format!("credits exceed debits by {}", d.abs())
            } else {
                format!("debits exceed credits by {d}")
            }
        })
        .collect();
    parts.join(", ")
}

fn describe_limit(limit: BalanceLimit) -> &'static str {
    match limit {
        BalanceLimit::DebitsMustNotExceedCredits => "debits would exceed credits",
        BalanceLimit::CreditsMustNotExceedDebits => "credits would exceed debits",
        BalanceLimit::None => "no limit",
    }
}

fn describe_batch(position: usize, outcomes: &[Error]) -> String {
    match outcomes.get(position) {
        Some(error) => format!(
            "entry {} of {} failed: {error}",
            position + 1,
            outcomes.len()
        ),
        None => format!("entry {} failed", position + 1),
    }
}

/// `Result` with bureau-ledger's [`Error`] as the default error type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
