//! The one rounding of a pay line, computed on integers.
//!
//! A line's exact amount is a product of decimals, sometimes divided by
//! another (`annual × FTE ÷ periods per year`). Each decimal is a mantissa
//! over a power of ten, so the exact amount in minor units is one integer
//! quotient; rounding that quotient by the strategy gives the same value as
//! [`Money::rounded`](bureau_core::Money::rounded) of the exact decimal, at
//! a fraction of the cost of decimal multiplication, division and digit by
//! digit rounding. When an integer would leave `i128`, the functions give
//! `None` and the caller computes in decimals instead.

use bureau_core::{Decimal, RoundingStrategy};
use core::cmp::Ordering;

/// `numerator ÷ denominator` rounded to an integer by `strategy`; `None`
/// for a zero denominator, an overflow or a strategy this does not know.
///
/// Both operands within 64 bits (the case of every pay-sized line) take
/// one hardware division; others one 128-bit division.
#[inline(always)]
pub(crate) fn round_quotient(
    numerator: i128,
    denominator: i128,
    strategy: RoundingStrategy,
) -> Option<i128> {
    if let (Ok(n), Ok(d)) = (i64::try_from(numerator), i64::try_from(denominator)) {
        // `checked_div` refuses a zero divisor and `i64::MIN ÷ -1`, which
        // the 128-bit division below answers.
        if let Some(truncated) = n.checked_div(d) {
            let remainder = n.wrapping_sub(truncated.wrapping_mul(d));
            if remainder == 0 {
                return Some(i128::from(truncated));
            }
            // |remainder| < |d| <= 2^63, so twice it fits in u64.
            let half = (remainder.unsigned_abs() * 2).cmp(&d.unsigned_abs());
            return settle(i128::from(truncated), (n < 0) != (d < 0), half, strategy);
        }
    }
    round_wide_quotient(numerator, denominator, strategy)
}

/// [`round_quotient`] on 128 bits whatever the operands.
fn round_wide_quotient(
    numerator: i128,
    denominator: i128,
    strategy: RoundingStrategy,
) -> Option<i128> {
    let truncated = numerator.checked_div(denominator)?;
    // One 128-bit division, not two: the true remainder is below the
    // denominator in magnitude, so the wrapping arithmetic is exact.
    let remainder = numerator.wrapping_sub(truncated.wrapping_mul(denominator));
    if remainder == 0 {
        return Some(truncated);
    }
    // |remainder| < |denominator| <= 2^127, so twice it fits in u128.
    let half = (remainder.unsigned_abs() * 2).cmp(&denominator.unsigned_abs());
    settle(
        truncated,
        (numerator < 0) != (denominator < 0),
        half,
        strategy,
    )
}

/// The rounding of an inexact quotient: `truncated` (toward zero) or the
/// integer after it away from zero, by `strategy` and by how twice the
/// remainder compares with the divisor (`half`).
#[inline(always)]
fn settle(
    truncated: i128,
    negative: bool,
    half: Ordering,
    strategy: RoundingStrategy,
) -> Option<i128> {
    let away = if negative {
        truncated.checked_sub(1)?
    } else {
        truncated.checked_add(1)?
    };
    let rounded = match strategy {
        RoundingStrategy::MidpointNearestEven => match half {
            Ordering::Less => truncated,
            Ordering::Greater => away,
            Ordering::Equal if truncated % 2 == 0 => truncated,
            Ordering::Equal => away,
        },
        RoundingStrategy::MidpointAwayFromZero => {
            if half.is_lt() {
                truncated
            } else {
                away
            }
        }
        RoundingStrategy::MidpointTowardZero => {
            if half.is_gt() {
                away
            } else {
                truncated
            }
        }
        RoundingStrategy::ToZero => truncated,
        RoundingStrategy::AwayFromZero => away,
        RoundingStrategy::ToNegativeInfinity => {
            if negative {
                away
            } else {
                truncated
            }
        }
        RoundingStrategy::ToPositiveInfinity => {
            if negative {
                truncated
            } else {
                away
            }
        }
        _ => return None,
    };
    Some(rounded)
}

/// `a × b`, `None` past `i128`. Two factors within 64 bits (amounts in
/// minor units, rates, hours, day counts) multiply without the 128-bit
/// overflow check, which costs a call of its own.
#[inline(always)]
pub(crate) fn mul(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// `10^n` for `n` up to 38, the powers an `i128` holds: read, not
/// computed by repeated multiplication for every line.
const POWERS_OF_TEN: [i128; 39] = {
    let mut powers = [1i128; 39];
    let mut n = 1;
    while n < 39 {
        powers[n] = powers[n - 1] * 10;
        n += 1;
    }
    powers
};

/// `10^n`, `None` past what an `i128` holds.
#[inline(always)]
pub(crate) fn power_of_ten(n: u32) -> Option<i128> {
    POWERS_OF_TEN.get(usize::try_from(n).ok()?).copied()
}

/// An exact decimal as an integer mantissa over a power of ten: a factor
/// of a line (an amount in minor units, a rate, an FTE fraction, hours in
/// hundredths, a day count). Products of pay-sized factors stay within 64
/// bits, where [`mul`] and [`round_quotient`] take their short paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fixed {
    mantissa: i128,
    scale: u32,
}

impl Fixed {
    /// 1.
    pub(crate) const ONE: Self = Self::integer(1);

    /// `mantissa × 10^-scale`.
    pub(crate) const fn new(mantissa: i128, scale: u32) -> Self {
        Self { mantissa, scale }
    }

    /// The whole number `n`.
    pub(crate) const fn integer(n: i128) -> Self {
        Self::new(n, 0)
    }

    /// `value`, exactly.
    #[inline]
    pub(crate) const fn of(value: Decimal) -> Self {
        Self::new(value.mantissa(), value.scale())
    }

    /// `money`, exactly: its minor units at its currency's places.
    #[inline]
    pub(crate) const fn of_money(money: bureau_core::Money) -> Self {
        Self::new(money.to_minor(), money.currency().minor_units())
    }

    /// The exact product; `None` past `i128`.
    #[inline(always)]
    pub(crate) fn times(self, other: Self) -> Option<Self> {
        Some(Self::new(
            mul(self.mantissa, other.mantissa)?,
            self.scale + other.scale,
        ))
    }
}

/// `value ÷ divisor` rounded to `places` decimal places by `strategy`, in
/// units of the last place: the exact quotient's rounding, never a decimal
/// quotient cut to 28 digits first. `None` for a zero divisor, when an
/// integer would leave `i128`, or for a strategy this does not know.
#[inline(always)]
pub(crate) fn round_fixed(
    value: Fixed,
    divisor: Fixed,
    places: u32,
    strategy: RoundingStrategy,
) -> Option<i128> {
    // value ÷ divisor × 10^places
    //   = value.mantissa × 10^(divisor.scale + places)
    //     ÷ (divisor.mantissa × 10^value.scale)
    let up = divisor.scale + places;
    let (numerator, denominator) = if up >= value.scale {
        (
            mul(value.mantissa, power_of_ten(up - value.scale)?)?,
            divisor.mantissa,
        )
    } else {
        (
            value.mantissa,
            mul(divisor.mantissa, power_of_ten(value.scale - up)?)?,
        )
    };
    round_quotient(numerator, denominator, strategy)
}

/// The product of `factors`, divided by `divisor` when there is one,
/// rounded to `places` decimal places by `strategy`, in units of the last
/// place (the tests' way to reach [`round_fixed`] from decimals).
#[cfg(test)]
pub(crate) fn round_ratio(
    factors: &[Decimal],
    divisor: Option<Decimal>,
    places: u32,
    strategy: RoundingStrategy,
) -> Option<i128> {
    let value = factors.iter().try_fold(Fixed::ONE, |product, factor| {
        product.times(Fixed::of(*factor))
    })?;
    round_fixed(
        value,
        divisor.map_or(Fixed::ONE, Fixed::of),
        places,
        strategy,
    )
}

/// `exact` rounded to `places` decimal places by `strategy`, in units of
/// the last place.
#[cfg(test)]
pub(crate) fn round_minor(exact: Decimal, places: u32, strategy: RoundingStrategy) -> Option<i128> {
    round_ratio(&[exact], None, places, strategy)
}

#[cfg(test)]
mod tests {
    use bureau_core::{Currency, Decimal, Money, RoundingStrategy};
    use proptest::prelude::*;

    use super::{
        POWERS_OF_TEN, mul, power_of_ten, round_minor, round_quotient, round_ratio,
        round_wide_quotient,
    };

    const STRATEGIES: [RoundingStrategy; 7] = [
        RoundingStrategy::MidpointNearestEven,
        RoundingStrategy::MidpointAwayFromZero,
        RoundingStrategy::MidpointTowardZero,
        RoundingStrategy::ToZero,
        RoundingStrategy::AwayFromZero,
        RoundingStrategy::ToNegativeInfinity,
        RoundingStrategy::ToPositiveInfinity,
    ];

    proptest! {
        #[test]
        fn rounding_the_mantissa_agrees_with_money_rounded(
            lo in any::<u32>(),
            mid in any::<u32>(),
            hi in 0u32..1000,
            negative in any::<bool>(),
            scale in 0u32..=28,
            strategy in 0usize..7,
            currency in prop::sample::select(vec![Currency::USD, Currency::JPY, Currency::KWD]),
        ) {
            let exact = Decimal::from_parts(lo, mid, hi, negative, scale);
            let strategy = STRATEGIES[strategy];
            let expected = Money::rounded(exact, currency, strategy).ok();
            let fast = round_minor(exact, currency.minor_units(), strategy)
                .and_then(|minor| Money::from_minor(minor, currency).ok());
            prop_assert_eq!(fast, expected);
        }

        /// Products and quotients of pay-sized decimals (amounts, rates,
        /// hours, day counts): the integer quotient rounds as the decimal
        /// does.
        #[test]
        fn a_ratio_rounds_as_its_decimal_does(
            amount in -10_000_000_000i64..10_000_000_000,
            amount_scale in 0u32..=3,
            factor in -1_000_000i64..1_000_000,
            factor_scale in 0u32..=6,
            divisor in 1i64..100_000,
            divisor_scale in 0u32..=4,
            negative_divisor in any::<bool>(),
            strategy in 0usize..7,
            currency in prop::sample::select(vec![Currency::USD, Currency::JPY, Currency::KWD]),
        ) {
            let strategy = STRATEGIES[strategy];
            let amount = Decimal::new(amount, amount_scale);
            let factor = Decimal::new(factor, factor_scale);
            let divisor = Decimal::new(if negative_divisor { -divisor } else { divisor }, divisor_scale);
            let places = currency.minor_units();
            let product = amount.checked_mul(factor).unwrap_or_default();
            prop_assert_eq!(
                round_ratio(&[amount, factor], None, places, strategy)
                    .and_then(|minor| Money::from_minor(minor, currency).ok()),
                Money::rounded(product, currency, strategy).ok()
            );
            let quotient = product.checked_div(divisor).unwrap_or_default();
            prop_assert_eq!(
                round_ratio(&[amount, factor], Some(divisor), places, strategy)
                    .and_then(|minor| Money::from_minor(minor, currency).ok()),
                Money::rounded(quotient, currency, strategy).ok()
            );
        }
    }

    proptest! {
        /// The 64-bit division rounds as the 128-bit one, near the edges
        /// of 64 bits and at the ties of small divisors.
        #[test]
        fn the_narrow_quotient_is_the_wide_one(
            numerator in prop_oneof![any::<i64>(), -1_000i64..1_000, Just(i64::MIN), Just(i64::MAX)],
            denominator in prop_oneof![any::<i64>(), -200i64..200, Just(i64::MIN), Just(-1i64)],
            strategy in 0usize..7,
        ) {
            let strategy = STRATEGIES[strategy];
            let (n, d) = (i128::from(numerator), i128::from(denominator));
            prop_assert_eq!(round_quotient(n, d, strategy), round_wide_quotient(n, d, strategy));
        }

        #[test]
        fn the_narrow_product_is_the_checked_one(a in any::<i128>(), b in any::<i128>(), small_a in any::<i64>(), small_b in any::<i64>()) {
            prop_assert_eq!(mul(a, b), a.checked_mul(b));
            let (a, b) = (i128::from(small_a), i128::from(small_b));
            prop_assert_eq!(mul(a, b), a.checked_mul(b));
        }
    }

    #[test]
    fn ties_follow_the_strategy() {
        // 2.345 and -2.345 to cents.
        let tie = Decimal::new(2345, 3);
        let cases = [
            (RoundingStrategy::MidpointNearestEven, 234),
            (RoundingStrategy::MidpointAwayFromZero, 235),
            (RoundingStrategy::MidpointTowardZero, 234),
        ];
        for (strategy, cents) in cases {
            assert_eq!(round_minor(tie, 2, strategy), Some(cents));
            assert_eq!(round_minor(-tie, 2, strategy), Some(-cents));
        }
    }

    #[test]
    fn the_powers_of_ten_are_those_an_i128_holds() {
        assert_eq!(power_of_ten(0), Some(1));
        assert_eq!(power_of_ten(38), 10i128.checked_pow(38));
        assert_eq!(power_of_ten(39), None);
        assert!(POWERS_OF_TEN.windows(2).all(|w| w[1] == w[0] * 10));
    }

    #[test]
    fn a_quotient_at_the_limits_rounds_without_overflow() {
        // -i128::MAX / 3 and i128::MIN / -1 (which does not fit).
        assert_eq!(
            round_quotient(i128::MAX, -3, RoundingStrategy::ToZero),
            Some(-(i128::MAX / 3))
        );
        assert_eq!(
            round_quotient(i128::MIN, -1, RoundingStrategy::ToZero),
            None
        );
        assert_eq!(
            round_quotient(-7, 2, RoundingStrategy::MidpointAwayFromZero),
            Some(-4)
        );
        assert_eq!(
            round_quotient(7, -2, RoundingStrategy::MidpointNearestEven),
            Some(-4)
        );
    }

    #[test]
    fn a_zero_divisor_is_no_value() {
        let one = Decimal::ONE;
        assert_eq!(
            round_ratio(&[one], Some(Decimal::ZERO), 2, RoundingStrategy::ToZero),
            None
        );
    }
}
