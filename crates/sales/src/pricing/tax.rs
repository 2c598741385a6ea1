//! Tax rules: percentage, compound and fixed-amount taxes by tax category.

use bureau_core::{Decimal, Money, Percent};

use crate::{Error, Result, TaxCategory, TaxCode};

/// How a tax is computed from a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TaxKind {
    /// A percentage of the line's net amount.
    Percentage(Percent),
    /// A percentage of the line's net amount plus every tax before it in
    /// the table (a tax on tax).
    Compound(Percent),
    /// A fixed amount per unit of quantity (an excise duty).
    FixedPerUnit(Money),
}

/// One tax: its code, how it is computed, and the tax categories of the
/// products it applies to.
///
/// ```
/// use bureau_core::Percent;
/// use bureau_sales::{TaxCategory, TaxCode, TaxKind, TaxRule};
/// let vat = TaxRule::new(TaxCode::new("VAT19")?, TaxKind::Percentage(Percent::new(19.into())),
///                        [TaxCategory::new("standard")?])?;
/// assert!(vat.applies_to(&TaxCategory::new("standard")?));
/// assert!(TaxRule::new(TaxCode::new("BAD")?, TaxKind::Percentage(Percent::new((-1).into())), []).is_err());
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawTaxRule"))]
pub struct TaxRule {
    code: TaxCode,
    kind: TaxKind,
    categories: Vec<TaxCategory>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawTaxRule {
    code: TaxCode,
    kind: TaxKind,
    categories: Vec<TaxCategory>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawTaxRule> for TaxRule {
    type Error = Error;
    fn try_from(raw: RawTaxRule) -> Result<Self> {
        Self::new(raw.code, raw.kind, raw.categories)
    }
}

impl TaxRule {
    /// The tax `code`, computed as `kind`, on products of `categories`.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeTaxRate`] for a negative percentage,
    /// [`Error::NegativeAmount`] for a negative fixed amount.
    pub fn new(
        code: TaxCode,
        kind: TaxKind,
        categories: impl IntoIterator<Item = TaxCategory>,
    ) -> Result<Self> {
        match kind {
            TaxKind::Percentage(p) | TaxKind::Compound(p) if p.value() < Decimal::ZERO => {
                return Err(Error::NegativeTaxRate {
                    code,
                    percent: p.value(),
                });
            }
            TaxKind::FixedPerUnit(amount) if amount.is_negative() => {
                return Err(Error::NegativeAmount {
                    what: "fixed tax",
                    amount,
                });
            }
            _ => {}
        }
        Ok(Self {
            code,
            kind,
            categories: categories.into_iter().collect(),
        })
    }

    /// The code.
    pub const fn code(&self) -> &TaxCode {
        &self.code
    }

    /// How it is computed.
    pub const fn kind(&self) -> TaxKind {
        self.kind
    }

    /// Whether it applies to products of `category`.
    pub fn applies_to(&self, category: &TaxCategory) -> bool {
        self.categories.contains(category)
    }
}

/// The taxes in the order they apply: a compound tax is computed on the net
/// amount plus the taxes before it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "Vec<TaxRule>", into = "Vec<TaxRule>")
)]
pub struct TaxTable {
    rules: Vec<TaxRule>,
}

impl TaxTable {
    /// A table of `rules`, in application order.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateTax`] when two rules share a code.
    pub fn new(rules: impl IntoIterator<Item = TaxRule>) -> Result<Self> {
        let rules: Vec<TaxRule> = rules.into_iter().collect();
        for (index, rule) in rules.iter().enumerate() {
            if rules.iter().take(index).any(|r| r.code == rule.code) {
                return Err(Error::DuplicateTax {
                    code: rule.code.clone(),
                });
            }
        }
        Ok(Self { rules })
    }

    /// The rules, in application order.
    pub fn rules(&self) -> &[TaxRule] {
        &self.rules
    }
}

impl TryFrom<Vec<TaxRule>> for TaxTable {
    type Error = Error;
    fn try_from(rules: Vec<TaxRule>) -> Result<Self> {
        Self::new(rules)
    }
}

impl From<TaxTable> for Vec<TaxRule> {
    fn from(table: TaxTable) -> Self {
        table.rules
    }
}
