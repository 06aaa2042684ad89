//! Running one job: validate the spec, open the stores, plan (one side's stream ⋈ the other's)
//! and transfer with bounded parallelism, reporting one event per file and a summary.
//!
//! Pipeline, every stage bounded so memory does not grow with the number of files:
//! walker / lister tasks ([`feeds`]) → planner thread (pure merge) → [`scheduler`] → transfer tasks
//! → [`report`] (counted by the [`tally`]) → event channel → host; then [`deletions`].
//! [`wiring`] assembles that per direction; [`confirmations`] asks the host before an action.

pub mod confirmations;
pub mod deletions;
pub mod events;
pub mod feeds;
pub mod progress;
pub mod report;
pub mod scheduler;
pub mod tally;
pub mod wiring;

#[cfg(test)]
mod test_direction;

pub use confirmations::Answers;

use crate::error::{EngineError, Result};
use crate::spec::JobSpec;
use confirmations::Confirmations;
use events::{Event, JobStatus, Summary};
use progress::{JobState, Progress, ProgressSnapshot};
use report::Reporter;
use std::sync::Arc;
use std::time::Instant;
use tally::{Tally, Totals};
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wiring::{AzureStores, StoreOpener};

const EVENT_CHANNEL_DEPTH: usize = 4096;

/// The host's end of a running job: its events, counters and cancel switch.
pub struct JobEvents {
    rx: mpsc::Receiver<Event>,
    progress: Arc<Progress>,
    cancel: CancellationToken,
    answers: Answers,
}

/// What [`JobEvents::try_next_event`] found.
pub enum Ready {
    Event(Event),
    /// Nothing yet; the job still runs.
    Empty,
    /// The summary has been delivered; nothing more will come.
    Closed,
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

    /// The next event if one is ready, without waiting.
    pub fn try_next_event(&mut self) -> Ready {
        match self.rx.try_recv() {
            Ok(event) => Ready::Event(event),
            Err(mpsc::error::TryRecvError::Empty) => Ready::Empty,
            Err(mpsc::error::TryRecvError::Disconnected) => Ready::Closed,
        }
    }
}

/// Starts a job on `runtime` from its JSON spec, or resumes a recorded one (a spec with
/// `resumeJobId`, see [`crate::journal::resume`]). Never fails: a bad spec gives a job whose only
/// event is a failed summary saying what to fix.
pub fn start_job(runtime: &Handle, spec_json: &[u8]) -> JobEvents {
    start_job_with(runtime, crate::journal::resume::spec_or_resume(spec_json))
}

pub fn start_job_with(runtime: &Handle, spec: Result<JobSpec>) -> JobEvents {
    start_job_on(runtime, spec, Arc::new(AzureStores))
}

/// As [`start_job_with`], with the stores opened by `stores` (an in-memory store in tests).
pub fn start_job_on(runtime: &Handle, spec: Result<JobSpec>, stores: Arc<dyn StoreOpener>) -> JobEvents {
    let (tx, rx) = mpsc::channel(EVENT_CHANNEL_DEPTH);
    let progress = Arc::new(Progress::default());
    let cancel = CancellationToken::new();
    let (confirmations, answers) = Confirmations::new(tx.clone(), cancel.clone());
    let runner = Runner {
        reporter: Reporter::new(Tally::new(progress.clone()), tx.clone()),
        confirmations,
        progress: progress.clone(),
        cancel: cancel.clone(),
        stores,
    };
    runtime.spawn(runner.run(spec, tx));
    JobEvents { rx, progress, cancel, answers }
}

/// One job's running state, shared by the wiring, the scheduler and the deletions.
pub(crate) struct Runner {
    reporter: Reporter,
    confirmations: Confirmations,
    progress: Arc<Progress>,
    cancel: CancellationToken,
    stores: Arc<dyn StoreOpener>,
}

impl Runner {
    async fn run(mut self, spec: Result<JobSpec>, events: mpsc::Sender<Event>) {
        let started = Instant::now();
        let dry_run = spec.as_ref().is_ok_and(JobSpec::writes_nothing);
        let job_id = spec.as_ref().ok().and_then(|s| s.job_id.clone()).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        let outcome = match spec.and_then(|spec| self.open_journal(&spec, &job_id).map(|()| spec)) {
            Ok(spec) => self.sync(spec).await,
            Err(e) => Err(e),
        };
        let totals = self.reporter.tally.totals();
        let (status, error) = match outcome {
            Ok(()) if self.cancel.is_cancelled() => (JobStatus::Cancelled, None),
            Ok(()) if totals.failed > 0 => (JobStatus::CompletedWithErrors, None),
            Ok(()) => (JobStatus::Completed, None),
            Err(EngineError::Cancelled) => (JobStatus::Cancelled, None),
            Err(e) => (JobStatus::Failed, Some(e)),
        };
        self.progress.set_state(match status {
            JobStatus::Cancelled => JobState::Cancelled,
            JobStatus::Failed => JobState::Failed,
            _ => JobState::Completed,
        });
        let journal = self.reporter.journal.take();
        let mut summary = summary(job_id, status, dry_run, totals, started, error.clone());
        if let Some(journal) = journal {
            summary.log_path = Some(journal.log_path.to_string_lossy().into_owned());
            summary.attempt = Some(journal.attempt);
            let line = serde_json::to_value(&summary).unwrap_or_default();
            // On disk before the host hears the job ended.
            let error = error.clone();
            let _ = tokio::task::spawn_blocking(move || journal.finish(status, error.as_ref(), line)).await;
        }
        let _ = events.send(Event::Summary(summary)).await;
    }

    /// Records the job in its journal. A resume needs the journal; any other job runs without one
    /// when it cannot be opened (saying so in the process's log).
    fn open_journal(&mut self, spec: &JobSpec, job_id: &str) -> Result<()> {
        match crate::journal::JobJournal::start(spec, job_id) {
            Ok(journal) => self.reporter.journal = journal,
            Err(e @ EngineError::JobRunning(_)) => return Err(e),
            Err(e) if spec.resume_job_id.is_some() => return Err(e),
            Err(e) => tracing::warn!("job {job_id} runs without a journal: {e}"),
        }
        Ok(())
    }
}

fn summary(job_id: String, status: JobStatus, dry_run: bool, t: Totals, started: Instant, error: Option<EngineError>) -> Summary {
    Summary {
        job_id,
        status,
        dry_run,
        files_transferred: t.transferred,
        files_skipped: t.skipped,
        files_failed: t.failed,
        files_deleted: t.deleted,
        files_done_before: t.done_before,
        bytes_transferred: t.bytes,
        differences: t.differences,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        error_id: error.as_ref().map(EngineError::error_id),
        error: error.map(|e| e.to_string()),
        log_path: None,
        attempt: None,
    }
}
