//! What a job reports: one event per file, then one summary. The same JSON is the CLI's
//! `--output-type json` line and the C ABI's wire format.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Upload,
    Download,
    /// Container to container, server-side.
    Copy,
    Delete,
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FileStatus {
    Success,
    Skipped,
    Failed,
    /// Dry run: what a real run would have done, nothing written.
    WhatIf,
    /// The job was cancelled before this file finished.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEvent {
    /// Path relative to the source folder, with '/' separators.
    pub path: String,
    /// Full blob name in the container.
    pub blob: String,
    pub action: Action,
    pub status: FileStatus,
    /// Why the plan chose this action ("missing", "sizeChanged", "newer", "unchanged"...).
    pub reason: &'static str,
    pub bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_md5: Option<String>,
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<&'static str>,
    /// The file moved, but something deserves attention (e.g. an MD5 mismatch with `LogOnly`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Set when this file's failure dooms the whole job (bad credentials, container gone), or would
    /// when repeated (an unreachable service: see `tally`).
    #[serde(skip)]
    pub fatal: Option<crate::error::EngineError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum JobStatus {
    Completed,
    CompletedWithErrors,
    Cancelled,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub job_id: String,
    pub status: JobStatus,
    pub dry_run: bool,
    pub files_transferred: u64,
    pub files_skipped: u64,
    pub files_failed: u64,
    pub files_deleted: u64,
    /// A resumed job's files that an earlier attempt had finished (not counted as skipped).
    pub files_done_before: u64,
    pub bytes_transferred: u64,
    /// Names where source and destination differ (what a real run would change); for `check`.
    pub differences: u64,
    pub elapsed_seconds: f64,
    /// Why the whole job failed (None when it ran to the end).
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<&'static str>,
    /// The job's log (JSON lines), when it keeps one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_path: Option<String>,
    /// Which run of the job this was (2 for its first resume); with a journal only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
}

/// The job waits until the host answers this (through `azbs_job_answer` / [`crate::job::Answers`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmRequest {
    pub id: u64,
    pub action: Action,
    pub path: String,
    pub blob: String,
    pub reason: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    File(FileEvent),
    /// Asks the host to approve one action (only when the spec asks for confirmations).
    Confirm(ConfirmRequest),
    Summary(Summary),
}

impl FileEvent {
    pub fn new(path: String, blob: String, action: Action, status: FileStatus, reason: &'static str, bytes: u64) -> Self {
        Self { path, blob, action, status, reason, bytes, content_md5: None, error: None, error_id: None, warning: None, fatal: None }
    }

    /// A file that failed (or was cancelled) with `e`; marks it fatal when `e` dooms the job.
    pub fn failed(path: String, blob: String, action: Action, reason: &'static str, e: &crate::error::EngineError) -> Self {
        let status = if *e == crate::error::EngineError::Cancelled { FileStatus::Cancelled } else { FileStatus::Failed };
        Self {
            error: Some(e.to_string()),
            error_id: Some(e.error_id()),
            fatal: (e.is_fatal_for_job() || e.dooms_job_when_repeated()).then(|| e.clone()),
            ..Self::new(path, blob, action, status, reason, 0)
        }
    }
}

impl Event {
    /// One JSON object and a newline.
    pub fn to_json_line(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).expect("events contain only serializable data");
        line.push(b'\n');
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_event_json_has_the_documented_fields() {
        let e = Event::File(FileEvent {
            path: "a b/c#%.txt".into(),
            blob: "pre/a b/c#%.txt".into(),
            action: Action::Upload,
            status: FileStatus::Success,
            reason: "missing",
            bytes: 3,
            content_md5: None,
            error: None,
            error_id: None,
            warning: None,
            fatal: None,
        });
        let v: serde_json::Value = serde_json::from_slice(&e.to_json_line()).unwrap();
        assert_eq!(v["type"], "file");
        assert_eq!(v["path"], "a b/c#%.txt");
        assert_eq!(v["action"], "upload");
        assert_eq!(v["status"], "success");
        assert_eq!(v["bytes"], 3);
        assert!(v["error"].is_null());
    }

    #[test]
    fn summary_json_has_the_documented_fields() {
        let e = Event::Summary(Summary {
            job_id: "j".into(),
            status: JobStatus::CompletedWithErrors,
            dry_run: false,
            files_transferred: 1,
            files_skipped: 2,
            files_failed: 3,
            files_deleted: 0,
            files_done_before: 0,
            bytes_transferred: 4,
            differences: 0,
            elapsed_seconds: 0.5,
            error: None,
            error_id: None,
            log_path: Some("/j/logs/j.jsonl".into()),
            attempt: Some(1),
        });
        let v: serde_json::Value = serde_json::from_slice(&e.to_json_line()).unwrap();
        assert_eq!(v["type"], "summary");
        assert_eq!(v["logPath"], "/j/logs/j.jsonl");
        assert_eq!(v["status"], "completedWithErrors");
        for k in ["filesTransferred", "filesSkipped", "filesFailed", "bytesTransferred", "elapsedSeconds", "jobId"] {
            assert!(v.get(k).is_some(), "{k}");
        }
    }
}
