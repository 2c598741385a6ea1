//! Payment terms: when an invoice falls due, and until when an early-payment
//! discount may be taken.

use bureau_core::{Money, Percent, RoundingStrategy};
use chrono::{Datelike, Days, NaiveDate};

use crate::pricing::discount::check_percent;
use crate::{Error, Result};

/// How the due date is counted from the invoice date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DueBasis {
    /// Days after the invoice date ("net 30").
    InvoiceDate,
    /// Days after the last day of the invoice's month ("net 30 end of month";
    /// 0 days is the month's last day).
    EndOfMonth,
}

/// An early-payment discount: `percent` off when paid within `days` of the
/// invoice date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EarlyPayment {
    percent: Percent,
    days: u16,
}

/// Payment terms: a due date counted from the invoice date or from the end
/// of its month, and an optional early-payment discount ("2/10 net 30").
///
/// Both the due date and the discount deadline are the last day a payment
/// meets them (a payment on the deadline earns the discount).
///
/// ```
/// use bureau_core::{money, Percent, RoundingStrategy};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::PaymentTerms;
/// let invoiced = NaiveDate::from_ymd_opt(2026, 1, 20).ok_or("date")?;
///
/// let terms = PaymentTerms::net(30).with_early_payment(Percent::new(2.into()), 10)?; // 2/10 net 30
/// let schedule = terms.schedule(invoiced, money!(1234.56 EUR), RoundingStrategy::MidpointAwayFromZero)?;
/// assert_eq!(schedule.due, NaiveDate::from_ymd_opt(2026, 2, 19).ok_or("date")?);
/// let discount = schedule.discount.ok_or("no discount")?;
/// assert_eq!(discount.deadline, NaiveDate::from_ymd_opt(2026, 1, 30).ok_or("date")?);
/// assert_eq!(discount.amount, money!(24.69 EUR));
/// assert_eq!(discount.pay, money!(1209.87 EUR));
///
/// let eom = PaymentTerms::end_of_month(15).schedule(invoiced, money!(10.00 EUR), RoundingStrategy::ToZero)?;
/// assert_eq!(eom.due, NaiveDate::from_ymd_opt(2026, 2, 15).ok_or("date")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawTerms"))]
pub struct PaymentTerms {
    basis: DueBasis,
    days: u16,
    early_payment: Option<EarlyPayment>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawTerms {
    basis: DueBasis,
    days: u16,
    early_payment: Option<EarlyPayment>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawTerms> for PaymentTerms {
    type Error = Error;
    fn try_from(raw: RawTerms) -> Result<Self> {
        let terms = Self {
            basis: raw.basis,
            days: raw.days,
            early_payment: None,
        };
        match raw.early_payment {
            Some(early) => terms.with_early_payment(early.percent, early.days),
            None => Ok(terms),
        }
    }
}

/// The early-payment discount of one invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DiscountOffer {
    /// The last day the discount may be taken.
    pub deadline: NaiveDate,
    /// The discount's rate.
    pub percent: Percent,
    /// The amount it takes off, rounded.
    pub amount: Money,
    /// What is left to pay when it is taken.
    pub pay: Money,
}

/// When one invoice falls due, and its early-payment discount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PaymentSchedule {
    /// The last day the invoice is paid on time.
    pub due: NaiveDate,
    /// The full amount due.
    pub amount: Money,
    /// The early-payment discount, if the terms give one.
    pub discount: Option<DiscountOffer>,
}

impl PaymentTerms {
    /// Due `days` after the invoice date.
    pub const fn net(days: u16) -> Self {
        Self {
            basis: DueBasis::InvoiceDate,
            days,
            early_payment: None,
        }
    }

    /// Due `days` after the last day of the invoice's month.
    pub const fn end_of_month(days: u16) -> Self {
        Self {
            basis: DueBasis::EndOfMonth,
            days,
            early_payment: None,
        }
    }

    /// The same terms with `percent` off when paid within `days` of the
    /// invoice date.
    ///
    /// # Errors
    ///
    /// [`Error::PercentOutOfRange`] outside `[0, 100]`.
    pub fn with_early_payment(mut self, percent: Percent, days: u16) -> Result<Self> {
        check_percent("early-payment discount", percent)?;
        self.early_payment = Some(EarlyPayment { percent, days });
        Ok(self)
    }

    /// How the due date is counted.
    pub const fn basis(&self) -> DueBasis {
        self.basis
    }

    /// The days counted to the due date.
    pub const fn days(&self) -> u16 {
        self.days
    }

    /// The schedule of an invoice of `amount` dated `invoiced`; the discount
    /// is rounded with `strategy`.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] when a date leaves the calendar,
    /// [`Error::Core`] when the discount overflows.
    pub fn schedule(
        &self,
        invoiced: NaiveDate,
        amount: Money,
        strategy: RoundingStrategy,
    ) -> Result<PaymentSchedule> {
        let out_of_range = || Error::DateOutOfRange { date: invoiced };
        let start = match self.basis {
            DueBasis::InvoiceDate => invoiced,
            DueBasis::EndOfMonth => {
                let first = invoiced.with_day(1).ok_or_else(out_of_range)?;
                first
                    .checked_add_months(chrono::Months::new(1))
                    .and_then(|next| next.pred_opt())
                    .ok_or_else(out_of_range)?
            }
        };
        let due = start
            .checked_add_days(Days::new(u64::from(self.days)))
            .ok_or_else(out_of_range)?;
        let discount = match self.early_payment {
            None => None,
            Some(early) => {
                let deadline = invoiced
                    .checked_add_days(Days::new(u64::from(early.days)))
                    .ok_or_else(out_of_range)?;
                let off = amount.mul_rate(early.percent.to_rate(), strategy)?;
                Some(DiscountOffer {
                    deadline,
                    percent: early.percent,
                    amount: off,
                    pay: amount.checked_sub(off)?,
                })
            }
        };
        Ok(PaymentSchedule {
            due,
            amount,
            discount,
        })
    }
}
