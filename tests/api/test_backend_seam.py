"""The routes speak only to the Backend interface: a fake backend serves them unchanged."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from icgraph.api.app import create_app
from icgraph.api.backends import Backend, QueryRequest, QueryResult
from icgraph.api.formats import Kind
from icgraph.config import Settings
from icgraph.errors import QueryTimeout


class FakeBackend:
    """Answers every SELECT with a fixed TSV-derived body; records what it was asked."""

    name = "fake"
    version = None

    def __init__(self) -> None:
        self.requests: list[QueryRequest] = []
        self.started = self.closed = False

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.closed = True

    async def query(self, request: QueryRequest) -> QueryResult:
        self.requests.append(request)
        if "slow" in request.query.text:
            raise QueryTimeout(f"query timed out after {request.timeout:g} s and was stopped")
        fmt = request.query.formats.for_kind(Kind.SOLUTIONS)
        assert fmt is not None
        return QueryResult(b"?x\n1\n", fmt, Kind.SOLUTIONS, truncated=True)

    def health(self) -> dict[str, Any]:
        return {"ok": self.started and not self.closed}

    def dumps(self) -> None:
        return None


def test_fake_backend_serves_the_routes(tmp_path) -> None:  # noqa: ANN001
    fake = FakeBackend()
    assert isinstance(fake, Backend)
    settings = Settings(store_path=tmp_path / "none", query_timeout=5, max_results=7)
    with TestClient(create_app(settings, backend=fake)) as client:
        health = client.get("/health").json()
        assert (health["backend"], health["ok"], health["status"]) == ("fake", True, "ok")
        r = client.get(
            "/sparql",
            params={"query": "SELECT ?x {}", "timeout": "2", "default-graph-uri": "http://g/1"},
            headers={"accept": "text/tab-separated-values"},
        )
        assert r.status_code == 200
        assert r.content == b"?x\n1\n"
        assert r.headers["x-sparql-maxrows"] == "7"
        asked = fake.requests[-1]
        assert asked.timeout == 2 and asked.query.max_results == 7
        assert asked.query.default_graphs == ("http://g/1",)
        assert asked.query.base_iri == settings.base_iri
        timeout = client.get("/sparql", params={"query": "SELECT ?slow {}"})
        assert timeout.status_code == 503
        assert "timed out after 5 s" in timeout.text
    assert fake.closed
