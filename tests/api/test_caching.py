"""HTTP caching: every GET carries the store version's ETag and Last-Modified; 304s answer
conditional requests; each kind of route has its own Cache-Control."""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime

import pytest
from fastapi.testclient import TestClient

from icgraph.api.caching import published_at

PATHS = [
    "/",
    "/states/ES",
    "/id/state/ES",
    "/sparql?query=ASK%20%7B%7D",
    "/queries/cq01-responding-states",
    "/validation",
    "/dumps",
    "/dumps/icgraph.nq",
    "/figures/framework-completeness.svg",
    "/static/site.css",
]


@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_gets_a_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200, first.text[:200]
    tag = first.headers["etag"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    # Another representation of the same path is another entity: no 304 for it.
    if path.startswith("/id/"):
        other = client.get(path, headers={"If-None-Match": tag, "Accept": "text/turtle"})
        assert other.status_code == 200 and other.headers["etag"] != tag


def test_tags_and_dates_come_from_the_store_version(client: TestClient) -> None:
    version = client.get("/health").json()["version"]
    response = client.get("/id/state/ES")
    assert response.headers["etag"].startswith(f'"{version}.')
    modified = parsedate_to_datetime(response.headers["last-modified"])
    published = published_at(version)
    assert published is not None and modified == published.replace(microsecond=0)
    since = client.get(
        "/id/state/ES", headers={"If-Modified-Since": format_datetime(modified, usegmt=True)}
    )
    assert since.status_code == 304
    older = client.get(
        "/id/state/ES", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert older.status_code == 200


def test_a_dump_revalidates_against_its_own_checksum(client: TestClient) -> None:
    listed = {f["name"]: f for f in client.get("/dumps").json()["files"]}
    dump = client.get("/dumps/icgraph.nq")
    assert dump.headers["etag"] == f'"{listed["icgraph.nq"]["sha256"]}"'
    again = client.get("/dumps/icgraph.nq", headers={"If-None-Match": dump.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_cache_control_suits_each_route(client: TestClient) -> None:
    assert (
        client.get("/sparql", params={"query": "ASK {}"}).headers["cache-control"]
        == "public, max-age=60"
    )
    assert client.get("/static/site.css").headers["cache-control"] == "public, max-age=86400"
    assert client.get("/id/state/ES").headers["cache-control"] == "public, max-age=300"
    assert "etag" not in client.get("/health").headers


def test_post_answers_carry_no_version_tag(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}"})
    assert response.status_code == 200
    assert "etag" not in response.headers
