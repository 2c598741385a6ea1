//! Attribution of a conversion's revenue to the touchpoints that led to it.
//!
//! The touchpoints considered are those of the lookback window
//! `[conversion − lookback, conversion]`, sorted by instant, ties broken by
//! kind, channel, campaign and party (the order of [`Touchpoint`]). Each
//! model gives every touchpoint a weight; the credits are the weights
//! normalised to exact shares that sum to exactly 1:
//!
//! | model | weight of touch `i` of `n` (in order, `0` first) |
//! |---|---|
//! | [`FirstTouch`](AttributionModel::FirstTouch) | 1 for the first, 0 for the others |
//! | [`LastTouch`](AttributionModel::LastTouch) | 1 for the last, 0 for the others |
//! | [`LastNonDirect`](AttributionModel::LastNonDirect) | 1 for the last that is not direct (kind [`TouchKind::Direct`] or channel [`MarketingChannel::Direct`](crate::MarketingChannel::Direct)); the last if all are direct |
//! | [`Linear`](AttributionModel::Linear) | 1 each |
//! | [`TimeDecay`](AttributionModel::TimeDecay) | 2^(−(t_last − t_i) / half_life): halved per half-life before the last touch |
//! | [`PositionBased`](AttributionModel::PositionBased) | n = 1: 1; n = 2: ½ each; n ≥ 3: 40 % first, 40 % last, 20 % spread evenly over the middle |
//! | [`WShaped`](AttributionModel::WShaped) | 30 % per key role (below), 10 % spread evenly over the other touches |
//! | [`Custom`](AttributionModel::Custom) | the weight of its kind in [`KindWeights`] |
//!
//! W-shaped key roles: the first touch, the first [`TouchKind::LeadCreated`]
//! touch and the first [`TouchKind::OpportunityCreated`] touch. A touch
//! holding several roles gets 30 % for each; a role no touch holds (no
//! lead-creation touch in the window) gives nothing, and when no touch is
//! left besides the key ones the 10 % is not given either. The weights are
//! then normalised, so with n = 1 the single touch gets 100 %, and first +
//! lead creation alone get 50 % each.
//!
//! Time decay counts from the last touch in the window rather than from the
//! conversion: normalisation makes the two equal, and the last touch's
//! weight of exactly 1 keeps the sum from vanishing however old the
//! touches are. Ages and the half-life are taken to the millisecond; the
//! decay is computed in `f64` (it is continuous): the exponent is the age
//! times the reciprocal of the half-life, taken once per conversion
//! (exactly k for an age of k whole half-lives, so those weights are exact
//! powers of two; otherwise within about two units in the last place of
//! the quotient), raised with `exp2`, and each weight is that `f64`
//! truncated toward zero to 18 decimal places. A weight is within 10⁻¹⁴
//! relative (or 10⁻¹⁸ absolute) of the same power taken of the exactly
//! divided quotient.
//!
//! Normalisation: share_i = w_i / Σw truncated toward zero to 18 decimal
//! places; what truncation leaves (less than n × 10⁻¹⁸) goes to the touch
//! with the largest weight, the earliest in order among equals. The
//! revenue is split by the shares with [`Money::allocate`] (largest
//! remainder), so its parts sum to the revenue to the minor unit.
//!
//! # Examples
//!
//! ```
//! use bureau_core::{Decimal, Money, PartyId, Rate};
//! use bureau_crm::attribution::{AttributionModel, ConversionEvent};
//! use bureau_crm::{MarketingChannel, TouchKind, Touchpoint};
//! use chrono::{DateTime, TimeDelta};
//!
//! let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
//! let ada = PartyId::from_u128(1);
//! let touches = [
//!     Touchpoint::new(ada, None, MarketingChannel::Social, t0, TouchKind::Click),
//!     Touchpoint::new(ada, None, MarketingChannel::Email, t0 + TimeDelta::days(2), TouchKind::Visit),
//!     Touchpoint::new(ada, None, MarketingChannel::PaidSearch, t0 + TimeDelta::days(5), TouchKind::Form),
//! ];
//! let sale = ConversionEvent::new(t0 + TimeDelta::days(6), "100.00 USD".parse::<Money>()?);
//! let result = AttributionModel::PositionBased.attribute(&sale, TimeDelta::days(30), &touches)?;
//! let shares: Vec<Rate> = result.credits().map(|c| c.share).collect();
//! assert_eq!(shares, [Decimal::new(4, 1), Decimal::new(2, 1), Decimal::new(4, 1)].map(Rate::new));
//! let parts: Vec<Money> = result.credits().map(|c| c.revenue).collect();
//! assert_eq!(parts, ["40.00 USD".parse::<Money>()?, "20.00 USD".parse()?, "40.00 USD".parse()?]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use bureau_core::{Decimal, Money, Rate};
use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::RoundingStrategy as DecimalRounding;

use crate::{CampaignId, Error, Result, TouchKind, Touchpoint};

/// The decimal places of a share.
const SHARE_PLACES: u32 = 18;

/// A conversion: when it happened and the revenue it brought.
///
/// ```
/// use bureau_crm::attribution::ConversionEvent;
/// use chrono::DateTime;
/// let sale = ConversionEvent::new(DateTime::UNIX_EPOCH, "10.00 EUR".parse()?);
/// assert_eq!(sale.revenue.to_string(), "10.00 EUR");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConversionEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The revenue to attribute (may be negative, a refund: it splits as the
    /// mirror of its absolute value).
    pub revenue: Money,
}

impl ConversionEvent {
    /// A conversion.
    pub const fn new(at: DateTime<Utc>, revenue: Money) -> Self {
        Self { at, revenue }
    }
}

/// A weight per [`TouchKind`] for the custom model. Kinds not named weigh 0.
///
/// ```
/// use bureau_core::Decimal;
/// use bureau_crm::TouchKind;
/// use bureau_crm::attribution::KindWeights;
///
/// let weights = KindWeights::new(&[(TouchKind::Click, Decimal::ONE), (TouchKind::LeadCreated, Decimal::from(3))])?;
/// assert_eq!(weights.weight(TouchKind::LeadCreated), Decimal::from(3));
/// assert_eq!(weights.weight(TouchKind::Impression), Decimal::ZERO);
/// assert!(KindWeights::new(&[(TouchKind::Click, Decimal::NEGATIVE_ONE)]).is_err());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "[Decimal; 7]", into = "[Decimal; 7]")
)]
pub struct KindWeights([Decimal; 7]);

/// The weights in the order of [`TouchKind::ALL`], checked as by
/// [`KindWeights::new`].
impl TryFrom<[Decimal; 7]> for KindWeights {
    type Error = Error;

    fn try_from(table: [Decimal; 7]) -> Result<Self> {
        let mut pairs = [(TouchKind::Impression, Decimal::ZERO); 7];
        for ((pair, kind), weight) in pairs.iter_mut().zip(TouchKind::ALL).zip(table) {
            *pair = (kind, weight);
        }
        Self::new(&pairs)
    }
}

impl From<KindWeights> for [Decimal; 7] {
    fn from(weights: KindWeights) -> Self {
        weights.0
    }
}

impl KindWeights {
    /// The weights given; a kind named twice keeps the last.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeWeight`] naming the kind. Weights that are all zero
    /// are accepted here and refused by attribution when every touch in the
    /// window weighs zero.
    pub fn new(weights: &[(TouchKind, Decimal)]) -> Result<Self> {
        let mut table = [Decimal::ZERO; 7];
        for (kind, weight) in weights {
            if weight.is_sign_negative() && !weight.is_zero() {
                return Err(Error::NegativeWeight {
                    field: "weights",
                    kind: *kind,
                    weight: *weight,
                });
            }
            if let Some(slot) = table.get_mut(kind.index()) {
                *slot = *weight;
            }
        }
        Ok(Self(table))
    }

    /// The weight of `kind`.
    pub fn weight(&self, kind: TouchKind) -> Decimal {
        self.0.get(kind.index()).copied().unwrap_or_default()
    }

    /// The weights as whole numbers in the same proportions (each brought
    /// to the largest scale among them), `None` if one does not fit 128
    /// bits.
    fn whole(&self) -> Option<[u128; 7]> {
        let scale = self.0.iter().map(Decimal::scale).max().unwrap_or(0);
        let mut whole = [0_u128; 7];
        for (slot, weight) in whole.iter_mut().zip(&self.0) {
            let mantissa = u128::try_from(weight.mantissa()).ok()?;
            *slot = mantissa.checked_mul(10_u128.checked_pow(scale - weight.scale())?)?;
        }
        Some(whole)
    }
}

/// How a conversion's credit is spread over its touchpoints. The weights of
/// each model are in the [module docs](self).
///
/// ```
/// use bureau_crm::attribution::AttributionModel;
/// use chrono::TimeDelta;
/// let model = AttributionModel::TimeDecay { half_life: TimeDelta::days(7) };
/// assert_eq!(model.name(), "time decay");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttributionModel {
    /// All to the first touch.
    FirstTouch,
    /// All to the last touch.
    LastTouch,
    /// All to the last touch that is not direct, by kind or channel (the
    /// last touch if all are).
    LastNonDirect,
    /// Equal shares.
    Linear,
    /// Halved for every `half_life` before the last touch.
    TimeDecay {
        /// Must be positive.
        half_life: TimeDelta,
    },
    /// 40 % first, 40 % last, 20 % over the middle.
    PositionBased,
    /// 30 % each to first, lead creation and opportunity creation, 10 % over
    /// the rest.
    WShaped,
    /// A weight per touch kind.
    Custom(KindWeights),
}

impl AttributionModel {
    /// The model's name, lower case.
    pub const fn name(&self) -> &'static str {
        match self {
            AttributionModel::FirstTouch => "first touch",
            AttributionModel::LastTouch => "last touch",
            AttributionModel::LastNonDirect => "last non-direct touch",
            AttributionModel::Linear => "linear",
            AttributionModel::TimeDecay { .. } => "time decay",
            AttributionModel::PositionBased => "position based",
            AttributionModel::WShaped => "w-shaped",
            AttributionModel::Custom(_) => "custom",
        }
    }

    /// The attribution of `conversion` over the `touchpoints` inside
    /// `lookback` before it, in a new [`Attribution`]. To attribute many
    /// conversions, reuse one buffer with [`AttributionModel::attribute_into`].
    ///
    /// # Errors
    ///
    /// As [`AttributionModel::attribute_into`].
    ///
    /// ```
    /// use bureau_core::{Money, PartyId};
    /// use bureau_crm::attribution::{AttributionModel, ConversionEvent};
    /// use bureau_crm::{MarketingChannel, TouchKind, Touchpoint};
    /// use chrono::{DateTime, TimeDelta};
    ///
    /// let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
    /// let p = PartyId::from_u128(1);
    /// let touches = [
    ///     Touchpoint::new(p, None, MarketingChannel::Email, t0, TouchKind::Click),
    ///     Touchpoint::new(p, None, MarketingChannel::Direct, t0 + TimeDelta::hours(1), TouchKind::Direct),
    /// ];
    /// let sale = ConversionEvent::new(t0 + TimeDelta::hours(2), "9.99 USD".parse()?);
    /// let result = AttributionModel::LastNonDirect.attribute(&sale, TimeDelta::days(1), &touches)?;
    /// let email = result.credits().next().ok_or("no credit")?;
    /// assert_eq!(email.revenue, "9.99 USD".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attribute(
        &self,
        conversion: &ConversionEvent,
        lookback: TimeDelta,
        touchpoints: &[Touchpoint],
    ) -> Result<Attribution> {
        let mut attribution = Attribution::default();
        self.attribute_into(conversion, lookback, touchpoints, &mut attribution)?;
        Ok(attribution)
    }

    /// As [`AttributionModel::attribute`], into `out`, whose buffers are
    /// cleared and reused (they grow to the largest window seen and stay):
    /// past the first calls nothing is allocated, unless the revenue
    /// exceeds 2^64 minor units or custom weights are too wide for whole
    /// numbers of 128 bits (both then take a slower path that allocates).
    /// On error `out` is left empty.
    ///
    /// # Errors
    ///
    /// - [`Error::NotPositive`] naming `lookback` or `half_life` when it is
    ///   zero or negative;
    /// - [`Error::TouchAfterConversion`] naming the index in `touchpoints`
    ///   of the first touch later than the conversion;
    /// - [`Error::NoTouchpoints`] when no touch is inside the window;
    /// - [`Error::WeightsAllZero`] naming `weights` when the custom weights
    ///   of every touch in the window are zero;
    /// - [`Error::Core`] if splitting the revenue overflows.
    ///
    /// ```
    /// use bureau_core::{Money, PartyId};
    /// use bureau_crm::attribution::{Attribution, AttributionModel, ConversionEvent};
    /// use bureau_crm::{Error, MarketingChannel, TouchKind, Touchpoint};
    /// use chrono::{DateTime, TimeDelta};
    ///
    /// let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
    /// let touches = [Touchpoint::new(PartyId::from_u128(1), None, MarketingChannel::Email, t0, TouchKind::Click)];
    /// let mut out = Attribution::default();
    /// let sale = ConversionEvent::new(t0 - TimeDelta::hours(1), "1.00 USD".parse::<Money>()?);
    /// let err = AttributionModel::Linear.attribute_into(&sale, TimeDelta::days(1), &touches, &mut out);
    /// assert!(matches!(err, Err(Error::TouchAfterConversion { index: 0, .. })));
    /// let old = ConversionEvent::new(t0 + TimeDelta::days(60), "1.00 USD".parse::<Money>()?);
    /// let err = AttributionModel::Linear.attribute_into(&old, TimeDelta::days(30), &touches, &mut out);
    /// assert!(matches!(err, Err(Error::NoTouchpoints { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attribute_into(
        &self,
        conversion: &ConversionEvent,
        lookback: TimeDelta,
        touchpoints: &[Touchpoint],
        out: &mut Attribution,
    ) -> Result<()> {
        out.clear();
        let result = self.fill(conversion, lookback, touchpoints, out);
        if result.is_err() {
            out.clear();
        }
        result
    }

    fn fill(
        &self,
        conversion: &ConversionEvent,
        lookback: TimeDelta,
        touchpoints: &[Touchpoint],
        out: &mut Attribution,
    ) -> Result<()> {
        if lookback <= TimeDelta::zero() {
            return Err(Error::NotPositive {
                field: "lookback",
                value: lookback,
            });
        }
        if let AttributionModel::TimeDecay { half_life } = self
            && *half_life <= TimeDelta::zero()
        {
            return Err(Error::NotPositive {
                field: "half_life",
                value: *half_life,
            });
        }
        let from = conversion.at.checked_sub_signed(lookback);
        for (index, touch) in touchpoints.iter().enumerate() {
            if touch.at > conversion.at {
                return Err(Error::TouchAfterConversion {
                    index,
                    at: touch.at,
                    conversion: conversion.at,
                });
            }
            if from.is_none_or(|from| touch.at >= from) {
                out.touchpoints.push(*touch);
            }
        }
        if out.touchpoints.is_empty() {
            return Err(Error::NoTouchpoints {
                conversion: conversion.at,
                lookback,
            });
        }
        // Identical touchpoints are interchangeable, so an unstable sort
        // gives the same result whatever the input order.
        if !out.touchpoints.is_sorted() {
            out.touchpoints.sort_unstable();
        }
        let exact = self.weigh(&out.touchpoints, &mut out.weights)
            && normalise(&out.weights, &mut out.units)?;
        if exact {
            out.shares
                .extend(out.units.iter().map(|&units| share_from_units(units)));
            if split(
                conversion.revenue,
                &out.units,
                &mut out.scratch,
                &mut out.revenue,
            )? {
                out.total = Some(conversion.revenue);
                return Ok(());
            }
        } else {
            // Custom weights too wide for whole numbers in 128 bits: the
            // same shares through decimal division.
            out.shares.clear();
            out.units.clear();
            let mut weights = Vec::with_capacity(out.touchpoints.len());
            if let AttributionModel::Custom(table) = self {
                weights.extend(out.touchpoints.iter().map(|t| table.weight(t.kind)));
            }
            normalise_decimal(&weights, &mut out.shares)?;
        }
        out.revenue.clear();
        out.revenue
            .extend(conversion.revenue.allocate(&out.shares)?);
        out.total = Some(conversion.revenue);
        Ok(())
    }

    /// Pushes one raw weight per touch (sorted, non-empty) into `weights`,
    /// as whole numbers in proportion to the model's weights; `false` when
    /// the custom weights do not fit (the caller divides decimals instead).
    fn weigh(&self, touches: &[Touchpoint], weights: &mut Vec<u128>) -> bool {
        weights.clear();
        let n = touches.len();
        let last = n.saturating_sub(1);
        match self {
            AttributionModel::FirstTouch => {
                weights.extend((0..n).map(|i| u128::from(i == 0)));
            }
            AttributionModel::LastTouch => {
                weights.extend((0..n).map(|i| u128::from(i == last)));
            }
            AttributionModel::LastNonDirect => {
                let chosen = touches.iter().rposition(|t| !t.is_direct()).unwrap_or(last);
                weights.extend((0..n).map(|i| u128::from(i == chosen)));
            }
            AttributionModel::Linear => weights.extend((0..n).map(|_| 1)),
            AttributionModel::TimeDecay { half_life } => {
                let newest = touches
                    .get(last)
                    .map_or(Instant::EPOCH, |t| Instant::of(t.at));
                let decay = Decay::new(half_life.num_milliseconds().max(1));
                weights.extend(
                    touches
                        .iter()
                        .map(|t| decay.weight(Instant::of(t.at).millis_until(newest))),
                );
            }
            AttributionModel::PositionBased => {
                if n <= 2 {
                    weights.extend((0..n).map(|_| 1));
                } else {
                    // 40 : 20/(n−2) : 40, scaled by 5(n−2)/100 to whole
                    // numbers: 2(n−2) for each end, 1 for each middle touch.
                    let end = 2 * (n as u128 - 2);
                    weights.extend((0..n).map(|i| if i == 0 || i == last { end } else { 1 }));
                }
            }
            AttributionModel::WShaped => w_shaped(touches, weights),
            AttributionModel::Custom(table) => {
                let Some(whole) = table.whole() else {
                    return false;
                };
                weights.extend(
                    touches
                        .iter()
                        .map(|t| whole.get(t.kind.index()).copied().unwrap_or(0)),
                );
            }
        }
        true
    }
}

/// W-shaped raw weights, scaled by the number m of other touches so they
/// are whole: 3m per key role held, 1 per other touch (30 % : 10 %/m); with
/// no other touch, 1 per key role held.
fn w_shaped(touches: &[Touchpoint], weights: &mut Vec<u128>) {
    let lead = touches
        .iter()
        .position(|t| t.kind == TouchKind::LeadCreated);
    let opportunity = touches
        .iter()
        .position(|t| t.kind == TouchKind::OpportunityCreated);
    let roles = |i: usize| {
        u128::from(i == 0) + u128::from(lead == Some(i)) + u128::from(opportunity == Some(i))
    };
    let others = (0..touches.len()).filter(|i| roles(*i) == 0).count();
    let per_role = if others == 0 { 1 } else { 3 * others as u128 };
    weights.extend((0..touches.len()).map(|i| match roles(i) {
        0 => 1,
        held => per_role * held,
    }));
}

/// 10^[`SHARE_PLACES`]: one whole share in units of the last place.
const ONE_SHARE: u128 = 1_000_000_000_000_000_000;

/// An instant as seconds and nanoseconds since the epoch, read once per
/// touch (and once for the newest) rather than once per subtraction.
#[derive(Clone, Copy)]
struct Instant {
    seconds: i64,
    nanos: u32,
}

impl Instant {
    const EPOCH: Instant = Instant {
        seconds: 0,
        nanos: 0,
    };

    fn of(at: DateTime<Utc>) -> Self {
        Instant {
            seconds: at.timestamp(),
            nanos: at.timestamp_subsec_nanos(),
        }
    }

    /// Whole milliseconds from `self` to `to` (`self` not later),
    /// truncated as `TimeDelta::num_milliseconds` does.
    fn millis_until(self, to: Instant) -> i64 {
        let seconds = to.seconds.saturating_sub(self.seconds);
        let nanos = i64::from(to.nanos) - i64::from(self.nanos);
        seconds
            .saturating_mul(1000)
            .saturating_add(nanos.div_euclid(1_000_000))
    }
}

/// Time decay by one half-life (in milliseconds): the reciprocal of the
/// half-life is taken once, so that a touch's weight costs a
/// multiplication and an `exp2`, no division and no general power.
#[derive(Clone, Copy)]
struct Decay {
    half_life: i64,
    /// 1 / half_life, rounded to the nearest `f64`.
    per_millisecond: f64,
}

/// 2^(−age / half_life) (both in milliseconds) in units of 10⁻¹⁸: the
/// weight [`Decay::weight`] gives.
#[cfg(test)]
fn decay(age: i64, half_life: i64) -> u128 {
    Decay::new(half_life).weight(age)
}

// The decay is continuous: f64 here only, back to whole units with one
// exact truncation. Ages and half-lives in milliseconds are far below 2^53
// for any real window, so the conversions to f64 lose nothing that matters.
#[allow(
    clippy::float_arithmetic,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation
)]
impl Decay {
    /// `half_life` must be positive.
    fn new(half_life: i64) -> Self {
        Decay {
            half_life,
            per_millisecond: 1.0 / half_life as f64,
        }
    }

    /// 2^(−x) in units of 10⁻¹⁸, truncated toward zero, where x is
    /// `age` × (1 / half_life) in `f64`: within two units in the last
    /// place of age / half_life, and exactly the whole number k when `age`
    /// is k half-lives (so whole half-lives give exact powers of two).
    fn weight(self, age: i64) -> u128 {
        let product = age as f64 * self.per_millisecond;
        // The nearest whole number (`as` truncates and saturates; no call
        // to `round`); a whole multiple of the half-life is recognised by
        // multiplying back, exactly, in integers.
        let whole = (product + 0.5) as i64;
        let exponent = if whole.checked_mul(self.half_life) == Some(age) {
            whole as f64
        } else {
            product
        };
        units_of_power((-exponent).exp2())
    }
}

/// A power in `[0, 1]` in units of 10⁻¹⁸, truncated toward zero: the exact
/// truncation of the `f64` value.
#[allow(clippy::float_arithmetic)]
fn units_of_power(power: f64) -> u128 {
    if power.is_nan() || power <= 0.0 {
        return 0;
    }
    if power >= 1.0 {
        return ONE_SHARE;
    }
    // power = mantissa × 2^(exponent − 1075) for a normal f64; a subnormal
    // one is below 10⁻³⁰⁷ and truncates to zero.
    let bits = power.to_bits();
    let exponent = (bits >> 52) & 0x7ff;
    if exponent == 0 {
        return 0;
    }
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    // Below 1, the exponent is below 1023: the shift is more than 52.
    let shift = 1075 - u32::try_from(exponent).unwrap_or(0);
    (mantissa * ONE_SHARE).checked_shr(shift).unwrap_or(0)
}

/// A divisor of 128-bit whole numbers with its reciprocal, so that dividing
/// many numbers by it costs multiplications rather than a 128-bit division
/// each (Barrett's method). Quotients and remainders are exact.
#[derive(Clone, Copy, Debug)]
struct Divisor {
    divisor: u128,
    /// ⌊(2^128 − 1) / divisor⌋.
    reciprocal: u128,
}

impl Divisor {
    /// `None` for zero.
    const fn new(divisor: u128) -> Option<Self> {
        if divisor == 0 {
            return None;
        }
        Some(Divisor {
            divisor,
            reciprocal: u128::MAX / divisor,
        })
    }

    /// ⌊n / divisor⌋ and n mod divisor.
    ///
    /// The estimate ⌊n × reciprocal / 2^128⌋ is at most the quotient and
    /// falls short of it by less than 3 (the reciprocal is short of
    /// 2^128 / divisor by less than 2, and n < 2^128), so at most three
    /// subtractions correct it.
    fn div_rem(self, n: u128) -> (u128, u128) {
        let mut quotient = mul_high(n, self.reciprocal);
        // quotient × divisor ≤ n: no overflow.
        let mut remainder = n - quotient * self.divisor;
        while remainder >= self.divisor {
            quotient += 1;
            remainder -= self.divisor;
        }
        (quotient, remainder)
    }
}

/// The high 128 bits of the 256-bit product `a × b`.
fn mul_high(a: u128, b: u128) -> u128 {
    const LOW: u128 = (1 << 64) - 1;
    let (a_high, a_low) = (a >> 64, a & LOW);
    let (b_high, b_low) = (b >> 64, b & LOW);
    // Four 64 × 64-bit products, none of which overflows 128 bits.
    let low = a_low * b_low;
    let cross_a = a_high * b_low;
    let cross_b = a_low * b_high;
    let middle = (low >> 64) + (cross_a & LOW) + (cross_b & LOW);
    a_high * b_high + (cross_a >> 64) + (cross_b >> 64) + (middle >> 64)
}

/// [`ONE_SHARE`] as a [`Divisor`].
const BY_ONE_SHARE: Divisor = Divisor {
    divisor: ONE_SHARE,
    reciprocal: u128::MAX / ONE_SHARE,
};

/// Shares summing to exactly [`ONE_SHARE`] from non-negative whole
/// `weights`, into `units`: each weight's exact share truncated, what
/// truncation leaves to the largest weight (the first among equals).
/// `Ok(false)` when the weights are too wide for 128 bits.
fn normalise(weights: &[u128], units: &mut Vec<u128>) -> Result<bool> {
    units.clear();
    let Some(sum) = weights
        .iter()
        .try_fold(0_u128, |sum, w| sum.checked_add(*w))
    else {
        return Ok(false);
    };
    let Some(by_sum) = Divisor::new(sum) else {
        return Err(Error::WeightsAllZero { field: "weights" });
    };
    let mut given = 0;
    let mut largest = 0;
    // Most models repeat weights (zeros, equal middles): a weight equal to
    // the one before gets its share without another division.
    let mut previous: Option<(u128, u128)> = None;
    for (index, &weight) in weights.iter().enumerate() {
        if weights.get(largest).is_some_and(|&l| weight > l) {
            largest = index;
        }
        let share = match previous {
            Some((w, share)) if w == weight => share,
            _ => {
                let Some(scaled) = weight.checked_mul(ONE_SHARE) else {
                    units.clear();
                    return Ok(false);
                };
                let share = by_sum.div_rem(scaled).0;
                previous = Some((weight, share));
                share
            }
        };
        given += share;
        units.push(share);
    }
    if let Some(share) = units.get_mut(largest) {
        *share += ONE_SHARE - given;
    }
    Ok(true)
}

/// A share of `units` × 10⁻¹⁸ as a decimal without trailing zeros.
#[inline]
fn share_from_units(units: u128) -> Decimal {
    // At most 10^18: fits 64 bits, where division by ten is cheap.
    let mut mantissa = u64::try_from(units).unwrap_or(0);
    if mantissa == 0 {
        return Decimal::ZERO;
    }
    if mantissa % 10 != 0 {
        // Most shares that do not terminate early (time decay's, thirds):
        // one test instead of four.
        return decimal_of(mantissa, SHARE_PLACES);
    }
    let mut scale = SHARE_PLACES;
    // Zeros stripped eight, four, two, then one at a time: at most seven
    // divisions instead of eighteen.
    for (digits, power) in [(8, 100_000_000), (4, 10_000), (2, 100), (1, 10)] {
        while scale >= digits && mantissa % power == 0 {
            mantissa /= power;
            scale -= digits;
        }
    }
    decimal_of(mantissa, scale)
}

/// `mantissa` × 10^−`scale` (`scale` at most 18) from its 32-bit words,
/// built in place rather than through a 128-bit mantissa.
#[inline]
fn decimal_of(mantissa: u64, scale: u32) -> Decimal {
    let low = u32::try_from(mantissa & u64::from(u32::MAX)).unwrap_or(0);
    let middle = u32::try_from(mantissa >> 32).unwrap_or(0);
    Decimal::from_parts(low, middle, 0, false, scale.min(SHARE_PLACES))
}

/// Splits `revenue` by the shares in `units` (summing to [`ONE_SHARE`]) as
/// [`Money::allocate`] does: each part the floor of its exact share, the
/// minor units left one each to the largest remainders, ties to the
/// earlier part, a negative revenue as the mirror of its magnitude.
/// `Ok(false)` when the revenue is too large for this path.
fn split(
    revenue: Money,
    units: &[u128],
    scratch: &mut SplitScratch,
    parts: &mut Vec<Money>,
) -> Result<bool> {
    parts.clear();
    let SplitScratch { remainders, minor } = scratch;
    remainders.clear();
    minor.clear();
    let total = revenue.to_minor();
    let Ok(magnitude) = u64::try_from(total.unsigned_abs()) else {
        return Ok(false);
    };
    let mut given: u64 = 0;
    // As in `normalise`: equal shares split alike, one division for a run.
    let mut previous: Option<(u128, u64, u128)> = None;
    for (index, &share) in units.iter().enumerate() {
        let (floor, remainder) = match previous {
            Some((s, floor, remainder)) if s == share => (floor, remainder),
            _ => {
                // Below 2^64 × 10^18 < 2^124: no overflow.
                let product = u128::from(magnitude) * share;
                let (floor, remainder) = div_rem_one_share(product);
                // A share is at most one: the floor is at most the magnitude.
                let floor = u64::try_from(floor).unwrap_or(magnitude);
                previous = Some((share, floor, remainder));
                (floor, remainder)
            }
        };
        given += floor;
        if remainder > 0 {
            remainders.push(remainder_key(remainder, index));
        }
        minor.push(floor);
    }
    let leftover = usize::try_from(magnitude - given).unwrap_or(0);
    if leftover > 0 {
        // The `leftover` largest remainders, ties to the earlier part: the
        // keys are distinct, so the set chosen is unique and needs no sort.
        let first = remainders.len().saturating_sub(leftover);
        if first > 0 {
            remainders.select_nth_unstable(first);
        }
        for &key in remainders.iter().skip(first) {
            if let Some(part) = minor.get_mut(index_of_key(key)) {
                *part += 1;
            }
        }
    }
    // Each part built once, after the minor units left are given out.
    for &part in minor.iter() {
        parts.push(Money::from_minor(signed(part, total), revenue.currency())?);
    }
    Ok(true)
}

/// The buffers of [`split`], kept in an [`Attribution`] between calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SplitScratch {
    /// The remainders with their parts' indices, as [`remainder_key`]s.
    remainders: Vec<u128>,
    /// Each part's magnitude in minor units.
    minor: Vec<u64>,
}

/// A remainder (below 10^18 < 2^60) and the index of its part in one
/// number ordered as the split gives out minor units: larger remainders
/// first, then earlier parts.
fn remainder_key(remainder: u128, index: usize) -> u128 {
    let index = u64::try_from(index).unwrap_or(u64::MAX);
    (remainder << 64) | u128::from(u64::MAX - index)
}

/// The part index in a [`remainder_key`].
fn index_of_key(key: u128) -> usize {
    let low = u64::try_from(key & u128::from(u64::MAX)).unwrap_or(u64::MAX);
    usize::try_from(u64::MAX - low).unwrap_or(usize::MAX)
}

/// ⌊n / 10^18⌋ and n mod 10^18, exactly. For n below 2^124 (every product
/// of a 64-bit revenue and a share) the quotient is estimated from the top
/// 64 bits of n with a 64-bit reciprocal, one multiplication instead of
/// the four of [`Divisor::div_rem`]; larger n take that path.
fn div_rem_one_share(n: u128) -> (u128, u128) {
    /// ⌊2^123 / 10^18⌋, below 2^64.
    const RECIPROCAL: u128 = (1 << 123) / ONE_SHARE;
    if n >> 124 != 0 {
        return BY_ONE_SHARE.div_rem(n);
    }
    // (n >> 60) < 2^64 and RECIPROCAL < 2^64: the product fits. The
    // estimate falls short of the quotient by less than 5 (about 1.2 from
    // dropping n's low 60 bits, less than 2 from the reciprocal's
    // truncation, less than 1 from the final shift) and never exceeds it.
    let mut quotient = ((n >> 60) * RECIPROCAL) >> 63;
    // quotient × 10^18 ≤ n: no overflow.
    let mut remainder = n - quotient * ONE_SHARE;
    while remainder >= ONE_SHARE {
        quotient += 1;
        remainder -= ONE_SHARE;
    }
    (quotient, remainder)
}

/// `magnitude` with the sign of `total`.
fn signed(magnitude: u64, total: i128) -> i128 {
    let magnitude = i128::from(magnitude);
    if total < 0 { -magnitude } else { magnitude }
}

/// Shares summing to exactly 1 from non-negative decimal `weights`, into
/// `shares`, by decimal division: for custom weights too wide for
/// [`normalise`].
fn normalise_decimal(weights: &[Decimal], shares: &mut Vec<Decimal>) -> Result<()> {
    let overflow = || Error::WeightsAllZero { field: "weights" };
    let mut sum = Decimal::ZERO;
    for weight in weights {
        sum = sum.checked_add(*weight).ok_or_else(overflow)?;
    }
    if sum.is_zero() {
        return Err(Error::WeightsAllZero { field: "weights" });
    }
    let mut given = Decimal::ZERO;
    let mut largest = 0;
    for (index, weight) in weights.iter().enumerate() {
        if weights.get(largest).is_some_and(|l| weight > l) {
            largest = index;
        }
        // A weight over a larger or equal sum is at most 1: no overflow.
        let share = (weight / sum).round_dp_with_strategy(SHARE_PLACES, DecimalRounding::ToZero);
        given += share;
        shares.push(share);
    }
    if let Some(share) = shares.get_mut(largest) {
        *share += Decimal::ONE - given;
    }
    Ok(())
}

/// The credits of one conversion, from [`AttributionModel::attribute`]; a
/// reusable buffer for [`AttributionModel::attribute_into`].
///
/// ```
/// use bureau_crm::attribution::Attribution;
/// let empty = Attribution::default();
/// assert!(empty.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attribution {
    touchpoints: Vec<Touchpoint>,
    /// Whole raw weights.
    weights: Vec<u128>,
    /// Shares in units of 10⁻¹⁸.
    units: Vec<u128>,
    /// The buffers of a revenue split.
    scratch: SplitScratch,
    shares: Vec<Decimal>,
    revenue: Vec<Money>,
    total: Option<Money>,
}

impl Attribution {
    fn clear(&mut self) {
        self.touchpoints.clear();
        self.weights.clear();
        self.units.clear();
        self.scratch.remainders.clear();
        self.scratch.minor.clear();
        self.shares.clear();
        self.revenue.clear();
        self.total = None;
    }

    /// How many touches are credited (those inside the window).
    pub fn len(&self) -> usize {
        self.touchpoints.len()
    }

    /// True before any attribution and after a failed one.
    pub fn is_empty(&self) -> bool {
        self.touchpoints.is_empty()
    }

    /// One credit per touch inside the window, in order (zero shares
    /// included).
    pub fn credits(&self) -> impl Iterator<Item = Credit> + '_ {
        self.touchpoints
            .iter()
            .zip(&self.shares)
            .zip(&self.revenue)
            .map(|((touchpoint, share), revenue)| Credit {
                touchpoint: *touchpoint,
                share: Rate::new(*share),
                revenue: *revenue,
            })
    }

    /// The revenue credited to `campaign`'s touches; zero in the
    /// conversion's currency if none. `None` when empty.
    ///
    /// ```
    /// use bureau_core::{Money, PartyId};
    /// use bureau_crm::attribution::{AttributionModel, ConversionEvent};
    /// use bureau_crm::{CampaignId, MarketingChannel, TouchKind, Touchpoint};
    /// use chrono::{DateTime, TimeDelta};
    ///
    /// let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
    /// let (p, spring) = (PartyId::from_u128(1), CampaignId::from_u128(5));
    /// let touches = [
    ///     Touchpoint::new(p, Some(spring), MarketingChannel::Email, t0, TouchKind::Click),
    ///     Touchpoint::new(p, Some(spring), MarketingChannel::Email, t0 + TimeDelta::hours(1), TouchKind::Visit),
    ///     Touchpoint::new(p, None, MarketingChannel::Direct, t0 + TimeDelta::hours(2), TouchKind::Direct),
    /// ];
    /// let sale = ConversionEvent::new(t0 + TimeDelta::hours(3), "10.00 USD".parse()?);
    /// let result = AttributionModel::Linear.attribute(&sale, TimeDelta::days(1), &touches)?;
    /// assert_eq!(result.revenue_for(spring), Some("6.67 USD".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revenue_for(&self, campaign: CampaignId) -> Option<Money> {
        let total = self.total?;
        let minor: i128 = self
            .touchpoints
            .iter()
            .zip(&self.revenue)
            .filter(|(t, _)| t.campaign == Some(campaign))
            .map(|(_, m)| m.to_minor())
            .sum();
        // Parts of one amount: their sum is at most the amount in magnitude.
        Money::from_minor(minor, total.currency()).ok()
    }
}

/// The credit of one touch: its share and its part of the revenue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Credit {
    /// The touch.
    pub touchpoint: Touchpoint,
    /// Its share, in `[0, 1]`; the shares of a conversion sum to exactly 1.
    pub share: Rate,
    /// Its part of the revenue; the parts sum to the revenue exactly.
    pub revenue: Money,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MarketingChannel;
    use bureau_core::PartyId;

    fn t0() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::days(20_000)
    }

    /// Touches one day apart, starting at `t0`.
    fn touches(kinds: &[TouchKind]) -> Vec<Touchpoint> {
        kinds
            .iter()
            .zip(0_i64..)
            .map(|(kind, day)| {
                Touchpoint::new(
                    PartyId::from_u128(1),
                    None,
                    MarketingChannel::Email,
                    t0() + TimeDelta::days(day),
                    *kind,
                )
            })
            .collect()
    }

    fn shares(model: AttributionModel, kinds: &[TouchKind]) -> Vec<String> {
        let sale = ConversionEvent::new(t0() + TimeDelta::days(10), "100.00 USD".parse().unwrap());
        let result = model
            .attribute(&sale, TimeDelta::days(30), &touches(kinds))
            .unwrap();
        result
            .credits()
            .map(|c| c.share.value().normalize().to_string())
            .collect()
    }

    use TouchKind::{Click, Direct, Form, Impression, LeadCreated, OpportunityCreated, Visit};

    #[test]
    fn published_formulas_for_one_two_three_and_five_touches() {
        let decay = AttributionModel::TimeDecay {
            half_life: TimeDelta::days(1),
        };
        let custom = AttributionModel::Custom(
            KindWeights::new(&[
                (Click, Decimal::ONE),
                (Form, Decimal::from(2)),
                (LeadCreated, Decimal::from(3)),
            ])
            .unwrap(),
        );
        let third = "0.333333333333333333";
        let third_plus = "0.333333333333333334";
        let middle_fifth = "0.066666666666666666";
        #[rustfmt::skip]
        let table: Vec<(AttributionModel, Vec<TouchKind>, Vec<&str>)> = vec![
            (AttributionModel::FirstTouch, vec![Click], vec!["1"]),
            (AttributionModel::FirstTouch, vec![Click, Visit], vec!["1", "0"]),
            (AttributionModel::FirstTouch, vec![Click, Visit, Form], vec!["1", "0", "0"]),
            (AttributionModel::FirstTouch, vec![Click, Visit, Form, Visit, Form], vec!["1", "0", "0", "0", "0"]),
            (AttributionModel::LastTouch, vec![Direct], vec!["1"]),
            (AttributionModel::LastTouch, vec![Click, Direct], vec!["0", "1"]),
            (AttributionModel::LastTouch, vec![Click, Visit, Direct], vec!["0", "0", "1"]),
            (AttributionModel::LastTouch, vec![Click, Visit, Form, Visit, Direct], vec!["0", "0", "0", "0", "1"]),
            (AttributionModel::LastNonDirect, vec![Direct], vec!["1"]),
            (AttributionModel::LastNonDirect, vec![Click, Direct], vec!["1", "0"]),
            (AttributionModel::LastNonDirect, vec![Click, Visit, Direct], vec!["0", "1", "0"]),
            (AttributionModel::LastNonDirect, vec![Click, Visit, Form, Direct, Direct], vec!["0", "0", "1", "0", "0"]),
            (AttributionModel::Linear, vec![Click], vec!["1"]),
            (AttributionModel::Linear, vec![Click, Visit], vec!["0.5", "0.5"]),
            (AttributionModel::Linear, vec![Click, Visit, Form], vec![third_plus, third, third]),
            (AttributionModel::Linear, vec![Click, Visit, Form, Visit, Form], vec!["0.2"; 5]),
            (decay, vec![Click], vec!["1"]),
            (decay, vec![Click, Visit], vec!["0.333333333333333333", "0.666666666666666667"]),
            (decay, vec![Click, Visit, Form], vec!["0.142857142857142857", "0.285714285714285714", "0.571428571428571429"]),
            (decay, vec![Click, Visit, Form, Visit, Form], vec![
                "0.032258064516129032", "0.064516129032258064", "0.129032258064516129",
                "0.258064516129032258", "0.516129032258064517",
            ]),
            (AttributionModel::PositionBased, vec![Click], vec!["1"]),
            (AttributionModel::PositionBased, vec![Click, Visit], vec!["0.5", "0.5"]),
            (AttributionModel::PositionBased, vec![Click, Visit, Form], vec!["0.4", "0.2", "0.4"]),
            (AttributionModel::PositionBased, vec![Click, Visit, Form, Visit, Form], vec![
                "0.400000000000000002", middle_fifth, middle_fifth, middle_fifth, "0.4",
            ]),
            (AttributionModel::WShaped, vec![Form], vec!["1"]),
            (AttributionModel::WShaped, vec![Click, LeadCreated], vec!["0.5", "0.5"]),
            (AttributionModel::WShaped, vec![Click, LeadCreated, OpportunityCreated], vec![third_plus, third, third]),
            (AttributionModel::WShaped, vec![Click, Visit, LeadCreated, Visit, OpportunityCreated], vec![
                "0.3", "0.05", "0.3", "0.05", "0.3",
            ]),
            // First and lead creation coincide: 60 % to it, 5 % each to the
            // others, opportunity creation absent; normalised over 70 %.
            (AttributionModel::WShaped, vec![LeadCreated, Visit, Visit], vec![
                "0.857142857142857144", "0.071428571428571428", "0.071428571428571428",
            ]),
            (custom, vec![Click], vec!["1"]),
            (custom, vec![Click, Form], vec![third, "0.666666666666666667"]),
            (custom, vec![Impression, Click, LeadCreated], vec!["0", "0.25", "0.75"]),
            (custom, vec![Click, Form, Form, LeadCreated, Direct], vec!["0.125", "0.25", "0.25", "0.375", "0"]),
        ];
        for (model, kinds, expected) in table {
            assert_eq!(
                shares(model, &kinds),
                expected,
                "{} over {kinds:?}",
                model.name()
            );
        }
    }

    #[test]
    fn revenue_is_split_to_the_cent() {
        let sale = ConversionEvent::new(t0() + TimeDelta::days(3), "100.00 USD".parse().unwrap());
        let result = AttributionModel::Linear
            .attribute(&sale, TimeDelta::days(30), &touches(&[Click, Visit, Form]))
            .unwrap();
        let parts: Vec<String> = result.credits().map(|c| c.revenue.to_string()).collect();
        assert_eq!(parts, ["33.34 USD", "33.33 USD", "33.33 USD"]);
    }

    #[test]
    fn bad_input_names_the_field() {
        let sale = ConversionEvent::new(t0() + TimeDelta::days(3), "1.00 USD".parse().unwrap());
        let three = touches(&[Click, Visit, Form]);
        let mut out = Attribution::default();
        let run =
            |model: AttributionModel, lookback, touches: &[Touchpoint], out: &mut Attribution| {
                model.attribute_into(&sale, lookback, touches, out).err()
            };
        for half_life in [TimeDelta::zero(), TimeDelta::hours(-1)] {
            let err = run(
                AttributionModel::TimeDecay { half_life },
                TimeDelta::days(1),
                &three,
                &mut out,
            );
            assert!(
                matches!(
                    err,
                    Some(Error::NotPositive {
                        field: "half_life",
                        ..
                    })
                ),
                "{err:?}"
            );
        }
        let err = run(
            AttributionModel::Linear,
            TimeDelta::zero(),
            &three,
            &mut out,
        );
        assert!(matches!(
            err,
            Some(Error::NotPositive {
                field: "lookback",
                ..
            })
        ));
        let late = touches(&[Click, Visit, Form, Visit, Form]);
        let err = run(
            AttributionModel::Linear,
            TimeDelta::days(30),
            &late,
            &mut out,
        );
        assert!(
            matches!(err, Some(Error::TouchAfterConversion { index: 4, .. })),
            "{err:?}"
        );
        let err = run(
            AttributionModel::Linear,
            TimeDelta::hours(1),
            &three,
            &mut out,
        );
        assert!(matches!(err, Some(Error::NoTouchpoints { .. })));
        let err = run(AttributionModel::Linear, TimeDelta::days(1), &[], &mut out);
        assert!(matches!(err, Some(Error::NoTouchpoints { .. })));
        let only_clicks =
            AttributionModel::Custom(KindWeights::new(&[(Click, Decimal::ONE)]).unwrap());
        let err = run(only_clicks, TimeDelta::days(1), &three, &mut out);
        assert!(
            matches!(err, Some(Error::WeightsAllZero { field: "weights" })),
            "{err:?}"
        );
        assert!(out.is_empty());
        let mut table = [Decimal::ZERO; 7];
        table[2] = Decimal::new(-5, 1);
        assert!(matches!(
            KindWeights::try_from(table),
            Err(Error::NegativeWeight { kind: Visit, .. })
        ));
        let messages = [
            Error::NotPositive {
                field: "half_life",
                value: TimeDelta::zero(),
            }
            .to_string(),
            Error::TouchAfterConversion {
                index: 4,
                at: t0(),
                conversion: t0(),
            }
            .to_string(),
            Error::WeightsAllZero { field: "weights" }.to_string(),
        ];
        assert!(
            messages[0].starts_with("half_life must be positive"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].starts_with("touchpoints[4] at "),
            "{}",
            messages[1]
        );
        assert!(
            messages[2].starts_with("weights are zero"),
            "{}",
            messages[2]
        );
        assert!(matches!(
            KindWeights::new(&[(Form, Decimal::NEGATIVE_ONE)]),
            Err(Error::NegativeWeight {
                field: "weights",
                kind: Form,
                ..
            })
        ));
    }

    #[test]
    fn last_non_direct_skips_the_direct_channel_too() {
        let mut three = touches(&[Click, Visit, Visit]);
        if let Some(last) = three.last_mut() {
            last.channel = MarketingChannel::Direct;
        }
        let sale = ConversionEvent::new(t0() + TimeDelta::days(3), "1.00 USD".parse().unwrap());
        let result = AttributionModel::LastNonDirect
            .attribute(&sale, TimeDelta::days(30), &three)
            .unwrap();
        let shares: Vec<Decimal> = result.credits().map(|c| c.share.value()).collect();
        assert_eq!(shares, [Decimal::ZERO, Decimal::ONE, Decimal::ZERO]);
    }

    #[test]
    fn the_window_keeps_touches_from_lookback_before_the_conversion_on() {
        let sale = ConversionEvent::new(t0() + TimeDelta::days(2), "1.00 USD".parse().unwrap());
        let result = AttributionModel::FirstTouch
            .attribute(&sale, TimeDelta::days(1), &touches(&[Click, Visit, Form]))
            .unwrap();
        let kinds: Vec<TouchKind> = result.credits().map(|c| c.touchpoint.kind).collect();
        assert_eq!(kinds, [Visit, Form]); // the click, two days before, is outside
    }

    #[test]
    fn reciprocal_division_is_exact() {
        let divisors = [
            1,
            2,
            3,
            7,
            ONE_SHARE,
            ONE_SHARE * 19 + 12_345,
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            u128::MAX / 3,
            u128::MAX - 1,
            u128::MAX,
        ];
        let mut n: u128 = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834;
        for divisor in divisors {
            let by = Divisor::new(divisor).unwrap();
            for _ in 0..200 {
                // A xorshift sequence, with the values next to the divisor's
                // multiples that an estimate is most likely to miss.
                n ^= n << 13;
                n ^= n >> 7;
                n ^= n << 17;
                for value in [n, n >> 64, n >> 100, divisor, divisor - 1, u128::MAX, 0] {
                    assert_eq!(
                        by.div_rem(value),
                        (value / divisor, value % divisor),
                        "{value} / {divisor}"
                    );
                }
            }
        }
        assert!(Divisor::new(0).is_none());
    }

    #[test]
    fn division_by_one_share_is_exact() {
        let mut n: u128 = 0x2545_f491_4f6c_dd1d_9e37_79b9_7f4a_7c15;
        let products = [
            u128::from(u64::MAX) * ONE_SHARE,
            (1 << 124) - 1,
            1 << 124,
            u128::MAX,
        ];
        for _ in 0..2000 {
            n ^= n << 13;
            n ^= n >> 7;
            n ^= n << 17;
            // Revenues times shares, and the values next to multiples of
            // 10^18, where an estimate is most likely to be off.
            let product = (n >> 64) * (n % (ONE_SHARE + 1));
            let near = (n >> 66) / ONE_SHARE * ONE_SHARE;
            for value in [
                product,
                near,
                near.saturating_sub(1),
                near + 1,
                n,
                n >> 4,
                0,
            ]
            .into_iter()
            .chain(products)
            {
                assert_eq!(
                    div_rem_one_share(value),
                    (value / ONE_SHARE, value % ONE_SHARE),
                    "{value}"
                );
            }
        }
        for (remainder, index) in [(0, 0), (1, 7), (ONE_SHARE - 1, 0), (5, usize::MAX)] {
            assert_eq!(index_of_key(remainder_key(remainder, index)), index);
        }
        assert!(remainder_key(2, 9) > remainder_key(1, 0));
        assert!(remainder_key(1, 0) > remainder_key(1, 1));
    }

    #[test]
    fn decay_weights_stay_within_their_tolerance_of_the_power() {
        // The weight from the reciprocal of the half-life against the power
        // of the exact quotient: within 10⁻¹⁴ relative (and one unit).
        let mut n: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            n ^= n << 13;
            n ^= n >> 7;
            n ^= n << 17;
            let half_life = i64::try_from(n % 30_000_000_000).unwrap() + 1;
            let age = i64::try_from((n >> 20) % 100_000_000_000).unwrap();
            let exact = reference_decay(age, half_life);
            let weight = decay(age, half_life);
            let gap = exact.abs_diff(weight);
            assert!(
                gap <= exact / 100_000_000_000_000 + 1,
                "{age} / {half_life}: {weight} against {exact}"
            );
            let whole = age / half_life.max(1);
            if whole < 60 {
                assert_eq!(decay(whole * half_life, half_life), ONE_SHARE >> whole);
            }
        }
    }

    /// 2^(−age / half_life) from the quotient taken by division.
    #[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
    fn reference_decay(age: i64, half_life: i64) -> u128 {
        units_of_power((-(age as f64) / half_life as f64).exp2())
    }

    #[cfg(feature = "serde")]
    #[test]
    fn decay_weights_are_the_exact_truncation_of_the_power() {
        assert_eq!(decay(0, 1000), ONE_SHARE);
        assert_eq!(decay(1000, 1000), ONE_SHARE / 2);
        assert_eq!(decay(3000, 1000), ONE_SHARE / 8);
        // 2^(-1/3) as an f64 is exactly 0.793700525984099791720893790625...
        assert_eq!(decay(1, 3), 793_700_525_984_099_791);
        assert_eq!(decay(i64::MAX, 1), 0);
    }

    #[test]
    fn wide_custom_weights_divide_as_decimals() {
        // 10^27 and 10^-27 need 54 digits between them: too wide for 128
        // bits, so the shares come from decimal division.
        let custom = AttributionModel::Custom(
            KindWeights::new(&[
                (Click, Decimal::from_i128_with_scale(10_i128.pow(27), 0)),
                (Visit, Decimal::from_i128_with_scale(1, 27)),
            ])
            .unwrap(),
        );
        assert_eq!(shares(custom, &[Click, Visit]), ["1", "0"]);
    }

    #[test]
    fn kind_weights_are_checked_when_read() {
        let weights = KindWeights::new(&[(Form, Decimal::new(15, 1))]).unwrap();
        let json = serde_json::to_string(&weights).unwrap();
        assert_eq!(json, r#"["0","0","0","1.5","0","0","0"]"#);
        assert_eq!(serde_json::from_str::<KindWeights>(&json).unwrap(), weights);
        assert!(serde_json::from_str::<KindWeights>(r#"["0","-1","0","0","0","0","0"]"#).is_err());
    }
}
