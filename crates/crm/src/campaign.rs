//! Marketing campaigns, the touchpoints they produce and their report.

use std::fmt;

use bureau_core::{DateRange, Decimal, Id, Money, PartyId, Rate, RoundingStrategy};
use chrono::{DateTime, Utc};

use crate::{Error, Name, Result};

/// The id of a [`Campaign`].
pub type CampaignId = Id<crate::kind::Campaign>;

/// The channel a campaign runs on or a touchpoint came through.
///
/// ```
/// use bureau_crm::MarketingChannel;
/// assert_eq!(MarketingChannel::PaidSearch.to_string(), "paid search");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MarketingChannel {
    /// Email sent to a list.
    Email,
    /// Paid placements in search results.
    PaidSearch,
    /// Unpaid search results.
    OrganicSearch,
    /// Social networks, paid or organic.
    Social,
    /// Display and video advertising.
    Display,
    /// A link from another site.
    Referral,
    /// Trade shows, webinars, meetups.
    Event,
    /// Calls and emails by the sales team.
    Outbound,
    /// A visit with no known source (typed address, bookmark).
    Direct,
}

impl MarketingChannel {
    const fn name(self) -> &'static str {
        match self {
            MarketingChannel::Email => "email",
            MarketingChannel::PaidSearch => "paid search",
            MarketingChannel::OrganicSearch => "organic search",
            MarketingChannel::Social => "social",
            MarketingChannel::Display => "display",
            MarketingChannel::Referral => "referral",
            MarketingChannel::Event => "event",
            MarketingChannel::Outbound => "outbound",
            MarketingChannel::Direct => "direct",
        }
    }
}

impl fmt::Display for MarketingChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A marketing campaign: a channel, a budget and the days it runs.
///
/// A campaign is a value, not an aggregate: changing its budget or period
/// means recording a new value (in whatever stream the caller keeps).
///
/// ```
/// use bureau_core::{DateRange, Money};
/// use bureau_crm::{Campaign, CampaignId, MarketingChannel, Name};
/// use chrono::NaiveDate;
///
/// let spring = DateRange::new(NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?, NaiveDate::from_ymd_opt(2026, 6, 1).ok_or("date")?)?;
/// let campaign = Campaign::new(
///     CampaignId::from_u128(1),
///     Name::new("Spring webinars")?,
///     MarketingChannel::Event,
///     "5000.00 EUR".parse::<Money>()?,
///     spring,
/// )?;
/// assert!(campaign.period().contains(NaiveDate::from_ymd_opt(2026, 4, 15).ok_or("date")?));
/// assert!(Campaign::new(CampaignId::from_u128(2), Name::new("Refund")?, MarketingChannel::Email, "-1.00 EUR".parse()?, spring).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Campaign {
    id: CampaignId,
    name: Name,
    channel: MarketingChannel,
    budget: Money,
    period: DateRange,
}

impl Campaign {
    /// A campaign with its budget for the whole `period` (`[start, end)`).
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] naming `budget` when it is below zero.
    pub fn new(
        id: CampaignId,
        name: Name,
        channel: MarketingChannel,
        budget: Money,
        period: DateRange,
    ) -> Result<Self> {
        if budget.is_negative() {
            return Err(Error::NegativeAmount {
                field: "budget",
                amount: budget,
            });
        }
        Ok(Self {
            id,
            name,
            channel,
            budget,
            period,
        })
    }

    /// Its id.
    pub const fn id(&self) -> CampaignId {
        self.id
    }

    /// Its name.
    pub const fn name(&self) -> &Name {
        &self.name
    }

    /// Its channel.
    pub const fn channel(&self) -> MarketingChannel {
        self.channel
    }

    /// Its budget, never negative.
    pub const fn budget(&self) -> Money {
        self.budget
    }

    /// The days it runs, `[start, end)`.
    pub const fn period(&self) -> DateRange {
        self.period
    }
}

/// What happened at a touchpoint. The order of the variants is the order
/// of the funnel, and the tie-break when two touchpoints share an instant
/// (see [`Touchpoint`]).
///
/// ```
/// use bureau_crm::TouchKind;
/// assert!(TouchKind::Click < TouchKind::LeadCreated);
/// assert_eq!(TouchKind::OpportunityCreated.to_string(), "opportunity created");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TouchKind {
    /// An ad or message was shown.
    Impression,
    /// An ad or link was clicked.
    Click,
    /// A visit to the site from a known source.
    Visit,
    /// A form was filled in.
    Form,
    /// The touch that created the lead.
    LeadCreated,
    /// The touch that created the opportunity.
    OpportunityCreated,
    /// A visit with no known source. Last non-direct attribution skips it.
    Direct,
}

impl TouchKind {
    /// Every kind, in order.
    pub const ALL: [TouchKind; 7] = [
        TouchKind::Impression,
        TouchKind::Click,
        TouchKind::Visit,
        TouchKind::Form,
        TouchKind::LeadCreated,
        TouchKind::OpportunityCreated,
        TouchKind::Direct,
    ];

    pub(crate) const fn index(self) -> usize {
        match self {
            TouchKind::Impression => 0,
            TouchKind::Click => 1,
            TouchKind::Visit => 2,
            TouchKind::Form => 3,
            TouchKind::LeadCreated => 4,
            TouchKind::OpportunityCreated => 5,
            TouchKind::Direct => 6,
        }
    }

    const fn name(self) -> &'static str {
        match self {
            TouchKind::Impression => "impression",
            TouchKind::Click => "click",
            TouchKind::Visit => "visit",
            TouchKind::Form => "form",
            TouchKind::LeadCreated => "lead created",
            TouchKind::OpportunityCreated => "opportunity created",
            TouchKind::Direct => "direct",
        }
    }
}

impl fmt::Display for TouchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One contact of a party with marketing: at an instant, through a channel,
/// for a campaign or none (a direct visit).
///
/// Touchpoints order by instant, then kind, channel, campaign and party (the
/// field order): attribution sorts them so, which makes its result
/// independent of the order they are given in.
///
/// ```
/// use bureau_core::PartyId;
/// use bureau_crm::{CampaignId, MarketingChannel, TouchKind, Touchpoint};
/// use chrono::{DateTime, TimeDelta};
///
/// let t = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
/// let ada = PartyId::from_u128(1);
/// let click = Touchpoint::new(ada, Some(CampaignId::from_u128(9)), MarketingChannel::PaidSearch, t, TouchKind::Click);
/// let direct = Touchpoint::new(ada, None, MarketingChannel::Direct, t, TouchKind::Direct);
/// assert!(click < direct); // same instant: the kind decides
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Touchpoint {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: TouchKind,
    /// Through which channel.
    pub channel: MarketingChannel,
    /// The campaign it belongs to, if any.
    pub campaign: Option<CampaignId>,
    /// Who was touched.
    pub party: PartyId,
}

impl Touchpoint {
    /// A touchpoint.
    pub const fn new(
        party: PartyId,
        campaign: Option<CampaignId>,
        channel: MarketingChannel,
        at: DateTime<Utc>,
        kind: TouchKind,
    ) -> Self {
        Self {
            at,
            kind,
            channel,
            campaign,
            party,
        }
    }

    /// Whether the touch is a direct visit: of kind [`TouchKind::Direct`] or
    /// through [`MarketingChannel::Direct`]. Last non-direct attribution
    /// skips such touches.
    ///
    /// ```
    /// use bureau_core::PartyId;
    /// use bureau_crm::{MarketingChannel, TouchKind, Touchpoint};
    /// use chrono::DateTime;
    ///
    /// let p = PartyId::from_u128(1);
    /// assert!(Touchpoint::new(p, None, MarketingChannel::Direct, DateTime::UNIX_EPOCH, TouchKind::Visit).is_direct());
    /// assert!(!Touchpoint::new(p, None, MarketingChannel::Email, DateTime::UNIX_EPOCH, TouchKind::Visit).is_direct());
    /// ```
    pub fn is_direct(&self) -> bool {
        self.kind == TouchKind::Direct || self.channel == MarketingChannel::Direct
    }
}

/// What a campaign cost and brought over a period: the input of a
/// [`CampaignReport`].
///
/// ```
/// use bureau_crm::CampaignTotals;
/// let totals = CampaignTotals::new("1000.00 USD".parse()?, "2500.00 USD".parse()?, 40, 5);
/// assert_eq!(totals.leads, 40);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CampaignTotals {
    /// What was spent.
    pub spend: Money,
    /// The revenue attributed to the campaign (for example the sum of
    /// [`Attribution::revenue_for`](crate::attribution::Attribution::revenue_for)
    /// over its conversions).
    pub revenue: Money,
    /// Leads credited to it.
    pub leads: u64,
    /// Customers acquired through it.
    pub acquisitions: u64,
}

impl CampaignTotals {
    /// The totals.
    pub const fn new(spend: Money, revenue: Money, leads: u64, acquisitions: u64) -> Self {
        Self {
            spend,
            revenue,
            leads,
            acquisitions,
        }
    }

    /// The report of these totals.
    ///
    /// - ROI = (revenue − spend) / spend, an unrounded [`Rate`] (`1` is
    ///   +100 %); `None` when nothing was spent (any revenue would be an
    ///   infinite return).
    /// - Cost per lead = spend / leads, cost per acquisition = spend /
    ///   acquisitions, each rounded once to the currency's minor units with
    ///   `strategy`; `None` when the count is zero.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] naming `spend` when it is below zero;
    /// [`Error::Core`] when spend and revenue are in different currencies.
    ///
    /// ```
    /// use bureau_core::{Decimal, Money, Rate, RoundingStrategy};
    /// use bureau_crm::CampaignTotals;
    ///
    /// let report = CampaignTotals::new("1000.00 USD".parse()?, "2500.00 USD".parse()?, 3, 0)
    ///     .report(RoundingStrategy::MidpointNearestEven)?;
    /// assert_eq!(report.roi, Some(Rate::new(Decimal::new(15, 1)))); // +150 %
    /// assert_eq!(report.cost_per_lead, Some("333.33 USD".parse::<Money>()?));
    /// assert_eq!(report.cost_per_acquisition, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report(&self, strategy: RoundingStrategy) -> Result<CampaignReport> {
        if self.spend.is_negative() {
            return Err(Error::NegativeAmount {
                field: "spend",
                amount: self.spend,
            });
        }
        let profit = self.revenue.checked_sub(self.spend)?;
        let roi = profit
            .amount()
            .checked_div(self.spend.amount())
            .map(Rate::new);
        let per = |count: u64| -> Result<Option<Money>> {
            if count == 0 {
                return Ok(None);
            }
            // A positive count divides a Decimal without overflow.
            let cost = self.spend.amount() / Decimal::from(count);
            Ok(Some(Money::rounded(cost, self.spend.currency(), strategy)?))
        };
        Ok(CampaignReport {
            spend: self.spend,
            revenue: self.revenue,
            roi,
            cost_per_lead: per(self.leads)?,
            cost_per_acquisition: per(self.acquisitions)?,
        })
    }
}

/// Spend, attributed revenue and what they give, from
/// [`CampaignTotals::report`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CampaignReport {
    /// What was spent.
    pub spend: Money,
    /// The revenue attributed.
    pub revenue: Money,
    /// (revenue − spend) / spend; `None` for no spend.
    pub roi: Option<Rate>,
    /// spend / leads; `None` for no leads.
    pub cost_per_lead: Option<Money>,
    /// spend / acquisitions; `None` for none.
    pub cost_per_acquisition: Option<Money>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(text: &str) -> Money {
        format!("{text} USD").parse().unwrap()
    }

    #[test]
    fn report_table() {
        // (spend, revenue, leads, acquisitions) -> (roi, cost per lead, cost per acquisition)
        type Row = (
            &'static str,
            &'static str,
            u64,
            u64,
            Option<Decimal>,
            Option<&'static str>,
            Option<&'static str>,
        );
        #[rustfmt::skip]
        let rows: [Row; 5] = [
            ("100.00", "300.00", 10, 2, Some(Decimal::from(2)), Some("10.00"), Some("50.00")),
            ("100.00", "100.00", 3, 1, Some(Decimal::ZERO), Some("33.33"), Some("100.00")),
            ("200.00", "50.00", 0, 0, Some(Decimal::new(-75, 2)), None, None),
            ("0.00", "50.00", 4, 1, None, Some("0.00"), Some("0.00")),
            ("0.05", "0.00", 2, 3, Some(Decimal::from(-1)), Some("0.02"), Some("0.02")),
        ];
        for (spend, revenue, leads, acquisitions, roi, cpl, cpa) in rows {
            let report = CampaignTotals::new(usd(spend), usd(revenue), leads, acquisitions)
                .report(RoundingStrategy::MidpointNearestEven)
                .unwrap_or_else(|e| panic!("{spend}: {e}"));
            assert_eq!(
                report.roi.map(Rate::value),
                roi,
                "roi for {spend}/{revenue}"
            );
            assert_eq!(report.cost_per_lead, cpl.map(usd), "cpl for {spend}");
            assert_eq!(report.cost_per_acquisition, cpa.map(usd), "cpa for {spend}");
        }
    }

    #[test]
    fn negative_spend_is_named() {
        let err = CampaignTotals::new(usd("-1.00"), usd("0.00"), 0, 0)
            .report(RoundingStrategy::ToZero)
            .err();
        assert!(matches!(
            err,
            Some(Error::NegativeAmount { field: "spend", .. })
        ));
    }
}
