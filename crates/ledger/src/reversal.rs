//! Reversals: a posted entry undone by its mirror (every posting on the
//! other side), linked to it, so that it can be reversed at most once.

use bureau_core::Aggregate;
use chrono::NaiveDate;

use crate::entry_index::EntryRef;
use crate::entry_log::PostedEntry;
use crate::posting::Mode;
use crate::{EntryId, Error, JournalEntry, Ledger, LedgerCommand, LedgerEvent, Result};

/// What [`Ledger::reverse`] (and [`LedgerCommand::Reverse`]) asks: post
/// the mirror of entry `original` as entry `entry`, dated `date`.
///
/// The fields are named so that the two ids cannot be swapped unnoticed at
/// a call site. `entry` is, as in every command that posts one, the id of
/// the entry the command posts (here the mirror); `date` is the original's
/// date (when its period is open) or later.
///
/// ```
/// use bureau_ledger::{EntryId, Reversal};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).ok_or("date")?;
/// let undo = Reversal { original: EntryId::from_u128(1), entry: EntryId::from_u128(2), date: day };
/// assert_ne!(undo.original, undo.entry);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Reversal {
    /// The posted entry to reverse.
    pub original: EntryId,
    /// The id of the mirror entry the reversal posts.
    pub entry: EntryId,
    /// The mirror entry's date.
    pub date: NaiveDate,
}

impl Ledger {
    /// Reverses entry `reversal.original` with its mirror, posted as entry
    /// `reversal.entry` dated `reversal.date`, and returns the event that
    /// records the mirror.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownEntry`], [`Error::AlreadyReversed`],
    /// [`Error::ReversalBeforeOriginal`], or any validation error of the
    /// mirror entry (a closed period, a closed account, a limit).
    ///
    /// ```
    /// use bureau_ledger::{EntryId, Error, Reversal};
    /// use bureau_core::Currency;
    ///
    /// // Cash (id 1) and Sales (id 4); entry 1 sold 120.00 USD on 2 January 2026.
    /// let mut ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// let cash = bureau_ledger::AccountId::from_u128(1);
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let undo = Reversal { original: EntryId::from_u128(1), entry: EntryId::from_u128(2), date: day };
    /// ledger.reverse(undo)?;
    /// assert!(ledger.balance(cash, Currency::USD)?.is_zero());
    /// assert_eq!(ledger.reversed_by(EntryId::from_u128(1)), Some(EntryId::from_u128(2)));
    /// // An entry is reversed at most once.
    /// let again = Reversal { entry: EntryId::from_u128(3), ..undo };
    /// assert!(matches!(ledger.reverse(again), Err(Error::AlreadyReversed { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reverse(&mut self, reversal: Reversal) -> Result<Vec<LedgerEvent>> {
        self.handle(&LedgerCommand::Reverse(reversal))
    }

    /// The entry that reversed this one, if any.
    ///
    /// ```
    /// use bureau_ledger::EntryId;
    ///
    /// let ledger = bureau_ledger::fixtures::ledger_with_sale()?;
    /// assert_eq!(ledger.reversed_by(EntryId::from_u128(1)), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reversed_by(&self, id: EntryId) -> Option<EntryId> {
        match self.entry_ref(id) {
            Some(EntryRef::Posted(_)) => self.reversals.get(&id).copied(),
            _ => None,
        }
    }

    pub(crate) fn check_reversible(
        &self,
        original: EntryId,
        date: NaiveDate,
    ) -> Result<&PostedEntry> {
        let posted = match self.entry_ref(original) {
            Some(EntryRef::Posted(i)) => self.entries.get(i),
            _ => None,
        }
        .ok_or(Error::UnknownEntry { entry: original })?;
        if let Some(&by) = self.reversals.get(&original) {
            return Err(Error::AlreadyReversed {
                entry: original,
                by,
            });
        }
        if date < posted.entry.date() {
            return Err(Error::ReversalBeforeOriginal {
                entry: original,
                date,
                original: posted.entry.date(),
            });
        }
        Ok(posted)
    }

    pub(crate) fn check_reverse(&self, reversal: &Reversal) -> Result<JournalEntry> {
        let original = self.check_reversible(reversal.original, reversal.date)?;
        let mirror = original.entry.reversal(reversal.entry, reversal.date);
        self.check_entry(&mirror, Mode::Reversal, None)?;
        Ok(mirror)
    }
}

#[cfg(test)]
mod tests {
    use bureau_core::Currency;
    use chrono::NaiveDate;

    use crate::{AccountId, EntryId, Error, JournalEntry};

    #[test]
    fn a_decision_reverses_an_entry_at_most_once() {
        let (mut ledger, cash) = crate::fixtures::ledger_with_cash().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let sale = JournalEntry::builder(EntryId::from_u128(1), day, "sale".parse().unwrap())
            .debit(cash, "5.00 USD".parse().unwrap())
            .credit(AccountId::from_u128(4), "5.00 USD".parse().unwrap())
            .build()
            .unwrap();
        ledger.post(sale.clone()).unwrap();
        let twice = vec![
            sale.reversal(EntryId::from_u128(2), day),
            sale.reversal(EntryId::from_u128(3), day),
        ];
        let before = ledger.clone();
        let Err(Error::BatchRejected { position, outcomes }) = ledger.post_batch(twice) else {
            panic!("reversed twice");
        };
        assert_eq!(position, 1);
        assert!(
            matches!(outcomes[1], Error::AlreadyReversed { by, .. } if by == EntryId::from_u128(2))
        );
        assert_eq!(ledger, before);
        // An entry and its reversal in one batch.
        let other = JournalEntry::builder(EntryId::from_u128(4), day, "sale".parse().unwrap())
            .debit(cash, "7.00 USD".parse().unwrap())
            .credit(AccountId::from_u128(4), "7.00 USD".parse().unwrap())
            .build()
            .unwrap();
        let early = other.reversal(EntryId::from_u128(5), day.pred_opt().unwrap());
        assert!(ledger.post_batch(vec![other.clone(), early]).is_err());
        let mirror = other.reversal(EntryId::from_u128(5), day);
        ledger.post_batch(vec![other, mirror]).unwrap();
        assert_eq!(
            ledger.reversed_by(EntryId::from_u128(4)),
            Some(EntryId::from_u128(5))
        );
        // Only the first sale is left.
        let balance = ledger.balance(cash, Currency::USD).unwrap();
        assert_eq!(balance.to_string(), "5.00 USD");
    }
}
