"""The query catalogue as an API: ``GET /queries`` lists it, ``GET /queries/<name>`` runs one.

Each catalogue query (``queries/*.rq``) gets its own documented path, with the parameters
its ``#+ params:`` header declares (type, pattern, default), so the OpenAPI description shows
what each query answers and how to narrow it. Parameters are checked by the library
(:meth:`icgraph.catalogue.CatalogueQuery.bindings`, as for the CLI) and bound with SEP-0007
substitutions, never by pasting text into the query. Results come in every SPARQL result
format, by ``Accept`` or ``format``.

Errors: an unknown query is a 404 that lists the known names; an unknown, repeated or
malformed parameter is a 400; a format nobody can produce is a 406.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from icgraph.api import openapi
from icgraph.api.answers import answer, kind_of
from icgraph.api.backends.base import Backend
from icgraph.api.errors import InvalidRequest
from icgraph.api.formats import Kind, choose, formats_for
from icgraph.catalogue import CatalogueQuery, Parameter
from icgraph.config import Settings
from icgraph.errors import ParameterError
from icgraph.query_text import inspect_query

#: Query-string names that are not query parameters.
_RESERVED = {"format"}


def _describe(entry: CatalogueQuery, request: Request) -> dict[str, Any]:
    return {
        "name": entry.name,
        "title": entry.title,
        "cq": entry.cq,
        "description": entry.description,
        "parameters": [
            {
                "name": p.name,
                "description": p.description,
                "type": p.type,
                "pattern": p.pattern,
                "default": p.default,
            }
            for p in entry.parameters
        ],
        "url": str(request.url_for(f"catalogue:{entry.name}")),
        "query": entry.text,
    }


async def run(
    entry: CatalogueQuery, request: Request, settings: Settings, backend: Backend
) -> Response:
    """Run one catalogue query with the request's parameters, in the negotiated format."""
    given = [(k, v) for k, v in request.query_params.multi_items() if k not in _RESERVED]
    try:
        bindings = entry.bindings(given)
    except ParameterError as error:
        raise InvalidRequest(error.message) from None
    info = inspect_query(entry.text)
    choice = choose(request.headers.get("accept"), request.query_params.get("format"))
    return await answer(backend, settings, entry.text, info, choice, bindings=bindings)


_FORMAT_HELP = (
    "Result format, overriding Accept: json, xml, csv, tsv (SELECT/ASK) or "
    "turtle, ntriples, jsonld, rdfxml (CONSTRUCT/DESCRIBE), or a media type."
)


def _kinds(entry: CatalogueQuery | None) -> list[Kind]:
    """The kinds of answer a catalogue path gives (every kind for the by-name path)."""
    if entry is None:
        return [Kind.SOLUTIONS, Kind.GRAPH]
    kind = kind_of(inspect_query(entry.text)) or Kind.SOLUTIONS
    return [kind]


def _format_parameter(entry: CatalogueQuery | None) -> dict[str, Any]:
    """``format`` with the values this path's query can be answered in (others are a 406)."""
    return openapi.format_parameter(_kinds(entry), _FORMAT_HELP)


def _openapi_parameter(parameter: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if parameter.type == "xsd:anyURI":
        schema["format"] = "uri"
    if parameter.pattern is not None:
        # The value is checked after normalising its case, so the schema admits both cases.
        schema["pattern"] = (
            parameter.pattern.replace("[A-Z]", "[A-Za-z]")
            if parameter.normalise
            else parameter.pattern
        )
        schema["minLength"] = 1
    if parameter.default is not None:
        schema["default"] = parameter.default
    return {
        "name": parameter.name,
        "in": "query",
        "required": False,
        "description": parameter.description,
        "schema": schema,
    }


def _responses(entry: CatalogueQuery | None) -> dict[int | str, dict[str, Any]]:
    kinds = _kinds(entry)
    content: dict[str, dict[str, Any]] = {
        f.media_type: {} for kind in kinds for f in formats_for(kind)
    }
    return {
        200: {"description": "The query's answer.", "content": content},
        400: {"description": "An unknown, repeated or malformed parameter."},
        404: {"description": "No catalogue query by that name; the body lists the known ones."},
        406: {"description": "No acceptable result format."},
        503: {"description": "The query ran past its time limit."},
    }


def _handler(entry: CatalogueQuery) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request) -> Response:
        return await run(entry, request, request.app.state.settings, request.app.state.backend)

    handler.__name__ = "run_" + entry.name.replace("-", "_")
    handler.__doc__ = entry.title
    return handler


def router_for(catalogue: dict[str, CatalogueQuery]) -> APIRouter:
    """A router with ``/queries`` and one documented path per catalogue query."""
    router = APIRouter(tags=["query catalogue"])

    @router.get("/queries", summary="List the query catalogue")
    async def list_queries(request: Request) -> JSONResponse:
        """Every catalogue query: name, title, competency question, parameters, URL, text."""
        return JSONResponse([_describe(e, request) for e in catalogue.values()])

    for entry in catalogue.values():
        description = entry.description
        if entry.cq:
            description = f"{entry.cq}. {description}"
        router.add_api_route(
            f"/queries/{entry.name}",
            _handler(entry),
            methods=["GET"],
            name=f"catalogue:{entry.name}",
            summary=entry.title,
            description=description,
            responses=_responses(entry),
            openapi_extra={
                "parameters": [*map(_openapi_parameter, entry.parameters), _format_parameter(entry)]
            },
        )

    names = list(catalogue)

    @router.get(
        "/queries/{name}",
        summary="Run a catalogue query by name",
        responses=_responses(None),
        description="Known names: " + (", ".join(names) or "none") + ".",
        openapi_extra={"parameters": [_format_parameter(None)]},
    )
    async def run_by_name(name: str, request: Request) -> Response:
        """Run the named catalogue query; its own path documents its parameters."""
        entry = catalogue.get(name)
        if entry is None:
            return PlainTextResponse(
                f"No catalogue query named {name!r}. Known: {', '.join(names) or 'none'}.\n",
                status_code=404,
            )
        return await run(entry, request, request.app.state.settings, request.app.state.backend)

    return router
