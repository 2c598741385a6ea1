//! The payroll run aggregate, and payroll records read back with serde.

use bureau_calendar::Calendar;
use bureau_core::{Aggregate, Currency, Decimal, EmployeeId, Rate, money};
use bureau_hr::{
    Contribution, Error, LineKind, PayComponentName, PayFrequency, PayInput, PayPeriod, PayRate,
    PaySchedule, PayrollCalculation, PayrollConfig, PayrollRun, PayrollRunCommand, PayrollRunEvent,
    PayrollRunStatus, Payslip, TaxBand, TaxTable, YearToDate, strategy,
};
use chrono::NaiveDate;
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PAYROLL_CLERK: EmployeeId = EmployeeId::from_u128(99);

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or(NaiveDate::MIN)
}

fn config() -> Result<PayrollConfig, Error> {
    let table = TaxTable::new(vec![
        TaxBand::new(money!(0.00 USD), Rate::ZERO),
        TaxBand::new(money!(12000.00 USD), Rate::new(Decimal::new(20, 2))),
    ])?;
    let pension = Contribution::new(
        PayComponentName::new("pension")?,
        Rate::new(Decimal::new(5, 2)),
        Rate::new(Decimal::new(8, 2)),
    )?
    .with_annual_cap(money!(100000.00 USD));
    Ok(PayrollConfig::new(table).with_contribution(pension))
}

fn month(m: u32) -> Result<PayPeriod, Error> {
    PaySchedule::new(PayFrequency::Monthly, day(1, 1))?.period_containing(day(m, 10))
}

/// Employees `ids` paid 60 000 a year for month `m`.
fn calculation(m: u32, ids: &[u128]) -> Result<PayrollCalculation, Error> {
    let calendar = Calendar::always();
    let fresh = YearToDate::new(Currency::USD);
    let period = month(m)?;
    let inputs = ids
        .iter()
        .map(|id| {
            let input = PayInput::new(
                EmployeeId::from_u128(*id),
                period,
                PayFrequency::Monthly,
                m,
                PayRate::annual(money!(60000.00 USD))?,
                &calendar,
            );
            Ok((input, &fresh))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    PayrollCalculation::run(&config()?, inputs)
}

fn opened(m: u32) -> Result<PayrollRun, Error> {
    let mut run = PayrollRun::default();
    run.handle(&PayrollRunCommand::Open {
        period: month(m)?,
        config: config()?,
    })?;
    Ok(run)
}

#[test]
fn a_run_goes_from_draft_to_paid_and_its_payment_carries_the_totals() -> TestResult {
    let mut run = opened(3)?;
    assert_eq!(run.status(), Some(PayrollRunStatus::Draft));
    let early = run.handle(&PayrollRunCommand::Approve {
        approver: PAYROLL_CLERK,
        on: day(3, 28),
    });
    assert_eq!(
        early.map_err(|e| e.to_string()),
        Err("payroll run of the period from 2026-03-01 is draft: cannot approve".to_owned())
    );
    // A first calculation is replaced by a second before approval.
    run.handle(&PayrollRunCommand::Calculate {
        calculation: calculation(3, &[1])?,
    })?;
    run.handle(&PayrollRunCommand::Calculate {
        calculation: calculation(3, &[1, 2])?,
    })?;
    assert_eq!(run.calculation().map(|c| c.payslips().len()), Some(2));
    run.handle(&PayrollRunCommand::Approve {
        approver: PAYROLL_CLERK,
        on: day(3, 28),
    })?;
    assert!(matches!(
        run.decide(&PayrollRunCommand::Calculate {
            calculation: calculation(3, &[1])?
        }),
        Err(Error::PayrollRunNotAllowed {
            status: PayrollRunStatus::Approved,
            ..
        })
    ));
    assert!(matches!(
        run.decide(&PayrollRunCommand::Pay { on: day(3, 27) }),
        Err(Error::PaidBeforeApproval { .. })
    ));
    let paid = run.handle(&PayrollRunCommand::Pay { on: day(3, 31) })?;
    let Some(PayrollRunEvent::Paid {
        components,
        gross,
        net,
        employer_cost,
        ..
    }) = paid.first()
    else {
        return Err("no payment event".into());
    };
    assert_eq!(*gross, money!(10000.00 USD));
    // 48 000 taxable a year at 20% is 800 a month each; 250 pension each.
    assert_eq!(*net, money!(7900.00 USD));
    assert_eq!(*employer_cost, money!(800.00 USD));
    let salary = components
        .iter()
        .find(|c| c.kind == LineKind::Salary)
        .map(|c| (c.amount, c.payslips));
    assert_eq!(salary, Some((money!(10000.00 USD), 2)));
    assert_eq!(run.status(), Some(PayrollRunStatus::Paid));
    assert!(
        run.decide(&PayrollRunCommand::Pay { on: day(4, 1) })
            .is_err()
    );
    Ok(())
}

#[test]
fn a_calculation_must_fit_the_run() -> TestResult {
    let run = opened(3)?;
    let other_month = run.decide(&PayrollRunCommand::Calculate {
        calculation: calculation(4, &[1])?,
    });
    assert!(
        matches!(other_month, Err(Error::PayslipNotInRun { reason, .. }) if reason.contains("another period"))
    );
    let mut twice = calculation(3, &[1])?.payslips().to_vec();
    twice.extend(calculation(3, &[1])?.payslips().iter().cloned());
    let twice = PayrollCalculation::from_payslips(Currency::USD, twice)?;
    assert!(matches!(
        run.decide(&PayrollRunCommand::Calculate { calculation: twice }),
        Err(Error::PayslipNotInRun { .. })
    ));
    let mut run = run;
    run.handle(&PayrollRunCommand::Calculate {
        calculation: calculation(3, &[1])?,
    })?;
    assert_eq!(
        run.decide(&PayrollRunCommand::Approve {
            approver: EmployeeId::from_u128(1),
            on: day(3, 28)
        })
        .map_err(|e| e.to_string()),
        Err(format!(
            "employee {} is paid in the run and cannot approve it",
            EmployeeId::from_u128(1)
        ))
    );
    let fresh = PayrollRun::default();
    assert!(matches!(
        fresh.decide(&PayrollRunCommand::Pay { on: day(3, 31) }),
        Err(Error::NotCreated { .. })
    ));
    Ok(())
}

#[test]
fn configs_payslips_and_runs_read_back_checked() -> TestResult {
    let config = config()?;
    let json = serde_json::to_string(&config)?;
    assert_eq!(serde_json::from_str::<PayrollConfig>(&json)?, config);
    // A contribution rate above 1 is refused on the way in, as by its constructor.
    let bad_rate = json.replace(r#""employee_rate":"0.05""#, r#""employee_rate":"1.5""#);
    assert_ne!(bad_rate, json);
    assert!(serde_json::from_str::<PayrollConfig>(&bad_rate).is_err());
    let no_hours = json.replace(r#""annual_hours":"2080""#, r#""annual_hours":"0""#);
    assert_ne!(no_hours, json);
    assert!(serde_json::from_str::<PayrollConfig>(&no_hours).is_err());

    let calculation = calculation(3, &[1, 2])?;
    let slip = calculation.payslips().first().ok_or("no payslip")?;
    let slip_json = serde_json::to_string(slip)?;
    assert_eq!(&serde_json::from_str::<Payslip>(&slip_json)?, slip);
    // The year to date keeps its contribution bases as a map by name.
    assert!(
        slip_json.contains(r#""contribution_bases":{"pension":{"amount":"5000.00""#),
        "{slip_json}"
    );
    assert_eq!(
        slip.year_to_date()
            .contribution_basis(&PayComponentName::new("pension")?),
        money!(5000.00 USD)
    );
    // A net that is not gross less deductions is refused.
    let net = format!(r#""net":{{"amount":"{}""#, slip.net().amount());
    let tampered = slip_json.replace(&net, r#""net":{"amount":"9999.00""#);
    assert_ne!(tampered, slip_json);
    let err = serde_json::from_str::<Payslip>(&tampered)
        .err()
        .ok_or("accepted")?;
    assert!(err.to_string().contains("invalid payslip"), "{err}");

    let run_json = serde_json::to_string(&calculation)?;
    assert_eq!(
        serde_json::from_str::<PayrollCalculation>(&run_json)?,
        calculation
    );

    let mut run = opened(3)?;
    let mut events = run.handle(&PayrollRunCommand::Calculate {
        calculation: calculation.clone(),
    })?;
    events.extend(run.handle(&PayrollRunCommand::Approve {
        approver: PAYROLL_CLERK,
        on: day(3, 28),
    })?);
    events.extend(run.handle(&PayrollRunCommand::Pay { on: day(3, 31) })?);
    let mut history = vec![PayrollRunEvent::Opened {
        period: month(3)?,
        config: config.clone(),
    }];
    history.extend(events);
    let read: Vec<PayrollRunEvent> = serde_json::from_str(&serde_json::to_string(&history)?)?;
    let mut rebuilt = PayrollRun::default();
    for event in &read {
        rebuilt.replay(event)?;
    }
    assert_eq!(rebuilt, run);
    Ok(())
}

/// One of the run's commands, built from a small menu.
fn command(kind: u8, m: u32, ids: Vec<u128>, date: u32) -> Result<PayrollRunCommand, Error> {
    Ok(match kind {
        0 => PayrollRunCommand::Open {
            period: month(m)?,
            config: config()?,
        },
        1 => PayrollRunCommand::Calculate {
            calculation: calculation(m, &ids)?,
        },
        2 => PayrollRunCommand::Approve {
            approver: EmployeeId::from_u128(ids.first().copied().unwrap_or(99)),
            on: day(m, date),
        },
        _ => PayrollRunCommand::Pay { on: day(m, date) },
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rejected_commands_change_nothing_and_the_history_replays(
        steps in proptest::collection::vec(
            (0u8..4, 3u32..5, proptest::collection::vec(1u128..4, 0..3), 1u32..29),
            1..12,
        ),
    ) {
        let mut run = PayrollRun::default();
        let mut history = Vec::new();
        for (kind, m, ids, date) in steps {
            let command = command(kind, m, ids, date).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let before = run.clone();
            match run.handle(&command) {
                Ok(events) => history.extend(events),
                Err(_) => prop_assert_eq!(&run, &before),
            }
        }
        // A paid run was approved by someone it does not pay, after the
        // payslips were calculated for its period.
        if run.status() == Some(PayrollRunStatus::Paid) {
            let (approver, _) = run.approval().ok_or_else(|| TestCaseError::fail("no approval"))?;
            let calculation = run.calculation().ok_or_else(|| TestCaseError::fail("no calculation"))?;
            prop_assert!(calculation.payslips().iter().all(|p| p.employee() != approver && Some(p.period()) == run.period()));
        }
        let mut rebuilt = PayrollRun::default();
        for event in &history {
            rebuilt.replay(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(rebuilt, run);
    }

    #[test]
    fn generated_configurations_read_back_equal(config in strategy::payroll_config()) {
        let json = serde_json::to_string(&config).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let read: PayrollConfig = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(read, config);
    }
}
