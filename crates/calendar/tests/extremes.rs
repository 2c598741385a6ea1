//! Extreme but valid inputs: instants at the ends of `DateTime<Utc>`, dates at
//! the ends of `NaiveDate`, durations up to `TimeDelta::MAX` and day counts up
//! to `Decimal::MAX` give a result or a typed error, never a panic or an
//! endless search.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_calendar::{Calendar, Error, Holiday, Schedule, Tz, WorkingDay, WorkingDays};
use bureau_core::Decimal;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;

fn calendars() -> Vec<Calendar> {
    let nine_to_five = || "09:00-17:00".parse().unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    vec![
        Calendar::always(),
        Calendar::builder(Schedule::weekdays(Tz::America__New_York, nine_to_five()).unwrap())
            .holiday(Holiday::yearly(12, 25, "Christmas").unwrap())
            .holiday(Holiday::on(day, "Eve").half_day("09:00-12:00".parse().unwrap()))
            .build()
            .unwrap(),
        Calendar::new(
            Schedule::weekdays(Tz::Australia__Lord_Howe, "22:00-06:00".parse().unwrap()).unwrap(),
        ),
        // No weekly hours: one working day and nothing else.
        Calendar::builder(Schedule::new(Tz::Pacific__Chatham, []).unwrap())
            .working_day(WorkingDay::new(day, nine_to_five()).unwrap())
            .build()
            .unwrap(),
    ]
}

const INSTANTS: [DateTime<Utc>; 3] = [
    DateTime::<Utc>::MIN_UTC,
    DateTime::<Utc>::UNIX_EPOCH,
    DateTime::<Utc>::MAX_UTC,
];

fn year_1000() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(1000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
}

/// Every calendar is asked from the first instant on: the zone listing
/// covers all of time, so no walk goes day by day through the centuries.
fn starts(_calendar: &Calendar) -> Vec<DateTime<Utc>> {
    INSTANTS.to_vec()
}

#[test]
fn adding_working_time_at_the_ends_of_time_is_an_error_or_a_later_instant() {
    for calendar in calendars() {
        for from in starts(&calendar) {
            for amount in [
                TimeDelta::nanoseconds(1),
                TimeDelta::days(30),
                TimeDelta::MAX,
            ] {
                match calendar.add_working(from, amount) {
                    Ok(due) => {
                        assert!(due > from);
                        assert_eq!(calendar.working_between(from, due), amount);
                    }
                    Err(Error::OutOfRange { .. } | Error::NoWorkingTime { .. }) => {}
                    Err(other) => panic!("unexpected error {other}"),
                }
            }
            assert!(matches!(
                calendar.add_working(from, TimeDelta::MIN),
                Err(Error::NegativeDuration { amount, .. }) if amount == TimeDelta::MIN
            ));
        }
    }
}

#[test]
fn the_largest_duration_is_out_of_range_at_once() {
    for from in INSTANTS {
        for calendar in calendars() {
            let err = calendar.add_working(from, TimeDelta::MAX).unwrap_err();
            assert!(
                matches!(err, Error::OutOfRange { from: f, .. } if f == from),
                "{err}"
            );
        }
    }
}

#[test]
fn measuring_near_the_ends_of_time_does_not_panic() {
    let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    let month = TimeDelta::days(30);
    for calendar in calendars() {
        let first = starts(&calendar)[0];
        for (from, to) in [
            (first, first + month),
            (max - month, max),
            (year_1000(), max),
            (min, max),
            (min, min),
            (max, max),
        ] {
            let between = calendar.working_between(from, to);
            assert_eq!(between, -calendar.working_between(to, from));
            assert!(between >= TimeDelta::zero() && between <= to - from);
            let spans: Vec<_> = calendar
                .working_intervals(
                    from,
                    from.checked_add_signed(month).map_or(to, |end| to.min(end)),
                )
                .collect();
            assert!(spans.iter().all(|(s, e)| s < e && *s >= from));
        }
        for at in [first, max] {
            let _ = calendar.is_working(at);
            if let Some(next) = calendar.next_working_instant(at) {
                assert!(next >= at);
            }
        }
    }
}

#[test]
fn working_days_at_the_ends_of_the_calendar() {
    for calendar in calendars() {
        for date in [NaiveDate::MIN, NaiveDate::MAX] {
            let _ = calendar.hours_on(date);
            assert!(calendar.counts_as(date) <= WorkingDays::ONE);
            for days in [Decimal::ONE, Decimal::from(u64::MAX), Decimal::MAX] {
                match calendar.add_working_days(date, WorkingDays::new(days)) {
                    Ok(end) => assert!(end > date),
                    Err(Error::NoWorkingDays { .. }) => {}
                    Err(other) => panic!("unexpected error {other}"),
                }
            }
            assert!(matches!(
                calendar.add_working_days(date, WorkingDays::new(Decimal::MIN)),
                Err(Error::NegativeDays { .. })
            ));
        }
        let all = calendar.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
        assert_eq!(
            all,
            -calendar.working_days_between(NaiveDate::MAX, NaiveDate::MIN)
        );
    }
}

#[test]
fn more_working_days_than_dates_left_is_a_prompt_error() {
    let calendar = Calendar::always();
    let from = NaiveDate::MAX;
    assert!(matches!(
        calendar.add_working_days(from, WorkingDays::ONE),
        Err(Error::NoWorkingDays { from: f, days, .. }) if f == from && days == WorkingDays::ONE
    ));
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let max = WorkingDays::new(Decimal::MAX);
    let err = calendar.add_working_days(from, max).unwrap_err();
    assert!(
        matches!(err, Error::NoWorkingDays { from: f, days, .. } if f == from && days == max),
        "{err}"
    );
    assert!(err.to_string().contains("2026-01-01"));
    // Exactly as many days as there are dates left still works on a 24/7 calendar.
    let from = NaiveDate::MAX
        .checked_sub_days(chrono::Days::new(3))
        .unwrap();
    assert_eq!(
        calendar.add_working_days(from, WorkingDays::from(3)),
        Ok(NaiveDate::MAX)
    );
}

/// Instants from 1800 to the last one, often within a month of the last.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let lo = NaiveDate::from_ymd_opt(1800, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let hi = DateTime::<Utc>::MAX_UTC.timestamp();
    prop_oneof![
        (lo..=hi).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
        (0_i64..=86_400 * 30).prop_map(move |s| DateTime::from_timestamp(hi - s, 0).unwrap()),
    ]
}

/// Durations up to `TimeDelta::MAX`, often below ten years.
fn duration() -> impl Strategy<Value = TimeDelta> {
    prop_oneof![
        (0_i64..=i64::MAX).prop_map(TimeDelta::milliseconds),
        (0_i64..=86_400 * 3650).prop_map(TimeDelta::seconds),
        Just(TimeDelta::MAX),
    ]
}

proptest! {
    #[test]
    fn extreme_instants_and_durations_never_panic(index in 0_usize..4, from in instant(), window in duration(), amount in duration()) {
        let calendar = calendars().swap_remove(index);
        // Measured over at most ten years: the cost grows with the days crossed.
        let to = from + window.min(TimeDelta::days(3650)).min(DateTime::<Utc>::MAX_UTC - from);
        let between = calendar.working_between(from, to);
        prop_assert!(between >= TimeDelta::zero() && between <= to - from);
        prop_assert_eq!(calendar.working_between(to, from), -between);
        match calendar.add_working(from, amount) {
            Ok(due) => prop_assert!(due - from >= amount),
            Err(err) => prop_assert!(matches!(err, Error::OutOfRange { .. } | Error::NoWorkingTime { .. }), "{}", err),
        }
    }

    #[test]
    fn instants_near_the_first_never_panic(index in 0_usize..3, offset in 0_i64..=86_400 * 30, amount in 0_i64..=86_400 * 400) {
        let calendar = calendars().swap_remove(index);
        let from = DateTime::<Utc>::MIN_UTC + TimeDelta::seconds(offset);
        let amount = TimeDelta::seconds(amount);
        let due = calendar.add_working(from, amount).unwrap();
        prop_assert_eq!(calendar.working_between(from, due), amount);
    }

    #[test]
    fn extreme_dates_and_day_counts_never_panic(index in 0_usize..4, days in 0_u64..190_000_000, mantissa in any::<i64>(), scale in 0_u32..=28) {
        let calendar = calendars().swap_remove(index);
        let date = NaiveDate::MIN.checked_add_days(chrono::Days::new(days)).unwrap();
        let count = WorkingDays::new(Decimal::new(mantissa, scale).abs());
        match calendar.add_working_days(date, count) {
            Ok(end) => prop_assert!(end >= date),
            Err(err) => prop_assert!(matches!(err, Error::NoWorkingDays { .. }), "{}", err),
        }
    }
}
