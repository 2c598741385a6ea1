//! The pricing engine: rules, documents, and priced documents.

pub(crate) mod config;
pub(crate) mod coupon;
pub(crate) mod discount;
pub(crate) mod document;
pub(crate) mod engine;
pub(crate) mod priced;
#[cfg(test)]
pub(crate) mod reference;
pub(crate) mod rounding;
pub(crate) mod spread;
pub(crate) mod tax;
