//! Ledger benchmarks: posting two-leg and six-leg entries in memory
//! (validation, balances, dated history and audit chain), and the trial
//! balance over 10,000 accounts.
//!
//! Group `ledger` measures wall time. Group `ledger_cpu` runs the posting
//! benchmarks again measuring the CPU time of the benchmarking thread (user
//! and kernel, from `/proc/thread-self/schedstat`), which does not count the
//! time other processes hold the core on a shared machine. The kernel updates
//! that figure at scheduler ticks, so it serves only samples of tens of
//! milliseconds, as the posting benchmarks' are.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bureau::Money;
use bureau::ledger::{Account, AccountId, AccountKind, EntryHash, EntryId, JournalEntry, Ledger};
use chrono::NaiveDate;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const ENTRIES: usize = 100_000;

/// CPU time of the current thread in nanoseconds (0 where the kernel does
/// not report it).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Thread CPU time as a criterion measurement, shown like wall time.
struct ThreadCpuTime;

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn chart(accounts: usize) -> Ledger {
    let opened = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut ledger = Ledger::new();
    for n in 0..accounts {
        let kind = if n % 2 == 0 {
            AccountKind::ASSET
        } else {
            AccountKind::INCOME
        };
        let id = AccountId::from_u128(n as u128 + 1);
        let code = (10_000 + n).to_string().parse().unwrap();
        ledger
            .open_account(Account::new(
                id,
                code,
                format!("account {n}").parse().unwrap(),
                kind,
                opened,
            ))
            .unwrap();
    }
    ledger
}

/// `ENTRIES` entries of `legs` postings (half debits, half credits) over
/// `accounts` accounts, dated through one year.
fn entries(accounts: usize, legs: usize) -> Vec<JournalEntry> {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    (0..ENTRIES)
        .map(|i| {
            let date = start + chrono::Days::new((i * 365 / ENTRIES) as u64);
            let amount =
                Money::from_minor(100 + (i as i128 % 997), "USD".parse().unwrap()).unwrap();
            let mut builder = JournalEntry::builder(
                EntryId::from_u128(i as u128 + 1),
                date,
                "sale".parse().unwrap(),
            );
            for leg in 0..legs {
                let account = AccountId::from_u128(((i * 7 + leg * 13) % accounts) as u128 + 1);
                builder = if leg % 2 == 0 {
                    builder.debit(account, amount)
                } else {
                    builder.credit(account, amount)
                };
            }
            builder.build().unwrap()
        })
        .collect()
}

/// Entry ids that all collided under the fixed-seed fold the ledger once
/// indexed ids with (`(state.rotate_left(5) ^ word) * SEED` per 8-byte word):
/// the fold is invertible, so each id's second word undoes its first. The
/// book's per-map seeds must keep posting them at the rate of any ids.
fn colliding_ids(count: usize) -> Vec<EntryId> {
    const SEED: u64 = 0x517c_c1b7_2722_0a95;
    let mut inverse = SEED;
    for _ in 0..6 {
        inverse = inverse.wrapping_mul(2_u64.wrapping_sub(SEED.wrapping_mul(inverse)));
    }
    let target = 0x0123_4567_89ab_cdef_u64;
    (1..=count as u64)
        .map(|first| {
            let second = first.wrapping_mul(SEED).rotate_left(5) ^ target.wrapping_mul(inverse);
            let mut bytes = [0_u8; 16];
            bytes[..8].copy_from_slice(&first.to_le_bytes());
            bytes[8..].copy_from_slice(&second.to_le_bytes());
            EntryId::from_uuid(bureau::Uuid::from_bytes(bytes))
        })
        .collect()
}

fn posting<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let mut group = c.benchmark_group(group_name);
    group.sample_size(10);
    for legs in [2, 6] {
        let ledger = chart(1_000);
        let batch = entries(1_000, legs);
        group.throughput(Throughput::Elements(ENTRIES as u64));
        group.bench_function(format!("post_{legs}_leg_entries"), |b| {
            b.iter_batched(
                || (ledger.clone(), batch.clone()),
                |(mut ledger, batch)| {
                    for entry in batch {
                        ledger.post(entry).unwrap();
                    }
                    ledger
                },
                BatchSize::PerIteration,
            )
        });
    }
    // The same two-leg entries under ids chosen to collide.
    let ledger = chart(1_000);
    let crafted: Vec<JournalEntry> = entries(1_000, 2)
        .into_iter()
        .zip(colliding_ids(ENTRIES))
        .map(|(entry, id)| {
            let mut builder = JournalEntry::builder(id, entry.date(), entry.description().clone());
            for posting in entry.postings() {
                builder = builder.posting(posting.clone());
            }
            builder.build().unwrap()
        })
        .collect();
    group.throughput(Throughput::Elements(ENTRIES as u64));
    group.bench_function("post_2_leg_entries_colliding_ids", |b| {
        b.iter_batched(
            || (ledger.clone(), crafted.clone()),
            |(mut ledger, batch)| {
                for entry in batch {
                    ledger.post(entry).unwrap();
                }
                ledger
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn audit_hash<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let mut group = c.benchmark_group(group_name);
    let entry = entries(1_000, 2).swap_remove(0);
    group.throughput(Throughput::Elements(1));
    group.bench_function("hash_2_leg_entry", |b| {
        b.iter(|| EntryHash::of_entry(black_box(&EntryHash::GENESIS), black_box(&entry)))
    });
    group.finish();
}

fn trial_balance<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let mut group = c.benchmark_group(group_name);
    let mut ledger = chart(10_000);
    for entry in entries(10_000, 2) {
        ledger.post(entry).unwrap();
    }
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("trial_balance_10k_accounts", |b| {
        b.iter(|| black_box(&ledger).trial_balance().unwrap().lines().len())
    });
    group.finish();
}

fn wall(c: &mut Criterion) {
    posting(c, "ledger");
    audit_hash(c, "ledger");
    trial_balance(c, "ledger");
}

fn cpu(c: &mut Criterion<ThreadCpuTime>) {
    posting(c, "ledger_cpu");
}

criterion_group!(wall_time, wall);
criterion_group! {
    name = cpu_time;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu
}
criterion_main!(wall_time, cpu_time);
