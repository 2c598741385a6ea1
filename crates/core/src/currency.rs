//! Currencies: every ISO 4217 code with its minor units, plus custom commodities.

use core::fmt;
use core::str::FromStr;
use std::sync::OnceLock;

use crate::{Error, Result};

/// Longest code a custom commodity may have.
///
/// ```
/// use bureau_core::{Currency, MAX_COMMODITY_CODE_LEN};
/// assert!(Currency::commodity(&"A".repeat(MAX_COMMODITY_CODE_LEN + 1), 0).is_err());
/// ```
pub const MAX_COMMODITY_CODE_LEN: usize = 12;
/// Most decimal places a custom commodity may declare. Decimal holds 28; the
/// headroom keeps products and rate conversions exact.
///
/// ```
/// use bureau_core::{Currency, MAX_COMMODITY_PRECISION};
/// assert!(Currency::commodity("POINTS", MAX_COMMODITY_PRECISION).is_ok());
/// assert!(Currency::commodity("POINTS", MAX_COMMODITY_PRECISION + 1).is_err());
/// ```
pub const MAX_COMMODITY_PRECISION: u32 = 18;

/// A unit of account: an ISO 4217 currency or a custom commodity.
///
/// A currency knows its code and its minor units (the number of decimal places
/// an amount in it may carry): `JPY` 0, `USD` 2, `KWD` 3, `CLF` 4. The ISO table
/// is the one maintained by the `iso_currency` crate, superseded codes
/// included so that historical books stay readable. ISO codes without a minor unit
/// (gold `XAU`, the SDR `XDR`, the test code `XXX`) are refused by
/// [`Currency::iso`]; declare them with [`Currency::commodity`] and the precision
/// your books use.
///
/// A custom commodity (shares, loyalty points, hours) has a code of 1 to 12 ASCII
/// letters, digits or underscores, starting with a letter, that is not an ISO
/// code, and a declared precision of 0 to 18 places.
///
/// # Case
///
/// Codes are case-sensitive and ISO codes are upper case: `"usd"` is not `USD`.
/// Ledgers written by hand are the usual source of a lowercase code, and a silent
/// guess there would hide a typo; [`Currency::iso`] names the code it refused.
///
/// # Text form
///
/// [`Display`](fmt::Display) writes the code alone (`USD`, `AAPL`).
/// [`FromStr`] reads an ISO code (`USD`) or a commodity with its precision
/// (`AAPL:4`); serde uses the same text as `FromStr`, so
/// commodities travel with their precision.
///
/// `Currency` is `Copy` (16 bytes) and compares by code and precision.
///
/// # Examples
///
/// ```
/// use bureau_core::Currency;
///
/// let usd = Currency::iso("USD")?;
/// assert_eq!(usd.minor_units(), 2);
/// assert_eq!(Currency::iso("JPY")?.minor_units(), 0);
/// assert_eq!(Currency::iso("KWD")?.minor_units(), 3);
///
/// let shares = Currency::commodity("AAPL", 4)?;
/// assert_eq!(shares.to_string(), "AAPL");
/// assert_eq!("AAPL:4".parse::<Currency>()?, shares);
/// assert!(Currency::iso("usd").is_err());
/// # Ok::<(), bureau_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; MAX_COMMODITY_CODE_LEN],
    code_len: u8,
    minor_units: u8,
    is_iso: bool,
}

impl Currency {
    /// The ISO 4217 currency with this three-letter upper-case code.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCurrency`] when the code is not in ISO 4217,
    /// [`Error::NoMinorUnit`] when ISO defines no minor unit for it.
    ///
    /// ```
    /// use bureau_core::{Currency, Error};
    ///
    /// assert_eq!(Currency::iso("EUR")?.code(), "EUR");
    /// assert!(matches!(Currency::iso("XXQ"), Err(Error::UnknownCurrency { .. })));
    /// assert!(matches!(Currency::iso("XAU"), Err(Error::NoMinorUnit { .. })));
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn iso(code: &str) -> Result<Self> {
        let unknown = || Error::UnknownCurrency {
            code: code.to_owned(),
        };
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(unknown());
        }
        let iso = iso_currency::Currency::from_code(code).ok_or_else(unknown)?;
        let minor_units = iso
            .exponent()
            .and_then(|e| u8::try_from(e).ok())
            .ok_or_else(|| Error::NoMinorUnit {
                code: code.to_owned(),
            })?;
        Ok(Self::from_parts(code.as_bytes(), minor_units, true))
    }

    /// A custom commodity with `precision` decimal places.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCommodity`] when the code is empty, longer than 12, uses
    /// other characters than ASCII letters, digits and `_`, does not start with a
    /// letter, or is an ISO 4217 code; or when the precision exceeds 18.
    ///
    /// ```
    /// use bureau_core::Currency;
    ///
    /// let hours = Currency::commodity("HOURS", 2)?;
    /// assert_eq!(hours.minor_units(), 2);
    /// assert!(!hours.is_iso());
    /// assert!(Currency::commodity("USD", 4).is_err());
    /// assert!(Currency::commodity("A B", 0).is_err());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn commodity(code: &str, precision: u32) -> Result<Self> {
        let invalid = |reason| Error::InvalidCommodity {
            code: code.to_owned(),
            reason,
        };
        let bytes = code.as_bytes();
        match bytes.first() {
            None => return Err(invalid("the code is empty")),
            Some(first) if !first.is_ascii_alphabetic() => {
                return Err(invalid("the code must start with an ASCII letter"));
            }
            Some(_) => {}
        }
        if bytes.len() > MAX_COMMODITY_CODE_LEN {
            return Err(invalid("the code is longer than 12 characters"));
        }
        if !bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            return Err(invalid(
                "the code may hold only ASCII letters, digits and '_'",
            ));
        }
        if iso_currency::Currency::from_code(code).is_some() {
            return Err(invalid("the code is an ISO 4217 currency"));
        }
        let minor_units = u8::try_from(precision)
            .ok()
            .filter(|p| u32::from(*p) <= MAX_COMMODITY_PRECISION)
            .ok_or_else(|| invalid("the precision exceeds 18 decimal places"))?;
        Ok(Self::from_parts(bytes, minor_units, false))
    }

    fn from_parts(code: &[u8], minor_units: u8, is_iso: bool) -> Self {
        let mut buffer = [0_u8; MAX_COMMODITY_CODE_LEN];
        let len = code.len().min(MAX_COMMODITY_CODE_LEN);
        for (slot, byte) in buffer.iter_mut().zip(code) {
            *slot = *byte;
        }
        Self {
            code: buffer,
            // `len` is at most 12: validated by both constructors.
            code_len: u8::try_from(len).unwrap_or(0),
            minor_units,
            is_iso,
        }
    }

    /// The code: `"USD"`, `"AAPL"`.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert_eq!(Currency::iso("CHF")?.code(), "CHF");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn code(&self) -> &str {
        let len = usize::from(self.code_len);
        // The bytes were validated as ASCII by the constructors.
        self.code
            .get(..len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The code as ASCII bytes, without the UTF-8 check of [`code`](Self::code):
    /// for hashing and encoding on hot paths.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert_eq!(Currency::iso("EUR")?.code_bytes(), b"EUR");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn code_bytes(&self) -> &[u8] {
        self.code.get(..usize::from(self.code_len)).unwrap_or(&[])
    }

    /// Number of decimal places an amount in this currency carries.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert_eq!(Currency::iso("BHD")?.minor_units(), 3);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn minor_units(&self) -> u32 {
        self.minor_units as u32
    }

    /// Whether this is an ISO 4217 currency rather than a custom commodity.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert!(Currency::iso("GBP")?.is_iso());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn is_iso(&self) -> bool {
        self.is_iso
    }

    /// The English name of an ISO currency, `None` for a commodity.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert_eq!(Currency::iso("JPY")?.name().as_deref(), Some("Japanese yen"));
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn name(&self) -> Option<String> {
        if !self.is_iso {
            return None;
        }
        iso_currency::Currency::from_code(self.code()).map(|c| c.name().to_owned())
    }

    /// Every ISO 4217 currency that has a minor unit, in code order.
    ///
    /// The list is built on the first call and kept for the life of the
    /// process; later calls copy it (a few kilobytes).
    ///
    /// ```
    /// use bureau_core::Currency;
    /// let all = Currency::all_iso();
    /// assert!(all.iter().any(|c| c.code() == "KWD"));
    /// assert!(all.iter().all(|c| c.is_iso()));
    /// ```
    pub fn all_iso() -> Vec<Self> {
        ALL_ISO.get_or_init(probe_all_iso).clone()
    }
}

/// The ISO currencies, probed once: see [`Currency::all_iso`].
static ALL_ISO: OnceLock<Vec<Currency>> = OnceLock::new();

/// Every ISO currency with a minor unit, found by trying each three-letter code.
fn probe_all_iso() -> Vec<Currency> {
    // The iso_currency table has no iterator without an extra feature, and the
    // 17,576 three-letter codes take about a millisecond to probe: done once.
    let mut found = Vec::new();
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            for c in b'A'..=b'Z' {
                let code = [a, b, c];
                if let Ok(currency) = core::str::from_utf8(&code).map(Currency::iso) {
                    found.extend(currency);
                }
            }
        }
    }
    found
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_iso {
            f.write_str(self.code())
        } else {
            write!(f, "{}:{}", self.code(), self.minor_units)
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;

    /// Reads `USD` (ISO) or `AAPL:4` (a commodity with its precision).
    fn from_str(text: &str) -> Result<Self> {
        match text.split_once(':') {
            None => Self::iso(text),
            Some((code, precision)) => {
                let precision = precision
                    .parse::<u32>()
                    .map_err(|_| Error::InvalidCommodity {
                        code: text.to_owned(),
                        reason: "the precision after ':' is not a whole number",
                    })?;
                Self::commodity(code, precision)
            }
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> core::result::Result<S::Ok, S::Error> {
        if self.is_iso {
            serializer.serialize_str(self.code())
        } else {
            serializer.collect_str(&format_args!("{}:{}", self.code(), self.minor_units))
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
