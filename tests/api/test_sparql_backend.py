"""The sparql backend keeps the facade's guarantees over a remote store (Oxigraph server here).

What goes to the store (the text with BASE, PREFIX lines and VALUES written in, the dataset)
is checked on the prepared request; what comes back (the cap, the time limit, errors, a store
that is down) over a real Oxigraph server behind a real ``icgraph serve``.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from icgraph import versions
from icgraph.api.app import create_app
from icgraph.api.backends.base import QueryRequest
from icgraph.api.backends.sparql import prepare
from icgraph.catalogue import load_catalogue
from icgraph.config import Settings
from icgraph.edition import Edition
from icgraph.errors import QueryRefused, QuerySyntaxError
from icgraph.query import request_for

from .conftest import FIXTURE, Listener
from .serving import build_store, free_port, running_server
from .stores import RemoteStore, facade_over, oxigraph_server, publish_to

BASE = "https://w3id.org/icgraph/"
LIVE = Edition("v1", ("https://w3id.org/icgraph/graph/a", "https://w3id.org/icgraph/graph/b"))


def prepared(text: str, **kwargs: object) -> tuple[str, list[tuple[str, str]]]:
    request = request_for(text, base_iri=BASE, **kwargs)  # type: ignore[arg-type]
    out = prepare(QueryRequest(request, timeout=5), LIVE)
    params = list(out.params)
    assert params[0][0] == "query"
    return params[0][1], params[1:]


# --- what is sent ------------------------------------------------------------------------------


def test_base_and_prefixes_are_written_in_only_where_missing() -> None:
    text, _ = prepared("PREFIX icg: <http://other/> SELECT * { ?s icg:p <id/x> }")
    lines = text.splitlines()
    assert lines[0] == f"BASE <{BASE}>"
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in lines
    assert not any(line.startswith("PREFIX icg: <https://") for line in lines)
    assert text.endswith("PREFIX icg: <http://other/> SELECT * { ?s icg:p <id/x> }")
    own_base, _ = prepared("BASE <http://mine/> SELECT * { ?s ?p <x> }")
    assert "BASE <https://" not in own_base and own_base.endswith(
        "BASE <http://mine/> SELECT * { ?s ?p <x> }"
    )


def test_bindings_become_a_trailing_values_clause_after_a_comment() -> None:
    text, _ = prepared(
        "SELECT ?alpha2 ?s { ?s ?p ?alpha2 } ORDER BY ?s # the last line is a comment",
        bindings={"alpha2": ox.Literal("ES"), "s": ox.NamedNode("http://ex/a")},
    )
    assert text.endswith(
        '# the last line is a comment\nVALUES (?alpha2 ?s) { ("ES" <http://ex/a>) }\n'
    )


def test_virtuoso_gets_bound_selects_nested_with_their_order() -> None:
    request = request_for(
        "SELECT ?alpha2 ?n { ?s ?p ?alpha2 BIND (STR(?s) AS ?n) } ORDER BY ?n",
        base_iri=BASE,
        bindings={"alpha2": ox.Literal("ES")},
    )
    out = prepare(QueryRequest(request, timeout=5), LIVE, nest_bindings=True)
    body = out.params[0][1]
    assert body.index("SELECT * WHERE {\n{\nSELECT ?alpha2 ?n") < body.index(
        'VALUES (?alpha2) { ("ES") }'
    )
    assert body.rstrip().endswith("ORDER BY ?n")
    limited = request_for(
        "SELECT ?a { ?a ?b ?c } LIMIT 3", base_iri=BASE, bindings={"a": ox.Literal("x")}
    )
    with pytest.raises(QueryRefused, match="LIMIT or OFFSET"):
        prepare(QueryRequest(limited, timeout=5), LIVE, nest_bindings=True)


def test_the_live_edition_is_the_dataset_unless_the_request_or_query_names_one() -> None:
    _, params = prepared("SELECT * { ?s ?p ?o }")
    assert params == [("default-graph-uri", g) for g in LIVE.graphs] + [
        ("named-graph-uri", g) for g in LIVE.graphs
    ]
    _, params = prepared("SELECT * FROM <http://g/1> { ?s ?p ?o }")
    assert params == []
    _, params = prepared("SELECT * { ?s ?p ?o }", default_graphs=("http://g/1",))
    # Only default graphs named: the named graphs stay the edition's, as in the embedded store.
    assert params == [("default-graph-uri", "http://g/1")] + [
        ("named-graph-uri", g) for g in LIVE.graphs
    ]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "read-only"),
        ("define sql:log-enable 3 INSERT DATA { <http://a> <http://b> <http://c> }", "read-only"),
        ("SELECT (bif:exec('shutdown') AS ?x) {}", "not declared"),
        (
            "PREFIX b: <bif:> SELECT (b:file_to_string('/etc/passwd') AS ?x) {}",
            "function of the store",
        ),
        ("SELECT * { ?s <sql:delete> ?o }", "function of the store"),
    ],
)
def test_what_the_backend_refuses_whatever_the_store_allows(text: str, why: str) -> None:
    with pytest.raises((QueryRefused, QuerySyntaxError), match=why):
        prepared(text)


def test_blank_node_labels_are_not_prefixes() -> None:
    text, _ = prepared("SELECT * { _:b0 ?p ?o }")
    assert text.endswith("SELECT * { _:b0 ?p ?o }")


# --- over a real store -------------------------------------------------------------------------

CAP = 5


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RemoteStore, Path]]:
    folder = tmp_path_factory.mktemp("sparql-backend")
    store = build_store(folder / "store", {None: FIXTURE})
    with oxigraph_server(folder / "oxigraph", timeout=4) as remote:
        publish_to(store, remote)
        yield remote, store


@pytest.fixture(scope="module")
def site(published: tuple[RemoteStore, Path]) -> Iterator[str]:
    remote, store = published
    with facade_over(remote, store, max_results=CAP, query_timeout=2, result_cache_bytes=0) as base:
        yield base


def _get(base: str, path: str, accept: str = "*/*") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(base + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers: object) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}  # type: ignore[attr-defined]


def _query(base: str, text: str, accept: str) -> tuple[int, dict[str, str], bytes]:
    return _get(base, "/sparql?" + urllib.parse.urlencode({"query": text}), accept)


def test_health_names_the_backend_and_the_edition(
    site: str, published: tuple[RemoteStore, Path]
) -> None:
    status, _, body = _get(site, "/health")
    report = json.loads(body)
    assert status == 200
    assert report["backend"] == "sparql" and report["status"] == "ok"
    assert report["store"].startswith("Oxigraph/")
    assert report["version"] == versions.current(published[1]).id  # type: ignore[union-attr]
    assert report["graphs"] == 2


@pytest.mark.parametrize(
    ("accept", "count"),
    [
        ("application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"])),
        ("text/csv", lambda b: b.count(b"\n") - 1),
        ("text/tab-separated-values", lambda b: b.count(b"\n") - 1),
    ],
)
def test_the_result_cap_holds_for_solutions(site: str, accept: str, count: object) -> None:
    status, headers, body = _query(site, "SELECT * { ?s ?p ?o }", accept)
    assert status == 200
    assert count(body) == CAP  # type: ignore[operator]
    assert headers["x-sparql-maxrows"] == str(CAP)
    status, headers, body = _query(site, "SELECT * { ?s ?p ?o } LIMIT 3", accept)
    assert count(body) == 3 and "x-sparql-maxrows" not in headers  # type: ignore[operator]


@pytest.mark.parametrize("accept", ["application/n-triples", "text/turtle", "application/ld+json"])
def test_the_result_cap_holds_for_graphs(site: str, accept: str) -> None:
    status, headers, body = _query(site, "CONSTRUCT WHERE { ?s ?p ?o }", accept)
    assert status == 200 and headers["x-sparql-maxrows"] == str(CAP)
    fmt = ox.RdfFormat.from_media_type(accept)
    assert fmt is not None
    assert len(list(ox.parse(body, format=fmt))) == CAP


def test_ask_and_describe(site: str) -> None:
    status, _, body = _query(
        site,
        "ASK { ?s a <https://w3id.org/icgraph/ontology#FundingStream> }",
        "application/sparql-results+json",
    )
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = _query(
        site, "ASK { ?s a <http://nothing/> }", "application/sparql-results+xml"
    )
    assert status == 200 and b"<boolean>false</boolean>" in body


def test_a_slow_query_is_stopped_at_the_time_limit(site: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r . ?s ?t ?u }"
    start = time.monotonic()
    status, _, body = _query(site, slow, "application/sparql-results+json")
    elapsed = time.monotonic() - start
    assert status == 503, body
    assert b"timed out after 2 s" in body
    assert elapsed < 10


def test_a_syntax_error_is_a_400_at_the_users_line(site: str) -> None:
    status, _, body = _query(
        site, "SELECT * WHERE {\n  ?s ?p ?o\n  FILTER(\n}", "application/sparql-results+json"
    )
    assert status == 400
    assert body.startswith(b"Query syntax error at line 4")


def test_updates_are_refused_before_the_store(
    site: str, published: tuple[RemoteStore, Path]
) -> None:
    status, _, body = _query(site, "INSERT DATA { <http://a> <http://b> <http://c> }", "*/*")
    assert status == 403
    status, _, body = _query(site, "SELECT (COUNT(*) AS ?n) { <http://a> ?p ?o }", "text/csv")
    assert body.splitlines()[1] == b"0"


def test_a_catalogue_query_cannot_call_an_unlisted_service(
    tmp_path: Path, silent_listener: Listener, published: tuple[RemoteStore, Path]
) -> None:
    """The allow-list holds for the catalogue's own texts too, not only for /sparql."""
    root = tmp_path / "root"
    shutil.copytree(Path(__file__).resolve().parents[2] / "queries", root / "queries")
    (root / "queries" / "cq99-federated.rq").write_text(
        "#+ summary: calls out\n"
        f"SELECT * WHERE {{ SERVICE <{silent_listener.url}> {{ ?s ?p ?o }} }}\n",
        encoding="utf-8",
    )
    remote, store = published
    assert "cq99-federated" in load_catalogue(root / "queries")
    settings = Settings(root=root, store_path=store, backend="sparql", sparql_endpoint=remote.query)
    with TestClient(create_app(settings)) as client:
        response = client.get("/queries/cq99-federated")
    assert response.status_code == 400
    assert "is refused" in response.text and "ICGRAPH_SERVICE_ALLOWLIST" in response.text
    assert silent_listener.poll() == []


def test_an_unreachable_store_is_a_503_and_health_says_so(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", {None: FIXTURE})
    closed = f"http://127.0.0.1:{free_port()}/query"
    with running_server(
        store, backend="sparql", sparql_endpoint=closed, require_healthy=False
    ) as base:
        status, _, body = _get(base, "/health")
        report = json.loads(body)
        assert status == 503
        assert report["backend"] == "sparql" and report["status"] == "unavailable"
        assert "Connect" in report["error"]
        status, _, body = _query(base, "SELECT * { ?s ?p ?o }", "application/sparql-results+json")
        assert status == 503
        assert body.startswith(b"Service unavailable: store unavailable: ")
        status, _, body = _get(base, "/queries/cq01-responding-states")
        assert status == 503 and b"store unavailable" in body
