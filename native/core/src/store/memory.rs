//! A store in memory that behaves as Azurite does where the engine can tell: listing in the
//! service's name order (UTF-16 code units), pages of a set size, `/`-delimited folder pages,
//! staged parts invisible until completed and discarded by a completion, deletes of missing blobs
//! that succeed. For unit tests of everything above the store, and the reference the conformance
//! suite is checked against.

use crate::error::{EngineError, Result};
use crate::plan::blob_name;
use crate::store::limits::{AZURE_BLOCK_BLOB, Capabilities, StoreLimits};
use crate::store::{BlobProperties, BlobStore, FolderEntry, FolderPage, ListedBlob, MultipartUpload, PartId, StagedPart};
use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use md5_asm::{Digest, Md5};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Mutex;
use std::time::SystemTime;

#[derive(Debug, Clone)]
struct StoredBlob {
    content: Bytes,
    properties: BlobProperties,
    last_modified: SystemTime,
    /// A new one for every write, as the service's ETag.
    etag: String,
}

#[derive(Default)]
struct State {
    blobs: BTreeMap<String, StoredBlob>,
    /// Uncommitted parts per blob name, by part id (as Azure keeps blocks per blob).
    staged: HashMap<String, HashMap<PartId, (u32, Bytes)>>,
    /// Writes so far: the source of each new version's ETag.
    writes: u64,
}

/// A test's hook into every call: given the operation (`"put"`, `"put_part"`, `"complete"`,
/// `"get"`, `"get.body"`, `"list"`, `"list.page"`) and the blob (or prefix), an error to fail it
/// with. A `"get.body"` error cuts the body after its first chunk, as a dropped connection does; a
/// `"list.page"` error, a listing after its first page.
pub type FaultHook = std::sync::Arc<dyn Fn(&str, &str) -> Option<EngineError> + Send + Sync>;

/// A test's hook for answers that never come: given `"list"` or `"list.folder"` (and the prefix) or
/// `"get.body"` (and the blob), whether that listing never yields a page, or that body stops after its first chunk
/// and then delivers nothing, as a stalled connection does.
pub type StallHook = std::sync::Arc<dyn Fn(&str, &str) -> bool + Send + Sync>;

pub struct MemoryStore {
    state: Mutex<State>,
    page_size: usize,
    limits: StoreLimits,
    faults: Option<FaultHook>,
    stalls: Option<StallHook>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(5000)
    }
}

impl MemoryStore {
    /// A store whose listings come `page_size` entries a page (the service's is 5,000).
    pub fn new(page_size: usize) -> Self {
        Self { state: Mutex::new(State::default()), page_size: page_size.max(1), limits: AZURE_BLOCK_BLOB, faults: None, stalls: None }
    }

    /// The same store with other limits (e.g. small parts, to exercise part sizing).
    pub fn with_limits(mut self, limits: StoreLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The same store failing calls as `hook` says (retries, torn sources, cut bodies in tests).
    pub fn with_faults(mut self, hook: FaultHook) -> Self {
        self.faults = Some(hook);
        self
    }

    /// The same store stalling listings and bodies as `hook` says.
    pub fn with_stalls(mut self, hook: StallHook) -> Self {
        self.stalls = Some(hook);
        self
    }

    fn stalls(&self, operation: &str, name: &str) -> bool {
        self.stalls.as_ref().is_some_and(|hook| hook(operation, name))
    }

    fn fault(&self, operation: &str, name: &str) -> Result<()> {
        match self.faults.as_ref().and_then(|hook| hook(operation, name)) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A blob's whole content, for tests' assertions.
    pub fn content(&self, name: &str) -> Option<Bytes> {
        self.state().blobs.get(name).map(|b| b.content.clone())
    }

    fn listed(name: &str, blob: &StoredBlob) -> ListedBlob {
        ListedBlob {
            name: name.to_string(),
            size: blob.content.len() as u64,
            last_modified: blob.last_modified,
            metadata: blob.properties.metadata.clone(),
            content_md5: blob.properties.content_md5.map(|m| m.to_vec()),
            etag: Some(blob.etag.clone()),
        }
    }

    fn store(&self, name: &str, content: Bytes, properties: &BlobProperties) {
        let mut properties = properties.clone();
        // As the service does for a single put without an MD5.
        if properties.content_md5.is_none() {
            properties.content_md5 = Some(Md5::digest(&content).into());
        }
        let mut state = self.state();
        state.staged.remove(name);
        let etag = state.next_etag();
        state.blobs.insert(name.to_string(), StoredBlob { content, properties, last_modified: SystemTime::now(), etag });
    }
}

impl State {
    fn next_etag(&mut self) -> String {
        self.writes += 1;
        format!("\"0x{:X}\"", self.writes)
    }
}

fn part_id(upload_id: &str, index: u32) -> PartId {
    PartId(format!("{upload_id}-{index:05}"))
}

fn part_index(upload_id: &str, id: &str) -> Option<u32> {
    id.strip_prefix(upload_id)?.strip_prefix('-')?.parse().ok()
}

fn not_found(name: &str) -> EngineError {
    EngineError::BlobNotFound { name: name.to_string() }
}

#[async_trait]
impl BlobStore for MemoryStore {
    fn limits(&self) -> StoreLimits {
        self.limits
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { folder_listing: true, signed_read_url: true, copy_from_url: false }
    }

    fn list(&self, prefix: &str) -> BoxStream<'static, Result<Vec<ListedBlob>>> {
        if let Err(e) = self.fault("list", prefix) {
            return futures::stream::once(async move { Err(e) }).boxed();
        }
        if self.stalls("list", prefix) {
            return futures::stream::pending().boxed();
        }
        let mut all: Vec<ListedBlob> = self.state().blobs.iter().filter(|(n, _)| n.starts_with(prefix)).map(|(n, b)| Self::listed(n, b)).collect();
        all.sort_by(|a, b| blob_name::compare(&a.name, &b.name));
        let mut pages: Vec<Result<Vec<ListedBlob>>> = all.chunks(self.page_size).map(|c| Ok(c.to_vec())).collect();
        if let Err(e) = self.fault("list.page", prefix) {
            // The connection breaks after the first page.
            pages.truncate(1);
            pages.push(Err(e));
        }
        futures::stream::iter(pages).boxed()
    }

    async fn list_folder_page(&self, prefix: &str, marker: Option<&str>) -> Result<FolderPage> {
        self.fault("list", prefix)?;
        if self.stalls("list.folder", prefix) {
            futures::future::pending::<()>().await;
        }
        let state = self.state();
        let mut entries: Vec<(String, FolderEntry)> = Vec::new();
        for (name, blob) in state.blobs.iter().filter(|(n, _)| n.starts_with(prefix)) {
            match name[prefix.len()..].find('/') {
                Some(at) => {
                    let folder = name[..prefix.len() + at + 1].to_string();
                    if !entries.iter().any(|(k, _)| *k == folder) {
                        entries.push((folder.clone(), FolderEntry::Folder(folder)));
                    }
                }
                None => entries.push((name.clone(), FolderEntry::Blob(Self::listed(name, blob)))),
            }
        }
        entries.sort_by(|a, b| blob_name::compare(&a.0, &b.0));
        // Azurite sends a level's folders before its blobs (each in name order); callers re-sort.
        entries.sort_by_key(|(_, e)| matches!(e, FolderEntry::Blob(_)));
        // The marker is the index of the page's first entry: as opaque to callers as the service's.
        let start: usize = match marker {
            Some(m) => m.parse().map_err(|_| EngineError::Internal(format!("not a marker of this store: {m}")))?,
            None => 0,
        };
        let end = (start + self.page_size).min(entries.len());
        let next_marker = (end < entries.len()).then(|| end.to_string());
        let page = entries.into_iter().skip(start).take(end.saturating_sub(start)).map(|(_, e)| e).collect();
        Ok(FolderPage { entries: page, next_marker })
    }

    async fn head(&self, name: &str) -> Result<Option<ListedBlob>> {
        Ok(self.state().blobs.get(name).map(|b| Self::listed(name, b)))
    }

    async fn get(&self, name: &str, range: Option<Range<u64>>, if_match: Option<&str>) -> Result<BoxStream<'static, Result<Bytes>>> {
        self.fault("get", name)?;
        let (content, etag) = self.state().blobs.get(name).map(|b| (b.content.clone(), b.etag.clone())).ok_or_else(|| not_found(name))?;
        if if_match.is_some_and(|wanted| wanted != etag) {
            return Err(EngineError::SourceChanged { path: name.to_string() });
        }
        let len = content.len() as u64;
        let range = range.unwrap_or(0..len);
        if range.start > range.end || (range.start >= len && len > 0) {
            return Err(EngineError::Service { status: Some(416), code: Some("InvalidRange".into()), message: "the range is outside the blob".into(), retry_after_secs: None });
        }
        let slice = content.slice(range.start as usize..range.end.min(len) as usize);
        // Chunks of 64 KiB, as a network body arrives.
        let mut chunks: Vec<Result<Bytes>> = (0..slice.len()).step_by(64 * 1024).map(|at| Ok(slice.slice(at..(at + 64 * 1024).min(slice.len())))).collect();
        if let Err(cut) = self.fault("get.body", name) {
            chunks.truncate(1);
            chunks.push(Err(cut));
        }
        if self.stalls("get.body", name) {
            chunks.truncate(1);
            return Ok(futures::stream::iter(chunks).chain(futures::stream::pending()).boxed());
        }
        Ok(futures::stream::iter(chunks).boxed())
    }

    async fn put(&self, name: &str, content: Bytes, properties: &BlobProperties) -> Result<()> {
        self.fault("put", name)?;
        self.store(name, content, properties);
        Ok(())
    }

    async fn start_multipart(&self, name: &str, resume: Option<&str>) -> Result<MultipartUpload> {
        Ok(MultipartUpload { name: name.to_string(), upload_id: crate::store::types::upload_id(resume)? })
    }

    async fn staged_parts(&self, upload: &MultipartUpload) -> Result<Vec<StagedPart>> {
        let state = self.state();
        let mut parts: Vec<StagedPart> = state
            .staged
            .get(&upload.name)
            .into_iter()
            .flatten()
            .filter(|(id, _)| part_index(&upload.upload_id, &id.0).is_some())
            .map(|(id, (index, bytes))| StagedPart { index: *index, size: bytes.len() as u64, id: id.clone() })
            .collect();
        parts.sort_by_key(|p| p.index);
        Ok(parts)
    }

    async fn put_part(&self, upload: &MultipartUpload, index: u32, content: Bytes) -> Result<PartId> {
        if u64::from(index) >= self.limits.max_parts {
            return Err(EngineError::Service { status: Some(400), code: Some("InvalidBlockId".into()), message: format!("part {index} is beyond the limit"), retry_after_secs: None });
        }
        self.fault("put_part", &upload.name)?;
        let id = part_id(&upload.upload_id, index);
        self.state().staged.entry(upload.name.clone()).or_default().insert(id.clone(), (index, content));
        Ok(id)
    }

    async fn complete_multipart(&self, upload: &MultipartUpload, parts: Vec<PartId>, properties: &BlobProperties) -> Result<()> {
        self.fault("complete", &upload.name)?;
        let mut content = Vec::new();
        {
            let state = self.state();
            let staged = state.staged.get(&upload.name);
            for id in &parts {
                let (_, bytes) = staged.and_then(|s| s.get(id)).ok_or_else(|| EngineError::Service {
                    status: Some(400),
                    code: Some("InvalidBlockList".into()),
                    message: format!("part '{}' was never uploaded", id.0), retry_after_secs: None
                })?;
                content.extend_from_slice(bytes);
            }
        }
        // A multipart upload has no service-computed MD5; only what the caller gives.
        let mut state = self.state();
        state.staged.remove(&upload.name);
        let etag = state.next_etag();
        state.blobs.insert(upload.name.clone(), StoredBlob { content: content.into(), properties: properties.clone(), last_modified: SystemTime::now(), etag });
        Ok(())
    }

    async fn abort_multipart(&self, upload: &MultipartUpload) -> Result<()> {
        if let Some(staged) = self.state().staged.get_mut(&upload.name) {
            staged.retain(|id, _| part_index(&upload.upload_id, &id.0).is_none());
        }
        Ok(())
    }

    async fn delete(&self, name: &str) -> Result<()> {
        self.state().blobs.remove(name);
        Ok(())
    }

    async fn set_properties(&self, name: &str, properties: &BlobProperties) -> Result<()> {
        let mut state = self.state();
        // Metadata is part of the version, as the service counts it: a new ETag.
        let etag = state.next_etag();
        let blob = state.blobs.get_mut(name).ok_or_else(|| not_found(name))?;
        blob.etag = etag;
        blob.properties.content_type = properties.content_type.clone();
        blob.properties.cache_control = properties.cache_control.clone();
        blob.properties.metadata = properties.metadata.clone();
        Ok(())
    }

    fn signed_read_url(&self, name: &str) -> Option<url::Url> {
        url::Url::parse("memory://store/").ok()?.join(name).ok()
    }

    async fn check_container(&self) -> Result<()> {
        Ok(())
    }
}
