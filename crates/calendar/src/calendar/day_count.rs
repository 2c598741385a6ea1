//! Working days: what a date counts as, how many working days a range of
//! dates holds, and the date by which a number of them is complete.

use bureau_core::{DateRange, Decimal};
use chrono::NaiveDate;

use super::day_number::{CYCLE_DAYS, date_of, day_number, sum_by_weekday, weekday_index};
use super::{Calendar, Inner};
use crate::{Error, Result, WorkingDays};

impl Calendar {
    /// The fraction of a working day `date` counts as: 1 for a date with the
    /// schedule's hours or an override, the holiday's fraction for a part
    /// day (0.5 for a half day), 0 for a free date.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Schedule, Tz, WorkingDays};
    /// use chrono::NaiveDate;
    /// let eve = NaiveDate::from_ymd_opt(2026, 12, 24).ok_or("date")?;
    /// let c = Calendar::builder(Schedule::weekdays(Tz::Europe__Berlin, "09:00-17:00".parse()?)?)
    ///     .holiday(Holiday::on(eve, "Heiligabend").half_day("09:00-12:00".parse()?))
    ///     .build()?;
    /// assert_eq!(c.counts_as(eve), WorkingDays::HALF);
    /// assert_eq!(c.counts_as(NaiveDate::from_ymd_opt(2026, 12, 23).ok_or("date")?), WorkingDays::ONE);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts_as(&self, date: NaiveDate) -> WorkingDays {
        self.inner.weight(day_number(date))
    }

    /// The working days in `[from, to)`: 1 per date with the schedule's
    /// hours or a working-day override, the holiday's fraction (0.5 for a
    /// half day) per part-day holiday, 0 for free dates; minus the count in
    /// `[to, from)` when `to` is before `from`.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Schedule, Tz, WorkingDays};
    /// use chrono::NaiveDate;
    /// let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).ok_or("date");
    /// let c = Calendar::builder(Schedule::weekdays(Tz::Europe__Berlin, "09:00-17:00".parse()?)?)
    ///     .holiday(Holiday::yearly(12, 24, "Heiligabend")?.half_day("09:00-12:00".parse()?))
    ///     .holiday(Holiday::yearly(12, 25, "Weihnachten")?)
    ///     .build()?;
    /// // Monday 21 to Sunday 27 December 2026: Mon-Wed, half of Thursday.
    /// let three_and_a_half = WorkingDays::from(3) + WorkingDays::HALF;
    /// assert_eq!(c.working_days_between(day(21)?, day(28)?), three_and_a_half);
    /// assert_eq!(c.working_days_between(day(28)?, day(21)?), -three_and_a_half);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> WorkingDays {
        let (a, b) = (day_number(from), day_number(to));
        if b >= a {
            self.inner.weight_between(a, b)
        } else {
            -self.inner.weight_between(b, a)
        }
    }

    /// The working days in `range`, counted as in
    /// [`Calendar::working_days_between`].
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz, WorkingDays};
    /// use bureau_core::Period;
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// // March 2026 has 22 weekdays.
    /// assert_eq!(c.working_days_in(Period::month(2026, 3)?.range()), WorkingDays::from(22));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_days_in(&self, range: DateRange) -> WorkingDays {
        self.working_days_between(range.start(), range.end())
    }

    /// The date on which `days` working days after `date` are complete:
    /// counting from the day after `date`, the first date where the count
    /// reaches `days` (half days count 0.5). Zero days is `date` itself.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeDays`] when `days` is negative;
    /// [`Error::NoWorkingDays`] when the calendar runs out of working days,
    /// which includes asking for more days than there are dates left before
    /// [`NaiveDate::MAX`] (answered at once: no date counts more than one).
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz, WorkingDays};
    /// use chrono::NaiveDate;
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let friday = NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?;
    /// // Net 10 working days from Friday 1 May 2026: Friday 15 May.
    /// assert_eq!(c.add_working_days(friday, WorkingDays::from(10))?, NaiveDate::from_ymd_opt(2026, 5, 15).ok_or("date")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_working_days(&self, date: NaiveDate, days: WorkingDays) -> Result<NaiveDate> {
        if days.is_negative() {
            return Err(Error::NegativeDays { days });
        }
        if days.is_zero() {
            return Ok(date);
        }
        let (from, last) = (day_number(date), day_number(NaiveDate::MAX));
        // Day numbers lie within ±10^8, so the difference cannot overflow.
        if days > WorkingDays::from(last - from) {
            return Err(Error::NoWorkingDays { from: date, days });
        }
        self.inner
            .advance_days(from, days.value())
            .and_then(date_of)
            .ok_or(Error::NoWorkingDays { from: date, days })
    }
}

impl Inner {
    /// The fraction of a working day `day` counts as.
    pub(super) fn weight(&self, day: i64) -> WorkingDays {
        match self.exception(day) {
            Some(e) => e.weight,
            None => WorkingDays::from(self.day_works.get(weekday_index(day)).copied().unwrap_or(0)),
        }
    }

    pub(super) fn weight_between(&self, from: i64, to: i64) -> WorkingDays {
        let mut total = WorkingDays::ZERO;
        let mut day = from;
        while day < to {
            if let Some(e) = self.exception(day) {
                total += e.weight;
                day += 1;
                continue;
            }
            let end = self.next_exception(day).map_or(to, |x| x.min(to));
            total += WorkingDays::from(sum_by_weekday(
                &self.day_works,
                self.week_days,
                day,
                end - 1,
            ));
            day = end;
        }
        total
    }

    pub(super) fn advance_days(&self, from: i64, days: Decimal) -> Option<i64> {
        // As for working time: 400 years without a working day mean none ever.
        // Never past the last representable date: a count of days larger than
        // the calendar holds ends there with `None`, not in an endless search.
        let last_date = day_number(NaiveDate::MAX);
        let horizon_from = |found: i64| {
            let horizon = if self.week_days == 0 && !self.yearly_weight {
                self.last_weight.unwrap_or(found)
            } else {
                self.last_one_off.unwrap_or(found).max(found) + CYCLE_DAYS + 1
            };
            horizon.min(last_date)
        };
        let mut horizon = horizon_from(from);
        let mut remaining = days;
        let mut day = from + 1;
        while day <= horizon {
            if let Some(e) = self.exception(day) {
                let weight = e.weight.value();
                if weight > Decimal::ZERO {
                    if remaining <= weight {
                        return Some(day);
                    }
                    horizon = horizon_from(day);
                }
                remaining -= weight;
                day += 1;
                continue;
            }
            let end = self
                .next_exception(day)
                .map_or(horizon + 1, |x| x.min(horizon + 1));
            let count = sum_by_weekday(&self.day_works, self.week_days, day, end - 1);
            if remaining > Decimal::from(count) {
                if count > 0 {
                    horizon = horizon_from(end - 1);
                }
                remaining -= Decimal::from(count);
                day = end;
                continue;
            }
            if self.week_days > 0 {
                let weeks = ((remaining - Decimal::ONE) / Decimal::from(self.week_days)).floor();
                let weeks = i64::try_from(weeks.max(Decimal::ZERO)).unwrap_or(0);
                day += weeks * 7;
                remaining -= Decimal::from(weeks * self.week_days);
            }
            while day < end {
                let w = self.day_works.get(weekday_index(day)).copied().unwrap_or(0);
                if w > 0 && remaining <= Decimal::from(w) {
                    return Some(day);
                }
                remaining -= Decimal::from(w);
                day += 1;
            }
        }
        None
    }
}
