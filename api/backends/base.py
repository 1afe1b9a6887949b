"""The seam between the HTTP routes and whatever answers queries.

Routes build a :class:`QueryRequest` and get a :class:`QueryResult` back: bytes already
serialised in a negotiated format. Nothing here knows which engine runs the query, so the
embedded pyoxigraph pool and a remote SPARQL 1.1 endpoint are interchangeable.

A backend reports failures with the exceptions of :mod:`icgraph.errors`
(``QuerySyntaxError``, ``QueryTimeout``, ``QueryRefused``) or those below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from icgraph.api.formats import Choice, Kind
from icgraph.query_text import QueryInfo


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a request names with ``default-graph-uri`` / ``named-graph-uri``."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        """True when the request names a dataset, which then overrides the query's own."""
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class QueryRequest:
    """One query to run, with everything the protocol lets a client say about it."""

    query: str
    info: QueryInfo
    formats: Choice
    timeout: float
    max_results: int
    dataset: Dataset = field(default_factory=Dataset)
    #: The base IRI relative IRIs in the query resolve against.
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryResult:
    """A serialised answer."""

    body: bytes
    media_type: str
    kind: Kind
    #: True when the answer was cut at ``max_results`` rows or triples.
    truncated: bool = False


class NotAcceptable(Exception):
    """The query's answer cannot be written in any format the client accepts."""

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.kind = kind


class BackendUnavailable(Exception):
    """The backend could not answer (a worker died, the remote endpoint is down)."""


@runtime_checkable
class Backend(Protocol):
    """What the routes need from a query engine."""

    #: A short name for health reports, e.g. ``"embedded"``.
    name: str

    async def start(self) -> None:
        """Get ready to answer; raise if that is impossible (e.g. no store)."""

    async def close(self) -> None:
        """Release processes and connections."""

    async def query(self, request: QueryRequest) -> QueryResult:
        """Run one query and return its serialised answer."""

    def health(self) -> dict[str, Any]:
        """A small JSON-able report; must include ``"ok": bool``."""
