//! The requisition aggregate and its pipeline of stages.

use bureau_core::{Aggregate, DomainEvent, Id, IdKind, Money};

use crate::{DepartmentName, Error, PositionTitle, Reason, Result, StageName};

/// The kind of [`RequisitionId`].
#[derive(Debug)]
pub enum RequisitionKind {}

impl IdKind for RequisitionKind {
    const NAME: &'static str = "requisition";
}

/// The id of a requisition, chosen by the caller.
pub type RequisitionId = Id<RequisitionKind>;

/// The kind of [`CandidateId`].
#[derive(Debug)]
pub enum CandidateKind {}

impl IdKind for CandidateKind {
    const NAME: &'static str = "candidate";
}

/// The id of a candidate's application, chosen by the caller.
pub type CandidateId = Id<CandidateKind>;

/// The stages a candidate goes through, in order (`screening`,
/// `interview`, `references`, ...): at least one, none twice. An offer is
/// made at the last stage.
///
/// ```
/// use bureau_hr::{Pipeline, StageName};
/// let pipeline = Pipeline::new(vec![StageName::new("screening")?, StageName::new("interview")?])?;
/// assert_eq!(pipeline.first().as_str(), "screening");
/// assert!(Pipeline::new(vec![]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "Vec<StageName>", into = "Vec<StageName>")
)]
pub struct Pipeline {
    first: StageName,
    rest: Vec<StageName>,
}

impl Pipeline {
    /// The pipeline of `stages`, in order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRecruitment`] when there is no stage or a stage
    /// comes twice.
    pub fn new(stages: Vec<StageName>) -> Result<Self> {
        let mut stages = stages.into_iter();
        let Some(first) = stages.next() else {
            return Err(Error::InvalidRecruitment {
                what: "pipeline",
                reason: "it has no stage",
            });
        };
        let rest: Vec<StageName> = stages.collect();
        let all: Vec<&StageName> = core::iter::once(&first).chain(&rest).collect();
        if all
            .iter()
            .enumerate()
            .any(|(i, stage)| all.iter().skip(i + 1).any(|other| other == stage))
        {
            return Err(Error::InvalidRecruitment {
                what: "pipeline",
                reason: "a stage comes twice",
            });
        }
        Ok(Self { first, rest })
    }

    /// The first stage.
    pub fn first(&self) -> &StageName {
        &self.first
    }

    /// The stage at `index` (0 is the first).
    pub fn stage(&self, index: usize) -> Option<&StageName> {
        match index.checked_sub(1) {
            None => Some(&self.first),
            Some(i) => self.rest.get(i),
        }
    }

    /// Where `stage` is in the pipeline.
    pub fn position(&self, stage: &StageName) -> Option<usize> {
        self.stages().position(|s| s == stage)
    }

    /// How many stages.
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// Always `false`: a pipeline has at least one stage.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The stages, in order.
    pub fn stages(&self) -> impl Iterator<Item = &StageName> {
        core::iter::once(&self.first).chain(&self.rest)
    }
}

impl TryFrom<Vec<StageName>> for Pipeline {
    type Error = Error;
    fn try_from(stages: Vec<StageName>) -> Result<Self> {
        Self::new(stages)
    }
}

impl From<Pipeline> for Vec<StageName> {
    fn from(pipeline: Pipeline) -> Self {
        core::iter::once(pipeline.first)
            .chain(pipeline.rest)
            .collect()
    }
}

/// Where a [`Requisition`] stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RequisitionStatus {
    /// Taking candidates.
    Open,
    /// Every position of the headcount hired.
    Filled,
    /// Closed before it was filled.
    Closed,
}

impl RequisitionStatus {
    const fn name(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Filled => "filled",
            Self::Closed => "closed",
        }
    }
}

/// What a caller asks of a [`Requisition`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RequisitionCommand {
    /// Open the requisition: the command that creates it, accepted only
    /// on [`Requisition::default`].
    Open {
        /// Its id.
        id: RequisitionId,
        /// The position to fill.
        position: PositionTitle,
        /// The department it is in.
        department: DepartmentName,
        /// How many people to hire, at least one.
        headcount: u32,
        /// The most a hire may be paid a year (positive).
        budget: Money,
        /// The stages its candidates go through.
        pipeline: Pipeline,
    },
    /// Count a hire (a candidate's [`CandidateEvent::Hired`](crate::CandidateEvent::Hired));
    /// the last one of the headcount fills the requisition.
    RecordHire {
        /// The candidate hired.
        candidate: CandidateId,
    },
    /// Close an open requisition before it is filled.
    Close {
        /// Why.
        reason: Reason,
    },
}

/// What happened to a [`Requisition`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RequisitionEvent {
    /// Opened.
    Opened {
        /// Its id.
        id: RequisitionId,
        /// The position.
        position: PositionTitle,
        /// The department.
        department: DepartmentName,
        /// The headcount.
        headcount: u32,
        /// The annual budget per hire.
        budget: Money,
        /// The stages.
        pipeline: Pipeline,
    },
    /// A hire was counted.
    HireRecorded {
        /// The candidate.
        candidate: CandidateId,
    },
    /// Closed before it was filled.
    Closed {
        /// Why.
        reason: Reason,
    },
}

impl DomainEvent for RequisitionEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Opened { .. } => "requisition_opened",
            Self::HireRecorded { .. } => "requisition_hire_recorded",
            Self::Closed { .. } => "requisition_closed",
        }
    }
}

/// A request to hire: a position in a department, a headcount, an annual
/// budget per hire and the pipeline its candidates go through. It counts
/// its hires, never more than the headcount, and is filled by the last.
///
/// [`Requisition::default`] is a requisition not opened yet, the state a
/// stored stream starts from: it accepts [`RequisitionCommand::Open`] and
/// refuses every other command with [`Error::NotCreated`].
///
/// ```
/// use bureau_core::{money, Aggregate};
/// use bureau_hr::{CandidateId, DepartmentName, Pipeline, PositionTitle, Requisition,
///     RequisitionCommand, RequisitionId, RequisitionStatus, StageName};
/// let mut requisition = Requisition::default();
/// requisition.handle(&RequisitionCommand::Open {
///     id: RequisitionId::from_u128(1),
///     position: PositionTitle::new("Engineer")?,
///     department: DepartmentName::new("Engineering")?,
///     headcount: 1,
///     budget: money!(90000.00 USD),
///     pipeline: Pipeline::new(vec![StageName::new("interview")?])?,
/// })?;
/// requisition.handle(&RequisitionCommand::RecordHire { candidate: CandidateId::from_u128(7) })?;
/// assert_eq!(requisition.status(), Some(RequisitionStatus::Filled));
/// assert!(requisition.handle(&RequisitionCommand::RecordHire { candidate: CandidateId::from_u128(8) }).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requisition {
    opened: Option<Opened>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Opened {
    id: RequisitionId,
    position: PositionTitle,
    department: DepartmentName,
    headcount: u32,
    budget: Money,
    pipeline: Pipeline,
    hires: Vec<CandidateId>,
    status: RequisitionStatus,
}

impl Requisition {
    /// The id, once opened.
    pub fn id(&self) -> Option<RequisitionId> {
        self.opened.as_ref().map(|o| o.id)
    }

    /// Where it stands, `None` before it is opened.
    pub fn status(&self) -> Option<RequisitionStatus> {
        self.opened.as_ref().map(|o| o.status)
    }

    /// The position, once opened.
    pub fn position(&self) -> Option<&PositionTitle> {
        self.opened.as_ref().map(|o| &o.position)
    }

    /// The department, once opened.
    pub fn department(&self) -> Option<&DepartmentName> {
        self.opened.as_ref().map(|o| &o.department)
    }

    /// The headcount, once opened.
    pub fn headcount(&self) -> Option<u32> {
        self.opened.as_ref().map(|o| o.headcount)
    }

    /// The annual budget per hire, once opened.
    pub fn budget(&self) -> Option<Money> {
        self.opened.as_ref().map(|o| o.budget)
    }

    /// The pipeline, once opened.
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.opened.as_ref().map(|o| &o.pipeline)
    }

    /// The candidates hired, in order.
    pub fn hires(&self) -> &[CandidateId] {
        self.opened.as_ref().map_or(&[], |o| &o.hires)
    }

    fn expect_open(&self, command: &'static str) -> Result<&Opened> {
        let opened = self.opened.as_ref().ok_or(Error::NotCreated {
            aggregate: "requisition",
            command,
        })?;
        if opened.status == RequisitionStatus::Open {
            Ok(opened)
        } else {
            Err(refuse(opened, command))
        }
    }
}

fn refuse(opened: &Opened, command: &'static str) -> Error {
    Error::RecruitmentNotAllowed {
        subject: "requisition",
        id: opened.id.to_string(),
        status: opened.status.name(),
        command,
    }
}

impl Aggregate for Requisition {
    type Command = RequisitionCommand;
    type Event = RequisitionEvent;
    type Error = Error;

    fn decide(&self, command: &RequisitionCommand) -> Result<Vec<RequisitionEvent>> {
        let event = match command {
            RequisitionCommand::Open {
                id,
                position,
                department,
                headcount,
                budget,
                pipeline,
            } => {
                if let Some(opened) = &self.opened {
                    return Err(refuse(opened, "open"));
                }
                let invalid = |reason| Error::InvalidRecruitment {
                    what: "requisition",
                    reason,
                };
                if *headcount == 0 {
                    return Err(invalid("its headcount is zero"));
                }
                if !budget.is_positive() {
                    return Err(invalid("its budget is not positive"));
                }
                RequisitionEvent::Opened {
                    id: *id,
                    position: position.clone(),
                    department: department.clone(),
                    headcount: *headcount,
                    budget: *budget,
                    pipeline: pipeline.clone(),
                }
            }
            RequisitionCommand::RecordHire { candidate } => {
                let opened = self.expect_open("record a hire")?;
                if opened.hires.contains(candidate) {
                    return Err(Error::InvalidRecruitment {
                        what: "hire",
                        reason: "the candidate is counted already",
                    });
                }
                RequisitionEvent::HireRecorded {
                    candidate: *candidate,
                }
            }
            RequisitionCommand::Close { reason } => {
                self.expect_open("close")?;
                RequisitionEvent::Closed {
                    reason: reason.clone(),
                }
            }
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &RequisitionEvent) {
        if let RequisitionEvent::Opened {
            id,
            position,
            department,
            headcount,
            budget,
            pipeline,
        } = event
        {
            self.opened = Some(Opened {
                id: *id,
                position: position.clone(),
                department: department.clone(),
                headcount: *headcount,
                budget: *budget,
                pipeline: pipeline.clone(),
                hires: Vec::new(),
                status: RequisitionStatus::Open,
            });
            return;
        }
        let Some(opened) = &mut self.opened else {
            return;
        };
        match event {
            RequisitionEvent::Opened { .. } => {}
            RequisitionEvent::HireRecorded { candidate } => {
                opened.hires.push(*candidate);
                if u32::try_from(opened.hires.len()).is_ok_and(|n| n >= opened.headcount) {
                    opened.status = RequisitionStatus::Filled;
                }
            }
            RequisitionEvent::Closed { .. } => opened.status = RequisitionStatus::Closed,
        }
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back.
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`].
    fn replay(&mut self, event: &RequisitionEvent) -> Result<()> {
        let command = match event.clone() {
            RequisitionEvent::Opened {
                id,
                position,
                department,
                headcount,
                budget,
                pipeline,
            } => RequisitionCommand::Open {
                id,
                position,
                department,
                headcount,
                budget,
                pipeline,
            },
            RequisitionEvent::HireRecorded { candidate } => {
                RequisitionCommand::RecordHire { candidate }
            }
            RequisitionEvent::Closed { reason } => RequisitionCommand::Close { reason },
        };
        crate::replay::by_deciding(self, &command, event)
    }
}
