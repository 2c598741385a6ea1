//! Integration tests of bureau-calendar: named regression cases for the known
//! ways working-time calendars go wrong, and property tests against a naive
//! minute-walking reference implementation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_calendar::WorkingDays;
use bureau_calendar::{
    Calendar, DayHours, Error, Holiday, HolidayDate, Observance, Occurrence, Schedule, Tz,
    WorkingDay,
};
use bureau_core::Decimal;
use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc,
    Weekday,
};

// ---------------------------------------------------------------------------
// The reference: a deliberately naive model of the documented semantics.
// ---------------------------------------------------------------------------

/// The hours a date works, resolved from the calendar's public parts.
fn reference_hours(calendar: &Calendar, date: NaiveDate) -> DayHours {
    if let Some(w) = calendar.working_days().iter().find(|w| w.date() == date) {
        return w.hours().clone();
    }
    let part_or_closed = |h: &Holiday| h.hours().cloned().unwrap_or_else(DayHours::closed);
    for h in calendar.holidays() {
        if let HolidayDate::On(d) = h.date()
            && h.observance().apply(d) == Some(date)
        {
            return part_or_closed(h);
        }
    }
    // Substitute days depend on the other holidays: those come from the
    // calendar's own listing; every other rule is resolved here, directly.
    let substitutes: Vec<&Holiday> = calendar
        .holidays_in(date.year())
        .into_iter()
        .filter(|(d, h)| *d == date && h.observance() == Observance::Substitute)
        .map(|(_, h)| h)
        .collect();
    let mut found: Option<&Holiday> = None;
    for h in calendar.holidays() {
        // Easter holidays move by their rule alone, like one-off ones.
        let chained = h.observance() == Observance::Substitute
            && !matches!(h.date(), HolidayDate::On(_) | HolidayDate::Easter { .. });
        let hits = if chained {
            substitutes.iter().any(|s| std::ptr::eq(*s, h))
        } else {
            (date.year() - 1..=date.year() + 1).any(|y| {
                reference_unmoved(h.date(), y).and_then(|d| h.observance().apply(d)) == Some(date)
            })
        };
        if hits
            && (found.is_none()
                || (h.hours().is_none() && found.is_some_and(|f| f.hours().is_some())))
        {
            found = Some(h);
        }
    }
    match found {
        Some(h) => part_or_closed(h),
        None => calendar.schedule().hours(date.weekday()).clone(),
    }
}

/// The unmoved date of a recurring holiday's occurrence of `year`, found by
/// walking the calendar rather than by formula (Easter Sunday excepted,
/// which `tests/holidays.rs` checks against published tables).
fn reference_unmoved(date: HolidayDate, year: i32) -> Option<NaiveDate> {
    match date {
        HolidayDate::Yearly { month, day } => NaiveDate::from_ymd_opt(year, month, day),
        HolidayDate::NthWeekday {
            month,
            occurrence,
            weekday,
        } => {
            let days: Vec<NaiveDate> = NaiveDate::from_ymd_opt(year, month, 1)?
                .iter_days()
                .take_while(|d| d.month() == month)
                .filter(|d| d.weekday() == weekday)
                .collect();
            let index = match occurrence {
                Occurrence::First => 0,
                Occurrence::Second => 1,
                Occurrence::Third => 2,
                Occurrence::Fourth => 3,
                Occurrence::Last => days.len().checked_sub(1)?,
            };
            days.get(index).copied()
        }
        HolidayDate::Easter {
            church,
            offset_days,
        } => church
            .easter_sunday(year)?
            .checked_add_signed(TimeDelta::days(i64::from(offset_days))),
        _ => None,
    }
}

/// The instant of a wall-clock boundary: the first instant after a gap; the
/// earlier of a repeated time for a start, the later for an end.
fn reference_instant(tz: Tz, local: NaiveDateTime, start: bool) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.to_utc(),
        LocalResult::Ambiguous(a, b) => {
            if start {
                a.to_utc().min(b.to_utc())
            } else {
                a.to_utc().max(b.to_utc())
            }
        }
        LocalResult::None => {
            let mut later = local;
            loop {
                later += TimeDelta::minutes(1);
                if let Some(t) = tz.from_local_datetime(&later).earliest() {
                    return t.to_utc();
                }
            }
        }
    }
}

/// Every interval owned by the dates around `[a, b]`, in UTC.
fn reference_intervals(
    calendar: &Calendar,
    a: DateTime<Utc>,
    b: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let tz = calendar.schedule().time_zone();
    let first = a.with_timezone(&tz).date_naive() - Days::new(2);
    // A fall-back can take the clock back across midnight (by up to a day,
    // Alaska in 1867), so a date after `b`'s may hold an interval that
    // starts before `b`.
    let last = b.with_timezone(&tz).date_naive() + Days::new(2);
    let mut out = Vec::new();
    let mut date = first;
    while date <= last {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap();
        for i in reference_hours(calendar, date).intervals() {
            let s = midnight + TimeDelta::seconds(i64::from(i.start_seconds()));
            let e = midnight + TimeDelta::seconds(i64::from(i.end_seconds()));
            out.push((
                reference_instant(tz, s, true),
                reference_instant(tz, e, false),
            ));
        }
        date = date + Days::new(1);
    }
    out
}

fn reference_is_working(intervals: &[(DateTime<Utc>, DateTime<Utc>)], t: DateTime<Utc>) -> bool {
    intervals.iter().any(|&(s, e)| s <= t && t < e)
}

/// Working minutes in `[a, b)`, walking minute by minute (`a`, `b` on whole
/// minutes, interval boundaries on whole minutes).
fn reference_between(calendar: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
    let intervals = reference_intervals(calendar, a, b);
    let mut t = a;
    let mut minutes = 0;
    while t < b {
        if reference_is_working(&intervals, t) {
            minutes += 1;
        }
        t += TimeDelta::minutes(1);
    }
    TimeDelta::minutes(minutes)
}

/// The end of the minute in which `d` working minutes after `a` are done,
/// looking no further than `limit`.
fn reference_add(
    calendar: &Calendar,
    a: DateTime<Utc>,
    d: TimeDelta,
    limit: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if d.is_zero() {
        return Some(a);
    }
    let intervals = reference_intervals(calendar, a, limit);
    let mut t = a;
    let mut done = TimeDelta::zero();
    while t < limit {
        if reference_is_working(&intervals, t) {
            done += TimeDelta::minutes(1);
            if done == d {
                return Some(t + TimeDelta::minutes(1));
            }
        }
        t += TimeDelta::minutes(1);
    }
    None
}

// ---------------------------------------------------------------------------
// Named regression cases.
// ---------------------------------------------------------------------------

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn schedule(tz: Tz, days: &[(Weekday, &str)]) -> Schedule {
    Schedule::new(tz, days.iter().map(|(w, h)| (*w, h.parse().unwrap()))).unwrap()
}

const ALL_WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];
const WORK_WEEK: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

fn every(days: &[Weekday], hours: &'static str) -> Vec<(Weekday, &'static str)> {
    days.iter().map(|d| (*d, hours)).collect()
}

struct Between {
    name: &'static str,
    zone: Tz,
    days: Vec<(Weekday, &'static str)>,
    holidays: Vec<Holiday>,
    from: &'static str,
    to: &'static str,
    expected: TimeDelta,
}

fn between_cases() -> Vec<Between> {
    let ny = Tz::America__New_York;
    vec![
        Between {
            name: "one UTC offset across spring forward: Friday 09:00 EST to Monday 17:00 EDT is 16 h",
            zone: ny,
            days: every(&WORK_WEEK, "09:00-17:00"),
            holidays: vec![],
            from: "2026-03-06T14:00:00Z",
            to: "2026-03-09T21:00:00Z",
            expected: TimeDelta::hours(16),
        },
        Between {
            name: "spring-forward night: 01:00-03:00 is one real hour",
            zone: ny,
            days: every(&ALL_WEEK, "01:00-03:00"),
            holidays: vec![],
            from: "2026-03-08T00:00:00Z",
            to: "2026-03-09T00:00:00Z",
            expected: TimeDelta::hours(1),
        },
        Between {
            name: "fall-back night: 00:00-02:00 is three real hours",
            zone: ny,
            days: every(&ALL_WEEK, "00:00-02:00"),
            holidays: vec![],
            from: "2026-11-01T00:00:00Z",
            to: "2026-11-02T00:00:00Z",
            expected: TimeDelta::hours(3),
        },
        Between {
            name: "start in the spring gap begins after the gap: 02:30-05:00 is 2 h",
            zone: ny,
            days: every(&ALL_WEEK, "02:30-05:00"),
            holidays: vec![],
            from: "2026-03-08T00:00:00Z",
            to: "2026-03-09T00:00:00Z",
            expected: TimeDelta::hours(2),
        },
        Between {
            name: "start in the repeated hour is the earlier one: 01:30-03:00 is 2.5 h",
            zone: ny,
            days: every(&ALL_WEEK, "01:30-03:00"),
            holidays: vec![],
            from: "2026-11-01T00:00:00Z",
            to: "2026-11-02T00:00:00Z",
            expected: TimeDelta::minutes(150),
        },
        Between {
            name: "end in the repeated hour is the later one: 00:00-01:30 is 2.5 h",
            zone: ny,
            days: every(&ALL_WEEK, "00:00-01:30"),
            holidays: vec![],
            from: "2026-11-01T00:00:00Z",
            to: "2026-11-02T00:00:00Z",
            expected: TimeDelta::minutes(150),
        },
        Between {
            name: "Lord Howe moves 30 minutes: 01:00-03:00 on its spring night is 1.5 h",
            zone: Tz::Australia__Lord_Howe,
            days: every(&ALL_WEEK, "01:00-03:00"),
            holidays: vec![],
            from: "2026-10-03T12:00:00Z",
            to: "2026-10-04T12:00:00Z",
            expected: TimeDelta::minutes(90),
        },
        Between {
            name: "Chatham spring gap 02:45-03:45: 02:00-04:00 is one real hour",
            zone: Tz::Pacific__Chatham,
            days: every(&ALL_WEEK, "02:00-04:00"),
            holidays: vec![],
            from: "2026-09-26T10:00:00Z",
            to: "2026-09-27T10:00:00Z",
            expected: TimeDelta::hours(1),
        },
        Between {
            name: "overnight shift counts the night it starts: Monday 22:00 to Tuesday 06:00 is 8 h",
            zone: Tz::Europe__Berlin,
            days: every(&WORK_WEEK, "22:00-06:00"),
            holidays: vec![],
            from: "2026-05-04T20:00:00Z",
            to: "2026-05-05T04:00:00Z",
            expected: TimeDelta::hours(8),
        },
        Between {
            name: "Friday's overnight shift runs into a Saturday holiday",
            zone: Tz::Europe__Berlin,
            days: every(&WORK_WEEK, "22:00-06:00"),
            holidays: vec![Holiday::on(date("2026-05-09"), "Saturday holiday")],
            from: "2026-05-08T12:00:00Z",
            to: "2026-05-11T00:00:00Z",
            expected: TimeDelta::hours(8),
        },
        Between {
            name: "24/7 as 00:00-24:00 loses no minute at midnight",
            zone: Tz::Europe__London,
            days: every(&ALL_WEEK, "00:00-24:00"),
            holidays: vec![],
            from: "2026-06-01T22:59:00Z",
            to: "2026-06-03T23:01:00Z",
            expected: TimeDelta::minutes(2 * 24 * 60 + 2),
        },
        Between {
            name: "a 24/7 week with a fall-back is 169 h",
            zone: ny,
            days: every(&ALL_WEEK, "00:00-24:00"),
            holidays: vec![],
            from: "2026-10-26T04:00:00Z",
            to: "2026-11-02T05:00:00Z",
            expected: TimeDelta::hours(169),
        },
        Between {
            name: "pauses skip holidays like deadlines do",
            zone: Tz::Europe__London,
            days: every(&WORK_WEEK, "09:00-17:00"),
            holidays: vec![
                Holiday::yearly(12, 25, "Christmas")
                    .unwrap()
                    .with_observance(Observance::FollowingMonday),
            ],
            from: "2027-12-24T16:00:00Z",
            to: "2027-12-28T10:00:00Z",
            expected: TimeDelta::hours(2),
        },
        Between {
            name: "Kolkata's +05:30 has no DST: a week of 09:30-18:00 is 42.5 h",
            zone: Tz::Asia__Kolkata,
            days: every(&WORK_WEEK, "09:30-18:00"),
            holidays: vec![],
            from: "2026-03-01T00:00:00Z",
            to: "2026-03-08T00:00:00Z",
            expected: TimeDelta::minutes(5 * 510),
        },
    ]
}

#[test]
fn regression_working_between() {
    for case in between_cases() {
        let calendar = Calendar::builder(schedule(case.zone, &case.days))
            .holidays(case.holidays)
            .build()
            .unwrap();
        let (a, b) = (utc(case.from), utc(case.to));
        assert_eq!(
            calendar.working_between(a, b),
            case.expected,
            "{}",
            case.name
        );
        assert_eq!(
            reference_between(&calendar, a, b),
            case.expected,
            "reference: {}",
            case.name
        );
        assert_eq!(
            calendar.working_between(b, a),
            -case.expected,
            "reversed: {}",
            case.name
        );
        let listed: TimeDelta = calendar.working_intervals(a, b).map(|(s, e)| e - s).sum();
        assert_eq!(listed, case.expected, "intervals: {}", case.name);
    }
}

struct Add {
    name: &'static str,
    zone: Tz,
    days: Vec<(Weekday, &'static str)>,
    holidays: Vec<Holiday>,
    from: &'static str,
    amount: TimeDelta,
    expected: &'static str,
}

fn add_cases() -> Vec<Add> {
    let ny = Tz::America__New_York;
    vec![
        Add {
            name: "adding across fall-back does not return the same instant",
            zone: ny,
            days: every(&ALL_WEEK, "00:00-24:00"),
            holidays: vec![],
            from: "2026-11-01T05:30:00Z", // 01:30 EDT
            amount: TimeDelta::hours(1),
            expected: "2026-11-01T06:30:00Z", // 01:30 EST
        },
        Add {
            name: "overnight shift: Monday 23:00 plus 2 h is Tuesday 01:00, not Wednesday",
            zone: Tz::Europe__Berlin,
            days: every(&WORK_WEEK, "22:00-06:00"),
            holidays: vec![],
            from: "2026-05-04T21:00:00Z",
            amount: TimeDelta::hours(2),
            expected: "2026-05-04T23:00:00Z",
        },
        Add {
            name: "overnight shift across a weekend resumes Monday 22:00",
            zone: Tz::Europe__Berlin,
            days: every(&WORK_WEEK, "22:00-06:00"),
            holidays: vec![],
            from: "2026-05-09T03:00:00Z", // Saturday 05:00, last hour of Friday's shift
            amount: TimeDelta::hours(2),
            expected: "2026-05-11T21:00:00Z", // Monday 23:00
        },
        Add {
            name: "deadline across weekend, observed holiday and spring forward",
            zone: ny,
            days: every(&WORK_WEEK, "09:00-17:00"),
            holidays: vec![Holiday::on(date("2026-03-09"), "Closure")],
            from: "2026-03-06T21:00:00Z", // Friday 16:00 EST
            amount: TimeDelta::hours(2),
            expected: "2026-03-10T14:00:00Z", // Tuesday 10:00 EDT
        },
        Add {
            name: "deadline across weekend, fall back and a Tuesday holiday",
            zone: ny,
            days: every(&WORK_WEEK, "09:00-17:00"),
            holidays: vec![Holiday::on(date("2026-11-03"), "Election Day")],
            from: "2026-10-30T20:00:00Z", // Friday 16:00 EDT
            amount: TimeDelta::hours(16),
            expected: "2026-11-04T21:00:00Z", // Wednesday 16:00 EST
        },
        Add {
            name: "a deadline ending exactly at close stays at close",
            zone: Tz::UTC,
            days: every(&WORK_WEEK, "09:00-17:00"),
            holidays: vec![],
            from: "2026-05-04T09:00:00Z",
            amount: TimeDelta::hours(8),
            expected: "2026-05-04T17:00:00Z",
        },
        Add {
            name: "Saturday holiday observed Friday",
            zone: Tz::UTC,
            days: every(&WORK_WEEK, "09:00-17:00"),
            holidays: vec![
                Holiday::yearly(7, 4, "Independence Day")
                    .unwrap()
                    .with_observance(Observance::NearestWeekday),
            ],
            from: "2026-07-02T16:00:00Z",
            amount: TimeDelta::hours(2),
            expected: "2026-07-06T10:00:00Z",
        },
    ]
}

#[test]
fn regression_add_working() {
    for case in add_cases() {
        let calendar = Calendar::builder(schedule(case.zone, &case.days))
            .holidays(case.holidays)
            .build()
            .unwrap();
        let a = utc(case.from);
        let got = calendar.add_working(a, case.amount).unwrap();
        assert_eq!(got, utc(case.expected), "{}", case.name);
        let limit = a + TimeDelta::days(10);
        assert_eq!(
            reference_add(&calendar, a, case.amount, limit),
            Some(got),
            "reference: {}",
            case.name
        );
        assert_eq!(
            calendar.working_between(a, got),
            case.amount,
            "inverse: {}",
            case.name
        );
    }
}

/// A fall-back that takes the clock back across midnight: the clock reads
/// day D, then D-1 again, so day D's first hours start before the repeated
/// hour of D-1 has ended.
struct OverMidnight {
    name: &'static str,
    zone: Tz,
    day: (Weekday, &'static str),
    /// Where day D's shift starts (the earlier of its repeated instants).
    start: &'static str,
    /// An instant after the change, which reads day D-1 on the clock.
    after: &'static str,
    /// Working time from `start` to `after`.
    worked: TimeDelta,
}

fn over_midnight_cases() -> Vec<OverMidnight> {
    vec![
        OverMidnight {
            name: "St John's 2009-11-01: at 02:31Z Sunday 00:01 NDT goes back to Saturday 23:01 NST",
            zone: Tz::America__St_Johns,
            day: (Weekday::Sun, "00:00-08:00"),
            start: "2009-11-01T02:30:00Z",
            after: "2009-11-01T03:00:00Z",
            worked: TimeDelta::minutes(30),
        },
        OverMidnight {
            name: "Casey 2010-03-05: at 15:00Z Friday 02:00 (+11) goes back to Thursday 23:00 (+08)",
            zone: Tz::Antarctica__Casey,
            day: (Weekday::Fri, "00:00-08:00"),
            start: "2010-03-04T13:00:00Z",
            after: "2010-03-04T15:30:00Z",
            worked: TimeDelta::minutes(150),
        },
    ]
}

#[test]
fn regression_fall_back_over_midnight_keeps_the_new_days_hours() {
    for case in over_midnight_cases() {
        let calendar = Calendar::new(schedule(case.zone, &[case.day]));
        let (start, after) = (utc(case.start), utc(case.after));
        let name = case.name;
        assert_eq!(
            calendar.add_working(start, case.worked).unwrap(),
            after,
            "add: {name}"
        );
        assert_eq!(
            calendar.working_between(start, after),
            case.worked,
            "{name}"
        );
        assert_eq!(
            reference_between(&calendar, start, after),
            case.worked,
            "reference: {name}"
        );
        assert_eq!(
            calendar.working_between(after, start),
            -case.worked,
            "reversed: {name}"
        );
        let probe = start + case.worked / 2;
        assert!(calendar.is_working(probe), "is_working {probe}: {name}");
        assert!(calendar.is_working(after), "is_working {after}: {name}");
        assert!(
            !calendar.is_working(start - TimeDelta::seconds(1)),
            "before the shift: {name}"
        );
        let spans: Vec<_> = calendar.working_intervals(start, after).collect();
        assert_eq!(spans, vec![(start, after)], "intervals: {name}");
        assert_eq!(calendar.next_working_instant(start), Some(start), "{name}");
        // Measuring from the day before through the change sees the shift.
        let day_before = start - TimeDelta::days(1);
        assert_eq!(
            calendar.working_between(day_before, after),
            case.worked,
            "{name}"
        );
    }
}

#[test]
fn regression_no_working_time_is_an_error_not_a_loop() {
    let a = utc("2026-01-01T00:00:00Z");
    let empty = Calendar::new(Schedule::new(Tz::UTC, []).unwrap());
    assert!(matches!(
        empty.add_working(a, TimeDelta::seconds(1)),
        Err(Error::NoWorkingTime { .. })
    ));
    assert_eq!(empty.next_working_instant(a), None);
    assert_eq!(
        empty.working_between(a, a + TimeDelta::days(3000)),
        TimeDelta::zero()
    );

    // Only one override day of working time: one hour can be added, not two.
    let day = date("2026-02-03");
    let once = Calendar::builder(Schedule::new(Tz::Europe__Berlin, []).unwrap())
        .working_day(WorkingDay::new(day, "10:00-11:00".parse().unwrap()).unwrap())
        .build()
        .unwrap();
    assert_eq!(
        once.add_working(a, TimeDelta::hours(1)).unwrap(),
        utc("2026-02-03T10:00:00Z")
    );
    assert!(matches!(
        once.add_working(a, TimeDelta::hours(2)),
        Err(Error::NoWorkingTime { .. })
    ));

    // A schedule whose every date is a yearly holiday: found out, not looped.
    let mut builder = Calendar::builder(Schedule::always());
    for m in 1..=12 {
        for d in 1..=31 {
            if let Ok(h) = Holiday::yearly(m, d, "always off") {
                builder = builder.holiday(h);
            }
        }
    }
    let never = builder.build().unwrap();
    assert!(matches!(
        never.add_working(a, TimeDelta::seconds(1)),
        Err(Error::NoWorkingTime { .. })
    ));
    assert!(matches!(
        never.add_working_days(day, WorkingDays::ONE),
        Err(Error::NoWorkingDays { .. })
    ));
    assert!(matches!(
        Calendar::always().add_working(a, TimeDelta::seconds(-1)),
        Err(Error::NegativeDuration { .. })
    ));
}

#[test]
fn regression_working_days_count_half_days() {
    let calendar = Calendar::builder(schedule(
        Tz::Europe__Berlin,
        &every(&WORK_WEEK, "09:00-17:00"),
    ))
    .holiday(
        Holiday::yearly(12, 24, "Heiligabend")
            .unwrap()
            .half_day("09:00-12:00".parse().unwrap()),
    )
    .holiday(
        Holiday::yearly(12, 31, "Silvester")
            .unwrap()
            .half_day("09:00-12:00".parse().unwrap()),
    )
    .holiday(Holiday::yearly(12, 25, "Weihnachten").unwrap())
    .holiday(Holiday::yearly(12, 26, "Zweiter Weihnachtstag").unwrap())
    .holiday(Holiday::yearly(1, 1, "Neujahr").unwrap())
    .working_day(WorkingDay::new(date("2026-12-19"), "09:00-13:00".parse().unwrap()).unwrap())
    .build()
    .unwrap();
    // 14 Dec 2026 (Monday) to 4 Jan 2027 (Monday): 15 weekdays, minus the
    // 25th and 1st, halves on the 24th and 31st, plus Saturday the 19th.
    let half = WorkingDays::HALF;
    let expected = WorkingDays::from(15 - 2 + 1) - half - half;
    assert_eq!(
        calendar.working_days_between(date("2026-12-14"), date("2027-01-04")),
        expected
    );
    // Net 2 days from Wednesday 23rd: Thursday 24th counts 0.5, Friday 25th
    // is off, Monday 28th makes 1.5, Tuesday 29th completes it.
    assert_eq!(
        calendar
            .add_working_days(date("2026-12-23"), WorkingDays::from(2))
            .unwrap(),
        date("2026-12-29")
    );
    assert_eq!(
        calendar
            .add_working_days(date("2026-12-23"), WorkingDays::new(Decimal::new(15, 1)))
            .unwrap(),
        date("2026-12-28")
    );
    assert_eq!(
        calendar.add_working_days(date("2026-12-23"), half).unwrap(),
        date("2026-12-24")
    );
    assert_eq!(
        calendar
            .add_working_days(date("2026-12-18"), WorkingDays::ONE)
            .unwrap(),
        date("2026-12-19")
    );
    assert_eq!(
        calendar
            .add_working_days(date("2026-12-18"), WorkingDays::ZERO)
            .unwrap(),
        date("2026-12-18")
    );
    assert!(
        calendar
            .add_working_days(date("2026-12-18"), -half)
            .is_err()
    );
}

#[test]
fn calendar_is_a_shareable_value() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Calendar>();
    let a = Calendar::always();
    let b = a.clone();
    assert_eq!(a, b);
    assert_eq!(a, Calendar::always());
    assert_ne!(a, Calendar::new(Schedule::new(Tz::UTC, []).unwrap()));
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip_validates() {
    let calendar = Calendar::builder(schedule(
        Tz::America__New_York,
        &every(&WORK_WEEK, "09:00-12:00, 13:00-17:30"),
    ))
    .holiday(
        Holiday::yearly(12, 24, "Eve")
            .unwrap()
            .half_day("09:00-12:00".parse().unwrap())
            .with_observance(Observance::NearestWeekday),
    )
    .holiday(Holiday::on(date("2026-06-12"), "Move"))
    .working_day(WorkingDay::new(date("2026-06-13"), "22:00-06:00".parse().unwrap()).unwrap())
    .build()
    .unwrap();
    let json = serde_json::to_string(&calendar).unwrap();
    assert!(
        json.contains("\"time_zone\":\"America/New_York\""),
        "{json}"
    );
    assert!(json.contains("\"22:00-06:00\""), "{json}");
    let back: Calendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, calendar);
    let overlapping =
        r#"{"schedule":{"time_zone":"UTC","monday":["22:00-06:00"],"tuesday":["05:00-07:00"]}}"#;
    assert!(serde_json::from_str::<Calendar>(overlapping).is_err());
    let unknown_zone = r#"{"schedule":{"time_zone":"Mars/Olympus"}}"#;
    assert!(serde_json::from_str::<Calendar>(unknown_zone).is_err());
}

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use bureau_calendar::strategy;
    use proptest::prelude::*;
    use std::sync::LazyLock;
    use strategy::ZONES;

    /// The offset (local minus UTC) of `tz` at `t`, in seconds.
    fn offset(tz: Tz, t: DateTime<Utc>) -> i64 {
        (t.with_timezone(&tz).naive_local() - t.naive_utc()).num_seconds()
    }

    /// Where the clock of `tz` goes back across midnight (from day D to day
    /// D-1) between 1800 and 2100: probed day by day (no zone changes its
    /// offset and back within a day), then bisected to the second.
    fn back_over_midnight(tz: Tz) -> Vec<DateTime<Utc>> {
        let day = TimeDelta::days(1);
        let (mut t, end) = (utc("1800-01-01T00:00:00Z"), utc("2100-01-01T00:00:00Z"));
        let mut before = offset(tz, t);
        let mut out = Vec::new();
        while t < end {
            let after = offset(tz, t + day);
            if after < before {
                let (mut lo, mut hi) = (t, t + day);
                while hi - lo > TimeDelta::seconds(1) {
                    let mid = lo + TimeDelta::seconds((hi - lo).num_seconds() / 2);
                    if offset(tz, mid) == before {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                let day_read = |offset: i64| (hi.timestamp() + offset).div_euclid(86_400);
                if day_read(before - 1) > day_read(after) {
                    out.push(hi);
                }
            }
            before = after;
            t += day;
        }
        out
    }

    /// The instants each zone's cases are drawn near: its fall-backs across
    /// midnight if it has any (then `true`), else its offset changes of 2024
    /// to 2028 (found quarter hour by quarter hour).
    static CHANGES: LazyLock<Vec<(bool, Vec<DateTime<Utc>>)>> = LazyLock::new(|| {
        ZONES
            .iter()
            .map(|&tz| {
                let over_midnight = back_over_midnight(tz);
                if !over_midnight.is_empty() {
                    return (true, over_midnight);
                }
                let mut out = Vec::new();
                let mut t = utc("2024-01-01T00:00:00Z");
                let end = utc("2029-01-01T00:00:00Z");
                let mut last = offset(tz, t);
                while t < end {
                    t += TimeDelta::minutes(15);
                    let o = offset(tz, t);
                    if o != last {
                        out.push(t);
                        last = o;
                    }
                }
                (false, out)
            })
            .collect()
    });

    /// A zone and an instant on a whole minute of its wall clock, often
    /// within days of a DST change; zones with a fall-back across midnight
    /// are drawn half of the time. (Interval boundaries then fall on whole
    /// minutes from the instant too, as the minute walker needs, also where
    /// an offset has seconds, such as Alaska's before 1867.)
    fn zone_and_instant() -> impl Strategy<Value = (Tz, DateTime<Utc>)> {
        let (over, plain): (Vec<usize>, Vec<usize>) = (0..ZONES.len()).partition(|&z| CHANGES[z].0);
        (
            prop_oneof![prop::sample::select(plain), prop::sample::select(over)],
            any::<prop::sample::Index>(),
            -4 * 24 * 60_i64..2 * 24 * 60,
            0_i64..5 * 365 * 24 * 60,
        )
            .prop_map(|(z, pick, around, anywhere)| {
                let (tz, changes) = (ZONES[z], &CHANGES[z].1);
                let t = if changes.is_empty() {
                    utc("2024-01-01T00:00:00Z") + TimeDelta::minutes(anywhere)
                } else {
                    *pick.get(changes) + TimeDelta::minutes(around)
                };
                let past_minute = (t.timestamp() + offset(tz, t)).rem_euclid(60);
                (tz, t - TimeDelta::seconds(past_minute))
            })
    }

    /// A calendar in the zone with holidays near the instant.
    fn case() -> impl Strategy<Value = (Calendar, DateTime<Utc>)> {
        zone_and_instant()
            .prop_flat_map(|(tz, t)| (strategy::calendar_near_in(tz, t.date_naive()), Just(t)))
    }

    fn nanos() -> impl Strategy<Value = TimeDelta> {
        (0_i64..40 * 24 * 3600, 0_i64..1_000_000_000)
            .prop_map(|(s, n)| TimeDelta::seconds(s) + TimeDelta::nanoseconds(n))
    }

    proptest! {
        #[test]
        fn agrees_with_the_minute_walker(
            (calendar, a) in case(),
            span in 0_i64..3 * 24 * 60,
            cut in 0_i64..3 * 24 * 60,
        ) {
            let b = a + TimeDelta::minutes(span);
            let expected = reference_between(&calendar, a, b);
            prop_assert_eq!(calendar.working_between(a, b), expected);
            prop_assert_eq!(calendar.working_between(b, a), -expected);

            let listed: TimeDelta = calendar.working_intervals(a, b).map(|(s, e)| e - s).sum();
            prop_assert_eq!(listed, expected);

            let d = TimeDelta::minutes(cut.min(expected.num_minutes()));
            let due = calendar.add_working(a, d).unwrap();
            prop_assert_eq!(Some(due), reference_add(&calendar, a, d, b));

            let intervals = reference_intervals(&calendar, a, b);
            let probe = a + TimeDelta::minutes(cut % (span + 1));
            prop_assert_eq!(calendar.is_working(probe), reference_is_working(&intervals, probe));
        }

        #[test]
        fn add_then_measure_is_the_identity((calendar, a) in case(), d in nanos(), sub in 0_i64..1_000_000_000) {
            let a = a + TimeDelta::nanoseconds(sub);
            match calendar.add_working(a, d) {
                Ok(due) => {
                    prop_assert!(due >= a);
                    prop_assert_eq!(calendar.working_between(a, due), d);
                    // Earliest: a nanosecond less is not enough.
                    if d > TimeDelta::zero() {
                        prop_assert!(calendar.working_between(a, due - TimeDelta::nanoseconds(1)) < d);
                    }
                }
                Err(Error::NoWorkingTime { .. }) => {
                    prop_assert!(calendar.working_between(a, a + TimeDelta::days(366)) < d);
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }

        #[test]
        fn adding_in_two_steps_is_adding_once((calendar, a) in case(), d1 in nanos(), d2 in nanos()) {
            if let (Ok(step), Ok(once)) = (calendar.add_working(a, d1), calendar.add_working(a, d1 + d2)) {
                prop_assert_eq!(calendar.add_working(step, d2).unwrap(), once);
            }
        }

        #[test]
        fn measuring_is_additive_and_monotone(
            (calendar, a) in case(),
            x in 0_i64..20 * 24 * 3600,
            y in 0_i64..20 * 24 * 3600,
        ) {
            let b = a + TimeDelta::seconds(x);
            let c = b + TimeDelta::seconds(y);
            let (ab, bc, ac) = (calendar.working_between(a, b), calendar.working_between(b, c), calendar.working_between(a, c));
            prop_assert_eq!(ab + bc, ac);
            prop_assert!(TimeDelta::zero() <= ab && ab <= ac);
            prop_assert!(ab <= b - a);
            prop_assert_eq!(calendar.working_between(c, a), -ac);
        }

        #[test]
        fn next_working_instant_is_the_first((calendar, a) in case()) {
            if let Some(next) = calendar.next_working_instant(a) {
                prop_assert!(next >= a);
                prop_assert!(calendar.is_working(next));
                prop_assert_eq!(calendar.working_between(a, next), TimeDelta::zero());
            } else {
                prop_assert_eq!(calendar.working_between(a, a + TimeDelta::days(30)), TimeDelta::zero());
            }
        }

        #[test]
        fn intervals_are_ordered_disjoint_and_inside((calendar, a) in case(), span in 0_i64..10 * 24 * 3600) {
            let b = a + TimeDelta::seconds(span);
            let spans: Vec<_> = calendar.working_intervals(a, b).collect();
            for (s, e) in &spans {
                prop_assert!(a <= *s && s < e && *e <= b);
            }
            for pair in spans.windows(2) {
                prop_assert!(pair[0].1 < pair[1].0, "not merged: {:?}", pair);
            }
        }

        #[test]
        fn working_days_add_and_count_agree((calendar, a) in case(), halves in 0_i64..80) {
            let from = a.date_naive();
            let n = WorkingDays::new(Decimal::new(halves * 5, 1));
            if let Ok(due) = calendar.add_working_days(from, n) {
                let next = |d: NaiveDate| d.succ_opt().unwrap();
                prop_assert!(calendar.working_days_between(next(from), next(due)) >= n);
                prop_assert!(calendar.working_days_between(next(from), due) < n || n.is_zero());
            }
            // Counting is the sum of each date's fraction.
            let mut sum = WorkingDays::ZERO;
            let mut d = from;
            while d < from + Days::new(20) {
                sum += calendar.counts_as(d);
                if calendar.counts_as(d).is_zero() {
                    prop_assert!(calendar.hours_on(d).is_empty());
                }
                d = d.succ_opt().unwrap();
            }
            prop_assert_eq!(calendar.working_days_between(from, from + Days::new(20)), sum);
            let mid = from + Days::new(u64::try_from(halves).unwrap());
            let end = mid + Days::new(17);
            prop_assert_eq!(
                calendar.working_days_between(from, mid) + calendar.working_days_between(mid, end),
                calendar.working_days_between(from, end)
            );
        }

        #[test]
        fn long_spans_agree_with_day_sums((calendar, a) in case(), days in 0_u64..400) {
            // The week-skipping fast path against a sum of one-day measures.
            let b = a + TimeDelta::days(i64::try_from(days).unwrap());
            let mut total = TimeDelta::zero();
            let mut t = a;
            while t < b {
                let next = (t + TimeDelta::days(1)).min(b);
                total += calendar.working_between(t, next);
                t = next;
            }
            prop_assert_eq!(calendar.working_between(a, b), total);
        }
    }
}

#[test]
fn regression_long_amounts_and_the_far_future() {
    let a = utc("2026-01-01T00:00:00Z");
    let centuries = TimeDelta::days(500 * 365);
    assert_eq!(
        Calendar::always().add_working(a, centuries).unwrap(),
        a + centuries
    );
    assert_eq!(
        Calendar::always().working_between(a, a + centuries),
        centuries
    );

    let calendar = Calendar::builder(schedule(
        Tz::America__New_York,
        &every(&WORK_WEEK, "09:00-17:00"),
    ))
    .holiday(
        Holiday::yearly(7, 4, "Independence Day")
            .unwrap()
            .with_observance(Observance::NearestWeekday),
    )
    .holiday(
        Holiday::yearly(12, 24, "Christmas Eve")
            .unwrap()
            .half_day("09:00-13:00".parse().unwrap()),
    )
    .build()
    .unwrap();
    // About 150 years of working time: past the end of the tz listing.
    let amount = TimeDelta::hours(8 * 250 * 150);
    let due = calendar.add_working(a, amount).unwrap();
    assert!(
        due > utc("2170-01-01T00:00:00Z") && due < utc("2180-01-01T00:00:00Z"),
        "{due}"
    );
    assert_eq!(calendar.working_between(a, due), amount);
    // A day in 2200 still follows the zone's last rule (EST all year).
    let day = utc("2200-07-01T00:00:00Z");
    assert_eq!(
        calendar.next_working_instant(day),
        Some(utc("2200-07-01T14:00:00Z"))
    );
    assert!(matches!(
        Calendar::always().add_working(a, TimeDelta::MAX),
        Err(Error::OutOfRange { .. })
    ));
}

#[test]
fn regression_extreme_instants_and_dates_do_not_panic() {
    let calendars = [
        Calendar::always(),
        Calendar::builder(schedule(
            Tz::Pacific__Chatham,
            &every(&WORK_WEEK, "22:00-06:00"),
        ))
        .holiday(
            Holiday::yearly(2, 29, "Leap day")
                .unwrap()
                .with_observance(Observance::NearestWeekday),
        )
        .build()
        .unwrap(),
    ];
    let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    for calendar in &calendars {
        for t in [min, max, min + TimeDelta::days(3), max - TimeDelta::days(3)] {
            let _ = calendar.is_working(t);
            let _ = calendar.next_working_instant(t);
            let _ = calendar.add_working(t, TimeDelta::days(2));
            let week = calendar.working_between(t, t + TimeDelta::days(7).min(max - t));
            assert!(week >= TimeDelta::zero());
            assert!(
                calendar
                    .working_intervals(t, t + TimeDelta::days(10).min(max - t))
                    .count()
                    <= 10
            );
        }
        assert!(
            calendar
                .add_working(max - TimeDelta::hours(1), TimeDelta::days(30))
                .is_err()
        );
        let _ = calendar.working_days_between(NaiveDate::MIN, NaiveDate::MIN + Days::new(40));
        let _ = calendar.add_working_days(NaiveDate::MAX - Days::new(10), WorkingDays::from(30));
        // More working days than the calendar can hold: an error, promptly,
        // not a search through the whole of i64 (found by probing with
        // Decimal::MAX).
        let start = date("2026-01-01");
        for days in [Decimal::MAX, Decimal::from(1_000_000_000_i64)] {
            assert!(matches!(
                calendar.add_working_days(start, WorkingDays::new(days)),
                Err(bureau_calendar::Error::NoWorkingDays { .. })
            ));
        }
    }
}
