//! The log of the source events the hand-offs have processed: what makes
//! every hand-off idempotent across restarts.

use std::collections::HashSet;

use bureau_core::{Aggregate, DomainEvent};

use crate::{Error, Result, SourceEvent};

/// What a hand-off produced for one source event, with the log event that
/// records the source event as processed.
///
/// Store `output` (the commands for the other domain) first, then
/// `processed` in the [`HandOffLog`]'s stream. A crash between the two
/// makes the hand-off run again on the same source event; what it
/// produces then targets the same ids, which the receiving aggregates
/// refuse or take as a no-op, so nothing is created twice.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct HandOff<T> {
    /// What the receiving domain is to do.
    pub output: T,
    /// The event to store in the hand-off log once `output` is stored.
    pub processed: HandOffEvent,
}

impl<T> HandOff<T> {
    /// `output` for `source`.
    pub(crate) fn new(output: T, source: SourceEvent) -> Self {
        Self {
            output,
            processed: HandOffEvent::Processed(source),
        }
    }
}

/// What may be asked of a [`HandOffLog`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum HandOffCommand {
    /// Record that the hand-off of the source event is done.
    Record(SourceEvent),
}

/// What happened to a [`HandOffLog`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum HandOffEvent {
    /// The source event was handed off.
    Processed(SourceEvent),
}

impl DomainEvent for HandOffEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Processed(_) => "hand_off_processed",
        }
    }
}

/// The source events already handed off: an [`Aggregate`] whose events are
/// the processed keys. Every hand-off consults it first and produces
/// nothing for a source event it holds, so replaying a domain's stream
/// through the hand-offs, once or many times, creates nothing new.
///
/// Recording a key already held records nothing.
///
/// ```
/// use bureau_core::{Aggregate, TicketId};
/// use bureau_flows::{HandOffCommand, HandOffLog, SourceEvent};
///
/// let mut log = HandOffLog::default();
/// let key = SourceEvent::CaseChanged { ticket: TicketId::from_u128(1), position: 1 };
/// assert_eq!(log.handle(&HandOffCommand::Record(key.clone()))?.len(), 1);
/// assert!(log.is_processed(&key));
/// // Twice is once.
/// assert!(log.handle(&HandOffCommand::Record(key))?.is_empty());
/// assert_eq!(log.len(), 1);
/// # Ok::<(), bureau_flows::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandOffLog {
    processed: HashSet<SourceEvent>,
}

impl HandOffLog {
    /// Whether `source` was handed off.
    #[must_use]
    pub fn is_processed(&self, source: &SourceEvent) -> bool {
        self.processed.contains(source)
    }

    /// How many source events were handed off.
    #[must_use]
    pub fn len(&self) -> usize {
        self.processed.len()
    }

    /// Whether nothing was handed off yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.processed.is_empty()
    }

    /// `make()`'s output for `source`, or `None` when `source` was handed
    /// off already (`make` is then not called).
    pub(crate) fn once<T>(
        &self,
        source: SourceEvent,
        make: impl FnOnce(&SourceEvent) -> Result<T>,
    ) -> Result<Option<HandOff<T>>> {
        if self.is_processed(&source) {
            return Ok(None);
        }
        let output = make(&source)?;
        Ok(Some(HandOff::new(output, source)))
    }
}

impl Aggregate for HandOffLog {
    type Command = HandOffCommand;
    type Event = HandOffEvent;
    type Error = Error;

    fn decide(&self, command: &HandOffCommand) -> Result<Vec<HandOffEvent>> {
        let HandOffCommand::Record(source) = command;
        Ok(if self.is_processed(source) {
            Vec::new()
        } else {
            vec![HandOffEvent::Processed(source.clone())]
        })
    }

    fn apply(&mut self, event: &HandOffEvent) {
        let HandOffEvent::Processed(source) = event;
        self.processed.insert(source.clone());
    }

    /// A stored key recorded twice would be folded in silently: it is
    /// reported instead, since the log never records one twice.
    fn replay(&mut self, event: &HandOffEvent) -> Result<()> {
        let HandOffEvent::Processed(source) = event;
        if self.is_processed(source) {
            return Err(Error::ContradictoryHandOffEvent {
                event: source.clone(),
            });
        }
        self.apply(event);
        Ok(())
    }
}
