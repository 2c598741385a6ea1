//! Personal data that must not leak into logs.

use core::fmt;

use chrono::NaiveDate;

use crate::{BankAccount, NationalId};

/// A value kept out of `Debug` output: formatting it with `{:?}` prints
/// `<redacted>`, so logging an employee, a command or an event never writes
/// a salary, a national id or a bank account. Reading the value is explicit
/// ([`Sensitive::expose`]). Serialized, it is the plain value: storage is
/// the caller's to protect.
///
/// ```
/// use bureau_hr::Sensitive;
/// let secret = Sensitive::new(85_000);
/// assert_eq!(format!("{secret:?}"), "<redacted>");
/// assert_eq!(*secret.expose(), 85_000);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value, for code that has a reason to read it.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// The value, unwrapped.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

/// The personal data an employer keeps about an employee beyond name and
/// work email: as little as payroll needs, every field optional and
/// [`Sensitive`].
///
/// ```
/// use bureau_hr::{NationalId, PersonalData};
/// use chrono::NaiveDate;
/// let data = PersonalData::new()
///     .national_id(NationalId::new("123-45-6789")?)
///     .birth_date(NaiveDate::from_ymd_opt(1990, 4, 1).ok_or("date")?);
/// assert!(!format!("{data:?}").contains("6789"));
/// assert!(!format!("{data:?}").contains("1990"));
/// assert_eq!(data.national_id_value().map(|id| id.as_str()), Some("123-45-6789"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PersonalData {
    national_id: Option<Sensitive<NationalId>>,
    birth_date: Option<Sensitive<NaiveDate>>,
    bank_account: Option<Sensitive<BankAccount>>,
}

impl PersonalData {
    /// No personal data.
    pub fn new() -> Self {
        Self::default()
    }

    /// With the national id.
    pub fn national_id(mut self, id: NationalId) -> Self {
        self.national_id = Some(Sensitive::new(id));
        self
    }

    /// With the birth date.
    pub fn birth_date(mut self, date: NaiveDate) -> Self {
        self.birth_date = Some(Sensitive::new(date));
        self
    }

    /// With the bank account salary is paid into.
    pub fn bank_account(mut self, account: BankAccount) -> Self {
        self.bank_account = Some(Sensitive::new(account));
        self
    }

    /// The national id, exposed.
    pub fn national_id_value(&self) -> Option<&NationalId> {
        self.national_id.as_ref().map(Sensitive::expose)
    }

    /// The birth date, exposed.
    pub fn birth_date_value(&self) -> Option<NaiveDate> {
        self.birth_date.map(Sensitive::into_inner)
    }

    /// The bank account, exposed.
    pub fn bank_account_value(&self) -> Option<&BankAccount> {
        self.bank_account.as_ref().map(Sensitive::expose)
    }
}
