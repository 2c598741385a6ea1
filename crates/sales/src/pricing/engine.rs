//! The pricing engine: a pure function from a document to a priced document.

use core::cmp::{Ordering, Reverse};

use bureau_core::{Currency, Decimal, Money, Percent, ProductId, RoundingStrategy};
use smallvec::SmallVec;

use crate::price_list::Candidates;
use crate::pricing::discount::check_percent;
use crate::pricing::rounding::{self, Exact};
use crate::pricing::spread;
use crate::{
    BuyGet, Catalog, Coupon, CouponUse, DiscountKind, DiscountRule, Document, DocumentDiscount,
    DocumentLine, Error, FreeUnits, LineDiscount, LineStep, PriceBook, PriceQuery, PricedDocument,
    PricedLine, PricingConfig, Product, ProductStatus, Quantity, Result, Sku, Stacking, TaxAmount,
    TaxCategory, TaxInclusion, TaxKind, TaxRounding, TaxTable, TierBasis, Totals,
};

/// Extra decimal places, below the minor unit, of the weights that spread a
/// document-rounded tax over the lines.
const WEIGHT_EXTRA_PLACES: u32 = 6;

/// The pricing engine: a catalog, a price book, discount rules, a tax table
/// and the one [`PricingConfig`] every document is priced with.
///
/// [`Pricing::price`] is pure: the same engine and document give the same
/// priced document, every time.
///
/// # How a line is priced
///
/// 1. The product must be in the catalog and active, the quantity not
///    negative. The unit price comes from [`PriceBook::resolve`]; unit price
///    times quantity is rounded (the line's list amount).
/// 2. Discount rules targeting the line apply by descending
///    [priority](DiscountRule::with_priority), rules of one priority in the
///    order given, each on what the earlier ones left, capped at it and at
///    the rule's [cap per line](DiscountRule::with_cap_per_line): a
///    percentage of what is left (rounded), a fixed amount per unit (times
///    quantity, rounded) or per line, a volume percentage whose tier is
///    chosen by the line's quantity or by the cumulative quantity of every
///    line the rule targets, free units ([`DiscountRule::buy_get`]), or the
///    line's part of complete bundle sets sold at the bundle's price
///    ([`DiscountRule::bundle`]). A rule's [`Stacking`](crate::Stacking)
///    makes it compete with others of its priority (only the best applies)
///    or apply alone. Each rule is applied to every line before the next.
/// 3. The document discount (a percentage of the sum of the discounted lines,
///    rounded once, or a fixed amount capped at that sum) is spread over the
///    lines in proportion to their discounted amounts, by the largest
///    remainder exactly as [`Money::allocate`] spreads it.
///    Then each coupon the document redeems, checked against its validity,
///    minimum and usage limit, is spread the same way.
/// 4. Taxes whose category matches the product's, less the customer's
///    exemptions, apply in the tax table's order to the discounted amount,
///    read as net or as gross by [`PricingConfig::inclusion`]; they are
///    rounded per line or per document by [`PricingConfig::tax_rounding`].
///    Which taxes apply to a tax category, and at which rates, is worked out
///    once per category and document.
///
/// Amounts are computed in whole minor units and exact decimals held on
/// machine integers; an operation whose result would not be exact as a
/// `Decimal` is done by `Decimal`, so every amount is the one the same
/// computation on [`Money`] and `Decimal` gives.
///
/// # Examples
///
/// ```
/// use bureau_core::{money, Currency, DateRange, Percent, ProductId, RoundingStrategy};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::*;
/// let widget = ProductId::from_u128(1);
/// let catalog = Catalog::from_products([Product::new(widget, Sku::new("WID")?,
///     ProductName::new("Widget")?, UnitOfMeasure::new("each")?, TaxCategory::new("standard")?)])?;
/// let year = DateRange::new(NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
///                           NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?)?;
/// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None, year)
///     .with_prices(widget, [PriceTier::new(Quantity::ZERO, money!(9.99 EUR))?])?]);
/// let taxes = TaxTable::new([TaxRule::new(TaxCode::new("VAT19")?,
///     TaxKind::Percentage(Percent::new(19.into())), [TaxCategory::new("standard")?])?])?;
/// let discounts = [DiscountRule::line(DiscountName::new("Promo")?, DiscountTarget::All,
///     LineDiscount::Percentage(Percent::new(10.into())))?];
/// let engine = Pricing::new(&catalog, &prices, &taxes, PricingConfig::new(RoundingStrategy::MidpointAwayFromZero))
///     .with_discounts(&discounts);
///
/// let document = Document::new(Currency::EUR, NaiveDate::from_ymd_opt(2026, 5, 4).ok_or("date")?)
///     .with_line(DocumentLine::new(widget, Quantity::from(3)));
/// let priced = engine.price(&document)?;
/// let totals = priced.totals();
/// assert_eq!(totals.list_amount, money!(29.97 EUR));
/// assert_eq!(totals.discount, money!(3.00 EUR)); // 2.997 rounded
/// assert_eq!(totals.net, money!(26.97 EUR));
/// assert_eq!(totals.tax, money!(5.12 EUR));
/// assert_eq!(totals.gross, money!(32.09 EUR));
///
/// // A bad line is an error naming it.
/// let unknown = document.with_line(DocumentLine::new(ProductId::from_u128(9), Quantity::from(1)));
/// let err = engine.price(&unknown).unwrap_err();
/// assert!(matches!(err, Error::Line { line: 1, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Pricing<'a> {
    catalog: &'a Catalog,
    prices: &'a PriceBook,
    discounts: &'a [DiscountRule],
    coupons: &'a [Coupon],
    taxes: &'a TaxTable,
    config: PricingConfig,
}

/// A line while it is being priced, its amounts in whole minor units of the
/// document's currency.
struct Work<'p> {
    product: &'p Product,
    quantity: Quantity,
    unit_price: Money,
    list: i128,
    list_amount: Money,
    /// What is left after the discounts so far.
    remaining: i128,
    steps: Vec<LineStep>,
    /// Its taxes: the document's tax slots from the first to before the
    /// second, in the table's order.
    taxes: (usize, usize),
    /// Whether a rule took something off it.
    discounted: bool,
    /// Whether an exclusive rule took something off it: no other rule
    /// applies.
    locked: bool,
}

/// A rule with what the engine worked out for it once per document.
struct RuleContext<'r> {
    index: usize,
    rule: &'r DiscountRule,
    /// For a cumulative volume rule, the quantity of every line it targets.
    cumulative: Option<Quantity>,
    /// The rates of its percentages.
    rates: &'r [Exact],
}

/// What a rule would take off a line, before the caps.
#[derive(Clone, Copy)]
struct Offer {
    amount: i128,
    kind: OfferKind,
}

/// How a line's step explains an offer taken.
#[derive(Clone, Copy)]
enum OfferKind {
    Rate {
        percent: Option<Percent>,
        tier_quantity: Option<Quantity>,
    },
    Free {
        units: Quantity,
    },
    Bundle {
        sets: Quantity,
        units: Quantity,
    },
}

/// One tax of one line.
struct TaxSlot {
    /// The tax's position in the table.
    index: usize,
    /// Its exact amount.
    exact: Exact,
    /// Its amount in minor units, once rounded (per line) or spread (per
    /// document).
    minor: i128,
}

/// What a tax adds to its rate times the net amount.
enum FixedPart {
    /// Nothing: a percentage.
    Nothing,
    /// A compound tax's rate times the fixed taxes before it.
    OnFixed(Exact),
    /// A fixed amount per unit, times the quantity.
    PerUnit(Money),
}

/// One step of a tax category's taxes, in the table's order.
enum PlanItem {
    /// The customer is exempt from tax `index`.
    Exempt(usize),
    /// Tax `index` is `rate` times the net amount plus its fixed part.
    /// Working out the rates overflowed just after it when `overflow` names
    /// the operation.
    Tax {
        index: usize,
        rate: Exact,
        fixed: FixedPart,
        overflow: Option<&'static str>,
    },
    /// Working out its rate overflowed.
    Overflow(&'static str),
}

/// The taxes of the products of one tax category on one document, worked
/// out once rather than once per line: which apply, which the customer is
/// exempt from, and each one's whole rate on the net amount (a compound
/// tax's is its rate times one plus the rates before it).
struct TaxPlan<'t> {
    category: &'t TaxCategory,
    items: SmallVec<[PlanItem; 4]>,
    /// One plus the sum of the rates, which divides a tax-inclusive amount;
    /// the name of the operation that overflowed if it does.
    divisor: core::result::Result<Decimal, &'static str>,
}

/// A product of a document: its catalog entry (if any) and the price lists
/// that may price it.
struct ProductEntry<'a> {
    id: ProductId,
    product: Option<&'a Product>,
    candidates: Candidates<'a>,
}

/// The products of one document, each looked up in the catalog and the
/// price book once rather than once per line: a map keyed by product id,
/// open addressing in a table at least twice the number of lines, so it is
/// never full.
struct Products<'a> {
    /// Each slot holds an entry's position plus one, or zero.
    slots: Vec<u32>,
    entries: Vec<ProductEntry<'a>>,
    /// 64 less the table's bits: what is left of a hash once shifted.
    shift: u32,
}

impl<'a> Products<'a> {
    fn new(lines: usize) -> Self {
        let size = lines.saturating_mul(2).next_power_of_two().max(8);
        Self {
            slots: vec![0; size],
            entries: Vec::with_capacity(lines),
            shift: 64 - size.trailing_zeros(),
        }
    }

    /// The entry of `id`, made by `make` the first time.
    fn entry(
        &mut self,
        id: ProductId,
        make: impl FnOnce() -> ProductEntry<'a>,
    ) -> Option<&ProductEntry<'a>> {
        let bits = id.as_uuid().as_u128().to_le_bytes();
        let (low, high) = bits.split_at(8);
        let word = |half: &[u8]| <[u8; 8]>::try_from(half).map_or(0, u64::from_le_bytes);
        let hash = (word(low) ^ word(high)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift;
        let mask = self.slots.len() - 1;
        let mut slot = usize::try_from(hash).unwrap_or(0) & mask;
        loop {
            match self.slots.get(slot).copied()? {
                0 => {
                    self.entries.push(make());
                    *self.slots.get_mut(slot)? = u32::try_from(self.entries.len()).ok()?;
                    return self.entries.last();
                }
                taken => {
                    let index = usize::try_from(taken).ok()?.checked_sub(1)?;
                    if self.entries.get(index)?.id == id {
                        return self.entries.get(index);
                    }
                    slot = (slot + 1) & mask;
                }
            }
        }
    }
}

fn overflow(operation: &'static str) -> Error {
    Error::Overflow { operation }
}

/// `what` is only spelt out on the error path: pricing a line must not
/// allocate a name per rule.
fn same_currency(what: impl FnOnce() -> String, amount: Money, currency: Currency) -> Result<()> {
    if amount.currency() == currency {
        Ok(())
    } else {
        Err(Error::ForeignAmount {
            what: what(),
            currency: amount.currency(),
            document_currency: currency,
        })
    }
}

/// `a - b` minor units, checked.
fn difference(a: i128, b: i128) -> Result<i128> {
    a.checked_sub(b).ok_or_else(|| overflow("difference"))
}

/// The sum of `amounts` minor units of `currency`, as money.
fn minor_sum(amounts: impl IntoIterator<Item = i128>, currency: Currency) -> Result<Money> {
    let mut sum: i128 = 0;
    for amount in amounts {
        sum = sum
            .checked_add(amount)
            .ok_or_else(|| overflow("sum of amounts"))?;
    }
    Ok(Money::from_minor(sum, currency)?)
}

/// `amount` capped at `rule`'s cap per line and at what is `left` of the
/// line.
#[inline(always)]
fn capped(rule: &DiscountRule, amount: i128, left: i128, currency: Currency) -> Result<i128> {
    let mut off = amount;
    if let Some(cap) = rule.cap_per_line() {
        same_currency(|| format!("cap of discount {}", rule.name()), cap, currency)?;
        off = off.min(cap.to_minor());
    }
    Ok(off.min(left))
}

/// Takes `off` (an offer of `rule`, capped) off `line`, with its step.
#[inline(always)]
fn take(
    rule: &DiscountRule,
    line: &mut Work<'_>,
    offer: Offer,
    off: i128,
    currency: Currency,
) -> Result<()> {
    let amount = Money::from_minor(off, currency)?;
    line.remaining = difference(line.remaining, off)?;
    line.discounted |= off > 0;
    let name = rule.name().clone();
    line.steps.push(match offer.kind {
        OfferKind::Rate {
            percent,
            tier_quantity,
        } => LineStep::Discount {
            rule: name,
            percent,
            tier_quantity,
            amount,
        },
        OfferKind::Free { units } => LineStep::FreeUnits {
            rule: name,
            units,
            amount,
        },
        OfferKind::Bundle { sets, units } => match rule.kind() {
            DiscountKind::Bundle { bundle, .. } => LineStep::Bundle {
                rule: name,
                bundle: bundle.clone(),
                sets,
                units,
                amount,
            },
            // Only bundle rules offer sets.
            _ => LineStep::Discount {
                rule: name,
                percent: None,
                tier_quantity: None,
                amount,
            },
        },
    });
    Ok(())
}

/// `units` of `line`'s quantity as a share of what is left of it, rounded
/// with `strategy`: all of it for all its units.
fn share_of(
    line: &Work<'_>,
    units: Quantity,
    currency: Currency,
    strategy: RoundingStrategy,
) -> Result<i128> {
    if units == line.quantity {
        return Ok(line.remaining);
    }
    let exact = Money::from_minor(line.remaining, currency)?
        .amount()
        .checked_mul(units.value())
        .and_then(|x| x.checked_div(line.quantity.value()))
        .ok_or_else(|| overflow("share of a line"))?;
    rounding::round_minor(Exact::from_decimal(exact), currency, strategy)
}

/// `minor` units of `currency` as an exact amount; every amount of a line
/// is within a money's range, so the error is only a safeguard.
fn exact(minor: i128, currency: Currency) -> Result<Exact> {
    Exact::minor(minor, currency).ok_or_else(|| overflow("exact amount"))
}

impl<'a> Pricing<'a> {
    /// An engine with no discount rule.
    pub const fn new(
        catalog: &'a Catalog,
        prices: &'a PriceBook,
        taxes: &'a TaxTable,
        config: PricingConfig,
    ) -> Self {
        Self {
            catalog,
            prices,
            discounts: &[],
            coupons: &[],
            taxes,
            config,
        }
    }

    /// The same engine with `discounts`, which stack in this order.
    #[must_use]
    pub const fn with_discounts(mut self, discounts: &'a [DiscountRule]) -> Self {
        self.discounts = discounts;
        self
    }

    /// The same engine redeeming `coupons`, looked up by the codes a
    /// document gives ([`Document::with_coupon`]).
    #[must_use]
    pub const fn with_coupons(mut self, coupons: &'a [Coupon]) -> Self {
        self.coupons = coupons;
        self
    }

    /// The configuration documents are priced with.
    pub const fn config(&self) -> PricingConfig {
        self.config
    }

    /// Prices `document`.
    ///
    /// # Errors
    ///
    /// [`Error::Line`] naming the line, wrapping [`Error::UnknownProduct`],
    /// [`Error::InactiveProduct`], [`Error::NegativeQuantity`],
    /// [`Error::NoPrice`], [`Error::PriceInOtherCurrency`],
    /// [`Error::ForeignAmount`] (a fixed discount or tax in another currency)
    /// or [`Error::InclusiveBelowFixedTax`]; for the document discount,
    /// [`Error::ForeignAmount`], [`Error::NegativeAmount`] or
    /// [`Error::PercentOutOfRange`]; for a coupon, [`Error::UnknownCoupon`],
    /// [`Error::CouponNotValid`], [`Error::CouponUsedUp`] or
    /// [`Error::CouponBelowMinimum`]; for a bundle rule,
    /// [`Error::UnknownBundle`] or [`Error::ForeignAmount`];
    /// [`Error::Overflow`] or [`Error::Core`] when an amount leaves the range
    /// of a decimal.
    pub fn price(&self, document: &Document) -> Result<PricedDocument> {
        let currency = document.currency();
        let mut work = Vec::with_capacity(document.lines().len());
        let mut products = Products::new(document.lines().len());
        for (index, line) in document.lines().iter().enumerate() {
            work.push(
                self.resolve_line(document, line, &mut products)
                    .map_err(|e| e.on_line(index))?,
            );
        }
        let cumulative = self.cumulative_quantities(&work)?;
        let rule_rates = self.rule_rates();
        self.discount_lines(&mut work, &cumulative, &rule_rates, currency)?;
        if let Some(discount) = document.discount() {
            self.spread_document_discount(&mut work, discount, currency, &|amount| {
                LineStep::DocumentDiscount { amount }
            })?;
        }
        for used in document.coupons() {
            self.redeem(&mut work, document, used)?;
        }
        // Each tax category's taxes are worked out at its first line.
        let mut plans: SmallVec<[TaxPlan<'_>; 2]> = SmallVec::new();
        let mut slots = Vec::with_capacity(work.len() * self.taxes.rules().len());
        for (index, line) in work.iter_mut().enumerate() {
            let category = line.product.tax_category();
            let position = match plans.iter().position(|p| p.category == category) {
                Some(position) => position,
                None => {
                    plans.push(self.plan(category, document));
                    plans.len() - 1
                }
            };
            if let Some(plan) = plans.get(position) {
                self.exact_taxes(line, plan, &mut slots, currency)
                    .map_err(|e| e.on_line(index))?;
            }
        }
        self.round_taxes(&mut slots, currency)?;
        self.assemble(document, work, &slots)
    }

    /// The prices of the engine's parts, for the reference the tests
    /// compare the engine with.
    #[cfg(test)]
    pub(crate) const fn reference(&self) -> crate::pricing::reference::Reference<'a> {
        crate::pricing::reference::Reference {
            catalog: self.catalog,
            prices: self.prices,
            discounts: self.discounts,
            coupons: self.coupons,
            taxes: self.taxes,
            config: self.config,
        }
    }

    fn resolve_line<'p>(
        &'p self,
        document: &Document,
        line: &DocumentLine,
        products: &mut Products<'p>,
    ) -> Result<Work<'p>> {
        let lookup = || ProductEntry {
            id: line.product,
            product: self.catalog.get(line.product),
            candidates: self
                .prices
                .candidates(line.product, document.date(), document.segment()),
        };
        let fresh;
        let entry = match products.entry(line.product, lookup) {
            Some(entry) => entry,
            // The table is never full: only a safeguard.
            None => {
                fresh = lookup();
                &fresh
            }
        };
        let Some(product) = entry.product else {
            return Err(Error::UnknownProduct {
                product: line.product,
            });
        };
        if product.status() == ProductStatus::Inactive {
            return Err(Error::InactiveProduct {
                product: line.product,
            });
        }
        if line.quantity.is_negative() {
            return Err(Error::NegativeQuantity {
                quantity: line.quantity,
            });
        }
        let currency = document.currency();
        let mut query = PriceQuery::new(line.product, line.quantity, currency, document.date());
        if let Some(segment) = document.segment() {
            query = query.for_segment(segment);
        }
        let resolution = entry.candidates.resolve(&query)?;
        let list = rounding::mul_round(
            Exact::of(resolution.unit_price),
            Exact::from_decimal(line.quantity.value()),
            currency,
            self.strategy(),
            "unit price times quantity",
        )?;
        // Room for every step the line can take: price, each rule that
        // targets it, the document discount, each coupon, each tax of its
        // category. Counted rather than bounded by the number of rules: a
        // step is over a hundred bytes, and a block past about a kilobyte
        // leaves the allocator's fast path.
        let rules = self
            .discounts
            .iter()
            .filter(|r| match r.kind() {
                DiscountKind::Bundle { .. } => true,
                _ => r.target().matches(product),
            })
            .count();
        let taxes = self
            .taxes
            .rules()
            .iter()
            .filter(|r| r.applies_to(product.tax_category()))
            .count();
        let mut steps = Vec::with_capacity(
            1 + rules
                + usize::from(document.discount().is_some())
                + document.coupons().len()
                + taxes,
        );
        let list_amount = Money::from_minor(list, currency)?;
        steps.push(LineStep::Price {
            list: resolution.list,
            tier_min_quantity: resolution.tier_min_quantity,
            unit_price: resolution.unit_price,
            amount: list_amount,
        });
        Ok(Work {
            product,
            quantity: line.quantity,
            unit_price: resolution.unit_price,
            list,
            list_amount,
            remaining: list,
            steps,
            taxes: (0, 0),
            discounted: false,
            locked: false,
        })
    }

    const fn strategy(&self) -> RoundingStrategy {
        self.config.strategy()
    }

    /// For each rule choosing its tier by cumulative quantity, the sum of the
    /// quantities of the lines it targets.
    fn cumulative_quantities(&self, work: &[Work<'_>]) -> Result<Vec<Option<Quantity>>> {
        self.discounts
            .iter()
            .map(|rule| match rule.kind() {
                DiscountKind::Volume {
                    basis: TierBasis::Cumulative,
                    ..
                } => work
                    .iter()
                    .filter(|line| rule.target().matches(line.product))
                    .try_fold(Quantity::ZERO, |sum, line| sum.checked_add(line.quantity))
                    .map(Some)
                    .ok_or_else(|| overflow("cumulative quantity")),
                _ => Ok(None),
            })
            .collect()
    }

    /// The rate of each rule's percentages (one for a percentage rule, one
    /// per tier for a volume rule, in the tiers' order), once per document:
    /// turning a percentage into a rate divides and normalizes a decimal,
    /// which done per line and rule cost as much as the discount itself.
    fn rule_rates(&self) -> Vec<SmallVec<[Exact; 4]>> {
        let rate = |p: Percent| Exact::from_decimal(p.to_rate().value());
        self.discounts
            .iter()
            .map(|rule| match rule.kind() {
                DiscountKind::Line(LineDiscount::Percentage(p)) => {
                    core::iter::once(rate(*p)).collect()
                }
                DiscountKind::Volume { tiers, .. } => {
                    tiers.iter().map(|tier| rate(tier.percent())).collect()
                }
                _ => SmallVec::new(),
            })
            .collect()
    }

    /// Applies the discount rules to every line: by descending priority,
    /// rules of one priority in the order given, each as its [`Stacking`]
    /// says. A rule is applied to every line before the next rule, so that
    /// the rules working over several lines (buy X get Y, bundles) see what
    /// the rules before them left of every line.
    fn discount_lines(
        &self,
        work: &mut [Work<'_>],
        cumulative: &[Option<Quantity>],
        rule_rates: &[SmallVec<[Exact; 4]>],
        currency: Currency,
    ) -> Result<()> {
        let rules = self.discounts;
        let mut order: SmallVec<[usize; 8]> = (0..rules.len()).collect();
        if rules.iter().any(|r| r.priority() != 0) {
            // A stable sort: rules of one priority keep the given order.
            order.sort_by_key(|i| Reverse(rules.get(*i).map_or(0, DiscountRule::priority)));
        }
        let mut competed: SmallVec<[bool; 8]> = core::iter::repeat_n(false, rules.len()).collect();
        let context = |index: usize| {
            rules.get(index).map(|rule| RuleContext {
                index,
                rule,
                cumulative: cumulative.get(index).copied().flatten(),
                rates: rule_rates.get(index).map_or(&[], |r| r.as_slice()),
            })
        };
        // In-order rules of single lines come one after another: they are
        // applied line by line, every rule of the run to one line before the
        // next line (the same amounts, with the line at hand).
        let simple = |index: &usize| {
            rules.get(*index).is_some_and(|r| {
                r.stacking() == Stacking::InOrder
                    && !matches!(
                        r.kind(),
                        DiscountKind::BuyGet(_) | DiscountKind::Bundle { .. }
                    )
            })
        };
        let mut run: SmallVec<[RuleContext<'_>; 8]> = SmallVec::new();
        for (position, index) in order.iter().copied().enumerate() {
            let Some(context) = context(index) else {
                continue;
            };
            let rule = context.rule;
            if simple(&index) {
                run.push(context);
                if order.get(position + 1).is_some_and(simple) {
                    continue;
                }
                self.apply_run(&run, work, currency)?;
                run.clear();
                continue;
            }
            match rule.stacking() {
                Stacking::BestOf => {
                    if competed.get(index).copied().unwrap_or(true) {
                        continue;
                    }
                    let group: SmallVec<[RuleContext<'_>; 4]> = order
                        .iter()
                        .skip(position)
                        .filter_map(|i| {
                            let other = rules.get(*i)?;
                            (other.stacking() == Stacking::BestOf
                                && other.priority() == rule.priority())
                            .then(|| RuleContext {
                                index: *i,
                                rule: other,
                                cumulative: cumulative.get(*i).copied().flatten(),
                                rates: rule_rates.get(*i).map_or(&[], |r| r.as_slice()),
                            })
                        })
                        .collect();
                    for member in &group {
                        if let Some(done) = competed.get_mut(member.index) {
                            *done = true;
                        }
                    }
                    self.best_of(&group, work, currency)?;
                }
                stacking => self.apply_rule(&context, stacking, work, currency)?,
            }
        }
        Ok(())
    }

    /// Applies a run of in-order rules of single lines, line by line.
    fn apply_run(
        &self,
        run: &[RuleContext<'_>],
        work: &mut [Work<'_>],
        currency: Currency,
    ) -> Result<()> {
        for (index, line) in work.iter_mut().enumerate() {
            if line.locked {
                continue;
            }
            for context in run {
                let Some(offer) = self
                    .line_offer(context, line, currency)
                    .map_err(|e| e.on_line(index))?
                else {
                    continue;
                };
                let off = capped(context.rule, offer.amount, line.remaining, currency)
                    .map_err(|e| e.on_line(index))?;
                take(context.rule, line, offer, off, currency).map_err(|e| e.on_line(index))?;
            }
        }
        Ok(())
    }

    /// Applies one in-order or exclusive rule to the lines it may apply to.
    fn apply_rule(
        &self,
        context: &RuleContext<'_>,
        stacking: Stacking,
        work: &mut [Work<'_>],
        currency: Currency,
    ) -> Result<()> {
        let exclusive = stacking == Stacking::Exclusive;
        let eligible = |line: &Work<'_>| !(line.locked || (exclusive && line.discounted));
        let across = self.offers_across(context.rule, work, &eligible, currency)?;
        for (index, line) in work.iter_mut().enumerate() {
            if !eligible(line) {
                continue;
            }
            let offer = match &across {
                Some(offers) => offers.get(index).copied().flatten(),
                None => self
                    .line_offer(context, line, currency)
                    .map_err(|e| e.on_line(index))?,
            };
            let Some(offer) = offer else { continue };
            let off = capped(context.rule, offer.amount, line.remaining, currency)
                .map_err(|e| e.on_line(index))?;
            if exclusive && off == 0 {
                continue;
            }
            take(context.rule, line, offer, off, currency).map_err(|e| e.on_line(index))?;
            line.locked |= exclusive;
        }
        Ok(())
    }

    /// Applies, on each line, the one of `group` (best-of rules of one
    /// priority) taking most off it.
    fn best_of(
        &self,
        group: &[RuleContext<'_>],
        work: &mut [Work<'_>],
        currency: Currency,
    ) -> Result<()> {
        let eligible = |line: &Work<'_>| !line.locked;
        let mut across = Vec::with_capacity(group.len());
        for member in group {
            across.push(self.offers_across(member.rule, work, &eligible, currency)?);
        }
        for (index, line) in work.iter_mut().enumerate() {
            if !eligible(line) {
                continue;
            }
            let mut best: Option<(&DiscountRule, Offer, i128)> = None;
            for (member, offers) in group.iter().zip(&across) {
                let offer = match offers {
                    Some(offers) => offers.get(index).copied().flatten(),
                    None => self
                        .line_offer(member, line, currency)
                        .map_err(|e| e.on_line(index))?,
                };
                let Some(offer) = offer else { continue };
                let off = capped(member.rule, offer.amount, line.remaining, currency)
                    .map_err(|e| e.on_line(index))?;
                if best.is_none_or(|(_, _, most)| off > most) {
                    best = Some((member.rule, offer, off));
                }
            }
            if let Some((rule, offer, off)) = best {
                take(rule, line, offer, off, currency).map_err(|e| e.on_line(index))?;
            }
        }
        Ok(())
    }

    /// What a rule on one line takes off it, before the caps; `None` when
    /// the rule does not target the line or no tier applies.
    #[inline(always)]
    fn line_offer(
        &self,
        context: &RuleContext<'_>,
        line: &Work<'_>,
        currency: Currency,
    ) -> Result<Option<Offer>> {
        let (rule, rates) = (context.rule, context.rates);
        if !rule.target().matches(line.product) {
            return Ok(None);
        }
        let strategy = self.strategy();
        let rate_offer = |amount, percent, tier_quantity| {
            Some(Offer {
                amount,
                kind: OfferKind::Rate {
                    percent,
                    tier_quantity,
                },
            })
        };
        Ok(match rule.kind() {
            DiscountKind::Line(LineDiscount::Percentage(p)) => {
                let rate = rates
                    .first()
                    .copied()
                    .unwrap_or_else(|| Exact::from_decimal(p.to_rate().value()));
                let left = exact(line.remaining, currency)?;
                let amount =
                    rounding::mul_round(left, rate, currency, strategy, "percentage discount")?;
                rate_offer(amount, Some(*p), None)
            }
            DiscountKind::Line(LineDiscount::FixedPerUnit(per_unit)) => {
                same_currency(|| format!("discount {}", rule.name()), *per_unit, currency)?;
                let amount = rounding::mul_round(
                    Exact::of(*per_unit),
                    Exact::from_decimal(line.quantity.value()),
                    currency,
                    strategy,
                    "discount per unit times quantity",
                )?;
                rate_offer(amount, None, None)
            }
            DiscountKind::Line(LineDiscount::FixedPerLine(per_line)) => {
                same_currency(|| format!("discount {}", rule.name()), *per_line, currency)?;
                rate_offer(per_line.to_minor(), None, None)
            }
            DiscountKind::Volume { basis, tiers } => {
                let quantity = match basis {
                    TierBasis::Line => line.quantity,
                    TierBasis::Cumulative => context.cumulative.unwrap_or(line.quantity),
                };
                let Some((position, tier)) = tiers
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, t)| t.min_quantity().at_most(quantity))
                else {
                    return Ok(None);
                };
                let rate = rates
                    .get(position)
                    .copied()
                    .unwrap_or_else(|| Exact::from_decimal(tier.percent().to_rate().value()));
                let left = exact(line.remaining, currency)?;
                let amount =
                    rounding::mul_round(left, rate, currency, strategy, "volume discount")?;
                rate_offer(amount, Some(tier.percent()), Some(quantity))
            }
            // Rules over several lines are offered by `offers_across`.
            DiscountKind::BuyGet(_) | DiscountKind::Bundle { .. } => None,
        })
    }

    /// What a rule over several lines (buy X get Y, a bundle) takes off each
    /// of the lines `eligible` admits, before the caps; `None` for a rule of
    /// single lines.
    fn offers_across(
        &self,
        rule: &DiscountRule,
        work: &[Work<'_>],
        eligible: &dyn Fn(&Work<'_>) -> bool,
        currency: Currency,
    ) -> Result<Option<Vec<Option<Offer>>>> {
        match rule.kind() {
            DiscountKind::BuyGet(offer) => self
                .buy_get_offers(rule, offer, work, eligible, currency)
                .map(Some),
            DiscountKind::Bundle { bundle, price } => self
                .bundle_offers(rule, bundle, *price, work, eligible, currency)
                .map(Some),
            _ => Ok(None),
        }
    }

    fn buy_get_offers(
        &self,
        rule: &DiscountRule,
        offer: &BuyGet,
        work: &[Work<'_>],
        eligible: &dyn Fn(&Work<'_>) -> bool,
        currency: Currency,
    ) -> Result<Vec<Option<Offer>>> {
        let mut offers = vec![None; work.len()];
        let free_product = match offer.free() {
            FreeUnits::Product(product) => Some(product),
            _ => None,
        };
        let counted = work
            .iter()
            .filter(|l| eligible(l) && rule.target().matches(l.product))
            .filter(|l| Some(l.product.id()) != free_product)
            .try_fold(Quantity::ZERO, |sum, l| sum.checked_add(l.quantity))
            .ok_or_else(|| overflow("units bought"))?;
        let per_set = match free_product {
            None => offer
                .buy()
                .checked_add(offer.get())
                .ok_or_else(|| overflow("units bought"))?,
            Some(_) => offer.buy(),
        };
        let mut free = counted
            .value()
            .checked_div(per_set.value())
            .map(|sets| sets.floor())
            .and_then(|sets| sets.checked_mul(offer.get().value()))
            .ok_or_else(|| overflow("free units"))?;
        // The lines that may get free units, in the order they get them.
        let mut receivers: Vec<usize> = work
            .iter()
            .enumerate()
            .filter(|(_, l)| eligible(l))
            .filter(|(_, l)| match free_product {
                None => rule.target().matches(l.product),
                Some(product) => l.product.id() == product,
            })
            .map(|(index, _)| index)
            .collect();
        if free_product.is_none() {
            // A stable sort: lines of one unit price keep the document's order.
            receivers.sort_by_key(|index| work.get(*index).map(|l| l.unit_price.to_minor()));
        }
        for index in receivers {
            if free <= Decimal::ZERO {
                break;
            }
            let Some(line) = work.get(index) else {
                continue;
            };
            let units = free.min(line.quantity.value());
            if units.is_zero() {
                continue;
            }
            free -= units;
            let units = Quantity::new(units);
            let amount =
                share_of(line, units, currency, self.strategy()).map_err(|e| e.on_line(index))?;
            if let Some(slot) = offers.get_mut(index) {
                *slot = Some(Offer {
                    amount,
                    kind: OfferKind::Free { units },
                });
            }
        }
        Ok(offers)
    }

    fn bundle_offers(
        &self,
        rule: &DiscountRule,
        sku: &Sku,
        price: Money,
        work: &[Work<'_>],
        eligible: &dyn Fn(&Work<'_>) -> bool,
        currency: Currency,
    ) -> Result<Vec<Option<Offer>>> {
        let mut offers = vec![None; work.len()];
        let bundle = self
            .catalog
            .bundle(sku)
            .ok_or_else(|| Error::UnknownBundle {
                rule: rule.name().clone(),
                sku: sku.clone(),
            })?;
        same_currency(
            || format!("price of discount {}", rule.name()),
            price,
            currency,
        )?;
        let lines_of = |product: ProductId| {
            work.iter()
                .enumerate()
                .filter(move |(_, l)| l.product.id() == product && eligible(l))
        };
        let mut sets: Option<Decimal> = None;
        for component in bundle.components() {
            let available = lines_of(component.product)
                .try_fold(Quantity::ZERO, |sum, (_, l)| sum.checked_add(l.quantity))
                .ok_or_else(|| overflow("bundle units"))?;
            let whole = available
                .value()
                .checked_div(component.quantity.value())
                .ok_or_else(|| overflow("bundle sets"))?
                .floor();
            sets = Some(sets.map_or(whole, |s| s.min(whole)));
        }
        let sets = sets.unwrap_or(Decimal::ZERO);
        if sets <= Decimal::ZERO {
            return Ok(offers);
        }
        // Each component's units in the sets, from its lines in order.
        let mut in_sets: Vec<(usize, Quantity, i128)> = Vec::new();
        for component in bundle.components() {
            let mut needed = sets
                .checked_mul(component.quantity.value())
                .ok_or_else(|| overflow("bundle units"))?;
            for (index, line) in lines_of(component.product) {
                if needed <= Decimal::ZERO {
                    break;
                }
                let units = needed.min(line.quantity.value());
                if units.is_zero() {
                    continue;
                }
                needed -= units;
                let units = Quantity::new(units);
                let cost = share_of(line, units, currency, self.strategy())
                    .map_err(|e| e.on_line(index))?;
                in_sets.push((index, units, cost));
            }
        }
        let cost = in_sets
            .iter()
            .try_fold(0_i128, |sum, (_, _, c)| sum.checked_add(*c))
            .ok_or_else(|| overflow("bundle cost"))?;
        let bundle_price = rounding::round(
            price
                .amount()
                .checked_mul(sets)
                .ok_or_else(|| overflow("bundle price"))?,
            currency,
            self.strategy(),
        )?;
        let off = cost
            .checked_sub(bundle_price.to_minor())
            .ok_or_else(|| overflow("bundle discount"))?;
        if off <= 0 {
            return Ok(offers);
        }
        let weights: Option<Vec<u64>> = in_sets
            .iter()
            .map(|(_, _, c)| u64::try_from(*c).ok())
            .collect();
        let shares = spread::spread_money(
            Money::from_minor(off, currency)?,
            weights.as_deref(),
            || {
                in_sets
                    .iter()
                    .map(|(_, _, c)| Ok(Money::from_minor(*c, currency)?.amount()))
                    .collect()
            },
        )?;
        let sets = Quantity::new(sets);
        for ((index, units, _), amount) in in_sets.iter().zip(shares) {
            if let Some(slot) = offers.get_mut(*index) {
                *slot = Some(Offer {
                    amount,
                    kind: OfferKind::Bundle {
                        sets,
                        units: *units,
                    },
                });
            }
        }
        Ok(offers)
    }

    fn spread_document_discount(
        &self,
        work: &mut [Work<'_>],
        discount: DocumentDiscount,
        currency: Currency,
        step: &dyn Fn(Money) -> LineStep,
    ) -> Result<()> {
        let subtotal = minor_sum(work.iter().map(|l| l.remaining), currency)?;
        let amount = match discount {
            DocumentDiscount::Percentage(p) => {
                check_percent("document discount", p)?;
                subtotal.mul_rate(p.to_rate(), self.strategy())?
            }
            DocumentDiscount::Fixed(fixed) => {
                same_currency(|| "document discount".to_owned(), fixed, currency)?;
                if fixed.is_negative() {
                    return Err(Error::NegativeAmount {
                        what: "document discount",
                        amount: fixed,
                    });
                }
                if fixed.checked_cmp(subtotal)? == Ordering::Greater {
                    subtotal
                } else {
                    fixed
                }
            }
        };
        if amount.is_zero() {
            return Ok(());
        }
        // `amount` is positive and at most `subtotal`, so some weight is
        // positive, and no share exceeds its line's amount.
        let weights: Option<Vec<u64>> = work
            .iter()
            .map(|l| u64::try_from(l.remaining).ok())
            .collect();
        let shares = spread::spread_money(amount, weights.as_deref(), || {
            work.iter()
                .map(|l| Ok(Money::from_minor(l.remaining, currency)?.amount()))
                .collect()
        })?;
        for (line, share) in work.iter_mut().zip(shares) {
            if share == 0 {
                continue;
            }
            line.remaining = difference(line.remaining, share)?;
            line.steps.push(step(Money::from_minor(share, currency)?));
        }
        Ok(())
    }

    /// Checks the coupon `used` against its rules on `document`, whose lines
    /// so far come to `work`, and spreads its discount.
    fn redeem(&self, work: &mut [Work<'_>], document: &Document, used: &CouponUse) -> Result<()> {
        let code = &used.code;
        let coupon = self
            .coupons
            .iter()
            .find(|c| c.code() == code)
            .ok_or_else(|| Error::UnknownCoupon { code: code.clone() })?;
        let validity = coupon.validity();
        if !validity.contains(document.date()) {
            return Err(Error::CouponNotValid {
                code: code.clone(),
                start: validity.start(),
                end: validity.end(),
                date: document.date(),
            });
        }
        if let Some(limit) = coupon.usage_limit()
            && used.used_before >= limit
        {
            return Err(Error::CouponUsedUp {
                code: code.clone(),
                used: used.used_before,
            });
        }
        let currency = document.currency();
        if let Some(minimum) = coupon.minimum() {
            same_currency(|| format!("minimum of coupon {code}"), minimum, currency)?;
            let amount = minor_sum(work.iter().map(|l| l.remaining), currency)?;
            if amount.to_minor() < minimum.to_minor() {
                return Err(Error::CouponBelowMinimum {
                    code: code.clone(),
                    minimum,
                    amount,
                });
            }
        }
        self.spread_document_discount(work, coupon.discount(), currency, &|amount| {
            LineStep::Coupon {
                code: code.clone(),
                amount,
            }
        })
    }

    /// The taxes of products of `category` on `document`.
    fn plan<'t>(&'t self, category: &'t TaxCategory, document: &Document) -> TaxPlan<'t> {
        let mut items = SmallVec::new();
        let mut sum = Decimal::ZERO;
        let exemptions = document.exemptions();
        for (index, rule) in self.taxes.rules().iter().enumerate() {
            if !rule.applies_to(category) {
                continue;
            }
            if !exemptions.is_empty() && exemptions.contains(rule.code()) {
                items.push(PlanItem::Exempt(index));
                continue;
            }
            let (rate, fixed) = match rule.kind() {
                TaxKind::Percentage(p) => (p.to_rate().value(), FixedPart::Nothing),
                TaxKind::Compound(p) => {
                    let rate = p.to_rate().value();
                    match Decimal::ONE
                        .checked_add(sum)
                        .and_then(|x| x.checked_mul(rate))
                    {
                        Some(on_net) => (on_net, FixedPart::OnFixed(Exact::from_decimal(rate))),
                        None => {
                            items.push(PlanItem::Overflow("compound tax"));
                            break;
                        }
                    }
                }
                TaxKind::FixedPerUnit(per_unit) => (Decimal::ZERO, FixedPart::PerUnit(per_unit)),
            };
            let next = sum.checked_add(rate);
            items.push(PlanItem::Tax {
                index,
                rate: Exact::from_decimal(rate),
                fixed,
                overflow: next.is_none().then_some("tax rates"),
            });
            match next {
                Some(next) => sum = next,
                None => break,
            }
        }
        TaxPlan {
            category,
            items,
            divisor: Decimal::ONE.checked_add(sum).ok_or("tax rates"),
        }
    }

    /// The exact amount of each tax on `line`, added to `slots`.
    ///
    /// Every tax is affine in the net amount `n`: `a·n + b` (a percentage
    /// `p` is `p·n`; a compound `c` is `c·(n + earlier taxes)`; a fixed tax is
    /// `f·quantity`). Exclusive, `n` is the discounted amount; inclusive, the
    /// discounted amount `g` is `n + Σ(a·n + b)`, so `n = (g − Σb) / (1 + Σa)`.
    /// The rates `a` come from the line's [`TaxPlan`]; the fixed parts `b`
    /// depend on the line's quantity.
    fn exact_taxes(
        &self,
        line: &mut Work<'_>,
        plan: &TaxPlan<'_>,
        slots: &mut Vec<TaxSlot>,
        currency: Currency,
    ) -> Result<()> {
        let rules = self.taxes.rules();
        let mut terms: SmallVec<[(usize, Exact, Exact); 4]> = SmallVec::new();
        let mut fixed_sum = Exact::ZERO;
        for item in &plan.items {
            let (index, rate, fixed, fails) = match item {
                PlanItem::Exempt(index) => {
                    if let Some(rule) = rules.get(*index) {
                        line.steps.push(LineStep::Exempt {
                            code: rule.code().clone(),
                        });
                    }
                    continue;
                }
                PlanItem::Overflow(operation) => return Err(overflow(operation)),
                PlanItem::Tax {
                    index,
                    rate,
                    fixed,
                    overflow,
                } => (*index, *rate, fixed, *overflow),
            };
            let b = match fixed {
                FixedPart::Nothing => Exact::ZERO,
                // Most lines bear no fixed tax: nothing to multiply.
                FixedPart::OnFixed(_) if fixed_sum.is_zero() => Exact::ZERO,
                FixedPart::OnFixed(rate) => fixed_sum
                    .checked_mul(*rate)
                    .ok_or_else(|| overflow("compound tax"))?,
                FixedPart::PerUnit(per_unit) => {
                    let code = rules.get(index).map(|r| r.code());
                    same_currency(
                        || format!("tax {}", code.map_or("", |c| c.as_str())),
                        *per_unit,
                        currency,
                    )?;
                    Exact::of(*per_unit)
                        .checked_mul(Exact::from_decimal(line.quantity.value()))
                        .ok_or_else(|| overflow("fixed tax times quantity"))?
                }
            };
            if let Some(operation) = fails {
                return Err(overflow(operation));
            }
            if !b.is_zero() {
                fixed_sum = fixed_sum
                    .checked_add(b)
                    .ok_or_else(|| overflow("fixed taxes"))?;
            }
            terms.push((index, rate, b));
        }
        let net = match self.config.inclusion() {
            TaxInclusion::Exclusive => exact(line.remaining, currency)?,
            TaxInclusion::Inclusive => {
                let base = Money::from_minor(line.remaining, currency)?;
                let fixed = fixed_sum.to_decimal()?;
                if base.amount() < fixed {
                    return Err(Error::InclusiveBelowFixedTax {
                        amount: base,
                        fixed: rounding::round(fixed, currency, self.strategy())?,
                    });
                }
                let divisor = plan.divisor.map_err(overflow)?;
                let net = base
                    .amount()
                    .checked_sub(fixed)
                    .and_then(|n| n.checked_div(divisor))
                    .ok_or_else(|| overflow("inclusive net amount"))?;
                Exact::from_decimal(net)
            }
        };
        let start = slots.len();
        for (index, a, b) in terms {
            let on_net = a.checked_mul(net).ok_or_else(|| overflow("tax"))?;
            let exact = if b.is_zero() {
                on_net
            } else {
                on_net.checked_add(b).ok_or_else(|| overflow("tax"))?
            };
            slots.push(TaxSlot {
                index,
                exact,
                minor: 0,
            });
        }
        line.taxes = (start, slots.len());
        Ok(())
    }

    fn round_taxes(&self, slots: &mut [TaxSlot], currency: Currency) -> Result<()> {
        match self.config.tax_rounding() {
            TaxRounding::PerLine => {
                for slot in slots.iter_mut() {
                    slot.minor = rounding::round_minor(slot.exact, currency, self.strategy())?;
                }
            }
            TaxRounding::PerDocument => {
                for index in 0..self.taxes.rules().len() {
                    self.spread_tax(slots, index, currency)?;
                }
            }
        }
        Ok(())
    }

    /// Rounds the document's exact tax `index` once and spreads it over the
    /// lines that bear it, in proportion to their exact amounts rounded to
    /// [`WEIGHT_EXTRA_PLACES`] below the minor unit (half to even; the exact
    /// amounts themselves if every weight rounds to zero).
    fn spread_tax(&self, slots: &mut [TaxSlot], index: usize, currency: Currency) -> Result<()> {
        let (mut count, mut scale) = (0_usize, 0_u32);
        for slot in slots.iter().filter(|s| s.index == index) {
            count += 1;
            scale = scale.max(slot.exact.scale());
        }
        if count == 0 {
            return Ok(());
        }
        let mut sum = Exact::ZERO;
        for slot in slots.iter().filter(|s| s.index == index) {
            sum = sum
                .checked_add(slot.exact)
                .ok_or_else(|| overflow("document tax"))?;
        }
        let total = Money::from_minor(
            rounding::round_minor(sum, currency, self.strategy())?,
            currency,
        )?;
        let places = currency.minor_units() + WEIGHT_EXTRA_PLACES;
        let weights = tax_weights(slots, index, scale, places);
        let shares = match weights.as_deref() {
            Some(w) if w.iter().all(|w| *w == 0) => {
                // Every exact amount is zero, so the total is too.
                vec![total.to_minor(); count]
            }
            _ => spread::spread_money(total, weights.as_deref(), || {
                let exact: Vec<Decimal> = slots
                    .iter()
                    .filter(|s| s.index == index)
                    .map(|s| s.exact.to_decimal())
                    .collect::<Result<_>>()?;
                let rounded: Vec<Decimal> = exact.iter().map(|x| x.round_dp(places)).collect();
                Ok(if rounded.iter().all(Decimal::is_zero) {
                    exact
                } else {
                    rounded
                })
            })?,
        };
        for (slot, share) in slots.iter_mut().filter(|s| s.index == index).zip(shares) {
            slot.minor = share;
        }
        Ok(())
    }

    fn assemble(
        &self,
        document: &Document,
        mut work: Vec<Work<'_>>,
        slots: &[TaxSlot],
    ) -> Result<PricedDocument> {
        let currency = document.currency();
        let money = |minor: i128| Money::from_minor(minor, currency);
        let rules = self.taxes.rules();
        let mut lines = Vec::with_capacity(work.len());
        // The totals are summed as the lines are made; an overflow is
        // reported once every line is made, as summing afterwards would.
        let mut sums = [0_i128; 5];
        let mut sums_overflow = false;
        let mut tax_sums: SmallVec<[Option<Option<i128>>; 4]> =
            core::iter::repeat_n(None, rules.len()).collect();
        // Each line is read in place and its steps taken: moving a whole
        // line out of the vector is a copy of it.
        for line in &mut work {
            let mine = slots.get(line.taxes.0..line.taxes.1).unwrap_or_default();
            let tax = mine
                .iter()
                .try_fold(0_i128, |sum, t| sum.checked_add(t.minor))
                .ok_or_else(|| overflow("sum of amounts"))?;
            let tax_money = money(tax)?;
            let (net, gross) = match self.config.inclusion() {
                TaxInclusion::Exclusive => (
                    line.remaining,
                    line.remaining
                        .checked_add(tax)
                        .ok_or_else(|| overflow("gross amount"))?,
                ),
                TaxInclusion::Inclusive => (difference(line.remaining, tax)?, line.remaining),
            };
            let (net_money, gross_money) = (money(net)?, money(gross)?);
            let mut taxes = Vec::with_capacity(mine.len());
            for slot in mine {
                let Some(rule) = rules.get(slot.index) else {
                    continue;
                };
                let amount = money(slot.minor)?;
                line.steps.push(LineStep::Tax {
                    code: rule.code().clone(),
                    amount,
                });
                taxes.push(TaxAmount {
                    code: rule.code().clone(),
                    amount,
                });
                if let Some(sum) = tax_sums.get_mut(slot.index) {
                    *sum = Some(
                        sum.unwrap_or(Some(0))
                            .and_then(|s| s.checked_add(slot.minor)),
                    );
                }
            }
            let discount = difference(line.list, line.remaining)?;
            for (sum, amount) in sums.iter_mut().zip([line.list, discount, net, tax, gross]) {
                match sum.checked_add(amount) {
                    Some(next) => *sum = next,
                    None => sums_overflow = true,
                }
            }
            lines.push(PricedLine {
                product: line.product.id(),
                quantity: line.quantity,
                unit_price: line.unit_price,
                list_amount: line.list_amount,
                discount: money(discount)?,
                net: net_money,
                taxes,
                tax: tax_money,
                gross: gross_money,
                steps: core::mem::take(&mut line.steps),
            });
        }
        if sums_overflow {
            return Err(overflow("document totals"));
        }
        let mut taxes = Vec::new();
        for (rule, sum) in rules.iter().zip(tax_sums) {
            // `None`: charged on no line; `Some(None)`: the sum overflowed.
            let Some(sum) = sum else { continue };
            taxes.push(TaxAmount {
                code: rule.code().clone(),
                amount: money(sum.ok_or_else(|| overflow("sum of amounts"))?)?,
            });
        }
        let [list, discount, net, tax, gross] = sums;
        let totals = Totals {
            list_amount: money(list)?,
            discount: money(discount)?,
            net: money(net)?,
            taxes,
            tax: money(tax)?,
            gross: money(gross)?,
        };
        Ok(PricedDocument {
            config: self.config,
            document: document.clone(),
            lines,
            totals,
        })
    }
}

/// The weights spreading tax `index`: each slot's exact amount at `scale`
/// (the largest of their scales) rounded half to even to `places` decimal
/// places (what `Decimal::round_dp` does), or the exact amounts if every
/// weight rounds to zero; `None` when a weight is negative or does not fit
/// 64 bits.
fn tax_weights(slots: &[TaxSlot], index: usize, scale: u32, places: u32) -> Option<Vec<u64>> {
    let mantissas = || {
        slots
            .iter()
            .filter(move |s| s.index == index)
            .map(move |s| s.exact.mantissa_at(scale))
    };
    let mut weights = Vec::new();
    if scale > places {
        let divisor = rounding::power_of_ten(scale - places)?;
        for mantissa in mantissas() {
            let rounded =
                rounding::divide(mantissa?, divisor, RoundingStrategy::MidpointNearestEven)?;
            weights.push(u64::try_from(rounded).ok()?);
        }
        if weights.iter().any(|w| *w > 0) {
            return Some(weights);
        }
        weights.clear();
    }
    for mantissa in mantissas() {
        weights.push(u64::try_from(mantissa?).ok()?);
    }
    Some(weights)
}
