//! Metrics and their clocks' start, pause and stop conditions; targets; policies
//! and how a ticket selects one.

use std::fmt;

use bureau_calendar::Calendar;
use bureau_core::{Decimal, Percent};
use chrono::TimeDelta;

use crate::ticket::{
    Channel, CustomerTier, FieldName, FieldValue, MetricName, PolicyName, Priority, Status,
    StatusSet, Tag, TicketAttributes,
};
use crate::{Error, Result};

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
///
/// ```
/// use bureau_sla::{Status, StatusSet, Trigger};
/// let solved = Trigger::StatusEntered(StatusSet::of(&[Status::Solved]));
/// assert_ne!(solved, Trigger::PublicReply);
/// ```
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
///
/// ```
/// use bureau_sla::Recurrence;
/// assert_ne!(Recurrence::Once, Recurrence::Repeating);
/// ```
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
///     .start_on(Trigger::Created)
///     .stop_on(Trigger::StatusEntered(StatusSet::of(&[Status::Open])))
///     .stop_on(Trigger::StatusEntered(StatusSet::RESOLVED))
///     .paused_in(StatusSet::of(&[Status::Pending]));
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
    metric: Metric,
    recurrence: Recurrence,
    start: Vec<Trigger>,
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
    ///     .start_on(Trigger::CustomerMessage);
    /// assert_eq!(d.start_triggers(), &[Trigger::CustomerMessage]);
    /// ```
    #[must_use]
    pub fn start_on(mut self, trigger: Trigger) -> Self {
        self.start.push(trigger);
        self
    }

    /// This definition with one more stop trigger.
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, MetricName, Recurrence, Trigger};
    /// let d = MetricDefinition::new(Metric::Custom(MetricName::new("x")), Recurrence::Once)
    ///     .stop_on(Trigger::PublicReply);
    /// assert_eq!(d.stop_triggers(), &[Trigger::PublicReply]);
    /// ```
    #[must_use]
    pub fn stop_on(mut self, trigger: Trigger) -> Self {
        self.stop.push(trigger);
        self
    }

    /// This definition paused while the ticket is in one of `statuses`
    /// (pausing on entering them, resuming on leaving them).
    ///
    /// ```
    /// use bureau_sla::{Metric, MetricDefinition, MetricName, Recurrence, Status, StatusSet};
    /// let d = MetricDefinition::new(Metric::Custom(MetricName::new("x")), Recurrence::Once)
    ///     .paused_in(StatusSet::of(&[Status::OnHold]));
    /// assert!(d.pause_statuses().contains(Status::OnHold));
    /// ```
    #[must_use]
    pub fn paused_in(mut self, statuses: StatusSet) -> Self {
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
                .start_on(Trigger::Created)
                .stop_on(Trigger::PublicReply)
                .stop_on(resolved),
            Metric::NextReply => Self::new(metric, Recurrence::Repeating)
                .start_on(Trigger::CustomerFollowUp)
                .stop_on(Trigger::PublicReply)
                .stop_on(resolved),
            Metric::PeriodicUpdate => Self::new(metric, Recurrence::Repeating)
                .start_on(Trigger::PublicReply)
                .stop_on(Trigger::PublicReply)
                .stop_on(resolved),
            Metric::RequesterWait => Self::new(metric, Recurrence::Repeating)
                .start_on(Trigger::Created)
                .start_on(reopened)
                .stop_on(resolved)
                .paused_in(StatusSet::of(&[Status::Pending])),
            Metric::AgentWork => Self::new(metric, Recurrence::Repeating)
                .start_on(Trigger::Created)
                .start_on(reopened)
                .stop_on(resolved)
                .paused_in(StatusSet::of(&[Status::Pending, Status::OnHold])),
            Metric::TotalResolution => Self::new(metric, Recurrence::Repeating)
                .start_on(Trigger::Created)
                .start_on(reopened)
                .stop_on(resolved),
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

/// The longest target accepted: ten years of 365 days.
const MAX_TARGET: TimeDelta = TimeDelta::days(3650);

/// A promise: a duration of working time on a calendar, with a warning
/// threshold.
///
/// Business hours are a [`Calendar`] with a weekly schedule, holidays and a
/// time zone; calendar hours are [`Calendar::always`]. The warning falls due
/// when the given share of the duration has elapsed (75% unless set); its
/// duration is computed exactly in decimal and truncated to the nanosecond.
///
/// ```
/// use bureau_calendar::Calendar;
/// use bureau_core::{Decimal, Percent};
/// use bureau_sla::Target;
/// use chrono::TimeDelta;
///
/// let four_hours = Target::new(TimeDelta::hours(4), Calendar::always())?
///     .with_warning(Percent::new(Decimal::from(50)))?;
/// assert_eq!(four_hours.duration(), TimeDelta::hours(4));
/// assert_eq!(four_hours.warning_after(), TimeDelta::hours(2));
/// assert!(Target::new(TimeDelta::zero(), Calendar::always()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TargetParts", into = "TargetParts")
)]
pub struct Target {
    duration: TimeDelta,
    calendar: Calendar,
    warning: Percent,
    warning_after: TimeDelta,
}

/// The stored form of a [`Target`]; the warning duration is derived again.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct TargetParts {
    duration: TimeDelta,
    calendar: Calendar,
    warning: Percent,
}

#[cfg(feature = "serde")]
impl TryFrom<TargetParts> for Target {
    type Error = Error;
    fn try_from(parts: TargetParts) -> Result<Self> {
        Target::new(parts.duration, parts.calendar)?.with_warning(parts.warning)
    }
}

#[cfg(feature = "serde")]
impl From<Target> for TargetParts {
    fn from(target: Target) -> Self {
        TargetParts {
            duration: target.duration,
            calendar: target.calendar,
            warning: target.warning,
        }
    }
}

impl Target {
    /// `duration` of working time on `calendar`, warning at 75%.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTargetDuration`] unless `0 < duration <= 3650 days`.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let target = Target::new(TimeDelta::hours(8), Calendar::always())?;
    /// assert_eq!(target.warning_after(), TimeDelta::hours(6));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(duration: TimeDelta, calendar: Calendar) -> Result<Self> {
        if duration <= TimeDelta::zero() || duration > MAX_TARGET {
            return Err(Error::InvalidTargetDuration { duration });
        }
        Self {
            duration,
            calendar,
            warning: Percent::new(Decimal::from(75)),
            warning_after: duration,
        }
        .with_warning(Percent::new(Decimal::from(75)))
    }

    /// `duration` in calendar hours (every instant counts).
    ///
    /// # Errors
    ///
    /// As [`Target::new`].
    ///
    /// ```
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let day = Target::calendar_hours(TimeDelta::hours(24))?;
    /// assert_eq!(day.duration(), TimeDelta::days(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar_hours(duration: TimeDelta) -> Result<Self> {
        Self::new(duration, Calendar::always())
    }

    /// This target warning at `threshold` of its duration.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWarningThreshold`] unless `0% < threshold <= 100%`.
    ///
    /// ```
    /// use bureau_core::{Decimal, Percent};
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let t = Target::calendar_hours(TimeDelta::minutes(10))?
    ///     .with_warning(Percent::new(Decimal::new(333, 1)))?;
    /// assert_eq!(t.warning_after(), TimeDelta::milliseconds(199_800));
    /// assert!(t.with_warning(Percent::new(Decimal::ZERO)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_warning(mut self, threshold: Percent) -> Result<Self> {
        let value = threshold.value();
        if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(Error::InvalidWarningThreshold { threshold });
        }
        // At most ten years in nanoseconds: fits an i64 and, times a percentage,
        // a decimal, so the product is exact before the one truncation.
        let nanos = self
            .duration
            .num_nanoseconds()
            .ok_or(Error::InvalidTargetDuration {
                duration: self.duration,
            })?;
        let scaled = (Decimal::from(nanos) * value / Decimal::ONE_HUNDRED).trunc();
        let warning_nanos = i64::try_from(scaled.mantissa())
            .map_err(|_| Error::InvalidWarningThreshold { threshold })?;
        self.warning = threshold;
        self.warning_after = TimeDelta::nanoseconds(warning_nanos);
        Ok(self)
    }

    /// The promised working time.
    ///
    /// ```
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// assert_eq!(Target::calendar_hours(TimeDelta::hours(1))?.duration(), TimeDelta::hours(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn duration(&self) -> TimeDelta {
        self.duration
    }

    /// The calendar whose working time counts.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// assert_eq!(Target::calendar_hours(TimeDelta::hours(1))?.calendar(), &Calendar::always());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The warning threshold as a share of the duration.
    ///
    /// ```
    /// use bureau_core::{Decimal, Percent};
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let t = Target::calendar_hours(TimeDelta::hours(1))?;
    /// assert_eq!(t.warning(), Percent::new(Decimal::from(75)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warning(&self) -> Percent {
        self.warning
    }

    /// The working time after which the warning falls due.
    ///
    /// ```
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let t = Target::calendar_hours(TimeDelta::hours(4))?;
    /// assert_eq!(t.warning_after(), TimeDelta::hours(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warning_after(&self) -> TimeDelta {
        self.warning_after
    }
}

/// A condition on a ticket's attributes.
///
/// ```
/// use bureau_sla::{Condition, Priority, TicketAttributes};
/// let urgent_email = TicketAttributes::new(Priority::Urgent).with_channel("email");
/// assert!(Condition::PriorityAtLeast(Priority::High).matches(&urgent_email));
/// assert!(Condition::ChannelIs("email".into()).matches(&urgent_email));
/// assert!(!Condition::HasTag("vip".into()).matches(&urgent_email));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Condition {
    /// The priority is exactly this one.
    PriorityIs(Priority),
    /// The priority is this one or higher.
    PriorityAtLeast(Priority),
    /// The ticket came through this channel.
    ChannelIs(Channel),
    /// The customer is in this tier.
    TierIs(CustomerTier),
    /// The ticket carries this tag.
    HasTag(Tag),
    /// The ticket does not carry this tag.
    LacksTag(Tag),
    /// The custom field has this value.
    FieldIs(FieldName, FieldValue),
}

impl Condition {
    /// Whether `attributes` satisfy the condition.
    ///
    /// ```
    /// use bureau_sla::{Condition, Priority, TicketAttributes};
    /// let t = TicketAttributes::new(Priority::Low).with_field("region", "emea");
    /// assert!(Condition::FieldIs("region".into(), "emea".into()).matches(&t));
    /// assert!(Condition::LacksTag("vip".into()).matches(&t));
    /// ```
    pub fn matches(&self, attributes: &TicketAttributes) -> bool {
        match self {
            Condition::PriorityIs(p) => attributes.priority() == *p,
            Condition::PriorityAtLeast(p) => attributes.priority() >= *p,
            Condition::ChannelIs(c) => attributes.channel() == Some(c),
            Condition::TierIs(t) => attributes.tier() == Some(t),
            Condition::HasTag(t) => attributes.has_tag(t),
            Condition::LacksTag(t) => !attributes.has_tag(t),
            Condition::FieldIs(name, value) => attributes.field(name) == Some(value),
        }
    }
}

/// An SLA policy: conditions a ticket must meet (all of them, checked in
/// order; none means every ticket) and targets per metric and priority.
///
/// ```
/// use bureau_sla::{Condition, Metric, Priority, SlaPolicy, Target, TicketAttributes};
/// use chrono::TimeDelta;
///
/// let gold = SlaPolicy::new("gold")
///     .when(Condition::TierIs("gold".into()))
///     .target(Metric::FirstReply, Priority::Urgent, Target::calendar_hours(TimeDelta::minutes(30))?)
///     .target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(4))?);
/// assert!(gold.matches(&TicketAttributes::new(Priority::Low).with_tier("gold")));
/// assert_eq!(
///     gold.target_for(&Metric::FirstReply, Priority::Urgent).map(|t| t.duration()),
///     Some(TimeDelta::minutes(30)),
/// );
/// assert!(gold.target_for(&Metric::FirstReply, Priority::Low).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SlaPolicy {
    name: PolicyName,
    conditions: Vec<Condition>,
    targets: Vec<(Metric, Priority, Target)>,
}

impl SlaPolicy {
    /// A policy named `name` matching every ticket, with no target yet.
    ///
    /// ```
    /// use bureau_sla::{Priority, SlaPolicy, TicketAttributes};
    /// let p = SlaPolicy::new("default");
    /// assert_eq!(p.name().as_str(), "default");
    /// assert!(p.matches(&TicketAttributes::new(Priority::Low)));
    /// ```
    pub fn new(name: impl Into<PolicyName>) -> Self {
        Self {
            name: name.into(),
            conditions: Vec::new(),
            targets: Vec::new(),
        }
    }

    /// This policy with one more condition.
    ///
    /// ```
    /// use bureau_sla::{Condition, Priority, SlaPolicy, TicketAttributes};
    /// let p = SlaPolicy::new("vip").when(Condition::HasTag("vip".into()));
    /// assert!(!p.matches(&TicketAttributes::new(Priority::Low)));
    /// ```
    #[must_use]
    pub fn when(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// This policy with `target` for `metric` at `priority`, replacing any
    /// earlier target for the same pair.
    ///
    /// ```
    /// use bureau_sla::{Metric, Priority, SlaPolicy, Target};
    /// use chrono::TimeDelta;
    /// let p = SlaPolicy::new("p")
    ///     .target(Metric::FirstReply, Priority::Low, Target::calendar_hours(TimeDelta::hours(9))?)
    ///     .target(Metric::FirstReply, Priority::Low, Target::calendar_hours(TimeDelta::hours(8))?);
    /// assert_eq!(p.targets().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn target(mut self, metric: Metric, priority: Priority, target: Target) -> Self {
        match self
            .targets
            .iter_mut()
            .find(|(m, p, _)| *m == metric && *p == priority)
        {
            Some(slot) => slot.2 = target,
            None => self.targets.push((metric, priority, target)),
        }
        self
    }

    /// The policy's name.
    ///
    /// ```
    /// use bureau_sla::SlaPolicy;
    /// assert_eq!(SlaPolicy::new("a").name().to_string(), "a");
    /// ```
    pub fn name(&self) -> &PolicyName {
        &self.name
    }

    /// The conditions, in order.
    ///
    /// ```
    /// use bureau_sla::{Condition, SlaPolicy};
    /// let p = SlaPolicy::new("a").when(Condition::HasTag("x".into()));
    /// assert_eq!(p.conditions().len(), 1);
    /// ```
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Whether every condition holds for `attributes`.
    ///
    /// ```
    /// use bureau_sla::{Condition, Priority, SlaPolicy, TicketAttributes};
    /// let p = SlaPolicy::new("a").when(Condition::PriorityIs(Priority::High));
    /// assert!(p.matches(&TicketAttributes::new(Priority::High)));
    /// ```
    pub fn matches(&self, attributes: &TicketAttributes) -> bool {
        self.conditions.iter().all(|c| c.matches(attributes))
    }

    /// The target for `metric` at `priority`, if the policy sets one.
    ///
    /// ```
    /// use bureau_sla::{Metric, Priority, SlaPolicy};
    /// assert!(SlaPolicy::new("a").target_for(&Metric::FirstReply, Priority::Low).is_none());
    /// ```
    pub fn target_for(&self, metric: &Metric, priority: Priority) -> Option<&Target> {
        self.targets
            .iter()
            .find(|(m, p, _)| m == metric && *p == priority)
            .map(|(_, _, t)| t)
    }

    /// Every (metric, priority, target) the policy sets, in the order set.
    ///
    /// ```
    /// use bureau_sla::SlaPolicy;
    /// assert_eq!(SlaPolicy::new("a").targets().count(), 0);
    /// ```
    pub fn targets(&self) -> impl Iterator<Item = (&Metric, Priority, &Target)> {
        self.targets.iter().map(|(m, p, t)| (m, *p, t))
    }
}

/// The metric definitions and the ordered policies of a help desk, checked
/// once so that evaluation is a table look-up.
///
/// Clocks run for every defined metric on every ticket; the selected policy
/// (the first whose conditions match the ticket's attributes) and the
/// ticket's priority decide which target, if any, a cycle is measured
/// against.
///
/// ```
/// use bureau_sla::{Metric, Priority, SlaConfig, SlaPolicy, Target, TicketAttributes};
/// use chrono::TimeDelta;
///
/// let config = SlaConfig::standard(vec![
///     SlaPolicy::new("vip").when(bureau_sla::Condition::HasTag("vip".into()))
///         .target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(1))?),
///     SlaPolicy::new("everyone")
///         .target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(8))?),
/// ])?;
/// let plain = TicketAttributes::new(Priority::Normal);
/// let policy = config.select(&plain).ok_or("a policy")?;
/// assert_eq!(policy.name().as_str(), "everyone");
/// assert_eq!(config.metrics().len(), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaConfig {
    metrics: Vec<MetricDefinition>,
    policies: Vec<SlaPolicy>,
    /// `(policy * metrics + metric) * 4 + priority` -> index into the policy's targets.
    table: Vec<Option<(u32, u32)>>,
    /// The distinct calendars of the targets, calendar hours first (also
    /// used for cycles without a target); the table refers to them by index.
    calendars: Vec<Calendar>,
}

impl SlaConfig {
    /// The most (policy, metric) pairs a configuration indexes: its target
    /// table holds four priorities per pair, so this bounds its memory (about
    /// 50 MB) far above any real service desk's policies and metrics.
    ///
    /// ```
    /// use bureau_sla::SlaConfig;
    /// assert_eq!(SlaConfig::MAX_POLICY_METRIC_PAIRS, 1 << 20);
    /// ```
    pub const MAX_POLICY_METRIC_PAIRS: usize = 1 << 20;

    /// Checks and indexes `metrics` and `policies`.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateMetric`], [`Error::NoStartTrigger`],
    /// [`Error::DuplicatePolicy`], or [`Error::UnknownMetric`] when a policy
    /// targets a metric without a definition; [`Error::ConfigTooLarge`] when
    /// policies times metrics exceeds [`SlaConfig::MAX_POLICY_METRIC_PAIRS`].
    ///
    /// ```
    /// use bureau_sla::{Error, Metric, MetricDefinition, SlaConfig};
    /// let first = MetricDefinition::standard(Metric::FirstReply).ok_or("standard")?;
    /// let err = SlaConfig::new(vec![first.clone(), first], Vec::new()).unwrap_err();
    /// assert!(matches!(err, Error::DuplicateMetric { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(metrics: Vec<MetricDefinition>, policies: Vec<SlaPolicy>) -> Result<Self> {
        for (i, definition) in metrics.iter().enumerate() {
            if metrics
                .iter()
                .take(i)
                .any(|d| d.metric == definition.metric)
            {
                return Err(Error::DuplicateMetric {
                    metric: definition.metric.clone(),
                });
            }
            if definition.start.is_empty() {
                return Err(Error::NoStartTrigger {
                    metric: definition.metric.clone(),
                });
            }
        }
        let too_large = || Error::ConfigTooLarge {
            policies: policies.len(),
            metrics: metrics.len(),
            max: Self::MAX_POLICY_METRIC_PAIRS,
        };
        let pairs = policies
            .len()
            .checked_mul(metrics.len())
            .filter(|pairs| *pairs <= Self::MAX_POLICY_METRIC_PAIRS)
            .ok_or_else(too_large)?;
        // At most 4 * 2^20 slots, so this and every slot index below fit.
        let mut table = vec![None; pairs * 4];
        let mut calendars = vec![Calendar::always()];
        for (p, policy) in policies.iter().enumerate() {
            if policies.iter().take(p).any(|q| q.name == policy.name) {
                return Err(Error::DuplicatePolicy {
                    policy: policy.name.clone(),
                });
            }
            for (t, (metric, priority, target)) in policy.targets.iter().enumerate() {
                let m = metrics
                    .iter()
                    .position(|d| d.metric == *metric)
                    .ok_or_else(|| Error::UnknownMetric {
                        policy: policy.name.clone(),
                        metric: metric.clone(),
                    })?;
                let slot = (p * metrics.len() + m) * 4 + priority.index();
                let calendar = match calendars.iter().position(|c| *c == target.calendar) {
                    Some(c) => c,
                    None => {
                        calendars.push(target.calendar.clone());
                        calendars.len() - 1
                    }
                };
                if let Some(entry) = table.get_mut(slot) {
                    *entry = u32::try_from(t).ok().zip(u32::try_from(calendar).ok());
                }
            }
        }
        Ok(Self {
            metrics,
            policies,
            table,
            calendars,
        })
    }

    /// The six standard metric definitions with `policies`.
    ///
    /// # Errors
    ///
    /// As [`SlaConfig::new`].
    ///
    /// ```
    /// use bureau_sla::SlaConfig;
    /// assert_eq!(SlaConfig::standard(Vec::new())?.policies().len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn standard(policies: Vec<SlaPolicy>) -> Result<Self> {
        let metrics = Metric::STANDARD
            .into_iter()
            .filter_map(MetricDefinition::standard)
            .collect();
        Self::new(metrics, policies)
    }

    /// The metric definitions, in order.
    ///
    /// ```
    /// use bureau_sla::{Metric, SlaConfig};
    /// let c = SlaConfig::standard(Vec::new())?;
    /// assert_eq!(c.metrics()[0].metric(), &Metric::FirstReply);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metrics(&self) -> &[MetricDefinition] {
        &self.metrics
    }

    /// The policies, in selection order.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaPolicy};
    /// let c = SlaConfig::standard(vec![SlaPolicy::new("a")])?;
    /// assert_eq!(c.policies()[0].name().as_str(), "a");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policies(&self) -> &[SlaPolicy] {
        &self.policies
    }

    /// The first policy whose conditions match `attributes`, if any.
    ///
    /// ```
    /// use bureau_sla::{Priority, SlaConfig, TicketAttributes};
    /// let c = SlaConfig::standard(Vec::new())?;
    /// assert!(c.select(&TicketAttributes::new(Priority::Low)).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn select(&self, attributes: &TicketAttributes) -> Option<&SlaPolicy> {
        self.select_index(attributes)
            .and_then(|i| self.policies.get(i))
    }

    /// The distinct calendars; index 0 is calendar hours.
    pub(crate) fn calendars(&self) -> &[Calendar] {
        &self.calendars
    }

    pub(crate) fn select_index(&self, attributes: &TicketAttributes) -> Option<usize> {
        self.policies.iter().position(|p| p.matches(attributes))
    }

    /// The target of the policy at `policy` for the metric at `metric`, with
    /// the index of its calendar in [`calendars`](Self::calendars).
    pub(crate) fn target(
        &self,
        policy: usize,
        metric: usize,
        priority: Priority,
    ) -> Option<(&Target, usize)> {
        // Checked: the indices come from this configuration, but a wrong one
        // should find no target rather than overflow.
        let slot = policy
            .checked_mul(self.metrics.len())?
            .checked_add(metric)?
            .checked_mul(4)?
            .checked_add(priority.index())?;
        let (t, calendar) = (*self.table.get(slot)?)?;
        let t = usize::try_from(t).ok()?;
        let calendar = usize::try_from(calendar).ok()?;
        let target = self
            .policies
            .get(policy)?
            .targets
            .get(t)
            .map(|(_, _, target)| target)?;
        Some((target, calendar))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SlaConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("SlaConfig", 2)?;
        s.serialize_field("metrics", &self.metrics)?;
        s.serialize_field("policies", &self.policies)?;
        s.end()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SlaConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Parts {
            metrics: Vec<MetricDefinition>,
            policies: Vec<SlaPolicy>,
        }
        let parts = Parts::deserialize(deserializer)?;
        SlaConfig::new(parts.metrics, parts.policies).map_err(serde::de::Error::custom)
    }
}
