//! Strategies generating charts of accounts and balanced entries valid for a
//! chart, for property tests of code that embeds the ledger.
//!
//! Every chart holds at least one account of each class, the first of them
//! accepting any currency; accounts are opened on [`CHART_OPENED`] with no
//! balance limit. Entries from [`balanced_entry`] post only to accounts of the
//! chart that accept their currency, in USD, EUR or JPY, dated within
//! [`ENTRY_YEARS`]. Shrinking moves toward fewer postings and smaller amounts.
//!
//! ```
//! use bureau_ledger::{strategy, EntryId, Ledger};
//! use proptest::prelude::*;
//!
//! proptest!(ProptestConfig::with_cases(16), |(chart in strategy::chart())| {
//!     let mut ledger = Ledger::new();
//!     for account in &chart {
//!         ledger.open_account(account.clone())?;
//!     }
//!     prop_assert_eq!(ledger.accounts().count(), chart.len());
//! });
//! ```

use ::proptest::prelude::*;
use bureau_core::{Currency, Decimal, Money};
use chrono::NaiveDate;

use crate::{
    Account, AccountClass, AccountCode, AccountId, AccountKind, CurrencyPolicy, EntryId,
    JournalEntry, Posting, Side,
};

/// The opening date of every generated account: 2020-01-01.
pub const CHART_OPENED: NaiveDate = match NaiveDate::from_ymd_opt(2020, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The calendar years generated entries fall in.
pub const ENTRY_YEARS: core::ops::RangeInclusive<i32> = 2020..=2027;

/// The currencies generated entries use: USD, EUR and JPY.
pub fn currencies() -> Vec<Currency> {
    ["USD", "EUR", "JPY"]
        .iter()
        .filter_map(|code| Currency::iso(code).ok())
        .collect()
}

fn class_of(n: u8) -> AccountClass {
    match n % 5 {
        0 => AccountClass::Asset,
        1 => AccountClass::Liability,
        2 => AccountClass::Equity,
        3 => AccountClass::Income,
        _ => AccountClass::Expense,
    }
}

fn policy_of(n: u8) -> CurrencyPolicy {
    let all = currencies();
    match (n % 4, all.as_slice()) {
        (1, [usd, ..]) => CurrencyPolicy::Only(*usd),
        (2, [_, eur, ..]) => CurrencyPolicy::Only(*eur),
        (3, [usd, _, jpy]) => CurrencyPolicy::List(vec![*usd, *jpy]),
        _ => CurrencyPolicy::Any,
    }
}

/// A chart of 5 to 16 accounts: one of each class first, then any mix, some
/// rolled up under an earlier account of the same class, some contra, some
/// limited to one or two currencies. Ids are `1000 + n`, codes `"1000"` on.
pub fn chart() -> impl Strategy<Value = Vec<Account>> + Clone {
    ::proptest::collection::vec(
        (any::<u8>(), any::<u8>(), any::<u8>(), any::<bool>()),
        0..=11,
    )
    .prop_map(|extras| {
        let mut chart: Vec<Account> = Vec::new();
        let specs = (0..5_u8).map(|n| (n, 0_u8, u8::MAX, false)).chain(extras);
        for (n, (class, policy, parent, contra)) in specs.enumerate() {
            let number = 1000 + n;
            let class = class_of(class);
            let kind = if contra && n >= 5 {
                AccountKind::contra(class)
            } else {
                AccountKind::new(class)
            };
            let Ok(code) = AccountCode::new(number.to_string()) else {
                continue;
            };
            let mut account = Account::new(
                AccountId::from_u128(number as u128),
                code,
                format!("{class} {number}"),
                kind,
                CHART_OPENED,
            )
            .with_currencies(if n == 0 {
                CurrencyPolicy::Any
            } else {
                policy_of(policy)
            });
            let same_class: Vec<AccountId> = chart
                .iter()
                .filter(|a| a.kind().class() == class)
                .map(Account::id)
                .collect();
            if parent < 128
                && !same_class.is_empty()
                && let Some(p) = same_class.get(usize::from(parent) % same_class.len())
            {
                account = account.with_parent(*p);
            }
            chart.push(account);
        }
        chart
    })
}

/// A date in [`ENTRY_YEARS`].
pub fn entry_date() -> impl Strategy<Value = NaiveDate> + Clone {
    (ENTRY_YEARS, 1_u32..=365).prop_filter_map("a day of the year", |(year, day)| {
        NaiveDate::from_yo_opt(year, day)
    })
}

/// A balanced single-currency entry with id `id`, valid for `chart`: one to
/// three debits and one to three credits on accounts of the chart that
/// accept the chosen currency.
pub fn balanced_entry(
    chart: Vec<Account>,
    id: EntryId,
) -> impl Strategy<Value = JournalEntry> + Clone {
    let chart = std::sync::Arc::new(chart);
    (
        ::proptest::sample::select(currencies()),
        entry_date(),
        ::proptest::collection::vec(
            (any::<::proptest::sample::Index>(), 1_i64..=1_000_000),
            1..=3,
        ),
        ::proptest::collection::vec((any::<::proptest::sample::Index>(), 1_u32..=100), 1..=3),
    )
        .prop_filter_map(
            "the chart has an account for the currency",
            move |(currency, date, debits, credits)| {
                let eligible: Vec<AccountId> = chart
                    .iter()
                    .filter(|a| a.status().is_open() && a.currencies().allows(currency))
                    .map(Account::id)
                    .collect();
                if eligible.is_empty() {
                    return None;
                }
                let mut postings = Vec::new();
                let mut total = 0_i128;
                for (index, minor) in debits {
                    let amount = Money::from_minor(i128::from(minor), currency).ok()?;
                    total += i128::from(minor);
                    postings.push(Posting::new(*index.get(&eligible), Side::Debit, amount));
                }
                let weights: Vec<Decimal> =
                    credits.iter().map(|(_, w)| Decimal::from(*w)).collect();
                let parts = Money::from_minor(total, currency)
                    .ok()?
                    .allocate(&weights)
                    .ok()?;
                for ((index, _), part) in credits.iter().zip(parts) {
                    if part.is_positive() {
                        postings.push(Posting::new(*index.get(&eligible), Side::Credit, part));
                    }
                }
                let mut builder = JournalEntry::builder(id, date, format!("generated {id}"));
                for posting in postings {
                    builder = builder.posting(posting);
                }
                builder.build().ok()
            },
        )
}
