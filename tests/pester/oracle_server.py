#!/usr/bin/python3
"""Keeps tests/oracle/blob_oracle.py (Azure's Python SDK) loaded for the Pester suite, so each read-back costs
milliseconds instead of a Python start-up. Reads one JSON array per line on stdin: the arguments blob_oracle.py
takes on its command line (connection string first). Answers with that command's output, then a line
"<<<oracle-end STATUS>>>" (0 when it succeeded; otherwise the output is the error)."""
import contextlib
import io
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
import blob_oracle  # noqa: E402

sys.stdout.reconfigure(encoding="utf-8")
for line in sys.stdin:
    arguments = json.loads(line)
    output = io.StringIO()
    status = 0
    try:
        with contextlib.redirect_stdout(output):
            blob_oracle.main(["blob_oracle.py"] + arguments)
    except BaseException:  # noqa: BLE001 - every failure, sys.exit included, is reported to the caller
        status = 1
        output.write(traceback.format_exc())
    text = output.getvalue()
    if text and not text.endswith("\n"):
        text += "\n"
    sys.stdout.write(f"{text}<<<oracle-end {status}>>>\n")
    sys.stdout.flush()
