//! Reading wall-clock times in a time zone, and finding where its offset
//! changes.
//!
//! Times here are whole seconds: "UTC seconds" since 1970-01-01T00:00Z, and
//! "wall seconds", the same count for a local date and time read as if it
//! were UTC (so `wall = utc + offset`).

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{DateTime, LocalResult, Offset, TimeZone};
use chrono_tz::{GapInfo, Tz};

/// The zones the crate's properties are tested in. The first seven: DST in
/// both hemispheres, a 30-minute DST (Lord Howe), a half-hour offset without
/// DST (Kolkata), a 45-minute offset (Chatham) and UTC. The other thirteen
/// are every zone (one per set of links) where, between 1800 and 2100, a
/// fall-back takes the clock back across midnight, from day D to day D-1
/// (a unit test below finds them in the tz database): St John's, Goose Bay
/// and Moncton in 1987-2010 (changes at 00:01), Phoenix in 1944, Guam in
/// 1969, Casey in 2010, and Alaska's zones crossing the date line in 1867.
#[cfg(any(test, feature = "proptest"))]
pub(crate) const TESTED_ZONES: [Tz; 20] = [
    Tz::America__New_York,
    Tz::Europe__London,
    Tz::Europe__Berlin,
    Tz::Australia__Lord_Howe,
    Tz::Asia__Kolkata,
    Tz::Pacific__Chatham,
    Tz::UTC,
    Tz::America__St_Johns,
    Tz::America__Goose_Bay,
    Tz::America__Moncton,
    Tz::America__Phoenix,
    Tz::Pacific__Guam,
    Tz::Antarctica__Casey,
    Tz::America__Adak,
    Tz::America__Anchorage,
    Tz::America__Juneau,
    Tz::America__Metlakatla,
    Tz::America__Nome,
    Tz::America__Sitka,
    Tz::America__Yakutat,
];

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// Step between two offset probes when a zone's changes are listed: no zone
/// changes its offset and back within one day.
const PROBE: i64 = DAY;

/// First and last instant (UTC seconds) of the listed changes: 1800-01-01 to
/// 2101-01-01. Outside them the compiled tz database has no change: before,
/// each zone keeps its first offset (its local mean time); after, its last
/// (both checked for every zone by unit tests below). So every instant
/// converts through the listing, and runs of ordinary days are summed whole
/// in any century.
const LISTED_FROM: i64 = -5_364_662_400;
const LISTED_TO: i64 = 4_133_980_800;
/// An instant after every other (far enough from overflow to add days to).
pub(crate) const NEVER: i64 = i64::MAX / 4;

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

/// Where a zone's listing is kept once made.
type Cell = Arc<OnceLock<Arc<Changes>>>;

/// The cell of each zone asked for so far (see [`Changes::of`]).
static LISTED: Mutex<Vec<(Tz, Cell)>> = Mutex::new(Vec::new());

/// The offset changes of one zone between 1800 and 2100, to the second.
#[derive(Debug)]
pub(crate) struct Changes {
    start_offset: i64,
    /// Least and greatest offset of the listing: a wall time `w` in it has
    /// its instants within `[w - max_offset, w - min_offset]`.
    pub(crate) min_offset: i64,
    pub(crate) max_offset: i64,
    /// (instant of the change, offset from then on), increasing.
    list: Vec<(i64, i64)>,
}

/// The conversion of wall times of one stretch of time.
pub(crate) enum Stretch {
    /// One offset throughout.
    Fixed(i64),
    /// One change: at this instant, from the first offset to the second.
    Change(i64, i64, i64),
    /// Ask the tz database.
    Unknown,
}

impl Changes {
    /// The changes of `tz`, listed once per zone and process (the listing
    /// is a pure function of the zone; it is kept to make calendars cheap).
    ///
    /// The global lock is held only to find or add the zone's cell: a first
    /// listing takes milliseconds, and calendars being built in other zones
    /// meanwhile do not wait for it (two threads asking for the same new
    /// zone list it once, the second waiting on the cell).
    pub(crate) fn of(tz: Tz) -> Arc<Self> {
        let cell = {
            let mut cells = LISTED.lock().unwrap_or_else(PoisonError::into_inner);
            match cells.iter().find(|(z, _)| *z == tz) {
                Some((_, cell)) => Arc::clone(cell),
                None => {
                    let cell = Cell::default();
                    cells.push((tz, Arc::clone(&cell)));
                    cell
                }
            }
        };
        Arc::clone(cell.get_or_init(|| Arc::new(Self::list(tz))))
    }

    fn list(tz: Tz) -> Self {
        #[cfg(test)]
        tests::listing_hook(tz);
        let start_offset = offset_at(tz, LISTED_FROM);
        let mut list = Vec::new();
        let (mut at, mut offset) = (LISTED_FROM, start_offset);
        while at < LISTED_TO {
            let next = at + PROBE;
            if offset_at(tz, next) == offset {
                at = next;
                continue;
            }
            // The first second whose offset differs lies in (lo, hi].
            let (mut lo, mut hi) = (at, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid) == offset {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            offset = offset_at(tz, hi);
            at = hi;
            list.push((hi, offset));
        }
        let offsets = list.iter().map(|&(_, o)| o).chain([start_offset]);
        let min_offset = offsets.clone().min().unwrap_or(start_offset);
        let max_offset = offsets.max().unwrap_or(start_offset);
        Self {
            start_offset,
            min_offset,
            max_offset,
            list,
        }
    }

    /// How wall times whose instants lie in `[from, to]` convert.
    pub(crate) fn stretch(&self, from: i64, to: i64) -> Stretch {
        if to < from {
            return Stretch::Unknown;
        }
        let i = self.list.partition_point(|&(at, _)| at <= from);
        let before = i
            .checked_sub(1)
            .and_then(|j| self.list.get(j))
            .map_or(self.start_offset, |&(_, o)| o);
        match (self.list.get(i), self.list.get(i + 1)) {
            (Some(&(at, after)), next) if at <= to => {
                if next.is_some_and(|&(at2, _)| at2 <= to) {
                    Stretch::Unknown
                } else {
                    Stretch::Change(at, before, after)
                }
            }
            _ => Stretch::Fixed(before),
        }
    }

    /// The offset over all of `[from, to]` when it does not change there.
    pub(crate) fn constant(&self, from: i64, to: i64) -> Option<i64> {
        match self.stretch(from, to) {
            Stretch::Fixed(offset) => Some(offset),
            _ => None,
        }
    }

    /// The latest local day the clock has read at or before `at`. It is
    /// `at`'s own day except after a fall-back across midnight (the clock
    /// reads day D, then D-1 again), where day D has begun although `at`
    /// reads D-1.
    pub(crate) fn latest_day(&self, at: i64) -> i64 {
        let offset_before = |i: usize| {
            i.checked_sub(1)
                .and_then(|j| self.list.get(j))
                .map_or(self.start_offset, |&(_, o)| o)
        };
        let mut i = self.list.partition_point(|&(change, _)| change <= at);
        let mut latest = at + offset_before(i);
        // The clock rises between changes, so an earlier stretch read its
        // latest just before the change ending it; none ending at `change`
        // or before read past `change - 1 + max_offset`.
        while let Some(j) = i.checked_sub(1) {
            let Some(&(change, _)) = self.list.get(j) else {
                break;
            };
            if change - 1 + self.max_offset <= latest {
                break;
            }
            latest = latest.max(change - 1 + offset_before(j));
            i = j;
        }
        latest.div_euclid(DAY)
    }

    /// The first change after `from` (far in the future when none).
    pub(crate) fn next_change(&self, from: i64) -> i64 {
        let i = self.list.partition_point(|&(at, _)| at <= from);
        self.list.get(i).map_or(NEVER, |&(at, _)| at)
    }
}

impl Stretch {
    /// The instant of wall time `wall`, by the rules of [`wall_to_utc`].
    pub(crate) fn to_utc(&self, tz: Tz, wall: i64, edge: Edge) -> i64 {
        match *self {
            Self::Fixed(offset) => wall - offset,
            Self::Change(at, before, after) => {
                let early = Some(wall - before).filter(|&t| t < at);
                let late = Some(wall - after).filter(|&t| t >= at);
                match (early, late, edge) {
                    (Some(e), Some(l), Edge::Start) => e.min(l),
                    (Some(e), Some(l), Edge::End) => e.max(l),
                    (Some(t), None, _) | (None, Some(t), _) => t,
                    // In the gap: the first instant after it.
                    (None, None, _) => at,
                }
            }
            Self::Unknown => wall_to_utc(tz, wall, edge),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Calendar, Schedule};
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    /// A zone and what its next listing runs first (set by one test).
    type Hook = (Tz, Box<dyn FnOnce() + Send>);
    static HOOK: Mutex<Option<Hook>> = Mutex::new(None);

    /// Runs the hook set for `tz`, if any; called by [`Changes::list`].
    pub(super) fn listing_hook(tz: Tz) {
        let hook = {
            let mut hook = HOOK.lock().unwrap_or_else(PoisonError::into_inner);
            match hook.take() {
                Some((zone, run)) if zone == tz => Some(run),
                other => {
                    *hook = other;
                    None
                }
            }
        };
        if let Some(run) = hook {
            run();
        }
    }

    /// One thread is held inside the first listing of a zone while another
    /// builds a calendar in a second zone from start to end.
    #[test]
    fn a_first_listing_holds_up_no_other_zone() {
        // Zones no other test of this binary lists.
        let (held, other) = (Tz::Asia__Kathmandu, Tz::America__Havana);
        let (inside_tx, inside_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        *HOOK.lock().unwrap() = Some((
            held,
            Box::new(move || {
                inside_tx.send(()).unwrap();
                // Released by a message or by the test ending.
                let _ = release_rx.recv();
            }),
        ));
        let holder = thread::spawn(move || Calendar::new(Schedule::new(held, []).unwrap()));
        inside_rx.recv().unwrap();
        let (built_tx, built_rx) = mpsc::channel();
        thread::spawn(move || {
            let calendar = Calendar::new(Schedule::new(other, []).unwrap());
            built_tx.send(calendar.schedule().time_zone()).unwrap();
        });
        // Under a lock held while listing, the second build would wait for
        // the first forever: the bound turns that into a failure, it is not
        // a measure (the build takes milliseconds).
        let built = built_rx.recv_timeout(Duration::from_secs(120));
        release_tx.send(()).unwrap();
        assert_eq!(built, Ok(other), "{other} waited for the listing of {held}");
        assert_eq!(holder.join().unwrap().schedule().time_zone(), held);
        assert!(Changes::of(held).next_change(0) < NEVER);
    }

    /// Threads asking for the same new zone at once share one listing.
    #[test]
    fn a_zone_is_listed_once() {
        let tz = Tz::Asia__Tehran;
        let threads: Vec<_> = (0..4)
            .map(|_| thread::spawn(move || Changes::of(tz)))
            .collect();
        let listed: Vec<Arc<Changes>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert!(listed.iter().all(|c| Arc::ptr_eq(c, &listed[0])));
    }

    /// A thread that panicked while holding the lock leaves it poisoned;
    /// listing goes on.
    #[test]
    fn a_poisoned_lock_still_lists() {
        let _ = thread::spawn(|| {
            let _held = LISTED.lock();
            panic!("poisoning the lock on purpose");
        })
        .join();
        assert!(LISTED.is_poisoned());
        let london = Changes::of(Tz::Europe__London);
        assert_eq!(
            london.next_change(utc(2026, 1, 1, 0, 0)),
            utc(2026, 3, 29, 1, 0)
        );
    }

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
    fn listing_finds_every_change_to_the_second() {
        let berlin = Changes::of(Tz::Europe__Berlin);
        let spring = utc(2026, 3, 29, 1, 0);
        let autumn = utc(2026, 10, 25, 1, 0);
        assert_eq!(berlin.next_change(utc(2026, 1, 1, 0, 0)), spring);
        assert_eq!(berlin.next_change(spring), autumn);
        assert_eq!(berlin.constant(spring, autumn - 1), Some(7200));
        assert_eq!(berlin.constant(spring - 1, spring), None);
        assert_eq!(berlin.constant(autumn, autumn + 1000), Some(3600));
        assert!(
            matches!(berlin.stretch(spring - 10, spring + 10), Stretch::Change(at, 3600, 7200) if at == spring)
        );
        assert!(matches!(
            berlin.stretch(spring - 1, autumn),
            Stretch::Unknown
        ));
        assert_eq!(Changes::of(Tz::UTC).next_change(0), NEVER);
    }

    #[test]
    fn one_change_converts_like_the_tz_database() {
        for tz in [
            Tz::America__New_York,
            Tz::Australia__Lord_Howe,
            Tz::Pacific__Chatham,
        ] {
            let changes = Changes::of(tz);
            let mut at = utc(2025, 1, 1, 0, 0);
            for _ in 0..4 {
                at = changes.next_change(at);
                let stretch = changes.stretch(at - 2 * DAY, at + 2 * DAY);
                let mut wall = at - DAY;
                while wall < at + DAY {
                    for edge in [Edge::Start, Edge::End] {
                        assert_eq!(
                            stretch.to_utc(tz, wall, edge),
                            wall_to_utc(tz, wall, edge),
                            "{tz} {wall}"
                        );
                    }
                    wall += 300;
                }
            }
        }
    }

    /// The changes of `changes` that take the clock back across midnight:
    /// the second before reads day D, the second of the change day D-1.
    fn back_over_midnight(changes: &Changes) -> Vec<i64> {
        let mut before = changes.start_offset;
        let mut found = Vec::new();
        for &(at, after) in &changes.list {
            if (at - 1 + before).div_euclid(DAY) > (at + after).div_euclid(DAY) {
                found.push(at);
            }
            before = after;
        }
        found
    }

    /// The zones with a fall-back across midnight are the tested ones: each
    /// zone of the tz database with one is tested or a link to a tested one
    /// (same listing), and the first seven tested zones have none.
    #[test]
    fn every_zone_falling_back_over_midnight_is_tested() {
        let tested: Vec<(Tz, Changes)> = TESTED_ZONES
            .iter()
            .map(|&tz| (tz, Changes::list(tz)))
            .collect();
        let same = |a: &Changes, b: &Changes| a.start_offset == b.start_offset && a.list == b.list;
        let (mut zones, mut found) = (Vec::new(), 0);
        for tz in chrono_tz::TZ_VARIANTS {
            let changes = Changes::list(tz);
            let count = back_over_midnight(&changes).len();
            if count == 0 {
                continue;
            }
            let tested_as = tested.iter().find(|(_, t)| same(t, &changes));
            assert!(
                tested_as.is_some(),
                "{tz} falls back over midnight untested"
            );
            if tested_as.is_some_and(|(z, _)| *z == tz) {
                zones.push(tz);
                found += count;
            }
        }
        zones.sort_by_key(|tz| tz.name());
        let mut expected = TESTED_ZONES[7..].to_vec();
        expected.sort_by_key(|tz| tz.name());
        assert_eq!(zones, expected);
        // One per set of links; with links there are 107 in 21 names.
        assert_eq!(found, 73);
    }

    /// The latest day is the greatest local day read so far, checked minute
    /// by minute around each change back over midnight and around ordinary
    /// changes.
    #[test]
    fn latest_day_is_the_latest_the_clock_read() {
        for tz in TESTED_ZONES {
            let changes = Changes::of(tz);
            let mut around = back_over_midnight(&changes);
            let next = changes.next_change(utc(2026, 1, 1, 0, 0));
            around.extend(
                [next, utc(2026, 6, 1, 0, 0)]
                    .into_iter()
                    .filter(|&t| t < NEVER),
            );
            for change in around {
                let mut t = change - 3 * DAY;
                let mut latest = i64::MIN;
                while t < change + 2 * DAY {
                    latest = latest.max(local_day(tz, t));
                    if t >= change - DAY {
                        assert_eq!(changes.latest_day(t), latest, "{tz} at {t}");
                    }
                    t += 60;
                }
            }
        }
    }

    /// The compiled tz database changes no offset after the listing ends.
    #[test]
    fn no_zone_changes_after_the_listing() {
        for tz in chrono_tz::TZ_VARIANTS {
            let last = offset_at(tz, LISTED_TO);
            for year in [2150, 2500, 3000, 100_000] {
                let t = (i64::from(year) - 1970) * 31_556_952;
                assert_eq!(offset_at(tz, t), last, "{tz} in {year}");
            }
        }
    }

    /// The compiled tz database changes no offset before the listing starts.
    #[test]
    fn no_zone_changes_before_the_listing() {
        for tz in chrono_tz::TZ_VARIANTS {
            let first = offset_at(tz, LISTED_FROM);
            for year in [1799, 1700, 1000, 1, -100_000] {
                let t = (i64::from(year) - 1970) * 31_556_952;
                assert_eq!(offset_at(tz, t), first, "{tz} in {year}");
            }
        }
    }

    /// The listing's assumption (no change undone within a probe step),
    /// checked hour by hour.
    #[test]
    fn no_change_is_undone_within_a_probe_step() {
        for tz in TESTED_ZONES {
            let (mut t, end) = (utc(1800, 1, 1, 0, 0), utc(2038, 1, 1, 0, 0));
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
