//! Requisitions and candidates: guarded transitions, budgets, the hire.

use bureau_core::{Aggregate, EmployeeId, money};
use bureau_hr::{
    CalendarKey, Candidate, CandidateCommand, CandidateEvent, CandidateId, CandidateStatus,
    DepartmentName, Employee, EmployeeCommand, EmploymentStatus, EmploymentTerms, Error,
    LocationName, Offer, PayRate, PersonName, PersonalData, Pipeline, PositionTitle, Probation,
    Profile, Reason, Requisition, RequisitionCommand, RequisitionId, RequisitionStatus, StageName,
    WorkEmail, Workplace,
};
use chrono::NaiveDate;
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or(NaiveDate::MIN)
}

fn stage(name: &str) -> Result<StageName, Error> {
    StageName::new(name)
}

fn pipeline() -> Result<Pipeline, Error> {
    Pipeline::new(vec![
        stage("screening")?,
        stage("interview")?,
        stage("references")?,
    ])
}

fn terms(annual: bureau_core::Money) -> Result<EmploymentTerms, Error> {
    Ok(EmploymentTerms::new(
        DepartmentName::new("Engineering")?,
        PositionTitle::new("Engineer")?,
        Workplace::new(LocationName::new("Remote")?, CalendarKey::new("utc")?),
        PayRate::annual(annual)?,
    ))
}

fn apply() -> Result<CandidateCommand, Error> {
    Ok(CandidateCommand::Apply {
        id: CandidateId::from_u128(1),
        requisition: RequisitionId::from_u128(9),
        profile: Profile::new(
            PersonName::new("Ada Lovelace")?,
            WorkEmail::new("ada@example.com")?,
            PersonalData::new(),
        ),
        pipeline: pipeline()?,
        budget: money!(90000.00 USD),
    })
}

#[test]
fn a_pipeline_has_stages_each_once() -> TestResult {
    assert!(Pipeline::new(vec![]).is_err());
    assert!(Pipeline::new(vec![stage("interview")?, stage("interview")?]).is_err());
    let p = pipeline()?;
    assert_eq!(p.len(), 3);
    assert_eq!(p.position(&stage("references")?), Some(2));
    let json = serde_json::to_string(&p)?;
    assert_eq!(json, r#"["screening","interview","references"]"#);
    assert_eq!(serde_json::from_str::<Pipeline>(&json)?, p);
    assert!(serde_json::from_str::<Pipeline>(r#"["a","a"]"#).is_err());
    Ok(())
}

#[test]
fn a_candidate_goes_stage_by_stage_to_a_hire_that_creates_the_employee() -> TestResult {
    let mut ada = Candidate::default();
    assert!(matches!(
        ada.decide(&CandidateCommand::Advance {
            stage: stage("interview")?
        }),
        Err(Error::NotCreated { .. })
    ));
    ada.handle(&apply()?)?;
    assert_eq!(ada.stage().map(StageName::as_str), Some("screening"));
    let skip = ada.decide(&CandidateCommand::Advance {
        stage: stage("references")?,
    });
    assert!(
        matches!(skip, Err(Error::StageNotNext { reason, .. }) if reason == "it skips a stage")
    );
    ada.handle(&CandidateCommand::Advance {
        stage: stage("interview")?,
    })?;
    let back = ada.decide(&CandidateCommand::Advance {
        stage: stage("screening")?,
    });
    assert!(
        matches!(back, Err(Error::StageNotNext { reason, .. }) if reason == "the candidate is past it")
    );
    let early = Offer::new(terms(money!(85000.00 USD))?, day(9, 1), day(7, 15));
    assert!(matches!(
        ada.decide(&CandidateCommand::MakeOffer { offer: early }),
        Err(Error::RecruitmentNotAllowed { .. })
    ));
    ada.handle(&CandidateCommand::Advance {
        stage: stage("references")?,
    })?;
    let rich = Offer::new(terms(money!(95000.00 USD))?, day(9, 1), day(7, 15));
    assert!(matches!(
        ada.decide(&CandidateCommand::MakeOffer { offer: rich }),
        Err(Error::OverBudget { .. })
    ));
    let first = Offer::new(terms(money!(80000.00 USD))?, day(9, 1), day(7, 15));
    ada.handle(&CandidateCommand::MakeOffer { offer: first })?;
    ada.handle(&CandidateCommand::DeclineOffer {
        on: day(7, 2),
        reason: Reason::new("salary")?,
    })?;
    assert_eq!(ada.status(), Some(CandidateStatus::Declined));
    assert!(matches!(
        ada.decide(&CandidateCommand::Hire {
            employee: EmployeeId::from_u128(42),
            probation: Probation::Required
        }),
        Err(Error::RecruitmentNotAllowed { .. })
    ));
    let second = Offer::new(terms(money!(88000.00 USD))?, day(9, 1), day(7, 20));
    ada.handle(&CandidateCommand::MakeOffer { offer: second })?;
    assert!(
        ada.decide(&CandidateCommand::AcceptOffer { on: day(7, 21) })
            .is_err()
    );
    ada.handle(&CandidateCommand::AcceptOffer { on: day(7, 20) })?;
    let hired = ada.handle(&CandidateCommand::Hire {
        employee: EmployeeId::from_u128(42),
        probation: Probation::Required,
    })?;
    let hire = hired
        .first()
        .and_then(CandidateEvent::employee_hire)
        .ok_or("no hire")?;
    let mut employee = Employee::default();
    employee.handle(&hire)?;
    assert_eq!(employee.id(), Some(EmployeeId::from_u128(42)));
    assert_eq!(
        employee.status_as_of(day(9, 1)),
        Some(EmploymentStatus::Probation)
    );
    assert_eq!(
        employee.terms_as_of(day(9, 1)).map(|t| t.pay_rate()),
        Some(PayRate::annual(money!(88000.00 USD))?)
    );
    assert!(matches!(hire, EmployeeCommand::Hire { date, .. } if date == day(9, 1)));
    Ok(())
}

#[test]
fn a_requisition_counts_hires_up_to_its_headcount() -> TestResult {
    let mut requisition = Requisition::default();
    let open = |headcount| -> Result<RequisitionCommand, Error> {
        Ok(RequisitionCommand::Open {
            id: RequisitionId::from_u128(9),
            position: PositionTitle::new("Engineer")?,
            department: DepartmentName::new("Engineering")?,
            headcount,
            budget: money!(90000.00 USD),
            pipeline: pipeline()?,
        })
    };
    assert!(matches!(
        requisition.decide(&open(0)?),
        Err(Error::InvalidRecruitment { .. })
    ));
    requisition.handle(&open(2)?)?;
    let one = CandidateId::from_u128(1);
    requisition.handle(&RequisitionCommand::RecordHire { candidate: one })?;
    assert!(
        requisition
            .decide(&RequisitionCommand::RecordHire { candidate: one })
            .is_err()
    );
    assert_eq!(requisition.status(), Some(RequisitionStatus::Open));
    requisition.handle(&RequisitionCommand::RecordHire {
        candidate: CandidateId::from_u128(2),
    })?;
    assert_eq!(requisition.status(), Some(RequisitionStatus::Filled));
    assert_eq!(
        requisition
            .decide(&RequisitionCommand::Close {
                reason: Reason::new("budget cut")?
            })
            .map_err(|e| e.to_string()),
        Err(format!(
            "requisition {} is filled: cannot close",
            RequisitionId::from_u128(9)
        ))
    );
    Ok(())
}

/// One command of a small menu, for the property below.
fn candidate_command(
    kind: u8,
    pick: usize,
    annual: i64,
    date: u32,
) -> Result<CandidateCommand, Error> {
    let stages = ["screening", "interview", "references", "unknown"];
    Ok(match kind {
        0 => apply()?,
        1 => CandidateCommand::Advance {
            stage: stage(stages.get(pick % 4).copied().unwrap_or("screening"))?,
        },
        2 => CandidateCommand::Reject {
            reason: Reason::new("fit")?,
        },
        3 => CandidateCommand::MakeOffer {
            offer: Offer::new(
                terms(bureau_core::Money::from_minor(
                    i128::from(annual) * 100,
                    bureau_core::Currency::USD,
                )?)?,
                day(9, 1),
                day(7, date),
            ),
        },
        4 => CandidateCommand::AcceptOffer { on: day(7, date) },
        5 => CandidateCommand::DeclineOffer {
            on: day(7, date),
            reason: Reason::new("other offer")?,
        },
        _ => CandidateCommand::Hire {
            employee: EmployeeId::from_u128(100),
            probation: Probation::Waived,
        },
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_pipelines_round_trip_and_walk_stage_by_stage(pipeline in bureau_hr::strategy::pipeline()) {
        let json = serde_json::to_string(&pipeline).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let read: Pipeline = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&read, &pipeline);
        let mut candidate = Candidate::default();
        let Ok(CandidateCommand::Apply { id, requisition, profile, budget, .. }) = apply() else {
            return Err(TestCaseError::fail("no application"));
        };
        candidate.handle(&CandidateCommand::Apply { id, requisition, profile, pipeline: pipeline.clone(), budget })
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for stage in pipeline.stages().skip(1) {
            candidate.handle(&CandidateCommand::Advance { stage: stage.clone() })
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(candidate.stage(), pipeline.stage(pipeline.len() - 1));
        // Past the last stage there is none to move to.
        let again = CandidateCommand::Advance { stage: pipeline.first().clone() };
        prop_assert!(candidate.decide(&again).is_err());
    }

    #[test]
    fn candidate_transitions_are_guarded_and_replay(
        steps in proptest::collection::vec((0u8..7, 0usize..4, 60_000i64..100_000, 1u32..31), 1..25),
    ) {
        let budget = money!(90000.00 USD);
        let mut candidate = Candidate::default();
        let mut history = Vec::new();
        let mut last_stage = None;
        for (kind, pick, annual, date) in steps {
            let command = candidate_command(kind, pick, annual, date).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let before = candidate.clone();
            match candidate.handle(&command) {
                Ok(events) => history.extend(events),
                Err(_) => prop_assert_eq!(&candidate, &before),
            }
            // The stage never goes back.
            let position = candidate.stage().and_then(|s| pipeline().ok()?.position(s));
            prop_assert!(position >= last_stage);
            last_stage = position;
            // An offer is within the budget and follows the last stage.
            if let Some(offer) = candidate.offer() {
                prop_assert!(offer.terms().pay_rate().amount().amount() <= budget.amount());
                prop_assert_eq!(position, Some(2));
            }
        }
        // A hire follows an accepted offer, never more than once.
        let hires = history.iter().filter(|e| matches!(e, CandidateEvent::Hired { .. })).count();
        prop_assert!(hires <= 1);
        if hires == 1 {
            let accepted = history.iter().position(|e| matches!(e, CandidateEvent::OfferAccepted { .. }));
            let hired = history.iter().position(|e| matches!(e, CandidateEvent::Hired { .. }));
            prop_assert!(accepted < hired);
        }
        let mut rebuilt = Candidate::default();
        for event in &history {
            rebuilt.replay(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(rebuilt, candidate);
    }

    #[test]
    fn a_requisition_never_counts_more_hires_than_its_headcount(
        headcount in 1u32..4,
        candidates in proptest::collection::vec(0u128..6, 0..10),
        close_at in proptest::option::of(0usize..10),
    ) {
        let mut requisition = Requisition::default();
        let open = RequisitionCommand::Open {
            id: RequisitionId::from_u128(9),
            position: PositionTitle::new("Engineer").map_err(|e| TestCaseError::fail(e.to_string()))?,
            department: DepartmentName::new("Engineering").map_err(|e| TestCaseError::fail(e.to_string()))?,
            headcount,
            budget: money!(90000.00 USD),
            pipeline: pipeline().map_err(|e| TestCaseError::fail(e.to_string()))?,
        };
        let mut history = requisition.handle(&open).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (i, c) in candidates.into_iter().enumerate() {
            let command = if close_at == Some(i) {
                RequisitionCommand::Close { reason: Reason::new("budget").map_err(|e| TestCaseError::fail(e.to_string()))? }
            } else {
                RequisitionCommand::RecordHire { candidate: CandidateId::from_u128(c) }
            };
            let before = requisition.clone();
            match requisition.handle(&command) {
                Ok(events) => history.extend(events),
                Err(_) => prop_assert_eq!(&requisition, &before),
            }
            prop_assert!(requisition.hires().len() <= headcount as usize);
        }
        let mut rebuilt = Requisition::default();
        for event in &history {
            rebuilt.replay(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(rebuilt, requisition);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A generated application folded command by command: a refused
    /// command changes nothing, the stage never goes back, an offer is
    /// within the budget and made at the last stage, a hire follows an
    /// accepted offer once, and replaying the events rebuilds the state.
    #[test]
    fn generated_applications_keep_the_candidate_rules(
        commands in bureau_hr::strategy::candidate_commands(6),
    ) {
        // Noise may come before it, but a sequence holds one application.
        let Some((pipeline, budget)) = commands.iter().find_map(|c| match c {
            CandidateCommand::Apply { pipeline, budget, .. } => Some((pipeline, budget)),
            _ => None,
        }) else {
            return Err(TestCaseError::fail("a sequence holds an application"));
        };
        let mut candidate = Candidate::default();
        let mut history = Vec::new();
        let mut last_stage = None;
        for command in &commands {
            let before = candidate.clone();
            match candidate.handle(command) {
                Ok(events) => history.extend(events),
                Err(_) => prop_assert_eq!(&candidate, &before),
            }
            let position = candidate.stage().and_then(|s| pipeline.position(s));
            prop_assert!(position >= last_stage);
            last_stage = position;
            if let Some(offer) = candidate.offer() {
                prop_assert!(offer.terms().pay_rate().amount().amount() <= budget.amount());
                prop_assert_eq!(position, Some(pipeline.len() - 1));
                prop_assert!(offer.expires() <= offer.start());
            }
        }
        let hired = history.iter().position(|e| matches!(e, CandidateEvent::Hired { .. }));
        let hires = history.iter().filter(|e| matches!(e, CandidateEvent::Hired { .. })).count();
        prop_assert!(hires <= 1);
        prop_assert_eq!(hires == 1, candidate.status() == Some(CandidateStatus::Hired));
        if let Some(hired) = hired {
            let accepted = history.iter().rposition(|e| matches!(e, CandidateEvent::OfferAccepted { .. }));
            prop_assert!(accepted.is_some_and(|a| a < hired));
            prop_assert!(history.get(hired).and_then(CandidateEvent::employee_hire).is_some());
        }
        let mut rebuilt = Candidate::default();
        for event in &history {
            rebuilt.replay(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(rebuilt, candidate);
    }

    /// Without noise a generated application is accepted step by step and
    /// ends in a hire whose employee command is accepted by a new employee.
    #[test]
    fn a_generated_application_without_noise_ends_in_a_hire(
        commands in bureau_hr::strategy::candidate_commands(0),
    ) {
        let mut candidate = Candidate::default();
        let mut history = Vec::new();
        for command in &commands {
            history.extend(candidate.handle(command).map_err(|e| TestCaseError::fail(e.to_string()))?);
        }
        prop_assert_eq!(candidate.status(), Some(CandidateStatus::Hired));
        let hire = history.last().and_then(CandidateEvent::employee_hire).ok_or_else(|| TestCaseError::fail("no hire command"))?;
        let mut employee = Employee::default();
        employee.handle(&hire).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }

    /// A generated requisition folded command by command: refused
    /// commands change nothing, hires are distinct and never more than the
    /// headcount, the requisition is filled exactly when the headcount is
    /// hired, a closed one counts no more hires, and replay rebuilds it.
    #[test]
    fn generated_requisitions_keep_the_headcount(
        commands in bureau_hr::strategy::requisition_commands(12),
    ) {
        let mut requisition = Requisition::default();
        let mut history = Vec::new();
        for command in &commands {
            let before = requisition.clone();
            match requisition.handle(command) {
                Ok(events) => history.extend(events),
                Err(_) => prop_assert_eq!(&requisition, &before),
            }
            if before.status() == Some(RequisitionStatus::Closed) {
                prop_assert_eq!(&requisition, &before);
            }
            let headcount = requisition.headcount().ok_or_else(|| TestCaseError::fail("the first command opens"))?;
            let hires = requisition.hires();
            prop_assert!(hires.len() <= headcount as usize);
            prop_assert!(hires.iter().enumerate().all(|(i, h)| !hires[i + 1..].contains(h)));
            prop_assert_eq!(
                requisition.status() == Some(RequisitionStatus::Filled),
                hires.len() == headcount as usize
            );
        }
        let mut rebuilt = Requisition::default();
        for event in &history {
            rebuilt.replay(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(rebuilt, requisition);
    }
}
