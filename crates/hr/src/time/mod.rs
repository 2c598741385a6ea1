//! Working time: pay periods, timesheets and overtime.

pub(crate) mod hours;
pub(crate) mod overtime;
pub(crate) mod pay_period;
pub(crate) mod timesheet;
