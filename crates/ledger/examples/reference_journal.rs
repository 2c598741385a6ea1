//! Posts 2,000 pseudo-random entries (two currencies, 2 to 5 postings, dated
//! out of order, some invalid, some reversed later) and prints, for an
//! independent check with hledger:
//!
//! - every entry the ledger accepted, as a plain-text journal (`J` lines);
//! - this crate's balance of every account and currency at the end of three
//!   dates, debit-positive (`B` lines).
//!
//! ```sh
//! cargo run -q -p bureau-ledger --example reference_journal > /tmp/ledger.txt
//! python3 crates/ledger/reference/hledger_check.py /tmp/ledger.txt
//! ```
// A test tool: a malformed case is a bug to see at once, and the indexes are small.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use bureau_core::{Currency, Money};
use bureau_ledger::{
    Account, AccountClass, AccountId, AccountKind, EntryId, JournalEntry, Ledger, Reversal, Side,
};
use chrono::{Days, NaiveDate};

fn main() {
    let mut seed: u64 = 0x1ed9_e2b0_0c5e;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let chart = [
        (1000, "Assets:Bank", AccountKind::ASSET),
        (1200, "Assets:Receivables", AccountKind::ASSET),
        (2000, "Liabilities:Payables", AccountKind::LIABILITY),
        (3000, "Equity:Capital", AccountKind::EQUITY),
        (4000, "Income:Sales", AccountKind::INCOME),
        (
            4900,
            "Income:Returns",
            AccountKind::contra(AccountClass::Income),
        ),
        (6000, "Expenses:Rent", AccountKind::EXPENSE),
        (6100, "Expenses:Wages", AccountKind::EXPENSE),
    ];
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut ledger = Ledger::new();
    for (code, name, kind) in chart {
        let account = Account::new(
            AccountId::from_u128(code),
            code.to_string().parse().unwrap(),
            name.parse().unwrap(),
            kind,
            start,
        );
        ledger.open_account(account).unwrap();
    }
    let currencies = [Currency::USD, Currency::JPY];
    let mut accepted = Vec::new();
    for n in 1..=2000_u128 {
        let id = EntryId::from_u128(n);
        let date = start.checked_add_days(Days::new(next(365))).unwrap();
        if n % 10 == 0 && !accepted.is_empty() {
            // Reverse an earlier entry on a later date.
            let original: EntryId = accepted[next(accepted.len() as u64) as usize];
            let _ = ledger.reverse(Reversal {
                original,
                entry: id,
                date: date.max(ledger.entry(original).map_or(date, JournalEntry::date)),
            });
            accepted.push(id);
            continue;
        }
        let currency = currencies[next(2) as usize];
        let legs = 2 + next(4) as usize;
        let mut builder = JournalEntry::builder(id, date, format!("entry {n}").parse().unwrap());
        let mut net = 0_i128;
        for leg in 0..legs {
            let (code, _, _) = chart[next(chart.len() as u64) as usize];
            let account = AccountId::from_u128(if n % 97 == 0 && leg == 0 { 9999 } else { code });
            let minor = if leg + 1 == legs {
                net.abs()
            } else {
                1 + next(500_000) as i128
            };
            let debit = if leg + 1 == legs {
                net < 0
            } else {
                next(2) == 0
            };
            let amount = Money::from_minor(minor, currency).unwrap();
            builder = if debit {
                builder.debit(account, amount)
            } else {
                builder.credit(account, amount)
            };
            net += if debit { minor } else { -minor };
        }
        if n % 89 == 0 {
            // Unbalanced on purpose.
            builder = builder.debit(
                AccountId::from_u128(1000),
                Money::from_minor(1, currency).unwrap(),
            );
        }
        let Ok(entry) = builder.build() else { continue };
        if ledger.post(entry).is_ok() {
            accepted.push(id);
        }
    }
    for entry in ledger.entries() {
        println!("J|{} {}", entry.date(), entry.description());
        for posting in entry.postings() {
            let name = ledger.account(posting.account()).unwrap().name();
            let amount = match posting.side() {
                Side::Debit => posting.amount(),
                Side::Credit => posting.amount().neg(),
            };
            println!("J|    {name}  {amount}");
        }
    }
    for date in ["2026-03-31", "2026-08-15", "2026-12-31"] {
        let date: NaiveDate = date.parse().unwrap();
        for account in ledger.accounts() {
            for currency in currencies {
                let normal = ledger.balance_as_of(account.id(), currency, date).unwrap();
                let debit_positive = match account.kind().normal_side() {
                    Side::Debit => normal,
                    Side::Credit => normal.neg(),
                };
                println!(
                    "B|{date}|{}|{}|{}",
                    account.name(),
                    currency.code(),
                    debit_positive.amount()
                );
            }
        }
    }
}
