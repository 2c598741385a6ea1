//! The chart of accounts: what an account is, which side it normally sits on,
//! which currencies it accepts and which limit it keeps.

use core::fmt;

use bureau_core::{Currency, Id, IdKind};
use chrono::NaiveDate;

use crate::{AccountName, Error, Result};

/// The id of an [`Account`].
pub type AccountId = Id<Account>;

/// The side of a posting, or the side on which an account normally carries
/// its balance.
///
/// ```
/// use bureau_ledger::Side;
///
/// assert_eq!(Side::Debit.opposite(), Side::Credit);
/// assert_eq!(Side::Credit.to_string(), "credit");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Side {
    /// The left side: increases assets and expenses.
    Debit,
    /// The right side: increases liabilities, equity and income.
    Credit,
}

impl Side {
    /// The other side.
    ///
    /// ```
    /// use bureau_ledger::Side;
    ///
    /// assert_eq!(Side::Credit.opposite(), Side::Debit);
    /// ```
    #[must_use]
    pub const fn opposite(self) -> Self {
        match self {
            Self::Debit => Self::Credit,
            Self::Credit => Self::Debit,
        }
    }

    pub(crate) const fn code(self) -> u8 {
        match self {
            Self::Debit => 0,
            Self::Credit => 1,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Debit => "debit",
            Self::Credit => "credit",
        })
    }
}

/// The five classes of the accounting equation.
///
/// ```
/// use bureau_ledger::{AccountClass, Side};
///
/// assert_eq!(AccountClass::Asset.normal_side(), Side::Debit);
/// assert!(AccountClass::Income.is_profit_and_loss());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AccountClass {
    /// What the company owns or is owed.
    Asset,
    /// What the company owes.
    Liability,
    /// The owners' stake, including retained earnings.
    Equity,
    /// Revenue and other gains.
    Income,
    /// Costs and other losses.
    Expense,
}

impl AccountClass {
    /// The side on which accounts of this class normally carry their balance.
    ///
    /// ```
    /// use bureau_ledger::{AccountClass, Side};
    ///
    /// assert_eq!(AccountClass::Liability.normal_side(), Side::Credit);
    /// ```
    pub const fn normal_side(self) -> Side {
        match self {
            Self::Asset | Self::Expense => Side::Debit,
            Self::Liability | Self::Equity | Self::Income => Side::Credit,
        }
    }

    /// Whether the class belongs to the income statement (income or expense)
    /// rather than the balance sheet.
    ///
    /// ```
    /// use bureau_ledger::AccountClass;
    ///
    /// assert!(!AccountClass::Equity.is_profit_and_loss());
    /// ```
    pub const fn is_profit_and_loss(self) -> bool {
        matches!(self, Self::Income | Self::Expense)
    }
}

impl fmt::Display for AccountClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Asset => "asset",
            Self::Liability => "liability",
            Self::Equity => "equity",
            Self::Income => "income",
            Self::Expense => "expense",
        })
    }
}

/// The kind of an account: its class, and whether it is a contra account that
/// offsets others of its class (accumulated depreciation, sales returns) and so
/// normally sits on the opposite side.
///
/// ```
/// use bureau_ledger::{AccountClass, AccountKind, Side};
///
/// let depreciation = AccountKind::contra(AccountClass::Asset);
/// assert_eq!(depreciation.normal_side(), Side::Credit);
/// assert_eq!(AccountKind::new(AccountClass::Asset).normal_side(), Side::Debit);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AccountKind {
    class: AccountClass,
    contra: bool,
}

impl AccountKind {
    /// An asset account.
    pub const ASSET: Self = Self::new(AccountClass::Asset);
    /// A liability account.
    pub const LIABILITY: Self = Self::new(AccountClass::Liability);
    /// An equity account.
    pub const EQUITY: Self = Self::new(AccountClass::Equity);
    /// An income account.
    pub const INCOME: Self = Self::new(AccountClass::Income);
    /// An expense account.
    pub const EXPENSE: Self = Self::new(AccountClass::Expense);

    /// A regular account of `class`.
    ///
    /// ```
    /// use bureau_ledger::{AccountClass, AccountKind};
    ///
    /// assert_eq!(AccountKind::new(AccountClass::Income), AccountKind::INCOME);
    /// ```
    pub const fn new(class: AccountClass) -> Self {
        Self {
            class,
            contra: false,
        }
    }

    /// A contra account of `class`: it offsets the class's other accounts.
    ///
    /// ```
    /// use bureau_ledger::{AccountClass, AccountKind};
    ///
    /// assert!(AccountKind::contra(AccountClass::Income).is_contra());
    /// ```
    pub const fn contra(class: AccountClass) -> Self {
        Self {
            class,
            contra: true,
        }
    }

    /// The class of the account.
    ///
    /// ```
    /// use bureau_ledger::{AccountClass, AccountKind};
    ///
    /// assert_eq!(AccountKind::EXPENSE.class(), AccountClass::Expense);
    /// ```
    pub const fn class(&self) -> AccountClass {
        self.class
    }

    /// Whether this is a contra account.
    ///
    /// ```
    /// use bureau_ledger::AccountKind;
    ///
    /// assert!(!AccountKind::ASSET.is_contra());
    /// ```
    pub const fn is_contra(&self) -> bool {
        self.contra
    }

    /// The side on which the account normally carries its balance: its class's
    /// side, reversed for a contra account.
    ///
    /// ```
    /// use bureau_ledger::{AccountKind, Side};
    ///
    /// assert_eq!(AccountKind::INCOME.normal_side(), Side::Credit);
    /// ```
    pub const fn normal_side(&self) -> Side {
        let side = self.class.normal_side();
        if self.contra { side.opposite() } else { side }
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.contra {
            write!(f, "contra {}", self.class)
        } else {
            write!(f, "{}", self.class)
        }
    }
}

/// Which currencies an account accepts.
///
/// ```
/// use bureau_ledger::CurrencyPolicy;
/// use bureau_core::Currency;
///
/// let usd = Currency::USD;
/// let eur = Currency::EUR;
/// assert!(CurrencyPolicy::Only(usd).allows(usd));
/// assert!(!CurrencyPolicy::Only(usd).allows(eur));
/// assert!(CurrencyPolicy::Any.allows(eur));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CurrencyPolicy {
    /// Every currency and commodity.
    #[default]
    Any,
    /// Exactly one currency.
    Only(Currency),
    /// Any currency of the list.
    List(Vec<Currency>),
}

impl CurrencyPolicy {
    /// Whether the policy accepts `currency`.
    ///
    /// ```
    /// use bureau_ledger::CurrencyPolicy;
    /// use bureau_core::Currency;
    ///
    /// let chf = Currency::CHF;
    /// assert!(CurrencyPolicy::List(vec![chf]).allows(chf));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allows(&self, currency: Currency) -> bool {
        match self {
            Self::Any => true,
            Self::Only(only) => *only == currency,
            Self::List(list) => list.contains(&currency),
        }
    }
}

/// A limit an account keeps on its own balance, counting pending amounts.
///
/// The pair follows the usual ledger-database design: a customer's wallet
/// (a liability of the company) must not go negative, so its debits must not
/// exceed its credits; a cash account must not be overdrawn, so its credits
/// must not exceed its debits.
///
/// ```
/// use bureau_ledger::BalanceLimit;
///
/// assert_eq!(BalanceLimit::default(), BalanceLimit::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum BalanceLimit {
    /// No limit.
    #[default]
    None,
    /// Posted plus pending debits must not exceed posted credits.
    DebitsMustNotExceedCredits,
    /// Posted plus pending credits must not exceed posted debits.
    CreditsMustNotExceedDebits,
}

/// An account code as the bookkeeper reads it (`1000`, `4000-10`).
///
/// Not empty, at most 32 characters, no whitespace or control characters.
///
/// ```
/// use bureau_ledger::AccountCode;
///
/// let code = AccountCode::new("4000")?;
/// assert_eq!(code.as_str(), "4000");
/// assert!(AccountCode::new("40 00").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct AccountCode(String);

impl AccountCode {
    /// The longest code accepted, in characters.
    pub const MAX_LEN: usize = 32;

    /// Validates and wraps a code.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAccountCode`] when the code is empty, too long or holds
    /// whitespace or control characters.
    ///
    /// ```
    /// use bureau_ledger::AccountCode;
    ///
    /// assert!(AccountCode::new("").is_err());
    /// ```
    pub fn new(code: impl Into<String>) -> Result<Self> {
        let code = code.into();
        if code.is_empty()
            || code.chars().count() > Self::MAX_LEN
            || code.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::InvalidAccountCode { code });
        }
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl core::str::FromStr for AccountCode {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Self::new(text)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for AccountCode {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::new(text).map_err(serde::de::Error::custom)
    }
}

/// Whether an account takes postings.
///
/// ```
/// use bureau_ledger::AccountStatus;
///
/// assert!(AccountStatus::Open.is_open());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AccountStatus {
    /// Takes postings dated on or after its opening date.
    Open,
    /// Closed on the given date; takes no more postings.
    Closed {
        /// The day the account was closed.
        on: NaiveDate,
    },
}

impl AccountStatus {
    /// Whether the account is open.
    ///
    /// ```
    /// use bureau_ledger::AccountStatus;
    /// use chrono::NaiveDate;
    ///
    /// let on = NaiveDate::from_ymd_opt(2026, 1, 31).ok_or("date")?;
    /// assert!(!AccountStatus::Closed { on }.is_open());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn is_open(&self) -> bool {
        matches!(self, Self::Open)
    }
}

/// One account of the chart: id, code, name, kind, optional parent for
/// roll-ups, accepted currencies, balance limit, opening date and status.
///
/// Built with [`Account::new`] and the builder methods, then opened in a
/// [`Ledger`](crate::Ledger).
///
/// ```
/// use bureau_ledger::{Account, AccountId, AccountKind, BalanceLimit, CurrencyPolicy};
/// use bureau_core::Currency;
/// use chrono::NaiveDate;
///
/// let opened = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
/// let cash = Account::new(AccountId::from_u128(1), "1000".parse()?, "Cash".parse()?, AccountKind::ASSET, opened)
///     .with_currencies(CurrencyPolicy::Only(Currency::USD))
///     .with_limit(BalanceLimit::CreditsMustNotExceedDebits);
/// assert_eq!(cash.to_string(), "1000 Cash");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Account {
    id: AccountId,
    code: AccountCode,
    name: AccountName,
    kind: AccountKind,
    parent: Option<AccountId>,
    currencies: CurrencyPolicy,
    limit: BalanceLimit,
    opened_on: NaiveDate,
    status: AccountStatus,
}

impl IdKind for Account {
    const NAME: &'static str = "account";
}

impl Account {
    /// A new open account with no parent, any currency and no limit.
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind};
    /// use chrono::NaiveDate;
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let sales = Account::new(AccountId::from_u128(4), "4000".parse()?, "Sales".parse()?, AccountKind::INCOME, day);
    /// assert_eq!(sales.name(), "Sales");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        id: AccountId,
        code: AccountCode,
        name: AccountName,
        kind: AccountKind,
        opened_on: NaiveDate,
    ) -> Self {
        Self {
            id,
            code,
            name,
            kind,
            parent: None,
            currencies: CurrencyPolicy::Any,
            limit: BalanceLimit::None,
            opened_on,
            status: AccountStatus::Open,
        }
    }

    /// The same account rolled up into `parent`.
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind};
    /// use chrono::NaiveDate;
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let bank = Account::new(AccountId::from_u128(2), "1010".parse()?, "Bank".parse()?, AccountKind::ASSET, day)
    ///     .with_parent(AccountId::from_u128(1));
    /// assert_eq!(bank.parent(), Some(AccountId::from_u128(1)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_parent(mut self, parent: AccountId) -> Self {
        self.parent = Some(parent);
        self
    }

    /// The same account accepting only the currencies of `policy`.
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, CurrencyPolicy};
    /// use bureau_core::Currency;
    /// use chrono::NaiveDate;
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let eur = Currency::EUR;
    /// let account = Account::new(AccountId::from_u128(2), "1020".parse()?, "Bank EUR".parse()?, AccountKind::ASSET, day)
    ///     .with_currencies(CurrencyPolicy::Only(eur));
    /// assert!(account.currencies().allows(eur));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_currencies(mut self, policy: CurrencyPolicy) -> Self {
        self.currencies = policy;
        self
    }

    /// The same account keeping `limit`.
    ///
    /// ```
    /// use bureau_ledger::{Account, AccountId, AccountKind, BalanceLimit};
    /// use chrono::NaiveDate;
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    /// let wallet = Account::new(AccountId::from_u128(9), "2100".parse()?, "Wallet".parse()?, AccountKind::LIABILITY, day)
    ///     .with_limit(BalanceLimit::DebitsMustNotExceedCredits);
    /// assert_eq!(wallet.limit(), BalanceLimit::DebitsMustNotExceedCredits);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_limit(mut self, limit: BalanceLimit) -> Self {
        self.limit = limit;
        self
    }

    /// The account's id.
    pub const fn id(&self) -> AccountId {
        self.id
    }

    /// The account's code.
    pub const fn code(&self) -> &AccountCode {
        &self.code
    }

    /// The account's name.
    pub const fn name(&self) -> &AccountName {
        &self.name
    }

    /// The account's kind.
    pub const fn kind(&self) -> AccountKind {
        self.kind
    }

    /// The parent the account rolls up into, if any.
    pub const fn parent(&self) -> Option<AccountId> {
        self.parent
    }

    /// The currencies the account accepts.
    pub const fn currencies(&self) -> &CurrencyPolicy {
        &self.currencies
    }

    /// The balance limit the account keeps.
    pub const fn limit(&self) -> BalanceLimit {
        self.limit
    }

    /// The first day the account takes postings.
    pub const fn opened_on(&self) -> NaiveDate {
        self.opened_on
    }

    /// Whether the account is open or closed.
    pub const fn status(&self) -> AccountStatus {
        self.status
    }

    pub(crate) fn close(&mut self, on: NaiveDate) {
        self.status = AccountStatus::Closed { on };
    }

    pub(crate) fn label(&self) -> AccountLabel {
        AccountLabel {
            code: self.code.clone(),
            name: self.name.clone(),
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// An account's code and name, as errors and reports show it (`4000 Sales`).
///
/// ```
/// use bureau_ledger::{AccountCode, AccountLabel};
///
/// let label = AccountLabel::new(AccountCode::new("4000")?, "Sales".parse()?);
/// assert_eq!(label.to_string(), "4000 Sales");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AccountLabel {
    /// The account's code.
    pub code: AccountCode,
    /// The account's name.
    pub name: AccountName,
}

impl AccountLabel {
    /// A label from a code and a name.
    ///
    /// ```
    /// use bureau_ledger::{AccountCode, AccountLabel};
    ///
    /// let label = AccountLabel::new(AccountCode::new("1000")?, "Cash".parse()?);
    /// assert_eq!(label.name, "Cash");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(code: AccountCode, name: AccountName) -> Self {
        Self { code, name }
    }
}

impl fmt::Display for AccountLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}
