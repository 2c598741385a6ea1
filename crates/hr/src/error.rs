//! The one error type of bureau-hr.

use bureau_core::{Decimal, EmployeeId, Money};
use chrono::NaiveDate;

use crate::EmploymentStatus;

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
    /// An employee named as their own manager.
    #[error("employee {employee} cannot be their own manager")]
    #[non_exhaustive]
    SelfManaged {
        /// The employee.
        employee: EmployeeId,
    },
    /// A lifecycle command the employee's status does not allow.
    #[error("employee {employee} is {}: cannot {command}", status.map_or("not hired".to_owned(), |s| s.to_string()))]
    #[non_exhaustive]
    InvalidTransition {
        /// The employee.
        employee: EmployeeId,
        /// Their latest status, `None` before the hire.
        status: Option<EmploymentStatus>,
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
}

/// The result type of bureau-hr.
pub type Result<T, E = Error> = core::result::Result<T, E>;
