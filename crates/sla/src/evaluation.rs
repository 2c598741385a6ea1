//! What an evaluation reports: per metric, the completed cycles and the one
//! still running or paused.
//!
//! These are plain result records with public fields; only this crate creates
//! them ([`SlaRecord::evaluate`](crate::SlaRecord::evaluate)).

use bureau_core::{TicketId, UserId};
use chrono::{DateTime, TimeDelta, Utc};

use crate::{Metric, PolicyName, Priority, Status};

/// How a completed cycle ended against its target.
///
/// ```
/// use bureau_sla::Outcome;
/// assert!(Outcome::Achieved.is_achieved());
/// assert!(!Outcome::Untargeted.is_breached());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Outcome {
    /// Stopped at or before its due instant.
    Achieved,
    /// Stopped after its due instant `at`, the instant of the breach.
    Breached {
        /// The due instant that passed.
        at: DateTime<Utc>,
    },
    /// No target applied (the policy sets none for this metric and priority,
    /// or no policy matched).
    Untargeted,
}

impl Outcome {
    /// Whether the cycle met its target.
    ///
    /// ```
    /// use bureau_sla::Outcome;
    /// assert!(!Outcome::Untargeted.is_achieved());
    /// ```
    pub fn is_achieved(self) -> bool {
        self == Outcome::Achieved
    }

    /// Whether the cycle missed its target.
    ///
    /// ```
    /// use bureau_sla::Outcome;
    /// use chrono::DateTime;
    /// assert!(Outcome::Breached { at: DateTime::UNIX_EPOCH }.is_breached());
    /// ```
    pub fn is_breached(self) -> bool {
        matches!(self, Outcome::Breached { .. })
    }
}

/// Whether an ongoing cycle's clock is counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ClockState {
    /// Counting working time.
    Running,
    /// Stopped in one of the metric's pause statuses.
    Paused,
}

/// A cycle that stopped.
///
/// `elapsed` is the working time on the target's calendar over the cycle's
/// unpaused intervals (calendar hours when untargeted). The cycle is achieved
/// exactly when `stop` is at or before its due instant, the earliest instant
/// at which the elapsed working time reached the target.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct CompletedCycle<'c> {
    /// When the cycle started.
    pub start: DateTime<Utc>,
    /// When it stopped.
    pub stop: DateTime<Utc>,
    /// Working time over its unpaused intervals.
    pub elapsed: TimeDelta,
    /// The target duration, if one applied.
    pub target: Option<TimeDelta>,
    /// When the warning threshold was crossed, if before `stop`.
    pub warned_at: Option<DateTime<Utc>>,
    /// Achieved, breached (with the breach instant) or untargeted.
    pub outcome: Outcome,
    /// The policy in force when the cycle stopped.
    pub policy: Option<&'c PolicyName>,
    /// The priority in force when the cycle stopped.
    pub priority: Priority,
    /// When that policy and priority took effect.
    pub targeted_at: DateTime<Utc>,
}

/// The cycle still open at the evaluation instant.
///
/// Measured against the current policy and priority from the cycle's own
/// start. `due` and `warning_at` are the instants the thresholds are crossed:
/// in the past if already crossed, else projected for a running clock, and
/// unknown (`None`) for a paused clock that has not crossed them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct OngoingCycle<'c> {
    /// When the cycle started.
    pub start: DateTime<Utc>,
    /// Running or paused at the evaluation instant.
    pub state: ClockState,
    /// Working time so far over its unpaused intervals.
    pub elapsed: TimeDelta,
    /// The target duration, if one applies.
    pub target: Option<TimeDelta>,
    /// Target minus elapsed; negative once breached.
    pub remaining: Option<TimeDelta>,
    /// The due instant (see above).
    pub due: Option<DateTime<Utc>>,
    /// The warning instant (see above).
    pub warning_at: Option<DateTime<Utc>>,
    /// The due instant, once it lies before the evaluation instant.
    pub breached_since: Option<DateTime<Utc>>,
    /// The policy in force.
    pub policy: Option<&'c PolicyName>,
    /// The priority in force.
    pub priority: Priority,
    /// When that policy and priority took effect.
    pub targeted_at: DateTime<Utc>,
}

/// One metric's cycles.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct MetricEvaluation<'c> {
    /// The metric.
    pub metric: &'c Metric,
    /// Its stopped cycles, oldest first.
    pub completed: Vec<CompletedCycle<'c>>,
    /// Its open cycle, if any.
    pub ongoing: Option<OngoingCycle<'c>>,
}

/// A change of the policy or priority a ticket is measured under.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PolicySelection<'c> {
    /// When it took effect (creation, or the attributes change).
    pub at: DateTime<Utc>,
    /// The policy selected, `None` when no policy matched.
    pub policy: Option<&'c PolicyName>,
    /// The ticket's priority.
    pub priority: Priority,
}

/// A ticket's SLA state at an instant, from
/// [`SlaRecord::evaluate`](crate::SlaRecord::evaluate).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Evaluation<'c> {
    /// The ticket, `None` before it was created.
    pub ticket: Option<TicketId>,
    /// The evaluation instant.
    pub now: DateTime<Utc>,
    /// The ticket's status.
    pub status: Option<Status>,
    /// The ticket's priority.
    pub priority: Option<Priority>,
    /// The agent the ticket is assigned to.
    pub assignee: Option<UserId>,
    /// The policy in force.
    pub policy: Option<&'c PolicyName>,
    /// Every policy selection, the one at creation first.
    pub selections: Vec<PolicySelection<'c>>,
    /// Per defined metric, in definition order.
    pub metrics: Vec<MetricEvaluation<'c>>,
}

impl<'c> Evaluation<'c> {
    /// The evaluation of `metric`, if defined.
    ///
    /// ```
    /// use bureau_sla::{Metric, SlaConfig, SlaRecord};
    /// use chrono::DateTime;
    /// let config = SlaConfig::standard(Vec::new())?;
    /// let evaluation = SlaRecord::new(&config).evaluate(DateTime::UNIX_EPOCH)?;
    /// assert!(evaluation.metric(&Metric::FirstReply).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metric(&self, metric: &Metric) -> Option<&MetricEvaluation<'c>> {
        self.metrics.iter().find(|m| m.metric == metric)
    }

    /// Whether any cycle, completed or ongoing, is breached.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// use chrono::DateTime;
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert!(!SlaRecord::new(&config).evaluate(DateTime::UNIX_EPOCH)?.is_breached());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_breached(&self) -> bool {
        self.metrics.iter().any(|m| {
            m.completed.iter().any(|c| c.outcome.is_breached())
                || m.ongoing
                    .as_ref()
                    .is_some_and(|o| o.breached_since.is_some())
        })
    }
}
