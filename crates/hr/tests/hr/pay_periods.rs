//! Pay periods cut from pay schedules.

use bureau_core::DateRange;
use bureau_hr::{Error, PayFrequency, PaySchedule, strategy};
use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

#[test]
fn a_period_from_the_26th_to_the_25th() -> TestResult {
    let monthly = PaySchedule::new(PayFrequency::Monthly, day(2025, 11, 26))?;
    let period = monthly.period_containing(day(2026, 2, 25))?;
    assert_eq!(
        (period.first_day(), period.last_day()),
        (day(2026, 1, 26), day(2026, 2, 25))
    );
    let next = monthly.period_containing(day(2026, 2, 26))?;
    assert_eq!(
        (next.first_day(), next.last_day()),
        (day(2026, 2, 26), day(2026, 3, 25))
    );
    Ok(())
}

#[test]
fn twelve_monthly_periods_in_a_tax_year_never_thirteen() -> TestResult {
    // The tax year 6 April to 5 April overlaps 13 periods from the 26th to
    // the 25th; it pays for the 12 that end in it.
    let tax_year = DateRange::new(day(2026, 4, 6), day(2027, 4, 6))?;
    for anchor in 1..=28 {
        let monthly = PaySchedule::new(PayFrequency::Monthly, day(2026, 1, anchor))?;
        assert_eq!(
            monthly.periods_ending_in(tax_year)?.len(),
            12,
            "anchor day {anchor}"
        );
    }
    let from_26th = PaySchedule::new(PayFrequency::Monthly, day(2026, 1, 26))?;
    assert_eq!(from_26th.periods_overlapping(tax_year)?.len(), 13);
    Ok(())
}

#[test]
fn a_joiner_on_the_31st() -> TestResult {
    // Joining on 31 January: the first period is the one holding that day,
    // and the months after it do not drift to the 28th.
    let employed = DateRange::new(day(2026, 1, 31), day(2027, 1, 1))?;
    let calendar_months = PaySchedule::new(PayFrequency::Monthly, day(2026, 1, 1))?;
    let periods = calendar_months.periods_overlapping(employed)?;
    assert_eq!(periods.len(), 12);
    let first = periods.first().ok_or("no period")?;
    assert_eq!(
        (first.first_day(), first.last_day()),
        (day(2026, 1, 1), day(2026, 1, 31))
    );
    for (period, month) in periods.iter().zip(1..) {
        assert_eq!(
            (period.first_day().month(), period.first_day().day()),
            (month, 1)
        );
    }
    let semi = PaySchedule::new(PayFrequency::SemiMonthly, day(2026, 1, 1))?;
    let first = semi.period_containing(day(2026, 1, 31))?;
    assert_eq!(
        (first.first_day(), first.last_day()),
        (day(2026, 1, 16), day(2026, 1, 31))
    );
    Ok(())
}

#[test]
fn semi_monthly_from_the_26th() -> TestResult {
    let semi = PaySchedule::new(PayFrequency::SemiMonthly, day(2026, 1, 26))?;
    let halves: Vec<(NaiveDate, NaiveDate)> = semi
        .periods_overlapping(DateRange::new(day(2026, 2, 1), day(2026, 3, 1))?)?
        .iter()
        .map(|p| (p.first_day(), p.last_day()))
        .collect();
    assert_eq!(
        halves,
        [
            (day(2026, 1, 26), day(2026, 2, 10)),
            (day(2026, 2, 11), day(2026, 2, 25)),
            (day(2026, 2, 26), day(2026, 3, 10)),
        ]
    );
    Ok(())
}

#[test]
fn periods_a_year_pays_for() -> TestResult {
    let year = DateRange::new(day(2026, 1, 1), day(2027, 1, 1))?;
    let count = |frequency, anchor| -> Result<usize, Error> {
        Ok(PaySchedule::new(frequency, anchor)?
            .periods_ending_in(year)?
            .len())
    };
    assert_eq!(count(PayFrequency::SemiMonthly, day(2026, 1, 1))?, 24);
    assert_eq!(count(PayFrequency::Monthly, day(2026, 1, 1))?, 12);
    // 2026 has 53 Thursdays, so weeks from Friday to Thursday are paid 53 times.
    assert_eq!(count(PayFrequency::Weekly, day(2025, 12, 26))?, 53);
    assert_eq!(count(PayFrequency::Weekly, day(2025, 12, 29))?, 52);
    assert_eq!(count(PayFrequency::Biweekly, day(2026, 1, 5))?, 26);
    Ok(())
}

#[test]
fn anchors_off_the_allowed_days_are_refused_by_name() {
    let err = PaySchedule::new(PayFrequency::SemiMonthly, day(2026, 3, 14)).err();
    assert_eq!(
        err.map(|e| e.to_string()),
        Some("semi-monthly pay periods cannot start on 2026-03-14: anchor days are 1 to 13 and 16 to 28".to_owned())
    );
    assert!(PaySchedule::new(PayFrequency::Weekly, day(2026, 3, 31)).is_ok());
}

proptest! {
    #[test]
    fn every_day_of_a_year_is_in_exactly_one_period(
        schedule in strategy::pay_schedule(),
        start_offset in 0u64..3000,
    ) {
        let start = day(2020, 1, 1).checked_add_days(Days::new(start_offset)).unwrap_or(day(2020, 1, 1));
        let end = start.checked_add_days(Days::new(366)).unwrap_or(start);
        let year = DateRange::new(start, end).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let periods = schedule.periods_overlapping(year).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for date in year.days() {
            let holding = periods.iter().filter(|p| p.contains(date)).count();
            prop_assert_eq!(holding, 1, "{} is in {} periods", date, holding);
            let containing = schedule.period_containing(date).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(periods.contains(&containing));
        }
        // Periods follow one another without gaps.
        for pair in periods.windows(2) {
            if let [a, b] = pair {
                prop_assert_eq!(a.last_day().succ_opt(), Some(b.first_day()));
            }
        }
        let paid = schedule.periods_ending_in(year).map_err(|e| TestCaseError::fail(e.to_string()))?.len();
        let expected = match schedule.frequency() {
            PayFrequency::Weekly => 52..=53,
            PayFrequency::Biweekly => 26..=27,
            PayFrequency::SemiMonthly => 24..=25,
            _ => 12..=13,
        };
        prop_assert!(expected.contains(&paid), "{} periods", paid);
    }

    #[test]
    fn a_twelve_month_year_pays_exactly_twelve_or_twenty_four_periods(
        schedule in strategy::pay_schedule(),
        year in 2000i32..2100,
        month in 1u32..=12,
        first in 1u32..=28,
    ) {
        let start = day(year, month, first);
        let end = day(year + 1, month, first);
        let range = DateRange::new(start, end).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let paid = schedule.periods_ending_in(range).map_err(|e| TestCaseError::fail(e.to_string()))?.len();
        match schedule.frequency() {
            PayFrequency::Monthly => prop_assert_eq!(paid, 12),
            PayFrequency::SemiMonthly => prop_assert_eq!(paid, 24),
            _ => {}
        }
    }
}
