//! A leave account: one employee's balance of one leave type, as an
//! aggregate over a sorted ledger of movements.

use core::fmt;
use std::collections::BTreeMap;

use bureau_calendar::{Calendar, WorkingDays};
use bureau_core::{Aggregate, DateRange, Decimal, DomainEvent, EmployeeId};
use chrono::{Days, Months, NaiveDate};

use super::ledger::Ledger;
use crate::{
    AccrualFrequency, AllocationDay, Error, LeaveDays, LeaveEmployment, LeavePolicy,
    LeaveRequestId, LeaveSpan, MAX_ACCRUAL_YEARS, MAX_POLICY_DAYS, Movement, MovementKind,
    PayFrequency, Proration, Reason, Result,
};

/// Where a leave request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RequestStatus {
    /// Waiting for a decision.
    Pending,
    /// Approved: its days are taken from the balance.
    Approved,
    /// Rejected.
    Rejected,
    /// Cancelled (its days, if taken, are back in the balance).
    Cancelled,
}

impl fmt::Display for RequestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        })
    }
}

/// A leave request as the account holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeaveRequestRecord {
    span: LeaveSpan,
    days: WorkingDays,
    status: RequestStatus,
}

impl LeaveRequestRecord {
    /// The dates.
    pub fn span(&self) -> LeaveSpan {
        self.span
    }

    /// The days it takes, counted when requested.
    pub fn days(&self) -> WorkingDays {
        self.days
    }

    /// Where it stands.
    pub fn status(&self) -> RequestStatus {
        self.status
    }

    fn is_live(&self) -> bool {
        matches!(
            self.status,
            RequestStatus::Pending | RequestStatus::Approved
        )
    }
}

/// How far the current leave year's accrual has got: the sum of the
/// prorated period shares so far and the days credited for them (after
/// rounding). Credits are the rounded running total's increase, so a whole
/// year at full time credits exactly the entitlement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AccrualProgress {
    year_start: Option<NaiveDate>,
    shares: Decimal,
    credited: Decimal,
}

/// A change asked of a [`LeaveAccount`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeaveCommand {
    /// Set (or change) the policy, the employee's working-time calendar and
    /// employment. Accruals already posted stay; later ones follow the new
    /// setup. The first `Configure` creates the account (accepted on
    /// [`LeaveAccount::default`]); a later one must name the same employee.
    Configure {
        /// Whose account it is.
        employee: EmployeeId,
        /// The policy.
        policy: LeavePolicy,
        /// The calendar requests are counted on.
        calendar: Calendar,
        /// The employment accrual follows.
        employment: LeaveEmployment,
    },
    /// Post every accrual, year-end carry-over and expiry due up to and
    /// including `through`. Running it again for the same date posts nothing.
    Accrue {
        /// The last day to post for.
        through: NaiveDate,
    },
    /// Ask for leave.
    Request {
        /// The caller's id for the request.
        id: LeaveRequestId,
        /// The dates.
        span: LeaveSpan,
    },
    /// Approve a pending request, taking its days.
    Approve {
        /// The request.
        id: LeaveRequestId,
    },
    /// Reject a pending request.
    Reject {
        /// The request.
        id: LeaveRequestId,
    },
    /// Cancel a pending or approved request, giving its days back.
    Cancel {
        /// The request.
        id: LeaveRequestId,
    },
    /// Correct the balance by hand.
    Adjust {
        /// The day of the correction.
        date: NaiveDate,
        /// By how much (negative to remove days).
        days: LeaveDays,
        /// Why.
        reason: Reason,
    },
}

/// What happened to a [`LeaveAccount`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeaveEvent {
    /// The setup changed.
    Configured {
        /// Whose account it is.
        employee: EmployeeId,
        /// The policy.
        policy: LeavePolicy,
        /// The calendar.
        calendar: Calendar,
        /// The employment.
        employment: LeaveEmployment,
    },
    /// Accruals, carry-over and expiry posted through a date.
    Accrued {
        /// The last day posted for.
        through: NaiveDate,
        /// The movements, in date order.
        movements: Vec<Movement>,
        /// The accrual progress after them.
        progress: AccrualProgress,
    },
    /// A request was made.
    Requested {
        /// The request.
        id: LeaveRequestId,
        /// Its dates.
        span: LeaveSpan,
        /// The days it takes.
        days: WorkingDays,
    },
    /// A request was approved and its days taken.
    Approved {
        /// The request.
        id: LeaveRequestId,
        /// The [`MovementKind::Taken`] movement.
        movement: Movement,
    },
    /// A request was rejected.
    Rejected {
        /// The request.
        id: LeaveRequestId,
    },
    /// A request was cancelled (its taken days, if any, given back).
    Cancelled {
        /// The request.
        id: LeaveRequestId,
    },
    /// The balance was corrected.
    Adjusted {
        /// The [`MovementKind::Adjustment`] movement.
        movement: Movement,
        /// Why.
        reason: Reason,
    },
}

impl DomainEvent for LeaveEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Configured { .. } => "configured",
            Self::Accrued { .. } => "accrued",
            Self::Requested { .. } => "requested",
            Self::Approved { .. } => "approved",
            Self::Rejected { .. } => "rejected",
            Self::Cancelled { .. } => "cancelled",
            Self::Adjusted { .. } => "adjusted",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Setup {
    employee: EmployeeId,
    policy: LeavePolicy,
    calendar: Calendar,
    employment: LeaveEmployment,
}

/// One employee's balance of one leave type: configured with a
/// [`LeavePolicy`], the employee's [`Calendar`] and [`LeaveEmployment`]
/// (recorded as an event, like every change), it posts accruals, carry-over
/// and expiry, and takes approved requests. The balance never goes below
/// the policy's floor: a request, adjustment, forfeit or expiry that would
/// push any date's balance lower is refused or reduced.
///
/// [`LeaveAccount::balance_as_of`] is a binary search over movements kept
/// sorted by date with running totals, not a replay.
///
/// # Examples
///
/// ```
/// use bureau_calendar::{Calendar, Schedule, Tz};
/// use bureau_core::{Aggregate, DateRange, EmployeeId};
/// use bureau_hr::{Fte, LeaveAccount, LeaveCommand, LeaveDays, LeaveEmployment, LeavePolicy,
///     LeaveRequestId, LeaveSpan, LeaveType};
/// use chrono::NaiveDate;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let policy = LeavePolicy::builder(LeaveType::Annual, LeaveDays::from(24)).build()?;
/// let calendar = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
/// let employment = LeaveEmployment::new(day(1, 1)?, Fte::FULL);
/// let mut account = LeaveAccount::default();
/// account.handle(&LeaveCommand::Configure { employee: EmployeeId::from_u128(1), policy, calendar, employment })?;
/// account.handle(&LeaveCommand::Accrue { through: day(12, 31)? })?;
/// assert_eq!(account.balance_as_of(day(3, 15)?), LeaveDays::from(6));
/// assert_eq!(account.balance_as_of(day(12, 31)?), LeaveDays::from(24));
///
/// // Monday 1 to Friday 5 June: 5 working days.
/// let id = LeaveRequestId::from_u128(1);
/// let span = LeaveSpan::new(DateRange::new(day(6, 1)?, day(6, 6)?)?)?;
/// account.handle(&LeaveCommand::Request { id, span })?;
/// account.handle(&LeaveCommand::Approve { id })?;
/// assert_eq!(account.balance_as_of(day(6, 1)?), LeaveDays::from(12 - 5));
/// account.handle(&LeaveCommand::Cancel { id })?;
/// assert_eq!(account.balance_as_of(day(6, 1)?), LeaveDays::from(12));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`LeaveAccount::default`] is an account not configured yet, the state a
/// stored stream starts from: it accepts [`LeaveCommand::Configure`] and
/// refuses every other command with [`Error::NotCreated`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaveAccount {
    setup: Option<Setup>,
    ledger: Ledger,
    requests: BTreeMap<LeaveRequestId, LeaveRequestRecord>,
    accrued_through: Option<NaiveDate>,
    progress: AccrualProgress,
}

/// A leave year: `range`, whose months are counted from `base` plus
/// `offset` months (so anniversary years never drift on short months).
#[derive(Clone, Copy, Debug)]
struct LeaveYear {
    base: NaiveDate,
    offset: u32,
    range: DateRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    CarryOver,
    Expire,
    Allocate(DateRange),
}

impl LeaveAccount {
    /// The employee, `None` before the account is configured.
    pub fn employee(&self) -> Option<EmployeeId> {
        self.setup.as_ref().map(|s| s.employee)
    }

    /// The policy, `None` before the account is configured.
    pub fn policy(&self) -> Option<&LeavePolicy> {
        self.setup.as_ref().map(|s| &s.policy)
    }

    /// The working-time calendar requests are counted on, `None` before
    /// the account is configured.
    pub fn calendar(&self) -> Option<&Calendar> {
        self.setup.as_ref().map(|s| &s.calendar)
    }

    /// The employment accrual follows, `None` before the account is
    /// configured.
    pub fn employment(&self) -> Option<LeaveEmployment> {
        self.setup.as_ref().map(|s| s.employment)
    }

    /// The days of approved requests that fall inside `range`: what a pay
    /// period deducts for unpaid leave, or what an absence rate counts. A
    /// request inside `range` counts the days it took; one crossing an
    /// edge counts its part inside ([`LeaveSpan::within`]) on the
    /// account's calendar and the policy's [`DayCounting`](crate::DayCounting),
    /// so the parts of a request in consecutive periods add up to its
    /// days. Zero for an account not configured yet.
    ///
    /// ```
    /// use bureau_calendar::{Calendar, Schedule, Tz};
    /// use bureau_core::{Aggregate, DateRange, EmployeeId};
    /// use bureau_hr::{Fte, LeaveAccount, LeaveCommand, LeaveDays, LeaveEmployment, LeavePolicy,
    ///     LeaveRequestId, LeaveSpan, LeaveType};
    /// use chrono::NaiveDate;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    /// let policy = LeavePolicy::builder(LeaveType::Unpaid, LeaveDays::ZERO)
    ///     .negative_allowance(LeaveDays::from(20))
    ///     .build()?;
    /// let calendar = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    /// let mut unpaid = LeaveAccount::default();
    /// unpaid.handle(&LeaveCommand::Configure { employee: EmployeeId::from_u128(7), policy, calendar,
    ///     employment: LeaveEmployment::new(day(1, 1)?, Fte::FULL) })?;
    /// // Monday 29 June to Friday 3 July.
    /// let id = LeaveRequestId::from_u128(1);
    /// unpaid.handle(&LeaveCommand::Request { id, span: LeaveSpan::new(DateRange::new(day(6, 29)?, day(7, 4)?)?)? })?;
    /// unpaid.handle(&LeaveCommand::Approve { id })?;
    /// let june = DateRange::new(day(6, 1)?, day(7, 1)?)?;
    /// assert_eq!(unpaid.taken_in(june)?, LeaveDays::from(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHalfDays`] would name a part halved at both ends of
    /// one day, which an accepted request never leaves.
    pub fn taken_in(&self, range: DateRange) -> Result<LeaveDays> {
        let Some(setup) = self.setup.as_ref() else {
            return Ok(LeaveDays::ZERO);
        };
        let mut days = WorkingDays::ZERO;
        for record in self.requests.values() {
            if record.status != RequestStatus::Approved {
                continue;
            }
            let Some(part) = record.span.within(range) else {
                continue;
            };
            days += if part == record.span {
                record.days
            } else {
                part.count(&setup.calendar, setup.policy.counting())?
            };
        }
        Ok(LeaveDays::from(days))
    }

    /// The balance at the end of `date`: every movement dated on or before
    /// it. A binary search plus one read.
    pub fn balance_as_of(&self, date: NaiveDate) -> LeaveDays {
        self.ledger.balance_as_of(date)
    }

    /// Every movement, in date order.
    pub fn movements(&self) -> &[Movement] {
        self.ledger.movements()
    }

    /// A request.
    pub fn request(&self, id: LeaveRequestId) -> Option<&LeaveRequestRecord> {
        self.requests.get(&id)
    }

    /// The last day accruals are posted for.
    pub fn accrued_through(&self) -> Option<NaiveDate> {
        self.accrued_through
    }

    fn setup(&self, command: &'static str) -> Result<&Setup> {
        self.setup.as_ref().ok_or(Error::NotCreated {
            aggregate: "leave account",
            command,
        })
    }

    fn existing(&self, id: LeaveRequestId) -> Result<&LeaveRequestRecord> {
        self.requests
            .get(&id)
            .ok_or(Error::UnknownRequest { request: id })
    }

    /// How many days may leave the balance on `date` without any balance
    /// from then on going below the floor.
    fn headroom(ledger: &Ledger, policy: &LeavePolicy, date: NaiveDate) -> Decimal {
        (ledger.lowest_from(date).value() - policy.floor().value()).max(Decimal::ZERO)
    }

    fn decide_request(&self, id: LeaveRequestId, span: &LeaveSpan) -> Result<LeaveEvent> {
        let setup = self.setup("request leave")?;
        if self.requests.contains_key(&id) {
            return Err(Error::DuplicateRequest { request: id });
        }
        let employment = &setup.employment;
        let range = span.range();
        let within = range.start() >= employment.start()
            && employment.end().is_none_or(|end| range.end() <= end);
        if !within {
            return Err(Error::OutsideEmployment { range });
        }
        let eligible_from = employment
            .start()
            .checked_add_days(Days::new(u64::from(setup.policy.minimum_service_days)))
            .ok_or(Error::DateOutOfRange {
                date: employment.start(),
            })?;
        if range.start() < eligible_from {
            return Err(Error::ServiceTooShort {
                date: range.start(),
                eligible_from,
            });
        }
        if let Some((existing, _)) = self
            .requests
            .iter()
            .find(|(_, r)| r.is_live() && r.span.overlaps(span))
        {
            return Err(Error::OverlappingRequest {
                request: id,
                existing: *existing,
            });
        }
        let days = span.count(&setup.calendar, setup.policy.counting)?;
        if days <= WorkingDays::ZERO {
            return Err(Error::NothingToTake { range });
        }
        Ok(LeaveEvent::Requested {
            id,
            span: *span,
            days,
        })
    }

    fn decide_accrual(&self, through: NaiveDate) -> Result<Vec<LeaveEvent>> {
        let setup = self.setup("accrue")?;
        let policy = &setup.policy;
        let employment = &setup.employment;
        let from = match self.accrued_through {
            Some(done) => match done.succ_opt() {
                Some(next) => next,
                None => return Ok(Vec::new()),
            },
            None => employment.start(),
        };
        if through < from {
            return Ok(Vec::new());
        }
        if add_months(from, MAX_ACCRUAL_YEARS * 12).is_ok_and(|limit| through >= limit) {
            return Err(Error::AccrualTooLong { from, through });
        }
        let window = |date: NaiveDate| date >= from && date <= through;
        let mut ledger = self.ledger.clone();
        let mut progress = self.progress;
        let mut movements = Vec::new();
        let mut post = |ledger: &mut Ledger, movement: Movement| {
            if !movement.days().value().is_zero() {
                ledger.insert(movement);
                movements.push(movement);
            }
        };
        let mut year = year_containing(policy, employment, from)?;
        if matches!(policy.accrual, AccrualFrequency::PerScheduledPayPeriod(_)) {
            // A pay period of the year before may reach into this one: a
            // joiner's first share can be due in it.
            year = previous_year(policy, employment, &year)?;
        }
        loop {
            let periods = periods(&year, policy)?;
            // Where the year's periods begin: before the year itself when
            // a pay period of it starts earlier.
            let reach = periods
                .first()
                .map_or(year.range.start(), |p| p.start().min(year.range.start()));
            if reach > through || employment.end().is_some_and(|end| reach >= end) {
                break;
            }
            let start = year.range.start();
            let mut steps: Vec<(NaiveDate, Step)> = Vec::new();
            if start > employment.start() && employment.end().is_none_or(|end| start < end) {
                if window(start) {
                    steps.push((start, Step::CarryOver));
                }
                if let Some(months) = policy.carry_over.expiry_months() {
                    let expiry = add_months(start, months)?;
                    if window(expiry) && employment.contains(expiry) {
                        steps.push((expiry, Step::Expire));
                    }
                }
            }
            let count = Decimal::from(periods.len());
            for period in &periods {
                if employment.overlap_days(*period) == 0 {
                    continue;
                }
                let date = allocation_date(policy.allocation, *period, employment)?;
                if window(date) {
                    steps.push((date, Step::Allocate(*period)));
                }
            }
            steps.sort();
            for (date, step) in steps {
                match step {
                    Step::CarryOver => {
                        let year_end = ledger.balance_as_of(date.pred_opt().unwrap_or(date));
                        let excess = match policy.carry_over.cap() {
                            Some(cap) => (year_end.value() - cap.value()).max(Decimal::ZERO),
                            None => Decimal::ZERO,
                        };
                        let forfeit = excess.min(Self::headroom(&ledger, policy, date));
                        post(
                            &mut ledger,
                            Movement::new(
                                date,
                                MovementKind::CarryOver,
                                LeaveDays::new(-forfeit),
                                None,
                            ),
                        );
                    }
                    Step::Expire => {
                        let year_end = ledger.balance_as_of(start.pred_opt().unwrap_or(start));
                        let carried = match policy.carry_over.cap() {
                            Some(cap) => year_end.value().min(cap.value()),
                            None => year_end.value(),
                        }
                        .max(Decimal::ZERO);
                        let used = -ledger.sum_between(MovementKind::Taken, start, date).value();
                        let unused = (carried - used).max(Decimal::ZERO);
                        let expired = unused.min(Self::headroom(&ledger, policy, date));
                        post(
                            &mut ledger,
                            Movement::new(
                                date,
                                MovementKind::Expiry,
                                LeaveDays::new(-expired),
                                None,
                            ),
                        );
                    }
                    Step::Allocate(period) => {
                        if progress.year_start != Some(start) {
                            progress = AccrualProgress {
                                year_start: Some(start),
                                ..AccrualProgress::default()
                            };
                        }
                        let mut share = Decimal::ONE;
                        if policy.service_proration == Proration::Prorated {
                            share = Decimal::from(employment.overlap_days(period))
                                / Decimal::from(period.len_days());
                        }
                        if policy.fte_proration == Proration::Prorated {
                            share *= employment.fte().value();
                        }
                        progress.shares += share;
                        let earned = policy.entitlement.value() * progress.shares / count;
                        let credited = policy.step.round(earned, policy.strategy);
                        let mut days = (credited - progress.credited).max(Decimal::ZERO);
                        progress.credited = credited;
                        if let Some(max) = policy.maximum_balance {
                            let room = max.value() - ledger.highest_from(date).value();
                            days = days.min(room.max(Decimal::ZERO));
                        }
                        post(
                            &mut ledger,
                            Movement::new(date, MovementKind::Accrual, LeaveDays::new(days), None),
                        );
                    }
                }
            }
            year = next_year(policy, employment, &year)?;
        }
        Ok(vec![LeaveEvent::Accrued {
            through,
            movements,
            progress,
        }])
    }
}

fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate> {
    date.checked_add_months(Months::new(months))
        .ok_or(Error::DateOutOfRange { date })
}

fn year_containing(
    policy: &LeavePolicy,
    employment: &LeaveEmployment,
    date: NaiveDate,
) -> Result<LeaveYear> {
    if policy.allocation == AllocationDay::Anniversary {
        let base = employment.start();
        let mut offset = 0u32;
        // Years run [base + 12k months, base + 12(k + 1) months).
        while add_months(base, offset + 12)? <= date {
            offset += 12;
        }
        let range = DateRange::new(add_months(base, offset)?, add_months(base, offset + 12)?)?;
        Ok(LeaveYear {
            base,
            offset,
            range,
        })
    } else {
        let range = policy.year_start.year_containing(date)?;
        Ok(LeaveYear {
            base: range.start(),
            offset: 0,
            range,
        })
    }
}

fn next_year(
    policy: &LeavePolicy,
    employment: &LeaveEmployment,
    year: &LeaveYear,
) -> Result<LeaveYear> {
    year_containing(policy, employment, year.range.end())
}

/// The leave year before `year`; before the first anniversary year, the
/// twelve months before the employment start.
fn previous_year(
    policy: &LeavePolicy,
    employment: &LeaveEmployment,
    year: &LeaveYear,
) -> Result<LeaveYear> {
    let start = year.range.start();
    if policy.allocation == AllocationDay::Anniversary && year.offset < 12 {
        let before = start
            .checked_sub_months(Months::new(12))
            .ok_or(Error::DateOutOfRange { date: start })?;
        return Ok(LeaveYear {
            base: before,
            offset: 0,
            range: DateRange::new(before, start)?,
        });
    }
    let last = start
        .pred_opt()
        .ok_or(Error::DateOutOfRange { date: start })?;
    year_containing(policy, employment, last)
}

/// The accrual periods of `year`: covering it without gap or overlap, or,
/// for [`AccrualFrequency::PerScheduledPayPeriod`], the pay periods that
/// start (end, with [`AllocationDay::LastDay`]) inside it.
fn periods(year: &LeaveYear, policy: &LeavePolicy) -> Result<Vec<DateRange>> {
    let accrual = policy.accrual;
    let month = |k: u32| -> Result<NaiveDate> {
        if k == 12 {
            Ok(year.range.end())
        } else {
            add_months(year.base, year.offset + k)
        }
    };
    let by_months = |step: u32| -> Result<Vec<DateRange>> {
        (0..12 / step)
            .map(|i| Ok(DateRange::new(month(i * step)?, month((i + 1) * step)?)?))
            .collect()
    };
    match accrual {
        AccrualFrequency::PerScheduledPayPeriod(schedule) => {
            let by_last_day = policy.allocation == AllocationDay::LastDay;
            schedule
                .periods_overlapping(year.range)?
                .into_iter()
                .filter(|p| {
                    year.range.contains(if by_last_day {
                        p.last_day()
                    } else {
                        p.first_day()
                    })
                })
                .map(|p| p.range())
                .collect()
        }
        AccrualFrequency::YearlyUpFront => Ok(vec![year.range]),
        AccrualFrequency::Quarterly => by_months(3),
        AccrualFrequency::Monthly | AccrualFrequency::PerPayPeriod(PayFrequency::Monthly) => {
            by_months(1)
        }
        AccrualFrequency::PerPayPeriod(PayFrequency::SemiMonthly) => {
            let mut halves = Vec::with_capacity(24);
            for m in by_months(1)? {
                let middle = m
                    .start()
                    .checked_add_days(Days::new(15))
                    .unwrap_or(m.end())
                    .min(m.end());
                halves.push(DateRange::new(m.start(), middle)?);
                halves.push(DateRange::new(middle, m.end())?);
            }
            Ok(halves)
        }
        AccrualFrequency::PerPayPeriod(frequency) => {
            let n = u64::from(frequency.periods_per_year());
            let length = year.range.len_days();
            let boundary = |i: u64| {
                year.range
                    .start()
                    .checked_add_days(Days::new(length * i / n))
                    .ok_or(Error::DateOutOfRange {
                        date: year.range.start(),
                    })
            };
            (0..n)
                .map(|i| Ok(DateRange::new(boundary(i)?, boundary(i + 1)?)?))
                .collect()
        }
    }
}

fn allocation_date(
    allocation: AllocationDay,
    period: DateRange,
    employment: &LeaveEmployment,
) -> Result<NaiveDate> {
    Ok(match allocation {
        AllocationDay::FirstDay | AllocationDay::Anniversary => {
            period.start().max(employment.start())
        }
        AllocationDay::LastDay => {
            let end = employment
                .end()
                .map_or(period.end(), |end| period.end().min(end));
            end.pred_opt().ok_or(Error::DateOutOfRange { date: end })?
        }
    })
}

impl Aggregate for LeaveAccount {
    type Command = LeaveCommand;
    type Event = LeaveEvent;
    type Error = Error;

    fn decide(&self, command: &LeaveCommand) -> Result<Vec<LeaveEvent>> {
        match command {
            LeaveCommand::Configure {
                employee,
                policy,
                calendar,
                employment,
            } => {
                if let Some(setup) = &self.setup {
                    if setup.employee != *employee {
                        return Err(Error::OtherEmployee {
                            employee: setup.employee,
                            given: *employee,
                        });
                    }
                    if self.accrued_through.is_some()
                        && setup.employment.start() != employment.start()
                    {
                        return Err(Error::EmploymentStartChanged {
                            employee: setup.employee,
                            start: setup.employment.start(),
                        });
                    }
                }
                Ok(vec![LeaveEvent::Configured {
                    employee: *employee,
                    policy: policy.clone(),
                    calendar: calendar.clone(),
                    employment: *employment,
                }])
            }
            LeaveCommand::Accrue { through } => self.decide_accrual(*through),
            LeaveCommand::Request { id, span } => Ok(vec![self.decide_request(*id, span)?]),
            LeaveCommand::Approve { id } => {
                let setup = self.setup("approve a request")?;
                let request = self.existing(*id)?;
                if request.status != RequestStatus::Pending {
                    return Err(Error::RequestNotPending {
                        request: *id,
                        status: request.status,
                    });
                }
                let needed = LeaveDays::from(request.days);
                let date = request.span.start();
                let available = Self::headroom(&self.ledger, &setup.policy, date);
                if needed.value() > available {
                    return Err(Error::InsufficientBalance {
                        date,
                        needed,
                        available: LeaveDays::new(available),
                    });
                }
                Ok(vec![LeaveEvent::Approved {
                    id: *id,
                    movement: Movement::new(date, MovementKind::Taken, -needed, Some(*id)),
                }])
            }
            LeaveCommand::Reject { id } => {
                self.setup("reject a request")?;
                let request = self.existing(*id)?;
                if request.status != RequestStatus::Pending {
                    return Err(Error::RequestNotPending {
                        request: *id,
                        status: request.status,
                    });
                }
                Ok(vec![LeaveEvent::Rejected { id: *id }])
            }
            LeaveCommand::Cancel { id } => {
                self.setup("cancel a request")?;
                let request = self.existing(*id)?;
                if !request.is_live() {
                    return Err(Error::RequestNotPending {
                        request: *id,
                        status: request.status,
                    });
                }
                Ok(vec![LeaveEvent::Cancelled { id: *id }])
            }
            LeaveCommand::Adjust { date, days, reason } => {
                let setup = self.setup("adjust the balance")?;
                let limit = Decimal::from(MAX_POLICY_DAYS);
                if days.value().is_zero() || days.value().abs() > limit {
                    return Err(Error::InvalidPolicyDays {
                        what: "adjustment",
                        days: *days,
                    });
                }
                let available = Self::headroom(&self.ledger, &setup.policy, *date);
                if days.is_negative() && -days.value() > available {
                    return Err(Error::InsufficientBalance {
                        date: *date,
                        needed: -*days,
                        available: LeaveDays::new(available),
                    });
                }
                Ok(vec![LeaveEvent::Adjusted {
                    movement: Movement::new(*date, MovementKind::Adjustment, *days, None),
                    reason: reason.clone(),
                }])
            }
        }
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back (an accrual is
    /// recomputed and must match movement for movement).
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`].
    fn replay(&mut self, event: &LeaveEvent) -> Result<()> {
        let command = match event.clone() {
            LeaveEvent::Configured {
                employee,
                policy,
                calendar,
                employment,
            } => LeaveCommand::Configure {
                employee,
                policy,
                calendar,
                employment,
            },
            LeaveEvent::Accrued { through, .. } => LeaveCommand::Accrue { through },
            LeaveEvent::Requested { id, span, .. } => LeaveCommand::Request { id, span },
            LeaveEvent::Approved { id, .. } => LeaveCommand::Approve { id },
            LeaveEvent::Rejected { id } => LeaveCommand::Reject { id },
            LeaveEvent::Cancelled { id } => LeaveCommand::Cancel { id },
            LeaveEvent::Adjusted { movement, reason } => LeaveCommand::Adjust {
                date: movement.date(),
                days: movement.days(),
                reason,
            },
        };
        crate::replay::by_deciding(self, &command, event)
    }

    fn apply(&mut self, event: &LeaveEvent) {
        match event {
            LeaveEvent::Configured {
                employee,
                policy,
                calendar,
                employment,
            } => {
                self.setup = Some(Setup {
                    employee: *employee,
                    policy: policy.clone(),
                    calendar: calendar.clone(),
                    employment: *employment,
                });
            }
            LeaveEvent::Accrued {
                through,
                movements,
                progress,
            } => {
                for movement in movements {
                    self.ledger.insert(*movement);
                }
                self.accrued_through = Some(*through);
                self.progress = *progress;
            }
            LeaveEvent::Requested { id, span, days } => {
                self.requests.insert(
                    *id,
                    LeaveRequestRecord {
                        span: *span,
                        days: *days,
                        status: RequestStatus::Pending,
                    },
                );
            }
            LeaveEvent::Approved { id, movement } => {
                self.ledger.insert(*movement);
                if let Some(request) = self.requests.get_mut(id) {
                    request.status = RequestStatus::Approved;
                }
            }
            LeaveEvent::Rejected { id } => {
                if let Some(request) = self.requests.get_mut(id) {
                    request.status = RequestStatus::Rejected;
                }
            }
            LeaveEvent::Cancelled { id } => {
                self.ledger.remove_request(*id);
                if let Some(request) = self.requests.get_mut(id) {
                    request.status = RequestStatus::Cancelled;
                }
            }
            LeaveEvent::Adjusted { movement, .. } => self.ledger.insert(*movement),
        }
    }
}
