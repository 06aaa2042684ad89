//! What a host asks the engine to do: the JSON a job starts from (through the C ABI) and the
//! CLI's flags, in one shape.

use crate::error::{EngineError, Result};
use serde::Deserialize;
use zeroize::Zeroizing;

/// Upper bound on parallel requests; beyond this the service throttles and memory grows.
pub const MAX_CONCURRENCY: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    /// One-way mirror of a local folder into a container (prefix).
    #[default]
    Sync,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobSpec {
    #[serde(default)]
    pub operation: Operation,
    /// Local folder.
    pub source: String,
    /// Container URL, optionally with a virtual-directory prefix and a SAS query.
    pub destination: String,
    #[serde(default)]
    pub put_md5: bool,
    #[serde(default)]
    pub dry_run: bool,
    /// Parallel requests; `None` picks a default from the machine.
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Storage account key (base64). Never logged, never echoed in errors.
    #[serde(default)]
    pub account_key: Option<Zeroizing<String>>,
    /// Block size for staged uploads; `None` chooses from the file size.
    #[serde(default)]
    pub block_size_bytes: Option<u64>,
}

impl std::fmt::Debug for JobSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobSpec")
            .field("operation", &self.operation)
            .field("source", &self.source)
            .field("destination", &crate::container_url::redact_url(&self.destination))
            .field("put_md5", &self.put_md5)
            .field("dry_run", &self.dry_run)
            .field("concurrency", &self.concurrency)
            .field("account_key", &self.account_key.as_ref().map(|_| "<redacted>"))
            .field("block_size_bytes", &self.block_size_bytes)
            .finish()
    }
}

impl JobSpec {
    pub fn from_json(json: &[u8]) -> Result<Self> {
        let spec: Self = serde_json::from_slice(json).map_err(|e| {
            // serde's message names the field and position, never a value, so no secret leaks.
            EngineError::InvalidSpec(e.to_string())
        })?;
        spec.validate()?;
        Ok(spec)
    }

    pub fn validate(&self) -> Result<()> {
        if self.source.trim().is_empty() {
            return Err(EngineError::InvalidSpec("'source' is empty; give a local folder".into()));
        }
        if self.destination.trim().is_empty() {
            return Err(EngineError::InvalidSpec("'destination' is empty; give a container URL".into()));
        }
        if let Some(c) = self.concurrency {
            if c == 0 || c > MAX_CONCURRENCY {
                return Err(EngineError::InvalidSpec(format!("'concurrency' must be 1..={MAX_CONCURRENCY}, got {c}")));
            }
        }
        if let Some(b) = self.block_size_bytes {
            crate::block_sizing::validate_block_size(b)?;
        }
        Ok(())
    }

    pub fn effective_concurrency(&self) -> usize {
        self.concurrency.unwrap_or_else(default_concurrency)
    }
}

/// Network-bound work: many requests in flight per core, as AzCopy does (16 × cores, capped).
pub fn default_concurrency() -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    (cores * 16).clamp(16, 256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minimal_spec_with_defaults() {
        let s = JobSpec::from_json(br#"{"source":"/data","destination":"http://127.0.0.1:1/a/c"}"#).unwrap();
        assert_eq!(s.operation, Operation::Sync);
        assert!(!s.put_md5 && !s.dry_run);
        assert!(s.effective_concurrency() >= 16);
    }

    #[test]
    fn rejects_unknown_fields_and_bad_concurrency() {
        assert!(JobSpec::from_json(br#"{"source":"a","destination":"b","colour":1}"#).is_err());
        let e = JobSpec::from_json(br#"{"source":"a","destination":"b","concurrency":0}"#).unwrap_err();
        assert_eq!(e.error_id(), "InvalidSpec");
    }

    #[test]
    fn debug_never_shows_the_key_or_sas_signature() {
        let s = JobSpec::from_json(
            br#"{"source":"a","destination":"https://x.blob.core.windows.net/c?sv=1&sig=SECRETSIG","accountKey":"SECRETKEY"}"#,
        )
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("SECRETKEY") && !shown.contains("SECRETSIG"), "{shown}");
    }
}
