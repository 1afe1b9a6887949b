"""Hostile input of issue 10 against a real server: each gets a 4xx that says why, and no
worker dies.

Before the guards, nested queries killed a query worker (SIGSEGV, then a 503), a bad code
point gave a 500, a 930-byte RDF/XML body grew a validation child to 8 GB, and a long GET
URL got uvicorn's bare "400 Invalid HTTP request received.".
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from icgraph.api.limits import UrlLimit

from ..test_rdf_guards import RDF, laughs, nested_jsonld
from .conftest import CORS_ORIGIN, Listener
from .serving import running_server

QUERY = {"content-type": "application/sparql-query"}


@pytest.fixture(scope="module")
def client(fixture_store: Path) -> Iterator[httpx.Client]:
    """The server with its default limits (the shared one has a 20 KB body cap)."""
    with (
        running_server(fixture_store, query_workers=2, cors_origins=[CORS_ORIGIN]) as base,
        httpx.Client(base_url=base, timeout=60) as c,
    ):
        yield c


def workers(client: httpx.Client) -> tuple[list[int], int]:
    health = client.get("/health").json()
    return health["pids"], health["replaced"]


# --- queries that used to kill a worker ----------------------------------------------------------

DEEP = {
    "3,000 nested {": ("SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000, "DEPTH"),
    "5,000-deep (": (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }",
        "DEPTH",
    ),
    "5x10^4 UNION branches": (
        "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 50_000) + " }",
        "ELEMENTS",
    ),
}


@pytest.mark.parametrize("name", DEEP)
def test_a_query_past_a_limit_is_400_and_no_worker_dies(client: httpx.Client, name: str) -> None:
    text, limit = DEEP[name]
    assert len(text.encode()) < 1_000_000  # under the default body cap
    before = workers(client)
    r = client.post("/sparql", content=text, headers=QUERY)
    assert r.status_code == 400, r.text
    assert f"(ICGRAPH_QUERY_MAX_{limit})" in r.text
    assert "at line 1, column" in r.text
    assert workers(client) == before
    # The same workers go on answering.
    ok = client.post("/sparql", content="ASK { ?s ?p ?o }", headers=QUERY)
    assert ok.json() == {"head": {}, "boolean": True}
    assert workers(client) == before


AT_THE_LIMIT = {
    "100 nested {": "SELECT * WHERE " + "{" * 100 + " ?s ?p ?o " + "}" * 100,
    # The shape that crashes soonest per element: 2,600 (1 AS ?v) in a worker's 8 MiB stack.
    "299 projections": "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(299)) + " {}",
    # 1 + 150 groups and 149 UNIONs: 300 elements, the limit.
    "149 UNIONs": "SELECT ?s WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 150) + " }",
}


@pytest.mark.parametrize("name", AT_THE_LIMIT)
def test_at_the_limits_the_engine_answers(client: httpx.Client, name: str) -> None:
    before = workers(client)
    r = client.post(
        "/sparql",
        content=AT_THE_LIMIT[name],
        headers={**QUERY, "accept": "text/tab-separated-values"},
    )
    assert r.status_code == 200, r.text
    assert workers(client) == before


def test_a_code_point_outside_unicode_is_400(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": 'ASK { FILTER("\\U00110000" = ?o) }'})
    assert r.status_code == 400
    assert r.text.startswith("Query syntax error at line 1, column 15: \\U00110000 is not")


# --- messages that name the mistake ---------------------------------------------------------------


def test_a_misspelt_form_is_an_unknown_keyword(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELEC * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400
    assert r.text.startswith("Query syntax error at line 1, column 1: unknown keyword SELEC")


def test_an_undeclared_prefix_is_named(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s foo:p ?o }"})
    assert r.status_code == 400
    assert r.text.startswith("Query syntax error at line 2, column 6: undefined prefix foo:")
    # The predeclared prefixes need no declaration.
    ok = client.get("/sparql", params={"query": "ASK { ?s a icg:MemberState }"})
    assert ok.json()["boolean"] is True


# --- long URLs -------------------------------------------------------------------------------------


def raw_get(base: str, target: str) -> tuple[str, str]:
    """Status line and body of a GET sent over a socket (httpx refuses URLs over 64 KB)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), body.decode()


def test_a_2_mb_get_url_is_414_with_the_advice_to_post(client: httpx.Client) -> None:
    # Longer than httptools can parse: answered by the server's protocol (api/server.py).
    target = "/sparql?query=" + quote("ASK { ?s ?p ?o } #" + "x" * 2_000_000)
    status, body = raw_get(str(client.base_url), target)
    assert status == "HTTP/1.1 414 Request-URI Too Long"
    assert body == (
        f"request URL too long: {len(target)} bytes, over the limit of 32768 "
        "(ICGRAPH_MAX_URL_BYTES); send the query as POST (application/sparql-query or a form)\n"
    )
    assert workers(client)[0]  # the server is still there


def test_a_url_over_the_apps_limit_is_414_from_the_app(client: httpx.Client) -> None:
    # 40 KB: the server passes it on, and the app answers, inside CORS.
    r = client.get("/id/state/AT", params={"x": "y" * 40_000}, headers={"origin": CORS_ORIGIN})
    assert r.status_code == 414
    assert r.text.startswith("request URL too long: 40015 bytes, over the limit of 32768")
    assert r.text.rstrip().endswith("send it as POST")
    assert r.headers["access-control-allow-origin"] == CORS_ORIGIN
    # The same query well under the limit is answered.
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


# --- RDF that would expand in its parser -----------------------------------------------------------


def test_nested_entities_are_400_before_any_parser(client: httpx.Client) -> None:
    body = laughs(10)  # under 1 KB, 3x10^10 characters once expanded
    r = client.post("/validate", content=body, headers={"content-type": "application/rdf+xml"})
    assert r.status_code == 400
    assert r.text.startswith("Refused RDF at line 2, column 1: RDF/XML with a document type")
    assert "send Turtle" in r.text


@pytest.mark.slow  # a whole validation: several seconds
def test_rdfxml_without_a_doctype_is_validated(client: httpx.Client) -> None:
    body = (
        f'<?xml version="1.0"?>\n<rdf:RDF {RDF} '
        'xmlns:icg="https://w3id.org/icgraph/ontology#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<icg:MemberState rdf:about="https://example.org/state/XX">'
        '<rdfs:label xml:lang="en">Examplestan</rdfs:label></icg:MemberState>\n</rdf:RDF>\n'
    )
    r = client.post(
        "/validate",
        content=body.encode(),
        headers={"content-type": "application/rdf+xml", "accept": "application/json"},
    )
    assert r.status_code == 200, r.text
    assert "https://example.org/state/XX" in r.text


def test_a_remote_jsonld_context_is_not_fetched(
    client: httpx.Client, silent_listener: Listener
) -> None:
    context = silent_listener.url.replace("/sparql", "/context.jsonld")
    body = f'{{"@context": "{context}", "@id": "https://example.org/s", "name": "x"}}'
    before = len(silent_listener.poll())
    r = client.post(
        "/validate", content=body.encode(), headers={"content-type": "application/ld+json"}
    )
    assert r.status_code == 400
    assert "remote @context" in r.text
    assert "fetches nothing from the network" in r.text
    assert len(silent_listener.poll()) == before


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("ok")(scope, receive, send)


def test_the_url_limit_counts_path_and_query_string() -> None:
    app = TestClient(UrlLimit(_ok, 1024))  # no lifespan: the bare app has none
    # "/sparql?query=" is 14 bytes: 1,010 more make 1,024, the limit.
    assert app.get("/sparql?query=" + "a" * 1010).text == "ok"
    r = app.get("/sparql?query=" + "a" * 1011)
    assert r.status_code == 414
    assert r.text.startswith("request URL too long: 1025 bytes, over the limit of 1024")
    assert app.get("/" + "a" * 1023).text == "ok"
    assert app.get("/" + "a" * 1024).status_code == 414


def test_a_search_for_an_escape_is_a_search(client: httpx.Client) -> None:
    # The needle is a string literal with its backslash escaped; reading the query with
    # escapes decoded used to raise ValueError (a 500) on "\U00110000".
    r = client.get("/search", params={"q": "\\U00110000"})
    assert r.status_code == 200
    assert "\\U00110000" in r.text


def test_deeply_nested_jsonld_is_400_not_a_dead_child(client: httpx.Client) -> None:
    # 3,000 levels (78 KB) killed pyoxigraph's JSON-LD reader in the validation child (503).
    r = client.post(
        "/validate", content=nested_jsonld(3000), headers={"content-type": "application/ld+json"}
    )
    assert r.status_code == 400
    assert r.text.startswith("Refused RDF at line 1, column")
    assert "JSON-LD nested too deeply" in r.text
