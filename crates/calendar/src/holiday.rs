//! Holidays (whole and part days, one-off and yearly) and working-day overrides.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::{DayHours, Error, Result, WorkingDays};

/// Where a holiday falling on a weekend is observed.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Holiday, Observance};
/// use chrono::NaiveDate;
///
/// let july_4 = Holiday::yearly(7, 4, "Independence Day")?.with_observance(Observance::NearestWeekday);
/// // 4 July 2026 is a Saturday: observed on Friday 3 July.
/// assert_eq!(july_4.date_in(2026), NaiveDate::from_ymd_opt(2026, 7, 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Observance {
    /// On the date itself, whatever the weekday.
    #[default]
    OnTheDay,
    /// Saturday is observed on the Friday before, Sunday on the Monday after.
    NearestWeekday,
    /// Saturday and Sunday are observed on the Monday after.
    FollowingMonday,
    /// Only Sunday moves, to the Monday after.
    SundayToMonday,
    /// Saturday and Sunday move to the next weekday that no other holiday of
    /// the calendar holds: the substitute days of UK bank holidays, where
    /// Christmas on a Saturday and Boxing Day on a Sunday are observed on
    /// Monday 27 and Tuesday 28 December. Holidays that fall on a weekday keep
    /// their date and are placed first; then the weekend ones move, in date
    /// order. [`apply`](Self::apply), which knows no other holiday, moves to
    /// the Monday after; [`Calendar::holidays_in`](crate::Calendar::holidays_in)
    /// shows the chained dates. Holidays counted from Easter (which fall on
    /// fixed weekdays) and one-off holidays move by `apply` alone and are not
    /// skipped by the chain.
    Substitute,
}

impl Observance {
    /// The date `date` is observed on.
    ///
    /// ```
    /// use bureau_calendar::Observance;
    /// use chrono::NaiveDate;
    /// let sunday = NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?;
    /// assert_eq!(Observance::SundayToMonday.apply(sunday), NaiveDate::from_ymd_opt(2026, 3, 2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(self, date: NaiveDate) -> Option<NaiveDate> {
        let weekday = date.weekday();
        match (self, weekday) {
            (Self::NearestWeekday, Weekday::Sat) => date.checked_sub_days(Days::new(1)),
            (
                Self::NearestWeekday
                | Self::SundayToMonday
                | Self::FollowingMonday
                | Self::Substitute,
                Weekday::Sun,
            ) => date.checked_add_days(Days::new(1)),
            (Self::FollowingMonday | Self::Substitute, Weekday::Sat) => {
                date.checked_add_days(Days::new(2))
            }
            _ => Some(date),
        }
    }
}

/// When a holiday falls, before its observance rule moves it.
///
/// ```
/// use bureau_calendar::{Holiday, HolidayDate};
/// let h = Holiday::yearly(11, 11, "Armistice")?;
/// assert!(matches!(h.date(), HolidayDate::Yearly { month: 11, day: 11 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HolidayDate {
    /// Once, on this date.
    On(NaiveDate),
    /// Every year on this month and day (29 February: only in leap years).
    Yearly {
        /// Month, 1 to 12.
        month: u32,
        /// Day of the month.
        day: u32,
    },
    /// Every year on a weekday of a month: the fourth Thursday of November,
    /// the last Monday of May.
    NthWeekday {
        /// Month, 1 to 12.
        month: u32,
        /// Which one of the month's such weekdays.
        occurrence: Occurrence,
        /// The weekday.
        weekday: Weekday,
    },
    /// Every year, a number of days from Easter Sunday: Good Friday is -2,
    /// Easter Monday 1, Ascension 39, Whit Monday 50, Corpus Christi 60.
    Easter {
        /// Whose Easter.
        church: Church,
        /// Days after Easter Sunday (negative: before).
        offset_days: i32,
    },
}

/// Which of a month's weekdays a [`HolidayDate::NthWeekday`] holiday falls on.
///
/// ```
/// use bureau_calendar::Occurrence;
/// use chrono::{NaiveDate, Weekday};
/// // Thanksgiving 2026: the fourth Thursday of November.
/// assert_eq!(Occurrence::Fourth.date_in(2026, 11, Weekday::Thu), NaiveDate::from_ymd_opt(2026, 11, 26));
/// // The UK's spring bank holiday 2026: the last Monday of May.
/// assert_eq!(Occurrence::Last.date_in(2026, 5, Weekday::Mon), NaiveDate::from_ymd_opt(2026, 5, 25));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Occurrence {
    /// The first.
    First,
    /// The second.
    Second,
    /// The third.
    Third,
    /// The fourth.
    Fourth,
    /// The last (the fourth or the fifth).
    Last,
}

impl Occurrence {
    /// The date of this occurrence of `weekday` in `month` of `year`; `None`
    /// for a month outside 1 to 12 or a year chrono cannot hold.
    ///
    /// ```
    /// use bureau_calendar::Occurrence;
    /// use chrono::{NaiveDate, Weekday};
    /// assert_eq!(Occurrence::First.date_in(2026, 9, Weekday::Mon), NaiveDate::from_ymd_opt(2026, 9, 7));
    /// assert_eq!(Occurrence::First.date_in(2026, 13, Weekday::Mon), None);
    /// ```
    pub fn date_in(self, year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
        if !(1..=12).contains(&month) {
            return None;
        }
        let nth = match self {
            Self::First => 1,
            Self::Second => 2,
            Self::Third => 3,
            Self::Fourth => 4,
            Self::Last => {
                // Count back from the month's last day.
                let first_of_next = if month == 12 {
                    NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, month.checked_add(1)?, 1)?
                };
                let last = first_of_next.pred_opt()?;
                let back = (7 + last.weekday().num_days_from_monday()
                    - weekday.num_days_from_monday())
                    % 7;
                return last.checked_sub_days(Days::new(u64::from(back)));
            }
        };
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, nth)
    }
}

/// Whose Easter a [`HolidayDate::Easter`] holiday counts from.
///
/// ```
/// use bureau_calendar::Church;
/// use chrono::NaiveDate;
/// assert_eq!(Church::Western.easter_sunday(2026), NaiveDate::from_ymd_opt(2026, 4, 5));
/// assert_eq!(Church::Orthodox.easter_sunday(2026), NaiveDate::from_ymd_opt(2026, 4, 12));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Church {
    /// Easter of the Gregorian computus (Catholic and Protestant churches).
    #[default]
    Western,
    /// Easter of the Julian computus (Orthodox churches), as a Gregorian date.
    Orthodox,
}

impl Church {
    /// The first year both computations hold for: 1583, the first whole year
    /// of the Gregorian calendar.
    pub const FIRST_YEAR: i32 = 1583;

    /// Easter Sunday of `year` on the Gregorian calendar; `None` before
    /// [`FIRST_YEAR`](Self::FIRST_YEAR) or past what chrono can hold.
    ///
    /// ```
    /// use bureau_calendar::Church;
    /// use chrono::NaiveDate;
    /// assert_eq!(Church::Western.easter_sunday(2038), NaiveDate::from_ymd_opt(2038, 4, 25));
    /// assert_eq!(Church::Western.easter_sunday(1500), None);
    /// ```
    pub fn easter_sunday(self, year: i32) -> Option<NaiveDate> {
        if year < Self::FIRST_YEAR {
            return None;
        }
        // Every quantity below is a small non-negative number for a year
        // between 1583 and chrono's last year, so the arithmetic cannot
        // overflow.
        let y = i64::from(year);
        let (month, day) = match self {
            Self::Western => {
                // The Gregorian computus: the golden number, the century's
                // solar and lunar corrections, the epact, then the Sunday
                // after the paschal full moon.
                let golden = y % 19;
                let century = y / 100;
                let year_in_century = y % 100;
                let skipped_leaps = century / 4;
                let lunar_shift = (century + 8) / 25;
                let lunar_correction = (century - lunar_shift + 1) / 3;
                let full_moon =
                    (19 * golden + century - skipped_leaps - lunar_correction + 15) % 30;
                let weekday_shift = (32 + 2 * (century % 4) + 2 * (year_in_century / 4)
                    - full_moon
                    - year_in_century % 4)
                    % 7;
                let late = (golden + 11 * full_moon + 22 * weekday_shift) / 451;
                let n = full_moon + weekday_shift - 7 * late + 114;
                (n / 31, n % 31 + 1)
            }
            Self::Orthodox => {
                // The Julian computus gives a Julian date; the Julian
                // calendar runs behind the Gregorian one by the century
                // leap days the Gregorian one skips (13 days in 1900-2099).
                let full_moon = (19 * (y % 19) + 15) % 30;
                let sunday = (2 * (y % 4) + 4 * (y % 7) - full_moon + 34) % 7;
                let n = full_moon + sunday + 114;
                let (month, day) = (n / 31, n % 31 + 1);
                let behind = y / 100 - y / 400 - 2;
                let julian = NaiveDate::from_ymd_opt(
                    year,
                    u32::try_from(month).ok()?,
                    u32::try_from(day).ok()?,
                )?;
                return julian.checked_add_days(Days::new(u64::try_from(behind).ok()?));
            }
        };
        NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
    }
}

/// A holiday: a whole day off, or a part day (a half day) with its own
/// working hours, once or every year.
///
/// A holiday closes the intervals that start on its date; an overnight
/// interval of the day before still runs into it. A part-day holiday replaces
/// the day's hours by its own and counts as a fraction of a working day in
/// [`Calendar::working_days_between`](crate::Calendar::working_days_between).
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Holiday, WorkingDays};
/// use chrono::NaiveDate;
///
/// let eve = Holiday::yearly(12, 24, "Christmas Eve")?.half_day("09:00-13:00".parse()?);
/// assert_eq!(eve.counts_as(), WorkingDays::HALF);
/// assert_eq!(eve.hours().map(ToString::to_string).as_deref(), Some("09:00-13:00"));
///
/// let closure = Holiday::on(NaiveDate::from_ymd_opt(2026, 6, 12).ok_or("date")?, "Office move");
/// assert_eq!(closure.counts_as(), WorkingDays::ZERO);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Holiday {
    name: String,
    date: HolidayDate,
    observance: Observance,
    part: Option<(DayHours, WorkingDays)>,
}

impl Holiday {
    /// A whole-day holiday once, on `date`.
    ///
    /// ```
    /// use bureau_calendar::Holiday;
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?;
    /// assert_eq!(Holiday::on(day, "Labour Day").date_in(2026), Some(day));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on(date: NaiveDate, name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            date: HolidayDate::On(date),
            observance: Observance::OnTheDay,
            part: None,
        }
    }

    /// A whole-day holiday every year on `month`/`day`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMonthDay`] for a month and day no year has (29 February
    /// is accepted and falls only in leap years).
    ///
    /// ```
    /// use bureau_calendar::Holiday;
    /// assert!(Holiday::yearly(2, 29, "Leap day").is_ok());
    /// assert!(Holiday::yearly(2, 30, "No such day").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn yearly(month: u32, day: u32, name: impl Into<String>) -> Result<Self> {
        // 2000 is a leap year: every valid month and day exists in it.
        if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
            return Err(Error::InvalidMonthDay { month, day });
        }
        Ok(Self {
            name: name.into(),
            date: HolidayDate::Yearly { month, day },
            observance: Observance::OnTheDay,
            part: None,
        })
    }

    /// A whole-day holiday every year on the `occurrence` of `weekday` in
    /// `month`: `Holiday::nth_weekday(11, Occurrence::Fourth, Weekday::Thu,
    /// "Thanksgiving")`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMonth`] for a month outside 1 to 12.
    ///
    /// ```
    /// use bureau_calendar::{Holiday, Occurrence};
    /// use chrono::{NaiveDate, Weekday};
    /// let memorial = Holiday::nth_weekday(5, Occurrence::Last, Weekday::Mon, "Memorial Day")?;
    /// assert_eq!(memorial.date_in(2027), NaiveDate::from_ymd_opt(2027, 5, 31));
    /// assert!(Holiday::nth_weekday(0, Occurrence::First, Weekday::Mon, "x").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nth_weekday(
        month: u32,
        occurrence: Occurrence,
        weekday: Weekday,
        name: impl Into<String>,
    ) -> Result<Self> {
        if !(1..=12).contains(&month) {
            return Err(Error::InvalidMonth { month });
        }
        Ok(Self {
            name: name.into(),
            date: HolidayDate::NthWeekday {
                month,
                occurrence,
                weekday,
            },
            observance: Observance::OnTheDay,
            part: None,
        })
    }

    /// A whole-day holiday every year `offset_days` after (negative: before)
    /// Western Easter Sunday: Good Friday is `-2`, Easter Monday `1`,
    /// Ascension `39`, Whit Monday `50`. Falls only in years from
    /// [`Church::FIRST_YEAR`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEasterOffset`] beyond 300 days either way.
    ///
    /// ```
    /// use bureau_calendar::Holiday;
    /// use chrono::NaiveDate;
    /// let good_friday = Holiday::easter(-2, "Good Friday")?;
    /// assert_eq!(good_friday.date_in(2026), NaiveDate::from_ymd_opt(2026, 4, 3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn easter(offset_days: i32, name: impl Into<String>) -> Result<Self> {
        Self::easter_of(Church::Western, offset_days, name)
    }

    /// A whole-day holiday every year `offset_days` after (negative: before)
    /// the Easter Sunday of `church`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEasterOffset`] beyond 300 days either way.
    ///
    /// ```
    /// use bureau_calendar::{Church, Holiday};
    /// use chrono::NaiveDate;
    /// let monday = Holiday::easter_of(Church::Orthodox, 1, "Orthodox Easter Monday")?;
    /// assert_eq!(monday.date_in(2026), NaiveDate::from_ymd_opt(2026, 4, 13));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn easter_of(church: Church, offset_days: i32, name: impl Into<String>) -> Result<Self> {
        if offset_days.unsigned_abs() > MAX_EASTER_OFFSET {
            return Err(Error::InvalidEasterOffset {
                offset_days,
                max: MAX_EASTER_OFFSET,
            });
        }
        Ok(Self {
            name: name.into(),
            date: HolidayDate::Easter {
                church,
                offset_days,
            },
            observance: Observance::OnTheDay,
            part: None,
        })
    }

    /// The same holiday, observed by `rule` when it falls on a weekend.
    ///
    /// ```
    /// use bureau_calendar::{Holiday, Observance};
    /// use chrono::NaiveDate;
    /// let xmas = Holiday::yearly(12, 25, "Christmas")?.with_observance(Observance::FollowingMonday);
    /// assert_eq!(xmas.date_in(2027), NaiveDate::from_ymd_opt(2027, 12, 27));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_observance(mut self, rule: Observance) -> Self {
        self.observance = rule;
        self
    }

    /// The same holiday as a half day: the date works `hours` and counts as
    /// half a working day.
    ///
    /// ```
    /// use bureau_calendar::Holiday;
    /// let eve = Holiday::yearly(12, 31, "New Year's Eve")?.half_day("08:00-12:00".parse()?);
    /// assert!(eve.hours().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn half_day(mut self, hours: DayHours) -> Self {
        self.part = Some((hours, WorkingDays::HALF));
        self
    }

    /// The same holiday as a part day: the date works `hours` and counts as
    /// `counts_as` of a working day.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDayFraction`] unless `0 < counts_as < 1`.
    ///
    /// ```
    /// use bureau_calendar::{Holiday, WorkingDays};
    /// let three_quarters: WorkingDays = "0.75".parse()?;
    /// let short = Holiday::yearly(11, 26, "Short day")?
    ///     .part_day("09:00-15:00".parse()?, three_quarters)?;
    /// assert_eq!(short.counts_as(), three_quarters);
    /// assert!(Holiday::yearly(1, 2, "x")?.part_day("09:00-10:00".parse()?, WorkingDays::ONE).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn part_day(mut self, hours: DayHours, counts_as: WorkingDays) -> Result<Self> {
        if counts_as <= WorkingDays::ZERO || counts_as >= WorkingDays::ONE {
            return Err(Error::InvalidDayFraction {
                fraction: counts_as,
            });
        }
        self.part = Some((hours, counts_as));
        Ok(self)
    }

    /// The name given.
    ///
    /// ```
    /// use bureau_calendar::Holiday;
    /// assert_eq!(Holiday::yearly(1, 1, "New Year")?.name(), "New Year");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it falls, before observance.
    ///
    /// ```
    /// use bureau_calendar::{Holiday, HolidayDate};
    /// assert_eq!(Holiday::yearly(1, 1, "New Year")?.date(), HolidayDate::Yearly { month: 1, day: 1 });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn date(&self) -> HolidayDate {
        self.date
    }

    /// Its observance rule.
    ///
    /// ```
    /// use bureau_calendar::{Holiday, Observance};
    /// assert_eq!(Holiday::yearly(1, 1, "New Year")?.observance(), Observance::OnTheDay);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn observance(&self) -> Observance {
        self.observance
    }

    /// The working hours of a part day; `None` for a whole day off.
    ///
    /// ```
    /// use bureau_calendar::Holiday;
    /// assert!(Holiday::yearly(1, 1, "New Year")?.hours().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hours(&self) -> Option<&DayHours> {
        self.part.as_ref().map(|(hours, _)| hours)
    }

    /// The fraction of a working day the date counts as: 0 for a whole day
    /// off, 0.5 for a half day.
    ///
    /// ```
    /// use bureau_calendar::{Holiday, WorkingDays};
    /// assert_eq!(Holiday::yearly(1, 1, "New Year")?.counts_as(), WorkingDays::ZERO);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts_as(&self) -> WorkingDays {
        self.part.as_ref().map_or(WorkingDays::ZERO, |(_, f)| *f)
    }

    /// The date it is observed on in `year` (for a one-off holiday: its
    /// observed date when that lies in `year`); `None` when it does not fall
    /// in `year` (29 February of a common year).
    ///
    /// ```
    /// use bureau_calendar::Holiday;
    /// assert_eq!(Holiday::yearly(2, 29, "Leap day")?.date_in(2026), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        self.observed_from(year).filter(|d| d.year() == year)
    }

    /// The observed date of the occurrence of `year` (the year of its
    /// unmoved date; for an Easter holiday, the year of its Easter), alone:
    /// without the other holidays a [`Observance::Substitute`] would skip.
    pub(crate) fn observed_from(&self, year: i32) -> Option<NaiveDate> {
        self.observance.apply(self.unmoved_in(year)?)
    }

    /// The date of the occurrence of `year` before observance moves it.
    pub(crate) fn unmoved_in(&self, year: i32) -> Option<NaiveDate> {
        match self.date {
            HolidayDate::On(date) if date.year() == year => Some(date),
            HolidayDate::On(_) => None,
            HolidayDate::Yearly { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            HolidayDate::NthWeekday {
                month,
                occurrence,
                weekday,
            } => occurrence.date_in(year, month, weekday),
            HolidayDate::Easter {
                church,
                offset_days,
            } => {
                let sunday = church.easter_sunday(year)?;
                let days = Days::new(u64::from(offset_days.unsigned_abs()));
                if offset_days < 0 {
                    sunday.checked_sub_days(days)
                } else {
                    sunday.checked_add_days(days)
                }
            }
        }
    }

    pub(crate) fn part(&self) -> Option<&(DayHours, WorkingDays)> {
        self.part.as_ref()
    }
}

/// An override: `date` works `hours`, whatever the schedule or the holidays
/// say. It counts as one working day.
///
/// # Examples
///
/// ```
/// use bureau_calendar::WorkingDay;
/// use chrono::NaiveDate;
///
/// let saturday = NaiveDate::from_ymd_opt(2026, 12, 19).ok_or("date")?;
/// let stocktake = WorkingDay::new(saturday, "08:00-14:00".parse()?)?;
/// assert_eq!(stocktake.hours().duration().num_hours(), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkingDay {
    date: NaiveDate,
    hours: DayHours,
}

impl WorkingDay {
    /// `date` works `hours`.
    ///
    /// # Errors
    ///
    /// [`Error::NoHours`] when `hours` is empty (a day off is a [`Holiday`]).
    ///
    /// ```
    /// use bureau_calendar::{DayHours, WorkingDay};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 3).ok_or("date")?;
    /// assert!(WorkingDay::new(day, DayHours::closed()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(date: NaiveDate, hours: DayHours) -> Result<Self> {
        if hours.is_empty() {
            return Err(Error::NoHours { date });
        }
        Ok(Self { date, hours })
    }

    /// The date.
    ///
    /// ```
    /// use bureau_calendar::WorkingDay;
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 3).ok_or("date")?;
    /// assert_eq!(WorkingDay::new(day, "09:00-12:00".parse()?)?.date(), day);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The hours worked.
    ///
    /// ```
    /// use bureau_calendar::WorkingDay;
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 3).ok_or("date")?;
    /// assert_eq!(WorkingDay::new(day, "09:00-12:00".parse()?)?.hours().to_string(), "09:00-12:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hours(&self) -> &DayHours {
        &self.hours
    }
}

/// The furthest an Easter holiday may lie from Easter Sunday, in days: far
/// enough for any feast of the Easter cycle, near enough that an occurrence
/// never strays more than a year from its Easter.
const MAX_EASTER_OFFSET: u32 = 300;

/// The observed dates in `year` of the occurrences of `rules`, with
/// [`Observance::Substitute`] days chained past the other holidays, sorted
/// by date (two rules may share one).
///
/// Occurrences of the neighbouring years take part, since observance moves
/// dates across New Year. Placement: first every occurrence that keeps its
/// date or moves by a rule of its own; then the substitutes, in order of
/// their unmoved dates, each on the first weekday after it that no holiday
/// placed before holds.
pub(crate) fn observed_in_year<'h>(
    rules: &[&'h Holiday],
    year: i32,
) -> Vec<(NaiveDate, &'h Holiday)> {
    let is_weekend = |date: NaiveDate| matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
    let mut placed: Vec<(NaiveDate, &'h Holiday)> = Vec::new();
    let mut substitutes: Vec<(NaiveDate, &'h Holiday)> = Vec::new();
    for from in [year.checked_sub(1), Some(year), year.checked_add(1)]
        .into_iter()
        .flatten()
    {
        for &rule in rules {
            let Some(unmoved) = rule.unmoved_in(from) else {
                continue;
            };
            if rule.observance == Observance::Substitute && is_weekend(unmoved) {
                substitutes.push((unmoved, rule));
            } else if let Some(observed) = rule.observance.apply(unmoved) {
                placed.push((observed, rule));
            }
        }
    }
    substitutes.sort_by_key(|(unmoved, _)| *unmoved);
    for (unmoved, rule) in substitutes {
        let mut day = unmoved.succ_opt();
        while let Some(candidate) = day {
            if !is_weekend(candidate) && !placed.iter().any(|(d, _)| *d == candidate) {
                break;
            }
            day = candidate.succ_opt();
        }
        if let Some(observed) = day {
            placed.push((observed, rule));
        }
    }
    placed.retain(|(date, _)| date.year() == year);
    placed.sort_by_key(|(date, _)| *date);
    placed
}

#[cfg(feature = "serde")]
mod wire {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    pub(super) struct HolidayWire {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        date: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        month: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        day: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        occurrence: Option<Occurrence>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weekday: Option<Weekday>,
        /// Days from Easter Sunday.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        easter: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        church: Option<Church>,
        #[serde(default)]
        observed: Observance,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hours: Option<DayHours>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counts_as: Option<WorkingDays>,
    }

    impl serde::Serialize for Holiday {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> core::result::Result<S::Ok, S::Error> {
            let mut wire = HolidayWire {
                name: self.name.clone(),
                date: None,
                month: None,
                day: None,
                occurrence: None,
                weekday: None,
                easter: None,
                church: None,
                observed: self.observance,
                hours: self.hours().cloned(),
                counts_as: self.part.as_ref().map(|(_, f)| *f),
            };
            match self.date {
                HolidayDate::On(d) => wire.date = Some(d),
                HolidayDate::Yearly { month, day } => {
                    wire.month = Some(month);
                    wire.day = Some(day);
                }
                HolidayDate::NthWeekday {
                    month,
                    occurrence,
                    weekday,
                } => {
                    wire.month = Some(month);
                    wire.occurrence = Some(occurrence);
                    wire.weekday = Some(weekday);
                }
                HolidayDate::Easter {
                    church,
                    offset_days,
                } => {
                    wire.easter = Some(offset_days);
                    // The default church goes unsaid.
                    wire.church = (church != Church::Western).then_some(church);
                }
            }
            wire.serialize(serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for Holiday {
        fn deserialize<D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> core::result::Result<Self, D::Error> {
            use serde::de::Error as _;
            let w = HolidayWire::deserialize(deserializer)?;
            let base = match (w.date, w.month, w.day, w.occurrence, w.weekday, w.easter) {
                (Some(date), None, None, None, None, None) => Holiday::on(date, w.name),
                (None, Some(month), Some(day), None, None, None) => {
                    Holiday::yearly(month, day, w.name).map_err(D::Error::custom)?
                }
                (None, Some(month), None, Some(occurrence), Some(weekday), None) => {
                    Holiday::nth_weekday(month, occurrence, weekday, w.name)
                        .map_err(D::Error::custom)?
                }
                (None, None, None, None, None, Some(offset)) => {
                    Holiday::easter_of(w.church.unwrap_or_default(), offset, w.name)
                        .map_err(D::Error::custom)?
                }
                _ => {
                    return Err(D::Error::custom(
                        "a holiday needs exactly one of: a date; a month and a day; \
                         a month, an occurrence and a weekday; days from easter",
                    ));
                }
            };
            if w.church.is_some() && w.easter.is_none() {
                return Err(D::Error::custom("a church goes only with days from easter"));
            }
            let base = base.with_observance(w.observed);
            match (w.hours, w.counts_as) {
                (None, None) => Ok(base),
                (Some(hours), fraction) => base
                    .part_day(hours, fraction.unwrap_or(WorkingDays::HALF))
                    .map_err(D::Error::custom),
                (None, Some(_)) => Err(D::Error::custom("a part day needs its hours")),
            }
        }
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    pub(super) struct WorkingDayWire {
        date: NaiveDate,
        hours: DayHours,
    }

    impl serde::Serialize for WorkingDay {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> core::result::Result<S::Ok, S::Error> {
            WorkingDayWire {
                date: self.date,
                hours: self.hours.clone(),
            }
            .serialize(serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for WorkingDay {
        fn deserialize<D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> core::result::Result<Self, D::Error> {
            let w = WorkingDayWire::deserialize(deserializer)?;
            WorkingDay::new(w.date, w.hours).map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn observance_moves_weekend_days() {
        let sat = d(2026, 7, 4);
        let sun = d(2027, 7, 4);
        let cases = [
            (Observance::OnTheDay, sat, sat),
            (Observance::NearestWeekday, sat, d(2026, 7, 3)),
            (Observance::NearestWeekday, sun, d(2027, 7, 5)),
            (Observance::FollowingMonday, sat, d(2026, 7, 6)),
            (Observance::FollowingMonday, sun, d(2027, 7, 5)),
            (Observance::SundayToMonday, sat, sat),
            (Observance::SundayToMonday, sun, d(2027, 7, 5)),
        ];
        for (rule, date, observed) in cases {
            assert_eq!(rule.apply(date), Some(observed), "{rule:?} {date}");
        }
    }

    #[test]
    fn new_year_on_saturday_is_observed_the_year_before() {
        let ny = Holiday::yearly(1, 1, "New Year")
            .unwrap()
            .with_observance(Observance::NearestWeekday);
        // 1 January 2028 is a Saturday.
        assert_eq!(ny.observed_from(2028), Some(d(2027, 12, 31)));
        assert_eq!(ny.date_in(2028), None);
    }
}
