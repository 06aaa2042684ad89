//! Deciding what to transfer: pure code, no I/O.
//!
//! [`SyncPlan`] merges the name-ordered local walk with the name-ordered destination listing and
//! yields one [`PlanEntry`] per name; [`decide_upload`] is the rule for one pair. Memory stays
//! constant: each side is only peeked one entry ahead.

use crate::blob_name;
use crate::filter::Filter;
use crate::local_walk::LocalEntry;
use std::sync::Arc;
use std::cmp::Ordering;
use std::iter::Peekable;
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Upload(Reason),
    Skip(Reason),
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
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::SizeChanged => "sizeChanged",
            Self::ModifiedTimeChanged => "modifiedTimeChanged",
            Self::NewerThanDestination => "newerThanDestination",
            Self::Unchanged => "unchanged",
        }
    }
}

/// Metadata keeps whole microseconds at most on some paths; times this close are equal.
const TIME_TOLERANCE: Duration = Duration::from_millis(1);

fn same_time(a: SystemTime, b: SystemTime) -> bool {
    let diff = a.duration_since(b).or_else(|_| b.duration_since(a)).unwrap_or_default();
    diff < TIME_TOLERANCE
}

/// Local → blob: upload when missing, when the size differs, or when the file's modified time says
/// it changed (stored source time when the blob has one, else the blob's Last-Modified).
pub fn decide_upload(local: &LocalEntry, remote: Option<&RemoteEntry>) -> Decision {
    let Some(remote) = remote else { return Decision::Upload(Reason::Missing) };
    if local.size != remote.size {
        return Decision::Upload(Reason::SizeChanged);
    }
    match remote.source_modified {
        Some(stored) if !same_time(stored, local.modified) => Decision::Upload(Reason::ModifiedTimeChanged),
        Some(_) => Decision::Skip(Reason::Unchanged),
        None if local.modified > remote.last_modified => Decision::Upload(Reason::NewerThanDestination),
        None => Decision::Skip(Reason::Unchanged),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanEntry {
    /// A source file and what to do with it.
    Source { local: LocalEntry, remote: Option<RemoteEntry>, decision: Decision },
    /// A blob with no source file, to delete (a mirror with deletion on).
    Delete(RemoteEntry),
    /// A blob with no source file, left alone.
    OnlyAtDestination(RemoteEntry),
}

/// What the merge needs beyond the two streams.
#[derive(Clone)]
pub struct PlanRules {
    pub filter: Arc<Filter>,
    /// Blobs with no source file (and inside the filter) are planned for deletion.
    pub delete_extras: bool,
}

impl Default for PlanRules {
    fn default() -> Self {
        Self { filter: Arc::new(Filter::everything()), delete_extras: false }
    }
}

/// The merge failed: a stream broke the order the merge relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderViolation {
    pub previous: String,
    pub next: String,
}

pub struct SyncPlan<L: Iterator<Item = LocalEntry>, R: Iterator<Item = RemoteEntry>> {
    local: Peekable<L>,
    remote: Peekable<R>,
    last_remote: Option<String>,
    rules: PlanRules,
}

impl<L: Iterator<Item = LocalEntry>, R: Iterator<Item = RemoteEntry>> SyncPlan<L, R> {
    pub fn new(local: L, remote: R) -> Self {
        Self::with_rules(local, remote, PlanRules::default())
    }

    pub fn with_rules(local: L, remote: R, rules: PlanRules) -> Self {
        Self { local: local.peekable(), remote: remote.peekable(), last_remote: None, rules }
    }

    fn take_remote(&mut self) -> Result<RemoteEntry, OrderViolation> {
        let entry = self.remote.next().expect("peeked");
        if let Some(prev) = &self.last_remote {
            if blob_name::compare(prev, &entry.relative) != Ordering::Less {
                return Err(OrderViolation { previous: prev.clone(), next: entry.relative });
            }
        }
        self.last_remote = Some(entry.relative.clone());
        Ok(entry)
    }

    fn source_included(&self, local: &LocalEntry) -> bool {
        self.rules.filter.includes_source(&local.relative, local.modified)
    }
}

impl<L: Iterator<Item = LocalEntry>, R: Iterator<Item = RemoteEntry>> Iterator for SyncPlan<L, R> {
    type Item = Result<PlanEntry, OrderViolation>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let order = match (self.local.peek(), self.remote.peek()) {
                (None, None) => return None,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(l), Some(r)) => blob_name::compare(&l.relative, &r.relative),
            };
            match order {
                Ordering::Less => {
                    let local = self.local.next().expect("peeked");
                    if self.source_included(&local) {
                        let decision = decide_upload(&local, None);
                        return Some(Ok(PlanEntry::Source { local, remote: None, decision }));
                    }
                }
                Ordering::Greater => {
                    let remote = match self.take_remote() {
                        Ok(r) => r,
                        Err(e) => return Some(Err(e)),
                    };
                    if !self.rules.filter.includes_name(&remote.relative) {
                        continue;
                    }
                    return Some(Ok(if self.rules.delete_extras {
                        PlanEntry::Delete(remote)
                    } else {
                        PlanEntry::OnlyAtDestination(remote)
                    }));
                }
                Ordering::Equal => {
                    let remote = match self.take_remote() {
                        Ok(r) => r,
                        Err(e) => return Some(Err(e)),
                    };
                    let local = self.local.next().expect("peeked");
                    // A source file outside the filter still exists: its blob is neither compared
                    // nor deleted.
                    if self.source_included(&local) {
                        let decision = decide_upload(&local, Some(&remote));
                        return Some(Ok(PlanEntry::Source { local, remote: Some(remote), decision }));
                    }
                }
            }
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
        RemoteEntry { relative: name.into(), size, last_modified: t(lmt), source_modified: stored.map(t) }
    }

    #[test]
    fn decides_each_case() {
        let f = local("f", 10, 100);
        assert_eq!(decide_upload(&f, None), Decision::Upload(Reason::Missing));
        assert_eq!(decide_upload(&f, Some(&remote("f", 11, 200, None))), Decision::Upload(Reason::SizeChanged));
        assert_eq!(decide_upload(&f, Some(&remote("f", 10, 200, None))), Decision::Skip(Reason::Unchanged));
        assert_eq!(decide_upload(&f, Some(&remote("f", 10, 50, None))), Decision::Upload(Reason::NewerThanDestination));
        assert_eq!(decide_upload(&f, Some(&remote("f", 10, 50, Some(100)))), Decision::Skip(Reason::Unchanged));
    }

    #[test]
    fn stored_source_time_beats_a_skewed_service_clock() {
        // The blob was written "later" by a fast service clock, but the file changed since.
        let f = local("f", 10, 500);
        assert_eq!(decide_upload(&f, Some(&remote("f", 10, 9_999, Some(400)))), Decision::Upload(Reason::ModifiedTimeChanged));
        // An older file restored over a newer upload is also a change (mirror semantics).
        let restored = local("f", 10, 300);
        assert_eq!(decide_upload(&restored, Some(&remote("f", 10, 9_999, Some(400)))), Decision::Upload(Reason::ModifiedTimeChanged));
    }

    #[test]
    fn merge_pairs_names_and_reports_extras() {
        let l = vec![local("a", 1, 1), local("b/c", 1, 1), local("d", 1, 1)];
        let r = vec![remote("a", 1, 5, None), remote("b-x", 1, 5, None), remote("d", 2, 5, None)];
        let plan: Vec<_> = SyncPlan::new(l.into_iter(), r.into_iter()).map(Result::unwrap).collect();
        let summary: Vec<String> = plan
            .iter()
            .map(|p| match p {
                PlanEntry::Source { local, decision, .. } => format!("{}:{decision:?}", local.relative),
                PlanEntry::OnlyAtDestination(r) => format!("{}:extra", r.relative),
                PlanEntry::Delete(r) => format!("{}:delete", r.relative),
            })
            .collect();
        assert_eq!(summary, vec![
            "a:Skip(Unchanged)",
            "b-x:extra",
            "b/c:Upload(Missing)",
            "d:Upload(SizeChanged)",
        ]);
    }

    #[test]
    fn merge_refuses_an_out_of_order_listing() {
        let r = vec![remote("b", 1, 1, None), remote("a", 1, 1, None)];
        let err = SyncPlan::new(std::iter::empty(), r.into_iter()).find_map(Result::err).unwrap();
        assert_eq!(err, OrderViolation { previous: "b".into(), next: "a".into() });
    }

    #[test]
    fn deletes_only_extras_inside_the_filter_and_never_a_filtered_out_source() {
        use crate::filter::FilterSpec;
        let spec = FilterSpec {
            exclude_patterns: vec!["*.keep".into()],
            include_after: Some(t(50)),
            ..Default::default()
        };
        let rules = PlanRules { filter: Arc::new(Filter::new(&spec, t(1_000)).unwrap()), delete_extras: true };
        let l = vec![local("old.txt", 1, 10), local("x.txt", 1, 100)];
        let r = vec![remote("gone.keep", 1, 5, None), remote("gone.txt", 1, 5, None), remote("old.txt", 9, 5, None), remote("x.txt", 1, 5, Some(100))];
        let plan: Vec<_> = SyncPlan::with_rules(l.into_iter(), r.into_iter(), rules).map(Result::unwrap).collect();
        assert_eq!(plan.len(), 2, "{plan:?}");
        assert!(matches!(&plan[0], PlanEntry::Delete(r) if r.relative == "gone.txt"));
        assert!(matches!(&plan[1], PlanEntry::Source { decision: Decision::Skip(_), .. }));
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
            use crate::filter::FilterSpec;
            let spec = FilterSpec {
                exclude_patterns: exclude.iter().map(|s| s.to_string()).collect(),
                exclude_paths: exclude_path.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            };
            let filter = Arc::new(Filter::new(&spec, t(0)).unwrap());
            let rules = PlanRules { filter: filter.clone(), delete_extras };
            let sorted = |mut v: Vec<String>| { v.sort_by(|a, b| blob_name::compare(a, b)); v };
            let local_entries = |m: &BTreeMap<String, (u64, u64)>| sorted(m.keys().cloned().collect())
                .into_iter().map(|k| { let (s, t) = m[&k]; local(&k, s, t) }).collect::<Vec<_>>();
            let remote_entries = |m: &BTreeMap<String, (u64, u64, Option<u64>)>| sorted(m.keys().cloned().collect())
                .into_iter().map(|k| { let (s, lmt, st) = m[&k]; remote(&k, s, lmt, st) }).collect::<Vec<_>>();

            let mut model = dest.clone();
            for entry in SyncPlan::with_rules(local_entries(&source).into_iter(), remote_entries(&dest).into_iter(), rules.clone()) {
                match entry.unwrap() {
                    PlanEntry::Source { local, decision: Decision::Upload(_), .. } => {
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
                .filter(|e| matches!(e, PlanEntry::Source { decision: Decision::Upload(_), .. } | PlanEntry::Delete(_)))
                .collect();
            prop_assert!(second.is_empty(), "second plan not empty: {:?}", second);
        }
    }
}
