//! Working-time arithmetic over a cycle's unpaused intervals.
//!
//! A cycle's clock runs over `[start, end)` except while the ticket's status is
//! one of the metric's pause statuses. The ticket's status timeline (every
//! status change with its instant) gives those intervals without any per-cycle
//! bookkeeping, so recording an event never touches a calendar.

use bureau_calendar::Calendar;
use chrono::{DateTime, TimeDelta, Utc};

use crate::ticket::{Status, StatusSet};

/// The unpaused intervals `[a, b)` of a cycle, in order, adjacent unpaused
/// statuses merged into one interval.
#[derive(Clone, Debug)]
pub(crate) struct Segments<'a> {
    timeline: &'a [(DateTime<Utc>, Status)],
    next: usize,
    from: DateTime<Utc>,
    end: DateTime<Utc>,
    status: Status,
    paused: StatusSet,
}

impl<'a> Segments<'a> {
    /// The unpaused intervals of `[start, end)`, where `timeline[mark]` is the
    /// status in force at `start` and later entries are dated at or after it.
    pub(crate) fn new(
        timeline: &'a [(DateTime<Utc>, Status)],
        mark: usize,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        paused: StatusSet,
    ) -> Self {
        let status = timeline.get(mark).map_or(Status::New, |(_, s)| *s);
        Self {
            timeline,
            next: mark.saturating_add(1),
            from: start,
            end,
            status,
            paused,
        }
    }
}

impl Iterator for Segments<'_> {
    type Item = (DateTime<Utc>, DateTime<Utc>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.from < self.end {
            let run_paused = self.paused.contains(self.status);
            let mut boundary = self.end;
            while let Some(&(at, status)) = self.timeline.get(self.next) {
                if at >= self.end {
                    break;
                }
                self.next += 1;
                let flips = self.paused.contains(status) != run_paused;
                self.status = status;
                if flips {
                    boundary = at.max(self.from);
                    break;
                }
            }
            let segment = (self.from, boundary);
            self.from = boundary;
            if boundary == self.end {
                // Nothing after `end` matters; make the next call return None.
                self.next = self.timeline.len();
            }
            if !run_paused && segment.0 < segment.1 {
                return Some(segment);
            }
        }
        None
    }
}

/// Elapsed working time of a cycle and the instants it crossed its thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Measure {
    /// Working time over the unpaused intervals.
    pub(crate) elapsed: TimeDelta,
    /// For each threshold, the earliest instant the elapsed time reached it,
    /// if it did within the intervals (at or before their end).
    pub(crate) crossed: [Option<DateTime<Utc>>; 2],
}

/// Walks the unpaused intervals once: one `working_between` per interval, one
/// `add_working` per threshold crossed.
pub(crate) fn measure(
    hours: &mut Hours<'_>,
    segments: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    thresholds: [Option<TimeDelta>; 2],
) -> Result<Measure, bureau_calendar::Error> {
    // The segments are disjoint and lie between the first and the last
    // instant chrono holds, so `elapsed` stays below about 2^44 seconds, and a
    // threshold is at most a target (ten years): neither the sum nor the
    // difference below can leave TimeDelta's range of about 2^63 ms.
    let mut elapsed = TimeDelta::zero();
    let mut crossed = [None, None];
    for (a, b) in segments {
        let worked = hours.between(a, b);
        for (threshold, found) in thresholds.iter().zip(crossed.iter_mut()) {
            if let (Some(threshold), None) = (threshold, &found) {
                let remaining = *threshold - elapsed;
                if worked >= remaining {
                    *found = Some(hours.add(a, remaining)?);
                }
            }
        }
        elapsed += worked;
    }
    Ok(Measure { elapsed, crossed })
}

/// Working-time arithmetic on one calendar: calendar hours done inline, a
/// business calendar asked directly or through a [`WorkingTimeCache`].
#[derive(Debug)]
pub(crate) enum Hours<'a> {
    /// Every instant counts.
    Always,
    /// Ask the calendar.
    Direct(&'a Calendar),
    /// Read the calendar's working intervals from a cache, filling it on a miss.
    Cached(&'a Calendar, &'a mut DayTable),
}

impl Hours<'_> {
    pub(crate) fn between(&mut self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        match self {
            // Two instants are less than 2^45 seconds apart: no overflow.
            Hours::Always => b - a,
            Hours::Direct(calendar) => calendar.working_between(a, b),
            Hours::Cached(calendar, table) => table.between(calendar, a, b),
        }
    }

    pub(crate) fn add(
        &mut self,
        from: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<DateTime<Utc>, bureau_calendar::Error> {
        match self {
            Hours::Always => match from.checked_add_signed(amount) {
                Some(due) if amount >= TimeDelta::zero() => Ok(due),
                // Let the calendar name the error.
                _ => Calendar::always().add_working(from, amount),
            },
            Hours::Direct(calendar) => calendar.add_working(from, amount),
            Hours::Cached(calendar, table) => table.add(calendar, from, amount),
        }
    }
}

/// Days per cached block of working intervals.
const BLOCK_DAYS: i64 = 16;
const BLOCK_SECONDS: i64 = BLOCK_DAYS * 86_400;
/// Blocks a table spans at most (about 45 years); beyond, the calendar is asked.
const MAX_BLOCKS: usize = 1024;
/// Blocks `add` walks through the cache before handing over to the calendar.
const ADD_BLOCKS: i64 = 64;

/// A half-open working interval `[start, end)` in nanoseconds since the epoch.
type Interval = (i64, i64);

/// One calendar's working intervals, by blocks of 16 UTC days.
#[derive(Clone, Debug, Default)]
pub(crate) struct DayTable {
    first: i64,
    blocks: Vec<Option<Vec<Interval>>>,
}

const NANOS_PER_SECOND: i64 = 1_000_000_000;

fn block_of(nanos: i64) -> i64 {
    nanos.div_euclid(BLOCK_SECONDS * NANOS_PER_SECOND)
}

fn block_start(block: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(block.checked_mul(BLOCK_SECONDS)?, 0)
}

impl DayTable {
    /// The working intervals of `block`, fetched once; `None` outside the
    /// span the table keeps.
    fn block(&mut self, calendar: &Calendar, block: i64) -> Option<&[Interval]> {
        if self.blocks.is_empty() {
            self.first = block;
        }
        // Block numbers of i64 nanoseconds lie within ±2^23: these sums and
        // differences are small.
        if block < self.first {
            let missing = usize::try_from(self.first - block).ok()?;
            if missing + self.blocks.len() > MAX_BLOCKS {
                return None;
            }
            self.blocks.splice(0..0, std::iter::repeat_n(None, missing));
            self.first = block;
        }
        let index = usize::try_from(block - self.first).ok()?;
        if index >= self.blocks.len() {
            if index >= MAX_BLOCKS {
                return None;
            }
            self.blocks.resize(index + 1, None);
        }
        let slot = self.blocks.get_mut(index)?;
        if slot.is_none() {
            let start = block_start(block)?;
            let end = block_start(block + 1)?;
            let intervals = calendar
                .working_intervals(start, end)
                .map(|(s, e)| Some((s.timestamp_nanos_opt()?, e.timestamp_nanos_opt()?)))
                .collect::<Option<Vec<_>>>()?;
            *slot = Some(intervals);
        }
        slot.as_deref()
    }

    /// The working time in `[a, b)` from the cached blocks, `None` when a
    /// block is out of reach.
    fn cached_between(&mut self, calendar: &Calendar, a: i64, b: i64) -> Option<i64> {
        // A table spans at most MAX_BLOCKS blocks (about 45 years, under 2^61
        // ns), so neither the total nor any interval length can overflow.
        let mut total = 0_i64;
        for block in block_of(a)..=block_of(b) {
            let intervals = self.block(calendar, block)?;
            let first = intervals.partition_point(|&(_, e)| e <= a);
            for &(s, e) in intervals.get(first..)? {
                if s >= b {
                    break;
                }
                total += e.min(b) - s.max(a);
            }
        }
        Some(total)
    }

    fn between(&mut self, calendar: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        match (a.timestamp_nanos_opt(), b.timestamp_nanos_opt()) {
            (Some(na), Some(nb)) if na < nb => match self.cached_between(calendar, na, nb) {
                Some(total) => TimeDelta::nanoseconds(total),
                None => calendar.working_between(a, b),
            },
            _ => calendar.working_between(a, b),
        }
    }

    /// The earliest instant by which `amount` of working time after `from`
    /// has elapsed, walking the cached blocks: `Ok` with the answer, or
    /// `Err` with where to continue (instant and amount left) with the
    /// calendar.
    fn cached_add(
        &mut self,
        calendar: &Calendar,
        from: i64,
        amount: i64,
    ) -> Result<i64, Option<(i64, i64)>> {
        let mut remaining = amount;
        let first = block_of(from);
        for block in first..first + ADD_BLOCKS {
            let intervals = self.block(calendar, block).ok_or(None)?;
            let start = intervals.partition_point(|&(_, e)| e <= from);
            for &(s, e) in intervals.get(start..).unwrap_or_default() {
                let s = s.max(from);
                let available = e - s;
                if available >= remaining {
                    return Ok(s + remaining);
                }
                remaining -= available;
            }
        }
        let next = (first + ADD_BLOCKS).checked_mul(BLOCK_SECONDS * NANOS_PER_SECOND);
        Err(next.map(|next| (next.max(from), remaining)))
    }

    fn add(
        &mut self,
        calendar: &Calendar,
        from: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<DateTime<Utc>, bureau_calendar::Error> {
        let (Some(start), Some(nanos)) = (from.timestamp_nanos_opt(), amount.num_nanoseconds())
        else {
            return calendar.add_working(from, amount);
        };
        if nanos <= 0 {
            return calendar.add_working(from, amount);
        }
        match self.cached_add(calendar, start, nanos) {
            Ok(due) => Ok(DateTime::from_timestamp_nanos(due)),
            // Everything up to the end of the walked blocks is used up.
            Err(Some((next, left))) => calendar.add_working(
                DateTime::from_timestamp_nanos(next),
                TimeDelta::nanoseconds(left),
            ),
            Err(None) => calendar.add_working(from, amount),
        }
    }
}

/// A memo of the working intervals of an [`SlaConfig`](crate::SlaConfig)'s
/// calendars, for evaluating many tickets in a row.
///
/// Working-time arithmetic on a business calendar with a time zone and
/// holidays is the bulk of an evaluation's cost. The cache asks each
/// calendar once per block of 16 UTC days for its working intervals and
/// answers every later question about those days from memory, with exactly
/// the calendar's answers. It grows by one block per calendar and 16 days
/// touched (a few hundred bytes), up to about 45 years per calendar; use one
/// cache per thread, and [`clear`](WorkingTimeCache::clear) it to free the
/// memory. A cache used with another configuration starts over by itself.
///
/// ```
/// use bureau_sla::{SlaConfig, SlaRecord, WorkingTimeCache};
/// use chrono::DateTime;
///
/// let config = SlaConfig::standard(Vec::new())?;
/// let mut cache = WorkingTimeCache::new();
/// let record = SlaRecord::new(&config);
/// let now = DateTime::UNIX_EPOCH;
/// assert_eq!(record.evaluate_with(now, &mut cache)?, record.evaluate(now)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct WorkingTimeCache {
    calendars: Vec<Calendar>,
    tables: Vec<DayTable>,
}

impl WorkingTimeCache {
    /// An empty cache.
    ///
    /// ```
    /// use bureau_sla::WorkingTimeCache;
    /// let cache = WorkingTimeCache::new();
    /// assert_eq!(cache.blocks(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every cached interval.
    ///
    /// ```
    /// use bureau_sla::WorkingTimeCache;
    /// let mut cache = WorkingTimeCache::new();
    /// cache.clear();
    /// assert_eq!(cache.blocks(), 0);
    /// ```
    pub fn clear(&mut self) {
        self.calendars.clear();
        self.tables.clear();
    }

    /// The number of 16-day blocks of working intervals held.
    ///
    /// ```
    /// use bureau_sla::WorkingTimeCache;
    /// assert_eq!(WorkingTimeCache::new().blocks(), 0);
    /// ```
    pub fn blocks(&self) -> usize {
        self.tables
            .iter()
            .map(|t| t.blocks.iter().filter(|b| b.is_some()).count())
            .sum()
    }

    /// Makes the cache answer for `calendars` (compared by identity first,
    /// which is cheap for the same configuration).
    pub(crate) fn bind(&mut self, calendars: &[Calendar]) {
        if self.calendars.as_slice() != calendars {
            self.calendars = calendars.to_vec();
            self.tables = vec![DayTable::default(); calendars.len()];
        }
    }

    pub(crate) fn table(&mut self, calendar: usize) -> Option<&mut DayTable> {
        self.tables.get_mut(calendar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap() + TimeDelta::minutes(minutes)
    }

    #[test]
    fn segments_skip_paused_statuses_and_merge_unpaused_ones() {
        let timeline = [
            (t(0), Status::New),
            (t(10), Status::Open),
            (t(20), Status::Pending),
            (t(30), Status::OnHold),
            (t(40), Status::Open),
            (t(50), Status::Pending),
        ];
        let pending = StatusSet::of(&[Status::Pending]);
        let all: Vec<_> = Segments::new(&timeline, 0, t(5), t(60), pending).collect();
        assert_eq!(all, [(t(5), t(20)), (t(30), t(50))]);
        let cut: Vec<_> = Segments::new(&timeline, 1, t(15), t(35), pending).collect();
        assert_eq!(cut, [(t(15), t(20)), (t(30), t(35))]);
        let none: Vec<_> = Segments::new(&timeline, 0, t(0), t(60), StatusSet::EMPTY).collect();
        assert_eq!(none, [(t(0), t(60))]);
        let empty: Vec<_> = Segments::new(&timeline, 2, t(20), t(30), pending).collect();
        assert!(empty.is_empty());
    }

    #[test]
    fn measure_finds_crossings_inside_and_at_the_end_of_intervals() {
        let segments = [(t(0), t(10)), (t(20), t(30))];
        let m = measure(
            &mut Hours::Always,
            segments.into_iter(),
            [Some(TimeDelta::minutes(5)), Some(TimeDelta::minutes(10))],
        )
        .unwrap();
        assert_eq!(m.elapsed, TimeDelta::minutes(20));
        assert_eq!(m.crossed, [Some(t(5)), Some(t(10))]);
        let m = measure(
            &mut Hours::Always,
            segments.into_iter(),
            [Some(TimeDelta::minutes(25)), None],
        )
        .unwrap();
        assert_eq!(m.crossed, [None, None]);
    }

    #[test]
    fn cached_arithmetic_equals_the_calendar() {
        for calendar in crate::test_calendars::business() {
            let mut table = DayTable::default();
            // Later blocks first, then earlier ones: the table grows both ways.
            for start in [
                t(90 * 24 * 60),
                t(0),
                t(-400 * 24 * 60),
                t(7 * 24 * 60 + 37),
            ] {
                for minutes in [
                    0,
                    1,
                    59,
                    60,
                    61,
                    8 * 60,
                    3 * 24 * 60 + 11,
                    40 * 24 * 60,
                    1200 * 24 * 60,
                ] {
                    let amount = TimeDelta::minutes(minutes);
                    let end = start + amount;
                    assert_eq!(
                        table.between(&calendar, start, end),
                        calendar.working_between(start, end),
                        "{calendar:?} between {start} and {end}"
                    );
                    assert_eq!(
                        table.add(&calendar, start, amount).unwrap(),
                        calendar.add_working(start, amount).unwrap(),
                        "{calendar:?} add {amount} to {start}"
                    );
                }
            }
        }
    }
}
