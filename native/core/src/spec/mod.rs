//! What a host asks the engine to do: the JSON a job starts from (through the C ABI) and the
//! CLI's flags, in one shape.

pub mod check;
pub mod container_url;
pub mod endpoints;
pub mod ends;
pub mod redaction;
pub mod rules;

use crate::error::{EngineError, Result};
use crate::plan::filter::FilterSpec;
use std::time::{Duration, SystemTime};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use rules::MAX_CONCURRENCY;
use ends::{Direction, Ends};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
pub enum CompareHash {
    #[default]
    None,
    #[serde(rename = "MD5", alias = "Md5", alias = "md5")]
    Md5,
}

/// The part of a spec a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Concern {
    Source,
    Destination,
    Options,
}

/// Serialized only by the journal ([`crate::journal::spec_record`]), which skips every secret.
#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobSpec {
    #[serde(default)]
    pub operation: Operation,
    /// Which way data moves. A host that knows says so; without it (the CLI) the direction is
    /// inferred from which end looks like a URL.
    #[serde(default)]
    pub direction: Option<Direction>,
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
    pub concurrency: Option<i64>,
    /// Storage account key (base64). Never logged, never echoed in errors.
    #[serde(default, skip_serializing)]
    pub account_key: Option<Zeroizing<String>>,
    /// An Entra ID identity to sign in with (service principal, managed identity, workload identity,
    /// Azure CLI). Secrets inside are zeroized and never shown.
    #[serde(default, skip_serializing)]
    pub sign_in: Option<crate::auth::sign_in::SignIn>,
    /// Where the host found `signIn`, without its secret (the module: `{"vault":..,"secretName":..,
    /// "tenantId":..}`): recorded in the journal, so a resume can fetch the same secret again.
    #[serde(default)]
    pub sign_in_reference: Option<serde_json::Value>,
    /// The sign-in authority (e.g. https://login.microsoftonline.us); default: `environment`, then
    /// the process's AZURE_AUTHORITY_HOST, then the public cloud.
    #[serde(default)]
    pub authority_host: Option<String>,
    #[serde(default)]
    pub environment: Option<crate::auth::cloud::AzureEnvironment>,
    /// AzCopy's sign-in variables as the host found them in its environment (only those set); used
    /// when neither `accountKey` nor `signIn` is given. See [`crate::auth::azcopy_env`].
    #[serde(default, skip_serializing)]
    pub azcopy_environment: crate::auth::azcopy_env::Variables,
    /// PEM bundle of extra certificate authorities trusted for storage and sign-in requests (a
    /// TLS-inspecting proxy's); the process's SSL_CERT_FILE is honoured too.
    #[serde(default)]
    pub ca_certificate_path: Option<String>,
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
    #[serde(default, serialize_with = "check_md5_name")]
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
    pub max_delete: Option<i64>,
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
    /// Tries per storage request before the file it serves fails (default 12; see `transfer::retry`);
    /// unset, `AZBLOBSYNC_MAX_ATTEMPTS` from the host process's environment.
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// Downloads: a body that delivers no byte for this many seconds is cut and resumed (default 60);
    /// unset, `AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS` from the host process's environment.
    #[serde(default)]
    pub per_try_timeout_seconds: Option<f64>,
    /// Where the job journal and logs live (default: see [`crate::journal::location`]).
    #[serde(default)]
    pub job_dir: Option<String>,
    /// Run without a journal or log (benchmarks); such a job cannot be resumed.
    #[serde(default)]
    pub no_journal: bool,
    /// The job log's level (AzCopy's `--log-level`): ERROR, WARNING, INFO (default), DEBUG or NONE.
    #[serde(default)]
    pub log_level: Option<crate::journal::log::LogLevel>,
    /// Set by [`crate::journal::resume`]: this run continues the recorded job of that id.
    #[serde(default)]
    pub resume_job_id: Option<String>,
    /// Both ends, typed: filled by [`JobSpec::validate`], the only place the strings are parsed.
    #[serde(skip)]
    pub ends: Option<Ends>,
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
            .field("sign_in", &self.sign_in)
            .field("authority_host", &self.authority_host)
            .field("environment", &self.environment)
            .field("ca_certificate_path", &self.ca_certificate_path)
            .field("azcopy_environment", &self.azcopy_environment.keys().collect::<Vec<_>>())
            .field("block_size_bytes", &self.block_size_bytes)
            .field("delete_destination", &self.delete_destination)
            .field("max_delete", &self.max_delete)
            .field("filters", &self.filter_spec().ok())
            .finish()
    }
}

impl JobSpec {
    pub fn from_json(json: &[u8]) -> Result<Self> {
        let mut spec: Self = serde_json::from_slice(json).map_err(|e| {
            // serde's message names the field and position, never a value, so no secret leaks.
            EngineError::InvalidSpec(e.to_string())
        })?;
        spec.validate()?;
        Ok(spec)
    }

    /// Checks every rule (see [`rules`]) and parses both ends into [`JobSpec::ends`], the local
    /// ones checked on disk: all that can be judged without the network.
    pub fn validate(&mut self) -> Result<()> {
        self.validate_concerning().map_err(|(e, _)| e)
    }

    /// [`JobSpec::validate`], also saying which part of the spec a refusal is about (a host that
    /// copies several sources with the same options goes on after a bad source, not after bad options).
    pub fn validate_concerning(&mut self) -> std::result::Result<(), (EngineError, Concern)> {
        let options = |e| (e, Concern::Options);
        if self.operation == Operation::Copy && self.delete_destination {
            return Err(options(EngineError::InvalidSpec("copy never deletes; use sync with deleteDestination to mirror".into())));
        }
        let ends = Ends::parse(self).map_err(|e| {
            let concern = match e {
                EngineError::InvalidDestination { .. } => Concern::Destination,
                _ if self.destination.trim().is_empty() => Concern::Destination,
                _ => Concern::Source,
            };
            (e, concern)
        })?;
        (|| {
            rules::check_concurrency(self.concurrency)?;
            rules::check_max_delete(self.max_delete)?;
            rules::check_job_id(self.job_id.as_deref())?;
            rules::check_memory_budget(self.memory_budget_bytes)?;
            (self.max_attempts, self.per_try_timeout_seconds) = rules::retry_tuning(self.max_attempts, self.per_try_timeout_seconds, |name| std::env::var(name).ok())?;
            if let Some(b) = self.block_size_bytes {
                crate::transfer::part_sizing::validate_block_size(b)?;
            }
            if let Some(sign_in) = &self.sign_in {
                if self.account_key.as_ref().is_some_and(|k| !k.trim().is_empty()) {
                    return Err(EngineError::InvalidCredential("give one way to sign in: an account key or a sign-in, not both".into()));
                }
                sign_in.validate()?;
            }
            rules::check_relative_paths("includePath", &self.include_path)?;
            rules::check_relative_paths("excludePath", &self.exclude_path)?;
            crate::plan::filter::Filter::new(&self.filter_spec()?, std::time::SystemTime::now())?;
            self.upload_properties()?;
            rules::check_hash_cache_path(self.hash_cache_path.as_deref())
        })()
        .map_err(options)?;
        ends.check_local(self).map_err(|e| {
            let concern = if ends.direction() == Direction::Upload { Concern::Source } else { Concern::Destination };
            (e, concern)
        })?;
        self.ends = Some(ends);
        Ok(())
    }

    /// The typed ends; an error (never a panic) for a spec that skipped [`JobSpec::validate`].
    pub fn ends(&self) -> Result<&Ends> {
        self.ends.as_ref().ok_or_else(|| EngineError::Internal("the job spec was not validated before use".into()))
    }

    /// `maxDelete`, once validated (negative values are refused by [`JobSpec::validate`]).
    pub fn max_delete_limit(&self) -> Option<u64> {
        self.max_delete.and_then(|n| u64::try_from(n).ok())
    }

    pub fn upload_properties(&self) -> Result<crate::store::UploadProperties> {
        rules::check_metadata(&self.metadata)?;
        rules::check_tags(&self.tags)?;
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

    /// How storage requests are retried: the defaults, with what the spec overrides.
    pub fn retry_policy(&self) -> crate::transfer::retry::RetryPolicy {
        let mut policy = crate::transfer::retry::RetryPolicy::default();
        // Values were checked by `rules::retry_tuning` when the spec was validated.
        if let Some(n) = self.max_attempts {
            policy.max_attempts = n.max(1);
        }
        if let Some(secs) = self.per_try_timeout_seconds.filter(|s| s.is_finite() && *s > 0.0) {
            policy.per_try_timeout = Duration::from_secs_f64(secs);
        }
        policy
    }

    pub fn effective_concurrency(&self) -> usize {
        rules::check_concurrency(self.concurrency).ok().flatten().unwrap_or_else(default_concurrency)
    }
}

/// `CheckMd5` as its spec name (the type lives with the downloads, which need no serde for it).
fn check_md5_name<S: serde::Serializer>(value: &crate::transfer::download::CheckMd5, s: S) -> std::result::Result<S::Ok, S::Error> {
    use crate::transfer::download::CheckMd5::*;
    s.serialize_str(match value {
        NoCheck => "NoCheck",
        LogOnly => "LogOnly",
        FailIfDifferent => "FailIfDifferent",
        FailIfDifferentOrMissing => "FailIfDifferentOrMissing",
    })
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
        let s = JobSpec::from_json(br#"{"source":"/","destination":"http://127.0.0.1:1/a/cont"}"#).unwrap();
        assert_eq!(s.operation, Operation::Sync);
        assert!(!s.put_md5 && !s.dry_run);
        assert!(s.effective_concurrency() >= 16);
    }

    #[test]
    fn rejects_unknown_fields_and_bad_concurrency() {
        assert!(JobSpec::from_json(br#"{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","colour":1}"#).is_err());
        let e = JobSpec::from_json(br#"{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","concurrency":0}"#).unwrap_err();
        assert_eq!(e.error_id(), "InvalidSpec");
    }

    #[test]
    fn filter_fields_parse_and_bad_ones_say_which_field() {
        let s = JobSpec::from_json(br#"{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","excludePattern":["*.tmp"],"includeAfter":"2026-01-31T00:00:00Z","minAge":"7d"}"#).unwrap();
        let f = s.filter_spec().unwrap();
        assert_eq!(f.exclude_patterns, vec!["*.tmp".to_string()]);
        assert_eq!(f.min_age, Some(Duration::from_secs(7 * 86_400)));
        assert!(f.include_after.is_some());
        let e = JobSpec::from_json(br#"{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","includeAfter":"last tuesday"}"#).unwrap_err();
        assert!(e.to_string().contains("includeAfter"), "{e}");
        let e = JobSpec::from_json(br#"{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","maxAge":"soon"}"#).unwrap_err();
        assert!(e.to_string().contains("maxAge"), "{e}");
    }

    #[test]
    fn upload_properties_are_checked() {
        let s = JobSpec::from_json(br#"{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","metadata":{"dept":"hr"},"tags":{"env":"prod"},"accessTier":"Cool"}"#).unwrap();
        let p = s.upload_properties().unwrap();
        assert_eq!(p.metadata.get("dept").map(String::as_str), Some("hr"));
        assert_eq!(p.access_tier, Some(crate::store::AccessTier::Cool));
        for bad in [r#"{"1x":"v"}"#, r#"{"mtime":"v"}"#, r#"{"a-b":"v"}"#, r#"{"owner":"zoë"}"#] {
            let json = format!(r#"{{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","metadata":{bad}}}"#);
            assert_eq!(JobSpec::from_json(json.as_bytes()).unwrap_err().error_id(), "InvalidSpec", "{bad}");
        }
        assert!(JobSpec::from_json(br#"{"source":"http://127.0.0.1:1/acct/cont","destination":"/azbs-missing-dest","accessTier":"Lukewarm"}"#).is_err());
    }

    #[test]
    fn debug_never_shows_the_key_or_sas_signature() {
        let s = JobSpec::from_json(
            br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont?sv=1&sig=SECRETSIG","accountKey":"SECRETKEY"}"#,
        )
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("SECRETKEY") && !shown.contains("SECRETSIG"), "{shown}");
        let s = JobSpec::from_json(
            br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont","signIn":{"kind":"servicePrincipal","tenantId":"t","clientId":"c","clientSecret":"SPNSECRET"}}"#,
        )
        .unwrap();
        let shown = format!("{s:?}");
        assert!(shown.contains("ServicePrincipal") && !shown.contains("SPNSECRET"), "{shown}");
    }

    #[test]
    fn a_key_and_a_sign_in_together_are_refused() {
        let e = JobSpec::from_json(
            br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont","accountKey":"k","signIn":{"kind":"azureCli"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.error_id(), "InvalidCredential");
        let e = JobSpec::from_json(br#"{"source":"/","destination":"https://x.blob.core.windows.net/cont","signIn":{"kind":"servicePrincipal","tenantId":"","clientId":"c","clientSecret":"s"}}"#).unwrap_err();
        assert_eq!(e.error_id(), "InvalidCredential");
    }
}
