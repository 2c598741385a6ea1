//! The calculation of a payroll run over many employees, with totals per
//! component.

use bureau_core::{Currency, EmployeeId, Money};

use crate::{
    Error, LineKind, PayComponentName, PayInput, PayrollConfig, Payslip, Result, YearToDate,
    gross_to_net,
};

/// The total of one component over a run: a line kind and, for the
/// caller's deductions and contributions, its name. What a ledger posting
/// of the run takes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ComponentTotal {
    /// The kind of line.
    pub kind: LineKind,
    /// The component's name, `None` for the built-in lines.
    pub component: Option<PayComponentName>,
    /// The sum of the lines' amounts.
    pub amount: Money,
    /// How many payslips hold such a line.
    pub payslips: usize,
}

/// The payslips of a run, in the order of the inputs, and the totals per
/// component, ordered by line kind then name: what a
/// [`PayrollRun`](crate::PayrollRun) records when it is calculated.
///
/// Serialized as its currency and payslips; read back, the totals are
/// computed again from the (checked) payslips.
///
/// ```
/// use bureau_calendar::Calendar;
/// use bureau_core::{money, Currency, DateRange, EmployeeId, Rate};
/// use bureau_hr::{LineKind, PayFrequency, PayInput, PayRate, PaySchedule, PayrollCalculation, PayrollConfig,
///     TaxBand, TaxTable, YearToDate};
/// use chrono::NaiveDate;
///
/// let table = TaxTable::new(vec![TaxBand::new(money!(0.00 USD), Rate::new("0.1".parse()?))])?;
/// let config = PayrollConfig::new(table);
/// let calendar = Calendar::always();
/// let monthly = PaySchedule::new(PayFrequency::Monthly, NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?)?;
/// let january = monthly.period_containing(NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?)?;
/// let fresh = YearToDate::new(Currency::USD);
/// let inputs = [
///     (PayInput::new(EmployeeId::from_u128(1), january, PayFrequency::Monthly, 1, PayRate::annual(money!(60000.00 USD))?, &calendar), &fresh),
///     (PayInput::new(EmployeeId::from_u128(2), january, PayFrequency::Monthly, 1, PayRate::annual(money!(36000.00 USD))?, &calendar), &fresh),
/// ];
/// let run = PayrollCalculation::run(&config, inputs)?;
/// assert_eq!(run.payslips().len(), 2);
/// assert_eq!(run.total_of(LineKind::Salary).map(|t| t.amount), Some(money!(8000.00 USD)));
/// assert_eq!(run.total_of(LineKind::IncomeTax).map(|t| t.amount), Some(money!(800.00 USD)));
/// assert_eq!(run.net(), money!(7200.00 USD));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        into = "serde_repr::CalculationRepr",
        try_from = "serde_repr::CalculationRepr"
    )
)]
pub struct PayrollCalculation {
    currency: Currency,
    payslips: Vec<Payslip>,
    components: Vec<ComponentTotal>,
    gross: Money,
    net: Money,
    employer_cost: Money,
}

/// The running sum of one component over a run, in minor units.
struct ComponentSum {
    kind: LineKind,
    component: Option<PayComponentName>,
    minor: i128,
    payslips: usize,
}

/// The sums per component while a run is totalled. A run has a handful
/// of components and its payslips list them in much the same order, so
/// a line's component is first looked for just after the previous line's,
/// where it mostly is; otherwise the few sums are scanned. A component is
/// cloned only the first time it is met.
#[derive(Default)]
struct ComponentSums {
    sums: Vec<ComponentSum>,
    next: usize,
}

impl ComponentSums {
    fn entry(&mut self, kind: LineKind, component: Option<&PayComponentName>) -> &mut ComponentSum {
        let matches = |s: &ComponentSum| s.kind == kind && s.component.as_ref() == component;
        let index = match self.sums.get(self.next) {
            Some(sum) if matches(sum) => self.next,
            _ => match self.sums.iter().position(matches) {
                Some(index) => index,
                None => {
                    self.sums.push(ComponentSum {
                        kind,
                        component: component.cloned(),
                        minor: 0,
                        payslips: 0,
                    });
                    self.sums.len() - 1
                }
            },
        };
        self.next = index + 1;
        // `index` is in the vector: found in it, or just pushed.
        let last = self.sums.len() - 1;
        let index = index.min(last);
        &mut self.sums[index]
    }
}

/// A run's totals while its payslips are added: per component, gross,
/// net and employer cost, in minor units.
struct RunTotals {
    currency: Currency,
    components: ComponentSums,
    gross: i128,
    net: i128,
    employer_cost: i128,
    /// The payslip at which a sum first left `i128`.
    overflowed: Option<EmployeeId>,
    /// The last payslip added.
    last: Option<EmployeeId>,
}

impl RunTotals {
    fn new(currency: Currency) -> Self {
        Self {
            currency,
            components: ComponentSums::default(),
            gross: 0,
            net: 0,
            employer_cost: 0,
            overflowed: None,
            last: None,
        }
    }

    /// Adds `payslip`'s lines and totals.
    ///
    /// # Errors
    ///
    /// [`Error::PayCurrency`] when the payslip is not paid in the run's
    /// currency.
    fn add(&mut self, payslip: &Payslip) -> Result<()> {
        // Sums in minor units: every line of a payslip is in the payslip's
        // currency (its constructors and its deserialization check it), and
        // each payslip's currency is checked here.
        if payslip.currency() != self.currency {
            return Err(Error::PayCurrency {
                employee: payslip.employee(),
                line: "payslip".to_owned(),
                expected: self.currency,
                found: payslip.currency(),
            });
        }
        let employee = payslip.employee();
        let overflowed = &mut self.overflowed;
        let mut add = |total: &mut i128, amount: i128| match total.checked_add(amount) {
            Some(sum) => *total = sum,
            None => *overflowed = overflowed.or(Some(employee)),
        };
        for line in payslip.lines() {
            let entry = self.components.entry(line.kind(), line.component());
            add(&mut entry.minor, line.minor());
            entry.payslips += 1;
        }
        let totals = &payslip.totals;
        add(&mut self.gross, totals.gross.get());
        add(&mut self.net, totals.net.get());
        add(&mut self.employer_cost, totals.employer_cost.get());
        self.last = Some(employee);
        Ok(())
    }

    /// The calculation of `payslips`, whose totals these are.
    ///
    /// # Errors
    ///
    /// [`Error::PayOverflow`] when a total leaves the range of an amount,
    /// naming the payslip it passed the limit at, or the last one when
    /// only a final total does not fit.
    fn finish(self, payslips: Vec<Payslip>) -> Result<PayrollCalculation> {
        let currency = self.currency;
        let blamed = self.overflowed.or(self.last);
        if let Some(employee) = self.overflowed {
            return Err(Error::PayOverflow {
                employee,
                line: "payroll run total",
            });
        }
        let money = |minor: i128| {
            Money::from_minor(minor, currency).map_err(|error| match blamed {
                Some(employee) => Error::PayOverflow {
                    employee,
                    line: "payroll run total",
                },
                None => Error::Core(error),
            })
        };
        let mut sums = self.components.sums;
        sums.sort_unstable_by(|a, b| (a.kind, &a.component).cmp(&(b.kind, &b.component)));
        let components = sums
            .into_iter()
            .map(|sum| {
                Ok(ComponentTotal {
                    kind: sum.kind,
                    component: sum.component,
                    amount: money(sum.minor)?,
                    payslips: sum.payslips,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PayrollCalculation {
            currency,
            payslips,
            components,
            gross: money(self.gross)?,
            net: money(self.net)?,
            employer_cost: money(self.employer_cost)?,
        })
    }
}

impl PayrollCalculation {
    /// Runs [`gross_to_net`] for each input with its year to date, and
    /// totals each payslip as it comes (while its lines are still in
    /// cache).
    ///
    /// # Errors
    ///
    /// The first error of [`gross_to_net`], which names its employee; no
    /// partial run is returned. [`Error::PayOverflow`] when a total leaves
    /// the range of an amount.
    pub fn run<'a, 'y, I>(config: &PayrollConfig, inputs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (PayInput<'a>, &'y YearToDate)>,
    {
        let inputs = inputs.into_iter();
        let mut payslips = Vec::with_capacity(inputs.size_hint().0);
        let mut totals = RunTotals::new(config.currency());
        for (input, year_to_date) in inputs {
            let payslip = gross_to_net(config, &input, year_to_date)?;
            totals.add(&payslip)?;
            payslips.push(payslip);
        }
        totals.finish(payslips)
    }

    /// The calculation holding `payslips`, its totals summed from them.
    ///
    /// # Errors
    ///
    /// [`Error::PayCurrency`] naming the first payslip not paid in
    /// `currency`; [`Error::PayOverflow`] when a total leaves the range of
    /// an amount.
    pub fn from_payslips(currency: Currency, payslips: Vec<Payslip>) -> Result<Self> {
        let mut totals = RunTotals::new(currency);
        for payslip in &payslips {
            totals.add(payslip)?;
        }
        totals.finish(payslips)
    }

    /// The currency everything is paid in.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The payslips, in the order of the inputs.
    pub fn payslips(&self) -> &[Payslip] {
        &self.payslips
    }

    /// The totals per component, by line kind then component name.
    pub fn components(&self) -> &[ComponentTotal] {
        &self.components
    }

    /// The total of the built-in lines of `kind` (those without a
    /// component name).
    pub fn total_of(&self, kind: LineKind) -> Option<&ComponentTotal> {
        self.components
            .iter()
            .find(|t| t.kind == kind && t.component.is_none())
    }

    /// The sum of gross pay.
    pub const fn gross(&self) -> Money {
        self.gross
    }

    /// The sum of net pay.
    pub const fn net(&self) -> Money {
        self.net
    }

    /// The sum of employer contributions.
    pub const fn employer_cost(&self) -> Money {
        self.employer_cost
    }
}

#[cfg(feature = "serde")]
mod serde_repr {
    //! A calculation as stored: its currency and payslips.

    use bureau_core::Currency;

    use super::PayrollCalculation;
    use crate::{Error, Payslip};

    #[derive(serde::Serialize, serde::Deserialize)]
    pub(super) struct CalculationRepr {
        currency: Currency,
        payslips: Vec<Payslip>,
    }

    impl From<PayrollCalculation> for CalculationRepr {
        fn from(c: PayrollCalculation) -> Self {
            Self {
                currency: c.currency,
                payslips: c.payslips,
            }
        }
    }

    impl TryFrom<CalculationRepr> for PayrollCalculation {
        type Error = Error;

        fn try_from(r: CalculationRepr) -> Result<Self, Error> {
            PayrollCalculation::from_payslips(r.currency, r.payslips)
        }
    }
}
