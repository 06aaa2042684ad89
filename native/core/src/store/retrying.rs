//! A store that retries: every request of the store it wraps runs under the job's
//! [`Retrier`](crate::transfer::retry::Retrier) (transient failures tried again with backoff,
//! each try holding a slot of the job's concurrency limiter). A listing that breaks part-way is
//! listed again and continues after the last blob it had given. A download body that breaks
//! part-way is resumed by the download itself (`transfer::download`), which knows what it has.

use crate::error::Result;
use crate::plan::blob_name;
use crate::store::{BlobProperties, BlobStore, Capabilities, FolderPage, ListedBlob, MultipartUpload, PartId, StagedPart, StoreLimits};
use crate::error::EngineError;
use crate::store::hedged::{HedgeDelay, hedged};
use crate::transfer::retry::Retrier;
use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// A download body that delivers nothing for this long gives its concurrency slot back.
const STALLED_BODY_GIVES_BACK_ITS_SLOT: std::time::Duration = std::time::Duration::from_secs(1);

pub struct RetryingStore {
    inner: Arc<dyn BlobStore>,
    retrier: Retrier,
    /// When a listing page is slow enough to ask again ([`hedged`]).
    hedge: Arc<HedgeDelay>,
}

impl RetryingStore {
    pub fn wrap(inner: Arc<dyn BlobStore>, retrier: Retrier) -> Arc<dyn BlobStore> {
        Arc::new(Self { inner, retrier, hedge: Arc::default() })
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
        let (inner, retrier, prefix, hedge) = (self.inner.clone(), self.retrier.clone(), prefix.to_string(), self.hedge.clone());
        let start = ListingState { pages: inner.list(&prefix), last: None, failed_tries: 0 };
        futures::stream::unfold(Some(start), move |state| {
            let (inner, retrier, prefix, hedge) = (inner.clone(), retrier.clone(), prefix.clone(), hedge.clone());
            async move {
                let mut s = state?;
                loop {
                    // A first page slower than the hedge delay races the same listing started
                    // over. (A later page is not raced: a listing started over would have to page
                    // through everything before it again.) A page that does not arrive by the
                    // per-try timeout is given up and the listing started again, skipping what
                    // was given (below), as for a broken one.
                    let stall = retrier.policy.per_try_timeout;
                    let first_page = s.last.is_none();
                    let started = tokio::time::Instant::now();
                    let raced = tokio::time::timeout(stall, async {
                        tokio::select! {
                            page = s.pages.next() => return (page, None),
                            _ = tokio::time::sleep(hedge.after()), if first_page => {}
                        }
                        let mut fresh = inner.list(&prefix);
                        tokio::select! {
                            page = s.pages.next() => (page, None),
                            page = fresh.next() => (page, Some(fresh)),
                        }
                    })
                    .await;
                    let next = match raced {
                        Ok((page, fresh)) => {
                            if let Some(fresh) = fresh {
                                tracing::debug!(prefix, "a slow listing page was overtaken by the listing started over");
                                s.pages = fresh;
                            }
                            if matches!(page, Some(Ok(_))) {
                                hedge.observe(started.elapsed());
                            }
                            page
                        }
                        Err(_) => Some(Err(EngineError::ConnectionLost { detail: format!("a listing page did not arrive within {} s", stall.as_secs_f64()) })),
                    };
                    match next {
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
        let stall = self.retrier.policy.per_try_timeout;
        self.retrier.run(|| hedged(self.hedge.as_ref(), stall, || self.inner.list_folder_page(prefix, marker))).await
    }

    async fn head(&self, name: &str) -> Result<Option<ListedBlob>> {
        self.retrier.run(|| self.inner.head(name)).await
    }

    async fn get(&self, name: &str, range: Option<Range<u64>>, if_match: Option<&str>) -> Result<BoxStream<'static, Result<Bytes>>> {
        let (body, permit) = self.retrier.run_holding(|| self.inner.get(name, range.clone(), if_match)).await?;
        // The slot is held while the body streams (a large body is load on the service), and given
        // back once it stalls: a response that delivers nothing loads nothing, and when throttling
        // has cut the slots to a few, one stalled body must not hold up every request behind it
        // until the per-try timeout cuts it.
        Ok(futures::stream::unfold((body, Some(permit)), |(mut body, mut permit)| async move {
            let chunk = match permit {
                Some(_) => tokio::select! {
                    chunk = body.next() => chunk,
                    _ = tokio::time::sleep(STALLED_BODY_GIVES_BACK_ITS_SLOT) => {
                        permit = None;
                        body.next().await
                    }
                },
                None => body.next().await,
            };
            chunk.map(|c| (c, (body, permit)))
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

    /// With throttling down to one request slot, a body that stalls gives the slot back after a
    /// second, so the next request is not held up until the per-try timeout.
    #[tokio::test]
    async fn a_stalled_body_gives_its_request_slot_back() {
        let hook: crate::store::memory::StallHook = Arc::new(|op: &str, name: &str| op == "get.body" && name == "stalls");
        let memory = Arc::new(MemoryStore::default().with_stalls(hook));
        memory.put("stalls", Bytes::from(vec![7u8; 200_000]), &BlobProperties::default()).await.unwrap();
        memory.put("flows", Bytes::from_static(b"x"), &BlobProperties::default()).await.unwrap();
        let limiter = ConcurrencyLimiter::new(1);
        let retrier = Retrier { policy: RetryPolicy::default(), cancel: tokio_util::sync::CancellationToken::new(), limiter: limiter.clone() };
        let store = RetryingStore::wrap(memory, retrier);
        let mut stalled = store.get("stalls", None, None).await.unwrap();
        assert!(stalled.next().await.unwrap().is_ok(), "the first chunk arrives");
        assert_eq!(limiter.in_flight(), 1, "a body that delivers holds its slot");
        // The stalled body is being waited on (as a download does) while another request needs the one slot.
        let waiting = tokio::spawn(async move { stalled.next().await.is_some() });
        let other = tokio::time::timeout(Duration::from_secs(10), store.get("flows", None, None)).await;
        assert!(other.is_ok_and(|r| r.is_ok()), "the other request got the slot while the first body stalled");
        assert!(!waiting.is_finished(), "the first body is still stalled");
        waiting.abort();
    }
}
