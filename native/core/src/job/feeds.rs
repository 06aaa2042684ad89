//! The plan's inputs and its thread: the local walk, the store listing (each on its own task,
//! batched, bounded) and the planner that merges them, so memory does not grow with the number
//! of files.

use crate::error::{EngineError, Result};
use crate::job::events::{Action, FileEvent, FileStatus};
use crate::job::progress::Progress;
use crate::local::walk::{LocalEntry, LocalWalk, WalkItem};
use crate::plan::filter::Filter;
use crate::plan::{PlanEntry, PlanItem, PlanRules, RemoteEntry, SyncPlan};
use crate::store::{BlobStore, SOURCE_MTIME_KEY, parallel_listing};
use crate::transfer::upload::parse_source_mtime;
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const WALK_BATCH: usize = 256;

/// Folder listings in flight at once (see [`crate::store::parallel_listing`]): enough to keep the
/// service busy while the merge consumes pages in order, few enough to leave the connections to
/// transfers.
const LISTING_PARALLELISM: usize = 8;

/// Where a listing that broke off leaves its error, for the planner to stop on.
pub type ListingError = Arc<Mutex<Option<EngineError>>>;

/// What a listing covers: everything under a prefix, or one blob under the name the plan pairs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    Prefix(String),
    Exact { blob: String, relative: String },
}

/// Entries go to the planner in batches; what cannot be read goes to the job loop as failed
/// files, so the summary counts them.
pub fn spawn_walker(
    root: PathBuf,
    filter: Arc<Filter>,
    progress: Arc<Progress>,
    cancel: CancellationToken,
    clean_part_files: bool,
) -> (mpsc::Receiver<Vec<LocalEntry>>, mpsc::UnboundedReceiver<FileEvent>) {
    let (tx, rx) = mpsc::channel::<Vec<LocalEntry>>(4);
    let (problems_tx, problems_rx) = mpsc::unbounded_channel();
    tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(WALK_BATCH);
        let walk = if clean_part_files { LocalWalk::cleaning_part_files(&root, filter) } else { LocalWalk::filtered(&root, filter) };
        for item in walk {
            if cancel.is_cancelled() {
                return;
            }
            match item {
                WalkItem::Ok(entry) => {
                    Progress::add(&progress.files_scanned, 1);
                    batch.push(entry);
                    if batch.len() == WALK_BATCH && tx.blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(WALK_BATCH))).is_err() {
                        return;
                    }
                }
                WalkItem::Err(problem) => {
                    let ev = FileEvent {
                        error: Some(format!("{}: {}", problem.path.display(), problem.message)),
                        error_id: Some("LocalIoError"),
                        ..FileEvent::new(problem.relative.clone(), problem.relative, Action::Upload, FileStatus::Failed, "unreadable", 0)
                    };
                    let _ = problems_tx.send(ev);
                }
            }
        }
        let _ = tx.blocking_send(batch);
    });
    (rx, problems_rx)
}

/// The pure merge on a thread of its own. A listing that broke off stops it before the entry
/// is used: the rest of one side must not look "missing" and be transferred, or deleted, for
/// nothing.
pub fn spawn_planner<S: PlanItem + Send + 'static, D: PlanItem + Send + 'static>(
    source: mpsc::Receiver<Vec<S>>,
    dest: mpsc::Receiver<Vec<D>>,
    listing_error: ListingError,
    rules: PlanRules,
) -> mpsc::Receiver<Result<PlanEntry<S, D>>> {
    let (tx, rx) = mpsc::channel(1024);
    tokio::task::spawn_blocking(move || {
        let mut plan = SyncPlan::with_rules(BatchIter::new(source), BatchIter::new(dest), rules);
        loop {
            let next = plan.next();
            if let Some(e) = listing_error.lock().expect("not poisoned").take() {
                let _ = tx.blocking_send(Err(e));
                return;
            }
            let item = match next {
                None => return,
                Some(Ok(entry)) => Ok(entry),
                Some(Err(v)) => Err(EngineError::Internal(format!(
                    "a listing is not in name order ('{}' came after '{}'); nothing more was planned",
                    v.next, v.previous
                ))),
            };
            let stop = item.is_err();
            if tx.blocking_send(item).is_err() || stop {
                return;
            }
        }
    });
    rx
}

/// The listing runs ahead of the planner by a couple of pages, so the merge rarely waits on the
/// network.
pub fn spawn_lister(
    store: Arc<dyn BlobStore>,
    scope: ListScope,
    filter: Arc<Filter>,
    listing_error: ListingError,
    cancel: CancellationToken,
) -> mpsc::Receiver<Vec<RemoteEntry>> {
    let (tx, rx) = mpsc::channel(2);
    let (list_prefix, exact) = match scope {
        ListScope::Prefix(p) if p.is_empty() => (String::new(), None),
        ListScope::Prefix(p) => (format!("{p}/"), None),
        ListScope::Exact { blob, relative } => (blob.clone(), Some((blob, relative))),
    };
    tokio::spawn(async move {
        let mut pages = if exact.is_some() {
            store.list(&list_prefix)
        } else {
            parallel_listing::list_tree(store, list_prefix.clone(), parallel_listing::folder_rule(filter), LISTING_PARALLELISM)
        };
        loop {
            let page = tokio::select! {
                p = pages.next() => p,
                _ = cancel.cancelled() => return,
            };
            match page {
                None => return,
                Some(Ok(blobs)) => {
                    let entries = blobs
                        .into_iter()
                        .filter_map(|b| {
                            let relative = match &exact {
                                Some((blob, relative)) if b.name == *blob => relative.clone(),
                                Some(_) => return None,
                                None => b.name.strip_prefix(&list_prefix)?.to_string(),
                            };
                            if relative.is_empty() || b.metadata.get("hdi_isfolder").is_some_and(|v| v == "true") {
                                return None;
                            }
                            Some(RemoteEntry {
                                relative,
                                size: b.size,
                                last_modified: b.last_modified,
                                source_modified: b.metadata.get(SOURCE_MTIME_KEY).and_then(|s| parse_source_mtime(s)),
                                content_md5: b.content_md5,
                                etag: b.etag,
                            })
                        })
                        .collect();
                    if tx.send(entries).await.is_err() {
                        return;
                    }
                }
                Some(Err(e)) => {
                    *listing_error.lock().expect("not poisoned") = Some(e);
                    return;
                }
            }
        }
    });
    rx
}

/// A side with nothing on it (copy with overwrite never looks at the destination).
pub fn empty_stream<T: Send + 'static>() -> mpsc::Receiver<Vec<T>> {
    mpsc::channel(1).1
}

/// No walk, so nothing it could not read.
pub fn no_problems() -> mpsc::UnboundedReceiver<FileEvent> {
    mpsc::unbounded_channel().1
}

/// One named file as the whole local side (copying a single file); missing means "not there".
pub fn one_local_entry(path: &Path, name: &str) -> (mpsc::Receiver<Vec<LocalEntry>>, mpsc::UnboundedReceiver<FileEvent>) {
    let (tx, rx) = mpsc::channel(1);
    let entry = std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| LocalEntry {
        relative: name.to_string(),
        path: path.to_path_buf(),
        size: m.len(),
        modified: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
    });
    let _ = tx.try_send(entry.into_iter().collect());
    (rx, no_problems())
}

/// Turns a channel of batches into a plain iterator for the planner's thread.
struct BatchIter<T> {
    rx: mpsc::Receiver<Vec<T>>,
    current: std::vec::IntoIter<T>,
}

impl<T> BatchIter<T> {
    fn new(rx: mpsc::Receiver<Vec<T>>) -> Self {
        Self { rx, current: Vec::new().into_iter() }
    }
}

impl<T> Iterator for BatchIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(x) = self.current.next() {
                return Some(x);
            }
            self.current = self.rx.blocking_recv()?.into_iter();
        }
    }
}
