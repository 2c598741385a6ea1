//! Strategies that generate valid values of this crate, for property tests.
//!
//! Every value generated is accepted by the constructors: amounts fit their
//! currency, weights are non-negative with at least one above zero, ranges are
//! ordered. Shrinking moves toward small amounts and short ranges.
//!
//! ```
//! use bureau_core::strategy;
//! use proptest::prelude::*;
//!
//! proptest!(|(money in strategy::money())| {
//!     prop_assert_eq!(money.checked_add(money.neg())?.is_zero(), true);
//! });
//! ```

use ::proptest::prelude::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::{Currency, DateRange, Money};

/// Any ISO 4217 currency that has a minor unit.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(c in strategy::iso_currency())| prop_assert!(c.is_iso()));
/// ```
pub fn iso_currency() -> impl Strategy<Value = Currency> {
    ::proptest::sample::select(Currency::all_iso())
}

/// A custom commodity with a code of 1 to 12 characters and a precision of 0 to 18.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(c in strategy::commodity())| prop_assert!(!c.is_iso() && c.minor_units() <= 18));
/// ```
pub fn commodity() -> impl Strategy<Value = Currency> {
    ("[A-Z][A-Z0-9_]{0,11}", 0_u32..=18)
        .prop_filter_map("code is an ISO currency", |(code, precision)| {
            Currency::commodity(&code, precision).ok()
        })
}

/// An ISO currency (most of the time) or a custom commodity.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(c in strategy::currency())| prop_assert!(!c.code().is_empty()));
/// ```
pub fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![4 => iso_currency(), 1 => commodity()]
}

/// Money in `currency` whose magnitude in minor units is below 10^15
/// (ten trillion dollars): large enough for any real book, small enough that
/// sums of many never overflow.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// let usd = bureau_core::Currency::USD;
/// proptest!(|(m in strategy::money_in(usd))| prop_assert_eq!(m.currency(), usd));
/// ```
pub fn money_in(currency: Currency) -> impl Strategy<Value = Money> {
    (-999_999_999_999_999_i64..=999_999_999_999_999_i64)
        .prop_filter_map("fits the currency", move |minor| {
            Money::from_minor(i128::from(minor), currency).ok()
        })
}

/// Money of any [`currency`], bounded as in [`money_in`].
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(m in strategy::money())| prop_assert_eq!(m.amount().scale(), m.currency().minor_units()));
/// ```
pub fn money() -> impl Strategy<Value = Money> {
    currency().prop_flat_map(money_in)
}

/// Money anywhere in the range `Decimal` can hold at the currency's precision,
/// for tests of overflow handling.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(m in strategy::money_at_limits())| { let _ = m.checked_add(m); });
/// ```
pub fn money_at_limits() -> impl Strategy<Value = Money> {
    (currency(), any::<i128>()).prop_filter_map("fits the currency", |(currency, minor)| {
        Money::from_minor(minor % (1_i128 << 96), currency).ok()
    })
}

/// One to 24 allocation weights, non-negative with at least one above zero,
/// with up to 4 decimal places.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(w in strategy::weights())| prop_assert!(w.iter().any(|x| !x.is_zero())));
/// ```
pub fn weights() -> impl Strategy<Value = Vec<Decimal>> {
    ::proptest::collection::vec((0_u32..1_000_000, 0_u32..=4), 1..=24)
        .prop_map(|raw| {
            raw.into_iter()
                .map(|(mantissa, scale)| Decimal::new(i64::from(mantissa), scale))
                .collect::<Vec<_>>()
        })
        .prop_filter("at least one weight above zero", |w| {
            w.iter().any(|x| !x.is_zero())
        })
}

/// A date between 1900 and 2199.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(d in strategy::date())| prop_assert!(chrono::Datelike::year(&d) >= 1900));
/// ```
pub fn date() -> impl Strategy<Value = NaiveDate> {
    (1900_i32..2200, 1_u32..=366).prop_filter_map("valid ordinal day", |(year, ordinal)| {
        NaiveDate::from_yo_opt(year, ordinal)
    })
}

/// A date range of 0 to 800 days starting between 1900 and 2199.
///
/// ```
/// use bureau_core::strategy;
/// use proptest::prelude::*;
/// proptest!(|(r in strategy::date_range())| prop_assert!(r.start() <= r.end()));
/// ```
pub fn date_range() -> impl Strategy<Value = DateRange> {
    (date(), 0_u64..=800).prop_filter_map("representable", |(start, days)| {
        let end = start.checked_add_days(chrono::Days::new(days))?;
        DateRange::new(start, end).ok()
    })
}
