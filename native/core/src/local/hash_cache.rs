//! Local files' MD5s, remembered against their size and modified time, so that a rerun of
//! `--compare-hash MD5` reads only the files that changed. One small embedded database (redb) per
//! user; a file whose size or time moved is simply hashed again.

use crate::error::{EngineError, Result};
use redb::{Database, ReadableDatabase, TableDefinition};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

const HASHES: TableDefinition<&str, &[u8]> = TableDefinition::new("md5_by_path");

pub struct HashCache {
    db: Database,
}

/// size (8) + modified seconds (8) + nanoseconds (4) + MD5 (16).
fn encode(size: u64, modified: SystemTime, md5: &[u8; 16]) -> [u8; 36] {
    let since = modified.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut v = [0u8; 36];
    v[..8].copy_from_slice(&size.to_le_bytes());
    v[8..16].copy_from_slice(&since.as_secs().to_le_bytes());
    v[16..20].copy_from_slice(&since.subsec_nanos().to_le_bytes());
    v[20..].copy_from_slice(md5);
    v
}

fn key(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).to_string_lossy().into_owned()
}

/// Where the cache lives unless the user says: the platform's per-user cache folder.
pub fn default_location() -> PathBuf {
    let base = std::env::var_os("LOCALAPPDATA")
        .or_else(|| std::env::var_os("XDG_CACHE_HOME"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("azblobsync").join("md5-cache.redb")
}

impl HashCache {
    pub fn open(path: &Path) -> Result<Self> {
        let fail = |e: &dyn std::fmt::Display| EngineError::LocalIo { path: path.display().to_string(), detail: format!("hash cache: {e}") };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let db = Database::create(path).map_err(|e| fail(&e))?;
        Ok(Self { db })
    }

    /// The remembered MD5, if the file still has the size and time it had when hashed.
    pub fn get(&self, path: &Path, size: u64, modified: SystemTime) -> Option<[u8; 16]> {
        let txn = self.db.begin_read().ok()?;
        let table = txn.open_table(HASHES).ok()?;
        let stored = table.get(key(path).as_str()).ok()??;
        let v = stored.value();
        let probe = encode(size, modified, &[0; 16]);
        (v.len() == 36 && v[..20] == probe[..20]).then(|| v[20..].try_into().expect("16 bytes"))
    }

    /// Remembers a batch in one transaction (one disk sync for many files).
    pub fn put_all(&self, entries: &[(PathBuf, u64, SystemTime, [u8; 16])]) -> Result<()> {
        let fail = |e: &dyn std::fmt::Display| EngineError::Internal(format!("hash cache: {e}"));
        let txn = self.db.begin_write().map_err(|e| fail(&e))?;
        {
            let mut table = txn.open_table(HASHES).map_err(|e| fail(&e))?;
            for (path, size, modified, md5) in entries {
                table.insert(key(path).as_str(), encode(*size, *modified, md5).as_slice()).map_err(|e| fail(&e))?;
            }
        }
        txn.commit().map_err(|e| fail(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn remembers_until_size_or_time_moves() {
        let dir = tempfile::tempdir().unwrap();
        let cache = HashCache::open(&dir.path().join("c.redb")).unwrap();
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 5);
        let file = dir.path().join("f");
        assert_eq!(cache.get(&file, 3, t), None);
        cache.put_all(&[(file.clone(), 3, t, [7; 16])]).unwrap();
        assert_eq!(cache.get(&file, 3, t), Some([7; 16]));
        assert_eq!(cache.get(&file, 4, t), None, "size moved");
        assert_eq!(cache.get(&file, 3, t + Duration::from_nanos(1)), None, "time moved");
        drop(cache);
        let reopened = HashCache::open(&dir.path().join("c.redb")).unwrap();
        assert_eq!(reopened.get(&file, 3, t), Some([7; 16]), "kept across runs");
    }
}
