//! Wiring one job per direction: which stores to open, what each side of the plan is (a walk, a
//! listing, one file, nothing), and which [`Direction`] moves the bytes; then the scheduler and the
//! deletions run it.

use crate::auth::{Credential, JobAuth};
use crate::error::{EngineError, Result};
use crate::job::Runner;
use crate::job::deletions::Deletions;
use crate::job::feeds::{ListScope, empty_stream, no_problems, one_local_entry, spawn_lister, spawn_planner, spawn_walker};
use crate::job::progress::{JobState, Progress};
use crate::job::scheduler::{PlanFeed, Scheduler};
use crate::job::events::FileEvent;
use crate::local::content_hash::ContentHasher;
use crate::local::hash_cache::{self, HashCache};
use crate::plan::filter::Filter;
use crate::plan::{Overwrite, PlanEntry, PlanRules, blob_name};
use crate::spec::container_url::ContainerUrl;
use crate::spec::endpoints::{self, Endpoints};
use crate::spec::ends::Ends;
use crate::spec::{CompareHash, JobSpec, Operation};
use crate::store::BlobStore;
use crate::store::retrying::RetryingStore;
use crate::transfer::concurrency_limiter::ConcurrencyLimiter;
use crate::transfer::retry::Retrier;
use crate::transfer::direction::Direction;
use crate::transfer::download::Downloads;
use crate::transfer::memory_budget::MemoryBudget;
use crate::transfer::server_copy::BlobCopies;
use crate::transfer::upload::{UploadContext, Uploads};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tokio::sync::{Semaphore, mpsc};

/// Opens the store behind a container URL: Azure in a real job, memory in tests.
pub trait StoreOpener: Send + Sync {
    /// `transport` is the job's one HTTP client (its connection pool and CA roots), shared with sign-in.
    fn open(&self, location: &ContainerUrl, credential: Credential, transport: &azure_core::http::Transport) -> Result<Arc<dyn BlobStore>>;
}

pub struct AzureStores;

impl StoreOpener for AzureStores {
    fn open(&self, location: &ContainerUrl, credential: Credential, transport: &azure_core::http::Transport) -> Result<Arc<dyn BlobStore>> {
        Ok(Arc::new(crate::store::azure::AzureBlobStore::new(location, credential, transport.clone())?))
    }
}

impl Runner {
    pub(crate) async fn sync(&mut self, spec: JobSpec) -> Result<()> {
        // The spec was validated at the door: ends parsed, local mistakes already refused.
        let ends = spec.ends()?;
        if let Ends::ContainerToContainer { .. } = ends {
            return self.between_containers(spec).await;
        }
        let location = ends.container().url.clone();
        let concurrency = spec.effective_concurrency();
        let auth = JobAuth::new(&spec, concurrency)?;
        let credential = auth.credential_for(&location)?;
        let anonymous = matches!(credential, Credential::SasOrAnonymous) && location.sas().is_none();
        let retrier = self.retrier(&spec);
        let store = RetryingStore::wrap(self.stores.open(&location, credential, &auth.transport)?, retrier.clone());
        self.reachable(store.as_ref()).await.map_err(|e| match e {
            EngineError::AuthenticationFailed { .. } | EngineError::AuthorizationFailed { .. } if anonymous => EngineError::MissingCredentials,
            e => e,
        })?;
        let endpoints = endpoints::resolve(&spec, location, store.as_ref()).await?;
        self.progress.set_state(JobState::Scanning);

        let (Endpoints::Upload(scope) | Endpoints::Download(scope)) = &endpoints;
        let mut filter_spec = spec.filter_spec()?;
        filter_spec.top_level_only = scope.top_level_only;
        let filter = Arc::new(Filter::new(&filter_spec, SystemTime::now())?);
        let rules = PlanRules { filter: filter.clone(), delete_extras: spec.plans_deletes(), mode: spec.mode() };
        let listing_error = Arc::new(Mutex::new(None));
        let request_slots = Arc::new(Semaphore::new(concurrency));
        let budget = self.budget(&spec);
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
        let blind_copy = blind_copy(&spec);
        let (progress, cancel) = (self.progress.clone(), self.cancel.clone());
        match endpoints {
            Endpoints::Upload(scope) => {
                if self.guards_deletes(&spec) {
                    let err = Arc::new(Mutex::new(None));
                    let listing = spawn_lister(store.clone(), list_scope.clone(), filter.clone(), err.clone(), cancel.clone());
                    let (local, _) = match &scope.single {
                        Some(single) => one_local_entry(&scope.root.join(&single.name), &single.name),
                        None => spawn_walker(scope.root.clone(), filter.clone(), Arc::new(Progress::default()), cancel.clone(), false),
                    };
                    self.refuse_too_many_deletes(spawn_planner(local, listing, err, rules.clone()), &spec, "blobs").await?;
                }
                let listing = if blind_copy { empty_stream() } else { spawn_lister(store.clone(), list_scope, filter.clone(), listing_error.clone(), cancel.clone()) };
                let (local, problems) = match &scope.single {
                    Some(single) => one_local_entry(&scope.root.join(&single.name), &single.name),
                    None => spawn_walker(scope.root.clone(), filter, progress.clone(), cancel.clone(), false),
                };
                let plan = spawn_planner(local, listing, listing_error, rules);
                let ctx = UploadContext {
                    store,
                    request_slots,
                    budget,
                    cancel,
                    progress,
                    put_md5: spec.put_md5,
                    block_size: spec.block_size_bytes,
                    properties: spec.upload_properties()?,
                    retrier,
                };
                let single_target = scope.single.map(|s| s.target);
                let uploads = Uploads { ctx, prefix: scope.prefix, single_target, hasher: hasher.clone() };
                let outcome = self.execute(Arc::new(uploads), plan, problems, &spec).await;
                hasher.flush();
                outcome
            }
            Endpoints::Download(scope) => {
                if self.guards_deletes(&spec) && scope.single.is_none() && scope.root.exists() {
                    let err = Arc::new(Mutex::new(None));
                    let listing = spawn_lister(store.clone(), list_scope.clone(), filter.clone(), err.clone(), cancel.clone());
                    let (local, _) = spawn_walker(scope.root.clone(), filter.clone(), Arc::new(Progress::default()), cancel.clone(), false);
                    self.refuse_too_many_deletes(spawn_planner(listing, local, err, rules.clone()), &spec, "local files").await?;
                }
                if let Some(single) = scope.single.as_ref().filter(|_| !spec.writes_nothing()) {
                    // One file's leftover of an interrupted download, whether or not this run downloads it.
                    let _ = std::fs::remove_file(crate::local::part_files::part_file_for(Path::new(&single.target)));
                }
                let listing = spawn_lister(store.clone(), list_scope, filter.clone(), listing_error.clone(), cancel.clone());
                let (local, problems) = match &scope.single {
                    Some(_) if blind_copy => (empty_stream(), no_problems()),
                    Some(single) => one_local_entry(Path::new(&single.target), &single.name),
                    // A destination folder that does not exist yet is simply empty.
                    None if blind_copy || !scope.root.exists() => (empty_stream(), no_problems()),
                    // Leftovers of an interrupted download are cleaned as the walk passes them.
                    None => spawn_walker(scope.root.clone(), filter, progress.clone(), cancel.clone(), !spec.writes_nothing()),
                };
                let plan = spawn_planner(listing, local, listing_error, rules);
                let downloads = Downloads {
                    store,
                    root: scope.root,
                    prefix: scope.prefix,
                    single_target: scope.single.map(|s| PathBuf::from(s.target)),
                    request_slots,
                    budget,
                    cancel,
                    progress,
                    check_md5: spec.check_md5,
                    hasher: hasher.clone(),
                    retrier,
                };
                let outcome = self.execute(Arc::new(downloads), plan, problems, &spec).await;
                hasher.flush();
                outcome
            }
        }
    }

    /// Container (prefix) → container (prefix), every blob copied by the service itself.
    async fn between_containers(&mut self, spec: JobSpec) -> Result<()> {
        // Both parsed at the door, where a foreign source without a SAS was already refused.
        let Ends::ContainerToContainer { source, destination } = spec.ends()? else {
            return Err(EngineError::Internal("a copy between containers needs two container ends".into()));
        };
        let (source, dest) = (source.url.clone(), destination.url.clone());
        let concurrency = spec.effective_concurrency();
        let auth = JobAuth::new(&spec, concurrency)?;
        let mut stores = Vec::new();
        let retrier = self.retrier(&spec);
        for location in [&source, &dest] {
            let store = RetryingStore::wrap(self.stores.open(location, auth.credential_for(location)?, &auth.transport)?, retrier.clone());
            self.reachable(store.as_ref()).await?;
            stores.push(store);
        }
        let (source_store, dest_store) = (stores[0].clone(), stores[1].clone());
        let scope = endpoints::resolve_between(&spec, &source, &dest, source_store.as_ref()).await?;
        self.progress.set_state(JobState::Scanning);
        let mut filter_spec = spec.filter_spec()?;
        filter_spec.top_level_only = scope.top_level_only;
        let filter = Arc::new(Filter::new(&filter_spec, SystemTime::now())?);
        let rules = PlanRules { filter: filter.clone(), delete_extras: spec.plans_deletes(), mode: spec.mode() };
        let listing_error = Arc::new(Mutex::new(None));
        let (from_scope, to_scope) = match &scope.single {
            Some(single) => (
                ListScope::Exact { blob: blob_name::join(&scope.source_prefix, &single.name), relative: single.name.clone() },
                ListScope::Exact { blob: single.target.clone(), relative: single.name.clone() },
            ),
            None => (ListScope::Prefix(scope.source_prefix.clone()), ListScope::Prefix(scope.dest_prefix.clone())),
        };
        let cancel = self.cancel.clone();
        if self.guards_deletes(&spec) {
            let err = Arc::new(Mutex::new(None));
            let from = spawn_lister(source_store.clone(), from_scope.clone(), filter.clone(), err.clone(), cancel.clone());
            let to = spawn_lister(dest_store.clone(), to_scope.clone(), filter.clone(), err.clone(), cancel.clone());
            self.refuse_too_many_deletes(spawn_planner(from, to, err, rules.clone()), &spec, "blobs").await?;
        }
        let from = spawn_lister(source_store.clone(), from_scope, filter.clone(), listing_error.clone(), cancel.clone());
        let to = if blind_copy(&spec) { empty_stream() } else { spawn_lister(dest_store.clone(), to_scope, filter, listing_error.clone(), cancel.clone()) };
        let plan = spawn_planner(from, to, listing_error, rules);
        let copies = BlobCopies {
            source: source_store,
            source_prefix: scope.source_prefix,
            dest: dest_store,
            dest_prefix: scope.dest_prefix,
            single_target: scope.single.map(|s| s.target),
            request_slots: Arc::new(Semaphore::new(concurrency)),
            budget: self.budget(&spec),
            cancel,
        };
        self.execute(Arc::new(copies), plan, no_problems(), &spec).await
    }

    /// Whether the whole plan is counted before anything is written: a sync that deletes, with a
    /// `max_delete` guard, so a job pointed at the wrong (or an empty) source stops before its first
    /// write rather than after uploading everything. The count is a plan of its own (one more walk
    /// and listing), so memory stays flat however large the tree.
    fn guards_deletes(&self, spec: &JobSpec) -> bool {
        spec.plans_deletes() && !spec.writes_nothing() && spec.max_delete_limit().is_some()
    }

    /// Counts the deletions a plan holds and refuses the job when they exceed `max_delete`.
    async fn refuse_too_many_deletes<S, D>(&self, mut plan: mpsc::Receiver<Result<PlanEntry<S, D>>>, spec: &JobSpec, what: &'static str) -> Result<()> {
        let limit = spec.max_delete_limit().unwrap_or(u64::MAX);
        let mut planned = 0u64;
        loop {
            let entry = tokio::select! {
                e = plan.recv() => e,
                _ = self.cancel.cancelled() => return Err(EngineError::Cancelled),
            };
            match entry {
                None => break,
                Some(Ok(PlanEntry::Delete(_))) => planned += 1,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
            }
        }
        if planned > limit {
            return Err(EngineError::MaxDeleteExceeded { planned, limit, what });
        }
        Ok(())
    }

    /// The job's retry rules and its one concurrency limiter (throttling lowers it for every request).
    fn retrier(&self, spec: &JobSpec) -> Retrier {
        Retrier { policy: spec.retry_policy(), cancel: self.cancel.clone(), limiter: ConcurrencyLimiter::new(spec.effective_concurrency()) }
    }

    /// The job's one memory budget; its peak is reported with the progress.
    fn budget(&self, spec: &JobSpec) -> Arc<MemoryBudget> {
        let budget = Arc::new(MemoryBudget::new(spec.effective_memory_budget()));
        *self.progress.budget.lock().expect("not poisoned") = Some(budget.clone());
        budget
    }

    /// The container can be read with the credentials given (or the job is cancelled first).
    async fn reachable(&self, store: &dyn BlobStore) -> Result<()> {
        tokio::select! {
            r = store.check_container() => r,
            _ = self.cancel.cancelled() => Err(EngineError::Cancelled),
        }
    }

    /// The plan's transfers, then (unless the job is over) its deletions.
    async fn execute<D: Direction>(&mut self, direction: Arc<D>, plan: PlanFeed<D>, problems: mpsc::UnboundedReceiver<FileEvent>, spec: &JobSpec) -> Result<()> {
        let mut scheduler = Scheduler {
            reporter: &mut self.reporter,
            confirmations: &self.confirmations,
            progress: self.progress.clone(),
            cancel: self.cancel.clone(),
            concurrency: spec.effective_concurrency(),
            writes_nothing: spec.writes_nothing(),
        };
        let deletes = scheduler.run(direction.clone(), plan, problems).await?;
        if self.cancel.is_cancelled() || deletes.is_empty() {
            return Ok(());
        }
        let mut deletions = Deletions {
            reporter: &mut self.reporter,
            confirmations: &self.confirmations,
            cancel: self.cancel.clone(),
            concurrency: spec.effective_concurrency(),
            writes_nothing: spec.writes_nothing(),
            max_delete: spec.max_delete_limit(),
            confirm_each: spec.confirm_deletes,
        };
        deletions.run(direction.as_ref(), deletes).await
    }
}

/// Copy with overwrite = true never looks at the destination.
fn blind_copy(spec: &JobSpec) -> bool {
    spec.operation == Operation::Copy && spec.overwrite == Overwrite::True
}

