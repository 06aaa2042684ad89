//! The journal's one writer: a thread that takes records over a channel and commits them in
//! batches (every [`BATCH_RECORDS`] records or [`BATCH_INTERVAL`]), so a job of many small files
//! pays one transaction per batch, not one per file. Dropping the writer flushes what is queued.

use super::db::{self, Finished};
use super::log::{LogLevel, LogLine};
use super::records::FileState;
use rusqlite::Connection;
use std::io::Write;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const BATCH_RECORDS: usize = 512;
pub const BATCH_INTERVAL: Duration = Duration::from_millis(250);

pub enum Record {
    Planned { path: String, size: u64, mtime_ns: i64 },
    Finished { path: String, state: FileState, bytes: u64, error_id: Option<&'static str>, error: Option<String> },
    /// Files a first attempt skipped: only counted (a no-op run of many files writes no row each).
    Skipped(u64),
    Log(LogLine),
    /// The job's end: its status and why it failed.
    End { status: super::records::JobStatus, end_ms: i64, error_id: Option<&'static str>, error: Option<String> },
    /// Commit now (tests, and the end of a job).
    Flush(mpsc::Sender<()>),
}

pub struct Writer {
    tx: Option<mpsc::Sender<Record>>,
    thread: Option<JoinHandle<()>>,
}

/// What the thread needs: the connection, the job, its log.
pub struct Target {
    pub conn: Connection,
    pub job_id: String,
    pub attempt: u32,
    pub log: Option<std::fs::File>,
    pub log_level: LogLevel,
}

impl Writer {
    pub fn spawn(target: Target) -> Self {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new().name("azblobsync-journal".into()).spawn(move || run(target, rx)).expect("a thread for the journal");
        Self { tx: Some(tx), thread: Some(thread) }
    }

    pub fn send(&self, record: Record) {
        if let Some(tx) = &self.tx {
            // A writer that stopped (its database failed) costs the job nothing but its journal.
            let _ = tx.send(record);
        }
    }

    /// Waits until everything sent so far is committed.
    pub fn flush(&self) {
        let (done_tx, done_rx) = mpsc::channel();
        self.send(Record::Flush(done_tx));
        let _ = done_rx.recv();
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(mut t: Target, rx: mpsc::Receiver<Record>) {
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH_RECORDS);
    let mut oldest: Option<Instant> = None;
    loop {
        let wait = oldest.map_or(Duration::from_secs(3600), |o| BATCH_INTERVAL.saturating_sub(o.elapsed()));
        let (closed, flush_now) = match rx.recv_timeout(wait) {
            Ok(record) => {
                let flush = matches!(record, Record::Flush(_));
                oldest.get_or_insert_with(Instant::now);
                batch.push(record);
                (false, flush || batch.len() >= BATCH_RECORDS)
            }
            Err(RecvTimeoutError::Timeout) => (false, true),
            Err(RecvTimeoutError::Disconnected) => (true, true),
        };
        if flush_now && !batch.is_empty() {
            commit(&mut t, &mut batch);
            oldest = None;
        }
        if closed {
            return;
        }
    }
}

fn commit(t: &mut Target, batch: &mut Vec<Record>) {
    let mut log = Vec::new();
    let mut waiting = Vec::new();
    let mut skipped = 0u64;
    let result = (|| -> rusqlite::Result<()> {
        let tx = t.conn.transaction()?;
        for record in batch.drain(..) {
            match record {
                Record::Skipped(n) => skipped += n,
                Record::Planned { path, size, mtime_ns } => db::planned(&tx, &t.job_id, &path, size, mtime_ns, t.attempt)?,
                Record::Finished { path, state, bytes, error_id, error } => {
                    db::finished(&tx, &t.job_id, &Finished { path: &path, state, bytes, error_id, error: error.as_deref() }, t.attempt)?
                }
                Record::End { status, end_ms, error_id, error } => {
                    db::end(&tx, &t.job_id, status, end_ms, error_id, error.as_deref())?
                }
                Record::Log(line) if super::log::wanted(line.level, t.log_level) => {
                    log.extend_from_slice(line.line.as_bytes());
                    log.push(b'\n');
                }
                Record::Log(_) => {}
                Record::Flush(done) => waiting.push(done),
            }
        }
        if skipped > 0 {
            db::skipped(&tx, &t.job_id, skipped)?;
        }
        tx.commit()
    })();
    if let Err(e) = result {
        tracing::warn!("the job journal could not record a batch: {e}");
    }
    if let Some(file) = &mut t.log {
        let _ = file.write_all(&log);
    }
    for done in waiting {
        let _ = done.send(());
    }
}
