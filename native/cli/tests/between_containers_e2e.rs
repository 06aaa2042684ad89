//! Container → container sync: server-side copies, checked by the oracle.

mod common;

use azblobsync_testkit::{Azurite, CountingProxy, DEV_ACCOUNT, DEV_KEY};
use common::*;

#[test]
fn mirrors_a_prefix_into_another_container_server_side() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("origin");
    oracle.create_container("mirror");
    let staging = tempfile::tempdir().unwrap();
    for (name, content) in [("data/a.txt", "alpha"), ("data/sub/b.txt", "beta"), ("other/c.txt", "gamma")] {
        let p = staging.path().join("f");
        std::fs::write(&p, content).unwrap();
        oracle.put("origin", name, &p, None);
    }
    let p = staging.path().join("f");
    std::fs::write(&p, "stale").unwrap();
    oracle.put("mirror", "copy/extra.txt", &p, None);
    let from = format!("{}/data", azurite.container_url("origin"));
    let to = format!("{}/copy", azurite.container_url("mirror"));

    let mut args = vec!["sync", from.as_str(), to.as_str(), "--output-type", "json", "--delete-destination"];
    let out = azblobsync(&args, Some(azblobsync_testkit::DEV_KEY));
    let (events, summary) = json_events(&out);
    assert!(out.status.success(), "{summary}");
    assert_eq!((summary["filesTransferred"].as_u64(), summary["filesDeleted"].as_u64()), (Some(2), Some(1)), "{events:?}");
    assert!(events.iter().filter(|e| e["status"] == "success").all(|e| e["action"] == "copy" || e["action"] == "delete"));
    let inventory = oracle.inventory("mirror");
    let names: Vec<&str> = inventory.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, vec!["copy/a.txt", "copy/sub/b.txt"]);
    assert_eq!(inventory[0].md5_of_content, md5_hex(b"alpha"));
    assert!(inventory[0].metadata.contains_key("mtime"), "the source's time travels with the copy");

    // Nothing changed: nothing to copy.
    args.pop();
    let out = azblobsync(&args, Some(azblobsync_testkit::DEV_KEY));
    let (_, summary) = json_events(&out);
    assert_eq!((summary["filesTransferred"].as_u64(), summary["filesSkipped"].as_u64()), (Some(0), Some(2)), "{summary}");
}

#[test]
fn copies_a_blob_a_virtual_folder_or_its_contents_between_containers() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("from");
    for c in ["to-one", "to-folder", "to-contents"] {
        oracle.create_container(c);
    }
    let staging = tempfile::tempdir().unwrap();
    let p = staging.path().join("f");
    std::fs::write(&p, "bytes").unwrap();
    for name in ["set/a.txt", "set/sub/b.txt"] {
        oracle.put("from", name, &p, None);
    }
    let src = azurite.container_url("from");
    let key = Some(azblobsync_testkit::DEV_KEY);
    let run = |args: &[&str]| {
        let out = azblobsync(args, key);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["copy", &format!("{src}/set/a.txt"), &format!("{}/renamed.txt", azurite.container_url("to-one"))]);
    assert_eq!(oracle.names("to-one"), vec!["renamed.txt"]);
    run(&["copy", &format!("{src}/set"), &azurite.container_url("to-folder"), "--recursive"]);
    assert_eq!(oracle.names("to-folder"), vec!["set/a.txt", "set/sub/b.txt"]);
    run(&["copy", &format!("{src}/set/*"), &azurite.container_url("to-contents")]);
    assert_eq!(oracle.names("to-contents"), vec!["a.txt"]);
}

#[test]
fn a_server_side_copy_moves_no_blob_bytes_through_this_machine() {
    let azurite = Azurite::start();
    let oracle = azurite.oracle();
    oracle.create_container("big-origin");
    oracle.create_container("big-mirror");
    let staging = tempfile::tempdir().unwrap();
    let mut md5s = Vec::new();
    for i in 0..3u8 {
        let content: Vec<u8> = (0..4u32 << 20).map(|j| (j.wrapping_mul(2_654_435_761) >> 11) as u8 ^ i).collect();
        let p = staging.path().join(format!("f{i}"));
        std::fs::write(&p, &content).unwrap();
        oracle.put("big-origin", &format!("blob{i}.bin"), &p, None);
        md5s.push(md5_hex(&content));
    }
    // Every request of ours, to either container, goes through a proxy that counts the bytes.
    let proxy = CountingProxy::start(azurite.port);
    let via = |container: &str| format!("http://127.0.0.1:{}/{DEV_ACCOUNT}/{container}", proxy.port);
    let (from, to) = (via("big-origin"), via("big-mirror"));
    let out = azblobsync(&["sync", &from, &to, "--output-type", "json"], Some(DEV_KEY));
    let (_, summary) = json_events(&out);
    assert!(out.status.success(), "{summary}");
    assert_eq!(summary["filesTransferred"], 3, "{summary}");

    let inventory = oracle.inventory("big-mirror");
    assert_eq!(inventory.iter().map(|b| b.md5_of_content.clone()).collect::<Vec<_>>(), md5s);
    let crossed = proxy.bytes_to_upstream() + proxy.bytes_from_upstream();
    assert!(crossed < 256 * 1024, "{crossed} bytes crossed between us and the service; the blobs hold 12 MiB");
}
