//! An account's place in the book: the account with its per-currency
//! books, its children in the hierarchy and the posted entries that touch it.
//!
//! What it saves: the entries that touch an account are kept as `u32`
//! positions in the book's log, half the memory of `usize` positions (a book
//! refuses entries past [`Ledger::MAX_ENTRIES`](crate::Ledger::MAX_ENTRIES)),
//! so an account statement reads its entries without scanning the log.

use bureau_core::Currency;
use chrono::NaiveDate;

use crate::Account;
use crate::balance::{CurrencyBook, Totals};

/// One account with its per-currency books, its children and the posted
/// entries that touch it (positions in the ledger's entry list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AccountSlot {
    pub(crate) books: Vec<CurrencyBook>,
    /// Positions in the book's log, as `u32`: half the memory of `usize`,
    /// and a book refuses entries past [`Ledger::MAX_ENTRIES`].
    pub(crate) entries: Vec<u32>,
    pub(crate) account: Account,
    pub(crate) children: Vec<usize>,
}

impl AccountSlot {
    pub(crate) fn new(account: Account) -> Self {
        Self {
            books: Vec::new(),
            entries: Vec::new(),
            account,
            children: Vec::new(),
        }
    }

    pub(crate) fn close(&mut self, on: NaiveDate) {
        self.account.close(on);
    }

    pub(crate) fn allows(&self, currency: Currency) -> bool {
        self.account.currencies().allows(currency)
    }

    pub(crate) fn book(&self, currency: Currency) -> Option<&CurrencyBook> {
        self.books.iter().find(|b| b.currency == currency)
    }

    pub(crate) fn book_mut(&mut self, currency: Currency) -> &mut CurrencyBook {
        // Found by position so the borrow of `books` ends before a push.
        let at = match self.books.iter().position(|b| b.currency == currency) {
            Some(at) => at,
            None => {
                self.books.push(CurrencyBook::new(currency));
                self.books.len() - 1
            }
        };
        // `at` is in bounds: found above or just pushed.
        &mut self.books[at]
    }

    pub(crate) fn totals(&self, currency: Currency) -> Totals {
        self.book(currency).map(|b| b.totals).unwrap_or_default()
    }
}
