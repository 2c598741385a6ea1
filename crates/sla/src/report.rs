//! Adherence reports over evaluated tickets.

use bureau_core::{Decimal, FiscalCalendar, Granularity, Percent, Period, UserId};
use chrono::{DateTime, TimeDelta, Utc};

use crate::evaluation::Evaluation;
use crate::{Error, Metric, Outcome, PolicyName, Priority, Result};

/// How to group an adherence report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GroupBy {
    /// By the policy a cycle was measured under.
    Policy,
    /// By the priority a cycle was measured at.
    Priority,
    /// By metric.
    Metric,
    /// By the ticket's assignee at evaluation.
    Agent,
    /// By the calendar month, quarter or year (UTC) in which a cycle stopped,
    /// or, for a breached cycle still open, in which it was breached.
    Period(Granularity),
}

/// The value a report row is grouped on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum GroupKey<'c> {
    /// A policy; `None` for cycles no policy applied to.
    Policy(Option<&'c PolicyName>),
    /// A priority.
    Priority(Priority),
    /// A metric.
    Metric(&'c Metric),
    /// An agent; `None` for unassigned tickets.
    Agent(Option<UserId>),
    /// A calendar period.
    Period(Period),
}

/// The median and 90th percentile of a set of durations, nearest-rank.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct DurationStats {
    /// How many durations.
    pub count: usize,
    /// The 50th percentile, `None` when empty.
    pub median: Option<TimeDelta>,
    /// The 90th percentile, `None` when empty.
    pub p90: Option<TimeDelta>,
}

impl DurationStats {
    /// The statistics of `durations` (in any order).
    ///
    /// ```
    /// use bureau_sla::DurationStats;
    /// use chrono::TimeDelta;
    /// let minutes: Vec<TimeDelta> = (1..=10).map(TimeDelta::minutes).collect();
    /// let stats = DurationStats::of(minutes);
    /// assert_eq!(stats.median, Some(TimeDelta::minutes(5)));
    /// assert_eq!(stats.p90, Some(TimeDelta::minutes(9)));
    /// ```
    pub fn of(mut durations: Vec<TimeDelta>) -> Self {
        durations.sort_unstable();
        Self {
            count: durations.len(),
            median: nearest_rank(&durations, 50),
            p90: nearest_rank(&durations, 90),
        }
    }
}

/// The `percentile`th percentile of `sorted` by the nearest-rank method: the
/// smallest value such that at least `percentile`% of the values are at or
/// below it, i.e. the value at rank `ceil(percentile * n / 100)` (at least 1).
/// Integer arithmetic only; `None` for an empty slice, and percentiles above
/// 100 are read as 100.
///
/// ```
/// use bureau_sla::nearest_rank;
/// let values = [15, 20, 35, 40, 50];
/// assert_eq!(nearest_rank(&values, 30), Some(20));
/// assert_eq!(nearest_rank(&values, 50), Some(35));
/// assert_eq!(nearest_rank(&values, 100), Some(50));
/// assert_eq!(nearest_rank(&values, 0), Some(15));
/// assert_eq!(nearest_rank::<u32>(&[], 50), None);
/// ```
pub fn nearest_rank<T: Copy>(sorted: &[T], percentile: u32) -> Option<T> {
    let n = sorted.len();
    let p = usize::try_from(percentile.min(100)).ok()?;
    // ceil(p * n / 100) without forming p * n, which overflows for a slice of
    // more than usize::MAX / 100 elements (a slice of `()` can be that long):
    // with n = 100 q + r it is p q + ceil(p r / 100), each term at most n.
    let (q, r) = (n / 100, n % 100);
    let rank = p
        .checked_mul(q)?
        .checked_add(p.checked_mul(r)?.div_ceil(100))?
        .max(1);
    sorted.get(rank.checked_sub(1)?).copied()
}

/// One row of an adherence report.
///
/// Achieved and breached count completed cycles with a target, plus cycles
/// still open that are already breached. `achieved_percent` is
/// `achieved / (achieved + breached)`, computed in decimal and rounded to at
/// most two places (midpoint to even); `None` when nothing was measured. The duration
/// statistics are the working time of the group's completed first reply and
/// total resolution cycles.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct AdherenceRow<'c> {
    /// The group.
    pub key: GroupKey<'c>,
    /// Cycles that met their target.
    pub achieved: u64,
    /// Cycles that missed it.
    pub breached: u64,
    /// Share achieved.
    pub achieved_percent: Option<Percent>,
    /// Time to first reply.
    pub first_reply: DurationStats,
    /// Time to resolution.
    pub resolution: DurationStats,
}

/// Adherence over `evaluations`, one row per group, rows ordered by key.
///
/// # Errors
///
/// [`Error::Core`] if a date lies outside the periods bureau-core supports
/// (only with [`GroupBy::Period`]).
///
/// # Examples
///
/// ```
/// use bureau_core::TicketId;
/// use bureau_sla::{
///     adherence, EventKind, GroupBy, GroupKey, Metric, Opener, Priority, SlaConfig, SlaPolicy,
///     SlaRecord, Target, TicketAttributes, TicketEvent,
/// };
/// use chrono::{TimeDelta, TimeZone, Utc};
///
/// let config = SlaConfig::standard(vec![SlaPolicy::new("default")
///     .with_target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(1))?)])?;
/// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("instant")?;
/// let mut evaluations = Vec::new();
/// for (n, minutes) in [(1_u128, 30), (2, 90)] {
///     let created = TicketEvent::new(t0, EventKind::Created {
///         ticket: TicketId::from_u128(n),
///         opened_by: Opener::Customer,
///         attributes: TicketAttributes::new(Priority::Normal),
///     });
///     let reply = TicketEvent::new(t0 + TimeDelta::minutes(minutes), EventKind::PublicReply {
///         agent: bureau_core::UserId::from_u128(7),
///     });
///     evaluations.push(SlaRecord::from_history(&config, [&created, &reply])?.evaluate(t0 + TimeDelta::hours(3))?);
/// }
/// let rows = adherence(&evaluations, GroupBy::Metric)?;
/// let first = rows.iter().find(|r| r.key == GroupKey::Metric(&Metric::FirstReply)).ok_or("row")?;
/// assert_eq!((first.achieved, first.breached), (1, 1));
/// assert_eq!(first.achieved_percent.map(|p| p.to_string()), Some("50%".to_owned()));
/// assert_eq!(first.first_reply.median, Some(TimeDelta::minutes(30)));
/// assert_eq!(first.first_reply.p90, Some(TimeDelta::minutes(90)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn adherence<'c>(
    evaluations: &[Evaluation<'c>],
    group_by: GroupBy,
) -> Result<Vec<AdherenceRow<'c>>> {
    struct Acc<'c> {
        key: GroupKey<'c>,
        achieved: u64,
        breached: u64,
        first_reply: Vec<TimeDelta>,
        resolution: Vec<TimeDelta>,
    }
    let mut groups: Vec<Acc<'c>> = Vec::new();
    let mut add =
        |key: GroupKey<'c>, outcome: Option<bool>, duration: Option<(&Metric, TimeDelta)>| {
            let position = groups.iter().position(|g| g.key == key);
            let acc = match position.and_then(|i| groups.get_mut(i)) {
                Some(acc) => acc,
                None => {
                    groups.push(Acc {
                        key,
                        achieved: 0,
                        breached: 0,
                        first_reply: Vec::new(),
                        resolution: Vec::new(),
                    });
                    match groups.last_mut() {
                        Some(acc) => acc,
                        None => return,
                    }
                }
            };
            // Counts of the cycles iterated: they cannot pass usize::MAX.
            match outcome {
                Some(true) => acc.achieved += 1,
                Some(false) => acc.breached += 1,
                None => {}
            }
            match duration {
                Some((Metric::FirstReply, elapsed)) => acc.first_reply.push(elapsed),
                Some((Metric::TotalResolution, elapsed)) => acc.resolution.push(elapsed),
                _ => {}
            }
        };
    for evaluation in evaluations {
        for metric in &evaluation.metrics {
            let key = |policy, priority, at: DateTime<Utc>| -> Result<GroupKey<'c>> {
                Ok(match group_by {
                    GroupBy::Policy => GroupKey::Policy(policy),
                    GroupBy::Priority => GroupKey::Priority(priority),
                    GroupBy::Metric => GroupKey::Metric(metric.metric),
                    GroupBy::Agent => GroupKey::Agent(evaluation.assignee),
                    GroupBy::Period(granularity) => GroupKey::Period(
                        FiscalCalendar::CALENDAR_YEAR
                            .period_containing(at.date_naive(), granularity)
                            .map_err(Error::from)?,
                    ),
                })
            };
            for cycle in &metric.completed {
                let outcome = match cycle.outcome {
                    Outcome::Achieved => Some(true),
                    Outcome::Breached { .. } => Some(false),
                    Outcome::Untargeted => None,
                };
                add(
                    key(cycle.policy, cycle.priority, cycle.stop)?,
                    outcome,
                    Some((metric.metric, cycle.elapsed)),
                );
            }
            if let Some(cycle) = &metric.ongoing
                && let Some(at) = cycle.breached_since
            {
                add(key(cycle.policy, cycle.priority, at)?, Some(false), None);
            }
        }
    }
    let mut rows: Vec<AdherenceRow<'c>> = groups
        .into_iter()
        .map(|acc| {
            let measured = acc.achieved + acc.breached;
            let achieved_percent =
                (measured > 0).then(|| {
                    let share = Decimal::from(acc.achieved) * Decimal::ONE_HUNDRED
                        / Decimal::from(measured);
                    Percent::new(share.round_dp_with_strategy(
                        2,
                        rust_decimal::RoundingStrategy::MidpointNearestEven,
                    ))
                });
            AdherenceRow {
                key: acc.key,
                achieved: acc.achieved,
                breached: acc.breached,
                achieved_percent,
                first_reply: DurationStats::of(acc.first_reply),
                resolution: DurationStats::of(acc.resolution),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(rows)
}
