//! Ctrl+C: the CLI stops mid-job with exit code 3 and a cancelled summary, and nothing half-written
//! becomes visible.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY};
use common::*;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn sigint_mid_upload_exits_3_with_a_cancelled_summary_and_no_visible_blob() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("cancel");
    let src = tempfile::tempdir().unwrap();
    // Large enough, in 1 MiB blocks two at a time, to be caught between its first block and its commit.
    let content: Vec<u8> = (0..256u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
    write(src.path(), "large.bin", &content);
    drop(content);
    let url = azurite.container_url("cancel");

    // Caught between its first staged block and its commit.
    let args = ["sync", src.path().to_str().unwrap(), &url, "--block-size-mb", "1", "--concurrency", "2"];
    let (status, stdout) = interrupt_once(&args, || oracle.uncommitted_blocks("cancel", "large.bin") > 0);

    assert_eq!(status.code(), Some(3), "stdout: {stdout}");
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().expect("a summary line")).unwrap();
    assert_eq!((summary["type"].as_str(), summary["status"].as_str()), (Some("summary"), Some("cancelled")), "{summary}");
    assert!(oracle.names("cancel").is_empty(), "a cancelled upload became visible");
}

#[test]
fn sigint_mid_download_exits_3_and_leaves_neither_the_file_nor_a_part_file() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("cancel-down");
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    let content: Vec<u8> = (0..512u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 9) as u8).collect();
    std::fs::write(&p, &content).unwrap();
    drop(content);
    oracle.put("cancel-down", "large.bin", &p, None);
    std::fs::remove_file(&p).unwrap();
    let dest = tempfile::tempdir().unwrap();

    // Caught while bytes stream into the temporary file beside the target.
    let part_file_growing = || {
        std::fs::read_dir(dest.path()).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().contains("azblobsync-part") && e.metadata().map(|m| m.len() > 0).unwrap_or(false)
        })
    };
    let url = azurite.container_url("cancel-down");
    let (status, stdout) = interrupt_once(&["sync", &url, dest.path().to_str().unwrap()], part_file_growing);

    assert_eq!(status.code(), Some(3), "stdout: {stdout}");
    let left: Vec<String> = std::fs::read_dir(dest.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(left.is_empty(), "a cancelled download left {left:?}");
}

/// Starts the CLI with JSON output, waits (up to 120 s) until `under_way` says the job is mid-file,
/// sends SIGINT (what Ctrl+C sends) and returns the exit status and standard output.
fn interrupt_once(args: &[&str], under_way: impl Fn() -> bool) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_azblobsync"))
        .args(args)
        .args(["--output-type", "json"])
        .env("AZCOPY_ACCOUNT_KEY", DEV_KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("azblobsync runs");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !under_way() {
        assert!(child.try_wait().unwrap().is_none(), "the job ended before it was seen under way");
        assert!(Instant::now() < deadline, "the job was not seen under way within 120 s");
        std::thread::sleep(Duration::from_millis(10));
    }
    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    (status, stdout)
}
