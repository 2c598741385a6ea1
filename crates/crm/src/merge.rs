//! Merging two records of the same party, and undoing it.
//!
//! A [`MergeLog`] (an aggregate) takes a [`MergeCommand::Merge`] of a
//! survivor and an absorbed [`PartyRecord`] under a [`MergePolicy`] and
//! records a [`MergeRecord`]: the merged record, and for every field the
//! value each side had, the value kept, which party it came from and by
//! which [`Survivorship`] rule. Activities, roles and consents of the
//! absorbed party are re-pointed to the survivor (each kept once).
//! [`MergeCommand::Unmerge`] gives back both records exactly as they were,
//! from the merge record.
//!
//! Merging is deterministic: the same records and policy give the same
//! record. A party cannot be merged with itself, a pair cannot be merged
//! twice, and an absorbed party cannot be absorbed again while its merge
//! stands.

use std::collections::{BTreeMap, BTreeSet};

use bureau_core::{Aggregate, DomainEvent, PartyId};
use chrono::{DateTime, Utc};

use crate::{
    Activity, ActivityCommand, ActivityId, ConsentRecord, ContactChange, Error, FieldKey,
    FieldText, Result, Role, Source,
};

/// One field's value on a record: the text (`None` when blank), when it was
/// last set and by which source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FieldEntry {
    /// The value, `None` when blank.
    pub value: Option<FieldText>,
    /// When it was last set.
    pub updated: DateTime<Utc>,
    /// Where it came from.
    pub source: Source,
}

impl FieldEntry {
    /// A field set to `value` at `updated` by `source`.
    pub fn new(value: Option<FieldText>, updated: DateTime<Utc>, source: Source) -> Self {
        FieldEntry {
            value,
            updated,
            source,
        }
    }
}

/// What a merge works on: a party's fields, the activities linked to it,
/// its roles and its consents.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PartyRecord {
    id: PartyId,
    fields: BTreeMap<FieldKey, FieldEntry>,
    activities: BTreeSet<ActivityId>,
    roles: Vec<Role>,
    consents: Vec<ConsentRecord>,
}

impl PartyRecord {
    /// A record of `id` with nothing yet.
    pub fn new(id: PartyId) -> Self {
        PartyRecord {
            id,
            fields: BTreeMap::new(),
            activities: BTreeSet::new(),
            roles: Vec::new(),
            consents: Vec::new(),
        }
    }

    /// Sets a field (replacing what it held).
    pub fn with_field(mut self, key: FieldKey, entry: FieldEntry) -> Self {
        self.fields.insert(key, entry);
        self
    }

    /// Links an activity (linked once however often given).
    pub fn with_activity(mut self, activity: ActivityId) -> Self {
        self.activities.insert(activity);
        self
    }

    /// Adds a role (an equal role is kept once).
    pub fn with_role(mut self, role: Role) -> Self {
        if !self.roles.contains(&role) {
            self.roles.push(role);
        }
        self
    }

    /// Adds a consent statement (an equal one is kept once).
    pub fn with_consent(mut self, consent: ConsentRecord) -> Self {
        if !self.consents.contains(&consent) {
            self.consents.push(consent);
        }
        self
    }

    /// The party.
    pub fn id(&self) -> PartyId {
        self.id
    }

    /// The fields by key.
    pub fn fields(&self) -> &BTreeMap<FieldKey, FieldEntry> {
        &self.fields
    }

    /// The activities linked.
    pub fn activities(&self) -> &BTreeSet<ActivityId> {
        &self.activities
    }

    /// The roles.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The consent statements.
    pub fn consents(&self) -> &[ConsentRecord] {
        &self.consents
    }
}

/// How the value of a field is chosen between survivor and absorbed record.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Survivorship {
    /// The non-blank value set last; the survivor's on a tie; blank only if
    /// both are blank.
    MostRecentNonEmpty,
    /// The survivor's, even blank.
    FromSurvivor,
    /// The longer non-blank value (in characters); the survivor's on a tie.
    Longest,
    /// The non-blank value whose source comes first in the list; sources
    /// not listed come after every listed one; the survivor's on a tie.
    SourceOrder(Vec<Source>),
}

/// The survivorship rule of every field: one per field, a default for the
/// rest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MergePolicy {
    default: Survivorship,
    fields: BTreeMap<FieldKey, Survivorship>,
}

impl Default for MergePolicy {
    /// [`Survivorship::MostRecentNonEmpty`] for every field.
    fn default() -> Self {
        MergePolicy::new(Survivorship::MostRecentNonEmpty)
    }
}

impl MergePolicy {
    /// `default` for every field.
    pub fn new(default: Survivorship) -> Self {
        MergePolicy {
            default,
            fields: BTreeMap::new(),
        }
    }

    /// `rule` for `field`.
    pub fn with_field(mut self, field: FieldKey, rule: Survivorship) -> Self {
        self.fields.insert(field, rule);
        self
    }

    /// The rule of `field`.
    pub fn rule(&self, field: &FieldKey) -> &Survivorship {
        self.fields.get(field).unwrap_or(&self.default)
    }
}

/// What happened to one field in a merge.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FieldOutcome {
    /// The field.
    pub field: FieldKey,
    /// The survivor's entry, if it had the field.
    pub survivor: Option<FieldEntry>,
    /// The absorbed record's entry, if it had the field.
    pub absorbed: Option<FieldEntry>,
    /// The entry kept.
    pub kept: FieldEntry,
    /// The party it was taken from.
    pub from: PartyId,
    /// The rule that chose it.
    pub rule: Survivorship,
}

/// The audit record of one merge: both records as they were, the merged
/// record, and what happened to every field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MergeRecord {
    at: DateTime<Utc>,
    survivor: PartyRecord,
    absorbed: PartyRecord,
    merged: PartyRecord,
    fields: Vec<FieldOutcome>,
    repointed: Vec<ActivityId>,
}

impl MergeRecord {
    /// Merges `absorbed` into `survivor` under `policy`.
    ///
    /// # Errors
    ///
    /// [`Error::MergeWithItself`] when both carry the same id.
    pub fn new(
        at: DateTime<Utc>,
        survivor: PartyRecord,
        absorbed: PartyRecord,
        policy: &MergePolicy,
    ) -> Result<Self> {
        if survivor.id == absorbed.id {
            return Err(Error::MergeWithItself { party: survivor.id });
        }
        let keys: BTreeSet<&FieldKey> = survivor
            .fields
            .keys()
            .chain(absorbed.fields.keys())
            .collect();
        let mut merged = PartyRecord::new(survivor.id);
        let mut fields = Vec::with_capacity(keys.len());
        for key in keys {
            let s = survivor.fields.get(key);
            let a = absorbed.fields.get(key);
            let rule = policy.rule(key);
            let (kept, from) = match (s, a) {
                (Some(s), None) => (s.clone(), survivor.id),
                (None, Some(a)) if *rule != Survivorship::FromSurvivor => (a.clone(), absorbed.id),
                (None, Some(a)) => (
                    FieldEntry::new(None, a.updated, a.source.clone()),
                    survivor.id,
                ),
                (Some(s), Some(a)) => {
                    if choose_absorbed(rule, s, a) {
                        (a.clone(), absorbed.id)
                    } else {
                        (s.clone(), survivor.id)
                    }
                }
                (None, None) => continue,
            };
            merged.fields.insert(key.clone(), kept.clone());
            fields.push(FieldOutcome {
                field: key.clone(),
                survivor: s.cloned(),
                absorbed: a.cloned(),
                kept,
                from,
                rule: rule.clone(),
            });
        }
        merged.activities = survivor
            .activities
            .union(&absorbed.activities)
            .copied()
            .collect();
        let repointed = absorbed.activities.iter().copied().collect();
        merged.roles = survivor.roles.clone();
        for role in &absorbed.roles {
            if !merged.roles.contains(role) {
                merged.roles.push(role.clone());
            }
        }
        merged.consents = survivor.consents.clone();
        for consent in &absorbed.consents {
            if !merged.consents.contains(consent) {
                merged.consents.push(consent.clone());
            }
        }
        // Consents in time order, so that the last statement per channel
        // and purpose is the one in force; a stable sort keeps the
        // survivor's first on equal instants.
        merged.consents.sort_by_key(ConsentRecord::at);
        Ok(MergeRecord {
            at,
            survivor,
            absorbed,
            merged,
            fields,
            repointed,
        })
    }

    /// When the merge was made.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The survivor as it was before the merge.
    pub fn survivor(&self) -> &PartyRecord {
        &self.survivor
    }

    /// The absorbed record as it was before the merge.
    pub fn absorbed(&self) -> &PartyRecord {
        &self.absorbed
    }

    /// The merged record (the survivor's id).
    pub fn merged(&self) -> &PartyRecord {
        &self.merged
    }

    /// Every field of either record, in key order, with what was kept.
    pub fn fields(&self) -> &[FieldOutcome] {
        &self.fields
    }

    /// The activities moved from the absorbed party to the survivor.
    pub fn repointed(&self) -> &[ActivityId] {
        &self.repointed
    }

    /// `activity` linked to the survivor instead of the absorbed party
    /// (unchanged when it was not linked to the absorbed party).
    pub fn repoint(&self, activity: &Activity) -> Activity {
        activity.replace_party(self.absorbed.id, self.survivor.id)
    }

    /// The commands that re-point the absorbed party's activities to the
    /// survivor in an [`ActivityLog`](crate::ActivityLog): for each of
    /// [`MergeRecord::repointed`], in id order, a
    /// [`Link`](ActivityCommand::Link) of the survivor (left out when the
    /// survivor's record lists the activity too) and then an
    /// [`Unlink`](ActivityCommand::Unlink) of the absorbed party, so an
    /// activity is never left without a party. Applied to a log whose
    /// links are those of the two records, every activity of either is
    /// then in the survivor's timeline once and none in the absorbed
    /// party's.
    ///
    /// ```
    /// use bureau_core::{Aggregate, PartyId};
    /// use bureau_crm::merge::{MergeCommand, MergeLog, MergePolicy, PartyRecord};
    /// use bureau_crm::{Activity, ActivityCommand, ActivityId, ActivityKind, ActivityLog, Subject};
    /// use chrono::DateTime;
    ///
    /// let t0 = DateTime::UNIX_EPOCH;
    /// let (ada, ada_again) = (PartyId::from_u128(1), PartyId::from_u128(2));
    /// let call = ActivityId::from_u128(10);
    /// let mut activities = ActivityLog::default();
    /// let note = Activity::new(call, t0, Subject::new("Asked for a demo")?, ActivityKind::Note);
    /// activities.handle(&ActivityCommand::Log(note.with_party(ada_again)))?;
    /// let before = activities.clone();
    ///
    /// let mut merges = MergeLog::default();
    /// merges.handle(&MergeCommand::Merge {
    ///     at: t0,
    ///     survivor: PartyRecord::new(ada),
    ///     absorbed: PartyRecord::new(ada_again).with_activity(call),
    ///     policy: MergePolicy::default(),
    /// })?;
    /// let record = merges.record(ada, ada_again).ok_or("no record")?;
    /// for command in record.activity_commands() {
    ///     activities.handle(&command)?;
    /// }
    /// assert_eq!(activities.timeline(ada).count(), 1);
    /// assert_eq!(activities.timeline(ada_again).count(), 0);
    ///
    /// for command in record.unmerge_activity_commands() {
    ///     activities.handle(&command)?;
    /// }
    /// assert_eq!(activities, before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn activity_commands(&self) -> Vec<ActivityCommand> {
        let (survivor, absorbed) = (self.survivor.id, self.absorbed.id);
        let mut commands = Vec::with_capacity(2 * self.repointed.len());
        for &activity in &self.repointed {
            if !self.survivor.activities.contains(&activity) {
                commands.push(ActivityCommand::Link {
                    activity,
                    party: survivor,
                });
            }
            commands.push(ActivityCommand::Unlink {
                activity,
                party: absorbed,
            });
        }
        commands
    }

    /// The change that takes the absorbed record's roles and consent
    /// statements into the survivor's [`Contact`](crate::Contact) stream,
    /// with their own instants: a [`ContactChange::Absorb`] from the
    /// absorbed party. Its command's instant should be the merge's
    /// ([`MergeRecord::at`]), not earlier than any of them.
    ///
    /// ```
    /// use bureau_core::{Aggregate, PartyId};
    /// use bureau_crm::merge::{MergePolicy, MergeRecord, PartyRecord};
    /// use bureau_crm::{Channel, ConsentRecord, ConsentState, Contact, ContactChange, ContactCommand, Name, Purpose, Source};
    /// use chrono::{DateTime, TimeDelta};
    ///
    /// let t0 = DateTime::UNIX_EPOCH;
    /// let (ada, ada_again) = (PartyId::from_u128(1), PartyId::from_u128(2));
    /// let news = Purpose::new("newsletter")?;
    /// let granted = ConsentRecord::new(Channel::Email, news.clone(), ConsentState::Granted, t0, Source::new("form")?);
    /// let merge_at = t0 + TimeDelta::days(30);
    /// let record = MergeRecord::new(
    ///     merge_at,
    ///     PartyRecord::new(ada),
    ///     PartyRecord::new(ada_again).with_consent(granted.clone()),
    ///     &MergePolicy::default(),
    /// )?;
    ///
    /// let mut contact = Contact::default();
    /// contact.handle(&ContactCommand::new(t0, ContactChange::Create { id: ada, name: Name::new("Ada Lovelace")? }))?;
    /// contact.handle(&ContactCommand::new(merge_at, record.contact_change()))?;
    /// assert_eq!(contact.consents().current(Channel::Email, &news), Some(&granted)); // stated at t0
    ///
    /// contact.handle(&ContactCommand::new(merge_at, record.unmerge_contact_change()))?;
    /// assert!(contact.consents().history().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contact_change(&self) -> ContactChange {
        ContactChange::Absorb {
            from: self.absorbed.id,
            roles: self.absorbed.roles.clone(),
            consents: self.absorbed.consents.clone(),
        }
    }

    /// The change that undoes [`MergeRecord::contact_change`] in the
    /// survivor's stream: a [`ContactChange::Release`] of the absorbed
    /// party.
    pub fn unmerge_contact_change(&self) -> ContactChange {
        ContactChange::Release {
            from: self.absorbed.id,
        }
    }

    /// For a merge of two organizations: the change that moves a
    /// contact's roles at the absorbed organization to the survivor
    /// ([`ContactChange::MoveRoles`]), for each contact with a role there.
    ///
    /// ```
    /// use bureau_core::{Aggregate, PartyId};
    /// use bureau_crm::merge::{MergePolicy, MergeRecord, PartyRecord};
    /// use bureau_crm::{Contact, ContactChange, ContactCommand, Name};
    /// use chrono::DateTime;
    ///
    /// let t0 = DateTime::UNIX_EPOCH;
    /// let (acme, acme_again) = (PartyId::from_u128(10), PartyId::from_u128(11));
    /// let record = MergeRecord::new(t0, PartyRecord::new(acme), PartyRecord::new(acme_again), &MergePolicy::default())?;
    /// let mut ada = Contact::default();
    /// ada.handle(&ContactCommand::new(t0, ContactChange::Create { id: PartyId::from_u128(1), name: Name::new("Ada")? }))?;
    /// ada.handle(&ContactCommand::new(t0, ContactChange::AddRole { organization: acme_again, title: None }))?;
    /// ada.handle(&ContactCommand::new(t0, record.organization_change()))?;
    /// assert_eq!(ada.roles()[0].organization, acme);
    /// ada.handle(&ContactCommand::new(t0, record.unmerge_organization_change()))?;
    /// assert_eq!(ada.roles()[0].organization, acme_again);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn organization_change(&self) -> ContactChange {
        ContactChange::MoveRoles {
            from: self.absorbed.id,
            to: self.survivor.id,
        }
    }

    /// The change that undoes [`MergeRecord::organization_change`] in a
    /// contact: [`ContactChange::RestoreRoles`].
    pub fn unmerge_organization_change(&self) -> ContactChange {
        ContactChange::RestoreRoles {
            from: self.absorbed.id,
            to: self.survivor.id,
        }
    }

    /// The commands that undo [`MergeRecord::activity_commands`]: each
    /// re-pointed activity linked to the absorbed party again, and
    /// unlinked from the survivor unless the survivor's record listed it.
    /// Applied after them, the log's links are as before the merge.
    pub fn unmerge_activity_commands(&self) -> Vec<ActivityCommand> {
        let (survivor, absorbed) = (self.survivor.id, self.absorbed.id);
        let mut commands = Vec::with_capacity(2 * self.repointed.len());
        for &activity in &self.repointed {
            commands.push(ActivityCommand::Link {
                activity,
                party: absorbed,
            });
            if !self.survivor.activities.contains(&activity) {
                commands.push(ActivityCommand::Unlink {
                    activity,
                    party: survivor,
                });
            }
        }
        commands
    }
}

fn choose_absorbed(rule: &Survivorship, s: &FieldEntry, a: &FieldEntry) -> bool {
    match (&s.value, &a.value) {
        (_, None) => false,
        (None, Some(_)) => *rule != Survivorship::FromSurvivor,
        (Some(kept), Some(other)) => match rule {
            Survivorship::MostRecentNonEmpty => a.updated > s.updated,
            Survivorship::FromSurvivor => false,
            Survivorship::Longest => other.as_str().chars().count() > kept.as_str().chars().count(),
            Survivorship::SourceOrder(order) => {
                let rank = |source: &Source| {
                    order
                        .iter()
                        .position(|o| o == source)
                        .unwrap_or(order.len())
                };
                rank(&a.source) < rank(&s.source)
            }
        },
    }
}

/// A command to a [`MergeLog`].
// A merge carries two whole records by value; boxing them would only make
// commands clumsier to build, and a command is built once and moved.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MergeCommand {
    /// Merge `absorbed` into `survivor` under `policy` at `at`.
    Merge {
        /// When.
        at: DateTime<Utc>,
        /// The record that remains.
        survivor: PartyRecord,
        /// The record merged into it.
        absorbed: PartyRecord,
        /// The survivorship rules.
        policy: MergePolicy,
    },
    /// Undo the standing merge of `absorbed` into `survivor`.
    Unmerge {
        /// The survivor of the merge.
        survivor: PartyId,
        /// The party absorbed.
        absorbed: PartyId,
    },
}

/// What a [`MergeLog`] records.
// As for the command: the record is the event's whole point.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MergeEvent {
    /// A merge was made.
    Merged(MergeRecord),
    /// A merge was undone; both records are as in its [`MergeRecord`].
    Unmerged {
        /// The survivor.
        survivor: PartyId,
        /// The absorbed party.
        absorbed: PartyId,
    },
}

impl DomainEvent for MergeEvent {
    fn event_type(&self) -> &'static str {
        match self {
            MergeEvent::Merged(_) => "merged",
            MergeEvent::Unmerged { .. } => "unmerged",
        }
    }
}

/// The merges made and not undone, keyed by (survivor, absorbed).
///
/// ```
/// use bureau_core::{Aggregate, PartyId};
/// use bureau_crm::merge::{FieldEntry, MergeCommand, MergeLog, MergePolicy, PartyRecord};
/// use bureau_crm::{ActivityId, FieldKey, FieldText, Source};
/// use chrono::{DateTime, TimeDelta};
///
/// let t0 = DateTime::UNIX_EPOCH;
/// let crm = Source::new("crm")?;
/// let title = FieldKey::new("title")?;
/// let survivor = PartyRecord::new(PartyId::from_u128(1))
///     .with_field(title.clone(), FieldEntry::new(Some(FieldText::new("Engineer")?), t0, crm.clone()))
///     .with_activity(ActivityId::from_u128(10));
/// let absorbed = PartyRecord::new(PartyId::from_u128(2))
///     .with_field(title.clone(), FieldEntry::new(Some(FieldText::new("CTO")?), t0 + TimeDelta::days(1), crm))
///     .with_activity(ActivityId::from_u128(11));
/// let mut log = MergeLog::default();
/// let merge = MergeCommand::Merge {
///     at: t0 + TimeDelta::days(2),
///     survivor: survivor.clone(),
///     absorbed: absorbed.clone(),
///     policy: MergePolicy::default(),
/// };
/// log.handle(&merge)?;
/// let record = log.record(PartyId::from_u128(1), PartyId::from_u128(2)).ok_or("no record")?;
/// assert_eq!(record.merged().fields()[&title].value.as_ref().map(|v| v.as_str()), Some("CTO"));
/// assert_eq!(record.merged().activities().len(), 2);
/// assert!(log.decide(&merge).is_err()); // the same pair twice
///
/// let (back_survivor, back_absorbed) = log.unmerged(PartyId::from_u128(1), PartyId::from_u128(2))?;
/// assert_eq!((back_survivor, back_absorbed), (survivor, absorbed));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeLog {
    standing: BTreeMap<(PartyId, PartyId), MergeRecord>,
    absorbed: BTreeMap<PartyId, PartyId>,
}

impl MergeLog {
    /// The standing merge of `absorbed` into `survivor`, if any.
    pub fn record(&self, survivor: PartyId, absorbed: PartyId) -> Option<&MergeRecord> {
        self.standing.get(&(survivor, absorbed))
    }

    /// The party `party` was absorbed into by a standing merge, if any.
    pub fn survivor_of(&self, party: PartyId) -> Option<PartyId> {
        self.absorbed.get(&party).copied()
    }

    /// Unmerges `absorbed` from `survivor` and returns both records as they
    /// were before the merge (survivor first).
    ///
    /// # Errors
    ///
    /// [`Error::NotMerged`] when no such merge stands.
    pub fn unmerged(
        &mut self,
        survivor: PartyId,
        absorbed: PartyId,
    ) -> Result<(PartyRecord, PartyRecord)> {
        let record = self
            .record(survivor, absorbed)
            .ok_or(Error::NotMerged { survivor, absorbed })?
            .clone();
        self.handle(&MergeCommand::Unmerge { survivor, absorbed })?;
        Ok((record.survivor, record.absorbed))
    }
}

impl Aggregate for MergeLog {
    type Command = MergeCommand;
    type Event = MergeEvent;
    type Error = Error;

    fn decide(&self, command: &MergeCommand) -> Result<Vec<MergeEvent>> {
        match command {
            MergeCommand::Merge {
                at,
                survivor,
                absorbed,
                policy,
            } => {
                if survivor.id == absorbed.id {
                    return Err(Error::MergeWithItself { party: survivor.id });
                }
                if self.standing.contains_key(&(survivor.id, absorbed.id)) {
                    return Err(Error::AlreadyMerged {
                        survivor: survivor.id,
                        absorbed: absorbed.id,
                    });
                }
                if let Some(into) = self.survivor_of(absorbed.id) {
                    return Err(Error::AlreadyMerged {
                        survivor: into,
                        absorbed: absorbed.id,
                    });
                }
                if let Some(into) = self.survivor_of(survivor.id) {
                    return Err(Error::AlreadyMerged {
                        survivor: into,
                        absorbed: survivor.id,
                    });
                }
                let record = MergeRecord::new(*at, survivor.clone(), absorbed.clone(), policy)?;
                Ok(vec![MergeEvent::Merged(record)])
            }
            MergeCommand::Unmerge { survivor, absorbed } => {
                if !self.standing.contains_key(&(*survivor, *absorbed)) {
                    return Err(Error::NotMerged {
                        survivor: *survivor,
                        absorbed: *absorbed,
                    });
                }
                Ok(vec![MergeEvent::Unmerged {
                    survivor: *survivor,
                    absorbed: *absorbed,
                }])
            }
        }
    }

    fn apply(&mut self, event: &MergeEvent) {
        match event {
            MergeEvent::Merged(record) => {
                let key = (record.survivor.id, record.absorbed.id);
                self.absorbed.insert(key.1, key.0);
                self.standing.insert(key, record.clone());
            }
            MergeEvent::Unmerged { survivor, absorbed } => {
                self.standing.remove(&(*survivor, *absorbed));
                self.absorbed.remove(absorbed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn party(n: u128) -> PartyId {
        PartyId::from_u128(n)
    }

    fn t(days: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::days(days)
    }

    fn entry(value: Option<&str>, days: i64, source: &str) -> FieldEntry {
        FieldEntry::new(
            value.map(|v| FieldText::new(v).unwrap()),
            t(days),
            Source::new(source).unwrap(),
        )
    }

    fn key(k: &str) -> FieldKey {
        FieldKey::new(k).unwrap()
    }

    fn kept<'a>(record: &'a MergeRecord, k: &str) -> Option<&'a str> {
        record.merged().fields()[&key(k)]
            .value
            .as_ref()
            .map(|v| v.as_str())
    }

    #[test]
    fn each_survivorship_rule() {
        let survivor = PartyRecord::new(party(1))
            .with_field(key("title"), entry(Some("Eng"), 5, "web"))
            .with_field(key("city"), entry(Some("Berlin"), 1, "web"))
            .with_field(key("note"), entry(None, 9, "web"));
        let absorbed = PartyRecord::new(party(2))
            .with_field(key("title"), entry(Some("Engineer"), 3, "erp"))
            .with_field(key("city"), entry(Some("Bonn"), 2, "erp"))
            .with_field(key("note"), entry(Some("vip"), 1, "erp"))
            .with_field(key("extra"), entry(Some("x"), 1, "erp"));
        let recent = MergeRecord::new(
            t(10),
            survivor.clone(),
            absorbed.clone(),
            &MergePolicy::default(),
        )
        .unwrap();
        assert_eq!(kept(&recent, "title"), Some("Eng"));
        assert_eq!(kept(&recent, "city"), Some("Bonn"));
        assert_eq!(
            kept(&recent, "note"),
            Some("vip"),
            "a blank never wins over a value"
        );
        assert_eq!(kept(&recent, "extra"), Some("x"));
        let outcome = recent
            .fields()
            .iter()
            .find(|f| f.field == key("city"))
            .unwrap();
        assert_eq!(outcome.from, party(2));
        assert_eq!(outcome.survivor, Some(entry(Some("Berlin"), 1, "web")));

        let longest = MergePolicy::new(Survivorship::Longest);
        let r = MergeRecord::new(t(10), survivor.clone(), absorbed.clone(), &longest).unwrap();
        assert_eq!(kept(&r, "title"), Some("Engineer"));
        assert_eq!(kept(&r, "city"), Some("Berlin"));

        let from_survivor = MergePolicy::new(Survivorship::FromSurvivor);
        let r =
            MergeRecord::new(t(10), survivor.clone(), absorbed.clone(), &from_survivor).unwrap();
        assert_eq!(kept(&r, "note"), None);
        assert_eq!(kept(&r, "extra"), None);

        let order = MergePolicy::default().with_field(
            key("title"),
            Survivorship::SourceOrder(vec![
                Source::new("erp").unwrap(),
                Source::new("web").unwrap(),
            ]),
        );
        let r = MergeRecord::new(t(10), survivor, absorbed, &order).unwrap();
        assert_eq!(kept(&r, "title"), Some("Engineer"));
        assert_eq!(kept(&r, "city"), Some("Bonn"));
    }

    #[test]
    fn merging_with_itself_twice_and_unmerging_what_is_not_merged_are_errors() {
        let mut log = MergeLog::default();
        let a = PartyRecord::new(party(1));
        let b = PartyRecord::new(party(2));
        let c = PartyRecord::new(party(3));
        let merge = |s: &PartyRecord, x: &PartyRecord| MergeCommand::Merge {
            at: t(0),
            survivor: s.clone(),
            absorbed: x.clone(),
            policy: MergePolicy::default(),
        };
        assert_eq!(
            log.decide(&merge(&a, &a)),
            Err(Error::MergeWithItself { party: party(1) })
        );
        log.handle(&merge(&a, &b)).unwrap();
        let twice = Err(Error::AlreadyMerged {
            survivor: party(1),
            absorbed: party(2),
        });
        assert_eq!(log.decide(&merge(&a, &b)), twice);
        assert_eq!(log.decide(&merge(&c, &b)), twice);
        assert_eq!(log.decide(&merge(&b, &c)), twice);
        assert_eq!(
            log.decide(&MergeCommand::Unmerge {
                survivor: party(2),
                absorbed: party(1)
            }),
            Err(Error::NotMerged {
                survivor: party(2),
                absorbed: party(1)
            })
        );
        let (s, x) = log.unmerged(party(1), party(2)).unwrap();
        assert_eq!((s, x), (a.clone(), b.clone()));
        assert_eq!(log.survivor_of(party(2)), None);
        log.handle(&merge(&a, &b)).unwrap();
    }

    #[test]
    fn activities_are_repointed() {
        let activity = Activity::new(
            ActivityId::from_u128(5),
            t(0),
            crate::Subject::new("Call").unwrap(),
            crate::ActivityKind::Note,
        )
        .with_party(party(2))
        .with_party(party(9));
        let record = MergeRecord::new(
            t(1),
            PartyRecord::new(party(1)),
            PartyRecord::new(party(2)).with_activity(activity.id()),
            &MergePolicy::default(),
        )
        .unwrap();
        assert_eq!(record.repointed(), [activity.id()]);
        let moved = record.repoint(&activity);
        assert!(moved.parties().contains(&party(1)));
        assert!(!moved.parties().contains(&party(2)));
        assert!(moved.parties().contains(&party(9)));
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::{ActivityKind, ActivityLog, strategy};

    proptest! {
        #[test]
        fn merge_keeps_every_activity_and_unmerge_gives_back_both(
            (survivor, absorbed) in (strategy::party_record(1), strategy::party_record(2)),
            policy in strategy::merge_policy(),
        ) {
            let mut log = MergeLog::default();
            log.handle(&MergeCommand::Merge {
                at: DateTime::UNIX_EPOCH,
                survivor: survivor.clone(),
                absorbed: absorbed.clone(),
                policy,
            })?;
            let record = log.record(survivor.id(), absorbed.id()).ok_or_else(|| TestCaseError::fail("no record"))?;
            let merged = record.merged();
            for activity in survivor.activities().iter().chain(absorbed.activities()) {
                prop_assert!(merged.activities().contains(activity));
            }
            let union: BTreeSet<_> = survivor.activities().union(absorbed.activities()).collect();
            prop_assert_eq!(merged.activities().len(), union.len());
            for key in survivor.fields().keys().chain(absorbed.fields().keys()) {
                prop_assert!(merged.fields().contains_key(key));
            }
            for role in survivor.roles().iter().chain(absorbed.roles()) {
                prop_assert_eq!(merged.roles().iter().filter(|r| *r == role).count(), 1);
            }
            let (s, a) = log.unmerged(survivor.id(), absorbed.id())?;
            prop_assert_eq!(s, survivor);
            prop_assert_eq!(a, absorbed);
        }

        #[test]
        fn re_pointing_moves_every_activity_once_and_unmerge_moves_them_back(
            (survivor, absorbed) in (strategy::party_record(1), strategy::party_record(2)),
        ) {
            // A log whose links are those of the two records.
            let mut activities = ActivityLog::default();
            let subject = crate::Subject::new("s")?;
            for (&id, minute) in survivor.activities().union(absorbed.activities()).zip(0_i64..) {
                let mut activity = Activity::new(id, DateTime::UNIX_EPOCH + chrono::TimeDelta::minutes(minute), subject.clone(), ActivityKind::Note);
                for record in [&survivor, &absorbed] {
                    if record.activities().contains(&id) {
                        activity = activity.with_party(record.id());
                    }
                }
                activities.handle(&ActivityCommand::Log(activity))?;
            }
            let before = activities.clone();
            let record = MergeRecord::new(DateTime::UNIX_EPOCH, survivor.clone(), absorbed.clone(), &MergePolicy::default())?;
            for command in record.activity_commands() {
                activities.handle(&command)?;
            }
            let timeline: Vec<ActivityId> = activities.timeline(survivor.id()).map(Activity::id).collect();
            let unique: BTreeSet<ActivityId> = timeline.iter().copied().collect();
            prop_assert_eq!(timeline.len(), unique.len());
            prop_assert_eq!(&unique, record.merged().activities());
            prop_assert_eq!(activities.timeline(absorbed.id()).count(), 0);
            for command in record.unmerge_activity_commands() {
                activities.handle(&command)?;
            }
            prop_assert_eq!(activities, before);
        }

        #[test]
        fn the_survivor_contact_takes_in_the_roles_and_gives_them_back(
            (survivor, absorbed) in (strategy::party_record(1), strategy::party_record(2)),
        ) {
            use crate::{Contact, ContactCommand, Name};
            let t0 = DateTime::UNIX_EPOCH;
            let mut contact = Contact::default();
            contact.handle(&ContactCommand::new(t0, ContactChange::Create { id: survivor.id(), name: Name::new("Ada")? }))?;
            for role in survivor.roles() {
                // A second open role at one organization is refused: the
                // contact keeps one.
                let _ = contact.handle(&ContactCommand::new(t0, ContactChange::AddRole { organization: role.organization, title: None }));
            }
            let (roles, consents) = (contact.roles().to_vec(), contact.consents().clone());
            let record = MergeRecord::new(t0, survivor.clone(), absorbed.clone(), &MergePolicy::default())?;
            contact.handle(&ContactCommand::new(t0, record.contact_change()))?;
            for role in absorbed.roles() {
                let kept = contact.roles().contains(role)
                    || contact.roles().iter().any(|r| r.organization == role.organization && r.until.is_none());
                prop_assert!(kept, "{role:?}");
            }
            contact.handle(&ContactCommand::new(t0, record.unmerge_contact_change()))?;
            prop_assert_eq!(contact.roles(), &roles[..]);
            prop_assert_eq!(contact.consents(), &consents);
        }
    }
}
