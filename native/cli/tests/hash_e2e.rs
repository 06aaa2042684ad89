//! `--compare-hash MD5` end to end: same-sized files judged by content, with the local MD5 cache.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY};
use common::*;
use filetime::FileTime;

#[test]
fn content_decides_and_the_cache_spares_rereading_unchanged_files() {
    let azurite = Azurite::start();
    azurite.oracle().create_container("hashes");
    let src = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cache_file = cache.path().join("md5.redb");
    let cache_arg = cache_file.to_str().unwrap();
    write(src.path(), "touched.txt", b"same bytes");
    write(src.path(), "edited.txt", b"aaaa");
    let url = azurite.container_url("hashes");
    let (_, summary, _) = sync_json(src.path(), &url, &["--put-md5"]);
    assert_eq!(summary["filesTransferred"], 2);

    // touched.txt: new time, same bytes. edited.txt: same size and (restored) time, new bytes.
    let edited = src.path().join("edited.txt");
    let edited_time = FileTime::from_last_modification_time(&std::fs::metadata(&edited).unwrap());
    filetime::set_file_mtime(src.path().join("touched.txt"), FileTime::from_unix_time(1_600_000_000, 0)).unwrap();
    std::fs::write(&edited, b"bbbb").unwrap();
    filetime::set_file_mtime(&edited, edited_time).unwrap();

    // By time, the wrong file looks changed and the changed one looks the same.
    let (events, _, _) = sync_json(src.path(), &url, &["--dry-run"]);
    let would: Vec<&str> = events.iter().filter(|e| e["status"] == "whatIf").map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(would, vec!["touched.txt"]);

    let args = ["--compare-hash", "MD5", "--hash-cache", cache_arg, "--put-md5"];
    let (events, summary, out) = sync_json(src.path(), &url, &args);
    assert!(out.status.success(), "{summary}");
    let uploaded: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["status"] == "success")
        .map(|e| (e["path"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(uploaded, vec![("edited.txt", "contentChanged")]);
    assert_eq!(summary["filesSkipped"], 1);

    // The cache trusts size + time: bytes changed behind an unchanged size and time are not re-read
    // (which is what makes reruns cheap), proving the cache is consulted.
    let touched = src.path().join("touched.txt");
    let touched_time = FileTime::from_last_modification_time(&std::fs::metadata(&touched).unwrap());
    std::fs::write(&touched, b"SAME BYTES").unwrap();
    filetime::set_file_mtime(&touched, touched_time).unwrap();
    let (_, summary, _) = sync_json(src.path(), &url, &args);
    assert_eq!(summary["filesTransferred"], 0, "served from the cache: {summary}");
    // Without the cache, the file is read and the difference found.
    let fresh_cache = cache.path().join("fresh.redb");
    let (_, summary, _) = sync_json(src.path(), &url, &["--compare-hash", "MD5", "--hash-cache", fresh_cache.to_str().unwrap()]);
    assert_eq!(summary["filesTransferred"], 1, "{summary}");

    // check uses the same rule.
    let out = azblobsync(&["check", src.path().to_str().unwrap(), &url, "--compare-hash", "MD5", "--hash-cache", fresh_cache.to_str().unwrap()], Some(DEV_KEY));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}
