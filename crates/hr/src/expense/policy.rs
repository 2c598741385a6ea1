//! Expense lines and the policy limits they are checked against.

use std::collections::BTreeMap;

use bureau_core::{Currency, ExchangeRate, Money, RoundingStrategy};
use chrono::NaiveDate;

use crate::{Error, ExpenseCategory, ReceiptReference, Result};

/// One expense: a date, a category, an amount in any currency with the
/// exchange rate used to the policy's currency, and a receipt reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExpenseLine {
    date: NaiveDate,
    category: ExpenseCategory,
    amount: Money,
    rate: Option<ExchangeRate>,
    receipt: Option<ReceiptReference>,
}

impl ExpenseLine {
    /// An expense of `amount` in `category` on `date`.
    pub const fn new(date: NaiveDate, category: ExpenseCategory, amount: Money) -> Self {
        Self {
            date,
            category,
            amount,
            rate: None,
            receipt: None,
        }
    }

    /// The same line converted to the policy's currency with `rate`.
    #[must_use]
    pub fn with_rate(mut self, rate: ExchangeRate) -> Self {
        self.rate = Some(rate);
        self
    }

    /// The same line backed by `receipt`.
    #[must_use]
    pub fn with_receipt(mut self, receipt: ReceiptReference) -> Self {
        self.receipt = Some(receipt);
        self
    }

    /// The day of the expense.
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The category.
    pub fn category(&self) -> &ExpenseCategory {
        &self.category
    }

    /// The amount as spent, in its own currency.
    pub const fn amount(&self) -> Money {
        self.amount
    }

    /// The exchange rate used.
    pub const fn rate(&self) -> Option<ExchangeRate> {
        self.rate
    }

    /// The receipt reference.
    pub fn receipt(&self) -> Option<&ReceiptReference> {
        self.receipt.as_ref()
    }
}

/// An expense policy: the currency claims are reimbursed in, the rounding
/// of converted amounts, and limits per category for one line and for one
/// day's lines together. A category without a limit is not limited.
///
/// ```
/// use bureau_core::{money, Currency, ExchangeRate, Rate};
/// use bureau_hr::{ExpenseCategory, ExpenseLine, ExpensePolicy};
/// use chrono::NaiveDate;
/// let meals = ExpenseCategory::new("meals")?;
/// let policy = ExpensePolicy::new(Currency::EUR).with_daily_limit(meals.clone(), money!(60.00 EUR));
/// let day = NaiveDate::from_ymd_opt(2026, 6, 2).ok_or("date")?;
/// let dinner = ExpenseLine::new(day, meals.clone(), money!(50.00 USD))
///     .with_rate(ExchangeRate::new(Currency::USD, Currency::EUR, Rate::new("0.9".parse()?), day)?);
/// let lunch = ExpenseLine::new(day, meals, money!(20.00 EUR));
/// // 45.00 + 20.00 EUR on one day is above the 60.00 limit.
/// assert!(policy.check(&[dinner.clone()]).is_ok());
/// assert!(policy.check(&[dinner, lunch]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExpensePolicy {
    currency: Currency,
    rounding: RoundingStrategy,
    line_limits: BTreeMap<ExpenseCategory, Money>,
    daily_limits: BTreeMap<ExpenseCategory, Money>,
}

impl ExpensePolicy {
    /// A policy reimbursing in `currency`, without limits, rounding
    /// converted amounts with [`RoundingStrategy::MidpointAwayFromZero`].
    pub const fn new(currency: Currency) -> Self {
        Self {
            currency,
            rounding: RoundingStrategy::MidpointAwayFromZero,
            line_limits: BTreeMap::new(),
            daily_limits: BTreeMap::new(),
        }
    }

    /// The same policy rounding converted amounts with `rounding`.
    #[must_use]
    pub fn with_rounding(mut self, rounding: RoundingStrategy) -> Self {
        self.rounding = rounding;
        self
    }

    /// The same policy limiting one line of `category` to `limit`.
    #[must_use]
    pub fn with_line_limit(mut self, category: ExpenseCategory, limit: Money) -> Self {
        self.line_limits.insert(category, limit);
        self
    }

    /// The same policy limiting one day's lines of `category` to `limit`.
    #[must_use]
    pub fn with_daily_limit(mut self, category: ExpenseCategory, limit: Money) -> Self {
        self.daily_limits.insert(category, limit);
        self
    }

    /// The reimbursement currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount of `line` in the policy's currency: as is in that
    /// currency, else converted with its rate and rounded once.
    ///
    /// # Errors
    ///
    /// [`Error::MissingExchangeRate`] naming the line at `index` when it is
    /// in another currency and has no rate from it to the policy's.
    pub fn converted(&self, index: usize, line: &ExpenseLine) -> Result<Money> {
        let from = line.amount.currency();
        if from == self.currency {
            return Ok(line.amount);
        }
        match line.rate {
            Some(rate) if rate.from() == from && rate.to() == self.currency => {
                Ok(rate.convert(line.amount, self.rounding)?)
            }
            _ => Err(Error::MissingExchangeRate {
                line: index,
                from,
                to: self.currency,
            }),
        }
    }

    /// Converts every line and checks the limits, returning the converted
    /// amounts in the order of the lines.
    ///
    /// # Errors
    ///
    /// [`Error::MissingExchangeRate`], [`Error::ExpenseLimitExceeded`] (the
    /// limit per line first, then per day), [`Error::Core`] when a limit is
    /// in another currency or a sum overflows.
    pub fn check(&self, lines: &[ExpenseLine]) -> Result<Vec<Money>> {
        let mut converted = Vec::with_capacity(lines.len());
        let mut per_day: BTreeMap<(&ExpenseCategory, NaiveDate), Money> = BTreeMap::new();
        for (index, line) in lines.iter().enumerate() {
            let amount = self.converted(index, line)?;
            if let Some(limit) = self.line_limits.get(&line.category)
                && amount.checked_cmp(*limit)?.is_gt()
            {
                return Err(Error::ExpenseLimitExceeded {
                    category: line.category.clone(),
                    date: None,
                    amount,
                    limit: *limit,
                });
            }
            let day = per_day
                .entry((&line.category, line.date))
                .or_insert(Money::zero(self.currency));
            *day = day.checked_add(amount)?;
            converted.push(amount);
        }
        for ((category, date), amount) in per_day {
            if let Some(limit) = self.daily_limits.get(category)
                && amount.checked_cmp(*limit)?.is_gt()
            {
                return Err(Error::ExpenseLimitExceeded {
                    category: category.clone(),
                    date: Some(date),
                    amount,
                    limit: *limit,
                });
            }
        }
        Ok(converted)
    }
}
