//! The terms of an employment: where someone works, for whom, how much of a
//! full-time week, and at what pay.

use core::fmt;

use bureau_core::{Decimal, EmployeeId, Money};
use chrono::NaiveDate;

use crate::{
    CalendarKey, CostCentre, DepartmentName, Error, LocationName, PositionTitle, Result, Sensitive,
};

/// A full-time-equivalent fraction in `(0, 1]`: 1 for full time, 0.5 for
/// half the full-time week.
///
/// ```
/// use bureau_hr::Fte;
/// use bureau_core::Decimal;
/// assert_eq!(Fte::new(Decimal::new(8, 1))?.value(), Decimal::new(8, 1));
/// assert_eq!(Fte::new(Decimal::ZERO).unwrap_err().to_string(), "FTE fraction 0 is not in (0, 1]");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Decimal", into = "Decimal"))]
pub struct Fte(Decimal);

impl Fte {
    /// Full time.
    pub const FULL: Self = Self(Decimal::ONE);

    /// Validates `fraction`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFte`] when `fraction` is not in `(0, 1]`.
    pub fn new(fraction: Decimal) -> Result<Self> {
        if fraction <= Decimal::ZERO || fraction > Decimal::ONE {
            return Err(Error::InvalidFte { fte: fraction });
        }
        Ok(Self(fraction.normalize()))
    }

    /// The fraction.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// Whether this is full time.
    pub fn is_full_time(self) -> bool {
        self.0 == Decimal::ONE
    }
}

impl TryFrom<Decimal> for Fte {
    type Error = Error;
    fn try_from(fraction: Decimal) -> Result<Self> {
        Self::new(fraction)
    }
}

impl From<Fte> for Decimal {
    fn from(fte: Fte) -> Self {
        fte.0
    }
}

impl fmt::Display for Fte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The kind of contract an employment runs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ContractType {
    /// Open-ended employment.
    Permanent,
    /// Employment agreed to end on a date (the last day of the contract).
    FixedTerm {
        /// The contract's last day.
        until: NaiveDate,
    },
    /// A trainee or apprentice contract.
    Apprenticeship,
    /// A student internship.
    Internship,
}

/// How often pay is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PayFrequency {
    /// Every week: 52 pay periods a year.
    Weekly,
    /// Every two weeks: 26 pay periods a year.
    Biweekly,
    /// Twice a month: 24 pay periods a year.
    SemiMonthly,
    /// Every month: 12 pay periods a year.
    Monthly,
}

impl PayFrequency {
    /// The number of pay periods in a year.
    ///
    /// ```
    /// assert_eq!(bureau_hr::PayFrequency::Biweekly.periods_per_year(), 26);
    /// ```
    pub const fn periods_per_year(self) -> u32 {
        match self {
            Self::Weekly => 52,
            Self::Biweekly => 26,
            Self::SemiMonthly => 24,
            Self::Monthly => 12,
        }
    }
}

/// Lowercase, as in messages: `weekly`, `biweekly`, `semi-monthly`, `monthly`.
impl fmt::Display for PayFrequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Weekly => "weekly",
            Self::Biweekly => "biweekly",
            Self::SemiMonthly => "semi-monthly",
            Self::Monthly => "monthly",
        })
    }
}

/// What a pay rate's amount is paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PayBasis {
    /// A yearly salary at full time (scaled by the FTE fraction when paid).
    Annual,
    /// An amount per hour worked.
    Hourly,
}

/// A pay rate: a positive amount per [`PayBasis`]. Its amount is
/// [`Sensitive`]: `Debug` shows the basis only.
///
/// ```
/// use bureau_core::money;
/// use bureau_hr::{PayBasis, PayRate};
/// let rate = PayRate::annual(money!(85000.00 USD))?;
/// assert_eq!(rate.basis(), PayBasis::Annual);
/// assert_eq!(rate.amount(), money!(85000.00 USD));
/// assert!(!format!("{rate:?}").contains("85000"));
/// assert!(PayRate::hourly(money!(-1.00 USD)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PayRate {
    amount: Sensitive<Money>,
    basis: PayBasis,
}

impl PayRate {
    /// A rate of `amount` per `basis`.
    ///
    /// # Errors
    ///
    /// [`Error::NonPositivePay`] when `amount` is zero or negative.
    pub fn new(amount: Money, basis: PayBasis) -> Result<Self> {
        if !amount.is_positive() {
            return Err(Error::NonPositivePay { amount });
        }
        Ok(Self {
            amount: Sensitive::new(amount),
            basis,
        })
    }

    /// A yearly full-time salary of `amount`.
    ///
    /// # Errors
    ///
    /// [`Error::NonPositivePay`] when `amount` is zero or negative.
    pub fn annual(amount: Money) -> Result<Self> {
        Self::new(amount, PayBasis::Annual)
    }

    /// An hourly rate of `amount`.
    ///
    /// # Errors
    ///
    /// [`Error::NonPositivePay`] when `amount` is zero or negative.
    pub fn hourly(amount: Money) -> Result<Self> {
        Self::new(amount, PayBasis::Hourly)
    }

    /// The amount, exposed.
    pub fn amount(&self) -> Money {
        *self.amount.expose()
    }

    /// What the amount is paid for.
    pub const fn basis(&self) -> PayBasis {
        self.basis
    }
}

/// Where and how someone works from an effective date on: department,
/// position, manager, cost centre, location and the key of its calendar,
/// FTE fraction, contract, pay rate and pay frequency.
///
/// Built with [`EmploymentTerms::new`] and changed with the `with_`
/// methods, which return the changed copy.
///
/// ```
/// use bureau_core::{money, EmployeeId};
/// use bureau_hr::{CalendarKey, ContractType, CostCentre, DepartmentName, EmploymentTerms, Fte,
///     LocationName, PayFrequency, PayRate, PositionTitle, Workplace};
/// let terms = EmploymentTerms::new(
///     DepartmentName::new("Engineering")?,
///     PositionTitle::new("Engineer")?,
///     Workplace::new(LocationName::new("Berlin office")?, CalendarKey::new("de-berlin")?),
///     PayRate::annual(money!(70000.00 USD))?,
/// )
/// .with_manager(EmployeeId::from_u128(1))
/// .with_cost_centre(CostCentre::new("CC-4100")?);
/// assert_eq!(terms.fte(), Fte::FULL);
/// assert_eq!(terms.contract(), ContractType::Permanent);
/// assert_eq!(terms.pay_frequency(), PayFrequency::Monthly);
/// assert_eq!(terms.manager(), Some(EmployeeId::from_u128(1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EmploymentTerms {
    department: DepartmentName,
    position: PositionTitle,
    manager: Option<EmployeeId>,
    cost_centre: Option<CostCentre>,
    workplace: Workplace,
    fte: Fte,
    contract: ContractType,
    pay_rate: PayRate,
    pay_frequency: PayFrequency,
}

/// A work location and the key of the working-time calendar that applies
/// there.
///
/// ```
/// use bureau_hr::{CalendarKey, LocationName, Workplace};
/// let place = Workplace::new(LocationName::new("Remote")?, CalendarKey::new("us-federal")?);
/// assert_eq!(place.calendar().as_str(), "us-federal");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Workplace {
    location: LocationName,
    calendar: CalendarKey,
}

impl Workplace {
    /// `location`, whose working days follow the calendar under `calendar`.
    pub fn new(location: LocationName, calendar: CalendarKey) -> Self {
        Self { location, calendar }
    }

    /// The location.
    pub fn location(&self) -> &LocationName {
        &self.location
    }

    /// The key of the location's calendar.
    pub fn calendar(&self) -> &CalendarKey {
        &self.calendar
    }
}

impl EmploymentTerms {
    /// Full-time, permanent, monthly-paid terms with no manager and no cost
    /// centre.
    pub fn new(
        department: DepartmentName,
        position: PositionTitle,
        workplace: Workplace,
        pay_rate: PayRate,
    ) -> Self {
        Self {
            department,
            position,
            manager: None,
            cost_centre: None,
            workplace,
            fte: Fte::FULL,
            contract: ContractType::Permanent,
            pay_rate,
            pay_frequency: PayFrequency::Monthly,
        }
    }

    /// With the department.
    pub fn with_department(mut self, department: DepartmentName) -> Self {
        self.department = department;
        self
    }

    /// With the position.
    pub fn with_position(mut self, position: PositionTitle) -> Self {
        self.position = position;
        self
    }

    /// Reporting to `manager`.
    pub fn with_manager(mut self, manager: EmployeeId) -> Self {
        self.manager = Some(manager);
        self
    }

    /// Reporting to no one (the top of the organisation).
    pub fn without_manager(mut self) -> Self {
        self.manager = None;
        self
    }

    /// Charged to `cost_centre`.
    pub fn with_cost_centre(mut self, cost_centre: CostCentre) -> Self {
        self.cost_centre = Some(cost_centre);
        self
    }

    /// At `workplace`.
    pub fn with_workplace(mut self, workplace: Workplace) -> Self {
        self.workplace = workplace;
        self
    }

    /// Working `fte` of the full-time week.
    pub fn with_fte(mut self, fte: Fte) -> Self {
        self.fte = fte;
        self
    }

    /// Under `contract`.
    pub fn with_contract(mut self, contract: ContractType) -> Self {
        self.contract = contract;
        self
    }

    /// Paid `pay_rate`.
    pub fn with_pay_rate(mut self, pay_rate: PayRate) -> Self {
        self.pay_rate = pay_rate;
        self
    }

    /// Paid every `pay_frequency`.
    pub fn with_pay_frequency(mut self, pay_frequency: PayFrequency) -> Self {
        self.pay_frequency = pay_frequency;
        self
    }

    /// The department.
    pub fn department(&self) -> &DepartmentName {
        &self.department
    }

    /// The position.
    pub fn position(&self) -> &PositionTitle {
        &self.position
    }

    /// The manager, `None` at the top of the organisation.
    pub fn manager(&self) -> Option<EmployeeId> {
        self.manager
    }

    /// The cost centre.
    pub fn cost_centre(&self) -> Option<&CostCentre> {
        self.cost_centre.as_ref()
    }

    /// The workplace and its calendar key.
    pub fn workplace(&self) -> &Workplace {
        &self.workplace
    }

    /// The FTE fraction.
    pub fn fte(&self) -> Fte {
        self.fte
    }

    /// The contract.
    pub fn contract(&self) -> ContractType {
        self.contract
    }

    /// The pay rate.
    pub fn pay_rate(&self) -> PayRate {
        self.pay_rate
    }

    /// The pay frequency.
    pub fn pay_frequency(&self) -> PayFrequency {
        self.pay_frequency
    }
}
