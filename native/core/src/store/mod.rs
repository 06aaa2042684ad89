//! The one interface the engine moves bytes through, backend-neutral: paged listing, head, ranged
//! get, put, multipart (start → upload id; put part → part id; complete; abort), delete, set
//! properties; optional capabilities ([`Capabilities`]) asked at run time; limits per backend
//! ([`StoreLimits`]). Backends map their own errors into [`EngineError`](crate::error::EngineError)
//! so that the job and the hosts see one vocabulary.
//!
//! | file                  | what                                                              |
//! |-----------------------|-------------------------------------------------------------------|
//! | `types.rs`            | values crossing the interface (listed blobs, properties, parts)   |
//! | `limits.rs`           | limits and capabilities of one backend                            |
//! | `memory.rs`           | an in-memory store that lists as Azurite does (tests, examples)    |
//! | `parallel_listing.rs` | a prefix listed folder by folder, stitched back in name order     |
//! | `retrying.rs`         | any store with the job's retries around every request              |
//! | `azure/`              | Azure Blob Storage over the official SDK                           |
//!
//! One conformance suite (`native/core/tests/store_conformance*.rs`) runs on every backend.

pub mod azure;
pub mod hedged;
pub mod limits;
pub mod memory;
pub mod parallel_listing;
pub mod retrying;
pub mod types;

pub use limits::{Capabilities, StoreLimits};
pub use types::*;

use crate::error::{EngineError, Result};
use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use std::collections::HashMap;
use std::ops::Range;

#[async_trait]
pub trait BlobStore: Send + Sync {
    fn limits(&self) -> StoreLimits;
    fn capabilities(&self) -> Capabilities;

    /// Blobs whose names start with `prefix`, in the service's name order, a page at a time.
    fn list(&self, prefix: &str) -> BoxStream<'static, Result<Vec<ListedBlob>>>;
    /// Optional ([`Capabilities::folder_listing`]): one page (up to 5,000 entries) of the blobs and
    /// sub-folders directly under `prefix` (a `/`-delimited listing), in the service's name order,
    /// starting at `marker` (the previous page's `next_marker`; `None` for the first page).
    async fn list_folder_page(&self, _prefix: &str, _marker: Option<&str>) -> Result<FolderPage> {
        Err(EngineError::NotSupported { what: "folder-by-folder listing" })
    }
    /// One blob's description, or `None` when there is no such blob.
    async fn head(&self, name: &str) -> Result<Option<ListedBlob>>;
    /// The blob's content (or the bytes in `range`) as a stream of chunks, in order.
    /// `BlobNotFound` when there is no such blob; with `if_match` (an [`ListedBlob::etag`]),
    /// `SourceChanged` when the blob is no longer that version, so a read resumed after a cut, or
    /// a download of what the plan listed, never stitches two versions together.
    async fn get(&self, name: &str, range: Option<Range<u64>>, if_match: Option<&str>) -> Result<BoxStream<'static, Result<Bytes>>>;
    /// Creates or replaces a blob in one request (up to [`StoreLimits::max_single_put`]).
    async fn put(&self, name: &str, content: Bytes, properties: &BlobProperties) -> Result<()>;

    /// Starts a multipart upload of `name`, or continues the one with id `resume` (whose parts
    /// [`staged_parts`](Self::staged_parts) then reports).
    async fn start_multipart(&self, name: &str, resume: Option<&str>) -> Result<MultipartUpload>;
    /// The parts already uploaded under this upload and not yet completed, by index.
    async fn staged_parts(&self, upload: &MultipartUpload) -> Result<Vec<StagedPart>>;
    /// Uploads part `index` (0-based); invisible until the upload is completed.
    async fn put_part(&self, upload: &MultipartUpload, index: u32, content: Bytes) -> Result<PartId>;
    /// Makes these parts, in this order, the blob's content, with `properties`.
    async fn complete_multipart(&self, upload: &MultipartUpload, parts: Vec<PartId>, properties: &BlobProperties) -> Result<()>;
    /// Gives up an upload; its parts are discarded (at once, or by the service later).
    async fn abort_multipart(&self, upload: &MultipartUpload) -> Result<()>;

    /// Deletes a blob (and its snapshots); a blob already gone counts as deleted.
    async fn delete(&self, name: &str) -> Result<()>;
    /// Replaces the blob's content type, cache control and metadata, keeping its content.
    async fn set_properties(&self, name: &str, properties: &BlobProperties) -> Result<()>;

    /// Optional ([`Capabilities::signed_read_url`]): a URL another service request can read this
    /// blob through (carrying this store's SAS, if any).
    fn signed_read_url(&self, _name: &str) -> Option<url::Url> {
        None
    }
    /// Optional ([`Capabilities::copy_from_url`]): makes `name` a server-side copy of the blob at
    /// `source` (the service reads it; no bytes pass through this machine), with `metadata`, and
    /// waits until the copy has completed.
    async fn copy_from_url(&self, _name: &str, _source: &url::Url, _metadata: HashMap<String, String>) -> Result<()> {
        Err(EngineError::NotSupported { what: "server-side copy from a URL" })
    }
    /// Checks the container can be reached and read with the credentials given.
    async fn check_container(&self) -> Result<()>;
}

/// Metadata key holding the source file's modified time (RFC 3339, UTC). The same key rclone uses,
/// so either tool recognises the other's uploads.
pub const SOURCE_MTIME_KEY: &str = "mtime";
