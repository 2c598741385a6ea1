//! Balances: posted and pending totals per account and currency, and the
//! dated history behind balances as of any day.

use bureau_core::{Currency, Money};
use chrono::NaiveDate;

use crate::{AccountId, Error, Ledger, Result, Side};

/// The totals of one account in one currency, from [`Ledger::totals`].
///
/// Posted and pending amounts are kept apart; [`balance`](Self::balance) is
/// the posted balance on the account's normal side (a debit-normal account
/// with more credits than debits shows a negative balance), the amount
/// [`Ledger::balance`] returns.
///
/// ```
/// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
/// use bureau_core::Currency;
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
/// let (cash, sales) = (AccountId::from_u128(1), AccountId::from_u128(4));
/// let mut ledger = Ledger::new();
/// ledger.open_account(Account::new(cash, "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, day))?;
/// ledger.open_account(Account::new(sales, "4000".parse()?, "Sales".parse()?, AccountKind::INCOME, day))?;
/// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "sale".parse()?)
///     .debit(cash, "80.00 USD".parse()?)
///     .credit(sales, "80.00 USD".parse()?)
///     .build()?)?;
/// let totals = ledger.totals(sales, Currency::USD)?;
/// assert_eq!(totals.posted_credits().to_string(), "80.00 USD");
/// assert!(totals.posted_debits().is_zero());
/// assert_eq!(totals.balance(), ledger.balance(sales, Currency::USD)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AccountTotals {
    posted_debits: Money,
    posted_credits: Money,
    pending_debits: Money,
    pending_credits: Money,
    balance: Money,
}

impl AccountTotals {
    pub(crate) fn from_totals(totals: &Totals, currency: Currency, normal: Side) -> Result<Self> {
        let net = totals.posted_dr.saturating_sub(totals.posted_cr);
        let signed = on_side(net, normal);
        Ok(Self {
            posted_debits: Money::from_minor(totals.posted_dr, currency)?,
            posted_credits: Money::from_minor(totals.posted_cr, currency)?,
            pending_debits: Money::from_minor(totals.pending_dr, currency)?,
            pending_credits: Money::from_minor(totals.pending_cr, currency)?,
            balance: Money::from_minor(signed, currency)?,
        })
    }

    /// Sum of posted debits.
    pub const fn posted_debits(&self) -> Money {
        self.posted_debits
    }

    /// Sum of posted credits.
    pub const fn posted_credits(&self) -> Money {
        self.posted_credits
    }

    /// Sum of debits reserved by pending entries.
    ///
    /// ```
    /// use bureau_core::Currency;
    ///
    /// // Cash (id 1) with a pending sale of 50.00 USD debited to it.
    /// let (ledger, _) = bureau_ledger::fixtures::ledger_with_pending()?;
    /// let cash = bureau_ledger::AccountId::from_u128(1);
    /// let totals = ledger.totals(cash, Currency::USD)?;
    /// assert_eq!(totals.pending_debits().to_string(), "50.00 USD");
    /// assert!(totals.balance().is_zero()); // nothing posted yet
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn pending_debits(&self) -> Money {
        self.pending_debits
    }

    /// Sum of credits reserved by pending entries.
    pub const fn pending_credits(&self) -> Money {
        self.pending_credits
    }

    /// The posted balance on the account's normal side: what
    /// [`Ledger::balance`] returns.
    pub const fn balance(&self) -> Money {
        self.balance
    }
}

/// Running totals in minor units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Totals {
    pub(crate) posted_dr: i128,
    pub(crate) posted_cr: i128,
    pub(crate) pending_dr: i128,
    pub(crate) pending_cr: i128,
}

/// The largest number of minor units an amount of money holds: a `Decimal`
/// mantissa has 96 bits, whatever the currency's minor units.
pub(crate) const MAX_MINOR: i128 = (1 << 96) - 1;

impl Totals {
    pub(crate) const fn is_empty(&self) -> bool {
        self.posted_dr == self.posted_cr && self.pending_dr == 0 && self.pending_cr == 0
    }

    /// Whether every total, and so the balance between them, can be read
    /// back as `Money`.
    pub(crate) const fn fits(&self) -> bool {
        const fn within(total: i128) -> bool {
            0 <= total && total <= MAX_MINOR
        }
        within(self.posted_dr)
            && within(self.posted_cr)
            && within(self.pending_dr)
            && within(self.pending_cr)
    }
}

/// Cumulative posted debits minus credits at the end of a day. Every dated
/// query (balances, reports) needs only the net, and one number per point
/// keeps the history small.
///
/// The net is kept as bytes: an `i128` field would align the point to 16
/// bytes and make it 32 bytes long instead of 20, and the history is most of
/// the memory a posting adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Point {
    pub(crate) date: NaiveDate,
    net: [u8; 16],
}

impl Point {
    const fn new(date: NaiveDate, net: i128) -> Self {
        Self {
            date,
            net: net.to_ne_bytes(),
        }
    }

    pub(crate) const fn net(&self) -> i128 {
        i128::from_ne_bytes(self.net)
    }

    const fn add(&mut self, delta: i128) {
        self.net = self.net().saturating_add(delta).to_ne_bytes();
    }

    const fn plus(mut self, delta: i128) -> Self {
        self.add(delta);
        self
    }
}

/// One account's state in one currency: totals and the dated history.
///
/// The history holds one point per day with postings, sorted by date, each
/// with cumulative sums; a balance as of a day is one binary search. Entries
/// dated before the last point (back-dated) insert their point and shift the
/// later cumulative sums, which costs a move of the later points.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CurrencyBook {
    pub(crate) currency: Currency,
    pub(crate) totals: Totals,
    pub(crate) history: Vec<Point>,
    // A copy of the history's last point: the usual posting (on or after
    // the last day) then writes the history without reading it, which
    // would wait on a cache miss for an account not posted to lately.
    last: Option<Point>,
}

/// Points the history of a book makes room for at its first posting.
const HISTORY_START: usize = 16;

impl CurrencyBook {
    pub(crate) const fn new(currency: Currency) -> Self {
        Self {
            currency,
            totals: Totals {
                posted_dr: 0,
                posted_cr: 0,
                pending_dr: 0,
                pending_cr: 0,
            },
            history: Vec::new(),
            last: None,
        }
    }

    pub(crate) fn post(&mut self, date: NaiveDate, side: Side, minor: i128) {
        let delta = match side {
            Side::Debit => {
                self.totals.posted_dr = self.totals.posted_dr.saturating_add(minor);
                minor
            }
            Side::Credit => {
                self.totals.posted_cr = self.totals.posted_cr.saturating_add(minor);
                minor.saturating_neg()
            }
        };
        match self.last {
            Some(last) if last.date == date => {
                let point = last.plus(delta);
                if let Some(end) = self.history.last_mut() {
                    *end = point;
                }
                self.last = Some(point);
                return;
            }
            Some(last) if last.date < date => {
                let point = Point::new(date, last.net()).plus(delta);
                self.history.push(point);
                self.last = Some(point);
                return;
            }
            None => {
                // Most accounts see many days: start past the smallest
                // growth steps, each of which would copy the history.
                self.history.reserve_exact(HISTORY_START);
                let point = Point::new(date, delta);
                self.history.push(point);
                self.last = Some(point);
                return;
            }
            Some(_) => {}
        }
        // Back-dated: find or insert the day, then shift every later point.
        let at = match self.history.binary_search_by(|p| p.date.cmp(&date)) {
            Ok(found) => found,
            Err(insert) => {
                let before = insert
                    .checked_sub(1)
                    .and_then(|i| self.history.get(i))
                    .map_or(0, Point::net);
                self.history.insert(insert, Point::new(date, before));
                insert
            }
        };
        for point in self.history.iter_mut().skip(at) {
            point.add(delta);
        }
        self.last = self.history.last().copied();
    }

    /// Cumulative posted debits minus credits at the end of `date`.
    pub(crate) fn as_of(&self, date: NaiveDate) -> i128 {
        let count = self.history.partition_point(|p| p.date <= date);
        count
            .checked_sub(1)
            .and_then(|i| self.history.get(i))
            .map_or(0, Point::net)
    }
}

/// Signs a debit-minus-credit amount on `side`.
pub(crate) const fn on_side(net_debit: i128, side: Side) -> i128 {
    match side {
        Side::Debit => net_debit,
        Side::Credit => net_debit.saturating_neg(),
    }
}

impl Ledger {
    /// The posted balance of `account` in `currency`, on the account's normal
    /// side (a debit-normal account with more credits than debits shows a
    /// negative balance). Pending amounts do not count; [`totals`](Self::totals)
    /// has them.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], or an overflow of the totals.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// use bureau_ledger::AccountId;
    ///
    /// // Cash (id 1) and Sales (id 4); a cash sale of 120.00 USD.
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let (cash, sales) = (AccountId::from_u128(1), AccountId::from_u128(4));
    /// assert_eq!(ledger.balance(cash, Currency::USD)?.to_string(), "120.00 USD");
    /// // Income is credit-normal: its credits show as a positive balance.
    /// assert_eq!(ledger.balance(sales, Currency::USD)?.to_string(), "120.00 USD");
    /// assert!(ledger.balance(cash, Currency::EUR)?.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn balance(&self, account: AccountId, currency: Currency) -> Result<Money> {
        Ok(self.totals(account, currency)?.balance())
    }

    /// The posted and pending debits and credits of `account` in `currency`,
    /// with the balance [`balance`](Self::balance) returns.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], or an overflow of the totals.
    ///
    /// ```
    /// use bureau_core::Currency;
    ///
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let totals = ledger.totals(bureau_ledger::AccountId::from_u128(1), Currency::USD)?;
    /// assert_eq!(totals.posted_debits().to_string(), "120.00 USD");
    /// assert!(totals.pending_credits().is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn totals(&self, account: AccountId, currency: Currency) -> Result<AccountTotals> {
        let slot = self.slot_or_err(account)?;
        AccountTotals::from_totals(
            &slot.totals(currency),
            currency,
            slot.account.kind().normal_side(),
        )
    }

    /// Every currency in which `account` has ever been posted or reserved.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`].
    ///
    /// ```
    /// let (ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// assert!(ledger.currencies_of(cash)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn currencies_of(&self, account: AccountId) -> Result<Vec<Currency>> {
        Ok(self
            .slot_or_err(account)?
            .books
            .iter()
            .map(|b| b.currency)
            .collect())
    }

    /// The posted balance of `account` in `currency` at the end of `date`, on
    /// the account's normal side. Entries posted out of date order count by
    /// their date.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], or an overflow.
    ///
    /// ```
    /// # use bureau_core::Currency;
    /// let (ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    /// assert!(ledger.balance_as_of(cash, Currency::USD, day)?.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn balance_as_of(
        &self,
        account: AccountId,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<bureau_core::Money> {
        let slot = self.slot_or_err(account)?;
        let net = slot.book(currency).map_or(0, |b| b.as_of(date));
        let signed = crate::balance::on_side(net, slot.account.kind().normal_side());
        Ok(bureau_core::Money::from_minor(signed, currency)?)
    }

    /// The posted balance of `account` and every account below it in the
    /// hierarchy, in `currency`, on `account`'s normal side.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`], or [`Error::ReportOverflow`] naming the
    /// account whose balance takes the sum beyond the largest amount there is.
    ///
    /// ```
    /// # use bureau_core::Currency;
    /// let (ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// assert!(ledger.rollup_balance(cash, Currency::USD)?.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rollup_balance(
        &self,
        account: AccountId,
        currency: Currency,
    ) -> Result<bureau_core::Money> {
        let root = *self
            .index
            .get(&account)
            .ok_or(Error::UnknownAccount { account })?;
        let mut net = 0_i128;
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            if let Some(slot) = self.slots.get(at) {
                let totals = slot.totals(currency);
                // Each account's net fits an amount, but their sum may not:
                // name the account that takes it out of range.
                net = net
                    .checked_add(totals.posted_dr.saturating_sub(totals.posted_cr))
                    .filter(|n| n.unsigned_abs() <= crate::balance::MAX_MINOR.unsigned_abs())
                    .ok_or_else(|| Error::ReportOverflow {
                        report: "roll-up",
                        what: "balances",
                        account: slot.account.label(),
                        currency,
                    })?;
                stack.extend(slot.children.iter().copied());
            }
        }
        let side = self
            .slots
            .get(root)
            .map_or(Side::Debit, |s| s.account.kind().normal_side());
        Ok(bureau_core::Money::from_minor(
            crate::balance::on_side(net, side),
            currency,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    #[test]
    fn back_dated_postings_shift_later_points() {
        let usd = Currency::USD;
        let mut book = CurrencyBook::new(usd);
        book.post(day(10), Side::Debit, 100);
        book.post(day(20), Side::Credit, 30);
        book.post(day(5), Side::Debit, 7);
        book.post(day(10), Side::Credit, 1);
        book.post(day(15), Side::Debit, 2);
        assert_eq!(book.as_of(day(4)), 0);
        assert_eq!(book.as_of(day(5)), 7);
        assert_eq!(book.as_of(day(10)), 106);
        assert_eq!(book.as_of(day(16)), 108);
        assert_eq!(book.as_of(day(31)), 78);
        assert_eq!(book.history.len(), 4);
        assert_eq!(size_of::<Point>(), 20);
        assert_eq!(book.last, book.history.last().copied());
        assert_eq!((book.totals.posted_dr, book.totals.posted_cr), (109, 31));
    }
}
