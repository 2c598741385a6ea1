//! Pipeline metrics: win rate, average deal size, sales cycle, pipeline
//! velocity, the stage-to-stage funnel and stalled deals.

use bureau_core::{Currency, Decimal, Money, Percent, RoundingStrategy};
use chrono::{DateTime, Utc};

use crate::{Error, Opportunity, OpportunityId, OpportunityStatus, Pipeline, Result, StageName};

/// A number of days, possibly fractional (an average), rounded to 0.01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Days(#[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))] Decimal);

impl Days {
    /// `value` days.
    pub const fn new(value: Decimal) -> Self {
        Days(value)
    }

    /// The number of days.
    pub const fn value(self) -> Decimal {
        self.0
    }
}

impl core::fmt::Display for Days {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} days", self.0)
    }
}

/// The headline figures of a set of opportunities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PipelineMetrics {
    /// Open opportunities.
    pub open: usize,
    /// Won ones.
    pub won: usize,
    /// Lost ones.
    pub lost: usize,
    /// The open ones' amounts.
    pub open_amount: Money,
    /// The won ones' amounts.
    pub won_amount: Money,
    /// Won over closed (won and lost), to 0.01%; `None` when none closed.
    pub win_rate: Option<Percent>,
    /// The won ones' mean amount, to the minor unit; `None` when none won.
    pub average_deal_size: Option<Money>,
    /// The won ones' mean days from opening to winning; `None` when none won.
    pub sales_cycle: Option<Days>,
    /// Pipeline velocity, the revenue the pipeline is expected to bring per
    /// day: open count x win rate x average deal size / sales cycle,
    /// computed from the exact ratios and rounded once to the minor unit.
    /// `None` when nothing was won or the won deals closed the day they
    /// opened (a cycle of zero days).
    pub velocity_per_day: Option<Money>,
}

/// The [`PipelineMetrics`] of `opportunities` (unopened ones skipped), every
/// rounding by `rounding`.
///
/// # Errors
///
/// [`Error::CurrencyMismatch`] for an opportunity in another currency; a
/// core error on overflow.
///
/// ```
/// use bureau_core::{money, Aggregate, Currency, EmployeeId, PartyId, Percent, RoundingStrategy};
/// use bureau_core::chrono::{DateTime, NaiveDate, TimeDelta};
/// use bureau_sales::*;
///
/// let name = |n: &str| StageName::new(n);
/// let pipeline = Pipeline::new([
///     Stage::open(name("Proposal")?, Percent::new(40.into()))?,
///     Stage::won(name("Won")?),
///     Stage::lost(name("Lost")?),
/// ])?;
/// let t0 = DateTime::UNIX_EPOCH;
/// let deal = |n: u128, amount, close: Option<(i64, bool)>| -> Result<Opportunity, Box<dyn std::error::Error>> {
///     let data = OpportunityData::new(OpportunityId::from_u128(n), pipeline.clone(), name("Proposal")?,
///         amount, EmployeeId::from_u128(1), PartyId::from_u128(n), NaiveDate::MAX);
///     let mut o = Opportunity::default();
///     o.handle(&OpportunityCommand::new(t0, OpportunityChange::Open(Box::new(data))))?;
///     if let Some((days, won)) = close {
///         let change = if won { OpportunityChange::Win(None) }
///                      else { OpportunityChange::Lose(CloseReason::new("Price")?) };
///         o.handle(&OpportunityCommand::new(t0 + TimeDelta::days(days), change))?;
///     }
///     Ok(o)
/// };
/// let deals = [
///     deal(1, money!(3000.00 EUR), Some((20, true)))?,
///     deal(2, money!(1000.00 EUR), Some((40, true)))?,
///     deal(3, money!(9000.00 EUR), Some((10, false)))?,
///     deal(4, money!(5000.00 EUR), None)?,
///     deal(5, money!(5000.00 EUR), None)?,
/// ];
/// let m = pipeline_metrics(&deals, Currency::EUR, RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(m.win_rate, Some(Percent::new("66.67".parse()?)));
/// assert_eq!(m.average_deal_size, Some(money!(2000.00 EUR)));
/// assert_eq!(m.sales_cycle, Some(Days::new(30.into())));
/// // 2 open x 2/3 x 2000 / 30 days
/// assert_eq!(m.velocity_per_day, Some(money!(88.89 EUR)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pipeline_metrics<'a>(
    opportunities: impl IntoIterator<Item = &'a Opportunity>,
    currency: Currency,
    rounding: RoundingStrategy,
) -> Result<PipelineMetrics> {
    let strategy: rust_decimal::RoundingStrategy = rounding.into();
    let overflow = || Error::Overflow {
        operation: "pipeline metrics",
    };
    let (mut open, mut won, mut lost) = (0usize, 0usize, 0usize);
    let mut open_amount = Money::zero(currency);
    let mut won_amount = Money::zero(currency);
    let mut cycle_days = 0i64;
    for opportunity in opportunities {
        let (Some(data), Some(status)) = (opportunity.data(), opportunity.status()) else {
            continue;
        };
        if data.amount.currency() != currency {
            return Err(Error::CurrencyMismatch {
                what: "opportunity amount",
                expected: currency,
                found: data.amount.currency(),
            });
        }
        match status {
            OpportunityStatus::Open => {
                open += 1;
                open_amount = open_amount.checked_add(data.amount)?;
            }
            OpportunityStatus::Won => {
                won += 1;
                won_amount = won_amount.checked_add(data.amount)?;
                cycle_days = cycle_days
                    .checked_add(opportunity.cycle_days().unwrap_or(0))
                    .ok_or_else(overflow)?;
            }
            OpportunityStatus::Lost => lost += 1,
        }
    }
    let count = |n: usize| Decimal::from(n);
    let closed = won + lost;
    let win_rate = (closed > 0).then(|| {
        Percent::new(
            (count(won) * Decimal::ONE_HUNDRED / count(closed)).round_dp_with_strategy(2, strategy),
        )
    });
    let average_deal_size = if won > 0 {
        Some(Money::rounded(
            won_amount.amount() / count(won),
            currency,
            rounding,
        )?)
    } else {
        None
    };
    let cycle_total = Decimal::from(cycle_days);
    let sales_cycle =
        (won > 0).then(|| Days((cycle_total / count(won)).round_dp_with_strategy(2, strategy)));
    // open x (won / closed) x (won amount / won) / (cycle total / won)
    //   = open x won amount x won / (closed x cycle total)
    let velocity_per_day = if won > 0 && cycle_days > 0 {
        let numerator = count(open)
            .checked_mul(won_amount.amount())
            .and_then(|n| n.checked_mul(count(won)))
            .ok_or_else(overflow)?;
        let denominator = count(closed)
            .checked_mul(cycle_total)
            .ok_or_else(overflow)?;
        Some(Money::rounded(
            numerator.checked_div(denominator).ok_or_else(overflow)?,
            currency,
            rounding,
        )?)
    } else {
        None
    };
    Ok(PipelineMetrics {
        open,
        won,
        lost,
        open_amount,
        won_amount,
        win_rate,
        average_deal_size,
        sales_cycle,
        velocity_per_day,
    })
}

/// One open stage of a conversion funnel.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunnelStep {
    /// The stage.
    pub stage: StageName,
    /// Opportunities that reached it (or a later open stage, or won).
    pub reached: usize,
    /// Those of them that reached the next open stage, or won from the last.
    pub advanced: usize,
    /// `advanced / reached`, to 0.01%; `None` when none reached it.
    pub conversion: Option<Percent>,
}

/// The stage-to-stage conversion funnel of `pipeline` over the
/// opportunities that move through it (others are skipped). The stages are
/// taken in their pipeline order: an opportunity "reached" an open stage
/// when its furthest open stage is that one or a later one, or when it was
/// won.
///
/// ```
/// use bureau_core::{money, Aggregate, EmployeeId, PartyId, Percent, RoundingStrategy};
/// use bureau_core::chrono::{DateTime, NaiveDate};
/// use bureau_sales::*;
///
/// let name = |n: &str| StageName::new(n);
/// let pipeline = Pipeline::new([
///     Stage::open(name("Lead")?, Percent::new(10.into()))?,
///     Stage::open(name("Proposal")?, Percent::new(40.into()))?,
///     Stage::won(name("Won")?),
///     Stage::lost(name("Lost")?),
/// ])?;
/// let t0 = DateTime::UNIX_EPOCH;
/// let deal = |n: u128, moves: &[OpportunityChange]| -> Result<Opportunity, Box<dyn std::error::Error>> {
///     let data = OpportunityData::new(OpportunityId::from_u128(n), pipeline.clone(), name("Lead")?,
///         money!(100.00 EUR), EmployeeId::from_u128(1), PartyId::from_u128(n), NaiveDate::MAX);
///     let mut o = Opportunity::default();
///     o.handle(&OpportunityCommand::new(t0, OpportunityChange::Open(Box::new(data))))?;
///     for change in moves { o.handle(&OpportunityCommand::new(t0, change.clone()))?; }
///     Ok(o)
/// };
/// let to_proposal = OpportunityChange::MoveTo(name("Proposal")?);
/// let deals = [
///     deal(1, &[])?,
///     deal(2, &[to_proposal.clone()])?,
///     deal(3, &[to_proposal.clone(), OpportunityChange::Win(None)])?,
///     deal(4, &[to_proposal, OpportunityChange::Lose(CloseReason::new("Price")?)])?,
/// ];
/// let steps = funnel(&pipeline, &deals, RoundingStrategy::MidpointNearestEven);
/// assert_eq!((steps[0].reached, steps[0].advanced), (4, 3));
/// assert_eq!((steps[1].reached, steps[1].advanced), (3, 1));
/// assert_eq!(steps[1].conversion, Some(Percent::new("33.33".parse()?)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn funnel<'a>(
    pipeline: &Pipeline,
    opportunities: impl IntoIterator<Item = &'a Opportunity>,
    rounding: RoundingStrategy,
) -> Vec<FunnelStep> {
    let open: Vec<usize> = pipeline.open_positions().collect();
    // Per opportunity: the index (in `open`) of the furthest open stage
    // reached, `open.len()` for a won one.
    let mut reached = vec![0usize; open.len() + 1];
    for opportunity in opportunities {
        if opportunity.pipeline() != Some(pipeline) {
            continue;
        }
        let furthest = if opportunity.status() == Some(OpportunityStatus::Won) {
            Some(open.len())
        } else {
            opportunity
                .furthest_open_position()
                .and_then(|p| open.iter().position(|o| *o == p))
        };
        if let Some(furthest) = furthest {
            for slot in reached.iter_mut().take(furthest + 1) {
                *slot += 1;
            }
        }
    }
    open.iter()
        .zip(reached.windows(2))
        .filter_map(|(position, pair)| {
            let stage = pipeline.stage_at(*position)?;
            let (reached, advanced) = (pair[0], pair[1]);
            Some(FunnelStep {
                stage: stage.name().clone(),
                reached,
                advanced,
                conversion: (reached > 0).then(|| {
                    Percent::new(
                        (Decimal::from(advanced) * Decimal::ONE_HUNDRED / Decimal::from(reached))
                            .round_dp_with_strategy(2, rounding.into()),
                    )
                }),
            })
        })
        .collect()
}

/// An open opportunity that has stayed at its stage too long.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StalledDeal {
    /// The opportunity.
    pub opportunity: OpportunityId,
    /// The stage it is at.
    pub stage: StageName,
    /// Whole days at that stage.
    pub stage_age_days: i64,
}

/// The open opportunities that have been at their stage more than
/// `after_days` whole days on `as_of`, oldest first (ties in the order
/// given).
///
/// ```
/// use bureau_core::{money, Aggregate, EmployeeId, PartyId, Percent};
/// use bureau_core::chrono::{DateTime, NaiveDate, TimeDelta};
/// use bureau_sales::*;
///
/// let name = |n: &str| StageName::new(n);
/// let pipeline = Pipeline::new([
///     Stage::open(name("Lead")?, Percent::new(10.into()))?,
///     Stage::open(name("Proposal")?, Percent::new(40.into()))?,
///     Stage::won(name("Won")?), Stage::lost(name("Lost")?),
/// ])?;
/// let t0 = DateTime::UNIX_EPOCH;
/// let mut deal = Opportunity::default();
/// deal.handle(&OpportunityCommand::new(t0, OpportunityChange::Open(Box::new(OpportunityData::new(
///     OpportunityId::from_u128(1), pipeline, name("Lead")?, money!(100.00 EUR),
///     EmployeeId::from_u128(1), PartyId::from_u128(2), NaiveDate::MAX)))))?;
/// deal.handle(&OpportunityCommand::new(t0 + TimeDelta::days(5), OpportunityChange::MoveTo(name("Proposal")?)))?;
/// let on = t0 + TimeDelta::days(40);
/// assert_eq!(deal.stage_age_days(on), Some(35));
/// assert_eq!(stalled_deals([&deal], on, 30)[0].stage_age_days, 35);
/// assert!(stalled_deals([&deal], on, 35).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stalled_deals<'a>(
    opportunities: impl IntoIterator<Item = &'a Opportunity>,
    as_of: DateTime<Utc>,
    after_days: i64,
) -> Vec<StalledDeal> {
    let mut stalled: Vec<StalledDeal> = opportunities
        .into_iter()
        .filter(|o| o.status() == Some(OpportunityStatus::Open))
        .filter_map(|o| {
            let days = o.stage_age_days(as_of)?;
            (days > after_days).then(|| {
                Some(StalledDeal {
                    opportunity: o.id()?,
                    stage: o.stage()?.name().clone(),
                    stage_age_days: days,
                })
            })?
        })
        .collect();
    stalled.sort_by_key(|s| core::cmp::Reverse(s.stage_age_days));
    stalled
}
