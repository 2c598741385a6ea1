//! Holidays (whole and part days, one-off and yearly) and working-day overrides.

use bureau_core::Decimal;
use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::{DayHours, Error, Result};

/// Where a holiday falling on a weekend is observed.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Holiday, Observance};
/// use chrono::NaiveDate;
///
/// let july_4 = Holiday::yearly(7, 4, "Independence Day")?.observed(Observance::NearestWeekday);
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
            (Self::NearestWeekday | Self::SundayToMonday | Self::FollowingMonday, Weekday::Sun) => {
                date.checked_add_days(Days::new(1))
            }
            (Self::FollowingMonday, Weekday::Sat) => date.checked_add_days(Days::new(2)),
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
/// use bureau_calendar::{Holiday, Observance};
/// use bureau_core::Decimal;
/// use chrono::NaiveDate;
///
/// let eve = Holiday::yearly(12, 24, "Christmas Eve")?.half_day("09:00-13:00".parse()?);
/// assert_eq!(eve.counts_as(), Decimal::new(5, 1));
/// assert_eq!(eve.hours().map(ToString::to_string).as_deref(), Some("09:00-13:00"));
///
/// let closure = Holiday::on(NaiveDate::from_ymd_opt(2026, 6, 12).ok_or("date")?, "Office move");
/// assert_eq!(closure.counts_as(), Decimal::ZERO);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Holiday {
    name: String,
    date: HolidayDate,
    observance: Observance,
    part: Option<(DayHours, Decimal)>,
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

    /// The same holiday, observed by `rule` when it falls on a weekend.
    ///
    /// ```
    /// use bureau_calendar::{Holiday, Observance};
    /// use chrono::NaiveDate;
    /// let xmas = Holiday::yearly(12, 25, "Christmas")?.observed(Observance::FollowingMonday);
    /// assert_eq!(xmas.date_in(2027), NaiveDate::from_ymd_opt(2027, 12, 27));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn observed(mut self, rule: Observance) -> Self {
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
        self.part = Some((hours, Decimal::new(5, 1)));
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
    /// use bureau_calendar::Holiday;
    /// use bureau_core::Decimal;
    /// let short = Holiday::yearly(11, 26, "Short day")?
    ///     .part_day("09:00-15:00".parse()?, Decimal::new(75, 2))?;
    /// assert_eq!(short.counts_as(), Decimal::new(75, 2));
    /// assert!(Holiday::yearly(1, 2, "x")?.part_day("09:00-10:00".parse()?, Decimal::ONE).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn part_day(mut self, hours: DayHours, counts_as: Decimal) -> Result<Self> {
        if counts_as <= Decimal::ZERO || counts_as >= Decimal::ONE {
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
    /// use bureau_calendar::Holiday;
    /// use bureau_core::Decimal;
    /// assert_eq!(Holiday::yearly(1, 1, "New Year")?.counts_as(), Decimal::ZERO);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts_as(&self) -> Decimal {
        self.part.as_ref().map_or(Decimal::ZERO, |(_, f)| *f)
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

    /// The observed date of the occurrence whose unmoved date lies in `year`.
    pub(crate) fn observed_from(&self, year: i32) -> Option<NaiveDate> {
        let date = match self.date {
            HolidayDate::On(date) if date.year() == year => date,
            HolidayDate::On(_) => return None,
            HolidayDate::Yearly { month, day } => NaiveDate::from_ymd_opt(year, month, day)?,
        };
        self.observance.apply(date)
    }

    pub(crate) fn part(&self) -> Option<&(DayHours, Decimal)> {
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
        #[serde(default)]
        observed: Observance,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hours: Option<DayHours>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counts_as: Option<Decimal>,
    }

    impl serde::Serialize for Holiday {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> core::result::Result<S::Ok, S::Error> {
            let (date, month, day) = match self.date {
                HolidayDate::On(d) => (Some(d), None, None),
                HolidayDate::Yearly { month, day } => (None, Some(month), Some(day)),
            };
            HolidayWire {
                name: self.name.clone(),
                date,
                month,
                day,
                observed: self.observance,
                hours: self.hours().cloned(),
                counts_as: self.part.as_ref().map(|(_, f)| *f),
            }
            .serialize(serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for Holiday {
        fn deserialize<D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> core::result::Result<Self, D::Error> {
            use serde::de::Error as _;
            let w = HolidayWire::deserialize(deserializer)?;
            let base = match (w.date, w.month, w.day) {
                (Some(date), None, None) => Holiday::on(date, w.name),
                (None, Some(month), Some(day)) => {
                    Holiday::yearly(month, day, w.name).map_err(D::Error::custom)?
                }
                _ => {
                    return Err(D::Error::custom(
                        "a holiday needs either a date or a month and a day",
                    ));
                }
            };
            let base = base.observed(w.observed);
            match (w.hours, w.counts_as) {
                (None, None) => Ok(base),
                (Some(hours), fraction) => base
                    .part_day(hours, fraction.unwrap_or(Decimal::new(5, 1)))
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
            .observed(Observance::NearestWeekday);
        // 1 January 2028 is a Saturday.
        assert_eq!(ny.observed_from(2028), Some(d(2027, 12, 31)));
        assert_eq!(ny.date_in(2028), None);
    }
}
