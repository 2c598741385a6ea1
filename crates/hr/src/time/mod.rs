//! Working time: pay periods, timesheets and overtime.

pub(crate) mod pay_period;
