//! Calendars: a schedule, holidays and overrides put together, and what
//! they answer.
//!
//! Where each rule lives:
//!
//! - this module: [`Calendar`] and [`CalendarBuilder`], the tables a
//!   calendar builds once (`Inner::new`), its parts and
//!   [`Calendar::holidays_in`] and [`Calendar::hours_on`];
//! - `exception`: which holiday or override decides a date, and the next
//!   date one does;
//! - `working_time`: [`Calendar::is_working`],
//!   [`Calendar::next_working_instant`], [`Calendar::add_working`] and
//!   [`Calendar::working_between`] (the day walks `measure` and `advance`);
//! - `working_intervals`: [`Calendar::working_intervals`] and its
//!   iterator;
//! - `day_count`: [`Calendar::counts_as`],
//!   [`Calendar::working_days_between`], [`Calendar::working_days_in`] and
//!   [`Calendar::add_working_days`];
//! - `run`: runs of ordinary days summed from the weekly template, the
//!   shortcut that keeps the walks fast;
//! - `timeline`: a day's intervals placed on the UTC timeline, in
//!   nanoseconds, and the measure of a union of intervals;
//! - `day_number`: dates as day numbers, weekdays and years.

mod day_count;
mod day_number;
mod exception;
mod run;
mod timeline;
mod working_intervals;
mod working_time;

use core::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use self::day_number::{day_number, jan1, year_kind};
use self::exception::{Exception, MOVABLE_CACHED, exception_of};
use crate::zone::Changes;
use crate::{DayHours, Error, Holiday, Result, Schedule, WorkingDay, WorkingDays};

pub use self::working_intervals::WorkingIntervals;

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
///     .holiday(Holiday::yearly(7, 4, "Independence Day")?.with_observance(Observance::NearestWeekday))
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
    /// about (`MOVABLE_CACHED`), sorted, with the index of their rule;
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
                    weight: WorkingDays::ONE,
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
            .find(|(_, e)| e.weight > WorkingDays::ZERO)
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
    /// let christmas = Holiday::yearly(12, 25, "Christmas Day")?.with_observance(Observance::Substitute);
    /// let boxing = Holiday::yearly(12, 26, "Boxing Day")?.with_observance(Observance::Substitute);
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
}

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
