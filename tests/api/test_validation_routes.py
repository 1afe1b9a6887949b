"""GET /validation and POST /validate: negotiation, user RDF in four syntaxes, bad input.

GET serves the published graph's report; POST validates the client's RDF with the ontology,
the code lists and every shape, and must leave the served store exactly as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.namespace import RDF

from icgraph import report
from icgraph.api.app import create_app
from icgraph.api.routes import validation as validation_routes
from icgraph.config import Settings
from icgraph.validate import SH

from . import sleepy_validation as sleepy

MAX_BODY = 4_000
ID = "https://w3id.org/icgraph/id/"

USER_TURTLE = """@prefix icg: <https://w3id.org/icgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/state/XX> a icg:MemberState ; rdfs:label "Examplestan"@en .
<https://example.org/law/1> a icg:ConstitutionalProvision ; rdfs:label "Constitution"@en ;
    icg:inState <https://example.org/state/XX> .
"""


class IdleBackend:
    """POST /validate never uses the query backend (GET /validation reads through it)."""

    name = "idle"

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def query(self, request: Any) -> Any:  # pragma: no cover - never called
        raise AssertionError("POST /validate must not query the backend")

    def health(self) -> dict[str, Any]:
        return {"ok": True}


def store_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    target = path.resolve()
    digest.update(str(target).encode())
    for file in sorted(target.rglob("*")):
        if file.is_file():
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def client(store_path: Path, settings: Settings) -> Iterator[TestClient]:
    """The app on the built store, with the embedded backend GET /validation reads through."""
    capped = settings.model_copy(update={"max_body_bytes": MAX_BODY, "query_workers": 1})
    with TestClient(create_app(capped)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def idle_client(store_path: Path, settings: Settings) -> Iterator[TestClient]:
    capped = settings.model_copy(update={"max_body_bytes": MAX_BODY})
    with TestClient(create_app(capped, backend=IdleBackend())) as test_client:
        yield test_client


def user_graph_in(fmt: str) -> bytes:
    graph = Graph().parse(data=USER_TURTLE, format="turtle")
    return graph.serialize(format=fmt).encode("utf-8") if fmt != "turtle" else USER_TURTLE.encode()


# --- GET /validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/json", "application/json"),
        ("text/csv", "text/csv"),
        ("image/svg+xml", "image/svg+xml"),
        ("image/png", "image/png"),
        ("*/*", "text/turtle"),
        ("text/csv;q=0.5, application/json", "application/json"),
    ],
)
def test_get_negotiates(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/validation", headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]


def test_get_format_parameter_wins(client: TestClient) -> None:
    response = client.get("/validation", params={"format": "csv"}, headers={"accept": "text/html"})
    assert response.headers["content-type"].startswith("text/csv")


def test_get_not_acceptable(client: TestClient) -> None:
    response = client.get("/validation", headers={"accept": "application/xml"})
    assert response.status_code == 406
    assert "text/turtle" in response.text
    assert client.get("/validation", params={"format": "xlsx"}).status_code == 406


def test_get_serves_the_published_report(client: TestClient, settings: Settings) -> None:
    turtle = client.get("/validation", headers={"accept": "text/turtle"}).content
    assert turtle == report.render(report.from_store(settings), "turtle")
    graph = Graph().parse(data=turtle, format="turtle")
    warnings = set(graph.subjects(SH.resultSeverity, SH.Warning))
    assert warnings and not set(graph.subjects(SH.resultSeverity, SH.Violation))
    data = client.get("/validation", headers={"accept": "application/json"}).json()
    assert len(data["matrix"]) == 32 * 4
    andorra = {c["element_key"]: c["status"] for c in data["matrix"] if c["code"] == "AD"}
    assert andorra == {
        "legislation": "missing",
        "institutions": "evidence",
        "strategies": "missing",
        "funding": "missing",
    }
    rows = list(
        csv.DictReader(io.StringIO(client.get("/validation", params={"format": "csv"}).text))
    )
    assert len(rows) == 32 * 4


# --- POST /validate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("text/turtle; charset=utf-8", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_post_validates_user_rdf(idle_client: TestClient, content_type: str, fmt: str) -> None:
    client = idle_client
    response = client.post(
        "/validate",
        content=user_graph_in(fmt),
        headers={"content-type": content_type, "accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert [s["iri"] for s in data["states"]] == ["https://example.org/state/XX"]
    status = {c["element_key"]: c["status"] for c in data["matrix"]}
    assert status == {
        "legislation": "evidence",
        "institutions": "missing",
        "strategies": "missing",
        "funding": "missing",
    }
    assert data["header"]["results"]["Warning"] == 3
    assert data["header"]["results"]["Info"] == 6
    # All shapes ran: the integrity shapes find what the user's state and law lack.
    assert data["header"]["results"]["Violation"] > 0
    assert data["header"]["conforms"] is False


def test_post_answers_a_shacl_report_in_turtle_by_default(client: TestClient) -> None:
    response = client.post(
        "/validate", content=USER_TURTLE.encode(), headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationReport))) == 1
    messages = {str(m) for m in graph.objects(None, SH.resultMessage)}
    assert (
        "Examplestan has no evidence of the framework element 'funding streams' (section 2.1, Funding streams)"
        in messages
    )


def test_post_is_deterministic(client: TestClient) -> None:
    first = client.post(
        "/validate", content=USER_TURTLE.encode(), headers={"content-type": "text/turtle"}
    )
    second = client.post(
        "/validate", content=USER_TURTLE.encode(), headers={"content-type": "text/turtle"}
    )
    assert first.content == second.content


def test_post_never_touches_the_served_store(client: TestClient, store_path: Path) -> None:
    before_store = store_fingerprint(store_path)
    before = client.get("/validation", headers={"accept": "application/json"}).content
    response = client.post(
        "/validate", content=USER_TURTLE.encode(), headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 200
    assert store_fingerprint(store_path) == before_store
    after = client.get("/validation", headers={"accept": "application/json"}).content
    assert after == before
    assert b"example.org" not in after


def test_malformed_turtle_names_line_and_column(client: TestClient) -> None:
    body = b'@prefix icg: <https://w3id.org/icgraph/ontology#> .\n\n<a> icg:inState <b> ;; .\n<c> <d> "unterminated .\n'
    response = client.post("/validate", content=body, headers={"content-type": "text/turtle"})
    assert response.status_code == 400
    assert response.text.startswith("Malformed RDF at line ")
    assert "column" in response.text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/n-triples", b"<http://a> <http://b> .\n"),
        ("application/ld+json", b'{"@id": "http://a", "http://b": [}'),
        (
            "application/rdf+xml",
            b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description></rdf:RDF>",
        ),
    ],
)
def test_malformed_rdf_in_other_syntaxes(
    client: TestClient, content_type: str, body: bytes
) -> None:
    response = client.post("/validate", content=body, headers={"content-type": content_type})
    assert response.status_code == 400, response.text
    assert response.text.startswith("Malformed RDF")


def test_unsupported_media_type(client: TestClient) -> None:
    response = client.post("/validate", content=b"a,b\n", headers={"content-type": "text/csv"})
    assert response.status_code == 415
    assert "text/turtle" in response.text
    missing = client.post("/validate", content=USER_TURTLE.encode(), headers={"content-type": ""})
    assert missing.status_code == 415


def test_body_over_the_cap(client: TestClient) -> None:
    body = USER_TURTLE.encode() + b"# " + b"x" * MAX_BODY + b"\n"
    response = client.post("/validate", content=body, headers={"content-type": "text/turtle"})
    assert response.status_code == 413
    assert str(MAX_BODY) in response.text


def test_body_over_the_cap_without_length(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield USER_TURTLE.encode()
        for _ in range(10):
            yield b"# " + b"x" * (MAX_BODY // 4) + b"\n"

    response = client.post("/validate", content=chunks(), headers={"content-type": "text/turtle"})
    assert response.status_code == 413


def test_post_json_keeps_its_shape(client: TestClient) -> None:
    response = client.post(
        "/validate",
        content=USER_TURTLE.encode(),
        headers={"content-type": "text/turtle", "accept": "application/json"},
    )
    data = json.loads(response.content)
    assert {r["number"] for r in data["header"]["not_checked"]} == {1, 2, 7}


# --- Time limit ---------------------------------------------------------------------------------


def test_a_validation_past_its_time_limit_is_stopped(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child is killed at the limit (503) and the server goes on answering.

    The validation is a stand-in that sleeps for the first body and answers the second at
    once, so the outcome depends on the limit alone, not on how loaded the machine is.
    """
    monkeypatch.setattr(validation_routes, "validate_and_render", sleepy.validate_and_render)
    limited = settings.model_copy(update={"validation_timeout": 1.0})
    with TestClient(create_app(limited, backend=IdleBackend())) as limited_client:
        stopped = limited_client.post(
            "/validate",
            content=sleepy.SLEEP_MARKER + b"\n",
            headers={"Content-Type": "text/turtle"},
        )
        assert stopped.status_code == 503
        assert "Validation timeout" in stopped.text and "1 s" in stopped.text
        # The next upload gets a generous limit: the pool may be starting a new child for it,
        # and how long that takes depends on the machine, not on the limit under test.
        limited_client.app.state.settings = settings.model_copy(  # type: ignore[attr-defined]
            update={"validation_timeout": 60.0}
        )
        answered = limited_client.post(
            "/validate", content=b"# quick\n", headers={"Content-Type": "text/turtle"}
        )
        assert answered.status_code == 200
        assert answered.content.startswith(b"answered: # quick")
