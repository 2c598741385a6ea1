//! Customers flagged by the service levels their tickets breached: what the
//! front office sees of support's misses.

use std::collections::{BTreeMap, BTreeSet};

use bureau_core::{Aggregate, DomainEvent, PartyId, TicketId};
use bureau_sla::{Evaluation, Metric};
use chrono::{DateTime, Utc};

use crate::{Error, Result};

/// One breach a customer was flagged for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Breach {
    /// The ticket.
    pub ticket: TicketId,
    /// The metric whose target it missed.
    pub metric: Metric,
    /// When the target was missed.
    pub at: DateTime<Utc>,
}

/// What may be asked of [`CustomerFlags`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FlagCommand {
    /// Flag `customer` for a breach (a breach of the same ticket and metric
    /// flagged already records nothing).
    Flag {
        /// The customer.
        customer: PartyId,
        /// The breach.
        breach: Breach,
    },
    /// Clear the customer's flag (an account manager has followed up); the
    /// breaches stay on record, later ones flag the customer again.
    Clear {
        /// The customer.
        customer: PartyId,
        /// When.
        at: DateTime<Utc>,
    },
}

/// What happened to [`CustomerFlags`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FlagEvent {
    /// The customer was flagged for a breach.
    Flagged {
        /// The customer.
        customer: PartyId,
        /// The breach.
        breach: Breach,
    },
    /// The customer's flag was cleared.
    Cleared {
        /// The customer.
        customer: PartyId,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DomainEvent for FlagEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Flagged { .. } => "customer_flagged",
            Self::Cleared { .. } => "customer_flag_cleared",
        }
    }
}

/// One customer's record: every breach, and whether a breach came after
/// the last clearing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CustomerRecord {
    breaches: BTreeSet<Breach>,
    keys: BTreeSet<(TicketId, Metric)>,
    flagged: bool,
}

/// The customers flagged by SLA breaches, as an [`Aggregate`]: the flag on
/// the customer that the front office reads beside its CRM metrics (a
/// customer whose tickets breach their service levels is a churn risk).
///
/// A breach is recorded once per ticket and metric, whatever the number of
/// times it is reported, so feeding every evaluation of a ticket through
/// [`CustomerFlags::flag_breaches`] is idempotent.
///
/// ```
/// use bureau_core::{Aggregate, PartyId, TicketId};
/// use bureau_flows::{Breach, CustomerFlags, FlagCommand};
/// use bureau_sla::Metric;
/// use chrono::DateTime;
///
/// let customer = PartyId::from_u128(7);
/// let breach = Breach::new(TicketId::from_u128(1), Metric::FirstReply, DateTime::UNIX_EPOCH);
/// let mut flags = CustomerFlags::default();
/// flags.handle(&FlagCommand::Flag { customer, breach: breach.clone() })?;
/// assert!(flags.is_flagged(customer));
/// // The same breach again records nothing.
/// assert!(flags.handle(&FlagCommand::Flag { customer, breach })?.is_empty());
/// assert_eq!(flags.breaches(customer).count(), 1);
/// # Ok::<(), bureau_flows::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFlags {
    customers: BTreeMap<PartyId, CustomerRecord>,
}

impl Breach {
    /// The breach of `metric` on `ticket` at `at`.
    #[must_use]
    pub const fn new(ticket: TicketId, metric: Metric, at: DateTime<Utc>) -> Self {
        Self { ticket, metric, at }
    }
}

impl CustomerFlags {
    /// Whether `customer` is flagged: a breach recorded since its flag was
    /// last cleared.
    #[must_use]
    pub fn is_flagged(&self, customer: PartyId) -> bool {
        self.customers.get(&customer).is_some_and(|r| r.flagged)
    }

    /// Every breach recorded for `customer`, by ticket, metric and instant.
    pub fn breaches(&self, customer: PartyId) -> impl Iterator<Item = &Breach> {
        self.customers
            .get(&customer)
            .into_iter()
            .flat_map(|r| r.breaches.iter())
    }

    /// The customers flagged now, in id order.
    pub fn flagged(&self) -> impl Iterator<Item = PartyId> + '_ {
        self.customers
            .iter()
            .filter(|(_, r)| r.flagged)
            .map(|(customer, _)| *customer)
    }

    /// The commands that flag `customer` for every target `evaluation`
    /// (of one of the customer's tickets) reports breached, completed
    /// cycles and the running one alike, that is not recorded yet. Store
    /// what handling them returns.
    #[must_use]
    pub fn flag_breaches(
        &self,
        customer: PartyId,
        evaluation: &Evaluation<'_>,
    ) -> Vec<FlagCommand> {
        let Some(ticket) = evaluation.ticket else {
            return Vec::new();
        };
        let known = self.customers.get(&customer);
        let mut commands = Vec::new();
        for metric in &evaluation.metrics {
            let completed = metric.completed.iter().find_map(|c| match c.outcome {
                bureau_sla::Outcome::Breached { at } => Some(at),
                _ => None,
            });
            let ongoing = metric.ongoing.as_ref().and_then(|o| o.breached_since);
            let Some(at) = completed.or(ongoing) else {
                continue;
            };
            let key = (ticket, metric.metric.clone());
            if known.is_some_and(|r| r.keys.contains(&key)) {
                continue;
            }
            commands.push(FlagCommand::Flag {
                customer,
                breach: Breach::new(ticket, key.1, at),
            });
        }
        commands
    }
}

impl Aggregate for CustomerFlags {
    type Command = FlagCommand;
    type Event = FlagEvent;
    type Error = Error;

    fn decide(&self, command: &FlagCommand) -> Result<Vec<FlagEvent>> {
        Ok(match command {
            FlagCommand::Flag { customer, breach } => {
                let key = (breach.ticket, breach.metric.clone());
                if self
                    .customers
                    .get(customer)
                    .is_some_and(|r| r.keys.contains(&key))
                {
                    Vec::new()
                } else {
                    vec![FlagEvent::Flagged {
                        customer: *customer,
                        breach: breach.clone(),
                    }]
                }
            }
            FlagCommand::Clear { customer, at } => {
                if self.is_flagged(*customer) {
                    vec![FlagEvent::Cleared {
                        customer: *customer,
                        at: *at,
                    }]
                } else {
                    Vec::new()
                }
            }
        })
    }

    fn apply(&mut self, event: &FlagEvent) {
        match event {
            FlagEvent::Flagged { customer, breach } => {
                let record = self.customers.entry(*customer).or_default();
                record.keys.insert((breach.ticket, breach.metric.clone()));
                record.breaches.insert(breach.clone());
                record.flagged = true;
            }
            FlagEvent::Cleared { customer, .. } => {
                if let Some(record) = self.customers.get_mut(customer) {
                    record.flagged = false;
                }
            }
        }
    }

    /// A stored breach recorded twice, or a clearing of a customer not
    /// flagged, would pass silently through `apply`: each is reported.
    fn replay(&mut self, event: &FlagEvent) -> Result<()> {
        let contradiction = match event {
            FlagEvent::Flagged { customer, breach } => self
                .customers
                .get(customer)
                .is_some_and(|r| r.keys.contains(&(breach.ticket, breach.metric.clone())))
                .then(|| {
                    format!(
                        "{} of ticket {} is flagged already",
                        breach.metric, breach.ticket
                    )
                }),
            FlagEvent::Cleared { customer, .. } => {
                (!self.is_flagged(*customer)).then(|| format!("customer {customer} is not flagged"))
            }
        };
        if let Some(reason) = contradiction {
            return Err(Error::ContradictoryFlagEvent { reason });
        }
        self.apply(event);
        Ok(())
    }
}
