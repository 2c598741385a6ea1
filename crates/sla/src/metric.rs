//! Metrics: what an SLA measures, and when a metric's clock starts, pauses
//! and stops.

use std::fmt;

use crate::ticket::{MetricName, Status, StatusSet};

/// What an SLA measures.
///
/// The six standard metrics come with standard definitions
/// ([`MetricDefinition::standard`]); a [`Custom`](Metric::Custom) metric is
/// whatever its [`MetricDefinition`] says.
///
/// ```
/// use bureau_sla::{Metric, MetricName};
/// assert_eq!(Metric::FirstReply.to_string(), "first_reply");
/// assert_eq!(Metric::Custom(MetricName::new("triage")).to_string(), "triage");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Metric {
    /// Creation to the first public agent reply.
    FirstReply,
    /// The oldest unanswered customer message to the next public agent reply.
    NextReply,
    /// Between public agent replies while the ticket is unresolved.
    PeriodicUpdate,
    /// Time in new, open or on hold; paused while pending on the customer.
    RequesterWait,
    /// Time in new or open; paused while pending or on hold.
    AgentWork,
    /// Creation (or reopening) to solved, every status counted.
    TotalResolution,
    /// A metric of the caller's own definition.
    Custom(MetricName),
}

impl Metric {
    /// The six standard metrics, in the order above.
    pub const STANDARD: [Metric; 6] = [
        Metric::FirstReply,
        Metric::NextReply,
        Metric::PeriodicUpdate,
        Metric::RequesterWait,
        Metric::AgentWork,
        Metric::TotalResolution,
    ];
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Metric::FirstReply => "first_reply",
            Metric::NextReply => "next_reply",
            Metric::PeriodicUpdate => "periodic_update",
            Metric::RequesterWait => "requester_wait",
            Metric::AgentWork => "agent_work",
            Metric::TotalResolution => "total_resolution",
            Metric::Custom(name) => name.as_str(),
        })
    }
}

/// An occurrence in a ticket's history that starts or stops a metric's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Trigger {
    /// The ticket is created.
    Created,
    /// An agent replies publicly.
    PublicReply,
    /// An agent writes an internal note.
    PrivateNote,
    /// The customer writes.
    CustomerMessage,
    /// The customer writes after an agent has replied publicly at least once.
    CustomerFollowUp,
    /// The status moves from outside the set into it (a merge moves it to closed).
    StatusEntered(StatusSet),
    /// The status moves from inside the set to outside it (leaving
    /// [`StatusSet::RESOLVED`] is a reopen).
    StatusLeft(StatusSet),
}

/// What a ticket event looks like to a trigger.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Occurrence {
    pub(crate) what: Happening,
    pub(crate) before: Status,
    pub(crate) after: Status,
    pub(crate) replied_before: bool,
}

/// The kind of occurrence, without payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Happening {
    Created,
    StatusChange,
    PublicReply,
    PrivateNote,
    CustomerMessage,
    Other,
}

impl Trigger {
    pub(crate) fn fires(self, occurrence: &Occurrence) -> bool {
        match self {
            Trigger::Created => occurrence.what == Happening::Created,
            Trigger::PublicReply => occurrence.what == Happening::PublicReply,
            Trigger::PrivateNote => occurrence.what == Happening::PrivateNote,
            Trigger::CustomerMessage => occurrence.what == Happening::CustomerMessage,
            Trigger::CustomerFollowUp => {
                occurrence.what == Happening::CustomerMessage && occurrence.replied_before
            }
            Trigger::StatusEntered(set) => {
                !set.contains(occurrence.before) && set.contains(occurrence.after)
            }
            Trigger::StatusLeft(set) => {
                set.contains(occurrence.before) && !set.contains(occurrence.after)
            }
        }
    }
}

/// Whether a metric measures one cycle per ticket or a new cycle at every start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Recurrence {
    /// At most one cycle in the ticket's life (first reply).
    Once,
    /// A new cycle at every start trigger once the previous one stopped.
    Repeating,
}

/// How a metric's clock behaves: when a cycle starts, in which statuses it is
/// paused, when it stops.
///
/// Per event, the clock first looks at its stop triggers (stopping a running
/// cycle), then at its start triggers (starting a cycle when none runs), so
/// one public reply can end one periodic-update cycle and begin the next. No
/// cycle starts while the ticket is solved or closed. A running cycle pauses
/// when the ticket enters one of the pause statuses and resumes when it leaves
/// them; a cycle started in a pause status starts paused.
///
/// ```
/// use bureau_sla::{Metric, MetricDefinition, MetricName, Recurrence, Status, StatusSet, Trigger};
///
/// // Jira-style: time to triage, from creation until the ticket is opened,
/// // not counting time waiting on the customer.
/// let triage = MetricDefinition::new(Metric::Custom(MetricName::new("triage")), Recurrence::Once)
///     .with_start_trigger(Trigger::Created)
///     .with_stop_trigger(Trigger::StatusEntered(StatusSet::of(&[Status::Open])))
///     .with_stop_trigger(Trigger::StatusEntered(StatusSet::RESOLVED))
///     .with_pause_statuses(StatusSet::of(&[Status::Pending]));
/// assert_eq!(triage.start_triggers(), &[Trigger::Created]);
/// assert!(triage.pause_statuses().contains(Status::Pending));
///
/// let standard = MetricDefinition::standard(Metric::AgentWork).ok_or("standard metric")?;
/// assert!(standard.pause_statuses().contains(Status::OnHold));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricDefinition {
    pub(crate) metric: Metric,
    recurrence: Recurrence,
    pub(crate) start: Vec<Trigger>,
    stop: Vec<Trigger>,
    paused_in: StatusSet,
}

impl MetricDefinition {
    /// A definition of `metric` with no triggers and no pause yet.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, MetricName, Recurrence};
    /// let empty = MetricDefinition::new(Metric::Custom(MetricName::new("x")), Recurrence::Once);
    /// assert!(empty.start_triggers().is_empty());
    /// ```
    pub fn new(metric: Metric, recurrence: Recurrence) -> Self {
        Self {
            metric,
            recurrence,
            start: Vec::new(),
            stop: Vec::new(),
            paused_in: StatusSet::EMPTY,
        }
    }

    /// This definition with one more start trigger.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, MetricName, Recurrence, Trigger};
    /// let d = MetricDefinition::new(Metric::Custom(MetricName::new("x")), Recurrence::Once)
    ///     .with_start_trigger(Trigger::CustomerMessage);
    /// assert_eq!(d.start_triggers(), &[Trigger::CustomerMessage]);
    /// ```
    #[must_use]
    pub fn with_start_trigger(mut self, trigger: Trigger) -> Self {
        self.start.push(trigger);
        self
    }

    /// This definition with one more stop trigger.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, MetricName, Recurrence, Trigger};
    /// let d = MetricDefinition::new(Metric::Custom(MetricName::new("x")), Recurrence::Once)
    ///     .with_stop_trigger(Trigger::PublicReply);
    /// assert_eq!(d.stop_triggers(), &[Trigger::PublicReply]);
    /// ```
    #[must_use]
    pub fn with_stop_trigger(mut self, trigger: Trigger) -> Self {
        self.stop.push(trigger);
        self
    }

    /// This definition paused while the ticket is in one of `statuses`
    /// (pausing on entering them, resuming on leaving them).
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, MetricName, Recurrence, Status, StatusSet};
    /// let d = MetricDefinition::new(Metric::Custom(MetricName::new("x")), Recurrence::Once)
    ///     .with_pause_statuses(StatusSet::of(&[Status::OnHold]));
    /// assert!(d.pause_statuses().contains(Status::OnHold));
    /// ```
    #[must_use]
    pub fn with_pause_statuses(mut self, statuses: StatusSet) -> Self {
        self.paused_in = statuses;
        self
    }

    /// The standard definition of one of the six standard metrics, `None` for
    /// a custom metric:
    ///
    /// | metric | starts on | paused in | stops on | cycles |
    /// |---|---|---|---|---|
    /// | first reply | created | | public reply, solved/closed | once |
    /// | next reply | customer follow-up | | public reply, solved/closed | repeating |
    /// | periodic update | public reply | | public reply, solved/closed | repeating |
    /// | requester wait | created, reopened | pending | solved/closed | repeating |
    /// | agent work | created, reopened | pending, on hold | solved/closed | repeating |
    /// | total resolution | created, reopened | | solved/closed | repeating |
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, Trigger};
    /// let first = MetricDefinition::standard(Metric::FirstReply).ok_or("standard")?;
    /// assert_eq!(first.start_triggers(), &[Trigger::Created]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn standard(metric: Metric) -> Option<Self> {
        let resolved = Trigger::StatusEntered(StatusSet::RESOLVED);
        let reopened = Trigger::StatusLeft(StatusSet::RESOLVED);
        let definition = match metric {
            Metric::FirstReply => Self::new(metric, Recurrence::Once)
                .with_start_trigger(Trigger::Created)
                .with_stop_trigger(Trigger::PublicReply)
                .with_stop_trigger(resolved),
            Metric::NextReply => Self::new(metric, Recurrence::Repeating)
                .with_start_trigger(Trigger::CustomerFollowUp)
                .with_stop_trigger(Trigger::PublicReply)
                .with_stop_trigger(resolved),
            Metric::PeriodicUpdate => Self::new(metric, Recurrence::Repeating)
                .with_start_trigger(Trigger::PublicReply)
                .with_stop_trigger(Trigger::PublicReply)
                .with_stop_trigger(resolved),
            Metric::RequesterWait => Self::new(metric, Recurrence::Repeating)
                .with_start_trigger(Trigger::Created)
                .with_start_trigger(reopened)
                .with_stop_trigger(resolved)
                .with_pause_statuses(StatusSet::of(&[Status::Pending])),
            Metric::AgentWork => Self::new(metric, Recurrence::Repeating)
                .with_start_trigger(Trigger::Created)
                .with_start_trigger(reopened)
                .with_stop_trigger(resolved)
                .with_pause_statuses(StatusSet::of(&[Status::Pending, Status::OnHold])),
            Metric::TotalResolution => Self::new(metric, Recurrence::Repeating)
                .with_start_trigger(Trigger::Created)
                .with_start_trigger(reopened)
                .with_stop_trigger(resolved),
            Metric::Custom(_) => return None,
        };
        Some(definition)
    }

    /// The metric defined.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition};
    /// let d = MetricDefinition::standard(Metric::NextReply).ok_or("standard")?;
    /// assert_eq!(d.metric(), &Metric::NextReply);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metric(&self) -> &Metric {
        &self.metric
    }

    /// One cycle per ticket or one per start.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, Recurrence};
    /// let d = MetricDefinition::standard(Metric::FirstReply).ok_or("standard")?;
    /// assert_eq!(d.recurrence(), Recurrence::Once);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recurrence(&self) -> Recurrence {
        self.recurrence
    }

    /// The triggers that start a cycle.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, Trigger};
    /// let d = MetricDefinition::standard(Metric::PeriodicUpdate).ok_or("standard")?;
    /// assert_eq!(d.start_triggers(), &[Trigger::PublicReply]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_triggers(&self) -> &[Trigger] {
        &self.start
    }

    /// The triggers that stop a running cycle.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, StatusSet, Trigger};
    /// let d = MetricDefinition::standard(Metric::TotalResolution).ok_or("standard")?;
    /// assert_eq!(d.stop_triggers(), &[Trigger::StatusEntered(StatusSet::RESOLVED)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stop_triggers(&self) -> &[Trigger] {
        &self.stop
    }

    /// The statuses in which a running cycle is paused.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, StatusSet};
    /// let d = MetricDefinition::standard(Metric::TotalResolution).ok_or("standard")?;
    /// assert_eq!(d.pause_statuses(), StatusSet::EMPTY);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pause_statuses(&self) -> StatusSet {
        self.paused_in
    }

    pub(crate) fn starts(&self, occurrence: &Occurrence) -> bool {
        self.start.iter().any(|t| t.fires(occurrence))
    }

    pub(crate) fn stops(&self, occurrence: &Occurrence) -> bool {
        self.stop.iter().any(|t| t.fires(occurrence))
    }
}
