//! Customer relationship rules as typed models and pure functions.
//!
//! # Overview
//!
//! - Contact points ([`contact_point`]): [`EmailAddress`] (trimmed, domain
//!   lower-cased, Gmail's equivalences when [`EmailRules`] say so),
//!   [`PhoneNumber`] in E.164 from any usual spelling with a default
//!   [`CountryCode`], and [`PostalAddress`]. Each is validated when built;
//!   a refusal is an [`Error`] naming the field and what was wrong.
//!
//! Nothing here reads a clock, draws a random number or does I/O: instants
//! and ids are arguments.
//!
//! # Examples
//!
//! ```
//! use bureau_crm::{CountryCode, EmailAddress, PhoneNumber};
//!
//! let email: EmailAddress = " ada@Example.COM".parse()?;
//! assert_eq!(email.as_str(), "ada@example.com");
//! let phone = PhoneNumber::parse("030 1234 5678", Some(CountryCode::DE))?;
//! assert_eq!(phone.as_str(), "+493012345678");
//! # Ok::<(), bureau_crm::Error>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for every value (contact points are
//!   validated again on the way in).
//! - `proptest`: the [`strategy`] module, generating valid values for
//!   property tests.

pub mod contact_point;
mod error;
#[cfg(feature = "proptest")]
pub mod strategy;

pub use contact_point::{CountryCode, EmailAddress, EmailRules, PhoneNumber, PostalAddress};
pub use error::{EmailProblem, Error, PhoneProblem, Result};

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
