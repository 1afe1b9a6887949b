"""Where an uncached query's time goes: py-spy over the server and its query workers under load.

    .venv/bin/pip install -e '.[bench]'          # py-spy
    .venv/bin/python benchmarks/profile_queries.py --store var/store --duration 20

Starts ``icgraph serve`` with the result cache off (``ICGRAPH_RESULT_CACHE_BYTES=0``, so every
request runs its query in a worker), drives it with ``--clients`` keep-alive clients cycling
through the catalogue queries (``GET /sparql?query=``, SPARQL JSON) for ``--duration`` seconds,
and samples the server and its workers with ``py-spy record --subprocesses --native`` at the
same time (``--parameter-free``: only the queries that declare no parameters). Each sample is
put in one bucket by the frames it holds (the first rule, in their order, that matches any of
its frames), per process: the HTTP server (uvicorn, starlette, FastAPI),
or a query worker. Prints the share of samples per bucket and the top functions, and writes
the raw stacks with ``--raw``. py-spy needs ptrace rights (root, or CAP_SYS_PTRACE).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import re
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

#: (bucket, substrings of frames): the first rule any frame of a sample matches wins.
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pickling", ("pickle", "reduction.py")),
    ("query tokenizer (query_text)", ("query_text.py",)),
    # The result cap: TSV counted line by line, then converted to the asked format.
    (
        "result cap and format conversion (icgraph.query)",
        ("_capped (", "from_tsv (", "from_ntriples ("),
    ),
    (
        "pyoxigraph: serialise results",
        ("sparesults", "serialize (", "oxrdfio", "oxjsonld", "oxttl"),
    ),
    (
        "pyoxigraph: parse + evaluate",
        ("rocksdb", "oxigraph", "spareval", "spargebra", "sparopt", "oxrdf", "pyoxigraph"),
    ),
    # pebble's channel: a pipe each way, shared by the children, with a lock per direction.
    ("pipes (pebble's channel to the children)", ("multiprocessing/connection.py", "channel.py")),
    (
        "pebble hand-off (its threads, queue, futures)",
        ("pebble/", "queue.py", "concurrent/futures", "asyncio/futures.py", "threadsafe"),
    ),
    ("logging (the access log)", ("logging/", "uvicorn/logging.py")),
    ("JSON (stdlib json)", ("json/",)),
    ("ETag and dates (api/caching.py)", ("entity_tag (", "published_at (", "_strptime")),
    # The route, its checks and the backend's own code (the middleware frames wrap everything).
    (
        "icgraph.api: route, checks, backend",
        ("api/routes/", "api/answers.py", "api/protocol.py", "api/backends/", "api/pool.py"),
    ),
    (
        "ASGI + HTTP (uvicorn, starlette, FastAPI)",
        ("uvicorn", "starlette", "fastapi", "h11", "httptools", "anyio"),
    ),
    ("asyncio event loop", ("asyncio/", "selectors.py", "uvloop", "loop.c", "uv_run")),
    ("icgraph.query (other)", ("icgraph/query.py",)),
    ("pydantic / settings", ("pydantic",)),
)
#: Innermost native frames of a thread blocked in the kernel: with --native, py-spy samples a
#: blocking call as if it ran, so these are counted as idle.
_WAITS = ("epoll_wait", "epoll_pwait", "select (", "poll (", "clock_nanosleep", "accept (")
#: Frames of a wait for a lock or condition (idle), which a wait for the GIL is not.
_LOCK_WAIT = ("PyThread_acquire_lock", "sem_wait", "sem_timedwait", "sem_clockwait")
#: Frames of a thread that can run but waits for the GIL (CPython's take_gil waits on a
#: condition variable): time lost to the hand-offs between threads, not CPU spent.
_GIL_WAIT = ("pthread_cond_timedwait", "pthread_cond_wait")


def bucket_of(frames: list[str]) -> str:
    innermost = frames[-1] if frames else ""
    tail = frames[-4:]
    if any(w in innermost for w in _WAITS):
        return "idle (waiting for I/O)"
    if any(w in f for f in tail for w in _LOCK_WAIT):
        return "idle (waiting for a lock or a task)"
    if any(w in f for f in tail for w in _GIL_WAIT):
        return "waiting for the GIL"
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
    parser.add_argument(
        "--parameter-free",
        action="store_true",
        help="only the catalogue queries that declare no parameters (the issue's workload)",
    )
    parser.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks here")
    parser.add_argument("--analyse", type=Path, help="only read stacks an earlier run kept")
    args = parser.parse_args()
    if args.analyse:
        summarise(args.analyse)
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
    entries = load_catalogue(ROOT / "queries").values()
    queries = [e.text for e in entries if not (args.parameter_free and e.parameters)]
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
            [py_spy, "record", "--pid", str(server.pid), "--subprocesses", "--native", "--threads"]
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
    summarise(raw)
    if args.raw is None:
        shutil.rmtree(folder, ignore_errors=True)


_PROCESS = re.compile(r'process (\d+):"([^"]*)";')


def _role(thread: str) -> str:
    """A server thread by what it does: the event loop, one of pebble's, the pool watcher."""
    name = thread.partition(": ")[2]
    for needle, role in (
        ("MainThread", "event loop (MainThread)"),
        ("task_scheduler", "pebble: task scheduler"),
        ("message_manager", "pebble: message reader"),
        ("pool_manager", "pebble: pool manager"),
        ("pool-watch", "pool watcher"),
    ):
        if needle in name:
            return role
    return name or "?"


def summarise(raw: Path) -> None:
    """Print the share of busy samples per bucket and the top frames, per process.

    A thread's samples are its time base (under load py-spy samples below its rate), so a
    thread's busy share is its busy samples over all its samples, and a process's cores are
    the sum of its threads' busy shares. Waits for the GIL are shown apart: not CPU, but the
    time the hand-offs between threads cost.
    """
    per_process: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    functions: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    packages: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    threads: dict[str, collections.Counter[tuple[str, str]]] = collections.defaultdict(
        collections.Counter
    )
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        # py-spy writes the chain of processes (server, forkserver, child) and the thread
        # as the outermost frames; a command line may hold ';', so they are matched whole.
        chain = _PROCESS.findall(stack)
        frames = _PROCESS.sub("", stack).split(";")
        thread = next((f for f in frames if f.startswith("thread (")), "")
        code = [f for f in frames if not f.startswith("thread (")]
        # The pool's children are forked by multiprocessing's forkserver, the server's child.
        if len(chain) >= 3 and "forkserver" in chain[-1][1]:
            process = "query worker"
        elif len(chain) == 1:
            process = "HTTP server"
        else:
            continue  # the forkserver itself and the resource tracker: idle
        where = f"{chain[-1][0] if chain else '?'} {thread.split(':')[0]}"
        bucket = bucket_of(code)
        n = int(count)
        per_process[process][bucket] += n
        threads[process][(where, _role(thread) if process == "HTTP server" else "worker")] += 0
        threads[process][(where, "total")] += n
        if _busy(bucket):
            threads[process][(where, "busy")] += n
            functions[process][python_frame(code)] += n
            packages[process][package_of(code[-1] if code else "?")] += n
    for process, counts in sorted(per_process.items()):
        busy = sum(n for name, n in counts.items() if _busy(name))
        gil = counts["waiting for the GIL"]
        per_thread = threads[process]
        roles = {where: role for (where, role) in per_thread if role not in ("total", "busy")}
        cores = collections.Counter[str]()
        for where, role in roles.items():
            total = per_thread[(where, "total")]
            if total:
                cores[role] += per_thread[(where, "busy")] / total
        print(
            f"\n{process}: {busy} busy samples, {gil} waiting for the GIL; "
            f"{sum(cores.values()):.2f} cores busy; share of busy samples:"
        )
        for name, n in counts.most_common():
            share = f"{100 * n / busy:5.1f}%" if _busy(name) else "   (-)"
            print(f"  {share}  {name} ({n})")
        print("  cores busy by thread:")
        for role, value in cores.most_common():
            print(f"  {value:5.2f}  {role}")
        print("  busy samples by the package of the innermost frame (self time):")
        for name, n in packages[process].most_common(10):
            print(f"  {100 * n / busy:5.1f}%  {name[:110]}")
        print("  top innermost Python frames of busy samples:")
        for name, n in functions[process].most_common(8):
            print(f"  {100 * n / busy:5.1f}%  {name[:110]}")


def _busy(bucket: str) -> bool:
    return not bucket.startswith("idle") and bucket != "waiting for the GIL"


if __name__ == "__main__":
    main()
