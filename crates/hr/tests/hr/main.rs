//! Integration and property tests of bureau-hr.

mod employees;
mod expenses;
mod leave;
mod metrics;
mod pay_periods;
mod payroll;
mod payroll_runs;
mod recruitment;
mod storage;
mod timesheets;
