//! Leads: people who showed interest, from capture to conversion or
//! disqualification.

use std::collections::BTreeMap;
use std::fmt;

use bureau_core::{Aggregate, DomainEvent, Id, Money, PartyId, UserId};
use chrono::{DateTime, Utc};

use crate::kind;
use crate::text::{FieldKey, Name, Source, Subject};
use crate::{
    ContactChange, ContactCommand, EmailAddress, Error, FieldValue, LifecycleStage,
    OrganizationChange, OrganizationCommand, PhoneNumber, ProfileChange, Result, StageCause,
    WebDomain,
};

/// The id of a [`Lead`].
pub type LeadId = Id<kind::Lead>;

/// Why a lead was disqualified.
///
/// ```
/// use bureau_crm::DisqualifyReason;
/// assert_eq!(DisqualifyReason::NoBudget.to_string(), "no budget");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DisqualifyReason {
    /// Cannot pay for it.
    NoBudget,
    /// Does not need it.
    NoNeed,
    /// Cannot decide to buy.
    NoAuthority,
    /// Not now.
    BadTiming,
    /// Chose a competitor.
    Competitor,
    /// Could not be reached.
    Unreachable,
    /// Not a real lead (spam, test, duplicate entry).
    Invalid,
    /// Anything else, in words.
    Other(Subject),
}

impl fmt::Display for DisqualifyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            DisqualifyReason::NoBudget => "no budget",
            DisqualifyReason::NoNeed => "no need",
            DisqualifyReason::NoAuthority => "no authority",
            DisqualifyReason::BadTiming => "bad timing",
            DisqualifyReason::Competitor => "competitor",
            DisqualifyReason::Unreachable => "unreachable",
            DisqualifyReason::Invalid => "invalid",
            DisqualifyReason::Other(text) => text.as_str(),
        })
    }
}

/// Where a lead stands.
///
/// The guarded transitions ([`LeadStatus::may_move_to`]): new to contacted;
/// new or contacted to qualified; qualified to converted; any open status
/// (new, contacted, qualified) to disqualified. Converted and disqualified
/// are final.
///
/// ```
/// use bureau_crm::{DisqualifyReason, LeadStatus};
///
/// assert!(LeadStatus::New.may_move_to(&LeadStatus::Qualified));
/// assert!(!LeadStatus::New.may_move_to(&LeadStatus::Converted));
/// assert!(LeadStatus::Contacted.may_move_to(&LeadStatus::Disqualified(DisqualifyReason::NoNeed)));
/// assert!(!LeadStatus::Converted.may_move_to(&LeadStatus::Disqualified(DisqualifyReason::NoNeed)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeadStatus {
    /// Captured, nobody has reached out.
    New,
    /// Someone reached out.
    Contacted,
    /// Worth selling to.
    Qualified,
    /// Became a contact (and an organization and an opportunity).
    Converted,
    /// Not worth selling to, and why.
    Disqualified(DisqualifyReason),
}

impl LeadStatus {
    /// Whether the status is final (converted or disqualified).
    pub fn is_closed(&self) -> bool {
        matches!(self, LeadStatus::Converted | LeadStatus::Disqualified(_))
    }

    /// Whether a lead in this status may move to `to` (see the type).
    pub fn may_move_to(&self, to: &LeadStatus) -> bool {
        use LeadStatus::{Contacted, Converted, Disqualified, New, Qualified};
        matches!(
            (self, to),
            (New, Contacted)
                | (New | Contacted, Qualified)
                | (Qualified, Converted)
                | (New | Contacted | Qualified, Disqualified(_))
        )
    }

    /// The status's name: `new`, `contacted`, `qualified`, `converted`,
    /// `disqualified`.
    pub fn name(&self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Contacted => "contacted",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Converted => "converted",
            LeadStatus::Disqualified(_) => "disqualified",
        }
    }
}

impl fmt::Display for LeadStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeadStatus::Disqualified(reason) => write!(f, "disqualified ({reason})"),
            other => f.pad(other.name()),
        }
    }
}

/// What is known of a lead when it is captured.
///
/// ```
/// use bureau_crm::{LeadData, Name, Source};
///
/// let data = LeadData::new(Name::new("Ada Lovelace")?, Source::new("webinar")?)
///     .with_email("ada@example.com".parse()?)
///     .with_company(Name::new("Analytical Engines Ltd")?);
/// assert_eq!(data.company.as_ref().map(|c| c.as_str()), Some("Analytical Engines Ltd"));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LeadData {
    /// The person's name.
    pub name: Name,
    /// Their email address.
    pub email: Option<EmailAddress>,
    /// Their phone number.
    pub phone: Option<PhoneNumber>,
    /// The company they are with.
    pub company: Option<Name>,
    /// The company's web domain.
    pub domain: Option<WebDomain>,
    /// Where the lead came from (a form, an event, a list).
    pub source: Source,
    /// The campaign that brought it, if any.
    pub campaign: Option<Name>,
}

impl LeadData {
    /// A lead's data with a name and a source and nothing else.
    pub fn new(name: Name, source: Source) -> Self {
        LeadData {
            name,
            email: None,
            phone: None,
            company: None,
            domain: None,
            source,
            campaign: None,
        }
    }

    /// With an email address.
    pub fn with_email(mut self, email: EmailAddress) -> Self {
        self.email = Some(email);
        self
    }

    /// With a phone number.
    pub fn with_phone(mut self, phone: PhoneNumber) -> Self {
        self.phone = Some(phone);
        self
    }

    /// With a company.
    pub fn with_company(mut self, company: Name) -> Self {
        self.company = Some(company);
        self
    }

    /// With the company's web domain.
    pub fn with_domain(mut self, domain: WebDomain) -> Self {
        self.domain = Some(domain);
        self
    }

    /// With a campaign.
    pub fn with_campaign(mut self, campaign: Name) -> Self {
        self.campaign = Some(campaign);
        self
    }
}

/// The ids a conversion creates, chosen by the caller (rules draw no ids),
/// and the opportunity to open.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Conversion {
    /// The id of the contact to create.
    pub contact: PartyId,
    /// The id of the organization to create from the lead's company; `None`
    /// when there is none to create (no company, or it exists already).
    pub organization: Option<PartyId>,
    /// The opportunity to open.
    pub opportunity: OpportunitySeed,
}

impl Conversion {
    /// A conversion into the contact `contact`, the organization
    /// `organization` (if one is to be created) and `opportunity`.
    pub fn new(
        contact: PartyId,
        organization: Option<PartyId>,
        opportunity: OpportunitySeed,
    ) -> Self {
        Conversion {
            contact,
            organization,
            opportunity,
        }
    }
}

/// What the sales side needs to open an opportunity from a converted lead.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OpportunitySeed {
    /// Its name.
    pub name: Name,
    /// The expected amount, if known.
    pub amount: Option<Money>,
}

impl OpportunitySeed {
    /// An opportunity named `name` with no amount yet.
    pub fn new(name: Name) -> Self {
        OpportunitySeed { name, amount: None }
    }

    /// With an expected amount.
    pub fn with_amount(mut self, amount: Money) -> Self {
        self.amount = Some(amount);
        self
    }
}

/// What a converted lead becomes: the data of a contact, of an organization
/// and of an opportunity, carried by [`LeadChange::Convert`]'s event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Converted {
    /// The lead.
    pub lead: LeadId,
    /// The contact to create.
    pub contact: PartyId,
    /// The organization to create, if any.
    pub organization: Option<PartyId>,
    /// The lead's data as it was when converted.
    pub data: LeadData,
    /// The lead's owner, who owns what is created.
    pub owner: Option<UserId>,
    /// The opportunity to open (for the contact, at the organization).
    pub opportunity: OpportunitySeed,
}

impl Converted {
    /// The commands that create the contact: creation, email, phone, owner,
    /// a role at the new organization, stage `opportunity` caused by
    /// [`StageCause::LeadConverted`].
    pub fn contact_commands(&self, at: DateTime<Utc>) -> Vec<ContactCommand> {
        let mut changes = vec![ContactChange::Create {
            id: self.contact,
            name: self.data.name.clone(),
        }];
        changes.extend(self.data.email.clone().map(ContactChange::AddEmail));
        changes.extend(
            self.data
                .phone
                .clone()
                .map(|p| ContactChange::Profile(ProfileChange::AddPhone(p))),
        );
        if self.owner.is_some() {
            changes.push(ContactChange::Profile(ProfileChange::AssignOwner(
                self.owner,
            )));
        }
        if let Some(organization) = self.organization {
            changes.push(ContactChange::AddRole {
                organization,
                title: None,
            });
        }
        changes.push(ContactChange::Profile(ProfileChange::ChangeStage {
            to: LifecycleStage::Opportunity,
            cause: StageCause::LeadConverted(self.lead),
        }));
        changes
            .into_iter()
            .map(|change| ContactCommand::new(at, change))
            .collect()
    }

    /// The commands that create the organization, when the conversion
    /// creates one: creation from the lead's company, its domain, owner.
    /// Empty when there is no organization to create or no company name.
    pub fn organization_commands(&self, at: DateTime<Utc>) -> Vec<OrganizationCommand> {
        let (Some(id), Some(name)) = (self.organization, self.data.company.clone()) else {
            return Vec::new();
        };
        let mut changes = vec![OrganizationChange::Create { id, name }];
        if self.data.domain.is_some() {
            changes.push(OrganizationChange::SetDomain(self.data.domain.clone()));
        }
        if self.owner.is_some() {
            changes.push(OrganizationChange::Profile(ProfileChange::AssignOwner(
                self.owner,
            )));
        }
        changes
            .into_iter()
            .map(|change| OrganizationCommand::new(at, change))
            .collect()
    }
}

/// What a lead command or event changes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeadChange {
    /// The lead is captured (first event of its stream), status new.
    Capture {
        /// Its id.
        id: LeadId,
        /// What is known.
        data: LeadData,
    },
    /// Sets an attribute that scoring rules read (industry, employees, ...).
    SetAttribute(FieldKey, FieldValue),
    /// Makes a user the owner, or none.
    AssignOwner(Option<UserId>),
    /// Someone reached out.
    MarkContacted,
    /// Worth selling to.
    Qualify,
    /// Not worth selling to.
    Disqualify(DisqualifyReason),
    /// Becomes a contact, maybe an organization, and an opportunity. The
    /// event is [`LeadEvent::Converted`], carrying the data.
    Convert(Conversion),
}

/// A command to a [`Lead`]: a change at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LeadCommand {
    /// When; never earlier than the lead's last event.
    pub at: DateTime<Utc>,
    /// What changes.
    pub change: LeadChange,
}

impl LeadCommand {
    /// A command.
    pub fn new(at: DateTime<Utc>, change: LeadChange) -> Self {
        LeadCommand { at, change }
    }
}

/// An event of a [`Lead`]'s stream.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeadEvent {
    /// A change other than a conversion, at an instant.
    Changed {
        /// When.
        at: DateTime<Utc>,
        /// What.
        change: LeadChange,
    },
    /// The lead was converted.
    Converted {
        /// When.
        at: DateTime<Utc>,
        /// Into what.
        conversion: Box<Converted>,
    },
}

impl LeadEvent {
    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            LeadEvent::Changed { at, .. } | LeadEvent::Converted { at, .. } => *at,
        }
    }
}

impl DomainEvent for LeadEvent {
    fn event_type(&self) -> &'static str {
        match self {
            LeadEvent::Changed { change, .. } => match change {
                LeadChange::Capture { .. } => "lead_captured",
                LeadChange::SetAttribute(..) => "attribute_set",
                LeadChange::AssignOwner(_) => "owner_assigned",
                LeadChange::MarkContacted => "contacted",
                LeadChange::Qualify => "qualified",
                LeadChange::Disqualify(_) => "disqualified",
                LeadChange::Convert(_) => "converted",
            },
            LeadEvent::Converted { .. } => "converted",
        }
    }
}

/// One status change of a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusChange {
    /// The status before.
    pub from: LeadStatus,
    /// The status after.
    pub to: LeadStatus,
    /// When.
    pub at: DateTime<Utc>,
}

/// A lead, as a [`bureau_core::Aggregate`].
///
/// ```
/// use bureau_core::{Aggregate, PartyId};
/// use bureau_crm::{
///     Conversion, Lead, LeadChange, LeadCommand, LeadData, LeadEvent, LeadId, LeadStatus, Name,
///     OpportunitySeed, Source,
/// };
/// use chrono::{DateTime, TimeDelta};
///
/// let t0 = DateTime::UNIX_EPOCH;
/// let data = LeadData::new(Name::new("Ada Lovelace")?, Source::new("webinar")?)
///     .with_email("ada@example.com".parse()?)
///     .with_company(Name::new("Analytical Engines")?);
/// let mut lead = Lead::default();
/// lead.handle(&LeadCommand::new(t0, LeadChange::Capture { id: LeadId::from_u128(1), data }))?;
/// // Guarded: a new lead is not converted before it is qualified.
/// let convert = LeadChange::Convert(Conversion::new(
///     PartyId::from_u128(10),
///     Some(PartyId::from_u128(20)),
///     OpportunitySeed::new(Name::new("40 seats")?),
/// ));
/// assert!(lead.decide(&LeadCommand::new(t0, convert.clone())).is_err());
///
/// lead.handle(&LeadCommand::new(t0 + TimeDelta::days(1), LeadChange::Qualify))?;
/// let events = lead.handle(&LeadCommand::new(t0 + TimeDelta::days(2), convert))?;
/// assert_eq!(lead.status(), &LeadStatus::Converted);
/// let LeadEvent::Converted { conversion, at } = &events[0] else { return Err("no conversion".into()) };
/// let contact_commands = conversion.contact_commands(*at);
/// let organization_commands = conversion.organization_commands(*at);
/// assert_eq!(organization_commands.len(), 1);
/// assert!(contact_commands.len() >= 3); // created, email, role, stage
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lead {
    id: Option<LeadId>,
    last_at: Option<DateTime<Utc>>,
    data: Option<LeadData>,
    attributes: BTreeMap<FieldKey, FieldValue>,
    owner: Option<UserId>,
    status: LeadStatus,
    history: Vec<StatusChange>,
}

impl Default for Lead {
    fn default() -> Self {
        Lead {
            id: None,
            last_at: None,
            data: None,
            attributes: BTreeMap::new(),
            owner: None,
            status: LeadStatus::New,
            history: Vec::new(),
        }
    }
}

impl Lead {
    /// A lead rebuilt from its stored events.
    ///
    /// # Errors
    ///
    /// The first event [`Aggregate::replay`] refuses.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a LeadEvent>) -> Result<Self> {
        let mut lead = Lead::default();
        for event in events {
            lead.replay(event)?;
        }
        Ok(lead)
    }

    /// The id, once captured.
    pub fn id(&self) -> Option<LeadId> {
        self.id
    }

    /// What is known, once captured.
    pub fn data(&self) -> Option<&LeadData> {
        self.data.as_ref()
    }

    /// The attribute values scoring reads.
    pub fn attributes(&self) -> &BTreeMap<FieldKey, FieldValue> {
        &self.attributes
    }

    /// The owner.
    pub fn owner(&self) -> Option<UserId> {
        self.owner
    }

    /// The current status.
    pub fn status(&self) -> &LeadStatus {
        &self.status
    }

    /// Every status change, in order.
    pub fn status_history(&self) -> &[StatusChange] {
        &self.history
    }

    fn target(change: &LeadChange) -> Option<LeadStatus> {
        match change {
            LeadChange::MarkContacted => Some(LeadStatus::Contacted),
            LeadChange::Qualify => Some(LeadStatus::Qualified),
            LeadChange::Disqualify(reason) => Some(LeadStatus::Disqualified(reason.clone())),
            LeadChange::Convert(_) => Some(LeadStatus::Converted),
            _ => None,
        }
    }

    fn check(&self, at: DateTime<Utc>, change: &LeadChange) -> Result<LeadId> {
        let Some(lead) = self.id else {
            return match change {
                LeadChange::Capture { id, .. } => Ok(*id),
                _ => Err(Error::NotCreated),
            };
        };
        if let LeadChange::Capture { .. } = change {
            return Err(Error::LeadExists { lead });
        }
        if let Some(previous) = self.last_at
            && at < previous
        {
            return Err(Error::LeadOutOfOrder { lead, at, previous });
        }
        if self.status.is_closed() {
            return Err(Error::LeadClosed {
                lead,
                status: self.status.name(),
            });
        }
        if let Some(to) = Lead::target(change)
            && !self.status.may_move_to(&to)
        {
            return Err(Error::LeadTransition {
                lead,
                from: self.status.name(),
                to: to.name(),
            });
        }
        Ok(lead)
    }

    fn apply_change(&mut self, at: DateTime<Utc>, change: &LeadChange) {
        self.last_at = Some(at);
        match change {
            LeadChange::Capture { id, data } => {
                self.id = Some(*id);
                self.data = Some(data.clone());
            }
            LeadChange::SetAttribute(key, value) => {
                self.attributes.insert(key.clone(), value.clone());
            }
            LeadChange::AssignOwner(owner) => self.owner = *owner,
            other => {
                if let Some(to) = Lead::target(other) {
                    let from = std::mem::replace(&mut self.status, to.clone());
                    self.history.push(StatusChange { from, to, at });
                }
            }
        }
    }
}

impl Aggregate for Lead {
    type Command = LeadCommand;
    type Event = LeadEvent;
    type Error = Error;

    fn decide(&self, command: &LeadCommand) -> Result<Vec<LeadEvent>> {
        let lead = self.check(command.at, &command.change)?;
        let event = match &command.change {
            LeadChange::Convert(conversion) => {
                let data = self.data.clone().ok_or(Error::NotCreated)?;
                if conversion.organization.is_some() && data.company.is_none() {
                    return Err(Error::NoCompany { lead });
                }
                LeadEvent::Converted {
                    at: command.at,
                    conversion: Box::new(Converted {
                        lead,
                        contact: conversion.contact,
                        organization: conversion.organization,
                        data,
                        owner: self.owner,
                        opportunity: conversion.opportunity.clone(),
                    }),
                }
            }
            change => LeadEvent::Changed {
                at: command.at,
                change: change.clone(),
            },
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &LeadEvent) {
        match event {
            LeadEvent::Changed { at, change } => self.apply_change(*at, change),
            LeadEvent::Converted { at, conversion } => {
                let conversion = Conversion {
                    contact: conversion.contact,
                    organization: conversion.organization,
                    opportunity: conversion.opportunity.clone(),
                };
                self.apply_change(*at, &LeadChange::Convert(conversion));
            }
        }
    }

    /// Checks a stored event as [`decide`](Aggregate::decide) would have
    /// (a stored conversion must also carry this lead's id and data), then
    /// folds it; a refused event changes nothing.
    fn replay(&mut self, event: &LeadEvent) -> Result<()> {
        let expected = match event {
            LeadEvent::Changed { at, change } => {
                if let LeadChange::Convert(_) = change {
                    // Conversions are stored as `Converted`, with their data.
                    return Err(Error::LeadTransition {
                        lead: self.id.ok_or(Error::NotCreated)?,
                        from: self.status.name(),
                        to: "converted without its data",
                    });
                }
                LeadCommand::new(*at, change.clone())
            }
            LeadEvent::Converted { at, conversion } => LeadCommand::new(
                *at,
                LeadChange::Convert(Conversion {
                    contact: conversion.contact,
                    organization: conversion.organization,
                    opportunity: conversion.opportunity.clone(),
                }),
            ),
        };
        let decided = self.decide(&expected)?;
        if decided.first() != Some(event) {
            return Err(Error::LeadTransition {
                lead: self.id.ok_or(Error::NotCreated)?,
                from: self.status.name(),
                to: "converted with other data than the lead's",
            });
        }
        self.apply(event);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use bureau_core::Aggregate;
    use chrono::TimeDelta;

    use super::*;

    fn captured() -> Result<Lead> {
        let mut lead = Lead::default();
        let data = LeadData::new(Name::new("Ada")?, Source::new("webinar")?);
        lead.handle(&LeadCommand::new(
            DateTime::UNIX_EPOCH,
            LeadChange::Capture {
                id: LeadId::from_u128(1),
                data,
            },
        ))?;
        Ok(lead)
    }

    fn conversion(organization: Option<PartyId>) -> Result<LeadChange> {
        Ok(LeadChange::Convert(Conversion {
            contact: PartyId::from_u128(2),
            organization,
            opportunity: OpportunitySeed::new(Name::new("deal")?),
        }))
    }

    #[test]
    fn transitions_and_their_errors() -> Result<()> {
        let at = DateTime::UNIX_EPOCH + TimeDelta::hours(1);
        let mut lead = captured()?;
        let err = lead.decide(&LeadCommand::new(at, conversion(None)?));
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err(format!(
                "lead {} may not move from new to converted",
                LeadId::from_u128(1)
            ))
        );
        lead.handle(&LeadCommand::new(at, LeadChange::MarkContacted))?;
        assert!(
            lead.decide(&LeadCommand::new(at, LeadChange::MarkContacted))
                .is_err()
        );
        let early = lead.decide(&LeadCommand::new(DateTime::UNIX_EPOCH, LeadChange::Qualify));
        assert!(matches!(early, Err(Error::LeadOutOfOrder { .. })));
        lead.handle(&LeadCommand::new(at, LeadChange::Qualify))?;
        let no_company = lead.decide(&LeadCommand::new(
            at,
            conversion(Some(PartyId::from_u128(3)))?,
        ));
        assert!(matches!(no_company, Err(Error::NoCompany { .. })));
        lead.handle(&LeadCommand::new(
            at,
            LeadChange::Disqualify(DisqualifyReason::NoBudget),
        ))?;
        assert_eq!(
            lead.status(),
            &LeadStatus::Disqualified(DisqualifyReason::NoBudget)
        );
        let closed = lead.decide(&LeadCommand::new(at, LeadChange::AssignOwner(None)));
        assert!(matches!(
            closed,
            Err(Error::LeadClosed {
                status: "disqualified",
                ..
            })
        ));
        assert_eq!(lead.status_history().len(), 3);
        Ok(())
    }

    #[test]
    fn a_stored_conversion_must_carry_the_leads_data() -> Result<()> {
        let at = DateTime::UNIX_EPOCH;
        let mut lead = captured()?;
        lead.handle(&LeadCommand::new(at, LeadChange::Qualify))?;
        let events = lead.decide(&LeadCommand::new(at, conversion(None)?))?;
        let mut tampered = events.clone();
        if let Some(LeadEvent::Converted { conversion, .. }) = tampered.first_mut() {
            conversion.data.name = Name::new("Someone Else")?;
        }
        let before = lead.clone();
        assert!(matches!(
            tampered.first().map(|e| lead.replay(e)),
            Some(Err(Error::LeadTransition { .. }))
        ));
        assert_eq!(lead, before);
        let bare = LeadEvent::Changed {
            at,
            change: conversion(None)?,
        };
        assert!(lead.replay(&bare).is_err());
        for event in &events {
            lead.replay(event)?;
        }
        assert_eq!(lead.status(), &LeadStatus::Converted);
        Ok(())
    }
}
