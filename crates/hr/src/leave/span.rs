//! What a leave request covers: a range of dates with half days at either end.

use bureau_calendar::{Calendar, WorkingDays};
use bureau_core::DateRange;
use chrono::{Datelike, NaiveDate};

use crate::{Change, DayCounting, Employee, Error, Fte, Result};

/// How much of a boundary day a request takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DayPart {
    /// The whole day.
    Whole,
    /// Half of it (the afternoon of a first day, the morning of a last day).
    Half,
}

/// The dates `[start, end)` a leave request covers, its first and last
/// day whole or half.
///
/// ```
/// use bureau_calendar::{Calendar, Schedule, Tz, WorkingDays};
/// use bureau_core::DateRange;
/// use bureau_hr::{DayCounting, LeaveSpan};
/// use chrono::NaiveDate;
/// let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).ok_or("date");
/// let weekdays = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
/// // Wednesday 3 June afternoon to Monday 8 June morning: 2.5 + 0.5 working days.
/// let span = LeaveSpan::new(DateRange::new(day(3)?, day(9)?)?)?.first_day_half().last_day_half();
/// assert_eq!(span.count(&weekdays, DayCounting::WorkingDays)?, WorkingDays::from(3));
/// assert_eq!(span.count(&weekdays, DayCounting::CalendarDays)?, WorkingDays::from(5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeaveSpan {
    range: DateRange,
    first: DayPart,
    last: DayPart,
}

impl LeaveSpan {
    /// Whole days `range`.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyLeaveSpan`] when `range` holds no date.
    pub fn new(range: DateRange) -> Result<Self> {
        if range.is_empty() {
            return Err(Error::EmptyLeaveSpan { range });
        }
        Ok(Self {
            range,
            first: DayPart::Whole,
            last: DayPart::Whole,
        })
    }

    /// The single day `date`.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] for the last representable date.
    pub fn day(date: NaiveDate) -> Result<Self> {
        Self::new(DateRange::day(date).map_err(|_| Error::DateOutOfRange { date })?)
    }

    /// Taking only half of the first day.
    pub fn first_day_half(mut self) -> Self {
        self.first = DayPart::Half;
        self
    }

    /// Taking only half of the last day.
    pub fn last_day_half(mut self) -> Self {
        self.last = DayPart::Half;
        self
    }

    /// The dates.
    pub fn range(&self) -> DateRange {
        self.range
    }

    /// The first date.
    pub fn start(&self) -> NaiveDate {
        self.range.start()
    }

    /// The part of the first day taken.
    pub fn first(&self) -> DayPart {
        self.first
    }

    /// The part of the last day taken.
    pub fn last(&self) -> DayPart {
        self.last
    }

    /// The part of the span inside `range` (a pay period, a month), `None`
    /// when they share no date. A half first or last day stays half only
    /// where the span's own first or last day is kept; a day cut off at the
    /// edge of `range` is whole there. So the parts of a span cut at any
    /// dates count, together, what the span counts.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz, WorkingDays};
    /// use bureau_core::DateRange;
    /// use bureau_hr::{DayCounting, LeaveSpan};
    /// use chrono::NaiveDate;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    /// let weekdays = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// // Thursday 25 June afternoon to Thursday 2 July: 5.5 working days.
    /// let span = LeaveSpan::new(DateRange::new(day(6, 25)?, day(7, 3)?)?)?.first_day_half();
    /// let june = span.within(DateRange::new(day(6, 1)?, day(7, 1)?)?).ok_or("no june")?;
    /// let july = span.within(DateRange::new(day(7, 1)?, day(8, 1)?)?).ok_or("no july")?;
    /// // 25 (half), 26, 29, 30 June; 1 and 2 July.
    /// assert_eq!(june.count(&weekdays, DayCounting::WorkingDays)?, WorkingDays::from(3) + WorkingDays::HALF);
    /// assert_eq!(july.count(&weekdays, DayCounting::WorkingDays)?, WorkingDays::from(2));
    /// assert_eq!(span.within(DateRange::new(day(8, 1)?, day(9, 1)?)?), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn within(&self, range: DateRange) -> Option<Self> {
        let kept = self.range.intersection(&range).filter(|r| !r.is_empty())?;
        Some(Self {
            range: kept,
            first: if kept.start() == self.range.start() {
                self.first
            } else {
                DayPart::Whole
            },
            last: if kept.end() == self.range.end() {
                self.last
            } else {
                DayPart::Whole
            },
        })
    }

    /// Whether the two spans share a date (a half day counts as sharing it).
    ///
    /// ```
    /// use bureau_core::DateRange;
    /// use bureau_hr::LeaveSpan;
    /// use chrono::NaiveDate;
    /// let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).ok_or("date");
    /// let first = LeaveSpan::new(DateRange::new(day(1)?, day(4)?)?)?.last_day_half();
    /// let second = LeaveSpan::new(DateRange::new(day(3)?, day(5)?)?)?.first_day_half();
    /// assert!(first.overlaps(&second));
    /// assert!(!first.overlaps(&LeaveSpan::day(day(4)?)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overlaps(&self, other: &Self) -> bool {
        self.range.overlaps(&other.range)
    }

    /// The days the span takes: by `counting` (see [`DayCounting`]), each
    /// date counts what `calendar` says it is worth
    /// ([`Calendar::counts_as`]) or 1, a half first or last day half of
    /// that. Never negative.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHalfDays`] for a single-day span halved at both ends.
    pub fn count(&self, calendar: &Calendar, counting: DayCounting) -> Result<WorkingDays> {
        let first_day = self.range.start();
        let last_day = self.range.last_day().unwrap_or(first_day);
        if first_day == last_day && self.first == DayPart::Half && self.last == DayPart::Half {
            return Err(Error::InvalidHalfDays { date: first_day });
        }
        // The holidays observed inside the range, each date once: what the
        // two counts that tell holidays from rest days look at.
        let holidays = match counting {
            DayCounting::WorkingDays | DayCounting::CalendarDays => Vec::new(),
            DayCounting::WorkingDaysAndHolidays | DayCounting::CalendarDaysExceptHolidays => {
                let mut dates: Vec<NaiveDate> = (first_day.year()..=last_day.year())
                    .flat_map(|year| calendar.holidays_in(year))
                    .map(|(date, _)| date)
                    .filter(|date| self.range.contains(*date))
                    .collect();
                dates.sort_unstable();
                dates.dedup();
                dates
            }
        };
        let scheduled = |date: NaiveDate| !calendar.schedule().hours(date.weekday()).is_empty();
        let worth = |date: NaiveDate| match counting {
            DayCounting::WorkingDays => calendar.counts_as(date),
            DayCounting::CalendarDays => WorkingDays::ONE,
            DayCounting::WorkingDaysAndHolidays if scheduled(date) => WorkingDays::ONE,
            DayCounting::WorkingDaysAndHolidays => calendar.counts_as(date),
            DayCounting::CalendarDaysExceptHolidays if holidays.binary_search(&date).is_ok() => {
                calendar.counts_as(date)
            }
            DayCounting::CalendarDaysExceptHolidays => WorkingDays::ONE,
        };
        // Only holidays make a working weekday count less than 1, so each
        // count is a plain one corrected at the holidays inside the range.
        let off = |date: &NaiveDate| WorkingDays::ONE - calendar.counts_as(*date);
        let whole = match counting {
            DayCounting::WorkingDays => calendar.working_days_in(self.range),
            DayCounting::CalendarDays => WorkingDays::new(self.range.len_days().into()),
            DayCounting::WorkingDaysAndHolidays => holidays
                .iter()
                .filter(|date| scheduled(**date))
                .map(off)
                .fold(calendar.working_days_in(self.range), |sum, days| sum + days),
            DayCounting::CalendarDaysExceptHolidays => holidays.iter().map(off).fold(
                WorkingDays::new(self.range.len_days().into()),
                |sum, days| sum - days,
            ),
        };
        let half = |date| WorkingDays::new(worth(date).value() / bureau_core::Decimal::TWO);
        let mut days = whole;
        if self.first == DayPart::Half {
            days -= half(first_day);
        }
        if self.last == DayPart::Half {
            days -= half(last_day);
        }
        Ok(days)
    }
}

/// The employment a leave account accrues over: `[start, end)` at an FTE
/// fraction.
///
/// ```
/// use bureau_hr::{Fte, LeaveEmployment};
/// use chrono::NaiveDate;
/// let start = NaiveDate::from_ymd_opt(2026, 1, 24).ok_or("date")?;
/// let job = LeaveEmployment::new(start, Fte::FULL);
/// assert!(job.ending(start).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeaveEmployment {
    start: NaiveDate,
    end: Option<NaiveDate>,
    fte: Fte,
}

impl LeaveEmployment {
    /// Employed from `start` at `fte`, with no end known.
    pub fn new(start: NaiveDate, fte: Fte) -> Self {
        Self {
            start,
            end: None,
            fte,
        }
    }

    /// Employed until `end` (the first day no longer employed).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmploymentEnd`] unless `end` is after the start.
    pub fn ending(mut self, end: NaiveDate) -> Result<Self> {
        if end <= self.start {
            return Err(Error::InvalidEmploymentEnd {
                start: self.start,
                end,
            });
        }
        self.end = Some(end);
        Ok(self)
    }

    /// The employment of `employee` in force on `date`: from its hire or
    /// rehire, until its termination when one is recorded, at the FTE
    /// fraction of `date`. `None` when not employed on `date`.
    ///
    /// ```
    /// use bureau_core::{money, Aggregate, EmployeeId};
    /// use bureau_hr::{CalendarKey, DepartmentName, Employee, EmployeeCommand, EmploymentTerms, Fte,
    ///     LeaveEmployment, LocationName, PayRate, PersonName, PersonalData, PositionTitle, Probation,
    ///     Profile, Reason, WorkEmail, Workplace};
    /// use bureau_core::Decimal;
    /// use chrono::NaiveDate;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    /// let terms = EmploymentTerms::new(
    ///     DepartmentName::new("Support")?,
    ///     PositionTitle::new("Agent")?,
    ///     Workplace::new(LocationName::new("Remote")?, CalendarKey::new("utc")?),
    ///     PayRate::hourly(money!(25.00 USD))?,
    /// )
    /// .with_fte(Fte::new(Decimal::new(6, 1))?);
    /// let profile = Profile::new(PersonName::new("Lin")?, WorkEmail::new("lin@example.com")?, PersonalData::new());
    /// let mut lin = Employee::default();
    /// lin.handle(&EmployeeCommand::Hire { employee: EmployeeId::from_u128(3), date: day(3, 16)?, profile, terms, probation: Probation::Waived })?;
    /// lin.handle(&EmployeeCommand::Terminate { notice_given: day(9, 1)?, last_working_day: day(9, 30)?, reason: Reason::new("resigned")? })?;
    ///
    /// let job = LeaveEmployment::of_employee(&lin, day(6, 1)?).ok_or("not employed")?;
    /// assert_eq!((job.start(), job.end()), (day(3, 16)?, Some(day(10, 1)?)));
    /// assert_eq!(job.fte().value(), Decimal::new(6, 1));
    /// assert!(LeaveEmployment::of_employee(&lin, day(10, 1)?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_employee(employee: &Employee, date: NaiveDate) -> Option<Self> {
        let start = employee.employed_since(date)?;
        let fte = employee.terms_as_of(date)?.fte();
        let end = employee
            .records()
            .iter()
            .find(|r| r.effective() > date && r.change() == Change::Termination)
            .map(|r| r.effective());
        Some(Self { start, end, fte })
    }

    /// The first day employed.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first day no longer employed, `None` when not known.
    pub fn end(&self) -> Option<NaiveDate> {
        self.end
    }

    /// The FTE fraction.
    pub fn fte(&self) -> Fte {
        self.fte
    }

    /// Whether `date` falls inside the employment.
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.start && self.end.is_none_or(|end| date < end)
    }

    /// The days of `range` inside the employment.
    pub(crate) fn overlap_days(&self, range: DateRange) -> u64 {
        let start = range.start().max(self.start);
        let end = self.end.map_or(range.end(), |end| range.end().min(end));
        if end <= start {
            0
        } else {
            u64::try_from((end - start).num_days()).unwrap_or(0)
        }
    }
}
