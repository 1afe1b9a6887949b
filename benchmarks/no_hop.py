"""What the process hop costs the uncached facade: the pool against threads in the server.

    .venv/bin/python benchmarks/no_hop.py --store var/store [--all-queries] [--rounds 4]

An experiment, not a design. In one run, alternating slices, with ``load.py``'s client (8
keep-alive clients) and its CPU accounting, on the catalogue queries without parameters:

- **Oxigraph server** (``serve-read-only --union-default-graph``), the peer;
- **the facade as served** with its result cache off (``icgraph serve``: queries in the
  killable pool's children);
- **the same facade with no process hop**: this script starts ``icgraph serve`` with the
  pool's ``run`` replaced by a thread of the server (``asyncio.to_thread``) on a store the
  server opens read-only. That gives up what the pool is for (a query past its limit cannot
  be stopped, and one that takes the memory takes the server), so it is only ever run here,
  to see how much of the gap to Oxigraph the hop is.

See README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def serve_without_hop() -> None:
    """Run ``icgraph serve`` with every pool task run in a thread of the server instead."""
    import pyoxigraph as ox

    from icgraph.api import pool
    from icgraph.cli import main

    stores: dict[Any, ox.Store] = {}

    async def in_thread(self: pool.KillablePool, function: Any, *args: Any, timeout: float) -> Any:
        if self.store not in stores:
            stores[self.store] = ox.Store.read_only(str(self.store))
        pool.STORE = stores[self.store]  # what run_in_child reads
        return await asyncio.to_thread(function, *args)

    pool.KillablePool.run = in_thread  # type: ignore[method-assign]
    sys.argv = ["icgraph", "serve"]
    main()


def start(store: Path, hop: bool) -> tuple[subprocess.Popen[bytes], str]:
    import load

    port = load.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICGRAPH_")}
    env.update(
        ICGRAPH_STORE_PATH=str(store),
        ICGRAPH_PORT=str(port),
        ICGRAPH_HOST=load.HOST,
        ICGRAPH_RESULT_CACHE_BYTES="0",
    )
    command = [sys.executable, "-m", "icgraph", "serve"] if hop else [sys.executable, __file__]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://{load.HOST}:{port}/sparql"
    load.wait_ready(url, process)
    return process, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a published store (icgraph build)")
    parser.add_argument("--all-queries", action="store_true", help="all 34, not the 11")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--slice", type=float, default=3.0, help="seconds per target a round")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))
    import load

    from tests.api.stores import oxigraph_server

    version = load.published_version(Path(args.store))
    queries = load.catalogue_texts(parameter_free=not args.all_queries)
    print(f"{len(queries)} catalogue queries; load average {os.getloadavg()[0]:.2f}")
    with oxigraph_server(version.db, read_only=True, union=True) as peer:
        pooled, pooled_url = start(Path(args.store), hop=True)
        threaded, threaded_url = start(Path(args.store), hop=False)
        try:
            targets = {
                "Oxigraph read-only (union)": peer.query,
                "facade, pool (as served), no cache": pooled_url,
                "facade, threads in the server, no cache": threaded_url,
            }
            runs = {name: load.Run(name, [], 0, 0.0) for name in targets}
            for url in targets.values():
                load.load(url, queries, 8, 1.0, 0.1)
            for _ in range(args.rounds):
                for name, url in targets.items():
                    got = load.load(url, queries, 8, 0.2, args.slice)
                    runs[name].latencies += got.latencies
                    runs[name].errors += got.errors
                    runs[name].elapsed += got.elapsed
                    runs[name].busy += got.busy
        finally:
            load.stop(pooled)
            load.stop(threaded)
    peer_rate = runs["Oxigraph read-only (union)"].throughput
    print(f"{'target':<42}{'req/s':>8}{'ratio':>7}{'p99 ms':>8}{'CPU ms/req':>12}{'errors':>8}")
    for name, run in runs.items():
        print(
            f"{name:<42}{run.throughput:>8.0f}{run.throughput / peer_rate:>7.2f}"
            f"{run.percentile(99):>8.1f}{run.cpu_ms_per_request:>12.2f}{run.errors:>8}"
        )
    if args.json:
        figures = load._figures(runs)  # noqa: SLF001 (the same figures load.py writes)
        Path(args.json).write_text(
            json.dumps({"load_average": os.getloadavg(), "runs": figures}, indent=2)
        )


if __name__ == "__main__":
    if len(sys.argv) == 1:  # started by start() above as the server without a hop
        serve_without_hop()
    else:
        main()
