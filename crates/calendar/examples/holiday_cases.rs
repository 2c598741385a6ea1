//! Prints, for an independent check by `reference/holidays_check.py`:
//!
//! - Easter Sunday of both churches for every year from 1583 to 4099, as
//!   [`Church::easter_sunday`] computes it;
//! - the weekdays that three public-holiday calendars, built from this crate's
//!   rules, leave without working time: England and Wales (bank holidays, with
//!   substitute days), the United States (federal holidays) and Germany
//!   (nationwide holidays), over many years.
//!
//! The Python script recomputes both with `dateutil` and the `holidays`
//! package and reports every disagreement:
//!
//! ```sh
//! cargo run -q -p bureau-calendar --example holiday_cases > /tmp/holidays.txt
//! python3 crates/calendar/reference/holidays_check.py /tmp/holidays.txt
//! ```
//!
//! The calendars also show how such holidays are written with the crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_calendar::{Calendar, Church, Holiday, Observance, Occurrence, Schedule, Tz};
use chrono::{Datelike, NaiveDate, Weekday};

/// England and Wales: bank holidays by rule, with substitute days.
fn england() -> Result<Calendar, bureau_calendar::Error> {
    let sub = Observance::Substitute;
    Calendar::builder(Schedule::weekdays(
        Tz::Europe__London,
        "09:00-17:30".parse()?,
    )?)
    .holiday(Holiday::yearly(1, 1, "New Year's Day")?.with_observance(sub))
    .holiday(Holiday::easter(-2, "Good Friday")?)
    .holiday(Holiday::easter(1, "Easter Monday")?)
    .holiday(Holiday::nth_weekday(
        5,
        Occurrence::First,
        Weekday::Mon,
        "Early May bank holiday",
    )?)
    .holiday(Holiday::nth_weekday(
        5,
        Occurrence::Last,
        Weekday::Mon,
        "Spring bank holiday",
    )?)
    .holiday(Holiday::nth_weekday(
        8,
        Occurrence::Last,
        Weekday::Mon,
        "Summer bank holiday",
    )?)
    .holiday(Holiday::yearly(12, 25, "Christmas Day")?.with_observance(sub))
    .holiday(Holiday::yearly(12, 26, "Boxing Day")?.with_observance(sub))
    .build()
}

/// United States: federal holidays, Saturday observed on Friday and Sunday
/// on Monday.
fn united_states() -> Result<Calendar, bureau_calendar::Error> {
    let near = Observance::NearestWeekday;
    let monday =
        |month, occurrence, name| Holiday::nth_weekday(month, occurrence, Weekday::Mon, name);
    Calendar::builder(Schedule::weekdays(
        Tz::America__New_York,
        "09:00-17:00".parse()?,
    )?)
    .holiday(Holiday::yearly(1, 1, "New Year's Day")?.with_observance(near))
    .holiday(monday(1, Occurrence::Third, "Martin Luther King Jr. Day")?)
    .holiday(monday(2, Occurrence::Third, "Washington's Birthday")?)
    .holiday(monday(5, Occurrence::Last, "Memorial Day")?)
    .holiday(Holiday::yearly(6, 19, "Juneteenth")?.with_observance(near))
    .holiday(Holiday::yearly(7, 4, "Independence Day")?.with_observance(near))
    .holiday(monday(9, Occurrence::First, "Labor Day")?)
    .holiday(monday(10, Occurrence::Second, "Columbus Day")?)
    .holiday(Holiday::yearly(11, 11, "Veterans Day")?.with_observance(near))
    .holiday(Holiday::nth_weekday(
        11,
        Occurrence::Fourth,
        Weekday::Thu,
        "Thanksgiving Day",
    )?)
    .holiday(Holiday::yearly(12, 25, "Christmas Day")?.with_observance(near))
    .build()
}

/// Germany: the holidays of every state.
fn germany() -> Result<Calendar, bureau_calendar::Error> {
    Calendar::builder(Schedule::weekdays(
        Tz::Europe__Berlin,
        "08:00-16:30".parse()?,
    )?)
    .holiday(Holiday::yearly(1, 1, "Neujahr")?)
    .holiday(Holiday::easter(-2, "Karfreitag")?)
    .holiday(Holiday::easter(1, "Ostermontag")?)
    .holiday(Holiday::yearly(5, 1, "Tag der Arbeit")?)
    .holiday(Holiday::easter(39, "Christi Himmelfahrt")?)
    .holiday(Holiday::easter(50, "Pfingstmontag")?)
    .holiday(Holiday::yearly(10, 3, "Tag der Deutschen Einheit")?)
    .holiday(Holiday::yearly(12, 25, "1. Weihnachtstag")?)
    .holiday(Holiday::yearly(12, 26, "2. Weihnachtstag")?)
    .build()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for year in Church::FIRST_YEAR..=4099 {
        for (church, name) in [(Church::Western, "western"), (Church::Orthodox, "orthodox")] {
            let sunday = church.easter_sunday(year).ok_or("no Easter")?;
            println!("easter {name} {year} {sunday}");
        }
    }
    // The United States from 2022, the first year Juneteenth was observed
    // in full; England from 1992; Germany from 1995, when Repentance Day
    // stopped being a holiday outside Saxony.
    let calendars = [
        ("england", england()?, 1992),
        ("united_states", united_states()?, 2022),
        ("germany", germany()?, 1995),
    ];
    for (name, calendar, first_year) in &calendars {
        let first = NaiveDate::from_ymd_opt(*first_year, 1, 1).ok_or("date")?;
        let last = NaiveDate::from_ymd_opt(2080, 12, 31).ok_or("date")?;
        println!("range {name} {first} {last}");
        for day in first.iter_days().take_while(|d| *d <= last) {
            let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            if weekday && calendar.counts_as(day).is_zero() {
                println!("closed {name} {day}");
            }
        }
    }
    Ok(())
}
