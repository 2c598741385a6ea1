//! bureau: the rules of a company's front and back office as typed models and
//! pure functions.
//!
//! This facade re-exports the bureau crates. The shared vocabulary of
//! `bureau-core` (money, currencies, ids, periods, the `Aggregate` trait) sits
//! at the root; each domain is a module behind a feature of the same name.
//!
//! # Examples
//!
//! ```
//! use bureau::Money;
//!
//! let invoice: Money = "1000.00 USD".parse()?;
//! let parts = invoice.split(3)?;
//! assert_eq!(parts[0].to_string(), "333.34 USD");
//! # Ok::<(), bureau::Error>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`, `proptest`, `ids`: forwarded to every member crate.
//! - `sla` (default): [`sla`], service level agreements over ticket histories
//!   (turns on `calendar`).

pub use bureau_core::*;

/// Working-time calendars: schedules in a time zone, holidays, DST-exact arithmetic.
#[cfg(feature = "calendar")]
pub use bureau_calendar as calendar;

/// Service level agreements over ticket histories: policies, SLA clocks on
/// working-time calendars, breaches, escalations, adherence reports.
#[cfg(feature = "sla")]
pub use bureau_sla as sla;
