//! The tamper-evident audit chain: every posted entry carries the SHA-256 of
//! the previous entry's hash followed by the entry's canonical bytes.
//!
//! # Canonical encoding, version 2
//!
//! Storage adapters and external auditors can recompute every hash from this
//! description alone. The encoding is compact so that a two-leg entry with a
//! short description fits the two SHA-256 blocks of 64 bytes that follow the
//! previous hash, and every further posting costs about 25 bytes.
//!
//! A *varint* is an unsigned integer in LEB128: seven bits a byte, the lowest
//! group first, the high bit set on every byte but the last (`300` is
//! `0xac 0x02`). A *signed varint* is the varint of the zigzag form (`0, -1,
//! 1, -2, ...` as `0, 1, 2, 3, ...`: `(n << 1) ^ (n >> 127)` over 128 bits). A
//! *string* is a varint byte length followed by its UTF-8 bytes; an *id* is
//! the 16 bytes of its UUID; a *date* is a big-endian `i32` counting days from
//! 0001-01-01 (day 1, as chrono's `num_days_from_ce`); a *currency* is a `u8`
//! code length, the ASCII code, and a `u8` count of minor units.
//!
//! 1. the byte `0x02` (the version);
//! 2. the entry id, the date, the description (string);
//! 3. a varint count of postings, then per posting: the account id; a flags
//!    byte (bit 0: the side, 0 debit, 1 credit; bit 1: a memo follows; bit 2:
//!    a party follows; bit 3: a due date follows; other bits 0); the currency;
//!    the amount as a signed varint of minor units; then the memo (string)
//!    when it is not empty, the party's id when there is one, the due date
//!    when there is one;
//! 4. a varint count of metadata pairs, then key and value (strings) in byte
//!    order of the keys;
//! 5. a varint count of exchange rates, then per rate: from currency, to
//!    currency, the rate as its shortest decimal string (`1.1`, not `1.10`),
//!    the date;
//! 6. a flags byte (bit 0: the posting user's id follows; bit 1: the reversed
//!    entry's id follows; bit 2: the closed fiscal year follows; other bits
//!    0), then those ids in that order, then the closed fiscal year: its
//!    calendar's first month (`u8`, 1 to 12), its naming (`u8`: 0 for the
//!    year it ends in, 1 for the year it starts in) and its label (signed
//!    varint). Bit 2 is only ever set on year-end closing entries (and their
//!    reversals), so the bytes of every other entry are as before it was
//!    defined.
//!
//! The hash of an entry is `SHA-256(previous hash ‖ canonical bytes)`, where the
//! previous hash of the first entry is 32 zero bytes.

use core::fmt;

use bureau_core::Currency;

use crate::Memo;
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

mod hashing;

use hashing::{Hashing, Sink};

use crate::{Error, JournalEntry, Posting, Result};

/// The version byte that opens every canonical encoding.
pub const ENCODING_VERSION: u8 = 2;

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
    /// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
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
        let mut sink = Hashing::new();
        sink.put_fixed(&previous.0);
        encode(entry, &mut sink);
        Self(sink.finish())
    }
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
/// # let entry = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
/// #     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
/// #     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
/// #     .build()?;
/// let hash = EntryHash::of_entry(&EntryHash::GENESIS, &entry);
/// let record = AuditRecord::new(entry, hash);
/// assert!(bureau_ledger::verify(&[record]).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AuditRecord {
    /// The entry as posted.
    pub entry: JournalEntry,
    /// Its hash in the chain.
    pub hash: EntryHash,
}

impl AuditRecord {
    /// A record of `entry` with its chained `hash`, as an exported chain
    /// holds it (see [`verify`] for an example).
    pub const fn new(entry: JournalEntry, hash: EntryHash) -> Self {
        Self { entry, hash }
    }
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
///     let entry = JournalEntry::builder(EntryId::from_u128(n), day, "sale".parse()?)
///         .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
///         .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
///         .build()?;
///     previous = EntryHash::of_entry(&previous, &entry);
///     records.push(AuditRecord::new(entry, previous));
/// }
/// assert!(verify(&records).is_ok());
/// records.swap(1, 2);
/// assert!(matches!(verify(&records), Err(Error::AuditChainBroken { position: 1, .. })));
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
/// let broken = verify_bytes(tampered.iter().map(|(b, h)| (b.as_slice(), h)));
/// assert!(matches!(broken, Err(Error::AuditChainBroken { position: 1, .. })));
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
/// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
///     .build()?;
/// let bytes = canonical_bytes(&entry);
/// assert_eq!(bytes[0], bureau_ledger::audit::ENCODING_VERSION);
/// assert_eq!(bytes, canonical_bytes(&entry.clone()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn canonical_bytes(entry: &JournalEntry) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(160);
    encode(entry, &mut bytes);
    bytes
}

/// Appends the canonical bytes of `entry` to `out` (for snapshots, which
/// store entries in this encoding).
#[cfg(feature = "serde")]
pub(crate) fn encode_into(entry: &JournalEntry, out: &mut Vec<u8>) {
    encode(entry, out);
}

/// Writes `value` in LEB128 (see the [module docs](self)), a byte at a
/// time straight into the sink.
#[inline(always)]
fn put_varint(sink: &mut impl Sink, value: u128) {
    let mut rest = value;
    while rest >= 0x80 {
        // The low seven bits always fit a byte.
        sink.put_fixed(&[u8::try_from(rest & 0x7f).unwrap_or(0) | 0x80]);
        rest >>= 7;
    }
    sink.put_fixed(&[u8::try_from(rest).unwrap_or(0)]);
}

#[inline(always)]
fn put_len(sink: &mut impl Sink, len: usize) {
    put_varint(sink, u128::try_from(len).unwrap_or(u128::MAX));
}

/// The zigzag form of a signed integer: small magnitudes of either sign stay
/// small as unsigned numbers.
#[inline(always)]
const fn zigzag(value: i128) -> u128 {
    ((value << 1) ^ (value >> 127)).cast_unsigned()
}

#[inline(always)]
fn put_str(sink: &mut impl Sink, text: &str) {
    put_len(sink, text.len());
    sink.put(text.as_bytes());
}

#[inline(always)]
fn put_date(sink: &mut impl Sink, date: NaiveDate) {
    sink.put_fixed(&date.num_days_from_ce().to_be_bytes());
}

#[inline(always)]
fn put_currency(sink: &mut impl Sink, currency: Currency) {
    let code = currency.code().as_bytes();
    sink.put_fixed(&[u8::try_from(code.len()).unwrap_or(u8::MAX)]);
    // Nearly every code has three letters: a fixed-size copy.
    match <&[u8; 3]>::try_from(code) {
        Ok(three) => sink.put_fixed(three),
        Err(_) => sink.put(code),
    }
    sink.put_fixed(&[u8::try_from(currency.minor_units()).unwrap_or(u8::MAX)]);
}

/// The encoding of a currency with a three-letter code (nearly all of them)
/// as one fixed-size piece.
#[inline(always)]
fn three_letter(currency: Currency) -> Option<[u8; 5]> {
    let [a, b, c] = *<&[u8; 3]>::try_from(currency.code().as_bytes()).ok()?;
    Some([
        3,
        a,
        b,
        c,
        u8::try_from(currency.minor_units()).unwrap_or(u8::MAX),
    ])
}

const HAS_MEMO: u8 = 1 << 1;
const HAS_PARTY: u8 = 1 << 2;
const HAS_DUE_DATE: u8 = 1 << 3;
const HAS_POSTED_BY: u8 = 1;
const HAS_REVERSES: u8 = 1 << 1;
const HAS_CLOSES: u8 = 1 << 2;

/// `flag` when `set`, else 0.
#[inline]
const fn flag(set: bool, flag: u8) -> u8 {
    if set { flag } else { 0 }
}

// Inlined into its two callers, so that the hashing sink's position stays in
// a register instead of making a round trip through memory at every write.
#[inline(always)]
fn encode(entry: &JournalEntry, sink: &mut impl Sink) {
    // The postings of an entry nearly always share one currency: its bytes
    // are found once. The posting that had it is kept rather than a copy of
    // the currency, which comparing soon after writing it would stall on a
    // partial store forward.
    let mut known: Option<(&Posting, [u8; 5])> = None;
    sink.put_fixed(&[ENCODING_VERSION]);
    sink.put_fixed(entry.id().as_uuid().as_bytes());
    put_date(sink, entry.date());
    put_str(sink, entry.description().as_str());
    put_len(sink, entry.postings().len());
    for posting in entry.postings() {
        let memo = posting.memo().map_or("", Memo::as_str);
        let party = posting.party();
        let due = posting.due_date();
        sink.put_fixed(posting.account().as_uuid().as_bytes());
        sink.put_fixed(&[posting.side().code()
            | flag(!memo.is_empty(), HAS_MEMO)
            | flag(party.is_some(), HAS_PARTY)
            | flag(due.is_some(), HAS_DUE_DATE)]);
        match known {
            Some((same, bytes)) if same.amount().currency() == posting.amount().currency() => {
                sink.put_fixed(&bytes);
            }
            _ => {
                let currency = posting.amount().currency();
                match three_letter(currency) {
                    Some(bytes) => {
                        sink.put_fixed(&bytes);
                        known = Some((posting, bytes));
                    }
                    None => put_currency(sink, currency),
                }
            }
        }
        put_varint(sink, zigzag(posting.amount().to_minor()));
        if !memo.is_empty() {
            put_str(sink, memo);
        }
        if let Some(party) = party {
            sink.put_fixed(party.as_uuid().as_bytes());
        }
        if let Some(due) = due {
            put_date(sink, due);
        }
    }
    put_len(sink, entry.metadata_pairs().len());
    for (key, value) in entry.metadata_pairs() {
        put_str(sink, key.as_str());
        put_str(sink, value.as_str());
    }
    put_len(sink, entry.rates().len());
    for rate in entry.rates() {
        put_currency(sink, rate.from());
        put_currency(sink, rate.to());
        put_str(sink, &rate.rate().value().normalize().to_string());
        put_date(sink, rate.as_of());
    }
    let posted_by = entry.posted_by();
    let reverses = entry.reverses();
    let closes = entry.closes();
    sink.put_fixed(&[flag(posted_by.is_some(), HAS_POSTED_BY)
        | flag(reverses.is_some(), HAS_REVERSES)
        | flag(closes.is_some(), HAS_CLOSES)]);
    if let Some(user) = posted_by {
        sink.put_fixed(user.as_uuid().as_bytes());
    }
    if let Some(original) = reverses {
        sink.put_fixed(original.as_uuid().as_bytes());
    }
    if let Some(year) = closes {
        let calendar = year.calendar();
        let naming = match calendar.naming() {
            bureau_core::FiscalYearNaming::EndYear => 0,
            bureau_core::FiscalYearNaming::StartYear => 1,
        };
        sink.put_fixed(&[u8::try_from(calendar.first_month()).unwrap_or(0), naming]);
        put_varint(sink, zigzag(i128::from(year.label())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountId, EntryId, Posting};
    use bureau_core::{Decimal, ExchangeRate, PartyId, Rate, UserId};

    fn sample() -> JournalEntry {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let (usd, eur) = (Currency::USD, Currency::EUR);
        JournalEntry::builder(EntryId::from_u128(1), day, "sale".parse().unwrap())
            .posting(
                Posting::debit(AccountId::from_u128(2), "1.10 USD".parse().unwrap())
                    .with_party(PartyId::from_u128(3))
                    .with_due_date(due),
            )
            .posting(
                Posting::credit(AccountId::from_u128(4), "1.10 USD".parse().unwrap())
                    .with_memo("m".parse().unwrap()),
            )
            .metadata("k".parse().unwrap(), "v".parse().unwrap())
            .rate(ExchangeRate::new(eur, usd, Rate::new(Decimal::new(1100, 3)), day).unwrap())
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
        // Every length in the sample is below 128: one varint byte.
        let string =
            |s: &str| [vec![u8::try_from(s.len()).unwrap()], s.as_bytes().to_vec()].concat();
        let usd = [vec![3], b"USD".to_vec(), vec![2]].concat();
        let eur = [vec![3], b"EUR".to_vec(), vec![2]].concat();
        // 110 minor units: zigzag 220 = 0b1_1011100, in LEB128 0xdc 0x01.
        let amount = vec![0xdc, 0x01];
        let expected = [
            vec![2],
            id(1),
            day.to_be_bytes().to_vec(),
            string("sale"),
            vec![2],
            id(2),
            vec![0b1100], // debit, party, due date
            usd.clone(),
            amount.clone(),
            id(3),
            due.to_be_bytes().to_vec(),
            id(4),
            vec![0b0011], // credit, memo
            usd.clone(),
            amount,
            string("m"),
            vec![1],
            string("k"),
            string("v"),
            vec![1],
            eur,
            usd,
            string("1.1"),
            day.to_be_bytes().to_vec(),
            vec![0b01], // the posting user follows
            id(5),
        ]
        .concat();
        assert_eq!(canonical_bytes(&sample()), expected);
    }

    #[test]
    fn varints_follow_leb128_and_zigzag() {
        let varint = |value: u128| {
            let mut bytes = Vec::new();
            put_varint(&mut bytes, value);
            bytes
        };
        assert_eq!(varint(0), [0]);
        assert_eq!(varint(127), [0x7f]);
        assert_eq!(varint(128), [0x80, 0x01]);
        assert_eq!(varint(300), [0xac, 0x02]);
        assert_eq!(varint(u128::MAX).len(), 19);
        assert_eq!(varint(u128::MAX).last(), Some(&0x03));
        assert_eq!(
            [0, -1, 1, -2, 2].map(zigzag),
            [0, 1, 2, 3, 4],
            "zigzag interleaves signs"
        );
        assert_eq!(zigzag(i128::MAX), u128::MAX - 1);
        assert_eq!(zigzag(i128::MIN), u128::MAX);
    }

    /// A two-leg entry with a short description takes two SHA-256 blocks
    /// after the previous hash (at most 119 bytes with the hash and padding).
    #[test]
    fn a_plain_two_leg_entry_fits_two_blocks() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let entry = JournalEntry::builder(EntryId::from_u128(1), day, "sale 123".parse().unwrap())
            .debit(AccountId::from_u128(2), "1234567.89 USD".parse().unwrap())
            .credit(AccountId::from_u128(4), "1234567.89 USD".parse().unwrap())
            .build()
            .unwrap();
        assert!(32 + canonical_bytes(&entry).len() <= 119);
    }

    /// Postings switching between currencies, one with a long code, encode
    /// each posting's own currency.
    #[test]
    fn each_posting_carries_its_currency() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let points = Currency::commodity("POINTS", 0).unwrap();
        let amounts = ["1.00 USD", "2.00 EUR", "3.00 USD"]
            .map(|a| a.parse::<bureau_core::Money>().unwrap())
            .into_iter()
            .chain([bureau_core::Money::from_minor(4, points).unwrap()]);
        let mut builder =
            JournalEntry::builder(EntryId::from_u128(1), day, "mixed".parse().unwrap());
        for (n, amount) in (1..).zip(amounts) {
            builder = builder.debit(AccountId::from_u128(n), amount);
        }
        let bytes = canonical_bytes(&builder.build_unchecked());
        let find = |piece: &[u8]| bytes.windows(piece.len()).filter(|w| *w == piece).count();
        assert_eq!(find(&[3, b'U', b'S', b'D', 2]), 2);
        assert_eq!(find(&[3, b'E', b'U', b'R', 2]), 1);
        assert_eq!(find(b"\x06POINTS\x00"), 1);
    }

    /// The hash of the sample is frozen: a change here breaks every stored chain.
    #[test]
    fn the_hash_is_stable() {
        let hash = EntryHash::of_entry(&EntryHash::GENESIS, &sample());
        assert_eq!(
            hash,
            EntryHash::chain(&EntryHash::GENESIS, &canonical_bytes(&sample()))
        );
        assert_eq!(
            hash.to_string(),
            "521121e29cfb6b5c6b726480c199ceeee3542228ae89e9d7a009cfc0998011fb"
        );
    }
}
