//! Extreme but valid inputs: ticket events at the first and last instants
//! chrono holds, the longest targets, huge configurations and slices give a
//! result or a typed error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_calendar::{Calendar, Schedule, Tz};
use bureau_core::{Granularity, TicketId, UserId};
use bureau_sla::{
    Action, Error, EscalationRule, EventKind, GroupBy, Metric, Opener, PolicyName, Priority,
    SlaConfig, SlaPolicy, SlaRecord, Status, Target, Threshold, TicketAttributes, TicketEvent,
    WorkingTimeCache, adherence, nearest_rank,
};
use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

const LONGEST: TimeDelta = TimeDelta::days(3650);

fn office() -> Calendar {
    Calendar::new(
        Schedule::weekdays(Tz::America__New_York, "09:00-17:00".parse().unwrap()).unwrap(),
    )
}

/// Every standard metric at its longest target, on `calendar`, for every priority.
fn config(calendar: &Calendar) -> SlaConfig {
    let mut policy = SlaPolicy::new("longest");
    for metric in Metric::STANDARD {
        for priority in [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ] {
            policy = policy.with_target(
                metric.clone(),
                priority,
                Target::new(LONGEST, calendar.clone()).unwrap(),
            );
        }
    }
    SlaConfig::standard(vec![policy]).unwrap()
}

fn history(created: DateTime<Utc>, steps: &[(DateTime<Utc>, EventKind)]) -> Vec<TicketEvent> {
    let mut events = vec![TicketEvent::new(
        created,
        EventKind::Created {
            ticket: TicketId::from_u128(1),
            opened_by: Opener::Customer,
            attributes: TicketAttributes::new(Priority::Urgent),
        },
    )];
    events.extend(
        steps
            .iter()
            .map(|(at, kind)| TicketEvent::new(*at, kind.clone())),
    );
    events
}

fn rules() -> Vec<EscalationRule> {
    let user = UserId::from_u128(9);
    vec![
        EscalationRule::new(
            Metric::FirstReply,
            Threshold::Warning,
            Action::Notify { user },
        ),
        EscalationRule::new(
            Metric::TotalResolution,
            Threshold::Breach,
            Action::Reassign { to: user },
        ),
    ]
}

/// Evaluates, escalates and reports; every error must be a typed one.
fn exercise(config: &SlaConfig, events: &[TicketEvent], now: DateTime<Utc>) {
    let record = match SlaRecord::from_history(config, events) {
        Ok(record) => record,
        Err(err) => panic!("a valid history was refused: {err}"),
    };
    let mut cache = WorkingTimeCache::new();
    match (record.evaluate(now), record.evaluate_with(now, &mut cache)) {
        (Ok(plain), Ok(cached)) => {
            assert_eq!(plain, cached);
            for group_by in [GroupBy::Metric, GroupBy::Period(Granularity::Month)] {
                if let Err(err) = adherence(std::slice::from_ref(&plain), group_by) {
                    assert!(matches!(err, Error::Core { .. }), "{err}");
                }
            }
        }
        (Err(plain), Err(cached)) => {
            assert_eq!(plain, cached);
            assert!(matches!(plain, Error::Calendar { .. }), "{plain}");
        }
        (plain, cached) => panic!("cache changed the answer: {plain:?} / {cached:?}"),
    }
    let since = events.first().unwrap().at();
    if let Err(err) = record.escalations(&rules(), since, now) {
        assert!(matches!(err, Error::Calendar { .. }), "{err}");
    }
}

#[test]
fn tickets_at_the_last_instant_are_evaluated_or_typed_errors() {
    let max = DateTime::<Utc>::MAX_UTC;
    let agent = UserId::from_u128(3);
    for calendar in [Calendar::always(), office()] {
        let config = config(&calendar);
        for created in [max, max - TimeDelta::hours(1), max - LONGEST] {
            let events = history(
                created,
                &[
                    (created, EventKind::CustomerMessage),
                    (max, EventKind::PublicReply { agent }),
                    (
                        max,
                        EventKind::StatusChanged {
                            to: Status::Pending,
                        },
                    ),
                ],
            );
            exercise(&config, &events, max);
            exercise(&config, &events[..1], max);
        }
    }
}

#[test]
fn a_due_instant_past_the_last_one_is_a_typed_calendar_error() {
    let max = DateTime::<Utc>::MAX_UTC;
    let config = config(&Calendar::always());
    let record =
        SlaRecord::from_history(&config, &history(max - TimeDelta::hours(1), &[])).unwrap();
    let err = record.evaluate(max).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Calendar {
                source: bureau_calendar::Error::OutOfRange { .. },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn tickets_spanning_the_whole_timeline_on_calendar_hours() {
    let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    let config = config(&Calendar::always());
    let agent = UserId::from_u128(3);
    let events = history(
        min,
        &[
            (min, EventKind::StatusChanged { to: Status::Open }),
            (max, EventKind::PublicReply { agent }),
            (max, EventKind::StatusChanged { to: Status::Solved }),
        ],
    );
    exercise(&config, &events, max);
    let evaluation = SlaRecord::from_history(&config, &events)
        .unwrap()
        .evaluate(max)
        .unwrap();
    let first = evaluation.metric(&Metric::FirstReply).unwrap();
    assert_eq!(first.completed[0].elapsed, max - min);
}

#[test]
fn the_largest_slices_have_a_nearest_rank() {
    // A slice of a zero-sized type can hold usize::MAX elements for free.
    let all = vec![(); usize::MAX];
    for percentile in [0, 1, 50, 90, 99, 100, u32::MAX] {
        assert_eq!(nearest_rank(&all, percentile), Some(()));
    }
    assert_eq!(nearest_rank(&[1, 2, 3], u32::MAX), Some(3));
}

#[test]
fn a_configuration_too_large_to_index_is_a_typed_error() {
    let policies: Vec<SlaPolicy> = (0..=SlaConfig::MAX_POLICY_METRIC_PAIRS
        / Metric::STANDARD.len())
        .map(|n| SlaPolicy::new(PolicyName::new(format!("policy {n}"))))
        .collect();
    let count = policies.len();
    let err = SlaConfig::standard(policies).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ConfigTooLarge { policies, metrics, max, .. }
                if policies == count
                    && metrics == Metric::STANDARD.len()
                    && max == SlaConfig::MAX_POLICY_METRIC_PAIRS
        ),
        "{err}"
    );
    assert!(err.to_string().contains(&count.to_string()));
}

/// Instants anywhere after 1900 up to the last one, often in its last year.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let hi = DateTime::<Utc>::MAX_UTC.timestamp();
    prop_oneof![
        (-2_208_988_800_i64..=hi).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
        (0_i64..=86_400 * 365).prop_map(move |s| DateTime::from_timestamp(hi - s, 0).unwrap()),
    ]
}

proptest! {
    #[test]
    fn histories_at_extreme_instants_never_panic(
        business in any::<bool>(),
        created in instant(),
        gaps in proptest::collection::vec(0_i64..=86_400 * 30, 1..5),
        wait in 0_i64..=86_400 * 400,
    ) {
        let calendar = if business { office() } else { Calendar::always() };
        let config = config(&calendar);
        let agent = UserId::from_u128(3);
        let kinds = [
            EventKind::CustomerMessage,
            EventKind::PublicReply { agent },
            EventKind::StatusChanged { to: Status::Pending },
            EventKind::StatusChanged { to: Status::Open },
        ];
        let mut at = created;
        let mut steps = Vec::new();
        for (gap, kind) in gaps.iter().zip(kinds.iter().cycle()) {
            let Some(next) = at.checked_add_signed(TimeDelta::seconds(*gap)) else { break };
            at = next;
            steps.push((at, kind.clone()));
        }
        let now = at.checked_add_signed(TimeDelta::seconds(wait)).unwrap_or(DateTime::<Utc>::MAX_UTC);
        exercise(&config, &history(created, &steps), now);
    }
}
