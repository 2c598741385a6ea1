//! Generated operation sequences checked against a reference model.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

use super::{Harness, fail, labelled};
use crate::chain::{ChainHash, Verification};
use crate::error::{Error, Result};
use crate::event::{
    Appended, ExpectedVersion, NewEvent, Position, RecordedEvent, StreamId, Version,
};
use crate::port::EventStore;

/// Stream names the sequences use: plain, quoted, and an SQL fragment.
const STREAMS: [&str; 3] = [
    "alpha",
    "o'brien \"q\"",
    "x'); DROP TABLE bureau_events; --",
];

#[derive(Clone, Debug)]
enum Expect {
    Any,
    Current,
    Behind(u64),
    Ahead(u64),
}

#[derive(Clone, Debug)]
enum Op {
    Append {
        stream: usize,
        expect: Expect,
        events: Vec<NewEvent>,
    },
    ReadStream {
        stream: usize,
        from: u64,
    },
    ReadAll {
        from: u64,
        limit: usize,
    },
    StreamVersion {
        stream: usize,
    },
    Verify,
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{1,8}",
        "\\PC{0,12}",
        Just("'; DELETE FROM bureau_events; --".to_owned()),
        Just("\"double\" 'single' `tick` \\".to_owned()),
    ]
}

fn json() -> impl Strategy<Value = serde_json::Value> {
    // No floats: their JSON spelling is not preserved by every engine (JSONB
    // folds -0.0 into 0.0), and payload shape is not what this checks.
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(text(), inner, 0..4)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn event() -> impl Strategy<Value = NewEvent> {
    (
        text(),
        json(),
        0i64..4_102_444_800_000_000,
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
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

fn op() -> impl Strategy<Value = Op> {
    let expect = prop_oneof![
        Just(Expect::Any),
        Just(Expect::Current),
        Just(Expect::Current),
        (1u64..3).prop_map(Expect::Behind),
        (1u64..3).prop_map(Expect::Ahead),
    ];
    prop_oneof![
        4 => (0..STREAMS.len(), expect, prop::collection::vec(event(), 0..4))
            .prop_map(|(stream, expect, events)| Op::Append { stream, expect, events }),
        1 => (0..STREAMS.len(), 0u64..8).prop_map(|(stream, from)| Op::ReadStream { stream, from }),
        1 => (0u64..24, 0usize..8).prop_map(|(from, limit)| Op::ReadAll { from, limit }),
        1 => (0..STREAMS.len()).prop_map(|stream| Op::StreamVersion { stream }),
        1 => Just(Op::Verify),
    ]
}

/// The reference: what a correct store holds after each operation.
#[derive(Default)]
struct Model {
    events: Vec<RecordedEvent>,
    versions: HashMap<StreamId, Version>,
}

impl Model {
    fn version(&self, stream: &StreamId) -> Version {
        self.versions.get(stream).copied().unwrap_or_default()
    }

    fn append(
        &mut self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> std::result::Result<Appended, Version> {
        let actual = self.version(stream);
        if !expected.admits(actual) {
            return Err(actual);
        }
        let mut head = self
            .events
            .last()
            .map_or(ChainHash::GENESIS, RecordedEvent::hash);
        let mut version = actual.get();
        let first = self.events.len() as u64 + 1;
        for event in events {
            version += 1;
            let position = Position::new(self.events.len() as u64 + 1);
            head = head.link(position, stream, Version::new(version), event);
            self.events.push(RecordedEvent::new(
                stream.clone(),
                Version::new(version),
                position,
                event.clone(),
                head,
            ));
        }
        self.versions.insert(stream.clone(), Version::new(version));
        let last = self.events.len() as u64;
        let positions = (!events.is_empty()).then(|| (Position::new(first), Position::new(last)));
        Ok(Appended::new(Version::new(version), positions))
    }

    fn read_stream(&self, stream: &StreamId, from: Version) -> Vec<RecordedEvent> {
        self.events
            .iter()
            .filter(|e| e.stream() == stream && e.version() >= from)
            .cloned()
            .collect()
    }

    fn read_all(&self, from: Position, limit: usize) -> Vec<RecordedEvent> {
        self.events
            .iter()
            .filter(|e| e.position() >= from)
            .take(limit)
            .cloned()
            .collect()
    }

    fn verification(&self) -> Verification {
        Verification::Intact {
            events: self.events.len() as u64,
            head: self
                .events
                .last()
                .map_or(ChainHash::GENESIS, RecordedEvent::hash),
        }
    }
}

fn differ(
    step: usize,
    op: &Op,
    store: &dyn std::fmt::Debug,
    model: &dyn std::fmt::Debug,
) -> TestCaseError {
    TestCaseError::fail(format!(
        "step {step} ({op:?}): store gave {store:?}, model expects {model:?}"
    ))
}

async fn run_ops<S: EventStore>(store: &S, ops: &[Op]) -> std::result::Result<(), TestCaseError> {
    let streams: Vec<StreamId> = STREAMS
        .iter()
        .filter_map(|name| StreamId::new(*name).ok())
        .collect();
    let stream_at = |index: usize| {
        streams
            .get(index)
            .ok_or_else(|| TestCaseError::fail(format!("no stream {index}")))
    };
    let mut model = Model::default();
    for (step, op) in ops.iter().enumerate() {
        match op {
            Op::Append {
                stream,
                expect,
                events,
            } => {
                let stream = stream_at(*stream)?;
                let current = model.version(stream).get();
                let expected = match expect {
                    Expect::Any => ExpectedVersion::Any,
                    Expect::Current => ExpectedVersion::Exact(Version::new(current)),
                    Expect::Behind(k) => {
                        ExpectedVersion::Exact(Version::new(current.saturating_sub(*k)))
                    }
                    Expect::Ahead(k) => ExpectedVersion::Exact(Version::new(current + k)),
                };
                let got = store.append(stream, expected, events).await;
                let want = model.append(stream, expected, events);
                match (&got, &want) {
                    (Ok(g), Ok(w)) if g == w => {}
                    (Err(Error::Conflict { actual, .. }), Err(w)) if actual == w => {}
                    _ => {
                        return Err(differ(step, op, &got.map_err(|e| e.to_string()), &want));
                    }
                }
            }
            Op::ReadStream { stream, from } => {
                let stream = stream_at(*stream)?;
                let got = store
                    .read_stream(stream, Version::new(*from))
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let want = model.read_stream(stream, Version::new(*from));
                if got != want {
                    return Err(differ(step, op, &got, &want));
                }
            }
            Op::ReadAll { from, limit } => {
                let got = store
                    .read_all(Position::new(*from), *limit)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let want = model.read_all(Position::new(*from), *limit);
                if got != want {
                    return Err(differ(step, op, &got, &want));
                }
            }
            Op::StreamVersion { stream } => {
                let stream = stream_at(*stream)?;
                let got = store
                    .stream_version(stream)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let want = model.version(stream);
                if got != want {
                    return Err(differ(step, op, &got, &want));
                }
            }
            Op::Verify => {
                let got = store
                    .verify()
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let want = model.verification();
                if got != want {
                    return Err(differ(step, op, &got, &want));
                }
            }
        }
    }
    // Whatever happened, the full history must match at the end.
    let got = store
        .read_all(Position::FIRST, usize::MAX)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    if got != model.events {
        return Err(TestCaseError::fail(format!(
            "final history differs: store {got:?}, model {:?}",
            model.events
        )));
    }
    Ok(())
}

/// Runs proptest-generated sequences of appends (with current, stale, future
/// and any expected versions), stream reads, paged global reads, version
/// queries and verifications against a fresh store per case, comparing every
/// answer with a reference model.
///
/// Call it from a plain `#[test]` (not inside an async runtime): it drives
/// the store on a runtime of its own. Pass `Config::default()` to honour
/// `PROPTEST_CASES`; a database-backed adapter may pass a smaller fixed case
/// count, saying why.
///
/// # Errors
///
/// [`Error::Conformance`] with the shrunk failing sequence.
///
/// # Examples
///
/// ```
/// use bureau_store::testkit::{check_sequences, InMemoryHarness};
/// use proptest::test_runner::Config;
///
/// check_sequences(&InMemoryHarness, Config::with_cases(8))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_sequences<H: Harness>(harness: &H, config: Config) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail("sequences", format!("cannot start a runtime: {e}")))?;
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&prop::collection::vec(op(), 1..24), |ops| {
        runtime.block_on(async {
            let store = harness
                .fresh()
                .await
                .map_err(|e| TestCaseError::fail(format!("cannot open a fresh store: {e}")))?;
            run_ops(&store, &ops).await
        })
    });
    match outcome {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, ops)) => Err(fail(
            "sequences",
            format!("{reason}; minimal failing sequence: {ops:?}"),
        )),
        Err(TestError::Abort(reason)) => Err(fail("sequences", format!("aborted: {reason}"))),
    }
}
