//! The win model measured on generated histories whose true win rates are
//! known: Brier score and calibration by decile.

// The scores are continuous measures of probabilities; floats never touch
// money here.
#![allow(clippy::float_arithmetic)]

use bureau_core::{Aggregate, Currency, EmployeeId, Money, PartyId, Percent, money};
use bureau_sales::{
    CloseReason, DealSource, Opportunity, OpportunityChange, OpportunityCommand, OpportunityData,
    OpportunityId, OpportunityStatus, PredictionBasis, Segment, WinFeature, WinModel,
    WinModelConfig,
};
use chrono::{DateTime, NaiveDate, TimeDelta};
use rust_decimal::prelude::ToPrimitive;

use crate::pipeline::pipeline;

/// A small deterministic generator (SplitMix64): the same history on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const SOURCES: [(&str, f64); 4] = [
    ("referral", 0.8),
    ("partner", 0.0),
    ("webinar", -0.6),
    ("cold call", -1.2),
];
const SEGMENTS: [(&str, f64); 3] = [("enterprise", 0.4), ("mid-market", 0.0), ("smb", -0.4)];
const STAGES: [f64; 4] = [-1.5, -0.5, 0.3, 1.0];
const OWNERS: [f64; 6] = [-0.5, -0.3, -0.1, 0.1, 0.3, 0.5];
// Amounts below 10 000, below 50 000, above.
const AMOUNTS: [(i64, f64); 3] = [(5_000, 0.3), (30_000, 0.0), (80_000, -0.5)];

/// A closed opportunity drawn with its true win probability.
fn draw(rng: &mut Rng, id: u128) -> (Opportunity, f64) {
    let pipeline = pipeline();
    let stage = rng.below(4);
    let (source, source_effect) = SOURCES[rng.below(4)];
    let (segment, segment_effect) = SEGMENTS[rng.below(3)];
    let owner = rng.below(6);
    let (amount, amount_effect) = AMOUNTS[rng.below(3)];
    let z = STAGES[stage] + source_effect + segment_effect + OWNERS[owner] + amount_effect;
    let p = 1.0 / (1.0 + (-z).exp());
    let won = rng.unit() < p;

    let t0 = DateTime::UNIX_EPOCH;
    let data = OpportunityData::new(
        OpportunityId::from_u128(id),
        pipeline.clone(),
        pipeline.stage_at(0).unwrap().name().clone(),
        Money::from_minor(i128::from(amount) * 100, Currency::EUR).unwrap(),
        EmployeeId::from_u128(owner as u128 + 1),
        PartyId::from_u128(id),
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    )
    .with_source(DealSource::new(source).unwrap())
    .with_segment(Segment::new(segment.replace(' ', "-")).unwrap());
    let mut o = Opportunity::default();
    o.handle(&OpportunityCommand::new(
        t0,
        OpportunityChange::Open(Box::new(data)),
    ))
    .unwrap();
    if stage > 0 {
        let name = pipeline.stage_at(stage).unwrap().name().clone();
        o.handle(&OpportunityCommand::new(
            t0 + TimeDelta::days(3),
            OpportunityChange::MoveTo(name),
        ))
        .unwrap();
    }
    let close = if won {
        OpportunityChange::Win(None)
    } else {
        OpportunityChange::Lose(CloseReason::new("No decision").unwrap())
    };
    o.handle(&OpportunityCommand::new(t0 + TimeDelta::days(9), close))
        .unwrap();
    (o, p)
}

fn config() -> WinModelConfig {
    WinModelConfig::new()
        .with_amount_bands([money!(10000.00 EUR), money!(50000.00 EUR)])
        .unwrap()
}

fn probability(p: Percent) -> f64 {
    p.value().to_f64().unwrap() / 100.0
}

#[test]
fn brier_score_and_calibration_on_known_win_rates() {
    let mut rng = Rng(2026);
    let train: Vec<Opportunity> = (0..20_000).map(|i| draw(&mut rng, i).0).collect();
    let test: Vec<(Opportunity, f64)> = (0..20_000).map(|i| draw(&mut rng, 100_000 + i)).collect();
    let model = WinModel::train(config(), &train).unwrap();
    assert!(model.is_trained());

    let as_of = DateTime::UNIX_EPOCH + TimeDelta::days(9);
    let won = |o: &Opportunity| f64::from(u8::from(o.status() == Some(OpportunityStatus::Won)));
    let n = test.len() as f64;
    let base_rate = test.iter().map(|(o, _)| won(o)).sum::<f64>() / n;
    let (mut brier, mut oracle, mut baseline) = (0.0, 0.0, 0.0);
    // Per decile of predicted probability: count, sum predicted, sum won, sum true.
    let mut deciles = [(0usize, 0.0, 0.0, 0.0); 10];
    for (o, truth) in &test {
        let prediction = model.predict(o, as_of);
        assert_eq!(prediction.basis, PredictionBasis::Model);
        // Every opportunity has a value for each of the six built-in features.
        assert_eq!(prediction.contributions.len(), 6);
        let p = probability(prediction.probability);
        let y = won(o);
        brier += (p - y).powi(2);
        oracle += (truth - y).powi(2);
        baseline += (base_rate - y).powi(2);
        // `p` is within [0, 1]: the bucket index is 0 to 10.
        #[allow(clippy::cast_possible_truncation)]
        let bucket = &mut deciles[((p * 10.0) as usize).min(9)];
        bucket.0 += 1;
        bucket.1 += p;
        bucket.2 += y;
        bucket.3 += truth;
    }
    let (brier, oracle, baseline) = (brier / n, oracle / n, baseline / n);
    println!(
        "win model on 20000 held-out opportunities: Brier {brier:.4} \
         (true probabilities {oracle:.4}, base rate {baseline:.4})"
    );
    println!("decile  count  predicted  observed  true");
    let mut worst: f64 = 0.0;
    for (i, (count, predicted, observed, truth)) in deciles.iter().enumerate() {
        if *count == 0 {
            continue;
        }
        let c = *count as f64;
        println!(
            "{:>2}-{:<3}  {count:>5}  {:>9.3}  {:>8.3}  {:>4.3}",
            i * 10,
            (i + 1) * 10,
            predicted / c,
            observed / c,
            truth / c
        );
        if *count >= 300 {
            worst = worst.max((predicted / c - observed / c).abs());
        }
    }
    println!("largest calibration gap (deciles of 300 or more): {worst:.3}");
    assert!(brier < baseline - 0.02, "no better than the base rate");
    assert!(brier < oracle + 0.01, "far from the true probabilities");
    assert!(worst < 0.06, "a decile is miscalibrated by {worst}");
}

#[test]
fn training_and_prediction_are_deterministic() {
    let mut rng = Rng(7);
    let history: Vec<Opportunity> = (0..2_000).map(|i| draw(&mut rng, i).0).collect();
    let reversed: Vec<Opportunity> = history.iter().rev().cloned().collect();
    let a = WinModel::train(config(), &history).unwrap();
    let b = WinModel::train(config(), &reversed).unwrap();
    let as_of = DateTime::UNIX_EPOCH;
    for o in history.iter().take(200) {
        assert_eq!(a.predict(o, as_of), b.predict(o, as_of));
    }
}

#[test]
fn caller_defined_attributes_and_unseen_values_are_explained() {
    let mut rng = Rng(11);
    let industry = bureau_sales::AttributeName::new("industry").unwrap();
    let value = |s: &str| bureau_sales::AttributeValue::new(s).unwrap();
    let history: Vec<Opportunity> = (0..400)
        .map(|i| {
            let (drawn, _) = draw(&mut rng, i);
            // Attributes may be set while open only: rebuild with one set
            // before the close.
            let events_won = drawn.status() == Some(OpportunityStatus::Won);
            let mut fresh = Opportunity::default();
            let data = drawn.data().unwrap().clone();
            fresh
                .handle(&OpportunityCommand::new(
                    DateTime::UNIX_EPOCH,
                    OpportunityChange::Open(Box::new(data)),
                ))
                .unwrap();
            let industry_value = if events_won { "Banking" } else { "Retail" };
            fresh
                .handle(&OpportunityCommand::new(
                    DateTime::UNIX_EPOCH,
                    OpportunityChange::SetAttribute(industry.clone(), value(industry_value)),
                ))
                .unwrap();
            let close = if events_won {
                OpportunityChange::Win(None)
            } else {
                OpportunityChange::Lose(CloseReason::new("Price").unwrap())
            };
            fresh
                .handle(&OpportunityCommand::new(DateTime::UNIX_EPOCH, close))
                .unwrap();
            fresh
        })
        .collect();
    let model = WinModel::train(
        WinModelConfig::new().with_features([WinFeature::Attribute(industry.clone())]),
        &history,
    )
    .unwrap();
    let mut banking = Opportunity::default();
    let mut data = history[0].data().unwrap().clone();
    data.id = OpportunityId::from_u128(9_999);
    banking
        .handle(&OpportunityCommand::new(
            DateTime::UNIX_EPOCH,
            OpportunityChange::Open(Box::new(data)),
        ))
        .unwrap();
    let mut mining = banking.clone();
    banking
        .handle(&OpportunityCommand::new(
            DateTime::UNIX_EPOCH,
            OpportunityChange::SetAttribute(industry.clone(), value("Banking")),
        ))
        .unwrap();
    mining
        .handle(&OpportunityCommand::new(
            DateTime::UNIX_EPOCH,
            OpportunityChange::SetAttribute(industry.clone(), value("Mining")),
        ))
        .unwrap();
    let sure = model.predict(&banking, DateTime::UNIX_EPOCH);
    assert!(sure.probability > Percent::new(95.into()), "{:?}", sure);
    assert!(sure.contributions[0].seen);
    let unseen = model.predict(&mining, DateTime::UNIX_EPOCH);
    assert!(!unseen.contributions[0].seen);
    // An unseen value weighs only the smoothing, which pulls the odds back
    // toward even.
    assert!(
        unseen.probability > Percent::new(35.into())
            && unseen.probability < Percent::new(65.into())
    );
}
