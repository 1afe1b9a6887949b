"""The query catalogue as an API: ``GET /queries`` lists it, ``GET /queries/<name>`` runs one.

Each catalogue query (``queries/*.rq``) gets its own documented path, with the parameters
its ``# param:`` header declares, so the OpenAPI description shows what each query answers
and how to narrow it. Parameters are bound with ``icgraph.query.bind_values`` (a ``VALUES``
block), never by pasting text into the query. A parameter whose description says *IRI* takes
an absolute IRI; one that says *alpha-2* takes a two-letter ISO code; any other takes a
string. Results come in every SPARQL result format, by ``Accept`` or ``format``.

Errors: an unknown query is a 404 that lists the known names; an unknown, repeated or
malformed parameter is a 400; a format nobody can produce is a 406.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from icgraph.api import openapi
from icgraph.api.answers import answer, kind_of
from icgraph.api.backends.base import Backend
from icgraph.api.errors import InvalidRequest
from icgraph.api.formats import Kind, choose, formats_for
from icgraph.query_text import inspect_query
from icgraph.catalogue import CatalogueQuery, Parameter
from icgraph.config import Settings
from icgraph.errors import InputError
from icgraph.namespaces import PREFIXES
from icgraph.query import bind_values

_ALPHA2 = re.compile(r"^[A-Za-z]{2}$")
#: Query-string names that are not query parameters.
_RESERVED = {"format"}


def parameter_kind(parameter: Parameter) -> str:
    """``"iri"``, ``"alpha2"`` or ``"string"``, read from the parameter's description."""
    words = parameter.description
    if re.search(r"\bIRI\b", words):
        return "iri"
    if "alpha-2" in words.lower():
        return "alpha2"
    return "string"


def parse_value(parameter: Parameter, raw: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a parameter value stands for; InvalidRequest (400) when it is malformed.

    >>> parse_value(Parameter("state", "An ISO 3166-1 alpha-2 code"), "es").value
    'ES'
    """
    kind = parameter_kind(parameter)
    if kind == "iri":
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", raw):
            raise InvalidRequest(
                f"parameter {parameter.name!r} must be an absolute IRI, got {raw!r}"
            )
        try:
            return ox.NamedNode(raw)
        except ValueError as error:
            raise InvalidRequest(
                f"parameter {parameter.name!r} is not a valid IRI: {error}"
            ) from None
    if kind == "alpha2":
        if not _ALPHA2.match(raw):
            raise InvalidRequest(
                f"parameter {parameter.name!r} must be an ISO 3166-1 alpha-2 "
                f"code such as ES, got {raw!r}"
            )
        return ox.Literal(raw.upper())
    return ox.Literal(raw)


def _describe(entry: CatalogueQuery, request: Request) -> dict[str, Any]:
    return {
        "name": entry.name,
        "title": entry.title,
        "cq": entry.cq,
        "description": entry.description,
        "parameters": [
            {"name": p.name, "description": p.description, "kind": parameter_kind(p)}
            for p in entry.parameters
        ],
        "url": str(request.url_for(f"catalogue:{entry.name}")),
        "query": entry.text,
    }


async def run(
    entry: CatalogueQuery, request: Request, settings: Settings, backend: Backend
) -> Response:
    """Run one catalogue query with the request's parameters, in the negotiated format."""
    declared = {p.name: p for p in entry.parameters}
    values: dict[str, ox.NamedNode | ox.Literal] = {}
    for key in request.query_params:
        if key in _RESERVED:
            continue
        if key not in declared:
            takes = ", ".join(declared) or "no parameters"
            raise InvalidRequest(
                f"query {entry.name!r} has no parameter {key!r}; it takes: {takes} (and format)"
            )
    for name, parameter in declared.items():
        given = request.query_params.getlist(name)
        if len(given) > 1:
            raise InvalidRequest(f"parameter {name!r} is given {len(given)} times; give it once")
        if given and given[0].strip():
            values[name] = parse_value(parameter, given[0].strip())
    try:
        text = bind_values(entry.text, values)
    except InputError as error:
        raise InvalidRequest(str(error)) from None
    info = inspect_query(text, PREFIXES, settings.base_iri)
    choice = choose(request.headers.get("accept"), request.query_params.get("format"))
    return await answer(backend, settings, text, info, choice)


_FORMAT_HELP = (
    "Result format, overriding Accept: json, xml, csv, tsv (SELECT/ASK) or "
    "turtle, ntriples, jsonld, rdfxml (CONSTRUCT/DESCRIBE), or a media type."
)


def _kinds(entry: CatalogueQuery | None) -> list[Kind]:
    """The kinds of answer a catalogue path gives (every kind for the by-name path)."""
    if entry is None:
        return [Kind.SOLUTIONS, Kind.GRAPH]
    kind = kind_of(inspect_query(entry.text, PREFIXES)) or Kind.SOLUTIONS
    return [kind]


def _format_parameter(entry: CatalogueQuery | None) -> dict[str, Any]:
    """``format`` with the values this path's query can be answered in (others are a 406)."""
    return openapi.format_parameter(_kinds(entry), _FORMAT_HELP)


def _openapi_parameter(parameter: Parameter) -> dict[str, Any]:
    kind = parameter_kind(parameter)
    schema: dict[str, Any] = {"type": "string"}
    if kind == "iri":
        schema["format"] = "uri"
    elif kind == "alpha2":
        schema["pattern"] = "^[A-Za-z]{2}$"
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
