//! Half-open ranges of days.

use core::fmt;

use chrono::{Days, NaiveDate};

use crate::{Error, Result};

/// The days from `start` up to but not including `end`: `[start, end)`.
///
/// An empty range (`start == end`) is allowed and contains no day. Half-open
/// ranges compose without gaps or double counting: `[a, b)` and `[b, c)` cover
/// `[a, c)` exactly.
///
/// # Examples
///
/// ```
/// use bureau_core::DateRange;
/// use chrono::NaiveDate;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).ok_or("date");
/// let march = DateRange::new(d(3, 1)?, d(4, 1)?)?;
/// assert_eq!(march.len_days(), 31);
/// assert!(march.contains(d(3, 31)?));
/// assert!(!march.contains(d(4, 1)?));
///
/// let spring_break = DateRange::new(d(3, 28)?, d(4, 5)?)?;
/// assert_eq!(march.intersection(&spring_break), Some(DateRange::new(d(3, 28)?, d(4, 1)?)?));
/// assert_eq!(march.days().count(), 31);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// The days from `start` (included) to `end` (excluded).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDateRange`] when `end` comes before `start`.
    ///
    /// ```
    /// use bureau_core::DateRange;
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?;
    /// assert!(DateRange::new(day, day)?.is_empty());
    /// assert!(DateRange::new(day, day.pred_opt().ok_or("date")?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self> {
        if end < start {
            return Err(Error::InvalidDateRange { start, end });
        }
        Ok(Self { start, end })
    }

    /// The single day `day`.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] for the last representable date.
    ///
    /// ```
    /// use bureau_core::DateRange;
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?;
    /// assert_eq!(DateRange::day(day)?.len_days(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn day(day: NaiveDate) -> Result<Self> {
        let end = day.succ_opt().ok_or(Error::DateOutOfRange {
            year: chrono::Datelike::year(&day),
        })?;
        Ok(Self { start: day, end })
    }

    /// The first day of the range.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let (a, b) = (NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?, NaiveDate::from_ymd_opt(2026, 2, 1).ok_or("date")?);
    /// assert_eq!(DateRange::new(a, b)?.start(), a);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first day after the range.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let (a, b) = (NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?, NaiveDate::from_ymd_opt(2026, 2, 1).ok_or("date")?);
    /// assert_eq!(DateRange::new(a, b)?.end(), b);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn end(&self) -> NaiveDate {
        self.end
    }

    /// The last day inside the range, `None` when it is empty.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let (a, b) = (NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?, NaiveDate::from_ymd_opt(2026, 2, 1).ok_or("date")?);
    /// assert_eq!(DateRange::new(a, b)?.last_day(), NaiveDate::from_ymd_opt(2026, 1, 31));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn last_day(&self) -> Option<NaiveDate> {
        if self.is_empty() {
            None
        } else {
            self.end.pred_opt()
        }
    }

    /// Whether the range holds no day.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let a = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// assert!(DateRange::new(a, a)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Number of days in the range.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let (a, b) = (NaiveDate::from_ymd_opt(2028, 2, 1).ok_or("date")?, NaiveDate::from_ymd_opt(2028, 3, 1).ok_or("date")?);
    /// assert_eq!(DateRange::new(a, b)?.len_days(), 29);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn len_days(&self) -> u64 {
        self.end
            .signed_duration_since(self.start)
            .num_days()
            .unsigned_abs()
    }

    /// Whether `day` lies in the range.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let (a, b) = (NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?, NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?);
    /// assert!(DateRange::new(a, b)?.contains(a));
    /// assert!(!DateRange::new(a, b)?.contains(b));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day < self.end
    }

    /// Whether the two ranges share at least one day.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let d = |day| NaiveDate::from_ymd_opt(2026, 1, day).ok_or("date");
    /// assert!(DateRange::new(d(1)?, d(5)?)?.overlaps(&DateRange::new(d(4)?, d(9)?)?));
    /// assert!(!DateRange::new(d(1)?, d(5)?)?.overlaps(&DateRange::new(d(5)?, d(9)?)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overlaps(&self, other: &Self) -> bool {
        self.start.max(other.start) < self.end.min(other.end)
    }

    /// The days both ranges share, `None` when they share none.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let d = |day| NaiveDate::from_ymd_opt(2026, 1, day).ok_or("date");
    /// let shared = DateRange::new(d(1)?, d(5)?)?.intersection(&DateRange::new(d(4)?, d(9)?)?);
    /// assert_eq!(shared, Some(DateRange::new(d(4)?, d(5)?)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn intersection(&self, other: &Self) -> Option<Self> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(Self { start, end })
    }

    /// The days of the range in order.
    ///
    /// ```
    /// # use bureau_core::DateRange;
    /// # use chrono::NaiveDate;
    /// let d = |day| NaiveDate::from_ymd_opt(2026, 1, day).ok_or("date");
    /// let days: Vec<_> = DateRange::new(d(30)?, NaiveDate::from_ymd_opt(2026, 2, 2).ok_or("date")?)?.days().collect();
    /// assert_eq!(days.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn days(&self) -> DaysIter {
        DaysIter {
            next: self.start,
            end: self.end,
        }
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.start, self.end)
    }
}

impl IntoIterator for DateRange {
    type Item = NaiveDate;
    type IntoIter = DaysIter;
    fn into_iter(self) -> DaysIter {
        self.days()
    }
}

/// The days of a [`DateRange`], in order. Made by [`DateRange::days`].
///
/// ```
/// use bureau_core::Period;
/// let mut days = Period::month(2026, 2)?.range().days();
/// assert_eq!(days.len(), 28);
/// assert_eq!(days.next().map(|d| d.to_string()).as_deref(), Some("2026-02-01"));
/// # Ok::<(), bureau_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct DaysIter {
    next: NaiveDate,
    end: NaiveDate,
}

impl Iterator for DaysIter {
    type Item = NaiveDate;
    fn next(&mut self) -> Option<NaiveDate> {
        if self.next >= self.end {
            return None;
        }
        let day = self.next;
        // `day < end`, so the successor exists.
        self.next = day.checked_add_days(Days::new(1)).unwrap_or(self.end);
        Some(day)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end.signed_duration_since(self.next).num_days().max(0))
            .unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for DaysIter {}
impl core::iter::FusedIterator for DaysIter {}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DateRange {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wire {
            start: NaiveDate,
            end: NaiveDate,
        }
        let wire = Wire::deserialize(deserializer)?;
        Self::new(wire.start, wire.end).map_err(serde::de::Error::custom)
    }
}
