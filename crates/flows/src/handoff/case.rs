//! A CRM support case's events become the SLA ticket events its service
//! levels are measured on.

use bureau_crm::case::{Case, CaseChange, CaseEvent, CasePriority, CaseStatus, Opener};
use bureau_sla::{Channel, EventKind, Priority, Status, Tag, TicketAttributes, TicketEvent};

use super::log::{HandOff, HandOffLog};
use crate::{Error, Result, SourceEvent};

/// The SLA ticket events of one case event: `event` is the event at
/// `position` (from 1) of the case's stream and `case` the case with it
/// applied (the attributes a ticket event carries are the case's after the
/// change). Feeding every case event through in order gives the ticket
/// history `bureau-sla` evaluates.
///
/// | case change | ticket event |
/// |---|---|
/// | open | created, with the case's attributes |
/// | status | status changed |
/// | priority, assignment, tag added or removed | attributes changed (the complete new attributes) |
/// | public reply | public reply |
/// | private note | private note |
/// | customer message | customer message |
/// | merged into another case | merged (into that ticket) |
/// | deleted | deleted |
/// | rating | none |
///
/// The ticket's attributes are the case's priority, channel (named as
/// [`CaseChannel::as_str`](bureau_crm::case::CaseChannel::as_str) spells
/// it), assignee and tags. A case event already handed off (see
/// [`HandOffLog`]) gives `Ok(None)`.
///
/// # Errors
///
/// [`Error::NotOpened`] when `case` is not opened; [`Error::NotPostable`]
/// when it is another case than an opening event's.
///
/// The crate's integration tests (`tests/handoffs.rs`) run a case through
/// the hand-off, evaluate its SLA and replay it.
pub fn ticket_events(
    log: &HandOffLog,
    case: &Case,
    event: &CaseEvent,
    position: u64,
) -> Result<Option<HandOff<Vec<TicketEvent>>>> {
    let Some(ticket) = case.id() else {
        return Err(Error::NotOpened { what: "case" });
    };
    if let CaseChange::Open { id, .. } = &event.change
        && *id != ticket
    {
        return Err(Error::NotPostable {
            event: SourceEvent::CaseChanged {
                ticket: *id,
                position,
            },
            reason: format!("the case given is case {ticket}, not the event's"),
        });
    }
    log.once(SourceEvent::CaseChanged { ticket, position }, |source| {
        let attributes = || attributes_of(case);
        let kinds = match &event.change {
            CaseChange::Open { opened_by, .. } => vec![EventKind::Created {
                ticket,
                opened_by: match opened_by {
                    Opener::Agent(agent) => bureau_sla::Opener::Agent(*agent),
                    _ => bureau_sla::Opener::Customer,
                },
                attributes: attributes(),
            }],
            CaseChange::Status(to) => vec![EventKind::StatusChanged { to: status(*to) }],
            CaseChange::Priority(_)
            | CaseChange::Assign { .. }
            | CaseChange::AddTag(_)
            | CaseChange::RemoveTag(_) => vec![EventKind::AttributesChanged {
                attributes: attributes(),
            }],
            CaseChange::Reply { agent, .. } => vec![EventKind::PublicReply { agent: *agent }],
            CaseChange::Note { agent, .. } => vec![EventKind::PrivateNote { agent: *agent }],
            CaseChange::CustomerMessage { .. } => vec![EventKind::CustomerMessage],
            CaseChange::MergeInto(into) => vec![EventKind::Merged { into: *into }],
            CaseChange::Delete => vec![EventKind::Deleted],
            CaseChange::Rate(_) => Vec::new(),
            other => {
                return Err(Error::NotPostable {
                    event: source.clone(),
                    reason: format!("a case change {} has no ticket event", other.name()),
                });
            }
        };
        Ok(kinds
            .into_iter()
            .map(|kind| TicketEvent::new(event.at, kind))
            .collect())
    })
}

/// The SLA attributes of a case as it stands.
fn attributes_of(case: &Case) -> TicketAttributes {
    let mut attributes = TicketAttributes::new(priority(case.priority().unwrap_or_default()));
    if let Some(channel) = case.channel() {
        attributes = attributes.with_channel(Channel::new(channel.as_str()));
    }
    if let Some(agent) = case.assignee() {
        attributes = attributes.with_assignee(agent);
    }
    for tag in case.tags() {
        attributes = attributes.with_tag(Tag::new(tag.as_str()));
    }
    attributes
}

/// The SLA priority of a case priority: the same four steps.
fn priority(priority: CasePriority) -> Priority {
    match priority {
        CasePriority::Low => Priority::Low,
        CasePriority::High => Priority::High,
        CasePriority::Urgent => Priority::Urgent,
        _ => Priority::Normal,
    }
}

/// The SLA status of a case status: the same six, spelt alike.
fn status(status: CaseStatus) -> Status {
    match status {
        CaseStatus::New => Status::New,
        CaseStatus::Pending => Status::Pending,
        CaseStatus::OnHold => Status::OnHold,
        CaseStatus::Solved => Status::Solved,
        CaseStatus::Closed => Status::Closed,
        _ => Status::Open,
    }
}
