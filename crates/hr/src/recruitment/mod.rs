//! Recruitment: requisitions with a headcount, a budget and a pipeline of
//! stages, and candidates moving through those stages to an offer and a
//! hire.

pub(crate) mod candidate;
pub(crate) mod requisition;
