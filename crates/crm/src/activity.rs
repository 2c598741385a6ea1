//! Activities linked to parties (calls, emails, meetings, notes, tasks) and
//! the log that holds them: timelines in order and overdue tasks.

use std::collections::{BTreeMap, BTreeSet};

use bureau_core::{Aggregate, DomainEvent, Id, PartyId, UserId};
use chrono::{DateTime, TimeDelta, Utc};

use crate::kind;
use crate::text::Subject;
use crate::{Error, Result};

/// The id of an [`Activity`].
pub type ActivityId = Id<kind::Activity>;

/// Which way a call or an email went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Direction {
    /// From the party to the company.
    Inbound,
    /// From the company to the party.
    Outbound,
}

/// What kind of activity, with what only that kind has.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ActivityKind {
    /// A phone call that lasted `duration` (not negative).
    Call {
        /// Inbound or outbound.
        direction: Direction,
        /// How long.
        duration: TimeDelta,
    },
    /// An email sent or received.
    Email {
        /// Inbound or outbound.
        direction: Direction,
    },
    /// A meeting from the activity's instant to `end` (not before it).
    Meeting {
        /// When it ends.
        end: DateTime<Utc>,
    },
    /// A note.
    Note,
    /// Something to do by `due`.
    Task {
        /// When it is due.
        due: DateTime<Utc>,
    },
}

/// One activity: what happened (or is to be done) with which parties, when.
///
/// ```
/// use bureau_core::PartyId;
/// use bureau_crm::{Activity, ActivityId, ActivityKind, Direction, Subject};
/// use chrono::{DateTime, TimeDelta};
///
/// let call = Activity::new(
///     ActivityId::from_u128(1),
///     DateTime::UNIX_EPOCH,
///     Subject::new("Discovery call")?,
///     ActivityKind::Call { direction: Direction::Outbound, duration: TimeDelta::minutes(25) },
/// )
/// .with_party(PartyId::from_u128(7));
/// assert_eq!(call.parties().len(), 1);
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Activity {
    id: ActivityId,
    at: DateTime<Utc>,
    subject: Subject,
    kind: ActivityKind,
    parties: BTreeSet<PartyId>,
    owner: Option<UserId>,
}

impl Activity {
    /// An activity at `at` (a task's creation, a meeting's start) with no
    /// party yet.
    pub fn new(id: ActivityId, at: DateTime<Utc>, subject: Subject, kind: ActivityKind) -> Self {
        Activity {
            id,
            at,
            subject,
            kind,
            parties: BTreeSet::new(),
            owner: None,
        }
    }

    /// Links a party (a party linked twice is linked once).
    pub fn with_party(mut self, party: PartyId) -> Self {
        self.parties.insert(party);
        self
    }

    /// This activity linked to `to` instead of `from` (unchanged when not
    /// linked to `from`).
    pub(crate) fn replace_party(&self, from: PartyId, to: PartyId) -> Self {
        let mut moved = self.clone();
        if moved.parties.remove(&from) {
            moved.parties.insert(to);
        }
        moved
    }

    /// Sets the user responsible.
    pub fn with_owner(mut self, owner: UserId) -> Self {
        self.owner = Some(owner);
        self
    }

    /// The id.
    pub fn id(&self) -> ActivityId {
        self.id
    }

    /// When it happened, started or was created.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The subject.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The kind.
    pub fn kind(&self) -> &ActivityKind {
        &self.kind
    }

    /// The parties linked, in id order.
    pub fn parties(&self) -> &BTreeSet<PartyId> {
        &self.parties
    }

    /// The user responsible.
    pub fn owner(&self) -> Option<UserId> {
        self.owner
    }

    /// A task's due instant.
    pub fn due(&self) -> Option<DateTime<Utc>> {
        match self.kind {
            ActivityKind::Task { due } => Some(due),
            _ => None,
        }
    }

    fn check(&self) -> Result<()> {
        let id = self.id;
        if self.parties.is_empty() {
            return Err(Error::NoParties { activity: id });
        }
        match self.kind {
            ActivityKind::Call { duration, .. } if duration < TimeDelta::zero() => {
                Err(Error::NegativeSpan { activity: id })
            }
            ActivityKind::Meeting { end } if end < self.at => {
                Err(Error::NegativeSpan { activity: id })
            }
            _ => Ok(()),
        }
    }
}

/// A command to an [`ActivityLog`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ActivityCommand {
    /// Records an activity (refused for an id already logged, no party, a
    /// negative call duration or a meeting ending before it starts).
    Log(Activity),
    /// Marks a task done at `at` (refused for anything but an open task, or
    /// before the task was created).
    Complete {
        /// The task.
        task: ActivityId,
        /// When.
        at: DateTime<Utc>,
    },
    /// Moves an open task's due instant.
    Reschedule {
        /// The task.
        task: ActivityId,
        /// The new due instant.
        due: DateTime<Utc>,
    },
    /// Links one more party to an activity (refused for an unknown
    /// activity or a party linked already). With [`ActivityCommand::Unlink`]
    /// it re-points activities when parties merge: see
    /// [`MergeRecord::activity_commands`](crate::merge::MergeRecord::activity_commands).
    Link {
        /// The activity.
        activity: ActivityId,
        /// The party.
        party: PartyId,
    },
    /// Unlinks a party from an activity (refused for an unknown activity,
    /// a party not linked, or the last party linked: an activity always
    /// has one).
    Unlink {
        /// The activity.
        activity: ActivityId,
        /// The party.
        party: PartyId,
    },
}

/// An event of an [`ActivityLog`]: an accepted command.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ActivityEvent {
    /// An activity was recorded.
    Logged(Activity),
    /// A task was done.
    Completed {
        /// The task.
        task: ActivityId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A task's due instant moved.
    Rescheduled {
        /// The task.
        task: ActivityId,
        /// The new due instant.
        due: DateTime<Utc>,
    },
    /// A party was linked to an activity.
    Linked {
        /// The activity.
        activity: ActivityId,
        /// The party.
        party: PartyId,
    },
    /// A party was unlinked from an activity.
    Unlinked {
        /// The activity.
        activity: ActivityId,
        /// The party.
        party: PartyId,
    },
}

impl DomainEvent for ActivityEvent {
    fn event_type(&self) -> &'static str {
        match self {
            ActivityEvent::Logged(_) => "activity_logged",
            ActivityEvent::Completed { .. } => "task_completed",
            ActivityEvent::Rescheduled { .. } => "task_rescheduled",
            ActivityEvent::Linked { .. } => "activity_linked",
            ActivityEvent::Unlinked { .. } => "activity_unlinked",
        }
    }
}

/// The activities of one stream (a team's, an account's: the caller
/// chooses), as a [`bureau_core::Aggregate`].
///
/// ```
/// use bureau_core::{Aggregate, PartyId};
/// use bureau_crm::{Activity, ActivityCommand, ActivityId, ActivityKind, ActivityLog, Subject};
/// use chrono::{DateTime, TimeDelta};
///
/// let t0 = DateTime::UNIX_EPOCH;
/// let ada = PartyId::from_u128(1);
/// let mut log = ActivityLog::default();
/// let task = Activity::new(ActivityId::from_u128(2), t0, Subject::new("Send quote")?, ActivityKind::Task { due: t0 + TimeDelta::days(2) });
/// let note = Activity::new(ActivityId::from_u128(1), t0 + TimeDelta::hours(1), Subject::new("Wants 40 seats")?, ActivityKind::Note);
/// log.handle(&ActivityCommand::Log(note.with_party(ada)))?;
/// log.handle(&ActivityCommand::Log(task.with_party(ada)))?;
///
/// let subjects: Vec<_> = log.timeline(ada).map(|a| a.subject().as_str()).collect();
/// assert_eq!(subjects, ["Send quote", "Wants 40 seats"]);
/// assert_eq!(log.overdue(t0 + TimeDelta::days(3)).count(), 1);
///
/// log.handle(&ActivityCommand::Complete { task: ActivityId::from_u128(2), at: t0 + TimeDelta::days(1) })?;
/// assert_eq!(log.overdue(t0 + TimeDelta::days(3)).count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityLog {
    activities: BTreeMap<ActivityId, Entry>,
    by_party: BTreeMap<PartyId, BTreeSet<(DateTime<Utc>, ActivityId)>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    activity: Activity,
    completed_at: Option<DateTime<Utc>>,
}

impl ActivityLog {
    /// A log rebuilt from its stored events.
    ///
    /// # Errors
    ///
    /// The first event [`Aggregate::replay`] refuses.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a ActivityEvent>) -> Result<Self> {
        let mut log = ActivityLog::default();
        for event in events {
            log.replay(event)?;
        }
        Ok(log)
    }

    /// An activity by id.
    pub fn get(&self, id: ActivityId) -> Option<&Activity> {
        self.activities.get(&id).map(|entry| &entry.activity)
    }

    /// When a task was completed.
    pub fn completed_at(&self, task: ActivityId) -> Option<DateTime<Utc>> {
        self.activities
            .get(&task)
            .and_then(|entry| entry.completed_at)
    }

    /// The activities linked to `party`, oldest first (ties by id).
    pub fn timeline(&self, party: PartyId) -> impl Iterator<Item = &Activity> {
        self.by_party
            .get(&party)
            .into_iter()
            .flatten()
            .filter_map(|(_, id)| self.get(*id))
    }

    /// The tasks overdue at `as_of`: due before it and not completed by it
    /// (a task completed later counts as overdue at `as_of`). In id order.
    ///
    /// ```
    /// use bureau_core::{Aggregate, PartyId};
    /// use bureau_crm::{Activity, ActivityCommand, ActivityId, ActivityKind, ActivityLog, Subject};
    /// use chrono::{DateTime, TimeDelta};
    ///
    /// let t0 = DateTime::UNIX_EPOCH;
    /// let mut log = ActivityLog::default();
    /// let due = t0 + TimeDelta::days(1);
    /// let task = Activity::new(ActivityId::from_u128(1), t0, Subject::new("Call back")?, ActivityKind::Task { due });
    /// log.handle(&ActivityCommand::Log(task.with_party(PartyId::from_u128(1))))?;
    /// log.handle(&ActivityCommand::Complete { task: ActivityId::from_u128(1), at: due + TimeDelta::days(1) })?;
    /// assert_eq!(log.overdue(due).count(), 0); // due at, not before
    /// assert_eq!(log.overdue(due + TimeDelta::hours(1)).count(), 1);
    /// assert_eq!(log.overdue(due + TimeDelta::days(2)).count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overdue(&self, as_of: DateTime<Utc>) -> impl Iterator<Item = &Activity> {
        self.activities.values().filter_map(move |entry| {
            let due = entry.activity.due()?;
            let open_then = entry.completed_at.is_none_or(|done| done > as_of);
            (due < as_of && open_then).then_some(&entry.activity)
        })
    }

    fn entry(&self, activity: ActivityId) -> Result<&Entry> {
        self.activities
            .get(&activity)
            .ok_or(Error::UnknownActivity { activity })
    }

    fn open_task(&self, task: ActivityId) -> Result<&Entry> {
        let entry = self
            .activities
            .get(&task)
            .ok_or(Error::UnknownActivity { activity: task })?;
        if entry.activity.due().is_none() {
            return Err(Error::NotATask { activity: task });
        }
        if let Some(at) = entry.completed_at {
            return Err(Error::TaskCompleted { activity: task, at });
        }
        Ok(entry)
    }
}

impl Aggregate for ActivityLog {
    type Command = ActivityCommand;
    type Event = ActivityEvent;
    type Error = Error;

    fn decide(&self, command: &ActivityCommand) -> Result<Vec<ActivityEvent>> {
        let event = match command {
            ActivityCommand::Log(activity) => {
                if self.activities.contains_key(&activity.id) {
                    return Err(Error::ActivityExists {
                        activity: activity.id,
                    });
                }
                activity.check()?;
                ActivityEvent::Logged(activity.clone())
            }
            ActivityCommand::Complete { task, at } => {
                let entry = self.open_task(*task)?;
                if *at < entry.activity.at {
                    return Err(Error::CompletedBeforeCreated {
                        activity: *task,
                        at: *at,
                        created: entry.activity.at,
                    });
                }
                ActivityEvent::Completed {
                    task: *task,
                    at: *at,
                }
            }
            ActivityCommand::Reschedule { task, due } => {
                self.open_task(*task)?;
                ActivityEvent::Rescheduled {
                    task: *task,
                    due: *due,
                }
            }
            ActivityCommand::Link { activity, party } => {
                if self.entry(*activity)?.activity.parties.contains(party) {
                    return Err(Error::AlreadyPresent {
                        party: *party,
                        what: format!("activity {activity}"),
                    });
                }
                ActivityEvent::Linked {
                    activity: *activity,
                    party: *party,
                }
            }
            ActivityCommand::Unlink { activity, party } => {
                let parties = &self.entry(*activity)?.activity.parties;
                if !parties.contains(party) {
                    return Err(Error::NotPresent {
                        party: *party,
                        what: format!("activity {activity}"),
                    });
                }
                if parties.len() == 1 {
                    return Err(Error::NoParties {
                        activity: *activity,
                    });
                }
                ActivityEvent::Unlinked {
                    activity: *activity,
                    party: *party,
                }
            }
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &ActivityEvent) {
        match event {
            ActivityEvent::Logged(activity) => {
                for party in &activity.parties {
                    self.by_party
                        .entry(*party)
                        .or_default()
                        .insert((activity.at, activity.id));
                }
                self.activities.insert(
                    activity.id,
                    Entry {
                        activity: activity.clone(),
                        completed_at: None,
                    },
                );
            }
            ActivityEvent::Completed { task, at } => {
                if let Some(entry) = self.activities.get_mut(task) {
                    entry.completed_at = Some(*at);
                }
            }
            ActivityEvent::Rescheduled { task, due } => {
                if let Some(entry) = self.activities.get_mut(task) {
                    entry.activity.kind = ActivityKind::Task { due: *due };
                }
            }
            ActivityEvent::Linked { activity, party } => {
                if let Some(entry) = self.activities.get_mut(activity) {
                    entry.activity.parties.insert(*party);
                    self.by_party
                        .entry(*party)
                        .or_default()
                        .insert((entry.activity.at, *activity));
                }
            }
            ActivityEvent::Unlinked { activity, party } => {
                if let Some(entry) = self.activities.get_mut(activity) {
                    entry.activity.parties.remove(party);
                    if let Some(timeline) = self.by_party.get_mut(party) {
                        timeline.remove(&(entry.activity.at, *activity));
                        // No empty timelines: a log that unlinks what it
                        // linked equals the log before.
                        if timeline.is_empty() {
                            self.by_party.remove(party);
                        }
                    }
                }
            }
        }
    }

    /// Checks a stored event as [`decide`](Aggregate::decide) would have,
    /// then folds it; a refused event changes nothing.
    fn replay(&mut self, event: &ActivityEvent) -> Result<()> {
        let command = match event {
            ActivityEvent::Logged(activity) => ActivityCommand::Log(activity.clone()),
            ActivityEvent::Completed { task, at } => ActivityCommand::Complete {
                task: *task,
                at: *at,
            },
            ActivityEvent::Rescheduled { task, due } => ActivityCommand::Reschedule {
                task: *task,
                due: *due,
            },
            ActivityEvent::Linked { activity, party } => ActivityCommand::Link {
                activity: *activity,
                party: *party,
            },
            ActivityEvent::Unlinked { activity, party } => ActivityCommand::Unlink {
                activity: *activity,
                party: *party,
            },
        };
        self.decide(&command)?;
        self.apply(event);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::hours(hours)
    }

    fn subject() -> Subject {
        Subject::new("x").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn refusals_name_the_activity() {
        let id = ActivityId::from_u128(1);
        let party = PartyId::from_u128(1);
        let mut log = ActivityLog::default();
        let lonely = Activity::new(id, at(0), subject(), ActivityKind::Note);
        assert_eq!(
            log.decide(&ActivityCommand::Log(lonely.clone())),
            Err(Error::NoParties { activity: id })
        );
        let meeting = Activity::new(id, at(2), subject(), ActivityKind::Meeting { end: at(1) });
        assert_eq!(
            log.decide(&ActivityCommand::Log(meeting.with_party(party))),
            Err(Error::NegativeSpan { activity: id })
        );
        assert!(
            log.handle(&ActivityCommand::Log(lonely.clone().with_party(party)))
                .is_ok()
        );
        assert_eq!(
            log.decide(&ActivityCommand::Log(lonely.with_party(party))),
            Err(Error::ActivityExists { activity: id })
        );
        assert_eq!(
            log.decide(&ActivityCommand::Complete {
                task: id,
                at: at(1)
            }),
            Err(Error::NotATask { activity: id })
        );
        let task_id = ActivityId::from_u128(2);
        let task = Activity::new(task_id, at(5), subject(), ActivityKind::Task { due: at(9) });
        assert!(
            log.handle(&ActivityCommand::Log(task.with_party(party)))
                .is_ok()
        );
        assert_eq!(
            log.decide(&ActivityCommand::Complete {
                task: task_id,
                at: at(4)
            }),
            Err(Error::CompletedBeforeCreated {
                activity: task_id,
                at: at(4),
                created: at(5)
            })
        );
        assert!(
            log.handle(&ActivityCommand::Complete {
                task: task_id,
                at: at(6)
            })
            .is_ok()
        );
        assert_eq!(
            log.decide(&ActivityCommand::Reschedule {
                task: task_id,
                due: at(20)
            }),
            Err(Error::TaskCompleted {
                activity: task_id,
                at: at(6)
            })
        );
    }

    #[test]
    fn links_move_an_activity_between_timelines_and_back() {
        let (id, ada, bob) = (
            ActivityId::from_u128(1),
            PartyId::from_u128(1),
            PartyId::from_u128(2),
        );
        let mut log = ActivityLog::default();
        let note = Activity::new(id, at(0), subject(), ActivityKind::Note).with_party(ada);
        let mut events = log.handle(&ActivityCommand::Log(note)).unwrap();
        let before = log.clone();
        let link = ActivityCommand::Link {
            activity: id,
            party: bob,
        };
        let unlink = |party| ActivityCommand::Unlink {
            activity: id,
            party,
        };
        events.extend(log.handle(&link).unwrap());
        events.extend(log.handle(&unlink(ada)).unwrap());
        assert_eq!(log.timeline(ada).count(), 0);
        assert_eq!(
            log.timeline(bob).map(Activity::id).collect::<Vec<_>>(),
            [id]
        );
        assert_eq!(ActivityLog::from_events(&events).unwrap(), log);
        let what = format!("activity {id}");
        assert_eq!(
            log.decide(&link),
            Err(Error::AlreadyPresent {
                party: bob,
                what: what.clone()
            })
        );
        assert_eq!(
            log.decide(&unlink(ada)),
            Err(Error::NotPresent { party: ada, what })
        );
        assert_eq!(
            log.decide(&unlink(bob)),
            Err(Error::NoParties { activity: id })
        );
        let unknown = ActivityId::from_u128(9);
        assert_eq!(
            log.decide(&ActivityCommand::Link {
                activity: unknown,
                party: ada
            }),
            Err(Error::UnknownActivity { activity: unknown })
        );
        log.handle(&ActivityCommand::Link {
            activity: id,
            party: ada,
        })
        .unwrap();
        log.handle(&unlink(bob)).unwrap();
        assert_eq!(log, before);
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::minutes(minutes)
    }

    /// Up to 30 commands over 3 parties, tasks and notes, some completions.
    fn commands() -> impl Strategy<Value = Vec<ActivityCommand>> {
        prop::collection::vec(
            (
                1_u128..=20,
                0_i64..=500,
                prop::option::of(0_i64..=500),
                1_u128..=3,
                0_u8..5,
            ),
            0..=30,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .filter_map(|(id, start, due, party, action)| {
                    let id = ActivityId::from_u128(id);
                    let subject = Subject::new("s").ok()?;
                    let party_id = PartyId::from_u128(party);
                    Some(if action == 2 {
                        ActivityCommand::Complete {
                            task: id,
                            at: at(start),
                        }
                    } else if action == 3 {
                        ActivityCommand::Link {
                            activity: id,
                            party: party_id,
                        }
                    } else if action == 4 {
                        ActivityCommand::Unlink {
                            activity: id,
                            party: party_id,
                        }
                    } else {
                        let kind =
                            due.map_or(ActivityKind::Note, |d| ActivityKind::Task { due: at(d) });
                        ActivityCommand::Log(
                            Activity::new(id, at(start), subject, kind)
                                .with_party(PartyId::from_u128(party)),
                        )
                    })
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn timelines_are_ordered_and_complete(commands in commands()) {
            let mut log = ActivityLog::default();
            let mut events = Vec::new();
            for command in &commands {
                if let Ok(decided) = log.handle(command) {
                    events.extend(decided);
                }
            }
            prop_assert_eq!(&ActivityLog::from_events(&events)?, &log);
            for party in (1..=3).map(PartyId::from_u128) {
                let timeline: Vec<_> = log.timeline(party).collect();
                prop_assert!(timeline.windows(2).all(|p| (p[0].at(), p[0].id()) < (p[1].at(), p[1].id())));
                let linked = log.activities.values().filter(|e| e.activity.parties().contains(&party)).count();
                prop_assert_eq!(timeline.len(), linked);
            }
        }

        #[test]
        fn overdue_means_due_before_and_open_then(commands in commands(), as_of in 0_i64..=600) {
            let mut log = ActivityLog::default();
            for command in &commands {
                let _ = log.handle(command);
            }
            let as_of = at(as_of);
            let overdue: BTreeSet<_> = log.overdue(as_of).map(Activity::id).collect();
            for entry in log.activities.values() {
                let expected = entry.activity.due().is_some_and(|due| due < as_of)
                    && entry.completed_at.is_none_or(|done| done > as_of);
                prop_assert_eq!(overdue.contains(&entry.activity.id()), expected);
            }
        }
    }
}
