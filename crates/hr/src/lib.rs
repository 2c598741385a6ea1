//! Human resources rules as typed models and pure functions.
//!
//! # Overview
//!
//! - [`Employee`]: an aggregate holding a [`Profile`] (name, [`WorkEmail`],
//!   minimal [`PersonalData`], each field [`Sensitive`] and left out of
//!   `Debug`) and an effective-dated history of [`EmploymentRecord`]s. The
//!   lifecycle (hire, probation end, transfer, promotion, pay change, leave
//!   of absence, termination, rehire) goes through [`EmployeeCommand`]s
//!   with guarded transitions; [`Employee::terms_as_of`] and
//!   [`Employee::status_as_of`] answer for any date.
//! - [`EmploymentTerms`]: department, position, manager, cost centre,
//!   [`Workplace`] (location and the key of its working-time calendar),
//!   [`Fte`], [`ContractType`], [`PayRate`] and [`PayFrequency`].
//! - [`OrgChart`]: reporting lines and departments over time, never with a
//!   cycle; chain of command, direct and indirect reports, span of control,
//!   headcount by department as of a date.
//! - [`LeavePolicy`]: a [`LeaveType`]'s entitlement per leave year, its
//!   [`AccrualFrequency`] and [`AllocationDay`], [`Proration`] for joiners,
//!   leavers and part time, rounding to a [`LeaveStep`] with a named
//!   [`RoundingStrategy`](bureau_core::RoundingStrategy), [`CarryOver`] cap
//!   and expiry, maximum balance, negative allowance, minimum service and
//!   [`DayCounting`].
//! - [`LeaveAccount`]: one employee's balance of one leave type, an
//!   aggregate configured (by event) with the policy, the employee's
//!   [`bureau_calendar::Calendar`] and [`LeaveEmployment`]. It posts
//!   accrual, carry-over and expiry [`Movement`]s, and takes requests
//!   ([`LeaveSpan`]: dates with half days at either end, counted in
//!   [`WorkingDays`](bureau_calendar::WorkingDays)) through approve, reject
//!   and cancel. [`LeaveAccount::balance_as_of`] is a binary search over
//!   sorted movements with running totals; [`LeaveAccount::taken_in`]
//!   gives the days taken inside a pay period.
//! - [`PaySchedule`]: a [`PayFrequency`] and an anchor date cutting time
//!   into [`PayPeriod`]s (semi-monthly from the 1st and 16th or from any
//!   other anchor day, monthly from the 1st or the 26th, ...); the periods
//!   overlapping a range, and the periods a tax year pays for.
//! - [`Timesheet`]: an aggregate of one employee's [`WorkInterval`]s over a
//!   period ([`WorkedTime`]: instants, or a local date and
//!   [`WallInterval`](bureau_calendar::WallInterval) on the employee's
//!   calendar), overlaps refused, submitted and approved.
//!   [`OvertimeRules`] (daily and weekly [`Threshold`]s, rest-day and
//!   holiday [`Multiplier`]s) classify worked time into [`PeriodHours`]:
//!   exact [`Hours`] by pay period and multiplier, daily overtime left out
//!   of the weekly count, the highest multiplier winning.
//! - [`gross_to_net`]: one employee's [`Payslip`] for one period from a
//!   [`PayInput`] (salary prorated by [`ProrationBasis`] through
//!   [`Money::allocate`](bureau_core::Money::allocate), hourly pay and
//!   overtime from [`PeriodHours`], bonus, commission, unpaid leave, pre-
//!   and post-tax deductions, expense claims paid back) under a
//!   [`PayrollConfig`] (a progressive
//!   [`TaxTable`] applied by [`TaxMethod`], [`Contribution`]s with annual
//!   caps, one [`RoundingStrategy`](bureau_core::RoundingStrategy) applied
//!   once per line, [`NegativeNet`]). Every [`PayLine`] keeps its
//!   [`LineBasis`], [`LineRate`] and amount; [`YearToDate`] carries the
//!   totals from one period to the next. [`PayrollCalculation`] runs many
//!   employees and totals each component ([`ComponentTotal`]).
//! - [`PayrollRun`]: one pay period's payroll as an aggregate, opened with
//!   its [`PayrollConfig`], calculated (the payslips recorded), approved
//!   by someone it does not pay, and paid ([`PayrollRunEvent::Paid`]
//!   carries the totals per component for a ledger posting).
//! - [`ExpenseClaim`]: an aggregate of [`ExpenseLine`]s in any currency
//!   with the rate used, checked against an [`ExpensePolicy`] (limits per
//!   category per line and per day), approved or rejected by the
//!   claimant's manager in the [`OrgChart`] (never the claimant) and
//!   reimbursed through payroll ([`PayInput::with_reimbursement`]) or as a
//!   payable ([`Reimbursement`]).
//! - [`Requisition`]: a position, department, headcount, annual budget per
//!   hire and [`Pipeline`] of stages; it counts hires up to the headcount.
//!   [`Candidate`]: one application moving through the pipeline a stage
//!   at a time to an [`Offer`] within the budget, accepted or declined,
//!   and a hire whose [`CandidateEvent::Hired`] carries what
//!   [`EmployeeCommand::Hire`] needs ([`CandidateEvent::employee_hire`]).
//! - [`headcount`] and [`workforce_metrics`]: heads and FTE as of a date;
//!   joiners, leavers, turnover, retention, average tenure and absence
//!   rate over a period ([`WorkforceMetrics`]; [`Absence::from_accounts`]
//!   measures absence from leave accounts).
//!
//! Every aggregate is `Default`, in a "not created yet" state that accepts
//! only its creating command ([`EmployeeCommand::Hire`],
//! [`LeaveCommand::Configure`], [`TimesheetCommand::Open`],
//! [`ExpenseCommand::Submit`], each naming the employee;
//! [`PayrollRunCommand::Open`], [`RequisitionCommand::Open`],
//! [`CandidateCommand::Apply`]) and refuses the
//! others with [`Error::NotCreated`], so a storage repository can fold a
//! stream into it.
//!
//! Nothing here reads a clock or draws a random value: every date is an
//! input, and the same inputs give the same outputs.
//!
//! # Crate map
//!
//! | module (re-exported at the root) | holds |
//! |---|---|
//! | `text` | validated names and codes: [`PersonName`], [`WorkEmail`], [`DepartmentName`], ... |
//! | `sensitive` | [`Sensitive`], [`PersonalData`] |
//! | `employment` | [`EmploymentTerms`], [`Fte`], [`PayRate`], [`ContractType`], [`PayFrequency`] |
//! | `employee` | [`Employee`], [`EmployeeCommand`], [`EmployeeEvent`], [`EmploymentRecord`] |
//! | `org` | [`OrgChart`], [`OrgCommand`], [`OrgEvent`], [`Placement`] |
//! | `leave` | [`LeavePolicy`], [`LeaveAccount`], [`LeaveCommand`], [`LeaveEvent`], [`LeaveSpan`], [`LeaveDays`], [`Movement`] |
//! | `time` | [`PaySchedule`], [`PayPeriod`], [`Timesheet`], [`TimesheetCommand`], [`TimesheetEvent`], [`WorkInterval`], [`OvertimeRules`], [`PeriodHours`], [`Hours`], [`Multiplier`] |
//! | `payroll` | [`PayrollConfig`], [`TaxTable`], [`Contribution`], [`PayInput`], [`gross_to_net`], [`Payslip`], [`PayLine`], [`YearToDate`], [`PayrollCalculation`], [`PayrollRun`] |
//! | `expense` | [`ExpenseClaim`], [`ExpenseCommand`], [`ExpenseEvent`], [`ExpenseLine`], [`ExpensePolicy`] |
//! | `recruitment` | [`Requisition`], [`Candidate`], [`Pipeline`], [`Offer`], their commands and events |
//! | `metrics` | [`headcount`], [`workforce_metrics`], [`Headcount`], [`WorkforceMetrics`], [`Absence`] |
//! | [`strategy`] (feature `proptest`) | generators of valid values |
//!
//! # Crate features
//!
//! - `serde`: serialize and deserialize commands, events and records;
//!   deserializing validates what the constructors validate (text,
//!   fractions, tax tables, payroll configurations, pay periods, payslips).
//! - `proptest`: [`strategy`], generators of valid employment terms and
//!   command sequences, org chart changes, leave policies, leave spans, pay
//!   schedules, worked intervals, overtime rules, tax tables, payroll
//!   configurations, recruitment pipelines and candidate and requisition
//!   command sequences.

mod employee;
mod employment;
mod error;
mod expense;
mod leave;
mod metrics;
mod org;
mod payroll;
mod recruitment;
mod replay;
mod sensitive;
#[cfg(feature = "proptest")]
pub mod strategy;
mod text;
mod time;

pub use employee::{
    Change, Employee, EmployeeCommand, EmployeeEvent, EmploymentRecord, EmploymentStatus,
    Probation, Profile,
};
pub use employment::{
    ContractType, EmploymentTerms, Fte, PayBasis, PayFrequency, PayRate, Workplace,
};
pub use error::{Error, Result};
pub use expense::claim::{ClaimStatus, ExpenseClaim, ExpenseCommand, ExpenseEvent, Reimbursement};
pub use expense::policy::{ExpenseLine, ExpensePolicy};
pub use leave::account::{
    AccrualProgress, LeaveAccount, LeaveCommand, LeaveEvent, LeaveRequestRecord, RequestStatus,
};
pub use leave::days::LeaveDays;
pub use leave::ledger::{LeaveRequest, LeaveRequestId, Movement, MovementKind};
pub use leave::policy::{
    AccrualFrequency, AllocationDay, CarryOver, DayCounting, LeavePolicy, LeavePolicyBuilder,
    LeaveStep, LeaveType, LeaveYearStart, MAX_ACCRUAL_YEARS, MAX_POLICY_DAYS, Proration,
};
pub use leave::span::{DayPart, LeaveEmployment, LeaveSpan};
pub use metrics::{
    Absence, Headcount, METRIC_PLACES, WorkforceMetrics, headcount, workforce_metrics,
};
pub use org::{OrgChart, OrgCommand, OrgEvent, Placement};
pub use payroll::calculation::{ComponentTotal, PayrollCalculation};
pub use payroll::config::{
    Contribution, ContributionBasis, ContributionTiming, NegativeNet, PayrollConfig, ProrationBasis,
};
pub use payroll::gross_to_net::{PayInput, gross_to_net, period_number};
pub use payroll::payslip::{LineBasis, LineKind, LineRate, PayLine, Payslip, YearToDate};
pub use payroll::run::{PayrollRun, PayrollRunCommand, PayrollRunEvent, PayrollRunStatus};
pub use payroll::tax::{TaxBand, TaxMethod, TaxTable};
pub use recruitment::candidate::{
    Candidate, CandidateCommand, CandidateEvent, CandidateStatus, Offer,
};
pub use recruitment::requisition::{
    CandidateId, CandidateKind, Pipeline, Requisition, RequisitionCommand, RequisitionEvent,
    RequisitionId, RequisitionKind, RequisitionStatus,
};
pub use sensitive::{PersonalData, Sensitive};
pub use text::{
    BankAccount, CalendarKey, CostCentre, DepartmentName, ExpenseCategory, LeaveTypeName,
    LocationName, MAX_TEXT_LEN, NationalId, PayComponentName, PersonName, PositionTitle, Reason,
    ReceiptReference, StageName, WorkEmail,
};
pub use time::hours::{Hours, MAX_MULTIPLIER, Multiplier};
pub use time::overtime::{OvertimeRules, PeriodHours, Threshold};
pub use time::pay_period::{LAST_ANCHOR_DAY, PayPeriod, PaySchedule};
pub use time::timesheet::{
    Timesheet, TimesheetCommand, TimesheetEvent, TimesheetStatus, WorkInterval, WorkedTime,
};

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
