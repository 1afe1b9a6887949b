"""Replicas: two ``icgraph serve`` processes answer identically, with equal ETags.

The facade keeps no state but its result cache, so a load balancer or a CDN may send a request
to any replica: over one remote store (Oxigraph server) and over two copies of one published
embedded store, the same request gets the same bytes and the same ETag from both, and a new
edition changes the ETag on both.
"""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from icgraph import versions

from .conftest import FIXTURE
from .serving import build_store, running_server
from .stores import facade_over, oxigraph_server, publish_to

PROTOCOL_DATA = Path(__file__).resolve().parents[1] / "conformance" / "w3c-sparql11-protocol"
REQUESTS = [
    "/sparql?"
    + urllib.parse.urlencode({"query": "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o"}),
    "/sparql?"
    + urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s a ?o }", "format": "turtle"}),
    "/sparql?"
    + urllib.parse.urlencode(
        {
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "default-graph-uri": "https://w3id.org/icgraph/graph/states",
        }
    ),
    "/queries/cq01-responding-states",
]


def _get(base: str, path: str) -> tuple[int, str | None, bytes]:
    request = urllib.request.Request(base + path, headers={"Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.headers.get("ETag"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("ETag"), error.read()


def _answers(base: str) -> list[tuple[int, str | None, bytes]]:
    return [_get(base, path) for path in REQUESTS]


def test_two_replicas_over_one_remote_store(tmp_path: Path) -> None:
    first = build_store(tmp_path / "first", {None: FIXTURE})
    second = build_store(
        tmp_path / "second",
        {None: FIXTURE, "https://w3id.org/icgraph/graph/extra": PROTOCOL_DATA / "data1.nt"},
    )
    with oxigraph_server(tmp_path / "oxigraph") as remote:
        publish_to(first, remote)
        with (
            facade_over(remote, first, version_poll_seconds=0.2) as a,
            facade_over(remote, first, version_poll_seconds=0.2) as b,
        ):
            before_a, before_b = _answers(a), _answers(b)
            assert [status for status, _, _ in before_a] == [200] * len(REQUESTS)
            assert before_a == before_b
            version = versions.current(first).id  # type: ignore[union-attr]
            assert all(tag is not None and version in tag for _, tag, _ in before_a)
            assert len({tag for _, tag, _ in before_a}) == len(REQUESTS)  # one per request
            assert _answers(a) == before_a  # again, from a's cache: the same bytes and tags

            assert publish_to(second, remote, grace=0.5).switched
            time.sleep(1.0)  # both replicas read the pointer every 0.2 s
            after_a, after_b = _answers(a), _answers(b)
    assert after_a == after_b
    for (_, old_tag, _), (_, new_tag, _) in zip(before_a, after_a, strict=True):
        assert old_tag != new_tag
    # The count over the whole dataset changed with the edition; the states graph did not.
    assert after_a[0][2] != before_a[0][2]
    assert after_a[2][2] == before_a[2][2]


@pytest.fixture
def two_copies(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """One published embedded store, and a copy of its folder elsewhere (as rsync would)."""
    original = build_store(tmp_path / "one" / "store", {None: FIXTURE})
    shutil.copytree(tmp_path / "one", tmp_path / "two", symlinks=True)
    copy = tmp_path / "two" / "store"
    assert (
        copy.is_symlink() and versions.current(copy).folder.parent == tmp_path / "two" / "store.d"
    )  # type: ignore[union-attr]
    yield original, copy


def test_two_replicas_over_copies_of_one_embedded_store(two_copies: tuple[Path, Path]) -> None:
    original, copy = two_copies
    with running_server(original, query_workers=1) as a, running_server(copy, query_workers=1) as b:
        answers_a, answers_b = _answers(a), _answers(b)
    assert [status for status, _, _ in answers_a] == [200] * len(REQUESTS)
    assert answers_a == answers_b
    version = versions.current(original).id  # type: ignore[union-attr]
    assert all(tag is not None and version in tag for _, tag, _ in answers_a)
