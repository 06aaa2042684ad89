//! The job's one set of counters: updated by many tasks without locks, read by the host at any
//! time (progress) and once at the end (the summary). [`crate::job::tally`] is the only writer of
//! the per-file counters, so progress and summary can never disagree.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering::Relaxed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum JobState {
    #[default]
    Starting = 0,
    Scanning = 1,
    Transferring = 2,
    Completed = 3,
    Cancelled = 4,
    Failed = 5,
}

#[derive(Default)]
pub struct Progress {
    /// The job's memory budget, once the job has one: its peak is the buffer bytes held at most.
    pub budget: std::sync::Mutex<Option<std::sync::Arc<crate::transfer::memory_budget::MemoryBudget>>>,
    state: AtomicU8,
    pub files_scanned: AtomicU64,
    pub files_to_transfer: AtomicU64,
    /// Files moved for real.
    pub files_transferred: AtomicU64,
    /// Files a dry run or check would move.
    pub files_what_if: AtomicU64,
    pub files_skipped: AtomicU64,
    pub files_failed: AtomicU64,
    pub files_deleted: AtomicU64,
    /// A resumed job's files that an earlier attempt finished (neither sent nor compared again).
    pub files_done_before: AtomicU64,
    /// Names where the two sides differ (what a real run would change).
    pub differences: AtomicU64,
    pub bytes_to_transfer: AtomicU64,
    /// Bytes on the wire so far, counted as they move (partial files included).
    pub bytes_transferred: AtomicU64,
    /// Bytes of the files reported as moved (or that would move, in a dry run).
    pub bytes_of_finished_files: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgressSnapshot {
    pub state: JobState,
    pub files_scanned: u64,
    pub files_to_transfer: u64,
    pub files_transferred: u64,
    pub files_what_if: u64,
    pub files_skipped: u64,
    pub files_failed: u64,
    pub files_deleted: u64,
    pub files_done_before: u64,
    pub differences: u64,
    pub bytes_to_transfer: u64,
    pub bytes_transferred: u64,
    pub bytes_of_finished_files: u64,
    /// The most bytes of transfer buffers held at once so far.
    pub buffer_bytes_peak: u64,
}

impl Progress {
    pub fn set_state(&self, state: JobState) {
        self.state.store(state as u8, Relaxed);
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        let state = match self.state.load(Relaxed) {
            1 => JobState::Scanning,
            2 => JobState::Transferring,
            3 => JobState::Completed,
            4 => JobState::Cancelled,
            5 => JobState::Failed,
            _ => JobState::Starting,
        };
        ProgressSnapshot {
            state,
            files_scanned: self.files_scanned.load(Relaxed),
            files_to_transfer: self.files_to_transfer.load(Relaxed),
            files_transferred: self.files_transferred.load(Relaxed),
            files_what_if: self.files_what_if.load(Relaxed),
            files_skipped: self.files_skipped.load(Relaxed),
            files_failed: self.files_failed.load(Relaxed),
            files_deleted: self.files_deleted.load(Relaxed),
            files_done_before: self.files_done_before.load(Relaxed),
            differences: self.differences.load(Relaxed),
            bytes_to_transfer: self.bytes_to_transfer.load(Relaxed),
            bytes_transferred: self.bytes_transferred.load(Relaxed),
            bytes_of_finished_files: self.bytes_of_finished_files.load(Relaxed),
            buffer_bytes_peak: self.budget.lock().ok().and_then(|b| b.as_ref().map(|b| b.peak())).unwrap_or(0),
        }
    }
}
