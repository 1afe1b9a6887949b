"""Downloads and dataset metadata: dump files with checksums, VoID and the DCAT catalogue.

``/dumps`` lists the dump files (JSON: name, media type, size, SHA-256); ``/dumps/<file>``
downloads one with its checksum in ``Repr-Digest`` and ``ETag``; ``/dumps/SHA256SUMS`` is
the list ``sha256sum -c`` checks. The dumps are written by the build into the
store version they were made from (:mod:`icgraph.versions`), and served from the version the
backend answers from, so a download always matches the answers.

``/void``, ``/.well-known/void`` (RFC 5785, as the VoID guide asks) and ``/catalog`` serve the
dataset's metadata graph as built into the store (VoID statistics, DCAT catalogue, dataset,
distributions and data service), read through the Backend, plus what only exists once the
dumps are written: each distribution's ``dcat:byteSize`` and ``spdx:checksum``.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, RDF, XSD

from icgraph import dumps as dump_files
from icgraph.api import linked_data as ld
from icgraph.api.deps import BackendDep, SettingsDep
from icgraph.config import Settings

router = APIRouter(tags=["dumps and metadata"])

SPDX = Namespace("http://spdx.org/rdf/terms#")
_RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


class NoDumps(Exception):
    """No dumps are published and none can be written here (e.g. a remote backend)."""


def _folder(request: Request) -> Path:
    """The served version's dumps: the same version the queries read, never another."""
    folder = request.app.state.backend.dumps()
    if folder is None:
        raise NoDumps("no dumps are published with this server")
    return folder  # type: ignore[no-any-return]


async def manifest_for(request: Request, settings: Settings) -> dump_files.Manifest:
    """The manifest of the served version's dumps, written with it by the build."""
    manifest = await run_in_threadpool(dump_files.read_manifest, _folder(request))
    if manifest is None:
        raise NoDumps("no dumps are published with this server")
    return manifest


def _no_dumps() -> PlainTextResponse:
    return PlainTextResponse("No dumps are published with this server.\n", status_code=404)


def _file_url(request: Request, name: str) -> str:
    return str(request.url_for("dump_file", name=name))


@router.get("/dumps")
async def list_dumps(request: Request, settings: SettingsDep) -> Response:
    """The dump files: name, media type, size in bytes, SHA-256, statement count and URL."""
    try:
        manifest = await manifest_for(request, settings)
    except NoDumps:
        return _no_dumps()
    files = [{**vars(f), "url": _file_url(request, f.name)} for f in manifest.files]
    return JSONResponse(
        {
            "created": manifest.created,
            "files": files,
            "checksums": _file_url(request, dump_files.CHECKSUMS),
            "catalog": str(request.url_for("catalog")),
            "void": str(request.url_for("void")),
        }
    )


@router.head("/dumps/{name}", include_in_schema=False)
@router.get(
    "/dumps/{name}",
    name="dump_file",
    responses={
        200: {"description": "The file, with Repr-Digest and ETag."},
        404: {"description": "No such dump; the body lists the files."},
    },
)
async def dump_file(name: str, request: Request, settings: SettingsDep) -> Response:
    """Download one dump file (icgraph.nq, .ttl, .nt, .jsonld) or SHA256SUMS."""
    try:
        manifest = await manifest_for(request, settings)
    except NoDumps:
        return _no_dumps()
    folder = _folder(request)
    if name == dump_files.CHECKSUMS:
        return FileResponse(folder / name, media_type="text/plain; charset=us-ascii")
    entry = manifest.file(name)
    if entry is None:
        known = ", ".join([*(f.name for f in manifest.files), dump_files.CHECKSUMS])
        return PlainTextResponse(f"No dump named {name!r}; there are: {known}.\n", status_code=404)
    digest = base64.b64encode(bytes.fromhex(entry.sha256)).decode("ascii")
    return FileResponse(
        folder / name,
        media_type=entry.media_type,
        filename=name,
        headers={"Repr-Digest": f"sha-256=:{digest}:", "ETag": f'"{entry.sha256}"'},
    )


async def metadata_graph(request: Request, settings: Settings, backend: BackendDep) -> Graph:
    """The metadata graph of the store, with the dumps' sizes and checksums added."""
    graph_iri = settings.base_iri + "graph/metadata"
    result = await ld.construct(
        backend,
        ld.graph_query(graph_iri),
        ld.RDF_FORMATS[3],
        settings.query_timeout,
        settings.max_results,
    )
    graph = Graph()
    graph.parse(data=result.body.decode("utf-8"), format="nt")
    graph.bind("void", "http://rdfs.org/ns/void#")
    graph.bind("dcat", DCAT)
    graph.bind("dct", "http://purl.org/dc/terms/")
    graph.bind("sd", "http://www.w3.org/ns/sparql-service-description#")
    graph.bind("spdx", SPDX)
    try:
        manifest = await manifest_for(request, settings)
    except NoDumps:
        return graph
    for entry in manifest.files:
        distribution = URIRef(settings.base_iri + "dumps/" + entry.name)
        if (distribution, RDF.type, DCAT.Distribution) not in graph:
            continue
        graph.add(
            (distribution, DCAT.byteSize, Literal(entry.bytes, datatype=XSD.nonNegativeInteger))
        )
        checksum = BNode()
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(entry.sha256, datatype=XSD.hexBinary)))
    return graph


async def _metadata_answer(request: Request, settings: Settings, backend: BackendDep) -> Response:
    want = ld.wanted(request.headers.get("accept"), request.query_params.get("format"))
    fmt = ld.RDF_FORMATS[0] if want.html else want.rdf
    assert fmt is not None
    graph = await metadata_graph(request, settings, backend)
    body = graph.serialize(format=_RDFLIB[fmt.name], encoding="utf-8")
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


_META_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The dataset description (Turtle, JSON-LD, RDF/XML, N-Triples).",
        "content": {
            "text/turtle": {},
            "application/ld+json": {},
            "application/rdf+xml": {},
            "application/n-triples": {},
        },
    },
    406: {"description": "None of the formats the client accepts can be produced."},
}


@router.get("/void", name="void", responses=_META_RESPONSES)
async def void(request: Request, settings: SettingsDep, backend: BackendDep) -> Response:
    """The VoID description of the dataset: triple counts per named graph, dumps, endpoint."""
    return await _metadata_answer(request, settings, backend)


@router.get("/.well-known/void", responses=_META_RESPONSES)
async def well_known_void(request: Request, settings: SettingsDep, backend: BackendDep) -> Response:
    """The VoID description at its well-known address (same document as /void)."""
    return await _metadata_answer(request, settings, backend)


@router.get("/catalog", name="catalog", responses=_META_RESPONSES)
async def catalog(request: Request, settings: SettingsDep, backend: BackendDep) -> Response:
    """The DCAT catalogue: the dataset, its distributions with checksums, the SPARQL service."""
    return await _metadata_answer(request, settings, backend)
