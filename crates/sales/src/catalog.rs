//! Products and the catalog that holds them.

use std::collections::BTreeMap;

use bureau_core::ProductId;

use crate::{Error, ProductGroup, ProductName, Result, Sku, TaxCategory, UnitOfMeasure};

/// Whether a product may be sold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ProductStatus {
    /// On sale: documents may hold it.
    Active,
    /// Withdrawn: the pricing engine refuses lines of it.
    Inactive,
}

/// A product of the catalog.
///
/// ```
/// use bureau_core::ProductId;
/// use bureau_sales::{Product, ProductName, ProductStatus, Sku, TaxCategory, UnitOfMeasure};
/// let widget = Product::new(
///     ProductId::from_u128(1),
///     Sku::new("WID-001")?,
///     ProductName::new("Blue widget")?,
///     UnitOfMeasure::new("each")?,
///     TaxCategory::new("standard")?,
/// );
/// assert_eq!(widget.status(), ProductStatus::Active);
/// assert!(widget.group().is_none());
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Product {
    id: ProductId,
    sku: Sku,
    name: ProductName,
    unit: UnitOfMeasure,
    tax_category: TaxCategory,
    group: Option<ProductGroup>,
    status: ProductStatus,
}

impl Product {
    /// An active product in no group.
    pub fn new(
        id: ProductId,
        sku: Sku,
        name: ProductName,
        unit: UnitOfMeasure,
        tax_category: TaxCategory,
    ) -> Self {
        Self {
            id,
            sku,
            name,
            unit,
            tax_category,
            group: None,
            status: ProductStatus::Active,
        }
    }

    /// The same product in `group` (what cumulative volume tiers add up).
    #[must_use]
    pub fn in_group(mut self, group: ProductGroup) -> Self {
        self.group = Some(group);
        self
    }

    /// The same product with `status`.
    #[must_use]
    pub fn with_status(mut self, status: ProductStatus) -> Self {
        self.status = status;
        self
    }

    /// The product's id.
    pub const fn id(&self) -> ProductId {
        self.id
    }

    /// The stock keeping unit.
    pub const fn sku(&self) -> &Sku {
        &self.sku
    }

    /// The name.
    pub const fn name(&self) -> &ProductName {
        &self.name
    }

    /// The unit its quantities count.
    pub const fn unit(&self) -> &UnitOfMeasure {
        &self.unit
    }

    /// The tax category tax rules select on.
    pub const fn tax_category(&self) -> &TaxCategory {
        &self.tax_category
    }

    /// The product group, if any.
    pub const fn group(&self) -> Option<&ProductGroup> {
        self.group.as_ref()
    }

    /// Whether it may be sold.
    pub const fn status(&self) -> ProductStatus {
        self.status
    }
}

/// The products on offer: ids and SKUs are unique.
///
/// ```
/// use bureau_core::ProductId;
/// use bureau_sales::{Catalog, Error, Product, ProductName, Sku, TaxCategory, UnitOfMeasure};
/// let product = |id, sku: &str| -> Result<Product, Error> {
///     Ok(Product::new(ProductId::from_u128(id), Sku::new(sku)?, ProductName::new("Widget")?,
///                     UnitOfMeasure::new("each")?, TaxCategory::new("standard")?))
/// };
/// let mut catalog = Catalog::new();
/// catalog.insert(product(1, "WID-001")?)?;
/// assert!(matches!(catalog.insert(product(2, "WID-001")?), Err(Error::DuplicateSku { .. })));
/// assert_eq!(catalog.by_sku(&Sku::new("WID-001")?).map(|p| p.id()), Some(ProductId::from_u128(1)));
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Catalog {
    products: BTreeMap<ProductId, Product>,
    #[cfg_attr(feature = "serde", serde(skip))]
    skus: BTreeMap<Sku, ProductId>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// A catalog of `products`.
    ///
    /// # Errors
    ///
    /// As [`Catalog::insert`], for the first product that clashes.
    pub fn from_products(products: impl IntoIterator<Item = Product>) -> Result<Self> {
        let mut catalog = Self::new();
        for product in products {
            catalog.insert(product)?;
        }
        Ok(catalog)
    }

    /// Adds `product`.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateProduct`] when its id is already in the catalog,
    /// [`Error::DuplicateSku`] when its SKU is.
    pub fn insert(&mut self, product: Product) -> Result<()> {
        if self.products.contains_key(&product.id) {
            return Err(Error::DuplicateProduct {
                product: product.id,
            });
        }
        if let Some(other) = self.skus.get(&product.sku) {
            return Err(Error::DuplicateSku {
                sku: product.sku.clone(),
                product: *other,
            });
        }
        self.skus.insert(product.sku.clone(), product.id);
        self.products.insert(product.id, product);
        Ok(())
    }

    /// The product with `id`.
    pub fn get(&self, id: ProductId) -> Option<&Product> {
        self.products.get(&id)
    }

    /// The product with `sku`.
    pub fn by_sku(&self, sku: &Sku) -> Option<&Product> {
        self.skus.get(sku).and_then(|id| self.products.get(id))
    }

    /// Every product, by id.
    pub fn products(&self) -> impl Iterator<Item = &Product> {
        self.products.values()
    }

    /// The number of products.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Whether the catalog holds no product.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Catalog {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            products: BTreeMap<ProductId, Product>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Self::from_products(raw.products.into_values()).map_err(serde::de::Error::custom)
    }
}
