//! How many requests the job has in flight, adapted to the service (AIMD, as TCP does): a
//! throttling answer (429, 503) halves the limit, a window of successes (as many as the limit)
//! raises it by one, never below 1 nor above the configured concurrency. A throttled service
//! thus sees fewer requests instead of the same number retried.

use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

pub struct ConcurrencyLimiter {
    state: Mutex<State>,
    freed: Notify,
    ceiling: usize,
}

struct State {
    limit: usize,
    in_flight: usize,
    successes: usize,
    /// Bumped at every decrease: requests started before it do not halve the limit again (one
    /// burst of throttling answers is one signal, not one per request that was in flight).
    generation: u64,
}

/// One request's slot; give it back by dropping it, after reporting how the request went.
pub struct LimiterPermit {
    limiter: Arc<ConcurrencyLimiter>,
    generation: u64,
}

impl ConcurrencyLimiter {
    pub fn new(ceiling: usize) -> Arc<Self> {
        let ceiling = ceiling.max(1);
        Arc::new(Self { state: Mutex::new(State { limit: ceiling, in_flight: 0, successes: 0, generation: 0 }), freed: Notify::new(), ceiling })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn limit(&self) -> usize {
        self.state().limit
    }

    pub fn in_flight(&self) -> usize {
        self.state().in_flight
    }

    /// Waits until fewer requests than the limit are in flight.
    pub async fn acquire(self: &Arc<Self>) -> LimiterPermit {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            {
                let mut s = self.state();
                if s.in_flight < s.limit {
                    s.in_flight += 1;
                    return LimiterPermit { limiter: self.clone(), generation: s.generation };
                }
            }
            freed.await;
        }
    }
}

impl LimiterPermit {
    pub fn succeeded(&self) {
        let mut s = self.limiter.state();
        s.successes += 1;
        if s.successes >= s.limit && s.limit < self.limiter.ceiling {
            s.limit += 1;
            s.successes = 0;
            drop(s);
            self.limiter.freed.notify_waiters();
        }
    }

    pub fn throttled(&self) {
        let mut s = self.limiter.state();
        if s.generation == self.generation {
            s.limit = (s.limit / 2).max(1);
            s.successes = 0;
            s.generation += 1;
            tracing::debug!(limit = s.limit, "the service throttles: fewer requests in flight");
        }
    }
}

impl Drop for LimiterPermit {
    fn drop(&mut self) {
        self.limiter.state().in_flight -= 1;
        self.limiter.freed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn throttling_halves_and_successes_add_one_within_floor_and_ceiling() {
        let limiter = ConcurrencyLimiter::new(8);
        let p = limiter.acquire().await;
        p.throttled();
        assert_eq!(limiter.limit(), 4);
        // A second answer from a request started before the decrease is the same burst.
        p.throttled();
        assert_eq!(limiter.limit(), 4);
        drop(p);
        for _ in 0..4 {
            limiter.acquire().await.succeeded();
        }
        assert_eq!(limiter.limit(), 5);
        for _ in 0..10 {
            limiter.acquire().await.throttled();
        }
        assert_eq!(limiter.limit(), 1, "never below one");
        for _ in 0..1000 {
            limiter.acquire().await.succeeded();
        }
        assert_eq!(limiter.limit(), 8, "never above the configured concurrency");
    }

    #[tokio::test]
    async fn no_more_than_the_limit_are_in_flight() {
        let limiter = ConcurrencyLimiter::new(2);
        let a = limiter.acquire().await;
        a.throttled();
        let held = limiter.acquire();
        tokio::pin!(held);
        assert!(tokio::time::timeout(std::time::Duration::from_millis(50), held.as_mut()).await.is_err(), "limit 1, one in flight");
        drop(a);
        let b = tokio::time::timeout(std::time::Duration::from_secs(1), held).await.expect("freed");
        assert_eq!(limiter.in_flight(), 1);
        drop(b);
        assert_eq!(limiter.in_flight(), 0);
    }
}
