//! Consent per channel and purpose, and the check a marketing touch passes
//! before it is sendable.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

use crate::text::{Purpose, Source};

/// How a party is reached.
///
/// ```
/// use bureau_crm::Channel;
/// assert_eq!(Channel::Sms.to_string(), "sms");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Channel {
    /// Email to one of the party's addresses.
    Email,
    /// A voice call to one of its phone numbers.
    Phone,
    /// A text message to one of its phone numbers.
    Sms,
    /// Mail to one of its postal addresses.
    Post,
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::Post => "post",
        })
    }
}

/// Whether consent is given.
///
/// ```
/// use bureau_crm::ConsentState;
/// assert!(ConsentState::Granted.is_granted());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ConsentState {
    /// The party agreed.
    Granted,
    /// The party took its agreement back (or never gave it).
    Withdrawn,
}

impl ConsentState {
    /// True for [`ConsentState::Granted`].
    pub const fn is_granted(self) -> bool {
        matches!(self, ConsentState::Granted)
    }
}

/// One statement of consent: for a channel and purpose, granted or
/// withdrawn, at an instant, from a source (the form, the call, the import).
///
/// ```
/// use bureau_crm::{Channel, ConsentRecord, ConsentState, Purpose, Source};
/// use chrono::DateTime;
///
/// let record = ConsentRecord::new(
///     Channel::Email,
///     Purpose::new("newsletter")?,
///     ConsentState::Granted,
///     DateTime::UNIX_EPOCH,
///     Source::new("signup form")?,
/// );
/// assert!(record.state().is_granted());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConsentRecord {
    channel: Channel,
    purpose: Purpose,
    state: ConsentState,
    at: DateTime<Utc>,
    source: Source,
}

impl ConsentRecord {
    /// A statement of consent.
    pub fn new(
        channel: Channel,
        purpose: Purpose,
        state: ConsentState,
        at: DateTime<Utc>,
        source: Source,
    ) -> Self {
        ConsentRecord {
            channel,
            purpose,
            state,
            at,
            source,
        }
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The purpose.
    pub fn purpose(&self) -> &Purpose {
        &self.purpose
    }

    /// Granted or withdrawn.
    pub fn state(&self) -> ConsentState {
        self.state
    }

    /// When it was stated.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Where it was stated.
    pub fn source(&self) -> &Source {
        &self.source
    }
}

/// Every consent statement of a party, in the order recorded, and the one in
/// force per channel and purpose (the latest).
///
/// Without any statement for a channel and purpose, consent is not given:
/// [`Consents::state`] is [`ConsentState::Withdrawn`].
///
/// ```
/// use bureau_crm::{Channel, ConsentRecord, ConsentState, Consents, Purpose, Source};
/// use chrono::{DateTime, TimeDelta};
///
/// let news = Purpose::new("newsletter")?;
/// let t0 = DateTime::UNIX_EPOCH;
/// let mut consents = Consents::default();
/// consents.record(ConsentRecord::new(Channel::Email, news.clone(), ConsentState::Granted, t0, Source::new("form")?));
/// consents.record(ConsentRecord::new(Channel::Email, news.clone(), ConsentState::Withdrawn, t0 + TimeDelta::days(3), Source::new("unsubscribe link")?));
/// assert_eq!(consents.state(Channel::Email, &news), ConsentState::Withdrawn);
/// assert_eq!(consents.state_at(Channel::Email, &news, t0 + TimeDelta::days(1)), ConsentState::Granted);
/// assert_eq!(consents.history().len(), 2);
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consents {
    history: Vec<ConsentRecord>,
    /// Position in `history` of the statement in force, per key.
    current: BTreeMap<(Channel, Purpose), usize>,
}

impl Consents {
    /// Adds a statement; it is in force from its instant on. Statements are
    /// expected in the order of their instants (the aggregates that hold
    /// consents refuse anything else).
    pub fn record(&mut self, record: ConsentRecord) {
        let key = (record.channel, record.purpose.clone());
        self.current.insert(key, self.history.len());
        self.history.push(record);
    }

    /// Adds statements of a merged duplicate, each at its place in time
    /// (after the statements of the same instant already here), skipping
    /// those already here; returns the ones added. The statement in force
    /// per key is then the latest again.
    pub(crate) fn absorb(&mut self, records: &[ConsentRecord]) -> Vec<ConsentRecord> {
        let mut added = Vec::new();
        for record in records {
            if self.history.contains(record) || added.contains(record) {
                continue;
            }
            let place = self.history.partition_point(|r| r.at <= record.at);
            self.history.insert(place, record.clone());
            added.push(record.clone());
        }
        self.reindex();
        added
    }

    /// Removes statements [`Consents::absorb`] added (one occurrence each).
    pub(crate) fn release(&mut self, records: &[ConsentRecord]) {
        for record in records {
            if let Some(place) = self.history.iter().position(|r| r == record) {
                self.history.remove(place);
            }
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.current.clear();
        for (index, record) in self.history.iter().enumerate() {
            self.current
                .insert((record.channel, record.purpose.clone()), index);
        }
    }

    /// The statement in force for `channel` and `purpose`, if any.
    pub fn current(&self, channel: Channel, purpose: &Purpose) -> Option<&ConsentRecord> {
        self.current
            .get(&(channel, purpose.clone()))
            .and_then(|index| self.history.get(*index))
    }

    /// Whether consent is given now (the latest statement).
    pub fn state(&self, channel: Channel, purpose: &Purpose) -> ConsentState {
        self.current(channel, purpose)
            .map_or(ConsentState::Withdrawn, ConsentRecord::state)
    }

    /// Whether consent was given at `at`: the latest statement at or before
    /// it, withdrawn when there is none.
    pub fn state_at(&self, channel: Channel, purpose: &Purpose, at: DateTime<Utc>) -> ConsentState {
        self.history
            .iter()
            .rev()
            .find(|r| r.channel == channel && &r.purpose == purpose && r.at <= at)
            .map_or(ConsentState::Withdrawn, ConsentRecord::state)
    }

    /// Every statement, in the order recorded.
    pub fn history(&self) -> &[ConsentRecord] {
        &self.history
    }
}
