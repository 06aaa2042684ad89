//! What the journal holds, as hosts see it: a job's row (with its status as of now) and its files.

use serde::{Deserialize, Serialize};

/// A job's status. `Interrupted` is never written: it is a `Running` job whose process is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    Running,
    Completed,
    CompletedWithErrors,
    Failed,
    Cancelled,
    Interrupted,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "Running",
            Self::Completed => "Completed",
            Self::CompletedWithErrors => "CompletedWithErrors",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
            Self::Interrupted => "Interrupted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Running, Self::Completed, Self::CompletedWithErrors, Self::Failed, Self::Cancelled, Self::Interrupted]
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// Whether `jobs resume` can take it up (a completed job has nothing left to do).
    pub fn resumable(self) -> bool {
        matches!(self, Self::Interrupted | Self::Cancelled | Self::Failed | Self::CompletedWithErrors)
    }

    pub fn from_engine(status: crate::job::events::JobStatus) -> Self {
        use crate::job::events::JobStatus as E;
        match status {
            E::Completed => Self::Completed,
            E::CompletedWithErrors => Self::CompletedWithErrors,
            E::Failed => Self::Failed,
            E::Cancelled => Self::Cancelled,
        }
    }
}

/// One file's state in a job, as the plan and the transfers move it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Picked by the plan for a transfer, not finished yet.
    Planned,
    Done,
    Failed,
    Skipped,
    Deleted,
}

impl FileState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Deleted => "deleted",
        }
    }
}

/// File counts of a job, summed over its attempts (read from the files' states).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub files_transferred: u64,
    pub files_skipped: u64,
    pub files_failed: u64,
    pub files_deleted: u64,
    /// Planned but not finished (an interrupted or cancelled job's remainder).
    pub files_pending: u64,
    pub bytes_transferred: u64,
}

/// One job as `jobs list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub job_id: String,
    pub status: JobStatus,
    pub resumable: bool,
    pub attempt: u32,
    pub operation: String,
    /// Both ends, SAS query removed.
    pub source: String,
    pub destination: String,
    /// RFC 3339.
    pub start_time: String,
    pub end_time: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
    pub error_id: Option<String>,
    pub error: Option<String>,
    pub log_path: Option<String>,
    /// How to sign in again on resume (never a secret).
    pub sign_in: serde_json::Value,
}

/// A failed file, as `jobs show` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedFile {
    pub path: String,
    pub error_id: Option<String>,
    pub error: Option<String>,
}

/// One job with its failed files (`jobs show`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobDetail {
    #[serde(flatten)]
    pub job: JobView,
    pub failed_files: Vec<FailedFile>,
    /// Where the host found the job's sign-in (e.g. a vault and secret name), as it recorded it;
    /// never a secret. A host resumes by fetching the same secret again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_reference: Option<serde_json::Value>,
}

/// Milliseconds since the Unix epoch as RFC 3339 (UTC).
pub fn rfc3339(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A file time as nanoseconds since the epoch (negative before it), the journal's form.
pub fn time_ns(t: std::time::SystemTime) -> i64 {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i64,
        Err(e) => -(e.duration().as_nanos() as i64),
    }
}
