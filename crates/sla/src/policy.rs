//! Policies: the conditions a ticket must meet and the targets that then
//! apply, per metric and priority.

use crate::ticket::{
    Channel, CustomerTier, FieldName, FieldValue, PolicyName, Priority, Tag, TicketAttributes,
};
use crate::{Metric, Target};

/// A condition on a ticket's attributes.
///
/// ```
/// use bureau_sla::{Condition, Priority, TicketAttributes};
/// let urgent_email = TicketAttributes::new(Priority::Urgent).with_channel("email");
/// assert!(Condition::PriorityAtLeast(Priority::High).matches(&urgent_email));
/// assert!(Condition::ChannelIs("email".into()).matches(&urgent_email));
/// assert!(!Condition::HasTag("vip".into()).matches(&urgent_email));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Condition {
    /// The priority is exactly this one.
    PriorityIs(Priority),
    /// The priority is this one or higher.
    PriorityAtLeast(Priority),
    /// The ticket came through this channel.
    ChannelIs(Channel),
    /// The customer is in this tier.
    TierIs(CustomerTier),
    /// The ticket carries this tag.
    HasTag(Tag),
    /// The ticket does not carry this tag.
    LacksTag(Tag),
    /// The custom field has this value.
    FieldIs(FieldName, FieldValue),
}

impl Condition {
    /// Whether `attributes` satisfy the condition.
    ///
    /// ```
    /// use bureau_sla::{Condition, Priority, TicketAttributes};
    /// let t = TicketAttributes::new(Priority::Low).with_field("region", "emea");
    /// assert!(Condition::FieldIs("region".into(), "emea".into()).matches(&t));
    /// assert!(Condition::LacksTag("vip".into()).matches(&t));
    /// ```
    pub fn matches(&self, attributes: &TicketAttributes) -> bool {
        match self {
            Condition::PriorityIs(p) => attributes.priority() == *p,
            Condition::PriorityAtLeast(p) => attributes.priority() >= *p,
            Condition::ChannelIs(c) => attributes.channel() == Some(c),
            Condition::TierIs(t) => attributes.tier() == Some(t),
            Condition::HasTag(t) => attributes.has_tag(t),
            Condition::LacksTag(t) => !attributes.has_tag(t),
            Condition::FieldIs(name, value) => attributes.field(name) == Some(value),
        }
    }
}

/// An SLA policy: conditions a ticket must meet (all of them, checked in
/// order; none means every ticket) and targets per metric and priority.
///
/// ```
/// use bureau_sla::{Condition, Metric, Priority, SlaPolicy, Target, TicketAttributes};
/// use chrono::TimeDelta;
///
/// let gold = SlaPolicy::new("gold")
///     .with_condition(Condition::TierIs("gold".into()))
///     .with_target(Metric::FirstReply, Priority::Urgent, Target::calendar_hours(TimeDelta::minutes(30))?)
///     .with_target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(4))?);
/// assert!(gold.matches(&TicketAttributes::new(Priority::Low).with_tier("gold")));
/// assert_eq!(
///     gold.target(&Metric::FirstReply, Priority::Urgent).map(|t| t.duration()),
///     Some(TimeDelta::minutes(30)),
/// );
/// assert!(gold.target(&Metric::FirstReply, Priority::Low).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SlaPolicy {
    pub(crate) name: PolicyName,
    conditions: Vec<Condition>,
    pub(crate) targets: Vec<(Metric, Priority, Target)>,
}

impl SlaPolicy {
    /// A policy named `name` matching every ticket, with no target yet.
    ///
    /// ```
    /// use bureau_sla::{Priority, SlaPolicy, TicketAttributes};
    /// let p = SlaPolicy::new("default");
    /// assert_eq!(p.name().as_str(), "default");
    /// assert!(p.matches(&TicketAttributes::new(Priority::Low)));
    /// ```
    pub fn new(name: impl Into<PolicyName>) -> Self {
        Self {
            name: name.into(),
            conditions: Vec::new(),
            targets: Vec::new(),
        }
    }

    /// This policy with one more condition.
    ///
    /// ```
    /// use bureau_sla::{Condition, Priority, SlaPolicy, TicketAttributes};
    /// let p = SlaPolicy::new("vip").with_condition(Condition::HasTag("vip".into()));
    /// assert!(!p.matches(&TicketAttributes::new(Priority::Low)));
    /// ```
    #[must_use]
    pub fn with_condition(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// This policy with `target` for `metric` at `priority`, replacing any
    /// earlier target for the same pair.
    ///
    /// ```
    /// use bureau_sla::{Metric, Priority, SlaPolicy, Target};
    /// use chrono::TimeDelta;
    /// let p = SlaPolicy::new("p")
    ///     .with_target(Metric::FirstReply, Priority::Low, Target::calendar_hours(TimeDelta::hours(9))?)
    ///     .with_target(Metric::FirstReply, Priority::Low, Target::calendar_hours(TimeDelta::hours(8))?);
    /// assert_eq!(p.targets().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_target(mut self, metric: Metric, priority: Priority, target: Target) -> Self {
        match self
            .targets
            .iter_mut()
            .find(|(m, p, _)| *m == metric && *p == priority)
        {
            Some(slot) => slot.2 = target,
            None => self.targets.push((metric, priority, target)),
        }
        self
    }

    /// The policy's name.
    ///
    /// ```
    /// use bureau_sla::SlaPolicy;
    /// assert_eq!(SlaPolicy::new("a").name().to_string(), "a");
    /// ```
    pub fn name(&self) -> &PolicyName {
        &self.name
    }

    /// The conditions, in order.
    ///
    /// ```
    /// use bureau_sla::{Condition, SlaPolicy};
    /// let p = SlaPolicy::new("a").with_condition(Condition::HasTag("x".into()));
    /// assert_eq!(p.conditions().len(), 1);
    /// ```
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Whether every condition holds for `attributes`.
    ///
    /// ```
    /// use bureau_sla::{Condition, Priority, SlaPolicy, TicketAttributes};
    /// let p = SlaPolicy::new("a").with_condition(Condition::PriorityIs(Priority::High));
    /// assert!(p.matches(&TicketAttributes::new(Priority::High)));
    /// ```
    pub fn matches(&self, attributes: &TicketAttributes) -> bool {
        self.conditions.iter().all(|c| c.matches(attributes))
    }

    /// The target for `metric` at `priority`, if the policy sets one.
    ///
    /// ```
    /// use bureau_sla::{Metric, Priority, SlaPolicy};
    /// assert!(SlaPolicy::new("a").target(&Metric::FirstReply, Priority::Low).is_none());
    /// ```
    pub fn target(&self, metric: &Metric, priority: Priority) -> Option<&Target> {
        self.targets
            .iter()
            .find(|(m, p, _)| m == metric && *p == priority)
            .map(|(_, _, t)| t)
    }

    /// Every (metric, priority, target) the policy sets, in the order set.
    ///
    /// ```
    /// use bureau_sla::SlaPolicy;
    /// assert_eq!(SlaPolicy::new("a").targets().count(), 0);
    /// ```
    pub fn targets(&self) -> impl Iterator<Item = (&Metric, Priority, &Target)> {
        self.targets.iter().map(|(m, p, t)| (m, *p, t))
    }
}
