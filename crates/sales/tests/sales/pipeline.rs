//! Opportunities and the forecast: guarded transitions, replay, and the
//! weighted forecast as the exact sum of amount x probability.

use bureau_core::{Aggregate, Currency, EmployeeId, Money, PartyId, Percent, RoundingStrategy};
use bureau_sales::{
    CloseReason, DealSource, Error, ForecastOptions, Opportunity, OpportunityChange,
    OpportunityCommand, OpportunityData, OpportunityEvent, OpportunityId, OpportunityStatus,
    Pipeline, Stage, StageName, weighted_forecast,
};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;

pub fn pipeline() -> Pipeline {
    let name = |n: &str| StageName::new(n).unwrap();
    Pipeline::new([
        Stage::open(name("Qualification"), Percent::new(10.into())).unwrap(),
        Stage::open(name("Discovery"), Percent::new(25.into())).unwrap(),
        Stage::open(name("Proposal"), Percent::new("37.5".parse().unwrap())).unwrap(),
        Stage::open(name("Negotiation"), Percent::new(70.into())).unwrap(),
        Stage::won(name("Won")),
        Stage::lost(name("Lost")),
    ])
    .unwrap()
}

fn t0() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::days(20_000)
}

fn open_command(
    id: u128,
    stage: usize,
    cents: i64,
    owner: u128,
    close_day: u64,
) -> OpportunityCommand {
    let pipeline = pipeline();
    let stage = pipeline.stage_at(stage).unwrap().name().clone();
    let close = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .checked_add_days(chrono::Days::new(close_day))
        .unwrap();
    let data = OpportunityData::new(
        OpportunityId::from_u128(id),
        pipeline,
        stage,
        Money::from_minor(i128::from(cents), Currency::EUR).unwrap(),
        EmployeeId::from_u128(owner),
        PartyId::from_u128(id),
        close,
    )
    .with_source(DealSource::new("referral").unwrap());
    OpportunityCommand::new(t0(), OpportunityChange::Open(Box::new(data)))
}

fn opened(id: u128, stage: usize, cents: i64, owner: u128, close_day: u64) -> Opportunity {
    let mut o = Opportunity::default();
    o.handle(&open_command(id, stage, cents, owner, close_day))
        .unwrap();
    o
}

fn change() -> impl Strategy<Value = OpportunityChange> {
    let stage = prop::sample::select(vec![
        "Qualification",
        "Discovery",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
        "Unknown",
    ])
    .prop_map(|n| StageName::new(n).unwrap());
    prop_oneof![
        4 => stage.prop_map(OpportunityChange::MoveTo),
        1 => (-100_i64..1_000_000).prop_map(|c| OpportunityChange::SetAmount(
            Money::from_minor(i128::from(c), Currency::EUR).unwrap())),
        1 => Just(OpportunityChange::SetAmount(Money::from_minor(100, Currency::USD).unwrap())),
        1 => (1_u128..4).prop_map(|o| OpportunityChange::AssignOwner(EmployeeId::from_u128(o))),
        1 => Just(OpportunityChange::Win(None)),
        1 => Just(OpportunityChange::Lose(CloseReason::new("Price").unwrap())),
        1 => Just(open_command(9, 0, 100, 1, 0).change),
    ]
}

proptest! {
    #[test]
    fn transitions_are_guarded_and_replay_to_the_same_state(
        changes in prop::collection::vec((change(), -1_i64..5), 0..25),
    ) {
        let mut deal = opened(1, 0, 10_000, 1, 10);
        let mut events: Vec<OpportunityEvent> = vec![OpportunityEvent::new(t0(), open_command(1, 0, 10_000, 1, 10).change)];
        let mut at = t0();
        for (change, step) in changes {
            at += TimeDelta::days(step);
            let before = deal.clone();
            match deal.handle(&OpportunityCommand::new(at, change)) {
                Ok(decided) => {
                    prop_assert_eq!(before.status(), Some(OpportunityStatus::Open),
                        "a closed opportunity changed");
                    prop_assert!(deal.amount().is_some_and(|a| !a.is_negative()));
                    events.extend(decided);
                }
                Err(err) => {
                    prop_assert_eq!(&deal, &before, "a refused command changed the state");
                    let expected = matches!(err,
                        Error::InvalidOpportunityTransition { .. } | Error::UnknownStage { .. }
                        | Error::InvalidPipeline { .. } | Error::NegativeAmount { .. }
                        | Error::CurrencyMismatch { .. } | Error::OutOfOrder { .. });
                    prop_assert!(expected, "unexpected error {}", err);
                }
            }
        }
        let replayed = Opportunity::from_events(&events).unwrap();
        prop_assert_eq!(&replayed, &deal);
        // The history starts at the opening and every entry is in order.
        prop_assert!(deal.history().windows(2).all(|w| w[0].at <= w[1].at));
        #[cfg(feature = "serde")]
        {
            let json = serde_json::to_string(&events).unwrap();
            let back: Vec<OpportunityEvent> = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(Opportunity::from_events(&back).unwrap(), deal);
        }
    }

    #[test]
    fn forecast_is_the_sum_of_amount_times_probability(
        deals in prop::collection::vec(
            (0_usize..4, 0_i64..100_000_000, 1_u128..5, 0_u64..365, prop::option::of(any::<bool>())),
            0..40),
        rounding in prop::sample::select(vec![
            RoundingStrategy::MidpointNearestEven, RoundingStrategy::ToZero,
            RoundingStrategy::AwayFromZero]),
    ) {
        let opportunities: Vec<Opportunity> = deals.iter().enumerate().map(|(i, (stage, cents, owner, close, outcome))| {
            let mut o = opened(i as u128, *stage, *cents, *owner, *close);
            match outcome {
                Some(true) => { o.handle(&OpportunityCommand::new(t0(), OpportunityChange::Win(None))).unwrap(); }
                Some(false) => { o.handle(&OpportunityCommand::new(t0(),
                    OpportunityChange::Lose(CloseReason::new("Price").unwrap()))).unwrap(); }
                None => {}
            }
            o
        }).collect();
        let options = ForecastOptions::new(Currency::EUR).with_rounding(rounding);
        let forecast = weighted_forecast(&opportunities, &options).unwrap();

        let open: Vec<&Opportunity> = opportunities.iter()
            .filter(|o| o.status() == Some(OpportunityStatus::Open)).collect();
        let expected = Money::checked_sum(open.iter().map(|o| {
            o.amount().unwrap().mul_rate(o.probability().unwrap().to_rate(), rounding).unwrap()
        }), Currency::EUR).unwrap();
        prop_assert_eq!(forecast.total.weighted, expected);
        prop_assert_eq!(forecast.total.count, open.len());
        // Exactness: each weighted amount is within half a cent (or one cent
        // under a directed rounding) of amount x probability.
        for deal in &forecast.deals {
            let exact = deal.amount.amount() * deal.probability.to_rate().value();
            prop_assert!((deal.weighted.amount() - exact).abs() < "0.01".parse().unwrap());
        }
        for totals in [
            forecast.by_period.values().copied().collect::<Vec<_>>(),
            forecast.by_owner.values().copied().collect(),
            forecast.by_stage.values().copied().collect(),
        ] {
            let sum = Money::checked_sum(totals.iter().map(|t| t.weighted), Currency::EUR).unwrap();
            prop_assert_eq!(sum, forecast.total.weighted);
            prop_assert_eq!(totals.iter().map(|t| t.count).sum::<usize>(), open.len());
        }
    }
}

proptest! {
    #[test]
    fn forecast_by_stage_default_or_model_is_the_sum_of_its_deals(
        (_, deals) in bureau_sales::strategy::opportunities(30, Currency::EUR),
    ) {
        let model = bureau_sales::WinModel::train(
            bureau_sales::WinModelConfig::new().with_min_history(0), &deals).unwrap();
        let as_of = bureau_sales::strategy::opened_at() + TimeDelta::days(60);
        for source in [
            bureau_sales::ProbabilitySource::StageDefault,
            bureau_sales::ProbabilitySource::Model { model: &model, as_of },
        ] {
            let options = ForecastOptions::new(Currency::EUR).with_probability(source);
            let forecast = weighted_forecast(&deals, &options).unwrap();
            let expected = Money::checked_sum(deals.iter()
                .filter(|o| o.status() == Some(OpportunityStatus::Open))
                .map(|o| {
                    let p = match source {
                        bureau_sales::ProbabilitySource::Model { .. } => model.predict(o, as_of).probability,
                        _ => o.probability().unwrap(),
                    };
                    o.amount().unwrap().mul_rate(p.to_rate(), RoundingStrategy::MidpointNearestEven).unwrap()
                }), Currency::EUR).unwrap();
            prop_assert_eq!(forecast.total.weighted, expected);
            let by_owner = Money::checked_sum(forecast.by_owner.values().map(|t| t.weighted), Currency::EUR).unwrap();
            prop_assert_eq!(by_owner, expected);
            prop_assert!(forecast.deals.iter().all(|d|
                d.probability >= Percent::new(0.into()) && d.probability <= Percent::new(100.into())));
        }
    }
}

#[test]
fn replaying_an_event_the_rules_refuse_is_an_error() {
    let open = OpportunityEvent::new(t0(), open_command(1, 0, 100, 1, 0).change);
    let to_nowhere = OpportunityEvent::new(
        t0(),
        OpportunityChange::MoveTo(StageName::new("Nowhere").unwrap()),
    );
    assert!(matches!(
        Opportunity::from_events([&open, &to_nowhere]),
        Err(Error::UnknownStage { .. })
    ));
    let earlier = OpportunityEvent::new(t0() - TimeDelta::days(1), OpportunityChange::Win(None));
    assert!(matches!(
        Opportunity::from_events([&open, &earlier]),
        Err(Error::OutOfOrder { .. })
    ));
}

#[test]
fn a_forecast_in_another_currency_is_refused() {
    let deal = opened(1, 0, 100, 1, 0);
    let err = weighted_forecast([&deal], &ForecastOptions::new(Currency::USD)).unwrap_err();
    assert_eq!(err.to_string(), "opportunity amount is in EUR, not USD");
}
