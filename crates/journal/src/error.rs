//! The one error type of bureau-journal.

use core::fmt;
use std::sync::Arc;

use crate::Amount;

/// Where in a journal something was found: the file name the caller gave,
/// the line and the column, both counted from 1 (columns in characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Location {
    /// The file name as the caller gave it (shared by every location in
    /// the file).
    pub file: Arc<str>,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl Location {
    /// A location in `file` at `line` and `column` (both from 1).
    ///
    /// ```
    /// let at = bureau_journal::Location::new("books.journal", 3, 5);
    /// assert_eq!(at.to_string(), "books.journal:3:5");
    /// ```
    pub fn new(file: impl Into<Arc<str>>, line: usize, column: usize) -> Self {
        Self {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

fn list(amounts: &[Amount]) -> String {
    amounts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything reading, posting or writing a journal can reject. Every
/// variant about a journal names its [`Location`] and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text at `location` is not what the journal syntax allows there.
    #[error("{location}: expected {expected}, found {found:?}")]
    #[non_exhaustive]
    Syntax {
        /// Where.
        location: Location,
        /// What the syntax allows there.
        expected: &'static str,
        /// The text found instead (up to the end of its line).
        found: String,
    },
    /// A date that does not exist or is not `YYYY-MM-DD` (or with `/` or `.`).
    #[error("{location}: expected a date like 2026-03-31, found {text:?}")]
    #[non_exhaustive]
    BadDate {
        /// Where.
        location: Location,
        /// The text read as a date.
        text: String,
    },
    /// A date written without its year (`01-31`) where no `Y` directive
    /// before it gives one (the tools would take the current year, which a
    /// reading that does no I/O cannot know).
    #[error("{location}: date {text:?} has no year, and no `Y` directive before it gives one")]
    #[non_exhaustive]
    NoYear {
        /// Where.
        location: Location,
        /// The date as written.
        text: String,
    },
    /// An amount that cannot be read.
    #[error("{location}: cannot read amount {text:?}: {reason}")]
    #[non_exhaustive]
    BadAmount {
        /// Where.
        location: Location,
        /// The text read as an amount.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A transaction whose postings do not sum to zero in every commodity.
    #[error("{location}: transaction does not balance, off by {}", list(.differences))]
    #[non_exhaustive]
    Unbalanced {
        /// The transaction's first line.
        location: Location,
        /// The non-zero sum of each commodity that does not balance.
        differences: Vec<Amount>,
    },
    /// A second posting without an amount in one transaction: only one
    /// amount can be inferred.
    #[error(
        "{location}: a second posting without an amount (the first is on line {first_line}); only one amount per transaction can be inferred"
    )]
    #[non_exhaustive]
    TwoMissingAmounts {
        /// The second posting without an amount.
        location: Location,
        /// The line of the first one.
        first_line: usize,
    },
    /// A balance assertion that does not hold when its posting is read.
    #[error(
        "{location}: balance assertion failed in {account}: expected {expected}, actual {actual}"
    )]
    #[non_exhaustive]
    AssertionFailed {
        /// The posting carrying the assertion.
        location: Location,
        /// The account asserted.
        account: String,
        /// The asserted balance.
        expected: Amount,
        /// The balance the account had.
        actual: Amount,
    },
    /// A directive or syntax this crate does not read (rather than ignoring
    /// it and computing other balances than the tools do).
    #[error("{location}: {what} is not supported")]
    #[non_exhaustive]
    Unsupported {
        /// Where.
        location: Location,
        /// What was found (`"directive alias"`, `"virtual posting"`).
        what: String,
    },
    /// A file named by an `include` directive that the resolver could not
    /// provide.
    #[error("{location}: cannot include {path:?}: {reason}")]
    #[non_exhaustive]
    Include {
        /// The directive.
        location: Location,
        /// The path as written.
        path: String,
        /// What the resolver reported.
        reason: String,
    },
    /// An account whose top-level name is none of the usual ones (Assets,
    /// Liabilities, Equity, Income or Revenue, Expenses) and whose `account`
    /// directive gives no type.
    #[error(
        "{location}: cannot tell the type of account {account}: its top level is not Assets, Liabilities, Equity, Income, Revenue or Expenses and no `account` directive gives a type"
    )]
    #[non_exhaustive]
    UnclassifiedAccount {
        /// Its first use.
        location: Location,
        /// The account.
        account: String,
    },
    /// A commodity that has no bureau currency (not an ISO code, a known
    /// currency sign, or a valid custom commodity code).
    #[error("{location}: commodity {commodity:?} cannot be kept in a bureau ledger: {source}")]
    #[non_exhaustive]
    UnsupportedCommodity {
        /// Its first use.
        location: Location,
        /// The commodity as written.
        commodity: String,
        /// Why bureau-core refused it.
        #[source]
        source: bureau_core::Error,
    },
    /// The ledger refused what the journal holds at `location`.
    #[error("{location}: {source}")]
    #[non_exhaustive]
    Rejected {
        /// The transaction, posting or directive concerned.
        location: Location,
        /// What the ledger reported.
        #[source]
        source: bureau_ledger::Error,
    },
    /// Something in the ledger that a journal cannot hold so that it reads
    /// back the same.
    #[error("cannot write {what} {text:?} to a journal: {reason}")]
    #[non_exhaustive]
    Unwritable {
        /// The kind of thing: `"account name"`, `"description"`, ...
        what: &'static str,
        /// The text.
        text: String,
        /// Why a journal cannot hold it.
        reason: &'static str,
    },
    /// A ledger query failed while writing.
    #[error(transparent)]
    #[non_exhaustive]
    Ledger {
        /// What the ledger reported.
        #[from]
        source: bureau_ledger::Error,
    },
}

/// The result of this crate's operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;
