//! SLA benchmarks: recording and evaluating tickets of 6 events against 3
//! metrics (first reply, next reply, total resolution) on a New York
//! business-hours calendar with holidays.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bureau::calendar::{Calendar, Holiday, Observance, Schedule, Tz};
use bureau::sla::{
    EventKind, Metric, MetricDefinition, Opener, Priority, SlaConfig, SlaPolicy, SlaRecord, Status,
    Target, TicketAttributes, TicketEvent, WorkingTimeCache,
};
use bureau::{TicketId, UserId};
use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn business_calendar() -> Calendar {
    let schedule =
        Schedule::weekdays(Tz::America__New_York, "08:00-18:00".parse().unwrap()).unwrap();
    Calendar::builder(schedule)
        .holidays(
            [
                (1, 1, "New Year"),
                (7, 4, "Independence Day"),
                (12, 25, "Christmas"),
            ]
            .map(|(m, d, name)| {
                Holiday::yearly(m, d, name)
                    .unwrap()
                    .with_observance(Observance::NearestWeekday)
            }),
        )
        .build()
        .unwrap()
}

fn config() -> SlaConfig {
    let calendar = business_calendar();
    let metrics = [
        Metric::FirstReply,
        Metric::NextReply,
        Metric::TotalResolution,
    ];
    let hours = |metric: &Metric, priority: Priority| {
        let base = match metric {
            Metric::FirstReply => 4,
            Metric::NextReply => 8,
            _ => 40,
        };
        let factor = match priority {
            Priority::Urgent => 1,
            Priority::High => 2,
            Priority::Normal => 3,
            Priority::Low => 4,
        };
        TimeDelta::hours(base * factor / 2)
    };
    let mut policy = SlaPolicy::new("business");
    for metric in &metrics {
        for priority in Priority::ALL {
            let target = Target::new(hours(metric, priority), calendar.clone()).unwrap();
            policy = policy.with_target(metric.clone(), priority, target);
        }
    }
    let definitions = metrics
        .into_iter()
        .map(|m| MetricDefinition::standard(m).unwrap())
        .collect();
    SlaConfig::new(definitions, vec![policy]).unwrap()
}

/// 1024 tickets of 6 events each, created over a year at varied hours.
fn tickets() -> Vec<Vec<TicketEvent>> {
    let base = Utc.with_ymd_and_hms(2026, 1, 5, 13, 0, 0).unwrap();
    (0..1024_i64)
        .map(|n| {
            let created = base + TimeDelta::minutes(n * 517);
            let at = |minutes: i64| created + TimeDelta::minutes(minutes * (1 + n % 7));
            let agent = UserId::from_u128(u128::from(n.unsigned_abs() % 5));
            vec![
                TicketEvent::new(
                    created,
                    EventKind::Created {
                        ticket: TicketId::from_u128(u128::from(n.unsigned_abs())),
                        opened_by: Opener::Customer,
                        attributes: TicketAttributes::new(
                            Priority::ALL[usize::try_from(n % 4).unwrap()],
                        ),
                    },
                ),
                TicketEvent::new(at(20), EventKind::PrivateNote { agent }),
                TicketEvent::new(at(45), EventKind::PublicReply { agent }),
                TicketEvent::new(at(200), EventKind::CustomerMessage),
                TicketEvent::new(at(380), EventKind::PublicReply { agent }),
                TicketEvent::new(at(600), EventKind::StatusChanged { to: Status::Solved }),
            ]
        })
        .collect()
}

fn evaluate(c: &mut Criterion) {
    let config = config();
    let tickets = tickets();
    let mut group = c.benchmark_group("sla");
    group.throughput(Throughput::Elements(1));
    // Bulk evaluation: one working-time cache for all tickets (the way
    // reports and escalation sweeps evaluate).
    let mut cache = WorkingTimeCache::new();
    let mut next = 0_usize;
    group.bench_function("record_and_evaluate_cached", |b| {
        b.iter(|| {
            next = (next + 1) % tickets.len();
            let history = &tickets[next];
            let now = history[5].at() + TimeDelta::hours(1);
            let record = SlaRecord::from_history(&config, black_box(history)).unwrap();
            black_box(record.evaluate_with(now, &mut cache).unwrap())
        })
    });
    // One ticket at a time, every question asked of the calendar.
    let mut next = 0_usize;
    group.bench_function("record_and_evaluate_uncached", |b| {
        b.iter(|| {
            next = (next + 1) % tickets.len();
            let history = &tickets[next];
            let now = history[5].at() + TimeDelta::hours(1);
            let record = SlaRecord::from_history(&config, black_box(history)).unwrap();
            black_box(record.evaluate(now).unwrap())
        })
    });
    // Recording alone: the incremental state, no working-time arithmetic.
    let mut next = 0_usize;
    group.bench_function("record_only", |b| {
        b.iter(|| {
            next = (next + 1) % tickets.len();
            black_box(SlaRecord::from_history(&config, black_box(&tickets[next])).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
