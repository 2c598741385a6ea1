//! Unrealised exchange results: a [`Revaluation`] values the conversion
//! account's positions at period-end rates and books the difference to its
//! [`RevaluationAccounts`], optionally reversed on a later day. See the
//! [`fx`](crate::fx) module for the model.

use bureau_core::{Currency, ExchangeRate, Money, RoundingStrategy};
use chrono::NaiveDate;

use super::{ExchangeBooking, find_rate};
use crate::ledger::LedgerEvent;
use crate::{AccountId, EntryId, Error, JournalEntry, Ledger, Posting, Result, Side};

/// A revaluation of the conversion account's positions at given rates,
/// booking the unrealised gain or loss: the `gain` and `loss` accounts given
/// here are the unrealised ones (those of a [`ForeignSettlement`](super::ForeignSettlement) are the
/// realised ones). See the [module docs](crate::fx) for the model.
///
/// ```
/// use bureau_ledger::{AccountId, EntryId, Revaluation, RevaluationAccounts};
/// use bureau_core::{Currency, Decimal, ExchangeRate, RoundingStrategy};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
/// let (usd, eur) = (Currency::USD, Currency::EUR);
/// let reval = Revaluation::new(EntryId::from_u128(50), day, usd, RevaluationAccounts { unrealised_gain: AccountId::from_u128(7910), unrealised_loss: AccountId::from_u128(7920) })
///     .with_rate(ExchangeRate::new(eur, usd, "1.2".parse()?, day)?)
///     .with_rounding(RoundingStrategy::MidpointNearestEven);
/// assert_eq!(reval.rates().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Revaluation {
    entry: EntryId,
    date: NaiveDate,
    base: Currency,
    accounts: RevaluationAccounts,
    rates: Vec<ExchangeRate>,
    rounding: RoundingStrategy,
    // The id and date of the mirror entry, when the revaluation reverses itself.
    #[cfg_attr(feature = "serde", serde(default))]
    reversal: Option<(EntryId, NaiveDate)>,
}

/// The accounts a [`Revaluation`] books to: the unrealised gain and loss
/// accounts (a [`ForeignSettlement`](super::ForeignSettlement) books to the realised ones, in
/// [`SettlementAccounts`](super::SettlementAccounts)).
///
/// ```
/// use bureau_ledger::{AccountId, RevaluationAccounts};
///
/// let ids = AccountId::from_u128;
/// let accounts = RevaluationAccounts { unrealised_gain: ids(72), unrealised_loss: ids(82) };
/// assert_ne!(accounts.unrealised_gain, accounts.unrealised_loss);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RevaluationAccounts {
    /// Where unrealised exchange gains go (an income account).
    pub unrealised_gain: AccountId,
    /// Where unrealised exchange losses go (an expense account).
    pub unrealised_loss: AccountId,
}

impl Revaluation {
    /// A revaluation posting entry `entry` on `date` in the `base` currency,
    /// booking gains and losses to `accounts`; rounding half to even unless
    /// [`with_rounding`](Self::with_rounding) says otherwise.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Revaluation, RevaluationAccounts};
    /// use bureau_core::Currency;
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let r = Revaluation::new(EntryId::from_u128(1), day, Currency::USD, RevaluationAccounts { unrealised_gain: AccountId::from_u128(1), unrealised_loss: AccountId::from_u128(2) });
    /// assert_eq!(r.base().code(), "USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(
        entry: EntryId,
        date: NaiveDate,
        base: Currency,
        accounts: RevaluationAccounts,
    ) -> Self {
        Self {
            entry,
            date,
            base,
            accounts,
            rates: Vec::new(),
            rounding: RoundingStrategy::MidpointNearestEven,
            reversal: None,
        }
    }

    /// Reverses the revaluation on `date` (usually the first day of the next
    /// period) by its mirror entry `reversal`, linked to it as its reversal
    /// and posted with it. The unrealised result then lasts only over the
    /// period end, and a later settlement's realised result, measured from the
    /// booking rate, does not count it again.
    ///
    /// The reversal must not be dated before the revaluation, and its period
    /// must be open when the revaluation is posted.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Revaluation, RevaluationAccounts};
    /// use bureau_core::Currency;
    ///
    /// let (end, next) = (chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?,
    ///     chrono::NaiveDate::from_ymd_opt(2026, 4, 1).ok_or("date")?);
    /// let r = Revaluation::new(EntryId::from_u128(1), end, Currency::USD, RevaluationAccounts { unrealised_gain: AccountId::from_u128(1), unrealised_loss: AccountId::from_u128(2) })
    ///     .reversing_on(next, EntryId::from_u128(2));
    /// assert_eq!(r.reversal(), Some((EntryId::from_u128(2), next)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn reversing_on(mut self, date: NaiveDate, reversal: EntryId) -> Self {
        self.reversal = Some((reversal, date));
        self
    }

    /// The id and date of the reversal, when the revaluation reverses itself.
    pub const fn reversal(&self) -> Option<(EntryId, NaiveDate)> {
        self.reversal
    }

    /// The id of the revaluation entry.
    pub const fn entry(&self) -> EntryId {
        self.entry
    }

    /// The date of the revaluation entry: the day whose positions are valued.
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The unrealised gain and loss accounts.
    pub const fn accounts(&self) -> RevaluationAccounts {
        self.accounts
    }

    /// Adds a rate from a foreign currency into the base currency.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Revaluation, RevaluationAccounts};
    /// use bureau_core::{Currency, Decimal, ExchangeRate};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let (usd, gbp) = (Currency::USD, Currency::GBP);
    /// let r = Revaluation::new(EntryId::from_u128(1), day, usd, RevaluationAccounts { unrealised_gain: AccountId::from_u128(1), unrealised_loss: AccountId::from_u128(2) })
    ///     .with_rate(ExchangeRate::new(gbp, usd, "1.27".parse()?, day)?);
    /// assert_eq!(r.rates()[0].from(), gbp);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_rate(mut self, rate: ExchangeRate) -> Self {
        self.rates.push(rate);
        self
    }

    /// Sets the rounding of converted amounts.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Revaluation, RevaluationAccounts};
    /// use bureau_core::{Currency, RoundingStrategy};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let r = Revaluation::new(EntryId::from_u128(1), day, Currency::USD, RevaluationAccounts { unrealised_gain: AccountId::from_u128(1), unrealised_loss: AccountId::from_u128(2) })
    ///     .with_rounding(RoundingStrategy::ToZero);
    /// assert_eq!(r.rounding(), RoundingStrategy::ToZero);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_rounding(mut self, strategy: RoundingStrategy) -> Self {
        self.rounding = strategy;
        self
    }

    /// The base currency.
    pub const fn base(&self) -> Currency {
        self.base
    }

    /// The rates given.
    pub fn rates(&self) -> &[ExchangeRate] {
        &self.rates
    }

    /// The rounding of converted amounts.
    pub const fn rounding(&self) -> RoundingStrategy {
        self.rounding
    }
}

impl Ledger {
    /// Revalues the conversion account's positions (see the [module docs](crate::fx))
    /// and returns the unrealised gain (positive) or loss (negative) booked, in
    /// the base currency, to the revaluation's accounts; with
    /// [`Revaluation::reversing_on`], posts the reversal as well. Nothing is
    /// posted when the value is already zero.
    ///
    /// # Errors
    ///
    /// [`Error::NoConversionAccount`], [`Error::MissingExchangeRate`] for a
    /// currency held without a rate into the base currency,
    /// [`Error::AlreadyPosted`] when this revaluation was posted before
    /// ([`Error::ExistsWithDifferent`] when another entry has its id), or any
    /// validation error of the revaluation entry or its reversal
    /// ([`Error::ReversalBeforeOriginal`], a closed period, ...).
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, Revaluation, RevaluationAccounts};
    /// use bureau_core::{Currency, Decimal, ExchangeRate};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    /// let (usd, eur) = (Currency::USD, Currency::EUR);
    /// let ids = |n| AccountId::from_u128(n);
    /// let mut ledger = Ledger::new();
    /// ledger.configure(bureau_ledger::LedgerConfig::new().with_conversion_account(ids(9)))?;
    /// for (n, code, name, kind) in [(1, "1000", "Bank USD", AccountKind::ASSET), (2, "1020", "Bank EUR", AccountKind::ASSET),
    ///     (9, "1990", "Conversion", AccountKind::EQUITY), (7, "7900", "FX gain", AccountKind::INCOME), (8, "8900", "FX loss", AccountKind::EXPENSE)] {
    ///     ledger.open_account(Account::new(ids(n), code.parse()?, name.parse()?, kind, day))?;
    /// }
    /// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "buy 100 EUR at 1.10".parse()?)
    ///     .debit(ids(2), "100.00 EUR".parse()?).credit(ids(9), "100.00 EUR".parse()?)
    ///     .debit(ids(9), "110.00 USD".parse()?).credit(ids(1), "110.00 USD".parse()?)
    ///     .rate(ExchangeRate::new(eur, usd, "1.1".parse()?, day)?)
    ///     .build()?)?;
    /// let month_end = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("date")?;
    /// let gain = ledger.revalue(Revaluation::new(EntryId::from_u128(2), month_end, usd, RevaluationAccounts { unrealised_gain: ids(7), unrealised_loss: ids(8) })
    ///     .with_rate(ExchangeRate::new(eur, usd, "1.2".parse()?, month_end)?))?;
    /// assert_eq!(gain.result().to_string(), "10.00 USD");
    /// assert_eq!(ledger.balance(ids(7), usd)?.to_string(), "10.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revalue(&mut self, revaluation: Revaluation) -> Result<ExchangeBooking> {
        let (events, result) = self.plan_revaluation(&revaluation)?;
        for event in &events {
            bureau_core::Aggregate::apply(self, event);
        }
        Ok(ExchangeBooking { result, events })
    }

    pub(crate) fn decide_revaluation(&self, revaluation: &Revaluation) -> Result<Vec<LedgerEvent>> {
        Ok(self.plan_revaluation(revaluation)?.0)
    }

    fn plan_revaluation(&self, r: &Revaluation) -> Result<(Vec<LedgerEvent>, Money)> {
        let description = crate::EntryDescription::derived(format!(
            "revaluation of foreign-currency positions in {}",
            r.base
        ));
        // A retry of a posted revaluation says so, whatever the positions
        // are now.
        let skeleton = JournalEntry::system(
            r.entry,
            r.date,
            description.clone(),
            Vec::new(),
            r.rates.clone(),
        );
        self.check_command_entry(&skeleton, 0)?;
        let conversion = self
            .conversion_account()
            .ok_or(Error::NoConversionAccount { entry: r.entry })?;
        let slot = self.slot_or_err(conversion)?;
        let overflow = || Error::EntryOverflow {
            entry: r.entry,
            what: "the value of the foreign-currency positions",
            currency: r.base,
        };
        let mut value = Money::zero(r.base);
        for book in &slot.books {
            let position = Money::from_minor(book.as_of(r.date), book.currency)?;
            if book.currency == r.base {
                value = value.checked_add(position).map_err(|_| overflow())?;
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
            let converted = rate.convert(position, r.rounding).map_err(|_| overflow())?;
            value = value.checked_add(converted).map_err(|_| overflow())?;
        }
        if value.is_zero() {
            return Ok((Vec::new(), value));
        }
        // A credit-heavy value (negative) is a gain: debit the conversion
        // account back to zero value and credit the gain account.
        let amount = value.abs();
        let (other, conversion_side) = if value.is_negative() {
            (r.accounts.unrealised_gain, Side::Debit)
        } else {
            (r.accounts.unrealised_loss, Side::Credit)
        };
        let entry = JournalEntry::system(
            r.entry,
            r.date,
            description,
            vec![
                Posting::new(conversion, conversion_side, amount),
                Posting::new(other, conversion_side.opposite(), amount),
            ],
            r.rates.clone(),
        );
        let mut entries = Vec::with_capacity(2);
        if let Some((id, date)) = r.reversal {
            let mirror = entry.reversal(id, date);
            entries.push(entry);
            entries.push(mirror);
        } else {
            entries.push(entry);
        }
        let events = self.decide_system_entries(entries)?;
        Ok((events, value.neg()))
    }
}
