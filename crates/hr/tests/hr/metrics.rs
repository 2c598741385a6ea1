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
