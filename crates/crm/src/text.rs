//! Short validated texts: names, tags, titles, purposes, sources.
//!
//! Each is trimmed with inner runs of whitespace collapsed to one space,
//! must not be empty, and has a length limit in characters; a refusal is
//! [`Error::EmptyText`](crate::Error::EmptyText) or
//! [`Error::TextTooLong`](crate::Error::TextTooLong) naming the field.

use std::fmt;

use crate::Result;
use crate::contact_point::clean_text;

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(String);

        impl $name {
            /// The most characters allowed.
            pub const MAX_CHARS: usize = $max;

            /// Trims the text, collapses inner whitespace and checks it.
            ///
            /// # Errors
            ///
            #[doc = concat!("[`Error::EmptyText`](crate::Error::EmptyText) or [`Error::TextTooLong`](crate::Error::TextTooLong) naming the ", $field, ".")]
            ///
            /// ```
            #[doc = concat!("let value = bureau_crm::", stringify!($name), "::new(\"  ", $example, " \")?;")]
            #[doc = concat!("assert_eq!(value.as_str(), \"", $example, "\");")]
            #[doc = concat!("assert!(bureau_crm::", stringify!($name), "::new(\" \").is_err());")]
            /// # Ok::<(), bureau_crm::Error>(())
            /// ```
            pub fn new(text: &str) -> Result<Self> {
                clean_text($field, text, $max).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::new(s)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::new(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_newtype!(
    /// The name of a person or an organization, as it is to be displayed.
    Name,
    "name",
    200,
    "Ada Lovelace"
);
text_newtype!(
    /// A free-form label on a party (compared exactly, case included).
    Tag,
    "tag",
    64,
    "vip"
);
text_newtype!(
    /// A person's title in a role at an organization.
    JobTitle,
    "job title",
    120,
    "Head of Finance"
);
text_newtype!(
    /// What a consent is for (`newsletter`, `product updates`, ...).
    Purpose,
    "purpose",
    64,
    "newsletter"
);
text_newtype!(
    /// Where a consent or a lead came from (`signup form`, `import 2026-03`, ...).
    Source,
    "source",
    200,
    "signup form"
);
text_newtype!(
    /// The name of the rule or automation that caused a change.
    RuleName,
    "rule name",
    120,
    "score above 80"
);
text_newtype!(
    /// The key of a custom field.
    FieldKey,
    "field key",
    64,
    "industry"
);
text_newtype!(
    /// One of the values a choice field allows, or a text field's value.
    FieldText,
    "field text",
    1000,
    "software"
);
text_newtype!(
    /// The subject or body of an activity.
    Subject,
    "subject",
    1000,
    "Renewal call"
);
text_newtype!(
    /// The body of a reply, a note or a customer message on a case
    /// (whitespace collapsed as in every text here).
    MessageText,
    "message",
    20000,
    "Thanks, we are on it."
);
text_newtype!(
    /// The name of a support macro.
    MacroName,
    "macro name",
    120,
    "close as duplicate"
);
