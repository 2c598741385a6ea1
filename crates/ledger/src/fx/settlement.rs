//! Realised exchange results: a [`ForeignSettlement`] settles a party's
//! foreign-currency open items and books, per settled portion, the result at
//! the settlement rate against the booking rate to its
//! [`SettlementAccounts`]. See the [`fx`](crate::fx) module for the model.

use bureau_core::{Currency, Decimal, ExchangeRate, Money, PartyId, RoundingStrategy};
use chrono::NaiveDate;

use super::{ExchangeBooking, find_rate};
use crate::balance::on_side;
use crate::ledger::LedgerEvent;
use crate::{
    AccountId, EntryDescription, EntryId, Error, JournalEntry, Ledger, Posting, Result, Side,
};

/// The accounts a [`ForeignSettlement`] posts to. The gain and loss accounts
/// here are the realised ones; a [`Revaluation`](super::Revaluation) names the unrealised ones.
///
/// ```
/// use bureau_ledger::{AccountId, SettlementAccounts};
///
/// let ids = AccountId::from_u128;
/// let accounts = SettlementAccounts { open_items: ids(12), cash: ids(2), realised_gain: ids(71), realised_loss: ids(81) };
/// assert_eq!(accounts.cash, ids(2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SettlementAccounts {
    /// The receivable or payable account holding the party's open items.
    pub open_items: AccountId,
    /// The account the money moves through: a bank account that holds the
    /// foreign currency.
    pub cash: AccountId,
    /// Where realised exchange gains go (an income account).
    pub realised_gain: AccountId,
    /// Where realised exchange losses go (an expense account).
    pub realised_loss: AccountId,
}

/// A payment in a foreign currency that settles a party's open items on a
/// receivable or payable account, booking the realised exchange gain or loss
/// in the base currency (the rate's target) in the same entry; see the
/// [module docs](crate::fx) and [`Ledger::settle_foreign`](crate::Ledger::settle_foreign).
///
/// ```
/// use bureau_ledger::{AccountId, EntryId, ForeignSettlement, SettlementAccounts};
/// use bureau_core::{Currency, Decimal, ExchangeRate, PartyId, RoundingStrategy};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 15).ok_or("date")?;
/// let rate = ExchangeRate::new(Currency::EUR, Currency::USD, "1.05".parse()?, day)?;
/// let ids = AccountId::from_u128;
/// let accounts = SettlementAccounts { open_items: ids(12), cash: ids(2), realised_gain: ids(71), realised_loss: ids(81) };
/// let settlement = ForeignSettlement::new(EntryId::from_u128(4), day, accounts, PartyId::from_u128(5), "400.00 EUR".parse()?, rate)
///     .with_rounding(RoundingStrategy::MidpointAwayFromZero)
///     .with_description("wire from ACME".parse()?);
/// assert_eq!(settlement.base().code(), "USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ForeignSettlement {
    entry: EntryId,
    date: NaiveDate,
    accounts: SettlementAccounts,
    party: PartyId,
    amount: Money,
    rate: ExchangeRate,
    rounding: RoundingStrategy,
    #[cfg_attr(feature = "serde", serde(default))]
    description: Option<EntryDescription>,
}

impl ForeignSettlement {
    /// A settlement posted as entry `entry` on `date`: `party` pays `amount`
    /// (in the foreign currency) through `accounts.cash` against its open
    /// items on `accounts.open_items`, at `rate` from that currency into the
    /// base currency; rounding half to even unless
    /// [`with_rounding`](Self::with_rounding) says otherwise.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, ForeignSettlement, SettlementAccounts};
    /// use bureau_core::{Currency, Decimal, ExchangeRate, PartyId};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 15).ok_or("date")?;
    /// let rate = ExchangeRate::new(Currency::EUR, Currency::USD, "1.05".parse()?, day)?;
    /// let ids = AccountId::from_u128;
    /// let accounts = SettlementAccounts { open_items: ids(12), cash: ids(2), realised_gain: ids(71), realised_loss: ids(81) };
    /// let s = ForeignSettlement::new(EntryId::from_u128(4), day, accounts, PartyId::from_u128(5), "400.00 EUR".parse()?, rate);
    /// assert_eq!(s.amount().to_string(), "400.00 EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(
        entry: EntryId,
        date: NaiveDate,
        accounts: SettlementAccounts,
        party: PartyId,
        amount: Money,
        rate: ExchangeRate,
    ) -> Self {
        Self {
            entry,
            date,
            accounts,
            party,
            amount,
            rate,
            rounding: RoundingStrategy::MidpointNearestEven,
            description: None,
        }
    }

    /// Sets the rounding of each realised amount (one per settled portion of
    /// an item).
    ///
    /// ```
    /// let s = bureau_ledger::fixtures::foreign_settlement()?;
    /// use bureau_core::RoundingStrategy;
    /// assert_eq!(s.with_rounding(RoundingStrategy::ToZero).rounding(), RoundingStrategy::ToZero);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn with_rounding(mut self, strategy: RoundingStrategy) -> Self {
        self.rounding = strategy;
        self
    }

    /// Sets the entry's description (by default, "settlement of party ... in
    /// ... at ...").
    ///
    /// ```
    /// let s = bureau_ledger::fixtures::foreign_settlement()?;
    /// let wired = s.with_description("wire 123".parse()?);
    /// assert_eq!(wired.description().map(|d| d.as_str()), Some("wire 123"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_description(mut self, description: EntryDescription) -> Self {
        self.description = Some(description);
        self
    }

    /// The description given, if any.
    pub const fn description(&self) -> Option<&EntryDescription> {
        self.description.as_ref()
    }

    /// The id of the entry it posts.
    pub const fn entry(&self) -> EntryId {
        self.entry
    }

    /// The entry's date.
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The accounts posted to.
    pub const fn accounts(&self) -> SettlementAccounts {
        self.accounts
    }

    /// The party paying or paid.
    pub const fn party(&self) -> PartyId {
        self.party
    }

    /// The amount paid, in the foreign currency.
    pub const fn amount(&self) -> Money {
        self.amount
    }

    /// The settlement rate, from the foreign currency into the base currency.
    pub const fn rate(&self) -> ExchangeRate {
        self.rate
    }

    /// The base currency: the rate's target.
    pub const fn base(&self) -> Currency {
        self.rate.to()
    }

    /// The rounding of each realised amount.
    pub const fn rounding(&self) -> RoundingStrategy {
        self.rounding
    }
}

impl Ledger {
    /// Settles `settlement.party()`'s open items and books the realised
    /// exchange gain or loss (see the [module docs](crate::fx)); returns the
    /// realised result in the base currency: a gain positive, a loss negative.
    ///
    /// The entry posts the amount between the cash account (on the open-items
    /// account's normal side) and the open-items account for the party, then
    /// for each settled portion of an item whose result is not zero, the
    /// result between the conversion account and the realised gain or loss
    /// account, with a memo naming the item's entry. It carries the settlement
    /// rate. Items settle in the order of [`Ledger::open_items`](crate::Ledger::open_items) as of the
    /// settlement's date; a payment beyond the open items is refused (post a
    /// prepayment as a plain entry).
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyPosted`] when this settlement was posted before
    /// ([`Error::ExistsWithDifferent`] when another entry has its id),
    /// [`Error::NoConversionAccount`], [`Error::SettlementRateMismatch`],
    /// [`Error::UnknownAccount`], [`Error::NonPositiveAmount`],
    /// [`Error::NoOpenItems`], [`Error::SettlementExceedsOpenItems`],
    /// [`Error::MissingBookingRate`] naming the entry that opened an item,
    /// [`Error::EntryOverflow`], or any validation error of the entry (closed
    /// period, closed account, currency not allowed, limit).
    ///
    /// ```
    /// let mut ledger = bureau_ledger::fixtures::ledger_with_foreign_invoice()?;
    /// let settlement = bureau_ledger::fixtures::foreign_settlement()?;
    /// use bureau_core::Currency;
    /// // 1000.00 EUR invoiced at 1.10, paid at 1.05.
    /// let realised = ledger.settle_foreign(settlement.clone())?;
    /// assert_eq!(realised.result().to_string(), "-50.00 USD");
    /// let loss = bureau_ledger::AccountId::from_u128(81);
    /// assert_eq!(ledger.balance(loss, Currency::USD)?.to_string(), "50.00 USD");
    /// // The same settlement again changes nothing.
    /// assert!(matches!(ledger.settle_foreign(settlement), Err(bureau_ledger::Error::AlreadyPosted { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn settle_foreign(&mut self, settlement: ForeignSettlement) -> Result<ExchangeBooking> {
        let (event, result) = self.plan_settlement(&settlement)?;
        bureau_core::Aggregate::apply(self, &event);
        Ok(ExchangeBooking {
            result,
            events: vec![event],
        })
    }

    pub(crate) fn decide_settlement(
        &self,
        settlement: &ForeignSettlement,
    ) -> Result<Vec<LedgerEvent>> {
        Ok(vec![self.plan_settlement(settlement)?.0])
    }

    fn plan_settlement(&self, s: &ForeignSettlement) -> Result<(LedgerEvent, Money)> {
        let id = s.entry;
        let base = s.base();
        let currency = s.amount.currency();
        let accounts = s.accounts;
        let side = self
            .slot_or_err(accounts.open_items)?
            .account
            .kind()
            .normal_side();
        // The payment: cash on the open-items account's normal side (money
        // in for a receivable, out for a payable), the items on the other.
        let payment = vec![
            Posting::new(accounts.cash, side, s.amount),
            Posting::new(accounts.open_items, side.opposite(), s.amount).with_party(s.party),
        ];
        let description = s.description.clone().unwrap_or_else(|| {
            EntryDescription::derived(format!(
                "settlement of party {} in {currency} at {} {base}",
                s.party,
                s.rate.rate()
            ))
        });
        let skeleton = JournalEntry::system(id, s.date, description, payment, vec![s.rate]);
        self.check_command_entry(&skeleton, 2)?;
        // A closed or locked day says so before the items of that day are looked at.
        self.check_date(&skeleton)?;
        let conversion = self
            .conversion_account()
            .ok_or(Error::NoConversionAccount { entry: id })?;
        if s.rate.from() != currency || s.rate.from() == base {
            return Err(Error::SettlementRateMismatch {
                entry: id,
                amount: s.amount,
                from: s.rate.from(),
                to: base,
            });
        }
        if !s.amount.is_positive() {
            return Err(Error::NonPositiveAmount {
                entry: id,
                posting: 1,
                amount: s.amount,
            });
        }
        let label = || {
            self.slot_or_err(accounts.open_items)
                .map(|slot| slot.account.label())
        };
        let (_, mut books) = self.item_books(accounts.open_items, s.date)?;
        let items = books.remove(&(s.party, currency)).unwrap_or_default();
        let open = items
            .iter()
            .filter(|item| item.open > 0)
            .try_fold(0_i128, |sum, item| sum.checked_add(item.open))
            .ok_or(Error::EntryOverflow {
                entry: id,
                what: "the open items",
                currency,
            })?;
        if open == 0 {
            return Err(Error::NoOpenItems {
                entry: id,
                account: label()?,
                party: s.party,
                currency,
            });
        }
        let paid = s.amount.to_minor();
        if paid > open {
            return Err(Error::SettlementExceedsOpenItems {
                entry: id,
                account: label()?,
                party: s.party,
                open: Money::from_minor(open, currency)?,
            });
        }
        let mut items = items;
        let (portions, _) =
            crate::receivable::settle_items(&mut items, paid.saturating_neg(), None);
        let mut postings = skeleton.postings().to_vec();
        let mut realised = Money::zero(base);
        for portion in portions {
            let item = portion.entry;
            let result = self.realised_on_portion(s, item, on_side(portion.open, side))?;
            realised = realised
                .checked_add(result)
                .map_err(|_| Error::EntryOverflow {
                    entry: id,
                    what: "the realised result",
                    currency: base,
                })?;
            if result.is_zero() {
                continue;
            }
            // A gain takes value out of the conversion account from the
            // credit side: debit it, credit the gain account.
            let (other, conversion_side) = if result.is_positive() {
                (accounts.realised_gain, Side::Debit)
            } else {
                (accounts.realised_loss, Side::Credit)
            };
            let memo = crate::Memo::derived(format!("realised on the item of entry {item}"));
            let amount = result.abs();
            postings
                .push(Posting::new(conversion, conversion_side, amount).with_memo(memo.clone()));
            postings.push(Posting::new(other, conversion_side.opposite(), amount).with_memo(memo));
        }
        let entry = skeleton.with_id_date_postings(id, s.date, postings);
        let event = self.decide_settlement_entry(entry)?;
        Ok((event, realised))
    }

    /// The realised result of settling `portion` (minor units of the foreign
    /// currency, from the debit side) of the item opened by entry `item`:
    /// `portion x (settlement rate - booking rate)`, rounded once.
    fn realised_on_portion(
        &self,
        s: &ForeignSettlement,
        item: EntryId,
        portion: i128,
    ) -> Result<Money> {
        let base = s.base();
        let currency = s.amount.currency();
        let missing = Error::MissingBookingRate {
            entry: s.entry,
            item,
            from: currency,
            to: base,
        };
        let opening = self.entry(item).ok_or_else(|| missing.clone())?;
        let booked = find_rate(opening.rates(), currency, base).ok_or(missing)??;
        let overflow = Error::EntryOverflow {
            entry: s.entry,
            what: "the realised result",
            currency: base,
        };
        let difference: Decimal = s
            .rate
            .rate()
            .value()
            .checked_sub(booked.rate().value())
            .ok_or_else(|| overflow.clone())?;
        let amount = Money::from_minor(portion, currency)?
            .amount()
            .checked_mul(difference)
            .ok_or_else(|| overflow.clone())?;
        Money::rounded(amount, base, s.rounding).map_err(|_| overflow)
    }
}

/// The two rates of a realised result, named so that they cannot be swapped
/// unnoticed: the rate an amount was `booked` at and the rate it is
/// `settled` at, both into the same (base) currency.
///
/// ```
/// use bureau_ledger::RealisedRates;
/// use bureau_core::{Currency, ExchangeRate};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
/// let rates = RealisedRates {
///     booked: ExchangeRate::new(Currency::EUR, Currency::USD, "1.10".parse()?, day)?,
///     settled: ExchangeRate::new(Currency::EUR, Currency::USD, "1.05".parse()?, day)?,
/// };
/// assert_eq!(rates.settled.to(), Currency::USD);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RealisedRates {
    /// The rate the amount was booked at.
    pub booked: ExchangeRate,
    /// The rate it is settled at.
    pub settled: ExchangeRate,
}

/// The realised exchange gain (positive) or loss (negative), in the rates'
/// target currency, when a foreign `amount` booked at `rates.booked` is
/// settled at `rates.settled`: a receivable gains when the rate rises.
///
/// For a payable, pass the amount negated: paying more than booked is a loss.
///
/// It books nothing and rounds both conversions; [`Ledger::settle_foreign`](crate::Ledger::settle_foreign)
/// books the realised result of a settlement, rounding once per settled
/// portion.
///
/// # Errors
///
/// A currency mismatch between the amount and the rates, or an overflow.
///
/// ```
/// use bureau_ledger::{RealisedRates, realised_gain};
/// use bureau_core::{Currency, ExchangeRate, RoundingStrategy};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
/// let (usd, eur) = (Currency::USD, Currency::EUR);
/// let rates = RealisedRates {
///     booked: ExchangeRate::new(eur, usd, "1.10".parse()?, day)?,
///     settled: ExchangeRate::new(eur, usd, "1.05".parse()?, day)?,
/// };
/// let invoice: bureau_core::Money = "1000.00 EUR".parse()?;
/// let result = realised_gain(invoice, rates, RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(result.to_string(), "-50.00 USD");
/// // A bill of the same amount gains what the invoice loses.
/// let bill = realised_gain(invoice.neg(), rates, RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(bill.to_string(), "50.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn realised_gain(
    amount: Money,
    rates: RealisedRates,
    rounding: RoundingStrategy,
) -> Result<Money> {
    let RealisedRates { booked, settled } = rates;
    if booked.to() != settled.to() {
        return Err(Error::from(bureau_core::Error::currency_mismatch(
            booked.to(),
            settled.to(),
        )));
    }
    let at_booking = booked.convert(amount, rounding)?;
    let at_settlement = settled.convert(amount, rounding)?;
    Ok(at_settlement.checked_sub(at_booking)?)
}
