//! Properties and regression cases of bureau-core, run with the crate's own
//! proptest strategies. CI runs every property with `PROPTEST_CASES=1000`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_core::strategy;
use bureau_core::{
    Currency, DateRange, Error, FiscalCalendar, FiscalYearNaming, Granularity, Money, Period,
    RoundingStrategy,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Every strategy that `Money::rounded` accepts.
const STRATEGIES: [RoundingStrategy; 7] = [
    RoundingStrategy::MidpointNearestEven,
    RoundingStrategy::MidpointAwayFromZero,
    RoundingStrategy::MidpointTowardZero,
    RoundingStrategy::ToZero,
    RoundingStrategy::AwayFromZero,
    RoundingStrategy::ToNegativeInfinity,
    RoundingStrategy::ToPositiveInfinity,
];

/// Weights as whole numbers at one common scale, for exact share arithmetic.
fn integer_weights(weights: &[Decimal]) -> Vec<i128> {
    let scale = weights.iter().map(|w| w.normalize().scale()).max().unwrap();
    weights
        .iter()
        .map(|w| {
            let n = w.normalize();
            n.mantissa() * 10_i128.pow(scale - n.scale())
        })
        .collect()
}

proptest! {
    #[test]
    fn allocation_conserves_and_stays_within_a_minor_unit(money in strategy::money(), weights in strategy::weights()) {
        let parts = money.allocate(&weights).unwrap();
        prop_assert_eq!(parts.len(), weights.len());
        prop_assert_eq!(Money::checked_sum(parts.iter().copied(), money.currency()).unwrap(), money);
        let ints = integer_weights(&weights);
        let sum: i128 = ints.iter().sum();
        for (part, weight) in parts.iter().zip(&ints) {
            prop_assert_eq!(part.currency(), money.currency());
            // |part - total × w / W| < 1 minor unit  ⇔  |part × W - total × w| < W
            let gap = (part.to_minor() * sum - money.to_minor() * weight).abs();
            prop_assert!(gap < sum, "part {} is a unit or more from its share", part);
            if *weight == 0 {
                prop_assert!(part.is_zero());
            }
        }
        prop_assert_eq!(money.allocate(&weights).unwrap(), parts, "allocation is deterministic");
    }

    #[test]
    fn allocation_with_huge_weights_still_conserves(money in strategy::money_at_limits(), raw in proptest::collection::vec((any::<u64>(), 0_u32..=8), 1..8)) {
        let weights: Vec<Decimal> = raw.iter().map(|(m, s)| Decimal::from_i128_with_scale(i128::from(*m), *s)).collect();
        match money.allocate(&weights) {
            Ok(parts) => prop_assert_eq!(Money::checked_sum(parts, money.currency()).unwrap(), money),
            Err(Error::AllWeightsZero) => prop_assert!(weights.iter().all(|w| w.is_zero())),
            Err(Error::Overflow { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn split_conserves_and_parts_differ_by_at_most_one_unit(money in strategy::money(), parts in 1_usize..200) {
        let split = money.split(parts).unwrap();
        prop_assert_eq!(split.len(), parts);
        prop_assert_eq!(Money::checked_sum(split.iter().copied(), money.currency()).unwrap(), money);
        let minors: Vec<i128> = split.iter().map(Money::to_minor).collect();
        let (low, high) = (minors.iter().min().unwrap(), minors.iter().max().unwrap());
        prop_assert!(high - low <= 1);
        let count = i128::try_from(parts).unwrap();
        for minor in &minors {
            prop_assert!((minor * count - money.to_minor()).abs() < count);
        }
    }

    #[test]
    fn midpoint_rounding_moves_at_most_half_a_minor_unit(currency in strategy::currency(), mantissa in any::<i64>(), extra in 0_u32..=8) {
        let scale = (currency.minor_units() + extra).min(28);
        let exact = Decimal::new(mantissa, scale);
        let unit = Decimal::new(1, currency.minor_units());
        for strategy in STRATEGIES {
            let rounded = Money::rounded(exact, currency, strategy).unwrap();
            let moved = (rounded.amount() - exact).abs();
            if strategy.is_midpoint() {
                prop_assert!(moved * Decimal::TWO <= unit, "{strategy:?} moved {exact} by {moved}");
            } else {
                prop_assert!(moved < unit, "{strategy:?} moved {exact} by {moved}");
            }
        }
    }

    #[test]
    fn addition_is_associative_and_commutative(currency in strategy::currency(), a in any::<i64>(), b in any::<i64>(), c in any::<i64>()) {
        let m = |x: i64| Money::from_minor(i128::from(x / 4), currency).unwrap();
        let (a, b, c) = (m(a), m(b), m(c));
        prop_assert_eq!(a.checked_add(b).unwrap(), b.checked_add(a).unwrap());
        prop_assert_eq!(
            a.checked_add(b).unwrap().checked_add(c).unwrap(),
            a.checked_add(b.checked_add(c).unwrap()).unwrap()
        );
        prop_assert_eq!(a.checked_sub(b).unwrap(), b.checked_sub(a).unwrap().neg());
        prop_assert_eq!(a.checked_add(b).unwrap().checked_sub(b).unwrap(), a);
    }

    #[test]
    fn different_currencies_never_combine(a in strategy::money(), b in strategy::money()) {
        prop_assume!(a.currency() != b.currency());
        prop_assert!(matches!(a.checked_add(b), Err(Error::CurrencyMismatch { .. })), "addition must be refused");
        prop_assert!(matches!(a.checked_sub(b), Err(Error::CurrencyMismatch { .. })), "subtraction must be refused");
        prop_assert!(a.checked_cmp(b).is_err());
    }

    #[test]
    fn arithmetic_at_the_limits_errors_instead_of_panicking(a in strategy::money_at_limits(), b in strategy::money_at_limits()) {
        let b = Money::from_minor(b.to_minor(), a.currency()).unwrap_or(a);
        for result in [a.checked_add(b), a.checked_sub(b)] {
            match result {
                Ok(sum) => prop_assert_eq!(sum.amount().scale(), a.currency().minor_units()),
                Err(error) => prop_assert!(matches!(error, Error::Overflow { .. }), "{error}"),
            }
        }
        let _ = a.split(7);
        let _ = a.mul_rate(bureau_core::Rate::new(b.amount()), RoundingStrategy::MidpointNearestEven);
    }

    #[test]
    fn display_then_parse_round_trips(money in strategy::money()) {
        let text = money.to_string();
        let back = if money.currency().is_iso() {
            text.parse::<Money>().unwrap()
        } else {
            Money::parse_with(&text, &[money.currency()]).unwrap()
        };
        prop_assert_eq!(back, money);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn serde_round_trips_with_amounts_as_strings(money in strategy::money()) {
        let json = serde_json::to_value(money).unwrap();
        prop_assert!(json["amount"].is_string(), "amount must travel as a string: {json}");
        let back: Money = serde_json::from_value(json).unwrap();
        prop_assert_eq!(back, money);
    }

    #[test]
    fn parsing_any_text_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<Money>();
        let _ = text.parse::<Currency>();
        let _ = text.parse::<Period>();
        let _ = text.parse::<bureau_core::PartyId>();
        let _ = text.parse::<bureau_core::Rate>();
    }

    #[test]
    fn parsing_money_shaped_text_never_panics(sign in "-?", whole in "[0-9]{0,40}", fraction in "(\\.[0-9]{0,40})?", code in "[A-Z]{3}") {
        let text = format!("{sign}{whole}{fraction} {code}");
        if let Ok(money) = text.parse::<Money>() {
            prop_assert_eq!(money.currency().code().to_owned(), code);
        }
    }

    #[test]
    fn date_range_operations_agree(a in strategy::date_range(), b in strategy::date_range()) {
        prop_assert_eq!(a.days().count() as u64, a.len_days());
        match a.intersection(&b) {
            Some(shared) => {
                prop_assert!(a.overlaps(&b));
                for day in shared.days() {
                    prop_assert!(a.contains(day) && b.contains(day));
                }
            }
            None => prop_assert!(!a.overlaps(&b) && a.days().all(|d| !b.contains(d))),
        }
    }

    #[test]
    fn periods_tile_the_timeline(day in strategy::date(), first_month in 1_u32..=12, end_naming in any::<bool>()) {
        let naming = if end_naming { FiscalYearNaming::EndYear } else { FiscalYearNaming::StartYear };
        let calendar = FiscalCalendar::new(first_month, naming).unwrap();
        for granularity in [Granularity::Month, Granularity::Quarter, Granularity::Year] {
            let period = calendar.period_containing(day, granularity).unwrap();
            prop_assert!(period.contains(day));
            let next = period.next().unwrap();
            prop_assert_eq!(next.range().start(), period.range().end());
            prop_assert_eq!(next.previous().unwrap(), period);
            prop_assert!(calendar.year_containing(day).range().unwrap().contains(day));
        }
    }
}

/// Named regression cases for parsing: input, expected display or error.
#[test]
fn parsing_regressions() {
    let cases: &[(&str, Result<&str, &str>)] = &[
        ("12.50 USD", Ok("12.50 USD")),
        ("12.5 USD", Ok("12.50 USD")),
        ("12.340 USD", Ok("12.34 USD")),
        ("-0.00 USD", Ok("0.00 USD")),
        ("007 JPY", Ok("7 JPY")),
        ("1.234 KWD", Ok("1.234 KWD")),
        (
            "12.345 USD",
            Err("amount 12.345 has more decimal places than USD allows (2)"),
        ),
        ("12 XXQ", Err("unknown currency code \"XXQ\"")),
        ("12 usd", Err("unknown currency code \"usd\"")),
        (
            "1 XAU",
            Err(
                "ISO 4217 code XAU has no minor unit; declare it as a commodity with its precision",
            ),
        ),
        (
            "abc USD",
            Err(
                "cannot read \"abc USD\" as money: the amount is not a decimal number like -1234.56",
            ),
        ),
        (
            "1e3 USD",
            Err(
                "cannot read \"1e3 USD\" as money: the amount is not a decimal number like -1234.56",
            ),
        ),
        (
            "+1 USD",
            Err(
                "cannot read \"+1 USD\" as money: the amount is not a decimal number like -1234.56",
            ),
        ),
        (
            "12USD",
            Err(
                "cannot read \"12USD\" as money: expected an amount, one space and a currency code",
            ),
        ),
        (
            "79228162514264337593543950335 USD",
            Err("construction overflows the range of an amount in USD"),
        ),
        (
            "792281625142643375935439503350 USD",
            Err("parsing overflows the range of an amount in USD"),
        ),
        (
            "0.0000000000000000000000000000001 USD",
            Err(
                "cannot read \"0.0000000000000000000000000000001 USD\" as money: the amount has more decimal places than the currency allows",
            ),
        ),
    ];
    for (input, expected) in cases {
        let got = input
            .parse::<Money>()
            .map(|m| m.to_string())
            .map_err(|e| e.to_string());
        let expected = expected.map(str::to_owned).map_err(str::to_owned);
        assert_eq!(got, expected, "input {input:?}");
    }
}

#[test]
fn iso_table_has_the_usual_minor_units() {
    for (code, units) in [
        ("JPY", 0),
        ("KRW", 0),
        ("USD", 2),
        ("EUR", 2),
        ("KWD", 3),
        ("BHD", 3),
        ("TND", 3),
        ("CLF", 4),
        ("UYW", 4),
    ] {
        assert_eq!(Currency::iso(code).unwrap().minor_units(), units, "{code}");
    }
    assert!(Currency::all_iso().len() > 150);
}

#[test]
fn allocation_errors_name_the_problem() {
    let m: Money = "10.00 USD".parse().unwrap();
    assert_eq!(m.allocate(&[]), Err(Error::NoParts));
    assert_eq!(
        m.allocate(&[Decimal::ZERO, Decimal::ZERO]),
        Err(Error::AllWeightsZero)
    );
    assert_eq!(
        m.allocate(&[Decimal::ONE, Decimal::NEGATIVE_ONE])
            .unwrap_err()
            .to_string(),
        "allocation weight -1 at position 1 is negative"
    );
    assert_eq!(m.split(0), Err(Error::NoParts));
}

/// Allocation cases worked by hand: amount, weights, expected parts.
#[test]
fn allocation_regressions() {
    let cases: &[(&str, &[i64], &[&str])] = &[
        ("100.00 USD", &[1, 1, 1], &["33.34", "33.33", "33.33"]),
        ("0.01 USD", &[1, 1, 1], &["0.01", "0.00", "0.00"]),
        ("-100.00 USD", &[1, 1, 1], &["-33.34", "-33.33", "-33.33"]),
        ("5 JPY", &[1, 0, 1], &["3", "0", "2"]),
        ("0.05 USD", &[3, 7], &["0.02", "0.03"]),
        (
            "1.000 KWD",
            &[1, 2, 3, 4, 5, 6],
            &["0.048", "0.095", "0.143", "0.190", "0.238", "0.286"],
        ),
    ];
    for (amount, weights, expected) in cases {
        let money: Money = amount.parse().unwrap();
        let weights: Vec<Decimal> = weights.iter().copied().map(Decimal::from).collect();
        let parts: Vec<String> = money
            .allocate(&weights)
            .unwrap()
            .iter()
            .map(|m| m.amount().to_string())
            .collect();
        assert_eq!(parts, *expected, "{amount} by {weights:?}");
    }
}

#[test]
fn fiscal_year_regressions() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let federal = FiscalCalendar::new(10, FiscalYearNaming::EndYear).unwrap();
    let india = FiscalCalendar::new(4, FiscalYearNaming::StartYear).unwrap();
    assert_eq!(federal.year_containing(d(2026, 9, 30)).label(), 2026);
    assert_eq!(federal.year_containing(d(2026, 10, 1)).label(), 2027);
    assert_eq!(india.year_containing(d(2027, 3, 31)).label(), 2026);
    assert_eq!(india.year_containing(d(2027, 4, 1)).label(), 2027);
    assert_eq!(
        federal.year(2027).range().unwrap(),
        DateRange::new(d(2026, 10, 1), d(2027, 10, 1)).unwrap()
    );
    let p = india
        .period_containing(d(2027, 1, 15), Granularity::Month)
        .unwrap();
    assert_eq!((p.to_string(), p.index()), ("FY2026-P10".to_owned(), 10));
    assert_eq!("2026-02".parse::<Period>().unwrap().range().len_days(), 28);
    assert!("2026-13".parse::<Period>().is_err());
    assert!("2026-Q5".parse::<Period>().is_err());
}
