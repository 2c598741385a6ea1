//! The one error type of bureau-hr.

use bureau_core::{Currency, Decimal, EmployeeId, Money, Rate};
use chrono::NaiveDate;

use bureau_core::DateRange;

use bureau_calendar::WallInterval;
use chrono::{DateTime, Utc};

use crate::{
    ClaimStatus, EmploymentStatus, ExpenseCategory, Hours, LeaveDays, LeaveRequestId,
    PayComponentName, PayFrequency, PayrollRunStatus, RequestStatus, TimesheetStatus, WorkInterval,
};

/// Everything that can go wrong in bureau-hr. Every variant names the value
/// that was wrong.
///
/// ```
/// use bureau_hr::Fte;
/// use bureau_core::Decimal;
/// let err = Fte::new(Decimal::new(15, 1)).unwrap_err();
/// assert_eq!(err.to_string(), "FTE fraction 1.5 is not in (0, 1]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A name, title or code broke the text rules.
    #[error("invalid {kind} {text:?}: {reason}")]
    #[non_exhaustive]
    InvalidText {
        /// What the text was for.
        kind: &'static str,
        /// The text.
        text: String,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// Not a work email address.
    #[error("invalid work email {text:?}")]
    #[non_exhaustive]
    InvalidEmail {
        /// The text.
        text: String,
    },
    /// An FTE fraction outside `(0, 1]`.
    #[error("FTE fraction {fte} is not in (0, 1]")]
    #[non_exhaustive]
    InvalidFte {
        /// The fraction.
        fte: Decimal,
    },
    /// A pay rate of zero or less.
    #[error("pay rate {amount} is not positive")]
    #[non_exhaustive]
    NonPositivePay {
        /// The amount.
        amount: Money,
    },
    /// A command other than the creating one sent to an aggregate in its
    /// default, not yet created state (an employee not hired, a leave
    /// account not configured, a timesheet not opened, a claim not
    /// submitted).
    #[error("no {aggregate} created yet: cannot {command}")]
    #[non_exhaustive]
    NotCreated {
        /// Which kind of aggregate.
        aggregate: &'static str,
        /// What was asked.
        command: &'static str,
    },
    /// An employee named as their own manager.
    #[error("employee {employee} cannot be their own manager")]
    #[non_exhaustive]
    SelfManaged {
        /// The employee.
        employee: EmployeeId,
    },
    /// A lifecycle command the employee's status does not allow.
    #[error("employee {employee} is {status}: cannot {command}")]
    #[non_exhaustive]
    InvalidTransition {
        /// The employee.
        employee: EmployeeId,
        /// Their latest status.
        status: EmploymentStatus,
        /// What was asked.
        command: &'static str,
    },
    /// A change dated before the latest record of the employee.
    #[error(
        "employee {employee}: change dated {date} comes before the latest record, effective {latest}"
    )]
    #[non_exhaustive]
    Backdated {
        /// The employee.
        employee: EmployeeId,
        /// The change's date.
        date: NaiveDate,
        /// The latest record's effective date.
        latest: NaiveDate,
    },
    /// A transfer, promotion or pay change that does not change what it
    /// should (or changes what it should not).
    #[error("employee {employee}: the {command} does not change what a {command} changes")]
    #[non_exhaustive]
    NoChange {
        /// The employee.
        employee: EmployeeId,
        /// What was asked.
        command: &'static str,
    },
    /// Notice given after the last working day.
    #[error("notice given on {notice_given} comes after the last working day {last_working_day}")]
    #[non_exhaustive]
    NoticeAfterLastDay {
        /// When notice was given.
        notice_given: NaiveDate,
        /// The last working day.
        last_working_day: NaiveDate,
    },
    /// A date with no day after it.
    #[error("{date} is the last representable date")]
    #[non_exhaustive]
    DateOutOfRange {
        /// The date.
        date: NaiveDate,
    },
    /// An org chart change dated before the latest accepted one.
    #[error("org chart change dated {date} comes before the latest change on {latest}")]
    #[non_exhaustive]
    OrgBackdated {
        /// The change's date.
        date: NaiveDate,
        /// The latest accepted change's date.
        latest: NaiveDate,
    },
    /// An employee who is not in the org chart on the date.
    #[error("employee {employee} is not in the org chart on {date}")]
    #[non_exhaustive]
    NotInOrgChart {
        /// The employee.
        employee: EmployeeId,
        /// The date.
        date: NaiveDate,
    },
    /// A manager change that would close a reporting loop.
    #[error("making {manager} the manager of {employee} creates a reporting cycle")]
    #[non_exhaustive]
    ReportingCycle {
        /// The employee.
        employee: EmployeeId,
        /// The manager asked for.
        manager: EmployeeId,
    },
    /// Removing a manager who still has reports.
    #[error("employee {employee} still has {reports} direct reports")]
    #[non_exhaustive]
    HasReports {
        /// The manager.
        employee: EmployeeId,
        /// How many report to them.
        reports: usize,
    },
    /// A policy figure below zero or above [`MAX_POLICY_DAYS`](crate::MAX_POLICY_DAYS).
    #[error("{what} of {days} days is not between 0 and 10000")]
    #[non_exhaustive]
    InvalidPolicyDays {
        /// Which figure.
        what: &'static str,
        /// Its value.
        days: LeaveDays,
    },
    /// An entitlement that is not a multiple of the rounding step.
    #[error("entitlement {entitlement} is not a multiple of the rounding step {step}")]
    #[non_exhaustive]
    EntitlementOffStep {
        /// The entitlement.
        entitlement: LeaveDays,
        /// The step.
        step: LeaveDays,
    },
    /// A carry-over expiry outside 1 to 12 months.
    #[error("carried days cannot expire after {months} months: 1 to 12 allowed")]
    #[non_exhaustive]
    InvalidExpiry {
        /// The months asked for.
        months: u32,
    },
    /// A leave year start that is not a day of every year.
    #[error("a leave year cannot start on month {month} day {day}")]
    #[non_exhaustive]
    InvalidYearStart {
        /// The month.
        month: u32,
        /// The day.
        day: u32,
    },
    /// An employment end on or before its start.
    #[error("employment ending {end} does not come after its start {start}")]
    #[non_exhaustive]
    InvalidEmploymentEnd {
        /// The start.
        start: NaiveDate,
        /// The end asked for.
        end: NaiveDate,
    },
    /// A command naming another employee than the one the aggregate
    /// belongs to.
    #[error("this belongs to employee {employee}, not to {given}")]
    #[non_exhaustive]
    OtherEmployee {
        /// Whose it is.
        employee: EmployeeId,
        /// Who the command named.
        given: EmployeeId,
    },
    /// Changing the employment start of an account that has accrued.
    #[error(
        "the leave account of employee {employee} has accrued from {start}: its employment start cannot change"
    )]
    #[non_exhaustive]
    EmploymentStartChanged {
        /// The employee.
        employee: EmployeeId,
        /// The start accrual ran from.
        start: NaiveDate,
    },
    /// A leave span with no date.
    #[error("leave span {range} holds no date")]
    #[non_exhaustive]
    EmptyLeaveSpan {
        /// The range.
        range: DateRange,
    },
    /// A single day halved at both ends.
    #[error("leave on {date} cannot be half a day at both ends")]
    #[non_exhaustive]
    InvalidHalfDays {
        /// The day.
        date: NaiveDate,
    },
    /// A request id already used.
    #[error("leave request {request} already exists")]
    #[non_exhaustive]
    DuplicateRequest {
        /// The request.
        request: LeaveRequestId,
    },
    /// A request id not known.
    #[error("no leave request {request}")]
    #[non_exhaustive]
    UnknownRequest {
        /// The request.
        request: LeaveRequestId,
    },
    /// A request outside the employment.
    #[error("leave {range} falls outside the employment")]
    #[non_exhaustive]
    OutsideEmployment {
        /// The dates asked for.
        range: DateRange,
    },
    /// A request before the minimum service.
    #[error("leave starting {date} comes before the minimum service is reached on {eligible_from}")]
    #[non_exhaustive]
    ServiceTooShort {
        /// The request's first day.
        date: NaiveDate,
        /// The first day leave may start.
        eligible_from: NaiveDate,
    },
    /// A request overlapping a pending or approved one.
    #[error("leave request {request} overlaps leave request {existing}")]
    #[non_exhaustive]
    OverlappingRequest {
        /// The new request.
        request: LeaveRequestId,
        /// The request it overlaps.
        existing: LeaveRequestId,
    },
    /// A request over days that count nothing.
    #[error("leave {range} takes no day")]
    #[non_exhaustive]
    NothingToTake {
        /// The dates asked for.
        range: DateRange,
    },
    /// Deciding a request that is not in a state to be decided.
    #[error("leave request {request} is {status}")]
    #[non_exhaustive]
    RequestNotPending {
        /// The request.
        request: LeaveRequestId,
        /// Where it stands.
        status: RequestStatus,
    },
    /// Days the balance cannot give without going below the policy's floor.
    #[error(
        "taking {needed} days on {date} leaves the balance below its floor: {available} days available"
    )]
    #[non_exhaustive]
    InsufficientBalance {
        /// The day.
        date: NaiveDate,
        /// The days asked for.
        needed: LeaveDays,
        /// The days that may leave the balance.
        available: LeaveDays,
    },
    /// An accrual asked to cover more than [`MAX_ACCRUAL_YEARS`](crate::MAX_ACCRUAL_YEARS) years.
    #[error("accruing from {from} through {through} covers more than 100 years")]
    #[non_exhaustive]
    AccrualTooLong {
        /// The first day not yet accrued.
        from: NaiveDate,
        /// The day asked for.
        through: NaiveDate,
    },
    /// A stored event that the rules, applied to the state it is replayed
    /// on, would not decide: the stream was altered or written by other rules.
    #[error("stored {event} event does not follow from the state it is replayed on")]
    #[non_exhaustive]
    ReplayRejected {
        /// The event's type name ([`DomainEvent::event_type`](bureau_core::DomainEvent::event_type)).
        event: &'static str,
    },
    /// A pay schedule anchored on a day its frequency cannot start on.
    #[error("{frequency} pay periods cannot start on {anchor}: {reason}")]
    #[non_exhaustive]
    InvalidPayAnchor {
        /// The frequency.
        frequency: PayFrequency,
        /// The anchor date.
        anchor: NaiveDate,
        /// Which days are allowed.
        reason: &'static str,
    },
    /// A pay period reaching past the dates chrono can represent.
    #[error("the pay period of {date} reaches past the last representable date")]
    #[non_exhaustive]
    PayPeriodOutOfRange {
        /// The date asked about.
        date: NaiveDate,
    },
    /// Hours that are negative, finer than a hundredth or too many.
    #[error("hours {hours} are not a non-negative multiple of 0.01")]
    #[non_exhaustive]
    InvalidHours {
        /// The number.
        hours: Decimal,
    },
    /// A pay multiplier below 1 or above [`MAX_MULTIPLIER`](crate::MAX_MULTIPLIER).
    #[error("pay multiplier {multiplier} is not between 1 and 100")]
    #[non_exhaustive]
    InvalidMultiplier {
        /// The multiplier.
        multiplier: Decimal,
    },
    /// A worked interval that cannot be recorded.
    #[error("worked interval {start} to {end}: {reason}")]
    #[non_exhaustive]
    InvalidWorkInterval {
        /// Its start.
        start: DateTime<Utc>,
        /// Its end.
        end: DateTime<Utc>,
        /// What is wrong.
        reason: &'static str,
    },
    /// A local time a clock change skips.
    #[error("worked time {time} on {date} names a local time that does not exist")]
    #[non_exhaustive]
    NonexistentLocalTime {
        /// The local date.
        date: NaiveDate,
        /// The wall-clock interval.
        time: WallInterval,
    },
    /// Worked time starting outside the timesheet's days.
    #[error("worked interval {interval} starts outside the timesheet's days {period}")]
    #[non_exhaustive]
    WorkOutsidePeriod {
        /// The interval.
        interval: WorkInterval,
        /// The timesheet's days.
        period: DateRange,
    },
    /// Worked time overlapping time already recorded.
    #[error("worked interval {interval} overlaps {existing}")]
    #[non_exhaustive]
    OverlappingWork {
        /// The new interval.
        interval: WorkInterval,
        /// The interval it overlaps.
        existing: WorkInterval,
    },
    /// A timesheet command its status does not allow.
    #[error("timesheet of {employee} is {status}: cannot {command}")]
    #[non_exhaustive]
    TimesheetNotAllowed {
        /// The employee.
        employee: EmployeeId,
        /// Its status.
        status: TimesheetStatus,
        /// What was asked.
        command: &'static str,
    },
    /// An employee approving their own timesheet.
    #[error("employee {employee} cannot approve their own timesheet")]
    #[non_exhaustive]
    SelfApproval {
        /// The employee.
        employee: EmployeeId,
    },
    /// A tax table that is not a progressive table of bands.
    #[error("invalid tax table: {reason}")]
    #[non_exhaustive]
    InvalidTaxTable {
        /// Which rule it broke.
        reason: &'static str,
    },
    /// A contribution rate outside `[0, 1]`.
    #[error("contribution {component}: rate {rate} is not in [0, 1]")]
    #[non_exhaustive]
    InvalidContributionRate {
        /// The contribution.
        component: PayComponentName,
        /// The rate.
        rate: Rate,
    },
    /// Standard annual hours of zero, used to find a salary's hourly equivalent.
    #[error("standard annual hours must be positive, not {hours}")]
    #[non_exhaustive]
    NoAnnualHours {
        /// The hours given.
        hours: Hours,
    },
    /// An amount in another currency than the payroll's.
    #[error("employee {employee}: {line} is in {found}, the payroll pays in {expected}")]
    #[non_exhaustive]
    PayCurrency {
        /// The employee.
        employee: EmployeeId,
        /// Which input.
        line: String,
        /// The payroll's currency.
        expected: Currency,
        /// The input's currency.
        found: Currency,
    },
    /// A negative amount given as a deduction.
    #[error("employee {employee}: deduction {line} of {amount} is negative")]
    #[non_exhaustive]
    NegativeDeduction {
        /// The employee.
        employee: EmployeeId,
        /// The deduction.
        line: String,
        /// Its amount.
        amount: Money,
    },
    /// A negative amount given as a reimbursement.
    #[error("employee {employee}: reimbursement {line} of {amount} is negative")]
    #[non_exhaustive]
    NegativeReimbursement {
        /// The employee.
        employee: EmployeeId,
        /// The reimbursement.
        line: String,
        /// Its amount.
        amount: Money,
    },
    /// A period number outside the tax year.
    #[error("employee {employee}: period number {number} is not in 1..={max} for {frequency} pay")]
    #[non_exhaustive]
    InvalidPeriodNumber {
        /// The employee.
        employee: EmployeeId,
        /// The number given.
        number: u32,
        /// The most periods a tax year holds at this frequency.
        max: u32,
        /// The pay frequency.
        frequency: PayFrequency,
    },
    /// Days of employment outside the pay period.
    #[error(
        "employee {employee}: employed {employed} does not overlap the pay period {first} to {last}"
    )]
    #[non_exhaustive]
    EmploymentOutsidePeriod {
        /// The employee.
        employee: EmployeeId,
        /// The days of employment given.
        employed: DateRange,
        /// The period's first day.
        first: NaiveDate,
        /// The period's last day.
        last: NaiveDate,
    },
    /// Hours classified for another pay period than the payslip's.
    #[error(
        "employee {employee}: hours of the period from {hours_first} given for the period from {period_first}"
    )]
    #[non_exhaustive]
    HoursForOtherPeriod {
        /// The employee.
        employee: EmployeeId,
        /// First day of the period the hours belong to.
        hours_first: NaiveDate,
        /// First day of the payslip's period.
        period_first: NaiveDate,
    },
    /// More unpaid leave days than paid days, or unpaid leave without a salary.
    #[error(
        "employee {employee}: {unpaid} unpaid leave days cannot be deducted from {paid} salaried days"
    )]
    #[non_exhaustive]
    UnpaidLeaveExceedsPaidDays {
        /// The employee.
        employee: EmployeeId,
        /// The unpaid days.
        unpaid: LeaveDays,
        /// The salaried days of the period (zero for hourly pay).
        paid: Decimal,
    },
    /// Net pay below zero under [`NegativeNet::Reject`](crate::NegativeNet::Reject).
    #[error("employee {employee}: net pay {net} is below zero after {}", lines.join(", "))]
    #[non_exhaustive]
    NegativeNet {
        /// The employee.
        employee: EmployeeId,
        /// The net pay that came out.
        net: Money,
        /// The deduction lines, as `kind component: amount`.
        lines: Vec<String>,
    },
    /// A pay computation that leaves the range of an amount.
    #[error("employee {employee}: {line} overflows")]
    #[non_exhaustive]
    PayOverflow {
        /// The employee.
        employee: EmployeeId,
        /// The line being computed.
        line: &'static str,
    },
    /// A stored or received value (read with `serde`) that no constructor
    /// would build.
    #[error("invalid {what}: {reason}")]
    #[non_exhaustive]
    InvalidRecord {
        /// What was read.
        what: &'static str,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// A payroll run command its status does not allow.
    #[error("payroll run of the period from {first_day} is {status}: cannot {command}")]
    #[non_exhaustive]
    PayrollRunNotAllowed {
        /// The first day of the run's period.
        first_day: NaiveDate,
        /// Its status.
        status: PayrollRunStatus,
        /// What was asked.
        command: &'static str,
    },
    /// A payslip that does not belong in the payroll run it was given to.
    #[error("the payslip of employee {employee} does not belong in the run: {reason}")]
    #[non_exhaustive]
    PayslipNotInRun {
        /// Whose payslip.
        employee: EmployeeId,
        /// Why not.
        reason: &'static str,
    },
    /// Someone approving a payroll run that pays them.
    #[error("employee {approver} is paid in the run and cannot approve it")]
    #[non_exhaustive]
    OwnPayApproval {
        /// Who tried to approve.
        approver: EmployeeId,
    },
    /// A payroll run paid before the day it was approved.
    #[error("payroll run approved on {approved} cannot be paid on {paid}")]
    #[non_exhaustive]
    PaidBeforeApproval {
        /// The approval day.
        approved: NaiveDate,
        /// The pay day asked.
        paid: NaiveDate,
    },
    /// A recruitment command the state of a requisition or candidate does
    /// not allow.
    #[error("{subject} {id} is {status}: cannot {command}")]
    #[non_exhaustive]
    RecruitmentNotAllowed {
        /// `requisition` or `candidate`.
        subject: &'static str,
        /// Its id, as text.
        id: String,
        /// Where it stands.
        status: &'static str,
        /// What was asked.
        command: &'static str,
    },
    /// A requisition, pipeline or offer that breaks a recruitment rule.
    #[error("invalid {what}: {reason}")]
    #[non_exhaustive]
    InvalidRecruitment {
        /// What was given.
        what: &'static str,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// A stage that is not the candidate's next one.
    #[error("candidate {candidate} cannot move to stage {stage}: {reason}")]
    #[non_exhaustive]
    StageNotNext {
        /// The candidate, as text.
        candidate: String,
        /// The stage asked.
        stage: String,
        /// Why not.
        reason: &'static str,
    },
    /// An offer above the requisition's budget.
    #[error("offer of {offered} a year is above the budget of {budget}")]
    #[non_exhaustive]
    OverBudget {
        /// The annual pay offered.
        offered: Money,
        /// The budget.
        budget: Money,
    },
    /// An expense claim without a line.
    #[error("expense claim of {claimant} has no line")]
    #[non_exhaustive]
    EmptyClaim {
        /// The claimant.
        claimant: EmployeeId,
    },
    /// An expense line in another currency without a matching exchange rate.
    #[error("expense line {line}: {from} needs an exchange rate to {to}")]
    #[non_exhaustive]
    MissingExchangeRate {
        /// The line's position in the claim, from 0.
        line: usize,
        /// The line's currency.
        from: Currency,
        /// The policy's currency.
        to: Currency,
    },
    /// An expense line, or a day's lines of one category, above the policy's limit.
    #[error("expense {category}{}: {amount} is above the limit of {limit}", date.map_or(String::new(), |d| format!(" on {d}")))]
    #[non_exhaustive]
    ExpenseLimitExceeded {
        /// The category.
        category: ExpenseCategory,
        /// The day, for a daily limit; `None` for a limit per line.
        date: Option<NaiveDate>,
        /// The amount claimed, in the policy's currency.
        amount: Money,
        /// The limit.
        limit: Money,
    },
    /// An expense claim command its status does not allow.
    #[error("expense claim of {claimant} is {status}: cannot {command}")]
    #[non_exhaustive]
    ClaimNotAllowed {
        /// The claimant.
        claimant: EmployeeId,
        /// Its status.
        status: ClaimStatus,
        /// What was asked.
        command: &'static str,
    },
    /// A decision on an expense claim by someone other than the claimant's manager.
    #[error("employee {approver} is not the manager of claimant {claimant} (manager: {})", manager.map_or("none".to_owned(), |m| m.to_string()))]
    #[non_exhaustive]
    NotClaimantsManager {
        /// Who tried to decide.
        approver: EmployeeId,
        /// The claimant.
        claimant: EmployeeId,
        /// The claimant's manager in the org chart on the day.
        manager: Option<EmployeeId>,
    },
    /// A date or range error from bureau-core.
    #[error(transparent)]
    Core(#[from] bureau_core::Error),
}

/// The result type of bureau-hr.
pub type Result<T, E = Error> = core::result::Result<T, E>;
