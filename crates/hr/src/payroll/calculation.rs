//! The calculation of a payroll run over many employees, with totals per
//! component.

use bureau_core::{Currency, Money};

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
/// the search for a line's component starts after the previous line's
/// and mostly ends at the first look; a component is cloned only the
/// first time it is met.
#[derive(Default)]
struct ComponentSums {
    sums: Vec<ComponentSum>,
    next: usize,
}

impl ComponentSums {
    fn entry(&mut self, kind: LineKind, component: Option<&PayComponentName>) -> &mut ComponentSum {
        let len = self.sums.len();
        let found = (0..len)
            .map(|offset| (self.next + offset) % len)
            .find(|&index| {
                self.sums
                    .get(index)
                    .is_some_and(|s| s.kind == kind && s.component.as_ref() == component)
            });
        let index = found.unwrap_or_else(|| {
            self.sums.push(ComponentSum {
                kind,
                component: component.cloned(),
                minor: 0,
                payslips: 0,
            });
            len
        });
        self.next = index + 1;
        // `index` is in the vector: found in it, or just pushed.
        let last = self.sums.len() - 1;
        let index = index.min(last);
        &mut self.sums[index]
    }
}

impl PayrollCalculation {
    /// Runs [`gross_to_net`] for each input with its year to date.
    ///
    /// # Errors
    ///
    /// The first error of [`gross_to_net`], which names its employee; no
    /// partial run is returned.
    pub fn run<'a, 'y, I>(config: &PayrollConfig, inputs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (PayInput<'a>, &'y YearToDate)>,
    {
        let payslips = inputs
            .into_iter()
            .map(|(input, year_to_date)| gross_to_net(config, &input, year_to_date))
            .collect::<Result<Vec<_>>>()?;
        Self::from_payslips(config.currency(), payslips)
    }

    /// The calculation holding `payslips`, its totals summed from them.
    ///
    /// # Errors
    ///
    /// [`Error::PayCurrency`] naming the first payslip not paid in
    /// `currency`; [`Error::PayOverflow`] when a total leaves the range of
    /// an amount.
    pub fn from_payslips(currency: Currency, payslips: Vec<Payslip>) -> Result<Self> {
        // Sums in minor units: every line of a payslip is in the payslip's
        // currency (its constructors and its deserialization check it), and
        // each payslip's currency is checked here.
        let mut totals = ComponentSums::default();
        let (mut gross, mut net, mut employer_cost) = (0i128, 0i128, 0i128);
        let mut overflowed = None;
        for payslip in &payslips {
            if payslip.currency() != currency {
                return Err(Error::PayCurrency {
                    employee: payslip.employee(),
                    line: "payslip".to_owned(),
                    expected: currency,
                    found: payslip.currency(),
                });
            }
            let mut add = |total: &mut i128, amount: i128| match total.checked_add(amount) {
                Some(sum) => *total = sum,
                None => overflowed = overflowed.or(Some(payslip.employee())),
            };
            for line in payslip.lines() {
                let entry = totals.entry(line.kind(), line.component());
                add(&mut entry.minor, line.minor());
                entry.payslips += 1;
            }
            let totals_of = &payslip.totals;
            add(&mut gross, totals_of.gross.get());
            add(&mut net, totals_of.net.get());
            add(&mut employer_cost, totals_of.employer_cost.get());
        }
        // A sum beyond what an amount holds names the payslip it passed
        // the limit at, or the last one when only the final total does not
        // fit.
        let blamed = overflowed.or_else(|| payslips.last().map(Payslip::employee));
        let money = |minor: i128| {
            Money::from_minor(minor, currency).map_err(|error| match blamed {
                Some(employee) => Error::PayOverflow {
                    employee,
                    line: "payroll run total",
                },
                None => Error::Core(error),
            })
        };
        if let Some(employee) = overflowed {
            return Err(Error::PayOverflow {
                employee,
                line: "payroll run total",
            });
        }
        let mut sums = totals.sums;
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
        let (gross, net, employer_cost) = (money(gross)?, money(net)?, money(employer_cost)?);
        Ok(Self {
            currency,
            payslips,
            components,
            gross,
            net,
            employer_cost,
        })
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
