"""Real SPARQL stores the tests start themselves: Oxigraph server and Virtuoso 7.

Each runs on 127.0.0.1, on free (non-default) ports, over a temporary folder, and is stopped
when its ``with`` block ends. ``publish_to`` loads a built store into one with
``icgraph publish``'s own code, and ``facade_over`` starts ``icgraph serve`` with the
``sparql`` backend on it. The benchmarks use them too.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from icgraph.publish import PublishResult, Target, publish

from .serving import free_port, running_server

STARTUP_LIMIT = 90.0
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?P<args>(?:[^()]|\([^()]*\))*)\)\s*AS\s*\?(?P<var>\w+)", re.I
)
_SEPARATOR = re.compile(r'separator\s*=\s*"([^"]*)"', re.I)
#: Virtuoso's Debian binary; the package is virtuoso-opensource-7-bin (.ci/run installs it).
VIRTUOSO = "virtuoso-t"


@dataclass(frozen=True)
class RemoteStore:
    """A running store: its URLs, credentials and a name for reports."""

    name: str
    query: str
    update: str
    graph_store: str | None
    user: str | None = None
    password: str | None = None
    auth: Literal["basic", "digest"] = "basic"

    @property
    def target(self) -> Target:
        return Target(
            self.query, self.update, self.graph_store, self.user, self.password, self.auth
        )


def oxigraph_binary() -> str:
    """The ``oxigraph`` command the ``oxigraph`` wheel installs beside this interpreter."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("no 'oxigraph' command: pip install -e '.[test]' installs it")
    return found


def virtuoso_available() -> bool:
    return shutil.which(VIRTUOSO) is not None


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    output = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"store at {url} did not start:\n{output[-4000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _ask_url(query_url: str) -> str:
    return query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})


@contextlib.contextmanager
def oxigraph_server(
    folder: Path, *, read_only: bool = False, timeout: float = 60, union: bool = False
) -> Iterator[RemoteStore]:
    """``oxigraph serve`` (or ``serve-read-only`` on an existing store) at ``folder``.

    ``timeout`` is the server's own query limit (``--timeout-s``): a query the facade gave up
    on stops there too, instead of running on after its client left. ``union`` makes the
    default graph the union of the named graphs (``--union-default-graph``), as a store
    serving a build without a pointer needs.
    """
    port = free_port()
    mode = "serve-read-only" if read_only else "serve"
    # Beside the process, not in ``folder``: a read-only store's folder stays as built.
    log = Path(tempfile.mkdtemp(prefix="oxigraph-log-")) / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                oxigraph_binary(),
                mode,
                "--location",
                str(folder),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                f"{timeout:g}",
                *(["--union-default-graph"] if union else []),
            ],
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(_ask_url(base + "/query"), process, log)
        yield RemoteStore("oxigraph", base + "/query", base + "/update", base + "/store")
    finally:
        _stop(process)
        shutil.rmtree(log.parent, ignore_errors=True)


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""


@contextlib.contextmanager
def virtuoso_server(folder: Path) -> Iterator[RemoteStore]:
    """Virtuoso 7 with a fresh database in ``folder``; publishing as ``dba`` (digest)."""
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(dir=folder, http_port=http_port, sql_port=sql_port), encoding="utf-8"
    )
    log = folder / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait(_ask_url(base + "/sparql"), process, folder / "virtuoso.log")
        yield RemoteStore(
            "virtuoso",
            base + "/sparql",
            base + "/sparql-auth",
            base + "/sparql-graph-crud-auth",
            user="dba",
            password="dba",  # a fresh database's; the store listens on loopback only
            auth="digest",
        )
    finally:
        _stop(process)


def publish_to(store: Path, remote: RemoteStore, **kwargs: object) -> PublishResult:
    """``icgraph publish`` of the built store at ``store`` into ``remote``."""
    return publish(store, remote.target, base_iri="https://w3id.org/icgraph/", **kwargs)  # type: ignore[arg-type]


@contextlib.contextmanager
def facade_over(remote: RemoteStore, store: Path, **settings: object) -> Iterator[str]:
    """``icgraph serve`` with the sparql backend on ``remote``; yields its base URL.

    ``store`` only places the dumps folder (``<store>/../dumps``); nothing reads the store.
    """
    with running_server(store, backend="sparql", sparql_endpoint=remote.query, **settings) as base:
        yield base


# --- comparing answers across stores (see tests/api/test_remote_stores.py) ----------------


def concat_columns(text: str) -> dict[str, str]:
    """``{column: separator}`` of the columns a GROUP_CONCAT fills."""
    found = {}
    for match in _CONCAT.finditer(text):
        separator = _SEPARATOR.search(match["args"])
        found[match["var"]] = separator[1] if separator else " "
    return found


def normalised(bindings: list[dict[str, dict[str, str]]], concat: dict[str, str]) -> list[str]:
    """SPARQL JSON rows as sorted strings, with only what SPARQL leaves to the engine made
    alike: blank node labels, xsd:boolean lexical forms, and GROUP_CONCAT columns (value
    order, a common language tag, "" for a group without value)."""
    out = []
    for row in bindings:
        clean: dict[str, object] = {}
        for name, term in row.items():
            term = dict(term)
            if term["type"] == "typed-literal":
                term["type"] = "literal"
            if term["type"] == "bnode":
                term["value"] = "_"
            if term.get("datatype") == BOOLEAN:
                term["value"] = {"1": "true", "0": "false"}.get(term["value"], term["value"])
            if name in concat:
                if term["value"] == "":
                    continue
                items = sorted(term["value"].split(concat[name]))
                clean[name] = {"type": "literal", "values": items}
                continue
            clean[name] = term
        out.append(json.dumps(clean, sort_keys=True))
    return sorted(out)
