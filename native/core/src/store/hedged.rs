//! Hedged requests for listing pages. The plan consumes listings in name order, so one page whose
//! answer stalls (a response cut off mid-body by a proxy, a slow front end) holds up every transfer
//! behind it until the per-try timeout. A page that has not answered well after the pages before it
//! did is asked a second time beside the first; whichever answers first wins and the other request
//! is dropped. Pages are small idempotent reads, so the cost is one extra request now and then.

use crate::error::{EngineError, Result};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
// tokio's clock: the same as std's at run time, and pausable in tests.
use tokio::time::Instant;

/// The second request never goes out sooner than this, however fast pages have been.
const MIN_HEDGE_AFTER: Duration = Duration::from_millis(1500);
/// How many times the typical page time a page may take before it is asked again.
const SLOWER_THAN_TYPICAL: u32 = 4;

/// When to send the second request: a multiple of the recent page time (a smoothed average, so a
/// large or busy container, whose pages are all slow, is not hedged on every page).
#[derive(Default)]
pub struct HedgeDelay {
    /// Smoothed page time in microseconds; 0 before the first page.
    typical_micros: AtomicU64,
}

impl HedgeDelay {
    pub fn after(&self) -> Duration {
        let typical = Duration::from_micros(self.typical_micros.load(Ordering::Relaxed));
        (typical * SLOWER_THAN_TYPICAL).max(MIN_HEDGE_AFTER)
    }

    /// A page arrived after `took`.
    pub fn observe(&self, took: Duration) {
        let took = took.as_micros().min(u128::from(u64::MAX)) as u64;
        let old = self.typical_micros.load(Ordering::Relaxed);
        // An exponentially weighted average, 1/8 per page; the first page sets it.
        let new = if old == 0 { took } else { old - old / 8 + took / 8 };
        self.typical_micros.store(new.max(1), Ordering::Relaxed);
    }
}

/// Runs `op`; if it has not answered after `delay.after()`, runs it again beside the first and
/// returns whichever ends first (an error too: the caller's retry policy judges it). The whole is
/// bounded by `stall`: a page that neither request delivers by then is `ConnectionLost`.
pub async fn hedged<T, F, Fut>(delay: &HedgeDelay, stall: Duration, op: F) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let started = Instant::now();
    let raced = async {
        let first = op();
        tokio::pin!(first);
        tokio::select! {
            r = &mut first => return r,
            _ = tokio::time::sleep(delay.after()) => {}
        }
        tracing::debug!(after_ms = started.elapsed().as_millis() as u64, "a listing page is slow: asking again beside it");
        let second = op();
        tokio::pin!(second);
        tokio::select! {
            r = &mut first => r,
            r = &mut second => r,
        }
    };
    let outcome = tokio::time::timeout(stall, raced)
        .await
        .unwrap_or_else(|_| Err(EngineError::ConnectionLost { detail: format!("a listing page did not arrive within {} s", stall.as_secs_f64()) }));
    if outcome.is_ok() {
        delay.observe(started.elapsed());
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[tokio::test(start_paused = true)]
    async fn a_stalled_first_request_is_overtaken_by_the_second() {
        let delay = HedgeDelay::default();
        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let answer = hedged(&delay, Duration::from_secs(60), || async {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_secs(3600)).await; // the stalled one
            }
            Ok::<_, EngineError>("page")
        })
        .await
        .unwrap();
        assert_eq!((answer, calls.load(Ordering::SeqCst)), ("page", 2));
        assert!(started.elapsed() < Duration::from_secs(2), "answered by the hedge after {:?}", started.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_prompt_answer_sends_one_request_and_sets_the_typical_time() {
        let delay = HedgeDelay::default();
        let calls = AtomicU32::new(0);
        for _ in 0..3 {
            hedged(&delay, Duration::from_secs(60), || async {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(800)).await;
                Ok::<_, EngineError>(())
            })
            .await
            .unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3, "no hedge under 1.5 s");
        assert_eq!(delay.after(), Duration::from_millis(3200), "4 x the 0.8 s pages");
    }

    #[tokio::test(start_paused = true)]
    async fn when_neither_answers_the_page_is_connection_lost_at_the_stall_limit() {
        let e = hedged(&HedgeDelay::default(), Duration::from_secs(10), || async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<_, EngineError>(())
        })
        .await
        .unwrap_err();
        assert_eq!(e.error_id(), "ConnectionLost");
    }
}
