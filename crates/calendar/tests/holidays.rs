//! Integration tests of holiday rules: Easter against published dates,
//! weekdays of a month, substitute days chained as in England and Wales, and
//! the calendar's working days on them. `reference/holidays_check.py` checks
//! the same rules over thousands of years and days against other tools.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_calendar::{
    Calendar, Church, Error, Holiday, Observance, Occurrence, Schedule, Tz, WorkingDays,
};
use chrono::{Datelike, NaiveDate, Weekday};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn easter_sundays_match_the_published_dates() {
    let western = [
        (1583, d(1583, 4, 10)),
        (1818, d(1818, 3, 22)),
        (1943, d(1943, 4, 25)),
        (2019, d(2019, 4, 21)),
        (2024, d(2024, 3, 31)),
        (2025, d(2025, 4, 20)),
        (2026, d(2026, 4, 5)),
        (2027, d(2027, 3, 28)),
        (2038, d(2038, 4, 25)),
        (2285, d(2285, 3, 22)),
    ];
    for (year, sunday) in western {
        assert_eq!(Church::Western.easter_sunday(year), Some(sunday), "{year}");
    }
    let orthodox = [
        (2021, d(2021, 5, 2)),
        (2023, d(2023, 4, 16)),
        (2024, d(2024, 5, 5)),
        (2025, d(2025, 4, 20)),
        (2026, d(2026, 4, 12)),
        (2027, d(2027, 5, 2)),
        // From 2100 the Julian calendar runs 14 days behind, not 13.
        (2100, d(2100, 5, 2)),
    ];
    for (year, sunday) in orthodox {
        assert_eq!(Church::Orthodox.easter_sunday(year), Some(sunday), "{year}");
    }
    for church in [Church::Western, Church::Orthodox] {
        assert_eq!(church.easter_sunday(1582), None);
        assert_eq!(church.easter_sunday(i32::MIN), None);
        assert_eq!(church.easter_sunday(i32::MAX), None);
        for year in 1583..=3000 {
            let sunday = church.easter_sunday(year).unwrap();
            assert_eq!(sunday.weekday(), Weekday::Sun, "{church:?} {year}");
        }
    }
}

#[test]
fn weekdays_of_a_month() {
    let cases = [
        (Occurrence::First, 2026, 9, Weekday::Mon, d(2026, 9, 7)),
        (Occurrence::Third, 2026, 1, Weekday::Mon, d(2026, 1, 19)),
        (Occurrence::Fourth, 2026, 11, Weekday::Thu, d(2026, 11, 26)),
        // A fifth Thursday exists; the fourth is still the fourth.
        (Occurrence::Fourth, 2029, 11, Weekday::Thu, d(2029, 11, 22)),
        (Occurrence::Last, 2029, 11, Weekday::Thu, d(2029, 11, 29)),
        (Occurrence::Last, 2028, 2, Weekday::Tue, d(2028, 2, 29)),
        (Occurrence::Last, 2026, 12, Weekday::Thu, d(2026, 12, 31)),
        (Occurrence::Last, 2026, 5, Weekday::Mon, d(2026, 5, 25)),
    ];
    for (occurrence, year, month, weekday, expected) in cases {
        assert_eq!(occurrence.date_in(year, month, weekday), Some(expected));
    }
    assert_eq!(Occurrence::Last.date_in(2026, 0, Weekday::Mon), None);
    assert_eq!(Occurrence::Last.date_in(i32::MAX, 12, Weekday::Mon), None);
}

#[test]
fn bad_rules_are_refused_with_what_was_wrong() {
    assert!(matches!(
        Holiday::nth_weekday(13, Occurrence::First, Weekday::Mon, "x"),
        Err(Error::InvalidMonth { month: 13, .. })
    ));
    assert!(matches!(
        Holiday::easter(-301, "x"),
        Err(Error::InvalidEasterOffset {
            offset_days: -301,
            max: 300,
            ..
        })
    ));
    assert!(Holiday::easter(i32::MIN, "x").is_err());
    assert!(Holiday::easter(300, "x").is_ok());
}

fn england() -> Calendar {
    let sub = Observance::Substitute;
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
    .holiday(Holiday::nth_weekday(5, Occurrence::First, Weekday::Mon, "Early May").unwrap())
    .holiday(Holiday::nth_weekday(5, Occurrence::Last, Weekday::Mon, "Spring").unwrap())
    .holiday(Holiday::nth_weekday(8, Occurrence::Last, Weekday::Mon, "Summer").unwrap())
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

#[test]
fn english_bank_holidays_with_chained_substitute_days() {
    let calendar = england();
    let listed = |year| -> Vec<NaiveDate> {
        calendar
            .holidays_in(year)
            .into_iter()
            .map(|(date, _)| date)
            .collect()
    };
    // Christmas on a Saturday, Boxing Day on a Sunday: Monday and Tuesday.
    assert_eq!(
        listed(2027),
        [
            d(2027, 1, 1),
            d(2027, 3, 26),
            d(2027, 3, 29),
            d(2027, 5, 3),
            d(2027, 5, 31),
            d(2027, 8, 30),
            d(2027, 12, 27),
            d(2027, 12, 28)
        ]
    );
    // Christmas on a Sunday: Boxing Day keeps Monday, Christmas moves to Tuesday.
    let christmas_2022: Vec<NaiveDate> = listed(2022)
        .into_iter()
        .filter(|d| d.month() == 12)
        .collect();
    assert_eq!(christmas_2022, [d(2022, 12, 26), d(2022, 12, 27)]);
    // New Year's Day on a Saturday: Monday 3 January.
    assert_eq!(listed(2022).first(), Some(&d(2022, 1, 3)));
    // Boxing Day on a Saturday: Monday 28.
    assert!(listed(2026).contains(&d(2026, 12, 28)));

    // The calendar's working days agree with the listing, every day of years
    // of every kind.
    for year in 2015..=2045 {
        let holidays = listed(year);
        let first = d(year, 1, 1);
        for day in first.iter_days().take_while(|x| x.year() == year) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let expected = if weekend || holidays.contains(&day) {
                WorkingDays::ZERO
            } else {
                WorkingDays::ONE
            };
            assert_eq!(calendar.counts_as(day), expected, "{day}");
        }
    }
    // 2027: 261 weekdays, 8 bank holidays.
    assert_eq!(
        calendar
            .working_days_in(bureau_core::DateRange::new(d(2027, 1, 1), d(2028, 1, 1)).unwrap()),
        WorkingDays::from(253)
    );
}

#[test]
fn easter_holidays_are_found_in_every_century() {
    // The calendar lists Easter holidays of 1900-2200 once and computes the
    // others on each lookup: both ways, and the seams, agree with the listing.
    let calendar = england();
    let years = (1583..=1586)
        .chain(1898..=1903)
        .chain(2197..=2203)
        .chain([2400, 9999]);
    for year in years {
        let holidays: Vec<NaiveDate> = calendar
            .holidays_in(year)
            .into_iter()
            .map(|(date, _)| date)
            .collect();
        assert_eq!(holidays.len(), 8, "{year}");
        for day in d(year, 1, 1).iter_days().take_while(|x| x.year() == year) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let expected = if weekend || holidays.contains(&day) {
                WorkingDays::ZERO
            } else {
                WorkingDays::ONE
            };
            assert_eq!(calendar.counts_as(day), expected, "{day}");
        }
        let first = d(year, 1, 1);
        let next = d(year + 1, 1, 1);
        let weekdays = first
            .iter_days()
            .take_while(|x| *x < next)
            .filter(|x| !matches!(x.weekday(), Weekday::Sat | Weekday::Sun))
            .count();
        assert_eq!(
            calendar.working_days_in(bureau_core::DateRange::new(first, next).unwrap()),
            WorkingDays::from(i64::try_from(weekdays - holidays.len()).unwrap()),
            "{year}"
        );
    }
    // Before 1583 there is no Easter to count from.
    assert_eq!(calendar.holidays_in(1500).len(), 6);
}

#[test]
fn easter_holidays_close_the_day_and_shift_deadlines() {
    let calendar = england();
    let maundy_thursday = d(2026, 4, 2);
    // Thursday before Easter plus one working day: Tuesday, over Good
    // Friday, the weekend and Easter Monday.
    assert_eq!(
        calendar
            .add_working_days(maundy_thursday, WorkingDays::ONE)
            .unwrap(),
        d(2026, 4, 7)
    );
    assert!(calendar.hours_on(d(2026, 4, 3)).is_empty());
    // A holiday counted from Easter lands in the right year even when far
    // from it.
    let advent_like = Holiday::easter(240, "late").unwrap();
    assert_eq!(advent_like.date_in(2026), Some(d(2026, 12, 1)));
    let early = Holiday::easter(-100, "early").unwrap();
    // Easter 2026 less 100 days falls in 2025, so 2026 holds none of it.
    assert_eq!(early.date_in(2026), None);
    let c = Calendar::builder(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse().unwrap()).unwrap())
        .holiday(early)
        .build()
        .unwrap();
    // Easter 2026 less 100 days is Friday 26 December 2025.
    assert_eq!(c.counts_as(d(2025, 12, 26)), WorkingDays::ZERO);
    // 2025's own occurrence (Easter 2025 less 100 days) and 2026's.
    let dates: Vec<NaiveDate> = c
        .holidays_in(2025)
        .into_iter()
        .map(|(date, _)| date)
        .collect();
    assert_eq!(dates, [d(2025, 1, 10), d(2025, 12, 26)]);
}

#[test]
fn part_day_and_whole_day_on_one_date_close_the_day() {
    // Christmas Eve as a half day by date, and a holiday counted from Easter
    // that also lands there in some year: the whole day off wins.
    let eve = Holiday::yearly(12, 24, "Christmas Eve")
        .unwrap()
        .half_day("09:00-12:00".parse().unwrap());
    let easter = Church::Western.easter_sunday(2026).unwrap();
    let offset = i32::try_from(d(2026, 12, 24).signed_duration_since(easter).num_days()).unwrap();
    let off = Holiday::easter(offset, "closed").unwrap();
    let c = Calendar::builder(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse().unwrap()).unwrap())
        .holiday(eve)
        .holiday(off)
        .build()
        .unwrap();
    assert_eq!(c.counts_as(d(2026, 12, 24)), WorkingDays::ZERO);
    assert_eq!(c.counts_as(d(2027, 12, 24)), WorkingDays::HALF);
}

#[test]
fn of_two_part_days_on_one_date_the_first_given_decides() {
    let easter = Church::Western.easter_sunday(2026).unwrap();
    let offset = i32::try_from(d(2026, 12, 24).signed_duration_since(easter).num_days()).unwrap();
    let from_easter = || {
        Holiday::easter(offset, "from Easter")
            .unwrap()
            .half_day("09:00-11:00".parse().unwrap())
    };
    let by_date = || {
        Holiday::yearly(12, 24, "by date")
            .unwrap()
            .half_day("13:00-15:00".parse().unwrap())
    };
    let schedule = || Schedule::weekdays(Tz::UTC, "09:00-17:00".parse().unwrap()).unwrap();
    let easter_first = Calendar::builder(schedule())
        .holiday(from_easter())
        .holiday(by_date())
        .build()
        .unwrap();
    let date_first = Calendar::builder(schedule())
        .holiday(by_date())
        .holiday(from_easter())
        .build()
        .unwrap();
    assert_eq!(
        easter_first.hours_on(d(2026, 12, 24)).to_string(),
        "09:00-11:00"
    );
    assert_eq!(
        date_first.hours_on(d(2026, 12, 24)).to_string(),
        "13:00-15:00"
    );
}

#[cfg(feature = "serde")]
#[test]
fn new_rules_round_trip_through_serde() {
    let holidays = [
        Holiday::nth_weekday(11, Occurrence::Fourth, Weekday::Thu, "Thanksgiving").unwrap(),
        Holiday::easter(-2, "Good Friday").unwrap(),
        Holiday::easter_of(Church::Orthodox, 1, "Orthodox Easter Monday").unwrap(),
        Holiday::yearly(12, 25, "Christmas")
            .unwrap()
            .with_observance(Observance::Substitute),
    ];
    for holiday in holidays {
        let json = serde_json::to_string(&holiday).unwrap();
        let back: Holiday = serde_json::from_str(&json).unwrap();
        assert_eq!(back, holiday, "{json}");
    }
    let json = r#"{"name":"Good Friday","easter":-2}"#;
    let good_friday: Holiday = serde_json::from_str(json).unwrap();
    assert_eq!(good_friday.date_in(2026), Some(d(2026, 4, 3)));
    for bad in [
        r#"{"name":"x","month":11,"occurrence":"fourth"}"#,
        r#"{"name":"x","easter":400}"#,
        r#"{"name":"x","month":1,"day":1,"church":"orthodox"}"#,
        r#"{"name":"x","month":1,"day":1,"easter":3}"#,
    ] {
        assert!(serde_json::from_str::<Holiday>(bad).is_err(), "{bad}");
    }
}
