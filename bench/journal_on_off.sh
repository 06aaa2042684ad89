#!/usr/bin/env bash
# Journal on vs off (issue 12: the journal may cost at most 5%): our CLI with and without --no-journal,
# alternating, on the 2,000 × 16 KiB upload and its no-op re-sync and on the 100,000-file no-op; the
# report's notes give the on/off ratio of the medians. A shortcut for bench.py's own rows:
#
#   bench/journal_on_off.sh [ROUNDS] [--quick]     (default 5 rounds; writes bench/results/only-small-many-tools-ours-oursnojournal.md)
set -euo pipefail
rounds=5
if [[ ${1:-} =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
exec "$(cd "$(dirname "$0")" && pwd)/run.sh" "$rounds" --only small,many --tools ours,oursnojournal "$@"
