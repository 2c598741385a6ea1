//! Amounts as journals write them: a decimal quantity and a commodity
//! symbol, before or after, with or without a space.

use core::fmt;

use rust_decimal::Decimal;

/// A commodity as a journal names it: `$`, `USD`, `AAPL`, `"Gold bar"`; the
/// empty string for a bare number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Commodity(String);

impl Commodity {
    /// The commodity named `symbol` (as written, without quotes).
    ///
    /// ```
    /// assert_eq!(bureau_journal::Commodity::new("$").as_str(), "$");
    /// ```
    pub fn new(symbol: impl Into<String>) -> Self {
        Self(symbol.into())
    }

    /// The symbol as written, without quotes.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a journal may write the symbol without quotes.
    fn is_simple(&self) -> bool {
        !self.0.is_empty() && self.0.chars().all(is_symbol_char)
    }

    /// Whether the symbol is written before the number (`$5`), as currency
    /// signs are, rather than after it (`5 USD`).
    fn is_prefix(&self) -> bool {
        self.is_simple() && !self.0.chars().any(char::is_alphabetic)
    }
}

impl fmt::Display for Commodity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_simple() || self.0.is_empty() {
            f.write_str(&self.0)
        } else {
            write!(f, "\"{}\"", self.0)
        }
    }
}

/// A quantity of a commodity (`$-1,250.00`, `10 AAPL`). Shown as journals
/// write it: currency signs before the number, codes after it.
///
/// ```
/// use bureau_journal::{Amount, Commodity};
/// use rust_decimal::Decimal;
///
/// let amount = Amount::new(Decimal::new(-125_000, 2), Commodity::new("$"));
/// assert_eq!(amount.to_string(), "$-1250.00");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Amount {
    /// The signed quantity.
    pub quantity: Decimal,
    /// The commodity.
    pub commodity: Commodity,
}

impl Amount {
    /// `quantity` of `commodity`.
    pub fn new(quantity: Decimal, commodity: Commodity) -> Self {
        Self {
            quantity,
            commodity,
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.commodity.as_str().is_empty() {
            write!(f, "{}", self.quantity)
        } else if self.commodity.is_prefix() {
            write!(f, "{}{}", self.commodity, self.quantity)
        } else {
            write!(f, "{} {}", self.quantity, self.commodity)
        }
    }
}

/// Characters a commodity symbol may hold without quotes.
pub(crate) fn is_symbol_char(c: char) -> bool {
    !c.is_whitespace()
        && !c.is_ascii_digit()
        && !c.is_control()
        && !matches!(
            c,
            '-' | '+' | '.' | ',' | ';' | '@' | '=' | '*' | '"' | '{' | '}' | '(' | ')' | '[' | ']'
        )
}

/// How numbers are written: which mark separates the decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NumberStyle {
    pub(crate) decimal_mark: char,
}

impl NumberStyle {
    pub(crate) const POINT: Self = Self { decimal_mark: '.' };

    fn group_mark(self) -> char {
        if self.decimal_mark == '.' { ',' } else { '.' }
    }
}

/// Reads `[-][COMMODITY][ ][-]NUMBER[ ][COMMODITY]`; the reason on failure.
pub(crate) fn parse_amount(text: &str, style: NumberStyle) -> Result<Amount, &'static str> {
    let (quantity, symbol) = parse_amount_parts(text, style)?;
    Ok(Amount::new(quantity, Commodity::new(symbol)))
}

/// [`parse_amount`] without building the commodity: the quantity and the
/// symbol as a slice of `text` (without quotes; empty for a bare number).
pub(crate) fn parse_amount_parts(
    text: &str,
    style: NumberStyle,
) -> Result<(Decimal, &str), &'static str> {
    let mut rest = text.trim();
    let mut negative = false;
    let mut signed = false;
    if let Some(after) = rest.strip_prefix('-') {
        (negative, signed, rest) = (true, true, after.trim_start());
    } else if let Some(after) = rest.strip_prefix('+') {
        (signed, rest) = (true, after.trim_start());
    }
    let mut commodity = None;
    if !rest.starts_with(|c: char| c.is_ascii_digit() || c == style.decimal_mark) {
        let (symbol, after) = take_commodity(rest)?;
        commodity = Some(symbol);
        rest = after.trim_start();
        if !signed {
            if let Some(after) = rest.strip_prefix('-') {
                (negative, rest) = (true, after.trim_start());
            } else if let Some(after) = rest.strip_prefix('+') {
                rest = after.trim_start();
            }
        }
    }
    let end = rest
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'.' || b == b','))
        .unwrap_or(rest.len());
    let (number, after) = rest.split_at(end);
    let mut quantity = parse_number(number, style)?;
    let after = after.trim();
    if !after.is_empty() {
        if commodity.is_some() {
            return Err("a commodity on both sides of the number");
        }
        let (symbol, tail) = take_commodity(after)?;
        if !tail.trim().is_empty() {
            return Err("text after the commodity");
        }
        commodity = Some(symbol);
    }
    if negative {
        quantity.set_sign_negative(true);
    }
    if quantity.is_zero() {
        quantity.set_sign_positive(true);
    }
    Ok((quantity, commodity.unwrap_or_default()))
}

/// A quoted or bare commodity symbol at the start of `text`, and what follows.
fn take_commodity(text: &str) -> Result<(&str, &str), &'static str> {
    if let Some(quoted) = text.strip_prefix('"') {
        let close = quoted
            .find('"')
            .ok_or("a quoted commodity without its closing quote")?;
        let (symbol, after) = quoted.split_at(close);
        if symbol.is_empty() {
            return Err("an empty quoted commodity");
        }
        return Ok((symbol, after.get(1..).unwrap_or("")));
    }
    // ASCII letters, `$` and the like decided byte by byte; any other
    // character (a `€`, a space that is not ASCII) by `is_symbol_char`.
    let mut end = text.len();
    for (at, c) in text.char_indices() {
        let symbol = if c.is_ascii() {
            c.is_ascii_alphabetic() || (c.is_ascii_graphic() && is_symbol_char(c))
        } else {
            is_symbol_char(c)
        };
        if !symbol {
            end = at;
            break;
        }
    }
    if end == 0 {
        return Err("a number with an optional commodity symbol");
    }
    Ok(text.split_at(end))
}

/// Digits with digit groups of three and at most one decimal mark.
fn parse_number(text: &str, style: NumberStyle) -> Result<Decimal, &'static str> {
    if text.is_empty() {
        return Err("a number");
    }
    // Both marks are ASCII: the number is split and checked byte by byte.
    let (mark, group) = match style.decimal_mark {
        ',' => (b',', b'.'),
        _ => (b'.', b','),
    };
    let (whole, fraction) = match text.bytes().position(|b| b == mark) {
        Some(at) => (
            text.get(..at).unwrap_or(""),
            Some(text.get(at + 1..).unwrap_or("")),
        ),
        None => (text, None),
    };
    if let Some(fraction) = fraction
        && !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("digits after the decimal mark (declare `decimal-mark ,` for a decimal comma)");
    }
    // Up to 27 digits fit a decimal's 96-bit mantissa whatever they are:
    // read them straight into it (as `from_str_exact` would), without
    // building a string; longer numbers take the exact parse below.
    let mut mantissa: i128 = 0;
    let mut count = 0_usize;
    let grouped = whole.as_bytes().contains(&group);
    if !whole.is_empty() {
        for (index, part) in whole.as_bytes().split(|b| *b == group).enumerate() {
            let valid = !part.is_empty()
                && part.iter().all(u8::is_ascii_digit)
                && (!grouped || (index == 0 && part.len() <= 3) || part.len() == 3);
            if !valid {
                return Err(
                    "digit groups of three between separators (declare `decimal-mark ,` for a decimal comma)",
                );
            }
            count += part.len();
            if count <= 27 {
                for b in part {
                    mantissa = mantissa * 10 + i128::from(b - b'0');
                }
            }
        }
    }
    let fraction_digits = fraction.unwrap_or("");
    if count + fraction_digits.len() <= 27 {
        for b in fraction_digits.bytes() {
            mantissa = mantissa * 10 + i128::from(b - b'0');
        }
        let scale = u32::try_from(fraction_digits.len()).unwrap_or(u32::MAX);
        if let Ok(quantity) = Decimal::try_from_i128_with_scale(mantissa, scale) {
            return Ok(quantity);
        }
    }
    let group = style.group_mark();
    let mut digits = String::with_capacity(text.len() + 1);
    if whole.is_empty() {
        digits.push('0');
    } else {
        for (index, part) in whole.split(group).enumerate() {
            let valid = !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && (!grouped || (index == 0 && part.len() <= 3) || part.len() == 3);
            if !valid {
                return Err(
                    "digit groups of three between separators (declare `decimal-mark ,` for a decimal comma)",
                );
            }
            digits.push_str(part);
        }
    }
    if let Some(fraction) = fraction
        && !fraction.is_empty()
    {
        digits.push('.');
        digits.push_str(fraction);
    }
    Decimal::from_str_exact(&digits).map_err(|_| "a number with at most 28 significant digits")
}
