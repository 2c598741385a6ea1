//! Pauses between retries that need no particular async runtime.
//!
//! The store crate runs on whatever runtime its caller uses (the adapters
//! bring Tokio, the in-memory store none), so a pause cannot call a
//! runtime's timer. Each pause is a short-lived thread that sleeps and then
//! wakes the waiting task: pauses happen only after a conflict, so their
//! cost (tens of microseconds to start a thread) is small next to the pause
//! itself. If no thread can be started, the pause ends at once rather than
//! fail the command.

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// A number in `0..=bound`, different at every call. Drawn by hashing a
/// process-wide counter with std's randomly keyed hasher: enough to spread
/// writers apart, with no random-number crate.
pub(crate) fn jitter(bound: u64) -> u64 {
    static DRAWS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(DRAWS.fetch_add(1, Ordering::Relaxed));
    match bound.checked_add(1) {
        Some(span) => hasher.finish() % span,
        None => hasher.finish(),
    }
}

#[derive(Debug, Default)]
struct Shared {
    done: bool,
    waker: Option<Waker>,
}

/// A future that is ready once `duration` has passed.
#[derive(Debug)]
pub(crate) struct Pause {
    duration: Duration,
    shared: Option<Arc<Mutex<Shared>>>,
}

impl Pause {
    pub(crate) fn new(duration: Duration) -> Self {
        Self {
            duration,
            shared: None,
        }
    }
}

impl Future for Pause {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.duration.is_zero() {
            return Poll::Ready(());
        }
        if let Some(shared) = &self.shared {
            let mut shared = shared.lock().unwrap_or_else(PoisonError::into_inner);
            if shared.done {
                return Poll::Ready(());
            }
            shared.waker = Some(context.waker().clone());
            return Poll::Pending;
        }
        let shared = Arc::new(Mutex::new(Shared {
            done: false,
            waker: Some(context.waker().clone()),
        }));
        let timer = Arc::clone(&shared);
        let duration = self.duration;
        let started = std::thread::Builder::new()
            .name("bureau-store-pause".to_owned())
            .stack_size(64 * 1024)
            .spawn(move || {
                std::thread::sleep(duration);
                let waker = {
                    let mut shared = timer.lock().unwrap_or_else(PoisonError::into_inner);
                    shared.done = true;
                    shared.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
        if started.is_err() {
            return Poll::Ready(());
        }
        self.shared = Some(shared);
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_its_bound_and_varies() {
        let draws: Vec<u64> = (0..200).map(|_| jitter(9)).collect();
        assert!(draws.iter().all(|d| *d <= 9));
        assert!(draws.iter().any(|d| *d != draws[0]));
        assert_eq!(jitter(0), 0);
        let _ = jitter(u64::MAX);
    }

    #[tokio::test]
    async fn a_pause_lasts_at_least_its_duration() {
        let started = std::time::Instant::now();
        Pause::new(Duration::from_millis(20)).await;
        assert!(started.elapsed() >= Duration::from_millis(20));
        Pause::new(Duration::ZERO).await;
    }
}
