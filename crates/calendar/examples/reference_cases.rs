//! Prints 3,000 pseudo-random calendar cases (zones with DST, overnight and
//! DST-sensitive shifts, holidays; the last 600 around fall-backs that take
//! the clock back across midnight) with this crate's answers, one per line, for
//! `reference/zoneinfo_check.py` to recompute independently with Python's
//! `zoneinfo` (the system tz database) and compare:
//!
//! ```sh
//! cargo run -q -p bureau-calendar --example reference_cases > /tmp/cases.txt
//! python3 crates/calendar/reference/zoneinfo_check.py /tmp/cases.txt
//! ```
// A test tool: a malformed case is a bug to see at once, and the indexes are small.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
use bureau_calendar::{Calendar, DayHours, Holiday, Schedule, Tz};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};

fn main() {
    let mut seed: u64 = 0x5eed_1234_abcd;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let zones = [
        "America/New_York",
        "Europe/London",
        "Europe/Berlin",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Pacific/Chatham",
        "UTC",
    ];
    let choices = [
        "",
        "09:00-17:00",
        "09:00-12:00,13:00-17:30",
        "22:00-06:00",
        "01:30-03:30",
        "00:00-02:30,23:00-24:00",
        "02:00-02:45",
    ];
    let pivots = [
        "2026-03-08",
        "2026-03-29",
        "2026-04-05",
        "2026-09-27",
        "2026-10-04",
        "2026-10-25",
        "2026-11-01",
    ];
    // A zone and the date whose first hours a fall-back repeats, its clock
    // going from that date back to the day before.
    let over_midnight = [
        ("America/St_Johns", "2009-11-01"),
        ("America/St_Johns", "1988-10-30"),
        ("America/Goose_Bay", "2009-11-01"),
        ("America/Moncton", "2006-10-29"),
        ("America/Phoenix", "1944-01-01"),
        ("America/Phoenix", "1944-10-01"),
        ("Pacific/Guam", "1969-01-25"),
        ("Antarctica/Casey", "2010-03-05"),
        ("America/Anchorage", "1867-10-19"),
        ("America/Juneau", "1867-10-19"),
    ];
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let mut printed = 0;
    while printed < 3000 {
        let around_midnight = printed >= 2400;
        let (zone_name, midnight_pivot) = if around_midnight {
            over_midnight[next(over_midnight.len() as u64) as usize]
        } else {
            (zones[next(zones.len() as u64) as usize], "")
        };
        let tz: Tz = zone_name.parse().unwrap();
        let week: Vec<&str> = (0..7)
            .map(|_| choices[next(choices.len() as u64) as usize])
            .collect();
        let Ok(schedule) = Schedule::new(
            tz,
            days.iter()
                .zip(&week)
                .map(|(d, h)| (*d, h.parse::<DayHours>().unwrap())),
        ) else {
            continue;
        };
        let pivot: NaiveDate = if around_midnight {
            midnight_pivot.parse().unwrap()
        } else {
            pivots[next(pivots.len() as u64) as usize].parse().unwrap()
        };
        let mut holidays = Vec::new();
        for _ in 0..next(3) {
            holidays.push(pivot + TimeDelta::days(next(9) as i64 - 4));
        }
        holidays.sort();
        holidays.dedup();
        let Ok(calendar) = Calendar::builder(schedule)
            .holidays(holidays.iter().map(|d| Holiday::on(*d, "h")))
            .build()
        else {
            continue;
        };
        // Around a fall-back across midnight, starts and ends near the change,
        // where the repeated hours are.
        let (before, spread) = if around_midnight { (2, 3) } else { (4, 8) };
        let start: DateTime<Utc> = pivot.and_hms_opt(0, 0, 0).unwrap().and_utc()
            + TimeDelta::seconds(next(spread * 86400) as i64 - before * 86400);
        let amount = TimeDelta::seconds(next(40 * 3600) as i64);
        let due = match calendar.add_working(start, amount) {
            Ok(d) => d.timestamp().to_string(),
            Err(_) => "ERR".to_owned(),
        };
        let end =
            start + TimeDelta::seconds(next(if around_midnight { 2 } else { 9 } * 86400) as i64);
        let between = calendar.working_between(start, end).num_seconds();
        let working = calendar.is_working(end);
        let hol: Vec<String> = holidays.iter().map(|d| d.to_string()).collect();
        println!(
            "{zone_name}|{}|{}|{}|{}|{due}|{}|{between}|{working}",
            week.join(";"),
            hol.join(","),
            start.timestamp(),
            amount.num_seconds(),
            end.timestamp()
        );
        printed += 1;
    }
}
