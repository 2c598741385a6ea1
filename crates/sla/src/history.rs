//! A ticket's lifecycle as its events tell it, and the stored history that
//! any configuration can evaluate.

use bureau_core::{Aggregate, TicketId};
use chrono::{DateTime, Utc};

use crate::record::SlaCommand;
use crate::ticket::{EventKind, Status, TicketEvent};
use crate::{Error, Result, SlaConfig, SlaRecord};

/// Whether a ticket still takes events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Life {
    #[default]
    Active,
    Closed,
    Deleted,
}

/// What validating the next event needs to know: nothing about policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lifecycle {
    pub(crate) ticket: Option<TicketId>,
    pub(crate) events: usize,
    pub(crate) last_at: Option<DateTime<Utc>>,
    pub(crate) status: Status,
    pub(crate) life: Life,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            ticket: None,
            events: 0,
            last_at: None,
            status: Status::New,
            life: Life::Active,
        }
    }
}

impl Lifecycle {
    /// Checks `event` as the next event; see [`SlaRecord::check`].
    pub(crate) fn check(&self, event: &TicketEvent) -> Result<()> {
        let index = self.events;
        let kind = event.kind().name();
        let Some(ticket) = self.ticket else {
            return match event.kind() {
                EventKind::Created { .. } => Ok(()),
                _ => Err(Error::NotCreated { index, kind }),
            };
        };
        if self.life == Life::Deleted {
            return Err(Error::Deleted {
                index,
                kind,
                ticket,
            });
        }
        if let EventKind::Created { .. } = event.kind() {
            return Err(Error::AlreadyCreated { index, ticket });
        }
        if let Some(previous) = self.last_at
            && event.at() < previous
        {
            return Err(Error::OutOfOrder {
                index,
                kind,
                at: event.at(),
                previous,
            });
        }
        if self.life == Life::Closed && !matches!(event.kind(), EventKind::Deleted) {
            return Err(Error::Closed {
                index,
                kind,
                ticket,
            });
        }
        match event.kind() {
            EventKind::StatusChanged { to } if *to == self.status || *to == Status::New => {
                Err(Error::InvalidTransition {
                    index,
                    from: self.status,
                    to: *to,
                })
            }
            EventKind::Merged { into } if *into == ticket => {
                Err(Error::MergedIntoItself { index, ticket })
            }
            _ => Ok(()),
        }
    }

    /// The events a [`SlaCommand`] records, once checked.
    pub(crate) fn decide(&self, command: &SlaCommand) -> Result<Vec<TicketEvent>> {
        match command {
            SlaCommand::Record(event) => {
                self.check(event)?;
                Ok(vec![event.clone()])
            }
        }
    }

    /// Folds an event [`check`](Self::check) accepted.
    pub(crate) fn apply(&mut self, event: &TicketEvent) {
        match event.kind() {
            EventKind::Created { ticket, .. } => {
                self.ticket = Some(*ticket);
                self.status = Status::New;
            }
            EventKind::StatusChanged { to } => {
                self.status = *to;
                if *to == Status::Closed {
                    self.life = Life::Closed;
                }
            }
            EventKind::Merged { .. } => {
                self.status = Status::Closed;
                self.life = Life::Closed;
            }
            EventKind::Deleted => self.life = Life::Deleted,
            _ => {}
        }
        // One per event recorded: it cannot pass usize::MAX.
        self.events += 1;
        self.last_at = Some(event.at());
    }
}

/// A ticket's validated event history, independent of any policy: the
/// aggregate to store, evaluated under whichever [`SlaConfig`] applies today.
///
/// It accepts exactly the events an [`SlaRecord`] accepts, and it is
/// `Default`, so repositories that build aggregates from nothing can load it.
/// [`evaluator`](TicketHistory::evaluator) replays it into an [`SlaRecord`]
/// for a configuration, so a changed calendar or policy is applied to the
/// whole history.
///
/// ```
/// use bureau_core::{Aggregate, TicketId, UserId};
/// use bureau_sla::{EventKind, Metric, Opener, Priority, SlaCommand, SlaConfig, SlaPolicy, Target,
///     TicketAttributes, TicketEvent, TicketHistory};
/// use chrono::{TimeDelta, TimeZone, Utc};
///
/// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("instant")?;
/// let mut history = TicketHistory::default();
/// history.handle(&SlaCommand::Record(TicketEvent::new(t0, EventKind::Created {
///     ticket: TicketId::from_u128(1),
///     opened_by: Opener::Customer,
///     attributes: TicketAttributes::new(Priority::Normal),
/// })))?;
/// history.handle(&SlaCommand::Record(TicketEvent::new(
///     t0 + TimeDelta::minutes(50),
///     EventKind::PublicReply { agent: UserId::from_u128(7) },
/// )))?;
///
/// // The same history under two promises.
/// for (hours, achieved) in [(1, true), (0, false)] {
///     let target = Target::calendar_hours(TimeDelta::hours(hours) + TimeDelta::minutes(30))?;
///     let config = SlaConfig::standard(vec![SlaPolicy::new("p").with_target(Metric::FirstReply, Priority::Normal, target)])?;
///     let evaluation = history.evaluator(&config)?.evaluate(t0 + TimeDelta::hours(2))?;
///     let cycle = &evaluation.metric(&Metric::FirstReply).ok_or("metric")?.completed[0];
///     assert_eq!(cycle.outcome.is_achieved(), achieved);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketHistory {
    lifecycle: Lifecycle,
    events: Vec<TicketEvent>,
}

impl TicketHistory {
    /// The events recorded, in order.
    ///
    /// ```
    /// use bureau_sla::TicketHistory;
    /// assert!(TicketHistory::default().events().is_empty());
    /// ```
    pub fn events(&self) -> &[TicketEvent] {
        &self.events
    }

    /// The ticket, once created.
    ///
    /// ```
    /// use bureau_sla::TicketHistory;
    /// assert!(TicketHistory::default().ticket().is_none());
    /// ```
    pub fn ticket(&self) -> Option<TicketId> {
        self.lifecycle.ticket
    }

    /// The ticket's current status ([`Status::New`] before creation).
    ///
    /// ```
    /// use bureau_sla::{Status, TicketHistory};
    /// assert_eq!(TicketHistory::default().status(), Status::New);
    /// ```
    pub fn status(&self) -> Status {
        self.lifecycle.status
    }

    /// Checks `event` as the next event of the history without recording it.
    ///
    /// # Errors
    ///
    /// As [`SlaRecord::check`].
    ///
    /// ```
    /// use bureau_sla::{EventKind, TicketEvent, TicketHistory};
    /// use chrono::DateTime;
    /// let err = TicketHistory::default()
    ///     .check(&TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::CustomerMessage))
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "event 0 (customer_message) comes before the ticket was created");
    /// ```
    pub fn check(&self, event: &TicketEvent) -> Result<()> {
        self.lifecycle.check(event)
    }

    /// Records `event` as the next event of the history.
    ///
    /// # Errors
    ///
    /// As [`SlaRecord::check`]; a rejected event leaves the history unchanged.
    ///
    /// ```
    /// use bureau_sla::{EventKind, TicketEvent, TicketHistory};
    /// use chrono::DateTime;
    /// let mut history = TicketHistory::default();
    /// assert!(history.record(&TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::Deleted)).is_err());
    /// assert!(history.events().is_empty());
    /// ```
    pub fn record(&mut self, event: &TicketEvent) -> Result<()> {
        self.lifecycle.check(event)?;
        self.lifecycle.apply(event);
        self.events.push(event.clone());
        Ok(())
    }

    /// An [`SlaRecord`] of this history under `config`, ready to evaluate.
    ///
    /// # Errors
    ///
    /// None for a history built through [`record`](TicketHistory::record) or
    /// [`Aggregate::handle`]; the error type is that of [`SlaRecord::from_history`].
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, TicketHistory};
    /// let config = SlaConfig::standard(Vec::new())?;
    /// assert!(TicketHistory::default().evaluator(&config)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluator<'c>(&self, config: &'c SlaConfig) -> Result<SlaRecord<'c>> {
        SlaRecord::from_history(config, &self.events)
    }
}

impl Aggregate for TicketHistory {
    type Command = SlaCommand;
    type Event = TicketEvent;
    type Error = Error;

    /// Accepts the event if it validly continues the history.
    fn decide(&self, command: &SlaCommand) -> Result<Vec<TicketEvent>> {
        self.lifecycle.decide(command)
    }

    /// Folds the event in. An event `decide` would have rejected (never the
    /// case for a history this aggregate produced) is ignored.
    fn apply(&mut self, event: &TicketEvent) {
        if self.lifecycle.check(event).is_ok() {
            self.lifecycle.apply(event);
            self.events.push(event.clone());
        }
    }

    /// Checks a stored event as [`record`](TicketHistory::record) does and
    /// folds it in, or returns why it does not continue the history (nothing
    /// changes then): loading a stored history never drops an event.
    ///
    /// ```
    /// use bureau_core::Aggregate;
    /// use bureau_sla::{EventKind, TicketEvent, TicketHistory};
    /// use chrono::DateTime;
    /// let mut history = TicketHistory::default();
    /// let early = TicketEvent::new(DateTime::UNIX_EPOCH, EventKind::CustomerMessage);
    /// assert!(history.replay(&early).is_err());
    /// assert!(history.events().is_empty());
    /// ```
    fn replay(&mut self, event: &TicketEvent) -> Result<()> {
        self.record(event)
    }
}
