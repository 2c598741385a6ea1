//! Leave policies, accrual, requests and balances.

use bureau_calendar::{Calendar, Schedule, Tz};
use bureau_core::{Aggregate, DateRange, Decimal, EmployeeId, RoundingStrategy};
use bureau_hr::{
    AccrualFrequency, AllocationDay, CarryOver, DayCounting, Error, Fte, LeaveAccount,
    LeaveCommand, LeaveDays, LeaveEmployment, LeavePolicy, LeaveRequestId, LeaveSpan, LeaveStep,
    LeaveType, LeaveYearStart, MovementKind, PayFrequency, PaySchedule, Reason, strategy,
};
use chrono::{Days, Months, NaiveDate};
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn days(text: &str) -> LeaveDays {
    LeaveDays::new(text.parse::<Decimal>().unwrap_or_default())
}

fn weekdays() -> Calendar {
    match "09:00-17:00".parse() {
        Ok(hours) => Schedule::weekdays(Tz::UTC, hours)
            .map(Calendar::new)
            .unwrap_or_else(|_| Calendar::always()),
        Err(_) => Calendar::always(),
    }
}

fn account(policy: LeavePolicy, employment: LeaveEmployment) -> Result<LeaveAccount, Error> {
    let mut account = LeaveAccount::default();
    account.handle(&LeaveCommand::Configure {
        employee: EmployeeId::from_u128(1),
        policy,
        calendar: weekdays(),
        employment,
    })?;
    Ok(account)
}

fn accrued(
    policy: LeavePolicy,
    employment: LeaveEmployment,
    through: NaiveDate,
) -> Result<LeaveAccount, Error> {
    let mut account = account(policy, employment)?;
    account.handle(&LeaveCommand::Accrue { through })?;
    Ok(account)
}

fn annual(entitlement: i32) -> bureau_hr::LeavePolicyBuilder {
    LeavePolicy::builder(LeaveType::Annual, LeaveDays::from(entitlement))
}

fn span(from: NaiveDate, to: NaiveDate) -> Result<LeaveSpan, Error> {
    LeaveSpan::new(DateRange::new(from, to)?)
}

#[test]
fn earned_leave_prorated_for_joiners() -> TestResult {
    let joiner = LeaveEmployment::new(day(2026, 7, 1), Fte::FULL);
    let a = accrued(annual(24).build()?, joiner, day(2026, 12, 31))?;
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), LeaveDays::from(12));
    assert_eq!(a.balance_as_of(day(2026, 6, 30)), LeaveDays::ZERO);
    // Half time halves it again; switching FTE proration off does not.
    let half = LeaveEmployment::new(day(2026, 7, 1), Fte::new(Decimal::new(5, 1))?);
    let a = accrued(annual(24).build()?, half, day(2026, 12, 31))?;
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), LeaveDays::from(6));
    let full = annual(24)
        .fte_proration(bureau_hr::Proration::Full)
        .build()?;
    let a = accrued(full, half, day(2026, 12, 31))?;
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), LeaveDays::from(12));
    Ok(())
}

#[test]
fn consistent_proration_between_leave_types() -> TestResult {
    let joiner = LeaveEmployment::new(day(2026, 4, 1), Fte::FULL);
    let year_end = day(2026, 12, 31);
    let annual_leave = accrued(annual(20).build()?, joiner, year_end)?;
    let sick = LeavePolicy::builder(LeaveType::Sick, LeaveDays::from(10)).build()?;
    let sick_leave = accrued(sick, joiner, year_end)?;
    let quarterly = annual(20).accrual(AccrualFrequency::Quarterly).build()?;
    let quarterly_leave = accrued(quarterly, joiner, year_end)?;
    assert_eq!(annual_leave.balance_as_of(year_end), LeaveDays::from(15));
    assert_eq!(sick_leave.balance_as_of(year_end), days("7.5"));
    assert_eq!(quarterly_leave.balance_as_of(year_end), LeaveDays::from(15));
    Ok(())
}

#[test]
fn joiner_on_24_january_with_monthly_accrual() -> TestResult {
    let policy = annual(24)
        .rounding(LeaveStep::Half, RoundingStrategy::MidpointNearestEven)
        .build()?;
    let joiner = LeaveEmployment::new(day(2026, 1, 24), Fte::FULL);
    let a = accrued(policy, joiner, day(2026, 12, 31))?;
    // January: 8 of 31 days, 2 x 8/31 = 0.516 -> 0.5, credited on the first day employed.
    let first = a.movements().first().ok_or("no movement")?;
    assert_eq!(
        (first.date(), first.days()),
        (day(2026, 1, 24), days("0.5"))
    );
    assert_eq!(a.balance_as_of(day(2026, 1, 23)), LeaveDays::ZERO);
    // February: 2 x (1 + 8/31) = 2.516 -> 2.5.
    assert_eq!(a.balance_as_of(day(2026, 2, 1)), days("2.5"));
    // The year: 2 x (11 + 8/31) = 22.516 -> 22.5.
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), days("22.5"));
    Ok(())
}

#[test]
fn joiner_on_the_31st() -> TestResult {
    // A fixed year: January counts 1 of 31 days.
    let joiner = LeaveEmployment::new(day(2026, 1, 31), Fte::FULL);
    let a = accrued(annual(12).build()?, joiner, day(2026, 12, 31))?;
    assert_eq!(a.balance_as_of(day(2026, 1, 31)), LeaveDays::ZERO);
    assert_eq!(a.balance_as_of(day(2026, 2, 1)), LeaveDays::from(1));
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), LeaveDays::from(11));
    // Anniversary years from the 31st: months end on the 28th, 31st, 30th, ...
    // without drifting, and a whole year credits the whole entitlement.
    let policy = annual(12).allocation(AllocationDay::Anniversary).build()?;
    let a = accrued(policy, joiner, day(2027, 1, 30))?;
    let dates: Vec<NaiveDate> = a.movements().iter().map(|m| m.date()).collect();
    assert_eq!(dates.get(1), Some(&day(2026, 2, 28)));
    assert_eq!(dates.get(2), Some(&day(2026, 3, 31)));
    assert_eq!(dates.get(3), Some(&day(2026, 4, 30)));
    assert_eq!(a.balance_as_of(day(2027, 1, 30)), LeaveDays::from(12));
    Ok(())
}

#[test]
fn leave_year_starting_1_january_ends_31_december() -> TestResult {
    let year = LeaveYearStart::JANUARY_FIRST.year_containing(day(2026, 12, 31))?;
    assert_eq!(year.start(), day(2026, 1, 1));
    assert_eq!(year.last_day(), Some(day(2026, 12, 31)));
    // Credited on each month's last day: the last credit lands on 31 December.
    let policy = annual(24).allocation(AllocationDay::LastDay).build()?;
    let a = accrued(
        policy,
        LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
        day(2026, 12, 31),
    )?;
    assert_eq!(a.balance_as_of(day(2026, 12, 30)), LeaveDays::from(22));
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), LeaveDays::from(24));
    assert_eq!(
        a.movements().last().map(|m| m.date()),
        Some(day(2026, 12, 31))
    );
    Ok(())
}

#[test]
fn negative_absent_days_impossible_for_a_mid_month_joiner() -> TestResult {
    let joiner = LeaveEmployment::new(day(2026, 3, 18), Fte::FULL);
    let mut a = accrued(
        annual(24).negative_allowance(LeaveDays::from(5)).build()?,
        joiner,
        day(2026, 12, 31),
    )?;
    assert!(a.movements().iter().all(|m| !m.days().is_negative()));
    let id = LeaveRequestId::from_u128(1);
    // Leave starting before the first day employed.
    let early = LeaveCommand::Request {
        id,
        span: span(day(2026, 3, 16), day(2026, 3, 20))?,
    };
    assert!(matches!(
        a.decide(&early),
        Err(Error::OutsideEmployment { .. })
    ));
    // A weekend only takes nothing.
    let weekend = LeaveCommand::Request {
        id,
        span: span(day(2026, 3, 21), day(2026, 3, 23))?,
    };
    assert!(matches!(
        a.decide(&weekend),
        Err(Error::NothingToTake { .. })
    ));
    // Wednesday 18 to Friday 20, half of Wednesday: 2.5 days.
    a.handle(&LeaveCommand::Request {
        id,
        span: span(day(2026, 3, 18), day(2026, 3, 21))?.first_day_half(),
    })?;
    assert_eq!(
        a.request(id).map(|r| LeaveDays::from(r.days())),
        Some(days("2.5"))
    );
    Ok(())
}

#[test]
fn carry_over_is_capped_and_carried_days_expire() -> TestResult {
    let rule = CarryOver::capped(LeaveDays::from(5))?.expiring_after_months(3)?;
    let policy = annual(20).carry_over(rule).build()?;
    let mut a = accrued(
        policy,
        LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
        day(2027, 1, 31),
    )?;
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), LeaveDays::from(20));
    // 15 forfeited on 1 January, then January's 1.75 (20/12 rounded to a quarter).
    assert_eq!(a.balance_as_of(day(2027, 1, 1)), days("6.75"));
    let id = LeaveRequestId::from_u128(1);
    a.handle(&LeaveCommand::Request {
        id,
        span: span(day(2027, 2, 1), day(2027, 2, 3))?,
    })?;
    a.handle(&LeaveCommand::Approve { id })?;
    a.handle(&LeaveCommand::Accrue {
        through: day(2027, 4, 1),
    })?;
    // 5 carried, 2 taken: 3 expire on 1 April. Accrued by then: 6.75.
    let expiry = a
        .movements()
        .iter()
        .find(|m| m.kind() == MovementKind::Expiry)
        .ok_or("no expiry")?;
    assert_eq!(
        (expiry.date(), expiry.days()),
        (day(2027, 4, 1), LeaveDays::from(-3))
    );
    assert_eq!(a.balance_as_of(day(2027, 4, 1)), days("6.75"));
    // Accruing again through the same day posts nothing.
    let again = a.handle(&LeaveCommand::Accrue {
        through: day(2027, 4, 1),
    })?;
    assert!(matches!(
        again.as_slice(),
        [] | [bureau_hr::LeaveEvent::Accrued { .. }]
    ));
    assert_eq!(a.balance_as_of(day(2027, 4, 1)), days("6.75"));
    Ok(())
}

#[test]
fn maximum_balance_stops_accrual() -> TestResult {
    let policy = annual(24).maximum_balance(LeaveDays::from(10)).build()?;
    let a = accrued(
        policy,
        LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
        day(2026, 12, 31),
    )?;
    assert_eq!(a.balance_as_of(day(2026, 12, 31)), LeaveDays::from(10));
    Ok(())
}

#[test]
fn requests_guard_balance_service_overlap_and_status() -> TestResult {
    let policy = annual(12)
        .negative_allowance(LeaveDays::from(2))
        .minimum_service_days(30)
        .build()?;
    let mut a = accrued(
        policy,
        LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
        day(2026, 1, 31),
    )?;
    assert_eq!(a.balance_as_of(day(2026, 1, 31)), LeaveDays::from(1));
    let [one, two, three] = [1, 2, 3].map(LeaveRequestId::from_u128);
    let soon = LeaveCommand::Request {
        id: one,
        span: span(day(2026, 1, 26), day(2026, 1, 27))?,
    };
    assert!(
        matches!(a.decide(&soon), Err(Error::ServiceTooShort { eligible_from, .. }) if eligible_from == day(2026, 1, 31))
    );
    // Monday 2 to Thursday 5 February: 4 days, 1 + 2 available.
    a.handle(&LeaveCommand::Request {
        id: one,
        span: span(day(2026, 2, 2), day(2026, 2, 6))?,
    })?;
    let err = a.decide(&LeaveCommand::Approve { id: one }).unwrap_err();
    assert_eq!(
        err.to_string(),
        "taking 4 days on 2026-02-02 leaves the balance below its floor: 3 days available"
    );
    let overlap = LeaveCommand::Request {
        id: two,
        span: span(day(2026, 2, 5), day(2026, 2, 7))?,
    };
    assert!(
        matches!(a.decide(&overlap), Err(Error::OverlappingRequest { existing, .. }) if existing == one)
    );
    a.handle(&LeaveCommand::Reject { id: one })?;
    assert!(matches!(
        a.decide(&LeaveCommand::Cancel { id: one }),
        Err(Error::RequestNotPending { .. })
    ));
    a.handle(&LeaveCommand::Request {
        id: two,
        span: span(day(2026, 2, 5), day(2026, 2, 7))?,
    })?;
    a.handle(&LeaveCommand::Approve { id: two })?;
    assert_eq!(a.balance_as_of(day(2026, 2, 6)), LeaveDays::from(-1));
    assert!(matches!(
        a.decide(&LeaveCommand::Approve { id: three }),
        Err(Error::UnknownRequest { .. })
    ));
    // A negative adjustment is held to the same floor.
    let reason = Reason::new("correction")?;
    let cut = LeaveCommand::Adjust {
        date: day(2026, 2, 10),
        days: LeaveDays::from(-2),
        reason: reason.clone(),
    };
    assert!(matches!(
        a.decide(&cut),
        Err(Error::InsufficientBalance { .. })
    ));
    a.handle(&LeaveCommand::Adjust {
        date: day(2026, 2, 10),
        days: LeaveDays::from(3),
        reason,
    })?;
    assert_eq!(a.balance_as_of(day(2026, 2, 10)), LeaveDays::from(2));
    Ok(())
}

#[test]
fn an_unconfigured_account_refuses_everything() {
    let a = LeaveAccount::default();
    let err = a
        .decide(&LeaveCommand::Accrue {
            through: day(2026, 1, 1),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no leave account created yet: cannot accrue"
    );
    for command in [
        LeaveCommand::Approve {
            id: LeaveRequestId::from_u128(1),
        },
        LeaveCommand::Reject {
            id: LeaveRequestId::from_u128(1),
        },
        LeaveCommand::Cancel {
            id: LeaveRequestId::from_u128(1),
        },
    ] {
        assert!(matches!(a.decide(&command), Err(Error::NotCreated { .. })));
    }
}

#[test]
fn a_configured_account_belongs_to_one_employee() -> TestResult {
    let mut a = account(
        annual(24).build()?,
        LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
    )?;
    assert_eq!(a.employee(), Some(EmployeeId::from_u128(1)));
    let other = a.handle(&LeaveCommand::Configure {
        employee: EmployeeId::from_u128(2),
        policy: annual(20).build()?,
        calendar: weekdays(),
        employment: LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
    });
    assert!(matches!(other, Err(Error::OtherEmployee { .. })));
    assert_eq!(a.employee(), Some(EmployeeId::from_u128(1)));
    Ok(())
}

#[test]
fn accruing_centuries_ahead_is_an_error() -> TestResult {
    let a = account(
        annual(24).build()?,
        LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
    )?;
    let err = a
        .decide(&LeaveCommand::Accrue {
            through: NaiveDate::MAX,
        })
        .unwrap_err();
    assert!(matches!(err, Error::AccrualTooLong { from, .. } if from == day(2026, 1, 1)));
    Ok(())
}

#[cfg(feature = "serde")]
#[test]
fn leave_events_round_trip_through_json() -> TestResult {
    let mut a = LeaveAccount::default();
    let mut events = a.handle(&LeaveCommand::Configure {
        employee: EmployeeId::from_u128(1),
        policy: annual(24).build()?,
        calendar: weekdays(),
        employment: LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
    })?;
    events.extend(a.handle(&LeaveCommand::Accrue {
        through: day(2026, 3, 1),
    })?);
    let json = serde_json::to_string(&events)?;
    let read = serde_json::from_str::<Vec<bureau_hr::LeaveEvent>>(&json)?;
    assert_eq!(read, events);
    // Stored and read back, the stream rebuilds the account.
    let mut rebuilt = LeaveAccount::default();
    for event in &read {
        rebuilt.replay(event)?;
    }
    assert_eq!(rebuilt, a);
    Ok(())
}

/// The last day of the leave year starting at `start`.
fn year_after(start: NaiveDate) -> NaiveDate {
    start
        .checked_add_months(Months::new(12))
        .and_then(|end| end.pred_opt())
        .unwrap_or(start)
}

proptest! {
    #[test]
    fn a_full_year_at_full_time_accrues_exactly_the_entitlement(
        policy in strategy::leave_policy().prop_filter("a year's periods inside the year", |p| !matches!(p.accrual(), AccrualFrequency::PerScheduledPayPeriod(_))),
        offset in 0u64..365,
    ) {
        // An employment starting on a leave year's first day and a year after.
        let probe = day(2026, 1, 1).checked_add_days(Days::new(offset)).unwrap_or(day(2026, 1, 1));
        let start = if policy.allocation() == AllocationDay::Anniversary {
            probe
        } else {
            policy.year_start().year_containing(probe).map_err(|e| TestCaseError::fail(e.to_string()))?.start()
        };
        let last = year_after(start);
        let a = accrued(policy.clone(), LeaveEmployment::new(start, Fte::FULL), last).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(a.balance_as_of(last), policy.entitlement());
    }

    /// Someone employed since long before a leave year (or since the
    /// anniversary a year earlier) is credited, on the dates of that year,
    /// exactly the entitlement: with pay schedules too, whose periods
    /// reach across the year's edges.
    #[test]
    fn a_year_employed_throughout_credits_exactly_the_entitlement(policy in strategy::leave_policy(), offset in 0u64..365) {
        let fail = |e: Error| TestCaseError::fail(e.to_string());
        let probe = day(2026, 1, 1).checked_add_days(Days::new(offset)).unwrap_or(day(2026, 1, 1));
        let (hired, start) = if policy.allocation() == AllocationDay::Anniversary {
            (probe, probe.checked_add_months(Months::new(12)).unwrap_or(probe))
        } else {
            let start = policy.year_start().year_containing(probe).map_err(fail)?.start();
            (start.checked_sub_months(Months::new(12)).unwrap_or(start), start)
        };
        let last = year_after(start);
        let before = start.pred_opt().unwrap_or(start);
        let a = accrued(policy.clone(), LeaveEmployment::new(hired, Fte::FULL), last).map_err(fail)?;
        prop_assert_eq!(a.balance_as_of(last) - a.balance_as_of(before), policy.entitlement());
    }

    #[test]
    fn proration_for_a_joiner_is_monotone_in_the_joining_date(
        policy in strategy::leave_policy().prop_filter("a fixed leave year", |p| p.allocation() != AllocationDay::Anniversary),
        first in 0u64..365,
        second in 0u64..365,
    ) {
        let year = policy.year_start().year_containing(day(2026, 7, 1)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let last = year.last_day().unwrap_or(year.start());
        let (early, late) = (first.min(second), first.max(second));
        let join = |offset: u64| year.start().checked_add_days(Days::new(offset)).unwrap_or(year.start()).min(last);
        let earned = |offset| accrued(policy.clone(), LeaveEmployment::new(join(offset), Fte::FULL), last)
            .map(|a| a.balance_as_of(last));
        let (early, late) = (earned(early), earned(late));
        prop_assert!(early.is_ok() && late.is_ok());
        prop_assert!(early.unwrap_or_default() >= late.unwrap_or_default());
    }

    #[test]
    fn approving_then_cancelling_restores_the_balance(
        policy in strategy::leave_policy(),
        leave in strategy::leave_span_near(day(2026, 3, 1), 200),
    ) {
        let mut a = accrued(policy, LeaveEmployment::new(day(2026, 1, 1), Fte::FULL), day(2026, 12, 31))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let before = a.clone();
        let id = LeaveRequestId::from_u128(1);
        if a.handle(&LeaveCommand::Request { id, span: leave }).is_ok() && a.handle(&LeaveCommand::Approve { id }).is_ok() {
            prop_assert!(a.balance_as_of(leave.start()) < before.balance_as_of(leave.start()));
            a.handle(&LeaveCommand::Cancel { id }).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for probe in [leave.start(), day(2026, 12, 31), day(2026, 1, 1)] {
                prop_assert_eq!(a.balance_as_of(probe), before.balance_as_of(probe));
            }
            prop_assert_eq!(a.movements(), before.movements());
        }
    }

    #[test]
    fn the_balance_never_goes_below_the_floor(
        policy in strategy::leave_policy(),
        spans in proptest::collection::vec(strategy::leave_span_near(day(2026, 1, 1), 700), 0..12),
        actions in proptest::collection::vec(0u8..4, 12),
        cuts in proptest::collection::vec(-4i32..3, 12),
    ) {
        let floor = policy.floor();
        let mut a = account(policy, LeaveEmployment::new(day(2026, 1, 1), Fte::FULL)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let reason = Reason::new("test").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let configured = a.clone();
        let mut events = Vec::new();
        let mut run = |a: &mut LeaveAccount, command: LeaveCommand| {
            if let Ok(decided) = a.handle(&command) {
                events.extend(decided);
            }
        };
        for (n, leave) in spans.iter().enumerate() {
            let id = LeaveRequestId::from_u128(n as u128 + 1);
            let through = leave.start();
            run(&mut a, LeaveCommand::Accrue { through });
            run(&mut a, LeaveCommand::Request { id, span: *leave });
            run(&mut a, LeaveCommand::Approve { id });
            match actions.get(n) {
                Some(0) => run(&mut a, LeaveCommand::Cancel { id }),
                Some(1) => {
                    let cut = LeaveDays::from(cuts.get(n).copied().unwrap_or(0));
                    run(&mut a, LeaveCommand::Adjust { date: through, days: cut, reason: reason.clone() });
                }
                _ => {}
            }
        }
        run(&mut a, LeaveCommand::Accrue { through: day(2028, 12, 31) });
        // The stream replays, through the same rules, to the same account.
        let mut rebuilt = configured;
        for event in &events {
            rebuilt.replay(event)?;
        }
        prop_assert_eq!(&rebuilt, &a);
        for movement in a.movements() {
            prop_assert!(a.balance_as_of(movement.date()) >= floor, "balance {} on {} below {}", a.balance_as_of(movement.date()), movement.date(), floor);
        }
    }
}

/// Leave taken in a pay period: an approved request counts its days in
/// the period, one across the period's edge its part inside; pending,
/// rejected and cancelled requests count nothing.
#[test]
fn leave_taken_in_a_period_counts_approved_days_inside_it() -> TestResult {
    let unpaid = LeavePolicy::builder(LeaveType::Unpaid, LeaveDays::ZERO)
        .negative_allowance(LeaveDays::from(30))
        .build()?;
    let mut a = account(unpaid, LeaveEmployment::new(day(2026, 1, 1), Fte::FULL))?;
    let (june, july) = (
        DateRange::new(day(2026, 6, 1), day(2026, 7, 1))?,
        DateRange::new(day(2026, 7, 1), day(2026, 8, 1))?,
    );
    assert_eq!(a.taken_in(june)?, LeaveDays::ZERO);
    let request =
        |a: &mut LeaveAccount, n: u128, leave: LeaveSpan| -> Result<LeaveRequestId, Error> {
            let id = LeaveRequestId::from_u128(n);
            a.handle(&LeaveCommand::Request { id, span: leave })?;
            Ok(id)
        };
    // Tuesday 9 June, approved: one day.
    let one = request(&mut a, 1, LeaveSpan::day(day(2026, 6, 9))?)?;
    a.handle(&LeaveCommand::Approve { id: one })?;
    // Thursday 25 June afternoon to Thursday 2 July morning, approved:
    // 3.5 days in June, 1.5 in July.
    let across = request(
        &mut a,
        2,
        span(day(2026, 6, 25), day(2026, 7, 3))?
            .first_day_half()
            .last_day_half(),
    )?;
    a.handle(&LeaveCommand::Approve { id: across })?;
    // 16 June pending, 17 June rejected, 18 June cancelled after approval.
    request(&mut a, 3, LeaveSpan::day(day(2026, 6, 16))?)?;
    let rejected = request(&mut a, 4, LeaveSpan::day(day(2026, 6, 17))?)?;
    a.handle(&LeaveCommand::Reject { id: rejected })?;
    let cancelled = request(&mut a, 5, LeaveSpan::day(day(2026, 6, 18))?)?;
    a.handle(&LeaveCommand::Approve { id: cancelled })?;
    a.handle(&LeaveCommand::Cancel { id: cancelled })?;

    assert_eq!(a.taken_in(june)?, days("4.5"));
    assert_eq!(a.taken_in(july)?, days("1.5"));
    let record = a.request(across).ok_or("no request")?;
    assert_eq!(LeaveDays::from(record.days()), days("5"));
    Ok(())
}

proptest! {
    /// A span cut at any date counts, in its two parts, what it counts
    /// whole, on any calendar and either day counting.
    #[test]
    fn the_parts_of_a_span_add_up_to_the_span(
        calendar in bureau_calendar::strategy::calendar_near(day(2026, 6, 15)),
        leave in strategy::leave_span_near(day(2026, 6, 1), 30),
        cut in 0u64..60,
        counting in proptest::sample::select(vec![
            DayCounting::WorkingDays,
            DayCounting::CalendarDays,
            DayCounting::WorkingDaysAndHolidays,
            DayCounting::CalendarDaysExceptHolidays,
        ]),
    ) {
        let fail = |e: Error| TestCaseError::fail(e.to_string());
        let cut = day(2026, 5, 20).checked_add_days(Days::new(cut)).unwrap_or(day(2026, 5, 20));
        let before = DateRange::new(NaiveDate::MIN, cut).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let after = DateRange::new(cut, NaiveDate::MAX).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if let Ok(whole) = leave.count(&calendar, counting) {
            let part = |range| leave.within(range).map_or(Ok(bureau_calendar::WorkingDays::ZERO), |p| p.count(&calendar, counting));
            let parts = part(before).map_err(fail)? + part(after).map_err(fail)?;
            prop_assert_eq!(parts, whole);
        }
    }
}

/// The accrual movements of `account` dated inside `year`.
fn accruals_in(account: &LeaveAccount, year: DateRange) -> Vec<LeaveDays> {
    account
        .movements()
        .iter()
        .filter(|m| m.kind() == MovementKind::Accrual && year.contains(m.date()))
        .map(|m| m.days())
        .collect()
}

fn scheduled(
    frequency: PayFrequency,
    anchor: NaiveDate,
    allocation: AllocationDay,
    entitlement: i32,
) -> Result<LeavePolicy, Error> {
    annual(entitlement)
        .accrual(AccrualFrequency::PerScheduledPayPeriod(PaySchedule::new(
            frequency, anchor,
        )?))
        .allocation(allocation)
        .build()
}

/// Per pay period of an anchored schedule: a leave year holds the pay
/// periods that start (or end) in it, 52 or 53 weekly, 26 or 27 biweekly,
/// and someone employed over all of them is credited exactly the
/// entitlement, the rounding remainder on the last period.
#[test]
fn scheduled_pay_periods_credit_exactly_the_entitlement() -> TestResult {
    let year = DateRange::new(day(2026, 1, 1), day(2027, 1, 1))?;
    let cases = [
        // Weeks from Fridays: 52 start in 2026, 53 end in it (on Thursdays).
        (
            PayFrequency::Weekly,
            day(2026, 1, 2),
            AllocationDay::FirstDay,
            52,
        ),
        (
            PayFrequency::Weekly,
            day(2026, 1, 2),
            AllocationDay::LastDay,
            53,
        ),
        // Weeks from Thursdays: 53 start in 2026, 52 end in it.
        (
            PayFrequency::Weekly,
            day(2019, 3, 14),
            AllocationDay::FirstDay,
            53,
        ),
        (
            PayFrequency::Weekly,
            day(2019, 3, 14),
            AllocationDay::LastDay,
            52,
        ),
        // Thursday 1 January 2026: 27 fortnights start in 2026, 26 end in it.
        (
            PayFrequency::Biweekly,
            day(2026, 1, 1),
            AllocationDay::FirstDay,
            27,
        ),
        (
            PayFrequency::Biweekly,
            day(2026, 1, 1),
            AllocationDay::LastDay,
            26,
        ),
        (
            PayFrequency::Biweekly,
            day(2025, 12, 19),
            AllocationDay::LastDay,
            27,
        ),
        (
            PayFrequency::Biweekly,
            day(2025, 12, 19),
            AllocationDay::FirstDay,
            26,
        ),
    ];
    for (frequency, anchor, allocation, periods) in cases {
        let policy = scheduled(frequency, anchor, allocation, 25)?;
        let a = accrued(
            policy,
            LeaveEmployment::new(day(2020, 6, 17), Fte::FULL),
            day(2026, 12, 31),
        )?;
        let credits = accruals_in(&a, year);
        let case = format!("{frequency:?} from {anchor} on the {allocation:?}");
        assert_eq!(credits.len(), periods, "{case}");
        let total = credits.iter().fold(LeaveDays::ZERO, |sum, d| sum + *d);
        assert_eq!(total, LeaveDays::from(25), "{case}");
        // Quarter days, none more than a rounding step away from an even share.
        let share = Decimal::from(25) / Decimal::from(periods as u64);
        for credit in &credits {
            assert!(
                (credit.value() - share).abs() <= Decimal::new(25, 2),
                "{case}: {credit}"
            );
            assert!(
                (credit.value() * Decimal::from(4)).fract().is_zero(),
                "{case}: {credit}"
            );
        }
        // The year before and after are whole years too.
        let last_year = DateRange::new(day(2025, 1, 1), day(2026, 1, 1))?;
        let total = accruals_in(&a, last_year)
            .iter()
            .fold(LeaveDays::ZERO, |sum, d| sum + *d);
        assert_eq!(total, LeaveDays::from(25), "{case} in 2025");
    }
    Ok(())
}

/// A joiner on any day of the year earns no more than one who joined
/// earlier; one joining on the first day of a period earns the shares of
/// the periods left, one joining inside a period a prorated share of it.
#[test]
fn scheduled_pay_periods_prorate_joiners_monotonically() -> TestResult {
    let last = day(2026, 12, 31);
    for (frequency, anchor) in [
        (PayFrequency::Weekly, day(2026, 1, 2)),
        (PayFrequency::Weekly, day(2019, 3, 14)),
        (PayFrequency::Biweekly, day(2026, 1, 1)),
        (PayFrequency::Biweekly, day(2025, 12, 19)),
    ] {
        for allocation in [AllocationDay::FirstDay, AllocationDay::LastDay] {
            let policy = scheduled(frequency, anchor, allocation, 25)?;
            let mut previous = None;
            for join in DateRange::new(day(2026, 1, 1), day(2027, 1, 1))?.days() {
                let a = accrued(policy.clone(), LeaveEmployment::new(join, Fte::FULL), last)?;
                let earned = a.balance_as_of(last);
                if let Some(before) = previous {
                    assert!(
                        earned <= before,
                        "{frequency:?} from {anchor} on the {allocation:?}: joining {join} earns {earned}, a day earlier {before}"
                    );
                }
                previous = Some(earned);
            }
        }
    }
    // Fortnights from Thursday 1 January 2026, one day each (27 of them).
    let policy = annual(27)
        .accrual(AccrualFrequency::PerScheduledPayPeriod(PaySchedule::new(
            PayFrequency::Biweekly,
            day(2026, 1, 1),
        )?))
        .allocation(AllocationDay::FirstDay)
        .rounding(LeaveStep::Half, RoundingStrategy::MidpointNearestEven)
        .build()?;
    let earned = |join| {
        accrued(policy.clone(), LeaveEmployment::new(join, Fte::FULL), last)
            .map(|a| a.balance_as_of(last))
    };
    assert_eq!(earned(day(2026, 1, 1))?, LeaveDays::from(27));
    // Thursday 2 July starts the 14th fortnight: 14 of them are left.
    assert_eq!(earned(day(2026, 7, 2))?, LeaveDays::from(14));
    // Half of that fortnight, then 13 whole ones.
    assert_eq!(earned(day(2026, 7, 9))?, days("13.5"));
    Ok(())
}

/// A period reaching across the leave year's edge belongs to one year:
/// a joiner inside the last period begun in 2026 earns part of 2026's
/// share on the joining day; a leaver inside the first period ending in
/// 2026 earns part of that share on their last day, in 2025.
#[test]
fn scheduled_pay_periods_across_the_year_edge() -> TestResult {
    // Weeks from Saturday 26 December 2026 to Friday 1 January 2027.
    let weekly = scheduled(
        PayFrequency::Weekly,
        day(2026, 1, 3),
        AllocationDay::FirstDay,
        52,
    )?;
    let a = accrued(
        weekly,
        LeaveEmployment::new(day(2027, 1, 1), Fte::FULL),
        day(2027, 1, 1),
    )?;
    // A seventh of a day, to the nearest quarter.
    assert_eq!(a.balance_as_of(day(2027, 1, 1)), days("0.25"));
    let weekly = scheduled(
        PayFrequency::Weekly,
        day(2026, 1, 3),
        AllocationDay::LastDay,
        53,
    )?;
    let leaver = LeaveEmployment::new(day(2025, 1, 1), Fte::FULL).ending(day(2025, 12, 30))?;
    let a = accrued(weekly, leaver, day(2025, 12, 31))?;
    let last = a.movements().last().ok_or("no movement")?;
    // Saturday 27 to Monday 29 December: three sevenths of a day.
    assert_eq!((last.date(), last.days()), (day(2025, 12, 29), days("0.5")));
    Ok(())
}

#[test]
fn scheduled_accrual_reads_and_writes_json() -> TestResult {
    let old = serde_json::to_string(&AccrualFrequency::PerPayPeriod(PayFrequency::Weekly))?;
    assert_eq!(old, r#"{"per_pay_period":"weekly"}"#);
    let schedule = PaySchedule::new(PayFrequency::Biweekly, day(2026, 1, 1))?;
    let new = AccrualFrequency::PerScheduledPayPeriod(schedule);
    let json = serde_json::to_string(&new)?;
    assert_eq!(
        json,
        r#"{"per_scheduled_pay_period":{"frequency":"biweekly","anchor":"2026-01-01"}}"#
    );
    assert_eq!(serde_json::from_str::<AccrualFrequency>(&json)?, new);
    // A schedule read from JSON is checked like a new one.
    let bad = r#"{"per_scheduled_pay_period":{"frequency":"monthly","anchor":"2026-01-30"}}"#;
    assert!(serde_json::from_str::<AccrualFrequency>(bad).is_err());
    Ok(())
}

/// Weekdays with, in late May 2026, a whole-day holiday on Monday 25, a
/// half-day one on Thursday 28, a holiday on Saturday 30 and Sunday 31
/// made a working day.
fn may_calendar() -> Result<Calendar, Box<dyn std::error::Error>> {
    Ok(
        Calendar::builder(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?)
            .holiday(bureau_calendar::Holiday::on(
                day(2026, 5, 25),
                "Bank holiday",
            ))
            .holiday(
                bureau_calendar::Holiday::on(day(2026, 5, 28), "Half day")
                    .half_day("09:00-13:00".parse()?),
            )
            .holiday(bureau_calendar::Holiday::on(
                day(2026, 5, 30),
                "Saturday holiday",
            ))
            .working_day(bureau_calendar::WorkingDay::new(
                day(2026, 5, 31),
                "10:00-14:00".parse()?,
            )?)
            .build()?,
    )
}

/// Holidays and rest days inside one request, counted each way: Friday
/// 22 May to Monday 1 June 2026 is 11 dates, 7 of them working weekdays
/// (one a whole holiday, one a half), two weekends (a holiday on one
/// Saturday, the next Sunday worked).
#[test]
fn day_counting_tells_holidays_from_rest_days() -> TestResult {
    let calendar = may_calendar()?;
    let whole = span(day(2026, 5, 22), day(2026, 6, 2))?;
    let halves = whole.first_day_half().last_day_half();
    let cases = [
        // 22, 26, 27, 29 May and 1 June; half of the 28th; the worked Sunday.
        (DayCounting::WorkingDays, "6.5", "5.5"),
        (DayCounting::CalendarDays, "11", "10"),
        // The seven weekdays, holidays included, and the worked Sunday.
        (DayCounting::WorkingDaysAndHolidays, "8", "7"),
        // All 11 but the holiday Monday and Saturday, and half the 28th.
        (DayCounting::CalendarDaysExceptHolidays, "8.5", "7.5"),
    ];
    for (counting, all, halved) in cases {
        assert_eq!(
            LeaveDays::from(whole.count(&calendar, counting)?),
            days(all),
            "{counting:?}"
        );
        assert_eq!(
            LeaveDays::from(halves.count(&calendar, counting)?),
            days(halved),
            "{counting:?} with half days"
        );
    }
    // A request on the holidays alone.
    let monday = LeaveSpan::day(day(2026, 5, 25))?;
    let saturday = LeaveSpan::day(day(2026, 5, 30))?;
    let sunday = LeaveSpan::day(day(2026, 5, 24))?;
    let count = |s: LeaveSpan, c| s.count(&calendar, c).map(LeaveDays::from);
    assert_eq!(
        count(monday, DayCounting::WorkingDaysAndHolidays)?,
        days("1")
    );
    assert_eq!(
        count(monday, DayCounting::CalendarDaysExceptHolidays)?,
        days("0")
    );
    assert_eq!(
        count(saturday, DayCounting::WorkingDaysAndHolidays)?,
        days("0")
    );
    assert_eq!(
        count(saturday, DayCounting::CalendarDaysExceptHolidays)?,
        days("0")
    );
    assert_eq!(
        count(sunday, DayCounting::WorkingDaysAndHolidays)?,
        days("0")
    );
    assert_eq!(
        count(sunday, DayCounting::CalendarDaysExceptHolidays)?,
        days("1")
    );
    Ok(())
}

/// A policy's counting decides what a request takes from the balance and
/// what its part inside a pay period counts.
#[test]
fn a_policy_counting_holidays_takes_them_from_the_balance() -> TestResult {
    for (counting, taken, in_may) in [
        (DayCounting::WorkingDaysAndHolidays, "8", "7"),
        (DayCounting::CalendarDaysExceptHolidays, "8.5", "7.5"),
    ] {
        let policy = annual(30)
            .accrual(AccrualFrequency::YearlyUpFront)
            .counting(counting)
            .build()?;
        let mut a = LeaveAccount::default();
        a.handle(&LeaveCommand::Configure {
            employee: EmployeeId::from_u128(1),
            policy,
            calendar: may_calendar()?,
            employment: LeaveEmployment::new(day(2026, 1, 1), Fte::FULL),
        })?;
        a.handle(&LeaveCommand::Accrue {
            through: day(2026, 12, 31),
        })?;
        let id = LeaveRequestId::from_u128(1);
        a.handle(&LeaveCommand::Request {
            id,
            span: span(day(2026, 5, 22), day(2026, 6, 2))?,
        })?;
        a.handle(&LeaveCommand::Approve { id })?;
        assert_eq!(
            a.balance_as_of(day(2026, 6, 1)),
            LeaveDays::from(30) - days(taken),
            "{counting:?}"
        );
        let may = DateRange::new(day(2026, 5, 1), day(2026, 6, 1))?;
        let june = DateRange::new(day(2026, 6, 1), day(2026, 7, 1))?;
        assert_eq!(a.taken_in(may)?, days(in_may), "{counting:?}");
        assert_eq!(
            a.taken_in(may)? + a.taken_in(june)?,
            days(taken),
            "{counting:?}"
        );
    }
    Ok(())
}

proptest! {
    /// Accruing through a few dates on the way posts the same movements as
    /// accruing once through the last, for joiners and leavers alike, with
    /// pay periods reaching across the leave years' edges.
    #[test]
    fn accruing_in_steps_posts_what_accruing_at_once_does(
        policy in strategy::leave_policy(),
        start in 0u64..730,
        length in 1u64..900,
        mut cuts in proptest::collection::vec(0u64..1500, 0..6),
    ) {
        let fail = |e: Error| TestCaseError::fail(e.to_string());
        let origin = day(2025, 1, 1);
        let at = |offset: u64| origin.checked_add_days(Days::new(offset)).unwrap_or(origin);
        let employment = LeaveEmployment::new(at(start), Fte::FULL).ending(at(start + length)).map_err(fail)?;
        let last = day(2029, 12, 31);
        let once = accrued(policy.clone(), employment, last).map_err(fail)?;
        let mut stepwise = account(policy, employment).map_err(fail)?;
        cuts.sort_unstable();
        for cut in cuts {
            stepwise.handle(&LeaveCommand::Accrue { through: at(cut) }).map_err(fail)?;
        }
        stepwise.handle(&LeaveCommand::Accrue { through: last }).map_err(fail)?;
        prop_assert_eq!(stepwise.movements(), once.movements());
    }
}
