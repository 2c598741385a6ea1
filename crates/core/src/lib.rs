//! The shared vocabulary of every bureau crate: exact money, currencies, rates,
//! typed ids, date ranges, fiscal periods, and the [`Aggregate`] trait through
//! which every stateful entity changes.
//!
//! # Overview
//!
//! - [`Money`] is an exact amount in a [`Currency`], always at the currency's
//!   minor units. Arithmetic is checked; rounding always names its
//!   [`RoundingStrategy`]; [`Money::allocate`] and [`Money::split`] never lose or
//!   invent a minor unit. [`money!`] writes a literal (`money!(12.50 USD)`)
//!   checked against the currency's minor units when the program compiles.
//! - [`Currency`] covers every ISO 4217 currency with its minor units, and custom
//!   commodities (shares, points, hours) with a declared precision. The most
//!   traded currencies are constants: [`Currency::USD`], [`Currency::EUR`], ...
//! - [`Rate`], [`Percent`] and [`ExchangeRate`] are the multipliers money meets.
//! - [`Id`] gives every entity its own id type; the ids that cross domains are
//!   here: [`PartyId`], [`EmployeeId`], [`ProductId`], [`TicketId`], [`UserId`].
//! - [`DateRange`] is a half-open range of days; [`Period`], [`FiscalCalendar`]
//!   and [`FiscalYear`] are months, quarters and years of any fiscal calendar.
//! - [`Aggregate`] is how state changes: a pure `decide`, an infallible `apply`.
//!
//! Nothing here reads a clock, draws a random number or does I/O.
//!
//! # Examples
//!
//! ```
//! use bureau_core::{Money, Period};
//! use rust_decimal::Decimal;
//!
//! let bonus_pool: Money = "10000.00 EUR".parse()?;
//! let shares = bonus_pool.allocate(&[Decimal::from(5), Decimal::from(3), Decimal::from(1)])?;
//! let total = Money::checked_sum(shares.iter().copied(), bonus_pool.currency())?;
//! assert_eq!(total, bonus_pool);
//! assert_eq!(shares[0].to_string(), "5555.56 EUR");
//!
//! let q4 = Period::quarter(2026, 4)?;
//! assert_eq!(q4.range().len_days(), 92);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for every type. Amounts and rates travel
//!   as decimal strings, never floats; deserializing validates like the
//!   constructors do.
//! - `proptest`: the [`strategy`] module, generating valid values for property
//!   tests.
//! - `ids`: [`Id::generate`], a fresh UUID v7 for callers (rules never draw ids).

mod aggregate;
mod currency;
mod date;
mod error;
mod id;
mod money;
mod period;
mod rate;
mod rounding;
#[cfg(feature = "proptest")]
pub mod strategy;

pub use aggregate::{Aggregate, DomainEvent, Snapshot};
pub use currency::{Currency, MAX_COMMODITY_CODE_LEN, MAX_COMMODITY_PRECISION};
pub use date::{DateRange, DaysIter};
pub use error::{Error, Result};
pub use id::{EmployeeId, Id, IdKind, PartyId, ProductId, TicketId, UserId, kind};
pub use money::Money;
pub use period::{FiscalCalendar, FiscalYear, FiscalYearNaming, Granularity, Period};
pub use rate::{ExchangeRate, Percent, Rate};
pub use rounding::RoundingStrategy;

/// The date and time library of every public signature that takes a date
/// ([`DateRange`], [`Period`], [`ExchangeRate`]), so callers name the same
/// version: `bureau_core::chrono::NaiveDate`.
pub use chrono;
/// The decimal type of every amount, rate and quantity.
pub use rust_decimal::Decimal;
/// The UUID type underneath every [`Id`].
pub use uuid::Uuid;

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
