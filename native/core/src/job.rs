//! A job: validate the spec, sign in, plan (local walk ⋈ destination listing) and transfer with
//! bounded parallelism, reporting one event per file and a summary.
//!
//! Pipeline, every stage bounded so memory does not grow with the number of files:
//! walker thread → planner thread (pure merge) → dispatcher → upload tasks → event channel → host.

use crate::azure_store::{AzureBlobStore, Credential};
use crate::blob_name;
use crate::container_url::ContainerUrl;
use crate::error::{EngineError, Result};
use crate::events::{Action, ConfirmRequest, Event, FileEvent, FileStatus, JobStatus, Summary};
use crate::local_walk::{LocalEntry, LocalWalk, WalkItem};
use crate::filter::Filter;
use crate::plan::{Decision, PlanEntry, PlanRules, RemoteEntry, SyncPlan};
use crate::progress::{JobState, Progress, ProgressSnapshot};
use crate::spec::JobSpec;
use crate::store::{BlobStore, SOURCE_MTIME_KEY};
use crate::direction::Direction;
use crate::download::Downloads;
use crate::plan::PlanItem;
use crate::upload::{UploadContext, Uploads, parse_source_mtime};
use futures::StreamExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::runtime::Handle;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// Environment variables consulted for an account key when the spec has none and the URL no SAS
/// (AzCopy's name first).
pub const ACCOUNT_KEY_ENV_VARS: [&str; 2] = ["AZCOPY_ACCOUNT_KEY", "AZURE_STORAGE_KEY"];

const EVENT_CHANNEL_DEPTH: usize = 4096;
const WALK_BATCH: usize = 256;

/// The host's end of a running job: its events, counters and cancel switch.
pub struct JobEvents {
    rx: mpsc::Receiver<Event>,
    pending: Option<Vec<u8>>,
    closed: bool,
    progress: Arc<Progress>,
    cancel: CancellationToken,
    answers: Answers,
}

/// The host's replies to `confirm` events. Cloneable, so a host can answer from wherever it asks
/// the user, without holding the event stream.
#[derive(Clone)]
pub struct Answers(mpsc::UnboundedSender<(u64, bool)>);

impl Answers {
    /// Approves or declines confirmation request `id`; false when the job is already over.
    pub fn answer(&self, id: u64, approve: bool) -> bool {
        self.0.send((id, approve)).is_ok()
    }
}

pub struct Batch {
    pub written: usize,
    /// The job is over and every event has been delivered.
    pub finished: bool,
}

impl JobEvents {
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    pub fn progress(&self) -> ProgressSnapshot {
        self.progress.snapshot()
    }

    pub fn answers(&self) -> Answers {
        self.answers.clone()
    }

    /// The next event, waiting for it; `None` once the summary has been delivered.
    pub async fn next_event(&mut self) -> Option<Event> {
        self.rx.recv().await
    }

    /// Fills `out` with whole JSON lines. Waits up to `timeout` when nothing is ready.
    /// `Err(needed)` when not even the next event fits in `out`.
    pub async fn next_batch(&mut self, out: &mut [u8], timeout: Duration) -> std::result::Result<Batch, usize> {
        let mut written = 0;
        let mut place = |line: Vec<u8>, pending: &mut Option<Vec<u8>>, written: &mut usize| -> bool {
            if *written + line.len() <= out.len() {
                out[*written..*written + line.len()].copy_from_slice(&line);
                *written += line.len();
                true
            } else {
                *pending = Some(line);
                false
            }
        };
        if let Some(line) = self.pending.take() {
            if !place(line, &mut self.pending, &mut written) {
                return Err(self.pending.as_ref().map_or(0, Vec::len));
            }
        }
        let mut waited = false;
        while self.pending.is_none() && !self.closed {
            let next = match self.rx.try_recv() {
                Ok(event) => Some(event),
                Err(mpsc::error::TryRecvError::Disconnected) => None,
                Err(mpsc::error::TryRecvError::Empty) if written == 0 && !waited => {
                    waited = true;
                    match tokio::time::timeout(timeout, self.rx.recv()).await {
                        Ok(event) => event,
                        Err(_elapsed) => break,
                    }
                }
                Err(mpsc::error::TryRecvError::Empty) => break,
            };
            match next {
                Some(event) => {
                    if !place(event.to_json_line(), &mut self.pending, &mut written) && written == 0 {
                        return Err(self.pending.as_ref().map_or(0, Vec::len));
                    }
                }
                None => self.closed = true,
            }
        }
        Ok(Batch { written, finished: self.closed && self.pending.is_none() })
    }
}

/// Starts a job on `runtime` from its JSON spec. Never fails: a bad spec gives a job whose only
/// event is a failed summary saying what to fix.
pub fn start_job(runtime: &Handle, spec_json: &[u8]) -> JobEvents {
    start_job_with(runtime, JobSpec::from_json(spec_json))
}

pub fn start_job_with(runtime: &Handle, spec: Result<JobSpec>) -> JobEvents {
    let (tx, rx) = mpsc::channel(EVENT_CHANNEL_DEPTH);
    let progress = Arc::new(Progress::default());
    let cancel = CancellationToken::new();
    let (answers_tx, answers_rx) = mpsc::unbounded_channel();
    let job = Job {
        tx,
        progress: progress.clone(),
        cancel: cancel.clone(),
        started: Instant::now(),
        id: uuid::Uuid::now_v7().to_string(),
        answers: tokio::sync::Mutex::new(answers_rx),
        next_request: std::sync::atomic::AtomicU64::new(1),
    };
    runtime.spawn(job.run(spec));
    JobEvents { rx, pending: None, closed: false, progress, cancel, answers: Answers(answers_tx) }
}

struct Job {
    tx: mpsc::Sender<Event>,
    progress: Arc<Progress>,
    cancel: CancellationToken,
    started: Instant,
    id: String,
    answers: tokio::sync::Mutex<mpsc::UnboundedReceiver<(u64, bool)>>,
    next_request: std::sync::atomic::AtomicU64,
}

#[derive(Default)]
struct Tally {
    transferred: u64,
    skipped: u64,
    failed: u64,
    deleted: u64,
    bytes: u64,
    differences: u64,
}

impl Job {
    async fn run(self, spec: Result<JobSpec>) {
        let dry_run = spec.as_ref().map(|s| s.writes_nothing()).unwrap_or(false);
        let outcome = match spec {
            Ok(spec) => self.sync(spec).await,
            Err(e) => Err((e, Tally::default())),
        };
        let (status, error, tally) = match outcome {
            Ok(tally) if self.cancel.is_cancelled() => (JobStatus::Cancelled, None, tally),
            Ok(tally) if tally.failed > 0 => (JobStatus::CompletedWithErrors, None, tally),
            Ok(tally) => (JobStatus::Completed, None, tally),
            Err((EngineError::Cancelled, tally)) => (JobStatus::Cancelled, None, tally),
            Err((e, tally)) => (JobStatus::Failed, Some(e), tally),
        };
        self.progress.set_state(match status {
            JobStatus::Cancelled => JobState::Cancelled,
            JobStatus::Failed => JobState::Failed,
            _ => JobState::Completed,
        });
        let summary = Summary {
            job_id: self.id.clone(),
            status,
            dry_run,
            files_transferred: tally.transferred,
            files_skipped: tally.skipped,
            files_failed: tally.failed,
            files_deleted: tally.deleted,
            bytes_transferred: tally.bytes,
            differences: tally.differences,
            elapsed_seconds: self.started.elapsed().as_secs_f64(),
            error_id: error.as_ref().map(EngineError::error_id),
            error: error.map(|e| e.to_string()),
        };
        let _ = self.tx.send(Event::Summary(summary)).await;
    }

    async fn sync(&self, spec: JobSpec) -> std::result::Result<Tally, (EngineError, Tally)> {
        let fail = |e| (e, Tally::default());
        let endpoints = Endpoints::resolve(&spec).map_err(fail)?;
        let location = endpoints.container().clone();
        let concurrency = spec.effective_concurrency();
        let credential = credential_for(&spec, &location);
        let anonymous = matches!(credential, Credential::SasOrAnonymous) && location.sas().is_none();
        let store: Arc<dyn BlobStore> = Arc::new(AzureBlobStore::new(&location, credential, concurrency).map_err(fail)?);
        tokio::select! {
            r = store.check_container() => r.map_err(|e| match e {
                EngineError::AuthenticationFailed { .. } | EngineError::AuthorizationFailed { .. } if anonymous => EngineError::MissingCredentials,
                e => e,
            }).map_err(fail)?,
            _ = self.cancel.cancelled() => return Err(fail(EngineError::Cancelled)),
        }
        self.progress.set_state(JobState::Scanning);

        let filter = Arc::new(Filter::new(&spec.filter_spec().map_err(fail)?, SystemTime::now()).map_err(fail)?);
        let rules = PlanRules { filter: filter.clone(), delete_extras: spec.plans_deletes() };
        let listing_error = Arc::new(Mutex::new(None));
        let request_slots = Arc::new(Semaphore::new(concurrency));
        let listing = spawn_lister(store.clone(), &location.prefix, listing_error.clone(), self.cancel.clone());
        match endpoints {
            Endpoints::Upload { root, .. } => {
                let (local, problems) = self.spawn_walker(root, filter);
                let plan = self.spawn_planner(local, listing, listing_error, rules);
                let ctx = UploadContext {
                    store,
                    request_slots,
                    cancel: self.cancel.clone(),
                    progress: self.progress.clone(),
                    put_md5: spec.put_md5,
                    block_size: spec.block_size_bytes,
                    properties: spec.upload_properties().map_err(fail)?,
                };
                self.execute(Arc::new(Uploads { ctx, prefix: location.prefix.clone() }), plan, problems, &spec, &location.prefix).await
            }
            Endpoints::Download { root, .. } => {
                let (local, problems) = self.spawn_walker(root.clone(), filter);
                let plan = self.spawn_planner(listing, local, listing_error, rules);
                let downloads = Downloads {
                    store,
                    root,
                    prefix: location.prefix.clone(),
                    request_slots,
                    cancel: self.cancel.clone(),
                    progress: self.progress.clone(),
                    check_md5: spec.check_md5,
                };
                self.execute(Arc::new(downloads), plan, problems, &spec, &location.prefix).await
            }
        }
    }

    /// The job loop, the same for every direction: take plan entries in order, start transfers up
    /// to the concurrency limit, report each file as it finishes, then delete extras.
    async fn execute<D: Direction>(
        &self,
        direction: Arc<D>,
        mut plan: mpsc::Receiver<Result<PlanEntry<D::Source, D::Dest>>>,
        mut walk_problems: mpsc::UnboundedReceiver<FileEvent>,
        spec: &JobSpec,
        prefix: &str,
    ) -> std::result::Result<Tally, (EngineError, Tally)> {
        let files_in_flight = Arc::new(Semaphore::new(spec.effective_concurrency()));
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<FileEvent>();
        let writes_nothing = spec.writes_nothing();
        let mut deletes: Vec<String> = Vec::new();
        let mut tally = Tally::default();
        let mut in_flight = 0usize;
        let mut fatal: Option<EngineError> = None;
        let mut transferring = false;
        loop {
            // Drain finished transfers first so events flow while planning goes on.
            while let Ok(ev) = done_rx.try_recv() {
                in_flight -= 1;
                self.finish_file(ev, &mut tally, &mut fatal).await;
            }
            let next = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => break,
                ev = done_rx.recv(), if in_flight > 0 => {
                    in_flight -= 1;
                    self.finish_file(ev.expect("sender held"), &mut tally, &mut fatal).await;
                    continue;
                }
                Some(ev) = walk_problems.recv() => {
                    self.finish_file(ev, &mut tally, &mut fatal).await;
                    continue;
                }
                entry = plan.recv() => entry,
            };
            let Some(entry) = next else { break };
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    fatal = Some(e);
                    break;
                }
            };
            let (source, decision) = match entry {
                PlanEntry::Source { source, decision, .. } => (source, decision),
                PlanEntry::Delete(dest) => {
                    tally.differences += 1;
                    deletes.push(dest.relative().to_string());
                    continue;
                }
                PlanEntry::OnlyAtDestination(_) => continue,
            };
            let relative = source.relative().to_string();
            let blob = blob_name::join(prefix, &relative);
            let size = source.size();
            let reason = match decision {
                Decision::Skip(reason) => {
                    let ev = file_event(relative, blob, Action::Skip, FileStatus::Skipped, reason.as_str(), 0);
                    self.finish_file(ev, &mut tally, &mut fatal).await;
                    continue;
                }
                Decision::Transfer(reason) => reason.as_str(),
            };
            tally.differences += 1;
            Progress::add(&self.progress.files_to_transfer, 1);
            Progress::add(&self.progress.bytes_to_transfer, size);
            if writes_nothing {
                let ev = file_event(relative, blob, D::ACTION, FileStatus::WhatIf, reason, size);
                self.finish_file(ev, &mut tally, &mut fatal).await;
                continue;
            }
            if !transferring {
                transferring = true;
                self.progress.set_state(JobState::Transferring);
            }
            let permit = tokio::select! {
                p = files_in_flight.clone().acquire_owned() => p.expect("never closed"),
                _ = self.cancel.cancelled() => break,
            };
            in_flight += 1;
            let (direction, done_tx) = (direction.clone(), done_tx.clone());
            tokio::spawn(async move {
                let _permit = permit;
                let ev = match direction.transfer(&source).await {
                    Ok(done) => FileEvent {
                        content_md5: done.content_md5.map(|m| base64_encode(&m)),
                        warning: done.warning,
                        ..file_event(relative, blob, D::ACTION, FileStatus::Success, reason, done.bytes)
                    },
                    Err(e) => failed_event(relative, blob, D::ACTION, reason, &e),
                };
                let _ = done_tx.send(ev);
            });
            if fatal.is_some() {
                break;
            }
        }
        if fatal.is_some() {
            self.cancel.cancel();
        }
        drop(done_tx);
        while let Some(ev) = done_rx.recv().await {
            self.finish_file(ev, &mut tally, &mut fatal).await;
        }
        // The walk has ended by now (the plan ran out); what it could not read still counts.
        walk_problems.close();
        while let Some(ev) = walk_problems.recv().await {
            self.finish_file(ev, &mut tally, &mut fatal).await;
        }
        if fatal.is_none() && !self.cancel.is_cancelled() && !deletes.is_empty() {
            if let Err(e) = self.delete_extras(direction.as_ref(), prefix, deletes, spec, &mut tally).await {
                fatal = Some(e);
            }
        }
        match fatal {
            Some(e) => Err((e, tally)),
            None => Ok(tally),
        }
    }

    /// Deletions run only once the whole plan is known, so `max_delete` can refuse them all
    /// before the first one.
    async fn delete_extras<D: Direction>(
        &self,
        direction: &D,
        prefix: &str,
        deletes: Vec<String>,
        spec: &JobSpec,
        tally: &mut Tally,
    ) -> Result<()> {
        let planned = deletes.len() as u64;
        if let Some(limit) = spec.max_delete.filter(|limit| planned > *limit) {
            return Err(EngineError::MaxDeleteExceeded { planned, limit });
        }
        if spec.confirm_deletes && !spec.writes_nothing() {
            return self.delete_confirmed(direction, prefix, deletes, tally).await;
        }
        let outcomes = futures::stream::iter(deletes)
            .map(|relative| async move {
                let result = if spec.writes_nothing() { Ok(()) } else { direction.delete(&relative).await };
                (relative, result)
            })
            .buffer_unordered(spec.effective_concurrency());
        let mut outcomes = std::pin::pin!(outcomes.take_until(self.cancel.cancelled()));
        let mut fatal = None;
        while let Some((relative, result)) = outcomes.next().await {
            let blob = blob_name::join(prefix, &relative);
            let ev = match &result {
                Ok(()) if spec.writes_nothing() => file_event(relative, blob, Action::Delete, FileStatus::WhatIf, "extra", 0),
                Ok(()) => file_event(relative, blob, Action::Delete, FileStatus::Success, "extra", 0),
                Err(e) => failed_event(relative, blob, Action::Delete, "extra", e),
            };
            self.finish_file(ev, tally, &mut fatal).await;
            if fatal.is_some() {
                break;
            }
        }
        fatal.map_or(Ok(()), Err)
    }

    /// One at a time, each after the host approved it (PowerShell's ShouldProcess per deletion).
    async fn delete_confirmed<D: Direction>(&self, direction: &D, prefix: &str, deletes: Vec<String>, tally: &mut Tally) -> Result<()> {
        let mut fatal = None;
        for relative in deletes {
            let blob = blob_name::join(prefix, &relative);
            let approved = self.confirm(Action::Delete, &relative, &blob, "extra").await?;
            let ev = if !approved {
                file_event(relative, blob, Action::Delete, FileStatus::Skipped, "declined", 0)
            } else {
                match direction.delete(&relative).await {
                    Ok(()) => file_event(relative, blob, Action::Delete, FileStatus::Success, "extra", 0),
                    Err(e) => failed_event(relative, blob, Action::Delete, "extra", &e),
                }
            };
            self.finish_file(ev, tally, &mut fatal).await;
            if let Some(e) = fatal {
                return Err(e);
            }
        }
        Ok(())
    }

    /// Asks the host, and waits for its answer (or for cancellation).
    async fn confirm(&self, action: Action, path: &str, blob: &str, reason: &'static str) -> Result<bool> {
        let id = self.next_request.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let request = ConfirmRequest { id, action, path: path.to_string(), blob: blob.to_string(), reason };
        self.tx.send(Event::Confirm(request)).await.map_err(|_| EngineError::Cancelled)?;
        let mut answers = self.answers.lock().await;
        loop {
            let answer = tokio::select! {
                a = answers.recv() => a,
                _ = self.cancel.cancelled() => return Err(EngineError::Cancelled),
            };
            match answer {
                Some((answered, approve)) if answered == id => return Ok(approve),
                Some(_stale) => continue,
                None => return Err(EngineError::Cancelled),
            }
        }
    }

    async fn finish_file(&self, ev: FileEvent, tally: &mut Tally, fatal: &mut Option<EngineError>) {
        match ev.status {
            FileStatus::Success if ev.action == Action::Delete => tally.deleted += 1,
            FileStatus::WhatIf if ev.action == Action::Delete => {}
            FileStatus::Success | FileStatus::WhatIf => {
                tally.transferred += 1;
                tally.bytes += ev.bytes;
                if ev.status == FileStatus::Success {
                    Progress::add(&self.progress.files_transferred, 1);
                }
            }
            FileStatus::Skipped if ev.action == Action::Delete => {}
            FileStatus::Skipped => {
                tally.skipped += 1;
                Progress::add(&self.progress.files_skipped, 1);
            }
            FileStatus::Failed => {
                tally.failed += 1;
                Progress::add(&self.progress.files_failed, 1);
                if fatal.is_none() {
                    *fatal = ev.fatal.clone();
                }
            }
            FileStatus::Cancelled => {}
        }
        let _ = self.tx.send(Event::File(ev)).await;
    }

    /// Entries go to the planner in batches; what cannot be read goes to the job loop as failed
    /// files, so the summary counts them.
    fn spawn_walker(&self, root: PathBuf, filter: Arc<Filter>) -> (mpsc::Receiver<Vec<LocalEntry>>, mpsc::UnboundedReceiver<FileEvent>) {
        let (tx, rx) = mpsc::channel::<Vec<LocalEntry>>(4);
        let (problems_tx, problems_rx) = mpsc::unbounded_channel();
        let (progress, cancel) = (self.progress.clone(), self.cancel.clone());
        tokio::task::spawn_blocking(move || {
            let mut batch = Vec::with_capacity(WALK_BATCH);
            for item in LocalWalk::filtered(&root, filter) {
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
                            path: problem.relative.clone(),
                            blob: problem.relative,
                            action: Action::Upload,
                            status: FileStatus::Failed,
                            reason: "unreadable",
                            bytes: 0,
                            content_md5: None,
                            error: Some(format!("{}: {}", problem.path.display(), problem.message)),
                            error_id: Some("LocalIoError"),
                            warning: None,
                            fatal: None,
                        };
                        let _ = problems_tx.send(ev);
                    }
                }
            }
            let _ = tx.blocking_send(batch);
        });
        (rx, problems_rx)
    }

    fn spawn_planner<S: PlanItem + Send + 'static, D: PlanItem + Send + 'static>(
        &self,
        source: mpsc::Receiver<Vec<S>>,
        dest: mpsc::Receiver<Vec<D>>,
        listing_error: Arc<Mutex<Option<EngineError>>>,
        rules: PlanRules,
    ) -> mpsc::Receiver<Result<PlanEntry<S, D>>> {
        let (tx, rx) = mpsc::channel(1024);
        tokio::task::spawn_blocking(move || {
            let mut plan = SyncPlan::with_rules(BatchIter::new(source), BatchIter::new(dest), rules);
            loop {
                let next = plan.next();
                // Checked before the entry is used: a listing that broke off must not make the rest
                // of one side look "missing" and be transferred, or deleted, for nothing.
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
}

/// The listing runs ahead of the planner by a couple of pages, so the merge rarely waits on the
/// network.
fn spawn_lister(
    store: Arc<dyn BlobStore>,
    prefix: &str,
    listing_error: Arc<Mutex<Option<EngineError>>>,
    cancel: CancellationToken,
) -> mpsc::Receiver<Vec<RemoteEntry>> {
    let (tx, rx) = mpsc::channel(2);
    let list_prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
    tokio::spawn(async move {
        let mut pages = store.list(&list_prefix);
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
                            let relative = b.name.strip_prefix(&list_prefix)?.to_string();
                            if relative.is_empty() || b.metadata.get("hdi_isfolder").is_some_and(|v| v == "true") {
                                return None;
                            }
                            Some(RemoteEntry {
                                relative,
                                size: b.size,
                                last_modified: b.last_modified,
                                source_modified: b.metadata.get(SOURCE_MTIME_KEY).and_then(|s| parse_source_mtime(s)),
                                content_md5: b.content_md5,
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

/// Which way a job moves data, resolved from the spec's two ends.
enum Endpoints {
    Upload { root: PathBuf, container: ContainerUrl },
    Download { container: ContainerUrl, root: PathBuf },
}

/// Anything that looks meant as a URL counts as one, typos included ("http//..."), so that a
/// mistyped URL gets the URL parser's precise complaint rather than "folder not found".
fn is_url(end: &str) -> bool {
    let lower = end.trim_start().to_ascii_lowercase();
    lower.contains("://") || lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("http/") || lower.starts_with("https/")
}

impl Endpoints {
    fn resolve(spec: &JobSpec) -> Result<Self> {
        match (is_url(&spec.source), is_url(&spec.destination)) {
            (false, true) => {
                let root = existing_folder(&spec.source)?;
                Ok(Self::Upload { root, container: ContainerUrl::parse(&spec.destination)? })
            }
            (true, false) => {
                let container = ContainerUrl::parse(&spec.source)?;
                let root = PathBuf::from(&spec.destination);
                match std::fs::metadata(&root) {
                    Ok(m) if !m.is_dir() => return Err(EngineError::DestinationNotAFolder(spec.destination.clone())),
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        std::fs::create_dir_all(&root).map_err(|e| EngineError::local_io(&root, &e))?;
                    }
                    Err(e) => return Err(EngineError::local_io(&root, &e)),
                }
                Ok(Self::Download { container, root })
            }
            (true, true) => Err(EngineError::InvalidSpec(
                "both ends are URLs; copying between containers is not supported yet: give a local folder on one side".into(),
            )),
            (false, false) => Err(EngineError::InvalidSpec(
                "neither end is a container URL; one side must be https://<account>.blob.core.windows.net/<container>".into(),
            )),
        }
    }

    fn container(&self) -> &ContainerUrl {
        match self {
            Self::Upload { container, .. } | Self::Download { container, .. } => container,
        }
    }
}

fn existing_folder(source: &str) -> Result<PathBuf> {
    let path = PathBuf::from(source);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => Ok(path),
        Ok(_) => Err(EngineError::SourceNotAFolder(source.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(EngineError::SourceNotFound(source.to_string())),
        Err(e) => Err(EngineError::local_io(&path, &e)),
    }
}

fn credential_for(spec: &JobSpec, location: &ContainerUrl) -> Credential {
    if location.sas().is_some() {
        return Credential::SasOrAnonymous;
    }
    if let Some(key) = spec.account_key.as_ref().filter(|k| !k.trim().is_empty()) {
        return Credential::AccountKey(key.to_string());
    }
    ACCOUNT_KEY_ENV_VARS
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .map_or(Credential::SasOrAnonymous, Credential::AccountKey)
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn file_event(path: String, blob: String, action: Action, status: FileStatus, reason: &'static str, bytes: u64) -> FileEvent {
    FileEvent { path, blob, action, status, reason, bytes, content_md5: None, error: None, error_id: None, warning: None, fatal: None }
}

fn failed_event(path: String, blob: String, action: Action, reason: &'static str, e: &EngineError) -> FileEvent {
    let status = if *e == EngineError::Cancelled { FileStatus::Cancelled } else { FileStatus::Failed };
    FileEvent {
        error: Some(e.to_string()),
        error_id: Some(e.error_id()),
        fatal: e.is_fatal_for_job().then(|| e.clone()),
        ..file_event(path, blob, action, status, reason, 0)
    }
}
