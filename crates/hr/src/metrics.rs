//! Workforce metrics as of a date and over a period.

use bureau_core::{DateRange, Decimal, Rate, RoundingStrategy};
use chrono::NaiveDate;

use std::collections::BTreeSet;

use bureau_calendar::WorkingDays;

use crate::{Change, Employee, LeaveAccount, LeaveDays, LeaveType, Result};

/// The places rates and averages are rounded to, with
/// [`RoundingStrategy::MidpointNearestEven`].
pub const METRIC_PLACES: u32 = 4;

fn ratio(numerator: Decimal, denominator: Decimal) -> Option<Rate> {
    if denominator.is_zero() {
        return None;
    }
    numerator.checked_div(denominator).map(|r| {
        Rate::new(
            r.round_dp_with_strategy(METRIC_PLACES, RoundingStrategy::MidpointNearestEven.into())
                .normalize(),
        )
    })
}

/// Heads and full-time equivalents employed on a day (on leave of absence
/// included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Headcount {
    /// People employed.
    pub heads: usize,
    /// The sum of their FTE fractions.
    pub fte: Decimal,
}

/// Who of `employees` is employed on `date`, in heads and FTE.
///
/// ```
/// use bureau_hr::headcount;
/// use chrono::NaiveDate;
/// let day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
/// assert_eq!(headcount(&[], day).heads, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn headcount(employees: &[Employee], date: NaiveDate) -> Headcount {
    let mut heads = 0;
    let mut fte = Decimal::ZERO;
    for employee in employees {
        if employee.status_as_of(date).is_some_and(|s| s.is_employed()) {
            heads += 1;
            fte += employee
                .terms_as_of(date)
                .map_or(Decimal::ZERO, |t| t.fte().value());
        }
    }
    Headcount { heads, fte }
}

/// Absence over a period: days absent out of working days scheduled.
/// [`Absence::from_accounts`] measures both from leave accounts;
/// [`Absence::new`] takes the caller's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Absence {
    /// Days absent.
    pub absent: LeaveDays,
    /// Working days scheduled.
    pub scheduled: LeaveDays,
}

impl Absence {
    /// `absent` days out of `scheduled`.
    pub const fn new(absent: LeaveDays, scheduled: LeaveDays) -> Self {
        Self { absent, scheduled }
    }

    /// The absence over `period` of the employees holding `accounts`.
    ///
    /// - Absent: the days of approved requests inside the period
    ///   ([`LeaveAccount::taken_in`]) in the accounts whose leave type
    ///   `counts` (sick and unpaid leave, say, but not annual leave).
    /// - Scheduled: once for each employee with an account, the working
    ///   days of the period while employed, on the calendar and employment
    ///   of the employee's first account in `accounts`.
    ///
    /// Accounts not configured yet count nothing.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use bureau_core::{Aggregate, DateRange, EmployeeId};
    /// use bureau_hr::{Absence, Fte, LeaveAccount, LeaveCommand, LeaveDays, LeaveEmployment,
    ///     LeavePolicy, LeaveRequestId, LeaveSpan, LeaveType};
    /// use chrono::NaiveDate;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    /// let calendar = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let account = |leave_type, days: i32| -> Result<LeaveAccount, Box<dyn std::error::Error>> {
    ///     let policy = LeavePolicy::builder(leave_type, LeaveDays::from(days)).build()?;
    ///     let mut account = LeaveAccount::default();
    ///     account.handle(&LeaveCommand::Configure { employee: EmployeeId::from_u128(1), policy,
    ///         calendar: calendar.clone(), employment: LeaveEmployment::new(day(1, 1)?, Fte::FULL) })?;
    ///     account.handle(&LeaveCommand::Accrue { through: day(12, 31)? })?;
    ///     Ok(account)
    /// };
    /// let (mut sick, mut annual) = (account(LeaveType::Sick, 10)?, account(LeaveType::Annual, 25)?);
    /// for (account, from, to) in [(&mut sick, 2, 4), (&mut annual, 15, 20)] {
    ///     let id = LeaveRequestId::from_u128(1);
    ///     account.handle(&LeaveCommand::Request { id, span: LeaveSpan::new(DateRange::new(day(6, from)?, day(6, to)?)?)? })?;
    ///     account.handle(&LeaveCommand::Approve { id })?;
    /// }
    /// // Two sick days out of June's 22 working days; annual leave is not absence here.
    /// let june = DateRange::new(day(6, 1)?, day(7, 1)?)?;
    /// let absence = Absence::from_accounts(june, [&sick, &annual], |t| *t != LeaveType::Annual)?;
    /// assert_eq!(absence, Absence::new(LeaveDays::from(2), LeaveDays::from(22)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`LeaveAccount::taken_in`].
    pub fn from_accounts<'a, I, F>(period: DateRange, accounts: I, counts: F) -> Result<Self>
    where
        I: IntoIterator<Item = &'a LeaveAccount>,
        F: Fn(&LeaveType) -> bool,
    {
        let mut absent = WorkingDays::ZERO;
        let mut scheduled = WorkingDays::ZERO;
        let mut seen = BTreeSet::new();
        for account in accounts {
            let (Some(employee), Some(policy), Some(calendar), Some(employment)) = (
                account.employee(),
                account.policy(),
                account.calendar(),
                account.employment(),
            ) else {
                continue;
            };
            if counts(policy.leave_type()) {
                absent += account.taken_in(period)?.value().into();
            }
            if seen.insert(employee) {
                let start = employment.start().max(period.start());
                let end = employment
                    .end()
                    .map_or(period.end(), |e| e.min(period.end()));
                if start < end {
                    scheduled += calendar.working_days_in(DateRange::new(start, end)?);
                }
            }
        }
        Ok(Self::new(absent.into(), scheduled.into()))
    }
}

/// Workforce metrics over a period `[start, end)`.
///
/// - `opening` is the headcount on the first day, `closing` on the last.
/// - `joiners`: hires and rehires effective in the period; `leavers`:
///   terminations whose last working day is in the period.
/// - `turnover`: leavers over the average of opening and closing heads.
/// - `retention`: the share of the opening heads still in the same
///   employment on the last day.
/// - `average_tenure_days`: on the last day, the mean of the days since
///   each current employment began, the first day counted.
/// - `absence_rate`: absent over scheduled days.
///
/// Rates and the average are rounded to [`METRIC_PLACES`] places,
/// banker's rounding; `None` when their denominator is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct WorkforceMetrics {
    /// Headcount on the first day.
    pub opening: Headcount,
    /// Headcount on the last day.
    pub closing: Headcount,
    /// Hires and rehires in the period.
    pub joiners: usize,
    /// Employments ended in the period.
    pub leavers: usize,
    /// Leavers over the average headcount.
    pub turnover: Option<Rate>,
    /// Opening heads still in the same employment at the end.
    pub retention: Option<Rate>,
    /// Mean tenure on the last day, in days.
    pub average_tenure_days: Option<Decimal>,
    /// Absent over scheduled days.
    pub absence_rate: Option<Rate>,
}

/// The [`WorkforceMetrics`] of `employees` over `period`; an empty period
/// gives zero counts and no rates.
pub fn workforce_metrics(
    employees: &[Employee],
    period: DateRange,
    absence: Absence,
) -> WorkforceMetrics {
    let absence_rate = ratio(absence.absent.value(), absence.scheduled.value());
    let Some(last) = period.last_day() else {
        let none = Headcount {
            heads: 0,
            fte: Decimal::ZERO,
        };
        return WorkforceMetrics {
            opening: none,
            closing: none,
            joiners: 0,
            leavers: 0,
            turnover: None,
            retention: None,
            average_tenure_days: None,
            absence_rate,
        };
    };
    let first = period.start();
    let opening = headcount(employees, first);
    let closing = headcount(employees, last);
    let mut joiners = 0;
    let mut leavers = 0;
    let mut retained = 0usize;
    let mut tenure_days = 0i64;
    for employee in employees {
        for record in employee.records() {
            match record.change() {
                Change::Hire | Change::Rehire if period.contains(record.effective()) => {
                    joiners += 1;
                }
                Change::Termination
                    if record
                        .effective()
                        .pred_opt()
                        .is_some_and(|d| period.contains(d)) =>
                {
                    leavers += 1;
                }
                _ => {}
            }
        }
        let started = employee.employed_since(first);
        if started.is_some() && started == employee.employed_since(last) {
            retained += 1;
        }
        if let Some(since) = employee.employed_since(last) {
            tenure_days += (last - since).num_days() + 1;
        }
    }
    let average_heads = Decimal::from(opening.heads + closing.heads) / Decimal::TWO;
    WorkforceMetrics {
        opening,
        closing,
        joiners,
        leavers,
        turnover: ratio(Decimal::from(leavers), average_heads),
        retention: ratio(Decimal::from(retained), Decimal::from(opening.heads)),
        average_tenure_days: ratio(Decimal::from(tenure_days), Decimal::from(closing.heads))
            .map(Rate::value),
        absence_rate,
    }
}
