//! A ticket's SLA record: the incremental evaluator, fed one event at a time.

use bureau_core::{Aggregate, TicketId, UserId};
use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::{self, Hours, Segments, WorkingTimeCache};
use crate::evaluation::{
    ClockState, CompletedCycle, Evaluation, MetricEvaluation, OngoingCycle, Outcome,
    PolicySelection,
};
use crate::history::Lifecycle;
use crate::metric::{Happening, MetricDefinition, Occurrence, Recurrence};
use crate::ticket::{EventKind, Priority, Status, TicketEvent};
use crate::{Error, Result};
use crate::{Metric, SlaConfig, Target};

/// The policy and priority a ticket is measured under, from an instant on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Selection {
    /// When the policy or the priority last changed.
    since: DateTime<Utc>,
    policy: Option<usize>,
    priority: Priority,
    assignee: Option<UserId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Running {
    start: DateTime<Utc>,
    /// Index of the timeline entry in force at `start`.
    mark: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Clock {
    running: Option<Running>,
    started: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Finished {
    metric: usize,
    start: DateTime<Utc>,
    stop: DateTime<Utc>,
    mark: usize,
    /// Index into the selections: the one in force at `stop`.
    selection: usize,
}

/// A ticket's SLA record: the state of every metric's clock, fed the ticket's
/// events one at a time.
///
/// Recording an event validates it against the history so far and moves the
/// clocks; it never consults a calendar and allocates only when the status
/// timeline, the list of finished cycles or the list of policy selections
/// grows. [`evaluate`](SlaRecord::evaluate) does the working-time arithmetic
/// for a given `now`. Because the record is a fold of the events, recording a
/// prefix of a history and then the rest gives the same record, and so the
/// same evaluation, as recording the whole.
///
/// The record is a [`bureau_core::Aggregate`]: the command is
/// [`SlaCommand::Record`], the events are the [`TicketEvent`]s themselves, so
/// a stored history replays into the same record.
///
/// # Examples
///
/// ```
/// use bureau_core::{TicketId, UserId};
/// use bureau_sla::{
///     ClockState, EventKind, Metric, Opener, Outcome, Priority, SlaConfig, SlaPolicy, SlaRecord,
///     Target, TicketAttributes, TicketEvent,
/// };
/// use chrono::{TimeDelta, TimeZone, Utc};
///
/// let config = SlaConfig::standard(vec![SlaPolicy::new("default")
///     .with_target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(1))?)
///     .with_target(Metric::TotalResolution, Priority::Normal, Target::calendar_hours(TimeDelta::hours(8))?)])?;
/// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("instant")?;
/// let mut record = SlaRecord::new(&config);
/// record.record(&TicketEvent::new(t0, EventKind::Created {
///     ticket: TicketId::from_u128(1),
///     opened_by: Opener::Customer,
///     attributes: TicketAttributes::new(Priority::Normal),
/// }))?;
/// record.record(&TicketEvent::new(
///     t0 + TimeDelta::minutes(90),
///     EventKind::PublicReply { agent: UserId::from_u128(7) },
/// ))?;
///
/// let evaluation = record.evaluate(t0 + TimeDelta::hours(2))?;
/// let first = evaluation.metric(&Metric::FirstReply).ok_or("metric")?;
/// assert_eq!(first.completed[0].elapsed, TimeDelta::minutes(90));
/// assert_eq!(first.completed[0].outcome, Outcome::Breached { at: t0 + TimeDelta::hours(1) });
/// let resolution = evaluation.metric(&Metric::TotalResolution).ok_or("metric")?;
/// let ongoing = resolution.ongoing.as_ref().ok_or("running")?;
/// assert_eq!(ongoing.state, ClockState::Running);
/// assert_eq!(ongoing.due, Some(t0 + TimeDelta::hours(8)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SlaRecord<'c> {
    config: &'c SlaConfig,
    lifecycle: Lifecycle,
    replied: bool,
    selections: Vec<Selection>,
    timeline: Vec<(DateTime<Utc>, Status)>,
    clocks: Vec<Clock>,
    finished: Vec<Finished>,
}

/// What a caller asks of an [`SlaRecord`].
///
/// ```
/// use bureau_sla::{EventKind, SlaCommand, TicketEvent};
/// use chrono::DateTime;
/// let command = SlaCommand::Record(TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::Deleted));
/// assert!(matches!(command, SlaCommand::Record(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlaCommand {
    /// Record the next event of the ticket's history.
    Record(TicketEvent),
}

impl<'c> SlaRecord<'c> {
    /// An empty record measured under `config`; its first event must be
    /// [`EventKind::Created`].
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// let record = SlaRecord::new(&config);
    /// assert_eq!(record.ticket(), None);
    /// assert_eq!(record.len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(config: &'c SlaConfig) -> Self {
        Self {
            config,
            lifecycle: Lifecycle::default(),
            replied: false,
            selections: Vec::new(),
            timeline: Vec::new(),
            clocks: vec![Clock::default(); config.metrics().len()],
            finished: Vec::new(),
        }
    }

    /// A record of the whole `history`.
    ///
    /// # Errors
    ///
    /// The first event [`record`](SlaRecord::record) rejects.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert_eq!(SlaRecord::from_history(&config, &[])?.len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_history<'e>(
        config: &'c SlaConfig,
        history: impl IntoIterator<Item = &'e TicketEvent>,
    ) -> Result<Self> {
        let mut record = Self::new(config);
        for event in history {
            record.record(event)?;
        }
        Ok(record)
    }

    /// The configuration the record is measured under.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert_eq!(SlaRecord::new(&config).config().metrics().len(), 6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn config(&self) -> &'c SlaConfig {
        self.config
    }

    /// The ticket, once created.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert!(SlaRecord::new(&config).ticket().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ticket(&self) -> Option<TicketId> {
        self.lifecycle.ticket
    }

    /// The number of events recorded.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert_eq!(SlaRecord::new(&config).len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn len(&self) -> usize {
        self.lifecycle.events
    }

    /// Whether no event has been recorded.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert!(SlaRecord::new(&config).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.lifecycle.events == 0
    }

    /// The ticket's current status ([`Status::New`] before creation).
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord, Status};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert_eq!(SlaRecord::new(&config).status(), Status::New);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(&self) -> Status {
        self.lifecycle.status
    }

    /// The ticket's current priority, once created.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert!(SlaRecord::new(&config).priority().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn priority(&self) -> Option<Priority> {
        self.selections.last().map(|s| s.priority)
    }

    /// Checks `event` as the next event of the history without recording it.
    ///
    /// # Errors
    ///
    /// [`Error::NotCreated`], [`Error::AlreadyCreated`], [`Error::OutOfOrder`],
    /// [`Error::Deleted`], [`Error::Closed`], [`Error::InvalidTransition`] or
    /// [`Error::MergedIntoItself`], each naming the event's index and kind.
    ///
    /// ```
    /// use bureau_sla::{EventKind, SlaConfig, SlaRecord, TicketEvent};
    /// use chrono::DateTime;
    /// let config = SlaConfig::standard(Vec::new())?;
    /// let record = SlaRecord::new(&config);
    /// assert!(record.check(&TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::Deleted)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, event: &TicketEvent) -> Result<()> {
        self.lifecycle.check(event)
    }

    /// Records `event` as the next event of the history.
    ///
    /// # Errors
    ///
    /// As [`check`](SlaRecord::check); a rejected event leaves the record
    /// unchanged.
    ///
    /// ```
    /// use bureau_core::TicketId;
    /// use bureau_sla::{EventKind, Opener, Priority, SlaConfig, SlaRecord, Status, TicketAttributes, TicketEvent};
    /// use chrono::{DateTime, TimeDelta};
    ///
    /// let config = SlaConfig::standard(Vec::new())?;
    /// let mut record = SlaRecord::new(&config);
    /// let t0 = DateTime::UNIX_EPOCH;
    /// record.record(&TicketEvent::new(t0, EventKind::Created {
    ///     ticket: TicketId::from_u128(1),
    ///     opened_by: Opener::Customer,
    ///     attributes: TicketAttributes::new(Priority::Low),
    /// }))?;
    /// record.record(&TicketEvent::new(t0, EventKind::StatusChanged { to: Status::Solved }))?;
    /// let late = TicketEvent::new(t0 - TimeDelta::seconds(1), EventKind::CustomerMessage);
    /// assert_eq!(
    ///     record.record(&late).unwrap_err().to_string(),
    ///     "event 2 (customer_message) at 1969-12-31 23:59:59 UTC is earlier than the previous event at 1970-01-01 00:00:00 UTC",
    /// );
    /// assert_eq!(record.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record(&mut self, event: &TicketEvent) -> Result<()> {
        self.check(event)?;
        self.apply_checked(event);
        Ok(())
    }

    /// Folds an event that [`check`](SlaRecord::check) accepted.
    fn apply_checked(&mut self, event: &TicketEvent) {
        let at = event.at();
        let before = self.lifecycle.status;
        self.lifecycle.apply(event);
        let after = self.lifecycle.status;
        let what = match event.kind() {
            EventKind::Created { attributes, .. } => {
                self.timeline.push((at, Status::New));
                self.selections.push(Selection {
                    since: at,
                    policy: self.config.select_index(attributes),
                    priority: attributes.priority(),
                    assignee: attributes.assignee(),
                });
                Happening::Created
            }
            EventKind::StatusChanged { .. } | EventKind::Merged { .. } => {
                if after != before {
                    self.timeline.push((at, after));
                }
                Happening::StatusChange
            }
            EventKind::PublicReply { .. } => Happening::PublicReply,
            EventKind::PrivateNote { .. } => Happening::PrivateNote,
            EventKind::CustomerMessage => Happening::CustomerMessage,
            EventKind::AttributesChanged { attributes } => {
                self.reselect(at, attributes);
                Happening::Other
            }
            EventKind::Deleted => {
                for clock in &mut self.clocks {
                    clock.running = None;
                }
                Happening::Other
            }
        };
        let occurrence = Occurrence {
            what,
            before,
            after,
            replied_before: self.replied,
        };
        if what != Happening::Other {
            self.run_clocks(at, &occurrence);
        }
        if what == Happening::PublicReply {
            self.replied = true;
        }
    }

    fn reselect(&mut self, at: DateTime<Utc>, attributes: &crate::TicketAttributes) {
        let policy = self.config.select_index(attributes);
        let priority = attributes.priority();
        let assignee = attributes.assignee();
        let Some(current) = self.selections.last().copied() else {
            return;
        };
        if current.policy == policy && current.priority == priority {
            if current.assignee != assignee {
                self.selections.push(Selection {
                    assignee,
                    ..current
                });
            }
            return;
        }
        self.selections.push(Selection {
            since: at,
            policy,
            priority,
            assignee,
        });
    }

    fn run_clocks(&mut self, at: DateTime<Utc>, occurrence: &Occurrence) {
        let mark = self.timeline.len().saturating_sub(1);
        let selection = self.selections.len().saturating_sub(1);
        let resolved = self.lifecycle.status.is_resolved();
        for (metric, (definition, clock)) in self
            .config
            .metrics()
            .iter()
            .zip(self.clocks.iter_mut())
            .enumerate()
        {
            if let Some(running) = clock.running
                && definition.stops(occurrence)
            {
                self.finished.push(Finished {
                    metric,
                    start: running.start,
                    stop: at,
                    mark: running.mark,
                    selection,
                });
                clock.running = None;
            }
            if clock.running.is_none()
                && !resolved
                && !(definition.recurrence() == Recurrence::Once && clock.started)
                && definition.starts(occurrence)
            {
                clock.running = Some(Running { start: at, mark });
                clock.started = true;
            }
        }
    }

    /// Every metric's cycles as of `now`: the completed ones with their
    /// outcome, and the one running or paused.
    ///
    /// A completed cycle is measured against the target in force when it
    /// stopped; a running or paused cycle against the current policy and
    /// priority, from its own start, so a priority change re-targets it. A
    /// cycle with no target is still reported, its elapsed time counted in
    /// calendar hours.
    ///
    /// # Errors
    ///
    /// [`Error::NowBeforeLastEvent`] when `now` is before the last recorded
    /// event; [`Error::Calendar`] when working-time arithmetic fails.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord};
    /// use chrono::DateTime;
    /// let config = SlaConfig::standard(Vec::new())?;
    /// let evaluation = SlaRecord::new(&config).evaluate(DateTime::UNIX_EPOCH)?;
    /// assert!(evaluation.ticket.is_none());
    /// assert!(evaluation.metrics.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, now: DateTime<Utc>) -> Result<Evaluation<'c>> {
        self.evaluate_inner(now, None)
    }

    /// The same evaluation as [`evaluate`](SlaRecord::evaluate), reading the
    /// calendars' working intervals through `cache`: the way to evaluate many
    /// tickets in a row.
    ///
    /// # Errors
    ///
    /// As [`evaluate`](SlaRecord::evaluate).
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaRecord, WorkingTimeCache};
    /// use chrono::DateTime;
    /// let config = SlaConfig::standard(Vec::new())?;
    /// let mut cache = WorkingTimeCache::new();
    /// let evaluation = SlaRecord::new(&config).evaluate_with(DateTime::UNIX_EPOCH, &mut cache)?;
    /// assert!(evaluation.metrics.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_with(
        &self,
        now: DateTime<Utc>,
        cache: &mut WorkingTimeCache,
    ) -> Result<Evaluation<'c>> {
        cache.bind(self.config.calendars());
        self.evaluate_inner(now, Some(cache))
    }

    /// The due instant of the ongoing cycle of `metric` at `now`: the
    /// earliest instant at which its working time reaches the target in
    /// force, with every pause so far counted out. The same as
    /// `evaluate(now)`'s [`OngoingCycle::due`](crate::OngoingCycle::due) for
    /// the metric. `None` when the metric has no definition, no cycle is
    /// open, no target applies, or the clock is paused before reaching it.
    ///
    /// # Errors
    ///
    /// As [`evaluate`](SlaRecord::evaluate).
    ///
    /// ```
    /// use bureau_core::TicketId;
    /// use bureau_sla::{
    ///     EventKind, Metric, Opener, Priority, SlaConfig, SlaPolicy, SlaRecord, Status, Target,
    ///     TicketAttributes, TicketEvent,
    /// };
    /// use chrono::{TimeDelta, TimeZone, Utc};
    ///
    /// let config = SlaConfig::standard(vec![SlaPolicy::new("default").with_target(
    ///     Metric::RequesterWait,
    ///     Priority::Normal,
    ///     Target::calendar_hours(TimeDelta::hours(8))?,
    /// )])?;
    /// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("instant")?;
    /// let at = |hours| t0 + TimeDelta::hours(hours);
    /// let mut record = SlaRecord::new(&config);
    /// record.record(&TicketEvent::new(t0, EventKind::Created {
    ///     ticket: TicketId::from_u128(1),
    ///     opened_by: Opener::Customer,
    ///     attributes: TicketAttributes::new(Priority::Normal),
    /// }))?;
    /// assert_eq!(record.due(&Metric::RequesterWait, at(1))?, Some(at(8)));
    ///
    /// // Two hours pending on the customer move it two hours later.
    /// record.record(&TicketEvent::new(at(1), EventKind::StatusChanged { to: Status::Pending }))?;
    /// assert_eq!(record.due(&Metric::RequesterWait, at(2))?, None);
    /// record.record(&TicketEvent::new(at(3), EventKind::StatusChanged { to: Status::Open }))?;
    /// assert_eq!(record.due(&Metric::RequesterWait, at(3))?, Some(at(10)));
    /// assert_eq!(record.due(&Metric::FirstReply, at(3))?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due(&self, metric: &Metric, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let evaluation = self.evaluate(now)?;
        Ok(evaluation
            .metric(metric)
            .and_then(|m| m.ongoing.as_ref())
            .and_then(|cycle| cycle.due))
    }

    fn evaluate_inner(
        &self,
        now: DateTime<Utc>,
        mut cache: Option<&mut WorkingTimeCache>,
    ) -> Result<Evaluation<'c>> {
        if let Some(last) = self.lifecycle.last_at
            && now < last
        {
            return Err(Error::NowBeforeLastEvent { now, last });
        }
        let Some(current) = self.selections.last() else {
            return Ok(Evaluation {
                ticket: self.lifecycle.ticket,
                now,
                status: None,
                priority: None,
                assignee: None,
                policy: None,
                selections: Vec::new(),
                metrics: Vec::new(),
            });
        };
        let mut metrics = Vec::with_capacity(self.clocks.len());
        for (index, (definition, clock)) in
            self.config.metrics().iter().zip(&self.clocks).enumerate()
        {
            let mut completed = Vec::new();
            for finished in self.finished.iter().filter(|f| f.metric == index) {
                completed.push(self.completed(
                    (index, definition),
                    finished,
                    cache.as_deref_mut(),
                )?);
            }
            let ongoing = match clock.running {
                Some(running) => Some(self.ongoing(
                    (index, definition),
                    running,
                    current,
                    now,
                    cache.as_deref_mut(),
                )?),
                None => None,
            };
            metrics.push(MetricEvaluation {
                metric: definition.metric(),
                completed,
                ongoing,
            });
        }
        Ok(Evaluation {
            ticket: self.lifecycle.ticket,
            now,
            status: Some(self.lifecycle.status),
            priority: Some(current.priority),
            assignee: current.assignee,
            policy: self.policy_name(current),
            selections: self.policy_history(),
            metrics,
        })
    }

    fn policy_name(&self, selection: &Selection) -> Option<&'c crate::PolicyName> {
        let config: &'c SlaConfig = self.config;
        selection
            .policy
            .and_then(|p| config.policies().get(p))
            .map(|p| p.name())
    }

    fn policy_history(&self) -> Vec<PolicySelection<'c>> {
        let mut history: Vec<PolicySelection<'c>> = Vec::with_capacity(self.selections.len());
        for selection in &self.selections {
            let entry = PolicySelection {
                at: selection.since,
                policy: self.policy_name(selection),
                priority: selection.priority,
            };
            if history.last() != Some(&entry) {
                history.push(entry);
            }
        }
        history
    }

    fn target(&self, metric: usize, selection: &Selection) -> Option<(&'c Target, usize)> {
        let config: &'c SlaConfig = self.config;
        selection
            .policy
            .and_then(|p| config.target_at(p, metric, selection.priority))
    }

    /// Working-time arithmetic on the calendar at `calendar` (0: calendar hours).
    fn hours<'a>(&'a self, calendar: usize, cache: Option<&'a mut WorkingTimeCache>) -> Hours<'a> {
        match (calendar, self.config.calendars().get(calendar)) {
            (0, _) | (_, None) => Hours::Always,
            (_, Some(c)) => match cache.and_then(|cache| cache.table(calendar)) {
                Some(table) => Hours::Cached(c, table),
                None => Hours::Direct(c),
            },
        }
    }

    fn segments(
        &self,
        definition: &MetricDefinition,
        mark: usize,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Segments<'_> {
        let paused = definition.pause_statuses();
        Segments::new(&self.timeline, mark, start, end, paused)
    }

    fn measure(
        definition: &MetricDefinition,
        target: Option<&Target>,
        hours: &mut Hours<'_>,
        segments: Segments<'_>,
    ) -> Result<clock::Measure> {
        let thresholds = match target {
            Some(t) => [Some(t.warning_after()), Some(t.duration())],
            None => [None, None],
        };
        clock::measure(hours, segments, thresholds)
            .map_err(|source| calendar_error(definition, source))
    }

    fn completed(
        &self,
        (metric, definition): (usize, &MetricDefinition),
        finished: &Finished,
        cache: Option<&mut WorkingTimeCache>,
    ) -> Result<CompletedCycle<'c>> {
        let selection = self
            .selections
            .get(finished.selection)
            .copied()
            .unwrap_or(Selection {
                since: finished.start,
                policy: None,
                priority: Priority::Normal,
                assignee: None,
            });
        let targeted = self.target(metric, &selection);
        let target = targeted.map(|(t, _)| t);
        let mut hours = self.hours(targeted.map_or(0, |(_, c)| c), cache);
        let segments = self.segments(definition, finished.mark, finished.start, finished.stop);
        let measure = Self::measure(definition, target, &mut hours, segments)?;
        let [warning, due] = measure.crossed;
        let before_stop = |at: Option<DateTime<Utc>>| at.filter(|at| *at < finished.stop);
        let outcome = match (target, before_stop(due)) {
            (None, _) => Outcome::Untargeted,
            (Some(_), Some(at)) => Outcome::Breached { at },
            (Some(_), None) => Outcome::Achieved,
        };
        Ok(CompletedCycle {
            start: finished.start,
            stop: finished.stop,
            elapsed: measure.elapsed,
            target: target.map(Target::duration),
            warned_at: before_stop(warning),
            outcome,
            policy: self.policy_name(&selection),
            priority: selection.priority,
            targeted_at: selection.since,
        })
    }

    fn ongoing(
        &self,
        (metric, definition): (usize, &MetricDefinition),
        running: Running,
        selection: &Selection,
        now: DateTime<Utc>,
        cache: Option<&mut WorkingTimeCache>,
    ) -> Result<OngoingCycle<'c>> {
        let targeted = self.target(metric, selection);
        let target = targeted.map(|(t, _)| t);
        let mut hours = self.hours(targeted.map_or(0, |(_, c)| c), cache);
        let segments = self.segments(definition, running.mark, running.start, now);
        let measure = Self::measure(definition, target, &mut hours, segments)?;
        let paused = definition.pause_statuses().contains(self.lifecycle.status);
        let state = if paused {
            ClockState::Paused
        } else {
            ClockState::Running
        };
        // Not crossed yet: a running clock crosses after `now`, once the
        // remaining working time has passed; a paused one has no date yet.
        // Targets are at most ten years and `elapsed` is below 2^44 s (see
        // `clock::measure`), so the differences here and below cannot overflow.
        let mut project = |crossed: Option<DateTime<Utc>>, threshold: TimeDelta| match crossed {
            Some(at) => Ok(Some(at)),
            None if paused => Ok(None),
            None => hours
                .add(now, threshold - measure.elapsed)
                .map(Some)
                .map_err(|e| calendar_error(definition, e)),
        };
        let (due, warning_at) = match target {
            Some(t) => {
                let [warning, due] = measure.crossed;
                let due = project(due, t.duration())?;
                let warning = project(warning, t.warning_after())?;
                (due, warning)
            }
            None => (None, None),
        };
        Ok(OngoingCycle {
            start: running.start,
            state,
            elapsed: measure.elapsed,
            target: target.map(Target::duration),
            remaining: target.map(|t| t.duration() - measure.elapsed),
            due,
            warning_at,
            breached_since: due.filter(|at| *at < now),
            policy: self.policy_name(selection),
            priority: selection.priority,
            targeted_at: selection.since,
        })
    }
}

fn calendar_error(definition: &MetricDefinition, source: bureau_calendar::Error) -> Error {
    Error::Calendar {
        metric: definition.metric().clone(),
        source,
    }
}

impl Aggregate for SlaRecord<'_> {
    type Command = SlaCommand;
    type Event = TicketEvent;
    type Error = Error;

    /// Accepts the event if it validly continues the history.
    fn decide(&self, command: &SlaCommand) -> Result<Vec<TicketEvent>> {
        self.lifecycle.decide(command)
    }

    /// Folds the event in; one `decide` would have rejected (never the case
    /// for a history this record produced) is ignored.
    fn apply(&mut self, event: &TicketEvent) {
        if self.check(event).is_ok() {
            self.apply_checked(event);
        }
    }

    /// Checks a stored event as [`record`](SlaRecord::record) does and folds
    /// it in, or returns why it does not continue the history (nothing
    /// changes then).
    fn replay(&mut self, event: &TicketEvent) -> Result<()> {
        self.record(event)
    }
}
