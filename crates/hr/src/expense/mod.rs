//! Expense claims: lines in any currency, policy limits, approval by the
//! claimant's manager, reimbursement.

pub(crate) mod claim;
pub(crate) mod policy;
