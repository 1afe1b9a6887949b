"""The dataset's own description: VoID statistics and DCAT metadata, made at build time.

The counts describe the content graphs (ontology, data files, inferences). The metadata graph
does not count itself: ``void:triples`` of the whole dataset is the number of distinct
triples in the union of the content graphs, and each ``void:subset`` gives its named graph's
own size, so both can be checked against the store with one query.
"""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, XSD

from .config import Settings
from .namespaces import BASE, GRAPH, ID

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

REPORT = ID["report/cdadi-2021-5"]
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")


def dataset_iri(settings: Settings | None = None) -> URIRef:
    """The IRI of the dataset as a whole."""
    return URIRef(BASE + "dataset")


def describe(graphs: dict[str, Graph], settings: Settings) -> Graph:
    """VoID and DCAT description of ``graphs`` (named-graph IRI -> graph)."""
    meta = Graph()
    meta.bind("void", VOID)
    meta.bind("dcat", DCAT)
    dataset = dataset_iri(settings)
    union: set[tuple] = set()
    for graph in graphs.values():
        union.update(graph)
    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, RDF.type, DCAT.Dataset))
    meta.add((dataset, DCTERMS.title, Literal("icgraph: intercultural integration in Council of Europe member states", lang="en")))
    meta.add((dataset, DCTERMS.description, Literal(
        "Actors, instruments and governance levels of intercultural integration reported by 32 member "
        "states in the review report CDADI(2021)5 on Recommendation CM/Rec(2015)1, with the report's "
        "own words as provenance for every practice.", lang="en")))
    meta.add((dataset, DCTERMS.license, LICENCE))
    meta.add((dataset, DCTERMS.source, REPORT))
    meta.add((dataset, PROV.hadPrimarySource, REPORT))
    meta.add((dataset, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    meta.add((dataset, VOID.uriSpace, Literal(BASE + "id/")))
    meta.add((dataset, VOID.vocabulary, URIRef(BASE + "ontology")))
    meta.add((dataset, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    subjects = {t[0] for t in union}
    meta.add((dataset, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    for name, graph in sorted(graphs.items()):
        subset = URIRef(name)
        meta.add((dataset, VOID.subset, subset))
        meta.add((subset, RDF.type, VOID.Dataset))
        meta.add((subset, RDF.type, SD.NamedGraph))
        meta.add((subset, SD.name, subset))
        meta.add((subset, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
        meta.add((subset, DCTERMS.title, Literal(name.removeprefix(str(GRAPH)), lang="en")))
    return meta
