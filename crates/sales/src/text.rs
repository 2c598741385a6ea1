//! Validated names and codes of the sales domain.

use std::sync::Arc;

use crate::{Error, Result};

/// The longest name or code accepted, in bytes.
pub const MAX_TEXT_LEN: usize = 200;

// A priced line's explanation names its price list, discount rules and
// taxes, so cloning a name must cost neither an allocation nor, for the
// short names and codes most are, an atomic reference count (which was a
// sixth of the time of pricing a line): a text of up to `INLINE` bytes is
// held inline and copied, a longer one shared behind an `Arc<str>`.

/// The longest text held inline.
const INLINE: usize = 23;

/// A short text: its bytes, then zeros, then its length in the last byte.
/// Aligned as a word, so copying one is three word moves (an unaligned
/// copy of 23 bytes stalled reading it back).
#[derive(Clone, Copy)]
#[repr(align(8))]
struct Inline([u8; INLINE + 1]);

/// The text of a name or code. A text of at most [`INLINE`] bytes is
/// always inline, so two equal texts have the same representation.
#[derive(Clone)]
enum Text {
    /// A short text.
    Inline(Inline),
    /// A longer text.
    Shared(Arc<str>),
}

impl Text {
    fn new(text: &str) -> Self {
        let mut bytes = [0_u8; INLINE + 1];
        let len = u8::try_from(text.len())
            .ok()
            .filter(|l| usize::from(*l) <= INLINE);
        match (len, bytes.get_mut(..text.len())) {
            (Some(len), Some(head)) => {
                head.copy_from_slice(text.as_bytes());
                if let Some(last) = bytes.last_mut() {
                    *last = len;
                }
                Self::Inline(Inline(bytes))
            }
            _ => Self::Shared(Arc::from(text)),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inline(Inline(bytes)) => {
                let len = bytes.last().map_or(0, |l| usize::from(*l));
                bytes.get(..len).unwrap_or_default()
            }
            Self::Shared(text) => text.as_bytes(),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // The bytes were copied from a whole `str`, so they are UTF-8:
            // the check cannot fail (and costs a few nanoseconds on a short
            // text).
            Self::Inline(_) => core::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            Self::Shared(text) => text,
        }
    }
}

// Compared, ordered and hashed as the bytes of the text, as `str` is.
impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            // Short texts are always inline, zero-padded, with their length:
            // equal texts are equal words (and no call to compare bytes).
            (Self::Inline(a), Self::Inline(b)) => a.0 == b.0,
            (Self::Shared(a), Self::Shared(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl core::hash::Hash for Text {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl core::fmt::Debug for Text {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// How a text kind is checked.
#[derive(Clone, Copy)]
enum Rule {
    /// Any printable text without surrounding whitespace.
    Name,
    /// ASCII letters, digits and `-_./`, no spaces.
    Code,
}

fn check(kind: &'static str, text: &str, rule: Rule) -> Result<()> {
    let fail = |reason| {
        Err(Error::InvalidText {
            kind,
            text: text.to_owned(),
            reason,
        })
    };
    if text.is_empty() {
        return fail("is empty");
    }
    if text.len() > MAX_TEXT_LEN {
        return fail("is longer than 200 bytes");
    }
    match rule {
        Rule::Name => {
            if text.trim() != text {
                return fail("has leading or trailing whitespace");
            }
            if text.chars().any(char::is_control) {
                return fail("holds a control character");
            }
        }
        Rule::Code => {
            if !text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
            {
                return fail("may hold only ASCII letters, digits and - _ . /");
            }
        }
    }
    Ok(())
}

macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $rule:expr, $example:literal) => {
        $(#[$meta])*
        ///
        /// At most [`MAX_TEXT_LEN`] bytes, never empty; compared and ordered as
        /// the exact text.
        ///
        /// ```
        #[doc = concat!("use bureau_sales::", stringify!($name), ";")]
        #[doc = concat!("let value = ", stringify!($name), "::new(", stringify!($example), ")?;")]
        #[doc = concat!("assert_eq!(value.as_str(), ", stringify!($example), ");")]
        #[doc = concat!("assert!(", stringify!($name), "::new(\"\").is_err());")]
        /// # Ok::<(), bureau_sales::Error>(())
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
        pub struct $name(Text);

        impl $name {
            /// The text, checked.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidText`] naming the rule the text broke.
            pub fn new(text: impl Into<String>) -> Result<Self> {
                let text = text.into();
                check($kind, &text, $rule)?;
                Ok(Self(Text::new(&text)))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.0.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(text: String) -> Result<Self> {
                Self::new(text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                String::from(value.0.as_str())
            }
        }
    };
}

text_type!(
    /// The name of a pipeline stage (`Qualification`, `Proposal`, `Won`).
    StageName, "stage name", Rule::Name, "Proposal"
);
text_type!(
    /// Where an opportunity came from (`webinar`, `referral`, `partner`).
    DealSource, "deal source", Rule::Name, "referral"
);
text_type!(
    /// Why an opportunity was won or lost, in words.
    CloseReason, "close reason", Rule::Name, "Chose a competitor"
);
text_type!(
    /// The name of a caller-defined attribute of an opportunity, which the
    /// win model may read as a feature (`industry`, `region`).
    AttributeName, "attribute name", Rule::Code, "industry"
);
text_type!(
    /// The value of a caller-defined attribute of an opportunity.
    AttributeValue, "attribute value", Rule::Name, "Manufacturing"
);
text_type!(
    /// The reference of an invoice, credit note or payment a commission is
    /// earned or clawed back on.
    SaleReference, "sale reference", Rule::Code, "INV-2026-0042"
);
text_type!(
    /// A stock keeping unit: the code a product is ordered by (ASCII letters,
    /// digits and `-_./`).
    Sku, "SKU", Rule::Code, "WID-001"
);
text_type!(
    /// The name a product is shown with.
    ProductName, "product name", Rule::Name, "Blue widget"
);
text_type!(
    /// The unit a product's quantity counts (`each`, `kg`, `hour`).
    UnitOfMeasure, "unit of measure", Rule::Name, "kg"
);
text_type!(
    /// The tax category of a product, which tax rules select on (`standard`,
    /// `reduced`, `exempt`).
    TaxCategory, "tax category", Rule::Code, "standard"
);
text_type!(
    /// A group of products whose quantities a cumulative volume tier adds up.
    ProductGroup, "product group", Rule::Code, "widgets"
);
text_type!(
    /// The code of a price list.
    PriceListCode, "price list code", Rule::Code, "EU-2026"
);
text_type!(
    /// A customer segment a price list is meant for (`retail`, `wholesale`).
    Segment, "segment", Rule::Code, "wholesale"
);
text_type!(
    /// The code of a tax rate (`VAT19`, `GST`); also what an exemption names.
    TaxCode, "tax code", Rule::Code, "VAT19"
);
text_type!(
    /// The name of a discount rule, shown in a line's explanation.
    DiscountName, "discount name", Rule::Name, "Spring sale"
);
text_type!(
    /// The number of a sales document (order, invoice, credit note), which
    /// links one document to the one it comes from.
    DocumentNumber, "document number", Rule::Code, "INV-2026-0001"
);
text_type!(
    /// The code a customer gives to redeem a coupon.
    CouponCode, "coupon code", Rule::Code, "SPRING10"
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn short_and_long_texts_compare_as_their_strings(
            a in "[a-zA-Z0-9 ]{1,40}", b in "[a-zA-Z0-9 ]{1,40}",
        ) {
            let (x, y) = (Text::new(&a), Text::new(&b));
            prop_assert_eq!(x.as_str(), a.as_str());
            prop_assert_eq!(x == y, a == b);
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            let copy = x.clone();
            prop_assert_eq!(copy.as_str(), a.as_str());
        }
    }

    #[test]
    fn a_text_of_23_bytes_is_inline_and_of_24_shared() {
        assert!(matches!(Text::new(&"a".repeat(23)), Text::Inline(_)));
        assert!(matches!(Text::new(&"a".repeat(24)), Text::Shared(_)));
        assert_eq!(Text::new(&"é".repeat(12)).as_str(), "é".repeat(12));
        assert_eq!(
            DiscountName::new("Spring sale").unwrap().to_string(),
            "Spring sale"
        );
    }
}
