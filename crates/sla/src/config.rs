//! Configurations: the metric definitions and the ordered policies of a help
//! desk, indexed once so that evaluation is a table look-up.

use bureau_calendar::Calendar;

use crate::ticket::{Priority, TicketAttributes};
use crate::{Error, Metric, MetricDefinition, Result, SlaPolicy, Target};

/// The metric definitions and the ordered policies of a help desk, checked
/// once so that evaluation is a table look-up.
///
/// Clocks run for every defined metric on every ticket; the selected policy
/// (the first whose conditions match the ticket's attributes) and the
/// ticket's priority decide which target, if any, a cycle is measured
/// against.
///
/// ```
/// use bureau_sla::{Metric, Priority, SlaConfig, SlaPolicy, Target, TicketAttributes};
/// use chrono::TimeDelta;
///
/// let config = SlaConfig::standard(vec![
///     SlaPolicy::new("vip").with_condition(bureau_sla::Condition::HasTag("vip".into()))
///         .with_target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(1))?),
///     SlaPolicy::new("everyone")
///         .with_target(Metric::FirstReply, Priority::Normal, Target::calendar_hours(TimeDelta::hours(8))?),
/// ])?;
/// let plain = TicketAttributes::new(Priority::Normal);
/// let policy = config.select(&plain).ok_or("a policy")?;
/// assert_eq!(policy.name().as_str(), "everyone");
/// assert_eq!(config.metrics().len(), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaConfig {
    metrics: Vec<MetricDefinition>,
    policies: Vec<SlaPolicy>,
    /// `(policy * metrics + metric) * 4 + priority` -> index into the policy's targets.
    table: Vec<Option<(u32, u32)>>,
    /// The distinct calendars of the targets, calendar hours first (also
    /// used for cycles without a target); the table refers to them by index.
    calendars: Vec<Calendar>,
}

impl SlaConfig {
    /// The most (policy, metric) pairs a configuration indexes: its target
    /// table holds four priorities per pair, so this bounds its memory (about
    /// 50 MB) far above any real service desk's policies and metrics.
    ///
    /// ```
    /// use bureau_sla::SlaConfig;
    /// assert_eq!(SlaConfig::MAX_POLICY_METRIC_PAIRS, 1 << 20);
    /// ```
    pub const MAX_POLICY_METRIC_PAIRS: usize = 1 << 20;

    /// Checks and indexes `metrics` and `policies`.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateMetric`], [`Error::NoStartTrigger`],
    /// [`Error::DuplicatePolicy`], or [`Error::UnknownMetric`] when a policy
    /// targets a metric without a definition; [`Error::ConfigTooLarge`] when
    /// policies times metrics exceeds [`SlaConfig::MAX_POLICY_METRIC_PAIRS`].
    ///
    /// ```
    /// use bureau_sla::{Error, Metric, MetricDefinition, SlaConfig};
    /// let first = MetricDefinition::standard(Metric::FirstReply).ok_or("standard")?;
    /// let err = SlaConfig::new(vec![first.clone(), first], Vec::new()).unwrap_err();
    /// assert!(matches!(err, Error::DuplicateMetric { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(metrics: Vec<MetricDefinition>, policies: Vec<SlaPolicy>) -> Result<Self> {
        for (i, definition) in metrics.iter().enumerate() {
            if metrics
                .iter()
                .take(i)
                .any(|d| d.metric == definition.metric)
            {
                return Err(Error::DuplicateMetric {
                    metric: definition.metric.clone(),
                });
            }
            if definition.start.is_empty() {
                return Err(Error::NoStartTrigger {
                    metric: definition.metric.clone(),
                });
            }
        }
        let too_large = || Error::ConfigTooLarge {
            policies: policies.len(),
            metrics: metrics.len(),
            max: Self::MAX_POLICY_METRIC_PAIRS,
        };
        let pairs = policies
            .len()
            .checked_mul(metrics.len())
            .filter(|pairs| *pairs <= Self::MAX_POLICY_METRIC_PAIRS)
            .ok_or_else(too_large)?;
        // At most 4 * 2^20 slots, so this and every slot index below fit.
        let mut table = vec![None; pairs * 4];
        let mut calendars = vec![Calendar::always()];
        for (p, policy) in policies.iter().enumerate() {
            if policies.iter().take(p).any(|q| q.name == policy.name) {
                return Err(Error::DuplicatePolicy {
                    policy: policy.name.clone(),
                });
            }
            for (t, (metric, priority, target)) in policy.targets.iter().enumerate() {
                let m = metrics
                    .iter()
                    .position(|d| d.metric == *metric)
                    .ok_or_else(|| Error::UnknownMetric {
                        policy: policy.name.clone(),
                        metric: metric.clone(),
                    })?;
                let slot = (p * metrics.len() + m) * 4 + priority.index();
                let calendar = match calendars.iter().position(|c| *c == target.calendar) {
                    Some(c) => c,
                    None => {
                        calendars.push(target.calendar.clone());
                        calendars.len() - 1
                    }
                };
                if let Some(entry) = table.get_mut(slot) {
                    *entry = u32::try_from(t).ok().zip(u32::try_from(calendar).ok());
                }
            }
        }
        Ok(Self {
            metrics,
            policies,
            table,
            calendars,
        })
    }

    /// The six standard metric definitions with `policies`.
    ///
    /// # Errors
    ///
    /// As [`SlaConfig::new`].
    ///
    /// ```
    /// use bureau_sla::SlaConfig;
    /// assert_eq!(SlaConfig::standard(Vec::new())?.policies().len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn standard(policies: Vec<SlaPolicy>) -> Result<Self> {
        let metrics = Metric::STANDARD
            .into_iter()
            .filter_map(MetricDefinition::standard)
            .collect();
        Self::new(metrics, policies)
    }

    /// The metric definitions, in order.
    ///
    /// ```
    /// use bureau_sla::{Metric, SlaConfig};
    /// let c = SlaConfig::standard(Vec::new())?;
    /// assert_eq!(c.metrics()[0].metric(), &Metric::FirstReply);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metrics(&self) -> &[MetricDefinition] {
        &self.metrics
    }

    /// The policies, in selection order.
    ///
    /// ```
    /// use bureau_sla::{SlaConfig, SlaPolicy};
    /// let c = SlaConfig::standard(vec![SlaPolicy::new("a")])?;
    /// assert_eq!(c.policies()[0].name().as_str(), "a");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policies(&self) -> &[SlaPolicy] {
        &self.policies
    }

    /// The first policy whose conditions match `attributes`, if any.
    ///
    /// ```
    /// use bureau_sla::{Priority, SlaConfig, TicketAttributes};
    /// let c = SlaConfig::standard(Vec::new())?;
    /// assert!(c.select(&TicketAttributes::new(Priority::Low)).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn select(&self, attributes: &TicketAttributes) -> Option<&SlaPolicy> {
        self.select_index(attributes)
            .and_then(|i| self.policies.get(i))
    }

    /// The distinct calendars; index 0 is calendar hours.
    pub(crate) fn calendars(&self) -> &[Calendar] {
        &self.calendars
    }

    pub(crate) fn select_index(&self, attributes: &TicketAttributes) -> Option<usize> {
        self.policies.iter().position(|p| p.matches(attributes))
    }

    /// The target of the policy at `policy` for the metric at `metric`, with
    /// the index of its calendar in [`calendars`](Self::calendars).
    pub(crate) fn target_at(
        &self,
        policy: usize,
        metric: usize,
        priority: Priority,
    ) -> Option<(&Target, usize)> {
        // Checked: the indices come from this configuration, but a wrong one
        // should find no target rather than overflow.
        let slot = policy
            .checked_mul(self.metrics.len())?
            .checked_add(metric)?
            .checked_mul(4)?
            .checked_add(priority.index())?;
        let (t, calendar) = (*self.table.get(slot)?)?;
        let t = usize::try_from(t).ok()?;
        let calendar = usize::try_from(calendar).ok()?;
        let target = self
            .policies
            .get(policy)?
            .targets
            .get(t)
            .map(|(_, _, target)| target)?;
        Some((target, calendar))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SlaConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("SlaConfig", 2)?;
        s.serialize_field("metrics", &self.metrics)?;
        s.serialize_field("policies", &self.policies)?;
        s.end()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SlaConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Parts {
            metrics: Vec<MetricDefinition>,
            policies: Vec<SlaPolicy>,
        }
        let parts = Parts::deserialize(deserializer)?;
        SlaConfig::new(parts.metrics, parts.policies).map_err(serde::de::Error::custom)
    }
}
