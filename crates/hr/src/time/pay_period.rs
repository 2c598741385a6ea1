//! Pay periods: the runs of days a pay frequency cuts a year into.

use bureau_core::DateRange;
use chrono::{Datelike, Days, Months, NaiveDate};

use crate::{Error, PayFrequency, Result};

/// The latest day of the month a monthly or semi-monthly period may start
/// on: every month has it, so periods never drift (a period anchored on the
/// 31st would have to start on the 28th in February and then where?).
pub const LAST_ANCHOR_DAY: u32 = 28;

/// One pay period: the days `[start, end)`.
///
/// ```
/// use bureau_hr::{PayFrequency, PaySchedule};
/// use chrono::NaiveDate;
/// let schedule = PaySchedule::new(PayFrequency::Monthly, NaiveDate::from_ymd_opt(2026, 1, 26).ok_or("date")?)?;
/// let period = schedule.period_containing(NaiveDate::from_ymd_opt(2026, 3, 4).ok_or("date")?)?;
/// assert_eq!(period.first_day(), NaiveDate::from_ymd_opt(2026, 2, 26).ok_or("date")?);
/// assert_eq!(period.last_day(), NaiveDate::from_ymd_opt(2026, 3, 25).ok_or("date")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Read with `serde`, a period whose last day comes before its first is
/// refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PeriodDays")
)]
pub struct PayPeriod {
    start: NaiveDate,
    last: NaiveDate,
}

/// A [`PayPeriod`] as read, before its days are checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct PeriodDays {
    start: NaiveDate,
    last: NaiveDate,
}

#[cfg(feature = "serde")]
impl TryFrom<PeriodDays> for PayPeriod {
    type Error = Error;

    fn try_from(days: PeriodDays) -> Result<Self> {
        if days.last < days.start {
            return Err(Error::InvalidRecord {
                what: "pay period",
                reason: "its last day comes before its first",
            });
        }
        Ok(Self {
            start: days.start,
            last: days.last,
        })
    }
}

impl PayPeriod {
    /// The first day.
    pub const fn first_day(&self) -> NaiveDate {
        self.start
    }

    /// The last day (inclusive).
    pub const fn last_day(&self) -> NaiveDate {
        self.last
    }

    /// The days, half-open.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] when the last day is the last date chrono knows.
    pub fn range(&self) -> Result<DateRange> {
        let end = self
            .last
            .succ_opt()
            .ok_or(Error::PayPeriodOutOfRange { date: self.last })?;
        Ok(DateRange::new(self.start, end)?)
    }

    /// Whether `date` is one of its days.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.last
    }
}

/// How a [`PayFrequency`] cuts time into [`PayPeriod`]s, fixed by an anchor:
/// the first day of any one period.
///
/// - Weekly and biweekly: periods of 7 or 14 days, on from and back from the
///   anchor.
/// - Monthly: from the anchor's day of the month to the day before it in
///   the next month: anchor 1 gives calendar months, anchor 26 gives the
///   26th-to-25th period.
/// - Semi-monthly: two periods a month, starting on the anchor's day `d`
///   and on `d + 15` (or `d - 15`): anchor 1 or 16 gives 1st-15th and
///   16th-end of month; anchor 26 or 11 gives 26th-10th and 11th-25th.
///
/// Monthly anchors are days 1 to [`LAST_ANCHOR_DAY`]; semi-monthly anchors
/// are days 1 to 13 and 16 to 28 (the 14th and 15th would need a second
/// start on the 29th or 30th, which February lacks).
///
/// ```
/// use bureau_hr::{PayFrequency, PaySchedule};
/// use chrono::NaiveDate;
/// let schedule = PaySchedule::new(PayFrequency::SemiMonthly, NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?)?;
/// let february = schedule.period_containing(NaiveDate::from_ymd_opt(2026, 2, 20).ok_or("date")?)?;
/// assert_eq!(february.first_day(), NaiveDate::from_ymd_opt(2026, 2, 16).ok_or("date")?);
/// assert_eq!(february.last_day(), NaiveDate::from_ymd_opt(2026, 2, 28).ok_or("date")?);
///
/// let err = PaySchedule::new(PayFrequency::Monthly, NaiveDate::from_ymd_opt(2026, 1, 31).ok_or("date")?).unwrap_err();
/// assert_eq!(err.to_string(), "monthly pay periods cannot start on 2026-01-31: anchor days are 1 to 28");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PaySchedule {
    frequency: PayFrequency,
    anchor: NaiveDate,
}

impl PaySchedule {
    /// The schedule of `frequency` whose periods include one starting on
    /// `anchor`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPayAnchor`] for a monthly anchor after the 28th or a
    /// semi-monthly anchor on the 14th, 15th or after the 28th.
    pub fn new(frequency: PayFrequency, anchor: NaiveDate) -> Result<Self> {
        let day = anchor.day();
        let reason = match frequency {
            PayFrequency::Monthly if day > LAST_ANCHOR_DAY => Some("anchor days are 1 to 28"),
            PayFrequency::SemiMonthly if day > LAST_ANCHOR_DAY || day == 14 || day == 15 => {
                Some("anchor days are 1 to 13 and 16 to 28")
            }
            _ => None,
        };
        match reason {
            Some(reason) => Err(Error::InvalidPayAnchor {
                frequency,
                anchor,
                reason,
            }),
            None => Ok(Self { frequency, anchor }),
        }
    }

    /// The frequency.
    pub const fn frequency(&self) -> PayFrequency {
        self.frequency
    }

    /// The anchor: the first day of one of its periods.
    pub const fn anchor(&self) -> NaiveDate {
        self.anchor
    }

    /// The period `date` falls in.
    ///
    /// # Errors
    ///
    /// [`Error::PayPeriodOutOfRange`] when the period would reach past the
    /// dates chrono knows.
    ///
    /// ```
    /// use bureau_hr::{PayFrequency, PaySchedule};
    /// use chrono::NaiveDate;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let biweekly = PaySchedule::new(PayFrequency::Biweekly, d(2026, 1, 5)?)?;
    /// let period = biweekly.period_containing(d(2026, 1, 2)?)?;
    /// assert_eq!((period.first_day(), period.last_day()), (d(2025, 12, 22)?, d(2026, 1, 4)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn period_containing(&self, date: NaiveDate) -> Result<PayPeriod> {
        let out = || Error::PayPeriodOutOfRange { date };
        let start = match self.frequency {
            PayFrequency::Weekly | PayFrequency::Biweekly => {
                let length = self.fixed_length();
                let offset = (date - self.anchor).num_days().div_euclid(length) * length;
                self.anchor
                    .checked_add_signed(chrono::TimeDelta::try_days(offset).ok_or_else(out)?)
                    .ok_or_else(out)?
            }
            PayFrequency::Monthly | PayFrequency::SemiMonthly => {
                let starts = self.start_days();
                let this_month = date.with_day(1).ok_or_else(out)?;
                match starts.iter().rev().find(|&&d| d <= date.day()) {
                    Some(&day) => this_month.with_day(day).ok_or_else(out)?,
                    None => {
                        let last = starts.last().copied().unwrap_or(1);
                        this_month
                            .checked_sub_months(Months::new(1))
                            .and_then(|m| m.with_day(last))
                            .ok_or_else(out)?
                    }
                }
            }
        };
        let next = self.next_start(start).ok_or_else(out)?;
        let last = next.pred_opt().ok_or_else(out)?;
        Ok(PayPeriod { start, last })
    }

    /// The periods with at least one day in `range`, in order: every day of
    /// `range` is in exactly one of them. The first and last may reach
    /// outside `range` (a joiner's first period starts before they do).
    ///
    /// # Errors
    ///
    /// [`Error::PayPeriodOutOfRange`] near the ends of chrono's dates.
    ///
    /// ```
    /// use bureau_core::DateRange;
    /// use bureau_hr::{PayFrequency, PaySchedule};
    /// use chrono::NaiveDate;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let weekly = PaySchedule::new(PayFrequency::Weekly, d(2026, 1, 5)?)?;
    /// let year = DateRange::new(d(2026, 1, 1)?, d(2027, 1, 1)?)?;
    /// assert_eq!(weekly.periods_overlapping(year)?.len(), 53);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn periods_overlapping(&self, range: DateRange) -> Result<Vec<PayPeriod>> {
        let mut periods = Vec::new();
        let Some(last_day) = range.last_day() else {
            return Ok(periods);
        };
        let mut period = self.period_containing(range.start())?;
        loop {
            periods.push(period);
            if period.last >= last_day {
                return Ok(periods);
            }
            let start = period
                .last
                .succ_opt()
                .ok_or(Error::PayPeriodOutOfRange { date: period.last })?;
            period = self.period_containing(start)?;
        }
    }

    /// The periods whose last day falls in `range`: the periods a tax year
    /// `range` pays for when pay follows the end of the period. A year of
    /// monthly or semi-monthly periods is always 12 or 24 of them, whatever
    /// the anchor; weekly and biweekly years have 52 or 53, 26 or 27.
    ///
    /// # Errors
    ///
    /// [`Error::PayPeriodOutOfRange`] near the ends of chrono's dates.
    ///
    /// ```
    /// use bureau_core::DateRange;
    /// use bureau_hr::{PayFrequency, PaySchedule};
    /// use chrono::NaiveDate;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// // A tax year from 6 April, paid on periods from the 26th to the 25th.
    /// let monthly = PaySchedule::new(PayFrequency::Monthly, d(2026, 1, 26)?)?;
    /// let tax_year = DateRange::new(d(2026, 4, 6)?, d(2027, 4, 6)?)?;
    /// let periods = monthly.periods_ending_in(tax_year)?;
    /// assert_eq!(periods.len(), 12);
    /// assert_eq!(periods.first().map(|p| p.last_day()), Some(d(2026, 4, 25)?));
    /// assert_eq!(periods.last().map(|p| p.last_day()), Some(d(2027, 3, 25)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn periods_ending_in(&self, range: DateRange) -> Result<Vec<PayPeriod>> {
        let mut periods = self.periods_overlapping(range)?;
        periods.retain(|p| range.contains(p.last));
        Ok(periods)
    }

    fn fixed_length(&self) -> i64 {
        if self.frequency == PayFrequency::Weekly {
            7
        } else {
            14
        }
    }

    /// The days of the month periods start on, ascending.
    fn start_days(&self) -> Vec<u32> {
        let day = self.anchor.day();
        match self.frequency {
            PayFrequency::SemiMonthly if day < 14 => vec![day, day + 15],
            PayFrequency::SemiMonthly => vec![day - 15, day],
            _ => vec![day],
        }
    }

    fn next_start(&self, start: NaiveDate) -> Option<NaiveDate> {
        match self.frequency {
            PayFrequency::Weekly | PayFrequency::Biweekly => {
                start.checked_add_days(Days::new(self.fixed_length().unsigned_abs()))
            }
            PayFrequency::Monthly | PayFrequency::SemiMonthly => {
                let starts = self.start_days();
                match starts.iter().find(|&&d| d > start.day()) {
                    Some(&day) => start.with_day(day),
                    None => start
                        .with_day(1)?
                        .checked_add_months(Months::new(1))?
                        .with_day(starts.first().copied().unwrap_or(1)),
                }
            }
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PaySchedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            frequency: PayFrequency,
            anchor: NaiveDate,
        }
        let raw = Raw::deserialize(deserializer)?;
        Self::new(raw.frequency, raw.anchor).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn semi_monthly_from_the_16th_is_the_same_as_from_the_1st() -> Result<()> {
        let a = PaySchedule::new(PayFrequency::SemiMonthly, d(2026, 1, 1))?;
        let b = PaySchedule::new(PayFrequency::SemiMonthly, d(2026, 1, 16))?;
        for day in DateRange::new(d(2026, 1, 1), d(2027, 1, 1))?.days() {
            assert_eq!(a.period_containing(day)?, b.period_containing(day)?);
        }
        Ok(())
    }

    #[test]
    fn semi_monthly_anchor_on_the_15th_is_refused() {
        assert!(matches!(
            PaySchedule::new(PayFrequency::SemiMonthly, d(2026, 1, 15)),
            Err(Error::InvalidPayAnchor { anchor, .. }) if anchor == d(2026, 1, 15)
        ));
    }

    #[test]
    fn periods_near_the_end_of_time_are_an_error_not_a_panic() -> Result<()> {
        let weekly = PaySchedule::new(PayFrequency::Weekly, d(2026, 1, 5))?;
        assert!(matches!(
            weekly.period_containing(NaiveDate::MAX),
            Err(Error::PayPeriodOutOfRange { .. })
        ));
        Ok(())
    }
}
