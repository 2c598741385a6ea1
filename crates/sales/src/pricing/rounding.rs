//! Exact amounts and their rounding to whole minor units, on integers.
//!
//! Pricing a line multiplies, adds and rounds a dozen amounts (unit price
//! times quantity, each percentage discount, each tax). Done as `Decimal`
//! operations and `Money` constructions that was most of a line's cost.
//! The amounts are small decimals whose mantissas fit machine integers, so
//! [`Exact`] holds them as a `Decimal` does (mantissa and scale) and
//! computes on `i64`/`i128`, handing an operation to `Decimal` whenever its
//! result would not be exact as a `Decimal` (where `Decimal` itself rounds):
//! every value is the one the same `Decimal` computation gives. Rounding is
//! checked against [`Money::rounded`] for every strategy by the tests below;
//! anything outside the fast path falls back to [`Money::rounded`].

use bureau_core::{Currency, Decimal, Money, RoundingStrategy};

use crate::{Error, Result};

/// The largest mantissa of a `Decimal`, 2^96 - 1.
const MAX_MANTISSA: u128 = (1 << 96) - 1;

/// The largest scale of a `Decimal`.
const MAX_SCALE: u32 = 28;

/// An exact decimal, `mantissa × 10^-scale`, within the range of a
/// `Decimal` (`|mantissa| < 2^96`, `scale <= 28`). Equal values may have
/// different scales; everything done with one depends on its value only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Exact {
    mantissa: i128,
    scale: u32,
}

impl Exact {
    /// Zero.
    pub(crate) const ZERO: Self = Self {
        mantissa: 0,
        scale: 0,
    };

    /// The value of `value`.
    pub(crate) const fn from_decimal(value: Decimal) -> Self {
        Self {
            mantissa: value.mantissa(),
            scale: value.scale(),
        }
    }

    /// The amount of `money`.
    pub(crate) const fn of(money: Money) -> Self {
        Self::from_decimal(money.amount())
    }

    /// `minor` units of `currency`, `None` beyond the range of a `Decimal`.
    pub(crate) fn minor(minor: i128, currency: Currency) -> Option<Self> {
        let scale = currency.minor_units();
        fits(minor, scale).then_some(Self {
            mantissa: minor,
            scale,
        })
    }

    pub(crate) const fn scale(self) -> u32 {
        self.scale
    }

    pub(crate) const fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// The same value as a `Decimal`.
    pub(crate) fn to_decimal(self) -> Result<Decimal> {
        Decimal::try_from_i128_with_scale(self.mantissa, self.scale).map_err(|_| Error::Overflow {
            operation: "exact amount",
        })
    }

    /// `self × other`, the value `Decimal::checked_mul` gives; `None` where
    /// it overflows.
    #[inline]
    pub(crate) fn checked_mul(self, other: Self) -> Option<Self> {
        let scale = self.scale + other.scale;
        // Two 64-bit mantissas multiply into 128 bits without a check; a
        // checked 128-bit multiplication is a library call.
        let product = match (i64::try_from(self.mantissa), i64::try_from(other.mantissa)) {
            (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
            _ => self.mantissa.checked_mul(other.mantissa),
        };
        match product {
            Some(mantissa) if fits(mantissa, scale) => Some(Self { mantissa, scale }),
            _ => {
                let (a, b) = (self.to_decimal().ok()?, other.to_decimal().ok()?);
                a.checked_mul(b).map(Self::from_decimal)
            }
        }
    }

    /// `self + other`, the value `Decimal::checked_add` gives; `None` where
    /// it overflows.
    #[inline]
    pub(crate) fn checked_add(self, other: Self) -> Option<Self> {
        if other.mantissa == 0 {
            return Some(self);
        }
        if self.mantissa == 0 {
            return Some(other);
        }
        let scale = self.scale.max(other.scale);
        let sum = rescale(self, scale)
            .zip(rescale(other, scale))
            .and_then(|(a, b)| a.checked_add(b));
        match sum {
            Some(mantissa) if fits(mantissa, scale) => Some(Self { mantissa, scale }),
            _ => {
                let (a, b) = (self.to_decimal().ok()?, other.to_decimal().ok()?);
                a.checked_add(b).map(Self::from_decimal)
            }
        }
    }

    /// The mantissa of the same value at `scale` (at least its own), `None`
    /// if it does not fit an `i128`.
    pub(crate) fn mantissa_at(self, scale: u32) -> Option<i128> {
        rescale(self, scale)
    }
}

fn fits(mantissa: i128, scale: u32) -> bool {
    mantissa.unsigned_abs() <= MAX_MANTISSA && scale <= MAX_SCALE
}

/// The mantissa of `value` at `scale`, at least its own.
fn rescale(value: Exact, scale: u32) -> Option<i128> {
    match scale.checked_sub(value.scale)? {
        0 => Some(value.mantissa),
        up => POWERS
            .get(up as usize)
            .and_then(|p| value.mantissa.checked_mul(*p)),
    }
}

/// `minor × 10^-places × factor` for an amount of `minor` units of
/// `currency`, rounded to whole minor units with `strategy`: what
/// multiplying the amount's `Decimal` by the factor's and rounding gives.
///
/// # Errors
///
/// [`Error::Overflow`] naming `operation` when the product overflows, or
/// what [`round_minor`] returns.
#[inline]
pub(crate) fn mul_round(
    amount: Exact,
    factor: Exact,
    currency: Currency,
    strategy: RoundingStrategy,
    operation: &'static str,
) -> Result<i128> {
    // Not `ok_or`: an error built (and dropped) on every amount costs.
    let Some(product) = amount.checked_mul(factor) else {
        return Err(Error::Overflow { operation });
    };
    round_minor(product, currency, strategy)
}

/// Powers of ten up to 10^28, the largest scale of a `Decimal`.
const POWERS: [i128; 29] = {
    let mut powers = [1_i128; 29];
    let mut i = 1;
    while i < 29 {
        powers[i] = powers[i - 1] * 10;
        i += 1;
    }
    powers
};

/// 10 to the power `exponent`, up to 10^28.
pub(crate) fn power_of_ten(exponent: u32) -> Option<i128> {
    POWERS.get(exponent as usize).copied()
}

/// `amount` rounded to `currency`'s minor units with `strategy`: the same
/// money as [`Money::rounded`].
pub(crate) fn round(
    amount: Decimal,
    currency: Currency,
    strategy: RoundingStrategy,
) -> Result<Money> {
    let minor = round_minor(Exact::from_decimal(amount), currency, strategy)?;
    Ok(Money::from_minor(minor, currency)?)
}

/// `amount` rounded to whole minor units of `currency` with `strategy`: the
/// minor units of [`Money::rounded`], and its error when the result does
/// not fit an amount.
#[inline]
pub(crate) fn round_minor(
    amount: Exact,
    currency: Currency,
    strategy: RoundingStrategy,
) -> Result<i128> {
    let places = currency.minor_units();
    let (scale, mantissa) = (amount.scale, amount.mantissa);
    let minor = if scale <= places {
        POWERS
            .get((places - scale) as usize)
            .and_then(|p| mantissa.checked_mul(*p))
    } else {
        POWERS
            .get((scale - places) as usize)
            .and_then(|divisor| divide(mantissa, *divisor, strategy))
    };
    match minor {
        Some(minor) if minor.unsigned_abs() <= MAX_MANTISSA => Ok(minor),
        _ => round_slowly(amount, minor, currency, strategy),
    }
}

/// [`round_minor`] outside the fast path: a rounded amount out of range
/// (`minor`) is the construction's own error; one the fast path could not
/// round is rounded by [`Money::rounded`].
#[cold]
#[inline(never)]
fn round_slowly(
    amount: Exact,
    minor: Option<i128>,
    currency: Currency,
    strategy: RoundingStrategy,
) -> Result<i128> {
    match minor {
        Some(minor) => Ok(Money::from_minor(minor, currency)?.to_minor()),
        None => Ok(Money::rounded(amount.to_decimal()?, currency, strategy)?.to_minor()),
    }
}

/// `value / divisor` rounded with `strategy`; `divisor` is positive.
/// `None` for a strategy this does not know, which the general path rounds.
#[inline]
pub(crate) fn divide(value: i128, divisor: i128, strategy: RoundingStrategy) -> Option<i128> {
    // A 64-bit division is a machine instruction, a 128-bit one a library
    // call; line amounts nearly always fit the former.
    let (quotient, remainder) = match (i64::try_from(value), i64::try_from(divisor)) {
        (Ok(v), Ok(d)) => (i128::from(v / d), i128::from(v % d)),
        _ => (value / divisor, value % divisor),
    };
    if remainder == 0 {
        return Some(quotient);
    }
    // The quotient is truncated toward zero; `away` is one step from zero.
    let away = if value < 0 {
        quotient - 1
    } else {
        quotient + 1
    };
    let twice = remainder.unsigned_abs() * 2;
    let half = twice.cmp(&divisor.unsigned_abs());
    use core::cmp::Ordering::{Equal, Greater, Less};
    Some(match strategy {
        RoundingStrategy::ToZero => quotient,
        RoundingStrategy::AwayFromZero => away,
        RoundingStrategy::ToNegativeInfinity => quotient.min(away),
        RoundingStrategy::ToPositiveInfinity => quotient.max(away),
        RoundingStrategy::MidpointAwayFromZero => match half {
            Less => quotient,
            Equal | Greater => away,
        },
        RoundingStrategy::MidpointTowardZero => match half {
            Less | Equal => quotient,
            Greater => away,
        },
        RoundingStrategy::MidpointNearestEven => match half {
            Less => quotient,
            Greater => away,
            Equal if quotient % 2 == 0 => quotient,
            Equal => away,
        },
        // A strategy added to bureau-core later takes the general path.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    fn strategy() -> impl Strategy<Value = RoundingStrategy> {
        prop::sample::select(vec![
            RoundingStrategy::MidpointNearestEven,
            RoundingStrategy::MidpointAwayFromZero,
            RoundingStrategy::MidpointTowardZero,
            RoundingStrategy::ToZero,
            RoundingStrategy::AwayFromZero,
            RoundingStrategy::ToNegativeInfinity,
            RoundingStrategy::ToPositiveInfinity,
        ])
    }

    proptest! {
        #[test]
        fn rounds_as_money_does(
            mantissa in prop_oneof![-100_000_i64..=100_000, any::<i64>()],
            scale in 0_u32..=12,
            currency in prop::sample::select(vec![Currency::JPY, Currency::EUR, Currency::KWD]),
            strategy in strategy(),
        ) {
            let amount = Decimal::new(mantissa, scale);
            prop_assert_eq!(
                round(amount, currency, strategy).unwrap(),
                Money::rounded(amount, currency, strategy).unwrap()
            );
        }
    }

    #[test]
    fn midpoints_follow_the_strategy() {
        let eur = Currency::EUR;
        let at = |text: &str, s| round(text.parse().unwrap(), eur, s).unwrap().to_string();
        assert_eq!(
            at("0.125", RoundingStrategy::MidpointNearestEven),
            "0.12 EUR"
        );
        assert_eq!(
            at("0.135", RoundingStrategy::MidpointNearestEven),
            "0.14 EUR"
        );
        assert_eq!(
            at("-0.125", RoundingStrategy::MidpointAwayFromZero),
            "-0.13 EUR"
        );
        assert_eq!(
            at("-0.125", RoundingStrategy::MidpointTowardZero),
            "-0.12 EUR"
        );
        assert_eq!(
            at("-0.121", RoundingStrategy::ToNegativeInfinity),
            "-0.13 EUR"
        );
        assert_eq!(
            at("-0.129", RoundingStrategy::ToPositiveInfinity),
            "-0.12 EUR"
        );
        assert_eq!(at("7", RoundingStrategy::ToZero), "7.00 EUR");
    }
}
