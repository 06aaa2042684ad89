//! The one interface the engine moves bytes through. Backends map their own errors into
//! [`EngineError`] so that the job and the hosts see one vocabulary.

pub mod azure;
pub mod parallel_listing;

use crate::error::Result;
use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use std::collections::HashMap;
use std::time::SystemTime;

/// One blob as a listing describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedBlob {
    pub name: String,
    pub size: u64,
    pub last_modified: SystemTime,
    pub metadata: HashMap<String, String>,
    pub content_md5: Option<Vec<u8>>,
}

/// One entry of a folder-at-a-time listing: a blob directly in the folder, or a sub-folder (the
/// shared prefix of the blobs below it, ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderEntry {
    Blob(ListedBlob),
    Folder(String),
}

/// One page of a folder-at-a-time listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderPage {
    pub entries: Vec<FolderEntry>,
    /// Where the next page starts, when the service has more entries than this page holds.
    pub next_marker: Option<String>,
}

impl FolderPage {
    pub fn truncated(&self) -> bool {
        self.next_marker.is_some()
    }
}

/// Properties written with a blob's content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlobProperties {
    pub content_type: Option<String>,
    pub content_md5: Option<[u8; 16]>,
    pub cache_control: Option<String>,
    pub metadata: HashMap<String, String>,
    /// Blob index tags (at most 10).
    pub tags: Vec<(String, String)>,
    pub access_tier: Option<AccessTier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum AccessTier {
    Hot,
    Cool,
    Cold,
    Archive,
}

/// What the user asks every uploaded blob to carry, beside its content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadProperties {
    /// Overrides the type guessed from the file's extension.
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub metadata: HashMap<String, String>,
    pub tags: Vec<(String, String)>,
    pub access_tier: Option<AccessTier>,
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Blobs whose names start with `prefix`, in the service's name order, a page at a time.
    fn list(&self, prefix: &str) -> BoxStream<'static, Result<Vec<ListedBlob>>>;
    /// One page (up to 5,000 entries) of the blobs and sub-folders directly under `prefix` (a
    /// `/`-delimited listing), starting at `marker` (the previous page's `next_marker`; `None` for
    /// the first page).
    async fn list_folder_page(&self, prefix: &str, marker: Option<&str>) -> Result<FolderPage>;
    /// Creates or replaces a blob in one request.
    async fn put_blob(&self, name: &str, content: Bytes, properties: &BlobProperties) -> Result<()>;
    /// Uploads one uncommitted block; invisible until [`commit_blocks`](Self::commit_blocks).
    async fn stage_block(&self, name: &str, block_id: &[u8], content: Bytes) -> Result<()>;
    /// Makes the staged blocks, in this order, the blob's content.
    async fn commit_blocks(&self, name: &str, block_ids: Vec<Vec<u8>>, properties: &BlobProperties) -> Result<()>;
    /// The blob's content as a stream of chunks, in order.
    async fn download(&self, name: &str) -> Result<BoxStream<'static, Result<Bytes>>>;
    /// The URL another service request can read this blob through (with the SAS, if any).
    fn blob_url(&self, name: &str) -> url::Url;
    /// Makes `name` a server-side copy of the blob at `source` (the service reads it; no bytes pass
    /// through this machine), with `metadata`, and waits until the copy has completed.
    async fn copy_from_url(&self, name: &str, source: &url::Url, metadata: HashMap<String, String>) -> Result<()>;
    /// Deletes a blob (and its snapshots); a blob already gone counts as deleted.
    async fn delete_blob(&self, name: &str) -> Result<()>;
    /// Checks the container can be reached and read with the credentials given.
    async fn check_container(&self) -> Result<()>;
}

/// Metadata key holding the source file's modified time (RFC 3339, UTC). The same key rclone uses,
/// so either tool recognises the other's uploads.
pub const SOURCE_MTIME_KEY: &str = "mtime";
