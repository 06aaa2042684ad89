//! What a host asks of the journal outside a job: list, show, remove. The CLI's `jobs` commands
//! call the functions; the C ABI's `azbs_jobs` sends the same questions as JSON ([`answer_json`])
//! and gets the same shapes back.

use super::records::{JobDetail, JobStatus, JobView, now_ms};
use super::{db, liveness, location, log, prune};
use crate::error::{EngineError, Result};
use std::path::{Path, PathBuf};

fn open_existing(dir: Option<&str>) -> Result<Option<(PathBuf, rusqlite::Connection)>> {
    let dir = location::resolve(dir)?;
    if !dir.join(db::DB_FILE).exists() {
        return Ok(None);
    }
    let conn = db::open(&dir)?;
    Ok(Some((dir, conn)))
}

/// Every recorded job, newest first.
pub fn jobs_list(dir: Option<&str>) -> Result<Vec<JobView>> {
    let Some((dir, conn)) = open_existing(dir)? else { return Ok(Vec::new()) };
    db::list(&conn, &|id| liveness::is_alive(&dir, id))
}

/// One job with its failed files.
pub fn job_show(dir: Option<&str>, id: &str) -> Result<JobDetail> {
    let (dir, conn) = open_existing(dir)?.ok_or_else(|| EngineError::JobNotFound(id.into()))?;
    db::show(&conn, id, &|id| liveness::is_alive(&dir, id))?.ok_or_else(|| EngineError::JobNotFound(id.into()))
}

/// Which jobs `jobs rm` removes: one id, or every job matching all the conditions given.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub id: Option<String>,
    /// Started before this time (milliseconds since the epoch).
    pub before_ms: Option<i64>,
    /// Any of these statuses (empty: any status).
    pub statuses: Vec<JobStatus>,
}

/// Removes the selected jobs and their logs; returns their ids. A running job is never removed
/// (named by id, it is an error).
pub fn job_remove(dir: Option<&str>, selection: &Selection) -> Result<Vec<String>> {
    let not_found = |id: &str| EngineError::JobNotFound(id.into());
    let Some((dir, conn)) = open_existing(dir)? else {
        return match &selection.id {
            Some(id) => Err(not_found(id)),
            None => Ok(Vec::new()),
        };
    };
    let jobs = db::list(&conn, &|id| liveness::is_alive(&dir, id))?;
    if let Some(id) = &selection.id {
        let job = jobs.iter().find(|j| &j.job_id == id).ok_or_else(|| not_found(id))?;
        if job.status == JobStatus::Running {
            return Err(EngineError::JobRunning(id.clone()));
        }
    }
    let chosen: Vec<String> = jobs
        .iter()
        .filter(|j| j.status != JobStatus::Running)
        .filter(|j| selection.id.as_ref().is_none_or(|id| id == &j.job_id))
        .filter(|j| selection.statuses.is_empty() || selection.statuses.contains(&j.status))
        .filter(|j| selection.before_ms.is_none_or(|before| parse_ms(&j.start_time).is_some_and(|t| t < before)))
        .map(|j| j.job_id.clone())
        .collect();
    for id in &chosen {
        remove_one(&dir, &conn, id)?;
    }
    db::shrink(&conn);
    Ok(chosen)
}

fn remove_one(dir: &Path, conn: &rusqlite::Connection, id: &str) -> Result<()> {
    db::remove(conn, id)?;
    let _ = std::fs::remove_file(log::log_path(dir, id));
    Ok(())
}

/// `--older-than` / `olderThan`: an RFC 3339 time, or an age counted back from now (`7d`, `12h`),
/// as milliseconds since the epoch.
pub fn older_than_ms(text: &str) -> Result<i64> {
    if let Some(ms) = parse_ms(text.trim()) {
        return Ok(ms);
    }
    let age = humantime::parse_duration(text.trim())
        .map_err(|_| EngineError::InvalidSpec(format!("older than '{text}': neither an ISO 8601 time nor a duration like 7d")))?;
    Ok(now_ms() - age.as_millis() as i64)
}

/// A status by name (any case), or `InvalidSpec` naming the ones there are.
pub fn parse_status(text: &str) -> Result<JobStatus> {
    JobStatus::parse(text).ok_or_else(|| {
        EngineError::InvalidSpec(format!("'{text}' is not a job status (Running, Completed, CompletedWithErrors, Failed, Cancelled, Interrupted)"))
    })
}

/// A host's question as JSON (the C ABI's `azbs_jobs`), answered as JSON, never a secret:
///
/// - `{"op":"list","jobDir"?,"status"?}` → `{"ok":true,"jobs":[JobView...]}` (newest first; `status`
///   a name or an array of names keeps only those)
/// - `{"op":"show","jobDir"?,"jobId"}` → `{"ok":true,"job":JobDetail}`
/// - `{"op":"remove","jobDir"?,"jobId"?,"status"?,"olderThan"?}` → `{"ok":true,"removed":[ids]}`
///   (`olderThan` an RFC 3339 time or an age such as `7d`; at least one of the three)
///
/// and any failure as `{"ok":false,"errorId","category","message"}` (`JobNotFound`, `JobRunning`,
/// `JournalUnavailable`, `InvalidSpec` for a malformed question).
pub fn answer_json(request: &[u8]) -> String {
    match answer(request) {
        Ok(answer) => answer.to_string(),
        Err(e) => {
            let id = e.id();
            serde_json::json!({
                "ok": false,
                "errorId": id.as_str(),
                "category": id.category().as_str(),
                "message": crate::spec::redaction::redact(&e.to_string()),
            })
            .to_string()
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Request {
    op: String,
    #[serde(default)]
    job_dir: Option<String>,
    #[serde(default)]
    job_id: Option<String>,
    #[serde(default)]
    status: Option<serde_json::Value>,
    #[serde(default)]
    older_than: Option<String>,
}

fn answer(request: &[u8]) -> Result<serde_json::Value> {
    use serde_json::{Value, json};
    let r: Request = serde_json::from_slice(request).map_err(|e| EngineError::InvalidSpec(format!("jobs request: {e}")))?;
    let dir = r.job_dir.as_deref().filter(|d| !d.trim().is_empty());
    let statuses: Vec<JobStatus> = match &r.status {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![parse_status(s)?],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().ok_or_else(|| EngineError::InvalidSpec("jobs request: status must be names".into())).and_then(parse_status))
            .collect::<Result<_>>()?,
        Some(_) => return Err(EngineError::InvalidSpec("jobs request: status must be a name or an array of names".into())),
    };
    match r.op.as_str() {
        "list" => {
            let jobs: Vec<JobView> = jobs_list(dir)?.into_iter().filter(|j| statuses.is_empty() || statuses.contains(&j.status)).collect();
            Ok(json!({ "ok": true, "jobs": jobs }))
        }
        "show" => {
            let id = r.job_id.as_deref().ok_or_else(|| EngineError::InvalidSpec("jobs request: show needs jobId".into()))?;
            Ok(json!({ "ok": true, "job": job_show(dir, id)? }))
        }
        "remove" => {
            if r.job_id.is_none() && r.older_than.is_none() && statuses.is_empty() {
                return Err(EngineError::InvalidSpec("removing jobs needs a job id, an age (olderThan) or a status".into()));
            }
            let before_ms = r.older_than.as_deref().map(older_than_ms).transpose()?;
            let removed = job_remove(dir, &Selection { id: r.job_id, before_ms, statuses })?;
            Ok(json!({ "ok": true, "removed": removed }))
        }
        other => Err(EngineError::InvalidSpec(format!("jobs request: unknown op '{other}' (list, show, remove)"))),
    }
}

fn parse_ms(rfc3339: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Prunes finished and interrupted jobs by age, then by size (see [`prune`]); `now_ms` is the
/// clock (a fake one in tests). Returns the ids removed.
pub fn prune_jobs(dir: &Path, conn: &rusqlite::Connection, now_ms: i64, policy: prune::Policy) -> Result<Vec<String>> {
    let rows = db::file_rows(conn)?;
    let jobs = db::list(conn, &|id| liveness::is_alive(dir, id))?;
    let entries: Vec<prune::Entry> = jobs
        .iter()
        .map(|j| {
            let log_bytes = std::fs::metadata(log::log_path(dir, &j.job_id)).map(|m| m.len()).unwrap_or(0);
            prune::Entry {
                id: j.job_id.clone(),
                last_ms: j.end_time.as_deref().or(Some(&j.start_time)).and_then(parse_ms).unwrap_or(0),
                bytes: log_bytes + rows.get(&j.job_id).copied().unwrap_or(0) * prune::BYTES_PER_FILE_ROW,
                removable: j.status != JobStatus::Running,
            }
        })
        .collect();
    let chosen = prune::choose(&entries, now_ms, policy);
    for id in &chosen {
        remove_one(dir, conn, id)?;
    }
    if !chosen.is_empty() {
        db::shrink(conn);
    }
    Ok(chosen)
}

/// [`prune_jobs`] with the real clock and the default policy.
pub fn prune_now(dir: &Path, conn: &rusqlite::Connection) {
    if let Err(e) = prune_jobs(dir, conn, now_ms(), prune::Policy::default()) {
        tracing::warn!("pruning old jobs failed: {e}");
    }
}
