//! Retries, whole jobs against the in-memory store with faults injected: transient failures are
//! tried again until the file lands, a broken download body is resumed, a file that changes while
//! it is read is read again and never committed torn, and a file that cannot get through fails
//! alone while the rest of the job goes on.

use azblobsync_core::auth::Credential;
use azblobsync_core::error::{EngineError, Result};
use azblobsync_core::job::events::{Event, FileEvent, FileStatus, JobStatus, Summary};
use azblobsync_core::job::start_job_on;
use azblobsync_core::job::wiring::StoreOpener;
use azblobsync_core::spec::JobSpec;
use azblobsync_core::spec::container_url::ContainerUrl;
use azblobsync_core::store::memory::{FaultHook, MemoryStore, StallHook};
use azblobsync_core::store::{BlobProperties, BlobStore};
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

struct OneStore(Arc<MemoryStore>);

impl StoreOpener for OneStore {
    fn open(&self, _: &ContainerUrl, _: Credential, _: &azure_core::http::Transport) -> Result<Arc<dyn BlobStore>> {
        Ok(self.0.clone())
    }
}

const URL: &str = "http://127.0.0.1:9/devstoreaccount1/retries";

async fn run(store: Arc<MemoryStore>, spec: serde_json::Value) -> (Summary, Vec<FileEvent>) {
    let mut job = start_job_on(&tokio::runtime::Handle::current(), JobSpec::from_json(spec.to_string().as_bytes()), Arc::new(OneStore(store)));
    let mut files = Vec::new();
    while let Some(event) = job.next_event().await {
        match event {
            Event::File(f) => files.push(f),
            Event::Summary(s) => return (s, files),
            Event::Confirm(_) => panic!("no confirmations asked for"),
        }
    }
    panic!("no summary")
}

fn busy() -> EngineError {
    EngineError::Service { status: Some(503), code: Some("ServerBusy".into()), message: "busy".into(), retry_after_secs: None }
}

/// Fails the first `n` calls of each (operation, blob) pair with `error`, counting what it failed.
fn first_calls_fail(n: u32, ops: &'static [&'static str], error: fn() -> EngineError) -> (FaultHook, Arc<AtomicU32>) {
    let seen: Mutex<HashMap<String, u32>> = Mutex::default();
    let failed = Arc::new(AtomicU32::new(0));
    let counter = failed.clone();
    let hook: FaultHook = Arc::new(move |op: &str, name: &str| {
        if !ops.contains(&op) {
            return None;
        }
        let mut seen = seen.lock().unwrap();
        let calls = seen.entry(format!("{op} {name}")).or_default();
        *calls += 1;
        (*calls <= n).then(|| {
            counter.fetch_add(1, Ordering::SeqCst);
            error()
        })
    });
    (hook, failed)
}

fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_of_puts_parts_and_commits_are_retried_until_every_file_lands() {
    let (hook, failed) = first_calls_fail(2, &["put", "put_part", "complete", "list"], busy);
    let store = Arc::new(MemoryStore::default().with_faults(hook));
    let dir = tempfile::tempdir().unwrap();
    for i in 0..5 {
        std::fs::write(dir.path().join(format!("small{i}")), content(100 + i, i as u8)).unwrap();
    }
    let big = content(5 * 1024 * 1024 + 7, 9);
    std::fs::write(dir.path().join("big"), &big).unwrap();
    let spec = serde_json::json!({ "source": dir.path(), "destination": URL, "blockSizeBytes": 1024 * 1024 });
    let (summary, files) = run(store.clone(), spec).await;
    assert_eq!((summary.status, summary.files_transferred), (JobStatus::Completed, 6), "{summary:?} {files:?}");
    assert!(store.content("big").unwrap() == big);
    assert!(store.content("small3").unwrap() == content(103, 3));
    // 2 per small put, 2 for the big file's parts, 2 for its commit, 2 for the listing.
    assert_eq!(failed.load(Ordering::SeqCst), 5 * 2 + 2 + 2 + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_body_cut_part_way_is_resumed_and_nothing_half_written_is_left() {
    let lost = || EngineError::ConnectionLost { detail: "reset by peer".into() };
    let (hook, cuts) = first_calls_fail(3, &["get.body"], lost);
    let store = Arc::new(MemoryStore::default().with_faults(hook));
    let big = content(3 * 1024 * 1024, 1);
    store.put("big", Bytes::from(big.clone()), &BlobProperties::default()).await.unwrap();
    store.put("small", Bytes::from(content(200_000, 2)), &BlobProperties::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (summary, files) = run(store.clone(), serde_json::json!({ "source": URL, "destination": dir.path() })).await;
    assert_eq!((summary.status, summary.files_transferred), (JobStatus::Completed, 2), "{files:?}");
    assert!(std::fs::read(dir.path().join("big")).unwrap() == big, "resumed bytes join up, and the MD5 check passed");
    assert!(std::fs::read(dir.path().join("small")).unwrap() == content(200_000, 2));
    assert_eq!(cuts.load(Ordering::SeqCst), 6);

    // A body that breaks, and a service that then refuses every try to resume it: the file fails
    // alone, and leaves nothing behind.
    let gets = AtomicU32::new(0);
    let always: FaultHook = Arc::new(move |op: &str, name: &str| match (op, name) {
        ("get.body", "big") => Some(lost()),
        ("get", "big") if gets.fetch_add(1, Ordering::SeqCst) > 0 => Some(lost()),
        _ => None,
    });
    let store = Arc::new(MemoryStore::default().with_faults(always));
    store.put("big", Bytes::from(big.clone()), &BlobProperties::default()).await.unwrap();
    store.put("small", Bytes::from_static(b"fine"), &BlobProperties::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (summary, files) = run(store, serde_json::json!({ "source": URL, "destination": dir.path(), "maxAttempts": 3 })).await;
    assert_eq!((summary.status, summary.files_transferred, summary.files_failed), (JobStatus::CompletedWithErrors, 1, 1), "{files:?}");
    let failed = files.iter().find(|f| f.path == "big").unwrap();
    assert_eq!((failed.status, failed.error_id), (FileStatus::Failed, Some("ConnectionLost")));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["small"], "no partial file");
}

/// Rewrites `path` in place `times` times, each time it is asked to, keeping its size and mtime.
fn rewriter(path: std::path::PathBuf, op: &'static str, times: u32) -> (FaultHook, Arc<AtomicU32>) {
    let done = Arc::new(AtomicU32::new(0));
    let counter = done.clone();
    let hook: FaultHook = Arc::new(move |called: &str, _name: &str| {
        if called == op && counter.load(Ordering::SeqCst) < times {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let mtime = filetime::FileTime::from_last_modification_time(&std::fs::metadata(&path).unwrap());
            let len = std::fs::metadata(&path).unwrap().len() as usize;
            std::thread::sleep(std::time::Duration::from_millis(5));
            std::fs::write(&path, content(len, 100 + n as u8)).unwrap();
            filetime::set_file_mtime(&path, mtime).unwrap();
        }
        None
    });
    (hook, done)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_rewritten_in_place_while_uploading_is_read_again_never_committed_torn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    std::fs::write(&path, content(3 * 1024 * 1024, 0)).unwrap();
    // Rewritten (size and mtime restored) while its first part is being sent.
    let (hook, rewrites) = rewriter(path.clone(), "put_part", 1);
    let store = Arc::new(MemoryStore::default().with_faults(hook));
    let spec = serde_json::json!({ "source": dir.path(), "destination": URL, "blockSizeBytes": 1024 * 1024, "putMd5": true });
    let (summary, files) = run(store.clone(), spec).await;
    assert_eq!((summary.status, summary.files_transferred), (JobStatus::Completed, 1), "{files:?}");
    assert_eq!(rewrites.load(Ordering::SeqCst), 1);
    assert!(store.content("big").unwrap() == std::fs::read(&path).unwrap(), "the second version, whole");

    // Rewritten at every try: after the cap it fails as SourceChanged, and nothing is committed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small");
    std::fs::write(&path, content(2 * 1024 * 1024, 0)).unwrap();
    std::fs::write(dir.path().join("steady"), b"steady").unwrap();
    let (hook, rewrites) = rewriter(path.clone(), "put_part", u32::MAX);
    let store = Arc::new(MemoryStore::default().with_faults(hook));
    let spec = serde_json::json!({ "source": dir.path(), "destination": URL, "maxAttempts": 3, "blockSizeBytes": 1024 * 1024 });
    let (summary, files) = run(store.clone(), spec).await;
    let small = files.iter().find(|f| f.path == "small").unwrap();
    assert_eq!((small.status, small.error_id), (FileStatus::Failed, Some("SourceChanged")), "{small:?}");
    assert_eq!((summary.status, summary.files_transferred, summary.files_failed), (JobStatus::CompletedWithErrors, 1, 1));
    assert!(rewrites.load(Ordering::SeqCst) >= 3);
    assert_eq!(store.content("small"), None, "a torn file is never committed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_get_through_fails_alone_and_the_summary_adds_up() {
    let lost = || EngineError::ConnectionLost { detail: "reset".into() };
    let hook: FaultHook = Arc::new(move |op: &str, name: &str| (op == "put" && name == "doomed").then(lost));
    let store = Arc::new(MemoryStore::default().with_faults(hook));
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "doomed", "z"] {
        std::fs::write(dir.path().join(name), name).unwrap();
    }
    let (summary, files) = run(store.clone(), serde_json::json!({ "source": dir.path(), "destination": URL, "maxAttempts": 2 })).await;
    assert_eq!((summary.status, summary.files_transferred, summary.files_failed, summary.files_skipped), (JobStatus::CompletedWithErrors, 2, 1, 0));
    assert_eq!(files.len(), 3, "every file has its event");
    assert!(summary.error_id.is_none(), "the job itself did not fail");
}

/// Stalls `ops` the first time each (operation, name) pair whose name passes `which` is seen; counts the stalls.
fn first_call_stalls(ops: &'static [&'static str], which: fn(&str) -> bool) -> (StallHook, Arc<AtomicU32>) {
    let seen: Mutex<std::collections::HashSet<String>> = Mutex::default();
    let stalled = Arc::new(AtomicU32::new(0));
    let counter = stalled.clone();
    let hook: StallHook = Arc::new(move |op: &str, name: &str| {
        let first = ops.contains(&op) && which(name) && seen.lock().unwrap().insert(format!("{op} {name}"));
        if first {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        first
    });
    (hook, stalled)
}

/// Answers that never come are overtaken, not waited out: every listing (flat and folder pages)
/// and one body in five stall the first time they are asked for, with the per-try timeout at an
/// hour. The stalled listings are asked again beside the first; the stalled bodies, silent while
/// the job's other bodies arrive, are cut after 10 s and resumed from the bytes already here.
/// Waiting out a stall would take the hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_listings_and_bodies_are_overtaken_and_every_file_arrives_whole() {
    let (hook, stalled) = first_call_stalls(&["list", "list.folder", "get.body"], |name| !name.ends_with(".bin") || name.ends_with("0.bin") || name.ends_with("5.bin"));
    let store = Arc::new(MemoryStore::default().with_stalls(hook));
    let mut want = HashMap::new();
    for i in 0..40u8 {
        let name = format!("d{}/f{i:02}.bin", i % 4);
        let bytes = content(200_000 + usize::from(i), i);
        store.put(&name, Bytes::from(bytes.clone()), &BlobProperties::default()).await.unwrap();
        want.insert(name, bytes);
    }
    let dir = tempfile::tempdir().unwrap();
    let job = run(store, serde_json::json!({ "source": URL, "destination": dir.path(), "perTryTimeoutSeconds": 3600, "concurrency": 8 }));
    let (summary, files) = tokio::time::timeout(std::time::Duration::from_secs(120), job).await.expect("the job ended within 2 minutes: no stall was waited out");
    assert_eq!(summary.status, JobStatus::Completed, "{summary:?}");
    assert_eq!(files.iter().filter(|f| f.status == FileStatus::Success).count(), 40, "{files:?}");
    for (name, bytes) in &want {
        assert_eq!(&std::fs::read(dir.path().join(name)).unwrap(), bytes, "{name}");
    }
    assert!(stalled.load(Ordering::SeqCst) >= 9, "8 bodies and at least one listing stalled once");
}
