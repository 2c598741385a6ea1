//! What overrides the weekly schedule on a date: one-off holidays and
//! working days, yearly holidays, holidays counted from Easter, and which of
//! them decides a date.

use chrono::{Datelike, NaiveDate};

use super::Inner;
use super::day_number::{date_of, day_number, jan1, weekday_index, year_kind, year_of};
use crate::{DayHours, Holiday, WorkingDays};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Exception {
    pub(super) hours: DayHours,
    pub(super) weight: WorkingDays,
    pub(super) full_day_off: bool,
    /// The holiday's place among those given: of two part days on one date,
    /// the first given decides.
    pub(super) order: usize,
}

impl Exception {
    /// Whether `self` decides a date over `other`: a whole day off over a
    /// part day, else the one given first.
    pub(super) fn outranks(&self, other: &Self) -> bool {
        (self.full_day_off, other.order) > (other.full_day_off, self.order)
    }
}

impl Inner {
    /// A date given twice among one-off holidays and working days.
    pub(super) fn duplicate(&self) -> Option<NaiveDate> {
        self.one_off.windows(2).find_map(|pair| match pair {
            [(a, _), (b, _)] if a == b => date_of(*a),
            _ => None,
        })
    }

    pub(super) fn yearly_at(&self, day: i64) -> Option<&Exception> {
        if !self.any_yearly {
            return None;
        }
        let (year, first) = year_of(day);
        let ordinal = u32::try_from(day - first).ok()?;
        let fixed = self.yearly.get(year_kind(year)).and_then(|table| {
            table
                .binary_search_by_key(&ordinal, |(o, _)| *o)
                .ok()
                .and_then(|i| table.get(i))
                .map(|(_, e)| e)
        });
        if fixed.is_some_and(|e| e.full_day_off) || self.movable.is_empty() {
            return fixed;
        }
        // As among yearly rules on one date: a whole day off wins over a
        // part day.
        let mut found = fixed;
        if self.in_movable_window(day) {
            let from = self.movable_days.partition_point(|(d, _)| *d < day);
            for (_, index) in self
                .movable_days
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|(d, _)| *d == day)
            {
                if let Some((_, exception)) = self.movable.get(*index) {
                    found = Some(stronger(found, exception));
                }
            }
        } else {
            for (rule, exception) in &self.movable {
                if movable_dates(rule, year).any(|d| d == day) {
                    found = Some(stronger(found, exception));
                }
            }
        }
        found
    }

    pub(super) fn exception(&self, day: i64) -> Option<&Exception> {
        if self.one_off.is_empty() {
            return self.yearly_at(day);
        }
        match self.one_off.binary_search_by_key(&day, |(d, _)| *d) {
            Ok(i) => self.one_off.get(i).map(|(_, e)| e),
            Err(_) => self.yearly_at(day),
        }
    }

    pub(super) fn in_movable_window(&self, day: i64) -> bool {
        (self.movable_window.0..self.movable_window.1).contains(&day)
    }

    /// The hours of the intervals owned by `day`.
    pub(super) fn hours(&self, day: i64) -> &DayHours {
        match self.exception(day) {
            Some(e) => &e.hours,
            None => self.schedule.day(weekday_index(day)),
        }
    }

    /// The first day at or after `day` with an exception; `None` when there
    /// is none in the next nine years.
    pub(super) fn next_exception(&self, day: i64) -> Option<i64> {
        let i = self.one_off.partition_point(|(d, _)| *d < day);
        let one_off = self.one_off.get(i).map(|(d, _)| *d);
        let yearly = if self.any_yearly {
            let (year, first) = year_of(day);
            let mut from = u32::try_from(day - first).unwrap_or(0);
            (year..year + 9).find_map(|year| {
                let table = self.yearly.get(year_kind(year))?;
                let j = table.partition_point(|(o, _)| *o < from);
                from = 0;
                table.get(j).map(|(o, _)| jan1(year) + i64::from(*o))
            })
        } else {
            None
        };
        let cached = if self.in_movable_window(day) {
            let from = self.movable_days.partition_point(|(d, _)| *d < day);
            self.movable_days
                .get(from)
                .map(|(d, _)| *d)
                .filter(|d| *d < self.movable_window.1)
        } else {
            None
        };
        let movable = cached.or_else(|| {
            let (year, _) = year_of(day);
            self.movable
                .iter()
                .flat_map(|(rule, _)| (year..=year + 1).flat_map(move |y| movable_dates(rule, y)))
                .filter(|d| *d >= day)
                .min()
        });
        [one_off, yearly, movable].into_iter().flatten().min()
    }
}

/// Of two exceptions on one date, the one that decides (see
/// [`Exception::outranks`]).
pub(super) fn stronger<'e>(
    found: Option<&'e Exception>,
    candidate: &'e Exception,
) -> &'e Exception {
    match found {
        Some(e) if !candidate.outranks(e) => e,
        _ => candidate,
    }
}

/// The years whose Easter holidays a calendar lists once, when built (1,200
/// Easter dates for four rules, some tens of microseconds).
pub(super) const MOVABLE_CACHED: (i32, i32) = (1900, 2200);

/// The day numbers an Easter rule's occurrences land on in `year`: those of
/// the year's own Easter and of its neighbours' (an offset of up to 300 days
/// reaches into them).
pub(super) fn movable_dates(rule: &Holiday, year: i64) -> impl Iterator<Item = i64> + '_ {
    (year - 1..=year + 1).filter_map(move |from| {
        let date = rule.observed_from(i32::try_from(from).ok()?)?;
        (i64::from(date.year()) == year).then(|| day_number(date))
    })
}

pub(super) fn exception_of(h: &Holiday, order: usize) -> Exception {
    match h.part() {
        Some((hours, weight)) => Exception {
            hours: hours.clone(),
            weight: *weight,
            full_day_off: false,
            order,
        },
        None => Exception {
            hours: DayHours::closed(),
            weight: WorkingDays::ZERO,
            full_day_off: true,
            order,
        },
    }
}
