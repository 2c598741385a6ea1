//! The one error type of bureau-crm.

use std::fmt;

use bureau_core::{Decimal, Money, PartyId, TicketId};
use chrono::{DateTime, TimeDelta, Utc};

use crate::case::CaseStatus;
use crate::scoring::ModelVersion;
use crate::{ActivityId, Channel, FieldKey, FieldText, LeadId, LifecycleStage, Purpose, TouchKind};

/// Everything that can go wrong in bureau-crm. Every variant names the value
/// that was wrong and, for contact points, the field it was given for.
///
/// # Examples
///
/// ```
/// use bureau_crm::{EmailAddress, EmailProblem, Error};
///
/// let err = EmailAddress::parse("ada@").unwrap_err();
/// assert_eq!(err.to_string(), "email \"ada@\" has no domain after '@'");
/// assert!(matches!(err, Error::InvalidEmail { problem: EmailProblem::NoDomain, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An email address that is not of the form `local@domain.tld`.
    #[error("email {input:?} {problem}")]
    #[non_exhaustive]
    InvalidEmail {
        /// The text as given.
        input: String,
        /// What is wrong with it.
        problem: EmailProblem,
    },
    /// A phone number that cannot be written in E.164.
    #[error("phone number {input:?} {problem}")]
    #[non_exhaustive]
    InvalidPhone {
        /// The text as given.
        input: String,
        /// What is wrong with it.
        problem: PhoneProblem,
    },
    /// A country code that is not two ASCII letters.
    #[error("country code {input:?} is not two ASCII letters (ISO 3166-1 alpha-2)")]
    #[non_exhaustive]
    InvalidCountry {
        /// The text as given.
        input: String,
    },
    /// A text field that must hold something was empty or only whitespace.
    #[error("{field} is empty")]
    #[non_exhaustive]
    EmptyText {
        /// Which field.
        field: &'static str,
    },
    /// A text field longer than its limit.
    #[error("{field} has {len} characters, more than the {max} allowed")]
    #[non_exhaustive]
    TextTooLong {
        /// Which field.
        field: &'static str,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A web domain that is not of the form `name.tld`.
    #[error("domain {input:?} {problem}")]
    #[non_exhaustive]
    InvalidDomain {
        /// The text as given.
        input: String,
        /// What is wrong with it (as for an email's domain).
        problem: EmailProblem,
    },
    /// A value of another kind than its custom field's.
    #[error("field {field} holds {expected} values, not {found}")]
    #[non_exhaustive]
    FieldType {
        /// The field.
        field: FieldKey,
        /// The field's kind.
        expected: &'static str,
        /// The value's kind.
        found: &'static str,
    },
    /// A choice field's value that is not one of its choices.
    #[error("\"{value}\" is not one of the choices of field {field}")]
    #[non_exhaustive]
    NotAChoice {
        /// The field.
        field: FieldKey,
        /// The value given.
        value: FieldText,
    },
    /// A key a schema does not define.
    #[error("no custom field {field} is defined")]
    #[non_exhaustive]
    UnknownField {
        /// The key.
        field: FieldKey,
    },
    /// A key a schema defines already.
    #[error("custom field {field} is already defined")]
    #[non_exhaustive]
    DuplicateField {
        /// The key.
        field: FieldKey,
    },
    /// A command to an aggregate that was not created yet.
    #[error("the party is not created yet")]
    NotCreated,
    /// A second creation.
    #[error("party {party} is already created")]
    #[non_exhaustive]
    AlreadyCreated {
        /// The party.
        party: PartyId,
    },
    /// A command to an erased contact.
    #[error("party {party} is erased and takes no more changes")]
    #[non_exhaustive]
    Erased {
        /// The party.
        party: PartyId,
    },
    /// A command dated before the last event of its stream.
    #[error("change to party {party} at {at} is earlier than its last change at {previous}")]
    #[non_exhaustive]
    OutOfOrder {
        /// The party.
        party: PartyId,
        /// The command's instant.
        at: DateTime<Utc>,
        /// The last event's instant.
        previous: DateTime<Utc>,
    },
    /// Adding what is already there (an email, a tag, an open role, ...).
    #[error("party {party} already has {what}")]
    #[non_exhaustive]
    AlreadyPresent {
        /// The party.
        party: PartyId,
        /// What, with its value (`tag vip`).
        what: String,
    },
    /// Removing or ending what is not there.
    #[error("party {party} has no {what}")]
    #[non_exhaustive]
    NotPresent {
        /// The party.
        party: PartyId,
        /// What, with its value.
        what: String,
    },
    /// A lifecycle move the rules do not allow.
    #[error("party {party} may not move from stage {from} to {to}")]
    #[non_exhaustive]
    StageNotAllowed {
        /// The party.
        party: PartyId,
        /// Its stage.
        from: LifecycleStage,
        /// The stage asked for.
        to: LifecycleStage,
    },
    /// A lifecycle stage name that is none of [`LifecycleStage::ALL`].
    #[error("{field} {input:?} is not a lifecycle stage")]
    #[non_exhaustive]
    UnknownStage {
        /// Which field.
        field: &'static str,
        /// The text as given.
        input: String,
    },
    /// A marketing touch without consent in force.
    #[error("party {party} has not consented to {channel} for {purpose}")]
    #[non_exhaustive]
    NoConsent {
        /// The party.
        party: PartyId,
        /// The channel.
        channel: Channel,
        /// The purpose.
        purpose: Purpose,
    },
    /// A marketing touch on a channel the party has no contact point for.
    #[error("party {party} has no contact point for {channel}")]
    #[non_exhaustive]
    NoContactPoint {
        /// The party.
        party: PartyId,
        /// The channel.
        channel: Channel,
    },
    /// An activity id already in the log.
    #[error("activity {activity} is already logged")]
    #[non_exhaustive]
    ActivityExists {
        /// The activity.
        activity: ActivityId,
    },
    /// An activity linked to no party.
    #[error("activity {activity} is linked to no party")]
    #[non_exhaustive]
    NoParties {
        /// The activity.
        activity: ActivityId,
    },
    /// A call of negative duration or a meeting ending before it starts.
    #[error("activity {activity} ends before it starts")]
    #[non_exhaustive]
    NegativeSpan {
        /// The activity.
        activity: ActivityId,
    },
    /// An activity id not in the log.
    #[error("no activity {activity} is logged")]
    #[non_exhaustive]
    UnknownActivity {
        /// The activity.
        activity: ActivityId,
    },
    /// Completing or rescheduling an activity that is not a task.
    #[error("activity {activity} is not a task")]
    #[non_exhaustive]
    NotATask {
        /// The activity.
        activity: ActivityId,
    },
    /// Completing or rescheduling a task already done.
    #[error("task {activity} was completed at {at}")]
    #[non_exhaustive]
    TaskCompleted {
        /// The task.
        activity: ActivityId,
        /// When it was completed.
        at: DateTime<Utc>,
    },
    /// Completing a task before it was created.
    #[error("task {activity} cannot be completed at {at}, before it was created at {created}")]
    #[non_exhaustive]
    CompletedBeforeCreated {
        /// The task.
        activity: ActivityId,
        /// The completion asked for.
        at: DateTime<Utc>,
        /// Its creation.
        created: DateTime<Utc>,
    },
    /// A second capture of a lead.
    #[error("lead {lead} is already captured")]
    #[non_exhaustive]
    LeadExists {
        /// The lead.
        lead: LeadId,
    },
    /// A lead command dated before the lead's last event.
    #[error("change to lead {lead} at {at} is earlier than its last change at {previous}")]
    #[non_exhaustive]
    LeadOutOfOrder {
        /// The lead.
        lead: LeadId,
        /// The command's instant.
        at: DateTime<Utc>,
        /// The last event's instant.
        previous: DateTime<Utc>,
    },
    /// A command to a converted or disqualified lead.
    #[error("lead {lead} is {status} and takes no more changes")]
    #[non_exhaustive]
    LeadClosed {
        /// The lead.
        lead: LeadId,
        /// Its status.
        status: &'static str,
    },
    /// A status move the lead rules do not allow.
    #[error("lead {lead} may not move from {from} to {to}")]
    #[non_exhaustive]
    LeadTransition {
        /// The lead.
        lead: LeadId,
        /// Its status.
        from: &'static str,
        /// The status asked for.
        to: &'static str,
    },
    /// A conversion asking for an organization from a lead without a company.
    #[error("lead {lead} has no company to create an organization from")]
    #[non_exhaustive]
    NoCompany {
        /// The lead.
        lead: LeadId,
    },
    /// An engagement kind that is empty, too long or holds another
    /// character than ASCII letters, digits, `_`, `-`, `.`.
    #[error("engagement kind {input:?} is not 1 to 16 ASCII letters, digits, '_', '-' or '.'")]
    #[non_exhaustive]
    InvalidEngagementKind {
        /// The text as given.
        input: String,
    },
    /// A scoring model that cannot be used.
    #[error("invalid scoring model: {problem}")]
    #[non_exhaustive]
    InvalidModel {
        /// What is wrong.
        problem: String,
    },
    /// A scoring model adopted from an instant before the current one's.
    #[error("scoring model from {at} is earlier than the current one's, from {previous}")]
    #[non_exhaustive]
    ScoringOutOfOrder {
        /// The instant of the model refused.
        at: DateTime<Utc>,
        /// The instant of the current model.
        previous: DateTime<Utc>,
    },
    /// A stored scoring model whose version is not the next one.
    #[error("stored scoring model is version {found}, expected {expected}")]
    #[non_exhaustive]
    ScoringVersion {
        /// The version the setup gives next.
        expected: ModelVersion,
        /// The version stored.
        found: ModelVersion,
    },
    /// A metric over nothing (no answers, no customers at the start).
    #[error("{metric} has no data to compute from")]
    #[non_exhaustive]
    NoData {
        /// The metric.
        metric: &'static str,
    },
    /// A survey answer outside the metric's scale.
    #[error("{metric} answer {value} is outside {min}..={max}")]
    #[non_exhaustive]
    ResponseOutOfRange {
        /// The metric.
        metric: &'static str,
        /// The answer.
        value: u8,
        /// The lowest answer.
        min: u8,
        /// The highest answer.
        max: u8,
    },
    /// An input a metric cannot use.
    #[error("{metric}: {problem}")]
    #[non_exhaustive]
    InvalidMetricInput {
        /// The metric.
        metric: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// An amount that must not be negative (a budget, a spend).
    #[error("{field} {amount} is negative")]
    #[non_exhaustive]
    NegativeAmount {
        /// Which field.
        field: &'static str,
        /// The amount given.
        amount: Money,
    },
    /// A negative attribution weight.
    #[error("{field} gives touch kind {kind} the negative weight {weight}")]
    #[non_exhaustive]
    NegativeWeight {
        /// Which field.
        field: &'static str,
        /// The kind weighed.
        kind: TouchKind,
        /// The weight given.
        weight: Decimal,
    },
    /// A duration that must be positive (a lookback window, a half-life).
    #[error("{field} must be positive, not {value}")]
    #[non_exhaustive]
    NotPositive {
        /// Which field.
        field: &'static str,
        /// The duration given.
        value: TimeDelta,
    },
    /// A touchpoint later than the conversion it is attributed to.
    #[error("touchpoints[{index}] at {at} is after the conversion at {conversion}")]
    #[non_exhaustive]
    TouchAfterConversion {
        /// Its index in the touchpoints given.
        index: usize,
        /// Its instant.
        at: DateTime<Utc>,
        /// The conversion's instant.
        conversion: DateTime<Utc>,
    },
    /// No touchpoint inside the lookback window of a conversion.
    #[error("touchpoints holds none within {lookback} before the conversion at {conversion}")]
    #[non_exhaustive]
    NoTouchpoints {
        /// The conversion's instant.
        conversion: DateTime<Utc>,
        /// The window.
        lookback: TimeDelta,
    },
    /// Attribution weights that are zero for every touch considered.
    #[error("{field} are zero for every touchpoint in the window")]
    #[non_exhaustive]
    WeightsAllZero {
        /// Which field.
        field: &'static str,
    },
    /// A similarity above 1000 thousandths.
    #[error("similarity {per_mille} is above 1000 thousandths")]
    #[non_exhaustive]
    InvalidSimilarity {
        /// The thousandths given.
        per_mille: u16,
    },
    /// Two records given to the matcher with the same id.
    #[error("records holds party {party} twice")]
    #[non_exhaustive]
    DuplicateRecord {
        /// The id given twice.
        party: PartyId,
    },
    /// More records than the matcher indexes (2^32).
    #[error("records holds {count} records, more than 2^32")]
    #[non_exhaustive]
    TooManyRecords {
        /// How many were given.
        count: usize,
    },
    /// A merge of a party with itself.
    #[error("party {party} cannot be merged with itself")]
    #[non_exhaustive]
    MergeWithItself {
        /// The party.
        party: PartyId,
    },
    /// A merge of a party already merged (the same pair again, or a party
    /// already absorbed).
    #[error("party {absorbed} is already merged into {survivor}")]
    #[non_exhaustive]
    AlreadyMerged {
        /// The party it was merged into.
        survivor: PartyId,
        /// The party absorbed.
        absorbed: PartyId,
    },
    /// A merged duplicate's role or consent statement dated after the
    /// merge that brings it.
    #[error("party {absorbed} brings a statement at {at}, after the merge at {merge}")]
    #[non_exhaustive]
    AbsorbedAfterMerge {
        /// The duplicate merged in.
        absorbed: PartyId,
        /// The statement's instant (a role's start or end, a consent).
        at: DateTime<Utc>,
        /// The merge's instant.
        merge: DateTime<Utc>,
    },
    /// An unmerge that would take back a consent statement a marketing
    /// touch was sent under: the touch would be left without consent.
    #[error("party {absorbed} cannot be released: the touch at {at} was sent under its consent")]
    #[non_exhaustive]
    ReleaseOrphansTouch {
        /// The duplicate merged in.
        absorbed: PartyId,
        /// The touch's instant.
        at: DateTime<Utc>,
    },
    /// An unmerge of a merge that does not stand.
    #[error("party {absorbed} is not merged into {survivor}")]
    #[non_exhaustive]
    NotMerged {
        /// The survivor named.
        survivor: PartyId,
        /// The absorbed party named.
        absorbed: PartyId,
    },
    /// A change to a case that is not opened yet.
    #[error("the case is not opened yet")]
    CaseNotOpened,
    /// A second opening of a case.
    #[error("case {case} is already opened")]
    #[non_exhaustive]
    CaseExists {
        /// The case.
        case: TicketId,
    },
    /// A change to a closed case.
    #[error("case {case} is closed and takes no more changes")]
    #[non_exhaustive]
    CaseClosed {
        /// The case.
        case: TicketId,
    },
    /// A merge of a case into itself.
    #[error("case {case} cannot be merged into itself")]
    #[non_exhaustive]
    CaseMergedIntoItself {
        /// The case.
        case: TicketId,
    },
    /// A change to a deleted case.
    #[error("case {case} is deleted and takes no more changes")]
    #[non_exhaustive]
    CaseDeleted {
        /// The case.
        case: TicketId,
    },
    /// A status change the rules do not allow.
    #[error("case {case} may not move from {from} to {to}")]
    #[non_exhaustive]
    CaseTransition {
        /// The case.
        case: TicketId,
        /// Its status.
        from: CaseStatus,
        /// The status asked for.
        to: CaseStatus,
    },
    /// A change earlier than the case's last one.
    #[error("change to case {case} at {at} is earlier than its last change at {previous}")]
    #[non_exhaustive]
    CaseOutOfOrder {
        /// The case.
        case: TicketId,
        /// The instant given.
        at: DateTime<Utc>,
        /// The last change's instant.
        previous: DateTime<Utc>,
    },
    /// A satisfaction rating on a case that is not solved.
    #[error("case {case} is {status}, not solved, and cannot be rated")]
    #[non_exhaustive]
    RatingBeforeSolved {
        /// The case.
        case: TicketId,
        /// Its status.
        status: CaseStatus,
    },
    /// A satisfaction score outside 1 to 5.
    #[error("satisfaction score {score} is outside 1..=5")]
    #[non_exhaustive]
    InvalidRating {
        /// The score given.
        score: u8,
    },
    /// Money arithmetic refused by bureau-core (currencies differ, overflow).
    #[error(transparent)]
    Core(#[from] bureau_core::Error),
}

impl Error {
    pub(crate) fn email(input: &str, problem: EmailProblem) -> Self {
        Error::InvalidEmail {
            input: input.to_owned(),
            problem,
        }
    }

    pub(crate) fn phone(input: &str, problem: PhoneProblem) -> Self {
        Error::InvalidPhone {
            input: input.to_owned(),
            problem,
        }
    }
}

/// What is wrong with an email address, naming the part (local part before
/// the `@`, domain after it).
///
/// ```
/// use bureau_crm::EmailProblem;
/// assert_eq!(EmailProblem::NoDomain.to_string(), "has no domain after '@'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailProblem {
    /// Empty after trimming.
    Empty,
    /// No `@` at all.
    NoAt,
    /// Nothing before the `@`.
    NoLocalPart,
    /// Nothing after the `@`.
    NoDomain,
    /// The local part is longer than 64 bytes.
    LocalPartTooLong(usize),
    /// The local part holds a character outside the unquoted set of RFC 5322
    /// (letters, digits and ``!#$%&'*+-/=?^_`{|}~``, dots between them).
    /// Quoted local parts are refused too.
    LocalPartCharacter(char),
    /// The local part starts or ends with a dot, or has two dots in a row.
    LocalPartDots,
    /// The domain is longer than 253 bytes.
    DomainTooLong(usize),
    /// The domain has a single label (`ada@localhost`): an address meant to
    /// reach a person needs a registered domain.
    DomainWithoutDot,
    /// A domain label is empty, longer than 63 bytes, holds a character other
    /// than an ASCII letter, digit or hyphen, or starts or ends with a hyphen.
    /// Internationalised domains are accepted in their ASCII (`xn--`) form.
    DomainLabel(String),
}

impl fmt::Display for EmailProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmailProblem::Empty => f.write_str("is empty"),
            EmailProblem::NoAt => f.write_str("has no '@'"),
            EmailProblem::NoLocalPart => f.write_str("has no local part before '@'"),
            EmailProblem::NoDomain => f.write_str("has no domain after '@'"),
            EmailProblem::LocalPartTooLong(len) => {
                write!(f, "has a local part of {len} bytes, more than 64")
            }
            EmailProblem::LocalPartCharacter(c) => {
                write!(f, "has {c:?} in its local part")
            }
            EmailProblem::LocalPartDots => f.write_str(
                "has a local part starting or ending with a dot, or with two dots in a row",
            ),
            EmailProblem::DomainTooLong(len) => {
                write!(f, "has a domain of {len} bytes, more than 253")
            }
            EmailProblem::DomainWithoutDot => f.write_str("has a domain without a dot"),
            EmailProblem::DomainLabel(label) => {
                write!(f, "has an invalid domain label {label:?}")
            }
        }
    }
}

/// What is wrong with a phone number.
///
/// ```
/// use bureau_crm::PhoneProblem;
/// assert_eq!(PhoneProblem::NoCountry.to_string(), "has no country code and no default country was given");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PhoneProblem {
    /// No digit at all.
    Empty,
    /// A character other than a digit, a leading `+`, spaces, `-`, `.`, `/`
    /// and parentheses (extensions such as `ext. 12` are refused).
    Character(char),
    /// A national number without a country: the number does not start with
    /// `+` or `00` and no default country was given.
    NoCountry,
    /// The default country has no numbering plan in the metadata.
    UnknownCountry(String),
    /// The text does not read as a phone number (the reason as the
    /// numbering-plan parser gives it).
    Unreadable(String),
    /// The number is not valid in its country's numbering plan (a range not
    /// assigned, or a length the plan does not allow).
    NotValid,
}

impl fmt::Display for PhoneProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhoneProblem::Empty => f.write_str("has no digits"),
            PhoneProblem::Character(c) => write!(f, "has {c:?}, which is not part of a number"),
            PhoneProblem::NoCountry => {
                f.write_str("has no country code and no default country was given")
            }
            PhoneProblem::UnknownCountry(code) => {
                write!(f, "is national to {code}, which has no numbering plan")
            }
            PhoneProblem::Unreadable(reason) => write!(f, "does not read as a number: {reason}"),
            PhoneProblem::NotValid => {
                f.write_str("is not a valid number in its country's numbering plan")
            }
        }
    }
}

/// The result type of bureau-crm.
pub type Result<T, E = Error> = std::result::Result<T, E>;
