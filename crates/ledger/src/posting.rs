//! The checks every entry passes before it is posted or reserved: balance,
//! rates, dates and periods, accounts open and taking the currency, and
//! the accounts' limits and ranges.

use crate::batch::Overlay;
use crate::entry_index::EntryRef;
use crate::{BalanceLimit, Error, JournalEntry, Ledger, PeriodState, Result, Side};

/// How an entry is being checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A plain posted entry.
    Posted,
    /// A new pending entry: its amounts count as pending for the limits.
    Pending,
    /// The posting of an already-reserved pending entry: the limits were
    /// checked when it was reserved, and moving reserved amounts into posted
    /// ones (releasing the rest) can only relax them.
    FromPending,
    /// A year-end closing entry: it may hold several currencies, each
    /// balanced on its own, without converting between them.
    Closing,
    /// A foreign settlement: the payment in the foreign currency and the
    /// realised result in the base currency each balance on their own; only
    /// the realised legs go through the conversion account.
    Settlement,
    /// The mirror of a posted entry: it has the original's accounts,
    /// currencies and rates, whose shape (a conversion, a settlement, a
    /// year-end close) passed when the original was posted, so only what
    /// depends on the state now (date, accounts open, limits) is checked.
    Reversal,
}

/// Slot positions of an entry's postings, found once by the checks and
/// reused when applying, for entries of up to eight postings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Resolved {
    slots: [usize; 8],
    len: usize,
}

impl Resolved {
    pub(crate) const fn new() -> Self {
        Self {
            slots: [0; 8],
            len: 0,
        }
    }

    pub(crate) fn push(&mut self, at: usize) {
        if let Some(slot) = self.slots.get_mut(self.len) {
            *slot = at;
        }
        self.len += 1;
    }

    pub(crate) fn get(&self, posting: usize) -> Option<usize> {
        if self.len <= self.slots.len() && posting < self.len {
            self.slots.get(posting).copied()
        } else {
            None
        }
    }
}

impl Ledger {
    /// Every check an entry must pass against the current state (plus the
    /// effects of the earlier entries of its batch).
    pub(crate) fn check_entry(
        &self,
        entry: &JournalEntry,
        mode: Mode,
        overlay: Option<&Overlay>,
    ) -> Result<Resolved> {
        let id = entry.id();
        let recorded = self.entries.len() + overlay.map_or(0, |o| o.ids.len());
        if recorded >= Self::MAX_ENTRIES {
            return Err(Error::BookFull {
                entry: id,
                capacity: Self::MAX_ENTRIES,
            });
        }
        // Idempotency first: a retry of a posted entry must say so, not
        // report whatever else changed since.
        let existing = match self.entry_ref(id) {
            Some(EntryRef::Posted(i)) => self.entries.get(i).map(|p| &p.entry),
            Some(EntryRef::Pending(i)) => self.pending.get(i).map(|p| &p.entry),
            None => None,
        };
        let existing = existing.or_else(|| overlay.and_then(|o| o.ids.get(&id).copied()));
        if let Some(existing) = existing {
            return Err(match existing.first_difference(entry) {
                Some(field) => Error::ExistsWithDifferent { entry: id, field },
                None => Error::AlreadyPosted { entry: id },
            });
        }
        let mixed = entry.check_balanced()?;
        if mixed && mode != Mode::Closing && mode != Mode::Reversal {
            entry.check_rates()?;
        }
        self.check_date(entry)?;
        if let Some(original) = entry.reverses() {
            // An earlier entry of the same decision may already reverse it.
            if let Some(by) = overlay.and_then(|o| {
                o.ids
                    .values()
                    .find(|e| e.reverses() == Some(original))
                    .map(|e| e.id())
            }) {
                return Err(Error::AlreadyReversed {
                    entry: original,
                    by,
                });
            }
            // An entry reversed within the same decision (a revaluation and
            // its reversal) is not posted yet: it is in the overlay.
            match overlay.and_then(|o| o.ids.get(&original)) {
                Some(earlier) if entry.date() < earlier.date() => {
                    return Err(Error::ReversalBeforeOriginal {
                        entry: original,
                        date: entry.date(),
                        original: earlier.date(),
                    });
                }
                Some(_) => {}
                None => {
                    self.check_reversible(original, entry.date())?;
                }
            }
        }
        let postings = entry.postings();
        let mut resolved = Resolved::new();
        for (index, posting) in postings.iter().enumerate() {
            let number = index + 1;
            let unknown = || Error::PostingUnknownAccount {
                entry: id,
                posting: number,
                account: posting.account(),
            };
            let at = *self.index.get(&posting.account()).ok_or_else(unknown)?;
            let slot = self.slots.get(at).ok_or_else(unknown)?;
            resolved.push(at);
            let account = &slot.account;
            if !account.status().is_open() {
                return Err(Error::PostingClosedAccount {
                    entry: id,
                    posting: number,
                    account: account.label(),
                });
            }
            if entry.date() < account.opened_on() {
                return Err(Error::AccountNotYetOpen {
                    entry: id,
                    posting: number,
                    account: account.label(),
                    date: entry.date(),
                    opened_on: account.opened_on(),
                });
            }
            let currency = posting.amount().currency();
            if !slot.allows(currency) {
                return Err(Error::CurrencyNotAllowed {
                    entry: id,
                    posting: number,
                    account: account.label(),
                    currency,
                });
            }
        }
        if mixed && matches!(mode, Mode::Posted | Mode::Pending | Mode::FromPending) {
            self.check_conversion(entry)?;
        }
        self.check_totals(entry, mode, overlay, &resolved)?;
        Ok(resolved)
    }

    pub(crate) fn check_date(&self, entry: &JournalEntry) -> Result<()> {
        let date = entry.date();
        if self.lock_horizon.is_none_or(|horizon| date >= horizon) {
            return Ok(());
        }
        let mut locked = None;
        for state in &self.locks {
            let period = state.period();
            if !period.contains(date) {
                continue;
            }
            match state {
                PeriodState::Closed(_) => {
                    return Err(Error::PeriodClosed {
                        entry: entry.id(),
                        date,
                        period,
                    });
                }
                PeriodState::SoftLocked(lock) => {
                    if !lock.lets_in(entry.id(), entry.posted_by()) {
                        locked.get_or_insert(period);
                    }
                }
            }
        }
        match locked {
            Some(period) => Err(Error::PeriodLocked {
                entry: entry.id(),
                date,
                period,
            }),
            None => Ok(()),
        }
    }

    pub(crate) fn check_conversion(&self, entry: &JournalEntry) -> Result<()> {
        let conversion = self
            .conversion
            .ok_or(Error::NoConversionAccount { entry: entry.id() })?;
        for currency in entry.currencies() {
            let converts = entry
                .postings()
                .iter()
                .any(|p| p.account() == conversion && p.amount().currency() == currency);
            if !converts {
                let account = self.slot_or_err(conversion).map(|s| s.account.label())?;
                return Err(Error::MissingConversion {
                    entry: entry.id(),
                    currency,
                    account,
                });
            }
        }
        Ok(())
    }

    /// Checks, per account and currency the entry touches, that the totals
    /// after it stay within what a balance can hold and, except when posting
    /// reserved amounts, that the account's limit holds.
    pub(crate) fn check_totals(
        &self,
        entry: &JournalEntry,
        mode: Mode,
        overlay: Option<&Overlay>,
        resolved: &Resolved,
    ) -> Result<()> {
        let postings = entry.postings();
        for (index, posting) in postings.iter().enumerate() {
            let Some(at) = resolved
                .get(index)
                .or_else(|| self.index.get(&posting.account()).copied())
            else {
                continue;
            };
            let Some(slot) = self.slots.get(at) else {
                continue;
            };
            let limit = slot.account.limit();
            let currency = posting.amount().currency();
            // Check once per (account, currency), at its last posting, with
            // every posting of the entry on it added.
            let later_same = postings
                .iter()
                .skip(index + 1)
                .any(|p| p.account() == posting.account() && p.amount().currency() == currency);
            if later_same {
                continue;
            }
            let (mut dr, mut cr) = (0_i128, 0_i128);
            for p in postings {
                if p.account() == posting.account() && p.amount().currency() == currency {
                    match p.side() {
                        Side::Debit => dr = dr.saturating_add(p.amount().to_minor()),
                        Side::Credit => cr = cr.saturating_add(p.amount().to_minor()),
                    }
                }
            }
            let mut totals = slot.totals(currency);
            if let Some((odr, ocr)) = overlay.and_then(|o| o.deltas.get(&(at, currency))) {
                totals.posted_dr = totals.posted_dr.saturating_add(*odr);
                totals.posted_cr = totals.posted_cr.saturating_add(*ocr);
            }
            match mode {
                Mode::Pending => {
                    totals.pending_dr = totals.pending_dr.saturating_add(dr);
                    totals.pending_cr = totals.pending_cr.saturating_add(cr);
                }
                Mode::Posted
                | Mode::FromPending
                | Mode::Closing
                | Mode::Settlement
                | Mode::Reversal => {
                    totals.posted_dr = totals.posted_dr.saturating_add(dr);
                    totals.posted_cr = totals.posted_cr.saturating_add(cr);
                }
            }
            if !totals.fits() {
                return Err(Error::BalanceOverflow {
                    entry: entry.id(),
                    posting: index + 1,
                    account: slot.account.label(),
                    currency,
                });
            }
            // The limits were checked when the amounts were reserved, and
            // moving reserved amounts into posted ones (releasing the rest)
            // can only relax them.
            if mode == Mode::FromPending {
                continue;
            }
            let broken = match limit {
                BalanceLimit::DebitsMustNotExceedCredits => {
                    totals.posted_dr.saturating_add(totals.pending_dr) > totals.posted_cr
                }
                BalanceLimit::CreditsMustNotExceedDebits => {
                    totals.posted_cr.saturating_add(totals.pending_cr) > totals.posted_dr
                }
                BalanceLimit::None => false,
            };
            if broken {
                return Err(Error::LimitExceeded {
                    entry: entry.id(),
                    posting: index + 1,
                    account: slot.account.label(),
                    limit,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use bureau_core::{Aggregate, Currency, Money};
    use chrono::NaiveDate;

    use crate::{
        Account, AccountId, AccountKind, BalanceLimit, CurrencyPolicy, EntryId, Error,
        JournalEntry, Ledger, LedgerEvent, Posting,
    };

    #[test]
    fn entries_with_more_postings_than_the_inline_slots_post_correctly() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut ledger = Ledger::new();
        for n in 0..12_u128 {
            ledger
                .open_account(Account::new(
                    AccountId::from_u128(n),
                    format!("{}", 100 + n).parse().unwrap(),
                    "a".parse().unwrap(),
                    AccountKind::ASSET,
                    day,
                ))
                .unwrap();
        }
        let usd = Currency::USD;
        let mut builder =
            JournalEntry::builder(EntryId::from_u128(1), day, "wide".parse().unwrap());
        for n in 1..12_u128 {
            builder = builder.posting(Posting::debit(
                AccountId::from_u128(n),
                Money::from_minor(i128::try_from(n).unwrap(), usd).unwrap(),
            ));
        }
        let total = (1..12).sum::<i128>();
        builder = builder.credit(
            AccountId::from_u128(0),
            Money::from_minor(total, usd).unwrap(),
        );
        ledger.post(builder.build().unwrap()).unwrap();
        for n in 1..12_u128 {
            let balance = ledger.balance(AccountId::from_u128(n), usd).unwrap();
            assert_eq!(balance.to_minor(), i128::try_from(n).unwrap());
        }
        assert_eq!(
            ledger
                .balance(AccountId::from_u128(0), usd)
                .unwrap()
                .to_minor(),
            -total
        );
    }

    #[test]
    fn posting_checks_follow_opening_closing_and_currency_policy() {
        let jan = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let usd = Currency::USD;
        let eur = Currency::EUR;
        let jpy = Currency::JPY;
        let id = AccountId::from_u128;
        let mut ledger = Ledger::new();
        let accounts = [
            Account::new(
                id(1),
                "100".parse().unwrap(),
                "any".parse().unwrap(),
                AccountKind::ASSET,
                jan(1),
            ),
            Account::new(
                id(2),
                "200".parse().unwrap(),
                "usd".parse().unwrap(),
                AccountKind::ASSET,
                jan(1),
            )
            .with_currencies(CurrencyPolicy::Only(usd)),
            Account::new(
                id(3),
                "300".parse().unwrap(),
                "list".parse().unwrap(),
                AccountKind::ASSET,
                jan(1),
            )
            .with_currencies(CurrencyPolicy::List(vec![usd, eur])),
            Account::new(
                id(4),
                "400".parse().unwrap(),
                "late".parse().unwrap(),
                AccountKind::ASSET,
                jan(10),
            ),
            Account::new(
                id(5),
                "500".parse().unwrap(),
                "capped".parse().unwrap(),
                AccountKind::ASSET,
                jan(1),
            )
            .with_limit(BalanceLimit::DebitsMustNotExceedCredits),
        ];
        for account in accounts {
            ledger.open_account(account).unwrap();
        }
        let mut next = 0_u128;
        let mut post = |ledger: &mut Ledger, to: u128, currency: Currency, day: u32| {
            next += 1;
            let amount = Money::from_minor(100, currency).unwrap();
            let entry =
                JournalEntry::builder(EntryId::from_u128(next), jan(day), "x".parse().unwrap())
                    .debit(id(to), amount)
                    .credit(id(1), amount)
                    .build()
                    .unwrap();
            ledger.post(entry)
        };
        assert!(post(&mut ledger, 2, usd, 2).is_ok());
        let err = post(&mut ledger, 2, eur, 2).unwrap_err();
        assert!(
            matches!(err, Error::CurrencyNotAllowed { posting: 1, .. }),
            "{err}"
        );
        assert!(post(&mut ledger, 3, eur, 2).is_ok());
        let err = post(&mut ledger, 3, jpy, 2).unwrap_err();
        assert!(
            matches!(err, Error::CurrencyNotAllowed { posting: 1, .. }),
            "{err}"
        );
        let err = post(&mut ledger, 4, usd, 9).unwrap_err();
        assert!(
            matches!(err, Error::AccountNotYetOpen { posting: 1, .. }),
            "{err}"
        );
        assert!(post(&mut ledger, 4, usd, 10).is_ok());
        let err = post(&mut ledger, 5, usd, 2).unwrap_err();
        assert!(
            matches!(err, Error::LimitExceeded { posting: 1, .. }),
            "{err}"
        );
        // Closed through the command, and through an applied event.
        ledger.close_account(id(2), jan(20)).unwrap_err(); // holds a balance
        let empty = Account::new(
            id(6),
            "600".parse().unwrap(),
            "x".parse().unwrap(),
            AccountKind::ASSET,
            jan(1),
        );
        ledger.open_account(empty).unwrap();
        ledger.close_account(id(6), jan(20)).unwrap();
        let err = post(&mut ledger, 6, usd, 21).unwrap_err();
        assert!(
            matches!(err, Error::PostingClosedAccount { posting: 1, .. }),
            "{err}"
        );
        ledger.apply(&LedgerEvent::AccountClosed {
            account: id(4),
            on: jan(20),
        });
        let err = post(&mut ledger, 4, usd, 21).unwrap_err();
        assert!(
            matches!(err, Error::PostingClosedAccount { posting: 1, .. }),
            "{err}"
        );
    }
}
