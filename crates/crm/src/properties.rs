//! Property tests of the aggregates, over the crate's own strategies.

use bureau_core::Aggregate;
use proptest::prelude::*;

use crate::{Contact, ContactChange, ContactCommand, ContactEvent, LifecycleStage, strategy};

proptest! {
    #[test]
    fn replaying_a_history_rebuilds_the_same_contact(events in strategy::contact_history(30)) {
        let mut folded = Contact::default();
        for event in &events {
            folded.apply(event);
        }
        prop_assert_eq!(Contact::from_events(&events)?, folded);
    }

    #[test]
    fn stage_history_follows_the_rules(contact in strategy::contact()) {
        let history = contact.profile().stage_history();
        for pair in history.windows(2) {
            prop_assert_eq!(pair[1].from, Some(pair[0].to));
            prop_assert!(pair[0].to.may_move_to(pair[1].to));
        }
        if let Some(first) = history.first() {
            prop_assert_eq!(first.from, None);
        }
        prop_assert!(history.windows(2).all(|p| p[0].at <= p[1].at));
    }

    #[test]
    fn every_touch_had_consent_in_force(contact in strategy::contact()) {
        for touch in contact.touches() {
            prop_assert!(contact.consents().state_at(touch.channel, &touch.purpose, touch.at).is_granted());
        }
    }

    #[test]
    fn erasure_blanks_personal_data_and_keeps_the_rest(events in strategy::contact_history(30)) {
        let before = Contact::from_events(&events)?;
        let Some(last) = events.last() else { return Ok(()) };
        let mut after = before.clone();
        let erase = ContactCommand::new(last.at, ContactChange::Erase);
        match after.handle(&erase) {
            Ok(_) => {
                let data = after.personal_data()?;
                prop_assert!(data.name.is_none() && data.emails.is_empty() && data.phones.is_empty());
                prop_assert!(data.addresses.is_empty() && data.fields.is_empty());
                prop_assert!(data.roles.iter().all(|r| r.title.is_none()));
                prop_assert_eq!(after.id(), before.id());
                prop_assert_eq!(after.profile().stage_history(), before.profile().stage_history());
                prop_assert_eq!(after.profile().tags(), before.profile().tags());
                prop_assert_eq!(after.touches(), before.touches());
                prop_assert_eq!(after.roles().len(), before.roles().len());
                // Nothing is accepted any more.
                prop_assert!(after.decide(&erase).is_err());
            }
            // Already erased by the history itself.
            Err(_) => prop_assert!(before.erased_at().is_some()),
        }
    }

    #[test]
    fn a_refused_command_changes_nothing(
        contact in strategy::contact(),
        stage in prop::sample::select(LifecycleStage::ALL.to_vec()),
    ) {
        let before = contact.clone();
        let mut contact = contact;
        let at = before.consents().history().last().map_or(chrono::DateTime::UNIX_EPOCH, |c| c.at());
        let command = ContactCommand::new(at, ContactChange::Profile(crate::ProfileChange::ChangeStage {
            to: stage,
            cause: crate::StageCause::User(bureau_core::UserId::from_u128(1)),
        }));
        if contact.handle(&command).is_err() {
            prop_assert_eq!(contact, before);
        }
    }

    #[test]
    fn events_survive_serialization(events in strategy::contact_history(20)) {
        let json = serde_json::to_string(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Vec<ContactEvent> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, events);
    }
}

#[test]
fn histories_reach_every_kind_of_change() -> Result<(), Box<dyn std::error::Error>> {
    use bureau_core::DomainEvent;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeSet;

    let mut runner = TestRunner::deterministic();
    let strategy = strategy::contact_history(30);
    let mut seen = BTreeSet::new();
    let mut stage_moves = 0;
    for _ in 0..300 {
        let events = strategy
            .new_tree(&mut runner)
            .map_err(|e| e.to_string())?
            .current();
        stage_moves += events
            .iter()
            .filter(|e| e.event_type() == "stage_changed")
            .count();
        seen.extend(events.iter().map(DomainEvent::event_type));
    }
    for kind in [
        "contact_created",
        "renamed",
        "email_added",
        "phone_added",
        "address_added",
        "tag_added",
        "tag_removed",
        "owner_assigned",
        "field_set",
        "stage_changed",
        "role_added",
        "role_ended",
        "consent_stated",
        "marketing_touch_recorded",
        "duplicate_absorbed",
        "duplicate_released",
        "roles_moved",
        "roles_restored",
        "erased",
    ] {
        assert!(seen.contains(kind), "no {kind} in 300 histories");
    }
    // About one stage move in every history on average, so that the stage
    // properties see long chains of moves.
    assert!(stage_moves > 150, "{stage_moves} stage moves");
    Ok(())
}

proptest! {
    #[test]
    fn replaying_a_lead_rebuilds_it(events in strategy::lead_history(15)) {
        let mut folded = crate::Lead::default();
        for event in &events {
            folded.apply(event);
        }
        prop_assert_eq!(crate::Lead::from_events(&events)?, folded);
        let json = serde_json::to_string(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Vec<crate::LeadEvent> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, events);
    }

    #[test]
    fn replaying_a_scoring_setup_rebuilds_it(events in strategy::scoring_history(6)) {
        let mut folded = crate::ScoringSetup::default();
        for event in &events {
            folded.apply(event);
        }
        let replayed = crate::ScoringSetup::from_events(&events)?;
        prop_assert_eq!(&replayed, &folded);
        let json = serde_json::to_string(&events).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Vec<crate::ScoringEvent> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &events);
        // Each model is in force from its instant until the next one's.
        for (i, adopted) in replayed.models().iter().enumerate() {
            let in_force = replayed.model_at(adopted.from).map(|m| m.version);
            let replaced_at_once = replayed.models().get(i + 1).is_some_and(|next| next.from == adopted.from);
            prop_assert!(replaced_at_once || in_force == Some(adopted.version));
        }
    }

    #[test]
    fn lead_status_moves_are_guarded(lead in strategy::lead()) {
        let mut status = crate::LeadStatus::New;
        for change in lead.status_history() {
            prop_assert_eq!(&change.from, &status);
            prop_assert!(change.from.may_move_to(&change.to));
            status = change.to.clone();
        }
        prop_assert_eq!(&status, lead.status());
    }

    #[test]
    fn a_conversion_creates_a_valid_contact_and_organization(events in strategy::lead_history(15)) {
        for event in &events {
            if let crate::LeadEvent::Converted { at, conversion } = event {
                let mut contact = Contact::default();
                for command in conversion.contact_commands(*at) {
                    contact.handle(&command)?;
                }
                prop_assert_eq!(contact.id(), Some(conversion.contact));
                prop_assert_eq!(contact.name(), Some(&conversion.data.name));
                prop_assert_eq!(contact.profile().stage(), Some(LifecycleStage::Opportunity));
                let mut organization = crate::Organization::default();
                for command in conversion.organization_commands(*at) {
                    organization.handle(&command)?;
                }
                prop_assert_eq!(organization.id(), conversion.organization);
            }
        }
    }
}

#[test]
fn lead_histories_reach_every_kind_of_change() -> Result<(), Box<dyn std::error::Error>> {
    use bureau_core::DomainEvent;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;

    let mut runner = TestRunner::deterministic();
    let strategy = strategy::lead_history(15);
    let mut seen = BTreeMap::<&str, usize>::new();
    for _ in 0..300 {
        let events = strategy
            .new_tree(&mut runner)
            .map_err(|e| e.to_string())?
            .current();
        for event in &events {
            *seen.entry(event.event_type()).or_default() += 1;
        }
    }
    for kind in [
        "lead_captured",
        "attribute_set",
        "owner_assigned",
        "contacted",
        "qualified",
        "disqualified",
        "converted",
    ] {
        assert!(seen.get(kind).is_some_and(|n| *n >= 20), "{kind}: {seen:?}");
    }
    Ok(())
}

mod attribution {
    use bureau_core::{Decimal, Money};
    use chrono::{DateTime, TimeDelta};
    use proptest::prelude::*;

    use crate::attribution::{Attribution, AttributionModel, ConversionEvent};
    use crate::{Error, strategy};

    fn conversion_at() -> chrono::DateTime<chrono::Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::days(20_000)
    }

    proptest! {
        #[test]
        fn shares_sum_to_one_and_parts_to_the_revenue(
            model in strategy::attribution_model(),
            touches in strategy::touchpoints(conversion_at(), 40, 1..26),
            revenue in bureau_core::strategy::money(),
        ) {
            let sale = ConversionEvent::new(conversion_at(), revenue);
            let mut out = Attribution::default();
            match model.attribute_into(&sale, TimeDelta::days(30), &touches, &mut out) {
                Err(Error::NoTouchpoints { .. }) => {
                    prop_assume!(false);
                }
                Err(Error::WeightsAllZero { .. }) => {
                    // Only custom weights can be zero for every touch.
                    prop_assert!(matches!(model, AttributionModel::Custom(_)));
                    prop_assume!(false);
                }
                result => prop_assert!(result.is_ok(), "{result:?}"),
            }
            let shares: Decimal = out.credits().map(|c| c.share.value()).sum();
            prop_assert_eq!(shares, Decimal::ONE);
            prop_assert!(out.credits().all(|c| c.share.value() >= Decimal::ZERO && c.share.value() <= Decimal::ONE));
            let parts = Money::checked_sum(out.credits().map(|c| c.revenue), revenue.currency())?;
            prop_assert_eq!(parts, revenue);
            prop_assert!(out.credits().all(|c| c.touchpoint.at >= conversion_at() - TimeDelta::days(30)));
        }

        #[test]
        fn parts_are_those_of_money_allocate_over_the_shares(
            model in strategy::attribution_model(),
            touches in strategy::touchpoints(conversion_at(), 40, 1..26),
            revenue in bureau_core::strategy::money(),
        ) {
            let sale = ConversionEvent::new(conversion_at(), revenue);
            let Ok(out) = model.attribute(&sale, TimeDelta::days(30), &touches) else {
                prop_assume!(false);
                return Ok(());
            };
            let shares: Vec<Decimal> = out.credits().map(|c| c.share.value()).collect();
            let parts: Vec<Money> = out.credits().map(|c| c.revenue).collect();
            prop_assert_eq!(parts, revenue.allocate(&shares)?);
        }

        #[test]
        fn input_order_does_not_change_the_result(
            model in strategy::attribution_model(),
            (touches, shuffled) in strategy::touchpoints(conversion_at(), 3, 1..21)
                .prop_flat_map(|t| (Just(t.clone()), Just(t).prop_shuffle())),
        ) {
            let sale = ConversionEvent::new(conversion_at(), "1000.00 EUR".parse::<Money>()?);
            let a = model.attribute(&sale, TimeDelta::days(30), &touches);
            let b = model.attribute(&sale, TimeDelta::days(30), &shuffled);
            prop_assert_eq!(a, b);
        }

        #[test]
        fn a_touch_after_the_conversion_is_refused(
            model in strategy::attribution_model(),
            mut touches in strategy::touchpoints(conversion_at(), 10, 1..10),
            late in 1_i64..100_000,
            at in any::<prop::sample::Index>(),
        ) {
            let index = at.index(touches.len());
            if let Some(touch) = touches.get_mut(index) {
                touch.at = conversion_at() + TimeDelta::seconds(late);
            }
            let sale = ConversionEvent::new(conversion_at(), "1.00 EUR".parse::<Money>()?);
            let err = model.attribute(&sale, TimeDelta::days(30), &touches).err();
            let first_late = touches.iter().position(|t| t.at > conversion_at());
            prop_assert!(
                matches!(err, Some(Error::TouchAfterConversion { index: i, .. }) if Some(i) == first_late),
                "{err:?}"
            );
        }
    }
}
