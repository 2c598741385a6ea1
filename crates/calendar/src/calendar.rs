//! Calendars (schedule, holidays and overrides) and working-time arithmetic.

use core::fmt;
use std::collections::VecDeque;
use std::sync::Arc;

use bureau_core::{DateRange, Decimal};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::zone::{self, Changes, DAY, Edge, Stretch};
use crate::{DayHours, Error, Holiday, Result, Schedule, WallInterval, WorkingDay};

/// Nanoseconds in a second.
const NANOS: i128 = 1_000_000_000;
/// Days in the 400-year Gregorian cycle, after which dates and weekdays repeat.
const CYCLE_DAYS: i64 = 146_097;
/// Day number of 1970-01-01 counted from 0001-01-01 as day 1.
const EPOCH_CE: i64 = 719_163;

/// A working-time calendar: a [`Schedule`], [`Holiday`]s and [`WorkingDay`]
/// overrides.
///
/// A `Calendar` is a value: cloning it is cheap (it shares its parts), it is
/// `Send + Sync`, and two calendars built from equal parts are equal. See the
/// [crate docs](crate) for what working time means across daylight-saving
/// changes.
///
/// Which hours a date works: a [`WorkingDay`] or one-off holiday for the date
/// (at most one of them per date) wins; otherwise a yearly holiday observed
/// on the date (a whole day off wins over a part day; between part days, the
/// one listed first); otherwise the schedule's hours for the weekday.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Calendar, Holiday, Observance, Schedule, Tz};
/// use chrono::{TimeDelta, TimeZone, Utc};
///
/// let schedule = Schedule::weekdays(Tz::America__New_York, "09:00-17:00".parse()?)?;
/// let calendar = Calendar::builder(schedule)
///     .holiday(Holiday::yearly(7, 4, "Independence Day")?.observed(Observance::NearestWeekday))
///     .build()?;
///
/// // Thursday 2 July 2026, 15:00 in New York (19:00Z); Friday 3 July is the
/// // observed holiday, then a weekend: 8 working hours end on Monday at 15:00.
/// let opened = Utc.with_ymd_and_hms(2026, 7, 2, 19, 0, 0).single().ok_or("time")?;
/// let due = calendar.add_working(opened, TimeDelta::hours(8))?;
/// assert_eq!(due, Utc.with_ymd_and_hms(2026, 7, 6, 19, 0, 0).single().ok_or("time")?);
/// assert_eq!(calendar.working_between(opened, due), TimeDelta::hours(8));
/// assert_eq!(calendar.working_between(due, opened), TimeDelta::hours(-8));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Calendar {
    inner: Arc<Inner>,
}

struct Inner {
    schedule: Schedule,
    holidays: Vec<Holiday>,
    working_days: Vec<WorkingDay>,
    tz: Tz,
    changes: Arc<Changes>,
    /// Wall seconds worked per weekday (Monday = 0) and per week.
    day_secs: [i64; 7],
    week_secs: i64,
    /// Working days (0 or 1) per weekday and per week.
    day_works: [i64; 7],
    week_days: i64,
    /// Earliest start and latest end (wall seconds after midnight) over the
    /// weekdays; bound where a day's intervals can lie.
    min_start: i64,
    max_end: i64,
    /// Dates with their own hours, by day number.
    one_off: Vec<(i64, Exception)>,
    /// Yearly holidays by year kind (weekday of 1 January * 2 + leap), by
    /// zero-based ordinal: fixed dates and weekdays of a month fall on the
    /// same ordinals in every year of a kind.
    yearly: [Vec<(u32, Exception)>; 14],
    /// Holidays counted from Easter, which no year kind fixes: looked up
    /// year by year.
    movable: Vec<(Holiday, Exception)>,
    /// The days of those holidays over the years most calendars are asked
    /// about ([`MOVABLE_CACHED`]), sorted, with the index of their rule;
    /// outside them, Easter is computed on each lookup.
    movable_days: Vec<(i64, usize)>,
    /// The days `movable_days` answers for: every occurrence on them is there.
    movable_window: (i64, i64),
    any_yearly: bool,
    yearly_hours: bool,
    yearly_weight: bool,
    last_one_off: Option<i64>,
    last_hours: Option<i64>,
    last_weight: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Exception {
    hours: DayHours,
    weight: Decimal,
    full_day_off: bool,
    /// The holiday's place among those given: of two part days on one date,
    /// the first given decides.
    order: usize,
}

impl Exception {
    /// Whether `self` decides a date over `other`: a whole day off over a
    /// part day, else the one given first.
    fn outranks(&self, other: &Self) -> bool {
        (self.full_day_off, other.order) > (other.full_day_off, self.order)
    }
}

/// Builds a [`Calendar`] from a schedule, holidays and working-day overrides.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Calendar, Holiday, Schedule, WorkingDay, Tz};
/// use chrono::NaiveDate;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let calendar = Calendar::builder(Schedule::weekdays(Tz::Europe__London, "09:00-17:30".parse()?)?)
///     .holiday(Holiday::on(day(5, 25)?, "Spring bank holiday"))
///     .working_day(WorkingDay::new(day(5, 30)?, "10:00-14:00".parse()?)?)
///     .build()?;
/// assert_eq!(calendar.holidays().len(), 1);
/// assert_eq!(calendar.working_days().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CalendarBuilder {
    schedule: Schedule,
    holidays: Vec<Holiday>,
    working_days: Vec<WorkingDay>,
}

impl CalendarBuilder {
    /// Adds a holiday.
    ///
    /// ```
    /// # use bureau_calendar::{Calendar, Holiday, Schedule};
    /// let c = Calendar::builder(Schedule::always()).holiday(Holiday::yearly(1, 1, "New Year")?).build()?;
    /// assert_eq!(c.holidays()[0].name(), "New Year");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn holiday(mut self, holiday: Holiday) -> Self {
        self.holidays.push(holiday);
        self
    }

    /// Adds holidays.
    ///
    /// ```
    /// # use bureau_calendar::{Calendar, Holiday, Schedule};
    /// let days = [Holiday::yearly(1, 1, "New Year")?, Holiday::yearly(12, 25, "Christmas")?];
    /// let c = Calendar::builder(Schedule::always()).holidays(days).build()?;
    /// assert_eq!(c.holidays().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn holidays(mut self, holidays: impl IntoIterator<Item = Holiday>) -> Self {
        self.holidays.extend(holidays);
        self
    }

    /// Adds a working-day override.
    ///
    /// ```
    /// # use bureau_calendar::{Calendar, Schedule, WorkingDay};
    /// # use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 3).ok_or("date")?;
    /// let c = Calendar::builder(Schedule::always()).working_day(WorkingDay::new(day, "09:00-10:00".parse()?)?).build()?;
    /// assert_eq!(c.working_days()[0].date(), day);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_day(mut self, working_day: WorkingDay) -> Self {
        self.working_days.push(working_day);
        self
    }

    /// The calendar.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateDate`] when two one-off holidays or working days
    /// fall on the same date (a one-off holiday is placed on its observed
    /// date).
    ///
    /// ```
    /// # use bureau_calendar::{Calendar, Holiday, Schedule};
    /// # use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let twice = Calendar::builder(Schedule::always())
    ///     .holiday(Holiday::on(day, "a"))
    ///     .holiday(Holiday::on(day, "b"))
    ///     .build();
    /// assert!(twice.is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(self) -> Result<Calendar> {
        let inner = Inner::new(self.schedule, self.holidays, self.working_days);
        if let Some(date) = inner.duplicate() {
            return Err(Error::DuplicateDate { date });
        }
        Ok(Calendar {
            inner: Arc::new(inner),
        })
    }
}

fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - EPOCH_CE
}

fn date_of(day: i64) -> Option<NaiveDate> {
    i32::try_from(day + EPOCH_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Monday = 0.
fn weekday_index(day: i64) -> usize {
    // 1970-01-01 was a Thursday.
    usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Day number of 1 January of `year` (proleptic Gregorian).
fn jan1(year: i64) -> i64 {
    let y = year - 1;
    365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) - 719_162
}

/// The year holding day number `day`, and the day number of its 1 January.
fn year_of(day: i64) -> (i64, i64) {
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
fn year_kind(year: i64) -> usize {
    weekday_index(jan1(year)) * 2 + usize::from(is_leap(year))
}

fn to_nanos(t: DateTime<Utc>) -> i128 {
    i128::from(t.timestamp()) * NANOS + i128::from(t.timestamp_subsec_nanos())
}

fn from_nanos(n: i128) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(n.div_euclid(NANOS)).ok()?;
    let nanos = u32::try_from(n.rem_euclid(NANOS)).ok()?;
    DateTime::from_timestamp(secs, nanos)
}

fn delta_of(n: i128) -> TimeDelta {
    let secs = i64::try_from(n.div_euclid(NANOS)).unwrap_or(i64::MAX);
    let nanos = u32::try_from(n.rem_euclid(NANOS)).unwrap_or(0);
    TimeDelta::new(secs, nanos).unwrap_or(if n < 0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    })
}

fn nanos_of(d: TimeDelta) -> i128 {
    i128::from(d.num_seconds()) * NANOS + i128::from(d.subsec_nanos())
}

/// Floor of `n` nanoseconds in whole seconds.
fn floor_secs(n: i128) -> i64 {
    i64::try_from(n.div_euclid(NANOS)).unwrap_or(if n < 0 { i64::MIN / 4 } else { i64::MAX / 4 })
}

// Why the plain operators in this file and in `zone` cannot overflow: every value they see
// comes from a `DateTime<Utc>`, a `NaiveDate`, a `TimeDelta` or a schedule, so
// day numbers stay within about ±10^8 (plus a search horizon of a few hundred
// years), seconds within ±2^44 in an i64, nanoseconds within ±2^84 in an i128
// (the span of `TimeDelta`), and day weights are at most 1 per day. The
// sentinels (`zone::NEVER`, `floor_secs`'s fallback) are a quarter of
// `i64::MAX`, leaving room for the few days and offsets added to them, and
// `i64::MAX` returned by `run` is only compared. The public entry points refuse
// what would leave these ranges before calling in (see `add_working` and
// `add_working_days`).
impl Inner {
    fn new(schedule: Schedule, holidays: Vec<Holiday>, working_days: Vec<WorkingDay>) -> Self {
        let day_secs: [i64; 7] = core::array::from_fn(|d| schedule.day(d).wall_seconds());
        let day_works: [i64; 7] = core::array::from_fn(|d| i64::from(!schedule.day(d).is_empty()));
        let all = (0..7).flat_map(|d| schedule.day(d).intervals().iter());
        let min_start = all
            .clone()
            .map(|i| i64::from(i.start_seconds()))
            .min()
            .unwrap_or(0);
        let max_end = all.map(|i| i64::from(i.end_seconds())).max().unwrap_or(0);

        let mut one_off: Vec<(i64, Exception)> = Vec::new();
        for w in &working_days {
            one_off.push((
                day_number(w.date()),
                Exception {
                    hours: w.hours().clone(),
                    weight: Decimal::ONE,
                    full_day_off: false,
                    order: usize::MAX,
                },
            ));
        }
        let mut yearly_rules = Vec::new();
        let mut movable = Vec::new();
        for (order, h) in holidays.iter().enumerate() {
            match h.date() {
                crate::HolidayDate::On(date) => {
                    if let Some(observed) = h.observance().apply(date) {
                        one_off.push((day_number(observed), exception_of(h, order)));
                    }
                }
                crate::HolidayDate::Easter { .. } => {
                    movable.push((h.clone(), exception_of(h, order)));
                }
                _ => yearly_rules.push(h),
            }
        }
        one_off.sort_by_key(|(day, _)| *day);

        let mut yearly: [Vec<(u32, Exception)>; 14] = Default::default();
        if !yearly_rules.is_empty() {
            // Years 2001 to 2028 hold every kind of year.
            let mut built = [false; 14];
            for year in 2001..=2028 {
                let kind = year_kind(i64::from(year));
                let (Some(table), Some(done)) = (yearly.get_mut(kind), built.get_mut(kind)) else {
                    continue;
                };
                if *done {
                    continue;
                }
                *done = true;
                let mut entries: Vec<(u32, Exception)> = Vec::new();
                for (date, rule) in crate::holiday::observed_in_year(&yearly_rules, year) {
                    let ordinal = date.ordinal0();
                    let order = holidays
                        .iter()
                        .position(|h| core::ptr::eq(h, rule))
                        .unwrap_or(usize::MAX);
                    let new = exception_of(rule, order);
                    match entries.iter_mut().find(|(o, _)| *o == ordinal) {
                        Some((_, old)) => {
                            if new.outranks(old) {
                                *old = new;
                            }
                        }
                        None => entries.push((ordinal, new)),
                    }
                }
                entries.sort_by_key(|(o, _)| *o);
                *table = entries;
            }
        }
        // Every yearly and Easter rule falls at least once in any nine years
        // (from 1583 on), which the walks below rely on.
        let recurring = || {
            yearly_rules
                .iter()
                .copied()
                .chain(movable.iter().map(|(h, _)| h))
        };
        let any_yearly = recurring().next().is_some();
        let yearly_hours =
            recurring().any(|h| h.part().is_some_and(|(hours, _)| !hours.is_empty()));
        let yearly_weight = recurring().any(|h| h.part().is_some());
        let (first_cached, last_cached) = MOVABLE_CACHED;
        let mut movable_days: Vec<(i64, usize)> = Vec::new();
        if !movable.is_empty() {
            for year in first_cached..=last_cached {
                for (index, (rule, _)) in movable.iter().enumerate() {
                    if let Some(date) = rule.observed_from(year) {
                        movable_days.push((day_number(date), index));
                    }
                }
            }
        }
        movable_days.sort_unstable();
        // An occurrence lies within a year (300 days and a weekend) of its
        // Easter: the years strictly inside the cached ones are complete.
        let movable_window = (
            jan1(i64::from(first_cached) + 1),
            jan1(i64::from(last_cached)),
        );
        let last_one_off = one_off.last().map(|(d, _)| *d);
        let last_hours = one_off
            .iter()
            .rev()
            .find(|(_, e)| !e.hours.is_empty())
            .map(|(d, _)| *d);
        let last_weight = one_off
            .iter()
            .rev()
            .find(|(_, e)| e.weight > Decimal::ZERO)
            .map(|(d, _)| *d);
        Self {
            tz: schedule.time_zone(),
            changes: Changes::of(schedule.time_zone()),
            day_secs,
            week_secs: day_secs.iter().sum(),
            day_works,
            week_days: day_works.iter().sum(),
            min_start,
            max_end,
            schedule,
            holidays,
            working_days,
            one_off,
            yearly,
            movable_days,
            movable_window,
            movable,
            any_yearly,
            yearly_hours,
            yearly_weight,
            last_one_off,
            last_hours,
            last_weight,
        }
    }

    /// A date given twice among one-off holidays and working days.
    fn duplicate(&self) -> Option<NaiveDate> {
        self.one_off.windows(2).find_map(|pair| match pair {
            [(a, _), (b, _)] if a == b => date_of(*a),
            _ => None,
        })
    }

    fn yearly_at(&self, day: i64) -> Option<&Exception> {
        if !self.any_yearly {
            return None;
        }
        let (year, first) = year_of(day);
        let ordinal = u32::try_from(day - first).ok()?;
        let fixed = self.yearly.get(year_kind(year)).and_then(|table| {
            table
                .binary_search_by_key(&ordinal, |(o, _)| *o)
                .ok()
                .and_then(|i| table.get(i))
                .map(|(_, e)| e)
        });
        if fixed.is_some_and(|e| e.full_day_off) || self.movable.is_empty() {
            return fixed;
        }
        // As among yearly rules on one date: a whole day off wins over a
        // part day.
        let mut found = fixed;
        if self.in_movable_window(day) {
            let from = self.movable_days.partition_point(|(d, _)| *d < day);
            for (_, index) in self
                .movable_days
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|(d, _)| *d == day)
            {
                if let Some((_, exception)) = self.movable.get(*index) {
                    found = Some(stronger(found, exception));
                }
            }
        } else {
            for (rule, exception) in &self.movable {
                if movable_dates(rule, year).any(|d| d == day) {
                    found = Some(stronger(found, exception));
                }
            }
        }
        found
    }

    fn exception(&self, day: i64) -> Option<&Exception> {
        if self.one_off.is_empty() {
            return self.yearly_at(day);
        }
        match self.one_off.binary_search_by_key(&day, |(d, _)| *d) {
            Ok(i) => self.one_off.get(i).map(|(_, e)| e),
            Err(_) => self.yearly_at(day),
        }
    }

    fn in_movable_window(&self, day: i64) -> bool {
        (self.movable_window.0..self.movable_window.1).contains(&day)
    }

    /// The hours of the intervals owned by `day`.
    fn hours(&self, day: i64) -> &DayHours {
        match self.exception(day) {
            Some(e) => &e.hours,
            None => self.schedule.day(weekday_index(day)),
        }
    }

    /// The fraction of a working day `day` counts as.
    fn weight(&self, day: i64) -> Decimal {
        match self.exception(day) {
            Some(e) => e.weight,
            None => Decimal::from(self.day_works.get(weekday_index(day)).copied().unwrap_or(0)),
        }
    }

    /// The first day at or after `day` with an exception; `None` when there
    /// is none in the next nine years.
    fn next_exception(&self, day: i64) -> Option<i64> {
        let i = self.one_off.partition_point(|(d, _)| *d < day);
        let one_off = self.one_off.get(i).map(|(d, _)| *d);
        let yearly = if self.any_yearly {
            let (year, first) = year_of(day);
            let mut from = u32::try_from(day - first).unwrap_or(0);
            (year..year + 9).find_map(|year| {
                let table = self.yearly.get(year_kind(year))?;
                let j = table.partition_point(|(o, _)| *o < from);
                from = 0;
                table.get(j).map(|(o, _)| jan1(year) + i64::from(*o))
            })
        } else {
            None
        };
        let cached = if self.in_movable_window(day) {
            let from = self.movable_days.partition_point(|(d, _)| *d < day);
            self.movable_days
                .get(from)
                .map(|(d, _)| *d)
                .filter(|d| *d < self.movable_window.1)
        } else {
            None
        };
        let movable = cached.or_else(|| {
            let (year, _) = year_of(day);
            self.movable
                .iter()
                .flat_map(|(rule, _)| (year..=year + 1).flat_map(move |y| movable_dates(rule, y)))
                .filter(|d| *d >= day)
                .min()
        });
        [one_off, yearly, movable].into_iter().flatten().min()
    }

    /// Wall seconds of the template over days `from..=to`.
    fn run_secs(&self, from: i64, to: i64) -> i64 {
        sum_by_weekday(&self.day_secs, self.week_secs, from, to)
    }

    /// Calls `f` with the UTC seconds `[start, end)` of each interval owned by
    /// `day`, in order of start.
    fn day_intervals(&self, day: i64, mut f: impl FnMut(i64, i64)) {
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

    /// The longest run of days from `day` whose intervals are the schedule's,
    /// at one offset, disjoint from every other day's, starting at or after
    /// `lo` and (when given) ending by `hi`: `Ok((last day, offset))`; else
    /// `Err` of the first day a run may start on.
    fn run(&self, day: i64, lo: i128, hi: Option<i128>, max_day: i64) -> Result<(i64, i64), i64> {
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

    /// The last day that can hold working time for a walk starting on `first`.
    /// The last day that can hold working time for a walk that last found
    /// some on `found` (400 years without any mean none ever: past the last
    /// one-off date, dates and weekdays repeat every 400 years).
    fn horizon(&self, found: i64) -> i64 {
        if self.week_secs == 0 && !self.yearly_hours {
            return self.last_hours.map_or(found - 1, |d| d + 2);
        }
        self.last_one_off.unwrap_or(found).max(found) + CYCLE_DAYS + 3
    }

    fn measure(&self, a: i128, b: i128) -> i128 {
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
    fn advance(&self, a: i128, amount: i128) -> Option<i128> {
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
    fn locate(&self, from: i64, to: i64, offset: i64, remaining: i128) -> i128 {
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

    fn weight_between(&self, from: i64, to: i64) -> Decimal {
        let mut total = Decimal::ZERO;
        let mut day = from;
        while day < to {
            if let Some(e) = self.exception(day) {
                total += e.weight;
                day += 1;
                continue;
            }
            let end = self.next_exception(day).map_or(to, |x| x.min(to));
            total += Decimal::from(sum_by_weekday(
                &self.day_works,
                self.week_days,
                day,
                end - 1,
            ));
            day = end;
        }
        total
    }

    fn advance_days(&self, from: i64, days: Decimal) -> Option<i64> {
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
                if e.weight > Decimal::ZERO {
                    if remaining <= e.weight {
                        return Some(day);
                    }
                    horizon = horizon_from(day);
                }
                remaining -= e.weight;
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

/// Sum of `per_day` by weekday over days `from..=to` (0 when empty).
fn sum_by_weekday(per_day: &[i64; 7], per_week: i64, from: i64, to: i64) -> i64 {
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

/// Of two exceptions on one date, the one that decides (see
/// [`Exception::outranks`]).
fn stronger<'e>(found: Option<&'e Exception>, candidate: &'e Exception) -> &'e Exception {
    match found {
        Some(e) if !candidate.outranks(e) => e,
        _ => candidate,
    }
}

/// The years whose Easter holidays a calendar lists once, when built (1,200
/// Easter dates for four rules, some tens of microseconds).
const MOVABLE_CACHED: (i32, i32) = (1900, 2200);

/// The day numbers an Easter rule's occurrences land on in `year`: those of
/// the year's own Easter and of its neighbours' (an offset of up to 300 days
/// reaches into them).
fn movable_dates(rule: &Holiday, year: i64) -> impl Iterator<Item = i64> + '_ {
    (year - 1..=year + 1).filter_map(move |from| {
        let date = rule.observed_from(i32::try_from(from).ok()?)?;
        (i64::from(date.year()) == year).then(|| day_number(date))
    })
}

fn exception_of(h: &Holiday, order: usize) -> Exception {
    match h.part() {
        Some((hours, weight)) => Exception {
            hours: hours.clone(),
            weight: *weight,
            full_day_off: false,
            order,
        },
        None => Exception {
            hours: DayHours::closed(),
            weight: Decimal::ZERO,
            full_day_off: true,
            order,
        },
    }
}

/// The measure of a union of intervals fed in order of start.
#[derive(Default)]
struct Union {
    current: Option<(i128, i128)>,
    total: i128,
}

impl Union {
    fn push(&mut self, s: i128, e: i128) {
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

    fn take(&mut self, s: i128, e: i128) -> Option<(i128, i128)> {
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

    fn finish(self) -> i128 {
        self.total + self.current.map_or(0, |(s, e)| e - s)
    }
}

impl Calendar {
    /// A calendar of `schedule` with no holidays or overrides.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// assert!(c.holidays().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(schedule: Schedule) -> Self {
        Self {
            inner: Arc::new(Inner::new(schedule, Vec::new(), Vec::new())),
        }
    }

    /// A builder starting from `schedule`.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Schedule};
    /// let c = Calendar::builder(Schedule::always()).holiday(Holiday::yearly(12, 25, "Christmas")?).build()?;
    /// assert_eq!(c.holidays().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(schedule: Schedule) -> CalendarBuilder {
        CalendarBuilder {
            schedule,
            holidays: Vec::new(),
            working_days: Vec::new(),
        }
    }

    /// Every instant is working time (calendar hours, UTC, no holidays).
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let t = Utc.with_ymd_and_hms(2026, 12, 25, 3, 0, 0).single().ok_or("time")?;
    /// assert_eq!(Calendar::always().add_working(t, TimeDelta::hours(30))?, t + TimeDelta::hours(30));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn always() -> Self {
        Self::new(Schedule::always())
    }

    /// The weekly schedule.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Tz};
    /// assert_eq!(Calendar::always().schedule().time_zone(), Tz::UTC);
    /// ```
    pub fn schedule(&self) -> &Schedule {
        &self.inner.schedule
    }

    /// The holidays, as given.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// assert!(Calendar::always().holidays().is_empty());
    /// ```
    pub fn holidays(&self) -> &[Holiday] {
        &self.inner.holidays
    }

    /// The holidays of `year` on the dates they are observed on, in date
    /// order: observance applied, [`Observance::Substitute`](crate::Observance::Substitute) days chained
    /// past the other holidays. Two holidays may share a date (then the
    /// whole day off decides the hours); a one-off holiday is listed even
    /// where a working-day override makes its date work.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Observance, Schedule};
    /// use chrono::NaiveDate;
    ///
    /// let christmas = Holiday::yearly(12, 25, "Christmas Day")?.observed(Observance::Substitute);
    /// let boxing = Holiday::yearly(12, 26, "Boxing Day")?.observed(Observance::Substitute);
    /// let calendar = Calendar::builder(Schedule::weekdays("Europe/London".parse()?, "09:00-17:30".parse()?)?)
    ///     .holiday(christmas).holiday(boxing).build()?;
    /// // 25 December 2027 is a Saturday, 26 a Sunday.
    /// let days: Vec<NaiveDate> = calendar.holidays_in(2027).iter().map(|(date, _)| *date).collect();
    /// assert_eq!(days, [NaiveDate::from_ymd_opt(2027, 12, 27).ok_or("date")?, NaiveDate::from_ymd_opt(2027, 12, 28).ok_or("date")?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn holidays_in(&self, year: i32) -> Vec<(NaiveDate, &Holiday)> {
        let holidays = &self.inner.holidays;
        let recurring: Vec<&Holiday> = holidays
            .iter()
            .filter(|h| {
                !matches!(
                    h.date(),
                    crate::HolidayDate::On(_) | crate::HolidayDate::Easter { .. }
                )
            })
            .collect();
        let mut days = crate::holiday::observed_in_year(&recurring, year);
        for h in holidays {
            match h.date() {
                crate::HolidayDate::On(_) => {
                    if let Some(date) = h.date_in(year) {
                        days.push((date, h));
                    }
                }
                crate::HolidayDate::Easter { .. } => {
                    for from in [year.checked_sub(1), Some(year), year.checked_add(1)]
                        .into_iter()
                        .flatten()
                    {
                        if let Some(date) = h.observed_from(from).filter(|d| d.year() == year) {
                            days.push((date, h));
                        }
                    }
                }
                _ => {}
            }
        }
        days.sort_by_key(|(date, _)| *date);
        days
    }

    /// The working-day overrides, as given.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// assert!(Calendar::always().working_days().is_empty());
    /// ```
    pub fn working_days(&self) -> &[WorkingDay] {
        &self.inner.working_days
    }

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

    /// The wall-clock hours worked by intervals starting on `date`, after
    /// holidays and overrides (an overnight interval of the day before is
    /// not among them).
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Schedule, Tz};
    /// use chrono::NaiveDate;
    /// let eve = NaiveDate::from_ymd_opt(2026, 12, 24).ok_or("date")?;
    /// let c = Calendar::builder(Schedule::weekdays(Tz::Europe__Berlin, "09:00-17:00".parse()?)?)
    ///     .holiday(Holiday::on(eve, "Heiligabend").half_day("09:00-12:00".parse()?))
    ///     .build()?;
    /// assert_eq!(c.hours_on(eve).to_string(), "09:00-12:00");
    /// assert!(c.hours_on(NaiveDate::from_ymd_opt(2026, 12, 26).ok_or("date")?).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hours_on(&self, date: NaiveDate) -> &DayHours {
        self.inner.hours(day_number(date))
    }

    /// The fraction of a working day `date` counts as: 1 for a date with the
    /// schedule's hours or an override, the holiday's fraction for a part
    /// day (0.5 for a half day), 0 for a free date.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Schedule, Tz};
    /// use bureau_core::Decimal;
    /// use chrono::NaiveDate;
    /// let eve = NaiveDate::from_ymd_opt(2026, 12, 24).ok_or("date")?;
    /// let c = Calendar::builder(Schedule::weekdays(Tz::Europe__Berlin, "09:00-17:00".parse()?)?)
    ///     .holiday(Holiday::on(eve, "Heiligabend").half_day("09:00-12:00".parse()?))
    ///     .build()?;
    /// assert_eq!(c.counts_as(eve), Decimal::new(5, 1));
    /// assert_eq!(c.counts_as(NaiveDate::from_ymd_opt(2026, 12, 23).ok_or("date")?), Decimal::ONE);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts_as(&self, date: NaiveDate) -> Decimal {
        self.inner.weight(day_number(date))
    }

    /// The working days in `[from, to)`: 1 per date with the schedule's
    /// hours or a working-day override, the holiday's fraction (0.5 for a
    /// half day) per part-day holiday, 0 for free dates; minus the count in
    /// `[to, from)` when `to` is before `from`.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Schedule, Tz};
    /// use bureau_core::Decimal;
    /// use chrono::NaiveDate;
    /// let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).ok_or("date");
    /// let c = Calendar::builder(Schedule::weekdays(Tz::Europe__Berlin, "09:00-17:00".parse()?)?)
    ///     .holiday(Holiday::yearly(12, 24, "Heiligabend")?.half_day("09:00-12:00".parse()?))
    ///     .holiday(Holiday::yearly(12, 25, "Weihnachten")?)
    ///     .build()?;
    /// // Monday 21 to Sunday 27 December 2026: Mon-Wed, half of Thursday.
    /// assert_eq!(c.working_days_between(day(21)?, day(28)?), Decimal::new(35, 1));
    /// assert_eq!(c.working_days_between(day(28)?, day(21)?), Decimal::new(-35, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Decimal {
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
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use bureau_core::{Decimal, Period};
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// // March 2026 has 22 weekdays.
    /// assert_eq!(c.working_days_in(Period::month(2026, 3)?.range()), Decimal::from(22));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_days_in(&self, range: DateRange) -> Decimal {
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
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use bureau_core::Decimal;
    /// use chrono::NaiveDate;
    /// let c = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let friday = NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?;
    /// // Net 10 working days from Friday 1 May 2026: Friday 15 May.
    /// assert_eq!(c.add_working_days(friday, Decimal::from(10))?, NaiveDate::from_ymd_opt(2026, 5, 15).ok_or("date")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_working_days(&self, date: NaiveDate, days: Decimal) -> Result<NaiveDate> {
        if days < Decimal::ZERO {
            return Err(Error::NegativeDays { days });
        }
        if days.is_zero() {
            return Ok(date);
        }
        let (from, last) = (day_number(date), day_number(NaiveDate::MAX));
        // Day numbers lie within ±10^8, so the difference cannot overflow.
        if days > Decimal::from(last - from) {
            return Err(Error::NoWorkingDays { from: date, days });
        }
        self.inner
            .advance_days(from, days)
            .and_then(date_of)
            .ok_or(Error::NoWorkingDays { from: date, days })
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

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("schedule", &self.inner.schedule)
            .field("holidays", &self.inner.holidays)
            .field("working_days", &self.inner.working_days)
            .finish()
    }
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.schedule == other.inner.schedule
                && self.inner.holidays == other.inner.holidays
                && self.inner.working_days == other.inner.working_days)
    }
}

impl Eq for Calendar {}

impl core::hash::Hash for Calendar {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.inner.schedule.hash(state);
        self.inner.holidays.hash(state);
        self.inner.working_days.hash(state);
    }
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

#[cfg(feature = "serde")]
mod wire {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct CalendarWire {
        schedule: Schedule,
        #[serde(default)]
        holidays: Vec<Holiday>,
        #[serde(default)]
        working_days: Vec<WorkingDay>,
    }

    impl serde::Serialize for Calendar {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> core::result::Result<S::Ok, S::Error> {
            CalendarWire {
                schedule: self.inner.schedule.clone(),
                holidays: self.inner.holidays.clone(),
                working_days: self.inner.working_days.clone(),
            }
            .serialize(serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for Calendar {
        fn deserialize<D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> core::result::Result<Self, D::Error> {
            let w = CalendarWire::deserialize(deserializer)?;
            CalendarBuilder {
                schedule: w.schedule,
                holidays: w.holidays,
                working_days: w.working_days,
            }
            .build()
            .map_err(serde::de::Error::custom)
        }
    }
}
