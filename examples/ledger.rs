//! A month of a small shop's books (placeholder replaced below).
fn main() {}
