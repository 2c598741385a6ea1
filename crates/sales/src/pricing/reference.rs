//! The engine as it was before its arithmetic moved to machine integers,
//! kept as the reference the tests compare the engine with: the same
//! documents must give the same priced documents, and the same errors.

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

/// What the engine borrows, priced the old way.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reference<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) prices: &'a PriceBook,
    pub(crate) discounts: &'a [DiscountRule],
    pub(crate) coupons: &'a [Coupon],
    pub(crate) taxes: &'a TaxTable,
    pub(crate) config: PricingConfig,
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

impl Reference<'_> {
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
                // Kinds the engine learnt later: the reference knows none.
                _ => continue,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use bureau_core::{Currency, DateRange, Decimal, Money, Percent, ProductId, RoundingStrategy};
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use crate::strategy;
    use crate::*;

    /// The engine and the reference price `document` alike, to the error.
    fn same(engine: &Pricing<'_>, document: &Document) -> Result<(), TestCaseError> {
        let fast = engine.price(document);
        let reference = engine.reference().price(document);
        prop_assert_eq!(fast, reference);
        Ok(())
    }

    /// A decimal of up to `digits` significant digits and `places` decimal
    /// places: small, large, or near the edge of a `Decimal`.
    fn decimal(max: i64, places: u32) -> impl Strategy<Value = Decimal> {
        (0..=max, 0..=places).prop_map(|(m, s)| Decimal::new(m, s))
    }

    fn percent(max_places: u32) -> impl Strategy<Value = Percent> {
        prop_oneof![
            strategy::percent(),
            decimal(100_000_000, max_places)
                .prop_filter_map("at most 100%", |d| (d <= Decimal::ONE_HUNDRED)
                    .then_some(Percent::new(d))),
        ]
    }

    fn price(currency: Currency) -> impl Strategy<Value = Money> {
        prop_oneof![
            0_i128..=100_000,
            0_i128..=1_000_000_000_000_000,
            0_i128..(1 << 94),
        ]
        .prop_filter_map("fits", move |m| Money::from_minor(m, currency).ok())
    }

    fn quantity() -> impl Strategy<Value = Quantity> {
        prop_oneof![
            strategy::quantity(),
            decimal(1_000_000_000_000, 10).prop_map(Quantity::new),
            decimal(i64::MAX, 28).prop_map(Quantity::new),
        ]
    }

    fn tax_kind(currency: Currency) -> impl Strategy<Value = TaxKind> {
        prop_oneof![
            percent(8).prop_map(TaxKind::Percentage),
            percent(8).prop_map(TaxKind::Compound),
            prop_oneof![0_i128..=500, 0_i128..(1 << 80)]
                .prop_filter_map("fits", move |m| Money::from_minor(m, currency).ok())
                .prop_map(TaxKind::FixedPerUnit),
        ]
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    /// A catalog, prices, rules, taxes, coupons and a document with amounts
    /// from cents to the edge of a decimal, quantities and rates with many
    /// decimal places, every configuration.
    #[allow(clippy::type_complexity)]
    fn wide() -> impl Strategy<
        Value = (
            Catalog,
            PriceBook,
            Vec<DiscountRule>,
            TaxTable,
            Vec<Coupon>,
            PricingConfig,
            Document,
        ),
    > {
        (
            strategy::currency(),
            strategy::catalog(),
            strategy::config(),
        )
            .prop_flat_map(|(currency, catalog, config)| {
                let count = catalog.len();
                let categories = ["standard", "reduced"];
                (
                    prop::collection::vec(price(currency), count),
                    prop::collection::vec(strategy::discount_rule(currency, count), 0..=5),
                    prop::collection::vec(
                        (
                            tax_kind(currency),
                            prop::sample::select(categories.to_vec()),
                        ),
                        0..=4,
                    ),
                    prop::option::of(percent(8)),
                    prop::collection::vec((0_usize..count, quantity()), 0..8),
                    prop::option::of(prop_oneof![
                        percent(6).prop_map(DocumentDiscount::Percentage),
                        price(currency).prop_map(DocumentDiscount::Fixed),
                    ]),
                    any::<bool>(),
                )
                    .prop_map(
                        move |(prices, discounts, taxes, coupon, lines, discount, exempt)| {
                            let year = DateRange::new(day(1, 1), day(12, 31)).unwrap();
                            let mut list = PriceList::new(
                                PriceListCode::new("L").unwrap(),
                                currency,
                                None,
                                year,
                            );
                            let ids: Vec<ProductId> = catalog.products().map(Product::id).collect();
                            for (id, price) in ids.iter().zip(prices) {
                                list = list
                                    .with_prices(
                                        *id,
                                        [PriceTier::new(Quantity::ZERO, price).unwrap()],
                                    )
                                    .unwrap();
                            }
                            let taxes = TaxTable::new(taxes.into_iter().enumerate().map(
                                |(n, (kind, category))| {
                                    TaxRule::new(
                                        TaxCode::new(format!("T{n}")).unwrap(),
                                        kind,
                                        [TaxCategory::new(category).unwrap()],
                                    )
                                    .unwrap()
                                },
                            ))
                            .unwrap();
                            let coupons: Vec<Coupon> = coupon
                                .into_iter()
                                .map(|p| {
                                    Coupon::new(
                                        CouponCode::new("C").unwrap(),
                                        DocumentDiscount::Percentage(p),
                                        year,
                                    )
                                    .unwrap()
                                })
                                .collect();
                            let mut document = Document::new(currency, day(6, 1)).with_lines(
                                lines.into_iter().filter_map(|(n, q)| {
                                    ids.get(n).map(|id| DocumentLine::new(*id, q))
                                }),
                            );
                            if let Some(discount) = discount {
                                document = document.with_discount(discount);
                            }
                            if !coupons.is_empty() {
                                document = document.with_coupon(CouponCode::new("C").unwrap(), 0);
                            }
                            if exempt {
                                document = document.exempt_from(TaxCode::new("T1").unwrap());
                            }
                            (
                                catalog.clone(),
                                PriceBook::new([list]),
                                discounts,
                                taxes,
                                coupons,
                                config,
                                document,
                            )
                        },
                    )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn prices_as_the_reference_does((setup, document) in strategy::setup_and_document()) {
            same(&setup.engine(), &document)?;
        }

        #[test]
        fn prices_wide_amounts_as_the_reference_does(
            (catalog, prices, discounts, taxes, coupons, config, document) in wide()
        ) {
            let engine = Pricing::new(&catalog, &prices, &taxes, config)
                .with_discounts(&discounts)
                .with_coupons(&coupons);
            same(&engine, &document)?;
        }
    }

    #[test]
    fn a_document_rounded_tax_of_zero_weights_is_spread_as_the_reference_does() {
        // Taxes far below the weights' precision: every weight rounds to
        // zero, so the exact amounts weigh the spread.
        let standard = TaxCategory::new("standard").unwrap();
        let catalog = Catalog::from_products((1..=3).map(|n| {
            Product::new(
                ProductId::from_u128(n),
                Sku::new(format!("P{n}")).unwrap(),
                ProductName::new("P").unwrap(),
                UnitOfMeasure::new("each").unwrap(),
                standard.clone(),
            )
        }))
        .unwrap();
        let year = DateRange::new(day(1, 1), day(12, 31)).unwrap();
        let mut list = PriceList::new(PriceListCode::new("L").unwrap(), Currency::EUR, None, year);
        for n in 1..=3 {
            list = list
                .with_prices(
                    ProductId::from_u128(n),
                    [PriceTier::new(
                        Quantity::ZERO,
                        Money::from_minor(n as i128, Currency::EUR).unwrap(),
                    )
                    .unwrap()],
                )
                .unwrap();
        }
        let prices = PriceBook::new([list]);
        let taxes = TaxTable::new([TaxRule::new(
            TaxCode::new("TINY").unwrap(),
            TaxKind::Percentage(Percent::new(Decimal::new(1, 9))),
            [standard],
        )
        .unwrap()])
        .unwrap();
        let config = PricingConfig::new(RoundingStrategy::MidpointNearestEven)
            .with_tax_rounding(TaxRounding::PerDocument);
        let engine = Pricing::new(&catalog, &prices, &taxes, config);
        let document = Document::new(Currency::EUR, day(6, 1)).with_lines(
            (1..=3).map(|n| DocumentLine::new(ProductId::from_u128(n), Quantity::from(1))),
        );
        assert_eq!(engine.price(&document), engine.reference().price(&document));
        assert!(engine.price(&document).is_ok());
    }
}
