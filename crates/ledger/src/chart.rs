//! The chart of accounts: opening and closing accounts, and finding them
//! by id or code.

use bureau_core::Aggregate;
use chrono::NaiveDate;

use crate::account_slot::AccountSlot;
use crate::{Account, AccountCode, AccountId, Error, Ledger, LedgerCommand, LedgerEvent, Result};

impl Ledger {
    /// Opens an account.
    ///
    /// # Errors
    ///
    /// [`Error::AccountExists`], [`Error::DuplicateAccountCode`],
    /// [`Error::UnknownParent`] or [`Error::SelfParent`].
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, Ledger};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let mut ledger = Ledger::new();
    /// let cash = Account::new(AccountId::from_u128(1), "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, day);
    /// ledger.open_account(cash.clone())?;
    /// assert!(ledger.open_account(cash).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_account(&mut self, account: Account) -> Result<Vec<LedgerEvent>> {
        self.check_open_account(&account)?;
        self.apply_open(account.clone());
        Ok(vec![LedgerEvent::AccountOpened(account)])
    }

    /// Closes an account that holds no balance, posted or pending.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], [`Error::AccountAlreadyClosed`],
    /// [`Error::CloseBeforeOpen`] or [`Error::AccountHasBalance`].
    ///
    /// ```
    /// let (mut ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// ledger.close_account(cash, day)?;
    /// assert!(!ledger.account(cash).ok_or("account")?.status().is_open());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_account(&mut self, account: AccountId, on: NaiveDate) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::CloseAccount { account, on })
    }

    /// The account with this id.
    ///
    /// ```
    /// let (ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// assert_eq!(ledger.account(cash).ok_or("account")?.name(), "Cash");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.slot(id).map(|s| &s.account)
    }

    /// Every account, in the order opened.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> + '_ {
        self.slots.iter().map(|s| &s.account)
    }

    /// The account with this code.
    ///
    /// ```
    /// let (ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// assert_eq!(ledger.account_by_code(&"1000".parse()?).map(|a| a.id()), Some(cash));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn account_by_code(&self, code: &AccountCode) -> Option<&Account> {
        self.codes
            .get(code)
            .and_then(|&i| self.slots.get(i))
            .map(|s| &s.account)
    }

    pub(crate) fn slot(&self, id: AccountId) -> Option<&AccountSlot> {
        self.index.get(&id).and_then(|&i| self.slots.get(i))
    }

    pub(crate) fn slot_or_err(&self, id: AccountId) -> Result<&AccountSlot> {
        self.slot(id).ok_or(Error::UnknownAccount { account: id })
    }

    pub(crate) fn check_open_account(&self, account: &Account) -> Result<()> {
        if let Some(existing) = self.slot(account.id()) {
            return Err(Error::AccountExists {
                account: existing.account.label(),
            });
        }
        if let Some(existing) = self
            .codes
            .get(account.code())
            .and_then(|&i| self.slots.get(i))
        {
            return Err(Error::DuplicateAccountCode {
                code: account.code().to_string(),
                existing: existing.account.label(),
            });
        }
        if let Some(parent) = account.parent() {
            // A parent must already be in the chart, so no cycle can form.
            if parent == account.id() {
                return Err(Error::SelfParent {
                    account: account.label(),
                });
            }
            if self.slot(parent).is_none() {
                return Err(Error::UnknownParent {
                    account: account.label(),
                    parent,
                });
            }
        }
        Ok(())
    }

    pub(crate) fn check_close_account(&self, account: AccountId, on: NaiveDate) -> Result<()> {
        let slot = self.slot_or_err(account)?;
        if !slot.account.status().is_open() {
            return Err(Error::AccountAlreadyClosed {
                account: slot.account.label(),
            });
        }
        if on < slot.account.opened_on() {
            return Err(Error::CloseBeforeOpen {
                account: slot.account.label(),
                opened_on: slot.account.opened_on(),
                on,
            });
        }
        if let Some(book) = slot.books.iter().find(|b| !b.totals.is_empty()) {
            let t = book.totals;
            let held = if t.posted_dr != t.posted_cr {
                t.posted_dr.saturating_sub(t.posted_cr)
            } else if t.pending_dr != 0 {
                t.pending_dr
            } else {
                t.pending_cr.saturating_neg()
            };
            return Err(Error::AccountHasBalance {
                account: slot.account.label(),
                balance: bureau_core::Money::from_minor(held, book.currency)?,
            });
        }
        Ok(())
    }

    pub(crate) fn apply_open(&mut self, account: Account) {
        let at = self.slots.len();
        if let Some(parent) = account.parent().and_then(|p| self.index.get(&p).copied())
            && let Some(slot) = self.slots.get_mut(parent)
        {
            slot.children.push(at);
        }
        self.index.insert(account.id(), at);
        self.codes.insert(account.code().clone(), at);
        self.slots.push(AccountSlot::new(account));
    }
}
