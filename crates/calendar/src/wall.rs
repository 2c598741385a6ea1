//! Wall-clock times and intervals, and the working hours of one day.

use core::fmt;
use core::str::FromStr;

use chrono::{NaiveTime, TimeDelta, Timelike};

use crate::{Error, Result};

/// Seconds in a wall-clock day.
pub(crate) const DAY: u32 = 86_400;

/// A wall-clock time of day, from 00:00 to 24:00 inclusive, on a whole
/// second, in no particular time zone.
///
/// `24:00` ([`WallTime::END_OF_DAY`]) is the end of the day: an interval may
/// end there, none may start there. The text form (and the serde form) is
/// `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
///
/// # Examples
///
/// ```
/// use bureau_calendar::WallTime;
///
/// let opening = WallTime::hm(9, 30)?;
/// assert_eq!(opening.to_string(), "09:30");
/// assert_eq!("09:30".parse::<WallTime>()?, opening);
/// assert_eq!(WallTime::hms(23, 59, 30)?.to_string(), "23:59:30");
/// assert_eq!(WallTime::END_OF_DAY.to_string(), "24:00");
/// assert!(WallTime::MIDNIGHT < opening && opening < WallTime::END_OF_DAY);
///
/// let err = WallTime::hm(9, 60).unwrap_err();
/// assert_eq!(err.to_string(), "wall-clock time 09:60:00 is not between 00:00 and 24:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WallTime {
    /// Seconds after midnight, at most [`DAY`].
    seconds: u32,
}

impl WallTime {
    /// 00:00, the start of the day.
    pub const MIDNIGHT: Self = Self { seconds: 0 };

    /// 24:00, the end of the day (the midnight that ends it).
    pub const END_OF_DAY: Self = Self { seconds: DAY };

    /// `hour:minute`; `24:00` is [`WallTime::END_OF_DAY`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTime`] for a minute above 59 or a time after 24:00.
    ///
    /// ```
    /// use bureau_calendar::WallTime;
    /// assert_eq!(WallTime::hm(17, 30)?.seconds_from_midnight(), 63_000);
    /// assert_eq!(WallTime::hm(24, 0)?, WallTime::END_OF_DAY);
    /// assert!(WallTime::hm(24, 1).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn hm(hour: u32, minute: u32) -> Result<Self> {
        Self::hms(hour, minute, 0)
    }

    /// `hour:minute:second`; `24:00:00` is [`WallTime::END_OF_DAY`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTime`] for a minute or second above 59 or a time after
    /// 24:00.
    ///
    /// ```
    /// use bureau_calendar::WallTime;
    /// assert_eq!(WallTime::hms(0, 0, 30)?.to_string(), "00:00:30");
    /// assert!(WallTime::hms(12, 0, 60).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn hms(hour: u32, minute: u32, second: u32) -> Result<Self> {
        if minute > 59 || second > 59 || hour > 24 || (hour == 24 && (minute > 0 || second > 0)) {
            return Err(Error::InvalidTime {
                hour,
                minute,
                second,
            });
        }
        Ok(Self {
            seconds: hour * 3600 + minute * 60 + second,
        })
    }

    /// The hour, 0 to 24 (24 only for [`WallTime::END_OF_DAY`]).
    ///
    /// ```
    /// use bureau_calendar::WallTime;
    /// assert_eq!(WallTime::hm(17, 30)?.hour(), 17);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn hour(self) -> u32 {
        self.seconds / 3600
    }

    /// The minute of the hour, 0 to 59.
    ///
    /// ```
    /// use bureau_calendar::WallTime;
    /// assert_eq!(WallTime::hm(17, 30)?.minute(), 30);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn minute(self) -> u32 {
        self.seconds / 60 % 60
    }

    /// The second of the minute, 0 to 59.
    ///
    /// ```
    /// use bureau_calendar::WallTime;
    /// assert_eq!(WallTime::hms(17, 30, 15)?.second(), 15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn second(self) -> u32 {
        self.seconds % 60
    }

    /// Seconds after midnight, 0 to 86 400.
    ///
    /// ```
    /// use bureau_calendar::WallTime;
    /// assert_eq!(WallTime::END_OF_DAY.seconds_from_midnight(), 86_400);
    /// ```
    pub const fn seconds_from_midnight(self) -> u32 {
        self.seconds
    }
}

impl fmt::Display for WallTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.hour(), self.minute(), self.second());
        if s == 0 {
            write!(f, "{h:02}:{m:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
    }
}

impl FromStr for WallTime {
    type Err = Error;

    /// Reads `HH:MM` or `HH:MM:SS` (one or two digits each), `24:00` included.
    fn from_str(input: &str) -> Result<Self> {
        parse_clock(input.trim()).ok_or_else(|| Error::Parse {
            input: input.to_owned(),
            expected: "a wall-clock time like 09:30 or 24:00",
        })
    }
}

impl TryFrom<NaiveTime> for WallTime {
    type Error = Error;

    /// The same time of day.
    ///
    /// # Errors
    ///
    /// [`Error::SubSecondTime`] for a time that is not on a whole second (a
    /// leap second included).
    fn try_from(time: NaiveTime) -> Result<Self> {
        if time.nanosecond() != 0 {
            return Err(Error::SubSecondTime { time });
        }
        Ok(Self {
            seconds: time.num_seconds_from_midnight(),
        })
    }
}

/// A half-open wall-clock interval `[start, end)` of one day, in local time.
///
/// The interval belongs to the day it starts on. It may end at 24:00 and may
/// cross midnight: `22:00-06:00` starts at 22:00 and ends at 06:00 the next
/// day. It lasts more than zero and less than 24 wall-clock hours, or exactly
/// 24 as `00:00-24:00` (so that its text form is never ambiguous). How long it
/// really lasts on a given date depends on the time zone (see the crate docs on
/// daylight saving time).
///
/// Times are whole seconds; the text form is two [`WallTime`]s joined by `-`,
/// with `24:00` allowed as an end.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{WallInterval, WallTime};
///
/// let night: WallInterval = "22:00-06:00".parse()?;
/// assert!(night.crosses_midnight());
/// assert_eq!(night.duration().num_hours(), 8);
/// assert_eq!(night.to_string(), "22:00-06:00");
///
/// let evening = WallInterval::new(WallTime::hm(18, 0)?, WallTime::END_OF_DAY)?;
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
    /// The interval from `start` to `end`. An `end` at or before `start` is
    /// on the next day: `22:00` to `06:00` crosses midnight, and `18:00` to
    /// `00:00` is `18:00-24:00`. [`WallTime::MIDNIGHT`] to
    /// [`WallTime::END_OF_DAY`] is the whole day.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyInterval`] when `start == end`;
    /// [`Error::StartsAtEndOfDay`] when `start` is 24:00.
    ///
    /// ```
    /// use bureau_calendar::{WallInterval, WallTime};
    /// let t = WallTime::hm;
    /// assert_eq!(WallInterval::new(t(22, 0)?, t(6, 0)?)?.to_string(), "22:00-06:00");
    /// assert_eq!(WallInterval::new(t(18, 0)?, WallTime::MIDNIGHT)?.to_string(), "18:00-24:00");
    /// assert_eq!(WallInterval::new(t(9, 0)?, t(17, 30)?)?.duration().num_minutes(), 510);
    /// assert!(WallInterval::new(t(9, 0)?, t(9, 0)?).is_err());
    /// assert!(WallInterval::new(WallTime::END_OF_DAY, t(1, 0)?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(start: WallTime, end: WallTime) -> Result<Self> {
        let (s, e) = (start.seconds, end.seconds);
        if s == e {
            return Err(Error::EmptyInterval {
                interval: format!("{start}-{end}"),
            });
        }
        if s >= DAY {
            return Err(Error::StartsAtEndOfDay {
                interval: format!("{start}-{end}"),
            });
        }
        // An end before the start is on the next day; 24:00 is kept as is.
        // Both are at most 24:00, so adding a day stays far inside u32.
        let e = if e < s { e + DAY } else { e };
        // From a start before 24:00 to an end at most a day later: always
        // an interval.
        Self::from_seconds(s, e).ok_or_else(|| Error::EmptyInterval {
            interval: format!("{start}-{end}"),
        })
    }

    /// The interval from `start_seconds` after midnight to `end_seconds` after
    /// the same midnight (above 86 400 when it crosses midnight); `None`
    /// unless it starts before 24:00 and lasts more than zero and less than
    /// 24 hours, or is `00:00-24:00` (24 hours from 00:15 would read back as
    /// the empty `00:15-00:15`).
    pub(crate) fn from_seconds(start_seconds: u32, end_seconds: u32) -> Option<Self> {
        let length = end_seconds.checked_sub(start_seconds)?;
        if start_seconds >= DAY
            || length == 0
            || length > DAY
            || (length == DAY && start_seconds != 0)
        {
            return None;
        }
        Some(Self {
            start: start_seconds,
            end: end_seconds,
        })
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

    /// The wall-clock time it starts at.
    ///
    /// ```
    /// use bureau_calendar::{WallInterval, WallTime};
    /// assert_eq!("22:00-06:00".parse::<WallInterval>()?.start(), WallTime::hm(22, 0)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn start(&self) -> WallTime {
        WallTime {
            seconds: self.start,
        }
    }

    /// The wall-clock time it ends at, on the next day when it crosses
    /// midnight; 24:00 for an interval that ends at the end of its day.
    ///
    /// ```
    /// use bureau_calendar::{WallInterval, WallTime};
    /// assert_eq!("22:00-06:00".parse::<WallInterval>()?.end(), WallTime::hm(6, 0)?);
    /// assert_eq!("18:00-24:00".parse::<WallInterval>()?.end(), WallTime::END_OF_DAY);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn end(&self) -> WallTime {
        WallTime {
            seconds: if self.end > DAY {
                self.end - DAY
            } else {
                self.end
            },
        }
    }

    /// Seconds from midnight to the start.
    ///
    /// ```
    /// use bureau_calendar::WallInterval;
    /// assert_eq!("09:00-17:00".parse::<WallInterval>()?.start_seconds(), 32_400);
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
    /// assert_eq!("22:00-06:00".parse::<WallInterval>()?.end_seconds(), 108_000);
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
        write!(f, "{}-{}", self.start(), self.end())
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
        let start = parse_clock(start.trim()).ok_or_else(bad)?;
        let end = parse_clock(end.trim()).ok_or_else(bad)?;
        Self::new(start, end)
    }
}

/// Serializes each type as its text form (`Display`) and deserializes it
/// through its `FromStr`, which validates as the constructors do.
#[cfg(feature = "serde")]
macro_rules! serde_as_text {
    ($($ty:ty),*) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> core::result::Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> core::result::Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

#[cfg(feature = "serde")]
serde_as_text!(WallTime, WallInterval);

/// Reads `H:MM`, `HH:MM` or `HH:MM:SS` up to 24:00.
fn parse_clock(text: &str) -> Option<WallTime> {
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
    WallTime::hms(hour, minute, second).ok()
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
    /// let hours = DayHours::new(["13:00-17:00".parse::<WallInterval>()?, "08:00-12:00".parse()?])?;
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
            "24:00-01:00".parse::<WallInterval>(),
            Err(Error::StartsAtEndOfDay { .. })
        ));
        assert_eq!(WallInterval::from_seconds(0, DAY + 1), None);
        // 24 hours from 00:15 would read back as the empty 00:15-00:15.
        assert_eq!(WallInterval::from_seconds(900, DAY + 900), None);
        assert_eq!(WallInterval::from_seconds(DAY, DAY + 60), None);
    }

    #[test]
    fn wall_times_read_show_and_refuse() {
        for (text, seconds, shown) in [
            ("00:00", 0, "00:00"),
            ("9:05", 32_700, "09:05"),
            ("23:59:59", 86_399, "23:59:59"),
            ("24:00", DAY, "24:00"),
            ("24:00:00", DAY, "24:00"),
        ] {
            let t: WallTime = text.parse().unwrap();
            assert_eq!(t.seconds_from_midnight(), seconds, "{text}");
            assert_eq!(t.to_string(), shown);
        }
        for text in ["", "24:01", "12:60", "7", "07:00:00:00", "-1:00", "ab:cd"] {
            assert!(text.parse::<WallTime>().is_err(), "{text}");
        }
        assert_eq!(
            WallTime::hms(24, 0, 1).unwrap_err().to_string(),
            "wall-clock time 24:00:01 is not between 00:00 and 24:00"
        );
        let late = NaiveTime::from_hms_milli_opt(9, 0, 0, 500).unwrap();
        assert_eq!(
            WallTime::try_from(late).unwrap_err().to_string(),
            "wall-clock time 09:00:00.500 is not on a whole second"
        );
        assert_eq!(
            WallTime::try_from(NaiveTime::from_hms_opt(9, 30, 0).unwrap()).unwrap(),
            WallTime::hm(9, 30).unwrap()
        );
    }

    #[test]
    fn intervals_from_wall_times_keep_overnight_and_end_of_day() {
        let t = |h| WallTime::hm(h, 0).unwrap();
        let night = WallInterval::new(t(22), t(6)).unwrap();
        assert_eq!(
            (night.start_seconds(), night.end_seconds()),
            (79_200, 108_000)
        );
        assert_eq!((night.start(), night.end()), (t(22), t(6)));
        assert_eq!(
            WallInterval::new(WallTime::MIDNIGHT, WallTime::END_OF_DAY).unwrap(),
            WallInterval::whole_day()
        );
        assert_eq!(
            WallInterval::new(t(18), WallTime::MIDNIGHT).unwrap(),
            WallInterval::new(t(18), WallTime::END_OF_DAY).unwrap()
        );
        assert_eq!(
            WallInterval::new(WallTime::END_OF_DAY, t(1))
                .unwrap_err()
                .to_string(),
            "interval 24:00-01:00 starts at 24:00, the end of the day"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn wall_times_serialize_as_text() {
        let t = WallTime::hms(9, 30, 15).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"09:30:15\"");
        assert_eq!(
            serde_json::from_str::<WallTime>("\"24:00\"").unwrap(),
            WallTime::END_OF_DAY
        );
        assert!(serde_json::from_str::<WallTime>("\"25:00\"").is_err());
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
