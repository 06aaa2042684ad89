//! Moving one file's bytes into a blob: one put for small files, a multipart upload for large ones.
//! The MD5 is computed from the same reads that feed the requests, never from a second pass over
//! the file. Every request holds a slot of the job's request semaphore and a grant of the job's
//! memory budget *before* it reads its bytes, so memory stays bounded by the budget.
//!
//! A multipart upload's id is derived from the blob, the file's size and time and the part size,
//! so a later run of the same unchanged file continues it: parts already staged are not sent again.

use crate::transfer::memory_budget::MemoryBudget;
use crate::transfer::part_sizing::{UploadShape, shape_for};
use crate::error::{EngineError, Result};
use crate::local::fingerprint::Fingerprint;
use crate::local::walk::LocalEntry;
use crate::job::progress::Progress;
use crate::store::{BlobProperties, BlobStore, PartId, SOURCE_MTIME_KEY};
use std::collections::HashMap;
use bytes::{Bytes, BytesMut};
use md5_asm::{Digest, Md5};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub struct UploadContext {
    pub store: Arc<dyn BlobStore>,
    pub request_slots: Arc<Semaphore>,
    pub budget: Arc<MemoryBudget>,
    pub cancel: CancellationToken,
    pub progress: Arc<Progress>,
    pub put_md5: bool,
    pub block_size: Option<u64>,
    pub properties: crate::store::UploadProperties,
    /// The job's retry rules: how often a changing or locked file is read again, and the waits.
    pub retrier: crate::transfer::retry::Retrier,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub bytes: u64,
    pub content_md5: Option<[u8; 16]>,
}

/// The source's modified time as stored in metadata: RFC 3339 in UTC with nanoseconds.
pub fn format_source_mtime(t: SystemTime) -> String {
    let t: time::OffsetDateTime = t.into();
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

pub fn parse_source_mtime(s: &str) -> Option<SystemTime> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok().map(Into::into)
}

fn properties(ctx: &UploadContext, entry: &LocalEntry, content_md5: Option<[u8; 16]>) -> BlobProperties {
    let wanted = &ctx.properties;
    let content_type = wanted
        .content_type
        .clone()
        .unwrap_or_else(|| mime_guess::from_path(&entry.path).first_raw().unwrap_or("application/octet-stream").to_string());
    let mut metadata = wanted.metadata.clone();
    metadata.insert(SOURCE_MTIME_KEY.to_string(), format_source_mtime(entry.modified));
    BlobProperties {
        content_type: Some(content_type),
        content_md5,
        cache_control: wanted.cache_control.clone(),
        metadata,
        tags: wanted.tags.clone(),
        access_tier: wanted.access_tier,
    }
}

/// Fails when the file moved (size, modified or change time) since this try started reading it:
/// what was read may mix two versions, so it must not be committed.
async fn ensure_unchanged(entry: &LocalEntry, started: &Fingerprint, bytes_read: u64) -> Result<()> {
    if bytes_read != started.size {
        return Err(EngineError::SourceChanged { path: entry.path.display().to_string() });
    }
    started.ensure_still(&entry.path).await
}

async fn cancellable<T>(cancel: &CancellationToken, fut: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(EngineError::Cancelled),
        r = fut => r,
    }
}

/// Tries at reading a file that cannot be read (locked, permissions): a lock may be released soon,
/// a permission will not, so only a few quick ones.
const UNREADABLE_ATTEMPTS: u32 = 3;

/// Uploads the file as it is when a try starts; a file that changes while it is read is read again
/// (up to the retry policy's tries), then fails with `SourceChanged`. Storage requests retry on
/// their own (the store is a `RetryingStore`); this loop is about the local side.
pub async fn upload_file(ctx: &UploadContext, entry: &LocalEntry, blob: &str) -> Result<Uploaded> {
    let mut attempt = 1;
    loop {
        let outcome = upload_once(ctx, entry, blob).await;
        let again = match &outcome {
            Err(EngineError::SourceChanged { .. }) => attempt < ctx.retrier.policy.max_attempts,
            Err(EngineError::LocalIo { .. }) => attempt < UNREADABLE_ATTEMPTS.min(ctx.retrier.policy.max_attempts),
            _ => false,
        };
        if !again {
            return outcome;
        }
        let e = outcome.expect_err("only failures are tried again");
        tracing::debug!(attempt, error = %e, "reading the file again");
        ctx.retrier.sleep(ctx.retrier.policy.delay(attempt, &e)).await?;
        attempt += 1;
    }
}

/// One try: the file's fingerprint now, its bytes, the same fingerprint again before the commit.
async fn upload_once(ctx: &UploadContext, listed: &LocalEntry, blob: &str) -> Result<Uploaded> {
    let started = Fingerprint::of(&listed.path).await?;
    // What is there now is what is uploaded, with its own time in the blob's metadata.
    let entry = &LocalEntry { size: started.size, modified: started.modified.unwrap_or(listed.modified), ..listed.clone() };
    match shape_for(entry.size, ctx.block_size, &ctx.store.limits())? {
        UploadShape::Single => upload_single(ctx, entry, &started, blob).await,
        UploadShape::Parts { part_size, count } => upload_parts(ctx, entry, &started, blob, part_size, count).await,
    }
}

async fn upload_single(ctx: &UploadContext, entry: &LocalEntry, started: &Fingerprint, blob: &str) -> Result<Uploaded> {
    let _slot = cancellable(&ctx.cancel, async { Ok(ctx.request_slots.acquire().await.expect("never closed")) }).await?;
    let _grant = cancellable(&ctx.cancel, async { Ok(ctx.budget.grant(entry.size).await) }).await?;
    let content = tokio::fs::read(&entry.path).await.map_err(|e| EngineError::local_io(&entry.path, &e))?;
    ensure_unchanged(entry, started, content.len() as u64).await?;
    let content_md5 = ctx.put_md5.then(|| Md5::digest(&content).into());
    let bytes = content.len() as u64;
    cancellable(&ctx.cancel, ctx.store.put(blob, Bytes::from(content), &properties(ctx, entry, content_md5))).await?;
    Progress::add(&ctx.progress.bytes_transferred, bytes);
    Ok(Uploaded { bytes, content_md5 })
}

/// The same file (name, size, time) cut the same way gets the same upload id, so a rerun after an
/// interrupted upload finds the parts it staged. The change time is part of it where there is one:
/// a file rewritten with its size and modified time restored must not reuse the old version's parts.
fn resume_key(blob: &str, entry: &LocalEntry, changed: Option<i128>, part_size: u64) -> String {
    let since_epoch = entry.modified.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let changed = changed.map(|c| format!("\n{c}")).unwrap_or_default();
    let identity = format!("{blob}\n{}\n{}\n{part_size}{changed}", entry.size, since_epoch.as_nanos());
    Md5::digest(identity.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

async fn upload_parts(ctx: &UploadContext, entry: &LocalEntry, started: &Fingerprint, blob: &str, part_size: u64, count: u64) -> Result<Uploaded> {
    let path = entry.path.clone();
    let file = tokio::task::spawn_blocking(move || std::fs::File::open(path))
        .await
        .map_err(|e| EngineError::Internal(format!("opening a file failed: {e}")))?
        .map_err(|e| EngineError::local_io(&entry.path, &e))?;
    let file = Arc::new(file);
    let upload = cancellable(&ctx.cancel, ctx.store.start_multipart(blob, Some(&resume_key(blob, entry, started.changed, part_size)))).await?;
    let staged: HashMap<u32, crate::store::StagedPart> =
        cancellable(&ctx.cancel, ctx.store.staged_parts(&upload)).await?.into_iter().map(|p| (p.index, p)).collect();
    let md5 = ctx.put_md5.then(BackgroundMd5::start);
    let mut sent = JoinSet::new();
    let mut ids: Vec<Option<PartId>> = vec![None; count as usize];
    let mut total = 0u64;
    let result: Result<()> = async {
        for index in 0..count as u32 {
            let want = part_size.min(entry.size - total);
            let reuse = staged.get(&index).filter(|p| p.size == want).map(|p| p.id.clone());
            let offset = total;
            total += want;
            if let Some(id) = &reuse {
                ids[index as usize] = Some(id.clone());
                if md5.is_none() {
                    continue;
                }
            }
            let slot = cancellable(&ctx.cancel, async { Ok(ctx.request_slots.clone().acquire_owned().await.expect("never closed")) }).await?;
            let grant = cancellable(&ctx.cancel, async { Ok(ctx.budget.grant(want).await) }).await?;
            let buf = read_block(file.clone(), offset, want as usize, entry).await?;
            if let Some(md5) = md5.as_ref() {
                md5.feed(buf.clone()).await;
            }
            if reuse.is_some() {
                // Read only for the MD5; the service has these bytes already.
                continue;
            }
            let (store, upload, cancel, progress) = (ctx.store.clone(), upload.clone(), ctx.cancel.clone(), ctx.progress.clone());
            sent.spawn(async move {
                let (_slot, _grant) = (slot, grant);
                let id = cancellable(&cancel, store.put_part(&upload, index, buf)).await?;
                Progress::add(&progress.bytes_transferred, want);
                Ok::<_, EngineError>((index, id))
            });
            // Surface a failed part early instead of reading the rest of a large file for nothing.
            while let Some(done) = sent.try_join_next() {
                let (i, id) = flatten(done)?;
                ids[i as usize] = Some(id);
            }
        }
        while let Some(done) = sent.join_next().await {
            let (i, id) = flatten(done)?;
            ids[i as usize] = Some(id);
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        // The parts already sent stay staged for the next attempt; Azure discards them after a week.
        sent.abort_all();
        return Err(e);
    }
    ensure_unchanged(entry, started, total).await?;
    let content_md5 = match md5 {
        Some(md5) => Some(md5.finish().await?),
        None => None,
    };
    let ids = ids.into_iter().map(|id| id.ok_or_else(|| EngineError::Internal("a part has no id".into()))).collect::<Result<Vec<_>>>()?;
    cancellable(&ctx.cancel, ctx.store.complete_multipart(&upload, ids, &properties(ctx, entry, content_md5))).await?;
    Ok(Uploaded { bytes: total, content_md5 })
}

/// One block, read straight into the buffer the request sends (one copy from the page cache), on
/// a file-system thread.
async fn read_block(file: Arc<std::fs::File>, offset: u64, len: usize, entry: &LocalEntry) -> Result<Bytes> {
    let read = tokio::task::spawn_blocking(move || {
        let mut buf = BytesMut::zeroed(len);
        read_exact_at(&file, &mut buf, offset).map(|_| buf.freeze())
    })
    .await
    .map_err(|e| EngineError::Internal(format!("reading a block failed: {e}")))?;
    read.map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => EngineError::SourceChanged { path: entry.path.display().to_string() },
        _ => EngineError::local_io(&entry.path, &e),
    })
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The file's MD5, computed on its own thread from the blocks as they are sent, so hashing (one
/// core at most: MD5 is sequential) runs beside reading and sending instead of between them.
struct BackgroundMd5 {
    blocks: tokio::sync::mpsc::Sender<Bytes>,
    digest: tokio::task::JoinHandle<[u8; 16]>,
}

impl BackgroundMd5 {
    fn start() -> Self {
        // A few blocks of slack; the buffers are shared with their requests, not copied.
        let (blocks, mut rx) = tokio::sync::mpsc::channel::<Bytes>(4);
        let digest = tokio::task::spawn_blocking(move || {
            let mut hasher = Md5::new();
            while let Some(block) = rx.blocking_recv() {
                hasher.update(&block);
            }
            hasher.finalize().into()
        });
        Self { blocks, digest }
    }

    async fn feed(&self, block: Bytes) {
        // Only fails once the hashing thread is gone, and then `finish` reports it.
        let _ = self.blocks.send(block).await;
    }

    async fn finish(self) -> Result<[u8; 16]> {
        drop(self.blocks);
        self.digest.await.map_err(|e| EngineError::Internal(format!("hashing a file failed: {e}")))
    }
}

fn flatten<T>(joined: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    joined.map_err(|e| EngineError::Internal(format!("a part upload task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_mtime_round_trips_with_nanoseconds() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 123_456_789);
        let s = format_source_mtime(t);
        assert_eq!(s, "2023-11-14T22:13:20.123456789Z");
        assert_eq!(parse_source_mtime(&s), Some(t));
        assert_eq!(parse_source_mtime("yesterday"), None);
    }

    #[test]
    fn the_same_file_cut_the_same_way_resumes_the_same_upload() {
        let entry = LocalEntry { relative: "a".into(), path: "/a".into(), size: 10, modified: SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(5) };
        let key = resume_key("p/a", &entry, None, 4);
        assert_eq!(key.len(), 32);
        assert!(crate::store::types::upload_id(Some(&key)).is_ok());
        assert_eq!(key, resume_key("p/a", &entry, None, 4));
        assert_ne!(key, resume_key("p/a", &entry, None, 8));
        assert_ne!(key, resume_key("p/b", &entry, None, 4));
        let touched = LocalEntry { modified: entry.modified + std::time::Duration::from_nanos(1), ..entry.clone() };
        assert_ne!(key, resume_key("p/a", &touched, None, 4));
    }
}

/// Local → blob, for the job loop.
pub struct Uploads {
    pub ctx: UploadContext,
    /// The destination prefix inside the container, without a trailing '/'.
    pub prefix: String,
    /// Copying one file: its blob's full name (which may differ from the file's).
    pub single_target: Option<String>,
    pub hasher: std::sync::Arc<crate::local::content_hash::ContentHasher>,
}

#[async_trait::async_trait]
impl crate::transfer::direction::Direction for Uploads {
    type Source = LocalEntry;
    type Dest = crate::plan::RemoteEntry;
    const ACTION: crate::job::events::Action = crate::job::events::Action::Upload;

    fn blob_name(&self, relative: &str) -> String {
        self.single_target.clone().unwrap_or_else(|| crate::plan::blob_name::join(&self.prefix, relative))
    }

    async fn transfer(&self, source: &LocalEntry) -> Result<crate::transfer::direction::Transferred> {
        let blob = crate::transfer::direction::Direction::blob_name(self, &source.relative);
        let up = upload_file(&self.ctx, source, &blob).await?;
        Ok(crate::transfer::direction::Transferred { bytes: up.bytes, content_md5: up.content_md5, warning: None })
    }

    async fn verify(&self, source: &LocalEntry, dest: &crate::plan::RemoteEntry) -> Result<crate::local::content_hash::Verdict> {
        self.hasher.compare(source, dest).await
    }

    async fn delete(&self, relative: &str) -> Result<()> {
        self.ctx.store.delete(&crate::transfer::direction::Direction::blob_name(self, relative)).await
    }
}
