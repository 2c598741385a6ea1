//! Posting rules of credit notes and of the refunds they leave due.

use bureau_core::{ExchangeRate, PartyId};
use bureau_ledger::{EntryId, JournalEntry};
use bureau_sales::{CreditNoteEvent, CreditNoteIssue, InvoiceIssue, InvoiceScope};

use crate::invoice::{Sign, document_credits};
use crate::legs::{LegSpec, Legs, conversion_rate};
use crate::{AccountMapping, DocumentPosting, Error, MappingKey, Result, SourceEvent};

/// The entry of an issued credit note, the mirror of its invoice's, dated
/// the credit note's date:
///
/// - debit each credited line's net to [`MappingKey::Revenue`] of its
///   product's group (to [`MappingKey::DownPayments`] when the credited
///   invoice is a down-payment invoice), and each tax code's credited total
///   to [`MappingKey::TaxPayable`];
/// - credit [`MappingKey::Receivable`] with the refund, for the customer
///   party (the ledger sets it against the customer's open items by due
///   date, which are the invoice's while it is open, another invoice's
///   once it is paid, or a credit of the customer's when none is open);
/// - credit a restocking fee kept back to [`MappingKey::RestockingFees`].
///
/// The receivable therefore falls by exactly the refund, as the sales
/// invoice's balance does. A credit note in a foreign currency is
/// converted like its invoice (see [`invoice_entry`](crate::invoice_entry)).
///
/// # Errors
///
/// [`Error::NotPostable`] when `invoice` is not the invoice the credit note
/// credits; otherwise as [`invoice_entry`](crate::invoice_entry).
///
/// The crate's integration tests (`tests/documents.rs`) post credit notes
/// of every kind (a return with and without a restocking fee, a price
/// correction, a full credit; in euros and in dollars) and check the
/// receivable.
pub fn credit_note_entry(
    mapping: &AccountMapping,
    note: &CreditNoteIssue,
    invoice: &InvoiceIssue,
    posting: &DocumentPosting<'_>,
) -> Result<JournalEntry> {
    let event = SourceEvent::CreditNoteIssued(note.number.clone());
    if note.invoice != invoice.number {
        return Err(Error::NotPostable {
            event,
            reason: format!(
                "it credits invoice {}, not invoice {}",
                note.invoice, invoice.number
            ),
        });
    }
    let priced = &note.priced;
    let rate = conversion_rate(mapping, priced.document().currency(), posting.rate, &event)?;
    let down_payment = matches!(invoice.scope, InvoiceScope::DownPayment(_));
    let mut legs = Legs::new(mapping, event);
    document_credits(
        &mut legs,
        priced,
        posting.catalog,
        down_payment,
        Sign::Debit,
    )?;
    legs.credit(LegSpec::new(MappingKey::Receivable, note.refund).party(posting.party, None))?;
    legs.credit(LegSpec::new(
        MappingKey::RestockingFees,
        note.restocking_fee,
    ))?;
    if let Some(rate) = rate {
        legs.convert(rate, priced.config().strategy())?;
    }
    legs.into_entry(
        posting.entry,
        note.on,
        &format!("credit note {} of invoice {}", note.number, note.invoice),
        &[
            ("credit_note", note.number.as_str()),
            ("invoice", note.invoice.as_str()),
        ],
    )
}

/// The entry of a refund paid out: `event` is the credit note's
/// [`CreditNoteEvent::Settled`], and the refund leaves the bank: debit
/// [`MappingKey::Receivable`] for the party (closing the credit the credit
/// note left), credit [`MappingKey::Bank`] in the credit note's currency.
/// Both stay in that currency.
///
/// A credit note settled by setting it off against its invoice needs no
/// entry: its own posting already reduced the receivable. Post this only
/// for a refund paid out.
///
/// For a credit note in another currency than the base, use
/// [`foreign_refund_entry`]: the ledger matches a party's open items by due
/// date, not by invoice, so a credit note's credit may have settled another
/// open invoice of the customer, and the refund then opens an item of its
/// own, which a later
/// [`ForeignSettlement`](bureau_ledger::ForeignSettlement) can only value
/// at a booking rate the refund's entry carries.
///
/// # Errors
///
/// [`Error::UnexpectedEvent`] for another event than `Settled`;
/// [`Error::Missing`] naming the account; [`Error::NothingToPost`] for a
/// refund of zero.
///
/// The crate's integration tests (`tests/documents.rs`) pay a refund
/// after a return, in euros and in dollars.
pub fn refund_entry(
    mapping: &AccountMapping,
    note: &CreditNoteIssue,
    event: &CreditNoteEvent,
    entry: EntryId,
    party: PartyId,
) -> Result<JournalEntry> {
    refund(mapping, note, event, entry, party, None)
}

/// The entry of a refund paid out on a credit note in another currency
/// than the mapping's base: the entry of [`refund_entry`], carrying
/// `booked`, the rate the credit note was posted at (either way round), as
/// its booking rate. Should the refund open an item on the receivable (its
/// credit note having settled another of the customer's invoices), a
/// foreign payment settles that item against this rate.
///
/// A credit note in the base currency needs no rate: `booked` is not
/// recorded then.
///
/// # Errors
///
/// As [`refund_entry`]; [`Error::Missing`] with the base currency, or with
/// [`MissingKey::ExchangeRate`](crate::MissingKey::ExchangeRate) when
/// `booked` is not a rate between the credit note's currency and the base.
///
/// The crate's integration tests (`tests/documents.rs`) refund credit notes
/// in dollars and in other generated currencies, and settle later payments
/// of the same customer.
pub fn foreign_refund_entry(
    mapping: &AccountMapping,
    note: &CreditNoteIssue,
    event: &CreditNoteEvent,
    entry: EntryId,
    party: PartyId,
    booked: ExchangeRate,
) -> Result<JournalEntry> {
    refund(mapping, note, event, entry, party, Some(booked))
}

fn refund(
    mapping: &AccountMapping,
    note: &CreditNoteIssue,
    event: &CreditNoteEvent,
    entry: EntryId,
    party: PartyId,
    booked: Option<ExchangeRate>,
) -> Result<JournalEntry> {
    let source = SourceEvent::RefundPaid(note.number.clone());
    let CreditNoteEvent::Settled { on } = event else {
        return Err(Error::UnexpectedEvent {
            event: source,
            expected: "settled",
            found: bureau_core::DomainEvent::event_type(event),
        });
    };
    let refund = note.refund;
    let rate = match booked {
        Some(booked) => conversion_rate(mapping, refund.currency(), Some(booked), &source)?,
        None => None,
    };
    let mut legs = Legs::new(mapping, source);
    legs.debit(LegSpec::new(MappingKey::Receivable, refund).party(party, None))?;
    legs.credit(LegSpec::new(MappingKey::Bank(refund.currency()), refund).kept())?;
    if let Some(rate) = rate {
        legs.record_rate(rate);
    }
    legs.into_entry(
        entry,
        *on,
        &format!("refund of credit note {}", note.number),
        &[("credit_note", note.number.as_str())],
    )
}
