//! The movements of a leave balance, sorted by date with running totals,
//! so a balance as of any date is a binary search.

use bureau_core::{Decimal, Id, IdKind};
use chrono::NaiveDate;

use crate::LeaveDays;

/// The kind of [`LeaveRequestId`].
#[derive(Debug)]
pub enum LeaveRequest {}

impl IdKind for LeaveRequest {
    const NAME: &'static str = "leave request";
}

/// The id of a leave request, chosen by the caller.
pub type LeaveRequestId = Id<LeaveRequest>;

/// Why a leave balance moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MovementKind {
    /// A share of the entitlement credited.
    Accrual,
    /// The part of the year-end balance above the carry-over cap,
    /// forfeited on the first day of the new leave year (zero or negative).
    CarryOver,
    /// Carried days not taken in time (zero or negative).
    Expiry,
    /// An approved request (negative).
    Taken,
    /// A correction by hand.
    Adjustment,
}

/// One movement of a leave balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Movement {
    date: NaiveDate,
    kind: MovementKind,
    days: LeaveDays,
    request: Option<LeaveRequestId>,
}

impl Movement {
    pub(crate) fn new(
        date: NaiveDate,
        kind: MovementKind,
        days: LeaveDays,
        request: Option<LeaveRequestId>,
    ) -> Self {
        Self {
            date,
            kind,
            days,
            request,
        }
    }

    /// The day the balance moves (counted in the balance of that day).
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Why.
    pub fn kind(&self) -> MovementKind {
        self.kind
    }

    /// By how many days (negative for a decrease).
    pub fn days(&self) -> LeaveDays {
        self.days
    }

    /// The request a [`MovementKind::Taken`] movement belongs to.
    pub fn request(&self) -> Option<LeaveRequestId> {
        self.request
    }
}

/// Movements sorted by date (equal dates in the order posted) with the
/// running total after each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ledger {
    movements: Vec<Movement>,
    totals: Vec<Decimal>,
}

impl Ledger {
    pub(crate) fn movements(&self) -> &[Movement] {
        &self.movements
    }

    /// Movements dated on or before `date`.
    fn count_through(&self, date: NaiveDate) -> usize {
        self.movements.partition_point(|m| m.date <= date)
    }

    pub(crate) fn balance_as_of(&self, date: NaiveDate) -> LeaveDays {
        let through = self.count_through(date);
        through
            .checked_sub(1)
            .and_then(|i| self.totals.get(i))
            .map_or(LeaveDays::ZERO, |total| LeaveDays::new(*total))
    }

    /// The lowest balance on `date` or any later date (running totals
    /// within a day included, which only makes checks stricter).
    pub(crate) fn lowest_from(&self, date: NaiveDate) -> LeaveDays {
        let start = self.movements.partition_point(|m| m.date < date);
        let later = self.totals.get(start..).unwrap_or_default();
        let lowest = later
            .iter()
            .copied()
            .fold(self.balance_as_of(date).value(), Decimal::min);
        LeaveDays::new(lowest)
    }

    /// The highest balance on `date` or any later date.
    pub(crate) fn highest_from(&self, date: NaiveDate) -> LeaveDays {
        let start = self.movements.partition_point(|m| m.date < date);
        let later = self.totals.get(start..).unwrap_or_default();
        let highest = later
            .iter()
            .copied()
            .fold(self.balance_as_of(date).value(), Decimal::max);
        LeaveDays::new(highest)
    }

    /// The sum of `kind` movements dated in `[from, to)`.
    pub(crate) fn sum_between(
        &self,
        kind: MovementKind,
        from: NaiveDate,
        to: NaiveDate,
    ) -> LeaveDays {
        self.movements
            .iter()
            .filter(|m| m.kind == kind && m.date >= from && m.date < to)
            .fold(LeaveDays::ZERO, |sum, m| sum + m.days)
    }

    pub(crate) fn insert(&mut self, movement: Movement) {
        let at = self.count_through(movement.date);
        self.movements.insert(at, movement);
        self.recompute_from(at);
    }

    pub(crate) fn remove_request(&mut self, request: LeaveRequestId) {
        if let Some(at) = self
            .movements
            .iter()
            .position(|m| m.request == Some(request))
        {
            self.movements.remove(at);
            self.totals.truncate(self.movements.len());
            self.recompute_from(at);
        }
    }

    fn recompute_from(&mut self, at: usize) {
        self.totals.truncate(at);
        let mut total = at
            .checked_sub(1)
            .and_then(|i| self.totals.get(i))
            .copied()
            .unwrap_or(Decimal::ZERO);
        for movement in self.movements.get(at..).unwrap_or_default() {
            total += movement.days.value();
            self.totals.push(total);
        }
    }
}
