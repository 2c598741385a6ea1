//! Posting rule of commission statements: the commission a seller earned in
//! a period, accrued as expense and owed to them.

use bureau_core::ExchangeRate;
use bureau_ledger::{EntryId, JournalEntry};
use bureau_sales::CommissionStatement;
use chrono::NaiveDate;

use crate::legs::{LegSpec, Legs, conversion_rate};
use crate::{AccountMapping, MappingKey, Result, SourceEvent};

/// The accrual of a seller's commission statement on `on` (typically the
/// last day of its period): debit [`MappingKey::CommissionExpense`], credit
/// [`MappingKey::CommissionPayable`] with the statement's commission. A
/// statement whose clawbacks exceed its credits (a negative commission)
/// reverses the sides, so posting every statement of a seller leaves the
/// payable at what the seller is owed.
///
/// A plan in another currency than the mapping's base keeps the payable in
/// the plan's currency (the seller is paid in it) and converts the expense
/// at `rate` (either way round) through [`MappingKey::Conversion`].
///
/// # Errors
///
/// [`Error::NothingToPost`](crate::Error::NothingToPost) for a statement of
/// zero; [`Error::Missing`](crate::Error::Missing) naming the statement and
/// the missing account, base currency or rate.
///
/// ```
/// use bureau_core::{money, Currency, EmployeeId, Percent, Period};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_flows::{commission_entry, AccountMapping, MappingKey};
/// use bureau_ledger::{AccountId, EntryId};
/// use bureau_sales::{commission_statement, CommissionPlan, CreditShare, CreditedSale, SaleEventKind, SaleReference};
///
/// let ann = EmployeeId::from_u128(1);
/// let q2 = Period::quarter(2026, 2)?;
/// let sale = CreditedSale::new(SaleReference::new("INV-1")?, SaleEventKind::Invoiced,
///     money!(10000.00 EUR), NaiveDate::from_ymd_opt(2026, 4, 10).ok_or("date")?,
///     [CreditShare::new(ann, Percent::new(100.into()))])?;
/// let plan = CommissionPlan::flat(money!(0.00 EUR), Percent::new(5.into()))?;
/// let statement = commission_statement(&plan, ann, q2, None, [&sale])?;
///
/// let mut mapping = AccountMapping::new();
/// mapping.set_base_currency(Currency::EUR)?;
/// mapping.map(MappingKey::CommissionExpense, AccountId::from_u128(6300))?;
/// mapping.map(MappingKey::CommissionPayable, AccountId::from_u128(2300))?;
/// let end_of_q2 = q2.range().last_day().ok_or("day")?;
/// let entry = commission_entry(&mapping, &statement, EntryId::from_u128(1), end_of_q2, None)?;
/// assert_eq!(entry.postings().len(), 2);
/// assert_eq!(entry.postings()[0].amount(), money!(500.00 EUR));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn commission_entry(
    mapping: &AccountMapping,
    statement: &CommissionStatement,
    entry: EntryId,
    on: NaiveDate,
    rate: Option<ExchangeRate>,
) -> Result<JournalEntry> {
    let event = SourceEvent::CommissionStatement {
        owner: statement.owner,
        period: statement.period,
    };
    let commission = statement.commission;
    let rate = conversion_rate(mapping, commission.currency(), rate, &event)?;
    let mut legs = Legs::new(mapping, event);
    legs.debit(LegSpec::new(MappingKey::CommissionExpense, commission))?;
    legs.credit(LegSpec::new(MappingKey::CommissionPayable, commission).kept())?;
    if let Some(rate) = rate {
        legs.convert(rate, bureau_core::RoundingStrategy::MidpointNearestEven)?;
    }
    let owner = statement.owner.to_string();
    let period = statement.period.to_string();
    legs.into_entry(
        entry,
        on,
        &format!("commission of {owner} for {period}"),
        &[
            ("seller", owner.as_str()),
            ("commission_period", period.as_str()),
        ],
    )
}
