//! Strategies that generate valid values, for property tests.
//!
//! Every value generated is accepted by the constructor of its type and is
//! already in normal form: parsing its text again gives the same value.
//! Every history generated is accepted by its aggregate event by event.
//!
//! ```
//! use bureau_crm::{strategy, EmailAddress};
//! use proptest::prelude::*;
//!
//! proptest!(|(email in strategy::email())| {
//!     prop_assert_eq!(EmailAddress::parse(email.as_str())?, email);
//! });
//! ```

use ::proptest::prelude::*;
use bureau_core::{Aggregate, Decimal, PartyId, UserId};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::{
    Band, Bands, Engagement, EngagementKind, EngagementRule, FitRule, Predicate, RuleName, Score,
    ScoringModel,
};
use crate::{
    Channel, ConsentState, Contact, ContactChange, ContactCommand, ContactEvent, Conversion,
    CountryCode, DisqualifyReason, EmailAddress, FieldDefinition, FieldKey, FieldKind, FieldText,
    FieldValue, JobTitle, Lead, LeadChange, LeadCommand, LeadData, LeadEvent, LeadId,
    LifecycleStage, Name, OpportunitySeed, PhoneNumber, PostalAddress, ProfileChange, Purpose,
    Sensitivity, Source, StageCause, Tag, WebDomain,
};

/// One of six common countries.
pub fn country() -> impl Strategy<Value = CountryCode> {
    prop::sample::select(vec![
        CountryCode::US,
        CountryCode::GB,
        CountryCode::DE,
        CountryCode::FR,
        CountryCode::IT,
        CountryCode::JP,
    ])
}

/// A valid email address with a short local part of letters, digits, dots
/// and `+`, at a lower-case domain of two or three labels.
pub fn email() -> impl Strategy<Value = EmailAddress> {
    (
        "[A-Za-z0-9]{1,8}([.+][A-Za-z0-9]{1,6})?",
        "[a-z0-9]{1,10}(-[a-z0-9]{1,5})?",
        prop::sample::select(vec!["com", "org", "co.uk", "de", "example"]),
    )
        .prop_filter_map("valid email", |(local, name, tld)| {
            EmailAddress::parse(&format!("{local}@{name}.{tld}")).ok()
        })
}

/// A phone number valid in its country's plan, from ranges in service in
/// six of [`country`]'s countries (North American 555 numbers, London,
/// Berlin, French mobiles, Rome, Tokyo).
pub fn phone() -> impl Strategy<Value = PhoneNumber> {
    prop::sample::select(vec![
        ("+1415555", "[0-9]{4}"),
        ("+44207946", "[0-9]{4}"),
        ("+4930", "[1-9][0-9]{7}"),
        ("+336", "[0-9]{8}"),
        ("+3906", "[1-9][0-9]{7}"),
        ("+813", "[1-9][0-9]{7}"),
    ])
    .prop_flat_map(|(prefix, pattern)| (Just(prefix), pattern))
    .prop_filter_map("valid phone", |(prefix, rest)| {
        PhoneNumber::parse(&format!("{prefix}{rest}"), None).ok()
    })
}

/// A postal address with one or two street lines, an optional locality and
/// postal code, in one of [`country`]'s countries.
pub fn postal_address() -> impl Strategy<Value = PostalAddress> {
    (
        country(),
        prop::collection::vec("[A-Za-z0-9]{1,12}( [A-Za-z0-9]{1,12}){0,3}", 1..=2),
        prop::option::of("[A-Z][a-z]{2,12}"),
        prop::option::of("[A-Z0-9]{3,5}( [A-Z0-9]{3})?"),
    )
        .prop_filter_map("valid address", |(country, lines, locality, code)| {
            let mut builder = PostalAddress::builder(country);
            for line in lines {
                builder = builder.line(line);
            }
            if let Some(locality) = locality {
                builder = builder.locality(locality);
            }
            if let Some(code) = code {
                builder = builder.postal_code(code);
            }
            builder.build().ok()
        })
}

/// A contact's stored history: a creation, then up to `max_changes`
/// changes drawn from every kind (contact points, tags, owner, custom
/// fields, roles, consent, marketing touches, stage moves, at the end
/// sometimes an erasure), each kept only if the contact accepts it, at
/// instants that never go backwards. Replaying it with
/// [`Contact::from_events`](crate::Contact::from_events) always succeeds.
pub fn contact_history(max_changes: usize) -> impl Strategy<Value = Vec<ContactEvent>> {
    (
        1_u128..=1_000,
        name(),
        prop::collection::vec((contact_change(), 0_i64..=3 * 86_400), 0..=max_changes),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(id, name, changes, erase)| {
            let start = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000);
            let mut contact = Contact::default();
            let mut events = Vec::new();
            let mut at = start;
            let create = ContactChange::Create {
                id: PartyId::from_u128(id),
                name,
            };
            let tail = erase.then_some((ContactChange::Erase, 0));
            for (change, gap) in std::iter::once((create, 0)).chain(changes).chain(tail) {
                at += TimeDelta::seconds(gap);
                if let Ok(decided) = contact.handle(&ContactCommand::new(at, change)) {
                    events.extend(decided);
                }
            }
            events
        })
}

/// A contact folded from a [`contact_history`] of up to 20 changes.
pub fn contact() -> impl Strategy<Value = Contact> {
    contact_history(20).prop_filter_map("replayable", |events| Contact::from_events(&events).ok())
}

/// A person's name of one or two words.
pub fn name() -> impl Strategy<Value = Name> {
    "[A-Z][a-z]{1,10}( [A-Z][a-z]{1,12})?".prop_filter_map("valid name", |n| Name::new(&n).ok())
}

fn small_text<T: 'static + std::fmt::Debug + Clone>(
    options: &'static [&'static str],
    make: fn(&str) -> crate::Result<T>,
) -> impl Strategy<Value = T> + Clone {
    prop::sample::select(options).prop_filter_map("valid text", move |text| make(text).ok())
}

fn stage() -> impl Strategy<Value = LifecycleStage> {
    prop::sample::select(LifecycleStage::ALL.to_vec())
}

fn field() -> impl Strategy<Value = (FieldDefinition, FieldValue)> {
    let tier = || {
        FieldKind::Choice(
            ["gold", "silver"]
                .iter()
                .filter_map(|t| FieldText::new(t).ok())
                .collect(),
        )
    };
    prop_oneof![
        (0_i64..=1000).prop_filter_map("field", |n| Some((
            FieldDefinition::new(
                FieldKey::new("seats").ok()?,
                FieldKind::Number,
                Sensitivity::Business
            ),
            FieldValue::Number(Decimal::from(n)),
        ))),
        (1_u32..=28).prop_filter_map("field", |day| Some((
            FieldDefinition::new(
                FieldKey::new("birthday").ok()?,
                FieldKind::Date,
                Sensitivity::Personal
            ),
            FieldValue::Date(NaiveDate::from_ymd_opt(1990, 5, day)?),
        ))),
        prop::sample::select(vec!["gold", "silver"]).prop_filter_map("field", move |t| Some((
            FieldDefinition::new(FieldKey::new("tier").ok()?, tier(), Sensitivity::Business),
            FieldValue::Choice(FieldText::new(t).ok()?),
        ))),
    ]
}

fn channel() -> impl Strategy<Value = Channel> {
    prop::sample::select(vec![
        Channel::Email,
        Channel::Phone,
        Channel::Sms,
        Channel::Post,
    ])
}

fn contact_change() -> impl Strategy<Value = ContactChange> {
    let tag = small_text(&["vip", "partner", "beta"], Tag::new);
    let purpose = small_text(&["newsletter", "offers"], Purpose::new);
    let source = small_text(&["signup form", "phone call"], Source::new);
    let organization = (1_u128..=3).prop_map(|n| PartyId::from_u128(10_000 + n));
    prop_oneof![
        name().prop_map(ContactChange::Rename),
        email().prop_map(ContactChange::AddEmail),
        phone().prop_map(|p| ContactChange::Profile(ProfileChange::AddPhone(p))),
        postal_address().prop_map(|a| ContactChange::Profile(ProfileChange::AddAddress(a))),
        tag.clone()
            .prop_map(|t| ContactChange::Profile(ProfileChange::AddTag(t))),
        tag.prop_map(|t| ContactChange::Profile(ProfileChange::RemoveTag(t))),
        prop::option::of((1_u128..=3).prop_map(UserId::from_u128))
            .prop_map(|o| ContactChange::Profile(ProfileChange::AssignOwner(o))),
        field().prop_map(|(d, v)| ContactChange::Profile(ProfileChange::SetField(d, v))),
        (stage(), 1_u128..=3).prop_map(|(to, user)| ContactChange::Profile(
            ProfileChange::ChangeStage {
                to,
                cause: StageCause::User(UserId::from_u128(user))
            }
        )),
        (
            organization.clone(),
            prop::option::of(small_text(&["CTO", "Buyer"], JobTitle::new))
        )
            .prop_map(|(organization, title)| ContactChange::AddRole {
                organization,
                title
            }),
        organization
            .clone()
            .prop_map(|organization| ContactChange::EndRole { organization }),
        (
            channel(),
            purpose.clone(),
            prop::bool::weighted(0.7),
            source
        )
            .prop_map(
                |(channel, purpose, granted, source)| ContactChange::Consent {
                    channel,
                    purpose,
                    state: if granted {
                        ConsentState::Granted
                    } else {
                        ConsentState::Withdrawn
                    },
                    source,
                }
            ),
        (channel(), purpose)
            .prop_map(|(channel, purpose)| ContactChange::MarketingTouch { channel, purpose }),
        absorb(),
        (1_u128..=3).prop_map(|n| ContactChange::Release {
            from: PartyId::from_u128(20_000 + n)
        }),
        (organization.clone(), organization.clone())
            .prop_map(|(from, to)| ContactChange::MoveRoles { from, to }),
        (organization.clone(), organization)
            .prop_map(|(from, to)| ContactChange::RestoreRoles { from, to }),
    ]
}

/// A duplicate's roles and consent statements, all dated in the ten days
/// before the histories of [`contact_history`] start.
fn absorb() -> impl Strategy<Value = ContactChange> {
    let before = |day: i64| DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(19_990 + day);
    let role = (1_u128..=3, 0_i64..5, prop::option::of(5_i64..10)).prop_map(
        move |(organization, since, until)| crate::Role {
            organization: PartyId::from_u128(10_000 + organization),
            title: JobTitle::new("Buyer").ok(),
            since: before(since),
            until: until.map(before),
        },
    );
    let consent = (
        channel(),
        small_text(&["newsletter", "offers"], Purpose::new),
        any::<bool>(),
        0_i64..10,
    )
        .prop_filter_map("a source", move |(channel, purpose, granted, day)| {
            let state = if granted {
                ConsentState::Granted
            } else {
                ConsentState::Withdrawn
            };
            let source = Source::new("merged record").ok()?;
            Some(crate::ConsentRecord::new(
                channel,
                purpose,
                state,
                before(day),
                source,
            ))
        });
    (
        1_u128..=3,
        prop::collection::vec(role, 0..=2),
        prop::collection::vec(consent, 0..=3),
    )
        .prop_map(|(from, roles, consents)| ContactChange::Absorb {
            from: PartyId::from_u128(20_000 + from),
            roles,
            consents,
        })
}

/// A lead's stored history: a capture, then up to `max_changes` changes
/// (attributes, owner, contacted, qualified, disqualified, converted), each
/// kept only if the lead accepts it, at instants that never go backwards.
/// Replaying it with [`Lead::from_events`](crate::Lead::from_events)
/// always succeeds.
pub fn lead_history(max_changes: usize) -> impl Strategy<Value = Vec<LeadEvent>> {
    (
        1_u128..=1_000,
        lead_data(),
        prop::collection::vec((lead_change(), 0_i64..=3 * 86_400), 0..=max_changes),
    )
        .prop_map(|(id, data, changes)| {
            let mut at = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000);
            let mut lead = Lead::default();
            let mut events = Vec::new();
            let capture = LeadChange::Capture {
                id: LeadId::from_u128(id),
                data,
            };
            for (change, gap) in std::iter::once((capture, 0)).chain(changes) {
                at += TimeDelta::seconds(gap);
                if let Ok(decided) = lead.handle(&LeadCommand::new(at, change)) {
                    events.extend(decided);
                }
            }
            events
        })
}

/// A lead folded from a [`lead_history`] of up to 10 changes.
pub fn lead() -> impl Strategy<Value = Lead> {
    lead_history(10).prop_filter_map("replayable", |events| Lead::from_events(&events).ok())
}

/// A lead's data: a name, a source, and maybe an email, a phone, a company
/// with a domain, a campaign.
pub fn lead_data() -> impl Strategy<Value = LeadData> {
    (
        name(),
        small_text(&["webinar", "signup form", "trade fair"], Source::new),
        prop::option::of(email()),
        prop::option::of(phone()),
        prop::option::of(small_text(&["Acme", "Globex", "Initech"], Name::new)),
        prop::option::of(small_text(&["spring launch"], Name::new)),
    )
        .prop_map(|(name, source, email, phone, company, campaign)| {
            let mut data = LeadData::new(name, source);
            data.email = email;
            data.phone = phone;
            if let Some(company) = company {
                data.domain = WebDomain::parse(&format!("{}.example", company.as_str())).ok();
                data.company = Some(company);
            }
            data.campaign = campaign;
            data
        })
}

/// Attributes that fit rules read: `industry` (choice-like text),
/// `employees` (number), `country` (text).
pub fn lead_attribute() -> impl Strategy<Value = (FieldKey, FieldValue)> {
    prop_oneof![
        small_text(&["software", "retail", "public sector"], FieldText::new).prop_filter_map(
            "attribute",
            |t| Some((FieldKey::new("industry").ok()?, FieldValue::Text(t)))
        ),
        (1_i64..=50_000).prop_filter_map("attribute", |n| Some((
            FieldKey::new("employees").ok()?,
            FieldValue::Number(Decimal::from(n))
        ))),
        small_text(&["DE", "US", "FR"], FieldText::new).prop_filter_map("attribute", |t| Some((
            FieldKey::new("country").ok()?,
            FieldValue::Text(t)
        ))),
    ]
}

fn lead_change() -> impl Strategy<Value = LeadChange> {
    let reason = prop::sample::select(vec![
        DisqualifyReason::NoBudget,
        DisqualifyReason::NoNeed,
        DisqualifyReason::Competitor,
        DisqualifyReason::Invalid,
    ]);
    prop_oneof![
        4 => lead_attribute().prop_map(|(k, v)| LeadChange::SetAttribute(k, v)),
        1 => prop::option::of((1_u128..=3).prop_map(UserId::from_u128)).prop_map(LeadChange::AssignOwner),
        2 => Just(LeadChange::MarkContacted),
        2 => Just(LeadChange::Qualify),
        1 => reason.prop_map(LeadChange::Disqualify),
        1 => (1_u128..=100, prop::option::of(101_u128..=200), name()).prop_map(|(contact, organization, deal)| {
            LeadChange::Convert(Conversion {
                contact: PartyId::from_u128(contact),
                organization: organization.map(PartyId::from_u128),
                opportunity: OpportunitySeed::new(deal),
            })
        }),
    ]
}

/// The engagement kinds [`scoring_model`] has rules for, and one it has none
/// for (`page_view`).
pub fn engagement_kind() -> impl Strategy<Value = EngagementKind> {
    small_text(
        &[
            "email_open",
            "email_click",
            "demo_request",
            "webinar",
            "page_view",
        ],
        EngagementKind::new,
    )
}

/// Up to 50 behavioural events at most `horizon_days` before `end`.
pub fn engagements(
    end: DateTime<Utc>,
    horizon_days: i64,
) -> impl Strategy<Value = Vec<Engagement>> {
    prop::collection::vec((engagement_kind(), 0..=horizon_days * 86_400), 0..=50).prop_map(
        move |rows| {
            rows.into_iter()
                .map(|(kind, before)| Engagement::new(kind, end - TimeDelta::seconds(before)))
                .collect()
        },
    )
}

/// A scoring model over [`lead_attribute`]'s attributes: up to 20 fit rules
/// (negative points included), rules for four engagement kinds with
/// optional caps, a half-life of one to 90 days, an optional overall cap,
/// bands with the sales band above the marketing band, and sometimes the
/// engagement-alone route.
pub fn scoring_model() -> impl Strategy<Value = ScoringModel> {
    let predicate = prop_oneof![
        lead_attribute().prop_map(|(k, v)| Predicate::Equals(k, v)),
        (0_i64..=20_000).prop_filter_map("key", |n| Some(Predicate::AtLeast(
            FieldKey::new("employees").ok()?,
            Decimal::from(n)
        ))),
        (0_i64..=20_000).prop_filter_map("key", |n| Some(Predicate::Below(
            FieldKey::new("employees").ok()?,
            Decimal::from(n)
        ))),
        small_text(&["industry", "country", "budget"], FieldKey::new).prop_map(Predicate::Present),
        small_text(&["industry", "country", "budget"], FieldKey::new).prop_map(Predicate::Absent),
    ];
    let fit_rule = (predicate, -30_i32..=50).prop_filter_map("rule", |(predicate, points)| {
        Some(FitRule::new(
            RuleName::new("rule").ok()?,
            predicate,
            Score::points(points),
        ))
    });
    let cap = || prop::option::of((0_i32..=200).prop_map(Score::points));
    let engagement_rules = (
        prop::collection::vec((0_i32..=50, cap()), 4),
        Just(["email_open", "email_click", "demo_request", "webinar"]),
    )
        .prop_map(|(rows, kinds)| {
            rows.into_iter()
                .zip(kinds)
                .filter_map(|((points, cap), kind)| {
                    let rule =
                        EngagementRule::new(EngagementKind::new(kind).ok()?, Score::points(points));
                    Some(match cap {
                        Some(cap) => rule.with_cap(cap),
                        None => rule,
                    })
                })
                .collect::<Vec<_>>()
        });
    let bands = (
        0_i32..=60,
        0_i32..=100,
        0_i32..=60,
        0_i32..=100,
        prop::option::of(0_i32..=300),
    )
        .prop_map(
            |(mql_fit, mql_engagement, more_fit, more_engagement, alone)| {
                let bands = Bands::new(
                    Band::new(Score::points(mql_fit), Score::points(mql_engagement)),
                    Band::new(
                        Score::points(mql_fit + more_fit),
                        Score::points(mql_engagement + more_engagement),
                    ),
                );
                match alone {
                    Some(threshold) => {
                        bands.with_sales_on_engagement_alone(Score::points(threshold))
                    }
                    None => bands,
                }
            },
        );
    (
        prop::collection::vec(fit_rule, 0..=20),
        engagement_rules,
        1_i64..=90,
        prop::option::of((0_i32..=300).prop_map(Score::points)),
        bands,
    )
        .prop_filter_map("valid model", |(fit, engagement, days, cap, bands)| {
            ScoringModel::new(fit, engagement, TimeDelta::days(days), cap, bands).ok()
        })
}

/// A [`ScoringSetup`](crate::ScoringSetup)'s stored history: up to
/// `max_models` [`scoring_model`]s adopted at instants that never go
/// backwards (sometimes the same instant), each kept as the setup decides
/// it (the model already in force records nothing). Replaying it with
/// [`ScoringSetup::from_events`](crate::ScoringSetup::from_events) always
/// succeeds.
pub fn scoring_history(max_models: usize) -> impl Strategy<Value = Vec<crate::ScoringEvent>> {
    prop::collection::vec(
        (
            scoring_model(),
            prop_oneof![Just(0_i64), 1_i64..=90 * 86_400],
        ),
        0..=max_models,
    )
    .prop_map(|steps| {
        let mut at = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000);
        let mut setup = crate::ScoringSetup::default();
        let mut events = Vec::new();
        for (model, gap) in steps {
            at += TimeDelta::seconds(gap);
            if let Ok(decided) = setup.handle(&crate::ScoringCommand::adopt(at, model)) {
                events.extend(decided);
            }
        }
        events
    })
}

/// Any touch kind.
pub fn touch_kind() -> impl Strategy<Value = crate::TouchKind> {
    prop::sample::select(crate::TouchKind::ALL.to_vec())
}

/// Any marketing channel.
pub fn marketing_channel() -> impl Strategy<Value = crate::MarketingChannel> {
    use crate::MarketingChannel as M;
    prop::sample::select(vec![
        M::Email,
        M::PaidSearch,
        M::OrganicSearch,
        M::Social,
        M::Display,
        M::Referral,
        M::Event,
        M::Outbound,
        M::Direct,
    ])
}

/// A touchpoint in `[end − days, end]` (to the second), by one of three
/// parties, for one of three campaigns or none. Direct touches come through
/// the direct channel with no campaign.
///
/// ```
/// use bureau_crm::strategy;
/// use chrono::{DateTime, TimeDelta};
/// use proptest::prelude::*;
///
/// let end = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
/// proptest!(|(touch in strategy::touchpoint(end, 30))| {
///     prop_assert!(touch.at <= end && touch.at >= end - TimeDelta::days(30));
/// });
/// ```
pub fn touchpoint(end: DateTime<Utc>, days: u32) -> impl Strategy<Value = crate::Touchpoint> {
    let seconds = i64::from(days) * 86_400;
    (
        0..=seconds,
        touch_kind(),
        marketing_channel(),
        prop::option::of(1_u128..=3),
        1_u128..=3,
    )
        .prop_map(move |(back, kind, channel, campaign, party)| {
            let (channel, campaign) = if kind == crate::TouchKind::Direct {
                (crate::MarketingChannel::Direct, None)
            } else {
                (channel, campaign.map(crate::CampaignId::from_u128))
            };
            crate::Touchpoint::new(
                PartyId::from_u128(party),
                campaign,
                channel,
                end - TimeDelta::seconds(back),
                kind,
            )
        })
}

/// Between `count.start` and `count.end - 1` touchpoints in `[end − days,
/// end]`, in no particular order (instants may repeat: ties are common
/// when `days` is small).
pub fn touchpoints(
    end: DateTime<Utc>,
    days: u32,
    count: std::ops::Range<usize>,
) -> impl Strategy<Value = Vec<crate::Touchpoint>> {
    prop::collection::vec(touchpoint(end, days), count)
}

/// Custom weights: each kind 0 to 10 in tenths, at least one kind positive.
pub fn kind_weights() -> impl Strategy<Value = crate::attribution::KindWeights> {
    prop::collection::vec(0_i64..=100, 7).prop_filter_map("all weights zero", |tenths| {
        if tenths.iter().all(|t| *t == 0) {
            return None;
        }
        let pairs: Vec<_> = crate::TouchKind::ALL
            .iter()
            .zip(tenths)
            .map(|(kind, t)| (*kind, Decimal::new(t, 1)))
            .collect();
        crate::attribution::KindWeights::new(&pairs).ok()
    })
}

/// Every attribution model; time decay with a half-life of one hour to 30
/// days.
pub fn attribution_model() -> impl Strategy<Value = crate::attribution::AttributionModel> {
    use crate::attribution::AttributionModel as A;
    prop_oneof![
        Just(A::FirstTouch),
        Just(A::LastTouch),
        Just(A::LastNonDirect),
        Just(A::Linear),
        (1_i64..=720).prop_map(|hours| A::TimeDecay {
            half_life: TimeDelta::hours(hours)
        }),
        Just(A::PositionBased),
        Just(A::WShaped),
        kind_weights().prop_map(A::Custom),
    ]
}

/// Up to `max` [`MatchRecord`](crate::dedup::MatchRecord)s with distinct
/// ids, drawn from small pools of names (some misspelt), organizations,
/// emails and phones, so that exact and fuzzy duplicates are common.
pub fn match_records(max: usize) -> impl Strategy<Value = Vec<crate::dedup::MatchRecord>> {
    const NAMES: &[&str] = &[
        "Jonathan Smith",
        "Jonathon Smith",
        "Smith Jonathan",
        "Ada Lovelace",
        "Ada Lovelase",
        "Grace Hopper",
        "Grace Hoper",
        "Alan Turing",
    ];
    const ORGANIZATIONS: &[&str] = &["Acme", "ACME Ltd", "Acme Ltd.", "Globex"];
    const EMAILS: &[&str] = &["a@example.com", "b@example.com", "c@example.org"];
    const PHONES: &[&str] = &["+4930123456", "+4930654321"];
    let record = (
        prop::option::of(prop::sample::select(NAMES)),
        prop::option::of(prop::sample::select(ORGANIZATIONS)),
        prop::option::weighted(0.3, prop::sample::select(EMAILS)),
        prop::option::weighted(0.2, prop::sample::select(PHONES)),
    );
    prop::collection::vec(record, 0..=max).prop_map(|fields| {
        fields
            .into_iter()
            .zip(1u128..)
            .map(|((name, organization, email, phone), id)| {
                let mut record = crate::dedup::MatchRecord::new(PartyId::from_u128(id));
                if let Some(name) = name.and_then(|n| Name::new(n).ok()) {
                    record = record.with_name(&name);
                }
                if let Some(org) = organization.and_then(|o| Name::new(o).ok()) {
                    record = record.with_organization(&org);
                }
                if let Some(email) = email.and_then(|e| EmailAddress::parse(e).ok()) {
                    record = record.with_email(email);
                }
                if let Some(phone) = phone.and_then(|p| PhoneNumber::parse(p, None).ok()) {
                    record = record.with_phone(phone);
                }
                record
            })
            .collect()
    })
}

/// A [`PartyRecord`](crate::merge::PartyRecord) of party `id` with up to
/// four fields (some blank) from two sources, up to six activities from a
/// pool shared between records, and up to two roles.
pub fn party_record(id: u128) -> impl Strategy<Value = crate::merge::PartyRecord> {
    const KEYS: &[&str] = &["title", "city", "nickname", "website"];
    const VALUES: &[&str] = &["a", "Berlin", "Chief Officer", "example.org"];
    const SOURCES: &[&str] = &["web", "erp"];
    let field = (
        prop::sample::select(KEYS),
        prop::option::weighted(0.8, prop::sample::select(VALUES)),
        0i64..100,
        prop::sample::select(SOURCES),
    );
    (
        prop::collection::vec(field, 0..=4),
        prop::collection::vec(0u128..8, 0..=6),
        prop::collection::vec(0u128..3, 0..=2),
    )
        .prop_map(move |(fields, activities, roles)| {
            let mut record = crate::merge::PartyRecord::new(PartyId::from_u128(id));
            for (key, value, days, source) in fields {
                let (Ok(key), Ok(source)) = (FieldKey::new(key), Source::new(source)) else {
                    continue;
                };
                let value = value.and_then(|v| FieldText::new(v).ok());
                let at = DateTime::UNIX_EPOCH + TimeDelta::days(days);
                record = record.with_field(key, crate::merge::FieldEntry::new(value, at, source));
            }
            for activity in activities {
                record = record.with_activity(crate::ActivityId::from_u128(activity));
            }
            for organization in roles {
                record = record.with_role(crate::Role {
                    organization: PartyId::from_u128(1000 + organization),
                    title: None,
                    since: DateTime::UNIX_EPOCH,
                    until: None,
                });
            }
            record
        })
}

/// A [`MergePolicy`](crate::merge::MergePolicy) with any default rule and
/// maybe a source order for the field `title`.
pub fn merge_policy() -> impl Strategy<Value = crate::merge::MergePolicy> {
    use crate::merge::{MergePolicy, Survivorship};
    let order = || {
        Survivorship::SourceOrder(
            ["erp", "web"]
                .iter()
                .filter_map(|s| Source::new(s).ok())
                .collect(),
        )
    };
    (0usize..4, any::<bool>()).prop_map(move |(rule, title_by_source)| {
        let default = match rule {
            0 => Survivorship::MostRecentNonEmpty,
            1 => Survivorship::FromSurvivor,
            2 => Survivorship::Longest,
            _ => order(),
        };
        let policy = MergePolicy::new(default);
        match (title_by_source, FieldKey::new("title")) {
            (true, Ok(key)) => policy.with_field(key, order()),
            _ => policy,
        }
    })
}

fn case_change() -> impl Strategy<Value = crate::case::CaseChange> {
    use crate::case::{CaseChange, CasePriority, CaseStatus, GroupId, Satisfaction};
    let priority = prop::sample::select(vec![
        CasePriority::Low,
        CasePriority::Normal,
        CasePriority::High,
        CasePriority::Urgent,
    ]);
    let body = || {
        small_text(
            &["Thanks", "Any news?", "Fixed in 2.1", "Escalated"],
            crate::MessageText::new,
        )
    };
    let tag = || small_text(&["billing", "vip", "bug"], Tag::new);
    prop_oneof![
        3 => prop::sample::select(CaseStatus::ALL.to_vec()).prop_map(CaseChange::Status),
        1 => priority.prop_map(CaseChange::Priority),
        1 => (prop::option::of(1_u128..4), prop::option::of(1_u128..3)).prop_map(|(a, g)| {
            CaseChange::Assign {
                assignee: a.map(UserId::from_u128),
                group: g.map(GroupId::from_u128),
            }
        }),
        1 => tag().prop_map(CaseChange::AddTag),
        1 => tag().prop_map(CaseChange::RemoveTag),
        1 => (1_u128..4, body()).prop_map(|(a, body)| CaseChange::Reply {
            agent: UserId::from_u128(a),
            body
        }),
        1 => (1_u128..4, body()).prop_map(|(a, body)| CaseChange::Note {
            agent: UserId::from_u128(a),
            body
        }),
        1 => body().prop_map(|body| CaseChange::CustomerMessage { body }),
        1 => (1_u8..=5).prop_filter_map("valid rating", |s| Satisfaction::new(s).ok().map(CaseChange::Rate)),
        // Rare, as they end a history: a merge into another case (ids
        // above those of the histories) and a deletion.
        1 => (2_000_u128..2_003).prop_map(|id| CaseChange::MergeInto(bureau_core::TicketId::from_u128(id))),
        1 => Just(CaseChange::Delete),
    ]
}

/// The events of one support case: opened, then up to `max_changes`
/// changes of every kind (statuses, priority, assignment, tags, replies,
/// notes, customer messages, ratings, a merge into another case, a
/// deletion), each kept only if the case accepts
/// it, at instants that never go backwards. Replaying it with
/// [`Case::from_events`](crate::case::Case::from_events) always succeeds.
pub fn case_history(max_changes: usize) -> impl Strategy<Value = Vec<crate::case::CaseEvent>> {
    use crate::case::{Case, CaseChange, CaseChannel, CaseCommand, CasePriority, Opener};
    (
        1_u128..=1_000,
        prop::sample::select(vec![
            CaseChannel::Email,
            CaseChannel::Web,
            CaseChannel::Chat,
        ]),
        prop::collection::vec((case_change(), 0_i64..=3_600), 0..=max_changes),
    )
        .prop_map(|(id, channel, changes)| {
            let mut at = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000);
            let mut case = Case::default();
            let mut events = Vec::new();
            let Ok(subject) = crate::Subject::new("Help") else {
                return events;
            };
            let open = CaseChange::Open {
                id: bureau_core::TicketId::from_u128(id),
                requester: PartyId::from_u128(id),
                organization: None,
                channel,
                priority: CasePriority::Normal,
                opened_by: Opener::Customer,
                subject,
            };
            for (change, gap) in std::iter::once((open, 0)).chain(changes) {
                at += TimeDelta::seconds(gap);
                if let Ok(decided) = case.handle(&CaseCommand::new(at, change)) {
                    events.extend(decided);
                }
            }
            events
        })
}

/// A case folded from a [`case_history`] of up to 20 changes.
pub fn case() -> impl Strategy<Value = crate::case::Case> {
    case_history(20).prop_filter_map("replayable", |events| {
        crate::case::Case::from_events(&events).ok()
    })
}
