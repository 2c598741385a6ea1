//! The whole book as bytes, so that a long stream loads from a snapshot and
//! the events after it (see [`bureau_core::Snapshot`]).
//!
//! # Format `bureau-ledger/snapshot/1`
//!
//! The parts a book has few of (its settings, its chart, its pending entries
//! and its period states) are JSON, as their events are; the posted entries,
//! of which a book may hold millions, are binary:
//!
//! 1. a little-endian `u32` byte length, then that many bytes of JSON: an
//!    object with `config`, `accounts` (in the order they were opened, each
//!    with its status), `books` (per account, the currencies it holds in the
//!    order they were first used), `pending` (each with its state) and
//!    `locks` (the period states in the book's order);
//! 2. a varint count of posted entries, then per entry in posting order: its
//!    32-byte audit hash, the entry in the canonical encoding of
//!    [`crate::audit`] (version byte included), and one byte per exchange
//!    rate of the entry: the rate's scale (the canonical encoding keeps a
//!    rate's value, not how many places it was written with).
//!
//! Restoring folds the parts back with the
//! ledger's own bookkeeping (no check is repeated: the bytes are trusted
//! only once the store has matched the snapshot to its chain), so a restored
//! book equals the book that was saved.

use bureau_core::{
    Currency, Decimal, ExchangeRate, FiscalCalendar, FiscalYearNaming, Money, PartyId, Rate, UserId,
};
use chrono::NaiveDate;
use smallvec::SmallVec;

use crate::entry_index::EntryRef;
use crate::ledger::{Indexing, entry_id_at};
use crate::{
    Account, AccountId, EntryHash, EntryId, Error, JournalEntry, Ledger, LedgerConfig,
    PendingEntry, PeriodState, Posting, Result, Side,
};

/// The parts of a book stored as JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct Chart {
    config: LedgerConfig,
    accounts: Vec<Account>,
    /// Per account, the currencies of its books in the order they were
    /// first used (pending and posted entries interleave in a history).
    books: Vec<Vec<Currency>>,
    pending: Vec<PendingEntry>,
    locks: Vec<PeriodState>,
}

const SIDE_CREDIT: u8 = 1;
const HAS_MEMO: u8 = 1 << 1;
const HAS_PARTY: u8 = 1 << 2;
const HAS_DUE_DATE: u8 = 1 << 3;
const HAS_POSTED_BY: u8 = 1;
const HAS_REVERSES: u8 = 1 << 1;
const HAS_CLOSES: u8 = 1 << 2;

impl bureau_core::Snapshot for Ledger {
    const FORMAT: &'static str = "bureau-ledger/snapshot/1";

    /// The book in format `bureau-ledger/snapshot/1` (see the
    /// [module docs](crate::snapshot)).
    ///
    /// ```
    /// use bureau_core::Snapshot;
    /// use bureau_ledger::{Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    /// let (cash, sales) = (AccountId::from_u128(1), AccountId::from_u128(4));
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(Account::new(cash, "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, day))?;
    /// ledger.open_account(Account::new(sales, "4000".parse()?, "Sales".parse()?, AccountKind::INCOME, day))?;
    /// ledger.post(JournalEntry::builder(EntryId::from_u128(1), day, "cash sale".parse()?)
    ///     .debit(cash, "120.00 USD".parse()?)
    ///     .credit(sales, "120.00 USD".parse()?)
    ///     .build()?)?;
    /// let restored = Ledger::from_snapshot(&ledger.to_snapshot())?;
    /// assert_eq!(restored, ledger);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn to_snapshot(&self) -> Vec<u8> {
        let chart = Chart {
            config: self.config(),
            accounts: self.accounts().cloned().collect(),
            books: self
                .slots
                .iter()
                .map(|slot| slot.books.iter().map(|book| book.currency).collect())
                .collect(),
            pending: self.pending_entries().cloned().collect(),
            locks: self.period_states().to_vec(),
        };
        // Serializing plain data into memory cannot fail; an empty chart
        // would be refused when restored rather than restore another book.
        let json = serde_json::to_vec(&chart).unwrap_or_default();
        let mut out = Vec::with_capacity(json.len() + 4 + self.entries.len() * 128);
        out.extend_from_slice(&u32::try_from(json.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&json);
        put_varint(&mut out, self.entries.len() as u128);
        for posted in self.entries.iter() {
            out.extend_from_slice(posted.hash.as_bytes());
            put_entry(&mut out, &posted.entry);
        }
        out
    }

    /// The book saved by [`to_snapshot`](bureau_core::Snapshot::to_snapshot).
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotInvalid`] naming what is wrong with the bytes.
    fn from_snapshot(bytes: &[u8]) -> Result<Self> {
        let mut reader = Reader {
            bytes,
            at: 0,
            last_currency: None,
        };
        let length = u32::from_le_bytes(reader.fixed::<4>()?) as usize;
        let chart: Chart = serde_json::from_slice(reader.take(length)?).map_err(|error| {
            Error::SnapshotInvalid {
                at: 4,
                reason: format!("the chart does not decode: {error}"),
            }
        })?;
        let mut ledger = Ledger::restore(
            chart.config,
            chart.accounts,
            chart.books,
            chart.pending,
            chart.locks,
        );
        // Each entry folded in as it is read: no second copy of the log.
        for _ in 0..reader.len()? {
            let hash = EntryHash::from_bytes(reader.fixed::<32>()?);
            ledger.restore_posted(reader.entry()?, hash);
        }
        if reader.at != bytes.len() {
            return Err(reader.invalid("bytes after the last entry"));
        }
        ledger.index_restored();
        Ok(ledger)
    }
}

fn put_varint(out: &mut Vec<u8>, value: u128) {
    let mut rest = value;
    while rest >= 0x80 {
        out.push(u8::try_from(rest & 0x7f).unwrap_or(0) | 0x80);
        rest >>= 7;
    }
    out.push(u8::try_from(rest).unwrap_or(0));
}

const fn unzigzag(value: u128) -> i128 {
    (value >> 1).cast_signed() ^ -((value & 1).cast_signed())
}

/// An entry in its canonical encoding, then the scale of each of its
/// exchange rates (the canonical encoding keeps a rate's value, not how many
/// places it was written with).
fn put_entry(out: &mut Vec<u8>, entry: &JournalEntry) {
    crate::audit::encode_into(entry, out);
    for rate in entry.rates() {
        out.push(u8::try_from(rate.rate().value().scale()).unwrap_or(u8::MAX));
    }
}

/// Reads the binary part back, naming the byte offset of anything wrong.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The bytes and value of the currency read last: the postings of a book
    /// nearly always share a few currencies.
    last_currency: Option<(&'a [u8], Currency)>,
}

impl<'a> Reader<'a> {
    fn invalid(&self, reason: &str) -> Error {
        Error::SnapshotInvalid {
            at: self.at,
            reason: reason.to_owned(),
        }
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(count)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.invalid("the bytes end early"))?;
        let taken = self.bytes.get(self.at..end).unwrap_or_default();
        self.at = end;
        Ok(taken)
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N]> {
        let taken = self.take(N)?;
        <[u8; N]>::try_from(taken).map_err(|_| self.invalid("the bytes end early"))
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.fixed::<1>()?[0])
    }

    fn varint(&mut self) -> Result<u128> {
        let mut value = 0_u128;
        for shift in (0..128).step_by(7) {
            let byte = self.byte()?;
            value |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.invalid("a varint runs past 128 bits"))
    }

    fn len(&mut self) -> Result<usize> {
        let value = self.varint()?;
        usize::try_from(value).map_err(|_| self.invalid("a count beyond memory"))
    }

    fn str(&mut self) -> Result<&'a str> {
        let length = self.len()?;
        let bytes = self.take(length)?;
        core::str::from_utf8(bytes).map_err(|_| self.invalid("a string is not UTF-8"))
    }

    fn uuid(&mut self) -> Result<bureau_core::Uuid> {
        Ok(bureau_core::Uuid::from_bytes(self.fixed::<16>()?))
    }

    fn date(&mut self) -> Result<NaiveDate> {
        let days = i32::from_be_bytes(self.fixed::<4>()?);
        NaiveDate::from_num_days_from_ce_opt(days)
            .ok_or_else(|| self.invalid("a date out of range"))
    }

    fn currency(&mut self) -> Result<Currency> {
        let start = self.at;
        let length = usize::from(self.byte()?);
        let code = self.take(length)?;
        let units = u32::from(self.byte()?);
        let encoded = self.bytes.get(start..self.at).unwrap_or_default();
        if let Some((bytes, currency)) = self.last_currency
            && bytes == encoded
        {
            return Ok(currency);
        }
        let code =
            core::str::from_utf8(code).map_err(|_| self.invalid("a currency code is not UTF-8"))?;
        let currency = match Currency::iso(code) {
            Ok(iso) if iso.minor_units() == units => iso,
            _ => {
                Currency::commodity(code, units).map_err(|_| self.invalid("an unknown currency"))?
            }
        };
        self.last_currency = Some((encoded, currency));
        Ok(currency)
    }

    fn entry(&mut self) -> Result<JournalEntry> {
        if self.byte()? != crate::audit::ENCODING_VERSION {
            return Err(self.invalid("an entry of another encoding version"));
        }
        let id = EntryId::from_uuid(self.uuid()?);
        let date = self.date()?;
        // The texts of a snapshot were checked when their entries were
        // posted, and the snapshot is verified against the chain.
        let description = crate::EntryDescription::derived(self.str()?);
        let count = self.len()?;
        let mut postings = SmallVec::with_capacity(count.min(self.bytes.len()));
        for _ in 0..count {
            postings.push(self.posting()?);
        }
        // Built in place: moving a whole entry through a builder's calls is
        // a good part of what restoring a large book would cost.
        let mut entry = JournalEntry::from_parts(id, date, description, postings);
        for _ in 0..self.len()? {
            let key = self.str()?;
            entry.insert_metadata(key, self.str()?);
        }
        let mut rates = Vec::new();
        for _ in 0..self.len()? {
            let (from, to) = (self.currency()?, self.currency()?);
            let rate: Decimal = self
                .str()?
                .parse()
                .map_err(|_| self.invalid("a rate that is not a decimal"))?;
            rates.push((from, to, rate, self.date()?));
        }
        let flags = self.byte()?;
        if flags & HAS_POSTED_BY != 0 {
            entry.mark_posted_by(UserId::from_uuid(self.uuid()?));
        }
        if flags & HAS_REVERSES != 0 {
            entry.mark_reversal_of(EntryId::from_uuid(self.uuid()?));
        }
        if flags & HAS_CLOSES != 0 {
            let year = self.fiscal_year()?;
            entry.mark_closing(year);
        }
        for (from, to, mut rate, as_of) in rates {
            rate.rescale(u32::from(self.byte()?));
            let rate = ExchangeRate::new(from, to, Rate::new(rate), as_of)
                .map_err(|_| self.invalid("an exchange rate that is not one"))?;
            entry.push_rate(rate);
        }
        Ok(entry)
    }

    fn posting(&mut self) -> Result<Posting> {
        let account = AccountId::from_uuid(self.uuid()?);
        let flags = self.byte()?;
        let currency = self.currency()?;
        let minor = unzigzag(self.varint()?);
        let amount = Money::from_minor(minor, currency)
            .map_err(|_| self.invalid("an amount out of range"))?;
        let side = if flags & SIDE_CREDIT == 0 {
            Side::Debit
        } else {
            Side::Credit
        };
        let mut posting = Posting::new(account, side, amount);
        if flags & HAS_MEMO != 0 {
            posting = posting.with_memo(crate::Memo::derived(self.str()?));
        }
        if flags & HAS_PARTY != 0 {
            posting = posting.with_party(PartyId::from_uuid(self.uuid()?));
        }
        if flags & HAS_DUE_DATE != 0 {
            posting = posting.with_due_date(self.date()?);
        }
        Ok(posting)
    }

    fn fiscal_year(&mut self) -> Result<bureau_core::FiscalYear> {
        let first_month = u32::from(self.byte()?);
        let naming = match self.byte()? {
            0 => FiscalYearNaming::EndYear,
            _ => FiscalYearNaming::StartYear,
        };
        let label = i32::try_from(unzigzag(self.varint()?))
            .map_err(|_| self.invalid("a fiscal year out of range"))?;
        let calendar = FiscalCalendar::new(first_month, naming)
            .map_err(|_| self.invalid("a fiscal calendar out of range"))?;
        Ok(calendar.year(label))
    }
}

impl Ledger {
    /// A book from the parts of a snapshot, folded with the same bookkeeping
    /// as its events: the settings, the chart in the order it was opened
    /// (with its books in the order their currencies were first used),
    /// the pending entries (only those still pending reserve their amounts)
    /// and the period states in their order; the posted entries follow
    /// through [`restore_posted`](Self::restore_posted), in posting order.
    #[cfg(feature = "serde")]
    pub(crate) fn restore(
        config: LedgerConfig,
        accounts: Vec<Account>,
        books: Vec<Vec<Currency>>,
        pending: Vec<PendingEntry>,
        locks: Vec<PeriodState>,
    ) -> Self {
        let mut ledger = Self::new();
        ledger.calendar = config.fiscal_calendar();
        ledger.conversion = config.conversion_account();
        for account in accounts {
            ledger.apply_open(account);
        }
        for (slot, currencies) in ledger.slots.iter_mut().zip(books) {
            for currency in currencies {
                slot.book_mut(currency);
            }
        }
        for reserved in pending {
            if reserved.state.is_pending() {
                ledger.reserve(&reserved.entry, 1);
            }
            ledger.entry_index.insert(
                reserved.entry.id(),
                EntryRef::Pending(ledger.pending.len()),
                |at| entry_id_at(&ledger.entries, &ledger.pending, at),
            );
            ledger.pending.push(reserved);
        }
        for state in locks {
            ledger.apply_lock(state);
        }
        ledger
    }

    /// Folds a posted entry of a snapshot back in, after those before it,
    /// leaving it out of the entry index until
    /// [`index_restored`](Self::index_restored).
    #[cfg(feature = "serde")]
    pub(crate) fn restore_posted(&mut self, entry: JournalEntry, hash: EntryHash) {
        self.apply_resolved(entry, hash, None, Indexing::Later);
    }

    /// Indexes the posted entries [`restore_posted`](Self::restore_posted)
    /// folded in. One pass in the order of the index's buckets instead of an
    /// insertion each: the writes then go through the index's memory in
    /// order, not at random (a quarter of restoring a large book otherwise).
    #[cfg(feature = "serde")]
    pub(crate) fn index_restored(&mut self) {
        let known = self.entry_index.len().saturating_sub(self.pending.len());
        let refs: Vec<(EntryId, EntryRef)> = self
            .entries
            .iter()
            .zip(0..)
            .skip(known)
            .map(|(posted, at)| (posted.entry.id(), EntryRef::Posted(at)))
            .collect();
        let (entries, pending) = (&self.entries, &self.pending);
        self.entry_index
            .insert_all(refs, |at| entry_id_at(entries, pending, at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_varints_round_trip_at_the_limits() {
        for value in [0, 1, -1, 63, -64, i128::MAX, i128::MIN] {
            let zigzag = ((value << 1) ^ (value >> 127)).cast_unsigned();
            assert_eq!(unzigzag(zigzag), value);
        }
    }
}
