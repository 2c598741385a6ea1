//! Reading wall-clock times in a time zone, and finding where its offset
//! changes.
//!
//! Times here are whole seconds: "UTC seconds" since 1970-01-01T00:00Z, and
//! "wall seconds", the same count for a local date and time read as if it
//! were UTC (so `wall = utc + offset`).

use chrono::{DateTime, LocalResult, Offset, TimeZone};
use chrono_tz::{GapInfo, Tz};

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// Step between two offset probes. The tz database has no offset change that
/// is undone within a week in the zones this crate is tested on (the unit
/// test below checks them, 1970 to 2037); a pair of changes closer than this
/// would go unseen by the fast path, never by the per-day conversion.
const PROBE: i64 = 7 * DAY;

/// The offset (local minus UTC, seconds) in force at `utc`.
pub(crate) fn offset_at(tz: Tz, utc: i64) -> i64 {
    DateTime::from_timestamp(utc, 0).map_or(0, |t| {
        i64::from(
            tz.offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    })
}

/// The local day number (days since 1970-01-01) at `utc`.
pub(crate) fn local_day(tz: Tz, utc: i64) -> i64 {
    (utc + offset_at(tz, utc)).div_euclid(DAY)
}

/// Which instant a wall-clock boundary that occurs twice stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edge {
    /// A start: the earlier instant.
    Start,
    /// An end: the later instant.
    End,
}

/// The UTC second of the wall time `wall`: a time in a gap is the first
/// instant after the gap; a repeated time is its earlier instant for a
/// [`Edge::Start`] and its later one for an [`Edge::End`].
pub(crate) fn wall_to_utc(tz: Tz, wall: i64, edge: Edge) -> i64 {
    let Some(naive) = DateTime::from_timestamp(wall, 0).map(|t| t.naive_utc()) else {
        return wall;
    };
    let shift = |o: &chrono_tz::TzOffset| wall - i64::from(o.fix().local_minus_utc());
    match tz.offset_from_local_datetime(&naive) {
        LocalResult::Single(o) => shift(&o),
        LocalResult::Ambiguous(a, b) => {
            let (x, y) = (shift(&a), shift(&b));
            if edge == Edge::Start {
                x.min(y)
            } else {
                x.max(y)
            }
        }
        LocalResult::None => GapInfo::new(&naive, &tz)
            .and_then(|gap| gap.end)
            .map_or_else(|| wall - offset_at(tz, wall), |end| end.timestamp()),
    }
}

/// The offset changes of one zone after a starting point, found lazily by
/// probing forward a week at a time and bisecting to the second.
pub(crate) struct Offsets {
    tz: Tz,
    start: i64,
    start_offset: i64,
    probed_to: i64,
    probed_offset: i64,
    /// (instant of the change, offset from then on), increasing.
    changes: Vec<(i64, i64)>,
}

impl Offsets {
    pub(crate) fn new(tz: Tz, start: i64) -> Self {
        let offset = offset_at(tz, start);
        Self {
            tz,
            start,
            start_offset: offset,
            probed_to: start,
            probed_offset: offset,
            changes: Vec::new(),
        }
    }

    fn probe(&mut self, upto: i64) {
        while self.probed_to < upto {
            let next = self.probed_to.saturating_add(PROBE);
            let offset = offset_at(self.tz, next);
            if offset == self.probed_offset {
                self.probed_to = next;
                continue;
            }
            // The first second whose offset differs lies in (lo, hi].
            let (mut lo, mut hi) = (self.probed_to, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(self.tz, mid) == self.probed_offset {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            self.probed_offset = offset_at(self.tz, hi);
            self.probed_to = hi;
            self.changes.push((hi, self.probed_offset));
        }
    }

    /// The offset in force over all of `[from, to]` when it does not change
    /// there, `None` when it does (or when `from` is before the start).
    pub(crate) fn constant(&mut self, from: i64, to: i64) -> Option<i64> {
        if from < self.start {
            return None;
        }
        self.probe(to);
        let i = self.changes.partition_point(|&(at, _)| at <= from);
        if self.changes.get(i).is_some_and(|&(at, _)| at <= to) {
            return None;
        }
        Some(
            i.checked_sub(1)
                .and_then(|j| self.changes.get(j))
                .map_or(self.start_offset, |&(_, o)| o),
        )
    }

    /// The first change after `from`, looking no further than `limit`.
    pub(crate) fn next_change(&mut self, from: i64, limit: i64) -> Option<i64> {
        self.probe(limit);
        let i = self.changes.partition_point(|&(at, _)| at <= from);
        self.changes
            .get(i)
            .map(|&(at, _)| at)
            .filter(|&at| at <= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    }

    #[test]
    fn gap_and_repeat_follow_the_rules() {
        let ny = Tz::America__New_York;
        // 2026-03-08 02:30 does not exist: first instant after the gap is 07:00Z.
        let gap = utc(2026, 3, 8, 2, 30);
        assert_eq!(wall_to_utc(ny, gap, Edge::Start), utc(2026, 3, 8, 7, 0));
        assert_eq!(wall_to_utc(ny, gap, Edge::End), utc(2026, 3, 8, 7, 0));
        // 2026-11-01 01:30 happens twice: 05:30Z (EDT) and 06:30Z (EST).
        let twice = utc(2026, 11, 1, 1, 30);
        assert_eq!(wall_to_utc(ny, twice, Edge::Start), utc(2026, 11, 1, 5, 30));
        assert_eq!(wall_to_utc(ny, twice, Edge::End), utc(2026, 11, 1, 6, 30));
        // Lord Howe moves by 30 minutes: 02:15 on 2026-10-04 is in its gap.
        let lh = Tz::Australia__Lord_Howe;
        let t = wall_to_utc(lh, utc(2026, 10, 4, 2, 15), Edge::Start);
        assert_eq!(t + offset_at(lh, t), utc(2026, 10, 4, 2, 30));
    }

    #[test]
    fn probing_finds_every_change_to_the_second() {
        let berlin = Tz::Europe__Berlin;
        let mut offsets = Offsets::new(berlin, utc(2026, 1, 1, 0, 0));
        let spring = utc(2026, 3, 29, 1, 0);
        let autumn = utc(2026, 10, 25, 1, 0);
        assert_eq!(
            offsets.next_change(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
            Some(spring)
        );
        assert_eq!(
            offsets.next_change(spring, utc(2027, 1, 1, 0, 0)),
            Some(autumn)
        );
        assert_eq!(offsets.constant(spring, autumn - 1), Some(7200));
        assert_eq!(offsets.constant(spring - 1, spring), None);
        assert_eq!(offsets.constant(autumn, autumn + 1000), Some(3600));
    }

    /// The fast path's assumption, checked hour by hour.
    #[test]
    fn no_change_is_undone_within_a_probe_step() {
        let zones = [
            Tz::America__New_York,
            Tz::Europe__London,
            Tz::Europe__Berlin,
            Tz::Australia__Lord_Howe,
            Tz::Asia__Kolkata,
            Tz::Pacific__Chatham,
            Tz::UTC,
        ];
        for tz in zones {
            let (mut t, end) = (utc(1970, 1, 1, 0, 0), utc(2038, 1, 1, 0, 0));
            let mut previous = (t, offset_at(tz, t));
            let mut last_change = i64::MIN / 2;
            while t < end {
                t += 3600;
                let o = offset_at(tz, t);
                if o != previous.1 {
                    assert!(t - last_change > PROBE, "{tz} changes twice near {t}");
                    last_change = t;
                }
                previous = (t, o);
            }
        }
    }
}
