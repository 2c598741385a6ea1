//! The scoring models a company has used, as a stream of events: which
//! model was in force from when, so that a stored history rescores any
//! lead at any instant with the model of that instant.

use std::fmt;

use bureau_core::{Aggregate, DomainEvent};
use chrono::{DateTime, Utc};

use super::ScoringModel;
use crate::{Error, Result};

/// The number of a model in a [`ScoringSetup`]: 1 for the first adopted,
/// one more for each after it.
///
/// ```
/// use bureau_crm::scoring::ModelVersion;
/// assert_eq!(ModelVersion::FIRST.to_string(), "v1");
/// assert_eq!(ModelVersion::FIRST.next().number(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct ModelVersion(u32);

impl ModelVersion {
    /// The first model's version.
    pub const FIRST: ModelVersion = ModelVersion(1);

    /// The version after this one (saturating: four billion models are
    /// not reached).
    #[must_use]
    pub const fn next(self) -> Self {
        ModelVersion(self.0.saturating_add(1))
    }

    /// The version's number.
    pub const fn number(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ModelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// A command to a [`ScoringSetup`]: score leads with `model` from `at` on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ScoringCommand {
    /// From when the model is in force; not before the current model's.
    pub at: DateTime<Utc>,
    /// The model.
    pub model: ScoringModel,
}

impl ScoringCommand {
    /// Adopt `model` from `at`.
    pub fn adopt(at: DateTime<Utc>, model: ScoringModel) -> Self {
        ScoringCommand { at, model }
    }
}

/// An event of a [`ScoringSetup`]'s stream.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ScoringEvent {
    /// A model was adopted (validated again when read back, as
    /// [`ScoringModel::new`] validates).
    Adopted {
        /// From when it is in force.
        at: DateTime<Utc>,
        /// Its number.
        version: ModelVersion,
        /// The model.
        model: ScoringModel,
    },
}

impl DomainEvent for ScoringEvent {
    fn event_type(&self) -> &'static str {
        match self {
            ScoringEvent::Adopted { .. } => "scoring_model_adopted",
        }
    }
}

/// One model of a [`ScoringSetup`], with its version and the instant it
/// came into force.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AdoptedModel {
    /// Its number.
    pub version: ModelVersion,
    /// From when it is in force (until the next one's instant).
    pub from: DateTime<Utc>,
    /// The model.
    pub model: ScoringModel,
}

/// The scoring models in force over time, as a [`bureau_core::Aggregate`]:
/// what a lead is scored with is part of the stored history, so that a
/// stream reloaded from storage gives the same scores.
///
/// Rules: models are adopted in the order of their instants (one adopted at
/// the same instant as the current replaces it from then); adopting the
/// model already in force records nothing. A stored event must carry the
/// next version and an instant not before the current model's.
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_crm::scoring::{ModelVersion, ScoringCommand, ScoringSetup};
/// use bureau_crm::{Band, Bands, Engagement, EngagementKind, EngagementRule, Score, ScoringModel};
/// use chrono::{DateTime, TimeDelta};
/// use std::collections::BTreeMap;
///
/// let demo = EngagementKind::new("demo_request")?;
/// let bands = Bands::new(Band::new(Score::ZERO, Score::points(10)), Band::new(Score::ZERO, Score::points(30)));
/// let model = |points| ScoringModel::new(Vec::new(), vec![EngagementRule::new(demo, Score::points(points))], TimeDelta::days(14), None, bands);
/// let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
///
/// let mut setup = ScoringSetup::default();
/// let mut events = setup.handle(&ScoringCommand::adopt(t0, model(20)?))?;
/// events.extend(setup.handle(&ScoringCommand::adopt(t0 + TimeDelta::days(30), model(40)?))?);
/// // The same model again records nothing.
/// assert!(setup.handle(&ScoringCommand::adopt(t0 + TimeDelta::days(31), model(40)?))?.is_empty());
///
/// // A lead's demo request is scored with the model of the instant asked.
/// let lead = BTreeMap::new();
/// let request = [Engagement::new(demo, t0 + TimeDelta::days(1))];
/// let early = setup.score(&lead, &request, t0 + TimeDelta::days(1)).ok_or("no model")?;
/// assert_eq!((early.0, early.1.engagement), (ModelVersion::FIRST, Score::points(20)));
/// let late = setup.score(&lead, &request, t0 + TimeDelta::days(1) + TimeDelta::days(42)).ok_or("no model")?;
/// assert_eq!((late.0.number(), late.1.engagement), (2, Score::points(5))); // three half-lives
///
/// // The stored events rebuild the same setup.
/// assert_eq!(ScoringSetup::from_events(&events)?, setup);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScoringSetup {
    models: Vec<AdoptedModel>,
}

impl ScoringSetup {
    /// A setup rebuilt from its stored events.
    ///
    /// # Errors
    ///
    /// The first event [`Aggregate::replay`] refuses.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a ScoringEvent>) -> Result<Self> {
        let mut setup = ScoringSetup::default();
        for event in events {
            setup.replay(event)?;
        }
        Ok(setup)
    }

    /// Every model adopted, oldest first.
    pub fn models(&self) -> &[AdoptedModel] {
        &self.models
    }

    /// The model adopted last, if any.
    pub fn current(&self) -> Option<&AdoptedModel> {
        self.models.last()
    }

    /// The model in force at `at`: the last adopted at or before it; `None`
    /// before the first.
    pub fn model_at(&self, at: DateTime<Utc>) -> Option<&AdoptedModel> {
        let after = self.models.partition_point(|adopted| adopted.from <= at);
        after.checked_sub(1).and_then(|last| self.models.get(last))
    }

    /// A lead's scores at `now` by the model in force then
    /// ([`ScoringModel::score`]), with that model's version; `None` before
    /// the first model.
    pub fn score(
        &self,
        lead: &impl super::Attributes,
        events: &[super::Engagement],
        now: DateTime<Utc>,
    ) -> Option<(ModelVersion, super::LeadScore)> {
        self.model_at(now)
            .map(|adopted| (adopted.version, adopted.model.score(lead, events, now)))
    }

    fn next_version(&self) -> ModelVersion {
        self.current()
            .map_or(ModelVersion::FIRST, |adopted| adopted.version.next())
    }
}

impl Aggregate for ScoringSetup {
    type Command = ScoringCommand;
    type Event = ScoringEvent;
    type Error = Error;

    fn decide(&self, command: &ScoringCommand) -> Result<Vec<ScoringEvent>> {
        if let Some(current) = self.current() {
            if command.at < current.from {
                return Err(Error::ScoringOutOfOrder {
                    at: command.at,
                    previous: current.from,
                });
            }
            if current.model == command.model {
                return Ok(Vec::new());
            }
        }
        Ok(vec![ScoringEvent::Adopted {
            at: command.at,
            version: self.next_version(),
            model: command.model.clone(),
        }])
    }

    fn apply(&mut self, event: &ScoringEvent) {
        let ScoringEvent::Adopted { at, version, model } = event;
        // Two models from the same instant: the later replaces the earlier
        // from then, so `model_at` finds it; the earlier stays listed.
        self.models.push(AdoptedModel {
            version: *version,
            from: *at,
            model: model.clone(),
        });
    }

    /// Checks a stored event as [`decide`](Aggregate::decide) would have
    /// decided it (its instant, its version), then folds it; a refused
    /// event changes nothing. A stored model equal to the current one is
    /// accepted: it was a new version when it was recorded under other
    /// rules, and dropping it would shift every later version.
    fn replay(&mut self, event: &ScoringEvent) -> Result<()> {
        let ScoringEvent::Adopted { at, version, .. } = event;
        if let Some(current) = self.current()
            && *at < current.from
        {
            return Err(Error::ScoringOutOfOrder {
                at: *at,
                previous: current.from,
            });
        }
        let expected = self.next_version();
        if *version != expected {
            return Err(Error::ScoringVersion {
                expected,
                found: *version,
            });
        }
        self.apply(event);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::{Band, Bands, EngagementKind, EngagementRule, Score};

    fn model(points: i32) -> ScoringModel {
        let kind = EngagementKind::new("open").unwrap();
        ScoringModel::new(
            Vec::new(),
            vec![EngagementRule::new(kind, Score::points(points))],
            TimeDelta::days(7),
            None,
            Bands::new(
                Band::new(Score::ZERO, Score::ZERO),
                Band::new(Score::ZERO, Score::ZERO),
            ),
        )
        .unwrap()
    }

    #[test]
    fn models_in_force_by_instant() -> Result<()> {
        let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(10);
        let mut setup = ScoringSetup::default();
        assert!(setup.model_at(t0).is_none());
        setup.handle(&ScoringCommand::adopt(t0, model(1)))?;
        setup.handle(&ScoringCommand::adopt(t0 + TimeDelta::days(1), model(2)))?;
        setup.handle(&ScoringCommand::adopt(t0 + TimeDelta::days(1), model(3)))?;
        let version_at = |days: i64| {
            setup
                .model_at(t0 + TimeDelta::days(days))
                .map(|m| m.version.number())
        };
        assert_eq!(version_at(-1), None);
        assert_eq!(version_at(0), Some(1));
        assert_eq!(version_at(1), Some(3));
        assert_eq!(version_at(100), Some(3));
        assert_eq!(setup.models().len(), 3);
        let early = setup.decide(&ScoringCommand::adopt(t0, model(4)));
        assert_eq!(
            early.map_err(|e| e.to_string()),
            Err(format!(
                "scoring model from {t0} is earlier than the current one's, from {}",
                t0 + TimeDelta::days(1)
            ))
        );
        Ok(())
    }

    #[test]
    fn stored_events_are_checked() -> Result<()> {
        let t0 = DateTime::UNIX_EPOCH;
        let mut setup = ScoringSetup::default();
        let events = setup.handle(&ScoringCommand::adopt(t0, model(1)))?;
        let skipped = ScoringEvent::Adopted {
            at: t0,
            version: ModelVersion(3),
            model: model(2),
        };
        let before = setup.clone();
        assert_eq!(
            setup.replay(&skipped),
            Err(Error::ScoringVersion {
                expected: ModelVersion(2),
                found: ModelVersion(3)
            })
        );
        let early = ScoringEvent::Adopted {
            at: t0 - TimeDelta::seconds(1),
            version: ModelVersion(2),
            model: model(2),
        };
        assert!(matches!(
            setup.replay(&early),
            Err(Error::ScoringOutOfOrder { .. })
        ));
        assert_eq!(setup, before);
        assert_eq!(ScoringSetup::from_events(&events)?, setup);
        Ok(())
    }

    #[cfg(feature = "serde")]
    #[test]
    fn events_read_back_equal() -> Result<()> {
        let mut setup = ScoringSetup::default();
        let events = setup.handle(&ScoringCommand::adopt(DateTime::UNIX_EPOCH, model(5)))?;
        let json = serde_json::to_string(&events).unwrap();
        let back: Vec<ScoringEvent> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, events);
        assert_eq!(ScoringSetup::from_events(&back)?, setup);
        // The model is validated on the way in.
        let negative = json.replace("\"points\":500", "\"points\":-500");
        assert_ne!(negative, json);
        assert!(serde_json::from_str::<Vec<ScoringEvent>>(&negative).is_err());
        Ok(())
    }
}
