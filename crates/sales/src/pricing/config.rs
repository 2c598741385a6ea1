//! The one rounding and tax configuration every document shares.

use bureau_core::RoundingStrategy;

/// Whether unit prices include the taxes on them.
///
/// A net price under one percentage tax, and the gross price it makes
/// exclusive of tax, describe the same sale: priced inclusive, that gross is
/// kept exactly, and net and tax are within one minor unit of the exclusive
/// ones (the tax is rounded from a net that is itself exact only up to the
/// rounding of the exclusive tax).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TaxInclusion {
    /// Prices are net; taxes are added to them.
    Exclusive,
    /// Prices are gross; the taxes are taken out of them, and a line's gross
    /// is exactly its discounted price.
    Inclusive,
}

/// Where taxes are rounded to the currency's minor unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TaxRounding {
    /// Each tax of each line is rounded; the document's tax per rate is the
    /// sum of the rounded line taxes.
    PerLine,
    /// Each rate's exact tax is summed over the document and rounded once;
    /// that total is spread back over the lines with
    /// [`Money::allocate`](bureau_core::Money::allocate) in proportion to
    /// their exact taxes, so the lines still add up to it.
    PerDocument,
}

/// How documents are priced: the rounding strategy, where taxes are rounded,
/// and whether prices include taxes.
///
/// Quote, order, invoice and credit note are priced with the same
/// configuration, so the same lines give the same totals on each of them.
///
/// Every amount the engine rounds (a line's price times quantity, a
/// percentage discount, a fixed discount per unit, a tax) is rounded to the
/// currency's minor unit with [`PricingConfig::strategy`], at the place its
/// doc names.
///
/// ```
/// use bureau_core::RoundingStrategy;
/// use bureau_sales::{PricingConfig, TaxInclusion, TaxRounding};
/// let config = PricingConfig::new(RoundingStrategy::MidpointAwayFromZero)
///     .with_tax_rounding(TaxRounding::PerDocument)
///     .with_inclusion(TaxInclusion::Inclusive);
/// assert_eq!(config.tax_rounding(), TaxRounding::PerDocument);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PricingConfig {
    strategy: RoundingStrategy,
    tax_rounding: TaxRounding,
    inclusion: TaxInclusion,
}

impl PricingConfig {
    /// Rounding with `strategy`, taxes rounded per line, prices net of tax.
    pub const fn new(strategy: RoundingStrategy) -> Self {
        Self {
            strategy,
            tax_rounding: TaxRounding::PerLine,
            inclusion: TaxInclusion::Exclusive,
        }
    }

    /// The same configuration rounding taxes at `tax_rounding`.
    #[must_use]
    pub const fn with_tax_rounding(mut self, tax_rounding: TaxRounding) -> Self {
        self.tax_rounding = tax_rounding;
        self
    }

    /// The same configuration reading prices as `inclusion` of taxes.
    #[must_use]
    pub const fn with_inclusion(mut self, inclusion: TaxInclusion) -> Self {
        self.inclusion = inclusion;
        self
    }

    /// The rounding strategy of every rounding.
    pub const fn strategy(&self) -> RoundingStrategy {
        self.strategy
    }

    /// Where taxes are rounded.
    pub const fn tax_rounding(&self) -> TaxRounding {
        self.tax_rounding
    }

    /// Whether prices include taxes.
    pub const fn inclusion(&self) -> TaxInclusion {
        self.inclusion
    }
}
