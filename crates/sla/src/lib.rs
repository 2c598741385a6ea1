//! Service level agreements computed from a support ticket's event history,
//! on any working-time calendar.
//!
//! # Overview
//!
//! A ticket is an opaque [`TicketId`](bureau_core::TicketId) with
//! [`TicketAttributes`] (priority, channel, customer tier, assignee, tags,
//! custom fields) and a history of [`TicketEvent`]s, each at an instant the
//! caller gives: created, status changed, public reply, private note,
//! customer message, attributes changed, merged, deleted.
//!
//! - [`MetricDefinition`] says when a metric's clock starts, pauses and stops.
//!   The six standard metrics ([`Metric`]: first reply, next reply, periodic
//!   update, requester wait, agent work, total resolution) come with the usual
//!   help-desk definitions; custom metrics with any start, pause and stop
//!   conditions express Jira-style SLAs.
//! - [`SlaPolicy`] has conditions on the attributes and a [`Target`] per
//!   metric and priority: a duration of working time on a
//!   [`Calendar`](bureau_calendar::Calendar) (business hours, or
//!   `Calendar::always()` for calendar hours) and a warning threshold.
//!   [`SlaConfig`] holds the metric definitions and the ordered policies; the
//!   first policy whose conditions match a ticket applies, re-selected when
//!   its attributes change.
//! - [`SlaRecord`] is a ticket's SLA record, fed one event at a time (an
//!   incremental evaluator and a [`bureau_core::Aggregate`]). Out-of-order or
//!   contradictory events are rejected with an [`Error`] naming the event.
//!   [`TicketHistory`] is the same validation without a configuration: a
//!   `Default` aggregate to store, replayed into an [`SlaRecord`] under
//!   whichever configuration applies when it is evaluated.
//!   [`SlaRecord::evaluate`] gives, per metric, the completed cycles (start,
//!   stop, elapsed, target, achieved or breached with the breach instant) and
//!   the ongoing cycle (running or paused, elapsed, remaining, due, warning,
//!   breached since). [`SlaRecord::evaluate_with`] reads the calendars'
//!   working intervals through a [`WorkingTimeCache`], for evaluating many
//!   tickets in a row with the same answers.
//! - [`SlaRecord::escalations`] turns [`EscalationRule`]s into the
//!   [`Action`]s that fell due in a window ([`Evaluation::escalations`] does
//!   the same from an evaluation); [`Target::due_from`] and [`SlaRecord::due`]
//!   say when a target falls due, for a clock that never pauses and for a
//!   ticket's ongoing cycle; [`adherence`] reports achieved %, breaches and
//!   median and 90th percentile times to first reply and to resolution.
//!
//! What always holds: the elapsed time of a cycle is the calendar's working
//! time over its unpaused intervals; a cycle is achieved exactly when it stops
//! at or before its due instant; a pause only ever moves a due instant later;
//! recording a history in pieces gives the same evaluation as recording it
//! whole. Nothing here reads a clock: `now` is always an argument.
//!
//! ## Where each rule lives
//!
//! | to find | look in |
//! |---|---|
//! | `Priority`, `Status`, `StatusSet`, `TicketAttributes`, `TicketEvent`, names | `src/ticket.rs` |
//! | `Metric`, `Trigger`, `Recurrence`, `MetricDefinition` and the six standard definitions | `src/metric.rs` |
//! | `Target`: duration, calendar, warning threshold, `due_from` | `src/target.rs` |
//! | `Condition`, `SlaPolicy` | `src/policy.rs` |
//! | `SlaConfig`: validation, policy selection, the target table | `src/config.rs` |
//! | the lifecycle rules that reject events, `TicketHistory` | `src/history.rs` |
//! | `SlaRecord`: recording, clocks and cycles, `evaluate`, `due` | `src/record.rs` |
//! | elapsed working time over a cycle's unpaused intervals, `WorkingTimeCache` | `src/clock.rs` |
//! | `Evaluation`, `CompletedCycle`, `OngoingCycle`, `Outcome` | `src/evaluation.rs` |
//! | `EscalationRule`, `Action`, `SlaRecord::escalations`, `Evaluation::escalations` | `src/escalation.rs` |
//! | `adherence`, `AdherenceRow`, `DurationStats`, `nearest_rank` | `src/report.rs` |
//! | `Error`, every message | `src/error.rs` |
//! | property-test strategies (feature `proptest`) | `src/strategy.rs` |
//!
//! # Examples
//!
//! ```
//! use bureau_calendar::Calendar;
//! use bureau_core::{TicketId, UserId};
//! use bureau_sla::{
//!     ClockState, EventKind, Metric, Opener, Outcome, Priority, SlaConfig, SlaPolicy, SlaRecord,
//!     Status, Target, TicketAttributes, TicketEvent,
//! };
//! use chrono::{TimeDelta, TimeZone, Utc};
//!
//! let hours = |h| Target::new(TimeDelta::hours(h), Calendar::always());
//! let config = SlaConfig::standard(vec![SlaPolicy::new("standard")
//!     .with_target(Metric::FirstReply, Priority::High, hours(2)?)
//!     .with_target(Metric::RequesterWait, Priority::High, hours(8)?)])?;
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("instant")?;
//! let at = |minutes| t0 + TimeDelta::minutes(minutes);
//! let agent = UserId::from_u128(7);
//! let history = [
//!     TicketEvent::new(at(0), EventKind::Created {
//!         ticket: TicketId::from_u128(1),
//!         opened_by: Opener::Customer,
//!         attributes: TicketAttributes::new(Priority::High).with_channel("email"),
//!     }),
//!     TicketEvent::new(at(30), EventKind::PublicReply { agent }),
//!     TicketEvent::new(at(30), EventKind::StatusChanged { to: Status::Pending }),
//!     TicketEvent::new(at(300), EventKind::StatusChanged { to: Status::Open }),
//! ];
//! let record = SlaRecord::from_history(&config, &history)?;
//! let evaluation = record.evaluate(at(360))?;
//!
//! let first = evaluation.metric(&Metric::FirstReply).ok_or("metric")?;
//! assert_eq!(first.completed[0].outcome, Outcome::Achieved);
//!
//! // Waiting on the customer (30 min to 300 min) does not count.
//! let wait = evaluation.metric(&Metric::RequesterWait).ok_or("metric")?;
//! let ongoing = wait.ongoing.as_ref().ok_or("running")?;
//! assert_eq!(ongoing.state, ClockState::Running);
//! assert_eq!(ongoing.elapsed, TimeDelta::minutes(90));
//! assert_eq!(ongoing.due, Some(at(300 + 450)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for events, attributes, definitions,
//!   targets, policies, configurations and rules (configurations and targets
//!   are validated again on the way in); `Serialize` for evaluations, reports
//!   and escalations.
//! - `proptest`: the [`strategy`] module, generating valid ticket histories
//!   and SLA configurations.

mod clock;
mod config;
mod error;
mod escalation;
mod evaluation;
mod history;
mod metric;
mod policy;
#[cfg(all(test, feature = "proptest"))]
mod properties;
mod record;
mod report;
#[cfg(feature = "proptest")]
pub mod strategy;
mod target;
#[cfg(test)]
mod test_calendars;
mod ticket;

pub use clock::WorkingTimeCache;
pub use config::SlaConfig;
pub use error::{Error, Result};
pub use escalation::{Action, Escalation, EscalationRule, Threshold};
pub use evaluation::{
    ClockState, CompletedCycle, Evaluation, MetricEvaluation, OngoingCycle, Outcome,
    PolicySelection,
};
pub use history::TicketHistory;
pub use metric::{Metric, MetricDefinition, Recurrence, Trigger};
pub use policy::{Condition, SlaPolicy};
pub use record::{SlaCommand, SlaRecord};
pub use report::{AdherenceRow, DurationStats, GroupBy, GroupKey, adherence, nearest_rank};
pub use target::Target;
pub use ticket::{
    Channel, CustomerTier, EventKind, FieldName, FieldValue, MetricName, Opener, PolicyName,
    Priority, Status, StatusSet, Tag, TicketAttributes, TicketEvent,
};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
