//! Products, bundles of products, and the catalog that holds them.

use std::collections::BTreeMap;

use bureau_core::ProductId;

use crate::{Error, ProductGroup, ProductName, Quantity, Result, Sku, TaxCategory, UnitOfMeasure};

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

/// One component of a [`Bundle`]: a quantity of a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BundleComponent {
    /// The product.
    pub product: ProductId,
    /// How many units of it one set holds.
    pub quantity: Quantity,
}

impl BundleComponent {
    /// `quantity` units of `product` in each set.
    pub const fn new(product: ProductId, quantity: Quantity) -> Self {
        Self { product, quantity }
    }
}

/// Products sold together as a set: a SKU and a name of its own, and the
/// quantity of each product one set holds. A
/// [bundle rule](crate::DiscountRule::bundle) prices every complete set on
/// a document.
///
/// ```
/// use bureau_core::ProductId;
/// use bureau_sales::{Bundle, BundleComponent, Error, ProductName, Quantity, Sku};
/// let (desk, chair) = (ProductId::from_u128(1), ProductId::from_u128(2));
/// let set = Bundle::new(Sku::new("OFFICE")?, ProductName::new("Office set")?, [
///     BundleComponent::new(desk, Quantity::from(1)),
///     BundleComponent::new(chair, Quantity::from(2)),
/// ])?;
/// assert_eq!(set.components().len(), 2);
/// // A component twice, or no unit of one, is refused.
/// let twice = Bundle::new(Sku::new("BAD")?, ProductName::new("Bad")?, [
///     BundleComponent::new(desk, Quantity::from(1)),
///     BundleComponent::new(desk, Quantity::from(1)),
/// ]);
/// assert!(matches!(twice, Err(Error::InvalidBundle { .. })));
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawBundle"))]
pub struct Bundle {
    sku: Sku,
    name: ProductName,
    components: Vec<BundleComponent>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawBundle {
    sku: Sku,
    name: ProductName,
    components: Vec<BundleComponent>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawBundle> for Bundle {
    type Error = Error;
    fn try_from(raw: RawBundle) -> Result<Self> {
        Self::new(raw.sku, raw.name, raw.components)
    }
}

impl Bundle {
    /// The bundle `sku` named `name`, of `components` in the order given.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBundle`] for no component, a component with no
    /// positive quantity, or a product given twice.
    pub fn new(
        sku: Sku,
        name: ProductName,
        components: impl IntoIterator<Item = BundleComponent>,
    ) -> Result<Self> {
        let components: Vec<BundleComponent> = components.into_iter().collect();
        let invalid = |reason| Error::InvalidBundle {
            sku: sku.clone(),
            reason,
        };
        if components.is_empty() {
            return Err(invalid("it has no component"));
        }
        for (index, component) in components.iter().enumerate() {
            if !component.quantity.is_positive() {
                return Err(invalid("a component's quantity is not positive"));
            }
            if components
                .iter()
                .take(index)
                .any(|c| c.product == component.product)
            {
                return Err(invalid("a product is given twice"));
            }
        }
        Ok(Self {
            sku,
            name,
            components,
        })
    }

    /// Its SKU, unique among the catalog's products and bundles.
    pub const fn sku(&self) -> &Sku {
        &self.sku
    }

    /// Its name.
    pub const fn name(&self) -> &ProductName {
        &self.name
    }

    /// What one set holds.
    pub fn components(&self) -> &[BundleComponent] {
        &self.components
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
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "BTreeMap::is_empty"))]
    bundles: BTreeMap<Sku, Bundle>,
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
    /// [`Error::DuplicateSku`] when its SKU is a product's,
    /// [`Error::DuplicateBundle`] when it is a bundle's.
    pub fn insert(&mut self, product: Product) -> Result<()> {
        if self.bundles.contains_key(&product.sku) {
            return Err(Error::DuplicateBundle {
                sku: product.sku.clone(),
            });
        }
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

    /// Adds `bundle`, whose components must be products of the catalog
    /// (inserted before it).
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateSku`] when its SKU is a product's,
    /// [`Error::DuplicateBundle`] when it is another bundle's,
    /// [`Error::UnknownBundleComponent`] naming a component the catalog does
    /// not hold.
    pub fn insert_bundle(&mut self, bundle: Bundle) -> Result<()> {
        if let Some(product) = self.skus.get(&bundle.sku) {
            return Err(Error::DuplicateSku {
                sku: bundle.sku.clone(),
                product: *product,
            });
        }
        if self.bundles.contains_key(&bundle.sku) {
            return Err(Error::DuplicateBundle {
                sku: bundle.sku.clone(),
            });
        }
        if let Some(missing) = bundle
            .components
            .iter()
            .find(|c| !self.products.contains_key(&c.product))
        {
            return Err(Error::UnknownBundleComponent {
                sku: bundle.sku.clone(),
                product: missing.product,
            });
        }
        self.bundles.insert(bundle.sku.clone(), bundle);
        Ok(())
    }

    /// The bundle with `sku`.
    pub fn bundle(&self, sku: &Sku) -> Option<&Bundle> {
        self.bundles.get(sku)
    }

    /// Every bundle, by SKU.
    pub fn bundles(&self) -> impl Iterator<Item = &Bundle> {
        self.bundles.values()
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
            #[serde(default)]
            bundles: BTreeMap<Sku, Bundle>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let mut catalog =
            Self::from_products(raw.products.into_values()).map_err(serde::de::Error::custom)?;
        for bundle in raw.bundles.into_values() {
            catalog
                .insert_bundle(bundle)
                .map_err(serde::de::Error::custom)?;
        }
        Ok(catalog)
    }
}
