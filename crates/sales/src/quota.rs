//! Sales quotas: the amount an owner is expected to sell in a period.

use bureau_core::{Decimal, EmployeeId, Money, Percent, Period, RoundingStrategy};

use crate::{Error, Result};

/// What an owner is expected to sell in a period.
///
/// ```
/// use bureau_core::{money, EmployeeId, Percent, Period, RoundingStrategy};
/// use bureau_sales::Quota;
/// let quota = Quota::new(EmployeeId::from_u128(7), Period::quarter(2026, 2)?, money!(90000.00 EUR))?;
/// let attainment = quota.attainment(money!(60000.00 EUR), RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(attainment, Some(Percent::new("66.67".parse()?)));
/// assert!(Quota::new(EmployeeId::from_u128(7), Period::quarter(2026, 2)?, money!(-1.00 EUR)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "QuotaFields", into = "QuotaFields")
)]
pub struct Quota {
    owner: EmployeeId,
    period: Period,
    target: Money,
}

/// A quota as stored, checked by [`Quota::new`] when read back.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct QuotaFields {
    owner: EmployeeId,
    period: Period,
    target: Money,
}

#[cfg(feature = "serde")]
impl TryFrom<QuotaFields> for Quota {
    type Error = Error;

    fn try_from(f: QuotaFields) -> Result<Self> {
        Quota::new(f.owner, f.period, f.target)
    }
}

#[cfg(feature = "serde")]
impl From<Quota> for QuotaFields {
    fn from(q: Quota) -> Self {
        QuotaFields {
            owner: q.owner,
            period: q.period,
            target: q.target,
        }
    }
}

impl Quota {
    /// `owner` is expected to sell `target` in `period`.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] when `target` is negative.
    pub fn new(owner: EmployeeId, period: Period, target: Money) -> Result<Self> {
        if target.is_negative() {
            return Err(Error::NegativeAmount {
                what: "quota",
                amount: target,
            });
        }
        Ok(Quota {
            owner,
            period,
            target,
        })
    }

    /// Whose quota.
    pub const fn owner(&self) -> EmployeeId {
        self.owner
    }

    /// For which period.
    pub const fn period(&self) -> Period {
        self.period
    }

    /// How much.
    pub const fn target(&self) -> Money {
        self.target
    }

    /// `credited / target`, in percent to 0.01 by `rounding`; `None` for a
    /// zero target.
    ///
    /// # Errors
    ///
    /// [`Error::CurrencyMismatch`] when `credited` is in another currency.
    pub fn attainment(
        &self,
        credited: Money,
        rounding: RoundingStrategy,
    ) -> Result<Option<Percent>> {
        if credited.currency() != self.target.currency() {
            return Err(Error::CurrencyMismatch {
                what: "credited amount",
                expected: self.target.currency(),
                found: credited.currency(),
            });
        }
        if self.target.is_zero() {
            return Ok(None);
        }
        let ratio = credited
            .amount()
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|n| n.checked_div(self.target.amount()))
            .ok_or(Error::Overflow {
                operation: "quota attainment",
            })?;
        Ok(Some(Percent::new(
            ratio.round_dp_with_strategy(2, rounding.into()),
        )))
    }
}
