//! Rounding an exact amount to whole minor units on integers.
//!
//! Pricing a line rounds a dozen amounts (unit price times quantity, each
//! percentage discount, each tax); done through `Decimal` rounding and
//! `Money`'s construction checks it was a fifth of a line's cost. The
//! amounts are small decimals whose mantissa fits an `i128`, so the division
//! by a power of ten and the strategy's choice of direction are done here,
//! and checked against [`Money::rounded`] for every strategy by the tests
//! below. Anything outside the fast path falls back to [`Money::rounded`].

use bureau_core::{Currency, Decimal, Money, RoundingStrategy};

use crate::Result;

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

/// `amount` rounded to `currency`'s minor units with `strategy`: the same
/// money as [`Money::rounded`].
pub(crate) fn round(
    amount: Decimal,
    currency: Currency,
    strategy: RoundingStrategy,
) -> Result<Money> {
    let places = currency.minor_units();
    let scale = amount.scale();
    let mantissa = amount.mantissa();
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
        Some(minor) => Ok(Money::from_minor(minor, currency)?),
        None => Ok(Money::rounded(amount, currency, strategy)?),
    }
}

/// `value / divisor` rounded with `strategy`; `divisor` is positive.
/// `None` for a strategy this does not know, which the general path rounds.
fn divide(value: i128, divisor: i128, strategy: RoundingStrategy) -> Option<i128> {
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
