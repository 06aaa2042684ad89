//! The job journal: every job that writes is recorded in an embedded SQLite database in the jobs
//! folder ([`location`]): its spec without secrets ([`spec_record`]), its status and times, and
//! each file's state as the plan and the transfers move it on, so a job whose process died can be
//! shown as interrupted ([`liveness`]) and resumed ([`resume`]). Writes go through one batching
//! thread ([`writer`]); the job log ([`log`]) rides along. Old jobs are pruned at each start ([`prune`]).
//!
//! Large files: the journal does not record staged parts. A resumed upload finds them through the
//! store (`start_multipart` with a block-id prefix derived from the file, then `staged_parts`), so
//! the service's own record is the truth and nothing can disagree with it.

pub mod db;
pub mod hosts;
pub mod liveness;
pub mod location;
pub mod log;
pub mod prune;
pub mod records;
pub mod resume;
pub mod spec_record;
pub mod writer;

#[cfg(test)]
mod tests;

use crate::error::{EngineError, Result};
use crate::job::events::{Action, FileEvent, FileStatus};
use crate::spec::JobSpec;
use records::{FileState, JobStatus, now_ms, time_ns};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use writer::{Record, Writer};

/// Skipped files counted before their count goes to the writer.
const SKIPPED_PER_RECORD: u64 = 512;

/// The reason a resumed job reports a file it had finished before.
pub const DONE_BEFORE: &str = "doneBefore";

/// One running job's journal.
pub struct JobJournal {
    writer: Writer,
    _lock: liveness::RunningLock,
    job_id: String,
    pub attempt: u32,
    pub log_path: PathBuf,
    log_level: log::LogLevel,
    /// Files an earlier attempt finished, with their source's size and time then.
    done_before: HashMap<String, (u64, i64)>,
    /// Files planned for a transfer and not yet finished: they have a row to update.
    in_flight: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Skipped files counted but not yet sent to the writer (sent in hundreds, not one by one).
    skipped_unsent: std::sync::atomic::AtomicU64,
}

impl JobJournal {
    /// Records the job as running. `None` when the spec turns the journal off, or writes nothing.
    pub fn start(spec: &JobSpec, job_id: &str) -> Result<Option<Self>> {
        if spec.no_journal || spec.writes_nothing() {
            return Ok(None);
        }
        let dir = location::resolve(spec.job_dir.as_deref())?;
        location::ensure(&dir)?;
        let conn = db::open(&dir)?;
        hosts::prune_now(&dir, &conn);
        let lock = liveness::RunningLock::take(&dir, job_id)?.ok_or_else(|| EngineError::JobRunning(job_id.into()))?;
        let resuming = spec.resume_job_id.is_some();
        if !resuming {
            // A host that names its jobs (a nightly "backup") starts the name over each run.
            db::remove(&conn, job_id)?;
        }
        let (recorded, reference) = spec_record::record(spec);
        let text = |field: &str| recorded.get(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let log_path = log::log_path(&dir, job_id);
        let operation = recorded.get("operation").and_then(|v| v.as_str()).unwrap_or("sync").to_string();
        let attempt = db::begin(
            &conn,
            &db::NewJob {
                id: job_id,
                spec: &recorded.to_string(),
                sign_in: &reference.to_string(),
                operation: &operation,
                source: &text("source"),
                destination: &text("destination"),
                start_ms: now_ms(),
                log_path: &log_path.to_string_lossy(),
            },
        )?;
        let done_before = if resuming { db::done_files(&conn, job_id)? } else { HashMap::new() };
        let log = open_log(&log_path);
        let writer = Writer::spawn(writer::Target { conn, job_id: job_id.into(), attempt, log, log_level: spec.log_level.unwrap_or_default() });
        let journal = Self { writer, _lock: lock, job_id: job_id.into(), attempt, log_path, log_level: spec.log_level.unwrap_or_default(), done_before, in_flight: Default::default(), skipped_unsent: Default::default() };
        let message = if resuming { "job resumed" } else { "job started" };
        let extra = serde_json::json!({ "attempt": attempt, "operation": operation, "source": text("source"), "destination": text("destination"), "doneBefore": journal.done_before.len() });
        journal.writer.send(Record::Log(log::job_line(log::LogLevel::Info, job_id, message, extra)));
        Ok(Some(journal))
    }

    /// Whether an earlier attempt finished this file from a source of the same size and time.
    pub fn done_before(&self, path: &str, size: u64, modified: SystemTime) -> bool {
        self.done_before.get(path).is_some_and(|&(s, t)| s == size && t == time_ns(modified))
    }

    /// The plan picked this file for a transfer.
    pub fn planned(&self, path: &str, size: u64, modified: SystemTime) {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner()).insert(path.to_string());
        self.writer.send(Record::Planned { path: path.into(), size, mtime_ns: time_ns(modified) });
    }

    /// A file finished (or was skipped, or failed).
    pub fn file(&self, ev: &FileEvent) {
        // Not even formatted when the log does not want it (a no-op re-sync skips every file).
        if log::wanted(log::file_level(ev), self.log_level) {
            self.writer.send(Record::Log(log::file_line(&self.job_id, ev)));
        }
        let had_a_row = self.in_flight.lock().unwrap_or_else(|p| p.into_inner()).remove(&ev.path) || self.attempt > 1;
        let state = match (ev.status, ev.action) {
            // Its row already says done; a cancelled file stays planned (unfinished).
            (FileStatus::Skipped, _) if ev.reason == DONE_BEFORE => return,
            (FileStatus::Cancelled | FileStatus::WhatIf, _) => return,
            // A file with no row (a first attempt's, never planned) is only counted.
            (FileStatus::Skipped, _) if !had_a_row => {
                use std::sync::atomic::Ordering::Relaxed;
                if self.skipped_unsent.fetch_add(1, Relaxed) + 1 >= SKIPPED_PER_RECORD {
                    self.send_skipped();
                }
                return;
            }
            (FileStatus::Success, Action::Delete) => FileState::Deleted,
            (FileStatus::Success, _) => FileState::Done,
            (FileStatus::Failed, _) => FileState::Failed,
            (FileStatus::Skipped, _) => FileState::Skipped,
        };
        let error = ev.error.as_deref().map(crate::spec::redaction::redact);
        self.writer.send(Record::Finished { path: ev.path.clone(), state, bytes: ev.bytes, error_id: ev.error_id, error });
    }

    fn send_skipped(&self) {
        let n = self.skipped_unsent.swap(0, std::sync::atomic::Ordering::Relaxed);
        if n > 0 {
            self.writer.send(Record::Skipped(n));
        }
    }

    /// Waits until everything recorded so far is committed.
    pub fn flush(&self) {
        self.send_skipped();
        self.writer.flush();
    }

    /// Records the end and waits until everything is on disk.
    pub fn finish(self, status: crate::job::events::JobStatus, error: Option<&EngineError>, summary_line: serde_json::Value) {
        self.send_skipped();
        let status = JobStatus::from_engine(status);
        let error_text = error.map(|e| crate::spec::redaction::redact(&e.to_string()));
        let level = if error.is_some() { log::LogLevel::Error } else { log::LogLevel::Info };
        self.writer.send(Record::Log(log::job_line(level, &self.job_id, &format!("job ended: {}", status.as_str()), summary_line)));
        self.writer.send(Record::End { status, end_ms: now_ms(), error_id: error.map(EngineError::error_id), error: error_text });
        self.writer.flush();
    }
}

fn open_log(path: &Path) -> Option<std::fs::File> {
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path).ok()?;
    location::restrict(path, 0o600).ok()?;
    Some(file)
}
