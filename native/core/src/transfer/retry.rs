//! Retrying what failed for a reason that may pass: which errors those are, how long to wait
//! (exponential backoff with jitter, or the service's `Retry-After`), how many tries, and the
//! [`Retrier`] that runs one request under those rules, its waits cut short by cancellation and
//! each try holding a slot of the job's [`ConcurrencyLimiter`] (which throttling shrinks).

use crate::error::{EngineError, Result};
use crate::transfer::concurrency_limiter::{ConcurrencyLimiter, LimiterPermit};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Tries per request (and, for downloads, tries without progress per file). At a 10% fault rate
/// 12 tries all fail about once in 10^12; at a pathological 40% once in 60,000, so even a job of
/// thousands of requests finishes. The capped waits add up to about 40 s, so a file that cannot
/// get through fails within a minute instead of holding the job.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 12;
/// A refused connection means nothing listens; a few quick tries (about 3 s) cover a restart
/// without making "wrong port" take a minute to report.
const UNREACHABLE_MAX_ATTEMPTS: u32 = 6;
/// A download body that delivers no byte for this long is cut and resumed. Not a limit on the
/// whole body: a slow but moving transfer is never cut.
pub const DEFAULT_PER_TRY_TIMEOUT: Duration = Duration::from_secs(60);
/// A `Retry-After` beyond this is not believed (a proxy's nonsense must not park a file for hours).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
    pub per_try_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: DEFAULT_MAX_ATTEMPTS, initial_delay: Duration::from_millis(100), max_delay: Duration::from_secs(10), per_try_timeout: DEFAULT_PER_TRY_TIMEOUT }
    }
}

/// Whether trying again may succeed: throttling, the service's transient 5xx, timeouts, broken or
/// refused connections. Everything else (auth, missing container, a bad request) fails the same again.
pub fn is_transient(e: &EngineError) -> bool {
    match e {
        EngineError::Service { status: Some(status), .. } => matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
        EngineError::ConnectionLost { .. } | EngineError::Unreachable { .. } => true,
        _ => false,
    }
}

/// The service asking us to slow down (429 Too Many Requests, 503 Server Busy).
pub fn is_throttle(e: &EngineError) -> bool {
    matches!(e, EngineError::Service { status: Some(429 | 503), .. })
}

fn retry_after(e: &EngineError) -> Option<Duration> {
    match e {
        EngineError::Service { retry_after_secs: Some(s), .. } => Some(Duration::from_secs(u64::from(*s)).min(MAX_RETRY_AFTER)),
        _ => None,
    }
}

impl RetryPolicy {
    /// Whether a try numbered `attempt` (from 1) that failed with `e` is followed by another.
    pub fn should_retry(&self, e: &EngineError, attempt: u32) -> bool {
        let cap = if matches!(e, EngineError::Unreachable { .. }) { self.max_attempts.min(UNREACHABLE_MAX_ATTEMPTS) } else { self.max_attempts };
        is_transient(e) && attempt < cap
    }

    /// The wait after failed try `attempt` (from 1): at least the service's `Retry-After`, otherwise
    /// `initial · 2^(attempt-1)` capped at `max_delay`, of which a random half is taken off so that
    /// many files failing together do not come back together.
    pub fn delay(&self, attempt: u32, e: &EngineError) -> Duration {
        let exp = self.initial_delay.saturating_mul(1u32 << (attempt.saturating_sub(1)).min(20)).min(self.max_delay);
        let jittered = exp / 2 + exp.mul_f64(random_fraction() / 2.0);
        retry_after(e).map_or(jittered, |after| after.max(jittered))
    }
}

/// A number in [0, 1): the standard library's randomly keyed hasher is randomness enough for jitter.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let bits = RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed));
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Runs requests under one job's retry rules.
#[derive(Clone)]
pub struct Retrier {
    pub policy: RetryPolicy,
    pub cancel: CancellationToken,
    pub limiter: Arc<ConcurrencyLimiter>,
}

impl Retrier {
    /// Runs `op` until it succeeds, fails for good, or its tries run out; the permit of the try
    /// that succeeded comes back with its value (a download holds it while its body streams).
    pub async fn run_holding<T, F, Fut>(&self, mut op: F) -> Result<(T, LimiterPermit)>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut attempt = 1;
        loop {
            let permit = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(EngineError::Cancelled),
                p = self.limiter.acquire() => p,
            };
            let outcome = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(EngineError::Cancelled),
                r = op() => r,
            };
            match outcome {
                Ok(value) => {
                    permit.succeeded();
                    return Ok((value, permit));
                }
                Err(e) => {
                    if is_throttle(&e) {
                        permit.throttled();
                    }
                    drop(permit);
                    if !self.policy.should_retry(&e, attempt) {
                        return Err(e);
                    }
                    tracing::debug!(attempt, error = %e, "retrying a request");
                    self.sleep(self.policy.delay(attempt, &e)).await?;
                    attempt += 1;
                }
            }
        }
    }

    pub async fn run<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.run_holding(op).await.map(|(value, _)| value)
    }

    /// Waits, or returns `Cancelled` the moment the job is cancelled.
    pub async fn sleep(&self, delay: Duration) -> Result<()> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(EngineError::Cancelled),
            _ = tokio::time::sleep(delay) => Ok(()),
        }
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
