//! Telling a running job from one whose process died: a running job holds an advisory lock on
//! `locks/<id>.lock` for its whole life. The OS drops the lock when the process ends, however it
//! ends (kill -9 included), so a job recorded Running whose lock can be taken was interrupted.

use crate::error::Result;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

pub const LOCK_FOLDER: &str = "locks";

/// Held while the job runs; dropping it releases the lock.
pub struct RunningLock {
    _file: File,
    path: PathBuf,
}

impl RunningLock {
    /// Takes the job's lock; `None` when another process holds it (the job runs elsewhere).
    pub fn take(dir: &Path, job_id: &str) -> Result<Option<Self>> {
        let path = lock_path(dir, job_id);
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| super::location::unavailable(&path, &e))?;
        super::location::restrict(&path, 0o600)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file, path })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(super::location::unavailable(&path, &e)),
        }
    }
}

impl Drop for RunningLock {
    fn drop(&mut self) {
        // A finished job needs no lock file; a stale one is harmless (it can be taken).
        let _ = std::fs::remove_file(&self.path);
    }
}

fn lock_path(dir: &Path, job_id: &str) -> PathBuf {
    dir.join(LOCK_FOLDER).join(format!("{job_id}.lock"))
}

/// Whether a process is running the job now.
pub fn is_alive(dir: &Path, job_id: &str) -> bool {
    let path = lock_path(dir, job_id);
    let Ok(file) = OpenOptions::new().write(true).open(&path) else { return false };
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_means_alive_and_dropping_it_means_not() {
        let tmp = tempfile::tempdir().unwrap();
        super::super::location::ensure(tmp.path()).unwrap();
        assert!(!is_alive(tmp.path(), "j1"));
        let lock = RunningLock::take(tmp.path(), "j1").unwrap().expect("free");
        assert!(is_alive(tmp.path(), "j1"));
        assert!(RunningLock::take(tmp.path(), "j1").unwrap().is_none(), "a second taker is refused");
        drop(lock);
        assert!(!is_alive(tmp.path(), "j1"));
    }
}
