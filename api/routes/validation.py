"""Validation reports over HTTP.

``GET /validation`` serves the SHACL report of the published graph (framework completeness,
recommendation gaps, integrity) in the format the client negotiates: Turtle (the
``sh:ValidationReport``), JSON, CSV, the heatmap (PNG, SVG), or HTML: a page of the site in
plain words (``api/validation_page.py``) with the research figures. The report is the named
graph ``graph/validation`` the build published, read through the Backend with the data and
shapes it describes (so it is the same over a remote store), once per store version.

``POST /validate`` validates the client's RDF (Turtle, N-Triples, JSON-LD, RDF/XML) together
with the ontology, the code lists and every shape, and answers the same way. It never opens
the served store. It does not run HermiT: the shapes follow ``rdfs:subClassOf`` and the
definition of ``icg:Institution`` themselves, so reasoning would change no answer, and a
second of reasoning per request would let anyone keep the server busy. Validation cost grows
with what the client sends (each state it declares is checked against every shape), so it runs
in a child process that is killed after ``ICGRAPH_VALIDATION_TIMEOUT`` seconds (503), and at
most ``ICGRAPH_QUERY_WORKERS`` run at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from rdflib import Graph
from starlette.concurrency import run_in_threadpool

from icgraph import report as report_module
from icgraph.api import openapi, validation_page
from icgraph.api.backends.base import Backend, QueryRequest
from icgraph.api.deps import SettingsDep
from icgraph.api.errors import BodyTooLarge, InvalidRequest, ProtocolError
from icgraph.api.formats import best_offer
from icgraph.api.pool import KillablePool, TimeLimitExceeded, WorkerDied
from icgraph.api.templating import TEMPLATES
from icgraph.config import Settings
from icgraph.errors import InputError
from icgraph.formats import BY_NAME, Choice
from icgraph.load import parse_file
from icgraph.namespaces import METADATA_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH, VALIDATION_GRAPH
from icgraph.query import QueryRequest as Query
from icgraph.rdf_guards import check_rdf, explain_parse_error

router = APIRouter(tags=["validation"])

#: Report formats in order of preference: the first is the default (no or ``*/*`` Accept).
REPORT_FORMATS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("turtle", "text/turtle", ("application/x-turtle",)),
    ("html", "text/html", ("application/xhtml+xml",)),
    ("json", "application/json", ()),
    ("csv", "text/csv", ()),
    ("svg", "image/svg+xml", ()),
    ("png", "image/png", ()),
)

#: Media types of the RDF a client may send, and the parser for each.
INPUT_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class UnsupportedMediaType(ProtocolError):
    status = 415


class NotAcceptableReport(ProtocolError):
    status = 406


class NoStore(ProtocolError):
    status = 503


def negotiate(accept: str | None, format_key: str | None) -> str:
    """The report format for an Accept header or a ``format`` parameter (which wins)."""
    if format_key:
        key = format_key.strip().lower()
        for name, media_type, aliases in REPORT_FORMATS:
            if key in (name, media_type, *aliases) or (name == "turtle" and key == "ttl"):
                return name
        raise NotAcceptableReport(
            f"unknown report format {format_key!r}; use one of: {_available()}"
        )
    if not accept or not accept.strip():
        return REPORT_FORMATS[0][0]
    index = best_offer(
        accept, [(media_type, *aliases) for _, media_type, aliases in REPORT_FORMATS]
    )
    chosen = None if index is None else REPORT_FORMATS[index][0]
    if chosen is None:
        raise NotAcceptableReport(
            f"No acceptable format for a validation report. Ask for one of: {_available()}."
        )
    return chosen


#: The ``format`` parameter as documented: every value :func:`negotiate` reads.
_FORMAT_PARAMETER = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "Report format, overriding Accept: turtle, html, json, csv, svg, png, or a "
    "media type.",
    "schema": {
        "type": "string",
        "enum": list(
            dict.fromkeys(["", "ttl", *(v for n, m, a in REPORT_FORMATS for v in (n, m, *a))])
        ),
    },
}


def _available() -> str:
    return ", ".join(media_type for _, media_type, _ in REPORT_FORMATS)


def _respond(body: bytes, fmt: str) -> Response:
    media_type = report_module.MEDIA_TYPES[fmt]
    if fmt in ("turtle", "csv", "html", "json", "svg"):
        media_type += "; charset=utf-8"
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def _answer(card: report_module.Scorecard, fmt: str) -> Response:
    return _respond(report_module.render(card, fmt), fmt)


# --- GET /validation -----------------------------------------------------------------------------

_LOCK = "validation_lock"
_PUBLISHED = {"metadata": METADATA_GRAPH, "report": VALIDATION_GRAPH, "shapes": SHAPES_GRAPH}


def _shapes_fingerprint(settings: Settings) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(settings.shapes_dir.glob("*.ttl"))
    )


async def _graph(backend: Backend, text: str, timeout: float) -> Graph:
    """A CONSTRUCT through the backend, uncapped (the facade's own read), as an rdflib graph."""
    fmt = BY_NAME["ntriples"]
    request = Query(text, formats=Choice(None, None, fmt), max_results=None)
    answer = await backend.query(QueryRequest(request, timeout=timeout))
    return Graph().parse(data=answer.body.decode("utf-8"), format="nt")


async def _published_parts(backend: Backend, timeout: float) -> tuple[Graph, ...]:
    """The served graph's data (ontology, data, inferences), ontology, report and shapes."""
    excluded = ", ".join(f"<{g}>" for g in _PUBLISHED.values())
    queries = (
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (?g NOT IN ({excluded})) }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{VALIDATION_GRAPH}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SHAPES_GRAPH}> {{ ?s ?p ?o }} }}",
    )
    return tuple([await _graph(backend, q, timeout) for q in queries])


async def current_scorecard(request: Request, settings: Settings) -> report_module.Scorecard:
    """The served graph's scorecard, read through the backend once per version and shapes.

    The report is the named graph the build published, so it is the same over a remote store.
    """
    backend: Backend = request.app.state.backend
    edition = backend.version
    key = (edition, _shapes_fingerprint(settings))
    state = request.app.state
    if not hasattr(state, _LOCK):
        setattr(state, _LOCK, asyncio.Lock())
    async with getattr(state, _LOCK):
        cached = getattr(state, "validation_cache", None)
        if cached is not None and cached[0] == key and edition is not None:
            return cached[1]  # type: ignore[no-any-return]
        data, ontology, published, shapes = await _published_parts(backend, settings.query_timeout)
        if not len(data):
            where = settings.store if settings.backend == "embedded" else settings.sparql_endpoint
            raise NoStore(f"no published graph at {where}; run 'icgraph build' first")
        card = await run_in_threadpool(
            report_module.from_graphs, settings, data, ontology, published, shapes
        )
        state.validation_cache = (key, card)
        return card


@router.get(
    "/validation",
    summary="The validation report of the served graph",
    response_class=Response,
    responses={
        200: {
            "description": "The SHACL validation report (Turtle), the scorecard (JSON, CSV, "
            "HTML) or its heatmap (SVG, PNG).",
            "content": openapi.content(m for _, m, _ in REPORT_FORMATS),
        },
        406: openapi.error("No acceptable format."),
        503: openapi.error("No graph has been published."),
    },
    openapi_extra={"parameters": [_FORMAT_PARAMETER]},
)
async def get_validation(request: Request, settings: SettingsDep) -> Response:
    """Framework completeness (sh:Warning), recommendation gaps (sh:Info) and integrity
    (sh:Violation) of the served graph; choose the format with Accept or ``format``."""
    fmt = negotiate(request.headers.get("accept"), request.query_params.get("format"))
    card = await current_scorecard(request, settings)
    if fmt == "html":
        return await _page(request, card)
    return _answer(card, fmt)


async def _page(request: Request, card: report_module.Scorecard) -> Response:
    """The report as a page of the site (the standalone scorecard.html is the CLI's file)."""
    from icgraph.api.routes.figures import figure_ref  # the figures read this module's scorecard

    return TEMPLATES.TemplateResponse(
        request,
        "validation.html.j2",
        {
            **validation_page.context(card),
            "heatmap": await figure_ref(request, "framework-completeness"),
            "gaps_chart": await figure_ref(request, "recommendation-gaps"),
        },
        headers={"Vary": "Accept"},
    )


# --- POST /validate ------------------------------------------------------------------------------


def _input_format(content_type: str | None) -> str:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if not media_type:
        raise UnsupportedMediaType(
            f"Missing Content-Type; send RDF as one of: {', '.join(INPUT_FORMATS)}"
        )
    if media_type not in INPUT_FORMATS:
        raise UnsupportedMediaType(
            f"Unsupported media type {media_type!r}; send RDF as one of: {', '.join(INPUT_FORMATS)}"
        )
    return media_type


def _check_json_ld_top_level(body: bytes) -> None:
    """A JSON-LD document is a JSON object or array (JSON-LD 1.1, section 9); the parser
    would read a bare string or number as an empty graph and report it valid."""
    start = body.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start in (b"{", b"["):
        return
    found = f"starts with {start.decode('utf-8', 'replace')!r}" if start else "is empty"
    raise InvalidRequest(
        f"Malformed RDF at line 1: a JSON-LD document is a JSON object or array; the body {found}"
    )


class ValidationTimeout(ProtocolError):
    status = 503


@dataclass(frozen=True)
class Outcome:
    """The rendered report, or where the client's RDF fails to parse."""

    body: bytes = b""
    error: str | None = None
    line: int | None = None
    column: int | None = None


def validate_and_render(body: bytes, media_type: str, settings: Settings, fmt: str) -> Outcome:
    """Parse and validate the client's RDF and render the report (in a child process).

    A parse error is returned, not raised, so it crosses the process boundary whole.
    """
    try:
        graph = parse_file(Path("request body"), data=body, fmt=INPUT_FORMATS[media_type])
    except InputError as error:
        return Outcome(error=error.message, line=error.line, column=error.column)
    card = report_module.for_user_graph(graph, settings)
    return Outcome(body=report_module.render(card, fmt))


@router.post(
    "/validate",
    summary="Validate your RDF with the ontology, code lists and shapes",
    response_class=Response,
    responses={
        200: {
            "description": "The validation report of the data sent, in the negotiated format.",
            "content": openapi.content(m for _, m, _ in REPORT_FORMATS),
        },
        400: openapi.error("Malformed RDF, with the parser's message, line and column."),
        406: openapi.error("No acceptable format."),
        413: openapi.error("Body larger than the server's limit."),
        415: openapi.error("Content-Type is not Turtle, N-Triples, JSON-LD or RDF/XML."),
        503: openapi.error("Validation ran past its time limit and was stopped."),
    },
    openapi_extra={
        "parameters": [_FORMAT_PARAMETER],
        "requestBody": {
            "required": True,
            "description": "The RDF to validate.",
            "content": {
                m: {"schema": {"type": ["object", "array"]} if "json" in m else {"type": "string"}}
                for m in INPUT_FORMATS
            },
        },
    },
)
async def post_validate(request: Request, settings: SettingsDep) -> Response:
    """Validate the request body; the served graph is neither read nor changed."""
    fmt = negotiate(request.headers.get("accept"), request.query_params.get("format"))
    rdf_format = _input_format(request.headers.get("content-type"))
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise BodyTooLarge(f"request body too large: the limit is {settings.max_body_bytes} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > settings.max_body_bytes:
            raise BodyTooLarge(
                f"request body too large: the limit is {settings.max_body_bytes} bytes"
            )
    data = bytes(body)
    if rdf_format == "application/ld+json":
        _check_json_ld_top_level(data)
    try:
        # Before a child is spent on it: entity declarations would expand in the parser.
        check_rdf(data, INPUT_FORMATS[rdf_format])
    except InputError as error:
        raise InvalidRequest(f"Refused RDF{_where(error)}: {error.message}") from None
    limit = settings.validation_timeout
    pool: KillablePool = request.app.state.validation_pool
    try:
        # The wait for a free child counts against the limit too; a cancelled request (its
        # client gone, or the limit passed) has its child killed by the pool.
        outcome = await pool.run(
            validate_and_render, data, rdf_format, settings, fmt, timeout=limit
        )
    except (TimeoutError, TimeLimitExceeded):
        raise ValidationTimeout(
            f"Validation timeout: validating the data sent took more than {limit:g} s and was "
            "stopped; send less data, or fewer icg:MemberState nodes"
        ) from None
    except WorkerDied as error:
        raise ValidationTimeout(f"Validation stopped: {error}") from None
    if outcome.error is not None:
        raise InvalidRequest(
            f"Malformed RDF{_where(outcome)}: {explain_parse_error(outcome.error)}"
        )
    return _respond(outcome.body, fmt)


def _where(place: Outcome | InputError) -> str:
    if place.line is None:
        return ""
    if place.column is None:
        return f" at line {place.line}"
    return f" at line {place.line}, column {place.column}"
