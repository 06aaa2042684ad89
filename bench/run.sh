#!/usr/bin/env bash
# Benchmark (not a test): our CLI and our engine through the .NET layer beside rclone and the Azure CLI
# on one local Azurite, alternating rounds; reference rates (md5sum on 2 cores, raw 16 KiB PUTs with wrk);
# then the million-file plan. Prints one Markdown table and writes bench/results/latest.md (+ .json).
#
#   bench/run.sh [ROUNDS] [--quick]      (./build.sh bench [ROUNDS] builds first)
#
#   ROUNDS   alternating rounds per workload (default 3; 1 with --quick)
#   --quick  400 files instead of 2,000, 10,000 instead of 100,000, one 64 MiB file instead of
#            256 MiB and 2 GiB, a 100,000-file plan; writes bench/results/quick.md instead
#
# The default run takes about 13-15 minutes on 2 cores (quick: under 2). Workloads, verification and the reasons for
# each choice are in bench/bench.py. Installs azure-cli and wrk with apt-get when missing (as root).
# Environment: AZBLOBSYNC_CLI (default: out/bin/azblobsync, or target/release/azblobsync when newer),
# AZBLOBSYNC_NATIVE_PATH (default: target/release/libazblobsync.so) for the .NET layer.
set -euo pipefail
exec /usr/bin/python3 "$(cd "$(dirname "$0")" && pwd)/bench.py" "$@"
