//! A tour of bureau's CRM rules: a lead scored with its breakdown, two
//! duplicate contacts found and merged, a support case routed by skills, and
//! a sale attributed to its touchpoints under every model.
//!
//! Run with `cargo run --example crm --features crm`.

use std::collections::BTreeMap;
use std::error::Error;

use bureau::calendar::{Calendar, Schedule, Tz};
use bureau::crm::attribution::{Attribution, AttributionModel, ConversionEvent, KindWeights};
use bureau::crm::case::{
    Case, CaseChange, CaseChannel, CaseCommand, CasePriority, GroupId, Opener,
};
use bureau::crm::dedup::{MatchRecord, Matcher};
use bureau::crm::merge::{FieldEntry, MergeCommand, MergeLog, MergePolicy, PartyRecord};
use bureau::crm::routing::{Agent, CaseToRoute, RoutingRule, route};
use bureau::crm::{
    Activity, ActivityCommand, ActivityId, ActivityKind, ActivityLog, Band, Bands, CampaignId,
    Contribution, Engagement, EngagementKind, EngagementRule, FieldKey, FieldText, FieldValue,
    FitRule, MarketingChannel, Name, Predicate, RuleName, Score, ScoringModel, Source, Subject,
    Tag, TouchKind, Touchpoint,
};
use bureau::{Aggregate, Decimal, Money, PartyId, TicketId, UserId};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

fn main() -> Result<(), Box<dyn Error>> {
    let now = Utc
        .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .single()
        .ok_or("no such instant")?;
    scoring(now)?;
    merge(now)?;
    routing(now)?;
    attribution(now)?;
    Ok(())
}

fn scoring(now: DateTime<Utc>) -> Result<(), Box<dyn Error>> {
    let employees = FieldKey::new("employees")?;
    let industry = FieldKey::new("industry")?;
    let (demo, open, visit) = (
        EngagementKind::new("demo_request")?,
        EngagementKind::new("email_open")?,
        EngagementKind::new("pricing_visit")?,
    );
    let model = ScoringModel::new(
        vec![
            FitRule::new(
                RuleName::new("200+ staff")?,
                Predicate::AtLeast(employees.clone(), Decimal::from(200)),
                Score::points(30),
            ),
            FitRule::new(
                RuleName::new("target industry")?,
                Predicate::OneOf(industry.clone(), vec![FieldText::new("software")?]),
                Score::points(20),
            ),
            FitRule::new(
                RuleName::new("student")?,
                Predicate::Equals(
                    industry.clone(),
                    FieldValue::Text(FieldText::new("education")?),
                ),
                Score::points(-25),
            ),
        ],
        vec![
            EngagementRule::new(demo, Score::points(40)),
            EngagementRule::new(open, Score::points(3)).with_cap(Score::points(12)),
            EngagementRule::new(visit, Score::points(10)),
        ],
        TimeDelta::days(14),
        Some(Score::points(100)),
        Bands::new(
            Band::new(Score::points(10), Score::points(20)),
            Band::new(Score::points(40), Score::points(50)),
        ),
    )?;
    let mut lead = BTreeMap::new();
    lead.insert(employees, FieldValue::Number(Decimal::from(350)));
    lead.insert(industry, FieldValue::Text(FieldText::new("software")?));
    let mut events: Vec<Engagement> = (1..=6)
        .map(|days| Engagement::new(open, now - TimeDelta::days(days)))
        .collect();
    events.push(Engagement::new(visit, now - TimeDelta::days(14)));
    events.push(Engagement::new(demo, now - TimeDelta::hours(6)));

    let mut lines = Vec::new();
    let score = model.breakdown_into(&lead, &events, now, &mut lines);
    println!("== Lead score at {now}");
    for line in &lines {
        match line {
            Contribution::Fit { rule, points } => {
                println!("  fit         {:<18} {points:>7}", rule.name.to_string());
            }
            Contribution::Engagement {
                rule,
                events,
                points,
                capped,
            } => {
                let capped = if *capped { " (capped)" } else { "" };
                println!(
                    "  engagement  {:<18} {points:>7}  {events} event(s){capped}",
                    rule.kind.as_str()
                );
            }
            Contribution::OverallCap { points } => {
                println!("  engagement  {:<18} {points:>7}", "overall cap");
            }
            _ => {}
        }
    }
    println!(
        "  fit {}, engagement {}: {:?}\n",
        score.fit, score.engagement, score.stage
    );
    Ok(())
}

fn merge(now: DateTime<Utc>) -> Result<(), Box<dyn Error>> {
    let (ada, ada_again, grace) = (
        PartyId::from_u128(1),
        PartyId::from_u128(2),
        PartyId::from_u128(3),
    );
    let records = [
        MatchRecord::new(ada)
            .with_name(&Name::new("Ada Lovelace")?)
            .with_organization(&Name::new("Analytical Engines Ltd")?),
        MatchRecord::new(ada_again)
            .with_name(&Name::new("Lovelace, Ada")?)
            .with_organization(&Name::new("ANALYTICAL ENGINES LTD.")?),
        MatchRecord::new(grace)
            .with_name(&Name::new("Grace Hopper")?)
            .with_email("grace@navy.example".parse()?),
    ];
    let clusters = Matcher::default().clusters(&records)?;
    println!("== De-duplication and merge");
    for cluster in &clusters {
        for link in &cluster.links {
            println!(
                "  {} ~ {}: {:?}, score {}",
                link.a, link.b, link.rule, link.score
            );
        }
    }

    let title = FieldKey::new("job_title")?;
    let entry = |text: &str, days_ago: i64, source: &str| -> Result<FieldEntry, Box<dyn Error>> {
        Ok(FieldEntry::new(
            Some(FieldText::new(text)?),
            now - TimeDelta::days(days_ago),
            Source::new(source)?,
        ))
    };
    // The activities as stored: a call with Ada, a note on her duplicate.
    let mut activities = ActivityLog::default();
    let (call, note) = (ActivityId::from_u128(10), ActivityId::from_u128(11));
    for (id, party, subject, days_ago) in [
        (call, ada, "Notes from the intro call", 40),
        (note, ada_again, "Asked for pricing", 19),
    ] {
        let activity = Activity::new(
            id,
            now - TimeDelta::days(days_ago),
            Subject::new(subject)?,
            ActivityKind::Note,
        );
        activities.handle(&ActivityCommand::Log(activity.with_party(party)))?;
    }
    let survivor = PartyRecord::new(ada)
        .with_field(title.clone(), entry("Analyst", 300, "import")?)
        .with_activity(call);
    let absorbed = PartyRecord::new(ada_again)
        .with_field(title.clone(), entry("Head of Analysis", 20, "webform")?)
        .with_activity(note);
    let mut log = MergeLog::default();
    log.handle(&MergeCommand::Merge {
        at: now,
        survivor,
        absorbed,
        policy: MergePolicy::default(),
    })?;
    let record = log.record(ada, ada_again).ok_or("no merge record")?;
    for outcome in record.fields() {
        let text = |e: &Option<FieldEntry>| {
            e.as_ref()
                .and_then(|e| e.value.as_ref())
                .map_or("-".to_owned(), ToString::to_string)
        };
        println!(
            "  {}: survivor {:?}, absorbed {:?}, kept {:?} from {} by {:?}",
            outcome.field,
            text(&outcome.survivor),
            text(&outcome.absorbed),
            text(&Some(outcome.kept.clone())),
            outcome.from,
            outcome.rule
        );
    }
    // Re-point the absorbed record's activities in the stored log.
    for command in record.activity_commands() {
        activities.handle(&command)?;
    }
    let timeline: Vec<&str> = activities
        .timeline(ada)
        .map(|a| a.subject().as_str())
        .collect();
    println!(
        "  timeline of the survivor: {timeline:?}; of the absorbed: {} activities\n",
        activities.timeline(ada_again).count()
    );
    Ok(())
}

fn routing(now: DateTime<Utc>) -> Result<(), Box<dyn Error>> {
    let office = Calendar::new(Schedule::weekdays(Tz::UTC, "09:00-17:00".parse()?)?);
    let night_shift = Calendar::new(Schedule::weekdays(Tz::UTC, "18:00-23:00".parse()?)?);
    let agents = [
        Agent::new(UserId::from_u128(7), &office, 5, 2).with_skill(Tag::new("billing")?),
        Agent::new(UserId::from_u128(8), &office, 5, 0).with_skill(Tag::new("api")?),
        Agent::new(UserId::from_u128(9), &night_shift, 5, 0).with_skill(Tag::new("billing")?),
    ];
    let ticket = TicketId::from_u128(100);
    let mut case = Case::default();
    case.handle(&CaseCommand::new(
        now,
        CaseChange::Open {
            id: ticket,
            requester: PartyId::from_u128(1),
            organization: None,
            channel: CaseChannel::Email,
            priority: CasePriority::High,
            opened_by: Opener::Customer,
            subject: Subject::new("Invoice charged twice")?,
        },
    ))?;
    case.handle(&CaseCommand::new(
        now,
        CaseChange::AddTag(Tag::new("billing")?),
    ))?;
    let routed = route(
        RoutingRule::Skills {
            fallback: GroupId::from_u128(1),
        },
        &agents,
        &[CaseToRoute::new(ticket, case.tags().cloned())],
        now,
    );
    println!("== Routing");
    for assignment in &routed {
        println!(
            "  case {} -> agent {:?}: {:?}",
            assignment.case,
            assignment.agent.map(|a| a.to_string()),
            assignment.reason
        );
        if let Some(change) = assignment.change() {
            case.handle(&CaseCommand::new(now, change))?;
        }
    }
    println!(
        "  assignee now {:?}, status {:?}\n",
        case.assignee().map(|a| a.to_string()),
        case.status()
    );
    Ok(())
}

fn attribution(now: DateTime<Utc>) -> Result<(), Box<dyn Error>> {
    let party = PartyId::from_u128(1);
    let (webinar, search) = (CampaignId::from_u128(1), CampaignId::from_u128(2));
    let at = |days: i64| now - TimeDelta::days(days);
    let touches = [
        Touchpoint::new(
            party,
            Some(search),
            MarketingChannel::PaidSearch,
            at(40),
            TouchKind::Click,
        ),
        Touchpoint::new(
            party,
            Some(webinar),
            MarketingChannel::Event,
            at(30),
            TouchKind::LeadCreated,
        ),
        Touchpoint::new(
            party,
            None,
            MarketingChannel::Direct,
            at(12),
            TouchKind::Direct,
        ),
        Touchpoint::new(
            party,
            Some(webinar),
            MarketingChannel::Email,
            at(8),
            TouchKind::OpportunityCreated,
        ),
        Touchpoint::new(
            party,
            Some(search),
            MarketingChannel::PaidSearch,
            at(2),
            TouchKind::Visit,
        ),
    ];
    let sale = ConversionEvent::new(now, "24000.00 USD".parse::<Money>()?);
    let models = [
        AttributionModel::FirstTouch,
        AttributionModel::LastTouch,
        AttributionModel::LastNonDirect,
        AttributionModel::Linear,
        AttributionModel::TimeDecay {
            half_life: TimeDelta::days(7),
        },
        AttributionModel::PositionBased,
        AttributionModel::WShaped,
        AttributionModel::Custom(KindWeights::new(&[
            (TouchKind::Click, Decimal::ONE),
            (TouchKind::LeadCreated, Decimal::from(2)),
            (TouchKind::OpportunityCreated, Decimal::from(3)),
        ])?),
    ];
    println!("== Attribution of {} over 90 days", sale.revenue);
    print!("  {:<22}", "model");
    for touch in &touches {
        print!(" {:>13}", format!("{:?}", touch.kind));
    }
    println!(" {:>12} {:>12}", "webinar", "search");
    let mut out = Attribution::default();
    for model in models {
        model.attribute_into(&sale, TimeDelta::days(90), &touches, &mut out)?;
        print!("  {:<22}", model.name());
        for credit in out.credits() {
            print!(" {:>13}", credit.revenue.amount().to_string());
        }
        let campaign = |c| {
            out.revenue_for(c)
                .map_or("-".to_owned(), |m: Money| m.amount().to_string())
        };
        println!(" {:>12} {:>12}", campaign(webinar), campaign(search));
    }
    Ok(())
}
