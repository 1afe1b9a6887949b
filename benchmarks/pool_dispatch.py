"""What an uncached query costs in CPU, part by part, against Oxigraph server's whole request.

    .venv/bin/python benchmarks/pool_dispatch.py --store var/store [--duration 8] [--clients 8]
        [--workers N] [--json out.json]

In one run, on the parameter-free catalogue queries and the same store version:

1. **Oxigraph server** (``oxigraph serve-read-only --union-default-graph``, the peer of
   ``load.py``) driven by ``load.py``'s keep-alive client: its CPU time per answered request
   (HTTP, parsing, evaluation and JSON), read from ``/proc`` for its process;
2. **the query pool alone**, without HTTP: ``KillablePool`` with the served number of
   children, fed by as many concurrent tasks as ``load.py`` has clients, each task the
   children's real one (``run_in_child``: ``icgraph.query.run`` on the child's store). It
   gives the CPU per task of the parent (pebble's scheduling, pickling, pipes, the event loop)
   and of the children, and, measured inside the children, the CPU spent in ``query.run``
   itself; what the children spend beyond it is pebble's side of the hand-off;
3. **the engine in one thread**, in this process, with the two cores otherwise idle:
   ``query.run`` on the same requests, alternating with the same request evaluated by
   ``query.execute`` (the same checks, options and reading of the text) and written to JSON
   directly, with no cap: the difference is what the result cap's TSV round trip costs.

Unit tests do not time anything; this is a script. See README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of one process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child_named(word: str) -> int:
    """The pid of this process's child whose command line holds ``word``."""
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if word.encode() in cmdline:
                return int(pid)
    raise RuntimeError(f"no child process runs {word}")


def timed_run(request: Any) -> float:
    """A pool task: the children's own query task, returning the CPU time ``query.run`` took."""
    from icgraph.api import pool
    from icgraph.api.backends.worker import answer

    start = time.process_time()
    reply = answer(pool.STORE, request)
    spent = time.process_time() - start
    if reply[0] != "ok":
        raise RuntimeError(f"the query failed in the child: {reply}")
    return spent


async def _pool_figures(
    db: Path, requests: list[Any], children: int, memory_mb: int, tasks: int, seconds: float
) -> dict[str, float]:
    from icgraph.api.pool import KillablePool

    pool = KillablePool(children, memory_mb, db)
    pool.start()
    inside: list[float] = []

    async def feed(first: int, until: float) -> int:
        done, k = 0, first
        while time.monotonic() < until:
            inside.append(await pool.run(timed_run, requests[k % len(requests)], timeout=60))
            k, done = k + 1, done + 1
        return done

    try:
        await asyncio.gather(*(feed(i, time.monotonic() + 1.0) for i in range(tasks)))  # warm
        inside.clear()
        pids = pool.pids()
        before = {pid: _cpu_seconds(pid) for pid in [os.getpid(), *pids]}
        start = time.monotonic()
        counts = await asyncio.gather(*(feed(i, start + seconds) for i in range(tasks)))
        elapsed = time.monotonic() - start
        after = {pid: _cpu_seconds(pid) for pid in before}
        if pool.pids() != pids:
            raise RuntimeError("a child was replaced during the run; its CPU time is lost")
    finally:
        pool.close()
    done = sum(counts)
    parent = after[os.getpid()] - before[os.getpid()]
    kids = sum(after[p] - before[p] for p in pids)
    return {
        "tasks_per_s": done / elapsed,
        "parent_us_per_task": 1e6 * parent / done,
        "children_us_per_task": 1e6 * kids / done,
        "query_run_us_per_task": 1e6 * sum(inside) / done,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a published store (icgraph build)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per part")
    parser.add_argument("--clients", type=int, default=8, help="concurrent requests or tasks")
    parser.add_argument(
        "--workers", type=int, help="pool children (default: ICGRAPH_QUERY_WORKERS, as served)"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))
    import load  # the load client and its helpers

    from icgraph.config import Settings
    from icgraph.query import execute, request_for, run
    from tests.api.stores import oxigraph_server

    settings = Settings()
    workers = args.workers or settings.query_workers
    version = load.published_version(Path(args.store))
    texts = load.catalogue_texts(parameter_free=True)
    requests = [
        request_for(t, base_iri=settings.base_iri, max_results=settings.max_results) for t in texts
    ]
    start_load = os.getloadavg()
    print(f"{len(texts)} parameter-free catalogue queries; load average {start_load[0]:.2f}")

    with oxigraph_server(version.db, read_only=True, union=True) as peer:
        pid = _child_named("oxigraph")
        load.load(peer.query, texts, args.clients, 1.0, 1.0)
        before = _cpu_seconds(pid)
        timed = load.load(peer.query, texts, args.clients, 0.0, args.duration)
        oxigraph = {
            "requests_per_s": timed.throughput,
            "us_per_request": 1e6 * (_cpu_seconds(pid) - before) / len(timed.latencies),
        }
    print(
        f"Oxigraph server: {oxigraph['requests_per_s']:.0f} req/s, "
        f"{oxigraph['us_per_request']:.0f} us of CPU per request (HTTP and engine)"
    )

    pool = asyncio.run(
        _pool_figures(
            version.db, requests, workers, settings.worker_memory_mb, args.clients, args.duration
        )
    )
    overhead = pool["children_us_per_task"] - pool["query_run_us_per_task"]
    print(
        f"query pool, no HTTP: {pool['tasks_per_s']:.0f} tasks/s; per task "
        f"{pool['parent_us_per_task']:.0f} us in the parent, "
        f"{pool['children_us_per_task']:.0f} us in the children, of which "
        f"{pool['query_run_us_per_task']:.0f} in query.run and {overhead:.0f} in the hand-off"
    )

    import pyoxigraph as ox

    store = ox.Store.read_only(str(version.db))
    # query.run (the cap: TSV, cut, converted to JSON) against the same evaluation written to
    # JSON directly, alternating, so the cap's share is measured in the same minute.
    spent = {"query.run": 0.0, "direct JSON": 0.0}
    done = 0
    while sum(spent.values()) < args.duration:
        for request in requests:
            start = time.process_time()
            run(store, request)
            spent["query.run"] += time.process_time() - start
            start = time.process_time()
            result = execute(store, request)
            assert isinstance(result, ox.QuerySolutions)  # the catalogue's are all SELECTs
            result.serialize(format=ox.QueryResultsFormat.JSON)
            spent["direct JSON"] += time.process_time() - start
            done += 1
    engine = {
        "us_per_query": 1e6 * spent["query.run"] / done,
        "direct_json_us_per_query": 1e6 * spent["direct JSON"] / done,
    }
    print(
        f"one thread, cores otherwise idle: query.run {engine['us_per_query']:.0f} us, "
        f"the same query written to JSON directly {engine['direct_json_us_per_query']:.0f} us"
    )
    print(
        f"per request, the pool's children spend {pool['children_us_per_task']:.0f} us and its "
        f"parent {pool['parent_us_per_task']:.0f} us before any HTTP, against Oxigraph "
        f"server's {oxigraph['us_per_request']:.0f} us in all"
    )
    if args.json:
        figures = {
            "load_average_start": start_load,
            "load_average_end": os.getloadavg(),
            "workers": workers,
            "oxigraph": oxigraph,
            "pool": pool,
            "engine": engine,
        }
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
