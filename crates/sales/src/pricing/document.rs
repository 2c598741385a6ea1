//! The document a pricing engine prices: lines, customer, date, currency.

use std::collections::BTreeSet;

use bureau_core::{Currency, ProductId};
use chrono::NaiveDate;

use crate::{CouponCode, DocumentDiscount, Quantity, Segment, TaxCode};

/// One line of a document: a quantity of a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DocumentLine {
    /// The product.
    pub product: ProductId,
    /// How many units.
    pub quantity: Quantity,
}

impl DocumentLine {
    /// `quantity` units of `product`.
    pub const fn new(product: ProductId, quantity: Quantity) -> Self {
        Self { product, quantity }
    }
}

/// What the pricing engine prices: the lines of a quote, order, invoice or
/// credit note, with the currency, date and customer they are priced for.
///
/// ```
/// use bureau_core::{Currency, ProductId};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::{Document, DocumentLine, Quantity, Segment, TaxCode};
/// let date = NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?;
/// let document = Document::new(Currency::EUR, date)
///     .for_segment(Segment::new("wholesale")?)
///     .with_line(DocumentLine::new(ProductId::from_u128(1), Quantity::from(3)))
///     .exempt_from(TaxCode::new("VAT19")?);
/// assert_eq!(document.lines().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Document {
    currency: Currency,
    date: NaiveDate,
    segment: Option<Segment>,
    lines: Vec<DocumentLine>,
    discount: Option<DocumentDiscount>,
    exemptions: BTreeSet<TaxCode>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    coupons: Vec<CouponUse>,
}

/// A coupon a document redeems, with how many times it was used before.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CouponUse {
    /// The coupon's code.
    pub code: CouponCode,
    /// How many times it was redeemed before this document.
    pub used_before: u32,
}

impl Document {
    /// A document in `currency` dated `date`, for a customer in no segment,
    /// with no line, no document discount and no tax exemption.
    pub const fn new(currency: Currency, date: NaiveDate) -> Self {
        Self {
            currency,
            date,
            segment: None,
            lines: Vec::new(),
            discount: None,
            exemptions: BTreeSet::new(),
            coupons: Vec::new(),
        }
    }

    /// The same document for a customer in `segment`.
    #[must_use]
    pub fn for_segment(mut self, segment: Segment) -> Self {
        self.segment = Some(segment);
        self
    }

    /// The same document with `line` added at the end.
    #[must_use]
    pub fn with_line(mut self, line: DocumentLine) -> Self {
        self.lines.push(line);
        self
    }

    /// The same document with `lines` in place of its lines.
    #[must_use]
    pub fn with_lines(mut self, lines: impl IntoIterator<Item = DocumentLine>) -> Self {
        self.lines = lines.into_iter().collect();
        self
    }

    /// The same document with `discount` on the whole.
    #[must_use]
    pub fn with_discount(mut self, discount: DocumentDiscount) -> Self {
        self.discount = Some(discount);
        self
    }

    /// The same document for a customer exempt from the tax `code`.
    #[must_use]
    pub fn exempt_from(mut self, code: TaxCode) -> Self {
        self.exemptions.insert(code);
        self
    }

    pub(crate) fn set_date(&mut self, date: NaiveDate) {
        self.date = date;
    }

    /// The same document redeeming the coupon `code`, redeemed
    /// `used_before` times before (a count the caller keeps).
    #[must_use]
    pub fn with_coupon(mut self, code: CouponCode, used_before: u32) -> Self {
        self.coupons.push(CouponUse { code, used_before });
        self
    }

    /// The coupons it redeems, in order.
    pub fn coupons(&self) -> &[CouponUse] {
        &self.coupons
    }

    /// The currency every amount is in.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The date prices are taken on.
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The customer's segment.
    pub const fn segment(&self) -> Option<&Segment> {
        self.segment.as_ref()
    }

    /// The lines, in order; errors name a line by its position here.
    pub fn lines(&self) -> &[DocumentLine] {
        &self.lines
    }

    /// The discount on the whole.
    pub const fn discount(&self) -> Option<DocumentDiscount> {
        self.discount
    }

    /// The taxes the customer is exempt from.
    pub const fn exemptions(&self) -> &BTreeSet<TaxCode> {
        &self.exemptions
    }
}
