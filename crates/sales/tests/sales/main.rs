//! Integration and property tests of bureau-sales.

// A panic in a test is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod documents;
mod pricing;
mod quotes;
mod terms;
