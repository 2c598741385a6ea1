//! Counts of working days, exact to any fraction of a day.

use core::fmt;
use core::iter::Sum;
use core::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use core::str::FromStr;

use bureau_core::Decimal;

use crate::{Error, Result};

/// A number of working days: what a date counts as (1 for a working date,
/// 0.5 for a half-day holiday, 0 for a free date), what a range of dates
/// holds, or how many to add to a date.
///
/// The count is an exact decimal: adding and subtracting counts never
/// rounds, so summing the dates of a range one by one gives the count of the
/// range. A count may be negative: [`Calendar::working_days_between`] counts
/// backwards when its range is reversed. The text and serde forms are the
/// decimal number (`"3.5"`).
///
/// [`Calendar::working_days_between`]: crate::Calendar::working_days_between
///
/// # Examples
///
/// ```
/// use bureau_calendar::WorkingDays;
/// use bureau_core::Decimal;
///
/// let week = WorkingDays::from(4) + WorkingDays::HALF;
/// assert_eq!(week.to_string(), "4.5");
/// assert_eq!(week.value(), Decimal::new(45, 1));
/// assert_eq!("4.5".parse::<WorkingDays>()?, week);
/// assert_eq!(week - WorkingDays::from(5), -WorkingDays::HALF);
/// assert_eq!([WorkingDays::ONE, WorkingDays::HALF].into_iter().sum::<WorkingDays>(), WorkingDays::new(Decimal::new(15, 1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct WorkingDays(Decimal);

impl WorkingDays {
    /// No working day.
    pub const ZERO: Self = Self(Decimal::ZERO);

    /// Half a working day, what a half-day holiday counts as.
    pub const HALF: Self = Self(Decimal::from_parts(5, 0, 0, false, 1));

    /// One working day.
    pub const ONE: Self = Self(Decimal::ONE);

    /// `days` working days, exactly as given.
    ///
    /// ```
    /// use bureau_calendar::WorkingDays;
    /// use bureau_core::Decimal;
    /// assert_eq!(WorkingDays::new(Decimal::new(75, 2)).to_string(), "0.75");
    /// ```
    pub const fn new(days: Decimal) -> Self {
        Self(days)
    }

    /// The number of days.
    ///
    /// ```
    /// use bureau_calendar::WorkingDays;
    /// use bureau_core::Decimal;
    /// assert_eq!(WorkingDays::HALF.value(), Decimal::new(5, 1));
    /// ```
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// Whether the count is zero (`0`, `0.0` and `-0` alike).
    ///
    /// ```
    /// use bureau_calendar::WorkingDays;
    /// assert!((WorkingDays::HALF - WorkingDays::HALF).is_zero());
    /// assert!(!WorkingDays::HALF.is_zero());
    /// ```
    pub const fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Whether the count is below zero.
    ///
    /// ```
    /// use bureau_calendar::WorkingDays;
    /// assert!((-WorkingDays::ONE).is_negative());
    /// assert!(!WorkingDays::ZERO.is_negative());
    /// ```
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    /// The sum, or `None` when it leaves the range of [`Decimal`] (about
    /// ±7.9 × 10²⁸), where `+` panics.
    ///
    /// ```
    /// use bureau_calendar::WorkingDays;
    /// use bureau_core::Decimal;
    /// assert_eq!(WorkingDays::ONE.checked_add(WorkingDays::HALF), Some(WorkingDays::new(Decimal::new(15, 1))));
    /// assert_eq!(WorkingDays::new(Decimal::MAX).checked_add(WorkingDays::ONE), None);
    /// ```
    #[must_use]
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    /// The difference, or `None` when it leaves the range of [`Decimal`],
    /// where `-` panics.
    ///
    /// ```
    /// use bureau_calendar::WorkingDays;
    /// use bureau_core::Decimal;
    /// assert_eq!(WorkingDays::ONE.checked_sub(WorkingDays::HALF), Some(WorkingDays::HALF));
    /// assert_eq!(WorkingDays::new(Decimal::MIN).checked_sub(WorkingDays::ONE), None);
    /// ```
    #[must_use]
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }
}

impl fmt::Display for WorkingDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for WorkingDays {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        input
            .trim()
            .parse::<Decimal>()
            .map(Self)
            .map_err(|_| Error::Parse {
                input: input.to_owned(),
                expected: "a number of working days like 3 or 2.5",
            })
    }
}

impl From<Decimal> for WorkingDays {
    fn from(days: Decimal) -> Self {
        Self(days)
    }
}

impl From<WorkingDays> for Decimal {
    fn from(days: WorkingDays) -> Self {
        days.0
    }
}

impl From<i64> for WorkingDays {
    fn from(days: i64) -> Self {
        Self(Decimal::from(days))
    }
}

impl From<u32> for WorkingDays {
    fn from(days: u32) -> Self {
        Self(Decimal::from(days))
    }
}

impl From<i32> for WorkingDays {
    fn from(days: i32) -> Self {
        Self(Decimal::from(days))
    }
}

impl Add for WorkingDays {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }
}

impl AddAssign for WorkingDays {
    fn add_assign(&mut self, other: Self) {
        self.0 += other.0;
    }
}

impl Sub for WorkingDays {
    type Output = Self;

    fn sub(self, other: Self) -> Self {
        Self(self.0 - other.0)
    }
}

impl SubAssign for WorkingDays {
    fn sub_assign(&mut self, other: Self) {
        self.0 -= other.0;
    }
}

impl Neg for WorkingDays {
    type Output = Self;

    fn neg(self) -> Self {
        Self(-self.0)
    }
}

impl Sum for WorkingDays {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a WorkingDays> for WorkingDays {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_is_one_half() {
        assert_eq!(WorkingDays::HALF.value(), Decimal::new(5, 1));
        assert_eq!(WorkingDays::HALF + WorkingDays::HALF, WorkingDays::ONE);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serializes_as_the_decimal_text() {
        let days = WorkingDays::from(3) + WorkingDays::HALF;
        assert_eq!(serde_json::to_string(&days).unwrap(), "\"3.5\"");
        assert_eq!(
            serde_json::from_str::<WorkingDays>("\"3.5\"").unwrap(),
            days
        );
    }

    #[test]
    fn parse_names_the_text() {
        let err = "two".parse::<WorkingDays>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read \"two\" as a number of working days like 3 or 2.5"
        );
    }
}
