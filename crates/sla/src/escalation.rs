//! Escalation rules and the escalations that fall due in a window of time.

use bureau_core::{TicketId, UserId};
use chrono::{DateTime, Utc};

use crate::evaluation::Evaluation;
use crate::{Error, Metric, Priority, Result, SlaRecord};

/// Which crossing of a cycle an escalation rule reacts to.
///
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Threshold {
    /// The warning share of the target has elapsed.
    Warning,
    /// The target has elapsed: the cycle is breached.
    Breach,
}

/// What to do when an escalation falls due. bureau-sla only says what; the
/// caller does it.
///
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Action {
    /// Tell someone.
    Notify {
        /// Who to tell.
        user: UserId,
    },
    /// Give the ticket to another agent.
    Reassign {
        /// The new assignee.
        to: UserId,
    },
    /// Raise the ticket's priority.
    RaisePriority {
        /// The priority to raise it to.
        to: Priority,
    },
}

/// When (metric, threshold, priority) happens, do `action`.
///
/// ```
/// use bureau_core::UserId;
/// use bureau_sla::{Action, EscalationRule, Metric, Priority, Threshold};
///
/// let rule = EscalationRule::new(Metric::FirstReply, Threshold::Breach, Action::Notify { user: UserId::from_u128(9) })
///     .with_priority(Priority::Urgent);
/// assert_eq!(rule.priority(), Some(Priority::Urgent));
/// assert_eq!(rule.threshold(), Threshold::Breach);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EscalationRule {
    metric: Metric,
    threshold: Threshold,
    priority: Option<Priority>,
    action: Action,
}

impl EscalationRule {
    /// A rule for cycles of `metric` crossing `threshold`, at any priority.
    ///
    /// ```
    /// use bureau_sla::{Action, EscalationRule, Metric, Priority, Threshold};
    /// let rule = EscalationRule::new(Metric::NextReply, Threshold::Warning, Action::RaisePriority { to: Priority::High });
    /// assert_eq!(rule.priority(), None);
    /// ```
    pub fn new(metric: Metric, threshold: Threshold, action: Action) -> Self {
        Self {
            metric,
            threshold,
            priority: None,
            action,
        }
    }

    /// This rule, limited to cycles measured at `priority`.
    ///
    /// ```
    /// use bureau_sla::{Action, EscalationRule, Metric, Priority, Threshold};
    /// let rule = EscalationRule::new(Metric::NextReply, Threshold::Warning, Action::RaisePriority { to: Priority::High })
    ///     .with_priority(Priority::Normal);
    /// assert_eq!(rule.priority(), Some(Priority::Normal));
    /// ```
    #[must_use]
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// The metric.
    ///
    /// ```
    /// use bureau_sla::{Action, EscalationRule, Metric, Priority, Threshold};
    /// let rule = EscalationRule::new(Metric::AgentWork, Threshold::Breach, Action::RaisePriority { to: Priority::High });
    /// assert_eq!(rule.metric(), &Metric::AgentWork);
    /// ```
    pub fn metric(&self) -> &Metric {
        &self.metric
    }

    /// The threshold.
    ///
    /// ```
    /// use bureau_sla::{Action, EscalationRule, Metric, Priority, Threshold};
    /// let rule = EscalationRule::new(Metric::AgentWork, Threshold::Breach, Action::RaisePriority { to: Priority::High });
    /// assert_eq!(rule.threshold(), Threshold::Breach);
    /// ```
    pub fn threshold(&self) -> Threshold {
        self.threshold
    }

    /// The priority the rule is limited to, `None` for any.
    ///
    /// ```
    /// use bureau_sla::{Action, EscalationRule, Metric, Priority, Threshold};
    /// let rule = EscalationRule::new(Metric::AgentWork, Threshold::Breach, Action::RaisePriority { to: Priority::High });
    /// assert!(rule.priority().is_none());
    /// ```
    pub fn priority(&self) -> Option<Priority> {
        self.priority
    }

    /// The action.
    ///
    /// ```
    /// use bureau_sla::{Action, EscalationRule, Metric, Priority, Threshold};
    /// let rule = EscalationRule::new(Metric::AgentWork, Threshold::Breach, Action::RaisePriority { to: Priority::High });
    /// assert_eq!(rule.action(), Action::RaisePriority { to: Priority::High });
    /// ```
    pub fn action(&self) -> Action {
        self.action
    }
}

/// An action that fell due: which rule, for which cycle, at which instant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Escalation<'r> {
    /// The ticket.
    pub ticket: TicketId,
    /// Position of the rule in the rules given.
    pub rule: usize,
    /// The metric of the cycle.
    pub metric: &'r Metric,
    /// The threshold crossed.
    pub threshold: Threshold,
    /// The start of the cycle that crossed it (identifies the cycle).
    pub cycle_start: DateTime<Utc>,
    /// When the escalation fell due.
    pub at: DateTime<Utc>,
    /// What to do.
    pub action: Action,
}

impl SlaRecord<'_> {
    /// The escalations of this record that fall due in the window
    /// `[since, now)`, ordered by instant, then rule.
    ///
    /// A threshold crossing falls due at its instant, or when the policy and
    /// priority that produced it took effect if that is later (a priority
    /// change that puts a running cycle past its new due instant escalates at
    /// the change). A crossing counts only if it happened strictly before the
    /// cycle stopped, consistent with "achieved when stopped at or before the
    /// due instant". Windows are half-open, so for a history without
    /// re-targeting, calls over adjacent windows `[a, b)`, `[b, c)` return
    /// each escalation exactly once, as long as each call sees every event up
    /// to its `now`. A re-target is a new target: its crossings fall due
    /// again. Deleting a ticket drops its open cycles, and the escalations
    /// they had not yet produced.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWindow`] when `now < since`, and the errors of
    /// [`SlaRecord::evaluate`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_core::{TicketId, UserId};
    /// use bureau_sla::{
    ///     Action, EscalationRule, EventKind, Metric, Opener, Priority, SlaConfig, SlaPolicy,
    ///     SlaRecord, Target, Threshold, TicketAttributes, TicketEvent,
    /// };
    /// use chrono::{TimeDelta, TimeZone, Utc};
    ///
    /// let config = SlaConfig::standard(vec![SlaPolicy::new("default")
    ///     .with_target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(1))?)])?;
    /// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("instant")?;
    /// let record = SlaRecord::from_history(&config, &[TicketEvent::new(t0, EventKind::Created {
    ///     ticket: TicketId::from_u128(1),
    ///     opened_by: Opener::Customer,
    ///     attributes: TicketAttributes::new(Priority::Normal),
    /// })])?;
    /// let rules = [
    ///     EscalationRule::new(Metric::FirstReply, Threshold::Warning, Action::Notify { user: UserId::from_u128(2) }),
    ///     EscalationRule::new(Metric::FirstReply, Threshold::Breach, Action::RaisePriority { to: Priority::High }),
    /// ];
    /// let first = record.escalations(&rules, t0, t0 + TimeDelta::minutes(50))?;
    /// assert_eq!(first.len(), 1);
    /// assert_eq!(first[0].at, t0 + TimeDelta::minutes(45));
    /// let second = record.escalations(&rules, t0 + TimeDelta::minutes(50), t0 + TimeDelta::hours(2))?;
    /// assert_eq!(second.len(), 1);
    /// assert_eq!(second[0].action, Action::RaisePriority { to: Priority::High });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn escalations<'r>(
        &self,
        rules: &'r [EscalationRule],
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Escalation<'r>>> {
        if now < since {
            return Err(Error::InvalidWindow { since, now });
        }
        self.evaluate(now)?.escalations(rules, since)
    }
}

impl Evaluation<'_> {
    /// The escalations of this evaluation that fall due in
    /// `[since, self.now)`, as [`SlaRecord::escalations`] computes them; for
    /// sweeps over many tickets evaluated with [`SlaRecord::evaluate_with`]
    /// and a shared cache.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWindow`] when the evaluation's `now` is before `since`.
    ///
    /// ```
    /// use bureau_core::{TicketId, UserId};
    /// use bureau_sla::{
    ///     Action, EscalationRule, EventKind, Metric, Opener, Priority, SlaConfig, SlaPolicy,
    ///     SlaRecord, Target, Threshold, TicketAttributes, TicketEvent, WorkingTimeCache,
    /// };
    /// use chrono::{TimeDelta, TimeZone, Utc};
    ///
    /// let config = SlaConfig::standard(vec![SlaPolicy::new("default")
    ///     .with_target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(1))?)])?;
    /// let rules = [EscalationRule::new(Metric::FirstReply, Threshold::Breach, Action::Notify { user: UserId::from_u128(1) })];
    /// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("instant")?;
    /// let mut cache = WorkingTimeCache::new();
    /// let record = SlaRecord::from_history(&config, &[TicketEvent::new(t0, EventKind::Created {
    ///     ticket: TicketId::from_u128(1),
    ///     opened_by: Opener::Customer,
    ///     attributes: TicketAttributes::new(Priority::Normal),
    /// })])?;
    /// let evaluation = record.evaluate_with(t0 + TimeDelta::hours(2), &mut cache)?;
    /// let due = evaluation.escalations(&rules, t0)?;
    /// assert_eq!(due.len(), 1);
    /// assert_eq!(due[0].at, t0 + TimeDelta::hours(1));
    /// assert!(evaluation.escalations(&rules, t0 + TimeDelta::hours(3)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn escalations<'r>(
        &self,
        rules: &'r [EscalationRule],
        since: DateTime<Utc>,
    ) -> Result<Vec<Escalation<'r>>> {
        let now = self.now;
        if now < since {
            return Err(Error::InvalidWindow { since, now });
        }
        let mut due = Vec::new();
        collect(self, rules, since, now, &mut due);
        due.sort_by_key(|e| (e.at, e.rule, e.cycle_start));
        Ok(due)
    }
}

/// One crossing of one cycle.
struct Crossing {
    threshold: Threshold,
    cycle_start: DateTime<Utc>,
    at: DateTime<Utc>,
    priority: Priority,
}

fn collect<'r>(
    evaluation: &Evaluation<'_>,
    rules: &'r [EscalationRule],
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    due: &mut Vec<Escalation<'r>>,
) {
    let Some(ticket) = evaluation.ticket else {
        return;
    };
    for metric in &evaluation.metrics {
        // (warning, breach, cycle start, priority, targeted at) per cycle.
        let completed = metric.completed.iter().map(|cycle| {
            let breach = match cycle.outcome {
                crate::Outcome::Breached { at } => Some(at),
                _ => None,
            };
            let when = (cycle.start, cycle.priority, cycle.targeted_at);
            (cycle.warned_at, breach, when)
        });
        let ongoing = metric.ongoing.iter().map(|cycle| {
            let warned = cycle.warning_at.filter(|at| *at < now);
            let when = (cycle.start, cycle.priority, cycle.targeted_at);
            (warned, cycle.breached_since, when)
        });
        let mut crossings = Vec::new();
        for (warned, breached, (cycle_start, priority, targeted_at)) in completed.chain(ongoing) {
            for (threshold, at) in [(Threshold::Warning, warned), (Threshold::Breach, breached)] {
                if let Some(at) = at {
                    crossings.push(Crossing {
                        threshold,
                        cycle_start,
                        at: at.max(targeted_at),
                        priority,
                    });
                }
            }
        }
        for crossing in crossings {
            if crossing.at < since || crossing.at >= now {
                continue;
            }
            for (index, rule) in rules.iter().enumerate() {
                if rule.metric == *metric.metric
                    && rule.threshold == crossing.threshold
                    && rule.priority.is_none_or(|p| p == crossing.priority)
                {
                    due.push(Escalation {
                        ticket,
                        rule: index,
                        metric: &rule.metric,
                        threshold: crossing.threshold,
                        cycle_start: crossing.cycle_start,
                        at: crossing.at,
                        action: rule.action,
                    });
                }
            }
        }
    }
}
