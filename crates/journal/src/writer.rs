//! Writing a bureau ledger as an hledger journal.

use core::fmt::Write as _;

use bureau_core::Money;
use bureau_ledger::{AccountClass, Ledger, Side};

use crate::{Amount, Commodity, Error, Result};

/// How a journal writes `money` (signed): `-120.00 USD`, `10.5000 AAPL`,
/// quoted when the code holds digits or `_`.
fn amount_text(money: Money) -> String {
    Amount::new(money.amount(), Commodity::new(money.currency().code())).to_string()
}

/// Fails unless `text` reads back as itself in a journal line.
fn check_text(what: &'static str, text: &str, forbidden: &[&str]) -> Result<()> {
    let unwritable = |reason| Error::Unwritable {
        what,
        text: text.to_owned(),
        reason,
    };
    if text.trim() != text {
        return Err(unwritable("it starts or ends with a space"));
    }
    if forbidden.iter().any(|f| text.contains(f)) {
        return Err(unwritable(
            "it holds a character sequence with a meaning in journals",
        ));
    }
    Ok(())
}

fn type_tag(class: AccountClass) -> &'static str {
    match class {
        AccountClass::Asset => "A",
        AccountClass::Liability => "L",
        AccountClass::Equity => "E",
        AccountClass::Income => "R",
        _ => "X",
    }
}

/// Writes every posted entry of `ledger` as an hledger journal, in posting
/// order, and ends it with one balance assertion per account and currency
/// dated on the last entry's day, so that `hledger -f FILE check` verifies
/// every balance of the ledger.
///
/// What a caller may rely on: each account gets an `account` directive
/// with its type (`A L E R X`), its code and, for contra accounts,
/// `contra: true`; each entry is written as `DATE (ENTRY-ID) DESCRIPTION`
/// with its metadata as tags, each posting as `ACCOUNT  AMOUNT CODE` with
/// debits positive and the memo as its comment. [`read`](crate::read) and
/// [`post`](crate::post) read it back into the same accounts, entries and
/// balances (entries in one currency; an entry mixing currencies comes
/// back as one entry per currency, without its exchange rates).
///
/// # Errors
///
/// [`Error::Unwritable`] for an account name, description, memo or
/// metadata that a journal cannot hold unchanged (two spaces or a tab
/// inside a name, a `;` in a name or description, a leading or trailing
/// space, a `,` in metadata); [`Error::Ledger`] when a balance cannot be
/// computed.
///
/// ```
/// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
/// let (cash, sales) = (AccountId::from_u128(1), AccountId::from_u128(4));
/// let mut ledger = Ledger::new();
/// ledger.open_account(Account::new(cash, "1000".parse()?, "Assets:Cash".parse()?, AccountKind::ASSET, day))?;
/// ledger.open_account(Account::new(sales, "4000".parse()?, "Income:Sales".parse()?, AccountKind::INCOME, day))?;
/// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "cash sale".parse()?)
///     .debit(cash, "120.00 USD".parse()?)
///     .credit(sales, "120.00 USD".parse()?)
///     .build()?)?;
/// let text = bureau_journal::write_hledger(&ledger)?;
/// assert!(text.contains("    Assets:Cash  0.00 USD = 120.00 USD\n"));
/// let book = bureau_journal::post(&bureau_journal::read("out.journal", &text)?)?;
/// assert_eq!(book.balances()?.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_hledger(ledger: &Ledger) -> Result<String> {
    let mut out = String::new();
    let name_rules: &[&str] = &["  ", "\t", ";", "="];
    for account in ledger.accounts() {
        let name = account.name().as_str();
        check_text("account name", name, name_rules)?;
        if name.starts_with(['(', '[']) {
            return Err(Error::Unwritable {
                what: "account name",
                text: name.to_owned(),
                reason: "a name in parentheses or brackets is a virtual posting in journals",
            });
        }
        let kind = account.kind();
        let _ = write!(
            out,
            "account {name}  ; type: {}, code: {}",
            type_tag(kind.class()),
            account.code()
        );
        if kind.is_contra() {
            out.push_str(", contra: true");
        }
        out.push('\n');
    }
    let mut last = None;
    for entry in ledger.entries() {
        let description = entry.description().as_str();
        check_text("description", description, &[";"])?;
        let _ = write!(out, "\n{} ({}) {description}", entry.date(), entry.id());
        let mut separator = "  ; ";
        for (key, value) in entry.metadata() {
            check_text("metadata key", key.as_str(), &[":", ","])?;
            check_text("metadata value", value.as_str(), &[","])?;
            let _ = write!(out, "{separator}{key}: {value}");
            separator = ", ";
        }
        out.push('\n');
        for posting in entry.postings() {
            let name = ledger
                .account(posting.account())
                .map(|a| a.name().as_str())
                .unwrap_or_default();
            let signed = match posting.side() {
                Side::Debit => posting.amount(),
                Side::Credit => posting.amount().neg(),
            };
            let _ = write!(out, "    {name}  {}", amount_text(signed));
            if let Some(memo) = posting.memo().filter(|m| !m.is_empty()) {
                check_text("memo", memo.as_str(), &[])?;
                let _ = write!(out, "  ; {memo}");
            }
            out.push('\n');
        }
        last = last.max(Some(entry.date()));
    }
    if let Some(day) = last {
        let _ = writeln!(out, "\n{day} balance assertions");
        let mut accounts: Vec<_> = ledger.accounts().collect();
        accounts.sort_by(|a, b| a.name().as_str().cmp(b.name().as_str()));
        for account in accounts {
            let mut currencies = ledger.currencies_of(account.id())?;
            currencies.sort_by(|a, b| a.code().cmp(b.code()));
            for currency in currencies {
                let normal = ledger.balance(account.id(), currency)?;
                let balance = match account.kind().normal_side() {
                    Side::Debit => normal,
                    Side::Credit => normal.neg(),
                };
                let _ = writeln!(
                    out,
                    "    {}  {} = {}",
                    account.name(),
                    amount_text(Money::zero(currency)),
                    amount_text(balance)
                );
            }
        }
    }
    Ok(out)
}
