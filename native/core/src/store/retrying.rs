//! A store that retries: every request of the store it wraps runs under the job's
//! [`Retrier`](crate::transfer::retry::Retrier) (transient failures tried again with backoff,
//! each try holding a slot of the job's concurrency limiter). A listing that breaks part-way is
//! listed again and continues after the last blob it had given. A download body that breaks
//! part-way is resumed by the download itself (`transfer::download`), which knows what it has.

use crate::error::Result;
use crate::plan::blob_name;
use crate::store::{BlobProperties, BlobStore, Capabilities, FolderPage, ListedBlob, MultipartUpload, PartId, StagedPart, StoreLimits};
use crate::transfer::retry::Retrier;
use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

pub struct RetryingStore {
    inner: Arc<dyn BlobStore>,
    retrier: Retrier,
}

impl RetryingStore {
    pub fn wrap(inner: Arc<dyn BlobStore>, retrier: Retrier) -> Arc<dyn BlobStore> {
        Arc::new(Self { inner, retrier })
    }
}

/// Where a listing stands: the pages still to come and the last blob already given.
struct ListingState {
    pages: BoxStream<'static, Result<Vec<ListedBlob>>>,
    last: Option<String>,
    failed_tries: u32,
}

#[async_trait]
impl BlobStore for RetryingStore {
    fn limits(&self) -> StoreLimits {
        self.inner.limits()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn list(&self, prefix: &str) -> BoxStream<'static, Result<Vec<ListedBlob>>> {
        let (inner, retrier, prefix) = (self.inner.clone(), self.retrier.clone(), prefix.to_string());
        let start = ListingState { pages: inner.list(&prefix), last: None, failed_tries: 0 };
        futures::stream::unfold(Some(start), move |state| {
            let (inner, retrier, prefix) = (inner.clone(), retrier.clone(), prefix.clone());
            async move {
                let mut s = state?;
                loop {
                    match s.pages.next().await {
                        None => return None,
                        Some(Ok(mut page)) => {
                            if let Some(last) = &s.last {
                                // A listing started again repeats what was already given.
                                page.retain(|b| blob_name::compare(&b.name, last).is_gt());
                                if page.is_empty() {
                                    continue;
                                }
                            }
                            s.failed_tries = 0;
                            s.last = page.last().map(|b| b.name.clone()).or(s.last);
                            return Some((Ok(page), Some(s)));
                        }
                        Some(Err(e)) => {
                            s.failed_tries += 1;
                            if !retrier.policy.should_retry(&e, s.failed_tries) {
                                return Some((Err(e), None));
                            }
                            if let Err(cancelled) = retrier.sleep(retrier.policy.delay(s.failed_tries, &e)).await {
                                return Some((Err(cancelled), None));
                            }
                            s.pages = inner.list(&prefix);
                        }
                    }
                }
            }
        })
        .boxed()
    }

    async fn list_folder_page(&self, prefix: &str, marker: Option<&str>) -> Result<FolderPage> {
        self.retrier.run(|| self.inner.list_folder_page(prefix, marker)).await
    }

    async fn head(&self, name: &str) -> Result<Option<ListedBlob>> {
        self.retrier.run(|| self.inner.head(name)).await
    }

    async fn get(&self, name: &str, range: Option<Range<u64>>, if_match: Option<&str>) -> Result<BoxStream<'static, Result<Bytes>>> {
        let (body, permit) = self.retrier.run_holding(|| self.inner.get(name, range.clone(), if_match)).await?;
        // The slot is held while the body streams: that is when the request is in flight.
        Ok(body.map(move |chunk| {
            let _held = &permit;
            chunk
        })
        .boxed())
    }

    async fn put(&self, name: &str, content: Bytes, properties: &BlobProperties) -> Result<()> {
        self.retrier.run(|| self.inner.put(name, content.clone(), properties)).await
    }

    async fn start_multipart(&self, name: &str, resume: Option<&str>) -> Result<MultipartUpload> {
        self.retrier.run(|| self.inner.start_multipart(name, resume)).await
    }

    async fn staged_parts(&self, upload: &MultipartUpload) -> Result<Vec<StagedPart>> {
        self.retrier.run(|| self.inner.staged_parts(upload)).await
    }

    async fn put_part(&self, upload: &MultipartUpload, index: u32, content: Bytes) -> Result<PartId> {
        // Part ids are derived from the upload and the index: a part sent again replaces itself.
        self.retrier.run(|| self.inner.put_part(upload, index, content.clone())).await
    }

    async fn complete_multipart(&self, upload: &MultipartUpload, parts: Vec<PartId>, properties: &BlobProperties) -> Result<()> {
        self.retrier.run(|| self.inner.complete_multipart(upload, parts.clone(), properties)).await
    }

    async fn abort_multipart(&self, upload: &MultipartUpload) -> Result<()> {
        self.retrier.run(|| self.inner.abort_multipart(upload)).await
    }

    async fn delete(&self, name: &str) -> Result<()> {
        self.retrier.run(|| self.inner.delete(name)).await
    }

    async fn set_properties(&self, name: &str, properties: &BlobProperties) -> Result<()> {
        self.retrier.run(|| self.inner.set_properties(name, properties)).await
    }

    fn signed_read_url(&self, name: &str) -> Option<url::Url> {
        self.inner.signed_read_url(name)
    }

    async fn copy_from_url(&self, name: &str, source: &url::Url, metadata: HashMap<String, String>) -> Result<()> {
        self.retrier.run(|| self.inner.copy_from_url(name, source, metadata.clone())).await
    }

    async fn check_container(&self) -> Result<()> {
        self.retrier.run(|| self.inner.check_container()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::EngineError;
    use crate::store::memory::MemoryStore;
    use crate::transfer::concurrency_limiter::ConcurrencyLimiter;
    use crate::transfer::retry::RetryPolicy;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn a_listing_broken_after_a_page_is_listed_again_without_repeating_a_blob() {
        let breaks = Arc::new(AtomicU32::new(0));
        let counter = breaks.clone();
        let hook: crate::store::memory::FaultHook = Arc::new(move |op: &str, _: &str| {
            (op == "list.page" && counter.fetch_add(1, Ordering::SeqCst) < 2).then(|| EngineError::ConnectionLost { detail: "reset".into() })
        });
        let memory = Arc::new(MemoryStore::new(2).with_faults(hook));
        for name in ["a", "b", "c", "d", "e"] {
            memory.put(name, Bytes::from_static(b"x"), &BlobProperties::default()).await.unwrap();
        }
        let policy = RetryPolicy { initial_delay: Duration::from_millis(1), ..RetryPolicy::default() };
        let retrier = Retrier { policy, cancel: tokio_util::sync::CancellationToken::new(), limiter: ConcurrencyLimiter::new(2) };
        let store = RetryingStore::wrap(memory, retrier);
        let mut names = Vec::new();
        let mut pages = store.list("");
        while let Some(page) = pages.next().await {
            names.extend(page.unwrap().into_iter().map(|b| b.name));
        }
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        assert_eq!(breaks.load(Ordering::SeqCst), 3, "broken twice, then listed whole");
    }
}
