//! Hand-offs between the domains: each produces what the receiving domain
//! accepts, and replaying the same source event produces nothing new.

use bureau_core::{
    Aggregate, Currency, DateRange, EmployeeId, PartyId, Percent, ProductId, RoundingStrategy,
    TicketId, UserId, money,
};
use bureau_crm::case::{
    Case, CaseChange, CaseChannel, CaseCommand, CasePriority, CaseStatus, Opener,
};
use bureau_crm::{
    Conversion, Lead, LeadChange, LeadCommand, LeadData, LeadId, MessageText, Name,
    OpportunitySeed, Source, Subject,
};
use bureau_flows::{
    CustomerFlags, Error, HandOff, HandOffCommand, HandOffEvent, HandOffLog, MissingKey,
    OpportunitySetup, SourceEvent, opportunity_from_lead, order_from_won, quote_from_won,
    ticket_events,
};
use bureau_sales::{
    Catalog, CloseReason, Document, DocumentLine, DocumentNumber, Opportunity, OpportunityChange,
    OpportunityCommand, OpportunityData, OpportunityEvent, OpportunityId, OpportunityStatus, Order,
    OrderCommand, OrderStatus, Pipeline, PriceBook, PriceList, PriceListCode, PriceTier,
    PricedDocument, Pricing, PricingConfig, Product, ProductName, Quantity, Quote, QuoteStatus,
    Sku, Stage, StageName, TaxCategory, TaxCode, TaxKind, TaxRule, TaxTable, UnitOfMeasure,
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

// ----- A won deal becomes a quote or an order -----

const DEAL: OpportunityId = OpportunityId::from_u128(300);

/// Opportunity 300 for 12 000.00 EUR, opened and then won (or lost), with
/// its stream.
fn closed_deal(win: bool) -> Result<(Opportunity, Vec<OpportunityEvent>), Failure> {
    let t0 = t0()?;
    let data = OpportunityData::new(
        DEAL,
        pipeline()?,
        StageName::new("Proposal")?,
        money!(12000.00 EUR),
        EmployeeId::from_u128(50),
        PartyId::from_u128(20),
        NaiveDate::from_ymd_opt(2026, 4, 30).ok_or("date")?,
    );
    let close = if win {
        OpportunityChange::Win(None)
    } else {
        OpportunityChange::Lose(CloseReason::new("Budget cut")?)
    };
    let mut opportunity = Opportunity::default();
    let mut events = opportunity.handle(&OpportunityCommand::new(
        t0,
        OpportunityChange::Open(Box::new(data)),
    ))?;
    events.extend(opportunity.handle(&OpportunityCommand::new(t0 + TimeDelta::days(20), close))?);
    Ok((opportunity, events))
}

/// The offer priced for the deal: forty seats at 300.00 in `currency`,
/// VAT 20%.
fn offer(currency: Currency) -> Result<PricedDocument, Failure> {
    let seat = ProductId::from_u128(1);
    let standard = TaxCategory::new("standard")?;
    let catalog = Catalog::from_products([Product::new(
        seat,
        Sku::new("SEAT")?,
        ProductName::new("Seat")?,
        UnitOfMeasure::new("each")?,
        standard.clone(),
    )])?;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    let price = bureau_core::Money::from_minor(30_000, currency)?;
    let prices = PriceBook::new([PriceList::new(
        PriceListCode::new("LIST")?,
        currency,
        None,
        DateRange::new(day(1, 1)?, day(12, 31)?)?,
    )
    .with_prices(seat, [PriceTier::new(Quantity::ZERO, price)?])?]);
    let taxes = TaxTable::new([TaxRule::new(
        TaxCode::new("VAT20")?,
        TaxKind::Percentage(Percent::new(20.into())),
        [standard],
    )?])?;
    let pricing = Pricing::new(
        &catalog,
        &prices,
        &taxes,
        PricingConfig::new(RoundingStrategy::MidpointNearestEven),
    );
    Ok(pricing.price(
        &Document::new(currency, day(3, 22)?)
            .with_line(DocumentLine::new(seat, Quantity::from(40))),
    )?)
}

/// Records a hand-off's source event in `log`; returns its output.
fn record<T>(log: &mut HandOffLog, hand_off: HandOff<T>) -> Result<T, Failure> {
    let HandOffEvent::Processed(source) = hand_off.processed else {
        return Err("a hand-off event the test does not know".into());
    };
    assert_eq!(log.handle(&HandOffCommand::Record(source))?.len(), 1);
    Ok(hand_off.output)
}

#[test]
fn a_won_deal_drafts_its_quote_once() -> Result<(), Failure> {
    let (opportunity, events) = closed_deal(true)?;
    assert_eq!(opportunity.status(), Some(OpportunityStatus::Won));
    let offer = offer(Currency::EUR)?;
    let valid_until = NaiveDate::from_ymd_opt(2026, 4, 21).ok_or("date")?;
    let mut log = HandOffLog::default();
    let mut quote = Quote::default();
    let mut drafted = 0;
    // The deal's stream, twice: only its win hands off, and only once.
    for _ in 0..2 {
        for event in &events {
            let Some(hand_off) = quote_from_won(&log, &opportunity, event, &offer, valid_until)?
            else {
                continue;
            };
            drafted += 1;
            let command = record(&mut log, hand_off)?;
            quote.handle(&command)?;
        }
    }
    assert_eq!(drafted, 1);
    assert_eq!(log.len(), 1);
    assert!(log.is_processed(&SourceEvent::OpportunityWon(DEAL)));
    assert_eq!(quote.status(), Some(QuoteStatus::Draft));
    assert_eq!(quote.valid_until(), Some(valid_until));
    assert_eq!(
        quote.priced().map(|p| p.totals().gross),
        Some(money!(14400.00 EUR))
    );

    // The deal replayed from its stored events, through a log replayed from
    // its own, hands nothing off either.
    let reloaded = Opportunity::from_events(&events)?;
    let mut restored = HandOffLog::default();
    restored.replay(&HandOffEvent::Processed(SourceEvent::OpportunityWon(DEAL)))?;
    for event in &events {
        assert!(quote_from_won(&restored, &reloaded, event, &offer, valid_until)?.is_none());
    }
    Ok(())
}

#[test]
fn a_won_deal_places_its_order_once() -> Result<(), Failure> {
    let (opportunity, events) = closed_deal(true)?;
    let offer = offer(Currency::EUR)?;
    let on = NaiveDate::from_ymd_opt(2026, 3, 22).ok_or("date")?;
    let mut log = HandOffLog::default();
    let mut order = Order::default();
    let mut placed = 0;
    for _ in 0..2 {
        for event in &events {
            let number = DocumentNumber::new("SO-300")?;
            let Some(hand_off) = order_from_won(&log, &opportunity, event, &offer, number, on)?
            else {
                continue;
            };
            placed += 1;
            let command = record(&mut log, hand_off)?;
            let OrderCommand::Place {
                number,
                priced,
                on: placed_on,
            } = &command
            else {
                return Err("an order placed".into());
            };
            assert_eq!((number.as_str(), *placed_on), ("SO-300", on));
            assert_eq!(**priced, offer);
            order.handle(&command)?;
        }
    }
    assert_eq!(placed, 1);
    assert_eq!(log.len(), 1);
    assert_eq!(order.status(), Some(OrderStatus::Confirmed));
    assert_eq!(order.number().map(DocumentNumber::as_str), Some("SO-300"));
    // The same command again, had the log been lost, is refused by the
    // order itself: nothing is placed twice.
    let again = order_from_won(
        &HandOffLog::default(),
        &opportunity,
        events.last().ok_or("won")?,
        &offer,
        DocumentNumber::new("SO-300")?,
        on,
    )?
    .ok_or("a fresh log hands off")?;
    assert!(order.decide(&again.output).is_err());
    Ok(())
}

#[test]
fn a_deal_not_won_or_offered_in_another_currency_is_refused() -> Result<(), Failure> {
    let log = HandOffLog::default();
    let valid_until = NaiveDate::from_ymd_opt(2026, 4, 21).ok_or("date")?;
    let on = NaiveDate::from_ymd_opt(2026, 3, 22).ok_or("date")?;
    let euros = offer(Currency::EUR)?;
    let won = SourceEvent::OpportunityWon(DEAL);

    // A lost deal hands nothing off: its events hold no win.
    let (lost, events) = closed_deal(false)?;
    assert_eq!(lost.status(), Some(OpportunityStatus::Lost));
    for event in &events {
        assert!(quote_from_won(&log, &lost, event, &euros, valid_until)?.is_none());
        let number = DocumentNumber::new("SO-300")?;
        assert!(order_from_won(&log, &lost, event, &euros, number, on)?.is_none());
    }

    // A win given with an opportunity it was not applied to.
    let (_, won_events) = closed_deal(true)?;
    let win = won_events.last().ok_or("won")?;
    let open = Opportunity::from_events(won_events.first())?;
    assert_eq!(open.status(), Some(OpportunityStatus::Open));
    let err = quote_from_won(&log, &open, win, &euros, valid_until).err();
    assert!(matches!(&err, Some(Error::NotPostable { event, .. }) if *event == won));
    assert!(matches!(
        order_from_won(&log, &lost, win, &euros, DocumentNumber::new("SO-300")?, on),
        Err(Error::NotPostable { event, .. }) if event == won
    ));

    // An offer in dollars for a deal in euros.
    let (opportunity, _) = closed_deal(true)?;
    let dollars = offer(Currency::USD)?;
    let err = quote_from_won(&log, &opportunity, win, &dollars, valid_until).err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some(
            "opportunity 00000000-0000-0000-0000-00000000012c won: the offer is in USD, the deal in EUR"
        )
    );
    let number = DocumentNumber::new("SO-300")?;
    assert!(matches!(
        order_from_won(&log, &opportunity, win, &dollars, number, on),
        Err(Error::NotPostable { event, .. }) if event == won
    ));

    // An opportunity never opened.
    assert_eq!(
        quote_from_won(&log, &Opportunity::default(), win, &euros, valid_until).err(),
        Some(Error::NotOpened {
            what: "opportunity"
        })
    );
    // Nothing refused was recorded.
    assert!(log.is_empty());
    Ok(())
}
