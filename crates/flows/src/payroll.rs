//! Posting rules of payroll runs: the accrual of an approved run (expense
//! per cost centre, employer contributions, the payables it leaves) and the
//! payment of the salaries.

use bureau_core::{EmployeeId, ExchangeRate};
use bureau_hr::{CostCentre, LineKind, PayrollRun, PayrollRunEvent, PayrollRunStatus};
use bureau_ledger::{EntryId, JournalEntry};

use crate::legs::{LegSpec, Legs, conversion_rate};
use crate::{AccountMapping, Error, MappingKey, MissingKey, Result, SourceEvent};

/// What a payroll run's accrual needs beside the run: the entry's id, where
/// each employee's pay is charged, and for a run paid in another currency
/// than the base the rate.
///
/// `cost_centre` answers for every employee paid in the run; an employee it
/// has no answer for is [`Error::Missing`] with
/// [`MissingKey::CostCentre`], never charged to some other centre.
///
/// ```
/// use bureau_core::EmployeeId;
/// use bureau_flows::PayrollPosting;
/// use bureau_hr::CostCentre;
/// use bureau_ledger::EntryId;
///
/// let sales = CostCentre::new("sales")?;
/// let posting = PayrollPosting::new(EntryId::from_u128(1), |_: EmployeeId| Some(sales.clone()));
/// assert!(posting.rate.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct PayrollPosting<F> {
    /// The id of the entry to build.
    pub entry: EntryId,
    /// Each employee's cost centre.
    pub cost_centre: F,
    /// The rate between the run's currency and the base currency, either
    /// way round; needed only when they differ.
    pub rate: Option<ExchangeRate>,
}

impl<F> PayrollPosting<F>
where
    F: Fn(EmployeeId) -> Option<CostCentre>,
{
    /// The posting of a run in the base currency.
    #[must_use]
    pub const fn new(entry: EntryId, cost_centre: F) -> Self {
        Self {
            entry,
            cost_centre,
            rate: None,
        }
    }

    /// The same posting for a run converted at `rate`.
    #[must_use]
    pub fn at_rate(mut self, rate: ExchangeRate) -> Self {
        self.rate = Some(rate);
        self
    }
}

/// The accrual of an approved (or paid) payroll run, dated the day it was
/// approved, one leg per account summed over the run's payslips:
///
/// - debit [`MappingKey::SalaryExpense`] of each payslip's cost centre with
///   its gross pay (earnings less unpaid leave);
/// - debit [`MappingKey::EmployerContributionExpense`] with the employer's
///   contributions and credit them to [`MappingKey::ContributionsPayable`];
/// - credit [`MappingKey::NetPayPayable`] with net pay,
///   [`MappingKey::TaxWithheldPayable`] with income tax (a refund debits
///   it), [`MappingKey::ContributionsPayable`] with the employees' shares
///   (before and after tax), and [`MappingKey::DeductionsPayable`] with the
///   other deductions;
/// - a shortfall carried in from the last period credits
///   [`MappingKey::EmployeeShortfall`] (what the employee owed is
///   recovered), one carried forward debits it;
/// - an expense claim paid back through payroll (a reimbursement line, a
///   negative deduction) debits [`MappingKey::ReimbursedExpenses`], and net
///   pay carries it.
///
/// The entry balances by construction: a payslip's gross equals its net
/// plus its deductions, and the employer's cost is on both sides. The sum
/// of the salary expense legs is the run's gross and the expense in all is
/// gross plus employer contributions, to the minor unit.
///
/// A run in another currency than the mapping's base keeps net pay payable
/// in the run's currency (it is paid from the bank account in that
/// currency) and converts every other leg at the posting's rate through
/// [`MappingKey::Conversion`].
///
/// # Errors
///
/// [`Error::NotOpened`] for a run not opened; [`Error::NotPostable`] for
/// one not yet approved;
/// [`Error::Missing`] for an employee without a cost centre, or a missing
/// account, base currency or rate; [`Error::NothingToPost`] for a run that
/// pays nothing.
///
/// The crate's integration tests (`tests/payroll.rs`) post a run with
/// deductions and contributions, and a quarter with a tax refund and a
/// shortfall carried forward and recovered, and check every total.
pub fn payroll_entry<F>(
    mapping: &AccountMapping,
    run: &PayrollRun,
    posting: &PayrollPosting<F>,
) -> Result<JournalEntry>
where
    F: Fn(EmployeeId) -> Option<CostCentre>,
{
    let (Some(period), Some(status)) = (run.period(), run.status()) else {
        return Err(Error::NotOpened {
            what: "payroll run",
        });
    };
    let event = SourceEvent::PayrollApproved(period.first_day());
    let (Some(calculation), Some((_, approved_on))) = (run.calculation(), run.approval()) else {
        return Err(Error::NotPostable {
            event,
            reason: format!("the run is {status}, not yet approved"),
        });
    };
    if !matches!(status, PayrollRunStatus::Approved | PayrollRunStatus::Paid) {
        return Err(Error::NotPostable {
            event,
            reason: format!("the run is {status}, not yet approved"),
        });
    }
    let rate = conversion_rate(mapping, calculation.currency(), posting.rate, &event)?;
    let mut legs = Legs::new(mapping, event.clone());
    for payslip in calculation.payslips() {
        let employee = payslip.employee();
        let Some(centre) = (posting.cost_centre)(employee) else {
            return Err(Error::Missing {
                event,
                key: MissingKey::CostCentre(employee),
            });
        };
        legs.debit(LegSpec::new(
            MappingKey::SalaryExpense(centre),
            payslip.gross(),
        ))?;
        for line in payslip.lines() {
            let amount = line.amount();
            match line.kind() {
                kind if kind.is_earning() => {}
                LineKind::EmployerContribution => {
                    legs.debit(LegSpec::new(
                        MappingKey::EmployerContributionExpense,
                        amount,
                    ))?;
                    legs.credit(LegSpec::new(MappingKey::ContributionsPayable, amount))?;
                }
                LineKind::IncomeTax => {
                    legs.credit(LegSpec::new(MappingKey::TaxWithheldPayable, amount))?;
                }
                LineKind::EmployeeContribution | LineKind::PreTaxContribution => {
                    legs.credit(LegSpec::new(MappingKey::ContributionsPayable, amount))?;
                }
                LineKind::PreTaxDeduction | LineKind::PostTaxDeduction => {
                    legs.credit(LegSpec::new(MappingKey::DeductionsPayable, amount))?;
                }
                // Carried in: a positive deduction, the debt recovered;
                // carried forward: a negative one, the debt arising.
                LineKind::CarriedIn | LineKind::CarriedForward => {
                    legs.credit(LegSpec::new(MappingKey::EmployeeShortfall, amount))?;
                }
                // A negative deduction: net pay rises by it, and the claim
                // it pays back is debited.
                LineKind::Reimbursement => {
                    legs.credit(LegSpec::new(MappingKey::ReimbursedExpenses, amount))?;
                }
                other => {
                    return Err(Error::NotPostable {
                        event: legs.event().clone(),
                        reason: format!("a pay line of kind {other} has no posting rule"),
                    });
                }
            }
        }
        legs.credit(LegSpec::new(MappingKey::NetPayPayable, payslip.net()).kept())?;
    }
    if let Some(rate) = rate {
        // The run's own rounding: what it rounded its pay lines with.
        let rounding = run.config().map_or(
            bureau_core::RoundingStrategy::MidpointNearestEven,
            bureau_hr::PayrollConfig::rounding,
        );
        legs.convert(rate, rounding)?;
    }
    let first = period.first_day().to_string();
    legs.into_entry(
        posting.entry,
        approved_on,
        &format!("payroll of the period from {first}"),
        &[("payroll_period", first.as_str())],
    )
}

/// The payment of a run's salaries: `event` is the run's
/// [`PayrollRunEvent::Paid`]; debit [`MappingKey::NetPayPayable`] (closing
/// what the accrual left), credit [`MappingKey::Bank`] in the run's
/// currency, with the run's net pay, on the pay day. Both stay in that
/// currency, so a foreign run's payment needs no rate.
///
/// # Errors
///
/// [`Error::UnexpectedEvent`] for another event than `Paid`;
/// [`Error::Missing`] naming the account; [`Error::NothingToPost`] for a
/// run whose net pay is zero.
///
/// The crate's integration tests (`tests/payroll.rs`) pay a run after
/// posting its accrual and check net pay payable is back to zero.
pub fn salaries_paid_entry(
    mapping: &AccountMapping,
    event: &PayrollRunEvent,
    entry: EntryId,
) -> Result<JournalEntry> {
    let PayrollRunEvent::Paid {
        period, on, net, ..
    } = event
    else {
        return Err(Error::UnexpectedEvent {
            event: SourceEvent::SalariesPaid(None),
            expected: "payroll_run_paid",
            found: bureau_core::DomainEvent::event_type(event),
        });
    };
    let first = period.first_day();
    let mut legs = Legs::new(mapping, SourceEvent::SalariesPaid(Some(first)));
    legs.debit(LegSpec::new(MappingKey::NetPayPayable, *net).kept())?;
    legs.credit(LegSpec::new(MappingKey::Bank(net.currency()), *net).kept())?;
    let first = first.to_string();
    legs.into_entry(
        entry,
        *on,
        &format!("salaries of the period from {first}"),
        &[("payroll_period", first.as_str())],
    )
}
