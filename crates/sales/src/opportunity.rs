//! Opportunities: a deal being worked through a pipeline, from opening to
//! won or lost.

use std::collections::BTreeMap;
use std::fmt;

use bureau_core::{Aggregate, DomainEvent, EmployeeId, Id, IdKind, Money, PartyId, Percent};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    AttributeName, AttributeValue, CloseReason, DealSource, Error, Pipeline, Result, Segment,
    StageName, StageOutcome,
};

/// The kind of an [`OpportunityId`].
#[derive(Debug)]
pub enum OpportunityKind {}

impl IdKind for OpportunityKind {
    const NAME: &'static str = "opportunity";
}

/// The id of an [`Opportunity`].
pub type OpportunityId = Id<OpportunityKind>;

/// Where an opportunity stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OpportunityStatus {
    /// At an open stage.
    Open,
    /// Won: final.
    Won,
    /// Lost: final.
    Lost,
}

impl fmt::Display for OpportunityStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Open => "open",
            Self::Won => "won",
            Self::Lost => "lost",
        })
    }
}

/// What an opportunity is opened with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OpportunityData {
    /// Its id.
    pub id: OpportunityId,
    /// The pipeline it moves through, recorded with it so that a reloaded
    /// stream judges its moves by the stages it was opened with.
    pub pipeline: Pipeline,
    /// The open stage it starts at.
    pub stage: StageName,
    /// What it is worth if won; never negative.
    pub amount: Money,
    /// The salesperson who owns it.
    pub owner: EmployeeId,
    /// The customer.
    pub party: PartyId,
    /// When it is expected to close.
    pub expected_close: NaiveDate,
    /// Where it came from.
    pub source: Option<DealSource>,
    /// The customer's segment.
    pub segment: Option<Segment>,
}

impl OpportunityData {
    /// An opportunity's data without source or segment.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: OpportunityId,
        pipeline: Pipeline,
        stage: StageName,
        amount: Money,
        owner: EmployeeId,
        party: PartyId,
        expected_close: NaiveDate,
    ) -> Self {
        OpportunityData {
            id,
            pipeline,
            stage,
            amount,
            owner,
            party,
            expected_close,
            source: None,
            segment: None,
        }
    }

    /// With a source.
    #[must_use]
    pub fn with_source(mut self, source: DealSource) -> Self {
        self.source = Some(source);
        self
    }

    /// With a customer segment.
    #[must_use]
    pub fn with_segment(mut self, segment: Segment) -> Self {
        self.segment = Some(segment);
        self
    }
}

/// What an opportunity command or event changes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OpportunityChange {
    /// Opens the opportunity (first event of its stream).
    Open(Box<OpportunityData>),
    /// Moves it to another open stage of its pipeline (forward or back).
    MoveTo(StageName),
    /// Changes its amount; never negative, same currency.
    SetAmount(Money),
    /// Changes its expected close date.
    SetExpectedClose(NaiveDate),
    /// Gives it to another owner.
    AssignOwner(EmployeeId),
    /// Sets a caller-defined attribute (which the win model may read).
    SetAttribute(AttributeName, AttributeValue),
    /// Wins it: it moves to the pipeline's won stage.
    Win(Option<CloseReason>),
    /// Loses it: it moves to the pipeline's lost stage.
    Lose(CloseReason),
}

/// A command to an [`Opportunity`]: a change at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OpportunityCommand {
    /// When; never earlier than the opportunity's last change.
    pub at: DateTime<Utc>,
    /// What changes.
    pub change: OpportunityChange,
}

impl OpportunityCommand {
    /// A command.
    pub fn new(at: DateTime<Utc>, change: OpportunityChange) -> Self {
        OpportunityCommand { at, change }
    }
}

/// An event of an [`Opportunity`]'s stream: the change a command decided.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OpportunityEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// What changed.
    pub change: OpportunityChange,
}

impl OpportunityEvent {
    /// An event, as read back from storage; [`Aggregate::replay`] checks it.
    pub fn new(at: DateTime<Utc>, change: OpportunityChange) -> Self {
        OpportunityEvent { at, change }
    }
}

impl DomainEvent for OpportunityEvent {
    fn event_type(&self) -> &'static str {
        match self.change {
            OpportunityChange::Open(_) => "opportunity_opened",
            OpportunityChange::MoveTo(_) => "stage_changed",
            OpportunityChange::SetAmount(_) => "amount_set",
            OpportunityChange::SetExpectedClose(_) => "expected_close_set",
            OpportunityChange::AssignOwner(_) => "owner_assigned",
            OpportunityChange::SetAttribute(..) => "attribute_set",
            OpportunityChange::Win(_) => "won",
            OpportunityChange::Lose(_) => "lost",
        }
    }
}

/// One entry of an opportunity's stage history: the stage (by position in
/// its pipeline) it entered, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct StageEntry {
    /// The stage's position in the pipeline.
    pub position: usize,
    /// When it entered the stage.
    pub at: DateTime<Utc>,
}

/// How an opportunity closed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Closing {
    /// Won or lost.
    pub status: OpportunityStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, when said.
    pub reason: Option<CloseReason>,
}

/// An opportunity, as a [`bureau_core::Aggregate`]: opened at an open stage
/// of its pipeline, moved between open stages, won or lost with a reason.
/// Every command is checked (status, stage names, currency, order of
/// instants) and a refused one leaves it untouched; replaying a stored event
/// applies the same checks and fails with the same typed error.
///
/// ```
/// use bureau_core::{money, Aggregate, EmployeeId, PartyId, Percent};
/// use bureau_core::chrono::{DateTime, NaiveDate, TimeDelta};
/// use bureau_sales::*;
///
/// let name = |n: &str| StageName::new(n);
/// let pipeline = Pipeline::new([
///     Stage::open(name("Qualification")?, Percent::new(10.into()))?,
///     Stage::open(name("Proposal")?, Percent::new(40.into()))?,
///     Stage::won(name("Won")?),
///     Stage::lost(name("Lost")?),
/// ])?;
/// let t0 = DateTime::UNIX_EPOCH;
/// let day = |d: i64| t0 + TimeDelta::days(d);
/// let data = OpportunityData::new(OpportunityId::from_u128(1), pipeline, name("Qualification")?,
///     money!(12000.00 EUR), EmployeeId::from_u128(7), PartyId::from_u128(9),
///     NaiveDate::from_ymd_opt(1970, 3, 1).ok_or("date")?);
///
/// let mut deal = Opportunity::default();
/// deal.handle(&OpportunityCommand::new(t0, OpportunityChange::Open(Box::new(data))))?;
/// deal.handle(&OpportunityCommand::new(day(10), OpportunityChange::MoveTo(name("Proposal")?)))?;
/// assert_eq!(deal.probability(), Some(Percent::new(40.into())));
/// // Moving to a stage the pipeline does not hold is refused.
/// let nowhere = OpportunityCommand::new(day(11), OpportunityChange::MoveTo(name("Nowhere")?));
/// assert!(matches!(deal.decide(&nowhere), Err(Error::UnknownStage { .. })));
///
/// deal.handle(&OpportunityCommand::new(day(30), OpportunityChange::Win(None)))?;
/// assert_eq!(deal.status(), Some(OpportunityStatus::Won));
/// assert_eq!(deal.history().len(), 3);
/// assert_eq!(deal.cycle_days(), Some(30));
/// // A won deal is final.
/// let lose = OpportunityCommand::new(day(31), OpportunityChange::Lose(CloseReason::new("Budget cut")?));
/// assert!(matches!(deal.decide(&lose), Err(Error::InvalidOpportunityTransition { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opportunity {
    data: Option<Box<OpportunityData>>,
    position: usize,
    history: Vec<StageEntry>,
    attributes: BTreeMap<AttributeName, AttributeValue>,
    closing: Option<Closing>,
    last_at: Option<DateTime<Utc>>,
}

impl Opportunity {
    /// An opportunity rebuilt from its stored events.
    ///
    /// # Errors
    ///
    /// The first event [`Aggregate::replay`] refuses.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a OpportunityEvent>) -> Result<Self> {
        let mut opportunity = Opportunity::default();
        for event in events {
            opportunity.replay(event)?;
        }
        Ok(opportunity)
    }

    /// What it was opened with, updated by later changes of amount, owner
    /// and expected close; `None` before it is opened.
    pub fn data(&self) -> Option<&OpportunityData> {
        self.data.as_deref()
    }

    /// Its id.
    pub fn id(&self) -> Option<OpportunityId> {
        self.data.as_ref().map(|d| d.id)
    }

    /// Its pipeline.
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.data.as_ref().map(|d| &d.pipeline)
    }

    /// What it is worth if won.
    pub fn amount(&self) -> Option<Money> {
        self.data.as_ref().map(|d| d.amount)
    }

    /// Its owner.
    pub fn owner(&self) -> Option<EmployeeId> {
        self.data.as_ref().map(|d| d.owner)
    }

    /// When it is expected to close.
    pub fn expected_close(&self) -> Option<NaiveDate> {
        self.data.as_ref().map(|d| d.expected_close)
    }

    /// Open, won or lost; `None` before it is opened.
    pub fn status(&self) -> Option<OpportunityStatus> {
        self.data.as_ref()?;
        Some(match &self.closing {
            None => OpportunityStatus::Open,
            Some(closing) => closing.status,
        })
    }

    /// The position in its pipeline of the stage it is at.
    pub fn position(&self) -> Option<usize> {
        self.data.as_ref().map(|_| self.position)
    }

    /// The stage it is at.
    pub fn stage(&self) -> Option<&crate::Stage> {
        self.pipeline()?.stage_at(self.position)
    }

    /// The default win probability of the stage it is at.
    pub fn probability(&self) -> Option<Percent> {
        self.stage().map(crate::Stage::probability)
    }

    /// The furthest open stage it reached (by position), whatever stage it
    /// is at now or closed from.
    pub fn furthest_open_position(&self) -> Option<usize> {
        let pipeline = self.pipeline()?;
        self.history
            .iter()
            .map(|e| e.position)
            .filter(|p| {
                pipeline
                    .stage_at(*p)
                    .is_some_and(|s| s.outcome() == StageOutcome::Open)
            })
            .max()
    }

    /// The stages it entered, in order, starting with the stage it opened at.
    pub fn history(&self) -> &[StageEntry] {
        &self.history
    }

    /// The caller-defined attributes.
    pub fn attributes(&self) -> &BTreeMap<AttributeName, AttributeValue> {
        &self.attributes
    }

    /// The attribute named `name`.
    pub fn attribute(&self, name: &AttributeName) -> Option<&AttributeValue> {
        self.attributes.get(name)
    }

    /// How it closed; `None` while open.
    pub fn closing(&self) -> Option<&Closing> {
        self.closing.as_ref()
    }

    /// When it was opened.
    pub fn opened_at(&self) -> Option<DateTime<Utc>> {
        self.history.first().map(|e| e.at)
    }

    /// Whole days from opening to closing; `None` while open.
    pub fn cycle_days(&self) -> Option<i64> {
        Some((self.closing.as_ref()?.at - self.opened_at()?).num_days())
    }

    /// Whole days from opening to `as_of` (to its closing when closed
    /// earlier); negative when `as_of` is before the opening.
    pub fn age_days(&self, as_of: DateTime<Utc>) -> Option<i64> {
        let end = match &self.closing {
            Some(closing) if closing.at < as_of => closing.at,
            _ => as_of,
        };
        Some((end - self.opened_at()?).num_days())
    }

    /// Whole days it has been at its current stage as of `as_of`.
    pub fn stage_age_days(&self, as_of: DateTime<Utc>) -> Option<i64> {
        Some((as_of - self.history.last()?.at).num_days())
    }

    fn refuse(&self, command: &'static str) -> Error {
        Error::InvalidOpportunityTransition {
            status: self.status(),
            command,
        }
    }

    /// Checks `change` at `at` against the current state: the one rule both
    /// `decide` and `replay` follow.
    fn check(&self, at: DateTime<Utc>, change: &OpportunityChange) -> Result<()> {
        if let Some(last) = self.last_at.filter(|last| at < *last) {
            return Err(Error::OutOfOrder { at, last });
        }
        let Some(data) = self.data.as_deref() else {
            return match change {
                OpportunityChange::Open(data) => {
                    let (_, stage) = data.pipeline.stage(&data.stage)?;
                    if stage.outcome() != StageOutcome::Open {
                        return Err(Error::InvalidPipeline {
                            reason: format!(
                                "an opportunity opens at an open stage, not {:?}",
                                data.stage.as_str()
                            ),
                        });
                    }
                    check_amount(data.amount)
                }
                _ => Err(self.refuse(command_name(change))),
            };
        };
        if self.closing.is_some() {
            return Err(self.refuse(command_name(change)));
        }
        match change {
            OpportunityChange::Open(_) => Err(self.refuse("open")),
            OpportunityChange::MoveTo(name) => {
                let (position, stage) = data.pipeline.stage(name)?;
                if stage.outcome() != StageOutcome::Open || position == self.position {
                    return Err(Error::InvalidPipeline {
                        reason: format!(
                            "a move goes to another open stage, not {:?}",
                            name.as_str()
                        ),
                    });
                }
                Ok(())
            }
            OpportunityChange::SetAmount(amount) => {
                if amount.currency() != data.amount.currency() {
                    return Err(Error::CurrencyMismatch {
                        what: "opportunity amount",
                        expected: data.amount.currency(),
                        found: amount.currency(),
                    });
                }
                check_amount(*amount)
            }
            OpportunityChange::SetExpectedClose(_)
            | OpportunityChange::AssignOwner(_)
            | OpportunityChange::SetAttribute(..)
            | OpportunityChange::Win(_)
            | OpportunityChange::Lose(_) => Ok(()),
        }
    }
}

fn check_amount(amount: Money) -> Result<()> {
    if amount.is_negative() {
        return Err(Error::NegativeAmount {
            what: "opportunity amount",
            amount,
        });
    }
    Ok(())
}

fn command_name(change: &OpportunityChange) -> &'static str {
    match change {
        OpportunityChange::Open(_) => "open",
        OpportunityChange::MoveTo(_) => "move",
        OpportunityChange::SetAmount(_) => "set the amount",
        OpportunityChange::SetExpectedClose(_) => "set the expected close",
        OpportunityChange::AssignOwner(_) => "assign the owner",
        OpportunityChange::SetAttribute(..) => "set an attribute",
        OpportunityChange::Win(_) => "win",
        OpportunityChange::Lose(_) => "lose",
    }
}

impl Aggregate for Opportunity {
    type Command = OpportunityCommand;
    type Event = OpportunityEvent;
    type Error = Error;

    fn decide(&self, command: &OpportunityCommand) -> Result<Vec<OpportunityEvent>> {
        self.check(command.at, &command.change)?;
        Ok(vec![OpportunityEvent {
            at: command.at,
            change: command.change.clone(),
        }])
    }

    fn apply(&mut self, event: &OpportunityEvent) {
        let at = event.at;
        self.last_at = Some(at);
        let won_lost = self
            .data
            .as_ref()
            .map(|d| (d.pipeline.won_position(), d.pipeline.lost_position()));
        match &event.change {
            OpportunityChange::Open(data) => {
                self.position = data.pipeline.position(&data.stage).unwrap_or(0);
                self.history = vec![StageEntry {
                    position: self.position,
                    at,
                }];
                self.data = Some(data.clone());
            }
            OpportunityChange::MoveTo(name) => {
                if let Some(position) = self.pipeline().and_then(|p| p.position(name)) {
                    self.position = position;
                    self.history.push(StageEntry { position, at });
                }
            }
            OpportunityChange::SetAmount(amount) => {
                if let Some(data) = self.data.as_mut() {
                    data.amount = *amount;
                }
            }
            OpportunityChange::SetExpectedClose(day) => {
                if let Some(data) = self.data.as_mut() {
                    data.expected_close = *day;
                }
            }
            OpportunityChange::AssignOwner(owner) => {
                if let Some(data) = self.data.as_mut() {
                    data.owner = *owner;
                }
            }
            OpportunityChange::SetAttribute(name, value) => {
                self.attributes.insert(name.clone(), value.clone());
            }
            OpportunityChange::Win(reason) => {
                if let Some((won, _)) = won_lost {
                    self.position = won;
                    self.history.push(StageEntry { position: won, at });
                }
                self.closing = Some(Closing {
                    status: OpportunityStatus::Won,
                    at,
                    reason: reason.clone(),
                });
            }
            OpportunityChange::Lose(reason) => {
                if let Some((_, lost)) = won_lost {
                    self.position = lost;
                    self.history.push(StageEntry { position: lost, at });
                }
                self.closing = Some(Closing {
                    status: OpportunityStatus::Lost,
                    at,
                    reason: Some(reason.clone()),
                });
            }
        }
    }

    fn replay(&mut self, event: &OpportunityEvent) -> Result<()> {
        self.check(event.at, &event.change)?;
        self.apply(event);
        Ok(())
    }
}
