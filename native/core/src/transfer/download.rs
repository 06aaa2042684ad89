//! Moving one blob's bytes into a local file. The file appears only when complete and verified: bytes
//! go to a temporary file beside it, which gets the blob's source time and is then renamed over the
//! target. A failed or cancelled download leaves nothing half-written.

use crate::transfer::direction::{Direction, Transferred};
use crate::error::{EngineError, Result};
use crate::job::events::Action;
use crate::local::walk::LocalEntry;
use crate::plan::{PlanItem, RemoteEntry};
use crate::job::progress::Progress;
use crate::store::BlobStore;
use crate::local::windows_path;
use async_trait::async_trait;
use futures::StreamExt;
use md5_asm::{Digest, Md5};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// What to do with the blob's Content-MD5 after a download (AzCopy's `--check-md5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum CheckMd5 {
    NoCheck,
    /// A mismatch is reported as a warning; the file is kept.
    LogOnly,
    /// A mismatch fails the file (AzCopy's default); a blob without an MD5 passes.
    #[default]
    FailIfDifferent,
    /// A mismatch, or a blob without an MD5, fails the file.
    FailIfDifferentOrMissing,
}

pub struct Downloads {
    pub store: Arc<dyn BlobStore>,
    /// The local folder the blobs land in.
    pub root: PathBuf,
    /// The source prefix inside the container, without a trailing '/'.
    pub prefix: String,
    /// Copying one blob: the local file it becomes (which may be named differently).
    pub single_target: Option<PathBuf>,
    pub request_slots: Arc<Semaphore>,
    pub budget: Arc<crate::transfer::memory_budget::MemoryBudget>,
    pub cancel: CancellationToken,
    pub progress: Arc<Progress>,
    pub check_md5: CheckMd5,
    pub hasher: Arc<crate::local::content_hash::ContentHasher>,
    /// The job's retry rules: how often a broken body is resumed, and the stall timeout.
    pub retrier: crate::transfer::retry::Retrier,
}

/// Where a blob lands under `root`, or why it cannot land anywhere. Every platform refuses `..` and
/// empty segments (a blob name must never escape the folder); Windows also refuses names it cannot
/// hold, so Windows behaviour is the same wherever the rules run.
pub fn local_target(root: &Path, relative: &str, windows_rules: bool) -> Result<PathBuf> {
    let invalid = |why: String| EngineError::InvalidLocalName { name: relative.to_string(), why };
    if windows_rules {
        let rel = windows_path::to_windows_relative(relative).map_err(|e| invalid(e.to_string()))?;
        return Ok(root.join(rel));
    }
    let mut path = root.to_path_buf();
    for segment in relative.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains('\0') {
            return Err(invalid(format!("the segment '{}' is not a file name", segment.escape_default())));
        }
        path.push(segment);
    }
    if path == root {
        return Err(invalid("the name is empty".into()));
    }
    Ok(path)
}

fn md5_mismatch(expected: &[u8], actual: &[u8; 16]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    format!("MD5 mismatch: the blob's Content-MD5 is {}, the downloaded bytes hash to {}", b64.encode(expected), b64.encode(actual))
}

/// Blobs up to this size are received in memory and written, synced, timed and renamed in one
/// blocking step: one hop to a file-system thread per file instead of one per operation.
const IN_MEMORY_UP_TO: u64 = 1 << 20;
/// A body (of at most one part) silent this long while the job's other bodies deliver is cut and
/// resumed (see `receive_from`); one silent while everything is, only after the per-try timeout.
const EARLY_STALL: std::time::Duration = std::time::Duration::from_secs(10);

/// What a streamed download holds at most: the store client's ranged reads in flight.
const STREAMED_BUFFERS: u64 = 4 * crate::transfer::part_sizing::DEFAULT_PART_SIZE;

impl Downloads {
    /// The blob's bytes, chunk by chunk, into `sink`; counted, hashed and checked against the listing.
    /// A body that breaks or stalls part-way is asked again from the first byte still missing (a
    /// ranged get), so what was received is kept and hashed once; tries that bring no byte count
    /// against the retry policy's cap.
    async fn receive(&self, source: &RemoteEntry, blob: &str, mut sink: Sink<'_>) -> Result<(u64, Option<[u8; 16]>, Option<String>)> {
        let mut hasher = (self.check_md5 != CheckMd5::NoCheck).then(Md5::new);
        let mut bytes = 0u64;
        let mut tries_without_progress = 0u32;
        loop {
            let from = bytes;
            let body_error = match self.receive_from(source, blob, &mut sink, hasher.as_mut(), &mut bytes).await {
                Ok(()) => break,
                Err(Interruption::Final(e)) => return Err(e),
                Err(Interruption::Resumable(e)) => e,
            };
            tries_without_progress = if bytes > from { 1 } else { tries_without_progress + 1 };
            if !self.retrier.policy.should_retry(&body_error, tries_without_progress) {
                return Err(body_error);
            }
            tracing::debug!(blob, received = bytes, error = %body_error, "resuming a download");
            self.retrier.sleep(self.retrier.policy.delay(tries_without_progress, &body_error)).await?;
        }
        if bytes != source.size {
            return Err(EngineError::SourceChanged { path: blob.to_string() });
        }
        let computed: Option<[u8; 16]> = hasher.map(|h| h.finalize().into());
        let warning = self.judge_md5(source, blob, computed.as_ref())?;
        Ok((bytes, computed, warning))
    }

    /// One try: the blob from byte `*bytes` on, until its body ends or breaks.
    async fn receive_from(&self, source: &RemoteEntry, blob: &str, sink: &mut Sink<'_>, mut hasher: Option<&mut Md5>, bytes: &mut u64) -> Result<(), Interruption> {
        if *bytes > 0 && *bytes >= source.size {
            // Every byte the listing promised is here; the break came after the last one.
            return Ok(());
        }
        let range = (*bytes > 0).then(|| *bytes..source.size);
        // The request itself was already retried by the store; only a broken body is ours to resume.
        // Pinned to the version listed: a blob replaced since fails (SourceChanged) instead of
        // arriving as the first half of one version and the rest of another.
        let mut body = self.store.get(blob, range, source.etag.as_deref()).await.map_err(Interruption::Final)?;
        let stall = self.retrier.policy.per_try_timeout;
        // A longer body may arrive a part at a time (the store's parallel ranged reads), with long
        // silences between parts on a slow link: only the per-try timeout judges those.
        let early = if source.size - *bytes <= crate::transfer::part_sizing::DEFAULT_PART_SIZE { EARLY_STALL.min(stall) } else { stall };
        loop {
            let waiting_since = tokio::time::Instant::now();
            let job_bytes_then = self.progress.bytes_transferred.load(std::sync::atomic::Ordering::Relaxed);
            let chunk = loop {
                let chunk = tokio::select! {
                    biased;
                    _ = self.cancel.cancelled() => return Err(Interruption::Final(EngineError::Cancelled)),
                    c = tokio::time::timeout(early, body.next()) => c,
                };
                let silent = waiting_since.elapsed();
                // Silent while other bodies of the job kept arriving: this one has stalled, not the
                // link. Cut it now and go on from the bytes already here, instead of waiting out
                // the full per-try timeout (which still applies when everything is slow at once).
                let others_moved = self.progress.bytes_transferred.load(std::sync::atomic::Ordering::Relaxed) > job_bytes_then;
                match chunk {
                    Err(_) if silent >= stall || others_moved => break Err(silent),
                    Err(_) => continue,
                    Ok(c) => break Ok(c),
                }
            };
            let chunk = match chunk {
                Err(silent) => return Err(Interruption::Resumable(EngineError::ConnectionLost { detail: format!("no bytes received for {:.0} s", silent.as_secs_f64()) })),
                Ok(None) => return Ok(()),
                Ok(Some(Err(e))) => return Err(Interruption::Resumable(e)),
                Ok(Some(Ok(chunk))) => chunk,
            };
            if let Some(h) = hasher.as_mut() {
                h.update(&chunk);
            }
            sink.put(&chunk).await.map_err(Interruption::Final)?;
            *bytes += chunk.len() as u64;
            Progress::add(&self.progress.bytes_transferred, chunk.len() as u64);
        }
    }

    /// AzCopy's `--check-md5` rules: a warning to report, or the error that fails the file.
    fn judge_md5(&self, source: &RemoteEntry, blob: &str, computed: Option<&[u8; 16]>) -> Result<Option<String>> {
        let Some(actual) = computed else { return Ok(None) };
        match (&source.content_md5, self.check_md5) {
            (Some(expected), CheckMd5::LogOnly) if expected.as_slice() != actual => Ok(Some(md5_mismatch(expected, actual))),
            (Some(expected), CheckMd5::FailIfDifferent | CheckMd5::FailIfDifferentOrMissing) if expected.as_slice() != actual => {
                Err(EngineError::Md5Mismatch { blob: blob.to_string(), detail: md5_mismatch(expected, actual) })
            }
            (None, CheckMd5::FailIfDifferentOrMissing) => {
                Err(EngineError::Md5Mismatch { blob: blob.to_string(), detail: "the blob has no Content-MD5 to check against".into() })
            }
            _ => Ok(None),
        }
    }

    /// A large blob streams into the temporary file as it arrives; the file comes back unsynced.
    async fn stream_to_file(&self, source: &RemoteEntry, blob: &str, temp: &Path) -> Result<(std::fs::File, Transferred)> {
        let mut file = tokio::fs::File::create(temp).await.map_err(|e| EngineError::local_io(temp, &e))?;
        let (bytes, content_md5, warning) = self.receive(source, blob, Sink::File { file: &mut file, path: temp }).await?;
        file.flush().await.map_err(|e| EngineError::local_io(temp, &e))?;
        Ok((file.into_std().await, Transferred { bytes, content_md5, warning }))
    }
}

/// Why a try at a body ended early: for good (its request failed after the store's own retries, the
/// disk refused a write, the job was cancelled), or because the body broke or stalled after the
/// response began (resumable from the bytes already received).
enum Interruption {
    Final(EngineError),
    Resumable(EngineError),
}

/// Where received chunks go: the temporary file, or memory.
enum Sink<'a> {
    File { file: &'a mut tokio::fs::File, path: &'a Path },
    Memory(&'a mut Vec<u8>),
}

impl Sink<'_> {
    async fn put(&mut self, chunk: &[u8]) -> Result<()> {
        match self {
            Sink::File { file, path } => file.write_all(chunk).await.map_err(|e| EngineError::local_io(path, &e)),
            Sink::Memory(content) => {
                content.extend_from_slice(chunk);
                Ok(())
            }
        }
    }
}

/// Syncs the written temporary file, gives it the source's time (so the next run sees it as
/// unchanged) and renames it over the target; on any failure the temporary file is removed.
fn put_in_place(file: std::fs::File, temp: &Path, target: &Path, modified: std::time::SystemTime) -> Result<()> {
    let finished = file.sync_all().and_then(|()| {
        drop(file);
        filetime::set_file_mtime(temp, filetime::FileTime::from_system_time(modified))
    });
    if let Err(e) = finished {
        let _ = std::fs::remove_file(temp);
        return Err(EngineError::local_io(temp, &e));
    }
    std::fs::rename(temp, target).map_err(|e| {
        let _ = std::fs::remove_file(temp);
        EngineError::local_io(target, &e)
    })
}

/// A small blob's bytes, already received and checked, written out in one blocking step.
fn write_in_one_step(dir: &Path, temp: &Path, target: &Path, content: &[u8], modified: std::time::SystemTime) -> Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| EngineError::local_io(dir, &e))?;
    let mut file = std::fs::File::create(temp).map_err(|e| EngineError::local_io(temp, &e))?;
    if let Err(e) = file.write_all(content) {
        drop(file);
        let _ = std::fs::remove_file(temp);
        return Err(EngineError::local_io(temp, &e));
    }
    put_in_place(file, temp, target, modified)
}

fn join_error(e: tokio::task::JoinError) -> EngineError {
    EngineError::Internal(format!("a file write failed: {e}"))
}

#[async_trait]
impl Direction for Downloads {
    type Source = RemoteEntry;
    type Dest = LocalEntry;
    const ACTION: Action = Action::Download;

    fn blob_name(&self, relative: &str) -> String {
        crate::plan::blob_name::join(&self.prefix, relative)
    }

    async fn transfer(&self, source: &RemoteEntry) -> Result<Transferred> {
        let target = match &self.single_target {
            Some(target) => target.clone(),
            None => local_target(&self.root, &source.relative, cfg!(windows))?,
        };
        let _slot = tokio::select! {
            s = self.request_slots.acquire() => s.expect("never closed"),
            _ = self.cancel.cancelled() => return Err(EngineError::Cancelled),
        };
        // In memory whole, or streamed through the client's few ranged reads in flight.
        let _grant = tokio::select! {
            g = self.budget.grant(source.size.min(if source.size <= IN_MEMORY_UP_TO { u64::MAX } else { STREAMED_BUFFERS })) => g,
            _ = self.cancel.cancelled() => return Err(EngineError::Cancelled),
        };
        let dir = target.parent().expect("under root").to_path_buf();
        // Named after the target: a rerun overwrites what an interrupted run left.
        let temp = crate::local::part_files::part_file_for(&target);
        let blob = self.blob_name(&source.relative);
        let modified = source.modified();
        if source.size <= IN_MEMORY_UP_TO {
            let mut content = Vec::with_capacity(source.size as usize);
            let (bytes, content_md5, warning) = self.receive(source, &blob, Sink::Memory(&mut content)).await?;
            tokio::task::spawn_blocking(move || write_in_one_step(&dir, &temp, &target, &content, modified)).await.map_err(join_error)??;
            return Ok(Transferred { bytes, content_md5, warning });
        }
        tokio::fs::create_dir_all(&dir).await.map_err(|e| EngineError::local_io(&dir, &e))?;
        let (file, done) = match self.stream_to_file(source, &blob, &temp).await {
            Ok(written) => written,
            Err(e) => {
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(e);
            }
        };
        tokio::task::spawn_blocking(move || put_in_place(file, &temp, &target, modified)).await.map_err(join_error)??;
        Ok(done)
    }

    async fn verify(&self, source: &RemoteEntry, dest: &LocalEntry) -> Result<crate::local::content_hash::Verdict> {
        self.hasher.compare(dest, source).await
    }

    async fn delete(&self, relative: &str) -> Result<()> {
        let path = local_target(&self.root, relative, false)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(EngineError::local_io(&path, &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_names_never_escape_the_folder() {
        let root = Path::new("/data");
        assert_eq!(local_target(root, "a/b.txt", false).unwrap(), Path::new("/data/a/b.txt"));
        assert_eq!(local_target(root, "a//b.txt", false).unwrap(), Path::new("/data/a/b.txt"));
        for bad in ["../etc/passwd", "a/../../x", "./x", "", "/"] {
            let e = local_target(root, bad, false).unwrap_err();
            assert_eq!(e.error_id(), "InvalidLocalName", "{bad}");
        }
    }

    #[test]
    fn windows_rules_give_a_per_file_reason() {
        let e = local_target(Path::new("/data"), "logs/aux.txt", true).unwrap_err();
        assert!(e.to_string().contains("reserved device name"), "{e}");
        let e = local_target(Path::new("/data"), "a/b:c", true).unwrap_err();
        assert!(e.to_string().contains("does not allow"), "{e}");
    }
}
