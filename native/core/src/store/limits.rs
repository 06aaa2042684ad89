//! What one backend allows and offers, so that part sizing and the choice of transfer follow the
//! store instead of one service's constants.

const MIB: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// Most parts one multipart upload may have.
    pub max_parts: u64,
    /// Largest part.
    pub max_part_size: u64,
    /// Smallest part except the last (S3: 5 MiB; Azure: none).
    pub min_part_size: u64,
    /// Largest object written in one request.
    pub max_single_put: u64,
    /// Largest object.
    pub max_object_size: u64,
    /// Longest name, in bytes.
    pub max_name_len: usize,
}

/// Azure block blobs (service version 2019-12-12 and later).
pub const AZURE_BLOCK_BLOB: StoreLimits = StoreLimits {
    max_parts: 50_000,
    max_part_size: 4000 * MIB,
    min_part_size: 1,
    max_single_put: 5000 * MIB,
    max_object_size: 50_000 * 4000 * MIB,
    max_name_len: 1024,
};

/// Optional operations, discovered at run time: a job asks the store instead of knowing the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// `list_folder_page`: one `/`-delimited level at a time.
    pub folder_listing: bool,
    /// `signed_read_url`: a URL another service can read a blob through.
    pub signed_read_url: bool,
    /// `copy_from_url`: the service copies from a URL itself (no bytes through this machine).
    pub copy_from_url: bool,
}
