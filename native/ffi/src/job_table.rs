//! Live jobs by handle. Handles are counters, never pointers, so a stale or doubly freed handle
//! is an error code instead of undefined behaviour.

use crate::event_batches::EventBatches;
use azblobsync_core::job::{Answers, start_job};
use tokio_util::sync::CancellationToken;
use azblobsync_core::job::progress::ProgressSnapshot;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use crate::abi::AzbsJobProgress;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("azblobsync-engine")
        .build()
        .expect("the engine's tokio runtime could not start")
});
static NEXT_HANDLE: AtomicU64 = AtomicU64::new(1);
static JOBS: LazyLock<Mutex<HashMap<u64, Arc<JobSlot>>>> = LazyLock::new(Default::default);

/// The cancel token and the answers live outside the events' lock: a poll may be waiting inside it.
struct JobSlot {
    cancel: CancellationToken,
    answers: Answers,
    events: Mutex<EventBatches>,
}

pub struct Polled {
    pub written: usize,
    pub finished: bool,
    pub progress: AzbsJobProgress,
}

pub enum PollError {
    UnknownJob,
    BufferTooSmall { needed: usize },
}

fn jobs() -> std::sync::MutexGuard<'static, HashMap<u64, Arc<JobSlot>>> {
    // A panic while the table was held cannot leave it inconsistent (single inserts/removes).
    JOBS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lookup(job: u64) -> Option<Arc<JobSlot>> {
    jobs().get(&job).cloned()
}

pub fn start(spec_json: &[u8]) -> u64 {
    let events = start_job(RUNTIME.handle(), spec_json);
    let handle = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    let slot = JobSlot { cancel: events.cancel_token(), answers: events.answers(), events: Mutex::new(EventBatches::new(events)) };
    jobs().insert(handle, Arc::new(slot));
    handle
}

pub fn poll(job: u64, out: &mut [u8], timeout_ms: u32) -> Result<Polled, PollError> {
    let slot = lookup(job).ok_or(PollError::UnknownJob)?;
    let mut events = slot.events.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let timeout = Duration::from_millis(u64::from(timeout_ms));
    let batch = RUNTIME.block_on(events.next_batch(out, timeout));
    match batch {
        Ok(batch) => Ok(Polled {
            written: batch.written,
            finished: batch.finished,
            progress: to_abi(events.events.progress()),
        }),
        Err(needed) => Err(PollError::BufferTooSmall { needed }),
    }
}

pub fn cancel(job: u64) -> bool {
    let Some(slot) = lookup(job) else { return false };
    slot.cancel.cancel();
    true
}

pub fn answer(job: u64, request: u64, approve: bool) -> bool {
    lookup(job).is_some_and(|slot| {
        slot.answers.answer(request, approve);
        true
    })
}

pub fn free(job: u64) -> bool {
    match jobs().remove(&job) {
        Some(slot) => {
            slot.cancel.cancel();
            true
        }
        None => false,
    }
}

fn to_abi(p: ProgressSnapshot) -> AzbsJobProgress {
    AzbsJobProgress {
        state: p.state as u32,
        files_scanned: p.files_scanned,
        files_to_transfer: p.files_to_transfer,
        files_transferred: p.files_transferred,
        files_skipped: p.files_skipped,
        files_failed: p.files_failed,
        bytes_to_transfer: p.bytes_to_transfer,
        bytes_transferred: p.bytes_transferred,
    }
}
