//! Weekly schedules in a time zone.

use chrono::{TimeDelta, Weekday};
use chrono_tz::Tz;

use crate::wall::DAY;
use crate::{DayHours, Error, Result, WallInterval};

/// Seconds in a week of wall-clock time.
pub(crate) const WEEK: i64 = 7 * 86_400;

/// A time zone and, for each weekday, its working hours.
///
/// An interval belongs to the weekday it starts on, even when it crosses
/// midnight (`22:00-06:00` on Friday runs into Saturday morning). No two
/// intervals of the week may overlap, including a late shift running into the
/// next day's first interval and Sunday night running into Monday.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Schedule, Tz};
/// use chrono::Weekday;
///
/// let office = Schedule::weekdays(Tz::Europe__Berlin, "09:00-12:00, 13:00-17:30".parse()?)?;
/// assert_eq!(office.hours(Weekday::Wed).to_string(), "09:00-12:00, 13:00-17:30");
/// assert!(office.hours(Weekday::Sat).is_empty());
/// assert_eq!(office.weekly_duration().num_minutes(), 5 * 450);
///
/// let nights = Schedule::new(Tz::America__New_York, [
///     (Weekday::Mon, "22:00-06:00".parse()?),
///     (Weekday::Tue, "06:00-14:00".parse()?),
/// ])?;
/// assert_eq!(nights.weekly_duration().num_hours(), 16);
///
/// let clash = Schedule::new(Tz::UTC, [
///     (Weekday::Mon, "22:00-06:00".parse()?),
///     (Weekday::Tue, "05:00-09:00".parse()?),
/// ]);
/// assert!(clash.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Schedule {
    time_zone: Tz,
    week: [DayHours; 7],
}

impl Schedule {
    /// The schedule in `time_zone` with the given hours per weekday; weekdays
    /// not listed are free, a weekday listed twice gets both hours.
    ///
    /// # Errors
    ///
    /// [`Error::Overlap`] when two intervals of the week share working time.
    ///
    /// ```
    /// use bureau_calendar::{Schedule, Tz};
    /// use chrono::Weekday;
    /// let s = Schedule::new(Tz::Asia__Kolkata, [(Weekday::Sat, "10:00-14:00".parse()?)])?;
    /// assert_eq!(s.weekly_duration().num_hours(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(time_zone: Tz, days: impl IntoIterator<Item = (Weekday, DayHours)>) -> Result<Self> {
        let mut lists: [Vec<WallInterval>; 7] = Default::default();
        for (weekday, hours) in days {
            if let Some(list) = lists.get_mut(weekday.num_days_from_monday() as usize) {
                list.extend_from_slice(hours.intervals());
            }
        }
        let mut week: [DayHours; 7] = Default::default();
        for (slot, list) in week.iter_mut().zip(lists) {
            *slot = DayHours::new(list)?;
        }
        check_week(&week)?;
        Ok(Self { time_zone, week })
    }

    /// The same `hours` Monday to Friday, weekends free.
    ///
    /// # Errors
    ///
    /// [`Error::Overlap`] when an interval crossing midnight runs into the
    /// next day's hours.
    ///
    /// ```
    /// use bureau_calendar::{Schedule, Tz};
    /// let s = Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?;
    /// assert_eq!(s.weekly_duration().num_hours(), 40);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn weekdays(time_zone: Tz, hours: DayHours) -> Result<Self> {
        use Weekday::{Fri, Mon, Thu, Tue, Wed};
        Self::new(
            time_zone,
            [Mon, Tue, Wed, Thu, Fri].map(|d| (d, hours.clone())),
        )
    }

    /// Every hour of every day, in UTC: calendar time.
    ///
    /// ```
    /// use bureau_calendar::Schedule;
    /// assert_eq!(Schedule::always().weekly_duration().num_hours(), 168);
    /// ```
    pub fn always() -> Self {
        Self {
            time_zone: Tz::UTC,
            week: core::array::from_fn(|_| DayHours::whole_day()),
        }
    }

    /// The time zone the wall-clock hours are read in.
    ///
    /// ```
    /// use bureau_calendar::{Schedule, Tz};
    /// assert_eq!(Schedule::always().time_zone(), Tz::UTC);
    /// ```
    pub const fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// The hours of intervals starting on `weekday`.
    ///
    /// ```
    /// use bureau_calendar::Schedule;
    /// use chrono::Weekday;
    /// assert_eq!(Schedule::always().hours(Weekday::Sun).to_string(), "00:00-24:00");
    /// ```
    pub fn hours(&self, weekday: Weekday) -> &DayHours {
        self.day(weekday.num_days_from_monday() as usize)
    }

    /// The wall-clock working time of one week; a week with a daylight-saving
    /// change really holds an hour (or half an hour) more or less.
    ///
    /// ```
    /// use bureau_calendar::Schedule;
    /// assert_eq!(Schedule::always().weekly_duration().num_days(), 7);
    /// ```
    pub fn weekly_duration(&self) -> TimeDelta {
        TimeDelta::seconds(self.week.iter().map(DayHours::wall_seconds).sum())
    }

    /// Hours by day index, Monday = 0.
    pub(crate) fn day(&self, index: usize) -> &DayHours {
        self.week.get(index % 7).unwrap_or(&EMPTY)
    }
}

static EMPTY: DayHours = DayHours::closed();

/// Refuses intervals of different weekdays that overlap on the weekly circle.
fn check_week(week: &[DayHours; 7]) -> Result<()> {
    let mut all: Vec<(i64, i64, usize, WallInterval)> = week
        .iter()
        .enumerate()
        .flat_map(|(d, hours)| {
            hours.intervals().iter().map(move |i| {
                let base = i64::try_from(d).unwrap_or(0) * i64::from(DAY);
                (
                    base + i64::from(i.start_seconds()),
                    base + i64::from(i.end_seconds()),
                    d,
                    *i,
                )
            })
        })
        .collect();
    all.sort_unstable();
    let label = |d: usize, i: &WallInterval| format!("{} {i}", weekday_name(d));
    for pair in all.windows(2) {
        if let [a, b] = pair
            && b.0 < a.1
        {
            return Err(Error::Overlap {
                first: label(a.2, &a.3),
                second: label(b.2, &b.3),
            });
        }
    }
    // Sunday night running into Monday morning.
    if let (Some(first), Some(last)) = (all.first(), all.last())
        && last.1 - WEEK > first.0
        && (first.0, first.2) != (last.0, last.2)
    {
        return Err(Error::Overlap {
            first: label(last.2, &last.3),
            second: label(first.2, &first.3),
        });
    }
    Ok(())
}

fn weekday_name(index: usize) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .get(index)
        .copied()
        .unwrap_or("?")
}

#[cfg(feature = "serde")]
mod wire {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    pub(super) struct ScheduleWire {
        time_zone: String,
        #[serde(default, skip_serializing_if = "DayHours::is_empty")]
        monday: DayHours,
        #[serde(default, skip_serializing_if = "DayHours::is_empty")]
        tuesday: DayHours,
        #[serde(default, skip_serializing_if = "DayHours::is_empty")]
        wednesday: DayHours,
        #[serde(default, skip_serializing_if = "DayHours::is_empty")]
        thursday: DayHours,
        #[serde(default, skip_serializing_if = "DayHours::is_empty")]
        friday: DayHours,
        #[serde(default, skip_serializing_if = "DayHours::is_empty")]
        saturday: DayHours,
        #[serde(default, skip_serializing_if = "DayHours::is_empty")]
        sunday: DayHours,
    }

    impl serde::Serialize for Schedule {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> core::result::Result<S::Ok, S::Error> {
            let [
                monday,
                tuesday,
                wednesday,
                thursday,
                friday,
                saturday,
                sunday,
            ] = self.week.clone();
            ScheduleWire {
                time_zone: self.time_zone.name().to_owned(),
                monday,
                tuesday,
                wednesday,
                thursday,
                friday,
                saturday,
                sunday,
            }
            .serialize(serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for Schedule {
        fn deserialize<D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> core::result::Result<Self, D::Error> {
            let w = ScheduleWire::deserialize(deserializer)?;
            let time_zone: Tz = w.time_zone.parse().map_err(|_| {
                serde::de::Error::custom(Error::UnknownTimeZone {
                    name: w.time_zone.clone(),
                })
            })?;
            Schedule::new(
                time_zone,
                [
                    (Weekday::Mon, w.monday),
                    (Weekday::Tue, w.tuesday),
                    (Weekday::Wed, w.wednesday),
                    (Weekday::Thu, w.thursday),
                    (Weekday::Fri, w.friday),
                    (Weekday::Sat, w.saturday),
                    (Weekday::Sun, w.sunday),
                ],
            )
            .map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(text: &str) -> DayHours {
        text.parse().unwrap()
    }

    #[test]
    fn refuses_overlap_across_days_and_the_week_end() {
        let err = Schedule::new(
            Tz::UTC,
            [
                (Weekday::Sun, hours("20:00-08:00")),
                (Weekday::Mon, hours("07:00-09:00")),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "interval Mon 07:00-09:00 overlaps Sun 20:00-08:00"
        );
        let touching = Schedule::new(
            Tz::UTC,
            [
                (Weekday::Sun, hours("20:00-08:00")),
                (Weekday::Mon, hours("08:00-09:00")),
            ],
        );
        assert!(touching.is_ok());
        let twice = Schedule::new(
            Tz::UTC,
            [
                (Weekday::Tue, hours("09:00-12:00")),
                (Weekday::Tue, hours("11:00-13:00")),
            ],
        );
        assert!(matches!(twice, Err(Error::Overlap { .. })));
    }

    #[test]
    fn always_has_every_hour() {
        let s = Schedule::always();
        assert_eq!(s.weekly_duration(), TimeDelta::days(7));
        assert_eq!(s.day(13), s.hours(Weekday::Sun));
    }
}
