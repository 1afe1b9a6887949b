"""Where an uncached query's time goes: py-spy over the server and its query workers under load.

    .venv/bin/pip install -e '.[bench]'          # py-spy
    .venv/bin/python benchmarks/profile_queries.py --store var/store --duration 20

Starts ``icgraph serve`` with the result cache off (``ICGRAPH_RESULT_CACHE_BYTES=0``, so every
request runs its query in a worker), drives it with ``--clients`` keep-alive clients cycling
through the catalogue queries (``GET /sparql?query=``, SPARQL JSON) for ``--duration`` seconds,
and samples the server and its workers with ``py-spy record --subprocesses --native`` at the
same time. Each sample is put in one bucket by the frames it holds (the first rule that
matches, innermost frame first), per process: the HTTP server (uvicorn, starlette, FastAPI),
or a query worker. Prints the share of samples per bucket and the top functions, and writes
the raw stacks with ``--raw``. py-spy needs ptrace rights (root, or CAP_SYS_PTRACE).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import free_port, timed_get  # noqa: E402

#: (bucket, substrings of frames): the first rule any frame of a sample matches wins. A sample
#: whose innermost frame is a wait (epoll, or a worker blocked reading its next request) is idle:
#: with --native, py-spy samples blocking system calls as if they ran.
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pickling", ("pickle",)),
    ("query tokenizer (query_text)", ("query_text.py",)),
    (
        "pyoxigraph: serialise results",
        ("sparesults", "serialize (", "oxrdfio", "oxjsonld", "oxttl"),
    ),
    (
        "pyoxigraph: parse + evaluate",
        ("rocksdb", "oxigraph", "spareval", "spargebra", "sparopt", "oxrdf", "pyoxigraph"),
    ),
    (
        "pipes (worker protocol I/O)",
        (
            "_read_frame",
            "_write_frame",
            "readexactly",
            "drain (",
            "StreamReader",
            "call (api/backends",
        ),
    ),
    ("logging", ("logging/",)),
    ("JSON (stdlib json)", ("json/",)),
    (
        "ASGI + HTTP (uvicorn, starlette, FastAPI)",
        ("uvicorn", "starlette", "fastapi", "h11", "httptools", "anyio"),
    ),
    ("asyncio event loop", ("asyncio/", "selectors.py", "uvloop")),
    ("icgraph.query (cap, formats)", ("icgraph/query.py",)),
    ("pydantic / settings", ("pydantic",)),
)
_WAITS = ("epoll_wait", "epoll_pwait", "select (", "poll (")


def bucket_of(frames: list[str]) -> str:
    innermost = frames[-1] if frames else ""
    if any(w in innermost for w in _WAITS):
        return "idle (waiting for I/O)"
    if innermost.startswith("read (") and any("_read_frame" in f for f in frames):
        return "idle (worker waiting for a request)"
    for name, needles in BUCKETS:
        if any(needle in frame for frame in frames for needle in needles):
            return name
    return "other"


def package_of(frame: str) -> str:
    """The package whose code a frame runs: where the time is spent itself."""
    where = frame.rpartition("(")[2].rstrip(")")
    path = where.split(":")[0]
    if not path.endswith(".py") and "<" not in path:
        return f"native: {path}"
    top = path.split("/")[0].removesuffix(".py")
    if top in ("icgraph", "api"):
        return "icgraph" if top == "icgraph" else "icgraph.api"
    return top


def python_frame(frames: list[str]) -> str:
    """The innermost frame that is Python code (a native frame names its library)."""
    for frame in reversed(frames):
        if ".py:" in frame:
            return frame
    return frames[-1] if frames else "?"


def drive(port: int, queries: list[str], clients: int, duration: float) -> tuple[int, int]:
    done, failed = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        while time.monotonic() < stop:
            path = "/sparql?query=" + urllib.parse.quote(queries[i % len(queries)])
            _, status = timed_get(conn, path, "application/sparql-results+json")
            with lock:
                done[0] += 1
                failed[0] += status != 200
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], failed[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a built store (default: build one)")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks here")
    parser.add_argument("--analyse", type=Path, help="only read stacks an earlier run kept")
    args = parser.parse_args()
    if args.analyse:
        summarise(args.analyse, args.rate, args.duration - 1.5)
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    sys.path.insert(0, str(ROOT / "src"))
    from icgraph.catalogue import load_catalogue

    folder = Path(tempfile.mkdtemp(prefix="icgraph-profile-"))
    store = args.store
    if store is None:
        from icgraph.build import build
        from icgraph.config import Settings

        store = folder / "store"
        build(Settings(root=ROOT, store_path=store))
    queries = [e.text for e in load_catalogue(ROOT / "queries").values()]
    port = free_port()
    env = {**os.environ, "ICGRAPH_STORE_PATH": str(store), "ICGRAPH_RESULT_CACHE_BYTES": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "icgraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    raw = args.raw or folder / "stacks.txt"
    try:
        for _ in range(600):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                if timed_get(conn, "/health", "application/json")[1] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        drive(port, queries, args.clients, 2.0)  # warm-up
        spy = subprocess.Popen(
            [py_spy, "record", "--pid", str(server.pid), "--subprocesses", "--native"]
            + ["--rate", str(args.rate), "--duration", str(int(args.duration))]
            + ["--format", "raw", "--output", str(raw)],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "py-spy.log").open("w"),
        )
        time.sleep(1.0)
        load_before = os.getloadavg()[0]
        start = time.monotonic()
        done, failed = drive(port, queries, args.clients, args.duration - 1.5)
        elapsed = time.monotonic() - start
        spy.wait(timeout=args.duration + 60)
        if not raw.exists():
            sys.exit(f"py-spy wrote no profile: {(folder / 'py-spy.log').read_text()[-500:]}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"{done} requests in {elapsed:.1f} s ({done / elapsed:.0f}/s, {failed} failed), "
        f"{args.clients} clients, {len(queries)} catalogue queries, no result cache; "
        f"load average {load_before:.1f}-{os.getloadavg()[0]:.1f}"
    )
    summarise(raw, args.rate, elapsed)
    if args.raw is None:
        shutil.rmtree(folder, ignore_errors=True)


def summarise(raw: Path, rate: int, elapsed: float) -> None:
    """Print the share of busy samples per bucket and the top frames, per process."""
    per_process: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    functions: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    packages: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        # py-spy writes each process it followed as a frame, outermost first
        frames = stack.split(";")
        owner = [f for f in frames if f.startswith("process ")]
        code = [f for f in frames if not f.startswith("process ")]
        process = "query worker" if owner and "worker" in owner[-1] else "HTTP server"
        bucket = bucket_of(code)
        per_process[process][bucket] += int(count)
        if not bucket.startswith("idle"):
            functions[process][python_frame(code)] += int(count)
            packages[process][package_of(code[-1] if code else "?")] += int(count)
    for process, counts in sorted(per_process.items()):
        total = sum(counts.values())
        busy = sum(n for name, n in counts.items() if not name.startswith("idle"))
        print(
            f"\n{process}: {total} samples, {busy} busy "
            f"({busy / rate / elapsed:.2f} cores); share of busy samples:"
        )
        for name, n in counts.most_common():
            share = f"{100 * n / busy:5.1f}%" if not name.startswith("idle") else "   (-)"
            print(f"  {share}  {name} ({n})")
        print("  busy samples by the package of the innermost frame (self time):")
        for name, n in packages[process].most_common(10):
            print(f"  {100 * n / busy:5.1f}%  {name[:110]}")
        print("  top innermost Python frames of busy samples:")
        for name, n in functions[process].most_common(8):
            print(f"  {100 * n / busy:5.1f}%  {name[:110]}")


if __name__ == "__main__":
    main()
