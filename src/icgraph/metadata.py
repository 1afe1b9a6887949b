"""The dataset's own description: VoID statistics and a DCAT catalogue, made at build time.

The counts describe everything the store holds, this metadata graph included, so the one
number a reader meets everywhere is the same: ``void:triples`` of the dataset is the number
of distinct triples in the union of every named graph, which is what ``SELECT (COUNT(*) AS
?n) WHERE { ?s ?p ?o }`` answers at the endpoint, the number of lines of the N-Triples dump
and the figure on the home page. Each ``void:subset`` is one named graph with its own size,
the metadata graph among them. The graph can count itself because every count is a triple
with its own subject and predicate: adding it adds exactly one triple, whatever the number.
``void:entities`` counts the IRIs under ``void:uriSpace`` (``<base>id/``) that are subjects,
i.e. the resources that dereference.

The DCAT part: a ``dcat:Catalog`` with the dataset, one ``dcat:Distribution`` per dump file
(``icgraph.dumps``) and the SPARQL endpoint as a ``dcat:DataService``. Sizes and checksums of
the dumps cannot be in the graph they are a dump of; the server adds them when it serves the
catalogue (``/catalog``, ``/void``).

Every IRI here is minted under ``settings.base_iri``; the catalogue, dataset and service live
under ``id/`` so that they dereference like any other resource.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDFS, XSD
from rdflib.term import Node

from .config import Settings
from .dumps import FORMATS as DUMP_FORMATS
from .namespaces import GRAPH, METADATA_GRAPH, PREFIXES

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

#: What the numbers count, said in the description itself.
COUNTS_NOTE = (
    "void:triples counts the distinct triples of the union of every named graph of the "
    "store, this description included: the answer of SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } "
    "at the SPARQL endpoint and the number of statements of the Turtle, N-Triples and JSON-LD "
    "dumps (the N-Quads dump has one statement per named graph a triple is in). Each "
    "void:subset is one named graph and counts its own triples. The dumps' sizes and "
    "checksums, added when this description is served, are not counted."
)

#: Namespaces that name a vocabulary, for void:vocabulary (instance namespaces left out).
_VOCABULARY_PREFIXES = (
    "org",
    "cv",
    "eli",
    "skos",
    "dct",
    "dcat",
    "prov",
    "owl",
    "rdf",
    "rdfs",
    "xsd",
    "void",
    "sh",
)
_EXAMPLES = (
    "id/state/ES",
    "id/practice/funding-streams/ES",
    "id/actor/pt/high-commission-for-migration",
)


def _base(settings: Settings | None) -> str:
    return settings.base_iri if settings is not None else "https://w3id.org/icgraph/"


def dataset_iri(settings: Settings | None = None) -> URIRef:
    """The IRI of the dataset as a whole."""
    return URIRef(_base(settings) + "id/dataset/icgraph")


def catalog_iri(settings: Settings | None = None) -> URIRef:
    """The IRI of the DCAT catalogue that lists the dataset."""
    return URIRef(_base(settings) + "id/catalog/icgraph")


def service_iri(settings: Settings | None = None) -> URIRef:
    """The IRI of the SPARQL endpoint as a DCAT data service (not the endpoint URL)."""
    return URIRef(_base(settings) + "id/service/sparql")


def distribution_iri(name: str, settings: Settings | None = None) -> URIRef:
    """The IRI (and download URL) of one dump file."""
    return URIRef(_base(settings) + "dumps/" + name)


def _vocabularies(union: set[tuple]) -> list[URIRef]:
    used = {str(p) for _, p, _ in union} | {str(o) for _, p, o in union if p == RDF.type}
    out = []
    for prefix in _VOCABULARY_PREFIXES:
        namespace = PREFIXES[prefix]
        if any(term.startswith(namespace) for term in used):
            out.append(URIRef(namespace))
    return out


def describe(
    graphs: Mapping[str, Graph | Collection[tuple[Node, Node, Node]]], settings: Settings
) -> Graph:
    """VoID and DCAT description of ``graphs`` (named-graph IRI -> its distinct triples: an
    rdflib graph, or a collection of them)."""
    base = settings.base_iri
    meta = Graph()
    meta.bind("void", VOID)
    meta.bind("dcat", DCAT)
    meta.bind("dct", DCTERMS)
    meta.bind("sd", SD)
    dataset = dataset_iri(settings)
    catalog = catalog_iri(settings)
    service = service_iri(settings)
    endpoint = URIRef(base + "sparql")
    report = URIRef(base + "id/report/cdadi-2021-5")
    title = Literal(
        "icgraph: intercultural integration in Council of Europe member states", lang="en"
    )
    union: set[tuple] = set()
    for graph in graphs.values():
        union.update(graph)

    meta.add((catalog, RDF.type, DCAT.Catalog))
    meta.add((catalog, DCTERMS.title, Literal("icgraph catalogue", lang="en")))
    meta.add(
        (
            catalog,
            DCTERMS.description,
            Literal("The icgraph dataset, its downloads and its SPARQL endpoint.", lang="en"),
        )
    )
    meta.add((catalog, DCTERMS.license, LICENCE))
    meta.add((catalog, DCAT.dataset, dataset))
    meta.add((catalog, DCAT.service, service))

    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, RDF.type, DCAT.Dataset))
    meta.add((dataset, DCTERMS.title, title))
    meta.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Actors, instruments and governance levels of intercultural integration reported by 32 member "
                "states in the review report CDADI(2021)5 on Recommendation CM/Rec(2015)1, with the report's "
                "own words as provenance for every practice.",
                lang="en",
            ),
        )
    )
    meta.add((dataset, DCTERMS.license, LICENCE))
    meta.add((dataset, DCTERMS.source, report))
    meta.add((dataset, PROV.hadPrimarySource, report))
    meta.add((dataset, DCTERMS.conformsTo, URIRef(base + "ontology")))
    for keyword in (
        "intercultural integration",
        "Council of Europe",
        "governance",
        "public policy",
    ):
        meta.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    meta.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    meta.add((dataset, VOID.vocabulary, URIRef(base + "ontology#")))
    for vocabulary in _vocabularies(union):
        meta.add((dataset, VOID.vocabulary, vocabulary))
    meta.add((dataset, VOID.sparqlEndpoint, endpoint))
    meta.add((dataset, RDFS.comment, Literal(COUNTS_NOTE, lang="en")))
    meta.add((dataset, VOID.rootResource, report))
    for example in _EXAMPLES:
        meta.add((dataset, VOID.exampleResource, URIRef(base + example)))

    for fmt in DUMP_FORMATS:
        dump = distribution_iri(fmt.name, settings)
        meta.add((dataset, DCAT.distribution, dump))
        meta.add((dataset, VOID.dataDump, dump))
        meta.add((dump, RDF.type, DCAT.Distribution))
        meta.add((dump, DCTERMS.title, Literal(fmt.title, lang="en")))
        meta.add((dump, DCAT.downloadURL, dump))
        meta.add((dump, DCAT.mediaType, URIRef(MEDIA_TYPES + fmt.media_type)))
        meta.add((dump, DCTERMS.license, LICENCE))

    meta.add((service, RDF.type, DCAT.DataService))
    meta.add((service, DCTERMS.title, Literal("icgraph SPARQL endpoint", lang="en")))
    meta.add((service, DCAT.endpointURL, endpoint))
    meta.add((service, DCAT.endpointDescription, endpoint))
    meta.add((service, DCAT.servesDataset, dataset))
    meta.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    meta.add((service, DCTERMS.license, LICENCE))

    sizes = {name: len(graph) for name, graph in graphs.items()}
    _count(meta, dataset, union, sizes, settings)
    return meta


def _count(
    meta: Graph, dataset: URIRef, union: set[tuple], sizes: dict[str, int], settings: Settings
) -> None:
    """Add the subsets and the VoID counts of the content graphs and of ``meta`` itself."""
    own = str(METADATA_GRAPH)
    names = sorted(set(sizes) | {own})
    for name in names:
        subset = URIRef(name)
        meta.add((dataset, VOID.subset, subset))
        meta.add((subset, RDF.type, VOID.Dataset))
        meta.add((subset, RDF.type, SD.NamedGraph))
        meta.add((subset, SD.name, subset))
        meta.add((subset, DCTERMS.title, Literal(name.removeprefix(str(GRAPH)), lang="en")))
    # One count per subset and three for the dataset. No graph states any of them yet, so
    # each adds exactly one triple to the metadata graph and to the union, whatever its value.
    counts = [(URIRef(name), VOID.triples) for name in names]
    counts += [(dataset, p) for p in (VOID.triples, VOID.distinctSubjects, VOID.entities)]
    keys = set(counts)
    if any((t[0], t[1]) in keys for t in union) or any((t[0], t[1]) in keys for t in meta):
        raise ValueError("a content graph already states a VoID count of the dataset")
    everything = union | set(meta)
    sizes = {**sizes, own: len(meta) + len(counts)}
    subjects = {t[0] for t in everything}  # the counts' subjects are subjects already
    space = settings.base_iri + "id/"
    entities = {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(space)}
    for name in names:
        meta.add((URIRef(name), VOID.triples, Literal(sizes[name], datatype=XSD.integer)))
    total = len(everything) + len(counts)
    meta.add((dataset, VOID.triples, Literal(total, datatype=XSD.integer)))
    meta.add((dataset, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    meta.add((dataset, VOID.entities, Literal(len(entities), datatype=XSD.integer)))
