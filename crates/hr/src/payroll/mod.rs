//! Payroll: gross to net per employee and period, and runs over many.

pub(crate) mod calculation;
pub(crate) mod config;
pub(crate) mod gross_to_net;
pub(crate) mod payslip;
pub(crate) mod rounding;
pub(crate) mod run;
pub(crate) mod tax;
