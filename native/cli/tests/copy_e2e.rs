//! `copy`, AzCopy's semantics, end to end against Azurite: a file, a folder, a folder's contents,
//! and what happens to destinations that exist.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY};
use common::*;
use std::path::Path;

fn copy(source: &str, dest: &str, extra: &[&str]) -> (Vec<serde_json::Value>, serde_json::Value, std::process::Output) {
    let mut args = vec!["copy", source, dest, "--output-type", "json"];
    args.extend_from_slice(extra);
    let out = azblobsync(&args, Some(DEV_KEY));
    let (events, summary) = json_events(&out);
    (events, summary, out)
}

fn tree(root: &Path) {
    for f in ["top.txt", "sub/inner.txt", "sub/deeper/leaf.txt"] {
        write(root, f, f.as_bytes());
    }
}

#[test]
fn a_folder_lands_inside_the_destination_and_dir_star_copies_its_contents() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    for c in ["whole", "contents", "flat"] {
        oracle.create_container(c);
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tree(&data);
    let d = data.to_str().unwrap();

    let (_, summary, out) = copy(d, &azurite.container_url("whole"), &["--recursive"]);
    assert!(out.status.success(), "{summary}");
    assert_eq!(oracle.names("whole"), vec!["data/sub/deeper/leaf.txt", "data/sub/inner.txt", "data/top.txt"]);

    copy(&format!("{d}/*"), &format!("{}/into", azurite.container_url("contents")), &["--recursive"]);
    assert_eq!(oracle.names("contents"), vec!["into/sub/deeper/leaf.txt", "into/sub/inner.txt", "into/top.txt"]);

    // Without --recursive, dir/* is the files directly in it.
    copy(&format!("{d}/*"), &azurite.container_url("flat"), &[]);
    assert_eq!(oracle.names("flat"), vec!["top.txt"]);

    let out = azblobsync(&["copy", d, &azurite.container_url("flat")], Some(DEV_KEY));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--recursive"));
}

#[test]
fn a_single_file_takes_the_destination_s_name_unless_it_is_a_folder() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("one");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "report.csv", b"q1");
    let f = dir.path().join("report.csv");
    let f = f.to_str().unwrap();
    let url = azurite.container_url("one");
    copy(f, &url, &[]);
    copy(f, &format!("{url}/in/"), &[]);
    let (events, _, _) = copy(f, &format!("{url}/archive/2026-q1.csv"), &[]);
    assert_eq!(events[0]["blob"], "archive/2026-q1.csv");
    assert_eq!(oracle.names("one"), vec!["archive/2026-q1.csv", "in/report.csv", "report.csv"]);
}

#[test]
fn existing_destinations_follow_the_overwrite_rule() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("overwrite");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"new content");
    let staging = dir.path().join("old");
    std::fs::write(&staging, b"old").unwrap();
    oracle.put("overwrite", "a.txt", &staging, None);
    let url = azurite.container_url("overwrite");
    let src = format!("{}/*", dir.path().join("").to_str().unwrap().trim_end_matches('/'));

    // The blob was written just now, after the file: not newer, so kept.
    filetime::set_file_mtime(dir.path().join("a.txt"), filetime::FileTime::from_unix_time(1_600_000_000, 0)).unwrap();
    let (events, _, _) = copy(&src, &url, &["--overwrite", "ifSourceNewer", "--exclude-pattern", "old"]);
    assert_eq!((events[0]["status"].as_str(), events[0]["reason"].as_str()), (Some("skipped"), Some("notNewer")));

    let (events, _, _) = copy(&src, &url, &["--overwrite", "false", "--exclude-pattern", "old"]);
    assert_eq!((events[0]["status"].as_str(), events[0]["reason"].as_str()), (Some("skipped"), Some("exists")));
    assert_eq!(oracle.inventory("overwrite")[0].md5_of_content, md5_hex(b"old"));

    // prompt with no terminal to ask on: nothing is approved.
    let (events, _, out) = copy(&src, &url, &["--overwrite", "prompt", "--exclude-pattern", "old"]);
    assert!(out.status.success());
    assert_eq!((events[0]["status"].as_str(), events[0]["reason"].as_str()), (Some("skipped"), Some("declined")));

    let (events, _, _) = copy(&src, &url, &["--exclude-pattern", "old"]);
    assert_eq!((events[0]["status"].as_str(), events[0]["reason"].as_str()), (Some("success"), Some("copy")));
    assert_eq!(oracle.inventory("overwrite")[0].md5_of_content, md5_hex(b"new content"));
}

#[test]
fn downloads_copy_a_virtual_folder_its_contents_or_one_blob() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("src");
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    std::fs::write(&p, b"blob bytes").unwrap();
    for name in ["pre/a.txt", "pre/sub/b.txt", "other.txt"] {
        oracle.put("src", name, &p, None);
    }
    let url = azurite.container_url("src");
    let out_dir = tempfile::tempdir().unwrap();
    let o = out_dir.path();

    copy(&format!("{url}/pre"), o.join("whole").to_str().unwrap(), &["--recursive"]);
    assert!(o.join("whole/pre/a.txt").is_file() && o.join("whole/pre/sub/b.txt").is_file());

    copy(&format!("{url}/pre/*"), o.join("contents").to_str().unwrap(), &[]);
    assert!(o.join("contents/a.txt").is_file());
    assert!(!o.join("contents/sub").exists(), "top level only without --recursive");

    std::fs::create_dir_all(o.join("one")).unwrap();
    copy(&format!("{url}/pre/sub/b.txt"), o.join("one").to_str().unwrap(), &[]);
    assert_eq!(std::fs::read(o.join("one/b.txt")).unwrap(), b"blob bytes");
    copy(&format!("{url}/other.txt"), o.join("renamed.txt").to_str().unwrap(), &[]);
    assert_eq!(std::fs::read(o.join("renamed.txt")).unwrap(), b"blob bytes");

    // What a killed download of that one file leaves is removed by the next run, even one that
    // downloads nothing (the file exists and is not overwritten).
    let leftover = o.join(".renamed.txt.azblobsync-part");
    std::fs::write(&leftover, b"half a download").unwrap();
    let (events, _, _) = copy(&format!("{url}/other.txt"), o.join("renamed.txt").to_str().unwrap(), &["--overwrite=false"]);
    assert_eq!(events[0]["status"], "skipped", "{events:?}");
    assert!(!leftover.exists(), "the part file was removed");
    assert_eq!(std::fs::read(o.join("renamed.txt")).unwrap(), b"blob bytes");
}
