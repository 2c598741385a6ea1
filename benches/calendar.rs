//! Calendar benchmarks: working-time arithmetic over spans of one day to one
//! year on a New York business calendar with holidays and DST changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bureau::calendar::{Calendar, Holiday, Observance, Occurrence, Schedule, Tz};
use chrono::{DateTime, TimeDelta, TimeZone, Utc, Weekday};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn business_calendar() -> Calendar {
    let schedule = Schedule::weekdays(
        Tz::America__New_York,
        "09:00-12:00, 13:00-17:30".parse().unwrap(),
    )
    .unwrap();
    let yearly = [
        (1, 1, "New Year"),
        (7, 4, "Independence Day"),
        (12, 25, "Christmas"),
    ];
    Calendar::builder(schedule)
        .holidays(yearly.map(|(m, d, name)| {
            Holiday::yearly(m, d, name)
                .unwrap()
                .with_observance(Observance::NearestWeekday)
        }))
        .holiday(
            Holiday::yearly(12, 24, "Christmas Eve")
                .unwrap()
                .half_day("09:00-12:00".parse().unwrap()),
        )
        .build()
        .unwrap()
}

/// England and Wales: bank holidays by weekday-of-month and Easter rules,
/// with chained substitute days; the Easter rules are looked up year by year.
fn english_calendar() -> Calendar {
    let sub = Observance::Substitute;
    let monday = |month, occurrence, name| {
        Holiday::nth_weekday(month, occurrence, Weekday::Mon, name).unwrap()
    };
    Calendar::builder(
        Schedule::weekdays(Tz::Europe__London, "09:00-17:30".parse().unwrap()).unwrap(),
    )
    .holiday(
        Holiday::yearly(1, 1, "New Year's Day")
            .unwrap()
            .with_observance(sub),
    )
    .holiday(Holiday::easter(-2, "Good Friday").unwrap())
    .holiday(Holiday::easter(1, "Easter Monday").unwrap())
    .holiday(monday(5, Occurrence::First, "Early May bank holiday"))
    .holiday(monday(5, Occurrence::Last, "Spring bank holiday"))
    .holiday(monday(8, Occurrence::Last, "Summer bank holiday"))
    .holiday(
        Holiday::yearly(12, 25, "Christmas Day")
            .unwrap()
            .with_observance(sub),
    )
    .holiday(
        Holiday::yearly(12, 26, "Boxing Day")
            .unwrap()
            .with_observance(sub),
    )
    .build()
    .unwrap()
}

fn start() -> DateTime<Utc> {
    // Tuesday 2026-02-17 10:15 in New York; spans reach over the March DST
    // change, Independence Day and Christmas.
    Utc.with_ymd_and_hms(2026, 2, 17, 15, 15, 0).unwrap()
}

fn arithmetic(c: &mut Criterion) {
    let calendar = business_calendar();
    let from = start();
    let mut group = c.benchmark_group("calendar");
    group.throughput(Throughput::Elements(1));
    for (label, days) in [("1d", 1), ("30d", 30), ("365d", 365)] {
        let to = from + TimeDelta::days(days);
        let amount = calendar.working_between(from, to);
        group.bench_function(format!("working_between_{label}"), |b| {
            b.iter(|| calendar.working_between(black_box(from), black_box(to)))
        });
        group.bench_function(format!("add_working_{label}"), |b| {
            b.iter(|| {
                calendar
                    .add_working(black_box(from), black_box(amount))
                    .unwrap()
            })
        });
    }
    let england = english_calendar();
    let to = from + TimeDelta::days(365);
    let amount = england.working_between(from, to);
    group.bench_function("working_between_365d_english_bank_holidays", |b| {
        b.iter(|| england.working_between(black_box(from), black_box(to)))
    });
    group.bench_function("add_working_365d_english_bank_holidays", |b| {
        b.iter(|| {
            england
                .add_working(black_box(from), black_box(amount))
                .unwrap()
        })
    });
    group.finish();
}

/// The naive approach for comparison: test every minute.
fn walk_between(calendar: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
    let mut t = from;
    let mut minutes = 0;
    while t < to {
        minutes += i64::from(calendar.is_working(t));
        t += TimeDelta::minutes(1);
    }
    TimeDelta::minutes(minutes)
}

fn walk_add(calendar: &Calendar, from: DateTime<Utc>, amount: TimeDelta) -> DateTime<Utc> {
    let mut t = from;
    let mut left = amount.num_minutes();
    while left > 0 {
        left -= i64::from(calendar.is_working(t));
        t += TimeDelta::minutes(1);
    }
    t
}

fn minute_walker(c: &mut Criterion) {
    let calendar = business_calendar();
    let from = start();
    let mut group = c.benchmark_group("calendar_minute_walker");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    for (label, days) in [("1d", 1), ("30d", 30), ("365d", 365)] {
        let to = from + TimeDelta::days(days);
        let amount = calendar.working_between(from, to);
        assert_eq!(walk_between(&calendar, from, to), amount);
        group.bench_function(format!("working_between_{label}"), |b| {
            b.iter(|| walk_between(&calendar, black_box(from), black_box(to)))
        });
        group.bench_function(format!("add_working_{label}"), |b| {
            b.iter(|| walk_add(&calendar, black_box(from), black_box(amount)))
        });
    }
    group.finish();
}

criterion_group!(benches, arithmetic, minute_walker);
criterion_main!(benches);
