//! Validated text: names, titles and codes that are never empty, carry no
//! surrounding whitespace or control characters, and stay within a length.

use core::fmt;

use compact_str::CompactString;

use crate::{Error, Result};

/// The longest text a name or code may hold, in characters.
pub const MAX_TEXT_LEN: usize = 200;

/// Checks the rules every text value of this crate shares.
fn validate(kind: &'static str, text: &str) -> Result<()> {
    let reason = if text.is_empty() {
        Some("it is empty")
    } else if text.trim() != text {
        Some("it has surrounding whitespace")
    } else if text.chars().any(char::is_control) {
        Some("it holds a control character")
    } else if text.chars().count() > MAX_TEXT_LEN {
        Some("it is longer than 200 characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidText {
            kind,
            text: text.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
        pub struct $name(CompactString);

        impl $name {
            /// Validates and wraps `text` (compared exactly, case included).
            ///
            /// # Errors
            ///
            /// [`Error::InvalidText`] when the text is empty, has surrounding
            /// whitespace or a control character, or is longer than
            /// [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN) characters.
            ///
            /// ```
            #[doc = concat!("use bureau_hr::", stringify!($name), ";")]
            #[doc = concat!("let value = ", stringify!($name), "::new(", stringify!($example), ")?;")]
            #[doc = concat!("assert_eq!(value.as_str(), ", stringify!($example), ");")]
            #[doc = concat!("assert!(", stringify!($name), "::new(\" padded \").is_err());")]
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn new(text: impl Into<String>) -> Result<Self> {
                let text = text.into();
                validate($kind, &text)?;
                Ok(Self(CompactString::from(text)))
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

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(text: String) -> Result<Self> {
                Self::new(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(text: &str) -> Result<Self> {
                Self::new(text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0.into_string()
            }
        }
    };
}

text_newtype!(
    /// A person's name as they want it written.
    PersonName,
    "person name",
    "Ada Lovelace"
);
text_newtype!(
    /// The name of a department (`Engineering`, `Finance`, ...).
    DepartmentName,
    "department",
    "Engineering"
);
text_newtype!(
    /// The title of a position (`Senior Engineer`, ...).
    PositionTitle,
    "position",
    "Senior Engineer"
);
text_newtype!(
    /// The code of a cost centre the employment is charged to.
    CostCentre,
    "cost centre",
    "CC-4100"
);
text_newtype!(
    /// The name of a work location (`Berlin office`, `Remote`, ...).
    LocationName,
    "location",
    "Berlin office"
);
text_newtype!(
    /// The key under which the caller keeps the working-time calendar of a
    /// location (a [`bureau_calendar::Calendar`] is looked up by it).
    CalendarKey,
    "calendar key",
    "de-berlin"
);
text_newtype!(
    /// A national identification number (social security, tax id, ...).
    /// Kept inside [`Sensitive`](crate::Sensitive) in an employee's data.
    NationalId,
    "national id",
    "123-45-6789"
);
text_newtype!(
    /// A bank account number (IBAN or local form). Kept inside
    /// [`Sensitive`](crate::Sensitive) in an employee's data.
    BankAccount,
    "bank account",
    "DE89370400440532013000"
);
text_newtype!(
    /// The reason given for a termination or a leave of absence.
    Reason,
    "reason",
    "relocation"
);
text_newtype!(
    /// The name of a leave type (`volunteering`, `study`, ...).
    LeaveTypeName,
    "leave type",
    "volunteering"
);
text_newtype!(
    /// An expense category a policy sets limits for (`travel`, `meals`, ...).
    ExpenseCategory,
    "expense category",
    "meals"
);
text_newtype!(
    /// The reference of a receipt backing an expense line.
    ReceiptReference,
    "receipt reference",
    "R-2026-0042"
);
text_newtype!(
    /// The name of a recruitment stage (`screening`, `interview`, ...).
    StageName,
    "stage",
    "interview"
);
text_newtype!(
    /// The name of a payroll component a caller defines: a deduction, a
    /// contribution (`pension`, `health insurance`, `union dues`, ...).
    PayComponentName,
    "pay component",
    "pension"
);

/// A work email address: one `@` with text on both sides, a dot in the
/// domain, no spaces; compared exactly as given.
///
/// ```
/// use bureau_hr::WorkEmail;
/// let email = WorkEmail::new("ada@example.com")?;
/// assert_eq!(email.domain(), "example.com");
/// assert_eq!(
///     WorkEmail::new("ada.example.com").unwrap_err().to_string(),
///     r#"invalid work email "ada.example.com""#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct WorkEmail(String);

impl WorkEmail {
    /// Validates and wraps `text`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmail`] naming the text when it is not of the form
    /// `local@domain.tld`, holds whitespace, or is longer than
    /// [`MAX_TEXT_LEN`] characters.
    pub fn new(text: impl Into<String>) -> Result<Self> {
        let text = text.into();
        let well_formed = match text.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
        if !well_formed
            || text.chars().any(|c| c.is_whitespace() || c.is_control())
            || text.chars().count() > MAX_TEXT_LEN
        {
            return Err(Error::InvalidEmail { text });
        }
        Ok(Self(text))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for WorkEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl fmt::Debug for WorkEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl TryFrom<String> for WorkEmail {
    type Error = Error;
    fn try_from(text: String) -> Result<Self> {
        Self::new(text)
    }
}

impl From<WorkEmail> for String {
    fn from(value: WorkEmail) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules_name_the_value_and_the_reason() {
        let err = DepartmentName::new("").unwrap_err();
        assert_eq!(err.to_string(), r#"invalid department "": it is empty"#);
        let err = PositionTitle::new("a\u{7}b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid position \"a\\u{7}b\": it holds a control character"
        );
        assert!(PersonName::new("x".repeat(MAX_TEXT_LEN)).is_ok());
        assert!(PersonName::new("x".repeat(MAX_TEXT_LEN + 1)).is_err());
    }

    #[test]
    fn emails_need_one_at_and_a_dotted_domain() {
        for bad in [
            "",
            "@example.com",
            "ada@",
            "ada@com",
            "a@b@c.d",
            "ada @x.io",
            "ada@.io",
            "ada@x.",
        ] {
            assert!(WorkEmail::new(bad).is_err(), "{bad:?} accepted");
        }
        assert!(WorkEmail::new("a.b+c@mail.example.co.uk").is_ok());
    }
}
