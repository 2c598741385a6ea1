//! Timesheets and the classification of worked hours by overtime rules.

use bureau_calendar::{Calendar, Holiday, Schedule, Tz};
use bureau_core::{Aggregate, DateRange, Decimal, EmployeeId};
use bureau_hr::{
    Error, Hours, Multiplier, OvertimeRules, PayFrequency, PaySchedule, PeriodHours, Reason,
    Timesheet, TimesheetCommand, TimesheetStatus, WorkInterval, WorkedTime, strategy,
};
use chrono::{NaiveDate, TimeZone, Utc, Weekday};
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Monday to Friday in UTC, with 4 May 2026 (a Monday) a holiday.
fn calendar() -> Calendar {
    let built = "09:00-17:00"
        .parse()
        .map_err(|_| ())
        .and_then(|hours| Schedule::weekdays(Tz::UTC, hours).map_err(|_| ()))
        .and_then(|schedule| {
            Calendar::builder(schedule)
                .holiday(Holiday::on(day(2026, 5, 4), "Early May bank holiday"))
                .build()
                .map_err(|_| ())
        });
    built.unwrap_or_else(|()| Calendar::always())
}

fn on(date: NaiveDate, wall: &str) -> Result<WorkInterval, Box<dyn std::error::Error>> {
    Ok(WorkedTime::OnDay {
        date,
        interval: wall.parse()?,
    }
    .resolve(&calendar())?)
}

fn rules() -> OvertimeRules {
    OvertimeRules::new(Weekday::Mon)
        .daily(Hours::from(8), Multiplier::TIME_AND_A_HALF)
        .weekly(Hours::from(40), Multiplier::TIME_AND_A_HALF)
        .holidays(Multiplier::DOUBLE)
}

fn monthly() -> Result<PaySchedule, Error> {
    PaySchedule::new(PayFrequency::Monthly, day(2026, 1, 1))
}

fn only(periods: &[PeriodHours]) -> Result<&PeriodHours, &'static str> {
    match periods {
        [one] => Ok(one),
        _ => Err("not exactly one period"),
    }
}

#[test]
fn beyond_eight_hours_a_day_is_time_and_a_half() -> TestResult {
    let work = [on(day(2026, 5, 5), "07:00-17:30")?];
    let periods = rules().classify(&calendar(), &monthly()?, &work)?;
    let may = only(&periods)?;
    assert_eq!(may.hours_at(Multiplier::REGULAR), Hours::from(8));
    assert_eq!(may.hours_at(Multiplier::TIME_AND_A_HALF).to_string(), "2.5");
    Ok(())
}

#[test]
fn daily_overtime_does_not_count_toward_the_weekly_threshold() -> TestResult {
    // Tuesday to Saturday, 10 hours a day: 10 hours of daily overtime; of
    // the 40 hours left, none is beyond 40 a week. Counting the daily
    // overtime toward the week as well would pay 10 hours twice.
    let work: Vec<WorkInterval> = (5..=9)
        .map(|d| on(day(2026, 5, d), "07:00-17:00"))
        .collect::<Result<_, _>>()?;
    let periods = rules().classify(&calendar(), &monthly()?, &work)?;
    let may = only(&periods)?;
    assert_eq!(may.hours_at(Multiplier::REGULAR), Hours::from(40));
    assert_eq!(may.hours_at(Multiplier::TIME_AND_A_HALF), Hours::from(10));
    assert_eq!(may.total(), Hours::from(50));
    Ok(())
}

#[test]
fn two_daily_tiers_and_a_weekly_threshold_pay_each_hour_once() -> TestResult {
    // Monday 4 May is a holiday of the calendar: work Tuesday to Saturday.
    // Tuesday 14 hours: 8 regular, 4 at 1.5x (8-12), 2 at 2x (beyond 12).
    // Wednesday to Saturday 9 hours: 8 regular, 1 at 1.5x each.
    // Regular hours of the week: 8 x 5 = 40, none beyond 40.
    let rules = OvertimeRules::new(Weekday::Mon)
        .daily_tier(Hours::from(12), Multiplier::DOUBLE)
        .daily(Hours::from(8), Multiplier::TIME_AND_A_HALF)
        .weekly(Hours::from(40), Multiplier::TIME_AND_A_HALF);
    assert_eq!(
        rules
            .daily_tiers()
            .iter()
            .map(|t| t.hours)
            .collect::<Vec<_>>(),
        [Hours::from(8), Hours::from(12)]
    );
    let mut work = vec![on(day(2026, 5, 5), "06:00-20:00")?];
    for d in 6..=9 {
        work.push(on(day(2026, 5, d), "08:00-17:00")?);
    }
    let periods = rules.classify(&calendar(), &monthly()?, &work)?;
    let may = only(&periods)?;
    assert_eq!(
        may.buckets(),
        [
            (Multiplier::REGULAR, Hours::from(40)),
            (Multiplier::TIME_AND_A_HALF, Hours::from(8)),
            (Multiplier::DOUBLE, Hours::from(2)),
        ]
    );
    // A sixth day of 9 hours: 8 more regular hours, all beyond 40 a week,
    // and 1 of daily overtime; still no hour in two buckets.
    work.push(on(day(2026, 5, 10), "08:00-17:00")?);
    let periods = rules.classify(&calendar(), &monthly()?, &work)?;
    let may = only(&periods)?;
    assert_eq!(may.hours_at(Multiplier::REGULAR), Hours::from(40));
    assert_eq!(
        may.hours_at(Multiplier::TIME_AND_A_HALF),
        Hours::from(8 + 1 + 8)
    );
    assert_eq!(may.hours_at(Multiplier::DOUBLE), Hours::from(2));
    assert_eq!(may.total(), Hours::from(14 + 4 * 9 + 9));
    Ok(())
}

#[test]
fn beyond_forty_hours_a_week_is_time_and_a_half() -> TestResult {
    // Six days of 7.5 hours: no day beyond 8, the sixth day's last 5 hours
    // beyond 40 a week.
    let work: Vec<WorkInterval> = (5..=10)
        .map(|d| on(day(2026, 5, d), "09:00-16:30"))
        .collect::<Result<_, _>>()?;
    let periods = rules().classify(&calendar(), &monthly()?, &work)?;
    let may = only(&periods)?;
    assert_eq!(may.hours_at(Multiplier::REGULAR), Hours::from(40));
    assert_eq!(may.hours_at(Multiplier::TIME_AND_A_HALF), Hours::from(5));
    Ok(())
}

#[test]
fn the_highest_multiplier_wins_on_a_holiday() -> TestResult {
    // 10 hours on the holiday: all at 2x, the 2 daily overtime hours too.
    let work = [on(day(2026, 5, 4), "07:00-17:00")?];
    let periods = rules().classify(&calendar(), &monthly()?, &work)?;
    let may = only(&periods)?;
    assert_eq!(may.buckets(), [(Multiplier::DOUBLE, Hours::from(10))]);
    assert_eq!(may.paid_equivalent(), Decimal::from(20));
    // A holiday paid below overtime: the overtime hours keep 1.5x.
    let low = rules().holidays(Multiplier::new(Decimal::new(125, 2))?);
    let periods = low.classify(&calendar(), &monthly()?, &work)?;
    let may = only(&periods)?;
    assert_eq!(
        may.hours_at(Multiplier::new(Decimal::new(125, 2))?),
        Hours::from(8)
    );
    assert_eq!(may.hours_at(Multiplier::TIME_AND_A_HALF), Hours::from(2));
    Ok(())
}

#[test]
fn rest_days_are_days_without_working_hours() -> TestResult {
    let rules = rules().rest_days(Multiplier::TIME_AND_A_HALF);
    // Saturday 9 May.
    let work = [on(day(2026, 5, 9), "10:00-14:00")?];
    let periods = rules.classify(&calendar(), &monthly()?, &work)?;
    assert_eq!(
        only(&periods)?.buckets(),
        [(Multiplier::TIME_AND_A_HALF, Hours::from(4))]
    );
    Ok(())
}

#[test]
fn a_night_shift_is_cut_at_midnight() -> TestResult {
    // Friday 22:00 to Saturday 08:00 with a daily threshold of 8: two days
    // of 2 and 8 hours, no overtime.
    let work = [on(day(2026, 5, 8), "22:00-08:00")?];
    let periods = rules().classify(&calendar(), &monthly()?, &work)?;
    assert_eq!(
        only(&periods)?.buckets(),
        [(Multiplier::REGULAR, Hours::from(10))]
    );
    Ok(())
}

#[test]
fn a_week_across_two_pay_periods_is_weighed_as_one() -> TestResult {
    // Monday 25 to Sunday 31 May 2026 on semi-monthly periods from the
    // 26th: Monday is in one period, the rest in the next. 7.5 hours on
    // each of six days: the 5 hours beyond 40 land on Saturday.
    let semi = PaySchedule::new(PayFrequency::SemiMonthly, day(2026, 1, 26))?;
    let work: Vec<WorkInterval> = (25..=30)
        .map(|d| on(day(2026, 5, d), "09:00-16:30"))
        .collect::<Result<_, _>>()?;
    let periods = rules().classify(&calendar(), &semi, &work)?;
    let [first, second] = periods.as_slice() else {
        return Err("not two periods".into());
    };
    assert_eq!(first.period().last_day(), day(2026, 5, 25));
    assert_eq!(
        first.buckets(),
        [(Multiplier::REGULAR, Hours::new(Decimal::new(75, 1))?)]
    );
    assert_eq!(second.hours_at(Multiplier::TIME_AND_A_HALF), Hours::from(5));
    assert_eq!(second.hours_at(Multiplier::REGULAR).to_string(), "32.5");
    Ok(())
}

#[test]
fn the_week_starts_on_the_configured_weekday() -> TestResult {
    // Thursday to Wednesday, 7.5 hours a day for 7 days (no holiday
    // multiplier). Weeks from Monday split them 4 + 3: no weekly overtime.
    // Weeks from Thursday hold all 52.5: 12.5 beyond 40.
    let work: Vec<WorkInterval> = (7..=13)
        .map(|d| on(day(2026, 5, d), "09:00-16:30"))
        .collect::<Result<_, _>>()?;
    let from =
        |weekday| OvertimeRules::new(weekday).weekly(Hours::from(40), Multiplier::TIME_AND_A_HALF);
    let monday = from(Weekday::Mon).classify(&calendar(), &monthly()?, &work)?;
    assert_eq!(
        only(&monday)?.hours_at(Multiplier::TIME_AND_A_HALF),
        Hours::ZERO
    );
    let thursday = from(Weekday::Thu).classify(&calendar(), &monthly()?, &work)?;
    assert_eq!(
        only(&thursday)?
            .hours_at(Multiplier::TIME_AND_A_HALF)
            .to_string(),
        "12.5"
    );
    Ok(())
}

#[test]
fn hours_on_a_clock_change_are_the_hours_elapsed() -> TestResult {
    let london = Calendar::new(Schedule::weekdays(
        Tz::Europe__London,
        "09:00-17:00".parse()?,
    )?);
    // Clocks go back on 25 October 2026: 00:00 to 12:00 lasts 13 hours.
    let work = [WorkedTime::OnDay {
        date: day(2026, 10, 25),
        interval: "00:00-12:00".parse()?,
    }
    .resolve(&london)?];
    let periods = OvertimeRules::new(Weekday::Mon).classify(&london, &monthly()?, &work)?;
    assert_eq!(only(&periods)?.total(), Hours::from(13));
    Ok(())
}

#[test]
fn overlapping_work_is_refused_in_classification() -> TestResult {
    let work = [
        on(day(2026, 5, 5), "09:00-12:00")?,
        on(day(2026, 5, 5), "11:00-13:00")?,
    ];
    let err = rules().classify(&calendar(), &monthly()?, &work).err();
    assert!(
        matches!(err, Some(Error::OverlappingWork { .. })),
        "{err:?}"
    );
    Ok(())
}

fn opened() -> Result<Timesheet, Box<dyn std::error::Error>> {
    let mut sheet = Timesheet::default();
    sheet.handle(&TimesheetCommand::Open {
        employee: EmployeeId::from_u128(7),
        period: DateRange::new(day(2026, 5, 1), day(2026, 6, 1))?,
        calendar: calendar(),
    })?;
    Ok(sheet)
}

#[test]
fn a_timesheet_refuses_overlaps_and_work_outside_its_days() -> TestResult {
    let mut sheet = opened()?;
    sheet.handle(&TimesheetCommand::Record {
        work: WorkedTime::Between(on(day(2026, 5, 5), "09:00-12:00")?),
    })?;
    let overlap = sheet.handle(&TimesheetCommand::Record {
        work: WorkedTime::OnDay {
            date: day(2026, 5, 5),
            interval: "11:54-13:00".parse()?,
        },
    });
    assert!(
        matches!(overlap, Err(Error::OverlappingWork { .. })),
        "{overlap:?}"
    );
    let outside = sheet.handle(&TimesheetCommand::Record {
        work: WorkedTime::OnDay {
            date: day(2026, 6, 1),
            interval: "09:00-10:00".parse()?,
        },
    });
    assert!(
        matches!(outside, Err(Error::WorkOutsidePeriod { .. })),
        "{outside:?}"
    );
    // A night shift from the last day runs into the next month.
    sheet.handle(&TimesheetCommand::Record {
        work: WorkedTime::OnDay {
            date: day(2026, 5, 31),
            interval: "22:00-06:00".parse()?,
        },
    })?;
    assert_eq!(sheet.total(), Hours::from(11));
    Ok(())
}

#[test]
fn a_timesheet_is_submitted_then_approved_by_someone_else() -> TestResult {
    let mut sheet = opened()?;
    let early = sheet.handle(&TimesheetCommand::Approve {
        approver: EmployeeId::from_u128(1),
    });
    assert!(matches!(
        early,
        Err(Error::TimesheetNotAllowed {
            status: TimesheetStatus::Open,
            ..
        })
    ));
    sheet.handle(&TimesheetCommand::Submit)?;
    let late = sheet.handle(&TimesheetCommand::Record {
        work: WorkedTime::Between(on(day(2026, 5, 5), "09:00-12:00")?),
    });
    assert!(matches!(late, Err(Error::TimesheetNotAllowed { .. })));
    sheet.handle(&TimesheetCommand::Return {
        reason: Reason::new("Tuesday is missing")?,
    })?;
    assert_eq!(sheet.status(), Some(TimesheetStatus::Open));
    sheet.handle(&TimesheetCommand::Submit)?;
    let own = sheet.handle(&TimesheetCommand::Approve {
        approver: EmployeeId::from_u128(7),
    });
    assert_eq!(
        own.err().map(|e| e.to_string()),
        Some(format!(
            "employee {} cannot approve their own timesheet",
            EmployeeId::from_u128(7)
        ))
    );
    sheet.handle(&TimesheetCommand::Approve {
        approver: EmployeeId::from_u128(1),
    })?;
    assert_eq!(sheet.status(), Some(TimesheetStatus::Approved));
    Ok(())
}

#[test]
fn work_off_the_hundredth_of_an_hour_grid_is_refused() -> TestResult {
    let start = Utc
        .with_ymd_and_hms(2026, 5, 5, 9, 0, 0)
        .single()
        .ok_or("time")?;
    let end = Utc
        .with_ymd_and_hms(2026, 5, 5, 9, 1, 0)
        .single()
        .ok_or("time")?;
    let err = WorkInterval::new(start, end).err().map(|e| e.to_string());
    assert_eq!(
        err,
        Some("worked interval 2026-05-05 09:00:00 UTC to 2026-05-05 09:01:00 UTC: its ends are not on a hundredth of an hour (36 seconds)".to_owned())
    );
    Ok(())
}

fn week_start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 27, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn classify(
    rules: &OvertimeRules,
    work: &[WorkInterval],
) -> Result<Vec<PeriodHours>, TestCaseError> {
    let schedule = monthly().map_err(|e| TestCaseError::fail(e.to_string()))?;
    rules
        .classify(&calendar(), &schedule, work)
        .map_err(|e| TestCaseError::fail(e.to_string()))
}

fn paid(periods: &[PeriodHours]) -> Decimal {
    periods.iter().map(PeriodHours::paid_equivalent).sum()
}

proptest! {
    #[test]
    fn classified_hours_add_up_to_worked_hours(
        rules in strategy::overtime_rules(),
        work in strategy::worked_intervals(week_start(), 30),
    ) {
        let periods = classify(&rules, &work)?;
        let classified: Hours = periods.iter().map(PeriodHours::total).sum();
        let worked: Hours = work.iter().map(WorkInterval::hours).sum();
        prop_assert_eq!(classified, worked);
        prop_assert!(paid(&periods) >= worked.value());
    }

    #[test]
    fn adding_work_never_lowers_what_is_paid(
        rules in strategy::overtime_rules(),
        work in strategy::worked_intervals(week_start(), 30),
        drop in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!work.is_empty());
        let mut fewer = work.clone();
        fewer.remove(drop.index(work.len()));
        prop_assert!(paid(&classify(&rules, &fewer)?) <= paid(&classify(&rules, &work)?));
    }

    #[test]
    fn order_and_splitting_of_intervals_do_not_matter(
        rules in strategy::overtime_rules(),
        work in strategy::worked_intervals(week_start(), 30),
        order in Just(()).prop_perturb(|(), mut rng| rng.random::<u64>()),
        cuts in prop::collection::vec(1i64..=139, 30),
    ) {
        let expected = classify(&rules, &work)?;
        // Cut each interval in two on the 6-minute grid, then shuffle.
        let mut pieces = Vec::new();
        for (interval, cut) in work.iter().zip(cuts.iter().chain(std::iter::repeat(&1))) {
            let middle = interval.start() + chrono::TimeDelta::seconds(cut * 360);
            match (WorkInterval::new(interval.start(), middle), WorkInterval::new(middle, interval.end())) {
                (Ok(a), Ok(b)) if middle < interval.end() => pieces.extend([b, a]),
                _ => pieces.push(*interval),
            }
        }
        let len = pieces.len();
        if len > 1 {
            let mut state = order;
            for i in (1..len).rev() {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let j = usize::try_from(state >> 33).unwrap_or(0) % (i + 1);
                pieces.swap(i, j);
            }
        }
        prop_assert_eq!(classify(&rules, &pieces)?, expected);
    }

    #[test]
    fn a_timesheet_replays_to_the_same_state(work in strategy::worked_intervals(week_start(), 20)) {
        let mut sheet = Timesheet::default();
        let mut events = Vec::new();
        let period = DateRange::new(day(2026, 4, 27), day(2026, 6, 1)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut commands = vec![TimesheetCommand::Open { employee: EmployeeId::from_u128(7), period, calendar: calendar() }];
        commands.extend(work.iter().map(|i| TimesheetCommand::Record { work: WorkedTime::Between(*i) }));
        commands.push(TimesheetCommand::Submit);
        for command in &commands {
            if let Ok(decided) = sheet.handle(command) {
                events.extend(decided);
            }
        }
        let mut replayed = Timesheet::default();
        for event in &events {
            replayed.replay(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(replayed, sheet);
    }
}

proptest! {
    #[test]
    fn generated_timesheets_hold_no_overlap_and_round_trip_through_serde(
        sheet in strategy::timesheet(EmployeeId::from_u128(9), 25),
        rules in strategy::overtime_rules(),
        schedule in strategy::pay_schedule(),
    ) {
        let intervals = sheet.intervals();
        prop_assert!(intervals.windows(2).all(|w| matches!(w, [a, b] if a.end() <= b.start())));
        let calendar = sheet.calendar().ok_or_else(|| TestCaseError::fail("not opened"))?;
        let periods = rules.classify(calendar, &schedule, intervals).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(periods.iter().map(PeriodHours::total).sum::<Hours>(), sheet.total());
        let text = serde_json::to_string(&(rules, schedule, intervals)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: (OvertimeRules, PaySchedule, Vec<WorkInterval>) = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, (rules, schedule, intervals.to_vec()));
    }
}

#[test]
fn deserializing_refuses_invalid_hours_and_intervals() {
    assert_eq!(
        serde_json::from_str::<Hours>("\"8.25\"").ok(),
        Hours::new(Decimal::new(825, 2)).ok()
    );
    assert!(serde_json::from_str::<Hours>("\"-1\"").is_err());
    assert!(serde_json::from_str::<Hours>("\"0.001\"").is_err());
    assert!(serde_json::from_str::<Multiplier>("\"0.5\"").is_err());
    let reversed = r#"{"start":"2026-05-05T12:00:00Z","end":"2026-05-05T09:00:00Z"}"#;
    assert!(serde_json::from_str::<WorkInterval>(reversed).is_err());
    let anchor = r#"{"frequency":"monthly","anchor":"2026-01-31"}"#;
    assert!(serde_json::from_str::<PaySchedule>(anchor).is_err());
}
