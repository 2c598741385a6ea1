//! Support cases: a customer's request from opening to closing.
//!
//! A [`Case`] (an aggregate, identified by a [`TicketId`]) has a requester,
//! maybe an organization, the [`CaseChannel`] it came in by, a
//! [`CasePriority`], a [`CaseStatus`], an assignee and a group, tags, the
//! conversation (public replies, private notes, customer messages) and a
//! [`Satisfaction`] rating once solved.
//!
//! # Statuses
//!
//! A case is opened [`New`](CaseStatus::New); it moves between
//! [`Open`](CaseStatus::Open), [`Pending`](CaseStatus::Pending) and
//! [`OnHold`](CaseStatus::OnHold), to [`Solved`](CaseStatus::Solved) (a
//! reopen brings it back) and from solved only to
//! [`Closed`](CaseStatus::Closed), which is final: a closed case takes no
//! more changes. No case moves back to new. A customer message on a solved
//! case reopens it: the decision records the move to open first.
//!
//! # The SLA vocabulary
//!
//! The statuses are those of `bureau-sla`'s ticket history one to one, with
//! the same names ([`CaseStatus::as_str`]: `new`, `open`, `pending`,
//! `on_hold`, `solved`, `closed`). Every move a case accepts is one the
//! ticket history accepts (never to the same status, never back to new);
//! the history also takes a close from any open status, which a case
//! refuses (closed only from solved). Every [`CaseChange`] maps onto at
//! most one SLA `EventKind` at the same instant, and every SLA event kind
//! has its case change:
//!
//! | case change | SLA event kind |
//! |---|---|
//! | [`CaseChange::Open`] | `Created` (opened by the customer or by an agent; attributes priority, channel, assignee, tags) |
//! | [`CaseChange::Status`] | `StatusChanged` |
//! | [`CaseChange::Reply`] | `PublicReply` |
//! | [`CaseChange::Note`] | `PrivateNote` |
//! | [`CaseChange::CustomerMessage`] | `CustomerMessage` |
//! | [`CaseChange::Priority`], [`CaseChange::Assign`], [`CaseChange::AddTag`], [`CaseChange::RemoveTag`] | `AttributesChanged` with the case's attributes after the change |
//! | [`CaseChange::MergeInto`] | `Merged` (into the other ticket; the case is closed) |
//! | [`CaseChange::Delete`] | `Deleted` |
//! | [`CaseChange::Rate`] | none (no clock depends on it) |
//!
//! [`CaseChannel::as_str`] gives the channel names the SLA attributes use.
//! The group is not an SLA attribute.

use std::collections::BTreeSet;

use bureau_core::{Aggregate, DomainEvent, Id, PartyId, TicketId, UserId};
use chrono::{DateTime, Utc};

use crate::kind;
use crate::{Error, MacroName, MessageText, Result, Subject, Tag};

/// The id of a group of agents.
pub type GroupId = Id<kind::Group>;

/// Where a case stands; the same six as `bureau-sla`'s `Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CaseStatus {
    /// Opened, nobody has worked on it yet.
    New,
    /// Being worked on.
    Open,
    /// Waiting on the customer.
    Pending,
    /// Waiting on a third party.
    OnHold,
    /// Done; may be reopened.
    Solved,
    /// Done for good (final).
    Closed,
}

impl CaseStatus {
    /// Every status, in life order.
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::New,
        CaseStatus::Open,
        CaseStatus::Pending,
        CaseStatus::OnHold,
        CaseStatus::Solved,
        CaseStatus::Closed,
    ];

    /// The name, as `bureau-sla` spells its status.
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Open => "open",
            CaseStatus::Pending => "pending",
            CaseStatus::OnHold => "on_hold",
            CaseStatus::Solved => "solved",
            CaseStatus::Closed => "closed",
        }
    }

    /// Whether a case may move from this status to `to`: not to itself,
    /// never back to new, to closed only from solved, nowhere from closed.
    ///
    /// ```
    /// use bureau_crm::case::CaseStatus;
    /// assert!(CaseStatus::Solved.may_move_to(CaseStatus::Open));
    /// assert!(!CaseStatus::Open.may_move_to(CaseStatus::Closed));
    /// assert!(!CaseStatus::Closed.may_move_to(CaseStatus::Open));
    /// ```
    pub const fn may_move_to(self, to: CaseStatus) -> bool {
        !matches!(self, CaseStatus::Closed)
            && self as u8 != to as u8
            && !matches!(to, CaseStatus::New)
            && (!matches!(to, CaseStatus::Closed) || matches!(self, CaseStatus::Solved))
    }

    /// Solved or closed.
    pub const fn is_resolved(self) -> bool {
        matches!(self, CaseStatus::Solved | CaseStatus::Closed)
    }
}

impl std::fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How urgent a case is; the same four as `bureau-sla`'s `Priority`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CasePriority {
    /// Can wait.
    Low,
    /// The usual case.
    #[default]
    Normal,
    /// Needs attention soon.
    High,
    /// Needs attention now.
    Urgent,
}

/// How a case came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CaseChannel {
    /// By email.
    Email,
    /// Through a web form.
    Web,
    /// By phone.
    Phone,
    /// By chat.
    Chat,
    /// Through social media.
    Social,
    /// Through an API.
    Api,
}

impl CaseChannel {
    /// The channel's name as SLA attributes carry it (`email`, `web`,
    /// `phone`, `chat`, `social`, `api`).
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseChannel::Email => "email",
            CaseChannel::Web => "web",
            CaseChannel::Phone => "phone",
            CaseChannel::Chat => "chat",
            CaseChannel::Social => "social",
            CaseChannel::Api => "api",
        }
    }
}

/// Who opened a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Opener {
    /// The customer wrote in.
    Customer,
    /// An agent opened it on the customer's behalf.
    Agent(UserId),
}

/// A satisfaction rating on the 5-point CSAT scale (1 to 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Satisfaction(u8);

impl Satisfaction {
    /// A rating of `score`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRating`] outside 1 to 5.
    pub fn new(score: u8) -> Result<Self> {
        if (1..=5).contains(&score) {
            Ok(Satisfaction(score))
        } else {
            Err(Error::InvalidRating { score })
        }
    }

    /// The score, 1 to 5.
    pub fn score(self) -> u8 {
        self.0
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Satisfaction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let score = u8::deserialize(d)?;
        Satisfaction::new(score).map_err(serde::de::Error::custom)
    }
}

/// What a case command or event changes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CaseChange {
    /// The case is opened (first event of its stream), status new.
    Open {
        /// Its id.
        id: TicketId,
        /// The person asking.
        requester: PartyId,
        /// The requester's organization, if known.
        organization: Option<PartyId>,
        /// How it came in.
        channel: CaseChannel,
        /// How urgent.
        priority: CasePriority,
        /// Who opened it.
        opened_by: Opener,
        /// What it is about.
        subject: Subject,
    },
    /// The status changes (guarded by [`CaseStatus::may_move_to`]).
    Status(CaseStatus),
    /// The priority changes.
    Priority(CasePriority),
    /// Assignee and group from now on (`None` unassigns).
    Assign {
        /// The agent.
        assignee: Option<UserId>,
        /// The group.
        group: Option<GroupId>,
    },
    /// A tag is added (adding one already there records nothing).
    AddTag(Tag),
    /// A tag is removed (removing one not there records nothing).
    RemoveTag(Tag),
    /// An agent replies publicly.
    Reply {
        /// The agent.
        agent: UserId,
        /// What they wrote.
        body: MessageText,
    },
    /// An agent writes a private note.
    Note {
        /// The agent.
        agent: UserId,
        /// What they wrote.
        body: MessageText,
    },
    /// The customer writes (reopens a solved case).
    CustomerMessage {
        /// What they wrote.
        body: MessageText,
    },
    /// The requester rates a solved case (a later rating replaces it).
    Rate(Satisfaction),
    /// The case is merged into another case, which carries the request on,
    /// and is closed by it (refused into itself).
    MergeInto(TicketId),
    /// The case is deleted (spam, opened by mistake): accepted once, a
    /// closed case included; the case takes no change after it.
    Delete,
}

impl CaseChange {
    /// The stable name of the change.
    pub fn name(&self) -> &'static str {
        match self {
            CaseChange::Open { .. } => "opened",
            CaseChange::Status(_) => "status_changed",
            CaseChange::Priority(_) => "priority_changed",
            CaseChange::Assign { .. } => "assigned",
            CaseChange::AddTag(_) => "tag_added",
            CaseChange::RemoveTag(_) => "tag_removed",
            CaseChange::Reply { .. } => "public_reply",
            CaseChange::Note { .. } => "private_note",
            CaseChange::CustomerMessage { .. } => "customer_message",
            CaseChange::Rate(_) => "rated",
            CaseChange::MergeInto(_) => "merged",
            CaseChange::Delete => "deleted",
        }
    }
}

/// A named set of changes applied to a case as one command: priority, tags
/// added and removed, a reply from a template, a status. They are applied
/// in that order (the reply before the status, so that a macro can answer
/// and solve); if one is refused, none is recorded.
///
/// ```
/// use bureau_crm::case::{CasePriority, CaseStatus, Macro};
/// use bureau_crm::{MacroName, MessageText, Tag};
///
/// let solve = Macro::new(MacroName::new("answer and solve")?)
///     .with_tag(Tag::new("faq")?)
///     .with_priority(CasePriority::Low)
///     .with_reply(MessageText::new("See our FAQ.")?)
///     .with_status(CaseStatus::Solved);
/// assert_eq!(solve.name().as_str(), "answer and solve");
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Macro {
    name: MacroName,
    priority: Option<CasePriority>,
    add_tags: Vec<Tag>,
    remove_tags: Vec<Tag>,
    reply: Option<MessageText>,
    status: Option<CaseStatus>,
}

impl Macro {
    /// A macro that changes nothing yet.
    pub fn new(name: MacroName) -> Self {
        Macro {
            name,
            priority: None,
            add_tags: Vec::new(),
            remove_tags: Vec::new(),
            reply: None,
            status: None,
        }
    }

    /// Sets the priority.
    pub fn with_priority(mut self, priority: CasePriority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Adds a tag.
    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.add_tags.push(tag);
        self
    }

    /// Removes a tag.
    pub fn without_tag(mut self, tag: Tag) -> Self {
        self.remove_tags.push(tag);
        self
    }

    /// Replies with `template`, from the agent applying the macro.
    pub fn with_reply(mut self, template: MessageText) -> Self {
        self.reply = Some(template);
        self
    }

    /// Moves to `status`.
    pub fn with_status(mut self, status: CaseStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// The name.
    pub fn name(&self) -> &MacroName {
        &self.name
    }

    /// The changes, in the order applied, with `agent` as the author of
    /// the reply.
    pub fn changes(&self, agent: UserId) -> Vec<CaseChange> {
        let mut changes = Vec::new();
        changes.extend(self.priority.map(CaseChange::Priority));
        changes.extend(self.add_tags.iter().cloned().map(CaseChange::AddTag));
        changes.extend(self.remove_tags.iter().cloned().map(CaseChange::RemoveTag));
        changes.extend(
            self.reply
                .iter()
                .cloned()
                .map(|body| CaseChange::Reply { agent, body }),
        );
        changes.extend(self.status.map(CaseChange::Status));
        changes
    }
}

/// What to do to a case.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CaseAction {
    /// One change.
    Change(CaseChange),
    /// A macro applied by `agent`.
    Macro {
        /// The agent applying it (author of its reply).
        agent: UserId,
        /// The macro.
        r#macro: Macro,
    },
}

/// A command to a [`Case`]: an action at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CaseCommand {
    /// When.
    pub at: DateTime<Utc>,
    /// What.
    pub action: CaseAction,
}

impl CaseCommand {
    /// `change` at `at`.
    pub fn new(at: DateTime<Utc>, change: CaseChange) -> Self {
        CaseCommand {
            at,
            action: CaseAction::Change(change),
        }
    }

    /// `r#macro` applied by `agent` at `at`.
    pub fn apply_macro(at: DateTime<Utc>, agent: UserId, r#macro: Macro) -> Self {
        CaseCommand {
            at,
            action: CaseAction::Macro { agent, r#macro },
        }
    }
}

/// A change recorded on a case at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CaseEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// What changed.
    pub change: CaseChange,
}

impl DomainEvent for CaseEvent {
    fn event_type(&self) -> &'static str {
        self.change.name()
    }
}

/// One message of a case's conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Message {
    /// When.
    pub at: DateTime<Utc>,
    /// The agent who wrote it; `None` for the customer.
    pub author: Option<UserId>,
    /// Whether the customer sees it (false for private notes).
    pub public: bool,
    /// What was written.
    pub body: MessageText,
}

/// A support case, as an aggregate.
///
/// ```
/// use bureau_core::{Aggregate, PartyId, TicketId, UserId};
/// use bureau_crm::case::{Case, CaseChange, CaseChannel, CaseCommand, CasePriority, CaseStatus, Opener, Satisfaction};
/// use bureau_crm::{Error, MessageText, Subject};
/// use chrono::{DateTime, TimeDelta};
///
/// let t0 = DateTime::UNIX_EPOCH;
/// let agent = UserId::from_u128(9);
/// let mut case = Case::default();
/// for (minutes, change) in [
///     (0, CaseChange::Open {
///         id: TicketId::from_u128(1),
///         requester: PartyId::from_u128(2),
///         organization: None,
///         channel: CaseChannel::Email,
///         priority: CasePriority::High,
///         opened_by: Opener::Customer,
///         subject: Subject::new("Cannot log in")?,
///     }),
///     (5, CaseChange::Status(CaseStatus::Open)),
///     (6, CaseChange::Reply { agent, body: MessageText::new("Password reset sent.")? }),
///     (7, CaseChange::Status(CaseStatus::Solved)),
///     (8, CaseChange::Rate(Satisfaction::new(5)?)),
///     (9, CaseChange::Status(CaseStatus::Closed)),
/// ] {
///     case.handle(&CaseCommand::new(t0 + TimeDelta::minutes(minutes), change))?;
/// }
/// assert_eq!(case.status(), Some(CaseStatus::Closed));
/// assert_eq!(case.satisfaction().map(|s| s.score()), Some(5));
/// let reopen = CaseCommand::new(t0 + TimeDelta::minutes(10), CaseChange::Status(CaseStatus::Open));
/// assert!(matches!(case.decide(&reopen), Err(Error::CaseClosed { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Case {
    opened: Option<Opened>,
    last_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Opened {
    id: TicketId,
    requester: PartyId,
    organization: Option<PartyId>,
    channel: CaseChannel,
    priority: CasePriority,
    opened_by: Opener,
    subject: Subject,
    opened_at: DateTime<Utc>,
    status: CaseStatus,
    assignee: Option<UserId>,
    group: Option<GroupId>,
    tags: BTreeSet<Tag>,
    messages: Vec<Message>,
    satisfaction: Option<Satisfaction>,
    merged_into: Option<TicketId>,
    deleted: bool,
}

impl Case {
    /// Rebuilds a case from its events.
    ///
    /// # Errors
    ///
    /// The error its decision gives an event the rules do not accept.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a CaseEvent>) -> Result<Self> {
        let mut case = Case::default();
        for event in events {
            case.check(event.at, &event.change)?;
            case.apply(event);
        }
        Ok(case)
    }

    /// The id, once opened.
    pub fn id(&self) -> Option<TicketId> {
        self.opened.as_ref().map(|o| o.id)
    }

    /// The status, once opened.
    pub fn status(&self) -> Option<CaseStatus> {
        self.opened.as_ref().map(|o| o.status)
    }

    /// The requester, once opened.
    pub fn requester(&self) -> Option<PartyId> {
        self.opened.as_ref().map(|o| o.requester)
    }

    /// The requester's organization, if known.
    pub fn organization(&self) -> Option<PartyId> {
        self.opened.as_ref().and_then(|o| o.organization)
    }

    /// The channel, once opened.
    pub fn channel(&self) -> Option<CaseChannel> {
        self.opened.as_ref().map(|o| o.channel)
    }

    /// The priority, once opened.
    pub fn priority(&self) -> Option<CasePriority> {
        self.opened.as_ref().map(|o| o.priority)
    }

    /// Who opened it.
    pub fn opened_by(&self) -> Option<Opener> {
        self.opened.as_ref().map(|o| o.opened_by)
    }

    /// When it was opened.
    pub fn opened_at(&self) -> Option<DateTime<Utc>> {
        self.opened.as_ref().map(|o| o.opened_at)
    }

    /// The subject, once opened.
    pub fn subject(&self) -> Option<&Subject> {
        self.opened.as_ref().map(|o| &o.subject)
    }

    /// The assigned agent.
    pub fn assignee(&self) -> Option<UserId> {
        self.opened.as_ref().and_then(|o| o.assignee)
    }

    /// The assigned group.
    pub fn group(&self) -> Option<GroupId> {
        self.opened.as_ref().and_then(|o| o.group)
    }

    /// The tags, in order.
    pub fn tags(&self) -> impl Iterator<Item = &Tag> {
        self.opened.iter().flat_map(|o| o.tags.iter())
    }

    /// Whether the case carries `tag`.
    pub fn has_tag(&self, tag: &Tag) -> bool {
        self.opened.as_ref().is_some_and(|o| o.tags.contains(tag))
    }

    /// The conversation in order: replies, notes and customer messages.
    pub fn messages(&self) -> &[Message] {
        self.opened.as_ref().map_or(&[], |o| &o.messages)
    }

    /// The satisfaction rating, once rated.
    pub fn satisfaction(&self) -> Option<Satisfaction> {
        self.opened.as_ref().and_then(|o| o.satisfaction)
    }

    /// The case this one was merged into.
    pub fn merged_into(&self) -> Option<TicketId> {
        self.opened.as_ref().and_then(|o| o.merged_into)
    }

    /// Whether the case is deleted.
    pub fn is_deleted(&self) -> bool {
        self.opened.as_ref().is_some_and(|o| o.deleted)
    }

    /// Whether the case counts against an agent's open load (not solved or
    /// closed).
    pub fn is_active(&self) -> bool {
        self.status().is_some_and(|s| !s.is_resolved())
    }

    /// Checks one change at `at` against the state; `Ok(false)` when it
    /// records nothing (a tag already there, or not there to remove).
    fn check(&self, at: DateTime<Utc>, change: &CaseChange) -> Result<bool> {
        let Some(opened) = &self.opened else {
            return match change {
                CaseChange::Open { .. } => Ok(true),
                _ => Err(Error::CaseNotOpened),
            };
        };
        let case = opened.id;
        if opened.deleted {
            return Err(Error::CaseDeleted { case });
        }
        if opened.status == CaseStatus::Closed && *change != CaseChange::Delete {
            return Err(Error::CaseClosed { case });
        }
        if let Some(previous) = self.last_at
            && at < previous
        {
            return Err(Error::CaseOutOfOrder { case, at, previous });
        }
        match change {
            CaseChange::Open { .. } => Err(Error::CaseExists { case }),
            CaseChange::Status(to) => {
                if opened.status.may_move_to(*to) {
                    Ok(true)
                } else {
                    Err(Error::CaseTransition {
                        case,
                        from: opened.status,
                        to: *to,
                    })
                }
            }
            CaseChange::Rate(_) => {
                if opened.status == CaseStatus::Solved {
                    Ok(true)
                } else {
                    Err(Error::RatingBeforeSolved {
                        case,
                        status: opened.status,
                    })
                }
            }
            CaseChange::MergeInto(into) if *into == case => {
                Err(Error::CaseMergedIntoItself { case })
            }
            CaseChange::AddTag(tag) => Ok(!opened.tags.contains(tag)),
            CaseChange::RemoveTag(tag) => Ok(opened.tags.contains(tag)),
            CaseChange::Priority(_)
            | CaseChange::Assign { .. }
            | CaseChange::Reply { .. }
            | CaseChange::Note { .. }
            | CaseChange::CustomerMessage { .. }
            | CaseChange::MergeInto(_)
            | CaseChange::Delete => Ok(true),
        }
    }

    /// The events one change decides: a customer message on a solved case
    /// is preceded by the reopening.
    fn decide_change(&self, at: DateTime<Utc>, change: &CaseChange) -> Result<Vec<CaseEvent>> {
        let mut events = Vec::new();
        if matches!(change, CaseChange::CustomerMessage { .. })
            && self.status() == Some(CaseStatus::Solved)
        {
            events.push(CaseEvent {
                at,
                change: CaseChange::Status(CaseStatus::Open),
            });
        }
        if self.check(at, change)? {
            events.push(CaseEvent {
                at,
                change: change.clone(),
            });
        }
        Ok(events)
    }
}

impl Aggregate for Case {
    type Command = CaseCommand;
    type Event = CaseEvent;
    type Error = Error;

    fn decide(&self, command: &CaseCommand) -> Result<Vec<CaseEvent>> {
        match &command.action {
            CaseAction::Change(change) => self.decide_change(command.at, change),
            CaseAction::Macro { agent, r#macro } => {
                // Each change is checked against the state the ones before it
                // leave; the scratch copy is dropped on any refusal.
                let mut scratch = self.clone();
                let mut events = Vec::new();
                for change in r#macro.changes(*agent) {
                    let decided = scratch.decide_change(command.at, &change)?;
                    for event in &decided {
                        scratch.apply(event);
                    }
                    events.extend(decided);
                }
                Ok(events)
            }
        }
    }

    fn apply(&mut self, event: &CaseEvent) {
        self.last_at = Some(event.at);
        if let CaseChange::Open {
            id,
            requester,
            organization,
            channel,
            priority,
            opened_by,
            subject,
        } = &event.change
        {
            self.opened = Some(Opened {
                id: *id,
                requester: *requester,
                organization: *organization,
                channel: *channel,
                priority: *priority,
                opened_by: *opened_by,
                subject: subject.clone(),
                opened_at: event.at,
                status: CaseStatus::New,
                assignee: None,
                group: None,
                tags: BTreeSet::new(),
                messages: Vec::new(),
                satisfaction: None,
                merged_into: None,
                deleted: false,
            });
            return;
        }
        let Some(opened) = &mut self.opened else {
            return;
        };
        match &event.change {
            CaseChange::Open { .. } => {}
            CaseChange::Status(to) => opened.status = *to,
            CaseChange::Priority(p) => opened.priority = *p,
            CaseChange::Assign { assignee, group } => {
                opened.assignee = *assignee;
                opened.group = *group;
            }
            CaseChange::AddTag(tag) => {
                opened.tags.insert(tag.clone());
            }
            CaseChange::RemoveTag(tag) => {
                opened.tags.remove(tag);
            }
            CaseChange::Reply { agent, body } => opened.messages.push(Message {
                at: event.at,
                author: Some(*agent),
                public: true,
                body: body.clone(),
            }),
            CaseChange::Note { agent, body } => opened.messages.push(Message {
                at: event.at,
                author: Some(*agent),
                public: false,
                body: body.clone(),
            }),
            CaseChange::CustomerMessage { body } => opened.messages.push(Message {
                at: event.at,
                author: None,
                public: true,
                body: body.clone(),
            }),
            CaseChange::Rate(rating) => opened.satisfaction = Some(*rating),
            CaseChange::MergeInto(into) => {
                opened.merged_into = Some(*into);
                opened.status = CaseStatus::Closed;
            }
            CaseChange::Delete => opened.deleted = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::minutes(minutes)
    }

    fn opened() -> Case {
        let mut case = Case::default();
        case.handle(&CaseCommand::new(
            t(0),
            CaseChange::Open {
                id: TicketId::from_u128(1),
                requester: PartyId::from_u128(2),
                organization: Some(PartyId::from_u128(3)),
                channel: CaseChannel::Web,
                priority: CasePriority::Normal,
                opened_by: Opener::Customer,
                subject: Subject::new("Broken").unwrap(),
            },
        ))
        .unwrap();
        case
    }

    #[test]
    fn transitions_follow_the_sla_rules() {
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                let allowed = from != to
                    && to != CaseStatus::New
                    && from != CaseStatus::Closed
                    && (to != CaseStatus::Closed || from == CaseStatus::Solved);
                assert_eq!(from.may_move_to(to), allowed, "{from} -> {to}");
            }
        }
        let case = opened();
        let err = case
            .decide(&CaseCommand::new(
                t(1),
                CaseChange::Status(CaseStatus::Closed),
            ))
            .unwrap_err();
        assert_eq!(
            err,
            Error::CaseTransition {
                case: TicketId::from_u128(1),
                from: CaseStatus::New,
                to: CaseStatus::Closed
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "case {} may not move from new to closed",
                TicketId::from_u128(1)
            )
        );
    }

    #[test]
    fn a_merged_case_is_closed_and_a_deleted_one_takes_nothing() {
        let (one, two) = (TicketId::from_u128(1), TicketId::from_u128(2));
        let mut case = opened();
        assert_eq!(
            case.decide(&CaseCommand::new(t(1), CaseChange::MergeInto(one))),
            Err(Error::CaseMergedIntoItself { case: one })
        );
        let mut events = Vec::new();
        events.extend(
            case.handle(&CaseCommand::new(t(1), CaseChange::MergeInto(two)))
                .unwrap(),
        );
        assert_eq!(
            (case.status(), case.merged_into()),
            (Some(CaseStatus::Closed), Some(two))
        );
        assert!(!case.is_active());
        assert_eq!(
            case.decide(&CaseCommand::new(t(2), CaseChange::MergeInto(two))),
            Err(Error::CaseClosed { case: one })
        );
        // A closed case may still be deleted, once.
        events.extend(
            case.handle(&CaseCommand::new(t(2), CaseChange::Delete))
                .unwrap(),
        );
        assert!(case.is_deleted());
        let again = case.decide(&CaseCommand::new(t(3), CaseChange::Delete));
        assert_eq!(again, Err(Error::CaseDeleted { case: one }));
        assert_eq!(
            again.unwrap_err().to_string(),
            format!("case {one} is deleted and takes no more changes")
        );
        let mut replayed = opened();
        for event in &events {
            replayed.apply(event);
        }
        assert_eq!(replayed, case);
        assert_eq!(CaseChange::MergeInto(two).name(), "merged");
        assert_eq!(CaseChange::Delete.name(), "deleted");
    }

    #[test]
    fn customer_message_reopens_a_solved_case_and_rating_needs_solved() {
        let mut case = opened();
        let rate = CaseCommand::new(t(1), CaseChange::Rate(Satisfaction::new(4).unwrap()));
        assert!(matches!(
            case.decide(&rate),
            Err(Error::RatingBeforeSolved {
                status: CaseStatus::New,
                ..
            })
        ));
        case.handle(&CaseCommand::new(
            t(1),
            CaseChange::Status(CaseStatus::Solved),
        ))
        .unwrap();
        case.handle(&rate).unwrap();
        let events = case
            .handle(&CaseCommand::new(
                t(2),
                CaseChange::CustomerMessage {
                    body: MessageText::new("Still broken").unwrap(),
                },
            ))
            .unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(case.status(), Some(CaseStatus::Open));
        assert_eq!(case.messages().len(), 1);
        assert!(Satisfaction::new(0).is_err() && Satisfaction::new(6).is_err());
        let earlier = CaseCommand::new(t(1), CaseChange::Priority(CasePriority::High));
        assert!(matches!(
            case.decide(&earlier),
            Err(Error::CaseOutOfOrder { .. })
        ));
    }

    #[test]
    fn a_macro_applies_as_one_command_or_not_at_all() {
        let mut case = opened();
        let agent = UserId::from_u128(9);
        let faq = Tag::new("faq").unwrap();
        let answer = Macro::new(MacroName::new("answer").unwrap())
            .with_priority(CasePriority::Low)
            .with_tag(faq.clone())
            .with_reply(MessageText::new("See the FAQ").unwrap())
            .with_status(CaseStatus::Solved);
        let closing = answer.clone().with_status(CaseStatus::Closed);
        let before = case.clone();
        assert!(
            case.handle(&CaseCommand::apply_macro(t(1), agent, closing))
                .is_err()
        );
        assert_eq!(case, before);
        let events = case
            .handle(&CaseCommand::apply_macro(t(1), agent, answer))
            .unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(case.status(), Some(CaseStatus::Solved));
        assert_eq!(case.priority(), Some(CasePriority::Low));
        assert!(case.has_tag(&faq));
        assert_eq!(case.messages()[0].author, Some(agent));
        assert_eq!(
            Case::from_events(&events_of(&before, &events)).unwrap(),
            case
        );
    }

    fn events_of(before: &Case, later: &[CaseEvent]) -> Vec<CaseEvent> {
        let open = CaseEvent {
            at: before.opened_at().unwrap(),
            change: CaseChange::Open {
                id: before.id().unwrap(),
                requester: before.requester().unwrap(),
                organization: before.organization(),
                channel: before.channel().unwrap(),
                priority: before.priority().unwrap(),
                opened_by: before.opened_by().unwrap(),
                subject: before.subject().unwrap().clone(),
            },
        };
        std::iter::once(open).chain(later.iter().cloned()).collect()
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::strategy;

    proptest! {
        #[test]
        fn a_history_replays_and_follows_the_status_rules(events in strategy::case_history(30)) {
            let case = Case::from_events(&events)?;
            let mut status = CaseStatus::New;
            for event in &events {
                if let CaseChange::Status(to) = event.change {
                    prop_assert!(status.may_move_to(to));
                    status = to;
                }
                if let CaseChange::Rate(_) = event.change {
                    prop_assert_eq!(status, CaseStatus::Solved);
                }
                if let CaseChange::MergeInto(_) = event.change {
                    status = CaseStatus::Closed;
                }
            }
            prop_assert_eq!(case.status(), Some(status));
            // Nothing after a deletion; after a close, only a deletion.
            if let Some(deleted) = events.iter().position(|e| e.change == CaseChange::Delete) {
                prop_assert_eq!(deleted, events.len() - 1);
            }
            if let Some(closed) = events.iter().position(|e| matches!(e.change, CaseChange::Status(CaseStatus::Closed) | CaseChange::MergeInto(_))) {
                prop_assert!(events[closed + 1..].iter().all(|e| e.change == CaseChange::Delete));
            }
            prop_assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
        }
    }
}
