//! The one error type of bureau-core.

use rust_decimal::Decimal;

use crate::{Currency, Rate};

/// Everything that can go wrong in bureau-core. Every variant names the value
/// that was wrong.
///
/// The enum and every variant with fields are `#[non_exhaustive]`: new
/// variants and new fields can come without breaking a caller, who matches
/// with `{ .. }` (other crates of the family build the variants they report
/// through constructors such as [`Error::currency_mismatch`]). Variants
/// without fields are matched by name.
///
/// # Examples
///
/// ```
/// use bureau_core::{Error, Money};
///
/// let err = "12.345 USD".parse::<Money>().unwrap_err();
/// assert!(matches!(err, Error::TooPrecise { .. }));
/// assert_eq!(err.to_string(), "amount 12.345 has more decimal places than USD allows (2)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The amount has more decimal places than the currency's minor unit.
    #[error("amount {amount} has more decimal places than {currency} allows ({})", currency.minor_units())]
    #[non_exhaustive]
    TooPrecise {
        /// The amount as given.
        amount: Decimal,
        /// The currency it was meant for.
        currency: Currency,
    },
    /// The code is not an ISO 4217 currency (custom commodities must be declared).
    #[error("unknown currency code {code:?}")]
    #[non_exhaustive]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// The ISO 4217 code exists but defines no minor unit (gold, SDR, test codes).
    #[error("ISO 4217 code {code} has no minor unit; declare it as a commodity with its precision")]
    #[non_exhaustive]
    NoMinorUnit {
        /// The ISO code.
        code: String,
    },
    /// A custom commodity code or precision is not acceptable.
    #[error("invalid commodity {code:?}: {reason}")]
    #[non_exhaustive]
    InvalidCommodity {
        /// The code as given.
        code: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A text could not be read as money.
    #[error("cannot read {input:?} as money: {reason}")]
    #[non_exhaustive]
    InvalidMoney {
        /// The text as given.
        input: String,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A decimal number could not be read.
    #[error("cannot read {input:?} as a decimal number")]
    #[non_exhaustive]
    InvalidDecimal {
        /// The text as given.
        input: String,
    },
    /// Two amounts in different currencies were combined or compared.
    #[error("cannot combine {left} with {right}")]
    #[non_exhaustive]
    CurrencyMismatch {
        /// The currency of the left-hand amount.
        left: Currency,
        /// The currency of the right-hand amount.
        right: Currency,
    },
    /// A result does not fit in a decimal at the currency's precision.
    #[error("{operation} overflows the range of an amount in {currency}")]
    #[non_exhaustive]
    Overflow {
        /// What was being computed (`"addition"`, `"multiplication"`, ...).
        operation: &'static str,
        /// The currency of the result.
        currency: Currency,
    },
    /// An allocation was asked for with no weights or no parts.
    #[error("cannot allocate into zero parts")]
    NoParts,
    /// A split was asked for with more parts than [`Money::MAX_PARTS`](crate::Money::MAX_PARTS).
    #[error("cannot split into {parts} parts: at most {max} are supported")]
    #[non_exhaustive]
    TooManyParts {
        /// The number of parts asked for.
        parts: usize,
        /// The most parts a split may have.
        max: usize,
    },
    /// Every allocation weight is zero.
    #[error("cannot allocate by weights that are all zero")]
    AllWeightsZero,
    /// An allocation weight is negative.
    #[error("allocation weight {weight} at position {index} is negative")]
    #[non_exhaustive]
    NegativeWeight {
        /// Zero-based position of the weight.
        index: usize,
        /// The weight as given.
        weight: Decimal,
    },
    /// A rate computation left the range of a decimal.
    #[error("{operation} of rate {value} overflows the range of a decimal")]
    #[non_exhaustive]
    RateOverflow {
        /// What was being computed (`"conversion to a percentage"`).
        operation: &'static str,
        /// The rate as given.
        value: Decimal,
    },
    /// An exchange rate is zero or negative.
    #[error("exchange rate {rate} from {from} to {to} must be positive")]
    #[non_exhaustive]
    InvalidExchangeRate {
        /// Source currency.
        from: Currency,
        /// Target currency.
        to: Currency,
        /// The rate as given.
        rate: Rate,
    },
    /// An exchange rate from a currency to itself that is not one.
    #[error("exchange rate {rate} from {currency} to itself must be 1")]
    #[non_exhaustive]
    SameCurrencyRate {
        /// The currency on both sides.
        currency: Currency,
        /// The rate as given.
        rate: Rate,
    },
    /// A text is not an id of the expected kind.
    #[error("invalid {kind} id {input:?}")]
    #[non_exhaustive]
    InvalidId {
        /// The kind of id expected (`"party"`).
        kind: &'static str,
        /// The text as given.
        input: String,
    },
    /// A date range whose end comes before its start.
    #[error("date range ends on {end} before it starts on {start}")]
    #[non_exhaustive]
    InvalidDateRange {
        /// First day of the range.
        start: chrono::NaiveDate,
        /// First day after the range.
        end: chrono::NaiveDate,
    },
    /// A month number outside 1..=12.
    #[error("month {month} is not between 1 and 12")]
    #[non_exhaustive]
    InvalidMonth {
        /// The month as given.
        month: u32,
    },
    /// A period index outside what its granularity allows.
    #[error("{granularity} {index} does not exist (a fiscal year has {max})")]
    #[non_exhaustive]
    InvalidPeriodIndex {
        /// `"month"` or `"quarter"`.
        granularity: &'static str,
        /// The index as given (1-based).
        index: u32,
        /// How many there are in a year.
        max: u32,
    },
    /// A text could not be read as a period.
    #[error("cannot read {input:?} as a period (expected 2026, 2026-Q1 or 2026-03)")]
    #[non_exhaustive]
    InvalidPeriod {
        /// The text as given.
        input: String,
    },
    /// A date computation left the supported calendar range.
    #[error("date out of range near year {year}")]
    #[non_exhaustive]
    DateOutOfRange {
        /// The year where the computation stopped.
        year: i32,
    },
}

/// Constructors for the errors other crates of the family report in
/// bureau-core's terms: the variants are `#[non_exhaustive]`, so they cannot
/// be built with a struct expression outside this crate.
impl Error {
    /// Two amounts in different currencies were combined or compared.
    ///
    /// ```
    /// use bureau_core::{Currency, Error};
    ///
    /// let err = Error::currency_mismatch(Currency::USD, Currency::EUR);
    /// assert_eq!(err.to_string(), "cannot combine USD with EUR");
    /// ```
    pub const fn currency_mismatch(left: Currency, right: Currency) -> Self {
        Error::CurrencyMismatch { left, right }
    }
}

/// `Result` with bureau-core's [`Error`] as the default error type.
///
/// ```
/// use bureau_core::{Money, Result};
/// fn total(lines: &[&str]) -> Result<Money> {
///     let mut sum: Money = "0 USD".parse()?;
///     for line in lines {
///         sum = sum.checked_add(line.parse()?)?;
///     }
///     Ok(sum)
/// }
/// assert_eq!(total(&["1.25 USD", "2 USD"])?.to_string(), "3.25 USD");
/// # Ok::<(), bureau_core::Error>(())
/// ```
pub type Result<T, E = Error> = core::result::Result<T, E>;
