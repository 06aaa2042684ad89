//! Plans a sync of N local files (default 1,000,000) against an N-entry destination listing served by
//! a small fake listing server, and reports wall time and peak memory. A benchmark, not a test.
//!
//!   cargo run --release -p azblobsync-bench --bin plan-1m -- [FILES] [WORK_DIR]
//!
//! The listing serves the same names and sizes, written (by the service's clock) after the files were
//! made, except every 1000th entry, which differs in size: the plan must skip 999 in 1000 and upload
//! the rest (a dry run, so nothing moves). Names are `dNNNN/fNNNN`, 1000 files per folder.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use azblobsync_core::job::events::{Event, FileStatus};
use azblobsync_core::job::start_job;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

const PAGE: usize = 5000;
const PER_FOLDER: usize = 1000;

fn name(i: usize) -> String {
    format!("d{:04}/f{:04}", i / PER_FOLDER, i % PER_FOLDER)
}

struct Listing {
    count: usize,
}

async fn list(State(listing): State<Arc<Listing>>, Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    let start: usize = q.get("marker").and_then(|m| m.parse().ok()).unwrap_or(0);
    let max: usize = q.get("maxresults").and_then(|m| m.parse().ok()).unwrap_or(PAGE).min(PAGE);
    let end = (start + max).min(listing.count);
    let mut xml = String::with_capacity((end - start) * 300 + 512);
    xml.push_str(r#"<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1/" ContainerName="bench"><Blobs>"#);
    for i in start..end {
        let size = if i % 1000 == 999 { 1 } else { 0 };
        xml.push_str(&format!(
            "<Blob><Name>{}</Name><Properties><Last-Modified>Fri, 31 Dec 2100 10:00:00 GMT</Last-Modified><Content-Length>{size}</Content-Length><BlobType>BlockBlob</BlobType></Properties><Metadata><owner>bench</owner></Metadata></Blob>",
            name(i)
        ));
    }
    xml.push_str("</Blobs>");
    if end < listing.count {
        xml.push_str(&format!("<NextMarker>{end}</NextMarker>"));
    } else {
        xml.push_str("<NextMarker/>");
    }
    xml.push_str("</EnumerationResults>");
    ([("content-type", "application/xml"), ("x-ms-version", "2026-04-06")], xml)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn make_tree(root: &PathBuf, count: usize) {
    // Beside the tree, not in it: the marker must not be planned too.
    let marker = root.with_extension(format!("complete-{count}"));
    if marker.exists() {
        return;
    }
    let started = Instant::now();
    for i in 0..count {
        let path = root.join(name(i));
        if i % PER_FOLDER == 0 {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        std::fs::write(&path, b"").unwrap();
    }
    std::fs::write(marker, b"").unwrap();
    eprintln!("made {count} files in {:.1}s", started.elapsed().as_secs_f64());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let root = PathBuf::from(args.get(2).cloned().unwrap_or_else(|| std::env::temp_dir().join("azblobsync-plan-bench").display().to_string()));
    make_tree(&root, count);

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let listing = Arc::new(Listing { count });
    let app = axum::Router::new().route("/acct/bench", get(list)).with_state(listing);
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });

    let rss_before = peak_rss_mib();
    let spec = serde_json::json!({
        "source": root,
        "destination": format!("http://127.0.0.1:{port}/acct/bench?sv=bench&sig=none"),
        "dryRun": true,
    });
    let started = Instant::now();
    let (skipped, transfer, summary) = runtime.block_on(async {
        let mut job = start_job(&tokio::runtime::Handle::current(), spec.to_string().as_bytes());
        let (mut skipped, mut transfer) = (0u64, 0u64);
        while let Some(event) = job.next_event().await {
            match event {
                Event::File(f) if f.status == FileStatus::Skipped => skipped += 1,
                Event::File(_) => transfer += 1,
                Event::Summary(s) => return (skipped, transfer, s),
                Event::Confirm(_) => unreachable!("the spec asks for no confirmations"),
            }
        }
        panic!("no summary");
    });
    let elapsed = started.elapsed().as_secs_f64();
    assert!(summary.error.is_none(), "{:?}", summary.error);
    assert_eq!(skipped + transfer, count as u64, "every name planned once");
    assert_eq!(transfer, (count / 1000) as u64, "every 1000th differs");
    println!("| files planned | wall s | files/s | peak RSS MiB (process) | RSS before job MiB |");
    println!("|---|---|---|---|---|");
    println!("| {count} | {elapsed:.1} | {:.0} | {:.0} | {rss_before:.0} |", count as f64 / elapsed, peak_rss_mib());
    println!("{skipped} skipped as unchanged, {transfer} would upload; listing pages of {PAGE} from a local fake server.");
}
