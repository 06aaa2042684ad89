//! `--compare-hash MD5`: whether two same-sized files really hold the same bytes, judged by the
//! local file's MD5 (from the cache, or read now) against the blob's Content-MD5.

use crate::error::{EngineError, Result};
use crate::local::hash_cache::HashCache;
use crate::local::walk::LocalEntry;
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
    /// CPU-bound: as many large files hashed at once as there are cores.
    slots: Semaphore,
    small_slots: Semaphore,
    fresh: Mutex<Vec<(PathBuf, u64, SystemTime, [u8; 16])>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Same,
    Different,
    /// The blob has no Content-MD5 to compare with.
    NoBlobHash,
}

/// Files up to this size are read in one go; larger ones are read on a second thread while this
/// one hashes, so the hash never waits on `read` (MD5 itself is strictly sequential per file).
const READ_AHEAD_ABOVE: u64 = 8 << 20;
const CHUNK: usize = 4 << 20;
/// Files smaller than this are hashed on the small-file slots: opening and reading them costs
/// more than hashing, so more of them at once than there are cores keeps the cores busy.
const SMALL_FILE: u64 = 1 << 20;
const SMALL_FILE_SLOTS: usize = 16;

fn md5_of_file(entry: &LocalEntry) -> Result<[u8; 16]> {
    let io = |e: std::io::Error| EngineError::local_io(&entry.path, &e);
    let mut file = std::fs::File::open(&entry.path).map_err(io)?;
    if entry.size <= READ_AHEAD_ABOVE {
        let mut content = Vec::with_capacity(entry.size as usize + 1);
        file.read_to_end(&mut content).map_err(io)?;
        return Ok(Md5::digest(&content).into());
    }
    md5_reading_ahead(file).map_err(io)
}

/// Two buffers travel between a reader thread and this one: while one is hashed, the other is
/// filled.
fn md5_reading_ahead(mut file: std::fs::File) -> std::io::Result<[u8; 16]> {
    let (filled_tx, filled_rx) = std::sync::mpsc::sync_channel::<std::io::Result<(Vec<u8>, usize)>>(1);
    let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    for _ in 0..2 {
        empty_tx.send(vec![0u8; CHUNK]).expect("room for two");
    }
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(mut buf) = empty_rx.recv() {
                let filled = read_full(&mut file, &mut buf).map(|n| (buf, n));
                let done = !matches!(filled, Ok((_, n)) if n > 0);
                if filled_tx.send(filled).is_err() || done {
                    return;
                }
            }
        });
        let mut hasher = Md5::new();
        loop {
            let (buf, n) = filled_rx.recv().expect("the reader answers before it stops")?;
            if n == 0 {
                return Ok(hasher.finalize().into());
            }
            hasher.update(&buf[..n]);
            // The reader may already be gone after its last chunk; then the buffer is simply dropped.
            let _ = empty_tx.send(buf);
        }
    })
}

/// Fills `buf` unless the file ends first; returns how much was read.
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl ContentHasher {
    pub fn new(cache: Option<HashCache>) -> Arc<Self> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Arc::new(Self { cache, slots: Semaphore::new(cores), small_slots: Semaphore::new(SMALL_FILE_SLOTS), fresh: Mutex::new(Vec::new()) })
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
        let slots = if local.size < SMALL_FILE { &self.small_slots } else { &self.slots };
        let _slot = slots.acquire().await.expect("never closed");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &std::path::Path) -> LocalEntry {
        let meta = std::fs::metadata(path).expect("written");
        LocalEntry { relative: "f".into(), path: path.to_path_buf(), size: meta.len(), modified: meta.modified().expect("mtime") }
    }

    fn hex(digest: [u8; 16]) -> String {
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn files_read_whole_or_ahead_hash_the_same_as_coreutils() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Around the read-ahead threshold and the chunk size, where an off-by-one would lose bytes.
        let sizes = [0, 1, READ_AHEAD_ABOVE as usize, READ_AHEAD_ABOVE as usize + 1, 3 * CHUNK + 5];
        for size in sizes {
            let path = dir.path().join(format!("f{size}"));
            let content: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
            std::fs::write(&path, &content).expect("write");
            let ours = hex(md5_of_file(&entry(&path)).expect("hashes"));
            let md5sum = std::process::Command::new("md5sum").arg(&path).output().expect("md5sum runs");
            let reference = String::from_utf8_lossy(&md5sum.stdout).split_whitespace().next().unwrap_or_default().to_string();
            assert_eq!(ours, reference, "size {size}");
        }
    }

    #[test]
    fn a_missing_file_is_a_local_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gone = LocalEntry { relative: "gone".into(), path: dir.path().join("gone"), size: 20 << 20, modified: SystemTime::UNIX_EPOCH };
        let err = md5_of_file(&gone).expect_err("missing");
        assert!(err.to_string().contains("gone"), "{err}");
    }
}
