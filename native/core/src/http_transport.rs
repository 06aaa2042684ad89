//! One HTTP client per job, with a connection pool as deep as the job's parallelism so that every
//! in-flight request reuses a warm connection instead of opening a new one.

use crate::error::{EngineError, Result};
use azure_core::http::Transport;
use std::sync::Arc;
use std::time::Duration;

pub fn transport(pool_size: usize) -> Result<Transport> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(pool_size)
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(20))
        .read_timeout(Duration::from_secs(120))
        // The service never redirects; following one could send a signed request elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| EngineError::Internal(format!("cannot create the HTTP client: {e}")))?;
    Ok(Transport::new(Arc::new(client)))
}
