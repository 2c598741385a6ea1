//! Routing cases to agents, as pure functions.
//!
//! [`route`] assigns a batch of [`CaseToRoute`]s at an instant to the
//! [`Agent`]s available then: working at that instant by their
//! `bureau-calendar` [`Calendar`], and holding fewer active cases than their
//! capacity. Cases are taken in the order given and each assignment counts
//! toward the agent's load for the cases after it, so a batch never fills
//! an agent beyond capacity. Every [`Assignment`] says why
//! ([`RoutingReason`]); a case no available agent can take is left
//! unassigned with the reason.
//!
//! The [`RoutingRule`]s:
//!
//! - [`RoutingRule::RoundRobin`]: the next available agent in id order after
//!   the one assigned last (cyclic);
//! - [`RoutingRule::LeastOpen`]: the available agent with the fewest active
//!   cases (ties by id);
//! - [`RoutingRule::Skills`]: the available agent whose skills cover the most
//!   of the case's tags (ties by fewest active cases, then id); when no
//!   available agent has any of them, the least-loaded available agent of
//!   the fallback group, and the case moves to that group.

use std::collections::BTreeSet;

use bureau_calendar::Calendar;
use bureau_core::{TicketId, UserId};
use chrono::{DateTime, Utc};

use crate::Tag;
use crate::case::{CaseChange, GroupId};

/// An agent as routing sees them at the instant: calendar, capacity, load,
/// skills and groups.
#[derive(Clone, Debug)]
pub struct Agent<'a> {
    id: UserId,
    calendar: &'a Calendar,
    capacity: u32,
    active: u32,
    skills: BTreeSet<Tag>,
    groups: BTreeSet<GroupId>,
}

impl<'a> Agent<'a> {
    /// Agent `id` working by `calendar`, taking at most `capacity` active
    /// cases, holding `active` now, with no skill or group yet.
    pub fn new(id: UserId, calendar: &'a Calendar, capacity: u32, active: u32) -> Self {
        Agent {
            id,
            calendar,
            capacity,
            active,
            skills: BTreeSet::new(),
            groups: BTreeSet::new(),
        }
    }

    /// Adds a skill (matched against case tags).
    pub fn with_skill(mut self, skill: Tag) -> Self {
        self.skills.insert(skill);
        self
    }

    /// Adds the agent to a group.
    pub fn in_group(mut self, group: GroupId) -> Self {
        self.groups.insert(group);
        self
    }

    /// The agent.
    pub fn id(&self) -> UserId {
        self.id
    }

    /// The most active cases the agent takes.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// The active cases held before routing.
    pub fn active(&self) -> u32 {
        self.active
    }

    /// Whether the agent can take a case at `at` with `extra` more cases
    /// than [`active`](Self::active): working then, and under capacity.
    pub fn is_available(&self, at: DateTime<Utc>, extra: u32) -> bool {
        self.calendar.is_working(at) && self.active.saturating_add(extra) < self.capacity
    }
}

/// A case to route: its id and tags.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaseToRoute {
    /// The case.
    pub case: TicketId,
    /// Its tags (matched against skills).
    pub tags: BTreeSet<Tag>,
}

impl CaseToRoute {
    /// Case `case` with `tags`.
    pub fn new(case: TicketId, tags: impl IntoIterator<Item = Tag>) -> Self {
        CaseToRoute {
            case,
            tags: tags.into_iter().collect(),
        }
    }
}

/// How to choose an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoutingRule {
    /// The next available agent after `last` in id order (from the first
    /// when `None`).
    RoundRobin {
        /// The agent assigned last before this batch.
        last: Option<UserId>,
    },
    /// The available agent with the fewest active cases.
    LeastOpen,
    /// The best match of skills to tags, else the fallback group.
    Skills {
        /// The group to fall back on.
        fallback: GroupId,
    },
}

/// Why a case went where it went.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RoutingReason {
    /// Next in turn after `after`.
    RoundRobin {
        /// The agent before in turn, if any.
        after: Option<UserId>,
    },
    /// The fewest active cases among the available agents.
    LeastOpen {
        /// The agent's active cases before this one.
        active: u32,
    },
    /// The agent's skills cover these tags of the case.
    Skills {
        /// The tags matched.
        matched: BTreeSet<Tag>,
    },
    /// No available agent had a matching skill; taken from the fallback
    /// group.
    FallbackGroup {
        /// The group.
        group: GroupId,
    },
    /// No agent was working and under capacity (for the skills rule: none
    /// with a skill and none in the fallback group).
    NoAgentAvailable,
}

/// Where one case went.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Assignment {
    /// The case.
    pub case: TicketId,
    /// The agent, `None` when unassigned.
    pub agent: Option<UserId>,
    /// The group the case moves to, if the rule gave one.
    pub group: Option<GroupId>,
    /// Why.
    pub reason: RoutingReason,
}

impl Assignment {
    /// The case change that records it, `None` when unassigned.
    pub fn change(&self) -> Option<CaseChange> {
        self.agent.map(|agent| CaseChange::Assign {
            assignee: Some(agent),
            group: self.group,
        })
    }
}

/// Routes `cases` in order at `at` over `agents` by `rule`.
///
/// ```
/// use bureau_calendar::{Calendar, Schedule, Tz};
/// use bureau_core::{TicketId, UserId};
/// use bureau_crm::routing::{route, Agent, CaseToRoute, RoutingReason, RoutingRule};
/// use chrono::{TimeZone, Utc};
///
/// let office = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
/// let agents = [
///     Agent::new(UserId::from_u128(1), &office, 2, 1),
///     Agent::new(UserId::from_u128(2), &office, 2, 0),
/// ];
/// let cases = [CaseToRoute::new(TicketId::from_u128(7), [])];
/// let monday_ten = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).single().ok_or("no instant")?;
/// let routed = route(RoutingRule::LeastOpen, &agents, &cases, monday_ten);
/// assert_eq!(routed[0].agent, Some(UserId::from_u128(2)));
/// assert_eq!(routed[0].reason, RoutingReason::LeastOpen { active: 0 });
///
/// // At night nobody is working.
/// let night = Utc.with_ymd_and_hms(2026, 3, 2, 22, 0, 0).single().ok_or("no instant")?;
/// assert_eq!(route(RoutingRule::LeastOpen, &agents, &cases, night)[0].agent, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn route(
    rule: RoutingRule,
    agents: &[Agent<'_>],
    cases: &[CaseToRoute],
    at: DateTime<Utc>,
) -> Vec<Assignment> {
    let mut order: Vec<usize> = (0..agents.len()).collect();
    order.sort_by_key(|&i| agents.get(i).map(Agent::id));
    // Cases given out in this batch, per agent (indexed like `agents`).
    let mut given = vec![0u32; agents.len()];
    // The agent working at `at` is fixed for the batch: asked once each.
    let working: Vec<bool> = agents.iter().map(|a| a.calendar.is_working(at)).collect();
    let available = |i: usize, given: &[u32]| -> bool {
        match (agents.get(i), working.get(i), given.get(i)) {
            (Some(agent), Some(true), Some(extra)) => {
                agent.active.saturating_add(*extra) < agent.capacity
            }
            _ => false,
        }
    };
    let load = |i: usize, given: &[u32]| -> u32 {
        let active = agents.get(i).map_or(0, |a| a.active);
        active.saturating_add(given.get(i).copied().unwrap_or(0))
    };
    let mut last = match rule {
        RoutingRule::RoundRobin { last } => last,
        _ => None,
    };
    let mut assignments = Vec::with_capacity(cases.len());
    for case in cases {
        let chosen: Option<(usize, Option<GroupId>, RoutingReason)> = match rule {
            RoutingRule::RoundRobin { .. } => {
                let start = last.map_or(0, |l| {
                    order.partition_point(|&i| agents.get(i).map(Agent::id) <= Some(l))
                });
                let after = last;
                (0..order.len())
                    .filter_map(|k| order.get((start + k) % order.len()).copied())
                    .find(|&i| available(i, &given))
                    .map(|i| (i, None, RoutingReason::RoundRobin { after }))
            }
            RoutingRule::LeastOpen => order
                .iter()
                .copied()
                .filter(|&i| available(i, &given))
                .min_by_key(|&i| load(i, &given))
                .map(|i| {
                    (
                        i,
                        None,
                        RoutingReason::LeastOpen {
                            active: load(i, &given),
                        },
                    )
                }),
            RoutingRule::Skills { fallback } => {
                let skilled = order
                    .iter()
                    .copied()
                    .filter(|&i| available(i, &given))
                    .filter_map(|i| {
                        let agent = agents.get(i)?;
                        let matched: BTreeSet<Tag> =
                            case.tags.intersection(&agent.skills).cloned().collect();
                        (!matched.is_empty()).then_some((i, matched))
                    })
                    // Most tags matched, then least loaded; `order` settles ties by id.
                    .min_by_key(|(i, matched)| {
                        (std::cmp::Reverse(matched.len()), load(*i, &given))
                    });
                match skilled {
                    Some((i, matched)) => Some((i, None, RoutingReason::Skills { matched })),
                    None => order
                        .iter()
                        .copied()
                        .filter(|&i| available(i, &given))
                        .filter(|&i| agents.get(i).is_some_and(|a| a.groups.contains(&fallback)))
                        .min_by_key(|&i| load(i, &given))
                        .map(|i| {
                            (
                                i,
                                Some(fallback),
                                RoutingReason::FallbackGroup { group: fallback },
                            )
                        }),
                }
            }
        };
        match chosen {
            Some((i, group, reason)) => {
                if let Some(slot) = given.get_mut(i) {
                    *slot = slot.saturating_add(1);
                }
                let agent = agents.get(i).map(Agent::id);
                last = agent.or(last);
                assignments.push(Assignment {
                    case: case.case,
                    agent,
                    group,
                    reason,
                });
            }
            None => assignments.push(Assignment {
                case: case.case,
                agent: None,
                group: None,
                reason: RoutingReason::NoAgentAvailable,
            }),
        }
    }
    assignments
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn user(n: u128) -> UserId {
        UserId::from_u128(n)
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).single().unwrap()
    }

    fn cases(n: u128) -> Vec<CaseToRoute> {
        (1..=n)
            .map(|i| CaseToRoute::new(TicketId::from_u128(i), []))
            .collect()
    }

    #[test]
    fn round_robin_cycles_from_the_last_and_skips_the_full() {
        let always = Calendar::always();
        let agents = [
            Agent::new(user(3), &always, 5, 0),
            Agent::new(user(1), &always, 5, 0),
            Agent::new(user(2), &always, 0, 0),
        ];
        let routed = route(
            RoutingRule::RoundRobin {
                last: Some(user(1)),
            },
            &agents,
            &cases(3),
            at(),
        );
        let to: Vec<_> = routed.iter().map(|a| a.agent).collect();
        assert_eq!(to, [Some(user(3)), Some(user(1)), Some(user(3))]);
        assert_eq!(
            routed[1].reason,
            RoutingReason::RoundRobin {
                after: Some(user(3))
            }
        );
    }

    #[test]
    fn capacity_holds_across_a_batch() {
        let always = Calendar::always();
        let agents = [Agent::new(user(1), &always, 2, 1)];
        let routed = route(RoutingRule::LeastOpen, &agents, &cases(3), at());
        assert_eq!(routed[0].agent, Some(user(1)));
        assert_eq!(routed[1].reason, RoutingReason::NoAgentAvailable);
        assert_eq!(routed[2].change(), None);
    }

    #[test]
    fn skills_then_fallback_group() {
        let always = Calendar::always();
        let billing = Tag::new("billing").unwrap();
        let vip = Tag::new("vip").unwrap();
        let group = GroupId::from_u128(50);
        let agents = [
            Agent::new(user(1), &always, 5, 0).with_skill(billing.clone()),
            Agent::new(user(2), &always, 5, 3)
                .with_skill(billing.clone())
                .with_skill(vip.clone()),
            Agent::new(user(3), &always, 5, 0).in_group(group),
        ];
        let batch = [
            CaseToRoute::new(TicketId::from_u128(1), [billing.clone(), vip.clone()]),
            CaseToRoute::new(TicketId::from_u128(2), [billing.clone()]),
            CaseToRoute::new(TicketId::from_u128(3), [Tag::new("legal").unwrap()]),
        ];
        let routed = route(
            RoutingRule::Skills { fallback: group },
            &agents,
            &batch,
            at(),
        );
        assert_eq!(routed[0].agent, Some(user(2)));
        assert_eq!(
            routed[0].reason,
            RoutingReason::Skills {
                matched: [billing.clone(), vip].into()
            }
        );
        assert_eq!(routed[1].agent, Some(user(1)));
        assert_eq!(routed[2].agent, Some(user(3)));
        assert_eq!(routed[2].reason, RoutingReason::FallbackGroup { group });
        assert_eq!(
            routed[2].change(),
            Some(CaseChange::Assign {
                assignee: Some(user(3)),
                group: Some(group)
            })
        );
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use bureau_calendar::{Schedule, Tz};
    use chrono::TimeDelta;
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn never_outside_working_time_or_over_capacity(
            agents in prop::collection::vec((any::<bool>(), 0u32..4, 0u32..4, any::<bool>(), any::<bool>()), 0..6),
            tags in prop::collection::vec(prop::collection::btree_set(0usize..3, 0..3), 0..12),
            hours in 0i64..(24 * 14),
            rule in 0usize..3,
        ) {
            let office = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
            let always = Calendar::always();
            let skills: Vec<Tag> = ["billing", "vip", "legal"].iter().map(|s| Tag::new(s)).collect::<crate::Result<_>>()?;
            let group = GroupId::from_u128(9);
            let agents: Vec<Agent<'_>> = agents
                .iter()
                .zip(1u128..)
                .map(|(&(in_office, capacity, active, skilled, grouped), id)| {
                    let mut agent = Agent::new(UserId::from_u128(id), if in_office { &office } else { &always }, capacity, active);
                    if skilled {
                        agent = agent.with_skill(skills[(id % 3) as usize].clone());
                    }
                    if grouped {
                        agent = agent.in_group(group);
                    }
                    agent
                })
                .collect();
            let cases: Vec<CaseToRoute> = tags
                .iter()
                .zip(1u128..)
                .map(|(t, id)| CaseToRoute::new(TicketId::from_u128(id), t.iter().map(|&k| skills[k].clone())))
                .collect();
            let at = DateTime::UNIX_EPOCH + TimeDelta::days(20_000) + TimeDelta::hours(hours);
            let rule = match rule {
                0 => RoutingRule::RoundRobin { last: Some(UserId::from_u128(2)) },
                1 => RoutingRule::LeastOpen,
                _ => RoutingRule::Skills { fallback: group },
            };
            let routed = route(rule, &agents, &cases, at);
            prop_assert_eq!(routed.len(), cases.len());
            for agent in &agents {
                let given = routed.iter().filter(|a| a.agent == Some(agent.id())).count();
                if given > 0 {
                    prop_assert!(agent.calendar.is_working(at));
                    prop_assert!(agent.active() as usize + given <= agent.capacity() as usize);
                }
            }
            for assignment in &routed {
                prop_assert_eq!(assignment.agent.is_none(), assignment.reason == RoutingReason::NoAgentAvailable);
            }
        }
    }
}
