//! The one error type of bureau-sales.

use bureau_core::{Currency, Money, ProductId};
use chrono::NaiveDate;

use crate::{PriceListCode, Quantity, Sku, TaxCode};

/// Everything that can go wrong in bureau-sales. Every variant names the
/// value that was wrong; errors of a document line are wrapped in
/// [`Error::Line`], which names the line.
///
/// ```
/// use bureau_sales::Sku;
/// let err = Sku::new("WID 001").unwrap_err();
/// assert_eq!(err.to_string(), "invalid SKU \"WID 001\": may hold only ASCII letters, digits and - _ . /");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A name or code broke the text rules.
    #[error("invalid {kind} {text:?}: {reason}")]
    #[non_exhaustive]
    InvalidText {
        /// What the text was for.
        kind: &'static str,
        /// The text.
        text: String,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// A pipeline that breaks a rule (no open stage, a duplicate stage, a
    /// probability above 100%).
    #[error("invalid pipeline: {reason}")]
    #[non_exhaustive]
    InvalidPipeline {
        /// Which rule it broke.
        reason: String,
    },
    /// A stage name its pipeline does not hold.
    #[error("stage {stage:?} is not in the pipeline")]
    #[non_exhaustive]
    UnknownStage {
        /// The stage.
        stage: crate::StageName,
    },
    /// An opportunity command its status does not allow.
    #[error("opportunity is {}: cannot {command}", status.map_or("not open yet".to_owned(), |s| s.to_string()))]
    #[non_exhaustive]
    InvalidOpportunityTransition {
        /// Its status, `None` before it is opened.
        status: Option<crate::OpportunityStatus>,
        /// What was asked.
        command: &'static str,
    },
    /// An opportunity command or event dated before the opportunity's last one.
    #[error("opportunity change at {at} is earlier than its last change at {last}")]
    #[non_exhaustive]
    OutOfOrder {
        /// The instant of the change.
        at: chrono::DateTime<chrono::Utc>,
        /// The instant of the last recorded change.
        last: chrono::DateTime<chrono::Utc>,
    },
    /// An amount in another currency than the one asked for.
    #[error("{what} is in {found}, not {expected}")]
    #[non_exhaustive]
    CurrencyMismatch {
        /// What the amount is.
        what: &'static str,
        /// The currency asked for.
        expected: Currency,
        /// The amount's currency.
        found: Currency,
    },
    /// Credit shares of a sale that do not add up to 100%.
    #[error("credit shares of {reference} add up to {total}, not 100%")]
    #[non_exhaustive]
    InvalidShares {
        /// The sale.
        reference: crate::SaleReference,
        /// What they add up to.
        total: bureau_core::Percent,
    },
    /// A commission plan that breaks a rule.
    #[error("invalid commission plan: {reason}")]
    #[non_exhaustive]
    InvalidCommissionPlan {
        /// Which rule it broke.
        reason: String,
    },
    /// A win model configuration that breaks a rule.
    #[error("invalid win model: {reason}")]
    #[non_exhaustive]
    InvalidWinModel {
        /// Which rule it broke.
        reason: String,
    },
    /// A quantity that is not a decimal number.
    #[error("invalid quantity {text:?}")]
    #[non_exhaustive]
    InvalidQuantity {
        /// The text.
        text: String,
    },
    /// Two products with one id in a catalog.
    #[error("product {product} is already in the catalog")]
    #[non_exhaustive]
    DuplicateProduct {
        /// The id.
        product: ProductId,
    },
    /// Two products with one SKU in a catalog.
    #[error("SKU {sku} is already used by product {product}")]
    #[non_exhaustive]
    DuplicateSku {
        /// The SKU.
        sku: Sku,
        /// The product that has it.
        product: ProductId,
    },
    /// A bundle that breaks a rule (no component, a quantity that is not
    /// positive, a product twice).
    #[error("invalid bundle {sku}: {reason}")]
    #[non_exhaustive]
    InvalidBundle {
        /// The bundle.
        sku: Sku,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// A bundle's SKU, or a product's, that is already a bundle's.
    #[error("SKU {sku} is already used by a bundle")]
    #[non_exhaustive]
    DuplicateBundle {
        /// The SKU.
        sku: Sku,
    },
    /// A bundle with a component the catalog does not hold.
    #[error("bundle {sku} holds product {product}, which is not in the catalog")]
    #[non_exhaustive]
    UnknownBundleComponent {
        /// The bundle.
        sku: Sku,
        /// The component.
        product: ProductId,
    },
    /// A bundle rule for a bundle the catalog does not hold.
    #[error("discount {rule} prices bundle {sku}, which is not in the catalog")]
    #[non_exhaustive]
    UnknownBundle {
        /// The rule.
        rule: crate::DiscountName,
        /// The bundle.
        sku: Sku,
    },
    /// A buy-X-get-Y offer that breaks a rule.
    #[error("invalid buy-get offer: {reason}")]
    #[non_exhaustive]
    InvalidBuyGet {
        /// Which rule it broke.
        reason: &'static str,
    },
    /// A price tier or volume tier with a negative minimum quantity.
    #[error("tier minimum quantity {quantity} is negative")]
    #[non_exhaustive]
    NegativeTierQuantity {
        /// The quantity.
        quantity: Quantity,
    },
    /// A negative unit price.
    #[error("unit price {price} is negative")]
    #[non_exhaustive]
    NegativePrice {
        /// The price.
        price: Money,
    },
    /// A product given no price tier.
    #[error("price list {list} gives product {product} no tier")]
    #[non_exhaustive]
    NoTiers {
        /// The list.
        list: PriceListCode,
        /// The product.
        product: ProductId,
    },
    /// Two tiers of one product starting at the same quantity.
    #[error("price list {list} has two tiers from {quantity} for product {product}")]
    #[non_exhaustive]
    DuplicateTier {
        /// The list.
        list: PriceListCode,
        /// The product.
        product: ProductId,
        /// The shared minimum quantity.
        quantity: Quantity,
    },
    /// A price in another currency than its list's.
    #[error("price list {list} is in {list_currency}, not {currency}")]
    #[non_exhaustive]
    PriceListCurrency {
        /// The list.
        list: PriceListCode,
        /// The list's currency.
        list_currency: Currency,
        /// The price's currency.
        currency: Currency,
    },
    /// No price list prices the product.
    #[error("no price list prices product {product} in {currency} on {date}")]
    #[non_exhaustive]
    NoPrice {
        /// The product.
        product: ProductId,
        /// The document's currency.
        currency: Currency,
        /// The document's date.
        date: NaiveDate,
    },
    /// Only a price list in another currency prices the product.
    #[error(
        "product {product} is priced only by list {list} in {list_currency}, not in {currency}"
    )]
    #[non_exhaustive]
    PriceInOtherCurrency {
        /// The product.
        product: ProductId,
        /// The list that would have priced it.
        list: PriceListCode,
        /// That list's currency.
        list_currency: Currency,
        /// The document's currency.
        currency: Currency,
    },
    /// A product that is not in the catalog.
    #[error("product {product} is not in the catalog")]
    #[non_exhaustive]
    UnknownProduct {
        /// The product.
        product: ProductId,
    },
    /// A product that is no longer sold.
    #[error("product {product} is inactive")]
    #[non_exhaustive]
    InactiveProduct {
        /// The product.
        product: ProductId,
    },
    /// A negative quantity on a document that is not a return.
    #[error("quantity {quantity} is negative")]
    #[non_exhaustive]
    NegativeQuantity {
        /// The quantity.
        quantity: Quantity,
    },
    /// A percentage outside `[0, 100]` where a share of an amount is meant.
    #[error("{what} {percent} is not between 0% and 100%")]
    #[non_exhaustive]
    PercentOutOfRange {
        /// What the percentage was for.
        what: &'static str,
        /// The percentage, in percent.
        percent: bureau_core::Decimal,
    },
    /// A negative rate where a tax rate is meant.
    #[error("tax {code} has a negative rate {percent}%")]
    #[non_exhaustive]
    NegativeTaxRate {
        /// The tax.
        code: TaxCode,
        /// The rate, in percent.
        percent: bureau_core::Decimal,
    },
    /// A negative amount where a discount or fixed tax is meant.
    #[error("{what} {amount} is negative")]
    #[non_exhaustive]
    NegativeAmount {
        /// What the amount was for.
        what: &'static str,
        /// The amount.
        amount: Money,
    },
    /// Volume tiers that are empty, repeat a quantity, or give a smaller
    /// discount for a larger volume.
    #[error("volume tiers are invalid: {reason}")]
    #[non_exhaustive]
    InvalidVolumeTiers {
        /// What is wrong.
        reason: &'static str,
    },
    /// A fixed amount in another currency than the document's.
    #[error("{what} is in {currency}, the document in {document_currency}")]
    #[non_exhaustive]
    ForeignAmount {
        /// What the amount was for.
        what: String,
        /// The amount's currency.
        currency: Currency,
        /// The document's currency.
        document_currency: Currency,
    },
    /// Two tax rules with one code.
    #[error("tax {code} is defined twice")]
    #[non_exhaustive]
    DuplicateTax {
        /// The code.
        code: TaxCode,
    },
    /// The inclusive price of a line is smaller than its fixed taxes.
    #[error("tax-inclusive amount {amount} is smaller than the fixed taxes {fixed} it holds")]
    #[non_exhaustive]
    InclusiveBelowFixedTax {
        /// The inclusive amount.
        amount: Money,
        /// The fixed taxes.
        fixed: Money,
    },
    /// A date computed from `date` leaves the calendar.
    #[error("a date computed from {date} is out of range")]
    #[non_exhaustive]
    DateOutOfRange {
        /// The date it was computed from.
        date: NaiveDate,
    },
    /// A quote command its status does not allow.
    #[error("quote is {}: cannot {command}", status.map_or("not drafted".to_owned(), |s| s.to_string()))]
    #[non_exhaustive]
    InvalidQuoteTransition {
        /// Its status, `None` before it is drafted.
        status: Option<crate::QuoteStatus>,
        /// What was asked.
        command: &'static str,
    },
    /// Acceptance after the quote's validity.
    #[error("quote valid until {valid_until} cannot be accepted on {on}")]
    #[non_exhaustive]
    QuoteExpired {
        /// The last day it could be accepted.
        valid_until: NaiveDate,
        /// The day of the attempt.
        on: NaiveDate,
    },
    /// Expiry recorded while the quote is still valid.
    #[error("quote valid until {valid_until} has not expired on {on}")]
    #[non_exhaustive]
    QuoteStillValid {
        /// The last day it may be accepted.
        valid_until: NaiveDate,
        /// The day of the attempt.
        on: NaiveDate,
    },
    /// A coupon the engine does not know.
    #[error("coupon {code} does not exist")]
    #[non_exhaustive]
    UnknownCoupon {
        /// The code.
        code: crate::CouponCode,
    },
    /// A coupon redeemed outside its validity.
    #[error("coupon {code} is valid from {start} until before {end}, not on {date}")]
    #[non_exhaustive]
    CouponNotValid {
        /// The code.
        code: crate::CouponCode,
        /// Its first day.
        start: NaiveDate,
        /// The day after its last.
        end: NaiveDate,
        /// The document's date.
        date: NaiveDate,
    },
    /// A coupon redeemed on an order below its minimum.
    #[error("coupon {code} needs an order of {minimum}, not {amount}")]
    #[non_exhaustive]
    CouponBelowMinimum {
        /// The code.
        code: crate::CouponCode,
        /// Its minimum.
        minimum: Money,
        /// The order, after line discounts.
        amount: Money,
    },
    /// A coupon redeemed as many times as it may be.
    #[error("coupon {code} was used {used} times, its limit")]
    #[non_exhaustive]
    CouponUsedUp {
        /// The code.
        code: crate::CouponCode,
        /// Its limit, reached.
        used: u32,
    },
    /// An order command its status does not allow.
    #[error("order is {}: cannot {command}", status.map_or("not placed".to_owned(), |s| s.to_string()))]
    #[non_exhaustive]
    InvalidOrderTransition {
        /// Its status, `None` before it is placed.
        status: Option<crate::OrderStatus>,
        /// What was asked.
        command: &'static str,
    },
    /// An invoice command its status does not allow.
    #[error("invoice is {}: cannot {command}", status.map_or("not issued".to_owned(), |s| s.to_string()))]
    #[non_exhaustive]
    InvalidInvoiceTransition {
        /// Its status, `None` before it is issued.
        status: Option<crate::InvoiceStatus>,
        /// What was asked.
        command: &'static str,
    },
    /// A credit note command its status does not allow.
    #[error("credit note is {}: cannot {command}", status.map_or("not issued".to_owned(), |s| s.to_string()))]
    #[non_exhaustive]
    InvalidCreditNoteTransition {
        /// Its status, `None` before it is issued.
        status: Option<crate::CreditNoteStatus>,
        /// What was asked.
        command: &'static str,
    },
    /// A line number the document does not have.
    #[error("line {line} does not exist: the document has {lines} lines")]
    #[non_exhaustive]
    NoSuchLine {
        /// The line asked for, from 0.
        line: usize,
        /// How many lines the document has.
        lines: usize,
    },
    /// The same line twice in one shipment, invoice or credit.
    #[error("line {line} is given twice")]
    #[non_exhaustive]
    RepeatedLine {
        /// The line, from 0.
        line: usize,
    },
    /// A zero or negative quantity where units are shipped or returned.
    #[error("{what} quantity {quantity} is not positive")]
    #[non_exhaustive]
    QuantityNotPositive {
        /// What the quantity was for.
        what: &'static str,
        /// The quantity.
        quantity: Quantity,
    },
    /// More units than are open on a line (shipping more than the backorder,
    /// returning more than was invoiced and not yet credited).
    #[error("{what} of {quantity} exceeds the {open} open")]
    #[non_exhaustive]
    ExceedsOpenQuantity {
        /// What was asked (`shipment`, `return`).
        what: &'static str,
        /// The quantity asked for.
        quantity: Quantity,
        /// The quantity open.
        open: Quantity,
    },
    /// A zero or negative amount where a payment or correction is meant.
    #[error("{what} {amount} is not positive")]
    #[non_exhaustive]
    AmountNotPositive {
        /// What the amount was for.
        what: &'static str,
        /// The amount.
        amount: Money,
    },
    /// A credit larger than what is invoiced and not yet credited.
    #[error("credit of {amount} exceeds the {open} invoiced and not yet credited")]
    #[non_exhaustive]
    CreditExceedsInvoice {
        /// The credit asked for.
        amount: Money,
        /// What is left to credit.
        open: Money,
    },
    /// A payment larger than what is left to pay.
    #[error("payment of {amount} exceeds the balance {balance}")]
    #[non_exhaustive]
    Overpayment {
        /// The payment.
        amount: Money,
        /// What was left to pay.
        balance: Money,
    },
    /// A document that would have no line or no amount.
    #[error("nothing to {what}")]
    #[non_exhaustive]
    NothingTo {
        /// What was asked (`invoice`, `credit`).
        what: &'static str,
    },
    /// A stored event that the rules would not have decided in the state it
    /// is replayed on.
    #[error("stored {event} event contradicts the {aggregate}: {reason}")]
    #[non_exhaustive]
    ContradictoryEvent {
        /// The aggregate (`order`, `invoice`, `credit note`).
        aggregate: &'static str,
        /// The event's type.
        event: &'static str,
        /// Why, as the rules would have refused it.
        reason: String,
    },
    /// A computation left the range of a decimal.
    #[error("{operation} overflows the range of a decimal")]
    #[non_exhaustive]
    Overflow {
        /// What was being computed.
        operation: &'static str,
    },
    /// An error on one document line.
    #[error("line {line}: {source}")]
    #[non_exhaustive]
    Line {
        /// The line's position in the document, from 0.
        line: usize,
        /// What was wrong with it.
        #[source]
        source: Box<Error>,
    },
    /// An error of bureau-core (currency mismatch, overflow).
    #[error(transparent)]
    Core {
        /// The core error.
        #[from]
        source: bureau_core::Error,
    },
}

impl Error {
    /// `self` as the error of document line `line`.
    pub(crate) fn on_line(self, line: usize) -> Self {
        Self::Line {
            line,
            source: Box::new(self),
        }
    }
}

/// The result of bureau-sales operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;
