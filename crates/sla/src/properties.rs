//! Property tests of the invariants every evaluation keeps, over generated
//! histories and configurations.

use bureau_calendar::Calendar;
use bureau_core::Aggregate;
use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use crate::clock::{Hours, Segments, measure};
use crate::{
    Action, EscalationRule, EventKind, Metric, SlaCommand, SlaConfig, SlaRecord, Status, StatusSet,
    Threshold, TicketEvent, strategy,
};

/// The calendars the invariants are checked on.
pub(crate) fn calendars() -> Vec<Calendar> {
    let mut calendars = vec![Calendar::always()];
    calendars.extend(crate::test_calendars::business());
    calendars
}

fn calendar() -> impl Strategy<Value = Calendar> {
    prop::sample::select(calendars())
}

fn config() -> impl Strategy<Value = SlaConfig> {
    calendar().prop_flat_map(strategy::config)
}

fn last_at(history: &[TicketEvent]) -> DateTime<Utc> {
    history.last().map_or(DateTime::UNIX_EPOCH, TicketEvent::at)
}

/// The status in force just after every event dated at or before `at`.
fn status_at(history: &[TicketEvent], at: DateTime<Utc>) -> Status {
    let mut status = Status::New;
    for event in history.iter().take_while(|e| e.at() <= at) {
        match event.kind() {
            EventKind::StatusChanged { to } => status = *to,
            EventKind::Merged { .. } => status = Status::Closed,
            _ => {}
        }
    }
    status
}

/// Elapsed working time over `[start, stop)` minus the pause statuses,
/// computed from the history directly, piece by piece.
fn elapsed_from_history(
    history: &[TicketEvent],
    calendar: &Calendar,
    paused: StatusSet,
    start: DateTime<Utc>,
    stop: DateTime<Utc>,
) -> TimeDelta {
    let mut breaks: Vec<DateTime<Utc>> = history
        .iter()
        .map(TicketEvent::at)
        .filter(|at| *at > start && *at < stop)
        .collect();
    breaks.insert(0, start);
    breaks.push(stop);
    breaks.dedup();
    breaks
        .windows(2)
        .filter(|w| !paused.contains(status_at(history, w[0])))
        .map(|w| calendar.working_between(w[0], w[1]))
        .sum()
}

proptest! {
    #[test]
    fn recording_in_pieces_equals_recording_whole(
        config in config(),
        history in strategy::history(),
        split in any::<prop::sample::Index>(),
        after in strategy::gap(),
    ) {
        let now = last_at(&history) + after;
        let whole = SlaRecord::from_history(&config, &history)?;
        let cut = split.index(history.len() + 1);
        let mut pieces = SlaRecord::from_history(&config, &history[..cut])?;
        if let Some(prefix_last) = history[..cut].last() {
            // Evaluating the prefix in between must not disturb the record.
            pieces.evaluate(prefix_last.at())?;
        }
        for event in &history[cut..] {
            pieces.record(event)?;
        }
        prop_assert_eq!(&pieces, &whole);
        prop_assert_eq!(pieces.evaluate(now)?, whole.evaluate(now)?);

        let mut aggregate = SlaRecord::new(&config);
        for event in &history {
            let events = aggregate.handle(&SlaCommand::Record(event.clone()))?;
            prop_assert_eq!(events.as_slice(), std::slice::from_ref(event));
        }
        prop_assert_eq!(&aggregate, &whole);

        let mut stored = crate::TicketHistory::default();
        for event in &history {
            stored.handle(&SlaCommand::Record(event.clone()))?;
        }
        prop_assert_eq!(stored.events(), history.as_slice());
        prop_assert_eq!(&stored.evaluator(&config)?, &whole);
    }

    #[test]
    fn history_and_record_reject_the_same_events(
        config in config(),
        history in strategy::history(),
        swap in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
        shift in -120_i64..120,
    ) {
        // Disorder a valid history: swap two events and move one in time.
        let mut events = history;
        let (a, b) = (swap.0.index(events.len()), swap.1.index(events.len()));
        events.swap(a, b);
        let moved = events[a].clone();
        events[a] = TicketEvent::new(moved.at() + TimeDelta::minutes(shift), moved.kind().clone());
        let mut record = SlaRecord::new(&config);
        let mut stored = crate::TicketHistory::default();
        for event in &events {
            let by_record = record.record(event);
            let by_history = stored.record(event);
            prop_assert_eq!(&by_record, &by_history);
        }
        prop_assert_eq!(record.len(), stored.events().len());
        prop_assert_eq!(&stored.evaluator(&config)?, &record);
    }

    #[test]
    fn a_shared_cache_gives_the_calendar_answers(
        config in config(),
        first in strategy::history(),
        second in strategy::history(),
        after in strategy::gap(),
    ) {
        let mut cache = crate::WorkingTimeCache::new();
        for history in [&first, &second, &first] {
            let record = SlaRecord::from_history(&config, history)?;
            for now in [last_at(history), last_at(history) + after, last_at(history) + TimeDelta::days(400)] {
                prop_assert_eq!(record.evaluate_with(now, &mut cache)?, record.evaluate(now)?);
            }
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn configurations_and_histories_survive_json(
        config in config(),
        history in strategy::history(),
    ) {
        let json = serde_json::to_string(&(&config, &history))?;
        let (back_config, back_history): (SlaConfig, Vec<TicketEvent>) = serde_json::from_str(&json)?;
        prop_assert_eq!(back_config, config);
        prop_assert_eq!(back_history, history);
    }

    #[test]
    fn elapsed_is_working_time_over_unpaused_intervals(
        config in config(),
        history in strategy::history(),
        after in strategy::gap(),
    ) {
        let now = last_at(&history) + after;
        let evaluation = SlaRecord::from_history(&config, &history)?.evaluate(now)?;
        for (definition, metric) in config.metrics().iter().zip(&evaluation.metrics) {
            let paused = definition.pause_statuses();
            let calendar_of = |policy: Option<&crate::PolicyName>, priority| {
                config
                    .policies()
                    .iter()
                    .find(|p| Some(p.name()) == policy)
                    .and_then(|p| p.target(definition.metric(), priority))
                    .map_or(Calendar::always(), |t| t.calendar().clone())
            };
            for cycle in &metric.completed {
                let calendar = calendar_of(cycle.policy, cycle.priority);
                let expected = elapsed_from_history(&history, &calendar, paused, cycle.start, cycle.stop);
                prop_assert_eq!(cycle.elapsed, expected);
                prop_assert!(cycle.start <= cycle.stop);
            }
            if let Some(cycle) = &metric.ongoing {
                let calendar = calendar_of(cycle.policy, cycle.priority);
                let expected = elapsed_from_history(&history, &calendar, paused, cycle.start, now);
                prop_assert_eq!(cycle.elapsed, expected);
            }
        }
    }

    #[test]
    fn achieved_exactly_when_stopped_at_or_before_due(
        config in config(),
        history in strategy::history(),
    ) {
        let mut record = SlaRecord::new(&config);
        for event in &history {
            let before = record.evaluate(event.at())?;
            record.record(event)?;
            let after = record.evaluate(event.at())?;
            for (was, is) in before.metrics.iter().zip(&after.metrics) {
                let (Some(ongoing), Some(stopped)) = (&was.ongoing, is.completed.last()) else {
                    continue;
                };
                if is.completed.len() == was.completed.len() || stopped.start != ongoing.start {
                    continue;
                }
                // The event stopped this cycle, measured under the same target.
                prop_assert_eq!(stopped.target, ongoing.target);
                match (ongoing.due, stopped.outcome) {
                    (_, crate::Outcome::Untargeted) => prop_assert!(stopped.target.is_none()),
                    (Some(due), outcome) => {
                        prop_assert_eq!(outcome.is_achieved(), stopped.stop <= due);
                        if let crate::Outcome::Breached { at } = outcome {
                            prop_assert_eq!(at, due);
                        }
                    }
                    (None, outcome) => prop_assert!(outcome.is_achieved()),
                }
            }
        }
    }

    #[test]
    fn pausing_moves_a_due_instant_only_later(
        calendar in calendar(),
        start in strategy::instant(),
        target_minutes in 1_i64..=5_000,
        pauses in prop::collection::vec((0_i64..20_000, 1_i64..3_000), 0..4),
        extra in (0_i64..20_000, 1_i64..3_000),
    ) {
        let target = TimeDelta::minutes(target_minutes);
        let due = |pauses: &[(i64, i64)]| -> Option<DateTime<Utc>> {
            // Unpaused intervals of [start, start + 200 days) around the pauses,
            // written as a status timeline: on hold during each pause.
            let mut edges: Vec<(i64, i64)> = pauses.iter().map(|(a, len)| (*a, a + len)).collect();
            edges.sort_unstable();
            let mut timeline = vec![(start, Status::Open)];
            let mut merged: Vec<(i64, i64)> = Vec::new();
            for (a, b) in edges {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            for (a, b) in merged {
                timeline.push((start + TimeDelta::minutes(a), Status::OnHold));
                timeline.push((start + TimeDelta::minutes(b), Status::Open));
            }
            let horizon = start + TimeDelta::days(200);
            let segments = Segments::new(&timeline, 0, start, horizon, StatusSet::of(&[Status::OnHold]));
            measure(&mut Hours::Direct(&calendar), segments, [Some(target), None]).ok()?.crossed[0]
        };
        let without = due(&pauses);
        let mut more = pauses.clone();
        more.push(extra);
        let with = due(&more);
        prop_assert!(without.is_some());
        prop_assert!(with >= without, "with {:?} < without {:?}", with, without);
    }

    #[test]
    fn escalations_fall_due_once_across_adjacent_windows(
        config in config(),
        history in strategy::history(),
        cuts in prop::collection::vec(strategy::gap(), 1..4),
    ) {
        // Re-targeting is a new target and deletion drops open cycles with
        // their escalations (both documented): keep them out.
        let history: Vec<TicketEvent> = history
            .into_iter()
            .filter(|e| !matches!(e.kind(), EventKind::AttributesChanged { .. } | EventKind::Deleted))
            .collect();
        let rules: Vec<EscalationRule> = Metric::STANDARD
            .into_iter()
            .flat_map(|m| {
                [Threshold::Warning, Threshold::Breach].map(|t| {
                    EscalationRule::new(m.clone(), t, Action::Notify { user: bureau_core::UserId::from_u128(9) })
                })
            })
            .collect();
        let start = history.first().map_or(DateTime::UNIX_EPOCH, TicketEvent::at);
        let mut bounds = vec![start];
        for cut in cuts {
            let next = *bounds.last().unwrap_or(&start) + cut + TimeDelta::hours(6);
            bounds.push(next);
        }
        let end = *bounds.last().unwrap_or(&start);
        let seen_by = |now: DateTime<Utc>| -> Result<SlaRecord<'_>, crate::Error> {
            SlaRecord::from_history(&config, history.iter().filter(|e| e.at() <= now))
        };
        let mut pieces = Vec::new();
        for window in bounds.windows(2) {
            pieces.extend(seen_by(window[1])?.escalations(&rules, window[0], window[1])?);
        }
        let whole = seen_by(end)?.escalations(&rules, start, end)?;
        prop_assert_eq!(pieces, whole);
    }
}
