//! Rates, percentages and exchange rates.

use core::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::{Currency, Error, Money, Result, RoundingStrategy};

/// A dimensionless multiplier: `0.19` is nineteen percent, `1.5` is one and a half.
///
/// Rates may be negative (a discount applied as a rate, a negative interest rate).
/// Displayed as the plain decimal.
///
/// # Examples
///
/// ```
/// use bureau_core::{Money, Rate, RoundingStrategy};
///
/// let commission = Rate::new("0.035".parse()?);
/// let sale: Money = "1200.00 USD".parse()?;
/// assert_eq!(sale.mul_rate(commission, RoundingStrategy::MidpointNearestEven)?.to_string(), "42.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Rate(#[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))] Decimal);

impl Rate {
    /// A rate of zero.
    ///
    /// ```
    /// use bureau_core::Rate;
    /// assert_eq!(Rate::ZERO, Rate::new(0.into()));
    /// ```
    pub const ZERO: Self = Self(Decimal::ZERO);

    /// A rate of one: the multiplier that changes nothing, and the only
    /// exchange rate between a currency and itself.
    ///
    /// ```
    /// use bureau_core::Rate;
    /// assert_eq!(Rate::ONE, Rate::new(1.into()));
    /// ```
    pub const ONE: Self = Self(Decimal::ONE);

    /// A rate of `value` (a fraction, not a percentage).
    ///
    /// ```
    /// use bureau_core::Rate;
    /// assert_eq!(Rate::new("0.25".parse()?).to_string(), "0.25");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The multiplier.
    ///
    /// ```
    /// use bureau_core::Rate;
    /// use rust_decimal::Decimal;
    /// assert_eq!(Rate::new(Decimal::ONE).value(), Decimal::ONE);
    /// ```
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// The same rate as a percentage (`0.19` becomes `19`).
    ///
    /// # Errors
    ///
    /// [`Error::RateOverflow`] when the rate is more than a hundredth of
    /// [`Decimal::MAX`] in magnitude, so its percentage has no decimal.
    ///
    /// ```
    /// use bureau_core::{Error, Rate};
    /// use rust_decimal::Decimal;
    /// assert_eq!(Rate::new("0.19".parse()?).to_percent()?.to_string(), "19%");
    /// assert!(matches!(Rate::new(Decimal::MAX).to_percent(), Err(Error::RateOverflow { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_percent(self) -> Result<Percent> {
        self.0
            .checked_mul(Decimal::ONE_HUNDRED)
            .map(|value| Percent(value.normalize()))
            .ok_or(Error::RateOverflow {
                operation: "conversion to a percentage",
                value: self.0,
            })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl core::str::FromStr for Rate {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Decimal::from_str_exact(text)
            .map(Self)
            .map_err(|_| Error::InvalidDecimal {
                input: text.to_owned(),
            })
    }
}

/// A percentage: `19` means nineteen percent. Converts to a [`Rate`] to be applied.
///
/// ```
/// use bureau_core::Percent;
/// let vat = Percent::new("7.7".parse()?);
/// assert_eq!(vat.to_rate().to_string(), "0.077");
/// assert_eq!(vat.to_string(), "7.7%");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Percent(
    #[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))] Decimal,
);

impl Percent {
    /// `value` percent.
    ///
    /// ```
    /// use bureau_core::Percent;
    /// use rust_decimal::Decimal;
    /// assert_eq!(Percent::new(Decimal::from(20)).value(), Decimal::from(20));
    /// ```
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The number of percent.
    ///
    /// ```
    /// use bureau_core::Percent;
    /// use rust_decimal::Decimal;
    /// assert_eq!(Percent::new(Decimal::from(5)).value(), Decimal::from(5));
    /// ```
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// The multiplier this percentage stands for (`19` becomes `0.19`). Exact.
    ///
    /// ```
    /// use bureau_core::Percent;
    /// use rust_decimal::Decimal;
    /// assert_eq!(Percent::new(Decimal::from(19)).to_rate().value(), Decimal::new(19, 2));
    /// ```
    pub fn to_rate(self) -> Rate {
        // Dividing by 100 only moves the decimal point; it is exact unless the
        // scale is already 27 or more, where the last digit is rounded.
        // A scale is at most 28, so adding 2 cannot overflow; dividing by 100
        // shrinks the magnitude, so the fallback cannot overflow either.
        let mut value = self.0;
        if value.set_scale(value.scale() + 2).is_err() {
            value = self.0 / Decimal::ONE_HUNDRED;
        }
        Rate(value.normalize())
    }
}

impl From<Percent> for Rate {
    fn from(percent: Percent) -> Self {
        percent.to_rate()
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

/// The price of one unit of `from` in `to` on a date: `1 EUR = 1.0842 USD`.
///
/// # Examples
///
/// The rate is a [`Rate`], always positive, and exactly one between a currency
/// and itself.
///
/// # Examples
///
/// ```
/// use bureau_core::{Currency, ExchangeRate, RoundingStrategy, money};
/// use bureau_core::chrono::NaiveDate;
///
/// let day = NaiveDate::from_ymd_opt(2026, 11, 2).ok_or("date")?;
/// let rate = ExchangeRate::new(Currency::EUR, Currency::USD, "1.0842".parse()?, day)?;
/// let invoice = money!(1000.00 EUR);
/// assert_eq!(rate.convert(invoice, RoundingStrategy::MidpointNearestEven)?, money!(1084.20 USD));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ExchangeRate {
    from: Currency,
    to: Currency,
    rate: Rate,
    as_of: NaiveDate,
}

impl ExchangeRate {
    /// One `from` costs `rate` `to`, as quoted on `as_of`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidExchangeRate`] when `rate` is zero or negative,
    /// [`Error::SameCurrencyRate`] when `from` and `to` are one currency and
    /// `rate` is not one.
    ///
    /// ```
    /// use bureau_core::{Currency, Error, ExchangeRate, Rate};
    /// use bureau_core::chrono::NaiveDate;
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let (eur, usd) = (Currency::EUR, Currency::USD);
    /// assert!(matches!(
    ///     ExchangeRate::new(eur, usd, Rate::ZERO, day),
    ///     Err(Error::InvalidExchangeRate { .. })
    /// ));
    /// assert!(matches!(
    ///     ExchangeRate::new(usd, usd, "1.01".parse()?, day),
    ///     Err(Error::SameCurrencyRate { .. })
    /// ));
    /// assert!(ExchangeRate::new(usd, usd, Rate::ONE, day).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(from: Currency, to: Currency, rate: Rate, as_of: NaiveDate) -> Result<Self> {
        if rate.value() <= Decimal::ZERO {
            return Err(Error::InvalidExchangeRate { from, to, rate });
        }
        if from == to && rate.value() != Decimal::ONE {
            return Err(Error::SameCurrencyRate {
                currency: from,
                rate,
            });
        }
        Ok(Self {
            from,
            to,
            rate,
            as_of,
        })
    }

    /// The currency converted from.
    ///
    /// ```
    /// # use bureau_core::{Currency, ExchangeRate};
    /// # let day = bureau_core::chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let rate = ExchangeRate::new(Currency::GBP, Currency::EUR, "1.15".parse()?, day)?;
    /// assert_eq!(rate.from().code(), "GBP");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn from(&self) -> Currency {
        self.from
    }

    /// The currency converted to.
    ///
    /// ```
    /// # use bureau_core::{Currency, ExchangeRate};
    /// # let day = bureau_core::chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let rate = ExchangeRate::new(Currency::GBP, Currency::EUR, "1.15".parse()?, day)?;
    /// assert_eq!(rate.to().code(), "EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn to(&self) -> Currency {
        self.to
    }

    /// Units of `to` per unit of `from`.
    ///
    /// ```
    /// # use bureau_core::{Currency, ExchangeRate};
    /// # let day = bureau_core::chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let rate = ExchangeRate::new(Currency::GBP, Currency::EUR, "1.15".parse()?, day)?;
    /// assert_eq!(rate.rate().to_string(), "1.15");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn rate(&self) -> Rate {
        self.rate
    }

    /// The date the rate was quoted for.
    ///
    /// ```
    /// # use bureau_core::{Currency, ExchangeRate};
    /// let day = bureau_core::chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let rate = ExchangeRate::new(Currency::GBP, Currency::EUR, "1.15".parse()?, day)?;
    /// assert_eq!(rate.as_of(), day);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// `money` in the target currency, rounded to its minor units with `strategy`.
    ///
    /// # Errors
    ///
    /// [`Error::CurrencyMismatch`] when `money` is not in [`from`](Self::from),
    /// [`Error::Overflow`] when the result is out of range.
    ///
    /// ```
    /// # use bureau_core::{Currency, ExchangeRate, Money, RoundingStrategy};
    /// # let day = bureau_core::chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let rate = ExchangeRate::new(Currency::USD, Currency::JPY, "156.237".parse()?, day)?;
    /// let yen = rate.convert("10.00 USD".parse()?, RoundingStrategy::MidpointNearestEven)?;
    /// assert_eq!(yen.to_string(), "1562 JPY");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn convert(&self, money: Money, strategy: RoundingStrategy) -> Result<Money> {
        if money.currency() != self.from {
            return Err(Error::CurrencyMismatch {
                left: money.currency(),
                right: self.from,
            });
        }
        let converted = money
            .amount()
            .checked_mul(self.rate.value())
            .ok_or(Error::Overflow {
                operation: "conversion",
                currency: self.to,
            })?;
        Money::rounded(converted, self.to, strategy)
    }

    /// The rate from `to` back to `from`, `1 / rate`, on the same date.
    ///
    /// The reciprocal is computed to the 28 significant digits of a decimal, so it
    /// is exact only when `rate` divides a power of ten (2, 4, 0.8, ...).
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the reciprocal does not fit (never for a rate of at
    /// least 10⁻²⁸, which covers every representable positive rate).
    ///
    /// ```
    /// # use bureau_core::{Currency, ExchangeRate};
    /// # let day = bureau_core::chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let rate = ExchangeRate::new(Currency::EUR, Currency::USD, "1.25".parse()?, day)?;
    /// let back = rate.inverse()?;
    /// assert_eq!((back.from().code(), back.to().code()), ("USD", "EUR"));
    /// assert_eq!(back.rate().to_string(), "0.8");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn inverse(&self) -> Result<Self> {
        let rate = Decimal::ONE
            .checked_div(self.rate.value())
            .ok_or(Error::Overflow {
                operation: "inversion",
                currency: self.from,
            })?
            .normalize();
        Self::new(self.to, self.from, Rate::new(rate), self.as_of)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ExchangeRate {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wire {
            from: Currency,
            to: Currency,
            rate: Rate,
            as_of: NaiveDate,
        }
        let wire = Wire::deserialize(deserializer)?;
        Self::new(wire.from, wire.to, wire.rate, wire.as_of).map_err(serde::de::Error::custom)
    }
}
