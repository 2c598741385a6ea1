//! Strategies that generate valid schedules, holidays and calendars, for
//! property tests.
//!
//! Every value generated is accepted by the constructors. Interval boundaries
//! fall on quarter hours; schedules may hold split shifts, shifts ending at
//! 24:00 and overnight shifts. Zones are the twenty this crate is tested in:
//! New York, London, Berlin, Lord Howe (30-minute DST), Kolkata (no DST),
//! Chatham (+12:45/+13:45) and UTC, and the thirteen where a fall-back takes
//! the clock back across midnight (see [`ZONES`]).
//!
//! ```
//! use bureau_calendar::strategy;
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use proptest::prelude::*;
//!
//! let from = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).single().ok_or("time")?;
//! proptest!(|(calendar in strategy::calendar_near(from.date_naive()), minutes in 0_i64..20_000)| {
//!     let d = TimeDelta::minutes(minutes);
//!     if let Ok(due) = calendar.add_working(from, d) {
//!         prop_assert_eq!(calendar.working_between(from, due), d);
//!     }
//! });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use ::proptest::prelude::*;
use chrono::{Days, NaiveDate, Weekday};

use crate::{
    Calendar, Church, DayHours, Holiday, Observance, Occurrence, Schedule, Tz, WallInterval,
    WallTime, WorkingDay, WorkingDays,
};

const QUARTER: u32 = 900;

/// The twenty zones this crate is tested in: New York, London, Berlin, Lord
/// Howe, Kolkata, Chatham and UTC; then every zone of the tz database (one
/// per set of links) where, between 1800 and 2100, a fall-back takes the
/// clock back across midnight, so that day D's first hours begin before day
/// D-1's repeated hour ends: St John's, Goose Bay and Moncton (1987-2010),
/// Phoenix (1944), Guam (1969), Casey (2010), and Adak, Anchorage, Juneau,
/// Metlakatla, Nome, Sitka and Yakutat (the date line, 1867).
///
/// ```
/// use bureau_calendar::{strategy, Tz};
/// assert!(strategy::ZONES.contains(&Tz::Australia__Lord_Howe));
/// ```
pub const ZONES: [Tz; 20] = crate::zone::TESTED_ZONES;

/// One of the twenty [`ZONES`].
///
/// ```
/// use bureau_calendar::strategy;
/// use proptest::prelude::*;
/// proptest!(|(tz in strategy::zone())| prop_assert!(strategy::ZONES.contains(&tz)));
/// ```
pub fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(ZONES.to_vec())
}

/// A wall-clock time on a whole second, from 00:00 to 24:00 (both ends
/// included, each about one time in twenty).
///
/// ```
/// use bureau_calendar::{strategy, WallTime};
/// use proptest::prelude::*;
/// proptest!(|(t in strategy::wall_time())| {
///     prop_assert_eq!(t.to_string().parse::<WallTime>()?, t);
/// });
/// ```
pub fn wall_time() -> impl Strategy<Value = WallTime> {
    prop_oneof![
        1 => Just(WallTime::MIDNIGHT),
        1 => Just(WallTime::END_OF_DAY),
        18 => (0_u32..24, 0_u32..60, 0_u32..60).prop_filter_map("valid time", |(h, m, s)| WallTime::hms(h, m, s).ok()),
    ]
}

/// A count of working days to add or compare: 0 to 400 days in quarter
/// days, whole days more often than not.
///
/// ```
/// use bureau_calendar::{strategy, WorkingDays};
/// use proptest::prelude::*;
/// proptest!(|(days in strategy::working_days())| {
///     prop_assert!(!days.is_negative() && days <= WorkingDays::from(400));
/// });
/// ```
pub fn working_days() -> impl Strategy<Value = WorkingDays> {
    prop_oneof![
        3 => (0_i64..=400).prop_map(WorkingDays::from),
        2 => (0_i64..=1_600).prop_map(|quarters| WorkingDays::new(bureau_core::Decimal::new(quarters * 25, 2))),
    ]
}

/// A wall-clock interval on quarter hours, 15 minutes to 24 hours long
/// (24 only from midnight), possibly crossing midnight.
///
/// ```
/// use bureau_calendar::strategy;
/// use proptest::prelude::*;
/// proptest!(|(i in strategy::wall_interval())| {
///     prop_assert!(i.duration().num_minutes() >= 15 && i.duration().num_hours() <= 24);
/// });
/// ```
pub fn wall_interval() -> impl Strategy<Value = WallInterval> {
    (0_u32..96, 1_u32..=96).prop_filter_map("valid interval", |(start, len)| {
        WallInterval::from_seconds(start * QUARTER, (start + len) * QUARTER)
    })
}

/// One day's hours: up to three intervals, the last possibly running past
/// midnight.
///
/// ```
/// use bureau_calendar::{strategy, DayHours};
/// use proptest::prelude::*;
/// proptest!(|(hours in strategy::day_hours())| {
///     prop_assert_eq!(hours.to_string().parse::<DayHours>()?, hours);
/// });
/// ```
pub fn day_hours() -> impl Strategy<Value = DayHours> {
    (
        prop::collection::btree_set(0_u32..=96, 0..=6),
        prop::option::weighted(0.2, 1_u32..=32),
    )
        .prop_filter_map("valid hours", |(cuts, overnight)| {
            let cuts: Vec<u32> = cuts.into_iter().collect();
            let mut intervals = Vec::new();
            let count = cuts.len() / 2;
            for (n, pair) in cuts.chunks_exact(2).enumerate() {
                if let [s, e] = pair {
                    let mut end = *e;
                    if n + 1 == count {
                        // Under 24 hours, or exactly 00:00-24:00.
                        let cap = if *s == 0 { 96 } else { s + 95 };
                        end = (end + overnight.unwrap_or(0)).min(cap);
                    }
                    intervals.push(WallInterval::from_seconds(s * QUARTER, end * QUARTER)?);
                }
            }
            DayHours::new(intervals).ok()
        })
}

/// A schedule in `time_zone` (each weekday free with some probability).
///
/// ```
/// use bureau_calendar::{strategy, Tz};
/// use proptest::prelude::*;
/// proptest!(|(s in strategy::schedule_in(Tz::Europe__Berlin))| prop_assert_eq!(s.time_zone(), Tz::Europe__Berlin));
/// ```
pub fn schedule_in(time_zone: Tz) -> impl Strategy<Value = Schedule> {
    prop::collection::vec(prop::option::weighted(0.75, day_hours()), 7).prop_filter_map(
        "no overlap across days",
        move |days| {
            // Position 0 is Monday.
            let days = days.into_iter().enumerate().filter_map(|(i, hours)| {
                let weekday = Weekday::try_from(u8::try_from(i).ok()?).ok()?;
                Some((weekday, hours?))
            });
            Schedule::new(time_zone, days).ok()
        },
    )
}

/// A schedule in any of the twenty [`zone`]s.
///
/// ```
/// use bureau_calendar::strategy;
/// use proptest::prelude::*;
/// proptest!(|(s in strategy::schedule())| prop_assert!(s.weekly_duration().num_days() <= 7));
/// ```
pub fn schedule() -> impl Strategy<Value = Schedule> {
    zone().prop_flat_map(schedule_in)
}

/// An observance rule.
///
/// ```
/// use bureau_calendar::strategy;
/// use chrono::NaiveDate;
/// use proptest::prelude::*;
/// let monday = NaiveDate::from_ymd_opt(2026, 5, 4).ok_or("date")?;
/// proptest!(|(rule in strategy::observance())| prop_assert_eq!(rule.apply(monday), Some(monday)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn observance() -> impl Strategy<Value = Observance> {
    prop::sample::select(vec![
        Observance::OnTheDay,
        Observance::NearestWeekday,
        Observance::FollowingMonday,
        Observance::SundayToMonday,
        Observance::Substitute,
    ])
}

/// A holiday, one-off or recurring (on a month and day, on a weekday of a
/// month, or counted from Easter), whole or part day, falling within
/// `spread_days` of `date` in `date`'s year.
///
/// ```
/// use bureau_calendar::strategy;
/// use chrono::{Datelike, NaiveDate};
/// use proptest::prelude::*;
/// let day = NaiveDate::from_ymd_opt(2026, 6, 15).ok_or("date")?;
/// proptest!(|(h in strategy::holiday_near(day, 3))| prop_assert!(h.date_in(2026).is_some_and(|d| d.month() == 6)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn holiday_near(date: NaiveDate, spread_days: u32) -> impl Strategy<Value = Holiday> {
    (
        // In u64 so that twice any u32 spread cannot overflow.
        0..=2 * u64::from(spread_days),
        0..4u8,
        observance(),
        prop::option::weighted(0.3, day_hours()),
    )
        .prop_filter_map("date in range", move |(shift, kind, rule, part)| {
            use chrono::Datelike;
            let day = date
                .checked_sub_days(Days::new(u64::from(spread_days)))?
                .checked_add_days(Days::new(shift))?;
            let holiday = match kind {
                0 => Holiday::on(day, "one-off"),
                1 => Holiday::yearly(day.month(), day.day(), "yearly").ok()?,
                2 => {
                    // The occurrence of `day`'s weekday that `day` is (a fifth
                    // one is the last).
                    let occurrence = match (day.day() - 1) / 7 {
                        0 => Occurrence::First,
                        1 => Occurrence::Second,
                        2 => Occurrence::Third,
                        3 => Occurrence::Fourth,
                        _ => Occurrence::Last,
                    };
                    Holiday::nth_weekday(day.month(), occurrence, day.weekday(), "weekday of month")
                        .ok()?
                }
                _ => {
                    let easter = Church::Western.easter_sunday(day.year())?;
                    let offset =
                        i32::try_from(day.signed_duration_since(easter).num_days()).ok()?;
                    Holiday::easter(offset, "from easter").ok()?
                }
            }
            .with_observance(rule);
            Some(match part {
                Some(hours) => holiday.half_day(hours),
                None => holiday,
            })
        })
}

/// A calendar in any of the twenty [`zone`]s whose holidays and working days
/// fall within ten days of `date`, so that tests around `date` meet them.
///
/// ```
/// use bureau_calendar::strategy;
/// use chrono::NaiveDate;
/// use proptest::prelude::*;
/// let day = NaiveDate::from_ymd_opt(2026, 3, 29).ok_or("date")?;
/// proptest!(|(c in strategy::calendar_near(day))| prop_assert!(c.holidays().len() < 5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn calendar_near(date: NaiveDate) -> impl Strategy<Value = Calendar> {
    zone().prop_flat_map(move |tz| calendar_near_in(tz, date))
}

/// A calendar in `time_zone` whose holidays and working days fall within ten
/// days of `date`.
///
/// ```
/// use bureau_calendar::{strategy, Tz};
/// use chrono::NaiveDate;
/// use proptest::prelude::*;
/// let day = NaiveDate::from_ymd_opt(2026, 10, 4).ok_or("date")?;
/// proptest!(|(c in strategy::calendar_near_in(Tz::Australia__Lord_Howe, day))| {
///     prop_assert_eq!(c.schedule().time_zone(), Tz::Australia__Lord_Howe);
/// });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn calendar_near_in(time_zone: Tz, date: NaiveDate) -> impl Strategy<Value = Calendar> {
    (
        schedule_in(time_zone),
        prop::collection::vec(holiday_near(date, 10), 0..5),
        prop::collection::vec((0_u64..=20, day_hours()), 0..3),
    )
        .prop_filter_map(
            "one entry per date",
            move |(schedule, holidays, overrides)| {
                let mut builder = Calendar::builder(schedule).holidays(holidays);
                for (shift, hours) in overrides {
                    let day = date
                        .checked_sub_days(Days::new(10))?
                        .checked_add_days(Days::new(shift))?;
                    if let Ok(w) = WorkingDay::new(day, hours) {
                        builder = builder.working_day(w);
                    }
                }
                builder.build().ok()
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::proptest::strategy::ValueTree;
    use ::proptest::test_runner::TestRunner;

    #[test]
    fn the_widest_holiday_spread_builds_a_strategy() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let mut runner = TestRunner::default();
        // Shifts now span twice u32::MAX days without overflowing; most land
        // outside the calendar and are filtered, which is not a panic.
        let strategy = holiday_near(day, u32::MAX);
        let _ = strategy.new_tree(&mut runner);
        let near = holiday_near(day, 3)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        assert!(near.date_in(2026).is_some());
    }

    #[test]
    fn day_hours_read_back() {
        let mut runner = TestRunner::default();
        runner
            .run(&day_hours(), |hours| {
                prop_assert_eq!(hours.to_string().parse::<DayHours>().ok(), Some(hours));
                Ok(())
            })
            .unwrap();
    }
}
