"""The linked-data publishing checklist, offline, on the graph the real build publishes.

1. One owl:Ontology, with a versionIRI other than its IRI, and a licence.
2. Every own term has a label, a definition and rdfs:isDefinedBy; every own term used is defined.
3. No term from a reused namespace that its vocabulary does not define (local snapshots in
   ``vocabularies/``, or rdflib's closed term lists); no namespace we keep no copy of.
4. No property with several domains or several ranges.
5. Every SKOS concept is in a scheme and has exactly one prefLabel per language (and one).
6. The VoID counts in the metadata graph equal counts queried from the store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SH, VANN, VOID, XSD, DefinedNamespace

from icgraph.build import BuildResult
from icgraph.config import Settings

from .paths import ROOT

VOCABULARIES = ROOT / "vocabularies"
BASE = "https://w3id.org/icgraph/"
ICG = BASE + "ontology#"
ONTOLOGY = BASE + "ontology"
ONTOLOGY_GRAPH = BASE + "graph/ontology"
METADATA_GRAPH = BASE + "graph/metadata"

#: Reused namespace -> the snapshot file that defines its terms.
SNAPSHOTS = {
    "http://www.w3.org/ns/org#": "org.ttl",
    "http://www.w3.org/ns/prov#": "prov-o.ttl",
    "http://www.w3.org/ns/dcat#": "dcat3.ttl",
    "http://www.w3.org/ns/sparql-service-description#": "sparql-service-description.ttl",
    "http://data.europa.eu/eli/ontology#": "eli.nt",
    "http://www.w3.org/2004/02/skos/core#": "skos.nt",
    "http://purl.org/dc/terms/": "dcterms.nt",
    "http://data.europa.eu/m8g/": "cpov-2.1.2.ttl",
}
#: Reused namespaces checked against rdflib's closed term lists.
CLOSED: dict[str, type[DefinedNamespace]] = {
    str(RDF): RDF,
    str(RDFS): RDFS,
    str(OWL): OWL,
    str(XSD): XSD,
    str(VOID): VOID,
    str(VANN): VANN,
    str(SH): SH,
    str(FOAF): FOAF,  # foaf:name of the ontology's creator, the name pyLODE shows
}
#: IRIs under these are instance data or documents, not vocabulary terms.
NOT_VOCABULARIES = (
    BASE,  # our own resources, graphs, shapes, dumps (own terms are checked apart)
    "http://www.wikidata.org/entity/",
    "https://creativecommons.org/licenses/",
    "http://www.iana.org/assignments/media-types/",
    "https://www.w3.org/TR/",
)
SKOS = "http://www.w3.org/2004/02/skos/core#"
DEFINITION = SKOS + "definition"
LABEL = str(RDFS.label)


def _iri(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    assert isinstance(term, ox.NamedNode), term
    return term.value


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]


def _count(store: ox.Store, query: str) -> int:
    (row,) = _rows(store, query)
    return int(row[0].value)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def snapshot_terms() -> dict[str, set[str]]:
    files = sorted(VOCABULARIES.glob("*.ttl")) + sorted(VOCABULARIES.glob("*.nt"))
    assert files, f"no vocabulary snapshots in {VOCABULARIES}"
    terms: dict[str, set[str]] = {}
    for namespace, name in SNAPSHOTS.items():
        path = VOCABULARIES / name
        assert path.is_file(), f"missing snapshot {path}"
        graph = Graph().parse(path, format="nt" if path.suffix == ".nt" else "turtle")
        terms[namespace] = {str(s) for s in graph.subjects() if str(s).startswith(namespace)}
        assert terms[namespace], f"{name} defines no term of {namespace}"
    return terms


# --- 1. the ontology header ---------------------------------------------------------------------


def test_one_ontology_with_version_iri_and_licence(graph_store: ox.Store) -> None:
    rows = _rows(
        graph_store, f"SELECT ?o WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?o a <{OWL.Ontology}> }} }}"
    )
    assert [_iri(r["o"]) for r in rows] == [ONTOLOGY]
    versions = _rows(graph_store, f"SELECT ?v WHERE {{ <{ONTOLOGY}> <{OWL.versionIRI}> ?v }}")
    assert len(versions) == 1
    assert _iri(versions[0]["v"]) != ONTOLOGY
    licences = _rows(
        graph_store, f"SELECT ?l WHERE {{ <{ONTOLOGY}> <http://purl.org/dc/terms/license> ?l }}"
    )
    assert licences, "the ontology has no dct:license"


# --- 2. own terms -------------------------------------------------------------------------------


def test_every_own_term_has_label_definition_and_is_defined_by(graph_store: ox.Store) -> None:
    rows = _rows(
        graph_store,
        f"""
        SELECT ?t (COUNT(DISTINCT ?l) AS ?labels) (COUNT(DISTINCT ?d) AS ?definitions)
               (SAMPLE(?by) AS ?definedBy) WHERE {{
          GRAPH <{ONTOLOGY_GRAPH}> {{
            ?t a ?kind FILTER(STRSTARTS(STR(?t), "{ICG}"))
            OPTIONAL {{ ?t <{LABEL}> ?l }}
            OPTIONAL {{ ?t <{DEFINITION}> ?d }}
            OPTIONAL {{ ?t <{RDFS.isDefinedBy}> ?by }}
          }}
        }} GROUP BY ?t""",
    )
    assert len(rows) > 20, "expected the ontology's own terms"
    problems = []
    for row in rows:
        term = _iri(row["t"])
        if int(row["labels"].value) == 0:  # type: ignore[union-attr]
            problems.append(f"{term}: no rdfs:label")
        if int(row["definitions"].value) == 0:  # type: ignore[union-attr]
            problems.append(f"{term}: no skos:definition")
        if row["definedBy"] is None or row["definedBy"].value != ONTOLOGY:
            problems.append(f"{term}: no rdfs:isDefinedBy <{ONTOLOGY}>")
    assert not problems, "\n".join(problems)


def test_every_own_term_used_is_defined(graph_store: ox.Store) -> None:
    used = {
        _iri(r["t"])
        for r in _rows(
            graph_store,
            f"""
        SELECT DISTINCT ?t WHERE {{
          {{ ?s ?t ?o }} UNION {{ ?s a ?t }}
          FILTER(STRSTARTS(STR(?t), "{ICG}"))
        }}""",
        )
    }
    defined = {
        _iri(r["t"])
        for r in _rows(
            graph_store,
            f"""
        SELECT DISTINCT ?t WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?t a ?k FILTER(isIRI(?t)) }} }}""",
        )
    }
    assert used, "no own term is used"
    assert sorted(used - defined) == []


# --- 3. reused terms exist ----------------------------------------------------------------------


def _namespace_of(iri: str) -> str | None:
    for namespace in (*SNAPSHOTS, *CLOSED):
        if iri.startswith(namespace):
            return namespace
    return None


def _defined_in_closed(namespace: str, local: str) -> bool:
    closed = CLOSED[namespace]
    return local in closed.__annotations__ or local in getattr(closed, "_extras", [])


def test_no_reused_term_is_missing_from_its_vocabulary(
    graph_store: ox.Store, snapshot_terms: dict[str, set[str]]
) -> None:
    iris: set[str] = set()
    for quad in graph_store.quads_for_pattern(None, None, None, None):
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
    assert iris
    unknown, foreign = [], set()
    checked = 0
    for iri in sorted(iris):
        if iri.startswith(NOT_VOCABULARIES) or iri in SNAPSHOTS or iri in CLOSED:
            continue  # a vocabulary's own namespace IRI (void:vocabulary) names no term
        namespace = _namespace_of(iri)
        if namespace is None:
            foreign.add(iri)
            continue
        checked += 1
        if namespace in SNAPSHOTS:
            if iri not in snapshot_terms[namespace]:
                unknown.append(iri)
        elif not _defined_in_closed(namespace, iri[len(namespace) :]):
            unknown.append(iri)
    assert checked > 50
    assert not unknown, f"terms their vocabularies do not define: {unknown}"
    assert not foreign, f"IRIs from vocabularies with no local copy: {sorted(foreign)}"


def test_checker_catches_an_invented_term(snapshot_terms: dict[str, set[str]]) -> None:
    # The same lookup as above must reject a plausible but non-existent term.
    assert "http://www.w3.org/ns/org#memberOf" in snapshot_terms["http://www.w3.org/ns/org#"]
    assert "http://www.w3.org/ns/org#partOf" not in snapshot_terms["http://www.w3.org/ns/org#"]
    assert _defined_in_closed(str(VOID), "triples")
    assert not _defined_in_closed(str(VOID), "tripleCount")


# --- 4. domains and ranges ----------------------------------------------------------------------


@pytest.mark.parametrize("axiom", [RDFS.domain, RDFS.range], ids=["domain", "range"])
def test_no_property_has_several_domains_or_ranges(graph_store: ox.Store, axiom: str) -> None:
    rows = _rows(
        graph_store,
        f"""
        SELECT ?p (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?p <{axiom}> ?c }}
        GROUP BY ?p HAVING (COUNT(DISTINCT ?c) > 1)""",
    )
    assert [(_iri(r["p"]), r["n"].value) for r in rows] == []  # type: ignore[union-attr]
    # The ontology states ranges (it gives no domains: the reasoner would type subjects by them).
    assert _count(graph_store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p <{RDFS.range}> ?c }}") > 0


# --- 5. SKOS ------------------------------------------------------------------------------------


def test_every_concept_is_in_a_scheme_with_one_pref_label_per_language(
    graph_store: ox.Store,
) -> None:
    concepts = {
        _iri(r["c"])
        for r in _rows(graph_store, f"SELECT DISTINCT ?c WHERE {{ ?c a <{SKOS}Concept> }}")
    }
    assert len(concepts) > 20
    in_scheme = {
        _iri(r["c"])
        for r in _rows(
            graph_store,
            f"""
        SELECT DISTINCT ?c WHERE {{ ?c a <{SKOS}Concept> ; <{SKOS}inScheme> ?s }}""",
        )
    }
    assert sorted(concepts - in_scheme) == []
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for row in _rows(
        graph_store,
        f"""
            SELECT ?c ?l WHERE {{ ?c a <{SKOS}Concept> ; <{SKOS}prefLabel> ?l }}""",
    ):
        labels[_iri(row["c"])][row["l"].language or ""] += 1  # type: ignore[union-attr]
    assert sorted(concepts - set(labels)) == [], "concepts without skos:prefLabel"
    several = {c: dict(n) for c, n in labels.items() if any(v > 1 for v in n.values())}
    assert several == {}


# --- 6. VoID ------------------------------------------------------------------------------------


def _void(store: ox.Store, subject: str, prop: str) -> int:
    rows = _rows(
        store,
        f"""SELECT ?n WHERE {{ GRAPH <{METADATA_GRAPH}> {{
        <{subject}> <{VOID}{prop}> ?n }} }}""",
    )
    assert len(rows) == 1, f"{subject} has {len(rows)} void:{prop}"
    return int(rows[0]["n"].value)  # type: ignore[union-attr]


def _dataset(store: ox.Store) -> str:
    rows = _rows(
        store,
        f"""SELECT ?d WHERE {{ GRAPH <{METADATA_GRAPH}> {{
        ?d a <{VOID}Dataset> ; <{VOID}subset> ?s }} }} GROUP BY ?d""",
    )
    assert len(rows) == 1
    return _iri(rows[0]["d"])


def test_void_subsets_are_the_named_graphs_with_their_sizes(graph_store: ox.Store) -> None:
    dataset = _dataset(graph_store)
    subsets = {
        _iri(r["s"])
        for r in _rows(
            graph_store,
            f"""SELECT ?s WHERE {{
        GRAPH <{METADATA_GRAPH}> {{ <{dataset}> <{VOID}subset> ?s }} }}""",
        )
    }
    graphs = {
        _iri(r["g"]): int(r["n"].value)
        for r in _rows(
            graph_store,
            """  # type: ignore[union-attr]
        SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g""",
        )
    }
    assert subsets == set(graphs)  # the metadata graph counts itself too
    assert METADATA_GRAPH in subsets
    assert len(subsets) >= 9
    for graph in subsets:
        assert _void(graph_store, graph, "triples") == graphs[graph], graph


def test_void_dataset_counts_match_the_store(graph_store: ox.Store) -> None:
    dataset = _dataset(graph_store)
    content = "GRAPH ?g { ?s ?p ?o }"  # every graph: the counts include the metadata graph
    triples = _count(
        graph_store,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {content} }} }}",
    )
    subjects = _count(graph_store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {content} }}")
    entities = _count(
        graph_store,
        f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {content}
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }}""",
    )
    assert triples > 5000
    assert _void(graph_store, dataset, "triples") == triples
    assert _void(graph_store, dataset, "distinctSubjects") == subjects
    assert _void(graph_store, dataset, "entities") == entities


def test_build_reports_the_sizes_void_gives(
    built: BuildResult, graph_store: ox.Store, settings: Settings
) -> None:
    assert METADATA_GRAPH in built.graph_sizes
    for graph, size in built.graph_sizes.items():
        assert _void(graph_store, graph, "triples") == size, graph
    assert Path(settings.store).exists()
