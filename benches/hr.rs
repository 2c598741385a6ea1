//! HR benchmarks: one payslip from gross to net with 10 lines and a
//! 5-band tax table, and a payroll run of 10 000 employees with unpaid
//! leave and overtime.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bureau::calendar::{Calendar, Schedule, Tz};
use bureau::hr::{
    Contribution, Hours, LeaveDays, Multiplier, OvertimeRules, PayComponentName, PayFrequency,
    PayInput, PayRate, PaySchedule, PayrollCalculation, PayrollConfig, PeriodHours, TaxBand,
    TaxTable, WorkedTime, YearToDate, gross_to_net,
};
use bureau::{Currency, Decimal, EmployeeId, Money, Rate};
use chrono::{NaiveDate, Weekday};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn usd(cents: i128) -> Money {
    Money::from_minor(cents, Currency::USD).unwrap()
}

fn config() -> PayrollConfig {
    let bands = [
        (0, 0),
        (1_000_000, 10),
        (4_000_000, 20),
        (8_000_000, 30),
        (15_000_000, 45),
    ]
    .map(|(from, percent)| TaxBand::new(usd(from), Rate::new(Decimal::new(percent, 2))));
    let contribution = |name: &str, employee: i64, employer: i64| {
        Contribution::new(
            PayComponentName::new(name).unwrap(),
            Rate::new(Decimal::new(employee, 3)),
            Rate::new(Decimal::new(employer, 3)),
        )
        .unwrap()
    };
    PayrollConfig::new(TaxTable::new(bands.to_vec()).unwrap())
        .with_contribution(contribution("pension", 50, 80).with_annual_cap(usd(10_000_000)))
        .with_contribution(contribution("health", 30, 45))
}

fn june_hours(calendar: &Calendar, monthly: &PaySchedule) -> PeriodHours {
    let rules = OvertimeRules::new(Weekday::Mon).daily(Hours::from(8), Multiplier::TIME_AND_A_HALF);
    let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
    let work: Vec<_> = (2..=5)
        .map(|d| {
            WorkedTime::OnDay {
                date: day(d),
                interval: "07:00-17:00".parse().unwrap(),
            }
            .resolve(calendar)
            .unwrap()
        })
        .collect();
    rules.classify(calendar, monthly, &work).unwrap().remove(0)
}

fn payroll(c: &mut Criterion) {
    let config = config();
    let calendar =
        Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse().unwrap()).unwrap());
    let monthly = PaySchedule::new(
        PayFrequency::Monthly,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap();
    let june = monthly
        .period_containing(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
        .unwrap();
    let hours = june_hours(&calendar, &monthly);
    let fresh = YearToDate::new(Currency::USD);
    // Salary, unpaid leave, overtime, bonus, commission, a pre-tax and a
    // post-tax deduction, income tax and two contributions: 10 lines
    // (plus two employer lines).
    let input = PayInput::new(
        EmployeeId::from_u128(1),
        june,
        PayFrequency::Monthly,
        6,
        PayRate::annual(usd(7_200_000)).unwrap(),
        &calendar,
    )
    .with_unpaid_leave(LeaveDays::from(1))
    .with_hours(&hours)
    .with_bonus(usd(50_000))
    .with_commission(usd(125_000))
    .with_pre_tax_deduction(PayComponentName::new("commuter").unwrap(), usd(10_000))
    .with_post_tax_deduction(PayComponentName::new("union").unwrap(), usd(2_500));
    let slip = gross_to_net(&config, &input, &fresh).unwrap();
    assert!(
        slip.lines()
            .iter()
            .filter(|l| l.kind().is_earning() || l.kind().is_deduction())
            .count()
            >= 10
    );

    let mut group = c.benchmark_group("hr");
    group.throughput(Throughput::Elements(1));
    group.bench_function("gross_to_net_10_lines_5_bands", |b| {
        b.iter(|| gross_to_net(black_box(&config), black_box(&input), black_box(&fresh)).unwrap());
    });

    let inputs: Vec<_> = (0..10_000u128)
        .map(|id| {
            let cents = 3_000_000 + i128::try_from(id % 97).unwrap() * 100_000;
            PayInput::new(
                EmployeeId::from_u128(id),
                june,
                PayFrequency::Monthly,
                6,
                PayRate::annual(usd(cents)).unwrap(),
                &calendar,
            )
            .with_unpaid_leave(LeaveDays::from(i32::try_from(id % 3).unwrap()))
            .with_hours(&hours)
        })
        .collect();
    group.throughput(Throughput::Elements(10_000));
    group.sample_size(20);
    group.bench_function("payroll_run_10000_employees", |b| {
        b.iter(|| {
            PayrollCalculation::run(
                black_box(&config),
                inputs.iter().cloned().map(|input| (input, &fresh)),
            )
            .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, payroll);
criterion_main!(benches);
