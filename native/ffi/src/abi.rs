use crate::job_table;
use interoptopus::ffi;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Version of this ABI; the host refuses a library whose version it does not know.
/// 2: `azbs_spec_check` and `azbs_redact`. 3: `azbs_jobs` (the job journal).
#[ffi]
pub const AZBS_ABI_VERSION: u32 = 3;

/// `azbs_job_poll`: the job is still running; call again.
#[ffi]
pub const AZBS_POLL_RUNNING: i32 = 0;
/// `azbs_job_poll`: the job has ended and every event has been delivered.
#[ffi]
pub const AZBS_POLL_FINISHED: i32 = 1;
/// No job has this handle (never started, or already freed).
#[ffi]
pub const AZBS_ERR_UNKNOWN_JOB: i32 = -1;
/// The buffer cannot hold the next event; `out_len` says how many bytes it needs.
#[ffi]
pub const AZBS_ERR_BUFFER_TOO_SMALL: i32 = -2;
/// A required pointer was null.
#[ffi]
pub const AZBS_ERR_NULL_ARGUMENT: i32 = -3;
/// The engine panicked inside this call; the job (if any) is failed, the process is intact.
#[ffi]
pub const AZBS_ERR_PANIC: i32 = -99;

/// A snapshot of a job's counters, cheap enough to read on every poll.
#[ffi]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct AzbsJobProgress {
    /// 0 starting, 1 scanning, 2 transferring, 3 completed, 4 cancelled, 5 failed.
    pub state: u32,
    /// Files seen so far on the source side.
    pub files_scanned: u64,
    /// Files the plan says to transfer, so far.
    pub files_to_transfer: u64,
    pub files_transferred: u64,
    pub files_skipped: u64,
    pub files_failed: u64,
    /// Bytes the plan says to transfer, so far.
    pub bytes_to_transfer: u64,
    pub bytes_transferred: u64,
}

fn guarded<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// The ABI version this library speaks ([`AZBS_ABI_VERSION`]).
#[ffi]
pub fn azbs_abi_version() -> u32 {
    AZBS_ABI_VERSION
}

/// Starts a job from a UTF-8 JSON spec and returns its handle (never 0 on success).
///
/// A spec that cannot be parsed or validated still yields a handle: that job ends at once with a
/// summary whose status is `failed` and whose `error`/`errorId` say what to fix, so the host has
/// one way to learn about every failure. Returns 0 only when `spec_utf8` is null or on panic.
///
/// # Safety
/// `spec_utf8` must point to `spec_len` readable bytes.
#[ffi]
pub unsafe fn azbs_job_start(spec_utf8: *const u8, spec_len: u64) -> u64 {
    if spec_utf8.is_null() {
        return 0;
    }
    guarded(0, || {
        // SAFETY: the caller promises `spec_len` readable bytes at `spec_utf8`.
        let spec = unsafe { std::slice::from_raw_parts(spec_utf8, spec_len as usize) };
        job_table::start(spec)
    })
}

/// Moves as many whole events as fit into `buf` (newline-delimited JSON, UTF-8), writes their
/// byte count to `out_len` and the job's counters to `out_progress` (may be null).
///
/// Waits up to `timeout_ms` for the first event when none is ready, so a host can poll in a loop
/// without spinning. Returns [`AZBS_POLL_RUNNING`], [`AZBS_POLL_FINISHED`] (job over, all events
/// delivered) or a negative `AZBS_ERR_*` code.
///
/// # Safety
/// `buf` must point to `cap` writable bytes; `out_len` must be valid for a write;
/// `out_progress` must be null or valid for a write.
#[ffi]
pub unsafe fn azbs_job_poll(
    job: u64,
    buf: *mut u8,
    cap: u64,
    out_len: *mut u64,
    out_progress: *mut AzbsJobProgress,
    timeout_ms: u32,
) -> i32 {
    if buf.is_null() || out_len.is_null() {
        return AZBS_ERR_NULL_ARGUMENT;
    }
    guarded(AZBS_ERR_PANIC, || {
        // SAFETY: the caller promises `cap` writable bytes at `buf`.
        let out = unsafe { std::slice::from_raw_parts_mut(buf, cap as usize) };
        let polled = job_table::poll(job, out, timeout_ms);
        let (code, written, progress) = match polled {
            Ok(p) => (if p.finished { AZBS_POLL_FINISHED } else { AZBS_POLL_RUNNING }, p.written, Some(p.progress)),
            Err(job_table::PollError::UnknownJob) => (AZBS_ERR_UNKNOWN_JOB, 0, None),
            Err(job_table::PollError::BufferTooSmall { needed }) => (AZBS_ERR_BUFFER_TOO_SMALL, needed, None),
        };
        // SAFETY: checked non-null above; the caller promises they are writable.
        unsafe {
            *out_len = written as u64;
            if let (Some(progress), false) = (progress, out_progress.is_null()) {
                *out_progress = progress;
            }
        }
        code
    })
}

/// Asks a job to stop: nothing new starts, transfers in flight are abandoned (a block blob is
/// only visible once committed, so no partial blob appears). Events keep flowing until the
/// summary, whose status is `cancelled`. Returns 0 or [`AZBS_ERR_UNKNOWN_JOB`].
#[ffi]
pub fn azbs_job_cancel(job: u64) -> i32 {
    guarded(AZBS_ERR_PANIC, || if job_table::cancel(job) { 0 } else { AZBS_ERR_UNKNOWN_JOB })
}

/// Answers a `confirm` event (`{"type":"confirm","id":N,...}`): `approve` 1 lets the action happen,
/// 0 declines it (reported as skipped, reason `declined`). The job waits for the answer, so a host
/// that asks for confirmations must give one (or cancel). Returns 0 or [`AZBS_ERR_UNKNOWN_JOB`].
#[ffi]
pub fn azbs_job_answer(job: u64, request_id: u64, approve: u32) -> i32 {
    guarded(AZBS_ERR_PANIC, || if job_table::answer(job, request_id, approve != 0) { 0 } else { AZBS_ERR_UNKNOWN_JOB })
}

/// Releases a job (cancelling it first if it still runs). The handle is invalid afterwards;
/// freeing it twice returns [`AZBS_ERR_UNKNOWN_JOB`] rather than crashing.
#[ffi]
pub fn azbs_job_free(job: u64) -> i32 {
    guarded(AZBS_ERR_PANIC, || if job_table::free(job) { 0 } else { AZBS_ERR_UNKNOWN_JOB })
}
