//! The legs of an entry being built: amounts gathered per account (and
//! party), converted into the base currency where the rule says so, then
//! turned into a balanced journal entry.

use bureau_core::{Currency, ExchangeRate, Money, PartyId, RoundingStrategy};
use bureau_ledger::{
    AccountId, EntryDescription, EntryId, JournalEntry, Memo, MetadataKey, MetadataValue, Posting,
};
use chrono::NaiveDate;

use crate::{AccountMapping, Error, MappingKey, Result, SourceEvent};

/// Where a leg's amount is kept when a document is converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Converted into the base currency (revenue, tax, expense, fees).
    Converted,
    /// Kept in the document's currency (receivables settled in it, the
    /// bank account that holds it).
    Document,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Leg {
    account: AccountId,
    party: Option<PartyId>,
    due: Option<NaiveDate>,
    memo: Option<String>,
    currency: Currency,
    keep: Keep,
    /// Minor units, debit positive.
    minor: i128,
}

/// The legs of one entry, for one event.
#[derive(Debug)]
pub(crate) struct Legs<'m> {
    mapping: &'m AccountMapping,
    event: SourceEvent,
    legs: Vec<Leg>,
    rates: Vec<ExchangeRate>,
}

/// A leg to add: its role, amount and what rides with it.
#[derive(Clone, Debug)]
pub(crate) struct LegSpec {
    pub(crate) key: MappingKey,
    pub(crate) amount: Money,
    pub(crate) party: Option<PartyId>,
    pub(crate) due: Option<NaiveDate>,
    pub(crate) memo: Option<String>,
    pub(crate) keep: Keep,
}

impl LegSpec {
    pub(crate) fn new(key: MappingKey, amount: Money) -> Self {
        Self {
            key,
            amount,
            party: None,
            due: None,
            memo: None,
            keep: Keep::Converted,
        }
    }

    pub(crate) fn party(mut self, party: PartyId, due: Option<NaiveDate>) -> Self {
        self.party = Some(party);
        self.due = due;
        self.keep = Keep::Document;
        self
    }

    pub(crate) fn kept(mut self) -> Self {
        self.keep = Keep::Document;
        self
    }
}

impl<'m> Legs<'m> {
    pub(crate) fn new(mapping: &'m AccountMapping, event: SourceEvent) -> Self {
        Self {
            mapping,
            event,
            legs: Vec::new(),
            rates: Vec::new(),
        }
    }

    pub(crate) fn event(&self) -> &SourceEvent {
        &self.event
    }

    pub(crate) fn money_error(&self, source: bureau_core::Error) -> Error {
        Error::Money {
            event: self.event.clone(),
            source,
        }
    }

    /// Debits the account of `spec.key` (a negative amount credits it). A
    /// zero amount adds nothing and needs no account.
    pub(crate) fn debit(&mut self, spec: LegSpec) -> Result<()> {
        self.add(spec, false)
    }

    /// Credits the account of `spec.key` (a negative amount debits it).
    pub(crate) fn credit(&mut self, spec: LegSpec) -> Result<()> {
        self.add(spec, true)
    }

    fn add(&mut self, spec: LegSpec, credit: bool) -> Result<()> {
        if spec.amount.is_zero() {
            return Ok(());
        }
        let account = self.mapping.require(spec.key, &self.event)?;
        let minor = if credit {
            spec.amount.to_minor().checked_neg()
        } else {
            Some(spec.amount.to_minor())
        }
        .ok_or_else(|| self.overflow(spec.amount.currency()))?;
        self.push(Leg {
            account,
            party: spec.party,
            due: spec.due,
            memo: spec.memo,
            currency: spec.amount.currency(),
            keep: spec.keep,
            minor,
        })
    }

    fn overflow(&self, currency: Currency) -> Error {
        Error::Overflow {
            event: self.event.clone(),
            currency,
        }
    }

    /// Adds `leg` to the leg of the same account, party, due date, memo and
    /// currency, or as a new leg after the others.
    fn push(&mut self, leg: Leg) -> Result<()> {
        let same = self.legs.iter_mut().find(|l| {
            l.account == leg.account
                && l.party == leg.party
                && l.due == leg.due
                && l.memo == leg.memo
                && l.currency == leg.currency
                && l.keep == leg.keep
        });
        match same {
            Some(existing) => {
                existing.minor = existing
                    .minor
                    .checked_add(leg.minor)
                    .ok_or_else(|| self_overflow(&self.event, leg.currency))?;
            }
            None => self.legs.push(leg),
        }
        Ok(())
    }

    /// Converts every leg in `rate.from()` that is not kept in the
    /// document's currency into `rate.to()`, each rounded on its own with
    /// `strategy`, and balances each currency through the conversion
    /// account: in the document's currency it stands in for the converted
    /// legs, in the base currency it takes the opposite of their converted
    /// sum. The rate is recorded on the entry.
    pub(crate) fn convert(&mut self, rate: ExchangeRate, strategy: RoundingStrategy) -> Result<()> {
        let conversion = self.mapping.require(MappingKey::Conversion, &self.event)?;
        let (from, to) = (rate.from(), rate.to());
        let mut foreign = 0_i128;
        let mut base = 0_i128;
        let mut converted = Vec::with_capacity(self.legs.len());
        for leg in core::mem::take(&mut self.legs) {
            if leg.currency != from || leg.keep == Keep::Document {
                converted.push(leg);
                continue;
            }
            let magnitude = Money::from_minor(leg.minor.abs(), from)
                .and_then(|m| rate.convert(m, strategy))
                .map_err(|e| self.money_error(e))?
                .to_minor();
            let signed = if leg.minor < 0 { -magnitude } else { magnitude };
            foreign = foreign
                .checked_add(leg.minor)
                .ok_or_else(|| self.overflow(from))?;
            base = base.checked_add(signed).ok_or_else(|| self.overflow(to))?;
            converted.push(Leg {
                currency: to,
                minor: signed,
                ..leg
            });
        }
        self.legs = converted;
        for (currency, minor) in [(from, foreign), (to, -base)] {
            self.push(Leg {
                account: conversion,
                party: None,
                due: None,
                memo: None,
                currency,
                keep: Keep::Converted,
                minor,
            })?;
        }
        self.rates.push(rate);
        Ok(())
    }

    /// Records `rate` on the entry without converting anything: the
    /// booking rate of legs kept in a foreign currency.
    pub(crate) fn record_rate(&mut self, rate: ExchangeRate) {
        self.rates.push(rate);
    }

    /// The entry: one posting per leg whose amount is not zero, in the
    /// order the legs were added, debits positive.
    pub(crate) fn into_entry(
        self,
        id: EntryId,
        date: NaiveDate,
        description: &str,
        metadata: &[(&str, &str)],
    ) -> Result<JournalEntry> {
        let ledger = |source| Error::Ledger {
            event: self.event.clone(),
            source: Box::new(source),
        };
        let mut builder = JournalEntry::builder(
            id,
            date,
            EntryDescription::new(description).map_err(ledger)?,
        );
        let mut any = false;
        for leg in &self.legs {
            if leg.minor == 0 {
                continue;
            }
            any = true;
            let amount = Money::from_minor(leg.minor.abs(), leg.currency)
                .map_err(|e| self.money_error(e))?;
            let mut posting = if leg.minor > 0 {
                Posting::debit(leg.account, amount)
            } else {
                Posting::credit(leg.account, amount)
            };
            if let Some(party) = leg.party {
                posting = posting.with_party(party);
            }
            if let Some(due) = leg.due {
                posting = posting.with_due_date(due);
            }
            if let Some(memo) = &leg.memo {
                posting = posting.with_memo(Memo::new(memo.as_str()).map_err(ledger)?);
            }
            builder = builder.posting(posting);
        }
        if !any {
            return Err(Error::NothingToPost {
                event: self.event.clone(),
            });
        }
        for (key, value) in metadata {
            builder = builder.metadata(
                MetadataKey::new(*key).map_err(ledger)?,
                MetadataValue::new(*value).map_err(ledger)?,
            );
        }
        for rate in &self.rates {
            builder = builder.rate(*rate);
        }
        builder.build().map_err(ledger)
    }
}

fn self_overflow(event: &SourceEvent, currency: Currency) -> Error {
    Error::Overflow {
        event: event.clone(),
        currency,
    }
}

/// The rate from `currency` into the mapping's base currency for a document
/// posted under `event`: `None` when the document is in the base currency,
/// `given` (or its inverse) when it converts between the two.
pub(crate) fn conversion_rate(
    mapping: &AccountMapping,
    currency: Currency,
    given: Option<ExchangeRate>,
    event: &SourceEvent,
) -> Result<Option<ExchangeRate>> {
    let base = mapping.require_base(event)?;
    if currency == base {
        return Ok(None);
    }
    let missing = || Error::Missing {
        event: event.clone(),
        key: crate::MissingKey::ExchangeRate {
            from: currency,
            to: base,
        },
    };
    match given {
        Some(rate) if rate.from() == currency && rate.to() == base => Ok(Some(rate)),
        Some(rate) if rate.from() == base && rate.to() == currency => {
            rate.inverse().map(Some).map_err(|source| Error::Money {
                event: event.clone(),
                source,
            })
        }
        _ => Err(missing()),
    }
}
