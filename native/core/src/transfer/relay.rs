//! Store → store through this machine, for when the destination cannot copy from the source by
//! itself (no server-side copy, or no URL it could read): ranged reads from one store become a put
//! or the parts of a multipart upload on the other, each part held within the memory budget.

use crate::error::{EngineError, Result};
use crate::plan::RemoteEntry;
use crate::store::{BlobProperties, BlobStore};
use crate::transfer::memory_budget::MemoryBudget;
use crate::transfer::part_sizing::{UploadShape, shape_for};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use std::ops::Range;

/// Copies `source` (the version listed) from `from_name` to `to_name`.
pub async fn relay(from: &dyn BlobStore, from_name: &str, source: &RemoteEntry, to: &dyn BlobStore, to_name: &str, properties: &BlobProperties, budget: &MemoryBudget) -> Result<()> {
    let (size, version) = (source.size, source.etag.as_deref());
    match shape_for(size, None, &to.limits())? {
        UploadShape::Single => {
            let _grant = budget.grant(size).await;
            let content = read(from, from_name, 0..size, version).await?;
            to.put(to_name, content, properties).await
        }
        UploadShape::Parts { part_size, count } => {
            let upload = to.start_multipart(to_name, None).await?;
            let mut parts = Vec::with_capacity(count as usize);
            for index in 0..count {
                let range = index * part_size..((index + 1) * part_size).min(size);
                let _grant = budget.grant(range.end - range.start).await;
                let sent = match read(from, from_name, range, version).await {
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

/// Tries in a row that bring no byte before a cut body fails the part.
const CUTS_WITHOUT_PROGRESS: u32 = 3;

/// The bytes in `range` of that version, all of them. A body cut part-way is asked again from the
/// first byte still missing (the request itself is retried by the store); a source that changed
/// version or size mid-copy is `SourceChanged`.
async fn read(from: &dyn BlobStore, name: &str, range: Range<u64>, version: Option<&str>) -> Result<Bytes> {
    let want = range.end - range.start;
    let mut content = BytesMut::with_capacity(want as usize);
    let mut cuts = 0;
    loop {
        let from_byte = range.start + content.len() as u64;
        let before = content.len();
        let mut body = from.get(name, Some(from_byte..range.end), version).await?;
        let cut = loop {
            match body.next().await {
                None => break None,
                Some(Ok(chunk)) => content.extend_from_slice(&chunk),
                Some(Err(e)) => break Some(e),
            }
        };
        match cut {
            None => break,
            Some(e) => {
                cuts = if content.len() > before { 1 } else { cuts + 1 };
                if cuts > CUTS_WITHOUT_PROGRESS || !crate::transfer::retry::is_transient(&e) {
                    return Err(e);
                }
                tracing::debug!(blob = name, received = content.len(), error = %e, "resuming a cut body");
            }
        }
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
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    const MIB: u64 = 1024 * 1024;

    /// The entry the plan would hand over: the blob as listed now.
    async fn listed(store: &MemoryStore, name: &str) -> RemoteEntry {
        let b = store.head(name).await.unwrap().unwrap();
        RemoteEntry { relative: name.into(), size: b.size, last_modified: b.last_modified, source_modified: None, content_md5: None, etag: b.etag }
    }

    #[tokio::test]
    async fn a_large_blob_crosses_in_parts_and_a_small_one_in_one_put() {
        let (from, to) = (MemoryStore::default(), MemoryStore::default());
        let big: Vec<u8> = (0..(20 * MIB) as usize).map(|i| (i % 251) as u8).collect();
        from.put("big", Bytes::from(big.clone()), &BlobProperties::default()).await.unwrap();
        from.put("small", Bytes::from_static(b"hello"), &BlobProperties::default()).await.unwrap();
        let budget = MemoryBudget::new(64 * MIB);
        let props = BlobProperties { metadata: [("mtime".to_string(), "t".to_string())].into(), ..Default::default() };
        relay(&from, "big", &listed(&from, "big").await, &to, "copy/big", &props, &budget).await.unwrap();
        relay(&from, "small", &listed(&from, "small").await, &to, "copy/small", &props, &budget).await.unwrap();
        assert_eq!(to.content("copy/big").unwrap(), big);
        assert_eq!(to.content("copy/small").unwrap(), "hello");
        assert_eq!(to.head("copy/big").await.unwrap().unwrap().metadata.get("mtime").map(String::as_str), Some("t"));
        assert!(budget.peak() <= 8 * MIB, "one default part at a time: {}", budget.peak());
        let mut longer = listed(&from, "big").await;
        longer.size += 1;
        let e = relay(&from, "big", &longer, &to, "copy/again", &props, &budget).await.unwrap_err();
        assert_eq!(e.error_id(), "SourceChanged");
    }

    #[tokio::test]
    async fn a_body_cut_part_way_is_read_on_from_the_first_missing_byte() {
        let cuts = Arc::new(AtomicU32::new(0));
        let counted = cuts.clone();
        // Every other body of the source is cut after its first 64 KiB chunk, as a dropped connection.
        let from = MemoryStore::default().with_faults(Arc::new(move |op, _| {
            (op == "get.body" && counted.fetch_add(1, Ordering::SeqCst) % 2 == 0).then(|| EngineError::ConnectionLost { detail: "cut".into() })
        }));
        let to = MemoryStore::default();
        let big: Vec<u8> = (0..(12 * MIB) as usize).map(|i| (i % 241) as u8).collect();
        from.put("big", Bytes::from(big.clone()), &BlobProperties::default()).await.unwrap();
        relay(&from, "big", &listed(&from, "big").await, &to, "big", &BlobProperties::default(), &MemoryBudget::new(64 * MIB)).await.unwrap();
        assert_eq!(to.content("big").unwrap(), big, "byte-identical across the cuts");
        assert!(cuts.load(Ordering::SeqCst) >= 4, "bodies were cut");
    }

    #[tokio::test]
    async fn a_source_replaced_after_it_was_listed_is_not_copied() {
        let (from, to) = (MemoryStore::default(), MemoryStore::default());
        from.put("f", Bytes::from_static(b"version one"), &BlobProperties::default()).await.unwrap();
        let planned = listed(&from, "f").await;
        from.put("f", Bytes::from_static(b"version two"), &BlobProperties::default()).await.unwrap();
        let e = relay(&from, "f", &planned, &to, "f", &BlobProperties::default(), &MemoryBudget::new(MIB)).await.unwrap_err();
        assert_eq!(e.error_id(), "SourceChanged");
        assert!(to.content("f").is_none(), "nothing of either version was written");
    }
}
