//! The payslip computed the straightforward way, to check the fast path
//! against: every amount a `Decimal`, every line rounded by
//! [`Money::rounded`], proration by [`Money::allocate`], the income tax by
//! [`TaxTable::tax_on`](crate::TaxTable::tax_on), contribution bases in a
//! map by name, totals summed from the lines. It follows the steps of
//! [`gross_to_net`](super::gross_to_net)'s documentation one by one.
//!
//! The one care it takes is to divide once, last: the cumulative tax due
//! is `(tax below the band × n + (taxable to date × periods − band start
//! × n) × rate) ÷ periods per year`, where `taxable to date × periods ÷
//! n` is the projection, so no decimal quotient cut to 28 digits feeds a
//! later product. A quotient by 12, 24, 26, 52 or an hour count of pay
//! sized amounts either ends within 28 digits or repeats without ever
//! sitting on a rounding boundary, so rounding it gives the exact value's
//! rounding.

use std::collections::BTreeMap;

use bureau_core::{Decimal, Money, Rate};

use super::PayInput;
use crate::payroll::payslip::{Minor, PayslipTotals};
use crate::{
    ContributionBasis, ContributionTiming, Error, LineBasis, LineKind, LineRate, Multiplier,
    NegativeNet, PayBasis, PayComponentName, PayFrequency, PayLine, PayrollConfig, Payslip,
    ProrationBasis, Result, TaxMethod, YearToDate,
};

fn overflow(input: &PayInput<'_>) -> Error {
    Error::PayOverflow {
        employee: input.employee,
        line: "reference",
    }
}

fn currency_error(input: &PayInput<'_>, config: &PayrollConfig, line: &str, found: Money) -> Error {
    Error::PayCurrency {
        employee: input.employee,
        line: line.to_owned(),
        expected: config.currency(),
        found: found.currency(),
    }
}

/// The straightforward payslip; see the module documentation.
#[allow(clippy::too_many_lines)]
pub(crate) fn gross_to_net(
    config: &PayrollConfig,
    input: &PayInput<'_>,
    year_to_date: &YearToDate,
) -> Result<Payslip> {
    let employee = input.employee;
    let currency = config.currency();
    let strategy = config.rounding();
    let round = |exact: Option<Decimal>| -> Result<Money> {
        let exact = exact.ok_or_else(|| overflow(input))?;
        Money::rounded(exact, currency, strategy).map_err(|_| overflow(input))
    };
    let per_year = input.frequency.periods_per_year();
    let max = match input.frequency {
        PayFrequency::Weekly | PayFrequency::Biweekly => per_year + 1,
        _ => per_year,
    };
    if input.period_number == 0 || input.period_number > max {
        return Err(Error::InvalidPeriodNumber {
            employee,
            number: input.period_number,
            max,
            frequency: input.frequency,
        });
    }
    let rate = input.pay_rate.amount();
    if rate.currency() != currency {
        return Err(currency_error(input, config, "pay rate", rate));
    }
    if year_to_date.gross().currency() != currency {
        return Err(currency_error(
            input,
            config,
            "year to date",
            year_to_date.gross(),
        ));
    }
    let periods = Decimal::from(per_year);
    let mut lines: Vec<PayLine> = Vec::new();
    let line = |kind, component, basis, rate, amount| {
        PayLine::from_parts(kind, component, basis, rate, amount)
    };

    // 1. Salary.
    let period = input.period.range()?;
    let employed = match input.employed {
        None => period,
        Some(range) => range
            .intersection(&period)
            .filter(|r| !r.is_empty())
            .ok_or(Error::EmploymentOutsidePeriod {
                employee,
                employed: range,
                first: input.period.first_day(),
                last: input.period.last_day(),
            })?,
    };
    let (mut salaried_days, mut period_days) = (Decimal::ZERO, Decimal::ZERO);
    let mut period_salary = Money::zero(currency);
    if input.pay_rate.basis() == PayBasis::Annual {
        let annual = rate.amount();
        period_salary = round(
            annual
                .checked_mul(input.fte.value())
                .and_then(|a| a.checked_div(periods)),
        )?;
        let whole = employed == period;
        if whole && input.unpaid_leave.value().is_zero() {
            lines.push(line(
                LineKind::Salary,
                None,
                LineBasis::WholePeriod,
                LineRate::PerPeriod(period_salary),
                period_salary,
            ));
            salaried_days = Decimal::ONE;
            period_days = Decimal::ONE;
        } else {
            let before = bureau_core::DateRange::new(period.start(), employed.start())?;
            let after = bureau_core::DateRange::new(employed.end(), period.end())?;
            let parts = [before, employed, after];
            let mut weights = parts.map(|r| Decimal::from(r.len_days()));
            if config.proration() == ProrationBasis::WorkingDays {
                let working = parts.map(|r| input.calendar.working_days_in(r).value());
                if working.iter().any(|w| !w.is_zero()) {
                    weights = working;
                }
            }
            let [b, within, a] = weights;
            period_days = b + within + a;
            salaried_days = within;
            let paid = period_salary
                .allocate(&weights)
                .ok()
                .and_then(|parts| parts.get(1).copied())
                .ok_or_else(|| overflow(input))?;
            lines.push(line(
                LineKind::Salary,
                None,
                LineBasis::Days {
                    days: within,
                    of: period_days,
                },
                LineRate::PerPeriod(period_salary),
                paid,
            ));
        }
    }

    // 2. Unpaid leave.
    let unpaid = input.unpaid_leave.value();
    if unpaid < Decimal::ZERO || unpaid > salaried_days {
        return Err(Error::UnpaidLeaveExceedsPaidDays {
            employee,
            unpaid: input.unpaid_leave,
            paid: salaried_days,
        });
    }
    if !unpaid.is_zero() {
        let amount = round(
            period_salary
                .amount()
                .checked_mul(unpaid)
                .and_then(|a| a.checked_div(period_days)),
        )?;
        lines.push(line(
            LineKind::UnpaidLeave,
            None,
            LineBasis::Days {
                days: unpaid,
                of: period_days,
            },
            LineRate::PerPeriod(period_salary),
            amount.neg(),
        ));
    }

    // 3. Hours.
    if let Some(hours) = input.hours {
        if hours.period() != input.period {
            return Err(Error::HoursForOtherPeriod {
                employee,
                hours_first: hours.period().first_day(),
                period_first: input.period.first_day(),
            });
        }
        let salaried = input.pay_rate.basis() == PayBasis::Annual;
        let hourly = if salaried {
            round(
                rate.amount()
                    .checked_mul(input.fte.value())
                    .and_then(|a| a.checked_div(config.annual_hours().value())),
            )?
        } else {
            rate
        };
        for (multiplier, worked) in hours.buckets() {
            if salaried && *multiplier == Multiplier::REGULAR {
                continue;
            }
            let amount = round(
                hourly
                    .amount()
                    .checked_mul(multiplier.value())
                    .and_then(|a| a.checked_mul(worked.value())),
            )?;
            let kind = if *multiplier == Multiplier::REGULAR {
                LineKind::Hourly
            } else {
                LineKind::Overtime
            };
            lines.push(line(
                kind,
                None,
                LineBasis::Hours(*worked),
                LineRate::PerHour {
                    amount: hourly,
                    multiplier: *multiplier,
                },
                amount,
            ));
        }
    }

    // 4. Bonus and commission.
    for (kind, amount) in [
        (LineKind::Bonus, input.bonus),
        (LineKind::Commission, input.commission),
    ] {
        if let Some(amount) = amount {
            if amount.currency() != currency {
                return Err(currency_error(input, config, &kind.to_string(), amount));
            }
            lines.push(line(kind, None, LineBasis::Given, LineRate::None, amount));
        }
    }
    let sum = |lines: &[PayLine], select: &dyn Fn(LineKind) -> bool| -> Result<Money> {
        Money::checked_sum(
            lines
                .iter()
                .filter(|l| select(l.kind()))
                .map(PayLine::amount),
            currency,
        )
        .map_err(|_| overflow(input))
    };
    let gross = sum(&lines, &LineKind::is_earning)?;

    // 5. Pre-tax deductions and contributions before tax.
    let given = |lines: &mut Vec<PayLine>,
                 kind: LineKind,
                 deductions: &[(PayComponentName, Money)]|
     -> Result<()> {
        for (component, amount) in deductions {
            let label = format!("{kind} {component}");
            if amount.currency() != currency {
                return Err(currency_error(input, config, &label, *amount));
            }
            if amount.is_negative() {
                return Err(Error::NegativeDeduction {
                    employee,
                    line: label,
                    amount: *amount,
                });
            }
            lines.push(line(
                kind,
                Some(component.clone()),
                LineBasis::Given,
                LineRate::None,
                *amount,
            ));
        }
        Ok(())
    };
    given(&mut lines, LineKind::PreTaxDeduction, &input.pre_tax)?;
    let pre_tax =
        |k: LineKind| matches!(k, LineKind::PreTaxDeduction | LineKind::PreTaxContribution);
    let before_contributions = gross
        .checked_sub(sum(&lines, &pre_tax)?)
        .map_err(|_| overflow(input))?;
    let mut bases: BTreeMap<PayComponentName, Money> = config
        .contributions()
        .iter()
        .map(|c| (c.name().clone(), year_to_date.contribution_basis(c.name())))
        .collect();
    let mut contribute = |lines: &mut Vec<PayLine>, before_tax: bool| -> Result<()> {
        for contribution in config.contributions() {
            if (contribution.timing() == ContributionTiming::BeforeTax) != before_tax {
                continue;
            }
            let raw = match contribution.basis() {
                ContributionBasis::Taxable => before_contributions,
                _ => gross,
            };
            let raw = raw.amount().max(Decimal::ZERO);
            let so_far = bases
                .get(contribution.name())
                .copied()
                .unwrap_or(Money::zero(currency));
            let base = match contribution.annual_cap() {
                Some(cap) => {
                    if cap.currency() != currency {
                        return Err(currency_error(input, config, "contribution cap", cap));
                    }
                    let left = (cap.amount() - so_far.amount()).max(Decimal::ZERO);
                    raw.min(left)
                }
                None => raw,
            };
            let base = Money::new(base, currency).map_err(|_| overflow(input))?;
            bases.insert(
                contribution.name().clone(),
                so_far.checked_add(base).map_err(|_| overflow(input))?,
            );
            let employee_kind = if before_tax {
                LineKind::PreTaxContribution
            } else {
                LineKind::EmployeeContribution
            };
            for (kind, rate) in [
                (employee_kind, contribution.employee_rate()),
                (LineKind::EmployerContribution, contribution.employer_rate()),
            ] {
                if rate == Rate::ZERO {
                    continue;
                }
                let amount = round(base.amount().checked_mul(rate.value()))?;
                lines.push(line(
                    kind,
                    Some(contribution.name().clone()),
                    LineBasis::Amount(base),
                    LineRate::Fraction(rate),
                    amount,
                ));
            }
        }
        Ok(())
    };
    contribute(&mut lines, true)?;
    let taxable = gross
        .checked_sub(sum(&lines, &pre_tax)?)
        .map_err(|_| overflow(input))?;

    // 6. Income tax.
    let table = config.tax();
    let (projected, tax) = match config.tax_method() {
        TaxMethod::Annualised => {
            let projected = taxable.amount().checked_mul(periods);
            let annual_tax = projected.and_then(|p| table.tax_on(p));
            (
                round(projected)?,
                round(annual_tax.and_then(|t| t.checked_div(periods)))?,
            )
        }
        _ => {
            let n = Decimal::from(input.period_number);
            let to_date = year_to_date
                .taxable()
                .checked_add(taxable)
                .map_err(|_| overflow(input))?
                .amount();
            // The projection is `to_date × periods ÷ n`; compare and
            // multiply by n instead of dividing.
            let scaled = to_date
                .checked_mul(periods)
                .ok_or_else(|| overflow(input))?;
            let bands = table.bands();
            let mut due = Decimal::ZERO;
            for (index, band) in bands.iter().enumerate() {
                let start = band.from().amount() * n;
                if scaled <= start {
                    break;
                }
                let top = bands
                    .get(index + 1)
                    .map_or(scaled, |next| (next.from().amount() * n).min(scaled));
                due += (top - start) * band.rate().value();
            }
            let due = round(due.checked_div(periods))?;
            let tax = due
                .checked_sub(year_to_date.tax())
                .map_err(|_| overflow(input))?;
            (round(scaled.checked_div(n))?, tax)
        }
    };
    lines.push(line(
        LineKind::IncomeTax,
        None,
        LineBasis::Projected(projected),
        LineRate::None,
        tax,
    ));

    // 7. Contributions after tax.
    contribute(&mut lines, false)?;

    // 8. Post-tax deductions and a shortfall carried in.
    given(&mut lines, LineKind::PostTaxDeduction, &input.post_tax)?;
    if let Some(amount) = input.carried_in {
        if amount.currency() != currency {
            return Err(currency_error(input, config, "carried in", amount));
        }
        if amount.is_negative() {
            return Err(Error::NegativeDeduction {
                employee,
                line: "carried in".to_owned(),
                amount,
            });
        }
        lines.push(line(
            LineKind::CarriedIn,
            None,
            LineBasis::Given,
            LineRate::None,
            amount,
        ));
    }

    for (component, amount) in &input.reimbursements {
        let label = format!("{} {component}", LineKind::Reimbursement);
        if amount.currency() != currency {
            return Err(currency_error(input, config, &label, *amount));
        }
        if amount.is_negative() {
            return Err(Error::NegativeReimbursement {
                employee,
                line: label,
                amount: *amount,
            });
        }
        lines.push(line(
            LineKind::Reimbursement,
            Some(component.clone()),
            LineBasis::Given,
            LineRate::None,
            amount.neg(),
        ));
    }

    let mut deductions = sum(&lines, &LineKind::is_deduction)?;
    let mut net = gross.checked_sub(deductions).map_err(|_| overflow(input))?;
    let mut carried_forward = Money::zero(currency);
    if net.is_negative() {
        if config.negative_net() != NegativeNet::CarryForward {
            return Err(Error::NegativeNet {
                employee,
                net,
                lines: lines
                    .iter()
                    .filter(|l| l.kind().is_deduction())
                    .map(|l| format!("{}: {}", l.label(), l.amount()))
                    .collect(),
            });
        }
        lines.push(line(
            LineKind::CarriedForward,
            None,
            LineBasis::Given,
            LineRate::None,
            net,
        ));
        carried_forward = net.neg();
        deductions = gross;
        net = Money::zero(currency);
    }
    let employee_share = sum(&lines, &|k| {
        matches!(
            k,
            LineKind::EmployeeContribution | LineKind::PreTaxContribution
        )
    })?;
    let employer_cost = sum(&lines, &|k| k == LineKind::EmployerContribution)?;
    let mut after = year_to_date.contribution_bases().clone();
    for (name, basis) in &bases {
        after.set(name, *basis);
    }
    let year = year_to_date
        .after(
            gross.to_minor(),
            taxable.to_minor(),
            tax.to_minor(),
            employee_share.to_minor(),
            employer_cost.to_minor(),
            net.to_minor(),
            after,
        )
        .ok_or_else(|| overflow(input))?;
    Ok(Payslip {
        employee,
        period: input.period,
        lines,
        totals: PayslipTotals {
            gross: Minor::of(gross),
            taxable: Minor::of(taxable),
            deductions: Minor::of(deductions),
            net: Minor::of(net),
            employer_cost: Minor::of(employer_cost),
            carried_forward: Minor::of(carried_forward),
            currency,
        },
        year_to_date: year,
    })
}

mod tests {
    use bureau_calendar::Calendar;
    use bureau_core::{Currency, DateRange, Decimal, EmployeeId, Money, RoundingStrategy};
    use chrono::{Days, NaiveDate};
    use proptest::prelude::*;

    use crate::{
        Hours, LeaveDays, Multiplier, PayComponentName, PayInput, PayPeriod, PayRate, PaySchedule,
        PayrollConfig, PeriodHours, YearToDate, strategy,
    };

    const STRATEGIES: [RoundingStrategy; 7] = [
        RoundingStrategy::MidpointNearestEven,
        RoundingStrategy::MidpointAwayFromZero,
        RoundingStrategy::MidpointTowardZero,
        RoundingStrategy::ToZero,
        RoundingStrategy::AwayFromZero,
        RoundingStrategy::ToNegativeInfinity,
        RoundingStrategy::ToPositiveInfinity,
    ];

    /// What one period pays besides the rate: days employed (offsets
    /// from the period's start and end), unpaid half days, hour buckets
    /// (multiplier in quarters, hundredths of an hour), bonus, commission,
    /// deductions, reimbursements and a shortfall carried in, in cents.
    #[derive(Clone, Debug)]
    struct Shape {
        employed: Option<(u64, u64)>,
        unpaid_halves: i64,
        buckets: Vec<(i64, i64)>,
        bonus: Option<i128>,
        commission: Option<i128>,
        pre_tax: Vec<i128>,
        post_tax: Vec<i128>,
        reimbursements: Vec<i128>,
        carried_in: Option<i128>,
    }

    fn shape() -> impl Strategy<Value = Shape> {
        (
            prop::option::weighted(0.3, (0u64..60, 0u64..60)),
            prop_oneof![3 => Just(0i64), 1 => 0i64..=8],
            prop::collection::vec((4i64..=12, 1i64..=8_000), 0..=3),
            prop::option::of(0i128..=2_000_000),
            prop::option::of(0i128..=2_000_000),
            prop::collection::vec(-1_000i128..=400_000, 0..=2),
            prop::collection::vec(0i128..=900_000, 0..=2),
            prop::collection::vec(-1_000i128..=200_000, 0..=2),
            prop::option::weighted(0.1, 0i128..=300_000),
        )
            .prop_map(
                |(
                    employed,
                    unpaid_halves,
                    buckets,
                    bonus,
                    commission,
                    pre_tax,
                    post_tax,
                    reimbursements,
                    carried_in,
                )| Shape {
                    employed,
                    unpaid_halves,
                    buckets,
                    bonus,
                    commission,
                    pre_tax,
                    post_tax,
                    reimbursements,
                    carried_in,
                },
            )
    }

    fn usd(cents: i128) -> Result<Money, TestCaseError> {
        Money::from_minor(cents, Currency::USD).map_err(|e| TestCaseError::fail(e.to_string()))
    }

    fn hours_of(period: PayPeriod, buckets: &[(i64, i64)]) -> Option<PeriodHours> {
        let mut out: Vec<(Multiplier, Hours)> = Vec::new();
        for (quarters, centi) in buckets {
            let multiplier = Multiplier::new(Decimal::new(quarters * 25, 2)).ok()?;
            match out.iter_mut().find(|(m, _)| *m == multiplier) {
                Some((_, hours)) => *hours = *hours + Hours::from_centi(*centi),
                None => out.push((multiplier, Hours::from_centi(*centi))),
            }
        }
        out.sort_by_key(|(m, _)| *m);
        Some(PeriodHours::from_buckets(period, out))
    }

    /// The fast payslip and the reference's, side by side, over up to four
    /// consecutive periods of a tax year, each taking the year to date
    /// and the shortfall the previous one left.
    #[allow(clippy::too_many_arguments)]
    fn compare(
        config: &PayrollConfig,
        schedule: &PaySchedule,
        calendar: &Calendar,
        rate: PayRate,
        fte: crate::Fte,
        first: usize,
        shapes: &[Shape],
    ) -> Result<usize, TestCaseError> {
        let year = NaiveDate::from_ymd_opt(2026, 1, 1)
            .zip(NaiveDate::from_ymd_opt(2027, 1, 1))
            .ok_or_else(|| TestCaseError::fail("dates"))?;
        let year =
            DateRange::new(year.0, year.1).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let periods = schedule
            .periods_ending_in(year)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut year_to_date = YearToDate::new(Currency::USD);
        let mut carried = Money::zero(Currency::USD);
        let mut compared = 0;
        for (offset, shape) in shapes.iter().enumerate() {
            let index = (first + offset) % periods.len().max(1);
            let Some(period) = periods.get(index).copied() else {
                break;
            };
            let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let hours = hours_of(period, &shape.buckets);
            let mut input = PayInput::new(
                EmployeeId::from_u128(9),
                period,
                schedule.frequency(),
                number,
                rate,
                calendar,
            )
            .with_fte(fte);
            // Unpaid leave only for a salary, but now and then for hourly
            // pay too (an error either way).
            if rate.basis() == crate::PayBasis::Annual || shape.unpaid_halves == 8 {
                input = input
                    .with_unpaid_leave(LeaveDays::new(Decimal::new(shape.unpaid_halves * 5, 1)));
            }
            if let Some((from_start, from_end)) = shape.employed {
                // Shares of the period's length cut from either end.
                let length = period.range().map_or(0, |r| r.len_days());
                let start = period
                    .first_day()
                    .checked_add_days(Days::new(length * from_start / 100));
                let end = period
                    .last_day()
                    .checked_sub_days(Days::new(length * from_end / 100))
                    .and_then(|d| d.succ_opt());
                let range = start
                    .zip(end)
                    .and_then(|(start, end)| DateRange::new(start, end).ok());
                if let Some(range) = range {
                    input = input.employed(range);
                }
            }
            if let Some(hours) = hours.as_ref().filter(|h| !h.buckets().is_empty()) {
                input = input.with_hours(hours);
            }
            if let Some(bonus) = shape.bonus {
                input = input.with_bonus(usd(bonus)?);
            }
            if let Some(commission) = shape.commission {
                input = input.with_commission(usd(commission)?);
            }
            for (n, cents) in shape.pre_tax.iter().enumerate() {
                let name = PayComponentName::new(format!("pre {n}"))
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                input = input.with_pre_tax_deduction(name, usd(*cents)?);
            }
            for (n, cents) in shape.post_tax.iter().enumerate() {
                let name = PayComponentName::new(format!("post {n}"))
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                input = input.with_post_tax_deduction(name, usd(*cents)?);
            }
            for (n, cents) in shape.reimbursements.iter().enumerate() {
                let name = PayComponentName::new(format!("claim {n}"))
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                input = input.with_reimbursement(name, usd(*cents)?);
            }
            let carried_in = usd(shape.carried_in.unwrap_or(0))?
                .checked_add(carried)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            if !carried_in.is_zero() {
                input = input.with_carried_in(carried_in);
            }
            let fast = super::super::gross_to_net(config, &input, &year_to_date);
            let reference = super::gross_to_net(config, &input, &year_to_date);
            prop_assert_eq!(&fast, &reference, "period {} ({:?})", number, period);
            if let Ok(slip) = fast {
                year_to_date = slip.year_to_date().clone();
                carried = slip.carried_forward();
                compared += 1;
            }
        }
        Ok(compared)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// The payslip of the fast path (integers, running totals) is the
        /// straightforward one, line for line, total for total, year to
        /// date included, or the same error; over any configuration,
        /// rounding strategy, schedule, calendar, pay rate and inputs.
        #[test]
        fn the_fast_payslip_is_the_straightforward_one(
            config in strategy::payroll_config(),
            rounding in 0usize..7,
            annual_hours in prop::sample::select(vec![2080u32, 1950, 1820, 1]),
            schedule in strategy::pay_schedule(),
            calendar in bureau_calendar::strategy::calendar_near(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()),
            rate in strategy::pay_rate(),
            fte in strategy::fte(),
            first in 0usize..60,
            shapes in prop::collection::vec(shape(), 1..=4),
        ) {
            let config = config
                .with_rounding(STRATEGIES[rounding])
                .with_annual_hours(Hours::from(annual_hours))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            compare(&config, &schedule, &calendar, rate, fte, first, &shapes)?;
        }
    }
}
