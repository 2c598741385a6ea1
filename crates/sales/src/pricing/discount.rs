//! Discount rules: percentage and fixed line discounts, volume tiers per
//! line or cumulative over several lines, and the document discount.

use bureau_core::{Decimal, Money, Percent, ProductId};

use crate::{DiscountName, Error, Product, ProductGroup, Quantity, Result};

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
}

/// A named discount rule for the lines it targets.
///
/// Rules stack in the order given to the engine: each takes its discount off
/// what the rules before it left of the line, and no rule takes a line below
/// zero (a larger discount is capped at what is left).
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
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawDiscountRule {
    name: DiscountName,
    target: DiscountTarget,
    kind: DiscountKind,
    #[serde(default)]
    cap_per_line: Option<Money>,
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
        }?;
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
        })
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
