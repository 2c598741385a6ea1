//! The candidate aggregate: an application moving through a pipeline to
//! an offer and a hire.

use bureau_core::{Aggregate, DomainEvent, EmployeeId, Money};
use chrono::NaiveDate;

use crate::{
    CandidateId, EmployeeCommand, EmploymentTerms, Error, PayBasis, Pipeline, Probation, Profile,
    Reason, RequisitionId, Result, StageName,
};

/// Where a [`Candidate`] stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CandidateStatus {
    /// At a stage of the pipeline ([`Candidate::stage`]).
    InPipeline,
    /// Made an offer, not answered yet.
    Offered,
    /// Accepted the offer, not hired yet.
    Accepted,
    /// Declined the offer; a new offer may follow.
    Declined,
    /// Turned down at a stage: final.
    Rejected,
    /// Hired: final.
    Hired,
}

impl CandidateStatus {
    const fn name(self) -> &'static str {
        match self {
            Self::InPipeline => "in the pipeline",
            Self::Offered => "offered",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Rejected => "rejected",
            Self::Hired => "hired",
        }
    }
}

/// An offer: the terms, the first day and the last day to accept.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Offer {
    terms: EmploymentTerms,
    start: NaiveDate,
    expires: NaiveDate,
}

impl Offer {
    /// Employment on `terms` from `start`, to accept by `expires`.
    pub fn new(terms: EmploymentTerms, start: NaiveDate, expires: NaiveDate) -> Self {
        Self {
            terms,
            start,
            expires,
        }
    }

    /// The terms.
    pub fn terms(&self) -> &EmploymentTerms {
        &self.terms
    }

    /// The first day of employment.
    pub const fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day to accept.
    pub const fn expires(&self) -> NaiveDate {
        self.expires
    }
}

/// What a caller asks of a [`Candidate`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CandidateCommand {
    /// Apply to a requisition: the command that creates a candidate,
    /// accepted only on [`Candidate::default`]. The requisition's pipeline
    /// and budget are recorded with the application, so the candidate's
    /// rules never depend on another stream.
    Apply {
        /// The application's id.
        id: CandidateId,
        /// The requisition applied to.
        requisition: RequisitionId,
        /// Who applies.
        profile: Profile,
        /// The requisition's stages.
        pipeline: Pipeline,
        /// The requisition's annual budget per hire.
        budget: Money,
    },
    /// Move to `stage`, the next one of the pipeline.
    Advance {
        /// The next stage.
        stage: StageName,
    },
    /// Turn the candidate down at the current stage.
    Reject {
        /// Why.
        reason: Reason,
    },
    /// Make an offer at the last stage (or after a declined offer), its
    /// annual pay within the budget.
    MakeOffer {
        /// The offer.
        offer: Offer,
    },
    /// The candidate accepts the offer on `on`, no later than it expires.
    AcceptOffer {
        /// The day.
        on: NaiveDate,
    },
    /// The candidate declines the offer.
    DeclineOffer {
        /// The day.
        on: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// Hire the candidate who accepted, as `employee`.
    Hire {
        /// The id the employee gets.
        employee: EmployeeId,
        /// Whether probation applies.
        probation: Probation,
    },
}

impl CandidateCommand {
    const fn name(&self) -> &'static str {
        match self {
            Self::Apply { .. } => "apply",
            Self::Advance { .. } => "advance",
            Self::Reject { .. } => "reject",
            Self::MakeOffer { .. } => "make an offer",
            Self::AcceptOffer { .. } => "accept the offer",
            Self::DeclineOffer { .. } => "decline the offer",
            Self::Hire { .. } => "hire",
        }
    }
}

/// What happened to a [`Candidate`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CandidateEvent {
    /// Applied, at the pipeline's first stage.
    Applied {
        /// The application's id.
        id: CandidateId,
        /// The requisition.
        requisition: RequisitionId,
        /// Who.
        profile: Profile,
        /// The stages.
        pipeline: Pipeline,
        /// The budget.
        budget: Money,
    },
    /// Moved to the next stage.
    Advanced {
        /// The stage.
        stage: StageName,
    },
    /// Turned down.
    Rejected {
        /// The stage it happened at.
        stage: StageName,
        /// Why.
        reason: Reason,
    },
    /// Offered.
    Offered {
        /// The offer.
        offer: Offer,
    },
    /// The offer was accepted.
    OfferAccepted {
        /// The day.
        on: NaiveDate,
    },
    /// The offer was declined.
    OfferDeclined {
        /// The day.
        on: NaiveDate,
        /// Why.
        reason: Reason,
    },
    /// Hired: everything [`EmployeeCommand::Hire`] needs
    /// ([`CandidateEvent::employee_hire`] builds it), and the requisition
    /// to count the hire on.
    Hired {
        /// The requisition.
        requisition: RequisitionId,
        /// The new employee's id.
        employee: EmployeeId,
        /// The first day.
        date: NaiveDate,
        /// Who.
        profile: Profile,
        /// On what terms.
        terms: EmploymentTerms,
        /// Whether probation applies.
        probation: Probation,
    },
}

impl CandidateEvent {
    /// For a [`CandidateEvent::Hired`], the command that creates the
    /// employee; `None` for any other event.
    ///
    /// ```
    /// use bureau_core::{money, EmployeeId};
    /// use bureau_hr::{CalendarKey, CandidateEvent, DepartmentName, EmployeeCommand, EmploymentTerms,
    ///     LocationName, PayRate, PersonName, PersonalData, PositionTitle, Probation, Profile,
    ///     RequisitionId, WorkEmail, Workplace};
    /// use chrono::NaiveDate;
    /// let hired = CandidateEvent::Hired {
    ///     requisition: RequisitionId::from_u128(1),
    ///     employee: EmployeeId::from_u128(42),
    ///     date: NaiveDate::from_ymd_opt(2026, 9, 1).ok_or("date")?,
    ///     profile: Profile::new(PersonName::new("Ada")?, WorkEmail::new("ada@example.com")?, PersonalData::new()),
    ///     terms: EmploymentTerms::new(DepartmentName::new("R&D")?, PositionTitle::new("Engineer")?,
    ///         Workplace::new(LocationName::new("Remote")?, CalendarKey::new("utc")?), PayRate::annual(money!(80000.00 USD))?),
    ///     probation: Probation::Required,
    /// };
    /// assert!(matches!(hired.employee_hire(), Some(EmployeeCommand::Hire { employee, .. }) if employee == EmployeeId::from_u128(42)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn employee_hire(&self) -> Option<EmployeeCommand> {
        match self {
            Self::Hired {
                employee,
                date,
                profile,
                terms,
                probation,
                ..
            } => Some(EmployeeCommand::Hire {
                employee: *employee,
                date: *date,
                profile: profile.clone(),
                terms: terms.clone(),
                probation: *probation,
            }),
            _ => None,
        }
    }
}

impl DomainEvent for CandidateEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Applied { .. } => "candidate_applied",
            Self::Advanced { .. } => "candidate_advanced",
            Self::Rejected { .. } => "candidate_rejected",
            Self::Offered { .. } => "candidate_offered",
            Self::OfferAccepted { .. } => "candidate_offer_accepted",
            Self::OfferDeclined { .. } => "candidate_offer_declined",
            Self::Hired { .. } => "candidate_hired",
        }
    }
}

/// One application to a requisition: it moves through the pipeline one
/// stage at a time, never back; at the last stage it may be offered
/// (annual pay within the budget; an hourly rate counts 2080 hours),
/// rejected at any stage before; an offer is accepted by its expiry or
/// declined (and may be followed by another); an accepted offer leads to
/// the hire, whose event carries what creating the employee needs.
///
/// [`Candidate::default`] is an application not made yet, the state a
/// stored stream starts from: it accepts [`CandidateCommand::Apply`] and
/// refuses every other command with [`Error::NotCreated`].
///
/// ```
/// use bureau_core::{money, Aggregate, EmployeeId};
/// use bureau_hr::{CalendarKey, Candidate, CandidateCommand, CandidateId, CandidateStatus, DepartmentName,
///     EmploymentTerms, LocationName, Offer, PayRate, PersonName, PersonalData, Pipeline, PositionTitle,
///     Probation, Profile, RequisitionId, StageName, WorkEmail, Workplace};
/// use chrono::NaiveDate;
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let pipeline = Pipeline::new(vec![StageName::new("screening")?, StageName::new("interview")?])?;
/// let mut ada = Candidate::default();
/// ada.handle(&CandidateCommand::Apply {
///     id: CandidateId::from_u128(1),
///     requisition: RequisitionId::from_u128(9),
///     profile: Profile::new(PersonName::new("Ada")?, WorkEmail::new("ada@example.com")?, PersonalData::new()),
///     pipeline,
///     budget: money!(90000.00 USD),
/// })?;
/// let terms = EmploymentTerms::new(DepartmentName::new("R&D")?, PositionTitle::new("Engineer")?,
///     Workplace::new(LocationName::new("Remote")?, CalendarKey::new("utc")?), PayRate::annual(money!(85000.00 USD))?);
/// let offer = Offer::new(terms, day(9, 1)?, day(7, 15)?);
/// // No offer before the last stage.
/// assert!(ada.handle(&CandidateCommand::MakeOffer { offer: offer.clone() }).is_err());
/// ada.handle(&CandidateCommand::Advance { stage: StageName::new("interview")? })?;
/// ada.handle(&CandidateCommand::MakeOffer { offer })?;
/// ada.handle(&CandidateCommand::AcceptOffer { on: day(7, 10)? })?;
/// let hired = ada.handle(&CandidateCommand::Hire { employee: EmployeeId::from_u128(42), probation: Probation::Required })?;
/// assert_eq!(ada.status(), Some(CandidateStatus::Hired));
/// assert!(hired.first().and_then(|e| e.employee_hire()).is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidate {
    applied: Option<Applied>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Applied {
    id: CandidateId,
    requisition: RequisitionId,
    profile: Profile,
    pipeline: Pipeline,
    budget: Money,
    stage: usize,
    status: CandidateStatus,
    offer: Option<Offer>,
    employee: Option<EmployeeId>,
}

/// The hours a year an hourly rate is counted for against a budget.
const BUDGET_HOURS: i64 = 2080;

impl Candidate {
    /// The application's id, once made.
    pub fn id(&self) -> Option<CandidateId> {
        self.applied.as_ref().map(|a| a.id)
    }

    /// The requisition, once applied.
    pub fn requisition(&self) -> Option<RequisitionId> {
        self.applied.as_ref().map(|a| a.requisition)
    }

    /// Where it stands, `None` before the application.
    pub fn status(&self) -> Option<CandidateStatus> {
        self.applied.as_ref().map(|a| a.status)
    }

    /// The current (or last) stage of the pipeline.
    pub fn stage(&self) -> Option<&StageName> {
        self.applied
            .as_ref()
            .and_then(|a| a.pipeline.stage(a.stage))
    }

    /// The latest offer.
    pub fn offer(&self) -> Option<&Offer> {
        self.applied.as_ref().and_then(|a| a.offer.as_ref())
    }

    /// The employee id, once hired.
    pub fn employee(&self) -> Option<EmployeeId> {
        self.applied.as_ref().and_then(|a| a.employee)
    }

    fn expect(&self, allowed: &[CandidateStatus], command: &CandidateCommand) -> Result<&Applied> {
        let applied = self.applied.as_ref().ok_or(Error::NotCreated {
            aggregate: "candidate",
            command: command.name(),
        })?;
        if allowed.contains(&applied.status) {
            Ok(applied)
        } else {
            Err(refuse(applied, command))
        }
    }
}

fn refuse(applied: &Applied, command: &CandidateCommand) -> Error {
    Error::RecruitmentNotAllowed {
        subject: "candidate",
        id: applied.id.to_string(),
        status: applied.status.name(),
        command: command.name(),
    }
}

/// The annual pay of `terms`, for the budget.
fn annual_pay(terms: &EmploymentTerms) -> Option<Money> {
    let rate = terms.pay_rate();
    match rate.basis() {
        PayBasis::Hourly => {
            let amount = rate.amount();
            let annual = amount.amount().checked_mul(BUDGET_HOURS.into())?;
            Money::new(annual, amount.currency()).ok()
        }
        _ => Some(rate.amount()),
    }
}

impl Aggregate for Candidate {
    type Command = CandidateCommand;
    type Event = CandidateEvent;
    type Error = Error;

    fn decide(&self, command: &CandidateCommand) -> Result<Vec<CandidateEvent>> {
        use CandidateStatus::{Accepted, Declined, InPipeline, Offered};
        let event = match command {
            CandidateCommand::Apply {
                id,
                requisition,
                profile,
                pipeline,
                budget,
            } => {
                if let Some(applied) = &self.applied {
                    return Err(refuse(applied, command));
                }
                if !budget.is_positive() {
                    return Err(Error::InvalidRecruitment {
                        what: "application",
                        reason: "its budget is not positive",
                    });
                }
                CandidateEvent::Applied {
                    id: *id,
                    requisition: *requisition,
                    profile: profile.clone(),
                    pipeline: pipeline.clone(),
                    budget: *budget,
                }
            }
            CandidateCommand::Advance { stage } => {
                let applied = self.expect(&[InPipeline], command)?;
                let next = applied.pipeline.stage(applied.stage + 1);
                if next != Some(stage) {
                    let reason = match applied.pipeline.position(stage) {
                        None => "it is not a stage of the pipeline",
                        Some(at) if at <= applied.stage => "the candidate is past it",
                        Some(_) => "it skips a stage",
                    };
                    return Err(Error::StageNotNext {
                        candidate: applied.id.to_string(),
                        stage: stage.to_string(),
                        reason,
                    });
                }
                CandidateEvent::Advanced {
                    stage: stage.clone(),
                }
            }
            CandidateCommand::Reject { reason } => {
                let applied = self.expect(&[InPipeline, Offered, Declined], command)?;
                let stage = applied
                    .pipeline
                    .stage(applied.stage)
                    .unwrap_or(applied.pipeline.first());
                CandidateEvent::Rejected {
                    stage: stage.clone(),
                    reason: reason.clone(),
                }
            }
            CandidateCommand::MakeOffer { offer } => {
                let applied = self.expect(&[InPipeline, Declined], command)?;
                if applied.stage + 1 < applied.pipeline.len() {
                    return Err(refuse(applied, command));
                }
                if offer.expires > offer.start {
                    return Err(Error::InvalidRecruitment {
                        what: "offer",
                        reason: "it expires after the first day of employment",
                    });
                }
                let offered = annual_pay(&offer.terms).ok_or(Error::InvalidRecruitment {
                    what: "offer",
                    reason: "its annual pay leaves the range of an amount",
                })?;
                let within = offered
                    .checked_cmp(applied.budget)
                    .map_err(|_| Error::InvalidRecruitment {
                        what: "offer",
                        reason: "it is in another currency than the budget",
                    })?
                    .is_le();
                if !within {
                    return Err(Error::OverBudget {
                        offered,
                        budget: applied.budget,
                    });
                }
                CandidateEvent::Offered {
                    offer: offer.clone(),
                }
            }
            CandidateCommand::AcceptOffer { on } => {
                let applied = self.expect(&[Offered], command)?;
                if applied.offer.as_ref().is_none_or(|o| *on > o.expires) {
                    return Err(Error::InvalidRecruitment {
                        what: "acceptance",
                        reason: "the offer has expired",
                    });
                }
                CandidateEvent::OfferAccepted { on: *on }
            }
            CandidateCommand::DeclineOffer { on, reason } => {
                self.expect(&[Offered], command)?;
                CandidateEvent::OfferDeclined {
                    on: *on,
                    reason: reason.clone(),
                }
            }
            CandidateCommand::Hire {
                employee,
                probation,
            } => {
                let applied = self.expect(&[Accepted], command)?;
                let Some(offer) = &applied.offer else {
                    return Err(refuse(applied, command));
                };
                CandidateEvent::Hired {
                    requisition: applied.requisition,
                    employee: *employee,
                    date: offer.start,
                    profile: applied.profile.clone(),
                    terms: offer.terms.clone(),
                    probation: *probation,
                }
            }
        };
        Ok(vec![event])
    }

    fn apply(&mut self, event: &CandidateEvent) {
        if let CandidateEvent::Applied {
            id,
            requisition,
            profile,
            pipeline,
            budget,
        } = event
        {
            self.applied = Some(Applied {
                id: *id,
                requisition: *requisition,
                profile: profile.clone(),
                pipeline: pipeline.clone(),
                budget: *budget,
                stage: 0,
                status: CandidateStatus::InPipeline,
                offer: None,
                employee: None,
            });
            return;
        }
        let Some(applied) = &mut self.applied else {
            return;
        };
        match event {
            CandidateEvent::Applied { .. } => {}
            CandidateEvent::Advanced { .. } => applied.stage += 1,
            CandidateEvent::Rejected { .. } => applied.status = CandidateStatus::Rejected,
            CandidateEvent::Offered { offer } => {
                applied.offer = Some(offer.clone());
                applied.status = CandidateStatus::Offered;
            }
            CandidateEvent::OfferAccepted { .. } => applied.status = CandidateStatus::Accepted,
            CandidateEvent::OfferDeclined { .. } => applied.status = CandidateStatus::Declined,
            CandidateEvent::Hired { employee, .. } => {
                applied.employee = Some(*employee);
                applied.status = CandidateStatus::Hired;
            }
        }
    }

    /// Replays a stored event only if deciding the command it records, on
    /// the current state, gives that same event back.
    ///
    /// # Errors
    ///
    /// The error the command would get, or [`Error::ReplayRejected`].
    fn replay(&mut self, event: &CandidateEvent) -> Result<()> {
        let command = match event.clone() {
            CandidateEvent::Applied {
                id,
                requisition,
                profile,
                pipeline,
                budget,
            } => CandidateCommand::Apply {
                id,
                requisition,
                profile,
                pipeline,
                budget,
            },
            CandidateEvent::Advanced { stage } => CandidateCommand::Advance { stage },
            CandidateEvent::Rejected { reason, .. } => CandidateCommand::Reject { reason },
            CandidateEvent::Offered { offer } => CandidateCommand::MakeOffer { offer },
            CandidateEvent::OfferAccepted { on } => CandidateCommand::AcceptOffer { on },
            CandidateEvent::OfferDeclined { on, reason } => {
                CandidateCommand::DeclineOffer { on, reason }
            }
            CandidateEvent::Hired {
                employee,
                probation,
                ..
            } => CandidateCommand::Hire {
                employee,
                probation,
            },
        };
        crate::replay::by_deciding(self, &command, event)
    }
}
