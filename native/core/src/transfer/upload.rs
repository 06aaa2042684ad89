//! Moving one file's bytes into a blob: one Put Blob for small files, staged blocks committed with a
//! block list for large ones. The MD5 is computed from the same reads that feed the requests, never
//! from a second pass over the file. Every request holds a slot of the job's request semaphore
//! *before* it reads its bytes, so memory stays bounded by slots × block size.

use crate::transfer::block_sizing::{UploadShape, shape_for};
use crate::error::{EngineError, Result};
use crate::local::walk::LocalEntry;
use crate::job::progress::Progress;
use crate::store::{BlobProperties, BlobStore, SOURCE_MTIME_KEY};
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
    pub cancel: CancellationToken,
    pub progress: Arc<Progress>,
    pub put_md5: bool,
    pub block_size: Option<u64>,
    pub properties: crate::store::UploadProperties,
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

/// Fails when the file's size or modified time moved since it was listed: what was read may mix
/// two versions, so it must not be committed.
async fn ensure_unchanged(entry: &LocalEntry, bytes_read: u64) -> Result<()> {
    let meta = tokio::fs::metadata(&entry.path).await.map_err(|e| EngineError::local_io(&entry.path, &e))?;
    let moved = meta.len() != entry.size || bytes_read != entry.size || meta.modified().ok() != Some(entry.modified);
    if moved { Err(EngineError::SourceChanged { path: entry.path.display().to_string() }) } else { Ok(()) }
}

async fn cancellable<T>(cancel: &CancellationToken, fut: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(EngineError::Cancelled),
        r = fut => r,
    }
}

pub async fn upload_file(ctx: &UploadContext, entry: &LocalEntry, blob: &str) -> Result<Uploaded> {
    match shape_for(entry.size, ctx.block_size)? {
        UploadShape::Single => upload_single(ctx, entry, blob).await,
        UploadShape::Blocks { block_size, count } => upload_blocks(ctx, entry, blob, block_size, count).await,
    }
}

async fn upload_single(ctx: &UploadContext, entry: &LocalEntry, blob: &str) -> Result<Uploaded> {
    let _slot = cancellable(&ctx.cancel, async { Ok(ctx.request_slots.acquire().await.expect("never closed")) }).await?;
    let content = tokio::fs::read(&entry.path).await.map_err(|e| EngineError::local_io(&entry.path, &e))?;
    ensure_unchanged(entry, content.len() as u64).await?;
    let content_md5 = ctx.put_md5.then(|| Md5::digest(&content).into());
    let bytes = content.len() as u64;
    cancellable(&ctx.cancel, ctx.store.put_blob(blob, Bytes::from(content), &properties(ctx, entry, content_md5))).await?;
    Progress::add(&ctx.progress.bytes_transferred, bytes);
    Ok(Uploaded { bytes, content_md5 })
}

fn block_id(upload_id: &uuid::Uuid, index: u64) -> Vec<u8> {
    // Same length for every block of a blob, as the service requires; unique per attempt so blocks
    // left over from an earlier, abandoned attempt are never mixed in.
    let mut id = upload_id.as_bytes().to_vec();
    id.extend_from_slice(&index.to_be_bytes());
    id
}

async fn upload_blocks(ctx: &UploadContext, entry: &LocalEntry, blob: &str, block_size: u64, count: u64) -> Result<Uploaded> {
    let path = entry.path.clone();
    let file = tokio::task::spawn_blocking(move || std::fs::File::open(path))
        .await
        .map_err(|e| EngineError::Internal(format!("opening a file failed: {e}")))?
        .map_err(|e| EngineError::local_io(&entry.path, &e))?;
    let file = Arc::new(file);
    let upload_id = uuid::Uuid::new_v4();
    let md5 = ctx.put_md5.then(BackgroundMd5::start);
    let mut staged = JoinSet::new();
    let mut ids = Vec::with_capacity(count as usize);
    let mut total = 0u64;
    let result: Result<()> = async {
        for index in 0..count {
            let slot = cancellable(&ctx.cancel, async { Ok(ctx.request_slots.clone().acquire_owned().await.expect("never closed")) }).await?;
            let want = block_size.min(entry.size - total) as usize;
            let buf = read_block(file.clone(), total, want, entry).await?;
            if let Some(md5) = md5.as_ref() {
                md5.feed(buf.clone()).await;
            }
            total += want as u64;
            let id = block_id(&upload_id, index);
            ids.push(id.clone());
            let (store, blob, cancel, progress) = (ctx.store.clone(), blob.to_string(), ctx.cancel.clone(), ctx.progress.clone());
            staged.spawn(async move {
                let _slot = slot;
                cancellable(&cancel, store.stage_block(&blob, &id, buf)).await?;
                Progress::add(&progress.bytes_transferred, want as u64);
                Ok::<_, EngineError>(())
            });
            // Surface a failed block early instead of reading the rest of a large file for nothing.
            while let Some(done) = staged.try_join_next() {
                flatten(done)?;
            }
        }
        while let Some(done) = staged.join_next().await {
            flatten(done)?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        staged.abort_all();
        return Err(e);
    }
    ensure_unchanged(entry, total).await?;
    let content_md5 = match md5 {
        Some(md5) => Some(md5.finish().await?),
        None => None,
    };
    cancellable(&ctx.cancel, ctx.store.commit_blocks(blob, ids, &properties(ctx, entry, content_md5))).await?;
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

fn flatten(joined: std::result::Result<Result<()>, tokio::task::JoinError>) -> Result<()> {
    joined.map_err(|e| EngineError::Internal(format!("a block upload task failed: {e}")))?
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
    fn block_ids_have_one_length() {
        let u = uuid::Uuid::new_v4();
        assert_eq!(block_id(&u, 0).len(), block_id(&u, 49_999).len());
        assert_ne!(block_id(&u, 1), block_id(&u, 2));
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
        self.ctx.store.delete_blob(&crate::transfer::direction::Direction::blob_name(self, relative)).await
    }
}
