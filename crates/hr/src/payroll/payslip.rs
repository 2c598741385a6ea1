//! Payslips: lines with basis, rate and amount, totals and year to date.

use core::fmt;

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
    /// An expense claim paid back with the payslip
    /// ([`Reimbursement::Payroll`](crate::Reimbursement::Payroll)): neither
    /// earned, taxed nor in any contribution's basis. A negative deduction,
    /// so it adds to net pay and gross less deductions is still net.
    Reimbursement,
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
                | Self::Reimbursement
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
            Self::Reimbursement => "reimbursement",
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

/// A whole number of minor units of a currency, within what an amount
/// holds (a 96-bit mantissa), so that it always turns back into [`Money`].
///
/// Payslips keep their amounts so: a payslip is computed on integers and
/// creates no `Money` (whose construction checks the range and builds a
/// decimal) until a caller reads one. Packed to 4-byte alignment, as a
/// `Decimal` is, so that a line does not pad around a 16-byte-aligned
/// `i128` and stays within 128 bytes (moved without a call to `memcpy`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
#[repr(Rust, packed(4))]
pub(crate) struct Minor(i128);

/// The largest mantissa a `Decimal`, hence an amount, holds: 96 bits.
const MAX_MINOR: u128 = (1 << 96) - 1;

impl Minor {
    /// Zero.
    pub(crate) const ZERO: Self = Self(0);

    /// `minor` minor units, `None` past what an amount holds.
    #[inline]
    pub(crate) const fn new(minor: i128) -> Option<Self> {
        if minor.unsigned_abs() <= MAX_MINOR {
            Some(Self(minor))
        } else {
            None
        }
    }

    /// The minor units of `money` (which fit, being an amount's).
    #[inline]
    pub(crate) const fn of(money: Money) -> Self {
        Self(money.to_minor())
    }

    /// The number.
    #[inline]
    pub(crate) const fn get(self) -> i128 {
        self.0
    }

    /// As money in `currency`.
    #[inline]
    pub(crate) fn money(self, currency: Currency) -> Money {
        // Every `Minor` fits an amount (see `new` and `of`), so this is
        // never the zero.
        Money::from_minor(self.get(), currency).unwrap_or(Money::zero(currency))
    }
}

impl fmt::Debug for Minor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

/// Hours at 4-byte alignment, as the rest of a line's basis, so that the
/// basis does not align to 8 bytes for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(Rust, packed(4))]
pub(crate) struct PackedHours(pub(crate) Hours);

/// A line's basis as kept: [`LineBasis`] with amounts in minor units of
/// the line's currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Basis {
    Given,
    WholePeriod,
    Days { days: Decimal, of: Decimal },
    Hours(PackedHours),
    Amount(Minor),
    Projected(Minor),
}

impl Basis {
    #[cfg(any(feature = "serde", all(test, feature = "proptest")))]
    fn of(basis: LineBasis) -> Self {
        match basis {
            LineBasis::Given => Self::Given,
            LineBasis::WholePeriod => Self::WholePeriod,
            LineBasis::Days { days, of } => Self::Days { days, of },
            LineBasis::Hours(hours) => Self::Hours(PackedHours(hours)),
            LineBasis::Amount(amount) => Self::Amount(Minor::of(amount)),
            LineBasis::Projected(amount) => Self::Projected(Minor::of(amount)),
        }
    }

    fn public(self, currency: Currency) -> LineBasis {
        match self {
            Self::Given => LineBasis::Given,
            Self::WholePeriod => LineBasis::WholePeriod,
            Self::Days { days, of } => LineBasis::Days { days, of },
            Self::Hours(PackedHours(hours)) => LineBasis::Hours(hours),
            Self::Amount(amount) => LineBasis::Amount(amount.money(currency)),
            Self::Projected(amount) => LineBasis::Projected(amount.money(currency)),
        }
    }
}

/// A line's rate as kept: [`LineRate`] with amounts in minor units of the
/// line's currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Per {
    None,
    Period(Minor),
    Hour {
        amount: Minor,
        multiplier: Multiplier,
    },
    Fraction(Rate),
}

impl Per {
    #[cfg(any(feature = "serde", all(test, feature = "proptest")))]
    fn of(rate: LineRate) -> Self {
        match rate {
            LineRate::None => Self::None,
            LineRate::PerPeriod(amount) => Self::Period(Minor::of(amount)),
            LineRate::PerHour { amount, multiplier } => Self::Hour {
                amount: Minor::of(amount),
                multiplier,
            },
            LineRate::Fraction(rate) => Self::Fraction(rate),
        }
    }

    fn public(self, currency: Currency) -> LineRate {
        match self {
            Self::None => LineRate::None,
            Self::Period(amount) => LineRate::PerPeriod(amount.money(currency)),
            Self::Hour { amount, multiplier } => LineRate::PerHour {
                amount: amount.money(currency),
                multiplier,
            },
            Self::Fraction(rate) => LineRate::Fraction(rate),
        }
    }
}

/// One line of a payslip. Its amount was rounded once, where it was
/// computed; see [`PayrollConfig`](crate::PayrollConfig).
///
/// Read with `serde`, a line whose basis or rate is in another currency
/// than its amount is refused.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(try_from = "serde_repr::PayLineRepr")
)]
pub struct PayLine {
    component: Option<PayComponentName>,
    amount: Minor,
    basis: Basis,
    rate: Per,
    currency: Currency,
    kind: LineKind,
}

impl PayLine {
    /// A line as computed: amounts in minor units of `currency`.
    #[inline]
    pub(crate) const fn new(
        kind: LineKind,
        component: Option<PayComponentName>,
        basis: Basis,
        rate: Per,
        amount: Minor,
        currency: Currency,
    ) -> Self {
        Self {
            component,
            amount,
            basis,
            rate,
            currency,
            kind,
        }
    }

    /// A line from its public parts, each amount in its own currency (a
    /// line read, or one of the tests' reference computation); the amount's
    /// currency is the line's.
    #[cfg(any(feature = "serde", all(test, feature = "proptest")))]
    pub(crate) fn from_parts(
        kind: LineKind,
        component: Option<PayComponentName>,
        basis: LineBasis,
        rate: LineRate,
        amount: Money,
    ) -> Self {
        Self::new(
            kind,
            component,
            Basis::of(basis),
            Per::of(rate),
            Minor::of(amount),
            amount.currency(),
        )
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
    pub fn basis(&self) -> LineBasis {
        self.basis.public(self.currency)
    }

    /// The rate applied to the basis.
    pub fn rate(&self) -> LineRate {
        self.rate.public(self.currency)
    }

    /// The rounded amount: positive for earnings and deductions, negative
    /// for unpaid leave, a tax refund, a shortfall carried forward and a
    /// reimbursement.
    pub fn amount(&self) -> Money {
        self.amount.money(self.currency)
    }

    /// The amount in minor units of the line's currency.
    pub(crate) const fn minor(&self) -> i128 {
        self.amount.get()
    }

    /// `kind` or `kind component`, as in messages.
    pub fn label(&self) -> String {
        match &self.component {
            Some(component) => format!("{} {component}", self.kind),
            None => self.kind.to_string(),
        }
    }
}

impl fmt::Debug for PayLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayLine")
            .field("kind", &self.kind)
            .field("component", &self.component)
            .field("basis", &self.basis())
            .field("rate", &self.rate())
            .field("amount", &self.amount())
            .finish()
    }
}

/// A line written as its public parts: `kind`, `component`, `basis`,
/// `rate` and `amount`, each amount as money.
#[cfg(feature = "serde")]
impl serde::Serialize for PayLine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut line = serializer.serialize_struct("PayLine", 5)?;
        line.serialize_field("kind", &self.kind)?;
        line.serialize_field("component", &self.component)?;
        line.serialize_field("basis", &self.basis())?;
        line.serialize_field("rate", &self.rate())?;
        line.serialize_field("amount", &self.amount())?;
        line.end()
    }
}

/// Totals of a tax year so far, carried from one payslip to the next.
///
/// Read with `serde`, every total and contribution basis must be in one
/// currency.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(try_from = "serde_repr::YearToDateRepr")
)]
pub struct YearToDate {
    gross: Minor,
    taxable: Minor,
    tax: Minor,
    employee_contributions: Minor,
    employer_contributions: Minor,
    net: Minor,
    contribution_bases: ContributionBases,
    currency: Currency,
}

/// The basis each contribution was charged on so far (minor units), by
/// name, sorted by name with no name twice (so that equal years to date
/// compare equal whatever order the contributions came in). A payroll has
/// a handful of contributions: they sit inline, and a payslip's year to
/// date takes no heap block for them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct ContributionBases(SmallVec<[(PayComponentName, Minor); 4]>);

impl ContributionBases {
    fn position(&self, component: &PayComponentName) -> Result<usize, usize> {
        self.0.binary_search_by(|(name, _)| name.cmp(component))
    }

    /// The basis of `component` so far, `None` before its first payslip.
    fn get(&self, component: &PayComponentName) -> Option<Minor> {
        let index = self.position(component).ok()?;
        self.0.get(index).map(|(_, basis)| *basis)
    }

    /// Records `basis` as what `component` was charged on so far.
    #[cfg(all(test, feature = "proptest"))]
    pub(crate) fn set(&mut self, component: &PayComponentName, basis: Money) {
        *self.basis_mut(component) = Minor::of(basis);
    }

    /// The basis of `component` so far, to update in place: zero is put
    /// in for a component not seen before. One search for reading and
    /// writing.
    #[inline]
    pub(crate) fn basis_mut(&mut self, component: &PayComponentName) -> &mut Minor {
        let index = match self.position(component) {
            Ok(index) => index,
            Err(index) => {
                self.0.insert(index, (component.clone(), Minor::ZERO));
                index
            }
        };
        // `index` is in the vector: found in it, or just inserted there.
        let last = self.0.len().saturating_sub(1);
        &mut self.0[index.min(last)].1
    }
}

impl YearToDate {
    /// The start of a tax year: every total zero.
    pub const fn new(currency: Currency) -> Self {
        Self {
            gross: Minor::ZERO,
            taxable: Minor::ZERO,
            tax: Minor::ZERO,
            employee_contributions: Minor::ZERO,
            employer_contributions: Minor::ZERO,
            net: Minor::ZERO,
            contribution_bases: ContributionBases(SmallVec::new_const()),
            currency,
        }
    }

    /// The currency of every total.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// Gross pay.
    pub fn gross(&self) -> Money {
        self.gross.money(self.currency)
    }

    /// Taxable pay.
    pub fn taxable(&self) -> Money {
        self.taxable.money(self.currency)
    }

    /// Income tax paid.
    pub fn tax(&self) -> Money {
        self.tax.money(self.currency)
    }

    /// The employee's contributions.
    pub fn employee_contributions(&self) -> Money {
        self.employee_contributions.money(self.currency)
    }

    /// The employer's contributions.
    pub fn employer_contributions(&self) -> Money {
        self.employer_contributions.money(self.currency)
    }

    /// Net pay.
    pub fn net(&self) -> Money {
        self.net.money(self.currency)
    }

    /// The basis a contribution was charged on so far (what its cap counts).
    pub fn contribution_basis(&self, component: &PayComponentName) -> Money {
        self.contribution_bases
            .get(component)
            .unwrap_or(Minor::ZERO)
            .money(self.currency)
    }

    /// Taxable pay and income tax paid, in minor units.
    pub(crate) const fn taxable_and_tax(&self) -> (i128, i128) {
        (self.taxable.get(), self.tax.get())
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
        let add = |total: Minor, amount: i128| Minor::new(total.get().checked_add(amount)?);
        Some(Self {
            gross: add(self.gross, gross)?,
            taxable: add(self.taxable, taxable)?,
            tax: add(self.tax, tax)?,
            employee_contributions: add(self.employee_contributions, employee)?,
            employer_contributions: add(self.employer_contributions, employer)?,
            net: add(self.net, net)?,
            contribution_bases: bases,
            currency: self.currency,
        })
    }
}

impl fmt::Debug for YearToDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bases: Vec<_> = self
            .contribution_bases
            .0
            .iter()
            .map(|(name, basis)| (name, basis.money(self.currency)))
            .collect();
        f.debug_struct("YearToDate")
            .field("gross", &self.gross())
            .field("taxable", &self.taxable())
            .field("tax", &self.tax())
            .field("employee_contributions", &self.employee_contributions())
            .field("employer_contributions", &self.employer_contributions())
            .field("net", &self.net())
            .field("contribution_bases", &bases)
            .finish()
    }
}

/// Written as its totals, each as money, and its contribution bases as a
/// map from name to money, sorted by name.
#[cfg(feature = "serde")]
impl serde::Serialize for YearToDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Bases<'a>(&'a YearToDate);
        impl serde::Serialize for Bases<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let currency = self.0.currency;
                serializer.collect_map(
                    self.0
                        .contribution_bases
                        .0
                        .iter()
                        .map(|(name, basis)| (name, basis.money(currency))),
                )
            }
        }
        let mut year = serializer.serialize_struct("YearToDate", 7)?;
        year.serialize_field("gross", &self.gross())?;
        year.serialize_field("taxable", &self.taxable())?;
        year.serialize_field("tax", &self.tax())?;
        year.serialize_field("employee_contributions", &self.employee_contributions())?;
        year.serialize_field("employer_contributions", &self.employer_contributions())?;
        year.serialize_field("net", &self.net())?;
        year.serialize_field("contribution_bases", &Bases(self))?;
        year.end()
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
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(try_from = "serde_repr::PayslipRepr")
)]
pub struct Payslip {
    pub(crate) employee: EmployeeId,
    pub(crate) period: PayPeriod,
    pub(crate) lines: Vec<PayLine>,
    pub(crate) totals: PayslipTotals,
    pub(crate) year_to_date: YearToDate,
}

/// A payslip's totals, in minor units of its currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PayslipTotals {
    pub(crate) gross: Minor,
    pub(crate) taxable: Minor,
    pub(crate) deductions: Minor,
    pub(crate) net: Minor,
    pub(crate) employer_cost: Minor,
    pub(crate) carried_forward: Minor,
    pub(crate) currency: Currency,
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

    /// The currency everything is paid in.
    pub const fn currency(&self) -> Currency {
        self.totals.currency
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
        Money::checked_sum(self.lines_of(kind).map(PayLine::amount), self.currency())
    }

    /// The sum of the earning lines.
    pub fn gross(&self) -> Money {
        self.totals.gross.money(self.currency())
    }

    /// Gross pay less pre-tax deductions and pre-tax contributions.
    pub fn taxable(&self) -> Money {
        self.totals.taxable.money(self.currency())
    }

    /// The sum of the deduction lines.
    pub fn deductions(&self) -> Money {
        self.totals.deductions.money(self.currency())
    }

    /// What the employee is paid: gross less deductions, never below zero.
    pub fn net(&self) -> Money {
        self.totals.net.money(self.currency())
    }

    /// The sum of the employer contribution lines.
    pub fn employer_cost(&self) -> Money {
        self.totals.employer_cost.money(self.currency())
    }

    /// The shortfall to deduct next period (zero unless net pay would have
    /// been negative under [`NegativeNet::CarryForward`](crate::NegativeNet::CarryForward)).
    pub fn carried_forward(&self) -> Money {
        self.totals.carried_forward.money(self.currency())
    }

    /// The year to date with this payslip included: the one to give the
    /// next period.
    pub fn year_to_date(&self) -> &YearToDate {
        &self.year_to_date
    }
}

impl fmt::Debug for Payslip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payslip")
            .field("employee", &self.employee)
            .field("period", &self.period)
            .field("lines", &self.lines)
            .field("gross", &self.gross())
            .field("taxable", &self.taxable())
            .field("deductions", &self.deductions())
            .field("net", &self.net())
            .field("employer_cost", &self.employer_cost())
            .field("carried_forward", &self.carried_forward())
            .field("year_to_date", &self.year_to_date)
            .finish()
    }
}

/// Written as its employee, period, lines, totals (each as money) and year
/// to date.
#[cfg(feature = "serde")]
impl serde::Serialize for Payslip {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut slip = serializer.serialize_struct("Payslip", 10)?;
        slip.serialize_field("employee", &self.employee)?;
        slip.serialize_field("period", &self.period)?;
        slip.serialize_field("lines", &self.lines)?;
        slip.serialize_field("gross", &self.gross())?;
        slip.serialize_field("taxable", &self.taxable())?;
        slip.serialize_field("deductions", &self.deductions())?;
        slip.serialize_field("net", &self.net())?;
        slip.serialize_field("employer_cost", &self.employer_cost())?;
        slip.serialize_field("carried_forward", &self.carried_forward())?;
        slip.serialize_field("year_to_date", &self.year_to_date)?;
        slip.end()
    }
}

#[cfg(feature = "serde")]
mod serde_repr {
    //! Payslips, lines and years to date as read, checked before they
    //! become values.

    use std::collections::BTreeMap;

    use bureau_core::{Currency, EmployeeId, Money};

    use super::{
        ContributionBases, LineBasis, LineKind, LineRate, Minor, PayLine, Payslip, PayslipTotals,
        YearToDate,
    };
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
            let bases = ContributionBases(
                r.contribution_bases
                    .into_iter()
                    .map(|(name, basis)| (name, Minor::of(basis)))
                    .collect(),
            );
            Ok(YearToDate {
                gross: Minor::of(r.gross),
                taxable: Minor::of(r.taxable),
                tax: Minor::of(r.tax),
                employee_contributions: Minor::of(r.employee_contributions),
                employer_contributions: Minor::of(r.employer_contributions),
                net: Minor::of(r.net),
                contribution_bases: bases,
                currency,
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
            Ok(PayLine::from_parts(
                r.kind,
                r.component,
                r.basis,
                r.rate,
                r.amount,
            ))
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
                || r.lines.iter().any(|l| l.currency != currency)
                || r.year_to_date.currency() != currency
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
                totals: PayslipTotals {
                    gross: Minor::of(r.gross),
                    taxable: Minor::of(r.taxable),
                    deductions: Minor::of(r.deductions),
                    net: Minor::of(r.net),
                    employer_cost: Minor::of(r.employer_cost),
                    carried_forward: Minor::of(r.carried_forward),
                    currency,
                },
                year_to_date: r.year_to_date,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use bureau_core::{Currency, Money};

    use super::{MAX_MINOR, Minor, PayLine};

    #[test]
    fn minor_units_hold_what_an_amount_holds() {
        let max = i128::try_from(MAX_MINOR).unwrap_or(i128::MAX);
        assert_eq!(Minor::new(max).map(Minor::get), Some(max));
        assert_eq!(Minor::new(-max).map(Minor::get), Some(-max));
        assert_eq!(Minor::new(max + 1), None);
        assert_eq!(Minor::new(-max - 1), None);
        let kwd = Money::from_minor(-max, Currency::KWD).ok();
        assert_eq!(Minor::new(-max).map(|m| m.money(Currency::KWD)), kwd);
    }

    /// A line within 128 bytes is moved by a few vector stores, a longer
    /// one by a call to `memcpy`: a payslip pushes a dozen.
    #[test]
    fn a_line_stays_within_128_bytes() {
        assert!(core::mem::size_of::<PayLine>() <= 128);
    }
}
