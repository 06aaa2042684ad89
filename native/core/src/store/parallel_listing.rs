//! Lists everything under a prefix as one stream in the service's name order, with the folders of
//! the first level listed side by side instead of one page after another.
//!
//! A flat listing is strictly sequential: each page needs the previous page's marker, so a tree of
//! millions of blobs is listed one round trip at a time (AzCopy #1131: hours of scanning). One
//! `/`-delimited request names the top-level folders; each folder is then listed flat, several at
//! once, and the results are stitched back in order. Expanding a folder in place of its prefix
//! gives exactly the flat order, since every name under `dir/` sorts between `dir/` and the next
//! entry of the level.
//!
//! Where one request per folder would cost more than it saves (more than [`MAX_FOLDERS`] folders,
//! or a level that does not fit one page), the plain flat listing is used, except where the filter
//! leaves out a folder somewhere below: such a level is read page by page and its folders expanded
//! the same way, so a left-out folder is never listed at any depth.

use crate::error::{EngineError, Result};
use crate::plan::blob_name;
use crate::plan::filter::Filter;
use crate::store::{BlobStore, FolderEntry, FolderPage, ListedBlob};
use futures::future::{BoxFuture, FutureExt};
use futures::stream::{self, BoxStream, StreamExt};
use std::sync::Arc;

/// Most folders a level may have for them to be listed one by one: with more, a level of small
/// folders would cost a request each where a flat page covers 5,000 blobs.
pub const MAX_FOLDERS: usize = 256;
/// How far a chain of single folders (`data/2026/...`) is followed down to find a level worth
/// splitting.
const MAX_SINGLE_FOLDER_DEPTH: usize = 8;

/// How the listing treats one folder, named relative to the listed prefix without its trailing
/// `/` ("" is the listed prefix itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderVisit {
    /// Holds nothing the job wants: never listed.
    Skip,
    /// Everything below may be wanted: one flat listing will do.
    Whole,
    /// Some folder below is skipped: listed level by level, so that folder is never listed.
    LevelByLevel,
}

/// The job's rule for each folder (from its filter).
pub type FolderRule = Arc<dyn Fn(&str) -> FolderVisit + Send + Sync>;

/// The rule a job's filter gives: folders it cannot want are skipped, folders with a skipped
/// folder somewhere inside are listed level by level, the rest flat.
pub fn folder_rule(filter: Arc<Filter>) -> FolderRule {
    Arc::new(move |dir: &str| {
        if !dir.is_empty() && !filter.may_descend(dir) {
            FolderVisit::Skip
        } else if filter.prunes_inside(dir) {
            FolderVisit::LevelByLevel
        } else {
            FolderVisit::Whole
        }
    })
}

/// Blobs under `prefix` (which ends in `/`, or is empty for the whole container), a page at a
/// time, in name order; up to `parallel` folder listings in flight.
pub fn list_tree(store: Arc<dyn BlobStore>, prefix: String, rule: FolderRule, parallel: usize) -> BoxStream<'static, Result<Vec<ListedBlob>>> {
    let lister = TreeLister { store, root: prefix.clone(), rule, parallel: parallel.max(1) };
    stream::once(lister.expand(prefix, 0)).flatten().boxed()
}

#[derive(Clone)]
struct TreeLister {
    store: Arc<dyn BlobStore>,
    root: String,
    rule: FolderRule,
    parallel: usize,
}

enum Segment {
    Blobs(Vec<ListedBlob>),
    /// Listed flat.
    Folder(String),
    /// Listed level by level.
    Expand(TreeLister, String, usize),
}

type Pages = BoxStream<'static, Result<Vec<ListedBlob>>>;

impl TreeLister {
    fn relative<'a>(&self, folder: &'a str) -> &'a str {
        let inside = folder.strip_prefix(self.root.as_str()).unwrap_or(folder);
        inside.strip_suffix('/').unwrap_or(inside)
    }

    fn visit(&self, folder: &str) -> FolderVisit {
        (self.rule)(self.relative(folder))
    }

    /// Every page of one level, for a level that must not be listed flat.
    async fn whole_level(&self, folder: &str, first: FolderPage) -> Result<Vec<FolderEntry>> {
        let mut entries = first.entries;
        let mut marker = first.next_marker;
        while let Some(at) = marker {
            let page = self.store.list_folder_page(folder, Some(&at)).await?;
            entries.extend(page.entries);
            marker = page.next_marker;
        }
        Ok(entries)
    }

    fn expand(self, folder: String, depth: usize) -> BoxFuture<'static, Pages> {
        async move {
            let level_by_level = self.visit(&folder) == FolderVisit::LevelByLevel;
            let first = match self.store.list_folder_page(&folder, None).await {
                Ok(page) => page,
                Err(e) => return stream::iter([Err(e)]).boxed(),
            };
            let folders = first.entries.iter().filter(|e| matches!(e, FolderEntry::Folder(_))).count();
            if !level_by_level && (first.truncated() || folders > MAX_FOLDERS) {
                return self.store.list(&folder);
            }
            let mut entries = match self.whole_level(&folder, first).await {
                Ok(entries) => entries,
                Err(e) => return stream::iter([Err(e)]).boxed(),
            };
            // Azurite answers with all the folders before all the blobs (SDKs keep them in two lists
            // too): the level is put in name order here, where it is whole.
            entries.sort_by(|a, b| blob_name::compare(entry_name(a), entry_name(b)));
            if let [FolderEntry::Folder(only)] = entries.as_slice() {
                match self.visit(only) {
                    FolderVisit::Skip => return stream::empty().boxed(),
                    FolderVisit::LevelByLevel => {
                        let only = only.clone();
                        return self.expand(only, depth + 1).await;
                    }
                    FolderVisit::Whole if depth < MAX_SINGLE_FOLDER_DEPTH => {
                        let only = only.clone();
                        return self.expand(only, depth + 1).await;
                    }
                    FolderVisit::Whole => {}
                }
            }
            let mut segments = Vec::new();
            let mut blobs = Vec::new();
            for entry in entries {
                let segment = match entry {
                    FolderEntry::Blob(b) => {
                        blobs.push(b);
                        continue;
                    }
                    FolderEntry::Folder(f) => match self.visit(&f) {
                        FolderVisit::Skip => continue,
                        FolderVisit::Whole => Segment::Folder(f),
                        FolderVisit::LevelByLevel => Segment::Expand(self.clone(), f, depth + 1),
                    },
                };
                if !blobs.is_empty() {
                    segments.push(Segment::Blobs(std::mem::take(&mut blobs)));
                }
                segments.push(segment);
            }
            if !blobs.is_empty() {
                segments.push(Segment::Blobs(blobs));
            }
            let store = self.store.clone();
            stream::iter(segments)
                .map(move |segment| fetch_ahead(store.clone(), segment))
                .buffered(self.parallel)
                .flatten()
                .boxed()
        }
        .boxed()
    }
}

fn entry_name(entry: &FolderEntry) -> &str {
    match entry {
        FolderEntry::Blob(b) => &b.name,
        FolderEntry::Folder(f) => f,
    }
}

/// Starts listing a folder at once, on its own task, so its first page is on the way while the
/// folders before it are still being read; the rest of its pages follow as they are consumed.
fn fetch_ahead(store: Arc<dyn BlobStore>, segment: Segment) -> BoxFuture<'static, Pages> {
    match segment {
        Segment::Blobs(blobs) => futures::future::ready(stream::iter([Ok(blobs)]).boxed()).boxed(),
        Segment::Expand(lister, folder, depth) => lister.expand(folder, depth),
        Segment::Folder(folder) => {
            let task = tokio::spawn(async move {
                let mut pages = store.list(&folder);
                let first = pages.next().await;
                (first, pages)
            });
            async move {
                match task.await {
                    Ok((first, rest)) => stream::iter(first).chain(rest).boxed(),
                    Err(e) => stream::iter([Err(EngineError::Internal(format!("a folder listing failed: {e}")))]).boxed(),
                }
            }
            .boxed()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{BlobProperties, MultipartUpload, PartId, StagedPart};
    use async_trait::async_trait;
    use bytes::Bytes;
    use proptest::prelude::*;
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::SystemTime;

    /// Blobs in memory, listed the way Azurite lists them (UTF-16 order; a level's folders all
    /// before its blobs; small pages so that continuation and truncation are exercised).
    struct MemoryStore {
        names: Vec<String>,
        level_page: usize,
        flat_page: usize,
        folder_requests: AtomicUsize,
        flat_requests: AtomicUsize,
        /// Every prefix asked for, flat or by level.
        listed_prefixes: std::sync::Mutex<Vec<String>>,
        fail_under: Option<String>,
    }

    impl MemoryStore {
        fn new(mut names: Vec<String>, level_page: usize, flat_page: usize) -> Self {
            // The service's order, by the fake's own hand (UTF-16 code units), not the engine's comparator.
            names.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            names.dedup();
            Self {
                names,
                level_page,
                flat_page,
                folder_requests: AtomicUsize::new(0),
                flat_requests: AtomicUsize::new(0),
                listed_prefixes: Default::default(),
                fail_under: None,
            }
        }

        fn blob(name: &str) -> ListedBlob {
            ListedBlob { name: name.to_string(), size: name.len() as u64, last_modified: SystemTime::UNIX_EPOCH, metadata: HashMap::new(), content_md5: None, etag: None }
        }

        fn flat(&self) -> Vec<String> {
            self.names.clone()
        }
    }

    fn unsupported<T>() -> Result<T> {
        Err(EngineError::Internal("not part of this fake".into()))
    }

    #[async_trait]
    impl BlobStore for MemoryStore {
        fn limits(&self) -> crate::store::StoreLimits {
            crate::store::limits::AZURE_BLOCK_BLOB
        }
        fn capabilities(&self) -> crate::store::Capabilities {
            crate::store::Capabilities { folder_listing: true, ..Default::default() }
        }
        fn list(&self, prefix: &str) -> BoxStream<'static, Result<Vec<ListedBlob>>> {
            self.flat_requests.fetch_add(1, Ordering::SeqCst);
            self.listed_prefixes.lock().unwrap().push(prefix.to_string());
            if self.fail_under.as_deref().is_some_and(|f| prefix.starts_with(f)) {
                return stream::iter([Err(EngineError::Internal(format!("listing {prefix} broke")))]).boxed();
            }
            let matching: Vec<ListedBlob> = self.names.iter().filter(|n| n.starts_with(prefix)).map(|n| Self::blob(n)).collect();
            let pages: Vec<Result<Vec<ListedBlob>>> = matching.chunks(self.flat_page).map(|c| Ok(c.to_vec())).collect();
            stream::iter(pages).boxed()
        }

        async fn list_folder_page(&self, prefix: &str, marker: Option<&str>) -> Result<FolderPage> {
            self.folder_requests.fetch_add(1, Ordering::SeqCst);
            self.listed_prefixes.lock().unwrap().push(prefix.to_string());
            let mut entries = Vec::new();
            for name in self.names.iter().filter(|n| n.starts_with(prefix)) {
                match name[prefix.len()..].find('/') {
                    Some(at) => {
                        let folder = name[..prefix.len() + at + 1].to_string();
                        if entries.last() != Some(&FolderEntry::Folder(folder.clone())) {
                            entries.push(FolderEntry::Folder(folder));
                        }
                    }
                    None => entries.push(FolderEntry::Blob(Self::blob(name))),
                }
            }
            entries.sort_by_key(|e| matches!(e, FolderEntry::Blob(_)));
            // The marker is the index of the page's first entry, as opaque to the caller as the service's.
            let start: usize = marker.map_or(0, |m| m.parse().expect("a marker of ours"));
            let end = (start + self.level_page).min(entries.len());
            let next_marker = (end < entries.len()).then(|| end.to_string());
            Ok(FolderPage { entries: entries[start..end].to_vec(), next_marker })
        }

        async fn head(&self, _: &str) -> Result<Option<ListedBlob>> {
            unsupported()
        }
        async fn get(&self, _: &str, _: Option<std::ops::Range<u64>>, _: Option<&str>) -> Result<BoxStream<'static, Result<Bytes>>> {
            unsupported()
        }
        async fn put(&self, _: &str, _: Bytes, _: &BlobProperties) -> Result<()> {
            unsupported()
        }
        async fn start_multipart(&self, _: &str, _: Option<&str>) -> Result<MultipartUpload> {
            unsupported()
        }
        async fn staged_parts(&self, _: &MultipartUpload) -> Result<Vec<StagedPart>> {
            unsupported()
        }
        async fn put_part(&self, _: &MultipartUpload, _: u32, _: Bytes) -> Result<PartId> {
            unsupported()
        }
        async fn complete_multipart(&self, _: &MultipartUpload, _: Vec<PartId>, _: &BlobProperties) -> Result<()> {
            unsupported()
        }
        async fn abort_multipart(&self, _: &MultipartUpload) -> Result<()> {
            unsupported()
        }
        async fn delete(&self, _: &str) -> Result<()> {
            unsupported()
        }
        async fn set_properties(&self, _: &str, _: &BlobProperties) -> Result<()> {
            unsupported()
        }
        async fn check_container(&self) -> Result<()> {
            Ok(())
        }
    }

    fn everything() -> FolderRule {
        Arc::new(|_| FolderVisit::Whole)
    }

    fn listed(store: Arc<MemoryStore>, prefix: &str, descend: FolderRule) -> Result<Vec<String>> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let mut pages = list_tree(store, prefix.to_string(), descend, 3);
            let mut names = Vec::new();
            while let Some(page) = pages.next().await {
                names.extend(page?.into_iter().map(|b| b.name));
            }
            Ok(names)
        })
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn folders_listed_side_by_side_come_back_in_flat_order() {
        // '-' < '/' < '0': the folder "a/" sits between the blobs "a-" and "a0", as in a flat listing.
        let store = Arc::new(MemoryStore::new(names(&["a-", "a/x", "a/y/z", "a0", "b/1", "b/2", "b/3", "c", "\u{e000}/p", "\u{1f600}/q"]), 10, 2));
        assert_eq!(listed(store.clone(), "", everything()).expect("lists"), store.flat());
        // One level request, then one flat listing per folder (a/, b/, the two non-ASCII ones).
        assert_eq!(store.folder_requests.load(Ordering::SeqCst), 1);
        assert_eq!(store.flat_requests.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_chain_of_single_folders_is_followed_down_to_the_level_worth_splitting() {
        let store = Arc::new(MemoryStore::new(names(&["top/data/2026/a/1", "top/data/2026/b/1", "top/data/2026/b/2"]), 10, 1));
        assert_eq!(listed(store.clone(), "top/", everything()).expect("lists"), store.flat().to_vec());
        assert_eq!(store.folder_requests.load(Ordering::SeqCst), 3); // top/, top/data/, top/data/2026/
        assert_eq!(store.flat_requests.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_level_with_too_many_folders_or_pages_is_listed_flat() {
        let many: Vec<String> = (0..MAX_FOLDERS + 1).map(|i| format!("d{i:04}/f")).collect();
        let store = Arc::new(MemoryStore::new(many, 5000, 100));
        assert_eq!(listed(store.clone(), "", everything()).expect("lists"), store.flat());
        assert_eq!(store.flat_requests.load(Ordering::SeqCst), 1);

        let store = Arc::new(MemoryStore::new(names(&["a/1", "b", "c", "d/1"]), 2, 2));
        assert_eq!(listed(store.clone(), "", everything()).expect("lists"), store.flat());
        assert_eq!(store.flat_requests.load(Ordering::SeqCst), 1, "a truncated level falls back to one flat listing");
    }

    #[test]
    fn folders_the_filter_refuses_are_never_listed() {
        let store = Arc::new(MemoryStore::new(names(&["keep/1", "logs/1", "logs/2", "root.txt", "x/logs/1"]), 10, 10));
        let descend: FolderRule = Arc::new(|dir: &str| if dir == "logs" { FolderVisit::Skip } else { FolderVisit::Whole });
        assert_eq!(listed(store.clone(), "", descend).expect("lists"), names(&["keep/1", "root.txt", "x/logs/1"]));
        assert_eq!(store.flat_requests.load(Ordering::SeqCst), 2);
    }

    fn rule(configure: impl FnOnce(&mut crate::plan::filter::FilterSpec)) -> FolderRule {
        let mut spec = crate::plan::filter::FilterSpec::default();
        configure(&mut spec);
        folder_rule(Arc::new(Filter::new(&spec, std::time::SystemTime::now()).expect("a valid filter")))
    }

    fn asked_under(store: &MemoryStore, folder: &str) -> Vec<String> {
        store.listed_prefixes.lock().unwrap().iter().filter(|p| p.starts_with(folder)).cloned().collect()
    }

    #[test]
    fn an_excluded_folder_is_never_listed_at_any_depth_nor_behind_a_flat_fallback() {
        let tree = names(&["a/1", "a/logs/1", "a/logs/deep/2", "a/x/1", "a/x/logs/3", "b/1", "c"]);
        // Roomy pages, small pages (every level truncated), and both under a prefix.
        for (level_page, prefix) in [(10, ""), (1, ""), (1, "a/"), (2, "")] {
            let store = Arc::new(MemoryStore::new(tree.clone(), level_page, 1));
            let exclude = if prefix.is_empty() { "a/logs" } else { "logs" };
            let got = listed(store.clone(), prefix, rule(|s| s.exclude_paths = vec![exclude.into()])).expect("lists");
            let expected: Vec<String> = store.flat().into_iter().filter(|n| n.starts_with(prefix) && !n.starts_with("a/logs/")).collect();
            assert_eq!(got, expected, "level page {level_page}, prefix '{prefix}'");
            assert_eq!(asked_under(&store, "a/logs/"), Vec::<String>::new(), "level page {level_page}, prefix '{prefix}'");
        }
    }

    #[test]
    fn only_the_way_to_an_included_folder_is_listed_level_by_level() {
        let store = Arc::new(MemoryStore::new(names(&["x/keep/1", "x/keep/sub/2", "x/other/3", "y/4", "z"]), 1, 1));
        let got = listed(store.clone(), "", rule(|s| s.include_paths = vec!["x/keep".into()])).expect("lists");
        // Blobs at a walked level are listed (the plan judges names); folders off the way are not.
        assert_eq!(got, names(&["x/keep/1", "x/keep/sub/2", "z"]));
        assert_eq!(asked_under(&store, "x/other/"), Vec::<String>::new());
        assert_eq!(asked_under(&store, "y/"), Vec::<String>::new());
    }

    #[test]
    fn a_folder_whose_listing_fails_ends_the_stream_with_the_error() {
        let mut store = MemoryStore::new(names(&["a/1", "b/1", "c/1"]), 10, 10);
        store.fail_under = Some("b/".into());
        let err = listed(Arc::new(store), "", everything()).expect_err("fails");
        assert!(err.to_string().contains("listing b/ broke"), "{err}");
    }

    fn tree_names() -> impl Strategy<Value = Vec<String>> {
        let segment = prop::sample::select(vec!["a", "a-", "a0", "b", "é", "\u{e000}", "\u{1f600}", ""]);
        let name = prop::collection::vec(segment, 1..5).prop_map(|parts| parts.join("/")).prop_filter("a name", |n| !n.is_empty());
        prop::collection::vec(name, 0..60)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_tree_lists_exactly_as_the_flat_listing(names in tree_names(), level_page in 1usize..12, flat_page in 1usize..4, under_a in any::<bool>()) {
            let store = Arc::new(MemoryStore::new(names, level_page, flat_page));
            let prefix = if under_a { "a/" } else { "" };
            let expected: Vec<String> = store.flat().into_iter().filter(|n| n.starts_with(prefix)).collect();
            prop_assert_eq!(listed(store, prefix, everything()).expect("lists"), expected);
        }
    }
}
