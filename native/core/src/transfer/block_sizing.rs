//! How a file is cut into blocks: one Put Blob for small files, otherwise staged blocks sized so
//! that any file up to the service's limit fits in its 50,000 blocks.

use crate::error::{EngineError, Result};

const MIB: u64 = 1024 * 1024;
/// The service's cap on blocks per blob.
pub const MAX_BLOCKS: u64 = 50_000;
/// The service's cap on one staged block (4000 MiB).
pub const MAX_BLOCK_SIZE: u64 = 4000 * MIB;
/// The service's cap on a block blob: 50,000 × 4000 MiB.
pub const MAX_BLOB_SIZE: u64 = MAX_BLOCKS * MAX_BLOCK_SIZE;
/// Block size when the file is small enough for it (AzCopy's default too): large enough to keep
/// request overhead low, small enough that many blocks fit in memory at once.
pub const DEFAULT_BLOCK_SIZE: u64 = 8 * MIB;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadShape {
    /// One Put Blob request carrying the whole file.
    Single,
    /// `count` blocks of `block_size` bytes (the last one shorter), then a block list commit.
    Blocks { block_size: u64, count: u64 },
}

/// Chooses how to upload a file of `size` bytes. `requested` is a user's block size, honoured when
/// the file still fits in 50,000 blocks of it.
pub fn shape_for(size: u64, requested: Option<u64>) -> Result<UploadShape> {
    if size > MAX_BLOB_SIZE {
        return Err(EngineError::InvalidSpec(format!(
            "a file of {size} bytes is larger than the largest block blob ({MAX_BLOB_SIZE} bytes)"
        )));
    }
    let preferred = requested.unwrap_or(DEFAULT_BLOCK_SIZE);
    if size <= preferred {
        return Ok(UploadShape::Single);
    }
    // Smallest whole MiB that fits the file in MAX_BLOCKS blocks, never below the preferred size.
    let needed = size.div_ceil(MAX_BLOCKS).div_ceil(MIB) * MIB;
    let block_size = preferred.max(needed).min(MAX_BLOCK_SIZE);
    Ok(UploadShape::Blocks { block_size, count: size.div_ceil(block_size) })
}

pub fn validate_block_size(bytes: u64) -> Result<()> {
    if bytes == 0 || bytes > MAX_BLOCK_SIZE {
        return Err(EngineError::InvalidSpec(format!(
            "block size must be between 1 byte and {MAX_BLOCK_SIZE} bytes (4000 MiB), got {bytes}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_go_in_one_request() {
        assert_eq!(shape_for(0, None).unwrap(), UploadShape::Single);
        assert_eq!(shape_for(DEFAULT_BLOCK_SIZE, None).unwrap(), UploadShape::Single);
    }

    #[test]
    fn larger_files_use_default_blocks() {
        assert_eq!(
            shape_for(DEFAULT_BLOCK_SIZE + 1, None).unwrap(),
            UploadShape::Blocks { block_size: DEFAULT_BLOCK_SIZE, count: 2 }
        );
        assert_eq!(shape_for(100 * MIB, Some(4 * MIB)).unwrap(), UploadShape::Blocks { block_size: 4 * MIB, count: 25 });
    }

    #[test]
    fn block_size_grows_so_every_size_up_to_the_limit_fits() {
        for size in [MAX_BLOCKS * DEFAULT_BLOCK_SIZE + 1, 1 << 40, 5 << 40, 100 << 40, MAX_BLOB_SIZE - 1, MAX_BLOB_SIZE] {
            let UploadShape::Blocks { block_size, count } = shape_for(size, None).unwrap() else { panic!("{size}") };
            assert!(count <= MAX_BLOCKS, "{size}: {count} blocks");
            assert!(block_size <= MAX_BLOCK_SIZE);
            assert!(block_size * count >= size && block_size * (count - 1) < size);
        }
    }

    #[test]
    fn refuses_files_beyond_the_service_limit() {
        assert!(shape_for(MAX_BLOB_SIZE + 1, None).is_err());
    }
}
