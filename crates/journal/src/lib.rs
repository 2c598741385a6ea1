//! Reading and writing plain-text accounting journals in the syntax of
//! hledger and ledger-cli, to and from a [`bureau_ledger::Ledger`].
//!
//! # Overview
//!
//! - [`read`] turns a journal's text into a [`Journal`]: [`Transaction`]s
//!   with their postings (the one amount left out inferred), costs,
//!   balance assertions (checked in date order, as hledger does), comments and tags,
//!   [`MarketPrice`]s and [`AccountDeclaration`]s. It does no I/O: the caller
//!   passes the text and the file name errors should show; [`read_with`]
//!   reads `include`d files through a [`Resolver`] the caller provides.
//! - [`post`] posts a journal into a new bureau ledger, deriving the chart of
//!   accounts from the names and `account` directives, and returns a
//!   [`Book`]: the ledger, the accounts by name and the currency of each
//!   commodity.
//! - [`load`] (and [`load_with`]) reads and posts in one go, for large
//!   journals: the checks and errors of [`read`], the balances of [`post`],
//!   without building the [`Journal`] (each transaction is kept as a compact
//!   record, with the other transactions of its date, until the entries are
//!   posted in date order). A [`Loader`] does the same with the text given
//!   piece by piece, so that a large file need not be held whole.
//! - [`write_hledger`] writes a bureau ledger as a journal that hledger reads,
//!   ending in one balance assertion per account and currency, so that
//!   `hledger -f FILE check` verifies bureau's balances independently;
//!   [`write_beancount`] writes it as a beancount file that `bean-check`
//!   verifies the same way.
//!
//! Every error is an [`Error`] naming the file, line and column and what was
//! expected; no input makes the reader panic.
//!
//! # Example
//!
//! ```
//! let book = bureau_journal::post(&bureau_journal::read("books.journal", "\
//! 2026-01-05 * opening
//!     Assets:Bank          USD 1,000.00
//!     Equity:Opening
//!
//! 2026-01-20 rent  ; invoice: R-1
//!     Expenses:Rent        250.00 USD
//!     Assets:Bank          = USD 750.00
//! ")?)?;
//! let balances: Vec<String> = book.balances()?.iter().map(ToString::to_string).collect();
//! assert_eq!(balances, [
//!     "Assets:Bank  750.00 USD",
//!     "Equity:Opening  -1000.00 USD",
//!     "Expenses:Rent  250.00 USD",
//! ]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

//!
//! # Crate features
//!
//! - `fs`: [`FileResolver`], reading `include`d files from the file system
//!   relative to the including file. Without it the crate does no I/O.

// An error ends a read and is built once; its size (the assertion's two
// amounts, the location) costs nothing on the path of a valid journal.
#![allow(clippy::result_large_err)]

mod amount;
mod beancount;
mod book;
mod compact;
mod error;
#[cfg(feature = "fs")]
mod file_resolver;
mod reader;
mod writer;

pub use amount::{Amount, Commodity};
pub use beancount::write_beancount;
pub use book::{BalanceLine, Book, CONVERSION_ACCOUNT, post};
pub use compact::{Loader, load, load_with};
pub use error::{Error, Location, Result};
#[cfg(feature = "fs")]
pub use file_resolver::FileResolver;
pub use reader::{
    AccountDeclaration, Assertion, Cost, Journal, JournalPosting, MarketPrice, Resolver, Tag,
    Transaction, read, read_with,
};
pub use writer::write_hledger;

// The README's examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
