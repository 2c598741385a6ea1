//! Workforce metrics.

use bureau_core::{Aggregate, DateRange, Decimal, EmployeeId, Rate, money};
use bureau_hr::{
    Absence, CalendarKey, DepartmentName, Employee, EmployeeCommand, EmploymentTerms, Error, Fte,
    LeaveDays, LocationName, PayRate, PersonName, PersonalData, PositionTitle, Probation, Profile,
    Reason, WorkEmail, Workplace, headcount, workforce_metrics,
};
use chrono::NaiveDate;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn hired(id: u128, date: NaiveDate, fte: Fte) -> Result<Employee, Error> {
    let terms = EmploymentTerms::new(
        DepartmentName::new("Support")?,
        PositionTitle::new("Agent")?,
        Workplace::new(LocationName::new("Remote")?, CalendarKey::new("utc")?),
        PayRate::annual(money!(40000.00 USD))?,
    )
    .with_fte(fte);
    let mut employee = Employee::default();
    employee.handle(&EmployeeCommand::Hire {
        employee: EmployeeId::from_u128(id),
        date,
        profile: Profile::new(
            PersonName::new("Someone")?,
            WorkEmail::new("someone@example.com")?,
            PersonalData::new(),
        ),
        terms,
        probation: Probation::Waived,
    })?;
    Ok(employee)
}

#[test]
fn a_year_of_joiners_leavers_tenure_and_absence() -> TestResult {
    let a = hired(1, day(2025, 1, 1), Fte::FULL)?;
    let mut b = hired(2, day(2025, 6, 1), Fte::FULL)?;
    b.handle(&EmployeeCommand::Terminate {
        notice_given: day(2026, 3, 1),
        last_working_day: day(2026, 3, 31),
        reason: Reason::new("relocation")?,
    })?;
    let c = hired(3, day(2026, 2, 1), Fte::FULL)?;
    let d = hired(4, day(2024, 1, 1), Fte::new(Decimal::new(5, 1))?)?;
    let staff = [a, b, c, d];

    assert_eq!(headcount(&staff, day(2026, 3, 31)).heads, 4);
    assert_eq!(headcount(&staff, day(2026, 4, 1)).heads, 3);

    let year = DateRange::new(day(2026, 1, 1), day(2027, 1, 1))?;
    let metrics = workforce_metrics(
        &staff,
        year,
        Absence::new(LeaveDays::from(10), LeaveDays::from(500)),
    );
    assert_eq!(
        (metrics.opening.heads, metrics.opening.fte),
        (3, Decimal::new(25, 1))
    );
    assert_eq!(metrics.closing.heads, 3);
    assert_eq!((metrics.joiners, metrics.leavers), (1, 1));
    assert_eq!(metrics.turnover, Some(Rate::new(Decimal::new(3333, 4))));
    assert_eq!(metrics.retention, Some(Rate::new(Decimal::new(6667, 4))));
    // 730, 334 and 1096 days on 31 December.
    assert_eq!(metrics.average_tenure_days, Some(Decimal::from(720)));
    assert_eq!(metrics.absence_rate, Some(Rate::new(Decimal::new(2, 2))));

    // Nobody there: no rates.
    let empty = workforce_metrics(&[], year, Absence::default());
    assert_eq!(
        (
            empty.turnover,
            empty.retention,
            empty.average_tenure_days,
            empty.absence_rate
        ),
        (None, None, None, None)
    );
    Ok(())
}

/// The absence rate measured from leave accounts: sick days taken inside
/// the period over the working days each employee was scheduled, once per
/// employee whatever the number of accounts, up to a leaver's last day.
#[test]
fn the_absence_rate_comes_from_leave_accounts() -> TestResult {
    use bureau_calendar::{Calendar, Schedule, Tz};
    use bureau_hr::{
        LeaveAccount, LeaveCommand, LeaveEmployment, LeavePolicy, LeaveRequestId, LeaveSpan,
        LeaveType,
    };
    let calendar = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    let open = |id: u128,
                leave_type: LeaveType,
                employment: LeaveEmployment|
     -> Result<LeaveAccount, Box<dyn std::error::Error>> {
        let policy = LeavePolicy::builder(leave_type, LeaveDays::from(20)).build()?;
        let mut account = LeaveAccount::default();
        account.handle(&LeaveCommand::Configure {
            employee: EmployeeId::from_u128(id),
            policy,
            calendar: calendar.clone(),
            employment,
        })?;
        account.handle(&LeaveCommand::Accrue {
            through: day(2026, 12, 31),
        })?;
        Ok(account)
    };
    let take =
        |account: &mut LeaveAccount, n: u128, from: NaiveDate, to: NaiveDate| -> TestResult {
            let id = LeaveRequestId::from_u128(n);
            account.handle(&LeaveCommand::Request {
                id,
                span: LeaveSpan::new(DateRange::new(from, to)?)?,
            })?;
            account.handle(&LeaveCommand::Approve { id })?;
            Ok(())
        };
    let all_year = LeaveEmployment::new(day(2026, 1, 1), Fte::FULL);
    // Employee 1: sick Monday 29 June to Wednesday 1 July (2 days in June)
    // and a week of annual leave; employee 2 leaves after 12 June.
    let mut sick_1 = open(1, LeaveType::Sick, all_year)?;
    take(&mut sick_1, 1, day(2026, 6, 29), day(2026, 7, 2))?;
    let mut annual_1 = open(1, LeaveType::Annual, all_year)?;
    take(&mut annual_1, 1, day(2026, 6, 8), day(2026, 6, 13))?;
    let mut sick_2 = open(2, LeaveType::Sick, all_year.ending(day(2026, 6, 13))?)?;
    take(&mut sick_2, 1, day(2026, 6, 10), day(2026, 6, 11))?;
    let unconfigured = LeaveAccount::default();
    let june = DateRange::new(day(2026, 6, 1), day(2026, 7, 1))?;
    let sick_only = |t: &LeaveType| *t == LeaveType::Sick;
    let absence = Absence::from_accounts(
        june,
        [&sick_1, &annual_1, &sick_2, &unconfigured],
        sick_only,
    )?;
    // 2 + 1 sick days; 22 working days for employee 1, 10 for employee 2.
    assert_eq!(
        absence,
        Absence::new(LeaveDays::from(3), LeaveDays::from(32))
    );
    let metrics = workforce_metrics(&[], june, absence);
    assert_eq!(metrics.absence_rate, Some(Rate::new(Decimal::new(938, 4))));
    // Annual leave counted too: five more days.
    let all = Absence::from_accounts(june, [&sick_1, &annual_1, &sick_2], |_| true)?;
    assert_eq!(all.absent, LeaveDays::from(8));
    Ok(())
}
