//! Sales pipelines: the ordered stages an opportunity moves through, each
//! with a default win probability, ending in won or lost.

use bureau_core::{Decimal, Percent};

use crate::{Error, Result, StageName};

/// What reaching a stage means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum StageOutcome {
    /// The deal is still being worked on.
    Open,
    /// The deal was won: terminal, probability 100%.
    Won,
    /// The deal was lost: terminal, probability 0%.
    Lost,
}

/// One stage of a [`Pipeline`].
///
/// ```
/// use bureau_core::Percent;
/// use bureau_sales::{Stage, StageName, StageOutcome};
/// let proposal = Stage::open(StageName::new("Proposal")?, Percent::new(40.into()))?;
/// assert_eq!(proposal.probability(), Percent::new(40.into()));
/// assert_eq!(Stage::won(StageName::new("Won")?).outcome(), StageOutcome::Won);
/// assert!(Stage::open(StageName::new("Sure")?, Percent::new(101.into())).is_err());
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "StageFields", into = "StageFields")
)]
pub struct Stage {
    name: StageName,
    probability: Percent,
    outcome: StageOutcome,
}

impl Stage {
    /// An open stage whose deals are won with `probability` by default.
    ///
    /// # Errors
    ///
    /// [`Error::PercentOutOfRange`] when `probability` is outside 0% to 100%.
    pub fn open(name: StageName, probability: Percent) -> Result<Self> {
        let (min, max) = (
            Percent::new(Decimal::ZERO),
            Percent::new(Decimal::ONE_HUNDRED),
        );
        if probability < min || probability > max {
            return Err(Error::PercentOutOfRange {
                what: "stage probability",
                percent: probability.value(),
            });
        }
        Ok(Stage {
            name,
            probability,
            outcome: StageOutcome::Open,
        })
    }

    /// A terminal stage of won deals (probability 100%).
    pub fn won(name: StageName) -> Self {
        Stage {
            name,
            probability: Percent::new(Decimal::ONE_HUNDRED),
            outcome: StageOutcome::Won,
        }
    }

    /// A terminal stage of lost deals (probability 0%).
    pub fn lost(name: StageName) -> Self {
        Stage {
            name,
            probability: Percent::new(Decimal::ZERO),
            outcome: StageOutcome::Lost,
        }
    }

    /// Its name.
    pub fn name(&self) -> &StageName {
        &self.name
    }

    /// The win probability of a deal at this stage when no model says otherwise.
    pub const fn probability(&self) -> Percent {
        self.probability
    }

    /// Open, won or lost.
    pub const fn outcome(&self) -> StageOutcome {
        self.outcome
    }
}

/// A stage as stored, checked by [`Stage::open`] when read back.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct StageFields {
    name: StageName,
    probability: Percent,
    outcome: StageOutcome,
}

#[cfg(feature = "serde")]
impl TryFrom<StageFields> for Stage {
    type Error = Error;

    fn try_from(fields: StageFields) -> Result<Self> {
        Ok(match fields.outcome {
            StageOutcome::Open => Stage::open(fields.name, fields.probability)?,
            StageOutcome::Won => Stage::won(fields.name),
            StageOutcome::Lost => Stage::lost(fields.name),
        })
    }
}

#[cfg(feature = "serde")]
impl From<Stage> for StageFields {
    fn from(stage: Stage) -> Self {
        StageFields {
            name: stage.name,
            probability: stage.probability,
            outcome: stage.outcome,
        }
    }
}

/// The stages of a sale in order: at least one open stage, exactly one won
/// stage and one lost stage, names unique. A stage's position in the list is
/// its order, which the funnel and the win model's "stage reached" feature
/// read.
///
/// ```
/// use bureau_core::Percent;
/// use bureau_sales::{Pipeline, Stage, StageName};
/// let name = |n: &str| StageName::new(n);
/// let pipeline = Pipeline::new([
///     Stage::open(name("Qualification")?, Percent::new(10.into()))?,
///     Stage::open(name("Proposal")?, Percent::new(40.into()))?,
///     Stage::won(name("Won")?),
///     Stage::lost(name("Lost")?),
/// ])?;
/// assert_eq!(pipeline.position(&name("Proposal")?), Some(1));
/// assert_eq!(pipeline.won_stage().name().as_str(), "Won");
/// // Two stages with one name are refused.
/// assert!(Pipeline::new([
///     Stage::open(name("Proposal")?, Percent::new(10.into()))?,
///     Stage::open(name("Proposal")?, Percent::new(40.into()))?,
///     Stage::won(name("Won")?), Stage::lost(name("Lost")?),
/// ]).is_err());
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Vec<Stage>", into = "Vec<Stage>"))]
pub struct Pipeline {
    stages: Vec<Stage>,
    won: usize,
    lost: usize,
}

impl Pipeline {
    /// A pipeline of `stages`, in order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPipeline`] naming the rule broken: no open stage, not
    /// exactly one won and one lost stage, a stage name used twice.
    pub fn new(stages: impl IntoIterator<Item = Stage>) -> Result<Self> {
        let stages: Vec<Stage> = stages.into_iter().collect();
        let invalid = |reason: String| Err(Error::InvalidPipeline { reason });
        for (i, stage) in stages.iter().enumerate() {
            if stages[..i].iter().any(|s| s.name == stage.name) {
                return invalid(format!("stage {:?} appears twice", stage.name.as_str()));
            }
        }
        let find = |outcome| {
            let mut found = stages
                .iter()
                .enumerate()
                .filter(move |(_, s)| s.outcome == outcome)
                .map(|(i, _)| i);
            (found.next(), found.next())
        };
        if find(StageOutcome::Open).0.is_none() {
            return invalid("no open stage".to_owned());
        }
        let (Some(won), None) = find(StageOutcome::Won) else {
            return invalid("needs exactly one won stage".to_owned());
        };
        let (Some(lost), None) = find(StageOutcome::Lost) else {
            return invalid("needs exactly one lost stage".to_owned());
        };
        Ok(Pipeline { stages, won, lost })
    }

    /// The stages, in order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The stage at `position`.
    pub fn stage_at(&self, position: usize) -> Option<&Stage> {
        self.stages.get(position)
    }

    /// The position of the stage named `name`.
    pub fn position(&self, name: &StageName) -> Option<usize> {
        self.stages.iter().position(|s| &s.name == name)
    }

    /// The stage named `name`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownStage`] when no stage has that name.
    pub fn stage(&self, name: &StageName) -> Result<(usize, &Stage)> {
        self.stages
            .iter()
            .enumerate()
            .find(|(_, s)| &s.name == name)
            .ok_or_else(|| Error::UnknownStage {
                stage: name.clone(),
            })
    }

    /// The position of the won stage.
    pub const fn won_position(&self) -> usize {
        self.won
    }

    /// The position of the lost stage.
    pub const fn lost_position(&self) -> usize {
        self.lost
    }

    /// The won stage.
    pub fn won_stage(&self) -> &Stage {
        // `won` was found in `stages` at construction and stages never change.
        &self.stages[self.won]
    }

    /// The lost stage.
    pub fn lost_stage(&self) -> &Stage {
        &self.stages[self.lost]
    }

    /// The open stages' positions, in order.
    pub fn open_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.stages
            .iter()
            .enumerate()
            .filter(|(_, s)| s.outcome == StageOutcome::Open)
            .map(|(i, _)| i)
    }
}

impl TryFrom<Vec<Stage>> for Pipeline {
    type Error = Error;

    fn try_from(stages: Vec<Stage>) -> Result<Self> {
        Pipeline::new(stages)
    }
}

impl From<Pipeline> for Vec<Stage> {
    fn from(pipeline: Pipeline) -> Self {
        pipeline.stages
    }
}
