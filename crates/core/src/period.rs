//! Accounting periods: months, quarters and years of a fiscal calendar that may
//! start in any month.

use core::fmt;
use core::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::{DateRange, Error, Result};

/// Which calendar year gives a fiscal year its number.
///
/// ```
/// use bureau_core::{FiscalCalendar, FiscalYearNaming};
/// use chrono::NaiveDate;
/// let day = NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?;
/// let by_end = FiscalCalendar::new(4, FiscalYearNaming::EndYear)?;
/// let by_start = FiscalCalendar::new(4, FiscalYearNaming::StartYear)?;
/// assert_eq!(by_end.year_containing(day).label(), 2027);
/// assert_eq!(by_start.year_containing(day).label(), 2026);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum FiscalYearNaming {
    /// Named after the calendar year it ends in: a year from October 2026 to
    /// September 2027 is FY2027 (United States federal government, Japan's
    /// April years are often written this way too).
    EndYear,
    /// Named after the calendar year it starts in: April 2026 to March 2027 is
    /// FY2026 (India, the United Kingdom's tax year).
    StartYear,
}

/// The length of a period.
///
/// ```
/// use bureau_core::{FiscalCalendar, Granularity};
/// let year = FiscalCalendar::CALENDAR_YEAR.year(2026);
/// assert_eq!(year.periods(Granularity::Month)?.len(), 12);
/// # Ok::<(), bureau_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Granularity {
    /// One month; twelve to a year.
    Month,
    /// Three months; four to a year.
    Quarter,
    /// Twelve months.
    Year,
}

impl Granularity {
    const fn months(self) -> u32 {
        match self {
            Self::Month => 1,
            Self::Quarter => 3,
            Self::Year => 12,
        }
    }

    /// How many periods of this length make a year.
    ///
    /// ```
    /// use bureau_core::Granularity;
    /// assert_eq!(Granularity::Quarter.per_year(), 4);
    /// ```
    pub const fn per_year(self) -> u32 {
        12 / self.months()
    }

    const fn name(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }
}

/// A fiscal calendar: years of twelve calendar months starting in a given month.
///
/// [`FiscalCalendar::CALENDAR_YEAR`] starts in January. Periods are always whole
/// calendar months; 4-4-5 and 52/53-week calendars are not modelled.
///
/// # Examples
///
/// ```
/// use bureau_core::{FiscalCalendar, FiscalYearNaming, Granularity};
/// use chrono::NaiveDate;
///
/// // The US federal fiscal year: October to September, named by its end.
/// let federal = FiscalCalendar::new(10, FiscalYearNaming::EndYear)?;
/// let day = NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?;
/// let quarter = federal.period_containing(day, Granularity::Quarter)?;
/// assert_eq!(quarter.to_string(), "FY2027-Q1");
/// assert_eq!(quarter.range().start(), NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("date")?);
/// assert_eq!(quarter.next()?.to_string(), "FY2027-Q2");
/// assert_eq!(quarter.previous()?.to_string(), "FY2026-Q4");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FiscalCalendar {
    first_month: u32,
    naming: FiscalYearNaming,
}

impl FiscalCalendar {
    /// January to December, named by the calendar year.
    pub const CALENDAR_YEAR: Self = Self {
        first_month: 1,
        naming: FiscalYearNaming::EndYear,
    };

    /// Years starting on the first of `first_month` (1 = January).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMonth`] when `first_month` is not in 1..=12.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, FiscalYearNaming};
    /// assert!(FiscalCalendar::new(4, FiscalYearNaming::StartYear).is_ok());
    /// assert!(FiscalCalendar::new(13, FiscalYearNaming::StartYear).is_err());
    /// ```
    pub fn new(first_month: u32, naming: FiscalYearNaming) -> Result<Self> {
        if !(1..=12).contains(&first_month) {
            return Err(Error::InvalidMonth { month: first_month });
        }
        Ok(Self {
            first_month,
            naming,
        })
    }

    /// The month (1..=12) a fiscal year starts in.
    ///
    /// ```
    /// use bureau_core::FiscalCalendar;
    /// assert_eq!(FiscalCalendar::CALENDAR_YEAR.first_month(), 1);
    /// ```
    pub const fn first_month(&self) -> u32 {
        self.first_month
    }

    /// How fiscal years are numbered.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, FiscalYearNaming};
    /// assert_eq!(FiscalCalendar::CALENDAR_YEAR.naming(), FiscalYearNaming::EndYear);
    /// ```
    pub const fn naming(&self) -> FiscalYearNaming {
        self.naming
    }

    /// The calendar year in which fiscal year `label` starts.
    const fn start_calendar_year(&self, label: i32) -> i32 {
        match self.naming {
            FiscalYearNaming::EndYear if self.first_month > 1 => label.saturating_sub(1),
            _ => label,
        }
    }

    /// The fiscal year numbered `label`.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, FiscalYearNaming};
    /// let india = FiscalCalendar::new(4, FiscalYearNaming::StartYear)?;
    /// assert_eq!(india.year(2026).range()?.to_string(), "[2026-04-01, 2027-04-01)");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn year(&self, label: i32) -> FiscalYear {
        FiscalYear {
            calendar: *self,
            label,
        }
    }

    /// The fiscal year containing `day`.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, FiscalYearNaming};
    /// use chrono::NaiveDate;
    /// let uk = FiscalCalendar::new(4, FiscalYearNaming::StartYear)?;
    /// let day = NaiveDate::from_ymd_opt(2027, 3, 31).ok_or("date")?;
    /// assert_eq!(uk.year_containing(day).label(), 2026);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn year_containing(&self, day: NaiveDate) -> FiscalYear {
        // A `NaiveDate` year lies within about ±262,000, so one year either
        // side stays far inside `i32`.
        let start_year = if day.month() >= self.first_month {
            day.year()
        } else {
            day.year() - 1
        };
        let label = match self.naming {
            FiscalYearNaming::EndYear if self.first_month > 1 => start_year + 1,
            _ => start_year,
        };
        self.year(label)
    }

    /// The period of `granularity` that contains `day`.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] only near the limits of the supported dates.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, Granularity};
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 8, 15).ok_or("date")?;
    /// let month = FiscalCalendar::CALENDAR_YEAR.period_containing(day, Granularity::Month)?;
    /// assert_eq!(month.to_string(), "2026-08");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn period_containing(&self, day: NaiveDate, granularity: Granularity) -> Result<Period> {
        let year = self.year_containing(day);
        // `first_month` is in 1..=12 (checked by `new` and by deserializing),
        // so these stay small and non-negative.
        let offset = (day.month() + 12 - self.first_month) % 12;
        let index = offset / granularity.months() + 1;
        Period::new(year, granularity, index)
    }
}

impl Default for FiscalCalendar {
    fn default() -> Self {
        Self::CALENDAR_YEAR
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for FiscalCalendar {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wire {
            first_month: u32,
            naming: FiscalYearNaming,
        }
        let wire = Wire::deserialize(deserializer)?;
        Self::new(wire.first_month, wire.naming).map_err(serde::de::Error::custom)
    }
}

/// One year of a [`FiscalCalendar`].
///
/// ```
/// use bureau_core::{FiscalCalendar, FiscalYearNaming, Granularity};
/// let fy = FiscalCalendar::new(7, FiscalYearNaming::EndYear)?.year(2027);
/// let quarters = fy.periods(Granularity::Quarter)?;
/// assert_eq!(quarters.len(), 4);
/// assert_eq!(quarters[0].range().to_string(), "[2026-07-01, 2026-10-01)");
/// # Ok::<(), bureau_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FiscalYear {
    calendar: FiscalCalendar,
    label: i32,
}

impl FiscalYear {
    /// The calendar this year belongs to.
    ///
    /// ```
    /// use bureau_core::FiscalCalendar;
    /// assert_eq!(FiscalCalendar::CALENDAR_YEAR.year(2026).calendar(), FiscalCalendar::CALENDAR_YEAR);
    /// ```
    pub const fn calendar(&self) -> FiscalCalendar {
        self.calendar
    }

    /// The year's number, as its naming rule gives it.
    ///
    /// ```
    /// use bureau_core::FiscalCalendar;
    /// assert_eq!(FiscalCalendar::CALENDAR_YEAR.year(2026).label(), 2026);
    /// ```
    pub const fn label(&self) -> i32 {
        self.label
    }

    /// The days of the year.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] beyond the supported dates.
    ///
    /// ```
    /// use bureau_core::FiscalCalendar;
    /// assert_eq!(FiscalCalendar::CALENDAR_YEAR.year(2028).range()?.len_days(), 366);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn range(&self) -> Result<DateRange> {
        Period::new(*self, Granularity::Year, 1).map(|p| p.range())
    }

    /// The year's periods of `granularity`, in order.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] beyond the supported dates.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, Granularity};
    /// assert_eq!(FiscalCalendar::CALENDAR_YEAR.year(2026).periods(Granularity::Month)?.len(), 12);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn periods(&self, granularity: Granularity) -> Result<Vec<Period>> {
        (1..=granularity.per_year())
            .map(|index| Period::new(*self, granularity, index))
            .collect()
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.calendar == FiscalCalendar::CALENDAR_YEAR {
            write!(f, "{}", self.label)
        } else {
            write!(f, "FY{}", self.label)
        }
    }
}

/// A month, quarter or year of a fiscal calendar; a value with its dates.
///
/// On the calendar year the constructors [`Period::month`], [`Period::quarter`]
/// and [`Period::year`] are the plain calendar periods, displayed and parsed as
/// `2026-03`, `2026-Q1` and `2026`. Periods of other fiscal calendars display as
/// `FY2027-P01`, `FY2027-Q1` and `FY2027`.
///
/// Periods order by calendar, then year, then granularity and index; compare
/// their [`range`](Period::range) to order periods of different lengths by date.
///
/// # Examples
///
/// ```
/// use bureau_core::Period;
///
/// let march = Period::month(2026, 3)?;
/// assert_eq!(march.range().to_string(), "[2026-03-01, 2026-04-01)");
/// assert_eq!(march.next()?, Period::month(2026, 4)?);
/// assert_eq!("2026-Q4".parse::<Period>()?.next()?, Period::quarter(2027, 1)?);
/// assert_eq!(Period::year(2026)?.to_string(), "2026");
/// # Ok::<(), bureau_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Period {
    year: FiscalYear,
    granularity: Granularity,
    index: u32,
    #[cfg_attr(feature = "serde", serde(skip))]
    range: DateRange,
}

impl Period {
    /// Period number `index` (1-based) of `granularity` in `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPeriodIndex`] when the index is 0 or past the year's count,
    /// [`Error::DateOutOfRange`] beyond the supported dates.
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, Granularity, Period};
    /// let fy = FiscalCalendar::CALENDAR_YEAR.year(2026);
    /// assert_eq!(Period::new(fy, Granularity::Quarter, 2)?, Period::quarter(2026, 2)?);
    /// assert!(Period::new(fy, Granularity::Quarter, 5).is_err());
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn new(year: FiscalYear, granularity: Granularity, index: u32) -> Result<Self> {
        let max = granularity.per_year();
        if index == 0 || index > max {
            return Err(Error::InvalidPeriodIndex {
                granularity: granularity.name(),
                index,
                max,
            });
        }
        let first_month = year.calendar.first_month;
        let start_year = year.calendar.start_calendar_year(year.label);
        // `index` is in 1..=per_year and `first_month` in 1..=12, so every
        // month count below is between 0 and 23.
        let offset = (index - 1) * granularity.months();
        let start = first_of_month(start_year, first_month - 1 + offset)?;
        let end = first_of_month(start_year, first_month - 1 + offset + granularity.months())?;
        Ok(Self {
            year,
            granularity,
            index,
            range: DateRange::new(start, end)?,
        })
    }

    /// Calendar month `month` (1..=12) of `year`.
    ///
    /// # Errors
    ///
    /// As [`Period::new`].
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::month(2028, 2)?.range().len_days(), 29);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn month(year: i32, month: u32) -> Result<Self> {
        Self::new(
            FiscalCalendar::CALENDAR_YEAR.year(year),
            Granularity::Month,
            month,
        )
    }

    /// Calendar quarter `quarter` (1..=4) of `year`.
    ///
    /// # Errors
    ///
    /// As [`Period::new`].
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::quarter(2026, 3)?.range().to_string(), "[2026-07-01, 2026-10-01)");
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn quarter(year: i32, quarter: u32) -> Result<Self> {
        Self::new(
            FiscalCalendar::CALENDAR_YEAR.year(year),
            Granularity::Quarter,
            quarter,
        )
    }

    /// Calendar year `year`.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] beyond the supported dates.
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::year(2026)?.range().len_days(), 365);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn year(year: i32) -> Result<Self> {
        Self::new(
            FiscalCalendar::CALENDAR_YEAR.year(year),
            Granularity::Year,
            1,
        )
    }

    /// The fiscal year the period belongs to.
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::month(2026, 5)?.fiscal_year().label(), 2026);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn fiscal_year(&self) -> FiscalYear {
        self.year
    }

    /// The period's length.
    ///
    /// ```
    /// use bureau_core::{Granularity, Period};
    /// assert_eq!(Period::month(2026, 5)?.granularity(), Granularity::Month);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// The period's 1-based position in its fiscal year.
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::quarter(2026, 3)?.index(), 3);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn index(&self) -> u32 {
        self.index
    }

    /// The days of the period.
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::month(2026, 2)?.range().len_days(), 28);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub const fn range(&self) -> DateRange {
        self.range
    }

    /// Whether `day` falls in the period.
    ///
    /// ```
    /// use bureau_core::Period;
    /// use chrono::NaiveDate;
    /// assert!(Period::month(2026, 2)?.contains(NaiveDate::from_ymd_opt(2026, 2, 28).ok_or("date")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.range.contains(day)
    }

    /// The period of the same length that follows.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] beyond the supported dates.
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::month(2026, 12)?.next()?, Period::month(2027, 1)?);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn next(&self) -> Result<Self> {
        if self.index < self.granularity.per_year() {
            Self::new(self.year, self.granularity, self.index + 1)
        } else {
            let label = self
                .year
                .label
                .checked_add(1)
                .ok_or(Error::DateOutOfRange {
                    year: self.year.label,
                })?;
            Self::new(self.year.calendar.year(label), self.granularity, 1)
        }
    }

    /// The period of the same length that precedes.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] beyond the supported dates.
    ///
    /// ```
    /// use bureau_core::Period;
    /// assert_eq!(Period::quarter(2026, 1)?.previous()?, Period::quarter(2025, 4)?);
    /// # Ok::<(), bureau_core::Error>(())
    /// ```
    pub fn previous(&self) -> Result<Self> {
        if self.index > 1 {
            Self::new(self.year, self.granularity, self.index - 1)
        } else {
            let label = self
                .year
                .label
                .checked_sub(1)
                .ok_or(Error::DateOutOfRange {
                    year: self.year.label,
                })?;
            Self::new(
                self.year.calendar.year(label),
                self.granularity,
                self.granularity.per_year(),
            )
        }
    }
}

/// The first day of month `month0` (0-based, may exceed 11) counted from January of `year`.
fn first_of_month(year: i32, month0: u32) -> Result<NaiveDate> {
    let out_of_range = Error::DateOutOfRange { year };
    let year_offset = i32::try_from(month0 / 12).map_err(|_| out_of_range.clone())?;
    let year = year
        .checked_add(year_offset)
        .ok_or_else(|| out_of_range.clone())?;
    NaiveDate::from_ymd_opt(year, month0 % 12 + 1, 1).ok_or(out_of_range)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let calendar_year = self.year.calendar == FiscalCalendar::CALENDAR_YEAR;
        match (self.granularity, calendar_year) {
            (Granularity::Year, _) => write!(f, "{}", self.year),
            (Granularity::Quarter, _) => write!(f, "{}-Q{}", self.year, self.index),
            (Granularity::Month, true) => write!(f, "{}-{:02}", self.year, self.index),
            (Granularity::Month, false) => write!(f, "{}-P{:02}", self.year, self.index),
        }
    }
}

impl FromStr for Period {
    type Err = Error;

    /// Reads a calendar period: `2026`, `2026-Q1` or `2026-03`.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = || Error::InvalidPeriod {
            input: text.to_owned(),
        };
        let year_of = |s: &str| -> Result<i32> {
            if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| invalid())
            } else {
                Err(invalid())
            }
        };
        match text.split_once('-') {
            None => Self::year(year_of(text)?),
            Some((year, rest)) => {
                let year = year_of(year)?;
                if let Some(quarter) = rest.strip_prefix('Q') {
                    let quarter = if quarter.len() == 1 {
                        quarter.parse().map_err(|_| invalid())?
                    } else {
                        return Err(invalid());
                    };
                    Self::quarter(year, quarter)
                } else if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
                    Self::month(year, rest.parse().map_err(|_| invalid())?)
                } else {
                    Err(invalid())
                }
            }
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wire {
            year: FiscalYear,
            granularity: Granularity,
            index: u32,
        }
        let wire = Wire::deserialize(deserializer)?;
        Self::new(wire.year, wire.granularity, wire.index).map_err(serde::de::Error::custom)
    }
}
