//! The pricing engine against worked cases, bad input, and its invariants.

use bureau_core::{Currency, DateRange, Money, Percent, ProductId, RoundingStrategy, money};
use bureau_sales::strategy;
use bureau_sales::*;
use chrono::NaiveDate;
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const A: ProductId = ProductId::from_u128(1);
const B: ProductId = ProductId::from_u128(2);
const OLD: ProductId = ProductId::from_u128(3);

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn catalog() -> Catalog {
    let product = |id, sku: &str, category: &str| {
        Product::new(
            id,
            Sku::new(sku).unwrap(),
            ProductName::new(sku).unwrap(),
            UnitOfMeasure::new("each").unwrap(),
            TaxCategory::new(category).unwrap(),
        )
    };
    Catalog::from_products([
        product(A, "A", "standard"),
        product(B, "B", "reduced"),
        product(OLD, "OLD", "standard").with_status(ProductStatus::Inactive),
    ])
    .unwrap()
}

fn prices(a: Money, b: Money) -> PriceBook {
    let year = DateRange::new(day(1, 1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()).unwrap();
    let tier = |m| [PriceTier::new(Quantity::ZERO, m).unwrap()];
    let eur = PriceList::new(PriceListCode::new("EUR").unwrap(), a.currency(), None, year)
        .with_prices(A, tier(a))
        .unwrap()
        .with_prices(B, tier(b))
        .unwrap()
        .with_prices(OLD, tier(a))
        .unwrap();
    let usd = PriceList::new(
        PriceListCode::new("USD").unwrap(),
        Currency::USD,
        None,
        year,
    )
    .with_prices(ProductId::from_u128(4), tier(money!(1.00 USD)))
    .unwrap();
    PriceBook::new([eur, usd])
}

fn pct(text: &str) -> Percent {
    Percent::new(text.parse().unwrap())
}

fn rule(code: &str, kind: TaxKind, category: &str) -> TaxRule {
    TaxRule::new(
        TaxCode::new(code).unwrap(),
        kind,
        [TaxCategory::new(category).unwrap()],
    )
    .unwrap()
}

fn line(product: ProductId, quantity: &str) -> DocumentLine {
    DocumentLine::new(product, quantity.parse().unwrap())
}

fn tax_of(priced: &PricedDocument, code: &str) -> Option<Money> {
    priced
        .totals()
        .taxes
        .iter()
        .find(|t| t.code.as_str() == code)
        .map(|t| t.amount)
}

/// What, taxes, config, price of A, quantity, net, tax, gross.
type TaxCase = (
    &'static str,
    Vec<TaxRule>,
    PricingConfig,
    Money,
    &'static str,
    Money,
    Money,
    Money,
);

/// Worked tax cases: (what, taxes, config, price of A, quantity, net, tax, gross).
#[test]
fn tax_cases() -> TestResult {
    let half_up = PricingConfig::new(RoundingStrategy::MidpointAwayFromZero);
    let vat = || rule("VAT", TaxKind::Percentage(pct("19")), "standard");
    let cases: Vec<TaxCase> = vec![
        (
            "exclusive 19%",
            vec![vat()],
            half_up,
            money!(100.00 EUR),
            "1",
            money!(100.00 EUR),
            money!(19.00 EUR),
            money!(119.00 EUR),
        ),
        (
            "inclusive 19%",
            vec![vat()],
            half_up.with_inclusion(TaxInclusion::Inclusive),
            money!(119.00 EUR),
            "1",
            money!(100.00 EUR),
            money!(19.00 EUR),
            money!(119.00 EUR),
        ),
        (
            "inclusive 19% of 9.99: gross stays 9.99",
            vec![vat()],
            half_up.with_inclusion(TaxInclusion::Inclusive),
            money!(9.99 EUR),
            "1",
            money!(8.39 EUR),
            money!(1.60 EUR),
            money!(9.99 EUR),
        ),
        // GST 5% then PST 10% on the price plus GST: 10% of 105.00.
        (
            "compound",
            vec![
                rule("GST", TaxKind::Percentage(pct("5")), "standard"),
                rule("PST", TaxKind::Compound(pct("10")), "standard"),
            ],
            half_up,
            money!(100.00 EUR),
            "1",
            money!(100.00 EUR),
            money!(15.50 EUR),
            money!(115.50 EUR),
        ),
        (
            "compound inclusive",
            vec![
                rule("GST", TaxKind::Percentage(pct("5")), "standard"),
                rule("PST", TaxKind::Compound(pct("10")), "standard"),
            ],
            half_up.with_inclusion(TaxInclusion::Inclusive),
            money!(115.50 EUR),
            "1",
            money!(100.00 EUR),
            money!(15.50 EUR),
            money!(115.50 EUR),
        ),
        (
            "fixed per unit",
            vec![rule(
                "DUTY",
                TaxKind::FixedPerUnit(money!(0.35 EUR)),
                "standard",
            )],
            half_up,
            money!(2.00 EUR),
            "3",
            money!(6.00 EUR),
            money!(1.05 EUR),
            money!(7.05 EUR),
        ),
        // VAT on the price, then a compound tax on price + duty + VAT.
        (
            "fixed then compound",
            vec![
                rule("DUTY", TaxKind::FixedPerUnit(money!(1.00 EUR)), "standard"),
                rule("PST", TaxKind::Compound(pct("10")), "standard"),
            ],
            half_up,
            money!(10.00 EUR),
            "2",
            money!(20.00 EUR),
            money!(4.20 EUR),
            money!(24.20 EUR),
        ),
        (
            "tax on fractional quantity",
            vec![vat()],
            half_up,
            money!(3.99 EUR),
            "1.5",
            money!(5.99 EUR),
            money!(1.14 EUR),
            money!(7.13 EUR),
        ),
        (
            "no decimal places",
            vec![vat()],
            half_up,
            money!(1005 JPY),
            "1",
            money!(1005 JPY),
            money!(191 JPY),
            money!(1196 JPY),
        ),
    ];
    for (what, rules, config, price, quantity, net, tax, gross) in cases {
        let catalog = catalog();
        let book = prices(price, price);
        let taxes = TaxTable::new(rules)?;
        let engine = Pricing::new(&catalog, &book, &taxes, config);
        let document = Document::new(price.currency(), day(3, 1)).with_line(line(A, quantity));
        let totals = engine.price(&document)?.totals().clone();
        assert_eq!(
            (totals.net, totals.tax, totals.gross),
            (net, tax, gross),
            "{what}"
        );
    }
    Ok(())
}

#[test]
fn rounding_per_line_and_per_document_differ_as_documented() -> TestResult {
    let catalog = catalog();
    let book = prices(money!(0.10 EUR), money!(0.10 EUR));
    let taxes = TaxTable::new([rule("VAT", TaxKind::Percentage(pct("7")), "standard")])?;
    let document = Document::new(Currency::EUR, day(3, 1)).with_lines([
        line(A, "1"),
        line(A, "1"),
        line(A, "1"),
    ]);
    let per_line = PricingConfig::new(RoundingStrategy::MidpointAwayFromZero);
    let per_document = per_line.with_tax_rounding(TaxRounding::PerDocument);
    // 0.007 a line: rounded per line 0.01 each; per document 0.021 rounds to 0.02.
    let priced = Pricing::new(&catalog, &book, &taxes, per_line).price(&document)?;
    assert_eq!(priced.totals().tax, money!(0.03 EUR));
    let priced = Pricing::new(&catalog, &book, &taxes, per_document).price(&document)?;
    assert_eq!(priced.totals().tax, money!(0.02 EUR));
    let line_taxes: Vec<Money> = priced.lines().iter().map(|l| l.tax).collect();
    assert_eq!(
        line_taxes,
        [money!(0.01 EUR), money!(0.01 EUR), money!(0.00 EUR)]
    );
    Ok(())
}

#[test]
fn exemption_skips_the_tax_and_says_so() -> TestResult {
    let catalog = catalog();
    let book = prices(money!(10.00 EUR), money!(10.00 EUR));
    let taxes = TaxTable::new([
        rule("VAT", TaxKind::Percentage(pct("19")), "standard"),
        rule("RED", TaxKind::Percentage(pct("7")), "reduced"),
    ])?;
    let engine = Pricing::new(
        &catalog,
        &book,
        &taxes,
        PricingConfig::new(RoundingStrategy::MidpointNearestEven),
    );
    let document = Document::new(Currency::EUR, day(3, 1))
        .with_lines([line(A, "1"), line(B, "1")])
        .exempt_from(TaxCode::new("VAT")?);
    let priced = engine.price(&document)?;
    assert_eq!(tax_of(&priced, "VAT"), None);
    assert_eq!(tax_of(&priced, "RED"), Some(money!(0.70 EUR)));
    assert!(
        priced.lines()[0]
            .steps
            .iter()
            .any(|s| matches!(s, LineStep::Exempt { code } if code.as_str() == "VAT"))
    );
    Ok(())
}

#[test]
fn discounts_stack_in_order_and_are_capped() -> TestResult {
    let catalog = catalog();
    let book = prices(money!(10.00 EUR), money!(10.00 EUR));
    let taxes = TaxTable::default();
    let name = |n| DiscountName::new(n).unwrap();
    let discounts = [
        DiscountRule::line(
            name("ten"),
            DiscountTarget::All,
            LineDiscount::Percentage(pct("10")),
        )?,
        DiscountRule::line(
            name("per unit"),
            DiscountTarget::Product(A),
            LineDiscount::FixedPerUnit(money!(1.00 EUR)),
        )?,
        DiscountRule::line(
            name("huge"),
            DiscountTarget::Product(B),
            LineDiscount::FixedPerLine(money!(500.00 EUR)),
        )?,
    ];
    let engine = Pricing::new(
        &catalog,
        &book,
        &taxes,
        PricingConfig::new(RoundingStrategy::MidpointNearestEven),
    )
    .with_discounts(&discounts);
    let document = Document::new(Currency::EUR, day(3, 1)).with_lines([line(A, "3"), line(B, "2")]);
    let priced = engine.price(&document)?;
    // A: 30.00 - 3.00 - 3.00; B: 20.00 - 2.00, then capped at the 18.00 left.
    assert_eq!(priced.lines()[0].net, money!(24.00 EUR));
    assert_eq!(priced.lines()[1].net, money!(0.00 EUR));
    assert_eq!(priced.lines()[1].discount, money!(20.00 EUR));
    Ok(())
}

#[test]
fn a_rule_takes_at_most_its_cap_off_a_line() -> TestResult {
    let catalog = catalog();
    let book = prices(money!(10.00 EUR), money!(10.00 EUR));
    let taxes = TaxTable::default();
    let discounts = [DiscountRule::line(
        DiscountName::new("ten, at most 2.50")?,
        DiscountTarget::All,
        LineDiscount::Percentage(pct("10")),
    )?
    .with_cap_per_line(money!(2.50 EUR))?];
    let engine = Pricing::new(
        &catalog,
        &book,
        &taxes,
        PricingConfig::new(RoundingStrategy::MidpointNearestEven),
    )
    .with_discounts(&discounts);
    let document = Document::new(Currency::EUR, day(3, 1)).with_lines([line(A, "3"), line(B, "2")]);
    let priced = engine.price(&document)?;
    // A: 10% of 30.00 is 3.00, capped at 2.50; B: 10% of 20.00 is 2.00.
    assert_eq!(priced.lines()[0].discount, money!(2.50 EUR));
    assert_eq!(priced.lines()[1].discount, money!(2.00 EUR));

    // A cap in another currency than the document's names the line.
    let usd_cap = [discounts[0].clone().with_cap_per_line(money!(1.00 USD))?];
    let err = engine
        .with_discounts(&usd_cap)
        .price(&document)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Line { line: 0, source, .. } if matches!(**source, Error::ForeignAmount { .. })),
        "{err}"
    );
    Ok(())
}

#[test]
fn coupons_apply_within_their_rules() -> TestResult {
    let catalog = catalog();
    let book = prices(money!(10.00 EUR), money!(10.00 EUR));
    let taxes = TaxTable::default();
    let march = DateRange::new(day(3, 1), day(4, 1))?;
    let code = CouponCode::new("MARCH5")?;
    let coupons = [Coupon::new(
        code.clone(),
        DocumentDiscount::Fixed(money!(5.00 EUR)),
        march,
    )?
    .with_minimum(money!(40.00 EUR))?
    .with_usage_limit(3)];
    let engine = Pricing::new(
        &catalog,
        &book,
        &taxes,
        PricingConfig::new(RoundingStrategy::MidpointNearestEven),
    )
    .with_coupons(&coupons);
    let order = |date, used| {
        Document::new(Currency::EUR, date)
            .with_lines([line(A, "3"), line(B, "2")])
            .with_coupon(code.clone(), used)
    };
    // 50.00 of goods, 5.00 off spread 3.00 / 2.00.
    let priced = engine.price(&order(day(3, 31), 2))?;
    assert_eq!(priced.totals().net, money!(45.00 EUR));
    assert!(matches!(&priced.lines()[0].steps[1],
        LineStep::Coupon { code: c, amount } if *c == code && *amount == money!(3.00 EUR)));

    let err = engine.price(&order(day(4, 1), 0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "coupon MARCH5 is valid from 2026-03-01 until before 2026-04-01, not on 2026-04-01"
    );
    let err = engine.price(&order(day(3, 2), 3)).unwrap_err();
    assert!(matches!(err, Error::CouponUsedUp { used: 3, .. }), "{err}");
    let small = Document::new(Currency::EUR, day(3, 2))
        .with_line(line(A, "3"))
        .with_coupon(code.clone(), 0);
    let err = engine.price(&small).unwrap_err();
    assert_eq!(
        err.to_string(),
        "coupon MARCH5 needs an order of 40.00 EUR, not 30.00 EUR"
    );
    let unknown = order(day(3, 2), 0).with_coupon(CouponCode::new("NOPE")?, 0);
    assert!(matches!(
        engine.price(&unknown),
        Err(Error::UnknownCoupon { .. })
    ));
    Ok(())
}

#[test]
fn bad_lines_are_errors_naming_the_line() -> TestResult {
    let catalog = catalog();
    let book = prices(money!(10.00 EUR), money!(10.00 EUR));
    let taxes = TaxTable::default();
    let engine = Pricing::new(
        &catalog,
        &book,
        &taxes,
        PricingConfig::new(RoundingStrategy::MidpointNearestEven),
    );
    let with_bad = |bad: DocumentLine, currency| {
        let document = Document::new(currency, day(3, 1)).with_lines([line(A, "1"), bad]);
        engine.price(&document).unwrap_err()
    };
    let source = |err: Error| match err {
        Error::Line {
            line: 1, source, ..
        } => *source,
        other => panic!("not an error of line 1: {other}"),
    };
    assert!(matches!(
        source(with_bad(line(A, "-1"), Currency::EUR)),
        Error::NegativeQuantity { .. }
    ));
    assert!(matches!(
        source(with_bad(line(ProductId::from_u128(99), "1"), Currency::EUR)),
        Error::UnknownProduct { .. }
    ));
    assert!(matches!(
        source(with_bad(line(OLD, "1"), Currency::EUR)),
        Error::InactiveProduct { .. }
    ));
    // Product A has a price in EUR only: in a USD document the first line fails.
    let document = Document::new(Currency::USD, day(3, 1)).with_line(line(A, "1"));
    let err = engine.price(&document).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("line 0: product {A} is priced only by list EUR in EUR, not in USD")
    );
    // Outside the list's validity there is no price.
    let document = Document::new(Currency::EUR, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
        .with_line(line(A, "1"));
    assert!(
        matches!(engine.price(&document), Err(Error::Line { line: 0, source, .. }) if matches!(*source, Error::NoPrice { .. }))
    );
    Ok(())
}

fn discounted(line: &PricedLine) -> Money {
    line.list_amount.checked_sub(line.discount).unwrap()
}

fn sum(currency: Currency, amounts: impl IntoIterator<Item = Money>) -> Money {
    Money::checked_sum(amounts, currency).unwrap()
}

proptest! {
    #[test]
    fn totals_are_the_sums_of_the_lines((setup, document) in strategy::setup_and_document()) {
        let priced = setup.engine().price(&document)?;
        let c = setup.currency;
        let lines = priced.lines();
        let totals = priced.totals();
        prop_assert_eq!(totals.list_amount, sum(c, lines.iter().map(|l| l.list_amount)));
        prop_assert_eq!(totals.discount, sum(c, lines.iter().map(|l| l.discount)));
        prop_assert_eq!(totals.net, sum(c, lines.iter().map(|l| l.net)));
        prop_assert_eq!(totals.tax, sum(c, lines.iter().map(|l| l.tax)));
        prop_assert_eq!(totals.gross, sum(c, lines.iter().map(|l| l.gross)));
        prop_assert_eq!(totals.gross, totals.net.checked_add(totals.tax)?);
        prop_assert_eq!(totals.tax, sum(c, totals.taxes.iter().map(|t| t.amount)));
        for total in &totals.taxes {
            let on_lines = lines.iter().flat_map(|l| &l.taxes).filter(|t| t.code == total.code).map(|t| t.amount);
            prop_assert_eq!(total.amount, sum(c, on_lines));
        }
        for line in lines {
            // No rule takes more than its cap off a line (rules sharing a
            // name are checked against the largest of their caps).
            for step in &line.steps {
                if let LineStep::Discount { rule, amount, .. } = step {
                    let caps: Vec<Option<Money>> = setup.discounts.iter()
                        .filter(|r| r.name() == rule).map(DiscountRule::cap_per_line).collect();
                    if let Some(Some(cap)) = caps.iter().copied().max_by_key(|c| c.map(|m| m.to_minor()))
                        && caps.iter().all(Option::is_some)
                    {
                        prop_assert!(amount.to_minor() <= cap.to_minor(), "{} over its cap {}", amount, cap);
                    }
                }
            }
            prop_assert_eq!(line.gross, line.net.checked_add(line.tax)?);
            prop_assert_eq!(line.tax, sum(c, line.taxes.iter().map(|t| t.amount)));
            prop_assert!(!discounted(line).is_negative());
        }
    }

    #[test]
    fn repricing_is_idempotent((setup, document) in strategy::setup_and_document()) {
        let engine = setup.engine();
        let priced = engine.price(&document)?;
        prop_assert_eq!(&engine.price(priced.document())?, &priced);
        prop_assert_eq!(&engine.price(&document)?, &priced);
    }

    #[test]
    fn serde_round_trips((setup, document) in strategy::setup_and_document()) {
        let priced = setup.engine().price(&document).unwrap();
        let json = serde_json::to_string(&priced).unwrap();
        prop_assert_eq!(&serde_json::from_str::<PricedDocument>(&json).unwrap(), &priced);
        let json = serde_json::to_string(&setup.catalog).unwrap();
        let catalog: Catalog = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&catalog, &setup.catalog);
        let json = serde_json::to_string(&(&setup.prices, &setup.taxes, &setup.discounts, setup.config)).unwrap();
        let read: (PriceBook, TaxTable, Vec<DiscountRule>, PricingConfig) = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(read, (setup.prices.clone(), setup.taxes.clone(), setup.discounts.clone(), setup.config));
    }

    #[test]
    fn removing_a_line_never_lowers_another_lines_price(
        (setup, document, removed) in strategy::setup_and_document()
            .prop_flat_map(|(s, d)| { let n = d.lines().len().max(1); (Just(s), Just(d), 0..n) })
    ) {
        // Without a document discount, whose spread depends on every line, a
        // line's discounted amount depends on the others only through
        // cumulative tiers.
        let document = Document::new(document.currency(), document.date()).with_lines(document.lines().iter().copied());
        let engine = setup.engine();
        let before = engine.price(&document)?;
        let kept: Vec<DocumentLine> = document.lines().iter().enumerate()
            .filter(|(i, _)| *i != removed).map(|(_, l)| *l).collect();
        let after = engine.price(&document.clone().with_lines(kept))?;
        let before_kept = before.lines().iter().enumerate().filter(|(i, _)| *i != removed).map(|(_, l)| l);
        for (old, new) in before_kept.zip(after.lines()) {
            prop_assert_eq!(old.list_amount, new.list_amount);
            prop_assert!(discounted(new).checked_cmp(discounted(old))?.is_ge(),
                "{} became {}", discounted(old), discounted(new));
        }
    }

    #[test]
    fn document_discount_is_spread_exactly((setup, document) in strategy::setup_and_document()) {
        let engine = setup.engine();
        let priced = engine.price(&document)?;
        let plain = engine.price(&Document::new(document.currency(), document.date()).with_lines(document.lines().iter().copied()))?;
        let shares = priced.lines().iter().flat_map(|l| &l.steps).filter_map(|s| match s {
            LineStep::DocumentDiscount { amount } => Some(*amount),
            _ => None,
        });
        let spread = sum(setup.currency, shares);
        prop_assert_eq!(priced.totals().discount, plain.totals().discount.checked_add(spread)?);
    }
}

proptest! {
    /// A net price and the gross price it makes under one percentage tax
    /// describe the same sale: priced inclusive, the gross is kept exactly and
    /// net and tax are within one minor unit of the exclusive ones.
    #[test]
    fn inclusive_and_exclusive_prices_agree(
        net_minor in 0_i128..10_000_000,
        tenths in 0_i64..=500,
        per_document in any::<bool>(),
    ) {
        let net_price = Money::from_minor(net_minor, Currency::EUR)?;
        let taxes = TaxTable::new([rule("VAT", TaxKind::Percentage(Percent::new(bureau_core::Decimal::new(tenths, 1))), "standard")])?;
        let rounding = if per_document { TaxRounding::PerDocument } else { TaxRounding::PerLine };
        let exclusive = PricingConfig::new(RoundingStrategy::MidpointAwayFromZero).with_tax_rounding(rounding);
        let catalog = catalog();
        let document = Document::new(Currency::EUR, day(3, 1)).with_line(DocumentLine::new(A, Quantity::from(1)));
        let book = prices(net_price, net_price);
        let priced = Pricing::new(&catalog, &book, &taxes, exclusive).price(&document)?;
        let unit_gross = priced.totals().gross;
        let gross_book = prices(unit_gross, unit_gross);
        let inclusive = exclusive.with_inclusion(TaxInclusion::Inclusive);
        let again = Pricing::new(&catalog, &gross_book, &taxes, inclusive).price(&document)?;
        prop_assert_eq!(again.totals().gross, priced.totals().gross);
        let gap = again.totals().net.checked_sub(priced.totals().net)?.to_minor();
        prop_assert!(gap.abs() <= 1, "nets differ by {} minor units", gap);
    }
}
