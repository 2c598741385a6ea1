//! Multi-currency: revaluation of the conversion account's foreign-currency
//! positions, and realised gain or loss on settlement.
//!
//! Entries that mix currencies convert through the ledger's designated
//! conversion account (a trading account), so each currency balances on its
//! own. The conversion account then holds, per currency, the net position the
//! company took in it. Valued at current rates, those positions sum to the
//! company's exchange gain (negative value: the positions are worth more than
//! they cost) or loss; [`Revaluation`] books that value against a gain or a
//! loss account, bringing the conversion account's value back to zero.

use bureau_core::{Currency, ExchangeRate, Money, RoundingStrategy};
use chrono::NaiveDate;

use crate::ledger::LedgerEvent;
use crate::{AccountId, EntryId, Error, JournalEntry, Ledger, Posting, Result, Side};

/// A revaluation of the conversion account's positions at given rates.
///
/// ```
/// use bureau_ledger::{AccountId, EntryId, Revaluation};
/// use bureau_core::{Currency, Decimal, ExchangeRate, RoundingStrategy};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
/// let (usd, eur) = (Currency::iso("USD")?, Currency::iso("EUR")?);
/// let reval = Revaluation::new(EntryId::from_u128(50), day, usd, AccountId::from_u128(7910), AccountId::from_u128(7920))
///     .rate(ExchangeRate::new(eur, usd, Decimal::new(12, 1), day)?)
///     .rounding(RoundingStrategy::MidpointNearestEven);
/// assert_eq!(reval.rates().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Revaluation {
    entry: EntryId,
    date: NaiveDate,
    base: Currency,
    gain: AccountId,
    loss: AccountId,
    rates: Vec<ExchangeRate>,
    rounding: RoundingStrategy,
}

impl Revaluation {
    /// A revaluation posting entry `entry` on `date` in the `base` currency,
    /// booking gains to `gain` and losses to `loss`; rounding half to even
    /// unless [`rounding`](Self::rounding) says otherwise.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Revaluation};
    /// use bureau_core::Currency;
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let r = Revaluation::new(EntryId::from_u128(1), day, Currency::iso("USD")?, AccountId::from_u128(1), AccountId::from_u128(2));
    /// assert_eq!(r.base().code(), "USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        entry: EntryId,
        date: NaiveDate,
        base: Currency,
        gain: AccountId,
        loss: AccountId,
    ) -> Self {
        Self {
            entry,
            date,
            base,
            gain,
            loss,
            rates: Vec::new(),
            rounding: RoundingStrategy::MidpointNearestEven,
        }
    }

    /// Adds a rate from a foreign currency into the base currency.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Revaluation};
    /// use bureau_core::{Currency, Decimal, ExchangeRate};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let (usd, gbp) = (Currency::iso("USD")?, Currency::iso("GBP")?);
    /// let r = Revaluation::new(EntryId::from_u128(1), day, usd, AccountId::from_u128(1), AccountId::from_u128(2))
    ///     .rate(ExchangeRate::new(gbp, usd, Decimal::new(127, 2), day)?);
    /// assert_eq!(r.rates()[0].from(), gbp);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rate(mut self, rate: ExchangeRate) -> Self {
        self.rates.push(rate);
        self
    }

    /// Sets the rounding of converted amounts.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Revaluation};
    /// use bureau_core::{Currency, RoundingStrategy};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let r = Revaluation::new(EntryId::from_u128(1), day, Currency::iso("USD")?, AccountId::from_u128(1), AccountId::from_u128(2))
    ///     .rounding(RoundingStrategy::ToZero);
    /// assert_eq!(r.rounding_strategy(), RoundingStrategy::ToZero);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rounding(mut self, strategy: RoundingStrategy) -> Self {
        self.rounding = strategy;
        self
    }

    /// The base currency.
    ///
    /// ```
    /// # use bureau_ledger::{AccountId, EntryId, Revaluation};
    /// # use bureau_core::Currency;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let r = Revaluation::new(EntryId::from_u128(1), day, Currency::iso("JPY")?, AccountId::from_u128(1), AccountId::from_u128(2));
    /// assert_eq!(r.base().minor_units(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn base(&self) -> Currency {
        self.base
    }

    /// The rates given.
    ///
    /// ```
    /// # use bureau_ledger::{AccountId, EntryId, Revaluation};
    /// # use bureau_core::Currency;
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let r = Revaluation::new(EntryId::from_u128(1), day, Currency::iso("USD")?, AccountId::from_u128(1), AccountId::from_u128(2));
    /// assert!(r.rates().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rates(&self) -> &[ExchangeRate] {
        &self.rates
    }

    /// The rounding of converted amounts.
    ///
    /// ```
    /// # use bureau_ledger::{AccountId, EntryId, Revaluation};
    /// # use bureau_core::{Currency, RoundingStrategy};
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let r = Revaluation::new(EntryId::from_u128(1), day, Currency::iso("USD")?, AccountId::from_u128(1), AccountId::from_u128(2));
    /// assert_eq!(r.rounding_strategy(), RoundingStrategy::MidpointNearestEven);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn rounding_strategy(&self) -> RoundingStrategy {
        self.rounding
    }
}

impl Ledger {
    /// Revalues the conversion account's positions (see the [module docs](crate::fx))
    /// and returns the gain (positive) or loss (negative) booked, in the base
    /// currency. Nothing is posted when the value is already zero.
    ///
    /// # Errors
    ///
    /// [`Error::NoConversionAccount`], [`Error::MissingExchangeRate`] for a
    /// currency held without a rate into the base currency, or any validation
    /// error of the revaluation entry.
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, Revaluation};
    /// use bureau_core::{Currency, Decimal, ExchangeRate};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    /// let (usd, eur) = (Currency::iso("USD")?, Currency::iso("EUR")?);
    /// let ids = |n| AccountId::from_u128(n);
    /// let mut ledger = Ledger::new().with_conversion_account(ids(9));
    /// for (n, code, name, kind) in [(1, "1000", "Bank USD", AccountKind::ASSET), (2, "1020", "Bank EUR", AccountKind::ASSET),
    ///     (9, "1990", "Conversion", AccountKind::EQUITY), (7, "7900", "FX gain", AccountKind::INCOME), (8, "8900", "FX loss", AccountKind::EXPENSE)] {
    ///     ledger.open_account(Account::new(ids(n), code.parse()?, name, kind, day))?;
    /// }
    /// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "buy 100 EUR at 1.10")
    ///     .debit(ids(2), "100.00 EUR".parse()?).credit(ids(9), "100.00 EUR".parse()?)
    ///     .debit(ids(9), "110.00 USD".parse()?).credit(ids(1), "110.00 USD".parse()?)
    ///     .rate(ExchangeRate::new(eur, usd, Decimal::new(11, 1), day)?)
    ///     .build()?)?;
    /// let month_end = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let gain = ledger.revalue(Revaluation::new(EntryId::from_u128(2), month_end, usd, ids(7), ids(8))
    ///     .rate(ExchangeRate::new(eur, usd, Decimal::new(12, 1), month_end)?))?;
    /// assert_eq!(gain.to_string(), "10.00 USD");
    /// assert_eq!(ledger.balance(ids(7), usd)?.balance().to_string(), "10.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revalue(&mut self, revaluation: Revaluation) -> Result<Money> {
        let (event, gain) = self.plan_revaluation(&revaluation)?;
        if let Some(event) = event {
            bureau_core::Aggregate::apply(self, &event);
        }
        Ok(gain)
    }

    pub(crate) fn decide_revaluation(&self, revaluation: &Revaluation) -> Result<Vec<LedgerEvent>> {
        Ok(self.plan_revaluation(revaluation)?.0.into_iter().collect())
    }

    fn plan_revaluation(&self, r: &Revaluation) -> Result<(Option<LedgerEvent>, Money)> {
        let conversion = self
            .conversion_account()
            .ok_or(Error::NoConversionAccount { entry: r.entry })?;
        let slot = self.slot_or_err(conversion)?;
        let mut value = Money::zero(r.base);
        for book in &slot.books {
            let position = Money::from_minor(book.as_of(r.date), book.currency)?;
            if book.currency == r.base {
                value = value.checked_add(position)?;
                continue;
            }
            if position.is_zero() {
                continue;
            }
            let rate = find_rate(&r.rates, book.currency, r.base).ok_or(
                Error::MissingExchangeRate {
                    entry: r.entry,
                    from: book.currency,
                    to: r.base,
                },
            )??;
            value = value.checked_add(rate.convert(position, r.rounding)?)?;
        }
        if value.is_zero() {
            return Ok((None, value));
        }
        // A credit-heavy value (negative) is a gain: debit the conversion
        // account back to zero value and credit the gain account.
        let amount = value.abs();
        let (other, conversion_side) = if value.is_negative() {
            (r.gain, Side::Debit)
        } else {
            (r.loss, Side::Credit)
        };
        let entry = JournalEntry::system(
            r.entry,
            r.date,
            format!("revaluation of foreign-currency positions in {}", r.base),
            vec![
                Posting::new(conversion, conversion_side, amount),
                Posting::new(other, conversion_side.opposite(), amount),
            ],
            r.rates.clone(),
        );
        let event = self.decide_system_entry(entry)?;
        Ok((Some(event), value.neg()))
    }
}

/// The rate from `from` into `to`: given directly, or as the inverse of a
/// rate given the other way.
fn find_rate(
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

/// The realised exchange gain (positive) or loss (negative), in the rate's
/// target currency, when a foreign `amount` booked at `booked` is settled at
/// `settled`: a receivable gains when the rate rises.
///
/// For a payable, pass the amount negated: paying more than booked is a loss.
///
/// # Errors
///
/// A currency mismatch between the amount and the rates, or an overflow.
///
/// ```
/// use bureau_ledger::realised_gain;
/// use bureau_core::{Currency, Decimal, ExchangeRate, RoundingStrategy};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
/// let (usd, eur) = (Currency::iso("USD")?, Currency::iso("EUR")?);
/// let booked = ExchangeRate::new(eur, usd, Decimal::new(110, 2), day)?;
/// let settled = ExchangeRate::new(eur, usd, Decimal::new(105, 2), day)?;
/// let invoice = "1000.00 EUR".parse()?;
/// let result = realised_gain(invoice, &booked, &settled, RoundingStrategy::MidpointNearestEven)?;
/// assert_eq!(result.to_string(), "-50.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn realised_gain(
    amount: Money,
    booked: &ExchangeRate,
    settled: &ExchangeRate,
    rounding: RoundingStrategy,
) -> Result<Money> {
    if booked.to() != settled.to() {
        return Err(Error::Core(bureau_core::Error::CurrencyMismatch {
            left: booked.to(),
            right: settled.to(),
        }));
    }
    let at_booking = booked.convert(amount, rounding)?;
    let at_settlement = settled.convert(amount, rounding)?;
    Ok(at_settlement.checked_sub(at_booking)?)
}
