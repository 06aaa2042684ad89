//! Deciding what to transfer: pure code, no I/O.
//!
//! [`SyncPlan`] (in [`merge`]) merges a name-ordered source stream with a name-ordered destination
//! stream (a local walk and a blob listing, either way round) and yields one [`PlanEntry`] per
//! name; this file holds the rules for one pair ([`decide`], [`decide_copy`], [`PlanRules`]).
//! Memory stays constant: each side is only peeked one entry ahead.

pub mod blob_name;
pub mod filter;
pub mod merge;

pub use merge::{OrderViolation, SyncPlan};

use crate::plan::filter::Filter;
use crate::local::walk::LocalEntry;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// What the destination listing says about one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteEntry {
    /// Relative to the destination prefix (the prefix and its '/' removed).
    pub relative: String,
    pub size: u64,
    /// The service's Last-Modified: when the blob was written, by the service's clock.
    pub last_modified: SystemTime,
    /// The source file's modified time as we stored it in the blob's metadata on upload, if any.
    /// Preferred over `last_modified`: it is immune to clock skew and to upload duration.
    pub source_modified: Option<SystemTime>,
    /// The blob's Content-MD5, when it has one.
    pub content_md5: Option<Vec<u8>>,
    /// The version listed ([`crate::store::ListedBlob::etag`]): what a download or copy reads.
    pub etag: Option<String>,
}

/// What the plan needs to know of an entry on either side.
pub trait PlanItem {
    /// Relative to the side's root, '/'-separated.
    fn relative(&self) -> &str;
    fn size(&self) -> u64;
    /// The content's modified time as best known.
    fn modified(&self) -> SystemTime;
    /// True when `modified` is the source file's own time (a local file's mtime, or the time stored
    /// with a blob); false when it is only when the service wrote the blob.
    fn time_is_exact(&self) -> bool;
}

impl PlanItem for LocalEntry {
    fn relative(&self) -> &str {
        &self.relative
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn modified(&self) -> SystemTime {
        self.modified
    }
    fn time_is_exact(&self) -> bool {
        true
    }
}

impl PlanItem for RemoteEntry {
    fn relative(&self) -> &str {
        &self.relative
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn modified(&self) -> SystemTime {
        self.source_modified.unwrap_or(self.last_modified)
    }
    fn time_is_exact(&self) -> bool {
        self.source_modified.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Transfer(Reason),
    Skip(Reason),
    /// Transfer only if the host approves (overwrite = prompt).
    Ask(Reason),
    /// Same size: transfer only if the content hashes differ (compare-hash).
    Verify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No blob of that name.
    Missing,
    SizeChanged,
    /// The stored source time differs from the file's (the file changed since it was uploaded).
    ModifiedTimeChanged,
    /// No stored source time, and the file is newer than the blob.
    NewerThanDestination,
    Unchanged,
    /// Copy: the destination exists and will be replaced (overwrite = true or prompt).
    Overwrite,
    /// Copy: the destination exists and is kept (overwrite = false).
    Exists,
    /// Copy: the destination exists and is not older than the source (overwrite = ifSourceNewer).
    NotNewer,
    /// Copy with overwrite = true: the destination was not looked at.
    Copy,
    /// Compare-hash: same size, different MD5.
    ContentChanged,
    /// Compare-hash: the blob has no Content-MD5, so it cannot be shown to be the same.
    NoHashToCompare,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::SizeChanged => "sizeChanged",
            Self::ModifiedTimeChanged => "modifiedTimeChanged",
            Self::NewerThanDestination => "newerThanDestination",
            Self::Unchanged => "unchanged",
            Self::Overwrite => "overwrite",
            Self::Exists => "exists",
            Self::NotNewer => "notNewer",
            Self::Copy => "copy",
            Self::ContentChanged => "contentChanged",
            Self::NoHashToCompare => "noHashToCompare",
        }
    }
}

/// Metadata keeps whole microseconds at most on some paths; times this close are equal.
const TIME_TOLERANCE: Duration = Duration::from_millis(1);

fn same_time(a: SystemTime, b: SystemTime) -> bool {
    let diff = a.duration_since(b).or_else(|_| b.duration_since(a)).unwrap_or_default();
    diff < TIME_TOLERANCE
}

/// Transfer when the destination is missing, when the size differs, or when the modified times say
/// the content changed. When both sides know the source file's own time (a local file's mtime, a
/// time stored with the blob; downloads set the file's mtime to it), any difference is a change,
/// newer or older: clock skew cannot fool it. When one side only knows when the service wrote the
/// blob, only a newer source counts.
pub fn decide(source: &impl PlanItem, dest: Option<&impl PlanItem>) -> Decision {
    let Some(dest) = dest else { return Decision::Transfer(Reason::Missing) };
    if source.size() != dest.size() {
        return Decision::Transfer(Reason::SizeChanged);
    }
    if source.time_is_exact() && dest.time_is_exact() {
        return if same_time(source.modified(), dest.modified()) {
            Decision::Skip(Reason::Unchanged)
        } else {
            Decision::Transfer(Reason::ModifiedTimeChanged)
        };
    }
    if source.modified() > dest.modified() {
        Decision::Transfer(Reason::NewerThanDestination)
    } else {
        Decision::Skip(Reason::Unchanged)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanEntry<S, D> {
    /// A source entry and what to do with it.
    Source { source: S, dest: Option<D>, decision: Decision },
    /// A destination entry with no source, to delete (a mirror with deletion on).
    Delete(D),
    /// A destination entry with no source, left alone.
    OnlyAtDestination(D),
}

/// Copy's rule for a destination that already exists (AzCopy's `--overwrite`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Overwrite {
    #[default]
    True,
    False,
    IfSourceNewer,
    Prompt,
}

/// Sync compares; copy transfers unless the overwrite rule keeps the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Sync,
    /// Sync judging same-sized pairs by content hash instead of modified time.
    SyncByHash,
    Copy(Overwrite),
}

/// Copy: a missing destination is always written; an existing one as `overwrite` says.
pub fn decide_copy(source: &impl PlanItem, dest: Option<&impl PlanItem>, overwrite: Overwrite) -> Decision {
    let Some(dest) = dest else {
        // overwrite = true does not look at the destination at all.
        return Decision::Transfer(if overwrite == Overwrite::True { Reason::Copy } else { Reason::Missing });
    };
    match overwrite {
        Overwrite::True => Decision::Transfer(Reason::Overwrite),
        Overwrite::False => Decision::Skip(Reason::Exists),
        Overwrite::IfSourceNewer if source.modified() > dest.modified() => Decision::Transfer(Reason::NewerThanDestination),
        Overwrite::IfSourceNewer => Decision::Skip(Reason::NotNewer),
        Overwrite::Prompt => Decision::Ask(Reason::Overwrite),
    }
}

/// What the merge needs beyond the two streams.
#[derive(Clone)]
pub struct PlanRules {
    pub filter: Arc<Filter>,
    /// Blobs with no source file (and inside the filter) are planned for deletion.
    pub delete_extras: bool,
    pub mode: Mode,
}

impl Default for PlanRules {
    fn default() -> Self {
        Self { filter: Arc::new(Filter::everything()), delete_extras: false, mode: Mode::Sync }
    }
}

impl PlanRules {
    fn decide(&self, source: &impl PlanItem, dest: Option<&impl PlanItem>) -> Decision {
        match self.mode {
            Mode::Sync => decide(source, dest),
            Mode::SyncByHash => match dest {
                None => Decision::Transfer(Reason::Missing),
                Some(d) if d.size() != source.size() => Decision::Transfer(Reason::SizeChanged),
                Some(_) => Decision::Verify,
            },
            Mode::Copy(overwrite) => decide_copy(source, dest, overwrite),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn t(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }
    fn local(name: &str, size: u64, mtime: u64) -> LocalEntry {
        LocalEntry { relative: name.into(), path: PathBuf::from(name), size, modified: t(mtime) }
    }
    fn remote(name: &str, size: u64, lmt: u64, stored: Option<u64>) -> RemoteEntry {
        RemoteEntry { relative: name.into(), size, last_modified: t(lmt), source_modified: stored.map(t), content_md5: None, etag: None }
    }

    #[test]
    fn decides_each_case() {
        let f = local("f", 10, 100);
        assert_eq!(decide(&f, None::<&RemoteEntry>), Decision::Transfer(Reason::Missing));
        assert_eq!(decide(&f, Some(&remote("f", 11, 200, None))), Decision::Transfer(Reason::SizeChanged));
        assert_eq!(decide(&f, Some(&remote("f", 10, 200, None))), Decision::Skip(Reason::Unchanged));
        assert_eq!(decide(&f, Some(&remote("f", 10, 50, None))), Decision::Transfer(Reason::NewerThanDestination));
        assert_eq!(decide(&f, Some(&remote("f", 10, 50, Some(100)))), Decision::Skip(Reason::Unchanged));
    }

    #[test]
    fn downloads_compare_the_blob_s_source_time_with_the_file_s() {
        // A download sets the file's time to the blob's source time, so equal times mean in sync.
        let blob = remote("f", 10, 9_000, Some(100));
        assert_eq!(decide(&blob, Some(&local("f", 10, 100))), Decision::Skip(Reason::Unchanged));
        assert_eq!(decide(&blob, Some(&local("f", 10, 150))), Decision::Transfer(Reason::ModifiedTimeChanged));
        // A blob without a stored time: only a blob written after the file counts as newer.
        let plain = remote("f", 10, 200, None);
        assert_eq!(decide(&plain, Some(&local("f", 10, 200))), Decision::Skip(Reason::Unchanged));
        assert_eq!(decide(&plain, Some(&local("f", 10, 150))), Decision::Transfer(Reason::NewerThanDestination));
        assert_eq!(decide(&plain, None::<&LocalEntry>), Decision::Transfer(Reason::Missing));
    }

    #[test]
    fn merge_refuses_an_out_of_order_source_too() {
        let l = vec![local("b", 1, 1), local("a", 1, 1)];
        let err = SyncPlan::new(l.into_iter(), std::iter::empty::<RemoteEntry>()).find_map(Result::err).unwrap();
        assert_eq!(err, OrderViolation { previous: "b".into(), next: "a".into() });
    }

    #[test]
    fn copy_follows_the_overwrite_rule() {
        let f = local("f", 10, 500);
        let older = remote("f", 3, 100, Some(100));
        let newer = remote("f", 3, 900, Some(900));
        assert_eq!(decide_copy(&f, None::<&RemoteEntry>, Overwrite::True), Decision::Transfer(Reason::Copy));
        assert_eq!(decide_copy(&f, None::<&RemoteEntry>, Overwrite::False), Decision::Transfer(Reason::Missing));
        assert_eq!(decide_copy(&f, Some(&newer), Overwrite::True), Decision::Transfer(Reason::Overwrite));
        assert_eq!(decide_copy(&f, Some(&older), Overwrite::False), Decision::Skip(Reason::Exists));
        assert_eq!(decide_copy(&f, Some(&older), Overwrite::IfSourceNewer), Decision::Transfer(Reason::NewerThanDestination));
        assert_eq!(decide_copy(&f, Some(&newer), Overwrite::IfSourceNewer), Decision::Skip(Reason::NotNewer));
        assert_eq!(decide_copy(&f, Some(&older), Overwrite::Prompt), Decision::Ask(Reason::Overwrite));
        // Copy never compares contents: an identical destination is still rewritten with `true`.
        assert_eq!(decide_copy(&f, Some(&remote("f", 10, 500, Some(500))), Overwrite::True), Decision::Transfer(Reason::Overwrite));
    }

    #[test]
    fn stored_source_time_beats_a_skewed_service_clock() {
        // The blob was written "later" by a fast service clock, but the file changed since.
        let f = local("f", 10, 500);
        assert_eq!(decide(&f, Some(&remote("f", 10, 9_999, Some(400)))), Decision::Transfer(Reason::ModifiedTimeChanged));
        // An older file restored over a newer upload is also a change (mirror semantics).
        let restored = local("f", 10, 300);
        assert_eq!(decide(&restored, Some(&remote("f", 10, 9_999, Some(400)))), Decision::Transfer(Reason::ModifiedTimeChanged));
    }

    #[test]
    fn merge_pairs_names_and_reports_extras() {
        let l = vec![local("a", 1, 1), local("b/c", 1, 1), local("d", 1, 1)];
        let r = vec![remote("a", 1, 5, None), remote("b-x", 1, 5, None), remote("d", 2, 5, None)];
        let plan: Vec<_> = SyncPlan::new(l.into_iter(), r.into_iter()).map(Result::unwrap).collect();
        let summary: Vec<String> = plan
            .iter()
            .map(|p| match p {
                PlanEntry::Source { source, decision, .. } => format!("{}:{decision:?}", source.relative),
                PlanEntry::OnlyAtDestination(r) => format!("{}:extra", r.relative),
                PlanEntry::Delete(r) => format!("{}:delete", r.relative),
            })
            .collect();
        assert_eq!(summary, vec![
            "a:Skip(Unchanged)",
            "b-x:extra",
            "b/c:Transfer(Missing)",
            "d:Transfer(SizeChanged)",
        ]);
    }

    #[test]
    fn merge_refuses_an_out_of_order_listing() {
        let r = vec![remote("b", 1, 1, None), remote("a", 1, 1, None)];
        let err = SyncPlan::new(std::iter::empty::<LocalEntry>(), r.into_iter()).find_map(Result::err).unwrap();
        assert_eq!(err, OrderViolation { previous: "b".into(), next: "a".into() });
    }

    #[test]
    fn deletes_only_extras_inside_the_filter_and_never_a_filtered_out_source() {
        use crate::plan::filter::FilterSpec;
        let spec = FilterSpec {
            exclude_patterns: vec!["*.keep".into()],
            include_after: Some(t(50)),
            ..Default::default()
        };
        let rules = PlanRules { filter: Arc::new(Filter::new(&spec, t(1_000)).unwrap()), delete_extras: true, mode: Mode::Sync };
        let l = vec![local("old.txt", 1, 10), local("x.txt", 1, 100)];
        let r = vec![remote("gone.keep", 1, 5, None), remote("gone.txt", 1, 5, None), remote("old.txt", 9, 5, None), remote("x.txt", 1, 5, Some(100))];
        let plan: Vec<_> = SyncPlan::with_rules(l.into_iter(), r.into_iter(), rules).map(Result::unwrap).collect();
        assert_eq!(plan.len(), 2, "{plan:?}");
        assert!(matches!(&plan[0], PlanEntry::Delete(r) if r.relative == "gone.txt"));
        assert!(matches!(&plan[1], PlanEntry::Source { decision: Decision::Skip(_), .. }));
    }

    /// The filter rules as the README states them, for the property test's model: `--exclude-pattern`
    /// is a wildcard (`*`, `?`) on the file's name (its last segment); `--exclude-path` is a file or a
    /// folder, relative to the root, excluding everything under it.
    struct ReferenceFilter {
        exclude_pattern: Option<&'static str>,
        exclude_path: Option<&'static str>,
    }

    impl ReferenceFilter {
        fn includes_name(&self, name: &str) -> bool {
            let file_name = name.rsplit('/').next().unwrap_or(name);
            let by_pattern = self.exclude_pattern.is_some_and(|p| wildcard(p.as_bytes(), file_name.as_bytes()));
            let by_path = self.exclude_path.is_some_and(|p| name == p || name.starts_with(&format!("{p}/")));
            !(by_pattern || by_path)
        }
    }

    fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
        match (pattern.first(), text.first()) {
            (None, None) => true,
            (Some(b'*'), _) => wildcard(&pattern[1..], text) || (!text.is_empty() && wildcard(pattern, &text[1..])),
            (Some(b'?'), Some(_)) => wildcard(&pattern[1..], &text[1..]),
            (Some(p), Some(t)) if p == t => wildcard(&pattern[1..], &text[1..]),
            _ => false,
        }
    }

    #[test]
    fn the_reference_filter_reads_the_rules_as_written() {
        let f = ReferenceFilter { exclude_pattern: Some("?c"), exclude_path: Some("b/a") };
        assert!(!f.includes_name("a/bc") && f.includes_name("bc/a") && f.includes_name("c"));
        assert!(!f.includes_name("b/a") && !f.includes_name("b/a/c") && f.includes_name("b/ab"));
    }

    proptest! {
        /// For random trees, filters and delete settings: applying the plan to a model of the
        /// destination makes it equal the filtered source, deletes only unfiltered extras, and a
        /// second plan over the result does nothing.
        #[test]
        fn applying_the_plan_converges(
            source in prop::collection::btree_map("[a-c]{1,2}(/[a-c]{1,2}){0,2}", (0u64..4, 0u64..4), 0..30),
            dest in prop::collection::btree_map("[a-c]{1,2}(/[a-c]{1,2}){0,2}", (0u64..4, 0u64..4, prop::option::of(0u64..4)), 0..30),
            exclude in prop::option::of(prop::sample::select(vec!["a*", "*b", "?c", "c"])),
            exclude_path in prop::option::of(prop::sample::select(vec!["a", "b/a", "c/c"])),
            delete_extras in any::<bool>(),
        ) {
            use crate::plan::filter::FilterSpec;
            let spec = FilterSpec {
                exclude_patterns: exclude.iter().map(|s| s.to_string()).collect(),
                exclude_paths: exclude_path.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            };
            let rules = PlanRules { filter: Arc::new(Filter::new(&spec, t(0)).unwrap()), delete_extras, mode: Mode::Sync };
            // The model judges names by the documented rules, written here, not by the engine's filter.
            let filter = ReferenceFilter { exclude_pattern: exclude, exclude_path };
            let sorted = |mut v: Vec<String>| { v.sort_by(|a, b| blob_name::compare(a, b)); v };
            let local_entries = |m: &BTreeMap<String, (u64, u64)>| sorted(m.keys().cloned().collect())
                .into_iter().map(|k| { let (s, t) = m[&k]; local(&k, s, t) }).collect::<Vec<_>>();
            let remote_entries = |m: &BTreeMap<String, (u64, u64, Option<u64>)>| sorted(m.keys().cloned().collect())
                .into_iter().map(|k| { let (s, lmt, st) = m[&k]; remote(&k, s, lmt, st) }).collect::<Vec<_>>();

            let mut model = dest.clone();
            for entry in SyncPlan::with_rules(local_entries(&source).into_iter(), remote_entries(&dest).into_iter(), rules.clone()) {
                match entry.unwrap() {
                    PlanEntry::Source { source: local, decision: Decision::Transfer(_), .. } => {
                        // An upload stores the size and the file's time; the service stamps "now".
                        let (size, mtime) = source[&local.relative];
                        model.insert(local.relative.clone(), (size, 1_000, Some(mtime)));
                    }
                    PlanEntry::Delete(r) => {
                        prop_assert!(filter.includes_name(&r.relative), "deleted a filtered-out blob {}", r.relative);
                        prop_assert!(!source.contains_key(&r.relative), "deleted a blob that has a source {}", r.relative);
                        model.remove(&r.relative);
                    }
                    _ => {}
                }
            }
            for (name, (size, mtime)) in &source {
                if filter.includes_name(name) {
                    let (s, _, stored) = model[name];
                    prop_assert_eq!(s, *size);
                    prop_assert!(stored.is_none() || stored == Some(*mtime));
                }
            }
            for name in dest.keys() {
                let excluded = !filter.includes_name(name);
                if excluded || !delete_extras {
                    prop_assert!(model.contains_key(name), "{} was removed", name);
                }
                if excluded {
                    prop_assert_eq!(model[name], dest[name], "a filtered-out blob was touched");
                }
            }
            if delete_extras {
                for name in model.keys() {
                    prop_assert!(source.contains_key(name) || !filter.includes_name(name), "extra {} survived", name);
                }
            }
            let second: Vec<_> = SyncPlan::with_rules(local_entries(&source).into_iter(), remote_entries(&model).into_iter(), rules)
                .map(Result::unwrap)
                .filter(|e| matches!(e, PlanEntry::Source { decision: Decision::Transfer(_), .. } | PlanEntry::Delete(_)))
                .collect();
            prop_assert!(second.is_empty(), "second plan not empty: {:?}", second);
        }
    }
}
