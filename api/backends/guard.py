"""The facade's policy, checked in front of every backend, whichever route asks.

The SPARQL endpoint checks its queries before they reach the backend; the catalogue, the
pages and the documents send queries of their own, which this wrapper checks the same way:
no update of any kind, and no SERVICE call to an endpoint off the operator's allow-list
(ICGRAPH_SERVICE_ALLOWLIST). So a catalogue file that names a SERVICE cannot make the server
call out, over the embedded store or a remote one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from icgraph.api.backends.base import Backend, QueryRequest, QueryResult
from icgraph.errors import QueryRefused
from icgraph.namespaces import PREFIXES
from icgraph.query_text import inspect_query


def refusal(request: QueryRequest, allowlist: frozenset[str]) -> str | None:
    """Why the facade will not run a request, or None."""
    query = request.query
    prefixes = PREFIXES if query.predeclared_prefixes else {}
    info = inspect_query(query.text, prefixes, query.base_iri)
    if info.is_update:
        return "SPARQL Update is not accepted: this endpoint is read-only"
    for endpoint in info.service_endpoints:
        if endpoint is None:
            return (
                "SERVICE is refused: its endpoint is a variable or cannot be resolved, and only "
                "endpoints on the operator's allow-list (ICGRAPH_SERVICE_ALLOWLIST) may be called"
            )
        if endpoint not in allowlist:
            return (
                f"SERVICE <{endpoint}> is refused: federated queries may only call endpoints on "
                "the operator's allow-list (ICGRAPH_SERVICE_ALLOWLIST)"
            )
    return None


class GuardedBackend:
    """Refuses updates and unlisted SERVICE calls before the inner backend sees them."""

    def __init__(self, inner: Backend, allowlist: list[str]) -> None:
        self.inner = inner
        self.name = inner.name
        self.allowlist = frozenset(allowlist)

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    def health(self) -> dict[str, Any]:
        return self.inner.health()

    async def probe(self) -> None:
        probe = getattr(self.inner, "probe", None)
        if probe is not None:
            await probe()

    @property
    def version(self) -> str | None:
        return self.inner.version

    def dumps(self) -> Path | None:
        return self.inner.dumps()

    async def query(self, request: QueryRequest) -> QueryResult:
        why = refusal(request, self.allowlist)
        if why is not None:
            raise QueryRefused(why)
        return await self.inner.query(request)
