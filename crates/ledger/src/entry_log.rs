//! The log of posted entries, in posting order.
//!
//! What it saves: the log is kept in chunks of 1,024 entries, so growing it
//! never moves an entry already in it. A single vector would copy every
//! entry each time it doubles, on the one post that happens to cross the
//! boundary: in a book of a million two-leg entries (about 295 bytes an
//! entry in all, measured with
//! `cargo run --release --example ledger_at_scale -- memory 1000000`), a
//! copy of hundreds of megabytes. The copy was not timed on its own.

use crate::{EntryHash, JournalEntry};

/// A posted entry and its hash in the audit chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PostedEntry {
    pub(crate) entry: JournalEntry,
    pub(crate) hash: EntryHash,
}

/// Posted entries in posting order, kept in fixed-size chunks: growing the
/// log never moves the entries already in it (a single vector would copy
/// every entry each time it doubles).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EntryLog {
    chunks: Vec<Vec<PostedEntry>>,
    len: usize,
}

const CHUNK: usize = 1024;

impl EntryLog {
    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn get(&self, position: usize) -> Option<&PostedEntry> {
        self.chunks
            .get(position / CHUNK)
            .and_then(|c| c.get(position % CHUNK))
    }

    pub(crate) fn push(&mut self, posted: PostedEntry) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(posted),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(posted);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &PostedEntry> + '_ {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EntryId;
    use chrono::NaiveDate;

    #[test]
    fn the_entry_log_keeps_order_across_chunks() {
        let mut log = EntryLog::default();
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for n in 0..(CHUNK * 2 + 3) {
            let entry =
                JournalEntry::builder(EntryId::from_u128(n as u128), day, "x".parse().unwrap())
                    .build_unchecked();
            log.push(PostedEntry {
                entry,
                hash: EntryHash::GENESIS,
            });
        }
        assert_eq!(log.len(), CHUNK * 2 + 3);
        assert_eq!(
            log.get(CHUNK + 5).unwrap().entry.id(),
            EntryId::from_u128(CHUNK as u128 + 5)
        );
        assert!(log.get(CHUNK * 2 + 3).is_none());
        assert!(
            log.iter()
                .enumerate()
                .all(|(i, p)| p.entry.id() == EntryId::from_u128(i as u128))
        );
    }
}
