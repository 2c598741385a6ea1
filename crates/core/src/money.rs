//! Exact amounts of money: addition, rounding, rates and allocation.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use rust_decimal::Decimal;

use crate::{Currency, Error, Rate, Result, RoundingStrategy};

/// An exact amount in one currency, always at the currency's minor units.
///
/// `Money` holds a [`Decimal`] whose scale is exactly the currency's
/// [`minor_units`](Currency::minor_units): `12.5 USD` is stored and shown as
/// `12.50 USD`, `5 JPY` as `5 JPY`. There is no unrounded money: every operation
/// that can produce more decimal places ([`Money::rounded`], [`Money::mul_rate`],
/// [`ExchangeRate::convert`](crate::ExchangeRate::convert)) takes a named
/// [`RoundingStrategy`], so each rounding in a calculation is visible at its call.
///
/// Arithmetic is checked: combining two currencies is an
/// [`Error::CurrencyMismatch`], leaving the range of `Decimal` at this precision is
/// an [`Error::Overflow`]; nothing panics. Amounts compare only within one
/// currency, with [`Money::checked_cmp`]: `Money` has no `<` or `>`, which
/// would have to answer `false` both ways across currencies.
///
/// # Text and serde
///
/// `Display` writes `"<amount> <code>"` with exactly the minor units
/// (`"-1234.50 USD"`, no grouping); `FromStr` reads the same form for ISO
/// currencies, and [`Money::parse_with`] for custom commodities. With the `serde`
/// feature a `Money` is `{"amount": "12.50", "currency": "USD"}`: the amount is a
/// decimal string, never a float.
///
/// # Examples
///
/// ```
/// use bureau_core::{Currency, Money};
///
/// let price: Money = "19.99 USD".parse()?;
/// let shipping: Money = "5 USD".parse()?;
/// let total = price.checked_add(shipping)?;
/// assert_eq!(total.to_string(), "24.99 USD");
///
/// let parts = total.split(3)?;
/// assert_eq!(parts.iter().map(ToString::to_string).collect::<Vec<_>>(),
///            ["8.33 USD", "8.33 USD", "8.33 USD"].map(String::from));
/// # Ok::<(), bureau_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

/// The largest mantissa a `Decimal` holds: 96 bits.
const MAX_MANTISSA: u128 = (1 << 96) - 1;

const TOO_MANY_PLACES: &str =
    "money!: the amount has more decimal places than the currency's minor units";
const OUT_OF_RANGE: &str = "money!: the amount is out of the range of an amount in this currency";
const NOT_A_DECIMAL: &str = "money!: the amount must be a decimal literal such as 12.50, 1_000 or -3 (no suffix or exponent)";

/// `minor` minor units at `scale` places, `None` beyond Decimal's 96 bits.
const fn decimal_from_minor(minor: i128, scale: u32) -> Option<Decimal> {
    let magnitude = minor.unsigned_abs();
    if magnitude > MAX_MANTISSA || scale > Decimal::MAX_SCALE {
        return None;
    }
    Some(Decimal::from_parts(
        low_word(magnitude),
        low_word(magnitude >> 32),
        low_word(magnitude >> 64),
        minor < 0,
        scale,
    ))
}

/// The low 32 bits of `value`: a word of a Decimal's mantissa.
// Dropping the high bits is the point.
#[allow(clippy::cast_possible_truncation)]
const fn low_word(value: u128) -> u32 {
    value as u32
}

/// Brings `amount` to exactly `currency`'s minor units without rounding.
fn fit(amount: Decimal, currency: Currency, operation: &'static str) -> Result<Decimal> {
    let places = currency.minor_units();
    let mut fitted = amount;
    if fitted.scale() > places {
        fitted = fitted.normalize();
        if fitted.scale() > places {
            return Err(Error::TooPrecise { amount, currency });
        }
    }
    if fitted.scale() < places {
        fitted.rescale(places);
        if fitted.scale() != places {
            return Err(Error::Overflow {
                operation,
                currency,
            });
        }
    }
    if fitted.is_zero() {
        // Decimal keeps a sign on zero; money has no negative zero.
        fitted.set_sign_positive(true);
    }
    Ok(fitted)
}

impl Money {
    /// The most parts [`Money::split`] produces: a bound on the memory a split
    /// asks for, far above any real division (a payroll, a cost allocation).
    ///
    /// ```
    /// use bureau_core::{Error, Money};
    /// let m: Money = "1.00 USD".parse()?;
    /// assert!(matches!(m.split(Money::MAX_PARTS + 1), Err(Error::TooManyParts { .. })));
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const MAX_PARTS: usize = 1 << 20;

    /// `amount` in `currency`, which must not have more decimal places than the
    /// currency's minor units (trailing zeros are fine).
    ///
    /// # Errors
    ///
    /// [`Error::TooPrecise`] when the amount needs rounding, [`Error::Overflow`]
    /// when it cannot be held at the currency's precision.
    ///
    /// ```
    /// use bureau_core::{Currency, Error, Money};
    /// use rust_decimal::Decimal;
    ///
    /// let usd = Currency::USD;
    /// assert_eq!(Money::new(Decimal::new(125, 1), usd)?.to_string(), "12.50 USD");
    /// assert!(matches!(Money::new(Decimal::new(12345, 3), usd), Err(Error::TooPrecise { .. })));
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self> {
        Ok(Self {
            amount: fit(amount, currency, "construction")?,
            currency,
        })
    }

    /// `amount` rounded to `currency`'s minor units with `strategy`.
    ///
    /// Under a midpoint strategy the result differs from `amount` by at most half
    /// a minor unit; under a directed strategy by less than one.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] when the rounded amount cannot be held at the
    /// currency's precision.
    ///
    /// ```
    /// use bureau_core::{Currency, Money, RoundingStrategy};
    /// use rust_decimal::Decimal;
    ///
    /// let kwd = Currency::KWD;
    /// let m = Money::rounded(Decimal::new(10_12345, 5), kwd, RoundingStrategy::MidpointNearestEven)?;
    /// assert_eq!(m.to_string(), "10.123 KWD");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn rounded(
        amount: Decimal,
        currency: Currency,
        strategy: RoundingStrategy,
    ) -> Result<Self> {
        let places = currency.minor_units();
        let rounded = if amount.scale() > places {
            amount.round_dp_with_strategy(places, strategy.to_decimal())
        } else {
            amount
        };
        Ok(Self {
            amount: fit(rounded, currency, "rounding")?,
            currency,
        })
    }

    /// Zero in `currency`.
    ///
    /// ```
    /// use bureau_core::{Currency, Money};
    /// assert_eq!(Money::zero(Currency::EUR).to_string(), "0.00 EUR");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn zero(currency: Currency) -> Self {
        Self {
            // A currency has at most 18 places, within Decimal's 28.
            amount: Decimal::from_parts(0, 0, 0, false, currency.minor_units()),
            currency,
        }
    }

    /// An amount given as a whole number of minor units (cents for USD).
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] when the amount cannot be held at this precision.
    ///
    /// ```
    /// use bureau_core::{Currency, Money};
    /// assert_eq!(Money::from_minor(-1250, Currency::USD)?.to_string(), "-12.50 USD");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn from_minor(minor: i128, currency: Currency) -> Result<Self> {
        match decimal_from_minor(minor, currency.minor_units()) {
            Some(amount) => Ok(Self { amount, currency }),
            None => Err(Error::Overflow {
                operation: "construction",
                currency,
            }),
        }
    }

    /// The `money!` literal `text` in `currency`, or why it is not one; the
    /// macro's work, evaluated in a `const` block so that a bad literal fails
    /// to compile. Not public API: use [`money!`](crate::money) or
    /// [`Money::new`].
    #[doc(hidden)]
    pub const fn __from_literal(
        text: &str,
        currency: Currency,
    ) -> core::result::Result<Self, &'static str> {
        let places = currency.minor_units();
        let bytes = text.as_bytes();
        let mut index = 0;
        let negative = !bytes.is_empty() && bytes[0] == b'-';
        if negative {
            index = 1;
        }
        let mut mantissa: u128 = 0;
        let mut digits = 0;
        let mut fraction_places: Option<u32> = None;
        // The bounds of every index are checked by the loop condition.
        while index < bytes.len() {
            let byte = bytes[index];
            index += 1;
            match byte {
                b'0'..=b'9' => {
                    let digit = (byte - b'0') as u128;
                    if let Some(seen) = fraction_places {
                        if seen >= places {
                            if digit != 0 {
                                return Err(TOO_MANY_PLACES);
                            }
                            // A trailing zero past the minor units, as `Money::new` accepts.
                            continue;
                        }
                        fraction_places = Some(seen + 1);
                    }
                    mantissa = match mantissa.checked_mul(10) {
                        Some(shifted) => match shifted.checked_add(digit) {
                            Some(sum) => sum,
                            None => return Err(OUT_OF_RANGE),
                        },
                        None => return Err(OUT_OF_RANGE),
                    };
                    digits += 1;
                }
                b'_' if digits > 0 => {}
                b'.' if digits > 0 && fraction_places.is_none() => fraction_places = Some(0),
                _ => return Err(NOT_A_DECIMAL),
            }
        }
        if digits == 0 {
            return Err(NOT_A_DECIMAL);
        }
        let mut missing = match fraction_places {
            Some(seen) => places - seen,
            None => places,
        };
        while missing > 0 {
            mantissa = match mantissa.checked_mul(10) {
                Some(shifted) => shifted,
                None => return Err(OUT_OF_RANGE),
            };
            missing -= 1;
        }
        if mantissa > MAX_MANTISSA {
            return Err(OUT_OF_RANGE);
        }
        let amount = Decimal::from_parts(
            low_word(mantissa),
            low_word(mantissa >> 32),
            low_word(mantissa >> 64),
            negative,
            places,
        );
        Ok(Self { amount, currency })
    }

    /// The amount, with exactly the currency's minor units as its scale.
    ///
    /// ```
    /// use bureau_core::Money;
    /// let m: Money = "3.10 EUR".parse()?;
    /// assert_eq!(m.amount().to_string(), "3.10");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    ///
    /// ```
    /// use bureau_core::Money;
    /// let m: Money = "3 JPY".parse()?;
    /// assert_eq!(m.currency().code(), "JPY");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount as a whole number of minor units (`12.50 USD` is `1250`).
    ///
    /// ```
    /// use bureau_core::Money;
    /// let m: Money = "-12.50 USD".parse()?;
    /// assert_eq!(m.to_minor(), -1250);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn to_minor(&self) -> i128 {
        // The scale is the minor units, so the mantissa counts minor units.
        self.amount.mantissa()
    }

    /// Whether the amount is zero.
    ///
    /// ```
    /// use bureau_core::Money;
    /// assert!("0 USD".parse::<Money>()?.is_zero());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Whether the amount is below zero.
    ///
    /// ```
    /// use bureau_core::Money;
    /// assert!("-0.01 USD".parse::<Money>()?.is_negative());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// Whether the amount is above zero.
    ///
    /// ```
    /// use bureau_core::Money;
    /// assert!("0.01 USD".parse::<Money>()?.is_positive());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn is_positive(&self) -> bool {
        self.amount.is_sign_positive() && !self.amount.is_zero()
    }

    /// The amount with its sign flipped. Never fails: the range is symmetric.
    ///
    /// ```
    /// use bureau_core::Money;
    /// let m: Money = "4.20 USD".parse()?;
    /// assert_eq!(m.neg().to_string(), "-4.20 USD");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    // Inherent as well as `ops::Neg`, so callers need no trait import.
    #[allow(clippy::should_implement_trait)]
    #[must_use]
    pub fn neg(self) -> Self {
        if self.amount.is_zero() {
            return self;
        }
        // Decimal's range is symmetric, so negation cannot overflow.
        Self {
            amount: -self.amount,
            currency: self.currency,
        }
    }

    /// The amount without its sign.
    ///
    /// ```
    /// use bureau_core::Money;
    /// let m: Money = "-4.20 USD".parse()?;
    /// assert_eq!(m.abs().to_string(), "4.20 USD");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    #[must_use]
    pub fn abs(self) -> Self {
        Self {
            amount: self.amount.abs(),
            currency: self.currency,
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    ///
    /// [`Error::CurrencyMismatch`] when the currencies differ, [`Error::Overflow`]
    /// when the sum leaves the range of an amount at this precision.
    ///
    /// ```
    /// use bureau_core::{Error, Money};
    /// let a: Money = "1.10 USD".parse()?;
    /// assert_eq!(a.checked_add("2.25 USD".parse()?)?.to_string(), "3.35 USD");
    /// assert!(matches!(a.checked_add("1 EUR".parse()?), Err(Error::CurrencyMismatch { .. })));
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn checked_add(self, other: Self) -> Result<Self> {
        self.combine(other, "addition", Decimal::checked_add)
    }

    /// `self - other`.
    ///
    /// # Errors
    ///
    /// As [`Money::checked_add`].
    ///
    /// ```
    /// use bureau_core::Money;
    /// let a: Money = "1.10 USD".parse()?;
    /// assert_eq!(a.checked_sub("2.25 USD".parse()?)?.to_string(), "-1.15 USD");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn checked_sub(self, other: Self) -> Result<Self> {
        self.combine(other, "subtraction", Decimal::checked_sub)
    }

    fn combine(
        self,
        other: Self,
        operation: &'static str,
        op: fn(Decimal, Decimal) -> Option<Decimal>,
    ) -> Result<Self> {
        if self.currency != other.currency {
            return Err(Error::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        let overflow = || Error::Overflow {
            operation,
            currency: self.currency,
        };
        let amount = op(self.amount, other.amount).ok_or_else(overflow)?;
        // Near the limits Decimal keeps a result by dropping decimal places;
        // for money that is an overflow, not a rounding.
        if amount.scale() != self.currency.minor_units() {
            return Err(overflow());
        }
        Ok(Self {
            amount: fit(amount, self.currency, operation)?,
            currency: self.currency,
        })
    }

    /// The sum of `amounts`, all in `currency`; zero when empty.
    ///
    /// # Errors
    ///
    /// As [`Money::checked_add`].
    ///
    /// ```
    /// use bureau_core::{Currency, Money};
    /// let usd = Currency::USD;
    /// let lines: Vec<Money> = vec!["1.50 USD".parse()?, "2.25 USD".parse()?];
    /// assert_eq!(Money::checked_sum(lines, usd)?.to_string(), "3.75 USD");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn checked_sum<I: IntoIterator<Item = Money>>(
        amounts: I,
        currency: Currency,
    ) -> Result<Self> {
        amounts
            .into_iter()
            .try_fold(Self::zero(currency), Self::checked_add)
    }

    /// Compares two amounts of the same currency.
    ///
    /// # Errors
    ///
    /// [`Error::CurrencyMismatch`] when the currencies differ.
    ///
    /// ```
    /// use bureau_core::Money;
    /// use std::cmp::Ordering;
    /// let a: Money = "1 USD".parse()?;
    /// assert_eq!(a.checked_cmp("2 USD".parse()?)?, Ordering::Less);
    /// assert!(a.checked_cmp("2 EUR".parse()?).is_err());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    ///
    /// There is no `<` to get wrong across currencies:
    ///
    /// ```compile_fail,E0369
    /// use bureau_core::money;
    /// let cheaper = money!(1.00 USD) < money!(1.00 EUR);
    /// ```
    pub fn checked_cmp(&self, other: Self) -> Result<Ordering> {
        if self.currency != other.currency {
            return Err(Error::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        Ok(self.amount.cmp(&other.amount))
    }

    /// `self × rate`, rounded to minor units with `strategy`.
    ///
    /// The product is exact when it has at most 28 significant digits, which
    /// covers any amount below a trillion with a rate of up to 12 decimal places.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] when the product leaves the range of an amount.
    ///
    /// ```
    /// use bureau_core::{Money, Percent, RoundingStrategy};
    /// let net: Money = "19.99 EUR".parse()?;
    /// let vat = net.mul_rate(Percent::new("19".parse()?).to_rate(), RoundingStrategy::MidpointAwayFromZero)?;
    /// assert_eq!(vat.to_string(), "3.80 EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mul_rate(self, rate: Rate, strategy: RoundingStrategy) -> Result<Self> {
        let product = self
            .amount
            .checked_mul(rate.value())
            .ok_or(Error::Overflow {
                operation: "multiplication",
                currency: self.currency,
            })?;
        Self::rounded(product, self.currency, strategy)
    }

    /// Splits the amount into `parts` amounts as equal as possible.
    ///
    /// The parts add up to the amount exactly; each differs from the exact share
    /// by less than one minor unit; the larger parts come first. Negative amounts
    /// split as the mirror of their absolute value. More parts than minor units
    /// give zeros at the end.
    ///
    /// # Errors
    ///
    /// [`Error::NoParts`] when `parts` is zero, [`Error::TooManyParts`] when it
    /// is above [`Money::MAX_PARTS`].
    ///
    /// ```
    /// use bureau_core::Money;
    /// let m: Money = "0.05 USD".parse()?;
    /// let parts: Vec<String> = m.split(7)?.iter().map(ToString::to_string).collect();
    /// assert_eq!(parts, ["0.01 USD", "0.01 USD", "0.01 USD", "0.01 USD", "0.01 USD", "0.00 USD", "0.00 USD"]);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn split(self, parts: usize) -> Result<Vec<Self>> {
        if parts > Self::MAX_PARTS {
            return Err(Error::TooManyParts {
                parts,
                max: Self::MAX_PARTS,
            });
        }
        let count = u128::try_from(parts)
            .ok()
            .filter(|n| *n > 0)
            .ok_or(Error::NoParts)?;
        let total = self.to_minor();
        let magnitude = total.unsigned_abs();
        // `count` is not zero, checked above.
        let base = magnitude / count;
        let extra = magnitude % count;
        let mut result = Vec::with_capacity(parts);
        for (index, _) in (0..parts).enumerate() {
            let bonus = u128::from((index as u128) < extra);
            // A bonus is only given when `extra > 0`, that is when `count > 1`
            // and so `base <= magnitude / 2`: the sum cannot overflow.
            result.push(self.with_minor_magnitude(base + bonus, total < 0)?);
        }
        Ok(result)
    }

    /// Splits the amount in proportion to `weights` by the largest-remainder
    /// method.
    ///
    /// Each part gets the floor of its exact share; the minor units left over go
    /// one each to the parts with the largest remainders, ties to the earlier
    /// part. So the parts add up to the amount exactly, each differs from its
    /// exact share (`amount × weight / Σweights`) by less than one minor unit, a
    /// zero weight gets zero, and the result depends only on the inputs. Negative
    /// amounts allocate as the mirror of their absolute value.
    ///
    /// # Errors
    ///
    /// [`Error::NoParts`] for no weights, [`Error::NegativeWeight`] naming the
    /// first negative weight, [`Error::AllWeightsZero`], and [`Error::Overflow`]
    /// when the weights span more than 38 digits between them.
    ///
    /// ```
    /// use bureau_core::Money;
    /// use rust_decimal::Decimal;
    ///
    /// let rent: Money = "1000.00 USD".parse()?;
    /// let weights = [Decimal::from(1), Decimal::from(1), Decimal::from(1)];
    /// let parts: Vec<String> = rent.allocate(&weights)?.iter().map(ToString::to_string).collect();
    /// assert_eq!(parts, ["333.34 USD", "333.33 USD", "333.33 USD"]);
    ///
    /// let weights = [Decimal::new(70, 0), Decimal::ZERO, Decimal::new(30, 0)];
    /// let parts: Vec<String> = "-0.05 USD".parse::<Money>()?.allocate(&weights)?.iter().map(ToString::to_string).collect();
    /// assert_eq!(parts, ["-0.04 USD", "0.00 USD", "-0.01 USD"]); // 3.5 and 1.5: the tie goes to the first
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn allocate(self, weights: &[Decimal]) -> Result<Vec<Self>> {
        let overflow = || Error::Overflow {
            operation: "allocation",
            currency: self.currency,
        };
        if weights.is_empty() {
            return Err(Error::NoParts);
        }
        if let Some((index, weight)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| w.is_sign_negative() && !w.is_zero())
        {
            return Err(Error::NegativeWeight {
                index,
                weight: *weight,
            });
        }
        // Bring every weight to one scale so they become whole numbers. Trailing
        // zeros are stripped only when the weights as given do not fit.
        let integers = match whole_weights(weights, false) {
            Some(integers) => integers,
            None => whole_weights(weights, true).ok_or_else(overflow)?,
        };
        let sum = integers
            .iter()
            .try_fold(0_u128, |acc, w| acc.checked_add(*w))
            .ok_or_else(overflow)?;
        if sum == 0 {
            return Err(Error::AllWeightsZero);
        }
        let total = self.to_minor();
        let magnitude = total.unsigned_abs();
        let mut floors = Vec::with_capacity(weights.len());
        let mut remainders = Vec::with_capacity(weights.len());
        let mut given = 0_u128;
        for (index, weight) in integers.iter().enumerate() {
            let (quotient, remainder) = mul_div_rem(magnitude, *weight, sum);
            given = given.checked_add(quotient).ok_or_else(overflow)?;
            floors.push(quotient);
            remainders.push((remainder, index));
        }
        // Exact shares sum to the magnitude, so fewer than `weights.len()` units remain.
        let leftover = magnitude
            .checked_sub(given)
            .and_then(|left| usize::try_from(left).ok())
            .ok_or_else(overflow)?;
        remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, index) in remainders.iter().take(leftover) {
            if let Some(floor) = floors.get_mut(*index) {
                *floor = floor.checked_add(1).ok_or_else(overflow)?;
            }
        }
        let mut parts = Vec::with_capacity(floors.len());
        for minor in floors {
            parts.push(self.with_minor_magnitude(minor, total < 0)?);
        }
        Ok(parts)
    }

    fn with_minor_magnitude(self, magnitude: u128, negative: bool) -> Result<Self> {
        // A part is never larger than the whole, which fit.
        let signed = i128::try_from(magnitude).map_err(|_| Error::Overflow {
            operation: "allocation",
            currency: self.currency,
        })?;
        // From a `u128` that fit in `i128`, so at most `i128::MAX`: negation is safe.
        let signed = if negative { -signed } else { signed };
        // At most the whole in magnitude and at the whole's scale, so it fits
        // without the checks of `Money::new`.
        let amount = Decimal::try_from_i128_with_scale(signed, self.currency.minor_units())
            .map_err(|_| Error::Overflow {
                operation: "allocation",
                currency: self.currency,
            })?;
        Ok(Self {
            amount,
            currency: self.currency,
        })
    }

    /// Reads `"<amount> <code>"` where the code may also be one of `commodities`.
    ///
    /// # Errors
    ///
    /// As [`FromStr`]: [`Error::InvalidMoney`] for a malformed text,
    /// [`Error::UnknownCurrency`] for an unknown code, [`Error::TooPrecise`] for
    /// too many decimal places and [`Error::Overflow`] for an amount out of range.
    ///
    /// ```
    /// use bureau_core::{Currency, Money};
    /// let aapl = Currency::commodity("AAPL", 4)?;
    /// let m = Money::parse_with("10.5 AAPL", &[aapl])?;
    /// assert_eq!(m.to_string(), "10.5000 AAPL");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn parse_with(text: &str, commodities: &[Currency]) -> Result<Self> {
        let invalid = |reason| Error::InvalidMoney {
            input: text.to_owned(),
            reason,
        };
        let (amount_text, code) = text
            .split_once(' ')
            .ok_or_else(|| invalid("expected an amount, one space and a currency code"))?;
        let currency = match commodities.iter().find(|c| c.code() == code) {
            Some(currency) => *currency,
            None => Currency::iso(code)?,
        };
        let amount = parse_amount(amount_text, currency).map_err(|problem| match problem {
            AmountProblem::Malformed => invalid("the amount is not a decimal number like -1234.56"),
            AmountProblem::TooManyPlaces => {
                invalid("the amount has more decimal places than the currency allows")
            }
            AmountProblem::OutOfRange => Error::Overflow {
                operation: "parsing",
                currency,
            },
        })?;
        Self::new(amount, currency)
    }
}

/// Non-negative weights as whole numbers at their largest scale, `None` on overflow.
fn whole_weights(weights: &[Decimal], normalize: bool) -> Option<Vec<u128>> {
    let prepare = |w: &Decimal| if normalize { w.normalize() } else { *w };
    let scale = weights
        .iter()
        .map(|w| prepare(w).scale())
        .max()
        .unwrap_or(0);
    // A plain loop into a sized vector: collecting through `Option` loses the
    // size hint and reallocates on the hot path.
    let mut integers = Vec::with_capacity(weights.len());
    for weight in weights {
        let weight = prepare(weight);
        let factor = 10_u128.checked_pow(scale.checked_sub(weight.scale())?)?;
        integers.push(weight.mantissa().unsigned_abs().checked_mul(factor)?);
    }
    Some(integers)
}

enum AmountProblem {
    Malformed,
    TooManyPlaces,
    OutOfRange,
}

/// Reads `-?digits(.digits)?` strictly: no exponent, grouping, `+` or spaces.
/// Leading and trailing zeros do not count against the range or the precision.
fn parse_amount(text: &str, currency: Currency) -> core::result::Result<Decimal, AmountProblem> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return Err(AmountProblem::Malformed);
    }
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.map_or("", |f| f.trim_end_matches('0'));
    if whole.len() > 29 {
        return Err(AmountProblem::OutOfRange);
    }
    let canonical = format!(
        "{}{}{}{}",
        if negative { "-" } else { "" },
        if whole.is_empty() { "0" } else { whole },
        if fraction.is_empty() { "" } else { "." },
        fraction
    );
    match Decimal::from_str_exact(&canonical) {
        Ok(amount) => Ok(amount),
        Err(_) if fraction.len() > 28 || fraction.len() > currency.minor_units() as usize => {
            Err(AmountProblem::TooManyPlaces)
        }
        Err(_) => Err(AmountProblem::OutOfRange),
    }
}

impl core::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::neg(self)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {:?})", self.amount, self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() {
            f.pad(&format!("{} {}", self.amount, self.currency.code()))
        } else {
            write!(f, "{} {}", self.amount, self.currency.code())
        }
    }
}

impl FromStr for Money {
    type Err = Error;
    /// Reads `"<amount> <ISO code>"`, such as `"-12.50 USD"`.
    fn from_str(text: &str) -> Result<Self> {
        Self::parse_with(text, &[])
    }
}

/// `(a × b) / d` and its remainder, for `b <= d` and `d > 0`, exact even when
/// `a × b` exceeds 128 bits.
///
/// The operators below cannot overflow: 64-bit operands multiply into 128 bits,
/// divisions are by `d > 0`, and the long division keeps `remainder < d`.
fn mul_div_rem(a: u128, b: u128, d: u128) -> (u128, u128) {
    // Common case first: 64-bit operands multiply into 128 bits without an
    // overflow check (a checked 128-bit multiply is a slow library call), and
    // a product that fits 64 bits divides with one machine instruction.
    if let (Ok(a64), Ok(b64)) = (u64::try_from(a), u64::try_from(b)) {
        let product = u128::from(a64) * u128::from(b64);
        if let (Ok(product), Ok(divisor)) = (u64::try_from(product), u64::try_from(d)) {
            return (u128::from(product / divisor), u128::from(product % divisor));
        }
        return (product / d, product % d);
    }
    if let Some(product) = a.checked_mul(b) {
        return (product / d, product % d);
    }
    // Wide path: 256-bit product as (high, low), then long division by bits.
    let (high, low) = widening_mul(a, b);
    let mut remainder = 0_u128;
    let mut quotient = 0_u128;
    for bit in (0..256_u32).rev() {
        let next = if bit >= 128 {
            (high >> (bit - 128)) & 1
        } else {
            (low >> bit) & 1
        };
        // remainder < d, so doubling may need 129 bits: track the carry.
        let carry = remainder >> 127;
        remainder = (remainder << 1) | next;
        if carry == 1 || remainder >= d {
            remainder = remainder.wrapping_sub(d);
            if bit < 128 {
                quotient |= 1 << bit;
            }
        }
    }
    (quotient, remainder)
}

/// The full 256-bit product of `a` and `b` as `(high, low)`.
///
/// No operator overflows: each partial product multiplies two 64-bit halves,
/// `middle` adds three values below 2^64, and `high` is the top half of a
/// product that fits 256 bits.
fn widening_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (lo_lo & MASK) | (middle << 64);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

/// A [`Money`] literal, checked when the program compiles: `money!(12.50 USD)`.
///
/// The amount is a decimal literal (digits, an optional `.` and fraction,
/// `_` between digits, an optional leading `-`); the currency is the name of
/// one of the [`Currency`] constants (`USD`, `EUR`, `JPY`, ...). The value is
/// built in a `const` block, so it can initialize a `const` or `static`, and
/// costs nothing at run time.
///
/// An amount with more decimal places than the currency's minor units does not
/// compile, nor does an amount out of range, a literal with a suffix or an
/// exponent, or a currency without a constant. Nothing is left to fail at run
/// time: the macro never panics in a running program. Trailing zeros past the
/// minor units are accepted, as [`Money::new`] accepts them.
///
/// The check needs the amount and the currency at compile time. For amounts
/// read at run time, or a custom commodity (which has no constant), use the
/// checked constructors: [`Money::new`], [`Money::from_minor`] (both
/// returning an error), or `"12.50 USD".parse::<Money>()`.
///
/// # Examples
///
/// ```
/// use bureau_core::{Currency, Money, money};
///
/// const FEE: Money = money!(12.50 USD);
/// assert_eq!(FEE.to_string(), "12.50 USD");
/// assert_eq!(money!(-3 JPY).to_minor(), -3);
/// assert_eq!(money!(1_000.5 EUR), "1000.50 EUR".parse::<Money>()?);
/// assert_eq!(money!(0.125 KWD).currency(), Currency::KWD);
/// # Ok::<(), bureau_core::Error>(())
/// ```
///
/// A cent too fine for the dollar does not compile:
///
/// ```compile_fail,E0080
/// use bureau_core::money;
/// let too_fine = money!(12.345 USD);
/// ```
///
/// Nor does a fraction of a yen, which has no minor unit:
///
/// ```compile_fail,E0080
/// use bureau_core::money;
/// let half_yen = money!(0.5 JPY);
/// ```
///
/// Nor a float with a suffix or an exponent, nor an amount beyond the range:
///
/// ```compile_fail,E0080
/// use bureau_core::money;
/// let float = money!(12.5f64 USD);
/// ```
///
/// ```compile_fail,E0080
/// use bureau_core::money;
/// let exponent = money!(1e3 USD);
/// ```
///
/// ```compile_fail,E0080
/// use bureau_core::money;
/// let huge = money!(792281625142643375935439503.36 USD);
/// ```
///
/// A code without a constant is a compile error too (a commodity is built at
/// run time with [`Currency::commodity`] and [`Money::new`]):
///
/// ```compile_fail,E0599
/// use bureau_core::money;
/// let unknown = money!(1.00 XYZ);
/// ```
#[macro_export]
macro_rules! money {
    (- $amount:literal $code:ident) => {
        $crate::money!(@text ::core::concat!("-", ::core::stringify!($amount)), $code)
    };
    ($amount:literal $code:ident) => {
        $crate::money!(@text ::core::stringify!($amount), $code)
    };
    (@text $text:expr, $code:ident) => {
        const {
            match $crate::Money::__from_literal($text, $crate::Currency::$code) {
                ::core::result::Result::Ok(money) => money,
                // Evaluated while compiling: a bad literal is a compile error.
                ::core::result::Result::Err(problem) => ::core::panic!("{}", problem),
            }
        }
    };
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::Money;
    use crate::Currency;
    use rust_decimal::Decimal;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Wire {
        #[serde(with = "rust_decimal::serde::str")]
        amount: Decimal,
        currency: Currency,
    }

    impl serde::Serialize for Money {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            Wire {
                amount: self.amount,
                currency: self.currency,
            }
            .serialize(serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for Money {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let wire = Wire::deserialize(deserializer)?;
            Money::new(wire.amount, wire.currency).map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_division_matches_narrow() {
        for (a, b, d) in [
            (7_u128, 3, 5),
            (u128::MAX / 3, 2, 7),
            (1 << 100, 1 << 90, (1 << 95) + 3),
            (u128::MAX, u128::MAX, u128::MAX),
        ] {
            let (q, r) = mul_div_rem(a, b, d);
            if let Some(p) = a.checked_mul(b) {
                assert_eq!((q, r), (p / d, p % d));
            }
            // Recombine in wide arithmetic: q*d + r == a*b.
            let (qh, ql) = widening_mul(q, d);
            let (sum, carry) = ql.overflowing_add(r);
            assert_eq!(widening_mul(a, b), (qh + u128::from(carry), sum));
            assert!(r < d);
        }
    }

    #[test]
    fn literals_match_the_runtime_constructors() {
        let cases = [
            ("12.50", Currency::USD, "12.50 USD"),
            ("12.5", Currency::USD, "12.50 USD"),
            ("12.500", Currency::USD, "12.50 USD"),
            ("-0.01", Currency::USD, "-0.01 USD"),
            ("-0", Currency::USD, "0.00 USD"),
            ("1_000", Currency::JPY, "1000 JPY"),
            ("0.125", Currency::KWD, "0.125 KWD"),
            (
                "792281625142643375935439503.35",
                Currency::USD,
                "792281625142643375935439503.35 USD",
            ),
        ];
        for (text, currency, expected) in cases {
            let money = Money::__from_literal(text, currency);
            assert_eq!(
                money.map(|m| m.to_string()).as_deref(),
                Ok(expected),
                "{text}"
            );
        }
        for (text, currency, problem) in [
            ("12.345", Currency::USD, TOO_MANY_PLACES),
            ("0.5", Currency::JPY, TOO_MANY_PLACES),
            (
                "792281625142643375935439503.36",
                Currency::USD,
                OUT_OF_RANGE,
            ),
            ("1e3", Currency::USD, NOT_A_DECIMAL),
            ("12.5f64", Currency::USD, NOT_A_DECIMAL),
            ("\"12.50\"", Currency::USD, NOT_A_DECIMAL),
            ("", Currency::USD, NOT_A_DECIMAL),
            ("-", Currency::USD, NOT_A_DECIMAL),
            ("_1", Currency::USD, NOT_A_DECIMAL),
            ("1.2.3", Currency::USD, NOT_A_DECIMAL),
            ("0x10", Currency::USD, NOT_A_DECIMAL),
        ] {
            assert_eq!(
                Money::__from_literal(text, currency),
                Err(problem),
                "{text}"
            );
        }
        assert_eq!(crate::money!(-12.50 USD).to_string(), "-12.50 USD");
        assert_eq!(Money::zero(Currency::JPY).to_string(), "0 JPY");
    }

    #[cfg(feature = "proptest")]
    proptest::proptest! {
        #[test]
        fn literals_read_what_display_writes(money in crate::strategy::money()) {
            let text = money.amount().to_string();
            proptest::prop_assert_eq!(Money::__from_literal(&text, money.currency()), Ok(money));
        }
    }

    #[test]
    fn zero_has_no_sign() {
        let usd = Currency::USD;
        let zero = Money::new(Decimal::new(-0, 2), usd).unwrap().neg();
        assert_eq!(zero.to_string(), "0.00 USD");
        assert_eq!(
            Money::from_minor(5, usd)
                .unwrap()
                .checked_sub(Money::from_minor(5, usd).unwrap())
                .unwrap()
                .to_string(),
            "0.00 USD"
        );
    }
}
