//! Strategies generating valid values, for property tests: catalogs (with
//! bundles), price books, discount rules (promotions of every kind,
//! priority and stacking), tax tables, pricing configurations, documents
//! that the generated setup can price, the histories of orders and invoices
//! (commands each accepted in turn, with their events), pipelines,
//! opportunities, commission plans and credited sales.
//!
//! ```
//! use bureau_sales::strategy;
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//! let mut runner = TestRunner::deterministic();
//! let (setup, document) = strategy::setup_and_document()
//!     .new_tree(&mut runner).map_err(|e| e.to_string())?.current();
//! let priced = setup.engine().price(&document)?;
//! assert_eq!(priced.lines().len(), document.lines().len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use bureau_core::{Currency, DateRange, Decimal, Money, Percent, ProductId, RoundingStrategy};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use crate::{
    Bundle, BundleComponent, BuyGet, Catalog, DiscountName, DiscountRule, DiscountTarget, Document,
    DocumentDiscount, DocumentLine, FreeUnits, LineDiscount, PriceBook, PriceList, PriceListCode,
    PriceTier, Pricing, PricingConfig, Product, ProductGroup, ProductName, Quantity, Sku, Stacking,
    TaxCategory, TaxCode, TaxInclusion, TaxKind, TaxRounding, TaxRule, TaxTable, TierBasis,
    UnitOfMeasure, VolumeTier,
};

const GROUPS: [&str; 2] = ["widgets", "gadgets"];
const CATEGORIES: [&str; 2] = ["standard", "reduced"];

mod history;
pub use history::{
    InvoiceHistory, OrderHistory, invoice_history, offer, order_history, payment_terms,
};

mod pipeline;
pub use pipeline::{
    commission_plan, credited_sale, opened_at, opportunities, opportunity, pipeline,
};

/// Everything a [`Pricing`] engine borrows, generated together so that every
/// product of the catalog has a price.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PricingSetup {
    /// The products.
    pub catalog: Catalog,
    /// One list for everyone, valid through [`PricingSetup::validity`].
    pub prices: PriceBook,
    /// The discount rules, in stacking order.
    pub discounts: Vec<DiscountRule>,
    /// The taxes.
    pub taxes: TaxTable,
    /// The configuration.
    pub config: PricingConfig,
    /// The currency of the prices.
    pub currency: Currency,
    /// The days the price list is valid.
    pub validity: DateRange,
}

impl PricingSetup {
    /// The engine over this setup.
    pub fn engine(&self) -> Pricing<'_> {
        Pricing::new(&self.catalog, &self.prices, &self.taxes, self.config)
            .with_discounts(&self.discounts)
    }

    /// The ids of the catalog's products.
    pub fn product_ids(&self) -> Vec<ProductId> {
        self.catalog.products().map(Product::id).collect()
    }
}

fn text<T>(make: fn(String) -> crate::Result<T>, value: &str) -> Option<T> {
    make(value.to_owned()).ok()
}

/// A currency with 0, 2 or 3 minor units (JPY, EUR, KWD).
pub fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(vec![Currency::EUR, Currency::JPY, Currency::KWD])
}

/// A rounding strategy used by invoices in practice.
pub fn rounding_strategy() -> impl Strategy<Value = RoundingStrategy> {
    prop::sample::select(vec![
        RoundingStrategy::MidpointAwayFromZero,
        RoundingStrategy::MidpointNearestEven,
        RoundingStrategy::ToZero,
    ])
}

/// Any pricing configuration.
pub fn config() -> impl Strategy<Value = PricingConfig> {
    (rounding_strategy(), any::<bool>(), any::<bool>()).prop_map(|(strategy, doc, incl)| {
        PricingConfig::new(strategy)
            .with_tax_rounding(if doc {
                TaxRounding::PerDocument
            } else {
                TaxRounding::PerLine
            })
            .with_inclusion(if incl {
                TaxInclusion::Inclusive
            } else {
                TaxInclusion::Exclusive
            })
    })
}

/// A percentage from 0 to 100 in steps of 0.5.
pub fn percent() -> impl Strategy<Value = Percent> {
    (0_i64..=200).prop_map(|halves| Percent::new(Decimal::new(halves * 5, 1)))
}

/// A quantity from 0 to 1000 with up to two decimal places.
pub fn quantity() -> impl Strategy<Value = Quantity> {
    prop_oneof![
        (0_u32..=50).prop_map(Quantity::from),
        (0_i64..=100_000).prop_map(|hundredths| Quantity::new(Decimal::new(hundredths, 2))),
    ]
}

/// An amount in `currency` from zero to `max_minor` minor units.
pub fn amount(currency: Currency, max_minor: i128) -> impl Strategy<Value = Money> {
    (0..=max_minor).prop_filter_map("fits", move |minor| Money::from_minor(minor, currency).ok())
}

/// A catalog of one to six products, ids 1 to n, in the groups `widgets`
/// and `gadgets` or none, with the tax categories `standard` and `reduced`.
pub fn catalog() -> impl Strategy<Value = Catalog> {
    prop::collection::vec((0_usize..3, 0_usize..2), 1..=6).prop_filter_map("valid", |shapes| {
        let mut products = Vec::new();
        for (index, (group, category)) in shapes.into_iter().enumerate() {
            let n = index + 1;
            let mut product = Product::new(
                ProductId::from_u128(u128::try_from(n).ok()?),
                text(Sku::new, &format!("P-{n}"))?,
                text(ProductName::new, &format!("Product {n}"))?,
                text(UnitOfMeasure::new, "each")?,
                text(TaxCategory::new, CATEGORIES.get(category)?)?,
            );
            if let Some(name) = GROUPS.get(group) {
                product = product.in_group(text(ProductGroup::new, name)?);
            }
            products.push(product);
        }
        Catalog::from_products(products).ok()
    })
}

fn price_tiers(currency: Currency) -> impl Strategy<Value = Vec<PriceTier>> {
    prop::collection::vec((1_u32..100, amount(currency, 100_000)), 0..3).prop_flat_map(
        move |extra| {
            amount(currency, 100_000).prop_filter_map("valid", move |base| {
                let mut tiers = vec![PriceTier::new(Quantity::ZERO, base).ok()?];
                for (min, price) in &extra {
                    tiers.push(PriceTier::new(Quantity::from(*min), *price).ok()?);
                }
                tiers.dedup_by_key(|t| t.min_quantity());
                Some(tiers)
            })
        },
    )
}

/// Volume tiers with non-decreasing percentages.
pub fn volume_tiers() -> impl Strategy<Value = Vec<VolumeTier>> {
    prop::collection::btree_map(1_u32..60, 0_i64..=60, 1..4).prop_filter_map("valid", |tiers| {
        let mut percent = 0;
        tiers
            .into_iter()
            .map(|(min, step)| {
                percent = (percent + step).min(100);
                VolumeTier::new(Quantity::from(min), Percent::new(Decimal::from(percent))).ok()
            })
            .collect()
    })
}

fn target(products: usize) -> impl Strategy<Value = DiscountTarget> {
    let max = u128::try_from(products.max(1)).unwrap_or(1);
    prop_oneof![
        Just(DiscountTarget::All),
        (1..=max).prop_map(|n| DiscountTarget::Product(ProductId::from_u128(n))),
        prop::sample::select(GROUPS.to_vec()).prop_filter_map("valid", |g| text(
            ProductGroup::new,
            g
        )
        .map(DiscountTarget::Group)),
    ]
}

/// A discount rule of any kind, in `currency`, targeting products 1 to
/// `products`.
pub fn discount_rule(currency: Currency, products: usize) -> impl Strategy<Value = DiscountRule> {
    let kind = prop_oneof![
        percent().prop_map(|p| Ok(LineDiscount::Percentage(p))),
        amount(currency, 500).prop_map(|m| Ok(LineDiscount::FixedPerUnit(m))),
        amount(currency, 5_000).prop_map(|m| Ok(LineDiscount::FixedPerLine(m))),
        (volume_tiers(), any::<bool>()).prop_map(|(tiers, cumulative)| {
            Err((
                tiers,
                if cumulative {
                    TierBasis::Cumulative
                } else {
                    TierBasis::Line
                },
            ))
        }),
    ];
    let cap = prop::option::of(amount(currency, 3_000));
    (target(products), kind, 0_u32..100, cap).prop_filter_map("valid", |(target, kind, n, cap)| {
        let name = text(DiscountName::new, &format!("Rule {n}"))?;
        let rule = match kind {
            Ok(discount) => DiscountRule::line(name, target, discount).ok(),
            Err((tiers, basis)) => DiscountRule::volume(name, target, basis, tiers).ok(),
        }?;
        match cap {
            Some(cap) => rule.with_cap_per_line(cap).ok(),
            None => Some(rule),
        }
    })
}

/// A tax table: `VAT` on standard goods, `RED` on reduced ones, and
/// optionally a compound tax and, when `inclusion` is exclusive, a fixed tax
/// per unit on standard goods. (Inside tax-inclusive prices a fixed tax is
/// refused on a line discounted below it, which a generated document could
/// not avoid.)
pub fn tax_table(currency: Currency, inclusion: TaxInclusion) -> impl Strategy<Value = TaxTable> {
    (
        percent(),
        percent(),
        prop::option::of(percent()),
        prop::option::of(amount(currency, 100)),
    )
        .prop_filter_map("valid", move |(vat, reduced, compound, fixed)| {
            let standard = text(TaxCategory::new, "standard")?;
            let mut rules = vec![
                TaxRule::new(
                    text(TaxCode::new, "VAT")?,
                    TaxKind::Percentage(Percent::new(vat.value() / Decimal::from(4))),
                    [standard.clone()],
                )
                .ok()?,
                TaxRule::new(
                    text(TaxCode::new, "RED")?,
                    TaxKind::Percentage(Percent::new(reduced.value() / Decimal::from(10))),
                    [text(TaxCategory::new, "reduced")?],
                )
                .ok()?,
            ];
            if let Some(fixed) = fixed.filter(|_| inclusion == TaxInclusion::Exclusive) {
                rules.push(
                    TaxRule::new(
                        text(TaxCode::new, "DUTY")?,
                        TaxKind::FixedPerUnit(fixed),
                        [standard.clone()],
                    )
                    .ok()?,
                );
            }
            if let Some(compound) = compound {
                rules.push(
                    TaxRule::new(
                        text(TaxCode::new, "PST")?,
                        TaxKind::Compound(Percent::new(compound.value() / Decimal::from(10))),
                        [standard],
                    )
                    .ok()?,
                );
            }
            TaxTable::new(rules).ok()
        })
}

/// A whole pricing setup with up to five discount rules.
pub fn setup() -> impl Strategy<Value = PricingSetup> {
    (currency(), catalog(), config(), crate::strategy::validity()).prop_flat_map(
        |(currency, catalog, config, validity)| {
            let count = catalog.len();
            (
                prop::collection::vec(price_tiers(currency), count),
                prop::collection::vec(discount_rule(currency, count), 0..=5),
                tax_table(currency, config.inclusion()),
            )
                .prop_filter_map("valid", move |(tiers, discounts, taxes)| {
                    let mut list =
                        PriceList::new(text(PriceListCode::new, "LIST")?, currency, None, validity);
                    for (product, tiers) in catalog.products().zip(tiers) {
                        list = list.with_prices(product.id(), tiers).ok()?;
                    }
                    Some(PricingSetup {
                        catalog: catalog.clone(),
                        prices: PriceBook::new([list]),
                        discounts,
                        taxes,
                        config,
                        currency,
                        validity,
                    })
                })
        },
    )
}

fn validity() -> impl Strategy<Value = DateRange> {
    Just(()).prop_filter_map("valid", |()| {
        DateRange::new(
            NaiveDate::from_ymd_opt(2026, 1, 1)?,
            NaiveDate::from_ymd_opt(2027, 1, 1)?,
        )
        .ok()
    })
}

/// A document `setup` can price: up to eight lines of its products, a date
/// in its list's validity, maybe a document discount and an exemption.
pub fn document(setup: &PricingSetup) -> impl Strategy<Value = Document> + use<> {
    let products = setup.product_ids();
    let currency = setup.currency;
    let start = setup.validity.start();
    let lines = prop::collection::vec((prop::sample::select(products), quantity()), 0..8);
    let discount = prop::option::of(prop_oneof![
        percent().prop_map(DocumentDiscount::Percentage),
        amount(currency, 20_000).prop_map(DocumentDiscount::Fixed),
    ]);
    (lines, discount, 0_u64..365, any::<bool>()).prop_filter_map(
        "valid",
        move |(lines, discount, day, exempt)| {
            let date = start.checked_add_days(Days::new(day))?;
            let mut document = Document::new(currency, date).with_lines(
                lines
                    .into_iter()
                    .map(|(product, quantity)| DocumentLine::new(product, quantity)),
            );
            if let Some(discount) = discount {
                document = document.with_discount(discount);
            }
            if exempt {
                document = document.exempt_from(text(TaxCode::new, "RED")?);
            }
            Some(document)
        },
    )
}

/// A bundle `B-{n}` of two or three of the products `1..=products` (ids),
/// one to three units each.
pub fn bundle(n: u32, products: usize) -> impl Strategy<Value = Bundle> {
    let max = u128::try_from(products.max(1)).unwrap_or(1);
    prop::collection::btree_map(1..=max, 1_u32..=3, 1..=3).prop_filter_map(
        "a valid bundle",
        move |components| {
            Bundle::new(
                text(Sku::new, &format!("B-{n}"))?,
                text(ProductName::new, &format!("Bundle {n}"))?,
                components.into_iter().map(|(id, units)| {
                    BundleComponent::new(ProductId::from_u128(id), Quantity::from(units))
                }),
            )
            .ok()
        },
    )
}

/// A buy-X-get-Y offer: buy one to four units, get one or two free, the
/// cheapest or units of one of the products `1..=products`.
pub fn buy_get(products: usize) -> impl Strategy<Value = BuyGet> {
    let max = u128::try_from(products.max(1)).unwrap_or(1);
    (
        1_u32..=4,
        1_u32..=2,
        prop::option::of((1..=max).prop_map(ProductId::from_u128)),
    )
        .prop_filter_map("a valid offer", |(buy, get, product)| {
            let free = product.map_or(FreeUnits::Cheapest, FreeUnits::Product);
            BuyGet::new(Quantity::from(buy), Quantity::from(get), free).ok()
        })
}

/// Any stacking.
pub fn stacking() -> impl Strategy<Value = Stacking> {
    prop::sample::select(vec![
        Stacking::InOrder,
        Stacking::BestOf,
        Stacking::Exclusive,
    ])
}

/// A rule of any kind in `currency` for a catalog of `products` products
/// (ids `1..=products`) and `bundles` bundles (`B-1`...), at a priority
/// from 0 to 2 with any stacking, named `Promo {n}`.
pub fn promotion_rule(
    n: usize,
    currency: Currency,
    products: usize,
    bundles: u32,
) -> impl Strategy<Value = DiscountRule> {
    let kind = prop_oneof![
        discount_rule(currency, products).prop_map(Ok),
        (target(products), buy_get(products)).prop_map(|(target, offer)| Err(Ok((target, offer)))),
        (1..=bundles.max(1), amount(currency, 200_000))
            .prop_map(|(bundle, price)| Err(Err((bundle, price)))),
    ];
    (kind, 0_u32..3, stacking()).prop_filter_map("valid", move |(kind, priority, stacking)| {
        let name = text(DiscountName::new, &format!("Promo {n}"))?;
        let rule = match kind {
            Ok(rule) => {
                let renamed = match rule.kind().clone() {
                    crate::DiscountKind::Line(discount) => {
                        DiscountRule::line(name, rule.target().clone(), discount).ok()?
                    }
                    crate::DiscountKind::Volume { basis, tiers } => {
                        DiscountRule::volume(name, rule.target().clone(), basis, tiers).ok()?
                    }
                    _ => return None,
                };
                match rule.cap_per_line() {
                    Some(cap) => renamed.with_cap_per_line(cap).ok()?,
                    None => renamed,
                }
            }
            Err(Ok((target, offer))) => DiscountRule::buy_get(name, target, offer),
            Err(Err((bundle, price))) => {
                DiscountRule::bundle(name, text(Sku::new, &format!("B-{bundle}"))?, price).ok()?
            }
        };
        Some(rule.with_priority(priority).with_stacking(stacking))
    })
}

/// A setup whose catalog holds two bundles (`B-1`, `B-2`) and whose rules
/// (up to five, named distinctly) mix every kind, priority and stacking.
pub fn promotion_setup() -> impl Strategy<Value = PricingSetup> {
    setup().prop_flat_map(|setup| {
        let products = setup.catalog.len();
        let currency = setup.currency;
        let rules = (0_usize..=5).prop_flat_map(move |count| {
            (0..count)
                .map(|n| promotion_rule(n, currency, products, 2))
                .collect::<Vec<_>>()
        });
        (Just(setup), bundle(1, products), bundle(2, products), rules).prop_filter_map(
            "bundles of the catalog",
            |(mut setup, one, two, rules)| {
                setup.catalog.insert_bundle(one).ok()?;
                setup.catalog.insert_bundle(two).ok()?;
                setup.discounts = rules;
                Some(setup)
            },
        )
    })
}

/// A setup with promotions and a document it can price.
pub fn promotion_setup_and_document() -> impl Strategy<Value = (PricingSetup, Document)> {
    promotion_setup().prop_flat_map(|setup| {
        let document = document(&setup);
        (Just(setup), document)
    })
}

/// A setup and a document it can price.
pub fn setup_and_document() -> impl Strategy<Value = (PricingSetup, Document)> {
    setup().prop_flat_map(|setup| {
        let document = document(&setup);
        (Just(setup), document)
    })
}
