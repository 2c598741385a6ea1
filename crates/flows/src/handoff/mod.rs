//! Hand-offs: what one domain's event asks of another, as pure functions
//! from the source event to the commands of the receiving domain, each
//! idempotent through the [`HandOffLog`].
//!
//! - [`opportunity_from_lead`]: a converted lead opens a sales opportunity
//!   (owner, amount, source campaign kept for attribution);
//! - [`quote_from_won`] and [`order_from_won`]: a won opportunity drafts a
//!   quote or places an order;
//! - [`invoice_from_order`]: an invoiced order books its receivable;
//! - [`ticket_events`]: a support case's events become SLA ticket events;
//! - [`CustomerFlags::flag_breaches`](crate::CustomerFlags::flag_breaches):
//!   an SLA breach flags the customer.

mod case;
mod deal;
mod invoice;
mod lead;
mod log;

pub use case::ticket_events;
pub use deal::{order_from_won, quote_from_won};
pub use invoice::invoice_from_order;
pub use lead::{OpportunitySetup, opportunity_from_lead};
pub use log::{HandOff, HandOffCommand, HandOffEvent, HandOffLog};
