//! Every hr aggregate stored through `bureau_store::Repository` over the
//! in-memory store and loaded back to the state built in memory.

use core::fmt::Display;

use bureau_calendar::{Calendar, Schedule, Tz};
use bureau_core::{Aggregate, Currency, DateRange, DomainEvent, EmployeeId, money};
use bureau_hr::{
    CalendarKey, DepartmentName, Employee, EmployeeCommand, EmploymentTerms, Error,
    ExpenseCategory, ExpenseClaim, ExpenseCommand, ExpenseLine, ExpensePolicy, Fte, LeaveAccount,
    LeaveCommand, LeaveDays, LeaveEmployment, LeavePolicy, LeaveRequestId, LeaveSpan, LeaveType,
    LocationName, OrgChart, OrgCommand, PayRate, PersonName, PersonalData, Placement,
    PositionTitle, Probation, Profile, Reimbursement, Timesheet, TimesheetCommand, WorkEmail,
    WorkedTime, Workplace,
};
use bureau_store::{EventContext, InMemoryStore, Repository, StreamId};
use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ADA: EmployeeId = EmployeeId::from_u128(1);
const GRACE: EmployeeId = EmployeeId::from_u128(2);

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or(NaiveDate::MIN)
}

fn weekdays() -> Result<Calendar, Box<dyn std::error::Error>> {
    Ok(Calendar::new(Schedule::weekdays(
        Tz::UTC,
        "09:00-17:00".parse()?,
    )?))
}

/// Executes `commands` one by one on a fresh stream, then checks that the
/// stream loads to the state the same commands give in memory, and returns
/// the loaded state.
fn store_and_reload<A>(
    stream: &str,
    commands: &[A::Command],
) -> Result<A, Box<dyn std::error::Error>>
where
    A: Aggregate<Error = Error> + Default + PartialEq + core::fmt::Debug,
    A::Event: DomainEvent + Serialize + DeserializeOwned + PartialEq + core::fmt::Debug,
{
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let repository = Repository::new(InMemoryStore::new());
        let stream = StreamId::new(stream)?;
        let context = EventContext::new(chrono::DateTime::UNIX_EPOCH);
        let mut in_memory = A::default();
        for command in commands {
            let stored = repository.execute::<A>(&stream, command, &context).await?;
            let handled = in_memory.handle(command);
            assert_eq!(
                stored.map_err(|e| e.to_string()),
                handled.map_err(|e| e.to_string())
            );
        }
        let loaded = repository.load::<A>(&stream).await?.into_state();
        assert_eq!(loaded, in_memory);
        Ok(loaded)
    })
}

/// On an empty stream, a command other than the creating one is refused
/// with [`Error::NotCreated`] and nothing is written.
fn refused_before_creation<A>(command: &A::Command) -> TestResult
where
    A: Aggregate<Error = Error> + Default,
    A::Event: DomainEvent + Serialize + DeserializeOwned,
    A::Error: Display,
{
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let repository = Repository::new(InMemoryStore::new());
        let stream = StreamId::new("empty")?;
        let context = EventContext::new(chrono::DateTime::UNIX_EPOCH);
        let outcome = repository.execute::<A>(&stream, command, &context).await?;
        assert!(
            matches!(outcome, Err(Error::NotCreated { .. })),
            "{:?}",
            outcome.err().map(|e| e.to_string())
        );
        assert!(repository.store().is_empty());
        Ok(())
    })
}

fn terms() -> Result<EmploymentTerms, Error> {
    Ok(EmploymentTerms::new(
        DepartmentName::new("Engineering")?,
        PositionTitle::new("Engineer")?,
        Workplace::new(LocationName::new("Remote")?, CalendarKey::new("utc")?),
        PayRate::annual(money!(70000.00 USD))?,
    ))
}

#[test]
fn an_employee_is_stored_and_reloaded() -> TestResult {
    let profile = Profile::new(
        PersonName::new("Ada Lovelace")?,
        WorkEmail::new("ada@example.com")?,
        PersonalData::new(),
    );
    let employee = store_and_reload::<Employee>(
        "employee-1",
        &[
            EmployeeCommand::Hire {
                employee: ADA,
                date: day(1, 5),
                profile,
                terms: terms()?,
                probation: Probation::Required,
            },
            EmployeeCommand::EndProbation { date: day(7, 5) },
            // Refused (a second probation end) and not stored.
            EmployeeCommand::EndProbation { date: day(8, 1) },
            EmployeeCommand::ChangePay {
                date: day(9, 1),
                pay_rate: PayRate::annual(money!(75000.00 USD))?,
            },
        ],
    )?;
    assert_eq!(employee.id(), Some(ADA));
    assert_eq!(employee.records().len(), 3);
    refused_before_creation::<Employee>(&EmployeeCommand::EndProbation { date: day(1, 1) })
}

#[test]
fn a_leave_account_is_stored_and_reloaded() -> TestResult {
    let id = LeaveRequestId::from_u128(1);
    let account = store_and_reload::<LeaveAccount>(
        "leave-1",
        &[
            LeaveCommand::Configure {
                employee: ADA,
                policy: LeavePolicy::builder(LeaveType::Annual, LeaveDays::from(24)).build()?,
                calendar: weekdays()?,
                employment: LeaveEmployment::new(day(1, 1), Fte::FULL),
            },
            LeaveCommand::Accrue {
                through: day(6, 30),
            },
            LeaveCommand::Request {
                id,
                span: LeaveSpan::new(DateRange::new(day(6, 1), day(6, 6))?)?,
            },
            LeaveCommand::Approve { id },
        ],
    )?;
    assert_eq!(account.employee(), Some(ADA));
    assert_eq!(account.balance_as_of(day(6, 30)), LeaveDays::from(12 - 5));
    refused_before_creation::<LeaveAccount>(&LeaveCommand::Accrue {
        through: day(1, 31),
    })
}

#[test]
fn a_timesheet_is_stored_and_reloaded() -> TestResult {
    let sheet = store_and_reload::<Timesheet>(
        "timesheet-1",
        &[
            TimesheetCommand::Open {
                employee: ADA,
                period: DateRange::new(day(6, 1), day(7, 1))?,
                calendar: weekdays()?,
            },
            TimesheetCommand::Record {
                work: WorkedTime::OnDay {
                    date: day(6, 2),
                    interval: "08:00-18:00".parse()?,
                },
            },
            TimesheetCommand::Submit,
            // Refused: nobody approves their own timesheet.
            TimesheetCommand::Approve { approver: ADA },
            TimesheetCommand::Approve { approver: GRACE },
        ],
    )?;
    assert_eq!(sheet.employee(), Some(ADA));
    assert_eq!(sheet.total().to_string(), "10");
    refused_before_creation::<Timesheet>(&TimesheetCommand::Submit)
}

#[test]
fn an_expense_claim_is_stored_and_reloaded() -> TestResult {
    let claim = store_and_reload::<ExpenseClaim>(
        "claim-1",
        &[
            ExpenseCommand::Submit {
                claimant: ADA,
                policy: ExpensePolicy::new(Currency::EUR),
                lines: vec![ExpenseLine::new(
                    day(6, 2),
                    ExpenseCategory::new("travel")?,
                    money!(32.50 EUR),
                )],
            },
            ExpenseCommand::Approve {
                approver: GRACE,
                manager: Some(GRACE),
                on: day(6, 3),
            },
            ExpenseCommand::Reimburse {
                via: Reimbursement::Payable,
                on: day(6, 30),
            },
        ],
    )?;
    assert_eq!(claim.claimant(), Some(ADA));
    assert_eq!(claim.total(), Some(money!(32.50 EUR)));
    refused_before_creation::<ExpenseClaim>(&ExpenseCommand::Reimburse {
        via: Reimbursement::Payroll,
        on: day(6, 30),
    })
}

#[test]
fn an_org_chart_is_stored_and_reloaded() -> TestResult {
    let sales = DepartmentName::new("Sales")?;
    let chart = store_and_reload::<OrgChart>(
        "org",
        &[
            OrgCommand::Place {
                employee: GRACE,
                date: day(1, 1),
                placement: Placement::new(sales.clone(), None),
            },
            OrgCommand::Place {
                employee: ADA,
                date: day(1, 1),
                placement: Placement::new(sales.clone(), Some(GRACE)),
            },
            // Refused: a reporting cycle.
            OrgCommand::Place {
                employee: GRACE,
                date: day(2, 1),
                placement: Placement::new(sales, Some(ADA)),
            },
        ],
    )?;
    assert_eq!(chart.manager_of(ADA, day(3, 1)), Some(GRACE));
    Ok(())
}

#[test]
fn a_payroll_run_is_stored_and_reloaded() -> TestResult {
    use bureau_core::Rate;
    use bureau_hr::{
        PayFrequency, PayInput, PaySchedule, PayrollCalculation, PayrollConfig, PayrollRun,
        PayrollRunCommand, PayrollRunStatus, TaxBand, TaxTable, YearToDate,
    };
    let config = PayrollConfig::new(TaxTable::new(vec![TaxBand::new(
        money!(0.00 USD),
        Rate::new("0.1".parse()?),
    )])?);
    let june = PaySchedule::new(PayFrequency::Monthly, day(1, 1))?.period_containing(day(6, 1))?;
    let calendar = weekdays()?;
    let fresh = YearToDate::new(Currency::USD);
    let input = PayInput::new(
        ADA,
        june,
        PayFrequency::Monthly,
        6,
        PayRate::annual(money!(60000.00 USD))?,
        &calendar,
    );
    let calculation = PayrollCalculation::run(&config, [(input, &fresh)])?;
    let run = store_and_reload::<PayrollRun>(
        "payroll-2026-06",
        &[
            PayrollRunCommand::Open {
                period: june,
                config,
            },
            PayrollRunCommand::Calculate { calculation },
            // Refused: Ada is paid in the run.
            PayrollRunCommand::Approve {
                approver: ADA,
                on: day(6, 26),
            },
            PayrollRunCommand::Approve {
                approver: GRACE,
                on: day(6, 26),
            },
            PayrollRunCommand::Pay { on: day(6, 30) },
        ],
    )?;
    assert_eq!(run.status(), Some(PayrollRunStatus::Paid));
    assert_eq!(
        run.calculation().map(PayrollCalculation::net),
        Some(money!(4500.00 USD))
    );
    refused_before_creation::<PayrollRun>(&PayrollRunCommand::Pay { on: day(6, 30) })
}

#[test]
fn a_requisition_and_a_candidate_are_stored_and_reloaded() -> TestResult {
    use bureau_hr::{
        Candidate, CandidateCommand, CandidateId, CandidateStatus, Offer, Pipeline, Requisition,
        RequisitionCommand, RequisitionId, RequisitionStatus, StageName,
    };
    let pipeline = Pipeline::new(vec![
        StageName::new("screening")?,
        StageName::new("interview")?,
    ])?;
    let candidate = CandidateId::from_u128(5);
    let requisition = store_and_reload::<Requisition>(
        "requisition-1",
        &[
            RequisitionCommand::Open {
                id: RequisitionId::from_u128(1),
                position: PositionTitle::new("Engineer")?,
                department: DepartmentName::new("Engineering")?,
                headcount: 1,
                budget: money!(90000.00 USD),
                pipeline: pipeline.clone(),
            },
            RequisitionCommand::RecordHire { candidate },
            // Refused: the headcount is filled.
            RequisitionCommand::RecordHire {
                candidate: CandidateId::from_u128(6),
            },
        ],
    )?;
    assert_eq!(requisition.status(), Some(RequisitionStatus::Filled));
    let profile = Profile::new(
        PersonName::new("Ada Lovelace")?,
        WorkEmail::new("ada@example.com")?,
        PersonalData::new(),
    );
    let ada = store_and_reload::<Candidate>(
        "candidate-5",
        &[
            CandidateCommand::Apply {
                id: candidate,
                requisition: RequisitionId::from_u128(1),
                profile,
                pipeline,
                budget: money!(90000.00 USD),
            },
            CandidateCommand::Advance {
                stage: StageName::new("interview")?,
            },
            CandidateCommand::MakeOffer {
                offer: Offer::new(terms()?, day(9, 1), day(7, 15)),
            },
            CandidateCommand::AcceptOffer { on: day(7, 1) },
            CandidateCommand::Hire {
                employee: ADA,
                probation: Probation::Waived,
            },
        ],
    )?;
    assert_eq!(ada.status(), Some(CandidateStatus::Hired));
    assert_eq!(ada.employee(), Some(ADA));
    refused_before_creation::<Candidate>(&CandidateCommand::AcceptOffer { on: day(7, 1) })?;
    refused_before_creation::<Requisition>(&RequisitionCommand::RecordHire { candidate })
}
