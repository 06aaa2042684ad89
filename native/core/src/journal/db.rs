//! The journal database: one SQLite file (WAL, so readers never wait for the writer) holding every
//! job and its files. Only this file knows the schema.

use super::records::{Counts, FailedFile, FileState, JobDetail, JobStatus, JobView, rfc3339};
use crate::error::{EngineError, Result};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::path::Path;

pub const DB_FILE: &str = "journal.db";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs(
    id TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    sign_in TEXT NOT NULL,
    operation TEXT NOT NULL,
    source TEXT NOT NULL,
    destination TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER,
    error_id TEXT,
    error TEXT,
    log_path TEXT,
    -- Files a first attempt skipped (already at the destination): counted, not kept a row each.
    skipped_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files(
    job_id TEXT NOT NULL,
    path TEXT NOT NULL,
    state TEXT NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    bytes INTEGER NOT NULL DEFAULT 0,
    error_id TEXT,
    error TEXT,
    attempt INTEGER NOT NULL,
    PRIMARY KEY(job_id, path)
) WITHOUT ROWID;
";

pub(crate) fn sql_err(e: rusqlite::Error) -> EngineError {
    EngineError::JournalUnavailable(e.to_string())
}

/// Opens (creating) the database in `dir`, which [`super::location::ensure`] made.
pub fn open(dir: &Path) -> Result<Connection> {
    let path = dir.join(DB_FILE);
    let conn = Connection::open(&path).map_err(sql_err)?;
    // SQLite gives the -wal and -shm files the database file's permissions.
    super::location::restrict(&path, 0o600)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(sql_err)?;
    conn.execute_batch("PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;").map_err(sql_err)?;
    conn.execute_batch(SCHEMA).map_err(sql_err)?;
    // A journal written before skipped files were counted gains the column.
    let counted: i64 = conn.query_row("SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name='skipped_count'", [], |r| r.get(0)).map_err(sql_err)?;
    if counted == 0 {
        conn.execute_batch("ALTER TABLE jobs ADD COLUMN skipped_count INTEGER NOT NULL DEFAULT 0").map_err(sql_err)?;
    }
    Ok(conn)
}

/// What a job's row starts with.
pub struct NewJob<'a> {
    pub id: &'a str,
    pub spec: &'a str,
    pub sign_in: &'a str,
    pub operation: &'a str,
    pub source: &'a str,
    pub destination: &'a str,
    pub start_ms: i64,
    pub log_path: &'a str,
}

/// Records a job as Running; a job already there (a resume) gets its next attempt. Returns the
/// attempt number (1 for a new job).
pub fn begin(conn: &Connection, job: &NewJob) -> Result<u32> {
    let attempt: Option<u32> = conn.query_row("SELECT attempt FROM jobs WHERE id=?1", [job.id], |r| r.get(0)).optional().map_err(sql_err)?;
    match attempt {
        Some(previous) => {
            conn.execute(
                // A later attempt keeps a row for each file it skips (it may overwrite an
                // earlier attempt's row), so the first attempt's count is let go.
                "UPDATE jobs SET status='Running', attempt=?2, end_ms=NULL, error_id=NULL, error=NULL, skipped_count=0 WHERE id=?1",
                params![job.id, previous + 1],
            )
            .map_err(sql_err)?;
            Ok(previous + 1)
        }
        None => {
            conn.execute(
                "INSERT INTO jobs(id,spec,sign_in,operation,source,destination,status,attempt,start_ms,log_path) VALUES(?1,?2,?3,?4,?5,?6,'Running',1,?7,?8)",
                params![job.id, job.spec, job.sign_in, job.operation, job.source, job.destination, job.start_ms, job.log_path],
            )
            .map_err(sql_err)?;
            Ok(1)
        }
    }
}

pub fn end(conn: &Connection, id: &str, status: JobStatus, end_ms: i64, error_id: Option<&str>, error: Option<&str>) -> rusqlite::Result<()> {
    conn.execute("UPDATE jobs SET status=?2, end_ms=?3, error_id=?4, error=?5 WHERE id=?1", params![id, status.as_str(), end_ms, error_id, error])?;
    Ok(())
}

pub fn planned(conn: &Connection, id: &str, path: &str, size: u64, mtime_ns: i64, attempt: u32) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO files(job_id,path,state,size,mtime_ns,attempt) VALUES(?1,?2,'planned',?3,?4,?5)
         ON CONFLICT(job_id,path) DO UPDATE SET state='planned', size=excluded.size, mtime_ns=excluded.mtime_ns, attempt=excluded.attempt, error_id=NULL, error=NULL",
    )?
    .execute(params![id, path, size as i64, mtime_ns, attempt])?;
    Ok(())
}

pub struct Finished<'a> {
    pub path: &'a str,
    pub state: FileState,
    pub bytes: u64,
    pub error_id: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// `n` more files skipped by a first attempt.
pub fn skipped(conn: &Connection, id: &str, n: u64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE jobs SET skipped_count = skipped_count + ?2 WHERE id=?1")?.execute(params![id, n as i64])?;
    Ok(())
}

pub fn finished(conn: &Connection, id: &str, f: &Finished, attempt: u32) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO files(job_id,path,state,bytes,error_id,error,attempt) VALUES(?1,?2,?3,?4,?5,?6,?7)
         ON CONFLICT(job_id,path) DO UPDATE SET state=excluded.state, bytes=excluded.bytes, error_id=excluded.error_id, error=excluded.error, attempt=excluded.attempt",
    )?
    .execute(params![id, f.path, f.state.as_str(), f.bytes as i64, f.error_id, f.error, attempt])?;
    Ok(())
}

/// Files a job finished, with the size and modified time their source had then.
pub fn done_files(conn: &Connection, id: &str) -> Result<HashMap<String, (u64, i64)>> {
    let mut stmt = conn.prepare("SELECT path,size,mtime_ns FROM files WHERE job_id=?1 AND state='done' AND size IS NOT NULL").map_err(sql_err)?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)?)))).map_err(sql_err)?;
    rows.collect::<rusqlite::Result<_>>().map_err(sql_err)
}

/// The recorded (redacted) spec and sign-in reference of a job.
pub fn recorded_spec(conn: &Connection, id: &str) -> Result<Option<(String, String)>> {
    conn.query_row("SELECT spec, sign_in FROM jobs WHERE id=?1", [id], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(sql_err)
}

/// Every job, newest first, its status as of now (`alive` says whether a process runs it).
pub fn list(conn: &Connection, alive: &dyn Fn(&str) -> bool) -> Result<Vec<JobView>> {
    let counts = all_counts(conn)?;
    let mut stmt = conn
        .prepare("SELECT id,status,attempt,operation,source,destination,start_ms,end_ms,error_id,error,log_path,sign_in,skipped_count FROM jobs ORDER BY start_ms DESC, id")
        .map_err(sql_err)?;
    let rows = stmt
        .query_map([], |r| {
            let id: String = r.get(0)?;
            let recorded = JobStatus::parse(&r.get::<_, String>(1)?).unwrap_or(JobStatus::Failed);
            let status = if recorded == JobStatus::Running && !alive(&id) { JobStatus::Interrupted } else { recorded };
            let mut counts = counts.get(&id).copied().unwrap_or_default();
            counts.files_skipped += r.get::<_, i64>(12)? as u64;
            Ok(JobView {
                counts,
                job_id: id,
                status,
                resumable: status.resumable(),
                attempt: r.get(2)?,
                operation: r.get(3)?,
                source: r.get(4)?,
                destination: r.get(5)?,
                start_time: rfc3339(r.get(6)?),
                end_time: r.get::<_, Option<i64>>(7)?.map(rfc3339),
                error_id: r.get(8)?,
                error: r.get(9)?,
                log_path: r.get(10)?,
                sign_in: serde_json::from_str(&r.get::<_, String>(11)?).unwrap_or_default(),
            })
        })
        .map_err(sql_err)?;
    rows.collect::<rusqlite::Result<_>>().map_err(sql_err)
}

fn all_counts(conn: &Connection) -> Result<HashMap<String, Counts>> {
    let mut stmt = conn.prepare("SELECT job_id, state, COUNT(*), SUM(bytes) FROM files GROUP BY job_id, state").map_err(sql_err)?;
    let mut out: HashMap<String, Counts> = HashMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)? as u64, r.get::<_, Option<i64>>(3)?))).map_err(sql_err)?;
    for row in rows {
        let (id, state, n, bytes) = row.map_err(sql_err)?;
        let c = out.entry(id).or_default();
        match state.as_str() {
            "done" => {
                c.files_transferred += n;
                c.bytes_transferred += bytes.unwrap_or(0) as u64;
            }
            "skipped" => c.files_skipped += n,
            "failed" => c.files_failed += n,
            "deleted" => c.files_deleted += n,
            _ => c.files_pending += n,
        }
    }
    Ok(out)
}

pub fn show(conn: &Connection, id: &str, alive: &dyn Fn(&str) -> bool) -> Result<Option<JobDetail>> {
    let Some(job) = list(conn, alive)?.into_iter().find(|j| j.job_id == id) else { return Ok(None) };
    let mut stmt = conn.prepare("SELECT path,error_id,error FROM files WHERE job_id=?1 AND state='failed' ORDER BY path").map_err(sql_err)?;
    let failed_files = stmt
        .query_map([id], |r| Ok(FailedFile { path: r.get(0)?, error_id: r.get(1)?, error: r.get(2)? }))
        .map_err(sql_err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(sql_err)?;
    let sign_in_reference = recorded_spec(conn, id)?
        .and_then(|(spec, _)| serde_json::from_str::<serde_json::Value>(&spec).ok())
        .and_then(|spec| spec.get("signInReference").cloned())
        .filter(|reference| !reference.is_null());
    Ok(Some(JobDetail { job, failed_files, sign_in_reference }))
}

/// Row counts per job (to estimate what a job costs the folder).
pub fn file_rows(conn: &Connection) -> Result<HashMap<String, u64>> {
    let mut stmt = conn.prepare("SELECT job_id, COUNT(*) FROM files GROUP BY job_id").map_err(sql_err)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))).map_err(sql_err)?;
    rows.collect::<rusqlite::Result<_>>().map_err(sql_err)
}

/// Deletes a job's rows (its log is the caller's).
pub fn remove(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM files WHERE job_id=?1", [id]).map_err(sql_err)?;
    conn.execute("DELETE FROM jobs WHERE id=?1", [id]).map_err(sql_err)?;
    Ok(())
}

/// Gives freed pages back to the file system after removals.
pub fn shrink(conn: &Connection) {
    let _ = conn.execute_batch("PRAGMA incremental_vacuum;");
}
