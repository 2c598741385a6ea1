//! Wall-clock intervals and the working hours of one day.

use core::fmt;
use core::str::FromStr;

use chrono::{NaiveTime, TimeDelta, Timelike};

use crate::{Error, Result};

/// Seconds in a wall-clock day.
pub(crate) const DAY: u32 = 86_400;

/// A half-open wall-clock interval `[start, end)` of one day, in local time.
///
/// The interval belongs to the day it starts on. It may end at 24:00 and may
/// cross midnight: `22:00-06:00` starts at 22:00 and ends at 06:00 the next
/// day. It lasts more than zero and less than 24 wall-clock hours, or exactly
/// 24 as `00:00-24:00` (so that its text form is never ambiguous). How long it
/// really lasts on a given date depends on the time zone (see the crate docs on
/// daylight saving time).
///
/// Times are whole seconds; the text form is `HH:MM` or `HH:MM:SS`, joined by
/// `-`, with `24:00` allowed as an end.
///
/// # Examples
///
/// ```
/// use bureau_calendar::WallInterval;
///
/// let night: WallInterval = "22:00-06:00".parse()?;
/// assert!(night.crosses_midnight());
/// assert_eq!(night.duration().num_hours(), 8);
/// assert_eq!(night.to_string(), "22:00-06:00");
///
/// let evening = WallInterval::hm(18, 0, 24, 0)?;
/// assert_eq!(evening.to_string(), "18:00-24:00");
/// assert!(!evening.crosses_midnight());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WallInterval {
    start: u32,
    end: u32,
}

impl WallInterval {
    /// The interval from `start_seconds` after midnight to `end_seconds` after
    /// the same midnight (above 86 400 when it crosses midnight).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTime`] when `start_seconds` is 24:00 or later, or
    /// `end_seconds` is 24 hours or more after it (other than `00:00-24:00`);
    /// [`Error::EmptyInterval`] when `end_seconds <= start_seconds`.
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// let shift = WallInterval::from_seconds(22 * 3600, 30 * 3600)?;
    /// assert_eq!(shift.to_string(), "22:00-06:00");
    /// assert!(WallInterval::from_seconds(3600, 3600).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_seconds(start_seconds: u32, end_seconds: u32) -> Result<Self> {
        if start_seconds >= DAY {
            return Err(Error::InvalidTime {
                seconds: u64::from(start_seconds),
            });
        }
        if end_seconds <= start_seconds {
            return Err(Error::EmptyInterval {
                interval: format!("{}-{}", Clock(start_seconds), Clock(end_seconds)),
            });
        }
        let length = end_seconds - start_seconds;
        if length > DAY || (length == DAY && start_seconds != 0) {
            return Err(Error::InvalidTime {
                seconds: u64::from(end_seconds),
            });
        }
        Ok(Self {
            start: start_seconds,
            end: end_seconds,
        })
    }

    /// The interval from `start` to `end`; an `end` at or before `start` is on
    /// the next day (`22:00` to `06:00`, or `18:00` to `00:00`, which is 24:00).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyInterval`] when `start == end`; [`Error::InvalidTime`]
    /// for a time that is not a whole second (or a leap second).
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// use chrono::NaiveTime;
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).ok_or("time");
    /// assert_eq!(WallInterval::new(t(22)?, t(6)?)?.to_string(), "22:00-06:00");
    /// assert_eq!(WallInterval::new(t(18)?, t(0)?)?.to_string(), "18:00-24:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self> {
        let s = whole_seconds(start)?;
        let mut e = whole_seconds(end)?;
        if s == e {
            return Err(Error::EmptyInterval {
                interval: format!("{}-{}", Clock(s), Clock(e)),
            });
        }
        // Both are below 24 hours of seconds, so this stays far inside u32.
        if e < s {
            e += DAY;
        }
        Self::from_seconds(s, e)
    }

    /// The interval from `start_hour:start_minute` to `end_hour:end_minute`;
    /// the end may be `24:00`, and an end before the start is on the next day.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTime`] for an hour or minute out of range;
    /// [`Error::EmptyInterval`] when start and end are the same time.
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// assert_eq!(WallInterval::hm(9, 0, 17, 30)?.duration().num_minutes(), 510);
    /// assert!(WallInterval::hm(9, 60, 10, 0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hm(start_hour: u32, start_minute: u32, end_hour: u32, end_minute: u32) -> Result<Self> {
        let s = clock_seconds(start_hour, start_minute, 0, false)?;
        let e = clock_seconds(end_hour, end_minute, 0, true)?;
        Self::from_clock(s, e)
    }

    /// The whole day, `00:00-24:00`.
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// assert_eq!(WallInterval::whole_day().to_string(), "00:00-24:00");
    /// ```
    pub const fn whole_day() -> Self {
        Self { start: 0, end: DAY }
    }

    fn from_clock(s: u32, e: u32) -> Result<Self> {
        if s == e {
            return Err(Error::EmptyInterval {
                interval: format!("{}-{}", Clock(s), Clock(e)),
            });
        }
        // An end at or before the start is on the next day; 24:00 is kept as is.
        // Both are at most 24:00, so adding a day stays far inside u32.
        let e = if e < s { e + DAY } else { e };
        Self::from_seconds(s, e)
    }

    /// Seconds from midnight to the start.
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// assert_eq!(WallInterval::hm(9, 0, 17, 0)?.start_seconds(), 32_400);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn start_seconds(&self) -> u32 {
        self.start
    }

    /// Seconds from the start day's midnight to the end (above 86 400 when the
    /// interval crosses midnight).
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// assert_eq!(WallInterval::hm(22, 0, 6, 0)?.end_seconds(), 108_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn end_seconds(&self) -> u32 {
        self.end
    }

    /// Whether the interval ends after midnight on the next day (ending at
    /// 24:00 does not cross).
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// assert!("23:00-01:00".parse::<WallInterval>()?.crosses_midnight());
    /// assert!(!"23:00-24:00".parse::<WallInterval>()?.crosses_midnight());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn crosses_midnight(&self) -> bool {
        self.end > DAY
    }

    /// The wall-clock length; the real length differs on a night with a
    /// daylight-saving change.
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// assert_eq!("00:00-24:00".parse::<WallInterval>()?.duration().num_hours(), 24);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn duration(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.end - self.start))
    }

    /// Whether the two intervals share working time when both start on the
    /// same day (touching ends do not overlap).
    pub(crate) fn overlaps(&self, other: &Self) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for WallInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = if self.end > DAY {
            self.end - DAY
        } else {
            self.end
        };
        write!(f, "{}-{}", Clock(self.start), Clock(end))
    }
}

impl FromStr for WallInterval {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        let bad = || Error::Parse {
            input: input.to_owned(),
            expected: "a wall-clock interval like 09:00-17:30",
        };
        let (start, end) = input.trim().split_once('-').ok_or_else(bad)?;
        let s = parse_clock(start.trim(), false).ok_or_else(bad)?;
        let e = parse_clock(end.trim(), true).ok_or_else(bad)?;
        Self::from_clock(s, e)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for WallInterval {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> core::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for WallInterval {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Shows seconds after midnight as `HH:MM` or `HH:MM:SS`.
struct Clock(u32);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if s == 0 {
            write!(f, "{h:02}:{m:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
    }
}

fn whole_seconds(time: NaiveTime) -> Result<u32> {
    let seconds = time.num_seconds_from_midnight();
    if time.nanosecond() != 0 {
        return Err(Error::InvalidTime {
            seconds: u64::from(seconds),
        });
    }
    Ok(seconds)
}

fn clock_seconds(hour: u32, minute: u32, second: u32, allow_24: bool) -> Result<u32> {
    // Any u32 hour times 3600 plus the rest stays below 2^45: no u64 overflow.
    let total = u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
    let limit = if allow_24 {
        u64::from(DAY)
    } else {
        u64::from(DAY) - 1
    };
    if minute > 59 || second > 59 || total > limit {
        return Err(Error::InvalidTime { seconds: total });
    }
    u32::try_from(total).map_err(|_| Error::InvalidTime { seconds: total })
}

fn parse_clock(text: &str, allow_24: bool) -> Option<u32> {
    let mut parts = text.split(':');
    let mut number = |required: bool| -> Option<Option<u32>> {
        match parts.next() {
            None if !required => Some(None),
            None => None,
            Some(p) if !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().ok().map(Some)
            }
            Some(_) => None,
        }
    };
    let hour = number(true)??;
    let minute = number(true)??;
    let second = number(false)?.unwrap_or(0);
    if parts.next().is_some() {
        return None;
    }
    clock_seconds(hour, minute, second, allow_24).ok()
}

/// The working hours of one day: wall-clock intervals sorted by start, none
/// overlapping another. May be empty (a free day).
///
/// # Examples
///
/// ```
/// use bureau_calendar::DayHours;
///
/// let split: DayHours = "09:00-12:00, 13:00-17:30".parse()?;
/// assert_eq!(split.duration().num_minutes(), 3 * 60 + 270);
/// assert_eq!(split.to_string(), "09:00-12:00, 13:00-17:30");
/// assert!("09:00-12:00, 11:00-13:00".parse::<DayHours>().is_err());
/// assert!(DayHours::closed().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DayHours {
    intervals: Vec<WallInterval>,
}

impl DayHours {
    /// The hours made of `intervals`, in any order.
    ///
    /// # Errors
    ///
    /// [`Error::Overlap`] when two intervals share working time.
    ///
    /// ```
    /// use bureau_calendar::{DayHours, WallInterval};
    /// let hours = DayHours::new([WallInterval::hm(13, 0, 17, 0)?, WallInterval::hm(8, 0, 12, 0)?])?;
    /// assert_eq!(hours.to_string(), "08:00-12:00, 13:00-17:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(intervals: impl IntoIterator<Item = WallInterval>) -> Result<Self> {
        let mut intervals: Vec<WallInterval> = intervals.into_iter().collect();
        intervals.sort_unstable();
        for pair in intervals.windows(2) {
            if let [a, b] = pair
                && a.overlaps(b)
            {
                return Err(Error::Overlap {
                    first: a.to_string(),
                    second: b.to_string(),
                });
            }
        }
        Ok(Self { intervals })
    }

    /// No working hours.
    ///
    /// ```
    /// use bureau_calendar::DayHours;
    /// assert_eq!(DayHours::closed().duration().num_seconds(), 0);
    /// ```
    pub const fn closed() -> Self {
        Self {
            intervals: Vec::new(),
        }
    }

    /// The whole day, `00:00-24:00`.
    ///
    /// ```
    /// use bureau_calendar::DayHours;
    /// assert_eq!(DayHours::whole_day().duration().num_hours(), 24);
    /// ```
    pub fn whole_day() -> Self {
        Self {
            intervals: vec![WallInterval::whole_day()],
        }
    }

    /// The intervals, sorted by start.
    ///
    /// ```
    /// use bureau_calendar::DayHours;
    /// let hours: DayHours = "13:00-17:00, 09:00-12:00".parse()?;
    /// assert_eq!(hours.intervals()[0].to_string(), "09:00-12:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn intervals(&self) -> &[WallInterval] {
        &self.intervals
    }

    /// Whether there are no working hours.
    ///
    /// ```
    /// use bureau_calendar::DayHours;
    /// assert!(!DayHours::whole_day().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The wall-clock working time of the day.
    ///
    /// ```
    /// use bureau_calendar::DayHours;
    /// let hours: DayHours = "22:00-06:00".parse()?;
    /// assert_eq!(hours.duration().num_hours(), 8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn duration(&self) -> TimeDelta {
        TimeDelta::seconds(self.wall_seconds())
    }

    pub(crate) fn wall_seconds(&self) -> i64 {
        self.intervals
            .iter()
            .map(|i| i64::from(i.end - i.start))
            .sum()
    }
}

impl fmt::Display for DayHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, interval) in self.intervals.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{interval}")?;
        }
        Ok(())
    }
}

impl FromStr for DayHours {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        if input.trim().is_empty() {
            return Ok(Self::closed());
        }
        let intervals = input
            .split(',')
            .map(str::parse)
            .collect::<Result<Vec<WallInterval>>>()?;
        Self::new(intervals)
    }
}

impl TryFrom<Vec<WallInterval>> for DayHours {
    type Error = Error;

    fn try_from(intervals: Vec<WallInterval>) -> Result<Self> {
        Self::new(intervals)
    }
}

impl From<DayHours> for Vec<WallInterval> {
    fn from(hours: DayHours) -> Self {
        hours.intervals
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DayHours {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> core::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.intervals.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DayHours {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        let intervals = Vec::<WallInterval>::deserialize(deserializer)?;
        Self::new(intervals).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_shows_the_edges() {
        for (text, start, end, shown) in [
            ("00:00-24:00", 0, DAY, "00:00-24:00"),
            ("09:00-00:00", 32_400, DAY, "09:00-24:00"),
            ("22:00-06:00", 79_200, 108_000, "22:00-06:00"),
            ("23:59:30-00:00:30", 86_370, 86_430, "23:59:30-00:00:30"),
            (" 9:05 - 17:30 ", 32_700, 63_000, "09:05-17:30"),
        ] {
            let i: WallInterval = text.parse().unwrap();
            assert_eq!((i.start_seconds(), i.end_seconds()), (start, end), "{text}");
            assert_eq!(i.to_string(), shown);
        }
    }

    #[test]
    fn refuses_bad_text() {
        for text in [
            "",
            "9-17",
            "09:00",
            "24:00-01:00",
            "09:60-10:00",
            "10:00-24:01",
            "a:00-b:00",
            "09:00:00:00-10:00",
        ] {
            assert!(text.parse::<WallInterval>().is_err(), "{text}");
        }
        assert!(matches!(
            "08:00-08:00".parse::<WallInterval>(),
            Err(Error::EmptyInterval { .. })
        ));
        assert!(matches!(
            WallInterval::from_seconds(0, DAY + 1),
            Err(Error::InvalidTime { .. })
        ));
        // 24 hours from 00:15 would read back as the empty 00:15-00:15.
        assert!(matches!(
            WallInterval::from_seconds(900, DAY + 900),
            Err(Error::InvalidTime { .. })
        ));
    }

    #[test]
    fn day_hours_sort_and_refuse_overlap() {
        let hours: DayHours = "22:00-06:00, 08:00-12:00".parse().unwrap();
        assert_eq!(hours.to_string(), "08:00-12:00, 22:00-06:00");
        assert_eq!(hours.wall_seconds(), 12 * 3600);
        let err = "08:00-12:00, 12:00-13:00, 12:30-14:00"
            .parse::<DayHours>()
            .unwrap_err();
        assert_eq!(err.to_string(), "interval 12:30-14:00 overlaps 12:00-13:00");
    }
}
