//! A number of leave days.

use core::fmt;
use core::ops::{Add, Neg, Sub};

use bureau_calendar::WorkingDays;
use bureau_core::Decimal;

/// A number of leave days, exact to any fraction: an entitlement, a
/// movement of a leave ledger (negative when days are taken or expire), or
/// a balance (negative when the policy allows borrowing).
///
/// ```
/// use bureau_hr::LeaveDays;
/// use bureau_calendar::WorkingDays;
/// let taken = LeaveDays::from(WorkingDays::from(2) + WorkingDays::HALF);
/// assert_eq!((LeaveDays::from(25) - taken).to_string(), "22.5");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct LeaveDays(Decimal);

impl LeaveDays {
    /// No days.
    pub const ZERO: Self = Self(Decimal::ZERO);

    /// `days` days.
    pub fn new(days: Decimal) -> Self {
        Self(days.normalize())
    }

    /// The number.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// Whether below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
}

impl From<i32> for LeaveDays {
    fn from(days: i32) -> Self {
        Self(Decimal::from(days))
    }
}

impl From<WorkingDays> for LeaveDays {
    fn from(days: WorkingDays) -> Self {
        Self::new(days.value())
    }
}

impl Add for LeaveDays {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self::new(self.0 + other.0)
    }
}

impl Sub for LeaveDays {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        Self::new(self.0 - other.0)
    }
}

impl Neg for LeaveDays {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

impl fmt::Display for LeaveDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}
