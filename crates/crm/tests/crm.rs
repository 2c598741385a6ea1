//! A lead's way through the crate, as a caller would wire it: captured,
//! scored, qualified, converted into a contact and an organization, reached
//! with consent, its activities logged, its events stored as JSON and
//! reloaded, and finally erased; campaigns credited by attribution and
//! reported; planted duplicates found; a support case routed, solved by a
//! macro and reloaded; two duplicates merged and unmerged.

use std::collections::BTreeMap;

use bureau_core::{Aggregate, Decimal, PartyId, UserId};
use bureau_crm::EmailAddress;
use bureau_crm::dedup::{MatchRecord, Matcher};
use bureau_crm::{
    Activity, ActivityCommand, ActivityEvent, ActivityId, ActivityKind, ActivityLog, Band, Bands,
    Channel, ConsentState, Contact, ContactChange, ContactCommand, ContactEvent, Conversion,
    Engagement, EngagementKind, EngagementRule, FieldKey, FieldValue, FitRule, Lead, LeadChange,
    LeadCommand, LeadData, LeadEvent, LeadId, LeadStatus, LifecycleStage, Name, OpportunitySeed,
    Organization, OrganizationEvent, Predicate, Purpose, RuleName, Score, ScoreStage, ScoringModel,
    Source, Subject,
};
use chrono::{DateTime, TimeDelta, Utc};

type Fallible = Result<(), Box<dyn std::error::Error>>;

fn day(n: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::days(20_000 + n)
}

fn stored<T: serde::Serialize + serde::de::DeserializeOwned>(
    events: &[T],
) -> Result<Vec<T>, serde_json::Error> {
    serde_json::from_str(&serde_json::to_string(events)?)
}

fn model() -> Result<ScoringModel, bureau_crm::Error> {
    let employees = FieldKey::new("employees")?;
    ScoringModel::new(
        vec![
            FitRule::new(
                RuleName::new("200+ staff")?,
                Predicate::AtLeast(employees.clone(), Decimal::from(200)),
                Score::points(40),
            ),
            FitRule::new(
                RuleName::new("no staff count")?,
                Predicate::Absent(employees),
                Score::points(-10),
            ),
        ],
        vec![
            EngagementRule::new(EngagementKind::new("demo_request")?, Score::points(50)),
            EngagementRule::new(EngagementKind::new("email_open")?, Score::points(3))
                .with_cap(Score::points(15)),
        ],
        TimeDelta::days(14),
        Some(Score::points(100)),
        Bands::new(
            Band::new(Score::ZERO, Score::points(10)),
            Band::new(Score::points(30), Score::points(40)),
        ),
    )
}

#[test]
fn a_lead_becomes_a_customer_and_is_erased() -> Fallible {
    let owner = UserId::from_u128(7);
    let (contact_id, organization_id) = (PartyId::from_u128(100), PartyId::from_u128(200));

    // Captured and enriched.
    let mut lead = Lead::default();
    let mut lead_events = Vec::new();
    let data = LeadData::new(Name::new("Ada Lovelace")?, Source::new("webinar")?)
        .with_email("Ada@Engines.example".parse()?)
        .with_company(Name::new("Analytical Engines")?)
        .with_campaign(Name::new("spring launch")?);
    for (at, change) in [
        (
            day(0),
            LeadChange::Capture {
                id: LeadId::from_u128(1),
                data,
            },
        ),
        (
            day(0),
            LeadChange::SetAttribute(
                FieldKey::new("employees")?,
                FieldValue::Number(Decimal::from(250)),
            ),
        ),
        (day(1), LeadChange::AssignOwner(Some(owner))),
        (day(1), LeadChange::MarkContacted),
    ] {
        lead_events.extend(lead.handle(&LeadCommand::new(at, change))?);
    }

    // Scored: good fit, and a demo request makes it sales-qualified.
    let model = model()?;
    let open = EngagementKind::new("email_open")?;
    let mut behaviour = vec![Engagement::new(open, day(1)); 8];
    let before = model.score(&lead, &behaviour, day(2));
    assert_eq!(before.fit, Score::points(40));
    assert_eq!(before.stage, ScoreStage::MarketingQualified);
    behaviour.push(Engagement::new(
        EngagementKind::new("demo_request")?,
        day(2),
    ));
    let after = model.score(&lead, &behaviour, day(2));
    assert_eq!(after.stage, ScoreStage::SalesQualified);
    let mut lines = Vec::new();
    assert_eq!(
        model.breakdown_into(&lead, &behaviour, day(2), &mut lines),
        after
    );
    assert_eq!(lines.len(), 3);

    // Qualified and converted.
    lead_events.extend(lead.handle(&LeadCommand::new(day(2), LeadChange::Qualify))?);
    let conversion = Conversion::new(
        contact_id,
        Some(organization_id),
        OpportunitySeed::new(Name::new("250 seats")?),
    );
    lead_events.extend(lead.handle(&LeadCommand::new(day(3), LeadChange::Convert(conversion)))?);
    assert_eq!(lead.status(), &LeadStatus::Converted);
    let Some(LeadEvent::Converted { conversion, at }) = lead_events.last() else {
        return Err("the last lead event is the conversion".into());
    };

    let mut organization = Organization::default();
    let mut organization_events: Vec<OrganizationEvent> = Vec::new();
    for command in conversion.organization_commands(*at) {
        organization_events.extend(organization.handle(&command)?);
    }
    let mut contact = Contact::default();
    let mut contact_events: Vec<ContactEvent> = Vec::new();
    for command in conversion.contact_commands(*at) {
        contact_events.extend(contact.handle(&command)?);
    }
    assert_eq!(contact.emails()[0].as_str(), "Ada@engines.example");
    assert_eq!(contact.roles()[0].organization, organization_id);
    assert_eq!(contact.profile().owner(), Some(owner));
    assert_eq!(
        organization.name().map(Name::as_str),
        Some("Analytical Engines")
    );

    // Reached with consent only.
    let news = Purpose::new("newsletter")?;
    let touch = ContactCommand::new(
        day(4),
        ContactChange::MarketingTouch {
            channel: Channel::Email,
            purpose: news.clone(),
        },
    );
    assert!(contact.decide(&touch).is_err());
    contact_events.extend(contact.handle(&ContactCommand::new(
        day(4),
        ContactChange::Consent {
            channel: Channel::Email,
            purpose: news,
            state: ConsentState::Granted,
            source: Source::new("webinar sign-up")?,
        },
    ))?);
    contact_events.extend(contact.handle(&touch)?);

    // Activities, with a task that falls overdue.
    let mut log = ActivityLog::default();
    let mut activity_events: Vec<ActivityEvent> = Vec::new();
    let follow_up = Activity::new(
        ActivityId::from_u128(1),
        day(3),
        Subject::new("Send the proposal")?,
        ActivityKind::Task { due: day(5) },
    )
    .with_party(contact_id)
    .with_owner(owner);
    activity_events.extend(log.handle(&ActivityCommand::Log(follow_up))?);
    assert_eq!(log.overdue(day(6)).count(), 1);

    // Won: a customer.
    contact_events.extend(contact.handle(&ContactCommand::new(
        day(7),
        ContactChange::Profile(bureau_crm::ProfileChange::ChangeStage {
            to: LifecycleStage::Customer,
            cause: bureau_crm::StageCause::User(owner),
        }),
    ))?);

    // Stored as JSON and reloaded into the same states.
    assert_eq!(Lead::from_events(&stored(&lead_events)?)?, lead);
    assert_eq!(Contact::from_events(&stored(&contact_events)?)?, contact);
    assert_eq!(
        Organization::from_events(&stored(&organization_events)?)?,
        organization
    );
    assert_eq!(ActivityLog::from_events(&stored(&activity_events)?)?, log);

    // Erased: personal data gone, the business history kept.
    contact.handle(&ContactCommand::new(day(30), ContactChange::Erase))?;
    let data = contact.personal_data()?;
    assert!(data.name.is_none() && data.emails.is_empty());
    assert_eq!(contact.profile().stage(), Some(LifecycleStage::Customer));
    assert_eq!(contact.touches().len(), 1);
    assert_eq!(log.timeline(contact_id).count(), 1);
    Ok(())
}

#[test]
fn scoring_reads_any_attribute_source() -> Fallible {
    let model = model()?;
    let mut attributes = BTreeMap::new();
    let empty = model.score(&attributes, &[], day(0));
    assert_eq!(empty.fit, Score::points(-10));
    attributes.insert(
        FieldKey::new("employees")?,
        FieldValue::Number(Decimal::from(5)),
    );
    assert_eq!(model.score(&attributes, &[], day(0)).fit, Score::ZERO);
    Ok(())
}

/// Two campaigns, many conversions attributed through one reused buffer,
/// the touchpoints stored as JSON and read back, and each campaign's report
/// from the revenue credited to it.
#[test]
fn campaigns_are_credited_and_reported() -> Fallible {
    use bureau_core::{DateRange, Money, Rate, RoundingStrategy};
    use bureau_crm::attribution::{Attribution, AttributionModel, ConversionEvent};
    use bureau_crm::{
        Campaign, CampaignId, CampaignTotals, MarketingChannel, TouchKind, Touchpoint,
    };

    let period = DateRange::new(day(0).date_naive(), day(90).date_naive())?;
    let webinars = Campaign::new(
        CampaignId::from_u128(1),
        Name::new("Webinars")?,
        MarketingChannel::Event,
        "600.00 USD".parse()?,
        period,
    )?;
    let search = Campaign::new(
        CampaignId::from_u128(2),
        Name::new("Search ads")?,
        MarketingChannel::PaidSearch,
        "400.00 USD".parse()?,
        period,
    )?;
    let mut buffer = Attribution::default();
    let mut credited = [Money::zero(bureau_core::Currency::USD); 2];
    for customer in 1..=10_u128 {
        let party = PartyId::from_u128(customer);
        let start = i64::try_from(customer)?;
        let touches = vec![
            Touchpoint::new(
                party,
                Some(webinars.id()),
                webinars.channel(),
                day(start),
                TouchKind::Form,
            ),
            Touchpoint::new(
                party,
                Some(search.id()),
                search.channel(),
                day(start + 3),
                TouchKind::Click,
            ),
            Touchpoint::new(
                party,
                None,
                MarketingChannel::Direct,
                day(start + 4),
                TouchKind::Direct,
            ),
        ];
        let touches: Vec<Touchpoint> = stored(&touches)?;
        let sale = ConversionEvent::new(day(start + 5), "300.00 USD".parse()?);
        AttributionModel::PositionBased.attribute_into(
            &sale,
            TimeDelta::days(30),
            &touches,
            &mut buffer,
        )?;
        for (total, campaign) in credited.iter_mut().zip([&webinars, &search]) {
            let part = buffer.revenue_for(campaign.id()).ok_or("no attribution")?;
            *total = total.checked_add(part)?;
        }
    }
    // 40 % to the first touch (webinars), 20 % to the middle (search), 40 % to the direct visit.
    assert_eq!(
        credited,
        ["1200.00 USD".parse::<Money>()?, "600.00 USD".parse()?]
    );
    let report = CampaignTotals::new(webinars.budget(), credited[0], 10, 10)
        .report(RoundingStrategy::MidpointNearestEven)?;
    assert_eq!(report.roi, Some(Rate::new(Decimal::ONE))); // +100 %
    assert_eq!(report.cost_per_acquisition, Some("60.00 USD".parse()?));
    let report = CampaignTotals::new(search.budget(), credited[1], 0, 0)
        .report(RoundingStrategy::MidpointNearestEven)?;
    assert_eq!(report.roi, Some(Rate::new(Decimal::new(5, 1))));
    assert_eq!(report.cost_per_lead, None);
    Ok(())
}

/// Records and the planted (original, duplicate) pairs among them.
type Planted = (Vec<MatchRecord>, Vec<(PartyId, PartyId)>);

/// A deterministic pseudo-random sequence (64-bit LCG, Knuth's constants),
/// so the planted set is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % n as u64).unwrap_or(0)
    }

    fn word(&mut self, syllables: usize) -> String {
        const SYLLABLES: &[&str] = &[
            "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ber", "dan", "fel", "gor", "han",
            "jus", "kim", "lem", "mor", "nix", "pal", "quin", "ros", "sul", "tor", "vek", "wil",
            "yar", "zen", "bra", "cle", "dro",
        ];
        let mut word = String::new();
        for _ in 0..syllables {
            word.push_str(SYLLABLES[self.below(SYLLABLES.len())]);
        }
        let mut chars = word.chars();
        chars
            .next()
            .map_or(word.clone(), |c| c.to_uppercase().chain(chars).collect())
    }
}

/// `n` records of which one in ten is a planted duplicate of an earlier one
/// (half sharing its email under another spelling of the name, half with a
/// one-letter typo in the surname and the organization spelt differently),
/// and the planted pairs.
fn planted(n: usize) -> Result<Planted, bureau_crm::Error> {
    let mut rng = Lcg(42);
    // One organization per ten records (at least 2,000), of four syllables
    // (810,000 names): the same density of namesakes at every size.
    let organizations: Vec<String> = (0..(n / 10).max(2_000)).map(|_| rng.word(4)).collect();
    let mut records: Vec<MatchRecord> = Vec::with_capacity(n);
    let mut originals: Vec<(usize, String, String, usize)> = Vec::new();
    let mut pairs = Vec::new();
    for i in 0..n {
        let id = PartyId::from_u128(i as u128 + 1);
        if i % 10 == 9 && !originals.is_empty() {
            let k = rng.below(originals.len());
            let (index, first, last, org) = originals[k].clone();
            let original = records[index].id();
            let record = if rng.below(2) == 0 {
                let email =
                    format!("{}.{}@{}.example", first, last, organizations[org]).to_lowercase();
                MatchRecord::new(id)
                    .with_name(&Name::new(&format!("{} {}", &first[..1], last))?)
                    .with_email(EmailAddress::parse(&format!(" {email}"))?)
            } else {
                let mut typo: Vec<char> = last.chars().collect();
                let at = 1 + rng.below(typo.len() - 1);
                typo[at] = if typo[at] == 'x' { 'y' } else { 'x' };
                let typo: String = typo.into_iter().collect();
                MatchRecord::new(id)
                    .with_name(&Name::new(
                        &format!("{last}, {first}").replace(&last, &typo),
                    )?)
                    .with_organization(&Name::new(&format!(
                        "{} Ltd.",
                        organizations[org].to_uppercase()
                    ))?)
            };
            records.push(record);
            pairs.push((original, id));
        } else {
            let (first, last) = (rng.word(2), rng.word(3));
            let org = rng.below(organizations.len());
            let email = format!("{}.{}@{}.example", first, last, organizations[org]).to_lowercase();
            records.push(
                MatchRecord::new(id)
                    .with_name(&Name::new(&format!("{first} {last}"))?)
                    .with_organization(&Name::new(&format!("{} Ltd", organizations[org]))?)
                    .with_email(EmailAddress::parse(&email)?),
            );
            originals.push((i, first, last, org));
        }
    }
    Ok((records, pairs))
}

/// Recall and precision on planted duplicates. `DEDUP_RECORDS` sets the
/// size (5,000 by default); the README quotes a release run at 1,000,000.
#[test]
fn planted_duplicates_are_found() -> Fallible {
    let n = std::env::var("DEDUP_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let (records, planted) = planted(n)?;
    let started = std::time::Instant::now();
    let clusters = Matcher::default().clusters(&records)?;
    let elapsed = started.elapsed();
    // A record's entity is the original it duplicates (or itself): two
    // duplicates of one original are a true match too.
    let entity: std::collections::HashMap<PartyId, PartyId> = planted
        .iter()
        .map(|&(original, duplicate)| (duplicate, original))
        .collect();
    let entity_of = |p: PartyId| entity.get(&p).copied().unwrap_or(p);
    let cluster_of: std::collections::HashMap<PartyId, usize> = clusters
        .iter()
        .enumerate()
        .flat_map(|(k, c)| c.members.iter().map(move |&m| (m, k)))
        .collect();
    let hits = planted
        .iter()
        .filter(|(a, b)| {
            cluster_of
                .get(a)
                .is_some_and(|k| cluster_of.get(b) == Some(k))
        })
        .count();
    let links: Vec<(PartyId, PartyId)> = clusters
        .iter()
        .flat_map(|c| c.links.iter().map(|l| (l.a, l.b)))
        .collect();
    let correct = links
        .iter()
        .filter(|&&(a, b)| entity_of(a) == entity_of(b))
        .count();
    let recall = hits as f64 / planted.len() as f64;
    let precision = correct as f64 / links.len() as f64;
    println!(
        "{n} records, {} planted, {} links: recall {recall:.4}, precision {precision:.4}, {elapsed:?}",
        planted.len(),
        links.len()
    );
    assert!(recall >= 0.95, "recall {recall}");
    assert!(precision >= 0.99, "precision {precision}");
    Ok(())
}

/// A case opened by chat, routed by skills, answered and solved by a macro,
/// its events stored as JSON and reloaded; then two contacts found alike,
/// merged and unmerged from the stored merge event.
#[test]
fn a_case_is_routed_and_solved_and_duplicates_are_merged() -> Fallible {
    use bureau_calendar::{Calendar, Schedule, Tz};
    use bureau_core::TicketId;
    use bureau_crm::case::{
        Case, CaseChange, CaseChannel, CaseCommand, CaseEvent, CasePriority, CaseStatus, GroupId,
        Macro, Opener,
    };
    use bureau_crm::merge::{MergeCommand, MergeEvent, MergeLog, MergePolicy, PartyRecord};
    use bureau_crm::routing::{Agent, CaseToRoute, RoutingReason, RoutingRule, route};
    use bureau_crm::{MacroName, MessageText, Tag};

    // 2024-10-07 is a Monday; 20,000 days after the epoch is 2024-10-04, a Friday.
    let monday = DateTime::UNIX_EPOCH + TimeDelta::days(20_003) + TimeDelta::hours(10);
    let mut case = Case::default();
    let mut events: Vec<CaseEvent> = Vec::new();
    events.extend(case.handle(&CaseCommand::new(
        monday,
        CaseChange::Open {
            id: TicketId::from_u128(1),
            requester: PartyId::from_u128(2),
            organization: Some(PartyId::from_u128(3)),
            channel: CaseChannel::Chat,
            priority: CasePriority::High,
            opened_by: Opener::Customer,
            subject: Subject::new("Refund")?,
        },
    ))?);
    let billing = Tag::new("billing")?;
    events.extend(case.handle(&CaseCommand::new(
        monday,
        CaseChange::AddTag(billing.clone()),
    ))?);

    let office = Calendar::new(Schedule::weekdays(
        Tz::Europe__Berlin,
        "09:00-17:00".parse()?,
    )?);
    let agents = [
        Agent::new(UserId::from_u128(10), &office, 3, 3).with_skill(billing.clone()),
        Agent::new(UserId::from_u128(11), &office, 3, 1).with_skill(billing.clone()),
    ];
    let routed = route(
        RoutingRule::Skills {
            fallback: GroupId::from_u128(1),
        },
        &agents,
        &[CaseToRoute::new(
            TicketId::from_u128(1),
            case.tags().cloned(),
        )],
        monday,
    );
    assert_eq!(
        routed[0].agent,
        Some(UserId::from_u128(11)),
        "the first agent is at capacity"
    );
    assert_eq!(
        routed[0].reason,
        RoutingReason::Skills {
            matched: [billing].into()
        }
    );
    events.extend(case.handle(&CaseCommand::new(
        monday,
        routed[0].change().ok_or("unassigned")?,
    ))?);
    let refund = Macro::new(MacroName::new("refund issued")?)
        .with_reply(MessageText::new("Your refund is on its way.")?)
        .with_status(CaseStatus::Solved);
    events.extend(case.handle(&CaseCommand::apply_macro(
        monday + TimeDelta::minutes(20),
        UserId::from_u128(11),
        refund,
    ))?);
    assert_eq!(case.status(), Some(CaseStatus::Solved));
    assert_eq!(Case::from_events(&stored(&events)?)?, case);

    let (ada, ada_again) = (PartyId::from_u128(20), PartyId::from_u128(21));
    let records = [
        MatchRecord::new(ada)
            .with_name(&Name::new("Ada Lovelace")?)
            .with_organization(&Name::new("Analytical Engines")?),
        MatchRecord::new(ada_again)
            .with_name(&Name::new("Lovelace, Ada")?)
            .with_organization(&Name::new("analytical engines")?),
    ];
    let clusters = Matcher::default().clusters(&records)?;
    assert_eq!(clusters[0].members, [ada, ada_again]);
    let survivor = PartyRecord::new(ada).with_activity(ActivityId::from_u128(1));
    let absorbed = PartyRecord::new(ada_again).with_activity(ActivityId::from_u128(2));
    let mut log = MergeLog::default();
    let merged: Vec<MergeEvent> = log.handle(&MergeCommand::Merge {
        at: monday,
        survivor: survivor.clone(),
        absorbed: absorbed.clone(),
        policy: MergePolicy::default(),
    })?;
    let mut reloaded = MergeLog::default();
    for event in stored(&merged)? {
        reloaded.apply(&event);
    }
    assert_eq!(reloaded, log);

    // The merge re-points the absorbed record's activity in the stored
    // activity log; the events read back as JSON; unmerging moves it back.
    let mut activities = ActivityLog::default();
    for (id, party) in [(1, ada), (2, ada_again)] {
        let note = Activity::new(
            ActivityId::from_u128(id),
            monday,
            Subject::new("note")?,
            ActivityKind::Note,
        );
        activities.handle(&ActivityCommand::Log(note.with_party(party)))?;
    }
    let before = activities.clone();
    let record = reloaded.record(ada, ada_again).ok_or("no merge record")?;
    let mut repointed: Vec<ActivityEvent> = Vec::new();
    for command in record.activity_commands() {
        repointed.extend(activities.handle(&command)?);
    }
    let mut replayed = before.clone();
    for event in stored(&repointed)? {
        replayed.replay(&event)?;
    }
    assert_eq!(replayed, activities);
    assert_eq!(activities.timeline(ada).count(), 2);
    for command in record.unmerge_activity_commands() {
        activities.handle(&command)?;
    }
    assert_eq!(activities, before);

    assert_eq!(reloaded.unmerged(ada, ada_again)?, (survivor, absorbed));
    Ok(())
}

/// What the facade's store needs of an aggregate: a default state and
/// events that are domain events and serialize both ways. A compile-time
/// check: the test fails to build if one of them loses a bound.
#[test]
fn every_aggregate_can_be_stored() {
    fn storable<A>()
    where
        A: Aggregate + Default,
        A::Event: bureau_core::DomainEvent + serde::Serialize + serde::de::DeserializeOwned,
    {
    }
    storable::<ActivityLog>();
    storable::<bureau_crm::case::Case>();
    storable::<Contact>();
    storable::<Lead>();
    storable::<bureau_crm::merge::MergeLog>();
    storable::<Organization>();
    storable::<bureau_crm::ScoringSetup>();
}
