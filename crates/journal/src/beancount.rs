//! Writing a bureau ledger as a beancount file.

use core::fmt::Write as _;
use std::collections::BTreeMap;

use bureau_core::{Currency, Money};
use bureau_ledger::{Account, AccountClass, AccountId, Ledger, Side};
use chrono::Days;

use crate::{Error, Result};

/// The beancount root of a class, and the top-level names that say the same.
fn root(class: AccountClass) -> (&'static str, &'static [&'static str]) {
    match class {
        AccountClass::Asset => ("Assets", &["asset", "assets"]),
        AccountClass::Liability => ("Liabilities", &["liability", "liabilities"]),
        AccountClass::Equity => ("Equity", &["equity"]),
        AccountClass::Income => ("Income", &["income", "revenue", "revenues"]),
        _ => ("Expenses", &["expense", "expenses"]),
    }
}

/// A name component as beancount takes it: starting with an upper-case
/// letter or a digit, then letters, digits and `-`.
fn component(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    match out.chars().next() {
        Some(first) if first.is_lowercase() => {
            let upper: String = first.to_uppercase().collect();
            out.replace_range(..first.len_utf8(), &upper);
        }
        Some(first) if first.is_uppercase() || first.is_ascii_digit() => {}
        _ => out.insert(0, 'X'),
    }
    out
}

/// The beancount name of each account: the root of its class, then its own
/// components (the top level dropped when it names the class), made unique
/// with the account code when two names meet.
fn names(ledger: &Ledger) -> BTreeMap<AccountId, String> {
    let mut taken: BTreeMap<String, AccountId> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for account in ledger.accounts() {
        let (root, synonyms) = root(account.kind().class());
        let mut parts: Vec<&str> = account.name().as_str().split(':').collect();
        if parts
            .first()
            .is_some_and(|top| synonyms.contains(&top.to_lowercase().as_str()))
        {
            parts.remove(0);
        }
        let mut name = String::from(root);
        for part in parts.iter().filter(|p| !p.trim().is_empty()) {
            name.push(':');
            name.push_str(&component(part.trim()));
        }
        if name == root || taken.contains_key(&name) {
            name.push(':');
            name.push_str(&component(account.code().as_str()));
        }
        taken.insert(name.clone(), account.id());
        names.insert(account.id(), name);
    }
    names
}

/// A commodity code as beancount takes it (upper case).
fn currency_code(currency: Currency) -> Result<String> {
    let code = currency.code().to_ascii_uppercase();
    let valid = code.len() <= 24
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code.ends_with(|c: char| c.is_ascii_alphanumeric());
    if valid {
        Ok(code)
    } else {
        Err(Error::Unwritable {
            what: "commodity",
            text: currency.code().to_owned(),
            reason: "beancount commodities start with a letter and end with a letter or digit",
        })
    }
}

fn amount_text(money: Money) -> Result<String> {
    Ok(format!(
        "{} {}",
        money.amount(),
        currency_code(money.currency())?
    ))
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes every posted entry of `ledger` as a beancount file that
/// `bean-check` accepts: an `open` directive per account on its opening
/// day, each entry as a transaction (its id and metadata as metadata, a
/// posting's memo as its metadata `memo`), and one `balance` assertion per
/// account and currency on the day after the last entry (beancount checks
/// a balance at the start of its day, including sub-accounts).
///
/// Account names follow beancount's rules: the root of the account's class
/// (`Assets`, `Liabilities`, `Equity`, `Income`, `Expenses`), then the
/// name's components with other characters than letters and digits turned
/// into `-` and the first letter in upper case (`Revenue:Consulting fees`,
/// an income account, becomes `Income:Consulting-fees`); the code is
/// appended where two names would meet.
///
/// # Errors
///
/// [`Error::Unwritable`] for a metadata key beancount does not take (at
/// least two characters: a lower-case letter, then letters, digits, `-`
/// or `_`)
/// or a commodity code it does not take; [`Error::Ledger`] when a balance
/// cannot be computed.
///
/// ```
/// let journal = bureau_journal::read("books.journal", "\
/// 2026-01-05 opening
///     Assets:Bank          $1,000.00
///     Equity:Opening balances
/// ")?;
/// let book = bureau_journal::post(&journal)?;
/// let text = bureau_journal::write_beancount(book.ledger())?;
/// assert!(text.contains("2026-01-05 open Equity:Opening-balances\n"));
/// assert!(text.contains("2026-01-06 balance Assets:Bank 1000.00 USD\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_beancount(ledger: &Ledger) -> Result<String> {
    let names = names(ledger);
    let name_of = |id: AccountId| names.get(&id).map_or("", String::as_str);
    let mut out = String::new();
    let mut accounts: Vec<&Account> = ledger.accounts().collect();
    accounts.sort_by_key(|a| (a.opened_on(), name_of(a.id())));
    for account in &accounts {
        let _ = writeln!(
            out,
            "{} open {}",
            account.opened_on(),
            name_of(account.id())
        );
    }
    let mut last = None;
    for entry in ledger.entries() {
        let _ = writeln!(
            out,
            "\n{} * {}",
            entry.date(),
            quoted(entry.description().as_str())
        );
        let _ = writeln!(out, "  id: {}", quoted(&entry.id().to_string()));
        for (key, value) in entry.metadata() {
            let key = key.as_str();
            let valid = key.len() >= 2
                && key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid || key == "id" {
                return Err(Error::Unwritable {
                    what: "metadata key",
                    text: key.to_owned(),
                    reason: "beancount keys are two or more characters: a lower-case letter, then letters, digits, '-' or '_' (and `id` holds the entry id)",
                });
            }
            let _ = writeln!(out, "  {key}: {}", quoted(value.as_str()));
        }
        for posting in entry.postings() {
            let signed = match posting.side() {
                Side::Debit => posting.amount(),
                Side::Credit => posting.amount().neg(),
            };
            let _ = writeln!(
                out,
                "  {}  {}",
                name_of(posting.account()),
                amount_text(signed)?
            );
            if let Some(memo) = posting.memo().filter(|m| !m.is_empty()) {
                let _ = writeln!(out, "    memo: {}", quoted(memo.as_str()));
            }
        }
        last = last.max(Some(entry.date()));
    }
    let Some(day) = last.and_then(|d| d.checked_add_days(Days::new(1))) else {
        return Ok(out);
    };
    // Beancount's balance covers the account and its sub-accounts.
    let mut totals: BTreeMap<(&str, String), Money> = BTreeMap::new();
    for account in &accounts {
        let own = name_of(account.id());
        for currency in ledger.currencies_of(account.id())? {
            let normal = ledger.balance(account.id(), currency)?;
            let balance = match account.kind().normal_side() {
                Side::Debit => normal,
                Side::Credit => normal.neg(),
            };
            let code = currency_code(currency)?;
            for target in names.values() {
                let covers = own == target
                    || own
                        .strip_prefix(target.as_str())
                        .is_some_and(|rest| rest.starts_with(':'));
                if covers {
                    let total = totals
                        .entry((target.as_str(), code.clone()))
                        .or_insert(Money::zero(currency));
                    *total = total
                        .checked_add(balance)
                        .map_err(bureau_ledger::Error::from)?;
                }
            }
        }
    }
    out.push('\n');
    for ((name, _), total) in totals {
        let _ = writeln!(out, "{day} balance {name} {}", amount_text(total)?);
    }
    Ok(out)
}
