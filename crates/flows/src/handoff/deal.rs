//! A won opportunity becomes a quote or an order.

use bureau_sales::{
    DocumentNumber, Opportunity, OpportunityChange, OpportunityEvent, OpportunityStatus,
    OrderCommand, PricedDocument, QuoteCommand,
};
use chrono::NaiveDate;

use super::log::{HandOff, HandOffLog};
use crate::{Error, Result, SourceEvent};

/// The quote a won opportunity leads to: `event` is the opportunity's win
/// ([`OpportunityChange::Win`]) and `opportunity` the opportunity with it
/// applied; `priced` is the offer the caller priced for the deal (the
/// opportunity holds an amount, not lines). The quote opens as a draft,
/// valid through `valid_until`.
///
/// Any other opportunity event, or a win already handed off (see
/// [`HandOffLog`]), gives `Ok(None)`.
///
/// # Errors
///
/// [`Error::NotOpened`] when `opportunity` is not opened;
/// [`Error::NotPostable`] when it is not won (the event is not
/// its own), or the offer is in another currency than the deal.
///
/// The crate's integration tests (`tests/handoffs.rs`) win a deal, quote
/// it and replay the win, and refuse a deal not won and an offer in another
/// currency.
pub fn quote_from_won(
    log: &HandOffLog,
    opportunity: &Opportunity,
    event: &OpportunityEvent,
    priced: &PricedDocument,
    valid_until: NaiveDate,
) -> Result<Option<HandOff<QuoteCommand>>> {
    won(log, opportunity, event, priced, || QuoteCommand::Draft {
        priced: Box::new(priced.clone()),
        valid_until,
    })
}

/// The order a won opportunity places directly (a deal closed without a
/// quote): as [`quote_from_won`], the order numbered `number` placed on
/// `on` with `priced`'s lines.
///
/// # Errors
///
/// As [`quote_from_won`].
///
/// The crate's integration tests (`tests/handoffs.rs`) win a deal, place
/// its order and replay the win.
pub fn order_from_won(
    log: &HandOffLog,
    opportunity: &Opportunity,
    event: &OpportunityEvent,
    priced: &PricedDocument,
    number: DocumentNumber,
    on: NaiveDate,
) -> Result<Option<HandOff<OrderCommand>>> {
    won(log, opportunity, event, priced, || OrderCommand::Place {
        number,
        priced: Box::new(priced.clone()),
        on,
    })
}

fn won<T>(
    log: &HandOffLog,
    opportunity: &Opportunity,
    event: &OpportunityEvent,
    priced: &PricedDocument,
    make: impl FnOnce() -> T,
) -> Result<Option<HandOff<T>>> {
    if !matches!(event.change, OpportunityChange::Win(_)) {
        return Ok(None);
    }
    let (Some(id), Some(amount)) = (opportunity.id(), opportunity.amount()) else {
        return Err(Error::NotOpened {
            what: "opportunity",
        });
    };
    log.once(SourceEvent::OpportunityWon(id), |source| {
        let not_postable = |reason: String| Error::NotPostable {
            event: source.clone(),
            reason,
        };
        if opportunity.status() != Some(OpportunityStatus::Won) {
            return Err(not_postable(
                "the opportunity given is not won: give it with the win applied".to_owned(),
            ));
        }
        let currency = priced.document().currency();
        if currency != amount.currency() {
            return Err(not_postable(format!(
                "the offer is in {currency}, the deal in {}",
                amount.currency()
            )));
        }
        Ok(make())
    })
}
