"""Running a checked query on the backend and turning its answer into an HTTP response.

Shared by the SPARQL endpoint, the catalogue routes and the pages, so all of them build the
library's query request the same way (the graph's base IRI, the result cap, the dataset) and
label a truncated answer the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Response

from icgraph.api.backends.base import Backend, Dataset, NotAcceptable, QueryRequest
from icgraph.config import Settings
from icgraph.formats import KIND_OF_FORM, Choice, Kind
from icgraph.query import Answer, Term, request_for
from icgraph.query_text import QueryInfo


def kind_of(info: QueryInfo) -> Kind | None:
    """What a query returns, if its form is known."""
    return KIND_OF_FORM.get(info.form or "")


async def run_query(
    backend: Backend,
    settings: Settings,
    query: str,
    choice: Choice,
    *,
    info: QueryInfo | None = None,
    timeout: float | None = None,
    dataset: Dataset | None = None,
    bindings: Mapping[str, Term] | None = None,
) -> Answer:
    """Run ``query`` within the server's limits; ``timeout`` may only shorten the limit."""
    if info is not None:
        kind = kind_of(info)
        if kind is not None and choice.for_kind(kind) is None:
            raise NotAcceptable(kind)
    limit = settings.query_timeout
    dataset = dataset if dataset is not None else Dataset()
    request = request_for(
        query,
        base_iri=settings.base_iri,
        bindings=bindings,
        formats=choice,
        max_results=settings.max_results,
        default_graphs=dataset.default_graphs if dataset.given else None,
        named_graphs=dataset.named_graphs if dataset.given else None,
    )
    return await backend.query(
        QueryRequest(request, timeout=min(timeout, limit) if timeout else limit)
    )


def respond(answer: Answer, settings: Settings) -> Response:
    """The HTTP response for an answer; a cut one carries ``X-SPARQL-MaxRows`` and a Warning."""
    headers = {"Vary": "Accept"}
    if answer.truncated:
        cap = settings.max_results
        headers["X-SPARQL-MaxRows"] = str(cap)
        headers["Warning"] = (
            f'199 icgraph "results truncated to the first {cap} of more; '
            'add LIMIT and OFFSET to page through them"'
        )
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def answer(
    backend: Backend,
    settings: Settings,
    query: str,
    info: QueryInfo,
    choice: Choice,
    *,
    timeout: float | None = None,
    dataset: Dataset | None = None,
    bindings: Mapping[str, Term] | None = None,
) -> Response:
    """Run ``query`` within the server's limits and answer in the negotiated format."""
    result = await run_query(
        backend,
        settings,
        query,
        choice,
        info=info,
        timeout=timeout,
        dataset=dataset,
        bindings=bindings,
    )
    # ETag, Last-Modified and 304s come from the store version (icgraph.api.caching).
    return respond(result, settings)
