//! The ledger's texts: account names, entry descriptions, posting memos, and
//! metadata keys and values. Each is a validated newtype, so that a text a
//! report, a plain-text journal or an audit export could not carry (a line
//! break in a description, a blank account name) is refused where it is
//! made, with [`Error::InvalidText`] naming the kind of text, the text and
//! what is wrong with it.
//!
//! | text | may be empty | at most | whitespace |
//! |---|---|---|---|
//! | [`AccountName`] | no (nor blank) | 200 characters | spaces inside |
//! | [`EntryDescription`] | yes | 1,000 characters | spaces |
//! | [`Memo`] | yes (no memo) | 1,000 characters | spaces |
//! | [`MetadataKey`] | no | 64 characters | none |
//! | [`MetadataValue`] | yes | 1,000 characters | spaces |
//!
//! None holds a control character (a line break, a tab, ...).
//!
//! ```
//! use bureau_ledger::{AccountName, EntryDescription, Error};
//!
//! let name: AccountName = "Cash at bank".parse()?;
//! assert_eq!(name, "Cash at bank");
//! let refused = EntryDescription::new("two\nlines");
//! assert!(matches!(refused, Err(Error::InvalidText { what: "entry description", .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use compact_str::CompactString;

use crate::{Error, Result};

/// How a kind of text is checked.
struct Rule {
    what: &'static str,
    max_chars: usize,
    may_be_empty: bool,
    whitespace: bool,
}

impl Rule {
    fn check(&self, text: &str) -> core::result::Result<(), &'static str> {
        if text.is_empty() {
            return if self.may_be_empty {
                Ok(())
            } else {
                Err("it must not be empty")
            };
        }
        if !self.may_be_empty && text.trim().is_empty() {
            return Err("it must not be blank");
        }
        if text.chars().any(char::is_control) {
            return Err("it holds a control character (a line break, a tab, ...)");
        }
        if !self.whitespace && text.chars().any(char::is_whitespace) {
            return Err("it must not hold whitespace");
        }
        if text.chars().count() > self.max_chars {
            return Err("it is too long");
        }
        Ok(())
    }

    fn validate(&self, text: String) -> Result<CompactString> {
        match self.check(&text) {
            Ok(()) => Ok(CompactString::from(text)),
            Err(reason) => Err(Error::InvalidText {
                what: self.what,
                text,
                reason,
            }),
        }
    }
}

macro_rules! text_newtype {
    (
        $(#[$doc:meta])*
        $name:ident, $rule:expr, $example:literal, $bad:literal
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(CompactString);

        impl $name {
            const RULE: Rule = $rule;

            /// The longest text accepted, in characters.
            pub const MAX_CHARS: usize = Self::RULE.max_chars;

            /// Validates and wraps a text.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidText`] naming the text and what is wrong with it.
            ///
            /// ```
            #[doc = concat!("use bureau_ledger::", stringify!($name), ";")]
            ///
            #[doc = concat!("let text = ", stringify!($name), "::new(", stringify!($example), ")?;")]
            #[doc = concat!("assert_eq!(text.as_str(), ", stringify!($example), ");")]
            #[doc = concat!("assert!(", stringify!($name), "::new(", stringify!($bad), ").is_err());")]
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn new(text: impl Into<String>) -> Result<Self> {
                Self::RULE.validate(text.into()).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// A text the ledger writes itself from valid parts (the
            /// description of a settlement, a year-end close, a memo of a
            /// realised result) or reads back from a verified snapshot,
            /// kept as it is.
            // Not every kind of text is derived in every feature set.
            #[allow(dead_code)]
            pub(crate) fn derived(text: impl Into<CompactString>) -> Self {
                Self(text.into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl core::str::FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self> {
                Self::new(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(text: &str) -> Result<Self> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(text: String) -> Result<Self> {
                Self::new(text)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl core::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> core::result::Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::new(text).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_newtype!(
    /// An account's name as reports and errors show it (`Sales`,
    /// `Cash at bank`): not blank, at most 200 characters, no control
    /// characters.
    AccountName,
    Rule {
        what: "account name",
        max_chars: 200,
        may_be_empty: false,
        whitespace: true,
    },
    "Cash at bank",
    "  "
);

text_newtype!(
    /// What an entry is about (`cash sale`, `rent for March`): at most 1,000
    /// characters on one line (a plain-text journal keeps it on the entry's
    /// first line).
    EntryDescription,
    Rule {
        what: "entry description",
        max_chars: 1000,
        may_be_empty: true,
        whitespace: true,
    },
    "rent for March",
    "rent\nfor March"
);

text_newtype!(
    /// A posting's memo line (`till 2`): at most 1,000 characters on one
    /// line; empty is no memo.
    Memo,
    Rule {
        what: "memo",
        max_chars: 1000,
        may_be_empty: true,
        whitespace: true,
    },
    "till 2",
    "till\t2"
);

text_newtype!(
    /// A metadata key (`invoice`, `source`): 1 to 64 characters, no
    /// whitespace or control characters. Keys starting with
    /// [`RESERVED_METADATA_PREFIX`](crate::RESERVED_METADATA_PREFIX) are the
    /// ledger's own (see [`is_reserved`](Self::is_reserved)): an entry that
    /// carries one is refused.
    MetadataKey,
    Rule {
        what: "metadata key",
        max_chars: 64,
        may_be_empty: false,
        whitespace: false,
    },
    "invoice",
    "invoice number"
);

text_newtype!(
    /// A metadata value (`INV-7`): at most 1,000 characters on one line.
    MetadataValue,
    Rule {
        what: "metadata value",
        max_chars: 1000,
        may_be_empty: true,
        whitespace: true,
    },
    "INV-7",
    "INV-7\n"
);

impl MetadataKey {
    /// Whether the key is in the namespace the ledger keeps for itself
    /// (starting with
    /// [`RESERVED_METADATA_PREFIX`](crate::RESERVED_METADATA_PREFIX)).
    ///
    /// ```
    /// use bureau_ledger::MetadataKey;
    ///
    /// assert!(MetadataKey::new("bureau.closes")?.is_reserved());
    /// assert!(!MetadataKey::new("invoice")?.is_reserved());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_reserved(&self) -> bool {
        self.as_str().starts_with(crate::RESERVED_METADATA_PREFIX)
    }
}

impl Default for Memo {
    /// No memo.
    fn default() -> Self {
        Self(CompactString::default())
    }
}

impl EntryDescription {
    /// The description of the mirror entry that reverses an entry with this
    /// one: `reversal of ...`, the original cut short (at a character) where
    /// the whole would pass [`MAX_CHARS`](Self::MAX_CHARS), so that it reads
    /// back as a valid description from storage.
    pub(crate) fn reversal(&self) -> Self {
        const PREFIX: &str = "reversal of ";
        let room = Self::MAX_CHARS - PREFIX.len();
        let kept = match self.as_str().char_indices().nth(room) {
            Some((end, _)) => self.as_str().get(..end).unwrap_or_default(),
            None => self.as_str(),
        };
        Self::derived(compact_str::format_compact!("{PREFIX}{kept}"))
    }
}

impl Memo {
    /// Whether there is no memo.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_text_names_what_is_wrong() {
        let cases: [(Result<()>, &str); 8] = [
            (
                AccountName::new("").map(drop),
                "account name \"\": it must not be empty",
            ),
            (AccountName::new("   ").map(drop), "it must not be blank"),
            (
                AccountName::new("a".repeat(201)).map(drop),
                "it is too long",
            ),
            (EntryDescription::new("a\nb").map(drop), "control character"),
            (Memo::new("x".repeat(1001)).map(drop), "memo"),
            (MetadataKey::new("").map(drop), "metadata key"),
            (
                MetadataKey::new("a b").map(drop),
                "it must not hold whitespace",
            ),
            (
                MetadataValue::new("v\r").map(drop),
                "metadata value \"v\\r\"",
            ),
        ];
        for (outcome, expected) in cases {
            let message = outcome.map_or_else(|e| e.to_string(), |()| String::new());
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
        assert!(AccountName::new("a".repeat(200)).is_ok());
        assert!(EntryDescription::new("").is_ok());
        assert!(Memo::new("").is_ok_and(|m| m.is_empty()));
    }

    #[test]
    fn the_reversal_of_the_longest_description_is_still_a_description() {
        let longest = EntryDescription::new("é".repeat(EntryDescription::MAX_CHARS)).unwrap();
        let mirror = longest.reversal();
        assert!(mirror.as_str().starts_with("reversal of é"));
        assert_eq!(mirror.as_str().chars().count(), EntryDescription::MAX_CHARS);
        assert_eq!(EntryDescription::new(mirror.as_str()).unwrap(), mirror);
        let short = EntryDescription::new("rent").unwrap().reversal();
        assert_eq!(short, "reversal of rent");
    }
}
