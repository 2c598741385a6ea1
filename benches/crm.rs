//! CRM benchmarks: scoring a lead with 20 fit rules and 50 engagement
//! events, attributing a conversion with 20 touchpoints under every model,
//! and de-duplicating contacts with one planted duplicate in ten.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation
)]

use std::collections::BTreeMap;
use std::hint::black_box;

use bureau::crm::attribution::{Attribution, AttributionModel, ConversionEvent, KindWeights};
use bureau::crm::dedup::{MatchRecord, Matcher};
use bureau::crm::{
    Band, Bands, EmailAddress, Engagement, EngagementKind, EngagementRule, FieldKey, FieldText,
    FieldValue, FitRule, MarketingChannel, Name, Predicate, RuleName, Score, ScoringModel,
    TouchKind, Touchpoint,
};
use bureau::{Decimal, Money, PartyId};
use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn now() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::days(20_000)
}

/// 20 fit rules over 10 attributes and 10 engagement kinds.
fn model() -> ScoringModel {
    let key = |i: usize| FieldKey::new(&format!("attribute_{i}")).unwrap();
    let fit = (0..20)
        .map(|i| {
            let predicate = match i % 4 {
                0 => Predicate::AtLeast(key(i % 10), Decimal::from(100)),
                1 => Predicate::Below(key(i % 10), Decimal::from(50)),
                2 => Predicate::Present(key(i % 10)),
                _ => Predicate::OneOf(
                    key(i % 10),
                    vec![
                        FieldText::new("software").unwrap(),
                        FieldText::new("banking").unwrap(),
                    ],
                ),
            };
            let points = if i % 5 == 4 { -5 } else { 10 };
            FitRule::new(
                RuleName::new(&format!("rule {i}")).unwrap(),
                predicate,
                Score::points(points),
            )
        })
        .collect();
    let engagement = (0..10)
        .map(|i| {
            let rule = EngagementRule::new(kinds()[i], Score::points(5 + 3 * i as i32));
            if i % 3 == 0 {
                rule.with_cap(Score::points(40))
            } else {
                rule
            }
        })
        .collect();
    ScoringModel::new(
        fit,
        engagement,
        TimeDelta::days(14),
        Some(Score::points(150)),
        Bands::new(
            Band::new(Score::points(20), Score::points(30)),
            Band::new(Score::points(50), Score::points(80)),
        ),
    )
    .unwrap()
}

fn kinds() -> Vec<EngagementKind> {
    (0..12)
        .map(|i| EngagementKind::new(&format!("event_{i}")).unwrap())
        .collect()
}

fn lead() -> BTreeMap<FieldKey, FieldValue> {
    (0..10)
        .filter(|i| i % 4 != 3)
        .map(|i| {
            let value = if i % 2 == 0 {
                FieldValue::Number(Decimal::from(40 * i))
            } else {
                FieldValue::Text(FieldText::new("software").unwrap())
            };
            (FieldKey::new(&format!("attribute_{i}")).unwrap(), value)
        })
        .collect()
}

/// 50 events over the last 60 days, two of them of kinds without a rule.
fn events() -> Vec<Engagement> {
    let kinds = kinds();
    (0..50)
        .map(|i| {
            Engagement::new(
                kinds[(i * 7) % kinds.len()],
                now() - TimeDelta::hours(29 * i as i64),
            )
        })
        .collect()
}

fn scoring(c: &mut Criterion) {
    let (model, lead, events) = (model(), lead(), events());
    let mut group = c.benchmark_group("crm/scoring");
    group.throughput(Throughput::Elements(1));
    group.bench_function("lead, 20 fit rules, 50 events", |b| {
        b.iter(|| black_box(&model).score(black_box(&lead), black_box(&events), now()))
    });
    let mut lines = Vec::new();
    group.bench_function("lead with breakdown", |b| {
        b.iter(|| {
            let score =
                model.breakdown_into(black_box(&lead), black_box(&events), now(), &mut lines);
            black_box(score);
            lines.len()
        })
    });
    group.finish();
}

fn touches() -> Vec<Touchpoint> {
    let channels = [
        MarketingChannel::Email,
        MarketingChannel::PaidSearch,
        MarketingChannel::Social,
        MarketingChannel::Direct,
        MarketingChannel::Display,
    ];
    let party = PartyId::from_u128(1);
    (0..20)
        .map(|i| {
            let kind = match i {
                3 => TouchKind::LeadCreated,
                14 => TouchKind::OpportunityCreated,
                _ => TouchKind::ALL[i % 4],
            };
            Touchpoint::new(
                party,
                None,
                channels[i % channels.len()],
                now() - TimeDelta::hours(7 * (20 - i as i64)) - TimeDelta::minutes(13 * i as i64),
                kind,
            )
        })
        .collect()
}

fn models() -> Vec<AttributionModel> {
    vec![
        AttributionModel::FirstTouch,
        AttributionModel::LastTouch,
        AttributionModel::LastNonDirect,
        AttributionModel::Linear,
        AttributionModel::TimeDecay {
            half_life: TimeDelta::days(2),
        },
        AttributionModel::PositionBased,
        AttributionModel::WShaped,
        AttributionModel::Custom(
            KindWeights::new(&[
                (TouchKind::Click, Decimal::ONE),
                (TouchKind::Form, Decimal::from(2)),
                (TouchKind::LeadCreated, Decimal::from(3)),
                (TouchKind::OpportunityCreated, Decimal::new(45, 1)),
            ])
            .unwrap(),
        ),
    ]
}

fn attribution(c: &mut Criterion) {
    let touches = touches();
    let sale = ConversionEvent::new(now(), "12345.67 USD".parse::<Money>().unwrap());
    let mut out = Attribution::default();
    let mut group = c.benchmark_group("crm/attribution, 20 touchpoints");
    group.throughput(Throughput::Elements(1));
    for model in models() {
        group.bench_function(BenchmarkId::from_parameter(model.name()), |b| {
            b.iter(|| {
                black_box(model)
                    .attribute_into(&sale, TimeDelta::days(30), black_box(&touches), &mut out)
                    .unwrap();
                out.len()
            })
        });
    }
    group.finish();
}

/// A deterministic pseudo-random sequence (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn word(&mut self, syllables: usize) -> String {
        const SYLLABLES: &[&str] = &[
            "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ber", "dan", "fel", "gor", "han",
            "jus", "kim", "lem", "mor", "nix", "pal", "quin", "ros", "sul", "tor", "vek", "wil",
            "yar", "zen", "bra", "cle", "dro",
        ];
        let mut word = String::new();
        for _ in 0..syllables {
            word.push_str(SYLLABLES[self.below(SYLLABLES.len())]);
        }
        let mut chars = word.chars();
        chars
            .next()
            .map_or(word.clone(), |c| c.to_uppercase().chain(chars).collect())
    }
}

/// `n` records, one in ten a duplicate of an earlier one: half share its
/// email under another spelling of the name, half have a one-letter
/// surname typo and the organization spelt differently. The same records
/// as the integration test `planted_duplicates_are_found`.
fn planted(n: usize) -> Vec<MatchRecord> {
    let mut rng = Lcg(42);
    // One organization per ten records (at least 2,000), of four syllables
    // (810,000 names): the same density of namesakes at every size.
    let organizations: Vec<String> = (0..(n / 10).max(2_000)).map(|_| rng.word(4)).collect();
    let mut records: Vec<MatchRecord> = Vec::with_capacity(n);
    let mut originals: Vec<(String, String, usize)> = Vec::new();
    for i in 0..n {
        let id = PartyId::from_u128(i as u128 + 1);
        if i % 10 == 9 && !originals.is_empty() {
            let (first, last, org) = originals[rng.below(originals.len())].clone();
            let record = if rng.below(2) == 0 {
                let email =
                    format!("{}.{}@{}.example", first, last, organizations[org]).to_lowercase();
                MatchRecord::new(id)
                    .with_name(&Name::new(&format!("{} {}", &first[..1], last)).unwrap())
                    .with_email(EmailAddress::parse(&format!(" {email}")).unwrap())
            } else {
                let mut typo: Vec<char> = last.chars().collect();
                let at = 1 + rng.below(typo.len() - 1);
                typo[at] = if typo[at] == 'x' { 'y' } else { 'x' };
                let typo: String = typo.into_iter().collect();
                MatchRecord::new(id)
                    .with_name(
                        &Name::new(&format!("{last}, {first}").replace(&last, &typo)).unwrap(),
                    )
                    .with_organization(
                        &Name::new(&format!("{} Ltd.", organizations[org].to_uppercase())).unwrap(),
                    )
            };
            records.push(record);
        } else {
            let (first, last) = (rng.word(2), rng.word(3));
            let org = rng.below(organizations.len());
            let email = format!("{}.{}@{}.example", first, last, organizations[org]).to_lowercase();
            records.push(
                MatchRecord::new(id)
                    .with_name(&Name::new(&format!("{first} {last}")).unwrap())
                    .with_organization(&Name::new(&format!("{} Ltd", organizations[org])).unwrap())
                    .with_email(EmailAddress::parse(&email).unwrap()),
            );
            originals.push((first, last, org));
        }
    }
    records
}

fn dedup(c: &mut Criterion) {
    let size: usize = std::env::var("DEDUP_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let records = planted(size);
    let matcher = Matcher::default();
    let mut group = c.benchmark_group("crm/dedup");
    group.sample_size(10);
    group.throughput(Throughput::Elements(size as u64));
    group.bench_function(BenchmarkId::new("planted, one in ten", size), |b| {
        b.iter(|| matcher.clusters(black_box(&records)).unwrap().len())
    });
    group.finish();
}

criterion_group!(benches, scoring, attribution, dedup);
criterion_main!(benches);
