//! Exact hours and pay multipliers.

use core::fmt;
use core::ops::Add;

use bureau_core::Decimal;

use crate::{Error, Result};

/// Seconds in a hundredth of an hour: the grid work times fall on, so that
/// hours are exact decimals.
pub(crate) const CENTIHOUR_SECONDS: i64 = 36;

/// A non-negative number of hours, exact to a hundredth of an hour
/// (36 seconds): worked time, a threshold, a bucket of classified hours.
///
/// ```
/// use bureau_core::Decimal;
/// use bureau_hr::Hours;
/// let day = Hours::new(Decimal::new(825, 2))?; // 8.25 hours
/// assert_eq!((day + Hours::from(2)).to_string(), "10.25");
/// let err = Hours::new(Decimal::new(1, 3)).unwrap_err();
/// assert_eq!(err.to_string(), "hours 0.001 are not a non-negative multiple of 0.01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Decimal", into = "Decimal"))]
pub struct Hours(i64);

impl Hours {
    /// No hours.
    pub const ZERO: Self = Self(0);

    /// `hours` hours.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHours`] for a negative number, a finer fraction than
    /// a hundredth, or one too large to count.
    pub fn new(hours: Decimal) -> Result<Self> {
        let centi = hours
            .checked_mul(Decimal::ONE_HUNDRED)
            .filter(|c| c.fract().is_zero())
            .and_then(|c| i64::try_from(c).ok());
        match centi {
            Some(c) if c >= 0 => Ok(Self(c)),
            _ => Err(Error::InvalidHours { hours }),
        }
    }

    pub(crate) const fn from_centi(centi: i64) -> Self {
        Self(centi)
    }

    pub(crate) const fn centi(self) -> i64 {
        self.0
    }

    /// The number of hours, exactly.
    pub fn value(self) -> Decimal {
        Decimal::new(self.0, 2).normalize()
    }
}

impl From<u32> for Hours {
    fn from(hours: u32) -> Self {
        Self(i64::from(hours) * 100)
    }
}

impl TryFrom<Decimal> for Hours {
    type Error = Error;
    fn try_from(hours: Decimal) -> Result<Self> {
        Self::new(hours)
    }
}

impl From<Hours> for Decimal {
    fn from(hours: Hours) -> Self {
        hours.value()
    }
}

impl Add for Hours {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

impl core::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value(), f)
    }
}

/// The highest [`Multiplier`]: far above any labour rule, low enough that
/// weighted hours never overflow.
pub const MAX_MULTIPLIER: u32 = 100;

/// What an hour is paid at, as a multiple of the regular rate: from 1 to
/// [`MAX_MULTIPLIER`].
///
/// ```
/// use bureau_core::Decimal;
/// use bureau_hr::Multiplier;
/// assert_eq!(Multiplier::TIME_AND_A_HALF.to_string(), "1.5x");
/// assert_eq!(Multiplier::new(Decimal::new(20, 1))?, Multiplier::DOUBLE);
/// assert!(Multiplier::new(Decimal::new(5, 1)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Decimal", into = "Decimal"))]
pub struct Multiplier(Decimal);

impl Multiplier {
    /// 1x: regular hours.
    pub const REGULAR: Self = Self(Decimal::ONE);
    /// 1.5x.
    pub const TIME_AND_A_HALF: Self = Self(Decimal::from_parts(15, 0, 0, false, 1));
    /// 2x.
    pub const DOUBLE: Self = Self(Decimal::TWO);

    /// `multiplier` times the regular rate.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMultiplier`] below 1 (overtime never pays less than
    /// a regular hour) or above [`MAX_MULTIPLIER`].
    pub fn new(multiplier: Decimal) -> Result<Self> {
        if multiplier < Decimal::ONE || multiplier > Decimal::from(MAX_MULTIPLIER) {
            return Err(Error::InvalidMultiplier { multiplier });
        }
        Ok(Self(multiplier.normalize()))
    }

    /// The factor.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// Whether this is [`Multiplier::REGULAR`], without a decimal
    /// comparison: a multiplier is kept normalised, so 1 is the mantissa 1
    /// at scale 0.
    pub(crate) const fn is_regular(self) -> bool {
        self.0.scale() == 0 && self.0.mantissa() == 1
    }
}

impl TryFrom<Decimal> for Multiplier {
    type Error = Error;
    fn try_from(multiplier: Decimal) -> Result<Self> {
        Self::new(multiplier)
    }
}

impl From<Multiplier> for Decimal {
    fn from(multiplier: Multiplier) -> Self {
        multiplier.0
    }
}

impl fmt::Display for Multiplier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_exact_hundredths() -> Result<()> {
        assert_eq!(Hours::new(Decimal::new(75, 1))?.centi(), 750);
        assert!(Hours::new(Decimal::new(-1, 0)).is_err());
        assert_eq!(Hours::from_centi(1234).value(), Decimal::new(1234, 2));
        Ok(())
    }

    #[test]
    fn only_one_is_regular() -> Result<()> {
        assert!(Multiplier::REGULAR.is_regular());
        assert!(Multiplier::new(Decimal::new(100, 2))?.is_regular());
        assert!(!Multiplier::TIME_AND_A_HALF.is_regular());
        assert!(!Multiplier::new(Decimal::new(101, 2))?.is_regular());
        assert!(!Multiplier::DOUBLE.is_regular());
        Ok(())
    }
}
