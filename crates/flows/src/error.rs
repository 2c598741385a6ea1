//! The one error type of bureau-flows.

use bureau_core::{Currency, EmployeeId, ProductId, UserId};

use crate::{MappingKey, SourceEvent};

/// Something a rule needs and was not given: an account, a base currency,
/// an exchange rate, a product's place in the catalog, an employee's cost
/// centre or an owner. Carried by [`Error::Missing`] with the event that
/// needed it, so a caller knows exactly what to configure.
///
/// ```
/// use bureau_flows::{MappingKey, MissingKey};
///
/// assert_eq!(MissingKey::Account(MappingKey::Receivable).to_string(), "account for receivables");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MissingKey {
    /// No account is mapped for the key.
    Account(MappingKey),
    /// The mapping names no base currency, so a document cannot be told
    /// domestic or foreign.
    BaseCurrency,
    /// A document in `from` is posted in the base currency `to` and no rate
    /// between them was given.
    ExchangeRate {
        /// The document's currency.
        from: Currency,
        /// The base currency.
        to: Currency,
    },
    /// A line sells a product the catalog does not hold, so its revenue
    /// category is unknown.
    Product(ProductId),
    /// A payslip's employee has no cost centre in the table given.
    CostCentre(EmployeeId),
    /// A converted lead's owner is a user with no employee in the table
    /// given (the sales side owns deals by employee).
    Owner(Option<UserId>),
    /// A converted lead carries no expected amount, and the hand-off has no
    /// currency for an opportunity of unknown amount.
    OpportunityCurrency,
}

impl core::fmt::Display for MissingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Account(key) => write!(f, "account for {key}"),
            Self::BaseCurrency => f.write_str("base currency"),
            Self::ExchangeRate { from, to } => write!(f, "exchange rate from {from} to {to}"),
            Self::Product(product) => write!(f, "product {product} in the catalog"),
            Self::CostCentre(employee) => write!(f, "cost centre of employee {employee}"),
            Self::Owner(Some(user)) => write!(f, "employee for user {user}"),
            Self::Owner(None) => f.write_str("owner (the lead has none)"),
            Self::OpportunityCurrency => {
                f.write_str("currency for an opportunity of unknown amount")
            }
        }
    }
}

/// Everything that can go wrong in bureau-flows. Every variant names the
/// event it happened on and the value that was wrong.
///
/// ```
/// use bureau_flows::{Error, MappingKey, MissingKey, SourceEvent};
/// use bureau_sales::DocumentNumber;
///
/// let err = Error::Missing {
///     event: SourceEvent::InvoiceIssued(DocumentNumber::new("INV-1")?),
///     key: MissingKey::Account(MappingKey::Receivable),
/// };
/// assert_eq!(err.to_string(), "invoice INV-1 issued: missing account for receivables");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule needs something the configuration or the caller did not give:
    /// never replaced by a default.
    #[error("{event}: missing {key}")]
    Missing {
        /// The event being posted or handed off.
        event: SourceEvent,
        /// What is missing.
        key: MissingKey,
    },
    /// Every amount of the event is zero: there is no entry to post.
    #[error("{event}: nothing to post, every amount is zero")]
    NothingToPost {
        /// The event.
        event: SourceEvent,
    },
    /// A rule was given an event of another kind than it posts.
    #[error("{event}: expected a {expected} event, found {found}")]
    UnexpectedEvent {
        /// The event the rule was asked about.
        event: SourceEvent,
        /// The kind it posts.
        expected: &'static str,
        /// The kind it was given.
        found: &'static str,
    },
    /// The event cannot be posted as it stands (a payroll run not yet
    /// approved, a credit note of another invoice, a pay line kind without a
    /// rule).
    #[error("{event}: {reason}")]
    NotPostable {
        /// The event.
        event: SourceEvent,
        /// Why.
        reason: String,
    },
    /// An amount or a conversion left the range of money, or currencies
    /// were mixed.
    #[error("{event}: {source}")]
    Money {
        /// The event.
        event: SourceEvent,
        /// What bureau-core reported.
        #[source]
        source: bureau_core::Error,
    },
    /// The ledger refused the entry the rule built (it does not happen for
    /// the rules' own entries: they balance by construction).
    #[error("{event}: {source}")]
    Ledger {
        /// The event.
        event: SourceEvent,
        /// What bureau-ledger reported (boxed: a ledger error is large,
        /// and every rule's result would carry its size).
        #[source]
        source: Box<bureau_ledger::Error>,
    },
    /// A sum of amounts left the range of money.
    #[error("{event}: an amount in {currency} overflows")]
    Overflow {
        /// The event.
        event: SourceEvent,
        /// The currency of the sum.
        currency: Currency,
    },
    /// The mapping was asked to forget a key it does not map.
    #[error("no account is mapped for {key}")]
    NotMapped {
        /// The key.
        key: MappingKey,
    },
    /// A rule or hand-off was given an aggregate that is not opened yet
    /// (a payroll run, an opportunity, a case), so there is nothing to
    /// post or hand off and no event to name.
    #[error("the {what} given is not opened")]
    NotOpened {
        /// What it is.
        what: &'static str,
    },
    /// A stored hand-off log records the same source event twice.
    #[error("stored hand-off log records {event} twice")]
    ContradictoryHandOffEvent {
        /// The source event recorded twice.
        event: SourceEvent,
    },
    /// A stored customer flag event contradicts the flags it is replayed
    /// on.
    #[error("stored customer flag event contradicts the flags: {reason}")]
    ContradictoryFlagEvent {
        /// Why.
        reason: String,
    },
    /// A stored mapping event contradicts the mapping it is replayed on.
    #[error("stored mapping event {event} contradicts the mapping: {reason}")]
    ContradictoryMappingEvent {
        /// The event's type.
        event: &'static str,
        /// Why.
        reason: String,
    },
}

/// `Result` with bureau-flows' [`Error`] as the default error type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
