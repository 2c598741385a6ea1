//! Credit notes: what an invoice credits back, linked to that invoice.

use bureau_core::{Aggregate, DomainEvent, Money};
use chrono::NaiveDate;

use crate::order::contradiction;
use crate::{Credit, DocumentNumber, Error, PricedDocument, Result};

/// What an invoice decided to credit: everything the credit note is issued
/// with. Carried by [`InvoiceEvent::Credited`](crate::InvoiceEvent::Credited)
/// and given to [`CreditNoteCommand::Issue`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CreditNoteIssue {
    /// The credit note's number.
    pub number: DocumentNumber,
    /// The invoice it corrects.
    pub invoice: DocumentNumber,
    /// Its date.
    pub on: NaiveDate,
    /// What was asked.
    pub credit: Credit,
    /// The invoice line each of its lines credits, in its line order.
    pub invoice_lines: Vec<usize>,
    /// Its lines (shares of the invoice's lines, positive amounts that are
    /// credited) and totals.
    pub priced: PricedDocument,
    /// The restocking fee kept back from the refund.
    pub restocking_fee: Money,
    /// What the customer is credited: the gross less the restocking fee.
    pub refund: Money,
}

/// Where a credit note stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CreditNoteStatus {
    /// Issued; the refund is owed to the customer or set against the invoice.
    Issued,
    /// The refund was paid out or set against the invoice: final.
    Settled,
}

impl core::fmt::Display for CreditNoteStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Issued => "issued",
            Self::Settled => "settled",
        })
    }
}

/// What may be asked of a credit note.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CreditNoteCommand {
    /// Issue the credit note an invoice decided.
    Issue(Box<CreditNoteIssue>),
    /// Record that its refund was paid out or set off.
    Settle {
        /// The day.
        on: NaiveDate,
    },
}

/// What happened to a credit note.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CreditNoteEvent {
    /// It was issued.
    Issued(Box<CreditNoteIssue>),
    /// Its refund was settled.
    Settled {
        /// The day.
        on: NaiveDate,
    },
}

impl DomainEvent for CreditNoteEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Issued(_) => "issued",
            Self::Settled { .. } => "settled",
        }
    }
}

/// A credit note: an [`Aggregate`] linked to the invoice it corrects; a
/// command its status does not allow is
/// [`Error::InvalidCreditNoteTransition`] naming the status.
///
/// It is issued from the [`CreditNoteIssue`] an invoice decided (see
/// [`Invoice`](crate::Invoice) for one), then settled once:
///
/// ```
/// use bureau_core::Aggregate;
/// use bureau_core::chrono::NaiveDate;
/// use bureau_sales::{CreditNote, CreditNoteCommand, Error};
/// let on = NaiveDate::from_ymd_opt(2026, 3, 1).ok_or("date")?;
/// let err = CreditNote::default().decide(&CreditNoteCommand::Settle { on }).unwrap_err();
/// assert!(matches!(err, Error::InvalidCreditNoteTransition { status: None, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreditNote {
    issue: Option<Box<CreditNoteIssue>>,
    settled_on: Option<NaiveDate>,
}

impl CreditNote {
    /// What it was issued with.
    pub fn issue(&self) -> Option<&CreditNoteIssue> {
        self.issue.as_deref()
    }

    /// The day its refund was settled.
    pub const fn settled_on(&self) -> Option<NaiveDate> {
        self.settled_on
    }

    /// Where it stands; `None` before it is issued.
    pub fn status(&self) -> Option<CreditNoteStatus> {
        self.issue.as_ref()?;
        Some(if self.settled_on.is_some() {
            CreditNoteStatus::Settled
        } else {
            CreditNoteStatus::Issued
        })
    }

    fn refuse(&self, command: &'static str) -> Error {
        Error::InvalidCreditNoteTransition {
            status: self.status(),
            command,
        }
    }
}

impl Aggregate for CreditNote {
    type Command = CreditNoteCommand;
    type Event = CreditNoteEvent;
    type Error = Error;

    fn decide(&self, command: &CreditNoteCommand) -> Result<Vec<CreditNoteEvent>> {
        let event = match (command, self.status()) {
            (CreditNoteCommand::Issue(issue), None) => CreditNoteEvent::Issued(issue.clone()),
            (CreditNoteCommand::Issue(_), Some(_)) => return Err(self.refuse("issue")),
            (CreditNoteCommand::Settle { on }, Some(CreditNoteStatus::Issued)) => {
                CreditNoteEvent::Settled { on: *on }
            }
            (CreditNoteCommand::Settle { .. }, _) => return Err(self.refuse("settle")),
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &CreditNoteEvent) {
        match event {
            CreditNoteEvent::Issued(issue) => self.issue = Some(issue.clone()),
            CreditNoteEvent::Settled { on } => self.settled_on = Some(*on),
        }
    }

    /// A stored event its status would refuse is
    /// [`Error::ContradictoryEvent`] and leaves the credit note untouched.
    fn replay(&mut self, event: &CreditNoteEvent) -> Result<()> {
        let command = match event {
            CreditNoteEvent::Issued(issue) => CreditNoteCommand::Issue(issue.clone()),
            CreditNoteEvent::Settled { on } => CreditNoteCommand::Settle { on: *on },
        };
        self.decide(&command)
            .map_err(|e| contradiction("credit note", event.event_type(), e.to_string()))?;
        self.apply(event);
        Ok(())
    }
}
