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
    calendar: &Calendar,
    segments: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    thresholds: [Option<TimeDelta>; 2],
) -> Result<Measure, bureau_calendar::Error> {
    let mut elapsed = TimeDelta::zero();
    let mut crossed = [None, None];
    for (a, b) in segments {
        let worked = calendar.working_between(a, b);
        for (threshold, found) in thresholds.iter().zip(crossed.iter_mut()) {
            if let (Some(threshold), None) = (threshold, &found) {
                let remaining = *threshold - elapsed;
                if worked >= remaining {
                    *found = Some(calendar.add_working(a, remaining)?);
                }
            }
        }
        elapsed += worked;
    }
    Ok(Measure { elapsed, crossed })
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
        let calendar = Calendar::always();
        let segments = [(t(0), t(10)), (t(20), t(30))];
        let m = measure(
            &calendar,
            segments.into_iter(),
            [Some(TimeDelta::minutes(5)), Some(TimeDelta::minutes(10))],
        )
        .unwrap();
        assert_eq!(m.elapsed, TimeDelta::minutes(20));
        assert_eq!(m.crossed, [Some(t(5)), Some(t(10))]);
        let m = measure(
            &calendar,
            segments.into_iter(),
            [Some(TimeDelta::minutes(25)), None],
        )
        .unwrap();
        assert_eq!(m.crossed, [None, None]);
    }
}
