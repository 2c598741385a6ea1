//! Journal benchmarks: a generated journal of 10,000 transactions over
//! 1,000 accounts in three commodities (`$` with digit groups, `EUR`, and
//! `AAPL` bought at a cost), with market prices, tags, memos and one
//! inferred amount per transaction, held in memory, read and posted into a
//! ledger and balanced. Throughput in transactions per second.
//!
//! `load` reads straight into the ledger (`bureau::journal::load`);
//! `loader_in_pieces` does the same through a `Loader` fed 64 KiB at a
//! time, as a program streaming a file would (pieces cut anywhere, lines
//! split across them); `read_then_post` builds the `Journal` first and
//! posts it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::hint::black_box;

use bureau::journal::{Loader, load, post, read};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TRANSACTIONS: u64 = 10_000;

/// A small deterministic generator (64-bit LCG), so that every run reads
/// the same journal.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    /// A position below `len`.
    fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(u64::try_from(len).unwrap())).unwrap()
    }
}

/// The journal the benchmarks read, laid out as
/// `crates/journal/reference/generate_journal.py` writes its journals.
fn journal(transactions: u64) -> String {
    let tops = ["Assets", "Liabilities", "Equity", "Income", "Expenses"];
    let accounts: Vec<String> = (0..1000)
        .map(|i| format!("{}:Group {}:Account {i}", tops[i % 5], i % 37))
        .collect();
    let mut rng = Lcg(15);
    let mut out = String::from("; generated\n");
    for month in 1..=12 {
        writeln!(
            out,
            "P 2026-{month:02}-01 AAPL ${}.00",
            100 + rng.below(100)
        )
        .unwrap();
    }
    for t in 1..=transactions {
        let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
        write!(
            out,
            "\n2026-{month:02}-{day:02} * transaction {t}  ; batch: {}\n",
            t % 100
        )
        .unwrap();
        let kind = rng.below(4);
        for _ in 0..=rng.below(3) {
            let account = &accounts[rng.index(accounts.len())];
            let cents = rng.below(20_000_000);
            let sign = if cents < 10_000_000 { "-" } else { "" };
            let cents = cents % 10_000_000;
            let (whole, frac) = (cents / 100, cents % 100);
            match kind {
                0 => {
                    let grouped = if whole >= 1000 {
                        format!("{},{:03}", whole / 1000, whole % 1000)
                    } else {
                        whole.to_string()
                    };
                    writeln!(out, "    {account}  {sign}${grouped}.{frac:02}").unwrap();
                }
                1 => writeln!(out, "    {account}  {sign}{whole}.{frac:02} EUR").unwrap(),
                2 => writeln!(
                    out,
                    "    {account}  {sign}{} AAPL @ ${whole}.{frac:02}",
                    1 + rng.below(50)
                )
                .unwrap(),
                _ => writeln!(out, "    {account}  {sign}{whole}.{frac:02} EUR  ; memo").unwrap(),
            }
        }
        writeln!(out, "    {}", accounts[rng.index(accounts.len())]).unwrap();
    }
    out
}

fn benches(c: &mut Criterion) {
    let text = journal(TRANSACTIONS);
    let mut group = c.benchmark_group("journal");
    group.throughput(Throughput::Elements(TRANSACTIONS));
    group.sample_size(10);
    group.bench_function("load_10k_transactions", |b| {
        b.iter(|| {
            let book = load("bench.journal", black_box(&text)).unwrap();
            black_box(book.balances().unwrap().len())
        });
    });
    group.bench_function("loader_in_pieces_10k_transactions", |b| {
        b.iter(|| {
            let mut loader = Loader::new("bench.journal");
            let mut rest = black_box(text.as_str());
            while !rest.is_empty() {
                let mut cut = rest.len().min(1 << 16);
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                let (piece, after) = rest.split_at(cut);
                loader.read(piece).unwrap();
                rest = after;
            }
            let book = loader.finish().unwrap();
            black_box(book.balances().unwrap().len())
        });
    });
    group.bench_function("read_then_post_10k_transactions", |b| {
        b.iter(|| {
            let journal = read("bench.journal", black_box(&text)).unwrap();
            let book = post(&journal).unwrap();
            black_box(book.balances().unwrap().len())
        });
    });
    group.finish();
}

criterion_group!(journal_benches, benches);
criterion_main!(journal_benches);
