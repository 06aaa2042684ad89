//! The rules a spec's values must follow, each written once: hosts (the CLI, the .NET layer through
//! `azbs_spec_check`) get the same verdict and the same error id.

use crate::error::{EngineError, Result};
use std::collections::BTreeMap;

/// Upper bound on parallel requests; beyond this the service throttles and memory grows.
pub const MAX_CONCURRENCY: usize = 512;
/// Most index tags a blob takes (the service's limit).
pub const MAX_TAGS: usize = 10;

fn invalid(message: String) -> EngineError {
    EngineError::InvalidSpec(message)
}

pub fn check_concurrency(value: Option<i64>) -> Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(c) if (1..=MAX_CONCURRENCY as i64).contains(&c) => Ok(Some(c as usize)),
        Some(c) => Err(invalid(format!("'concurrency' must be between 1 and {MAX_CONCURRENCY}, got {c}"))),
    }
}

pub fn check_max_delete(value: Option<i64>) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if n >= 0 => Ok(Some(n as u64)),
        Some(n) => Err(invalid(format!("'maxDelete' (--max-delete) cannot be negative, got {n}"))),
    }
}

/// A host-given job id names files (the journal, the log): 1 to 128 letters, digits, `-`, `_`, `.`.
pub fn check_job_id(id: Option<&str>) -> Result<()> {
    match id {
        Some(id) if id.is_empty() || id.len() > 128 || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) => {
            Err(invalid("'jobId' must be 1 to 128 letters, digits, '-', '_' or '.'".to_string()))
        }
        _ => Ok(()),
    }
}

/// Most tries per storage request a spec (or `AZBLOBSYNC_MAX_ATTEMPTS`) may ask for.
pub const MAX_ATTEMPTS: u32 = 100;
pub const MAX_ATTEMPTS_VARIABLE: &str = "AZBLOBSYNC_MAX_ATTEMPTS";
pub const PER_TRY_TIMEOUT_VARIABLE: &str = "AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS";

/// Retry tuning: what the spec gives, else the process environment (an operator on a bad link
/// raises the tries; tests shorten the stall timeout), so every host honours and refuses the same
/// values. Returns (tries, per-try timeout in seconds), each `None` for the default.
pub fn retry_tuning(
    max_attempts: Option<u32>,
    per_try_timeout_seconds: Option<f64>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(Option<u32>, Option<f64>)> {
    let tries = match max_attempts {
        Some(n) => Some(n),
        None => env(MAX_ATTEMPTS_VARIABLE)
            .map(|v| v.trim().parse::<u32>().map_err(|_| invalid(format!("{MAX_ATTEMPTS_VARIABLE} must be a whole number from 1 to {MAX_ATTEMPTS}, got '{v}'"))))
            .transpose()?,
    };
    if let Some(n) = tries.filter(|n| !(1..=MAX_ATTEMPTS).contains(n)) {
        return Err(invalid(format!("'maxAttempts' ({MAX_ATTEMPTS_VARIABLE}) must be from 1 to {MAX_ATTEMPTS}, got {n}")));
    }
    let timeout = match per_try_timeout_seconds {
        Some(s) => Some(s),
        None => env(PER_TRY_TIMEOUT_VARIABLE)
            .map(|v| v.trim().parse::<f64>().map_err(|_| invalid(format!("{PER_TRY_TIMEOUT_VARIABLE} must be a number of seconds from 0.1 to 3600, got '{v}'"))))
            .transpose()?,
    };
    if let Some(s) = timeout.filter(|s| !(s.is_finite() && (0.1..=3600.0).contains(s))) {
        return Err(invalid(format!("'perTryTimeoutSeconds' ({PER_TRY_TIMEOUT_VARIABLE}) must be from 0.1 to 3600 seconds, got {s}")));
    }
    Ok((tries, timeout))
}

/// The job-wide buffer budget must hold at least one 1 MiB part.
pub fn check_memory_budget(bytes: Option<u64>) -> Result<()> {
    match bytes {
        Some(m) if m < 1024 * 1024 => Err(invalid(format!("'memoryBudgetBytes' (--memory-budget-mb) must be at least 1 MiB (1048576), got {m}"))),
        _ => Ok(()),
    }
}

/// Metadata names are C# identifiers (the service's rule); `mtime` is ours (the source's modified
/// time); values travel in HTTP headers, so printable ASCII only (the service would otherwise fail
/// the request as if the credentials were wrong).
pub fn check_metadata(metadata: &BTreeMap<String, String>) -> Result<()> {
    for (key, value) in metadata {
        let valid = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(invalid(format!("metadata name '{key}' is not valid: use letters, digits and '_', not starting with a digit")));
        }
        if key.eq_ignore_ascii_case(crate::store::SOURCE_MTIME_KEY) {
            return Err(invalid(format!("metadata name '{key}' is reserved: it holds the source's modified time, which is how changes are found")));
        }
        if !value.chars().all(|c| (' '..='~').contains(&c)) {
            return Err(invalid(format!(
                "metadata '{key}' has a value the service cannot take: use printable ASCII only (no accents, no line breaks); encode it (e.g. URL-encode) first"
            )));
        }
    }
    Ok(())
}

/// The service's rules for index tags: at most 10; names 1-128 and values 0-256 characters, each a
/// letter, a digit, a space or one of `+ - . / : = _`.
pub fn check_tags(tags: &BTreeMap<String, String>) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(invalid(format!("a blob takes at most {MAX_TAGS} tags, got {}", tags.len())));
    }
    let allowed = |text: &str| text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '+' | '-' | '.' | '/' | ':' | '=' | '_'));
    for (key, value) in tags {
        if !(1..=128).contains(&key.chars().count()) || value.chars().count() > 256 || !allowed(key) || !allowed(value) {
            return Err(invalid(format!(
                "tag '{key}' is not valid: names take 1-128 and values up to 256 characters, each a letter, a digit, a space or one of + - . / : = _"
            )));
        }
    }
    Ok(())
}

/// Filter paths are relative to the folder (and to the container prefix): an absolute one, or one
/// climbing out with `..`, would silently match nothing.
pub fn check_relative_paths(field: &str, values: &[String]) -> Result<()> {
    for path in values.iter().flat_map(|v| v.split(';')).map(str::trim).filter(|p| !p.is_empty()) {
        let rooted = path.starts_with(['/', '\\']) || crate::local::windows_path::is_absolute(path) || {
            let b = path.as_bytes();
            b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
        };
        let climbs = path.split(['/', '\\']).any(|segment| segment == "..");
        if rooted || climbs {
            let why = if rooted { "an absolute path" } else { "one that climbs out with '..'" };
            return Err(invalid(format!("{field} '{path}' must be a path relative to the folder (like 'logs/old' or 'a.txt'), not {why}")));
        }
    }
    Ok(())
}

/// Where local MD5s are remembered: a file (created if missing), never a folder.
pub fn check_hash_cache_path(path: Option<&str>) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    if path.trim().is_empty() {
        return Err(invalid("'hashCachePath' (--hash-cache) is empty; give a file path, or leave it out for the default".into()));
    }
    if std::path::Path::new(path).is_dir() {
        return Err(invalid(format!("'hashCachePath' (--hash-cache) '{path}' is a folder; give the path of a file (it is created if missing)")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn retry_tuning_takes_the_spec_then_the_environment_and_refuses_what_does_not_parse() {
        let env = |pairs: &'static [(&'static str, &'static str)]| move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        assert_eq!(retry_tuning(None, None, env(&[])).unwrap(), (None, None));
        assert_eq!(retry_tuning(None, None, env(&[(MAX_ATTEMPTS_VARIABLE, " 7 "), (PER_TRY_TIMEOUT_VARIABLE, "2.5")])).unwrap(), (Some(7), Some(2.5)));
        assert_eq!(retry_tuning(Some(3), Some(9.0), env(&[(MAX_ATTEMPTS_VARIABLE, "junk")])).unwrap(), (Some(3), Some(9.0)), "the spec wins");
        for (vars, needle) in [
            (&[(MAX_ATTEMPTS_VARIABLE, "many")][..], "AZBLOBSYNC_MAX_ATTEMPTS must be a whole number"),
            (&[(MAX_ATTEMPTS_VARIABLE, "0")][..], "from 1 to 100, got 0"),
            (&[(MAX_ATTEMPTS_VARIABLE, "-2")][..], "whole number"),
            (&[(PER_TRY_TIMEOUT_VARIABLE, "soon")][..], "AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS must be a number"),
            (&[(PER_TRY_TIMEOUT_VARIABLE, "0")][..], "from 0.1 to 3600 seconds, got 0"),
            (&[(PER_TRY_TIMEOUT_VARIABLE, "NaN")][..], "from 0.1 to 3600"),
        ] {
            let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let e = retry_tuning(None, None, |n: &str| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())).unwrap_err();
            assert!(matches!(e, EngineError::InvalidSpec(_)) && e.to_string().contains(needle), "{e}");
        }
        assert!(retry_tuning(Some(101), None, env(&[])).is_err());
    }

    #[test]
    fn limits() {
        assert_eq!(check_concurrency(Some(1)).unwrap(), Some(1));
        assert_eq!(check_concurrency(Some(512)).unwrap(), Some(512));
        for bad in [0, -1, 513] {
            assert!(check_concurrency(Some(bad)).unwrap_err().to_string().contains("between 1 and 512"), "{bad}");
        }
        assert_eq!(check_max_delete(Some(0)).unwrap(), Some(0));
        assert!(check_max_delete(Some(-1)).unwrap_err().to_string().contains("negative"));
    }

    #[test]
    fn metadata_names_and_values() {
        check_metadata(&map(&[("dept", "hr"), ("_x1", "a b ~")])).unwrap();
        for (k, v, needle) in [
            ("1x", "v", "not valid"),
            ("a-b", "v", "not valid"),
            ("", "v", "not valid"),
            ("mtime", "v", "reserved"),
            ("MTime", "v", "reserved"),
            ("owner", "zoë", "printable ASCII"),
            ("note", "a\nb", "printable ASCII"),
        ] {
            let e = check_metadata(&map(&[(k, v)])).unwrap_err();
            assert_eq!(e.error_id(), "InvalidSpec");
            assert!(e.to_string().contains(needle), "{k}={v}: {e}");
        }
    }

    #[test]
    fn tags() {
        check_tags(&map(&[("env", "prod"), ("path", "a/b:c=d_e+f.g h"), ("empty", "")])).unwrap();
        let eleven: BTreeMap<String, String> = (0..11).map(|i| (format!("t{i}"), "v".to_string())).collect();
        assert!(check_tags(&eleven).unwrap_err().to_string().contains("at most 10"));
        for (k, v) in [("", "v"), ("bad!", "v"), ("k", "x;y"), ("k", "é")] {
            assert_eq!(check_tags(&map(&[(k, v)])).unwrap_err().error_id(), "InvalidSpec", "{k}={v}");
        }
        assert!(check_tags(&map(&[(&"k".repeat(129), "v")])).is_err());
        assert!(check_tags(&map(&[("k", &"v".repeat(257))])).is_err());
    }

    #[test]
    fn filter_paths_are_relative() {
        check_relative_paths("ExcludePath", &["logs/old;a.txt".into(), r"sub\dir".into(), "./x".into()]).unwrap();
        for bad in ["/etc", r"\root", r"C:\data", "C:data", "//server/share", "a/../../b", ".."] {
            let e = check_relative_paths("ExcludePath", &[format!("ok;{bad}")]).unwrap_err();
            assert!(e.to_string().contains("ExcludePath") && e.to_string().contains(bad), "{bad}: {e}");
        }
    }

    #[test]
    fn hash_cache_must_be_a_file() {
        let dir = tempfile::tempdir().unwrap();
        check_hash_cache_path(None).unwrap();
        check_hash_cache_path(Some(dir.path().join("cache.redb").to_str().unwrap())).unwrap();
        assert!(check_hash_cache_path(Some(dir.path().to_str().unwrap())).unwrap_err().to_string().contains("is a folder"));
        assert!(check_hash_cache_path(Some("  ")).unwrap_err().to_string().contains("empty"));
    }
}
