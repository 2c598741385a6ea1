//! bureau: the rules of a company's front and back office as typed models and
//! pure functions, with thin storage adapters.
//!
//! # Overview
//!
//! This facade re-exports the bureau crates, each domain behind a feature of
//! the same name, so that one dependency and one list of features set up a
//! program.
//!
//! - At the root: the shared vocabulary of `bureau-core`, named one by one:
//!   [`Money`], [`Currency`], [`RoundingStrategy`], [`Rate`], [`Percent`],
//!   [`ExchangeRate`], [`Decimal`], the ids ([`Id`], [`PartyId`],
//!   [`EmployeeId`], [`ProductId`], [`TicketId`], [`UserId`]), date ranges and
//!   periods ([`DateRange`], [`Period`], [`FiscalCalendar`], ...), and the
//!   [`Aggregate`] and [`DomainEvent`] traits.
//! - [`core`]: all of `bureau-core`, including its error type
//!   ([`core::Error`], the error of money, rates, ids and periods, not of the
//!   other crates: each module has its own `Error`).
//! - [`calendar`] (feature `calendar`, default): working-time calendars.
//! - [`crm`] (feature `crm`): contacts, organizations, consent, leads and
//!   scoring, de-duplication and merge, support cases, attribution.
//! - [`hr`] (feature `hr`): employees, leave, time, payroll, expenses,
//!   recruitment and workforce metrics.
//! - [`journal`] (feature `journal`): plain-text accounting journals read into
//!   the ledger and written from it.
//! - [`ledger`] (feature `ledger`, default): the double-entry general ledger.
//! - [`sales`] (feature `sales`): catalog, price books, the pricing engine,
//!   quotes, orders, invoices and credit notes, the pipeline and forecast,
//!   the win model, quotas and commissions.
//! - [`sla`] (feature `sla`, default): service level agreements over ticket
//!   histories.
//! - `store` (feature `store`): the storage ports (hash-chained event store,
//!   repository, in-memory adapter) and `store::AnyStore`, an event store
//!   chosen at run time from a URL.
//! - `store_sqlite` (feature `sqlite`): the embedded default event store.
//! - `store_postgres` (feature `postgres`): the scale-out event store.
//!
//! # Examples
//!
//! ```
//! use bureau::Money;
//!
//! let invoice: Money = "1000.00 USD".parse()?;
//! let parts = invoice.split(3)?;
//! assert_eq!(parts[0].to_string(), "333.34 USD");
//! # Ok::<(), bureau::core::Error>(())
//! ```
//!
//! # Crate features
//!
//! - `calendar` (default): [`calendar`], working-time calendars.
//! - `crm`: [`crm`], CRM rules (turns on `calendar`).
//! - `hr`: [`hr`], HR and payroll rules (turns on `calendar`).
//! - `journal`: [`journal`], hledger / ledger-cli journals and beancount
//!   export (turns on `ledger`); `journal-fs` adds the file-system resolver
//!   that follows `include` directives.
//! - `ledger` (default): [`ledger`], the double-entry general ledger.
//! - `sales`: [`sales`], sales rules: catalog, prices, discounts, taxes.
//! - `sla` (default): [`sla`], service level agreements over ticket histories
//!   (turns on `calendar`).
//! - `store`: `bureau::store`, the storage ports and `AnyStore`. Turns on
//!   `serde`, since stored events are serialized: with `store` and a domain
//!   feature, that domain's aggregates can be stored and loaded.
//! - `sqlite`: `bureau::store_sqlite`, the embedded default event store (SQLite,
//!   bundled), and the `Sqlite` variant of `AnyStore`. Implies `store`.
//! - `postgres`: `bureau::store_postgres`, the scale-out event store
//!   (PostgreSQL), and the `Postgres` variant of `AnyStore`. Implies `store`.
//! - `serde`, `proptest`, `ids`: forwarded to every member crate (`proptest`
//!   strategies are in each module's `strategy`, core's in `core::strategy`).

/// All of `bureau-core`: money, currencies, rates, ids, periods, the
/// `Aggregate` trait, and the [`Error`](core::Error) these return.
pub use bureau_core as core;

pub use bureau_core::{
    Aggregate, Currency, DateRange, Decimal, DomainEvent, EmployeeId, ExchangeRate, FiscalCalendar,
    FiscalYear, FiscalYearNaming, Granularity, Id, IdKind, Money, PartyId, Percent, Period,
    ProductId, Rate, RoundingStrategy, TicketId, UserId, Uuid, money,
};

/// The date and time library of bureau's signatures (`bureau::chrono::NaiveDate`).
pub use bureau_core::chrono;

/// Working-time calendars: schedules in a time zone, holidays, DST-exact arithmetic.
#[cfg(feature = "calendar")]
pub use bureau_calendar as calendar;

/// CRM rules: contacts and organizations, consent, lifecycle, activities,
/// leads and scoring, de-duplication and merge, support cases and routing,
/// campaign attribution, customer metrics.
#[cfg(feature = "crm")]
pub use bureau_crm as crm;

/// The offices joined: posting rules from invoices, credit notes, payments,
/// payroll runs and commission statements into balanced ledger entries
/// under an account mapping recorded as events, and idempotent hand-offs
/// between CRM, sales, SLA and the ledger.
#[cfg(feature = "flows")]
pub use bureau_flows as flows;

/// HR rules: employees, org chart, leave, timesheets and overtime, payroll
/// gross to net and payroll runs, expense claims, recruitment, workforce
/// metrics.
#[cfg(feature = "hr")]
pub use bureau_hr as hr;

/// Plain-text accounting journals: the hledger / ledger-cli syntax read into a
/// ledger (balance assertions checked, located errors), and a ledger written
/// back as an hledger journal or a beancount file.
#[cfg(feature = "journal")]
pub use bureau_journal as journal;

/// The general ledger: accounts, entries, two-phase transfers, balances, reports, periods, audit chain.
#[cfg(feature = "ledger")]
pub use bureau_ledger as ledger;

/// Sales rules: catalog, price lists and books, the pricing engine (discounts,
/// taxes, rounding per line or per document), payment terms, quotes, orders,
/// invoices and credit notes, opportunities in a pipeline, the weighted
/// forecast, the win model, quotas and commission statements.
#[cfg(feature = "sales")]
pub use bureau_sales as sales;

/// Service level agreements over ticket histories: policies, SLA clocks on
/// working-time calendars, breaches, escalations, adherence reports.
#[cfg(feature = "sla")]
pub use bureau_sla as sla;

#[cfg(feature = "store")]
mod any_store;

#[cfg(feature = "store")]
pub mod store {
    //! Storage ports: the hash-chained event store, the repository, the
    //! in-memory adapter (everything of `bureau-store`), and [`AnyStore`], an
    //! event store chosen at run time.

    pub use crate::any_store::{AnyStore, ConnectError};
    #[doc(inline)]
    pub use bureau_store::*;
}

/// The scale-out event store on PostgreSQL.
#[cfg(feature = "postgres")]
pub use bureau_store_postgres as store_postgres;

/// The embedded default event store on SQLite.
#[cfg(feature = "sqlite")]
pub use bureau_store_sqlite as store_sqlite;

// With `store` on, the aggregates of every enabled domain can be stored and
// loaded: naming these instantiations fails the build of the library itself
// (not only of a caller) when a feature combination leaves their events
// without `Serialize`/`Deserialize`.
#[cfg(all(feature = "store", feature = "ledger"))]
const _: () = {
    let _ =
        bureau_store::Repository::<bureau_store::InMemoryStore>::execute::<bureau_ledger::Ledger>;
};
#[cfg(all(feature = "store", feature = "sla"))]
const _: () = {
    let _ = bureau_store::Repository::<bureau_store::InMemoryStore>::execute::<
        bureau_sla::TicketHistory,
    >;
};

#[cfg(all(feature = "store", feature = "crm"))]
const _: () = {
    type Repo = bureau_store::Repository<bureau_store::InMemoryStore>;
    let _ = Repo::execute::<bureau_crm::ActivityLog>;
    let _ = Repo::execute::<bureau_crm::case::Case>;
    let _ = Repo::execute::<bureau_crm::Contact>;
    let _ = Repo::execute::<bureau_crm::Lead>;
    let _ = Repo::execute::<bureau_crm::merge::MergeLog>;
    let _ = Repo::execute::<bureau_crm::Organization>;
    let _ = Repo::execute::<bureau_crm::ScoringSetup>;
};
#[cfg(all(feature = "store", feature = "flows"))]
const _: () = {
    type Repo = bureau_store::Repository<bureau_store::InMemoryStore>;
    let _ = Repo::execute::<bureau_flows::AccountMapping>;
    let _ = Repo::execute::<bureau_flows::CustomerFlags>;
    let _ = Repo::execute::<bureau_flows::HandOffLog>;
};
#[cfg(all(feature = "store", feature = "hr"))]
const _: () = {
    type Repo = bureau_store::Repository<bureau_store::InMemoryStore>;
    let _ = Repo::execute::<bureau_hr::Employee>;
    let _ = Repo::execute::<bureau_hr::ExpenseClaim>;
    let _ = Repo::execute::<bureau_hr::LeaveAccount>;
    let _ = Repo::execute::<bureau_hr::OrgChart>;
    let _ = Repo::execute::<bureau_hr::PayrollRun>;
    let _ = Repo::execute::<bureau_hr::Candidate>;
    let _ = Repo::execute::<bureau_hr::Requisition>;
    let _ = Repo::execute::<bureau_hr::Timesheet>;
};
#[cfg(all(feature = "store", feature = "sales"))]
const _: () = {
    type Repo = bureau_store::Repository<bureau_store::InMemoryStore>;
    let _ = Repo::execute::<bureau_sales::CreditNote>;
    let _ = Repo::execute::<bureau_sales::Invoice>;
    let _ = Repo::execute::<bureau_sales::Opportunity>;
    let _ = Repo::execute::<bureau_sales::Order>;
    let _ = Repo::execute::<bureau_sales::Quote>;
};

/// The README's examples, run as doc tests.
#[cfg(all(doctest, feature = "sqlite", feature = "postgres", feature = "ledger"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
