//! Multi-currency: realised gain or loss on settlement, and unrealised gain
//! or loss by revaluation.
//!
//! # The model
//!
//! Entries that mix currencies convert through the ledger's designated
//! conversion account (a trading account), so each currency balances on its
//! own. The conversion account then holds, per currency, the net position the
//! company took in it, against what that position cost in the base currency.
//! Valued at a rate, those positions sum to the company's exchange result:
//! a credit value (negative, from the debit side) is a gain, a debit value a
//! loss. Booking a result moves that value out of the conversion account into
//! a gain or loss account, so the account's value returns to zero.
//!
//! Two commands book results, to two pairs of accounts named by the caller:
//!
//! - **Realised**, [`ForeignSettlement`] ([`Ledger::settle_foreign`](crate::Ledger::settle_foreign)): a party
//!   pays (or is paid) open items of a receivable or payable in the foreign
//!   currency. The entry posts the payment (cash account against the open-items
//!   account, for the party, in the foreign currency; the items settle in the
//!   order of [`receivable`](crate::receivable): oldest due first) and, for each
//!   settled portion of an item, `portion x (settlement rate - booking rate)`
//!   in the base currency between the conversion account and the
//!   [`SettlementAccounts`]' realised gain or loss account. The booking rate is
//!   the one carried by the entry that opened the item. A receivable (an item
//!   on the debit side) gains when the rate rises; a payable loses, since
//!   paying it costs more base currency than was booked. After the entry, the
//!   conversion account's value at the settlement rate is what it was before the
//!   settled portions were booked: the realised result has left it.
//! - **Unrealised**, [`Revaluation`] ([`Ledger::revalue`](crate::Ledger::revalue)): at a period end,
//!   what is still held in foreign currency (cash, open items, anything booked
//!   through the conversion account) is valued at the given rates and the
//!   difference booked to the revaluation's gain and loss accounts, which are
//!   the unrealised ones. With [`Revaluation::reversing_on`] the revaluation
//!   posts its mirror entry on a later day (usually the first day of the next
//!   period), linked to it as a reversal, as ERPs do: a settlement measures its
//!   realised result from the booking rate, and without the reversal the part
//!   of it the revaluation had already booked would count twice until the next
//!   revaluation takes it back.
//!
//! Each realised amount is rounded once, per settled portion of an item, to the
//! base currency's minor units with the settlement's [`RoundingStrategy`](bureau_core::RoundingStrategy)
//! (half to even unless told otherwise). Whatever rounding leaves in the
//! conversion account is picked up by the next revaluation, so realised plus
//! unrealised always equals the exchange result in full.
//!
//! # A worked example
//!
//! Base currency USD. On 1 March an invoice of 1000.00 EUR is booked at
//! 1 EUR = 1.10 USD: receivable 1000.00 EUR against the conversion account,
//! and the conversion account 1100.00 USD against sales. The conversion
//! account holds -1000.00 EUR and +1100.00 USD (from the debit side): valued
//! at 1.10, zero.
//!
//! On 31 March the rate is 1.12. The revaluation values the positions at
//! 1100.00 - 1120.00 = -20.00 USD, an unrealised gain: debit conversion 20.00,
//! credit unrealised gain 20.00. It reverses on 1 April: debit unrealised gain
//! 20.00, credit conversion 20.00.
//!
//! On 15 April the customer pays 1000.00 EUR at 1.05. The settlement posts the
//! euros to the bank against the receivable, and the realised result
//! 1000.00 x (1.05 - 1.10) = -50.00 USD, a loss: debit realised loss 50.00,
//! credit conversion 50.00. The conversion account now holds -1000.00 EUR (the
//! euros in the bank) and +1050.00 USD: valued at 1.05, zero again, so a
//! revaluation at 1.05 books nothing. The invoice brought 1050.00 USD of value
//! for 1100.00 USD of sales: the 50.00 loss, all of it realised. From now on
//! the euros in the bank are revalued, unrealised, until they are converted.
//!
//! ```
//! use bureau_ledger::{AccountId, EntryId, ForeignSettlement, Revaluation, RevaluationAccounts, SettlementAccounts};
//! use bureau_core::{Currency, Decimal, ExchangeRate, PartyId, Rate};
//!
//! let mut ledger = bureau_ledger::fixtures::ledger_with_foreign_invoice()?;
//! // Bank EUR 2, receivables 12, conversion 9, realised gain/loss 71/81,
//! // unrealised gain/loss 72/82; entry 1: 1000.00 EUR invoiced at 1.10.
//! let ids = AccountId::from_u128;
//! let (usd, eur) = (Currency::USD, Currency::EUR);
//! let date = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
//! let rate = |r, m, d| -> Result<ExchangeRate, Box<dyn std::error::Error>> {
//!     Ok(ExchangeRate::new(eur, usd, Rate::new(Decimal::new(r, 2)), date(m, d)?)?)
//! };
//! let unrealised = ledger.revalue(Revaluation::new(EntryId::from_u128(2), date(3, 31)?, usd, RevaluationAccounts { unrealised_gain: ids(72), unrealised_loss: ids(82) })
//!     .with_rate(rate(112, 3, 31)?)
//!     .reversing_on(date(4, 1)?, EntryId::from_u128(3)))?;
//! assert_eq!(unrealised.result().to_string(), "20.00 USD");
//! assert!(ledger.balance(ids(72), usd)?.is_zero()); // reversed on 1 April
//!
//! let accounts = SettlementAccounts { open_items: ids(12), cash: ids(2), realised_gain: ids(71), realised_loss: ids(81) };
//! let realised = ledger.settle_foreign(ForeignSettlement::new(EntryId::from_u128(4), date(4, 15)?, accounts,
//!     PartyId::from_u128(5), "1000.00 EUR".parse()?, rate(105, 4, 15)?))?;
//! assert_eq!(realised.result().to_string(), "-50.00 USD");
//! assert_eq!(ledger.balance(ids(81), usd)?.to_string(), "50.00 USD");
//!
//! let more = ledger.revalue(Revaluation::new(EntryId::from_u128(5), date(4, 15)?, usd, RevaluationAccounts { unrealised_gain: ids(72), unrealised_loss: ids(82) })
//!     .with_rate(rate(105, 4, 15)?))?;
//! assert!(more.result().is_zero());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where the rules are
//!
//! - [`revaluation`]: [`Revaluation`] and [`Ledger::revalue`](crate::Ledger::revalue), unrealised
//!   results at period end.
//! - [`settlement`]: [`ForeignSettlement`] and [`Ledger::settle_foreign`](crate::Ledger::settle_foreign),
//!   realised results when a party pays; [`realised_gain`] computes one
//!   without booking it.

use bureau_core::{Currency, ExchangeRate, Money};

use crate::ledger::LedgerEvent;

pub mod revaluation;
pub mod settlement;

pub use revaluation::{Revaluation, RevaluationAccounts};
pub use settlement::{ForeignSettlement, RealisedRates, SettlementAccounts, realised_gain};

/// What [`Ledger::revalue`](crate::Ledger::revalue) and [`Ledger::settle_foreign`](crate::Ledger::settle_foreign) did: the
/// exchange result booked (unrealised or realised; positive a gain, negative a
/// loss, in the base currency) and the events that record it, to be stored
/// like those of any other command.
///
/// ```
/// let mut ledger = bureau_ledger::fixtures::ledger_with_foreign_invoice()?;
/// let settlement = bureau_ledger::fixtures::foreign_settlement()?;
/// let booked = ledger.settle_foreign(settlement)?;
/// assert_eq!(booked.result().to_string(), "-50.00 USD");
/// assert_eq!(booked.events().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangeBooking {
    pub(crate) result: Money,
    pub(crate) events: Vec<LedgerEvent>,
}

impl ExchangeBooking {
    /// The exchange result in the base currency: positive a gain, negative a
    /// loss.
    ///
    /// See [`ExchangeBooking`].
    #[must_use]
    pub const fn result(&self) -> Money {
        self.result
    }

    /// The events that record the booking.
    ///
    /// See [`ExchangeBooking`].
    #[must_use]
    pub fn events(&self) -> &[LedgerEvent] {
        &self.events
    }

    /// Takes the events that record the booking.
    ///
    /// See [`ExchangeBooking`].
    #[must_use]
    pub fn into_events(self) -> Vec<LedgerEvent> {
        self.events
    }
}

/// The rate from `from` into `to`: given directly, or as the inverse of a
/// rate given the other way.
pub(crate) fn find_rate(
    rates: &[ExchangeRate],
    from: Currency,
    to: Currency,
) -> Option<core::result::Result<ExchangeRate, bureau_core::Error>> {
    rates
        .iter()
        .find(|r| r.from() == from && r.to() == to)
        .map(|r| Ok(*r))
        .or_else(|| {
            rates
                .iter()
                .find(|r| r.from() == to && r.to() == from)
                .map(ExchangeRate::inverse)
        })
}
