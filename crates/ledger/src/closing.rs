//! Year-end close: income and expense balances moved into retained
//! earnings, and the year hard-closed.

use bureau_core::{Aggregate, FiscalYear, Period};

use crate::posting::Mode;
use crate::{
    AccountId, EntryHash, EntryId, Error, JournalEntry, Ledger, LedgerCommand, LedgerEvent, Result,
    Side,
};

impl Ledger {
    /// Closes a fiscal year into `retained_earnings` (see
    /// [`LedgerCommand::CloseYear`]).
    ///
    /// # Errors
    ///
    /// [`Error::ForeignCalendar`], [`Error::UnknownAccount`],
    /// [`Error::WrongAccountClass`], [`Error::PeriodAlreadyClosed`], or any
    /// validation error of the closing entry.
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
    /// use bureau_core::{Currency, FiscalCalendar};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    /// let (cash, sales, re) = (AccountId::from_u128(1), AccountId::from_u128(4), AccountId::from_u128(3));
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(Account::new(cash, "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, day))?;
    /// ledger.open_account(Account::new(sales, "4000".parse()?, "Sales".parse()?, AccountKind::INCOME, day))?;
    /// ledger.open_account(Account::new(re, "3200".parse()?, "Retained earnings".parse()?, AccountKind::EQUITY, day))?;
    /// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "sale".parse()?)
    ///     .debit(cash, "90.00 USD".parse()?)
    ///     .credit(sales, "90.00 USD".parse()?)
    ///     .build()?)?;
    /// ledger.close_year(FiscalCalendar::CALENDAR_YEAR.year(2026), EntryId::from_u128(99), re)?;
    /// let usd = Currency::USD;
    /// assert!(ledger.balance(sales, usd)?.is_zero());
    /// assert_eq!(ledger.balance(re, usd)?.to_string(), "90.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_year(
        &mut self,
        year: FiscalYear,
        entry: EntryId,
        retained_earnings: AccountId,
    ) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::CloseYear {
            year,
            entry,
            retained_earnings,
        })
    }

    pub(crate) fn decide_close_year(
        &self,
        year: FiscalYear,
        id: EntryId,
        retained_earnings: AccountId,
    ) -> Result<Vec<LedgerEvent>> {
        if year.calendar() != self.calendar {
            return Err(Error::ForeignCalendar { year });
        }
        let period = Period::new(year, bureau_core::Granularity::Year, 1)?;
        self.check_lock(period)?;
        let equity = self.slot_or_err(retained_earnings)?;
        if equity.account.kind().class() != crate::AccountClass::Equity {
            return Err(Error::WrongAccountClass {
                account: equity.account.label(),
                role: "retained earnings",
                expected: "equity",
                actual: equity.account.kind(),
            });
        }
        let Some(last_day) = period.range().last_day() else {
            return Ok(vec![LedgerEvent::PeriodClosed(period)]);
        };
        let mut postings = Vec::new();
        let mut offsets = crate::entry::CurrencySums::new();
        for slot in &self.slots {
            if !slot.account.kind().class().is_profit_and_loss() {
                continue;
            }
            for book in &slot.books {
                let net = book.as_of(last_day);
                if net == 0 {
                    continue;
                }
                let side = if net > 0 { Side::Credit } else { Side::Debit };
                let amount = bureau_core::Money::from_minor(net.saturating_abs(), book.currency)?;
                postings.push(crate::Posting::new(slot.account.id(), side, amount));
                offsets.add(book.currency, net);
            }
        }
        let mut events = Vec::new();
        if !postings.is_empty() {
            for (currency, net) in offsets.iter() {
                if net == 0 {
                    continue;
                }
                let side = if net > 0 { Side::Debit } else { Side::Credit };
                let amount = bureau_core::Money::from_minor(net.saturating_abs(), currency)
                    .map_err(|_| Error::EntryOverflow {
                        entry: id,
                        what: "the net income closed into retained earnings",
                        currency,
                    })?;
                postings.push(crate::Posting::new(retained_earnings, side, amount));
            }
            let mut entry = JournalEntry::system(
                id,
                last_day,
                crate::EntryDescription::derived(format!("year-end close {year}")),
                postings,
                Vec::new(),
            );
            entry.mark_closing(year);
            self.check_entry(&entry, Mode::Closing, None)?;
            let hash = EntryHash::of_entry(&self.head, &entry);
            events.push(LedgerEvent::EntryPosted { entry, hash });
        }
        events.push(LedgerEvent::PeriodClosed(period));
        Ok(events)
    }
}
