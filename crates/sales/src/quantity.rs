//! Quantities of a product on a document line.

use core::fmt;

use bureau_core::Decimal;

/// A quantity of a product, in the product's unit of measure: exact, may be
/// fractional (`1.5` kg).
///
/// Any decimal is representable, so that a bad quantity on a document line is
/// reported by the pricing engine naming the line; the engine refuses
/// negative quantities.
///
/// ```
/// use bureau_sales::Quantity;
/// let q: Quantity = "2.5".parse()?;
/// assert_eq!(q.to_string(), "2.5");
/// assert!(Quantity::from(3) > q);
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Quantity(
    #[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))] Decimal,
);

impl Quantity {
    /// No quantity.
    pub const ZERO: Self = Self(Decimal::ZERO);

    /// `value` units.
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The number of units.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// Whether the quantity is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Whether the quantity is above zero.
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// Whether `self <= other`. Quantities of one document nearly always
    /// share a scale, where comparing mantissas is enough; `Decimal`'s own
    /// comparison is a function call, made for every tier of every line.
    pub(crate) fn at_most(self, other: Self) -> bool {
        if self.0.scale() == other.0.scale() {
            self.0.mantissa() <= other.0.mantissa()
        } else {
            self.0 <= other.0
        }
    }

    /// `self` less `other`, `None` on overflow.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }

    /// The sum of two quantities, `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }
}

impl From<u32> for Quantity {
    fn from(units: u32) -> Self {
        Self(Decimal::from(units))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl core::str::FromStr for Quantity {
    type Err = crate::Error;
    fn from_str(text: &str) -> crate::Result<Self> {
        Decimal::from_str_exact(text)
            .map(Self)
            .map_err(|_| crate::Error::InvalidQuantity {
                text: text.to_owned(),
            })
    }
}
