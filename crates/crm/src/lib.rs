//! Customer relationship rules as typed models and pure functions.
//!
//! # Overview
//!
//! - Contact points ([`contact_point`]): [`EmailAddress`] (trimmed, domain
//!   lower-cased, Gmail's equivalences when [`EmailRules`] say so),
//!   [`PhoneNumber`] in E.164 from any usual spelling with a default
//!   [`CountryCode`], valid in its country's numbering plan (the metadata
//!   of the `phonenumber` crate), [`PostalAddress`] and [`WebDomain`].
//!   Each is validated when built; a refusal is an [`Error`] naming the
//!   field and what was wrong.
//! - Parties: a [`Contact`] is a person, an [`Organization`] an account,
//!   both identified by a [`PartyId`](bureau_core::PartyId) and both
//!   [`bureau_core::Aggregate`]s: a command ([`ContactCommand`],
//!   [`OrganizationCommand`]) is a change at an instant, decided into events
//!   ([`ContactEvent`], [`OrganizationEvent`]) that replay into the same
//!   state. What they share is a [`Profile`]: owner, [`Tag`]s, custom fields
//!   ([`FieldSchema`], [`FieldDefinition`], [`FieldValue`]), phone numbers,
//!   postal addresses and the [`LifecycleStage`] with every [`StageChange`]
//!   and its [`StageCause`]. A contact also has email addresses and
//!   [`Role`]s at organizations.
//! - Consent ([`Consents`], [`ConsentRecord`]) per [`Channel`] and
//!   [`Purpose`], granted or withdrawn at an instant from a [`Source`]. A
//!   [`ContactChange::MarketingTouch`] is recorded only when consent is in
//!   force and the contact can be reached on the channel
//!   ([`Contact::may_contact`]).
//! - Personal data: [`Contact::personal_data`] gathers it for an export;
//!   [`ContactChange::Erase`] blanks it in the state (name, emails, phones,
//!   addresses, personal fields, role titles) while ids and business facts
//!   remain.
//! - Activities: an [`ActivityLog`] (an aggregate) holds [`Activity`]s of
//!   every [`ActivityKind`] (call, email, meeting, note, task with a due
//!   instant and a completion) linked to parties;
//!   [`ActivityLog::timeline`] lists a party's in order and
//!   [`ActivityLog::overdue`] the tasks overdue at an instant.
//! - Leads: a [`Lead`] (an aggregate) is captured with its [`LeadData`]
//!   (source, campaign, contact data, company) and moves through
//!   [`LeadStatus`] by guarded transitions to converted or disqualified
//!   (with a [`DisqualifyReason`]). Its conversion event
//!   ([`LeadEvent::Converted`]) carries the data of a contact, an
//!   organization and an [`OpportunitySeed`], and turns it into the commands
//!   that create them ([`Converted::contact_commands`],
//!   [`Converted::organization_commands`]).
//! - Lead scoring ([`scoring`]): a [`ScoringModel`] of [`FitRule`]s
//!   (predicates over attributes, negative points allowed) and
//!   [`EngagementRule`]s (points per [`EngagementKind`], halved every
//!   half-life, capped per kind and overall) with [`Bands`] mapping the two
//!   scores to a [`ScoreStage`]. [`ScoringModel::score`] is a pure,
//!   allocation-free function of (model, lead, events, now);
//!   [`ScoringModel::breakdown_into`] adds every [`Contribution`] into a
//!   caller's buffer. The formulas are in [`scoring`]. The models in force
//!   over time are configuration recorded as events: a [`ScoringSetup`]
//!   aggregate adopts each [`ScoringModel`] from an instant under a
//!   [`ModelVersion`] ([`ScoringCommand`], [`ScoringEvent`]).
//! - Customer metrics ([`metrics`]): NPS, CSAT, CES, customer churn,
//!   revenue churn and net revenue retention, lifetime value (simple, from
//!   churn, discounted) and acquisition cost, each with its formula.
//! - Campaigns and attribution: a [`Campaign`] runs on a
//!   [`MarketingChannel`] with a budget over a period; a [`Touchpoint`] is
//!   one contact of a party (a [`TouchKind`]: impression, click, visit,
//!   form, lead or opportunity creation, direct visit).
//!   [`attribution::AttributionModel`] spreads a conversion's revenue over
//!   the touchpoints of a lookback window (first, last, last non-direct,
//!   linear, time decay, position based, W-shaped, custom weights) as exact
//!   shares summing to 1 and revenue parts summing to the revenue; the
//!   formulas are in [`attribution`]. [`CampaignTotals::report`] gives ROI,
//!   cost per lead and cost per acquisition.
//!
//! - De-duplication ([`dedup`]): a [`dedup::Matcher`] clusters
//!   [`dedup::MatchRecord`]s by exact email, exact phone or fuzzy name plus
//!   organization over blocking keys, with the rule and score of every link.
//! - Merge ([`merge`]): a [`merge::MergeLog`] merges two
//!   [`merge::PartyRecord`]s under per-field [`merge::Survivorship`] rules
//!   into an auditable [`merge::MergeRecord`], and unmerges from it. The
//!   record gives the commands that re-point the absorbed party's
//!   activities in an [`ActivityLog`] ([`ActivityCommand::Link`],
//!   [`ActivityCommand::Unlink`]) and the change that takes its roles and
//!   consents into the survivor's [`Contact`] ([`ContactChange::Absorb`]),
//!   for organizations the change that moves a contact's roles
//!   ([`ContactChange::MoveRoles`]), and the ones that undo them.
//! - Support cases ([`case`]): a [`case::Case`] aggregate with the statuses
//!   of `bureau-sla`'s ticket history, and [`case::Macro`]s; [`routing`]
//!   assigns cases to agents available by their calendar and capacity.
//!
//! | module / type | holds |
//! |---|---|
//! | [`contact_point`] | [`EmailAddress`], [`EmailRules`], [`PhoneNumber`], [`CountryCode`], [`PostalAddress`], [`WebDomain`] |
//! | [`Contact`], [`Organization`], [`Profile`] | the party aggregates and what they share |
//! | [`Consents`], [`Channel`], [`Purpose`] | consent per channel and purpose |
//! | [`LifecycleStage`], [`StageChange`] | stages and their rules |
//! | [`FieldSchema`], [`FieldDefinition`], [`FieldValue`] | typed custom fields |
//! | [`ActivityLog`], [`Activity`] | activities, timelines, overdue tasks |
//! | [`Lead`], [`LeadStatus`], [`Converted`] | leads and their conversion |
//! | [`scoring`] | fit and engagement scores, bands, breakdowns, the [`ScoringSetup`] of models in force |
//! | [`metrics`] | NPS, CSAT, CES, churn, revenue retention, CLV, CAC with their formulas |
//! | [`Campaign`], [`Touchpoint`], [`CampaignTotals`] | campaigns, touchpoints, campaign reports |
//! | [`attribution`] | multi-touch attribution models with their formulas |
//! | [`dedup`] | match rules, blocking, clusters |
//! | [`merge`] | survivorship, merge records, unmerge |
//! | [`case`] | support cases, statuses, macros |
//! | [`routing`] | round-robin, least-open and skills routing |
//! | [`strategy`] (feature `proptest`) | generators of valid values and histories |
//! | [`Error`] | the one error type |
//!
//! Nothing here reads a clock, draws a random number or does I/O: instants
//! and ids are arguments.
//!
//! # Examples
//!
//! ```
//! use bureau_core::{Aggregate, PartyId, UserId};
//! use bureau_crm::{
//!     Contact, ContactChange, ContactCommand, CountryCode, EmailAddress, LifecycleStage, Name,
//!     PhoneNumber, ProfileChange, StageCause,
//! };
//! use chrono::{DateTime, TimeDelta};
//!
//! let t0 = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
//! let owner = UserId::from_u128(7);
//! let mut contact = Contact::default();
//! let mut events = Vec::new();
//! for change in [
//!     ContactChange::Create { id: PartyId::from_u128(1), name: Name::new("Ada Lovelace")? },
//!     ContactChange::AddEmail(" ada@Example.COM".parse()?),
//!     ContactChange::Profile(ProfileChange::AddPhone(PhoneNumber::parse("030 1234 5678", Some(CountryCode::DE))?)),
//!     ContactChange::Profile(ProfileChange::ChangeStage { to: LifecycleStage::Lead, cause: StageCause::User(owner) }),
//!     ContactChange::Profile(ProfileChange::ChangeStage { to: LifecycleStage::Customer, cause: StageCause::User(owner) }),
//! ] {
//!     events.extend(contact.handle(&ContactCommand::new(t0, change))?);
//! }
//! assert_eq!(contact.emails()[0].as_str(), "ada@example.com");
//! assert_eq!(contact.profile().phones()[0].as_str(), "+493012345678");
//! assert_eq!(contact.profile().stage(), Some(LifecycleStage::Customer));
//!
//! // Forward only: a customer does not become a lead again.
//! let back = ContactCommand::new(t0, ContactChange::Profile(ProfileChange::ChangeStage {
//!     to: LifecycleStage::Lead,
//!     cause: StageCause::User(owner),
//! }));
//! assert!(contact.decide(&back).is_err());
//!
//! // The stored events rebuild the same contact.
//! assert_eq!(Contact::from_events(&events)?, contact);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `serde`: `Serialize`/`Deserialize` for every value (contact points are
//!   validated again on the way in).
//! - `proptest`: the [`strategy`] module, generating valid values and
//!   contact and lead histories, scoring models, touchpoints and
//!   attribution models for property tests.

mod activity;
pub mod attribution;
mod campaign;
pub mod case;
mod consent;
mod contact;
pub mod contact_point;
mod custom_field;
pub mod dedup;
mod error;
mod lead;
mod lifecycle;
pub mod merge;
pub mod metrics;
mod organization;
mod profile;
#[cfg(all(test, feature = "proptest"))]
mod properties;
pub mod routing;
pub mod scoring;
#[cfg(feature = "proptest")]
pub mod strategy;
mod text;

pub use activity::{
    Activity, ActivityCommand, ActivityEvent, ActivityId, ActivityKind, ActivityLog, Direction,
};
pub use campaign::{
    Campaign, CampaignId, CampaignReport, CampaignTotals, MarketingChannel, TouchKind, Touchpoint,
};
pub use consent::{Channel, ConsentRecord, ConsentState, Consents};
pub use contact::{
    Contact, ContactChange, ContactCommand, ContactEvent, MarketingTouch, PersonalData, Role,
};
pub use contact_point::{
    CountryCode, EmailAddress, EmailRules, PhoneNumber, PostalAddress, PostalAddressBuilder,
    WebDomain,
};
pub use custom_field::{FieldDefinition, FieldKind, FieldSchema, FieldValue, Sensitivity};
pub use error::{EmailProblem, Error, PhoneProblem, Result};
pub use lead::{
    Conversion, Converted, DisqualifyReason, Lead, LeadChange, LeadCommand, LeadData, LeadEvent,
    LeadId, LeadStatus, OpportunitySeed, StatusChange,
};
pub use lifecycle::{LifecycleStage, StageCause, StageChange};
pub use organization::{Organization, OrganizationChange, OrganizationCommand, OrganizationEvent};
pub use profile::{Profile, ProfileChange};
pub use scoring::{
    AdoptedModel, Attributes, Band, Bands, Contribution, Engagement, EngagementKind,
    EngagementRule, FitRule, LeadScore, ModelVersion, Predicate, Score, ScoreStage, ScoringCommand,
    ScoringEvent, ScoringModel, ScoringSetup,
};
pub use text::{
    FieldKey, FieldText, JobTitle, MacroName, MessageText, Name, Purpose, RuleName, Source,
    Subject, Tag,
};

/// The kinds of entity this crate names with a [`bureau_core::Id`].
pub mod kind {
    use bureau_core::IdKind;

    /// A call, email, meeting, note or task ([`ActivityId`](crate::ActivityId)).
    #[derive(Debug)]
    pub enum Activity {}

    impl IdKind for Activity {
        const NAME: &'static str = "activity";
    }

    /// A marketing campaign ([`CampaignId`](crate::CampaignId)).
    #[derive(Debug)]
    pub enum Campaign {}

    impl IdKind for Campaign {
        const NAME: &'static str = "campaign";
    }

    /// A group of support agents ([`GroupId`](crate::case::GroupId)).
    #[derive(Debug)]
    pub enum Group {}

    impl IdKind for Group {
        const NAME: &'static str = "group";
    }

    /// A lead ([`LeadId`](crate::LeadId)).
    #[derive(Debug)]
    pub enum Lead {}

    impl IdKind for Lead {
        const NAME: &'static str = "lead";
    }
}

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
