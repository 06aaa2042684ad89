//! The job's log: one JSON object per line in `logs/<job id>.jsonl` beside the journal, at the
//! level the host asks (AzCopy's `--log-level`). Every text passes the SAS redaction first.

use crate::job::events::{Action, FileEvent, FileStatus};
use crate::spec::redaction::redact;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const LOG_FOLDER: &str = "logs";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum LogLevel {
    Debug,
    #[default]
    Info,
    Warning,
    Error,
    None,
}

impl LogLevel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "DEBUG",
            Self::Info => "INFO",
            Self::Warning => "WARNING",
            Self::Error => "ERROR",
            Self::None => "NONE",
        }
    }
}

pub fn log_path(dir: &Path, job_id: &str) -> PathBuf {
    dir.join(LOG_FOLDER).join(format!("{job_id}.jsonl"))
}

/// One log line, at its level (not yet filtered).
pub struct LogLine {
    pub level: LogLevel,
    pub line: String,
}

/// A line about the job as a whole.
pub fn job_line(level: LogLevel, job_id: &str, message: &str, extra: serde_json::Value) -> LogLine {
    let mut v = serde_json::json!({ "time": super::records::rfc3339(super::records::now_ms()), "level": level.as_str(), "jobId": job_id, "msg": redact(message) });
    if let (Some(obj), serde_json::Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    LogLine { level, line: v.to_string() }
}

/// A file's level: failures are errors, warnings warnings, transfers info and skips debug.
pub fn file_level(ev: &FileEvent) -> LogLevel {
    match ev.status {
        FileStatus::Failed => LogLevel::Error,
        _ if ev.warning.is_some() => LogLevel::Warning,
        FileStatus::Skipped | FileStatus::Cancelled | FileStatus::WhatIf => LogLevel::Debug,
        FileStatus::Success => LogLevel::Info,
    }
}

/// Whether a line at `level` goes into a log kept at `kept`.
pub fn wanted(level: LogLevel, kept: LogLevel) -> bool {
    kept != LogLevel::None && level >= kept
}

/// A line about one finished file.
pub fn file_line(job_id: &str, ev: &FileEvent) -> LogLine {
    let level = file_level(ev);
    let what = match (ev.status, ev.action) {
        (FileStatus::Failed, _) => "failed",
        (FileStatus::Skipped, _) => "skipped",
        (FileStatus::Cancelled, _) => "cancelled",
        (_, Action::Delete) => "deleted",
        (_, Action::Download) => "downloaded",
        (_, Action::Copy) => "copied",
        _ => "uploaded",
    };
    job_line(
        level,
        job_id,
        what,
        serde_json::json!({
            "path": ev.path,
            "blob": redact(&ev.blob),
            "reason": ev.reason,
            "bytes": ev.bytes,
            "errorId": ev.error_id,
            "error": ev.error.as_deref().map(redact),
            "warning": ev.warning.as_deref().map(redact),
        }),
    )
}
