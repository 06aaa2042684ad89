//! Store → store through this machine, for when the destination cannot copy from the source by
//! itself (no server-side copy, or no URL it could read): ranged reads from one store become a put
//! or the parts of a multipart upload on the other, each part held within the memory budget.

use crate::error::{EngineError, Result};
use crate::store::{BlobProperties, BlobStore};
use crate::transfer::memory_budget::MemoryBudget;
use crate::transfer::part_sizing::{UploadShape, shape_for};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use std::ops::Range;

pub async fn relay(from: &dyn BlobStore, from_name: &str, size: u64, to: &dyn BlobStore, to_name: &str, properties: &BlobProperties, budget: &MemoryBudget) -> Result<()> {
    match shape_for(size, None, &to.limits())? {
        UploadShape::Single => {
            let _grant = budget.grant(size).await;
            let content = read(from, from_name, 0..size).await?;
            to.put(to_name, content, properties).await
        }
        UploadShape::Parts { part_size, count } => {
            let upload = to.start_multipart(to_name, None).await?;
            let mut parts = Vec::with_capacity(count as usize);
            for index in 0..count {
                let range = index * part_size..((index + 1) * part_size).min(size);
                let _grant = budget.grant(range.end - range.start).await;
                let sent = match read(from, from_name, range).await {
                    Ok(content) => to.put_part(&upload, index as u32, content).await,
                    Err(e) => Err(e),
                };
                match sent {
                    Ok(id) => parts.push(id),
                    Err(e) => {
                        let _ = to.abort_multipart(&upload).await;
                        return Err(e);
                    }
                }
            }
            to.complete_multipart(&upload, parts, properties).await
        }
    }
}

/// The bytes in `range`, all of them: a source that changed size mid-copy is an error.
async fn read(from: &dyn BlobStore, name: &str, range: Range<u64>) -> Result<Bytes> {
    let want = range.end - range.start;
    let mut body = from.get(name, Some(range)).await?;
    let mut content = BytesMut::with_capacity(want as usize);
    while let Some(chunk) = body.next().await {
        content.extend_from_slice(&chunk?);
    }
    if content.len() as u64 != want {
        return Err(EngineError::SourceChanged { path: name.to_string() });
    }
    Ok(content.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::memory::MemoryStore;

    #[tokio::test]
    async fn a_large_blob_crosses_in_parts_and_a_small_one_in_one_put() {
        const MIB: u64 = 1024 * 1024;
        let (from, to) = (MemoryStore::default(), MemoryStore::default());
        let big: Vec<u8> = (0..(20 * MIB) as usize).map(|i| (i % 251) as u8).collect();
        from.put("big", Bytes::from(big.clone()), &BlobProperties::default()).await.unwrap();
        from.put("small", Bytes::from_static(b"hello"), &BlobProperties::default()).await.unwrap();
        let budget = MemoryBudget::new(64 * MIB);
        let props = BlobProperties { metadata: [("mtime".to_string(), "t".to_string())].into(), ..Default::default() };
        relay(&from, "big", big.len() as u64, &to, "copy/big", &props, &budget).await.unwrap();
        relay(&from, "small", 5, &to, "copy/small", &props, &budget).await.unwrap();
        assert_eq!(to.content("copy/big").unwrap(), big);
        assert_eq!(to.content("copy/small").unwrap(), "hello");
        assert_eq!(to.head("copy/big").await.unwrap().unwrap().metadata.get("mtime").map(String::as_str), Some("t"));
        assert!(budget.peak() <= 8 * MIB, "one default part at a time: {}", budget.peak());
        let e = relay(&from, "big", big.len() as u64 + 1, &to, "copy/again", &props, &budget).await.unwrap_err();
        assert_eq!(e.error_id(), "SourceChanged");
    }
}
