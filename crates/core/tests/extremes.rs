//! Extreme but valid inputs: every public operation returns a value or a typed
//! error, never a panic (overflow, capacity or index panics included).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_core::{
    Currency, Error, ExchangeRate, FiscalCalendar, FiscalYearNaming, Granularity, Money, Percent,
    Period, Rate, RoundingStrategy,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn usd() -> Currency {
    Currency::USD
}

/// The largest USD amount: Decimal::MAX's mantissa at two places.
fn max_usd() -> Money {
    Money::from_minor(Decimal::MAX.mantissa(), usd()).unwrap()
}

#[test]
fn split_into_too_many_parts_is_a_typed_error() {
    let err = max_usd().split(usize::MAX).unwrap_err();
    assert!(matches!(
        err,
        Error::TooManyParts { parts: usize::MAX, max, .. } if max == Money::MAX_PARTS
    ));
    assert!(err.to_string().contains(&usize::MAX.to_string()));
    let err = max_usd().split(Money::MAX_PARTS + 1).unwrap_err();
    assert!(matches!(err, Error::TooManyParts { .. }));
}

#[test]
fn split_at_the_limits_conserves() {
    for money in [max_usd(), max_usd().neg()] {
        let parts = money.split(Money::MAX_PARTS).unwrap();
        assert_eq!(parts.len(), Money::MAX_PARTS);
        assert_eq!(Money::checked_sum(parts, usd()).unwrap(), money);
    }
}

#[test]
fn allocation_of_the_largest_amount_by_the_largest_weights_conserves() {
    let weights = [
        Decimal::MAX,
        Decimal::MAX,
        Decimal::ONE,
        Decimal::new(1, 28),
    ];
    for money in [max_usd(), max_usd().neg()] {
        match money.allocate(&weights) {
            Ok(parts) => assert_eq!(Money::checked_sum(parts, usd()).unwrap(), money),
            Err(err) => assert!(matches!(err, Error::Overflow { .. }), "{err}"),
        }
    }
}

#[test]
fn rate_to_percent_overflow_is_a_typed_error() {
    for value in [Decimal::MAX, Decimal::MIN] {
        let err = Rate::new(value).to_percent().unwrap_err();
        assert!(matches!(
            err,
            Error::RateOverflow { operation: "conversion to a percentage", value: v, .. } if v == value
        ));
        assert!(err.to_string().contains(&value.to_string()));
    }
    let percent = Rate::new(Decimal::MAX / Decimal::ONE_HUNDRED)
        .to_percent()
        .unwrap();
    assert!(percent.value() > Decimal::ZERO);
    // The other way round only divides: it always succeeds.
    let _ = Percent::new(Decimal::MAX).to_rate();
    let _ = Percent::new(Decimal::new(1, 28)).to_rate();
}

#[test]
fn arithmetic_at_decimal_limits_is_a_typed_overflow() {
    let max = max_usd();
    assert!(matches!(max.checked_add(max), Err(Error::Overflow { .. })));
    assert!(matches!(
        max.neg().checked_sub(max),
        Err(Error::Overflow { .. })
    ));
    assert!(matches!(
        max.mul_rate(
            Rate::new(Decimal::MAX),
            RoundingStrategy::MidpointNearestEven
        ),
        Err(Error::Overflow { .. })
    ));
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let eur = Currency::EUR;
    let huge = ExchangeRate::new(usd(), eur, Rate::new(Decimal::MAX), day).unwrap();
    assert!(matches!(
        huge.convert(max, RoundingStrategy::MidpointNearestEven),
        Err(Error::Overflow { .. })
    ));
    // 1 / 10^-28 is 10^28, still inside Decimal's range.
    let tiny = ExchangeRate::new(usd(), eur, Rate::new(Decimal::new(1, 28)), day).unwrap();
    assert_eq!(
        tiny.inverse().unwrap().rate().value(),
        Decimal::from_i128_with_scale(10_i128.pow(28), 0)
    );
}

#[test]
fn periods_at_the_ends_of_the_calendar_are_typed_errors() {
    for naming in [FiscalYearNaming::StartYear, FiscalYearNaming::EndYear] {
        for first_month in 1..=12 {
            let calendar = FiscalCalendar::new(first_month, naming).unwrap();
            for day in [NaiveDate::MIN, NaiveDate::MAX] {
                for granularity in [Granularity::Month, Granularity::Quarter, Granularity::Year] {
                    // Either the period exists or the error says the date is out of range.
                    match calendar.period_containing(day, granularity) {
                        Ok(period) => {
                            for step in [period.next(), period.previous()] {
                                if let Err(err) = step {
                                    assert!(matches!(err, Error::DateOutOfRange { .. }), "{err}");
                                }
                            }
                        }
                        Err(err) => assert!(matches!(err, Error::DateOutOfRange { .. }), "{err}"),
                    }
                }
            }
        }
    }
    for year in [i32::MIN, i32::MAX] {
        assert!(matches!(
            Period::year(year),
            Err(Error::DateOutOfRange { .. })
        ));
        assert!(matches!(
            Period::month(year, 12),
            Err(Error::DateOutOfRange { .. })
        ));
    }
}

#[test]
fn all_iso_is_stable_across_calls() {
    let first = Currency::all_iso();
    assert_eq!(first, Currency::all_iso());
    assert!(first.windows(2).all(|w| w[0].code() < w[1].code()));
}

/// Amounts anywhere up to a tenth of Decimal's mantissa in minor units: up to
/// `Decimal::MAX / 10` in JPY (no minor unit), a hundredth of that in USD.
fn large_money() -> impl Strategy<Value = Money> {
    let limit = Decimal::MAX.mantissa() / 10;
    (prop_oneof![Just("USD"), Just("JPY")], -limit..=limit)
        .prop_map(|(code, minor)| Money::from_minor(minor, Currency::iso(code).unwrap()).unwrap())
}

proptest! {
    #[test]
    fn large_amounts_never_panic(a in large_money(), other in large_money(), parts in 0_usize..64,
                                  weights in proptest::collection::vec(any::<u64>().prop_map(Decimal::from), 0..6),
                                  rate_mantissa in any::<i64>(), rate_scale in 0_u32..=28) {
        // `b` is `other`'s amount in `a`'s currency; `other` itself is in
        // another currency half the time, which must be a typed mismatch.
        let b = Money::from_minor(other.to_minor(), a.currency()).unwrap();
        for result in [a.checked_add(b), a.checked_sub(b), a.checked_add(other)] {
            if let Err(err) = result {
                prop_assert!(matches!(err, Error::Overflow { .. } | Error::CurrencyMismatch { .. }), "{}", err);
            }
        }
        let rate = Rate::new(Decimal::new(rate_mantissa, rate_scale));
        let _ = a.mul_rate(rate, RoundingStrategy::MidpointAwayFromZero);
        let _ = rate.to_percent();
        if let Ok(split) = a.split(parts) {
            prop_assert_eq!(Money::checked_sum(split, a.currency()).unwrap(), a);
        }
        if let Ok(allocated) = a.allocate(&weights) {
            prop_assert_eq!(Money::checked_sum(allocated, a.currency()).unwrap(), a);
        }
    }

    #[test]
    fn rates_anywhere_in_decimal_range_never_panic(mantissa in any::<i128>(), scale in 0_u32..=28) {
        let value = Decimal::try_from_i128_with_scale(mantissa % Decimal::MAX.mantissa(), scale).unwrap();
        match Rate::new(value).to_percent() {
            Ok(percent) => prop_assert_eq!(percent.to_rate().value().normalize(), value.normalize()),
            Err(err) => prop_assert!(matches!(err, Error::RateOverflow { .. }), "{}", err),
        }
    }
}
