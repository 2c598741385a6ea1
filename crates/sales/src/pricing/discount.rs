//! Discount rules: percentage and fixed line discounts, volume tiers per
//! line or cumulative over several lines, buy X get Y, bundles sold at a set
//! price, their priorities and how they stack, and the document discount.

use bureau_core::{Decimal, Money, Percent, ProductId};

use crate::{DiscountName, Error, Product, ProductGroup, Quantity, Result, Sku};

/// Which lines a discount rule applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DiscountTarget {
    /// Every line.
    All,
    /// Lines of one product.
    Product(ProductId),
    /// Lines of products in one group.
    Group(ProductGroup),
}

impl DiscountTarget {
    /// Whether lines of `product` are targeted.
    pub fn matches(&self, product: &Product) -> bool {
        match self {
            Self::All => true,
            Self::Product(id) => *id == product.id(),
            Self::Group(group) => product.group() == Some(group),
        }
    }
}

/// A discount taken off a line's amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LineDiscount {
    /// A percentage of what is left of the line after earlier discounts.
    Percentage(Percent),
    /// A fixed amount per unit of quantity.
    FixedPerUnit(Money),
    /// A fixed amount per line.
    FixedPerLine(Money),
}

/// One volume tier: from `min_quantity` on, `percent` off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawVolumeTier"))]
pub struct VolumeTier {
    min_quantity: Quantity,
    percent: Percent,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawVolumeTier {
    min_quantity: Quantity,
    percent: Percent,
}

#[cfg(feature = "serde")]
impl TryFrom<RawVolumeTier> for VolumeTier {
    type Error = Error;
    fn try_from(raw: RawVolumeTier) -> Result<Self> {
        Self::new(raw.min_quantity, raw.percent)
    }
}

impl VolumeTier {
    /// From `min_quantity` units on, `percent` off.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeTierQuantity`], or [`Error::PercentOutOfRange`] for
    /// a percentage outside `[0, 100]`.
    pub fn new(min_quantity: Quantity, percent: Percent) -> Result<Self> {
        if min_quantity.is_negative() {
            return Err(Error::NegativeTierQuantity {
                quantity: min_quantity,
            });
        }
        check_percent("volume discount", percent)?;
        Ok(Self {
            min_quantity,
            percent,
        })
    }

    /// The smallest quantity the tier applies to.
    pub const fn min_quantity(&self) -> Quantity {
        self.min_quantity
    }

    /// The discount.
    pub const fn percent(&self) -> Percent {
        self.percent
    }
}

/// Which quantity selects a volume tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TierBasis {
    /// The quantity of the line alone.
    Line,
    /// The sum of the quantities of every line the rule targets (for a
    /// [`DiscountTarget::Group`], the group's cumulative quantity). Computed
    /// afresh from the document at each pricing, so removing a line takes
    /// its quantity out of the tier.
    Cumulative,
}

/// What a discount rule does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DiscountKind {
    /// A line discount.
    Line(LineDiscount),
    /// A percentage chosen by volume.
    Volume {
        /// Which quantity selects the tier.
        basis: TierBasis,
        /// The tiers, by ascending minimum quantity.
        tiers: Vec<VolumeTier>,
    },
    /// Buy some units, get some free.
    BuyGet(BuyGet),
    /// Every complete set of a catalog bundle's components on a document
    /// costs `price`.
    Bundle {
        /// The bundle's SKU in the catalog.
        bundle: Sku,
        /// The price of one complete set.
        price: Money,
    },
}

/// Which units a [`BuyGet`] gives free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FreeUnits {
    /// The cheapest units of the lines the rule targets ("three for the
    /// price of two"): of every `buy + get` units, `get` are free.
    Cheapest,
    /// Units of this product ("buy two widgets, get a cable free"): every
    /// `buy` units of the targeted lines (this product's own units not
    /// counted) give `get` units of it free, as far as the document holds
    /// them.
    Product(ProductId),
}

/// Buy `buy` units, get `get` units free: which units is [`FreeUnits`].
///
/// Units are counted over every line the rule targets, and only whole
/// multiples of `buy` (plus `get`, for the cheapest) earn free units. A free
/// unit takes its line's share of what is left of the line when the rule
/// applies: `free units / quantity` of it.
///
/// ```
/// use bureau_sales::{BuyGet, Error, FreeUnits, Quantity};
/// let three_for_two = BuyGet::new(Quantity::from(2), Quantity::from(1), FreeUnits::Cheapest)?;
/// assert_eq!(three_for_two.buy(), Quantity::from(2));
/// assert!(matches!(BuyGet::new(Quantity::ZERO, Quantity::from(1), FreeUnits::Cheapest),
///     Err(Error::InvalidBuyGet { .. })));
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawBuyGet"))]
pub struct BuyGet {
    buy: Quantity,
    get: Quantity,
    free: FreeUnits,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawBuyGet {
    buy: Quantity,
    get: Quantity,
    free: FreeUnits,
}

#[cfg(feature = "serde")]
impl TryFrom<RawBuyGet> for BuyGet {
    type Error = Error;
    fn try_from(raw: RawBuyGet) -> Result<Self> {
        Self::new(raw.buy, raw.get, raw.free)
    }
}

impl BuyGet {
    /// Buy `buy` units, get `get` units free.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBuyGet`] when `buy` or `get` is not positive.
    pub fn new(buy: Quantity, get: Quantity, free: FreeUnits) -> Result<Self> {
        if !buy.is_positive() {
            return Err(Error::InvalidBuyGet {
                reason: "the units to buy are not positive",
            });
        }
        if !get.is_positive() {
            return Err(Error::InvalidBuyGet {
                reason: "the free units are not positive",
            });
        }
        Ok(Self { buy, get, free })
    }

    /// The units to buy.
    pub const fn buy(&self) -> Quantity {
        self.buy
    }

    /// The units given free for them.
    pub const fn get(&self) -> Quantity {
        self.get
    }

    /// Which units are free.
    pub const fn free(&self) -> FreeUnits {
        self.free
    }
}

/// How a rule combines with the other rules on a line.
///
/// Rules apply by descending [priority](DiscountRule::with_priority), rules
/// of one priority in the order given to the engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Stacking {
    /// Takes its discount off what the rules before it left, and the rules
    /// after it take theirs off what it left.
    #[default]
    InOrder,
    /// Competes with the other best-of rules of its priority: on each line,
    /// where the first of them comes in the order, each is worked out on what
    /// is left and only the one taking most off applies (ties to the one
    /// given first). The winner stacks with the in-order rules.
    BestOf,
    /// Applies alone or not at all: it applies to a line no rule before it
    /// took anything off, and where it takes something off, no rule after it
    /// applies to the line. (A rule of higher priority that discounted the
    /// line first keeps it from applying.)
    Exclusive,
}

/// A named discount rule for the lines it targets.
///
/// By default rules stack in the order given to the engine: each takes its
/// discount off what the rules before it left of the line, and no rule takes
/// a line below zero (a larger discount is capped at what is left). A
/// [priority](DiscountRule::with_priority) orders them otherwise, and a
/// [`Stacking`] makes a rule exclusive or one of several of which only the
/// best applies.
///
/// ```
/// use bureau_core::Percent;
/// use bureau_sales::{DiscountName, DiscountRule, DiscountTarget, ProductGroup, Quantity, TierBasis, VolumeTier};
/// let tiers = [
///     VolumeTier::new(Quantity::from(10), Percent::new(5.into()))?,
///     VolumeTier::new(Quantity::from(50), Percent::new(10.into()))?,
/// ];
/// let rule = DiscountRule::volume(DiscountName::new("Widget volume")?,
///     DiscountTarget::Group(ProductGroup::new("widgets")?), TierBasis::Cumulative, tiers)?;
/// assert_eq!(rule.name().as_str(), "Widget volume");
/// // A larger volume never earns a smaller discount.
/// let falling = [
///     VolumeTier::new(Quantity::from(10), Percent::new(10.into()))?,
///     VolumeTier::new(Quantity::from(50), Percent::new(5.into()))?,
/// ];
/// assert!(DiscountRule::volume(DiscountName::new("Bad")?, bureau_sales::DiscountTarget::All,
///     TierBasis::Line, falling).is_err());
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawDiscountRule"))]
pub struct DiscountRule {
    name: DiscountName,
    target: DiscountTarget,
    kind: DiscountKind,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    cap_per_line: Option<Money>,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_zero"))]
    priority: u32,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_in_order"))]
    stacking: Stacking,
}

#[cfg(feature = "serde")]
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn is_zero(priority: &u32) -> bool {
    *priority == 0
}

#[cfg(feature = "serde")]
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn is_in_order(stacking: &Stacking) -> bool {
    *stacking == Stacking::InOrder
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawDiscountRule {
    name: DiscountName,
    target: DiscountTarget,
    kind: DiscountKind,
    #[serde(default)]
    cap_per_line: Option<Money>,
    #[serde(default)]
    priority: u32,
    #[serde(default)]
    stacking: Stacking,
}

#[cfg(feature = "serde")]
impl TryFrom<RawDiscountRule> for DiscountRule {
    type Error = Error;
    fn try_from(raw: RawDiscountRule) -> Result<Self> {
        let rule = match raw.kind {
            DiscountKind::Line(discount) => Self::line(raw.name, raw.target, discount),
            DiscountKind::Volume { basis, tiers } => {
                Self::volume(raw.name, raw.target, basis, tiers)
            }
            DiscountKind::BuyGet(offer) => Ok(Self::buy_get(raw.name, raw.target, offer)),
            DiscountKind::Bundle { bundle, price } => Self::bundle(raw.name, bundle, price),
        }?
        .with_priority(raw.priority)
        .with_stacking(raw.stacking);
        match raw.cap_per_line {
            Some(cap) => rule.with_cap_per_line(cap),
            None => Ok(rule),
        }
    }
}

pub(crate) fn check_percent(what: &'static str, percent: Percent) -> Result<()> {
    if percent.value() < Decimal::ZERO || percent.value() > Decimal::ONE_HUNDRED {
        return Err(Error::PercentOutOfRange {
            what,
            percent: percent.value(),
        });
    }
    Ok(())
}

impl DiscountRule {
    /// A line discount named `name` on the lines of `target`.
    ///
    /// # Errors
    ///
    /// [`Error::PercentOutOfRange`] for a percentage outside `[0, 100]`,
    /// [`Error::NegativeAmount`] for a negative fixed amount.
    pub fn line(
        name: DiscountName,
        target: DiscountTarget,
        discount: LineDiscount,
    ) -> Result<Self> {
        match discount {
            LineDiscount::Percentage(p) => check_percent("line discount", p)?,
            LineDiscount::FixedPerUnit(amount) | LineDiscount::FixedPerLine(amount)
                if amount.is_negative() =>
            {
                return Err(Error::NegativeAmount {
                    what: "fixed discount",
                    amount,
                });
            }
            LineDiscount::FixedPerUnit(_) | LineDiscount::FixedPerLine(_) => {}
        }
        Ok(Self {
            name,
            target,
            kind: DiscountKind::Line(discount),
            cap_per_line: None,
            priority: 0,
            stacking: Stacking::InOrder,
        })
    }

    /// A volume discount named `name` on the lines of `target`, its tier
    /// chosen by `basis`. Tiers may come in any order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidVolumeTiers`] for no tiers, two tiers from one
    /// quantity, or a larger quantity with a smaller discount (which would
    /// let removing a line lower another's price).
    pub fn volume(
        name: DiscountName,
        target: DiscountTarget,
        basis: TierBasis,
        tiers: impl IntoIterator<Item = VolumeTier>,
    ) -> Result<Self> {
        let mut tiers: Vec<VolumeTier> = tiers.into_iter().collect();
        if tiers.is_empty() {
            return Err(Error::InvalidVolumeTiers { reason: "no tiers" });
        }
        tiers.sort_by_key(|t| t.min_quantity);
        for pair in tiers.windows(2) {
            if let [low, high] = pair {
                if low.min_quantity == high.min_quantity {
                    return Err(Error::InvalidVolumeTiers {
                        reason: "two tiers start at the same quantity",
                    });
                }
                if high.percent < low.percent {
                    return Err(Error::InvalidVolumeTiers {
                        reason: "a larger quantity has a smaller discount",
                    });
                }
            }
        }
        Ok(Self {
            name,
            target,
            kind: DiscountKind::Volume { basis, tiers },
            cap_per_line: None,
            priority: 0,
            stacking: Stacking::InOrder,
        })
    }

    /// A buy-X-get-Y rule named `name`: of the lines of `target`, every
    /// [`BuyGet::buy`] units earn [`BuyGet::get`] units free (checked by
    /// [`BuyGet::new`]).
    ///
    /// Free units are given to whole units' worth of lines: the cheapest
    /// lines' units first (by unit price, ties to the earlier line) for
    /// [`FreeUnits::Cheapest`], or the given product's lines in document
    /// order. A line with `f` of its `q` units free has `f / q` of what is
    /// left of it taken off, rounded; its step is [`LineStep::FreeUnits`](crate::LineStep::FreeUnits).
    ///
    /// Unlike a cumulative volume tier, removing a line can lower another
    /// line's price here: the free units it held may move to the next
    /// cheapest line.
    ///
    /// ```
    /// use bureau_core::{money, Currency, DateRange, ProductId, RoundingStrategy};
    /// use bureau_core::chrono::NaiveDate;
    /// use bureau_sales::*;
    /// let (mug, cap) = (ProductId::from_u128(1), ProductId::from_u128(2));
    /// let product = |id, sku: &str| -> Result<Product, Error> {
    ///     Ok(Product::new(id, Sku::new(sku)?, ProductName::new(sku)?, UnitOfMeasure::new("each")?,
    ///                     TaxCategory::new("standard")?))
    /// };
    /// let catalog = Catalog::from_products([product(mug, "MUG")?, product(cap, "CAP")?])?;
    /// let year = DateRange::new(NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
    ///                           NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?)?;
    /// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None, year)
    ///     .with_prices(mug, [PriceTier::new(Quantity::ZERO, money!(8.00 EUR))?])?
    ///     .with_prices(cap, [PriceTier::new(Quantity::ZERO, money!(5.00 EUR))?])?]);
    /// let taxes = TaxTable::default();
    /// // Three for two over mugs and caps: the cheapest unit of every three is free.
    /// let rules = [DiscountRule::buy_get(DiscountName::new("3 for 2")?, DiscountTarget::All,
    ///     BuyGet::new(Quantity::from(2), Quantity::from(1), FreeUnits::Cheapest)?)];
    /// let engine = Pricing::new(&catalog, &prices, &taxes,
    ///     PricingConfig::new(RoundingStrategy::MidpointAwayFromZero)).with_discounts(&rules);
    /// let document = Document::new(Currency::EUR, NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?)
    ///     .with_line(DocumentLine::new(mug, Quantity::from(4)))
    ///     .with_line(DocumentLine::new(cap, Quantity::from(2)));
    /// let priced = engine.price(&document)?;
    /// // Six units: two free, both caps.
    /// assert_eq!(priced.lines()[0].discount, money!(0.00 EUR));
    /// assert_eq!(priced.lines()[1].discount, money!(10.00 EUR));
    /// assert_eq!(priced.totals().net, money!(32.00 EUR));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn buy_get(name: DiscountName, target: DiscountTarget, offer: BuyGet) -> Self {
        Self {
            name,
            target,
            kind: DiscountKind::BuyGet(offer),
            cap_per_line: None,
            priority: 0,
            stacking: Stacking::InOrder,
        }
    }

    /// A bundle rule named `name`: every complete set of the components of
    /// the catalog's bundle `bundle` ([`Catalog::insert_bundle`](crate::Catalog::insert_bundle))
    /// on a document costs `price`.
    ///
    /// The sets are the whole number of times every component's quantity is
    /// on the document (summed over its lines); each component's units in
    /// the sets are taken from its lines in document order. What the units in
    /// sets cost after the rules before this one, less `price` for each set,
    /// is taken off those lines in proportion to what their units in sets
    /// cost, so that, applied first and uncapped, the sets cost exactly
    /// `sets × price`. Sets already cheaper than `price` get nothing.
    /// Each line's step is [`LineStep::Bundle`](crate::LineStep::Bundle).
    /// Removing a line can move units in sets to another line of the same
    /// product, lowering its price.
    ///
    /// ```
    /// use bureau_core::{money, Currency, DateRange, ProductId, RoundingStrategy};
    /// use bureau_core::chrono::NaiveDate;
    /// use bureau_sales::*;
    /// let (desk, chair) = (ProductId::from_u128(1), ProductId::from_u128(2));
    /// let product = |id, sku: &str| -> Result<Product, Error> {
    ///     Ok(Product::new(id, Sku::new(sku)?, ProductName::new(sku)?, UnitOfMeasure::new("each")?,
    ///                     TaxCategory::new("standard")?))
    /// };
    /// let mut catalog = Catalog::from_products([product(desk, "DESK")?, product(chair, "CHAIR")?])?;
    /// catalog.insert_bundle(Bundle::new(Sku::new("OFFICE")?, ProductName::new("Office set")?, [
    ///     BundleComponent::new(desk, Quantity::from(1)),
    ///     BundleComponent::new(chair, Quantity::from(2)),
    /// ])?)?;
    /// let year = DateRange::new(NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
    ///                           NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?)?;
    /// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None, year)
    ///     .with_prices(desk, [PriceTier::new(Quantity::ZERO, money!(300.00 EUR))?])?
    ///     .with_prices(chair, [PriceTier::new(Quantity::ZERO, money!(100.00 EUR))?])?]);
    /// let taxes = TaxTable::default();
    /// let rules = [DiscountRule::bundle(DiscountName::new("Office set")?, Sku::new("OFFICE")?,
    ///     money!(450.00 EUR))?];
    /// let engine = Pricing::new(&catalog, &prices, &taxes,
    ///     PricingConfig::new(RoundingStrategy::MidpointAwayFromZero)).with_discounts(&rules);
    /// // One desk and three chairs: one set (a desk, two chairs) at 450, one chair at list price.
    /// let document = Document::new(Currency::EUR, NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?)
    ///     .with_line(DocumentLine::new(desk, Quantity::from(1)))
    ///     .with_line(DocumentLine::new(chair, Quantity::from(3)));
    /// let priced = engine.price(&document)?;
    /// assert_eq!(priced.totals().net, money!(550.00 EUR));
    /// // A bundle the catalog does not hold is an error.
    /// let unknown = [DiscountRule::bundle(DiscountName::new("Nope")?, Sku::new("NOPE")?, money!(1.00 EUR))?];
    /// assert!(matches!(engine.with_discounts(&unknown).price(&document),
    ///     Err(Error::UnknownBundle { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] for a negative price.
    pub fn bundle(name: DiscountName, bundle: Sku, price: Money) -> Result<Self> {
        if price.is_negative() {
            return Err(Error::NegativeAmount {
                what: "bundle price",
                amount: price,
            });
        }
        Ok(Self {
            name,
            target: DiscountTarget::All,
            kind: DiscountKind::Bundle { bundle, price },
            cap_per_line: None,
            priority: 0,
            stacking: Stacking::InOrder,
        })
    }

    /// The same rule at `priority`: rules apply by descending priority (all
    /// rules start at 0), rules of one priority in the order given to the
    /// engine.
    #[must_use]
    pub const fn with_priority(mut self, priority: u32) -> Self {
        self.priority = priority;
        self
    }

    /// The same rule combining with the others as `stacking` says.
    ///
    /// ```
    /// use bureau_core::{money, Currency, DateRange, Percent, ProductId, RoundingStrategy};
    /// use bureau_core::chrono::NaiveDate;
    /// use bureau_sales::*;
    /// let tea = ProductId::from_u128(1);
    /// let catalog = Catalog::from_products([Product::new(tea, Sku::new("TEA")?, ProductName::new("Tea")?,
    ///     UnitOfMeasure::new("box")?, TaxCategory::new("food")?)])?;
    /// let year = DateRange::new(NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
    ///                           NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?)?;
    /// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None, year)
    ///     .with_prices(tea, [PriceTier::new(Quantity::ZERO, money!(10.00 EUR))?])?]);
    /// let taxes = TaxTable::default();
    /// let name = |n: &str| DiscountName::new(n);
    /// let percent = |p: i64| LineDiscount::Percentage(Percent::new(p.into()));
    /// let rules = [
    ///     // Of these two, only the larger applies: 15% of 40.00 beats 5.00.
    ///     DiscountRule::line(name("Loyalty")?, DiscountTarget::All, percent(15))?
    ///         .with_stacking(Stacking::BestOf),
    ///     DiscountRule::line(name("Voucher")?, DiscountTarget::All,
    ///         LineDiscount::FixedPerLine(money!(5.00 EUR)))?.with_stacking(Stacking::BestOf),
    ///     // Then 10% more off what is left.
    ///     DiscountRule::line(name("Spring")?, DiscountTarget::All, percent(10))?,
    /// ];
    /// let engine = Pricing::new(&catalog, &prices, &taxes,
    ///     PricingConfig::new(RoundingStrategy::MidpointAwayFromZero)).with_discounts(&rules);
    /// let document = Document::new(Currency::EUR, NaiveDate::from_ymd_opt(2026, 5, 1).ok_or("date")?)
    ///     .with_line(DocumentLine::new(tea, Quantity::from(4)));
    /// assert_eq!(engine.price(&document)?.totals().net, money!(30.60 EUR)); // 40 - 6 - 3.40
    ///
    /// // A clearance price that combines with nothing, at a higher priority, wins alone.
    /// let mut with_clearance = rules.to_vec();
    /// with_clearance.push(DiscountRule::line(name("Clearance")?, DiscountTarget::All, percent(20))?
    ///     .with_priority(1).with_stacking(Stacking::Exclusive));
    /// let priced = engine.with_discounts(&with_clearance).price(&document)?;
    /// assert_eq!(priced.totals().net, money!(32.00 EUR));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn with_stacking(mut self, stacking: Stacking) -> Self {
        self.stacking = stacking;
        self
    }

    /// Its priority: rules apply by descending priority.
    pub const fn priority(&self) -> u32 {
        self.priority
    }

    /// How it combines with the other rules.
    pub const fn stacking(&self) -> Stacking {
        self.stacking
    }

    /// The name shown in explanations.
    pub const fn name(&self) -> &DiscountName {
        &self.name
    }

    /// The lines it applies to.
    pub const fn target(&self) -> &DiscountTarget {
        &self.target
    }

    /// What it does.
    pub const fn kind(&self) -> &DiscountKind {
        &self.kind
    }

    /// The same rule taking at most `cap` off any one line (a percentage
    /// that must not exceed a fixed amount, a volume tier with a ceiling).
    /// The cap must be in the currency of the documents it prices; one in
    /// another currency is [`Error::ForeignAmount`] naming the line.
    ///
    /// ```
    /// use bureau_core::{money, Percent};
    /// use bureau_sales::{DiscountName, DiscountRule, DiscountTarget, LineDiscount};
    /// let rule = DiscountRule::line(DiscountName::new("Half off")?, DiscountTarget::All,
    ///     LineDiscount::Percentage(Percent::new(50.into())))?
    ///     .with_cap_per_line(money!(25.00 EUR))?;
    /// assert_eq!(rule.cap_per_line(), Some(money!(25.00 EUR)));
    /// assert!(rule.with_cap_per_line(money!(-1.00 EUR)).is_err());
    /// # Ok::<(), bureau_sales::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] for a negative cap.
    pub fn with_cap_per_line(mut self, cap: Money) -> Result<Self> {
        if cap.is_negative() {
            return Err(Error::NegativeAmount {
                what: "discount cap",
                amount: cap,
            });
        }
        self.cap_per_line = Some(cap);
        Ok(self)
    }

    /// The most it takes off one line, if capped.
    pub const fn cap_per_line(&self) -> Option<Money> {
        self.cap_per_line
    }
}

/// A discount on the whole document, spread over its lines in proportion to
/// their amounts after line discounts with
/// [`Money::allocate`](bureau_core::Money::allocate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DocumentDiscount {
    /// A percentage of the document after line discounts, rounded once.
    Percentage(Percent),
    /// A fixed amount, capped at the document after line discounts.
    Fixed(Money),
}
