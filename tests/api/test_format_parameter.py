"""The ``format`` parameter: repeated values that agree are one format; values that disagree
are a 400 saying which; N3 is answered in Turtle (a Turtle document is an N3 document)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from icgraph.api.errors import InvalidRequest
from icgraph.api.formats import BY_NAME, choose
from icgraph.api.protocol import from_get, from_post

SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"


@pytest.mark.parametrize(
    ("values", "kept"),
    [
        # What SPARQLWrapper 2 sends with its default settings (onlyConneg=False).
        (["tsv", "text/tab-separated-values"], "tsv"),
        (["rdf+xml", "application/rdf+xml"], "rdf+xml"),
        (["json-ld", "application/ld+json,application/x-json+ld"], "json-ld"),
        (["json", "JSON", " json "], "json"),
        (["csv", "", "text/csv"], "csv"),
        (["ttl", "turtle", "text/turtle", "n3", "text/n3"], "ttl"),
    ],
)
def test_repeated_formats_that_agree_are_one_format(values: list[str], kept: str) -> None:
    params = [("query", SELECT), *(("format", v) for v in values)]
    assert from_get(params).format == kept


@pytest.mark.parametrize(
    "values",
    [
        ["json", "xml"],
        ["tsv", "text/csv"],
        ["turtle", "application/n-triples"],
        ["tsv", "no-such-format"],
        # 'json' is SPARQL JSON for a SELECT and JSON-LD for a graph; 'json-ld' only the latter.
        ["json", "json-ld"],
    ],
)
def test_repeated_formats_that_disagree_are_a_400_naming_them(values: list[str]) -> None:
    params = [("query", SELECT), *(("format", v) for v in values)]
    with pytest.raises(InvalidRequest) as raised:
        from_get(params)
    message = raised.value.message
    assert f"given {len(values)} times and names different formats" in message
    for value in values:
        assert repr(value) in message


def test_formats_in_the_url_and_the_form_are_read_together() -> None:
    operation = from_post(
        [("format", "tsv")],
        "application/x-www-form-urlencoded",
        b"query=ASK%7B%7D&format=text%2Ftab-separated-values",
    )
    assert operation.format == "tsv"
    with pytest.raises(InvalidRequest, match="names different formats"):
        from_post(
            [("format", "tsv")], "application/x-www-form-urlencoded", b"query=ASK{}&format=csv"
        )


@pytest.mark.parametrize("key", ["n3", "text/n3", "N3"])
def test_n3_is_served_as_turtle(key: str) -> None:
    choice = choose(None, key)
    assert choice.graph == BY_NAME["turtle"]
    assert choice.solutions is None and choice.boolean is None
    assert choose("text/n3", None).graph == BY_NAME["turtle"]


def test_over_http(client: TestClient) -> None:
    query = "ASK { ?s <https://w3id.org/icgraph/ontology#alpha2Code> 'ES' }"
    agreed = client.get(
        "/sparql",
        params=[("query", query), ("format", "tsv"), ("format", "text/tab-separated-values")],
    )
    assert agreed.status_code == 200, agreed.text
    assert agreed.headers["content-type"].startswith("text/tab-separated-values")
    assert agreed.text.strip() == "true"
    clash = client.get("/sparql", params=[("query", query), ("format", "json"), ("format", "xml")])
    assert clash.status_code == 400
    assert "names different formats ('json', 'xml')" in clash.text
    construct = "CONSTRUCT WHERE { <https://w3id.org/icgraph/id/state/ES> ?p ?o }"
    for request in (
        {"params": {"query": construct, "format": "n3"}},
        {"params": {"query": construct}, "headers": {"Accept": "text/n3"}},
    ):
        answer = client.get("/sparql", **request)  # type: ignore[arg-type]
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/turtle")
        assert '"Spain"@en' in answer.text


@pytest.mark.parametrize(("given", "kept"), [("0.001", 1.0), ("1", 1.0), ("2.5", 2.5)])
def test_a_timeout_under_a_second_counts_as_one(given: str, kept: float) -> None:
    # Below a second even a trivial query would be stopped by the round trip to a worker.
    assert from_get([("query", SELECT), ("timeout", given)]).timeout == kept
