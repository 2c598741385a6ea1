//! Integration and property tests of bureau-hr.

mod employees;
mod leave;
mod pay_periods;
mod payroll;
mod timesheets;
