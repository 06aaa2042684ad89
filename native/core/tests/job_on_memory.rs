//! Whole jobs wired per direction against the in-memory store: what lands, what is left alone,
//! the memory budget's peak, the host's job id.

use azblobsync_core::auth::Credential;
use azblobsync_core::error::Result;
use azblobsync_core::job::events::{Event, FileEvent, JobStatus, Summary};
use azblobsync_core::job::progress::ProgressSnapshot;
use azblobsync_core::job::start_job_on;
use azblobsync_core::job::wiring::StoreOpener;
use azblobsync_core::spec::JobSpec;
use azblobsync_core::spec::container_url::ContainerUrl;
use azblobsync_core::store::memory::MemoryStore;
use azblobsync_core::store::{BlobProperties, BlobStore};
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const MIB: u64 = 1024 * 1024;

/// One memory store per container name.
#[derive(Default, Clone)]
struct MemoryStores(Arc<Mutex<HashMap<String, Arc<MemoryStore>>>>);

impl MemoryStores {
    fn container(&self, name: &str) -> Arc<MemoryStore> {
        self.0.lock().unwrap().entry(name.to_string()).or_default().clone()
    }
}

impl StoreOpener for MemoryStores {
    fn open(&self, location: &ContainerUrl, _credential: Credential, _transport: &azure_core::http::Transport) -> Result<Arc<dyn BlobStore>> {
        Ok(self.container(&location.container))
    }
}

fn url(container: &str) -> String {
    format!("http://127.0.0.1:9/devstoreaccount1/{container}")
}

struct Ran {
    summary: Summary,
    files: Vec<FileEvent>,
    progress: ProgressSnapshot,
}

async fn run(stores: &MemoryStores, spec: serde_json::Value) -> Ran {
    let mut job = start_job_on(&tokio::runtime::Handle::current(), JobSpec::from_json(spec.to_string().as_bytes()), Arc::new(stores.clone()));
    let mut files = Vec::new();
    while let Some(event) = job.next_event().await {
        match event {
            Event::File(f) => files.push(f),
            Event::Summary(summary) => return Ran { summary, files, progress: job.progress() },
            Event::Confirm(_) => panic!("no confirmations asked for"),
        }
    }
    panic!("the job ended without a summary")
}

async fn names(store: &MemoryStore) -> Vec<String> {
    use futures::StreamExt;
    let mut out = Vec::new();
    let mut pages = store.list("");
    while let Some(page) = pages.next().await {
        out.extend(page.unwrap().into_iter().map(|b| b.name));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_lands_every_file_but_our_leftovers_and_a_rerun_moves_nothing() {
    let stores = MemoryStores::default();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("a.txt"), b"a").unwrap();
    std::fs::write(dir.path().join("sub/b.txt"), b"bb").unwrap();
    std::fs::write(dir.path().join(".a.txt.azblobsync-part"), b"half a download").unwrap();
    let spec = serde_json::json!({ "source": dir.path(), "destination": url("uploads") + "/pre", "jobId": "nightly-2026.12.01" });
    let first = run(&stores, spec.clone()).await;
    assert_eq!((first.summary.status, first.summary.files_transferred, first.summary.bytes_transferred), (JobStatus::Completed, 2, 3), "{:?}", first.summary);
    assert_eq!(first.summary.job_id, "nightly-2026.12.01", "the host's job id");
    assert_eq!(names(&stores.container("uploads")).await, ["pre/a.txt", "pre/sub/b.txt"], "a leftover part file is not a source file");
    assert_eq!(stores.container("uploads").content("pre/sub/b.txt").unwrap(), "bb");
    let again = run(&stores, spec).await;
    assert_eq!((again.summary.files_transferred, again.summary.files_skipped), (0, 2));
    assert_eq!(again.progress.files_skipped, 2, "progress and summary count the same");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_cleans_what_an_interrupted_one_left_and_lands_every_blob() {
    let stores = MemoryStores::default();
    let store = stores.container("down");
    for (name, content) in [("x/a.bin", "aaa"), ("b.bin", "b")] {
        store.put(name, Bytes::from_static(content.as_bytes()), &BlobProperties::default()).await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("x")).unwrap();
    std::fs::write(dir.path().join("x/.a.bin.azblobsync-part"), b"half").unwrap();
    std::fs::write(dir.path().join(".gone.azblobsync-part"), b"of a blob deleted since").unwrap();
    let ran = run(&stores, serde_json::json!({ "source": url("down"), "destination": dir.path() })).await;
    assert_eq!((ran.summary.status, ran.summary.files_transferred), (JobStatus::Completed, 2), "{:?}", ran.files);
    assert_eq!(std::fs::read(dir.path().join("x/a.bin")).unwrap(), b"aaa");
    let mut left: Vec<_> = walk(dir.path());
    left.sort();
    assert_eq!(left, ["b.bin", "x/a.bin"], "no part files remain");
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&entry.path()).into_iter().map(|n| format!("{name}/{n}")));
        } else {
            out.push(name);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn between_stores_without_server_side_copy_the_bytes_are_relayed() {
    let stores = MemoryStores::default();
    let big: Vec<u8> = (0..(9 * MIB) as usize).map(|i| (i % 13) as u8).collect();
    stores.container("source").put("p/big", Bytes::from(big.clone()), &BlobProperties::default()).await.unwrap();
    stores.container("source").put("p/small", Bytes::from_static(b"s"), &BlobProperties::default()).await.unwrap();
    let ran = run(&stores, serde_json::json!({ "source": url("source") + "/p", "destination": url("target") + "/q" })).await;
    assert_eq!((ran.summary.status, ran.summary.files_transferred), (JobStatus::Completed, 2), "{:?}", ran.files);
    assert_eq!(stores.container("target").content("q/big").unwrap(), big);
    assert!(stores.container("target").head("q/small").await.unwrap().unwrap().metadata.contains_key("mtime"));
}

/// The case scaled down 32 times: 16 files of 3 MiB with 4 MiB blocks (each read whole),
/// 16 at once, would hold 48 MiB; the budget holds them to 8 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_budget_bounds_every_buffer_whatever_the_mix() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..16 {
        std::fs::write(dir.path().join(format!("f{i:02}.bin")), vec![i as u8; (3 * MIB) as usize]).unwrap();
    }
    // A large file in parts beside them.
    std::fs::write(dir.path().join("large.bin"), vec![7u8; (20 * MIB) as usize]).unwrap();
    let spec = |budget: u64| serde_json::json!({ "source": dir.path(), "destination": url("budget"), "blockSizeBytes": 4 * MIB, "concurrency": 16, "memoryBudgetBytes": budget });

    let stores = MemoryStores::default();
    let bounded = run(&stores, spec(8 * MIB)).await;
    assert_eq!((bounded.summary.status, bounded.summary.files_transferred), (JobStatus::Completed, 17));
    assert!(bounded.progress.buffer_bytes_peak <= 8 * MIB, "peak {} > budget", bounded.progress.buffer_bytes_peak);
    assert!(bounded.progress.buffer_bytes_peak >= 3 * MIB, "the budget was used: {}", bounded.progress.buffer_bytes_peak);
    assert_eq!(stores.container("budget").content("large.bin").unwrap().len() as u64, 20 * MIB);

    // With room, the same job holds more at once: the budget, not luck, bounded the first run.
    let roomy = run(&MemoryStores::default(), spec(256 * MIB)).await;
    assert_eq!(roomy.summary.status, JobStatus::Completed);
    assert!(roomy.progress.buffer_bytes_peak <= 256 * MIB);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_job_id_or_budget_is_refused_before_anything_runs() {
    let stores = MemoryStores::default();
    for bad in [serde_json::json!({ "source": ".", "destination": url("ccc"), "jobId": "a b" }), serde_json::json!({ "source": ".", "destination": url("ccc"), "memoryBudgetBytes": 1024 })] {
        let ran = run(&stores, bad.clone()).await;
        assert_eq!((ran.summary.status, ran.summary.error_id), (JobStatus::Failed, Some("InvalidSpec")), "{bad}");
    }
}
