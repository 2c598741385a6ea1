//! The one error type of bureau-sla.

use bureau_core::{Percent, TicketId};
use chrono::{DateTime, TimeDelta, Utc};

use crate::{Metric, PolicyName, Status};

/// Everything that can go wrong in bureau-sla. Every variant names the value
/// that was wrong; errors about a ticket's history name the event by its
/// position in the history (`index`, counting from 0) and its kind.
///
/// # Examples
///
/// ```
/// use bureau_core::{TicketId, UserId};
/// use bureau_sla::{EventKind, SlaConfig, SlaRecord, TicketEvent};
/// use chrono::DateTime;
///
/// let config = SlaConfig::standard(Vec::new())?;
/// let mut record = SlaRecord::new(&config);
/// let reply = TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::PublicReply { agent: UserId::from_u128(1) });
/// let err = record.record(&reply).unwrap_err();
/// assert_eq!(err.to_string(), "event 0 (public_reply) comes before the ticket was created");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An event other than `created` came first.
    #[error("event {index} ({kind}) comes before the ticket was created")]
    #[non_exhaustive]
    NotCreated {
        /// Position of the event in the history.
        index: usize,
        /// Its kind.
        kind: &'static str,
    },
    /// A second `created` event.
    #[error("event {index} (created) creates ticket {ticket} a second time")]
    #[non_exhaustive]
    AlreadyCreated {
        /// Position of the event in the history.
        index: usize,
        /// The ticket already created.
        ticket: TicketId,
    },
    /// The event is dated before the event preceding it.
    #[error("event {index} ({kind}) at {at} is earlier than the previous event at {previous}")]
    #[non_exhaustive]
    OutOfOrder {
        /// Position of the event in the history.
        index: usize,
        /// Its kind.
        kind: &'static str,
        /// Its instant.
        at: DateTime<Utc>,
        /// The instant of the event before it.
        previous: DateTime<Utc>,
    },
    /// An event after the ticket was deleted.
    #[error("event {index} ({kind}) comes after ticket {ticket} was deleted")]
    #[non_exhaustive]
    Deleted {
        /// Position of the event in the history.
        index: usize,
        /// Its kind.
        kind: &'static str,
        /// The deleted ticket.
        ticket: TicketId,
    },
    /// An event other than `deleted` after the ticket was closed or merged.
    #[error("event {index} ({kind}) comes after ticket {ticket} was closed")]
    #[non_exhaustive]
    Closed {
        /// Position of the event in the history.
        index: usize,
        /// Its kind.
        kind: &'static str,
        /// The closed ticket.
        ticket: TicketId,
    },
    /// A status change the ticket lifecycle does not allow (back to `new`, or
    /// to the status it already has).
    #[error("event {index} (status_changed) moves the ticket from {from} to {to}")]
    #[non_exhaustive]
    InvalidTransition {
        /// Position of the event in the history.
        index: usize,
        /// The status before.
        from: Status,
        /// The status asked for.
        to: Status,
    },
    /// A ticket merged into itself.
    #[error("event {index} (merged) merges ticket {ticket} into itself")]
    #[non_exhaustive]
    MergedIntoItself {
        /// Position of the event in the history.
        index: usize,
        /// The ticket.
        ticket: TicketId,
    },
    /// An evaluation was asked for at an instant before the last event.
    #[error("cannot evaluate at {now}, before the last event at {last}")]
    #[non_exhaustive]
    NowBeforeLastEvent {
        /// The instant asked for.
        now: DateTime<Utc>,
        /// The instant of the last recorded event.
        last: DateTime<Utc>,
    },
    /// An escalation window whose end comes before its start.
    #[error("escalation window starts at {since}, after its end {now}")]
    #[non_exhaustive]
    InvalidWindow {
        /// Start of the window.
        since: DateTime<Utc>,
        /// End of the window.
        now: DateTime<Utc>,
    },
    /// A target duration that is zero, negative or longer than ten years.
    #[error("target duration {duration} is not between zero (excluded) and ten years")]
    #[non_exhaustive]
    InvalidTargetDuration {
        /// The duration as given.
        duration: TimeDelta,
    },
    /// A warning threshold outside (0%, 100%].
    #[error("warning threshold {threshold} is not above 0% and at most 100%")]
    #[non_exhaustive]
    InvalidWarningThreshold {
        /// The threshold as given.
        threshold: Percent,
    },
    /// Two metric definitions for the same metric.
    #[error("metric {metric} is defined twice")]
    #[non_exhaustive]
    DuplicateMetric {
        /// The metric.
        metric: Metric,
    },
    /// A metric definition that can never start a cycle.
    #[error("metric {metric} has no start trigger")]
    #[non_exhaustive]
    NoStartTrigger {
        /// The metric.
        metric: Metric,
    },
    /// Two policies with the same name.
    #[error("policy {policy} is defined twice")]
    #[non_exhaustive]
    DuplicatePolicy {
        /// The policy name.
        policy: PolicyName,
    },
    /// A policy sets a target for a metric that has no definition.
    #[error("policy {policy} sets a target for metric {metric}, which is not defined")]
    #[non_exhaustive]
    UnknownMetric {
        /// The policy.
        policy: PolicyName,
        /// The metric it targets.
        metric: Metric,
    },
    /// A configuration with more (policy, metric) pairs than
    /// [`SlaConfig::MAX_POLICY_METRIC_PAIRS`](crate::SlaConfig::MAX_POLICY_METRIC_PAIRS).
    #[error(
        "{policies} policies times {metrics} metrics is more than the {max} policy-metric pairs a configuration may hold"
    )]
    #[non_exhaustive]
    ConfigTooLarge {
        /// The number of policies given.
        policies: usize,
        /// The number of metric definitions given.
        metrics: usize,
        /// The most pairs allowed.
        max: usize,
    },
    /// A value from bureau-core was refused (a date outside the supported periods).
    #[error(transparent)]
    #[non_exhaustive]
    Core {
        /// What bureau-core reported.
        #[from]
        source: bureau_core::Error,
    },
    /// Working-time arithmetic failed (for instance a calendar with no
    /// working time at all).
    #[error("working-time arithmetic failed for metric {metric}: {source}")]
    #[non_exhaustive]
    Calendar {
        /// The metric being evaluated.
        metric: Metric,
        /// What the calendar reported.
        #[source]
        source: bureau_calendar::Error,
    },
}

/// The result type of bureau-sla.
pub type Result<T, E = Error> = std::result::Result<T, E>;
