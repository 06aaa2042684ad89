#!/bin/bash
# Journal on vs off: 2,000 x 16 KiB upload into a fresh in-memory Azurite each run, alternating.
# Usage: bench/journal_on_off.sh   (after ./build.sh build; 4 alternating rounds, about 1 minute)
set -e
cd "$(dirname "$0")/.."
KEY=$(python3 -c "import json;print(json.load(open('tests/azurite.json'))['accountKey'])")
SRC=/dev/shm/jbench-src; rm -rf $SRC; mkdir -p $SRC
python3 - <<'PY'
import os
for d in range(20):
    os.makedirs(f"/dev/shm/jbench-src/d{d:02}", exist_ok=True)
    for f in range(100):
        with open(f"/dev/shm/jbench-src/d{d:02}/f{f:03}.bin","wb") as h: h.write(os.urandom(16384))
PY
for round in 1 2 3 4; do
 for mode in on off; do
  PORT=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
  tests/tools/node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort $PORT --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --silent >/dev/null 2>&1 &
  APID=$!
  until python3 -c "import socket;socket.create_connection(('127.0.0.1',$PORT))" 2>/dev/null; do sleep 0.2; done
  CS="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$PORT/devstoreaccount1;"
  /usr/bin/python3 tests/oracle/blob_oracle.py "$CS" create-container jbench
  FLAG=""; [ $mode = off ] && FLAG="--no-journal"
  JD=$(mktemp -d)
  /usr/bin/time -f "$mode %e s wall, %U+%S s cpu, %M KiB" env AZCOPY_ACCOUNT_KEY=$KEY AZBLOBSYNC_JOB_DIR=$JD out/bin/azblobsync sync $SRC http://127.0.0.1:$PORT/devstoreaccount1/jbench --log-level NONE $FLAG 2>&1 | tail -1
  N=$(/usr/bin/python3 tests/oracle/blob_oracle.py "$CS" names jbench | wc -l); echo "  blobs $N"
  kill $APID; wait $APID 2>/dev/null || true; rm -rf $JD
 done
done
