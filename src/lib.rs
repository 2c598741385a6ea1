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
//! - `ledger` (default): the general ledger, as [`ledger`].

pub use bureau_core::*;

/// The general ledger: accounts, entries, two-phase transfers, balances, reports, periods, audit chain.
#[cfg(feature = "ledger")]
pub use bureau_ledger as ledger;
