//! The one error type of bureau-calendar.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};

use crate::WorkingDays;

/// Everything that can go wrong in bureau-calendar. Every variant names the
/// value that was wrong.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Error, WallInterval};
///
/// let err = "09:00-09:00".parse::<WallInterval>().unwrap_err();
/// assert!(matches!(err, Error::EmptyInterval { .. }));
/// assert_eq!(err.to_string(), "interval 09:00-09:00 is empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A text could not be read as a wall-clock time or interval.
    #[error("cannot read {input:?} as {expected}")]
    #[non_exhaustive]
    Parse {
        /// The text as given.
        input: String,
        /// What was expected (`"a wall-clock interval like 09:00-17:30"`).
        expected: &'static str,
    },
    /// A wall-clock time that is not between 00:00 and 24:00 (a minute or
    /// second above 59, or a time past 24:00).
    #[error("wall-clock time {hour:02}:{minute:02}:{second:02} is not between 00:00 and 24:00")]
    #[non_exhaustive]
    InvalidTime {
        /// The hour as given.
        hour: u32,
        /// The minute as given.
        minute: u32,
        /// The second as given.
        second: u32,
    },
    /// A time of day that is not on a whole second (wall-clock times are).
    #[error("wall-clock time {time} is not on a whole second")]
    #[non_exhaustive]
    SubSecondTime {
        /// The time as given.
        time: NaiveTime,
    },
    /// An interval that starts at 24:00, the end of the day.
    #[error("interval {interval} starts at 24:00, the end of the day")]
    #[non_exhaustive]
    StartsAtEndOfDay {
        /// The interval as given, as `HH:MM-HH:MM`.
        interval: String,
    },
    /// An interval that starts and ends at the same wall-clock time.
    #[error("interval {interval} is empty")]
    #[non_exhaustive]
    EmptyInterval {
        /// The interval, as `HH:MM-HH:MM`.
        interval: String,
    },
    /// Two intervals of a schedule or of one day share working time.
    #[error("interval {second} overlaps {first}")]
    #[non_exhaustive]
    Overlap {
        /// The interval that comes first (with its weekday in a schedule:
        /// `"Mon 22:00-06:00"`).
        first: String,
        /// The interval that overlaps it.
        second: String,
    },
    /// A yearly holiday on a month and day that no year has.
    #[error("month {month} day {day} is not a day of the year")]
    #[non_exhaustive]
    InvalidMonthDay {
        /// The month as given.
        month: u32,
        /// The day as given.
        day: u32,
    },
    /// A yearly holiday in a month outside 1 to 12.
    #[error("month {month} is not a month of the year (1 to 12)")]
    #[non_exhaustive]
    InvalidMonth {
        /// The month as given.
        month: u32,
    },
    /// An Easter holiday too far from Easter Sunday.
    #[error("an Easter holiday {offset_days} days from Easter Sunday is more than {max} days away")]
    #[non_exhaustive]
    InvalidEasterOffset {
        /// The offset as given.
        offset_days: i32,
        /// The furthest allowed, either way.
        max: u32,
    },
    /// A part-day holiday counting as no day, a whole day or more.
    #[error("a part day must count as more than 0 and less than 1 day, not {fraction}")]
    #[non_exhaustive]
    InvalidDayFraction {
        /// The fraction as given.
        fraction: WorkingDays,
    },
    /// A working day override with no working hours.
    #[error("working day {date} has no working hours")]
    #[non_exhaustive]
    NoHours {
        /// The date of the override.
        date: NaiveDate,
    },
    /// Two one-off entries (holidays or working days) for the same date.
    #[error("date {date} is given twice among one-off holidays and working days")]
    #[non_exhaustive]
    DuplicateDate {
        /// The date given twice.
        date: NaiveDate,
    },
    /// A time zone name that the tz database does not know.
    #[error("unknown time zone {name:?}")]
    #[non_exhaustive]
    UnknownTimeZone {
        /// The name as given.
        name: String,
    },
    /// A negative amount of working time was asked for.
    #[error("cannot add a negative amount of working time ({amount})")]
    #[non_exhaustive]
    NegativeDuration {
        /// The amount as given.
        amount: TimeDelta,
    },
    /// A negative number of working days was asked for.
    #[error("cannot add a negative number of working days ({days})")]
    #[non_exhaustive]
    NegativeDays {
        /// The number as given.
        days: WorkingDays,
    },
    /// The calendar has no working time (left) after the given instant.
    #[error("no working time after {from} to add {amount} to")]
    #[non_exhaustive]
    NoWorkingTime {
        /// Where the search started.
        from: DateTime<Utc>,
        /// The amount that could not be added.
        amount: TimeDelta,
    },
    /// The calendar has no working day after the given date.
    #[error("no working day after {from} to add {days} days to")]
    #[non_exhaustive]
    NoWorkingDays {
        /// Where the search started.
        from: NaiveDate,
        /// The number of days that could not be added.
        days: WorkingDays,
    },
    /// A result would fall outside the dates chrono can represent.
    #[error("result out of the representable date range, starting from {from}")]
    #[non_exhaustive]
    OutOfRange {
        /// Where the computation started.
        from: DateTime<Utc>,
    },
}

/// `Result` with bureau-calendar's [`Error`] as the default error type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
