//! The domain events the rules read, as an error names them.

use bureau_core::{EmployeeId, Period, TicketId};
use bureau_crm::LeadId;
use bureau_sales::{DocumentNumber, OpportunityId};
use bureau_sla::Metric;
use chrono::NaiveDate;

/// The event a posting rule or a hand-off was working on, carried by every
/// [`Error`](crate::Error) so that a failure says which document or run it
/// is about.
///
/// ```
/// use bureau_flows::SourceEvent;
/// use bureau_sales::DocumentNumber;
///
/// let event = SourceEvent::CreditNoteIssued(DocumentNumber::new("CN-7")?);
/// assert_eq!(event.to_string(), "credit note CN-7 issued");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SourceEvent {
    /// An invoice (its number) was issued.
    InvoiceIssued(DocumentNumber),
    /// The down payments of a down-payment invoice (its number) are earned.
    DownPaymentEarned(DocumentNumber),
    /// A credit note (its number) was issued.
    CreditNoteIssued(DocumentNumber),
    /// A payment was received on an invoice (its number).
    PaymentReceived(DocumentNumber),
    /// The refund of a credit note (its number) was paid out.
    RefundPaid(DocumentNumber),
    /// The payroll run of the pay period starting on the day was approved.
    PayrollApproved(NaiveDate),
    /// The salaries of the pay period starting on the day were paid.
    ///
    /// `None` when the event given was not a payment, whose period is not
    /// read.
    SalariesPaid(Option<NaiveDate>),
    /// A seller's commission statement for a period.
    CommissionStatement {
        /// The seller.
        owner: EmployeeId,
        /// The period.
        period: Period,
    },
    /// A lead was converted.
    LeadConverted(LeadId),
    /// An opportunity was won.
    OpportunityWon(OpportunityId),
    /// A support case changed: the event at `position` (from 1) of the
    /// case's stream.
    CaseChanged {
        /// The case.
        ticket: TicketId,
        /// The event's position in the case's stream.
        position: u64,
    },
    /// A ticket breached the target of a metric.
    SlaBreached {
        /// The ticket.
        ticket: TicketId,
        /// The metric.
        metric: Metric,
    },
}

impl core::fmt::Display for SourceEvent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::InvoiceIssued(number) => write!(f, "invoice {number} issued"),
            Self::DownPaymentEarned(number) => {
                write!(f, "down payments of invoice {number} earned")
            }
            Self::CreditNoteIssued(number) => write!(f, "credit note {number} issued"),
            Self::PaymentReceived(number) => write!(f, "payment of invoice {number} received"),
            Self::RefundPaid(number) => write!(f, "refund of credit note {number} paid"),
            Self::PayrollApproved(first) => {
                write!(f, "payroll run of the period from {first} approved")
            }
            Self::SalariesPaid(Some(first)) => {
                write!(f, "salaries of the period from {first} paid")
            }
            Self::SalariesPaid(None) => f.write_str("salaries paid"),
            Self::CommissionStatement { owner, period } => {
                write!(f, "commission statement of {owner} for {period}")
            }
            Self::LeadConverted(lead) => write!(f, "lead {lead} converted"),
            Self::OpportunityWon(opportunity) => write!(f, "opportunity {opportunity} won"),
            Self::CaseChanged { ticket, position } => {
                write!(f, "event {position} of case {ticket}")
            }
            Self::SlaBreached { ticket, metric } => {
                write!(f, "{metric} target of ticket {ticket} breached")
            }
        }
    }
}
