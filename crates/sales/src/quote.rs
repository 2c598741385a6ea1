//! Quotes: a priced offer with a validity date, sent, accepted, rejected,
//! expired or revised as a new version.

use bureau_core::{Aggregate, DomainEvent};
use chrono::NaiveDate;

use crate::{Error, PricedDocument, Result};

/// Where a quote stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum QuoteStatus {
    /// Being prepared; may be revised and sent.
    Draft,
    /// Sent to the customer; may be accepted, rejected, revised or expire.
    Sent,
    /// Accepted by the customer: final.
    Accepted,
    /// Rejected by the customer: final.
    Rejected,
    /// Its validity passed before an answer: final.
    Expired,
}

impl core::fmt::Display for QuoteStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
        })
    }
}

/// What may be asked of a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum QuoteCommand {
    /// Open the quote with a priced document, valid through `valid_until`.
    Draft {
        /// The priced offer.
        priced: Box<PricedDocument>,
        /// The last day it may be accepted.
        valid_until: NaiveDate,
    },
    /// Replace the offer with a new version; the quote goes back to draft.
    Revise {
        /// The new priced offer.
        priced: Box<PricedDocument>,
        /// The last day the new version may be accepted.
        valid_until: NaiveDate,
    },
    /// Send it to the customer.
    Send,
    /// The customer accepts it on `on`, which must be within its validity.
    Accept {
        /// The day of acceptance.
        on: NaiveDate,
    },
    /// The customer rejects it.
    Reject,
    /// Record that its validity passed, as of `on` (after the validity).
    Expire {
        /// The day the expiry is recorded.
        on: NaiveDate,
    },
}

/// What happened to a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum QuoteEvent {
    /// A version of the offer was drafted (version 1 opens the quote).
    Drafted {
        /// The version number, from 1.
        version: u32,
        /// The priced offer.
        priced: Box<PricedDocument>,
        /// The last day it may be accepted.
        valid_until: NaiveDate,
    },
    /// It was sent.
    Sent,
    /// It was accepted, which places an order: the event carries the
    /// accepted offer, which [`OrderCommand::from_acceptance`](crate::OrderCommand::from_acceptance)
    /// turns into the order.
    Accepted {
        /// The day of acceptance.
        on: NaiveDate,
        /// The offer accepted: the order's lines and totals.
        priced: Box<PricedDocument>,
    },
    /// It was rejected.
    Rejected,
    /// Its validity passed.
    Expired {
        /// The day the expiry was recorded.
        on: NaiveDate,
    },
}

/// A quote: an [`Aggregate`] whose transitions are guarded; a command its
/// status does not allow is [`Error::InvalidQuoteTransition`] naming the
/// status, and leaves the quote untouched.
///
/// ```
/// use bureau_core::{money, Aggregate, Currency, DateRange, ProductId, RoundingStrategy};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::*;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let widget = ProductId::from_u128(1);
/// let catalog = Catalog::from_products([Product::new(widget, Sku::new("WID")?,
///     ProductName::new("Widget")?, UnitOfMeasure::new("each")?, TaxCategory::new("standard")?)])?;
/// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None,
///     DateRange::new(day(1, 1)?, day(12, 31)?)?)
///     .with_prices(widget, [PriceTier::new(Quantity::ZERO, money!(5.00 EUR))?])?]);
/// let taxes = TaxTable::default();
/// let engine = Pricing::new(&catalog, &prices, &taxes, PricingConfig::new(RoundingStrategy::MidpointNearestEven));
/// let offer = engine.price(&Document::new(Currency::EUR, day(3, 1)?)
///     .with_line(DocumentLine::new(widget, Quantity::from(4))))?;
///
/// let mut quote = Quote::default();
/// quote.handle(&QuoteCommand::Draft { priced: Box::new(offer), valid_until: day(3, 31)? })?;
/// quote.handle(&QuoteCommand::Send)?;
/// assert!(matches!(quote.decide(&QuoteCommand::Accept { on: day(4, 1)? }), Err(Error::QuoteExpired { .. })));
/// quote.handle(&QuoteCommand::Accept { on: day(3, 31)? })?;
/// assert_eq!(quote.status(), Some(QuoteStatus::Accepted));
/// assert_eq!(quote.priced().map(|p| p.totals().gross), Some(money!(20.00 EUR)));
/// assert!(matches!(quote.decide(&QuoteCommand::Send), Err(Error::InvalidQuoteTransition { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quote {
    status: Option<QuoteStatus>,
    version: u32,
    priced: Option<Box<PricedDocument>>,
    valid_until: Option<NaiveDate>,
    accepted_on: Option<NaiveDate>,
}

impl Quote {
    /// Where it stands; `None` before it is drafted.
    pub const fn status(&self) -> Option<QuoteStatus> {
        self.status
    }

    /// The current version, from 1; 0 before it is drafted.
    pub const fn version(&self) -> u32 {
        self.version
    }

    /// The current priced offer.
    pub fn priced(&self) -> Option<&PricedDocument> {
        self.priced.as_deref()
    }

    /// The last day the current version may be accepted.
    pub const fn valid_until(&self) -> Option<NaiveDate> {
        self.valid_until
    }

    /// The day it was accepted.
    pub const fn accepted_on(&self) -> Option<NaiveDate> {
        self.accepted_on
    }

    fn refuse(&self, command: &'static str) -> Error {
        Error::InvalidQuoteTransition {
            status: self.status,
            command,
        }
    }
}

impl Aggregate for Quote {
    type Command = QuoteCommand;
    type Event = QuoteEvent;
    type Error = Error;

    fn decide(&self, command: &QuoteCommand) -> Result<Vec<QuoteEvent>> {
        use QuoteStatus::{Draft, Sent};
        let event = match (command, self.status) {
            (
                QuoteCommand::Draft {
                    priced,
                    valid_until,
                },
                None,
            ) => QuoteEvent::Drafted {
                version: 1,
                priced: priced.clone(),
                valid_until: *valid_until,
            },
            (QuoteCommand::Draft { .. }, Some(_)) => return Err(self.refuse("draft")),
            (
                QuoteCommand::Revise {
                    priced,
                    valid_until,
                },
                Some(Draft | Sent),
            ) => QuoteEvent::Drafted {
                version: self.version.checked_add(1).ok_or(Error::Overflow {
                    operation: "quote version",
                })?,
                priced: priced.clone(),
                valid_until: *valid_until,
            },
            (QuoteCommand::Revise { .. }, _) => return Err(self.refuse("revise")),
            (QuoteCommand::Send, Some(Draft)) => QuoteEvent::Sent,
            (QuoteCommand::Send, _) => return Err(self.refuse("send")),
            (QuoteCommand::Accept { on }, Some(Sent)) => {
                if let Some(valid_until) = self.valid_until.filter(|v| on > v) {
                    return Err(Error::QuoteExpired {
                        valid_until,
                        on: *on,
                    });
                }
                let priced = self.priced.clone().ok_or_else(|| self.refuse("accept"))?;
                QuoteEvent::Accepted { on: *on, priced }
            }
            (QuoteCommand::Accept { .. }, _) => return Err(self.refuse("accept")),
            (QuoteCommand::Reject, Some(Sent)) => QuoteEvent::Rejected,
            (QuoteCommand::Reject, _) => return Err(self.refuse("reject")),
            (QuoteCommand::Expire { on }, Some(Draft | Sent)) => {
                if let Some(valid_until) = self.valid_until.filter(|v| on <= v) {
                    return Err(Error::QuoteStillValid {
                        valid_until,
                        on: *on,
                    });
                }
                QuoteEvent::Expired { on: *on }
            }
            (QuoteCommand::Expire { .. }, _) => return Err(self.refuse("expire")),
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &QuoteEvent) {
        match event {
            QuoteEvent::Drafted {
                version,
                priced,
                valid_until,
            } => {
                self.status = Some(QuoteStatus::Draft);
                self.version = *version;
                self.priced = Some(priced.clone());
                self.valid_until = Some(*valid_until);
            }
            QuoteEvent::Sent => self.status = Some(QuoteStatus::Sent),
            QuoteEvent::Accepted { on, .. } => {
                self.status = Some(QuoteStatus::Accepted);
                self.accepted_on = Some(*on);
            }
            QuoteEvent::Rejected => self.status = Some(QuoteStatus::Rejected),
            QuoteEvent::Expired { .. } => self.status = Some(QuoteStatus::Expired),
        }
    }
}

impl DomainEvent for QuoteEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Drafted { .. } => "drafted",
            Self::Sent => "sent",
            Self::Accepted { .. } => "accepted",
            Self::Rejected => "rejected",
            Self::Expired { .. } => "expired",
        }
    }
}
