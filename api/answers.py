"""Running a checked query on the backend and turning its result into an HTTP answer.

Shared by the SPARQL endpoint and the catalogue routes, so both negotiate, cap and label a
truncated answer the same way.
"""

from __future__ import annotations

from fastapi import Response

from icgraph.api.backends.base import Backend, Dataset, NotAcceptable, QueryRequest
from icgraph.api.formats import Choice, Kind
from icgraph.query_text import QueryInfo
from icgraph.config import Settings

#: The kind of answer each query form gives.
KIND_OF_FORM = {
    "SELECT": Kind.SOLUTIONS,
    "ASK": Kind.BOOLEAN,
    "CONSTRUCT": Kind.GRAPH,
    "DESCRIBE": Kind.GRAPH,
}


def kind_of(info: QueryInfo) -> Kind | None:
    """What a query returns, if its form is known."""
    return KIND_OF_FORM.get(info.form or "")


async def answer(
    backend: Backend,
    settings: Settings,
    query: str,
    info: QueryInfo,
    choice: Choice,
    *,
    timeout: float | None = None,
    dataset: Dataset | None = None,
) -> Response:
    """Run ``query`` within the server's limits and answer in the negotiated format.

    ``timeout`` may only shorten the server's limit. A cut answer carries
    ``X-SPARQL-MaxRows`` and a ``Warning`` header saying so.
    """
    kind = kind_of(info)
    if kind is not None and choice.for_kind(kind) is None:
        raise NotAcceptable(kind)
    limit = settings.query_timeout
    result = await backend.query(
        QueryRequest(
            query=query,
            info=info,
            formats=choice,
            timeout=min(timeout, limit) if timeout else limit,
            max_results=settings.max_results,
            dataset=dataset if dataset is not None else Dataset(),
            base_iri=settings.base_iri,
        )
    )
    headers = {"Vary": "Accept"}
    if result.truncated:
        cap = settings.max_results
        headers["X-SPARQL-MaxRows"] = str(cap)
        headers["Warning"] = (
            f'199 icgraph "results truncated to the first {cap} of more; '
            'add LIMIT and OFFSET to page through them"'
        )
    return Response(result.body, media_type=result.media_type, headers=headers)
