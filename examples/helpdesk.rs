//! A day at a help desk: tickets come in, agents reply, customers wait; at
//! the end of the day every ticket's SLA state, the breaches, the escalations
//! that fell due and an adherence table.
//!
//! Run it with `cargo run --example helpdesk`.

use bureau::calendar::{Calendar, Holiday, Schedule, Tz};
use bureau::sla::{
    Action, ClockState, Condition, EscalationRule, EventKind, GroupBy, GroupKey, Metric, Opener,
    Outcome, Priority, SlaConfig, SlaPolicy, SlaRecord, Status, Target, Threshold,
    TicketAttributes, TicketEvent, WorkingTimeCache, adherence,
};
use bureau::{Decimal, Percent, TicketId, UserId};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

const TZ: Tz = Tz::Europe__Berlin;

fn local(day: u32, hour: u32, minute: u32) -> Result<DateTime<Utc>, Box<dyn std::error::Error>> {
    Ok(TZ
        .with_ymd_and_hms(2026, 3, day, hour, minute, 0)
        .single()
        .ok_or("local time")?
        .to_utc())
}

fn hm(duration: TimeDelta) -> String {
    let minutes = duration.num_minutes();
    let sign = if minutes < 0 { "-" } else { "" };
    format!("{sign}{}h{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

fn clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&TZ).format("%a %-d %H:%M").to_string()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Business hours in Berlin, 08:00-18:00 on weekdays; Good Friday off.
    let good_friday = NaiveDate::from_ymd_opt(2026, 4, 3).ok_or("date")?;
    let business = Calendar::builder(Schedule::weekdays(TZ, "08:00-18:00".parse()?)?)
        .holiday(Holiday::on(good_friday, "Good Friday"))
        .build()?;
    let hours = |h: i64| Target::new(TimeDelta::hours(h), business.clone());
    let minutes = |m: i64| Target::new(TimeDelta::minutes(m), business.clone());

    let mut enterprise =
        SlaPolicy::new("enterprise").with_condition(Condition::TierIs("gold".into()));
    let mut standard = SlaPolicy::new("standard");
    for priority in Priority::ALL {
        let (first, next, resolve) = match priority {
            Priority::Urgent => (minutes(30)?, minutes(60)?, hours(4)?),
            Priority::High => (hours(1)?, hours(2)?, hours(8)?),
            Priority::Normal | Priority::Low => (hours(4)?, hours(8)?, hours(24)?),
        };
        enterprise = enterprise
            .with_target(Metric::FirstReply, priority, first.clone())
            .with_target(Metric::NextReply, priority, next.clone())
            .with_target(Metric::TotalResolution, priority, resolve.clone());
        standard = standard
            .with_target(
                Metric::FirstReply,
                priority,
                Target::new(first.duration() * 2, business.clone())?,
            )
            .with_target(
                Metric::TotalResolution,
                priority,
                Target::new(resolve.duration() * 2, business.clone())?,
            );
    }
    standard = standard.with_target(
        Metric::AgentWork,
        Priority::Normal,
        hours(6)?.with_warning(Percent::new(Decimal::from(50)))?,
    );
    let config = SlaConfig::standard(vec![enterprise, standard])?;

    let (ana, ben) = (UserId::from_u128(1), UserId::from_u128(2));
    let lead = UserId::from_u128(9);
    let rules = [
        EscalationRule::new(
            Metric::FirstReply,
            Threshold::Warning,
            Action::Notify { user: lead },
        ),
        EscalationRule::new(
            Metric::FirstReply,
            Threshold::Breach,
            Action::Reassign { to: lead },
        ),
        EscalationRule::new(
            Metric::TotalResolution,
            Threshold::Breach,
            Action::RaisePriority {
                to: Priority::Urgent,
            },
        )
        .with_priority(Priority::High),
    ];

    // Monday 2 March 2026.
    let created = |n: u128, at: DateTime<Utc>, attributes: TicketAttributes| {
        TicketEvent::new(
            at,
            EventKind::Created {
                ticket: TicketId::from_u128(n),
                opened_by: Opener::Customer,
                attributes,
            },
        )
    };
    let reply = |at, agent| TicketEvent::new(at, EventKind::PublicReply { agent });
    let status = |at, to| TicketEvent::new(at, EventKind::StatusChanged { to });
    let customer = |at| TicketEvent::new(at, EventKind::CustomerMessage);
    let tickets: Vec<Vec<TicketEvent>> = vec![
        vec![
            created(
                1,
                local(2, 8, 5)?,
                TicketAttributes::new(Priority::Urgent)
                    .with_tier("gold")
                    .with_assignee(ana),
            ),
            reply(local(2, 8, 20)?, ana),
            status(local(2, 8, 20)?, Status::Pending),
            status(local(2, 9, 40)?, Status::Open),
            customer(local(2, 9, 40)?),
            reply(local(2, 11, 10)?, ana),
            status(local(2, 11, 30)?, Status::Solved),
        ],
        vec![
            created(
                2,
                local(2, 9, 0)?,
                TicketAttributes::new(Priority::High)
                    .with_tier("gold")
                    .with_assignee(ben),
            ),
            reply(local(2, 10, 30)?, ben),
            status(local(2, 10, 30)?, Status::OnHold),
        ],
        vec![
            created(
                3,
                local(2, 10, 15)?,
                TicketAttributes::new(Priority::Normal)
                    .with_channel("web")
                    .with_assignee(ana),
            ),
            TicketEvent::new(local(2, 11, 0)?, EventKind::PrivateNote { agent: ana }),
            reply(local(2, 13, 5)?, ana),
            status(local(2, 13, 5)?, Status::Solved),
            status(local(2, 15, 0)?, Status::Open),
            customer(local(2, 15, 0)?),
        ],
        vec![
            created(
                4,
                local(2, 11, 30)?,
                TicketAttributes::new(Priority::Normal).with_channel("email"),
            ),
            TicketEvent::new(
                local(2, 14, 0)?,
                EventKind::AttributesChanged {
                    attributes: TicketAttributes::new(Priority::High)
                        .with_channel("email")
                        .with_assignee(ben),
                },
            ),
        ],
        vec![
            created(
                5,
                local(2, 16, 40)?,
                TicketAttributes::new(Priority::Low)
                    .with_channel("phone")
                    .with_assignee(ben),
            ),
            reply(local(2, 17, 0)?, ben),
            status(local(2, 17, 0)?, Status::Solved),
        ],
        vec![
            created(
                6,
                local(2, 7, 30)?,
                TicketAttributes::new(Priority::Urgent)
                    .with_tier("gold")
                    .with_assignee(ana),
            ),
            reply(local(2, 8, 50)?, ana),
        ],
    ];

    let now = local(2, 18, 0)?;
    let morning = local(2, 0, 0)?;
    println!(
        "== SLA states on {} (Europe/Berlin, business hours 08:00-18:00) ==",
        now.with_timezone(&TZ).format("%A %-d %B %Y, %H:%M")
    );
    let mut cache = WorkingTimeCache::new();
    let mut evaluations = Vec::new();
    for history in &tickets {
        let record = SlaRecord::from_history(&config, history)?;
        let evaluation = record.evaluate_with(now, &mut cache)?;
        let ticket = evaluation.ticket.ok_or("ticket")?;
        println!(
            "\nticket #{} [{} priority, policy {}, {}]",
            ticket.as_uuid().as_u128(),
            evaluation.priority.ok_or("priority")?,
            evaluation
                .policy
                .map_or("none".to_owned(), ToString::to_string),
            evaluation.status.ok_or("status")?,
        );
        if evaluation.selections.len() > 1 {
            for change in &evaluation.selections[1..] {
                println!(
                    "  re-targeted at {}: {} priority",
                    clock(change.at),
                    change.priority
                );
            }
        }
        for metric in &evaluation.metrics {
            for cycle in &metric.completed {
                let Some(target) = cycle.target else { continue };
                let verdict = match cycle.outcome {
                    Outcome::Achieved => "achieved".to_owned(),
                    Outcome::Breached { at } => format!("BREACHED at {}", clock(at)),
                    Outcome::Untargeted => continue,
                };
                println!(
                    "  {:<17} {} -> {}  {} of {}  {verdict}",
                    metric.metric,
                    clock(cycle.start),
                    clock(cycle.stop),
                    hm(cycle.elapsed),
                    hm(target),
                );
            }
            if let Some(cycle) = &metric.ongoing {
                let (Some(target), Some(remaining)) = (cycle.target, cycle.remaining) else {
                    continue;
                };
                let state = match cycle.state {
                    ClockState::Running => "running",
                    ClockState::Paused => "paused",
                };
                let due = cycle.due.map_or("when resumed".to_owned(), clock);
                let verdict = match cycle.breached_since {
                    Some(at) => format!("BREACHED since {}", clock(at)),
                    None => format!("{} left, due {due}", hm(remaining)),
                };
                println!(
                    "  {:<17} {} -> now  {} of {}  {state}, {verdict}",
                    metric.metric,
                    clock(cycle.start),
                    hm(cycle.elapsed),
                    hm(target),
                );
            }
        }
        for escalation in record.escalations(&rules, morning, now)? {
            let threshold = match escalation.threshold {
                Threshold::Warning => "warning",
                Threshold::Breach => "breach",
            };
            let action = match escalation.action {
                Action::Notify { user } => format!("notify user {}", user.as_uuid().as_u128()),
                Action::Reassign { to } => format!("reassign to user {}", to.as_uuid().as_u128()),
                Action::RaisePriority { to } => format!("raise priority to {to}"),
                _ => "other action".to_owned(),
            };
            println!(
                "  escalation at {}: {} {threshold} -> {action}",
                clock(escalation.at),
                escalation.metric,
            );
        }
        evaluations.push(evaluation);
    }

    println!("\n== Adherence by priority ==");
    println!(
        "{:<10} {:>8} {:>8} {:>9} {:>12} {:>12} {:>12} {:>12}",
        "priority",
        "achieved",
        "breached",
        "achieved%",
        "reply p50",
        "reply p90",
        "resolve p50",
        "resolve p90"
    );
    let show = |d: Option<TimeDelta>| d.map_or("-".to_owned(), hm);
    for row in adherence(&evaluations, GroupBy::Priority)? {
        let GroupKey::Priority(priority) = row.key else {
            continue;
        };
        println!(
            "{:<10} {:>8} {:>8} {:>9} {:>12} {:>12} {:>12} {:>12}",
            priority.to_string(),
            row.achieved,
            row.breached,
            row.achieved_percent
                .map_or("-".to_owned(), |p| p.to_string()),
            show(row.first_reply.median),
            show(row.first_reply.p90),
            show(row.resolution.median),
            show(row.resolution.p90),
        );
    }
    println!("\n== Adherence by metric ==");
    for row in adherence(&evaluations, GroupBy::Metric)? {
        let GroupKey::Metric(metric) = row.key else {
            continue;
        };
        if row.achieved + row.breached == 0 {
            continue;
        }
        println!(
            "{:<17} {:>2} achieved, {:>2} breached ({})",
            metric.to_string(),
            row.achieved,
            row.breached,
            row.achieved_percent
                .map_or("-".to_owned(), |p| p.to_string()),
        );
    }
    Ok(())
}
