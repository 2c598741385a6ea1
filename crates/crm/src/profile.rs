//! What contacts and organizations have alike: owner, tags, custom fields,
//! phone numbers, postal addresses and the lifecycle stage with its history.

use std::collections::{BTreeMap, BTreeSet};

use bureau_core::{PartyId, UserId};
use chrono::{DateTime, Utc};

use crate::custom_field::{FieldDefinition, FieldValue};
use crate::lifecycle::{LifecycleStage, StageCause, StageChange};
use crate::text::{FieldKey, Tag};
use crate::{Error, PhoneNumber, PostalAddress, Result};

/// A change to a [`Profile`], carried by the commands and events of both
/// [`Contact`](crate::Contact) and [`Organization`](crate::Organization).
///
/// ```
/// use bureau_crm::{ProfileChange, Tag};
/// let change = ProfileChange::AddTag(Tag::new("vip")?);
/// assert_eq!(change.name(), "tag_added");
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ProfileChange {
    /// Makes a user the owner, or leaves the party without one.
    AssignOwner(Option<UserId>),
    /// Adds a tag (refused if present).
    AddTag(Tag),
    /// Removes a tag (refused if absent).
    RemoveTag(Tag),
    /// Sets a custom field. The definition travels with the value, so that
    /// a stored stream is checked against the definition it was recorded
    /// under.
    SetField(FieldDefinition, FieldValue),
    /// Removes a custom field's value (refused if it has none).
    ClearField(FieldKey),
    /// Adds a phone number (refused if present).
    AddPhone(PhoneNumber),
    /// Removes a phone number (refused if absent).
    RemovePhone(PhoneNumber),
    /// Adds a postal address (refused if present).
    AddAddress(PostalAddress),
    /// Removes a postal address (refused if absent).
    RemoveAddress(PostalAddress),
    /// Moves to another lifecycle stage (refused unless
    /// [`LifecycleStage::may_move_to`] allows it; the first stage may be any).
    ChangeStage {
        /// The new stage.
        to: LifecycleStage,
        /// Why.
        cause: StageCause,
    },
}

impl ProfileChange {
    /// The change's name, as an event type (`owner_assigned`, `tag_added`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            ProfileChange::AssignOwner(_) => "owner_assigned",
            ProfileChange::AddTag(_) => "tag_added",
            ProfileChange::RemoveTag(_) => "tag_removed",
            ProfileChange::SetField(..) => "field_set",
            ProfileChange::ClearField(_) => "field_cleared",
            ProfileChange::AddPhone(_) => "phone_added",
            ProfileChange::RemovePhone(_) => "phone_removed",
            ProfileChange::AddAddress(_) => "address_added",
            ProfileChange::RemoveAddress(_) => "address_removed",
            ProfileChange::ChangeStage { .. } => "stage_changed",
        }
    }
}

/// The shared part of a party's state. Read through
/// [`Contact::profile`](crate::Contact::profile) and
/// [`Organization::profile`](crate::Organization::profile).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    owner: Option<UserId>,
    tags: BTreeSet<Tag>,
    fields: BTreeMap<FieldKey, (FieldDefinition, FieldValue)>,
    phones: Vec<PhoneNumber>,
    addresses: Vec<PostalAddress>,
    stages: Vec<StageChange>,
}

impl Profile {
    /// The owning user.
    pub fn owner(&self) -> Option<UserId> {
        self.owner
    }

    /// The tags, in order.
    pub fn tags(&self) -> &BTreeSet<Tag> {
        &self.tags
    }

    /// The value of a custom field.
    pub fn field(&self, key: &FieldKey) -> Option<&FieldValue> {
        self.fields.get(key).map(|(_, value)| value)
    }

    /// Every custom field with its definition, by key.
    pub fn fields(&self) -> impl Iterator<Item = (&FieldDefinition, &FieldValue)> {
        self.fields.values().map(|(d, v)| (d, v))
    }

    /// The phone numbers, in the order added.
    pub fn phones(&self) -> &[PhoneNumber] {
        &self.phones
    }

    /// The postal addresses, in the order added.
    pub fn addresses(&self) -> &[PostalAddress] {
        &self.addresses
    }

    /// The current lifecycle stage, if one was ever set.
    pub fn stage(&self) -> Option<LifecycleStage> {
        self.stages.last().map(|change| change.to)
    }

    /// Every stage change, in order, with instant and cause.
    pub fn stage_history(&self) -> &[StageChange] {
        &self.stages
    }

    /// Checks `change` against the profile of `party`.
    pub(crate) fn check(&self, party: PartyId, change: &ProfileChange) -> Result<()> {
        let present = |what: String| Error::AlreadyPresent { party, what };
        let absent = |what: String| Error::NotPresent { party, what };
        match change {
            ProfileChange::AssignOwner(_) => Ok(()),
            ProfileChange::AddTag(tag) if self.tags.contains(tag) => {
                Err(present(format!("tag {tag}")))
            }
            ProfileChange::RemoveTag(tag) if !self.tags.contains(tag) => {
                Err(absent(format!("tag {tag}")))
            }
            ProfileChange::AddTag(_) | ProfileChange::RemoveTag(_) => Ok(()),
            ProfileChange::SetField(definition, value) => definition.check(value),
            ProfileChange::ClearField(key) if !self.fields.contains_key(key) => {
                Err(absent(format!("field {key}")))
            }
            ProfileChange::ClearField(_) => Ok(()),
            ProfileChange::AddPhone(phone) if self.phones.contains(phone) => {
                Err(present(format!("phone {phone}")))
            }
            ProfileChange::RemovePhone(phone) if !self.phones.contains(phone) => {
                Err(absent(format!("phone {phone}")))
            }
            ProfileChange::AddPhone(_) | ProfileChange::RemovePhone(_) => Ok(()),
            ProfileChange::AddAddress(address) if self.addresses.contains(address) => {
                Err(present(format!("address {}", address_label(address))))
            }
            ProfileChange::RemoveAddress(address) if !self.addresses.contains(address) => {
                Err(absent(format!("address {}", address_label(address))))
            }
            ProfileChange::AddAddress(_) | ProfileChange::RemoveAddress(_) => Ok(()),
            ProfileChange::ChangeStage { to, .. } => match self.stage() {
                Some(from) if !from.may_move_to(*to) => Err(Error::StageNotAllowed {
                    party,
                    from,
                    to: *to,
                }),
                _ => Ok(()),
            },
        }
    }

    /// Folds a change [`check`](Self::check) accepted.
    pub(crate) fn apply(&mut self, change: &ProfileChange, at: DateTime<Utc>) {
        match change {
            ProfileChange::AssignOwner(owner) => self.owner = *owner,
            ProfileChange::AddTag(tag) => {
                self.tags.insert(tag.clone());
            }
            ProfileChange::RemoveTag(tag) => {
                self.tags.remove(tag);
            }
            ProfileChange::SetField(definition, value) => {
                self.fields.insert(
                    definition.key().clone(),
                    (definition.clone(), value.clone()),
                );
            }
            ProfileChange::ClearField(key) => {
                self.fields.remove(key);
            }
            ProfileChange::AddPhone(phone) => self.phones.push(phone.clone()),
            ProfileChange::RemovePhone(phone) => self.phones.retain(|p| p != phone),
            ProfileChange::AddAddress(address) => self.addresses.push(address.clone()),
            ProfileChange::RemoveAddress(address) => self.addresses.retain(|a| a != address),
            ProfileChange::ChangeStage { to, cause } => self.stages.push(StageChange {
                from: self.stage(),
                to: *to,
                at,
                cause: cause.clone(),
            }),
        }
    }

    /// Blanks the personal data: phone numbers, addresses and personal
    /// custom fields. Owner, tags, business fields and stages remain.
    pub(crate) fn erase_personal(&mut self) {
        self.phones.clear();
        self.addresses.clear();
        self.fields
            .retain(|_, (definition, _)| !definition.sensitivity().is_personal());
    }

    /// The personal custom fields.
    pub(crate) fn personal_fields(&self) -> Vec<(&FieldDefinition, &FieldValue)> {
        self.fields()
            .filter(|(definition, _)| definition.sensitivity().is_personal())
            .collect()
    }
}

fn address_label(address: &PostalAddress) -> String {
    let first = address.lines().first().map_or("", String::as_str);
    format!("{first}, {}", address.country())
}

/// Where a stream of a party's events stands: created or not, erased or
/// not, the instant of its last event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stream {
    pub(crate) id: Option<PartyId>,
    pub(crate) last_at: Option<DateTime<Utc>>,
    pub(crate) erased: bool,
}

impl Stream {
    /// The party, if the command may go on at `at`: created, not erased,
    /// not earlier than the last event.
    pub(crate) fn check(&self, at: DateTime<Utc>) -> Result<PartyId> {
        let party = self.id.ok_or(Error::NotCreated)?;
        if self.erased {
            return Err(Error::Erased { party });
        }
        if let Some(previous) = self.last_at
            && at < previous
        {
            return Err(Error::OutOfOrder {
                party,
                at,
                previous,
            });
        }
        Ok(party)
    }

    /// For a creation: refused when the stream already has a party.
    pub(crate) fn check_create(&self) -> Result<()> {
        match self.id {
            Some(party) => Err(Error::AlreadyCreated { party }),
            None => Ok(()),
        }
    }
}
