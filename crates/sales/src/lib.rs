//! Sales rules as typed models and pure functions.
//!
//! # Overview
//!
//! - [`Catalog`] of [`Product`]s: id ([`bureau_core::ProductId`]), [`Sku`],
//!   name, unit of measure, tax category, optional [`ProductGroup`], status;
//!   and [`Bundle`]s of products sold together.
//! - [`PriceList`]s per currency and [`Segment`], valid over a date range,
//!   with quantity [`PriceTier`]s, gathered in a [`PriceBook`] whose
//!   [`resolve`](PriceBook::resolve) says which list and tier gave a price.
//! - The pricing engine, [`Pricing::price`]: a pure function from a
//!   [`Document`] to a [`PricedDocument`] with an explanation per line, line
//!   discounts, volume tiers per line or cumulative over a product group,
//!   buy X get Y ([`BuyGet`]), bundles sold at a set price, priorities and
//!   [`Stacking`] (in order, best-of, exclusive), caps per line, a
//!   document discount and [`Coupon`]s spread with
//!   [`bureau_core::Money::allocate`], taxes
//!   exclusive or inclusive, compound and fixed, exemptions, and rounding per
//!   line or per document set once in a [`PricingConfig`]. A priced
//!   document's totals equal the sums of its lines to the minor unit.
//! - [`PaymentTerms`] (net N days, N days after the end of the month, an
//!   early-payment discount such as 2/10 net 30) giving an invoice's due date
//!   and discount deadline.
//! - [`Quote`], a [`bureau_core::Aggregate`] over a priced document: draft,
//!   sent, accepted, rejected, expired after its validity date, revised as a
//!   new version; a transition its status does not allow is a typed error.
//!   Its acceptance carries the offer that places an [`Order`].
//! - [`Order`], [`Invoice`] and [`CreditNote`], aggregates linked by
//!   [`DocumentNumber`]: an order ships in parts and raises invoices (all,
//!   delivered units, a down payment); an invoice takes payments under its
//!   [`PaymentTerms`] and raises credit notes (returns with a restocking fee,
//!   corrections, a full credit) that never credit more than was invoiced.
//!   Their lines are shares of the lines they come from, rounded with the
//!   same [`PricingConfig`], so shares add up to the whole to the minor unit.
//! - Pipelines and forecasts: a [`Pipeline`] of ordered [`Stage`]s with
//!   default probabilities, ending in won or lost; the [`Opportunity`]
//!   aggregate (amount, owner, party, stage history, expected close, won or
//!   lost with a reason); the [`weighted_forecast`] by period, owner and
//!   stage; [`pipeline_metrics`] (win rate, average deal size, sales cycle,
//!   velocity), the conversion [`funnel`] and [`stalled_deals`].
//! - The [`WinModel`], naive Bayes over categorical features with Laplace
//!   smoothing, trained on closed opportunities, each prediction explained
//!   feature by feature, its probability a rounded [`bureau_core::Percent`].
//! - [`Quota`]s with attainment, and [`CommissionPlan`]s (flat, marginal or
//!   retroactive tiers, accelerators and decelerators by attainment, caps,
//!   earned on invoice or on payment) applied to [`CreditedSale`]s split
//!   between owners by [`commission_statement`], clawbacks included, with
//!   an explanation per line.
//!
//! # Examples
//!
//! The crate README holds a complete pricing example, run as a doc test.
//!
//! # Crate features
//!
//! - `serde`: serialize and deserialize catalogs, price lists, rules, priced
//!   documents, the documents' and opportunities' events, pipelines, quotas,
//!   commission plans and credited sales (amounts as decimal strings; values
//!   read back through their constructors' checks).
//! - `proptest`: strategies generating valid catalogs (with bundles), price
//!   books, rules (promotions of every kind and stacking), documents, order
//!   and invoice histories, pipelines, opportunities, commission plans and
//!   credited sales ([`strategy`]).

mod catalog;
mod commission;
mod credit_note;
mod error;
mod forecast;
mod invoice;
mod metrics;
mod opportunity;
mod order;
mod payment_terms;
mod pipeline;
mod price_list;
mod pricing;
mod quantity;
mod quota;
mod quote;
#[cfg(feature = "proptest")]
pub mod strategy;
mod text;
mod win_model;

pub use catalog::{Bundle, BundleComponent, Catalog, Product, ProductStatus};
pub use commission::{
    AttainmentBand, CommissionPlan, CommissionSlice, CommissionStatement, CommissionTier,
    CreditShare, CreditedSale, EarnedOn, LineExplanation, SaleEventKind, StatementLine, TierMode,
    commission_statement,
};
pub use credit_note::{
    CreditNote, CreditNoteCommand, CreditNoteEvent, CreditNoteIssue, CreditNoteStatus,
};
pub use error::{Error, Result};
pub use forecast::{
    Forecast, ForecastOptions, ForecastTotal, ProbabilitySource, WeightedDeal, weighted_forecast,
};
pub use invoice::{
    Credit, Invoice, InvoiceCommand, InvoiceEvent, InvoiceIssue, InvoiceStatus, LineAmount,
};
pub use metrics::{
    Days, FunnelStep, PipelineMetrics, StalledDeal, funnel, pipeline_metrics, stalled_deals,
};
pub use opportunity::{
    Closing, Opportunity, OpportunityChange, OpportunityCommand, OpportunityData, OpportunityEvent,
    OpportunityId, OpportunityKind, OpportunityStatus, StageEntry,
};
pub use order::{InvoiceScope, LineQuantity, Order, OrderCommand, OrderEvent, OrderStatus};
pub use payment_terms::{DiscountOffer, DueBasis, PaymentSchedule, PaymentTerms};
pub use pipeline::{Pipeline, Stage, StageOutcome};
pub use price_list::{PriceBook, PriceList, PriceQuery, PriceResolution, PriceTier};
pub use pricing::config::{PricingConfig, TaxInclusion, TaxRounding};
pub use pricing::coupon::Coupon;
pub use pricing::discount::{
    BuyGet, DiscountKind, DiscountRule, DiscountTarget, DocumentDiscount, FreeUnits, LineDiscount,
    Stacking, TierBasis, VolumeTier,
};
pub use pricing::document::{CouponUse, Document, DocumentLine};
pub use pricing::engine::Pricing;
pub use pricing::priced::{LineStep, PricedDocument, PricedLine, TaxAmount, Totals};
pub use pricing::tax::{TaxKind, TaxRule, TaxTable};
pub use quantity::Quantity;
pub use quota::Quota;
pub use quote::{Quote, QuoteCommand, QuoteEvent, QuoteStatus};
pub use text::{
    CouponCode, DiscountName, DocumentNumber, MAX_TEXT_LEN, PriceListCode, ProductGroup,
    ProductName, Segment, Sku, TaxCategory, TaxCode, UnitOfMeasure,
};

pub use text::{AttributeName, AttributeValue, CloseReason, DealSource, SaleReference, StageName};
pub use win_model::{
    Evidence, FeatureContribution, PredictionBasis, WinFeature, WinModel, WinModelConfig,
    WinPrediction,
};

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
