//! A journal read straight into a bureau ledger: every transaction parsed
//! once into a compact record (interned account and commodity numbers, its
//! description and comments copied into the text of its day), then its
//! assertions checked and its entries posted in date order.
//!
//! Why records at all rather than posting each transaction as it is read:
//! the chart opens every account on the journal's earliest date, a custom
//! commodity's precision is the most decimal places the whole journal
//! writes it with, and balance assertions hold in date order (file order
//! within a day), so nothing can be posted before the last line is read.
//!
//! Why by day: the records are kept in one bucket per date, each with the
//! text it needs, so that the journal's own text need not stay (a
//! [`Loader`] is fed it piece by piece), posting walks each bucket in
//! order, and each bucket is given back once its day is posted: the
//! records shrink while the ledger grows, instead of both being held at
//! the end. A record is 44 bytes a posting and 44 a transaction, with no
//! heap block of its own.

use core::fmt;
use core::hash::{BuildHasher as _, BuildHasherDefault, Hasher};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bureau_core::{Currency, Money};
use bureau_ledger::{
    EntryDescription, EntryId, JournalEntry, Ledger, Memo, MetadataKey, MetadataValue, Posting,
    Side,
};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::amount::{NumberStyle, parse_amount, parse_amount_parts};
use crate::book::{CONVERSION_ACCOUNT, Chart, Derived, Names, currency_of};
use crate::reader::{
    Aliases, MAX_INCLUDE_DEPTH, Parents, YEAR_EXPECTED, account_name, date_in, each_tag,
    is_end_apply_account, offset_in, split_comment, tags_of, unsupported_transaction,
    year_directive, year_of,
};
use crate::{AccountDeclaration, Amount, Book, Commodity, Error, Location, Resolver, Result};

/// Each commodity's currency by commodity number, and by commodity.
type Currencies = (Vec<Option<Currency>>, BTreeMap<Commodity, Currency>);

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A place in the journal: file, line, column.
type Place = (u32, u32, u32);

/// No assertion on a posting; no day taken out.
const NONE: u32 = u32::MAX;

/// Bytes `start..start + len` of a day's text.
#[derive(Clone, Copy, Debug)]
struct Piece {
    start: u32,
    len: u32,
}

impl Piece {
    const EMPTY: Self = Self { start: 0, len: 0 };
}

/// A range of a pool (`comments`, `posts`).
#[derive(Clone, Copy, Debug, Default)]
struct Range {
    start: u32,
    len: u32,
}

impl Range {
    fn indices(self) -> core::ops::Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }
}

#[derive(Clone, Copy, Debug)]
struct Tx {
    /// Its place among all the journal's transactions, in file order.
    seq: u32,
    file: u32,
    line: u32,
    description: Piece,
    code: Piece,
    comments: Range,
    postings: Range,
}

#[derive(Clone, Copy, Debug)]
struct Post {
    quantity: Decimal,
    account: u32,
    commodity: u32,
    line: u32,
    column: u32,
    comments: Range,
    assertion: u32,
}

#[derive(Clone, Copy, Debug)]
struct AssertionRecord {
    quantity: Decimal,
    commodity: u32,
    exclusive: bool,
    inclusive: bool,
}

/// What only reading a transaction needs of each posting.
#[derive(Clone, Copy, Debug)]
struct Scratch {
    missing: bool,
    cost: Option<(bool, Decimal, u32)>,
}

/// Names numbered in order of first appearance, kept one after the other
/// in one string: every posting looks its account and commodity up, and
/// the bytes compared then stay together in the cache, where a block per
/// name would be scattered over a heap that grows with the records.
#[derive(Debug)]
struct Interner {
    text: String,
    /// Where each name ends in `text`, by number.
    ends: Vec<usize>,
    /// The last number given to a name of each hash; `same` chains each
    /// number to the one before it with that hash.
    last: HashMap<u64, u32, BuildHasherDefault<Hashed>>,
    same: Vec<u32>,
    hasher: foldhash::fast::FixedState,
    /// The number given last (`NONE` when not remembered).
    recent: u32,
    remembers: bool,
}

/// A hasher for keys that are hashes already.
#[derive(Debug, Default)]
struct Hashed(u64);

impl Hasher for Hashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

impl Interner {
    /// The number of the empty name (a bare number's commodity), in an
    /// interner made by [`Interner::commodities`].
    const BARE: u32 = 0;

    fn new() -> Self {
        Self {
            text: String::new(),
            ends: Vec::new(),
            last: HashMap::default(),
            same: Vec::new(),
            hasher: foldhash::fast::FixedState::default(),
            recent: NONE,
            remembers: false,
        }
    }

    fn remember(&mut self, number: u32) {
        if self.remembers {
            self.recent = number;
        }
    }

    /// An interner of commodities, the empty one (a bare number's) first.
    fn commodities() -> Self {
        let mut commodities = Self::new();
        commodities.remembers = true;
        commodities.number("");
        commodities
    }

    fn number(&mut self, name: &str) -> (u32, bool) {
        // Postings of a transaction mostly name one commodity (accounts
        // follow no such pattern: `recent` stays `NONE` for them).
        if self.recent != NONE && self.name(self.recent) == name {
            return (self.recent, false);
        }
        let hash = self.hasher.hash_one(name);
        let mut at = self.last.get(&hash).copied().unwrap_or(NONE);
        while at != NONE {
            if self.name(at) == name {
                self.remember(at);
                return (at, false);
            }
            at = self.same.get(at as usize).copied().unwrap_or(NONE);
        }
        let number = to_u32(self.ends.len());
        self.remember(number);
        let before = self.last.insert(hash, number);
        self.same.push(before.unwrap_or(NONE));
        self.text.push_str(name);
        self.ends.push(self.text.len());
        (number, true)
    }

    fn name(&self, number: u32) -> &str {
        let at = number as usize;
        let start = match at.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(at).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Every transaction of one date, in file order, with the text of their
/// descriptions, codes and comments.
#[derive(Debug, Default)]
struct Day {
    date: NaiveDate,
    txs: Vec<Tx>,
    posts: Vec<Post>,
    comments: Vec<Piece>,
    text: String,
    /// The posts with a `date:` tag of their own, by position, in order.
    post_dates: Vec<(u32, NaiveDate)>,
}

impl Day {
    fn text_of(&self, piece: Piece) -> &str {
        let start = piece.start as usize;
        self.text
            .get(start..start + piece.len as usize)
            .unwrap_or("")
    }

    /// The comment of `range`, its lines joined by line breaks.
    fn comment(&self, range: Range) -> String {
        let mut comment = String::new();
        for piece in self.comments.get(range.indices()).unwrap_or_default() {
            if !comment.is_empty() {
                comment.push('\n');
            }
            comment.push_str(self.text_of(*piece));
        }
        comment
    }
}

/// What the indented lines that follow belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Nothing,
    Transaction,
    Directive,
}

/// Where reading one file is.
#[derive(Debug)]
struct Cursor {
    file: u32,
    /// Lines read so far.
    line: usize,
    /// Bytes read so far.
    bytes: usize,
    open: Open,
    in_comment_block: bool,
    /// A transaction is being read (the last of `State::today`).
    pending: bool,
    /// How many `apply account` directives were in force where the file
    /// began: its `end apply account` closes only its own.
    base: usize,
}

impl Cursor {
    const fn new(file: u32, base: usize) -> Self {
        Self {
            file,
            line: 0,
            bytes: 0,
            open: Open::Nothing,
            in_comment_block: false,
            pending: false,
            base,
        }
    }
}

struct State {
    files: Vec<Arc<str>>,
    style: NumberStyle,
    accounts: Interner,
    /// Where each account is first used: file, line, column.
    first_use: Vec<Place>,
    commodities: Interner,
    /// By commodity: the most decimal places of its non-zero amounts, and
    /// where the first of them is (file, line, column).
    places: Vec<Option<(u32, Place)>>,
    declarations: Vec<AccountDeclaration>,
    days: Vec<Day>,
    day_of: Map<NaiveDate, u32>,
    /// The day of the transaction being read, out of `days` (whose slot
    /// `today_at` is left empty meanwhile), or `NONE`.
    today: Day,
    today_at: u32,
    transactions: u32,
    assertions: Vec<AssertionRecord>,
    aliases: Aliases,
    parents: Parents,
    /// The year of the last `Y` directive, for dates written without one.
    year: Option<i32>,
    /// Whether any posting has a `date:` tag.
    dated: bool,
    scratch: Vec<Scratch>,
    sums: Vec<(u32, Decimal)>,
}

/// A journal read into a new ledger piece by piece, as its text arrives
/// (lines may be split across pieces), so that the text need not be held
/// whole: what [`load`] does, with the same checks, errors and balances.
///
/// The reading does no I/O: the caller reads the file (and the resolver
/// given to [`with_resolver`](Self::with_resolver) the files that
/// `include` directives name). After an error, [`read`](Self::read) and
/// [`finish`](Self::finish) return that error again.
///
/// ```
/// let mut loader = bureau_journal::Loader::new("books.journal");
/// for piece in ["2026-01-05 * opening\n    Assets:Bank  $1,0", "00.00\n    Equity:Opening\n"] {
///     loader.read(piece)?;
/// }
/// let book = loader.finish()?;
/// assert_eq!(book.balances()?[0].to_string(), "Assets:Bank  1000.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Reading a file line by line with the standard library:
///
/// ```no_run
/// use std::io::BufRead;
///
/// let path = "books.journal";
/// let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
/// let mut loader = bureau_journal::Loader::new(path);
/// let mut line = String::new();
/// while file.read_line(&mut line)? > 0 {
///     loader.read(&line)?;
///     line.clear();
/// }
/// let book = loader.finish()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Loader<'r> {
    state: State,
    main: Cursor,
    /// The end of the last piece, when it did not end a line.
    partial: String,
    resolver: Option<&'r mut dyn Resolver>,
    failed: Option<Error>,
}

impl fmt::Debug for Loader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loader")
            .field("file", &self.state.files.first())
            .field("lines", &self.main.line)
            .field("transactions", &self.state.transactions)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl Loader<'static> {
    /// A loader of the journal named `file` in errors, without includes
    /// (an `include` directive is refused, as by [`load`]).
    pub fn new(file: &str) -> Self {
        Self::start(file, None)
    }
}

impl<'r> Loader<'r> {
    /// A loader whose `include` directives are read through `resolver`, as
    /// [`load_with`] reads them.
    pub fn with_resolver(file: &str, resolver: &'r mut dyn Resolver) -> Self {
        Self::start(file, Some(resolver))
    }

    fn start(file: &str, resolver: Option<&'r mut dyn Resolver>) -> Self {
        Self {
            state: State::new(file),
            main: Cursor::new(0, 0),
            partial: String::new(),
            resolver,
            failed: None,
        }
    }

    /// Reads the next piece of the journal's text: any number of lines,
    /// the last one possibly unfinished (the next piece goes on with it).
    ///
    /// # Errors
    ///
    /// Those of [`load`] for the lines completed so far (a transaction is
    /// checked once the line after it arrives, or at
    /// [`finish`](Self::finish)).
    pub fn read(&mut self, text: &str) -> Result<()> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let read = self.read_lines(text);
        if let Err(error) = &read {
            self.failed = Some(error.clone());
        }
        read
    }

    fn read_lines(&mut self, text: &str) -> Result<()> {
        self.main.bytes = self.main.bytes.saturating_add(text.len());
        if u32::try_from(self.main.bytes).is_err() {
            return Err(Error::Unsupported {
                location: self.state.at(0, 1, 1),
                what: "a file of 4 GiB or more".to_owned(),
            });
        }
        let mut rest = text;
        if !self.partial.is_empty() {
            let Some(end) = rest.find('\n') else {
                self.partial.push_str(rest);
                return Ok(());
            };
            let (head, tail) = rest.split_at(end + 1);
            let mut line = core::mem::take(&mut self.partial);
            line.push_str(head);
            let read = self
                .state
                .line(&mut self.main, &line, self.resolver.as_deref_mut(), 0);
            line.clear();
            self.partial = line;
            read?;
            rest = tail;
        }
        for raw in rest.split_inclusive('\n') {
            if raw.ends_with('\n') {
                self.state
                    .line(&mut self.main, raw, self.resolver.as_deref_mut(), 0)?;
            } else {
                self.partial.push_str(raw);
            }
        }
        Ok(())
    }

    /// Reads the unfinished last line, checks the balance assertions and
    /// posts every transaction: the [`Book`] that [`load`] gives for the
    /// whole text.
    ///
    /// # Errors
    ///
    /// Those of [`load`].
    pub fn finish(mut self) -> Result<Book> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        if !self.partial.is_empty() {
            let line = core::mem::take(&mut self.partial);
            self.state
                .line(&mut self.main, &line, self.resolver.as_deref_mut(), 0)?;
        }
        self.state.end_of_file(&mut self.main)?;
        self.state.finish_loading()
    }
}

/// Reads a journal and posts it into a new ledger in one go: what
/// [`post`](crate::post)`(&`[`read`](crate::read)`(file, text)?)` gives, the
/// same balances, without building the [`Journal`](crate::Journal) (the
/// fast way to balance a large journal; the transactions are not kept).
/// A [`Loader`] does the same with text given piece by piece.
///
/// Every check of [`read`](crate::read) is made, in the same order, and its
/// errors are the same; then every transaction is posted as
/// [`post`](crate::post) posts it, but in date order (file order within a
/// day), so the entry ids `1, 2, ...` count in that order and
/// [`CONVERSION_ACCOUNT`](crate::CONVERSION_ACCOUNT) is opened after every
/// account the journal names.
///
/// # Errors
///
/// Those of [`read`](crate::read) and [`post`](crate::post), and
/// [`Error::Unsupported`] for a file of 4 GiB or more.
///
/// ```
/// let book = bureau_journal::load("books.journal", "\
/// 2026-01-20 rent
///     Expenses:Rent        $250.00
///     Assets:Bank          = $750.00
///
/// 2026-01-05 * opening
///     Assets:Bank          $1,000.00
///     Equity:Opening
/// ")?;
/// let lines: Vec<String> = book.balances()?.iter().map(ToString::to_string).collect();
/// assert_eq!(lines, [
///     "Assets:Bank  750.00 USD",
///     "Equity:Opening  -1000.00 USD",
///     "Expenses:Rent  250.00 USD",
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load(file: &str, text: &str) -> Result<Book> {
    let mut loader = Loader::new(file);
    loader.read(text)?;
    loader.finish()
}

/// [`load`] with the files that `include` directives name read through
/// `resolver`, as [`read_with`](crate::read_with) reads them.
///
/// # Errors
///
/// Those of [`load`] and [`read_with`](crate::read_with).
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
/// let book = bureau_journal::load_with("main.journal", "include 2025.journal\n", &mut files)?;
/// assert_eq!(book.balances()?[0].to_string(), "Assets:Bank  100.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_with(file: &str, text: &str, resolver: &mut dyn Resolver) -> Result<Book> {
    let mut loader = Loader::with_resolver(file, resolver);
    loader.read(text)?;
    loader.finish()
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(NONE)
}

/// `text` split at the mark found at byte `offset` (a doubled mark taken
/// whole): what comes before, what follows, and whether it was doubled.
fn split_at_mark(text: &str, offset: Option<usize>, mark: char) -> (&str, Option<&str>, bool) {
    match offset {
        Some(offset) if offset < text.len() => {
            let before = text.get(..offset).unwrap_or("");
            let after = text.get(offset + 1..).unwrap_or("");
            match after.strip_prefix(mark) {
                Some(doubled) => (before, Some(doubled), true),
                None => (before, Some(after), false),
            }
        }
        _ => (text, None, false),
    }
}

/// The column (from 1, in characters) of byte `at` of `line`.
fn column_at(line: &str, at: usize) -> usize {
    match line.get(..at) {
        Some(before) if before.is_ascii() => at + 1,
        Some(before) => before.chars().count() + 1,
        None => 1,
    }
}

impl State {
    fn new(file: &str) -> Self {
        Self {
            files: vec![Arc::from(file)],
            style: NumberStyle::POINT,
            accounts: Interner::new(),
            first_use: Vec::new(),
            commodities: Interner::commodities(),
            places: Vec::new(),
            declarations: Vec::new(),
            days: Vec::new(),
            day_of: Map::default(),
            today: Day::default(),
            today_at: NONE,
            transactions: 0,
            assertions: Vec::new(),
            aliases: Aliases::default(),
            parents: Parents::default(),
            year: None,
            dated: false,
            scratch: Vec::new(),
            sums: Vec::new(),
        }
    }

    fn at(&self, file: u32, line: usize, column: usize) -> Location {
        let name = self
            .files
            .get(file as usize)
            .map_or_else(|| Arc::from(""), Arc::clone);
        Location::new(name, line, column)
    }

    fn amount(&self, quantity: Decimal, commodity: u32) -> Amount {
        Amount::new(quantity, Commodity::new(self.commodities.name(commodity)))
    }

    /// Makes the day of `date` the one transactions are read into.
    fn enter_day(&mut self, date: NaiveDate) {
        if self.today_at != NONE && self.today.date == date {
            return;
        }
        self.leave_day();
        let at = match self.day_of.get(&date) {
            Some(at) => *at,
            None => {
                let at = to_u32(self.days.len());
                self.days.push(Day {
                    date,
                    ..Day::default()
                });
                self.day_of.insert(date, at);
                at
            }
        };
        if let Some(slot) = self.days.get_mut(at as usize) {
            self.today = core::mem::take(slot);
            self.today_at = at;
        }
    }

    /// Puts the day being read back among the others.
    fn leave_day(&mut self) {
        if let Some(slot) = self.days.get_mut(self.today_at as usize) {
            *slot = core::mem::take(&mut self.today);
        }
        self.today_at = NONE;
    }

    /// Copies `part` into the text of the day being read.
    fn keep(&mut self, file: u32, number: usize, part: &str) -> Result<Piece> {
        let start = self.today.text.len();
        match (u32::try_from(start), u32::try_from(start + part.len())) {
            (Ok(begin), Ok(_)) => {
                self.today.text.push_str(part);
                Ok(Piece {
                    start: begin,
                    len: to_u32(part.len()),
                })
            }
            _ => Err(Error::Unsupported {
                location: self.at(file, number, 1),
                what: "4 GiB or more of descriptions and comments on one day".to_owned(),
            }),
        }
    }

    /// Reads the text of an included file, whole.
    fn read_text<'r>(
        &mut self,
        file: u32,
        text: &str,
        mut resolver: Option<&mut (dyn Resolver + 'r)>,
        depth: usize,
    ) -> Result<()> {
        if u32::try_from(text.len()).is_err() {
            return Err(Error::Unsupported {
                location: self.at(file, 1, 1),
                what: "a file of 4 GiB or more".to_owned(),
            });
        }
        let mut cursor = Cursor::new(file, self.parents.depth());
        for raw in text.split_inclusive('\n') {
            self.line(&mut cursor, raw, resolver.as_deref_mut(), depth)?;
        }
        self.end_of_file(&mut cursor)
    }

    /// The end of a file: its last transaction is complete.
    fn end_of_file(&mut self, cursor: &mut Cursor) -> Result<()> {
        if cursor.pending {
            cursor.pending = false;
            self.finish()?;
        }
        Ok(())
    }

    /// Reads one line, with or without its line break.
    fn line<'r>(
        &mut self,
        cursor: &mut Cursor,
        raw: &str,
        resolver: Option<&mut (dyn Resolver + 'r)>,
        depth: usize,
    ) -> Result<()> {
        cursor.line += 1;
        let (file, number) = (cursor.file, cursor.line);
        let mut line = raw;
        if let Some(stripped) = line.strip_suffix('\n') {
            line = stripped.strip_suffix('\r').unwrap_or(stripped);
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        if cursor.in_comment_block {
            if line.trim_end() == "end comment" {
                cursor.in_comment_block = false;
            }
            return Ok(());
        }
        if line.starts_with([' ', '\t']) {
            let body = line.trim_start();
            if body.is_empty() {
                return Ok(());
            }
            match cursor.open {
                Open::Transaction => {
                    if cursor.pending {
                        self.indented_line(file, line, body, number)?;
                    }
                }
                Open::Directive => {}
                Open::Nothing => {
                    if !body.starts_with([';', '#']) {
                        return Err(Error::Syntax {
                            location: self.at(file, number, column_at(line, offset_in(line, body))),
                            expected: "a transaction or directive before an indented line",
                            found: body.to_owned(),
                        });
                    }
                }
            }
            return Ok(());
        }
        if cursor.pending {
            cursor.pending = false;
            self.finish()?;
        }
        cursor.open = Open::Nothing;
        if line.trim().is_empty() || line.starts_with([';', '#', '*', '%', '|']) {
            return Ok(());
        }
        if line.starts_with(|c: char| c.is_ascii_digit()) {
            self.header(file, line, number)?;
            cursor.pending = true;
            cursor.open = Open::Transaction;
            return Ok(());
        }
        self.directive(cursor, line, resolver, depth)
    }

    fn directive<'r>(
        &mut self,
        cursor: &mut Cursor,
        line: &str,
        resolver: Option<&mut (dyn Resolver + 'r)>,
        depth: usize,
    ) -> Result<()> {
        let (file, number) = (cursor.file, cursor.line);
        if let Some(what) = unsupported_transaction(line) {
            return Err(Error::Unsupported {
                location: self.at(file, number, 1),
                what,
            });
        }
        let (keyword, rest) = line.split_once([' ', '\t']).unwrap_or((line, ""));
        if let Some(text) = year_directive(keyword, line) {
            self.year = Some(year_of(text).ok_or_else(|| Error::Syntax {
                location: self.at(file, number, 1),
                expected: YEAR_EXPECTED,
                found: line.to_owned(),
            })?);
            return Ok(());
        }
        match keyword {
            "comment" => cursor.in_comment_block = true,
            "alias" => {
                let location = self.at(file, number, 1);
                self.aliases.define(rest, location)?;
            }
            "end" if rest.trim() == "aliases" => self.aliases.clear(),
            "end" if is_end_apply_account(rest) => {
                let location = self.at(file, number, 1);
                self.parents.end(cursor.base, location, line)?;
            }
            "apply" => {
                let location = self.at(file, number, 1);
                self.parents.apply(rest, location)?;
            }
            "account" => {
                self.account(file, rest, number, keyword.len() + 2)?;
                cursor.open = Open::Directive;
            }
            "P" => self.price(file, rest, number)?,
            "include" => self.include(file, rest.trim(), number, resolver, depth)?,
            "decimal-mark" => {
                self.style = match rest.trim() {
                    "." => NumberStyle::POINT,
                    "," => NumberStyle { decimal_mark: ',' },
                    other => {
                        return Err(Error::Syntax {
                            location: self.at(file, number, keyword.len() + 2),
                            expected: "`.` or `,` after decimal-mark",
                            found: other.to_owned(),
                        });
                    }
                };
            }
            "commodity" | "payee" | "tag" => cursor.open = Open::Directive,
            other => {
                return Err(Error::Unsupported {
                    location: self.at(file, number, 1),
                    what: format!("directive {other:?}"),
                });
            }
        }
        Ok(())
    }

    fn include<'r>(
        &mut self,
        from: u32,
        path: &str,
        number: usize,
        resolver: Option<&mut (dyn Resolver + 'r)>,
        depth: usize,
    ) -> Result<()> {
        let location = self.at(from, number, 1);
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
        let (name, text) =
            resolver
                .resolve(&location.file, path)
                .map_err(|reason| Error::Include {
                    location,
                    path: path.to_owned(),
                    reason,
                })?;
        let file = to_u32(self.files.len());
        self.files.push(Arc::from(name));
        // A `Y` directive holds to the end of its file; an `apply account`
        // must end there.
        let (year, parents) = (self.year, self.parents.depth());
        let read = self.read_text(file, &text, Some(resolver), depth + 1);
        self.year = year;
        read?;
        self.parents.close_included(parents)
    }

    fn header(&mut self, file: u32, line: &str, number: usize) -> Result<()> {
        let date_end = line
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(line.len());
        let (date_text, mut rest) = line.split_at(date_end);
        let date = date_in(date_text, self.year)
            .map_err(|problem| problem.at(self.at(file, number, 1), date_text))?;
        if let Some(after) = rest.strip_prefix('=') {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            let (date2, tail) = after.split_at(end);
            date_in(date2, Some(date.year())).map_err(|problem| {
                let column = column_at(line, offset_in(line, date2));
                problem.at(self.at(file, number, column), date2)
            })?;
            rest = tail;
        }
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return Err(Error::Syntax {
                location: self.at(file, number, column_at(line, offset_in(line, rest))),
                expected: "a space after the date",
                found: rest.to_owned(),
            });
        }
        let (body, comment) = split_comment(rest);
        let mut body = body.trim_start();
        if body.starts_with(['*', '!']) {
            body = body.get(1..).unwrap_or("").trim_start();
        }
        let mut code = None;
        if let Some(after) = body.strip_prefix('(') {
            let close = after.find(')').ok_or_else(|| Error::Syntax {
                location: self.at(file, number, column_at(line, offset_in(line, body))),
                expected: "a `)` closing the transaction code",
                found: body.to_owned(),
            })?;
            code = after.get(..close);
            body = after.get(close + 1..).unwrap_or("").trim_start();
        }
        self.enter_day(date);
        let code = match code {
            Some(code) => self.keep(file, number, code)?,
            None => Piece::EMPTY,
        };
        let description = self.keep(file, number, body.trim())?;
        let comments_start = to_u32(self.today.comments.len());
        if let Some(comment) = comment {
            let piece = self.keep(file, number, comment)?;
            self.today.comments.push(piece);
        }
        let day = &mut self.today;
        day.txs.push(Tx {
            seq: self.transactions,
            file,
            line: to_u32(number),
            description,
            code,
            comments: Range {
                start: comments_start,
                len: to_u32(day.comments.len()) - comments_start,
            },
            postings: Range {
                start: to_u32(day.posts.len()),
                len: 0,
            },
        });
        self.transactions = self.transactions.saturating_add(1);
        self.scratch.clear();
        Ok(())
    }

    fn indented_line(&mut self, file: u32, line: &str, body: &str, number: usize) -> Result<()> {
        if let Some(comment) = body.strip_prefix([';', '#']) {
            let piece = self.keep(file, number, comment.trim())?;
            // Comments of one owner are consecutive: the transaction's come
            // before its first posting, a posting's right after it.
            let day = &mut self.today;
            day.comments.push(piece);
            match day.posts.last_mut().filter(|_| !self.scratch.is_empty()) {
                Some(post) => post.comments.len += 1,
                None => {
                    if let Some(tx) = day.txs.last_mut() {
                        tx.comments.len += 1;
                    }
                }
            }
            return Ok(());
        }
        let mut rest_of = body;
        if let Some(after) = rest_of.strip_prefix(['*', '!']) {
            rest_of = after.trim_start();
        }
        let start = column_at(line, offset_in(line, rest_of));
        if rest_of.starts_with(['(', '[']) {
            return Err(Error::Unsupported {
                location: self.at(file, number, start),
                what: "a virtual posting (account in parentheses or brackets)".to_owned(),
            });
        }
        let (name, rest) = account_name(rest_of);
        let name = name.trim_end();
        if name.is_empty() || name.contains(';') {
            return Err(Error::Syntax {
                location: self.at(file, number, start),
                expected: "an account name, then two spaces or a tab before the amount",
                found: rest_of.to_owned(),
            });
        }
        // One pass over the rest of the line for the comment's `;`, the
        // assertion's `=` and the cost's `@` (the first of each, `=` before
        // the comment and `@` before the assertion), as `split_comment` and
        // `split_once` would find them.
        let (mut semicolon, mut equals, mut at) = (None, None, None);
        for (offset, byte) in rest.bytes().enumerate() {
            match byte {
                b';' => {
                    semicolon = Some(offset);
                    break;
                }
                b'=' if equals.is_none() => equals = Some(offset),
                b'@' if equals.is_none() && at.is_none() => at = Some(offset),
                _ => {}
            }
        }
        let (amounts, comment) = match semicolon {
            Some(offset) => (
                rest.get(..offset).unwrap_or("").trim_end(),
                Some(rest.get(offset + 1..).unwrap_or("").trim()),
            ),
            None => (rest.trim_end(), None),
        };
        let location_of =
            |this: &Self, part: &str| this.at(file, number, column_at(line, offset_in(line, part)));
        // `amounts` is `rest` trimmed at its end: offsets before the `;`
        // stay valid, and a `=` or `@` found lies within it.
        let (amount_text, assertion_text, exclusive) = split_at_mark(amounts, equals, '=');
        let (amount_text, cost_text, total) = split_at_mark(amount_text, at, '@');
        let style = self.style;
        let amount_of = |this: &mut Self, part: &str| {
            let (quantity, symbol) =
                parse_amount_parts(part, style).map_err(|reason| Error::BadAmount {
                    location: location_of(this, part.trim_start()),
                    text: part.trim().to_owned(),
                    reason,
                })?;
            Ok::<_, Error>((quantity, this.commodities.number(symbol).0))
        };
        let amount = if amount_text.trim().is_empty() {
            if cost_text.is_some() {
                return Err(Error::Syntax {
                    location: location_of(self, amount_text),
                    expected: "an amount before its cost",
                    found: amounts.to_owned(),
                });
            }
            None
        } else {
            Some(amount_of(self, amount_text)?)
        };
        let cost = match cost_text {
            Some(text) => {
                let (quantity, commodity) = amount_of(self, text)?;
                Some((total, quantity, commodity))
            }
            None => None,
        };
        let assertion = match assertion_text {
            Some(text) => {
                let (text, inclusive) = match text.strip_prefix('*') {
                    Some(rest) => (rest, true),
                    None => (text, false),
                };
                let (quantity, commodity) = amount_of(self, text)?;
                self.assertions.push(AssertionRecord {
                    quantity,
                    commodity,
                    exclusive,
                    inclusive,
                });
                to_u32(self.assertions.len() - 1)
            }
            None => NONE,
        };
        if amount.is_none() {
            let posts = &self.today.posts;
            let from = posts.len().saturating_sub(self.scratch.len());
            let first = self
                .scratch
                .iter()
                .zip(posts.get(from..).unwrap_or_default())
                .find(|(s, _)| s.missing)
                .map(|(_, p)| p.line as usize);
            if let Some(first_line) = first {
                return Err(Error::TwoMissingAmounts {
                    location: self.at(file, number, start),
                    first_line,
                });
            }
        }
        let name = self
            .parents
            .name(&self.aliases, name, || self.at(file, number, start))?;
        let (account, new) = self.accounts.number(&name);
        if new {
            self.first_use.push((file, to_u32(number), to_u32(start)));
        }
        let comments_start = to_u32(self.today.comments.len());
        if let Some(comment) = comment {
            let piece = self.keep(file, number, comment)?;
            self.today.comments.push(piece);
        }
        let (quantity, commodity) = amount.unwrap_or((Decimal::ZERO, Interner::BARE));
        let day = &mut self.today;
        day.posts.push(Post {
            quantity,
            account,
            commodity,
            line: to_u32(number),
            column: to_u32(start),
            comments: Range {
                start: comments_start,
                len: to_u32(day.comments.len()) - comments_start,
            },
            assertion,
        });
        if let Some(tx) = day.txs.last_mut() {
            tx.postings.len += 1;
        }
        self.scratch.push(Scratch {
            missing: amount.is_none(),
            cost,
        });
        Ok(())
    }

    /// Infers the missing amount and checks the balance of the transaction
    /// just read.
    fn finish(&mut self) -> Result<()> {
        let Some(tx) = self.today.txs.last().copied() else {
            return Ok(());
        };
        let first = tx.postings.start as usize;
        let dated = self.post_dates_of(tx, first)?;
        let mut sums = core::mem::take(&mut self.sums);
        sums.clear();
        let mut costed = false;
        let posts = self.today.posts.get(first..).unwrap_or_default();
        for (post, scratch) in posts.iter().zip(&self.scratch) {
            if scratch.missing {
                continue;
            }
            let overflow = |quantity, commodity| Error::BadAmount {
                location: self.at(tx.file, post.line as usize, post.column as usize),
                text: self.amount(quantity, commodity).to_string(),
                reason: "the transaction's sum overflows the range of a decimal",
            };
            let (weight, commodity) = match scratch.cost {
                None => (post.quantity, post.commodity),
                Some((false, price, commodity)) => {
                    costed = true;
                    (
                        post.quantity
                            .checked_mul(price)
                            .ok_or_else(|| overflow(price, commodity))?,
                        commodity,
                    )
                }
                Some((true, price, commodity)) => {
                    costed = true;
                    let mut total = price.abs();
                    total.set_sign_negative(post.quantity.is_sign_negative());
                    (total, commodity)
                }
            };
            match sums.iter_mut().find(|(c, _)| *c == commodity) {
                Some((_, sum)) => {
                    *sum = sum
                        .checked_add(weight)
                        .ok_or_else(|| overflow(weight, commodity))?;
                }
                None => sums.push((commodity, weight)),
            }
        }
        let two = sums.len() == 2;
        sums.retain(|(_, sum)| !sum.is_zero());
        // Two commodities and no cost: the tools take the conversion rate
        // to be whatever balances the transaction.
        let implied = !costed && two;
        let result = self.settle(tx, first, implied, &sums);
        self.sums = sums;
        result?;
        let count = self.today.txs.last().map_or(0, |t| t.postings.len as usize);
        if dated {
            // Again over the postings as settled: an inferred one has the
            // date of the posting it replaces.
            for at in first..first + count {
                if let Some(date) = self.post_date(tx.file, at)? {
                    self.today.post_dates.push((to_u32(at), date));
                    self.dated = true;
                }
            }
        }
        // The most decimal places of each commodity, its first use in
        // file order.
        for post in self
            .today
            .posts
            .get(first..first + count)
            .unwrap_or_default()
        {
            if post.quantity.is_zero() {
                continue;
            }
            let at = post.commodity as usize;
            if self.places.len() <= at {
                self.places.resize(at + 1, None);
            }
            let scale = post.quantity.scale();
            match self.places.get_mut(at) {
                Some(Some((places, _))) => *places = (*places).max(scale),
                Some(slot) => *slot = Some((scale, (tx.file, post.line, post.column))),
                None => {}
            }
        }
        Ok(())
    }

    /// Whether a posting of the transaction just read has a `date:` tag,
    /// each such date checked (in file order, before the balance).
    fn post_dates_of(&self, tx: Tx, first: usize) -> Result<bool> {
        let mut dated = false;
        for at in first..first + tx.postings.len as usize {
            dated |= self.post_date(tx.file, at)?.is_some();
        }
        Ok(dated)
    }

    /// The date of the `date:` tag of the posting at `at` of the day being
    /// read, if it has one (without a year, in its transaction's).
    fn post_date(&self, file: u32, at: usize) -> Result<Option<NaiveDate>> {
        let day = &self.today;
        let Some(post) = day.posts.get(at) else {
            return Ok(None);
        };
        if post.comments.len == 0 {
            return Ok(None);
        }
        // As `posting_date` reads the joined comment, line by line, without
        // joining it.
        let mut found = None;
        for piece in day
            .comments
            .get(post.comments.indices())
            .unwrap_or_default()
        {
            each_tag(day.text_of(*piece), |name, value| {
                if name == "date" && found.is_none() {
                    found = Some(value);
                }
            });
        }
        match found {
            None => Ok(None),
            Some(text) => date_in(text, Some(day.date.year()))
                .map(Some)
                .map_err(|problem| {
                    let location = self.at(file, post.line as usize, post.column as usize);
                    problem.at(location, text)
                }),
        }
    }

    /// Replaces the missing posting by one per commodity left over, or
    /// refuses a transaction that does not balance.
    fn settle(
        &mut self,
        tx: Tx,
        first: usize,
        implied: bool,
        differences: &[(u32, Decimal)],
    ) -> Result<()> {
        let missing = self.scratch.iter().position(|s| s.missing);
        let Some(at) = missing else {
            let opposite = matches!(differences, [(_, a), (_, b)] if a.is_sign_negative() != b.is_sign_negative());
            let balanced = differences.is_empty() || (implied && opposite);
            if !balanced {
                return Err(Error::Unbalanced {
                    location: self.at(tx.file, tx.line as usize, 1),
                    differences: differences
                        .iter()
                        .map(|(c, q)| self.amount(*q, *c))
                        .collect(),
                });
            }
            return Ok(());
        };
        let Some(template) = self.today.posts.get(first + at).copied() else {
            return Ok(());
        };
        let zero = [(Interner::BARE, Decimal::ZERO)];
        let amounts = if differences.is_empty() {
            &zero[..]
        } else {
            differences
        };
        let count = amounts.len();
        let inferred = amounts
            .iter()
            .enumerate()
            .map(|(n, (commodity, quantity))| Post {
                quantity: -*quantity,
                commodity: *commodity,
                assertion: if n + 1 == count {
                    template.assertion
                } else {
                    NONE
                },
                ..template
            });
        let day = &mut self.today;
        if let [only] = amounts
            && let Some(slot) = day.posts.get_mut(first + at)
        {
            // The usual case: one commodity left over, written in place.
            slot.quantity = -only.1;
            slot.commodity = only.0;
            return Ok(());
        }
        let inferred: Vec<Post> = inferred.collect();
        let added = to_u32(inferred.len()) - 1;
        day.posts.splice(first + at..=first + at, inferred);
        if let Some(tx) = day.txs.last_mut() {
            tx.postings.len += added;
        }
        Ok(())
    }

    fn account(&mut self, file: u32, rest: &str, number: usize, column: usize) -> Result<()> {
        let text = rest.trim_start();
        let column = column + rest.chars().count() - text.chars().count();
        let (body, comment) = split_comment(text);
        let (name, tail) = account_name(body);
        let name = name.trim_end();
        if name.is_empty() || !tail.trim().is_empty() {
            return Err(Error::Syntax {
                location: self.at(file, number, column),
                expected: "an account name, then an optional `; type: A` comment",
                found: text.to_owned(),
            });
        }
        self.declarations.push(AccountDeclaration {
            name: self.parents.declared(name),
            tags: comment.map(tags_of).unwrap_or_default(),
            location: self.at(file, number, 1),
        });
        Ok(())
    }

    fn price(&self, file: u32, rest: &str, number: usize) -> Result<()> {
        let (body, _) = split_comment(rest);
        let mut words = body.split_whitespace();
        let location = self.at(file, number, 1);
        let (Some(date_text), Some(_)) = (words.next(), words.next()) else {
            return Err(Error::Syntax {
                location,
                expected: "P DATE COMMODITY PRICE",
                found: rest.to_owned(),
            });
        };
        if let Err(problem) = date_in(date_text, self.year) {
            return Err(problem.at(location, date_text));
        }
        let price_text = words.collect::<Vec<_>>().join(" ");
        parse_amount(&price_text, self.style).map_err(|reason| Error::BadAmount {
            location,
            text: price_text.clone(),
            reason,
        })?;
        Ok(())
    }

    fn check_assertions(&self) -> Result<()> {
        if self.assertions.is_empty() {
            return Ok(());
        }
        let mut balances: Vec<Vec<(u32, Decimal)>> = vec![Vec::new(); self.accounts.len()];
        if !self.dated {
            for day in &self.days {
                for tx in &day.txs {
                    for post in day.posts.get(tx.postings.indices()).unwrap_or_default() {
                        self.check_posting(&mut balances, tx.file, post)?;
                    }
                }
            }
            return Ok(());
        }
        // By day (a posting's own date, else its transaction's), then in
        // file order.
        let mut keyed: Vec<(NaiveDate, u32, u32, u32, u32)> = Vec::new();
        for (d, day) in self.days.iter().enumerate() {
            let mut dates = day.post_dates.iter().peekable();
            for tx in &day.txs {
                for at in tx.postings.indices() {
                    let own = dates.next_if(|(post, _)| *post as usize == at);
                    let date = own.map_or(day.date, |(_, date)| *date);
                    keyed.push((date, tx.seq, to_u32(at), to_u32(d), tx.file));
                }
            }
        }
        keyed.sort_unstable_by_key(|(date, seq, at, _, _)| (*date, *seq, *at));
        for (_, _, at, d, file) in keyed {
            let post = self
                .days
                .get(d as usize)
                .and_then(|day| day.posts.get(at as usize));
            if let Some(post) = post {
                self.check_posting(&mut balances, file, post)?;
            }
        }
        Ok(())
    }

    /// Adds `post` to its account's running balance and checks its
    /// assertion, if any.
    fn check_posting(
        &self,
        balances: &mut [Vec<(u32, Decimal)>],
        file: u32,
        post: &Post,
    ) -> Result<()> {
        let location = || self.at(file, post.line as usize, post.column as usize);
        {
            let Some(sums) = balances.get_mut(post.account as usize) else {
                return Ok(());
            };
            let sum = match sums.iter_mut().find(|(c, _)| *c == post.commodity) {
                Some((_, sum)) => sum,
                None => {
                    sums.push((post.commodity, Decimal::ZERO));
                    match sums.last_mut() {
                        Some((_, sum)) => sum,
                        None => return Ok(()),
                    }
                }
            };
            *sum = sum
                .checked_add(post.quantity)
                .ok_or_else(|| Error::BadAmount {
                    location: location(),
                    text: self.amount(post.quantity, post.commodity).to_string(),
                    reason: "the account's balance overflows the range of a decimal",
                })?;
        }
        let Some(assertion) = self.assertions.get(post.assertion as usize) else {
            return Ok(());
        };
        let subtree;
        let sums = if assertion.inclusive {
            subtree = self.subtree_sums(balances, post, location)?;
            &subtree
        } else {
            match balances.get(post.account as usize) {
                Some(sums) => sums,
                None => return Ok(()),
            }
        };
        let failed = |quantity, commodity| Error::AssertionFailed {
            location: location(),
            account: self.accounts.name(post.account).to_owned(),
            expected: self.amount(assertion.quantity, assertion.commodity),
            actual: self.amount(quantity, commodity),
        };
        let actual = sums
            .iter()
            .find(|(c, _)| *c == assertion.commodity)
            .map_or(Decimal::ZERO, |(_, sum)| *sum);
        if actual != assertion.quantity {
            return Err(failed(actual, assertion.commodity));
        }
        if assertion.exclusive
            && let Some((commodity, sum)) = sums
                .iter()
                .find(|(c, sum)| *c != assertion.commodity && !sum.is_zero())
        {
            return Err(failed(*sum, *commodity));
        }
        Ok(())
    }

    /// The balances of a posting's account and all its sub-accounts, per
    /// commodity in the order of the commodities' names (as `read` lists
    /// them for an inclusive assertion).
    fn subtree_sums(
        &self,
        balances: &[Vec<(u32, Decimal)>],
        post: &Post,
        location: impl Fn() -> Location,
    ) -> Result<Vec<(u32, Decimal)>> {
        let account = self.accounts.name(post.account);
        let mut totals: Vec<(u32, Decimal)> = Vec::new();
        for (number, sums) in balances.iter().enumerate() {
            let name = self.accounts.name(to_u32(number));
            let within = name == account
                || name
                    .strip_prefix(account)
                    .is_some_and(|rest| rest.starts_with(':'));
            if !within {
                continue;
            }
            for (commodity, sum) in sums {
                let total = match totals.iter_mut().find(|(c, _)| c == commodity) {
                    Some((_, total)) => total,
                    None => {
                        totals.push((*commodity, Decimal::ZERO));
                        match totals.last_mut() {
                            Some((_, total)) => total,
                            None => continue,
                        }
                    }
                };
                *total = total.checked_add(*sum).ok_or_else(|| Error::BadAmount {
                    location: location(),
                    text: self.amount(post.quantity, post.commodity).to_string(),
                    reason: "the account's balance overflows the range of a decimal",
                })?;
            }
        }
        totals.sort_by(|a, b| self.commodities.name(a.0).cmp(self.commodities.name(b.0)));
        Ok(totals)
    }

    /// A currency for every commodity posted, by commodity number.
    fn currencies(&self) -> Result<Currencies> {
        let mut named: Vec<(&str, u32, u32, Location)> = self
            .places
            .iter()
            .enumerate()
            .filter_map(|(n, s)| {
                s.map(|(places, (file, line, column))| {
                    let location = self.at(file, line as usize, column as usize);
                    (
                        self.commodities.name(to_u32(n)),
                        to_u32(n),
                        places,
                        location,
                    )
                })
            })
            .collect();
        named.sort_by(|a, b| a.0.cmp(b.0));
        let mut by_number = vec![None; self.commodities.len()];
        let mut by_name = BTreeMap::new();
        for (name, number, places, location) in named {
            let commodity = Commodity::new(name);
            let currency =
                currency_of(&commodity, places).map_err(|source| Error::UnsupportedCommodity {
                    location,
                    commodity: name.to_owned(),
                    source,
                })?;
            if let Some(slot) = by_number.get_mut(number as usize) {
                *slot = Some(currency);
            }
            by_name.insert(commodity, currency);
        }
        Ok((by_number, by_name))
    }

    fn finish_loading(mut self) -> Result<Book> {
        self.leave_day();
        self.scratch = Vec::new();
        self.sums = Vec::new();
        self.day_of = Map::default();
        self.days.sort_unstable_by_key(|day| day.date);
        self.check_assertions()?;
        let opened = self.days.first().map_or(NaiveDate::MIN, |day| day.date);
        let mut chart = Chart {
            declarations: &self.declarations,
            opened,
            ledger: Ledger::new(),
            accounts: Names::default(),
        };
        for declaration in &self.declarations {
            chart.open(&Derived {
                name: declaration.name.clone(),
                location: declaration.location.clone(),
            })?;
        }
        let (currencies, by_name) = self.currencies()?;
        let mut ids = Vec::with_capacity(self.accounts.len());
        for number in 0..self.accounts.len() {
            let name = self.accounts.name(to_u32(number));
            let (file, line, column) = self.first_use.get(number).copied().unwrap_or((0, 1, 1));
            let id = match chart.accounts.get(name) {
                Some(id) => *id,
                None => chart.open(&Derived {
                    name: name.to_string(),
                    location: self.at(file, line as usize, column as usize),
                })?,
            };
            ids.push(id);
        }
        let mut posting = Reused {
            next_id: 0,
            legs: Vec::new(),
            groups: Vec::new(),
            metadata: Vec::new(),
        };
        let mut days = core::mem::take(&mut self.days);
        for slot in &mut days {
            // Each day's records go once its entries are in the ledger.
            let day = core::mem::take(slot);
            for tx in &day.txs {
                self.post_transaction(&mut chart, &currencies, &ids, &day, tx, &mut posting)?;
            }
        }
        Ok(Book {
            ledger: chart.ledger,
            accounts: chart.accounts,
            currencies: by_name,
        })
    }

    fn post_transaction(
        &self,
        chart: &mut Chart<'_>,
        currencies: &[Option<Currency>],
        ids: &[bureau_ledger::AccountId],
        day: &Day,
        tx: &Tx,
        state: &mut Reused,
    ) -> Result<()> {
        let tx_location = || self.at(tx.file, tx.line as usize, 1);
        let rejected = |source| Error::Rejected {
            location: tx_location(),
            source,
        };
        state.legs.clear();
        state.groups.clear();
        for post in day.posts.get(tx.postings.indices()).unwrap_or_default() {
            if post.quantity.is_zero() {
                continue;
            }
            let (Some(Some(currency)), Some(account)) = (
                currencies.get(post.commodity as usize),
                ids.get(post.account as usize),
            ) else {
                continue;
            };
            let location = || self.at(tx.file, post.line as usize, post.column as usize);
            let money =
                Money::new(post.quantity.abs(), *currency).map_err(|source| Error::Rejected {
                    location: location(),
                    source: source.into(),
                })?;
            let side = if post.quantity.is_sign_negative() {
                Side::Credit
            } else {
                Side::Debit
            };
            let mut leg = Posting::new(*account, side, money);
            let comment: std::borrow::Cow<'_, str> = match day.comments.get(post.comments.indices())
            {
                Some([only]) => day.text_of(*only).into(),
                Some([]) | None => "".into(),
                Some(_) => day.comment(post.comments).into(),
            };
            if !comment.is_empty() {
                let memo = Memo::new(comment).map_err(|source| Error::Rejected {
                    location: location(),
                    source,
                })?;
                leg = leg.with_memo(memo);
            }
            let signed = match side {
                Side::Debit => money.to_minor(),
                Side::Credit => -money.to_minor(),
            };
            match state.groups.iter_mut().find(|(c, _)| c == currency) {
                Some((_, sum)) => *sum = sum.saturating_add(signed),
                None => state.groups.push((*currency, signed)),
            }
            state.legs.push(Some((*currency, leg)));
        }
        let description = EntryDescription::new(day.text_of(tx.description)).map_err(rejected)?;
        state.metadata.clear();
        for piece in day.comments.get(tx.comments.indices()).unwrap_or_default() {
            let mut failed = None;
            each_tag(day.text_of(*piece), |name, value| {
                if failed.is_some() {
                    return;
                }
                match (MetadataKey::new(name), MetadataValue::new(value)) {
                    (Ok(key), Ok(value)) => state.metadata.push((key, value)),
                    (Err(e), _) | (_, Err(e)) => failed = Some(e),
                }
            });
            if let Some(source) = failed {
                return Err(rejected(source));
            }
        }
        let mut first = true;
        for group in 0..state.groups.len() {
            let Some((currency, sum)) = state.groups.get(group).copied() else {
                continue;
            };
            let matching = state
                .legs
                .iter()
                .filter(|leg| leg.as_ref().is_some_and(|(c, _)| *c == currency))
                .count();
            let conversion = if sum == 0 {
                None
            } else {
                let account = match chart.accounts.get(CONVERSION_ACCOUNT) {
                    Some(id) => *id,
                    None => chart.open(&Derived {
                        name: CONVERSION_ACCOUNT.to_owned(),
                        location: tx_location(),
                    })?,
                };
                let side = if sum > 0 { Side::Credit } else { Side::Debit };
                let money = Money::from_minor(sum.saturating_abs(), currency)
                    .map_err(|source| rejected(source.into()))?;
                Some(Posting::new(account, side, money))
            };
            if matching + usize::from(conversion.is_some()) < 2 {
                continue;
            }
            let coded = Some(tx.code)
                .filter(|_| first)
                .and_then(|code| day.text_of(code).parse::<EntryId>().ok());
            let id = match coded {
                Some(id) => id,
                None => {
                    state.next_id += 1;
                    EntryId::from_u128(state.next_id)
                }
            };
            first = false;
            let mut builder = JournalEntry::builder(id, day.date, description.clone());
            let legs = state
                .legs
                .iter_mut()
                .filter(|leg| leg.as_ref().is_some_and(|(c, _)| *c == currency))
                .filter_map(|leg| leg.take().map(|(_, posting)| posting));
            for leg in legs.chain(conversion) {
                builder = builder.posting(leg);
            }
            for (key, value) in &state.metadata {
                builder = builder.metadata(key.clone(), value.clone());
            }
            let entry = builder.build().map_err(rejected)?;
            // The entry moves into the ledger; the event `post` would return
            // (a copy of it) is not needed here.
            chart.ledger.post_without_event(entry).map_err(rejected)?;
        }
        Ok(())
    }
}

/// What posting reuses from one transaction to the next.
struct Reused {
    next_id: u128,
    legs: Vec<Option<(Currency, Posting)>>,
    groups: Vec<(Currency, i128)>,
    metadata: Vec<(MetadataKey, MetadataValue)>,
}

#[cfg(test)]
mod tests {
    use super::{Post, Tx};

    #[test]
    fn records_stay_as_small_as_the_module_says() {
        assert_eq!(size_of::<Post>(), 44);
        assert_eq!(size_of::<Tx>(), 44);
    }
}
