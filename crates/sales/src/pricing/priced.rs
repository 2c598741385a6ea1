//! Priced documents: lines with their amounts and explanations, and totals.

use bureau_core::{Money, Percent, ProductId};

use crate::{DiscountName, Document, PriceListCode, Quantity, TaxCode};

/// One step of a line's pricing, in the order the engine took it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LineStep {
    /// The unit price was found.
    Price {
        /// The list that gave it.
        list: PriceListCode,
        /// The minimum quantity of the tier that gave it.
        tier_min_quantity: Quantity,
        /// The price of one unit.
        unit_price: Money,
        /// Unit price times quantity, rounded.
        amount: Money,
    },
    /// A discount rule took `amount` off.
    Discount {
        /// The rule.
        rule: DiscountName,
        /// The percentage applied, for percentage and volume rules.
        percent: Option<Percent>,
        /// The quantity that chose the volume tier, for volume rules.
        tier_quantity: Option<Quantity>,
        /// What it took off, after the cap at what was left.
        amount: Money,
    },
    /// The line's share of the document discount.
    DocumentDiscount {
        /// The share.
        amount: Money,
    },
    /// A tax was charged.
    Tax {
        /// The tax.
        code: TaxCode,
        /// Its amount on this line.
        amount: Money,
    },
    /// A tax that would apply was not charged: the customer is exempt.
    Exempt {
        /// The tax.
        code: TaxCode,
    },
}

/// An amount of one tax.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TaxAmount {
    /// The tax.
    pub code: TaxCode,
    /// The amount.
    pub amount: Money,
}

/// A priced line.
///
/// Exclusive of tax, `net` is the discounted amount and `gross = net + tax`;
/// inclusive, `gross` is the discounted amount and `net = gross - tax`.
/// Either way `list_amount - discount` is the discounted amount.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PricedLine {
    /// The product.
    pub product: ProductId,
    /// How many units.
    pub quantity: Quantity,
    /// The price of one unit.
    pub unit_price: Money,
    /// Unit price times quantity, rounded.
    pub list_amount: Money,
    /// Every discount taken off, the document discount's share included.
    pub discount: Money,
    /// The amount net of tax.
    pub net: Money,
    /// The taxes charged, in the tax table's order.
    pub taxes: Vec<TaxAmount>,
    /// The sum of the taxes.
    pub tax: Money,
    /// The amount with taxes.
    pub gross: Money,
    /// How the line was priced.
    pub steps: Vec<LineStep>,
}

/// A priced document's totals: each is the sum of the same amount over the
/// lines, exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Totals {
    /// The sum of the lines' list amounts.
    pub list_amount: Money,
    /// The sum of the lines' discounts.
    pub discount: Money,
    /// The sum of the lines' net amounts.
    pub net: Money,
    /// Each tax charged on some line, in the tax table's order, summed.
    pub taxes: Vec<TaxAmount>,
    /// The sum of the lines' taxes.
    pub tax: Money,
    /// The sum of the lines' gross amounts; equals `net + tax`.
    pub gross: Money,
}

/// The result of [`Pricing::price`](crate::Pricing::price): the document as
/// given, its priced lines in the same order, and its totals.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PricedDocument {
    pub(crate) document: Document,
    pub(crate) lines: Vec<PricedLine>,
    pub(crate) totals: Totals,
}

impl PricedDocument {
    /// The document that was priced; pricing it again with the same engine
    /// gives this same priced document.
    pub const fn document(&self) -> &Document {
        &self.document
    }

    /// The priced lines, in the document's order.
    pub fn lines(&self) -> &[PricedLine] {
        &self.lines
    }

    /// The totals.
    pub const fn totals(&self) -> &Totals {
        &self.totals
    }
}
