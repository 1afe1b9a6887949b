"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: query by GET or POST, read-only.

The handlers read parameters straight from the request (no FastAPI validation) so that
every malformed request gets the protocol's status and a plain sentence, and so that the
hot path stays short. Nothing here knows which engine answers: it speaks to a ``Backend``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.templating import Jinja2Templates
from rdflib import Graph
from starlette.routing import Route

from icgraph.api import openapi, service_description
from icgraph.api.answers import answer
from icgraph.api.backends.base import Backend, NotAcceptable
from icgraph.api.errors import InvalidRequest, ProtocolError
from icgraph.api.formats import Format, Kind, best_offer, choose, formats_for
from icgraph.api.links import for_request
from icgraph.api.protocol import READ_ONLY, Operation, from_get, from_post, parse_form
from icgraph.config import Settings
from icgraph.errors import QueryRefused
from icgraph.namespaces import PREFIXES
from icgraph.query_limits import QueryLimits
from icgraph.query_text import inspect_query

router = APIRouter(tags=["sparql"])
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")

#: Media types of the service description page, offered after the RDF formats so that
#: ``*/*`` and RDF clients keep getting RDF.
HTML_TYPES = ("text/html", "application/xhtml+xml")


_ALL_KINDS = (Kind.SOLUTIONS, Kind.BOOLEAN, Kind.GRAPH)
_FORMAT_HELP = (
    "Result format, overriding Accept: json, xml, csv, tsv (SELECT, ASK), turtle (also n3), "
    "ntriples, jsonld, rdfxml (CONSTRUCT, DESCRIBE, the service description), or a media type. "
    "It may be given more than once if every value names the same format. A format the query "
    "form cannot have (csv for a CONSTRUCT) is a 406."
)
_COMMON_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "description": "A graph of the default graph (repeatable); overrides FROM. Without it "
        "and without FROM, the default graph is the union of all named graphs.",
        "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "description": "A named graph of the dataset (repeatable); overrides FROM NAMED.",
        "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "timeout",
        "in": "query",
        "required": False,
        "description": "Seconds the query may run: capped by the server's limit, and at "
        "least 1 (a smaller value counts as 1).",
        "schema": {"type": "number", "exclusiveMinimum": 0},
    },
]
_RESULT_TYPES = [f.media_type for kind in _ALL_KINDS for f in formats_for(kind)]


def _responses(page: bool) -> dict[int | str, dict[str, Any]]:
    media_types = [*_RESULT_TYPES, *(["text/html"] if page else [])]
    what = "the service description (RDF; an HTML page for browsers)" if page else ""
    return {
        200: {
            "description": "Query results (SELECT/ASK: SPARQL JSON, XML, CSV, TSV; "
            "CONSTRUCT/DESCRIBE: Turtle, N-Triples, JSON-LD, RDF/XML)"
            + (f", or without a query {what}" if page else "")
            + ". A header X-SPARQL-MaxRows says the results were cut at the server's "
            "result cap.",
            "content": openapi.content(media_types),
        },
        400: openapi.error(
            "Malformed request or query syntax error (with line and column), a SERVICE "
            "endpoint that is not allowed, or format values that disagree."
        ),
        403: openapi.error("SPARQL Update: this endpoint is read-only."),
        406: openapi.error(
            "No acceptable result format for this query form (the body lists those there are)."
        ),
        413: openapi.error("Request body over the server's cap."),
        415: openapi.error("POST with a media type that is not a query."),
        503: openapi.error("The query ran past its time limit and was stopped."),
    }


_GET_OPENAPI: dict[str, Any] = {
    "parameters": [
        {
            "name": "query",
            "in": "query",
            "required": False,
            "description": "The SPARQL query. Without it, the service description is returned.",
            "schema": {"type": "string"},
        },
        *_COMMON_PARAMETERS,
        openapi.format_parameter(
            _ALL_KINDS,
            _FORMAT_HELP + " Without a query, html gives the service description as a page.",
            extra=("html", *HTML_TYPES),
        ),
    ],
}
# The form names only the query: the other parameters may come in the form or in the URL,
# but documenting them twice makes clients send both.
_POST_OPENAPI: dict[str, Any] = {
    "parameters": [*_COMMON_PARAMETERS, openapi.format_parameter(_ALL_KINDS, _FORMAT_HELP)],
    "requestBody": {
        "required": True,
        "description": "The query, as a form (query=..., and optionally the parameters above) "
        "or as the body itself (application/sparql-query).",
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {"query": {"type": "string"}},
                }
            },
            "application/sparql-query": {"schema": {"type": "string"}},
        },
    },
}


def _url_params(request: Request) -> tuple[tuple[str, str], ...]:
    raw: bytes = request.scope["query_string"]
    return _parse_query_string(raw) if len(raw) <= 8192 else _parse_query_string.__wrapped__(raw)


@lru_cache(maxsize=512)
def _parse_query_string(raw: bytes) -> tuple[tuple[str, str], ...]:
    """Parsed once per distinct query string: catalogue queries arrive again and again."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("the query string is not valid UTF-8") from None
    return tuple(parse_form(text))


# The handlers take only the Request and read settings and backend from app.state (what
# api.deps does) directly: FastAPI's dependency solving was 40 % of a cached answer's time.


@router.get(
    "/sparql",
    response_class=Response,
    responses=_responses(page=True),
    openapi_extra=_GET_OPENAPI,
)
async def sparql_get(request: Request) -> Response:
    """Run a SPARQL query given as ?query=, or return the service description without one."""
    state = request.app.state
    return await _answer(request, from_get(_url_params(request)), state.settings, state.backend)


@router.post(
    "/sparql",
    response_class=Response,
    responses=_responses(page=False),
    openapi_extra=_POST_OPENAPI,
)
async def sparql_post(request: Request) -> Response:
    """Run a SPARQL query sent as a form (query=...) or as application/sparql-query."""
    operation = from_post(
        _url_params(request), request.headers.get("content-type"), await request.body()
    )
    state = request.app.state
    return await _answer(request, operation, state.settings, state.backend)


# OPTIONS too: its Allow must name both methods, which two separate routes would not.
@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH", "OPTIONS"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    """Refuse methods the protocol does not define for queries."""
    raise ProtocolError(
        f"method {request.method} is not allowed on the SPARQL endpoint; use GET or POST",
        status=405,
        headers={"Allow": "GET, POST"},
    )


def plain_routes() -> list[Route]:
    """``GET /sparql`` (and ``/sparql/``) as plain Starlette routes, to be matched first.

    FastAPI's request handling solves the route's dependencies on every request, and parses
    the whole query string into ``request.query_params`` while doing so, though the handler
    takes only the Request: on an uncached query that was as much of the server's time as
    the handler itself (benchmarks/profile_queries.py). Starlette's route calls the same
    handler, and the app's exception handlers still answer what it raises; the FastAPI route
    stays, for the OpenAPI description.
    """
    routes = []
    for path in ("/sparql", "/sparql/"):
        route = Route(path, sparql_get, methods=["GET"], include_in_schema=False)
        route.methods = {"GET"}  # Starlette adds HEAD; the documented route answers GET only
        routes.append(route)
    return routes


# The W3C manifest and some clients use a trailing slash; answer there too, undocumented.
router.add_api_route("/sparql/", sparql_get, methods=["GET"], include_in_schema=False)
router.add_api_route("/sparql/", sparql_post, methods=["POST"], include_in_schema=False)
router.add_api_route(
    "/sparql/", sparql_other, methods=["PUT", "DELETE", "PATCH", "OPTIONS"], include_in_schema=False
)


async def _answer(
    request: Request, operation: Operation, settings: Settings, backend: Backend
) -> Response:
    accept = request.headers.get("accept")
    if operation.query is None:
        if wants_page(accept, operation.format):
            return await _service_page(request, settings, backend)
        graph_format = choose(accept, operation.format).graph
        return await _service_description(request, graph_format, settings, backend)
    choice = choose(accept, operation.format)
    # Relative IRIs resolve against the graph's own base, so <id/state/AT> works. The
    # tokenizer refuses a query past the operator's limits before any engine sees it.
    limits = QueryLimits.from_settings(settings)
    info = inspect_query(operation.query, PREFIXES, settings.base_iri, limits=limits)
    if info.is_update:
        raise ProtocolError(READ_ONLY, status=403)
    allowed = settings.service_allowlist
    refused = [e for e in info.service_endpoints if e is None or e not in allowed]
    if refused:
        raise QueryRefused(_service_refusal(refused[0]))
    return await answer(
        backend,
        settings,
        operation.query,
        info,
        choice,
        timeout=operation.timeout,
        dataset=operation.dataset,
    )


def _service_refusal(endpoint: str | None) -> str:
    if endpoint is None:
        return (
            "SERVICE is refused: its endpoint is a variable or cannot be resolved, and only "
            "endpoints on the operator's allow-list (ICGRAPH_SERVICE_ALLOWLIST) may be called"
        )
    return (
        f"SERVICE <{endpoint}> is refused: federated queries may only call endpoints on the "
        "operator's allow-list (ICGRAPH_SERVICE_ALLOWLIST)"
    )


_STATS_LOCK = "sd_stats_lock"


def wants_page(accept: str | None, format_key: str | None) -> bool:
    """True when a request for the service description ranks HTML first (a browser).

    >>> wants_page("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None)
    True
    >>> wants_page("*/*", None), wants_page(None, None), wants_page("text/turtle", None)
    (False, False, False)
    >>> wants_page("text/html", "turtle"), wants_page(None, "html")
    (False, True)
    """
    if format_key:
        return format_key.strip().lower() in ("html", *HTML_TYPES)
    if not accept:
        return False
    offers = [(f.media_type, *f.aliases) for f in formats_for(Kind.GRAPH)]
    return best_offer(accept, [*offers, HTML_TYPES]) == len(offers)


async def _description(request: Request, settings: Settings, backend: Backend) -> Graph:
    """The service description graph for this request's endpoint URL (statistics cached)."""
    state = request.app.state
    if not hasattr(state, _STATS_LOCK):
        setattr(state, _STATS_LOCK, asyncio.Lock())
    async with getattr(state, _STATS_LOCK):
        if getattr(state, "sd_stats", None) is None:
            state.sd_stats = await service_description.statistics(backend, settings.query_timeout)
    endpoint = str(request.url.replace(query=""))
    return service_description.describe(
        endpoint, state.sd_stats, federated=bool(settings.service_allowlist)
    )


async def _service_description(
    request: Request, fmt: Format | None, settings: Settings, backend: Backend
) -> Response:
    if fmt is None:
        raise NotAcceptable(Kind.GRAPH)
    graph = await _description(request, settings, backend)
    return Response(
        service_description.serialize(graph, fmt),
        media_type=fmt.media_type,
        headers={"Vary": "Accept"},
    )


async def _service_page(request: Request, settings: Settings, backend: Backend) -> Response:
    graph = await _description(request, settings, backend)
    readable = service_description.readable(graph)
    links = for_request(request)
    # The description names the canonical IRIs; the page links where this server answers.
    readable = dataclasses.replace(
        readable,
        endpoint=str(request.url.replace(query="")),
        dumps=tuple(links.href(d) for d in readable.dumps),
    )
    limits = {
        "timeout": f"{settings.query_timeout:g}",
        "results": f"{settings.max_results:,}",
        "body": f"{settings.max_body_bytes:,}",
    }
    return TEMPLATES.TemplateResponse(
        request,
        "sparql.html.j2",
        {
            "sd": readable,
            "limits": limits,
            "rdf_formats": formats_for(Kind.GRAPH),
        },
        headers={"Vary": "Accept"},
    )
