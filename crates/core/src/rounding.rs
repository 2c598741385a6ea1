//! Named rounding strategies. Every rounding in bureau says which one it uses.

/// How to round a value that lies between two representable amounts.
///
/// The names follow `rust_decimal`: `Midpoint*` strategies round to the nearest
/// value and differ only on an exact tie; the others are directed.
///
/// # Examples
///
/// ```
/// use bureau_core::{Currency, Money, RoundingStrategy};
/// use rust_decimal::Decimal;
///
/// let usd = Currency::USD;
/// let tie: Decimal = "2.345".parse()?;
/// assert_eq!(Money::rounded(tie, usd, RoundingStrategy::MidpointNearestEven)?.to_string(), "2.34 USD");
/// assert_eq!(Money::rounded(tie, usd, RoundingStrategy::MidpointAwayFromZero)?.to_string(), "2.35 USD");
/// assert_eq!(Money::rounded(tie, usd, RoundingStrategy::ToZero)?.to_string(), "2.34 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RoundingStrategy {
    /// Nearest; ties to the even neighbour (banker's rounding). 2.345 → 2.34.
    MidpointNearestEven,
    /// Nearest; ties away from zero (commercial rounding). 2.345 → 2.35.
    MidpointAwayFromZero,
    /// Nearest; ties toward zero. 2.345 → 2.34.
    MidpointTowardZero,
    /// Truncate toward zero. 2.349 → 2.34, -2.349 → -2.34.
    ToZero,
    /// Away from zero. 2.341 → 2.35, -2.341 → -2.35.
    AwayFromZero,
    /// Toward negative infinity (floor). -2.341 → -2.35.
    ToNegativeInfinity,
    /// Toward positive infinity (ceiling). 2.341 → 2.35.
    ToPositiveInfinity,
}

impl RoundingStrategy {
    /// Whether the strategy rounds to the nearest value (error at most half a unit).
    ///
    /// ```
    /// use bureau_core::RoundingStrategy;
    /// assert!(RoundingStrategy::MidpointNearestEven.is_midpoint());
    /// assert!(!RoundingStrategy::ToZero.is_midpoint());
    /// ```
    pub const fn is_midpoint(self) -> bool {
        matches!(
            self,
            Self::MidpointNearestEven | Self::MidpointAwayFromZero | Self::MidpointTowardZero
        )
    }

    pub(crate) const fn to_decimal(self) -> rust_decimal::RoundingStrategy {
        use rust_decimal::RoundingStrategy as D;
        match self {
            Self::MidpointNearestEven => D::MidpointNearestEven,
            Self::MidpointAwayFromZero => D::MidpointAwayFromZero,
            Self::MidpointTowardZero => D::MidpointTowardZero,
            Self::ToZero => D::ToZero,
            Self::AwayFromZero => D::AwayFromZero,
            Self::ToNegativeInfinity => D::ToNegativeInfinity,
            Self::ToPositiveInfinity => D::ToPositiveInfinity,
        }
    }
}

impl From<RoundingStrategy> for rust_decimal::RoundingStrategy {
    /// The same strategy as `rust_decimal` names it, for callers that round a
    /// bare `Decimal` (a report's percentage, a rate) with the same rule.
    ///
    /// ```
    /// use bureau_core::{Decimal, RoundingStrategy};
    /// let third = Decimal::ONE / Decimal::from(3);
    /// let rounded = third.round_dp_with_strategy(2, RoundingStrategy::AwayFromZero.into());
    /// assert_eq!(rounded.to_string(), "0.34");
    /// ```
    fn from(strategy: RoundingStrategy) -> Self {
        strategy.to_decimal()
    }
}
