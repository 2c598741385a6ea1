//! Lifecycle stages of a party and the rules for moving between them.

use std::fmt;
use std::str::FromStr;

use bureau_core::UserId;
use chrono::{DateTime, Utc};

use crate::text::RuleName;
use crate::{Error, LeadId, Result};

/// Where a party stands in its relationship with the company, in the order
/// a relationship usually goes, plus [`Churned`](LifecycleStage::Churned).
///
/// Moves follow [`LifecycleStage::may_move_to`]: forward only (stages may be
/// skipped), with two documented steps back: a customer or evangelist who
/// leaves is churned, and a churned party that buys again is a customer.
///
/// ```
/// use bureau_crm::LifecycleStage;
///
/// assert!(LifecycleStage::Lead.may_move_to(LifecycleStage::Opportunity));
/// assert!(!LifecycleStage::Opportunity.may_move_to(LifecycleStage::Lead));
/// assert!(LifecycleStage::Customer.may_move_to(LifecycleStage::Churned));
/// assert!(LifecycleStage::Churned.may_move_to(LifecycleStage::Customer));
/// assert!(!LifecycleStage::Lead.may_move_to(LifecycleStage::Churned));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum LifecycleStage {
    /// Receives content, nothing more.
    Subscriber,
    /// Showed interest.
    Lead,
    /// Qualified by marketing (MQL).
    MarketingQualified,
    /// Qualified by sales (SQL).
    SalesQualified,
    /// In an open deal.
    Opportunity,
    /// Bought.
    Customer,
    /// A customer who recommends the company.
    Evangelist,
    /// A former customer.
    Churned,
}

impl LifecycleStage {
    /// Every stage, in the order of a relationship, churned last.
    pub const ALL: [LifecycleStage; 8] = [
        LifecycleStage::Subscriber,
        LifecycleStage::Lead,
        LifecycleStage::MarketingQualified,
        LifecycleStage::SalesQualified,
        LifecycleStage::Opportunity,
        LifecycleStage::Customer,
        LifecycleStage::Evangelist,
        LifecycleStage::Churned,
    ];

    /// Whether a party at this stage may move to `to`: to any later stage
    /// before churned; from customer or evangelist to churned; from churned
    /// back to customer (won back). Never to the stage it is at.
    ///
    /// ```
    /// use bureau_crm::LifecycleStage;
    /// assert!(LifecycleStage::Subscriber.may_move_to(LifecycleStage::Customer));
    /// assert!(!LifecycleStage::Customer.may_move_to(LifecycleStage::Customer));
    /// ```
    pub fn may_move_to(self, to: LifecycleStage) -> bool {
        use LifecycleStage::{Churned, Customer, Evangelist};
        match (self, to) {
            (Customer | Evangelist, Churned) | (Churned, Customer) => true,
            (_, Churned) | (Churned, _) => false,
            (from, to) => to > from,
        }
    }
}

impl LifecycleStage {
    /// The stage's name, in snake case as it is serialized and displayed.
    pub const fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Subscriber => "subscriber",
            LifecycleStage::Lead => "lead",
            LifecycleStage::MarketingQualified => "marketing_qualified",
            LifecycleStage::SalesQualified => "sales_qualified",
            LifecycleStage::Opportunity => "opportunity",
            LifecycleStage::Customer => "customer",
            LifecycleStage::Evangelist => "evangelist",
            LifecycleStage::Churned => "churned",
        }
    }
}

impl fmt::Display for LifecycleStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A stage from its name as [`LifecycleStage::as_str`] writes it, after
/// trimming; the name is matched exactly (lower case, `_` between words).
///
/// # Errors
///
/// [`Error::UnknownStage`] naming the field `stage` and the text given.
///
/// ```
/// use bureau_crm::{Error, LifecycleStage};
///
/// assert_eq!(" sales_qualified ".parse::<LifecycleStage>()?, LifecycleStage::SalesQualified);
/// let err = "prospect".parse::<LifecycleStage>().unwrap_err();
/// assert!(matches!(err, Error::UnknownStage { field: "stage", .. }));
/// assert_eq!(err.to_string(), "stage \"prospect\" is not a lifecycle stage");
/// # Ok::<(), bureau_crm::Error>(())
/// ```
impl FromStr for LifecycleStage {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let name = s.trim();
        LifecycleStage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == name)
            .ok_or_else(|| Error::UnknownStage {
                field: "stage",
                input: s.to_owned(),
            })
    }
}

/// Why a stage changed.
///
/// ```
/// use bureau_crm::{RuleName, StageCause};
/// let cause = StageCause::Rule(RuleName::new("deal won")?);
/// assert_eq!(cause.to_string(), "rule deal won");
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum StageCause {
    /// A user set it.
    User(UserId),
    /// A rule or automation set it.
    Rule(RuleName),
    /// The conversion of a lead.
    LeadConverted(LeadId),
}

impl fmt::Display for StageCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageCause::User(user) => write!(f, "user {user}"),
            StageCause::Rule(rule) => write!(f, "rule {rule}"),
            StageCause::LeadConverted(lead) => write!(f, "conversion of lead {lead}"),
        }
    }
}

/// One recorded move between stages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct StageChange {
    /// The stage before, `None` for the first stage set.
    pub from: Option<LifecycleStage>,
    /// The stage after.
    pub to: LifecycleStage,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub cause: StageCause,
}

#[cfg(test)]
mod tests {
    use super::LifecycleStage::{self, *};

    #[test]
    fn transition_table() {
        // Row: from; columns in ALL order; 1 = allowed.
        let table: [(LifecycleStage, [u8; 8]); 8] = [
            (Subscriber, [0, 1, 1, 1, 1, 1, 1, 0]),
            (Lead, [0, 0, 1, 1, 1, 1, 1, 0]),
            (MarketingQualified, [0, 0, 0, 1, 1, 1, 1, 0]),
            (SalesQualified, [0, 0, 0, 0, 1, 1, 1, 0]),
            (Opportunity, [0, 0, 0, 0, 0, 1, 1, 0]),
            (Customer, [0, 0, 0, 0, 0, 0, 1, 1]),
            (Evangelist, [0, 0, 0, 0, 0, 0, 0, 1]),
            (Churned, [0, 0, 0, 0, 0, 1, 0, 0]),
        ];
        for (from, row) in table {
            for (to, allowed) in LifecycleStage::ALL.into_iter().zip(row) {
                assert_eq!(from.may_move_to(to), allowed == 1, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn names_read_back_and_unknown_ones_are_refused() {
        for stage in LifecycleStage::ALL {
            assert_eq!(stage.to_string().parse::<LifecycleStage>(), Ok(stage));
            // The serialized name is the same one.
            assert_eq!(
                serde_json::to_string(&stage).ok(),
                Some(format!("\"{}\"", stage.as_str()))
            );
        }
        for bad in ["", "Lead", "marketing qualified", "prospect", "mql"] {
            assert_eq!(
                bad.parse::<LifecycleStage>(),
                Err(crate::Error::UnknownStage {
                    field: "stage",
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
    }
}
