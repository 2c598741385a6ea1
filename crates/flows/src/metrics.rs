//! Metrics that see both offices at once: revenue per employee, cost to
//! serve per customer, quote-to-cash cycle time, days sales outstanding,
//! and SLA adherence beside churn per segment.
//!
//! Each is a pure function over what the domains report (revenue from the
//! ledger or the invoices, headcount from HR, support time from SLA
//! records, receivables from the ledger's aging): the caller gathers the
//! inputs, the function does the exact arithmetic.

use std::collections::BTreeMap;

use bureau_core::{Decimal, Money, PartyId, Percent, Rate, RoundingStrategy};
use chrono::{NaiveDate, TimeDelta};

/// What a metric could not compute, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricError {
    /// A ratio's denominator is zero (no employees, no revenue, no days).
    #[error("{metric}: {what} is zero")]
    Zero {
        /// The metric.
        metric: &'static str,
        /// What is zero.
        what: &'static str,
    },
    /// An input is negative where it cannot be (a headcount, a duration,
    /// a cycle that ends before it starts).
    #[error("{metric}: {what} is negative")]
    Negative {
        /// The metric.
        metric: &'static str,
        /// What is negative.
        what: &'static str,
    },
    /// Amounts in different currencies were combined, or a result left the
    /// range of money.
    #[error("{metric}: {source}")]
    Money {
        /// The metric.
        metric: &'static str,
        /// What bureau-core reported.
        #[source]
        source: bureau_core::Error,
    },
}

/// Revenue per employee: `revenue` over `headcount` (full-time
/// equivalents, which may be fractional), rounded with `strategy`.
///
/// # Errors
///
/// [`MetricError::Zero`] for a headcount of zero, [`MetricError::Negative`]
/// for a negative one.
///
/// ```
/// use bureau_core::{money, Decimal, RoundingStrategy};
/// use bureau_flows::metrics::revenue_per_employee;
///
/// let per_head = revenue_per_employee(money!(1000000.00 EUR), Decimal::from(12), RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(per_head, money!(83333.33 EUR));
/// # Ok::<(), bureau_flows::metrics::MetricError>(())
/// ```
pub fn revenue_per_employee(
    revenue: Money,
    headcount: Decimal,
    strategy: RoundingStrategy,
) -> Result<Money, MetricError> {
    const METRIC: &str = "revenue per employee";
    if headcount.is_zero() {
        return Err(MetricError::Zero {
            metric: METRIC,
            what: "the headcount",
        });
    }
    if headcount.is_sign_negative() {
        return Err(MetricError::Negative {
            metric: METRIC,
            what: "the headcount",
        });
    }
    let share = Decimal::ONE
        .checked_div(headcount)
        .ok_or(MetricError::Zero {
            metric: METRIC,
            what: "the headcount",
        })?;
    revenue
        .mul_rate(Rate::new(share), strategy)
        .map_err(|source| MetricError::Money {
            metric: METRIC,
            source,
        })
}

/// Support time spent on one customer's tickets (from their SLA records:
/// the agent work or handling time the caller measures).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SupportTime {
    /// The customer.
    pub customer: PartyId,
    /// The time spent.
    pub spent: TimeDelta,
}

impl SupportTime {
    /// `spent` on `customer`.
    #[must_use]
    pub const fn new(customer: PartyId, spent: TimeDelta) -> Self {
        Self { customer, spent }
    }
}

/// Cost to serve per customer: the support time spent on each customer,
/// summed, times `hourly_cost`, each customer's cost rounded once with
/// `strategy`. Customers in id order.
///
/// # Errors
///
/// [`MetricError::Negative`] for a negative time; [`MetricError::Money`]
/// when a cost overflows.
///
/// ```
/// use bureau_core::{money, PartyId, RoundingStrategy};
/// use bureau_flows::metrics::{cost_to_serve, SupportTime};
/// use chrono::TimeDelta;
///
/// let (ada, bob) = (PartyId::from_u128(1), PartyId::from_u128(2));
/// let times = [
///     SupportTime::new(ada, TimeDelta::minutes(90)),
///     SupportTime::new(bob, TimeDelta::minutes(20)),
///     SupportTime::new(ada, TimeDelta::minutes(30)),
/// ];
/// let costs = cost_to_serve(&times, money!(45.00 EUR), RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(costs[&ada], money!(90.00 EUR));
/// assert_eq!(costs[&bob], money!(15.00 EUR));
/// # Ok::<(), bureau_flows::metrics::MetricError>(())
/// ```
pub fn cost_to_serve(
    times: &[SupportTime],
    hourly_cost: Money,
    strategy: RoundingStrategy,
) -> Result<BTreeMap<PartyId, Money>, MetricError> {
    const METRIC: &str = "cost to serve";
    let mut seconds: BTreeMap<PartyId, i64> = BTreeMap::new();
    for time in times {
        let spent = time.spent.num_seconds();
        if spent < 0 {
            return Err(MetricError::Negative {
                metric: METRIC,
                what: "a support time",
            });
        }
        let total = seconds.entry(time.customer).or_insert(0);
        *total = total.saturating_add(spent);
    }
    seconds
        .into_iter()
        .map(|(customer, spent)| {
            let hours = Decimal::from(spent) / Decimal::from(3600);
            hourly_cost
                .mul_rate(Rate::new(hours), strategy)
                .map(|cost| (customer, cost))
                .map_err(|source| MetricError::Money {
                    metric: METRIC,
                    source,
                })
        })
        .collect()
}

/// The quote-to-cash cycle times of a set of deals: from the day the
/// quote was drafted to the day its invoice was paid in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CycleTimes {
    /// How many deals were measured.
    pub deals: usize,
    /// The mean, in days, to 0.01 (half to even).
    pub mean_days: Decimal,
    /// The median, in days (the mean of the middle two for an even count).
    pub median_days: Decimal,
    /// The longest, in days.
    pub longest_days: i64,
}

/// The quote-to-cash cycle times of `cycles` (each the quote's day and the
/// day the invoice was paid).
///
/// # Errors
///
/// [`MetricError::Zero`] for no cycles; [`MetricError::Negative`] for a
/// cycle paid before it was quoted.
///
/// ```
/// use bureau_core::Decimal;
/// use bureau_flows::metrics::quote_to_cash;
/// use chrono::NaiveDate;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let times = quote_to_cash(&[(day(3, 1)?, day(3, 31)?), (day(3, 5)?, day(3, 15)?), (day(3, 10)?, day(4, 9)?)])?;
/// assert_eq!(times.median_days, Decimal::from(30));
/// assert_eq!(times.mean_days, "23.33".parse()?);
/// assert_eq!(times.longest_days, 30);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn quote_to_cash(cycles: &[(NaiveDate, NaiveDate)]) -> Result<CycleTimes, MetricError> {
    const METRIC: &str = "quote-to-cash cycle time";
    let mut days = Vec::with_capacity(cycles.len());
    for (quoted, paid) in cycles {
        let length = (*paid - *quoted).num_days();
        if length < 0 {
            return Err(MetricError::Negative {
                metric: METRIC,
                what: "a cycle (paid before quoted)",
            });
        }
        days.push(length);
    }
    days.sort_unstable();
    let Some(&longest) = days.last() else {
        return Err(MetricError::Zero {
            metric: METRIC,
            what: "the number of deals",
        });
    };
    let total: i64 = days.iter().sum();
    let mean_days = (Decimal::from(total) / Decimal::from(days.len()))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven.into());
    let middle = days.len() / 2;
    let median_days = if days.len() % 2 == 1 {
        Decimal::from(days[middle])
    } else {
        (Decimal::from(days[middle - 1]) + Decimal::from(days[middle])) / Decimal::TWO
    };
    Ok(CycleTimes {
        deals: days.len(),
        mean_days,
        median_days,
        longest_days: longest,
    })
}

/// Days sales outstanding: the receivables open at the end of a period over
/// the period's credit sales, times the period's `days`, to 0.01 day
/// (half to even). Receivables come from the ledger's aging, sales from
/// the invoices posted in the period.
///
/// # Errors
///
/// [`MetricError::Zero`] for sales or days of zero; [`MetricError::Money`]
/// for amounts in different currencies.
///
/// ```
/// use bureau_core::money;
/// use bureau_flows::metrics::days_sales_outstanding;
///
/// let dso = days_sales_outstanding(money!(45000.00 EUR), money!(90000.00 EUR), 30)?;
/// assert_eq!(dso, "15".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn days_sales_outstanding(
    receivables: Money,
    sales: Money,
    days: u32,
) -> Result<Decimal, MetricError> {
    const METRIC: &str = "days sales outstanding";
    // The checked difference names two currencies that differ.
    receivables
        .checked_sub(sales)
        .map_err(|source| MetricError::Money {
            metric: METRIC,
            source,
        })?;
    if sales.is_zero() || days == 0 {
        return Err(MetricError::Zero {
            metric: METRIC,
            what: if days == 0 { "the days" } else { "the sales" },
        });
    }
    let ratio = receivables
        .amount()
        .checked_mul(Decimal::from(days))
        .and_then(|scaled| scaled.checked_div(sales.amount()))
        .ok_or(MetricError::Zero {
            metric: METRIC,
            what: "the sales",
        })?;
    Ok(ratio.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven.into()))
}

/// One customer's service and fate over a period, for
/// [`adherence_and_churn`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CustomerService<S> {
    /// The customer's segment.
    pub segment: S,
    /// SLA targets met on the customer's tickets.
    pub targets_met: u64,
    /// SLA targets measured (met or breached).
    pub targets: u64,
    /// Whether the customer churned in the period.
    pub churned: bool,
}

impl<S> CustomerService<S> {
    /// A customer of `segment` whose tickets met `targets_met` of
    /// `targets` SLA targets and who churned or not.
    #[must_use]
    pub const fn new(segment: S, targets_met: u64, targets: u64, churned: bool) -> Self {
        Self {
            segment,
            targets_met,
            targets,
            churned,
        }
    }
}

/// One segment's row of [`adherence_and_churn`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SegmentService<S> {
    /// The segment.
    pub segment: S,
    /// Its customers.
    pub customers: u64,
    /// SLA targets met over measured, to 0.01% (`None` when none was
    /// measured).
    pub adherence: Option<Percent>,
    /// Customers churned over customers, to 0.01%.
    pub churn: Percent,
}

/// SLA adherence beside churn, per segment in segment order: whether the
/// segments whose tickets miss their service levels are the ones that
/// leave.
///
/// # Errors
///
/// [`MetricError::Negative`] for a customer with more targets met than
/// measured.
///
/// ```
/// use bureau_core::Percent;
/// use bureau_flows::metrics::{adherence_and_churn, CustomerService};
///
/// let rows = adherence_and_churn([
///     CustomerService::new("enterprise", 19, 20, false),
///     CustomerService::new("enterprise", 20, 20, false),
///     CustomerService::new("smb", 6, 10, true),
///     CustomerService::new("smb", 9, 10, false),
/// ])?;
/// assert_eq!(rows[0].segment, "enterprise");
/// assert_eq!(rows[0].adherence, Some(Percent::new("97.5".parse()?)));
/// assert_eq!(rows[1].churn, Percent::new(50.into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn adherence_and_churn<S: Ord + Clone>(
    customers: impl IntoIterator<Item = CustomerService<S>>,
) -> Result<Vec<SegmentService<S>>, MetricError> {
    #[derive(Default)]
    struct Tally {
        customers: u64,
        churned: u64,
        met: u64,
        measured: u64,
    }
    let mut tallies: BTreeMap<S, Tally> = BTreeMap::new();
    for customer in customers {
        if customer.targets_met > customer.targets {
            return Err(MetricError::Negative {
                metric: "SLA adherence",
                what: "a customer's breached targets (more met than measured)",
            });
        }
        let tally = tallies.entry(customer.segment).or_default();
        tally.customers += 1;
        tally.churned += u64::from(customer.churned);
        tally.met = tally.met.saturating_add(customer.targets_met);
        tally.measured = tally.measured.saturating_add(customer.targets);
    }
    let percent = |part: u64, whole: u64| {
        let ratio = Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole);
        Percent::new(ratio.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven.into()))
    };
    Ok(tallies
        .into_iter()
        .map(|(segment, tally)| SegmentService {
            segment,
            customers: tally.customers,
            adherence: (tally.measured > 0).then(|| percent(tally.met, tally.measured)),
            churn: percent(tally.churned, tally.customers),
        })
        .collect())
}
