//! Overtime rules and the classification of worked hours by multiplier.

use std::collections::{BTreeMap, BTreeSet};

use bureau_calendar::Calendar;
use bureau_core::Decimal;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use crate::time::hours::{CENTIHOUR_SECONDS, Hours, Multiplier};
use crate::{Error, PayPeriod, PaySchedule, Result, WorkInterval};

/// Hours beyond `hours` (a day's or a week's) paid at `multiplier`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Threshold {
    /// The hours paid as regular before overtime starts.
    pub hours: Hours,
    /// What the hours beyond are paid at.
    pub multiplier: Multiplier,
}

/// Overtime rules, as configuration: a daily threshold, a weekly threshold
/// over weeks starting on a chosen weekday, and multipliers for rest days
/// (days the employee's calendar has no working hours) and holidays (the
/// calendar's holidays, on the dates they are observed).
///
/// How an hour is classified:
///
/// 1. Worked time is cut at local midnights in the calendar's time zone;
///    each local date gets its hours.
/// 2. A day's hours beyond the daily threshold are daily overtime; with a
///    second daily tier ([`OvertimeRules::daily_tier`]), those beyond the
///    higher threshold are paid at its multiplier instead (1.5x beyond 8
///    hours, 2x beyond 12), each hour in one tier only.
/// 3. **Daily overtime does not count toward the weekly threshold**: the
///    rest of each day's hours add up, day by day in date order, over the
///    week; those beyond the weekly threshold are weekly overtime. An hour
///    is never overtime twice.
/// 4. Each hour is paid at the highest multiplier that applies to it:
///    regular (1x), the daily or weekly threshold's, the rest-day or
///    holiday multiplier of its day.
///
/// ```
/// use bureau_hr::{Hours, Multiplier, OvertimeRules};
/// use chrono::Weekday;
/// let rules = OvertimeRules::new(Weekday::Mon)
///     .daily(Hours::from(8), Multiplier::TIME_AND_A_HALF)
///     .weekly(Hours::from(40), Multiplier::TIME_AND_A_HALF)
///     .holidays(Multiplier::DOUBLE);
/// assert_eq!(rules.week_start(), Weekday::Mon);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OvertimeRules {
    week_start: Weekday,
    daily: Option<Threshold>,
    #[cfg_attr(feature = "serde", serde(default))]
    daily_upper: Option<Threshold>,
    weekly: Option<Threshold>,
    rest_days: Option<Multiplier>,
    holidays: Option<Multiplier>,
}

impl OvertimeRules {
    /// No overtime at all, weeks starting on `week_start` once a weekly
    /// threshold is set.
    pub const fn new(week_start: Weekday) -> Self {
        Self {
            week_start,
            daily: None,
            daily_upper: None,
            weekly: None,
            rest_days: None,
            holidays: None,
        }
    }

    /// Hours beyond `hours` a day are paid at `multiplier`.
    #[must_use]
    pub const fn daily(mut self, hours: Hours, multiplier: Multiplier) -> Self {
        self.daily = Some(Threshold { hours, multiplier });
        self
    }

    /// A second daily tier: hours beyond `hours` a day are paid at
    /// `multiplier` rather than at the first tier's. The two tiers are
    /// ordered by their hours, whichever was set first, so the hours
    /// between the lower and the higher threshold are paid at the lower
    /// tier's multiplier and the hours beyond the higher one at its own.
    /// Both tiers are daily overtime, left out of the weekly count.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// use bureau_hr::{Hours, Multiplier, OvertimeRules, PayFrequency, PaySchedule, WorkInterval};
    /// use chrono::{NaiveDate, TimeZone, Utc, Weekday};
    /// // 14 hours on one day: 8 regular, 4 at 1.5x, 2 at 2x.
    /// let start = Utc.with_ymd_and_hms(2026, 5, 4, 6, 0, 0).single().ok_or("time")?;
    /// let end = Utc.with_ymd_and_hms(2026, 5, 4, 20, 0, 0).single().ok_or("time")?;
    /// let rules = OvertimeRules::new(Weekday::Mon)
    ///     .daily(Hours::from(8), Multiplier::TIME_AND_A_HALF)
    ///     .daily_tier(Hours::from(12), Multiplier::DOUBLE);
    /// let monthly = PaySchedule::new(PayFrequency::Monthly, NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?)?;
    /// let periods = rules.classify(&Calendar::always(), &monthly, &[WorkInterval::new(start, end)?])?;
    /// let may = periods.first().ok_or("no period")?;
    /// assert_eq!(may.buckets(), [
    ///     (Multiplier::REGULAR, Hours::from(8)),
    ///     (Multiplier::TIME_AND_A_HALF, Hours::from(4)),
    ///     (Multiplier::DOUBLE, Hours::from(2)),
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn daily_tier(mut self, hours: Hours, multiplier: Multiplier) -> Self {
        self.daily_upper = Some(Threshold { hours, multiplier });
        self
    }

    /// Hours beyond `hours` a week (daily overtime left out) are paid at
    /// `multiplier`.
    #[must_use]
    pub const fn weekly(mut self, hours: Hours, multiplier: Multiplier) -> Self {
        self.weekly = Some(Threshold { hours, multiplier });
        self
    }

    /// Every hour on a rest day is paid at least at `multiplier`.
    #[must_use]
    pub const fn rest_days(mut self, multiplier: Multiplier) -> Self {
        self.rest_days = Some(multiplier);
        self
    }

    /// Every hour on a holiday is paid at least at `multiplier`.
    #[must_use]
    pub const fn holidays(mut self, multiplier: Multiplier) -> Self {
        self.holidays = Some(multiplier);
        self
    }

    /// The weekday weeks start on.
    pub const fn week_start(&self) -> Weekday {
        self.week_start
    }

    /// The daily threshold, if any.
    pub const fn daily_threshold(&self) -> Option<Threshold> {
        self.daily
    }

    /// The daily tiers set, lower threshold first (ties: lower multiplier
    /// first): the first threshold and the [`daily_tier`](Self::daily_tier).
    pub fn daily_tiers(&self) -> Vec<Threshold> {
        let mut tiers: Vec<Threshold> = self.daily.into_iter().chain(self.daily_upper).collect();
        tiers.sort_by_key(|t| (t.hours, t.multiplier));
        tiers
    }

    /// The weekly threshold, if any.
    pub const fn weekly_threshold(&self) -> Option<Threshold> {
        self.weekly
    }

    /// The rest-day multiplier, if any.
    pub const fn rest_day_multiplier(&self) -> Option<Multiplier> {
        self.rest_days
    }

    /// The holiday multiplier, if any.
    pub const fn holiday_multiplier(&self) -> Option<Multiplier> {
        self.holidays
    }

    /// The hours of `work`, by pay period of `schedule` and multiplier,
    /// on `calendar`. A week's hours are weighed together even when the
    /// week falls across two pay periods (pass both periods' work); each
    /// day's hours land in the period holding that day. The order of
    /// `work` does not matter, and the classified hours add up to the
    /// worked hours exactly.
    ///
    /// # Errors
    ///
    /// [`Error::OverlappingWork`] when two intervals share an instant;
    /// [`Error::PayPeriodOutOfRange`] near the ends of chrono's dates.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Holiday, Schedule, Tz};
    /// use bureau_hr::{Hours, Multiplier, OvertimeRules, PayFrequency, PaySchedule, WorkedTime};
    /// use chrono::{NaiveDate, Weekday};
    ///
    /// let d = |day| NaiveDate::from_ymd_opt(2026, 7, day).ok_or("date");
    /// let calendar = Calendar::builder(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?)
    ///     .holiday(Holiday::on(d(3)?, "Independence Day (observed)"))
    ///     .build()?;
    /// let rules = OvertimeRules::new(Weekday::Mon)
    ///     .daily(Hours::from(8), Multiplier::TIME_AND_A_HALF)
    ///     .holidays(Multiplier::DOUBLE);
    /// let work = [
    ///     WorkedTime::OnDay { date: d(1)?, interval: "08:00-18:00".parse()? }.resolve(&calendar)?,
    ///     WorkedTime::OnDay { date: d(3)?, interval: "09:00-13:00".parse()? }.resolve(&calendar)?,
    /// ];
    /// let monthly = PaySchedule::new(PayFrequency::Monthly, d(1)?)?;
    /// let periods = rules.classify(&calendar, &monthly, &work)?;
    /// let july = periods.first().ok_or("no period")?;
    /// assert_eq!(july.hours_at(Multiplier::REGULAR), Hours::from(8));
    /// assert_eq!(july.hours_at(Multiplier::TIME_AND_A_HALF), Hours::from(2));
    /// assert_eq!(july.hours_at(Multiplier::DOUBLE), Hours::from(4));
    /// assert_eq!(july.total(), Hours::from(14));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classify(
        &self,
        calendar: &Calendar,
        schedule: &PaySchedule,
        work: &[WorkInterval],
    ) -> Result<Vec<PeriodHours>> {
        let mut sorted = work.to_vec();
        sorted.sort();
        for pair in sorted.windows(2) {
            if let [a, b] = pair
                && a.overlaps(b)
            {
                return Err(Error::OverlappingWork {
                    interval: *b,
                    existing: *a,
                });
            }
        }
        let days = hours_by_local_day(calendar, &sorted)?;
        let holidays: BTreeSet<NaiveDate> = days
            .keys()
            .map(Datelike::year)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .flat_map(|year| calendar.holidays_in(year).into_iter().map(|(d, _)| d))
            .collect();

        let tiers = self.daily_tiers();
        let mut periods: BTreeMap<PayPeriod, BTreeMap<Multiplier, i64>> = BTreeMap::new();
        let mut week: Option<(NaiveDate, i64)> = None;
        for (&date, &worked) in &days {
            let week_start = self.week_containing(date);
            let counted_before = match week {
                Some((start, counted)) if start == week_start => counted,
                _ => 0,
            };
            // Each tier takes the hours between its threshold and the next
            // one's: no hour falls in two tiers.
            let mut tier_hours = [(Multiplier::REGULAR, 0i64); 2];
            for (index, tier) in tiers.iter().enumerate() {
                let ceiling = tiers
                    .get(index + 1)
                    .map_or(worked, |next| next.hours.centi().min(worked));
                if let Some(slot) = tier_hours.get_mut(index) {
                    *slot = (tier.multiplier, (ceiling - tier.hours.centi()).max(0));
                }
            }
            let daily_over: i64 = tier_hours.iter().map(|(_, centi)| centi).sum();
            let countable = worked - daily_over;
            let weekly_over = self.weekly.map_or(0, |t| {
                let after = counted_before + countable;
                (after - counted_before.max(t.hours.centi())).max(0)
            });
            week = Some((week_start, counted_before + countable));
            let regular = countable - weekly_over;

            let day_floor = if holidays.contains(&date) {
                self.holidays
            } else if calendar.hours_on(date).is_empty() {
                self.rest_days
            } else {
                None
            };
            let at_least = |m: Multiplier| day_floor.map_or(m, |floor| m.max(floor));
            let buckets = periods
                .entry(schedule.period_containing(date)?)
                .or_default();
            let [lower, upper] = tier_hours;
            let chunks = [
                (Multiplier::REGULAR, regular),
                lower,
                upper,
                (
                    self.weekly.map_or(Multiplier::REGULAR, |t| t.multiplier),
                    weekly_over,
                ),
            ];
            for (multiplier, centi) in chunks {
                if centi > 0 {
                    *buckets.entry(at_least(multiplier)).or_default() += centi;
                }
            }
        }
        Ok(periods
            .into_iter()
            .map(|(period, buckets)| PeriodHours {
                period,
                buckets: buckets
                    .into_iter()
                    .map(|(m, centi)| (m, Hours::from_centi(centi)))
                    .collect(),
            })
            .collect())
    }

    fn week_containing(&self, date: NaiveDate) -> NaiveDate {
        let back = (7 + date.weekday().num_days_from_monday()
            - self.week_start.num_days_from_monday())
            % 7;
        date.checked_sub_days(Days::new(u64::from(back)))
            .unwrap_or(date)
    }
}

/// The instant a local date starts in `calendar`'s zone (the first local
/// time that exists, when a clock change skips midnight).
fn local_midnight(calendar: &Calendar, date: NaiveDate) -> Option<DateTime<Utc>> {
    let tz = calendar.schedule().time_zone();
    (0..=23).find_map(|hour| {
        let naive = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?);
        tz.from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// The worked hundredths of an hour of each local date.
fn hours_by_local_day(
    calendar: &Calendar,
    work: &[WorkInterval],
) -> Result<BTreeMap<NaiveDate, i64>> {
    let tz = calendar.schedule().time_zone();
    let mut days = BTreeMap::new();
    for interval in work {
        let mut from = interval.start();
        while from < interval.end() {
            let date = from.with_timezone(&tz).date_naive();
            let next_day = date
                .succ_opt()
                .and_then(|next| local_midnight(calendar, next))
                .ok_or(Error::PayPeriodOutOfRange { date })?;
            let to = next_day.min(interval.end()).max(from);
            let seconds = (to - from).num_seconds();
            if seconds % CENTIHOUR_SECONDS != 0 {
                // Only a zone whose offset is not a multiple of 36 seconds
                // (local mean time, before 1900) cuts off the grid.
                return Err(Error::InvalidWorkInterval {
                    start: interval.start(),
                    end: interval.end(),
                    reason: "its local midnight is not on a hundredth of an hour",
                });
            }
            *days.entry(date).or_insert(0) += seconds / CENTIHOUR_SECONDS;
            if to == from {
                break;
            }
            from = to;
        }
    }
    Ok(days)
}

/// One pay period's worked hours by the multiplier they are paid at.
///
/// ```
/// use bureau_hr::{Hours, Multiplier, OvertimeRules, PayFrequency, PaySchedule, WorkInterval};
/// use bureau_calendar::Calendar;
/// use chrono::{NaiveDate, TimeZone, Utc, Weekday};
/// let start = Utc.with_ymd_and_hms(2026, 5, 4, 6, 0, 0).single().ok_or("time")?;
/// let end = Utc.with_ymd_and_hms(2026, 5, 4, 16, 0, 0).single().ok_or("time")?;
/// let rules = OvertimeRules::new(Weekday::Sun).daily(Hours::from(8), Multiplier::TIME_AND_A_HALF);
/// let weekly = PaySchedule::new(PayFrequency::Weekly, NaiveDate::from_ymd_opt(2026, 5, 3).ok_or("date")?)?;
/// let periods = rules.classify(&Calendar::always(), &weekly, &[WorkInterval::new(start, end)?])?;
/// let week = periods.first().ok_or("no period")?;
/// assert_eq!(week.paid_equivalent().to_string(), "11.0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PeriodHours {
    period: PayPeriod,
    buckets: Vec<(Multiplier, Hours)>,
}

impl PeriodHours {
    /// Hours as given, for tests that need buckets no timesheet is
    /// built for.
    #[cfg(all(test, feature = "proptest"))]
    pub(crate) fn from_buckets(period: PayPeriod, buckets: Vec<(Multiplier, Hours)>) -> Self {
        Self { period, buckets }
    }

    /// The pay period.
    pub const fn period(&self) -> PayPeriod {
        self.period
    }

    /// The hours at each multiplier, lowest multiplier first; no empty
    /// bucket.
    pub fn buckets(&self) -> &[(Multiplier, Hours)] {
        &self.buckets
    }

    /// The hours paid at `multiplier`.
    pub fn hours_at(&self, multiplier: Multiplier) -> Hours {
        self.buckets
            .iter()
            .find(|(m, _)| *m == multiplier)
            .map_or(Hours::ZERO, |(_, h)| *h)
    }

    /// All hours worked in the period.
    pub fn total(&self) -> Hours {
        self.buckets.iter().map(|(_, h)| *h).sum()
    }

    /// The hours weighted by their multipliers: what the period pays, in
    /// regular hours.
    pub fn paid_equivalent(&self) -> Decimal {
        self.buckets
            .iter()
            .map(|(m, h)| m.value() * h.value())
            .sum()
    }
}
