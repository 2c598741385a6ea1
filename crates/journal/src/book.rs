//! Posting a journal into a bureau ledger: the chart derived from account
//! names and `account` directives, a currency for each commodity, an entry
//! per transaction and currency.

use core::fmt;
use std::collections::{BTreeMap, HashMap};

use bureau_core::{Currency, Money};
use bureau_ledger::{
    Account, AccountClass, AccountCode, AccountId, AccountKind, AccountName, EntryDescription,
    EntryId, JournalEntry, Ledger, Memo, MetadataKey, MetadataValue, Posting, Side,
};
use chrono::NaiveDate;

use crate::{AccountDeclaration, Commodity, Error, Journal, Location, Result, Transaction};

/// The equity account that takes the other side of conversions: a
/// transaction with a cost (`@`, `@@`) or two commodities posts one entry
/// per commodity, each balanced through this account (hledger calls it
/// `equity:conversion` under `--infer-equity`).
pub const CONVERSION_ACCOUNT: &str = "Equity:Conversion";

/// A journal posted into a bureau ledger, with the accounts by name and
/// the currency each commodity became.
#[derive(Debug, Clone)]
pub struct Book {
    pub(crate) ledger: Ledger,
    pub(crate) accounts: Names,
    pub(crate) currencies: BTreeMap<Commodity, Currency>,
}

/// Account ids by full name: looked up once a posting, so hashed.
pub(crate) type Names = HashMap<String, AccountId, foldhash::fast::RandomState>;

/// One line of a flat balance report: an account's balance in one currency,
/// debits positive (the sign hledger shows).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BalanceLine {
    /// The account's full name.
    pub account: AccountName,
    /// The balance, debits positive.
    pub amount: Money,
}

impl fmt::Display for BalanceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}  {}", self.account, self.amount)
    }
}

impl Book {
    /// The ledger holding the journal's entries.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The ledger, for further posting.
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// The id of the account with this full name.
    pub fn account(&self, name: &str) -> Option<AccountId> {
        self.accounts.get(name).copied()
    }

    /// The currency a commodity of the journal became (`$` is USD).
    pub fn currency(&self, commodity: &Commodity) -> Option<Currency> {
        self.currencies.get(commodity).copied()
    }

    /// The commodity of the journal that became `currency`, when exactly one
    /// did (`$` and `USD` in one journal are both USD, and neither is
    /// returned).
    ///
    /// ```
    /// let book = bureau_journal::load("books.journal", "\
    /// 2026-01-05 opening
    ///     Assets:Bank      $10
    ///     Equity:Opening
    /// ")?;
    /// let dollar = book.commodity(bureau_core::Currency::USD).ok_or("no $")?;
    /// assert_eq!(dollar.as_str(), "$");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn commodity(&self, currency: Currency) -> Option<&Commodity> {
        let mut found = self.currencies.iter().filter(|(_, c)| **c == currency);
        match (found.next(), found.next()) {
            (Some((commodity, _)), None) => Some(commodity),
            _ => None,
        }
    }

    /// Every non-zero balance, by account name and then currency code, debits
    /// positive: what `hledger bal --flat` shows (without its layout).
    ///
    /// # Errors
    ///
    /// [`Error::Ledger`] when the ledger cannot compute a balance (an
    /// overflow).
    pub fn balances(&self) -> Result<Vec<BalanceLine>> {
        balances(&self.ledger)
    }
}

/// Every non-zero balance of `ledger`, by account name and currency code,
/// debits positive.
pub(crate) fn balances(ledger: &Ledger) -> Result<Vec<BalanceLine>> {
    let mut lines = Vec::new();
    let mut accounts: Vec<&Account> = ledger.accounts().collect();
    accounts.sort_by(|a, b| a.name().as_str().cmp(b.name().as_str()));
    for account in accounts {
        let mut currencies = ledger.currencies_of(account.id())?;
        currencies.sort_by(|a, b| a.code().cmp(b.code()));
        for currency in currencies {
            let normal = ledger.balance(account.id(), currency)?;
            let amount = match account.kind().normal_side() {
                Side::Debit => normal,
                Side::Credit => normal.neg(),
            };
            if !amount.is_zero() {
                lines.push(BalanceLine {
                    account: account.name().clone(),
                    amount,
                });
            }
        }
    }
    Ok(lines)
}

/// The kind an account type tag names (`A`, `Asset`, `Revenue`, ...).
fn kind_of_type(value: &str) -> Option<AccountClass> {
    let value = value.trim().to_ascii_lowercase();
    Some(match value.as_str() {
        "a" | "asset" | "assets" | "c" | "cash" => AccountClass::Asset,
        "l" | "liability" | "liabilities" => AccountClass::Liability,
        "e" | "equity" | "v" | "conversion" => AccountClass::Equity,
        "r" | "revenue" | "revenues" | "income" => AccountClass::Income,
        "x" | "expense" | "expenses" => AccountClass::Expense,
        _ => return None,
    })
}

/// The class the top-level name implies (`Assets:Bank` is an asset).
fn kind_of_name(name: &str) -> Option<AccountClass> {
    let top = name.split(':').next().unwrap_or(name).to_lowercase();
    Some(match top.as_str() {
        "asset" | "assets" => AccountClass::Asset,
        "liability" | "liabilities" => AccountClass::Liability,
        "equity" => AccountClass::Equity,
        "income" | "revenue" | "revenues" => AccountClass::Income,
        "expense" | "expenses" => AccountClass::Expense,
        _ => return None,
    })
}

/// The currency a journal commodity stands for, `precision` being the most
/// decimal places the journal writes it with.
pub(crate) fn currency_of(commodity: &Commodity, precision: u32) -> bureau_core::Result<Currency> {
    let code = match commodity.as_str() {
        "$" => "USD",
        "€" => "EUR",
        "£" => "GBP",
        "¥" => "JPY",
        other => other,
    };
    match Currency::iso(code) {
        Ok(currency) => Ok(currency),
        Err(_) => Currency::commodity(code, precision),
    }
}

/// A chart entry being derived.
pub(crate) struct Derived {
    pub(crate) name: String,
    pub(crate) location: Location,
}

pub(crate) struct Chart<'a> {
    pub(crate) declarations: &'a [AccountDeclaration],
    pub(crate) opened: NaiveDate,
    pub(crate) ledger: Ledger,
    pub(crate) accounts: Names,
}

impl Chart<'_> {
    /// Opens `name` unless it is open already.
    pub(crate) fn open(&mut self, derived: &Derived) -> Result<AccountId> {
        if let Some(id) = self.accounts.get(&derived.name) {
            return Ok(*id);
        }
        let rejected = |source| Error::Rejected {
            location: derived.location.clone(),
            source,
        };
        let name = &derived.name;
        let own = self.declarations.iter().find(|a| a.name == *name);
        // The nearest declaration with a type, the account's own first.
        let declared = self
            .declarations
            .iter()
            .filter(|a| *name == a.name || name.starts_with(&format!("{}:", a.name)))
            .filter_map(|a| {
                a.tags
                    .iter()
                    .find(|t| t.name == "type")
                    .and_then(|t| kind_of_type(&t.value))
                    .map(|class| (a.name.len(), class))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, class)| class);
        let class =
            declared
                .or_else(|| kind_of_name(name))
                .ok_or_else(|| Error::UnclassifiedAccount {
                    location: derived.location.clone(),
                    account: name.clone(),
                })?;
        let tag = |key: &str| {
            own.and_then(|a| a.tags.iter().find(|t| t.name == key))
                .map(|t| t.value.as_str())
        };
        let contra = tag("contra").is_some_and(|v| !matches!(v, "false" | "no"));
        let kind = if contra {
            AccountKind::contra(class)
        } else {
            AccountKind::new(class)
        };
        let number = self.accounts.len() + 1;
        let code = match tag("code") {
            Some(code) if !code.is_empty() => code.to_owned(),
            _ => format!("J{number}"),
        };
        let id = AccountId::from_u128(number as u128);
        let account = Account::new(
            id,
            AccountCode::new(code).map_err(rejected)?,
            AccountName::new(name.as_str()).map_err(rejected)?,
            kind,
            self.opened,
        );
        self.ledger.open_account(account).map_err(rejected)?;
        self.accounts.insert(name.clone(), id);
        Ok(id)
    }
}

/// Posts every transaction of `journal` into a new ledger.
///
/// The chart holds every declared account and every account posted to, in
/// that order, each opened on the journal's earliest date; an account's
/// class comes from the `type:` tag of its `account` directive (or of its
/// nearest declared parent), else from its top-level name. A `code:` tag
/// gives the account's code (else `J1`, `J2`, ...) and a `contra:` tag makes
/// it a contra account. Each commodity becomes a currency: an ISO code or
/// `$ € £ ¥` the ISO currency, any other a custom commodity with the most
/// decimal places the journal writes it with.
///
/// A transaction becomes one entry per currency, with the zero postings
/// left out; a currency whose postings do not sum to zero (a cost, or two
/// commodities) is balanced through [`CONVERSION_ACCOUNT`]. The first
/// entry's id is the transaction's code when that is an entry id (as
/// [`write_hledger`](crate::write_hledger) writes it), else the next of
/// `1, 2, ...`. Tags of a transaction become its metadata, a posting's
/// comment its memo.
///
/// # Errors
///
/// With the location concerned: [`Error::UnclassifiedAccount`],
/// [`Error::UnsupportedCommodity`], or [`Error::Rejected`] when the ledger
/// refuses an account, an amount (more decimal places than its currency
/// has) or an entry.
///
/// ```
/// let journal = bureau_journal::read("trades.journal", "\
/// 2026-02-01 buy
///     Assets:Broker     10 AAPL @ $150.00
///     Assets:Cash
/// ")?;
/// let book = bureau_journal::post(&journal)?;
/// let lines: Vec<String> = book.balances()?.iter().map(ToString::to_string).collect();
/// assert_eq!(lines, [
///     "Assets:Broker  10 AAPL",
///     "Assets:Cash  -1500.00 USD",
///     "Equity:Conversion  -10 AAPL",
///     "Equity:Conversion  1500.00 USD",
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn post(journal: &Journal) -> Result<Book> {
    let opened = journal
        .transactions
        .iter()
        .map(|t| t.date)
        .min()
        .unwrap_or(NaiveDate::MIN);
    let mut chart = Chart {
        declarations: &journal.accounts,
        opened,
        ledger: Ledger::new(),
        accounts: Names::default(),
    };
    for declaration in &journal.accounts {
        chart.open(&Derived {
            name: declaration.name.clone(),
            location: declaration.location.clone(),
        })?;
    }
    let currencies = currencies(journal)?;
    let mut next_id: u128 = 0;
    for transaction in &journal.transactions {
        post_transaction(&mut chart, &currencies, transaction, &mut next_id)?;
    }
    Ok(Book {
        ledger: chart.ledger,
        accounts: chart.accounts,
        currencies,
    })
}

/// A currency for every commodity posted.
fn currencies(journal: &Journal) -> Result<BTreeMap<Commodity, Currency>> {
    let mut precision: BTreeMap<&Commodity, (u32, &Location)> = BTreeMap::new();
    // Zero amounts are not posted (an inferred zero has no commodity).
    let postings = journal.transactions.iter().flat_map(|t| &t.postings);
    for posting in postings.filter(|p| !p.amount.quantity.is_zero()) {
        let scale = posting.amount.quantity.scale();
        let seen = precision
            .entry(&posting.amount.commodity)
            .or_insert((scale, &posting.location));
        seen.0 = seen.0.max(scale);
    }
    let mut currencies = BTreeMap::new();
    for (commodity, (places, location)) in precision {
        let currency =
            currency_of(commodity, places).map_err(|source| Error::UnsupportedCommodity {
                location: location.clone(),
                commodity: commodity.as_str().to_owned(),
                source,
            })?;
        currencies.insert(commodity.clone(), currency);
    }
    Ok(currencies)
}

fn post_transaction(
    chart: &mut Chart<'_>,
    currencies: &BTreeMap<Commodity, Currency>,
    transaction: &Transaction,
    next_id: &mut u128,
) -> Result<()> {
    let rejected = |source| Error::Rejected {
        location: transaction.location.clone(),
        source,
    };
    // Postings grouped by currency, in the order the currencies appear.
    let mut groups: Vec<(Currency, Vec<Posting>, i128)> = Vec::new();
    for posting in &transaction.postings {
        let account = match chart.accounts.get(posting.account.as_str()) {
            Some(id) => *id,
            None => chart.open(&Derived {
                name: posting.account.clone(),
                location: posting.location.clone(),
            })?,
        };
        if posting.amount.quantity.is_zero() {
            continue;
        }
        let Some(currency) = currencies.get(&posting.amount.commodity).copied() else {
            continue;
        };
        let at_posting = |source: bureau_core::Error| Error::Rejected {
            location: posting.location.clone(),
            source: source.into(),
        };
        let money = Money::new(posting.amount.quantity.abs(), currency).map_err(at_posting)?;
        let side = if posting.amount.quantity.is_sign_negative() {
            Side::Credit
        } else {
            Side::Debit
        };
        let mut leg = Posting::new(account, side, money);
        if !posting.comment.is_empty() {
            let memo = Memo::new(posting.comment.as_str()).map_err(|source| Error::Rejected {
                location: posting.location.clone(),
                source,
            })?;
            leg = leg.with_memo(memo);
        }
        let signed = match side {
            Side::Debit => money.to_minor(),
            Side::Credit => -money.to_minor(),
        };
        match groups.iter_mut().find(|(c, _, _)| *c == currency) {
            Some((_, legs, sum)) => {
                legs.push(leg);
                *sum = sum.saturating_add(signed);
            }
            None => groups.push((currency, vec![leg], signed)),
        }
    }
    let description = EntryDescription::new(transaction.description.as_str()).map_err(rejected)?;
    let mut metadata = Vec::new();
    for tag in &transaction.tags {
        metadata.push((
            MetadataKey::new(tag.name.as_str()).map_err(rejected)?,
            MetadataValue::new(tag.value.as_str()).map_err(rejected)?,
        ));
    }
    let mut first = true;
    for (currency, mut legs, sum) in groups {
        if sum != 0 {
            let conversion = chart.open(&Derived {
                name: CONVERSION_ACCOUNT.to_owned(),
                location: transaction.location.clone(),
            })?;
            let side = if sum > 0 { Side::Credit } else { Side::Debit };
            let money = Money::from_minor(sum.saturating_abs(), currency)
                .map_err(|source| rejected(source.into()))?;
            legs.push(Posting::new(conversion, side, money));
        }
        if legs.len() < 2 {
            continue;
        }
        let coded = transaction
            .code
            .as_deref()
            .filter(|_| first)
            .and_then(|code| code.parse::<EntryId>().ok());
        let id = match coded {
            Some(id) => id,
            None => {
                *next_id += 1;
                EntryId::from_u128(*next_id)
            }
        };
        first = false;
        let mut builder = JournalEntry::builder(id, transaction.date, description.clone());
        for leg in legs {
            builder = builder.posting(leg);
        }
        for (key, value) in &metadata {
            builder = builder.metadata(key.clone(), value.clone());
        }
        let entry = builder.build().map_err(rejected)?;
        chart.ledger.post(entry).map_err(rejected)?;
    }
    Ok(())
}
