//! A company's payroll configuration.

use bureau_core::{Currency, Decimal, Money, Rate, RoundingStrategy};

use crate::{Error, Hours, PayComponentName, Result, TaxMethod, TaxTable};

/// How a salary is prorated over a pay period the employee worked only part
/// of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ProrationBasis {
    /// By working days on the employee's calendar. A period without a
    /// working day falls back to calendar days.
    #[default]
    WorkingDays,
    /// By calendar days.
    CalendarDays,
}

/// What a payslip does when deductions exceed gross pay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum NegativeNet {
    /// Refuse the payslip with [`Error::NegativeNet`].
    #[default]
    Reject,
    /// Pay zero and carry the shortfall to the next period as a
    /// [`LineKind::CarriedForward`](crate::LineKind::CarriedForward) line;
    /// the next period takes it with
    /// [`PayInput::with_carried_in`](crate::PayInput::with_carried_in).
    CarryForward,
}

/// What a contribution's rate applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ContributionBasis {
    /// Gross pay.
    #[default]
    Gross,
    /// Gross pay less pre-tax deductions (before any contribution, so a
    /// pre-tax contribution's basis never depends on itself).
    Taxable,
}

/// When a contribution's employee share is deducted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ContributionTiming {
    /// After income tax: taxable pay keeps it.
    #[default]
    AfterTax,
    /// Before income tax (a pension or retirement plan with tax relief):
    /// taxable pay is lowered by it.
    BeforeTax,
}

/// A social contribution: an employee rate (deducted after tax, or before
/// with [`Contribution::with_timing`]) and an
/// employer rate (a cost, not a deduction) on a basis, the basis capped per
/// year when a cap is set. The cap counts the basis of the year to date, so
/// the period that crosses it pays on the part below it only.
///
/// ```
/// use bureau_core::{money, Rate};
/// use bureau_hr::{Contribution, PayComponentName};
/// let pension = Contribution::new(PayComponentName::new("pension")?, Rate::new("0.05".parse()?), Rate::new("0.08".parse()?))?
///     .with_annual_cap(money!(60000.00 USD));
/// assert_eq!(pension.annual_cap(), Some(money!(60000.00 USD)));
/// assert!(Contribution::new(PayComponentName::new("bad")?, Rate::new("1.5".parse()?), Rate::ZERO).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Read with `serde`, a contribution goes through [`Contribution::new`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "serde_repr::ContributionRepr")
)]
pub struct Contribution {
    name: PayComponentName,
    employee_rate: Rate,
    employer_rate: Rate,
    basis: ContributionBasis,
    annual_cap: Option<Money>,
    timing: ContributionTiming,
}

fn is_fraction(rate: Rate) -> bool {
    (Decimal::ZERO..=Decimal::ONE).contains(&rate.value())
}

impl Contribution {
    /// A contribution on gross pay, without a cap.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidContributionRate`] when a rate is outside `[0, 1]`.
    pub fn new(name: PayComponentName, employee_rate: Rate, employer_rate: Rate) -> Result<Self> {
        for rate in [employee_rate, employer_rate] {
            if !is_fraction(rate) {
                return Err(Error::InvalidContributionRate {
                    component: name,
                    rate,
                });
            }
        }
        Ok(Self {
            name,
            employee_rate,
            employer_rate,
            basis: ContributionBasis::Gross,
            annual_cap: None,
            timing: ContributionTiming::AfterTax,
        })
    }

    /// The same contribution on `basis`.
    #[must_use]
    pub fn with_basis(mut self, basis: ContributionBasis) -> Self {
        self.basis = basis;
        self
    }

    /// The same contribution with its employee share deducted at `timing`.
    ///
    /// ```
    /// use bureau_core::Rate;
    /// use bureau_hr::{Contribution, ContributionTiming, PayComponentName};
    /// let pension = Contribution::new(PayComponentName::new("pension")?, Rate::new("0.05".parse()?), Rate::ZERO)?
    ///     .with_timing(ContributionTiming::BeforeTax);
    /// assert_eq!(pension.timing(), ContributionTiming::BeforeTax);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_timing(mut self, timing: ContributionTiming) -> Self {
        self.timing = timing;
        self
    }

    /// When the employee share is deducted.
    pub const fn timing(&self) -> ContributionTiming {
        self.timing
    }

    /// The same contribution with its basis capped at `cap` per tax year.
    #[must_use]
    pub fn with_annual_cap(mut self, cap: Money) -> Self {
        self.annual_cap = Some(cap);
        self
    }

    /// Its name.
    pub fn name(&self) -> &PayComponentName {
        &self.name
    }

    /// The employee's rate.
    pub const fn employee_rate(&self) -> Rate {
        self.employee_rate
    }

    /// The employer's rate.
    pub const fn employer_rate(&self) -> Rate {
        self.employer_rate
    }

    /// What the rates apply to.
    pub const fn basis(&self) -> ContributionBasis {
        self.basis
    }

    /// The yearly cap on the basis.
    pub const fn annual_cap(&self) -> Option<Money> {
        self.annual_cap
    }
}

/// A company's payroll rules: currency, the one rounding strategy, salary
/// proration, the tax table and method, contributions, standard annual
/// hours and what to do with negative net pay.
///
/// Rounding happens in one place: each payslip line is rounded to the
/// currency's minor unit with [`PayrollConfig::rounding`] once, when its
/// amount is computed from basis and rate; totals are sums of rounded
/// lines and never rounded again. The salary of a full period and the
/// hourly equivalent of a salary are rounded the same way before they are
/// used as a rate.
///
/// ```
/// use bureau_core::{money, Rate, RoundingStrategy};
/// use bureau_hr::{PayrollConfig, ProrationBasis, TaxBand, TaxTable};
/// let table = TaxTable::new(vec![TaxBand::new(money!(0.00 USD), Rate::new("0.1".parse()?))])?;
/// let config = PayrollConfig::new(table).with_proration(ProrationBasis::CalendarDays);
/// assert_eq!(config.rounding(), RoundingStrategy::MidpointAwayFromZero);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Read with `serde`, a configuration is built through the same
/// constructors (the tax table, each contribution and the annual hours
/// checked).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "serde_repr::PayrollConfigRepr")
)]
pub struct PayrollConfig {
    tax: TaxTable,
    tax_method: TaxMethod,
    rounding: RoundingStrategy,
    proration: ProrationBasis,
    negative_net: NegativeNet,
    contributions: Vec<Contribution>,
    annual_hours: Hours,
}

impl PayrollConfig {
    /// A configuration paying in the tax table's currency, with annualised
    /// tax, [`RoundingStrategy::MidpointAwayFromZero`], proration by working
    /// days, no contribution, 2080 standard annual hours and negative net
    /// pay rejected.
    pub fn new(tax: TaxTable) -> Self {
        Self {
            tax,
            tax_method: TaxMethod::Annualised,
            rounding: RoundingStrategy::MidpointAwayFromZero,
            proration: ProrationBasis::WorkingDays,
            negative_net: NegativeNet::Reject,
            contributions: Vec::new(),
            annual_hours: Hours::from(2080),
        }
    }

    /// The same configuration with `method`.
    #[must_use]
    pub fn with_tax_method(mut self, method: TaxMethod) -> Self {
        self.tax_method = method;
        self
    }

    /// The same configuration rounding every line with `rounding`.
    #[must_use]
    pub fn with_rounding(mut self, rounding: RoundingStrategy) -> Self {
        self.rounding = rounding;
        self
    }

    /// The same configuration prorating salaries by `basis`.
    #[must_use]
    pub fn with_proration(mut self, basis: ProrationBasis) -> Self {
        self.proration = basis;
        self
    }

    /// The same configuration treating negative net pay by `rule`.
    #[must_use]
    pub fn with_negative_net(mut self, rule: NegativeNet) -> Self {
        self.negative_net = rule;
        self
    }

    /// The same configuration with one more contribution.
    #[must_use]
    pub fn with_contribution(mut self, contribution: Contribution) -> Self {
        self.contributions.push(contribution);
        self
    }

    /// The same configuration with `hours` as a full-time year, which turns
    /// a salary into the hourly rate its overtime is paid at.
    ///
    /// # Errors
    ///
    /// [`Error::NoAnnualHours`] when `hours` is zero.
    pub fn with_annual_hours(mut self, hours: Hours) -> Result<Self> {
        if hours == Hours::ZERO {
            return Err(Error::NoAnnualHours { hours });
        }
        self.annual_hours = hours;
        Ok(self)
    }

    /// The currency everything is paid in: the tax table's.
    pub fn currency(&self) -> Currency {
        self.tax.currency()
    }

    /// The tax table.
    pub fn tax(&self) -> &TaxTable {
        &self.tax
    }

    /// The tax method.
    pub const fn tax_method(&self) -> TaxMethod {
        self.tax_method
    }

    /// The rounding strategy of every line.
    pub const fn rounding(&self) -> RoundingStrategy {
        self.rounding
    }

    /// The proration basis.
    pub const fn proration(&self) -> ProrationBasis {
        self.proration
    }

    /// The rule for negative net pay.
    pub const fn negative_net(&self) -> NegativeNet {
        self.negative_net
    }

    /// The contributions, in the order they were added.
    pub fn contributions(&self) -> &[Contribution] {
        &self.contributions
    }

    /// The hours of a full-time year.
    pub const fn annual_hours(&self) -> Hours {
        self.annual_hours
    }
}

#[cfg(feature = "serde")]
mod serde_repr {
    //! Configurations as read, built through their constructors.

    use bureau_core::{Money, Rate, RoundingStrategy};

    use super::{
        Contribution, ContributionBasis, ContributionTiming, NegativeNet, PayrollConfig,
        ProrationBasis,
    };
    use crate::{Error, Hours, PayComponentName, Result, TaxMethod, TaxTable};

    #[derive(serde::Deserialize)]
    pub(super) struct ContributionRepr {
        name: PayComponentName,
        employee_rate: Rate,
        employer_rate: Rate,
        basis: ContributionBasis,
        annual_cap: Option<Money>,
        #[serde(default)]
        timing: ContributionTiming,
    }

    impl TryFrom<ContributionRepr> for Contribution {
        type Error = Error;

        fn try_from(r: ContributionRepr) -> Result<Self> {
            let contribution = Contribution::new(r.name, r.employee_rate, r.employer_rate)?
                .with_basis(r.basis)
                .with_timing(r.timing);
            Ok(match r.annual_cap {
                Some(cap) => contribution.with_annual_cap(cap),
                None => contribution,
            })
        }
    }

    #[derive(serde::Deserialize)]
    pub(super) struct PayrollConfigRepr {
        tax: TaxTable,
        tax_method: TaxMethod,
        rounding: RoundingStrategy,
        proration: ProrationBasis,
        negative_net: NegativeNet,
        contributions: Vec<Contribution>,
        annual_hours: Hours,
    }

    impl TryFrom<PayrollConfigRepr> for PayrollConfig {
        type Error = Error;

        fn try_from(r: PayrollConfigRepr) -> Result<Self> {
            let config = r
                .contributions
                .into_iter()
                .fold(PayrollConfig::new(r.tax), PayrollConfig::with_contribution)
                .with_tax_method(r.tax_method)
                .with_rounding(r.rounding)
                .with_proration(r.proration)
                .with_negative_net(r.negative_net);
            config.with_annual_hours(r.annual_hours)
        }
    }
}
