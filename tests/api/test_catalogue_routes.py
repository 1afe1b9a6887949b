"""The query catalogue over HTTP (/queries), on the real graph: listing, running, parameters."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from icgraph.catalogue import load_catalogue
from icgraph.query import select

from ..paths import QUERIES

CATALOGUE = load_catalogue(QUERIES)
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


def _bindings(response_body: bytes) -> list[dict[str, str]]:
    data = json.loads(response_body)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def test_catalogue_is_not_empty() -> None:
    assert len(CATALOGUE) >= 10


def test_list_names_every_query_with_its_parameters(client: TestClient) -> None:
    response = client.get("/queries")
    assert response.status_code == 200
    listed = {entry["name"]: entry for entry in response.json()}
    assert set(listed) == set(CATALOGUE)
    for name, query in CATALOGUE.items():
        assert listed[name]["title"] == query.title
        assert [p["name"] for p in listed[name]["parameters"]] == [p.name for p in query.parameters]
        assert listed[name]["url"].endswith(f"/queries/{name}")


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_query_answers_as_the_store_does(
    client: TestClient, graph_store: ox.Store, name: str
) -> None:
    response = client.get(f"/queries/{name}", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    entry = CATALOGUE[name]
    # Unbound parameters take their declared defaults (cq08: health, cq09: national minorities).
    expected = select(graph_store, entry.text, bindings=entry.bindings([]))
    assert _bindings(response.content) == expected
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("fmt", list(MEDIA))
def test_every_result_format(client: TestClient, fmt: str) -> None:
    by_param = client.get("/queries/cq01-responding-states", params={"format": fmt})
    by_accept = client.get("/queries/cq01-responding-states", headers={"Accept": MEDIA[fmt]})
    for response in (by_param, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == MEDIA[fmt]
    assert by_param.content == by_accept.content
    if fmt == "csv":
        table = list(csv.DictReader(io.StringIO(by_param.text)))
        assert len(table) == 32


def test_state_parameter_narrows_the_answer(client: TestClient, graph_store: ox.Store) -> None:
    everything = _bindings(client.get("/queries/cq10-practice-provenance").content)
    portugal = client.get("/queries/cq10-practice-provenance", params={"state": "pt"})
    assert portugal.status_code == 200
    only = _bindings(portugal.content)
    assert only and len(only) < len(everything)
    assert {row["alpha2"] for row in only} == {"PT"}
    expected = select(
        graph_store,
        CATALOGUE["cq10-practice-provenance"].text,
        bindings={"alpha2": ox.Literal("PT")},
    )
    assert only == expected


def test_iri_parameter(client: TestClient) -> None:
    health = _bindings(client.get("/queries/cq08-health-practices").content)
    education = client.get(
        "/queries/cq08-health-practices",
        params={"field": "https://w3id.org/icgraph/id/field/education"},
    )
    assert education.status_code == 200
    assert _bindings(education.content) != health


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("cq10-practice-provenance", {"state": "Portugal"}),
        ("cq10-practice-provenance", {"state": "P1"}),
        ("cq10-practice-provenance", {"country": "PT"}),
        ("cq01-responding-states", {"state": "PT"}),
        ("cq08-health-practices", {"field": "education"}),
        ("cq08-health-practices", {"field": "https://w3id.org/icgraph/id/field/<x>"}),
    ],
)
def test_bad_parameter_is_a_400(client: TestClient, query: str, params: dict[str, str]) -> None:
    response = client.get(f"/queries/{query}", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/plain")


def test_repeated_parameter_is_a_400(client: TestClient) -> None:
    response = client.get("/queries/cq10-practice-provenance?state=PT&state=ES")
    assert response.status_code == 400


def test_unknown_query_is_a_404_with_the_known_names(client: TestClient) -> None:
    response = client.get("/queries/cq99-nothing")
    assert response.status_code == 404
    for name in CATALOGUE:
        assert name in response.text


def test_unacceptable_format_is_a_406(client: TestClient) -> None:
    assert (
        client.get("/queries/cq01-responding-states", params={"format": "png"}).status_code == 406
    )
    assert (
        client.get("/queries/cq01-responding-states", headers={"Accept": "image/png"}).status_code
        == 406
    )


def test_openapi_describes_every_query_and_its_parameters(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/queries" in paths and "/queries/{name}" in paths
    for name, query in CATALOGUE.items():
        operation = paths[f"/queries/{name}"]["get"]
        assert operation["summary"] == query.title
        documented = {p["name"] for p in operation["parameters"]}
        assert documented == {p.name for p in query.parameters} | {"format"}
        assert set(MEDIA.values()) <= set(operation["responses"]["200"]["content"])
