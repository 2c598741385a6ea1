//! A month's payroll for a small company: salaried staff, a joiner in the
//! middle of the month, unpaid leave taken from a leave account (a request
//! running into July, of which June deducts its part), an hourly employee
//! whose overtime comes from an approved timesheet, an expense claim
//! approved by the claimant's manager and paid back through payroll, a
//! capped pension contribution and a progressive tax table. The month's
//! run is opened, calculated, approved by someone it does not pay and
//! paid; the payment event carries the totals a ledger posts.
//!
//! Run with `cargo run --example payroll --features hr`.

use bureau::calendar::{Calendar, Schedule, Tz};
use bureau::hr::{
    Contribution, DepartmentName, ExpenseCategory, ExpenseClaim, ExpenseCommand, ExpenseLine,
    ExpensePolicy, Fte, Hours, LeaveAccount, LeaveCommand, LeaveDays, LeaveEmployment, LeavePolicy,
    LeaveRequestId, LeaveSpan, LeaveType, LineKind, Multiplier, OrgChart, OrgCommand,
    OvertimeRules, PayComponentName, PayFrequency, PayInput, PayRate, PaySchedule,
    PayrollCalculation, PayrollConfig, PayrollRun, PayrollRunCommand, PayrollRunEvent, Placement,
    ReceiptReference, Reimbursement, TaxBand, TaxTable, Timesheet, TimesheetCommand, WorkedTime,
    YearToDate,
};
use bureau::{Aggregate, Currency, DateRange, Decimal, EmployeeId, Money, Rate};
use chrono::{NaiveDate, Weekday};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    let usd = |text: &str| -> Result<Money, Box<dyn std::error::Error>> {
        Ok(format!("{text} USD").parse()?)
    };
    let employee = EmployeeId::from_u128;
    let (ada, bob, cleo, dan, manager) = (
        employee(1),
        employee(2),
        employee(3),
        employee(4),
        employee(100),
    );

    let table = TaxTable::new(vec![
        TaxBand::new(usd("0")?, Rate::ZERO),
        TaxBand::new(usd("12000")?, Rate::new(Decimal::new(20, 2))),
        TaxBand::new(usd("48000")?, Rate::new(Decimal::new(40, 2))),
    ])?;
    let pension = Contribution::new(
        PayComponentName::new("pension")?,
        Rate::new(Decimal::new(5, 2)),
        Rate::new(Decimal::new(8, 2)),
    )?
    .with_annual_cap(usd("100000")?);
    let config = PayrollConfig::new(table).with_contribution(pension);

    let calendar = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    let monthly = PaySchedule::new(PayFrequency::Monthly, date(1, 1)?)?;
    let june = monthly.period_containing(date(6, 1)?)?;

    // Bob's unpaid leave: Monday 29 June to Thursday 2 July, approved.
    // June deducts its two days; July's payroll will deduct the other two.
    let unpaid = LeavePolicy::builder(LeaveType::Unpaid, LeaveDays::ZERO)
        .negative_allowance(LeaveDays::from(20))
        .build()?;
    let mut bobs_unpaid = LeaveAccount::default();
    bobs_unpaid.handle(&LeaveCommand::Configure {
        employee: bob,
        policy: unpaid,
        calendar: calendar.clone(),
        employment: LeaveEmployment::new(date(1, 1)?, Fte::FULL),
    })?;
    let request = LeaveRequestId::from_u128(1);
    bobs_unpaid.handle(&LeaveCommand::Request {
        id: request,
        span: LeaveSpan::new(DateRange::new(date(6, 29)?, date(7, 3)?)?)?,
    })?;
    bobs_unpaid.handle(&LeaveCommand::Approve { id: request })?;
    let bobs_unpaid_days = bobs_unpaid.taken_in(june.range()?)?;

    // Dan's timesheet for June: three 10-hour days, approved by his
    // manager; hours over 8 a day are paid at 1.5x.
    let mut dans_timesheet = Timesheet::default();
    dans_timesheet.handle(&TimesheetCommand::Open {
        employee: dan,
        period: june.range()?,
        calendar: calendar.clone(),
    })?;
    for d in 2..=4 {
        dans_timesheet.handle(&TimesheetCommand::Record {
            work: WorkedTime::OnDay {
                date: date(6, d)?,
                interval: "07:00-17:00".parse()?,
            },
        })?;
    }
    dans_timesheet.handle(&TimesheetCommand::Submit)?;
    dans_timesheet.handle(&TimesheetCommand::Approve { approver: manager })?;
    let rules = OvertimeRules::new(Weekday::Mon).daily(Hours::from(8), Multiplier::TIME_AND_A_HALF);
    let hours = rules.classify(&calendar, &monthly, dans_timesheet.intervals())?;
    let dans_hours = hours.first().ok_or("no hours")?;

    // Ada's expense claim, approved by her manager in the org chart and
    // paid back with her June payslip.
    let mut org = OrgChart::new();
    for (who, boss) in [(manager, None), (ada, Some(manager))] {
        org.handle(&OrgCommand::Place {
            employee: who,
            date: date(1, 1)?,
            placement: Placement::new(DepartmentName::new("Sales")?, boss),
        })?;
    }
    let mut claim = ExpenseClaim::default();
    claim.handle(&ExpenseCommand::Submit {
        claimant: ada,
        policy: ExpensePolicy::new(Currency::USD),
        lines: vec![
            ExpenseLine::new(date(6, 9)?, ExpenseCategory::new("travel")?, usd("318.40")?)
                .with_receipt(ReceiptReference::new("R-2026-061")?),
        ],
    })?;
    claim.approve(&org, manager, date(6, 12)?)?;
    claim.handle(&ExpenseCommand::Reimburse {
        via: Reimbursement::Payroll,
        on: date(6, 30)?,
    })?;
    let adas_claim = claim.total().ok_or("no total")?;

    let fresh = YearToDate::new(Currency::USD);
    let inputs = vec![
        (
            PayInput::new(
                ada,
                june,
                PayFrequency::Monthly,
                6,
                PayRate::annual(usd("96000")?)?,
                &calendar,
            )
            .with_bonus(usd("1000")?)
            .with_reimbursement(PayComponentName::new("travel claim")?, adas_claim),
            &fresh,
        ),
        (
            PayInput::new(
                bob,
                june,
                PayFrequency::Monthly,
                6,
                PayRate::annual(usd("54000")?)?,
                &calendar,
            )
            .with_unpaid_leave(bobs_unpaid_days),
            &fresh,
        ),
        (
            PayInput::new(
                cleo,
                june,
                PayFrequency::Monthly,
                6,
                PayRate::annual(usd("60000")?)?,
                &calendar,
            )
            .employed(DateRange::new(date(6, 16)?, date(7, 1)?)?),
            &fresh,
        ),
        (
            PayInput::new(
                dan,
                june,
                PayFrequency::Monthly,
                6,
                PayRate::hourly(usd("22.50")?)?,
                &calendar,
            )
            .with_hours(dans_hours),
            &fresh,
        ),
    ];
    let mut june_run = PayrollRun::default();
    june_run.handle(&PayrollRunCommand::Open {
        period: june,
        config: config.clone(),
    })?;
    let run = PayrollCalculation::run(&config, inputs)?;
    june_run.handle(&PayrollRunCommand::Calculate {
        calculation: run.clone(),
    })?;

    for slip in run.payslips() {
        println!(
            "employee {} for {} to {}",
            slip.employee(),
            june.first_day(),
            june.last_day()
        );
        for line in slip.lines() {
            println!("  {:<32} {:>14}", line.label(), line.amount().to_string());
        }
        println!(
            "  {:<32} {:>14}  gross {}  deductions {}",
            "net",
            slip.net().to_string(),
            slip.gross(),
            slip.deductions()
        );
    }
    println!("totals per component:");
    for total in run.components() {
        let name = total
            .component
            .as_ref()
            .map_or(String::new(), |c| format!(" {c}"));
        println!(
            "  {:<32} {:>14}  ({} payslips)",
            format!("{}{name}", total.kind),
            total.amount.to_string(),
            total.payslips
        );
    }
    println!(
        "gross {}  net {}  employer cost {}",
        run.gross(),
        run.net(),
        run.employer_cost()
    );
    let taxes = run.total_of(LineKind::IncomeTax).map(|t| t.amount);
    println!(
        "income tax withheld {}",
        taxes.map_or("none".to_owned(), |t| t.to_string())
    );

    // The payroll manager, not paid in this run, approves it.
    june_run.handle(&PayrollRunCommand::Approve {
        approver: manager,
        on: date(6, 26)?,
    })?;
    for event in june_run.handle(&PayrollRunCommand::Pay { on: date(6, 30)? })? {
        if let PayrollRunEvent::Paid { on, net, .. } = event {
            println!("paid on {on}: {net} to the employees' accounts");
        }
    }
    Ok(())
}
