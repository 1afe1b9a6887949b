"""Store versions: a build publishes a whole version, readers hold theirs, old ones go."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from icgraph import store, versions
from icgraph.dumps import read_manifest

from .api.serving import numbered_quads


def test_each_version_carries_its_own_store_and_dumps(tmp_path: Path) -> None:
    path = tmp_path / "store"
    one = store.publish(path, numbered_quads(1))
    two = store.publish(path, numbered_quads(2))
    assert one.id != two.id and one.id < two.id  # ids sort by time
    assert versions.current(path) == two
    assert path.resolve() == two.db.resolve()
    for version, quads in ((one, 1), (two, 2)):
        manifest = read_manifest(version.dumps)
        assert manifest is not None and manifest.store_version == version.id
        nq = manifest.file("icgraph.nq")
        assert nq is not None and nq.statements == quads
        assert (version.dumps / "icgraph.nq").read_bytes().count(b"\n") == quads
    # The id names the content: its tail is the N-Quads dump's hash.
    assert two.id.endswith(read_manifest(two.dumps).file("icgraph.nq").sha256[:12])  # type: ignore[union-attr]


def _mixed_quads() -> list[ox.Quad]:
    """Quads in two graphs, one triple in both, a language tag and a typed literal."""
    g, h = ox.NamedNode("http://ex.test/g"), ox.NamedNode("http://ex.test/h")
    s, p = ox.NamedNode("http://ex.test/s"), ox.NamedNode("http://ex.test/p")
    return [
        ox.Quad(s, p, ox.Literal("b", language="en"), g),
        ox.Quad(s, p, ox.Literal("b", language="en"), h),
        ox.Quad(s, p, ox.Literal(7), g),
        ox.Quad(ox.BlankNode("x1"), p, s, h),
        ox.Quad(s, p, ox.Literal("a"), h),
    ]


def test_the_dumps_depend_on_the_content_only(tmp_path: Path) -> None:
    """The same quads, given as a list or through a store filled in another order, publish the
    same dump bytes: the version's id names the content, not how the build produced it."""
    quads = _mixed_quads()

    def reversed_fill(opened: ox.Store) -> None:
        for quad in reversed(quads):
            opened.add(quad)

    one = store.publish(tmp_path / "a", quads)
    two = store.publish(tmp_path / "b", reversed_fill)
    for name in ("icgraph.nq", "icgraph.nt", "icgraph.ttl", "icgraph.jsonld"):
        assert (one.dumps / name).read_bytes() == (two.dumps / name).read_bytes(), name
    nq = (one.dumps / "icgraph.nq").read_bytes().decode().splitlines()
    assert nq == sorted(nq) and len(nq) == 5
    nt = (one.dumps / "icgraph.nt").read_bytes().decode().splitlines()
    assert len(nt) == 4  # the triple in both graphs once
    manifest = read_manifest(one.dumps)
    assert manifest is not None
    assert [(f.name, f.statements) for f in manifest.files] == [
        ("icgraph.nq", 5),
        ("icgraph.ttl", 4),
        ("icgraph.nt", 4),
        ("icgraph.jsonld", 4),
    ]
    served = ox.Store.read_only(str(one.db.resolve()))
    assert set(served) == set(
        ox.parse((one.dumps / "icgraph.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)
    )


def test_builds_keep_the_newest_versions_but_never_a_held_one(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = store.publish(path, numbered_quads(1), keep=2)
    reader = versions.Reader(first)
    for n in (2, 3, 4):
        store.publish(path, numbered_quads(n), keep=2)
    ids = [v.id for v in versions.published(path)]
    assert first.id in ids  # held by a reader, so kept beyond the two newest
    assert len(ids) == 3
    reader.close()
    store.publish(path, numbered_quads(5), keep=2)
    assert [v.id for v in versions.published(path)] == ids[-1:] + [versions.current(path).id]  # type: ignore[union-attr]


def test_a_failed_build_publishes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store"
    good = store.publish(path, numbered_quads(1))

    def broken(opened: ox.Store) -> None:
        raise RuntimeError("the data did not parse")

    with pytest.raises(RuntimeError):
        store.publish(path, broken)
    assert versions.current(path) == good
    assert [
        p.name for p in versions.versions_dir(path).iterdir() if p.name.startswith(".building")
    ] == []


_KILLED_BUILD = """
import os, sys, time
from pathlib import Path
import pyoxigraph as ox
from icgraph import store

def fill(opened):
    opened.add(ox.Quad(ox.NamedNode("http://ex.test/s"), ox.NamedNode("http://ex.test/p"),
                       ox.Literal(1), ox.NamedNode("http://ex.test/g")))
    print("filling", flush=True)
    time.sleep(600)

store.publish(Path(sys.argv[1]), fill)
"""


def test_a_killed_build_leaves_nothing_the_next_build_does_not_remove(tmp_path: Path) -> None:
    path = tmp_path / "store"
    good = store.publish(path, numbered_quads(1))
    build = subprocess.Popen(
        [sys.executable, "-c", _KILLED_BUILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert build.stdout is not None and build.stdout.readline().strip() == "filling"
    build.kill()
    build.wait()
    leftovers = [p for p in versions.versions_dir(path).iterdir() if p.name.startswith(".building")]
    assert len(leftovers) == 1  # what the killed build was writing
    assert versions.current(path) == good  # the served version is untouched
    store.publish(path, numbered_quads(2))
    assert not [p for p in versions.versions_dir(path).iterdir() if p.name.startswith(".building")]


@pytest.mark.java
@pytest.mark.slow
def test_killing_a_build_during_reasoning_kills_hermit(tmp_path: Path) -> None:
    """HermiT's java dies with the build (PR_SET_PDEATHSIG), not orphaned."""
    env = {**os.environ, "ICGRAPH_STORE_PATH": str(tmp_path / "store")}
    build = subprocess.Popen(
        [sys.executable, "-m", "icgraph", "build", "--reasoner", "hermit"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    java = None
    deadline = time.monotonic() + 120
    while java is None and time.monotonic() < deadline:
        found = subprocess.run(
            ["pgrep", "-P", str(build.pid), "java"], capture_output=True, text=True
        )
        java = int(found.stdout.split()[0]) if found.stdout.strip() else None
        time.sleep(0.02)
    assert java is not None, "the build never started HermiT"
    build.kill()
    build.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{java}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = (
        Path(f"/proc/{java}/stat").exists()
        and Path(f"/proc/{java}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    )
    assert not alive, "HermiT's java outlived the killed build"
