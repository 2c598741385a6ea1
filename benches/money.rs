//! Money benchmarks: allocation into 12 parts and parsing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bureau::{Decimal, Money};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn allocation(c: &mut Criterion) {
    let mut group = c.benchmark_group("money");
    let amount: Money = "123456.78 USD".parse().unwrap();
    let weights: Vec<Decimal> = (1..=12).map(Decimal::from).collect();
    group.throughput(Throughput::Elements(1));
    group.bench_function("allocate_12_weighted", |b| {
        b.iter(|| black_box(amount).allocate(black_box(&weights)).unwrap())
    });
    group.bench_function("split_12", |b| {
        b.iter(|| black_box(amount).split(black_box(12)).unwrap())
    });
    group.bench_function("parse", |b| {
        b.iter(|| black_box("-98765.43 EUR").parse::<Money>().unwrap())
    });
    group.bench_function("display", |b| b.iter(|| black_box(amount).to_string()));
    group.finish();
}

criterion_group!(benches, allocation);
criterion_main!(benches);
