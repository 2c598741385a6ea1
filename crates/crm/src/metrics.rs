//! Customer metrics with their exact formulas.
//!
//! Shares are [`Percent`]s computed exactly in decimal (a quotient that
//! does not terminate is carried to 28 significant digits) and not rounded:
//! the caller rounds for display with the strategy it names. Amounts are
//! [`Money`], computed in decimal with one division at the end and rounded
//! once to the currency's minor units with the [`RoundingStrategy`] the
//! caller passes.
//!
//! | metric | formula | range |
//! |---|---|---|
//! | [`nps`] | 100 × (responses 9–10 − responses 0–6) / responses, on 0–10 | −100..=100 |
//! | [`csat`] | 100 × responses 4–5 / responses, on 1–5 | 0..=100 |
//! | [`ces`] | mean of responses, and 100 × responses 5–7 / responses, on 1–7 | 1..=7, 0..=100 |
//! | [`customer_churn`] | 100 × customers lost / customers at start | 0..=100 |
//! | [`RevenueMovement::gross_churn`] | 100 × (contraction + churned) / revenue at start | 0..=100 |
//! | [`RevenueMovement::net_retention`] | 100 × (start + expansion − contraction − churned) / start | ≥ 0 |
//! | [`clv_simple`] | revenue per period × margin × periods | |
//! | [`clv_from_churn`] | revenue per period × margin / churn rate | |
//! | [`clv_discounted`] | revenue per period × margin × r / (1 + d − r), r = 1 − churn rate, d = discount rate | |
//! | [`cac`] | acquisition spend / customers acquired | |
//!
//! The discounted lifetime value is the sum over periods t ≥ 1 of
//! margin × rᵗ / (1 + d)ᵗ: each period's margin is earned at the end of the
//! period by the customers still there, none at the start.

use bureau_core::{Decimal, Money, Percent, Rate, RoundingStrategy};

use crate::{Error, Result};

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

fn share(part: usize, whole: usize) -> Percent {
    let part = Decimal::from(part);
    let whole = Decimal::from(whole);
    Percent::new(hundred() * part / whole)
}

fn check_responses(metric: &'static str, responses: &[u8], min: u8, max: u8) -> Result<()> {
    if responses.is_empty() {
        return Err(Error::NoData { metric });
    }
    if let Some(&value) = responses.iter().find(|r| !(min..=max).contains(*r)) {
        return Err(Error::ResponseOutOfRange {
            metric,
            value,
            min,
            max,
        });
    }
    Ok(())
}

/// Net promoter score of answers on 0–10: the share of promoters (9–10)
/// minus the share of detractors (0–6), in percentage points.
///
/// # Errors
///
/// [`Error::NoData`] without answers; [`Error::ResponseOutOfRange`] for an
/// answer above 10.
///
/// ```
/// use bureau_crm::metrics::nps;
/// use bureau_core::Decimal;
///
/// // 3 promoters, 1 passive, 1 detractor: 60 % - 20 %.
/// assert_eq!(nps(&[10, 9, 9, 8, 3])?.value(), Decimal::from(40));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn nps(responses: &[u8]) -> Result<Percent> {
    check_responses("nps", responses, 0, 10)?;
    let promoters = responses.iter().filter(|r| **r >= 9).count();
    let detractors = responses.iter().filter(|r| **r <= 6).count();
    // One division, so the result is exact whenever it terminates.
    let difference = Decimal::from(promoters) - Decimal::from(detractors);
    Ok(Percent::new(
        hundred() * difference / Decimal::from(responses.len()),
    ))
}

/// Customer satisfaction of answers on 1–5: the share of 4 and 5.
///
/// # Errors
///
/// [`Error::NoData`] without answers; [`Error::ResponseOutOfRange`] outside 1–5.
///
/// ```
/// use bureau_crm::metrics::csat;
/// use bureau_core::Decimal;
///
/// assert_eq!(csat(&[5, 4, 3, 1])?.value(), Decimal::from(50));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn csat(responses: &[u8]) -> Result<Percent> {
    check_responses("csat", responses, 1, 5)?;
    let satisfied = responses.iter().filter(|r| **r >= 4).count();
    Ok(share(satisfied, responses.len()))
}

/// A customer effort score: the mean answer and the share of easy answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CesSummary {
    /// The mean answer, 1 to 7.
    pub mean: Decimal,
    /// The share of answers 5 to 7.
    pub share_easy: Percent,
}

/// Customer effort score of answers on 1–7 (7 the easiest).
///
/// # Errors
///
/// [`Error::NoData`] without answers; [`Error::ResponseOutOfRange`] outside 1–7.
///
/// ```
/// use bureau_crm::metrics::ces;
/// use bureau_core::Decimal;
///
/// let score = ces(&[7, 6, 5, 2])?;
/// assert_eq!(score.mean, Decimal::new(5, 0));
/// assert_eq!(score.share_easy.value(), Decimal::from(75));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn ces(responses: &[u8]) -> Result<CesSummary> {
    check_responses("ces", responses, 1, 7)?;
    let total: u64 = responses.iter().map(|r| u64::from(*r)).sum();
    let easy = responses.iter().filter(|r| **r >= 5).count();
    Ok(CesSummary {
        mean: Decimal::from(total) / Decimal::from(responses.len()),
        share_easy: share(easy, responses.len()),
    })
}

/// Customer churn over a period: customers lost during it over customers
/// at its start. Customers acquired during the period count in neither.
///
/// # Errors
///
/// [`Error::NoData`] with no customer at the start;
/// [`Error::InvalidMetricInput`] when more are lost than there were.
///
/// ```
/// use bureau_crm::metrics::customer_churn;
/// use bureau_core::Decimal;
///
/// assert_eq!(customer_churn(200, 5)?.value(), Decimal::new(25, 1));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn customer_churn(customers_at_start: u64, lost: u64) -> Result<Percent> {
    if customers_at_start == 0 {
        return Err(Error::NoData {
            metric: "customer churn",
        });
    }
    if lost > customers_at_start {
        return Err(Error::InvalidMetricInput {
            metric: "customer churn",
            problem: format!("{lost} customers lost of {customers_at_start}"),
        });
    }
    Ok(Percent::new(
        hundred() * Decimal::from(lost) / Decimal::from(customers_at_start),
    ))
}

/// The recurring revenue of a set of customers over a period: at its
/// start, and how it moved (all amounts not negative, in one currency).
///
/// ```
/// use bureau_crm::metrics::RevenueMovement;
/// use bureau_core::{Decimal, money};
///
/// let movement = RevenueMovement::new(money!(10000.00 EUR), money!(1500.00 EUR), money!(300.00 EUR), money!(700.00 EUR))?;
/// assert_eq!(movement.gross_churn()?.value(), Decimal::from(10));
/// assert_eq!(movement.net_retention()?.value(), Decimal::from(105));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RevenueMovement {
    start: Money,
    expansion: Money,
    contraction: Money,
    churned: Money,
}

impl RevenueMovement {
    /// Revenue at the start, added by existing customers (expansion), lost
    /// by customers who stayed (contraction) and lost with customers who
    /// left (churned). Revenue of new customers is in none of them.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] when the currencies differ;
    /// [`Error::InvalidMetricInput`] for a negative amount or when
    /// contraction and churn exceed the start.
    pub fn new(start: Money, expansion: Money, contraction: Money, churned: Money) -> Result<Self> {
        let invalid = |problem: String| Error::InvalidMetricInput {
            metric: "revenue movement",
            problem,
        };
        for (name, amount) in [
            ("start", start),
            ("expansion", expansion),
            ("contraction", contraction),
            ("churned", churned),
        ] {
            if amount.currency() != start.currency() {
                return Err(bureau_core::Error::currency_mismatch(
                    start.currency(),
                    amount.currency(),
                )
                .into());
            }
            if amount.is_negative() {
                return Err(invalid(format!("{name} {amount} is negative")));
            }
        }
        if contraction
            .checked_add(churned)?
            .checked_cmp(start)?
            .is_gt()
        {
            return Err(invalid(format!(
                "contraction {contraction} and churn {churned} exceed the start {start}"
            )));
        }
        Ok(RevenueMovement {
            start,
            expansion,
            contraction,
            churned,
        })
    }

    /// Gross revenue churn: 100 × (contraction + churned) / start.
    ///
    /// # Errors
    ///
    /// [`Error::NoData`] when the start is zero.
    pub fn gross_churn(&self) -> Result<Percent> {
        let lost = self.contraction.amount() + self.churned.amount();
        self.of_start("revenue churn", lost)
    }

    /// Net revenue retention: 100 × (start + expansion − contraction −
    /// churned) / start.
    ///
    /// # Errors
    ///
    /// [`Error::NoData`] when the start is zero.
    pub fn net_retention(&self) -> Result<Percent> {
        let kept = self.start.amount() + self.expansion.amount()
            - self.contraction.amount()
            - self.churned.amount();
        self.of_start("net revenue retention", kept)
    }

    fn of_start(&self, metric: &'static str, amount: Decimal) -> Result<Percent> {
        if self.start.is_zero() {
            return Err(Error::NoData { metric });
        }
        Ok(Percent::new(hundred() * amount / self.start.amount()))
    }
}

fn check_margin(margin: Rate) -> Result<Decimal> {
    let value = margin.value();
    if value < Decimal::ZERO || value > Decimal::ONE {
        return Err(Error::InvalidMetricInput {
            metric: "customer lifetime value",
            problem: format!("margin {value} is outside 0 to 1"),
        });
    }
    Ok(value)
}

fn check_churn(churn: Rate) -> Result<Decimal> {
    let value = churn.value();
    if value <= Decimal::ZERO || value > Decimal::ONE {
        return Err(Error::InvalidMetricInput {
            metric: "customer lifetime value",
            problem: format!("churn rate {value} is not above 0 and at most 1"),
        });
    }
    Ok(value)
}

fn money(amount: Option<Decimal>, like: Money, strategy: RoundingStrategy) -> Result<Money> {
    let amount = amount.ok_or_else(|| Error::InvalidMetricInput {
        metric: "customer lifetime value",
        problem: format!("the amount from {like} overflows"),
    })?;
    Ok(Money::rounded(amount, like.currency(), strategy)?)
}

/// Lifetime value from an expected lifetime: revenue per period × gross
/// margin × periods.
///
/// # Errors
///
/// [`Error::InvalidMetricInput`] for a margin outside 0 to 1, negative
/// periods or an overflow; [`Error::Core`] when rounding overflows.
///
/// ```
/// use bureau_crm::metrics::clv_simple;
/// use bureau_core::{Decimal, Rate, RoundingStrategy, money};
///
/// let clv = clv_simple(money!(100.00 USD), Rate::new(Decimal::new(8, 1)), Decimal::from(24), RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(clv, money!(1920.00 USD));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn clv_simple(
    revenue_per_period: Money,
    margin: Rate,
    periods: Decimal,
    strategy: RoundingStrategy,
) -> Result<Money> {
    let margin = check_margin(margin)?;
    if periods < Decimal::ZERO {
        return Err(Error::InvalidMetricInput {
            metric: "customer lifetime value",
            problem: format!("{periods} periods is negative"),
        });
    }
    let amount = revenue_per_period
        .amount()
        .checked_mul(margin)
        .and_then(|m| m.checked_mul(periods));
    money(amount, revenue_per_period, strategy)
}

/// Lifetime value from the churn rate per period (expected lifetime 1 /
/// churn): revenue per period × gross margin / churn rate.
///
/// # Errors
///
/// [`Error::InvalidMetricInput`] for a margin outside 0 to 1 or a churn
/// rate not in (0, 1] or an overflow; [`Error::Core`] when rounding
/// overflows.
///
/// ```
/// use bureau_crm::metrics::clv_from_churn;
/// use bureau_core::{Decimal, Rate, RoundingStrategy, money};
///
/// // 3 % monthly churn: 33.3 months on average.
/// let clv = clv_from_churn(money!(100.00 USD), Rate::new(Decimal::new(8, 1)), Rate::new(Decimal::new(3, 2)), RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(clv, money!(2666.67 USD));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn clv_from_churn(
    revenue_per_period: Money,
    margin: Rate,
    churn: Rate,
    strategy: RoundingStrategy,
) -> Result<Money> {
    let margin = check_margin(margin)?;
    let churn = check_churn(churn)?;
    let amount = revenue_per_period
        .amount()
        .checked_mul(margin)
        .and_then(|m| m.checked_div(churn));
    money(amount, revenue_per_period, strategy)
}

/// Lifetime value discounted at `discount` per period: revenue per period
/// × gross margin × r / (1 + d − r), with retention r = 1 − churn rate.
///
/// # Errors
///
/// [`Error::InvalidMetricInput`] for a margin outside 0 to 1, a churn rate
/// not in (0, 1], a negative discount rate or an overflow; [`Error::Core`]
/// when rounding overflows.
///
/// ```
/// use bureau_crm::metrics::clv_discounted;
/// use bureau_core::{Decimal, Rate, RoundingStrategy, money};
///
/// // r = 0.8, d = 0.1: 1000 × 0.5 × 0.8 / 0.3
/// let clv = clv_discounted(money!(1000.00 USD), Rate::new(Decimal::new(5, 1)), Rate::new(Decimal::new(2, 1)), Rate::new(Decimal::new(1, 1)), RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(clv, money!(1333.33 USD));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn clv_discounted(
    revenue_per_period: Money,
    margin: Rate,
    churn: Rate,
    discount: Rate,
    strategy: RoundingStrategy,
) -> Result<Money> {
    let margin = check_margin(margin)?;
    let retention = Decimal::ONE - check_churn(churn)?;
    let discount = discount.value();
    if discount < Decimal::ZERO {
        return Err(Error::InvalidMetricInput {
            metric: "customer lifetime value",
            problem: format!("discount rate {discount} is negative"),
        });
    }
    // 1 + d - r >= churn > 0: never a division by zero.
    let denominator = Decimal::ONE + discount - retention;
    let amount = revenue_per_period
        .amount()
        .checked_mul(margin)
        .and_then(|m| m.checked_mul(retention))
        .and_then(|m| m.checked_div(denominator));
    money(amount, revenue_per_period, strategy)
}

/// Customer acquisition cost: sales and marketing spend over a period /
/// customers acquired in it.
///
/// # Errors
///
/// [`Error::NoData`] with no customer acquired;
/// [`Error::InvalidMetricInput`] for a negative spend.
///
/// ```
/// use bureau_crm::metrics::cac;
/// use bureau_core::{RoundingStrategy, money};
///
/// assert_eq!(cac(money!(10000.00 EUR), 3, RoundingStrategy::MidpointNearestEven)?, money!(3333.33 EUR));
/// # Ok::<(), bureau_crm::Error>(())
/// ```
pub fn cac(spend: Money, customers_acquired: u64, strategy: RoundingStrategy) -> Result<Money> {
    if customers_acquired == 0 {
        return Err(Error::NoData { metric: "cac" });
    }
    if spend.is_negative() {
        return Err(Error::InvalidMetricInput {
            metric: "cac",
            problem: format!("spend {spend} is negative"),
        });
    }
    let amount = spend
        .amount()
        .checked_div(Decimal::from(customers_acquired));
    money(amount, spend, strategy)
}

#[cfg(test)]
mod tests {
    use bureau_core::money;

    use super::*;

    fn pct(value: &str) -> Percent {
        Percent::new(value.parse().unwrap_or_default())
    }

    #[test]
    fn survey_table() -> Result<()> {
        let nps_cases: &[(&[u8], &str)] = &[
            (&[10], "100"),
            (&[0], "-100"),
            (&[7, 8], "0"),
            (&[9, 6, 7], "0"),
            (&[10, 10, 0], "33.333333333333333333333333333"),
            (&[9, 9, 9, 6], "50"),
        ];
        for (responses, expected) in nps_cases {
            assert_eq!(nps(responses)?, pct(expected), "{responses:?}");
        }
        assert_eq!(csat(&[3, 3, 3])?, pct("0"));
        assert_eq!(csat(&[4, 5, 1])?, pct("66.666666666666666666666666667"));
        let effort = ces(&[1, 2])?;
        assert_eq!(
            (effort.mean, effort.share_easy),
            ("1.5".parse().unwrap_or_default(), pct("0"))
        );
        assert_eq!(nps(&[]), Err(Error::NoData { metric: "nps" }));
        assert_eq!(
            csat(&[0]).map_err(|e| e.to_string()),
            Err("csat answer 0 is outside 1..=5".to_owned())
        );
        assert!(ces(&[8]).is_err());
        Ok(())
    }

    #[test]
    fn churn_and_retention_table() -> Result<()> {
        assert_eq!(customer_churn(3, 1)?, pct("33.333333333333333333333333333"));
        assert_eq!(customer_churn(10, 0)?, pct("0"));
        assert!(customer_churn(0, 0).is_err());
        assert!(customer_churn(1, 2).is_err());
        let movement = RevenueMovement::new(
            money!(200.00 USD),
            money!(0.00 USD),
            money!(0.00 USD),
            money!(200.00 USD),
        )?;
        assert_eq!(
            (movement.gross_churn()?, movement.net_retention()?),
            (pct("100"), pct("0"))
        );
        assert!(
            RevenueMovement::new(
                money!(100.00 USD),
                money!(0.00 USD),
                money!(60.00 USD),
                money!(50.00 USD)
            )
            .is_err()
        );
        assert!(
            RevenueMovement::new(
                money!(100.00 USD),
                money!(1.00 EUR),
                money!(0.00 USD),
                money!(0.00 USD)
            )
            .is_err()
        );
        assert!(
            RevenueMovement::new(
                money!(100.00 USD),
                money!(-1.00 USD),
                money!(0.00 USD),
                money!(0.00 USD)
            )
            .is_err()
        );
        let empty = RevenueMovement::new(
            money!(0.00 USD),
            money!(5.00 USD),
            money!(0.00 USD),
            money!(0.00 USD),
        )?;
        assert!(empty.net_retention().is_err());
        Ok(())
    }

    #[test]
    fn value_and_cost_table() -> Result<()> {
        let even = RoundingStrategy::MidpointNearestEven;
        let rate = |text: &str| Rate::new(text.parse().unwrap_or_default());
        // Lifetime of exactly 1 / churn periods agrees with the simple form.
        assert_eq!(
            clv_from_churn(money!(50.00 USD), rate("0.5"), rate("0.25"), even)?,
            clv_simple(money!(50.00 USD), rate("0.5"), Decimal::from(4), even)?
        );
        // Full churn after one period: nothing is left to earn at its end.
        assert_eq!(
            clv_discounted(money!(50.00 USD), rate("1"), rate("1"), rate("0"), even)?,
            money!(0.00 USD)
        );
        // No discount: r / (1 - r) periods, one fewer than 1 / churn.
        assert_eq!(
            clv_discounted(money!(100.00 USD), rate("1"), rate("0.25"), rate("0"), even)?,
            money!(300.00 USD)
        );
        assert!(clv_from_churn(money!(1.00 USD), rate("0.5"), rate("0"), even).is_err());
        assert!(clv_simple(money!(1.00 USD), rate("1.5"), Decimal::ONE, even).is_err());
        assert!(
            clv_discounted(
                money!(1.00 USD),
                rate("0.5"),
                rate("0.5"),
                rate("-0.1"),
                even
            )
            .is_err()
        );
        // 0.03 / 6 = 0.005 exactly: the named strategy decides the tie.
        assert_eq!(cac(money!(0.03 USD), 6, even)?, money!(0.00 USD));
        assert_eq!(
            cac(money!(0.03 USD), 6, RoundingStrategy::MidpointAwayFromZero)?,
            money!(0.01 USD)
        );
        assert!(cac(money!(1.00 USD), 0, even).is_err());
        Ok(())
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn survey_scores_stay_in_range(answers in prop::collection::vec(0_u8..=10, 1..200)) {
            let score = nps(&answers)?.value();
            prop_assert!(score >= -hundred() && score <= hundred());
            // Adding a promoter never lowers the score.
            let mut more = answers.clone();
            more.push(10);
            prop_assert!(nps(&more)?.value() >= score);
            let five: Vec<u8> = answers.iter().map(|a| a % 5 + 1).collect();
            let satisfied = csat(&five)?.value();
            prop_assert!(satisfied >= Decimal::ZERO && satisfied <= hundred());
            let seven: Vec<u8> = answers.iter().map(|a| a % 7 + 1).collect();
            let effort = ces(&seven)?;
            prop_assert!(effort.mean >= Decimal::ONE && effort.mean <= Decimal::from(7));
        }

        #[test]
        fn retention_and_churn_add_up(start in 1_i64..1_000_000, lost in 0_i64..1_000_000, expansion in 0_i64..1_000_000) {
            let lost = lost.min(start);
            let usd = |minor: i64| Money::from_minor(i128::from(minor), bureau_core::Currency::USD);
            let movement = RevenueMovement::new(usd(start)?, usd(expansion)?, usd(0)?, usd(lost)?)?;
            let churn = movement.gross_churn()?.value();
            let expanded = hundred() * Decimal::from(expansion) / Decimal::from(start);
            let retention = movement.net_retention()?.value();
            // NRR = 100 + expansion share - churn share, up to the last of 28 digits.
            let gap = (retention - (hundred() + expanded - churn)).abs();
            prop_assert!(gap <= Decimal::new(1, 20), "{gap}");
        }
    }
}
