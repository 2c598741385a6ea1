//! A converted CRM lead becomes a sales opportunity.

use bureau_core::{Currency, EmployeeId, Money, UserId};
use bureau_crm::LeadEvent;
use bureau_sales::{
    DealSource, OpportunityChange, OpportunityCommand, OpportunityData, OpportunityId, Pipeline,
    StageOutcome,
};
use chrono::NaiveDate;

use super::log::{HandOff, HandOffLog};
use crate::{Error, MissingKey, Result, SourceEvent};

/// What the sales side decides for an opportunity a lead converts into:
/// its id, the pipeline it moves through (it starts at the first open
/// stage), its expected close, the currency of an opportunity whose lead
/// carried no amount, and who owns it.
///
/// `owner` answers which employee a CRM user is (a lead is owned by a
/// user, an opportunity by an employee); a lead whose owner it has no
/// answer for is [`Error::Missing`] with [`MissingKey::Owner`].
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct OpportunitySetup<'a, F> {
    /// The id of the opportunity to open.
    pub id: OpportunityId,
    /// Its pipeline.
    pub pipeline: &'a Pipeline,
    /// When it is expected to close.
    pub expected_close: NaiveDate,
    /// The currency of an opportunity of unknown amount (opened at zero).
    pub currency: Option<Currency>,
    /// The employee of a CRM user.
    pub owner: F,
}

impl<'a, F> OpportunitySetup<'a, F>
where
    F: Fn(UserId) -> Option<EmployeeId>,
{
    /// The setup of opportunity `id` in `pipeline`, expected to close on
    /// `expected_close`, owned by `owner(lead's owner)`.
    #[must_use]
    pub const fn new(
        id: OpportunityId,
        pipeline: &'a Pipeline,
        expected_close: NaiveDate,
        owner: F,
    ) -> Self {
        Self {
            id,
            pipeline,
            expected_close,
            currency: None,
            owner,
        }
    }

    /// Opportunities whose lead carried no amount open at zero in
    /// `currency`.
    #[must_use]
    pub fn with_currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }
}

/// The opportunity a converted lead opens: `event` is the lead's
/// [`LeadEvent::Converted`]. The opportunity is opened at the conversion's
/// instant, at the pipeline's first open stage, for the organization the
/// conversion creates (the contact when there is none), with the lead's
/// expected amount, its owner's employee, and as its source the lead's
/// campaign (its source when it came from no campaign), so that revenue
/// can be attributed to the campaign later.
///
/// Any other lead event, or a conversion already handed off (see
/// [`HandOffLog`]), gives `Ok(None)`.
///
/// # Errors
///
/// [`Error::Missing`] with [`MissingKey::Owner`] when the lead has no
/// owner or the owner is no employee, [`MissingKey::OpportunityCurrency`]
/// when the lead has no amount and the setup no currency;
/// [`Error::NotPostable`] when the pipeline has no open stage or the
/// campaign's name is no valid deal source.
///
/// The crate's integration tests (`tests/handoffs.rs`) convert a lead and
/// replay the conversion.
pub fn opportunity_from_lead<F>(
    log: &HandOffLog,
    event: &LeadEvent,
    setup: &OpportunitySetup<'_, F>,
) -> Result<Option<HandOff<OpportunityCommand>>>
where
    F: Fn(UserId) -> Option<EmployeeId>,
{
    let LeadEvent::Converted { at, conversion } = event else {
        return Ok(None);
    };
    log.once(SourceEvent::LeadConverted(conversion.lead), |source| {
        let missing = |key| Error::Missing {
            event: source.clone(),
            key,
        };
        let not_postable = |reason: String| Error::NotPostable {
            event: source.clone(),
            reason,
        };
        let owner = conversion
            .owner
            .and_then(|user| (setup.owner)(user))
            .ok_or_else(|| missing(MissingKey::Owner(conversion.owner)))?;
        let amount = match (conversion.opportunity.amount, setup.currency) {
            (Some(amount), _) => amount,
            (None, Some(currency)) => Money::zero(currency),
            (None, None) => return Err(missing(MissingKey::OpportunityCurrency)),
        };
        let stage = setup
            .pipeline
            .stages()
            .iter()
            .find(|stage| stage.outcome() == StageOutcome::Open)
            .ok_or_else(|| not_postable("the pipeline has no open stage".to_owned()))?;
        let data = &conversion.data;
        let origin = data
            .campaign
            .as_ref()
            .map_or(data.source.as_str(), |campaign| campaign.as_str());
        let source_of_deal = DealSource::new(origin)
            .map_err(|e| not_postable(format!("the lead's campaign is no deal source: {e}")))?;
        let party = conversion.organization.unwrap_or(conversion.contact);
        let opened = OpportunityData::new(
            setup.id,
            setup.pipeline.clone(),
            stage.name().clone(),
            amount,
            owner,
            party,
            setup.expected_close,
        )
        .with_source(source_of_deal);
        Ok(OpportunityCommand::new(
            *at,
            OpportunityChange::Open(Box::new(opened)),
        ))
    })
}
