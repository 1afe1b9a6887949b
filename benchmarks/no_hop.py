"""What the process hop costs the uncached facade: the pool against threads in the server.

    .venv/bin/python benchmarks/no_hop.py --store var/store [--all-queries] [--rounds 4]
        [--slice 3] [--clients 8] [--json out.json]

An experiment, not a design. In one run, ``--rounds`` turns of ``--slice`` seconds per target,
alternating, with ``load.py``'s client (``--clients`` keep-alive clients) and its CPU
accounting, on the catalogue queries without parameters (``--all-queries``: all of them):

- **Oxigraph server** (``serve-read-only --union-default-graph``), the peer;
- **the facade as served** with its result cache off (``icgraph serve``: queries in the
  killable pool's children);
- **the same facade with no process hop**: this script starts itself as ``icgraph serve``
  (with the internal argument ``--serve-without-hop``), the pool's ``run`` replaced by a
  thread of the server (``asyncio.to_thread``) on a store the server opens read-only. That gives up what the pool is for (a query past its limit cannot
  be stopped, and one that takes the memory takes the server), so it is only ever run here,
  to see how much of the gap to Oxigraph the hop is.

See README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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


#: The argument that makes this script the server without a hop (given by main, never by hand).
SERVE = "--serve-without-hop"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a published store (icgraph build)")
    parser.add_argument("--all-queries", action="store_true", help="all 34, not the 11")
    parser.add_argument("--rounds", type=int, default=4, help="turns each target takes")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients")
    parser.add_argument("--slice", type=float, default=3.0, help="seconds per target a round")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))
    import load

    from icgraph.config import Settings
    from tests.api.stores import oxigraph_server

    workers = Settings().query_workers  # what icgraph serve runs
    version = load.published_version(Path(args.store))
    queries = load.catalogue_texts(parameter_free=not args.all_queries)
    start_load = os.getloadavg()
    print(f"{len(queries)} catalogue queries; load average {start_load[0]:.2f}")
    with oxigraph_server(version.db, read_only=True, union=True) as peer:
        pooled, pooled_url = load.start_facade(Path(args.store), workers, cache=False)
        threaded, threaded_url = load.start_facade(
            Path(args.store), workers, cache=False, command=[sys.executable, __file__, SERVE]
        )
        load.wait_ready(pooled_url, pooled)
        load.wait_ready(threaded_url, threaded)
        try:
            targets = {
                "Oxigraph read-only (union)": peer.query,
                "facade, pool (as served), no cache": pooled_url,
                "facade, threads in the server, no cache": threaded_url,
            }
            runs = {name: load.Run(name, [], 0, 0.0) for name in targets}
            for url in targets.values():  # warm-up
                asyncio.run(load.drive(url, queries, args.clients, 1.0))
            for _ in range(args.rounds):
                for name, url in targets.items():
                    # Each slice opens new connections: 0.2 s of them untimed, then the slice.
                    asyncio.run(load.drive(url, queries, args.clients, 0.2))
                    runs[name].add(asyncio.run(load.drive(url, queries, args.clients, args.slice)))
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
        figures = {
            "load_average_start": start_load,
            "load_average_end": os.getloadavg(),
            "runs": load.figures(runs),
        }
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == [SERVE]:  # started by main() as the server without a hop
        serve_without_hop()
    else:
        main()
