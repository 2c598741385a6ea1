//! The account mapping: which ledger account each posting rule debits or
//! credits, and the base currency, recorded as events.

use std::collections::BTreeMap;

use bureau_core::{Aggregate, Currency, DomainEvent};
use bureau_hr::CostCentre;
use bureau_ledger::AccountId;
use bureau_sales::{ProductGroup, TaxCode};

use crate::{Error, MissingKey, Result, SourceEvent};

/// What a posting rule asks the mapping for: one role an account plays.
///
/// Keys that carry a value are mapped per value: revenue per product group,
/// tax payable per tax code, a bank account per currency, salary expense
/// per cost centre. A value without its own mapping is never sent to some
/// other account: the rule fails with [`Error::Missing`] naming the key.
///
/// ```
/// use bureau_core::Currency;
/// use bureau_flows::MappingKey;
/// use bureau_sales::ProductGroup;
///
/// assert_eq!(MappingKey::Bank(Currency::EUR).to_string(), "the bank account in EUR");
/// let hardware = MappingKey::Revenue(Some(ProductGroup::new("hardware")?));
/// assert_eq!(hardware.to_string(), "revenue of product group hardware");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MappingKey {
    /// Trade receivables: invoices open per customer party.
    Receivable,
    /// Revenue of the products of a group (`None`: products in no group).
    Revenue(Option<ProductGroup>),
    /// Tax payable under one tax code (one rate).
    TaxPayable(TaxCode),
    /// Down payments received: the net of down-payment invoices, held as a
    /// liability until the goods or services are delivered.
    DownPayments,
    /// Income from restocking fees kept back on returns.
    RestockingFees,
    /// Early-payment discounts granted to customers.
    EarlyPaymentDiscounts,
    /// The bank account that receives and pays out money in a currency.
    Bank(Currency),
    /// The ledger's conversion account, through which entries that mix
    /// currencies balance (the one `LedgerConfig::with_conversion_account`
    /// designates).
    Conversion,
    /// Realised exchange gains.
    RealisedFxGain,
    /// Realised exchange losses.
    RealisedFxLoss,
    /// Salary expense (gross pay) of a cost centre.
    SalaryExpense(CostCentre),
    /// The employer's contributions on pay.
    EmployerContributionExpense,
    /// Net pay owed to employees until it is paid.
    NetPayPayable,
    /// Income tax withheld from pay, owed to the tax authority.
    TaxWithheldPayable,
    /// Employee and employer contributions owed to the funds.
    ContributionsPayable,
    /// Other deductions from pay (before and after tax), owed to whoever
    /// they are for.
    DeductionsPayable,
    /// Pay the employees owe back: a shortfall carried forward to the next
    /// period, recovered when a later payslip carries it in.
    EmployeeShortfall,
    /// Expense claims paid back through payroll: debited with what a
    /// payslip's reimbursement lines pay (where the approved claims were
    /// credited, or the expense itself).
    ReimbursedExpenses,
    /// Sales commission expense.
    CommissionExpense,
    /// Sales commission owed to the sellers.
    CommissionPayable,
}

impl core::fmt::Display for MappingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Receivable => f.write_str("receivables"),
            Self::Revenue(Some(group)) => write!(f, "revenue of product group {group}"),
            Self::Revenue(None) => f.write_str("revenue of products in no group"),
            Self::TaxPayable(code) => write!(f, "tax payable under {code}"),
            Self::DownPayments => f.write_str("down payments received"),
            Self::RestockingFees => f.write_str("restocking fees"),
            Self::EarlyPaymentDiscounts => f.write_str("early-payment discounts"),
            Self::Bank(currency) => write!(f, "the bank account in {currency}"),
            Self::Conversion => f.write_str("currency conversion"),
            Self::RealisedFxGain => f.write_str("realised exchange gains"),
            Self::RealisedFxLoss => f.write_str("realised exchange losses"),
            Self::SalaryExpense(centre) => write!(f, "salary expense of cost centre {centre}"),
            Self::EmployerContributionExpense => f.write_str("employer contributions"),
            Self::NetPayPayable => f.write_str("net pay payable"),
            Self::TaxWithheldPayable => f.write_str("tax withheld payable"),
            Self::ContributionsPayable => f.write_str("contributions payable"),
            Self::DeductionsPayable => f.write_str("pay deductions payable"),
            Self::EmployeeShortfall => f.write_str("pay owed back by employees"),
            Self::ReimbursedExpenses => f.write_str("expenses reimbursed through payroll"),
            Self::CommissionExpense => f.write_str("commission expense"),
            Self::CommissionPayable => f.write_str("commission payable"),
        }
    }
}

/// What may be asked of an [`AccountMapping`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MappingCommand {
    /// Map `key` to `account` (replacing what it was mapped to).
    Map {
        /// The role.
        key: MappingKey,
        /// The account that plays it.
        account: AccountId,
    },
    /// Forget the account of `key`: rules needing it fail from now on.
    Unmap(MappingKey),
    /// Set the currency the books are kept in: documents in another
    /// currency are converted into it.
    SetBaseCurrency(Currency),
}

/// What happened to an [`AccountMapping`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MappingEvent {
    /// `key` is mapped to `account`.
    Mapped {
        /// The role.
        key: MappingKey,
        /// The account.
        account: AccountId,
    },
    /// `key` is mapped no more.
    Unmapped(MappingKey),
    /// The base currency is set.
    BaseCurrencySet(Currency),
}

impl DomainEvent for MappingEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Mapped { .. } => "account_mapped",
            Self::Unmapped(_) => "account_unmapped",
            Self::BaseCurrencySet(_) => "base_currency_set",
        }
    }
}

/// Which account each posting rule uses, and the base currency: an
/// [`Aggregate`] whose every change is an event, so that a mapping stored
/// and reloaded posts exactly as before (what posting rules are set up with
/// is part of their history).
///
/// Asking for what the mapping already holds records nothing. Forgetting a
/// key that is not mapped is [`Error::NotMapped`].
///
/// ```
/// use bureau_core::{Aggregate, Currency};
/// use bureau_flows::{AccountMapping, MappingCommand, MappingEvent, MappingKey};
/// use bureau_ledger::AccountId;
///
/// let mut mapping = AccountMapping::new();
/// let mut events = mapping.set_base_currency(Currency::EUR)?;
/// events.extend(mapping.map(MappingKey::Receivable, AccountId::from_u128(12))?);
/// assert_eq!(mapping.account(&MappingKey::Receivable), Some(AccountId::from_u128(12)));
/// // The same again records nothing.
/// assert!(mapping.map(MappingKey::Receivable, AccountId::from_u128(12))?.is_empty());
///
/// // A mapping rebuilt from its events is the same mapping.
/// let rebuilt = AccountMapping::from_events(&events)?;
/// assert_eq!(rebuilt, mapping);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountMapping {
    accounts: BTreeMap<MappingKey, AccountId>,
    base: Option<Currency>,
}

impl AccountMapping {
    /// A mapping with no account and no base currency.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The mapping `events` record, each checked as it is folded in.
    ///
    /// # Errors
    ///
    /// [`Error::ContradictoryMappingEvent`] for an event that does not fit
    /// the mapping before it.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a MappingEvent>) -> Result<Self> {
        let mut mapping = Self::new();
        for event in events {
            mapping.replay(event)?;
        }
        Ok(mapping)
    }

    /// Maps `key` to `account`; returns the events to store (none when it
    /// is mapped so already).
    ///
    /// # Errors
    ///
    /// None today; the signature leaves room for checks.
    pub fn map(&mut self, key: MappingKey, account: AccountId) -> Result<Vec<MappingEvent>> {
        self.handle(&MappingCommand::Map { key, account })
    }

    /// Sets the base currency; returns the events to store (none when it is
    /// that already).
    ///
    /// # Errors
    ///
    /// None today; the signature leaves room for checks.
    pub fn set_base_currency(&mut self, currency: Currency) -> Result<Vec<MappingEvent>> {
        self.handle(&MappingCommand::SetBaseCurrency(currency))
    }

    /// The account mapped for `key`, if any.
    #[must_use]
    pub fn account(&self, key: &MappingKey) -> Option<AccountId> {
        self.accounts.get(key).copied()
    }

    /// Every mapped key with its account, in key order.
    pub fn accounts(&self) -> impl Iterator<Item = (&MappingKey, AccountId)> {
        self.accounts.iter().map(|(key, account)| (key, *account))
    }

    /// The base currency, if set.
    #[must_use]
    pub const fn base_currency(&self) -> Option<Currency> {
        self.base
    }

    /// The account for `key`, or the error naming `event` and the key.
    pub(crate) fn require(&self, key: MappingKey, event: &SourceEvent) -> Result<AccountId> {
        match self.accounts.get(&key) {
            Some(account) => Ok(*account),
            None => Err(Error::Missing {
                event: event.clone(),
                key: MissingKey::Account(key),
            }),
        }
    }

    /// The base currency, or the error naming `event`.
    pub(crate) fn require_base(&self, event: &SourceEvent) -> Result<Currency> {
        self.base.ok_or_else(|| Error::Missing {
            event: event.clone(),
            key: MissingKey::BaseCurrency,
        })
    }
}

impl Aggregate for AccountMapping {
    type Command = MappingCommand;
    type Event = MappingEvent;
    type Error = Error;

    fn decide(&self, command: &MappingCommand) -> Result<Vec<MappingEvent>> {
        Ok(match command {
            MappingCommand::Map { key, account } => {
                if self.accounts.get(key) == Some(account) {
                    Vec::new()
                } else {
                    vec![MappingEvent::Mapped {
                        key: key.clone(),
                        account: *account,
                    }]
                }
            }
            MappingCommand::Unmap(key) => {
                if !self.accounts.contains_key(key) {
                    return Err(Error::NotMapped { key: key.clone() });
                }
                vec![MappingEvent::Unmapped(key.clone())]
            }
            MappingCommand::SetBaseCurrency(currency) => {
                if self.base == Some(*currency) {
                    Vec::new()
                } else {
                    vec![MappingEvent::BaseCurrencySet(*currency)]
                }
            }
        })
    }

    fn apply(&mut self, event: &MappingEvent) {
        match event {
            MappingEvent::Mapped { key, account } => {
                self.accounts.insert(key.clone(), *account);
            }
            MappingEvent::Unmapped(key) => {
                self.accounts.remove(key);
            }
            MappingEvent::BaseCurrencySet(currency) => self.base = Some(*currency),
        }
    }

    /// A stored `Unmapped` of a key the mapping does not hold would be
    /// passed over by `apply`: it is reported instead.
    fn replay(&mut self, event: &MappingEvent) -> Result<()> {
        if let MappingEvent::Unmapped(key) = event
            && !self.accounts.contains_key(key)
        {
            return Err(Error::ContradictoryMappingEvent {
                event: event.event_type(),
                reason: format!("no account is mapped for {key}"),
            });
        }
        self.apply(event);
        Ok(())
    }
}
