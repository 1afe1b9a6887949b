"""Fixtures for the API tests: a small store, listeners, one real server over a socket, and an
in-process client of the app on the real graph."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from icgraph.api.app import create_app
from icgraph.config import Settings

from ..paths import ROOT
from .serving import build_store, running_server

FIXTURE = Path(__file__).resolve().parent / "data" / "fixture.trig"

#: Settings of the shared test server; tests that check limits read them from here.
MAX_RESULTS = 50
MAX_BODY_BYTES = 20_000
CORS_ORIGIN = "https://yasgui.example"


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture graph, published into an on-disk store."""
    return build_store(tmp_path_factory.mktemp("api-store") / "store", {None: FIXTURE})


@dataclass
class Listener:
    """A TCP listener that records whether anything connected to it."""

    sock: socket.socket
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}/sparql"

    def poll(self) -> list[tuple[str, int]]:
        """Accept whatever is waiting, without blocking."""
        self.sock.setblocking(False)
        while True:
            try:
                conn, address = self.sock.accept()
            except BlockingIOError:
                return self.connections
            conn.close()
            self.connections.append(address)


@pytest.fixture(scope="session")
def silent_listener() -> Iterator[Listener]:
    """A local port a SERVICE clause may name; the endpoint must never connect to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield Listener(sock)
    sock.close()


class _SparqlStub(http.server.BaseHTTPRequestHandler):
    """Answers every request with one solution binding ?remote, like a SPARQL endpoint."""

    calls: list[str] = []
    body = b'{"head":{"vars":["remote"]},"results":{"bindings":[{"remote":{"type":"literal","value":"from the allowed endpoint"}}]}}'

    def _answer(self) -> None:
        _SparqlStub.calls.append(self.command)
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def allowed_endpoint() -> Iterator[tuple[str, list[str]]]:
    """A stub SPARQL endpoint on the allow-list; yields its URL and the calls it received."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SparqlStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", _SparqlStub.calls
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def api_server(fixture_store: Path, allowed_endpoint: tuple[str, list[str]]) -> Iterator[str]:
    """The real server on the fixture store; yields its base URL."""
    with running_server(
        fixture_store,
        query_workers=2,
        query_timeout=30,
        max_results=MAX_RESULTS,
        max_body_bytes=MAX_BODY_BYTES,
        service_allowlist=[allowed_endpoint[0]],
        cors_origins=[CORS_ORIGIN],
    ) as base:
        yield base


@pytest.fixture(scope="session")
def catalogue_server(api_server: str) -> str:
    """The server the real-client tests query: the fixture graph for now.

    Point this at a server on the real store (``running_server(store_path)``) together with
    the real catalogue in ``catalogue_cases.CASES``.
    """
    return api_server


@pytest.fixture(scope="session")
def endpoint(api_server: str) -> str:
    return api_server + "/sparql"


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[TestClient]:
    """The app on the real graph (built once per session), with its worker processes."""
    settings = Settings(root=ROOT, store_path=store_path, query_workers=2)
    with TestClient(create_app(settings)) as test_client:
        yield test_client
