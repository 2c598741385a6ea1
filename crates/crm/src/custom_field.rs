//! Custom fields: a schema of typed fields (text, number, date, choice) and
//! the values a party holds for them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::text::{FieldKey, FieldText};
use crate::{Error, Result};

/// The type of a custom field.
///
/// ```
/// use bureau_crm::{FieldKind, FieldText};
///
/// let size = FieldKind::Choice(vec![FieldText::new("small")?, FieldText::new("large")?]);
/// assert_eq!(size.name(), "choice");
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FieldKind {
    /// Free text.
    Text,
    /// An exact decimal number.
    Number,
    /// A calendar day.
    Date,
    /// One of the listed values (compared exactly).
    Choice(Vec<FieldText>),
}

impl FieldKind {
    /// The kind's name in messages: `text`, `number`, `date`, `choice`.
    ///
    /// ```
    /// assert_eq!(bureau_crm::FieldKind::Date.name(), "date");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Choice(_) => "choice",
        }
    }
}

/// Whether a field holds personal data: exported with a person's data and
/// blanked when it is erased.
///
/// ```
/// use bureau_crm::Sensitivity;
/// assert!(Sensitivity::Personal.is_personal());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Sensitivity {
    /// About the business relationship, kept after erasure (industry, tier).
    Business,
    /// About the person (birthday, personal interests), erased with them.
    Personal,
}

impl Sensitivity {
    /// True for [`Sensitivity::Personal`].
    pub const fn is_personal(self) -> bool {
        matches!(self, Sensitivity::Personal)
    }
}

/// One field of a schema: its key, its kind and whether it is personal.
///
/// ```
/// use bureau_crm::{FieldDefinition, FieldKey, FieldKind, FieldValue, Sensitivity};
/// use bureau_core::Decimal;
///
/// let seats = FieldDefinition::new(FieldKey::new("seats")?, FieldKind::Number, Sensitivity::Business);
/// seats.check(&FieldValue::Number(Decimal::from(40)))?;
/// assert!(seats.check(&FieldValue::Text("forty".parse()?)).is_err());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldDefinition {
    key: FieldKey,
    kind: FieldKind,
    sensitivity: Sensitivity,
}

impl FieldDefinition {
    /// A field definition.
    pub fn new(key: FieldKey, kind: FieldKind, sensitivity: Sensitivity) -> Self {
        FieldDefinition {
            key,
            kind,
            sensitivity,
        }
    }

    /// The key.
    pub fn key(&self) -> &FieldKey {
        &self.key
    }

    /// The kind.
    pub fn kind(&self) -> &FieldKind {
        &self.kind
    }

    /// Whether the field is personal.
    pub fn sensitivity(&self) -> Sensitivity {
        self.sensitivity
    }

    /// Checks that `value` fits the field.
    ///
    /// # Errors
    ///
    /// [`Error::FieldType`] when the value is of another kind;
    /// [`Error::NotAChoice`] when a choice value is not one of the listed.
    ///
    /// ```
    /// use bureau_crm::{FieldDefinition, FieldKey, FieldKind, FieldText, FieldValue, Sensitivity};
    ///
    /// let tier = FieldDefinition::new(
    ///     FieldKey::new("tier")?,
    ///     FieldKind::Choice(vec![FieldText::new("gold")?]),
    ///     Sensitivity::Business,
    /// );
    /// let err = tier.check(&FieldValue::Choice(FieldText::new("tin")?)).unwrap_err();
    /// assert_eq!(err.to_string(), "\"tin\" is not one of the choices of field tier");
    /// # Ok::<(), bureau_crm::Error>(())
    /// ```
    pub fn check(&self, value: &FieldValue) -> Result<()> {
        match (&self.kind, value) {
            (FieldKind::Text, FieldValue::Text(_))
            | (FieldKind::Number, FieldValue::Number(_))
            | (FieldKind::Date, FieldValue::Date(_)) => Ok(()),
            (FieldKind::Choice(choices), FieldValue::Choice(choice)) => {
                if choices.contains(choice) {
                    Ok(())
                } else {
                    Err(Error::NotAChoice {
                        field: self.key.clone(),
                        value: choice.clone(),
                    })
                }
            }
            (kind, value) => Err(Error::FieldType {
                field: self.key.clone(),
                expected: kind.name(),
                found: value.kind_name(),
            }),
        }
    }
}

/// The value of a custom field.
///
/// ```
/// use bureau_crm::FieldValue;
/// use chrono::NaiveDate;
///
/// let renewal = FieldValue::Date(NaiveDate::from_ymd_opt(2027, 1, 31).ok_or("date")?);
/// assert_eq!(renewal.kind_name(), "date");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FieldValue {
    /// Free text.
    Text(FieldText),
    /// An exact number (serialized as a decimal string).
    Number(#[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))] Decimal),
    /// A calendar day.
    Date(NaiveDate),
    /// One of a choice field's values.
    Choice(FieldText),
}

impl FieldValue {
    /// The name of the value's kind, as [`FieldKind::name`].
    pub fn kind_name(&self) -> &'static str {
        match self {
            FieldValue::Text(_) => "text",
            FieldValue::Number(_) => "number",
            FieldValue::Date(_) => "date",
            FieldValue::Choice(_) => "choice",
        }
    }
}

/// The custom fields a kind of party may have, by key.
///
/// A schema is the caller's configuration. It turns a key and a value into
/// the [`FieldDefinition`] that a `SetField` command carries with the value,
/// so that a stored stream is checked again on replay against the definition
/// it was recorded under, not the schema of the day it is read.
///
/// ```
/// use bureau_crm::{FieldDefinition, FieldKey, FieldKind, FieldSchema, FieldValue, Sensitivity};
///
/// let mut schema = FieldSchema::new();
/// schema.define(FieldDefinition::new(FieldKey::new("nickname")?, FieldKind::Text, Sensitivity::Personal))?;
/// let definition = schema.definition(&FieldKey::new("nickname")?)?;
/// assert!(definition.sensitivity().is_personal());
/// assert!(schema.definition(&FieldKey::new("shoe size")?).is_err());
/// # Ok::<(), bureau_crm::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldSchema {
    fields: BTreeMap<FieldKey, FieldDefinition>,
}

impl FieldSchema {
    /// An empty schema.
    pub fn new() -> Self {
        FieldSchema::default()
    }

    /// Adds a field.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateField`] when the key is already defined.
    ///
    /// ```
    /// use bureau_crm::{FieldDefinition, FieldKey, FieldKind, FieldSchema, Sensitivity};
    ///
    /// let field = FieldDefinition::new(FieldKey::new("region")?, FieldKind::Text, Sensitivity::Business);
    /// let mut schema = FieldSchema::new();
    /// schema.define(field.clone())?;
    /// assert!(schema.define(field).is_err());
    /// # Ok::<(), bureau_crm::Error>(())
    /// ```
    pub fn define(&mut self, definition: FieldDefinition) -> Result<()> {
        if self.fields.contains_key(definition.key()) {
            return Err(Error::DuplicateField {
                field: definition.key().clone(),
            });
        }
        self.fields.insert(definition.key().clone(), definition);
        Ok(())
    }

    /// The definition of `key`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownField`] when the schema has no such field.
    pub fn definition(&self, key: &FieldKey) -> Result<&FieldDefinition> {
        self.fields
            .get(key)
            .ok_or_else(|| Error::UnknownField { field: key.clone() })
    }

    /// The fields, by key.
    pub fn iter(&self) -> impl Iterator<Item = &FieldDefinition> {
        self.fields.values()
    }
}
