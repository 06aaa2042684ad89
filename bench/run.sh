#!/usr/bin/env bash
# Benchmark (not a test): our CLI and our engine through the .NET layer beside rclone and the Azure CLI
# on one local Azurite, alternating rounds; reference rates (md5sum on 2 cores, raw 16 KiB PUTs with wrk);
# the million-file plan; then, through a fault-injecting / byte-counting proxy (azbs-proxy), uploads and
# downloads with 10% of requests broken and the bytes re-sent after a kill at half of a large upload.
# Prints one Markdown table and writes bench/results/latest.md (+ .json).
#
#   bench/run.sh [ROUNDS] [--quick] [--only PHASE[,PHASE]] [--tools SLUG[,SLUG]]
#                                        (./build.sh bench [ROUNDS] builds first)
#
#   ROUNDS   alternating rounds per workload (default 3; 1 with --quick)
#   --quick  400 files instead of 2,000, 10,000 instead of 100,000, one 64 MiB file instead of
#            256 MiB and 2 GiB (resend: 64 MiB instead of 1 GiB), a 100,000-file plan; writes
#            bench/results/quick.md instead
#   --only   phases: small, wrk, first_call, large, budget, many, md5, plan, faults, resend
#            (writes bench/results/only-<phases>.md)
#   --tools  only these tools: ours, oursnojournal, oursmd5, ourssas, oursbudget, dotnet, rclone, az, floor
#            (bench/journal_on_off.sh = --only small,many --tools ours,oursnojournal)
#
# The default run took about 13-15 minutes on 2 cores before the faults and resend phases (quick: under 2);
# faults adds several minutes per round (every stalled request costs the 60 s per-try timeout; quick: about
# 6 minutes for its one round), resend well under a minute per round. Workloads,
# verification and the reasons for each choice are in bench/bench.py. Installs azure-cli and wrk with
# apt-get when missing (as root). faults and resend need target/release/azbs-proxy
# (cargo build --release -p azblobsync-testkit --bin azbs-proxy).
# Environment: AZBLOBSYNC_CLI (default: out/bin/azblobsync, or target/release/azblobsync when newer),
# AZBLOBSYNC_NATIVE_PATH (default: target/release/libazblobsync.so) for the .NET layer, AZBS_PROXY
# (default: target/release/azbs-proxy).
set -euo pipefail
exec /usr/bin/python3 "$(cd "$(dirname "$0")" && pwd)/bench.py" "$@"
