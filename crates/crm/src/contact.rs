//! A contact: a person the company deals with, as an aggregate.

use std::collections::BTreeMap;

use bureau_core::{Aggregate, DomainEvent, PartyId};
use chrono::{DateTime, Utc};

use crate::consent::{Channel, ConsentRecord, Consents};
use crate::custom_field::{FieldDefinition, FieldValue};
use crate::profile::{Profile, ProfileChange, Stream};
use crate::text::{JobTitle, Name, Purpose, Source};
use crate::{EmailAddress, Error, PhoneNumber, PostalAddress, Result};

/// A person's role at an organization.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Role {
    /// The organization.
    pub organization: PartyId,
    /// The title held there; blanked when the person is erased.
    pub title: Option<JobTitle>,
    /// Since when.
    pub since: DateTime<Utc>,
    /// Until when, once ended.
    pub until: Option<DateTime<Utc>>,
}

/// What a contact command or event changes.
///
/// ```
/// use bureau_crm::ContactChange;
/// assert_eq!(ContactChange::Erase.name(), "erased");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ContactChange {
    /// The contact comes into being (first event of its stream).
    Create {
        /// Its id.
        id: PartyId,
        /// Its name.
        name: Name,
    },
    /// A new name.
    Rename(Name),
    /// Adds an email address (refused if present).
    AddEmail(EmailAddress),
    /// Removes an email address (refused if absent).
    RemoveEmail(EmailAddress),
    /// A change shared with organizations.
    Profile(ProfileChange),
    /// Starts a role at an organization (refused while a role there is open).
    AddRole {
        /// The organization.
        organization: PartyId,
        /// The title, if known.
        title: Option<JobTitle>,
    },
    /// Ends the open role at an organization.
    EndRole {
        /// The organization.
        organization: PartyId,
    },
    /// States consent, granted or withdrawn. Its instant is the command's.
    Consent {
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
        /// Granted or withdrawn.
        state: crate::ConsentState,
        /// Where it was stated.
        source: Source,
    },
    /// Records a marketing message as sendable: refused unless consent for
    /// the channel and purpose is granted and the contact has a contact
    /// point for the channel.
    MarketingTouch {
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
    },
    /// Takes in the roles and consent statements of a duplicate merged into
    /// this contact, each with its own instants (see
    /// [`MergeRecord::contact_change`](crate::merge::MergeRecord::contact_change)).
    /// A role equal to one here is kept once, and an open role at an
    /// organization where this contact has an open role already is left
    /// out (this contact's stands); a statement equal to one here is kept
    /// once, the others take their place in time, so the statement in
    /// force per channel and purpose is the latest of either. Refused for
    /// the contact's own id, for a duplicate absorbed already and not
    /// released, and for a role or statement dated after the command.
    Absorb {
        /// The duplicate.
        from: PartyId,
        /// Its roles.
        roles: Vec<Role>,
        /// Its consent statements.
        consents: Vec<ConsentRecord>,
    },
    /// Gives back what [`ContactChange::Absorb`] from `from` took in: the
    /// roles it added (as they are now) and the statements it added leave
    /// the contact. Refused unless `from` is absorbed, and when a marketing touch was sent
    /// under a consent statement it brought ([`Error::ReleaseOrphansTouch`]).
    Release {
        /// The duplicate.
        from: PartyId,
    },
    /// Moves the contact's roles at organization `from` to organization
    /// `to`, when the two organizations merge (see
    /// [`MergeRecord::organization_change`](crate::merge::MergeRecord::organization_change)).
    /// An open role at `from` stays where it is when the contact has an
    /// open role at `to` already (that one stands). Refused when `from` is
    /// `to`, when the contact has no role at `from`, and when this move
    /// stands already.
    MoveRoles {
        /// The organization absorbed.
        from: PartyId,
        /// The organization it was merged into.
        to: PartyId,
    },
    /// Moves back to `from` the roles [`ContactChange::MoveRoles`] moved
    /// from `from` to `to`, wherever a later move took them since (as they
    /// are now otherwise). Refused unless that move stands.
    RestoreRoles {
        /// The organization absorbed.
        from: PartyId,
        /// The organization it was merged into.
        to: PartyId,
    },
    /// Blanks the person's personal data: name, email addresses, phone
    /// numbers, postal addresses, personal custom fields, role titles. The
    /// id, roles' organizations and instants, owner, tags, business fields,
    /// stages, consent statements and touches remain. The contact takes no
    /// command after it.
    Erase,
}

impl ContactChange {
    /// The change's name, as an event type.
    pub fn name(&self) -> &'static str {
        match self {
            ContactChange::Create { .. } => "contact_created",
            ContactChange::Rename(_) => "renamed",
            ContactChange::AddEmail(_) => "email_added",
            ContactChange::RemoveEmail(_) => "email_removed",
            ContactChange::Profile(change) => change.name(),
            ContactChange::AddRole { .. } => "role_added",
            ContactChange::EndRole { .. } => "role_ended",
            ContactChange::Consent { .. } => "consent_stated",
            ContactChange::MarketingTouch { .. } => "marketing_touch_recorded",
            ContactChange::Absorb { .. } => "duplicate_absorbed",
            ContactChange::Release { .. } => "duplicate_released",
            ContactChange::MoveRoles { .. } => "roles_moved",
            ContactChange::RestoreRoles { .. } => "roles_restored",
            ContactChange::Erase => "erased",
        }
    }
}

/// A command to a [`Contact`]: a change at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ContactCommand {
    /// When the change happens; never earlier than the contact's last event.
    pub at: DateTime<Utc>,
    /// What changes.
    pub change: ContactChange,
}

impl ContactCommand {
    /// A command.
    pub fn new(at: DateTime<Utc>, change: ContactChange) -> Self {
        ContactCommand { at, change }
    }
}

/// An event of a [`Contact`]'s stream: a change that was accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ContactEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What changed.
    pub change: ContactChange,
}

impl DomainEvent for ContactEvent {
    fn event_type(&self) -> &'static str {
        self.change.name()
    }
}

/// A marketing message that consent allowed, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MarketingTouch {
    /// When.
    pub at: DateTime<Utc>,
    /// Through which channel.
    pub channel: Channel,
    /// For which purpose.
    pub purpose: Purpose,
}

/// A person's personal data, for an export (a data subject access request).
/// The activities linked to the person live in an
/// [`ActivityLog`](crate::ActivityLog): export them with
/// [`ActivityLog::timeline`](crate::ActivityLog::timeline).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PersonalData<'a> {
    /// The contact.
    pub id: PartyId,
    /// The name, unless erased.
    pub name: Option<&'a Name>,
    /// The email addresses.
    pub emails: &'a [EmailAddress],
    /// The phone numbers.
    pub phones: &'a [PhoneNumber],
    /// The postal addresses.
    pub addresses: &'a [PostalAddress],
    /// The custom fields marked personal.
    pub fields: Vec<(&'a FieldDefinition, &'a FieldValue)>,
    /// The roles at organizations.
    pub roles: &'a [Role],
    /// Every consent statement.
    pub consents: &'a [ConsentRecord],
    /// Every marketing touch recorded.
    pub touches: &'a [MarketingTouch],
}

/// A person the company deals with, as a [`bureau_core::Aggregate`]: every
/// change is a [`ContactCommand`] decided into [`ContactEvent`]s.
///
/// Commands come in the order of their instants (an earlier one is
/// [`Error::OutOfOrder`]); the first creates the contact; after
/// [`ContactChange::Erase`] none is accepted.
///
/// ```
/// use bureau_core::{Aggregate, PartyId};
/// use bureau_crm::{Channel, ConsentState, Contact, ContactChange, ContactCommand, EmailAddress, Name, Purpose, Source};
/// use chrono::{DateTime, TimeDelta};
///
/// let t0 = DateTime::UNIX_EPOCH;
/// let news = Purpose::new("newsletter")?;
/// let mut ada = Contact::default();
/// for change in [
///     ContactChange::Create { id: PartyId::from_u128(1), name: Name::new("Ada Lovelace")? },
///     ContactChange::AddEmail(EmailAddress::parse("ada@example.com")?),
/// ] {
///     ada.handle(&ContactCommand::new(t0, change))?;
/// }
/// let touch = ContactCommand::new(t0, ContactChange::MarketingTouch { channel: Channel::Email, purpose: news.clone() });
/// assert!(ada.decide(&touch).is_err()); // no consent yet
///
/// ada.handle(&ContactCommand::new(t0, ContactChange::Consent {
///     channel: Channel::Email,
///     purpose: news.clone(),
///     state: ConsentState::Granted,
///     source: Source::new("signup form")?,
/// }))?;
/// ada.handle(&touch)?;
/// assert_eq!(ada.touches().len(), 1);
///
/// ada.handle(&ContactCommand::new(t0 + TimeDelta::days(30), ContactChange::Erase))?;
/// assert_eq!(ada.name(), None);
/// assert!(ada.emails().is_empty());
/// assert_eq!(ada.id(), Some(PartyId::from_u128(1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    stream: Stream,
    name: Option<Name>,
    emails: Vec<EmailAddress>,
    profile: Profile,
    roles: Vec<Role>,
    consents: Consents,
    touches: Vec<MarketingTouch>,
    erased_at: Option<DateTime<Utc>>,
    /// What each absorbed duplicate added: positions in `roles` and the
    /// consent statements.
    absorbed: BTreeMap<PartyId, Absorption>,
    /// The positions in `roles` moved per standing move (from, to).
    moved: BTreeMap<(PartyId, PartyId), Vec<usize>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Absorption {
    roles: Vec<usize>,
    consents: Vec<ConsentRecord>,
}

impl Contact {
    /// A contact rebuilt from its stored events.
    ///
    /// # Errors
    ///
    /// The first event [`Aggregate::replay`] refuses.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a ContactEvent>) -> Result<Self> {
        let mut contact = Contact::default();
        for event in events {
            contact.replay(event)?;
        }
        Ok(contact)
    }

    /// The id, once created.
    pub fn id(&self) -> Option<PartyId> {
        self.stream.id
    }

    /// The name; `None` before creation and after erasure.
    pub fn name(&self) -> Option<&Name> {
        self.name.as_ref()
    }

    /// The email addresses, in the order added.
    pub fn emails(&self) -> &[EmailAddress] {
        &self.emails
    }

    /// Owner, tags, custom fields, phones, addresses and stage.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Every role, open and ended, in the order started.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The consent statements.
    pub fn consents(&self) -> &Consents {
        &self.consents
    }

    /// The marketing touches recorded, in order.
    pub fn touches(&self) -> &[MarketingTouch] {
        &self.touches
    }

    /// When the contact was erased.
    pub fn erased_at(&self) -> Option<DateTime<Utc>> {
        self.erased_at
    }

    /// Whether a marketing message through `channel` for `purpose` may be
    /// sent at `at`: consent in force then, and a contact point for the
    /// channel now.
    ///
    /// # Errors
    ///
    /// [`Error::NotCreated`], [`Error::Erased`], [`Error::NoConsent`] or
    /// [`Error::NoContactPoint`].
    ///
    /// ```
    /// use bureau_core::{Aggregate, PartyId};
    /// use bureau_crm::{Channel, Contact, ContactChange, ContactCommand, Error, Name, Purpose};
    /// use chrono::DateTime;
    ///
    /// let mut contact = Contact::default();
    /// contact.handle(&ContactCommand::new(DateTime::UNIX_EPOCH, ContactChange::Create {
    ///     id: PartyId::from_u128(1),
    ///     name: Name::new("Grace Hopper")?,
    /// }))?;
    /// let err = contact.may_contact(Channel::Sms, &Purpose::new("offers")?, DateTime::UNIX_EPOCH).unwrap_err();
    /// assert!(matches!(err, Error::NoConsent { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn may_contact(
        &self,
        channel: Channel,
        purpose: &Purpose,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let party = self.stream.id.ok_or(Error::NotCreated)?;
        if self.erased_at.is_some() {
            return Err(Error::Erased { party });
        }
        if !self.consents.state_at(channel, purpose, at).is_granted() {
            return Err(Error::NoConsent {
                party,
                channel,
                purpose: purpose.clone(),
            });
        }
        let reachable = match channel {
            Channel::Email => !self.emails.is_empty(),
            Channel::Phone | Channel::Sms => !self.profile.phones().is_empty(),
            Channel::Post => !self.profile.addresses().is_empty(),
        };
        if !reachable {
            return Err(Error::NoContactPoint { party, channel });
        }
        Ok(())
    }

    /// The person's personal data, for an export.
    ///
    /// # Errors
    ///
    /// [`Error::NotCreated`] before creation.
    ///
    /// ```
    /// use bureau_core::{Aggregate, PartyId};
    /// use bureau_crm::{Contact, ContactChange, ContactCommand, Name};
    /// use chrono::DateTime;
    ///
    /// let mut contact = Contact::default();
    /// contact.handle(&ContactCommand::new(DateTime::UNIX_EPOCH, ContactChange::Create {
    ///     id: PartyId::from_u128(1),
    ///     name: Name::new("Grace Hopper")?,
    /// }))?;
    /// assert_eq!(contact.personal_data()?.name.map(|n| n.as_str()), Some("Grace Hopper"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn personal_data(&self) -> Result<PersonalData<'_>> {
        Ok(PersonalData {
            id: self.stream.id.ok_or(Error::NotCreated)?,
            name: self.name.as_ref(),
            emails: &self.emails,
            phones: self.profile.phones(),
            addresses: self.profile.addresses(),
            fields: self.profile.personal_fields(),
            roles: &self.roles,
            consents: self.consents.history(),
            touches: &self.touches,
        })
    }

    /// Removes the role at `position`, keeping the positions recorded for
    /// absorptions and moves pointing at the same roles.
    fn forget_role(&mut self, position: usize) {
        if position >= self.roles.len() {
            return;
        }
        self.roles.remove(position);
        let shift = |positions: &mut Vec<usize>| {
            positions.retain(|p| *p != position);
            for p in positions.iter_mut() {
                if *p > position {
                    *p -= 1;
                }
            }
        };
        for absorption in self.absorbed.values_mut() {
            shift(&mut absorption.roles);
        }
        for positions in self.moved.values_mut() {
            shift(positions);
        }
    }

    fn open_role(&self, organization: PartyId) -> Option<&Role> {
        self.roles
            .iter()
            .find(|r| r.organization == organization && r.until.is_none())
    }
}

impl Aggregate for Contact {
    type Command = ContactCommand;
    type Event = ContactEvent;
    type Error = Error;

    fn decide(&self, command: &ContactCommand) -> Result<Vec<ContactEvent>> {
        let at = command.at;
        if let ContactChange::Create { .. } = command.change {
            self.stream.check_create()?;
        } else {
            let party = self.stream.check(at)?;
            let present = |what: String| Error::AlreadyPresent { party, what };
            let absent = |what: String| Error::NotPresent { party, what };
            match &command.change {
                ContactChange::AddEmail(email) if self.emails.contains(email) => {
                    return Err(present(format!("email {email}")));
                }
                ContactChange::RemoveEmail(email) if !self.emails.contains(email) => {
                    return Err(absent(format!("email {email}")));
                }
                ContactChange::Profile(change) => self.profile.check(party, change)?,
                ContactChange::AddRole { organization, .. }
                    if self.open_role(*organization).is_some() =>
                {
                    return Err(present(format!("role at {organization}")));
                }
                ContactChange::EndRole { organization }
                    if self.open_role(*organization).is_none() =>
                {
                    return Err(absent(format!("role at {organization}")));
                }
                ContactChange::MarketingTouch { channel, purpose } => {
                    self.may_contact(*channel, purpose, at)?;
                }
                ContactChange::Absorb {
                    from,
                    roles,
                    consents,
                } => {
                    if *from == party {
                        return Err(Error::MergeWithItself { party });
                    }
                    if self.absorbed.contains_key(from) {
                        return Err(Error::AlreadyMerged {
                            survivor: party,
                            absorbed: *from,
                        });
                    }
                    let instants = roles
                        .iter()
                        .flat_map(|r| [Some(r.since), r.until])
                        .flatten()
                        .chain(consents.iter().map(ConsentRecord::at));
                    if let Some(later) = instants.filter(|t| *t > at).min() {
                        return Err(Error::AbsorbedAfterMerge {
                            absorbed: *from,
                            at: later,
                            merge: at,
                        });
                    }
                }
                ContactChange::MoveRoles { from, to } => {
                    if from == to {
                        return Err(Error::MergeWithItself { party: *from });
                    }
                    if self.moved.contains_key(&(*from, *to)) {
                        return Err(Error::AlreadyMerged {
                            survivor: *to,
                            absorbed: *from,
                        });
                    }
                    if !self.roles.iter().any(|r| r.organization == *from) {
                        return Err(absent(format!("role at {from}")));
                    }
                }
                ContactChange::RestoreRoles { from, to }
                    if !self.moved.contains_key(&(*from, *to)) =>
                {
                    return Err(Error::NotMerged {
                        survivor: *to,
                        absorbed: *from,
                    });
                }
                ContactChange::Release { from } if !self.absorbed.contains_key(from) => {
                    return Err(Error::NotMerged {
                        survivor: party,
                        absorbed: *from,
                    });
                }
                ContactChange::Release { from } => {
                    // Every touch must keep the consent it was sent under.
                    if let Some(absorption) = self.absorbed.get(from) {
                        let mut kept = self.consents.clone();
                        kept.release(&absorption.consents);
                        if let Some(touch) = self
                            .touches
                            .iter()
                            .find(|t| !kept.state_at(t.channel, &t.purpose, t.at).is_granted())
                        {
                            return Err(Error::ReleaseOrphansTouch {
                                absorbed: *from,
                                at: touch.at,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(vec![ContactEvent {
            at,
            change: command.change.clone(),
        }])
    }

    fn apply(&mut self, event: &ContactEvent) {
        let at = event.at;
        self.stream.last_at = Some(at);
        match &event.change {
            ContactChange::Create { id, name } => {
                self.stream.id = Some(*id);
                self.name = Some(name.clone());
            }
            ContactChange::Rename(name) => self.name = Some(name.clone()),
            ContactChange::AddEmail(email) => self.emails.push(email.clone()),
            ContactChange::RemoveEmail(email) => self.emails.retain(|e| e != email),
            ContactChange::Profile(change) => self.profile.apply(change, at),
            ContactChange::AddRole {
                organization,
                title,
            } => self.roles.push(Role {
                organization: *organization,
                title: title.clone(),
                since: at,
                until: None,
            }),
            ContactChange::EndRole { organization } => {
                if let Some(role) = self
                    .roles
                    .iter_mut()
                    .find(|r| r.organization == *organization && r.until.is_none())
                {
                    role.until = Some(at);
                }
            }
            ContactChange::Consent {
                channel,
                purpose,
                state,
                source,
            } => self.consents.record(ConsentRecord::new(
                *channel,
                purpose.clone(),
                *state,
                at,
                source.clone(),
            )),
            ContactChange::MarketingTouch { channel, purpose } => {
                self.touches.push(MarketingTouch {
                    at,
                    channel: *channel,
                    purpose: purpose.clone(),
                });
            }
            ContactChange::Absorb {
                from,
                roles,
                consents,
            } => {
                let mut absorption = Absorption::default();
                for role in roles {
                    let open_here =
                        role.until.is_none() && self.open_role(role.organization).is_some();
                    if open_here || self.roles.contains(role) {
                        continue;
                    }
                    absorption.roles.push(self.roles.len());
                    self.roles.push(role.clone());
                }
                absorption.consents = self.consents.absorb(consents);
                self.absorbed.insert(*from, absorption);
            }
            ContactChange::Release { from } => {
                if let Some(absorption) = self.absorbed.remove(from) {
                    // Highest position first, so the lower ones stay put;
                    // other absorptions' positions above move down.
                    let mut positions = absorption.roles;
                    positions.sort_unstable_by(|a, b| b.cmp(a));
                    for position in positions {
                        self.forget_role(position);
                    }
                    self.consents.release(&absorption.consents);
                }
            }
            ContactChange::MoveRoles { from, to } => {
                let open_at_to = self.open_role(*to).is_some();
                let mut positions = Vec::new();
                for (position, role) in self.roles.iter_mut().enumerate() {
                    if role.organization == *from && !(open_at_to && role.until.is_none()) {
                        role.organization = *to;
                        positions.push(position);
                    }
                }
                self.moved.insert((*from, *to), positions);
            }
            ContactChange::RestoreRoles { from, to } => {
                for position in self.moved.remove(&(*from, *to)).unwrap_or_default() {
                    if let Some(role) = self.roles.get_mut(position) {
                        role.organization = *from;
                    }
                }
            }
            ContactChange::Erase => {
                self.name = None;
                self.emails.clear();
                self.profile.erase_personal();
                for role in &mut self.roles {
                    role.title = None;
                }
                self.erased_at = Some(at);
                self.stream.erased = true;
            }
        }
    }

    /// Checks a stored event as [`decide`](Aggregate::decide) would have,
    /// then folds it; a refused event changes nothing.
    fn replay(&mut self, event: &ContactEvent) -> Result<()> {
        self.decide(&ContactCommand::new(event.at, event.change.clone()))?;
        self.apply(event);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ConsentState;
    use chrono::TimeDelta;

    fn at(days: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::days(days)
    }

    fn party(n: u128) -> PartyId {
        PartyId::from_u128(n)
    }

    fn role(organization: u128, since: i64, until: Option<i64>) -> Role {
        Role {
            organization: party(organization),
            title: None,
            since: at(since),
            until: until.map(at),
        }
    }

    fn consent(state: ConsentState, day: i64) -> ConsentRecord {
        ConsentRecord::new(
            Channel::Email,
            Purpose::new("news").unwrap(),
            state,
            at(day),
            Source::new("form").unwrap(),
        )
    }

    fn command(day: i64, change: ContactChange) -> ContactCommand {
        ContactCommand::new(at(day), change)
    }

    #[test]
    fn a_duplicate_is_absorbed_with_its_instants_and_released() {
        let ada = party(1);
        let mut contact = Contact::default();
        let mut events = Vec::new();
        for change in [
            ContactChange::Create {
                id: ada,
                name: Name::new("Ada").unwrap(),
            },
            ContactChange::AddEmail("ada@example.com".parse().unwrap()),
            ContactChange::AddRole {
                organization: party(100),
                title: None,
            },
            ContactChange::Consent {
                channel: Channel::Email,
                purpose: Purpose::new("news").unwrap(),
                state: ConsentState::Withdrawn,
                source: Source::new("form").unwrap(),
            },
        ] {
            events.extend(contact.handle(&command(0, change)).unwrap());
        }
        let (roles, consents) = (contact.roles.clone(), contact.consents.clone());
        let news = Purpose::new("news").unwrap();
        assert!(contact.may_contact(Channel::Email, &news, at(20)).is_err());

        // The duplicate: an open role at the same organization (left out),
        // an ended one elsewhere, and a later grant of the same consent.
        let absorb = |from| ContactChange::Absorb {
            from,
            roles: vec![role(100, 3, None), role(200, 1, Some(4)), role(0, 0, None)],
            consents: vec![consent(ConsentState::Granted, 5)],
        };
        let mut later = absorb(party(2));
        if let ContactChange::Absorb { consents, .. } = &mut later {
            consents.push(consent(ConsentState::Withdrawn, 11));
        }
        assert_eq!(
            contact.decide(&command(10, later)),
            Err(Error::AbsorbedAfterMerge {
                absorbed: party(2),
                at: at(11),
                merge: at(10)
            })
        );
        assert_eq!(
            contact.decide(&command(10, absorb(ada))),
            Err(Error::MergeWithItself { party: ada })
        );
        assert_eq!(
            contact.decide(&command(10, ContactChange::Release { from: party(2) })),
            Err(Error::NotMerged {
                survivor: ada,
                absorbed: party(2)
            })
        );
        events.extend(contact.handle(&command(10, absorb(party(2)))).unwrap());
        assert_eq!(
            contact.decide(&command(10, absorb(party(2)))),
            Err(Error::AlreadyMerged {
                survivor: ada,
                absorbed: party(2)
            })
        );
        let organizations: Vec<PartyId> = contact.roles().iter().map(|r| r.organization).collect();
        assert_eq!(organizations, [party(100), party(200), party(0)]);
        // The grant of day 5 is in force: it is later than the withdrawal
        // of day 0, whatever the order they reached the contact in.
        assert!(contact.may_contact(Channel::Email, &news, at(20)).is_ok());
        assert!(contact.may_contact(Channel::Email, &news, at(2)).is_err());

        // A second duplicate, then the first released: the second's role
        // stays, found where it moved to.
        let second = ContactChange::Absorb {
            from: party(3),
            roles: vec![role(300, 2, None)],
            consents: Vec::new(),
        };
        events.extend(contact.handle(&command(12, second)).unwrap());
        events.extend(
            contact
                .handle(&command(13, ContactChange::Release { from: party(2) }))
                .unwrap(),
        );
        let organizations: Vec<PartyId> = contact.roles().iter().map(|r| r.organization).collect();
        assert_eq!(organizations, [party(100), party(300)]);
        assert_eq!(contact.consents, consents);
        assert_eq!(Contact::from_events(&events).unwrap(), contact);
        events.extend(
            contact
                .handle(&command(14, ContactChange::Release { from: party(3) }))
                .unwrap(),
        );
        assert_eq!(contact.roles, roles);
        assert_eq!(Contact::from_events(&events).unwrap(), contact);
    }

    #[test]
    fn roles_follow_a_merge_of_organizations_and_come_back() {
        let (ada, acme, acme_again) = (party(1), party(10), party(11));
        let mut contact = Contact::default();
        let mut events = Vec::new();
        let mut handle = |contact: &mut Contact, day, change| {
            let decided = contact.handle(&command(day, change))?;
            events.extend(decided);
            Ok::<(), Error>(())
        };
        handle(
            &mut contact,
            0,
            ContactChange::Create {
                id: ada,
                name: Name::new("Ada").unwrap(),
            },
        )
        .unwrap();
        for organization in [acme_again, acme] {
            handle(
                &mut contact,
                1,
                ContactChange::AddRole {
                    organization,
                    title: None,
                },
            )
            .unwrap();
        }
        handle(
            &mut contact,
            2,
            ContactChange::EndRole {
                organization: acme_again,
            },
        )
        .unwrap();
        handle(
            &mut contact,
            3,
            ContactChange::AddRole {
                organization: acme_again,
                title: None,
            },
        )
        .unwrap();
        let before = contact.roles.clone();
        let moving = ContactChange::MoveRoles {
            from: acme_again,
            to: acme,
        };
        handle(&mut contact, 4, moving.clone()).unwrap();
        // The ended role moved; the open one stayed, as Ada is open at Acme.
        let organizations: Vec<PartyId> = contact.roles.iter().map(|r| r.organization).collect();
        assert_eq!(organizations, [acme, acme, acme_again]);
        assert_eq!(
            contact.decide(&command(4, moving)),
            Err(Error::AlreadyMerged {
                survivor: acme,
                absorbed: acme_again
            })
        );
        assert_eq!(
            contact.decide(&command(
                4,
                ContactChange::MoveRoles {
                    from: acme,
                    to: acme
                }
            )),
            Err(Error::MergeWithItself { party: acme })
        );
        assert_eq!(
            contact.decide(&command(
                4,
                ContactChange::MoveRoles {
                    from: party(99),
                    to: acme
                }
            )),
            Err(Error::NotPresent {
                party: ada,
                what: format!("role at {}", party(99))
            })
        );
        assert_eq!(
            contact.decide(&command(
                4,
                ContactChange::RestoreRoles {
                    from: acme,
                    to: acme_again
                }
            )),
            Err(Error::NotMerged {
                survivor: acme_again,
                absorbed: acme
            })
        );
        handle(
            &mut contact,
            5,
            ContactChange::RestoreRoles {
                from: acme_again,
                to: acme,
            },
        )
        .unwrap();
        assert_eq!(contact.roles, before);
        assert_eq!(Contact::from_events(&events).unwrap(), contact);
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::strategy;

    proptest! {
        #[test]
        fn absorbed_and_moved_roles_are_where_the_contact_says(events in strategy::contact_history(40)) {
            let contact = Contact::from_events(&events)?;
            // A moved role is at the organization moved to, or where a
            // later move of that organization took it: at a position held.
            for positions in contact.moved.values() {
                for position in positions {
                    prop_assert!(*position < contact.roles.len());
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            for absorption in contact.absorbed.values() {
                for position in &absorption.roles {
                    prop_assert!(*position < contact.roles.len());
                    prop_assert!(seen.insert(*position), "role {} added twice", position);
                }
            }
        }
    }
}
