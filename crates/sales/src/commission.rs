//! Commissions: plans (flat, tiered marginal or retroactive, accelerators
//! and decelerators by quota attainment, caps), credited sales split between
//! owners, and statements that explain every line, clawbacks included.

use bureau_core::{Currency, Decimal, EmployeeId, Money, Percent, Period, Rate, RoundingStrategy};
use chrono::NaiveDate;

use crate::{Error, Quota, Result, SaleReference};

/// What happened to a sale that commission is earned or clawed back on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SaleEventKind {
    /// An invoice was issued: credit under plans earned on invoice.
    Invoiced,
    /// An invoice was credited (a credit note): clawback under plans earned
    /// on invoice.
    InvoiceCredited,
    /// A payment was received: credit under plans earned on payment.
    Paid,
    /// A payment was reversed: clawback under plans earned on payment.
    PaymentReversed,
}

/// When a plan's commission is earned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EarnedOn {
    /// On invoicing; credit notes claw back.
    Invoice,
    /// On payment; reversed payments claw back.
    Payment,
}

impl EarnedOn {
    /// `+1` for a credit, `-1` for a clawback, `None` when `kind` does not
    /// count under this basis.
    fn sign(self, kind: SaleEventKind) -> Option<bool> {
        match (self, kind) {
            (EarnedOn::Invoice, SaleEventKind::Invoiced)
            | (EarnedOn::Payment, SaleEventKind::Paid) => Some(true),
            (EarnedOn::Invoice, SaleEventKind::InvoiceCredited)
            | (EarnedOn::Payment, SaleEventKind::PaymentReversed) => Some(false),
            _ => None,
        }
    }
}

/// An owner's share of the credit for a sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CreditShare {
    /// The owner.
    pub owner: EmployeeId,
    /// Their share, above 0% and at most 100%.
    pub share: Percent,
}

impl CreditShare {
    /// `owner` credited with `share` of a sale.
    pub const fn new(owner: EmployeeId, share: Percent) -> Self {
        CreditShare { owner, share }
    }
}

/// An invoice, credit note, payment or payment reversal that commission is
/// earned or clawed back on, with the owners it is credited to. The amount
/// is the sale's value (never negative); the kind says whether it credits or
/// claws back.
///
/// ```
/// use bureau_core::{money, EmployeeId, Percent};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::{CreditShare, CreditedSale, SaleEventKind, SaleReference};
/// let (ann, bob) = (EmployeeId::from_u128(1), EmployeeId::from_u128(2));
/// let sale = CreditedSale::new(SaleReference::new("INV-1")?, SaleEventKind::Invoiced,
///     money!(100.00 EUR), NaiveDate::from_ymd_opt(2026, 4, 2).ok_or("date")?,
///     [CreditShare::new(ann, Percent::new(2.into()) ), CreditShare::new(bob, Percent::new(98.into()))])?;
/// assert_eq!(sale.credit_for(ann)?, Some(money!(2.00 EUR)));
/// // Shares must add up to 100%.
/// assert!(CreditedSale::new(SaleReference::new("INV-2")?, SaleEventKind::Invoiced,
///     money!(100.00 EUR), NaiveDate::from_ymd_opt(2026, 4, 2).ok_or("date")?,
///     [CreditShare::new(ann, Percent::new(50.into()))]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SaleFields", into = "SaleFields"))]
pub struct CreditedSale {
    reference: SaleReference,
    kind: SaleEventKind,
    amount: Money,
    date: NaiveDate,
    shares: Vec<CreditShare>,
}

/// A credited sale as stored, checked by [`CreditedSale::new`] when read back.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SaleFields {
    reference: SaleReference,
    kind: SaleEventKind,
    amount: Money,
    date: NaiveDate,
    shares: Vec<CreditShare>,
}

#[cfg(feature = "serde")]
impl TryFrom<SaleFields> for CreditedSale {
    type Error = Error;

    fn try_from(f: SaleFields) -> Result<Self> {
        CreditedSale::new(f.reference, f.kind, f.amount, f.date, f.shares)
    }
}

#[cfg(feature = "serde")]
impl From<CreditedSale> for SaleFields {
    fn from(s: CreditedSale) -> Self {
        SaleFields {
            reference: s.reference,
            kind: s.kind,
            amount: s.amount,
            date: s.date,
            shares: s.shares,
        }
    }
}

impl CreditedSale {
    /// A credited sale.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] for a negative amount;
    /// [`Error::PercentOutOfRange`] for a share not above 0% or above 100%;
    /// [`Error::InvalidShares`] when the shares do not add up to 100% or
    /// name one owner twice.
    pub fn new(
        reference: SaleReference,
        kind: SaleEventKind,
        amount: Money,
        date: NaiveDate,
        shares: impl IntoIterator<Item = CreditShare>,
    ) -> Result<Self> {
        if amount.is_negative() {
            return Err(Error::NegativeAmount {
                what: "credited sale",
                amount,
            });
        }
        let shares: Vec<CreditShare> = shares.into_iter().collect();
        let mut total = Decimal::ZERO;
        for (i, share) in shares.iter().enumerate() {
            let value = share.share.value();
            if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
                return Err(Error::PercentOutOfRange {
                    what: "credit share",
                    percent: value,
                });
            }
            total += value;
            if shares[..i].iter().any(|s| s.owner == share.owner) {
                return Err(Error::InvalidShares {
                    reference,
                    total: Percent::new(total),
                });
            }
        }
        if total != Decimal::ONE_HUNDRED {
            return Err(Error::InvalidShares {
                reference,
                total: Percent::new(total),
            });
        }
        Ok(CreditedSale {
            reference,
            kind,
            amount,
            date,
            shares,
        })
    }

    /// Its reference.
    pub fn reference(&self) -> &SaleReference {
        &self.reference
    }

    /// What happened.
    pub const fn kind(&self) -> SaleEventKind {
        self.kind
    }

    /// The sale's value.
    pub const fn amount(&self) -> Money {
        self.amount
    }

    /// When.
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The owners credited.
    pub fn shares(&self) -> &[CreditShare] {
        &self.shares
    }

    /// `owner`'s part of the amount: the amount spread over the shares with
    /// [`Money::allocate`], so the parts add up to it exactly. `None` when
    /// `owner` has no share.
    ///
    /// # Errors
    ///
    /// A core error when the allocation overflows.
    pub fn credit_for(&self, owner: EmployeeId) -> Result<Option<Money>> {
        let Some(index) = self.shares.iter().position(|s| s.owner == owner) else {
            return Ok(None);
        };
        let weights: Vec<Decimal> = self.shares.iter().map(|s| s.share.value()).collect();
        let parts = self.amount.allocate(&weights)?;
        Ok(parts.get(index).copied())
    }
}

/// A tier of a commission rate: `rate` on credit from `from` (the first
/// tier may start above zero: credit below it earns nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CommissionTier {
    /// Where the tier starts, in credited amount.
    pub from: Money,
    /// The rate.
    pub rate: Percent,
}

impl CommissionTier {
    /// `rate` from `from`.
    pub const fn new(from: Money, rate: Percent) -> Self {
        CommissionTier { from, rate }
    }
}

/// How tiers apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TierMode {
    /// Each tier's rate on the credit within it (like income tax bands).
    Marginal,
    /// The rate of the tier the total credit reaches, on all of it.
    Retroactive,
}

/// An accelerator or decelerator: from `from` quota attainment on, credit
/// earns its tier rate times `multiplier` (above 1 accelerates, below 1
/// decelerates). Credit below the first band's attainment earns the plain
/// rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AttainmentBand {
    /// The attainment it starts at.
    pub from: Percent,
    /// The multiplier of the tier rate; never negative.
    pub multiplier: Rate,
}

impl AttainmentBand {
    /// `multiplier` from `from` attainment.
    pub const fn new(from: Percent, multiplier: Rate) -> Self {
        AttainmentBand { from, multiplier }
    }
}

/// A commission plan: tiers (one tier is a flat rate), marginal or
/// retroactive, attainment bands, an optional cap per statement, when it is
/// earned, and the rounding of commissions to the minor unit.
///
/// The commission on a credited total `x` is
/// `sum over slices of [0, x) of slice x rate x multiplier`, where a slice
/// is cut at every tier start and band start, its rate is the tier rate in
/// it (marginal) or the rate of the tier `x` reaches (retroactive), and its
/// multiplier the attainment band it lies in; then capped, then rounded.
/// With non-negative rates and multipliers, it never falls when credit
/// grows under marginal tiers, nor under retroactive tiers whose rates do
/// not fall.
///
/// ```
/// use bureau_core::{money, Currency, Percent, Rate, RoundingStrategy};
/// use bureau_sales::{AttainmentBand, CommissionPlan, CommissionTier, EarnedOn, TierMode};
/// let plan = CommissionPlan::tiered(TierMode::Marginal, [
///         CommissionTier::new(money!(0.00 EUR), Percent::new(5.into())),
///         CommissionTier::new(money!(50000.00 EUR), Percent::new(8.into())),
///     ])?
///     .with_bands([AttainmentBand::new(Percent::new(100.into()), Rate::new("1.5".parse()?))])?
///     .with_cap(money!(20000.00 EUR))?
///     .earned_on(EarnedOn::Payment);
/// assert_eq!(plan.currency(), Currency::EUR);
/// assert!(CommissionPlan::flat(money!(0.00 EUR), Percent::new((-1).into())).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PlanFields", into = "PlanFields"))]
pub struct CommissionPlan {
    tiers: Vec<CommissionTier>,
    mode: TierMode,
    bands: Vec<AttainmentBand>,
    cap: Option<Money>,
    earned_on: EarnedOn,
    rounding: RoundingStrategy,
}

/// A plan as stored, checked by the plan's constructors when read back.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct PlanFields {
    tiers: Vec<CommissionTier>,
    mode: TierMode,
    bands: Vec<AttainmentBand>,
    cap: Option<Money>,
    earned_on: EarnedOn,
    rounding: RoundingStrategy,
}

#[cfg(feature = "serde")]
impl TryFrom<PlanFields> for CommissionPlan {
    type Error = Error;

    fn try_from(f: PlanFields) -> Result<Self> {
        let mut plan = CommissionPlan::tiered(f.mode, f.tiers)?
            .with_bands(f.bands)?
            .earned_on(f.earned_on)
            .with_rounding(f.rounding);
        if let Some(cap) = f.cap {
            plan = plan.with_cap(cap)?;
        }
        Ok(plan)
    }
}

#[cfg(feature = "serde")]
impl From<CommissionPlan> for PlanFields {
    fn from(p: CommissionPlan) -> Self {
        PlanFields {
            tiers: p.tiers,
            mode: p.mode,
            bands: p.bands,
            cap: p.cap,
            earned_on: p.earned_on,
            rounding: p.rounding,
        }
    }
}

impl CommissionPlan {
    /// `rate` on all credit; `zero` names the plan's currency (any amount
    /// in it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCommissionPlan`] for a negative rate.
    pub fn flat(zero: Money, rate: Percent) -> Result<Self> {
        Self::tiered(
            TierMode::Marginal,
            [CommissionTier::new(Money::zero(zero.currency()), rate)],
        )
    }

    /// Tiered rates, earned on invoice and rounded with
    /// [`RoundingStrategy::MidpointNearestEven`] until set otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCommissionPlan`] when there is no tier, a rate is
    /// negative, tier starts are negative, do not strictly rise or are not
    /// all in one currency.
    pub fn tiered(mode: TierMode, tiers: impl IntoIterator<Item = CommissionTier>) -> Result<Self> {
        let tiers: Vec<CommissionTier> = tiers.into_iter().collect();
        let invalid = |reason: String| Err(Error::InvalidCommissionPlan { reason });
        let Some(first) = tiers.first() else {
            return invalid("a plan needs at least one tier".to_owned());
        };
        for tier in &tiers {
            if tier.rate.value() < Decimal::ZERO {
                return invalid(format!("tier rate {} is negative", tier.rate));
            }
            if tier.from.is_negative() || tier.from.currency() != first.from.currency() {
                return invalid(format!(
                    "tier start {} must be at least zero in {}",
                    tier.from,
                    first.from.currency()
                ));
            }
        }
        if let Some(pair) = tiers
            .windows(2)
            .find(|w| w[0].from.amount() >= w[1].from.amount())
        {
            return invalid(format!(
                "tier starts must rise: {} then {}",
                pair[0].from, pair[1].from
            ));
        }
        Ok(CommissionPlan {
            tiers,
            mode,
            bands: Vec::new(),
            cap: None,
            earned_on: EarnedOn::Invoice,
            rounding: RoundingStrategy::MidpointNearestEven,
        })
    }

    /// With accelerators and decelerators by quota attainment.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCommissionPlan`] when a multiplier or start is
    /// negative or the starts do not strictly rise.
    pub fn with_bands(mut self, bands: impl IntoIterator<Item = AttainmentBand>) -> Result<Self> {
        let bands: Vec<AttainmentBand> = bands.into_iter().collect();
        let invalid = |reason: String| Err(Error::InvalidCommissionPlan { reason });
        for band in &bands {
            if band.multiplier.value() < Decimal::ZERO || band.from.value() < Decimal::ZERO {
                return invalid(format!(
                    "attainment band from {} with multiplier {} is negative",
                    band.from, band.multiplier
                ));
            }
        }
        if let Some(pair) = bands.windows(2).find(|w| w[0].from >= w[1].from) {
            return invalid(format!(
                "attainment bands must rise: {} then {}",
                pair[0].from, pair[1].from
            ));
        }
        self.bands = bands;
        Ok(self)
    }

    /// With the commission of a statement capped at `cap`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCommissionPlan`] for a negative cap or one in another
    /// currency.
    pub fn with_cap(mut self, cap: Money) -> Result<Self> {
        if cap.is_negative() || cap.currency() != self.currency() {
            return Err(Error::InvalidCommissionPlan {
                reason: format!("cap {cap} must be at least zero in {}", self.currency()),
            });
        }
        self.cap = Some(cap);
        Ok(self)
    }

    /// Earned on invoice or on payment.
    #[must_use]
    pub fn earned_on(mut self, earned_on: EarnedOn) -> Self {
        self.earned_on = earned_on;
        self
    }

    /// Commissions rounded to the minor unit with `rounding`.
    #[must_use]
    pub fn with_rounding(mut self, rounding: RoundingStrategy) -> Self {
        self.rounding = rounding;
        self
    }

    /// The plan's currency, its tiers'.
    pub fn currency(&self) -> Currency {
        self.tiers
            .first()
            .map_or(Currency::USD, |t| t.from.currency())
    }

    /// The tiers.
    pub fn tiers(&self) -> &[CommissionTier] {
        &self.tiers
    }

    /// Marginal or retroactive.
    pub const fn mode(&self) -> TierMode {
        self.mode
    }

    /// When it is earned.
    pub const fn basis(&self) -> EarnedOn {
        self.earned_on
    }

    /// The rate of the tier `x` falls in; zero below the first tier.
    fn rate_at(&self, x: Decimal) -> Decimal {
        self.tiers
            .iter()
            .rev()
            .find(|t| t.from.amount() <= x)
            .map_or(Decimal::ZERO, |t| t.rate.to_rate().value())
    }

    /// The slices of `[lo, hi)` cut at tier and band starts, with the rate
    /// and multiplier of each, the rate being `retro_rate` when given.
    fn slices(
        &self,
        lo: Decimal,
        hi: Decimal,
        band_starts: &[(Decimal, Decimal)],
        retro_rate: Option<Decimal>,
    ) -> Vec<(Decimal, Decimal, Decimal, Decimal)> {
        let mut cuts: Vec<Decimal> = self
            .tiers
            .iter()
            .map(|t| t.from.amount())
            .chain(band_starts.iter().map(|(start, _)| *start))
            .filter(|c| *c > lo && *c < hi)
            .collect();
        cuts.push(lo);
        cuts.push(hi);
        cuts.sort();
        cuts.dedup();
        cuts.windows(2)
            .filter_map(|w| match w {
                [a, b] => {
                    let rate = retro_rate.unwrap_or_else(|| self.rate_at(*a));
                    let multiplier = band_starts
                        .iter()
                        .rev()
                        .find(|(start, _)| start <= a)
                        .map_or(Decimal::ONE, |(_, m)| *m);
                    Some((*a, *b, rate, multiplier))
                }
                _ => None,
            })
            .collect()
    }

    /// The exact commission on credited total `x`, capped, not rounded.
    fn exact(&self, x: Decimal, band_starts: &[(Decimal, Decimal)]) -> Result<(Decimal, bool)> {
        if x <= Decimal::ZERO {
            return Ok((Decimal::ZERO, false));
        }
        let retro = match self.mode {
            TierMode::Marginal => None,
            TierMode::Retroactive => Some(self.rate_at(x)),
        };
        let mut total = Decimal::ZERO;
        for (a, b, rate, multiplier) in self.slices(Decimal::ZERO, x, band_starts, retro) {
            let part = (b - a)
                .checked_mul(rate)
                .and_then(|p| p.checked_mul(multiplier))
                .and_then(|p| total.checked_add(p))
                .ok_or(Error::Overflow {
                    operation: "commission",
                })?;
            total = part;
        }
        Ok(match self.cap {
            Some(cap) if total > cap.amount() => (cap.amount(), true),
            _ => (total, false),
        })
    }
}

/// A slice of credit and what it earns at full size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommissionSlice {
    /// Where the slice starts, in the owner's cumulative credit (a band
    /// start that falls between minor units is shown rounded by the plan's
    /// strategy).
    pub from: Money,
    /// Where it ends.
    pub to: Money,
    /// The tier rate on it (for retroactive tiers, the rate of the tier
    /// reached at the line's higher end of cumulative credit).
    pub rate: Percent,
    /// The attainment multiplier on it.
    pub multiplier: Rate,
}

/// Why a statement line earns what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LineExplanation {
    /// The owner's share of the sale.
    pub share: Percent,
    /// Whether the line claws back (credit note or reversed payment).
    pub clawback: bool,
    /// The slices of cumulative credit the line moves across.
    pub slices: Vec<CommissionSlice>,
    /// The plan's commission on the cumulative credit before the line.
    pub commission_before: Money,
    /// The plan's commission on the cumulative credit after it; the line
    /// earns the difference (for retroactive tiers this includes the
    /// re-rating of earlier credit).
    pub commission_after: Money,
    /// Whether the cap held the commission after the line.
    pub capped: bool,
}

/// One credited sale on a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementLine {
    /// The sale.
    pub reference: SaleReference,
    /// What happened to it.
    pub kind: SaleEventKind,
    /// When.
    pub date: NaiveDate,
    /// The owner's credit from it: negative for a clawback.
    pub credited: Money,
    /// The owner's cumulative credit after it.
    pub cumulative: Money,
    /// The commission it earns: negative for a clawback.
    pub commission: Money,
    /// Why.
    pub explanation: LineExplanation,
}

/// An owner's commission for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommissionStatement {
    /// Whose.
    pub owner: EmployeeId,
    /// For which period.
    pub period: Period,
    /// The net credit (credits less clawbacks).
    pub credited: Money,
    /// Attainment of the quota, to 0.01%, when a quota with a target above
    /// zero was given.
    pub attainment: Option<Percent>,
    /// The commission: the sum of the lines' commissions, exactly.
    pub commission: Money,
    /// The counted sales in date order (sales of the same date in the
    /// order given).
    pub lines: Vec<StatementLine>,
}

/// `owner`'s commission statement for `period` under `plan`: the sales
/// dated in the period that count under the plan's basis (invoices and
/// credit notes when earned on invoice, payments and reversals when earned
/// on payment) and credit `owner`. Each line earns the difference of the
/// plan's commission on the cumulative credit after and before it, rounded
/// the same way, so the lines add up to the statement's commission exactly
/// and clawing back every credit returns it to zero. Clawbacks net within
/// the period: the cumulative credit never earns less than zero.
///
/// # Errors
///
/// [`Error::CurrencyMismatch`] for a sale or quota in another currency than
/// the plan's; [`Error::InvalidCommissionPlan`] when the plan has
/// attainment bands and no quota is given, or the quota is another owner's
/// or period's; a core error on overflow.
///
/// ```
/// use bureau_core::{money, EmployeeId, Money, Percent, Period, Rate};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::*;
///
/// let (ann, bob) = (EmployeeId::from_u128(1), EmployeeId::from_u128(2));
/// let q2 = Period::quarter(2026, 2)?;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let sale = |r: &str, kind, amount, date, shares: &[(EmployeeId, i64)]| CreditedSale::new(
///     SaleReference::new(r)?, kind, amount, date,
///     shares.iter().map(|(o, p)| CreditShare::new(*o, Percent::new((*p).into()))));
/// let sales = [
///     sale("INV-1", SaleEventKind::Invoiced, money!(60000.00 EUR), day(4, 10)?, &[(ann, 100)])?,
///     sale("INV-2", SaleEventKind::Invoiced, money!(80000.00 EUR), day(5, 3)?, &[(ann, 50), (bob, 50)])?,
///     sale("CN-1", SaleEventKind::InvoiceCredited, money!(20000.00 EUR), day(6, 1)?, &[(ann, 100)])?,
/// ];
/// // 5% up to the quota of 80 000, 1.5 times that above it.
/// let plan = CommissionPlan::flat(money!(0.00 EUR), Percent::new(5.into()))?
///     .with_bands([AttainmentBand::new(Percent::new(100.into()), Rate::new("1.5".parse()?))])?;
/// let quota = Quota::new(ann, q2, money!(80000.00 EUR))?;
/// let statement = commission_statement(&plan, ann, q2, Some(&quota), &sales)?;
/// assert_eq!(statement.credited, money!(80000.00 EUR));
/// assert_eq!(statement.attainment, Some(Percent::new(100.into())));
/// // 60 000 x 5%; then 20 000 x 5% + 20 000 x 7.5%; then back 20 000 x 7.5%.
/// let earned: Vec<Money> = statement.lines.iter().map(|l| l.commission).collect();
/// assert_eq!(earned, [money!(3000.00 EUR), money!(2500.00 EUR), money!(-1500.00 EUR)]);
/// assert_eq!(statement.commission, money!(4000.00 EUR));
/// assert!(statement.lines[2].explanation.clawback);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn commission_statement<'a>(
    plan: &CommissionPlan,
    owner: EmployeeId,
    period: Period,
    quota: Option<&Quota>,
    sales: impl IntoIterator<Item = &'a CreditedSale>,
) -> Result<CommissionStatement> {
    let currency = plan.currency();
    let invalid = |reason: String| Err(Error::InvalidCommissionPlan { reason });
    if let Some(quota) = quota {
        if quota.target().currency() != currency {
            return Err(Error::CurrencyMismatch {
                what: "quota",
                expected: currency,
                found: quota.target().currency(),
            });
        }
        if quota.owner() != owner || quota.period() != period {
            return invalid("the quota is another owner's or another period's".to_owned());
        }
    }
    let band_starts: Vec<(Decimal, Decimal)> = match quota {
        Some(quota) => plan
            .bands
            .iter()
            .map(|b| {
                quota
                    .target()
                    .amount()
                    .checked_mul(b.from.to_rate().value())
                    .map(|start| (start, b.multiplier.value()))
                    .ok_or(Error::Overflow {
                        operation: "attainment band",
                    })
            })
            .collect::<Result<_>>()?,
        None if plan.bands.is_empty() => Vec::new(),
        None => return invalid("the plan has attainment bands but no quota was given".to_owned()),
    };

    let mut counted: Vec<(&CreditedSale, bool, Money, Percent)> = Vec::new();
    for sale in sales {
        if !period.contains(sale.date) {
            continue;
        }
        let Some(credit) = plan.earned_on.sign(sale.kind) else {
            continue;
        };
        if sale.amount.currency() != currency {
            return Err(Error::CurrencyMismatch {
                what: "credited sale",
                expected: currency,
                found: sale.amount.currency(),
            });
        }
        let Some(part) = sale.credit_for(owner)? else {
            continue;
        };
        let share = sale
            .shares
            .iter()
            .find(|s| s.owner == owner)
            .map_or_else(Percent::default, |s| s.share);
        counted.push((sale, credit, part, share));
    }
    counted.sort_by_key(|(sale, ..)| sale.date);

    let round = |x: Decimal| Money::rounded(x, currency, plan.rounding);
    let mut cumulative = Money::zero(currency);
    let mut before = Money::zero(currency);
    let mut lines = Vec::with_capacity(counted.len());
    for (sale, credit, part, share) in counted {
        let credited = if credit { part } else { part.neg() };
        let next = cumulative.checked_add(credited)?;
        let (exact_after, capped) = plan.exact(next.amount(), &band_starts)?;
        let after = round(exact_after)?;
        let (lo, hi) = if credit {
            (cumulative.amount(), next.amount())
        } else {
            (next.amount(), cumulative.amount())
        };
        let retro = match plan.mode {
            TierMode::Marginal => None,
            TierMode::Retroactive => Some(plan.rate_at(next.amount().max(cumulative.amount()))),
        };
        let slices = plan
            .slices(lo, hi, &band_starts, retro)
            .into_iter()
            .map(|(a, b, rate, multiplier)| {
                Ok(CommissionSlice {
                    from: round(a)?,
                    to: round(b)?,
                    rate: Percent::new(rate * Decimal::ONE_HUNDRED),
                    multiplier: Rate::new(multiplier),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        lines.push(StatementLine {
            reference: sale.reference.clone(),
            kind: sale.kind,
            date: sale.date,
            credited,
            cumulative: next,
            commission: after.checked_sub(before)?,
            explanation: LineExplanation {
                share,
                clawback: !credit,
                slices,
                commission_before: before,
                commission_after: after,
                capped,
            },
        });
        cumulative = next;
        before = after;
    }
    let attainment = match quota {
        Some(quota) => quota.attainment(cumulative, plan.rounding)?,
        None => None,
    };
    Ok(CommissionStatement {
        owner,
        period,
        credited: cumulative,
        attainment,
        commission: before,
        lines,
    })
}
