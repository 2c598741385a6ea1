//! An organization: a company or account the company deals with, as an
//! aggregate.

use bureau_core::{Aggregate, DomainEvent, PartyId};
use chrono::{DateTime, Utc};

use crate::profile::{Profile, ProfileChange, Stream};
use crate::text::Name;
use crate::{Error, Result, WebDomain};

/// What an organization command or event changes.
///
/// ```
/// use bureau_crm::OrganizationChange;
/// assert_eq!(OrganizationChange::SetDomain(None).name(), "domain_set");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OrganizationChange {
    /// The organization comes into being (first event of its stream).
    Create {
        /// Its id.
        id: PartyId,
        /// Its name.
        name: Name,
    },
    /// A new name.
    Rename(Name),
    /// Its web domain, or none.
    SetDomain(Option<WebDomain>),
    /// A change shared with contacts.
    Profile(ProfileChange),
}

impl OrganizationChange {
    /// The change's name, as an event type.
    pub fn name(&self) -> &'static str {
        match self {
            OrganizationChange::Create { .. } => "organization_created",
            OrganizationChange::Rename(_) => "renamed",
            OrganizationChange::SetDomain(_) => "domain_set",
            OrganizationChange::Profile(change) => change.name(),
        }
    }
}

/// A command to an [`Organization`]: a change at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OrganizationCommand {
    /// When; never earlier than the organization's last event.
    pub at: DateTime<Utc>,
    /// What changes.
    pub change: OrganizationChange,
}

impl OrganizationCommand {
    /// A command.
    pub fn new(at: DateTime<Utc>, change: OrganizationChange) -> Self {
        OrganizationCommand { at, change }
    }
}

/// An event of an [`Organization`]'s stream.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OrganizationEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What changed.
    pub change: OrganizationChange,
}

impl DomainEvent for OrganizationEvent {
    fn event_type(&self) -> &'static str {
        self.change.name()
    }
}

/// An organization (an account), as a [`bureau_core::Aggregate`]. Its
/// people are [`Contact`](crate::Contact)s with a [`Role`](crate::Role) at
/// it.
///
/// ```
/// use bureau_core::{Aggregate, PartyId, UserId};
/// use bureau_crm::{
///     LifecycleStage, Name, Organization, OrganizationChange, OrganizationCommand, ProfileChange,
///     StageCause, WebDomain,
/// };
/// use chrono::DateTime;
///
/// let t0 = DateTime::UNIX_EPOCH;
/// let mut acme = Organization::default();
/// for change in [
///     OrganizationChange::Create { id: PartyId::from_u128(9), name: Name::new("Acme")? },
///     OrganizationChange::SetDomain(Some(WebDomain::parse("ACME.example")?)),
///     OrganizationChange::Profile(ProfileChange::ChangeStage {
///         to: LifecycleStage::Customer,
///         cause: StageCause::User(UserId::from_u128(1)),
///     }),
/// ] {
///     acme.handle(&OrganizationCommand::new(t0, change))?;
/// }
/// assert_eq!(acme.domain().map(|d| d.as_str()), Some("acme.example"));
/// let back = OrganizationCommand::new(t0, OrganizationChange::Profile(ProfileChange::ChangeStage {
///     to: LifecycleStage::Lead,
///     cause: StageCause::User(UserId::from_u128(1)),
/// }));
/// assert!(acme.decide(&back).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Organization {
    stream: Stream,
    name: Option<Name>,
    domain: Option<WebDomain>,
    profile: Profile,
}

impl Organization {
    /// An organization rebuilt from its stored events.
    ///
    /// # Errors
    ///
    /// The first event [`Aggregate::replay`] refuses.
    pub fn from_events<'a>(
        events: impl IntoIterator<Item = &'a OrganizationEvent>,
    ) -> Result<Self> {
        let mut organization = Organization::default();
        for event in events {
            organization.replay(event)?;
        }
        Ok(organization)
    }

    /// The id, once created.
    pub fn id(&self) -> Option<PartyId> {
        self.stream.id
    }

    /// The name, once created.
    pub fn name(&self) -> Option<&Name> {
        self.name.as_ref()
    }

    /// The web domain.
    pub fn domain(&self) -> Option<&WebDomain> {
        self.domain.as_ref()
    }

    /// Owner, tags, custom fields, phones, addresses and stage.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }
}

impl Aggregate for Organization {
    type Command = OrganizationCommand;
    type Event = OrganizationEvent;
    type Error = Error;

    fn decide(&self, command: &OrganizationCommand) -> Result<Vec<OrganizationEvent>> {
        match &command.change {
            OrganizationChange::Create { .. } => self.stream.check_create()?,
            OrganizationChange::Profile(change) => {
                let party = self.stream.check(command.at)?;
                self.profile.check(party, change)?;
            }
            OrganizationChange::Rename(_) | OrganizationChange::SetDomain(_) => {
                self.stream.check(command.at)?;
            }
        }
        Ok(vec![OrganizationEvent {
            at: command.at,
            change: command.change.clone(),
        }])
    }

    fn apply(&mut self, event: &OrganizationEvent) {
        self.stream.last_at = Some(event.at);
        match &event.change {
            OrganizationChange::Create { id, name } => {
                self.stream.id = Some(*id);
                self.name = Some(name.clone());
            }
            OrganizationChange::Rename(name) => self.name = Some(name.clone()),
            OrganizationChange::SetDomain(domain) => self.domain = domain.clone(),
            OrganizationChange::Profile(change) => self.profile.apply(change, event.at),
        }
    }

    /// Checks a stored event as [`decide`](Aggregate::decide) would have,
    /// then folds it; a refused event changes nothing.
    fn replay(&mut self, event: &OrganizationEvent) -> Result<()> {
        self.decide(&OrganizationCommand::new(event.at, event.change.clone()))?;
        self.apply(event);
        Ok(())
    }
}
