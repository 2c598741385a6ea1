//! How stateful entities change: decisions that validate, events that cannot fail.

/// A stateful domain entity that changes only through decided events.
///
/// `decide` looks at the current state and a command and either rejects the
/// command with a typed error or returns the events that record what happened.
/// It never mutates `self`, so a rejected command leaves the state exactly as it
/// was. `apply` folds one event into the state and cannot fail: every check has
/// already been made by `decide`. Replaying the stored events of an entity through
/// `apply`, starting from its initial state, rebuilds the state; that is how the
/// storage adapters load aggregates.
///
/// Both methods are pure: no clock, no randomness, no I/O. Time and ids travel
/// inside commands.
///
/// # Examples
///
/// ```
/// use bureau_core::Aggregate;
///
/// #[derive(Debug, Default)]
/// struct Counter { value: u32 }
///
/// #[derive(Debug)]
/// enum Command { Add(u32) }
///
/// #[derive(Debug, PartialEq)]
/// enum Event { Added(u32) }
///
/// #[derive(Debug, PartialEq)]
/// struct Overflow;
///
/// impl Aggregate for Counter {
///     type Command = Command;
///     type Event = Event;
///     type Error = Overflow;
///
///     fn decide(&self, command: &Command) -> Result<Vec<Event>, Overflow> {
///         match command {
///             Command::Add(n) => {
///                 self.value.checked_add(*n).ok_or(Overflow)?;
///                 Ok(vec![Event::Added(*n)])
///             }
///         }
///     }
///
///     fn apply(&mut self, event: &Event) {
///         match event {
///             Event::Added(n) => self.value = self.value.saturating_add(*n),
///         }
///     }
/// }
///
/// let mut counter = Counter::default();
/// assert_eq!(counter.handle(&Command::Add(2))?, vec![Event::Added(2)]);
/// assert_eq!(counter.handle(&Command::Add(u32::MAX)), Err(Overflow));
/// assert_eq!(counter.value, 2); // the rejected command changed nothing
/// # Ok::<(), Overflow>(())
/// ```
pub trait Aggregate {
    /// What a caller asks the entity to do.
    type Command;
    /// What happened, as recorded in storage.
    type Event;
    /// Why a command was rejected.
    type Error;

    /// Validates `command` against the current state and returns the events it
    /// produces, or the reason it is rejected. Must not change any state.
    ///
    /// # Errors
    ///
    /// Returns the aggregate's error when the command is invalid in this state.
    fn decide(&self, command: &Self::Command) -> Result<Vec<Self::Event>, Self::Error>;

    /// Folds one event, previously returned by [`decide`](Self::decide), into the
    /// state. Never fails and never panics.
    fn apply(&mut self, event: &Self::Event);

    /// Decides `command`, then applies the resulting events in order and returns
    /// them. On error nothing is applied.
    ///
    /// # Errors
    ///
    /// Returns the error of [`decide`](Self::decide).
    fn handle(&mut self, command: &Self::Command) -> Result<Vec<Self::Event>, Self::Error> {
        let events = self.decide(command)?;
        for event in &events {
            self.apply(event);
        }
        Ok(events)
    }
}

/// An event as storage sees it: a stable name that identifies its shape.
///
/// Storage adapters record the name beside the serialized payload so that a
/// reader can tell an unknown or renamed event apart from a corrupt one. The name
/// of a variant must never change once events of it have been stored.
///
/// # Examples
///
/// ```
/// use bureau_core::DomainEvent;
///
/// enum Event { Opened, Closed }
///
/// impl DomainEvent for Event {
///     fn event_type(&self) -> &'static str {
///         match self {
///             Event::Opened => "opened",
///             Event::Closed => "closed",
///         }
///     }
/// }
///
/// assert_eq!(Event::Closed.event_type(), "closed");
/// ```
pub trait DomainEvent {
    /// The stable name of this event's variant, such as `"entry_posted"`.
    fn event_type(&self) -> &'static str;
}
