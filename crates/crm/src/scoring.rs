//! Lead scoring: a fit score from rules over a lead's attributes, an
//! engagement score from its behaviour decaying with time, and bands that
//! map the two to a stage.
//!
//! Scoring is a pure function of (model, lead, events, now):
//! [`ScoringModel::score`] allocates nothing; [`ScoringModel::breakdown_into`]
//! gives the same score with every contribution, into a buffer the caller
//! owns.
//!
//! # The formulas
//!
//! Scores are exact hundredths of a point ([`Score`]).
//!
//! - **Fit** = Σ points of the [`FitRule`]s whose [`Predicate`] holds for the
//!   lead's attributes. Points may be negative.
//! - **Engagement**: for each [`EngagementRule`] (an [`EngagementKind`],
//!   points ≥ 0, an optional cap), its events at or before `now` count
//!   `points × 2^(−age / half_life)` each; their sum is capped by the rule's
//!   cap and truncated toward zero to hundredths (the one rounding, named
//!   `ToZero`, per rule). Engagement = min(Σ over rules, overall cap).
//!   Events after `now` and of kinds without a rule count nothing. The decay
//!   is computed in `f64` inside the function only.
//! - **Stage** ([`ScoreStage`]): sales-qualified when fit and engagement
//!   both reach the sales [`Band`], or when the model allows it on
//!   engagement alone ([`Bands::sales_on_engagement_alone`]) and engagement
//!   reaches that threshold; else marketing-qualified when both reach the
//!   marketing band; else nurture. A lead below the sales band's fit is
//!   never sales-qualified on engagement unless the model says so.
//!
//! The models a company scores with are configuration, recorded as events
//! of a [`ScoringSetup`] aggregate: which model ([`ModelVersion`]) was in
//! force from when, so that stored histories rescore alike.
//!
//! What always holds: with no new event, engagement never increases as
//! `now` moves on; adding an event of positive points never lowers the
//! engagement, the fit or the stage.

use std::fmt;

use bureau_core::Decimal;

mod setup;

use chrono::{DateTime, TimeDelta, Utc};
pub use setup::{AdoptedModel, ModelVersion, ScoringCommand, ScoringEvent, ScoringSetup};

use crate::text::{FieldKey, FieldText, RuleName};
use crate::{Error, FieldValue, Lead, Result};

/// How many engagement rules one pass over the events serves: their running
/// totals stay on the stack, so scoring allocates nothing however many
/// rules a model has.
const RULES_PER_PASS: usize = 16;

/// A score or a number of points, in exact hundredths of a point.
///
/// ```
/// use bureau_crm::Score;
///
/// let score = Score::points(12) + Score::from_hundredths(50);
/// assert_eq!(score.to_string(), "12.50");
/// assert_eq!(Score::points(-3).to_string(), "-3.00");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Score(i64);

impl Score {
    /// No points.
    pub const ZERO: Score = Score(0);

    /// Whole points.
    pub const fn points(points: i32) -> Self {
        Score(points as i64 * 100)
    }

    /// Hundredths of a point.
    pub const fn from_hundredths(hundredths: i64) -> Self {
        Score(hundredths)
    }

    /// The score in hundredths of a point.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// The score as a decimal number of points.
    ///
    /// ```
    /// use bureau_crm::Score;
    /// assert_eq!(Score::from_hundredths(1234).to_decimal().to_string(), "12.34");
    /// ```
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
}

impl std::ops::Add for Score {
    type Output = Score;
    /// Saturating: scores never overflow.
    fn add(self, other: Score) -> Score {
        Score(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A condition on a lead's attributes. An attribute the lead does not have
/// satisfies only [`Predicate::Absent`].
///
/// ```
/// use bureau_crm::{FieldKey, FieldText, FieldValue, Predicate};
/// use bureau_core::Decimal;
/// use std::collections::BTreeMap;
///
/// let big = Predicate::AtLeast(FieldKey::new("employees")?, Decimal::from(200));
/// let mut attributes = BTreeMap::new();
/// attributes.insert(FieldKey::new("employees")?, FieldValue::Number(Decimal::from(250)));
/// assert!(big.holds(&attributes));
/// assert!(!Predicate::Present(FieldKey::new("industry")?).holds(&attributes));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Predicate {
    /// The attribute has exactly this value.
    Equals(FieldKey, FieldValue),
    /// The attribute is a text or choice among these.
    OneOf(FieldKey, Vec<FieldText>),
    /// The attribute is a number at least this.
    AtLeast(FieldKey, Decimal),
    /// The attribute is a number below this.
    Below(FieldKey, Decimal),
    /// The attribute has a value.
    Present(FieldKey),
    /// The attribute has no value.
    Absent(FieldKey),
}

impl Predicate {
    /// Whether the predicate holds for `attributes`.
    pub fn holds(&self, attributes: &impl Attributes) -> bool {
        self.holds_for(attributes.attribute(self.key()))
    }

    /// The attribute it reads.
    pub fn key(&self) -> &FieldKey {
        match self {
            Predicate::Equals(key, _)
            | Predicate::OneOf(key, _)
            | Predicate::AtLeast(key, _)
            | Predicate::Below(key, _)
            | Predicate::Present(key)
            | Predicate::Absent(key) => key,
        }
    }

    /// Whether the predicate holds when its attribute has `value`.
    fn holds_for(&self, value: Option<&FieldValue>) -> bool {
        match self {
            Predicate::Equals(_, expected) => value == Some(expected),
            Predicate::OneOf(_, texts) => match value {
                Some(FieldValue::Text(text) | FieldValue::Choice(text)) => texts.contains(text),
                _ => false,
            },
            Predicate::AtLeast(_, bound) => {
                matches!(value, Some(FieldValue::Number(n)) if n >= bound)
            }
            Predicate::Below(_, bound) => {
                matches!(value, Some(FieldValue::Number(n)) if n < bound)
            }
            Predicate::Present(_) => value.is_some(),
            Predicate::Absent(_) => value.is_none(),
        }
    }
}

/// What fit rules read: a lead's attribute values by key. Implemented for
/// [`Lead`] and for a map of attributes; a caller with its own layout
/// implements it to score without copying. A score reads each attribute
/// at most once, however many fit rules test it.
pub trait Attributes {
    /// The value of `key`, if any.
    fn attribute(&self, key: &FieldKey) -> Option<&FieldValue>;
}

impl Attributes for Lead {
    fn attribute(&self, key: &FieldKey) -> Option<&FieldValue> {
        self.attributes().get(key)
    }
}

impl Attributes for std::collections::BTreeMap<FieldKey, FieldValue> {
    fn attribute(&self, key: &FieldKey) -> Option<&FieldValue> {
        self.get(key)
    }
}

/// A fit rule: points when the predicate holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FitRule {
    /// Its name, shown in breakdowns.
    pub name: RuleName,
    /// When it applies.
    pub predicate: Predicate,
    /// Its points, negative allowed.
    pub points: Score,
}

impl FitRule {
    /// A fit rule.
    pub fn new(name: RuleName, predicate: Predicate, points: Score) -> Self {
        FitRule {
            name,
            predicate,
            points,
        }
    }
}

/// A type of behavioural event (`email_open`, `demo_request`): up to 16
/// ASCII letters, digits, `_`, `-` or `.`, compared exactly. Small and
/// `Copy`, so scoring compares kinds without touching the heap.
///
/// ```
/// use bureau_crm::EngagementKind;
///
/// let kind = EngagementKind::new("demo_request")?;
/// assert_eq!(kind.as_str(), "demo_request");
/// assert!(EngagementKind::new("a much longer event name").is_err());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EngagementKind {
    bytes: [u8; EngagementKind::MAX_LEN],
    len: u8,
}

impl EngagementKind {
    /// The longest kind, in bytes.
    pub const MAX_LEN: usize = 16;

    /// Checks and wraps a kind.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEngagementKind`] when empty, longer than 16 bytes or
    /// holding another character.
    pub fn new(kind: &str) -> Result<Self> {
        let valid = !kind.is_empty()
            && kind.len() <= Self::MAX_LEN
            && kind
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !valid {
            return Err(Error::InvalidEngagementKind {
                input: kind.to_owned(),
            });
        }
        let mut bytes = [0; Self::MAX_LEN];
        for (slot, byte) in bytes.iter_mut().zip(kind.bytes()) {
            *slot = byte;
        }
        Ok(EngagementKind {
            bytes,
            len: u8::try_from(kind.len()).unwrap_or(u8::MAX),
        })
    }

    /// The kind as one number: its bytes, zero-padded. Kinds hold no zero
    /// byte, so two kinds are equal exactly when their keys are.
    fn key(&self) -> u128 {
        u128::from_le_bytes(self.bytes)
    }

    /// The kind.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl fmt::Display for EngagementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for EngagementKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for EngagementKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EngagementKind::new(&text).map_err(serde::de::Error::custom)
    }
}

/// One behavioural event of a lead: its kind and instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Engagement {
    /// What the lead did.
    pub kind: EngagementKind,
    /// When.
    pub at: DateTime<Utc>,
}

impl Engagement {
    /// An event.
    pub fn new(kind: EngagementKind, at: DateTime<Utc>) -> Self {
        Engagement { kind, at }
    }
}

/// Points per event of a kind, with an optional cap on the kind's total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct EngagementRule {
    /// The kind of event.
    pub kind: EngagementKind,
    /// Points per event when it happens (not negative: decay would make a
    /// negative event's weight grow with time).
    pub points: Score,
    /// The most the kind adds up to.
    pub cap: Option<Score>,
}

impl EngagementRule {
    /// A rule without a cap.
    pub fn new(kind: EngagementKind, points: Score) -> Self {
        EngagementRule {
            kind,
            points,
            cap: None,
        }
    }

    /// With a cap on the kind's total.
    pub fn with_cap(mut self, cap: Score) -> Self {
        self.cap = Some(cap);
        self
    }
}

/// Minimum fit and engagement of a band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Band {
    /// The lowest fit in the band.
    pub min_fit: Score,
    /// The lowest engagement in the band.
    pub min_engagement: Score,
}

impl Band {
    /// A band.
    pub fn new(min_fit: Score, min_engagement: Score) -> Self {
        Band {
            min_fit,
            min_engagement,
        }
    }

    fn contains(&self, fit: Score, engagement: Score) -> bool {
        fit >= self.min_fit && engagement >= self.min_engagement
    }
}

/// The bands that map scores to a [`ScoreStage`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Bands {
    /// Marketing-qualified from here.
    pub marketing: Band,
    /// Sales-qualified from here.
    pub sales: Band,
    /// Sales-qualified also at this engagement whatever the fit; `None`
    /// (the default of [`Bands::new`]) keeps low-fit leads out.
    pub sales_on_engagement_alone: Option<Score>,
}

impl Bands {
    /// Bands without the engagement-alone route.
    pub fn new(marketing: Band, sales: Band) -> Self {
        Bands {
            marketing,
            sales,
            sales_on_engagement_alone: None,
        }
    }

    /// Lets engagement at `threshold` make a lead sales-qualified whatever
    /// its fit.
    pub fn with_sales_on_engagement_alone(mut self, threshold: Score) -> Self {
        self.sales_on_engagement_alone = Some(threshold);
        self
    }

    /// The stage of a lead with these scores.
    ///
    /// ```
    /// use bureau_crm::{Band, Bands, Score, ScoreStage};
    ///
    /// let bands = Bands::new(Band::new(Score::points(10), Score::points(20)), Band::new(Score::points(30), Score::points(50)));
    /// assert_eq!(bands.stage(Score::points(40), Score::points(60)), ScoreStage::SalesQualified);
    /// assert_eq!(bands.stage(Score::points(0), Score::points(500)), ScoreStage::Nurture);
    /// let eager = bands.with_sales_on_engagement_alone(Score::points(400));
    /// assert_eq!(eager.stage(Score::points(0), Score::points(500)), ScoreStage::SalesQualified);
    /// ```
    pub fn stage(&self, fit: Score, engagement: Score) -> ScoreStage {
        let on_engagement = self
            .sales_on_engagement_alone
            .is_some_and(|threshold| engagement >= threshold);
        if self.sales.contains(fit, engagement) || on_engagement {
            ScoreStage::SalesQualified
        } else if self.marketing.contains(fit, engagement) {
            ScoreStage::MarketingQualified
        } else {
            ScoreStage::Nurture
        }
    }
}

/// What the scores say of a lead, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ScoreStage {
    /// Not ready: keep nurturing.
    Nurture,
    /// Ready for marketing's follow-up (MQL).
    MarketingQualified,
    /// Ready for sales (SQL).
    SalesQualified,
}

/// A lead's scores and stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LeadScore {
    /// The fit score.
    pub fit: Score,
    /// The engagement score.
    pub engagement: Score,
    /// The stage the bands give.
    pub stage: ScoreStage,
}

/// One line of a score's breakdown. The fit lines add up to the fit; the
/// engagement lines (the overall cap's line, negative, included) add up to
/// the engagement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Contribution<'m> {
    /// A fit rule that applied.
    Fit {
        /// The rule.
        rule: &'m FitRule,
        /// Its points.
        points: Score,
    },
    /// The events of one engagement rule's kind (only kinds with events).
    Engagement {
        /// The rule.
        rule: &'m EngagementRule,
        /// How many events counted.
        events: usize,
        /// Their decayed, capped total.
        points: Score,
        /// Whether the rule's cap cut it.
        capped: bool,
    },
    /// What the overall engagement cap took off (negative).
    OverallCap {
        /// The points taken off.
        points: Score,
    },
}

/// A lead scoring model: fit rules, engagement rules with a half-life and
/// caps, and bands.
///
/// ```
/// use bureau_crm::{
///     Band, Bands, Engagement, EngagementKind, EngagementRule, FieldKey, FieldValue, FitRule,
///     Predicate, RuleName, Score, ScoreStage, ScoringModel,
/// };
/// use bureau_core::Decimal;
/// use chrono::{DateTime, TimeDelta};
/// use std::collections::BTreeMap;
///
/// let employees = FieldKey::new("employees")?;
/// let demo = EngagementKind::new("demo_request")?;
/// let open = EngagementKind::new("email_open")?;
/// let model = ScoringModel::new(
///     vec![
///         FitRule::new(RuleName::new("mid-size")?, Predicate::AtLeast(employees.clone(), Decimal::from(200)), Score::points(30)),
///         FitRule::new(RuleName::new("tiny")?, Predicate::Below(employees.clone(), Decimal::from(10)), Score::points(-20)),
///     ],
///     vec![
///         EngagementRule::new(demo, Score::points(40)),
///         EngagementRule::new(open, Score::points(2)).with_cap(Score::points(10)),
///     ],
///     TimeDelta::days(30),
///     Some(Score::points(100)),
///     Bands::new(Band::new(Score::points(0), Score::points(20)), Band::new(Score::points(25), Score::points(40))),
/// )?;
///
/// let now = DateTime::UNIX_EPOCH + TimeDelta::days(100);
/// let mut lead = BTreeMap::new();
/// lead.insert(employees, FieldValue::Number(Decimal::from(250)));
/// let events = [
///     Engagement::new(demo, now - TimeDelta::days(30)), // one half-life ago: 20 points
///     Engagement::new(open, now),
///     Engagement::new(open, now),
/// ];
/// let score = model.score(&lead, &events, now);
/// assert_eq!(score.fit, Score::points(30));
/// assert_eq!(score.engagement, Score::points(24));
/// assert_eq!(score.stage, ScoreStage::MarketingQualified);
///
/// let mut lines = Vec::new();
/// assert_eq!(model.breakdown_into(&lead, &events, now, &mut lines), score);
/// assert_eq!(lines.len(), 3); // one fit rule, two engagement kinds
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ScoringModel {
    fit: Vec<FitRule>,
    engagement: Vec<EngagementRule>,
    /// In seconds, > 0.
    half_life_seconds: i64,
    cap: Option<Score>,
    bands: Bands,
    /// Derived from the rules; rebuilt, not stored.
    #[cfg_attr(feature = "serde", serde(skip))]
    lookup: Lookup,
}

/// What [`ScoringModel::new`] derives from the rules so that scoring finds
/// each engagement rule by a number comparison and reads each attribute of
/// a lead once however many fit rules test it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Lookup {
    /// Per fit rule, the position of its attribute among the distinct
    /// attributes the fit rules read, in the order they first appear.
    fit_attribute: Vec<usize>,
    /// Per engagement rule, [`EngagementKind::key`].
    kinds: Vec<u128>,
}

impl Lookup {
    fn new(fit: &[FitRule], engagement: &[EngagementRule]) -> Self {
        let mut positions = std::collections::BTreeMap::new();
        let fit_attribute = fit
            .iter()
            .map(|rule| {
                let next = positions.len();
                *positions.entry(rule.predicate.key()).or_insert(next)
            })
            .collect();
        Lookup {
            fit_attribute,
            kinds: engagement.iter().map(|rule| rule.kind.key()).collect(),
        }
    }
}

/// How many distinct attributes a score remembers once read (on the
/// stack); a model's further attributes are read for each rule testing
/// them.
const ATTRIBUTES_REMEMBERED: usize = 32;

impl ScoringModel {
    /// A model.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidModel`] when the half-life is not positive, an
    /// engagement rule has negative points or a negative cap, two
    /// engagement rules share a kind, or the overall cap is negative.
    pub fn new(
        fit: Vec<FitRule>,
        engagement: Vec<EngagementRule>,
        half_life: TimeDelta,
        cap: Option<Score>,
        bands: Bands,
    ) -> Result<Self> {
        let invalid = |problem: String| Err(Error::InvalidModel { problem });
        let half_life_seconds = half_life.num_seconds();
        if half_life_seconds <= 0 {
            return invalid(format!("half-life {half_life} is not at least a second"));
        }
        for (i, rule) in engagement.iter().enumerate() {
            if rule.points < Score::ZERO {
                return invalid(format!(
                    "engagement rule {} has negative points {}",
                    rule.kind, rule.points
                ));
            }
            if rule.cap.is_some_and(|cap| cap < Score::ZERO) {
                return invalid(format!("engagement rule {} has a negative cap", rule.kind));
            }
            if engagement
                .iter()
                .skip(i + 1)
                .any(|other| other.kind == rule.kind)
            {
                return invalid(format!("two engagement rules for {}", rule.kind));
            }
        }
        if cap.is_some_and(|cap| cap < Score::ZERO) {
            return invalid("the overall engagement cap is negative".to_owned());
        }
        Ok(ScoringModel {
            lookup: Lookup::new(&fit, &engagement),
            fit,
            engagement,
            half_life_seconds,
            cap,
            bands,
        })
    }

    /// The fit rules.
    pub fn fit_rules(&self) -> &[FitRule] {
        &self.fit
    }

    /// The engagement rules.
    pub fn engagement_rules(&self) -> &[EngagementRule] {
        &self.engagement
    }

    /// The bands.
    pub fn bands(&self) -> &Bands {
        &self.bands
    }

    /// The lead's scores and stage at `now`. Allocates nothing.
    pub fn score(
        &self,
        lead: &impl Attributes,
        events: &[Engagement],
        now: DateTime<Utc>,
    ) -> LeadScore {
        self.evaluate(lead, events, now, |_| {})
    }

    /// The same as [`score`](Self::score), pushing every contribution onto
    /// `lines` (cleared first).
    pub fn breakdown_into<'m>(
        &'m self,
        lead: &impl Attributes,
        events: &[Engagement],
        now: DateTime<Utc>,
        lines: &mut Vec<Contribution<'m>>,
    ) -> LeadScore {
        lines.clear();
        self.evaluate(lead, events, now, |line| lines.push(line))
    }

    fn evaluate<'m>(
        &'m self,
        lead: &impl Attributes,
        events: &[Engagement],
        now: DateTime<Utc>,
        mut line: impl FnMut(Contribution<'m>),
    ) -> LeadScore {
        let mut fit = Score::ZERO;
        let mut values: [Option<Option<&FieldValue>>; ATTRIBUTES_REMEMBERED] =
            [None; ATTRIBUTES_REMEMBERED];
        for (rule, &attribute) in self.fit.iter().zip(&self.lookup.fit_attribute) {
            let value = match values.get_mut(attribute) {
                Some(Some(read)) => *read,
                Some(slot) => *slot.insert(lead.attribute(rule.predicate.key())),
                None => lead.attribute(rule.predicate.key()),
            };
            if rule.predicate.holds_for(value) {
                fit = fit + rule.points;
                line(Contribution::Fit {
                    rule,
                    points: rule.points,
                });
            }
        }
        let mut engagement = Score::ZERO;
        let passes = self
            .engagement
            .chunks(RULES_PER_PASS)
            .zip(self.lookup.kinds.chunks(RULES_PER_PASS));
        for (rules, kinds) in passes {
            let totals = self.chunk_totals(rules, kinds, events, now);
            for (rule, &(count, points, capped)) in rules.iter().zip(&totals) {
                if count > 0 {
                    engagement = engagement + points;
                    line(Contribution::Engagement {
                        rule,
                        events: count,
                        points,
                        capped,
                    });
                }
            }
        }
        if let Some(cap) = self.cap
            && engagement > cap
        {
            line(Contribution::OverallCap {
                points: Score(cap.0 - engagement.0),
            });
            engagement = cap;
        }
        LeadScore {
            fit,
            engagement,
            stage: self.bands.stage(fit, engagement),
        }
    }

    /// The decayed totals of up to [`RULES_PER_PASS`] rules' events, in one
    /// pass over the events: for each rule how many counted, the total
    /// (capped, truncated toward zero to hundredths), whether the cap cut it.
    /// Each rule's sum runs over its events in their order, so it is the
    /// same floating-point sum as a pass per rule would give.
    #[allow(clippy::float_arithmetic, clippy::cast_possible_truncation)]
    // Exponential decay is continuous: computed in f64 here only, turned
    // back into exact hundredths with one truncation toward zero. Points and
    // caps are far below 2^53 hundredths, so the conversions are exact and
    // the `as` casts cannot truncate a meaningful value.
    fn chunk_totals(
        &self,
        rules: &[EngagementRule],
        kinds: &[u128],
        events: &[Engagement],
        now: DateTime<Utc>,
    ) -> [(usize, Score, bool); RULES_PER_PASS] {
        let half_life = self.half_life_seconds as f64;
        let mut counts = [0_usize; RULES_PER_PASS];
        let mut sums = [0.0_f64; RULES_PER_PASS];
        let (now_seconds, now_nanos) = (now.timestamp(), now.timestamp_subsec_nanos());
        for event in events {
            if event.at > now {
                continue;
            }
            let kind = event.kind.key();
            let Some(index) = kinds.iter().position(|&k| k == kind) else {
                continue;
            };
            let (Some(rule), Some(count), Some(sum)) =
                (rules.get(index), counts.get_mut(index), sums.get_mut(index))
            else {
                continue;
            };
            *count += 1;
            // Whole seconds of `now - event.at` (not negative), truncated as
            // `TimeDelta::num_seconds` does, without a date subtraction.
            let age = now_seconds
                - event.at.timestamp()
                - i64::from(now_nanos < event.at.timestamp_subsec_nanos());
            let age = age as f64;
            *sum += rule.points.0 as f64 * (-age / half_life).exp2();
        }
        let mut totals = [(0, Score::ZERO, false); RULES_PER_PASS];
        for (((slot, rule), count), sum) in totals.iter_mut().zip(rules).zip(counts).zip(sums) {
            let mut hundredths = sum.trunc() as i64;
            let mut capped = false;
            if let Some(cap) = rule.cap
                && hundredths > cap.0
            {
                hundredths = cap.0;
                capped = true;
            }
            *slot = (count, Score(hundredths), capped);
        }
        totals
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ScoringModel {
    /// Validated again, as [`ScoringModel::new`] does.
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            fit: Vec<FitRule>,
            engagement: Vec<EngagementRule>,
            half_life_seconds: i64,
            cap: Option<Score>,
            bands: Bands,
        }
        let raw = Raw::deserialize(deserializer)?;
        ScoringModel::new(
            raw.fit,
            raw.engagement,
            TimeDelta::seconds(raw.half_life_seconds),
            raw.cap,
            raw.bands,
        )
        .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn kind(text: &str) -> EngagementKind {
        EngagementKind::new(text).unwrap_or_else(|_| unreachable!())
    }

    fn model(cap: Option<Score>, rule_cap: Option<Score>) -> Result<ScoringModel> {
        let mut open = EngagementRule::new(kind("open"), Score::points(10));
        open.cap = rule_cap;
        ScoringModel::new(
            Vec::new(),
            vec![open, EngagementRule::new(kind("demo"), Score::points(50))],
            TimeDelta::days(10),
            cap,
            Bands::new(
                Band::new(Score::ZERO, Score::points(1)),
                Band::new(Score::ZERO, Score::points(60)),
            ),
        )
    }

    #[test]
    fn decay_caps_and_truncation_table() -> Result<()> {
        let now = DateTime::UNIX_EPOCH + TimeDelta::days(1000);
        let open = |days_ago: i64| Engagement::new(kind("open"), now - TimeDelta::days(days_ago));
        let demo = |days_ago: i64| Engagement::new(kind("demo"), now - TimeDelta::days(days_ago));
        let none = BTreeMap::new();
        // (events, overall cap, per-kind cap, expected engagement in hundredths)
        type Case = (Vec<Engagement>, Option<Score>, Option<Score>, i64);
        let cases: Vec<Case> = vec![
            (vec![], None, None, 0),
            (vec![open(0)], None, None, 1000),
            (vec![open(10)], None, None, 500),
            (vec![open(20)], None, None, 250),
            // 10 × 2^(-1/10) = 9.3303..., truncated to 9.33
            (vec![open(1)], None, None, 933),
            (
                vec![open(0), open(0), open(0)],
                None,
                Some(Score::points(25)),
                2500,
            ),
            (vec![open(0), demo(0)], Some(Score::points(40)), None, 4000),
            // An event after `now` does not count yet.
            (
                vec![Engagement::new(kind("open"), now + TimeDelta::days(1))],
                None,
                None,
                0,
            ),
            // A kind without a rule counts nothing.
            (vec![Engagement::new(kind("visit"), now)], None, None, 0),
        ];
        for (events, cap, rule_cap, expected) in cases {
            let model = model(cap, rule_cap)?;
            let score = model.score(&none, &events, now);
            assert_eq!(score.engagement.hundredths(), expected, "{events:?}");
        }
        Ok(())
    }

    #[test]
    fn ages_are_whole_seconds_truncated_toward_zero() -> Result<()> {
        // A half-life of one second makes each truncated second visible.
        let model = ScoringModel::new(
            Vec::new(),
            vec![EngagementRule::new(kind("open"), Score::points(64))],
            TimeDelta::seconds(1),
            None,
            Bands::new(
                Band::new(Score::ZERO, Score::ZERO),
                Band::new(Score::ZERO, Score::ZERO),
            ),
        )?;
        let now = DateTime::UNIX_EPOCH + TimeDelta::days(1000) + TimeDelta::milliseconds(300);
        // (age in milliseconds, expected hundredths: 6400 >> whole seconds)
        for (millis, expected) in [
            (0, 6400),
            (299, 6400),
            (999, 6400),
            (1000, 3200),
            (1300, 3200),
            (2999, 1600),
            (3001, 800),
        ] {
            let event = Engagement::new(kind("open"), now - TimeDelta::milliseconds(millis));
            let score = model.score(&BTreeMap::new(), &[event], now);
            assert_eq!(score.engagement.hundredths(), expected, "{millis} ms");
        }
        Ok(())
    }

    #[test]
    fn more_rules_than_one_pass_serves() -> Result<()> {
        let rules: Vec<EngagementRule> = (0..RULES_PER_PASS * 2 + 3)
            .map(|i| EngagementRule::new(kind(&format!("k{i}")), Score::points(1)))
            .collect();
        let model = ScoringModel::new(
            Vec::new(),
            rules,
            TimeDelta::days(1),
            None,
            Bands::new(
                Band::new(Score::ZERO, Score::ZERO),
                Band::new(Score::ZERO, Score::ZERO),
            ),
        )?;
        let now = DateTime::UNIX_EPOCH + TimeDelta::days(10);
        let events: Vec<Engagement> = (0..RULES_PER_PASS * 2 + 3)
            .map(|i| Engagement::new(kind(&format!("k{i}")), now))
            .collect();
        let mut lines = Vec::new();
        let score = model.breakdown_into(&BTreeMap::new(), &events, now, &mut lines);
        assert_eq!(score.engagement, Score::points(35));
        assert_eq!(lines.len(), 35);
        Ok(())
    }

    #[test]
    fn model_problems() {
        let bands = Bands::new(
            Band::new(Score::ZERO, Score::ZERO),
            Band::new(Score::ZERO, Score::ZERO),
        );
        let negative = EngagementRule::new(kind("unsubscribe"), Score::points(-5));
        let err = ScoringModel::new(Vec::new(), vec![negative], TimeDelta::days(1), None, bands);
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err(
                "invalid scoring model: engagement rule unsubscribe has negative points -5.00"
                    .to_owned()
            )
        );
        let twice = vec![EngagementRule::new(kind("open"), Score::points(1)); 2];
        assert!(ScoringModel::new(Vec::new(), twice, TimeDelta::days(1), None, bands).is_err());
        assert!(ScoringModel::new(Vec::new(), Vec::new(), TimeDelta::zero(), None, bands).is_err());
        assert!(
            ScoringModel::new(
                Vec::new(),
                Vec::new(),
                TimeDelta::days(1),
                Some(Score::points(-1)),
                bands
            )
            .is_err()
        );
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::strategy;

    fn now() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::days(20_000)
    }

    fn attributes() -> impl Strategy<Value = BTreeMap<FieldKey, FieldValue>> {
        prop::collection::vec(strategy::lead_attribute(), 0..=3)
            .prop_map(|pairs| pairs.into_iter().collect())
    }

    proptest! {
        #[test]
        fn engagement_never_grows_without_events(
            model in strategy::scoring_model(),
            lead in attributes(),
            events in strategy::engagements(now(), 365),
            later in 0_i64..=400 * 86_400,
        ) {
            let at_now = model.score(&lead, &events, now());
            let after = model.score(&lead, &events, now() + TimeDelta::seconds(later));
            prop_assert!(after.engagement <= at_now.engagement);
            prop_assert_eq!(after.fit, at_now.fit);
        }

        #[test]
        fn a_positive_event_never_lowers_a_score(
            model in strategy::scoring_model(),
            lead in attributes(),
            events in strategy::engagements(now(), 365),
            kind in strategy::engagement_kind(),
            before_now in 0_i64..=365 * 86_400,
        ) {
            let before = model.score(&lead, &events, now());
            let mut more = events.clone();
            more.push(Engagement::new(kind, now() - TimeDelta::seconds(before_now)));
            let after = model.score(&lead, &more, now());
            prop_assert!(after.engagement >= before.engagement);
            prop_assert_eq!(after.fit, before.fit);
            prop_assert!(after.stage >= before.stage);
        }

        #[test]
        fn the_breakdown_adds_up_to_the_score(
            model in strategy::scoring_model(),
            lead in attributes(),
            events in strategy::engagements(now(), 365),
        ) {
            let mut lines = Vec::new();
            let score = model.breakdown_into(&lead, &events, now(), &mut lines);
            prop_assert_eq!(score, model.score(&lead, &events, now()));
            let (mut fit, mut engagement, mut counted) = (Score::ZERO, Score::ZERO, 0);
            for line in &lines {
                match line {
                    Contribution::Fit { points, .. } => fit = fit + *points,
                    Contribution::Engagement { points, events, .. } => {
                        engagement = engagement + *points;
                        counted += events;
                    }
                    Contribution::OverallCap { points } => engagement = engagement + *points,
                }
            }
            prop_assert_eq!(fit, score.fit);
            prop_assert_eq!(engagement, score.engagement);
            prop_assert!(counted <= events.len());
        }

        #[test]
        fn low_fit_is_not_sales_qualified_on_engagement_alone_unless_allowed(
            model in strategy::scoring_model(),
            lead in attributes(),
            events in strategy::engagements(now(), 30),
        ) {
            let score = model.score(&lead, &events, now());
            let bands = model.bands();
            if score.fit < bands.sales.min_fit && bands.sales_on_engagement_alone.is_none() {
                prop_assert!(score.stage < ScoreStage::SalesQualified);
            }
        }
    }
}
