//! Payslips: lines with basis, rate and amount, totals and year to date.

use bureau_core::{Currency, Decimal, EmployeeId, Money, Rate};
use smallvec::SmallVec;

use crate::{Hours, Multiplier, PayComponentName, PayPeriod};

/// What a payslip line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LineKind {
    /// Salary for the days paid in the period (an earning).
    Salary,
    /// Hours paid at the regular hourly rate (an earning).
    Hourly,
    /// Hours paid above the regular rate (an earning).
    Overtime,
    /// A bonus (an earning).
    Bonus,
    /// A commission given as an amount (an earning).
    Commission,
    /// Unpaid leave, a negative earning.
    UnpaidLeave,
    /// A deduction before tax.
    PreTaxDeduction,
    /// Income tax (a deduction; negative for a refund).
    IncomeTax,
    /// The employee's share of a contribution (a deduction after tax).
    EmployeeContribution,
    /// The employee's share of a contribution taken before tax
    /// ([`ContributionTiming::BeforeTax`](crate::ContributionTiming::BeforeTax)):
    /// a deduction that lowers taxable pay.
    PreTaxContribution,
    /// The employer's share of a contribution: a cost, neither earning
    /// nor deduction.
    EmployerContribution,
    /// A deduction after tax.
    PostTaxDeduction,
    /// A shortfall carried in from the previous period (a deduction).
    CarriedIn,
    /// The shortfall carried to the next period: a negative deduction that
    /// brings net pay to zero.
    CarriedForward,
}

impl LineKind {
    /// Whether the line adds to gross pay.
    pub const fn is_earning(self) -> bool {
        matches!(
            self,
            Self::Salary
                | Self::Hourly
                | Self::Overtime
                | Self::Bonus
                | Self::Commission
                | Self::UnpaidLeave
        )
    }

    /// Whether the line is subtracted from gross pay to reach net pay.
    pub const fn is_deduction(self) -> bool {
        matches!(
            self,
            Self::PreTaxDeduction
                | Self::IncomeTax
                | Self::EmployeeContribution
                | Self::PreTaxContribution
                | Self::PostTaxDeduction
                | Self::CarriedIn
                | Self::CarriedForward
        )
    }
}

/// Lowercase with spaces, as in messages: `salary`, `income tax`, ...
impl core::fmt::Display for LineKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Salary => "salary",
            Self::Hourly => "hourly pay",
            Self::Overtime => "overtime",
            Self::Bonus => "bonus",
            Self::Commission => "commission",
            Self::UnpaidLeave => "unpaid leave",
            Self::PreTaxDeduction => "pre-tax deduction",
            Self::IncomeTax => "income tax",
            Self::EmployeeContribution => "employee contribution",
            Self::PreTaxContribution => "pre-tax contribution",
            Self::EmployerContribution => "employer contribution",
            Self::PostTaxDeduction => "post-tax deduction",
            Self::CarriedIn => "carried in",
            Self::CarriedForward => "carried forward",
        })
    }
}

/// What a line's amount was computed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LineBasis {
    /// An amount given as is (bonus, commission, a fixed deduction).
    Given,
    /// The whole period, employed on every day without unpaid leave: no
    /// days were counted.
    WholePeriod,
    /// `days` out of the period's `of` days, in the configured
    /// [`ProrationBasis`](crate::ProrationBasis).
    Days {
        /// The days counted.
        days: Decimal,
        /// The days of the whole period.
        of: Decimal,
    },
    /// Hours worked.
    Hours(Hours),
    /// An amount a rate applies to (a contribution's capped basis).
    Amount(Money),
    /// The annual taxable pay the income tax was computed on.
    Projected(Money),
}

/// The rate a line's basis was multiplied by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LineRate {
    /// No rate: the amount was given, or came from a table.
    None,
    /// The salary of a whole period, shared by days.
    PerPeriod(Money),
    /// An hourly amount times a multiplier.
    PerHour {
        /// The regular hourly amount.
        amount: Money,
        /// The multiplier of these hours.
        multiplier: Multiplier,
    },
    /// A fraction of the basis.
    Fraction(Rate),
}

/// One line of a payslip. Its amount was rounded once, where it was
/// computed; see [`PayrollConfig`](crate::PayrollConfig).
///
/// Read with `serde`, a line whose basis or rate is in another currency
/// than its amount is refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "serde_repr::PayLineRepr")
)]
pub struct PayLine {
    kind: LineKind,
    component: Option<PayComponentName>,
    basis: LineBasis,
    rate: LineRate,
    amount: Money,
}

impl PayLine {
    pub(crate) const fn new(
        kind: LineKind,
        component: Option<PayComponentName>,
        basis: LineBasis,
        rate: LineRate,
        amount: Money,
    ) -> Self {
        Self {
            kind,
            component,
            basis,
            rate,
            amount,
        }
    }

    /// What the line is.
    pub const fn kind(&self) -> LineKind {
        self.kind
    }

    /// The caller's component it belongs to (a deduction's or
    /// contribution's name), `None` for the built-in lines.
    pub fn component(&self) -> Option<&PayComponentName> {
        self.component.as_ref()
    }

    /// What the amount was computed on.
    pub const fn basis(&self) -> LineBasis {
        self.basis
    }

    /// The rate applied to the basis.
    pub const fn rate(&self) -> LineRate {
        self.rate
    }

    /// The rounded amount: positive for earnings and deductions, negative
    /// for unpaid leave, a tax refund and a shortfall carried forward.
    pub const fn amount(&self) -> Money {
        self.amount
    }

    /// `kind` or `kind component`, as in messages.
    pub fn label(&self) -> String {
        match &self.component {
            Some(component) => format!("{} {component}", self.kind),
            None => self.kind.to_string(),
        }
    }
}

/// Totals of a tax year so far, carried from one payslip to the next.
///
/// Read with `serde`, every total and contribution basis must be in one
/// currency.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "serde_repr::YearToDateRepr")
)]
pub struct YearToDate {
    gross: Money,
    taxable: Money,
    tax: Money,
    employee_contributions: Money,
    employer_contributions: Money,
    net: Money,
    contribution_bases: ContributionBases,
}

/// The basis each contribution was charged on so far, by name, sorted by
/// name with no name twice (so that equal years to date compare equal
/// whatever order the contributions came in). A payroll has a handful of
/// contributions: they sit inline, and a payslip's year to date takes no
/// heap block for them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct ContributionBases(SmallVec<[(PayComponentName, Money); 4]>);

impl ContributionBases {
    fn position(&self, component: &PayComponentName) -> Result<usize, usize> {
        self.0.binary_search_by(|(name, _)| name.cmp(component))
    }

    /// The basis of `component` so far, `None` before its first payslip.
    pub(crate) fn get(&self, component: &PayComponentName) -> Option<Money> {
        let index = self.position(component).ok()?;
        self.0.get(index).map(|(_, basis)| *basis)
    }

    /// Records `basis` as what `component` was charged on so far.
    #[cfg(all(test, feature = "proptest"))]
    pub(crate) fn set(&mut self, component: &PayComponentName, basis: Money) {
        *self.basis_mut(component, basis) = basis;
    }

    /// The basis of `component` so far, to update in place: `zero` (which
    /// names the currency) is put in for a component not seen before. One
    /// search for reading and writing.
    pub(crate) fn basis_mut(&mut self, component: &PayComponentName, zero: Money) -> &mut Money {
        let index = match self.position(component) {
            Ok(index) => index,
            Err(index) => {
                self.0.insert(index, (component.clone(), zero));
                index
            }
        };
        // `index` is in the vector: found in it, or just inserted there.
        let last = self.0.len().saturating_sub(1);
        &mut self.0[index.min(last)].1
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ContributionBases {
    /// A map from name to basis, as a `BTreeMap` writes it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, basis)| (name, basis)))
    }
}

impl YearToDate {
    /// The start of a tax year: every total zero.
    pub const fn new(currency: Currency) -> Self {
        Self {
            gross: Money::zero(currency),
            taxable: Money::zero(currency),
            tax: Money::zero(currency),
            employee_contributions: Money::zero(currency),
            employer_contributions: Money::zero(currency),
            net: Money::zero(currency),
            contribution_bases: ContributionBases(SmallVec::new_const()),
        }
    }

    /// Gross pay.
    pub const fn gross(&self) -> Money {
        self.gross
    }

    /// Taxable pay.
    pub const fn taxable(&self) -> Money {
        self.taxable
    }

    /// Income tax paid.
    pub const fn tax(&self) -> Money {
        self.tax
    }

    /// The employee's contributions.
    pub const fn employee_contributions(&self) -> Money {
        self.employee_contributions
    }

    /// The employer's contributions.
    pub const fn employer_contributions(&self) -> Money {
        self.employer_contributions
    }

    /// Net pay.
    pub const fn net(&self) -> Money {
        self.net
    }

    /// The basis a contribution was charged on so far (what its cap counts).
    pub fn contribution_basis(&self, component: &PayComponentName) -> Money {
        self.contribution_bases
            .get(component)
            .unwrap_or(Money::zero(self.gross.currency()))
    }

    /// The contribution bases, to update for the next payslip.
    pub(crate) fn contribution_bases(&self) -> &ContributionBases {
        &self.contribution_bases
    }

    /// This year to date with one payslip's totals added (in minor units
    /// of its currency, which the caller has checked every amount is in)
    /// and `bases` as the contribution bases after it; `None` when a total
    /// leaves the range of an amount.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn after(
        &self,
        gross: i128,
        taxable: i128,
        tax: i128,
        employee: i128,
        employer: i128,
        net: i128,
        bases: ContributionBases,
    ) -> Option<Self> {
        let currency = self.gross.currency();
        let add = |total: Money, amount: i128| {
            Money::from_minor(total.to_minor().checked_add(amount)?, currency).ok()
        };
        Some(Self {
            gross: add(self.gross, gross)?,
            taxable: add(self.taxable, taxable)?,
            tax: add(self.tax, tax)?,
            employee_contributions: add(self.employee_contributions, employee)?,
            employer_contributions: add(self.employer_contributions, employer)?,
            net: add(self.net, net)?,
            contribution_bases: bases,
        })
    }
}

/// One employee's pay for one period: every line, the totals, what is
/// carried forward and the year to date after this period.
///
/// Always `gross() - deductions() == net()`, exactly. Read with `serde`, a
/// payslip is checked the same way: one currency throughout, gross the sum
/// of the earning lines, deductions the sum of the deduction lines,
/// taxable pay gross less pre-tax deductions, employer cost the sum of the
/// employer contributions, net gross less deductions and never negative,
/// and what is carried forward the opposite of the carried-forward line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "serde_repr::PayslipRepr")
)]
pub struct Payslip {
    pub(crate) employee: EmployeeId,
    pub(crate) period: PayPeriod,
    pub(crate) lines: Vec<PayLine>,
    pub(crate) gross: Money,
    pub(crate) taxable: Money,
    pub(crate) deductions: Money,
    pub(crate) net: Money,
    pub(crate) employer_cost: Money,
    pub(crate) carried_forward: Money,
    pub(crate) year_to_date: YearToDate,
}

impl Payslip {
    /// The employee paid.
    pub const fn employee(&self) -> EmployeeId {
        self.employee
    }

    /// The pay period.
    pub const fn period(&self) -> PayPeriod {
        self.period
    }

    /// Every line, earnings first, in the order they were computed.
    pub fn lines(&self) -> &[PayLine] {
        &self.lines
    }

    /// The lines of `kind`.
    pub fn lines_of(&self, kind: LineKind) -> impl Iterator<Item = &PayLine> {
        self.lines.iter().filter(move |l| l.kind == kind)
    }

    /// The sum of the lines of `kind`.
    ///
    /// # Errors
    ///
    /// [`bureau_core::Error::Overflow`] when the sum leaves the range of an amount.
    pub fn total_of(&self, kind: LineKind) -> bureau_core::Result<Money> {
        Money::checked_sum(
            self.lines_of(kind).map(PayLine::amount),
            self.gross.currency(),
        )
    }

    /// The sum of the earning lines.
    pub const fn gross(&self) -> Money {
        self.gross
    }

    /// Gross pay less pre-tax deductions and pre-tax contributions.
    pub const fn taxable(&self) -> Money {
        self.taxable
    }

    /// The sum of the deduction lines.
    pub const fn deductions(&self) -> Money {
        self.deductions
    }

    /// What the employee is paid: gross less deductions, never below zero.
    pub const fn net(&self) -> Money {
        self.net
    }

    /// The sum of the employer contribution lines.
    pub const fn employer_cost(&self) -> Money {
        self.employer_cost
    }

    /// The shortfall to deduct next period (zero unless net pay would have
    /// been negative under [`NegativeNet::CarryForward`](crate::NegativeNet::CarryForward)).
    pub const fn carried_forward(&self) -> Money {
        self.carried_forward
    }

    /// The year to date with this payslip included: the one to give the
    /// next period.
    pub fn year_to_date(&self) -> &YearToDate {
        &self.year_to_date
    }
}

#[cfg(feature = "serde")]
mod serde_repr {
    //! Payslips and lines as read, checked before they become values.

    use bureau_core::{Currency, EmployeeId, Money};

    use std::collections::BTreeMap;

    use super::{ContributionBases, LineBasis, LineKind, LineRate, PayLine, Payslip, YearToDate};
    use crate::{Error, PayComponentName, PayPeriod, Result};

    #[derive(serde::Deserialize)]
    pub(super) struct YearToDateRepr {
        gross: Money,
        taxable: Money,
        tax: Money,
        employee_contributions: Money,
        employer_contributions: Money,
        net: Money,
        contribution_bases: BTreeMap<PayComponentName, Money>,
    }

    impl TryFrom<YearToDateRepr> for YearToDate {
        type Error = Error;

        fn try_from(r: YearToDateRepr) -> Result<Self> {
            let currency = r.gross.currency();
            let totals = [
                r.taxable,
                r.tax,
                r.employee_contributions,
                r.employer_contributions,
                r.net,
            ];
            if totals.iter().any(|m| m.currency() != currency)
                || r.contribution_bases
                    .values()
                    .any(|m| m.currency() != currency)
            {
                return invalid("year to date", "it mixes currencies");
            }
            // A map's keys come sorted and once each, as the bases keep them.
            let bases = ContributionBases(r.contribution_bases.into_iter().collect());
            Ok(YearToDate {
                gross: r.gross,
                taxable: r.taxable,
                tax: r.tax,
                employee_contributions: r.employee_contributions,
                employer_contributions: r.employer_contributions,
                net: r.net,
                contribution_bases: bases,
            })
        }
    }

    #[derive(serde::Deserialize)]
    pub(super) struct PayLineRepr {
        kind: LineKind,
        component: Option<PayComponentName>,
        basis: LineBasis,
        rate: LineRate,
        amount: Money,
    }

    fn invalid<T>(what: &'static str, reason: &'static str) -> Result<T> {
        Err(Error::InvalidRecord { what, reason })
    }

    impl TryFrom<PayLineRepr> for PayLine {
        type Error = Error;

        fn try_from(r: PayLineRepr) -> Result<Self> {
            let currency = r.amount.currency();
            let basis = match r.basis {
                LineBasis::Amount(m) | LineBasis::Projected(m) => Some(m.currency()),
                _ => None,
            };
            let rate = match r.rate {
                LineRate::PerPeriod(m) | LineRate::PerHour { amount: m, .. } => Some(m.currency()),
                _ => None,
            };
            if basis.is_some_and(|c| c != currency) || rate.is_some_and(|c| c != currency) {
                return invalid("pay line", "its basis or rate is in another currency");
            }
            Ok(PayLine::new(r.kind, r.component, r.basis, r.rate, r.amount))
        }
    }

    #[derive(serde::Deserialize)]
    pub(super) struct PayslipRepr {
        employee: EmployeeId,
        period: PayPeriod,
        lines: Vec<PayLine>,
        gross: Money,
        taxable: Money,
        deductions: Money,
        net: Money,
        employer_cost: Money,
        carried_forward: Money,
        year_to_date: YearToDate,
    }

    fn sum(
        lines: &[PayLine],
        currency: Currency,
        kind: impl Fn(LineKind) -> bool,
    ) -> Result<Money> {
        Money::checked_sum(
            lines.iter().filter(|l| kind(l.kind())).map(PayLine::amount),
            currency,
        )
        .or_else(|_| invalid("payslip", "its lines overflow"))
    }

    impl TryFrom<PayslipRepr> for Payslip {
        type Error = Error;

        fn try_from(r: PayslipRepr) -> Result<Self> {
            const WHAT: &str = "payslip";
            let currency = r.gross.currency();
            let totals = [
                r.taxable,
                r.deductions,
                r.net,
                r.employer_cost,
                r.carried_forward,
            ];
            if totals.iter().any(|m| m.currency() != currency)
                || r.lines.iter().any(|l| l.amount().currency() != currency)
                || r.year_to_date.gross().currency() != currency
            {
                return invalid(WHAT, "it mixes currencies");
            }
            let overflow = |_| Error::InvalidRecord {
                what: WHAT,
                reason: "its totals overflow",
            };
            if sum(&r.lines, currency, LineKind::is_earning)? != r.gross {
                return invalid(WHAT, "gross is not the sum of the earning lines");
            }
            if sum(&r.lines, currency, LineKind::is_deduction)? != r.deductions {
                return invalid(WHAT, "deductions are not the sum of the deduction lines");
            }
            let pre_tax = sum(&r.lines, currency, |k| {
                matches!(k, LineKind::PreTaxDeduction | LineKind::PreTaxContribution)
            })?;
            if r.gross.checked_sub(pre_tax).map_err(overflow)? != r.taxable {
                return invalid(
                    WHAT,
                    "taxable pay is not gross less pre-tax deductions and contributions",
                );
            }
            if sum(&r.lines, currency, |k| k == LineKind::EmployerContribution)? != r.employer_cost
            {
                return invalid(
                    WHAT,
                    "employer cost is not the sum of the employer contributions",
                );
            }
            if r.gross.checked_sub(r.deductions).map_err(overflow)? != r.net || r.net.is_negative()
            {
                return invalid(WHAT, "net is not gross less deductions, or is negative");
            }
            let carried = sum(&r.lines, currency, |k| k == LineKind::CarriedForward)?;
            if carried.neg() != r.carried_forward {
                return invalid(WHAT, "what is carried forward differs from its line");
            }
            Ok(Payslip {
                employee: r.employee,
                period: r.period,
                lines: r.lines,
                gross: r.gross,
                taxable: r.taxable,
                deductions: r.deductions,
                net: r.net,
                employer_cost: r.employer_cost,
                carried_forward: r.carried_forward,
                year_to_date: r.year_to_date,
            })
        }
    }
}
