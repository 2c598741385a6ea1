//! Typed identifiers: one type per kind of entity, so that an employee id can
//! never be passed where a party id is expected.

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use core::str::FromStr;

use uuid::Uuid;

use crate::Error;

/// The kind of entity an [`Id`] names.
///
/// Implemented by a marker type per entity. Domain crates implement it for their
/// own entities (`impl IdKind for Account`) and name the id `Id<Account>`.
///
/// # Examples
///
/// ```
/// use bureau_core::{Id, IdKind};
///
/// #[derive(Debug)]
/// enum Invoice {}
/// impl IdKind for Invoice {
///     const NAME: &'static str = "invoice";
/// }
///
/// let id: Id<Invoice> = "0190f3a4-5b6c-7d8e-9f00-112233445566".parse()?;
/// assert_eq!(id.to_string(), "0190f3a4-5b6c-7d8e-9f00-112233445566");
/// # Ok::<(), bureau_core::Error>(())
/// ```
pub trait IdKind {
    /// Lowercase name of the entity, used in error messages (`"party"`).
    const NAME: &'static str;
}

/// The identifier of one entity of kind `K`, a UUID underneath.
///
/// Displayed, parsed and serialized as the hyphenated lowercase UUID string.
/// Ordered and hashed by its UUID, so ids sort the same way everywhere.
/// Rules never create ids: callers pass them in. With the `ids` feature,
/// [`Id::generate`] draws a fresh time-ordered UUID v7 for callers that need one.
///
/// # Examples
///
/// ```
/// use bureau_core::PartyId;
///
/// let id = PartyId::from_u128(0x0190_f3a4_5b6c_7d8e_9f00_1122_3344_5566);
/// let parsed: PartyId = id.to_string().parse()?;
/// assert_eq!(parsed, id);
/// # Ok::<(), bureau_core::Error>(())
/// ```
pub struct Id<K> {
    uuid: Uuid,
    kind: PhantomData<fn() -> K>,
}

impl<K> Id<K> {
    /// Wraps an existing UUID.
    ///
    /// ```
    /// use bureau_core::EmployeeId;
    /// use uuid::Uuid;
    ///
    /// let id = EmployeeId::from_uuid(Uuid::nil());
    /// assert_eq!(id.as_uuid(), &Uuid::nil());
    /// ```
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self {
            uuid,
            kind: PhantomData,
        }
    }

    /// An id from the 128 bits of a UUID; handy for fixed ids in tests and examples.
    ///
    /// ```
    /// use bureau_core::TicketId;
    ///
    /// let id = TicketId::from_u128(1);
    /// assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000001");
    /// ```
    pub const fn from_u128(bits: u128) -> Self {
        Self::from_uuid(Uuid::from_u128(bits))
    }

    /// The UUID underneath.
    ///
    /// ```
    /// use bureau_core::UserId;
    ///
    /// assert_eq!(UserId::from_u128(7).as_uuid().as_u128(), 7);
    /// ```
    pub const fn as_uuid(&self) -> &Uuid {
        &self.uuid
    }

    /// A fresh, time-ordered UUID v7 id, drawn from the system clock and random
    /// source. Only for callers: the rules of bureau never call it.
    ///
    /// ```
    /// use bureau_core::ProductId;
    ///
    /// assert_ne!(ProductId::generate(), ProductId::generate());
    /// ```
    #[cfg(feature = "ids")]
    pub fn generate() -> Self {
        Self::from_uuid(Uuid::now_v7())
    }
}

impl<K: IdKind> Id<K> {
    /// Parses the hyphenated (or simple, braced, urn) form of a UUID.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidId`] naming the kind of id and the input.
    ///
    /// ```
    /// use bureau_core::PartyId;
    ///
    /// let err = PartyId::parse("not-a-uuid").unwrap_err();
    /// assert_eq!(err.to_string(), r#"invalid party id "not-a-uuid""#);
    /// ```
    pub fn parse(input: &str) -> Result<Self, Error> {
        Uuid::try_parse(input)
            .map(Self::from_uuid)
            .map_err(|_| Error::InvalidId {
                kind: K::NAME,
                input: input.to_owned(),
            })
    }
}

// Manual impls: derives would demand the same traits of the marker `K`.
impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Id<K> {}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.uuid == other.uuid
    }
}
impl<K> Eq for Id<K> {}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.uuid.cmp(&other.uuid)
    }
}
impl<K> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.uuid.hash(state);
    }
}
impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", K::NAME, self.uuid.hyphenated())
    }
}
impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.uuid.hyphenated(), f)
    }
}
impl<K: IdKind> FromStr for Id<K> {
    type Err = Error;
    fn from_str(input: &str) -> Result<Self, Error> {
        Self::parse(input)
    }
}
impl<K> From<Uuid> for Id<K> {
    fn from(uuid: Uuid) -> Self {
        Self::from_uuid(uuid)
    }
}
impl<K> From<Id<K>> for Uuid {
    fn from(id: Id<K>) -> Self {
        id.uuid
    }
}

#[cfg(feature = "serde")]
impl<K> serde::Serialize for Id<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.uuid.hyphenated())
    }
}

#[cfg(feature = "serde")]
impl<'de, K: IdKind> serde::Deserialize<'de> for Id<K> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Marker types for the ids that cross domains.
///
/// They have no values; they only tell ids apart at compile time.
///
/// ```
/// use bureau_core::{Id, IdKind, kind};
/// assert_eq!(<kind::Party as IdKind>::NAME, "party");
/// let id: Id<kind::Employee> = Id::from_u128(3);
/// assert_eq!(id.as_uuid().as_u128(), 3);
/// ```
pub mod kind {
    use super::IdKind;

    /// A customer, contact or organization: anyone the company deals with.
    #[derive(Debug)]
    pub enum Party {}
    /// A person employed by the company.
    #[derive(Debug)]
    pub enum Employee {}
    /// Something the company sells.
    #[derive(Debug)]
    pub enum Product {}
    /// A support ticket or case.
    #[derive(Debug)]
    pub enum Ticket {}
    /// A person who uses the system (agent, bookkeeper, manager).
    #[derive(Debug)]
    pub enum User {}

    impl IdKind for Party {
        const NAME: &'static str = "party";
    }
    impl IdKind for Employee {
        const NAME: &'static str = "employee";
    }
    impl IdKind for Product {
        const NAME: &'static str = "product";
    }
    impl IdKind for Ticket {
        const NAME: &'static str = "ticket";
    }
    impl IdKind for User {
        const NAME: &'static str = "user";
    }
}

/// A customer, contact or organization, shared by crm, sales and the ledger's
/// receivables and payables.
///
/// ```
/// use bureau_core::{EmployeeId, PartyId};
/// let customer = PartyId::from_u128(42);
/// // let wrong: EmployeeId = customer; // does not compile: ids of different kinds never mix
/// assert_eq!(format!("{customer:?}"), "party(00000000-0000-0000-0000-00000000002a)");
/// # let _ = EmployeeId::from_u128(1);
/// ```
pub type PartyId = Id<kind::Party>;
/// An employee, shared by hr and the payroll postings.
///
/// ```
/// use bureau_core::EmployeeId;
/// assert!("00000000-0000-0000-0000-000000000001".parse::<EmployeeId>().is_ok());
/// ```
pub type EmployeeId = Id<kind::Employee>;
/// A product, shared by sales and the ledger's revenue postings.
///
/// ```
/// use bureau_core::ProductId;
/// assert_eq!(ProductId::from_u128(1) < ProductId::from_u128(2), true);
/// ```
pub type ProductId = Id<kind::Product>;
/// A support ticket, shared by crm and sla.
///
/// ```
/// use bureau_core::TicketId;
/// let err = "ticket-1".parse::<TicketId>().unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid ticket id "ticket-1""#);
/// ```
pub type TicketId = Id<kind::Ticket>;
/// A user of the system: the actor of a command, an agent, an approver.
///
/// ```
/// use bureau_core::UserId;
/// use std::collections::HashSet;
/// let agents: HashSet<UserId> = [UserId::from_u128(1), UserId::from_u128(1)].into();
/// assert_eq!(agents.len(), 1);
/// ```
pub type UserId = Id<kind::User>;
