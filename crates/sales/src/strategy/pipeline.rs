//! Strategies for pipelines, opportunities, commission plans and credited
//! sales.

use bureau_core::{Aggregate, Currency, Decimal, EmployeeId, Money, PartyId, Percent, Rate};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;

use crate::{
    AttainmentBand, CloseReason, CommissionPlan, CommissionTier, CreditShare, CreditedSale,
    DealSource, EarnedOn, Opportunity, OpportunityChange, OpportunityCommand, OpportunityData,
    OpportunityId, Pipeline, SaleEventKind, SaleReference, Segment, Stage, StageName, TierMode,
};

const SOURCES: [&str; 3] = ["referral", "webinar", "partner"];
const SEGMENTS: [&str; 3] = ["enterprise", "mid-market", "smb"];

/// A pipeline of one to five open stages whose default probabilities rise
/// (from 0% to 95%), then `Won` and `Lost`.
///
/// ```
/// use bureau_sales::strategy;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let pipeline = strategy::pipeline().new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// assert!(pipeline.open_positions().count() >= 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pipeline() -> impl Strategy<Value = Pipeline> {
    prop::collection::vec(0_i64..20, 1..=5).prop_filter_map("a valid pipeline", |steps| {
        let mut probability = 0_i64;
        let mut stages: Vec<Stage> = steps
            .iter()
            .enumerate()
            .filter_map(|(i, step)| {
                probability = (probability + step).min(95);
                let name = StageName::new(format!("Stage {}", i + 1)).ok()?;
                Stage::open(name, Percent::new(probability.into())).ok()
            })
            .collect();
        stages.extend(StageName::new("Won").ok().map(Stage::won));
        stages.extend(StageName::new("Lost").ok().map(Stage::lost));
        // One to five distinct open stages, one won, one lost: always valid.
        Pipeline::new(stages).ok()
    })
}

/// The instant generated opportunities open at: 2026-01-01 00:00 UTC.
pub fn opened_at() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::days(20_454)
}

/// An opportunity `id` on `pipeline` in `currency`: opened at
/// [`opened_at`] at an open stage, with an amount up to 1 000 000.00, one
/// of four owners, a source and segment, then moved between open stages a
/// day or more apart, and maybe won or lost.
pub fn opportunity(
    pipeline: Pipeline,
    id: u128,
    currency: Currency,
) -> impl Strategy<Value = Opportunity> {
    let open: Vec<usize> = pipeline.open_positions().collect();
    let stage = prop::sample::select(open);
    (
        stage.clone(),
        0_i64..100_000_000,
        1_u128..=4,
        0_u64..365,
        0_usize..3,
        0_usize..3,
        prop::collection::vec((stage, 1_i64..30), 0..4),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            move |(start, minor, owner, close, source, segment, moves, outcome)| {
                build(
                    &pipeline,
                    id,
                    currency,
                    (start, minor, owner, close, source, segment),
                    &moves,
                    outcome,
                )
            },
        )
}

type Seed = (usize, i64, u128, u64, usize, usize);

fn build(
    pipeline: &Pipeline,
    id: u128,
    currency: Currency,
    (start, minor, owner, close, source, segment): Seed,
    moves: &[(usize, i64)],
    outcome: Option<bool>,
) -> Opportunity {
    let mut o = Opportunity::default();
    let name = |p: usize| pipeline.stage_at(p).map(|s| s.name().clone());
    let (Some(stage), Ok(amount)) = (name(start), Money::from_minor(i128::from(minor), currency))
    else {
        return o;
    };
    let day = NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(close)))
        .unwrap_or(NaiveDate::MAX);
    let mut data = OpportunityData::new(
        OpportunityId::from_u128(id),
        pipeline.clone(),
        stage,
        amount,
        EmployeeId::from_u128(owner),
        PartyId::from_u128(id),
        day,
    );
    data.source = SOURCES.get(source).and_then(|s| DealSource::new(*s).ok());
    data.segment = SEGMENTS.get(segment).and_then(|s| Segment::new(*s).ok());
    let mut at = opened_at();
    // Each command is valid by construction or refused and skipped: the
    // result is always a valid opportunity.
    let _ = o.handle(&OpportunityCommand::new(
        at,
        OpportunityChange::Open(Box::new(data)),
    ));
    for (position, gap) in moves {
        at += TimeDelta::days(*gap);
        if let Some(stage) = name(*position) {
            let _ = o.handle(&OpportunityCommand::new(
                at,
                OpportunityChange::MoveTo(stage),
            ));
        }
    }
    if let Some(won) = outcome {
        at += TimeDelta::days(7);
        let change = match (won, CloseReason::new("Chose a competitor")) {
            (true, _) => Some(OpportunityChange::Win(None)),
            (false, Ok(reason)) => Some(OpportunityChange::Lose(reason)),
            (false, Err(_)) => None,
        };
        if let Some(change) = change {
            let _ = o.handle(&OpportunityCommand::new(at, change));
        }
    }
    o
}

/// A pipeline and up to `max` opportunities on it in `currency`, open, won
/// or lost.
///
/// ```
/// use bureau_core::Currency;
/// use bureau_sales::{strategy, weighted_forecast, ForecastOptions};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let (_, deals) = strategy::opportunities(20, Currency::EUR)
///     .new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// let forecast = weighted_forecast(&deals, &ForecastOptions::new(Currency::EUR))?;
/// assert!(forecast.total.count <= deals.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn opportunities(
    max: usize,
    currency: Currency,
) -> impl Strategy<Value = (Pipeline, Vec<Opportunity>)> {
    (pipeline(), 0..=max).prop_flat_map(move |(pipeline, count)| {
        let deals = (0..count)
            .map(|i| opportunity(pipeline.clone(), i as u128, currency))
            .collect::<Vec<_>>();
        (Just(pipeline), deals)
    })
}

/// A commission plan in `currency` whose tier rates never fall (up to 15%
/// a tier), with up to three attainment bands of non-negative multipliers,
/// maybe a cap, earned on invoice or on payment. Under such a plan
/// commission never falls when credit grows.
pub fn commission_plan(currency: Currency) -> impl Strategy<Value = CommissionPlan> {
    (
        prop::sample::select(vec![TierMode::Marginal, TierMode::Retroactive]),
        prop::collection::vec((1_i64..5_000_000, 0_i64..500), 1..4),
        prop::collection::vec((1_i64..200, 0_i64..300), 0..3),
        prop::option::of(1_i64..50_000_000),
        any::<bool>(),
    )
        .prop_filter_map(
            "a valid plan",
            move |(mode, steps, bands, cap, on_payment)| {
                let money = |minor: i64| {
                    Money::from_minor(i128::from(minor), currency).unwrap_or(Money::zero(currency))
                };
                // Tier starts and rates both accumulate: starts rise, rates never fall.
                let (mut from, mut rate) = (0_i64, 0_i64);
                let tiers: Vec<CommissionTier> = steps
                    .iter()
                    .enumerate()
                    .map(|(i, (gap, step))| {
                        if i > 0 {
                            from += gap;
                        }
                        rate += step;
                        CommissionTier::new(money(from), Percent::new(Decimal::new(rate, 2)))
                    })
                    .collect();
                let mut start = 0_i64;
                let bands: Vec<AttainmentBand> = bands
                    .iter()
                    .map(|(gap, multiplier)| {
                        start += gap;
                        AttainmentBand::new(
                            Percent::new(start.into()),
                            Rate::new(Decimal::new(*multiplier, 2)),
                        )
                    })
                    .collect();
                // Every step is valid for these inputs.
                let mut plan = CommissionPlan::tiered(mode, tiers)
                    .ok()?
                    .with_bands(bands)
                    .ok()?
                    .earned_on(if on_payment {
                        EarnedOn::Payment
                    } else {
                        EarnedOn::Invoice
                    });
                if let Some(cap) = cap {
                    plan = plan.with_cap(money(cap)).ok()?;
                }
                Some(plan)
            },
        )
}

/// A sale `reference` of `kind` in `currency`, up to 30 000.00, dated in
/// the 80 days from `first_day`, credited to `owners[0]` with a share from
/// 1% to 100% and the rest to `owners[1]` (when given).
pub fn credited_sale(
    reference: SaleReference,
    kind: SaleEventKind,
    currency: Currency,
    first_day: NaiveDate,
    owners: [EmployeeId; 2],
) -> impl Strategy<Value = CreditedSale> {
    (0_i64..3_000_000, 0_u64..80, 1_i64..=100).prop_filter_map(
        "a valid sale",
        move |(minor, day, share)| {
            let shares = if share == 100 {
                vec![CreditShare::new(
                    owners[0],
                    Percent::new(Decimal::ONE_HUNDRED),
                )]
            } else {
                vec![
                    CreditShare::new(owners[0], Percent::new(share.into())),
                    CreditShare::new(owners[1], Percent::new((100 - share).into())),
                ]
            };
            CreditedSale::new(
                reference.clone(),
                kind,
                Money::from_minor(i128::from(minor), currency).ok()?,
                first_day.checked_add_days(chrono::Days::new(day))?,
                shares,
            )
            .ok()
        },
    )
}
