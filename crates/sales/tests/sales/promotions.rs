//! Buy X get Y, bundles, priorities and stacking: worked cases, bad
//! configurations, and invariants over generated promotions.

use bureau_core::{Currency, DateRange, Money, Percent, ProductId, RoundingStrategy, money};
use bureau_sales::strategy;
use bureau_sales::*;
use chrono::NaiveDate;
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const MUG: ProductId = ProductId::from_u128(1);
const CAP: ProductId = ProductId::from_u128(2);
const PEN: ProductId = ProductId::from_u128(3);

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
}

fn product(id: ProductId, sku: &str) -> Product {
    Product::new(
        id,
        Sku::new(sku).unwrap(),
        ProductName::new(sku).unwrap(),
        UnitOfMeasure::new("each").unwrap(),
        TaxCategory::new("standard").unwrap(),
    )
}

fn catalog() -> Catalog {
    Catalog::from_products([
        product(MUG, "MUG"),
        product(CAP, "CAP"),
        product(PEN, "PEN"),
    ])
    .unwrap()
}

/// Mugs at 8.00, caps at 5.00, pens at 1.50.
fn prices() -> PriceBook {
    let year = DateRange::new(
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    )
    .unwrap();
    let tier = |m| [PriceTier::new(Quantity::ZERO, m).unwrap()];
    PriceBook::new([PriceList::new(
        PriceListCode::new("EUR").unwrap(),
        Currency::EUR,
        None,
        year,
    )
    .with_prices(MUG, tier(money!(8.00 EUR)))
    .unwrap()
    .with_prices(CAP, tier(money!(5.00 EUR)))
    .unwrap()
    .with_prices(PEN, tier(money!(1.50 EUR)))
    .unwrap()])
}

fn name(text: &str) -> DiscountName {
    DiscountName::new(text).unwrap()
}

fn q(units: &str) -> Quantity {
    units.parse().unwrap()
}

fn percent(p: i64) -> LineDiscount {
    LineDiscount::Percentage(Percent::new(p.into()))
}

fn price(catalog: &Catalog, rules: &[DiscountRule], lines: &[(ProductId, &str)]) -> PricedDocument {
    let prices = prices();
    let taxes = TaxTable::default();
    let engine = Pricing::new(
        catalog,
        &prices,
        &taxes,
        PricingConfig::new(RoundingStrategy::MidpointAwayFromZero),
    )
    .with_discounts(rules);
    let document = Document::new(Currency::EUR, day()).with_lines(
        lines
            .iter()
            .map(|(product, units)| DocumentLine::new(*product, q(units))),
    );
    engine.price(&document).unwrap()
}

fn free_units(line: &PricedLine) -> Quantity {
    line.steps
        .iter()
        .filter_map(|s| match s {
            LineStep::FreeUnits { units, .. } => Some(*units),
            _ => None,
        })
        .fold(Quantity::ZERO, |a, b| a.checked_add(b).unwrap())
}

#[test]
fn the_cheapest_units_are_free_earlier_lines_first_on_ties() {
    let rules = [DiscountRule::buy_get(
        name("3 for 2"),
        DiscountTarget::All,
        BuyGet::new(q("2"), q("1"), FreeUnits::Cheapest).unwrap(),
    )];
    // 2 + 3 + 2 = 7 units: two sets of three, two free units, both pens
    // (the cheapest); then caps if pens run out.
    let priced = price(
        &catalog(),
        &rules,
        &[(MUG, "2"), (CAP, "3"), (PEN, "1"), (PEN, "1")],
    );
    let free: Vec<Quantity> = priced.lines().iter().map(free_units).collect();
    assert_eq!(free, [q("0"), q("0"), q("1"), q("1")]);
    assert_eq!(priced.totals().discount, money!(3.00 EUR));
    // Nine units: three free, two pens and one cap.
    let priced = price(&catalog(), &rules, &[(MUG, "4"), (CAP, "3"), (PEN, "2")]);
    let free: Vec<Quantity> = priced.lines().iter().map(free_units).collect();
    assert_eq!(free, [q("0"), q("1"), q("2")]);
    assert_eq!(priced.lines()[1].discount, money!(5.00 EUR));
    // Fractional quantities count, whole sets only: 2.5 units make no set.
    let priced = price(&catalog(), &rules, &[(MUG, "2.5")]);
    assert_eq!(priced.totals().discount, money!(0.00 EUR));
    // 4.5 units of one line: one set, one unit free, a 1/4.5 share.
    let priced = price(&catalog(), &rules, &[(MUG, "4.5")]);
    assert_eq!(free_units(&priced.lines()[0]), q("1"));
    assert_eq!(priced.lines()[0].discount, money!(8.00 EUR));
}

#[test]
fn a_given_product_is_free_for_the_units_bought() {
    // Every two mugs give a pen free; the pens bought do not count.
    let rules = [DiscountRule::buy_get(
        name("Pen with mugs"),
        DiscountTarget::All,
        BuyGet::new(q("2"), q("1"), FreeUnits::Product(PEN)).unwrap(),
    )];
    let priced = price(&catalog(), &rules, &[(MUG, "5"), (PEN, "3")]);
    assert_eq!(free_units(&priced.lines()[1]), q("2"));
    assert_eq!(priced.lines()[1].discount, money!(3.00 EUR));
    assert_eq!(priced.lines()[0].discount, money!(0.00 EUR));
    // No more free than the document holds.
    let priced = price(&catalog(), &rules, &[(MUG, "8"), (PEN, "1")]);
    assert_eq!(free_units(&priced.lines()[1]), q("1"));
    // Targets limit what counts: caps buy nothing here.
    let rules = [DiscountRule::buy_get(
        name("Pen with mugs"),
        DiscountTarget::Product(MUG),
        BuyGet::new(q("2"), q("1"), FreeUnits::Product(PEN)).unwrap(),
    )];
    let priced = price(&catalog(), &rules, &[(CAP, "4"), (PEN, "2")]);
    assert_eq!(priced.totals().discount, money!(0.00 EUR));
}

fn office() -> Catalog {
    let mut catalog = catalog();
    catalog
        .insert_bundle(
            Bundle::new(
                Sku::new("KIT").unwrap(),
                ProductName::new("Desk kit").unwrap(),
                [
                    BundleComponent::new(MUG, q("1")),
                    BundleComponent::new(PEN, q("2")),
                ],
            )
            .unwrap(),
        )
        .unwrap();
    catalog
}

fn kit(price: Money) -> DiscountRule {
    DiscountRule::bundle(name("Desk kit"), Sku::new("KIT").unwrap(), price).unwrap()
}

#[test]
fn complete_sets_cost_the_bundle_price() {
    // A kit is a mug and two pens, 11.00 at list price, sold at 9.00.
    let rules = [kit(money!(9.00 EUR))];
    let priced = price(&office(), &rules, &[(MUG, "2"), (PEN, "3"), (PEN, "2")]);
    // Two sets: two mugs and four of the five pens, 22.00 for 18.00; the
    // fifth pen (the second pen line's second unit) at list price.
    assert_eq!(priced.totals().net, money!(19.50 EUR));
    assert_eq!(priced.totals().discount, money!(4.00 EUR));
    let sets: Vec<(Quantity, Quantity)> = priced
        .lines()
        .iter()
        .flat_map(|l| &l.steps)
        .filter_map(|s| match s {
            LineStep::Bundle { sets, units, .. } => Some((*sets, *units)),
            _ => None,
        })
        .collect();
    assert_eq!(sets, [(q("2"), q("2")), (q("2"), q("3")), (q("2"), q("1"))]);
    // No complete set, no discount; a bundle dearer than its parts, none.
    let priced = price(&office(), &rules, &[(MUG, "3"), (PEN, "1")]);
    assert_eq!(priced.totals().discount, money!(0.00 EUR));
    let priced = price(
        &office(),
        &[kit(money!(12.00 EUR))],
        &[(MUG, "1"), (PEN, "2")],
    );
    assert_eq!(priced.totals().discount, money!(0.00 EUR));
}

#[test]
fn a_bundle_comes_after_the_rules_before_it_and_within_its_caps() {
    // 10% off everything first: a kit then costs 9.90 and is sold at 9.00.
    let rules = [
        DiscountRule::line(name("Ten"), DiscountTarget::All, percent(10)).unwrap(),
        kit(money!(9.00 EUR)),
    ];
    let priced = price(&office(), &rules, &[(MUG, "1"), (PEN, "2")]);
    assert_eq!(priced.totals().net, money!(9.00 EUR));
    // A cap per line limits the bundle's share on each line.
    let rules = [kit(money!(5.00 EUR))
        .with_cap_per_line(money!(1.00 EUR))
        .unwrap()];
    let priced = price(&office(), &rules, &[(MUG, "1"), (PEN, "2")]);
    assert_eq!(priced.totals().discount, money!(2.00 EUR));
}

#[test]
fn priorities_order_the_rules_and_exclusive_rules_apply_alone() {
    let five_off = |p| {
        DiscountRule::line(
            name("Five off"),
            DiscountTarget::All,
            LineDiscount::FixedPerLine(money!(5.00 EUR)),
        )
        .unwrap()
        .with_priority(p)
    };
    let half = |p| {
        DiscountRule::line(name("Half"), DiscountTarget::All, percent(50))
            .unwrap()
            .with_priority(p)
    };
    // In the given order: half of 16.00, then 5.00; by priority, 5.00 first.
    let priced = price(&catalog(), &[half(0), five_off(0)], &[(MUG, "2")]);
    assert_eq!(priced.totals().net, money!(3.00 EUR));
    let priced = price(&catalog(), &[half(0), five_off(1)], &[(MUG, "2")]);
    assert_eq!(priced.totals().net, money!(5.50 EUR));

    // An exclusive rule of lower priority than a rule that discounted the
    // line does not apply; of higher priority, it applies alone.
    let clearance = |p| {
        DiscountRule::line(name("Clearance"), DiscountTarget::Product(MUG), percent(25))
            .unwrap()
            .with_priority(p)
            .with_stacking(Stacking::Exclusive)
    };
    let priced = price(
        &catalog(),
        &[five_off(1), clearance(0)],
        &[(MUG, "2"), (CAP, "1")],
    );
    assert_eq!(priced.lines()[0].net, money!(11.00 EUR));
    let priced = price(
        &catalog(),
        &[five_off(0), clearance(1)],
        &[(MUG, "2"), (CAP, "1")],
    );
    assert_eq!(priced.lines()[0].net, money!(12.00 EUR));
    assert_eq!(priced.lines()[0].steps.len(), 2); // price, clearance
    // Lines it does not target keep the other rules.
    assert_eq!(priced.lines()[1].net, money!(0.00 EUR));

    // An exclusive rule that takes nothing off a line leaves it to the others.
    let none = DiscountRule::volume(
        name("Big orders"),
        DiscountTarget::All,
        TierBasis::Line,
        [VolumeTier::new(q("100"), Percent::new(30.into())).unwrap()],
    )
    .unwrap()
    .with_priority(2)
    .with_stacking(Stacking::Exclusive);
    let priced = price(&catalog(), &[none, five_off(0)], &[(MUG, "2")]);
    assert_eq!(priced.totals().net, money!(11.00 EUR));
}

#[test]
fn best_of_takes_the_largest_ties_to_the_first() {
    let best = |rule: DiscountRule| rule.with_stacking(Stacking::BestOf);
    let rules = [
        best(DiscountRule::line(name("Ten"), DiscountTarget::All, percent(10)).unwrap()),
        best(
            DiscountRule::line(
                name("Two off"),
                DiscountTarget::All,
                LineDiscount::FixedPerLine(money!(2.00 EUR)),
            )
            .unwrap(),
        ),
    ];
    // Mugs: 10% of 40.00 beats 2.00; a pen: 2.00 (capped at 1.50) beats 0.15.
    let priced = price(&catalog(), &rules, &[(MUG, "5"), (PEN, "1")]);
    assert_eq!(priced.lines()[0].discount, money!(4.00 EUR));
    assert_eq!(priced.lines()[1].discount, money!(1.50 EUR));
    assert_eq!(priced.lines()[0].steps.len(), 2);
    // 10% of 20.00 ties 2.00: the rule given first wins.
    let priced = price(&catalog(), &rules, &[(CAP, "4")]);
    assert!(matches!(&priced.lines()[0].steps[1],
        LineStep::Discount { rule, .. } if rule.as_str() == "Ten"));
    // Best-of rules of different priorities do not compete.
    let rules = [rules[0].clone(), rules[1].clone().with_priority(1)];
    let priced = price(&catalog(), &rules, &[(CAP, "4")]);
    assert_eq!(priced.lines()[0].discount, money!(3.80 EUR));
}

#[test]
fn bad_configurations_are_typed_errors() -> TestResult {
    assert!(matches!(
        BuyGet::new(q("2"), q("0"), FreeUnits::Cheapest),
        Err(Error::InvalidBuyGet { .. })
    ));
    assert!(matches!(
        BuyGet::new(q("-1"), q("1"), FreeUnits::Cheapest),
        Err(Error::InvalidBuyGet { .. })
    ));
    let kit = |components: Vec<BundleComponent>| {
        Bundle::new(
            Sku::new("KIT").unwrap(),
            ProductName::new("Kit").unwrap(),
            components,
        )
    };
    assert!(matches!(kit(vec![]), Err(Error::InvalidBundle { .. })));
    assert!(matches!(
        kit(vec![BundleComponent::new(MUG, q("0"))]),
        Err(Error::InvalidBundle { .. })
    ));
    let mut catalog = catalog();
    let err = catalog
        .insert_bundle(kit(vec![BundleComponent::new(
            ProductId::from_u128(9),
            q("1"),
        )])?)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "bundle KIT holds product {}, which is not in the catalog",
            ProductId::from_u128(9)
        )
    );
    catalog.insert_bundle(kit(vec![BundleComponent::new(MUG, q("1"))])?)?;
    assert!(matches!(
        catalog.insert_bundle(kit(vec![BundleComponent::new(CAP, q("1"))])?),
        Err(Error::DuplicateBundle { .. })
    ));
    // A product may not take a bundle's SKU, nor a bundle a product's.
    assert!(matches!(
        catalog.insert(product(ProductId::from_u128(7), "KIT")),
        Err(Error::DuplicateBundle { .. })
    ));
    assert!(matches!(
        catalog.insert_bundle(Bundle::new(
            Sku::new("MUG")?,
            ProductName::new("Mugs")?,
            [BundleComponent::new(MUG, q("2"))]
        )?),
        Err(Error::DuplicateSku { .. })
    ));
    assert!(matches!(
        DiscountRule::bundle(name("Kit"), Sku::new("KIT")?, money!(-1.00 EUR)),
        Err(Error::NegativeAmount { .. })
    ));
    // At pricing: an unknown bundle, a price in another currency.
    let prices = prices();
    let taxes = TaxTable::default();
    let config = PricingConfig::new(RoundingStrategy::MidpointAwayFromZero);
    let document = Document::new(Currency::EUR, day()).with_line(DocumentLine::new(MUG, q("1")));
    let unknown = [DiscountRule::bundle(
        name("Other"),
        Sku::new("OTHER")?,
        money!(1.00 EUR),
    )?];
    let err = Pricing::new(&catalog, &prices, &taxes, config)
        .with_discounts(&unknown)
        .price(&document)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "discount Other prices bundle OTHER, which is not in the catalog"
    );
    let dollars = [DiscountRule::bundle(
        name("Kit"),
        Sku::new("KIT")?,
        money!(1.00 USD),
    )?];
    assert!(matches!(
        Pricing::new(&catalog, &prices, &taxes, config)
            .with_discounts(&dollars)
            .price(&document),
        Err(Error::ForeignAmount { .. })
    ));
    Ok(())
}

#[test]
fn promotions_and_bundles_survive_serde() -> TestResult {
    let rules = vec![
        kit(money!(9.00 EUR)).with_priority(2),
        DiscountRule::buy_get(
            name("3 for 2"),
            DiscountTarget::All,
            BuyGet::new(q("2"), q("1"), FreeUnits::Product(PEN))?,
        )
        .with_stacking(Stacking::BestOf),
    ];
    let json = serde_json::to_string(&rules)?;
    assert_eq!(serde_json::from_str::<Vec<DiscountRule>>(&json)?, rules);
    let catalog = office();
    let json = serde_json::to_string(&catalog)?;
    assert_eq!(serde_json::from_str::<Catalog>(&json)?, catalog);
    // Read back through the constructors' checks.
    let bad = json.replace("\"quantity\":\"2\"", "\"quantity\":\"0\"");
    assert!(serde_json::from_str::<Catalog>(&bad).is_err());
    let bad = r#"{"buy":"0","get":"1","free":"cheapest"}"#;
    assert!(serde_json::from_str::<BuyGet>(bad).is_err());
    Ok(())
}

fn sum(currency: Currency, amounts: impl IntoIterator<Item = Money>) -> Money {
    Money::checked_sum(amounts, currency).unwrap()
}

/// The rule a rule step names.
fn rule_of(step: &LineStep) -> Option<(&DiscountName, Money)> {
    match step {
        LineStep::Discount { rule, amount, .. }
        | LineStep::FreeUnits { rule, amount, .. }
        | LineStep::Bundle { rule, amount, .. } => Some((rule, *amount)),
        _ => None,
    }
}

proptest! {
    #[test]
    fn promotions_keep_the_totals_and_the_stacking(
        (setup, document) in strategy::promotion_setup_and_document()
    ) {
        let engine = setup.engine();
        let priced = engine.price(&document)?;
        prop_assert_eq!(&engine.price(priced.document())?, &priced);
        let c = setup.currency;
        let totals = priced.totals();
        prop_assert_eq!(totals.discount, sum(c, priced.lines().iter().map(|l| l.discount)));
        prop_assert_eq!(totals.gross, sum(c, priced.lines().iter().map(|l| l.gross)));
        let by_name = |n: &DiscountName| setup.discounts.iter().find(|r| r.name() == n);
        for line in priced.lines() {
            prop_assert!(!line.list_amount.checked_sub(line.discount)?.is_negative());
            let taken: Vec<(&DiscountRule, Money)> = line.steps.iter().filter_map(rule_of)
                .filter_map(|(n, a)| Some((by_name(n)?, a))).collect();
            for (rule, amount) in &taken {
                prop_assert!(!amount.is_negative());
                if let Some(cap) = rule.cap_per_line() {
                    prop_assert!(amount.to_minor() <= cap.to_minor());
                }
            }
            // An exclusive rule that took something is the only rule that did.
            if taken.iter().any(|(r, a)| r.stacking() == Stacking::Exclusive && a.is_positive()) {
                prop_assert_eq!(taken.iter().filter(|(_, a)| a.is_positive()).count(), 1);
            }
            // Of the best-of rules of one priority, one at most applied.
            for (rule, _) in &taken {
                if rule.stacking() == Stacking::BestOf {
                    let rivals = taken.iter().filter(|(r, _)| r.stacking() == Stacking::BestOf
                        && r.priority() == rule.priority()).count();
                    prop_assert_eq!(rivals, 1);
                }
            }
        }
    }

    /// Complete sets of a bundle, split over lines in any way, cost exactly
    /// the bundle price when it is below their list price.
    #[test]
    fn complete_sets_cost_exactly_the_bundle_price(
        (setup, bundle, sets, splits, below) in strategy::setup()
            .prop_flat_map(|s| { let n = s.catalog.len(); (Just(s), strategy::bundle(1, n)) })
            .prop_flat_map(|(s, b)| {
                let parts = b.components().len();
                (Just(s), Just(b), 1_u32..4, prop::collection::vec(any::<bool>(), parts), 0_u32..=100)
            })
    ) {
        let mut catalog = setup.catalog.clone();
        catalog.insert_bundle(bundle.clone())?;
        let currency = setup.currency;
        let document = Document::new(currency, setup.validity.start()).with_lines(
            bundle.components().iter().zip(&splits).flat_map(|(c, split)| {
                let units = c.quantity.value() * bureau_core::Decimal::from(sets);
                let one = bureau_core::Decimal::ONE;
                if *split && units > one {
                    vec![DocumentLine::new(c.product, Quantity::new(one)),
                         DocumentLine::new(c.product, Quantity::new(units - one))]
                } else {
                    vec![DocumentLine::new(c.product, Quantity::new(units))]
                }
            }));
        let taxes = TaxTable::default();
        let plain = Pricing::new(&catalog, &setup.prices, &taxes, setup.config).price(&document)?;
        // A bundle price at `below`% of one set's list cost.
        let per_set = plain.totals().list_amount.to_minor() / i128::from(sets);
        let price = Money::from_minor(per_set * i128::from(below) / 100, currency)?;
        let rules = [DiscountRule::bundle(DiscountName::new("Set")?, bundle.sku().clone(), price)?];
        let priced = Pricing::new(&catalog, &setup.prices, &taxes, setup.config)
            .with_discounts(&rules).price(&document)?;
        let set_price = price.to_minor() * i128::from(sets);
        let list = plain.totals().list_amount.to_minor();
        prop_assert_eq!(priced.totals().net.to_minor(), set_price.min(list));
    }

    /// Three for two: of every `buy + get` targeted units, `get` are free,
    /// the cheapest.
    #[test]
    fn the_free_units_are_the_whole_sets(
        (setup, document, buy, get) in strategy::setup_and_document()
            .prop_flat_map(|(s, d)| (Just(s), Just(d), 1_u32..4, 1_u32..3))
    ) {
        let offer = BuyGet::new(Quantity::from(buy), Quantity::from(get), FreeUnits::Cheapest)?;
        let rules = [DiscountRule::buy_get(DiscountName::new("Free")?, DiscountTarget::All, offer)];
        let document = Document::new(document.currency(), document.date())
            .with_lines(document.lines().iter().copied());
        let priced = setup.engine().with_discounts(&rules).price(&document)?;
        let units: bureau_core::Decimal = document.lines().iter().map(|l| l.quantity.value()).sum();
        let expected = (units / bureau_core::Decimal::from(buy + get)).floor() * bureau_core::Decimal::from(get);
        let free: bureau_core::Decimal = priced.lines().iter().map(|l| free_units(l).value()).sum();
        prop_assert_eq!(free, expected);
        // No free unit on a line dearer than a line with units not free.
        let lines = priced.lines();
        for paid in lines.iter().filter(|l| free_units(l) < l.quantity) {
            for given in lines.iter().filter(|l| free_units(l).is_positive()) {
                prop_assert!(given.unit_price.to_minor() <= paid.unit_price.to_minor());
            }
        }
    }
}
