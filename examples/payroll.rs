//! A month's payroll for a small company: salaried staff, a joiner in the
//! middle of the month, unpaid leave, an hourly employee with overtime from
//! a timesheet, a capped pension contribution and a progressive tax table.
//! The month's run is opened, calculated, approved by someone it does not
//! pay and paid; the payment event carries the totals a ledger posts.
//!
//! Run with `cargo run --example payroll --features hr`.

use bureau::calendar::{Calendar, Schedule, Tz};
use bureau::hr::{
    Contribution, Hours, LeaveDays, LineKind, Multiplier, OvertimeRules, PayComponentName,
    PayFrequency, PayInput, PayRate, PaySchedule, PayrollCalculation, PayrollConfig, PayrollRun,
    PayrollRunCommand, PayrollRunEvent, TaxBand, TaxTable, WorkedTime, YearToDate,
};
use bureau::{Aggregate, Currency, DateRange, Decimal, EmployeeId, Money, Rate};
use chrono::{NaiveDate, Weekday};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    let usd = |text: &str| -> Result<Money, Box<dyn std::error::Error>> {
        Ok(format!("{text} USD").parse()?)
    };

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

    // The hourly employee's June: three 10-hour days, 2 hours a day over 8.
    let rules = OvertimeRules::new(Weekday::Mon).daily(Hours::from(8), Multiplier::TIME_AND_A_HALF);
    let mut work = Vec::new();
    for d in 2..=4 {
        work.push(
            WorkedTime::OnDay {
                date: date(6, d)?,
                interval: "07:00-17:00".parse()?,
            }
            .resolve(&calendar)?,
        );
    }
    let hours = rules.classify(&calendar, &monthly, &work)?;
    let june_hours = hours.first().ok_or("no hours")?;

    let fresh = YearToDate::new(Currency::USD);
    let employee = EmployeeId::from_u128;
    let inputs = vec![
        (
            PayInput::new(
                employee(1),
                june,
                PayFrequency::Monthly,
                6,
                PayRate::annual(usd("96000")?)?,
                &calendar,
            )
            .with_bonus(usd("1000")?),
            &fresh,
        ),
        (
            PayInput::new(
                employee(2),
                june,
                PayFrequency::Monthly,
                6,
                PayRate::annual(usd("54000")?)?,
                &calendar,
            )
            .with_unpaid_leave(LeaveDays::from(2)),
            &fresh,
        ),
        (
            PayInput::new(
                employee(3),
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
                employee(4),
                june,
                PayFrequency::Monthly,
                6,
                PayRate::hourly(usd("22.50")?)?,
                &calendar,
            )
            .with_hours(june_hours),
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
        approver: EmployeeId::from_u128(100),
        on: date(6, 26)?,
    })?;
    for event in june_run.handle(&PayrollRunCommand::Pay { on: date(6, 30)? })? {
        if let PayrollRunEvent::Paid { on, net, .. } = event {
            println!("paid on {on}: {net} to the employees' accounts");
        }
    }
    Ok(())
}
