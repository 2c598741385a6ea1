//! Price lists per currency and customer segment, and the resolution of a
//! product's unit price.

use std::collections::BTreeMap;

use bureau_core::{Currency, DateRange, Money, ProductId};
use chrono::NaiveDate;

use crate::{Error, PriceListCode, Quantity, Result, Segment};

/// One quantity tier of a product's price: from `min_quantity` units on, each
/// unit costs `unit_price`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawPriceTier"))]
pub struct PriceTier {
    min_quantity: Quantity,
    unit_price: Money,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawPriceTier {
    min_quantity: Quantity,
    unit_price: Money,
}

#[cfg(feature = "serde")]
impl TryFrom<RawPriceTier> for PriceTier {
    type Error = Error;
    fn try_from(raw: RawPriceTier) -> Result<Self> {
        Self::new(raw.min_quantity, raw.unit_price)
    }
}

impl PriceTier {
    /// From `min_quantity` units on, `unit_price` a unit.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeTierQuantity`] for a negative minimum,
    /// [`Error::NegativePrice`] for a negative price.
    pub fn new(min_quantity: Quantity, unit_price: Money) -> Result<Self> {
        if min_quantity.is_negative() {
            return Err(Error::NegativeTierQuantity {
                quantity: min_quantity,
            });
        }
        if unit_price.is_negative() {
            return Err(Error::NegativePrice { price: unit_price });
        }
        Ok(Self {
            min_quantity,
            unit_price,
        })
    }

    /// The smallest quantity the tier applies to.
    pub const fn min_quantity(&self) -> Quantity {
        self.min_quantity
    }

    /// The price of one unit in this tier.
    pub const fn unit_price(&self) -> Money {
        self.unit_price
    }
}

/// A price list: unit prices in one currency, valid over `[start, end)`,
/// for one customer segment or for everyone.
///
/// ```
/// use bureau_core::{money, DateRange, ProductId};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::{PriceList, PriceListCode, PriceTier, Quantity};
/// let year = DateRange::new(NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
///                           NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?)?;
/// let widget = ProductId::from_u128(1);
/// let list = PriceList::new(PriceListCode::new("EU-2026")?, bureau_core::Currency::EUR, None, year)
///     .with_prices(widget, [
///         PriceTier::new(Quantity::ZERO, money!(10.00 EUR))?,
///         PriceTier::new(Quantity::from(100), money!(8.50 EUR))?,
///     ])?;
/// let tier = list.tier(widget, Quantity::from(150)).ok_or("no tier")?;
/// assert_eq!(tier.unit_price(), money!(8.50 EUR));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawPriceList"))]
pub struct PriceList {
    code: PriceListCode,
    currency: Currency,
    segment: Option<Segment>,
    validity: DateRange,
    prices: BTreeMap<ProductId, Vec<PriceTier>>,
}

/// A price list as read, checked again by [`PriceList::with_prices`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawPriceList {
    code: PriceListCode,
    currency: Currency,
    segment: Option<Segment>,
    validity: DateRange,
    prices: BTreeMap<ProductId, Vec<PriceTier>>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawPriceList> for PriceList {
    type Error = Error;
    fn try_from(raw: RawPriceList) -> Result<Self> {
        let mut list = Self::new(raw.code, raw.currency, raw.segment, raw.validity);
        for (product, tiers) in raw.prices {
            list = list.with_prices(product, tiers)?;
        }
        Ok(list)
    }
}

impl PriceList {
    /// An empty list.
    pub fn new(
        code: PriceListCode,
        currency: Currency,
        segment: Option<Segment>,
        validity: DateRange,
    ) -> Self {
        Self {
            code,
            currency,
            segment,
            validity,
            prices: BTreeMap::new(),
        }
    }

    /// The same list with `tiers` as the prices of `product` (replacing any
    /// earlier ones). Tiers may come in any order.
    ///
    /// # Errors
    ///
    /// [`Error::NoTiers`] for no tiers, [`Error::PriceListCurrency`] for a
    /// price in another currency than the list's, [`Error::DuplicateTier`]
    /// for two tiers with the same minimum quantity.
    pub fn with_prices(
        mut self,
        product: ProductId,
        tiers: impl IntoIterator<Item = PriceTier>,
    ) -> Result<Self> {
        let mut tiers: Vec<PriceTier> = tiers.into_iter().collect();
        if tiers.is_empty() {
            return Err(Error::NoTiers {
                list: self.code.clone(),
                product,
            });
        }
        if let Some(tier) = tiers
            .iter()
            .find(|t| t.unit_price.currency() != self.currency)
        {
            return Err(Error::PriceListCurrency {
                list: self.code.clone(),
                list_currency: self.currency,
                currency: tier.unit_price.currency(),
            });
        }
        tiers.sort_by_key(|t| t.min_quantity);
        if let Some(pair) = tiers
            .windows(2)
            .find(|w| matches!(w, [a, b] if a.min_quantity == b.min_quantity))
        {
            let quantity = pair.first().map_or(Quantity::ZERO, |t| t.min_quantity);
            return Err(Error::DuplicateTier {
                list: self.code.clone(),
                product,
                quantity,
            });
        }
        self.prices.insert(product, tiers);
        Ok(self)
    }

    /// The list's code.
    pub const fn code(&self) -> &PriceListCode {
        &self.code
    }

    /// The currency of every price in it.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The segment it is meant for; `None` for every customer.
    pub const fn segment(&self) -> Option<&Segment> {
        self.segment.as_ref()
    }

    /// The days it is valid, `[start, end)`.
    pub const fn validity(&self) -> DateRange {
        self.validity
    }

    /// The tiers of `product`, by ascending minimum quantity.
    pub fn tiers(&self, product: ProductId) -> Option<&[PriceTier]> {
        self.prices.get(&product).map(Vec::as_slice)
    }

    /// The tier `quantity` units of `product` fall in: the one with the
    /// largest minimum at or below the quantity. `None` when the product is
    /// not on the list or the quantity is below its first tier.
    pub fn tier(&self, product: ProductId, quantity: Quantity) -> Option<PriceTier> {
        self.prices
            .get(&product)?
            .iter()
            .rev()
            .find(|t| t.min_quantity.at_most(quantity))
            .copied()
    }
}

/// What asks for a price: which product, how many, for whom, when.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PriceQuery<'a> {
    /// The product.
    pub product: ProductId,
    /// How many units (selects the tier).
    pub quantity: Quantity,
    /// The document's currency.
    pub currency: Currency,
    /// The customer's segment, if any.
    pub segment: Option<&'a Segment>,
    /// The day the price is wanted for (the document date).
    pub date: NaiveDate,
}

impl<'a> PriceQuery<'a> {
    /// A query for `quantity` units of `product` in `currency` on `date`, for
    /// a customer in no segment.
    pub const fn new(
        product: ProductId,
        quantity: Quantity,
        currency: Currency,
        date: NaiveDate,
    ) -> Self {
        Self {
            product,
            quantity,
            currency,
            segment: None,
            date,
        }
    }

    /// The same query for a customer in `segment`.
    #[must_use]
    pub const fn for_segment(mut self, segment: &'a Segment) -> Self {
        self.segment = Some(segment);
        self
    }
}

/// The price a [`PriceBook`] found, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PriceResolution {
    /// The list that gave the price.
    pub list: PriceListCode,
    /// The minimum quantity of the tier that gave the price.
    pub tier_min_quantity: Quantity,
    /// The price of one unit.
    pub unit_price: Money,
}

/// Every price list, and the rule that picks one price out of them.
///
/// A price comes from a list in the query's currency, valid on its date, that
/// holds the product in a tier at or below the quantity. A list for the
/// customer's segment wins over a list for everyone; among lists equally
/// specific, the one whose validity starts latest wins (a newer list overrides
/// an older one), then the smaller code. The tier is the one with the largest
/// minimum at or below the quantity.
///
/// ```
/// use bureau_core::{money, Currency, DateRange, ProductId};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::{PriceBook, PriceList, PriceListCode, PriceQuery, PriceTier, Quantity, Segment};
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let year = DateRange::new(day(1, 1)?, NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?)?;
/// let widget = ProductId::from_u128(1);
/// let wholesale = Segment::new("wholesale")?;
/// let book = PriceBook::new([
///     PriceList::new(PriceListCode::new("LIST")?, Currency::EUR, None, year)
///         .with_prices(widget, [PriceTier::new(Quantity::ZERO, money!(10.00 EUR))?])?,
///     PriceList::new(PriceListCode::new("WHOLESALE")?, Currency::EUR, Some(wholesale.clone()), year)
///         .with_prices(widget, [PriceTier::new(Quantity::from(10), money!(7.00 EUR))?])?,
/// ]);
/// let query = PriceQuery::new(widget, Quantity::from(20), Currency::EUR, day(6, 1)?);
/// assert_eq!(book.resolve(&query)?.list.as_str(), "LIST");
/// let found = book.resolve(&query.clone().for_segment(&wholesale))?;
/// assert_eq!((found.list.as_str(), found.unit_price), ("WHOLESALE", money!(7.00 EUR)));
/// // Below the wholesale list's first tier, the general list applies.
/// let few = PriceQuery::new(widget, Quantity::from(5), Currency::EUR, day(6, 1)?).for_segment(&wholesale);
/// assert_eq!(book.resolve(&few)?.list.as_str(), "LIST");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PriceBook {
    lists: Vec<PriceList>,
}

impl PriceBook {
    /// A book of `lists`.
    pub fn new(lists: impl IntoIterator<Item = PriceList>) -> Self {
        Self {
            lists: lists.into_iter().collect(),
        }
    }

    /// The lists, in the order given.
    pub fn lists(&self) -> &[PriceList] {
        &self.lists
    }

    /// The unit price for `query`, and which list and tier gave it.
    ///
    /// # Errors
    ///
    /// [`Error::PriceInOtherCurrency`] when no list in the query's currency
    /// prices the product but a list valid on the date in another currency
    /// does; [`Error::NoPrice`] when no list prices it at all.
    pub fn resolve(&self, query: &PriceQuery<'_>) -> Result<PriceResolution> {
        self.candidates(query.product, query.date, query.segment)
            .resolve(query)
    }

    /// The lists that may price `product` on `date` for a customer in
    /// `segment`: valid on the date, for everyone or for the segment, and
    /// holding the product; what is left to choose depends on the quantity
    /// and currency. A document works them out once per product.
    pub(crate) fn candidates(
        &self,
        product: ProductId,
        date: NaiveDate,
        segment: Option<&Segment>,
    ) -> Candidates<'_> {
        let lists = self
            .lists
            .iter()
            .filter(|list| list.validity.contains(date))
            .filter(|list| list.segment.is_none() || list.segment.as_ref() == segment)
            .filter_map(|list| Some((list, list.tiers(product)?)))
            .collect();
        Candidates { lists }
    }

    /// Larger is preferred: segment-specific, then latest start, then the
    /// smaller code (hence the reversed comparison).
    fn rank(list: &PriceList) -> (bool, NaiveDate, core::cmp::Reverse<&PriceListCode>) {
        (
            list.segment.is_some(),
            list.validity.start(),
            core::cmp::Reverse(&list.code),
        )
    }
}

/// The lists that may price one product for one document, with its tiers
/// in each, in the book's order ([`PriceBook::candidates`]).
#[derive(Clone, Debug)]
pub(crate) struct Candidates<'b> {
    lists: smallvec::SmallVec<[(&'b PriceList, &'b [PriceTier]); 2]>,
}

impl Candidates<'_> {
    /// [`PriceBook::resolve`] for `query`, whose product, date and segment
    /// these candidates were found for.
    pub(crate) fn resolve(&self, query: &PriceQuery<'_>) -> Result<PriceResolution> {
        let mut best: Option<(&PriceList, PriceTier)> = None;
        let mut other_currency: Option<&PriceList> = None;
        for (list, tiers) in &self.lists {
            let Some(tier) = tiers
                .iter()
                .rev()
                .find(|t| t.min_quantity.at_most(query.quantity))
                .copied()
            else {
                continue;
            };
            if list.currency != query.currency {
                other_currency = other_currency.or(Some(list));
                continue;
            }
            let better = match best {
                None => true,
                Some((current, _)) => PriceBook::rank(list) > PriceBook::rank(current),
            };
            if better {
                best = Some((list, tier));
            }
        }
        match (best, other_currency) {
            (Some((list, tier)), _) => Ok(PriceResolution {
                list: list.code.clone(),
                tier_min_quantity: tier.min_quantity,
                unit_price: tier.unit_price,
            }),
            (None, Some(list)) => Err(Error::PriceInOtherCurrency {
                product: query.product,
                list: list.code.clone(),
                list_currency: list.currency,
                currency: query.currency,
            }),
            (None, None) => Err(Error::NoPrice {
                product: query.product,
                currency: query.currency,
                date: query.date,
            }),
        }
    }
}
