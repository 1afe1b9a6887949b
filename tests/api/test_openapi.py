"""The OpenAPI document is true: schemathesis generates requests from it for every operation
and checks every answer against it, with all of its checks, on the real server (uvicorn over
loopback, on the real graph).

The schema is the app's own document, built at import (schemathesis parametrizes at
collection); a quick test checks the server serves that same document. The schemathesis run
is slow (minutes): ``pytest -m slow tests/api/test_openapi.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.config import SchemathesisConfig

from icgraph.api.app import create_app
from icgraph.config import Settings

from ..paths import ROOT
from .serving import running_server

#: The document, from an app that is never started (no store is opened to describe it).
DOCUMENT: dict[str, Any] = create_app(
    Settings(root=ROOT, store_path=ROOT / "var" / "openapi-test-never-opened")
).openapi()

# All checks are on (schemathesis' default). Three operations take a language of their own in
# a string, which no JSON Schema can spell out: a schema-valid SPARQL query, RDF document or
# spreadsheet may still be malformed (400), and a valid query may ask for a format its form
# cannot have (format=csv for a CONSTRUCT: 406); a string is not always a workbook (415).
# These answers are documented for them, so for these only, "valid data accepted" allows them.
CONFIG = """
[generation]
max-examples = 25
# The same examples on every run: a failure seen once is seen again, on any machine.
deterministic = true

[[operations]]
include-path = "/sparql"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "406"]

[[operations]]
include-path = "/self-assessment"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "415"]
generation.max-examples = 5

[[operations]]
include-path = "/validate"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400"]
generation.max-examples = 5
"""

# A query sent as the body itself, N-Triples and old-style Turtle are text: send them as they are.
schemathesis.serializer.alias(
    ["application/sparql-query", "application/n-triples", "application/x-turtle"], "text/plain"
)

schema = schemathesis.openapi.from_dict(DOCUMENT, config=SchemathesisConfig.from_str(CONFIG))


@pytest.fixture(scope="module")
def openapi_server(store_path: Path) -> Iterator[str]:
    with running_server(
        store_path, query_workers=2, query_timeout=5, validation_timeout=20
    ) as base:
        yield base


def test_the_server_serves_this_document(client: TestClient) -> None:
    assert client.get("/openapi.json").json() == DOCUMENT


@pytest.mark.slow
@schema.parametrize()
def test_every_operation_answers_as_documented(case: Any, openapi_server: str) -> None:
    case.call_and_validate(base_url=openapi_server)


# --- What the document says, checked in the default run ---------------------------------------


def _operation(path: str, method: str = "get") -> dict[str, Any]:
    return DOCUMENT["paths"][path][method]  # type: ignore[no-any-return]


def _content(path: str, status: str = "200", method: str = "get") -> set[str]:
    return set(_operation(path, method)["responses"][status].get("content", {}))


RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
GRAPH_TYPES = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}


def test_sparql_is_documented_with_the_media_types_it_sends() -> None:
    assert _content("/sparql") == RESULT_TYPES | GRAPH_TYPES | {"text/html"}
    assert _content("/sparql", method="post") == RESULT_TYPES | GRAPH_TYPES
    for method in ("get", "post"):
        for status in ("400", "403", "406", "413", "415", "503"):
            assert _content("/sparql", status, method) == {"text/plain"}, (method, status)


def test_format_is_declared_once_and_closed() -> None:
    form = _operation("/sparql", "post")["requestBody"]["content"]
    assert set(form["application/x-www-form-urlencoded"]["schema"]["properties"]) == {"query"}
    for path, method in [("/sparql", "get"), ("/sparql", "post"), ("/validation", "get")]:
        names = [p["name"] for p in _operation(path, method)["parameters"]]
        assert len(names) == len(set(names)), (path, method)
        (fmt,) = [p for p in _operation(path, method)["parameters"] if p["name"] == "format"]
        values = fmt["schema"]["enum"]
        assert "" in values and "no-such-format" not in values
        assert "406" in _operation(path, method)["responses"]
    sparql = next(p for p in _operation("/sparql")["parameters"] if p["name"] == "format")
    assert {"tsv", "text/tab-separated-values", "n3", "text/n3", "rdf+xml", "html"} <= set(
        sparql["schema"]["enum"]
    )


def test_an_unknown_format_is_the_documented_406(client: TestClient) -> None:
    answer = client.get("/sparql", params={"query": "ASK {}", "format": "no-such-format"})
    assert answer.status_code == 406
    assert answer.headers["content-type"].startswith("text/plain")
    assert "application/sparql-results+json" in answer.text


def test_validation_is_documented_with_its_report_formats() -> None:
    report_types = {
        "text/turtle",
        "text/html",
        "application/json",
        "text/csv",
        "image/svg+xml",
        "image/png",
    }
    assert _content("/validation") == report_types
    assert _content("/validate", method="post") == report_types
    body = _operation("/validate", "post")["requestBody"]["content"]
    assert set(body) == {
        "text/turtle",
        "application/x-turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    }


def test_the_changelog_is_markdown_and_the_checksums_plain_text(client: TestClient) -> None:
    assert _content("/ontology/changelog") == {"text/markdown"}
    changelog = client.get("/ontology/changelog")
    assert changelog.headers["content-type"].startswith("text/markdown")
    assert changelog.text.startswith("# Changelog of the icgraph ontology")
    assert "text/plain" in _content("/dumps/{name}")
    assert "application/json" not in _content("/dumps/{name}")
    sums = client.get("/dumps/SHA256SUMS")
    assert sums.status_code == 200
    assert sums.headers["content-type"].startswith("text/plain")
    assert "  icgraph.nq" in sums.text


def test_options_on_the_endpoint_names_both_methods(client: TestClient) -> None:
    answer = client.options("/sparql")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"


def test_a_json_ld_body_must_be_an_object_or_array(client: TestClient) -> None:
    for body in (b'"AAA"', b"42", b"  ", b"null"):
        answer = client.post(
            "/validate", content=body, headers={"Content-Type": "application/ld+json"}
        )
        assert answer.status_code == 400, body
        assert "a JSON-LD document is a JSON object or array" in answer.text
    empty = client.post("/validate", content=b"[]", headers={"Content-Type": "application/ld+json"})
    assert empty.status_code == 200, empty.text
