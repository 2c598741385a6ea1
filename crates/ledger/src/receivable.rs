//! Receivables and payables: open items per party, and aging.
//!
//! A posting that names a party (see [`Posting::with_party`](crate::Posting::with_party))
//! on an account's normal side opens an item for that party: an invoice on a
//! receivable (asset) account, a bill on a payable (liability) account. A
//! posting for the same party on the other side settles the party's open
//! items in that currency: first the items of the entry it reverses, then by
//! due date, oldest first; so a payment may settle one item in full, part of
//! one, or several. What a settlement pays beyond the open items stays open
//! as a credit item (a prepayment), which later items consume first. The
//! reversal of a settlement (a payment, a [`ForeignSettlement`](crate::ForeignSettlement))
//! reopens the very items it settled, with their own dates, due dates and
//! booking rates; credits left open meanwhile then settle them again.
//!
//! Open items are derived from the posted entries dated up to the day asked
//! for, so they cost nothing when posting and are right for any past day.

use std::collections::BTreeMap;

use bureau_core::{Currency, Money, PartyId};
use chrono::NaiveDate;

use crate::balance::on_side;
use crate::{AccountId, EntryId, Ledger, Result, Side};

/// One party's open item on a receivable or payable account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OpenItem {
    /// The entry that opened it.
    pub entry: EntryId,
    /// The party.
    pub party: PartyId,
    /// The date of the entry that opened it.
    pub date: NaiveDate,
    /// When it falls due.
    pub due_on: NaiveDate,
    /// The amount it opened with, on the account's normal side (negative for
    /// a credit item).
    pub original: Money,
    /// What is still open, on the account's normal side.
    pub open: Money,
}

/// Open amounts by how long they are past due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AgingBuckets {
    /// Not yet due (and credit items).
    pub current: Money,
    /// 1 to 30 days past due.
    pub days_1_30: Money,
    /// 31 to 60 days past due.
    pub days_31_60: Money,
    /// 61 to 90 days past due.
    pub days_61_90: Money,
    /// More than 90 days past due.
    pub over_90: Money,
}

impl AgingBuckets {
    fn zero(currency: Currency) -> Self {
        let zero = Money::zero(currency);
        Self {
            current: zero,
            days_1_30: zero,
            days_31_60: zero,
            days_61_90: zero,
            over_90: zero,
        }
    }

    /// The sum of every bucket.
    ///
    /// # Errors
    ///
    /// An overflow.
    ///
    /// ```
    /// let (ledger, receivables) = bureau_ledger::fixtures::ledger_with_invoices()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    /// let aging = ledger.aging(receivables, day)?;
    /// assert_eq!(aging[0].buckets.total()?.to_string(), "700.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total(&self) -> Result<Money> {
        Ok(Money::checked_sum(
            [
                self.current,
                self.days_1_30,
                self.days_31_60,
                self.days_61_90,
                self.over_90,
            ],
            self.current.currency(),
        )?)
    }
}

/// One party's aging in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AgingLine {
    /// The party.
    pub party: PartyId,
    /// The currency.
    pub currency: Currency,
    /// Its open amounts by age.
    pub buckets: AgingBuckets,
}

/// An open item while it is being matched, in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) entry: EntryId,
    pub(crate) date: NaiveDate,
    pub(crate) due_on: NaiveDate,
    pub(crate) original: i128,
    pub(crate) open: i128,
}

/// One account's open items per party and currency, as they are matched.
pub(crate) type ItemBooks = BTreeMap<(PartyId, Currency), Vec<Item>>;

/// Applies `amount` (minor units, on the account's normal side) to the items
/// of the other sign: first those of the entry it reverses, then by due date,
/// oldest first. Returns each item settled with the portion settled (with
/// the item's sign) as its `open`, and what is left of `amount`; items
/// settled in full leave the list.
pub(crate) fn settle_items(
    items: &mut Vec<Item>,
    amount: i128,
    reverses: Option<EntryId>,
) -> (Vec<Item>, i128) {
    let mut rest = amount;
    let mut portions = Vec::new();
    // A stable sort: items with equal keys keep their posting order.
    items.sort_by_key(|item| (Some(item.entry) != reverses, item.due_on, item.date));
    for item in items.iter_mut() {
        if rest == 0 {
            break;
        }
        if item.open.signum() == rest.signum() || item.open == 0 {
            continue;
        }
        // `applied` lies between 0 and `item.open`, and has the sign opposite
        // to `rest`, so neither subtraction nor addition can leave the range.
        let applied = if rest.saturating_abs() < item.open.saturating_abs() {
            rest.saturating_neg()
        } else {
            item.open
        };
        item.open = item.open.saturating_sub(applied);
        rest = rest.saturating_add(applied);
        portions.push(Item {
            open: applied,
            ..*item
        });
    }
    items.retain(|item| item.open != 0);
    (portions, rest)
}

/// Reopens the `portions` an entry settled (as [`settle_items`] returned
/// them) with `amount`, what its reversal brings back: each item as it was
/// (its entry, dates and original amount), so its aging and, for a foreign
/// item, its booking rate stay its own. Returns what is left of `amount`.
fn reopen_items(items: &mut Vec<Item>, portions: &[Item], amount: i128) -> i128 {
    let mut rest = amount;
    for portion in portions {
        if rest == 0 || portion.open.signum() != rest.signum() {
            break;
        }
        // `back` has the sign of `rest` and is no larger: `rest` shrinks
        // toward zero.
        let back = if portion.open.saturating_abs() <= rest.saturating_abs() {
            portion.open
        } else {
            rest
        };
        rest = rest.saturating_sub(back);
        match items
            .iter_mut()
            .find(|item| item.entry == portion.entry && item.due_on == portion.due_on)
        {
            Some(item) => item.open = item.open.saturating_add(back),
            None => items.push(Item {
                open: back,
                ..*portion
            }),
        }
    }
    rest
}

impl Ledger {
    /// The open items of `account` at the end of `as_of`, per party and
    /// currency, and the account's normal side.
    pub(crate) fn item_books(
        &self,
        account: AccountId,
        as_of: NaiveDate,
    ) -> Result<(Side, ItemBooks)> {
        let slot = self.slot_or_err(account)?;
        let side = slot.account.kind().normal_side();
        let mut touching: Vec<(NaiveDate, usize)> = slot
            .entries
            .iter()
            .filter_map(|&at| {
                let at = at as usize;
                self.posted_at(at)
                    .filter(|p| p.entry.date() <= as_of)
                    .map(|p| (p.entry.date(), at))
            })
            .collect();
        touching.sort_unstable();
        let mut books = ItemBooks::new();
        // What each entry settled, so that its reversal reopens those items.
        let mut settled: BTreeMap<(EntryId, PartyId, Currency), Vec<Item>> = BTreeMap::new();
        for (_, at) in touching {
            let Some(posted) = self.posted_at(at) else {
                continue;
            };
            let entry = &posted.entry;
            for posting in entry.postings() {
                let Some(party) = posting.party() else {
                    continue;
                };
                if posting.account() != account {
                    continue;
                }
                let currency = posting.amount().currency();
                let items = books.entry((party, currency)).or_default();
                let mut amount = on_side(posting.signed_minor(), side);
                if let Some(original) = entry.reverses()
                    && let Some(portions) = settled.remove(&(original, party, currency))
                {
                    let sign = amount.signum();
                    amount = reopen_items(items, &portions, amount);
                    // Items of the other sign left open meanwhile (a later
                    // payment that found the items settled) now settle the
                    // reopened items, as they would have: a party's items
                    // never mix signs. The original's own such items (what it
                    // paid beyond the items) are what is left of `amount`
                    // to take back, below.
                    let (others, same): (Vec<Item>, Vec<Item>) = items
                        .iter()
                        .partition(|item| item.open.signum() == -sign && item.entry != original);
                    *items = same;
                    for other in others {
                        let (portions, rest) = settle_items(items, other.open, None);
                        if !portions.is_empty() {
                            settled
                                .entry((other.entry, party, currency))
                                .or_default()
                                .extend(portions);
                        }
                        if rest != 0 {
                            items.push(Item {
                                open: rest,
                                ..other
                            });
                        }
                    }
                }
                let (portions, rest) = settle_items(items, amount, entry.reverses());
                if !portions.is_empty() {
                    settled
                        .entry((entry.id(), party, currency))
                        .or_default()
                        .extend(portions);
                }
                if rest != 0 {
                    items.push(Item {
                        entry: entry.id(),
                        date: entry.date(),
                        due_on: posting.due_date().unwrap_or(entry.date()),
                        original: rest,
                        open: rest,
                    });
                }
            }
        }
        Ok((side, books))
    }

    /// Every open item of `account` at the end of `as_of`, by party, then
    /// currency, then due date.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`](crate::Error::UnknownAccount), or an overflow.
    ///
    /// ```
    /// let (ledger, receivables) = bureau_ledger::fixtures::ledger_with_invoices()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    /// let items = ledger.open_items(receivables, day)?;
    /// // Invoices of 500 and 400, then a payment of 200 settled the older one in part.
    /// let open: Vec<String> = items.iter().map(|i| i.open.to_string()).collect();
    /// assert_eq!(open, ["300.00 USD", "400.00 USD"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_items(&self, account: AccountId, as_of: NaiveDate) -> Result<Vec<OpenItem>> {
        let (_, books) = self.item_books(account, as_of)?;
        let mut open = Vec::new();
        for ((party, currency), mut items) in books {
            items.sort_by_key(|item| (item.due_on, item.date));
            for item in items {
                open.push(OpenItem {
                    entry: item.entry,
                    party,
                    date: item.date,
                    due_on: item.due_on,
                    original: Money::from_minor(item.original, currency)?,
                    open: Money::from_minor(item.open, currency)?,
                });
            }
        }
        Ok(open)
    }

    /// The aging of `account`'s open items at the end of `as_of`: one line per
    /// party and currency, with buckets current (not yet due), 1-30, 31-60,
    /// 61-90 and over 90 days past due.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownAccount`](crate::Error::UnknownAccount), or an overflow.
    ///
    /// ```
    /// let (ledger, receivables) = bureau_ledger::fixtures::ledger_with_invoices()?;
    /// // Invoice of 500 due 2026-04-15 (300 left, 76 days late), 400 due 2026-05-31 (30 days).
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    /// let line = ledger.aging(receivables, day)?[0];
    /// assert_eq!(line.buckets.days_61_90.to_string(), "300.00 USD");
    /// assert_eq!(line.buckets.days_1_30.to_string(), "400.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn aging(&self, account: AccountId, as_of: NaiveDate) -> Result<Vec<AgingLine>> {
        let mut lines: Vec<AgingLine> = Vec::new();
        for item in self.open_items(account, as_of)? {
            let currency = item.open.currency();
            let index = match lines
                .iter()
                .position(|l| l.party == item.party && l.currency == currency)
            {
                Some(index) => index,
                None => {
                    lines.push(AgingLine {
                        party: item.party,
                        currency,
                        buckets: AgingBuckets::zero(currency),
                    });
                    lines.len() - 1
                }
            };
            let Some(line) = lines.get_mut(index) else {
                continue;
            };
            let late = as_of.signed_duration_since(item.due_on).num_days();
            let bucket = match late {
                _ if item.open.is_negative() => &mut line.buckets.current,
                ..=0 => &mut line.buckets.current,
                1..=30 => &mut line.buckets.days_1_30,
                31..=60 => &mut line.buckets.days_31_60,
                61..=90 => &mut line.buckets.days_61_90,
                _ => &mut line.buckets.over_90,
            };
            *bucket = bucket.checked_add(item.open)?;
        }
        Ok(lines)
    }
}
