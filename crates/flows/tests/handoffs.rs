//! Hand-offs between the domains: each produces what the receiving domain
//! accepts, and replaying the same source event produces nothing new.

use bureau_core::{Aggregate, Currency, EmployeeId, PartyId, Percent, TicketId, UserId, money};
use bureau_crm::case::{
    Case, CaseChange, CaseChannel, CaseCommand, CasePriority, CaseStatus, Opener,
};
use bureau_crm::{
    Conversion, Lead, LeadChange, LeadCommand, LeadData, LeadId, MessageText, Name,
    OpportunitySeed, Source, Subject,
};
use bureau_flows::{
    CustomerFlags, Error, HandOffLog, MissingKey, OpportunitySetup, SourceEvent,
    opportunity_from_lead, ticket_events,
};
use bureau_sales::{
    Opportunity, OpportunityChange, OpportunityCommand, OpportunityId, Pipeline, Stage, StageName,
};
use bureau_sla::{Metric, Priority, SlaConfig, SlaPolicy, SlaRecord, Target};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

type Failure = Box<dyn std::error::Error>;

fn t0() -> Result<DateTime<Utc>, Failure> {
    Ok(Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .ok_or("instant")?)
}

fn pipeline() -> Result<Pipeline, Failure> {
    let name = |n: &str| StageName::new(n);
    Ok(Pipeline::new([
        Stage::open(name("Qualification")?, Percent::new(10.into()))?,
        Stage::open(name("Proposal")?, Percent::new(40.into()))?,
        Stage::won(name("Won")?),
        Stage::lost(name("Lost")?),
    ])?)
}

/// A lead owned by user 5, converted into contact 10 at organization 20,
/// with its conversion event.
fn converted_lead(amount: bool) -> Result<Vec<bureau_crm::LeadEvent>, Failure> {
    let t0 = t0()?;
    let data = LeadData::new(Name::new("Ada Lovelace")?, Source::new("webinar")?)
        .with_company(Name::new("Analytical Engines")?)
        .with_campaign(Name::new("spring launch")?);
    let mut seed = OpportunitySeed::new(Name::new("40 seats")?);
    if amount {
        seed.amount = Some(money!(12000.00 EUR));
    }
    let mut lead = Lead::default();
    let mut events = Vec::new();
    for (hours, change) in [
        (
            0,
            LeadChange::Capture {
                id: LeadId::from_u128(1),
                data,
            },
        ),
        (1, LeadChange::AssignOwner(Some(UserId::from_u128(5)))),
        (2, LeadChange::Qualify),
        (
            3,
            LeadChange::Convert(Conversion::new(
                PartyId::from_u128(10),
                Some(PartyId::from_u128(20)),
                seed,
            )),
        ),
    ] {
        events.extend(lead.handle(&LeadCommand::new(t0 + TimeDelta::hours(hours), change))?);
    }
    Ok(events)
}

fn seller(user: UserId) -> Option<EmployeeId> {
    (user == UserId::from_u128(5)).then_some(EmployeeId::from_u128(50))
}

#[test]
fn a_converted_lead_opens_its_opportunity_once() -> Result<(), Failure> {
    let pipeline = pipeline()?;
    let close = NaiveDate::from_ymd_opt(2026, 5, 31).ok_or("date")?;
    let setup = OpportunitySetup::new(OpportunityId::from_u128(100), &pipeline, close, seller);
    let mut log = HandOffLog::default();
    let mut opportunity = Opportunity::default();
    let events = converted_lead(true)?;
    let mut opened = 0;
    // The whole stream, twice: the second pass produces nothing.
    for _ in 0..2 {
        for event in &events {
            let Some(hand_off) = opportunity_from_lead(&log, event, &setup)? else {
                continue;
            };
            opened += 1;
            opportunity.handle(&hand_off.output)?;
            log.handle(&bureau_flows::HandOffCommand::Record(
                match hand_off.processed {
                    bureau_flows::HandOffEvent::Processed(source) => source,
                    _ => return Err("unknown hand-off event".into()),
                },
            ))?;
        }
    }
    assert_eq!(opened, 1);
    assert_eq!(log.len(), 1);
    assert!(log.is_processed(&SourceEvent::LeadConverted(LeadId::from_u128(1))));
    let data = opportunity.data().ok_or("opened")?;
    assert_eq!(data.owner, EmployeeId::from_u128(50));
    assert_eq!(data.party, PartyId::from_u128(20));
    assert_eq!(data.amount, money!(12000.00 EUR));
    assert_eq!(data.stage.as_str(), "Qualification");
    assert_eq!(
        data.source.as_ref().map(|s| s.as_str()),
        Some("spring launch")
    );
    // And the opportunity can be worked and won.
    opportunity.handle(&OpportunityCommand::new(
        t0()? + TimeDelta::days(10),
        OpportunityChange::Win(None),
    ))?;
    Ok(())
}

#[test]
fn a_lead_without_amount_or_known_owner_is_named() -> Result<(), Failure> {
    let pipeline = pipeline()?;
    let close = NaiveDate::from_ymd_opt(2026, 5, 31).ok_or("date")?;
    let log = HandOffLog::default();
    let events = converted_lead(false)?;
    let conversion = events.last().ok_or("converted")?;
    let setup = OpportunitySetup::new(OpportunityId::from_u128(100), &pipeline, close, seller);
    let err = opportunity_from_lead(&log, conversion, &setup).err();
    assert_eq!(
        err,
        Some(Error::Missing {
            event: SourceEvent::LeadConverted(LeadId::from_u128(1)),
            key: MissingKey::OpportunityCurrency,
        })
    );
    // With a currency it opens at zero.
    let with_currency = setup.with_currency(Currency::EUR);
    let opened = opportunity_from_lead(&log, conversion, &with_currency)?.ok_or("opened")?;
    let OpportunityChange::Open(data) = &opened.output.change else {
        return Err("an opening".into());
    };
    assert!(data.amount.is_zero());
    // A user who is no employee.
    let nobody = OpportunitySetup::new(OpportunityId::from_u128(100), &pipeline, close, |_| None)
        .with_currency(Currency::EUR);
    assert!(matches!(
        opportunity_from_lead(&log, conversion, &nobody),
        Err(Error::Missing {
            key: MissingKey::Owner(Some(_)),
            ..
        })
    ));
    Ok(())
}

#[test]
fn a_case_runs_its_sla_and_a_breach_flags_the_customer_once() -> Result<(), Failure> {
    let t0 = t0()?;
    let customer = PartyId::from_u128(2);
    let agent = UserId::from_u128(9);
    let config = SlaConfig::standard(vec![
        SlaPolicy::new("default")
            .with_target(
                Metric::FirstReply,
                Priority::High,
                Target::calendar_hours(TimeDelta::hours(1))?,
            )
            .with_target(
                Metric::TotalResolution,
                Priority::High,
                Target::calendar_hours(TimeDelta::hours(8))?,
            ),
    ])?;
    let mut case = Case::default();
    let mut record = SlaRecord::new(&config);
    let mut log = HandOffLog::default();
    let mut position = 0;
    let changes = [
        (
            0,
            CaseChange::Open {
                id: TicketId::from_u128(1),
                requester: customer,
                organization: None,
                channel: CaseChannel::Email,
                priority: CasePriority::High,
                opened_by: Opener::Customer,
                subject: Subject::new("Cannot log in")?,
            },
        ),
        (5, CaseChange::Status(CaseStatus::Open)),
        (
            90,
            CaseChange::Reply {
                agent,
                body: MessageText::new("Password reset sent.")?,
            },
        ),
        (120, CaseChange::Status(CaseStatus::Solved)),
    ];
    let mut stored = Vec::new();
    for (minutes, change) in changes {
        let events = case.handle(&CaseCommand::new(t0 + TimeDelta::minutes(minutes), change))?;
        stored.extend(events.clone());
        for event in &events {
            position += 1;
            let hand_off = ticket_events(&log, &case, event, position)?.ok_or("new event")?;
            for ticket_event in &hand_off.output {
                record.record(ticket_event)?;
            }
            let bureau_flows::HandOffEvent::Processed(source) = hand_off.processed else {
                return Err("unknown hand-off event".into());
            };
            log.handle(&bureau_flows::HandOffCommand::Record(source))?;
        }
    }
    // Replaying the case's stream hands nothing off again.
    let replayed = Case::from_events(&stored)?;
    for (index, event) in stored.iter().enumerate() {
        let position = u64::try_from(index)? + 1;
        assert!(ticket_events(&log, &replayed, event, position)?.is_none());
    }

    let evaluation = record.evaluate(t0 + TimeDelta::hours(3))?;
    let first = evaluation
        .metric(&Metric::FirstReply)
        .ok_or("first reply")?;
    assert_eq!(first.completed[0].elapsed, TimeDelta::minutes(90));
    assert!(first.completed[0].outcome.is_breached());

    let mut flags = CustomerFlags::default();
    for _ in 0..2 {
        for command in flags.flag_breaches(customer, &evaluation) {
            flags.handle(&command)?;
        }
    }
    assert!(flags.is_flagged(customer));
    let breaches: Vec<_> = flags.breaches(customer).collect();
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].metric, Metric::FirstReply);
    assert_eq!(breaches[0].at, t0 + TimeDelta::hours(1));
    assert_eq!(flags.flagged().collect::<Vec<_>>(), [customer]);

    // Cleared by a follow-up; a stored history replays to the same flags.
    let cleared = flags.handle(&bureau_flows::FlagCommand::Clear {
        customer,
        at: t0 + TimeDelta::days(1),
    })?;
    assert_eq!(cleared.len(), 1);
    assert!(!flags.is_flagged(customer));
    Ok(())
}

#[test]
fn stored_hand_off_logs_that_repeat_a_key_are_refused() -> Result<(), Failure> {
    let key = SourceEvent::LeadConverted(LeadId::from_u128(1));
    let twice = [
        bureau_flows::HandOffEvent::Processed(key.clone()),
        bureau_flows::HandOffEvent::Processed(key.clone()),
    ];
    let mut log = HandOffLog::default();
    let mut results = twice.iter().map(|event| log.replay(event));
    assert!(matches!(results.next(), Some(Ok(()))));
    assert_eq!(
        results.next(),
        Some(Err(Error::ContradictoryHandOffEvent { event: key }))
    );
    Ok(())
}
