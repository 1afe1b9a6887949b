"""Each way a request can be wrong gets the right 4xx and a body saying what and where."""

from __future__ import annotations

import httpx
import pytest

from .conftest import CORS_ORIGIN, MAX_BODY_BYTES


@pytest.fixture(scope="module")
def client(api_server: str) -> httpx.Client:
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c  # type: ignore[misc]


def test_syntax_error_is_400_with_line_and_column(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert "Query syntax error at line 3, column 1" in r.text, r.text


def test_undefined_prefix_is_400(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * { ?s nope:p ?o }"})
    assert r.status_code == 400
    assert "line 1, column" in r.text


def test_repeated_query_parameter_is_400(client: httpx.Client) -> None:
    r = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert r.status_code == 400
    assert "'query' parameter was given 2 times" in r.text


@pytest.mark.parametrize("value", ["soon", "-1", "0", "nan", "inf"])
def test_bad_timeout_is_400(client: httpx.Client, value: str) -> None:
    r = client.get("/sparql", params={"query": "ASK {}", "timeout": value})
    assert r.status_code == 400
    assert "'timeout'" in r.text


def test_relative_graph_iri_is_400(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "data1"})
    assert r.status_code == 400
    assert "'default-graph-uri' must be an absolute IRI" in r.text


def test_wrong_method_is_405(client: httpx.Client) -> None:
    r = client.put("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert "use GET or POST" in r.text


@pytest.mark.parametrize(
    ("content_type", "expect"),
    [
        ("text/plain", "'text/plain'"),
        (None, "no Content-Type"),
        ("multipart/form-data; boundary=x", "'multipart/form-data'"),
    ],
)
def test_wrong_media_type_is_415(
    client: httpx.Client, content_type: str | None, expect: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    r = client.post("/sparql", content=b"ASK {}", headers=headers)
    assert r.status_code == 415
    assert expect in r.text


def test_non_utf8_charset_is_415(client: httpx.Client) -> None:
    r = client.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"content-type": "application/sparql-query; charset=UTF-16"},
    )
    assert r.status_code == 415
    assert "charset 'utf-16'" in r.text


def test_body_that_is_not_utf8_is_400_with_offset(client: httpx.Client) -> None:
    r = client.post(
        "/sparql", content=b"ASK { \xff }", headers={"content-type": "application/sparql-query"}
    )
    assert r.status_code == 400
    assert "not valid UTF-8 (byte 6" in r.text


def test_nothing_acceptable_is_406(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * {}"}, headers={"accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


def test_graph_format_for_select_is_406(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * {}", "format": "turtle"})
    assert r.status_code == 406
    assert "SELECT results" in r.text


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("GET", {"params": {"update": "CLEAR ALL"}}),
        ("GET", {"params": {"query": "CLEAR ALL"}}),
        ("POST", {"data": {"update": "LOAD <http://127.0.0.1:9/x>"}}),
        (
            "POST",
            {"content": b"DROP ALL", "headers": {"content-type": "application/sparql-update"}},
        ),
        (
            "POST",
            {
                "content": b"INSERT DATA { <a:s> <a:p> <a:o> }",
                "headers": {"content-type": "application/sparql-query"},
            },
        ),
    ],
)
def test_every_write_path_is_refused(
    client: httpx.Client, method: str, kwargs: dict[str, object]
) -> None:
    r = client.request(method, "/sparql", **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 403
    assert "read-only" in r.text
    still = client.get(
        "/sparql",
        params={"query": "ASK { ?s a icg:MemberState }"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert still.json()["boolean"] is True


def test_body_over_the_cap_is_413(client: httpx.Client) -> None:
    query = "ASK {}" + " " * MAX_BODY_BYTES
    r = client.post(
        "/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"}
    )
    assert r.status_code == 413
    assert f"limit is {MAX_BODY_BYTES} bytes" in r.text


def test_chunked_body_over_the_cap_is_413(client: httpx.Client) -> None:
    def chunks():  # no Content-Length: the cap must count as the body arrives
        yield b"ASK {}"
        for _ in range(MAX_BODY_BYTES // 1000 + 2):
            yield b" " * 1000

    r = client.post(
        "/sparql", content=chunks(), headers={"content-type": "application/sparql-query"}
    )
    assert r.status_code == 413


def test_service_to_an_unlisted_endpoint_is_400(client: httpx.Client) -> None:
    r = client.get(
        "/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"}
    )
    assert r.status_code == 400
    assert "SERVICE <http://127.0.0.1:1/sparql> is refused" in r.text


def test_cors_headers_for_the_configured_origin(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": CORS_ORIGIN})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == CORS_ORIGIN
    other = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"origin": "https://elsewhere.example"}
    )
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/sparql",
        headers={
            "origin": CORS_ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
