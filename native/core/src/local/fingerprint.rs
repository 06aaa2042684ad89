//! What says a file is still the one we started reading: its size, modified time and, on unix,
//! its change time. A writer that restores size and modified time after rewriting a file in
//! place (as some tools and `touch -r` do) still moves the change time, which no user call can set.

use crate::error::{EngineError, Result};
use std::path::Path;
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub size: u64,
    pub modified: Option<SystemTime>,
    /// Unix ctime in nanoseconds; `None` where the platform has no such time.
    pub changed: Option<i128>,
}

impl Fingerprint {
    pub fn of_metadata(meta: &std::fs::Metadata) -> Self {
        Self { size: meta.len(), modified: meta.modified().ok(), changed: change_time(meta) }
    }

    pub async fn of(path: &Path) -> Result<Self> {
        let meta = tokio::fs::metadata(path).await.map_err(|e| EngineError::local_io(path, &e))?;
        Ok(Self::of_metadata(&meta))
    }

    /// `SourceChanged` unless the file at `path` still has this fingerprint.
    pub async fn ensure_still(&self, path: &Path) -> Result<()> {
        if Self::of(path).await? == *self { Ok(()) } else { Err(EngineError::SourceChanged { path: path.display().to_string() }) }
    }
}

#[cfg(unix)]
fn change_time(meta: &std::fs::Metadata) -> Option<i128> {
    use std::os::unix::fs::MetadataExt;
    Some(i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()))
}

#[cfg(not(unix))]
fn change_time(_meta: &std::fs::Metadata) -> Option<i128> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_changed_size_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let before = Fingerprint::of(&path).await.unwrap();
        before.ensure_still(&path).await.unwrap();
        std::fs::write(&path, b"01234").unwrap();
        assert_eq!(before.ensure_still(&path).await.unwrap_err().error_id(), "SourceChanged");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_rewrite_in_place_with_size_and_mtime_restored_is_caught_by_the_change_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"first version").unwrap();
        let mtime = filetime::FileTime::from_last_modification_time(&std::fs::metadata(&path).unwrap());
        let before = Fingerprint::of(&path).await.unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, b"other version").unwrap();
        filetime::set_file_mtime(&path, mtime).unwrap();
        let after = Fingerprint::of(&path).await.unwrap();
        assert_eq!((after.size, after.modified), (before.size, before.modified), "size and mtime look unchanged");
        assert_eq!(before.ensure_still(&path).await.unwrap_err().error_id(), "SourceChanged");
    }
}
