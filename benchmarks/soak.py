"""Soak the served site: many clients for a while over a mix of real requests.

    python benchmarks/soak.py [--clients 32] [--seconds 60] [--runs 2] [--store PATH]

Starts ``icgraph serve`` on the published store (ICGRAPH_STORE_PATH or the per-user store,
built first if missing) on a free loopback port, then runs ``--runs`` rounds of ``--clients``
keep-alive clients for ``--seconds`` each, over the catalogue queries, ``/id/`` documents and
``/states/`` pages. Prints per round: requests, errors (non-2xx or failed), throughput,
p50/p99 latency, and the resident memory of the server and its children before and after, so
that a leak shows as RSS growing from one round to the next.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from icgraph.catalogue import load_catalogue
from icgraph.config import Settings

STATES = ["ES", "PT", "AD", "BG", "NO", "SE", "GB", "IT", "RU", "CY"]
IDS = [f"/id/state/{code}" for code in STATES] + [
    "/id/actor/pt/high-commission-for-migration",
    "/id/instrument/al/law-96-2017",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
        stack.extend(int(c) for c in children)
    return total


def _paths(settings: Settings) -> list[str]:
    catalogue = [f"/queries/{name}" for name in load_catalogue(settings.queries_dir)]
    pages = [f"/states/{code}" for code in STATES]
    return catalogue + IDS + pages


async def _round(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    cycle = itertools.cycle(paths)

    async def client(offset: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(offset):
                next(cycle)
            while time.monotonic() < deadline:
                path = next(cycle)
                start = time.perf_counter()
                try:
                    response = await http.get(path)
                    if response.status_code >= 300:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - start)

    started = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "req_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1e3,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    port = _free_port()
    env = {**os.environ, "ICGRAPH_PORT": str(port), "ICGRAPH_HOST": "127.0.0.1"}
    if args.store is not None:
        env["ICGRAPH_STORE_PATH"] = str(args.store)
    server = subprocess.Popen(
        [sys.executable, "-m", "icgraph", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        paths = _paths(settings)
        print(
            f"load {os.getloadavg()[0]:.2f}; {args.clients} clients x {args.seconds:g} s; {len(paths)} paths"
        )
        print(
            f"{'run':>3} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'RSS before':>11} {'RSS after':>10}"
        )
        for run in range(1, args.runs + 1):
            before = _rss_kib(server.pid)
            figures = asyncio.run(_round(base, paths, args.clients, args.seconds))
            after = _rss_kib(server.pid)
            print(
                f"{run:>3} {figures['requests']:>9.0f} {figures['errors']:>6.0f} {figures['req_per_s']:>8.1f} "
                f"{figures['p50_ms']:>7.1f} {figures['p99_ms']:>7.1f} {before / 1024:>9.0f} MB {after / 1024:>8.0f} MB"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
