//! The tamper-evident audit chain: every posted entry carries the SHA-256 of
//! the previous entry's hash followed by the entry's canonical bytes.
//!
//! # Canonical encoding, version 1
//!
//! Storage adapters and external auditors can recompute every hash from this
//! description alone. Integers are big-endian; a *string* is a `u32` byte
//! length followed by its UTF-8 bytes; an *id* is the 16 bytes of its UUID; a
//! *date* is an `i32` counting days from 0001-01-01 (day 1, as chrono's
//! `num_days_from_ce`); a *currency* is a `u8` code length, the ASCII code,
//! and a `u8` count of minor units; an *option* is a `u8` 0 (absent) or 1
//! followed by the value.
//!
//! 1. the byte `0x01` (the version);
//! 2. the entry id, the date, the description (string);
//! 3. a `u32` count of postings, then per posting: account id, a `u8` side
//!    (0 debit, 1 credit), currency, the amount as an `i128` of minor units,
//!    the memo (string), the option of the party's id, the option of the
//!    due date;
//! 4. a `u32` count of metadata pairs, then key and value (strings) in byte
//!    order of the keys;
//! 5. a `u32` count of exchange rates, then per rate: from currency, to
//!    currency, the rate as its shortest decimal string (`1.1`, not `1.10`),
//!    the date;
//! 6. the option of the posting user's id; the option of the reversed entry's id.
//!
//! The hash of an entry is `SHA-256(previous hash ‖ canonical bytes)`, where the
//! previous hash of the first entry is 32 zero bytes.

use core::fmt;

use bureau_core::Currency;
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use crate::{Error, JournalEntry, Result};

/// The version byte that opens every canonical encoding.
pub const ENCODING_VERSION: u8 = 1;

/// A SHA-256 hash in the audit chain.
///
/// ```
/// use bureau_ledger::EntryHash;
///
/// assert_eq!(EntryHash::GENESIS.as_bytes(), &[0_u8; 32]);
/// assert_eq!(EntryHash::GENESIS.to_string().len(), 64);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EntryHash([u8; 32]);

impl EntryHash {
    /// The previous hash of the first entry: 32 zero bytes.
    pub const GENESIS: Self = Self([0; 32]);

    /// Wraps 32 bytes.
    ///
    /// ```
    /// use bureau_ledger::EntryHash;
    ///
    /// assert_eq!(EntryHash::from_bytes([1; 32]).as_bytes()[0], 1);
    /// ```
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 bytes.
    ///
    /// ```
    /// use bureau_ledger::EntryHash;
    ///
    /// assert_eq!(EntryHash::GENESIS.as_bytes().len(), 32);
    /// ```
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The hash chaining `canonical` bytes onto `previous`.
    ///
    /// ```
    /// use bureau_ledger::EntryHash;
    ///
    /// let a = EntryHash::chain(&EntryHash::GENESIS, b"entry one");
    /// assert_ne!(a, EntryHash::chain(&EntryHash::GENESIS, b"entry two"));
    /// ```
    pub fn chain(previous: &Self, canonical: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(previous.0);
        hasher.update(canonical);
        Self(hasher.finalize().into())
    }

    /// The hash of `entry` chained onto `previous`, without building the
    /// canonical bytes in memory.
    ///
    /// ```
    /// use bureau_ledger::{canonical_bytes, AccountId, EntryHash, EntryId, JournalEntry};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "x")
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .build()?;
    /// assert_eq!(
    ///     EntryHash::of_entry(&EntryHash::GENESIS, &entry),
    ///     EntryHash::chain(&EntryHash::GENESIS, &canonical_bytes(&entry)),
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_entry(previous: &Self, entry: &JournalEntry) -> Self {
        let mut sink = Buffered {
            hasher: Sha256::new(),
            buffer: [0; BUFFER],
            len: 0,
        };
        sink.put_fixed(&previous.0);
        encode(entry, &mut sink);
        sink.flush();
        Self(sink.hasher.finalize().into())
    }
}

/// The same hash as [`EntryHash::of_entry`], encoding into a buffer the
/// caller keeps between calls (no zeroing, no allocation once it has grown).
pub(crate) fn hash_with(
    previous: &EntryHash,
    entry: &JournalEntry,
    scratch: &mut Vec<u8>,
) -> EntryHash {
    scratch.clear();
    scratch.extend_from_slice(&previous.0);
    encode(entry, scratch);
    EntryHash(Sha256::digest(scratch.as_slice()).into())
}

impl fmt::Display for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryHash({self})")
    }
}

/// A posted entry with its chained hash, as storage keeps it.
///
/// ```
/// use bureau_ledger::{AuditRecord, EntryHash};
/// # use bureau_ledger::{AccountId, EntryId, JournalEntry};
/// # let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
/// # let entry = JournalEntry::builder(EntryId::from_u128(1), day, "x")
/// #     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
/// #     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
/// #     .build()?;
/// let hash = EntryHash::of_entry(&EntryHash::GENESIS, &entry);
/// let record = AuditRecord { entry, hash };
/// assert!(bureau_ledger::verify(&[record]).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AuditRecord {
    /// The entry as posted.
    pub entry: JournalEntry,
    /// Its hash in the chain.
    pub hash: EntryHash,
}

/// Checks a chain of records from its start.
///
/// # Errors
///
/// [`Error::AuditChainBroken`] with the zero-based position of the first
/// record whose content, hash or place in the order was changed.
///
/// ```
/// use bureau_ledger::{verify, AccountId, AuditRecord, EntryHash, EntryId, Error, JournalEntry};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
/// let mut records = Vec::new();
/// let mut previous = EntryHash::GENESIS;
/// for n in 1..=3 {
///     let entry = JournalEntry::builder(EntryId::from_u128(n), day, "sale")
///         .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
///         .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
///         .build()?;
///     previous = EntryHash::of_entry(&previous, &entry);
///     records.push(AuditRecord { entry, hash: previous });
/// }
/// assert!(verify(&records).is_ok());
/// records.swap(1, 2);
/// assert_eq!(verify(&records), Err(Error::AuditChainBroken { position: 1 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(records: &[AuditRecord]) -> Result<()> {
    let mut previous = EntryHash::GENESIS;
    for (position, record) in records.iter().enumerate() {
        let expected = EntryHash::of_entry(&previous, &record.entry);
        if expected != record.hash {
            return Err(Error::AuditChainBroken { position });
        }
        previous = expected;
    }
    Ok(())
}

/// Checks a chain kept as canonical bytes and hashes, as an external auditor
/// or a storage adapter holds it.
///
/// # Errors
///
/// [`Error::AuditChainBroken`] with the zero-based position of the first
/// record that does not verify.
///
/// ```
/// use bureau_ledger::{verify_bytes, EntryHash, Error};
///
/// let first = EntryHash::chain(&EntryHash::GENESIS, b"one");
/// let second = EntryHash::chain(&first, b"two");
/// let chain = [(b"one".to_vec(), first), (b"two".to_vec(), second)];
/// assert!(verify_bytes(chain.iter().map(|(b, h)| (b.as_slice(), h))).is_ok());
/// let tampered = [(b"one".to_vec(), first), (b"twO".to_vec(), second)];
/// assert_eq!(
///     verify_bytes(tampered.iter().map(|(b, h)| (b.as_slice(), h))),
///     Err(Error::AuditChainBroken { position: 1 })
/// );
/// ```
pub fn verify_bytes<'a, I>(records: I) -> Result<()>
where
    I: IntoIterator<Item = (&'a [u8], &'a EntryHash)>,
{
    let mut previous = EntryHash::GENESIS;
    for (position, (bytes, hash)) in records.into_iter().enumerate() {
        let expected = EntryHash::chain(&previous, bytes);
        if expected != *hash {
            return Err(Error::AuditChainBroken { position });
        }
        previous = expected;
    }
    Ok(())
}

/// The canonical bytes of an entry (see the [module docs](self)).
///
/// ```
/// use bureau_ledger::{canonical_bytes, AccountId, EntryId, JournalEntry};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
/// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "x")
///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
///     .build()?;
/// let bytes = canonical_bytes(&entry);
/// assert_eq!(bytes[0], 1); // the version
/// assert_eq!(bytes, canonical_bytes(&entry.clone()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn canonical_bytes(entry: &JournalEntry) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(160);
    encode(entry, &mut bytes);
    bytes
}

trait Sink {
    fn put(&mut self, bytes: &[u8]);

    /// A piece of a size known at compile time: lets the buffered sink copy
    /// it with a few moves instead of a call to `memcpy`.
    fn put_fixed<const N: usize>(&mut self, bytes: &[u8; N]) {
        self.put(bytes);
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

const BUFFER: usize = 256;

/// Gathers the many small pieces of an encoding before hashing them: one
/// hasher update per few hundred bytes instead of one per field.
struct Buffered {
    hasher: Sha256,
    buffer: [u8; BUFFER],
    len: usize,
}

impl Buffered {
    fn flush(&mut self) {
        if let Some(filled) = self.buffer.get(..self.len) {
            self.hasher.update(filled);
        }
        self.len = 0;
    }
}

impl Sink for Buffered {
    #[inline]
    fn put_fixed<const N: usize>(&mut self, bytes: &[u8; N]) {
        if self.len + N > BUFFER {
            self.flush();
        }
        match self
            .buffer
            .get_mut(self.len..self.len + N)
            .and_then(|free| <&mut [u8; N]>::try_from(free).ok())
        {
            Some(free) => {
                *free = *bytes;
                self.len += N;
            }
            None => self.hasher.update(bytes),
        }
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > BUFFER {
            self.flush();
        }
        match self.buffer.get_mut(self.len..self.len + bytes.len()) {
            Some(free) => {
                free.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            None => self.hasher.update(bytes),
        }
    }
}

#[inline]
fn put_len(sink: &mut impl Sink, len: usize) {
    // Lengths beyond u32 cannot occur for in-memory strings of an entry in
    // practice; saturating keeps the encoding total rather than panicking.
    sink.put_fixed(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
}

#[inline]
fn put_str(sink: &mut impl Sink, text: &str) {
    put_len(sink, text.len());
    sink.put(text.as_bytes());
}

#[inline]
fn put_date(sink: &mut impl Sink, date: NaiveDate) {
    sink.put_fixed(&date.num_days_from_ce().to_be_bytes());
}

#[inline]
fn put_currency(sink: &mut impl Sink, currency: Currency) {
    let code = currency.code();
    sink.put_fixed(&[u8::try_from(code.len()).unwrap_or(u8::MAX)]);
    sink.put(code.as_bytes());
    sink.put_fixed(&[u8::try_from(currency.minor_units()).unwrap_or(u8::MAX)]);
}

/// The encoding of a currency, kept on the stack.
struct CurrencyBytes {
    bytes: [u8; 2 + bureau_core::MAX_COMMODITY_CODE_LEN],
    len: usize,
}

impl CurrencyBytes {
    fn new(currency: Currency) -> Self {
        let mut this = Self {
            bytes: [0; 2 + bureau_core::MAX_COMMODITY_CODE_LEN],
            len: 0,
        };
        put_currency(&mut this, currency);
        this
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl Sink for CurrencyBytes {
    fn put(&mut self, bytes: &[u8]) {
        if let Some(free) = self.bytes.get_mut(self.len..self.len + bytes.len()) {
            free.copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }
}

#[inline]
fn put_option(sink: &mut impl Sink, bytes: Option<&[u8; 16]>) {
    match bytes {
        None => sink.put_fixed(&[0]),
        Some(bytes) => {
            sink.put_fixed(&[1]);
            sink.put_fixed(bytes);
        }
    }
}

fn encode(entry: &JournalEntry, sink: &mut impl Sink) {
    // The postings of an entry nearly always share one currency: encode it
    // once and copy the bytes for the others.
    let mut last: Option<(Currency, CurrencyBytes)> = None;
    sink.put_fixed(&[ENCODING_VERSION]);
    sink.put_fixed(entry.id().as_uuid().as_bytes());
    put_date(sink, entry.date());
    put_str(sink, entry.description());
    put_len(sink, entry.postings().len());
    for posting in entry.postings() {
        sink.put_fixed(posting.account().as_uuid().as_bytes());
        sink.put_fixed(&[posting.side().code()]);
        let currency = posting.amount().currency();
        match &last {
            Some((known, bytes)) if *known == currency => sink.put(bytes.as_slice()),
            _ => {
                let bytes = CurrencyBytes::new(currency);
                sink.put(bytes.as_slice());
                last = Some((currency, bytes));
            }
        }
        sink.put_fixed(&posting.amount().to_minor().to_be_bytes());
        put_str(sink, posting.memo());
        put_option(
            sink,
            posting.party().as_ref().map(|p| p.as_uuid().as_bytes()),
        );
        match posting.due_date() {
            None => sink.put_fixed(&[0]),
            Some(date) => {
                sink.put_fixed(&[1]);
                put_date(sink, date);
            }
        }
    }
    put_len(sink, entry.metadata().len());
    for (key, value) in entry.metadata() {
        put_str(sink, key);
        put_str(sink, value);
    }
    put_len(sink, entry.rates().len());
    for rate in entry.rates() {
        put_currency(sink, rate.from());
        put_currency(sink, rate.to());
        put_str(sink, &rate.rate().normalize().to_string());
        put_date(sink, rate.as_of());
    }
    put_option(
        sink,
        entry.posted_by().as_ref().map(|u| u.as_uuid().as_bytes()),
    );
    put_option(
        sink,
        entry.reverses().as_ref().map(|e| e.as_uuid().as_bytes()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountId, EntryId, Posting};
    use bureau_core::{Decimal, ExchangeRate, PartyId, UserId};

    fn sample() -> JournalEntry {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let (usd, eur) = (Currency::iso("USD").unwrap(), Currency::iso("EUR").unwrap());
        JournalEntry::builder(EntryId::from_u128(1), day, "sale")
            .posting(
                Posting::debit(AccountId::from_u128(2), "1.10 USD".parse().unwrap())
                    .for_party(PartyId::from_u128(3))
                    .due_on(due),
            )
            .posting(
                Posting::credit(AccountId::from_u128(4), "1.10 USD".parse().unwrap())
                    .with_memo("m"),
            )
            .metadata("k", "v")
            .rate(ExchangeRate::new(eur, usd, Decimal::new(1100, 3), day).unwrap())
            .posted_by(UserId::from_u128(5))
            .build_unchecked()
    }

    /// Builds the documented encoding by hand, field by field.
    #[test]
    fn encoding_follows_the_documented_layout() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .num_days_from_ce();
        let due = NaiveDate::from_ymd_opt(2026, 4, 1)
            .unwrap()
            .num_days_from_ce();
        let id = |n: u128| n.to_be_bytes().to_vec();
        let string = |s: &str| {
            [
                u32::try_from(s.len()).unwrap().to_be_bytes().to_vec(),
                s.as_bytes().to_vec(),
            ]
            .concat()
        };
        let usd = [vec![3], b"USD".to_vec(), vec![2]].concat();
        let eur = [vec![3], b"EUR".to_vec(), vec![2]].concat();
        let expected = [
            vec![1],
            id(1),
            day.to_be_bytes().to_vec(),
            string("sale"),
            2_u32.to_be_bytes().to_vec(),
            id(2),
            vec![0],
            usd.clone(),
            110_i128.to_be_bytes().to_vec(),
            string(""),
            [vec![1], id(3)].concat(),
            [vec![1], due.to_be_bytes().to_vec()].concat(),
            id(4),
            vec![1],
            usd.clone(),
            110_i128.to_be_bytes().to_vec(),
            string("m"),
            vec![0],
            vec![0],
            1_u32.to_be_bytes().to_vec(),
            string("k"),
            string("v"),
            1_u32.to_be_bytes().to_vec(),
            eur,
            usd,
            string("1.1"),
            day.to_be_bytes().to_vec(),
            [vec![1], id(5)].concat(),
            vec![0],
        ]
        .concat();
        assert_eq!(canonical_bytes(&sample()), expected);
    }

    /// The hash of the sample is frozen: a change here breaks every stored chain.
    #[test]
    fn the_hash_is_stable() {
        let hash = EntryHash::of_entry(&EntryHash::GENESIS, &sample());
        assert_eq!(
            hash,
            EntryHash::chain(&EntryHash::GENESIS, &canonical_bytes(&sample()))
        );
        let mut scratch = b"left over from an earlier entry".to_vec();
        assert_eq!(
            hash,
            hash_with(&EntryHash::GENESIS, &sample(), &mut scratch)
        );
        assert_eq!(
            hash.to_string(),
            "5394be235664566e5f5ddaaef8b1c73183b490c6d1f8da91fc51a04843774cc0"
        );
    }
}
