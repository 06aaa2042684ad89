use super::*;
use std::sync::atomic::{AtomicU32, Ordering};

fn busy(retry_after_secs: Option<u32>) -> EngineError {
    EngineError::Service { status: Some(503), code: Some("ServerBusy".into()), message: "busy".into(), retry_after_secs }
}

fn fast() -> RetryPolicy {
    RetryPolicy { max_attempts: 4, initial_delay: Duration::from_millis(1), max_delay: Duration::from_millis(4), ..RetryPolicy::default() }
}

fn retrier(policy: RetryPolicy) -> Retrier {
    Retrier { policy, cancel: CancellationToken::new(), limiter: ConcurrencyLimiter::new(4) }
}

#[test]
fn delays_grow_exponentially_with_jitter_within_bounds_and_a_cap() {
    let p = RetryPolicy::default();
    for _ in 0..200 {
        for (attempt, full) in [(1, 100), (2, 200), (3, 400), (8, 10_000), (30, 10_000)] {
            let d = p.delay(attempt, &busy(None));
            let full = Duration::from_millis(full);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?} not within [{:?}, {full:?}]", full / 2);
        }
    }
    let spread: std::collections::HashSet<_> = (0..50).map(|_| p.delay(5, &busy(None))).collect();
    assert!(spread.len() > 10, "jitter spreads retries: {spread:?}");
}

#[test]
fn retry_after_is_honoured_but_not_beyond_a_minute() {
    let p = RetryPolicy::default();
    assert!(p.delay(1, &busy(Some(3))) >= Duration::from_secs(3));
    assert_eq!(p.delay(1, &busy(Some(86_400))), Duration::from_secs(60));
}

#[test]
fn only_transient_errors_are_retried_and_only_up_to_the_cap() {
    let p = RetryPolicy::default();
    for status in [408, 429, 500, 502, 503, 504] {
        let e = EngineError::Service { status: Some(status), code: None, message: String::new(), retry_after_secs: None };
        assert!(p.should_retry(&e, 1), "{status}");
    }
    let lost = EngineError::ConnectionLost { detail: "reset".into() };
    assert!(p.should_retry(&lost, DEFAULT_MAX_ATTEMPTS - 1));
    assert!(!p.should_retry(&lost, DEFAULT_MAX_ATTEMPTS));
    let refused = EngineError::Unreachable { endpoint: "e".into(), detail: "refused".into() };
    assert!(p.should_retry(&refused, UNREACHABLE_MAX_ATTEMPTS - 1) && !p.should_retry(&refused, UNREACHABLE_MAX_ATTEMPTS));
    for permanent in [
        EngineError::Service { status: Some(404), code: None, message: String::new(), retry_after_secs: None },
        EngineError::AuthenticationFailed { code: "403".into() },
        EngineError::ContainerNotFound { container: "c".into(), url: "u".into() },
        EngineError::Cancelled,
    ] {
        assert!(!p.should_retry(&permanent, 1), "{permanent}");
    }
}

#[tokio::test]
async fn a_request_is_tried_until_it_succeeds_or_the_cap() {
    let tries = AtomicU32::new(0);
    let r = retrier(fast());
    let got = r.run(|| async { if tries.fetch_add(1, Ordering::SeqCst) < 2 { Err(busy(None)) } else { Ok(7) } }).await;
    assert_eq!((got, tries.load(Ordering::SeqCst)), (Ok(7), 3));
    tries.store(0, Ordering::SeqCst);
    let got: Result<()> = r.run(|| async { tries.fetch_add(1, Ordering::SeqCst); Err(busy(None)) }).await;
    assert_eq!((got.unwrap_err().error_id(), tries.load(Ordering::SeqCst)), ("ServiceError", 4));
    assert!(r.limiter.limit() < 4, "throttling lowered the limit");
}

#[tokio::test]
async fn cancellation_cuts_a_backoff_sleep_short() {
    let r = retrier(RetryPolicy { initial_delay: Duration::from_secs(30), max_delay: Duration::from_secs(30), ..RetryPolicy::default() });
    let cancel = r.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let got: Result<()> = r.run(|| async { Err(busy(None)) }).await;
    assert_eq!(got, Err(EngineError::Cancelled));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}
