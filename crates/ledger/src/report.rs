//! Reports: trial balance, balance sheet, income statement and account
//! statement. Reports borrow the ledger's accounts and entries.

use core::fmt;

use bureau_core::{Currency, DateRange, Money};
use chrono::NaiveDate;

use crate::balance::on_side;
use crate::{Account, AccountClass, AccountId, EntryId, Error, JournalEntry, Ledger, Result, Side};

/// One account's balance in one currency in the trial balance, in the debit
/// or the credit column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrialBalanceLine<'a> {
    /// The account.
    pub account: &'a Account,
    /// The currency.
    pub currency: Currency,
    /// The debit balance (zero when the balance is a credit).
    pub debit: Money,
    /// The credit balance (zero when the balance is a debit).
    pub credit: Money,
}

/// The totals of one currency's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ColumnTotals {
    /// The currency.
    pub currency: Currency,
    /// Sum of the debit column.
    pub debits: Money,
    /// Sum of the credit column.
    pub credits: Money,
}

/// Every account's posted balance, in the debit or credit column, with the
/// column totals per currency. The columns of a ledger always agree.
///
/// ```
/// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
/// let tb = ledger.trial_balance()?;
/// assert!(tb.is_balanced());
/// assert_eq!(tb.lines().len(), 2);
/// assert_eq!(tb.totals()[0].debits.to_string(), "120.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrialBalance<'a> {
    lines: Vec<TrialBalanceLine<'a>>,
    totals: Vec<ColumnTotals>,
}

impl<'a> TrialBalance<'a> {
    /// The lines, one per account and currency with a non-zero balance, in
    /// chart order.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert_eq!(ledger.trial_balance()?.lines()[0].account.name(), "Cash");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lines(&self) -> &[TrialBalanceLine<'a>] {
        &self.lines
    }

    /// The column totals per currency.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert_eq!(ledger.trial_balance()?.totals().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn totals(&self) -> &[ColumnTotals] {
        &self.totals
    }

    /// Whether debits equal credits in every currency.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert!(ledger.trial_balance()?.is_balanced());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_balanced(&self) -> bool {
        self.totals.iter().all(|t| t.debits == t.credits)
    }
}

impl fmt::Display for TrialBalance<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<34} {:>18} {:>18}", "account", "debit", "credit")?;
        for line in &self.lines {
            let cell = |m: Money| {
                if m.is_zero() {
                    String::new()
                } else {
                    m.to_string()
                }
            };
            writeln!(
                f,
                "{:<34} {:>18} {:>18}",
                line.account.to_string(),
                cell(line.debit),
                cell(line.credit)
            )?;
        }
        for total in &self.totals {
            writeln!(
                f,
                "{:<34} {:>18} {:>18}",
                "total",
                total.debits.to_string(),
                total.credits.to_string()
            )?;
        }
        Ok(())
    }
}

/// One account's amount in a balance sheet or income statement section, on
/// the side of its class (a contra account shows a negative amount).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportLine<'a> {
    /// The account.
    pub account: &'a Account,
    /// The amount on the class's normal side.
    pub amount: Money,
}

/// Per-currency sums of signed minor units, in first-seen order.
/// `sum + amount`, when it is an amount a [`Money`] can hold.
fn add_within(sum: i128, amount: i128) -> Option<i128> {
    sum.checked_add(amount)
        .filter(|total| total.unsigned_abs() <= crate::balance::MAX_MINOR.unsigned_abs())
}

/// What a report was summing when the sum overflowed, to name it in
/// [`Error::ReportOverflow`].
#[derive(Clone, Copy, Debug)]
struct SumOf {
    report: &'static str,
    what: &'static str,
}

impl SumOf {
    fn overflow(self, account: &Account, currency: Currency) -> Error {
        Error::ReportOverflow {
            report: self.report,
            what: self.what,
            account: account.label(),
            currency,
        }
    }
}

/// Sums per currency, each kept within what a [`Money`] holds: adding the
/// balance of an account that would take a sum beyond it fails, naming
/// the account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Sums(Vec<(Currency, i128)>);

impl Sums {
    fn add(
        &mut self,
        currency: Currency,
        amount: i128,
        of: SumOf,
        account: &Account,
    ) -> Result<()> {
        let at = match self.0.iter().position(|(c, _)| *c == currency) {
            Some(at) => at,
            None => {
                self.0.push((currency, 0));
                self.0.len() - 1
            }
        };
        if let Some(slot) = self.0.get_mut(at) {
            slot.1 = add_within(slot.1, amount).ok_or_else(|| of.overflow(account, currency))?;
        }
        Ok(())
    }

    fn get(&self, currency: Currency) -> i128 {
        self.0
            .iter()
            .find(|(c, _)| *c == currency)
            .map_or(0, |(_, s)| *s)
    }

    fn money(&self, currency: Currency) -> Result<Money> {
        Ok(Money::from_minor(self.get(currency), currency)?)
    }
}

/// Assets, liabilities and equity as of a day, with the earnings not yet
/// closed into equity. Assets = liabilities + equity + current earnings in
/// every currency.
///
/// ```
/// use bureau_core::Currency;
/// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
/// let sheet = ledger.balance_sheet(day)?;
/// let usd = Currency::USD;
/// assert!(sheet.is_balanced());
/// assert_eq!(sheet.current_earnings(usd)?.to_string(), "120.00 USD");
/// assert_eq!(sheet.assets()[0].amount.to_string(), "120.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceSheet<'a> {
    as_of: NaiveDate,
    assets: Vec<ReportLine<'a>>,
    liabilities: Vec<ReportLine<'a>>,
    equity: Vec<ReportLine<'a>>,
    totals: [Sums; 3],
    earnings: Sums,
    currencies: Vec<Currency>,
}

impl<'a> BalanceSheet<'a> {
    /// The day the sheet is drawn at (end of day).
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// assert_eq!(ledger.balance_sheet(day)?.as_of(), day);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Asset lines.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// assert_eq!(ledger.balance_sheet(day)?.assets().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assets(&self) -> &[ReportLine<'a>] {
        &self.assets
    }

    /// Liability lines.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// assert!(ledger.balance_sheet(day)?.liabilities().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn liabilities(&self) -> &[ReportLine<'a>] {
        &self.liabilities
    }

    /// Equity lines (without current earnings).
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// assert!(ledger.balance_sheet(day)?.equity().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn equity(&self) -> &[ReportLine<'a>] {
        &self.equity
    }

    /// The currencies that appear on the sheet.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// assert_eq!(ledger.balance_sheet(day)?.currencies().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn currencies(&self) -> &[Currency] {
        &self.currencies
    }

    /// Total of a section (`Asset`, `Liability` or `Equity`) in `currency`;
    /// zero for the income statement classes.
    ///
    /// # Errors
    ///
    /// An overflow of the total.
    ///
    /// ```
    /// use bureau_ledger::AccountClass;
    /// use bureau_core::Currency;
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// let total = ledger.balance_sheet(day)?.total(AccountClass::Asset, Currency::USD)?;
    /// assert_eq!(total.to_string(), "120.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total(&self, class: AccountClass, currency: Currency) -> Result<Money> {
        match class {
            AccountClass::Asset => self.totals[0].money(currency),
            AccountClass::Liability => self.totals[1].money(currency),
            AccountClass::Equity => self.totals[2].money(currency),
            AccountClass::Income | AccountClass::Expense => Ok(Money::zero(currency)),
        }
    }

    /// Income minus expenses not yet closed into equity, in `currency`.
    ///
    /// # Errors
    ///
    /// An overflow.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// assert!(ledger.balance_sheet(day)?.current_earnings(Currency::EUR)?.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn current_earnings(&self, currency: Currency) -> Result<Money> {
        self.earnings.money(currency)
    }

    /// Whether assets = liabilities + equity + current earnings in every currency.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    /// assert!(ledger.balance_sheet(day)?.is_balanced());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_balanced(&self) -> bool {
        self.currencies.iter().all(|c| {
            let right = self.totals[1]
                .get(*c)
                .saturating_add(self.totals[2].get(*c))
                .saturating_add(self.earnings.get(*c));
            self.totals[0].get(*c) == right
        })
    }
}

/// Income and expenses over a range of days, leaving year-end closing
/// entries out.
///
/// ```
/// use bureau_core::{Currency, Period};
/// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
/// let statement = ledger.income_statement(Period::year(2026)?.range())?;
/// let usd = Currency::USD;
/// assert_eq!(statement.net_income(usd)?.to_string(), "120.00 USD");
/// assert_eq!(statement.income().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomeStatement<'a> {
    range: DateRange,
    income: Vec<ReportLine<'a>>,
    expenses: Vec<ReportLine<'a>>,
    totals: [Sums; 2],
    // Income less expenses, summed account by account as the statement is
    // built, so an overflow names the account.
    net: Sums,
    currencies: Vec<Currency>,
}

impl<'a> IncomeStatement<'a> {
    /// The range covered, `[start, end)`.
    ///
    /// ```
    /// use bureau_core::Period;
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let q1 = Period::quarter(2026, 1)?.range();
    /// assert_eq!(ledger.income_statement(q1)?.range(), q1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn range(&self) -> DateRange {
        self.range
    }

    /// Income lines, on the credit side.
    ///
    /// ```
    /// # use bureau_core::Period;
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert_eq!(ledger.income_statement(Period::year(2026)?.range())?.income()[0].account.name(), "Sales");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn income(&self) -> &[ReportLine<'a>] {
        &self.income
    }

    /// Expense lines, on the debit side.
    ///
    /// ```
    /// # use bureau_core::Period;
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert!(ledger.income_statement(Period::year(2026)?.range())?.expenses().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expenses(&self) -> &[ReportLine<'a>] {
        &self.expenses
    }

    /// The currencies that appear.
    ///
    /// ```
    /// # use bureau_core::Period;
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert_eq!(ledger.income_statement(Period::year(2026)?.range())?.currencies().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn currencies(&self) -> &[Currency] {
        &self.currencies
    }

    /// Total income in `currency`.
    ///
    /// # Errors
    ///
    /// An overflow.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let s = ledger.income_statement(Period::year(2026)?.range())?;
    /// assert_eq!(s.total_income(Currency::USD)?.to_string(), "120.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total_income(&self, currency: Currency) -> Result<Money> {
        self.totals[0].money(currency)
    }

    /// Total expenses in `currency`.
    ///
    /// # Errors
    ///
    /// An overflow.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let s = ledger.income_statement(Period::year(2026)?.range())?;
    /// assert!(s.total_expenses(Currency::USD)?.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total_expenses(&self, currency: Currency) -> Result<Money> {
        self.totals[1].money(currency)
    }

    /// Income minus expenses in `currency`.
    ///
    /// # Errors
    ///
    /// An overflow.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let s = ledger.income_statement(Period::year(2026)?.range())?;
    /// assert_eq!(s.net_income(Currency::USD)?.to_string(), "120.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn net_income(&self, currency: Currency) -> Result<Money> {
        self.net.money(currency)
    }
}

impl fmt::Display for IncomeStatement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "income statement {}", self.range)?;
        for (title, lines) in [("income", &self.income), ("expenses", &self.expenses)] {
            writeln!(f, "{title}")?;
            for line in lines {
                writeln!(
                    f,
                    "  {:<32} {:>18}",
                    line.account.to_string(),
                    line.amount.to_string()
                )?;
            }
        }
        for currency in &self.currencies {
            let net = self.net_income(*currency).map_err(|_| fmt::Error)?;
            writeln!(f, "{:<34} {:>18}", "net income", net.to_string())?;
        }
        Ok(())
    }
}

/// One line of an account statement: an entry's effect on the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementLine<'a> {
    /// The entry.
    pub entry: &'a JournalEntry,
    /// Debits of the entry to the account in the statement's currency.
    pub debit: Money,
    /// Credits of the entry to the account in the statement's currency.
    pub credit: Money,
    /// The balance after this line, on the account's normal side.
    pub balance: Money,
}

impl StatementLine<'_> {
    /// The entry's id.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let cash = bureau_ledger::AccountId::from_u128(1);
    /// let s = ledger.statement(cash, Currency::USD, Period::year(2026)?.range())?;
    /// assert_eq!(s.lines()[0].entry_id(), bureau_ledger::EntryId::from_u128(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entry_id(&self) -> EntryId {
        self.entry.id()
    }
}

/// The general-ledger lines of one account in one currency over a range:
/// opening balance, one line per entry with a running balance, closing balance.
///
/// ```
/// use bureau_core::{Currency, Period};
/// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
/// # let cash = bureau_ledger::AccountId::from_u128(1);
/// let s = ledger.statement(cash, Currency::USD, Period::year(2026)?.range())?;
/// assert!(s.opening().is_zero());
/// assert_eq!(s.closing().to_string(), "120.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    account: &'a Account,
    opening: Money,
    lines: Vec<StatementLine<'a>>,
    closing: Money,
}

impl<'a> Statement<'a> {
    /// The account.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let cash = bureau_ledger::AccountId::from_u128(1);
    /// let s = ledger.statement(cash, Currency::USD, Period::year(2026)?.range())?;
    /// assert_eq!(s.account().id(), cash);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn account(&self) -> &'a Account {
        self.account
    }

    /// The balance before the range's first day.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let cash = bureau_ledger::AccountId::from_u128(1);
    /// let s = ledger.statement(cash, Currency::USD, Period::year(2027)?.range())?;
    /// assert_eq!(s.opening().to_string(), "120.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn opening(&self) -> Money {
        self.opening
    }

    /// The lines, by date and then posting order.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let cash = bureau_ledger::AccountId::from_u128(1);
    /// let s = ledger.statement(cash, Currency::USD, Period::year(2026)?.range())?;
    /// assert_eq!(s.lines().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lines(&self) -> &[StatementLine<'a>] {
        &self.lines
    }

    /// The balance at the end of the range.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let cash = bureau_ledger::AccountId::from_u128(1);
    /// let s = ledger.statement(cash, Currency::USD, Period::year(2025)?.range())?;
    /// assert!(s.closing().is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn closing(&self) -> Money {
        self.closing
    }
}

impl Ledger {
    /// The trial balance of posted amounts now.
    ///
    /// # Errors
    ///
    /// [`Error::ReportOverflow`] naming the account (and currency) whose
    /// balance takes a total beyond the largest amount there is.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert!(ledger.trial_balance()?.is_balanced());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trial_balance(&self) -> Result<TrialBalance<'_>> {
        self.build_trial_balance(|book| book.totals.posted_dr.saturating_sub(book.totals.posted_cr))
    }

    /// The trial balance at the end of `date`.
    ///
    /// # Errors
    ///
    /// [`Error::ReportOverflow`] naming the account (and currency) whose
    /// balance takes a total beyond the largest amount there is.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let before = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).ok_or("date")?;
    /// assert!(ledger.trial_balance_as_of(before)?.lines().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trial_balance_as_of(&self, date: NaiveDate) -> Result<TrialBalance<'_>> {
        self.build_trial_balance(|book| book.as_of(date))
    }

    fn build_trial_balance(
        &self,
        net_of: impl Fn(&crate::balance::CurrencyBook) -> i128,
    ) -> Result<TrialBalance<'_>> {
        const DEBITS: SumOf = SumOf {
            report: "trial balance",
            what: "debits",
        };
        const CREDITS: SumOf = SumOf {
            report: "trial balance",
            what: "credits",
        };
        let mut lines = Vec::with_capacity(self.slots.len());
        let (mut debits, mut credits) = (Sums::default(), Sums::default());
        for slot in &self.slots {
            for book in &slot.books {
                let net = net_of(book);
                if net == 0 {
                    continue;
                }
                let (debit, credit) = if net > 0 {
                    (net, 0)
                } else {
                    (0, net.saturating_neg())
                };
                debits.add(book.currency, debit, DEBITS, &slot.account)?;
                credits.add(book.currency, credit, CREDITS, &slot.account)?;
                lines.push(TrialBalanceLine {
                    account: &slot.account,
                    currency: book.currency,
                    debit: Money::from_minor(debit, book.currency)?,
                    credit: Money::from_minor(credit, book.currency)?,
                });
            }
        }
        let totals = debits
            .0
            .iter()
            .map(|&(currency, _)| {
                Ok(ColumnTotals {
                    currency,
                    debits: debits.money(currency)?,
                    credits: credits.money(currency)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TrialBalance { lines, totals })
    }

    /// The balance sheet at the end of `date`.
    ///
    /// # Errors
    ///
    /// [`Error::ReportOverflow`] naming the account (and currency) whose
    /// balance takes a total beyond the largest amount there is.
    ///
    /// ```
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    /// assert!(ledger.balance_sheet(day)?.is_balanced());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn balance_sheet(&self, date: NaiveDate) -> Result<BalanceSheet<'_>> {
        let mut sheet = BalanceSheet {
            as_of: date,
            assets: Vec::new(),
            liabilities: Vec::new(),
            equity: Vec::new(),
            totals: Default::default(),
            earnings: Sums::default(),
            currencies: Vec::new(),
        };
        for slot in &self.slots {
            let class = slot.account.kind().class();
            for book in &slot.books {
                let net_debit = book.as_of(date);
                if net_debit == 0 {
                    continue;
                }
                if !sheet.currencies.contains(&book.currency) {
                    sheet.currencies.push(book.currency);
                }
                let amount = on_side(net_debit, class.normal_side());
                let sum = |what| SumOf {
                    report: "balance sheet",
                    what,
                };
                let (lines, totals, of) = match class {
                    AccountClass::Asset => (&mut sheet.assets, &mut sheet.totals[0], sum("assets")),
                    AccountClass::Liability => (
                        &mut sheet.liabilities,
                        &mut sheet.totals[1],
                        sum("liabilities"),
                    ),
                    AccountClass::Equity => {
                        (&mut sheet.equity, &mut sheet.totals[2], sum("equity"))
                    }
                    AccountClass::Income | AccountClass::Expense => {
                        sheet.earnings.add(
                            book.currency,
                            on_side(net_debit, Side::Credit),
                            sum("current earnings"),
                            &slot.account,
                        )?;
                        continue;
                    }
                };
                totals.add(book.currency, amount, of, &slot.account)?;
                lines.push(ReportLine {
                    account: &slot.account,
                    amount: Money::from_minor(amount, book.currency)?,
                });
            }
        }
        Ok(sheet)
    }

    /// The income statement over `range` (`[start, end)`), leaving year-end
    /// closing entries out.
    ///
    /// # Errors
    ///
    /// [`Error::ReportOverflow`] naming the account (and currency) whose
    /// balance takes a total beyond the largest amount there is.
    ///
    /// ```
    /// # use bureau_core::Period;
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let s = ledger.income_statement(Period::month(2026, 1)?.range())?;
    /// assert_eq!(s.income().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn income_statement(&self, range: DateRange) -> Result<IncomeStatement<'_>> {
        let before = range.start().pred_opt();
        let last = range.last_day();
        let closings: Vec<&JournalEntry> = self
            .entries
            .iter()
            .map(|p| &p.entry)
            .filter(|e| e.closes().is_some() && range.contains(e.date()))
            .collect();
        const INCOME: SumOf = SumOf {
            report: "income statement",
            what: "income",
        };
        const EXPENSES: SumOf = SumOf {
            report: "income statement",
            what: "expenses",
        };
        const NET_INCOME: SumOf = SumOf {
            report: "income statement",
            what: "net income",
        };
        let mut statement = IncomeStatement {
            range,
            income: Vec::new(),
            expenses: Vec::new(),
            totals: Default::default(),
            net: Sums::default(),
            currencies: Vec::new(),
        };
        for slot in &self.slots {
            let class = slot.account.kind().class();
            let (lines, totals, of) = match class {
                AccountClass::Income => (&mut statement.income, &mut statement.totals[0], INCOME),
                AccountClass::Expense => {
                    (&mut statement.expenses, &mut statement.totals[1], EXPENSES)
                }
                _ => continue,
            };
            for book in &slot.books {
                let end = last.map_or(0, |d| book.as_of(d));
                let start = before.map_or(0, |d| book.as_of(d));
                let mut net_debit = end.saturating_sub(start);
                for closing in &closings {
                    for p in closing.postings() {
                        if p.account() == slot.account.id()
                            && p.amount().currency() == book.currency
                        {
                            net_debit = net_debit.saturating_sub(p.signed_minor());
                        }
                    }
                }
                if net_debit == 0 {
                    continue;
                }
                if !statement.currencies.contains(&book.currency) {
                    statement.currencies.push(book.currency);
                }
                let amount = on_side(net_debit, class.normal_side());
                totals.add(book.currency, amount, of, &slot.account)?;
                // The net income is summed as well, so that reading it
                // cannot overflow once the statement is built.
                statement.net.add(
                    book.currency,
                    on_side(net_debit, Side::Credit),
                    NET_INCOME,
                    &slot.account,
                )?;
                lines.push(ReportLine {
                    account: &slot.account,
                    amount: Money::from_minor(amount, book.currency)?,
                });
            }
        }
        Ok(statement)
    }

    /// The statement of `account` in `currency` over `range` (`[start, end)`).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`](crate::Error::UnknownAccount), or an overflow.
    ///
    /// ```
    /// # use bureau_core::{Currency, Period};
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// # let sales = bureau_ledger::AccountId::from_u128(4);
    /// let s = ledger.statement(sales, Currency::USD, Period::year(2026)?.range())?;
    /// assert_eq!(s.lines()[0].credit.to_string(), "120.00 USD");
    /// assert_eq!(s.lines()[0].balance.to_string(), "120.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statement(
        &self,
        account: AccountId,
        currency: Currency,
        range: DateRange,
    ) -> Result<Statement<'_>> {
        let slot = self.slot_or_err(account)?;
        let side = slot.account.kind().normal_side();
        let book = slot.book(currency);
        let mut running = match (book, range.start().pred_opt()) {
            (Some(book), Some(before)) => book.as_of(before),
            _ => 0,
        };
        let opening = Money::from_minor(on_side(running, side), currency)?;
        let mut touching: Vec<(NaiveDate, usize)> = slot
            .entries
            .iter()
            .filter_map(|&at| {
                let at = at as usize;
                self.posted_at(at)
                    .filter(|p| range.contains(p.entry.date()))
                    .map(|p| (p.entry.date(), at))
            })
            .collect();
        touching.sort_unstable();
        let mut lines = Vec::with_capacity(touching.len());
        for (_, at) in touching {
            let Some(posted) = self.posted_at(at) else {
                continue;
            };
            let (mut dr, mut cr) = (0_i128, 0_i128);
            for p in posted.entry.postings() {
                if p.account() == account && p.amount().currency() == currency {
                    match p.side() {
                        Side::Debit => dr = dr.saturating_add(p.amount().to_minor()),
                        Side::Credit => cr = cr.saturating_add(p.amount().to_minor()),
                    }
                }
            }
            if dr == 0 && cr == 0 {
                continue;
            }
            running = running.saturating_add(dr).saturating_sub(cr);
            lines.push(StatementLine {
                entry: &posted.entry,
                debit: Money::from_minor(dr, currency)?,
                credit: Money::from_minor(cr, currency)?,
                balance: Money::from_minor(on_side(running, side), currency)?,
            });
        }
        Ok(Statement {
            account: &slot.account,
            opening,
            lines,
            closing: Money::from_minor(on_side(running, side), currency)?,
        })
    }
}
