//! The pricing engine: a pure function from a document to a priced document.

use core::cmp::Ordering;

use bureau_core::{Currency, Decimal, Money, RoundingStrategy};
use smallvec::SmallVec;

use crate::pricing::discount::check_percent;
use crate::pricing::priced::sum_money;
use crate::pricing::rounding;
use crate::{
    Catalog, Coupon, CouponUse, DiscountKind, DiscountRule, Document, DocumentDiscount,
    DocumentLine, Error, LineDiscount, LineStep, PriceBook, PriceQuery, PricedDocument, PricedLine,
    PricingConfig, Product, ProductStatus, Quantity, Result, TaxAmount, TaxCode, TaxInclusion,
    TaxKind, TaxRounding, TaxTable, TierBasis, Totals,
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
/// 2. Discount rules targeting the line apply in the order given, each on
///    what the earlier ones left, capped at it and at the rule's
///    [cap per line](DiscountRule::with_cap_per_line): a percentage of what is
///    left (rounded), a fixed amount per unit (times quantity, rounded) or
///    per line, or a volume percentage whose tier is chosen by the line's
///    quantity or by the cumulative quantity of every line the rule targets.
/// 3. The document discount (a percentage of the sum of the discounted lines,
///    rounded once, or a fixed amount capped at that sum) is spread over the
///    lines in proportion to their discounted amounts with
///    [`Money::allocate`].
///    Then each coupon the document redeems, checked against its validity,
///    minimum and usage limit, is spread the same way.
/// 4. Taxes whose category matches the product's, less the customer's
///    exemptions, apply in the tax table's order to the discounted amount,
///    read as net or as gross by [`PricingConfig::inclusion`]; they are
///    rounded per line or per document by [`PricingConfig::tax_rounding`].
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

/// A line while it is being priced.
struct Work<'p> {
    product: &'p Product,
    quantity: Quantity,
    unit_price: Money,
    list_amount: Money,
    /// What is left after the discounts so far.
    remaining: Money,
    steps: Vec<LineStep>,
    /// The exact (unrounded) amount of each applicable tax, by index in the
    /// table; inline for up to four taxes, so that a line allocates only
    /// what it returns.
    exact_taxes: SmallVec<[(usize, Decimal); 4]>,
    taxes: Vec<TaxAmount>,
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

/// `a - b` minor units of `currency`.
fn minor_difference(a: i128, b: i128, currency: Currency) -> Result<Money> {
    let difference = a.checked_sub(b).ok_or_else(|| overflow("difference"))?;
    Ok(Money::from_minor(difference, currency)?)
}

fn min(a: Money, b: Money) -> Result<Money> {
    Ok(if a.checked_cmp(b)? == Ordering::Greater {
        b
    } else {
        a
    })
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
    /// [`Error::CouponBelowMinimum`]; [`Error::Overflow`] or [`Error::Core`]
    /// when an amount leaves the range of a decimal.
    pub fn price(&self, document: &Document) -> Result<PricedDocument> {
        let currency = document.currency();
        let mut work = Vec::with_capacity(document.lines().len());
        for (index, line) in document.lines().iter().enumerate() {
            work.push(
                self.resolve_line(document, line)
                    .map_err(|e| e.on_line(index))?,
            );
        }
        let cumulative = self.cumulative_quantities(&work)?;
        let rule_rates = self.rule_rates();
        for (index, line) in work.iter_mut().enumerate() {
            self.discount_line(line, &cumulative, &rule_rates, currency)
                .map_err(|e| e.on_line(index))?;
        }
        if let Some(discount) = document.discount() {
            self.spread_document_discount(&mut work, discount, currency, &|amount| {
                LineStep::DocumentDiscount { amount }
            })?;
        }
        for used in document.coupons() {
            self.redeem(&mut work, document, used)?;
        }
        // Each tax's rate, once per document rather than once per line.
        let rates: SmallVec<[Decimal; 4]> = self
            .taxes
            .rules()
            .iter()
            .map(|rule| match rule.kind() {
                TaxKind::Percentage(p) | TaxKind::Compound(p) => p.to_rate().value(),
                _ => Decimal::ZERO,
            })
            .collect();
        for (index, line) in work.iter_mut().enumerate() {
            self.exact_taxes(line, document, &rates, currency)
                .map_err(|e| e.on_line(index))?;
        }
        self.round_taxes(&mut work, currency)?;
        self.assemble(document, work)
    }

    fn resolve_line<'p>(&'p self, document: &Document, line: &DocumentLine) -> Result<Work<'p>> {
        let product = self
            .catalog
            .get(line.product)
            .ok_or(Error::UnknownProduct {
                product: line.product,
            })?;
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
        let mut query = PriceQuery::new(
            line.product,
            line.quantity,
            document.currency(),
            document.date(),
        );
        if let Some(segment) = document.segment() {
            query = query.for_segment(segment);
        }
        let resolution = self.prices.resolve(&query)?;
        let list_amount = self.round(
            resolution
                .unit_price
                .amount()
                .checked_mul(line.quantity.value())
                .ok_or_else(|| overflow("unit price times quantity"))?,
            document.currency(),
        )?;
        Ok(Work {
            product,
            quantity: line.quantity,
            unit_price: resolution.unit_price,
            list_amount,
            remaining: list_amount,
            steps: {
                // Room for every step the line can take: price, each rule,
                // its document discount, each tax.
                let mut steps =
                    Vec::with_capacity(2 + self.discounts.len() + self.taxes.rules().len());
                steps.push(LineStep::Price {
                    list: resolution.list,
                    tier_min_quantity: resolution.tier_min_quantity,
                    unit_price: resolution.unit_price,
                    amount: list_amount,
                });
                steps
            },
            exact_taxes: SmallVec::new(),
            taxes: Vec::new(),
        })
    }

    fn round(&self, amount: Decimal, currency: Currency) -> Result<Money> {
        rounding::round(amount, currency, self.strategy())
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
    fn rule_rates(&self) -> Vec<SmallVec<[Decimal; 4]>> {
        self.discounts
            .iter()
            .map(|rule| match rule.kind() {
                DiscountKind::Line(LineDiscount::Percentage(p)) => {
                    core::iter::once(p.to_rate().value()).collect()
                }
                DiscountKind::Volume { tiers, .. } => tiers
                    .iter()
                    .map(|tier| tier.percent().to_rate().value())
                    .collect(),
                _ => SmallVec::new(),
            })
            .collect()
    }

    fn discount_line(
        &self,
        line: &mut Work<'_>,
        cumulative: &[Option<Quantity>],
        rule_rates: &[SmallVec<[Decimal; 4]>],
        currency: Currency,
    ) -> Result<()> {
        for ((rule, total), rates) in self.discounts.iter().zip(cumulative).zip(rule_rates) {
            if !rule.target().matches(line.product) {
                continue;
            }
            let (amount, percent, tier_quantity) = match rule.kind() {
                DiscountKind::Line(LineDiscount::Percentage(p)) => (
                    self.round(
                        line.remaining
                            .amount()
                            .checked_mul(
                                rates
                                    .first()
                                    .copied()
                                    .unwrap_or_else(|| p.to_rate().value()),
                            )
                            .ok_or_else(|| overflow("percentage discount"))?,
                        currency,
                    )?,
                    Some(*p),
                    None,
                ),
                DiscountKind::Line(LineDiscount::FixedPerUnit(per_unit)) => {
                    same_currency(|| format!("discount {}", rule.name()), *per_unit, currency)?;
                    let exact = per_unit
                        .amount()
                        .checked_mul(line.quantity.value())
                        .ok_or_else(|| overflow("discount per unit times quantity"))?;
                    (self.round(exact, currency)?, None, None)
                }
                DiscountKind::Line(LineDiscount::FixedPerLine(per_line)) => {
                    same_currency(|| format!("discount {}", rule.name()), *per_line, currency)?;
                    (*per_line, None, None)
                }
                DiscountKind::Volume { basis, tiers } => {
                    let quantity = match basis {
                        TierBasis::Line => line.quantity,
                        TierBasis::Cumulative => total.unwrap_or(line.quantity),
                    };
                    let Some((position, tier)) = tiers
                        .iter()
                        .enumerate()
                        .rev()
                        .find(|(_, t)| t.min_quantity() <= quantity)
                    else {
                        continue;
                    };
                    let rate = rates
                        .get(position)
                        .copied()
                        .unwrap_or_else(|| tier.percent().to_rate().value());
                    (
                        self.round(
                            line.remaining
                                .amount()
                                .checked_mul(rate)
                                .ok_or_else(|| overflow("volume discount"))?,
                            currency,
                        )?,
                        Some(tier.percent()),
                        Some(quantity),
                    )
                }
            };
            // Both amounts are in the document's currency (a fixed amount
            // was checked above), so the cap and the subtraction are done on
            // whole minor units.
            let (mut off, left) = (amount.to_minor(), line.remaining.to_minor());
            if let Some(cap) = rule.cap_per_line() {
                same_currency(|| format!("cap of discount {}", rule.name()), cap, currency)?;
                off = off.min(cap.to_minor());
            }
            let off = off.min(left);
            let amount = Money::from_minor(off, currency)?;
            line.remaining = minor_difference(left, off, currency)?;
            line.steps.push(LineStep::Discount {
                rule: rule.name().clone(),
                percent,
                tier_quantity,
                amount,
            });
        }
        Ok(())
    }

    fn spread_document_discount(
        &self,
        work: &mut [Work<'_>],
        discount: DocumentDiscount,
        currency: Currency,
        step: &dyn Fn(Money) -> LineStep,
    ) -> Result<()> {
        let subtotal = sum_money(work.iter().map(|l| l.remaining), currency)?;
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
                min(fixed, subtotal)?
            }
        };
        if amount.is_zero() {
            return Ok(());
        }
        // `amount` is positive and at most `subtotal`, so some weight is
        // positive, and no share exceeds its line's amount.
        let weights: Vec<Decimal> = work.iter().map(|l| l.remaining.amount()).collect();
        let shares = amount.allocate(&weights)?;
        for (line, share) in work.iter_mut().zip(shares) {
            if share.is_zero() {
                continue;
            }
            line.remaining =
                minor_difference(line.remaining.to_minor(), share.to_minor(), currency)?;
            line.steps.push(step(share));
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
            let amount = sum_money(work.iter().map(|l| l.remaining), currency)?;
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

    /// The exact amount of each tax on `line`.
    ///
    /// Every tax is affine in the net amount `n`: `a·n + b` (a percentage
    /// `p` is `p·n`; a compound `c` is `c·(n + earlier taxes)`; a fixed tax is
    /// `f·quantity`). Exclusive, `n` is the discounted amount; inclusive, the
    /// discounted amount `g` is `n + Σ(a·n + b)`, so `n = (g − Σb) / (1 + Σa)`.
    fn exact_taxes(
        &self,
        line: &mut Work<'_>,
        document: &Document,
        rates: &[Decimal],
        currency: Currency,
    ) -> Result<()> {
        let mut terms: SmallVec<[(usize, Decimal, Decimal); 4]> = SmallVec::new();
        let (mut sum_a, mut sum_b) = (Decimal::ZERO, Decimal::ZERO);
        for (index, rule) in self.taxes.rules().iter().enumerate() {
            if !rule.applies_to(line.product.tax_category()) {
                continue;
            }
            if !document.exemptions().is_empty() && document.exemptions().contains(rule.code()) {
                line.steps.push(LineStep::Exempt {
                    code: rule.code().clone(),
                });
                continue;
            }
            let rate = rates.get(index).copied().unwrap_or(Decimal::ZERO);
            let (a, b) = match rule.kind() {
                TaxKind::Percentage(_) => (rate, Decimal::ZERO),
                TaxKind::Compound(_) => {
                    let on_net = Decimal::ONE
                        .checked_add(sum_a)
                        .and_then(|x| x.checked_mul(rate))
                        .ok_or_else(|| overflow("compound tax"))?;
                    // Adding and multiplying zeros is skipped, here and
                    // below: most lines bear no fixed tax, and each decimal
                    // operation costs as much as the rest of a tax.
                    let on_fixed = if sum_b.is_zero() {
                        Decimal::ZERO
                    } else {
                        sum_b
                            .checked_mul(rate)
                            .ok_or_else(|| overflow("compound tax"))?
                    };
                    (on_net, on_fixed)
                }
                TaxKind::FixedPerUnit(per_unit) => {
                    same_currency(|| format!("tax {}", rule.code()), per_unit, currency)?;
                    let fixed = per_unit
                        .amount()
                        .checked_mul(line.quantity.value())
                        .ok_or_else(|| overflow("fixed tax times quantity"))?;
                    (Decimal::ZERO, fixed)
                }
            };
            sum_a = sum_a.checked_add(a).ok_or_else(|| overflow("tax rates"))?;
            if !b.is_zero() {
                sum_b = sum_b
                    .checked_add(b)
                    .ok_or_else(|| overflow("fixed taxes"))?;
            }
            terms.push((index, a, b));
        }
        let base = line.remaining.amount();
        let net = match self.config.inclusion() {
            TaxInclusion::Exclusive => base,
            TaxInclusion::Inclusive => {
                if base < sum_b {
                    return Err(Error::InclusiveBelowFixedTax {
                        amount: line.remaining,
                        fixed: self.round(sum_b, currency)?,
                    });
                }
                let divisor = Decimal::ONE
                    .checked_add(sum_a)
                    .ok_or_else(|| overflow("tax rates"))?;
                (base - sum_b)
                    .checked_div(divisor)
                    .ok_or_else(|| overflow("inclusive net amount"))?
            }
        };
        for (index, a, b) in terms {
            let on_net = a.checked_mul(net).ok_or_else(|| overflow("tax"))?;
            let exact = if b.is_zero() {
                on_net
            } else {
                on_net.checked_add(b).ok_or_else(|| overflow("tax"))?
            };
            line.exact_taxes.push((index, exact));
        }
        Ok(())
    }

    fn round_taxes(&self, work: &mut [Work<'_>], currency: Currency) -> Result<()> {
        match self.config.tax_rounding() {
            TaxRounding::PerLine => {
                for line in work.iter_mut() {
                    let mut taxes = Vec::with_capacity(line.exact_taxes.len());
                    for (index, exact) in &line.exact_taxes {
                        if let Some(rule) = self.taxes.rules().get(*index) {
                            taxes.push(TaxAmount {
                                code: rule.code().clone(),
                                amount: self.round(*exact, currency)?,
                            });
                        }
                    }
                    line.taxes = taxes;
                }
            }
            TaxRounding::PerDocument => {
                for (index, rule) in self.taxes.rules().iter().enumerate() {
                    self.spread_tax(work, index, rule.code(), currency)?;
                }
            }
        }
        Ok(())
    }

    /// Rounds the document's exact tax `index` once and spreads it over the
    /// lines that bear it, in proportion to their exact amounts.
    fn spread_tax(
        &self,
        work: &mut [Work<'_>],
        index: usize,
        code: &TaxCode,
        currency: Currency,
    ) -> Result<()> {
        let exact: Vec<(usize, Decimal)> = work
            .iter()
            .enumerate()
            .filter_map(|(line, w)| {
                w.exact_taxes
                    .iter()
                    .find(|(i, _)| *i == index)
                    .map(|(_, amount)| (line, *amount))
            })
            .collect();
        if exact.is_empty() {
            return Ok(());
        }
        let sum = exact
            .iter()
            .try_fold(Decimal::ZERO, |acc, (_, x)| acc.checked_add(*x))
            .ok_or_else(|| overflow("document tax"))?;
        let total = self.round(sum, currency)?;
        let places = currency.minor_units() + WEIGHT_EXTRA_PLACES;
        let mut weights: Vec<Decimal> = exact.iter().map(|(_, x)| x.round_dp(places)).collect();
        if weights.iter().all(Decimal::is_zero) {
            weights = exact.iter().map(|(_, x)| *x).collect();
        }
        let shares = if weights.iter().all(Decimal::is_zero) {
            // Every exact amount is zero, so the total is too.
            vec![total; exact.len()]
        } else {
            total.allocate(&weights)?
        };
        for ((line, _), share) in exact.iter().zip(shares) {
            if let Some(w) = work.get_mut(*line) {
                if w.taxes.capacity() == 0 {
                    w.taxes.reserve_exact(w.exact_taxes.len());
                }
                w.taxes.push(TaxAmount {
                    code: code.clone(),
                    amount: share,
                });
            }
        }
        Ok(())
    }

    fn assemble(&self, document: &Document, work: Vec<Work<'_>>) -> Result<PricedDocument> {
        let currency = document.currency();
        let mut lines = Vec::with_capacity(work.len());
        for mut line in work {
            let tax = sum_money(line.taxes.iter().map(|t| t.amount), currency)?;
            let (remaining, tax_minor) = (line.remaining.to_minor(), tax.to_minor());
            let (net, gross) = match self.config.inclusion() {
                TaxInclusion::Exclusive => (
                    line.remaining,
                    Money::from_minor(
                        remaining
                            .checked_add(tax_minor)
                            .ok_or_else(|| overflow("gross amount"))?,
                        currency,
                    )?,
                ),
                TaxInclusion::Inclusive => (
                    minor_difference(remaining, tax_minor, currency)?,
                    line.remaining,
                ),
            };
            for t in &line.taxes {
                line.steps.push(LineStep::Tax {
                    code: t.code.clone(),
                    amount: t.amount,
                });
            }
            lines.push(PricedLine {
                product: line.product.id(),
                quantity: line.quantity,
                unit_price: line.unit_price,
                list_amount: line.list_amount,
                discount: minor_difference(
                    line.list_amount.to_minor(),
                    line.remaining.to_minor(),
                    currency,
                )?,
                net,
                taxes: line.taxes,
                tax,
                gross,
                steps: line.steps,
            });
        }
        let totals = Totals::of(
            &lines,
            currency,
            self.taxes.rules().iter().map(|r| r.code()),
        )?;
        Ok(PricedDocument {
            config: self.config,
            document: document.clone(),
            lines,
            totals,
        })
    }
}
