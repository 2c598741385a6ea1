//! An invoiced order books its receivable.

use bureau_ledger::JournalEntry;
use bureau_sales::OrderEvent;

use super::log::{HandOff, HandOffLog};
use crate::{AccountMapping, DocumentPosting, Result, SourceEvent, invoice_entry};

/// The ledger entry of an order's invoice: `event` is the order's
/// [`OrderEvent::Invoiced`], posted by [`invoice_entry`] (receivable for
/// the customer, revenue per product group, tax payable per tax code).
///
/// Any other order event, or an invoice already handed off (see
/// [`HandOffLog`]), gives `Ok(None)`. The entry's id is the ledger's own
/// idempotency key as well, so an entry posted twice is refused there too.
///
/// # Errors
///
/// As [`invoice_entry`].
///
/// The crate's integration tests (`tests/documents.rs`) invoice an order
/// and replay the event.
pub fn invoice_from_order(
    log: &HandOffLog,
    mapping: &AccountMapping,
    event: &OrderEvent,
    posting: &DocumentPosting<'_>,
) -> Result<Option<HandOff<JournalEntry>>> {
    let OrderEvent::Invoiced(issue) = event else {
        return Ok(None);
    };
    log.once(SourceEvent::InvoiceIssued(issue.number.clone()), |_| {
        invoice_entry(mapping, issue, posting)
    })
}
