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

#: (bucket, substrings of a frame "function (file)"): the first bucket any frame matches wins,
#: frames read from the innermost out.
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pickling", ("pickle", "_pickle", "dumps (", "loads (")),
    ("logging", ("logging/", "access.py", "log_message")),
    ("query tokenizer (query_text)", ("query_text.py",)),
    (
        "pyoxigraph: parse + evaluate",
        ("Store::query", "spareval", "spargebra", "oxigraph::sparql", "query (pyoxigraph"),
    ),
    ("pyoxigraph: serialise results", ("serialize", "sparesults", "oxrdfio")),
    ("result cap and format (icgraph.query)", ("icgraph/query.py",)),
    (
        "pipes (worker protocol I/O)",
        (
            "readexactly",
            "_read_frame",
            "_write_frame",
            "StreamReader",
            "drain (",
            "subprocess",
            "stdin",
            "stdout",
            "os.read",
            "write (",
        ),
    ),
    ("JSON / response bodies", ("json/", "render (", "Response")),
    (
        "ASGI + HTTP (uvicorn, starlette, FastAPI)",
        ("uvicorn", "starlette", "fastapi", "h11", "httptools", "anyio"),
    ),
    ("asyncio event loop", ("asyncio/", "selectors.py", "uvloop")),
    ("pydantic / settings", ("pydantic",)),
)


def bucket_of(frames: list[str]) -> str:
    for name, needles in BUCKETS:
        for frame in reversed(frames):
            if any(needle in frame for needle in needles):
                return name
    return "other"


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
    args = parser.parse_args()
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
            + ["--format", "raw", "--output", str(raw), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
        load_before = os.getloadavg()[0]
        start = time.monotonic()
        done, failed = drive(port, queries, args.clients, args.duration - 1.5)
        elapsed = time.monotonic() - start
        spy.wait(timeout=args.duration + 60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    per_process: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    functions: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        # py-spy writes each process it followed as a frame, outermost first
        frames = stack.split(";")
        owner = [f for f in frames if f.startswith("process ")]
        code = [f for f in frames if not f.startswith("process ")]
        process = "query worker" if owner and "worker" in owner[-1] else "HTTP server"
        per_process[process][bucket_of(code)] += int(count)
        functions[process][code[-1] if code else "?"] += int(count)
    print(
        f"{done} requests in {elapsed:.1f} s ({done / elapsed:.0f}/s, {failed} failed), "
        f"{args.clients} clients, {len(queries)} catalogue queries, no result cache; "
        f"load average {load_before:.1f}-{os.getloadavg()[0]:.1f}"
    )
    for process, counts in sorted(per_process.items()):
        total = sum(counts.values())
        print(f"\n{process}: {total} samples ({total / args.rate / elapsed:.2f} cores busy)")
        for name, n in counts.most_common():
            print(f"  {100 * n / total:5.1f}%  {name}")
        print("  top innermost frames:")
        for name, n in functions[process].most_common(8):
            print(f"  {100 * n / total:5.1f}%  {name[:110]}")
    if args.raw is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
