//! Targets: a duration of working time on a calendar, with a warning
//! threshold.

use bureau_calendar::Calendar;
use bureau_core::{Decimal, Percent};
use chrono::{DateTime, TimeDelta, Utc};

use crate::{Error, Result};

/// The longest target accepted: ten years of 365 days.
const MAX_TARGET: TimeDelta = TimeDelta::days(3650);

/// A promise: a duration of working time on a calendar, with a warning
/// threshold.
///
/// Business hours are a [`Calendar`] with a weekly schedule, holidays and a
/// time zone; calendar hours are [`Calendar::always`]. The warning falls due
/// when the given share of the duration has elapsed (75% unless set); its
/// duration is computed exactly in decimal and truncated to the nanosecond.
///
/// ```
/// use bureau_calendar::Calendar;
/// use bureau_core::{Decimal, Percent};
/// use bureau_sla::Target;
/// use chrono::TimeDelta;
///
/// let four_hours = Target::new(TimeDelta::hours(4), Calendar::always())?
///     .with_warning(Percent::new(Decimal::from(50)))?;
/// assert_eq!(four_hours.duration(), TimeDelta::hours(4));
/// assert_eq!(four_hours.warning_after(), TimeDelta::hours(2));
/// assert!(Target::new(TimeDelta::zero(), Calendar::always()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TargetParts", into = "TargetParts")
)]
pub struct Target {
    duration: TimeDelta,
    pub(crate) calendar: Calendar,
    warning: Percent,
    warning_after: TimeDelta,
}

/// The stored form of a [`Target`]; the warning duration is derived again.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct TargetParts {
    duration: TimeDelta,
    calendar: Calendar,
    warning: Percent,
}

#[cfg(feature = "serde")]
impl TryFrom<TargetParts> for Target {
    type Error = Error;
    fn try_from(parts: TargetParts) -> Result<Self> {
        Target::new(parts.duration, parts.calendar)?.with_warning(parts.warning)
    }
}

#[cfg(feature = "serde")]
impl From<Target> for TargetParts {
    fn from(target: Target) -> Self {
        TargetParts {
            duration: target.duration,
            calendar: target.calendar,
            warning: target.warning,
        }
    }
}

impl Target {
    /// `duration` of working time on `calendar`, warning at 75%.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTargetDuration`] unless `0 < duration <= 3650 days`.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let target = Target::new(TimeDelta::hours(8), Calendar::always())?;
    /// assert_eq!(target.warning_after(), TimeDelta::hours(6));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(duration: TimeDelta, calendar: Calendar) -> Result<Self> {
        if duration <= TimeDelta::zero() || duration > MAX_TARGET {
            return Err(Error::InvalidTargetDuration { duration });
        }
        Self {
            duration,
            calendar,
            warning: Percent::new(Decimal::from(75)),
            warning_after: duration,
        }
        .with_warning(Percent::new(Decimal::from(75)))
    }

    /// `duration` in calendar hours (every instant counts).
    ///
    /// # Errors
    ///
    /// As [`Target::new`].
    ///
    /// ```
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let day = Target::calendar_hours(TimeDelta::hours(24))?;
    /// assert_eq!(day.duration(), TimeDelta::days(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar_hours(duration: TimeDelta) -> Result<Self> {
        Self::new(duration, Calendar::always())
    }

    /// This target warning at `threshold` of its duration.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWarningThreshold`] unless `0% < threshold <= 100%`.
    ///
    /// ```
    /// use bureau_core::{Decimal, Percent};
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let t = Target::calendar_hours(TimeDelta::minutes(10))?
    ///     .with_warning(Percent::new(Decimal::new(333, 1)))?;
    /// assert_eq!(t.warning_after(), TimeDelta::milliseconds(199_800));
    /// assert!(t.with_warning(Percent::new(Decimal::ZERO)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_warning(mut self, threshold: Percent) -> Result<Self> {
        let value = threshold.value();
        if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(Error::InvalidWarningThreshold { threshold });
        }
        // At most ten years in nanoseconds: fits an i64 and, times a percentage,
        // a decimal, so the product is exact before the one truncation.
        let nanos = self
            .duration
            .num_nanoseconds()
            .ok_or(Error::InvalidTargetDuration {
                duration: self.duration,
            })?;
        let scaled = (Decimal::from(nanos) * value / Decimal::ONE_HUNDRED).trunc();
        let warning_nanos = i64::try_from(scaled.mantissa())
            .map_err(|_| Error::InvalidWarningThreshold { threshold })?;
        self.warning = threshold;
        self.warning_after = TimeDelta::nanoseconds(warning_nanos);
        Ok(self)
    }

    /// When this target falls due for a clock that starts at `start` and
    /// never pauses: the earliest instant by which [`Target::duration`] of
    /// working time on [`Target::calendar`] has elapsed since `start`
    /// ([`Calendar::add_working`]). A paused clock falls due later, by the
    /// working time it spent paused; [`SlaRecord::due`](crate::SlaRecord::due)
    /// gives a ticket's own due instant.
    ///
    /// # Errors
    ///
    /// The calendar's error when it has not enough working time left after
    /// `start` ([`bureau_calendar::Error::NoWorkingTime`]) or the instant
    /// would be past the last one `DateTime` holds
    /// ([`bureau_calendar::Error::OutOfRange`]).
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use bureau_sla::Target;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    ///
    /// let office = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let four_hours = Target::new(TimeDelta::hours(4), office)?;
    /// // Friday 15:00: two hours on Friday, two on Monday.
    /// let friday = Utc.with_ymd_and_hms(2026, 3, 6, 15, 0, 0).single().ok_or("instant")?;
    /// let monday = Utc.with_ymd_and_hms(2026, 3, 9, 11, 0, 0).single().ok_or("instant")?;
    /// assert_eq!(four_hours.due_from(friday)?, monday);
    ///
    /// let day = Target::calendar_hours(TimeDelta::hours(24))?;
    /// assert_eq!(day.due_from(friday)?, friday + TimeDelta::hours(24));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due_from(&self, start: DateTime<Utc>) -> Result<DateTime<Utc>, bureau_calendar::Error> {
        self.calendar.add_working(start, self.duration)
    }

    /// The promised working time.
    ///
    /// ```
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// assert_eq!(Target::calendar_hours(TimeDelta::hours(1))?.duration(), TimeDelta::hours(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn duration(&self) -> TimeDelta {
        self.duration
    }

    /// The calendar whose working time counts.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// assert_eq!(Target::calendar_hours(TimeDelta::hours(1))?.calendar(), &Calendar::always());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The warning threshold as a share of the duration.
    ///
    /// ```
    /// use bureau_core::{Decimal, Percent};
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let t = Target::calendar_hours(TimeDelta::hours(1))?;
    /// assert_eq!(t.warning(), Percent::new(Decimal::from(75)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warning(&self) -> Percent {
        self.warning
    }

    /// The working time after which the warning falls due.
    ///
    /// ```
    /// use bureau_sla::Target;
    /// use chrono::TimeDelta;
    /// let t = Target::calendar_hours(TimeDelta::hours(4))?;
    /// assert_eq!(t.warning_after(), TimeDelta::hours(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warning_after(&self) -> TimeDelta {
        self.warning_after
    }
}
