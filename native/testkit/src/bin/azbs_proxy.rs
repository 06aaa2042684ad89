//! `azbs-proxy`: the testkit's fault-injecting and byte-counting proxies as a process, for the
//! benchmark (bench/bench.py), which runs our CLI and rclone through the same proxy kind.
//!
//! Layout: client → FaultProxy (only when --fault-rate > 0) → CountingProxy → 127.0.0.1:UPSTREAM.
//! Prints one JSON line `{"port": P}` (the port clients use) on start. Each line `count` read on
//! stdin prints the counts so far as one JSON line; when stdin closes it prints them once more and
//! exits. The counts: `requests` (HTTP requests the fault proxy saw; null without it),
//! `faultsInjected`, `report` (faults by kind), `bytesToUpstream` and `bytesFromUpstream` (bytes
//! between the proxy and the service, counted behind the fault proxy: what reached the service).
//!
//! With `--log-requests true` the fault proxy runs even at rate 0, and the counts carry `answered`:
//! every request that reached the service, as `[request line, status]` (tests prove from it that
//! nothing was sent twice).
//!
//! Usage: azbs-proxy --upstream PORT [--fault-rate R] [--seed S] [--stall-seconds N] [--log-requests true]

use azblobsync_testkit::{CountingProxy, FaultConfig, FaultProxy};
use std::io::{BufRead, Write};
use std::time::Duration;

fn main() {
    let (mut upstream, mut rate, mut seed, mut stall, mut log_requests) = (None, 0.0f64, 1u64, 65u64, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--upstream" => upstream = Some(value.parse::<u16>().expect("--upstream: a port")),
            "--fault-rate" => rate = value.parse().expect("--fault-rate: a number from 0 to 1"),
            "--seed" => seed = value.parse().expect("--seed: an unsigned integer"),
            "--stall-seconds" => stall = value.parse().expect("--stall-seconds: whole seconds"),
            "--log-requests" => log_requests = value.parse().expect("--log-requests: true or false"),
            other => panic!("unknown flag {other}"),
        }
    }
    let upstream = upstream.expect("--upstream PORT is required");
    assert!((0.0..=1.0).contains(&rate), "--fault-rate must be from 0 to 1");
    let counting = CountingProxy::start(upstream);
    let faults = (rate > 0.0 || log_requests).then(|| FaultProxy::start(counting.port, FaultConfig::every_kind(rate, seed, Duration::from_secs(stall))));
    let port = faults.as_ref().map_or(counting.port, |f| f.port);
    let counts = || {
        serde_json::json!({
            "requests": faults.as_ref().map(FaultProxy::requests),
            "faultsInjected": faults.as_ref().map_or(0, FaultProxy::injected_total),
            "report": faults.as_ref().map_or_else(|| "no faults (counting only)".to_string(), FaultProxy::report),
            "bytesToUpstream": counting.bytes_to_upstream(),
            "bytesFromUpstream": counting.bytes_from_upstream(),
            "answered": faults.as_ref().filter(|_| log_requests).map(FaultProxy::answered),
        })
    };
    let say = |line: serde_json::Value| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    say(serde_json::json!({ "port": port }));
    // Until the caller closes our stdin (or kills us).
    for line in std::io::stdin().lock().lines() {
        match line {
            Ok(l) if l.trim() == "count" => say(counts()),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    say(counts());
    drop(faults);
    drop(counting);
}
