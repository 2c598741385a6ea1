//! Journal entries: dated, described, balanced sets of postings.

use std::collections::BTreeMap;

use bureau_core::{Currency, ExchangeRate, FiscalYear, Id, IdKind, Money, PartyId, UserId};
use chrono::NaiveDate;
use smallvec::SmallVec;

use crate::{AccountId, EntryDescription, Error, Memo, MetadataKey, MetadataValue, Result, Side};

/// The id of a [`JournalEntry`]: chosen by the caller, it is the idempotency key.
pub type EntryId = Id<JournalEntry>;

/// One line of an entry: an amount debited or credited to an account.
///
/// The amount is always positive; the side says which way it moves.
///
/// ```
/// use bureau_ledger::{AccountId, Posting, Side};
///
/// let posting = Posting::debit(AccountId::from_u128(1), "25.00 USD".parse()?).with_memo("till".parse()?);
/// assert_eq!(posting.side(), Side::Debit);
/// assert_eq!(posting.memo().map(|m| m.as_str()), Some("till"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(from = "posting_wire::PostingWire", into = "posting_wire::PostingWire")
)]
pub struct Posting {
    account: AccountId,
    side: Side,
    amount: Money,
    // What most postings do without (a memo, a party and due date for
    // receivables), boxed so that the usual posting takes 64 bytes instead of
    // about 110: a book of millions of entries holds two or more each. `None`
    // exactly when all of it is empty, so that equality and hashing see no
    // difference between the two.
    extras: Option<Box<PostingExtras>>,
}

/// The memo, party and due date of a posting.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct PostingExtras {
    memo: Memo,
    party: Option<PartyId>,
    due_on: Option<NaiveDate>,
}

impl PostingExtras {
    fn is_empty(&self) -> bool {
        self.memo.is_empty() && self.party.is_none() && self.due_on.is_none()
    }
}

#[cfg(feature = "serde")]
mod posting_wire {
    use bureau_core::{Money, PartyId};
    use chrono::NaiveDate;

    use super::{Posting, PostingExtras};
    use crate::{AccountId, Memo, Side};

    /// The serialized shape of a posting: every field flat.
    #[derive(Clone, serde::Serialize, serde::Deserialize)]
    pub(super) struct PostingWire {
        account: AccountId,
        side: Side,
        amount: Money,
        #[serde(default)]
        memo: Memo,
        #[serde(default)]
        party: Option<PartyId>,
        #[serde(default)]
        due_on: Option<NaiveDate>,
    }

    impl From<PostingWire> for Posting {
        fn from(wire: PostingWire) -> Self {
            Posting::new(wire.account, wire.side, wire.amount).with_extras(PostingExtras {
                memo: wire.memo,
                party: wire.party,
                due_on: wire.due_on,
            })
        }
    }

    impl From<Posting> for PostingWire {
        fn from(posting: Posting) -> Self {
            let extras = posting.extras.map(|e| *e).unwrap_or_default();
            Self {
                account: posting.account,
                side: posting.side,
                amount: posting.amount,
                memo: extras.memo,
                party: extras.party,
                due_on: extras.due_on,
            }
        }
    }
}

impl Posting {
    /// A posting of `amount` on `side` of `account`.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, Posting, Side};
    ///
    /// let p = Posting::new(AccountId::from_u128(4), Side::Credit, "9.99 EUR".parse()?);
    /// assert_eq!(p.amount().to_string(), "9.99 EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(account: AccountId, side: Side, amount: Money) -> Self {
        Self {
            account,
            side,
            amount,
            extras: None,
        }
    }

    /// The same posting with these extras (none kept when all are empty).
    fn with_extras(mut self, extras: PostingExtras) -> Self {
        self.extras = (!extras.is_empty()).then(|| Box::new(extras));
        self
    }

    fn extras_mut(&mut self) -> &mut PostingExtras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// A debit of `amount` to `account`.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, Posting, Side};
    ///
    /// assert_eq!(Posting::debit(AccountId::from_u128(1), "1.00 USD".parse()?).side(), Side::Debit);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn debit(account: AccountId, amount: Money) -> Self {
        Self::new(account, Side::Debit, amount)
    }

    /// A credit of `amount` to `account`.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, Posting, Side};
    ///
    /// assert_eq!(Posting::credit(AccountId::from_u128(1), "1.00 USD".parse()?).side(), Side::Credit);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn credit(account: AccountId, amount: Money) -> Self {
        Self::new(account, Side::Credit, amount)
    }

    /// The same posting with a memo line.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, Posting};
    ///
    /// let p = Posting::debit(AccountId::from_u128(1), "1.00 USD".parse()?).with_memo("float".parse()?);
    /// assert_eq!(p.memo().map(|m| m.as_str()), Some("float"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_memo(mut self, memo: Memo) -> Self {
        if memo.is_empty() {
            // An empty memo is no memo: keep the extras `None` when nothing
            // else is set, as equality relies on.
            if let Some(extras) = self.extras.take() {
                return self.with_extras(PostingExtras { memo, ..*extras });
            }
            return self;
        }
        self.extras_mut().memo = memo;
        self
    }

    /// The same posting for `party`: on a receivable or payable account it
    /// opens an item for the party (on the account's normal side) or settles
    /// the party's open items (on the other side); see
    /// [`Ledger::open_items`](crate::Ledger::open_items).
    ///
    /// ```
    /// use bureau_ledger::{AccountId, Posting};
    /// use bureau_core::PartyId;
    ///
    /// let p = Posting::debit(AccountId::from_u128(1200), "90.00 USD".parse()?).with_party(PartyId::from_u128(5));
    /// assert_eq!(p.party(), Some(PartyId::from_u128(5)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_party(mut self, party: PartyId) -> Self {
        self.extras_mut().party = Some(party);
        self
    }

    /// The same posting with a due date for the item it opens (the entry's
    /// date when not given).
    ///
    /// ```
    /// use bureau_ledger::{AccountId, Posting};
    ///
    /// let due = chrono::NaiveDate::from_ymd_opt(2026, 4, 30).ok_or("date")?;
    /// let p = Posting::debit(AccountId::from_u128(1200), "90.00 USD".parse()?).with_due_date(due);
    /// assert_eq!(p.due_date(), Some(due));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_due_date(mut self, date: NaiveDate) -> Self {
        self.extras_mut().due_on = Some(date);
        self
    }

    /// The party of a receivable or payable posting, if any.
    pub fn party(&self) -> Option<PartyId> {
        self.extras.as_ref().and_then(|e| e.party)
    }

    /// The due date of the item the posting opens, if given.
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.extras.as_ref().and_then(|e| e.due_on)
    }

    /// The account posted to.
    pub const fn account(&self) -> AccountId {
        self.account
    }

    /// Debit or credit.
    pub const fn side(&self) -> Side {
        self.side
    }

    /// The amount, positive in a valid entry.
    pub const fn amount(&self) -> Money {
        self.amount
    }

    /// The memo, if one was given.
    pub fn memo(&self) -> Option<&Memo> {
        self.extras
            .as_ref()
            .map(|e| &e.memo)
            .filter(|memo| !memo.is_empty())
    }

    /// The amount signed from the debit side: positive for a debit, negative
    /// for a credit, in minor units.
    pub(crate) fn signed_minor(&self) -> i128 {
        match self.side {
            Side::Debit => self.amount.to_minor(),
            Side::Credit => self.amount.to_minor().saturating_neg(),
        }
    }

    /// The same posting on the other side: what a reversal posts.
    #[must_use]
    pub(crate) fn mirrored(&self) -> Self {
        Self {
            side: self.side.opposite(),
            ..self.clone()
        }
    }

    pub(crate) fn with_amount(&self, amount: Money) -> Self {
        Self {
            amount,
            ..self.clone()
        }
    }
}

/// Which part of an entry differs from the entry already posted under the
/// same id.
///
/// ```
/// use bureau_ledger::EntryField;
///
/// assert_eq!(EntryField::Postings.to_string(), "postings");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EntryField {
    /// The effective date.
    Date,
    /// The description.
    Description,
    /// The postings (accounts, sides, amounts, memos or their order).
    Postings,
    /// The metadata.
    Metadata,
    /// The exchange rates carried.
    ExchangeRates,
    /// The user who posted it.
    PostedBy,
    /// The entry it reverses.
    Reverses,
    /// The fiscal year it closes.
    Closes,
}

impl core::fmt::Display for EntryField {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.pad(match self {
            Self::Date => "date",
            Self::Description => "description",
            Self::Postings => "postings",
            Self::Metadata => "metadata",
            Self::ExchangeRates => "exchange rates",
            Self::PostedBy => "author",
            Self::Reverses => "reversed entry",
            Self::Closes => "closed fiscal year",
        })
    }
}

/// A journal entry: a caller-chosen id (the idempotency key), an effective
/// date, a description, two or more postings that balance per currency, string
/// metadata, the exchange rates of a multi-currency entry, the user who posted
/// it and, for a reversal, the entry it reverses.
///
/// Built with [`JournalEntry::builder`]; [`EntryBuilder::build`] checks the
/// shape (two postings, positive amounts, balanced per currency). The ledger
/// checks everything that depends on its state.
///
/// ```
/// use bureau_ledger::{AccountId, EntryId, JournalEntry};
/// use chrono::NaiveDate;
///
/// let cash = AccountId::from_u128(1);
/// let sales = AccountId::from_u128(4);
/// let day = NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
/// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "cash sale".parse()?)
///     .debit(cash, "120.00 USD".parse()?)
///     .credit(sales, "120.00 USD".parse()?)
///     .metadata("till".parse()?, "2".parse()?)
///     .build()?;
/// assert_eq!(entry.postings().len(), 2);
///
/// let unbalanced = JournalEntry::builder(EntryId::from_u128(2), day, "typo".parse()?)
///     .debit(cash, "120.00 USD".parse()?)
///     .credit(sales, "12.00 USD".parse()?)
///     .build();
/// assert!(unbalanced.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(from = "wire::EntryWire", into = "wire::EntryWire")
)]
pub struct JournalEntry {
    id: EntryId,
    date: NaiveDate,
    // Inline up to 24 bytes: most descriptions are short, and a book of
    // millions of entries would otherwise hold a heap block (32 bytes and a
    // pointer chase) for each.
    description: EntryDescription,
    // Two postings inline, no heap block: nearly every entry has two, and a
    // book of millions of entries would otherwise hold one block each.
    postings: SmallVec<[Posting; 2]>,
    // What most entries do without, boxed so that the common entry stays
    // small in the ledger's journal. `None` exactly when all of it is empty,
    // so that equality and hashing see no difference between the two.
    extras: Option<Box<Extras>>,
}

/// An entry's metadata: the pairs sorted by key, one inline. A map's node
/// is about 540 bytes whatever it holds, which for the usual one or two
/// pairs would be most of an entry's memory; the map that
/// [`JournalEntry::metadata`] lends is built from the pairs on its first
/// call and kept.
#[derive(Default)]
struct Metadata {
    pairs: SmallVec<[(MetadataKey, MetadataValue); 1]>,
    map: std::sync::OnceLock<BTreeMap<MetadataKey, MetadataValue>>,
}

impl Metadata {
    #[cfg(feature = "serde")]
    fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Sets `key` to `value`, replacing an earlier value.
    fn insert(&mut self, key: MetadataKey, value: MetadataValue) {
        match self.pairs.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => {
                if let Some(pair) = self.pairs.get_mut(at) {
                    pair.1 = value;
                }
            }
            Err(at) => self.pairs.insert(at, (key, value)),
        }
        self.map = std::sync::OnceLock::new();
    }

    fn map(&self) -> &BTreeMap<MetadataKey, MetadataValue> {
        self.map
            .get_or_init(|| self.pairs.iter().cloned().collect())
    }
}

impl From<BTreeMap<MetadataKey, MetadataValue>> for Metadata {
    fn from(map: BTreeMap<MetadataKey, MetadataValue>) -> Self {
        Self {
            pairs: map.into_iter().collect(),
            map: std::sync::OnceLock::new(),
        }
    }
}

impl Clone for Metadata {
    fn clone(&self) -> Self {
        Self {
            pairs: self.pairs.clone(),
            map: std::sync::OnceLock::new(),
        }
    }
}

// Equality, hashing and debugging see the pairs only: whether the map was
// built yet makes no difference.
impl PartialEq for Metadata {
    fn eq(&self, other: &Self) -> bool {
        self.pairs == other.pairs
    }
}

impl Eq for Metadata {}

impl core::hash::Hash for Metadata {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.pairs.hash(state);
    }
}

impl core::fmt::Debug for Metadata {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_map()
            .entries(self.pairs.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

/// Metadata, exchange rates, author, reversed entry and closed year of an
/// entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Extras {
    metadata: Metadata,
    rates: Vec<ExchangeRate>,
    posted_by: Option<UserId>,
    reverses: Option<EntryId>,
    closes: Option<FiscalYear>,
}

impl Extras {
    #[cfg(feature = "serde")]
    fn is_empty(&self) -> bool {
        self.metadata.is_empty()
            && self.rates.is_empty()
            && self.posted_by.is_none()
            && self.reverses.is_none()
            && self.closes.is_none()
    }
}

static NO_METADATA: BTreeMap<MetadataKey, MetadataValue> = BTreeMap::new();

/// Metadata keys starting with this are kept for the crate's own use: an
/// entry that carries one is refused with [`Error::ReservedMetadataKey`].
/// What the ledger itself records about an entry (the year it closes, the
/// entry it reverses) are typed fields, never metadata.
pub const RESERVED_METADATA_PREFIX: &str = "bureau.";

#[cfg(feature = "serde")]
mod wire {
    use std::collections::BTreeMap;

    use bureau_core::{ExchangeRate, FiscalYear, UserId};
    use chrono::NaiveDate;

    use super::{EntryId, Extras, JournalEntry, Posting};
    use crate::{EntryDescription, MetadataKey, MetadataValue};

    /// The serialized shape of an entry: every field flat.
    #[derive(Clone, serde::Serialize, serde::Deserialize)]
    pub(super) struct EntryWire {
        id: EntryId,
        date: NaiveDate,
        description: EntryDescription,
        postings: Vec<Posting>,
        #[serde(default)]
        metadata: BTreeMap<MetadataKey, MetadataValue>,
        #[serde(default)]
        rates: Vec<ExchangeRate>,
        #[serde(default)]
        posted_by: Option<UserId>,
        #[serde(default)]
        reverses: Option<EntryId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        closes: Option<FiscalYear>,
    }

    impl From<EntryWire> for JournalEntry {
        fn from(wire: EntryWire) -> Self {
            let extras = Extras {
                metadata: wire.metadata.into(),
                rates: wire.rates,
                posted_by: wire.posted_by,
                reverses: wire.reverses,
                closes: wire.closes,
            };
            Self {
                id: wire.id,
                date: wire.date,
                description: wire.description,
                postings: wire.postings.into(),
                extras: (!extras.is_empty()).then(|| Box::new(extras)),
            }
        }
    }

    impl From<JournalEntry> for EntryWire {
        fn from(entry: JournalEntry) -> Self {
            let extras = entry.extras.map(|e| *e).unwrap_or_default();
            Self {
                id: entry.id,
                date: entry.date,
                description: entry.description,
                postings: entry.postings.into_vec(),
                metadata: extras.metadata.pairs.into_iter().collect(),
                rates: extras.rates,
                posted_by: extras.posted_by,
                reverses: extras.reverses,
                closes: extras.closes,
            }
        }
    }
}

impl IdKind for JournalEntry {
    const NAME: &'static str = "entry";
}

impl JournalEntry {
    /// Starts an entry.
    ///
    /// ```
    /// use bureau_ledger::{EntryId, JournalEntry};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let builder = JournalEntry::builder(EntryId::from_u128(1), day, "rent".parse()?);
    /// assert!(builder.build().is_err()); // no postings yet
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(id: EntryId, date: NaiveDate, description: EntryDescription) -> EntryBuilder {
        EntryBuilder {
            entry: Self {
                id,
                date,
                description,
                postings: SmallVec::new(),
                extras: None,
            },
        }
    }

    /// The id.
    pub const fn id(&self) -> EntryId {
        self.id
    }

    /// The effective date.
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The description.
    pub const fn description(&self) -> &EntryDescription {
        &self.description
    }

    /// The postings, in the order given.
    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    /// The metadata, ordered by key.
    ///
    /// ```
    /// # use bureau_ledger::{AccountId, EntryId, JournalEntry};
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(3), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .metadata("invoice".parse()?, "INV-7".parse()?)
    ///     .build()?;
    /// assert_eq!(e.metadata().get("invoice").map(|v| v.as_str()), Some("INV-7"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metadata(&self) -> &BTreeMap<MetadataKey, MetadataValue> {
        self.extras
            .as_ref()
            .map_or(&NO_METADATA, |e| e.metadata.map())
    }

    /// The exchange rates of a multi-currency entry.
    pub fn rates(&self) -> &[ExchangeRate] {
        self.extras.as_ref().map_or(&[], |e| &e.rates)
    }

    /// The user who posted the entry, when given.
    pub fn posted_by(&self) -> Option<UserId> {
        self.extras.as_ref().and_then(|e| e.posted_by)
    }

    /// The entry this one reverses, for a reversal.
    pub fn reverses(&self) -> Option<EntryId> {
        self.extras.as_ref().and_then(|e| e.reverses)
    }

    /// The fiscal year this entry closes, for a year-end closing entry (and
    /// for the reversal of one). Only the ledger makes such entries
    /// ([`Ledger::close_year`](crate::Ledger::close_year)); the income
    /// statement leaves them out.
    pub fn closes(&self) -> Option<FiscalYear> {
        self.extras.as_ref().and_then(|e| e.closes)
    }

    /// The currencies of the postings, each once, in order of first use.
    ///
    /// ```
    /// # use bureau_ledger::{AccountId, EntryId, JournalEntry};
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(3), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .build()?;
    /// assert_eq!(e.currencies().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn currencies(&self) -> Vec<Currency> {
        let mut found: Vec<Currency> = Vec::new();
        for posting in &self.postings {
            let currency = posting.amount.currency();
            if !found.contains(&currency) {
                found.push(currency);
            }
        }
        found
    }

    /// The first field in which `other` differs from `self`, if any.
    pub(crate) fn first_difference(&self, other: &Self) -> Option<EntryField> {
        if self.date != other.date {
            Some(EntryField::Date)
        } else if self.description != other.description {
            Some(EntryField::Description)
        } else if self.postings != other.postings {
            Some(EntryField::Postings)
        } else if self.metadata_pairs() != other.metadata_pairs() {
            Some(EntryField::Metadata)
        } else if self.rates() != other.rates() {
            Some(EntryField::ExchangeRates)
        } else if self.posted_by() != other.posted_by() {
            Some(EntryField::PostedBy)
        } else if self.closes() != other.closes() {
            Some(EntryField::Closes)
        } else if self.reverses() != other.reverses() {
            Some(EntryField::Reverses)
        } else {
            None
        }
    }

    /// Checks what an entry must satisfy on its own: at least two postings,
    /// every amount positive, balanced per currency, and an exchange rate for
    /// every pair of currencies when it mixes them.
    ///
    /// # Errors
    ///
    /// [`Error::TooFewPostings`], [`Error::NonPositiveAmount`],
    /// [`Error::Unbalanced`], [`Error::MissingExchangeRate`] or
    /// [`Error::ReservedMetadataKey`].
    ///
    /// ```
    /// # use bureau_ledger::{AccountId, EntryId, JournalEntry};
    /// # let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(3), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .build()?;
    /// assert!(e.check_shape().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_shape(&self) -> Result<()> {
        self.check_metadata()?;
        if self.check_balanced()? {
            self.check_rates()?;
        }
        Ok(())
    }

    /// The metadata pairs in key order, without building the map.
    pub(crate) fn metadata_pairs(&self) -> &[(MetadataKey, MetadataValue)] {
        self.extras.as_ref().map_or(&[], |e| &e.metadata.pairs)
    }

    /// No metadata key in the namespace the crate keeps for itself.
    pub(crate) fn check_metadata(&self) -> Result<()> {
        match self
            .metadata_pairs()
            .iter()
            .map(|(key, _)| key)
            .find(|key| key.is_reserved())
        {
            Some(key) => Err(Error::ReservedMetadataKey {
                entry: self.id,
                key: key.as_str().to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// At least two postings, positive amounts, balanced per currency;
    /// returns whether the entry mixes currencies.
    pub(crate) fn check_balanced(&self) -> Result<bool> {
        if self.postings.len() < 2 {
            return Err(Error::TooFewPostings {
                entry: self.id,
                count: self.postings.len(),
            });
        }
        // One pass for the usual entry in one currency; entries that mix
        // currencies take the per-currency sums below.
        let first = self.postings.first().map(|p| p.amount.currency());
        let mut single = true;
        let mut net = 0_i128;
        for (index, posting) in self.postings.iter().enumerate() {
            let minor = posting.amount.to_minor();
            if minor <= 0 {
                return Err(Error::NonPositiveAmount {
                    entry: self.id,
                    posting: index + 1,
                    amount: posting.amount,
                });
            }
            single &= Some(posting.amount.currency()) == first;
            net = match posting.side {
                Side::Debit => net.saturating_add(minor),
                Side::Credit => net.saturating_sub(minor),
            };
        }
        if single {
            return match first {
                Some(currency) if net != 0 => Err(Error::Unbalanced {
                    entry: self.id,
                    differences: vec![Money::from_minor(net, currency)?],
                }),
                _ => Ok(false),
            };
        }
        let mut sums = CurrencySums::new();
        for posting in &self.postings {
            sums.add(posting.amount.currency(), posting.signed_minor());
        }
        if !sums.all_zero() {
            let differences = sums
                .iter()
                .filter(|(_, sum)| *sum != 0)
                .map(|(currency, sum)| Money::from_minor(sum, currency))
                .collect::<core::result::Result<Vec<_>, _>>()?;
            return Err(Error::Unbalanced {
                entry: self.id,
                differences,
            });
        }
        Ok(true)
    }

    /// An exchange rate between the first currency and each other one.
    pub(crate) fn check_rates(&self) -> Result<()> {
        let currencies = self.currencies();
        let Some((&first, others)) = currencies.split_first() else {
            return Ok(());
        };
        for &currency in others {
            let covered = self.rates().iter().any(|rate| {
                (rate.from() == currency && rate.to() == first)
                    || (rate.from() == first && rate.to() == currency)
            });
            if !covered {
                return Err(Error::MissingExchangeRate {
                    entry: self.id,
                    from: currency,
                    to: first,
                });
            }
        }
        Ok(())
    }

    /// The mirror of this entry under `id`, dated `date`: every posting on the
    /// other side, linked to this entry.
    pub(crate) fn reversal(&self, id: EntryId, date: NaiveDate) -> Self {
        Self {
            id,
            date,
            description: self.description.reversal(),
            postings: self.postings.iter().map(Posting::mirrored).collect(),
            extras: Some(Box::new(Extras {
                metadata: self
                    .extras
                    .as_ref()
                    .map(|e| e.metadata.clone())
                    .unwrap_or_default(),
                rates: self.rates().to_vec(),
                posted_by: self.posted_by(),
                reverses: Some(self.id),
                closes: self.closes(),
            })),
        }
    }

    fn extras_mut(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// An entry of these parts, with no metadata, rates or links yet.
    #[cfg(feature = "serde")]
    pub(crate) fn from_parts(
        id: EntryId,
        date: NaiveDate,
        description: EntryDescription,
        postings: SmallVec<[Posting; 2]>,
    ) -> Self {
        Self {
            id,
            date,
            description,
            postings,
            extras: None,
        }
    }

    #[cfg(feature = "serde")]
    pub(crate) fn insert_metadata(&mut self, key: &str, value: &str) {
        self.extras_mut()
            .metadata
            .insert(MetadataKey::derived(key), MetadataValue::derived(value));
    }

    #[cfg(feature = "serde")]
    pub(crate) fn push_rate(&mut self, rate: ExchangeRate) {
        self.extras_mut().rates.push(rate);
    }

    #[cfg(feature = "serde")]
    pub(crate) fn mark_posted_by(&mut self, user: UserId) {
        self.extras_mut().posted_by = Some(user);
    }

    /// Marks the reversal of `original`.
    #[cfg(feature = "serde")]
    pub(crate) fn mark_reversal_of(&mut self, original: EntryId) {
        self.extras_mut().reverses = Some(original);
    }

    /// Marks a year-end closing entry.
    pub(crate) fn mark_closing(&mut self, year: FiscalYear) {
        self.extras_mut().closes = Some(year);
    }

    pub(crate) fn with_id_date_postings(
        &self,
        id: EntryId,
        date: NaiveDate,
        postings: Vec<Posting>,
    ) -> Self {
        Self {
            id,
            date,
            postings: postings.into(),
            ..self.clone()
        }
    }

    pub(crate) fn system(
        id: EntryId,
        date: NaiveDate,
        description: EntryDescription,
        postings: Vec<Posting>,
        rates: Vec<ExchangeRate>,
    ) -> Self {
        Self {
            id,
            date,
            description,
            postings: postings.into(),
            extras: (!rates.is_empty()).then(|| {
                Box::new(Extras {
                    rates,
                    ..Extras::default()
                })
            }),
        }
    }
}

/// Builds a [`JournalEntry`]; see [`JournalEntry::builder`].
///
/// ```
/// use bureau_ledger::{AccountId, EntryId, JournalEntry, Posting};
///
/// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
/// let entry = JournalEntry::builder(EntryId::from_u128(1), day, "supplies".parse()?)
///     .posting(Posting::debit(AccountId::from_u128(6), "40.00 USD".parse()?).with_memo("paper".parse()?))
///     .credit(AccountId::from_u128(1), "40.00 USD".parse()?)
///     .build()?;
/// assert_eq!(entry.postings()[0].memo().map(|m| m.as_str()), Some("paper"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct EntryBuilder {
    entry: JournalEntry,
}

impl EntryBuilder {
    /// Adds a posting.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, JournalEntry, Posting};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
    ///     .posting(Posting::debit(AccountId::from_u128(1), "1.00 USD".parse()?))
    ///     .posting(Posting::credit(AccountId::from_u128(2), "1.00 USD".parse()?))
    ///     .build()?;
    /// assert_eq!(e.postings().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn posting(mut self, posting: Posting) -> Self {
        self.entry.postings.push(posting);
        self
    }

    /// Adds a debit.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, JournalEntry};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .build()?;
    /// assert_eq!(e.postings()[0].account(), AccountId::from_u128(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn debit(self, account: AccountId, amount: Money) -> Self {
        self.posting(Posting::debit(account, amount))
    }

    /// Adds a credit.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, JournalEntry};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .build()?;
    /// assert_eq!(e.postings()[1].account(), AccountId::from_u128(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn credit(self, account: AccountId, amount: Money) -> Self {
        self.posting(Posting::credit(account, amount))
    }

    /// Sets a metadata value (a later value for the same key replaces it).
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, JournalEntry};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .metadata("source".parse()?, "pos".parse()?)
    ///     .build()?;
    /// assert_eq!(e.metadata().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metadata(mut self, key: MetadataKey, value: MetadataValue) -> Self {
        self.entry.extras_mut().metadata.insert(key, value);
        self
    }

    /// Adds an exchange rate; a multi-currency entry needs one between its
    /// first currency and each other currency.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, JournalEntry};
    /// use bureau_core::{Currency, Decimal, ExchangeRate};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let (usd, eur) = (Currency::USD, Currency::EUR);
    /// let fx = AccountId::from_u128(99);
    /// let e = JournalEntry::builder(EntryId::from_u128(1), day, "buy euros".parse()?)
    ///     .debit(AccountId::from_u128(2), "100.00 EUR".parse()?)
    ///     .credit(fx, "100.00 EUR".parse()?)
    ///     .debit(fx, "110.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(1), "110.00 USD".parse()?)
    ///     .rate(ExchangeRate::new(eur, usd, "1.1".parse()?, day)?)
    ///     .build()?;
    /// assert_eq!(e.rates().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rate(mut self, rate: ExchangeRate) -> Self {
        self.entry.extras_mut().rates.push(rate);
        self
    }

    /// Records the user who posts the entry (checked against soft-locked periods).
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, JournalEntry};
    /// use bureau_core::UserId;
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "1.00 USD".parse()?)
    ///     .posted_by(UserId::from_u128(5))
    ///     .build()?;
    /// assert!(e.posted_by().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn posted_by(mut self, user: UserId) -> Self {
        self.entry.extras_mut().posted_by = Some(user);
        self
    }

    /// Checks the shape (see [`JournalEntry::check_shape`]) and returns the entry.
    ///
    /// # Errors
    ///
    /// The first shape error found, naming the entry and the posting.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, Error, JournalEntry};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let err = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .credit(AccountId::from_u128(2), "0.00 USD".parse()?)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::NonPositiveAmount { posting: 2, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(self) -> Result<JournalEntry> {
        self.entry.check_shape()?;
        Ok(self.entry)
    }

    /// Returns the entry without checking it; the ledger still checks it when
    /// it is posted. Useful to test that the ledger rejects bad entries.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, EntryId, JournalEntry};
    ///
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?;
    /// let e = JournalEntry::builder(EntryId::from_u128(1), day, "x".parse()?)
    ///     .debit(AccountId::from_u128(1), "1.00 USD".parse()?)
    ///     .build_unchecked();
    /// assert!(e.check_shape().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_unchecked(self) -> JournalEntry {
        self.entry
    }
}

/// Per-currency sums in minor units without a heap allocation for the usual
/// one or two currencies.
#[derive(Debug, Clone)]
pub(crate) struct CurrencySums {
    inline: [(Option<Currency>, i128); 4],
    spill: Vec<(Currency, i128)>,
}

impl CurrencySums {
    pub(crate) const fn new() -> Self {
        Self {
            inline: [(None, 0); 4],
            spill: Vec::new(),
        }
    }

    pub(crate) fn add(&mut self, currency: Currency, amount: i128) {
        for slot in &mut self.inline {
            match slot.0 {
                Some(c) if c == currency => {
                    slot.1 = slot.1.saturating_add(amount);
                    return;
                }
                None => {
                    *slot = (Some(currency), amount);
                    return;
                }
                Some(_) => {}
            }
        }
        match self.spill.iter_mut().find(|(c, _)| *c == currency) {
            Some(slot) => slot.1 = slot.1.saturating_add(amount),
            None => self.spill.push((currency, amount)),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (Currency, i128)> + '_ {
        self.inline
            .iter()
            .filter_map(|(c, s)| c.map(|c| (c, *s)))
            .chain(self.spill.iter().copied())
    }

    pub(crate) fn all_zero(&self) -> bool {
        self.iter().all(|(_, s)| s == 0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::hash::BuildHasher;

    use super::{EntryId, JournalEntry};
    use crate::AccountId;

    fn entry() -> JournalEntry {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        JournalEntry::builder(EntryId::from_u128(1), day, "x".parse().unwrap())
            .debit(AccountId::from_u128(1), "1.00 USD".parse().unwrap())
            .credit(AccountId::from_u128(2), "1.00 USD".parse().unwrap())
            .metadata("zone".parse().unwrap(), "b".parse().unwrap())
            .metadata("area".parse().unwrap(), "a".parse().unwrap())
            .metadata("zone".parse().unwrap(), "c".parse().unwrap())
            .build()
            .unwrap()
    }

    #[test]
    fn metadata_pairs_and_the_lent_map_agree_whether_or_not_it_was_built() {
        let lent = entry();
        let untouched = lent.clone();
        let keys: Vec<(&str, &str)> = lent
            .metadata()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // Sorted by key, a later value replacing an earlier one.
        assert_eq!(keys, [("area", "a"), ("zone", "c")]);
        let pairs: Vec<(&str, &str)> = untouched
            .metadata_pairs()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(pairs, keys);
        // The map built on one and not the other changes neither equality
        // nor hashing.
        assert_eq!(lent, untouched);
        let hasher = std::collections::hash_map::RandomState::new();
        assert_eq!(hasher.hash_one(&lent), hasher.hash_one(&untouched));
        assert_eq!(lent.first_difference(&untouched), None);
    }
}
