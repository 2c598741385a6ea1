//! A double-entry general ledger as pure, deterministic rules: chart of
//! accounts, journal entries, linked batches, two-phase transfers, reversals,
//! balances as of any day, reports, period locks and year-end close, FX
//! revaluation, and a tamper-evident audit chain.
//!
//! # Overview
//!
//! - [`Account`]s form the chart: a code, a name, an [`AccountKind`] (class
//!   and contra flag, giving the normal side), an optional parent for
//!   roll-ups, a [`CurrencyPolicy`] and a [`BalanceLimit`].
//! - A [`JournalEntry`] has a caller-chosen [`EntryId`] (the idempotency key),
//!   a date, a description, two or more [`Posting`]s balanced per currency,
//!   and metadata. Posting the identical entry twice returns
//!   [`Error::AlreadyPosted`]; the same id with other content returns
//!   [`Error::ExistsWithDifferent`] naming the field.
//! - The [`Ledger`] is the book. It implements [`bureau_core::Aggregate`] with
//!   [`LedgerCommand`]s and [`LedgerEvent`]s, and offers the same operations
//!   as methods ([`Ledger::post`], [`Ledger::post_batch`],
//!   [`Ledger::create_pending`], [`Ledger::post_pending`],
//!   [`Ledger::reverse`], [`Ledger::close_year`], [`Ledger::revalue`], ...).
//!   Every rejection is a typed [`Error`] naming the entry, the posting and
//!   the account, and leaves the ledger exactly as it was.
//! - Balances ([`Ledger::balance`], a `Money`; [`Ledger::totals`] for the
//!   posted and pending debits and credits) are O(1);
//!   [`Ledger::balance_as_of`] is a binary search per account. Reports: [`Ledger::trial_balance`],
//!   [`Ledger::balance_sheet`], [`Ledger::income_statement`],
//!   [`Ledger::statement`].
//! - Receivables and payables: postings for a party open and settle items;
//!   [`Ledger::open_items`] and [`Ledger::aging`] read them as of any day.
//! - Multi-currency entries convert through a designated conversion account;
//!   [`Ledger::settle_foreign`] settles foreign receivables and payables and
//!   books the realised gain or loss, [`Ledger::revalue`] books the unrealised
//!   gain or loss of what is still held (optionally reversed on a later day).
//!   The model, with a worked example, is in [`fx`].
//! - Every posted entry carries an [`EntryHash`] chaining it to the one
//!   before; [`verify`] finds the first changed position. The canonical
//!   encoding is documented in [`audit`].
//!
//! Amounts are kept internally as integer minor units of their currency.
//! Nothing here reads a clock: the `now` of a timeout is the caller's.
//!
//! # Examples
//!
//! ```
//! use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
//! use bureau_core::{Currency, Period};
//!
//! let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
//! let (cash, sales) = (AccountId::from_u128(1), AccountId::from_u128(4));
//! let mut ledger = Ledger::new();
//! ledger.open_account(Account::new(cash, "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, day))?;
//! ledger.open_account(Account::new(sales, "4000".parse()?, "Sales".parse()?, AccountKind::INCOME, day))?;
//! ledger.post(
//!     JournalEntry::builder(EntryId::from_u128(1), day, "cash sale".parse()?)
//!         .debit(cash, "120.00 USD".parse()?)
//!         .credit(sales, "120.00 USD".parse()?)
//!         .build()?,
//! )?;
//! let usd = Currency::USD;
//! assert_eq!(ledger.balance(sales, usd)?.to_string(), "120.00 USD");
//! assert!(ledger.trial_balance()?.is_balanced());
//! let pnl = ledger.income_statement(Period::month(2026, 3)?.range())?;
//! assert_eq!(pnl.net_income(usd)?.to_string(), "120.00 USD");
//! ledger.verify()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where each rule lives
//!
//! Every rule is in the module named after what it is about. The modules
//! marked private hold `impl Ledger` blocks; their methods are documented on
//! [`Ledger`].
//!
//! | rule | module |
//! |---|---|
//! | accounts, codes, kinds, normal side, currency policy, limits | `account` |
//! | account names, descriptions, memos, metadata keys and values: what text each takes | [`text`] |
//! | opening and closing accounts, finding them by id or code | `chart` |
//! | entries, postings, metadata, the builder, balance per currency | `entry` |
//! | what every posted entry is checked for (dates, periods, accounts open, currency, limits, ranges) | `posting` |
//! | posting one entry, the log in posting order, the audit chain over it | `journal` |
//! | linked batches: all or nothing | `batch` |
//! | two-phase transfers: reserve, post in part, void, expire ([`PendingPost`]) | `pending` |
//! | reversal by a mirror entry, at most once ([`Reversal`]) | `reversal` |
//! | soft locks and hard closes of periods | `period` |
//! | year-end close into retained earnings | `closing` |
//! | balances, totals, balance as of a day, roll-ups ([`AccountTotals`]) | `balance` |
//! | trial balance, balance sheet, income statement, statements | [`report`] |
//! | receivables and payables: open items, settlement order, aging | [`receivable`] |
//! | exchange results: [`fx::revaluation`] (unrealised), [`fx::settlement`] (realised) | [`fx`] |
//! | the canonical encoding and SHA-256 chain | [`audit`] |
//! | the book's settings (fiscal calendar, conversion account) | `config` |
//! | commands, events, `decide`/`apply`/`replay` | `ledger` ([`Ledger`], [`LedgerCommand`], [`LedgerEvent`]) |
//! | snapshots (feature `serde`) | [`snapshot`] |
//! | every rejection, with the values it names | `error` ([`Error`]) |
//!
//! Four small modules keep the book fast without changing a rule, each
//! saying in its docs what it saves: `entry_log` (posted entries in
//! fixed-size chunks, never moved as the log grows), `entry_index` (the
//! idempotency index, about 14 bytes an entry instead of 38),
//! `account_slot` (an account with its books and the positions of its
//! entries, as `u32`) and `audit::hashing` (the chain's SHA-256 fed while an
//! entry is encoded, without building its bytes first).
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for accounts, entries, commands and
//!   events; amounts travel as decimal strings. With it, [`Ledger`]
//!   implements `bureau_core::Snapshot`.
//! - `proptest`: the [`strategy`] module, generating charts of accounts,
//!   balanced entries valid for a chart, and foreign invoices and bills,
//!   settlements, revaluations and whole command histories.
//! - `fixtures`: the [`fixtures`] module, small fully described books to
//!   start an example or a test from.

mod account;
mod account_slot;
pub mod audit;
mod balance;
mod batch;
mod chart;
mod closing;
mod config;
mod entry;
mod entry_index;
mod entry_log;
mod error;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod fx;
mod journal;
mod ledger;
mod pending;
mod period;
mod posting;
pub mod receivable;
pub mod report;
mod reversal;
#[cfg(feature = "serde")]
pub mod snapshot;
#[cfg(any(test, feature = "proptest"))]
pub mod strategy;
pub mod text;

pub use account::{
    Account, AccountClass, AccountCode, AccountId, AccountKind, AccountLabel, AccountStatus,
    BalanceLimit, CurrencyPolicy, Side,
};
pub use audit::{AuditRecord, EntryHash, canonical_bytes, verify, verify_bytes};
pub use balance::AccountTotals;
pub use config::LedgerConfig;
pub use entry::RESERVED_METADATA_PREFIX;
pub use entry::{EntryBuilder, EntryField, EntryId, JournalEntry, Posting};
pub use error::{Error, Result};
pub use fx::{
    ExchangeBooking, ForeignSettlement, RealisedRates, Revaluation, RevaluationAccounts,
    SettlementAccounts, realised_gain,
};
pub use ledger::{Ledger, LedgerCommand, LedgerEvent};
pub use pending::{PendingAmounts, PendingEntry, PendingPost, PendingState};
pub use period::{PeriodState, SoftLock};
pub use receivable::{AgingBuckets, AgingLine, OpenItem};
pub use report::{BalanceSheet, IncomeStatement, Statement, TrialBalance};
pub use reversal::Reversal;
pub use text::{AccountName, EntryDescription, Memo, MetadataKey, MetadataValue};

// The README's examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
