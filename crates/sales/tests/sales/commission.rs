//! Commission statements: monotone in credited sales under non-decreasing
//! tiers, exact over their lines, and back to zero when everything is
//! clawed back.

// Amounts in cents are written as euros_cents (8_000_00 is 8 000.00 EUR).
#![allow(clippy::inconsistent_digit_grouping)]

use bureau_core::{Currency, Decimal, EmployeeId, Money, Percent, Period, Rate};
use bureau_sales::{
    AttainmentBand, CommissionPlan, CommissionTier, CreditShare, CreditedSale, EarnedOn, Quota,
    SaleEventKind, SaleReference, TierMode, commission_statement, strategy,
};
use chrono::NaiveDate;
use proptest::prelude::*;

const ANN: EmployeeId = EmployeeId::from_u128(1);
const BOB: EmployeeId = EmployeeId::from_u128(2);

fn eur(cents: i64) -> Money {
    Money::from_minor(i128::from(cents), Currency::EUR).unwrap()
}

fn quarter() -> Period {
    Period::quarter(2026, 2).unwrap()
}

fn credit_kind(plan: &CommissionPlan) -> (SaleEventKind, SaleEventKind) {
    match plan.basis() {
        EarnedOn::Payment => (SaleEventKind::Paid, SaleEventKind::PaymentReversed),
        _ => (SaleEventKind::Invoiced, SaleEventKind::InvoiceCredited),
    }
}

fn sale(n: usize, kind: SaleEventKind, cents: i64, day: u32, ann_share: i64) -> CreditedSale {
    let shares = if ann_share == 100 {
        vec![CreditShare::new(ANN, Percent::new(100.into()))]
    } else {
        vec![
            CreditShare::new(ANN, Percent::new(ann_share.into())),
            CreditShare::new(BOB, Percent::new((100 - ann_share).into())),
        ]
    };
    CreditedSale::new(
        SaleReference::new(format!("S-{n}")).unwrap(),
        kind,
        eur(cents),
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap() + chrono::Days::new(u64::from(day)),
        shares,
    )
    .unwrap()
}

fn sales() -> impl Strategy<Value = Vec<(i64, u32, i64)>> {
    prop::collection::vec((0_i64..3_000_000, 0_u32..80, 1_i64..=100), 0..12)
}

fn quota(owner: EmployeeId, cents: i64) -> Quota {
    Quota::new(owner, quarter(), eur(cents)).unwrap()
}

proptest! {
    #[test]
    fn commission_never_falls_when_credit_grows(
        plan in strategy::commission_plan(Currency::EUR),
        sales in sales(),
        extra in (1_i64..3_000_000, 0_u32..80, 1_i64..=100),
        target in 1_i64..20_000_000,
    ) {
        let (credit, _) = credit_kind(&plan);
        let quota = quota(ANN, target);
        let quota = Some(&quota);
        let mut credited: Vec<CreditedSale> = sales.iter().enumerate()
            .map(|(n, (cents, day, share))| sale(n, credit, *cents, *day, *share)).collect();
        let before = commission_statement(&plan, ANN, quarter(), quota, &credited).unwrap();
        credited.push(sale(99, credit, extra.0, extra.1, extra.2));
        let after = commission_statement(&plan, ANN, quarter(), quota, &credited).unwrap();
        prop_assert!(after.credited.amount() >= before.credited.amount());
        prop_assert!(after.commission.amount() >= before.commission.amount(),
            "{} then {} after crediting more", before.commission, after.commission);
        // Each line of a statement of credits only earns nothing negative.
        prop_assert!(after.lines.iter().all(|l| !l.commission.is_negative()));
    }

    #[test]
    fn clawing_back_everything_returns_commission_to_zero(
        plan in strategy::commission_plan(Currency::EUR),
        sales in sales(),
        target in 1_i64..20_000_000,
    ) {
        let (credit, clawback) = credit_kind(&plan);
        let quota = quota(ANN, target);
        let quota = Some(&quota);
        let mut credited: Vec<CreditedSale> = sales.iter().enumerate()
            .map(|(n, (cents, day, share))| sale(n, credit, *cents, *day, *share)).collect();
        // Clawbacks after every credit, in reverse order.
        credited.extend(sales.iter().enumerate().rev()
            .map(|(n, (cents, _, share))| sale(n, clawback, *cents, 85, *share)));
        let statement = commission_statement(&plan, ANN, quarter(), quota, &credited).unwrap();
        prop_assert!(statement.credited.is_zero());
        prop_assert!(statement.commission.is_zero(), "left {}", statement.commission);
        let sum = Money::checked_sum(statement.lines.iter().map(|l| l.commission), Currency::EUR).unwrap();
        prop_assert_eq!(sum, statement.commission);
        let clawed = statement.lines.iter().filter(|l| l.explanation.clawback).count();
        prop_assert_eq!(clawed * 2, statement.lines.len());
    }

    #[test]
    fn split_credit_adds_up_to_the_sale(sales in sales()) {
        let plan = CommissionPlan::flat(eur(0), Percent::new(10.into())).unwrap();
        let credited: Vec<CreditedSale> = sales.iter().enumerate()
            .map(|(n, (cents, day, share))| sale(n, SaleEventKind::Invoiced, *cents, *day, *share)).collect();
        let ann = commission_statement(&plan, ANN, quarter(), None, &credited).unwrap();
        let bob = commission_statement(&plan, BOB, quarter(), None, &credited).unwrap();
        let total = Money::checked_sum(credited.iter().map(CreditedSale::amount), Currency::EUR).unwrap();
        prop_assert_eq!(ann.credited.checked_add(bob.credited).unwrap(), total);
    }
}

#[test]
fn retroactive_tiers_re_rate_earlier_credit_and_caps_hold() {
    let plan = CommissionPlan::tiered(
        TierMode::Retroactive,
        [
            CommissionTier::new(eur(0), Percent::new(5.into())),
            CommissionTier::new(eur(10_000_00), Percent::new(10.into())),
        ],
    )
    .unwrap()
    .with_cap(eur(1_500_00))
    .unwrap();
    let sales = [
        sale(1, SaleEventKind::Invoiced, 8_000_00, 1, 100),
        sale(2, SaleEventKind::Invoiced, 4_000_00, 2, 100),
        sale(3, SaleEventKind::Invoiced, 6_000_00, 3, 100),
        // A payment does not count under a plan earned on invoice.
        sale(4, SaleEventKind::Paid, 6_000_00, 4, 100),
    ];
    let s = commission_statement(&plan, ANN, quarter(), None, &sales).unwrap();
    let earned: Vec<Money> = s.lines.iter().map(|l| l.commission).collect();
    // 8 000 x 5% = 400; 12 000 x 10% = 1 200 (800 more); 18 000 x 10% = 1 800, capped at 1 500.
    assert_eq!(earned, [eur(400_00), eur(800_00), eur(300_00)]);
    assert!(s.lines[2].explanation.capped);
    assert_eq!(s.commission, eur(1_500_00));
}

#[test]
fn decelerators_below_quota_and_a_missing_quota_is_refused() {
    let plan = CommissionPlan::flat(eur(0), Percent::new(10.into()))
        .unwrap()
        .with_bands([
            AttainmentBand::new(Percent::new(0.into()), Rate::new("0.5".parse().unwrap())),
            AttainmentBand::new(Percent::new(50.into()), Rate::new(Decimal::ONE)),
        ])
        .unwrap();
    let sales = [sale(1, SaleEventKind::Invoiced, 8_000_00, 1, 100)];
    // Quota 10 000: the first 5 000 earn 5%, the next 3 000 earn 10%.
    let s =
        commission_statement(&plan, ANN, quarter(), Some(&quota(ANN, 10_000_00)), &sales).unwrap();
    assert_eq!(s.commission, eur(550_00));
    assert_eq!(s.attainment, Some(Percent::new(80.into())));
    assert_eq!(s.lines[0].explanation.slices.len(), 2);
    let err = commission_statement(&plan, ANN, quarter(), None, &sales).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid commission plan: the plan has attainment bands but no quota was given"
    );
}

#[test]
fn plans_sales_quotas_and_stages_survive_serde_and_are_checked_when_read() {
    let plan = CommissionPlan::tiered(
        TierMode::Retroactive,
        [
            CommissionTier::new(eur(0), Percent::new(5.into())),
            CommissionTier::new(eur(10_000_00), Percent::new(10.into())),
        ],
    )
    .unwrap()
    .with_cap(eur(1_500_00))
    .unwrap()
    .earned_on(EarnedOn::Payment);
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<CommissionPlan>(&json).unwrap(), plan);
    // Tiers that fall in start are refused on the way in too.
    let mut swapped: serde_json::Value = serde_json::from_str(&json).unwrap();
    swapped["tiers"].as_array_mut().unwrap().reverse();
    assert!(serde_json::from_value::<CommissionPlan>(swapped).is_err());

    let sale = sale(1, SaleEventKind::Invoiced, 8_000_00, 1, 60);
    let json = serde_json::to_string(&sale).unwrap();
    assert_eq!(serde_json::from_str::<CreditedSale>(&json).unwrap(), sale);
    let mut over: serde_json::Value = serde_json::from_str(&json).unwrap();
    over["shares"][0]["share"] = serde_json::Value::from("70");
    assert!(serde_json::from_value::<CreditedSale>(over).is_err());

    let quota = quota(ANN, 10_000_00);
    let json = serde_json::to_string(&quota).unwrap();
    assert_eq!(serde_json::from_str::<Quota>(&json).unwrap(), quota);

    let stage = bureau_sales::Stage::open(
        bureau_sales::StageName::new("Proposal").unwrap(),
        Percent::new(40.into()),
    )
    .unwrap();
    let json = serde_json::to_string(&stage).unwrap();
    assert_eq!(
        serde_json::from_str::<bureau_sales::Stage>(&json).unwrap(),
        stage
    );
    assert!(
        serde_json::from_str::<bureau_sales::Stage>(&json.replace("\"40\"", "\"140\"")).is_err()
    );
}
