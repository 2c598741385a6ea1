//! Working-time calendars that stay exact across time zones, daylight-saving
//! changes, overnight shifts and holidays.
//!
//! # Overview
//!
//! - [`WallTime`] is a wall-clock time of day from 00:00 to 24:00;
//!   [`WallInterval`] is a half-open wall-clock interval of one day between
//!   two of them, such as `09:00-17:30`, `18:00-24:00` or the overnight
//!   `22:00-06:00`; [`DayHours`] is the sorted, non-overlapping list of one
//!   day's intervals (split shifts).
//! - [`Schedule`] is a time zone ([`Tz`], the compiled tz database of
//!   `chrono-tz`) and the hours of each weekday. Its constructor refuses
//!   empty and overlapping intervals, across midnight and across the end of
//!   the week too. [`Schedule::always`] is 24/7.
//! - [`Holiday`] is a whole day off or a part day (a half day counts 0.5),
//!   once or every year (on a month and day, on an [`Occurrence`] of a
//!   weekday in a month, or counted from the Easter of a [`Church`]),
//!   optionally moved off weekends by an [`Observance`], UK substitute days
//!   included; [`Calendar::holidays_in`] lists a year's observed dates.
//!   [`WorkingDay`] makes a date work its own hours.
//! - [`Calendar`] puts them together and answers: [`Calendar::is_working`],
//!   [`Calendar::next_working_instant`], [`Calendar::working_intervals`],
//!   [`Calendar::add_working`], [`Calendar::working_between`],
//!   [`Calendar::working_days_between`] and [`Calendar::add_working_days`],
//!   the last two in [`WorkingDays`], an exact count of days (half days
//!   included).
//!
//! Nothing here reads a clock or does I/O: instants are inputs.
//!
//! ## Where each rule lives
//!
//! | to find | look in |
//! |---|---|
//! | `WallTime`, `WallInterval`, `DayHours`: text forms, 24:00, overnight intervals | `src/wall.rs` |
//! | `Schedule`: a zone and seven days' hours, overlap across days and weeks | `src/schedule.rs` |
//! | `Holiday`, `Observance`, Easter, substitute days, `WorkingDay` | `src/holiday.rs` |
//! | `WorkingDays`, the count of working days | `src/working_days.rs` |
//! | `Calendar`, its builder, the tables it builds once, `holidays_in`, `hours_on` | `src/calendar/mod.rs` |
//! | which holiday or override decides a date | `src/calendar/exception.rs` |
//! | `is_working`, `next_working_instant`, `add_working`, `working_between` | `src/calendar/working_time.rs` |
//! | `working_intervals` and its iterator | `src/calendar/working_intervals.rs` |
//! | `counts_as`, `working_days_between`, `working_days_in`, `add_working_days` | `src/calendar/day_count.rs` |
//! | runs of ordinary days summed by whole weeks (why it is fast) | `src/calendar/run.rs` |
//! | a day's intervals on the UTC timeline; gaps and repeated hours | `src/calendar/timeline.rs`, `src/zone.rs` |
//! | day numbers, weekdays, years | `src/calendar/day_number.rs` |
//! | a zone's offset changes, listed once per process | `src/zone.rs` |
//! | `Error`, every message | `src/error.rs` |
//! | property-test strategies (feature `proptest`) | `src/strategy.rs` |
//!
//! ## What working time means
//!
//! - An interval belongs to the date it starts on: `22:00-06:00` on Friday is
//!   Friday's shift, it runs into Saturday, and a holiday on Saturday does not
//!   cut it. A holiday closes the intervals that start on its date.
//! - Working time is real elapsed time, measured on the UTC timeline. A
//!   wall-clock interval that a daylight-saving change shortens or lengthens
//!   counts what really elapses: `01:00-03:00` on a spring-forward night in New
//!   York is one hour; `00:00-02:00` on the fall-back night is three.
//! - A wall-clock boundary that does not exist (it falls in the gap of a
//!   spring-forward change) stands for the first instant after the gap.
//! - A wall-clock boundary that occurs twice (in the repeated hour of a
//!   fall-back change) stands for its **earlier** instant when it starts an
//!   interval and its **later** instant when it ends one: a shift starting at
//!   01:30 starts at the first 01:30; a shift ending at 01:30 ends at the
//!   second.
//! - Intervals are half-open `[start, end)`; touching or overlapping intervals
//!   (an override running into the next day's shift) count once.
//! - [`Calendar::add_working`] returns the earliest instant by which the
//!   amount has elapsed, so `working_between(a, add_working(a, d)?) == d`, and
//!   adding in two steps equals adding once. A deadline that lands on the end
//!   of an interval stays there. Adding to a calendar without enough working
//!   time left returns [`Error::NoWorkingTime`]; it never loops forever.
//!
//! ## Cost
//!
//! Arithmetic grows with the number of days holding an exception (a holiday,
//! an override, a daylight-saving change, the two ends of the range), not with
//! the minutes crossed: runs of ordinary days are summed by whole weeks. The
//! first calendar in a zone lists that zone's offset changes from 1800 to 2100
//! once per process (a few milliseconds); outside those years the compiled tz
//! database changes no offset (before, each zone keeps its local mean time;
//! after, its last offset), so the whole range of `DateTime<Utc>` is as fast.
//!
//! # Examples
//!
//! A support desk in New York working 08:00-20:00 on weekdays, with US
//! Thanksgiving as a one-off holiday; a ticket opened on Friday 30 October
//! 2026 at 18:00 with a 16-working-hour deadline crosses a weekend and the
//! fall-back night of 1 November (which this schedule does not work):
//!
//! ```
//! use bureau_calendar::{Calendar, Holiday, Schedule, Tz};
//! use chrono::{NaiveDate, TimeDelta, TimeZone};
//!
//! let ny = Tz::America__New_York;
//! let desk = Schedule::weekdays(ny, "08:00-20:00".parse()?)?;
//! let thanksgiving = NaiveDate::from_ymd_opt(2026, 11, 26).ok_or("date")?;
//! let calendar = Calendar::builder(desk).holiday(Holiday::on(thanksgiving, "Thanksgiving")).build()?;
//!
//! let opened = ny.with_ymd_and_hms(2026, 10, 30, 18, 0, 0).single().ok_or("time")?.to_utc();
//! let due = calendar.add_working(opened, TimeDelta::hours(16))?;
//! // 2 hours on Friday, 12 on Monday, 2 on Tuesday: Tuesday 10:00 EST.
//! assert_eq!(due, ny.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).single().ok_or("time")?.to_utc());
//! assert_eq!(calendar.working_between(opened, due), TimeDelta::hours(16));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for [`WallTime`] (as `"09:30"`),
//!   [`WallInterval`] (as `"22:00-06:00"`), [`WorkingDays`] (as `"3.5"`),
//!   [`DayHours`], [`Schedule`] (the zone by its tz name),
//!   [`Holiday`], [`WorkingDay`] and [`Calendar`]. Deserializing validates
//!   like the constructors do.
//! - `proptest`: the `strategy` module, generating valid schedules, holidays
//!   and calendars in the zones this crate is tested on.

mod calendar;
mod error;
mod holiday;
mod schedule;
#[cfg(feature = "proptest")]
pub mod strategy;
mod wall;
mod working_days;
mod zone;

pub use calendar::{Calendar, CalendarBuilder, WorkingIntervals};
pub use error::{Error, Result};
pub use holiday::{Church, Holiday, HolidayDate, Observance, Occurrence, WorkingDay};
pub use schedule::Schedule;
pub use wall::{DayHours, WallInterval, WallTime};
pub use working_days::WorkingDays;

/// The tz database the calendars read their zones from, so callers name the
/// same version: `bureau_calendar::chrono_tz::Europe::Paris`.
pub use chrono_tz;
/// A time zone of the tz database (re-exported from `chrono-tz`).
pub use chrono_tz::Tz;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
