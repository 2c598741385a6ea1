//! Strategies generating valid values, for property tests: employment
//! terms, profiles, employees, lifecycle command sequences, org chart
//! changes, leave policies, leave spans, pay schedules, worked intervals,
//! overtime rules, tax tables, payroll configurations, recruitment
//! pipelines and candidate and requisition command sequences.
//!
//! ```
//! use bureau_hr::strategy;
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//! let mut runner = TestRunner::deterministic();
//! let terms = strategy::employment_terms().new_tree(&mut runner).map_err(|e| e.to_string())?.current();
//! assert!(terms.fte().value() > bureau_core::Decimal::ZERO);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use bureau_core::{Currency, Decimal, EmployeeId, Money};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use crate::{
    CalendarKey, ContractType, CostCentre, DepartmentName, EmployeeCommand, EmploymentTerms, Fte,
    LocationName, OrgCommand, PayBasis, PayFrequency, PayRate, PersonName, PersonalData, Placement,
    PositionTitle, Probation, Profile, Reason, WorkEmail, Workplace,
};

const DEPARTMENTS: [&str; 4] = ["Engineering", "Finance", "Sales", "Support"];
const POSITIONS: [&str; 4] = ["Associate", "Engineer", "Senior Engineer", "Lead"];
const PLACES: [(&str, &str); 3] = [
    ("Berlin office", "de-berlin"),
    ("New York office", "us-ny"),
    ("Remote", "utc-weekdays"),
];

fn pick<const N: usize>(names: [&'static str; N]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(names.to_vec())
}

/// A valid department name out of a small set (so generated values collide).
pub fn department() -> impl Strategy<Value = DepartmentName> {
    pick(DEPARTMENTS).prop_filter_map("valid", |name| DepartmentName::new(name).ok())
}

/// A valid position title out of a small set.
pub fn position() -> impl Strategy<Value = PositionTitle> {
    pick(POSITIONS).prop_filter_map("valid", |name| PositionTitle::new(name).ok())
}

/// A workplace and its calendar key out of a small set.
pub fn workplace() -> impl Strategy<Value = Workplace> {
    proptest::sample::select(PLACES.to_vec()).prop_filter_map("valid", |(place, key)| {
        Some(Workplace::new(
            LocationName::new(place).ok()?,
            CalendarKey::new(key).ok()?,
        ))
    })
}

/// An FTE fraction in `(0, 1]`, in steps of 0.05, full time half of the time.
pub fn fte() -> impl Strategy<Value = Fte> {
    prop_oneof![
        Just(Fte::FULL),
        (1i64..=20).prop_filter_map("in (0, 1]", |twentieths| Fte::new(Decimal::new(
            twentieths * 5,
            2
        ))
        .ok()),
    ]
}

/// A positive pay rate in USD: a yearly salary or an hourly rate.
pub fn pay_rate() -> impl Strategy<Value = PayRate> {
    prop_oneof![
        (2_000_000i128..=30_000_000).prop_map(|cents| (cents, PayBasis::Annual)),
        (1_000i128..=20_000).prop_map(|cents| (cents, PayBasis::Hourly)),
    ]
    .prop_filter_map("positive", |(cents, basis)| {
        PayRate::new(Money::from_minor(cents, Currency::USD).ok()?, basis).ok()
    })
}

/// Valid employment terms with no manager.
pub fn employment_terms() -> impl Strategy<Value = EmploymentTerms> {
    (
        department(),
        position(),
        workplace(),
        pay_rate(),
        fte(),
        proptest::sample::select(vec![
            PayFrequency::Weekly,
            PayFrequency::Biweekly,
            PayFrequency::SemiMonthly,
            PayFrequency::Monthly,
        ]),
        proptest::option::of(0u32..100),
    )
        .prop_filter_map("valid", |(dept, pos, place, pay, fte, freq, centre)| {
            let terms = EmploymentTerms::new(dept, pos, place, pay)
                .with_fte(fte)
                .with_pay_frequency(freq)
                .with_contract(ContractType::Permanent);
            Some(match centre {
                Some(n) => terms.with_cost_centre(CostCentre::new(format!("CC-{n:02}")).ok()?),
                None => terms,
            })
        })
}

/// A valid profile with no personal data.
pub fn profile() -> impl Strategy<Value = Profile> {
    (0u32..1000).prop_filter_map("valid", |n| {
        Some(Profile::new(
            PersonName::new(format!("Employee {n}")).ok()?,
            WorkEmail::new(format!("employee{n}@example.com")).ok()?,
            PersonalData::new(),
        ))
    })
}

/// A lifecycle command of any kind, dated `gap` days after `from`; some
/// are rejected by a given employee's state, which is what property tests
/// of the guards want.
fn lifecycle_command(from: NaiveDate) -> impl Strategy<Value = EmployeeCommand> {
    let date =
        (0u64..120).prop_map(move |gap| from.checked_add_days(Days::new(gap)).unwrap_or(from));
    let reason = Just(Reason::new("generated"));
    (
        date,
        employment_terms(),
        pay_rate(),
        profile(),
        reason,
        0u8..9,
        any::<bool>(),
        any::<u128>().prop_map(EmployeeId::from_u128),
    )
        .prop_filter_map(
            "valid reason",
            |(date, terms, pay_rate, profile, reason, kind, probation, employee)| {
                let reason = reason.ok()?;
                let probation = if probation {
                    Probation::Required
                } else {
                    Probation::Waived
                };
                Some(match kind {
                    0 => EmployeeCommand::Hire {
                        employee,
                        date,
                        profile,
                        terms,
                        probation,
                    },
                    1 => EmployeeCommand::EndProbation { date },
                    2 => EmployeeCommand::Transfer { date, terms },
                    3 => EmployeeCommand::Promote { date, terms },
                    4 => EmployeeCommand::ChangePay { date, pay_rate },
                    5 => EmployeeCommand::StartLeaveOfAbsence { date, reason },
                    6 => EmployeeCommand::ReturnFromLeave { date },
                    7 => EmployeeCommand::Terminate {
                        notice_given: date,
                        last_working_day: date,
                        reason,
                    },
                    _ => EmployeeCommand::Rehire {
                        date,
                        terms,
                        probation,
                    },
                })
            },
        )
}

/// Up to `max` lifecycle commands of every kind dated from 2020 to about
/// 2030, in no particular order; an employee accepts some and rejects the
/// rest.
pub fn lifecycle_commands(max: usize) -> impl Strategy<Value = Vec<EmployeeCommand>> {
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN);
    proptest::collection::vec(
        (0u64..3650).prop_flat_map(move |offset| {
            lifecycle_command(start.checked_add_days(Days::new(offset)).unwrap_or(start))
        }),
        0..=max,
    )
}

/// Up to `max` org chart changes among `people` employees (ids 1 to
/// `people`), dated in order from 2026-01-01; some would create a cycle or
/// name a manager not in the chart, so a chart rejects them.
pub fn org_commands(people: u128, max: usize) -> impl Strategy<Value = Vec<OrgCommand>> {
    let people = people.max(1);
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(NaiveDate::MIN);
    proptest::collection::vec(
        (
            1..=people,
            proptest::option::of(1..=people),
            department(),
            0u64..3,
            0u8..8,
        ),
        0..=max,
    )
    .prop_map(move |steps| {
        let mut date = start;
        steps
            .into_iter()
            .map(|(employee, manager, department, gap, kind)| {
                date = date.checked_add_days(Days::new(gap)).unwrap_or(date);
                let employee = EmployeeId::from_u128(employee);
                if kind == 0 {
                    OrgCommand::Remove { employee, date }
                } else {
                    OrgCommand::Place {
                        employee,
                        date,
                        placement: Placement::new(department, manager.map(EmployeeId::from_u128)),
                    }
                }
            })
            .collect()
    })
}

/// A valid leave policy of `leave_type` with an entitlement of 0 to 40
/// days (a multiple of its rounding step) and every accrual frequency
/// (pay schedules anchored on any day of 2025 they accept), allocation
/// day, proration switch, step, strategy and day counting; unlimited
/// carry-over, no maximum, allowance 0 to 3 days, no minimum service.
pub fn leave_policy_of(leave_type: crate::LeaveType) -> impl Strategy<Value = crate::LeavePolicy> {
    use crate::{AccrualFrequency, AllocationDay, LeaveDays, LeavePolicy, LeaveStep, Proration};
    use bureau_core::RoundingStrategy;
    let fixed = proptest::sample::select(vec![
        AccrualFrequency::Monthly,
        AccrualFrequency::Quarterly,
        AccrualFrequency::YearlyUpFront,
        AccrualFrequency::PerPayPeriod(PayFrequency::Weekly),
        AccrualFrequency::PerPayPeriod(PayFrequency::Biweekly),
        AccrualFrequency::PerPayPeriod(PayFrequency::SemiMonthly),
        AccrualFrequency::PerPayPeriod(PayFrequency::Monthly),
    ]);
    let scheduled = (
        proptest::sample::select(vec![
            PayFrequency::Weekly,
            PayFrequency::Biweekly,
            PayFrequency::SemiMonthly,
            PayFrequency::Monthly,
        ]),
        0u64..366,
    )
        .prop_filter_map("a valid pay anchor", |(frequency, offset)| {
            let anchor =
                NaiveDate::from_ymd_opt(2025, 1, 1)?.checked_add_days(Days::new(offset))?;
            crate::PaySchedule::new(frequency, anchor)
                .ok()
                .map(AccrualFrequency::PerScheduledPayPeriod)
        });
    let frequency = prop_oneof![fixed, scheduled];
    let allocation = proptest::sample::select(vec![
        AllocationDay::FirstDay,
        AllocationDay::LastDay,
        AllocationDay::Anniversary,
    ]);
    let step =
        proptest::sample::select(vec![LeaveStep::Quarter, LeaveStep::Half, LeaveStep::Whole]);
    let strategy = proptest::sample::select(vec![
        RoundingStrategy::MidpointNearestEven,
        RoundingStrategy::MidpointAwayFromZero,
        RoundingStrategy::ToZero,
        RoundingStrategy::ToPositiveInfinity,
    ]);
    let proration = || proptest::sample::select(vec![Proration::Prorated, Proration::Full]);
    let counting = proptest::sample::select(vec![
        crate::DayCounting::WorkingDays,
        crate::DayCounting::CalendarDays,
        crate::DayCounting::WorkingDaysAndHolidays,
        crate::DayCounting::CalendarDaysExceptHolidays,
    ]);
    (
        frequency,
        allocation,
        step,
        strategy,
        proration(),
        proration(),
        0i64..=40,
        0i32..=3,
        1u32..=12,
        counting,
    )
        .prop_filter_map(
            "valid policy",
            move |(
                frequency,
                allocation,
                step,
                strategy,
                service,
                fte,
                whole,
                allowance,
                start_month,
                counting,
            )| {
                LeavePolicy::builder(leave_type.clone(), LeaveDays::new(Decimal::from(whole)))
                    .accrual(frequency)
                    .allocation(allocation)
                    .rounding(step, strategy)
                    .service_proration(service)
                    .fte_proration(fte)
                    .negative_allowance(LeaveDays::from(allowance))
                    .year_start(crate::LeaveYearStart::new(start_month, 1).ok()?)
                    .counting(counting)
                    .build()
                    .ok()
            },
        )
}

/// A valid annual leave policy ([`leave_policy_of`] with
/// [`LeaveType::Annual`](crate::LeaveType::Annual)).
pub fn leave_policy() -> impl Strategy<Value = crate::LeavePolicy> {
    leave_policy_of(crate::LeaveType::Annual)
}

/// A leave span of 1 to 10 days starting within `spread_days` days of
/// `date`, whole or half at either end (a single day is never halved at
/// both).
pub fn leave_span_near(
    date: NaiveDate,
    spread_days: u32,
) -> impl Strategy<Value = crate::LeaveSpan> {
    (
        0..=u64::from(spread_days),
        1u64..=10,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_filter_map(
            "representable",
            move |(offset, length, first_half, last_half)| {
                let start = date.checked_add_days(Days::new(offset))?;
                let end = start.checked_add_days(Days::new(length))?;
                let mut span =
                    crate::LeaveSpan::new(bureau_core::DateRange::new(start, end).ok()?).ok()?;
                if first_half {
                    span = span.first_day_half();
                }
                if last_half && !(first_half && length == 1) {
                    span = span.last_day_half();
                }
                Some(span)
            },
        )
}

/// A hired employee `id` with a history grown from up to `max` generated
/// lifecycle commands (the ones its guards accept), so every value is a
/// state the rules can reach.
///
/// ```
/// use bureau_core::EmployeeId;
/// use bureau_hr::strategy;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let employee = strategy::employee(EmployeeId::from_u128(1), 10).new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// assert!(!employee.records().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn employee(id: EmployeeId, max: usize) -> impl Strategy<Value = crate::Employee> {
    use bureau_core::Aggregate;
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN);
    (employment_terms(), profile(), lifecycle_commands(max)).prop_map(
        move |(terms, profile, commands)| {
            let mut employee = crate::Employee::default();
            let hire = EmployeeCommand::Hire {
                employee: id,
                date: start,
                profile,
                terms,
                probation: Probation::Required,
            };
            for command in core::iter::once(&hire).chain(&commands) {
                // Rejected commands leave the employee as it was: skipping them
                // keeps only reachable states.
                let _accepted = employee.handle(command);
            }
            employee
        },
    )
}

/// A pay frequency, each as likely.
pub fn pay_frequency() -> impl Strategy<Value = PayFrequency> {
    prop::sample::select(vec![
        PayFrequency::Weekly,
        PayFrequency::Biweekly,
        PayFrequency::SemiMonthly,
        PayFrequency::Monthly,
    ])
}

/// A valid pay schedule of any frequency, anchored in 2025 or 2026 on a day
/// its frequency allows.
pub fn pay_schedule() -> impl Strategy<Value = crate::PaySchedule> {
    (pay_frequency(), 2025i32..=2026, 1u32..=12, 1u32..=28).prop_filter_map(
        "anchor day not allowed",
        |(frequency, year, month, day)| {
            let anchor = NaiveDate::from_ymd_opt(year, month, day)?;
            crate::PaySchedule::new(frequency, anchor).ok()
        },
    )
}

/// Up to `max` worked intervals from `from` on, in time order, none
/// overlapping (some touching): each 6 minutes to 14 hours long, with gaps
/// of up to 16 hours, all on a 6-minute grid.
///
/// ```
/// use bureau_hr::strategy;
/// use chrono::{TimeZone, Utc};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let from = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).single().ok_or("time")?;
/// let mut runner = TestRunner::deterministic();
/// let work = strategy::worked_intervals(from, 20).new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// assert!(work.windows(2).all(|w| w[0].end() <= w[1].start()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn worked_intervals(
    from: chrono::DateTime<chrono::Utc>,
    max: usize,
) -> impl Strategy<Value = Vec<crate::WorkInterval>> {
    const STEP: i64 = 360;
    prop::collection::vec((0i64..=160, 1i64..=140), 0..=max).prop_map(move |shape| {
        let mut at = from;
        let mut work = Vec::with_capacity(shape.len());
        for (gap, length) in shape {
            let start = at + chrono::TimeDelta::seconds(gap * STEP);
            let end = start + chrono::TimeDelta::seconds(length * STEP);
            if let Ok(interval) = crate::WorkInterval::new(start, end) {
                work.push(interval);
            }
            at = end;
        }
        work
    })
}

/// Overtime rules of any week start, with or without each of a daily
/// threshold (6 to 10 hours), a weekly threshold (30 to 48 hours), a
/// rest-day and a holiday multiplier; multipliers from 1 to 3 in quarters.
pub fn overtime_rules() -> impl Strategy<Value = crate::OvertimeRules> {
    let multiplier = (4i64..=12).prop_map(|quarters| {
        crate::Multiplier::new(Decimal::new(quarters * 25, 2)).unwrap_or(crate::Multiplier::REGULAR)
    });
    let weekday = prop::sample::select(vec![
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
        chrono::Weekday::Fri,
        chrono::Weekday::Sat,
        chrono::Weekday::Sun,
    ]);
    (
        weekday,
        prop::option::of((6u32..=10, multiplier.clone())),
        prop::option::of((9u32..=14, multiplier.clone())),
        prop::option::of((30u32..=48, multiplier.clone())),
        prop::option::of(multiplier.clone()),
        prop::option::of(multiplier),
    )
        .prop_map(|(week_start, daily, tier, weekly, rest, holiday)| {
            let mut rules = crate::OvertimeRules::new(week_start);
            if let Some((hours, m)) = daily {
                rules = rules.daily(crate::Hours::from(hours), m);
            }
            if let Some((hours, m)) = tier {
                rules = rules.daily_tier(crate::Hours::from(hours), m);
            }
            if let Some((hours, m)) = weekly {
                rules = rules.weekly(crate::Hours::from(hours), m);
            }
            if let Some(m) = rest {
                rules = rules.rest_days(m);
            }
            if let Some(m) = holiday {
                rules = rules.holidays(m);
            }
            rules
        })
}

/// A timesheet of `employee` for May 2026 on a calendar near that month
/// (any time zone, holidays and schedule), opened and holding up to `max`
/// recorded intervals; submitted or not.
///
/// ```
/// use bureau_core::EmployeeId;
/// use bureau_hr::strategy;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let sheet = strategy::timesheet(EmployeeId::from_u128(3), 10).new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// assert!(sheet.status().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn timesheet(employee: EmployeeId, max: usize) -> impl Strategy<Value = crate::Timesheet> {
    use bureau_core::{Aggregate, DateRange};
    let may = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or(NaiveDate::MIN);
    let june = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or(NaiveDate::MIN);
    let from = may.and_time(chrono::NaiveTime::MIN).and_utc();
    (
        bureau_calendar::strategy::calendar_near(may),
        worked_intervals(from, max),
        any::<bool>(),
    )
        .prop_map(move |(calendar, work, submit)| {
            let mut sheet = crate::Timesheet::default();
            if let Ok(period) = DateRange::new(may, june) {
                let _opened = sheet.handle(&crate::TimesheetCommand::Open {
                    employee,
                    period,
                    calendar,
                });
            }
            for interval in work {
                // Intervals starting after May (in the calendar's zone) are
                // refused and left out.
                let _recorded = sheet.handle(&crate::TimesheetCommand::Record {
                    work: crate::WorkedTime::Between(interval),
                });
            }
            if submit {
                let _submitted = sheet.handle(&crate::TimesheetCommand::Submit);
            }
            sheet
        })
}

/// A valid progressive tax table in USD: one to five bands, the first at
/// zero, starts rising by 1 000.00 to 60 000.00, rates rising in whole
/// percent up to 60%.
pub fn tax_table() -> impl Strategy<Value = crate::TaxTable> {
    proptest::collection::vec((1i128..=60, 0i64..=15), 1..=5).prop_filter_map(
        "a valid table",
        |steps| {
            let mut from = 0i128;
            let mut rate = 0i64;
            let mut bands = Vec::with_capacity(steps.len());
            for (index, (gap, rise)) in steps.into_iter().enumerate() {
                if index > 0 {
                    from += gap * 100_000;
                }
                rate = (rate + rise).min(60);
                bands.push(crate::TaxBand::new(
                    Money::from_minor(from, Currency::USD).ok()?,
                    bureau_core::Rate::new(Decimal::new(rate, 2)),
                ));
            }
            crate::TaxTable::new(bands).ok()
        },
    )
}

/// A valid payroll configuration in USD: a [`tax_table`], either tax
/// method and proration basis, either rule for negative net pay, and up to
/// two contributions at up to 10% each, the first capped, each taken
/// before or after tax.
pub fn payroll_config() -> impl Strategy<Value = crate::PayrollConfig> {
    (
        tax_table(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec((0i64..=1000, 0i64..=1000, any::<bool>()), 0..=2),
    )
        .prop_filter_map(
            "a valid configuration",
            |(table, cumulative, calendar_days, carry, contributions)| {
                let mut config = crate::PayrollConfig::new(table)
                    .with_tax_method(if cumulative {
                        crate::TaxMethod::Cumulative
                    } else {
                        crate::TaxMethod::Annualised
                    })
                    .with_proration(if calendar_days {
                        crate::ProrationBasis::CalendarDays
                    } else {
                        crate::ProrationBasis::WorkingDays
                    })
                    .with_negative_net(if carry {
                        crate::NegativeNet::CarryForward
                    } else {
                        crate::NegativeNet::Reject
                    });
                for (index, (employee, employer, before_tax)) in
                    contributions.into_iter().enumerate()
                {
                    let name =
                        crate::PayComponentName::new(format!("contribution {index}")).ok()?;
                    let mut contribution = crate::Contribution::new(
                        name,
                        bureau_core::Rate::new(Decimal::new(employee, 4)),
                        bureau_core::Rate::new(Decimal::new(employer, 4)),
                    )
                    .ok()?;
                    if index == 0 {
                        contribution = contribution
                            .with_annual_cap(Money::from_minor(6_000_000, Currency::USD).ok()?);
                    }
                    if before_tax {
                        contribution =
                            contribution.with_timing(crate::ContributionTiming::BeforeTax);
                    }
                    config = config.with_contribution(contribution);
                }
                Some(config)
            },
        )
}

/// A recruitment pipeline of 1 to 5 stages, drawn in order from a list of
/// common stage names (so none comes twice).
///
/// ```
/// use bureau_hr::strategy;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let pipeline = strategy::pipeline().new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// assert!((1..=5).contains(&pipeline.len()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pipeline() -> impl Strategy<Value = crate::Pipeline> {
    const STAGES: [&str; 7] = [
        "applied",
        "screening",
        "phone interview",
        "technical interview",
        "onsite",
        "references",
        "final review",
    ];
    proptest::sample::subsequence(STAGES.to_vec(), 1..=5).prop_filter_map("valid stages", |names| {
        let stages = names
            .into_iter()
            .map(crate::StageName::new)
            .collect::<crate::Result<Vec<_>>>()
            .ok()?;
        crate::Pipeline::new(stages).ok()
    })
}

/// The first day of a generated offer's employment; offers expire in the
/// month before it, and answers are dated in that month.
fn offer_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or(NaiveDate::MIN)
}

/// The `day`th of July 2026 (1 to 31), where offers are answered.
fn july(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, day.clamp(1, 31)).unwrap_or(NaiveDate::MIN)
}

/// An offer of `dollars` a year, starting on [`offer_start`] and expiring
/// on `expires`.
fn offer(dollars: i64, expires: NaiveDate) -> Option<crate::Offer> {
    let pay =
        PayRate::annual(Money::from_minor(i128::from(dollars) * 100, Currency::USD).ok()?).ok()?;
    let terms = EmploymentTerms::new(
        DepartmentName::new(DEPARTMENTS[0]).ok()?,
        PositionTitle::new(POSITIONS[1]).ok()?,
        Workplace::new(
            LocationName::new(PLACES[2].0).ok()?,
            CalendarKey::new(PLACES[2].1).ok()?,
        ),
        pay,
    );
    Some(crate::Offer::new(terms, offer_start(), expires))
}

/// One candidate command of any kind, for the noise between the steps of
/// an application: stages named from the common names [`pipeline`] draws
/// from (or none of them), offers from 80% to 120% of `budget` dollars
/// (some expiring after the first day, which is refused), answers on any
/// day of July.
fn candidate_noise(budget: i64) -> impl Strategy<Value = crate::CandidateCommand> {
    use crate::CandidateCommand;
    const STAGES: [&str; 8] = [
        "applied",
        "screening",
        "phone interview",
        "technical interview",
        "onsite",
        "references",
        "final review",
        "unknown stage",
    ];
    let low = budget * 4 / 5;
    let high = budget * 6 / 5;
    prop_oneof![
        3 => proptest::sample::select(STAGES.to_vec())
            .prop_filter_map("valid stage", |name| Some(CandidateCommand::Advance {
                stage: crate::StageName::new(name).ok()?
            })),
        1 => Just(()).prop_filter_map("valid reason", |()| Some(CandidateCommand::Reject {
            reason: Reason::new("not a fit").ok()?
        })),
        3 => (low..=high, 1u32..=40).prop_filter_map("valid offer", |(dollars, day)| {
            // A day past July stands for an expiry after the first day of work.
            let expires = if day > 31 {
                offer_start().checked_add_days(Days::new(1))?
            } else {
                july(day)
            };
            Some(CandidateCommand::MakeOffer { offer: offer(dollars, expires)? })
        }),
        2 => (1u32..=31).prop_map(|day| CandidateCommand::AcceptOffer { on: july(day) }),
        1 => (1u32..=31).prop_filter_map("valid reason", |day| Some(CandidateCommand::DeclineOffer {
            on: july(day),
            reason: Reason::new("another offer").ok()?,
        })),
        1 => (1u128..=3).prop_map(|n| CandidateCommand::Hire {
            employee: EmployeeId::from_u128(1000 + n),
            probation: Probation::Waived,
        }),
    ]
}

/// The commands of one application, from [`CandidateCommand::Apply`]
/// (a [`pipeline`] and a budget of 50 000 to 150 000 USD a year) through
/// every stage in order, an offer within the budget (sometimes declined
/// and followed by another), its acceptance by the expiry and the hire,
/// with up to `noise` commands of every kind slipped in anywhere (before
/// the application too). The noise may be refused or may change the
/// course: an early offer is refused, a rejection ends the application,
/// an acceptance after the expiry is refused. With `noise` zero, every
/// sequence ends in a hire.
///
/// [`CandidateCommand::Apply`]: crate::CandidateCommand::Apply
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_hr::{strategy, Candidate, CandidateStatus};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let commands = strategy::candidate_commands(0).new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// let mut candidate = Candidate::default();
/// for command in &commands {
///     candidate.handle(command)?;
/// }
/// assert_eq!(candidate.status(), Some(CandidateStatus::Hired));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn candidate_commands(noise: usize) -> impl Strategy<Value = Vec<crate::CandidateCommand>> {
    (
        pipeline(),
        50_000i64..=150_000,
        profile(),
        1u128..=1000,
        proptest::option::of(1u32..=31),
        1u32..=31,
    )
        .prop_flat_map(
            move |(pipeline, budget, profile, id, declined_on, expires)| {
                let noise =
                    proptest::collection::vec((any::<usize>(), candidate_noise(budget)), 0..=noise);
                let within = (budget / 2)..=budget;
                (
                    Just((pipeline, budget, profile, id, declined_on)),
                    within.clone(),
                    within,
                    expires..=31,
                    1u32..=expires,
                    noise,
                )
            },
        )
        .prop_filter_map(
            "valid application",
            |(
                (pipeline, budget, profile, id, declined_on),
                first,
                second,
                expires,
                accepted,
                noise,
            )| {
                use crate::CandidateCommand;
                let mut path = vec![CandidateCommand::Apply {
                    id: crate::CandidateId::from_u128(id),
                    requisition: crate::RequisitionId::from_u128(1),
                    profile,
                    budget: Money::from_minor(i128::from(budget) * 100, Currency::USD).ok()?,
                    pipeline: pipeline.clone(),
                }];
                path.extend(
                    pipeline
                        .stages()
                        .skip(1)
                        .map(|stage| CandidateCommand::Advance {
                            stage: stage.clone(),
                        }),
                );
                if let Some(day) = declined_on {
                    path.push(CandidateCommand::MakeOffer {
                        offer: offer(first, july(31))?,
                    });
                    path.push(CandidateCommand::DeclineOffer {
                        on: july(day),
                        reason: Reason::new("asked for more").ok()?,
                    });
                }
                path.push(CandidateCommand::MakeOffer {
                    offer: offer(second, july(expires))?,
                });
                path.push(CandidateCommand::AcceptOffer { on: july(accepted) });
                path.push(CandidateCommand::Hire {
                    employee: EmployeeId::from_u128(id),
                    probation: Probation::Required,
                });
                Some(interleave(path, noise))
            },
        )
}

/// `path` with each `(place, command)` of `noise` put before the step at
/// `place` modulo the steps (after the last one for the largest place),
/// keeping the order of both.
fn interleave<T>(path: Vec<T>, noise: Vec<(usize, T)>) -> Vec<T> {
    let slots = path.len() + 1;
    let mut noise: Vec<(usize, T)> = noise
        .into_iter()
        .map(|(place, c)| (place % slots, c))
        .collect();
    // Stable: noise bound for one place keeps its generated order.
    noise.sort_by_key(|(place, _)| *place);
    let mut noise = noise.into_iter().peekable();
    let mut out = Vec::with_capacity(slots + noise.len());
    for (index, step) in path.into_iter().enumerate() {
        while let Some((_, command)) = noise.next_if(|(place, _)| *place == index) {
            out.push(command);
        }
        out.push(step);
    }
    out.extend(noise.map(|(_, command)| command));
    out
}

/// The commands of one requisition: [`RequisitionCommand::Open`] (a
/// position, a department, a headcount of 1 to 4, a budget of 50 000 to
/// 150 000 USD a year, a [`pipeline`]), then up to `max` hires of
/// candidates 1 to 6 (so some are counted twice, which is refused, and
/// some come after the headcount is reached), a closing now and then, and
/// a second opening now and then (refused).
///
/// [`RequisitionCommand::Open`]: crate::RequisitionCommand::Open
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_hr::{strategy, Requisition};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let commands = strategy::requisition_commands(8).new_tree(&mut runner).map_err(|e| e.to_string())?.current();
/// let mut requisition = Requisition::default();
/// for command in &commands {
///     let _accepted_or_refused = requisition.handle(command);
/// }
/// assert!(requisition.hires().len() <= requisition.headcount().unwrap_or(0) as usize);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn requisition_commands(max: usize) -> impl Strategy<Value = Vec<crate::RequisitionCommand>> {
    use crate::RequisitionCommand;
    #[derive(Clone, Copy, Debug)]
    enum Step {
        Hire(u128),
        Close,
        OpenAgain,
    }
    let step = prop_oneof![
        8 => (1u128..=6).prop_map(Step::Hire),
        1 => Just(Step::Close),
        1 => Just(Step::OpenAgain),
    ];
    (
        department(),
        position(),
        1u32..=4,
        50_000i128..=150_000,
        pipeline(),
        1u128..=1000,
        proptest::collection::vec(step, 0..=max),
    )
        .prop_filter_map(
            "valid requisition",
            |(department, position, headcount, budget, pipeline, id, steps)| {
                let open = RequisitionCommand::Open {
                    id: crate::RequisitionId::from_u128(id),
                    position,
                    department,
                    headcount,
                    budget: Money::from_minor(budget * 100, Currency::USD).ok()?,
                    pipeline,
                };
                let reason = Reason::new("budget cut").ok()?;
                let mut commands = vec![open.clone()];
                commands.extend(steps.into_iter().map(|step| match step {
                    Step::Hire(n) => RequisitionCommand::RecordHire {
                        candidate: crate::CandidateId::from_u128(n),
                    },
                    Step::Close => RequisitionCommand::Close {
                        reason: reason.clone(),
                    },
                    Step::OpenAgain => open.clone(),
                }));
                Some(commands)
            },
        )
}
