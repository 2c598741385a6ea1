//! An employee and the lifecycle of their employment, as an aggregate whose
//! history answers "as of date" questions.

use core::fmt;

use bureau_core::{Aggregate, DomainEvent, EmployeeId};
use chrono::NaiveDate;

use crate::{EmploymentTerms, Error, PayRate, PersonName, PersonalData, Reason, Result, WorkEmail};

/// Who an employee is: name, work email and the minimal personal data.
///
/// ```
/// use bureau_hr::{PersonName, PersonalData, Profile, WorkEmail};
/// let profile = Profile::new(PersonName::new("Ada Lovelace")?, WorkEmail::new("ada@example.com")?, PersonalData::new());
/// assert_eq!(profile.name().as_str(), "Ada Lovelace");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Profile {
    name: PersonName,
    email: WorkEmail,
    personal: PersonalData,
}

impl Profile {
    /// A profile of `name`, `email` and `personal` data.
    pub fn new(name: PersonName, email: WorkEmail, personal: PersonalData) -> Self {
        Self {
            name,
            email,
            personal,
        }
    }

    /// The name.
    pub fn name(&self) -> &PersonName {
        &self.name
    }

    /// The work email.
    pub fn email(&self) -> &WorkEmail {
        &self.email
    }

    /// The personal data (each field [`Sensitive`](crate::Sensitive)).
    pub fn personal(&self) -> &PersonalData {
        &self.personal
    }
}

/// Whether a hire starts with a probation period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Probation {
    /// On probation until an [`EmployeeCommand::EndProbation`].
    Required,
    /// Confirmed from the first day.
    Waived,
}

/// Where an employee stands on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EmploymentStatus {
    /// Employed, probation not yet ended.
    Probation,
    /// Employed and confirmed.
    Active,
    /// Employed, on a leave of absence.
    OnLeave,
    /// No longer employed (from the day after the last working day).
    Terminated,
}

impl EmploymentStatus {
    /// Whether the status is an employment (probation, active or on leave).
    ///
    /// ```
    /// use bureau_hr::EmploymentStatus;
    /// assert!(EmploymentStatus::OnLeave.is_employed());
    /// assert!(!EmploymentStatus::Terminated.is_employed());
    /// ```
    pub const fn is_employed(self) -> bool {
        !matches!(self, Self::Terminated)
    }

    const fn name(self) -> &'static str {
        match self {
            Self::Probation => "on probation",
            Self::Active => "active",
            Self::OnLeave => "on leave of absence",
            Self::Terminated => "terminated",
        }
    }
}

impl fmt::Display for EmploymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// What an employment record changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Change {
    /// The first hire.
    Hire,
    /// Probation ended.
    ProbationEnd,
    /// Department, workplace, manager or cost centre changed.
    Transfer,
    /// Position changed (pay may change with it).
    Promotion,
    /// Pay rate changed.
    PayChange,
    /// A leave of absence started.
    LeaveOfAbsence,
    /// A leave of absence ended.
    Return,
    /// The employment ended.
    Termination,
    /// Hired again after a termination.
    Rehire,
}

/// One effective-dated entry of an employment history: from `effective`
/// on (until the next record), the employee had this status and these terms.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EmploymentRecord {
    effective: NaiveDate,
    change: Change,
    status: EmploymentStatus,
    terms: Option<EmploymentTerms>,
}

impl EmploymentRecord {
    /// The first day the record holds.
    pub fn effective(&self) -> NaiveDate {
        self.effective
    }

    /// What changed on that day.
    pub fn change(&self) -> Change {
        self.change
    }

    /// The status from that day.
    pub fn status(&self) -> EmploymentStatus {
        self.status
    }

    /// The terms from that day, `None` once terminated.
    pub fn terms(&self) -> Option<&EmploymentTerms> {
        self.terms.as_ref()
    }
}

/// A change asked of an [`Employee`]. Every date is an input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EmployeeCommand {
    /// Hire `employee` on `date` (the first working day): the command
    /// that creates an employee, accepted only on
    /// [`Employee::default`].
    Hire {
        /// Who the employee is.
        employee: EmployeeId,
        /// First day of employment.
        date: NaiveDate,
        /// Who is hired.
        profile: Profile,
        /// On what terms.
        terms: EmploymentTerms,
        /// Whether probation applies.
        probation: Probation,
    },
    /// Confirm the employee: probation ends on `date`.
    EndProbation {
        /// First day after probation.
        date: NaiveDate,
    },
    /// New department, workplace, manager or cost centre from `date`.
    Transfer {
        /// Effective date.
        date: NaiveDate,
        /// The terms from that day; at least one of department, workplace,
        /// manager or cost centre differs, position and pay do not.
        terms: EmploymentTerms,
    },
    /// New position from `date`, other terms (pay included) as given.
    Promote {
        /// Effective date.
        date: NaiveDate,
        /// The terms from that day, with a different position.
        terms: EmploymentTerms,
    },
    /// New pay rate from `date`.
    ChangePay {
        /// Effective date.
        date: NaiveDate,
        /// The new rate.
        pay_rate: PayRate,
    },
    /// A leave of absence from `date`.
    StartLeaveOfAbsence {
        /// First day of the leave.
        date: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// Back from a leave of absence on `date`.
    ReturnFromLeave {
        /// First day back.
        date: NaiveDate,
    },
    /// End the employment: notice given on `notice_given`, employed through
    /// `last_working_day`.
    Terminate {
        /// When notice was given.
        notice_given: NaiveDate,
        /// The last day of employment.
        last_working_day: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// Hire again after a termination.
    Rehire {
        /// First day of the new employment.
        date: NaiveDate,
        /// On what terms.
        terms: EmploymentTerms,
        /// Whether probation applies again.
        probation: Probation,
    },
}

impl EmployeeCommand {
    const fn name(&self) -> &'static str {
        match self {
            Self::Hire { .. } => "hire",
            Self::EndProbation { .. } => "end probation",
            Self::Transfer { .. } => "transfer",
            Self::Promote { .. } => "promote",
            Self::ChangePay { .. } => "change pay",
            Self::StartLeaveOfAbsence { .. } => "start a leave of absence",
            Self::ReturnFromLeave { .. } => "return from leave",
            Self::Terminate { .. } => "terminate",
            Self::Rehire { .. } => "rehire",
        }
    }
}

/// What happened to an [`Employee`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EmployeeEvent {
    /// Hired.
    Hired {
        /// The employee.
        employee: EmployeeId,
        /// First day.
        date: NaiveDate,
        /// Who.
        profile: Profile,
        /// Terms.
        terms: EmploymentTerms,
        /// Probation.
        probation: Probation,
    },
    /// Probation ended.
    ProbationEnded {
        /// First day confirmed.
        date: NaiveDate,
    },
    /// Terms changed by a transfer, promotion or pay change.
    TermsChanged {
        /// Effective date.
        date: NaiveDate,
        /// Which kind of change.
        change: Change,
        /// The terms from that day.
        terms: EmploymentTerms,
    },
    /// A leave of absence started.
    LeaveOfAbsenceStarted {
        /// First day of leave.
        date: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// Back from a leave of absence.
    ReturnedFromLeave {
        /// First day back.
        date: NaiveDate,
    },
    /// The employment ended.
    Terminated {
        /// When notice was given.
        notice_given: NaiveDate,
        /// Last day employed.
        last_working_day: NaiveDate,
        /// First day no longer employed.
        effective: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// Hired again.
    Rehired {
        /// First day.
        date: NaiveDate,
        /// Terms.
        terms: EmploymentTerms,
        /// Probation.
        probation: Probation,
    },
}

impl DomainEvent for EmployeeEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Hired { .. } => "hired",
            Self::ProbationEnded { .. } => "probation_ended",
            Self::TermsChanged { .. } => "terms_changed",
            Self::LeaveOfAbsenceStarted { .. } => "leave_of_absence_started",
            Self::ReturnedFromLeave { .. } => "returned_from_leave",
            Self::Terminated { .. } => "terminated",
            Self::Rehired { .. } => "rehired",
        }
    }
}

/// An employee: profile plus an effective-dated employment history, changed
/// only through [`EmployeeCommand`]s whose transitions are guarded (no
/// promotion before a hire, no rehire while employed, no change dated
/// before the latest record).
///
/// # Examples
///
/// ```
/// use bureau_core::{money, Aggregate, EmployeeId};
/// use bureau_hr::{CalendarKey, DepartmentName, Employee, EmployeeCommand, EmploymentStatus,
///     EmploymentTerms, LocationName, PayRate, PersonName, PersonalData, PositionTitle, Probation,
///     Profile, Reason, WorkEmail, Workplace};
/// use chrono::NaiveDate;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let terms = EmploymentTerms::new(
///     DepartmentName::new("Engineering")?,
///     PositionTitle::new("Engineer")?,
///     Workplace::new(LocationName::new("Berlin office")?, CalendarKey::new("de-berlin")?),
///     PayRate::annual(money!(70000.00 USD))?,
/// );
/// let profile = Profile::new(PersonName::new("Ada Lovelace")?, WorkEmail::new("ada@example.com")?, PersonalData::new());
/// let mut ada = Employee::default();
/// ada.handle(&EmployeeCommand::Hire { employee: EmployeeId::from_u128(7), date: day(1, 5)?, profile, terms: terms.clone(), probation: Probation::Required })?;
/// ada.handle(&EmployeeCommand::EndProbation { date: day(7, 5)? })?;
/// ada.handle(&EmployeeCommand::Promote { date: day(9, 1)?, terms: terms.with_position(PositionTitle::new("Senior Engineer")?) })?;
/// ada.handle(&EmployeeCommand::Terminate { notice_given: day(10, 1)?, last_working_day: day(12, 31)?, reason: Reason::new("relocation")? })?;
///
/// assert_eq!(ada.status_as_of(day(1, 4)?), None);
/// assert_eq!(ada.status_as_of(day(3, 1)?), Some(EmploymentStatus::Probation));
/// assert_eq!(ada.terms_as_of(day(8, 31)?).map(|t| t.position().as_str()), Some("Engineer"));
/// assert_eq!(ada.terms_as_of(day(9, 1)?).map(|t| t.position().as_str()), Some("Senior Engineer"));
/// assert_eq!(ada.status_as_of(day(12, 31)?), Some(EmploymentStatus::Active));
/// assert_eq!(ada.status_as_of(NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?), Some(EmploymentStatus::Terminated));
///
/// // A rejected command names what was wrong and changes nothing.
/// let err = ada.handle(&EmployeeCommand::EndProbation { date: day(12, 1)? }).unwrap_err();
/// assert_eq!(err.to_string(), format!("employee {} is terminated: cannot end probation", EmployeeId::from_u128(7)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Employee::default`] is an employee not hired yet, the state a stored
/// stream starts from: it accepts [`EmployeeCommand::Hire`] and refuses
/// every other command with [`Error::NotCreated`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Employee {
    hired: Option<Hired>,
    records: Vec<EmploymentRecord>,
}

/// Who a hired employee is; absent before the hire.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Hired {
    id: EmployeeId,
    profile: Profile,
}

impl Employee {
    /// The id, `None` before the hire.
    pub fn id(&self) -> Option<EmployeeId> {
        self.hired.as_ref().map(|h| h.id)
    }

    /// The profile, `None` before the hire.
    pub fn profile(&self) -> Option<&Profile> {
        self.hired.as_ref().map(|h| &h.profile)
    }

    /// The whole employment history, oldest first (effective dates never
    /// decrease).
    pub fn records(&self) -> &[EmploymentRecord] {
        &self.records
    }

    /// The record in force on `date`: the last one effective on or before
    /// it; `None` before the hire.
    ///
    /// ```
    /// use bureau_hr::Employee;
    /// use chrono::NaiveDate;
    /// assert!(Employee::default().record_as_of(NaiveDate::MIN).is_none());
    /// ```
    pub fn record_as_of(&self, date: NaiveDate) -> Option<&EmploymentRecord> {
        let after = self.records.partition_point(|r| r.effective <= date);
        after.checked_sub(1).and_then(|i| self.records.get(i))
    }

    /// The status on `date`, `None` before the hire.
    pub fn status_as_of(&self, date: NaiveDate) -> Option<EmploymentStatus> {
        self.record_as_of(date).map(|r| r.status)
    }

    /// The terms on `date`, `None` before the hire and once terminated.
    pub fn terms_as_of(&self, date: NaiveDate) -> Option<&EmploymentTerms> {
        self.record_as_of(date).and_then(|r| r.terms.as_ref())
    }

    /// The first day of the employment in force on `date` (the latest hire
    /// or rehire on or before it), `None` when not employed on `date`.
    pub fn employed_since(&self, date: NaiveDate) -> Option<NaiveDate> {
        let after = self.records.partition_point(|r| r.effective <= date);
        let current = self.records.get(..after)?;
        if !current.last()?.status.is_employed() {
            return None;
        }
        current
            .iter()
            .rev()
            .find(|r| matches!(r.change, Change::Hire | Change::Rehire))
            .map(|r| r.effective)
    }

    fn latest(&self) -> Option<&EmploymentRecord> {
        self.records.last()
    }

    /// The id of a hired employee; [`Error::NotCreated`] before the hire.
    fn hired_id(&self, command: &EmployeeCommand) -> Result<EmployeeId> {
        self.id().ok_or(Error::NotCreated {
            aggregate: "employee",
            command: command.name(),
        })
    }

    fn refuse(&self, id: EmployeeId, status: EmploymentStatus, command: &EmployeeCommand) -> Error {
        Error::InvalidTransition {
            employee: id,
            status,
            command: command.name(),
        }
    }

    fn check_date(&self, id: EmployeeId, date: NaiveDate) -> Result<()> {
        match self.latest() {
            Some(latest) if date < latest.effective => Err(Error::Backdated {
                employee: id,
                date,
                latest: latest.effective,
            }),
            _ => Ok(()),
        }
    }

    fn check_terms(id: EmployeeId, terms: &EmploymentTerms) -> Result<()> {
        if terms.manager() == Some(id) {
            return Err(Error::SelfManaged { employee: id });
        }
        Ok(())
    }

    /// The terms in force now, for an employed employee.
    fn employed_terms(
        &self,
        id: EmployeeId,
        status: EmploymentStatus,
        command: &EmployeeCommand,
    ) -> Result<&EmploymentTerms> {
        match self.latest() {
            Some(latest) if latest.status.is_employed() => latest
                .terms
                .as_ref()
                .ok_or_else(|| self.refuse(id, status, command)),
            _ => Err(self.refuse(id, status, command)),
        }
    }
}

impl Aggregate for Employee {
    type Command = EmployeeCommand;
    type Event = EmployeeEvent;
    type Error = Error;

    fn decide(&self, command: &EmployeeCommand) -> Result<Vec<EmployeeEvent>> {
        if let EmployeeCommand::Hire {
            employee,
            date,
            profile,
            terms,
            probation,
        } = command
        {
            if let Some(id) = self.id() {
                let status = self.latest().map_or(EmploymentStatus::Active, |r| r.status);
                return Err(self.refuse(id, status, command));
            }
            Self::check_terms(*employee, terms)?;
            return Ok(vec![EmployeeEvent::Hired {
                employee: *employee,
                date: *date,
                profile: profile.clone(),
                terms: terms.clone(),
                probation: *probation,
            }]);
        }
        let id = self.hired_id(command)?;
        let status = self.latest().map_or(EmploymentStatus::Active, |r| r.status);
        let event = match command {
            EmployeeCommand::Hire { .. } => return Err(self.refuse(id, status, command)),
            EmployeeCommand::EndProbation { date } => {
                if status != EmploymentStatus::Probation {
                    return Err(self.refuse(id, status, command));
                }
                self.check_date(id, *date)?;
                EmployeeEvent::ProbationEnded { date: *date }
            }
            EmployeeCommand::Transfer { date, terms } => {
                let current = self.employed_terms(id, status, command)?;
                self.check_date(id, *date)?;
                Self::check_terms(id, terms)?;
                let moved = terms.department() != current.department()
                    || terms.workplace() != current.workplace()
                    || terms.manager() != current.manager()
                    || terms.cost_centre() != current.cost_centre();
                if !moved
                    || terms.position() != current.position()
                    || terms.pay_rate() != current.pay_rate()
                {
                    return Err(Error::NoChange {
                        employee: id,
                        command: command.name(),
                    });
                }
                EmployeeEvent::TermsChanged {
                    date: *date,
                    change: Change::Transfer,
                    terms: terms.clone(),
                }
            }
            EmployeeCommand::Promote { date, terms } => {
                let current = self.employed_terms(id, status, command)?;
                self.check_date(id, *date)?;
                Self::check_terms(id, terms)?;
                if terms.position() == current.position() {
                    return Err(Error::NoChange {
                        employee: id,
                        command: command.name(),
                    });
                }
                EmployeeEvent::TermsChanged {
                    date: *date,
                    change: Change::Promotion,
                    terms: terms.clone(),
                }
            }
            EmployeeCommand::ChangePay { date, pay_rate } => {
                let current = self.employed_terms(id, status, command)?;
                self.check_date(id, *date)?;
                if current.pay_rate() == *pay_rate {
                    return Err(Error::NoChange {
                        employee: id,
                        command: command.name(),
                    });
                }
                EmployeeEvent::TermsChanged {
                    date: *date,
                    change: Change::PayChange,
                    terms: current.clone().with_pay_rate(*pay_rate),
                }
            }
            EmployeeCommand::StartLeaveOfAbsence { date, reason } => {
                if !matches!(
                    status,
                    EmploymentStatus::Probation | EmploymentStatus::Active
                ) {
                    return Err(self.refuse(id, status, command));
                }
                self.check_date(id, *date)?;
                EmployeeEvent::LeaveOfAbsenceStarted {
                    date: *date,
                    reason: reason.clone(),
                }
            }
            EmployeeCommand::ReturnFromLeave { date } => {
                if status != EmploymentStatus::OnLeave {
                    return Err(self.refuse(id, status, command));
                }
                self.check_date(id, *date)?;
                EmployeeEvent::ReturnedFromLeave { date: *date }
            }
            EmployeeCommand::Terminate {
                notice_given,
                last_working_day,
                reason,
            } => {
                self.employed_terms(id, status, command)?;
                if notice_given > last_working_day {
                    return Err(Error::NoticeAfterLastDay {
                        notice_given: *notice_given,
                        last_working_day: *last_working_day,
                    });
                }
                self.check_date(id, *last_working_day)?;
                let effective = last_working_day.succ_opt().ok_or(Error::DateOutOfRange {
                    date: *last_working_day,
                })?;
                EmployeeEvent::Terminated {
                    notice_given: *notice_given,
                    last_working_day: *last_working_day,
                    effective,
                    reason: reason.clone(),
                }
            }
            EmployeeCommand::Rehire {
                date,
                terms,
                probation,
            } => {
                if status != EmploymentStatus::Terminated {
                    return Err(self.refuse(id, status, command));
                }
                self.check_date(id, *date)?;
                Self::check_terms(id, terms)?;
                EmployeeEvent::Rehired {
                    date: *date,
                    terms: terms.clone(),
                    probation: *probation,
                }
            }
        };
        Ok(vec![event])
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back.
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`] when
    /// the rules decide a different event.
    fn replay(&mut self, event: &EmployeeEvent) -> Result<()> {
        let command = match event.clone() {
            EmployeeEvent::Hired {
                employee,
                date,
                profile,
                terms,
                probation,
            } => EmployeeCommand::Hire {
                employee,
                date,
                profile,
                terms,
                probation,
            },
            EmployeeEvent::ProbationEnded { date } => EmployeeCommand::EndProbation { date },
            EmployeeEvent::TermsChanged {
                date,
                change,
                terms,
            } => match change {
                Change::Promotion => EmployeeCommand::Promote { date, terms },
                Change::PayChange => EmployeeCommand::ChangePay {
                    date,
                    pay_rate: terms.pay_rate(),
                },
                _ => EmployeeCommand::Transfer { date, terms },
            },
            EmployeeEvent::LeaveOfAbsenceStarted { date, reason } => {
                EmployeeCommand::StartLeaveOfAbsence { date, reason }
            }
            EmployeeEvent::ReturnedFromLeave { date } => EmployeeCommand::ReturnFromLeave { date },
            EmployeeEvent::Terminated {
                notice_given,
                last_working_day,
                reason,
                ..
            } => EmployeeCommand::Terminate {
                notice_given,
                last_working_day,
                reason,
            },
            EmployeeEvent::Rehired {
                date,
                terms,
                probation,
            } => EmployeeCommand::Rehire {
                date,
                terms,
                probation,
            },
        };
        crate::replay::by_deciding(self, &command, event)
    }

    fn apply(&mut self, event: &EmployeeEvent) {
        let current_terms = self.latest().and_then(|r| r.terms.clone());
        let current_status = self.latest().map(|r| r.status);
        let first_status = |probation: &Probation| match probation {
            Probation::Required => EmploymentStatus::Probation,
            Probation::Waived => EmploymentStatus::Active,
        };
        let record = match event {
            EmployeeEvent::Hired {
                employee,
                date,
                profile,
                terms,
                probation,
            } => {
                self.hired = Some(Hired {
                    id: *employee,
                    profile: profile.clone(),
                });
                EmploymentRecord {
                    effective: *date,
                    change: Change::Hire,
                    status: first_status(probation),
                    terms: Some(terms.clone()),
                }
            }
            EmployeeEvent::ProbationEnded { date } => EmploymentRecord {
                effective: *date,
                change: Change::ProbationEnd,
                status: EmploymentStatus::Active,
                terms: current_terms,
            },
            EmployeeEvent::TermsChanged {
                date,
                change,
                terms,
            } => EmploymentRecord {
                effective: *date,
                change: *change,
                status: current_status.unwrap_or(EmploymentStatus::Active),
                terms: Some(terms.clone()),
            },
            EmployeeEvent::LeaveOfAbsenceStarted { date, .. } => EmploymentRecord {
                effective: *date,
                change: Change::LeaveOfAbsence,
                status: EmploymentStatus::OnLeave,
                terms: current_terms,
            },
            EmployeeEvent::ReturnedFromLeave { date } => EmploymentRecord {
                effective: *date,
                change: Change::Return,
                // Probation is not tracked through a leave: returning
                // confirms unless probation had not ended before.
                status: if self.ended_probation() {
                    EmploymentStatus::Active
                } else {
                    EmploymentStatus::Probation
                },
                terms: current_terms,
            },
            EmployeeEvent::Terminated { effective, .. } => EmploymentRecord {
                effective: *effective,
                change: Change::Termination,
                status: EmploymentStatus::Terminated,
                terms: None,
            },
            EmployeeEvent::Rehired {
                date,
                terms,
                probation,
            } => EmploymentRecord {
                effective: *date,
                change: Change::Rehire,
                status: first_status(probation),
                terms: Some(terms.clone()),
            },
        };
        self.records.push(record);
    }
}

impl Employee {
    /// Whether the current employment's probation has ended (or was waived),
    /// looking back through leaves of absence to its hire.
    fn ended_probation(&self) -> bool {
        self.records
            .iter()
            .rev()
            .find(|r| r.status != EmploymentStatus::OnLeave)
            .is_some_and(|r| r.status == EmploymentStatus::Active)
    }
}
