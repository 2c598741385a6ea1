//! Strategies that generate valid values, for property tests.
//!
//! Every value generated is accepted by the constructor of its type and is
//! already in normal form: parsing its text again gives the same value.
//!
//! ```
//! use bureau_crm::{strategy, EmailAddress};
//! use proptest::prelude::*;
//!
//! proptest!(|(email in strategy::email())| {
//!     prop_assert_eq!(EmailAddress::parse(email.as_str())?, email);
//! });
//! ```

use ::proptest::prelude::*;

use crate::{CountryCode, EmailAddress, PhoneNumber, PostalAddress};

/// One of the countries whose numbering plan is known.
pub fn country() -> impl Strategy<Value = CountryCode> {
    prop::sample::select(vec![
        CountryCode::US,
        CountryCode::GB,
        CountryCode::DE,
        CountryCode::FR,
        CountryCode::IT,
        CountryCode::JP,
    ])
}

/// A valid email address with a short local part of letters, digits, dots
/// and `+`, at a lower-case domain of two or three labels.
pub fn email() -> impl Strategy<Value = EmailAddress> {
    (
        "[A-Za-z0-9]{1,8}([.+][A-Za-z0-9]{1,6})?",
        "[a-z0-9]{1,10}(-[a-z0-9]{1,5})?",
        prop::sample::select(vec!["com", "org", "co.uk", "de", "example"]),
    )
        .prop_filter_map("valid email", |(local, name, tld)| {
            EmailAddress::parse(&format!("{local}@{name}.{tld}")).ok()
        })
}

/// A valid phone number in one of [`country`]'s countries, from a national
/// significant number of the country's usual length.
pub fn phone() -> impl Strategy<Value = PhoneNumber> {
    prop::sample::select(vec![
        ("+1", "[2-9][0-9]{9}"),
        ("+44", "[1-9][0-9]{9}"),
        ("+49", "[1-9][0-9]{5,10}"),
        ("+33", "[1-9][0-9]{8}"),
        // Italian numbers keep their leading 0 but never start with 00.
        ("+39", "(0[1-9]|3[0-9])[0-9]{4,9}"),
        // No Japanese number starts with 10: 010 is the international prefix.
        ("+81", "[2-9][0-9]{8,9}"),
    ])
    .prop_flat_map(|(code, pattern)| (Just(code), pattern))
    .prop_filter_map("valid phone", |(code, national)| {
        PhoneNumber::parse(&format!("{code}{national}"), None).ok()
    })
}

/// A postal address with one or two street lines, an optional locality and
/// postal code, in one of [`country`]'s countries.
pub fn postal_address() -> impl Strategy<Value = PostalAddress> {
    (
        country(),
        prop::collection::vec("[A-Za-z0-9]{1,12}( [A-Za-z0-9]{1,12}){0,3}", 1..=2),
        prop::option::of("[A-Z][a-z]{2,12}"),
        prop::option::of("[A-Z0-9]{3,5}( [A-Z0-9]{3})?"),
    )
        .prop_filter_map("valid address", |(country, lines, locality, code)| {
            let mut builder = PostalAddress::builder(country);
            for line in lines {
                builder = builder.line(line);
            }
            if let Some(locality) = locality {
                builder = builder.locality(locality);
            }
            if let Some(code) = code {
                builder = builder.postal_code(code);
            }
            builder.build().ok()
        })
}
