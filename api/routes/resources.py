"""Dereferenceable IRIs: every ``/id/...`` resource and the ontology, for people and machines.

Content negotiation is direct (no 303): ``GET /id/state/ES`` answers 200 with the document
the client asked for in ``Accept``, names that document in ``Content-Location``
(``/id/state/ES.ttl``), lists the other representations in ``Link: rel="alternate"`` and
sends ``Vary: Accept``. The document IRIs with an extension (``.html``, ``.ttl``,
``.jsonld``, ``.rdf``, ``.nt``) answer in that format whatever the Accept header says.
Browsers (``text/html`` ranked first) get HTML; ``*/*`` and no Accept get Turtle. See
``docs/linked-data.md`` for why.

A request path ``/id/<rest>`` stands for the IRI ``<base_iri>id/<rest>``, so the server
answers for its IRIs under any host it runs on. A path the graph says nothing about is a 404
page (HTML) or a 404 sentence (machines); a format nobody can produce is a 406.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse

from icgraph import ontology_docs
from icgraph.api import linked_data as ld
from icgraph.api.deps import BackendDep, SettingsDep
from icgraph.api.routes.figures import FigureRef, figure_ref
from icgraph.api.templating import TEMPLATES as templates
from icgraph.config import Settings
from icgraph.formats import BY_NAME

router = APIRouter(tags=["linked data"])

_OWL_VERSION_IRI = "http://www.w3.org/2002/07/owl#versionIRI"
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The resource's description: HTML for browsers, or Turtle, JSON-LD, "
        "RDF/XML or N-Triples by Accept or by file extension.",
        "content": {
            "text/html": {},
            "text/turtle": {},
            "application/ld+json": {},
            "application/rdf+xml": {},
            "application/n-triples": {},
        },
    },
    404: {"description": "The graph says nothing about this IRI (an HTML page for browsers)."},
    406: {"description": "None of the formats the client accepts can be produced."},
}


def _split_extension(path: str) -> tuple[str, str | None]:
    """``state/ES.ttl`` -> (``state/ES``, ``ttl``); paths without a known extension unchanged."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in ld.EXTENSIONS and stem:
        return stem, ext
    return path, None


def _headers(want: ld.Wanted, document_path: str) -> dict[str, str]:
    headers = {"Link": ld.link_header(document_path)}
    if want.negotiated:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{document_path}.{want.extension}"
    return headers


def _not_found(request: Request, want: ld.Wanted | None, iri: str) -> Response:
    headers = {"Vary": "Accept"} if want is None or want.negotiated else {}
    if want is not None and want.html:
        return templates.TemplateResponse(
            request,
            "not_found.html.j2",
            {"iri": iri, "path": request.url.path},
            status_code=404,
            headers=headers,
        )
    return PlainTextResponse(
        f"Not found: the graph says nothing about <{iri}>.\n", status_code=404, headers=headers
    )


def _want(request: Request, ext: str | None) -> ld.Wanted:
    return ld.wanted(request.headers.get("accept"), ext)


@router.head("/id/{path:path}", include_in_schema=False)
@router.get("/id/{path:path}", responses=_RESPONSES)
async def resource(
    path: str, request: Request, settings: SettingsDep, backend: BackendDep
) -> Response:
    """Describe one resource of the graph (HTML or RDF, by Accept or extension); 200, no 303."""
    stem, ext = _split_extension(path)
    want = _want(request, ext)
    iri = settings.base_iri + "id/" + stem
    document_path = "/id/" + stem
    ref = ld.iri_ref(iri)
    if ref is None or not stem:
        return _not_found(request, want, iri)
    linker = ld.Linker(settings.base_iri)
    if want.html:
        page = await ld.view(backend, iri, linker, settings.query_timeout)
        if page is None:
            return _not_found(request, want, iri)
        return templates.TemplateResponse(
            request,
            "resource.html.j2",
            {
                "page": page,
                "alternates": ld.alternates(document_path, "html"),
                "sparql": _sparql_link(ref),
                "charts": await _charts(request, stem),
            },
            headers=_headers(want, document_path),
        )
    assert want.rdf is not None
    result = await ld.construct(
        backend, ld.description_query(ref), want.rdf, settings.query_timeout, settings.max_results
    )
    if _empty(result.body, want.rdf.name):
        return _not_found(request, want, iri)
    return Response(
        result.body, media_type=want.rdf.media_type, headers=_headers(want, document_path)
    )


#: The figures shown on the pages of section 2.2 (multilevel engagement) and its channels.
_MULTILEVEL_PAGES = ("section/2.2", "channel/", "scheme/channel")


async def _charts(request: Request, stem: str) -> list[FigureRef]:
    """The figures a resource page shows: the multilevel ones on the section 2.2 pages."""
    names: list[str] = []
    if stem == "section/2.2":
        names = ["impetus-channels", "multilevel-network"]
    elif stem.startswith(_MULTILEVEL_PAGES):
        names = ["impetus-channels"]
    refs = [await figure_ref(request, name) for name in names]
    return [ref for ref in refs if ref is not None]


def _sparql_link(ref: str) -> str:
    """The endpoint URL that runs this document's own CONSTRUCT (the page links it)."""
    return "/sparql?" + urlencode({"query": ld.description_query(ref), "format": "turtle"})


def _empty(body: bytes, fmt: str) -> bool:
    """True when a serialised graph holds no triple (whichever backend wrote it)."""
    try:
        return next(iter(ox.parse(body, format=BY_NAME[fmt].native)), None) is None  # type: ignore[arg-type]
    except SyntaxError:
        return False


# --- the ontology -------------------------------------------------------------------------------


async def _ontology_answer(
    request: Request,
    settings: Settings,
    backend: BackendDep,
    ext: str | None,
    document_path: str = "/ontology",
) -> Response:
    want = _want(request, ext)
    if want.html:
        # The served ontology graph, read through the Backend, so a remote store's edition
        # is the one documented.
        source = await ld.construct(
            backend,
            ld.graph_query(settings.base_iri + "graph/ontology"),
            BY_NAME["ntriples"],
            settings.query_timeout,
            None,  # the whole ontology, whatever the cap on answers
        )
        changelog = settings.ontology_dir / ontology_docs.CHANGELOG
        try:
            html = await run_in_threadpool(ontology_docs.render_ntriples, source.body, changelog)
        except FileNotFoundError:
            return _not_found(request, want, settings.base_iri + "ontology")
        return HTMLResponse(html, headers=_headers(want, document_path))
    assert want.rdf is not None
    result = await ld.construct(
        backend,
        ld.graph_query(settings.base_iri + "graph/ontology"),
        want.rdf,
        settings.query_timeout,
        settings.max_results,
    )
    if _empty(result.body, want.rdf.name):
        return _not_found(request, want, settings.base_iri + "ontology")
    return Response(
        result.body, media_type=want.rdf.media_type, headers=_headers(want, document_path)
    )


@router.head("/ontology", include_in_schema=False)
@router.get("/ontology", responses=_RESPONSES)
async def ontology(request: Request, settings: SettingsDep, backend: BackendDep) -> Response:
    """The ontology: pyLODE documentation for browsers, its Turtle/JSON-LD/RDF/XML/N-Triples else."""
    return await _ontology_answer(request, settings, backend, None)


@router.head("/ontology.{ext}", include_in_schema=False)
@router.get("/ontology.{ext}", responses=_RESPONSES)
async def ontology_document(
    ext: str, request: Request, settings: SettingsDep, backend: BackendDep
) -> Response:
    """The ontology in the format its extension names (html, ttl, jsonld, rdf, nt)."""
    if ext not in ld.EXTENSIONS:
        return _not_found(request, None, settings.base_iri + f"ontology.{ext}")
    return await _ontology_answer(request, settings, backend, ext)


@router.get(
    "/ontology/changelog",
    response_class=Response,
    responses={
        200: {"description": "The changelog.", "content": {"text/markdown": {}}},
        404: {"description": "No changelog.", "content": {"text/plain": {}}},
    },
)
async def ontology_changelog(settings: SettingsDep) -> Response:
    """The ontology's changelog (Markdown)."""
    path = settings.ontology_dir / ontology_docs.CHANGELOG
    if not path.is_file():
        return PlainTextResponse("No changelog.\n", status_code=404)
    return Response(path.read_bytes(), media_type="text/markdown; charset=utf-8")


@router.head("/ontology/{version}", include_in_schema=False)
@router.get("/ontology/{version}", responses=_RESPONSES)
async def ontology_version(
    version: str, request: Request, settings: SettingsDep, backend: BackendDep
) -> Response:
    """The ontology by its owl:versionIRI (only the version this server publishes)."""
    stem, ext = _split_extension(version)
    wanted_iri = settings.base_iri + "ontology/" + stem
    ref = ld.iri_ref(wanted_iri)
    graph = ld.iri_ref(settings.base_iri + "graph/ontology")
    ontology_ref = ld.iri_ref(settings.base_iri + "ontology")
    found = ref is not None and await ld.ask(
        backend,
        f"ASK {{ GRAPH {graph} {{ {ontology_ref} <{_OWL_VERSION_IRI}> {ref} }} }}",
        settings.query_timeout,
    )
    if not found:
        return _not_found(request, _want(request, ext), wanted_iri)
    return await _ontology_answer(request, settings, backend, ext, "/ontology/" + stem)
