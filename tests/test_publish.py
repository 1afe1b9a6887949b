"""``icgraph publish`` loads an edition into a remote store whole, or leaves the live one alone.

Over a real Oxigraph server: the pointer names the edition; publishing again is a no-op;
readers hammering the facade while a new edition (with more graphs) is switched in see the old
edition or the new one, never a mix; a publish that fails before the switch leaves the live
edition serving, and the next one clears what it staged.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from icgraph import versions
from icgraph.cli import main
from icgraph.edition import pointer_graph
from icgraph.publish import PublishError, Target, current_edition, publish, staging_root

from .api.conftest import FIXTURE
from .api.serving import build_store, free_port
from .api.stores import RemoteStore, facade_over, oxigraph_server, publish_to, virtuoso_server
from .conformance.test_sparql_protocol import SUITE

BASE = "https://w3id.org/icgraph/"
#: A second edition: more triples in a graph the first has, and two graphs it lacks.
PROTOCOL_GRAPHS = {
    "https://w3id.org/icgraph/graph/states": SUITE / "data3.nt",
    "http://kasei.us/2009/09/sparql/data/data1.rdf": SUITE / "data1.nt",
    "http://kasei.us/2009/09/sparql/data/data2.rdf": SUITE / "data2.nt",
}


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[RemoteStore]:
    with oxigraph_server(tmp_path / "oxigraph") as store:
        yield store


@pytest.fixture(
    params=["oxigraph", pytest.param("virtuoso", marks=[pytest.mark.slow, pytest.mark.virtuoso])]
)
def any_remote(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RemoteStore]:
    start = virtuoso_server if request.param == "virtuoso" else oxigraph_server
    with start(tmp_path / request.param) as store:
        yield store


def _select(remote: RemoteStore, text: str) -> list[dict[str, str]]:
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(
        remote.query, data=data, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        rows = json.loads(response.read())["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def _graphs(remote: RemoteStore) -> dict[str, int]:
    rows = _select(remote, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]: int(row["n"]) for row in rows}


def test_publish_names_the_edition_and_is_idempotent(tmp_path: Path, remote: RemoteStore) -> None:
    store = build_store(tmp_path / "store", {None: FIXTURE})
    first = publish_to(store, remote)
    assert first.switched and first.previous is None
    assert first.version == versions.current(store).id  # type: ignore[union-attr]
    assert first.graphs == {
        "https://w3id.org/icgraph/graph/frameworks": 9,
        "https://w3id.org/icgraph/graph/states": 9,
    }
    live = current_edition(remote.target, BASE)
    assert live is not None and live.version == first.version
    assert live.graphs == tuple(sorted(first.graphs))
    assert _graphs(remote) == {**first.graphs, pointer_graph(BASE): 3}
    again = publish_to(store, remote)
    assert not again.switched
    forced = publish_to(store, remote, force=True)
    assert forced.switched and forced.previous == first.version
    assert _graphs(remote) == {**first.graphs, pointer_graph(BASE): 3}


def _count(base: str) -> int:
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    request = urllib.request.Request(f"{base}/sparql?{query}", headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return int(response.read().splitlines()[1])


def test_readers_see_one_edition_or_the_other(tmp_path: Path, any_remote: RemoteStore) -> None:
    remote = any_remote
    old = build_store(tmp_path / "old", {None: FIXTURE})
    new = build_store(tmp_path / "new", {None: FIXTURE, **PROTOCOL_GRAPHS})
    publish_to(old, remote)
    seen: list[int] = []
    stop = threading.Event()
    # No cache, so every answer is the store's; the pointer is read every 0.5 s, so without
    # the wider pointer the facade would query the new edition with the old list of graphs.
    with facade_over(remote, old, result_cache_bytes=0, version_poll_seconds=0.5) as base:
        before = _count(base)

        def read() -> None:
            deadline = time.monotonic() + 60
            while not stop.is_set() and time.monotonic() < deadline:
                seen.append(_count(base))

        readers = [threading.Thread(target=read) for _ in range(2)]
        for reader in readers:
            reader.start()
        time.sleep(0.3)
        result = publish_to(new, remote, grace=1.0)
        time.sleep(1.0)
        stop.set()
        for reader in readers:
            reader.join()
        after = _count(base)
    assert result.switched and len(result.graphs) == 4
    assert result.graphs["https://w3id.org/icgraph/graph/states"] > 9
    assert after - before == sum(result.graphs.values()) - 18 > 0
    assert set(seen) == {before, after}, f"mixed editions seen: {sorted(set(seen))}"
    assert len(seen) > 20


def test_a_failed_publish_leaves_the_live_edition(tmp_path: Path, remote: RemoteStore) -> None:
    old = build_store(tmp_path / "old", {None: FIXTURE})
    new = build_store(tmp_path / "new", {None: FIXTURE, **PROTOCOL_GRAPHS})
    first = publish_to(old, remote)
    closed = f"http://127.0.0.1:{free_port()}/update"
    broken = Target(remote.query, closed, remote.graph_store)  # stages, cannot switch
    with pytest.raises(PublishError, match="cannot reach the store"):
        publish(new, broken, base_iri=BASE)
    live = current_edition(remote.target, BASE)
    assert live is not None and live.version == first.version
    staged = [g for g in _graphs(remote) if g.startswith(staging_root(BASE))]
    assert len(staged) == 4  # the staged copies of the new edition, unseen by the facade
    second = publish_to(new, remote, grace=0)
    assert second.switched and second.previous == first.version
    graphs = _graphs(remote)
    assert not [g for g in graphs if g.startswith(staging_root(BASE))]
    assert set(graphs) == {*second.graphs, pointer_graph(BASE)}


def test_publish_without_a_graph_store_uses_update(tmp_path: Path, remote: RemoteStore) -> None:
    store = build_store(tmp_path / "store", {None: FIXTURE})
    result = publish(store, Target(remote.query, remote.update), base_iri=BASE)
    assert result.switched
    assert _graphs(remote)["https://w3id.org/icgraph/graph/states"] == 9


def test_the_cli_publishes_and_reports_bad_settings(
    tmp_path: Path, remote: RemoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icgraph import config

    store = build_store(tmp_path / "store", {None: FIXTURE})
    monkeypatch.setenv("ICGRAPH_STORE_PATH", str(store))
    monkeypatch.setenv("ICGRAPH_SPARQL_ENDPOINT", remote.query)
    monkeypatch.delenv("ICGRAPH_SPARQL_UPDATE_ENDPOINT", raising=False)
    config.get_settings.cache_clear()
    try:
        missing = CliRunner().invoke(main, ["publish"])
        assert missing.exit_code == 2
        assert "ICGRAPH_SPARQL_UPDATE_ENDPOINT" in missing.output
        monkeypatch.setenv("ICGRAPH_SPARQL_UPDATE_ENDPOINT", remote.update)
        monkeypatch.setenv("ICGRAPH_SPARQL_GRAPH_STORE", str(remote.graph_store))
        config.get_settings.cache_clear()
        done = CliRunner().invoke(main, ["publish"])
        assert done.exit_code == 0, done.output
        version = versions.current(store).id  # type: ignore[union-attr]
        assert f"published edition {version} (18 triples in 2 graphs)" in done.output
        again = CliRunner().invoke(main, ["publish"])
        assert again.exit_code == 0 and "already live" in again.output
    finally:
        config.get_settings.cache_clear()
