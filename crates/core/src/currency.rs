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
/// // The most traded currencies are constants; any ISO code parses.
/// assert_eq!(Currency::USD.minor_units(), 2);
/// assert_eq!(Currency::JPY.minor_units(), 0);
/// assert_eq!(Currency::iso("KWD")?, Currency::KWD);
/// assert_eq!(Currency::iso("CLF")?.minor_units(), 4);
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

    const fn from_parts(code: &[u8], minor_units: u8, is_iso: bool) -> Self {
        let mut buffer = [0_u8; MAX_COMMODITY_CODE_LEN];
        let mut len: u8 = 0;
        // A `while` loop because iterators are not available in a `const fn`;
        // both indexes are below the bounds the condition checks.
        while (len as usize) < code.len() && (len as usize) < MAX_COMMODITY_CODE_LEN {
            buffer[len as usize] = code[len as usize];
            len += 1;
        }
        Self {
            code: buffer,
            code_len: len,
            minor_units,
            is_iso,
        }
    }

    /// The code: `"USD"`, `"AAPL"`.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert_eq!(Currency::CHF.code(), "CHF");
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
    /// assert_eq!(Currency::EUR.code_bytes(), b"EUR");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn code_bytes(&self) -> &[u8] {
        self.code.get(..usize::from(self.code_len)).unwrap_or(&[])
    }

    /// Number of decimal places an amount in this currency carries.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert_eq!(Currency::BHD.minor_units(), 3);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn minor_units(&self) -> u32 {
        self.minor_units as u32
    }

    /// Whether this is an ISO 4217 currency rather than a custom commodity.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert!(Currency::GBP.is_iso());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn is_iso(&self) -> bool {
        self.is_iso
    }

    /// The English name of an ISO currency, as the ISO table spells it;
    /// `None` for a commodity. No allocation: the names are static text.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// assert_eq!(Currency::JPY.name(), Some("Japanese yen"));
    /// assert_eq!(Currency::commodity("HOURS", 2)?.name(), None);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn name(&self) -> Option<&'static str> {
        if !self.is_iso {
            return None;
        }
        let table = iso_table();
        let index = table
            .currencies
            .binary_search_by(|c| c.code_bytes().cmp(self.code_bytes()))
            .ok()?;
        table.iso.get(index).map(iso_currency::Currency::name)
    }

    /// Every ISO 4217 currency that has a minor unit, in code order.
    ///
    /// The list is built on the first call and kept for the life of the
    /// process; every call returns the same slice.
    ///
    /// ```
    /// use bureau_core::Currency;
    /// let all = Currency::all_iso();
    /// assert!(all.contains(&Currency::KWD));
    /// assert!(all.iter().all(|c| c.is_iso()));
    /// ```
    pub fn all_iso() -> &'static [Self] {
        &iso_table().currencies
    }
}

/// Declares the constants of the common ISO currencies and the list the unit
/// test checks against the ISO table.
macro_rules! iso_constants {
    ($($(#[$doc:meta])* $code:ident = $minor_units:literal;)*) => {
        /// The currencies most traded on the foreign exchange markets, as
        /// constants: `Currency::USD` rather than `Currency::iso("USD")?`.
        ///
        /// Each one is the value [`Currency::iso`] returns for its code.
        ///
        /// ```
        /// use bureau_core::Currency;
        ///
        /// assert_eq!(Currency::USD, Currency::iso("USD")?);
        /// assert_eq!(Currency::JPY.minor_units(), 0);
        /// assert_eq!(Currency::KWD.minor_units(), 3);
        /// # Ok::<(), bureau_core::Error>(())
        /// ```
        impl Currency {
            $(
                $(#[$doc])*
                pub const $code: Self = Self::from_parts(
                    stringify!($code).as_bytes(),
                    $minor_units,
                    true,
                );
            )*
        }

        /// Every constant of [`iso_constants`], for the test against the ISO table.
        #[cfg(test)]
        const CONSTANTS: &[Currency] = &[$(Currency::$code),*];
    };
}

iso_constants! {
    /// The United States dollar, `USD`: 2 decimal places.
    USD = 2;
    /// The euro, `EUR`: 2 decimal places.
    EUR = 2;
    /// The Japanese yen, `JPY`: no decimal places.
    JPY = 0;
    /// The pound sterling, `GBP`: 2 decimal places.
    GBP = 2;
    /// The Chinese yuan renminbi, `CNY`: 2 decimal places.
    CNY = 2;
    /// The Australian dollar, `AUD`: 2 decimal places.
    AUD = 2;
    /// The Canadian dollar, `CAD`: 2 decimal places.
    CAD = 2;
    /// The Swiss franc, `CHF`: 2 decimal places.
    CHF = 2;
    /// The Hong Kong dollar, `HKD`: 2 decimal places.
    HKD = 2;
    /// The Singapore dollar, `SGD`: 2 decimal places.
    SGD = 2;
    /// The Swedish krona, `SEK`: 2 decimal places.
    SEK = 2;
    /// The South Korean won, `KRW`: no decimal places.
    KRW = 0;
    /// The Norwegian krone, `NOK`: 2 decimal places.
    NOK = 2;
    /// The New Zealand dollar, `NZD`: 2 decimal places.
    NZD = 2;
    /// The Indian rupee, `INR`: 2 decimal places.
    INR = 2;
    /// The Mexican peso, `MXN`: 2 decimal places.
    MXN = 2;
    /// The New Taiwan dollar, `TWD`: 2 decimal places.
    TWD = 2;
    /// The South African rand, `ZAR`: 2 decimal places.
    ZAR = 2;
    /// The Brazilian real, `BRL`: 2 decimal places.
    BRL = 2;
    /// The Danish krone, `DKK`: 2 decimal places.
    DKK = 2;
    /// The Polish zloty, `PLN`: 2 decimal places.
    PLN = 2;
    /// The Thai baht, `THB`: 2 decimal places.
    THB = 2;
    /// The Israeli new shekel, `ILS`: 2 decimal places.
    ILS = 2;
    /// The Indonesian rupiah, `IDR`: 2 decimal places.
    IDR = 2;
    /// The Czech koruna, `CZK`: 2 decimal places.
    CZK = 2;
    /// The UAE dirham, `AED`: 2 decimal places.
    AED = 2;
    /// The Turkish lira, `TRY`: 2 decimal places.
    TRY = 2;
    /// The Hungarian forint, `HUF`: 2 decimal places.
    HUF = 2;
    /// The Chilean peso, `CLP`: no decimal places.
    CLP = 0;
    /// The Saudi riyal, `SAR`: 2 decimal places.
    SAR = 2;
    /// The Philippine peso, `PHP`: 2 decimal places.
    PHP = 2;
    /// The Malaysian ringgit, `MYR`: 2 decimal places.
    MYR = 2;
    /// The Colombian peso, `COP`: 2 decimal places.
    COP = 2;
    /// The Russian ruble, `RUB`: 2 decimal places.
    RUB = 2;
    /// The Argentine peso, `ARS`: 2 decimal places.
    ARS = 2;
    /// The Peruvian sol, `PEN`: 2 decimal places.
    PEN = 2;
    /// The Kuwaiti dinar, `KWD`: 3 decimal places.
    KWD = 3;
    /// The Bahraini dinar, `BHD`: 3 decimal places.
    BHD = 3;
    /// The Qatari riyal, `QAR`: 2 decimal places.
    QAR = 2;
    /// The Vietnamese dong, `VND`: no decimal places.
    VND = 0;
    /// The Egyptian pound, `EGP`: 2 decimal places.
    EGP = 2;
    /// The Nigerian naira, `NGN`: 2 decimal places.
    NGN = 2;
    /// The Icelandic krona, `ISK`: no decimal places.
    ISK = 0;
    /// The Romanian leu, `RON`: 2 decimal places.
    RON = 2;
    /// The Ukrainian hryvnia, `UAH`: 2 decimal places.
    UAH = 2;
    /// The Kazakhstani tenge, `KZT`: 2 decimal places.
    KZT = 2;
    /// The Pakistani rupee, `PKR`: 2 decimal places.
    PKR = 2;
}

/// The ISO currencies with a minor unit, in code order, with the `iso_currency`
/// value of each at the same index (for its static name).
struct IsoTable {
    currencies: Vec<Currency>,
    iso: Vec<iso_currency::Currency>,
}

/// The ISO table, probed once: see [`Currency::all_iso`].
fn iso_table() -> &'static IsoTable {
    static TABLE: OnceLock<IsoTable> = OnceLock::new();
    TABLE.get_or_init(probe_iso_table)
}

/// Every ISO currency with a minor unit, found by trying each three-letter code.
fn probe_iso_table() -> IsoTable {
    // The iso_currency table has no iterator without an extra feature, and the
    // 17,576 three-letter codes take about a millisecond to probe: done once.
    // Trying the codes in alphabetical order keeps the table sorted by code.
    let mut table = IsoTable {
        currencies: Vec::new(),
        iso: Vec::new(),
    };
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            for c in b'A'..=b'Z' {
                let code = [a, b, c];
                let Ok(code) = core::str::from_utf8(&code) else {
                    continue;
                };
                if let (Ok(currency), Some(iso)) =
                    (Currency::iso(code), iso_currency::Currency::from_code(code))
                {
                    table.currencies.push(currency);
                    table.iso.push(iso);
                }
            }
        }
    }
    table
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_iso_table() {
        assert!(CONSTANTS.len() >= 30);
        for constant in CONSTANTS {
            assert_eq!(
                Ok(*constant),
                Currency::iso(constant.code()),
                "{constant:?}"
            );
            assert!(constant.name().is_some(), "{constant:?}");
        }
    }

    #[test]
    fn names_come_from_the_table() {
        assert_eq!(Currency::USD.name(), Some("United States dollar"));
        for currency in Currency::all_iso() {
            let iso = iso_currency::Currency::from_code(currency.code());
            let expected = iso.map(|c| c.name().to_owned());
            assert_eq!(currency.name().map(str::to_owned), expected, "{currency:?}");
        }
    }
}
