//! Gross to net for one employee and one pay period, as a pure function.

use bureau_calendar::Calendar;
use bureau_core::{Currency, DateRange, Decimal, EmployeeId, Money, Rate};

use super::payslip::{Basis, ContributionBases, Minor, PackedHours, PayslipTotals, Per};
use super::rounding::{Fixed, mul, power_of_ten, round_fixed, round_quotient};
use crate::{
    Contribution, ContributionBasis, ContributionTiming, Error, Fte, LeaveDays, LineKind,
    NegativeNet, PayBasis, PayComponentName, PayFrequency, PayLine, PayPeriod, PayRate,
    PaySchedule, PayrollConfig, Payslip, PeriodHours, ProrationBasis, Result, TaxMethod,
    YearToDate,
};

/// What one employee is paid for in one period: pay rate and FTE, the days
/// employed, hours from the timesheet's overtime classification, bonus,
/// commission, unpaid leave, deductions and a shortfall carried in.
///
/// `period_number` is the period's place in the tax year, from 1 (see
/// [`period_number`]); the cumulative tax method needs it.
#[derive(Clone, Debug)]
pub struct PayInput<'a> {
    employee: EmployeeId,
    period: PayPeriod,
    frequency: PayFrequency,
    period_number: u32,
    pay_rate: PayRate,
    fte: Fte,
    calendar: &'a Calendar,
    employed: Option<DateRange>,
    hours: Option<&'a PeriodHours>,
    unpaid_leave: LeaveDays,
    bonus: Option<Money>,
    commission: Option<Money>,
    pre_tax: Vec<(PayComponentName, Money)>,
    post_tax: Vec<(PayComponentName, Money)>,
    reimbursements: Vec<(PayComponentName, Money)>,
    carried_in: Option<Money>,
}

impl<'a> PayInput<'a> {
    /// Pay at `pay_rate` and full time for the whole of `period`, the
    /// `period_number`th of its tax year, counted on `calendar`.
    pub fn new(
        employee: EmployeeId,
        period: PayPeriod,
        frequency: PayFrequency,
        period_number: u32,
        pay_rate: PayRate,
        calendar: &'a Calendar,
    ) -> Self {
        Self {
            employee,
            period,
            frequency,
            period_number,
            pay_rate,
            fte: Fte::FULL,
            calendar,
            employed: None,
            hours: None,
            unpaid_leave: LeaveDays::ZERO,
            bonus: None,
            commission: None,
            pre_tax: Vec::new(),
            post_tax: Vec::new(),
            reimbursements: Vec::new(),
            carried_in: None,
        }
    }

    /// The same input at `fte` (scales a salary, not hourly pay).
    #[must_use]
    pub fn with_fte(mut self, fte: Fte) -> Self {
        self.fte = fte;
        self
    }

    /// The same input employed only on the days of `employed` (a joiner or
    /// a leaver); the salary is prorated.
    #[must_use]
    pub fn employed(mut self, employed: DateRange) -> Self {
        self.employed = Some(employed);
        self
    }

    /// The same input with the period's hours, classified by
    /// [`OvertimeRules::classify`](crate::OvertimeRules::classify). Hourly
    /// pay pays every bucket; a salary pays the buckets above the regular
    /// multiplier at its hourly equivalent.
    #[must_use]
    pub fn with_hours(mut self, hours: &'a PeriodHours) -> Self {
        self.hours = Some(hours);
        self
    }

    /// The same input with `days` of unpaid leave, counted in the
    /// configured [`ProrationBasis`].
    #[must_use]
    pub fn with_unpaid_leave(mut self, days: LeaveDays) -> Self {
        self.unpaid_leave = days;
        self
    }

    /// The same input with a bonus.
    #[must_use]
    pub fn with_bonus(mut self, amount: Money) -> Self {
        self.bonus = Some(amount);
        self
    }

    /// The same input with a commission (computed elsewhere).
    #[must_use]
    pub fn with_commission(mut self, amount: Money) -> Self {
        self.commission = Some(amount);
        self
    }

    /// The same input with a deduction before tax.
    #[must_use]
    pub fn with_pre_tax_deduction(mut self, component: PayComponentName, amount: Money) -> Self {
        self.pre_tax.push((component, amount));
        self
    }

    /// The same input with a deduction after tax.
    #[must_use]
    pub fn with_post_tax_deduction(mut self, component: PayComponentName, amount: Money) -> Self {
        self.post_tax.push((component, amount));
        self
    }

    /// The same input with an expense claim paid back through payroll
    /// ([`Reimbursement::Payroll`](crate::Reimbursement::Payroll); the
    /// claim's [`total`](crate::ExpenseClaim::total)): a
    /// [`LineKind::Reimbursement`] line adding to net pay, untaxed.
    ///
    /// ```
    /// use bureau_calendar::Calendar;
    /// use bureau_core::{money, Currency, EmployeeId, Rate};
    /// use bureau_hr::{gross_to_net, LineKind, PayComponentName, PayFrequency, PayInput, PayRate,
    ///     PaySchedule, PayrollConfig, TaxBand, TaxTable, YearToDate};
    /// use chrono::NaiveDate;
    /// let table = TaxTable::new(vec![TaxBand::new(money!(0.00 USD), Rate::new("0.1".parse()?))])?;
    /// let config = PayrollConfig::new(table);
    /// let monthly = PaySchedule::new(PayFrequency::Monthly, NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?)?;
    /// let may = monthly.period_containing(NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?)?;
    /// let calendar = Calendar::always();
    /// let input = PayInput::new(EmployeeId::from_u128(3), may, PayFrequency::Monthly, 5,
    ///     PayRate::annual(money!(36000.00 USD))?, &calendar)
    ///     .with_reimbursement(PayComponentName::new("travel to Lyon")?, money!(412.80 USD));
    /// let slip = gross_to_net(&config, &input, &YearToDate::new(Currency::USD))?;
    /// // 3 000 gross, 300 tax: the reimbursement is paid, not taxed.
    /// assert_eq!(slip.gross(), money!(3000.00 USD));
    /// assert_eq!(slip.taxable(), money!(3000.00 USD));
    /// assert_eq!(slip.total_of(LineKind::Reimbursement)?, money!(-412.80 USD));
    /// assert_eq!(slip.net(), money!(3112.80 USD));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_reimbursement(mut self, component: PayComponentName, amount: Money) -> Self {
        self.reimbursements.push((component, amount));
        self
    }

    /// The same input with the shortfall the previous payslip carried
    /// forward ([`Payslip::carried_forward`]).
    #[must_use]
    pub fn with_carried_in(mut self, amount: Money) -> Self {
        self.carried_in = Some(amount);
        self
    }

    /// The employee.
    pub const fn employee(&self) -> EmployeeId {
        self.employee
    }

    /// The pay period.
    pub const fn period(&self) -> PayPeriod {
        self.period
    }
}

/// The place of `period` among the periods `schedule` pays in `tax_year`
/// (those whose last day falls in it), from 1.
///
/// # Errors
///
/// [`Error::InvalidPeriodNumber`] (with number 0) naming `employee` when the
/// period does not end in the tax year; range errors of the schedule.
pub fn period_number(
    employee: EmployeeId,
    schedule: &PaySchedule,
    tax_year: DateRange,
    period: PayPeriod,
) -> Result<u32> {
    let periods = schedule.periods_ending_in(tax_year)?;
    let max = u32::try_from(periods.len()).unwrap_or(u32::MAX);
    periods
        .iter()
        .position(|p| *p == period)
        .and_then(|index| u32::try_from(index + 1).ok())
        .ok_or(Error::InvalidPeriodNumber {
            employee,
            number: 0,
            max,
            frequency: schedule.frequency(),
        })
}

/// The straightforward computation the fast path is tested against.
#[cfg(all(test, feature = "proptest"))]
mod reference;

struct Computation<'c> {
    config: &'c PayrollConfig,
    employee: EmployeeId,
    currency: Currency,
    lines: Vec<PayLine>,
    /// Running sums in minor units, kept as lines are pushed so that no
    /// total walks the lines again.
    totals: Totals,
}

/// Sums of a payslip's lines by group, in minor units of the payroll's
/// currency. Every line is at most 2^96 minor units, so a sum of a few
/// lines stays far inside `i128`; saturation only guards the impossible.
#[derive(Default)]
struct Totals {
    earnings: i128,
    /// Pre-tax deductions and pre-tax contributions.
    pre_tax: i128,
    deductions: i128,
    employee: i128,
    employer: i128,
}

impl Totals {
    fn add(&mut self, kind: LineKind, minor: i128) {
        let add = |total: &mut i128| *total = total.saturating_add(minor);
        if kind.is_earning() {
            add(&mut self.earnings);
        }
        if kind.is_deduction() {
            add(&mut self.deductions);
        }
        match kind {
            LineKind::PreTaxDeduction => add(&mut self.pre_tax),
            LineKind::EmployeeContribution => add(&mut self.employee),
            LineKind::PreTaxContribution => {
                add(&mut self.employee);
                add(&mut self.pre_tax);
            }
            LineKind::EmployerContribution => add(&mut self.employer),
            _ => {}
        }
    }
}

impl Computation<'_> {
    fn overflow(&self, line: &'static str) -> Error {
        Error::PayOverflow {
            employee: self.employee,
            line,
        }
    }

    /// `value` minor units of the payroll's currency, checked to fit an
    /// amount.
    #[inline]
    fn minor(&self, value: i128, line: &'static str) -> Result<Minor> {
        Minor::new(value).ok_or_else(|| self.overflow(line))
    }

    /// The one rounding of a line whose exact amount is `value ÷ divisor`
    /// (`value` a product of the line's factors, `None` when it left
    /// `i128`): computed on integers, never through a decimal quotient cut
    /// to 28 digits; in decimals by `decimal` only when an integer would
    /// leave `i128` (or the strategy is one the integer rounding does not
    /// know).
    #[inline(always)]
    fn round_line(
        &self,
        value: Option<Fixed>,
        divisor: Fixed,
        line: &'static str,
        decimal: impl FnOnce() -> Option<Decimal>,
    ) -> Result<Minor> {
        let minor = value.and_then(|value| {
            round_fixed(
                value,
                divisor,
                self.currency.minor_units(),
                self.config.rounding(),
            )
        });
        match minor {
            Some(minor) => self.minor(minor, line),
            None => {
                let exact = decimal().ok_or_else(|| self.overflow(line))?;
                self.round(exact, line)
            }
        }
    }

    /// `exact` rounded once by the configuration's strategy, in decimals.
    fn round(&self, exact: Decimal, line: &'static str) -> Result<Minor> {
        Money::rounded(exact, self.currency, self.config.rounding())
            .map(Minor::of)
            .map_err(|_| self.overflow(line))
    }

    #[inline]
    fn check_currency(&self, amount: Money, line: &str) -> Result<()> {
        self.check_currency_of(amount.currency(), line)
    }

    #[inline]
    fn check_currency_of(&self, currency: Currency, line: &str) -> Result<()> {
        if currency == self.currency {
            Ok(())
        } else {
            Err(Error::PayCurrency {
                employee: self.employee,
                line: line.to_owned(),
                expected: self.currency,
                found: currency,
            })
        }
    }

    #[inline(always)]
    fn push(
        &mut self,
        kind: LineKind,
        component: Option<PayComponentName>,
        basis: Basis,
        rate: Per,
        amount: Minor,
    ) {
        self.totals.add(kind, amount.get());
        self.lines.push(PayLine::new(
            kind,
            component,
            basis,
            rate,
            amount,
            self.currency,
        ));
    }

    /// A difference of minor units (of totals, which stay far inside
    /// `i128`), checked all the same.
    fn sub(&self, a: i128, b: i128, line: &'static str) -> Result<i128> {
        a.checked_sub(b).ok_or_else(|| self.overflow(line))
    }
}

/// Day weights of a period cut into [before employment, employed, after].
fn day_weights(
    basis: ProrationBasis,
    calendar: &Calendar,
    period: DateRange,
    employed: DateRange,
) -> Result<[Decimal; 3]> {
    let before = DateRange::new(period.start(), employed.start())?;
    let after = DateRange::new(employed.end(), period.end())?;
    let calendar_days = |range: DateRange| Decimal::from(range.len_days());
    if basis == ProrationBasis::WorkingDays {
        // A joiner's or leaver's period has one empty side: not counted.
        let working = [before, employed, after].map(|r| {
            if r.is_empty() {
                Decimal::ZERO
            } else {
                calendar.working_days_in(r).value()
            }
        });
        if working.iter().any(|w| !w.is_zero()) {
            return Ok(working);
        }
    }
    Ok([before, employed, after].map(calendar_days))
}

/// Computes one payslip from `input` and the year to date before it.
///
/// The steps, each line rounded once with the configuration's strategy:
///
/// 1. **Salary** (an annual [`PayRate`]): the period's salary is `annual ×
///    FTE ÷ periods per year`, rounded. A period employed on part of its
///    days is paid its share by [`Money::allocate`] over the day weights
///    `[days before employment, days employed, days after]` (working or
///    calendar days per [`ProrationBasis`]): largest remainder, ties to the
///    earlier part. So two payslips of one period split at any date add up
///    to the whole period's salary exactly.
/// 2. **Unpaid leave**: `period salary × unpaid days ÷ period days`, a
///    negative earning.
/// 3. **Hours**: hourly pay pays each bucket at `rate × multiplier`; a
///    salary pays buckets above the regular multiplier at its hourly
///    equivalent `annual × FTE ÷ annual hours`, rounded.
/// 4. **Bonus and commission** as given. Gross is the sum of the earnings.
/// 5. **Pre-tax deductions** as given, then the contributions taken
///    before tax ([`ContributionTiming::BeforeTax`]); taxable pay is gross
///    less both.
/// 6. **Income tax** by the [`TaxMethod`].
/// 7. **Contributions** after tax. Every contribution applies its rates to
///    its basis (gross, or gross less pre-tax deductions), the basis capped
///    by what is left of the annual cap after the year to date.
/// 8. **Post-tax deductions**, a shortfall carried in, and reimbursements
///    of expense claims ([`LineKind::Reimbursement`], negative deductions
///    that add to net pay without being earned or taxed).
///
/// Net is gross less the deduction lines. Below zero it is
/// [`Error::NegativeNet`] or, under [`NegativeNet::CarryForward`], a
/// [`LineKind::CarriedForward`] line bringing it to zero.
///
/// # Errors
///
/// [`Error::PayCurrency`] for an amount not in the payroll's currency,
/// [`Error::InvalidPeriodNumber`], [`Error::EmploymentOutsidePeriod`],
/// [`Error::HoursForOtherPeriod`], [`Error::UnpaidLeaveExceedsPaidDays`],
/// [`Error::NegativeDeduction`], [`Error::NegativeReimbursement`],
/// [`Error::NegativeNet`] and
/// [`Error::PayOverflow`]; each names the employee.
#[allow(clippy::too_many_lines)]
pub fn gross_to_net(
    config: &PayrollConfig,
    input: &PayInput<'_>,
    year_to_date: &YearToDate,
) -> Result<Payslip> {
    let employee = input.employee;
    let currency = config.currency();
    let mut c = Computation {
        config,
        employee,
        currency,
        lines: Vec::with_capacity(
            8 + 2 * config.contributions().len()
                + input.pre_tax.len()
                + input.post_tax.len()
                + input.reimbursements.len()
                + input.hours.map_or(0, |h| h.buckets().len()),
        ),
        totals: Totals::default(),
    };
    let periods_per_year = input.frequency.periods_per_year();
    // A tax year holds a 53rd week or a 27th fortnight now and then, never a
    // 13th month or a 25th half month.
    let max = match input.frequency {
        PayFrequency::Weekly | PayFrequency::Biweekly => periods_per_year + 1,
        _ => periods_per_year,
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
    c.check_currency(rate, "pay rate")?;
    // Every amount of a year to date is in one currency (its constructor,
    // `gross_to_net` and its deserialization see to it): its gross tells.
    c.check_currency_of(year_to_date.currency(), "year to date")?;
    let per_year = Decimal::from(periods_per_year);

    // 1. Salary.
    let period_range = input.period.range()?;
    let employed = match input.employed {
        None => period_range,
        Some(range) => range
            .intersection(&period_range)
            .filter(|r| !r.is_empty())
            .ok_or(Error::EmploymentOutsidePeriod {
                employee,
                employed: range,
                first: input.period.first_day(),
                last: input.period.last_day(),
            })?,
    };
    let unpaid = input.unpaid_leave.value();
    let mut salaried_days = Decimal::ZERO;
    let mut period_days = Decimal::ZERO;
    let mut period_salary = Minor::ZERO;
    if input.pay_rate.basis() == PayBasis::Annual {
        let (annual, fte) = (rate.amount(), input.fte.value());
        period_salary = c.round_line(
            Fixed::of_money(rate).times(Fixed::of(fte)),
            Fixed::integer(i128::from(periods_per_year)),
            "salary",
            || annual.checked_mul(fte)?.checked_div(per_year),
        )?;
        // Counting days on the calendar is the costly part: a whole period
        // without unpaid leave pays the period's salary without it.
        let whole = employed == period_range;
        let counted = !(whole && unpaid.is_zero());
        let (paid, basis) = if counted {
            let weights = day_weights(config.proration(), input.calendar, period_range, employed)?;
            let [before, within, after] = weights;
            period_days = before + within + after;
            salaried_days = within;
            let paid = if before.is_zero() && after.is_zero() {
                period_salary
            } else {
                period_salary
                    .money(currency)
                    .allocate(&weights)
                    .ok()
                    .and_then(|parts| parts.get(1).copied())
                    .map(Minor::of)
                    .ok_or_else(|| c.overflow("salary"))?
            };
            let basis = Basis::Days {
                days: within,
                of: period_days,
            };
            (paid, basis)
        } else {
            (salaried_days, period_days) = (Decimal::ONE, Decimal::ONE);
            (period_salary, Basis::WholePeriod)
        };
        c.push(
            LineKind::Salary,
            None,
            basis,
            Per::Period(period_salary),
            paid,
        );
    }

    // 2. Unpaid leave. Zero days need no comparison: the salaried days are
    // never negative.
    if !unpaid.is_zero() {
        if unpaid.is_sign_negative() || unpaid > salaried_days {
            return Err(Error::UnpaidLeaveExceedsPaidDays {
                employee,
                unpaid: input.unpaid_leave,
                paid: salaried_days,
            });
        }
        let places = currency.minor_units();
        let salary = Fixed::new(period_salary.get(), places);
        let deducted = c.round_line(
            salary.times(Fixed::of(unpaid)),
            Fixed::of(period_days),
            "unpaid leave",
            || {
                Decimal::try_from_i128_with_scale(period_salary.get(), places)
                    .ok()?
                    .checked_mul(unpaid)?
                    .checked_div(period_days)
            },
        )?;
        // The rounded amount, negated: minus a `Minor` is one.
        let amount = c.minor(-deducted.get(), "unpaid leave")?;
        c.push(
            LineKind::UnpaidLeave,
            None,
            Basis::Days {
                days: unpaid,
                of: period_days,
            },
            Per::Period(period_salary),
            amount,
        );
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
        let salaried = input.pay_rate.basis() != PayBasis::Hourly;
        let hourly = if salaried {
            let (annual, fte) = (rate.amount(), input.fte.value());
            let centi = config.annual_hours().centi();
            c.round_line(
                Fixed::of_money(rate).times(Fixed::of(fte)),
                Fixed::new(i128::from(centi), 2),
                "overtime",
                || annual.checked_mul(fte)?.checked_div(Decimal::new(centi, 2)),
            )?
        } else {
            Minor::of(rate)
        };
        let per_hour = Fixed::new(hourly.get(), currency.minor_units());
        for (multiplier, worked) in hours.buckets() {
            let regular = multiplier.is_regular();
            if salaried && regular {
                continue;
            }
            let times = multiplier.value();
            let worked_hours = Fixed::new(i128::from(worked.centi()), 2);
            let amount = c.round_line(
                per_hour
                    .times(Fixed::of(times))
                    .and_then(|f| f.times(worked_hours)),
                Fixed::ONE,
                "hours",
                || {
                    Decimal::try_from_i128_with_scale(hourly.get(), currency.minor_units())
                        .ok()?
                        .checked_mul(times)?
                        .checked_mul(Decimal::new(worked.centi(), 2))
                },
            )?;
            c.push(
                if regular {
                    LineKind::Hourly
                } else {
                    LineKind::Overtime
                },
                None,
                Basis::Hours(PackedHours(*worked)),
                Per::Hour {
                    amount: hourly,
                    multiplier: *multiplier,
                },
                amount,
            );
        }
    }

    // 4. Bonus and commission.
    for (kind, amount) in [
        (LineKind::Bonus, input.bonus),
        (LineKind::Commission, input.commission),
    ] {
        if let Some(amount) = amount {
            if amount.currency() != currency {
                c.check_currency(amount, &kind.to_string())?;
            }
            c.push(kind, None, Basis::Given, Per::None, Minor::of(amount));
        }
    }
    // From here on amounts stay minor units of the payroll's currency
    // until they become a line or a total.
    let gross = c.totals.earnings;

    // 5. Pre-tax deductions.
    let given = |c: &mut Computation<'_>,
                 kind: LineKind,
                 deductions: &[(PayComponentName, Money)]|
     -> Result<()> {
        for (component, amount) in deductions {
            if amount.currency() != currency {
                c.check_currency(*amount, &format!("{kind} {component}"))?;
            }
            if amount.is_negative() {
                return Err(Error::NegativeDeduction {
                    employee,
                    line: format!("{kind} {component}"),
                    amount: *amount,
                });
            }
            c.push(
                kind,
                Some(component.clone()),
                Basis::Given,
                Per::None,
                Minor::of(*amount),
            );
        }
        Ok(())
    };
    given(&mut c, LineKind::PreTaxDeduction, &input.pre_tax)?;
    // The basis of a contribution on taxable pay: gross less pre-tax
    // deductions, before any contribution.
    let before_contributions = c.sub(gross, c.totals.pre_tax, "taxable pay")?;
    let mut bases = year_to_date.contribution_bases().clone();
    for contribution in config.contributions() {
        if contribution.timing() == ContributionTiming::BeforeTax {
            contribute(
                &mut c,
                contribution,
                gross,
                before_contributions,
                &mut bases,
            )?;
        }
    }
    let taxable = c.sub(gross, c.totals.pre_tax, "taxable pay")?;

    // 6. Income tax.
    let (projected, tax) = match config.tax_method() {
        TaxMethod::Annualised => annualised_tax(&c, taxable, periods_per_year)?,
        _ => cumulative_tax(
            &c,
            taxable,
            input.period_number,
            periods_per_year,
            year_to_date,
        )?,
    };
    c.push(
        LineKind::IncomeTax,
        None,
        Basis::Projected(projected),
        Per::None,
        tax,
    );

    // 7. Contributions after tax.
    for contribution in config.contributions() {
        if contribution.timing() != ContributionTiming::BeforeTax {
            contribute(
                &mut c,
                contribution,
                gross,
                before_contributions,
                &mut bases,
            )?;
        }
    }

    // 8. Post-tax deductions, a shortfall carried in and reimbursements.
    given(&mut c, LineKind::PostTaxDeduction, &input.post_tax)?;
    if let Some(amount) = input.carried_in {
        c.check_currency(amount, "carried in")?;
        if amount.is_negative() {
            return Err(Error::NegativeDeduction {
                employee,
                line: "carried in".to_owned(),
                amount,
            });
        }
        c.push(
            LineKind::CarriedIn,
            None,
            Basis::Given,
            Per::None,
            Minor::of(amount),
        );
    }

    for (component, amount) in &input.reimbursements {
        let label = || format!("{} {component}", LineKind::Reimbursement);
        if amount.currency() != currency {
            c.check_currency(*amount, &label())?;
        }
        if amount.is_negative() {
            return Err(Error::NegativeReimbursement {
                employee,
                line: label(),
                amount: *amount,
            });
        }
        // A negative deduction: minus a `Minor` is one.
        let paid = c.minor(-amount.to_minor(), "reimbursement")?;
        c.push(
            LineKind::Reimbursement,
            Some(component.clone()),
            Basis::Given,
            Per::None,
            paid,
        );
    }

    let mut deductions = c.totals.deductions;
    let mut net = c.sub(gross, deductions, "net pay")?;
    let mut carried_forward = 0;
    if net < 0 {
        match config.negative_net() {
            NegativeNet::CarryForward => {
                let shortfall = c.minor(net, "net pay")?;
                c.push(
                    LineKind::CarriedForward,
                    None,
                    Basis::Given,
                    Per::None,
                    shortfall,
                );
                carried_forward = -net;
                deductions = gross;
                net = 0;
            }
            _ => {
                return Err(Error::NegativeNet {
                    employee,
                    net: c.minor(net, "net pay")?.money(currency),
                    lines: c
                        .lines
                        .iter()
                        .filter(|l| l.kind().is_deduction())
                        .map(|l| format!("{}: {}", l.label(), l.amount()))
                        .collect(),
                });
            }
        }
    }
    let (employee_share, employer_cost) = (c.totals.employee, c.totals.employer);
    let year = year_to_date
        .after(
            gross,
            taxable,
            tax.get(),
            employee_share,
            employer_cost,
            net,
            bases,
        )
        .ok_or_else(|| c.overflow("year to date"))?;
    let totals = PayslipTotals {
        gross: c.minor(gross, "gross pay")?,
        taxable: c.minor(taxable, "taxable pay")?,
        deductions: c.minor(deductions, "deductions")?,
        net: c.minor(net, "net pay")?,
        employer_cost: c.minor(employer_cost, "employer cost")?,
        carried_forward: c.minor(carried_forward, "carried forward")?,
        currency,
    };
    Ok(Payslip {
        employee,
        period: input.period,
        lines: c.lines,
        totals,
        year_to_date: year,
    })
}

/// The annualised tax: `(projected annual taxable pay, the period's
/// tax)`, the table's tax on `taxable × periods per year` divided by the
/// periods per year and rounded once. On integers (one binary search, a
/// multiplication and one rounded quotient); in decimals where an integer
/// would leave `i128` or the strategy is one the integer rounding does
/// not know.
fn annualised_tax(
    c: &Computation<'_>,
    taxable: i128,
    periods_per_year: u32,
) -> Result<(Minor, Minor)> {
    let per_year = i128::from(periods_per_year);
    let projected = mul(taxable, per_year).ok_or_else(|| c.overflow("income tax"))?;
    let projected = c.minor(projected, "income tax")?;
    let integer = c
        .config
        .tax()
        .tax_on_minor_scaled(projected.get(), 1)
        .and_then(|(annual_tax, scale)| {
            let divisor = mul(per_year, power_of_ten(scale)?)?;
            round_quotient(annual_tax, divisor, c.config.rounding())
        });
    let tax = match integer {
        Some(tax) => c.minor(tax, "income tax")?,
        None => {
            let per_year = Decimal::from(periods_per_year);
            let exact = c
                .config
                .tax()
                .tax_on(projected.money(c.currency).amount())
                .and_then(|t| t.checked_div(per_year))
                .ok_or_else(|| c.overflow("income tax"))?;
            c.round(exact, "income tax")?
        }
    };
    Ok((projected, tax))
}

/// The cumulative tax: `(projected annual taxable pay, the period's tax)`.
/// With `ytd` the taxable pay of the year so far, this period's
/// included, `p` the periods per year and `n` the period number, the
/// projection is `ytd × p ÷ n` and the tax due to date `tax(ytd × p ÷ n)
/// × n ÷ p`, computed as `(n × tax((ytd × p) ÷ n)) ÷ p` so that the only
/// division is the last one, rounded once: the exact value's rounding,
/// where a decimal quotient `ytd × p ÷ n` cut to 28 digits and multiplied
/// back could fall on the other side of a rounding boundary. The period
/// pays the tax due less the tax paid so far.
fn cumulative_tax(
    c: &Computation<'_>,
    taxable: i128,
    period_number: u32,
    periods_per_year: u32,
    year_to_date: &YearToDate,
) -> Result<(Minor, Minor)> {
    let overflow = || c.overflow("income tax");
    let strategy = c.config.rounding();
    let (n, per_year) = (i128::from(period_number), i128::from(periods_per_year));
    let (taxable_so_far, tax_so_far) = year_to_date.taxable_and_tax();
    let to_date = taxable_so_far.checked_add(taxable).ok_or_else(overflow)?;
    let integer = mul(to_date, per_year).and_then(|scaled| {
        let (due, scale) = c.config.tax().tax_on_minor_scaled(scaled, n)?;
        let divisor = mul(per_year, power_of_ten(scale)?)?;
        Some((
            round_quotient(scaled, n, strategy)?,
            round_quotient(due, divisor, strategy)?,
        ))
    });
    let (projected, due) = match integer {
        Some((projected, due)) => (
            c.minor(projected, "income tax")?,
            c.minor(due, "income tax")?,
        ),
        None => {
            let (n, per_year) = (
                Decimal::from(period_number),
                Decimal::from(periods_per_year),
            );
            let scaled = Decimal::try_from_i128_with_scale(to_date, c.currency.minor_units())
                .ok()
                .and_then(|t| t.checked_mul(per_year))
                .ok_or_else(overflow)?;
            let due = c
                .config
                .tax()
                .tax_on_scaled(scaled, n)
                .and_then(|t| t.checked_div(per_year))
                .ok_or_else(overflow)?;
            let projected = scaled.checked_div(n).ok_or_else(overflow)?;
            (
                c.round(projected, "income tax")?,
                c.round(due, "income tax")?,
            )
        }
    };
    let tax = c.sub(due.get(), tax_so_far, "income tax")?;
    Ok((projected, c.minor(tax, "income tax")?))
}

/// The employee and employer lines of `contribution` (the employee's as a
/// [`LineKind::PreTaxContribution`] when it is taken before tax), on
/// `gross` or `taxable` (minor units); records its basis in `bases`.
fn contribute(
    c: &mut Computation<'_>,
    contribution: &Contribution,
    gross: i128,
    taxable: i128,
    bases: &mut ContributionBases,
) -> Result<()> {
    let base = contribution_base(c, contribution, gross, taxable, bases)?;
    let employee_kind = match contribution.timing() {
        ContributionTiming::BeforeTax => LineKind::PreTaxContribution,
        _ => LineKind::EmployeeContribution,
    };
    contribution_line(
        c,
        contribution,
        employee_kind,
        contribution.employee_rate(),
        base,
    )?;
    contribution_line(
        c,
        contribution,
        LineKind::EmployerContribution,
        contribution.employer_rate(),
        base,
    )
}

/// One share of a contribution: `base × rate`, no line at a zero rate.
#[inline]
fn contribution_line(
    c: &mut Computation<'_>,
    contribution: &Contribution,
    kind: LineKind,
    rate: Rate,
    base: Minor,
) -> Result<()> {
    let fraction = rate.value();
    if fraction.is_zero() {
        return Ok(());
    }
    let places = c.currency.minor_units();
    let amount = c.round_line(
        Fixed::new(base.get(), places).times(Fixed::of(fraction)),
        Fixed::ONE,
        "contribution",
        || {
            Decimal::try_from_i128_with_scale(base.get(), places)
                .ok()?
                .checked_mul(fraction)
        },
    )?;
    c.push(
        kind,
        Some(contribution.name().clone()),
        Basis::Amount(base),
        Per::Fraction(rate),
        amount,
    );
    Ok(())
}

/// The contribution's basis this period, capped by what the annual cap
/// leaves after the year to date; records the new total in `bases`.
fn contribution_base(
    c: &Computation<'_>,
    contribution: &Contribution,
    gross: i128,
    taxable: i128,
    bases: &mut ContributionBases,
) -> Result<Minor> {
    let raw = match contribution.basis() {
        ContributionBasis::Taxable => taxable,
        _ => gross,
    }
    .max(0);
    let basis = bases.basis_mut(contribution.name());
    let so_far = basis.get();
    let base = match contribution.annual_cap() {
        Some(cap) => {
            c.check_currency(cap, "contribution cap")?;
            raw.min(c.sub(cap.to_minor(), so_far, "contribution")?.max(0))
        }
        None => raw,
    };
    let total = so_far
        .checked_add(base)
        .ok_or_else(|| c.overflow("contribution"))?;
    *basis = c.minor(total, "contribution")?;
    c.minor(base, "contribution")
}
