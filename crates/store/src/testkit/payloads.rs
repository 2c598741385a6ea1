//! Payloads and metadata read back exactly as appended, and the limits of
//! what an append accepts.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::Value;

use super::{Harness, ensure, fail, labelled};
use crate::chain::canonical_bytes;
use crate::error::{Error, Result};
use crate::event::{EventMetadata, ExpectedVersion, NewEvent, Position, StreamId, Version};
use crate::port::EventStore;

/// Floats and integers whose spelling engines and parsers are known to
/// change: `14.0 * 0.1`, `0.1 + 0.2`, exponents, negative zero, the extremes
/// of `f64`, the smallest subnormal, integers beyond 2^53 and the extremes of
/// `u64` and `i64`.
fn awkward_numbers() -> Vec<Value> {
    let floats = [
        f64::from_bits(0x3FF6_6666_6666_6667),
        f64::from_bits(0x3FD3_3333_3333_3334),
        1e16,
        1e-7,
        -0.0,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        9_007_199_254_740_993.0,
    ];
    floats
        .into_iter()
        .map(Value::from)
        .chain([
            Value::from(9_007_199_254_740_993_u64),
            Value::from(u64::MAX),
            Value::from(i64::MIN),
            Value::from(-9_007_199_254_740_993_i64),
        ])
        .collect()
}

/// Text from every Unicode plane, with backslashes, quotes and escapes'
/// spellings; NUL only when the store holds it.
fn text(nul: bool) -> impl Strategy<Value = String> {
    let chars = prop::collection::vec(any::<char>(), 0..6)
        .prop_map(move |chars| {
            chars
                .into_iter()
                .filter(|c| nul || *c != '\0')
                .collect::<String>()
        })
        .boxed();
    prop_oneof![
        3 => chars,
        1 => "[a-z]{0,6}",
        1 => Just("\\u0000 \\\\ \\\" \\n".to_owned()),
        1 => Just("back\\slash\\".to_owned()),
        1 => Just("𝄞 \u{10FFFF} \u{E000} \u{FFFD}".to_owned()),
    ]
}

/// `leaf` wrapped in arrays and objects, alternately, `depth` levels deep.
fn nested(leaf: Value, depth: usize) -> Value {
    (0..depth).fold(leaf, |inner, level| {
        if level % 2 == 0 {
            Value::Array(vec![inner])
        } else {
            let mut map = serde_json::Map::new();
            map.insert("k".to_owned(), inner);
            Value::Object(map)
        }
    })
}

fn json(nul: bool) -> impl Strategy<Value = Value> {
    let number = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        prop::sample::select(awkward_numbers()),
    ];
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        4 => number,
        2 => text(nul).prop_map(Value::from),
    ];
    let tree = leaf.clone().prop_recursive(4, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(text(nul), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    });
    prop_oneof![
        8 => tree,
        1 => leaf.prop_map(|leaf| nested(leaf, NewEvent::MAX_PAYLOAD_DEPTH)),
    ]
}

fn event(nul: bool) -> impl Strategy<Value = NewEvent> {
    (
        text(nul),
        json(nul),
        // Year 1 to year 9999: every adapter stores these instants.
        -62_135_596_800_000_000_i64..253_402_300_800_000_000,
        proptest::option::of(text(nul)),
        proptest::option::of(text(nul)),
        proptest::option::of(text(nul)),
    )
        .prop_map(
            |(event_type, payload, micros, causation, correlation, actor)| {
                let at = DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or_default();
                labelled(
                    NewEvent::new(event_type, payload, at),
                    causation,
                    correlation,
                    actor,
                )
            },
        )
}

/// Whether `back` holds exactly `sent`, to the canonical bytes (`Value`'s
/// own equality takes `-0.0` for `0.0`).
fn same(stream: &StreamId, sent: &[NewEvent], back: &[crate::RecordedEvent]) -> bool {
    sent.len() == back.len()
        && sent.iter().zip(back).all(|(sent, back)| {
            let at =
                |event: &NewEvent| canonical_bytes(back.position(), stream, back.version(), event);
            back.event() == sent && at(back.event()) == at(sent)
        })
}

async fn round_trip<S: EventStore>(
    store: &S,
    stream: &StreamId,
    events: &[NewEvent],
) -> std::result::Result<(), TestCaseError> {
    let failed = |what: &str, error: Error| TestCaseError::fail(format!("{what}: {error}"));
    store
        .append(stream, ExpectedVersion::Exact(Version::INITIAL), events)
        .await
        .map_err(|e| failed("append", e))?;
    let back = store
        .read_stream(stream, Version::INITIAL)
        .await
        .map_err(|e| failed("read_stream", e))?;
    if !same(stream, events, &back) {
        return Err(TestCaseError::fail(format!(
            "appended {events:?}, read back {back:?}"
        )));
    }
    let verification = store.verify().await.map_err(|e| failed("verify", e))?;
    if !verification.is_intact() {
        return Err(TestCaseError::fail(format!(
            "an untouched store does not verify: {verification:?}"
        )));
    }
    Ok(())
}

/// Appends proptest-generated events to one store, each case to a stream of
/// its own, and checks each reads back exactly as appended (to the canonical
/// bytes) and that the chain stays intact. Payloads hold floats (any finite
/// `f64`, `14.0 * 0.1`, `-0.0`, `f64::MAX`, exponents, subnormals), integers
/// beyond 2^53 up to the extremes of `u64` and `i64`, text from every Unicode
/// plane with backslashes and the spelling `\u0000`, and nesting down to
/// [`NewEvent::MAX_PAYLOAD_DEPTH`]; event types, stream names and metadata
/// hold the same text (NUL only where
/// [`Capabilities::nul_in_text`](super::Capabilities::nul_in_text) says so).
/// The awkward numbers are also appended once each before the generated
/// cases.
///
/// Call it from a plain `#[test]`: it drives the store on a runtime of its
/// own.
///
/// # Errors
///
/// [`Error::Conformance`] with the shrunk failing case.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_round_trip, InMemoryHarness};
/// use proptest::test_runner::Config;
///
/// check_round_trip(&InMemoryHarness, Config::with_cases(16))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_round_trip<H: Harness>(harness: &H, config: Config) -> Result<()> {
    const CHECK: &str = "round trip";
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(CHECK, format!("cannot start a runtime: {e}")))?;
    let nul = harness.capabilities().holds_nul_in_text();
    let store = runtime.block_on(harness.fresh())?;
    let at = DateTime::<Utc>::UNIX_EPOCH;
    for (index, number) in awkward_numbers().into_iter().enumerate() {
        let stream = StreamId::new(format!("number-{index}"))?;
        let mut map = serde_json::Map::new();
        map.insert("x".to_owned(), number);
        let event = NewEvent::new("number", Value::Object(map), at);
        runtime
            .block_on(round_trip(&store, &stream, std::slice::from_ref(&event)))
            .map_err(|e| fail(CHECK, format!("{event:?}: {e}")))?;
    }
    let counter = std::sync::atomic::AtomicU64::new(0);
    let mut runner = TestRunner::new(config);
    let strategy = (text(nul), prop::collection::vec(event(nul), 1..4));
    let outcome = runner.run(&strategy, |(name, events)| {
        let case = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name: String = format!("case-{case}-{name}")
            .chars()
            .take(StreamId::MAX_LEN / 4)
            .collect();
        let stream = StreamId::new(name).map_err(|e| TestCaseError::fail(e.to_string()))?;
        runtime.block_on(round_trip(&store, &stream, &events))
    });
    match outcome {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, case)) => Err(fail(
            CHECK,
            format!("{reason}; minimal failing case: {case:?}"),
        )),
        Err(TestError::Abort(reason)) => Err(fail(CHECK, format!("aborted: {reason}"))),
    }
}

/// Checks the limits of an append on a fresh store: a payload nested
/// [`NewEvent::MAX_PAYLOAD_DEPTH`] levels is stored and read back; one level
/// more (alone, or after a valid event in the same batch, or a thousand
/// levels) is refused with [`Error::PayloadTooDeep`] naming the limit, and
/// nothing is written; a stream name of [`StreamId::MAX_LEN`] bytes is
/// stored, a longer one refused by [`StreamId::new`]; text that spells
/// `\u0000` with a backslash (no NUL in it) is stored everywhere; events at
/// the extreme instants `chrono` represents are stored and read back, or
/// refused with [`Error::Unsupported`] and nothing written, never another
/// error. The chain verifies at the end.
///
/// # Errors
///
/// [`Error::Conformance`] naming the case; store errors.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_limits, InMemoryHarness};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// check_limits(&InMemoryHarness).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check_limits<H: Harness>(harness: &H) -> Result<()> {
    const CHECK: &str = "limits";
    let store = harness.fresh().await?;
    let at = DateTime::<Utc>::UNIX_EPOCH;
    let count = |store: &H::Store| {
        let store = store.clone();
        async move {
            store
                .read_all(Position::FIRST, usize::MAX)
                .await
                .map(|events| events.len())
        }
    };

    let deepest = NewEvent::new(
        "deep",
        nested(Value::from(1.5), NewEvent::MAX_PAYLOAD_DEPTH),
        at,
    );
    let stream = StreamId::new("deepest")?;
    store
        .append(
            &stream,
            ExpectedVersion::Any,
            std::slice::from_ref(&deepest),
        )
        .await?;
    let back = store.read_stream(&stream, Version::INITIAL).await?;
    ensure(
        CHECK,
        same(&stream, std::slice::from_ref(&deepest), &back),
        || "a payload nested to the limit does not read back".to_owned(),
    )?;

    let before = count(&store).await?;
    let too_deep = |depth: usize| NewEvent::new("too deep", nested(Value::Null, depth), at);
    for batch in [
        vec![too_deep(NewEvent::MAX_PAYLOAD_DEPTH + 1)],
        vec![deepest.clone(), too_deep(NewEvent::MAX_PAYLOAD_DEPTH + 1)],
        vec![too_deep(1_000)],
    ] {
        let outcome = store
            .append(&StreamId::new("too deep")?, ExpectedVersion::Any, &batch)
            .await;
        ensure(
            CHECK,
            matches!(&outcome, Err(Error::PayloadTooDeep { limit, .. }) if *limit == NewEvent::MAX_PAYLOAD_DEPTH),
            || format!("a payload past the depth limit gave {outcome:?}"),
        )?;
        if let Err(error) = &outcome {
            let message = error.to_string();
            ensure(
                CHECK,
                message.contains(&NewEvent::MAX_PAYLOAD_DEPTH.to_string()),
                || format!("{message:?} does not name the limit"),
            )?;
        }
    }
    ensure(CHECK, count(&store).await? == before, || {
        "a refused deep payload wrote something".to_owned()
    })?;

    let longest = StreamId::new("é".repeat(StreamId::MAX_LEN / 2))?;
    let event = NewEvent::new("t", Value::Null, at);
    store
        .append(
            &longest,
            ExpectedVersion::Exact(Version::INITIAL),
            std::slice::from_ref(&event),
        )
        .await?;
    ensure(
        CHECK,
        store.stream_version(&longest).await? == Version::new(1),
        || "a stream name of the longest length is not stored".to_owned(),
    )?;
    let too_long = StreamId::new("x".repeat(StreamId::MAX_LEN + 1));
    ensure(
        CHECK,
        matches!(too_long, Err(Error::StreamIdTooLong { length, limit }) if length == StreamId::MAX_LEN + 1 && limit == StreamId::MAX_LEN),
        || format!("a stream name past the limit gave {too_long:?}"),
    )?;

    let spelled = "\\u0000";
    let stream = StreamId::new(format!("{spelled} stream"))?;
    let event = NewEvent::new(
        spelled,
        serde_json::json!({ spelled: [spelled, format!("a{spelled}b")] }),
        at,
    )
    .with_metadata(EventMetadata::new().actor(spelled).causation_id(spelled));
    store
        .append(&stream, ExpectedVersion::Any, std::slice::from_ref(&event))
        .await
        .map_err(|e| {
            fail(
                CHECK,
                format!("text spelling a NUL escape was refused: {e}"),
            )
        })?;
    let back = store.read_stream(&stream, Version::INITIAL).await?;
    ensure(
        CHECK,
        same(&stream, std::slice::from_ref(&event), &back),
        || format!("text spelling a NUL escape read back as {back:?}"),
    )?;

    for instant in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        let stream = StreamId::new(format!("at {instant}"))?;
        let event = NewEvent::new("t", Value::Null, instant);
        let before = count(&store).await?;
        match store
            .append(&stream, ExpectedVersion::Any, std::slice::from_ref(&event))
            .await
        {
            Ok(_) => {
                let back = store.read_stream(&stream, Version::INITIAL).await?;
                ensure(
                    CHECK,
                    same(&stream, std::slice::from_ref(&event), &back),
                    || format!("an event at {instant} read back as {back:?}"),
                )?;
            }
            Err(Error::Unsupported { .. }) => {
                ensure(CHECK, count(&store).await? == before, || {
                    format!("a refused event at {instant} wrote something")
                })?;
            }
            Err(other) => {
                return Err(fail(
                    CHECK,
                    format!(
                        "an event at {instant} gave {other:?}, expected it stored or unsupported"
                    ),
                ));
            }
        }
    }

    let verification = store.verify().await?;
    ensure(CHECK, verification.is_intact(), || {
        format!("chain after the limit cases: {verification:?}")
    })
}
