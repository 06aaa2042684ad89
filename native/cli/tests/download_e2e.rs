//! Blob → local, end to end against Azurite: the downloaded bytes are checked against what an
//! independent client uploaded.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY};
use common::*;
use std::path::Path;

fn read(root: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn downloads_a_container_then_skips_it_then_fetches_only_what_changed() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("down");
    let staging = tempfile::tempdir().unwrap();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("a.txt", b"alpha".to_vec()),
        ("dir one/b#1.txt", b"beta".to_vec()),
        ("ünï/😀.bin", (0..20_000_000u32).map(|i| (i % 253) as u8).collect()),
        ("empty", Vec::new()),
    ];
    for (name, content) in &files {
        let p = staging.path().join("f");
        std::fs::write(&p, content).unwrap();
        oracle.put("down", &format!("pre/{name}"), &p, None);
    }
    let target = tempfile::tempdir().unwrap();
    let dest = target.path().join("restore");
    let url = format!("{}/pre", azurite.container_url("down"));

    let (events, summary, out) = sync_json_from(&url, &dest, &[]);
    assert!(out.status.success(), "{summary} {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary["filesTransferred"], 4);
    assert!(events.iter().all(|e| e["action"] == "download"));
    for (name, content) in &files {
        assert_eq!(md5_hex(&read(&dest, name)), md5_hex(content), "{name}");
    }
    let leftovers: Vec<_> = walk(&dest).into_iter().filter(|p| p.contains("azblobsync-part")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let (_, summary, _) = sync_json_from(&url, &dest, &[]);
    assert_eq!((summary["filesTransferred"].as_u64(), summary["filesSkipped"].as_u64()), (Some(0), Some(4)), "{summary}");

    let p = staging.path().join("f");
    std::fs::write(&p, b"alpha, revised").unwrap();
    oracle.put("down", "pre/a.txt", &p, None);
    std::fs::write(dest.join("local-only.txt"), b"x").unwrap();
    let (events, summary, _) = sync_json_from(&url, &dest, &["--delete-destination"]);
    assert_eq!(summary["filesTransferred"], 1, "{events:?}");
    assert_eq!(summary["filesDeleted"], 1);
    assert_eq!(read(&dest, "a.txt"), b"alpha, revised");
    assert!(!dest.join("local-only.txt").exists());
}

#[test]
fn a_blob_whose_md5_does_not_match_is_not_kept() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("md5");
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    std::fs::write(&p, b"the real content").unwrap();
    // Claims the MD5 of "something else".
    oracle.put_claiming_md5("md5", "liar.txt", &p, "bUK6wQPVZ2HpIBjsM/oXvQ==");
    oracle.put("md5", "honest.txt", &p, None);
    let dest = tempfile::tempdir().unwrap();
    let url = azurite.container_url("md5");

    let (events, summary, out) = sync_json_from(&url, dest.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{summary}");
    let liar = events.iter().find(|e| e["path"] == "liar.txt").unwrap();
    assert_eq!((liar["status"].as_str(), liar["errorId"].as_str()), (Some("failed"), Some("Md5Mismatch")));
    assert!(!dest.path().join("liar.txt").exists(), "a file that failed its check is not kept");
    assert!(dest.path().join("honest.txt").exists());

    let (events, summary, out) = sync_json_from(&url, dest.path(), &["--check-md5", "LogOnly"]);
    assert!(out.status.success(), "{summary}");
    let liar = events.iter().find(|e| e["path"] == "liar.txt").unwrap();
    assert_eq!(liar["status"], "success");
    assert!(liar["warning"].as_str().unwrap().contains("MD5 mismatch"), "{liar}");
}

#[test]
fn a_large_streamed_blob_that_fails_its_check_leaves_the_existing_file_untouched() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("md5-large");
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    // Larger than what is received in memory: this blob streams into a temporary file.
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&p, &content).unwrap();
    oracle.put_claiming_md5("md5-large", "big.bin", &p, "bUK6wQPVZ2HpIBjsM/oXvQ==");
    let dest = tempfile::tempdir().unwrap();
    let existing = dest.path().join("big.bin");
    std::fs::write(&existing, b"yesterday's copy").unwrap();
    let old_time = filetime::FileTime::from_unix_time(1_600_000_000, 0);
    filetime::set_file_mtime(&existing, old_time).unwrap();

    let (events, summary, out) = sync_json_from(&azurite.container_url("md5-large"), dest.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{summary}");
    assert_eq!(events[0]["errorId"], "Md5Mismatch", "{events:?}");
    assert_eq!(std::fs::read(&existing).unwrap(), b"yesterday's copy", "the old file was replaced");
    assert_eq!(filetime::FileTime::from_last_modification_time(&std::fs::metadata(&existing).unwrap()), old_time);
    assert_eq!(walk(dest.path()), vec![existing.display().to_string()], "something was left beside it");
}

#[test]
fn source_times_survive_a_skewed_service_clock_both_ways() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("skew-down");
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    std::fs::write(&p, b"version 1").unwrap();
    // The service stamps Last-Modified "now"; the source time travels as metadata and wins.
    oracle.put("skew-down", "report.csv", &p, Some("2023-11-14T22:13:20.123456789Z"));
    let dest = tempfile::tempdir().unwrap();
    let local = dest.path().join("report.csv");
    let url = azurite.container_url("skew-down");

    let (_, summary, _) = sync_json_from(&url, dest.path(), &[]);
    assert_eq!(summary["filesTransferred"], 1, "{summary}");
    let stamped = filetime::FileTime::from_last_modification_time(&std::fs::metadata(&local).unwrap());
    assert_eq!((stamped.unix_seconds(), stamped.nanoseconds()), (1_700_000_000, 123_456_789));

    // A rerun leaves the file alone: same inode, same change time.
    use std::os::unix::fs::MetadataExt;
    let before = std::fs::metadata(&local).unwrap();
    let (_, summary, _) = sync_json_from(&url, dest.path(), &[]);
    assert_eq!(summary["filesTransferred"], 0, "{summary}");
    let after = std::fs::metadata(&local).unwrap();
    assert_eq!((after.ino(), after.ctime(), after.ctime_nsec()), (before.ino(), before.ctime(), before.ctime_nsec()));

    // The source's clock now runs behind: a new version stamped *earlier* than the local copy, same
    // size. A different time is a change, whichever way it points.
    std::fs::write(&p, b"version 2").unwrap();
    oracle.put("skew-down", "report.csv", &p, Some("2020-01-01T00:00:00Z"));
    let (_, summary, _) = sync_json_from(&url, dest.path(), &[]);
    assert_eq!(summary["filesTransferred"], 1, "{summary}");
    assert_eq!(std::fs::read(&local).unwrap(), b"version 2");
    let stamped = filetime::FileTime::from_last_modification_time(&std::fs::metadata(&local).unwrap());
    assert_eq!((stamped.unix_seconds(), stamped.nanoseconds()), (1_577_836_800, 0));
}

fn sync_json_from(url: &str, dest: &Path, extra: &[&str]) -> (Vec<serde_json::Value>, serde_json::Value, std::process::Output) {
    let mut args = vec!["sync", url, dest.to_str().unwrap(), "--output-type", "json"];
    args.extend_from_slice(extra);
    let out = azblobsync(&args, Some(DEV_KEY));
    let (events, summary) = json_events(&out);
    (events, summary, out)
}

fn walk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn a_dry_run_or_check_of_a_download_creates_nothing_and_a_bad_source_url_is_named_as_the_source() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("nothing");
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    std::fs::write(&p, b"x").unwrap();
    oracle.put("nothing", "d/f.txt", &p, None);
    let parent = tempfile::tempdir().unwrap();
    let dest = parent.path().join("not-yet");
    let url = azurite.container_url("nothing");

    let (events, summary, _) = sync_json_from(&url, &dest, &["--dry-run"]);
    assert_eq!((events[0]["status"].as_str(), summary["filesTransferred"].as_u64()), (Some("whatIf"), Some(1)));
    let out = azblobsync(&["check", &url, dest.to_str().unwrap()], Some(DEV_KEY));
    assert_eq!(out.status.code(), Some(1));
    assert!(!dest.exists(), "nothing written, not even the folder");

    let out = azblobsync(&["sync", "http//127.0.0.1:1/acct/cont?sig=SECRET", dest.to_str().unwrap(), "--output-type", "json"], Some(DEV_KEY));
    let (_, summary) = json_events(&out);
    assert_eq!(summary["errorId"], "InvalidSource");
    assert!(!summary["error"].as_str().unwrap().contains("SECRET"));
}
