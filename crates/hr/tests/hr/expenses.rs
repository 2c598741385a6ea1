//! Expense claims: currencies, limits, approval by the manager.

use bureau_core::{Aggregate, Currency, Decimal, EmployeeId, ExchangeRate, Rate, money};
use bureau_hr::{
    ClaimStatus, DepartmentName, Error, ExpenseCategory, ExpenseClaim, ExpenseCommand,
    ExpenseEvent, ExpenseLine, ExpensePolicy, OrgChart, OrgCommand, Placement, Reason,
    ReceiptReference, Reimbursement,
};
use chrono::NaiveDate;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ADA: EmployeeId = EmployeeId::from_u128(1);
const GRACE: EmployeeId = EmployeeId::from_u128(2);
const ALAN: EmployeeId = EmployeeId::from_u128(3);

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, d).unwrap_or(NaiveDate::MIN)
}

/// Grace manages Ada and Alan from 1 June; from 20 June Alan manages Ada.
fn org() -> Result<OrgChart, Error> {
    let sales = DepartmentName::new("Sales")?;
    let mut org = OrgChart::new();
    for (employee, date, manager) in [
        (GRACE, day(1), None),
        (ADA, day(1), Some(GRACE)),
        (ALAN, day(1), Some(GRACE)),
        (ADA, day(20), Some(ALAN)),
    ] {
        org.handle(&OrgCommand::Place {
            employee,
            date,
            placement: Placement::new(sales.clone(), manager),
        })?;
    }
    Ok(org)
}

fn category(name: &str) -> Result<ExpenseCategory, Error> {
    ExpenseCategory::new(name)
}

fn policy() -> Result<ExpensePolicy, Error> {
    Ok(ExpensePolicy::new(Currency::EUR)
        .with_line_limit(category("travel")?, money!(500.00 EUR))
        .with_daily_limit(category("meals")?, money!(60.00 EUR)))
}

fn submitted(lines: Vec<ExpenseLine>) -> Result<ExpenseClaim, Error> {
    let mut claim = ExpenseClaim::default();
    claim.handle(&ExpenseCommand::Submit {
        claimant: ADA,
        policy: policy()?,
        lines,
    })?;
    Ok(claim)
}

#[test]
fn lines_in_other_currencies_convert_with_their_rate() -> TestResult {
    let usd_to_eur = ExchangeRate::new(
        Currency::USD,
        Currency::EUR,
        Rate::new(Decimal::new(9235, 4)),
        day(2),
    )?;
    let hotel = ExpenseLine::new(day(2), category("lodging")?, money!(210.55 USD))
        .with_rate(usd_to_eur)
        .with_receipt(ReceiptReference::new("R-17")?);
    let train = ExpenseLine::new(day(2), category("travel")?, money!(89.00 EUR));
    let claim = submitted(vec![hotel, train])?;
    // 210.55 × 0.9235 = 194.442925, rounded once.
    assert_eq!(claim.amounts(), [money!(194.44 EUR), money!(89.00 EUR)]);
    assert_eq!(claim.total(), Some(money!(283.44 EUR)));

    let no_rate = ExpenseLine::new(day(2), category("lodging")?, money!(10.00 USD));
    assert!(matches!(
        submitted(vec![no_rate]),
        Err(Error::MissingExchangeRate { line: 0, .. })
    ));
    let wrong_rate =
        ExpenseLine::new(day(2), category("lodging")?, money!(10.00 GBP)).with_rate(usd_to_eur);
    assert!(matches!(
        submitted(vec![wrong_rate]),
        Err(Error::MissingExchangeRate { .. })
    ));
    Ok(())
}

#[test]
fn limits_per_line_and_per_day() -> TestResult {
    let flight = ExpenseLine::new(day(3), category("travel")?, money!(500.01 EUR));
    let err = submitted(vec![flight]).err().ok_or("accepted")?;
    assert_eq!(
        err.to_string(),
        "expense travel: 500.01 EUR is above the limit of 500.00 EUR"
    );
    let lunch = ExpenseLine::new(day(3), category("meals")?, money!(25.00 EUR));
    let dinner = ExpenseLine::new(day(3), category("meals")?, money!(35.01 EUR));
    let err = submitted(vec![lunch.clone(), dinner.clone()])
        .err()
        .ok_or("accepted")?;
    assert_eq!(
        err.to_string(),
        "expense meals on 2026-06-03: 60.01 EUR is above the limit of 60.00 EUR"
    );
    // The same meals on two days are within the limit.
    let next_day = ExpenseLine::new(day(4), category("meals")?, money!(35.01 EUR));
    assert!(submitted(vec![lunch, next_day]).is_ok());
    assert!(matches!(submitted(vec![]), Err(Error::EmptyClaim { .. })));
    Ok(())
}

#[test]
fn only_the_claimants_manager_of_the_day_decides() -> TestResult {
    let org = org()?;
    let taxi = ExpenseLine::new(day(5), category("travel")?, money!(40.00 EUR));
    let mut claim = submitted(vec![taxi])?;
    let before = claim.clone();
    assert!(matches!(
        claim.approve(&org, ADA, day(10)),
        Err(Error::NotClaimantsManager { .. })
    ));
    assert!(matches!(
        claim.approve(&org, ALAN, day(10)),
        Err(Error::NotClaimantsManager { .. })
    ));
    assert_eq!(claim, before);
    // From 20 June Ada reports to Alan, no longer to Grace.
    assert!(claim.approve(&org, GRACE, day(21)).is_err());
    let events = claim.approve(&org, ALAN, day(21))?;
    assert_eq!(
        events,
        [ExpenseEvent::Approved {
            approver: ALAN,
            on: day(21)
        }]
    );
    assert_eq!(claim.status(), Some(ClaimStatus::Approved));
    assert!(claim.approve(&org, ALAN, day(22)).is_err());

    let events = claim.handle(&ExpenseCommand::Reimburse {
        via: Reimbursement::Payable,
        on: day(25),
    })?;
    assert_eq!(
        events,
        [ExpenseEvent::Reimbursed {
            claimant: ADA,
            via: Reimbursement::Payable,
            amount: money!(40.00 EUR),
            on: day(25)
        }]
    );
    assert!(
        claim
            .handle(&ExpenseCommand::Reimburse {
                via: Reimbursement::Payable,
                on: day(26)
            })
            .is_err()
    );
    Ok(())
}

#[test]
fn a_rejected_claim_is_never_reimbursed_and_a_history_replays() -> TestResult {
    let org = org()?;
    let mut claim = ExpenseClaim::default();
    let mut history = claim.handle(&ExpenseCommand::Submit {
        claimant: ADA,
        policy: policy()?,
        lines: vec![ExpenseLine::new(
            day(5),
            category("meals")?,
            money!(12.00 EUR),
        )],
    })?;
    history.extend(claim.reject(&org, GRACE, day(6), Reason::new("personal expense")?)?);
    assert_eq!(claim.status(), Some(ClaimStatus::Rejected));
    assert!(matches!(
        claim.handle(&ExpenseCommand::Reimburse {
            via: Reimbursement::Payroll,
            on: day(7)
        }),
        Err(Error::ClaimNotAllowed {
            status: ClaimStatus::Rejected,
            ..
        })
    ));
    let json = serde_json::to_string(&history)?;
    let read: Vec<ExpenseEvent> = serde_json::from_str(&json)?;
    let mut replayed = ExpenseClaim::default();
    for event in &read {
        replayed.replay(event)?;
    }
    assert_eq!(replayed, claim);
    assert_eq!(replayed.approver(), Some(GRACE));
    Ok(())
}
