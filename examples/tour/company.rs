//! The company the tour simulates, as configuration: its chart of accounts
//! and account mapping, catalog and prices, pipeline, lead scoring model,
//! support desk calendar and service levels, payroll and leave rules, and
//! its staff. Nothing here changes while the simulation runs.

use bureau::calendar::{Calendar, Holiday, Schedule, Tz};
use bureau::crm::{
    Band, Bands, EngagementKind, EngagementRule, FieldKey, FieldText, FitRule, Predicate, RuleName,
    Score, ScoringModel,
};
use bureau::flows::MappingKey;
use bureau::hr::{
    Contribution, CostCentre, Hours, LeaveDays, LeavePolicy, LeaveType, Multiplier, OvertimeRules,
    PayComponentName, PayFrequency, PayRate, PaySchedule, PayrollConfig, TaxBand,
    TaxTable as PayTaxTable,
};
use bureau::ledger::{AccountId, AccountKind};
use bureau::sales::{
    Catalog, PaymentTerms, Pipeline, PriceBook, PriceList, PriceListCode, PriceTier, PricingConfig,
    Product, ProductGroup, ProductName, Quantity, Sku, Stage, StageName, TaxCategory, TaxCode,
    TaxKind, TaxRounding, TaxRule, TaxTable, UnitOfMeasure,
};
use bureau::sla::{Metric, Priority, SlaConfig, SlaPolicy, Target};
use bureau::{
    Currency, DateRange, Decimal, EmployeeId, Money, Percent, ProductId, Rate, RoundingStrategy,
    UserId,
};
use chrono::{NaiveDate, TimeDelta, Weekday};

use super::Failure;

/// The books are kept in euros.
pub const BASE: Currency = Currency::EUR;
/// One customer buys in dollars.
pub const FOREIGN: Currency = Currency::USD;
/// The desk and the office work in Berlin.
pub const BERLIN: Tz = Tz::Europe__Berlin;
/// The controller who approves payroll runs and timesheets; not on the
/// payroll the tour computes, so no run is approved by someone it pays.
pub const CONTROLLER: EmployeeId = EmployeeId::from_u128(9999);

/// The products.
pub const LICENCE: ProductId = ProductId::from_u128(1);
pub const SUPPORT_PLAN: ProductId = ProductId::from_u128(2);
pub const TRAINING: ProductId = ProductId::from_u128(3);

/// One account of the chart, with the role it plays in the mapping.
pub struct ChartAccount {
    pub code: u128,
    pub name: &'static str,
    pub kind: AccountKind,
    pub role: Option<MappingKey>,
}

/// A member of staff.
#[derive(Clone)]
pub struct StaffMember {
    pub employee: EmployeeId,
    pub user: UserId,
    pub centre: CostCentre,
    pub rate: PayRate,
    /// Paid by the hour from an approved timesheet.
    pub hourly: bool,
}

/// Everything the simulation reads and never changes.
pub struct Setup {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub customers: usize,
    pub chart: Vec<ChartAccount>,
    pub conversion_account: AccountId,
    pub receivables: AccountId,
    pub bank: AccountId,
    pub capital: AccountId,
    pub catalog: Catalog,
    pub prices: PriceBook,
    pub taxes: TaxTable,
    pub pricing: PricingConfig,
    pub terms: PaymentTerms,
    pub pipeline: Pipeline,
    pub scoring: ScoringModel,
    pub desk: Calendar,
    pub office: Calendar,
    pub sla: SlaConfig,
    pub payroll: PayrollConfig,
    pub pay_schedule: PaySchedule,
    pub overtime: OvertimeRules,
    pub annual_leave: LeavePolicy,
    pub staff: Vec<StaffMember>,
    /// What an hour of support costs the company, for the cost to serve.
    pub support_hour: Money,
}

/// Field keys the scoring model reads.
pub fn employees_field() -> Result<FieldKey, Failure> {
    Ok(FieldKey::new("employees")?)
}
pub fn industry_field() -> Result<FieldKey, Failure> {
    Ok(FieldKey::new("industry")?)
}
/// The behaviours leads show.
pub const BEHAVIOURS: [&str; 3] = ["demo_request", "pricing_visit", "email_open"];
/// The industries leads come from.
pub const INDUSTRIES: [&str; 4] = ["software", "retail", "education", "logistics"];

impl Setup {
    /// The company of `customers` customers and `employees` staff, simulated
    /// over `months` months from March 2026.
    pub fn new(months: u32, customers: usize, employees: usize) -> Result<Self, Failure> {
        let start = NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?;
        let end = start
            .checked_add_months(chrono::Months::new(months))
            .ok_or("too many months")?;
        let chart = chart()?;
        let account = |code| AccountId::from_u128(code);
        let (catalog, prices, taxes) = products(start, end)?;
        let name = |n: &str| StageName::new(n);
        let pipeline = Pipeline::new([
            Stage::open(name("Qualification")?, Percent::new(10.into()))?,
            Stage::open(name("Proposal")?, Percent::new(40.into()))?,
            Stage::open(name("Negotiation")?, Percent::new(70.into()))?,
            Stage::won(name("Won")?),
            Stage::lost(name("Lost")?),
        ])?;
        let desk = Calendar::builder(Schedule::weekdays(BERLIN, "09:00-17:00".parse()?)?)
            .holiday(Holiday::yearly(1, 1, "New Year's Day")?)
            .holiday(Holiday::easter(-2, "Good Friday")?)
            .holiday(Holiday::easter(1, "Easter Monday")?)
            .holiday(Holiday::yearly(5, 1, "Labour Day")?)
            .holiday(Holiday::easter(39, "Ascension Day")?)
            .holiday(Holiday::easter(50, "Whit Monday")?)
            .holiday(Holiday::yearly(10, 3, "German Unity Day")?)
            .holiday(Holiday::yearly(12, 25, "Christmas Day")?)
            .holiday(Holiday::yearly(12, 26, "Boxing Day")?)
            .build()?;
        let office = desk.clone();
        let target = |hours| Target::new(TimeDelta::hours(hours), desk.clone());
        let sla = SlaConfig::standard(vec![
            SlaPolicy::new("standard")
                .with_target(Metric::FirstReply, Priority::Urgent, target(1)?)
                .with_target(Metric::FirstReply, Priority::High, target(2)?)
                .with_target(Metric::FirstReply, Priority::Normal, target(8)?)
                .with_target(Metric::FirstReply, Priority::Low, target(16)?)
                .with_target(Metric::TotalResolution, Priority::Urgent, target(8)?)
                .with_target(Metric::TotalResolution, Priority::High, target(16)?)
                .with_target(Metric::TotalResolution, Priority::Normal, target(40)?)
                .with_target(Metric::TotalResolution, Priority::Low, target(80)?),
        ])?;
        let pay_schedule = PaySchedule::new(PayFrequency::Monthly, start)?;
        Ok(Self {
            start,
            end,
            customers,
            chart,
            conversion_account: account(1900),
            receivables: account(1200),
            bank: account(1000),
            capital: account(3000),
            catalog,
            prices,
            taxes,
            pricing: PricingConfig::new(RoundingStrategy::MidpointAwayFromZero)
                .with_tax_rounding(TaxRounding::PerDocument),
            terms: PaymentTerms::net(30).with_early_payment(Percent::new(2.into()), 10)?,
            pipeline,
            scoring: scoring_model()?,
            desk,
            office,
            sla,
            payroll: payroll_config()?,
            pay_schedule,
            overtime: OvertimeRules::new(Weekday::Mon)
                .daily(Hours::from(8), Multiplier::TIME_AND_A_HALF),
            annual_leave: LeavePolicy::builder(LeaveType::Annual, LeaveDays::from(25)).build()?,
            staff: staff(employees)?,
            support_hour: Money::from_minor(4_500, BASE)?,
        })
    }

    /// The business days of the simulation, first to last.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.start.iter_days().take_while(|day| *day < self.end)
    }

    /// The price list's currency of customer `index` (one buys in dollars).
    pub fn currency_of(&self, customer: usize) -> Currency {
        if customer == 2 { FOREIGN } else { BASE }
    }

    /// The segment of customer `index`.
    pub fn segment_of(&self, customer: usize) -> &'static str {
        if customer.is_multiple_of(5) {
            "enterprise"
        } else {
            "small business"
        }
    }

    /// The range of the whole simulation.
    pub fn range(&self) -> Result<DateRange, Failure> {
        Ok(DateRange::new(self.start, self.end)?)
    }
}

fn chart() -> Result<Vec<ChartAccount>, Failure> {
    let software = ProductGroup::new("software")?;
    let services = ProductGroup::new("services")?;
    let vat = TaxCode::new("VAT20")?;
    let centre = |name: &str| CostCentre::new(name);
    let line = |code, name, kind, role| ChartAccount {
        code,
        name,
        kind,
        role,
    };
    use AccountKind as K;
    use MappingKey as M;
    Ok(vec![
        line(1000, "Bank EUR", K::ASSET, Some(M::Bank(BASE))),
        line(1010, "Bank USD", K::ASSET, Some(M::Bank(FOREIGN))),
        line(1200, "Receivables", K::ASSET, Some(M::Receivable)),
        line(1300, "Owed by staff", K::ASSET, Some(M::EmployeeShortfall)),
        line(1900, "Currency conversion", K::ASSET, Some(M::Conversion)),
        line(
            2100,
            "Net pay payable",
            K::LIABILITY,
            Some(M::NetPayPayable),
        ),
        line(
            2200,
            "Tax withheld",
            K::LIABILITY,
            Some(M::TaxWithheldPayable),
        ),
        line(
            2300,
            "Contributions payable",
            K::LIABILITY,
            Some(M::ContributionsPayable),
        ),
        line(
            2400,
            "Deductions payable",
            K::LIABILITY,
            Some(M::DeductionsPayable),
        ),
        line(2500, "VAT payable", K::LIABILITY, Some(M::TaxPayable(vat))),
        line(3000, "Share capital", K::EQUITY, None),
        line(
            4000,
            "Licence revenue",
            K::INCOME,
            Some(M::Revenue(Some(software))),
        ),
        line(
            4100,
            "Services revenue",
            K::INCOME,
            Some(M::Revenue(Some(services))),
        ),
        line(4900, "Restocking fees", K::INCOME, Some(M::RestockingFees)),
        line(4950, "Exchange gains", K::INCOME, Some(M::RealisedFxGain)),
        line(
            6100,
            "Salaries sales",
            K::EXPENSE,
            Some(M::SalaryExpense(centre("sales")?)),
        ),
        line(
            6200,
            "Salaries support",
            K::EXPENSE,
            Some(M::SalaryExpense(centre("support")?)),
        ),
        line(
            6300,
            "Salaries admin",
            K::EXPENSE,
            Some(M::SalaryExpense(centre("admin")?)),
        ),
        line(
            6400,
            "Employer contributions",
            K::EXPENSE,
            Some(M::EmployerContributionExpense),
        ),
        line(
            6500,
            "Early-payment discounts",
            K::EXPENSE,
            Some(M::EarlyPaymentDiscounts),
        ),
        line(6950, "Exchange losses", K::EXPENSE, Some(M::RealisedFxLoss)),
    ])
}

fn products(start: NaiveDate, end: NaiveDate) -> Result<(Catalog, PriceBook, TaxTable), Failure> {
    let standard = TaxCategory::new("standard")?;
    let software = ProductGroup::new("software")?;
    let services = ProductGroup::new("services")?;
    let product =
        |id, sku: &str, name: &str, unit: &str, group: &ProductGroup| -> Result<Product, Failure> {
            Ok(Product::new(
                id,
                Sku::new(sku)?,
                ProductName::new(name)?,
                UnitOfMeasure::new(unit)?,
                standard.clone(),
            )
            .in_group(group.clone()))
        };
    let catalog = Catalog::from_products([
        product(LICENCE, "LIC-SEAT", "Licence seat", "seat-year", &software)?,
        product(SUPPORT_PLAN, "SUP-Q", "Support plan", "quarter", &services)?,
        product(TRAINING, "TRN-DAY", "Training day", "day", &services)?,
    ])?;
    let valid = DateRange::new(
        start
            .checked_sub_months(chrono::Months::new(12))
            .ok_or("date")?,
        end.checked_add_months(chrono::Months::new(12))
            .ok_or("date")?,
    )?;
    let list = |code: &str, currency: Currency, prices: [i128; 3]| -> Result<PriceList, Failure> {
        let tier = |minor| -> Result<Vec<PriceTier>, Failure> {
            Ok(vec![PriceTier::new(
                Quantity::ZERO,
                Money::from_minor(minor, currency)?,
            )?])
        };
        Ok(
            PriceList::new(PriceListCode::new(code)?, currency, None, valid)
                .with_prices(LICENCE, {
                    let mut tiers = tier(prices[0])?;
                    // Twenty seats or more: 10% off each seat.
                    tiers.push(PriceTier::new(
                        Quantity::from(20),
                        Money::from_minor(prices[0] * 9 / 10, currency)?,
                    )?);
                    tiers
                })?
                .with_prices(SUPPORT_PLAN, tier(prices[1])?)?
                .with_prices(TRAINING, tier(prices[2])?)?,
        )
    };
    let prices = PriceBook::new([
        list("EUR-2026", BASE, [48_000, 90_000, 120_000])?,
        list("USD-2026", FOREIGN, [52_000, 98_000, 130_000])?,
    ]);
    let taxes = TaxTable::new([TaxRule::new(
        TaxCode::new("VAT20")?,
        TaxKind::Percentage(Percent::new(20.into())),
        [standard],
    )?])?;
    Ok((catalog, prices, taxes))
}

fn scoring_model() -> Result<ScoringModel, Failure> {
    let [demo, visit, open] = BEHAVIOURS.map(EngagementKind::new);
    Ok(ScoringModel::new(
        vec![
            FitRule::new(
                RuleName::new("50+ staff")?,
                Predicate::AtLeast(employees_field()?, Decimal::from(50)),
                Score::points(20),
            ),
            FitRule::new(
                RuleName::new("software industry")?,
                Predicate::OneOf(industry_field()?, vec![FieldText::new("software")?]),
                Score::points(15),
            ),
            FitRule::new(
                RuleName::new("education")?,
                Predicate::OneOf(industry_field()?, vec![FieldText::new("education")?]),
                Score::points(-10),
            ),
        ],
        vec![
            EngagementRule::new(demo?, Score::points(30)),
            EngagementRule::new(visit?, Score::points(10)).with_cap(Score::points(30)),
            EngagementRule::new(open?, Score::points(2)).with_cap(Score::points(10)),
        ],
        TimeDelta::days(14),
        Some(Score::points(80)),
        Bands::new(
            Band::new(Score::points(10), Score::points(20)),
            Band::new(Score::points(20), Score::points(40)),
        ),
    )?)
}

fn payroll_config() -> Result<PayrollConfig, Failure> {
    let eur = |minor| Money::from_minor(minor, BASE);
    let table = PayTaxTable::new(vec![
        TaxBand::new(eur(0)?, Rate::ZERO),
        TaxBand::new(eur(1_200_000)?, Rate::new(Decimal::new(25, 2))),
        TaxBand::new(eur(6_000_000)?, Rate::new(Decimal::new(40, 2))),
    ])?;
    let pension = Contribution::new(
        PayComponentName::new("pension")?,
        Rate::new(Decimal::new(5, 2)),
        Rate::new(Decimal::new(8, 2)),
    )?;
    Ok(PayrollConfig::new(table).with_contribution(pension))
}

/// `count` staff: a third in sales, a third in support (the first two of
/// them hourly), the rest in administration.
fn staff(count: usize) -> Result<Vec<StaffMember>, Failure> {
    let mut staff = Vec::with_capacity(count);
    let third = count.div_ceil(3);
    for index in 0..count {
        let n = u128::try_from(index)? + 1;
        let step = i128::try_from(index % 7)?;
        let (centre, rate, hourly) = if index < third {
            (
                "sales",
                PayRate::annual(Money::from_minor(5_400_000 + step * 300_000, BASE)?)?,
                false,
            )
        } else if index < 2 * third {
            if index - third < 2 {
                (
                    "support",
                    PayRate::hourly(Money::from_minor(2_450 + step * 50, BASE)?)?,
                    true,
                )
            } else {
                (
                    "support",
                    PayRate::annual(Money::from_minor(4_400_000 + step * 200_000, BASE)?)?,
                    false,
                )
            }
        } else {
            (
                "admin",
                PayRate::annual(Money::from_minor(5_000_000 + step * 250_000, BASE)?)?,
                false,
            )
        };
        staff.push(StaffMember {
            employee: EmployeeId::from_u128(n),
            user: UserId::from_u128(n),
            centre: CostCentre::new(centre)?,
            rate,
            hourly,
        });
    }
    Ok(staff)
}
