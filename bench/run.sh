#!/usr/bin/env bash
# Benchmark (not a test): our CLI beside rclone on the same in-memory Azurite, alternating rounds.
# Reports the median wall time, throughput and peak RSS of each tool as a Markdown table.
#
#   bench/run.sh [ROUNDS]        (./build.sh bench [ROUNDS] builds first)
#
# Workloads: upload of 500 files (nested, ~16 KiB, unicode names) into a fresh container each round;
# a no-op re-sync of the same 500 files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
cli="$root/out/bin/azblobsync"
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
work=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$root/tests/tools/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" \
  --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --silent >/dev/null 2>&1 &
azurite=$!
trap 'kill $azurite 2>/dev/null; rm -rf "$work"' EXIT
until (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do sleep 0.2; done
endpoint="http://127.0.0.1:$port/devstoreaccount1"
conn="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=$endpoint;"
oracle() { /usr/bin/python3 "$root/tests/oracle/blob_oracle.py" "$conn" "$@"; }

# 500 files of 16 KiB in 20 folders, some with spaces and non-ASCII names.
src="$work/src"
/usr/bin/python3 - "$src" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(500):
    d = os.path.join(root, f"folder {i % 20:02d}", "été" if i % 3 == 0 else "sub")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file #{i:04d}.dat"), "wb") as f:
        f.write(os.urandom(16 * 1024))
PY

# rclone 1.60 reaches a custom endpoint only through a SAS URL (made per container below).
export RCLONE_CONFIG="$work/rclone.conf"
: > "$RCLONE_CONFIG"

# measure NAME COMMAND...: appends "seconds maxrss_kib" to $work/NAME.times
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/t" >> "$work/$name.times"
}

for round in $(seq 1 "$rounds"); do
  for tool in azblobsync rclone; do
    container="up-$tool-$round"
    oracle create-container "$container"
    case $tool in
      azblobsync) measure "upload-$tool" env AZCOPY_ACCOUNT_KEY="$key" "$cli" sync "$src" "$endpoint/$container" --log-level NONE
                  measure "noop-$tool" env AZCOPY_ACCOUNT_KEY="$key" "$cli" sync "$src" "$endpoint/$container" --log-level NONE ;;
      rclone)     remote=":azureblob,sas_url='$(oracle sas "$container")':$container"
                  measure "upload-$tool" rclone sync "$src" "$remote" --transfers 32 --checkers 32
                  measure "noop-$tool" rclone sync "$src" "$remote" --transfers 32 --checkers 32 ;;
    esac
    test "$(oracle names "$container" | wc -l)" -eq 500 || { echo "$tool did not upload 500 files" >&2; exit 1; }
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
echo "| workload | tool | median s | files/s | vs ours | peak RSS MiB |"
echo "|---|---|---|---|---|---|"
for workload in upload noop; do
  ours=$(cut -d' ' -f1 "$work/$workload-azblobsync.times" | median)
  for tool in azblobsync rclone; do
    t=$(cut -d' ' -f1 "$work/$workload-$tool.times" | median)
    rss=$(cut -d' ' -f2 "$work/$workload-$tool.times" | sort -n | tail -1)
    awk -v w="$workload" -v tool="$tool" -v t="$t" -v o="$ours" -v r="$rss" \
      'BEGIN { printf "| %s 500 × 16 KiB | %s | %.3f | %.0f | %.2f× | %.0f |\n", w, tool, t, 500/t, t/o, r/1024 }'
  done
done
echo
echo "$rounds rounds, alternating; $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; rclone $(rclone version | head -1 | cut -d' ' -f2); Azurite 3.35.0 in memory."

# Scale: plan 1,000,000 local files against a 1,000,000-entry listing from a fake listing server.
# The tree goes on tmpfs where there is one (creating a million files on disk takes minutes).
tree_dir=/dev/shm; [ -d "$tree_dir" ] || tree_dir=$work
echo
"$root/target/release/plan-1m" 1000000 "$tree_dir/azblobsync-plan-1m"
rm -rf "$tree_dir/azblobsync-plan-1m" "$tree_dir/azblobsync-plan-1m.complete-1000000"
