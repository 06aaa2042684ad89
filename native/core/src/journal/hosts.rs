//! What a host asks of the journal outside a job: list, show, remove (the CLI's `jobs` commands;
//! the C ABI's `jobs_list`, `job_show`, `job_remove` take the same arguments and return the same JSON).

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
    pub status: Option<JobStatus>,
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
        .filter(|j| selection.status.is_none_or(|s| s == j.status))
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
