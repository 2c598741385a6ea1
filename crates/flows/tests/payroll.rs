//! Payroll runs posted into a ledger: the accrual balances, expense equals
//! gross plus employer contributions, the payables equal the payslips'
//! totals, and paying the salaries empties net pay payable.

use bureau_calendar::Calendar;
use bureau_core::{Aggregate, Currency, EmployeeId, Money, Rate, money};
use bureau_flows::{
    AccountMapping, Error, MappingKey, MissingKey, PayrollPosting, SourceEvent, payroll_entry,
    salaries_paid_entry,
};
use bureau_hr::{
    Contribution, CostCentre, LineKind, NegativeNet, PayComponentName, PayFrequency, PayInput,
    PayRate, PaySchedule, PayrollCalculation, PayrollConfig, PayrollRun, PayrollRunCommand,
    PayrollRunEvent, TaxBand, TaxMethod, TaxTable, YearToDate,
};
use bureau_ledger::{Account, AccountId, AccountKind, EntryId, Ledger, Side};
use chrono::NaiveDate;

type Failure = Box<dyn std::error::Error>;

fn day(month: u32, day: u32) -> Result<NaiveDate, Failure> {
    Ok(NaiveDate::from_ymd_opt(2026, month, day).ok_or("date")?)
}

/// The accounts of the payroll mapping, with their keys.
fn payroll_accounts() -> Result<Vec<(MappingKey, u128, &'static str, AccountKind)>, Failure> {
    Ok(vec![
        (
            MappingKey::Bank(Currency::EUR),
            1000,
            "Bank",
            AccountKind::ASSET,
        ),
        (
            MappingKey::EmployeeShortfall,
            1300,
            "Owed by staff",
            AccountKind::ASSET,
        ),
        (
            MappingKey::NetPayPayable,
            2100,
            "Net pay payable",
            AccountKind::LIABILITY,
        ),
        (
            MappingKey::TaxWithheldPayable,
            2200,
            "Tax withheld",
            AccountKind::LIABILITY,
        ),
        (
            MappingKey::ContributionsPayable,
            2300,
            "Contributions payable",
            AccountKind::LIABILITY,
        ),
        (
            MappingKey::DeductionsPayable,
            2400,
            "Deductions payable",
            AccountKind::LIABILITY,
        ),
        (
            MappingKey::ReimbursedExpenses,
            2500,
            "Expense claims payable",
            AccountKind::LIABILITY,
        ),
        (
            MappingKey::SalaryExpense(CostCentre::new("sales")?),
            6100,
            "Salaries sales",
            AccountKind::EXPENSE,
        ),
        (
            MappingKey::SalaryExpense(CostCentre::new("support")?),
            6200,
            "Salaries support",
            AccountKind::EXPENSE,
        ),
        (
            MappingKey::EmployerContributionExpense,
            6300,
            "Employer contributions",
            AccountKind::EXPENSE,
        ),
    ])
}

fn books() -> Result<(AccountMapping, Ledger), Failure> {
    let mut mapping = AccountMapping::new();
    mapping.set_base_currency(Currency::EUR)?;
    let mut ledger = Ledger::new();
    for (key, code, name, kind) in payroll_accounts()? {
        let id = AccountId::from_u128(code);
        mapping.map(key, id)?;
        ledger.open_account(Account::new(
            id,
            code.to_string().parse()?,
            name.parse()?,
            kind,
            day(1, 1)?,
        ))?;
    }
    Ok((mapping, ledger))
}

/// A January run of three employees: two in sales, one in support; a
/// pension contribution shared by employee and employer, a pre-tax and a
/// post-tax deduction, a bonus.
fn approved_run() -> Result<PayrollRun, Failure> {
    let pension = PayComponentName::new("pension")?;
    let table = TaxTable::new(vec![
        TaxBand::new(money!(0.00 EUR), Rate::new("0.1".parse()?)),
        TaxBand::new(money!(40000.00 EUR), Rate::new("0.3".parse()?)),
    ])?;
    let config = PayrollConfig::new(table).with_contribution(Contribution::new(
        pension.clone(),
        Rate::new("0.05".parse()?),
        Rate::new("0.08".parse()?),
    )?);
    let monthly = PaySchedule::new(PayFrequency::Monthly, day(1, 1)?)?;
    let january = monthly.period_containing(day(1, 15)?)?;
    let calendar = Calendar::always();
    let fresh = YearToDate::new(Currency::EUR);
    let employee = |n: u128, annual: Money| -> Result<PayInput<'_>, Failure> {
        Ok(PayInput::new(
            EmployeeId::from_u128(n),
            january,
            PayFrequency::Monthly,
            1,
            PayRate::annual(annual)?,
            &calendar,
        ))
    };
    let inputs = [
        (
            employee(1, money!(72000.00 EUR))?
                .with_bonus(money!(1000.00 EUR))
                .with_pre_tax_deduction(PayComponentName::new("cycle scheme")?, money!(50.00 EUR)),
            &fresh,
        ),
        (
            employee(2, money!(48000.00 EUR))?
                .with_post_tax_deduction(PayComponentName::new("union")?, money!(15.00 EUR)),
            &fresh,
        ),
        (
            employee(3, money!(36000.00 EUR))?
                .with_reimbursement(PayComponentName::new("travel")?, money!(120.00 EUR)),
            &fresh,
        ),
    ];
    let calculation = PayrollCalculation::run(&config, inputs)?;
    let mut run = PayrollRun::default();
    run.handle(&PayrollRunCommand::Open {
        period: january,
        config,
    })?;
    run.handle(&PayrollRunCommand::Calculate { calculation })?;
    run.handle(&PayrollRunCommand::Approve {
        approver: EmployeeId::from_u128(9),
        on: day(1, 27)?,
    })?;
    Ok(run)
}

fn centre(employee: EmployeeId) -> Option<CostCentre> {
    let name = if employee == EmployeeId::from_u128(3) {
        "support"
    } else {
        "sales"
    };
    CostCentre::new(name).ok()
}

fn balance(ledger: &Ledger, code: u128) -> Result<Money, Failure> {
    Ok(ledger.balance(AccountId::from_u128(code), Currency::EUR)?)
}

#[test]
fn the_accrual_balances_and_matches_the_payslips() -> Result<(), Failure> {
    let (mapping, mut ledger) = books()?;
    let run = approved_run()?;
    let calculation = run.calculation().ok_or("calculated")?;
    let entry = payroll_entry(
        &mapping,
        &run,
        &PayrollPosting::new(EntryId::from_u128(1), centre),
    )?;
    assert_eq!(entry.date(), day(1, 27)?);
    ledger.post(entry)?;

    // Expense: gross per cost centre, plus employer contributions.
    let sales = balance(&ledger, 6100)?;
    let support = balance(&ledger, 6200)?;
    let employer = balance(&ledger, 6300)?;
    assert_eq!(sales.checked_add(support)?, calculation.gross());
    assert_eq!(employer, calculation.employer_cost());
    let payslips = calculation.payslips();
    let gross_of = |n: u128| {
        payslips
            .iter()
            .find(|p| p.employee() == EmployeeId::from_u128(n))
            .map(bureau_hr::Payslip::gross)
    };
    assert_eq!(Some(support), gross_of(3));
    let sum = |kinds: &[LineKind]| -> Result<Money, Failure> {
        let mut total = Money::zero(Currency::EUR);
        for payslip in payslips {
            for kind in kinds {
                total = total.checked_add(payslip.total_of(*kind)?)?;
            }
        }
        Ok(total)
    };
    // Payables (liabilities, in their normal credit balance): what the
    // payslips withheld.
    assert_eq!(balance(&ledger, 2100)?, calculation.net());
    assert_eq!(balance(&ledger, 2200)?, sum(&[LineKind::IncomeTax])?);
    assert_eq!(
        balance(&ledger, 2300)?,
        sum(&[
            LineKind::EmployeeContribution,
            LineKind::PreTaxContribution,
            LineKind::EmployerContribution,
        ])?
    );
    assert_eq!(
        balance(&ledger, 2400)?,
        sum(&[LineKind::PreTaxDeduction, LineKind::PostTaxDeduction])?
    );
    assert_eq!(balance(&ledger, 2400)?, money!(65.00 EUR));
    // The travel claim paid back: net pay carries it, the claims account is
    // debited with it, and it is no expense of the run.
    assert_eq!(balance(&ledger, 2500)?, money!(-120.00 EUR));
    assert_eq!(
        sum(&[LineKind::Reimbursement])?,
        money!(-120.00 EUR),
        "a reimbursement is a negative deduction"
    );
    Ok(())
}

#[test]
fn paying_the_salaries_empties_net_pay_payable() -> Result<(), Failure> {
    let (mapping, mut ledger) = books()?;
    let mut run = approved_run()?;
    let accrual = payroll_entry(
        &mapping,
        &run,
        &PayrollPosting::new(EntryId::from_u128(1), centre),
    )?;
    ledger.post(accrual)?;
    let paid = run.handle(&PayrollRunCommand::Pay { on: day(1, 30)? })?;
    let event = paid.first().ok_or("paid")?;
    let payment = salaries_paid_entry(&mapping, event, EntryId::from_u128(2))?;
    assert_eq!(payment.date(), day(1, 30)?);
    ledger.post(payment)?;
    assert!(balance(&ledger, 2100)?.is_zero());
    let net = run.calculation().ok_or("calculated")?.net();
    assert_eq!(balance(&ledger, 1000)?, -net);
    // A paid run still posts its accrual (late posting), the same entry.
    assert!(
        payroll_entry(
            &mapping,
            &run,
            &PayrollPosting::new(EntryId::from_u128(3), centre)
        )
        .is_ok()
    );
    Ok(())
}

#[test]
fn an_employee_without_a_cost_centre_is_named() -> Result<(), Failure> {
    let (mapping, _) = books()?;
    let run = approved_run()?;
    let only_sales = |employee: EmployeeId| {
        (employee != EmployeeId::from_u128(2))
            .then(|| centre(employee))
            .flatten()
    };
    let err = payroll_entry(
        &mapping,
        &run,
        &PayrollPosting::new(EntryId::from_u128(1), only_sales),
    )
    .err()
    .ok_or("refused")?;
    assert_eq!(
        err,
        Error::Missing {
            event: SourceEvent::PayrollApproved(day(1, 1)?),
            key: MissingKey::CostCentre(EmployeeId::from_u128(2)),
        }
    );
    Ok(())
}

#[test]
fn a_missing_account_is_named_never_defaulted() -> Result<(), Failure> {
    let (mut mapping, _) = books()?;
    mapping.handle(&bureau_flows::MappingCommand::Unmap(
        MappingKey::DeductionsPayable,
    ))?;
    let run = approved_run()?;
    let err = payroll_entry(
        &mapping,
        &run,
        &PayrollPosting::new(EntryId::from_u128(1), centre),
    )
    .err()
    .ok_or("refused")?;
    assert!(matches!(
        err,
        Error::Missing {
            key: MissingKey::Account(MappingKey::DeductionsPayable),
            ..
        }
    ));
    Ok(())
}

#[test]
fn a_run_not_approved_is_not_posted() -> Result<(), Failure> {
    let (mapping, _) = books()?;
    let posting = PayrollPosting::new(EntryId::from_u128(1), centre);
    assert_eq!(
        payroll_entry(&mapping, &PayrollRun::default(), &posting).err(),
        Some(Error::NotOpened {
            what: "payroll run"
        })
    );
    let approved = approved_run()?;
    // The same run before approval: opened and calculated only.
    let mut calculated = PayrollRun::default();
    calculated.handle(&PayrollRunCommand::Open {
        period: approved.period().ok_or("period")?,
        config: approved.config().ok_or("config")?.clone(),
    })?;
    calculated.handle(&PayrollRunCommand::Calculate {
        calculation: approved.calculation().ok_or("calculated")?.clone(),
    })?;
    assert!(matches!(
        payroll_entry(&mapping, &calculated, &posting),
        Err(Error::NotPostable { .. })
    ));
    // Salaries are paid from a Paid event only.
    let opened = PayrollRunEvent::Approved {
        approver: EmployeeId::from_u128(9),
        on: day(1, 27)?,
    };
    assert!(matches!(
        salaries_paid_entry(&mapping, &opened, EntryId::from_u128(2)),
        Err(Error::UnexpectedEvent { .. })
    ));
    Ok(())
}

/// Three monthly runs under the cumulative tax method, carrying a negative
/// net forward: employee 1 (sales) takes a large pre-tax deduction in
/// February, which lowers the year's taxable pay and refunds tax; employee
/// 3 (support) repays a loan after tax in February, more than the month
/// pays, and the shortfall is recovered in March.
fn refund_and_shortfall_runs() -> Result<Vec<PayrollRun>, Failure> {
    let table = TaxTable::new(vec![
        TaxBand::new(money!(0.00 EUR), Rate::new("0.1".parse()?)),
        TaxBand::new(money!(40000.00 EUR), Rate::new("0.3".parse()?)),
    ])?;
    let config = PayrollConfig::new(table)
        .with_tax_method(TaxMethod::Cumulative)
        .with_negative_net(NegativeNet::CarryForward);
    let monthly = PaySchedule::new(PayFrequency::Monthly, day(1, 1)?)?;
    let calendar = Calendar::always();
    let mut ytd = [
        YearToDate::new(Currency::EUR),
        YearToDate::new(Currency::EUR),
    ];
    let mut carried = money!(0.00 EUR);
    let mut runs = Vec::new();
    for month in 1..=3_u32 {
        let period = monthly.period_containing(day(month, 15)?)?;
        let input = |n: u128, annual: Money| -> Result<PayInput<'_>, Failure> {
            Ok(PayInput::new(
                EmployeeId::from_u128(n),
                period,
                PayFrequency::Monthly,
                month,
                PayRate::annual(annual)?,
                &calendar,
            ))
        };
        let mut seller = input(1, money!(72000.00 EUR))?;
        let mut agent = input(3, money!(36000.00 EUR))?;
        if month == 2 {
            seller = seller
                .with_pre_tax_deduction(PayComponentName::new("car lease")?, money!(5000.00 EUR));
            agent =
                agent.with_post_tax_deduction(PayComponentName::new("loan")?, money!(4000.00 EUR));
        }
        if carried.is_positive() {
            agent = agent.with_carried_in(carried);
        }
        let [seller_ytd, agent_ytd] = &ytd;
        let calculation =
            PayrollCalculation::run(&config, [(seller, seller_ytd), (agent, agent_ytd)])?;
        let slips = calculation.payslips();
        let slip = |n: u128| {
            slips
                .iter()
                .find(|p| p.employee() == EmployeeId::from_u128(n))
                .ok_or("payslip")
        };
        ytd = [
            slip(1)?.year_to_date().clone(),
            slip(3)?.year_to_date().clone(),
        ];
        carried = slip(3)?.carried_forward();
        let mut run = PayrollRun::default();
        run.handle(&PayrollRunCommand::Open {
            period,
            config: config.clone(),
        })?;
        run.handle(&PayrollRunCommand::Calculate { calculation })?;
        run.handle(&PayrollRunCommand::Approve {
            approver: EmployeeId::from_u128(9),
            on: day(month, 27)?,
        })?;
        runs.push(run);
    }
    Ok(runs)
}

#[test]
fn a_tax_refund_and_a_shortfall_carried_forward_and_in_are_posted() -> Result<(), Failure> {
    let (mapping, mut ledger) = books()?;
    let runs = refund_and_shortfall_runs()?;
    let mut expense = Money::zero(Currency::EUR);
    let mut tax = Money::zero(Currency::EUR);
    for (index, run) in runs.iter().enumerate() {
        let calculation = run.calculation().ok_or("calculated")?;
        let entry = payroll_entry(
            &mapping,
            run,
            &PayrollPosting::new(EntryId::from_u128(u128::try_from(index)? + 1), centre),
        )?;
        let of = |kind| -> Result<Money, Failure> {
            let mut total = Money::zero(Currency::EUR);
            for payslip in calculation.payslips() {
                total = total.checked_add(payslip.total_of(kind)?)?;
            }
            Ok(total)
        };
        let withheld = of(LineKind::IncomeTax)?;
        let forward = of(LineKind::CarriedForward)?;
        let carried_in = of(LineKind::CarriedIn)?;
        // The legs of the month's refund and shortfall, on the sides the
        // rule says: a refund debits tax withheld, a shortfall carried
        // forward debits what staff owe, one carried in credits it.
        let leg = |code: u128| {
            entry
                .postings()
                .iter()
                .find(|p| p.account() == AccountId::from_u128(code))
                .map(|p| (p.side(), p.amount()))
        };
        match index {
            0 => {
                assert!(withheld.is_positive());
                assert_eq!(leg(1300), None);
            }
            1 => {
                assert_eq!(forward, money!(-1300.00 EUR));
                assert_eq!(leg(1300), Some((Side::Debit, money!(1300.00 EUR))));
                // The seller's refund (-366.66) outweighs the agent's tax
                // (300.00): tax withheld is debited.
                assert_eq!(withheld, money!(-66.66 EUR));
                assert_eq!(leg(2200), Some((Side::Debit, money!(66.66 EUR))));
            }
            _ => {
                assert_eq!(carried_in, money!(1300.00 EUR));
                assert_eq!(leg(1300), Some((Side::Credit, money!(1300.00 EUR))));
            }
        }
        ledger.post(entry)?;
        expense = expense.checked_add(calculation.gross())?;
        expense = expense.checked_add(calculation.employer_cost())?;
        tax = tax.checked_add(withheld)?;
        let shortfall = balance(&ledger, 1300)?;
        assert_eq!(
            shortfall,
            if index == 1 {
                money!(1300.00 EUR)
            } else {
                money!(0.00 EUR)
            }
        );
        assert_eq!(balance(&ledger, 2200)?, tax);
    }
    // February refunds the seller part of January's tax: the pre-tax
    // deduction lowered the year's taxable pay.
    let february = runs
        .get(1)
        .and_then(PayrollRun::calculation)
        .ok_or("february")?;
    let seller = february
        .payslips()
        .iter()
        .find(|p| p.employee() == EmployeeId::from_u128(1))
        .ok_or("seller")?;
    // January withheld 13 600.00 / 12 = 1133.33 on 72 000.00 a year; by
    // February the year's 7000.00 taxable projects to 42 000.00, whose tax
    // of 4600.00 is 766.67 for two months: 366.66 comes back.
    assert_eq!(seller.total_of(LineKind::IncomeTax)?, money!(-366.66 EUR));
    let agent = february
        .payslips()
        .iter()
        .find(|p| p.employee() == EmployeeId::from_u128(3))
        .ok_or("agent")?;
    assert!(agent.net().is_zero());
    // Over the quarter: expense is gross plus employer contributions, and
    // net pay payable holds what the payslips pay.
    let booked = balance(&ledger, 6100)?
        .checked_add(balance(&ledger, 6200)?)?
        .checked_add(balance(&ledger, 6300)?)?;
    assert_eq!(booked, expense);
    let mut net = Money::zero(Currency::EUR);
    for run in &runs {
        net = net.checked_add(run.calculation().ok_or("calculated")?.net())?;
    }
    assert_eq!(balance(&ledger, 2100)?, net);
    assert!(ledger.trial_balance()?.is_balanced());
    Ok(())
}
