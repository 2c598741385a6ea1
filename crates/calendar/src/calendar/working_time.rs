//! Working time: whether an instant works, how much working time lies
//! between two instants, and when an amount of it has elapsed.

use chrono::{DateTime, TimeDelta, Utc};

use super::day_number::{CYCLE_DAYS, weekday_index};
use super::timeline::{NANOS, Union, delta_of, floor_secs, from_nanos, nanos_of, to_nanos};
use super::{Calendar, Inner};
use crate::zone::{self, DAY};
use crate::{Error, Result};

impl Calendar {
    /// Whether `at` is working time.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use chrono::{TimeZone, Utc};
    /// let c = Calendar::new(Schedule::weekdays(Tz::Asia__Kolkata, "09:30-18:00".parse()?)?);
    /// // Monday 4 May 2026, 09:30 in Kolkata is 04:00Z.
    /// assert!(c.is_working(Utc.with_ymd_and_hms(2026, 5, 4, 4, 0, 0).single().ok_or("time")?));
    /// assert!(!c.is_working(Utc.with_ymd_and_hms(2026, 5, 4, 3, 59, 59).single().ok_or("time")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_working(&self, at: DateTime<Utc>) -> bool {
        let a = to_nanos(at);
        // Boundaries are whole seconds, so one nanosecond tells.
        self.inner.measure(a, a + 1) == 1
    }

    /// The first working instant at or after `at`; `None` when no working
    /// time follows.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use chrono::{TimeZone, Utc};
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let saturday = Utc.with_ymd_and_hms(2026, 5, 2, 12, 0, 0).single().ok_or("time")?;
    /// let monday = Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).single().ok_or("time")?;
    /// assert_eq!(c.next_working_instant(saturday), Some(monday));
    /// assert_eq!(c.next_working_instant(monday), Some(monday));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_working_instant(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let a = to_nanos(at);
        self.inner.advance(a, 1).and_then(|t| from_nanos(t - 1))
    }

    /// The earliest instant by which `amount` of working time has elapsed
    /// since `from`. Adding zero returns `from`; a result at the end of an
    /// interval stays there (it does not jump to the next start).
    ///
    /// # Errors
    ///
    /// [`Error::NegativeDuration`] when `amount` is negative;
    /// [`Error::NoWorkingTime`] when the calendar has less than `amount` of
    /// working time left after `from` (never loops forever);
    /// [`Error::OutOfRange`] when the result is past what `DateTime` holds.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Error, Schedule, Tz};
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let friday_4pm = Utc.with_ymd_and_hms(2026, 5, 1, 16, 0, 0).single().ok_or("time")?;
    /// let due = c.add_working(friday_4pm, TimeDelta::hours(2))?;
    /// assert_eq!(due, Utc.with_ymd_and_hms(2026, 5, 4, 10, 0, 0).single().ok_or("time")?);
    ///
    /// let never = Calendar::new(Schedule::new(Tz::UTC, [])?);
    /// assert!(matches!(never.add_working(friday_4pm, TimeDelta::hours(1)), Err(Error::NoWorkingTime { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_working(&self, from: DateTime<Utc>, amount: TimeDelta) -> Result<DateTime<Utc>> {
        if amount < TimeDelta::zero() {
            return Err(Error::NegativeDuration { amount });
        }
        if amount.is_zero() {
            return Ok(from);
        }
        // Working time never runs faster than real time, so the result is at
        // least `from + amount`: past the last instant, fail before searching
        // (a walk there would cross up to 400 years of days for nothing).
        let (start, amount_nanos) = (to_nanos(from), nanos_of(amount));
        // Both terms are far inside i128 (instants within ±2^73 ns, a TimeDelta
        // within ±2^83 ns), so the sum cannot overflow.
        if start + amount_nanos > to_nanos(DateTime::<Utc>::MAX_UTC) {
            return Err(Error::OutOfRange { from });
        }
        let t = self
            .inner
            .advance(start, amount_nanos)
            .ok_or(Error::NoWorkingTime { from, amount })?;
        from_nanos(t).ok_or(Error::OutOfRange { from })
    }

    /// The working time in `[from, to)`; when `to` is before `from`, minus
    /// the working time in `[to, from)`.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-12:00, 13:00-17:00".parse()?)?);
    /// let a = Utc.with_ymd_and_hms(2026, 5, 4, 8, 0, 0).single().ok_or("time")?;
    /// let b = Utc.with_ymd_and_hms(2026, 5, 4, 14, 0, 0).single().ok_or("time")?;
    /// assert_eq!(c.working_between(a, b), TimeDelta::hours(4));
    /// assert_eq!(c.working_between(b, a), TimeDelta::hours(-4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        let (a, b) = (to_nanos(from), to_nanos(to));
        if b >= a {
            delta_of(self.inner.measure(a, b))
        } else {
            delta_of(-self.inner.measure(b, a))
        }
    }
}

impl Inner {
    /// The last day that can hold working time for a walk that last found
    /// some on `found` (400 years without any mean none ever: past the last
    /// one-off date, dates and weekdays repeat every 400 years).
    pub(super) fn horizon(&self, found: i64) -> i64 {
        if self.week_secs == 0 && !self.yearly_hours {
            return self.last_hours.map_or(found - 1, |d| d + 2);
        }
        self.last_one_off.unwrap_or(found).max(found) + CYCLE_DAYS + 3
    }

    pub(super) fn measure(&self, a: i128, b: i128) -> i128 {
        if a >= b {
            return 0;
        }
        let a_secs = floor_secs(a);
        let b_secs = floor_secs(b) + 1;
        let first = zone::local_day(self.tz, a_secs) - 2;
        // Not `b`'s own day: after a fall-back across midnight `b` may read
        // the day before one whose intervals have begun.
        let last = self.changes.latest_day(b_secs);
        let mut union = Union::default();
        let mut total: i128 = 0;
        let mut day = first;
        let mut next_run = first;
        while day <= last {
            if day >= next_run {
                match self.run(day, a, Some(b), last) {
                    Ok((end, _)) => {
                        total += i128::from(self.run_secs(day, end)) * NANOS;
                        day = end + 1;
                        next_run = day;
                        continue;
                    }
                    Err(next) => next_run = next,
                }
            }
            self.day_intervals(day, |s, e| {
                union.push(
                    (i128::from(s) * NANOS).clamp(a, b),
                    (i128::from(e) * NANOS).clamp(a, b),
                );
            });
            day += 1;
        }
        total + union.finish()
    }

    /// The earliest instant at which `amount` (> 0) of working time after
    /// `a` has elapsed; `None` when the calendar runs out of working time.
    pub(super) fn advance(&self, a: i128, amount: i128) -> Option<i128> {
        let a_secs = floor_secs(a);
        let first = zone::local_day(self.tz, a_secs) - 2;
        let mut horizon = self.horizon(first);
        let mut remaining = amount;
        let mut current: Option<(i128, i128)> = None;
        let mut next_run = first;
        let mut day = first;
        while day <= horizon {
            let run = if day >= next_run {
                self.run(day, a, None, horizon)
            } else {
                Err(next_run)
            };
            if let Err(next) = run {
                next_run = next;
            }
            if let Ok((end, offset)) = run {
                if let Some((s, e)) = current.take() {
                    if remaining <= e - s {
                        return Some(s + remaining);
                    }
                    remaining -= e - s;
                }
                let secs = i128::from(self.run_secs(day, end)) * NANOS;
                if remaining > secs {
                    if secs > 0 {
                        horizon = self.horizon(end);
                    }
                    remaining -= secs;
                    day = end + 1;
                    continue;
                }
                return Some(self.locate(day, end, offset, remaining));
            }
            let mut found = None;
            let mut worked = false;
            self.day_intervals(day, |s, e| {
                let (s, e) = ((i128::from(s) * NANOS).max(a), i128::from(e) * NANOS);
                if found.is_some() || e <= s {
                    return;
                }
                worked = true;
                match &mut current {
                    Some((_, ce)) if s <= *ce => *ce = (*ce).max(e),
                    Some((cs, ce)) => {
                        remaining -= *ce - *cs;
                        current = Some((s, e));
                    }
                    None => current = Some((s, e)),
                }
                if let Some((cs, ce)) = current
                    && remaining <= ce - cs
                {
                    found = Some(cs + remaining);
                }
            });
            if found.is_some() {
                return found;
            }
            if worked {
                horizon = self.horizon(day);
            }
            day += 1;
        }
        None
    }

    /// Where `remaining` working time runs out inside the run `from..=to`
    /// at `offset`, `remaining` being at most the run's working time.
    pub(super) fn locate(&self, from: i64, to: i64, offset: i64, remaining: i128) -> i128 {
        let mut r = remaining;
        let mut day = from;
        let week = i128::from(self.week_secs) * NANOS;
        if week > 0 {
            let weeks = ((r - 1) / week).min(i128::from((to - from + 1) / 7));
            day += i64::try_from(weeks).unwrap_or(0) * 7;
            r -= weeks * week;
        }
        let mut last_end = i128::from(day * DAY - offset) * NANOS;
        while day <= to {
            for i in self.schedule.day(weekday_index(day)).intervals() {
                let s = i128::from(day * DAY + i64::from(i.start_seconds()) - offset) * NANOS;
                let e = i128::from(day * DAY + i64::from(i.end_seconds()) - offset) * NANOS;
                if r <= e - s {
                    return s + r;
                }
                r -= e - s;
                last_end = e;
            }
            day += 1;
        }
        last_end
    }
}
