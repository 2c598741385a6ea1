//! The ways to reach a party: email addresses, phone numbers and postal
//! addresses, each validated and normalised when it is built, so that two
//! spellings of the same address compare equal.

use std::fmt;
use std::str::FromStr;

use crate::error::{EmailProblem, Error, PhoneProblem, Result};

/// A country, as its ISO 3166-1 alpha-2 code in upper case.
///
/// Any two ASCII letters are accepted (the list of assigned codes changes);
/// common countries have constants ([`CountryCode::US`],
/// [`CountryCode::DE`], ...).
///
/// ```
/// use bureau_crm::CountryCode;
///
/// let country: CountryCode = " de ".parse()?;
/// assert_eq!(country, CountryCode::DE);
/// assert_eq!(country.to_string(), "DE");
/// assert!("DEU".parse::<CountryCode>().is_err());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

macro_rules! countries {
    ($($code:ident),* $(,)?) => {
        impl CountryCode {
            $(
                #[doc = concat!("`", stringify!($code), "`.")]
                pub const $code: CountryCode = {
                    let bytes = stringify!($code).as_bytes();
                    CountryCode([bytes[0], bytes[1]])
                };
            )*
        }
    };
}

countries!(
    AT, AU, BE, BR, CA, CH, DE, DK, ES, FI, FR, GB, IE, IN, IT, JP, MX, NL, NO, NZ, PL, PT, SE, SG,
    US,
);

impl CountryCode {
    /// Parses two ASCII letters, ignoring surrounding whitespace and case.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCountry`] for anything else.
    ///
    /// ```
    /// use bureau_crm::CountryCode;
    /// assert_eq!(CountryCode::parse("fr")?, CountryCode::FR);
    /// # Ok::<(), bureau_crm::Error>(())
    /// ```
    pub fn parse(input: &str) -> Result<Self> {
        match input.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Ok(CountryCode([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
            ])),
            _ => Err(Error::InvalidCountry {
                input: input.to_owned(),
            }),
        }
    }

    /// The two upper-case letters.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for CountryCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        CountryCode::parse(s)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CountryCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// How email addresses are normalised beyond what every address gets.
///
/// Every address is trimmed and its domain lower-cased (domains are
/// case-insensitive; local parts, by the standard, are not, so they are kept
/// as given). Provider-specific rules apply only when asked for:
///
/// - [`canonical_gmail`](EmailRules::canonical_gmail): at `gmail.com` and
///   `googlemail.com`, which ignore case, dots and a `+tag` in the local
///   part, the local part is lower-cased, its dots and `+tag` removed, and the
///   domain written `gmail.com`. `Ada.Lovelace+crm@GoogleMail.com` becomes
///   `adalovelace@gmail.com`.
///
/// ```
/// use bureau_crm::{EmailAddress, EmailRules};
///
/// let rules = EmailRules::new().canonical_gmail();
/// let plain = EmailAddress::parse("Ada.Lovelace+crm@GMail.com")?;
/// let canonical = EmailAddress::parse_with("Ada.Lovelace+crm@GMail.com", &rules)?;
/// assert_eq!(plain.as_str(), "Ada.Lovelace+crm@gmail.com");
/// assert_eq!(canonical.as_str(), "adalovelace@gmail.com");
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct EmailRules {
    canonical_gmail: bool,
}

impl EmailRules {
    /// The rules every address gets: trimmed, domain lower-cased.
    pub const fn new() -> Self {
        EmailRules {
            canonical_gmail: false,
        }
    }

    /// Also applies Gmail's own equivalences (see the type's documentation).
    pub const fn canonical_gmail(mut self) -> Self {
        self.canonical_gmail = true;
        self
    }
}

/// A validated, normalised email address (`local@domain`).
///
/// Accepted: an unquoted local part of at most 64 bytes of letters, digits,
/// ``!#$%&'*+-/=?^_`{|}~`` and single dots between them; a domain of at most
/// 253 bytes with at least two labels of ASCII letters, digits and inner
/// hyphens (internationalised domains in their `xn--` form). Refused, with an
/// [`EmailProblem`] naming the part: quoted or non-ASCII local parts, IP
/// literals, single-label domains.
///
/// ```
/// use bureau_crm::EmailAddress;
///
/// let email = EmailAddress::parse("  Ada@Example.COM ")?;
/// assert_eq!(email.as_str(), "Ada@example.com");
/// assert_eq!(email.local_part(), "Ada");
/// assert_eq!(email.domain(), "example.com");
/// assert!(EmailAddress::parse("ada@example").is_err());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress {
    text: String,
    at: usize,
}

/// The longest local part RFC 5321 allows, in bytes.
const MAX_LOCAL_PART: usize = 64;
/// The longest domain RFC 5321 allows, in bytes.
const MAX_DOMAIN: usize = 253;
/// The longest domain label RFC 1035 allows, in bytes.
const MAX_LABEL: usize = 63;

impl EmailAddress {
    /// Parses and normalises with the default [`EmailRules`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmail`] with the [`EmailProblem`].
    ///
    /// ```
    /// use bureau_crm::{EmailAddress, EmailProblem, Error};
    ///
    /// let err = EmailAddress::parse("ada.@example.com").unwrap_err();
    /// assert!(matches!(err, Error::InvalidEmail { problem: EmailProblem::LocalPartDots, .. }));
    /// ```
    pub fn parse(input: &str) -> Result<Self> {
        EmailAddress::parse_with(input, &EmailRules::new())
    }

    /// Parses and normalises with the given rules.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmail`] with the [`EmailProblem`]; with
    /// [`EmailRules::canonical_gmail`], a Gmail local part that is empty once
    /// its `+tag` is removed is [`EmailProblem::NoLocalPart`].
    ///
    /// ```
    /// use bureau_crm::{EmailAddress, EmailRules};
    ///
    /// let rules = EmailRules::new().canonical_gmail();
    /// let a = EmailAddress::parse_with("a.da@gmail.com", &rules)?;
    /// let b = EmailAddress::parse_with("ADA+news@googlemail.com", &rules)?;
    /// assert_eq!(a, b);
    /// # Ok::<(), bureau_crm::Error>(())
    /// ```
    pub fn parse_with(input: &str, rules: &EmailRules) -> Result<Self> {
        let fail = |problem| Error::email(input, problem);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(fail(EmailProblem::Empty));
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(fail(EmailProblem::NoAt))?;
        check_local_part(local).map_err(fail)?;
        let domain = domain.to_ascii_lowercase();
        check_domain(&domain).map_err(fail)?;
        let (local, domain) = if rules.canonical_gmail && is_gmail(&domain) {
            let untagged = local.split_once('+').map_or(local, |(base, _)| base);
            let local: String = untagged
                .chars()
                .filter(|c| *c != '.')
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if local.is_empty() {
                return Err(fail(EmailProblem::NoLocalPart));
            }
            (local, "gmail.com".to_owned())
        } else {
            (local.to_owned(), domain)
        };
        Ok(EmailAddress {
            at: local.len(),
            text: format!("{local}@{domain}"),
        })
    }

    /// The whole normalised address.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The part before the `@`, as given (or canonical under
    /// [`EmailRules::canonical_gmail`]).
    pub fn local_part(&self) -> &str {
        self.text.get(..self.at).unwrap_or_default()
    }

    /// The part after the `@`, in lower case.
    pub fn domain(&self) -> &str {
        self.text.get(self.at + 1..).unwrap_or_default()
    }
}

fn is_gmail(domain: &str) -> bool {
    domain == "gmail.com" || domain == "googlemail.com"
}

fn check_local_part(local: &str) -> std::result::Result<(), EmailProblem> {
    if local.is_empty() {
        return Err(EmailProblem::NoLocalPart);
    }
    if local.len() > MAX_LOCAL_PART {
        return Err(EmailProblem::LocalPartTooLong(local.len()));
    }
    if let Some(c) = local
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c)))
    {
        return Err(EmailProblem::LocalPartCharacter(c));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailProblem::LocalPartDots);
    }
    Ok(())
}

fn check_domain(domain: &str) -> std::result::Result<(), EmailProblem> {
    if domain.is_empty() {
        return Err(EmailProblem::NoDomain);
    }
    if domain.len() > MAX_DOMAIN {
        return Err(EmailProblem::DomainTooLong(domain.len()));
    }
    let mut labels = 0_usize;
    for label in domain.split('.') {
        let valid = !label.is_empty()
            && label.len() <= MAX_LABEL
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !valid {
            return Err(EmailProblem::DomainLabel(label.to_owned()));
        }
        labels += 1;
    }
    if labels < 2 {
        return Err(EmailProblem::DomainWithoutDot);
    }
    Ok(())
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.text)
    }
}

impl FromStr for EmailAddress {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        EmailAddress::parse(s)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for EmailAddress {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for EmailAddress {
    /// Validated again with the default rules; a stored canonical form stays
    /// as it was stored.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EmailAddress::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A web domain (`acme.example`), lower-cased, checked as the domain of an
/// [`EmailAddress`] is.
///
/// ```
/// use bureau_crm::WebDomain;
///
/// assert_eq!(WebDomain::parse(" Acme.Example ")?.as_str(), "acme.example");
/// assert!(WebDomain::parse("acme").is_err());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebDomain(String);

impl WebDomain {
    /// Parses and lower-cases a domain.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDomain`] with the [`EmailProblem`] of the domain.
    pub fn parse(input: &str) -> Result<Self> {
        let domain = input.trim().to_ascii_lowercase();
        check_domain(&domain).map_err(|problem| Error::InvalidDomain {
            input: input.to_owned(),
            problem,
        })?;
        Ok(WebDomain(domain))
    }

    /// The domain.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for WebDomain {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for WebDomain {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        WebDomain::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A phone number in E.164 form (`+` and up to 15 digits), valid in its
/// country's numbering plan.
///
/// [`PhoneNumber::parse`] accepts the usual ways of writing a number: with
/// `+`, with an international prefix (`00`, or the default country's own,
/// such as `011` in North America), or national with the default country;
/// with spaces, `-`, `.`, `/` and parentheses between the digits, and `(0)`
/// after the country code as written in parts of Europe. Letters (vanity
/// numbers, extensions such as `ext. 12`) are refused.
///
/// Parsing and validation use the numbering-plan metadata of the
/// `phonenumber` crate (Google's libphonenumber metadata, every country): a
/// number is accepted only if it is valid in its country's plan (assigned
/// ranges and lengths), whatever its type (fixed, mobile, toll-free, ...).
///
/// ```
/// use bureau_crm::{CountryCode, PhoneNumber};
///
/// let london = PhoneNumber::parse("020 7946 0958", Some(CountryCode::GB))?;
/// assert_eq!(london.as_str(), "+442079460958");
/// assert_eq!(PhoneNumber::parse("+44 (0)20 7946-0958", None)?, london);
/// assert_eq!(PhoneNumber::parse("0044 20 7946 0958", Some(CountryCode::DE))?, london);
/// assert_eq!(london.calling_code(), "44");
/// assert_eq!(london.national_number(), "2079460958");
///
/// let us = PhoneNumber::parse("(415) 555-0100", Some(CountryCode::US))?;
/// assert_eq!(us.as_str(), "+14155550100");
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber {
    /// `+` followed by the digits.
    text: String,
    calling_code_len: usize,
}

impl PhoneNumber {
    /// Parses a number written internationally, or nationally in
    /// `default_country`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPhone`] with the [`PhoneProblem`]: a character that is
    /// not part of a number, a national number without a default country, a
    /// default country without a numbering plan, text that does not read as
    /// a number, or a number not valid in its country's plan.
    ///
    /// ```
    /// use bureau_crm::{CountryCode, Error, PhoneNumber, PhoneProblem};
    ///
    /// let err = PhoneNumber::parse("01 23 45 67", Some(CountryCode::FR)).unwrap_err();
    /// assert!(matches!(err, Error::InvalidPhone { problem: PhoneProblem::NotValid, .. }));
    /// let err = PhoneNumber::parse("030 1234567", None).unwrap_err();
    /// assert!(matches!(err, Error::InvalidPhone { problem: PhoneProblem::NoCountry, .. }));
    /// ```
    pub fn parse(input: &str, default_country: Option<CountryCode>) -> Result<Self> {
        let fail = |problem| Error::phone(input, problem);
        let trimmed = input.trim();
        let (plus, body) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(body.len() + 1);
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '/' | '(' | ')' | '\u{a0}' => {}
                other => return Err(fail(PhoneProblem::Character(other))),
            }
        }
        if digits.is_empty() {
            return Err(fail(PhoneProblem::Empty));
        }
        let country = match default_country {
            Some(country) => Some(
                country
                    .as_str()
                    .parse::<phonenumber::country::Id>()
                    .map_err(|_| fail(PhoneProblem::UnknownCountry(country.to_string())))?,
            ),
            None => None,
        };
        // Without a country the international prefix is not known; `00`
        // is the one most of the world uses.
        let text = if plus {
            format!("+{digits}")
        } else if country.is_some() {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            format!("+{rest}")
        } else {
            return Err(fail(PhoneProblem::NoCountry));
        };
        let number = phonenumber::parse(country, &text)
            .map_err(|err| fail(PhoneProblem::Unreadable(err.to_string())))?;
        if !phonenumber::is_valid(&number) {
            return Err(fail(PhoneProblem::NotValid));
        }
        Ok(PhoneNumber {
            text: number.format().mode(phonenumber::Mode::E164).to_string(),
            calling_code_len: number.code().value().to_string().len(),
        })
    }

    /// The number in E.164 form, `+` included.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The country calling code, without `+` (`1`, `44`, `353`).
    pub fn calling_code(&self) -> &str {
        self.text
            .get(1..1 + self.calling_code_len)
            .unwrap_or_default()
    }

    /// The national significant number: the digits after the calling code.
    pub fn national_number(&self) -> &str {
        self.text
            .get(1 + self.calling_code_len..)
            .unwrap_or_default()
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.text)
    }
}

impl FromStr for PhoneNumber {
    type Err = Error;
    /// Parses an international number (no default country).
    fn from_str(s: &str) -> Result<Self> {
        PhoneNumber::parse(s, None)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PhoneNumber::parse(&text, None).map_err(serde::de::Error::custom)
    }
}

/// The longest line of an address, in characters.
pub(crate) const MAX_LINE: usize = 200;

/// Trims `text`, collapses inner runs of whitespace to one space, and checks
/// it is not empty and not longer than `max` characters.
pub(crate) fn clean_text(field: &'static str, text: &str, max: usize) -> Result<String> {
    let cleaned = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(Error::EmptyText { field });
    }
    let len = cleaned.chars().count();
    if len > max {
        return Err(Error::TextTooLong { field, len, max });
    }
    Ok(cleaned)
}

/// A postal address: street lines, locality, region, postal code, country.
///
/// Built with [`PostalAddress::builder`]; every field is trimmed with inner
/// whitespace collapsed, the postal code is upper-cased. At least one street
/// line is required; locality, region and postal code are optional (not every
/// country has them).
///
/// ```
/// use bureau_crm::{CountryCode, PostalAddress};
///
/// let address = PostalAddress::builder(CountryCode::GB)
///     .line("  10  Downing Street ")
///     .locality("London")
///     .postal_code("sw1a 2aa")
///     .build()?;
/// assert_eq!(address.lines(), ["10 Downing Street"]);
/// assert_eq!(address.postal_code(), Some("SW1A 2AA"));
/// assert_eq!(address.country(), CountryCode::GB);
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PostalAddress {
    lines: Vec<String>,
    locality: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: CountryCode,
}

impl PostalAddress {
    /// Starts an address in `country`.
    pub fn builder(country: CountryCode) -> PostalAddressBuilder {
        PostalAddressBuilder {
            lines: Vec::new(),
            locality: None,
            region: None,
            postal_code: None,
            country,
        }
    }

    /// The street lines, first to last.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The city or town.
    pub fn locality(&self) -> Option<&str> {
        self.locality.as_deref()
    }

    /// The state, province or county.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The postal code, upper-cased.
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }

    /// The country.
    pub fn country(&self) -> CountryCode {
        self.country
    }
}

/// Collects the parts of a [`PostalAddress`]; [`build`](Self::build)
/// validates them.
#[derive(Clone, Debug)]
pub struct PostalAddressBuilder {
    lines: Vec<String>,
    locality: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: CountryCode,
}

impl PostalAddressBuilder {
    /// Adds a street line.
    pub fn line(mut self, line: impl Into<String>) -> Self {
        self.lines.push(line.into());
        self
    }

    /// Sets the city or town.
    pub fn locality(mut self, locality: impl Into<String>) -> Self {
        self.locality = Some(locality.into());
        self
    }

    /// Sets the state, province or county.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the postal code.
    pub fn postal_code(mut self, postal_code: impl Into<String>) -> Self {
        self.postal_code = Some(postal_code.into());
        self
    }

    /// Validates and normalises the address.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyText`] naming the field when there is no street line or
    /// a given field is blank; [`Error::TextTooLong`] past 200 characters.
    ///
    /// ```
    /// use bureau_crm::{CountryCode, PostalAddress};
    ///
    /// let err = PostalAddress::builder(CountryCode::FR).locality("Paris").build().unwrap_err();
    /// assert_eq!(err.to_string(), "address line is empty");
    /// ```
    pub fn build(self) -> Result<PostalAddress> {
        if self.lines.is_empty() {
            return Err(Error::EmptyText {
                field: "address line",
            });
        }
        let lines = self
            .lines
            .iter()
            .map(|line| clean_text("address line", line, MAX_LINE))
            .collect::<Result<Vec<_>>>()?;
        let optional = |field, value: Option<String>| {
            value
                .map(|text| clean_text(field, &text, MAX_LINE))
                .transpose()
        };
        Ok(PostalAddress {
            lines,
            locality: optional("locality", self.locality)?,
            region: optional("region", self.region)?,
            postal_code: optional("postal code", self.postal_code)?.map(|code| code.to_uppercase()),
            country: self.country,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_problems_name_the_part() {
        let cases: &[(&str, EmailProblem)] = &[
            ("   ", EmailProblem::Empty),
            ("ada.example.com", EmailProblem::NoAt),
            ("@example.com", EmailProblem::NoLocalPart),
            ("ada@", EmailProblem::NoDomain),
            ("a b@example.com", EmailProblem::LocalPartCharacter(' ')),
            ("\"ada\"@example.com", EmailProblem::LocalPartCharacter('"')),
            ("a@b@example.com", EmailProblem::LocalPartCharacter('@')),
            (".ada@example.com", EmailProblem::LocalPartDots),
            ("a..da@example.com", EmailProblem::LocalPartDots),
            ("ada@localhost", EmailProblem::DomainWithoutDot),
            ("ada@-x.com", EmailProblem::DomainLabel("-x".into())),
            ("ada@example..com", EmailProblem::DomainLabel(String::new())),
            (
                "ada@exa_mple.com",
                EmailProblem::DomainLabel("exa_mple".into()),
            ),
        ];
        for (input, problem) in cases {
            assert_eq!(
                EmailAddress::parse(input),
                Err(Error::email(input, problem.clone())),
                "{input}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(
            EmailAddress::parse(&long),
            Err(Error::email(&long, EmailProblem::LocalPartTooLong(65)))
        );
    }

    #[test]
    fn gmail_rules_apply_only_to_gmail_and_only_when_asked() -> Result<()> {
        let rules = EmailRules::new().canonical_gmail();
        let other = EmailAddress::parse_with("A.Da+x@Example.com", &rules)?;
        assert_eq!(other.as_str(), "A.Da+x@example.com");
        assert_eq!(
            EmailAddress::parse_with("+x@gmail.com", &rules),
            Err(Error::email("+x@gmail.com", EmailProblem::NoLocalPart))
        );
        Ok(())
    }

    #[test]
    fn phone_numbers_from_every_spelling() -> Result<()> {
        let cases: &[(&str, Option<CountryCode>, &str)] = &[
            ("+1 (415) 555-0100", None, "+14155550100"),
            ("1-415-555-0100", Some(CountryCode::US), "+14155550100"),
            (
                "011 44 20 7946 0958",
                Some(CountryCode::US),
                "+442079460958",
            ),
            ("030 12345678", Some(CountryCode::DE), "+493012345678"),
            ("06 12 34 56 78", Some(CountryCode::FR), "+33612345678"),
            ("06 1234 5678", Some(CountryCode::IT), "+390612345678"),
            ("+353 (0)1 234 5678", None, "+35312345678"),
            (
                "0011 33 6 12 34 56 78",
                Some(CountryCode::AU),
                "+33612345678",
            ),
            ("+683 4002", None, "+6834002"),
        ];
        for (input, country, expected) in cases {
            assert_eq!(
                PhoneNumber::parse(input, *country)?.as_str(),
                *expected,
                "{input}"
            );
        }
        let ie = PhoneNumber::parse("+353 1 234 5678", None)?;
        assert_eq!(
            (ie.calling_code(), ie.national_number()),
            ("353", "12345678")
        );
        Ok(())
    }

    #[test]
    fn phone_problems() {
        let cases: &[(&str, Option<CountryCode>, PhoneProblem)] = &[
            ("", None, PhoneProblem::Empty),
            ("+1 415 555 0100 ext 2", None, PhoneProblem::Character('e')),
            ("555 0100", None, PhoneProblem::NoCountry),
            ("+1 415 555 01000", None, PhoneProblem::NotValid),
            ("+44 20 7946", None, PhoneProblem::NotValid),
            (
                "0123",
                Some(CountryCode::parse("ZZ").unwrap_or(CountryCode::US)),
                PhoneProblem::UnknownCountry("ZZ".into()),
            ),
        ];
        for (input, country, problem) in cases {
            assert_eq!(
                PhoneNumber::parse(input, *country),
                Err(Error::phone(input, problem.clone())),
                "{input}"
            );
        }
        // A calling code that does not exist.
        let unreadable = PhoneNumber::parse("+999 1234 5678", None);
        assert!(matches!(
            unreadable,
            Err(Error::InvalidPhone {
                problem: PhoneProblem::Unreadable(_) | PhoneProblem::NotValid,
                ..
            })
        ));
    }

    #[test]
    fn address_fields_are_cleaned_and_checked() {
        let blank = PostalAddress::builder(CountryCode::DE)
            .line("Hauptstr. 1")
            .region("  ")
            .build();
        assert_eq!(blank, Err(Error::EmptyText { field: "region" }));
        let long = PostalAddress::builder(CountryCode::DE)
            .line("x".repeat(201))
            .build();
        assert_eq!(
            long,
            Err(Error::TextTooLong {
                field: "address line",
                len: 201,
                max: 200
            })
        );
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::strategy;

    proptest! {
        #[test]
        fn emails_are_in_normal_form(email in strategy::email()) {
            prop_assert_eq!(EmailAddress::parse(email.as_str())?, email.clone());
            let shouted = format!(" {}@{} ", email.local_part(), email.domain().to_uppercase());
            prop_assert_eq!(EmailAddress::parse(&shouted)?, email);
        }

        #[test]
        fn gmail_canonical_form_is_a_fixed_point(email in strategy::email()) {
            let rules = EmailRules::new().canonical_gmail();
            let gmail = format!("{}@gmail.com", email.local_part());
            if let Ok(once) = EmailAddress::parse_with(&gmail, &rules) {
                prop_assert_eq!(EmailAddress::parse_with(once.as_str(), &rules)?, once.clone());
                prop_assert!(!once.local_part().contains(['.', '+']));
            }
        }

        #[test]
        fn phone_spellings_agree(phone in strategy::phone(), gap in prop::sample::select(vec![" ", "-", ".", " / "])) {
            prop_assert_eq!(PhoneNumber::parse(phone.as_str(), None)?, phone.clone());
            let spaced = format!("00{}{gap}{}", phone.calling_code(), phone.national_number());
            prop_assert_eq!(PhoneNumber::parse(&spaced, None)?, phone.clone());
            // E.164: at most 15 digits.
            prop_assert!(phone.as_str().len() <= 16);
        }

        #[test]
        fn national_spelling_agrees_with_international(phone in strategy::phone()) {
            let parsed = phonenumber::parse(None, phone.as_str())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let country = parsed.country().id().map(|id| CountryCode::parse(id.as_ref()));
            if let Some(country) = country {
                let national = parsed.format().mode(phonenumber::Mode::National).to_string();
                prop_assert_eq!(PhoneNumber::parse(&national, Some(country?))?, phone);
            }
        }

        #[test]
        fn addresses_rebuild_to_themselves(address in strategy::postal_address()) {
            let mut builder = PostalAddress::builder(address.country());
            for line in address.lines() {
                builder = builder.line(format!("  {line} "));
            }
            if let Some(locality) = address.locality() {
                builder = builder.locality(locality);
            }
            if let Some(code) = address.postal_code() {
                builder = builder.postal_code(code.to_lowercase());
            }
            prop_assert_eq!(builder.build()?, address);
        }
    }
}
