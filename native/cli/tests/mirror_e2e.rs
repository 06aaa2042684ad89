//! Deletion, its safety net, filters and `check`, end to end against Azurite.

mod common;

use azblobsync_testkit::{Azurite, DEV_KEY};
use common::*;

fn names(v: &[serde_json::Value], action: &str, status: &str) -> Vec<String> {
    let mut n: Vec<String> = v
        .iter()
        .filter(|e| e["action"] == action && e["status"] == status)
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

#[test]
fn delete_destination_removes_only_unfiltered_extras_and_max_delete_refuses_first() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("mirror");
    let src = tempfile::tempdir().unwrap();
    for f in ["a.txt", "b.txt", "c.log", "keep/d.txt"] {
        write(src.path(), f, f.as_bytes());
    }
    let url = azurite.container_url("mirror");
    let (_, summary, _) = sync_json(src.path(), &url, &[]);
    assert_eq!(summary["filesTransferred"], 4);

    for f in ["a.txt", "b.txt", "c.log"] {
        std::fs::remove_file(src.path().join(f)).unwrap();
    }
    // Without --delete-destination nothing is deleted.
    let (events, _, _) = sync_json(src.path(), &url, &[]);
    assert!(names(&events, "delete", "success").is_empty());
    assert_eq!(oracle.names("mirror").len(), 4);

    // Two would be deleted (c.log is outside the filter): over a limit of 1, nothing is, and the
    // job stops before its first write: the new file is not uploaded either.
    write(src.path(), "new.txt", b"new");
    let args = ["--delete-destination", "--max-delete", "1", "--exclude-pattern", "*.log"];
    let (events, summary, out) = sync_json(src.path(), &url, &args);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(summary["errorId"], "MaxDeleteExceeded");
    assert!(summary["error"].as_str().unwrap().contains("would delete 2 blobs"), "{summary}");
    assert!(events.is_empty(), "the job wrote before the guard spoke: {events:?}");
    assert_eq!(oracle.names("mirror"), vec!["a.txt", "b.txt", "c.log", "keep/d.txt"], "nothing deleted, nothing uploaded");
    std::fs::remove_file(src.path().join("new.txt")).unwrap();

    // A dry run shows the deletions and performs none.
    let args = ["--delete-destination", "--exclude-pattern", "*.log", "--dry-run"];
    let (events, summary, _) = sync_json(src.path(), &url, &args);
    assert_eq!(names(&events, "delete", "whatIf"), vec!["a.txt", "b.txt"]);
    assert_eq!(summary["differences"], 2);
    assert_eq!(oracle.names("mirror").len(), 4);

    let args = ["--delete-destination", "true", "--max-delete", "2", "--exclude-pattern", "*.log"];
    let (events, summary, out) = sync_json(src.path(), &url, &args);
    assert!(out.status.success(), "{summary}");
    assert_eq!(names(&events, "delete", "success"), vec!["a.txt", "b.txt"]);
    assert_eq!(summary["filesDeleted"], 2);
    assert_eq!(oracle.names("mirror"), vec!["c.log".to_string(), "keep/d.txt".to_string()]);
}

#[test]
fn filters_select_the_same_files_on_both_sides() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("filtered");
    let src = tempfile::tempdir().unwrap();
    for f in ["docs/a.pdf", "docs/b.tmp", "docs/draft-c.pdf", "logs/x.pdf", "photos/p.jpg", "old.pdf"] {
        write(src.path(), f, f.as_bytes());
    }
    filetime::set_file_mtime(src.path().join("old.pdf"), filetime::FileTime::from_unix_time(1_500_000_000, 0)).unwrap();
    let url = azurite.container_url("filtered");
    let args = [
        "--include-pattern", "*.pdf;*.jpg",
        "--exclude-path", "logs",
        "--exclude-regex", "draft-",
        "--include-after", "2020-01-01T00:00:00Z",
    ];
    let (events, summary, _) = sync_json(src.path(), &url, &args);
    assert_eq!(names(&events, "upload", "success"), vec!["docs/a.pdf", "photos/p.jpg"], "{summary}");
    assert_eq!(oracle.names("filtered"), vec!["docs/a.pdf".to_string(), "photos/p.jpg".to_string()]);

    // Deleting with the same filter leaves everything outside it alone.
    oracle.put("filtered", "logs/server.pdf", &src.path().join("logs/x.pdf"), None);
    oracle.put("filtered", "notes.txt", &src.path().join("docs/b.tmp"), None);
    let mut with_delete = args.to_vec();
    with_delete.push("--delete-destination");
    let (events, _, _) = sync_json(src.path(), &url, &with_delete);
    assert!(names(&events, "delete", "success").is_empty(), "{events:?}");
    assert_eq!(oracle.names("filtered").len(), 4);
}

#[test]
fn check_reports_missing_changed_and_extra_and_exits_1_until_in_sync() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("verify");
    let src = tempfile::tempdir().unwrap();
    for f in ["same.txt", "changed.txt", "gone.txt"] {
        write(src.path(), f, f.as_bytes());
    }
    let url = azurite.container_url("verify");
    sync_json(src.path(), &url, &[]);
    write(src.path(), "changed.txt", b"now different and longer");
    write(src.path(), "new.txt", b"new");
    std::fs::remove_file(src.path().join("gone.txt")).unwrap();

    let out = azblobsync(&["check", src.path().to_str().unwrap(), &url, "--output-type", "json"], Some(DEV_KEY));
    assert_eq!(out.status.code(), Some(1));
    let (events, summary) = json_events(&out);
    assert_eq!(summary["differences"], 3);
    let mut diffs: Vec<(String, String)> = events
        .iter()
        .filter(|e| e["status"] == "whatIf")
        .map(|e| (e["path"].as_str().unwrap().to_string(), e["reason"].as_str().unwrap().to_string()))
        .collect();
    diffs.sort();
    assert_eq!(diffs, vec![
        ("changed.txt".into(), "sizeChanged".into()),
        ("gone.txt".into(), "extra".into()),
        ("new.txt".into(), "missing".into()),
    ]);
    assert_eq!(oracle.names("verify").len(), 3, "check writes nothing");

    let text = azblobsync(&["check", src.path().to_str().unwrap(), &url], Some(DEV_KEY));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("extra      gone.txt") && stdout.contains("3 differences"), "{stdout}");

    sync_json(src.path(), &url, &["--delete-destination"]);
    let out = azblobsync(&["check", src.path().to_str().unwrap(), &url], Some(DEV_KEY));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn an_excluded_folder_is_never_listed_at_any_depth() {
    use azblobsync_testkit::{CountingProxy, DEV_ACCOUNT};
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("deep");
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    std::fs::write(&p, b"x").unwrap();
    for name in ["a/1.txt", "a/logs/1.txt", "a/logs/old/2.txt", "a/x/3.txt", "b/4.txt"] {
        oracle.put("deep", name, &p, None);
    }
    let proxy = CountingProxy::start(azurite.port);
    let url = format!("http://127.0.0.1:{}/{DEV_ACCOUNT}/deep", proxy.port);
    let dest = tempfile::tempdir().unwrap();
    let out = azblobsync(&["sync", &url, dest.path().to_str().unwrap(), "--exclude-path", "a/logs", "--output-type", "json"], Some(azblobsync_testkit::DEV_KEY));
    let (_, summary) = json_events(&out);
    assert_eq!(summary["filesTransferred"], 3, "{summary}");
    assert!(!dest.path().join("a/logs").exists());

    // The access check before the job (`maxresults=1`, one name at most) is not a listing of a folder.
    let listings: Vec<String> = proxy.request_lines().into_iter().filter(|l| l.contains("comp=list") && !l.contains("maxresults=1&")).collect();
    assert!(!listings.is_empty(), "no listing request was seen: {:?}", proxy.request_lines());
    for line in &listings {
        let prefix = line.split(['?', '&', ' ']).find_map(|p| p.strip_prefix("prefix=")).unwrap_or("");
        let prefix = prefix.replace("%2F", "/").replace("%2f", "/");
        assert!(!prefix.starts_with("a/logs"), "the excluded folder was listed: {line}");
        if "a/logs/".starts_with(&prefix) {
            assert!(line.contains("delimiter=%2F") || line.contains("delimiter=/"), "a folder holding the excluded one was listed flat: {line}");
        }
    }
}
