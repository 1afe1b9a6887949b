"""The scale benchmark's generator: a graph twice the real one's states, still valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from icgraph.build import check
from icgraph.load import read_sources
from icgraph.synthetic import copier, multiply, state_codes

from .paths import DATA, ONTOLOGY, SHAPES

ID = "https://w3id.org/icgraph/id/"


def test_state_bound_iris_are_copied_and_shared_ones_are_not() -> None:
    copy = copier({"FI", "PT"})
    assert copy(ID + "state/FI", 2) == ID + "state/FI-s2"
    assert copy(ID + "practice/funding-streams/FI", 3) == ID + "practice/funding-streams/FI-s3"
    assert copy(ID + "actor/fi/equality-body", 2) == ID + "actor/fi-s2/equality-body"
    assert copy(ID + "actor/europe/council-of-europe", 2) is None
    assert copy(ID + "section/2.1/funding-streams", 2) is None
    assert copy(ID + "level/national", 2) is None


def test_the_real_data_has_its_thirty_two_responding_states() -> None:
    codes = state_codes(DATA)
    assert len(codes) == 32 and {"FI", "PT", "ES", "GE"} <= codes


def test_output_is_deterministic(tmp_path: Path) -> None:
    multiply(DATA, tmp_path / "a", 3)
    multiply(DATA, tmp_path / "b", 3)
    files = sorted(p.name for p in (tmp_path / "a").glob("*.ttl"))
    assert files, "no output files"
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.slow
def test_factor_two_doubles_the_states_and_passes_the_integrity_shapes(tmp_path: Path) -> None:
    multiply(DATA, tmp_path / "data", 2)
    multiply(DATA, tmp_path / "tripled", 3)
    original = read_sources(ONTOLOGY.parent, DATA, SHAPES)
    doubled = read_sources(ONTOLOGY.parent, tmp_path / "data", SHAPES)
    tripled = read_sources(ONTOLOGY.parent, tmp_path / "tripled", SHAPES)
    assert set(doubled.data) == set(original.data) == set(tripled.data)
    for name, graph in original.data.items():
        one, two, three = len(graph), len(doubled.data[name]), len(tripled.data[name])
        # Every copy adds the same triples to each graph, and what the states share (code
        # lists, report sections, European actors) is there once: growth is affine, not x F.
        assert three - two == two - one > 0, name
        assert 2 * one - two > 0, f"{name}: nothing in it stays shared"
        assert set(graph) <= set(doubled.data[name]), f"{name}: the copy lost real triples"
    states = [s for s in doubled.union().subjects() if str(s).startswith(ID + "state/")]
    assert len(set(states)) == 2 * len(state_codes(DATA))
    # The reasoner and every shape, as a build runs them: a Violation would refuse the build.
    _, gate = check(doubled, {})
    assert gate.conforms, gate.text
    assert gate.counts["Violation"] == 0
