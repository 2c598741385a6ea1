//! Strategies that generate valid ticket histories and SLA configurations,
//! for property tests.
//!
//! Every history generated is accepted by [`SlaRecord::record`] event by
//! event: it starts with a creation, its instants never go backwards, status
//! changes follow the lifecycle and nothing follows a close, merge or
//! deletion. Shrinking moves toward short histories with short gaps.
//!
//! ```
//! use bureau_calendar::Calendar;
//! use bureau_sla::{strategy, SlaRecord};
//! use proptest::prelude::*;
//!
//! proptest!(|(config in strategy::config(Calendar::always()), history in strategy::history())| {
//!     let record = SlaRecord::from_history(&config, &history)?;
//!     prop_assert_eq!(record.len(), history.len());
//! });
//! ```
//!
//! [`SlaRecord::record`]: crate::SlaRecord::record

use ::proptest::prelude::*;
use bureau_calendar::Calendar;
use bureau_core::{Decimal, Percent, TicketId, UserId};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use crate::{
    Condition, EventKind, Metric, MetricDefinition, MetricName, Opener, Priority, Recurrence,
    SlaConfig, SlaPolicy, Status, StatusSet, Target, TicketAttributes, TicketEvent, Trigger,
};

/// Any priority.
///
/// ```
/// use bureau_sla::{strategy, Priority};
/// use proptest::prelude::*;
/// proptest!(|(p in strategy::priority())| prop_assert!(Priority::ALL.contains(&p)));
/// ```
pub fn priority() -> impl Strategy<Value = Priority> {
    prop::sample::select(Priority::ALL.to_vec())
}

/// Attributes with any priority, one of three channels, an optional tier,
/// up to two of three tags and one of three assignees or none.
///
/// ```
/// use bureau_sla::strategy;
/// use proptest::prelude::*;
/// proptest!(|(a in strategy::attributes())| prop_assert!(a.channel().is_some() && a.tags().count() <= 2));
/// ```
pub fn attributes() -> impl Strategy<Value = TicketAttributes> {
    (
        priority(),
        prop::sample::select(vec!["email", "web", "phone"]),
        prop::option::of(prop::sample::select(vec!["gold", "silver"])),
        prop::sample::subsequence(vec!["vip", "billing", "bug"], 0..=2),
        prop::option::of(1_u128..=3),
    )
        .prop_map(|(priority, channel, tier, tags, assignee)| {
            let mut attributes = TicketAttributes::new(priority).with_channel(channel);
            if let Some(tier) = tier {
                attributes = attributes.with_tier(tier);
            }
            for tag in tags {
                attributes = attributes.with_tag(tag);
            }
            if let Some(agent) = assignee {
                attributes = attributes.with_assignee(UserId::from_u128(agent));
            }
            attributes
        })
}

/// One step of a generated history before it is checked against the
/// lifecycle.
#[derive(Clone, Debug)]
enum Step {
    Reply(u128),
    Note(u128),
    Customer,
    Status(Status),
    Attributes(TicketAttributes),
    Merge,
    Delete,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (1_u128..=3).prop_map(Step::Reply),
        1 => (1_u128..=3).prop_map(Step::Note),
        3 => Just(Step::Customer),
        5 => prop::sample::select(Status::ALL.to_vec()).prop_map(Step::Status),
        1 => attributes().prop_map(Step::Attributes),
        1 => Just(Step::Merge),
        1 => Just(Step::Delete),
    ]
}

/// A gap between two events: most often minutes, sometimes hours or days,
/// sometimes none (events at the same instant).
///
/// ```
/// use bureau_sla::strategy;
/// use chrono::TimeDelta;
/// use proptest::prelude::*;
/// proptest!(|(gap in strategy::gap())| prop_assert!(gap >= TimeDelta::zero() && gap <= TimeDelta::days(10)));
/// ```
pub fn gap() -> impl Strategy<Value = TimeDelta> {
    prop_oneof![
        1 => Just(TimeDelta::zero()),
        4 => (1_i64..=180).prop_map(TimeDelta::minutes),
        2 => (1_i64..=72).prop_map(TimeDelta::hours),
        1 => (1_i64..=10).prop_map(TimeDelta::days),
    ]
}

/// An instant in 2025 or 2026, on a whole minute.
///
/// ```
/// use bureau_sla::strategy;
/// use chrono::{Datelike, Timelike};
/// use proptest::prelude::*;
/// proptest!(|(at in strategy::instant())| {
///     prop_assert!((2025..=2026).contains(&at.year()));
///     prop_assert_eq!(at.second(), 0);
/// });
/// ```
pub fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0_i64..2 * 365 * 24 * 60).prop_map(|minutes| {
        let base = Utc
            .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or(DateTime::UNIX_EPOCH);
        base + TimeDelta::minutes(minutes)
    })
}

/// A valid history of up to 16 events (creation included) for ticket 1.
///
/// ```
/// use bureau_sla::{strategy, TicketHistory};
/// use proptest::prelude::*;
/// proptest!(|(events in strategy::history())| {
///     let mut history = TicketHistory::default();
///     for event in &events {
///         history.record(event)?;
///     }
///     prop_assert!(!events.is_empty() && events.len() <= 16);
/// });
/// ```
pub fn history() -> impl Strategy<Value = Vec<TicketEvent>> {
    history_of(1..16)
}

/// A valid history whose number of steps after creation is drawn from `steps`
/// (steps the lifecycle refuses are left out).
///
/// ```
/// use bureau_sla::strategy;
/// use proptest::prelude::*;
/// proptest!(|(events in strategy::history_of(0..3))| prop_assert!(events.len() <= 3));
/// ```
pub fn history_of(
    steps: impl Into<prop::collection::SizeRange>,
) -> impl Strategy<Value = Vec<TicketEvent>> {
    (
        instant(),
        attributes(),
        prop::option::of(1_u128..=3),
        prop::collection::vec((gap(), step()), steps),
    )
        .prop_map(|(start, attributes, agent_opened, steps)| {
            let ticket = TicketId::from_u128(1);
            let opened_by = agent_opened
                .map(|a| Opener::Agent(UserId::from_u128(a)))
                .unwrap_or(Opener::Customer);
            let mut history = vec![TicketEvent::new(
                start,
                EventKind::Created {
                    ticket,
                    opened_by,
                    attributes,
                },
            )];
            let mut at = start;
            let mut status = Status::New;
            for (gap, step) in steps {
                // A history long enough to run past the last instant stops there.
                let Some(next) = at.checked_add_signed(gap) else {
                    break;
                };
                at = next;
                let kind = match step {
                    Step::Reply(a) => EventKind::PublicReply {
                        agent: UserId::from_u128(a),
                    },
                    Step::Note(a) => EventKind::PrivateNote {
                        agent: UserId::from_u128(a),
                    },
                    Step::Customer => EventKind::CustomerMessage,
                    Step::Status(to) => {
                        // Closing only from solved, never back to new.
                        let allowed = to != status
                            && to != Status::New
                            && (to != Status::Closed || status == Status::Solved);
                        if !allowed {
                            continue;
                        }
                        status = to;
                        EventKind::StatusChanged { to }
                    }
                    Step::Attributes(attributes) => EventKind::AttributesChanged { attributes },
                    Step::Merge => EventKind::Merged {
                        into: TicketId::from_u128(2),
                    },
                    Step::Delete => EventKind::Deleted,
                };
                let ends = matches!(kind, EventKind::Merged { .. } | EventKind::Deleted)
                    || status == Status::Closed;
                history.push(TicketEvent::new(at, kind));
                if ends {
                    break;
                }
            }
            history
        })
}

/// A target of 15 minutes to 3 days on `calendar`, warning at 50 to 100%.
///
/// ```
/// use bureau_calendar::Calendar;
/// use bureau_sla::strategy;
/// use chrono::TimeDelta;
/// use proptest::prelude::*;
/// proptest!(|(t in strategy::target(Calendar::always()))| {
///     prop_assert!(t.duration() >= TimeDelta::minutes(15) && t.duration() <= TimeDelta::days(3));
///     prop_assert!(t.warning_after() * 2 >= t.duration());
/// });
/// ```
pub fn target(calendar: Calendar) -> impl Strategy<Value = Target> {
    (
        prop_oneof![
            (15_i64..=240).prop_map(TimeDelta::minutes),
            (1_i64..=72).prop_map(TimeDelta::hours)
        ],
        50_i64..=100,
    )
        .prop_filter_map("valid target", move |(duration, warning)| {
            Target::new(duration, calendar.clone())
                .and_then(|t| t.with_warning(Percent::new(Decimal::from(warning))))
                .ok()
        })
}

/// Any trigger, status sets drawn from every status.
///
/// ```
/// use bureau_sla::{strategy, Trigger};
/// use proptest::prelude::*;
/// proptest!(|(t in strategy::trigger())| {
///     if let Trigger::StatusEntered(set) | Trigger::StatusLeft(set) = t {
///         prop_assert!(!set.is_empty());
///     }
/// });
/// ```
pub fn trigger() -> impl Strategy<Value = Trigger> {
    let set = prop::sample::subsequence(Status::ALL.to_vec(), 1..=3)
        .prop_map(|statuses| StatusSet::of(&statuses));
    prop_oneof![
        Just(Trigger::Created),
        Just(Trigger::PublicReply),
        Just(Trigger::PrivateNote),
        Just(Trigger::CustomerMessage),
        Just(Trigger::CustomerFollowUp),
        set.clone().prop_map(Trigger::StatusEntered),
        set.prop_map(Trigger::StatusLeft),
    ]
}

/// A custom metric named `custom` with one to three start triggers, zero to
/// three stop triggers, any pause statuses and either recurrence.
///
/// ```
/// use bureau_sla::strategy;
/// use proptest::prelude::*;
/// proptest!(|(d in strategy::custom_metric())| {
///     prop_assert!((1..=3).contains(&d.start_triggers().len()));
///     prop_assert!(d.stop_triggers().len() <= 3);
/// });
/// ```
pub fn custom_metric() -> impl Strategy<Value = MetricDefinition> {
    (
        prop::collection::vec(trigger(), 1..=3),
        prop::collection::vec(trigger(), 0..=3),
        prop::sample::subsequence(Status::ALL.to_vec(), 0..=2),
        any::<bool>(),
    )
        .prop_map(|(start, stop, paused, once)| {
            let recurrence = if once {
                Recurrence::Once
            } else {
                Recurrence::Repeating
            };
            let mut definition =
                MetricDefinition::new(Metric::Custom(MetricName::new("custom")), recurrence)
                    .with_pause_statuses(StatusSet::of(&paused));
            for trigger in start {
                definition = definition.with_start_trigger(trigger);
            }
            for trigger in stop {
                definition = definition.with_stop_trigger(trigger);
            }
            definition
        })
}

/// A configuration with the six standard metrics, sometimes a
/// [`custom_metric`], and one to three policies (the last one matching every
/// ticket), targets on `calendar` for most (metric, priority) pairs.
///
/// ```
/// use bureau_calendar::Calendar;
/// use bureau_sla::{strategy, Priority, TicketAttributes};
/// use proptest::prelude::*;
/// proptest!(|(config in strategy::config(Calendar::always()))| {
///     prop_assert!(config.metrics().len() >= 6);
///     prop_assert!(config.select(&TicketAttributes::new(Priority::Low)).is_some());
/// });
/// ```
pub fn config(calendar: Calendar) -> impl Strategy<Value = SlaConfig> {
    let mut metrics = Metric::STANDARD.to_vec();
    metrics.push(Metric::Custom(MetricName::new("custom")));
    let policy = move |name: &'static str, condition: Option<Condition>| {
        prop::collection::vec(
            (
                prop::sample::select(metrics.clone()),
                priority(),
                target(calendar.clone()),
            ),
            4..24,
        )
        .prop_map(move |targets| {
            let mut policy = SlaPolicy::new(name);
            if let Some(condition) = &condition {
                policy = policy.with_condition(condition.clone());
            }
            for (metric, priority, target) in targets {
                policy = policy.with_target(metric, priority, target);
            }
            policy
        })
    };
    (
        policy("vip", Some(Condition::HasTag("vip".into()))),
        policy("gold", Some(Condition::TierIs("gold".into()))),
        policy("default", None),
        0_usize..=2,
        prop::option::of(custom_metric()),
    )
        .prop_filter_map(
            "valid configuration",
            |(vip, gold, default, skip, custom)| {
                let mut policies = match skip {
                    0 => vec![default],
                    1 => vec![gold, default],
                    _ => vec![vip, gold, default],
                };
                let mut definitions: Vec<MetricDefinition> = Metric::STANDARD
                    .into_iter()
                    .filter_map(MetricDefinition::standard)
                    .collect();
                match custom {
                    Some(custom) => definitions.push(custom),
                    // Without the custom metric, no policy may target it.
                    None => {
                        for policy in &mut policies {
                            *policy = without_custom(policy);
                        }
                    }
                }
                SlaConfig::new(definitions, policies).ok()
            },
        )
}

/// `policy` without its targets for custom metrics.
fn without_custom(policy: &SlaPolicy) -> SlaPolicy {
    let mut copy = SlaPolicy::new(policy.name().clone());
    for condition in policy.conditions() {
        copy = copy.with_condition(condition.clone());
    }
    for (metric, priority, target) in policy.targets() {
        if !matches!(metric, Metric::Custom(_)) {
            copy = copy.with_target(metric.clone(), priority, target.clone());
        }
    }
    copy
}
