//! Posting rules of payments received on invoices, in the base currency
//! and in a foreign one with its realised exchange result.

use bureau_core::{ExchangeRate, PartyId};
use bureau_ledger::{
    EntryDescription, EntryId, ForeignSettlement, JournalEntry, LedgerCommand, SettlementAccounts,
};
use bureau_sales::{InvoiceEvent, InvoiceIssue};

use crate::legs::{LegSpec, Legs, conversion_rate};
use crate::{AccountMapping, Error, MappingKey, MissingKey, Result, SourceEvent};

/// What a payment's posting needs beside the payment: the entry's id, the
/// paying party, and for an invoice in a foreign currency the rates.
///
/// ```
/// use bureau_flows::PaymentPosting;
/// use bureau_core::PartyId;
/// use bureau_ledger::EntryId;
///
/// let posting = PaymentPosting::new(EntryId::from_u128(3), PartyId::from_u128(9));
/// assert!(posting.foreign.is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaymentPosting {
    /// The id of the payment's entry (of the settlement, for a foreign
    /// payment).
    pub entry: EntryId,
    /// The customer who paid.
    pub party: PartyId,
    /// The rates of a payment in a foreign currency.
    pub foreign: Option<ForeignPayment>,
}

impl PaymentPosting {
    /// The posting of a payment in the base currency.
    #[must_use]
    pub const fn new(entry: EntryId, party: PartyId) -> Self {
        Self {
            entry,
            party,
            foreign: None,
        }
    }

    /// The same posting for a payment in a foreign currency.
    #[must_use]
    pub const fn in_foreign_currency(mut self, foreign: ForeignPayment) -> Self {
        self.foreign = Some(foreign);
        self
    }
}

/// The rates of a payment in a foreign currency: the one the invoice was
/// booked at (an early-payment discount leaves the receivable at it, so it
/// realises no exchange result) and the one the payment settles at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForeignPayment {
    /// The invoice's booking rate.
    pub booked: ExchangeRate,
    /// The rate of the day of payment.
    pub settled: ExchangeRate,
    /// The id of the entry of the early-payment discount, if one is taken.
    pub discount_entry: EntryId,
}

impl ForeignPayment {
    /// The rates of a foreign payment; `discount_entry` is used only when
    /// the payment earned an early-payment discount.
    #[must_use]
    pub const fn new(booked: ExchangeRate, settled: ExchangeRate, discount_entry: EntryId) -> Self {
        Self {
            booked,
            settled,
            discount_entry,
        }
    }
}

/// What a payment books: one entry for a payment in the base currency; for
/// a foreign one, the discount's entry (if a discount was earned) and the
/// ledger's [`ForeignSettlement`], which settles the party's open items
/// and books the realised gain or loss against their booking rates. Apply
/// them in order ([`PaymentBooking::into_commands`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaymentBooking {
    /// A payment in the base currency.
    Entry(JournalEntry),
    /// A payment in a foreign currency.
    Foreign {
        /// The early-payment discount, at the booking rate.
        discount: Option<JournalEntry>,
        /// The payment and its realised exchange result (boxed: it is
        /// several times the size of an entry).
        settlement: Box<ForeignSettlement>,
    },
}

impl PaymentBooking {
    /// The ledger commands to decide, in order.
    ///
    /// See [`payment_booking`].
    #[must_use]
    pub fn into_commands(self) -> Vec<LedgerCommand> {
        match self {
            Self::Entry(entry) => vec![LedgerCommand::Post(entry)],
            Self::Foreign {
                discount,
                settlement,
            } => discount
                .map(LedgerCommand::Post)
                .into_iter()
                .chain([LedgerCommand::SettleForeign(*settlement)])
                .collect(),
        }
    }
}

/// The booking of a payment received on `invoice`: `event` is the invoice's
/// [`InvoiceEvent::Paid`] (amount, day and the early-payment discount it
/// earned).
///
/// In the base currency, one entry on the day: debit [`MappingKey::Bank`]
/// in the currency with the amount and [`MappingKey::EarlyPaymentDiscounts`]
/// with the discount, credit [`MappingKey::Receivable`] with both for the
/// party. In a foreign currency, the discount's entry converts the discount
/// at the booking rate (receivable kept in the invoice's currency, through
/// [`MappingKey::Conversion`]), and the [`ForeignSettlement`] pays the rest
/// into the bank account in that currency with realised results to
/// [`MappingKey::RealisedFxGain`] and [`MappingKey::RealisedFxLoss`].
///
/// The ledger matches a customer's open items by due date across all
/// their invoices, and a [`ForeignSettlement`] pays no more than the
/// customer has open in the currency on the day, all invoices together. A
/// credit left open on another invoice (a credit note whose refund is due
/// and not paid out) lowers that, so a payment of what this invoice says
/// is open may exceed it: the ledger then refuses the settlement
/// ([`bureau_ledger::Error::SettlementExceedsOpenItems`]). Pay the refund
/// out first ([`foreign_refund_entry`](crate::foreign_refund_entry)). A
/// payment in the base currency is a plain entry, and what it pays beyond
/// the open items stays open as the customer's credit.
///
/// # Errors
///
/// [`Error::UnexpectedEvent`] for another event than `Paid`;
/// [`Error::Missing`] naming the payment and the missing account, base
/// currency or rates (a foreign payment without [`ForeignPayment`]).
///
/// The crate's integration tests (`tests/documents.rs`) pay invoices on
/// time, early with the discount, and in a foreign currency at a gain and
/// at a loss.
pub fn payment_booking(
    mapping: &AccountMapping,
    invoice: &InvoiceIssue,
    event: &InvoiceEvent,
    posting: &PaymentPosting,
) -> Result<PaymentBooking> {
    let source = SourceEvent::PaymentReceived(invoice.number.clone());
    let InvoiceEvent::Paid {
        amount,
        on,
        discount,
    } = event
    else {
        return Err(Error::UnexpectedEvent {
            event: source,
            expected: "paid",
            found: bureau_core::DomainEvent::event_type(event),
        });
    };
    let currency = invoice.priced.document().currency();
    let description = format!("payment of invoice {}", invoice.number);
    let metadata = [("invoice", invoice.number.as_str())];
    let base = mapping.require_base(&source)?;
    if currency == base {
        let mut legs = Legs::new(mapping, source);
        legs.debit(LegSpec::new(MappingKey::Bank(currency), *amount).kept())?;
        legs.debit(LegSpec::new(MappingKey::EarlyPaymentDiscounts, *discount))?;
        let settled = amount
            .checked_add(*discount)
            .map_err(|e| legs.money_error(e))?;
        legs.credit(LegSpec::new(MappingKey::Receivable, settled).party(posting.party, None))?;
        let entry = legs.into_entry(posting.entry, *on, &description, &metadata)?;
        return Ok(PaymentBooking::Entry(entry));
    }
    let Some(foreign) = posting.foreign else {
        return Err(Error::Missing {
            event: source,
            key: MissingKey::ExchangeRate {
                from: currency,
                to: base,
            },
        });
    };
    let booked = conversion_rate(mapping, currency, Some(foreign.booked), &source)?;
    let settled = conversion_rate(mapping, currency, Some(foreign.settled), &source)?;
    let (Some(booked), Some(settled)) = (booked, settled) else {
        return Err(Error::Missing {
            event: source,
            key: MissingKey::ExchangeRate {
                from: currency,
                to: base,
            },
        });
    };
    let discount_entry = if discount.is_zero() {
        None
    } else {
        let mut legs = Legs::new(mapping, source.clone());
        legs.debit(LegSpec::new(MappingKey::EarlyPaymentDiscounts, *discount))?;
        legs.credit(LegSpec::new(MappingKey::Receivable, *discount).party(posting.party, None))?;
        legs.convert(booked, invoice.priced.config().strategy())?;
        Some(legs.into_entry(
            foreign.discount_entry,
            *on,
            &format!("early-payment discount on invoice {}", invoice.number),
            &metadata,
        )?)
    };
    let account = |key| mapping.require(key, &source);
    let accounts = SettlementAccounts {
        open_items: account(MappingKey::Receivable)?,
        cash: account(MappingKey::Bank(currency))?,
        realised_gain: account(MappingKey::RealisedFxGain)?,
        realised_loss: account(MappingKey::RealisedFxLoss)?,
    };
    let description = EntryDescription::new(description).map_err(|source_error| Error::Ledger {
        event: source.clone(),
        source: Box::new(source_error),
    })?;
    let settlement = ForeignSettlement::new(
        posting.entry,
        *on,
        accounts,
        posting.party,
        *amount,
        settled,
    )
    .with_rounding(invoice.priced.config().strategy())
    .with_description(description);
    Ok(PaymentBooking::Foreign {
        discount: discount_entry,
        settlement: Box::new(settlement),
    })
}
