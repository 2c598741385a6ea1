//! Runs of ordinary days: stretches of days that work the weekly schedule's
//! hours at one UTC offset, with no exception on or next to them, which the
//! walks sum from the weekly template instead of day by day.

use super::Inner;
use super::day_number::sum_by_weekday;
use super::timeline::{NANOS, floor_secs};
use crate::zone::DAY;

impl Inner {
    /// Wall seconds of the template over days `from..=to`.
    pub(super) fn run_secs(&self, from: i64, to: i64) -> i64 {
        sum_by_weekday(&self.day_secs, self.week_secs, from, to)
    }

    /// The longest run of days from `day` whose intervals are the schedule's,
    /// at one offset, disjoint from every other day's, starting at or after
    /// `lo` and (when given) ending by `hi`: `Ok((last day, offset))`; else
    /// `Err` of the first day a run may start on.
    pub(super) fn run(
        &self,
        day: i64,
        lo: i128,
        hi: Option<i128>,
        max_day: i64,
    ) -> Result<(i64, i64), i64> {
        let midnight = day * DAY;
        // Cheap bounds first, with the zone's extreme offsets.
        if i128::from(midnight + self.min_start - self.changes.min_offset) * NANOS < lo {
            return Err(day + 1);
        }
        if let Some(hi) = hi
            && floor_secs(hi) + self.changes.max_offset - self.max_end < midnight
        {
            return Err(i64::MAX);
        }
        let mut last = max_day;
        match self.next_exception(day - 1) {
            Some(x) if x <= day + 1 => return Err(x + 2),
            Some(x) => last = last.min(x - 2),
            // Every yearly rule falls within nine years; look again later.
            None if self.any_yearly => last = last.min(day + 9 * 365),
            None => {}
        }
        // The day's intervals and its neighbours' must all be at one offset.
        let before = DAY - self.min_start + self.changes.max_offset;
        let after = (DAY + self.max_end).max(2 * DAY) - self.changes.min_offset;
        let Some(offset) = self.changes.constant(midnight - before, midnight + after) else {
            let change = self.changes.next_change(midnight - before - 1);
            return Err(if change <= midnight + after {
                (change + before).div_euclid(DAY) + 1
            } else {
                day + 1
            });
        };
        let change = self.changes.next_change(midnight + after);
        last = last.min(day + (change - 1 - after - midnight).div_euclid(DAY));
        if i128::from(midnight + self.min_start - offset) * NANOS < lo {
            return Err(day + 1);
        }
        if let Some(hi) = hi {
            let hi_secs = floor_secs(hi);
            last = last.min(day + (hi_secs + offset - self.max_end - midnight).div_euclid(DAY));
        }
        if last < day {
            return Err(if hi.is_some() { i64::MAX } else { day + 1 });
        }
        Ok((last, offset))
    }
}
