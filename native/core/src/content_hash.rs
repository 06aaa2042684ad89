//! `--compare-hash MD5`: whether two same-sized files really hold the same bytes, judged by the
//! local file's MD5 (from the cache, or read now) against the blob's Content-MD5.

use crate::error::{EngineError, Result};
use crate::hash_cache::HashCache;
use crate::local_walk::LocalEntry;
use crate::plan::RemoteEntry;
use md5_asm::{Digest, Md5};
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tokio::sync::Semaphore;

/// Hashes are remembered in batches of this many, to keep cache writes cheap.
const CACHE_BATCH: usize = 256;

pub struct ContentHasher {
    cache: Option<HashCache>,
    /// CPU-bound: as many files hashed at once as there are cores.
    slots: Semaphore,
    fresh: Mutex<Vec<(PathBuf, u64, SystemTime, [u8; 16])>>,
}

pub enum Verdict {
    Same,
    Different,
    /// The blob has no Content-MD5 to compare with.
    NoBlobHash,
}

fn md5_of_file(entry: &LocalEntry) -> Result<[u8; 16]> {
    let mut file = std::fs::File::open(&entry.path).map_err(|e| EngineError::local_io(&entry.path, &e))?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| EngineError::local_io(&entry.path, &e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().into())
}

impl ContentHasher {
    pub fn new(cache: Option<HashCache>) -> Arc<Self> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Arc::new(Self { cache, slots: Semaphore::new(cores), fresh: Mutex::new(Vec::new()) })
    }

    pub async fn compare(self: &Arc<Self>, local: &LocalEntry, blob: &RemoteEntry) -> Result<Verdict> {
        let Some(expected) = blob.content_md5.as_deref() else { return Ok(Verdict::NoBlobHash) };
        let actual = self.md5(local).await?;
        Ok(if expected == actual.as_slice() { Verdict::Same } else { Verdict::Different })
    }

    async fn md5(self: &Arc<Self>, local: &LocalEntry) -> Result<[u8; 16]> {
        if let Some(known) = self.cache.as_ref().and_then(|c| c.get(&local.path, local.size, local.modified)) {
            return Ok(known);
        }
        let _slot = self.slots.acquire().await.expect("never closed");
        let entry = local.clone();
        let md5 = tokio::task::spawn_blocking(move || md5_of_file(&entry))
            .await
            .map_err(|e| EngineError::Internal(format!("hashing task failed: {e}")))??;
        let batch = {
            let mut fresh = self.fresh.lock().expect("not poisoned");
            fresh.push((local.path.clone(), local.size, local.modified, md5));
            (fresh.len() >= CACHE_BATCH).then(|| std::mem::take(&mut *fresh))
        };
        if let (Some(batch), Some(cache)) = (batch, self.cache.as_ref()) {
            // A cache that cannot be written only costs time on the next run.
            let _ = cache.put_all(&batch);
        }
        Ok(md5)
    }

    /// Writes what is still unsaved; call at the end of the job.
    pub fn flush(&self) {
        let batch = std::mem::take(&mut *self.fresh.lock().expect("not poisoned"));
        if let (false, Some(cache)) = (batch.is_empty(), self.cache.as_ref()) {
            let _ = cache.put_all(&batch);
        }
    }
}
