//! Integration and property tests of bureau-sales.

// A panic in a test is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod commission;
mod documents;
mod histories;
mod pipeline;
mod pricing;
mod promotions;
mod quotes;
mod terms;
mod win_model;
