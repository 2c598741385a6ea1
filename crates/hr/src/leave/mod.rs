//! Leave: types and policies, a ledger of movements per employee and leave
//! type, requests counted on the employee's working-time calendar.

pub(crate) mod account;
pub(crate) mod days;
pub(crate) mod ledger;
pub(crate) mod policy;
pub(crate) mod span;
