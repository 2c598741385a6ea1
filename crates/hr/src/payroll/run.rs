//! A payroll run for one pay period, as an aggregate: opened with its
//! configuration, calculated, approved, paid.

use core::fmt;
use std::collections::BTreeSet;

use bureau_core::{Aggregate, DomainEvent, EmployeeId, Money};
use chrono::NaiveDate;

use crate::{ComponentTotal, Error, PayPeriod, PayrollCalculation, PayrollConfig, Result};

/// Where a [`PayrollRun`] stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PayrollRunStatus {
    /// Opened, not calculated yet.
    Draft,
    /// Payslips calculated; may be calculated again until approved.
    Calculated,
    /// Approved: the payslips are final.
    Approved,
    /// Paid: the totals are ready for a ledger posting.
    Paid,
}

/// Lowercase, as in messages.
impl fmt::Display for PayrollRunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Draft => "draft",
            Self::Calculated => "calculated",
            Self::Approved => "approved",
            Self::Paid => "paid",
        })
    }
}

/// What a caller asks of a [`PayrollRun`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PayrollRunCommand {
    /// Open the run of `period` under `config`: the command that creates a
    /// run, accepted only on [`PayrollRun::default`]. The configuration is
    /// recorded with the run.
    Open {
        /// The pay period paid.
        period: PayPeriod,
        /// The payroll rules of the run.
        config: PayrollConfig,
    },
    /// Record the payslips of the period (from
    /// [`PayrollCalculation::run`] under the run's configuration), replacing
    /// any earlier calculation; accepted until the run is approved.
    Calculate {
        /// The payslips and their totals.
        calculation: PayrollCalculation,
    },
    /// Approve the calculated payslips; nobody paid in the run approves it.
    Approve {
        /// Who approves.
        approver: EmployeeId,
        /// The day.
        on: NaiveDate,
    },
    /// Pay the approved run.
    Pay {
        /// The pay day, on or after the approval.
        on: NaiveDate,
    },
}

/// What happened to a [`PayrollRun`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PayrollRunEvent {
    /// The run was opened.
    Opened {
        /// The pay period.
        period: PayPeriod,
        /// The payroll rules.
        config: PayrollConfig,
    },
    /// The payslips were calculated (every line of every payslip).
    Calculated {
        /// The payslips and their totals.
        calculation: PayrollCalculation,
    },
    /// The payslips were approved.
    Approved {
        /// Who approved.
        approver: EmployeeId,
        /// The day.
        on: NaiveDate,
    },
    /// The run was paid: the event a ledger posting of the run takes.
    Paid {
        /// The pay period.
        period: PayPeriod,
        /// The pay day.
        on: NaiveDate,
        /// The totals per component (line kind and name).
        components: Vec<ComponentTotal>,
        /// The sum of gross pay.
        gross: Money,
        /// The sum of net pay, what leaves the bank.
        net: Money,
        /// The sum of employer contributions.
        employer_cost: Money,
    },
}

impl DomainEvent for PayrollRunEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Opened { .. } => "payroll_run_opened",
            Self::Calculated { .. } => "payroll_run_calculated",
            Self::Approved { .. } => "payroll_run_approved",
            Self::Paid { .. } => "payroll_run_paid",
        }
    }
}

/// The payroll of one pay period: opened with its [`PayrollConfig`]
/// (recorded as an event), calculated (the payslips recorded, each for the
/// run's period, in its currency, one per employee), approved by someone
/// not paid in it, then paid, the [`PayrollRunEvent::Paid`] event carrying
/// the totals a ledger posting needs.
///
/// [`PayrollRun::default`] is a run not opened yet, the state a stored
/// stream starts from: it accepts [`PayrollRunCommand::Open`] and refuses
/// every other command with [`Error::NotCreated`].
///
/// ```
/// use bureau_calendar::Calendar;
/// use bureau_core::{money, Aggregate, Currency, EmployeeId, Rate};
/// use bureau_hr::{PayFrequency, PayInput, PayRate, PaySchedule, PayrollCalculation, PayrollConfig,
///     PayrollRun, PayrollRunCommand, PayrollRunEvent, PayrollRunStatus, TaxBand, TaxTable, YearToDate};
/// use chrono::NaiveDate;
///
/// let config = PayrollConfig::new(TaxTable::new(vec![TaxBand::new(money!(0.00 USD), Rate::new("0.1".parse()?))])?);
/// let monthly = PaySchedule::new(PayFrequency::Monthly, NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?)?;
/// let january = monthly.period_containing(NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?)?;
/// let mut run = PayrollRun::default();
/// run.handle(&PayrollRunCommand::Open { period: january, config: config.clone() })?;
///
/// let calendar = Calendar::always();
/// let fresh = YearToDate::new(Currency::USD);
/// let ada = PayInput::new(EmployeeId::from_u128(1), january, PayFrequency::Monthly, 1, PayRate::annual(money!(60000.00 USD))?, &calendar);
/// let calculation = PayrollCalculation::run(&config, [(ada, &fresh)])?;
/// run.handle(&PayrollRunCommand::Calculate { calculation })?;
/// // Nobody approves a run that pays them.
/// assert!(run.handle(&PayrollRunCommand::Approve { approver: EmployeeId::from_u128(1), on: NaiveDate::from_ymd_opt(2026, 1, 28).ok_or("date")? }).is_err());
/// run.handle(&PayrollRunCommand::Approve { approver: EmployeeId::from_u128(9), on: NaiveDate::from_ymd_opt(2026, 1, 28).ok_or("date")? })?;
/// let paid = run.handle(&PayrollRunCommand::Pay { on: NaiveDate::from_ymd_opt(2026, 1, 30).ok_or("date")? })?;
/// assert_eq!(run.status(), Some(PayrollRunStatus::Paid));
/// assert!(matches!(paid.first(), Some(PayrollRunEvent::Paid { net, .. }) if *net == money!(4500.00 USD)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayrollRun {
    opened: Option<Opened>,
}

/// What an opened run holds; absent before it is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Opened {
    period: PayPeriod,
    config: PayrollConfig,
    status: PayrollRunStatus,
    calculation: Option<PayrollCalculation>,
    approval: Option<(EmployeeId, NaiveDate)>,
    paid_on: Option<NaiveDate>,
}

impl PayrollRun {
    /// The pay period, once opened.
    pub fn period(&self) -> Option<PayPeriod> {
        self.opened.as_ref().map(|o| o.period)
    }

    /// The payroll rules, once opened.
    pub fn config(&self) -> Option<&PayrollConfig> {
        self.opened.as_ref().map(|o| &o.config)
    }

    /// Where it stands, `None` before it is opened.
    pub fn status(&self) -> Option<PayrollRunStatus> {
        self.opened.as_ref().map(|o| o.status)
    }

    /// The latest calculation, once calculated.
    pub fn calculation(&self) -> Option<&PayrollCalculation> {
        self.opened.as_ref().and_then(|o| o.calculation.as_ref())
    }

    /// Who approved it and when.
    pub fn approval(&self) -> Option<(EmployeeId, NaiveDate)> {
        self.opened.as_ref().and_then(|o| o.approval)
    }

    /// The pay day, once paid.
    pub fn paid_on(&self) -> Option<NaiveDate> {
        self.opened.as_ref().and_then(|o| o.paid_on)
    }

    /// The opened run, at one of `allowed`.
    fn expect(&self, allowed: &[PayrollRunStatus], command: &'static str) -> Result<&Opened> {
        let opened = self.opened.as_ref().ok_or(Error::NotCreated {
            aggregate: "payroll run",
            command,
        })?;
        if allowed.contains(&opened.status) {
            Ok(opened)
        } else {
            Err(Error::PayrollRunNotAllowed {
                first_day: opened.period.first_day(),
                status: opened.status,
                command,
            })
        }
    }

    fn check_calculation(opened: &Opened, calculation: &PayrollCalculation) -> Result<()> {
        let currency = opened.config.currency();
        let mut paid = BTreeSet::new();
        for payslip in calculation.payslips() {
            let employee = payslip.employee();
            let reason = if payslip.period() != opened.period {
                Some("it pays another period")
            } else if payslip.gross().currency() != currency {
                Some("it is paid in another currency than the run")
            } else if !paid.insert(employee) {
                Some("the employee has a payslip in the run already")
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(Error::PayslipNotInRun { employee, reason });
            }
        }
        if calculation.currency() != currency {
            return Err(Error::InvalidRecord {
                what: "payroll calculation",
                reason: "it is in another currency than the run",
            });
        }
        Ok(())
    }
}

impl Aggregate for PayrollRun {
    type Command = PayrollRunCommand;
    type Event = PayrollRunEvent;
    type Error = Error;

    fn decide(&self, command: &PayrollRunCommand) -> Result<Vec<PayrollRunEvent>> {
        use PayrollRunStatus::{Approved, Calculated, Draft};
        let event = match command {
            PayrollRunCommand::Open { period, config } => {
                if let Some(opened) = &self.opened {
                    return Err(Error::PayrollRunNotAllowed {
                        first_day: opened.period.first_day(),
                        status: opened.status,
                        command: "open",
                    });
                }
                PayrollRunEvent::Opened {
                    period: *period,
                    config: config.clone(),
                }
            }
            PayrollRunCommand::Calculate { calculation } => {
                let opened = self.expect(&[Draft, Calculated], "calculate")?;
                Self::check_calculation(opened, calculation)?;
                PayrollRunEvent::Calculated {
                    calculation: calculation.clone(),
                }
            }
            PayrollRunCommand::Approve { approver, on } => {
                let opened = self.expect(&[Calculated], "approve")?;
                let paid = opened
                    .calculation
                    .as_ref()
                    .is_some_and(|c| c.payslips().iter().any(|p| p.employee() == *approver));
                if paid {
                    return Err(Error::OwnPayApproval {
                        approver: *approver,
                    });
                }
                PayrollRunEvent::Approved {
                    approver: *approver,
                    on: *on,
                }
            }
            PayrollRunCommand::Pay { on } => {
                let opened = self.expect(&[Approved], "pay")?;
                let (Some(calculation), Some((_, approved))) =
                    (&opened.calculation, opened.approval)
                else {
                    return Err(Error::PayrollRunNotAllowed {
                        first_day: opened.period.first_day(),
                        status: opened.status,
                        command: "pay",
                    });
                };
                if *on < approved {
                    return Err(Error::PaidBeforeApproval {
                        approved,
                        paid: *on,
                    });
                }
                PayrollRunEvent::Paid {
                    period: opened.period,
                    on: *on,
                    components: calculation.components().to_vec(),
                    gross: calculation.gross(),
                    net: calculation.net(),
                    employer_cost: calculation.employer_cost(),
                }
            }
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &PayrollRunEvent) {
        if let PayrollRunEvent::Opened { period, config } = event {
            self.opened = Some(Opened {
                period: *period,
                config: config.clone(),
                status: PayrollRunStatus::Draft,
                calculation: None,
                approval: None,
                paid_on: None,
            });
            return;
        }
        let Some(opened) = &mut self.opened else {
            return;
        };
        match event {
            PayrollRunEvent::Opened { .. } => {}
            PayrollRunEvent::Calculated { calculation } => {
                opened.calculation = Some(calculation.clone());
                opened.status = PayrollRunStatus::Calculated;
            }
            PayrollRunEvent::Approved { approver, on } => {
                opened.approval = Some((*approver, *on));
                opened.status = PayrollRunStatus::Approved;
            }
            PayrollRunEvent::Paid { on, .. } => {
                opened.paid_on = Some(*on);
                opened.status = PayrollRunStatus::Paid;
            }
        }
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back (a payment's totals
    /// must be those of the recorded calculation).
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`].
    fn replay(&mut self, event: &PayrollRunEvent) -> Result<()> {
        let command = match event.clone() {
            PayrollRunEvent::Opened { period, config } => {
                PayrollRunCommand::Open { period, config }
            }
            PayrollRunEvent::Calculated { calculation } => {
                PayrollRunCommand::Calculate { calculation }
            }
            PayrollRunEvent::Approved { approver, on } => {
                PayrollRunCommand::Approve { approver, on }
            }
            PayrollRunEvent::Paid { on, .. } => PayrollRunCommand::Pay { on },
        };
        crate::replay::by_deciding(self, &command, event)
    }
}
