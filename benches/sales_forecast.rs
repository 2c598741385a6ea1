//! Win model benchmarks: training on 100 000 closed opportunities, and
//! predicting open ones (probability with each feature's contribution).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bureau::sales::{
    CloseReason, DealSource, Opportunity, OpportunityChange, OpportunityCommand, OpportunityData,
    OpportunityId, Pipeline, Segment, Stage, StageName, WinModel, WinModelConfig,
};
use bureau::{Aggregate, Currency, EmployeeId, Money, PartyId, Percent, money};
use chrono::{DateTime, NaiveDate, TimeDelta};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn pipeline() -> Pipeline {
    let name = |n: &str| StageName::new(n).unwrap();
    Pipeline::new([
        Stage::open(name("Qualification"), Percent::new(10.into())).unwrap(),
        Stage::open(name("Discovery"), Percent::new(25.into())).unwrap(),
        Stage::open(name("Proposal"), Percent::new(40.into())).unwrap(),
        Stage::open(name("Negotiation"), Percent::new(70.into())).unwrap(),
        Stage::won(name("Won")),
        Stage::lost(name("Lost")),
    ])
    .unwrap()
}

/// Opportunity `n` (1 000 to 97 000 EUR), its features spread by `n`; closed (won or lost) when
/// `closed`.
fn opportunity(pipeline: &Pipeline, n: u64, closed: bool) -> Opportunity {
    let sources = ["referral", "partner", "webinar", "cold call"];
    let segments = ["enterprise", "mid-market", "smb"];
    let pick = |k: u64, m: u64| usize::try_from((n / k) % m).unwrap();
    let t0 = DateTime::UNIX_EPOCH;
    let data = OpportunityData::new(
        OpportunityId::from_u128(u128::from(n)),
        pipeline.clone(),
        pipeline.stage_at(0).unwrap().name().clone(),
        Money::from_minor(i128::from(100_000 + (n % 97) * 100_000), Currency::EUR).unwrap(),
        EmployeeId::from_u128(u128::from(n % 25)),
        PartyId::from_u128(u128::from(n)),
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    )
    .with_source(DealSource::new(sources[pick(1, 4)]).unwrap())
    .with_segment(Segment::new(segments[pick(4, 3)]).unwrap());
    let mut o = Opportunity::default();
    o.handle(&OpportunityCommand::new(
        t0,
        OpportunityChange::Open(Box::new(data)),
    ))
    .unwrap();
    let stage = pick(12, 4);
    if stage > 0 {
        let name = pipeline.stage_at(stage).unwrap().name().clone();
        o.handle(&OpportunityCommand::new(
            t0 + TimeDelta::days(i64::try_from(n % 20).unwrap()),
            OpportunityChange::MoveTo(name),
        ))
        .unwrap();
    }
    if closed {
        // Won more often from later stages, with some noise.
        let won = (n.wrapping_mul(2_654_435_761) % 10) < 2 + 2 * u64::try_from(stage).unwrap();
        let close = if won {
            OpportunityChange::Win(None)
        } else {
            OpportunityChange::Lose(CloseReason::new("No decision").unwrap())
        };
        o.handle(&OpportunityCommand::new(
            t0 + TimeDelta::days(20 + i64::try_from(n % 100).unwrap()),
            close,
        ))
        .unwrap();
    }
    o
}

fn config() -> WinModelConfig {
    WinModelConfig::new()
        .with_amount_bands([money!(10000.00 EUR), money!(50000.00 EUR)])
        .unwrap()
        .with_age_bands([30, 60, 90])
        .unwrap()
}

fn win_model(c: &mut Criterion) {
    let pipeline = pipeline();
    let closed: Vec<Opportunity> = (0..100_000)
        .map(|n| opportunity(&pipeline, n, true))
        .collect();
    let open: Vec<Opportunity> = (0..10_000)
        .map(|n| opportunity(&pipeline, 1_000_000 + n, false))
        .collect();
    let model = WinModel::train(config(), &closed).unwrap();
    assert!(model.is_trained());
    let as_of = DateTime::UNIX_EPOCH + TimeDelta::days(45);

    let mut group = c.benchmark_group("sales_forecast");
    group.sample_size(10);
    group.throughput(Throughput::Elements(closed.len() as u64));
    group.bench_function("train_100k_closed", |b| {
        b.iter(|| WinModel::train(config(), black_box(&closed)).unwrap())
    });
    group.throughput(Throughput::Elements(open.len() as u64));
    group.bench_function("predict_10k_open", |b| {
        b.iter(|| {
            for o in &open {
                black_box(model.predict(black_box(o), as_of));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, win_model);
criterion_main!(benches);
