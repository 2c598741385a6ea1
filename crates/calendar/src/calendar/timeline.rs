//! The UTC timeline in nanoseconds, where working time is measured: instants
//! and durations to and from nanoseconds, a day's intervals placed on the
//! timeline, and the measure of a union of intervals.

use chrono::{DateTime, TimeDelta, Utc};

use super::Inner;
use crate::WallInterval;
use crate::zone::{DAY, Edge, Stretch};

/// Nanoseconds in a second.
pub(super) const NANOS: i128 = 1_000_000_000;

pub(super) fn to_nanos(t: DateTime<Utc>) -> i128 {
    i128::from(t.timestamp()) * NANOS + i128::from(t.timestamp_subsec_nanos())
}

pub(super) fn from_nanos(n: i128) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(n.div_euclid(NANOS)).ok()?;
    let nanos = u32::try_from(n.rem_euclid(NANOS)).ok()?;
    DateTime::from_timestamp(secs, nanos)
}

pub(super) fn delta_of(n: i128) -> TimeDelta {
    let secs = i64::try_from(n.div_euclid(NANOS)).unwrap_or(i64::MAX);
    let nanos = u32::try_from(n.rem_euclid(NANOS)).unwrap_or(0);
    TimeDelta::new(secs, nanos).unwrap_or(if n < 0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    })
}

pub(super) fn nanos_of(d: TimeDelta) -> i128 {
    i128::from(d.num_seconds()) * NANOS + i128::from(d.subsec_nanos())
}

/// Floor of `n` nanoseconds in whole seconds.
pub(super) fn floor_secs(n: i128) -> i64 {
    i64::try_from(n.div_euclid(NANOS)).unwrap_or(if n < 0 { i64::MIN / 4 } else { i64::MAX / 4 })
}

impl Inner {
    /// Calls `f` with the UTC seconds `[start, end)` of each interval owned by
    /// `day`, in order of start.
    pub(super) fn day_intervals(&self, day: i64, mut f: impl FnMut(i64, i64)) {
        let plan = self.hours(day).intervals();
        let (Some(first), Some(last_end)) = (
            plan.first(),
            plan.iter().map(WallInterval::end_seconds).max(),
        ) else {
            return;
        };
        let midnight = day * DAY;
        let stretch = self.changes.stretch(
            midnight + i64::from(first.start_seconds()) - self.changes.max_offset,
            midnight + i64::from(last_end) - self.changes.min_offset,
        );
        for i in plan {
            let (s, e) = (
                midnight + i64::from(i.start_seconds()),
                midnight + i64::from(i.end_seconds()),
            );
            match stretch {
                Stretch::Fixed(offset) => f(s - offset, e - offset),
                _ => f(
                    stretch.to_utc(self.tz, s, Edge::Start),
                    stretch.to_utc(self.tz, e, Edge::End),
                ),
            }
        }
    }
}

/// The measure of a union of intervals fed in order of start.
#[derive(Default)]
pub(super) struct Union {
    pub(super) current: Option<(i128, i128)>,
    total: i128,
}

impl Union {
    pub(super) fn push(&mut self, s: i128, e: i128) {
        if e <= s {
            return;
        }
        match &mut self.current {
            Some((_, ce)) if s <= *ce => *ce = (*ce).max(e),
            Some((cs, ce)) => {
                self.total += *ce - *cs;
                self.current = Some((s, e));
            }
            None => self.current = Some((s, e)),
        }
    }

    pub(super) fn take(&mut self, s: i128, e: i128) -> Option<(i128, i128)> {
        if e <= s {
            return None;
        }
        match &mut self.current {
            Some((_, ce)) if s <= *ce => {
                *ce = (*ce).max(e);
                None
            }
            Some(_) => self.current.replace((s, e)),
            None => {
                self.current = Some((s, e));
                None
            }
        }
    }

    pub(super) fn finish(self) -> i128 {
        self.total + self.current.map_or(0, |(s, e)| e - s)
    }
}
