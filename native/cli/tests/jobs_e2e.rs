//! The job journal end to end: a job killed (kill -9) or interrupted (Ctrl+C) mid-way is listed as
//! resumable, and `jobs resume` finishes it: the destination is read back by the oracle (or from
//! disk), and what crossed the wire is counted at a proxy, not taken from our own summary.

mod common;

use azblobsync_testkit::{Azurite, CountingProxy, DEV_ACCOUNT, DEV_KEY, FaultConfig, FaultProxy};
use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const MIB: usize = 1 << 20;

/// Runs the CLI with its journal in `jobs`.
fn cli(jobs: &Path, args: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_azblobsync"));
    cmd.args(args).env("AZBLOBSYNC_JOB_DIR", jobs).env_remove("AZCOPY_ACCOUNT_KEY").env_remove("AZURE_STORAGE_KEY");
    if let Some(key) = key {
        cmd.env("AZCOPY_ACCOUNT_KEY", key);
    }
    cmd.output().expect("azblobsync runs")
}

fn spawn(jobs: &Path, args: &[&str], key: Option<&str>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_azblobsync"));
    cmd.args(args).args(["--output-type", "json"]).env("AZBLOBSYNC_JOB_DIR", jobs).env_remove("AZCOPY_ACCOUNT_KEY");
    if let Some(key) = key {
        cmd.env("AZCOPY_ACCOUNT_KEY", key);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("azblobsync runs")
}

fn jobs_list(jobs: &Path) -> Vec<Value> {
    let out = cli(jobs, &["jobs", "list", "--output-type", "json"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Waits (up to 120 s) until `under_way`, failing if the job ends first.
fn wait_until(child: &mut Child, mut under_way: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !under_way() {
        assert!(child.try_wait().unwrap().is_none(), "the job ended before it was seen under way");
        assert!(Instant::now() < deadline, "the job was not seen under way within 120 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(child: &Child, sig: &str) {
    assert!(Command::new("kill").args([sig, &child.id().to_string()]).status().unwrap().success());
}

fn pattern(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32).map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 11) as u8).collect()
}

/// Every file under `root` (relative name → MD5 hex), our temporary files included.
fn tree(root: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, md5_hex(&std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn a_killed_upload_is_interrupted_and_its_resume_sends_only_what_was_missing() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("killed");
    let proxy = CountingProxy::start(azurite.port);
    let url = format!("http://127.0.0.1:{}/{DEV_ACCOUNT}/killed", proxy.port);
    let src = tempfile::tempdir().unwrap();
    let jobs = tempfile::tempdir().unwrap();
    // "big" sorts first: it is under way while the small files go one by one beside it.
    write(src.path(), "big.bin", &pattern(96 * MIB, 7));
    for i in 0..300 {
        write(src.path(), &format!("small/{i:04}.bin"), &pattern(16 * 1024, i));
    }
    let total: u64 = 96 * MIB as u64 + 300 * 16 * 1024;

    let mut child = spawn(jobs.path(), &["sync", src.path().to_str().unwrap(), &url, "--block-size-mb", "1", "--concurrency", "2"], Some(DEV_KEY));
    // Killed once the journal has files done and the large file has blocks staged.
    wait_until(&mut child, || {
        let done = jobs_list(jobs.path()).first().map_or(0, |j| j["filesTransferred"].as_u64().unwrap());
        done >= 10 && oracle.uncommitted_blocks("killed", "big.bin") >= 3
    });
    signal(&child, "-KILL");
    child.wait().unwrap();

    let listed = jobs_list(jobs.path());
    assert_eq!(listed.len(), 1, "{listed:?}");
    let job = &listed[0];
    assert_eq!((job["status"].as_str(), job["resumable"].as_bool()), (Some("Interrupted"), Some(true)), "{job}");
    let id = job["jobId"].as_str().unwrap().to_string();
    let done_before_kill = job["filesTransferred"].as_u64().unwrap();
    let staged = oracle.uncommitted_blocks("killed", "big.bin") as u64;

    let sent_before = proxy.bytes_to_upstream();
    let out = cli(jobs.path(), &["jobs", "resume", &id, "--output-type", "json"], Some(DEV_KEY));
    let (_, summary) = json_events(&out);
    let sent = proxy.bytes_to_upstream() - sent_before;
    assert_eq!(summary["status"], "completed", "{summary}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary["jobId"], id.as_str());
    assert_eq!(summary["attempt"], 2);
    // Counts add up across the two runs: what the journal had as done is reported as done before.
    assert_eq!(summary["filesDoneBefore"].as_u64().unwrap(), done_before_kill, "{summary}");
    let accounted = ["filesDoneBefore", "filesTransferred", "filesSkipped"].iter().map(|k| summary[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(accounted, 301, "{summary}");
    // The staged blocks and the finished files were not sent again (headers are far below a block).
    eprintln!("resume sent {sent} bytes of {total} ({staged} blocks of 1 MiB were staged, {done_before_kill} files done before)");
    assert!(sent < total - staged * MIB as u64, "resume sent {sent} of {total} bytes with {staged} MiB staged");

    let expected = tree(src.path());
    let blobs: std::collections::BTreeMap<String, String> = oracle.inventory("killed").into_iter().map(|b| (b.name, b.md5_of_content)).collect();
    assert_eq!(blobs, expected, "the destination equals the source, byte for byte");
    assert_eq!(oracle.uncommitted_blocks("killed", "big.bin"), 0, "no uncommitted blocks are left");
    let after = jobs_list(jobs.path());
    assert_eq!((after[0]["status"].as_str(), after[0]["attempt"].as_u64()), (Some("Completed"), Some(2)));
}

/// kill -9 at random instants, each run (the sync, then every resume) killed again: first while the
/// tree is still being read or the first files start, then among the small files and the large
/// file's blocks. In the end the container equals the source, nothing that reached the service was
/// sent there again (every request is logged at a proxy with the status the service gave it), and
/// no uncommitted block is left. The seed is printed, so a failure can be replayed.
#[test]
fn kill_nine_at_random_instants_and_resumes_send_nothing_twice() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("random-kills");
    let proxy = FaultProxy::start(azurite.port, FaultConfig::every_kind(0.0, 1, Duration::ZERO));
    let url = format!("http://127.0.0.1:{}/{DEV_ACCOUNT}/random-kills", proxy.port);
    let src = tempfile::tempdir().unwrap();
    let jobs = tempfile::tempdir().unwrap();
    write(src.path(), "big.bin", &pattern(40 * MIB, 11));
    for i in 0..1_500u32 {
        write(src.path(), &format!("d{:02}/{i:04}.bin", i % 50), &pattern(4096, i));
    }
    let seed = std::env::var("AZBLOBSYNC_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64 | 1
    });
    let mut rng = seed;
    let mut uniform = |lo: f64, hi: f64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        lo + (hi - lo) * (rng % 10_000) as f64 / 10_000.0
    };
    let delays = [uniform(0.0, 0.25), uniform(0.3, 2.0), uniform(0.3, 2.0)];
    eprintln!("AZBLOBSYNC_KILL_SEED={seed}: kills after {delays:.3?} s");

    let sync_args = ["sync", src.path().to_str().unwrap(), url.as_str(), "--block-size-mb", "1", "--concurrency", "4"];
    let mut job_id: Option<String> = None;
    let mut kills = 0;
    for delay in delays {
        let mut child = match &job_id {
            None => spawn(jobs.path(), &sync_args, Some(DEV_KEY)),
            Some(id) => spawn(jobs.path(), &["jobs", "resume", id], Some(DEV_KEY)),
        };
        std::thread::sleep(Duration::from_secs_f64(delay));
        if child.try_wait().unwrap().is_some() {
            break; // finished before this kill: the final run below finds nothing left to do
        }
        signal(&child, "-KILL");
        child.wait().unwrap();
        kills += 1;
        let listed = jobs_list(jobs.path());
        match listed.first() {
            // Killed before the journal recorded the job: nothing was written, the sync is run again.
            None => assert!(oracle.inventory("random-kills").is_empty(), "a job that left no record wrote nothing"),
            Some(job) => {
                assert_eq!((job["status"].as_str(), job["resumable"].as_bool()), (Some("Interrupted"), Some(true)), "{job}");
                job_id = Some(job["jobId"].as_str().unwrap().to_string());
                eprintln!(
                    "killed after {delay:.3} s: {} files done, {} blocks of big.bin staged",
                    job["filesTransferred"],
                    oracle.uncommitted_blocks("random-kills", "big.bin")
                );
            }
        }
    }
    assert!(kills >= 2, "the job was killed at least twice (it finished first: make it larger)");

    let out = match &job_id {
        None => cli(jobs.path(), &[&sync_args[..], &["--output-type", "json"]].concat(), Some(DEV_KEY)),
        Some(id) => cli(jobs.path(), &["jobs", "resume", id, "--output-type", "json"], Some(DEV_KEY)),
    };
    let (_, summary) = json_events(&out);
    assert_eq!(summary["status"], "completed", "{summary}\n{}", String::from_utf8_lossy(&out.stderr));

    let blobs: std::collections::BTreeMap<String, String> = oracle.inventory("random-kills").into_iter().map(|b| (b.name, b.md5_of_content)).collect();
    assert_eq!(blobs, tree(src.path()), "the destination equals the source, byte for byte");
    assert_eq!(oracle.uncommitted_blocks("random-kills", "big.bin"), 0, "no uncommitted blocks are left");
    // Every blob written (Put Blob) and every block staged (Put Block, by its id) reached the service once.
    let mut written = std::collections::BTreeMap::<String, u32>::new();
    for (line, status) in proxy.answered() {
        if line.starts_with("PUT ") && status == 201 && !line.contains("restype=container") {
            *written.entry(line.split_whitespace().nth(1).unwrap().to_string()).or_default() += 1;
        }
    }
    let twice: Vec<_> = written.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent again after a kill: {twice:?}");
    assert_eq!(written.len(), 1_500 + 40 + 1, "1,500 small blobs, 40 blocks and one block list: {:?}", written.keys().take(5).collect::<Vec<_>>());
}

#[test]
fn a_download_killed_mid_file_resumes_to_identical_files_and_no_part_file() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("killed-down");
    let staging = tempfile::tempdir().unwrap();
    let big = pattern(96 * MIB, 3);
    std::fs::write(staging.path().join("big"), &big).unwrap();
    oracle.put("killed-down", "big.bin", &staging.path().join("big"), None);
    drop(big);
    for i in 0..5 {
        std::fs::write(staging.path().join("s"), pattern(4096, i)).unwrap();
        oracle.put("killed-down", &format!("small/{i}.bin"), &staging.path().join("s"), None);
    }
    let dest = tempfile::tempdir().unwrap();
    let jobs = tempfile::tempdir().unwrap();
    let url = azurite.container_url("killed-down");
    let part = dest.path().join(".big.bin.azblobsync-part");
    let mut child = spawn(jobs.path(), &["sync", &url, dest.path().to_str().unwrap(), "--concurrency", "2"], Some(DEV_KEY));
    wait_until(&mut child, || std::fs::metadata(&part).map(|m| m.len() > 0).unwrap_or(false));
    signal(&child, "-KILL");
    child.wait().unwrap();
    assert!(part.exists(), "kill -9 left the part file (what resume must clean)");

    let listed = jobs_list(jobs.path());
    assert_eq!(listed[0]["status"], "Interrupted");
    let id = listed[0]["jobId"].as_str().unwrap().to_string();
    let out = cli(jobs.path(), &["jobs", "resume", &id, "--output-type", "json"], Some(DEV_KEY));
    let (_, summary) = json_events(&out);
    assert_eq!(summary["status"], "completed", "{summary}");

    let on_disk = tree(dest.path());
    let blobs: std::collections::BTreeMap<String, String> = oracle.inventory("killed-down").into_iter().map(|b| (b.name, b.md5_of_content)).collect();
    assert_eq!(on_disk, blobs, "every file identical, and no .azblobsync-part left");
}

#[test]
fn ctrl_c_records_the_job_cancelled_and_a_resume_with_the_sas_given_again_finishes_it() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("sigint");
    let sas_url = oracle.sas_url("sigint", "rwdl");
    let (base, sas) = sas_url.split_once('?').unwrap();
    let signature = sas.split('&').find_map(|p| p.strip_prefix("sig=")).unwrap().to_string();
    let src = tempfile::tempdir().unwrap();
    let jobs = tempfile::tempdir().unwrap();
    write(src.path(), "large.bin", &pattern(128 * MIB, 1));
    write(src.path(), "z.txt", b"last");

    let mut child = spawn(jobs.path(), &["sync", src.path().to_str().unwrap(), &sas_url, "--block-size-mb", "1", "--concurrency", "2"], None);
    wait_until(&mut child, || oracle.uncommitted_blocks("sigint", "large.bin") > 0);
    signal(&child, "-INT");
    assert_eq!(child.wait().unwrap().code(), Some(3));

    let shown = cli(jobs.path(), &["jobs", "list", "--output-type", "json"], None);
    let job: Value = serde_json::from_str(String::from_utf8_lossy(&shown.stdout).lines().next().unwrap()).unwrap();
    assert_eq!((job["status"].as_str(), job["resumable"].as_bool()), (Some("Cancelled"), Some(true)), "{job}");
    assert_eq!(job["destination"], base, "the SAS is not recorded");
    let id = job["jobId"].as_str().unwrap().to_string();

    // Without the SAS, resume says what to give again.
    let refused = cli(jobs.path(), &["jobs", "resume", &id, "--output-type", "json"], None);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("destinationSas"), "{}", String::from_utf8_lossy(&refused.stdout));

    let out = cli(jobs.path(), &["jobs", "resume", &id, "--destination-sas", sas, "--output-type", "json"], None);
    let (_, summary) = json_events(&out);
    assert_eq!(summary["status"], "completed", "{summary}");
    let log = summary["logPath"].as_str().expect("logPath on the summary");
    assert!(Path::new(log).exists());
    let blobs: std::collections::BTreeMap<String, String> = oracle.inventory("sigint").into_iter().map(|b| (b.name, b.md5_of_content)).collect();
    assert_eq!(blobs, tree(src.path()));

    // Neither the journal nor the log holds the signature.
    for dir in [jobs.path().to_path_buf(), jobs.path().join("logs")] {
        for e in std::fs::read_dir(dir).unwrap().flatten().filter(|e| e.path().is_file()) {
            let bytes = std::fs::read(e.path()).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains(&signature), "the SAS signature is in {}", e.path().display());
        }
    }
}

#[test]
fn jobs_list_show_and_rm_speak_json() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("shapes");
    let src = tempfile::tempdir().unwrap();
    let jobs = tempfile::tempdir().unwrap();
    write(src.path(), "a.txt", b"a");
    let url = azurite.container_url("shapes");
    for _ in 0..2 {
        let out = cli(jobs.path(), &["sync", src.path().to_str().unwrap(), &url, "--output-type", "json"], Some(DEV_KEY));
        assert!(out.status.success());
    }
    let listed = jobs_list(jobs.path());
    assert_eq!(listed.len(), 2);
    for key in ["jobId", "status", "startTime", "endTime", "filesTransferred", "filesSkipped", "filesFailed", "bytesTransferred", "resumable", "logPath"] {
        assert!(listed[0].get(key).is_some(), "{key} in {}", listed[0]);
    }
    let (newest, oldest) = (listed[0]["jobId"].as_str().unwrap(), listed[1]["jobId"].as_str().unwrap());
    assert_eq!((listed[1]["filesTransferred"].as_u64(), listed[0]["filesSkipped"].as_u64()), (Some(1), Some(1)));

    let show = cli(jobs.path(), &["jobs", "show", newest, "--output-type", "json"], None);
    let shown: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!((shown["jobId"].as_str(), shown["status"].as_str()), (Some(newest), Some("Completed")));
    assert!(shown["failedFiles"].as_array().unwrap().is_empty());
    let text = cli(jobs.path(), &["jobs", "list"], None);
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("JOB ID"), "a table with a header");

    let missing = cli(jobs.path(), &["jobs", "show", "no-such-job"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("JobNotFound"));

    let rm = cli(jobs.path(), &["jobs", "rm", oldest, "--output-type", "json"], None);
    let removed: Value = serde_json::from_slice(&rm.stdout).unwrap();
    assert_eq!(removed["removed"], serde_json::json!([oldest]));
    let rm = cli(jobs.path(), &["jobs", "rm", "--older-than", "0s", "--status", "Completed", "--output-type", "json"], None);
    let removed: Value = serde_json::from_slice(&rm.stdout).unwrap();
    assert_eq!(removed["removed"], serde_json::json!([newest]));
    assert!(jobs_list(jobs.path()).is_empty());
}
