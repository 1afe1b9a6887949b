"""The tools researchers already use get correct answers: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from icgraph.namespaces import PREFIXES

from .catalogue_cases import CASES, Case

# Clients other than ours do not know the endpoint's default prefixes, and rdflib parses
# the query itself before sending it, so the tests declare them as a catalogue user would.
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@pytest.fixture(scope="module")
def url(catalogue_server: str) -> str:
    return catalogue_server + "/sparql"


def _wrapper(url: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(url: str, case: Case, method: str) -> None:
    result = _wrapper(url, case.query, JSON, method).queryAndConvert()
    assert tuple(result["head"]["vars"]) == case.variables
    rows = tuple(
        tuple(b[v]["value"] for v in case.variables) for b in result["results"]["bindings"]
    )
    assert rows == case.rows


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_sparqlwrapper_xml(url: str, case: Case) -> None:
    document = _wrapper(url, case.query, XML).queryAndConvert()
    ns = "http://www.w3.org/2005/sparql-results#"
    rows = tuple(
        tuple(
            r.getElementsByTagNameNS(ns, "binding")[i].firstChild.firstChild.data
            for i in range(len(case.variables))
        )
        for r in document.getElementsByTagNameNS(ns, "result")
    )
    assert rows == case.rows


def test_sparqlwrapper_csv(url: str) -> None:
    case = CASES[0]
    text = _wrapper(url, case.query, CSV).queryAndConvert().decode()
    lines = text.splitlines()
    assert lines[0] == ",".join(case.variables)
    assert tuple(tuple(line.split(",")) for line in lines[1:]) == case.rows


def test_sparqlwrapper_construct_turtle(url: str) -> None:
    client = _wrapper(
        url, "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a icg:MemberState ; rdfs:label ?l }", TURTLE
    )
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) == 3
    assert Literal("Cyprus", lang="en") in set(graph.objects())


def test_sparqlwrapper_ask(url: str) -> None:
    assert _wrapper(url, 'ASK { ?s icg:alpha2Code "NO" }', JSON).queryAndConvert()["boolean"]


def test_sparqlwrapper_reports_syntax_errors(url: str) -> None:
    with pytest.raises(QueryBadFormed, match="line 1, column"):
        _wrapper(url, "SELECT * WHERE { ?s ?p }", JSON).queryAndConvert()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rdflib_sparqlstore(url: str, case: Case) -> None:
    store = SPARQLStore(url, returnFormat="xml")
    graph = Graph(store=store)
    result = graph.query(PROLOGUE + case.query)
    assert tuple(str(v) for v in result.vars) == case.variables
    assert tuple(tuple(str(term) for term in row) for row in result) == case.rows


def test_rdflib_sparqlstore_triples(url: str) -> None:
    graph = Graph(store=SPARQLStore(url, returnFormat="json"))
    cyprus = URIRef(PREFIXES["id"] + "state/CY")
    labels = set(graph.objects(cyprus, URIRef(PREFIXES["rdfs"] + "label")))
    assert labels == {Literal("Cyprus", lang="en")}
