//! One HTTP client per job, with a connection pool as deep as the job's parallelism so that every
//! in-flight request reuses a warm connection instead of opening a new one.

use crate::error::{EngineError, Result};
use azure_core::http::{ExponentialRetryOptions, RetryOptions, Transport};
use std::sync::Arc;
use std::time::Duration;

pub fn transport(pool_size: usize, extra_roots: Vec<reqwest::Certificate>) -> Result<Transport> {
    let mut builder = reqwest::Client::builder();
    for root in extra_roots {
        builder = builder.add_root_certificate(root);
    }
    let client = builder
        .pool_max_idle_per_host(pool_size)
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        // The SDK's ranged downloads need the bytes as stored, never transparently decompressed.
        .gzip(false)
        .deflate(false)
        .connect_timeout(Duration::from_secs(20))
        .read_timeout(Duration::from_secs(120))
        // The service never redirects; following one could send a signed request elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| EngineError::Internal(format!("cannot create the HTTP client: {e}")))?;
    Ok(Transport::new(Arc::new(client)))
}

/// Sign-in requests (Entra ID): retries transient failures (throttling, 5xx, dropped connections)
/// with backoff, but gives up on an unreachable endpoint within about half a minute instead of the
/// SDK's default minutes.
pub fn retry_options() -> RetryOptions {
    RetryOptions::exponential(ExponentialRetryOptions {
        initial_delay: azure_core::time::Duration::milliseconds(200),
        max_retries: 5,
        max_total_elapsed: azure_core::time::Duration::seconds(30),
        max_delay: azure_core::time::Duration::seconds(8),
    })
}

/// Storage requests: no retries in the SDK. The engine retries every storage request itself
/// (`transfer::retry`, through `store::retrying`): one budget per request instead of the SDK's
/// tries multiplied by ours (which let one file spend minutes), throttling seen by the job's
/// concurrency limiter, `Retry-After` honoured, and backoff sleeps that Ctrl+C interrupts.
pub fn storage_retry_options() -> RetryOptions {
    RetryOptions::none()
}
