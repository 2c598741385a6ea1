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
//! - Balances ([`Ledger::balance`]) are O(1); [`Ledger::balance_as_of`] is a
//!   binary search per account. Reports: [`Ledger::trial_balance`],
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
//! ledger.open_account(Account::new(cash, "1000".parse()?, "Cash", AccountKind::ASSET, day))?;
//! ledger.open_account(Account::new(sales, "4000".parse()?, "Sales", AccountKind::INCOME, day))?;
//! ledger.post(
//!     JournalEntry::builder(EntryId::from_u128(1), day, "cash sale")
//!         .debit(cash, "120.00 USD".parse()?)
//!         .credit(sales, "120.00 USD".parse()?)
//!         .build()?,
//! )?;
//! let usd = Currency::USD;
//! assert_eq!(ledger.balance(sales, usd)?.balance().to_string(), "120.00 USD");
//! assert!(ledger.trial_balance()?.is_balanced());
//! let pnl = ledger.income_statement(Period::month(2026, 3)?.range())?;
//! assert_eq!(pnl.net_income(usd)?.to_string(), "120.00 USD");
//! ledger.verify()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for accounts, entries, commands and
//!   events; amounts travel as decimal strings.
//! - `proptest`: the [`strategy`] module, generating charts of accounts,
//!   balanced entries valid for a chart, and foreign invoices and bills,
//!   settlements and revaluations.

mod account;
pub mod audit;
mod balance;
mod config;
mod entry;
mod entry_index;
mod error;
pub mod fx;
mod ledger;
mod pending;
mod period;
pub mod receivable;
pub mod report;
#[cfg(feature = "serde")]
pub mod snapshot;
#[cfg(any(test, feature = "proptest"))]
pub mod strategy;

pub use account::{
    Account, AccountClass, AccountCode, AccountId, AccountKind, AccountLabel, AccountStatus,
    BalanceLimit, CurrencyPolicy, Side,
};
pub use audit::{AuditRecord, EntryHash, canonical_bytes, verify, verify_bytes};
pub use balance::Balance;
pub use config::LedgerConfig;
pub use entry::RESERVED_METADATA_PREFIX;
pub use entry::{EntryBuilder, EntryField, EntryId, JournalEntry, Posting};
pub use error::{Error, Result};
pub use fx::{ExchangeBooking, ForeignSettlement, Revaluation, SettlementAccounts, realised_gain};
pub use ledger::{Ledger, LedgerCommand, LedgerEvent};
pub use pending::{PendingAmounts, PendingEntry, PendingState};
pub use period::{PeriodState, SoftLock};
pub use receivable::{AgingBuckets, AgingLine, OpenItem};
pub use report::{BalanceSheet, IncomeStatement, Statement, TrialBalance};

/// Small ledgers for the examples in this documentation. Not part of the API.
#[doc(hidden)]
pub mod doc_support {
    use crate::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, Result};
    use chrono::NaiveDate;

    fn day(month: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, d).unwrap_or_default()
    }

    /// A ledger with Cash (id 1, code 1000) and Sales (id 4, code 4000),
    /// opened on 2026-01-01; returns the cash account's id.
    pub fn ledger_with_cash() -> Result<(Ledger, AccountId)> {
        let cash = AccountId::from_u128(1);
        let sales = AccountId::from_u128(4);
        let mut ledger = Ledger::new();
        ledger.open_account(Account::new(
            cash,
            "1000".parse()?,
            "Cash",
            AccountKind::ASSET,
            day(1, 1),
        ))?;
        ledger.open_account(Account::new(
            sales,
            "4000".parse()?,
            "Sales",
            AccountKind::INCOME,
            day(1, 1),
        ))?;
        Ok((ledger, cash))
    }

    /// [`ledger_with_cash`] with one sale of 120.00 USD (entry 1) on 2026-01-02.
    pub fn ledger_with_sale() -> Result<Ledger> {
        let (mut ledger, cash) = ledger_with_cash()?;
        ledger.post(
            JournalEntry::builder(EntryId::from_u128(1), day(1, 2), "cash sale")
                .debit(cash, "120.00 USD".parse()?)
                .credit(AccountId::from_u128(4), "120.00 USD".parse()?)
                .build()?,
        )?;
        Ok(ledger)
    }

    /// [`ledger_with_cash`] with a pending sale of 50.00 USD (entry 10) dated
    /// 2026-01-02 that expires at 2026-01-31 00:00 UTC.
    pub fn ledger_with_pending() -> Result<(Ledger, EntryId)> {
        let (mut ledger, cash) = ledger_with_cash()?;
        let id = EntryId::from_u128(10);
        let expires = day(1, 31).and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        ledger.create_pending(
            JournalEntry::builder(id, day(1, 2), "card authorisation")
                .debit(cash, "50.00 USD".parse()?)
                .credit(AccountId::from_u128(4), "50.00 USD".parse()?)
                .build()?,
            expires,
        )?;
        Ok((ledger, id))
    }

    /// A ledger in USD with a conversion account and a foreign invoice:
    /// Bank USD (id 1), Bank EUR (2), Receivables (12), Payables (21), Sales
    /// (4), Purchases (6), Conversion (9, the conversion account), Realised
    /// gain (71), Realised loss (81), Unrealised gain (72), Unrealised loss
    /// (82), all opened on 2026-01-01; and entry 1 on 2026-03-01: an invoice
    /// of 1000.00 EUR to party 5 at 1 EUR = 1.10 USD, booked as 1100.00 USD
    /// of sales.
    pub fn ledger_with_foreign_invoice() -> Result<Ledger> {
        use crate::Posting;
        use bureau_core::{Currency, ExchangeRate};
        let ids = AccountId::from_u128;
        let mut ledger = Ledger::new();
        ledger.configure(crate::LedgerConfig::new().with_conversion_account(ids(9)))?;
        for (n, code, name, kind) in [
            (1, "1000", "Bank USD", AccountKind::ASSET),
            (2, "1020", "Bank EUR", AccountKind::ASSET),
            (12, "1200", "Receivables", AccountKind::ASSET),
            (21, "2100", "Payables", AccountKind::LIABILITY),
            (4, "4000", "Sales", AccountKind::INCOME),
            (6, "6000", "Purchases", AccountKind::EXPENSE),
            (9, "1990", "Conversion", AccountKind::EQUITY),
            (71, "7910", "Realised FX gain", AccountKind::INCOME),
            (81, "8910", "Realised FX loss", AccountKind::EXPENSE),
            (72, "7920", "Unrealised FX gain", AccountKind::INCOME),
            (82, "8920", "Unrealised FX loss", AccountKind::EXPENSE),
        ] {
            ledger.open_account(Account::new(ids(n), code.parse()?, name, kind, day(1, 1)))?;
        }
        let rate = ExchangeRate::new(Currency::EUR, Currency::USD, "1.10".parse()?, day(3, 1))?;
        ledger.post(
            JournalEntry::builder(EntryId::from_u128(1), day(3, 1), "invoice 1000 EUR")
                .posting(
                    Posting::debit(ids(12), "1000.00 EUR".parse()?)
                        .for_party(bureau_core::PartyId::from_u128(5)),
                )
                .credit(ids(9), "1000.00 EUR".parse()?)
                .debit(ids(9), "1100.00 USD".parse()?)
                .credit(ids(4), "1100.00 USD".parse()?)
                .rate(rate)
                .build()?,
        )?;
        Ok(ledger)
    }

    /// The settlement of [`ledger_with_foreign_invoice`]'s invoice: entry 4
    /// on 2026-04-15, party 5 pays 1000.00 EUR into Bank EUR at 1 EUR =
    /// 1.05 USD, realised results to accounts 71 and 81.
    pub fn foreign_settlement() -> Result<crate::ForeignSettlement> {
        use bureau_core::{Currency, ExchangeRate};
        let ids = AccountId::from_u128;
        let rate = ExchangeRate::new(Currency::EUR, Currency::USD, "1.05".parse()?, day(4, 15))?;
        let accounts = crate::SettlementAccounts {
            open_items: ids(12),
            cash: ids(2),
            realised_gain: ids(71),
            realised_loss: ids(81),
        };
        Ok(crate::ForeignSettlement::new(
            EntryId::from_u128(4),
            day(4, 15),
            accounts,
            bureau_core::PartyId::from_u128(5),
            "1000.00 EUR".parse()?,
            rate,
        ))
    }

    /// [`ledger_with_cash`] plus Receivables (id 12, code 1200) with, for
    /// party 5: an invoice of 500.00 USD on 2026-03-01 due 2026-04-15, one of
    /// 400.00 USD on 2026-05-01 due 2026-05-31, and a payment of 200.00 USD
    /// on 2026-06-10; returns the receivables account's id.
    pub fn ledger_with_invoices() -> Result<(Ledger, AccountId)> {
        use crate::Posting;
        let (mut ledger, cash) = ledger_with_cash()?;
        let receivables = AccountId::from_u128(12);
        let sales = AccountId::from_u128(4);
        let party = bureau_core::PartyId::from_u128(5);
        ledger.open_account(Account::new(
            receivables,
            "1200".parse()?,
            "Receivables",
            AccountKind::ASSET,
            day(1, 1),
        ))?;
        for (n, date, due, amount) in [
            (31, day(3, 1), day(4, 15), "500.00 USD"),
            (32, day(5, 1), day(5, 31), "400.00 USD"),
        ] {
            ledger.post(
                JournalEntry::builder(EntryId::from_u128(n), date, "invoice")
                    .posting(
                        Posting::debit(receivables, amount.parse()?)
                            .for_party(party)
                            .due_on(due),
                    )
                    .credit(sales, amount.parse()?)
                    .build()?,
            )?;
        }
        ledger.post(
            JournalEntry::builder(EntryId::from_u128(33), day(6, 10), "payment")
                .debit(cash, "200.00 USD".parse()?)
                .posting(Posting::credit(receivables, "200.00 USD".parse()?).for_party(party))
                .build()?,
        )?;
        Ok((ledger, receivables))
    }
}
