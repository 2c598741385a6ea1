//! How stateful entities change: decisions that validate, events that cannot fail.

/// A stateful domain entity that changes only through decided events.
///
/// `decide` looks at the current state and a command and either rejects the
/// command with a typed error or returns the events that record what happened.
/// It never mutates `self`, so a rejected command leaves the state exactly as it
/// was. `apply` folds one event into the state and cannot fail: every check has
/// already been made by `decide`. Replaying the stored events of an entity,
/// starting from its initial state, rebuilds the state; storage adapters do it
/// through [`replay`](Aggregate::replay), which checks each stored event
/// against the state and reports one that no longer fits instead of skipping it.
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

    /// Folds one *stored* event into the state, or says why it cannot be
    /// folded in full.
    ///
    /// Loading from storage uses this instead of [`apply`](Self::apply): a
    /// stored event may contradict the state it is replayed on (a row altered
    /// by hand, an event written by other rules), and `apply`, which trusts
    /// `decide`, would have to skip or half-apply it. `replay` must either
    /// apply the whole event and return `Ok`, or leave the state untouched
    /// and return the reason, so that a stored history never shrinks
    /// silently. Storage adapters turn the error into one naming the stream
    /// and the version.
    ///
    /// The default applies the event and returns `Ok`: right for aggregates
    /// whose `apply` never ignores an event. An aggregate whose `apply`
    /// passes over an event it cannot use (an unknown account, an event out
    /// of order) must override it.
    ///
    /// # Errors
    ///
    /// The aggregate's error naming what in the event contradicts the state.
    ///
    /// # Examples
    ///
    /// ```
    /// use bureau_core::Aggregate;
    ///
    /// #[derive(Debug, Default)]
    /// struct Gauge { level: u8 }
    ///
    /// #[derive(Debug, PartialEq)]
    /// struct Raised(u8);
    ///
    /// #[derive(Debug, PartialEq)]
    /// struct TooHigh { level: u8, by: u8 }
    ///
    /// impl Aggregate for Gauge {
    ///     type Command = u8;
    ///     type Event = Raised;
    ///     type Error = TooHigh;
    ///
    ///     fn decide(&self, by: &u8) -> Result<Vec<Raised>, TooHigh> {
    ///         self.level.checked_add(*by).ok_or(TooHigh { level: self.level, by: *by })?;
    ///         Ok(vec![Raised(*by)])
    ///     }
    ///
    ///     fn apply(&mut self, event: &Raised) {
    ///         self.level = self.level.saturating_add(event.0);
    ///     }
    ///
    ///     fn replay(&mut self, event: &Raised) -> Result<(), TooHigh> {
    ///         // A stored event that would overflow is reported, not clamped.
    ///         self.decide(&event.0)?;
    ///         self.apply(event);
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let mut gauge = Gauge::default();
    /// gauge.replay(&Raised(200))?;
    /// assert_eq!(gauge.replay(&Raised(100)), Err(TooHigh { level: 200, by: 100 }));
    /// assert_eq!(gauge.level, 200);
    /// # Ok::<(), TooHigh>(())
    /// ```
    fn replay(&mut self, event: &Self::Event) -> Result<(), Self::Error> {
        self.apply(event);
        Ok(())
    }

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

/// An aggregate whose whole state can be saved and restored, so that a long
/// stream loads from a snapshot and the events after it instead of from its
/// first event.
///
/// A snapshot is a cache, never the record: storage keeps it beside the
/// stream with the version and chain hash it was taken at, uses it only while
/// the stream still holds that event, and otherwise folds the events.
/// `from_snapshot(to_snapshot(state))` must equal `state`.
///
/// # Examples
///
/// ```
/// use bureau_core::{Aggregate, Snapshot};
///
/// #[derive(Debug, Default, PartialEq)]
/// struct Tally(u64);
///
/// impl Aggregate for Tally {
///     type Command = ();
///     type Event = ();
///     type Error = String;
///     fn decide(&self, _: &()) -> Result<Vec<()>, String> { Ok(vec![()]) }
///     fn apply(&mut self, _: &()) { self.0 = self.0.saturating_add(1); }
/// }
///
/// impl Snapshot for Tally {
///     const FORMAT: &'static str = "tally/1";
///     fn to_snapshot(&self) -> Vec<u8> { self.0.to_le_bytes().to_vec() }
///     fn from_snapshot(bytes: &[u8]) -> Result<Self, String> {
///         let bytes: [u8; 8] = bytes.try_into().map_err(|_| "eight bytes".to_owned())?;
///         Ok(Tally(u64::from_le_bytes(bytes)))
///     }
/// }
///
/// let tally = Tally(41);
/// assert_eq!(Tally::from_snapshot(&tally.to_snapshot())?, tally);
/// assert!(Tally::from_snapshot(b"short").is_err());
/// # Ok::<(), String>(())
/// ```
pub trait Snapshot: Aggregate + Sized {
    /// The name and version of the encoding, stored with every snapshot: a
    /// snapshot written in another format is not decoded, the stream is
    /// folded instead. Change it whenever the encoding changes.
    const FORMAT: &'static str;

    /// The whole state as bytes.
    fn to_snapshot(&self) -> Vec<u8>;

    /// The state saved by [`to_snapshot`](Self::to_snapshot).
    ///
    /// # Errors
    ///
    /// The aggregate's error when the bytes are not a snapshot of this
    /// format (truncated, altered, another format).
    fn from_snapshot(bytes: &[u8]) -> Result<Self, Self::Error>;
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
