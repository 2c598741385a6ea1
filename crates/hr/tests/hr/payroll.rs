//! Payroll gross to net, tax methods, contributions and runs.

use bureau_calendar::{Calendar, Schedule, Tz};
use bureau_core::{Currency, DateRange, Decimal, EmployeeId, Money, Rate, RoundingStrategy, money};
use bureau_hr::{
    Contribution, ContributionTiming, Error, Fte, Hours, LeaveDays, LineBasis, LineKind,
    Multiplier, NegativeNet, OvertimeRules, PayComponentName, PayFrequency, PayInput, PayPeriod,
    PayRate, PaySchedule, PayrollCalculation, PayrollConfig, Payslip, ProrationBasis, TaxBand,
    TaxMethod, TaxTable, WorkedTime, YearToDate, gross_to_net, period_number, strategy,
};
use chrono::{Days, NaiveDate, Weekday};
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn weekdays() -> Result<Calendar, Box<dyn std::error::Error>> {
    Ok(Calendar::new(Schedule::weekdays(
        Tz::UTC,
        "09:00-17:00".parse()?,
    )?))
}

fn fail(error: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}

/// 0% to 12 000, 20% to 48 000, 40% above.
fn table() -> Result<TaxTable, Error> {
    TaxTable::new(vec![
        TaxBand::new(money!(0.00 USD), Rate::ZERO),
        TaxBand::new(money!(12000.00 USD), Rate::new(Decimal::new(20, 2))),
        TaxBand::new(money!(48000.00 USD), Rate::new(Decimal::new(40, 2))),
    ])
}

fn name(text: &str) -> Result<PayComponentName, Error> {
    PayComponentName::new(text)
}

fn monthly() -> Result<PaySchedule, Error> {
    PaySchedule::new(PayFrequency::Monthly, day(2026, 1, 1))
}

fn month(m: u32) -> Result<PayPeriod, Error> {
    monthly()?.period_containing(day(2026, m, 10))
}

const ADA: EmployeeId = EmployeeId::from_u128(7);

fn salaried<'a>(
    period: PayPeriod,
    number: u32,
    annual: Money,
    calendar: &'a Calendar,
) -> Result<PayInput<'a>, Error> {
    Ok(PayInput::new(
        ADA,
        period,
        PayFrequency::Monthly,
        number,
        PayRate::annual(annual)?,
        calendar,
    ))
}

fn assert_balanced(slip: &Payslip) -> TestResult {
    let usd = slip.gross().currency();
    let earnings = Money::checked_sum(
        slip.lines()
            .iter()
            .filter(|l| l.kind().is_earning())
            .map(|l| l.amount()),
        usd,
    )?;
    let deductions = Money::checked_sum(
        slip.lines()
            .iter()
            .filter(|l| l.kind().is_deduction())
            .map(|l| l.amount()),
        usd,
    )?;
    assert_eq!(earnings, slip.gross());
    assert_eq!(deductions, slip.deductions());
    assert_eq!(slip.gross().checked_sub(slip.deductions())?, slip.net());
    assert!(!slip.net().is_negative());
    Ok(())
}

#[test]
fn a_full_month_from_gross_to_net() -> TestResult {
    let calendar = weekdays()?;
    let pension = Contribution::new(
        name("pension")?,
        Rate::new(Decimal::new(5, 2)),
        Rate::new(Decimal::new(8, 2)),
    )?
    .with_annual_cap(money!(60000.00 USD));
    let config = PayrollConfig::new(table()?).with_contribution(pension);
    let input = salaried(month(3)?, 3, money!(60000.00 USD), &calendar)?
        .with_pre_tax_deduction(name("commuter benefit")?, money!(100.00 USD))
        .with_post_tax_deduction(name("union dues")?, money!(40.00 USD));
    let slip = gross_to_net(&config, &input, &YearToDate::new(Currency::USD))?;
    assert_eq!(slip.gross(), money!(5000.00 USD));
    assert_eq!(slip.taxable(), money!(4900.00 USD));
    // 58 800 a year: 36 000 at 20% and 10 800 at 40%, over 12 months.
    let tax = slip
        .lines_of(LineKind::IncomeTax)
        .next()
        .ok_or("no tax line")?;
    assert_eq!(tax.amount(), money!(960.00 USD));
    assert_eq!(tax.basis(), LineBasis::Projected(money!(58800.00 USD)));
    assert_eq!(
        slip.total_of(LineKind::EmployeeContribution)?,
        money!(250.00 USD)
    );
    assert_eq!(slip.employer_cost(), money!(400.00 USD));
    assert_eq!(slip.net(), money!(3650.00 USD));
    assert_eq!(slip.year_to_date().net(), money!(3650.00 USD));
    assert_eq!(
        slip.year_to_date().contribution_basis(&name("pension")?),
        money!(5000.00 USD)
    );
    assert_balanced(&slip)
}

/// frappe/hrms#1992 and #4542: an off-by-one month count projected 13
/// months of tax. A tax year of monthly periods from the 26th to the 25th
/// pays 12 periods; each projects exactly the annual salary, and the year's
/// tax is the table's tax on it, under both methods.
#[test]
fn regression_twelve_monthly_periods_project_the_annual_tax_not_thirteen() -> TestResult {
    let calendar = weekdays()?;
    let schedule = PaySchedule::new(PayFrequency::Monthly, day(2026, 1, 26))?;
    let tax_year = DateRange::new(day(2026, 1, 1), day(2027, 1, 1))?;
    let periods = schedule.periods_ending_in(tax_year)?;
    assert_eq!(periods.len(), 12);
    let annual_tax = table()?.tax_on(Decimal::from(60000)).ok_or("tax")?;
    for method in [TaxMethod::Annualised, TaxMethod::Cumulative] {
        let config = PayrollConfig::new(table()?).with_tax_method(method);
        let mut year = YearToDate::new(Currency::USD);
        for period in &periods {
            let number = period_number(ADA, &schedule, tax_year, *period)?;
            let slip = gross_to_net(
                &config,
                &salaried(*period, number, money!(60000.00 USD), &calendar)?,
                &year,
            )?;
            let tax = slip
                .lines_of(LineKind::IncomeTax)
                .next()
                .ok_or("no tax line")?;
            assert_eq!(
                tax.basis(),
                LineBasis::Projected(money!(60000.00 USD)),
                "{method:?} {number}"
            );
            year = slip.year_to_date().clone();
        }
        assert_eq!(year.gross(), money!(60000.00 USD));
        assert_eq!(year.tax().amount(), annual_tax, "{method:?}");
    }
    assert_eq!(period_number(ADA, &schedule, tax_year, periods[11])?, 12);
    Ok(())
}

#[test]
fn the_cumulative_method_catches_up_after_a_raise() -> TestResult {
    let calendar = weekdays()?;
    let config = PayrollConfig::new(table()?).with_tax_method(TaxMethod::Cumulative);
    let mut year = YearToDate::new(Currency::USD);
    for m in 1..=12 {
        let annual = if m <= 6 {
            money!(24000.00 USD)
        } else {
            money!(72000.00 USD)
        };
        year = gross_to_net(&config, &salaried(month(m)?, m, annual, &calendar)?, &year)?
            .year_to_date()
            .clone();
    }
    // 48 000 earned: all of it taxed as one year.
    assert_eq!(year.taxable(), money!(48000.00 USD));
    assert_eq!(year.tax(), money!(7200.00 USD));
    Ok(())
}

/// The cumulative tax due to date is `tax(ytd × 12 ÷ n) × n ÷ 12`. After
/// nine months of 1 195 560.10 taxable pay (5% to 5 000 a year, 20%
/// above) it is exactly 238 549.52: the projection 1 594 080.1333... is
/// taxed 318 066.02666..., three quarters of which is 238 549.52. A
/// decimal projection cut to 28 digits and multiplied back gives
/// 238 549.5199...; rounded toward zero that paid a cent short.
#[test]
fn regression_the_cumulative_tax_due_is_exact_when_the_projection_repeats() -> TestResult {
    let calendar = weekdays()?;
    let table = TaxTable::new(vec![
        TaxBand::new(money!(0.00 USD), Rate::new(Decimal::new(5, 2))),
        TaxBand::new(money!(5000.00 USD), Rate::new(Decimal::new(20, 2))),
    ])?;
    let config = PayrollConfig::new(table)
        .with_tax_method(TaxMethod::Cumulative)
        .with_rounding(RoundingStrategy::ToZero);
    let mut year = YearToDate::new(Currency::USD);
    for m in 1..=9 {
        // 132 840.00 a month, and a bonus of 0.10 in September.
        let mut input = salaried(month(m)?, m, money!(1594080.00 USD), &calendar)?;
        if m == 9 {
            input = input.with_bonus(money!(0.10 USD));
        }
        let slip = gross_to_net(&config, &input, &year)?;
        year = slip.year_to_date().clone();
    }
    assert_eq!(year.taxable(), money!(1195560.10 USD));
    assert_eq!(year.tax(), money!(238549.52 USD));
    Ok(())
}

#[test]
fn a_contribution_stops_at_its_annual_cap() -> TestResult {
    let calendar = weekdays()?;
    let pension = Contribution::new(name("pension")?, Rate::new(Decimal::new(5, 2)), Rate::ZERO)?
        .with_annual_cap(money!(55000.00 USD));
    let config = PayrollConfig::new(table()?).with_contribution(pension);
    let mut year = YearToDate::new(Currency::USD);
    let mut paid = Vec::new();
    for m in 1..=8 {
        let slip = gross_to_net(
            &config,
            &salaried(month(m)?, m, money!(120000.00 USD), &calendar)?,
            &year,
        )?;
        paid.push(slip.total_of(LineKind::EmployeeContribution)?);
        year = slip.year_to_date().clone();
    }
    // 10 000 a month: five full months, 5 000 left in the sixth, none after.
    assert_eq!(paid[4], money!(500.00 USD));
    assert_eq!(paid[5], money!(250.00 USD));
    assert_eq!(paid[6], money!(0.00 USD));
    assert_eq!(year.employee_contributions(), money!(2750.00 USD));
    assert!(
        !gross_to_net(
            &config,
            &salaried(month(9)?, 9, money!(120000.00 USD), &calendar)?,
            &year
        )?
        .lines()
        .iter()
        .any(|l| l.kind() == LineKind::EmployerContribution)
    );
    Ok(())
}

#[test]
fn hourly_pay_with_overtime_from_the_timesheet() -> TestResult {
    let calendar = weekdays()?;
    let tuesday = day(2026, 6, 2);
    let work = [WorkedTime::OnDay {
        date: tuesday,
        interval: "07:00-17:00".parse()?,
    }
    .resolve(&calendar)?];
    let rules = OvertimeRules::new(Weekday::Mon).daily(Hours::from(8), Multiplier::TIME_AND_A_HALF);
    let classified = rules.classify(&calendar, &monthly()?, &work)?;
    let june = classified.first().ok_or("no period")?;
    let config = PayrollConfig::new(table()?);
    let input = PayInput::new(
        ADA,
        june.period(),
        PayFrequency::Monthly,
        6,
        PayRate::hourly(money!(20.01 USD))?,
        &calendar,
    )
    .with_hours(june);
    let slip = gross_to_net(&config, &input, &YearToDate::new(Currency::USD))?;
    assert_eq!(slip.total_of(LineKind::Hourly)?, money!(160.08 USD));
    // 2 × 20.01 × 1.5 = 60.03
    assert_eq!(slip.total_of(LineKind::Overtime)?, money!(60.03 USD));
    assert_eq!(slip.gross(), money!(220.11 USD));
    // A salary pays only the overtime, at its hourly equivalent: 62 400 / 2080 = 30.
    let input = salaried(june.period(), 6, money!(62400.00 USD), &calendar)?.with_hours(june);
    let slip = gross_to_net(&config, &input, &YearToDate::new(Currency::USD))?;
    assert_eq!(slip.total_of(LineKind::Overtime)?, money!(90.00 USD));
    assert_eq!(slip.total_of(LineKind::Hourly)?, money!(0.00 USD));
    // Hours of another period are refused.
    let input = salaried(month(5)?, 5, money!(62400.00 USD), &calendar)?.with_hours(june);
    assert!(matches!(
        gross_to_net(&config, &input, &YearToDate::new(Currency::USD)),
        Err(Error::HoursForOtherPeriod { .. })
    ));
    Ok(())
}

#[test]
fn unpaid_leave_and_a_mid_month_joiner() -> TestResult {
    let calendar = weekdays()?;
    let config = PayrollConfig::new(table()?);
    // June 2026 has 22 weekdays: two unpaid days cost 5000 × 2 / 22.
    let input = salaried(month(6)?, 6, money!(60000.00 USD), &calendar)?
        .with_unpaid_leave(LeaveDays::from(2));
    let slip = gross_to_net(&config, &input, &YearToDate::new(Currency::USD))?;
    assert_eq!(slip.total_of(LineKind::UnpaidLeave)?, money!(-454.55 USD));
    assert_eq!(slip.gross(), money!(4545.45 USD));
    // A joiner on 16 June works 11 of its 22 working days, or 15 of 30 calendar days.
    let joined = DateRange::new(day(2026, 6, 16), day(2026, 7, 1))?;
    for basis in [ProrationBasis::WorkingDays, ProrationBasis::CalendarDays] {
        let config = PayrollConfig::new(table()?).with_proration(basis);
        let input = salaried(month(6)?, 6, money!(60000.00 USD), &calendar)?.employed(joined);
        assert_eq!(
            gross_to_net(&config, &input, &YearToDate::new(Currency::USD))?.gross(),
            money!(2500.00 USD)
        );
    }
    // More unpaid days than employed days is refused.
    let input = salaried(month(6)?, 6, money!(60000.00 USD), &calendar)?
        .employed(joined)
        .with_unpaid_leave(LeaveDays::from(12));
    assert!(matches!(
        gross_to_net(&config, &input, &YearToDate::new(Currency::USD)),
        Err(Error::UnpaidLeaveExceedsPaidDays { .. })
    ));
    // Employment outside the period is refused.
    let input = salaried(month(5)?, 5, money!(60000.00 USD), &calendar)?.employed(joined);
    assert!(matches!(
        gross_to_net(&config, &input, &YearToDate::new(Currency::USD)),
        Err(Error::EmploymentOutsidePeriod { .. })
    ));
    Ok(())
}

#[test]
fn negative_net_is_refused_naming_the_employee_and_lines_or_carried_forward() -> TestResult {
    let calendar = weekdays()?;
    let config = PayrollConfig::new(table()?);
    let input = salaried(month(1)?, 1, money!(12000.00 USD), &calendar)?
        .with_post_tax_deduction(name("loan")?, money!(1500.00 USD));
    let err = gross_to_net(&config, &input, &YearToDate::new(Currency::USD))
        .err()
        .ok_or("accepted")?;
    let message = err.to_string();
    assert!(
        matches!(err, Error::NegativeNet { employee, .. } if employee == ADA),
        "{message}"
    );
    assert!(
        message.contains("post-tax deduction loan: 1500.00 USD"),
        "{message}"
    );
    assert!(message.contains(&ADA.to_string()), "{message}");

    let config = config.with_negative_net(NegativeNet::CarryForward);
    let first = gross_to_net(&config, &input, &YearToDate::new(Currency::USD))?;
    assert_eq!(first.net(), money!(0.00 USD));
    assert_eq!(first.carried_forward(), money!(500.00 USD));
    assert_balanced(&first)?;
    let next = salaried(month(2)?, 2, money!(12000.00 USD), &calendar)?
        .with_carried_in(first.carried_forward());
    let second = gross_to_net(&config, &next, first.year_to_date())?;
    assert_eq!(second.net(), money!(500.00 USD));
    assert_eq!(second.year_to_date().net(), money!(500.00 USD));
    assert_balanced(&second)
}

#[test]
fn bad_inputs_are_typed_errors() -> TestResult {
    let calendar = weekdays()?;
    let config = PayrollConfig::new(table()?);
    let fresh = YearToDate::new(Currency::USD);
    let input = salaried(month(1)?, 13, money!(12000.00 USD), &calendar)?;
    assert!(matches!(
        gross_to_net(&config, &input, &fresh),
        Err(Error::InvalidPeriodNumber { number: 13, .. })
    ));
    let input =
        salaried(month(1)?, 1, money!(12000.00 USD), &calendar)?.with_bonus(money!(10.00 EUR));
    assert!(matches!(
        gross_to_net(&config, &input, &fresh),
        Err(Error::PayCurrency { .. })
    ));
    let input = salaried(month(1)?, 1, money!(12000.00 USD), &calendar)?
        .with_pre_tax_deduction(name("x")?, money!(-1.00 USD));
    assert!(matches!(
        gross_to_net(&config, &input, &fresh),
        Err(Error::NegativeDeduction { .. })
    ));
    assert!(TaxTable::new(vec![]).is_err());
    assert!(TaxTable::new(vec![TaxBand::new(money!(1.00 USD), Rate::ZERO)]).is_err());
    assert!(
        TaxTable::new(vec![
            TaxBand::new(money!(0.00 USD), Rate::ZERO),
            TaxBand::new(money!(0.00 USD), Rate::ONE)
        ])
        .is_err()
    );
    assert!(
        TaxTable::new(vec![TaxBand::new(
            money!(0.00 USD),
            Rate::new(Decimal::TWO)
        )])
        .is_err()
    );
    assert!(
        PayrollConfig::new(table()?)
            .with_annual_hours(Hours::ZERO)
            .is_err()
    );
    Ok(())
}

#[test]
fn a_run_sums_each_component() -> TestResult {
    let calendar = weekdays()?;
    let pension = Contribution::new(
        name("pension")?,
        Rate::new(Decimal::new(5, 2)),
        Rate::new(Decimal::new(8, 2)),
    )?;
    let config = PayrollConfig::new(table()?).with_contribution(pension);
    let fresh = YearToDate::new(Currency::USD);
    let mut inputs = Vec::new();
    for id in 1..=3u128 {
        let input = PayInput::new(
            EmployeeId::from_u128(id),
            month(4)?,
            PayFrequency::Monthly,
            4,
            PayRate::annual(money!(60000.00 USD))?,
            &calendar,
        )
        .with_fte(Fte::new(Decimal::new(5, 1))?)
        .with_bonus(money!(100.00 USD));
        inputs.push((input, &fresh));
    }
    let run = PayrollCalculation::run(&config, inputs)?;
    assert_eq!(run.payslips().len(), 3);
    assert_eq!(
        run.total_of(LineKind::Salary)
            .map(|t| (t.amount, t.payslips)),
        Some((money!(7500.00 USD), 3))
    );
    assert_eq!(
        run.total_of(LineKind::Bonus).map(|t| t.amount),
        Some(money!(300.00 USD))
    );
    let employer = run
        .components()
        .iter()
        .find(|t| t.kind == LineKind::EmployerContribution)
        .ok_or("no employer line")?;
    assert_eq!(
        employer.component.as_ref().map(PayComponentName::as_str),
        Some("pension")
    );
    assert_eq!(employer.amount, money!(624.00 USD));
    assert_eq!(run.employer_cost(), money!(624.00 USD));
    let nets = Money::checked_sum(run.payslips().iter().map(Payslip::net), Currency::USD)?;
    assert_eq!(run.net(), nets);
    Ok(())
}

proptest! {
    /// Two payslips of one period split at any date pay exactly the whole
    /// period's salary, under both proration bases.
    #[test]
    fn prorated_pay_of_a_split_period_sums_to_the_whole(
        annual in 1_000_000i128..=50_000_000,
        fte in strategy::fte(),
        m in 1u32..=12,
        cut in 1u64..=30,
        calendar_days in any::<bool>(),
    ) {
        let calendar = weekdays().map_err(fail)?;
        let basis = if calendar_days { ProrationBasis::CalendarDays } else { ProrationBasis::WorkingDays };
        let config = PayrollConfig::new(table()?).with_proration(basis);
        let period = month(m)?;
        let range = period.range()?;
        let cut = period.first_day().checked_add_days(Days::new(cut)).filter(|d| *d <= period.last_day()).unwrap_or(period.last_day());
        let annual = Money::from_minor(annual, Currency::USD)?;
        let fresh = YearToDate::new(Currency::USD);
        let salary = |employed: Option<DateRange>| -> Result<Money, TestCaseError> {
            let mut input = salaried(period, m, annual, &calendar)?.with_fte(fte);
            if let Some(employed) = employed { input = input.employed(employed); }
            gross_to_net(&config, &input, &fresh)?.total_of(LineKind::Salary).map_err(fail)
        };
        let whole = salary(None)?;
        let before = salary(Some(DateRange::new(range.start(), cut)?))?;
        let after = salary(Some(DateRange::new(cut, range.end())?))?;
        prop_assert_eq!(before.checked_add(after)?, whole);
    }

    /// Gross minus deductions is net, exactly, whatever the configuration and inputs.
    #[test]
    fn gross_minus_deductions_is_net(
        config in strategy::payroll_config(),
        rate in strategy::pay_rate(),
        m in 1u32..=12,
        bonus in 0i128..=500_000,
        pre_tax in 0i128..=300_000,
        post_tax in 0i128..=800_000,
        unpaid in 0i32..=4,
    ) {
        let calendar = weekdays().map_err(fail)?;
        let usd = |cents| Money::from_minor(cents, Currency::USD);
        let mut input = PayInput::new(ADA, month(m)?, PayFrequency::Monthly, m, rate, &calendar)
            .with_bonus(usd(bonus)?)
            .with_pre_tax_deduction(name("pre")?, usd(pre_tax)?)
            .with_post_tax_deduction(name("post")?, usd(post_tax)?);
        if rate.basis() == bureau_hr::PayBasis::Annual {
            input = input.with_unpaid_leave(LeaveDays::from(unpaid));
        }
        match gross_to_net(&config, &input, &YearToDate::new(Currency::USD)) {
            Ok(slip) => assert_balanced(&slip).map_err(fail)?,
            Err(Error::NegativeNet { employee, .. }) => {
                prop_assert_eq!(config.negative_net(), NegativeNet::Reject);
                prop_assert_eq!(employee, ADA);
            }
            Err(other) => return Err(fail(other)),
        }
    }
}

#[test]
fn payslips_serialize_amounts_as_strings_and_tax_tables_validate_when_read() -> TestResult {
    let calendar = weekdays()?;
    let config = PayrollConfig::new(table()?);
    let slip = gross_to_net(
        &config,
        &salaried(month(1)?, 1, money!(60000.00 USD), &calendar)?,
        &YearToDate::new(Currency::USD),
    )?;
    let json = serde_json::to_string(&slip)?;
    assert!(json.contains(r#""amount":"5000.00""#), "{json}");
    let table_json = serde_json::to_string(&table()?)?;
    assert_eq!(serde_json::from_str::<TaxTable>(&table_json)?, table()?);
    let unordered = r#"[{"from":{"amount":"0.00","currency":"USD"},"rate":"0.1"},{"from":{"amount":"0.00","currency":"USD"},"rate":"0.2"}]"#;
    assert!(serde_json::from_str::<TaxTable>(unordered).is_err());
    Ok(())
}

#[test]
fn a_pension_taken_before_tax_lowers_taxable_pay_and_tax() -> TestResult {
    let calendar = weekdays()?;
    let pension = |timing| -> Result<Contribution, Error> {
        Ok(Contribution::new(
            name("pension")?,
            Rate::new(Decimal::new(5, 2)),
            Rate::new(Decimal::new(8, 2)),
        )?
        .with_timing(timing))
    };
    let input = salaried(month(3)?, 3, money!(60000.00 USD), &calendar)?;
    let fresh = YearToDate::new(Currency::USD);
    let after = gross_to_net(
        &PayrollConfig::new(table()?).with_contribution(pension(ContributionTiming::AfterTax)?),
        &input,
        &fresh,
    )?;
    let before = gross_to_net(
        &PayrollConfig::new(table()?).with_contribution(pension(ContributionTiming::BeforeTax)?),
        &input,
        &fresh,
    )?;
    // 5 000 a month, 250 to the pension either way.
    assert_eq!(after.taxable(), money!(5000.00 USD));
    assert_eq!(before.taxable(), money!(4750.00 USD));
    // 60 000 a year: 36 000 at 20% and 12 000 at 40%, 12 000 a year or
    // 1 000 a month; with the pension before tax, 57 000: 7 200 and 3 600,
    // 900 a month.
    assert_eq!(after.total_of(LineKind::IncomeTax)?, money!(1000.00 USD));
    assert_eq!(before.total_of(LineKind::IncomeTax)?, money!(900.00 USD));
    assert_eq!(
        before.total_of(LineKind::PreTaxContribution)?,
        money!(250.00 USD)
    );
    assert_eq!(
        before.total_of(LineKind::EmployeeContribution)?,
        money!(0.00 USD)
    );
    assert_eq!(before.net(), money!(3850.00 USD));
    assert_eq!(after.net(), money!(3750.00 USD));
    assert_eq!(before.employer_cost(), money!(400.00 USD));
    assert_eq!(
        before.year_to_date().employee_contributions(),
        money!(250.00 USD)
    );
    assert_eq!(before.year_to_date().taxable(), money!(4750.00 USD));
    assert_balanced(&before)?;
    // Read back, the payslip still balances with the contribution before tax.
    let json = serde_json::to_string(&before)?;
    assert_eq!(serde_json::from_str::<Payslip>(&json)?, before);
    Ok(())
}

/// Contribution bases are kept by name, whatever order the contributions
/// come in: serialized as a map sorted by name, read back equal, and
/// refused when a basis is in another currency than the totals.
#[test]
fn a_year_to_date_keeps_its_bases_by_name_and_reads_back_checked() -> TestResult {
    let calendar = weekdays()?;
    let contribution = |label: &str, cap: Option<Money>| -> Result<Contribution, Error> {
        let c = Contribution::new(name(label)?, Rate::new(Decimal::new(1, 2)), Rate::ZERO)?;
        Ok(match cap {
            Some(cap) => c.with_annual_cap(cap),
            None => c,
        })
    };
    let zeta_first = PayrollConfig::new(table()?)
        .with_contribution(contribution("zeta", Some(money!(8000.00 USD)))?)
        .with_contribution(contribution("alpha", None)?);
    let alpha_first = PayrollConfig::new(table()?)
        .with_contribution(contribution("alpha", None)?)
        .with_contribution(contribution("zeta", Some(money!(8000.00 USD)))?);
    let mut years = Vec::new();
    for config in [&zeta_first, &alpha_first] {
        let mut year = YearToDate::new(Currency::USD);
        for m in 1..=3 {
            let input = salaried(month(m)?, m, money!(60000.00 USD), &calendar)?;
            year = gross_to_net(config, &input, &year)?.year_to_date().clone();
        }
        years.push(year);
    }
    let [zeta, alpha] = [&years[0], &years[1]];
    assert_eq!(zeta, alpha);
    assert_eq!(
        zeta.contribution_basis(&name("alpha")?),
        money!(15000.00 USD)
    );
    // Capped at 8 000 over the year.
    assert_eq!(zeta.contribution_basis(&name("zeta")?), money!(8000.00 USD));
    assert_eq!(zeta.contribution_basis(&name("other")?), money!(0.00 USD));
    let json = serde_json::to_string(zeta)?;
    let (a, z) = (
        json.find(r#""alpha":"#).ok_or("alpha")?,
        json.find(r#""zeta":"#).ok_or("zeta")?,
    );
    assert!(a < z, "{json}");
    assert_eq!(&serde_json::from_str::<YearToDate>(&json)?, zeta);
    let mixed = json.replacen(r#""currency":"USD"}}"#, r#""currency":"EUR"}}"#, 1);
    assert_ne!(mixed, json);
    let err = serde_json::from_str::<YearToDate>(&mixed)
        .err()
        .ok_or("accepted")?;
    assert!(err.to_string().contains("mixes currencies"), "{err}");
    Ok(())
}

/// An expense claim paid back through payroll: a line adding to net pay,
/// outside gross, taxable pay and every contribution's basis, totalled
/// per claim in a run; a negative or foreign one is refused.
#[test]
fn a_reimbursement_is_paid_with_net_pay_untaxed() -> TestResult {
    let calendar = weekdays()?;
    let pension = Contribution::new(name("pension")?, Rate::new(Decimal::new(5, 2)), Rate::ZERO)?;
    let config = PayrollConfig::new(table()?).with_contribution(pension);
    let fresh = YearToDate::new(Currency::USD);
    let plain = salaried(month(5)?, 5, money!(60000.00 USD), &calendar)?;
    let paid_back = plain
        .clone()
        .with_reimbursement(name("claim 17")?, money!(250.40 USD));
    let (without, with) = (
        gross_to_net(&config, &plain, &fresh)?,
        gross_to_net(&config, &paid_back, &fresh)?,
    );
    assert_balanced(&with)?;
    assert_eq!(with.gross(), without.gross());
    assert_eq!(with.taxable(), without.taxable());
    assert_eq!(
        with.total_of(LineKind::IncomeTax)?,
        without.total_of(LineKind::IncomeTax)?
    );
    assert_eq!(
        with.total_of(LineKind::EmployeeContribution)?,
        without.total_of(LineKind::EmployeeContribution)?
    );
    assert_eq!(with.net(), without.net().checked_add(money!(250.40 USD))?);
    assert_eq!(with.year_to_date().net(), with.net());
    let line = with
        .lines_of(LineKind::Reimbursement)
        .next()
        .ok_or("no reimbursement line")?;
    assert_eq!(line.amount(), money!(-250.40 USD));
    assert_eq!(line.label(), "reimbursement claim 17");

    let run = PayrollCalculation::run(&config, [(paid_back, &fresh)])?;
    let total = run
        .components()
        .iter()
        .find(|t| t.kind == LineKind::Reimbursement)
        .ok_or("no total")?;
    assert_eq!(total.amount, money!(-250.40 USD));
    assert_eq!(total.component.as_ref(), Some(&name("claim 17")?));

    let negative = plain
        .clone()
        .with_reimbursement(name("claim 18")?, money!(-1.00 USD));
    assert!(matches!(
        gross_to_net(&config, &negative, &fresh),
        Err(Error::NegativeReimbursement { employee, .. }) if employee == ADA
    ));
    let foreign = plain.with_reimbursement(name("claim 19")?, money!(10.00 EUR));
    assert!(matches!(
        gross_to_net(&config, &foreign, &fresh),
        Err(Error::PayCurrency { employee, .. }) if employee == ADA
    ));
    Ok(())
}
