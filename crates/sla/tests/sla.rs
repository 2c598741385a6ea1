//! Regression tables for bureau-sla: the named calendar and lifecycle cases,
//! rejected histories, escalations and adherence, through the public API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_calendar::{Calendar, DayHours, Holiday, Schedule, Tz};
use bureau_core::{Aggregate, TicketId, UserId};
use bureau_sla::{
    Action, ClockState, EscalationRule, EventKind, GroupBy, GroupKey, Metric, Opener, Outcome,
    Priority, SlaCommand, SlaConfig, SlaPolicy, SlaRecord, Status, Target, Threshold,
    TicketAttributes, TicketEvent, adherence,
};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn office_utc() -> Calendar {
    Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse().unwrap()).unwrap())
}

fn new_york_thanksgiving() -> Calendar {
    let thanksgiving = NaiveDate::from_ymd_opt(2025, 11, 27).unwrap();
    Calendar::builder(
        Schedule::weekdays(Tz::America__New_York, "08:00-20:00".parse().unwrap()).unwrap(),
    )
    .holiday(Holiday::on(thanksgiving, "Thanksgiving"))
    .build()
    .unwrap()
}

/// 00:00-06:00 every day in Berlin: the spring-forward and fall-back hours
/// fall inside the working day.
fn berlin_early() -> Calendar {
    let hours: DayHours = "00:00-06:00".parse().unwrap();
    let every_day = std::iter::successors(Some(Weekday::Mon), |d| Some(d.succ())).take(7);
    let days = every_day.map(|d| (d, hours.clone()));
    Calendar::new(Schedule::new(Tz::Europe__Berlin, days).unwrap())
}

/// An overnight support desk in Berlin, 22:00-06:00, Sunday to Thursday nights.
fn night_shift() -> Calendar {
    let night: DayHours = "22:00-06:00".parse().unwrap();
    let days = [
        Weekday::Sun,
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
    ]
    .map(|d| (d, night.clone()));
    Calendar::new(Schedule::new(Tz::Europe__Berlin, days).unwrap())
}

/// One step of a table history.
#[derive(Clone, Copy)]
enum Step {
    Create(Priority),
    Reply,
    Customer,
    To(Status),
    Priority(Priority),
}

fn event(instant: &str, step: Step) -> TicketEvent {
    let kind = match step {
        Step::Create(priority) => EventKind::Created {
            ticket: TicketId::from_u128(1),
            opened_by: Opener::Customer,
            attributes: TicketAttributes::new(priority),
        },
        Step::Reply => EventKind::PublicReply {
            agent: UserId::from_u128(7),
        },
        Step::Customer => EventKind::CustomerMessage,
        Step::To(to) => EventKind::StatusChanged { to },
        Step::Priority(priority) => EventKind::AttributesChanged {
            attributes: TicketAttributes::new(priority),
        },
    };
    TicketEvent::new(at(instant), kind)
}

/// A completed cycle expected: start, stop, elapsed minutes, breach instant.
type Done = (&'static str, &'static str, i64, Option<&'static str>);
/// A completed cycle as evaluated: start, stop, elapsed, breach instant.
type Cycle = (
    DateTime<Utc>,
    DateTime<Utc>,
    TimeDelta,
    Option<DateTime<Utc>>,
);
/// An ongoing cycle expected: state, elapsed minutes, due, breached since.
type Open = (ClockState, i64, Option<&'static str>, Option<&'static str>);

struct Case {
    name: &'static str,
    calendar: fn() -> Calendar,
    metric: Metric,
    /// Target minutes per priority (low, normal, high, urgent).
    targets: [i64; 4],
    history: &'static [(&'static str, Step)],
    now: &'static str,
    completed: &'static [Done],
    ongoing: Option<Open>,
}

const N: Priority = Priority::Normal;

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "pause across a weekend counted once (requester wait)",
            calendar: office_utc,
            metric: Metric::RequesterWait,
            targets: [480; 4],
            history: &[
                ("2026-03-06T15:00:00Z", Step::Create(N)),
                ("2026-03-06T16:00:00Z", Step::To(Status::Pending)),
                ("2026-03-09T10:00:00Z", Step::To(Status::Open)),
                ("2026-03-09T14:00:00Z", Step::To(Status::Solved)),
            ],
            now: "2026-03-09T18:00:00Z",
            completed: &[("2026-03-06T15:00:00Z", "2026-03-09T14:00:00Z", 300, None)],
            ongoing: None,
        },
        Case {
            name: "pause across a weekend, still paused: no due instant",
            calendar: office_utc,
            metric: Metric::AgentWork,
            targets: [120; 4],
            history: &[
                ("2026-03-06T15:00:00Z", Step::Create(N)),
                ("2026-03-06T16:00:00Z", Step::To(Status::OnHold)),
            ],
            now: "2026-03-09T12:00:00Z",
            completed: &[],
            ongoing: Some((ClockState::Paused, 60, None, None)),
        },
        Case {
            name: "weekend without pause counts no business time (total resolution)",
            calendar: office_utc,
            metric: Metric::TotalResolution,
            targets: [480; 4],
            history: &[
                ("2026-03-06T15:00:00Z", Step::Create(N)),
                ("2026-03-06T16:00:00Z", Step::To(Status::Pending)),
                ("2026-03-09T10:00:00Z", Step::To(Status::Open)),
            ],
            now: "2026-03-09T14:00:00Z",
            completed: &[],
            ongoing: Some((ClockState::Running, 420, Some("2026-03-09T15:00:00Z"), None)),
        },
        Case {
            name: "target crossing a holiday",
            calendar: new_york_thanksgiving,
            metric: Metric::FirstReply,
            targets: [240; 4],
            history: &[("2025-11-26T23:00:00Z", Step::Create(N))],
            now: "2025-11-28T13:00:00Z",
            completed: &[],
            // Wed 18:00-20:00 EST, Thanksgiving off, Fri 08:00-10:00 EST.
            ongoing: Some((ClockState::Running, 120, Some("2025-11-28T15:00:00Z"), None)),
        },
        Case {
            name: "target crossing a holiday, reply after it",
            calendar: new_york_thanksgiving,
            metric: Metric::FirstReply,
            targets: [240; 4],
            history: &[
                ("2025-11-26T23:00:00Z", Step::Create(N)),
                ("2025-11-28T16:00:00Z", Step::Reply),
            ],
            now: "2025-11-28T16:00:00Z",
            completed: &[(
                "2025-11-26T23:00:00Z",
                "2025-11-28T16:00:00Z",
                300,
                Some("2025-11-28T15:00:00Z"),
            )],
            ongoing: None,
        },
        Case {
            name: "spring-forward inside a cycle: the working day is 5 hours",
            calendar: berlin_early,
            metric: Metric::FirstReply,
            targets: [360; 4],
            // Sunday 29 March 2026 00:00 CET; 02:00 jumps to 03:00.
            history: &[
                ("2026-03-28T23:00:00Z", Step::Create(N)),
                ("2026-03-29T04:00:00Z", Step::Reply),
            ],
            now: "2026-03-29T05:00:00Z",
            completed: &[("2026-03-28T23:00:00Z", "2026-03-29T04:00:00Z", 300, None)],
            ongoing: None,
        },
        Case {
            name: "spring-forward inside a cycle: due on the next working day",
            calendar: berlin_early,
            metric: Metric::FirstReply,
            targets: [360; 4],
            history: &[("2026-03-28T23:00:00Z", Step::Create(N))],
            now: "2026-03-29T12:00:00Z",
            completed: &[],
            ongoing: Some((ClockState::Running, 300, Some("2026-03-29T23:00:00Z"), None)),
        },
        Case {
            name: "fall-back inside a cycle: the working day is 7 hours",
            calendar: berlin_early,
            metric: Metric::FirstReply,
            targets: [360; 4],
            // Sunday 25 October 2026 00:00 CEST; 03:00 falls back to 02:00.
            history: &[
                ("2026-10-24T22:00:00Z", Step::Create(N)),
                ("2026-10-25T05:00:00Z", Step::Reply),
            ],
            now: "2026-10-25T05:00:00Z",
            completed: &[(
                "2026-10-24T22:00:00Z",
                "2026-10-25T05:00:00Z",
                420,
                Some("2026-10-25T04:00:00Z"),
            )],
            ongoing: None,
        },
        Case {
            name: "overnight support shift",
            calendar: night_shift,
            metric: Metric::FirstReply,
            targets: [240; 4],
            // Monday 2 March 2026 12:00 CET; the shift starts at 22:00 CET.
            history: &[
                ("2026-03-02T11:00:00Z", Step::Create(N)),
                ("2026-03-03T05:00:00Z", Step::Reply),
            ],
            now: "2026-03-03T06:00:00Z",
            completed: &[(
                "2026-03-02T11:00:00Z",
                "2026-03-03T05:00:00Z",
                480,
                Some("2026-03-03T01:00:00Z"),
            )],
            ongoing: None,
        },
        Case {
            name: "overnight shift: created Friday, the weekend nights are off",
            calendar: night_shift,
            metric: Metric::FirstReply,
            targets: [240; 4],
            // Friday 6 March 2026 12:00 CET; next shift Sunday 22:00 CET.
            history: &[("2026-03-06T11:00:00Z", Step::Create(N))],
            now: "2026-03-08T12:00:00Z",
            completed: &[],
            ongoing: Some((ClockState::Running, 0, Some("2026-03-09T01:00:00Z"), None)),
        },
        Case {
            name: "reopen starts a new resolution cycle",
            calendar: Calendar::always,
            metric: Metric::TotalResolution,
            targets: [90; 4],
            history: &[
                ("2026-03-02T09:00:00Z", Step::Create(N)),
                ("2026-03-02T11:00:00Z", Step::To(Status::Solved)),
                ("2026-03-02T14:00:00Z", Step::To(Status::Open)),
                ("2026-03-02T15:00:00Z", Step::To(Status::Solved)),
                ("2026-03-02T16:00:00Z", Step::To(Status::Open)),
            ],
            now: "2026-03-02T18:00:00Z",
            completed: &[
                (
                    "2026-03-02T09:00:00Z",
                    "2026-03-02T11:00:00Z",
                    120,
                    Some("2026-03-02T10:30:00Z"),
                ),
                ("2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z", 60, None),
            ],
            ongoing: Some((
                ClockState::Running,
                120,
                Some("2026-03-02T17:30:00Z"),
                Some("2026-03-02T17:30:00Z"),
            )),
        },
        Case {
            name: "priority change mid-cycle re-targets from the start",
            calendar: Calendar::always,
            metric: Metric::FirstReply,
            targets: [960, 480, 240, 60],
            history: &[
                ("2026-03-02T09:00:00Z", Step::Create(N)),
                ("2026-03-02T09:30:00Z", Step::Priority(Priority::Urgent)),
            ],
            now: "2026-03-02T09:45:00Z",
            completed: &[],
            ongoing: Some((ClockState::Running, 45, Some("2026-03-02T10:00:00Z"), None)),
        },
        Case {
            name: "priority change mid-cycle: breached under the new target",
            calendar: Calendar::always,
            metric: Metric::FirstReply,
            targets: [960, 480, 240, 60],
            history: &[
                ("2026-03-02T09:00:00Z", Step::Create(N)),
                ("2026-03-02T11:00:00Z", Step::Priority(Priority::High)),
                ("2026-03-02T12:00:00Z", Step::Priority(Priority::Urgent)),
                ("2026-03-02T12:30:00Z", Step::Reply),
            ],
            now: "2026-03-02T13:00:00Z",
            completed: &[(
                "2026-03-02T09:00:00Z",
                "2026-03-02T12:30:00Z",
                210,
                Some("2026-03-02T10:00:00Z"),
            )],
            ongoing: None,
        },
        Case {
            name: "next reply: one cycle per burst of customer messages",
            calendar: Calendar::always,
            metric: Metric::NextReply,
            targets: [30; 4],
            history: &[
                ("2026-03-02T09:00:00Z", Step::Create(N)),
                ("2026-03-02T09:10:00Z", Step::Reply),
                ("2026-03-02T10:00:00Z", Step::Customer),
                ("2026-03-02T10:05:00Z", Step::Customer),
                ("2026-03-02T10:20:00Z", Step::Reply),
                ("2026-03-02T11:00:00Z", Step::Customer),
            ],
            now: "2026-03-02T12:00:00Z",
            completed: &[("2026-03-02T10:00:00Z", "2026-03-02T10:20:00Z", 20, None)],
            ongoing: Some((
                ClockState::Running,
                60,
                Some("2026-03-02T11:30:00Z"),
                Some("2026-03-02T11:30:00Z"),
            )),
        },
        Case {
            name: "periodic update: each public reply ends one cycle and starts the next",
            calendar: Calendar::always,
            metric: Metric::PeriodicUpdate,
            targets: [60; 4],
            history: &[
                ("2026-03-02T09:00:00Z", Step::Create(N)),
                ("2026-03-02T09:10:00Z", Step::Reply),
                ("2026-03-02T11:10:00Z", Step::Reply),
                ("2026-03-02T11:40:00Z", Step::To(Status::Solved)),
            ],
            now: "2026-03-02T12:00:00Z",
            completed: &[
                (
                    "2026-03-02T09:10:00Z",
                    "2026-03-02T11:10:00Z",
                    120,
                    Some("2026-03-02T10:10:00Z"),
                ),
                ("2026-03-02T11:10:00Z", "2026-03-02T11:40:00Z", 30, None),
            ],
            ongoing: None,
        },
        Case {
            name: "stop exactly at the due instant is achieved",
            calendar: office_utc,
            metric: Metric::FirstReply,
            targets: [60; 4],
            history: &[
                ("2026-03-02T16:00:00Z", Step::Create(N)),
                ("2026-03-02T17:00:00Z", Step::Reply),
            ],
            now: "2026-03-02T17:00:00Z",
            completed: &[("2026-03-02T16:00:00Z", "2026-03-02T17:00:00Z", 60, None)],
            ongoing: None,
        },
        Case {
            name: "stop after a due instant at the end of the day is breached",
            calendar: office_utc,
            metric: Metric::FirstReply,
            targets: [60; 4],
            history: &[
                ("2026-03-02T16:00:00Z", Step::Create(N)),
                ("2026-03-02T18:00:00Z", Step::Reply),
            ],
            now: "2026-03-02T18:00:00Z",
            completed: &[(
                "2026-03-02T16:00:00Z",
                "2026-03-02T18:00:00Z",
                60,
                Some("2026-03-02T17:00:00Z"),
            )],
            ongoing: None,
        },
    ]
}

fn config_for(case: &Case) -> SlaConfig {
    let mut policy = SlaPolicy::new("table");
    for (priority, minutes) in Priority::ALL.into_iter().zip(case.targets) {
        let target = Target::new(TimeDelta::minutes(minutes), (case.calendar)()).unwrap();
        policy = policy.with_target(case.metric.clone(), priority, target);
    }
    SlaConfig::standard(vec![policy]).unwrap()
}

#[test]
fn regression_table() {
    for case in cases() {
        let config = config_for(&case);
        let history: Vec<TicketEvent> = case
            .history
            .iter()
            .map(|(instant, step)| event(instant, *step))
            .collect();
        let record = SlaRecord::from_history(&config, &history)
            .unwrap_or_else(|e| panic!("{}: history rejected: {e}", case.name));
        let evaluation = record.evaluate(at(case.now)).unwrap();
        let metric = evaluation.metric(&case.metric).unwrap();

        let completed: Vec<Cycle> = metric
            .completed
            .iter()
            .map(|c| {
                let breach = match c.outcome {
                    Outcome::Breached { at } => Some(at),
                    Outcome::Achieved => None,
                    Outcome::Untargeted => panic!("{}: untargeted cycle", case.name),
                };
                (c.start, c.stop, c.elapsed, breach)
            })
            .collect();
        let expected: Vec<_> = case
            .completed
            .iter()
            .map(|(start, stop, minutes, breach)| {
                (
                    at(start),
                    at(stop),
                    TimeDelta::minutes(*minutes),
                    breach.map(at),
                )
            })
            .collect();
        assert_eq!(completed, expected, "{}: completed cycles", case.name);

        let ongoing = metric
            .ongoing
            .as_ref()
            .map(|o| (o.state, o.elapsed, o.due, o.breached_since));
        let expected = case.ongoing.map(|(state, minutes, due, since)| {
            (
                state,
                TimeDelta::minutes(minutes),
                due.map(at),
                since.map(at),
            )
        });
        assert_eq!(ongoing, expected, "{}: ongoing cycle", case.name);
    }
}

#[test]
fn priority_changes_are_recorded_in_the_result() {
    let case = cases()
        .into_iter()
        .find(|c| c.name.starts_with("priority change mid-cycle: breached"))
        .unwrap();
    let config = config_for(&case);
    let history: Vec<TicketEvent> = case.history.iter().map(|(i, s)| event(i, *s)).collect();
    let evaluation = SlaRecord::from_history(&config, &history)
        .unwrap()
        .evaluate(at(case.now))
        .unwrap();
    let selections: Vec<(DateTime<Utc>, Priority)> = evaluation
        .selections
        .iter()
        .map(|s| (s.at, s.priority))
        .collect();
    assert_eq!(
        selections,
        [
            (at("2026-03-02T09:00:00Z"), Priority::Normal),
            (at("2026-03-02T11:00:00Z"), Priority::High),
            (at("2026-03-02T12:00:00Z"), Priority::Urgent),
        ]
    );
    let cycle = &evaluation.metric(&Metric::FirstReply).unwrap().completed[0];
    assert_eq!(cycle.priority, Priority::Urgent);
    assert_eq!(cycle.target, Some(TimeDelta::hours(1)));
    assert_eq!(cycle.targeted_at, at("2026-03-02T12:00:00Z"));
}

/// Histories that must be rejected: (name, history, index of the bad event, message).
#[test]
fn contradictory_histories_are_rejected_naming_the_event() {
    let t = |minutes: i64| (at("2026-03-02T09:00:00Z") + TimeDelta::minutes(minutes)).to_rfc3339();
    let ev = |minutes: i64, kind: EventKind| TicketEvent::new(at(&t(minutes)), kind);
    let created = || {
        ev(
            0,
            EventKind::Created {
                ticket: TicketId::from_u128(1),
                opened_by: Opener::Customer,
                attributes: TicketAttributes::new(Priority::Normal),
            },
        )
    };
    let reply = EventKind::PublicReply {
        agent: UserId::from_u128(7),
    };
    let solve = EventKind::StatusChanged { to: Status::Solved };
    let table: Vec<(&str, Vec<TicketEvent>, &str)> = vec![
        (
            "reply before creation",
            vec![ev(0, reply.clone())],
            "event 0 (public_reply) comes before the ticket was created",
        ),
        (
            "solving a deleted ticket",
            vec![created(), ev(5, EventKind::Deleted), ev(6, solve.clone())],
            "event 2 (status_changed) comes after ticket 00000000-0000-0000-0000-000000000001 was deleted",
        ),
        (
            "an event dated before the previous one",
            vec![
                created(),
                ev(10, reply.clone()),
                ev(5, EventKind::CustomerMessage),
            ],
            "event 2 (customer_message) at 2026-03-02 09:05:00 UTC is earlier than the previous event at 2026-03-02 09:10:00 UTC",
        ),
        (
            "created twice",
            vec![created(), created()],
            "event 1 (created) creates ticket 00000000-0000-0000-0000-000000000001 a second time",
        ),
        (
            "reopening a closed ticket",
            vec![
                created(),
                ev(1, solve.clone()),
                ev(2, EventKind::StatusChanged { to: Status::Closed }),
                ev(3, EventKind::StatusChanged { to: Status::Open }),
            ],
            "event 3 (status_changed) comes after ticket 00000000-0000-0000-0000-000000000001 was closed",
        ),
        (
            "replying on a merged ticket",
            vec![
                created(),
                ev(
                    1,
                    EventKind::Merged {
                        into: TicketId::from_u128(2),
                    },
                ),
                ev(2, reply.clone()),
            ],
            "event 2 (public_reply) comes after ticket 00000000-0000-0000-0000-000000000001 was closed",
        ),
        (
            "solving a solved ticket",
            vec![created(), ev(1, solve.clone()), ev(2, solve.clone())],
            "event 2 (status_changed) moves the ticket from solved to solved",
        ),
        (
            "back to new",
            vec![
                created(),
                ev(1, EventKind::StatusChanged { to: Status::Open }),
                ev(2, EventKind::StatusChanged { to: Status::New }),
            ],
            "event 2 (status_changed) moves the ticket from open to new",
        ),
        (
            "merged into itself",
            vec![
                created(),
                ev(
                    1,
                    EventKind::Merged {
                        into: TicketId::from_u128(1),
                    },
                ),
            ],
            "event 1 (merged) merges ticket 00000000-0000-0000-0000-000000000001 into itself",
        ),
    ];
    let config = SlaConfig::standard(Vec::new()).unwrap();
    for (name, history, message) in table {
        let mut record = SlaRecord::new(&config);
        let (good, bad) = history.split_at(history.len() - 1);
        for event in good {
            record
                .record(event)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let before = record.clone();
        let error = record.record(&bad[0]).unwrap_err();
        assert_eq!(error.to_string(), message, "{name}");
        assert_eq!(
            record, before,
            "{name}: a rejected event changed the record"
        );
        // The aggregate rejects it the same way, and the state stays put.
        let mut aggregate = before.clone();
        assert_eq!(
            aggregate
                .handle(&SlaCommand::Record(bad[0].clone()))
                .unwrap_err(),
            error
        );
        assert_eq!(aggregate, before, "{name}");
    }
}

#[test]
fn escalations_fire_once_per_threshold_and_rule() {
    let config = SlaConfig::standard(vec![
        SlaPolicy::new("default")
            .with_target(
                Metric::FirstReply,
                Priority::Normal,
                Target::new(TimeDelta::hours(2), office_utc()).unwrap(),
            )
            .with_target(
                Metric::FirstReply,
                Priority::Urgent,
                Target::new(TimeDelta::minutes(30), office_utc()).unwrap(),
            ),
    ])
    .unwrap();
    let boss = UserId::from_u128(99);
    let rules = [
        EscalationRule::new(
            Metric::FirstReply,
            Threshold::Warning,
            Action::Notify { user: boss },
        ),
        EscalationRule::new(
            Metric::FirstReply,
            Threshold::Breach,
            Action::RaisePriority {
                to: Priority::Urgent,
            },
        )
        .with_priority(Priority::Normal),
        EscalationRule::new(
            Metric::FirstReply,
            Threshold::Breach,
            Action::Reassign { to: boss },
        )
        .with_priority(Priority::Urgent),
    ];
    let history = [
        event("2026-03-06T16:00:00Z", Step::Create(N)),
        // Friday 16:00 + 2 business hours: Monday 10:00; warning at 90 min: Monday 09:30.
    ];
    let record = SlaRecord::from_history(&config, &history).unwrap();
    let friday = record
        .escalations(
            &rules,
            at("2026-03-06T16:00:00Z"),
            at("2026-03-09T09:00:00Z"),
        )
        .unwrap();
    assert!(friday.is_empty());
    let monday = record
        .escalations(
            &rules,
            at("2026-03-09T09:00:00Z"),
            at("2026-03-09T12:00:00Z"),
        )
        .unwrap();
    let fired: Vec<(DateTime<Utc>, Threshold, Action)> = monday
        .iter()
        .map(|e| (e.at, e.threshold, e.action))
        .collect();
    assert_eq!(
        fired,
        [
            (
                at("2026-03-09T09:30:00Z"),
                Threshold::Warning,
                Action::Notify { user: boss }
            ),
            (
                at("2026-03-09T10:00:00Z"),
                Threshold::Breach,
                Action::RaisePriority {
                    to: Priority::Urgent
                }
            ),
        ]
    );
    let later = record
        .escalations(
            &rules,
            at("2026-03-09T12:00:00Z"),
            at("2026-03-10T12:00:00Z"),
        )
        .unwrap();
    assert!(later.is_empty());
    assert!(
        record
            .escalations(
                &rules,
                at("2026-03-10T12:00:00Z"),
                at("2026-03-09T12:00:00Z")
            )
            .is_err()
    );

    // Raising the priority on Monday 09:00 puts the cycle past its new target
    // (30 min from Friday 16:00 was Friday 16:30): the breach falls due at the change.
    let mut raised = record.clone();
    raised
        .record(&event(
            "2026-03-09T09:00:00Z",
            Step::Priority(Priority::Urgent),
        ))
        .unwrap();
    let due = raised
        .escalations(
            &rules,
            at("2026-03-09T09:00:00Z"),
            at("2026-03-09T09:01:00Z"),
        )
        .unwrap();
    let fired: Vec<(DateTime<Utc>, Action)> = due.iter().map(|e| (e.at, e.action)).collect();
    assert_eq!(
        fired,
        [
            (at("2026-03-09T09:00:00Z"), Action::Notify { user: boss }),
            (at("2026-03-09T09:00:00Z"), Action::Reassign { to: boss }),
        ]
    );
}

#[test]
fn adherence_groups_by_priority_agent_and_period() {
    let config = SlaConfig::standard(vec![
        SlaPolicy::new("default")
            .with_target(
                Metric::FirstReply,
                Priority::Normal,
                Target::calendar_hours(TimeDelta::hours(1)).unwrap(),
            )
            .with_target(
                Metric::FirstReply,
                Priority::High,
                Target::calendar_hours(TimeDelta::minutes(30)).unwrap(),
            )
            .with_target(
                Metric::TotalResolution,
                Priority::Normal,
                Target::calendar_hours(TimeDelta::hours(8)).unwrap(),
            ),
    ])
    .unwrap();
    // (ticket, priority, assignee, created, first reply minutes, solved minutes)
    let tickets: [(u128, Priority, u128, &str, i64, i64); 5] = [
        (1, Priority::Normal, 1, "2026-03-02T09:00:00Z", 20, 120),
        (2, Priority::Normal, 1, "2026-03-02T10:00:00Z", 90, 600),
        (3, Priority::High, 2, "2026-03-31T22:00:00Z", 10, 180),
        (4, Priority::High, 2, "2026-04-01T09:00:00Z", 45, 300),
        (5, Priority::Normal, 2, "2026-04-02T09:00:00Z", 30, 200),
    ];
    let evaluations: Vec<_> = tickets
        .iter()
        .map(|(id, priority, agent, created, reply, solved)| {
            let t0 = at(created);
            let history = [
                TicketEvent::new(
                    t0,
                    EventKind::Created {
                        ticket: TicketId::from_u128(*id),
                        opened_by: Opener::Customer,
                        attributes: TicketAttributes::new(*priority)
                            .with_assignee(UserId::from_u128(*agent)),
                    },
                ),
                TicketEvent::new(
                    t0 + TimeDelta::minutes(*reply),
                    EventKind::PublicReply {
                        agent: UserId::from_u128(*agent),
                    },
                ),
                TicketEvent::new(
                    t0 + TimeDelta::minutes(*solved),
                    EventKind::StatusChanged { to: Status::Solved },
                ),
            ];
            SlaRecord::from_history(&config, &history)
                .unwrap()
                .evaluate(at("2026-04-03T00:00:00Z"))
                .unwrap()
        })
        .collect();

    let by_priority = adherence(&evaluations, GroupBy::Priority).unwrap();
    let normal = by_priority
        .iter()
        .find(|r| r.key == GroupKey::Priority(Priority::Normal))
        .unwrap();
    // First reply: 20 ok, 90 breached, 30 ok; resolution: 120 ok, 600 breached, 200 ok.
    assert_eq!((normal.achieved, normal.breached), (4, 2));
    assert_eq!(normal.achieved_percent.unwrap().to_string(), "66.67%");
    assert_eq!(normal.first_reply.median, Some(TimeDelta::minutes(30)));
    assert_eq!(normal.first_reply.p90, Some(TimeDelta::minutes(90)));
    assert_eq!(normal.resolution.median, Some(TimeDelta::minutes(200)));
    let high = by_priority
        .iter()
        .find(|r| r.key == GroupKey::Priority(Priority::High))
        .unwrap();
    // First reply 10 ok, 45 breached; resolution untargeted at high.
    assert_eq!((high.achieved, high.breached), (1, 1));
    assert_eq!(high.resolution.count, 2);

    let by_agent = adherence(&evaluations, GroupBy::Agent).unwrap();
    let keys: Vec<_> = by_agent.iter().map(|r| r.key.clone()).collect();
    assert_eq!(
        keys,
        [
            GroupKey::Agent(Some(UserId::from_u128(1))),
            GroupKey::Agent(Some(UserId::from_u128(2)))
        ]
    );
    assert_eq!((by_agent[0].achieved, by_agent[0].breached), (2, 2));

    let by_month = adherence(
        &evaluations,
        GroupBy::Period(bureau_core::Granularity::Month),
    )
    .unwrap();
    let months: Vec<String> = by_month
        .iter()
        .map(|r| match &r.key {
            GroupKey::Period(p) => p.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(months, ["2026-03", "2026-04"]);
    // Ticket 3 replied in March (22:10) and was solved in April (01:00).
    assert_eq!(by_month[0].first_reply.count, 3);
    assert_eq!(by_month[0].resolution.count, 2);
}

#[cfg(feature = "serde")]
#[test]
fn histories_and_configurations_travel_through_json() {
    let case = cases().into_iter().next().unwrap();
    let config = config_for(&case);
    let history: Vec<TicketEvent> = case.history.iter().map(|(i, s)| event(i, *s)).collect();
    let json = serde_json::to_string(&(&config, &history)).unwrap();
    let (back_config, back_history): (SlaConfig, Vec<TicketEvent>) =
        serde_json::from_str(&json).unwrap();
    assert_eq!(back_config, config);
    assert_eq!(back_history, history);
    let now = at(case.now);
    let evaluation = SlaRecord::from_history(&config, &history)
        .unwrap()
        .evaluate(now)
        .unwrap();
    let replayed = SlaRecord::from_history(&back_config, &back_history)
        .unwrap()
        .evaluate(now)
        .unwrap();
    assert_eq!(replayed, evaluation);
    assert!(
        serde_json::to_string(&evaluation)
            .unwrap()
            .contains("\"requester_wait\"")
    );
    // A target that its constructor would refuse is refused on the way in too.
    let bad = json.replacen("\"warning\":\"75\"", "\"warning\":\"0\"", 1);
    assert_ne!(bad, json);
    assert!(serde_json::from_str::<(SlaConfig, Vec<TicketEvent>)>(&bad).is_err());
}

#[test]
fn due_shortcuts_agree_with_the_evaluation() {
    let target = Target::new(TimeDelta::hours(2), office_utc()).unwrap();
    let config = SlaConfig::standard(vec![SlaPolicy::new("default").with_target(
        Metric::RequesterWait,
        Priority::Normal,
        target.clone(),
    )])
    .unwrap();
    // Friday 16:00 + 2 business hours: Monday 10:00, as long as nothing pauses.
    let opened = at("2026-03-06T16:00:00Z");
    assert_eq!(target.due_from(opened).unwrap(), at("2026-03-09T10:00:00Z"));
    let mut record =
        SlaRecord::from_history(&config, &[event("2026-03-06T16:00:00Z", Step::Create(N))])
            .unwrap();
    let now = at("2026-03-06T16:30:00Z");
    let ongoing_due = |record: &SlaRecord<'_>, now| {
        record
            .evaluate(now)
            .unwrap()
            .metric(&Metric::RequesterWait)
            .and_then(|m| m.ongoing.as_ref())
            .and_then(|c| c.due)
    };
    assert_eq!(
        record.due(&Metric::RequesterWait, now).unwrap(),
        Some(at("2026-03-09T10:00:00Z"))
    );
    assert_eq!(
        record.due(&Metric::RequesterWait, now).unwrap(),
        ongoing_due(&record, now)
    );
    // Pending from Friday 16:30 to Monday 09:30 holds back an hour of
    // working time (half an hour on each day): due at 11:00.
    record
        .record(&event("2026-03-06T16:30:00Z", Step::To(Status::Pending)))
        .unwrap();
    assert_eq!(
        record
            .due(&Metric::RequesterWait, at("2026-03-07T12:00:00Z"))
            .unwrap(),
        None
    );
    record
        .record(&event("2026-03-09T09:30:00Z", Step::To(Status::Open)))
        .unwrap();
    let monday = at("2026-03-09T09:30:00Z");
    assert_eq!(
        record.due(&Metric::RequesterWait, monday).unwrap(),
        Some(at("2026-03-09T11:00:00Z"))
    );
    assert_eq!(
        record.due(&Metric::RequesterWait, monday).unwrap(),
        ongoing_due(&record, monday)
    );
    // Metrics without a target or without an open cycle have no due instant.
    assert_eq!(record.due(&Metric::FirstReply, monday).unwrap(), None);
    assert_eq!(record.due(&Metric::NextReply, monday).unwrap(), None);
    assert!(record.due(&Metric::RequesterWait, opened).is_err());
}
