//! Employees and the org chart.

use bureau_core::{Aggregate, EmployeeId, money};
use bureau_hr::{
    CalendarKey, DepartmentName, Employee, EmployeeCommand, EmploymentStatus, EmploymentTerms,
    Error, LocationName, OrgChart, OrgCommand, OrgEvent, PayRate, PersonName, PersonalData,
    Placement, PositionTitle, Probation, Profile, Reason, WorkEmail, Workplace, strategy,
};
use chrono::NaiveDate;
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn terms() -> Result<EmploymentTerms, Error> {
    Ok(EmploymentTerms::new(
        DepartmentName::new("Engineering")?,
        PositionTitle::new("Engineer")?,
        Workplace::new(
            LocationName::new("Berlin office")?,
            CalendarKey::new("de-berlin")?,
        ),
        PayRate::annual(money!(70000.00 USD))?,
    ))
}

/// Hires employee 9.
fn hire(date: NaiveDate) -> Result<EmployeeCommand, Error> {
    Ok(EmployeeCommand::Hire {
        employee: EmployeeId::from_u128(9),
        date,
        profile: Profile::new(
            PersonName::new("Ada Lovelace")?,
            WorkEmail::new("ada@example.com")?,
            PersonalData::new(),
        ),
        terms: terms()?,
        probation: Probation::Required,
    })
}

#[test]
fn lifecycle_guards_name_the_employee_and_status() -> TestResult {
    let id = EmployeeId::from_u128(9);
    let mut e = Employee::default();
    let err = e
        .decide(&EmployeeCommand::EndProbation {
            date: day(2026, 1, 1),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no employee created yet: cannot end probation"
    );
    e.handle(&hire(day(2026, 2, 1))?)?;
    assert_eq!(e.id(), Some(id));
    assert_eq!(
        e.decide(&hire(day(2026, 3, 1))?).map_err(|e| e.to_string()),
        Err(format!("employee {id} is on probation: cannot hire"))
    );
    let err = e
        .decide(&EmployeeCommand::EndProbation {
            date: day(2026, 1, 1),
        })
        .unwrap_err();
    assert!(matches!(err, Error::Backdated { latest, .. } if latest == day(2026, 2, 1)));
    // Transfer to the same place changes nothing.
    let same = EmployeeCommand::Transfer {
        date: day(2026, 3, 1),
        terms: terms()?,
    };
    assert!(matches!(e.decide(&same), Err(Error::NoChange { .. })));
    let own = EmployeeCommand::Transfer {
        date: day(2026, 3, 1),
        terms: terms()?.with_manager(id),
    };
    assert!(matches!(e.decide(&own), Err(Error::SelfManaged { .. })));
    let late = EmployeeCommand::Terminate {
        notice_given: day(2026, 5, 2),
        last_working_day: day(2026, 5, 1),
        reason: Reason::new("resigned")?,
    };
    assert!(matches!(
        e.decide(&late),
        Err(Error::NoticeAfterLastDay { .. })
    ));
    Ok(())
}

#[test]
fn replay_holds_stored_events_to_the_rules() -> TestResult {
    let mut e = Employee::default();
    let hired = e.handle(&hire(day(2026, 1, 1))?)?;
    let first = hired.first().ok_or("no event")?;
    let err = e.replay(first).unwrap_err();
    assert!(matches!(err, Error::InvalidTransition { .. }));
    // An event the rules would decide differently: a promotion that keeps the position.
    let odd = bureau_hr::EmployeeEvent::TermsChanged {
        date: day(2026, 2, 1),
        change: bureau_hr::Change::Promotion,
        terms: terms()?,
    };
    let before = e.clone();
    assert!(e.replay(&odd).is_err());
    assert_eq!(e, before);
    let mut chart = OrgChart::new();
    let placed = OrgEvent::Placed {
        employee: EmployeeId::from_u128(2),
        date: day(2026, 1, 1),
        placement: Placement::new(
            DepartmentName::new("Sales")?,
            Some(EmployeeId::from_u128(1)),
        ),
    };
    assert!(matches!(
        chart.replay(&placed),
        Err(Error::NotInOrgChart { .. })
    ));
    Ok(())
}

#[test]
fn leave_of_absence_keeps_terms_and_returns_to_the_previous_standing() -> TestResult {
    let mut e = Employee::default();
    e.handle(&hire(day(2026, 1, 5))?)?;
    e.handle(&EmployeeCommand::StartLeaveOfAbsence {
        date: day(2026, 2, 1),
        reason: Reason::new("sabbatical")?,
    })?;
    assert_eq!(
        e.status_as_of(day(2026, 2, 1)),
        Some(EmploymentStatus::OnLeave)
    );
    assert_eq!(e.terms_as_of(day(2026, 2, 1)), Some(&terms()?));
    e.handle(&EmployeeCommand::ReturnFromLeave {
        date: day(2026, 3, 1),
    })?;
    assert_eq!(
        e.status_as_of(day(2026, 3, 1)),
        Some(EmploymentStatus::Probation)
    );
    Ok(())
}

#[test]
fn rehire_starts_a_new_employment() -> TestResult {
    let mut e = Employee::default();
    e.handle(&hire(day(2024, 1, 1))?)?;
    e.handle(&EmployeeCommand::Terminate {
        notice_given: day(2024, 5, 1),
        last_working_day: day(2024, 5, 31),
        reason: Reason::new("resigned")?,
    })?;
    assert_eq!(e.employed_since(day(2024, 5, 31)), Some(day(2024, 1, 1)));
    assert_eq!(e.employed_since(day(2024, 6, 1)), None);
    assert_eq!(e.terms_as_of(day(2024, 6, 1)), None);
    let rehire = EmployeeCommand::Rehire {
        date: day(2025, 1, 1),
        terms: terms()?,
        probation: Probation::Waived,
    };
    e.handle(&rehire)?;
    assert!(matches!(
        e.decide(&rehire),
        Err(Error::InvalidTransition { .. })
    ));
    assert_eq!(e.employed_since(day(2025, 7, 1)), Some(day(2025, 1, 1)));
    assert_eq!(
        e.status_as_of(day(2025, 7, 1)),
        Some(EmploymentStatus::Active)
    );
    Ok(())
}

#[test]
fn pay_change_and_promotion_are_effective_dated() -> TestResult {
    let mut e = Employee::default();
    e.handle(&hire(day(2026, 1, 1))?)?;
    let raise = PayRate::annual(money!(75000.00 USD))?;
    e.handle(&EmployeeCommand::ChangePay {
        date: day(2026, 7, 1),
        pay_rate: raise,
    })?;
    assert_eq!(
        e.terms_as_of(day(2026, 6, 30))
            .map(|t| t.pay_rate().amount()),
        Some(money!(70000.00 USD))
    );
    assert_eq!(
        e.terms_as_of(day(2026, 7, 1)).map(|t| t.pay_rate()),
        Some(raise)
    );
    let same = EmployeeCommand::Promote {
        date: day(2026, 8, 1),
        terms: terms()?.with_pay_rate(raise),
    };
    assert!(matches!(e.decide(&same), Err(Error::NoChange { .. })));
    Ok(())
}

#[test]
fn debug_output_hides_sensitive_data() -> TestResult {
    let mut e = Employee::default();
    let personal = PersonalData::new()
        .national_id(bureau_hr::NationalId::new("987-65-4321")?)
        .bank_account(bureau_hr::BankAccount::new("DE89370400440532013000")?)
        .birth_date(day(1985, 12, 10));
    e.handle(&EmployeeCommand::Hire {
        employee: EmployeeId::from_u128(1),
        date: day(2026, 1, 1),
        profile: Profile::new(
            PersonName::new("Ada")?,
            WorkEmail::new("ada@example.com")?,
            personal,
        ),
        terms: terms()?,
        probation: Probation::Waived,
    })?;
    let shown = format!("{e:?}");
    for secret in ["4321", "0532013000", "1985", "70000"] {
        assert!(!shown.contains(secret), "{secret} leaked into {shown}");
    }
    Ok(())
}

#[test]
fn org_chart_rejects_cycles_unknown_managers_and_removing_managers() -> TestResult {
    let [a, b, c] = [1, 2, 3].map(EmployeeId::from_u128);
    let d = day(2026, 1, 1);
    let eng = DepartmentName::new("Engineering")?;
    let place = |employee, manager| OrgCommand::Place {
        employee,
        date: d,
        placement: Placement::new(eng.clone(), manager),
    };
    let mut chart = OrgChart::new();
    assert!(
        matches!(chart.decide(&place(b, Some(a))), Err(Error::NotInOrgChart { employee, .. }) if employee == a)
    );
    chart.handle(&place(a, None))?;
    chart.handle(&place(b, Some(a)))?;
    chart.handle(&place(c, Some(b)))?;
    let err = chart.decide(&place(a, Some(c))).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("making {c} the manager of {a} creates a reporting cycle")
    );
    assert!(matches!(
        chart.decide(&place(a, Some(a))),
        Err(Error::SelfManaged { .. })
    ));
    assert!(matches!(
        chart.decide(&OrgCommand::Remove {
            employee: b,
            date: d
        }),
        Err(Error::HasReports { reports: 1, .. })
    ));
    let earlier = OrgCommand::Remove {
        employee: c,
        date: day(2025, 12, 31),
    };
    assert!(matches!(
        chart.decide(&earlier),
        Err(Error::OrgBackdated { .. })
    ));
    // Moving c under a, then removing b, is fine.
    let later = day(2026, 2, 1);
    chart.handle(&OrgCommand::Place {
        employee: c,
        date: later,
        placement: Placement::new(eng.clone(), Some(a)),
    })?;
    chart.handle(&OrgCommand::Remove {
        employee: b,
        date: later,
    })?;
    assert_eq!(chart.direct_reports(a, d), vec![b]);
    assert_eq!(chart.direct_reports(a, later), vec![c]);
    assert_eq!(chart.all_reports(a, d), vec![b, c]);
    assert_eq!(chart.headcount_by_department(later).get(&eng), Some(&2));
    assert_eq!(chart.members(day(2025, 1, 1)), Vec::<EmployeeId>::new());
    Ok(())
}

#[cfg(feature = "serde")]
#[test]
fn events_round_trip_through_json_and_text_is_validated() -> TestResult {
    let event = bureau_hr::EmployeeEvent::ProbationEnded {
        date: day(2026, 1, 1),
    };
    let json = serde_json::to_string(&event)?;
    assert_eq!(
        serde_json::from_str::<bureau_hr::EmployeeEvent>(&json)?,
        event
    );
    assert!(serde_json::from_str::<DepartmentName>(r#"" padded""#).is_err());
    assert!(serde_json::from_str::<bureau_hr::Fte>(r#""1.5""#).is_err());
    Ok(())
}

proptest! {
    #[test]
    fn org_chart_never_has_a_cycle(commands in strategy::org_commands(8, 40)) {
        let mut chart = OrgChart::new();
        let mut events = Vec::new();
        for command in &commands {
            if let Ok(decided) = chart.handle(command) {
                events.extend(decided);
            }
            let date = match command {
                OrgCommand::Place { date, .. } | OrgCommand::Remove { date, .. } => *date,
                _ => continue,
            };
            prop_assert!(!chart.has_cycle(date));
            for member in chart.members(date) {
                prop_assert!(!chart.chain_of_command(member, date).contains(&member));
                prop_assert!(!chart.all_reports(member, date).contains(&member));
            }
        }
        let mut rebuilt = OrgChart::new();
        for event in &events {
            rebuilt.replay(event)?;
        }
        prop_assert_eq!(rebuilt, chart);
    }

    #[test]
    fn a_rejected_command_leaves_the_employee_untouched(commands in strategy::lifecycle_commands(20)) {
        let mut employee = Employee::default();
        let mut events = Vec::new();
        for command in &commands {
            let before = employee.clone();
            match employee.handle(command) {
                Ok(decided) => events.extend(decided),
                Err(_) => prop_assert_eq!(&employee, &before),
            }
        }
        // History is effective dated in order, and replay rebuilds it.
        prop_assert!(employee.records().windows(2).all(|w| w[0].effective() <= w[1].effective()));
        let mut rebuilt = Employee::default();
        for event in &events {
            rebuilt.replay(event)?;
        }
        prop_assert_eq!(rebuilt, employee);
    }

    #[test]
    fn accepted_terms_never_make_an_employee_their_own_manager(terms in strategy::employment_terms()) {
        let id = EmployeeId::from_u128(5);
        let mut e = Employee::default();
        let profile = Profile::new(PersonName::new("P").map_err(|e| TestCaseError::fail(e.to_string()))?, WorkEmail::new("p@example.com").map_err(|e| TestCaseError::fail(e.to_string()))?, PersonalData::new());
        let cmd = EmployeeCommand::Hire { employee: id, date: day(2026, 1, 1), profile, terms: terms.with_manager(id), probation: Probation::Waived };
        prop_assert!(e.handle(&cmd).is_err());
        prop_assert!(e.records().is_empty());
    }

    #[test]
    fn as_of_queries_agree_with_each_other(
        employee in strategy::employee(EmployeeId::from_u128(3), 20),
        offset in 0u64..4000,
    ) {
        let date = day(2020, 1, 1).checked_add_days(chrono::Days::new(offset)).unwrap_or(day(2020, 1, 1));
        let employed = employee.status_as_of(date).is_some_and(EmploymentStatus::is_employed);
        prop_assert_eq!(employee.terms_as_of(date).is_some(), employed);
        prop_assert_eq!(employee.employed_since(date).is_some(), employed);
        let leave = bureau_hr::LeaveEmployment::of_employee(&employee, date);
        prop_assert_eq!(leave.is_some(), employed);
        if let Some(leave) = leave {
            prop_assert!(leave.contains(date));
        }
    }
}
