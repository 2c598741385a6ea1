//! The in-memory adapter against the conformance testkit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_store::testkit::{self, InMemoryHarness};
use proptest::test_runner::Config;

#[test]
fn sequences_match_the_model() {
    // The in-memory store is cheap: honour PROPTEST_CASES.
    testkit::check_sequences(&InMemoryHarness, Config::default()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_one_reader() {
    testkit::check_concurrent_writers(&InMemoryHarness, 8, 1000)
        .await
        .unwrap();
}

#[tokio::test]
async fn tampering_is_found() {
    testkit::check_tampering(&InMemoryHarness).await.unwrap();
}

#[tokio::test]
async fn corrupt_payloads_give_typed_errors() {
    testkit::check_corrupt_payloads(&InMemoryHarness)
        .await
        .unwrap();
}

#[tokio::test]
async fn values_round_trip_verbatim() {
    testkit::check_verbatim(&InMemoryHarness).await.unwrap();
}

#[tokio::test]
async fn several_streams_append_as_one() {
    testkit::check_stream_batches(&InMemoryHarness)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_on_many_streams_and_a_following_reader() {
    testkit::check_concurrent_streams(&InMemoryHarness, 8, 200)
        .await
        .unwrap();
}

#[test]
fn payloads_and_metadata_read_back_exactly() {
    testkit::check_round_trip(&InMemoryHarness, Config::default()).unwrap();
}

#[tokio::test]
async fn appends_refuse_what_cannot_be_read_back() {
    testkit::check_limits(&InMemoryHarness).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_with_the_default_retry_policy_end_uncontended() {
    let contended = testkit::check_contention(&InMemoryHarness, 8, 500)
        .await
        .unwrap();
    assert_eq!(contended, 0);
}

#[tokio::test]
async fn in_memory_pages_stream_reads() {
    testkit::check_paging(&InMemoryHarness).await.unwrap();
}

#[tokio::test]
async fn in_memory_keeps_snapshots() {
    testkit::check_snapshots(&InMemoryHarness).await.unwrap();
}
