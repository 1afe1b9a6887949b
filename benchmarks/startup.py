"""Time from ``icgraph serve`` to the first answered query, on an existing store.

    .venv/bin/python benchmarks/startup.py [--store PATH] [--runs 3]

Starts ``python -m icgraph.cli serve --port P`` (exactly what the ``icgraph serve`` script
runs), polls ``GET /sparql?query=ASK{}`` every 10 ms on 127.0.0.1 and prints the seconds until
the first 200, for each run and their median. Without an existing store, ``icgraph serve``
builds one first, which this measures too; pass --store to time a warm start.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def time_start(store: str | None, limit: float) -> float:
    port = free_port()
    env = dict(os.environ)
    if store:
        env["ICGRAPH_STORE_PATH"] = store
    url = f"http://127.0.0.1:{port}/sparql?query=ASK%20%7B%7D"
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "icgraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.monotonic() - start < limit:
            if process.poll() is not None:
                sys.exit(f"icgraph serve exited with {process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return time.monotonic() - start
            except OSError:
                time.sleep(0.01)
        sys.exit(f"no answer within {limit:.0f} s")
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="ICGRAPH_STORE_PATH for the server")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=300.0, help="give up after this long")
    args = parser.parse_args()
    times = [time_start(args.store, args.limit) for _ in range(max(1, min(args.runs, 10)))]
    print("runs:", ", ".join(f"{t:.2f} s" for t in times))
    print(f"icgraph serve to first answer: median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
