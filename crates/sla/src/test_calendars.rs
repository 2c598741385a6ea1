//! Business-hours calendars shared by the unit and property tests.

use bureau_calendar::{Calendar, DayHours, Holiday, Schedule, Tz};
use chrono::{NaiveDate, Weekday};

/// Weekdays 09:00-17:00 UTC.
pub(crate) fn office_utc() -> Calendar {
    Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse().unwrap()).unwrap())
}

/// Weekdays 08:00-20:00 in New York (DST changes), US holidays of late 2025
/// and 2026 as one-off days off.
pub(crate) fn new_york() -> Calendar {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    Calendar::builder(
        Schedule::weekdays(Tz::America__New_York, "08:00-20:00".parse().unwrap()).unwrap(),
    )
    .holiday(Holiday::on(day(2025, 11, 27), "Thanksgiving"))
    .holiday(Holiday::on(day(2025, 12, 25), "Christmas"))
    .holiday(Holiday::on(day(2026, 1, 1), "New Year"))
    .holiday(Holiday::on(day(2026, 7, 3), "Independence Day observed"))
    .build()
    .unwrap()
}

/// An overnight support shift in Sydney (DST in April and October),
/// 21:00-05:00 on Monday to Friday nights.
pub(crate) fn night_shift() -> Calendar {
    let night: DayHours = "21:00-05:00".parse().unwrap();
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    Calendar::new(
        Schedule::new(Tz::Australia__Sydney, weekdays.map(|d| (d, night.clone()))).unwrap(),
    )
}

/// Office-hours calendars to check the invariants on.
pub(crate) fn business() -> Vec<Calendar> {
    vec![office_utc(), new_york(), night_shift()]
}
