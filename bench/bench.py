#!/usr/bin/python3
"""AzBlobSync benchmark (not a test): our CLI, our engine through the .NET layer, rclone and the Azure
CLI on the same local Azurite, in alternating rounds, then reference rates (md5sum, raw PUT ceiling
with wrk) and the million-file plan. Entered through bench/run.sh [ROUNDS] [--quick].

Issue 12's rows: our CLI with and without its job journal (`azblobsync --no-journal`) on the small-file
upload and no-ops (phases small and many; the notes give the on/off ratio); 2,000 files uploaded and
downloaded through a proxy breaking 10% of requests, ours and rclone (phase faults); the bytes a second
run sends after a SIGKILL at half of a 1 GiB upload, our `jobs resume` and rclone (phase resend). The
last two run through azbs-proxy (native/testkit/src/bin/azbs_proxy.rs: cargo build --release -p
azblobsync-testkit --bin azbs-proxy; AZBS_PROXY overrides its path).

Every timed run is verified before its time counts: uploads by counting the container's blobs with the
oracle (tests/oracle/blob_oracle.py, Azure's Python SDK), downloads by counting and sizing the local
files, no-op re-syncs by the tool's own report that it transferred nothing (and, for 2,000 files, the
oracle count). A run that fails verification is reported as failed and left out of the median.

Results: one Markdown table on stdout and in bench/results/latest.md (quick mode: quick.md), raw runs
beside it as .json.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# tests/azurite.json: the one definition of the Azurite every suite (and this benchmark) starts.
AZURITE_DEFINITION = json.loads((ROOT / "tests/azurite.json").read_text())
ACCOUNT = AZURITE_DEFINITION["account"]
KEY = AZURITE_DEFINITION["accountKey"]
AZURITE = ROOT / AZURITE_DEFINITION["binary"]
ORACLE = ROOT / "tests/oracle/blob_oracle.py"
WRK_SCRIPT = ROOT / "bench/wrk/put-16k.lua"
JOURNAL_DB = "journal.db"  # native/core/src/journal/db.rs DB_FILE
RETRY_RS = ROOT / "native/core/src/transfer/retry.rs"
MiB = 1024 * 1024
GiB = 1024 * MiB

# Peer settings, the same every round. Our tools use their defaults (32 parallel requests on 2 cores).
RCLONE_FLAGS = ["--transfers", "32", "--checkers", "32", "-v", "--stats", "0"]
AZ_FLAGS = ["--only-show-errors", "--no-progress", "--max-connections", "32"]

OURS, OURS_MD5, OURS_SAS, DOTNET, RCLONE, AZ = (
    "azblobsync", "azblobsync --put-md5", "azblobsync, SAS URL", ".NET layer", "rclone", "az CLI")
OURS_BUDGET = "azblobsync --memory-budget-mb 64"
# The same CLI keeping no job journal (issue 12: the journal may cost at most 5%).
OURS_NO_JOURNAL = "azblobsync --no-journal"
# Not a tool: the emulator's own time to serve the listing to a client that only counts (bench/list_floor.py).
FLOOR = "listing floor"
LIST_FLOOR = ROOT / "bench/list_floor.py"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def meminfo(field):
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def loadavg():
    return Path("/proc/loadavg").read_text().split()[0]


class Run:
    """One timed process: wall seconds (perf_counter), peak RSS (KiB, from /usr/bin/time), output."""

    def __init__(self, seconds, rss_kib, rc, out, err, cpu=0.0):
        self.seconds, self.rss_kib, self.rc, self.out, self.err, self.cpu = seconds, rss_kib, rc, out, err, cpu
        self.ok, self.note = rc == 0, "" if rc == 0 else f"exit {rc}: {last_line(err) or last_line(out)}"

    def fail(self, note):
        self.ok, self.note = False, note
        return self


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1][:200] if lines else ""


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.phases = args.phases
        self.rounds = args.rounds if args.rounds is not None else (1 if args.quick else 3)
        self.small_count = 400 if self.quick else 2000
        self.many_count = 10_000 if self.quick else 100_000
        self.large = [64 * MiB] if self.quick else [256 * MiB, 2 * GiB]
        self.wrk_seconds = 3
        self.plan_count = 100_000 if self.quick else 1_000_000
        self.results = {}      # (workload, tool) -> [Run-like dicts]
        self.notes = []        # lines for the report
        self.failures = []
        self.extra_sections = []
        shm = Path("/dev/shm")
        self.shm = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
        self.work = Path(tempfile.mkdtemp(prefix="azblobsync-bench-", dir=self.shm))
        self.disk_work = Path(tempfile.mkdtemp(prefix="azblobsync-bench-"))
        self.azurite = None
        self.azurite_port = None
        self.endpoint = self.conn = None
        self.cli = self.pick_cli()
        self.proxy_exe = Path(os.environ.get("AZBS_PROXY", ROOT / "target/release/azbs-proxy"))
        self.per_try = per_try_timeout_seconds()
        self.job_dirs = 0
        self.native = Path(os.environ.get("AZBLOBSYNC_NATIVE_PATH", ROOT / "target/release/libazblobsync.so"))
        self.dotnet_app = None
        self.dotnet_source = None
        self.dotnet_download = False
        self.rclone_conf = self.work / "rclone.conf"
        self.rclone_conf.write_text("")
        self.az_config = self.work / "az-config"
        self.az_config.mkdir()
        self.started = time.time()
        self.load_start = loadavg()

    # ----------------------------------------------------------------- environment

    def pick_cli(self):
        if os.environ.get("AZBLOBSYNC_CLI"):
            return Path(os.environ["AZBLOBSYNC_CLI"])
        laid_out, built = ROOT / "out/bin/azblobsync", ROOT / "target/release/azblobsync"
        # ./build.sh bench lays out out/bin first; a bare cargo build leaves a newer binary in target/.
        if built.exists() and (not laid_out.exists() or built.stat().st_mtime > laid_out.stat().st_mtime):
            return built
        return laid_out

    def env(self, **extra):
        env = os.environ.copy()
        env.update(
            AZCOPY_ACCOUNT_KEY=KEY,
            AZBLOBSYNC_NATIVE_PATH=str(self.native),
            RCLONE_CONFIG=str(self.rclone_conf),
            AZURE_CONFIG_DIR=str(self.az_config),
            # Never the user's ~/.local/state: ours_sync gives each run its own folder; this catches the rest.
            AZBLOBSYNC_JOB_DIR=str(self.disk_work / "jobs-other"),
            AZURE_CORE_COLLECT_TELEMETRY="false",
            AZURE_CORE_SURVEY_MESSAGE="false",
            AZURE_CORE_NO_COLOR="true",
            DOTNET_CLI_TELEMETRY_OPTOUT="1",
            DOTNET_NOLOGO="1",
        )
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def ensure_packages(self):
        missing = [pkg for pkg, exe in (("azure-cli", "az"), ("wrk", "wrk"), ("rclone", "rclone")) if not shutil.which(exe)]
        if not missing:
            return
        if os.geteuid() != 0:
            sys.exit(f"missing {', '.join(missing)}; install as root: apt-get install -y {' '.join(missing)}")
        log(f"installing {' '.join(missing)} (apt-get)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", *missing], env=env, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL, check=True)
            subprocess.run(["apt-get", "install", "-y", *missing], env=env, stdout=subprocess.DEVNULL, check=True)

    def build_dotnet(self):
        """Builds bench/dotnet against a copy of the Engine project (never in PSModule's own bin/obj, which
        other builds use) and checks it with one empty-folder job against the engine library being measured:
        the working tree first, HEAD when the working tree does not build or does not match the library
        (while the layer and the engine change together, one may be ahead of the other)."""
        engine = "PSModule/src/AzBlobSync.Engine"
        props = ["PSModule/Directory.Build.props", "PSModule/AzBlobSync.psd1", "PSModule/NativeEngine.props"]
        ignore = shutil.ignore_patterns("bin", "obj")
        attempts = []
        tree = self.work / "dotnet-tree"
        shutil.copytree(ROOT / engine, tree / engine, ignore=ignore)
        for p in props:
            if (ROOT / p).exists():
                shutil.copy2(ROOT / p, tree / p)
        attempts.append(("working tree", tree))
        # Then HEAD, then the last commit before the library was built (the layer it was built beside).
        built = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.native.stat().st_mtime)) if self.native.exists() else None
        commits = [("HEAD", "HEAD " + git("rev-parse", "--short", "HEAD"))]
        if built:
            before = git("rev-list", "-1", f"--before={built}", "HEAD")
            if before and before != git("rev-parse", "HEAD"):
                commits.append((before, f"commit {before[:7]} (the last one before the engine library was built, {built[11:16]})"))
        for i, (rev, label) in enumerate(commits):
            base = self.work / f"dotnet-commit-{i}"
            base.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, engine, *props], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
            if archive.returncode == 0:
                subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
                attempts.append((label, base))
        why = []
        for label, base in attempts:
            shutil.copytree(ROOT / "bench/dotnet", base / "bench/dotnet", ignore=ignore)
            log(f".NET driver: building against the Engine from the {label}")
            p = subprocess.run(["dotnet", "build", str(base / "bench/dotnet/AzBlobSyncBench.csproj"), "-c", "Release",
                                "-nologo", "-v", "q", "-clp:ErrorsOnly"],
                               env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode == 0:
                app = base / "bench/dotnet/bin/Release/net10.0/AzBlobSyncBench"
                smoke = self.smoke_dotnet(app)
                if smoke is None:
                    self.dotnet_app = app
                    self.dotnet_source = label + (f" (rejected first: {'; '.join(why)})" if why else "")
                    text = (base / engine / "SyncOptions.cs").read_text()
                    self.dotnet_download = "SyncDirection Direction" in text
                    return
                why.append(f"the {label} built but failed against the engine library: {smoke[:200]}")
                continue
            errors = [l.strip() for l in p.stdout.splitlines() if "error" in l]
            why.append(f"the {label} did not build: " + (errors[0] if errors else last_line(p.stdout))[:200])
        self.dotnet_source = "nothing usable: " + "; ".join(why)
        log(f".NET driver: {self.dotnet_source}")

    def smoke_dotnet(self, app):
        """None when one empty-folder job through the driver succeeds, else why not."""
        empty = self.work / "smoke-empty"
        empty.mkdir(exist_ok=True)
        self.oracle("create-container", "smoke")
        run = self.timed([app, "first-call", empty, self.url("smoke")])
        self.delete_container("smoke")
        if run.ok:
            return None
        return last_line(run.out) if run.out.strip() else last_line(run.err)

    # ----------------------------------------------------------------- Azurite

    def start_azurite(self, location=None):
        self.stop_azurite()
        self.azurite_port = free_port()
        # The shared arguments, except that the many-file phase serves an on-disk database (--location).
        shared = [a for a in AZURITE_DEFINITION["arguments"] if not (location and a == "--inMemoryPersistence")]
        args = [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(self.azurite_port), *shared]
        args += ["--location", str(location)] if location else []
        logf = open(self.work / "azurite.log", "ab")
        self.azurite = subprocess.Popen(args, stdout=logf, stderr=logf, start_new_session=True, cwd=self.work)
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.azurite_port), timeout=1).close()
                break
            except OSError:
                if self.azurite.poll() is not None or time.time() > deadline:
                    sys.exit(f"Azurite did not start (see {self.work / 'azurite.log'})")
                time.sleep(0.1)
        self.endpoint = f"http://127.0.0.1:{self.azurite_port}/{ACCOUNT}"
        self.conn = (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                     f"BlobEndpoint={self.endpoint};")

    def stop_azurite(self):
        if self.azurite and self.azurite.poll() is None:
            os.killpg(self.azurite.pid, signal.SIGTERM)
            try:
                self.azurite.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.azurite.pid, signal.SIGKILL)
                self.azurite.wait()
        self.azurite = None

    def azurite_rss_mib(self):
        try:
            for line in Path(f"/proc/{self.azurite.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, AttributeError):
            pass
        return 0

    def oracle(self, *args):
        p = subprocess.run(["/usr/bin/python3", str(ORACLE), self.conn, *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"oracle {args[0]} failed: {last_line(p.stderr)}")
        return p.stdout

    def count_blobs(self, container):
        return len(self.oracle("names", container).splitlines())

    def service(self):
        from azure.storage.blob import BlobServiceClient
        return BlobServiceClient.from_connection_string(self.conn)

    def delete_container(self, container):
        try:
            self.service().delete_container(container)
        except Exception as e:  # a leftover container only costs Azurite memory
            log(f"could not delete {container}: {e}")

    def url(self, container):
        return f"{self.endpoint}/{container}"

    def rclone_remote(self, container, port=None):
        """rclone's on-the-fly remote for the container, through a proxy on `port` when given."""
        sas = self.oracle("sas", container).strip()
        if port:
            sas = sas.replace(f"//127.0.0.1:{self.azurite_port}/", f"//127.0.0.1:{port}/", 1)
        return f":azureblob,sas_url='{sas}':{container}"

    # ----------------------------------------------------------------- running and recording

    def timed(self, cmd, cwd=None, **env):
        tfile = self.work / "time.out"
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", str(tfile), *map(str, cmd)], env=self.env(**env),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", cwd=cwd)
        seconds = time.perf_counter() - t0
        try:
            fields = tfile.read_text().strip().splitlines()[-1].split()
            rss, cpu = int(fields[1]), float(fields[2]) + float(fields[3])
        except (OSError, IndexError, ValueError):
            rss, cpu = 0, 0.0
        return Run(seconds, rss, p.returncode, p.stdout, p.stderr, cpu)

    def record(self, workload, tool, run, **extra):
        if hasattr(run, "job_seconds"):
            extra["job_seconds"] = run.job_seconds
        entry = {"seconds": run.seconds, "rss_kib": run.rss_kib, "cpu_seconds": run.cpu, "ok": run.ok, "note": run.note, **extra}
        self.results.setdefault((workload, tool), []).append(entry)
        state = "ok" if run.ok else f"FAILED ({run.note})"
        log(f"  {workload} | {tool}: {run.seconds:.3f} s, CPU {run.cpu:.2f} s, {run.rss_kib / 1024:.0f} MiB, {state}")
        if not run.ok:
            self.failures.append(f"{workload} / {tool}: {run.note}")

    def rotate(self, tools, r):
        tools = [t for t in tools if self.selected(t)]
        k = r % len(tools) if tools else 0
        return tools[k:] + tools[:k]

    def selected(self, tool):
        return not self.args.tools or slug(tool) in self.args.tools

    # ----------------------------------------------------------------- tool invocations

    @staticmethod
    def summary(run):
        for line in reversed(run.out.splitlines()):
            if line.startswith("{") and '"summary"' in line:
                return json.loads(line)
        return None

    def new_job_dir(self):
        """A fresh journal folder for one run, on disk (not tmpfs: the journal's writes should cost what
        they cost in the user's state folder), under the benchmark's work folder."""
        self.job_dirs += 1
        d = self.disk_work / "jobs" / f"run-{self.job_dirs:04d}"
        d.mkdir(parents=True)
        return d

    def ours_sync(self, src, dst, *flags, sas=False):
        # With sas=True the URL carries the credential and no account key is in the environment.
        job_dir = self.new_job_dir()
        run = self.timed([self.cli, "sync", src, dst, "--log-level", "NONE", "--output-type", "json", *flags],
                         AZBLOBSYNC_JOB_DIR=str(job_dir), **({"AZCOPY_ACCOUNT_KEY": None} if sas else {}))
        s = self.summary(run)
        if run.ok and (s is None or s.get("status") != "completed"):
            run.fail(f"summary: {s and (s.get('error') or s.get('status'))}")
        # The journal must be where we put it, and only when asked for.
        journal = (job_dir / JOURNAL_DB).exists()
        if run.ok and journal == ("--no-journal" in flags):
            run.fail(f"{'a' if journal else 'no'} journal in the job folder after a run "
                     f"{'with' if journal else 'without'} --no-journal")
        run.transferred = s.get("filesTransferred", -1) if s else -1
        run.job_dir = job_dir
        return run

    def dotnet_sync(self, src, dst):
        run = self.timed([self.dotnet_app, "sync", src, dst])
        try:
            s = json.loads(last_line(run.out))
        except ValueError:
            s = None
        if run.ok and (s is None or s.get("status") != "Completed"):
            run.fail(f"summary: {s}")
        elif not run.ok and s:
            run.fail(f"exit {run.rc}: {s.get('status')} {s.get('firstError') or ''}")
        run.transferred = s.get("filesTransferred", -1) if s else -1
        run.job_seconds = s.get("elapsedMs", 0) / 1000 if s else 0
        return run

    def list_floor(self, container, expected):
        run = self.timed(["/usr/bin/python3", LIST_FLOOR, self.oracle("sas", container, "rl").strip()])
        counted, _, seconds = run.out.strip().partition(" ")
        if run.ok and counted != str(expected):
            return run.fail(f"counted {counted} blobs, expected {expected}")
        if run.ok:
            run.seconds = float(seconds)  # the listing itself, without Python's start-up
        return run

    def rclone_copy(self, src, dst, *flags):
        run = self.timed(["rclone", "copy", src, dst, *RCLONE_FLAGS, *flags])
        run.transferred = sum(1 for l in run.err.splitlines() if ": Copied (" in l)
        return run

    def az_upload(self, src, container):
        return self.az_batch("upload-batch", container, src)

    def az_download(self, container, dst):
        Path(dst).mkdir(parents=True, exist_ok=True)
        return self.az_batch("download-batch", dst, container)

    def az_batch(self, command, destination, source):
        run = self.timed(["az", "storage", "blob", command, "-d", destination, "-s", source,
                          "--connection-string", self.conn, *AZ_FLAGS])
        try:
            run.transferred = len(json.loads(run.out or "[]"))  # az lists what it transferred
        except ValueError:
            run.transferred = -1
        return run

    # ----------------------------------------------------------------- datasets

    def make_small(self, root, count, size, folders=20, nested=True):
        rng = os.urandom(size * 64)
        for i in range(count):
            d = root / f"folder {i % folders:02d}"
            if nested:
                d = d / ("été" if i % 3 == 0 else "sub")
            d.mkdir(parents=True, exist_ok=True)
            off = (i * 977) % (len(rng) - size)
            (d / f"file #{i:05d}.dat").write_bytes(struct.pack("<Q", i) + rng[off + 8:off + size])

    def make_many(self, root, count, size=1024, per_folder=1000):
        rng = os.urandom(1 << 20)
        for i in range(count):
            d = root / f"dir {i // per_folder:03d}"
            if i % per_folder == 0:
                d.mkdir(parents=True, exist_ok=True)
            off = (i * 131) % (len(rng) - size)
            with open(d / f"f{i:06d}.txt", "wb") as f:
                f.write(struct.pack("<Q", i) + rng[off + 8:off + size])

    @staticmethod
    def make_large(path, size):
        block = bytearray(os.urandom(16 * MiB))
        with open(path, "wb") as f:
            for i in range(size // len(block)):
                block[:8] = struct.pack("<Q", i)
                f.write(block)
            f.write(block[: size % len(block)])

    @staticmethod
    def tree_stats(root):
        count = total = 0
        for dirpath, _, files in os.walk(root):
            for name in files:
                count += 1
                total += os.path.getsize(os.path.join(dirpath, name))
        return count, total

    # ----------------------------------------------------------------- workloads

    def phase_small(self):
        n, size = self.small_count, 16 * 1024
        src = self.work / "small"
        self.make_small(src, n, size)
        up, noop, down = f"upload {n:,} × 16 KiB (20 folders)", f"no-op re-sync {n:,} × 16 KiB", f"download {n:,} × 16 KiB into an empty folder"
        self.workloads += [(up, n, n * size, "files"), (noop, n, 0, "files")]
        hash_cold, hash_warm = f"{noop}, compare by MD5, cold hash cache", f"{noop}, compare by MD5, warm hash cache"
        self.workloads += [(hash_cold, n, n * size, "files"), (hash_warm, n, n * size, "files")]
        self.workloads.append((down, n, n * size, "files"))
        for w in (hash_cold, hash_warm):
            self.results.setdefault((w, OURS), [])  # the compare-hash slot: n/a while the CLI lacks the flag
        # One source container for every tool's download, seeded once (untimed) by our CLI.
        self.oracle("create-container", "dl-src")
        seed = self.ours_sync(src, self.url("dl-src"))
        if not seed.ok or self.count_blobs("dl-src") != n:
            sys.exit(f"could not seed the download container: {seed.note}")
        tools = [OURS, OURS_NO_JOURNAL, OURS_SAS, DOTNET, RCLONE, AZ]
        for w in (up, noop, down):
            self.results.setdefault((w, DOTNET), [])  # an n/a row when the driver did not build
        self.results.setdefault((noop, AZ), [])
        for r in range(self.rounds):
            log(f"small files, round {r + 1}/{self.rounds} (load {loadavg()})")
            for tool in self.rotate(tools, r):
                if tool == DOTNET and not self.dotnet_app:
                    continue
                container = f"up-{slug(tool)}-{r}"
                self.oracle("create-container", container)
                # upload into a fresh container
                run = self.upload(tool, src, container)
                if run.ok:
                    got = self.count_blobs(container)
                    if got != n:
                        run.fail(f"{got} blobs after the upload, expected {n}")
                    elif run.transferred != n:
                        run.fail(f"reported {run.transferred} transferred, expected {n}")
                self.record(up, tool, run)
                # no-op re-sync of the same files
                if tool != AZ and not run.ok:
                    self.record(noop, tool, Run(0, 0, 1, "", "").fail("not run: the upload failed"))
                elif tool != AZ:
                    again = self.upload(tool, src, container)
                    if again.ok:
                        got = self.count_blobs(container)
                        if again.transferred != 0:
                            again.fail(f"transferred {again.transferred} files, expected none")
                        elif got != n:
                            again.fail(f"{got} blobs after the re-sync, expected {n}")
                    self.record(noop, tool, again)
                    if again.ok:
                        self.compare_by_hash(tool, src, container, hash_cold, hash_warm, f"small-{r}")
                self.delete_container(container)
                # download the shared container into an empty folder
                dst = self.work / f"down-{slug(tool)}-{r}"
                run = self.download(tool, "dl-src", dst)
                if run is not None:
                    if run.ok:
                        got = self.tree_stats(dst)
                        if got != (n, n * size):
                            run.fail(f"{got[0]} files / {got[1]} bytes downloaded, expected {n} / {n * size}")
                    self.record(down, tool, run)
                shutil.rmtree(dst, ignore_errors=True)
            # The same 2,000 blobs in the same folders, listed by a client that only counts them.
            if self.selected(FLOOR):
                self.record(noop, FLOOR, self.list_floor("dl-src", n))
        self.delete_container("dl-src")
        self.small_src = src

    def compare_by_hash(self, tool, src, container, cold, warm, tag):
        """No-op re-syncs that compare same-sized files by MD5 instead of time: ours with --compare-hash
        MD5 and a fresh hash cache (every file read and hashed), then again with that cache; rclone with
        --checksum (no cache: it hashes every run). The blobs must carry a Content-MD5, or there is
        nothing to compare with (rclone would then compare sizes only and look fast)."""
        if tool not in (OURS, RCLONE) or (tool == OURS and not self.has_compare_hash):
            return
        blobs = list(self.service().get_container_client(container).list_blobs())
        without = sum(1 for b in blobs if not b.content_settings.content_md5)
        if without:
            run = Run(0, 0, 1, "", "").fail(f"not run: {without} of {len(blobs)} blobs have no Content-MD5 after {tool}'s upload")
            self.record(cold, tool, run)
            return
        if tool == OURS and self.has_compare_hash:
            cache = self.work / f"hash-cache-{tag}.db"
            for workload in (w for w in (cold, warm) if w):
                run = self.ours_sync(src, self.url(container), "--compare-hash", "MD5", "--hash-cache", cache)
                if run.ok and run.transferred != 0:
                    run.fail(f"transferred {run.transferred} files, expected none")
                self.record(workload, OURS, run)
            cache.unlink(missing_ok=True)
        elif tool == RCLONE:
            run = self.timed(["rclone", "copy", src, self.rclone_remote(container), "--checksum", *RCLONE_FLAGS])
            copied = sum(1 for l in run.err.splitlines() if ": Copied (" in l)
            if run.ok and copied:
                run.fail(f"transferred {copied} files, expected none")
            self.record(cold, RCLONE, run)

    def upload(self, tool, src, container, put_md5=False):
        if tool in (OURS, OURS_MD5, OURS_NO_JOURNAL):
            return self.ours_sync(src, self.url(container), *{OURS: [], OURS_MD5: ["--put-md5"],
                                                              OURS_NO_JOURNAL: ["--no-journal"]}[tool])
        if tool == OURS_SAS:
            return self.ours_sync(src, self.oracle("sas", container).strip(), sas=True)
        if tool == DOTNET:
            return self.dotnet_sync(src, self.url(container))
        if tool == RCLONE:
            return self.rclone_copy(src, self.rclone_remote(container))
        return self.az_upload(src, container)

    def download(self, tool, container, dst):
        if tool == OURS_NO_JOURNAL:
            return None  # journal on vs off: measured on the upload and the no-op
        if tool == OURS:
            return self.ours_sync(self.url(container), dst)
        if tool == OURS_SAS:
            return self.ours_sync(self.oracle("sas", container).strip(), dst, sas=True)
        if tool == DOTNET:
            if not self.dotnet_app or not self.dotnet_download:
                return None
            return self.dotnet_sync(self.url(container), dst)
        if tool == RCLONE:
            return self.rclone_copy(self.rclone_remote(container), dst)
        return self.az_download(container, dst)

    def phase_wrk(self):
        """The server's own limit: wrk PUTs 16 KiB blobs as fast as Azurite answers, signed with the
        account key as our CLI signs, at 16, 32 (our default concurrency) and 64 connections; and once
        with a SAS, as rclone has to sign here (Azurite checks a SAS more slowly). Runs are short
        (3 s, about as many blobs as the 2,000-file upload): Azurite's cost per insert grows with the
        number of blobs it holds, so a longer run measures a slower server."""
        settings = [(c, "key") for c in (16, 32, 64)] + [(32, "sas")]
        names = {s: f"ceiling: raw Put Blob 16 KiB, wrk {self.wrk_seconds} s × {s[0]} connections, "
                    f"{'SharedKey' if s[1] == 'key' else 'SAS'}" for s in settings}
        self.workloads += [(names[s], None, None, "req") for s in settings]
        for r in range(self.rounds):
            for setting in self.rotate(settings, r):
                self.wrk_once(names[setting], *setting, f"wrk-{setting[0]}-{setting[1]}-{r}")

    def wrk_once(self, workload, connections, auth, container):
        self.oracle("create-container", container)
        sas_url = self.oracle("sas", container).strip()
        path, query = sas_url.split("?", 1)
        path = "/" + path.split("/", 3)[3]
        credential = f"SharedKey:{ACCOUNT}:{KEY}" if auth == "key" else query
        run = self.timed(["wrk", "-t2", f"-c{connections}", f"-d{self.wrk_seconds}s", "--timeout", "10s", "-s", WRK_SCRIPT,
                          f"http://127.0.0.1:{self.azurite_port}", "--", path, credential])
        try:
            w = json.loads(last_line(run.out))
        except ValueError:
            w = None
            run.fail(f"no summary from wrk: {last_line(run.out)} {last_line(run.err)}")
        if w:
            good = w["requests"] - w["non2xx"]
            blobs = self.count_blobs(container)
            errors = w["connect"] + w["read"] + w["write"]
            if w["non2xx"] or errors:
                run.fail(f"{w['non2xx']} non-2xx responses, {errors} socket errors")
            elif not good <= blobs <= good + connections:
                run.fail(f"{blobs} blobs for {good} successful PUTs")
            run.seconds = w["duration_us"] / 1e6
            self.record(workload, "wrk", run, requests=good, p50_ms=w["p50_ms"], p99_ms=w["p99_ms"],
                        timeouts=w["timeout"])
        else:
            self.record(workload, "wrk", run)
        self.delete_container(container)

    def phase_first_call(self):
        empty = self.work / "empty"
        empty.mkdir()
        first, warm, cli = (".NET first call: library load + first job, empty folder",
                            ".NET warm call: second job in the same process, empty folder",
                            "CLI whole process: sync of an empty folder")
        self.workloads += [(first, None, None, "ms"), (warm, None, None, "ms"), (cli, None, None, "ms")]
        for r in range(self.rounds):
            container = f"first-call-{r}"
            self.oracle("create-container", container)
            if self.dotnet_app:
                run = self.timed([self.dotnet_app, "first-call", empty, self.url(container)])
                try:
                    f = json.loads(last_line(run.out))
                except ValueError:
                    f = None
                    run.fail(f"no result: {last_line(run.err)}")
                if f:
                    process_s = run.seconds
                    if not f["ok"]:
                        run.fail(f"job status {f['status']}: {f['error']}")
                    run.seconds = f["firstJobMs"] / 1000
                    self.record(first, DOTNET, run, process_seconds=process_s, to_main_ms=f["processToMainMs"])
                    w = Run(f["warmJobMs"] / 1000, run.rss_kib, 0, "", "")
                    w.ok, w.note = run.ok, run.note
                    self.record(warm, DOTNET, w)
                else:
                    self.record(first, DOTNET, run)
            run = self.ours_sync(empty, self.url(container))
            self.record(cli, OURS, run)
            self.delete_container(container)

    def phase_large(self):
        tools = [OURS, OURS_MD5, DOTNET, RCLONE, AZ]
        for size in self.large:
            label = f"{size // GiB} GiB" if size >= GiB else f"{size // MiB} MiB"
            workload = f"upload 1 × {label} (fresh Azurite)"
            where = self.large_file_dir(size)
            if where is None:
                self.notes.append(f"upload 1 × {label} skipped: {self.skip_reason}")
                log(self.notes[-1])
                continue
            self.workloads.append((workload, 1, size, "bytes"))
            hashed = f"no-op re-sync 1 × {label}, compare by MD5, cold hash cache"
            single = f"md5sum 1 × {label}, 1 process"
            self.workloads += [(hashed, 1, size, "bytes"), (single, 1, size, "bytes")]
            self.results.setdefault((hashed, OURS), [])
            folder = where / f"large-{label.replace(' ', '')}"
            folder.mkdir()
            log(f"making a {label} file in {where}")
            self.make_large(folder / "large.bin", size)
            for r in range(self.rounds):
                log(f"upload 1 × {label}, round {r + 1}/{self.rounds} (load {loadavg()})")
                for tool in self.rotate(tools, r):
                    if tool == DOTNET and not self.dotnet_app:
                        continue
                    # A fresh in-memory Azurite per run: it keeps deleted blobs' bytes until its 10-minute GC.
                    self.start_azurite()
                    container = f"large-{slug(tool)}"
                    self.oracle("create-container", container)
                    run = self.upload(tool, folder, container)
                    if run.ok:
                        props = list(self.service().get_container_client(container).list_blobs())
                        if len(props) != 1 or props[0].size != size or self.count_blobs(container) != 1:
                            run.fail(f"container holds {[(p.name, p.size) for p in props]}")
                    self.record(workload, tool, run, azurite_rss_mib=self.azurite_rss_mib())
                    if run.ok and tool in (OURS_MD5, RCLONE):
                        self.compare_by_hash(OURS if tool == OURS_MD5 else RCLONE, folder, container, hashed, None, "large")
                self.record(single, "md5sum", self.timed(["md5sum", folder / "large.bin"]))
            shutil.rmtree(folder, ignore_errors=True)
            self.stop_azurite()

    def phase_budget(self):
        """The job-wide memory budget: 16 files of 96 MiB with 100 MiB blocks, so each file is one block
        and, without a budget, 16 whole files are held at once (1.5 GiB before the budget existed). Our
        CLI at its default budget (256 MiB) and at 64 MiB; the peers at their defaults. Peak RSS is
        the point of the row; each run gets a fresh Azurite and the oracle checks every blob's size."""
        count, each = (4, 64 * MiB) if self.quick else (16, 96 * MiB)
        label = f"upload {count} × {each // MiB} MiB, ours with --block-size-mb 100 (fresh Azurite)"
        where = self.large_file_dir(count * each)
        if where is None:
            self.notes.append(f"{label} skipped: {self.skip_reason}")
            return
        variants = {OURS: [], OURS_BUDGET: ["--memory-budget-mb", "64"]}
        self.workloads.append((label, count, count * each, "bytes"))
        folder = where / "budget"
        folder.mkdir()
        for i in range(count):
            self.make_large(folder / f"f{i:02}.bin", each)
        tools = [OURS, OURS_BUDGET, RCLONE, AZ]
        for r in range(self.rounds):
            log(f"{label}, round {r + 1}/{self.rounds} (load {loadavg()})")
            for tool in self.rotate(tools, r):
                self.start_azurite()
                container = f"budget-{slug(tool)}"
                self.oracle("create-container", container)
                if tool in variants:
                    run = self.ours_sync(folder, self.url(container), "--block-size-mb", "100", *variants[tool])
                else:
                    run = self.upload(tool, folder, container)
                if run.ok:
                    sizes = sorted(p.size for p in self.service().get_container_client(container).list_blobs())
                    if sizes != [each] * count:
                        run.fail(f"container holds sizes {sizes}")
                self.record(label, tool, run)
        shutil.rmtree(folder, ignore_errors=True)
        self.stop_azurite()

    FAULT_RATE = 0.10
    FAULT_MAX_RUNS = 3

    def phase_faults(self):
        """2,000 × 16 KiB uploaded into an empty container and downloaded into an empty folder through
        azbs-proxy breaking 10% of the requests (every kind in turn: connection dropped before or after
        the service handled the request, 500, 503, 429 with Retry-After, body cut in half, body stalled
        past the per-try timeout), ours and rclone each through a fresh proxy with the same seed. A run
        counts only when the oracle reads back every blob with the source's MD5 (uploads) or every local
        file hashes like its source (downloads). A tool that fails is run again (a sync: it only sends
        what is missing), up to 3 runs; the runs needed are the result, the time is all runs together."""
        if not self.proxy_exe.exists():
            self.notes.append(f"faults phase skipped: {rel(self.proxy_exe)} is missing "
                              "(cargo build --release -p azblobsync-testkit --bin azbs-proxy)")
            return
        n, size, rate = self.small_count, 16 * 1024, self.FAULT_RATE
        src = self.work / "faults-src"
        self.make_small(src, n, size)
        want = tree_md5s(src)
        stall = self.per_try + 5
        up = f"upload {n:,} × 16 KiB through a proxy breaking {rate:.0%} of requests"
        down = f"download {n:,} × 16 KiB through a proxy breaking {rate:.0%} of requests"
        self.workloads += [(up, n, n * size, "files"), (down, n, n * size, "files")]
        self.start_azurite()
        self.oracle("create-container", "fdl-src")
        seeded = self.ours_sync(src, self.url("fdl-src"))
        if not seeded.ok or self.count_blobs("fdl-src") != n:
            sys.exit(f"could not seed the download container: {seeded.note}")
        tools = [OURS, RCLONE]
        for r in range(self.rounds):
            log(f"faults, round {r + 1}/{self.rounds} (load {loadavg()})")
            seed = 1000 + r  # the same for every tool in a round
            for tool in self.rotate(tools, r):
                container = f"fup-{slug(tool)}-{r}"
                self.oracle("create-container", container)
                if tool == OURS:
                    attempt = lambda port, c=container: self.ours_sync(src, f"http://127.0.0.1:{port}/{ACCOUNT}/{c}")
                else:
                    attempt = lambda port, c=container: self.rclone_copy(src, self.rclone_remote(c, port), "--timeout", f"{self.per_try}s")
                self.until_done(up, tool, attempt, lambda c=container: self.check_container(c, want), seed, stall)
                self.delete_container(container)
                dst = self.work / f"fdown-{slug(tool)}-{r}"
                dst.mkdir()
                if tool == OURS:
                    attempt = lambda port: self.ours_sync(f"http://127.0.0.1:{port}/{ACCOUNT}/fdl-src", dst)
                else:
                    attempt = lambda port: self.rclone_copy(self.rclone_remote("fdl-src", port), dst, "--timeout", f"{self.per_try}s")
                self.until_done(down, tool, attempt, lambda: self.check_tree(dst, want), seed, stall)
                shutil.rmtree(dst, ignore_errors=True)
        self.delete_container("fdl-src")
        shutil.rmtree(src, ignore_errors=True)
        self.stop_azurite()
        self.notes.append(
            f"faults: azbs-proxy (native/testkit/src/bin/azbs_proxy.rs: the testkit's FaultProxy, then its CountingProxy, "
            f"then Azurite) breaks {rate:.0%} of requests, the kinds in turn (dropped before or after forwarding, 500, 503, "
            f"429 with Retry-After: 1, a GET's body cut in half, or stalled for {stall} s); a fresh proxy per run, seed "
            f"1000 + round for both tools. The engine's per-try timeout is {self.per_try} s (its default, "
            f"native/core/src/transfer/retry.rs), so the stall is {stall} s; rclone is given `--timeout {self.per_try}s` "
            f"(its IO idle timeout, default 5m, would sit out every stall) and keeps its default retries "
            f"(`--retries 3`: the whole copy again; `--low-level-retries 10`: each request); our CLI keeps its default "
            f"12 tries per request. A run counts when the oracle (tests/oracle/blob_oracle.py inventory) reads back "
            f"every blob with its source's MD5, or every downloaded file hashes like its source; a failed tool is run "
            f"again (up to {self.FAULT_MAX_RUNS} runs) and the time is all its runs together.")

    def until_done(self, workload, tool, attempt, check, seed, stall):
        """Runs `attempt(proxy_port)` through a fresh fault proxy until `check()` (None or a problem) passes,
        at most FAULT_MAX_RUNS times; records one entry for all the runs."""
        runs = []
        for i in range(self.FAULT_MAX_RUNS):
            proxy = Proxy(self.proxy_exe, self.azurite_port, self.FAULT_RATE, seed, stall)
            try:
                run = attempt(proxy.port)
            finally:
                counts = proxy.close()
            problem = check()
            if run.ok and problem:
                run.fail(f"reported success, but {problem}")
                run.silent = True
            elif not run.ok and not problem:
                run.note += " (yet everything was there)"
            retried = len(re.findall(r"Attempt \d+/\d+ failed", run.err)) if tool == RCLONE else 0
            runs.append((run, counts, retried))
            log(f"  {workload} | {tool}: run {i + 1}: {run.seconds:.1f} s, {counts.get('faultsInjected')} faults in "
                f"{counts.get('requests')} requests, {'ok' if run.ok else run.note}")
            if run.ok:
                break
        last = runs[-1][0]
        total = Run(sum(x.seconds for x, _, _ in runs), max(x.rss_kib for x, _, _ in runs), last.rc, last.out, last.err,
                    sum(x.cpu for x, _, _ in runs))
        if not last.ok:
            total.fail(f"not done after {len(runs)} runs: {last.note}")
        self.record(workload, tool, total, runs_needed=len(runs),
                    faults=[c.get("faultsInjected") for _, c, _ in runs], requests=[c.get("requests") for _, c, _ in runs],
                    fault_reports=[c.get("report") for _, c, _ in runs], run_notes=[x.note for x, _, _ in runs],
                    silent_failures=sum(1 for x, _, _ in runs if getattr(x, "silent", False)),
                    rclone_failed_attempts=[a for _, _, a in runs] if tool == RCLONE else None)

    def check_container(self, container, want):
        """None when the oracle reads back exactly the source's files with their MD5s, else what differs."""
        got = {}
        for line in self.oracle("inventory", container).splitlines():
            b = json.loads(line)
            got[b["name"]] = b["md5OfContent"]
        return self.differences(got, want, "blobs")

    def check_tree(self, root, want):
        return self.differences(tree_md5s(root), want, "files")

    @staticmethod
    def differences(got, want, what):
        missing = len(set(want) - set(got))
        extra = len(set(got) - set(want))
        differ = sum(1 for k in set(got) & set(want) if got[k] != want[k])
        if missing or extra or differ:
            return f"{len(got)} {what}: {missing} missing, {extra} unexpected, {differ} with other content"
        return None

    def phase_resend(self):
        """Bytes re-sent by a resume: one large file (1 GiB; quick: 64 MiB) uploaded through azbs-proxy
        (counting only, no faults), the tool killed with SIGKILL once half the file's size has crossed the
        proxy, then run again through the same proxy: ours with `azblobsync jobs resume <id>` (the job
        found with `jobs list` in the run's own journal folder), rclone with the same `rclone copy`
        (it cannot resume: its blocks have random ids and the next run starts over). The proxy counts the
        bytes sent towards the service; the oracle checks the blob's MD5 against the file."""
        if not self.proxy_exe.exists():
            self.notes.append(f"resend phase skipped: {rel(self.proxy_exe)} is missing "
                              "(cargo build --release -p azblobsync-testkit --bin azbs-proxy)")
            return
        size = 64 * MiB if self.quick else GiB
        label = f"{size // GiB} GiB" if size >= GiB else f"{size // MiB} MiB"
        where = self.large_file_dir(size)
        if where is None:
            self.notes.append(f"resend phase skipped: {self.skip_reason}")
            return
        workload = f"second run after SIGKILL at 50% of a 1 × {label} upload (fresh Azurite)"
        self.workloads.append((workload, 1, size, "resend"))
        folder = where / "resend"
        folder.mkdir()
        self.make_large(folder / "big.bin", size)
        want = md5_file(folder / "big.bin")
        for r in range(self.rounds):
            log(f"resend, round {r + 1}/{self.rounds} (load {loadavg()})")
            for tool in self.rotate([OURS, RCLONE], r):
                self.start_azurite()
                container = f"resend-{slug(tool)}"
                self.oracle("create-container", container)
                proxy = Proxy(self.proxy_exe, self.azurite_port)
                try:
                    self.resend_once(workload, tool, folder, container, proxy, size, want)
                finally:
                    proxy.close()
        shutil.rmtree(folder, ignore_errors=True)
        self.stop_azurite()
        self.notes.append(
            f"resend: bytes are what crossed azbs-proxy towards Azurite (request heads included), read after the "
            f"killed process is gone; the time is the second run's. Ours resumes with `azblobsync jobs resume <id>` "
            f"(the journal kept the staged blocks); rclone {run_text(['rclone', 'version']).split()[1] if shutil.which('rclone') else ''} "
            f"has no resume for an Azure block upload (its block ids are random per run, its journal-less "
            f"`copy` starts the file over), so its second run is the same `rclone copy`.")

    def resend_once(self, workload, tool, folder, container, proxy, size, want):
        job_dir = self.new_job_dir()
        if tool == OURS:
            cmd = [self.cli, "sync", folder, f"http://127.0.0.1:{proxy.port}/{ACCOUNT}/{container}",
                   "--log-level", "NONE", "--output-type", "json"]
        else:
            remote = self.rclone_remote(container, proxy.port)
            cmd = ["rclone", "copy", folder, remote, *RCLONE_FLAGS]
        with open(self.work / "resend.out", "wb") as out:
            first = subprocess.Popen([str(c) for c in cmd], env=self.env(AZBLOBSYNC_JOB_DIR=str(job_dir)),
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            t0, killed = time.perf_counter(), False
            while first.poll() is None:
                if proxy.count()["bytesToUpstream"] >= size // 2:
                    os.killpg(first.pid, signal.SIGKILL)
                    killed = True
                    break
                time.sleep(0.01)
            first.wait()
        kill_s = time.perf_counter() - t0
        time.sleep(0.5)  # let the proxy pass on what the killed process had already written
        before = proxy.count()["bytesToUpstream"]
        staged = int(self.oracle("uncommitted", container, "big.bin").strip() or 0)
        if not killed:
            run = Run(kill_s, 0, 1, "", "").fail(f"the first run ended (exit {first.returncode}) before half the file crossed")
            self.record(workload, tool, run)
            return
        if tool == OURS:
            jobs = [json.loads(l) for l in run_text([str(self.cli), "jobs", "list", "--output-type", "json",
                                                     "--job-dir", str(job_dir)]).splitlines() if l.startswith("{")]
            if len(jobs) != 1:
                self.record(workload, tool, Run(0, 0, 1, "", "").fail(f"jobs list shows {len(jobs)} jobs after the kill, expected 1"))
                return
            job = jobs[0]
            status_after_kill = job.get("status")
            run = self.timed([self.cli, "jobs", "resume", job["jobId"], "--log-level", "NONE", "--output-type", "json"],
                             AZBLOBSYNC_JOB_DIR=str(job_dir))
            s = self.summary(run)
            if run.ok and (s is None or s.get("status") != "completed"):
                run.fail(f"summary: {s and (s.get('error') or s.get('status'))}")
        else:
            status_after_kill = None
            run = self.rclone_copy(folder, remote)
        after = proxy.count()["bytesToUpstream"]
        if run.ok:
            blobs = [json.loads(l) for l in self.oracle("inventory", container).splitlines()]
            if [(b["name"], b["size"], b["md5OfContent"]) for b in blobs] != [("big.bin", size, want)]:
                run.fail(f"container holds {[(b['name'], b['size'], b['md5OfContent']) for b in blobs]}, expected big.bin "
                         f"({size} bytes, MD5 {want})")
        self.record(workload, tool, run, bytes_before_kill=before, bytes_resent=after - before, bytes_total=after,
                    first_run_seconds=kill_s, staged_blocks_at_kill=staged, status_after_kill=status_after_kill)
        log(f"    {tool}: {before / MiB:,.1f} MiB before the kill ({staged} blocks staged), "
            f"{(after - before) / MiB:,.1f} MiB re-sent, {after / MiB:,.1f} MiB in all")

    def large_file_dir(self, size):
        need = size + 512 * MiB
        avail = meminfo("MemAvailable")
        # Azurite holds the uploaded blob in memory, and a file on tmpfs is memory too.
        if self.shm and shutil.disk_usage(self.shm).free > need and avail > 2 * size + GiB:
            return self.work
        if shutil.disk_usage(self.disk_work).free > need and avail > size + GiB:
            return self.disk_work
        self.skip_reason = (f"needs {need / GiB:.1f} GiB free for the file and {size / GiB:.1f} GiB of memory for Azurite; "
                            f"/dev/shm has {shutil.disk_usage(self.shm).free / GiB if self.shm else 0:.1f} GiB free, "
                            f"{self.disk_work.parent} {shutil.disk_usage(self.disk_work).free / GiB:.1f} GiB, "
                            f"memory available {avail / GiB:.1f} GiB")
        return None

    def phase_many(self):
        """No-op re-sync of many small files. Azurite (Loki) scans all its blobs on every insert, so
        uploading 100,000 blobs takes it more than 15 minutes here; instead the container's metadata is
        written into a persisted Azurite database (the exact document our CLI's upload produces, repeated
        for every file with that file's name, size, MD5 and mtime), then served by the same Azurite in
        on-disk mode. The oracle counts the blobs before any tool runs."""
        n = self.many_count
        src = self.work / "many"
        log(f"making {n:,} files of 1 KiB")
        self.make_many(src, n)
        workload = f"no-op re-sync {n:,} × 1 KiB (1,000 per folder)"
        self.workloads.append((workload, n, 0, "files"))
        location = self.work / "azurite-many"
        self.synthesize_container(location, "many", src)
        self.start_azurite(location)
        got = self.count_blobs("many")
        if got != n:
            sys.exit(f"the synthesized container holds {got} blobs, expected {n}")
        tools = [OURS, OURS_NO_JOURNAL, DOTNET, RCLONE] if self.dotnet_app else [OURS, OURS_NO_JOURNAL, RCLONE]
        self.results.setdefault((workload, DOTNET), [])
        self.results.setdefault((workload, AZ), [])
        for r in range(self.rounds):
            log(f"no-op {n:,}, round {r + 1}/{self.rounds} (load {loadavg()})")
            for tool in self.rotate(tools + [FLOOR], r):
                if tool == FLOOR:
                    self.record(workload, FLOOR, self.list_floor("many", n))
                    continue
                run = self.upload(tool, src, "many")
                if run.ok and run.transferred != 0:
                    run.fail(f"transferred {run.transferred} files, expected none")
                self.record(workload, tool, run)
        got = self.count_blobs("many")
        if got != n:
            self.failures.append(f"{workload}: {got} blobs at the end, expected {n}")
        self.stop_azurite()
        shutil.rmtree(location, ignore_errors=True)
        shutil.rmtree(src, ignore_errors=True)

    def synthesize_container(self, location, container, src):
        # 1. A real upload of one file by our CLI gives the document templates of this Azurite version.
        location.mkdir()
        self.start_azurite(location)
        self.oracle("create-container", container)
        sample = self.work / "many-sample"
        first = sorted(p for p in src.rglob("*") if p.is_file())[0]
        (sample / first.relative_to(src)).parent.mkdir(parents=True)
        shutil.copy2(first, sample / first.relative_to(src))
        run = self.ours_sync(sample, self.url(container))
        if not run.ok or self.count_blobs(container) != 1:
            sys.exit(f"could not upload the template blob: {run.note}")
        self.stop_azurite()  # Azurite saves its database on exit
        shutil.rmtree(sample)
        db_path, extent_db_path = location / "__azurite_db_blob__.json", location / "__azurite_db_blob_extent__.json"
        db, extent_db = json.loads(db_path.read_text()), json.loads(extent_db_path.read_text())
        blobs = next(c for c in db["collections"] if c["name"] == "$BLOBS_COLLECTION$")
        extents = next(c for c in extent_db["collections"] if c["name"] == "$EXTENTS_COLLECTION$")
        template = blobs["data"][0]
        assert template["metadata"].get("mtime"), "our CLI no longer stores the mtime metadata"
        # 2. Every file's bytes go into one extent; one blob document per file.
        extent_id = str(uuid.uuid4())
        store = location / "__blobstorage__"
        for old in store.iterdir():
            old.unlink()
        now = datetime.datetime.now(datetime.timezone.utc)
        iso = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        now_ms = int(now.timestamp() * 1000)
        files = sorted((p.relative_to(src).as_posix(), p) for p in src.rglob("*") if p.is_file())
        data, offset = [], 0
        with open(store / extent_id, "wb") as extent:
            for i, (name, path) in enumerate(files):
                content = path.read_bytes()
                extent.write(content)
                doc = json.loads(json.dumps(template))
                doc["name"] = name
                doc["metadata"]["mtime"] = rfc3339_ns(path.stat().st_mtime_ns)
                props = doc["properties"]
                props.update(creationTime=iso, lastModified=iso, accessTierChangeTime=iso,
                             etag=f'"0x{uuid.uuid4().hex[:15].upper()}"', contentLength=len(content),
                             contentMD5={"type": "Buffer", "data": list(hashlib.md5(content).digest())})
                doc["persistency"] = {"id": extent_id, "offset": offset, "count": len(content)}
                doc["meta"] = {"revision": 0, "created": now_ms, "version": 0}
                doc["$loki"] = i + 1
                data.append(doc)
                offset += len(content)
        blobs["data"], blobs["maxId"] = data, len(data)
        identity = list(range(len(data)))
        for prop, index in blobs["binaryIndices"].items():
            # Loki's binary indices: document positions sorted by the property (names are ASCII here).
            index["values"] = sorted(identity, key=lambda i: data[i][prop]) if prop == "name" else identity
            index["dirty"] = False
        extent_doc = dict(extents["data"][0], id=extent_id, path=extent_id, size=offset, lastModifiedInMS=now_ms)
        extent_doc["$loki"] = 1
        extents["data"], extents["maxId"] = [extent_doc], 1
        for index in extents["binaryIndices"].values():
            index["values"], index["dirty"] = [0], False
        db_path.write_text(json.dumps(db))
        extent_db_path.write_text(json.dumps(extent_db))

    def phase_md5(self):
        """Reference for a future --compare-hash: md5sum in 2 parallel processes over local files."""
        small = f"md5sum {self.small_count:,} × 16 KiB (the upload set), 2 processes"
        count = 8
        avail = min(meminfo("MemAvailable") - 4 * GiB, shutil.disk_usage(self.shm or self.disk_work).free - GiB)
        each = 64 * MiB if self.quick else 256 * MiB
        while count > 2 and count * each > avail:
            count //= 2
        big = f"md5sum {count} × {each // MiB} MiB ({count * each / GiB:.2g} GiB), 2 processes"
        self.workloads += [(small, self.small_count, self.small_count * 16 * 1024, "files"), (big, count, count * each, "bytes")]
        folder = (self.work if self.shm else self.disk_work) / "md5"
        folder.mkdir()
        for i in range(count):
            self.make_large(folder / f"part{i}.bin", each)
        for r in range(self.rounds):
            for workload, root, per in ((small, self.small_src, 100), (big, folder, 1)):
                cmd = ["sh", "-c", f"find . -type f -print0 | xargs -0 -P2 -n{per} md5sum > /dev/null"]
                run = self.timed(cmd, cwd=root)
                self.record(workload, "md5sum", run)
        shutil.rmtree(folder, ignore_errors=True)

    def phase_plan(self):
        plan = self.plan
        if plan is None:
            self.notes.append("million-file plan skipped: target/release/plan-1m is not built")
            return
        tree = self.work / "plan"
        log(f"planning {self.plan_count:,} files against a {self.plan_count:,}-entry listing (plan-1m)")
        p = subprocess.run([str(plan), str(self.plan_count), str(tree)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        shutil.rmtree(tree, ignore_errors=True)
        for leftover in self.work.glob("plan.complete-*"):
            leftover.unlink()
        if p.returncode != 0:
            self.failures.append(f"plan-1m: exit {p.returncode}: {last_line(p.stderr)}")
            return
        self.extra_sections.append(
            f"### Plan only: {self.plan_count:,} local files against a {self.plan_count:,}-entry listing "
            f"(target/release/plan-1m, fake listing server, no Azurite)\n\n" + p.stdout.strip())

    # ----------------------------------------------------------------- report

    def report(self):
        lines = ["| workload | tool | median s | rate | peer/ours | CPU s | peak RSS MiB | runs | note |",
                 "|---|---|---:|---:|---:|---:|---:|---|---|"]
        for workload, count, nbytes, unit in self.workloads:
            tools = [t for (w, t) in self.results if w == workload]
            ours_t = self.median(workload, OURS)
            for tool in sorted(tools, key=tool_order):
                if tool in SLUGS and not self.selected(tool):
                    continue  # left out with --tools
                runs = self.results[(workload, tool)]
                good = [x for x in runs if x["ok"]]
                note = self.row_note(workload, tool, runs)
                if not runs:
                    lines.append(f"| {workload} | {tool} | n/a | | | | | 0 | {note} |")
                    continue
                if not good:
                    lines.append(f"| {workload} | {tool} | FAILED | | | | | 0/{len(runs)} | {runs[0]['note']} |")
                    continue
                t = statistics.median(x["seconds"] for x in good)
                rss = max(x["rss_kib"] for x in good) / 1024
                rate = self.rate(unit, t, count, nbytes, good)
                ratio = "" if ours_t is None or tool in ("md5sum", "wrk") else f"{t / ours_t:.2f}×"
                if unit == "ms":
                    ratio = ""
                shown = f"{t:.3f}"
                rss_s = "" if tool in ("wrk", "md5sum") else f"{rss:.0f}"
                cpu = statistics.median(x.get("cpu_seconds", 0) for x in good)
                cpu_s = "" if tool == "wrk" or unit == "ms" else f"{cpu:.2f}"
                lines.append(f"| {workload} | {tool} | {shown} | {rate} | {ratio} | {cpu_s} | {rss_s} | {len(good)}/{len(runs)} | {note} |")
        return "\n".join(lines)

    def median(self, workload, tool):
        good = [x["seconds"] for x in self.results.get((workload, tool), []) if x["ok"]]
        return statistics.median(good) if good else None

    @staticmethod
    def rate(unit, t, count, nbytes, good):
        if unit == "files":
            return f"{count / t:,.0f} files/s" if t else ""
        if unit == "bytes":
            return f"{nbytes / MiB / t:,.0f} MiB/s"
        if unit == "resend":
            return f"{statistics.median(x['bytes_resent'] for x in good) / MiB:,.1f} MiB re-sent"
        if unit == "req":
            reqs = statistics.median(x["requests"] / x["seconds"] for x in good)
            return f"{reqs:,.0f} req/s ({reqs * 16 / 1024:,.1f} MiB/s)"
        return ""

    def row_note(self, workload, tool, runs):
        notes = []
        good = [x for x in runs if x["ok"]]
        if len(good) < len(runs):
            notes.append(f"{len(runs) - len(good)} failed: {next(x['note'] for x in runs if not x['ok'])}")
        if not runs:
            if tool == AZ:
                notes.append("az has no sync: upload-batch would upload everything again")
            elif tool == OURS and "compare by MD5" in workload:
                notes.append("SLOT: this azblobsync has no --compare-hash yet")
            elif tool == DOTNET and not self.dotnet_app:
                notes.append("not measured (see the .NET line above)")
        if tool == DOTNET and self.dotnet_app and workload.startswith("download") and not runs:
            notes.append("this build of the .NET layer has no download direction")
        if good and "p50_ms" in good[0]:
            notes.append(f"latency p50 {statistics.median(x['p50_ms'] for x in good):.0f} ms, "
                         f"p99 {statistics.median(x['p99_ms'] for x in good):,.0f} ms; "
                         f"{statistics.median(x['requests'] for x in good):,.0f} blobs per run")
            timeouts = sum(x.get("timeouts", 0) for x in good)
            if timeouts:
                notes.append(f"{timeouts} responses took over 10 s")
            up = next((w for w, _, _, _ in self.workloads if w.startswith("upload") and "16 KiB" in w), None)
            ours_t = self.median(up, OURS if "SharedKey" in workload else OURS_SAS) if up else None
            if ours_t:
                reqs = statistics.median(x["requests"] / x["seconds"] for x in good)
                notes.append(f"our {self.small_count:,}-file upload{'' if 'SharedKey' in workload else ' with a SAS'} "
                             f"runs at {self.small_count / ours_t / reqs:.0%} of this")
        if good and "to_main_ms" in good[0]:
            notes.append(f"whole process {statistics.median(x['process_seconds'] for x in good) * 1000:,.0f} ms, "
                         f"of which process start to Main {statistics.median(x['to_main_ms'] for x in good):,.0f} ms")
        if good and good[0].get("job_seconds"):
            notes.append(f"the job alone (inside the process) {statistics.median(x['job_seconds'] for x in good):.3f} s")
        if any("bytes_resent" in x for x in runs):
            size = next(nb for w, _, nb, _ in self.workloads if w == workload)
            med = lambda k: statistics.median(x[k] for x in runs if k in x)
            notes.append(f"sent before the kill {med('bytes_before_kill') / MiB:,.1f} MiB "
                         f"({med('bytes_before_kill') / size:.0%} of the file, {med('staged_blocks_at_kill'):.0f} blocks staged), "
                         f"re-sent by the second run {med('bytes_resent') / MiB:,.1f} MiB ({med('bytes_resent') / size:.0%}), "
                         f"in all {med('bytes_total') / MiB:,.1f} MiB ({med('bytes_total') / size:.2f}× the file)")
            if tool == OURS:
                notes.append(f"job {', '.join(sorted({str(x.get('status_after_kill')) for x in runs}))} after the kill")
        if runs and "runs_needed" in runs[0]:
            notes.append("runs needed " + ", ".join(str(x["runs_needed"]) + ("" if x["ok"] else " (not done)") for x in runs))
            notes.append("faults injected per run " + "; ".join(
                ", ".join(f"{f} of {q}" for f, q in zip(x["faults"], x["requests"])) for x in runs) + " requests")
            silent = sum(x.get("silent_failures", 0) for x in runs)
            if silent:
                notes.append(f"**{silent} run(s) reported success with missing or wrong data**")
            if tool == RCLONE:
                notes.append("rclone's own whole-copy retries (--retries 3) used per run " + "; ".join(
                    ", ".join(map(str, x["rclone_failed_attempts"] or [])) for x in runs))
        if good and "azurite_rss_mib" in good[0]:
            notes.append(f"Azurite {max(x['azurite_rss_mib'] for x in good):,.0f} MiB after")
        return "; ".join(notes)

    def machine(self):
        def out(cmd):
            try:
                return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
            except OSError:
                return "?"
        cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                    if l.startswith("model name")), platform.machine())
        az = "?"
        try:
            az = json.loads(out(["az", "version", "-o", "json"]))["azure-cli"]
        except (ValueError, KeyError):
            pass
        azurite = json.loads((ROOT / "tests/tools/node_modules/azurite/package.json").read_text())["version"]
        runtimes = [l.split(" [")[0] for l in out(["dotnet", "--list-runtimes"]).splitlines() if "NETCore.App" in l]
        runtime = runtimes[-1] if runtimes else "no .NET runtime"
        dirty = " (working tree has uncommitted changes)" if out(["git", "-C", str(ROOT), "status", "--porcelain", "-uno"]) else ""
        return [
            f"- machine: {os.cpu_count()} cores ({cpu}), {meminfo('MemTotal') / GiB:.0f} GiB, {platform.system()} {platform.release()}",
            f"- load average at start {self.load_start}, at end {loadavg()} (other work on the machine makes numbers noisy)",
            f"- azblobsync: {self.cli_label}; commit {git('rev-parse', '--short', 'HEAD')}{dirty}",
            f"- .NET layer: {'Engine from the ' if self.dotnet_app else 'not measured: '}{self.dotnet_source}; native engine "
            f"{self.native_label}; {runtime}",
            f"- rclone {out(['rclone', 'version']).splitlines()[0].split()[-1]} ({' '.join(RCLONE_FLAGS[:4])}, `rclone copy`); "
            f"Azure CLI {az} (upload-batch / download-batch, {' '.join(AZ_FLAGS[2:])}); "
            f"Azurite {azurite} (in memory unless noted); {out(['wrk', '-v']).splitlines()[0].split(' [')[0] if shutil.which('wrk') else 'wrk ?'}",
            f"- datasets on {'/dev/shm (tmpfs)' if self.shm else 'disk'}; {self.rounds} round(s), tools in rotating order; "
            f"run took {(time.time() - self.started) / 60:.1f} min",
        ]

    def write(self, plan_table):
        name = ("quick" if self.quick else "latest") if not self.args.only else f"only-{'-'.join(self.phases)}"
        if self.args.tools:
            name += "-tools-" + "-".join(self.args.tools)
        title = f"# AzBlobSync benchmark ({'quick, ' if self.quick else ''}{time.strftime('%Y-%m-%d %H:%M %Z')})"
        body = [title, "", "`" + " ".join(["bench/run.sh", *self.args.raw]) + "`", "", *self.machine(), "",
                "Median wall time of the verified runs; peer/ours = the peer's median time over our CLI's "
                "(> 1 means we are faster); CPU s = user + system time of the tool's process tree (median; on 2 cores "
                "every CPU second a client spends is taken from Azurite); peak RSS is the largest of the runs (`/usr/bin/time %M`).", "",
                plan_table, ""]
        body += [f"- {n}" for n in self.journal_notes() + self.notes + self.method_notes()]
        if self.failures:
            body += ["", "**Failures:**", *[f"- {f}" for f in self.failures]]
        body += ["", *self.extra_sections, ""]
        text = "\n".join(body)
        out_dir = ROOT / "bench/results"
        out_dir.mkdir(exist_ok=True)
        (out_dir / f"{name}.md").write_text(text)
        raw = {f"{w} | {t}": runs for (w, t), runs in self.results.items()}
        (out_dir / f"{name}.json").write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n")
        print(text)
        log(f"written to bench/results/{name}.md and {name}.json")

    def journal_notes(self):
        """Issue 12: the journal may cost at most 5%. On/off = the median with the journal over the median
        without it, per workload both ran."""
        notes = []
        for workload, _, _, _ in self.workloads:
            on, off = self.median(workload, OURS), self.median(workload, OURS_NO_JOURNAL)
            if on is None or off is None:
                continue
            ratio = on / off
            notes.append(f"journal on/off, {workload}: {on:.3f} s / {off:.3f} s = {ratio:.3f} ({ratio - 1:+.1%}; "
                         f"{'within' if ratio <= 1.05 else 'OVER'} the 5% issue 12 allows)")
        if notes:
            notes.append("journal on/off: `azblobsync` writes its journal (journal.db, checked after every run) into a "
                         "fresh folder per run on disk (AZBLOBSYNC_JOB_DIR under the benchmark's work folder, not tmpfs); "
                         "`azblobsync --no-journal` keeps none (checked too). Both with --log-level NONE, so no job log.")
        return notes

    def method_notes(self):
        return [
            ("compare by MD5: `azblobsync sync --compare-hash MD5 --hash-cache <fresh file>` (cold: every file is "
             "read and hashed), then again with the same cache (warm); rclone `copy --checksum` hashes every run. "
             "The md5sum rows are the local hashing rate on this machine."
             if self.has_compare_hash else
             "compare-hash slot: this `azblobsync` has no `--compare-hash`, so its rows are n/a; the md5sum rows "
             "are the local hashing rate it would have to reach on this machine."),
            f"no-op re-sync of {self.many_count:,} files: the container is written directly into Azurite's on-disk "
            "database (Azurite scans every blob it holds on each insert, so uploading them takes it over 15 minutes), "
            "then served by the same Azurite in on-disk mode; the oracle counts the blobs first, and each run must "
            "report nothing transferred.",
            "upload 1 × N: each run starts a fresh in-memory Azurite (it frees deleted blobs only in a 10-minute GC). "
            "rclone sets Content-MD5 on uploads (it hashes the file), so `azblobsync --put-md5` is the like-for-like row.",
            "rclone 1.60 reaches Azurite only through a SAS URL, and Azurite checks a SAS more slowly than a "
            "SharedKey signature (see the two ceilings at 32 connections): `azblobsync, SAS URL` is the like-for-like row.",
            "Datasets and download folders are on tmpfs when /dev/shm exists: our CLI syncs each downloaded file "
            "to disk before renaming it into place, which costs nothing there and more on a real disk.",
            "az CLI uploads a batch one file at a time (--max-connections only splits blobs over 64 MB); it has no "
            "sync, so its no-op rows are n/a.",
            "listing floor (not a tool): `bench/list_floor.py` lists the same container the way our engine does "
            "(first level delimited, then each folder flat, 8 at a time, metadata included) and only counts the blobs, "
            "with a SAS, timed inside the script (Python's start-up left out). It is what Azurite itself needs to serve "
            "the listing (single-threaded Node: its XML serializer is most of the time); a sync that lists the container cannot be much faster than it.",
        ]

    def cleanup(self):
        self.stop_azurite()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.disk_work, ignore_errors=True)

    def snapshot_binaries(self):
        """Copies the CLI, the engine library and plan-1m into the work folder: another build replacing
        them halfway through must not mix two versions into one table."""
        snap = self.work / "bin"
        snap.mkdir()
        self.cli_label = (f"{rel(self.cli)} ({run_text([str(self.cli), '--version'])}, built "
                          f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(self.cli.stat().st_mtime))})")
        self.native_label = rel(self.native)
        self.cli = Path(shutil.copy2(self.cli, snap / "azblobsync"))
        if self.native.exists():
            self.native = Path(shutil.copy2(self.native, snap / self.native.name))
        plan = ROOT / "target/release/plan-1m"
        self.plan = Path(shutil.copy2(plan, snap / "plan-1m")) if plan.exists() else None
        if self.proxy_exe.exists():
            self.proxy_exe = Path(shutil.copy2(self.proxy_exe, snap / "azbs-proxy"))

    def main(self):
        self.workloads = []
        self.ensure_packages()
        if not self.cli.exists():
            sys.exit(f"{self.cli} is missing: ./build.sh build first")
        log(f"CLI {self.cli}; engine {self.native}; work in {self.work}; load {loadavg()}")
        self.snapshot_binaries()
        self.has_compare_hash = "--compare-hash" in run_text([str(self.cli), "sync", "--help"])
        self.start_azurite()
        if self.selected(DOTNET) and set(self.phases) & {"small", "first_call", "large", "many"}:
            self.build_dotnet()
        else:
            self.dotnet_source = "not selected (--only / --tools)"
        for phase in self.phases:
            getattr(self, f"phase_{phase}")()
        self.write(self.report())
        return 1 if self.failures else 0


PHASES = ["small", "wrk", "first_call", "large", "budget", "many", "md5", "plan", "faults", "resend"]


def tool_order(tool):
    order = [OURS, OURS_NO_JOURNAL, OURS_MD5, OURS_SAS, OURS_BUDGET, DOTNET, RCLONE, AZ, FLOOR, "md5sum", "wrk"]
    return order.index(tool) if tool in order else len(order)


SLUGS = {OURS: "ours", OURS_NO_JOURNAL: "oursnojournal", OURS_MD5: "oursmd5", OURS_SAS: "ourssas",
         OURS_BUDGET: "oursbudget", DOTNET: "dotnet", RCLONE: "rclone", AZ: "az", FLOOR: "floor"}


def slug(tool):
    return SLUGS[tool]


def rfc3339_ns(ns):
    """The engine's format: RFC 3339 in UTC with the nanoseconds, trailing zeros dropped."""
    seconds, frac = divmod(ns, 1_000_000_000)
    base = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return base + (f".{frac:09d}".rstrip("0") if frac else "") + "Z"


def per_try_timeout_seconds():
    """The engine's per-try timeout: AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS when set (the CLI reads it too),
    else the default in native/core/src/transfer/retry.rs."""
    if os.environ.get("AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS", "").strip().isdigit():
        return int(os.environ["AZBLOBSYNC_PER_TRY_TIMEOUT_SECONDS"])
    m = re.search(r"DEFAULT_PER_TRY_TIMEOUT: Duration = Duration::from_secs\((\d+)\)", RETRY_RS.read_text())
    return int(m.group(1)) if m else 60


class Proxy:
    """One azbs-proxy process (native/testkit/src/bin/azbs_proxy.rs) in front of Azurite: faults at the
    given rate (none at 0), bytes counted behind the faults."""

    def __init__(self, exe, upstream, rate=0.0, seed=1, stall_seconds=0):
        self.p = subprocess.Popen([str(exe), "--upstream", str(upstream), "--fault-rate", str(rate), "--seed", str(seed),
                                   "--stall-seconds", str(stall_seconds)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.port = json.loads(self.p.stdout.readline())["port"]

    def count(self):
        self.p.stdin.write("count\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        """The final counts; the proxy exits."""
        self.p.stdin.close()
        line = self.p.stdout.readline()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        return json.loads(line) if line.strip() else {}


def md5_file(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(4 * MiB):
            h.update(chunk)
    return h.hexdigest()


def tree_md5s(root):
    root = Path(root)
    return {p.relative_to(root).as_posix(): md5_file(p) for p in root.rglob("*") if p.is_file()}


def rel(path):
    path = Path(path)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def run_text(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        return "?"


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], stdout=subprocess.PIPE, text=True).stdout.strip()


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("rounds", nargs="?", type=int, help="alternating rounds (default 3; 1 with --quick)")
    p.add_argument("--quick", action="store_true", help="fewer files, smaller large file, no 2 GiB, 100,000-file plan")
    p.add_argument("--only", metavar="PHASE[,PHASE]", help=f"run only these phases ({', '.join(PHASES)}); "
                   "writes bench/results/only-<phases>.md")
    p.add_argument("--tools", metavar="SLUG[,SLUG]", help=f"run only these tools ({', '.join(SLUGS.values())}); "
                   "e.g. --only small,many --tools ours,oursnojournal for the journal on/off rows alone")
    args = p.parse_args(argv)
    args.tools = args.tools.split(",") if args.tools else None
    bad = [t for t in args.tools or [] if t not in SLUGS.values()]
    if bad:
        p.error(f"unknown tool {', '.join(bad)}; tools: {', '.join(SLUGS.values())}")
    args.phases = args.only.split(",") if args.only else list(PHASES)
    unknown = [ph for ph in args.phases if ph not in PHASES]
    if unknown:
        p.error(f"unknown phase {', '.join(unknown)}; phases: {', '.join(PHASES)}")
    # Always in this order: the first phases share one Azurite, the later ones start (and stop) their own.
    args.phases.sort(key=PHASES.index)
    args.raw = argv
    return args


if __name__ == "__main__":
    bench = Bench(parse_args(sys.argv[1:]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        code = bench.main()
    finally:
        bench.cleanup()
    sys.exit(code)
