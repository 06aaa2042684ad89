//! What a host asks the engine to do: the JSON a job starts from (through the C ABI) and the
//! CLI's flags, in one shape.

pub mod container_url;
pub mod endpoints;

use crate::error::{EngineError, Result};
use crate::plan::filter::FilterSpec;
use std::time::{Duration, SystemTime};
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
    /// Compare only: report what differs (missing, changed, extra) and why; write nothing.
    Check,
    /// Copy a file, a folder (with `recursive`) or a folder's contents (`dir/*`); existing
    /// destinations are handled as `overwrite` says. Never deletes.
    Copy,
}

/// AzCopy's `--compare-hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum CompareHash {
    #[default]
    None,
    #[serde(rename = "MD5", alias = "Md5", alias = "md5")]
    Md5,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobSpec {
    #[serde(default)]
    pub operation: Operation,
    /// The host's name for this job (its journal, its log lines); generated when absent. Reported
    /// in the summary.
    #[serde(default)]
    pub job_id: Option<String>,
    /// A local folder (upload) or a container URL (download).
    pub source: String,
    /// A container URL, optionally with a virtual-directory prefix and a SAS query (upload), or a
    /// local folder (download).
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
    /// Most bytes of transfer buffers held at once, job-wide (default 256 MiB).
    #[serde(default)]
    pub memory_budget_bytes: Option<u64>,
    /// Sync and check: judge same-sized files by MD5 instead of modified time.
    #[serde(default)]
    pub compare_hash: CompareHash,
    /// Where local MD5s are remembered between runs (default: the user's cache folder).
    #[serde(default)]
    pub hash_cache_path: Option<String>,
    /// Copy: descend into sub-folders (a folder source needs it).
    #[serde(default)]
    pub recursive: bool,
    /// Copy: what to do when the destination exists.
    #[serde(default)]
    pub overwrite: crate::plan::Overwrite,
    /// Downloads: what to do with the blob's Content-MD5.
    #[serde(default)]
    pub check_md5: crate::transfer::download::CheckMd5,
    /// Delete blobs that have no source file (inside the filter).
    #[serde(default)]
    pub delete_destination: bool,
    /// Uploads: Content-Type for every blob, instead of the one guessed from the extension.
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub cache_control: Option<String>,
    /// Uploads: metadata for every blob (the key `mtime` is ours: the source's modified time).
    #[serde(default)]
    pub metadata: std::collections::BTreeMap<String, String>,
    /// Uploads: blob index tags for every blob (at most 10).
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub access_tier: Option<crate::store::AccessTier>,
    /// Ask the host before each deletion (a `confirm` event answered through the job's answers).
    #[serde(default)]
    pub confirm_deletes: bool,
    /// Refuse to delete anything when the plan would delete more than this many blobs.
    #[serde(default)]
    pub max_delete: Option<u64>,
    #[serde(default)]
    pub include_pattern: Vec<String>,
    #[serde(default)]
    pub exclude_pattern: Vec<String>,
    #[serde(default)]
    pub include_path: Vec<String>,
    #[serde(default)]
    pub exclude_path: Vec<String>,
    #[serde(default)]
    pub include_regex: Vec<String>,
    #[serde(default)]
    pub exclude_regex: Vec<String>,
    /// RFC 3339 (ISO 8601) time: only files modified at or after it.
    #[serde(default)]
    pub include_after: Option<String>,
    /// RFC 3339 (ISO 8601) time: only files modified at or before it.
    #[serde(default)]
    pub include_before: Option<String>,
    /// Only files at least this old ("90s", "12h", "7d").
    #[serde(default)]
    pub min_age: Option<String>,
    /// Only files at most this old.
    #[serde(default)]
    pub max_age: Option<String>,
}

impl std::fmt::Debug for JobSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobSpec")
            .field("operation", &self.operation)
            .field("job_id", &self.job_id)
            .field("source", &crate::spec::container_url::redact_url(&self.source))
            .field("destination", &crate::spec::container_url::redact_url(&self.destination))
            .field("put_md5", &self.put_md5)
            .field("dry_run", &self.dry_run)
            .field("concurrency", &self.concurrency)
            .field("account_key", &self.account_key.as_ref().map(|_| "<redacted>"))
            .field("block_size_bytes", &self.block_size_bytes)
            .field("delete_destination", &self.delete_destination)
            .field("max_delete", &self.max_delete)
            .field("filters", &self.filter_spec().ok())
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
        if self.operation == Operation::Copy && self.delete_destination {
            return Err(EngineError::InvalidSpec("copy never deletes; use sync with deleteDestination to mirror".into()));
        }
        if self.source.trim().is_empty() {
            return Err(EngineError::InvalidSpec("'source' is empty; give a local folder".into()));
        }
        if self.destination.trim().is_empty() {
            return Err(EngineError::InvalidSpec("'destination' is empty; give a container URL".into()));
        }
        if let Some(id) = &self.job_id {
            let fits = !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if !fits {
                return Err(EngineError::InvalidSpec("'jobId' must be 1 to 128 letters, digits, '-', '_' or '.'".into()));
            }
        }
        if let Some(c) = self.concurrency {
            if c == 0 || c > MAX_CONCURRENCY {
                return Err(EngineError::InvalidSpec(format!("'concurrency' must be 1..={MAX_CONCURRENCY}, got {c}")));
            }
        }
        if let Some(m) = self.memory_budget_bytes.filter(|m| *m < 1024 * 1024) {
            return Err(EngineError::InvalidSpec(format!("'memoryBudgetBytes' must be at least 1 MiB (1048576), got {m}")));
        }
        if let Some(b) = self.block_size_bytes {
            crate::transfer::part_sizing::validate_block_size(b)?;
        }
        crate::plan::filter::Filter::new(&self.filter_spec()?, std::time::SystemTime::now())?;
        self.upload_properties()?;
        Ok(())
    }

    pub fn upload_properties(&self) -> Result<crate::store::UploadProperties> {
        for key in self.metadata.keys() {
            // The service takes C# identifiers as metadata names.
            let valid = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(EngineError::InvalidSpec(format!("metadata name '{key}' is not valid: use letters, digits and '_', not starting with a digit")));
            }
            if let Some(value) = self.metadata.get(key).filter(|v| !v.chars().all(|c| c.is_ascii() && !c.is_ascii_control())) {
                return Err(EngineError::InvalidSpec(format!(
                    "metadata value '{value}' of '{key}' is not plain ASCII, which the service requires; encode it (e.g. URL-encode) first"
                )));
            }
            if key.eq_ignore_ascii_case(crate::store::SOURCE_MTIME_KEY) {
                return Err(EngineError::InvalidSpec(format!("metadata name '{key}' is reserved: it holds the source's modified time")));
            }
        }
        if self.tags.len() > 10 {
            return Err(EngineError::InvalidSpec(format!("a blob takes at most 10 tags, got {}", self.tags.len())));
        }
        Ok(crate::store::UploadProperties {
            content_type: self.content_type.clone().filter(|c| !c.trim().is_empty()),
            cache_control: self.cache_control.clone().filter(|c| !c.trim().is_empty()),
            metadata: self.metadata.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            tags: self.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            access_tier: self.access_tier,
        })
    }

    pub fn filter_spec(&self) -> Result<FilterSpec> {
        Ok(FilterSpec {
            include_patterns: self.include_pattern.clone(),
            exclude_patterns: self.exclude_pattern.clone(),
            include_paths: self.include_path.clone(),
            exclude_paths: self.exclude_path.clone(),
            include_regex: self.include_regex.clone(),
            exclude_regex: self.exclude_regex.clone(),
            include_after: parse_time("includeAfter", self.include_after.as_deref())?,
            include_before: parse_time("includeBefore", self.include_before.as_deref())?,
            min_age: parse_age("minAge", self.min_age.as_deref())?,
            max_age: parse_age("maxAge", self.max_age.as_deref())?,
            top_level_only: false,
        })
    }

    /// Check reports differences including extras, whatever `deleteDestination` says.
    pub fn plans_deletes(&self) -> bool {
        match self.operation {
            Operation::Sync => self.delete_destination,
            Operation::Check => true,
            Operation::Copy => false,
        }
    }

    pub fn mode(&self) -> crate::plan::Mode {
        match (self.operation, self.compare_hash) {
            (Operation::Copy, _) => crate::plan::Mode::Copy(self.overwrite),
            (_, CompareHash::Md5) => crate::plan::Mode::SyncByHash,
            (_, CompareHash::None) => crate::plan::Mode::Sync,
        }
    }

    /// Nothing is written: a dry run, or a check.
    pub fn writes_nothing(&self) -> bool {
        self.dry_run || self.operation == Operation::Check
    }

    pub fn effective_memory_budget(&self) -> u64 {
        self.memory_budget_bytes.unwrap_or(crate::transfer::memory_budget::DEFAULT_MEMORY_BUDGET)
    }

    pub fn effective_concurrency(&self) -> usize {
        self.concurrency.unwrap_or_else(default_concurrency)
    }
}

fn parse_time(field: &str, value: Option<&str>) -> Result<Option<SystemTime>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|t| Some(t.into()))
        .map_err(|_| EngineError::InvalidSpec(format!("'{field}' must be an ISO 8601 time with a zone, like 2026-01-31T00:00:00Z; got '{value}'")))
}

fn parse_age(field: &str, value: Option<&str>) -> Result<Option<Duration>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    humantime::parse_duration(value)
        .map(Some)
        .map_err(|_| EngineError::InvalidSpec(format!("'{field}' must be a duration like 90s, 12h or 7d; got '{value}'")))
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
    fn filter_fields_parse_and_bad_ones_say_which_field() {
        let s = JobSpec::from_json(br#"{"source":"a","destination":"b","excludePattern":["*.tmp"],"includeAfter":"2026-01-31T00:00:00Z","minAge":"7d"}"#).unwrap();
        let f = s.filter_spec().unwrap();
        assert_eq!(f.exclude_patterns, vec!["*.tmp".to_string()]);
        assert_eq!(f.min_age, Some(Duration::from_secs(7 * 86_400)));
        assert!(f.include_after.is_some());
        let e = JobSpec::from_json(br#"{"source":"a","destination":"b","includeAfter":"last tuesday"}"#).unwrap_err();
        assert!(e.to_string().contains("includeAfter"), "{e}");
        let e = JobSpec::from_json(br#"{"source":"a","destination":"b","maxAge":"soon"}"#).unwrap_err();
        assert!(e.to_string().contains("maxAge"), "{e}");
    }

    #[test]
    fn upload_properties_are_checked() {
        let s = JobSpec::from_json(br#"{"source":"a","destination":"b","metadata":{"dept":"hr"},"tags":{"env":"prod"},"accessTier":"Cool"}"#).unwrap();
        let p = s.upload_properties().unwrap();
        assert_eq!(p.metadata.get("dept").map(String::as_str), Some("hr"));
        assert_eq!(p.access_tier, Some(crate::store::AccessTier::Cool));
        for bad in [r#"{"1x":"v"}"#, r#"{"mtime":"v"}"#, r#"{"a-b":"v"}"#, r#"{"owner":"zoë"}"#] {
            let json = format!(r#"{{"source":"a","destination":"b","metadata":{bad}}}"#);
            assert_eq!(JobSpec::from_json(json.as_bytes()).unwrap_err().error_id(), "InvalidSpec", "{bad}");
        }
        assert!(JobSpec::from_json(br#"{"source":"a","destination":"b","accessTier":"Lukewarm"}"#).is_err());
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
