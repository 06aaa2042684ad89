//! A multipart upload that broke off is continued by the next run: only the missing parts are
//! sent again (counted at the store), and the blob is whole (read back by Azure's Python SDK).

use azblobsync_core::auth::Credential;
use azblobsync_core::error::{EngineError, Result};
use azblobsync_core::job::events::{Event, JobStatus, Summary};
use azblobsync_core::job::start_job_on;
use azblobsync_core::job::wiring::{AzureStores, StoreOpener};
use azblobsync_core::spec::JobSpec;
use azblobsync_core::spec::container_url::ContainerUrl;
use azblobsync_core::store::*;
use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// Azure, with every part sent recorded, and the parts from `fail_from` on refused.
struct Counting {
    inner: Arc<dyn BlobStore>,
    parts_sent: Arc<Mutex<Vec<u32>>>,
    fail_from: Option<u32>,
}

#[async_trait]
impl BlobStore for Counting {
    fn limits(&self) -> StoreLimits {
        self.inner.limits()
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn list(&self, prefix: &str) -> BoxStream<'static, Result<Vec<ListedBlob>>> {
        self.inner.list(prefix)
    }
    async fn list_folder_page(&self, prefix: &str, marker: Option<&str>) -> Result<FolderPage> {
        self.inner.list_folder_page(prefix, marker).await
    }
    async fn head(&self, name: &str) -> Result<Option<ListedBlob>> {
        self.inner.head(name).await
    }
    async fn get(&self, name: &str, range: Option<Range<u64>>, if_match: Option<&str>) -> Result<BoxStream<'static, Result<Bytes>>> {
        self.inner.get(name, range, if_match).await
    }
    async fn put(&self, name: &str, content: Bytes, properties: &BlobProperties) -> Result<()> {
        self.inner.put(name, content, properties).await
    }
    async fn start_multipart(&self, name: &str, resume: Option<&str>) -> Result<MultipartUpload> {
        self.inner.start_multipart(name, resume).await
    }
    async fn staged_parts(&self, upload: &MultipartUpload) -> Result<Vec<StagedPart>> {
        self.inner.staged_parts(upload).await
    }
    async fn put_part(&self, upload: &MultipartUpload, index: u32, content: Bytes) -> Result<PartId> {
        if self.fail_from.is_some_and(|from| index >= from) {
            // A failure of this file only (not of the job) that no retry cures.
            return Err(EngineError::Service { status: Some(409), code: Some("OperationNotAllowed".into()), message: "not now".into(), retry_after_secs: None });
        }
        self.parts_sent.lock().unwrap().push(index);
        self.inner.put_part(upload, index, content).await
    }
    async fn complete_multipart(&self, upload: &MultipartUpload, parts: Vec<PartId>, properties: &BlobProperties) -> Result<()> {
        self.inner.complete_multipart(upload, parts, properties).await
    }
    async fn abort_multipart(&self, upload: &MultipartUpload) -> Result<()> {
        self.inner.abort_multipart(upload).await
    }
    async fn delete(&self, name: &str) -> Result<()> {
        self.inner.delete(name).await
    }
    async fn set_properties(&self, name: &str, properties: &BlobProperties) -> Result<()> {
        self.inner.set_properties(name, properties).await
    }
    fn signed_read_url(&self, name: &str) -> Option<url::Url> {
        self.inner.signed_read_url(name)
    }
    async fn copy_from_url(&self, name: &str, source: &url::Url, metadata: HashMap<String, String>) -> Result<()> {
        self.inner.copy_from_url(name, source, metadata).await
    }
    async fn check_container(&self) -> Result<()> {
        self.inner.check_container().await
    }
}

struct CountingStores {
    parts_sent: Arc<Mutex<Vec<u32>>>,
    fail_from: Option<u32>,
}

impl StoreOpener for CountingStores {
    fn open(&self, location: &ContainerUrl, credential: Credential, transport: &azure_core::http::Transport) -> Result<Arc<dyn BlobStore>> {
        let inner = AzureStores.open(location, credential, transport)?;
        Ok(Arc::new(Counting { inner, parts_sent: self.parts_sent.clone(), fail_from: self.fail_from }))
    }
}

async fn run(spec: &str, stores: CountingStores) -> Summary {
    let mut job = start_job_on(&tokio::runtime::Handle::current(), JobSpec::from_json(spec.as_bytes()), Arc::new(stores));
    while let Some(event) = job.next_event().await {
        if let Event::Summary(s) = event {
            return s;
        }
    }
    panic!("the job ended without a summary");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_upload_sends_only_the_missing_parts() {
    const MIB: usize = 1024 * 1024;
    let azurite = azblobsync_testkit::Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("resume");
    let dir = tempfile::tempdir().unwrap();
    let content: Vec<u8> = (0..5 * MIB + 123).map(|i| (i % 241) as u8).collect();
    std::fs::write(dir.path().join("big.bin"), &content).unwrap();
    let spec = serde_json::json!({
        "source": dir.path(),
        "destination": azurite.container_url("resume"),
        "accountKey": azblobsync_testkit::DEV_KEY,
        "blockSizeBytes": MIB,
        "concurrency": 2,
    })
    .to_string();

    let first = Arc::new(Mutex::new(Vec::new()));
    let broken = run(&spec, CountingStores { parts_sent: first.clone(), fail_from: Some(3) }).await;
    assert_eq!((broken.status, broken.files_failed), (JobStatus::CompletedWithErrors, 1), "{broken:?}");
    let mut sent_first = first.lock().unwrap().clone();
    sent_first.sort();
    assert_eq!(sent_first, [0, 1, 2]);
    assert!(oracle.names("resume").is_empty(), "nothing is visible before the upload completes");
    assert_eq!(oracle.uncommitted_blocks("resume", "big.bin"), 3);

    let second = Arc::new(Mutex::new(Vec::new()));
    let done = run(&spec, CountingStores { parts_sent: second.clone(), fail_from: None }).await;
    assert_eq!((done.status, done.files_transferred), (JobStatus::Completed, 1), "{done:?}");
    let mut sent_second = second.lock().unwrap().clone();
    sent_second.sort();
    assert_eq!(sent_second, [3, 4, 5], "only the parts the first run did not stage");
    let blobs = oracle.inventory("resume");
    assert_eq!(blobs.len(), 1);
    assert_eq!(blobs[0].size, content.len() as u64);
    use md5_asm::Digest;
    let want: String = md5_asm::Md5::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(blobs[0].md5_of_content, want);
}
