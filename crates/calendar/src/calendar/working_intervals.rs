//! The working intervals of a calendar inside a range, one by one.

use core::fmt;
use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::Calendar;
use super::timeline::{NANOS, Union, floor_secs, from_nanos, to_nanos};
use crate::zone;

impl Calendar {
    /// The working intervals inside `[from, to)`, in order, as half-open UTC
    /// intervals; touching or overlapping intervals come merged, and the
    /// first and last are cut at `from` and `to`. The iterator walks the
    /// range day by day (on a 24/7 calendar its one item needs every day up
    /// to `to`); for totals, [`Calendar::working_between`] is faster.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use chrono::{TimeZone, Utc};
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let from = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).single().ok_or("time")?; // Friday
    /// let to = Utc.with_ymd_and_hms(2026, 5, 4, 10, 0, 0).single().ok_or("time")?;   // Monday
    /// let spans: Vec<_> = c.working_intervals(from, to).collect();
    /// assert_eq!(spans, vec![
    ///     (from, Utc.with_ymd_and_hms(2026, 5, 1, 17, 0, 0).single().ok_or("time")?),
    ///     (Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).single().ok_or("time")?, to),
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_intervals(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> WorkingIntervals {
        let (lo, hi) = (to_nanos(from), to_nanos(to));
        let tz = self.inner.tz;
        let lo_secs = floor_secs(lo);
        WorkingIntervals {
            calendar: self.clone(),
            day: zone::local_day(tz, lo_secs) - 2,
            // As in `measure`, the last day that has begun by `hi`.
            last_day: if hi > lo {
                self.inner.changes.latest_day(floor_secs(hi) + 1)
            } else {
                i64::MIN
            },
            lo,
            hi,
            union: Union::default(),
            ready: VecDeque::new(),
        }
    }
}

/// The working intervals of a [`Calendar`] inside a range, in order; made
/// by [`Calendar::working_intervals`]. It owns a (cheap) clone of the
/// calendar.
///
/// ```
/// use bureau_calendar::{Calendar, Schedule, Tz};
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-12:00, 13:00-17:00".parse()?)?);
/// let monday = Utc.with_ymd_and_hms(2026, 5, 4, 0, 0, 0).single().ok_or("time")?;
/// let week: Vec<_> = c.working_intervals(monday, monday + TimeDelta::days(7)).collect();
/// assert_eq!(week.len(), 10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WorkingIntervals {
    calendar: Calendar,
    day: i64,
    last_day: i64,
    lo: i128,
    hi: i128,
    union: Union,
    ready: VecDeque<(i128, i128)>,
}

impl fmt::Debug for WorkingIntervals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkingIntervals")
            .field("from", &from_nanos(self.lo))
            .field("to", &from_nanos(self.hi))
            .finish_non_exhaustive()
    }
}

impl Iterator for WorkingIntervals {
    type Item = (DateTime<Utc>, DateTime<Utc>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((s, e)) = self.ready.pop_front() {
                if let (Some(s), Some(e)) = (from_nanos(s), from_nanos(e)) {
                    return Some((s, e));
                }
                continue;
            }
            if self.day > self.last_day {
                let (s, e) = self.union.current.take()?;
                return from_nanos(s).zip(from_nanos(e));
            }
            let (lo, hi) = (self.lo, self.hi);
            let (union, ready) = (&mut self.union, &mut self.ready);
            self.calendar.inner.day_intervals(self.day, |s, e| {
                let s = (i128::from(s) * NANOS).clamp(lo, hi);
                let e = (i128::from(e) * NANOS).clamp(lo, hi);
                if let Some(done) = union.take(s, e) {
                    ready.push_back(done);
                }
            });
            self.day += 1;
        }
    }
}

impl core::iter::FusedIterator for WorkingIntervals {}
