//! Retries end to end: the CLI against Azurite behind a fault-injecting proxy (connections dropped
//! before and after the service saw the request, 500, 503, 429 with Retry-After, bodies cut or
//! stalled half-way), many small files and one multipart file, up and down, at 10% and 40% of
//! requests broken. Each run finishes in one go with every byte right: the oracle reads the blobs
//! back; downloads are hashed from disk against the source files.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY, Fault, FaultConfig, FaultProxy};
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const SMALL_FILES: usize = 200;
const LARGE: usize = 24 * 1024 * 1024;
/// The stall timeout the runs use (the default is a minute), and how long the proxy stalls.
const PER_TRY_TIMEOUT_SECONDS: &str = "2";
const STALL: Duration = Duration::from_secs(4);

fn sync(source: &str, destination: &str) -> (Value, std::process::Output) {
    let out = Command::new(env!("CARGO_BIN_EXE_azblobsync"))
        .args(["sync", source, destination, "--output-type", "json", "--block-size-mb", "1"])
        .env_remove("AZURE_STORAGE_KEY")
        .env("AZCOPY_ACCOUNT_KEY", DEV_KEY)
        .env("AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS", PER_TRY_TIMEOUT_SECONDS)
        .output()
        .expect("azblobsync runs");
    let (_, summary) = json_events(&out);
    (summary, out)
}

/// 200 small files of assorted sizes and one 24 MiB file (24 parts of 1 MiB); name → MD5.
fn source_tree(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for i in 0..SMALL_FILES {
        let content: Vec<u8> = (0..(1 + i * 97 % 20_000)).map(|b| (b * 7 + i) as u8).collect();
        let name = format!("dir{}/file{i:03}.bin", i % 5);
        write(root, &name, &content);
        files.insert(name, md5_hex(&content));
    }
    let large: Vec<u8> = (0..LARGE).map(|b| (b % 251) as u8 ^ (b >> 20) as u8).collect();
    write(root, "large.bin", &large);
    files.insert("large.bin".into(), md5_hex(&large));
    files
}

fn hashes_on_disk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            hashes_on_disk(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, md5_hex(&std::fs::read(&path).unwrap()));
        }
    }
}

fn round_trip_through_faults(rate: f64, seed: u64) {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("faults");
    let proxy = FaultProxy::start(azurite.port, FaultConfig::every_kind(rate, seed, STALL));
    let url = format!("http://127.0.0.1:{}/devstoreaccount1/faults", proxy.port);
    let scratch = tempfile::tempdir().unwrap();
    let source = scratch.path().join("source");
    let expected = source_tree(&source);

    let started = Instant::now();
    let (summary, out) = sync(source.to_str().unwrap(), &url);
    let upload_took = started.elapsed();
    let upload_faults = proxy.report();
    assert_eq!(out.status.code(), Some(0), "{summary}\n{upload_faults}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!((summary["filesTransferred"].as_u64(), summary["filesFailed"].as_u64()), (Some(expected.len() as u64), Some(0)), "{summary}");
    let stored: BTreeMap<String, String> = oracle.inventory("faults").into_iter().map(|b| (b.name, b.md5_of_content)).collect();
    assert!(stored == expected, "the oracle reads back other blobs or bytes than the source files at {rate}");
    assert!(oracle.uncommitted_blocks("faults", "large.bin") == 0, "no torn or abandoned parts");

    let dest = scratch.path().join("restored");
    let started = Instant::now();
    let (summary, out) = sync(&url, dest.to_str().unwrap());
    let download_took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{summary}\n{}\n{}", proxy.report(), String::from_utf8_lossy(&out.stderr));
    assert_eq!((summary["filesTransferred"].as_u64(), summary["filesFailed"].as_u64()), (Some(expected.len() as u64), Some(0)), "{summary}");
    let mut restored = BTreeMap::new();
    hashes_on_disk(&dest, &dest, &mut restored);
    assert!(restored == expected, "downloaded files differ from the source (or a partial file was left) at {rate}");

    for output in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(output).contains(DEV_KEY), "the key never appears in output");
    }
    for kind in Fault::ALL {
        assert!(proxy.injected(kind) > 0, "{kind:?} was never injected: {}", proxy.report());
    }
    eprintln!("{rate}: upload {upload_took:.1?} ({upload_faults}); download {download_took:.1?}; in all {}", proxy.report());
}

#[test]
fn a_tenth_of_requests_broken_up_and_down_finishes_in_one_run_byte_identical() {
    round_trip_through_faults(0.10, 0x5eed_0010);
}

#[test]
fn two_fifths_of_requests_broken_up_and_down_finishes_in_one_run_byte_identical() {
    round_trip_through_faults(0.40, 0x5eed_0040);
}

/// Stalled responses are overtaken, not waited out: with the per-try timeout and the proxy's stalls
/// both at 5 minutes, a download of 300 small files whose GETs (bodies and listing pages) stall
/// now and then must still finish within 2 minutes, byte-identical. A stalled body is cut once the
/// job's other bodies have moved on for 10 s (and gives back its concurrency slot after 1 s); a
/// slow listing page is asked again beside the first. Waiting out even one stall would take 5 minutes.
#[test]
fn stalled_bodies_and_listing_pages_are_overtaken_not_waited_out() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("stalls");
    let scratch = tempfile::tempdir().unwrap();
    let source = scratch.path().join("source");
    let mut expected = BTreeMap::new();
    for i in 0..300usize {
        let content: Vec<u8> = (0..16_384).map(|b: usize| (b * 31 + i) as u8).collect();
        let name = format!("d{:02}/f{i:03}.bin", i % 10);
        write(&source, &name, &content);
        expected.insert(name, md5_hex(&content));
    }
    let (summary, out) = sync(source.to_str().unwrap(), &azurite.container_url("stalls"));
    assert_eq!(out.status.code(), Some(0), "seeding the container: {summary}");

    let five_minutes = Duration::from_secs(300);
    let proxy = FaultProxy::start(azurite.port, FaultConfig { rate: 0.05, kinds: vec![Fault::StallBody], seed: 0x5eed_57a1, stall_for: five_minutes });
    let url = format!("http://127.0.0.1:{}/devstoreaccount1/stalls", proxy.port);
    let dest = scratch.path().join("restored");
    let mut child = Command::new(env!("CARGO_BIN_EXE_azblobsync"))
        .args(["sync", &url, dest.to_str().unwrap(), "--output-type", "json"])
        .env_remove("AZURE_STORAGE_KEY")
        .env("AZCOPY_ACCOUNT_KEY", DEV_KEY)
        .env("AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS", five_minutes.as_secs().to_string())
        .env("AZBLOBSYNC_JOB_DIR", scratch.path().join("jobs"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the download was still running after 2 minutes: a stall was waited out ({})", proxy.report());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = child.wait_with_output().unwrap();
    let (_, summary) = json_events(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert!(proxy.injected(Fault::StallBody) >= 3, "stalls happened: {}", proxy.report());
    let mut restored = BTreeMap::new();
    hashes_on_disk(&dest, &dest, &mut restored);
    assert!(restored == expected, "downloaded files differ from the source");
    eprintln!("stalls overtaken: {}", proxy.report());
}
