//! The front office and the back office joined: posting rules that turn
//! sales documents, payroll runs and commission statements into balanced
//! `bureau-ledger` entries under a configurable account mapping, and
//! idempotent hand-offs between CRM, sales, SLA and the ledger.
//!
//! # Overview
//!
//! - [`AccountMapping`] says which account plays each role
//!   ([`MappingKey`]: receivables, revenue per product group, tax payable
//!   per tax code, a bank account per currency, ...) and which currency
//!   the books are kept in. It is an [`Aggregate`](bureau_core::Aggregate):
//!   every change is a [`MappingEvent`], so a mapping stored and reloaded
//!   posts exactly as before.
//! - Posting rules are pure functions from a domain event to a
//!   [`JournalEntry`](bureau_ledger::JournalEntry) (or ledger commands):
//!   [`invoice_entry`] (receivable per party, revenue per product group,
//!   tax payable per tax code; down-payment invoices to down payments
//!   received, earned later by [`down_payment_earned_entry`]),
//!   [`credit_note_entry`] (the mirror, restocking fees kept),
//!   [`payment_booking`] (bank, receivable, early-payment discount; a
//!   foreign payment through the ledger's
//!   [`ForeignSettlement`](bureau_ledger::ForeignSettlement) with its
//!   realised gain or loss), [`refund_entry`] (and
//!   [`foreign_refund_entry`] in another currency, carrying the credit
//!   note's booking rate), [`payroll_entry`] (salary expense per cost
//!   centre, employer contributions, the payables of net pay, tax
//!   withheld, contributions and deductions) with [`salaries_paid_entry`],
//!   and [`commission_entry`].
//! - Hand-offs ([`handoff`]) turn one domain's event into another's
//!   commands: [`opportunity_from_lead`], [`quote_from_won`],
//!   [`order_from_won`], [`invoice_from_order`], [`ticket_events`]. Each
//!   consults the [`HandOffLog`] of processed source events first, so
//!   replaying a stream creates nothing twice.
//! - [`CustomerFlags`] records SLA breaches on the customer, once per
//!   ticket and metric.
//! - [`metrics`] sees both offices at once: revenue per employee, cost to
//!   serve per customer, quote-to-cash cycle time, days sales outstanding,
//!   SLA adherence beside churn per segment.
//! - A document in another currency than the base keeps its receivable in
//!   its own currency and converts every other leg at the given rate
//!   through the ledger's conversion account.
//! - Every missing mapping is [`Error::Missing`], naming the event
//!   ([`SourceEvent`]) and what is missing ([`MissingKey`]); no rule ever
//!   falls back to another account.
//!
//! Nothing here reads a clock, draws an id or does I/O: entry ids and
//! dates come from the caller and the events.
//!
//! # Examples
//!
//! [`invoice_entry`] shows an invoice posted from its order; the crate's
//! integration tests (`tests/documents.rs`) post invoices, down payments,
//! credit notes, payments (on time, early, in dollars at a gain and at a
//! loss) and refunds into a ledger and check every entry balances.
//!
//! ```
//! use bureau_core::Currency;
//! use bureau_flows::{AccountMapping, MappingKey};
//! use bureau_ledger::AccountId;
//!
//! let mut mapping = AccountMapping::new();
//! let events = mapping.set_base_currency(Currency::EUR)?;
//! assert_eq!(events.len(), 1); // what to store
//! mapping.map(MappingKey::Bank(Currency::EUR), AccountId::from_u128(1000))?;
//! assert_eq!(mapping.base_currency(), Some(Currency::EUR));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`: the mapping's keys, commands and events, and the errors'
//!   source events and missing keys, serialize.
//! - `proptest`: the [`strategy`] module, generating account mappings with
//!   their chart and priced invoices with the payments made on them;
//!   forwarded to the domain crates' strategies.

mod commission;
mod credit_note;
mod error;
mod flags;
pub mod handoff;
mod invoice;
mod legs;
mod mapping;
pub mod metrics;
mod payment;
mod payroll;
mod source;
#[cfg(feature = "proptest")]
pub mod strategy;

pub use commission::commission_entry;
pub use credit_note::{credit_note_entry, foreign_refund_entry, refund_entry};
pub use error::{Error, MissingKey, Result};
pub use flags::{Breach, CustomerFlags, FlagCommand, FlagEvent};
pub use handoff::{
    HandOff, HandOffCommand, HandOffEvent, HandOffLog, OpportunitySetup, invoice_from_order,
    opportunity_from_lead, order_from_won, quote_from_won, ticket_events,
};
pub use invoice::{DocumentPosting, down_payment_earned_entry, invoice_entry};
pub use mapping::{AccountMapping, MappingCommand, MappingEvent, MappingKey};
pub use payment::{ForeignPayment, PaymentBooking, PaymentPosting, payment_booking};
pub use payroll::{PayrollPosting, payroll_entry, salaries_paid_entry};
pub use source::SourceEvent;

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
