//! Helpers shared by the CLI's end-to-end suites.
#![allow(dead_code)]

use azblobsync_testkit::DEV_KEY;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub fn azblobsync(args: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_azblobsync"));
    cmd.args(args).env_remove("AZCOPY_ACCOUNT_KEY").env_remove("AZURE_STORAGE_KEY");
    // Journals of these runs stay out of the user's own jobs folder.
    if std::env::var_os("AZBLOBSYNC_JOB_DIR").is_none() {
        cmd.env("AZBLOBSYNC_JOB_DIR", std::env::temp_dir().join(format!("azblobsync-e2e-jobs-{}", std::process::id())));
    }
    if let Some(key) = key {
        cmd.env("AZCOPY_ACCOUNT_KEY", key);
    }
    cmd.output().expect("azblobsync runs")
}

pub fn json_events(out: &Output) -> (Vec<Value>, Value) {
    let mut events: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let summary = events.pop().expect("a summary line");
    assert_eq!(summary["type"], "summary", "last line is the summary");
    (events, summary)
}

pub fn sync_json(src: &Path, url: &str, extra: &[&str]) -> (Vec<Value>, Value, Output) {
    let mut args = vec!["sync", src.to_str().unwrap(), url, "--output-type", "json"];
    args.extend_from_slice(extra);
    let out = azblobsync(&args, Some(DEV_KEY));
    let (events, summary) = json_events(&out);
    (events, summary, out)
}

pub fn md5_hex(bytes: &[u8]) -> String {
    use md5_asm::{Digest, Md5};
    format!("{:x}", Md5::digest(bytes))
}

pub fn write(root: &Path, rel: &str, content: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

pub fn base64_to_hex(b64: &str) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in b64.bytes().filter(|c| *c != b'=') {
        bits = (bits << 6) | TABLE.iter().position(|t| *t == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out.iter().map(|b| format!("{b:02x}")).collect()
}

