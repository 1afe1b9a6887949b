"""Correct answers in every format, the union default graph, the result cap, health and docs."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
import rdflib

from .conftest import MAX_RESULTS

STATES = "SELECT ?name WHERE { ?s a icg:MemberState ; rdfs:label ?name } ORDER BY ?name"
NAMES = ["Austria", "Cyprus", "Norway"]
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def client(api_server: str) -> httpx.Client:
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c  # type: ignore[misc]


def _names_json(body: bytes) -> list[str]:
    return [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]]


def _names_xml(body: bytes) -> list[str]:
    return [e.text or "" for e in ET.fromstring(body).iter(SRX + "literal")]


def _names_csv(body: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["name"]
    return [r[0] for r in rows[1:]]


def _names_tsv(body: bytes) -> list[str]:
    lines = body.decode().splitlines()
    assert lines[0] == "?name"
    return [line.removesuffix("@en").strip('"') for line in lines[1:]]


@pytest.mark.parametrize(
    ("accept", "media_type", "read"),
    [
        (None, "application/sparql-results+json", _names_json),
        ("application/sparql-results+json", "application/sparql-results+json", _names_json),
        ("application/sparql-results+xml", "application/sparql-results+xml", _names_xml),
        ("text/csv", "text/csv", _names_csv),
        ("text/tab-separated-values", "text/tab-separated-values", _names_tsv),
        # q-values: the client prefers XML, and takes JSON only as a fallback.
        (
            "application/sparql-results+json;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
            _names_xml,
        ),
        ("text/html, */*;q=0.1", "application/sparql-results+json", _names_json),
        ("text/csv;q=0, text/*", "text/tab-separated-values", _names_tsv),
    ],
)
def test_select_in_every_results_format(
    client: httpx.Client, accept: str | None, media_type: str, read
) -> None:  # noqa: ANN001
    headers = {"accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": STATES}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media_type
    assert read(r.content) == NAMES


@pytest.mark.parametrize(
    ("key", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("text/csv", "text/csv"),
    ],
)
def test_format_parameter_overrides_accept(client: httpx.Client, key: str, media_type: str) -> None:
    r = client.get(
        "/sparql",
        params={"query": STATES, "format": key},
        headers={"accept": "application/sparql-results+json;q=0.1"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", b'"boolean":true'),
        ("application/sparql-results+xml", b"<boolean>true</boolean>"),
    ],
)
def test_ask(client: httpx.Client, accept: str, expected: bytes) -> None:
    r = client.post(
        "/sparql", data={"query": 'ASK { ?s icg:alpha2Code "CY" }'}, headers={"accept": accept}
    )
    assert r.status_code == 200
    assert expected in r.content


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_graph_format(
    client: httpx.Client, accept: str, rdflib_format: str
) -> None:
    query = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a icg:MemberState ; rdfs:label ?l }"
    r = client.post(
        "/sparql",
        content=query.encode(),
        headers={"content-type": "application/sparql-query", "accept": accept},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    assert sorted(str(o) for o in graph.objects()) == NAMES


def test_describe(client: httpx.Client) -> None:
    r = client.get(
        "/sparql",
        params={"query": "DESCRIBE id:state\\/NO"},
        headers={"accept": "application/n-triples"},
    )
    assert r.status_code == 200
    graph = rdflib.Graph().parse(data=r.content, format="nt")
    assert rdflib.Literal("NO") in set(graph.objects())


def test_default_graph_is_the_union_of_named_graphs(client: httpx.Client) -> None:
    # States and funding streams live in different named graphs; a join across them works
    # without naming any graph.
    query = "SELECT ?name WHERE { ?f a icg:FundingStream ; icg:inState/rdfs:label ?name } ORDER BY ?name"
    r = client.get("/sparql", params={"query": query})
    assert _names_json(r.content) == ["Austria", "Norway"]


def test_default_graph_uri_narrows_the_default_graph(client: httpx.Client) -> None:
    query = "SELECT ?name WHERE { ?f a icg:FundingStream ; icg:inState/rdfs:label ?name }"
    r = client.get(
        "/sparql",
        params={"query": query, "default-graph-uri": "https://w3id.org/icgraph/graph/frameworks"},
    )
    assert r.status_code == 200
    assert _names_json(r.content) == []


def test_relative_iris_resolve_against_the_graph_base(client: httpx.Client) -> None:
    r = client.get(
        "/sparql",
        params={"query": "ASK { <id/state/AT> a icg:MemberState }"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert r.json()["boolean"] is True


def test_from_clause_is_honoured(client: httpx.Client) -> None:
    query = (
        "SELECT ?name FROM <https://w3id.org/icgraph/graph/states> "
        "WHERE { ?s rdfs:label ?name } ORDER BY ?name"
    )
    assert _names_json(client.get("/sparql", params={"query": query}).content) == NAMES


def test_results_over_the_cap_are_cut_and_flagged(client: httpx.Client) -> None:
    values = " ".join(str(i) for i in range(MAX_RESULTS * 3))
    query = f"SELECT ?i WHERE {{ VALUES ?i {{ {values} }} }}"
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200
    rows = json.loads(r.content)["results"]["bindings"]
    assert [int(b["i"]["value"]) for b in rows] == list(range(MAX_RESULTS))
    assert r.headers["x-sparql-maxrows"] == str(MAX_RESULTS)
    assert "truncated" in r.headers["warning"]


def test_graph_results_over_the_cap_are_cut(client: httpx.Client) -> None:
    values = " ".join(str(i) for i in range(MAX_RESULTS + 1))
    query = f"CONSTRUCT {{ <urn:x> <urn:p> ?i }} WHERE {{ VALUES ?i {{ {values} }} }}"
    r = client.get("/sparql", params={"query": query}, headers={"accept": "text/turtle"})
    assert len(rdflib.Graph().parse(data=r.content, format="turtle")) == MAX_RESULTS
    assert r.headers["x-sparql-maxrows"] == str(MAX_RESULTS)


def test_results_at_the_cap_are_not_flagged(client: httpx.Client) -> None:
    values = " ".join(str(i) for i in range(MAX_RESULTS))
    r = client.get("/sparql", params={"query": f"SELECT ?i {{ VALUES ?i {{ {values} }} }}"})
    assert len(json.loads(r.content)["results"]["bindings"]) == MAX_RESULTS
    assert "x-sparql-maxrows" not in r.headers


def test_repeated_queries_are_answered_from_the_cache(client: httpx.Client) -> None:
    query = STATES + " # cache test"
    first = client.get("/sparql", params={"query": query})
    hits = client.get("/health").json()["cache"]["hits"]
    second = client.get("/sparql", params={"query": query})
    assert second.content == first.content
    assert client.get("/health").json()["cache"]["hits"] == hits + 1
    other = client.get("/sparql", params={"query": query}, headers={"accept": "text/csv"})
    assert other.headers["content-type"].startswith("text/csv")


def test_health(client: httpx.Client) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["backend"] == "embedded" and body["workers"] == 2


def test_openapi_documents_the_endpoint(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    get = spec["paths"]["/sparql"]["get"]
    assert get["description"].startswith("Run a SPARQL query given as ?query=")
    assert {p["name"] for p in get["parameters"]} >= {
        "query",
        "default-graph-uri",
        "named-graph-uri",
        "format",
        "timeout",
    }
    post = spec["paths"]["/sparql"]["post"]
    assert set(post["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded",
        "application/sparql-query",
    }
    assert client.get("/docs").status_code == 200
