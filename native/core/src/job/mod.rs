//! A job: validate the spec, sign in, plan (local walk ⋈ destination listing) and transfer with
//! bounded parallelism, reporting one event per file and a summary.
//!
//! Pipeline, every stage bounded so memory does not grow with the number of files:
//! walker thread → planner thread (pure merge) → dispatcher → upload tasks → event channel → host.

pub mod events;
pub mod progress;

use crate::auth::{Credential, JobAuth};
use crate::store::azure::AzureBlobStore;
use crate::plan::blob_name;
use crate::error::{EngineError, Result};
use crate::job::events::{Action, ConfirmRequest, Event, FileEvent, FileStatus, JobStatus, Summary};
use crate::local::walk::{LocalEntry, LocalWalk, WalkItem};
use crate::plan::filter::Filter;
use crate::store::parallel_listing;
use crate::plan::{Decision, PlanEntry, PlanRules, RemoteEntry, SyncPlan};
use crate::job::progress::{JobState, Progress, ProgressSnapshot};
use crate::spec::JobSpec;
use crate::store::{BlobStore, SOURCE_MTIME_KEY};
use crate::transfer::server_copy::BlobCopies;
use crate::transfer::direction::Direction;
use crate::spec::endpoints::{self, Endpoints};
use crate::spec::ends::Ends;
use crate::plan::Overwrite;
use crate::local::content_hash::{ContentHasher, Verdict};
use crate::local::hash_cache::{self, HashCache};
use crate::plan::Reason;
use crate::spec::{CompareHash, Operation};
use crate::transfer::download::Downloads;
use crate::plan::PlanItem;
use crate::transfer::upload::{UploadContext, Uploads, parse_source_mtime};
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::runtime::Handle;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

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
        // The spec was validated at the door: ends parsed, local mistakes already refused.
        let ends = spec.ends().map_err(fail)?;
        if let Ends::ContainerToContainer { .. } = ends {
            return self.between_containers(spec).await;
        }
        let location = ends.container().url.clone();
        let concurrency = spec.effective_concurrency();
        let auth = JobAuth::new(&spec, concurrency).map_err(fail)?;
        let credential = auth.credential_for(&location).map_err(fail)?;
        let anonymous = matches!(credential, Credential::SasOrAnonymous) && location.sas().is_none();
        let store: Arc<dyn BlobStore> = Arc::new(AzureBlobStore::new(&location, credential, auth.transport.clone()).map_err(fail)?);
        tokio::select! {
            r = store.check_container() => r.map_err(|e| match e {
                EngineError::AuthenticationFailed { .. } | EngineError::AuthorizationFailed { .. } if anonymous => EngineError::MissingCredentials,
                e => e,
            }).map_err(fail)?,
            _ = self.cancel.cancelled() => return Err(fail(EngineError::Cancelled)),
        }
        let endpoints = endpoints::resolve(&spec, location, store.as_ref()).await.map_err(fail)?;
        self.progress.set_state(JobState::Scanning);

        let (Endpoints::Upload(scope) | Endpoints::Download(scope)) = &endpoints;
        let mut filter_spec = spec.filter_spec().map_err(fail)?;
        filter_spec.top_level_only = scope.top_level_only;
        let filter = Arc::new(Filter::new(&filter_spec, SystemTime::now()).map_err(fail)?);
        let rules = PlanRules { filter: filter.clone(), delete_extras: spec.plans_deletes(), mode: spec.mode() };
        let listing_error = Arc::new(Mutex::new(None));
        let request_slots = Arc::new(Semaphore::new(concurrency));
        let list_scope = match &scope.single {
            Some(single) if matches!(endpoints, Endpoints::Upload(_)) => ListScope::Exact { blob: single.target.clone(), relative: single.name.clone() },
            Some(single) => ListScope::Exact { blob: blob_name::join(&scope.prefix, &single.name), relative: single.name.clone() },
            None => ListScope::Prefix(scope.prefix.clone()),
        };
        let hasher = ContentHasher::new(match spec.compare_hash {
            CompareHash::Md5 => {
                let path = spec.hash_cache_path.as_ref().map_or_else(hash_cache::default_location, PathBuf::from);
                // Without the cache the job still runs: it only re-reads files next time.
                HashCache::open(&path).ok()
            }
            CompareHash::None => None,
        });
        // Copy with overwrite = true never looks at the destination.
        let blind_copy = spec.operation == Operation::Copy && spec.overwrite == Overwrite::True;
        match endpoints {
            Endpoints::Upload(scope) => {
                let listing = if blind_copy {
                    empty_stream()
                } else {
                    spawn_lister(store.clone(), list_scope, filter.clone(), listing_error.clone(), self.cancel.clone())
                };
                let (local, problems) = match &scope.single {
                    Some(single) => one_local_entry(&scope.root.join(&single.name), &single.name),
                    None => self.spawn_walker(scope.root.clone(), filter),
                };
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
                let single_target = scope.single.map(|s| s.target);
                let uploads = Uploads { ctx, prefix: scope.prefix, single_target, hasher: hasher.clone() };
                let outcome = self.execute(Arc::new(uploads), plan, problems, &spec).await;
                hasher.flush();
                outcome
            }
            Endpoints::Download(scope) => {
                let listing = spawn_lister(store.clone(), list_scope, filter.clone(), listing_error.clone(), self.cancel.clone());
                let (local, problems) = match &scope.single {
                    Some(_) if blind_copy => (empty_stream(), mpsc::unbounded_channel().1),
                    Some(single) => one_local_entry(Path::new(&single.target), &single.name),
                    // A destination folder that does not exist yet is simply empty.
                    None if blind_copy || !scope.root.exists() => (empty_stream(), mpsc::unbounded_channel().1),
                    None => self.spawn_walker(scope.root.clone(), filter),
                };
                let plan = self.spawn_planner(listing, local, listing_error, rules);
                let downloads = Downloads {
                    store,
                    root: scope.root,
                    prefix: scope.prefix,
                    single_target: scope.single.map(|s| PathBuf::from(s.target)),
                    request_slots,
                    cancel: self.cancel.clone(),
                    progress: self.progress.clone(),
                    check_md5: spec.check_md5,
                    hasher: hasher.clone(),
                };
                let outcome = self.execute(Arc::new(downloads), plan, problems, &spec).await;
                hasher.flush();
                outcome
            }
        }
    }

    /// Container (prefix) → container (prefix), every blob copied by the service itself.
    async fn between_containers(&self, spec: JobSpec) -> std::result::Result<Tally, (EngineError, Tally)> {
        let fail = |e| (e, Tally::default());
        // Both parsed at the door, where a foreign source without a SAS was already refused.
        let Ends::ContainerToContainer { source, destination } = spec.ends().map_err(fail)? else {
            return Err(fail(EngineError::Internal("a copy between containers needs two container ends".into())));
        };
        let (source, dest) = (source.url.clone(), destination.url.clone());
        let concurrency = spec.effective_concurrency();
        let mut stores = Vec::new();
        let auth = JobAuth::new(&spec, concurrency).map_err(fail)?;
        for location in [&source, &dest] {
            let credential = auth.credential_for(location).map_err(fail)?;
            let store: Arc<dyn BlobStore> = Arc::new(AzureBlobStore::new(location, credential, auth.transport.clone()).map_err(fail)?);
            tokio::select! {
                r = store.check_container() => r.map_err(fail)?,
                _ = self.cancel.cancelled() => return Err(fail(EngineError::Cancelled)),
            }
            stores.push(store);
        }
        let (source_store, dest_store) = (stores[0].clone(), stores[1].clone());
        let scope = endpoints::resolve_between(&spec, &source, &dest, source_store.as_ref()).await.map_err(fail)?;
        self.progress.set_state(JobState::Scanning);
        let mut filter_spec = spec.filter_spec().map_err(fail)?;
        filter_spec.top_level_only = scope.top_level_only;
        let filter = Arc::new(Filter::new(&filter_spec, SystemTime::now()).map_err(fail)?);
        let rules = PlanRules { filter: filter.clone(), delete_extras: spec.plans_deletes(), mode: spec.mode() };
        let listing_error = Arc::new(Mutex::new(None));
        let (from_scope, to_scope) = match &scope.single {
            Some(single) => (
                ListScope::Exact { blob: blob_name::join(&scope.source_prefix, &single.name), relative: single.name.clone() },
                ListScope::Exact { blob: single.target.clone(), relative: single.name.clone() },
            ),
            None => (ListScope::Prefix(scope.source_prefix.clone()), ListScope::Prefix(scope.dest_prefix.clone())),
        };
        let from = spawn_lister(source_store.clone(), from_scope, filter.clone(), listing_error.clone(), self.cancel.clone());
        // Copy with overwrite = true never looks at the destination.
        let to = if spec.operation == Operation::Copy && spec.overwrite == Overwrite::True {
            empty_stream()
        } else {
            spawn_lister(dest_store.clone(), to_scope, filter.clone(), listing_error.clone(), self.cancel.clone())
        };
        let plan = self.spawn_planner(from, to, listing_error, rules);
        let copies = BlobCopies {
            source: source_store,
            source_prefix: scope.source_prefix,
            dest: dest_store,
            dest_prefix: scope.dest_prefix,
            single_target: scope.single.map(|s| s.target),
            request_slots: Arc::new(Semaphore::new(concurrency)),
            cancel: self.cancel.clone(),
        };
        self.execute(Arc::new(copies), plan, mpsc::unbounded_channel().1, &spec).await
    }

    /// The job loop, the same for every direction: take plan entries in order, start transfers up
    /// to the concurrency limit, report each file as it finishes, then delete extras.
    async fn execute<D: Direction>(
        &self,
        direction: Arc<D>,
        mut plan: mpsc::Receiver<Result<PlanEntry<D::Source, D::Dest>>>,
        mut walk_problems: mpsc::UnboundedReceiver<FileEvent>,
        spec: &JobSpec,
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
            let (source, dest, decision) = match entry {
                PlanEntry::Source { source, dest, decision } => (source, dest, decision),
                PlanEntry::Delete(dest) => {
                    deletes.push(dest.relative().to_string());
                    continue;
                }
                PlanEntry::OnlyAtDestination(_) => continue,
            };
            let relative = source.relative().to_string();
            let blob = direction.blob_name(&relative);
            let size = source.size();
            if decision == Decision::Verify {
                // Hashing reads the local file: it runs in the pool like a transfer, then transfers
                // (or reports) only when the content differs.
                let permit = tokio::select! {
                    p = files_in_flight.clone().acquire_owned() => p.expect("never closed"),
                    _ = self.cancel.cancelled() => break,
                };
                in_flight += 1;
                let (direction, done_tx, progress) = (direction.clone(), done_tx.clone(), self.progress.clone());
                let dest = dest.expect("a verified pair has both sides");
                tokio::spawn(async move {
                    let _permit = permit;
                    let reason = match direction.verify(&source, &dest).await {
                        Ok(Verdict::Same) => {
                            let _ = done_tx.send(file_event(relative, blob, Action::Skip, FileStatus::Skipped, "unchanged", 0));
                            return;
                        }
                        Ok(Verdict::Different) => Reason::ContentChanged.as_str(),
                        Ok(Verdict::NoBlobHash) => Reason::NoHashToCompare.as_str(),
                        Err(e) => {
                            let _ = done_tx.send(failed_event(relative, blob, D::ACTION, "unreadable", &e));
                            return;
                        }
                    };
                    Progress::add(&progress.files_to_transfer, 1);
                    Progress::add(&progress.bytes_to_transfer, size);
                    let ev = if writes_nothing {
                        file_event(relative, blob, D::ACTION, FileStatus::WhatIf, reason, size)
                    } else {
                        transfer_event(direction.as_ref(), &source, relative, blob, reason).await
                    };
                    let _ = done_tx.send(ev);
                });
                continue;
            }
            let reason = match decision {
                Decision::Skip(reason) => {
                    let ev = file_event(relative, blob, Action::Skip, FileStatus::Skipped, reason.as_str(), 0);
                    self.finish_file(ev, &mut tally, &mut fatal).await;
                    continue;
                }
                Decision::Transfer(reason) => reason.as_str(),
                Decision::Verify => unreachable!("handled above"),
                // A dry run reports what it would ask; a real run asks first.
                Decision::Ask(reason) if writes_nothing => reason.as_str(),
                Decision::Ask(reason) => match self.confirm(D::ACTION, &relative, &blob, reason.as_str()).await {
                    Ok(true) => reason.as_str(),
                    Ok(false) => {
                        let ev = file_event(relative, blob, Action::Skip, FileStatus::Skipped, "declined", 0);
                        self.finish_file(ev, &mut tally, &mut fatal).await;
                        continue;
                    }
                    Err(_) => break,
                },
            };
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
                let ev = transfer_event(direction.as_ref(), &source, relative, blob, reason).await;
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
            if let Err(e) = self.delete_extras(direction.as_ref(), deletes, spec, &mut tally).await {
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
        deletes: Vec<String>,
        spec: &JobSpec,
        tally: &mut Tally,
    ) -> Result<()> {
        let planned = deletes.len() as u64;
        if let Some(limit) = spec.max_delete_limit().filter(|limit| planned > *limit) {
            let what = if D::ACTION == Action::Download { "local files" } else { "blobs" };
            return Err(EngineError::MaxDeleteExceeded { planned, limit, what });
        }
        if spec.confirm_deletes && !spec.writes_nothing() {
            return self.delete_confirmed(direction, deletes, tally).await;
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
            let blob = direction.blob_name(&relative);
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
    async fn delete_confirmed<D: Direction>(&self, direction: &D, deletes: Vec<String>, tally: &mut Tally) -> Result<()> {
        let mut fatal = None;
        for relative in deletes {
            let blob = direction.blob_name(&relative);
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
        // Anything a real run would change (or tried to) is a difference; unreadable files are
        // problems, not differences.
        if ev.action != Action::Skip && ev.reason != "unreadable" {
            tally.differences += 1;
        }
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

/// What a listing covers: everything under a prefix, or one blob under the name the plan pairs on.
enum ListScope {
    Prefix(String),
    Exact { blob: String, relative: String },
}

/// Folder listings in flight at once (see [`crate::store::parallel_listing`]): enough to keep the service busy
/// while the merge consumes pages in order, few enough to leave the connections to transfers.
const LISTING_PARALLELISM: usize = 8;

/// The listing runs ahead of the planner by a couple of pages, so the merge rarely waits on the
/// network.
fn spawn_lister(
    store: Arc<dyn BlobStore>,
    scope: ListScope,
    filter: Arc<Filter>,
    listing_error: Arc<Mutex<Option<EngineError>>>,
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

fn empty_stream<T: Send + 'static>() -> mpsc::Receiver<Vec<T>> {
    mpsc::channel(1).1
}

/// One named file as the whole local side (copying a single file); missing means "not there".
fn one_local_entry(path: &Path, name: &str) -> (mpsc::Receiver<Vec<LocalEntry>>, mpsc::UnboundedReceiver<FileEvent>) {
    let (tx, rx) = mpsc::channel(1);
    let entry = std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| LocalEntry {
        relative: name.to_string(),
        path: path.to_path_buf(),
        size: m.len(),
        modified: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
    });
    let _ = tx.try_send(entry.into_iter().collect());
    (rx, mpsc::unbounded_channel().1)
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

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn transfer_event<D: Direction>(direction: &D, source: &D::Source, relative: String, blob: String, reason: &'static str) -> FileEvent {
    match direction.transfer(source).await {
        Ok(done) => FileEvent {
            content_md5: done.content_md5.map(|m| base64_encode(&m)),
            warning: done.warning,
            ..file_event(relative, blob, D::ACTION, FileStatus::Success, reason, done.bytes)
        },
        Err(e) => failed_event(relative, blob, D::ACTION, reason, &e),
    }
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
