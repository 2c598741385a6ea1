//! What a book is set up with: its fiscal calendar and its conversion account.

use bureau_core::FiscalCalendar;

use crate::AccountId;

/// The settings of a [`Ledger`](crate::Ledger), recorded in its history as a
/// [`LedgerEvent::Configured`](crate::LedgerEvent::Configured) event so that a
/// book stored and reloaded is configured exactly as it was.
///
/// A new ledger is on the calendar year without a conversion account.
/// [`Ledger::configure`](crate::Ledger::configure) (or
/// [`LedgerCommand::Configure`](crate::LedgerCommand::Configure)) changes the
/// settings under these rules:
///
/// - While the book holds no entry (posted or pending), every setting may
///   change, as often as wanted.
/// - Afterwards the fiscal calendar is fixed (the years already booked, and
///   any year-end close, depend on it), and a conversion account may be
///   designated where none was, but not replaced (its positions are what
///   revaluation values). Anything else is refused with
///   [`Error::ConfigurationLocked`](crate::Error::ConfigurationLocked).
/// - Asking for the settings the book already has records nothing.
///
/// # Examples
///
/// ```
/// use bureau_core::{Aggregate, FiscalCalendar, FiscalYearNaming};
/// use bureau_ledger::{AccountId, Ledger, LedgerConfig, LedgerEvent};
///
/// let april = FiscalCalendar::new(4, FiscalYearNaming::StartYear)?;
/// let config = LedgerConfig::new()
///     .with_fiscal_calendar(april)
///     .with_conversion_account(AccountId::from_u128(99));
/// let mut ledger = Ledger::new();
/// let events = ledger.configure(config)?;
/// assert_eq!(events, vec![LedgerEvent::Configured(config)]);
/// assert_eq!(ledger.calendar(), april);
///
/// // A book rebuilt from its events has the same settings.
/// let mut replayed = Ledger::new();
/// for event in &events {
///     replayed.replay(event)?;
/// }
/// assert_eq!(replayed, ledger);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LedgerConfig {
    fiscal_calendar: FiscalCalendar,
    conversion_account: Option<AccountId>,
}

impl LedgerConfig {
    /// The settings of a new ledger: the calendar year, no conversion account.
    ///
    /// ```
    /// use bureau_ledger::LedgerConfig;
    ///
    /// assert_eq!(LedgerConfig::new().conversion_account(), None);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            fiscal_calendar: FiscalCalendar::CALENDAR_YEAR,
            conversion_account: None,
        }
    }

    /// The same settings on another fiscal calendar (which year-end close
    /// and fiscal periods follow).
    ///
    /// ```
    /// use bureau_core::{FiscalCalendar, FiscalYearNaming};
    /// use bureau_ledger::LedgerConfig;
    ///
    /// let july = FiscalCalendar::new(7, FiscalYearNaming::EndYear)?;
    /// assert_eq!(LedgerConfig::new().with_fiscal_calendar(july).fiscal_calendar(), july);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn with_fiscal_calendar(mut self, calendar: FiscalCalendar) -> Self {
        self.fiscal_calendar = calendar;
        self
    }

    /// The same settings with a designated conversion account: every entry
    /// that mixes currencies must post to it in each of its currencies, and
    /// revaluation values its positions. The account need not be open yet.
    ///
    /// ```
    /// use bureau_ledger::{AccountId, LedgerConfig};
    ///
    /// let fx = AccountId::from_u128(99);
    /// assert_eq!(LedgerConfig::new().with_conversion_account(fx).conversion_account(), Some(fx));
    /// ```
    #[must_use]
    pub const fn with_conversion_account(mut self, account: AccountId) -> Self {
        self.conversion_account = Some(account);
        self
    }

    /// The fiscal calendar.
    #[must_use]
    pub const fn fiscal_calendar(&self) -> FiscalCalendar {
        self.fiscal_calendar
    }

    /// The designated conversion account, if any.
    #[must_use]
    pub const fn conversion_account(&self) -> Option<AccountId> {
        self.conversion_account
    }
}

impl Default for LedgerConfig {
    fn default() -> Self {
        Self::new()
    }
}
