"""The seam between the HTTP routes and whatever answers queries.

Routes build a :class:`QueryRequest` (the library's :class:`icgraph.query.QueryRequest` and a
time limit) and get the library's :class:`icgraph.query.Answer` back: bytes already serialised
in a negotiated format. Nothing here knows which engine runs the query, so the
embedded pyoxigraph pool and a remote SPARQL 1.1 endpoint are interchangeable.

A backend reports failures with the exceptions of :mod:`icgraph.errors`
(``QuerySyntaxError``, ``QueryTimeout``, ``QueryRefused``) or those below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from icgraph.errors import UnacceptableFormat
from icgraph.query import Answer
from icgraph.query import QueryRequest as Query

#: 406: no acceptable format for the answer's kind (the library's error, re-exported).
NotAcceptable = UnacceptableFormat

#: What a backend returns: the library's serialised answer.
QueryResult = Answer


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
    """One query to run: the library's request, plus how long the facade lets it take."""

    query: Query
    timeout: float


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

    @property
    def version(self) -> str | None:
        """The id of the store version answering now; ETags and the cache are keyed on it."""

    def dumps(self) -> Path | None:
        """The served version's dump files, when this backend has them on local disk."""
