//! De-duplication: which party records describe the same person.
//!
//! A [`Matcher`] compares [`MatchRecord`]s under three [`MatchRule`]s, in
//! this order of precedence:
//!
//! 1. [`MatchRule::ExactEmail`]: the records share a normalised email
//!    address (as [`EmailAddress`] normalises it);
//! 2. [`MatchRule::ExactPhone`]: they share a phone number in E.164;
//! 3. [`MatchRule::FuzzyName`]: name and organization are alike. The
//!    similarity of two texts is the Jaro-Winkler similarity (the `strsim`
//!    crate) of their normalised forms (lower case, letters and digits only,
//!    words sorted), and the pair's [`Similarity`] is the lowest of the
//!    fields compared. The pair matches when it reaches the threshold
//!    ([`Matcher::with_threshold`], 0.92 by default). A field blank on
//!    either side is handled by its [`BlankPolicy`].
//!
//! Records are only compared inside blocks that share a key: an email, a
//! phone, or for the fuzzy rule, per word of the name, (a) the whole word
//! with the first three characters of the organization's longest word, and
//! (b) the word's first four characters with the whole organization
//! (normalised; the organization is left out of both when its
//! [`BlankPolicy`] is [`BlankPolicy::Ignore`]). So a pair with a typo in
//! the name meets in (a) through a word spelt alike, and a pair with a typo
//! in the organization meets in (a) too; a pair with a typo in every name
//! word meets in (b) when the organization is spelt alike. A record the
//! fuzzy rule cannot match (no name, or no organization under
//! [`BlankPolicy::NoMatch`]) gets no fuzzy key. A block of up to 16
//! records is compared pair by pair; in a larger one each record is
//! compared with the 4 after it in (name, organization, id) order (sorted
//! neighbourhood), so the work grows with the records, not with the
//! square of a block's size. Two records that share no key are never
//! compared.
//!
//! The result does not depend on the order of the records: they are sorted
//! by id first, every compared pair that matches is kept (not only those
//! that happen to join two clusters first), and clusters and links come out
//! sorted.

use std::collections::BTreeMap;

use bureau_core::PartyId;

use crate::text::Name;
use crate::{Contact, EmailAddress, Error, PhoneNumber, Result};

/// How alike two records are, in thousandths: 0 (nothing alike) to 1000
/// (identical).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Similarity(u16);

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Similarity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let per_mille = u16::deserialize(d)?;
        Similarity::from_per_mille(per_mille).map_err(serde::de::Error::custom)
    }
}

impl Similarity {
    /// Identical.
    pub const EXACT: Similarity = Similarity(1000);

    /// A similarity of `per_mille` thousandths.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSimilarity`] above 1000.
    pub fn from_per_mille(per_mille: u16) -> Result<Self> {
        if per_mille > 1000 {
            return Err(Error::InvalidSimilarity { per_mille });
        }
        Ok(Similarity(per_mille))
    }

    /// The thousandths.
    pub fn per_mille(self) -> u16 {
        self.0
    }

    /// The Jaro-Winkler similarity of two normalised texts, rounded half
    /// up to a thousandth.
    // Jaro-Winkler is a ratio of counts; it is computed in f64 here only and
    // leaves as an integer number of thousandths.
    #[allow(clippy::float_arithmetic, clippy::cast_possible_truncation)]
    fn of_texts(a: &str, b: &str) -> Similarity {
        let score = strsim::jaro_winkler(a, b).clamp(0.0, 1.0);
        Similarity((score * 1000.0).round() as u16)
    }
}

impl std::fmt::Display for Similarity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

/// The rule that joined two records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MatchRule {
    /// A shared normalised email address.
    ExactEmail,
    /// A shared phone number in E.164.
    ExactPhone,
    /// Name and organization alike at or above the threshold.
    FuzzyName,
}

/// What a field blank on one or both sides means for the fuzzy rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum BlankPolicy {
    /// A blank on either side: the records do not match by this rule.
    NoMatch,
    /// Blank on both sides counts as equal; blank on one side does not match.
    BothBlankEqual,
    /// A blank on either side leaves the field out of the comparison (the
    /// other fields decide; at least one field must be compared).
    Ignore,
}

/// A field the fuzzy rule compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MatchField {
    /// The person's name.
    Name,
    /// The organization's name.
    Organization,
}

/// What the matcher knows of one party.
///
/// ```
/// use bureau_core::PartyId;
/// use bureau_crm::{dedup::MatchRecord, Name};
///
/// let record = MatchRecord::new(PartyId::from_u128(1))
///     .with_name(&Name::new("Ada  Lovelace")?)
///     .with_email("ada@example.com".parse()?);
/// assert_eq!(record.emails().len(), 1);
/// # Ok::<(), bureau_crm::Error>(())
/// ```
// No serde: a record is the matcher's input, built through the methods
// that normalise it, not stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MatchRecord {
    id: PartyId,
    name: Option<String>,
    organization: Option<String>,
    emails: Vec<EmailAddress>,
    phones: Vec<PhoneNumber>,
}

impl MatchRecord {
    /// A record of `id` with no field yet.
    pub fn new(id: PartyId) -> Self {
        MatchRecord {
            id,
            name: None,
            organization: None,
            emails: Vec::new(),
            phones: Vec::new(),
        }
    }

    /// The record of a created contact: its name, emails and phones, with
    /// `organization` as the organization's name (a contact holds only the
    /// ids of its organizations). `None` for a contact not created yet.
    pub fn from_contact(contact: &Contact, organization: Option<&Name>) -> Option<Self> {
        let mut record = MatchRecord::new(contact.id()?);
        if let Some(name) = contact.name() {
            record = record.with_name(name);
        }
        if let Some(organization) = organization {
            record = record.with_organization(organization);
        }
        for email in contact.emails() {
            record = record.with_email(email.clone());
        }
        for phone in contact.profile().phones() {
            record = record.with_phone(phone.clone());
        }
        Some(record)
    }

    /// Sets the person's name (kept normalised; a name of no letter or
    /// digit counts as blank).
    pub fn with_name(mut self, name: &Name) -> Self {
        self.name = normalise(name.as_str());
        self
    }

    /// Sets the organization's name (normalised as the name).
    pub fn with_organization(mut self, organization: &Name) -> Self {
        self.organization = normalise(organization.as_str());
        self
    }

    /// Adds an email address (one given twice is kept once).
    pub fn with_email(mut self, email: EmailAddress) -> Self {
        if !self.emails.contains(&email) {
            self.emails.push(email);
        }
        self
    }

    /// Adds a phone number (one given twice is kept once).
    pub fn with_phone(mut self, phone: PhoneNumber) -> Self {
        if !self.phones.contains(&phone) {
            self.phones.push(phone);
        }
        self
    }

    /// The party.
    pub fn id(&self) -> PartyId {
        self.id
    }

    /// The normalised name, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The normalised organization name, if any.
    pub fn organization(&self) -> Option<&str> {
        self.organization.as_deref()
    }

    /// The email addresses.
    pub fn emails(&self) -> &[EmailAddress] {
        &self.emails
    }

    /// The phone numbers.
    pub fn phones(&self) -> &[PhoneNumber] {
        &self.phones
    }
}

/// Lower case, letters and digits only, words sorted and joined by one space;
/// `None` when nothing is left.
fn normalise(text: &str) -> Option<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return None;
    }
    words.sort_unstable();
    Some(words.join(" "))
}

/// Two records joined, by which rule, how alike. `a` is the smaller id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MatchLink {
    /// The record with the smaller id.
    pub a: PartyId,
    /// The record with the larger id.
    pub b: PartyId,
    /// The first rule, in precedence order, that matched.
    pub rule: MatchRule,
    /// [`Similarity::EXACT`] for the exact rules, the fuzzy score otherwise.
    pub score: Similarity,
}

/// Records that describe the same party: at least two, joined by links.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Cluster {
    /// The members, in id order.
    pub members: Vec<PartyId>,
    /// Every matching pair among them that was compared (all pairs of a
    /// block of up to 16, neighbours in larger ones: see the module docs),
    /// in order; every member is in one.
    pub links: Vec<MatchLink>,
}

/// The de-duplication rules: the fuzzy threshold and a blank policy per field.
///
/// ```
/// use bureau_core::PartyId;
/// use bureau_crm::{dedup::{Matcher, MatchRecord, MatchRule}, Name};
///
/// let records = [
///     MatchRecord::new(PartyId::from_u128(1))
///         .with_name(&Name::new("Jonathan Smith")?)
///         .with_organization(&Name::new("Acme Ltd")?),
///     MatchRecord::new(PartyId::from_u128(2))
///         .with_name(&Name::new("Jonathon Smith")?)
///         .with_organization(&Name::new("ACME Ltd.")?),
///     MatchRecord::new(PartyId::from_u128(3)).with_email("x@example.com".parse()?),
/// ];
/// let clusters = Matcher::default().clusters(&records)?;
/// assert_eq!(clusters.len(), 1);
/// assert_eq!(clusters[0].members, [PartyId::from_u128(1), PartyId::from_u128(2)]);
/// assert_eq!(clusters[0].links[0].rule, MatchRule::FuzzyName);
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Matcher {
    threshold: Similarity,
    name_blanks: BlankPolicy,
    organization_blanks: BlankPolicy,
}

impl Default for Matcher {
    /// Threshold 0.920; a blank name or organization never matches by the
    /// fuzzy rule (names alone are too often shared by different people;
    /// [`BlankPolicy::BothBlankEqual`] or [`BlankPolicy::Ignore`] trade
    /// precision for recall).
    fn default() -> Self {
        Matcher {
            threshold: Similarity(920),
            name_blanks: BlankPolicy::NoMatch,
            organization_blanks: BlankPolicy::NoMatch,
        }
    }
}

impl Matcher {
    /// Sets the fuzzy threshold.
    pub fn with_threshold(mut self, threshold: Similarity) -> Self {
        self.threshold = threshold;
        self
    }

    /// Sets the blank policy of a field.
    pub fn with_blank_policy(mut self, field: MatchField, policy: BlankPolicy) -> Self {
        match field {
            MatchField::Name => self.name_blanks = policy,
            MatchField::Organization => self.organization_blanks = policy,
        }
        self
    }

    /// The fuzzy threshold.
    pub fn threshold(&self) -> Similarity {
        self.threshold
    }

    /// The blank policy of a field.
    pub fn blank_policy(&self, field: MatchField) -> BlankPolicy {
        match field {
            MatchField::Name => self.name_blanks,
            MatchField::Organization => self.organization_blanks,
        }
    }

    /// The first rule that joins `a` and `b`, with its score, if any.
    pub fn compare(&self, a: &MatchRecord, b: &MatchRecord) -> Option<(MatchRule, Similarity)> {
        if a.emails.iter().any(|e| b.emails.contains(e)) {
            return Some((MatchRule::ExactEmail, Similarity::EXACT));
        }
        if a.phones.iter().any(|p| b.phones.contains(p)) {
            return Some((MatchRule::ExactPhone, Similarity::EXACT));
        }
        let name = field_similarity(a.name(), b.name(), self.name_blanks)?;
        // The pair's score is the lower of the two: a name below the
        // threshold settles it without comparing the organizations.
        if name.is_some_and(|n| n < self.threshold) {
            return None;
        }
        let organization =
            field_similarity(a.organization(), b.organization(), self.organization_blanks)?;
        let score = match (name, organization) {
            (Some(n), Some(o)) => n.min(o),
            (Some(s), None) | (None, Some(s)) => s,
            (None, None) => return None,
        };
        (score >= self.threshold).then_some((MatchRule::FuzzyName, score))
    }

    /// The clusters of `records`: groups of two or more joined, directly or
    /// through others, by a rule. Records in no cluster are left out.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateRecord`] when two records carry the same id.
    pub fn clusters(&self, records: &[MatchRecord]) -> Result<Vec<Cluster>> {
        let mut sorted: Vec<&MatchRecord> = records.iter().collect();
        sorted.sort_unstable_by_key(|r| r.id);
        for pair in sorted.windows(2) {
            if let [x, y] = pair
                && x.id == y.id
            {
                return Err(Error::DuplicateRecord { party: x.id });
            }
        }
        // Every (key, record) pair, the key hashed: sorting them groups the
        // blocks without a map of vectors. Two keys that collide only join
        // two blocks, which costs comparisons, never a match.
        let block_on_organization = self.organization_blanks != BlankPolicy::Ignore;
        let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(sorted.len() * 6);
        for (index, record) in sorted.iter().enumerate() {
            let Ok(index) = u32::try_from(index) else {
                return Err(Error::TooManyRecords {
                    count: records.len(),
                });
            };
            for email in &record.emails {
                keyed.push((block_key(&BlockKey::Email(email.as_str())), index));
            }
            for phone in &record.phones {
                keyed.push((block_key(&BlockKey::Phone(phone.as_str())), index));
            }
            // A record that the fuzzy rule cannot match needs no name keys.
            let fuzzy =
                record.organization().is_some() || self.organization_blanks != BlankPolicy::NoMatch;
            if let Some(name) = record.name().filter(|_| fuzzy) {
                let organization = if block_on_organization {
                    record.organization().unwrap_or("")
                } else {
                    ""
                };
                // The longest word (the first in order among equals) says
                // most of the organization: "ltd" or "inc" would not.
                let longest = organization
                    .split(' ')
                    .rev()
                    .max_by_key(|w| w.chars().count())
                    .unwrap_or("");
                let start = prefix(longest, 3);
                for word in name.split(' ') {
                    let whole = BlockKey::Word(word, start);
                    keyed.push((block_key(&whole), index));
                    let begins = BlockKey::WordStart(prefix(word, 4), organization);
                    keyed.push((block_key(&begins), index));
                }
            }
        }
        keyed.sort_unstable();
        keyed.dedup();
        let mut candidates: Vec<u64> = Vec::new();
        let mut large: Vec<u32> = Vec::new();
        for block in keyed.chunk_by(|x, y| x.0 == y.0) {
            if block.len() <= MAX_BLOCK {
                // Indices ascend within a block: each pair as (smaller, larger).
                for (k, &(_, i)) in block.iter().enumerate() {
                    for &(_, j) in block.iter().skip(k + 1) {
                        candidates.push(u64::from(i) << 32 | u64::from(j));
                    }
                }
            } else {
                large.clear();
                large.extend(block.iter().map(|&(_, i)| i));
                let key = |i: u32| sorted.get(i as usize).map(|r| (r.name(), r.organization()));
                large.sort_unstable_by(|&i, &j| key(i).cmp(&key(j)).then(i.cmp(&j)));
                for (k, &i) in large.iter().enumerate() {
                    for &j in large.iter().skip(k + 1).take(WINDOW) {
                        let (i, j) = if i < j { (i, j) } else { (j, i) };
                        candidates.push(u64::from(i) << 32 | u64::from(j));
                    }
                }
            }
        }
        drop(keyed);
        candidates.sort_unstable();
        candidates.dedup();
        let mut links: Vec<(u32, u32, MatchRule, Similarity)> = Vec::new();
        for pair in candidates {
            let (i, j) = (
                u32::try_from(pair >> 32).unwrap_or(u32::MAX),
                u32::try_from(pair & u64::from(u32::MAX)).unwrap_or(u32::MAX),
            );
            let (Some(a), Some(b)) = (sorted.get(i as usize), sorted.get(j as usize)) else {
                continue;
            };
            if let Some((rule, score)) = self.compare(a, b) {
                links.push((i, j, rule, score));
            }
        }
        let mut parent: Vec<u32> = (0..u32::try_from(sorted.len()).unwrap_or(u32::MAX)).collect();
        for &(i, j, _, _) in &links {
            let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
            if ri != rj {
                // The smaller index roots: the result does not hang on link order.
                let (lo, hi) = if ri < rj { (ri, rj) } else { (rj, ri) };
                if let Some(slot) = parent.get_mut(hi as usize) {
                    *slot = lo;
                }
            }
        }
        let mut by_root: BTreeMap<u32, Cluster> = BTreeMap::new();
        for (i, j, rule, score) in links {
            let root = find(&mut parent, i);
            let (Some(a), Some(b)) = (sorted.get(i as usize), sorted.get(j as usize)) else {
                continue;
            };
            by_root
                .entry(root)
                .or_insert_with(|| Cluster {
                    members: Vec::new(),
                    links: Vec::new(),
                })
                .links
                .push(MatchLink {
                    a: a.id,
                    b: b.id,
                    rule,
                    score,
                });
        }
        let mut clusters: Vec<Cluster> = by_root
            .into_values()
            .map(|mut cluster| {
                cluster.links.sort_unstable();
                let mut members: Vec<PartyId> =
                    cluster.links.iter().flat_map(|l| [l.a, l.b]).collect();
                members.sort_unstable();
                members.dedup();
                cluster.members = members;
                cluster
            })
            .collect();
        clusters.sort_unstable_by_key(|c| c.members.first().copied());
        Ok(clusters)
    }
}

/// The similarity of one field: `Err(())`-like `None` outer when the rule
/// cannot match, `Some(None)` when the field is left out.
fn field_similarity(
    a: Option<&str>,
    b: Option<&str>,
    policy: BlankPolicy,
) -> Option<Option<Similarity>> {
    match (a, b, policy) {
        (Some(a), Some(b), _) => Some(Some(Similarity::of_texts(a, b))),
        (_, _, BlankPolicy::Ignore) => Some(None),
        (None, None, BlankPolicy::BothBlankEqual) => Some(Some(Similarity::EXACT)),
        _ => None,
    }
}

fn prefix(word: &str, chars: usize) -> &str {
    word.char_indices()
        .nth(chars)
        .map_or(word, |(end, _)| word.get(..end).unwrap_or(word))
}

fn find(parent: &mut [u32], mut i: u32) -> u32 {
    let mut root = i;
    while let Some(&p) = parent.get(root as usize) {
        if p == root {
            break;
        }
        root = p;
    }
    while let Some(slot) = parent.get_mut(i as usize) {
        if *slot == root {
            break;
        }
        let next = *slot;
        *slot = root;
        i = next;
    }
    root
}

/// A block larger than this is not compared pair by pair: each record
/// only with the [`WINDOW`] after it in (name, organization, id) order,
/// which depends on the records only, not on their order in the input.
const MAX_BLOCK: usize = 16;

/// How many neighbours a record of a large block is compared with.
const WINDOW: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum BlockKey<'a> {
    Email(&'a str),
    Phone(&'a str),
    /// A whole word of the name and the first three characters of the
    /// organization's longest word.
    Word(&'a str, &'a str),
    /// A name word's first four characters and the whole organization.
    WordStart(&'a str, &'a str),
}

/// The hash of a block key; the same in every run (SipHash with fixed keys),
/// so the blocks do not depend on anything but the records.
fn block_key(key: &BlockKey<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(n: u128) -> PartyId {
        PartyId::from_u128(n)
    }

    fn named(n: u128, name: &str, org: Option<&str>) -> MatchRecord {
        let mut r = MatchRecord::new(party(n)).with_name(&Name::new(name).unwrap());
        if let Some(org) = org {
            r = r.with_organization(&Name::new(org).unwrap());
        }
        r
    }

    #[test]
    fn a_large_block_is_compared_by_neighbours_whatever_the_order() {
        // Forty people named Ada at organizations starting "Ana": one block
        // of the whole word "ada", too large for every pair.
        let surnames = [
            "lovelace", "byron", "king", "smith", "jones", "brown", "taylor", "wilson",
        ];
        let mut records: Vec<MatchRecord> = (0..40_u128)
            .map(|i| {
                let surname = surnames[(i % 8) as usize];
                named(
                    i + 1,
                    &format!("Ada {surname}{i}"),
                    Some(&format!("Analytic{i} Ltd")),
                )
            })
            .collect();
        // A typo of record 5 in its surname, same organization.
        records.push(named(100, "Ada jonex4", Some("ANALYTIC4 LTD.")));
        let matcher = Matcher::default();
        let clusters = matcher.clusters(&records).unwrap();
        let together =
            |c: &Cluster| c.members.contains(&party(5)) && c.members.contains(&party(100));
        assert!(clusters.iter().any(together), "{clusters:?}");
        records.reverse();
        assert_eq!(matcher.clusters(&records).unwrap(), clusters);
    }

    #[test]
    fn exact_email_joins_despite_names() {
        let a = named(1, "Ada Lovelace", None).with_email(" ada@Example.com".parse().unwrap());
        let b = named(2, "A. King", None).with_email("ada@example.COM".parse().unwrap());
        let clusters = Matcher::default().clusters(&[a, b]).unwrap();
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].links[0].rule, MatchRule::ExactEmail);
        assert_eq!(clusters[0].links[0].score, Similarity::EXACT);
    }

    #[test]
    fn exact_phone_joins() {
        let p = PhoneNumber::parse("+49 30 1234 5678", None).unwrap();
        let a = MatchRecord::new(party(1)).with_phone(p.clone());
        let b = MatchRecord::new(party(2)).with_phone(p);
        let clusters = Matcher::default().clusters(&[b, a]).unwrap();
        assert_eq!(clusters[0].links[0].rule, MatchRule::ExactPhone);
    }

    #[test]
    fn word_order_and_case_do_not_matter() {
        let m = Matcher::default();
        let a = named(1, "Lovelace, Ada", Some("Analytical Engines"));
        let b = named(2, "ada lovelace", Some("analytical ENGINES"));
        assert_eq!(
            m.compare(&a, &b),
            Some((MatchRule::FuzzyName, Similarity::EXACT))
        );
    }

    #[test]
    fn different_organizations_keep_namesakes_apart() {
        let m = Matcher::default();
        let a = named(1, "John Smith", Some("Acme"));
        let b = named(2, "John Smith", Some("Globex"));
        assert_eq!(m.compare(&a, &b), None);
    }

    #[test]
    fn blank_policies() {
        let a = named(1, "John Smith", None);
        let b = named(2, "John Smith", Some("Acme"));
        let c = named(3, "John Smith", None);
        let m = Matcher::default();
        assert_eq!(m.compare(&a, &b), None);
        assert_eq!(m.compare(&a, &c), None);
        let both = m.with_blank_policy(MatchField::Organization, BlankPolicy::BothBlankEqual);
        assert!(both.compare(&a, &c).is_some());
        assert_eq!(both.compare(&a, &b), None);
        let ignore = m.with_blank_policy(MatchField::Organization, BlankPolicy::Ignore);
        assert!(ignore.compare(&a, &b).is_some());
        assert_eq!(ignore.clusters(&[a, b, c]).unwrap()[0].members.len(), 3);
        let blank = MatchRecord::new(party(4));
        assert_eq!(ignore.compare(&blank, &MatchRecord::new(party(5))), None);
    }

    #[test]
    fn threshold_is_inclusive_and_checked() {
        let a = named(1, "Jonathan Smith", Some("Acme"));
        let b = named(2, "Jonathon Smith", Some("Acme"));
        let score = Matcher::default().compare(&a, &b).unwrap().1;
        let at = Matcher::default().with_threshold(score);
        assert!(at.compare(&a, &b).is_some());
        let above = Similarity::from_per_mille(score.per_mille() + 1).unwrap();
        assert_eq!(at.with_threshold(above).compare(&a, &b), None);
        assert_eq!(
            Similarity::from_per_mille(1001),
            Err(Error::InvalidSimilarity { per_mille: 1001 })
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn similarity_is_checked_when_read() {
        assert!(serde_json::from_str::<Similarity>("1001").is_err());
        assert_eq!(
            serde_json::from_str::<Similarity>("920").unwrap(),
            Similarity(920)
        );
    }

    #[test]
    fn a_contact_gives_its_record() {
        use bureau_core::Aggregate;
        let mut contact = Contact::default();
        assert_eq!(MatchRecord::from_contact(&contact, None), None);
        for change in [
            crate::ContactChange::Create {
                id: party(1),
                name: Name::new("Ada Lovelace").unwrap(),
            },
            crate::ContactChange::AddEmail("ada@example.com".parse().unwrap()),
        ] {
            contact
                .handle(&crate::ContactCommand::new(
                    chrono::DateTime::UNIX_EPOCH,
                    change,
                ))
                .unwrap();
        }
        let org = Name::new("Analytical Engines").unwrap();
        let record = MatchRecord::from_contact(&contact, Some(&org)).unwrap();
        assert_eq!(record.name(), Some("ada lovelace"));
        assert_eq!(record.organization(), Some("analytical engines"));
        assert_eq!(record.emails().len(), 1);
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let a = named(1, "A", None);
        assert_eq!(
            Matcher::default().clusters(&[a.clone(), a]),
            Err(Error::DuplicateRecord { party: party(1) })
        );
    }

    #[test]
    fn transitive_clusters_keep_every_link() {
        let e1: EmailAddress = "a@x.org".parse().unwrap();
        let e2: EmailAddress = "b@x.org".parse().unwrap();
        let a = MatchRecord::new(party(3)).with_email(e1.clone());
        let b = MatchRecord::new(party(1))
            .with_email(e1)
            .with_email(e2.clone());
        let c = MatchRecord::new(party(2)).with_email(e2);
        let clusters = Matcher::default().clusters(&[a, b, c]).unwrap();
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].members, [party(1), party(2), party(3)]);
        assert_eq!(clusters[0].links.len(), 2);
    }
}

#[cfg(all(test, feature = "proptest"))]
mod properties {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;
    use crate::strategy;

    proptest! {
        #[test]
        fn clusters_do_not_depend_on_input_order(
            (records, shuffled) in strategy::match_records(16)
                .prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
        ) {
            let matcher = Matcher::default();
            prop_assert_eq!(matcher.clusters(&records)?, matcher.clusters(&shuffled)?);
        }

        #[test]
        fn every_link_is_a_match_and_clusters_are_disjoint(records in strategy::match_records(16)) {
            let matcher = Matcher::default();
            let by_id: BTreeMap<PartyId, &MatchRecord> = records.iter().map(|r| (r.id(), r)).collect();
            let clusters = matcher.clusters(&records)?;
            let mut seen = HashSet::new();
            for cluster in &clusters {
                prop_assert!(cluster.members.len() >= 2);
                for member in &cluster.members {
                    prop_assert!(seen.insert(*member));
                }
                for link in &cluster.links {
                    prop_assert!(link.a < link.b);
                    let found = matcher.compare(by_id[&link.a], by_id[&link.b]);
                    prop_assert_eq!(found, Some((link.rule, link.score)));
                }
            }
            // Exact duplicates always end up together, whatever the blocks.
            for a in &records {
                for b in &records {
                    if a.id() < b.id() && a.emails().iter().any(|e| b.emails().contains(e)) {
                        prop_assert!(clusters.iter().any(|c| c.members.contains(&a.id()) && c.members.contains(&b.id())));
                    }
                }
            }
        }
    }
}
