//! Small, fully described books to start an example or a test from
//! (feature `fixtures`).
//!
//! Every fixture is a plain function returning a book built through the
//! public API, so its doc says exactly what it holds: accounts (id and code),
//! entries (id, date, amounts) and, for receivables, parties and due dates.
//! The crate's own examples use them; so may a caller's tests.
//!
//! ```
//! use bureau_core::Currency;
//! use bureau_ledger::AccountId;
//!
//! let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
//! assert_eq!(ledger.balance(AccountId::from_u128(1), Currency::USD)?.to_string(), "120.00 USD");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, Result};
use chrono::NaiveDate;

fn day(month: u32, d: u32) -> NaiveDate {
    // Every call below names a valid day of 2026.
    NaiveDate::from_ymd_opt(2026, month, d).unwrap_or_default()
}

/// A ledger with Cash (id 1, code 1000) and Sales (id 4, code 4000),
/// opened on 2026-01-01; returns the cash account's id.
///
/// ```
/// use bureau_ledger::AccountId;
///
/// let (ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
/// assert_eq!(cash, AccountId::from_u128(1));
/// let sales = ledger.account_by_code(&"4000".parse()?).ok_or("sales")?;
/// assert_eq!((sales.id(), sales.name().as_str()), (AccountId::from_u128(4), "Sales"));
/// assert_eq!(ledger.entries().count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ledger_with_cash() -> Result<(Ledger, AccountId)> {
    let cash = AccountId::from_u128(1);
    let sales = AccountId::from_u128(4);
    let mut ledger = Ledger::new();
    ledger.open_account(Account::new(
        cash,
        "1000".parse()?,
        "Cash".parse()?,
        AccountKind::ASSET,
        day(1, 1),
    ))?;
    ledger.open_account(Account::new(
        sales,
        "4000".parse()?,
        "Sales".parse()?,
        AccountKind::INCOME,
        day(1, 1),
    ))?;
    Ok((ledger, cash))
}

/// [`ledger_with_cash`] with one sale of 120.00 USD (entry 1) on 2026-01-02.
///
/// ```
/// use bureau_core::Currency;
/// use bureau_ledger::{AccountId, EntryId};
///
/// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
/// let sale = ledger.entry(EntryId::from_u128(1)).ok_or("entry 1")?;
/// assert_eq!(sale.date().to_string(), "2026-01-02");
/// assert_eq!(ledger.balance(AccountId::from_u128(4), Currency::USD)?.to_string(), "120.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ledger_with_sale() -> Result<Ledger> {
    let (mut ledger, cash) = ledger_with_cash()?;
    ledger.post(
        JournalEntry::builder(EntryId::from_u128(1), day(1, 2), "cash sale".parse()?)
            .debit(cash, "120.00 USD".parse()?)
            .credit(AccountId::from_u128(4), "120.00 USD".parse()?)
            .build()?,
    )?;
    Ok(ledger)
}

/// [`ledger_with_cash`] with a pending sale of 50.00 USD (entry 10) dated
/// 2026-01-02 that expires at 2026-01-31 00:00 UTC.
///
/// ```
/// use bureau_ledger::EntryId;
///
/// let (ledger, pending) = bureau_ledger::fixtures::ledger_with_pending()?;
/// assert_eq!(pending, EntryId::from_u128(10));
/// let reserved = ledger.pending(pending).ok_or("pending")?;
/// assert_eq!(reserved.expires_at().map(|at| at.to_rfc3339()).as_deref(), Some("2026-01-31T00:00:00+00:00"));
/// assert!(reserved.state().is_pending());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ledger_with_pending() -> Result<(Ledger, EntryId)> {
    let (mut ledger, cash) = ledger_with_cash()?;
    let id = EntryId::from_u128(10);
    let expires = day(1, 31).and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    ledger.create_pending(
        JournalEntry::builder(id, day(1, 2), "card authorisation".parse()?)
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
///
/// ```
/// use bureau_core::Currency;
/// use bureau_ledger::AccountId;
///
/// let ledger = bureau_ledger::fixtures::ledger_with_foreign_invoice()?;
/// let ids = AccountId::from_u128;
/// assert_eq!(ledger.conversion_account(), Some(ids(9)));
/// assert_eq!(ledger.balance(ids(12), Currency::EUR)?.to_string(), "1000.00 EUR");
/// assert_eq!(ledger.balance(ids(4), Currency::USD)?.to_string(), "1100.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
        ledger.open_account(Account::new(
            ids(n),
            code.parse()?,
            name.parse()?,
            kind,
            day(1, 1),
        ))?;
    }
    let rate = ExchangeRate::new(Currency::EUR, Currency::USD, "1.10".parse()?, day(3, 1))?;
    ledger.post(
        JournalEntry::builder(
            EntryId::from_u128(1),
            day(3, 1),
            "invoice 1000 EUR".parse()?,
        )
        .posting(
            Posting::debit(ids(12), "1000.00 EUR".parse()?)
                .with_party(bureau_core::PartyId::from_u128(5)),
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
///
/// ```
/// let settlement = bureau_ledger::fixtures::foreign_settlement()?;
/// assert_eq!(settlement.date().to_string(), "2026-04-15");
/// assert_eq!(settlement.amount().to_string(), "1000.00 EUR");
/// assert_eq!(settlement.rate().rate().to_string(), "1.05");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
///
/// ```
/// let (ledger, receivables) = bureau_ledger::fixtures::ledger_with_invoices()?;
/// let end_of_june = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
/// let items = ledger.open_items(receivables, end_of_june)?;
/// let due: Vec<String> = items.iter().map(|i| i.due_on.to_string()).collect();
/// assert_eq!(due, ["2026-04-15", "2026-05-31"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ledger_with_invoices() -> Result<(Ledger, AccountId)> {
    use crate::Posting;
    let (mut ledger, cash) = ledger_with_cash()?;
    let receivables = AccountId::from_u128(12);
    let sales = AccountId::from_u128(4);
    let party = bureau_core::PartyId::from_u128(5);
    ledger.open_account(Account::new(
        receivables,
        "1200".parse()?,
        "Receivables".parse()?,
        AccountKind::ASSET,
        day(1, 1),
    ))?;
    for (n, date, due, amount) in [
        (31, day(3, 1), day(4, 15), "500.00 USD"),
        (32, day(5, 1), day(5, 31), "400.00 USD"),
    ] {
        ledger.post(
            JournalEntry::builder(EntryId::from_u128(n), date, "invoice".parse()?)
                .posting(
                    Posting::debit(receivables, amount.parse()?)
                        .with_party(party)
                        .with_due_date(due),
                )
                .credit(sales, amount.parse()?)
                .build()?,
        )?;
    }
    ledger.post(
        JournalEntry::builder(EntryId::from_u128(33), day(6, 10), "payment".parse()?)
            .debit(cash, "200.00 USD".parse()?)
            .posting(Posting::credit(receivables, "200.00 USD".parse()?).with_party(party))
            .build()?,
    )?;
    Ok((ledger, receivables))
}
