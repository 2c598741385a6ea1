//! Linked batches: entries posted all together or not at all, each seeing
//! the effects of those before it.

use bureau_core::{Aggregate, Currency};

use crate::ledger::IdMap;
use crate::posting::Mode;
use crate::{EntryHash, EntryId, Error, JournalEntry, Ledger, LedgerEvent, Result, Side};

/// Effects of the earlier entries of a linked batch, seen by the later ones.
#[derive(Debug, Default)]
pub(crate) struct Overlay<'a> {
    pub(crate) ids: IdMap<EntryId, &'a JournalEntry>,
    pub(crate) deltas: IdMap<(usize, Currency), (i128, i128)>,
}

impl Ledger {
    /// Posts a linked batch: every entry, or none.
    ///
    /// # Errors
    ///
    /// [`Error::BatchRejected`] with one outcome per entry: the first failing
    /// entry's own error, [`Error::LinkedEntryFailed`] for the others.
    /// [`Error::EmptyBatch`] for no entries.
    ///
    /// ```
    /// # use bureau_ledger::{EntryId, Error, JournalEntry};
    /// let (mut ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// # let sales = bureau_ledger::AccountId::from_u128(4);
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let good = JournalEntry::builder(EntryId::from_u128(1), day, "sale".parse()?)
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(sales, "5.00 USD".parse()?)
    ///     .build()?;
    /// let bad = JournalEntry::builder(EntryId::from_u128(2), day, "to nowhere".parse()?)
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(bureau_ledger::AccountId::from_u128(404), "5.00 USD".parse()?)
    ///     .build()?;
    /// let Err(Error::BatchRejected { position, outcomes, .. }) = ledger.post_batch(vec![good, bad]) else {
    ///     return Err("the batch should be rejected".into());
    /// };
    /// assert_eq!(position, 1);
    /// assert!(matches!(outcomes[0], Error::LinkedEntryFailed { .. }));
    /// assert_eq!(ledger.entries().count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post_batch(&mut self, entries: Vec<JournalEntry>) -> Result<Vec<LedgerEvent>> {
        let hashes = self.check_batch(&entries)?;
        let events: Vec<LedgerEvent> = entries
            .into_iter()
            .zip(hashes)
            .map(|(entry, hash)| LedgerEvent::EntryPosted { entry, hash })
            .collect();
        for event in &events {
            self.apply(event);
        }
        Ok(events)
    }

    /// Checks a linked batch and returns the chained hash of each entry.
    pub(crate) fn check_batch(&self, entries: &[JournalEntry]) -> Result<Vec<EntryHash>> {
        if entries.is_empty() {
            return Err(Error::EmptyBatch);
        }
        let mut overlay = Overlay::default();
        let mut hashes = Vec::with_capacity(entries.len());
        let mut previous = self.head;
        for (position, entry) in entries.iter().enumerate() {
            if let Err(error) = self.check_entry(entry, Mode::Posted, Some(&overlay)) {
                let outcomes = entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        if i == position {
                            error.clone()
                        } else {
                            Error::LinkedEntryFailed { entry: e.id() }
                        }
                    })
                    .collect();
                return Err(Error::BatchRejected { position, outcomes });
            }
            self.add_to_overlay(&mut overlay, entry);
            previous = EntryHash::of_entry(&previous, entry);
            hashes.push(previous);
        }
        Ok(hashes)
    }

    /// Makes `entry` seen by the entries checked after it in one decision.
    pub(crate) fn add_to_overlay<'a>(&self, overlay: &mut Overlay<'a>, entry: &'a JournalEntry) {
        overlay.ids.insert(entry.id(), entry);
        for posting in entry.postings() {
            if let Some(&at) = self.index.get(&posting.account()) {
                let delta = overlay
                    .deltas
                    .entry((at, posting.amount().currency()))
                    .or_default();
                let minor = posting.amount().to_minor();
                match posting.side() {
                    Side::Debit => delta.0 = delta.0.saturating_add(minor),
                    Side::Credit => delta.1 = delta.1.saturating_add(minor),
                }
            }
        }
    }

    /// Checks entries a command derives from the ledger's state, each seeing
    /// the ones before it, and returns them as posted events. Unlike a linked
    /// batch, the first failure is returned as it is.
    pub(crate) fn decide_system_entries(
        &self,
        entries: Vec<JournalEntry>,
    ) -> Result<Vec<LedgerEvent>> {
        let mut overlay = Overlay::default();
        let mut hashes = Vec::with_capacity(entries.len());
        let mut previous = self.head;
        for entry in &entries {
            self.check_entry(entry, Mode::Posted, Some(&overlay))?;
            self.add_to_overlay(&mut overlay, entry);
            previous = EntryHash::of_entry(&previous, entry);
            hashes.push(previous);
        }
        Ok(entries
            .into_iter()
            .zip(hashes)
            .map(|(entry, hash)| LedgerEvent::EntryPosted { entry, hash })
            .collect())
    }
}
