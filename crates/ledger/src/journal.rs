//! The journal: posting one entry, the log of posted entries in posting
//! order, and the audit chain over it.

use crate::entry_index::EntryRef;
use crate::entry_log::PostedEntry;
use crate::ledger::{Indexing, entry_id_at};
use crate::posting::{Mode, Resolved};
use crate::{AuditRecord, EntryHash, EntryId, Error, JournalEntry, Ledger, LedgerEvent, Result};

impl Ledger {
    /// Posts one entry and returns the event recording it, which carries the
    /// entry's hash in the audit chain.
    ///
    /// # Errors
    ///
    /// Any validation error naming the entry and posting; [`Error::AlreadyPosted`]
    /// when the identical entry was posted before (nothing changes).
    ///
    /// ```
    /// # use bureau_ledger::{EntryId, JournalEntry};
    /// let (mut ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// # let sales = bureau_ledger::AccountId::from_u128(4);
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let events = ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "sale".parse()?)
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(sales, "5.00 USD".parse()?)
    ///     .build()?)?;
    /// let [bureau_ledger::LedgerEvent::EntryPosted { hash, .. }] = events.as_slice() else {
    ///     return Err("one posted entry".into());
    /// };
    /// assert_eq!(ledger.head(), *hash);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post(&mut self, entry: JournalEntry) -> Result<Vec<LedgerEvent>> {
        // The same decision as `LedgerCommand::Post`, applied with the
        // account slots the checks already found.
        let resolved = self.check_entry(&entry, Mode::Posted, None)?;
        let hash = EntryHash::of_entry(&self.head, &entry);
        self.apply_resolved(entry.clone(), hash, Some(&resolved), Indexing::Now);
        Ok(vec![LedgerEvent::EntryPosted { entry, hash }])
    }

    /// Posts one entry as [`post`](Self::post) does (the same checks, the
    /// same state after it), but returns only its hash in the audit chain:
    /// the entry moves into the ledger instead of being copied into an
    /// event as well. For loading many entries at once (a journal, an
    /// import); whoever needs the events to store them finds each as an
    /// [`AuditRecord`] ([`audit_records`](Self::audit_records), from the
    /// position the load began at): `LedgerEvent::EntryPosted { entry, hash }`
    /// with the record's entry and hash.
    ///
    /// # Errors
    ///
    /// Those of [`post`](Self::post); nothing changes.
    ///
    /// ```
    /// # use bureau_ledger::{EntryId, JournalEntry, LedgerEvent};
    /// let (mut quiet, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// let mut loud = quiet.clone();
    /// # let sales = bureau_ledger::AccountId::from_u128(4);
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    /// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "sale".parse()?)
    ///     .debit(cash, "5.00 USD".parse()?)
    ///     .credit(sales, "5.00 USD".parse()?)
    ///     .build()?;
    /// let hash = quiet.post_without_event(entry.clone())?;
    /// let events = loud.post(entry.clone())?;
    /// let record = quiet.audit_records().pop().ok_or("one record")?;
    /// assert_eq!(events, [LedgerEvent::EntryPosted { entry: record.entry, hash: record.hash }]);
    /// assert_eq!((quiet.head(), hash), (loud.head(), loud.head()));
    /// // Refused as `post` refuses it, and nothing changes.
    /// let again = quiet.post_without_event(entry);
    /// assert!(matches!(again, Err(bureau_ledger::Error::AlreadyPosted { .. })));
    /// assert_eq!(quiet.audit_records(), loud.audit_records());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn post_without_event(&mut self, entry: JournalEntry) -> Result<EntryHash> {
        let resolved = self.check_entry(&entry, Mode::Posted, None)?;
        let hash = EntryHash::of_entry(&self.head, &entry);
        self.apply_resolved(entry, hash, Some(&resolved), Indexing::Now);
        Ok(hash)
    }

    /// The posted entry with this id.
    ///
    /// ```
    /// let (ledger, cash) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// assert!(ledger.entry(bureau_ledger::EntryId::from_u128(404)).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entry(&self, id: EntryId) -> Option<&JournalEntry> {
        match self.entry_ref(id) {
            Some(EntryRef::Posted(i)) => self.entries.get(i).map(|p| &p.entry),
            _ => None,
        }
    }

    /// Every posted entry, in posting order.
    pub fn entries(&self) -> impl Iterator<Item = &JournalEntry> + '_ {
        self.entries.iter().map(|p| &p.entry)
    }

    /// The hash of the last posted entry ([`EntryHash::GENESIS`] when none).
    pub const fn head(&self) -> EntryHash {
        self.head
    }

    /// The audit chain: every posted entry with its hash, in posting order.
    ///
    /// ```
    /// let (ledger, _) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// assert!(bureau_ledger::verify(&ledger.audit_records()).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn audit_records(&self) -> Vec<AuditRecord> {
        self.entries
            .iter()
            .map(|p| AuditRecord {
                entry: p.entry.clone(),
                hash: p.hash,
            })
            .collect()
    }

    /// Recomputes the audit chain over the posted entries.
    ///
    /// # Errors
    ///
    /// [`Error::AuditChainBroken`] with the first position that does not verify.
    ///
    /// ```
    /// let (ledger, _) = bureau_ledger::fixtures::ledger_with_cash()?;
    /// ledger.verify()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self) -> Result<()> {
        let mut previous = EntryHash::GENESIS;
        for (position, posted) in self.entries.iter().enumerate() {
            let expected = EntryHash::of_entry(&previous, &posted.entry);
            if expected != posted.hash {
                return Err(Error::AuditChainBroken { position });
            }
            previous = expected;
        }
        Ok(())
    }

    pub(crate) fn posted_at(&self, position: usize) -> Option<&PostedEntry> {
        self.entries.get(position)
    }

    pub(crate) fn decide_system_entry(&self, entry: JournalEntry) -> Result<LedgerEvent> {
        self.check_entry(&entry, Mode::Posted, None)?;
        let hash = EntryHash::of_entry(&self.head, &entry);
        Ok(LedgerEvent::EntryPosted { entry, hash })
    }

    /// Checks a foreign settlement's entry (see [`Mode::Settlement`]).
    pub(crate) fn decide_settlement_entry(&self, entry: JournalEntry) -> Result<LedgerEvent> {
        self.check_entry(&entry, Mode::Settlement, None)?;
        let hash = EntryHash::of_entry(&self.head, &entry);
        Ok(LedgerEvent::EntryPosted { entry, hash })
    }

    /// For a command that computes its entry from the ledger's state: when an
    /// entry with the same id exists (posted or pending), whether it is the
    /// one this command posted. `skeleton` holds what the command fixes by
    /// itself: the first `fixed` postings, the date, the description, the
    /// rates and metadata; the postings after those were computed from the
    /// state at the time and are taken from the existing entry.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyPosted`] when it is, [`Error::ExistsWithDifferent`]
    /// when it is not.
    pub(crate) fn check_command_entry(&self, skeleton: &JournalEntry, fixed: usize) -> Result<()> {
        let id = skeleton.id();
        let existing = match self.entry_ref(id) {
            Some(EntryRef::Posted(i)) => self.entries.get(i).map(|p| &p.entry),
            Some(EntryRef::Pending(i)) => self.pending.get(i).map(|p| &p.entry),
            None => None,
        };
        let Some(existing) = existing else {
            return Ok(());
        };
        let head = skeleton.postings().get(..fixed);
        if head.is_none() || existing.postings().get(..fixed) != head {
            return Err(Error::ExistsWithDifferent {
                entry: id,
                field: crate::EntryField::Postings,
            });
        }
        let candidate =
            skeleton.with_id_date_postings(id, skeleton.date(), existing.postings().to_vec());
        Err(match existing.first_difference(&candidate) {
            Some(field) => Error::ExistsWithDifferent { entry: id, field },
            None => Error::AlreadyPosted { entry: id },
        })
    }

    pub(crate) fn apply_posted(&mut self, entry: JournalEntry, hash: EntryHash) {
        self.apply_resolved(entry, hash, None, Indexing::Now);
    }

    pub(crate) fn apply_resolved(
        &mut self,
        entry: JournalEntry,
        hash: EntryHash,
        resolved: Option<&Resolved>,
        indexing: Indexing,
    ) {
        let position = self.entries.len();
        let postings = entry.postings();
        for (index, posting) in postings.iter().enumerate() {
            let Some(at) = resolved
                .and_then(|r| r.get(index))
                .or_else(|| self.index.get(&posting.account()).copied())
            else {
                continue;
            };
            if let Some(slot) = self.slots.get_mut(at) {
                slot.book_mut(posting.amount().currency()).post(
                    entry.date(),
                    posting.side(),
                    posting.amount().to_minor(),
                );
                // Whether an earlier posting of the entry listed it on this
                // account already: for a short entry, asked of the entry
                // (in cache) rather than of the account's list (often not).
                let listed = match postings.get(..index) {
                    Some(earlier) if earlier.len() < 8 => {
                        earlier.iter().any(|p| p.account() == posting.account())
                    }
                    _ => slot.entries.last().map(|&at| at as usize) == Some(position),
                };
                // Below `MAX_ENTRIES`, which every decision checks.
                if let (false, Ok(position)) = (listed, u32::try_from(position)) {
                    if slot.entries.capacity() == 0 {
                        // As for a book's history: past the smallest steps.
                        slot.entries.reserve_exact(16);
                    }
                    slot.entries.push(position);
                }
            }
        }
        if let Some(original) = entry.reverses() {
            self.reversals.insert(original, entry.id());
        }
        if indexing == Indexing::Now {
            self.entry_index
                .insert(entry.id(), EntryRef::Posted(position), |at| {
                    entry_id_at(&self.entries, &self.pending, at)
                });
        }
        self.head = hash;
        self.entries.push(PostedEntry { entry, hash });
    }
}
