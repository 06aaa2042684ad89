//! Multipart uploads as Azure block blobs: part `i` of upload `u` is the block whose id is
//! `azbs-<u>-<i, five digits>` (base64-encoded on the wire by the SDK). Every id of an upload has
//! one width, as the service requires, and a later attempt with the same upload id recognises the
//! blocks an earlier one staged (Get Block List, uncommitted) and sends only the rest.

use crate::store::{PartId, StagedPart};

const TAG: &str = "azbs-";

pub fn block_id(upload_id: &str, index: u32) -> PartId {
    PartId(format!("{TAG}{upload_id}-{index:05}"))
}

/// The part index a block id of this upload stands for; `None` for anyone else's block.
pub fn part_index(upload_id: &str, block_id: &[u8]) -> Option<u32> {
    let id = std::str::from_utf8(block_id).ok()?;
    let digits = id.strip_prefix(TAG)?.strip_prefix(upload_id)?.strip_prefix('-')?;
    (digits.len() == 5 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok())?
}

/// The staged blocks that belong to this upload, as parts in index order.
pub fn parts_of(upload_id: &str, blocks: impl IntoIterator<Item = (Vec<u8>, u64)>) -> Vec<StagedPart> {
    let mut parts: Vec<StagedPart> = blocks
        .into_iter()
        .filter_map(|(id, size)| {
            let index = part_index(upload_id, &id)?;
            Some(StagedPart { index, size, id: PartId(String::from_utf8(id).ok()?) })
        })
        .collect();
    parts.sort_by_key(|p| p.index);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn ids_have_one_width_and_fit_the_service_s_64_bytes() {
        assert_eq!(block_id(U, 0).0.len(), block_id(U, 49_999).0.len());
        assert!(block_id(U, 49_999).0.len() <= 64);
        assert_ne!(block_id(U, 1), block_id(U, 2));
    }

    #[test]
    fn only_this_upload_s_blocks_are_its_parts() {
        let other = "ffffffffffffffffffffffffffffffff";
        let blocks = vec![
            (block_id(U, 2).0.into_bytes(), 10),
            (block_id(other, 0).0.into_bytes(), 10),
            (block_id(U, 0).0.into_bytes(), 12),
            (b"legacy-block-id".to_vec(), 5),
        ];
        let parts = parts_of(U, blocks);
        assert_eq!(parts.iter().map(|p| (p.index, p.size)).collect::<Vec<_>>(), [(0, 12), (2, 10)]);
        assert_eq!(parts[0].id, block_id(U, 0));
    }
}
