//! The values that cross the store interface: listed blobs, folder pages, properties written with
//! a blob, and the handles of a multipart upload.

use std::collections::HashMap;
use std::time::SystemTime;

/// One blob as a listing (or a head request) describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedBlob {
    pub name: String,
    pub size: u64,
    pub last_modified: SystemTime,
    pub metadata: HashMap<String, String>,
    pub content_md5: Option<Vec<u8>>,
    /// The service's entity tag of this version of the blob: a read pinned to it (`get`'s
    /// `if_match`) fails rather than mix the bytes of two versions.
    pub etag: Option<String>,
}

/// One entry of a folder-at-a-time listing: a blob directly in the folder, or a sub-folder (the
/// shared prefix of the blobs below it, ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderEntry {
    Blob(ListedBlob),
    Folder(String),
}

/// The first page of a folder-at-a-time listing.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
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

/// A multipart upload in progress: the blob it will become and the backend's id for it. The same
/// id given again continues the upload (what a resume needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartUpload {
    pub name: String,
    pub upload_id: String,
}

/// A fresh upload id, or the one given back to resume: always 32 characters of `[0-9a-z]`, so
/// that ids derived from it have one width.
pub fn upload_id(resume: Option<&str>) -> crate::error::Result<String> {
    match resume {
        None => Ok(uuid::Uuid::new_v4().simple().to_string()),
        Some(id) if id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) => Ok(id.to_string()),
        Some(_) => Err(crate::error::EngineError::InvalidSpec("an upload id to resume is 32 characters of 0-9 and a-z".into())),
    }
}

/// What the backend calls one uploaded part (Azure: its block id; S3: its ETag). Completing an
/// upload takes these, in content order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartId(pub String);

/// A part that an earlier attempt already uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedPart {
    pub index: u32,
    pub size: u64,
    pub id: PartId,
}
