//! How a file is cut into parts: one put for small files, otherwise parts sized so that the file
//! fits in the store's part count ([`StoreLimits`]), never smaller than its minimum part.

use crate::error::{EngineError, Result};
use crate::store::StoreLimits;
use crate::store::limits::AZURE_BLOCK_BLOB;

const MIB: u64 = 1024 * 1024;
/// Part size when the file is small enough for it (AzCopy's default too): large enough to keep
/// request overhead low, small enough that many parts fit in memory at once.
pub const DEFAULT_PART_SIZE: u64 = 8 * MIB;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadShape {
    /// One put carrying the whole file.
    Single,
    /// `count` parts of `part_size` bytes (the last one shorter), then a completion.
    Parts { part_size: u64, count: u64 },
}

/// Chooses how to upload a file of `size` bytes to a store with `limits`. `requested` is a user's
/// part size, honoured when the file still fits in the store's part count with it.
pub fn shape_for(size: u64, requested: Option<u64>, limits: &StoreLimits) -> Result<UploadShape> {
    if size > limits.max_object_size {
        return Err(EngineError::InvalidSpec(format!(
            "a file of {size} bytes is larger than the store's largest object ({} bytes)",
            limits.max_object_size
        )));
    }
    let preferred = requested.unwrap_or(DEFAULT_PART_SIZE).max(limits.min_part_size);
    if size <= preferred.min(limits.max_single_put) {
        return Ok(UploadShape::Single);
    }
    // Smallest whole MiB that fits the file in the part count, never below the preferred size.
    let needed = size.div_ceil(limits.max_parts).div_ceil(MIB) * MIB;
    let part_size = preferred.max(needed).min(limits.max_part_size);
    Ok(UploadShape::Parts { part_size, count: size.div_ceil(part_size) })
}

/// A user's block size, checked before the store is known (against Azure's limits, the tighter
/// of the backends for a part's largest size).
pub fn validate_block_size(bytes: u64) -> Result<()> {
    let max = AZURE_BLOCK_BLOB.max_part_size;
    if bytes == 0 || bytes > max {
        return Err(EngineError::InvalidSpec(format!("block size must be between 1 byte and {max} bytes (4000 MiB), got {bytes}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const AZ: &StoreLimits = &AZURE_BLOCK_BLOB;

    #[test]
    fn small_files_go_in_one_request() {
        assert_eq!(shape_for(0, None, AZ).unwrap(), UploadShape::Single);
        assert_eq!(shape_for(DEFAULT_PART_SIZE, None, AZ).unwrap(), UploadShape::Single);
    }

    #[test]
    fn larger_files_use_default_parts() {
        assert_eq!(shape_for(DEFAULT_PART_SIZE + 1, None, AZ).unwrap(), UploadShape::Parts { part_size: DEFAULT_PART_SIZE, count: 2 });
        assert_eq!(shape_for(100 * MIB, Some(4 * MIB), AZ).unwrap(), UploadShape::Parts { part_size: 4 * MIB, count: 25 });
    }

    #[test]
    fn part_size_grows_so_every_size_up_to_the_limit_fits() {
        let max = AZ.max_object_size;
        for size in [AZ.max_parts * DEFAULT_PART_SIZE + 1, 1 << 40, 5 << 40, 100 << 40, max - 1, max] {
            let UploadShape::Parts { part_size, count } = shape_for(size, None, AZ).unwrap() else { panic!("{size}") };
            assert!(count <= AZ.max_parts, "{size}: {count} parts");
            assert!(part_size <= AZ.max_part_size);
            assert!(part_size * count >= size && part_size * (count - 1) < size);
        }
    }

    #[test]
    fn refuses_files_beyond_the_store_s_limit() {
        assert!(shape_for(AZ.max_object_size + 1, None, AZ).is_err());
    }

    #[test]
    fn another_store_s_limits_shape_the_parts() {
        // S3-like: at most 10,000 parts of at least 5 MiB, 5 GiB in one put.
        let s3 = StoreLimits { max_parts: 10_000, min_part_size: 5 * MIB, max_part_size: 5 * 1024 * MIB, max_single_put: 5 * 1024 * MIB, max_object_size: 5 << 40, max_name_len: 1024 };
        assert_eq!(shape_for(4 * MIB, Some(MIB), &s3).unwrap(), UploadShape::Single, "never below the minimum part");
        assert_eq!(shape_for(11 * MIB, Some(MIB), &s3).unwrap(), UploadShape::Parts { part_size: 5 * MIB, count: 3 });
        let UploadShape::Parts { count, .. } = shape_for(1 << 40, None, &s3).unwrap() else { panic!() };
        assert!(count <= 10_000);
    }
}
