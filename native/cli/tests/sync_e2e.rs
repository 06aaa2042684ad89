//! The CLI end to end against a real Azurite, every blob read back by Azure's Python SDK.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY};
use common::*;
use std::collections::HashMap;
use std::path::Path;
use std::process::Output;

fn sample_tree(root: &Path) -> HashMap<String, Vec<u8>> {
    let mut files = HashMap::new();
    let names = ["a.txt", "dir one/b#1.txt", "dir one/c%20d.bin", "ünï/çødé.txt", "emoji/😀 party.txt", "empty", "deep/x/y/z.json"];
    for (i, name) in names.iter().enumerate() {
        let content = if *name == "empty" { Vec::new() } else { format!("content {i} of {name}").into_bytes() };
        write(root, name, &content);
        files.insert(name.to_string(), content);
    }
    // Larger than one 1 MiB block: goes as staged blocks.
    let big: Vec<u8> = (0..3_500_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    write(root, "big/large.bin", &big);
    files.insert("big/large.bin".into(), big);
    files
}

#[test]
fn uploads_a_tree_then_skips_it_then_uploads_only_what_changed() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("data");
    let src = tempfile::tempdir().unwrap();
    let files = sample_tree(src.path());
    let url = format!("{}/backup", azurite.container_url("data"));

    let (events, summary, out) = sync_json(src.path(), &url, &["--put-md5", "--block-size-mb", "1"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary["status"], "completed");
    assert_eq!(summary["filesTransferred"], files.len());
    assert_eq!(events.len(), files.len());
    for e in &events {
        assert_eq!((e["action"].as_str(), e["status"].as_str()), (Some("upload"), Some("success")), "{e}");
        assert_eq!(e["blob"].as_str().unwrap(), format!("backup/{}", e["path"].as_str().unwrap()));
    }

    let inventory = oracle.inventory("data");
    assert_eq!(inventory.len(), files.len());
    for blob in &inventory {
        let rel = blob.name.strip_prefix("backup/").expect("under the prefix");
        let local = &files[rel];
        assert_eq!(blob.size, local.len() as u64, "{rel}");
        assert_eq!(blob.md5_of_content, md5_hex(local), "{rel}: bytes differ");
        let md5 = base64_to_hex(blob.content_md5.as_deref().expect("Content-MD5 set"));
        assert_eq!(md5, md5_hex(local), "{rel}: Content-MD5 wrong");
        assert!(blob.metadata.contains_key("mtime"), "{rel}: source time stored");
    }
    assert_eq!(inventory.iter().find(|b| b.name.ends_with(".json")).unwrap().content_type, "application/json");

    let (events, summary, _) = sync_json(src.path(), &url, &[]);
    assert_eq!(summary["filesTransferred"], 0);
    assert_eq!(summary["filesSkipped"], files.len());
    assert!(events.iter().all(|e| e["status"] == "skipped" && e["reason"] == "unchanged"));
    // The service agrees: not one blob was rewritten (same ETag and Last-Modified).
    let versions = |inventory: &[azblobsync_testkit::BlobRecord]| -> HashMap<String, (String, String)> {
        inventory.iter().map(|b| (b.name.clone(), (b.etag.clone(), b.last_modified.clone()))).collect()
    };
    let first = versions(&inventory);
    let after_rerun = oracle.inventory("data");
    assert_eq!(versions(&after_rerun), first, "a rerun with nothing changed rewrote blobs");

    write(src.path(), "a.txt", b"changed, and longer than before");
    let t = filetime::FileTime::from_unix_time(1_600_000_000, 0);
    filetime::set_file_mtime(src.path().join("dir one/b#1.txt"), t).unwrap();
    let (events, summary, _) = sync_json(src.path(), &url, &[]);
    assert_eq!(summary["filesTransferred"], 2);
    let mut uploaded: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["status"] == "success")
        .map(|e| (e["path"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    uploaded.sort();
    assert_eq!(uploaded, vec![("a.txt", "sizeChanged"), ("dir one/b#1.txt", "modifiedTimeChanged")]);
    // Read back: exactly those two were rewritten, with the new bytes and the new time.
    let after_change = oracle.inventory("data");
    for blob in &after_change {
        let rel = blob.name.strip_prefix("backup/").unwrap();
        let rewritten = rel == "a.txt" || rel == "dir one/b#1.txt";
        assert_eq!(first[&blob.name] != (blob.etag.clone(), blob.last_modified.clone()), rewritten, "{rel}");
        assert_eq!(blob.md5_of_content, md5_hex(&std::fs::read(src.path().join(rel)).unwrap()), "{rel}");
    }
    let b = after_change.iter().find(|b| b.name == "backup/dir one/b#1.txt").unwrap();
    assert_eq!(stored_mtime(b), (1_600_000_000, 0));
}

/// The `mtime` metadata a blob carries, as (Unix seconds, nanoseconds), read with the `time` crate's
/// RFC 3339 parser (not the engine's).
fn stored_mtime(blob: &azblobsync_testkit::BlobRecord) -> (i64, u32) {
    let text = blob.metadata.get("mtime").unwrap_or_else(|| panic!("{}: no mtime metadata", blob.name));
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap_or_else(|e| panic!("{text}: {e}"));
    (t.unix_timestamp(), t.nanosecond())
}

fn file_mtime(path: &Path) -> (i64, u32) {
    let t = filetime::FileTime::from_last_modification_time(&std::fs::metadata(path).unwrap());
    (t.unix_seconds(), t.nanoseconds())
}

#[test]
fn the_stored_source_time_equals_the_file_s_to_the_nanosecond() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("times");
    let src = tempfile::tempdir().unwrap();
    let stamps = [("whole-second.txt", 1_700_000_000, 0), ("fraction.txt", 1_700_000_123, 456_789_123), ("old.txt", 86_400, 1)];
    for (name, secs, nanos) in stamps {
        write(src.path(), name, name.as_bytes());
        filetime::set_file_mtime(src.path().join(name), filetime::FileTime::from_unix_time(secs, nanos)).unwrap();
    }
    let (_, summary, _) = sync_json(src.path(), &azurite.container_url("times"), &[]);
    assert_eq!(summary["filesTransferred"], 3, "{summary}");
    for blob in oracle.inventory("times") {
        assert_eq!(stored_mtime(&blob), file_mtime(&src.path().join(&blob.name)), "{}", blob.name);
    }
}

#[test]
fn dry_run_reports_against_the_destination_and_writes_nothing() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("dry");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "kept.txt", b"same");
    write(src.path(), "new.txt", b"new");
    let url = azurite.container_url("dry");
    let (_, summary, _) = sync_json(src.path(), &url, &[]);
    assert_eq!(summary["filesTransferred"], 2);
    write(src.path(), "another.txt", b"x");

    let (events, summary, out) = sync_json(src.path(), &url, &["--dry-run"]);
    assert!(out.status.success());
    assert_eq!(summary["dryRun"], true);
    let statuses: Vec<(&str, &str)> = events.iter().map(|e| (e["path"].as_str().unwrap(), e["status"].as_str().unwrap())).collect();
    assert_eq!(statuses, vec![("another.txt", "whatIf"), ("kept.txt", "skipped"), ("new.txt", "skipped")]);
    assert_eq!(oracle.names("dry"), vec!["kept.txt".to_string(), "new.txt".to_string()]);
}

#[test]
fn a_blob_stamped_later_by_a_skewed_clock_is_still_updated_when_the_source_changed() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("skew");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "report.csv", b"version 2");
    // The blob was uploaded earlier from version 1 (same size), stamped with version 1's time; the
    // service's Last-Modified is "now", later than version 2's modified time.
    let old = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(old.path(), b"version 1").unwrap();
    filetime::set_file_mtime(src.path().join("report.csv"), filetime::FileTime::from_unix_time(1_700_000_100, 0)).unwrap();
    oracle.put("skew", "report.csv", old.path(), Some("2023-11-14T22:13:20Z"));

    let (_, summary, _) = sync_json(src.path(), &azurite.container_url("skew"), &[]);
    assert_eq!(summary["filesTransferred"], 1, "{summary}");
    assert_eq!(oracle.inventory("skew")[0].md5_of_content, md5_hex(b"version 2"));
}

fn one_line_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "a job-level failure exits 2");
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_code_2() {
    let azurite = Azurite::start();
    azurite.oracle().create_container("real");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "f", b"1");
    let s = src.path().to_str().unwrap();
    let missing = src.path().join("nope");

    let e = one_line_error(&azblobsync(&["sync", missing.to_str().unwrap(), &azurite.container_url("real")], Some(DEV_KEY)));
    assert!(e.contains("does not exist") && e.contains("nope"), "{e}");

    let e = one_line_error(&azblobsync(&["sync", s, "http//broken url"], Some(DEV_KEY)));
    assert!(e.contains("not a valid container URL"), "{e}");

    let e = one_line_error(&azblobsync(&["sync", s, &azurite.container_url("absent")], Some(DEV_KEY)));
    assert!(e.contains("container 'absent' does not exist"), "{e}");

    let wrong_key = "d3Jvbmcga2V5IGJ1dCB2YWxpZCBiYXNlNjQ=";
    let e = one_line_error(&azblobsync(&["sync", s, &azurite.container_url("real")], Some(wrong_key)));
    assert!(e.contains("rejected the credentials"), "{e}");
    assert!(!e.contains(wrong_key));

    let e = one_line_error(&azblobsync(&["sync", s, &azurite.container_url("real")], None));
    assert!(e.contains("no credentials were given"), "{e}");

    let e = one_line_error(&azblobsync(&["sync", s, &azurite.container_url("real")], Some("not base64!")));
    assert!(e.contains("not valid base64"), "{e}");

    // JSON mode carries the same message and a stable id in the summary.
    let out = azblobsync(&["sync", s, &azurite.container_url("absent"), "--output-type", "json"], Some(DEV_KEY));
    let (_, summary) = json_events(&out);
    assert_eq!((summary["status"].as_str(), summary["errorId"].as_str()), (Some("failed"), Some("ContainerNotFound")));
}

#[test]
fn a_sas_in_the_url_signs_in_and_its_signature_never_shows() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("sas");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "x/y.txt", b"via SAS");
    let sas_url = oracle.sas_url("sas", "rwl");
    let sig = sas_url.split("sig=").nth(1).expect("a signature").split('&').next().unwrap().to_string();

    let out = azblobsync(&["sync", src.path().to_str().unwrap(), &sas_url, "--output-type", "json"], None);
    let (events, summary) = json_events(&out);
    assert_eq!(summary["status"], "completed", "{summary}");
    assert_eq!(events[0]["blob"], "x/y.txt");
    assert_eq!(oracle.names("sas"), vec!["x/y.txt".to_string()]);

    // A read-only SAS cannot write: every file fails, with a message that hides the signature.
    let read_only = oracle.sas_url("sas", "rl");
    write(src.path(), "x/new.txt", b"new");
    let out = azblobsync(&["sync", src.path().to_str().unwrap(), &read_only], None);
    let all_output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_ne!(out.status.code(), Some(0));
    assert!(all_output.contains("x/new.txt"), "{all_output}");
    let read_only_sig = read_only.split("sig=").nth(1).unwrap().split('&').next().unwrap();
    assert!(!all_output.contains(&sig) && !all_output.contains(read_only_sig), "a signature leaked: {all_output}");
}

#[test]
fn names_that_utf8_and_utf16_order_differently_sync_and_resync() {
    let azurite = Azurite::start();
    azurite.oracle().create_container("order");
    let src = tempfile::tempdir().unwrap();
    // The service lists in UTF-16 order: the emoji (a surrogate, D83D) before U+E000 and U+FF01,
    // where UTF-8 byte order would put it last.
    for name in ["a\u{FF01}.txt", "a😀.txt", "a\u{E000}.txt", "a.txt", "dir\u{FF01}/x", "dir😀/y"] {
        write(src.path(), name, name.as_bytes());
    }
    let url = azurite.container_url("order");
    let (_, summary, _) = sync_json(src.path(), &url, &[]);
    assert_eq!(summary["filesTransferred"], 6, "{summary}");
    let (_, summary, _) = sync_json(src.path(), &url, &[]);
    assert_eq!((summary["status"].as_str(), summary["filesSkipped"].as_u64()), (Some("completed"), Some(6)), "{summary}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_source_file_is_a_failed_file_in_the_summary() {
    let azurite = Azurite::start();
    azurite.oracle().create_container("broken");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "ok.txt", b"fine");
    std::os::unix::fs::symlink("/nonexistent/target", src.path().join("dangling.txt")).unwrap();
    let (events, summary, out) = sync_json(src.path(), &azurite.container_url("broken"), &[]);
    assert_eq!(out.status.code(), Some(1), "some files failed");
    assert_eq!((summary["filesTransferred"].as_u64(), summary["filesFailed"].as_u64()), (Some(1), Some(1)), "{summary}");
    let failed = events.iter().find(|e| e["status"] == "failed").unwrap();
    assert_eq!((failed["path"].as_str(), failed["errorId"].as_str()), (Some("dangling.txt"), Some("LocalIoError")));
}

#[test]
fn uploads_carry_the_properties_asked_for() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("props");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "report.dat", b"quarterly");
    let args = [
        "--content-type", "text/csv",
        "--cache-control", "max-age=60",
        "--metadata", "dept=finance;owner=ops",
        "--blob-tags", "env=prod&team=data",
        "--block-blob-tier", "Cool",
    ];
    let (_, summary, out) = sync_json(src.path(), &azurite.container_url("props"), &args);
    assert!(out.status.success(), "{summary}");
    let blob = &oracle.inventory("props")[0];
    assert_eq!(blob.content_type, "text/csv");
    assert_eq!(blob.metadata.get("dept").map(String::as_str), Some("finance"));
    assert_eq!(blob.metadata.get("owner").map(String::as_str), Some("ops"));
    assert!(blob.metadata.contains_key("mtime"));
    assert_eq!(blob.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(blob.access_tier.as_deref(), Some("Cool"));
    assert_eq!(blob.tags.get("team").map(String::as_str), Some("data"));

    let bad = azblobsync(&["sync", src.path().to_str().unwrap(), &azurite.container_url("props"), "--metadata", "1bad=x"], Some(DEV_KEY));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("metadata name '1bad'"));
}
