//! The expense claim aggregate.

use core::fmt;

use bureau_core::{Aggregate, DomainEvent, EmployeeId, Money};
use chrono::NaiveDate;

use crate::{Error, ExpenseLine, ExpensePolicy, OrgChart, Reason, Result};

/// Where an expense claim stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ClaimStatus {
    /// Submitted, waiting for the manager.
    Submitted,
    /// Approved by the claimant's manager.
    Approved,
    /// Rejected by the claimant's manager.
    Rejected,
    /// Paid back.
    Reimbursed,
}

/// Lowercase, as in messages.
impl fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Reimbursed => "reimbursed",
        })
    }
}

/// How an approved claim is paid back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Reimbursement {
    /// With the next payslip.
    Payroll,
    /// As a payable to the employee.
    Payable,
}

/// What may be asked of an expense claim.
///
/// The manager in [`ExpenseCommand::Approve`] and
/// [`ExpenseCommand::Reject`] is the claimant's manager in the org chart on
/// the day of the decision; [`ExpenseClaim::approve`] and
/// [`ExpenseClaim::reject`] look it up.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ExpenseCommand {
    /// Submit the lines under the policy: the command that creates a
    /// claim, accepted only on [`ExpenseClaim::default`].
    Submit {
        /// Whose claim it is.
        claimant: EmployeeId,
        /// The policy the lines are checked against.
        policy: ExpensePolicy,
        /// The expenses.
        lines: Vec<ExpenseLine>,
    },
    /// Approve the claim.
    Approve {
        /// Who approves.
        approver: EmployeeId,
        /// The claimant's manager on the day.
        manager: Option<EmployeeId>,
        /// The day.
        on: NaiveDate,
    },
    /// Reject the claim.
    Reject {
        /// Who rejects.
        approver: EmployeeId,
        /// The claimant's manager on the day.
        manager: Option<EmployeeId>,
        /// The day.
        on: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// Pay the approved claim back.
    Reimburse {
        /// How.
        via: Reimbursement,
        /// The day.
        on: NaiveDate,
    },
}

/// What happened to an expense claim.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ExpenseEvent {
    /// The lines were submitted; `amounts` are in the policy's currency.
    Submitted {
        /// Whose claim it is.
        claimant: EmployeeId,
        /// The policy.
        policy: ExpensePolicy,
        /// The expenses.
        lines: Vec<ExpenseLine>,
        /// Each line's amount in the policy's currency.
        amounts: Vec<Money>,
        /// Their sum.
        total: Money,
    },
    /// The manager approved.
    Approved {
        /// The manager.
        approver: EmployeeId,
        /// The day.
        on: NaiveDate,
    },
    /// The manager rejected.
    Rejected {
        /// The manager.
        approver: EmployeeId,
        /// The day.
        on: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// The claim was paid back: the event a ledger posting takes.
    Reimbursed {
        /// The claimant paid.
        claimant: EmployeeId,
        /// How.
        via: Reimbursement,
        /// The amount, in the policy's currency.
        amount: Money,
        /// The day.
        on: NaiveDate,
    },
}

impl DomainEvent for ExpenseEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Submitted { .. } => "expense_claim_submitted",
            Self::Approved { .. } => "expense_claim_approved",
            Self::Rejected { .. } => "expense_claim_rejected",
            Self::Reimbursed { .. } => "expense_claim_reimbursed",
        }
    }
}

/// One employee's expense claim: submitted with lines checked against a
/// policy, approved or rejected by the claimant's manager (never the
/// claimant), then reimbursed through payroll or as a payable.
///
/// ```
/// use bureau_core::{money, Aggregate, Currency, EmployeeId};
/// use bureau_hr::{ClaimStatus, DepartmentName, ExpenseCategory, ExpenseClaim, ExpenseCommand,
///     ExpenseLine, ExpensePolicy, OrgChart, OrgCommand, Placement, Reimbursement};
/// use chrono::NaiveDate;
///
/// let (ada, grace) = (EmployeeId::from_u128(1), EmployeeId::from_u128(2));
/// let day = NaiveDate::from_ymd_opt(2026, 6, 2).ok_or("date")?;
/// let mut org = OrgChart::new();
/// org.handle(&OrgCommand::Place { employee: grace, date: day, placement: Placement::new(DepartmentName::new("Sales")?, None) })?;
/// org.handle(&OrgCommand::Place { employee: ada, date: day, placement: Placement::new(DepartmentName::new("Sales")?, Some(grace)) })?;
///
/// let mut claim = ExpenseClaim::default();
/// let taxi = ExpenseLine::new(day, ExpenseCategory::new("travel")?, money!(32.50 EUR));
/// claim.handle(&ExpenseCommand::Submit { claimant: ada, policy: ExpensePolicy::new(Currency::EUR), lines: vec![taxi] })?;
/// assert!(claim.approve(&org, ada, day).is_err()); // never the claimant
/// claim.approve(&org, grace, day)?;
/// claim.handle(&ExpenseCommand::Reimburse { via: Reimbursement::Payroll, on: day })?;
/// assert_eq!(claim.status(), Some(ClaimStatus::Reimbursed));
/// assert_eq!(claim.total(), Some(money!(32.50 EUR)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`ExpenseClaim::default`] is a claim not submitted yet, the state a
/// stored stream starts from: it accepts [`ExpenseCommand::Submit`] and
/// refuses every other command with [`Error::NotCreated`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpenseClaim {
    claimant: Option<EmployeeId>,
    status: Option<ClaimStatus>,
    lines: Vec<ExpenseLine>,
    amounts: Vec<Money>,
    total: Option<Money>,
    approver: Option<EmployeeId>,
}

impl ExpenseClaim {
    /// The claimant, `None` before submission.
    pub const fn claimant(&self) -> Option<EmployeeId> {
        self.claimant
    }

    /// Where it stands, `None` before submission.
    pub const fn status(&self) -> Option<ClaimStatus> {
        self.status
    }

    /// The lines.
    pub fn lines(&self) -> &[ExpenseLine] {
        &self.lines
    }

    /// Each line's amount in the policy's currency.
    pub fn amounts(&self) -> &[Money] {
        &self.amounts
    }

    /// The total in the policy's currency, once submitted.
    pub const fn total(&self) -> Option<Money> {
        self.total
    }

    /// Who approved or rejected it.
    pub const fn approver(&self) -> Option<EmployeeId> {
        self.approver
    }

    /// Approves as `approver` on `on`, the manager taken from `org`.
    ///
    /// # Errors
    ///
    /// As [`ExpenseCommand::Approve`]: [`Error::NotClaimantsManager`],
    /// [`Error::ClaimNotAllowed`], [`Error::NotCreated`].
    pub fn approve(
        &mut self,
        org: &OrgChart,
        approver: EmployeeId,
        on: NaiveDate,
    ) -> Result<Vec<ExpenseEvent>> {
        let (claimant, _) = self.created("approve")?;
        let manager = org.manager_of(claimant, on);
        self.handle(&ExpenseCommand::Approve {
            approver,
            manager,
            on,
        })
    }

    /// Rejects as `approver` on `on` for `reason`, the manager taken from `org`.
    ///
    /// # Errors
    ///
    /// As [`ExpenseCommand::Reject`]: [`Error::NotClaimantsManager`],
    /// [`Error::ClaimNotAllowed`], [`Error::NotCreated`].
    pub fn reject(
        &mut self,
        org: &OrgChart,
        approver: EmployeeId,
        on: NaiveDate,
        reason: Reason,
    ) -> Result<Vec<ExpenseEvent>> {
        let (claimant, _) = self.created("reject")?;
        let manager = org.manager_of(claimant, on);
        self.handle(&ExpenseCommand::Reject {
            approver,
            manager,
            on,
            reason,
        })
    }

    /// The claimant and status of a submitted claim; [`Error::NotCreated`]
    /// before submission.
    fn created(&self, command: &'static str) -> Result<(EmployeeId, ClaimStatus)> {
        match (self.claimant, self.status) {
            (Some(claimant), Some(status)) => Ok((claimant, status)),
            _ => Err(Error::NotCreated {
                aggregate: "expense claim",
                command,
            }),
        }
    }

    /// The claimant, when the claim stands at `wanted`.
    fn expect(&self, wanted: ClaimStatus, command: &'static str) -> Result<EmployeeId> {
        let (claimant, status) = self.created(command)?;
        if status == wanted {
            Ok(claimant)
        } else {
            Err(Error::ClaimNotAllowed {
                claimant,
                status,
                command,
            })
        }
    }

    fn check_manager(
        claimant: EmployeeId,
        approver: EmployeeId,
        manager: Option<EmployeeId>,
    ) -> Result<()> {
        if approver == claimant || manager != Some(approver) {
            return Err(Error::NotClaimantsManager {
                approver,
                claimant,
                manager,
            });
        }
        Ok(())
    }
}

impl Aggregate for ExpenseClaim {
    type Command = ExpenseCommand;
    type Event = ExpenseEvent;
    type Error = Error;

    fn decide(&self, command: &ExpenseCommand) -> Result<Vec<ExpenseEvent>> {
        match command {
            ExpenseCommand::Submit {
                claimant,
                policy,
                lines,
            } => {
                if let (Some(claimant), Some(status)) = (self.claimant, self.status) {
                    return Err(Error::ClaimNotAllowed {
                        claimant,
                        status,
                        command: "submit",
                    });
                }
                if lines.is_empty() {
                    return Err(Error::EmptyClaim {
                        claimant: *claimant,
                    });
                }
                let amounts = policy.check(lines)?;
                let total = Money::checked_sum(amounts.iter().copied(), policy.currency())?;
                Ok(vec![ExpenseEvent::Submitted {
                    claimant: *claimant,
                    policy: policy.clone(),
                    lines: lines.clone(),
                    amounts,
                    total,
                }])
            }
            ExpenseCommand::Approve {
                approver,
                manager,
                on,
            } => {
                let claimant = self.expect(ClaimStatus::Submitted, "approve")?;
                Self::check_manager(claimant, *approver, *manager)?;
                Ok(vec![ExpenseEvent::Approved {
                    approver: *approver,
                    on: *on,
                }])
            }
            ExpenseCommand::Reject {
                approver,
                manager,
                on,
                reason,
            } => {
                let claimant = self.expect(ClaimStatus::Submitted, "reject")?;
                Self::check_manager(claimant, *approver, *manager)?;
                Ok(vec![ExpenseEvent::Rejected {
                    approver: *approver,
                    on: *on,
                    reason: reason.clone(),
                }])
            }
            ExpenseCommand::Reimburse { via, on } => {
                let claimant = self.expect(ClaimStatus::Approved, "reimburse")?;
                let Some(amount) = self.total else {
                    return Err(Error::ClaimNotAllowed {
                        claimant,
                        status: ClaimStatus::Approved,
                        command: "reimburse",
                    });
                };
                Ok(vec![ExpenseEvent::Reimbursed {
                    claimant,
                    via: *via,
                    amount,
                    on: *on,
                }])
            }
        }
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back (a decision is
    /// replayed with its approver as the manager of the day, which the
    /// event attests).
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`].
    fn replay(&mut self, event: &ExpenseEvent) -> Result<()> {
        let command = match event.clone() {
            ExpenseEvent::Submitted {
                claimant,
                policy,
                lines,
                ..
            } => ExpenseCommand::Submit {
                claimant,
                policy,
                lines,
            },
            ExpenseEvent::Approved { approver, on } => ExpenseCommand::Approve {
                approver,
                manager: Some(approver),
                on,
            },
            ExpenseEvent::Rejected {
                approver,
                on,
                reason,
            } => ExpenseCommand::Reject {
                approver,
                manager: Some(approver),
                on,
                reason,
            },
            ExpenseEvent::Reimbursed { via, on, .. } => ExpenseCommand::Reimburse { via, on },
        };
        crate::replay::by_deciding(self, &command, event)
    }

    fn apply(&mut self, event: &ExpenseEvent) {
        match event {
            ExpenseEvent::Submitted {
                claimant,
                lines,
                amounts,
                total,
                ..
            } => {
                self.claimant = Some(*claimant);
                self.status = Some(ClaimStatus::Submitted);
                self.lines.clone_from(lines);
                self.amounts.clone_from(amounts);
                self.total = Some(*total);
            }
            ExpenseEvent::Approved { approver, .. } => {
                self.status = Some(ClaimStatus::Approved);
                self.approver = Some(*approver);
            }
            ExpenseEvent::Rejected { approver, .. } => {
                self.status = Some(ClaimStatus::Rejected);
                self.approver = Some(*approver);
            }
            ExpenseEvent::Reimbursed { .. } => {
                self.status = Some(ClaimStatus::Reimbursed);
            }
        }
    }
}
