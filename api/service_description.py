"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics of its dataset.

A GET on the endpoint with no query returns it. The statistics are computed once, through
the backend itself with ordinary queries, so any backend gets them for free.

It names things as VoID and DCAT (``icgraph.metadata``) do, so the three agree: the
endpoint is ``<base>sparql``, the dumps are ``<base>dumps/<file>``, the VoID and DCAT
documents ``<base>void`` and ``<base>catalog``, and the default dataset is the dataset
itself, ``<base>id/dataset/icgraph``. When the description is fetched from another address
(a local or mirror server), that address is a second ``sd:endpoint`` of the same service,
so a client knows both where it is and what the canonical endpoint is.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD
from rdflib.term import Node

from icgraph.api.backends.base import Backend, QueryRequest
from icgraph.api.formats import BY_NAME, FORMATS, Choice, Format
from icgraph.dumps import FORMATS as DUMP_FORMATS
from icgraph.namespaces import BASE
from icgraph.query import QueryRequest as Query

log = logging.getLogger(__name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENT = Namespace("http://www.w3.org/ns/entailment/")

_RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}

_PER_GRAPH = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g
"""
_DEFAULT = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { ?s ?p ?o }
"""
_CLASSES = "SELECT (COUNT(DISTINCT ?c) AS ?classes) WHERE { ?s a ?c }"
_COUNTS = ("triples", "subjects", "properties", "objects", "classes")
_VOID_TERMS = {
    "triples": VOID.triples,
    "subjects": VOID.distinctSubjects,
    "properties": VOID.properties,
    "objects": VOID.distinctObjects,
    "classes": VOID.classes,
}


@dataclass
class Statistics:
    """VoID counts of the default graph (the union) and of each named graph."""

    default: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, dict[str, int]] = field(default_factory=dict)


async def _select(backend: Backend, text: str, timeout: float) -> list[dict[str, str]]:
    json_format = BY_NAME["json"]
    request = Query(text, formats=Choice(json_format, json_format, None), max_results=1_000_000)
    result = await backend.query(QueryRequest(request, timeout=timeout))
    data = json.loads(result.body)
    return [
        {name: term["value"] for name, term in row.items()} for row in data["results"]["bindings"]
    ]


async def statistics(backend: Backend, timeout: float) -> Statistics | None:
    """Count triples, subjects, properties and objects; None if that fails or takes too long."""
    try:
        stats = Statistics()
        for row in await _select(backend, _DEFAULT, timeout):
            stats.default = {k: int(v) for k, v in row.items() if k in _COUNTS}
        for row in await _select(backend, _CLASSES, timeout):
            stats.default.update({k: int(v) for k, v in row.items() if k in _COUNTS})
        for row in await _select(backend, _PER_GRAPH, timeout):
            stats.graphs[row["g"]] = {k: int(v) for k, v in row.items() if k in _COUNTS}
        return stats
    except Exception as error:  # the description is still useful without numbers
        log.warning("service description without statistics: %s", error)
        return None


def _counts(graph: Graph, node: BNode | URIRef, counts: dict[str, int]) -> None:
    for key, value in counts.items():
        graph.add((node, _VOID_TERMS[key], Literal(value, datatype=XSD.integer)))


def describe(
    endpoint: str, stats: Statistics | None, federated: bool, base_iri: str = BASE
) -> Graph:
    """The service description graph, fetched from the endpoint URL ``endpoint``."""
    canonical = base_iri + "sparql"
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    g.bind("formats", "http://www.w3.org/ns/formats/")
    service = BNode()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(canonical)))
    if endpoint != canonical:
        g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, DCTERMS.title, Literal("icgraph SPARQL endpoint", lang="en")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, SD.defaultEntailmentRegime, ENT.Simple))
    for fmt in FORMATS:
        g.add((service, SD.resultFormat, URIRef(fmt.iri)))
    dataset = URIRef(base_iri + "id/dataset/icgraph")  # icgraph.metadata.dataset_iri
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(canonical)))
    # The dataset's VoID, DCAT catalogue and dumps, by the IRIs VoID and DCAT give them.
    for document in ("void", "catalog"):
        g.add((dataset, RDFS.seeAlso, URIRef(base_iri + document)))
    for dump in DUMP_FORMATS:
        g.add((dataset, VOID.dataDump, URIRef(f"{base_iri}dumps/{dump.name}")))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDF.type, VOID.Dataset))
    if stats is not None:
        _counts(g, default, stats.default)
        _counts(g, dataset, stats.default)
        for name, counts in stats.graphs.items():
            named = BNode()
            inner = BNode()
            g.add((dataset, SD.namedGraph, named))
            g.add((named, RDF.type, SD.NamedGraph))
            g.add((named, SD.name, URIRef(name)))
            g.add((named, SD.graph, inner))
            g.add((inner, RDF.type, SD.Graph))
            g.add((inner, RDF.type, VOID.Dataset))
            g.add((dataset, VOID.subset, inner))
            _counts(g, inner, counts)
    return g


def serialize(graph: Graph, fmt: Format) -> bytes:
    data = graph.serialize(format=_RDFLIB_FORMATS[fmt.name], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


# --- The description in readable form (the page a browser gets at /sparql) -----------------------


@dataclass(frozen=True)
class GraphCounts:
    """A graph of the dataset and its VoID counts (None where the statistics are missing)."""

    name: str
    triples: int | None
    subjects: int | None
    properties: int | None
    objects: int | None


@dataclass(frozen=True)
class Readable:
    """What the service description graph says, for a page: read from the graph itself, so
    the page and the RDF cannot disagree."""

    endpoint: str
    title: str
    languages: tuple[str, ...]
    features: tuple[str, ...]
    entailment: str
    result_formats: tuple[Format, ...]
    default_graph: GraphCounts
    named_graphs: tuple[GraphCounts, ...]
    dumps: tuple[str, ...]
    see_also: tuple[str, ...]


def _int(graph: Graph, node: Node | None, term: URIRef) -> int | None:
    if node is None:
        return None
    value = graph.value(node, term)
    return int(value) if isinstance(value, Literal) else None


def _graph_counts(graph: Graph, name: str, node: Node | None) -> GraphCounts:
    return GraphCounts(
        name,
        _int(graph, node, VOID.triples),
        _int(graph, node, VOID.distinctSubjects),
        _int(graph, node, VOID.properties),
        _int(graph, node, VOID.distinctObjects),
    )


def _local_name(term: object) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def readable(graph: Graph) -> Readable:
    """The service description of :func:`describe`, as plain values."""
    service = next(graph.subjects(RDF.type, SD.Service))
    dataset = graph.value(service, SD.defaultDataset)
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    named = []
    for entry in graph.objects(dataset, SD.namedGraph):
        name = str(graph.value(entry, SD.name))
        named.append(_graph_counts(graph, name, graph.value(entry, SD.graph)))
    return Readable(
        endpoint=str(graph.value(service, SD.endpoint)),
        title=str(graph.value(service, DCTERMS.title) or "SPARQL endpoint"),
        languages=tuple(
            sorted(_local_name(t) for t in graph.objects(service, SD.supportedLanguage))
        ),
        features=tuple(sorted(_local_name(t) for t in graph.objects(service, SD.feature))),
        entailment=_local_name(graph.value(service, SD.defaultEntailmentRegime)),
        result_formats=tuple(f for f in FORMATS if f.iri in formats),
        default_graph=_graph_counts(graph, "", graph.value(dataset, SD.defaultGraph)),
        named_graphs=tuple(sorted(named, key=lambda g: g.name)),
        dumps=tuple(sorted(str(d) for d in graph.objects(dataset, VOID.dataDump))),
        see_also=tuple(sorted(str(d) for d in graph.objects(dataset, RDFS.seeAlso))),
    )
