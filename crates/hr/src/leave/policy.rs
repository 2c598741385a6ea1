//! Leave types and the policies that say how leave is earned, rounded,
//! carried over and spent.

use core::fmt;

use bureau_core::{Decimal, RoundingStrategy};
use chrono::NaiveDate;

use crate::{Error, LeaveDays, LeaveTypeName, PayFrequency, PaySchedule, Result};

/// The largest number of days any policy figure (entitlement, cap, maximum,
/// allowance, adjustment) may hold: keeps every sum of a ledger exact and
/// far from the decimal type's limits.
pub const MAX_POLICY_DAYS: i64 = 10_000;

/// The most leave years one [`LeaveCommand::Accrue`](crate::LeaveCommand::Accrue)
/// may cover: accruing is meant to follow the calendar, and a date typed
/// centuries ahead should be an error, not a long loop.
pub const MAX_ACCRUAL_YEARS: u32 = 100;

/// A kind of leave.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeaveType {
    /// Paid annual leave (vacation).
    Annual,
    /// Sick leave.
    Sick,
    /// Unpaid leave.
    Unpaid,
    /// Parental leave.
    Parental,
    /// A leave type the employer names.
    Custom(LeaveTypeName),
}

impl fmt::Display for LeaveType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Annual => f.pad("annual"),
            Self::Sick => f.pad("sick"),
            Self::Unpaid => f.pad("unpaid"),
            Self::Parental => f.pad("parental"),
            Self::Custom(name) => f.pad(name.as_str()),
        }
    }
}

/// How often the entitlement is credited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AccrualFrequency {
    /// Once per pay period of a frequency, cut from the leave year itself:
    /// monthly and semi-monthly periods follow the months of the leave year
    /// (semi-monthly splits each after 15 days); weekly and biweekly ones
    /// divide the leave year's days into 52 or 26 periods as evenly as whole
    /// days allow. To follow the dates of an actual payroll, use
    /// [`AccrualFrequency::PerScheduledPayPeriod`].
    PerPayPeriod(PayFrequency),
    /// Once per pay period of an anchored [`PaySchedule`]: the leave year's
    /// periods are the schedule's own periods that start inside it (with
    /// [`AllocationDay::FirstDay`] and [`AllocationDay::Anniversary`]) or
    /// end inside it (with [`AllocationDay::LastDay`]), so a year may have
    /// 52 or 53 weekly periods, 26 or 27 biweekly ones. Each period earns
    /// the entitlement divided by the year's number of periods; the
    /// running total is rounded to the policy's step, so the last period
    /// takes the remainder and someone employed over all of a year's
    /// periods is credited exactly the entitlement for it.
    ///
    /// A period reaching past an edge of the leave year belongs wholly to
    /// the year that holds its first (or last) day, and its share is
    /// prorated by the days of it employed: a joiner whose first day falls
    /// in a period started the year before earns part of that year's last
    /// share, credited on the joining day.
    ///
    /// ```
    /// use bureau_core::{Aggregate, EmployeeId};
    /// use bureau_calendar::Calendar;
    /// use bureau_hr::{AccrualFrequency, AllocationDay, Fte, LeaveAccount, LeaveCommand, LeaveDays,
    ///     LeaveEmployment, LeavePolicy, LeaveType, MovementKind, PayFrequency, PaySchedule};
    /// use chrono::NaiveDate;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// // Biweekly pay from Thursday 1 January 2026: 27 periods start in 2026.
    /// let biweekly = PaySchedule::new(PayFrequency::Biweekly, d(2026, 1, 1)?)?;
    /// let policy = LeavePolicy::builder(LeaveType::Annual, LeaveDays::from(27))
    ///     .accrual(AccrualFrequency::PerScheduledPayPeriod(biweekly))
    ///     .allocation(AllocationDay::FirstDay)
    ///     .build()?;
    /// let mut account = LeaveAccount::default();
    /// account.handle(&LeaveCommand::Configure { employee: EmployeeId::from_u128(1), policy,
    ///     calendar: Calendar::always(), employment: LeaveEmployment::new(d(2024, 3, 1)?, Fte::FULL) })?;
    /// account.handle(&LeaveCommand::Accrue { through: d(2026, 12, 31)? })?;
    /// let new_year = d(2026, 1, 1)?;
    /// let in_2026 = account.movements().iter()
    ///     .filter(|m| m.kind() == MovementKind::Accrual && m.date() >= new_year);
    /// assert_eq!(in_2026.count(), 27);
    /// assert_eq!(account.balance_as_of(d(2026, 12, 31)?) - account.balance_as_of(d(2025, 12, 31)?), LeaveDays::from(27));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    PerScheduledPayPeriod(PaySchedule),
    /// Once a month of the leave year.
    Monthly,
    /// Once a quarter of the leave year.
    Quarterly,
    /// The whole year's entitlement at once.
    YearlyUpFront,
}

/// On which day of an accrual period its share is credited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AllocationDay {
    /// The period's first day (a joiner's first day in their first period).
    FirstDay,
    /// The period's last day (a leaver's last day in their last period).
    LastDay,
    /// The leave year runs from the anniversary of the employment start,
    /// and each period's share is credited on its first day.
    Anniversary,
}

/// Whether a share is scaled down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Proration {
    /// Scaled (by the part of the period employed, or by the FTE fraction).
    Prorated,
    /// Credited in full.
    Full,
}

/// The step leave amounts are rounded to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeaveStep {
    /// A quarter day.
    Quarter,
    /// A half day.
    Half,
    /// A whole day.
    Whole,
}

impl LeaveStep {
    /// The step in days.
    ///
    /// ```
    /// use bureau_hr::LeaveStep;
    /// assert_eq!(LeaveStep::Quarter.days().to_string(), "0.25");
    /// ```
    pub fn days(self) -> Decimal {
        match self {
            Self::Quarter => Decimal::new(25, 2),
            Self::Half => Decimal::new(5, 1),
            Self::Whole => Decimal::ONE,
        }
    }

    /// `days` rounded to a multiple of the step with `strategy`.
    ///
    /// ```
    /// use bureau_core::{Decimal, RoundingStrategy};
    /// use bureau_hr::LeaveStep;
    /// let days = Decimal::new(2083, 3); // 2.083
    /// assert_eq!(LeaveStep::Quarter.round(days, RoundingStrategy::MidpointNearestEven).to_string(), "2");
    /// assert_eq!(LeaveStep::Half.round(days, RoundingStrategy::ToPositiveInfinity).to_string(), "2.5");
    /// ```
    pub fn round(self, days: Decimal, strategy: RoundingStrategy) -> Decimal {
        let step = self.days();
        ((days / step).round_dp_with_strategy(0, strategy.into()) * step).normalize()
    }
}

/// What a leave request counts: whether the holidays and the weekly rest
/// days (the weekdays the calendar's schedule does not work, weekends
/// typically) inside it take leave.
///
/// | variant | working day | holiday on a working weekday | rest day |
/// |---|---|---|---|
/// | [`WorkingDays`](Self::WorkingDays) | counts | does not count (a part day counts its fraction) | does not count |
/// | [`CalendarDays`](Self::CalendarDays) | counts | counts | counts |
/// | [`WorkingDaysAndHolidays`](Self::WorkingDaysAndHolidays) | counts | counts | does not count |
/// | [`CalendarDaysExceptHolidays`](Self::CalendarDaysExceptHolidays) | counts | does not count (a part day counts its fraction) | counts, unless a holiday is observed on it |
///
/// A holiday is one the calendar observes on the date
/// ([`Calendar::holidays_in`](bureau_calendar::Calendar::holidays_in)); a
/// working-day override on a date makes it a working day.
///
/// ```
/// use bureau_calendar::{Calendar, Holiday, Schedule, Tz, WorkingDays};
/// use bureau_core::DateRange;
/// use bureau_hr::{DayCounting, LeaveSpan};
/// use chrono::NaiveDate;
/// let day = |d| NaiveDate::from_ymd_opt(2026, 5, d).ok_or("date");
/// let calendar = Calendar::builder(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?)
///     .holiday(Holiday::on(day(25)?, "Spring bank holiday"))
///     .build()?;
/// // Friday 22 to Thursday 28 May: a weekend, then the Monday holiday.
/// let span = LeaveSpan::new(DateRange::new(day(22)?, day(29)?)?)?;
/// assert_eq!(span.count(&calendar, DayCounting::WorkingDays)?, WorkingDays::from(4));
/// assert_eq!(span.count(&calendar, DayCounting::WorkingDaysAndHolidays)?, WorkingDays::from(5));
/// assert_eq!(span.count(&calendar, DayCounting::CalendarDaysExceptHolidays)?, WorkingDays::from(6));
/// assert_eq!(span.count(&calendar, DayCounting::CalendarDays)?, WorkingDays::from(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DayCounting {
    /// Working days on the employee's calendar: holidays and non-working
    /// days inside the request do not count, half-day holidays count half.
    WorkingDays,
    /// Every day inside the request counts, holidays and weekends included.
    CalendarDays,
    /// Holidays count, rest days do not: a date counts 1 when the weekly
    /// schedule works its weekday, holiday or not; any other date counts
    /// what the calendar says it is worth
    /// ([`Calendar::counts_as`](bureau_calendar::Calendar::counts_as): 1
    /// for a working-day override, 0 for a rest day).
    WorkingDaysAndHolidays,
    /// Rest days count, holidays do not: a date on which the calendar
    /// observes a holiday counts what the calendar says it is worth (0 for
    /// a whole day off, the fraction of a part day, 1 where a working-day
    /// override wins); every other date counts 1.
    CalendarDaysExceptHolidays,
}

/// What happens to an unused balance at the end of a leave year.
///
/// ```
/// use bureau_hr::{CarryOver, LeaveDays};
/// let rule = CarryOver::capped(LeaveDays::from(5))?.expiring_after_months(3)?;
/// assert_eq!(rule.cap(), Some(LeaveDays::from(5)));
/// assert_eq!(rule.expiry_months(), Some(3));
/// assert!(CarryOver::capped(LeaveDays::from(-1)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CarryOver {
    cap: Option<LeaveDays>,
    expiry_months: Option<u32>,
}

impl CarryOver {
    /// Everything carries over and never expires.
    pub const UNLIMITED: Self = Self {
        cap: None,
        expiry_months: None,
    };

    /// Nothing carries over: the unused balance is forfeited at year end.
    pub const NONE: Self = Self {
        cap: Some(LeaveDays::ZERO),
        expiry_months: None,
    };

    /// Up to `cap` days carry over; the rest is forfeited.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPolicyDays`] when `cap` is negative or above
    /// [`MAX_POLICY_DAYS`].
    pub fn capped(cap: LeaveDays) -> Result<Self> {
        check_days("carry-over cap", cap)?;
        Ok(Self {
            cap: Some(cap),
            expiry_months: None,
        })
    }

    /// Carried days not taken within `months` months of the new leave
    /// year expire.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidExpiry`] unless `months` is 1 to 12.
    pub fn expiring_after_months(mut self, months: u32) -> Result<Self> {
        if !(1..=12).contains(&months) {
            return Err(Error::InvalidExpiry { months });
        }
        self.expiry_months = Some(months);
        Ok(self)
    }

    /// The cap, `None` when unlimited.
    pub fn cap(&self) -> Option<LeaveDays> {
        self.cap
    }

    /// Months after which carried days expire, `None` when they never do.
    pub fn expiry_months(&self) -> Option<u32> {
        self.expiry_months
    }
}

fn check_days(what: &'static str, days: LeaveDays) -> Result<()> {
    if days.is_negative() || days.value() > Decimal::from(MAX_POLICY_DAYS) {
        return Err(Error::InvalidPolicyDays { what, days });
    }
    Ok(())
}

/// The first day of a fixed leave year, as month and day.
///
/// ```
/// use bureau_hr::LeaveYearStart;
/// use chrono::NaiveDate;
/// let april = LeaveYearStart::new(4, 6)?;
/// let year = april.year_containing(NaiveDate::from_ymd_opt(2027, 1, 10).ok_or("date")?)?;
/// assert_eq!(year.start(), NaiveDate::from_ymd_opt(2026, 4, 6).ok_or("date")?);
/// assert_eq!(year.last_day(), NaiveDate::from_ymd_opt(2027, 4, 5));
/// assert!(LeaveYearStart::new(2, 29).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeaveYearStart {
    month: u32,
    day: u32,
}

impl LeaveYearStart {
    /// 1 January.
    pub const JANUARY_FIRST: Self = Self { month: 1, day: 1 };

    /// A leave year starting on `day` of `month` every year.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidYearStart`] when the day does not exist in every
    /// year (29 February included).
    pub fn new(month: u32, day: u32) -> Result<Self> {
        // 2025 is not a leap year: a day valid in it is valid every year.
        if NaiveDate::from_ymd_opt(2025, month, day).is_none() {
            return Err(Error::InvalidYearStart { month, day });
        }
        Ok(Self { month, day })
    }

    /// The leave year `[start, start + 1 year)` holding `date`.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] at the ends of the representable dates.
    pub fn year_containing(&self, date: NaiveDate) -> Result<bureau_core::DateRange> {
        use chrono::Datelike;
        let out = || Error::DateOutOfRange { date };
        let this = NaiveDate::from_ymd_opt(date.year(), self.month, self.day).ok_or_else(out)?;
        let start = if this <= date {
            this
        } else {
            NaiveDate::from_ymd_opt(date.year() - 1, self.month, self.day).ok_or_else(out)?
        };
        let end = start
            .checked_add_months(chrono::Months::new(12))
            .ok_or_else(out)?;
        Ok(bureau_core::DateRange::new(start, end)?)
    }
}

/// The rules of one leave type: entitlement per leave year, how it accrues
/// and is prorated, rounded, carried over and capped, how far below zero a
/// balance may go, how long someone must be employed before using it, and
/// what a request counts. Built with [`LeavePolicy::builder`].
///
/// ```
/// use bureau_core::RoundingStrategy;
/// use bureau_hr::{AccrualFrequency, CarryOver, LeaveDays, LeavePolicy, LeaveStep, LeaveType};
/// let policy = LeavePolicy::builder(LeaveType::Annual, LeaveDays::from(25))
///     .accrual(AccrualFrequency::Monthly)
///     .rounding(LeaveStep::Half, RoundingStrategy::MidpointNearestEven)
///     .carry_over(CarryOver::capped(LeaveDays::from(5))?)
///     .negative_allowance(LeaveDays::from(2))
///     .build()?;
/// assert_eq!(policy.entitlement(), LeaveDays::from(25));
/// // An entitlement must be a multiple of the rounding step.
/// let err = LeavePolicy::builder(LeaveType::Sick, "10.3".parse::<bureau_core::Decimal>().map(LeaveDays::new)?)
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "entitlement 10.3 is not a multiple of the rounding step 0.25");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeavePolicy {
    pub(crate) leave_type: LeaveType,
    pub(crate) entitlement: LeaveDays,
    pub(crate) year_start: LeaveYearStart,
    pub(crate) accrual: AccrualFrequency,
    pub(crate) allocation: AllocationDay,
    pub(crate) service_proration: Proration,
    pub(crate) fte_proration: Proration,
    pub(crate) step: LeaveStep,
    pub(crate) strategy: RoundingStrategy,
    pub(crate) carry_over: CarryOver,
    pub(crate) maximum_balance: Option<LeaveDays>,
    pub(crate) negative_allowance: LeaveDays,
    pub(crate) minimum_service_days: u32,
    pub(crate) counting: DayCounting,
}

/// Builds a [`LeavePolicy`]; every setting has a default (see
/// [`LeavePolicy::builder`]).
#[derive(Clone, Debug)]
pub struct LeavePolicyBuilder {
    policy: LeavePolicy,
}

impl LeavePolicy {
    /// A builder for `entitlement` days of `leave_type` per leave year.
    /// Defaults: leave year from 1 January, monthly accrual credited on the
    /// first day, prorated for joiners, leavers and part time, rounded to a
    /// quarter day with [`RoundingStrategy::MidpointNearestEven`], unlimited
    /// carry-over, no maximum balance, no negative balance, no minimum
    /// service, requests counted in working days.
    pub fn builder(leave_type: LeaveType, entitlement: LeaveDays) -> LeavePolicyBuilder {
        LeavePolicyBuilder {
            policy: Self {
                leave_type,
                entitlement,
                year_start: LeaveYearStart::JANUARY_FIRST,
                accrual: AccrualFrequency::Monthly,
                allocation: AllocationDay::FirstDay,
                service_proration: Proration::Prorated,
                fte_proration: Proration::Prorated,
                step: LeaveStep::Quarter,
                strategy: RoundingStrategy::MidpointNearestEven,
                carry_over: CarryOver::UNLIMITED,
                maximum_balance: None,
                negative_allowance: LeaveDays::ZERO,
                minimum_service_days: 0,
                counting: DayCounting::WorkingDays,
            },
        }
    }

    /// The leave type.
    pub fn leave_type(&self) -> &LeaveType {
        &self.leave_type
    }

    /// Days per leave year at full time.
    pub fn entitlement(&self) -> LeaveDays {
        self.entitlement
    }

    /// The first day of each fixed leave year.
    pub fn year_start(&self) -> LeaveYearStart {
        self.year_start
    }

    /// How often the entitlement accrues.
    pub fn accrual(&self) -> AccrualFrequency {
        self.accrual
    }

    /// On which day of a period its share is credited.
    pub fn allocation(&self) -> AllocationDay {
        self.allocation
    }

    /// The lowest balance allowed: minus the negative allowance.
    pub fn floor(&self) -> LeaveDays {
        -self.negative_allowance
    }

    /// The maximum balance, `None` when unlimited.
    pub fn maximum_balance(&self) -> Option<LeaveDays> {
        self.maximum_balance
    }

    /// The carry-over rule.
    pub fn carry_over(&self) -> CarryOver {
        self.carry_over
    }

    /// What a request counts.
    pub fn counting(&self) -> DayCounting {
        self.counting
    }
}

impl LeavePolicyBuilder {
    /// The leave year starts on `start` (ignored with
    /// [`AllocationDay::Anniversary`]).
    pub fn year_start(mut self, start: LeaveYearStart) -> Self {
        self.policy.year_start = start;
        self
    }

    /// Accrue with `frequency`.
    pub fn accrual(mut self, frequency: AccrualFrequency) -> Self {
        self.policy.accrual = frequency;
        self
    }

    /// Credit each share on `day`.
    pub fn allocation(mut self, day: AllocationDay) -> Self {
        self.policy.allocation = day;
        self
    }

    /// Prorate (or not) for the part of a period a joiner or leaver is employed.
    pub fn service_proration(mut self, proration: Proration) -> Self {
        self.policy.service_proration = proration;
        self
    }

    /// Prorate (or not) by the FTE fraction.
    pub fn fte_proration(mut self, proration: Proration) -> Self {
        self.policy.fte_proration = proration;
        self
    }

    /// Round accrued amounts to `step` with `strategy`.
    pub fn rounding(mut self, step: LeaveStep, strategy: RoundingStrategy) -> Self {
        self.policy.step = step;
        self.policy.strategy = strategy;
        self
    }

    /// Carry unused days over by `rule`.
    pub fn carry_over(mut self, rule: CarryOver) -> Self {
        self.policy.carry_over = rule;
        self
    }

    /// Never accrue above `days`.
    pub fn maximum_balance(mut self, days: LeaveDays) -> Self {
        self.policy.maximum_balance = Some(days);
        self
    }

    /// Allow the balance down to minus `days`.
    pub fn negative_allowance(mut self, days: LeaveDays) -> Self {
        self.policy.negative_allowance = days;
        self
    }

    /// Requests may start only `days` calendar days after the employment start.
    pub fn minimum_service_days(mut self, days: u32) -> Self {
        self.policy.minimum_service_days = days;
        self
    }

    /// Count requests by `counting`.
    pub fn counting(mut self, counting: DayCounting) -> Self {
        self.policy.counting = counting;
        self
    }

    /// The policy.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPolicyDays`] for a negative entitlement, maximum or
    /// allowance (or one above [`MAX_POLICY_DAYS`]);
    /// [`Error::EntitlementOffStep`] when the entitlement is not a multiple
    /// of the rounding step (a full year could then not accrue it exactly).
    pub fn build(self) -> Result<LeavePolicy> {
        let policy = self.policy;
        check_days("entitlement", policy.entitlement)?;
        check_days("negative allowance", policy.negative_allowance)?;
        if let Some(max) = policy.maximum_balance {
            check_days("maximum balance", max)?;
        }
        let step = policy.step.days();
        if !(policy.entitlement.value() % step).is_zero() {
            return Err(Error::EntitlementOffStep {
                entitlement: policy.entitlement,
                step: LeaveDays::new(step),
            });
        }
        Ok(policy)
    }
}
