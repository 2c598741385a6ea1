//! Reading a journal's text into transactions, prices and account
//! declarations, with amounts inferred and balance assertions checked.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::amount::{NumberStyle, parse_amount};
use crate::{Amount, Commodity, Error, Location, Result};

/// A `key: value` tag from a comment (`; invoice: INV-7, paid:`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Tag {
    /// The name before the colon.
    pub name: String,
    /// The text after it up to a comma or the end of the comment, trimmed.
    pub value: String,
}

/// The cost of a posting: `@ UNIT` or `@@ TOTAL`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cost {
    /// `@`: the price of one unit.
    Unit(Amount),
    /// `@@`: the price of the whole quantity.
    Total(Amount),
}

/// A balance assertion: `= AMOUNT`, or `== AMOUNT` when the account must hold
/// no other commodity; `=*` and `==*` count its sub-accounts too.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Assertion {
    /// The asserted balance of the posting's account in its commodity.
    pub amount: Amount,
    /// `==`: every other commodity of the account must be zero.
    pub exclusive: bool,
    /// `=*`: the balance asserted is that of the account and all its
    /// sub-accounts (`Assets:Bank` and `Assets:Bank:Checking`, ...).
    pub inclusive: bool,
}

/// One posting of a transaction. After reading, every posting has an amount:
/// a posting written without one holds the inferred amount
/// ([`inferred`](Self::inferred) is set), one posting per commodity.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalPosting {
    /// The account's full name (`Assets:Bank`).
    pub account: String,
    /// The signed amount (debits positive).
    pub amount: Amount,
    /// Whether the amount was left out and inferred.
    pub inferred: bool,
    /// The cost, when written.
    pub cost: Option<Cost>,
    /// The balance assertion, when written.
    pub assertion: Option<Assertion>,
    /// The posting's comment (same line and indented lines below), joined
    /// by line breaks.
    pub comment: String,
    /// The tags of its comment.
    pub tags: Vec<Tag>,
    /// The posting's own date, from a `date:` tag of its comment
    /// (`; date: 2026-01-31`): its balance assertion and those after it are
    /// checked on that day. The entry is posted on the transaction's date.
    pub date: Option<NaiveDate>,
    /// Where the posting is.
    pub location: Location,
}

/// A transaction as read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transaction {
    /// The primary date.
    pub date: NaiveDate,
    /// The secondary date (`DATE=DATE2`).
    pub date2: Option<NaiveDate>,
    /// The status mark: `*` cleared, `!` pending, or none.
    pub status: Option<char>,
    /// The code in parentheses.
    pub code: Option<String>,
    /// The description, trimmed.
    pub description: String,
    /// The transaction's comment, joined by line breaks.
    pub comment: String,
    /// The tags of its comment.
    pub tags: Vec<Tag>,
    /// The postings, in the order written.
    pub postings: Vec<JournalPosting>,
    /// Where its first line is.
    pub location: Location,
}

/// A market price: `P DATE COMMODITY PRICE`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MarketPrice {
    /// The day of the price.
    pub date: NaiveDate,
    /// The commodity priced.
    pub commodity: Commodity,
    /// The price of one unit.
    pub price: Amount,
    /// Where the directive is.
    pub location: Location,
}

/// An `account` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountDeclaration {
    /// The account's full name.
    pub name: String,
    /// The tags of its comment (`type: A`, ...).
    pub tags: Vec<Tag>,
    /// Where the directive is.
    pub location: Location,
}

/// Everything read from one journal text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Journal {
    /// The transactions in file order.
    pub transactions: Vec<Transaction>,
    /// The market prices in file order.
    pub prices: Vec<MarketPrice>,
    /// The account directives in file order.
    pub accounts: Vec<AccountDeclaration>,
}

/// What the indented lines that follow belong to.
enum Open {
    Nothing,
    Transaction,
    Directive,
}

struct Reader {
    file: Arc<str>,
    style: NumberStyle,
    journal: Journal,
    /// Running balance of each account, per commodity, for assertions.
    balances: HashMap<String, Vec<(Commodity, Decimal)>, foldhash::fast::RandomState>,
    aliases: Aliases,
    parents: Parents,
    /// The year of the last `Y` directive, for dates written without one.
    year: Option<i32>,
}

/// Reads a journal's text. `file` names it in errors; nothing is read from
/// disk. Balance assertions are checked as hledger checks them: postings
/// in date order, in file order within a day, each assertion against the
/// running balance of its account (sub-accounts excluded, or included for
/// `=*` and `==*`) once its posting is added.
///
/// # Errors
///
/// The first problem found, with its [`Location`]: [`Error::Syntax`],
/// [`Error::BadDate`], [`Error::BadAmount`], [`Error::Unbalanced`],
/// [`Error::TwoMissingAmounts`], [`Error::AssertionFailed`] or
/// [`Error::Unsupported`].
///
/// ```
/// let journal = bureau_journal::read("books.journal", "\
/// 2026-03-02 * cash sale
///     Assets:Cash      $1,200.00
///     Income:Sales
/// ")?;
/// let sale = &journal.transactions[0];
/// assert_eq!(sale.postings[1].amount.to_string(), "$-1200.00");
/// assert!(sale.postings[1].inferred);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read(file: &str, text: &str) -> Result<Journal> {
    let mut reader = Reader::new(file);
    reader.read_text(text, None, 0)?;
    reader.check_assertions()?;
    Ok(reader.journal)
}

/// Reads a journal's text as [`read`] does, and the files its `include`
/// directives name through `resolver`, each in place of its directive
/// (errors inside one name that file).
///
/// # Errors
///
/// As [`read`], and [`Error::Include`] when the resolver cannot provide a
/// file or includes nest deeper than 32 (a cycle).
///
/// ```
/// use std::collections::BTreeMap;
///
/// let mut files = BTreeMap::new();
/// files.insert("2025.journal".to_owned(), "\
/// 2025-12-31 opening
///     Assets:Bank  $100
///     Equity:Opening
/// ".to_owned());
/// let journal = bureau_journal::read_with("main.journal", "\
/// include 2025.journal
/// 2026-01-02 check
///     Assets:Bank  $0 = $100
///     Equity:Opening
/// ", &mut files)?;
/// assert_eq!(journal.transactions.len(), 2);
/// assert_eq!(&*journal.transactions[0].location.file, "2025.journal");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_with(file: &str, text: &str, resolver: &mut dyn Resolver) -> Result<Journal> {
    let mut reader = Reader::new(file);
    reader.read_text(text, Some(resolver), 0)?;
    reader.check_assertions()?;
    Ok(reader.journal)
}

/// Deepest nesting of `include` directives: deeper is taken for a cycle.
pub(crate) const MAX_INCLUDE_DEPTH: usize = 32;

/// Where the files named by `include` directives come from: the caller
/// decides (a map in memory, the file system, an archive), so reading does
/// no I/O of its own.
pub trait Resolver {
    /// The name (as errors should show it) and the text of the file that
    /// `path` names in an `include` directive of the file named `from`.
    ///
    /// # Errors
    ///
    /// Why the file cannot be provided, in words.
    fn resolve(&mut self, from: &str, path: &str)
    -> core::result::Result<(String, String), String>;
}

/// Files in memory by path: `include PATH` reads the text stored under
/// `PATH`, named `PATH` in errors.
impl Resolver for std::collections::BTreeMap<String, String> {
    fn resolve(
        &mut self,
        _from: &str,
        path: &str,
    ) -> core::result::Result<(String, String), String> {
        self.get(path)
            .map(|text| (path.to_owned(), text.clone()))
            .ok_or_else(|| format!("no file {path:?}"))
    }
}

impl Reader {
    fn new(file: &str) -> Self {
        Self {
            file: Arc::from(file),
            style: NumberStyle::POINT,
            journal: Journal::default(),
            balances: HashMap::default(),
            aliases: Aliases::default(),
            parents: Parents::default(),
            year: None,
        }
    }

    fn include<'r>(
        &mut self,
        path: &str,
        number: usize,
        resolver: Option<&mut (dyn Resolver + 'r)>,
        depth: usize,
    ) -> Result<()> {
        let location = self.at(number, 1);
        let Some(resolver) = resolver else {
            return Err(Error::Unsupported {
                location,
                what: "`include` without a resolver (see `read_with`)".to_owned(),
            });
        };
        if depth >= MAX_INCLUDE_DEPTH {
            return Err(Error::Include {
                location,
                path: path.to_owned(),
                reason: "includes nest deeper than 32 files (a cycle?)".to_owned(),
            });
        }
        let (name, text) = resolver
            .resolve(&self.file, path)
            .map_err(|reason| Error::Include {
                location,
                path: path.to_owned(),
                reason,
            })?;
        let outer = core::mem::replace(&mut self.file, Arc::from(name));
        let (year, parents) = (self.year, self.parents.depth());
        let read = self.read_text(&text, Some(resolver), depth + 1);
        self.file = outer;
        self.year = year;
        read?;
        self.parents.close_included(parents)
    }

    fn read_text<'r>(
        &mut self,
        text: &str,
        mut resolver: Option<&mut (dyn Resolver + 'r)>,
        depth: usize,
    ) -> Result<()> {
        let mut open = Open::Nothing;
        let mut in_comment_block = false;
        let mut pending: Option<Transaction> = None;
        let mut missing: Vec<Option<usize>> = Vec::new();
        // `end apply account` closes only what this file applied.
        let base = self.parents.depth();
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if in_comment_block {
                if line.trim_end() == "end comment" {
                    in_comment_block = false;
                }
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            if indented {
                let body = line.trim_start();
                if body.is_empty() {
                    continue;
                }
                let column = line.chars().count() - body.chars().count() + 1;
                match open {
                    Open::Transaction => {
                        if let Some(transaction) = pending.as_mut() {
                            self.indented_line(transaction, &mut missing, body, number, column)?;
                        }
                    }
                    Open::Directive => {}
                    Open::Nothing => {
                        if !body.starts_with([';', '#']) {
                            return Err(Error::Syntax {
                                location: self.at(number, column),
                                expected: "a transaction or directive before an indented line",
                                found: body.to_owned(),
                            });
                        }
                    }
                }
                continue;
            }
            if let Some(transaction) = pending.take() {
                self.finish(transaction, &missing)?;
                missing.clear();
            }
            open = Open::Nothing;
            if line.trim().is_empty() || line.starts_with([';', '#', '*', '%', '|']) {
                continue;
            }
            if line.starts_with(|c: char| c.is_ascii_digit()) {
                pending = Some(self.header(line, number)?);
                open = Open::Transaction;
                continue;
            }
            if let Some(what) = unsupported_transaction(line) {
                return Err(Error::Unsupported {
                    location: self.at(number, 1),
                    what,
                });
            }
            let (keyword, rest) = line.split_once([' ', '\t']).unwrap_or((line, ""));
            if let Some(text) = year_directive(keyword, line) {
                self.year = Some(year_of(text).ok_or_else(|| Error::Syntax {
                    location: self.at(number, 1),
                    expected: YEAR_EXPECTED,
                    found: line.to_owned(),
                })?);
                continue;
            }
            match keyword {
                "comment" => in_comment_block = true,
                "alias" => {
                    let location = self.at(number, 1);
                    self.aliases.define(rest, location)?;
                }
                "end" if rest.trim() == "aliases" => self.aliases.clear(),
                "end" if is_end_apply_account(rest) => {
                    let location = self.at(number, 1);
                    self.parents.end(base, location, line)?;
                }
                "apply" => {
                    let location = self.at(number, 1);
                    self.parents.apply(rest, location)?;
                }
                "account" => {
                    self.account(rest, number, keyword.len() + 2)?;
                    open = Open::Directive;
                }
                "P" => self.price(rest, number)?,
                "include" => self.include(rest.trim(), number, resolver.as_deref_mut(), depth)?,
                "decimal-mark" => {
                    self.style = match rest.trim() {
                        "." => NumberStyle::POINT,
                        "," => NumberStyle { decimal_mark: ',' },
                        other => {
                            return Err(Error::Syntax {
                                location: self.at(number, keyword.len() + 2),
                                expected: "`.` or `,` after decimal-mark",
                                found: other.to_owned(),
                            });
                        }
                    };
                }
                "commodity" | "payee" | "tag" => open = Open::Directive,
                other => {
                    return Err(Error::Unsupported {
                        location: self.at(number, 1),
                        what: format!("directive {other:?}"),
                    });
                }
            }
        }
        if let Some(transaction) = pending.take() {
            self.finish(transaction, &missing)?;
        }
        Ok(())
    }
}

/// The tags of a comment: every `name:` (no spaces in the name) with the
/// text after it up to a comma.
pub(crate) fn tags_of(comment: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    each_tag(comment, |name, value| {
        tags.push(Tag {
            name: name.to_owned(),
            value: value.to_owned(),
        });
    });
    tags
}

/// Calls `f` with the name and trimmed value of every tag of a comment, in
/// order, as [`tags_of`] finds them.
pub(crate) fn each_tag<'c>(comment: &'c str, mut f: impl FnMut(&'c str, &'c str)) {
    if !comment.contains(':') {
        return;
    }
    for piece in comment.split(',') {
        let Some((before, value)) = piece.split_once(':') else {
            continue;
        };
        let name = before
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or_default();
        if !name.is_empty() {
            f(name, value.trim());
        }
    }
}

/// The `alias OLD = NEW` directives in force: an account named `OLD`, or
/// `OLD:` and more, is renamed to `NEW` (and the rest), the most recent
/// alias first, each applying to what the previous made of the name (as
/// hledger applies them). `end aliases` ends them all.
#[derive(Debug, Default)]
pub(crate) struct Aliases(Vec<(String, String)>);

impl Aliases {
    /// Reads the text after `alias`.
    pub(crate) fn define(&mut self, text: &str, location: Location) -> Result<()> {
        let text = split_comment(text).0.trim();
        if text.starts_with('/') {
            return Err(Error::Unsupported {
                location,
                what: "a regular-expression alias".to_owned(),
            });
        }
        match text.split_once('=') {
            Some((old, new)) if !old.trim().is_empty() && !new.trim().is_empty() => {
                self.0.push((old.trim().to_owned(), new.trim().to_owned()));
                Ok(())
            }
            _ => Err(Error::Syntax {
                location,
                expected: "alias OLD = NEW",
                found: text.to_owned(),
            }),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `name` with every alias applied.
    pub(crate) fn apply<'n>(&self, name: &'n str) -> std::borrow::Cow<'n, str> {
        let mut name = std::borrow::Cow::Borrowed(name);
        for (old, new) in self.0.iter().rev() {
            let renamed = match name.strip_prefix(old.as_str()) {
                Some(rest) if rest.is_empty() || rest.starts_with(':') => format!("{new}{rest}"),
                _ => continue,
            };
            name = std::borrow::Cow::Owned(renamed);
        }
        name
    }
}

/// What a periodic (`~ monthly`) or automated (`= expenses:food`)
/// transaction's first line is refused as: the tools add postings from
/// them that this crate would not, so they are not skipped either.
pub(crate) fn unsupported_transaction(line: &str) -> Option<String> {
    let kind = match line.as_bytes().first() {
        Some(b'~') => "a periodic transaction",
        Some(b'=') => "an automated transaction",
        _ => return None,
    };
    Some(format!("{kind} ({:?})", line.trim_end()))
}

/// What a `Y` directive expects after it.
pub(crate) const YEAR_EXPECTED: &str =
    "a year of four digits from 1400 after `Y` or `year` (then an optional comment)";

/// The text after the directive's name when the line is a `Y 2026`,
/// `Y2026` or `year 2026` directive.
pub(crate) fn year_directive<'l>(keyword: &str, line: &'l str) -> Option<&'l str> {
    match keyword {
        "Y" => line.get(1..),
        "year" => line.get(4..),
        _ if keyword.starts_with('Y')
            && keyword
                .get(1..2)
                .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())) =>
        {
            line.get(1..)
        }
        _ => None,
    }
}

/// The year a `Y` directive names: four digits from 1400 (what both hledger
/// and ledger-cli accept), then an optional comment.
pub(crate) fn year_of(text: &str) -> Option<i32> {
    let body = split_comment(text).0.trim();
    if body.len() != 4 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    body.parse().ok().filter(|year| *year >= 1400)
}

/// Whether the text after `end` is `apply account`.
pub(crate) fn is_end_apply_account(rest: &str) -> bool {
    let mut words = rest.split_whitespace();
    (words.next(), words.next(), words.next()) == (Some("apply"), Some("account"), None)
}

/// The `apply account NAME` directives in force: account names of
/// postings and `account` directives are read under the prefix they make
/// (`NAME:`, the outer one first), until `end apply account`.
#[derive(Debug, Default)]
pub(crate) struct Parents {
    prefix: String,
    /// The prefix's length before each directive in force, and where it is.
    open: Vec<(usize, Location)>,
}

impl Parents {
    /// How many are in force.
    pub(crate) fn depth(&self) -> usize {
        self.open.len()
    }

    /// Reads the text after `apply`.
    pub(crate) fn apply(&mut self, rest: &str, location: Location) -> Result<()> {
        let (word, name) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
        if word != "account" {
            return Err(Error::Unsupported {
                location,
                what: format!("directive \"apply {word}\""),
            });
        }
        let name = name.trim();
        let (whole, tail) = account_name(name);
        if name.is_empty() || !tail.is_empty() || whole.contains(';') {
            return Err(Error::Syntax {
                location,
                expected: "an account name (single spaces, no comment) after `apply account`",
                found: name.to_owned(),
            });
        }
        self.open.push((self.prefix.len(), location));
        if !self.prefix.is_empty() {
            self.prefix.push(':');
        }
        self.prefix.push_str(name);
        Ok(())
    }

    /// `end apply account`, in a file whose own directives begin above
    /// `base`: the tools disagree on closing an including file's.
    pub(crate) fn end(&mut self, base: usize, location: Location, line: &str) -> Result<()> {
        if self.open.len() <= base {
            return Err(Error::Syntax {
                location,
                expected: "an `apply account` earlier in the same file",
                found: line.to_owned(),
            });
        }
        if let Some((len, _)) = self.open.pop() {
            self.prefix.truncate(len);
        }
        Ok(())
    }

    /// After an included file: one left open there is refused, since
    /// hledger ends it with the file and ledger-cli does not.
    pub(crate) fn close_included(&mut self, depth: usize) -> Result<()> {
        match self.open.get(depth) {
            Some((_, location)) => Err(Error::Unsupported {
                location: location.clone(),
                what: "an `apply account` still open at the end of an included file (hledger and ledger-cli read what follows differently)".to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// An account's full name: under the prefix, with the aliases applied.
    /// An alias that would rename an account under a prefix is refused:
    /// hledger renames the prefixed name, ledger-cli the name as written.
    pub(crate) fn name<'n>(
        &self,
        aliases: &Aliases,
        name: &'n str,
        location: impl FnOnce() -> Location,
    ) -> Result<std::borrow::Cow<'n, str>> {
        if self.prefix.is_empty() {
            return Ok(aliases.apply(name));
        }
        let full = format!("{}:{name}", self.prefix);
        let renamed = |n: &str| matches!(aliases.apply(n), std::borrow::Cow::Owned(_));
        if !aliases.is_empty() && (renamed(&full) || renamed(name)) {
            return Err(Error::Unsupported {
                location: location(),
                what: "an alias renaming an account under `apply account` (hledger and ledger-cli rename it differently)".to_owned(),
            });
        }
        Ok(std::borrow::Cow::Owned(full))
    }

    /// A declared account's full name: under the prefix.
    pub(crate) fn declared(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}:{name}", self.prefix)
        }
    }
}

/// The date of a posting's `date:` tag, if its comment has one; one
/// without a year is in `year`, its transaction's (as hledger reads it).
pub(crate) fn posting_date(
    comment: &str,
    location: &Location,
    year: i32,
) -> Result<Option<NaiveDate>> {
    let mut found = None;
    for line in comment.split('\n') {
        each_tag(line, |name, value| {
            if name == "date" && found.is_none() {
                found = Some(value);
            }
        });
    }
    match found {
        None => Ok(None),
        Some(text) => date_in(text, Some(year))
            .map(Some)
            .map_err(|problem| problem.at(location.clone(), text)),
    }
}

/// Splits `text` at the first `;` into what comes before (trimmed at its
/// end) and the comment after it (trimmed), with the comment's byte offset.
pub(crate) fn split_comment(text: &str) -> (&str, Option<&str>) {
    match text.split_once(';') {
        Some((body, comment)) => (body.trim_end(), Some(comment.trim())),
        None => (text.trim_end(), None),
    }
}

/// Why a date does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateProblem {
    /// Not a date, or a day that does not exist.
    Bad,
    /// A month and day (`01-31`) with no `Y` directive before it.
    NoYear,
}

impl DateProblem {
    pub(crate) fn at(self, location: Location, text: &str) -> Error {
        let text = text.to_owned();
        match self {
            Self::Bad => Error::BadDate { location, text },
            Self::NoYear => Error::NoYear { location, text },
        }
    }
}

/// A date with its year (as [`parse_date`] reads it), or a month and day
/// (`01-31`, `1/31`, `01.31`) in `year`.
pub(crate) fn date_in(text: &str, year: Option<i32>) -> Result<NaiveDate, DateProblem> {
    if let Some(date) = parse_date(text) {
        return Ok(date);
    }
    let separator = text
        .chars()
        .find(|c| !c.is_ascii_digit())
        .ok_or(DateProblem::Bad)?;
    if !matches!(separator, '-' | '/' | '.') {
        return Err(DateProblem::Bad);
    }
    let mut parts = text.split(separator);
    let (Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(DateProblem::Bad);
    };
    // One or two digits each: `2026-01` is a bad date, not a month and day.
    let number = |part: &str| {
        (matches!(part.len(), 1 | 2) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
            .ok_or(DateProblem::Bad)
    };
    let (month, day) = (number(month)?, number(day)?);
    let year = year.ok_or(DateProblem::NoYear)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::Bad)
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    // `YYYY-MM-DD` (or with `/` or `.`), what nearly every journal writes,
    // read without splitting; anything else takes the general path.
    if let [y1, y2, y3, y4, s1, m1, m2, s2, d1, d2] = *text.as_bytes()
        && s1 == s2
        && matches!(s1, b'-' | b'/' | b'.')
        && [y1, y2, y3, y4, m1, m2, d1, d2]
            .iter()
            .all(u8::is_ascii_digit)
    {
        let digit = |b: u8| u32::from(b - b'0');
        let year = digit(y1) * 1000 + digit(y2) * 100 + digit(y3) * 10 + digit(y4);
        return NaiveDate::from_ymd_opt(
            i32::try_from(year).ok()?,
            digit(m1) * 10 + digit(m2),
            digit(d1) * 10 + digit(d2),
        );
    }
    let separator = text.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(separator, '-' | '/' | '.') {
        return None;
    }
    let mut parts = text.split(separator);
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The column (from 1, in characters) of the byte offset `at` in `line`.
pub(crate) fn column_of(line: &str, at: usize) -> usize {
    line.get(..at)
        .map_or(1, |before| before.chars().count() + 1)
}

/// The byte offset of `part` within `whole`, when `part` is a slice of it.
pub(crate) fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(whole.as_ptr() as usize)
        .filter(|offset| *offset <= whole.len())
        .unwrap_or(0)
}

/// An account name: not empty, single spaces only, no tab, no `;`.
pub(crate) fn account_name(text: &str) -> (&str, &str) {
    // One pass for the first tab or double space (both ASCII, so the split
    // falls on a character boundary).
    let bytes = text.as_bytes();
    let end = bytes
        .iter()
        .enumerate()
        .position(|(at, b)| *b == b'\t' || (*b == b' ' && bytes.get(at + 1) == Some(&b' ')))
        .unwrap_or(text.len());
    text.split_at(end)
}

impl Reader {
    fn at(&self, line: usize, column: usize) -> Location {
        Location::new(Arc::clone(&self.file), line, column)
    }

    fn header(&self, line: &str, number: usize) -> Result<Transaction> {
        let date_end = line
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(line.len());
        let (date_text, mut rest) = line.split_at(date_end);
        let date = date_in(date_text, self.year)
            .map_err(|problem| problem.at(self.at(number, 1), date_text))?;
        let mut date2 = None;
        if let Some(after) = rest.strip_prefix('=') {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            let (text, tail) = after.split_at(end);
            // Without a year, the transaction's (as hledger reads it).
            date2 = Some(date_in(text, Some(date.year())).map_err(|problem| {
                problem.at(
                    self.at(number, column_of(line, offset_in(line, text))),
                    text,
                )
            })?);
            rest = tail;
        }
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return Err(Error::Syntax {
                location: self.at(number, column_of(line, offset_in(line, rest))),
                expected: "a space after the date",
                found: rest.to_owned(),
            });
        }
        let (body, comment) = split_comment(rest);
        let mut body = body.trim_start();
        let mut status = None;
        if let Some(mark) = body.chars().next().filter(|c| matches!(c, '*' | '!')) {
            status = Some(mark);
            body = body.get(1..).unwrap_or("").trim_start();
        }
        let mut code = None;
        if let Some(after) = body.strip_prefix('(') {
            let close = after.find(')').ok_or_else(|| Error::Syntax {
                location: self.at(number, column_of(line, offset_in(line, body))),
                expected: "a `)` closing the transaction code",
                found: body.to_owned(),
            })?;
            code = after.get(..close).map(str::to_owned);
            body = after.get(close + 1..).unwrap_or("").trim_start();
        }
        let comment = comment.unwrap_or("").to_owned();
        Ok(Transaction {
            date,
            date2,
            status,
            code,
            description: body.trim().to_owned(),
            tags: tags_of(&comment),
            comment,
            postings: Vec::new(),
            location: self.at(number, 1),
        })
    }

    fn indented_line(
        &self,
        transaction: &mut Transaction,
        missing: &mut Vec<Option<usize>>,
        body: &str,
        number: usize,
        column: usize,
    ) -> Result<()> {
        if let Some(comment) = body.strip_prefix([';', '#']) {
            let comment = comment.trim();
            let (target, tags) = match transaction.postings.last_mut() {
                Some(posting) => (&mut posting.comment, &mut posting.tags),
                None => (&mut transaction.comment, &mut transaction.tags),
            };
            if !target.is_empty() {
                target.push('\n');
            }
            target.push_str(comment);
            tags.extend(tags_of(comment));
            return Ok(());
        }
        let mut text = body;
        if let Some(after) = text.strip_prefix(['*', '!']) {
            text = after.trim_start();
        }
        let start = column + body.chars().count() - text.chars().count();
        if text.starts_with(['(', '[']) {
            return Err(Error::Unsupported {
                location: self.at(number, start),
                what: "a virtual posting (account in parentheses or brackets)".to_owned(),
            });
        }
        let (name, rest) = account_name(text);
        let name = name.trim_end();
        if name.is_empty() || name.contains(';') {
            return Err(Error::Syntax {
                location: self.at(number, start),
                expected: "an account name, then two spaces or a tab before the amount",
                found: text.to_owned(),
            });
        }
        let rest_column = start + text.chars().count() - rest.chars().count();
        let (amounts, comment) = split_comment(rest);
        let comment = comment.unwrap_or("").to_owned();
        let location_of = |part: &str| {
            self.at(
                number,
                rest_column
                    + rest
                        .get(..offset_in(rest, part))
                        .map_or(0, |s| s.chars().count()),
            )
        };
        let (amount_text, assertion_text, exclusive) = match amounts.split_once('=') {
            Some((amount, assertion)) => match assertion.strip_prefix('=') {
                Some(exclusive) => (amount, Some(exclusive), true),
                None => (amount, Some(assertion), false),
            },
            None => (amounts, None, false),
        };
        let (amount_text, cost_text, total) = match amount_text.split_once('@') {
            Some((amount, cost)) => match cost.strip_prefix('@') {
                Some(total) => (amount, Some(total), true),
                None => (amount, Some(cost), false),
            },
            None => (amount_text, None, false),
        };
        let amount_of = |part: &str| {
            parse_amount(part, self.style).map_err(|reason| Error::BadAmount {
                location: location_of(part.trim_start()),
                text: part.trim().to_owned(),
                reason,
            })
        };
        let amount = if amount_text.trim().is_empty() {
            if cost_text.is_some() {
                return Err(Error::Syntax {
                    location: location_of(amount_text),
                    expected: "an amount before its cost",
                    found: amounts.to_owned(),
                });
            }
            None
        } else {
            Some(amount_of(amount_text)?)
        };
        let cost = match cost_text {
            Some(text) => {
                let price = amount_of(text)?;
                Some(if total {
                    Cost::Total(price)
                } else {
                    Cost::Unit(price)
                })
            }
            None => None,
        };
        let assertion = match assertion_text {
            Some(text) => {
                let (text, inclusive) = match text.strip_prefix('*') {
                    Some(rest) => (rest, true),
                    None => (text, false),
                };
                Some(Assertion {
                    amount: amount_of(text)?,
                    exclusive,
                    inclusive,
                })
            }
            None => None,
        };
        let location = self.at(number, start);
        if amount.is_none() {
            if let Some(Some(first)) = missing.iter().find(|m| m.is_some()) {
                return Err(Error::TwoMissingAmounts {
                    location,
                    first_line: *first,
                });
            }
            missing.push(Some(number));
        } else {
            missing.push(None);
        }
        let account = self
            .parents
            .name(&self.aliases, name, || location.clone())?
            .into_owned();
        transaction.postings.push(JournalPosting {
            date: None,
            account,
            amount: amount.unwrap_or_default(),
            inferred: false,
            cost,
            assertion,
            tags: tags_of(&comment),
            comment,
            location,
        });
        Ok(())
    }

    /// Infers the missing amount, checks the balance and the assertions.
    fn finish(&mut self, mut transaction: Transaction, missing: &[Option<usize>]) -> Result<()> {
        for posting in &mut transaction.postings {
            posting.date =
                posting_date(&posting.comment, &posting.location, transaction.date.year())?;
        }
        let mut sums: Vec<(Commodity, Decimal)> = Vec::new();
        let overflow = |location: &Location, amount: &Amount| Error::BadAmount {
            location: location.clone(),
            text: amount.to_string(),
            reason: "the transaction's sum overflows the range of a decimal",
        };
        let mut costed = false;
        for (posting, is_missing) in transaction.postings.iter().zip(missing) {
            if is_missing.is_some() {
                continue;
            }
            let weight = match &posting.cost {
                None => posting.amount.clone(),
                Some(Cost::Unit(price)) => {
                    costed = true;
                    Amount::new(
                        posting
                            .amount
                            .quantity
                            .checked_mul(price.quantity)
                            .ok_or_else(|| overflow(&posting.location, price))?,
                        price.commodity.clone(),
                    )
                }
                Some(Cost::Total(price)) => {
                    costed = true;
                    let mut total = price.quantity.abs();
                    total.set_sign_negative(posting.amount.quantity.is_sign_negative());
                    Amount::new(total, price.commodity.clone())
                }
            };
            match sums.iter_mut().find(|(c, _)| *c == weight.commodity) {
                Some((_, sum)) => {
                    *sum = sum
                        .checked_add(weight.quantity)
                        .ok_or_else(|| overflow(&posting.location, &weight))?;
                }
                None => sums.push((weight.commodity, weight.quantity)),
            }
        }
        let differences: Vec<Amount> = sums
            .iter()
            .filter(|(_, sum)| !sum.is_zero())
            .map(|(commodity, sum)| Amount::new(*sum, commodity.clone()))
            .collect();
        if let Some(at) = missing.iter().position(Option::is_some) {
            let mut inferred = Vec::new();
            if let Some(template) = transaction.postings.get(at) {
                let amounts = if differences.is_empty() {
                    vec![Amount::default()]
                } else {
                    differences
                };
                let count = amounts.len();
                for (n, amount) in amounts.into_iter().enumerate() {
                    let mut posting = template.clone();
                    posting.amount = Amount::new(-amount.quantity, amount.commodity);
                    posting.inferred = true;
                    if n + 1 != count {
                        posting.assertion = None;
                    }
                    inferred.push(posting);
                }
            }
            transaction.postings.splice(at..=at, inferred);
        } else if !differences.is_empty() {
            // Two commodities and no cost: the tools take the conversion
            // rate to be whatever balances the transaction.
            let implied = !costed
                && sums.len() == 2
                && matches!(differences.as_slice(), [a, b] if a.quantity.is_sign_negative() != b.quantity.is_sign_negative());
            if !implied {
                return Err(Error::Unbalanced {
                    location: transaction.location,
                    differences,
                });
            }
        }
        self.journal.transactions.push(transaction);
        Ok(())
    }

    /// Every balance assertion, postings taken in date order (file order
    /// within a day).
    fn check_assertions(&mut self) -> Result<()> {
        let transactions = core::mem::take(&mut self.journal.transactions);
        // Postings by day (their own date, else their transaction's), then
        // in file order.
        let mut order: Vec<(NaiveDate, usize, usize)> = Vec::new();
        for (t, transaction) in transactions.iter().enumerate() {
            for (p, posting) in transaction.postings.iter().enumerate() {
                order.push((posting.date.unwrap_or(transaction.date), t, p));
            }
        }
        order.sort_unstable();
        let checked = order
            .iter()
            .filter_map(|(_, t, p)| transactions.get(*t)?.postings.get(*p))
            .try_for_each(|posting| self.check_assertion(posting));
        self.journal.transactions = transactions;
        checked
    }

    fn check_assertion(&mut self, posting: &JournalPosting) -> Result<()> {
        if !self.balances.contains_key(posting.account.as_str()) {
            self.balances.insert(posting.account.clone(), Vec::new());
        }
        let Some(sums) = self.balances.get_mut(posting.account.as_str()) else {
            return Ok(());
        };
        let commodity = &posting.amount.commodity;
        let at = match sums.iter().position(|(c, _)| c == commodity) {
            Some(at) => at,
            None => {
                sums.push((commodity.clone(), Decimal::ZERO));
                sums.len() - 1
            }
        };
        if let Some((_, sum)) = sums.get_mut(at) {
            *sum = sum
                .checked_add(posting.amount.quantity)
                .ok_or_else(|| Error::BadAmount {
                    location: posting.location.clone(),
                    text: posting.amount.to_string(),
                    reason: "the account's balance overflows the range of a decimal",
                })?;
        }
        let Some(assertion) = &posting.assertion else {
            return Ok(());
        };
        let subtree;
        let sums = if assertion.inclusive {
            let mut totals: Vec<(Commodity, Decimal)> = Vec::new();
            let prefix = format!("{}:", posting.account);
            let accounts = self
                .balances
                .iter()
                .filter(|(name, _)| **name == posting.account || name.starts_with(&prefix));
            for (commodity, sum) in accounts.flat_map(|(_, sums)| sums) {
                let total = match totals.iter_mut().find(|(c, _)| c == commodity) {
                    Some((_, total)) => total,
                    None => {
                        totals.push((commodity.clone(), Decimal::ZERO));
                        match totals.last_mut() {
                            Some((_, total)) => total,
                            None => continue,
                        }
                    }
                };
                *total = total.checked_add(*sum).ok_or_else(|| Error::BadAmount {
                    location: posting.location.clone(),
                    text: posting.amount.to_string(),
                    reason: "the account's balance overflows the range of a decimal",
                })?;
            }
            totals.sort_by(|a, b| a.0.cmp(&b.0));
            subtree = totals;
            &subtree
        } else {
            match self.balances.get(posting.account.as_str()) {
                Some(sums) => sums,
                None => return Ok(()),
            }
        };
        let expected = &assertion.amount;
        let actual = sums
            .iter()
            .find(|(c, _)| *c == expected.commodity)
            .map_or(Decimal::ZERO, |(_, sum)| *sum);
        let failed = |actual: Amount| Error::AssertionFailed {
            location: posting.location.clone(),
            account: posting.account.clone(),
            expected: expected.clone(),
            actual,
        };
        if actual != expected.quantity {
            return Err(failed(Amount::new(actual, expected.commodity.clone())));
        }
        if assertion.exclusive
            && let Some((commodity, sum)) = sums
                .iter()
                .find(|(c, sum)| *c != expected.commodity && !sum.is_zero())
        {
            return Err(failed(Amount::new(*sum, commodity.clone())));
        }
        Ok(())
    }

    fn account(&mut self, rest: &str, number: usize, column: usize) -> Result<()> {
        let text = rest.trim_start();
        let column = column + rest.chars().count() - text.chars().count();
        let (body, comment) = split_comment(text);
        let (name, tail) = account_name(body);
        let name = name.trim_end();
        if name.is_empty() || !tail.trim().is_empty() {
            return Err(Error::Syntax {
                location: self.at(number, column),
                expected: "an account name, then an optional `; type: A` comment",
                found: text.to_owned(),
            });
        }
        self.journal.accounts.push(AccountDeclaration {
            name: self.parents.declared(name),
            tags: comment.map(tags_of).unwrap_or_default(),
            location: self.at(number, 1),
        });
        Ok(())
    }

    fn price(&mut self, rest: &str, number: usize) -> Result<()> {
        let (body, _) = split_comment(rest);
        let mut words = body.split_whitespace();
        let location = self.at(number, 1);
        let (Some(date_text), Some(symbol)) = (words.next(), words.next()) else {
            return Err(Error::Syntax {
                location,
                expected: "P DATE COMMODITY PRICE",
                found: rest.to_owned(),
            });
        };
        let date = date_in(date_text, self.year)
            .map_err(|problem| problem.at(location.clone(), date_text))?;
        let price_text = words.collect::<Vec<_>>().join(" ");
        let price = parse_amount(&price_text, self.style).map_err(|reason| Error::BadAmount {
            location: location.clone(),
            text: price_text.clone(),
            reason,
        })?;
        self.journal.prices.push(MarketPrice {
            date,
            commodity: Commodity::new(symbol.trim_matches('"')),
            price,
            location,
        });
        Ok(())
    }
}
