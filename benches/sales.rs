//! Sales benchmarks: pricing order lines under 5 discount rules and 2
//! taxes, and one 200-line document with a cumulative volume tier and a
//! document discount.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bureau::sales::{
    Catalog, DiscountName, DiscountRule, DiscountTarget, Document, DocumentDiscount, DocumentLine,
    LineDiscount, PriceBook, PriceList, PriceListCode, PriceTier, Pricing, PricingConfig, Product,
    ProductGroup, ProductName, Quantity, Sku, TaxCategory, TaxCode, TaxKind, TaxRounding, TaxRule,
    TaxTable, TierBasis, UnitOfMeasure, VolumeTier,
};
use bureau::{Currency, DateRange, Decimal, Money, Percent, ProductId, RoundingStrategy};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const PRODUCTS: u32 = 50;

fn eur(cents: i128) -> Money {
    Money::from_minor(cents, Currency::EUR).unwrap()
}

fn percent(p: i64) -> Percent {
    Percent::new(Decimal::from(p))
}

fn product_id(n: u32) -> ProductId {
    ProductId::from_u128(u128::from(n) + 1)
}

struct Setup {
    catalog: Catalog,
    prices: PriceBook,
    taxes: TaxTable,
    discounts: Vec<DiscountRule>,
    config: PricingConfig,
}

impl Setup {
    fn engine(&self) -> Pricing<'_> {
        Pricing::new(&self.catalog, &self.prices, &self.taxes, self.config)
            .with_discounts(&self.discounts)
    }
}

/// 50 products in two groups, one price list with two quantity tiers per
/// product, VAT and a compound levy, and the given discount rules.
fn setup(discounts: Vec<DiscountRule>, tax_rounding: TaxRounding) -> Setup {
    let standard = TaxCategory::new("standard").unwrap();
    let groups = [
        ProductGroup::new("widgets").unwrap(),
        ProductGroup::new("gadgets").unwrap(),
    ];
    let catalog = Catalog::from_products((0..PRODUCTS).map(|n| {
        let sku = format!("P-{n:03}");
        Product::new(
            product_id(n),
            Sku::new(&sku).unwrap(),
            ProductName::new(&sku).unwrap(),
            UnitOfMeasure::new("each").unwrap(),
            standard.clone(),
        )
        .in_group(groups[(n % 2) as usize].clone())
    }))
    .unwrap();
    let year = DateRange::new(
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    )
    .unwrap();
    let mut list = PriceList::new(PriceListCode::new("EU").unwrap(), Currency::EUR, None, year);
    for n in 0..PRODUCTS {
        let base = 1_000 + i128::from(n) * 37;
        list = list
            .with_prices(
                product_id(n),
                [
                    PriceTier::new(Quantity::ZERO, eur(base)).unwrap(),
                    PriceTier::new(Quantity::from(20), eur(base * 9 / 10)).unwrap(),
                ],
            )
            .unwrap();
    }
    let taxes = TaxTable::new([
        TaxRule::new(
            TaxCode::new("VAT19").unwrap(),
            TaxKind::Percentage(percent(19)),
            [standard.clone()],
        )
        .unwrap(),
        TaxRule::new(
            TaxCode::new("LEVY").unwrap(),
            TaxKind::Compound(Percent::new(Decimal::new(15, 1))),
            [standard],
        )
        .unwrap(),
    ])
    .unwrap();
    Setup {
        catalog,
        prices: PriceBook::new([list]),
        taxes,
        discounts,
        config: PricingConfig::new(RoundingStrategy::MidpointAwayFromZero)
            .with_tax_rounding(tax_rounding),
    }
}

fn name(text: &str) -> DiscountName {
    DiscountName::new(text).unwrap()
}

fn tiers() -> Vec<VolumeTier> {
    vec![
        VolumeTier::new(Quantity::from(10), percent(2)).unwrap(),
        VolumeTier::new(Quantity::from(100), percent(5)).unwrap(),
        VolumeTier::new(Quantity::from(500), percent(8)).unwrap(),
    ]
}

/// Five rules: a percentage on everything, a fixed amount per unit on one
/// group, a fixed amount per line on one product, a volume tier on the
/// line's quantity, and a cumulative volume tier on a group.
fn five_rules() -> Vec<DiscountRule> {
    let widgets = DiscountTarget::Group(ProductGroup::new("widgets").unwrap());
    let gadgets = DiscountTarget::Group(ProductGroup::new("gadgets").unwrap());
    vec![
        DiscountRule::line(
            name("Spring"),
            DiscountTarget::All,
            LineDiscount::Percentage(percent(3)),
        )
        .unwrap(),
        DiscountRule::line(
            name("Widget rebate"),
            widgets.clone(),
            LineDiscount::FixedPerUnit(eur(5)),
        )
        .unwrap(),
        DiscountRule::line(
            name("Launch"),
            DiscountTarget::Product(product_id(7)),
            LineDiscount::FixedPerLine(eur(150)),
        )
        .unwrap(),
        DiscountRule::volume(
            name("Line volume"),
            DiscountTarget::All,
            TierBasis::Line,
            tiers(),
        )
        .unwrap(),
        DiscountRule::volume(
            name("Gadget volume"),
            gadgets,
            TierBasis::Cumulative,
            tiers(),
        )
        .unwrap(),
    ]
}

fn lines(count: u32) -> Vec<DocumentLine> {
    (0..count)
        .map(|i| DocumentLine::new(product_id(i % PRODUCTS), Quantity::from(1 + (i * 7) % 30)))
        .collect()
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

fn pricing(c: &mut Criterion) {
    let five = setup(five_rules(), TaxRounding::PerLine);
    let engine = five.engine();
    let order = Document::new(Currency::EUR, date()).with_lines(lines(100));
    assert_eq!(engine.price(&order).unwrap().lines().len(), 100);
    let mut group = c.benchmark_group("sales");
    group.throughput(Throughput::Elements(100));
    group.bench_function("price 100 lines, 5 discount rules, 2 taxes", |b| {
        b.iter(|| engine.price(black_box(&order)).unwrap());
    });

    let gadgets = DiscountTarget::Group(ProductGroup::new("gadgets").unwrap());
    let cumulative = setup(
        vec![
            DiscountRule::volume(
                name("Gadget volume"),
                gadgets,
                TierBasis::Cumulative,
                tiers(),
            )
            .unwrap(),
        ],
        TaxRounding::PerDocument,
    );
    let engine = cumulative.engine();
    let document = Document::new(Currency::EUR, date())
        .with_lines(lines(200))
        .with_discount(DocumentDiscount::Percentage(percent(4)));
    assert_eq!(engine.price(&document).unwrap().lines().len(), 200);
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        "price a 200-line document, cumulative tier, document discount",
        |b| {
            b.iter(|| engine.price(black_box(&document)).unwrap());
        },
    );
    group.finish();
}

criterion_group!(benches, pricing);
criterion_main!(benches);
