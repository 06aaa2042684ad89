//! Which names take part in a job, the same on every direction (AzCopy's semantics):
//!
//! - include/exclude *patterns*: wildcards (`*`, `?`, `[...]`) on the file **name**;
//! - include/exclude *paths*: relative paths, each naming a file or a whole folder;
//! - include/exclude *regex*: on the relative path;
//! - include-after/before and min/max age: on the source's modified time.
//!
//! Excluded folders are never descended ([`Filter::may_descend`]). A destination entry outside the
//! filter is left alone: never compared, never deleted.

use crate::error::{EngineError, Result};
use globset::{GlobSet, GlobSetBuilder};
use regex::RegexSet;
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterSpec {
    pub include_patterns: Vec<String>,
    pub exclude_patterns: Vec<String>,
    pub include_paths: Vec<String>,
    pub exclude_paths: Vec<String>,
    pub include_regex: Vec<String>,
    pub exclude_regex: Vec<String>,
    pub include_after: Option<SystemTime>,
    pub include_before: Option<SystemTime>,
    /// Only files at least this old.
    pub min_age: Option<Duration>,
    /// Only files at most this old.
    pub max_age: Option<Duration>,
    /// Only what lies directly in the root (a copy without `recursive`).
    pub top_level_only: bool,
}

#[derive(Debug, Clone)]
pub struct Filter {
    include_patterns: Option<GlobSet>,
    exclude_patterns: Option<GlobSet>,
    include_paths: Vec<String>,
    exclude_paths: Vec<String>,
    include_regex: Option<RegexSet>,
    exclude_regex: Option<RegexSet>,
    modified_from: Option<SystemTime>,
    modified_until: Option<SystemTime>,
    top_level_only: bool,
}

/// AzCopy takes several values in one flag separated by ';'; PowerShell passes arrays. Accept both.
fn split_values(values: &[String]) -> Vec<String> {
    values.iter().flat_map(|v| v.split(';')).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
}

fn glob_set(flag: &str, patterns: &[String]) -> Result<Option<GlobSet>> {
    let patterns = split_values(patterns);
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in &patterns {
        let glob = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| EngineError::InvalidSpec(format!("{flag} '{p}' is not a valid wildcard pattern: {e}")))?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| EngineError::InvalidSpec(format!("{flag}: {e}")))
}

fn regex_set(flag: &str, patterns: &[String]) -> Result<Option<RegexSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    RegexSet::new(patterns).map(Some).map_err(|e| {
        // The regex crate draws a multi-line caret diagram; errors here are one line.
        let one_line = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        EngineError::InvalidSpec(format!("{flag}: not a valid regular expression: {one_line}"))
    })
}

/// Normalises a user's relative path: '/' separators, no leading "./" or '/', no trailing '/'.
pub fn normalize_relative(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.trim_start_matches("./").trim_matches('/');
    p.split('/').filter(|s| !s.is_empty() && *s != ".").collect::<Vec<_>>().join("/")
}

/// True when `path` is `root` or lies inside the folder `root`.
fn within(path: &str, root: &str) -> bool {
    path == root || (path.len() > root.len() && path.starts_with(root) && path.as_bytes()[root.len()] == b'/')
}

impl Filter {
    pub fn new(spec: &FilterSpec, now: SystemTime) -> Result<Self> {
        let paths = |v: &[String]| split_values(v).iter().map(|p| normalize_relative(p)).filter(|p| !p.is_empty()).collect();
        let mut modified_from = spec.include_after;
        let mut modified_until = spec.include_before;
        if let Some(max_age) = spec.max_age {
            let from = now.checked_sub(max_age).unwrap_or(SystemTime::UNIX_EPOCH);
            modified_from = Some(modified_from.map_or(from, |f| f.max(from)));
        }
        if let Some(min_age) = spec.min_age {
            let until = now.checked_sub(min_age).unwrap_or(SystemTime::UNIX_EPOCH);
            modified_until = Some(modified_until.map_or(until, |u| u.min(until)));
        }
        Ok(Self {
            include_patterns: glob_set("include-pattern", &spec.include_patterns)?,
            exclude_patterns: glob_set("exclude-pattern", &spec.exclude_patterns)?,
            include_paths: paths(&spec.include_paths),
            exclude_paths: paths(&spec.exclude_paths),
            include_regex: regex_set("include-regex", &spec.include_regex)?,
            exclude_regex: regex_set("exclude-regex", &spec.exclude_regex)?,
            modified_from,
            modified_until,
            top_level_only: spec.top_level_only,
        })
    }

    pub fn everything() -> Self {
        Self::new(&FilterSpec::default(), SystemTime::now()).expect("an empty filter is valid")
    }

    /// Whether a folder may hold included files; `false` means it is not even listed.
    pub fn may_descend(&self, dir: &str) -> bool {
        if self.top_level_only {
            return false;
        }
        if self.exclude_paths.iter().any(|x| within(dir, x)) {
            return false;
        }
        // With include paths, only folders on the way to one of them, or inside one, are walked.
        self.include_paths.is_empty() || self.include_paths.iter().any(|inc| within(dir, inc) || within(inc, dir))
    }

    /// Whether some folder strictly inside `dir` ("" for the root) is left out while `dir` itself is
    /// walked: such a folder must be listed level by level, since a flat listing of it would list
    /// the left-out folder too.
    pub fn prunes_inside(&self, dir: &str) -> bool {
        if self.top_level_only {
            return false;
        }
        let strictly_inside = |path: &str| if dir.is_empty() { !path.is_empty() } else { path != dir && within(path, dir) };
        if self.exclude_paths.iter().any(|x| strictly_inside(x)) {
            return true;
        }
        // On the way to an include path but not inside one: the folder's other children are left out.
        !self.include_paths.is_empty()
            && !self.include_paths.iter().any(|inc| !dir.is_empty() && within(dir, inc))
            && self.include_paths.iter().any(|inc| strictly_inside(inc))
    }

    /// Whether a name takes part, judged on its path alone (both sides, and for deletions).
    pub fn includes_name(&self, relative: &str) -> bool {
        if self.top_level_only && relative.contains('/') {
            return false;
        }
        let name = relative.rsplit('/').next().unwrap_or(relative);
        if let Some(inc) = &self.include_patterns {
            if !inc.is_match(name) {
                return false;
            }
        }
        if self.exclude_patterns.as_ref().is_some_and(|x| x.is_match(name)) {
            return false;
        }
        if !self.include_paths.is_empty() && !self.include_paths.iter().any(|inc| within(relative, inc)) {
            return false;
        }
        if self.exclude_paths.iter().any(|x| within(relative, x)) {
            return false;
        }
        if let Some(inc) = &self.include_regex {
            if !inc.is_match(relative) {
                return false;
            }
        }
        !self.exclude_regex.as_ref().is_some_and(|x| x.is_match(relative))
    }

    /// Whether a source file takes part: its name, then its modified time.
    pub fn includes_source(&self, relative: &str, modified: SystemTime) -> bool {
        self.includes_name(relative)
            && self.modified_from.is_none_or(|from| modified >= from)
            && self.modified_until.is_none_or(|until| modified <= until)
    }

    /// Whether any time-based rule is set (then a destination-only entry cannot be judged by name).
    pub fn has_time_rules(&self) -> bool {
        self.modified_from.is_some() || self.modified_until.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(f: impl FnOnce(&mut FilterSpec)) -> Filter {
        let mut spec = FilterSpec::default();
        f(&mut spec);
        Filter::new(&spec, SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000)).unwrap()
    }

    #[test]
    fn patterns_match_the_file_name_and_take_semicolon_lists() {
        let f = filter(|s| s.include_patterns = vec!["*.jpg;*.PDF".into()]);
        assert!(f.includes_name("photos/a.jpg"));
        assert!(f.includes_name("b.PDF"));
        assert!(!f.includes_name("jpg/readme.txt"));
        let f = filter(|s| s.exclude_patterns = vec!["~*".into(), "*.tmp".into()]);
        assert!(!f.includes_name("docs/~lock.docx"));
        assert!(!f.includes_name("x.tmp"));
        assert!(f.includes_name("x.txt"));
    }

    #[test]
    fn exclude_path_prunes_a_whole_folder_but_not_its_namesakes() {
        let f = filter(|s| s.exclude_paths = vec!["logs".into(), ".\\cache\\".into()]);
        assert!(!f.may_descend("logs"));
        assert!(!f.may_descend("logs/2026"));
        assert!(!f.may_descend("cache"));
        assert!(f.may_descend("logs-old"));
        assert!(!f.includes_name("logs/a.txt"));
        assert!(f.includes_name("logs-old/a.txt"));
        assert!(f.includes_name("logs.txt"));
    }

    #[test]
    fn include_path_walks_only_towards_and_inside_it() {
        let f = filter(|s| s.include_paths = vec!["data/2026".into(), "top.txt".into()]);
        assert!(f.may_descend("data"));
        assert!(f.may_descend("data/2026/q1"));
        assert!(!f.may_descend("data/2025"));
        assert!(!f.may_descend("other"));
        assert!(f.includes_name("data/2026/q1/x.csv"));
        assert!(f.includes_name("top.txt"));
        assert!(!f.includes_name("data/2025/x.csv"));
    }

    #[test]
    fn a_folder_with_a_left_out_folder_inside_is_listed_level_by_level() {
        let f = filter(|s| s.exclude_paths = vec!["a/logs".into()]);
        assert!(f.prunes_inside(""));
        assert!(f.prunes_inside("a"));
        assert!(!f.prunes_inside("a/logs"), "a left-out folder is not walked at all");
        assert!(!f.prunes_inside("b"));
        assert!(!f.prunes_inside("a/logs2"));
        let f = filter(|s| s.include_paths = vec!["x/keep".into()]);
        assert!(f.prunes_inside(""));
        assert!(f.prunes_inside("x"), "x's other children are left out");
        assert!(!f.prunes_inside("x/keep"));
        assert!(!f.prunes_inside("x/keep/deeper"));
        assert!(!filter(|_| {}).prunes_inside(""));
    }

    #[test]
    fn regexes_match_the_relative_path() {
        let f = filter(|s| {
            s.include_regex = vec![r"^reports/.*\.csv$".into()];
            s.exclude_regex = vec!["draft".into()];
        });
        assert!(f.includes_name("reports/q1.csv"));
        assert!(!f.includes_name("reports/q1-draft.csv"));
        assert!(!f.includes_name("other/q1.csv"));
    }

    #[test]
    fn time_rules_combine_dates_and_ages() {
        let t = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let f = filter(|s| {
            s.include_after = Some(t(100));
            s.min_age = Some(Duration::from_secs(1_000)); // now is 1_000_000
        });
        assert!(!f.includes_source("a", t(99)));
        assert!(f.includes_source("a", t(100)));
        assert!(f.includes_source("a", t(999_000)));
        assert!(!f.includes_source("a", t(999_001)));
        let f = filter(|s| s.max_age = Some(Duration::from_secs(10)));
        assert!(!f.includes_source("a", t(999_989)));
        assert!(f.includes_source("a", t(999_990)));
    }

    #[test]
    fn bad_patterns_are_clear_errors() {
        let mut spec = FilterSpec::default();
        spec.include_regex = vec!["(unclosed".into()];
        let e = Filter::new(&spec, SystemTime::now()).unwrap_err();
        assert!(e.to_string().contains("include-regex"), "{e}");
        assert_eq!(e.to_string().lines().count(), 1, "{e}");
        let mut spec = FilterSpec::default();
        spec.exclude_patterns = vec!["[z-a]".into()];
        assert!(Filter::new(&spec, SystemTime::now()).is_err());
    }
}
