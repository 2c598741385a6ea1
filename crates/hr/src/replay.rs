//! Replaying stored events through the same rules that decided them.

use bureau_core::{Aggregate, DomainEvent};

use crate::{Error, Result};

/// Decides `command` (the command `event` records) on `aggregate` and
/// applies `event` only when the rules give exactly that event back: a
/// stored stream is held to the rules that would write it today.
pub(crate) fn by_deciding<A>(
    aggregate: &mut A,
    command: &A::Command,
    event: &A::Event,
) -> Result<()>
where
    A: Aggregate<Error = Error>,
    A::Event: DomainEvent + PartialEq,
{
    let decided = aggregate.decide(command)?;
    if decided.len() != 1 || decided.first() != Some(event) {
        return Err(Error::ReplayRejected {
            event: event.event_type(),
        });
    }
    aggregate.apply(event);
    Ok(())
}
