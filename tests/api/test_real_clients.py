"""SPARQLWrapper and rdflib's SPARQLStore, with their default settings, against the real server
(uvicorn over a loopback socket) on the real graph.

SPARQLWrapper offers nine return formats and four query forms: every pair is tried. A pair
the protocol can answer (a results format for SELECT and ASK, a graph format for CONSTRUCT and
DESCRIBE) must come back as the answer, converted by SPARQLWrapper without a warning; any other
pair is a 406 naming the formats there are. The expected answers are read from the data files
with rdflib, not from the endpoint.
"""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.dom.minidom import Document, Element

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper import RDF as RDF_GRAPH
from SPARQLWrapper.Wrapper import _allowedFormats

from ..paths import DATA
from .serving import running_server

ICG = "https://w3id.org/icgraph/ontology#"
SPAIN = URIRef("https://w3id.org/icgraph/id/state/ES")
STATES_GRAPH = URIRef("https://w3id.org/icgraph/graph/states")
PROLOGUE = f"PREFIX icg: <{ICG}>\nPREFIX rdfs: <{RDFS}>\n"

SELECT = PROLOGUE + (
    "SELECT ?code ?label WHERE { ?state a icg:MemberState ; icg:alpha2Code ?code ; "
    "rdfs:label ?label } ORDER BY ?code"
)
ASK_TRUE = PROLOGUE + 'ASK { ?state icg:alpha2Code "ES" ; rdfs:label "Spain"@en }'
ASK_FALSE = PROLOGUE + 'ASK { ?state icg:alpha2Code "ES" ; rdfs:label "France"@en }'
CONSTRUCT = PROLOGUE + (
    "CONSTRUCT { ?state rdfs:label ?label } WHERE { ?state a icg:MemberState ; rdfs:label ?label }"
)
DESCRIBE = f"DESCRIBE <{SPAIN}>"

RESULT_FORMATS = (JSON, XML, CSV, TSV)
GRAPH_FORMATS = (TURTLE, N3, XML, RDFXML, RDF_GRAPH, JSONLD, JSON)
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
#: What SPARQLWrapper's convert() warns when the answer is not in the format it asked for.
#: (For RDF, and JSON with a graph, it also warns before asking that it sends Accept: */*.)
ANSWER_MISMATCH = "Format requested was|unknown response content type"


@pytest.fixture(scope="module")
def states_file() -> Graph:
    """data/states.ttl as rdflib reads it: the expected answers."""
    path = DATA / "states.ttl"
    assert path.is_file()
    return Graph().parse(path)


@pytest.fixture(scope="module")
def expected_states(states_file: Graph) -> list[tuple[str, Literal]]:
    rows = [(str(code), label) for code, label in states_file.query(SELECT)]  # type: ignore[misc]
    assert len(rows) == 32  # the 32 member states that answered the survey
    assert ("ES", Literal("Spain", lang="en")) in rows
    return rows


@pytest.fixture(scope="module")
def url(store_path: Path) -> Iterator[str]:
    with running_server(store_path, query_workers=1) as base:
        yield base + "/sparql"


def _run(url: str, query: str, fmt: str, method: str = "GET") -> Any:
    client = SPARQLWrapper(url)  # default settings: GET, onlyConneg off, format sent as well
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.queryAndConvert()


def test_every_sparqlwrapper_format_is_covered() -> None:
    assert set(_allowedFormats) == set(RESULT_FORMATS) | set(GRAPH_FORMATS)
    # Five formats that are no results format for SELECT and ASK, two no graph format.
    assert len(MISMATCHED) == 2 * 5 + 2 * 2


def _xml_rows(document: Document) -> list[tuple[str, str]]:
    rows = []
    for result in document.getElementsByTagNameNS(RESULTS_NS, "result"):
        values: dict[str, str] = {}
        for binding in result.getElementsByTagNameNS(RESULTS_NS, "binding"):
            term = next(n for n in binding.childNodes if isinstance(n, Element))
            values[binding.getAttribute("name")] = term.firstChild.data  # type: ignore[union-attr]
            if term.getAttribute("xml:lang"):
                values["lang"] = term.getAttribute("xml:lang")
        rows.append((values["code"], values["label"] + "@" + values.get("lang", "")))
    return rows


def _select_rows(fmt: str, answer: Any) -> list[tuple[str, str]]:
    """``(code, "label@lang")`` rows from what SPARQLWrapper's convert() gives."""
    if fmt == JSON:
        return [
            (b["code"]["value"], b["label"]["value"] + "@" + b["label"].get("xml:lang", ""))
            for b in answer["results"]["bindings"]
        ]
    if fmt == XML:
        return _xml_rows(answer)
    text = answer.decode("utf-8")
    if fmt == CSV:  # CSV carries no language tags
        reader = csv.reader(io.StringIO(text))
        assert next(reader) == ["code", "label"]
        return [(code, label + "@en") for code, label in reader]
    lines = text.splitlines()
    assert lines[0] == "?code\t?label"
    rows = []
    for line in lines[1:]:  # "AD"<tab>"Andorra"@en
        code, label = line.split("\t")
        value, _, lang = label.rpartition("@")
        rows.append((code.strip('"'), value.strip('"') + "@" + lang))
    return rows


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", RESULT_FORMATS)
def test_select_in_every_results_format(
    url: str, fmt: str, method: str, expected_states: list[tuple[str, Literal]]
) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", ANSWER_MISMATCH, RuntimeWarning)
        answer = _run(url, SELECT, fmt, method)
    expected = [(code, f"{label}@{label.language}") for code, label in expected_states]
    assert _select_rows(fmt, answer) == expected
    assert ("ES", "Spain@en") in _select_rows(fmt, answer)


def _boolean(fmt: str, answer: Any) -> bool:
    if fmt == JSON:
        return bool(answer["boolean"])
    if fmt == XML:
        text = answer.getElementsByTagNameNS(RESULTS_NS, "boolean")[0].firstChild.data
    else:
        text = answer.decode("utf-8").strip()
    assert text in ("true", "false")
    return text == "true"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", RESULT_FORMATS)
def test_ask_in_every_results_format(url: str, fmt: str, method: str) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", ANSWER_MISMATCH, RuntimeWarning)
        assert _boolean(fmt, _run(url, ASK_TRUE, fmt, method)) is True
        assert _boolean(fmt, _run(url, ASK_FALSE, fmt, method)) is False


def _graph(answer: Any) -> Graph:
    """SPARQLWrapper gives a Graph for RDF/XML and JSON-LD, and the text for Turtle and N3."""
    if isinstance(answer, Graph):
        return answer
    assert isinstance(answer, bytes)
    return Graph().parse(data=answer.decode("utf-8"), format="turtle")


def _fetch(url: str, query: str, accept: str) -> bytes:
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return response.read()  # type: ignore[no-any-return]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_construct_in_every_graph_format(
    url: str, fmt: str, method: str, states_file: Graph
) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", ANSWER_MISMATCH, RuntimeWarning)
        graph = _graph(_run(url, CONSTRUCT, fmt, method))
    expected = set(states_file.query(CONSTRUCT))  # type: ignore[arg-type]
    assert len(expected) == 32
    assert set(graph) == expected
    assert (SPAIN, RDFS.label, Literal("Spain", lang="en")) in graph


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_describe_in_every_graph_format(url: str, fmt: str, method: str) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", ANSWER_MISMATCH, RuntimeWarning)
        graph = _graph(_run(url, DESCRIBE, fmt, method))
    assert (SPAIN, RDFS.label, Literal("Spain", lang="en")) in graph
    assert (SPAIN, URIRef(ICG + "alpha2Code"), Literal("ES")) in graph
    assert (SPAIN, RDF.type, URIRef(ICG + "MemberState")) in graph
    # The same description whichever format carried it: the N-Triples answer, read by pyoxigraph.
    reference = {
        tuple(term.value for term in (q.subject, q.predicate, q.object))
        for q in ox.parse(
            _fetch(url, DESCRIBE, "application/n-triples"), format=ox.RdfFormat.N_TRIPLES
        )
    }
    assert {tuple(str(t) for t in triple) for triple in graph} == reference


MISMATCHED = [
    (form, fmt)
    for form in FORMS
    for fmt in sorted(set(_allowedFormats))
    if fmt not in (RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS)
]
QUERIES = {"SELECT": SELECT, "ASK": ASK_TRUE, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}


@pytest.mark.parametrize(("form", "fmt"), MISMATCHED, ids=[f"{f}-{m}" for f, m in MISMATCHED])
def test_a_format_the_query_form_cannot_have_is_a_406_naming_the_ones_it_can(
    url: str, form: str, fmt: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SPARQLWrapper warns that it sends Accept: */*
        with pytest.raises(urllib.error.HTTPError) as raised:
            _run(url, QUERIES[form], fmt)
    assert raised.value.code == 406
    message = raised.value.read().decode()
    wanted = "text/turtle" if form in ("CONSTRUCT", "DESCRIBE") else "text/tab-separated-values"
    assert "No acceptable format" in message and wanted in message


# --- rdflib's SPARQLStore ---------------------------------------------------------------------


def test_sparqlstore_triples(url: str) -> None:
    graph = Graph(store=SPARQLStore(url))
    about_spain = set(graph.triples((SPAIN, None, None)))
    assert (SPAIN, RDFS.label, Literal("Spain", lang="en")) in about_spain
    assert (SPAIN, URIRef(ICG + "alpha3Code"), Literal("ESP")) in about_spain
    states = set(graph.subjects(RDF.type, URIRef(ICG + "MemberState")))
    assert len(states) == 32 and SPAIN in states


def test_sparqlstore_query(url: str, expected_states: list[tuple[str, Literal]]) -> None:
    graph = Graph(store=SPARQLStore(url))
    result = graph.query(SELECT)
    assert [str(v) for v in result.vars or []] == ["code", "label"]
    assert [(str(code), label) for code, label in result] == expected_states  # type: ignore[misc]


def test_sparqlstore_len_is_the_union_of_the_named_graphs(url: str, graph_store: ox.Store) -> None:
    graph = Graph(store=SPARQLStore(url))
    union = {
        (q.subject, q.predicate, q.object) for q in graph_store.quads_for_pattern(None, None, None)
    }
    assert len(union) > 5000
    assert len(graph) == len(union)


def test_sparqlstore_named_graph_by_get_context(
    url: str, states_file: Graph, graph_store: ox.Store
) -> None:
    dataset = Dataset(store=SPARQLStore(url))
    # Dataset.contexts() first registers its default graph, which a read-only store refuses;
    # the store lists the named graphs itself (SELECT ?name WHERE { GRAPH ?name {} }).
    names = set(dataset.store.contexts())
    assert STATES_GRAPH in names
    assert names == {URIRef(g.value) for g in graph_store.named_graphs()}
    states = dataset.get_context(STATES_GRAPH)
    assert len(states_file) > 200  # data/states.ttl: 32 states, their codes, memberships, cities
    assert len(states) == len(states_file)
    assert set(states.triples((None, None, None))) == set(states_file)
    assert set(states.objects(SPAIN, RDFS.label)) == {Literal("Spain", lang="en")}
