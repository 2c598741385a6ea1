//! Coupons: a document discount a customer brings by code, valid over a
//! date range, from a minimum order, a limited number of times.

use bureau_core::{DateRange, Money};

use crate::pricing::discount::check_percent;
use crate::{CouponCode, DocumentDiscount, Error, Result};

/// A coupon: its code, the discount it gives the whole document, the days
/// it may be used (`[start, end)`), the smallest order it applies to, and
/// how many times it may be used in all.
///
/// The engine applies a document's coupons after its line discounts and
/// document discount, each spread over the lines with
/// [`Money::allocate`](bureau_core::Money::allocate). How often a coupon was
/// used before is an input of the document
/// ([`Document::with_coupon`](crate::Document::with_coupon)): the engine
/// keeps no count.
///
/// ```
/// use bureau_core::{money, DateRange, Percent};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::{Coupon, CouponCode, DocumentDiscount};
/// let spring = DateRange::new(NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?,
///                             NaiveDate::from_ymd_opt(2026, 6, 1).ok_or("date")?)?;
/// let coupon = Coupon::new(CouponCode::new("SPRING10")?,
///     DocumentDiscount::Percentage(Percent::new(10.into())), spring)?
///     .with_minimum(money!(50.00 EUR))?
///     .with_usage_limit(100);
/// assert_eq!(coupon.usage_limit(), Some(100));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawCoupon"))]
pub struct Coupon {
    code: CouponCode,
    discount: DocumentDiscount,
    validity: DateRange,
    minimum: Option<Money>,
    usage_limit: Option<u32>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawCoupon {
    code: CouponCode,
    discount: DocumentDiscount,
    validity: DateRange,
    minimum: Option<Money>,
    usage_limit: Option<u32>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawCoupon> for Coupon {
    type Error = Error;
    fn try_from(raw: RawCoupon) -> Result<Self> {
        let mut coupon = Self::new(raw.code, raw.discount, raw.validity)?;
        if let Some(minimum) = raw.minimum {
            coupon = coupon.with_minimum(minimum)?;
        }
        coupon.usage_limit = raw.usage_limit;
        Ok(coupon)
    }
}

impl Coupon {
    /// The coupon `code` giving `discount`, valid over `validity`, with no
    /// minimum and no usage limit.
    ///
    /// # Errors
    ///
    /// [`Error::PercentOutOfRange`] or [`Error::NegativeAmount`] for a
    /// discount outside its range.
    pub fn new(code: CouponCode, discount: DocumentDiscount, validity: DateRange) -> Result<Self> {
        match discount {
            DocumentDiscount::Percentage(p) => check_percent("coupon discount", p)?,
            DocumentDiscount::Fixed(amount) if amount.is_negative() => {
                return Err(Error::NegativeAmount {
                    what: "coupon discount",
                    amount,
                });
            }
            DocumentDiscount::Fixed(_) => {}
        }
        Ok(Self {
            code,
            discount,
            validity,
            minimum: None,
            usage_limit: None,
        })
    }

    /// The same coupon for orders of at least `minimum` (the sum of the
    /// lines after line discounts).
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] for a negative minimum.
    pub fn with_minimum(mut self, minimum: Money) -> Result<Self> {
        if minimum.is_negative() {
            return Err(Error::NegativeAmount {
                what: "coupon minimum",
                amount: minimum,
            });
        }
        self.minimum = Some(minimum);
        Ok(self)
    }

    /// The same coupon usable `limit` times in all.
    #[must_use]
    pub const fn with_usage_limit(mut self, limit: u32) -> Self {
        self.usage_limit = Some(limit);
        self
    }

    /// Its code.
    pub const fn code(&self) -> &CouponCode {
        &self.code
    }

    /// The discount it gives.
    pub const fn discount(&self) -> DocumentDiscount {
        self.discount
    }

    /// The days it may be used.
    pub const fn validity(&self) -> DateRange {
        self.validity
    }

    /// The smallest order it applies to.
    pub const fn minimum(&self) -> Option<Money> {
        self.minimum
    }

    /// How many times it may be used in all.
    pub const fn usage_limit(&self) -> Option<u32> {
        self.usage_limit
    }
}
