//! Dates as day numbers (days since 1970-01-01), their weekdays and years,
//! and sums over runs of weekdays: the integer arithmetic under every walk
//! over a calendar's days.

use chrono::{Datelike, NaiveDate};

/// Days in the 400-year Gregorian cycle, after which dates and weekdays repeat.
pub(super) const CYCLE_DAYS: i64 = 146_097;
/// Day number of 1970-01-01 counted from 0001-01-01 as day 1.
pub(super) const EPOCH_CE: i64 = 719_163;

pub(super) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - EPOCH_CE
}

pub(super) fn date_of(day: i64) -> Option<NaiveDate> {
    i32::try_from(day + EPOCH_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Monday = 0.
pub(super) fn weekday_index(day: i64) -> usize {
    // 1970-01-01 was a Thursday.
    usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0)
}

pub(super) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Day number of 1 January of `year` (proleptic Gregorian).
pub(super) fn jan1(year: i64) -> i64 {
    let y = year - 1;
    365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) - 719_162
}

/// The year holding day number `day`, and the day number of its 1 January.
pub(super) fn year_of(day: i64) -> (i64, i64) {
    let mut year = 1970 + (day * 400).div_euclid(CYCLE_DAYS);
    while jan1(year) > day {
        year -= 1;
    }
    while jan1(year + 1) <= day {
        year += 1;
    }
    (year, jan1(year))
}

/// The kind of a year: weekday of its 1 January (Monday = 0) * 2 + leap.
pub(super) fn year_kind(year: i64) -> usize {
    weekday_index(jan1(year)) * 2 + usize::from(is_leap(year))
}

/// Sum of `per_day` by weekday over days `from..=to` (0 when empty).
pub(super) fn sum_by_weekday(per_day: &[i64; 7], per_week: i64, from: i64, to: i64) -> i64 {
    if to < from {
        return 0;
    }
    let count = to - from + 1;
    let mut total = count / 7 * per_week;
    let mut w = weekday_index(from);
    for _ in 0..count % 7 {
        total += per_day.get(w).copied().unwrap_or(0);
        w = (w + 1) % 7;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_arithmetic_matches_chrono() {
        let mut date = NaiveDate::from_ymd_opt(1599, 12, 25).unwrap();
        let end = NaiveDate::from_ymd_opt(2405, 1, 10).unwrap();
        while date < end {
            let day = day_number(date);
            assert_eq!(date_of(day), Some(date));
            let (year, first) = year_of(day);
            assert_eq!(year, i64::from(date.year()), "{date}");
            assert_eq!(day - first, i64::from(date.ordinal0()), "{date}");
            assert_eq!(
                weekday_index(day),
                date.weekday().num_days_from_monday() as usize
            );
            date = date + chrono::Days::new(13);
        }
    }

    #[test]
    fn sums_by_weekday_over_partial_weeks() {
        let per_day = [1, 2, 4, 8, 16, 32, 64];
        // Day 0 is a Thursday (index 3).
        assert_eq!(sum_by_weekday(&per_day, 127, 0, 0), 8);
        assert_eq!(sum_by_weekday(&per_day, 127, 0, 4), 8 + 16 + 32 + 64 + 1);
        assert_eq!(sum_by_weekday(&per_day, 127, 0, 13), 254);
        assert_eq!(sum_by_weekday(&per_day, 127, 5, 4), 0);
    }
}
