"""Build a throw-away store and run the real server on it, over a socket.

Reusable by any test (and by the benchmarks): ``build_store`` publishes files into an
on-disk pyoxigraph store with ``icgraph.store.publish``; ``running_server`` starts
``python -m icgraph serve`` (the ``icgraph serve`` command) in a child process with ``ICGRAPH_*`` settings, waits until
``/health`` answers, and stops it afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from icgraph.store import publish

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
STARTUP_LIMIT = 60.0


def build_store(path: Path, files: Mapping[str | None, Path]) -> Path:
    """Publish a store at ``path``: each file into the named graph it is keyed by.

    A key of None loads a quad format (TriG, N-Quads) with the graphs it names itself.
    """

    def fill(store: ox.Store) -> None:
        for graph, file in files.items():
            fmt = ox.RdfFormat.from_extension(file.suffix.lstrip("."))
            if graph is None:
                store.bulk_load(path=str(file), format=fmt)
            else:
                store.bulk_load(path=str(file), format=fmt, to_graph=ox.NamedNode(graph))

    publish(path, fill)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (127.0.0.1 only)
        return json.loads(response.read())  # type: ignore[no-any-return]


@contextlib.contextmanager
def running_server(
    store: Path, *, require_healthy: bool = True, **settings: object
) -> Iterator[str]:
    """Serve ``store`` on 127.0.0.1; yields the base URL (``http://127.0.0.1:PORT``).

    Keyword arguments become ``ICGRAPH_<NAME>`` variables, e.g. ``query_workers=2``;
    lists are joined with commas. With ``require_healthy=False`` a server whose /health
    answers 503 (its store is down) counts as started.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICGRAPH_")}
    env.update(
        {"ICGRAPH_STORE_PATH": str(store), "ICGRAPH_HOST": "127.0.0.1", "ICGRAPH_PORT": str(port)}
    )
    for name, value in settings.items():
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        env[f"ICGRAPH_{name.upper()}"] = str(value)
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below, after the server stops
    process = subprocess.Popen(
        [sys.executable, "-m", "icgraph", "serve"], env=env, cwd=REPO, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process, log, require_healthy)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_healthy(
    base: str, process: subprocess.Popen[bytes], log: object, require_healthy: bool = True
) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if get_json(base + "/health").get("ok"):
                return
        except urllib.error.HTTPError as error:
            if error.code == 503 and not require_healthy:
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.05)
    log.seek(0)  # type: ignore[attr-defined]
    output = log.read().decode(errors="replace")  # type: ignore[attr-defined]
    raise RuntimeError(f"server at {base} did not become healthy:\n{output}")


# --- Helpers the runtime tests share ---------------------------------------------------------

#: How long a test waits for a process to die or a server to recover before it fails.
WAIT_LIMIT = 60.0


def wait_for(predicate: Callable[[], T | None | bool], what: str, limit: float = WAIT_LIMIT) -> T:
    """Poll ``predicate`` until it returns something true, and return that; fail after ``limit``."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value  # type: ignore[return-value]
        time.sleep(0.05)
    raise AssertionError(f"timed out after {limit:g} s waiting for {what}")


def process_state(pid: int) -> str | None:
    """The process's state letter as the kernel reports it (``Z`` a zombie), or None if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (a zombie uses no CPU)."""
    return process_state(pid) not in (None, "Z")


def numbered_quads(n: int, graph: str = "http://ex.test/g") -> Callable[[ox.Store], None]:
    """A store filler for :func:`icgraph.store.publish`: ``n`` triples, so a version's size names it."""

    def fill(opened: ox.Store) -> None:
        for i in range(n):
            opened.add(
                ox.Quad(
                    ox.NamedNode(f"http://ex.test/s{i}"),
                    ox.NamedNode("http://ex.test/p"),
                    ox.Literal(i),
                    ox.NamedNode(graph),
                )
            )

    return fill
