//! The weighted forecast: the open pipeline's amounts times their win
//! probabilities, by period of expected close, by owner and by stage.

use std::collections::BTreeMap;

use bureau_core::RoundingStrategy;
use bureau_core::{Currency, EmployeeId, FiscalCalendar, Granularity, Money, Percent, Period};
use chrono::{DateTime, Utc};

use crate::{Error, Opportunity, OpportunityId, OpportunityStatus, Result, StageName, WinModel};

/// Which probability weighs an opportunity in a forecast.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ProbabilitySource<'m> {
    /// The default probability of the stage it is at.
    StageDefault,
    /// The win model's prediction, ages taken on `as_of`.
    Model {
        /// The trained model.
        model: &'m WinModel,
        /// The instant the opportunities' ages are taken on.
        as_of: DateTime<Utc>,
    },
}

/// How a forecast is made: its currency, the periods it is cut into, where
/// probabilities come from and how each weighted amount is rounded.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct ForecastOptions<'m> {
    /// The currency every opportunity must be in.
    pub currency: Currency,
    /// The calendar whose periods the expected close dates fall in.
    pub calendar: FiscalCalendar,
    /// Months, quarters or years.
    pub granularity: Granularity,
    /// Stage default or model.
    pub probability: ProbabilitySource<'m>,
    /// How each opportunity's weighted amount is rounded to the minor unit.
    pub rounding: RoundingStrategy,
}

impl<'m> ForecastOptions<'m> {
    /// Options in `currency`, by calendar month, with stage defaults and
    /// [`RoundingStrategy::MidpointNearestEven`].
    pub fn new(currency: Currency) -> Self {
        ForecastOptions {
            currency,
            calendar: FiscalCalendar::CALENDAR_YEAR,
            granularity: Granularity::Month,
            probability: ProbabilitySource::StageDefault,
            rounding: RoundingStrategy::MidpointNearestEven,
        }
    }

    /// By `granularity` periods of `calendar`.
    #[must_use]
    pub fn by(mut self, calendar: FiscalCalendar, granularity: Granularity) -> Self {
        self.calendar = calendar;
        self.granularity = granularity;
        self
    }

    /// Weighing by `probability`.
    #[must_use]
    pub fn with_probability(mut self, probability: ProbabilitySource<'m>) -> Self {
        self.probability = probability;
        self
    }

    /// Rounding each weighted amount with `rounding`.
    #[must_use]
    pub fn with_rounding(mut self, rounding: RoundingStrategy) -> Self {
        self.rounding = rounding;
        self
    }
}

/// One open opportunity's part in a forecast.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WeightedDeal {
    /// The opportunity.
    pub opportunity: OpportunityId,
    /// Its owner.
    pub owner: EmployeeId,
    /// The stage it is at.
    pub stage: StageName,
    /// The period its expected close date falls in.
    pub period: Period,
    /// Its amount.
    pub amount: Money,
    /// The probability it was weighed with.
    pub probability: Percent,
    /// `amount x probability`, rounded to the minor unit once.
    pub weighted: Money,
}

/// A total of weighted amounts and of the amounts they weigh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForecastTotal {
    /// How many opportunities.
    pub count: usize,
    /// Their amounts.
    pub amount: Money,
    /// Their weighted amounts.
    pub weighted: Money,
}

impl ForecastTotal {
    fn zero(currency: Currency) -> Self {
        ForecastTotal {
            count: 0,
            amount: Money::zero(currency),
            weighted: Money::zero(currency),
        }
    }

    fn add(&mut self, deal: &WeightedDeal) -> Result<()> {
        self.count += 1;
        self.amount = self.amount.checked_add(deal.amount)?;
        self.weighted = self.weighted.checked_add(deal.weighted)?;
        Ok(())
    }
}

/// A weighted forecast of the open opportunities. Every total is the exact
/// sum of the same deals' weighted amounts: by period, by owner and by stage
/// each add up to [`Forecast::total`] to the minor unit.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Forecast {
    /// Each open opportunity, in the order given.
    pub deals: Vec<WeightedDeal>,
    /// All of them.
    pub total: ForecastTotal,
    /// By period of expected close.
    pub by_period: BTreeMap<Period, ForecastTotal>,
    /// By owner.
    pub by_owner: BTreeMap<EmployeeId, ForecastTotal>,
    /// By stage.
    pub by_stage: BTreeMap<StageName, ForecastTotal>,
}

/// The weighted forecast of the open ones among `opportunities` (won, lost
/// and unopened ones are skipped): each amount times its probability,
/// rounded once per opportunity, then summed.
///
/// # Errors
///
/// [`Error::CurrencyMismatch`] for an opportunity in another currency than
/// the options'; a core error when a sum overflows or an expected close date
/// leaves the calendar's range.
///
/// ```
/// use bureau_core::{money, Aggregate, Currency, EmployeeId, PartyId, Percent, Period};
/// use bureau_core::chrono::{DateTime, NaiveDate};
/// use bureau_sales::*;
///
/// let name = |n: &str| StageName::new(n);
/// let pipeline = Pipeline::new([
///     Stage::open(name("Qualification")?, Percent::new(10.into()))?,
///     Stage::open(name("Proposal")?, Percent::new(40.into()))?,
///     Stage::won(name("Won")?),
///     Stage::lost(name("Lost")?),
/// ])?;
/// let open = |n: u128, stage: &str, amount, month| -> Result<Opportunity, Box<dyn std::error::Error>> {
///     let close = NaiveDate::from_ymd_opt(2026, month, 15).ok_or("date")?;
///     let data = OpportunityData::new(OpportunityId::from_u128(n), pipeline.clone(), name(stage)?,
///         amount, EmployeeId::from_u128(1), PartyId::from_u128(n), close);
///     let mut o = Opportunity::default();
///     o.handle(&OpportunityCommand::new(DateTime::UNIX_EPOCH, OpportunityChange::Open(Box::new(data))))?;
///     Ok(o)
/// };
/// let deals = [
///     open(1, "Qualification", money!(10000.00 EUR), 3)?,
///     open(2, "Proposal", money!(5000.00 EUR), 3)?,
///     open(3, "Proposal", money!(2500.00 EUR), 4)?,
/// ];
/// let forecast = weighted_forecast(&deals, &ForecastOptions::new(Currency::EUR))?;
/// assert_eq!(forecast.total.weighted, money!(4000.00 EUR)); // 1000 + 2000 + 1000
/// assert_eq!(forecast.by_period[&Period::month(2026, 3)?].weighted, money!(3000.00 EUR));
/// assert_eq!(forecast.by_stage[&name("Proposal")?].weighted, money!(3000.00 EUR));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn weighted_forecast<'a>(
    opportunities: impl IntoIterator<Item = &'a Opportunity>,
    options: &ForecastOptions<'_>,
) -> Result<Forecast> {
    let currency = options.currency;
    let mut forecast = Forecast {
        deals: Vec::new(),
        total: ForecastTotal::zero(currency),
        by_period: BTreeMap::new(),
        by_owner: BTreeMap::new(),
        by_stage: BTreeMap::new(),
    };
    for opportunity in opportunities {
        if opportunity.status() != Some(OpportunityStatus::Open) {
            continue;
        }
        let (Some(data), Some(stage)) = (opportunity.data(), opportunity.stage()) else {
            continue;
        };
        if data.amount.currency() != currency {
            return Err(Error::CurrencyMismatch {
                what: "opportunity amount",
                expected: currency,
                found: data.amount.currency(),
            });
        }
        let probability = match options.probability {
            ProbabilitySource::StageDefault => stage.probability(),
            ProbabilitySource::Model { model, as_of } => {
                model.predict(opportunity, as_of).probability
            }
        };
        let deal = WeightedDeal {
            opportunity: data.id,
            owner: data.owner,
            stage: stage.name().clone(),
            period: options
                .calendar
                .period_containing(data.expected_close, options.granularity)?,
            amount: data.amount,
            probability,
            weighted: data
                .amount
                .mul_rate(probability.to_rate(), options.rounding)?,
        };
        forecast.total.add(&deal)?;
        forecast
            .by_period
            .entry(deal.period)
            .or_insert_with(|| ForecastTotal::zero(currency))
            .add(&deal)?;
        forecast
            .by_owner
            .entry(deal.owner)
            .or_insert_with(|| ForecastTotal::zero(currency))
            .add(&deal)?;
        forecast
            .by_stage
            .entry(deal.stage.clone())
            .or_insert_with(|| ForecastTotal::zero(currency))
            .add(&deal)?;
        forecast.deals.push(deal);
    }
    Ok(forecast)
}
