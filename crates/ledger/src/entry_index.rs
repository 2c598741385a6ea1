//! Where each entry of a book lies, by id: the idempotency index that every
//! posting asks first.
//!
//! The index holds only the entry's position (eight bytes a slot) and reads
//! the id back from the book when it compares: a book of a million entries
//! keeps about 14 bytes an entry for it instead of the 38 of a map from id to
//! position. Lookups of a new id (the usual posting) compare no id at all
//! unless its hash tag matches, so the saving costs a posting nothing
//! measurable. Hashes are foldhash, seeded afresh for every index, so ids
//! chosen to collide under one seed do not under another.

use core::fmt;
use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::EntryId;

/// Where an entry id leads: a posted or a pending entry, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryRef {
    Posted(usize),
    Pending(usize),
}

/// An [`EntryRef`] in eight bytes, the top bit marking pending entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PackedRef(u64);

const PENDING_BIT: u64 = 1 << 63;

impl PackedRef {
    // Positions are below 2^63: no memory holds that many entries.
    pub(crate) const fn new(entry: EntryRef) -> Self {
        match entry {
            EntryRef::Posted(at) => Self(at as u64),
            EntryRef::Pending(at) => Self(at as u64 | PENDING_BIT),
        }
    }

    pub(crate) fn get(self) -> EntryRef {
        let at = usize::try_from(self.0 & !PENDING_BIT).unwrap_or(usize::MAX);
        if self.0 & PENDING_BIT == 0 {
            EntryRef::Posted(at)
        } else {
            EntryRef::Pending(at)
        }
    }
}

/// The positions of a book's entries, found by id. `id_at` gives the id of
/// the entry at a position (the book's own log); every call passes it.
#[derive(Clone, Default)]
pub(crate) struct EntryIndex {
    table: HashTable<PackedRef>,
    hasher: foldhash::fast::RandomState,
}

impl EntryIndex {
    fn hash(&self, id: EntryId) -> u64 {
        self.hasher.hash_one(id)
    }

    /// Where the entry `id` lies, if the book holds it.
    pub(crate) fn get(
        &self,
        id: EntryId,
        id_at: impl Fn(EntryRef) -> Option<EntryId>,
    ) -> Option<EntryRef> {
        self.table
            .find(self.hash(id), |packed| id_at(packed.get()) == Some(id))
            .map(|packed| packed.get())
    }

    /// Records that the entry `id`, not yet in the index, lies at `at`.
    pub(crate) fn insert(
        &mut self,
        id: EntryId,
        at: EntryRef,
        id_at: impl Fn(EntryRef) -> Option<EntryId>,
    ) {
        let hash = self.hash(id);
        let hasher = &self.hasher;
        // Growing rehashes the entries already in: their ids are read back.
        self.table
            .insert_unique(hash, PackedRef::new(at), |packed| {
                id_at(packed.get()).map_or(0, |id| hasher.hash_one(id))
            });
    }

    /// Records the entries of `refs`, none of them in the index yet, in the
    /// order of the buckets their hashes lead to, so that the writes sweep
    /// the table once instead of landing at random.
    #[cfg(feature = "serde")]
    pub(crate) fn insert_all(
        &mut self,
        refs: Vec<(EntryId, EntryRef)>,
        id_at: impl Fn(EntryRef) -> Option<EntryId>,
    ) {
        let hasher = &self.hasher;
        let rehash = |packed: &PackedRef| id_at(packed.get()).map_or(0, |id| hasher.hash_one(id));
        self.table.reserve(refs.len(), rehash);
        let mut hashed: Vec<(u64, PackedRef)> = refs
            .into_iter()
            .map(|(id, at)| (hasher.hash_one(id), PackedRef::new(at)))
            .collect();
        // The table picks a bucket by the low bits of a hash.
        let buckets = (self.table.capacity() as u64).next_power_of_two().max(1) - 1;
        hashed.sort_unstable_by_key(|(hash, _)| hash & buckets);
        for (hash, packed) in hashed {
            self.table.insert_unique(hash, packed, rehash);
        }
    }

    /// How many entries the index holds.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }
}

/// The index is a function of the book's log and pending entries, which a
/// book's equality compares: two indexes of equal books are equal when they
/// hold as many entries.
impl PartialEq for EntryIndex {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
    }
}

impl Eq for EntryIndex {}

impl fmt::Debug for EntryIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryIndex")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_refs_round_trip() {
        for entry in [
            EntryRef::Posted(0),
            EntryRef::Posted(7),
            EntryRef::Pending(0),
            EntryRef::Pending(1 << 40),
        ] {
            assert_eq!(PackedRef::new(entry).get(), entry);
        }
        assert_eq!(size_of::<PackedRef>(), 8);
    }

    #[test]
    fn ids_are_found_where_they_were_put_through_growth() {
        let ids: Vec<EntryId> = (0..10_000_u128)
            .map(|n| EntryId::from_u128(n * 7919))
            .collect();
        let id_at = |at: EntryRef| match at {
            EntryRef::Posted(i) => ids.get(i).copied(),
            EntryRef::Pending(_) => None,
        };
        let mut index = EntryIndex::default();
        for (at, id) in ids.iter().enumerate() {
            assert_eq!(index.get(*id, id_at), None);
            index.insert(*id, EntryRef::Posted(at), id_at);
        }
        for (at, id) in ids.iter().enumerate() {
            assert_eq!(index.get(*id, id_at), Some(EntryRef::Posted(at)));
        }
        assert_eq!(index.get(EntryId::from_u128(1), id_at), None);
    }

    // The book's hashing against ids crafted for a fixed-seed hash.
    use crate::{Account, AccountId, AccountKind, JournalEntry, Ledger};
    use chrono::NaiveDate;
    use std::collections::HashSet;

    /// The fixed-seed multiplicative fold the ledger once indexed ids with.
    #[derive(Default)]
    struct OldFold(u64);

    const OLD_SEED: u64 = 0x517c_c1b7_2722_0a95;

    impl std::hash::Hasher for OldFold {
        fn write(&mut self, bytes: &[u8]) {
            for chunk in bytes.chunks(8) {
                let mut word = [0_u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(OLD_SEED);
            }
        }
        fn write_usize(&mut self, value: usize) {
            self.0 = (self.0.rotate_left(5) ^ value as u64).wrapping_mul(OLD_SEED);
        }
        fn finish(&self) -> u64 {
            self.0
        }
    }

    /// Entry ids that all hash alike under [`OldFold`]: the fold is
    /// invertible, so the second word of each id undoes whatever the first
    /// one did.
    fn colliding_ids(count: u64) -> Vec<EntryId> {
        // The inverse of the odd seed modulo 2^64, by Newton's iteration.
        let mut inverse = OLD_SEED;
        for _ in 0..6 {
            inverse = inverse.wrapping_mul(2_u64.wrapping_sub(OLD_SEED.wrapping_mul(inverse)));
        }
        let target = 0x0123_4567_89ab_cdef_u64;
        // A UUID hashes as one write of its 16 bytes: two words.
        (1..=count)
            .map(|first| {
                let after_first = first.wrapping_mul(OLD_SEED);
                let second = after_first.rotate_left(5) ^ target.wrapping_mul(inverse);
                let mut bytes = [0_u8; 16];
                bytes[..8].copy_from_slice(&first.to_le_bytes());
                bytes[8..].copy_from_slice(&second.to_le_bytes());
                EntryId::from_uuid(bureau_core::Uuid::from_bytes(bytes))
            })
            .collect()
    }

    #[test]
    fn ids_crafted_to_collide_under_a_fixed_seed_spread_under_the_books_hasher() {
        use std::hash::BuildHasher;
        let ids = colliding_ids(4096);
        let old = std::hash::BuildHasherDefault::<OldFold>::default();
        let under_old: HashSet<u64> = ids.iter().map(|id| old.hash_one(id)).collect();
        assert_eq!(
            under_old.len(),
            1,
            "the crafted ids collide under the old hash"
        );
        // The hasher of the book's entry index.
        let hasher = foldhash::fast::RandomState::default();
        let buckets: HashSet<u64> = ids.iter().map(|id| hasher.hash_one(id) & 0xfff).collect();
        assert!(buckets.len() > 2400, "only {} buckets", buckets.len());
        // And a book takes them as it takes any ids.
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut ledger = Ledger::new();
        for n in 1..=2_u128 {
            ledger
                .open_account(Account::new(
                    AccountId::from_u128(n),
                    format!("{n}00").parse().unwrap(),
                    "account".parse().unwrap(),
                    AccountKind::ASSET,
                    day,
                ))
                .unwrap();
        }
        for id in &ids {
            let entry = JournalEntry::builder(*id, day, "crafted".parse().unwrap())
                .debit(AccountId::from_u128(1), "1.00 USD".parse().unwrap())
                .credit(AccountId::from_u128(2), "1.00 USD".parse().unwrap())
                .build()
                .unwrap();
            ledger.post(entry).unwrap();
        }
        assert_eq!(ledger.entries().count(), ids.len());
    }
}
