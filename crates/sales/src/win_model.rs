//! The win model: a naive Bayes classifier trained on closed opportunities
//! that gives an open one its probability of being won, with each feature's
//! contribution.
//!
//! Naive Bayes multiplies likelihoods, which is a continuous formula: the
//! model computes in `f64` inside this module only, and every figure it
//! returns is a decimal rounded by a named strategy.

// The likelihoods and the logistic function are continuous; floats never
// touch money here and leave the module only as rounded decimals.
#![allow(clippy::float_arithmetic)]

use std::collections::HashMap;

use bureau_core::{Decimal, Money, Percent, RoundingStrategy};
use chrono::{DateTime, Utc};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use crate::{AttributeName, Error, Opportunity, OpportunityStatus, Result};

/// A feature the win model reads from an opportunity. Each is categorical;
/// an opportunity without a value for a feature (no source, no segment, an
/// attribute not set, an amount in another currency than the bands) gets no
/// contribution from it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum WinFeature {
    /// The furthest open stage reached (by position in the pipeline).
    StageReached,
    /// The opportunity's source.
    Source,
    /// Its owner.
    Owner,
    /// The customer's segment.
    Segment,
    /// The band its amount falls in ([`WinModelConfig::with_amount_bands`]).
    AmountBand,
    /// The band its age in days falls in ([`WinModelConfig::with_age_bands`]):
    /// for a closed opportunity its age at closing, for an open one its age
    /// on the day of the prediction.
    AgeBand,
    /// A caller-defined attribute.
    Attribute(AttributeName),
}

/// How a [`WinModel`] is built: the features it reads, the bands of amount
/// and age, the Laplace smoothing, the minimum history, and the rounding of
/// the probability it returns.
///
/// Defaults ([`WinModelConfig::new`]): every built-in feature, one amount
/// band and one age band (so those two say nothing until bands are given),
/// smoothing 1, a minimum history of 30 closed opportunities with at least
/// one won and one lost, probabilities rounded to 0.01% with
/// [`RoundingStrategy::MidpointNearestEven`].
///
/// ```
/// use bureau_core::{money, Decimal, RoundingStrategy};
/// use bureau_sales::{AttributeName, WinFeature, WinModelConfig};
/// let config = WinModelConfig::new()
///     .with_feature(WinFeature::Attribute(AttributeName::new("industry")?))
///     .with_amount_bands([money!(10000.00 EUR), money!(50000.00 EUR)])?
///     .with_age_bands([30, 90])?
///     .with_smoothing(Decimal::ONE)?
///     .with_min_history(100)
///     .with_rounding(RoundingStrategy::MidpointAwayFromZero);
/// assert_eq!(config.features().len(), 7);
/// // Bands must rise.
/// assert!(WinModelConfig::new().with_age_bands([90, 30]).is_err());
/// # Ok::<(), bureau_sales::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WinModelConfig {
    features: Vec<WinFeature>,
    amount_bands: Vec<Money>,
    // The amount bands' bounds as decimals, compared on every prediction.
    amount_bounds: Vec<Decimal>,
    age_bands: Vec<i64>,
    smoothing: Decimal,
    min_history: usize,
    rounding: RoundingStrategy,
}

impl Default for WinModelConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl WinModelConfig {
    /// The defaults, reading every built-in feature.
    pub fn new() -> Self {
        WinModelConfig {
            features: vec![
                WinFeature::StageReached,
                WinFeature::Source,
                WinFeature::Owner,
                WinFeature::Segment,
                WinFeature::AmountBand,
                WinFeature::AgeBand,
            ],
            amount_bands: Vec::new(),
            amount_bounds: Vec::new(),
            age_bands: Vec::new(),
            smoothing: Decimal::ONE,
            min_history: 30,
            rounding: RoundingStrategy::MidpointNearestEven,
        }
    }

    /// Reading exactly `features`, in this order (duplicates dropped).
    #[must_use]
    pub fn with_features(mut self, features: impl IntoIterator<Item = WinFeature>) -> Self {
        self.features.clear();
        for feature in features {
            self = self.with_feature(feature);
        }
        self
    }

    /// Also reading `feature` (no change when it is read already).
    #[must_use]
    pub fn with_feature(mut self, feature: WinFeature) -> Self {
        if !self.features.contains(&feature) {
            self.features.push(feature);
        }
        self
    }

    /// Amount bands split at `bounds`: band 0 below the first bound, band
    /// `i` from bound `i - 1` (inclusive) to bound `i`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWinModel`] when the bounds do not strictly rise or
    /// are not all in one currency.
    pub fn with_amount_bands(mut self, bounds: impl IntoIterator<Item = Money>) -> Result<Self> {
        let bounds: Vec<Money> = bounds.into_iter().collect();
        for pair in bounds.windows(2) {
            if let [a, b] = pair
                && (a.currency() != b.currency() || a.amount() >= b.amount())
            {
                return Err(Error::InvalidWinModel {
                    reason: format!("amount bands must rise in one currency: {a} then {b}"),
                });
            }
        }
        self.amount_bounds = bounds.iter().map(Money::amount).collect();
        self.amount_bands = bounds;
        Ok(self)
    }

    /// Age bands split at `bounds` days, as for amounts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWinModel`] when the bounds do not strictly rise.
    pub fn with_age_bands(mut self, bounds: impl IntoIterator<Item = i64>) -> Result<Self> {
        let bounds: Vec<i64> = bounds.into_iter().collect();
        if let Some(pair) = bounds.windows(2).find(|w| w[0] >= w[1]) {
            return Err(Error::InvalidWinModel {
                reason: format!(
                    "age bands must rise: {} days then {} days",
                    pair[0], pair[1]
                ),
            });
        }
        self.age_bands = bounds;
        Ok(self)
    }

    /// Laplace smoothing `alpha`: the count added to every value of a
    /// feature, seen or not.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWinModel`] unless `alpha` is positive.
    pub fn with_smoothing(mut self, alpha: Decimal) -> Result<Self> {
        if alpha <= Decimal::ZERO {
            return Err(Error::InvalidWinModel {
                reason: format!("smoothing must be positive, not {alpha}"),
            });
        }
        self.smoothing = alpha;
        Ok(self)
    }

    /// Below `closed` closed opportunities in the training history (or with
    /// no won or no lost one), predictions are the stage defaults.
    #[must_use]
    pub fn with_min_history(mut self, closed: usize) -> Self {
        self.min_history = closed;
        self
    }

    /// How a predicted probability is rounded to 0.01%.
    #[must_use]
    pub fn with_rounding(mut self, rounding: RoundingStrategy) -> Self {
        self.rounding = rounding;
        self
    }

    /// The features read, in order.
    pub fn features(&self) -> &[WinFeature] {
        &self.features
    }

    /// The rounding of predicted probabilities.
    pub const fn rounding(&self) -> RoundingStrategy {
        self.rounding
    }

    fn band<T: PartialOrd>(bounds: &[T], value: &T) -> u32 {
        // At most as many bands as bounds plus one; a u32 holds any count a
        // caller can allocate bounds for in practice, and saturating keeps
        // every larger band distinct from the ones below it.
        u32::try_from(bounds.partition_point(|b| b <= value)).unwrap_or(u32::MAX)
    }

    /// The value of `feature` for `opportunity`, its age taken on `age`.
    fn value<'o>(
        &self,
        feature: &WinFeature,
        opportunity: &'o Opportunity,
        age: Option<i64>,
    ) -> Option<Value<'o>> {
        let data = opportunity.data()?;
        match feature {
            WinFeature::StageReached => opportunity
                .furthest_open_position()
                .map(|p| Value::Index(u32::try_from(p).unwrap_or(u32::MAX))),
            WinFeature::Source => data.source.as_ref().map(|s| Value::Text(s.as_str())),
            WinFeature::Owner => Some(Value::Id(data.owner.as_uuid().as_u128())),
            WinFeature::Segment => data.segment.as_ref().map(|s| Value::Text(s.as_str())),
            WinFeature::AmountBand => {
                let amount = data.amount;
                match self.amount_bands.first() {
                    Some(first) if first.currency() != amount.currency() => None,
                    _ => Some(Value::Index(Self::band(
                        &self.amount_bounds,
                        &amount.amount(),
                    ))),
                }
            }
            WinFeature::AgeBand => age.map(|a| Value::Index(Self::band(&self.age_bands, &a))),
            WinFeature::Attribute(name) => {
                opportunity.attribute(name).map(|v| Value::Text(v.as_str()))
            }
        }
    }
}

/// A feature's value, borrowed from the opportunity.
#[derive(Clone, Copy, Debug)]
enum Value<'o> {
    Index(u32),
    Id(u128),
    Text(&'o str),
}

/// Log-odds evidence, in nats, rounded to 4 decimal places: how much a
/// feature's value moves the odds of winning (positive toward won, negative
/// toward lost). The prior and the contributions of a [`WinPrediction`] add
/// up to the log-odds of its probability, within their rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Evidence(
    #[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))] Decimal,
);

impl Evidence {
    fn from_f64(value: f64) -> Self {
        Evidence(
            Decimal::from_f64(value)
                .unwrap_or_default()
                .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven),
        )
    }

    /// The log-odds in nats.
    pub const fn value(self) -> Decimal {
        self.0
    }
}

impl core::fmt::Display for Evidence {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.0, f)
    }
}

/// What one value of a feature weighs.
#[derive(Clone, Copy, Debug)]
struct Weight {
    log_odds: f64,
    evidence: Evidence,
}

impl Weight {
    fn new(log_odds: f64) -> Self {
        Weight {
            log_odds,
            evidence: Evidence::from_f64(log_odds),
        }
    }
}

/// One feature's learned weights.
#[derive(Clone, Debug)]
///
/// Sorted by value and searched by bisection: a prediction hashes nothing,
/// and a feature of a few dozen values is found in a handful of comparisons.
struct Table {
    index: Vec<(u32, Weight)>,
    ids: Vec<(u128, Weight)>,
    text: Vec<(String, Weight)>,
    unseen: Weight,
}

fn find<K: Ord + ?Sized, Q: core::borrow::Borrow<K>>(
    entries: &[(Q, Weight)],
    key: &K,
) -> Option<Weight> {
    entries
        .binary_search_by(|(k, _)| k.borrow().cmp(key))
        .ok()
        .and_then(|i| entries.get(i))
        .map(|(_, w)| *w)
}

fn sorted<K: Ord>(entries: impl Iterator<Item = (K, Weight)>) -> Vec<(K, Weight)> {
    let mut entries: Vec<(K, Weight)> = entries.collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

impl Table {
    fn weight(&self, value: Value<'_>) -> (Weight, bool) {
        let found = match value {
            Value::Index(i) => find(&self.index, &i),
            Value::Id(id) => find(&self.ids, &id),
            Value::Text(text) => find::<str, String>(&self.text, text),
        };
        found.map_or((self.unseen, false), |w| (w, true))
    }
}

/// Counts of won and lost per value during training.
#[derive(Default)]
struct Counts {
    index: HashMap<u32, [u32; 2]>,
    ids: HashMap<u128, [u32; 2]>,
    text: HashMap<String, [u32; 2]>,
}

impl Counts {
    fn add(&mut self, value: Value<'_>, won: bool) {
        let slot = match value {
            Value::Index(i) => self.index.entry(i).or_default(),
            Value::Id(id) => self.ids.entry(id).or_default(),
            Value::Text(text) => match self.text.get_mut(text) {
                Some(slot) => slot,
                None => self.text.entry(text.to_owned()).or_default(),
            },
        };
        let cell = &mut slot[usize::from(!won)];
        *cell = cell.saturating_add(1);
    }

    fn distinct(&self) -> usize {
        self.index.len() + self.ids.len() + self.text.len()
    }
}

/// Where a prediction's probability came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PredictionBasis {
    /// The trained model.
    Model,
    /// The default probability of the opportunity's stage: the model was
    /// trained on too short a history.
    StageDefault,
}

/// One feature's part in a prediction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeatureContribution<'m> {
    /// The feature.
    pub feature: &'m WinFeature,
    /// Whether the opportunity's value was seen in training (an unseen
    /// value weighs only the smoothing).
    pub seen: bool,
    /// How much the value moved the log-odds.
    pub evidence: Evidence,
}

/// A win probability with its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WinPrediction<'m> {
    /// The probability of winning, rounded to 0.01% by the model's strategy.
    pub probability: Percent,
    /// Model or stage default.
    pub basis: PredictionBasis,
    /// The log-odds of winning before any feature (the history's won to
    /// lost ratio); zero for a stage default.
    pub prior: Evidence,
    /// Each feature the opportunity has a value for, in the configuration's
    /// order; empty for a stage default.
    pub contributions: Vec<FeatureContribution<'m>>,
}

/// A naive Bayes win model: `train` on closed opportunities, `predict` an
/// open one. Both are pure and deterministic: the same history and
/// configuration give the same model and the same predictions.
///
/// For each feature value `v`, the model weighs
/// `ln(P(v | won) / P(v | lost))` with Laplace smoothing
/// `P(v | c) = (n(v, c) + alpha) / (n(c) + alpha * (k + 1))`, `k` the values
/// seen and one more for any unseen value; the probability is the logistic
/// of the prior log-odds plus the weights.
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
/// let close = NaiveDate::from_ymd_opt(1970, 6, 1).ok_or("date")?;
/// let deal = |n: u128, source: &str, won: Option<bool>| -> Result<Opportunity, Error> {
///     let data = OpportunityData::new(OpportunityId::from_u128(n), pipeline.clone(),
///         name("Qualification")?, money!(1000.00 EUR), EmployeeId::from_u128(1),
///         PartyId::from_u128(n), close).with_source(DealSource::new(source)?);
///     let mut o = Opportunity::default();
///     o.handle(&OpportunityCommand::new(t0, OpportunityChange::Open(Box::new(data))))?;
///     match won {
///         Some(true) => { o.handle(&OpportunityCommand::new(t0, OpportunityChange::Win(None)))?; }
///         Some(false) => { o.handle(&OpportunityCommand::new(t0,
///             OpportunityChange::Lose(CloseReason::new("No budget")?)))?; }
///         None => {}
///     }
///     Ok(o)
/// };
/// // Referrals are won 3 times in 4, cold calls 1 in 4.
/// let mut history = Vec::new();
/// for n in 0..40 {
///     history.push(deal(n, "referral", Some(n % 4 != 0))?);
///     history.push(deal(100 + n, "cold call", Some(n % 4 == 0))?);
/// }
/// let config = WinModelConfig::new().with_features([WinFeature::Source]);
/// let model = WinModel::train(config, &history)?;
/// let open = deal(1000, "referral", None)?;
/// let prediction = model.predict(&open, t0);
/// assert_eq!(prediction.basis, PredictionBasis::Model);
/// assert!(prediction.probability > Percent::new(70.into()));
/// assert!(prediction.contributions[0].evidence.value() > 0.into());
///
/// // With too short a history, the stage's default is used.
/// let short = WinModel::train(WinModelConfig::new(), &history[..10])?;
/// assert_eq!(short.predict(&open, t0).probability, Percent::new(10.into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct WinModel {
    config: WinModelConfig,
    trained: Option<Trained>,
    won: usize,
    lost: usize,
}

#[derive(Clone, Debug)]
struct Trained {
    prior: Weight,
    tables: Vec<Table>,
}

impl WinModel {
    /// A model trained on `history`: its won and lost opportunities (open
    /// ones and unopened ones are skipped).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWinModel`] when the smoothing cannot be used as a
    /// number (it is beyond `f64`).
    pub fn train<'a>(
        config: WinModelConfig,
        history: impl IntoIterator<Item = &'a Opportunity>,
    ) -> Result<Self> {
        let alpha = config
            .smoothing
            .to_f64()
            .filter(|a| a.is_finite() && *a > 0.0)
            .ok_or_else(|| Error::InvalidWinModel {
                reason: format!("smoothing {} is out of range", config.smoothing),
            })?;
        let mut counts: Vec<Counts> = config.features.iter().map(|_| Counts::default()).collect();
        let (mut won, mut lost) = (0usize, 0usize);
        for opportunity in history {
            let Some(closing) = opportunity.closing() else {
                continue;
            };
            let is_won = match closing.status {
                OpportunityStatus::Won => true,
                OpportunityStatus::Lost => false,
                OpportunityStatus::Open => continue,
            };
            if is_won {
                won += 1;
            } else {
                lost += 1;
            }
            let age = opportunity.age_days(closing.at);
            for (feature, counts) in config.features.iter().zip(counts.iter_mut()) {
                if let Some(value) = config.value(feature, opportunity, age) {
                    counts.add(value, is_won);
                }
            }
        }
        let trained = (won > 0 && lost > 0 && won + lost >= config.min_history).then(|| {
            // Counts are at most the history's length; f64 holds them exactly
            // up to 2^53.
            let (n_won, n_lost) = (won as f64, lost as f64);
            let tables = counts
                .iter()
                .map(|c| {
                    let slots = (c.distinct() + 1) as f64;
                    let (d_won, d_lost) = (n_won + alpha * slots, n_lost + alpha * slots);
                    let weight = |[w, l]: [u32; 2]| {
                        Weight::new(
                            ((f64::from(w) + alpha) / d_won).ln()
                                - ((f64::from(l) + alpha) / d_lost).ln(),
                        )
                    };
                    Table {
                        index: sorted(c.index.iter().map(|(k, v)| (*k, weight(*v)))),
                        ids: sorted(c.ids.iter().map(|(k, v)| (*k, weight(*v)))),
                        text: sorted(c.text.iter().map(|(k, v)| (k.clone(), weight(*v)))),
                        unseen: weight([0, 0]),
                    }
                })
                .collect();
            Trained {
                prior: Weight::new((n_won / n_lost).ln()),
                tables,
            }
        });
        Ok(WinModel {
            config,
            trained,
            won,
            lost,
        })
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &WinModelConfig {
        &self.config
    }

    /// Whether the history was long enough: `false` means every prediction
    /// is the stage default.
    pub fn is_trained(&self) -> bool {
        self.trained.is_some()
    }

    /// The won and lost opportunities it was trained on.
    pub const fn history(&self) -> (usize, usize) {
        (self.won, self.lost)
    }

    /// The probability that `opportunity` is won, its age taken on `as_of`,
    /// with each feature's contribution. With too short a history, or for an
    /// opportunity not opened, it is the stage default (0% when there is no
    /// stage).
    pub fn predict(&self, opportunity: &Opportunity, as_of: DateTime<Utc>) -> WinPrediction<'_> {
        let stage_default = || WinPrediction {
            probability: opportunity.probability().unwrap_or_default(),
            basis: PredictionBasis::StageDefault,
            prior: Evidence::default(),
            contributions: Vec::new(),
        };
        let Some(trained) = &self.trained else {
            return stage_default();
        };
        if opportunity.data().is_none() {
            return stage_default();
        }
        let age = opportunity.age_days(as_of);
        let mut log_odds = trained.prior.log_odds;
        let mut contributions = Vec::with_capacity(self.config.features.len());
        for (feature, table) in self.config.features.iter().zip(&trained.tables) {
            let value = self.config.value(feature, opportunity, age);
            let Some(value) = value else { continue };
            let (weight, seen) = table.weight(value);
            log_odds += weight.log_odds;
            contributions.push(FeatureContribution {
                feature,
                seen,
                evidence: weight.evidence,
            });
        }
        // In hundredths of a percent, from 0 to 10 000.
        let hundredths = 10_000.0 / (1.0 + (-log_odds).exp());
        WinPrediction {
            probability: Percent::new(Decimal::new(round(hundredths, self.config.rounding), 2)),
            basis: PredictionBasis::Model,
            prior: trained.prior.evidence,
            contributions,
        }
    }
}

/// `value` (from 0 to 10 000, or NaN) rounded to a whole number by
/// `strategy`. Rounding the float directly rather than through a decimal
/// conversion keeps a prediction within the speed its callers count on.
fn round(value: f64, strategy: RoundingStrategy) -> i64 {
    let value = if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 10_000.0)
    };
    let tie = (value - value.trunc()).abs() == 0.5;
    let rounded = match strategy {
        RoundingStrategy::MidpointAwayFromZero => value.round(),
        RoundingStrategy::MidpointTowardZero if tie => value.trunc(),
        RoundingStrategy::MidpointTowardZero => value.round(),
        RoundingStrategy::ToZero | RoundingStrategy::ToNegativeInfinity => value.floor(),
        RoundingStrategy::AwayFromZero | RoundingStrategy::ToPositiveInfinity => value.ceil(),
        _ => value.round_ties_even(),
    };
    // Clamped to 0..=10 000 above: the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    let whole = rounded as i64;
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_follows_the_named_strategy() {
        use RoundingStrategy::*;
        let cases = [
            (1234.5, MidpointNearestEven, 1234),
            (1235.5, MidpointNearestEven, 1236),
            (1234.5, MidpointAwayFromZero, 1235),
            (1234.5, MidpointTowardZero, 1234),
            (1234.6, MidpointTowardZero, 1235),
            (1234.9, ToZero, 1234),
            (1234.1, AwayFromZero, 1235),
            (1234.1, ToPositiveInfinity, 1235),
            (1234.9, ToNegativeInfinity, 1234),
            (f64::NAN, MidpointNearestEven, 0),
            (10_000.4, MidpointNearestEven, 10_000),
        ];
        for (value, strategy, expected) in cases {
            assert_eq!(round(value, strategy), expected, "{value} {strategy:?}");
        }
    }
}
