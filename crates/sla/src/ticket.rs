//! What bureau-sla knows of a ticket: its attributes and the events of its history.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use bureau_core::{DomainEvent, TicketId, UserId};
use chrono::{DateTime, Utc};

/// How urgent a ticket is. Ordered from [`Low`](Priority::Low) to
/// [`Urgent`](Priority::Urgent).
///
/// ```
/// use bureau_sla::Priority;
///
/// assert!(Priority::Urgent > Priority::Normal);
/// assert_eq!(Priority::High.to_string(), "high");
/// assert_eq!(Priority::Normal.raised(), Priority::High);
/// assert_eq!(Priority::Urgent.raised(), Priority::Urgent);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Priority {
    /// Can wait.
    Low,
    /// The usual case.
    Normal,
    /// Needs attention soon.
    High,
    /// Needs attention now.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    /// The next higher priority; [`Urgent`](Priority::Urgent) stays urgent.
    ///
    /// ```
    /// use bureau_sla::Priority;
    /// assert_eq!(Priority::Low.raised(), Priority::Normal);
    /// ```
    pub const fn raised(self) -> Priority {
        match self {
            Priority::Low => Priority::Normal,
            Priority::Normal => Priority::High,
            Priority::High | Priority::Urgent => Priority::Urgent,
        }
    }

    /// Position in [`Priority::ALL`] (0 for low, 3 for urgent).
    pub(crate) const fn index(self) -> usize {
        match self {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        })
    }
}

/// Where a ticket stands in its life, as in most help desks.
///
/// A ticket is created [`New`](Status::New); it may move between
/// [`Open`](Status::Open), [`Pending`](Status::Pending) (waiting on the
/// customer) and [`OnHold`](Status::OnHold) (waiting on a third party), is
/// [`Solved`](Status::Solved) when the agent considers it done (a reopen brings
/// it back) and finally [`Closed`](Status::Closed), which is final.
///
/// ```
/// use bureau_sla::Status;
/// assert_eq!(Status::OnHold.to_string(), "on_hold");
/// assert!(Status::Solved.is_resolved());
/// assert!(!Status::Pending.is_resolved());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Status {
    /// Created, nobody has touched it yet.
    New,
    /// Being worked on.
    Open,
    /// Waiting on the customer.
    Pending,
    /// Waiting on a third party.
    OnHold,
    /// Done, may still be reopened.
    Solved,
    /// Done for good.
    Closed,
}

impl Status {
    /// Every status, in life order.
    pub const ALL: [Status; 6] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Solved,
        Status::Closed,
    ];

    /// Solved or closed: no SLA clock starts on a resolved ticket.
    ///
    /// ```
    /// use bureau_sla::Status;
    /// assert!(Status::Closed.is_resolved());
    /// ```
    pub const fn is_resolved(self) -> bool {
        matches!(self, Status::Solved | Status::Closed)
    }

    pub(crate) const fn bit(self) -> u8 {
        match self {
            Status::New => 1,
            Status::Open => 2,
            Status::Pending => 4,
            Status::OnHold => 8,
            Status::Solved => 16,
            Status::Closed => 32,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::OnHold => "on_hold",
            Status::Solved => "solved",
            Status::Closed => "closed",
        })
    }
}

/// A set of statuses, such as the statuses in which a clock is paused.
///
/// ```
/// use bureau_sla::{Status, StatusSet};
///
/// let waiting = StatusSet::of(&[Status::Pending, Status::OnHold]);
/// assert!(waiting.contains(Status::OnHold));
/// assert!(!waiting.contains(Status::Open));
/// assert!(StatusSet::EMPTY.is_empty());
/// assert_eq!(waiting.iter().count(), 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusSet(u8);

impl StatusSet {
    /// No status.
    pub const EMPTY: StatusSet = StatusSet(0);
    /// Solved and closed.
    pub const RESOLVED: StatusSet = StatusSet(16 | 32);

    /// The set of the given statuses.
    ///
    /// ```
    /// use bureau_sla::{Status, StatusSet};
    /// assert_eq!(StatusSet::of(&[Status::Solved, Status::Closed]), StatusSet::RESOLVED);
    /// ```
    pub const fn of(statuses: &[Status]) -> StatusSet {
        let mut bits = 0;
        let mut i = 0;
        // `i < len`, so the index is in range.
        while i < statuses.len() {
            bits |= statuses[i].bit();
            i += 1;
        }
        StatusSet(bits)
    }

    /// This set with `status` added.
    ///
    /// ```
    /// use bureau_sla::{Status, StatusSet};
    /// assert!(StatusSet::EMPTY.with(Status::New).contains(Status::New));
    /// ```
    #[must_use]
    pub const fn with(self, status: Status) -> StatusSet {
        StatusSet(self.0 | status.bit())
    }

    /// Whether `status` is in the set.
    ///
    /// ```
    /// use bureau_sla::{Status, StatusSet};
    /// assert!(StatusSet::RESOLVED.contains(Status::Solved));
    /// ```
    pub const fn contains(self, status: Status) -> bool {
        self.0 & status.bit() != 0
    }

    /// Whether the set holds no status.
    ///
    /// ```
    /// use bureau_sla::StatusSet;
    /// assert!(!StatusSet::RESOLVED.is_empty());
    /// ```
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The statuses in the set, in life order.
    ///
    /// ```
    /// use bureau_sla::{Status, StatusSet};
    /// let statuses: Vec<Status> = StatusSet::RESOLVED.iter().collect();
    /// assert_eq!(statuses, [Status::Solved, Status::Closed]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Status> {
        Status::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for StatusSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for StatusSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let statuses = Vec::<Status>::deserialize(deserializer)?;
        Ok(StatusSet::of(&statuses))
    }
}

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(String);

        impl $name {
            /// Wraps the text as given (compared exactly, case included).
            ///
            /// ```
            #[doc = concat!("let value = bureau_sla::", stringify!($name), "::new(", stringify!($example), ");")]
            #[doc = concat!("assert_eq!(value.as_str(), ", stringify!($example), ");")]
            /// ```
            pub fn new(text: impl Into<String>) -> Self {
                Self(text.into())
            }

            /// The text.
            ///
            /// ```
            #[doc = concat!("let value = bureau_sla::", stringify!($name), "::from(", stringify!($example), ");")]
            #[doc = concat!("assert_eq!(value.to_string(), ", stringify!($example), ");")]
            /// ```
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }
    };
}

text_newtype!(
    /// The channel a ticket came in through (`email`, `web`, `phone`, `chat`, ...).
    Channel,
    "email"
);
text_newtype!(
    /// The customer's service tier (`gold`, `enterprise`, ...).
    CustomerTier,
    "gold"
);
text_newtype!(
    /// A free-form label on a ticket.
    Tag,
    "vip"
);
text_newtype!(
    /// The name of a custom ticket field.
    FieldName,
    "region"
);
text_newtype!(
    /// The value of a custom ticket field.
    FieldValue,
    "emea"
);
text_newtype!(
    /// The name of an SLA policy, unique within an [`SlaConfig`](crate::SlaConfig).
    PolicyName,
    "enterprise"
);
text_newtype!(
    /// The name of a custom metric.
    MetricName,
    "time_to_triage"
);

/// The attributes of a ticket that policies match on.
///
/// Built from a priority with `with_*` methods; an [`AttributesChanged`](EventKind::AttributesChanged)
/// event carries the complete new set.
///
/// ```
/// use bureau_sla::{Channel, Priority, Tag, TicketAttributes};
///
/// let attributes = TicketAttributes::new(Priority::High)
///     .with_channel("email")
///     .with_tier("gold")
///     .with_tag("vip")
///     .with_field("region", "emea");
/// assert_eq!(attributes.priority(), Priority::High);
/// assert_eq!(attributes.channel(), Some(&Channel::new("email")));
/// assert!(attributes.has_tag(&Tag::new("vip")));
/// assert_eq!(attributes.field(&"region".into()).map(|v| v.as_str()), Some("emea"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TicketAttributes {
    priority: Priority,
    channel: Option<Channel>,
    tier: Option<CustomerTier>,
    assignee: Option<UserId>,
    tags: BTreeSet<Tag>,
    fields: BTreeMap<FieldName, FieldValue>,
}

impl TicketAttributes {
    /// Attributes with `priority` and nothing else.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// assert_eq!(TicketAttributes::new(Priority::Low).channel(), None);
    /// ```
    pub fn new(priority: Priority) -> Self {
        Self {
            priority,
            channel: None,
            tier: None,
            assignee: None,
            tags: BTreeSet::new(),
            fields: BTreeMap::new(),
        }
    }

    /// These attributes with another priority.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// let raised = TicketAttributes::new(Priority::Low).with_priority(Priority::High);
    /// assert_eq!(raised.priority(), Priority::High);
    /// ```
    #[must_use]
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priority = priority;
        self
    }

    /// These attributes with the channel set.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// let web = TicketAttributes::new(Priority::Low).with_channel("web");
    /// assert_eq!(web.channel().map(|c| c.as_str()), Some("web"));
    /// ```
    #[must_use]
    pub fn with_channel(mut self, channel: impl Into<Channel>) -> Self {
        self.channel = Some(channel.into());
        self
    }

    /// These attributes with the customer tier set.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// let gold = TicketAttributes::new(Priority::Low).with_tier("gold");
    /// assert_eq!(gold.tier().map(|t| t.as_str()), Some("gold"));
    /// ```
    #[must_use]
    pub fn with_tier(mut self, tier: impl Into<CustomerTier>) -> Self {
        self.tier = Some(tier.into());
        self
    }

    /// These attributes with the ticket assigned to `agent`.
    ///
    /// ```
    /// use bureau_core::UserId;
    /// use bureau_sla::{Priority, TicketAttributes};
    /// let mine = TicketAttributes::new(Priority::Low).with_assignee(UserId::from_u128(7));
    /// assert_eq!(mine.assignee(), Some(UserId::from_u128(7)));
    /// ```
    #[must_use]
    pub fn with_assignee(mut self, agent: UserId) -> Self {
        self.assignee = Some(agent);
        self
    }

    /// These attributes with `tag` added.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// let tagged = TicketAttributes::new(Priority::Low).with_tag("billing");
    /// assert_eq!(tagged.tags().count(), 1);
    /// ```
    #[must_use]
    pub fn with_tag(mut self, tag: impl Into<Tag>) -> Self {
        self.tags.insert(tag.into());
        self
    }

    /// These attributes with the custom field `name` set to `value`.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// let eu = TicketAttributes::new(Priority::Low).with_field("region", "emea");
    /// assert_eq!(eu.fields().count(), 1);
    /// ```
    #[must_use]
    pub fn with_field(mut self, name: impl Into<FieldName>, value: impl Into<FieldValue>) -> Self {
        self.fields.insert(name.into(), value.into());
        self
    }

    /// The priority.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// assert_eq!(TicketAttributes::new(Priority::Urgent).priority(), Priority::Urgent);
    /// ```
    pub fn priority(&self) -> Priority {
        self.priority
    }

    /// The channel, if known.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// assert!(TicketAttributes::new(Priority::Low).channel().is_none());
    /// ```
    pub fn channel(&self) -> Option<&Channel> {
        self.channel.as_ref()
    }

    /// The customer tier, if known.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// assert!(TicketAttributes::new(Priority::Low).tier().is_none());
    /// ```
    pub fn tier(&self) -> Option<&CustomerTier> {
        self.tier.as_ref()
    }

    /// The agent the ticket is assigned to, if any.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// assert!(TicketAttributes::new(Priority::Low).assignee().is_none());
    /// ```
    pub fn assignee(&self) -> Option<UserId> {
        self.assignee
    }

    /// Whether the ticket carries `tag`.
    ///
    /// ```
    /// use bureau_sla::{Priority, Tag, TicketAttributes};
    /// assert!(!TicketAttributes::new(Priority::Low).has_tag(&Tag::new("vip")));
    /// ```
    pub fn has_tag(&self, tag: &Tag) -> bool {
        self.tags.contains(tag)
    }

    /// The tags, in order.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// let t = TicketAttributes::new(Priority::Low).with_tag("b").with_tag("a");
    /// assert_eq!(t.tags().map(|t| t.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn tags(&self) -> impl Iterator<Item = &Tag> {
        self.tags.iter()
    }

    /// The value of the custom field `name`, if set.
    ///
    /// ```
    /// use bureau_sla::{FieldName, Priority, TicketAttributes};
    /// assert!(TicketAttributes::new(Priority::Low).field(&FieldName::new("x")).is_none());
    /// ```
    pub fn field(&self, name: &FieldName) -> Option<&FieldValue> {
        self.fields.get(name)
    }

    /// The custom fields, ordered by name.
    ///
    /// ```
    /// use bureau_sla::{Priority, TicketAttributes};
    /// assert_eq!(TicketAttributes::new(Priority::Low).fields().count(), 0);
    /// ```
    pub fn fields(&self) -> impl Iterator<Item = (&FieldName, &FieldValue)> {
        self.fields.iter()
    }
}

/// Who opened a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Opener {
    /// The customer wrote in.
    Customer,
    /// An agent opened the ticket on the customer's behalf. The opening
    /// message is part of the creation, not a reply: the first reply clock
    /// stops at the agent's next public reply.
    Agent(UserId),
}

/// What happened to a ticket, without the instant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EventKind {
    /// The ticket was created with status [`New`](Status::New).
    Created {
        /// The ticket.
        ticket: TicketId,
        /// Who opened it.
        opened_by: Opener,
        /// Its attributes at creation.
        attributes: TicketAttributes,
    },
    /// The status changed.
    StatusChanged {
        /// The new status.
        to: Status,
    },
    /// An agent replied publicly (the customer sees it).
    PublicReply {
        /// The agent.
        agent: UserId,
    },
    /// An agent wrote an internal note (the customer does not see it).
    PrivateNote {
        /// The agent.
        agent: UserId,
    },
    /// The customer wrote. On a solved ticket no clock starts: record the
    /// reopening status change first (most help desks reopen a solved ticket
    /// when the customer writes).
    CustomerMessage,
    /// The attributes changed; the event carries the complete new attributes.
    AttributesChanged {
        /// The attributes from now on.
        attributes: TicketAttributes,
    },
    /// The ticket was merged into another and is closed from now on.
    Merged {
        /// The ticket it was merged into.
        into: TicketId,
    },
    /// The ticket was deleted: its running clocks are dropped and no further
    /// event is accepted.
    Deleted,
}

impl EventKind {
    /// The stable snake_case name of this kind of event.
    ///
    /// ```
    /// use bureau_sla::EventKind;
    /// assert_eq!(EventKind::CustomerMessage.name(), "customer_message");
    /// ```
    pub const fn name(&self) -> &'static str {
        match self {
            EventKind::Created { .. } => "created",
            EventKind::StatusChanged { .. } => "status_changed",
            EventKind::PublicReply { .. } => "public_reply",
            EventKind::PrivateNote { .. } => "private_note",
            EventKind::CustomerMessage => "customer_message",
            EventKind::AttributesChanged { .. } => "attributes_changed",
            EventKind::Merged { .. } => "merged",
            EventKind::Deleted => "deleted",
        }
    }
}

/// One event of a ticket's history: what happened and the instant the caller
/// says it happened. Instants of a history never go backwards.
///
/// ```
/// use bureau_core::{DomainEvent, UserId};
/// use bureau_sla::{EventKind, TicketEvent};
/// use chrono::{TimeZone, Utc};
///
/// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).single().ok_or("instant")?;
/// let reply = TicketEvent::new(at, EventKind::PublicReply { agent: UserId::from_u128(7) });
/// assert_eq!(reply.at(), at);
/// assert_eq!(reply.event_type(), "public_reply");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TicketEvent {
    at: DateTime<Utc>,
    kind: EventKind,
}

impl TicketEvent {
    /// The event `kind` at instant `at`.
    ///
    /// ```
    /// use bureau_sla::{EventKind, TicketEvent};
    /// use chrono::DateTime;
    /// let e = TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::Deleted);
    /// assert_eq!(e.kind(), &EventKind::Deleted);
    /// ```
    pub fn new(at: DateTime<Utc>, kind: EventKind) -> Self {
        Self { at, kind }
    }

    /// When it happened.
    ///
    /// ```
    /// use bureau_sla::{EventKind, TicketEvent};
    /// use chrono::DateTime;
    /// let e = TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::CustomerMessage);
    /// assert_eq!(e.at(), DateTime::UNIX_EPOCH);
    /// ```
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// What happened.
    ///
    /// ```
    /// use bureau_sla::{EventKind, TicketEvent};
    /// use chrono::DateTime;
    /// let e = TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::CustomerMessage);
    /// assert_eq!(e.kind().name(), "customer_message");
    /// ```
    pub fn kind(&self) -> &EventKind {
        &self.kind
    }
}

impl DomainEvent for TicketEvent {
    fn event_type(&self) -> &'static str {
        self.kind.name()
    }
}
