//! bureau: the rules of a company's front and back office as typed models and
//! pure functions, with thin storage adapters.
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
//! - `calendar` (default): [`calendar`], working-time calendars.
//! - `ledger` (default): [`ledger`], the double-entry general ledger.
//! - `sla` (default): [`sla`], service level agreements over ticket histories
//!   (turns on `calendar`).
//! - `store`: `bureau::store`, the storage ports (hash-chained event store,
//!   repository, in-memory adapter).
//! - `sqlite`: `bureau::store_sqlite`, the embedded default event store (SQLite,
//!   bundled). Implies `store`.
//! - `postgres`: `bureau::store_postgres`, the scale-out event store
//!   (PostgreSQL). Implies `store`.
//! - `serde`, `proptest`, `ids`: forwarded to every member crate.

pub use bureau_core::*;

/// Working-time calendars: schedules in a time zone, holidays, DST-exact arithmetic.
#[cfg(feature = "calendar")]
pub use bureau_calendar as calendar;

/// Service level agreements over ticket histories: policies, SLA clocks on
/// working-time calendars, breaches, escalations, adherence reports.
#[cfg(feature = "sla")]
pub use bureau_sla as sla;

/// Storage ports: the hash-chained event store, the repository, the in-memory adapter.
#[cfg(feature = "store")]
pub use bureau_store as store;

/// The scale-out event store on PostgreSQL.
#[cfg(feature = "postgres")]
pub use bureau_store_postgres as store_postgres;

/// The embedded default event store on SQLite.
#[cfg(feature = "sqlite")]
pub use bureau_store_sqlite as store_sqlite;

/// The general ledger: accounts, entries, two-phase transfers, balances, reports, periods, audit chain.
#[cfg(feature = "ledger")]
pub use bureau_ledger as ledger;
