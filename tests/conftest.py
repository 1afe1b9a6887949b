"""Session fixtures: the project's graph, built once into a temporary store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from icgraph import store
from icgraph.build import BuildResult, build
from icgraph.config import Settings
from icgraph.load import read_sources

from .paths import DATA, ONTOLOGY, ROOT, SHAPES


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """The ontology, parsed once; tests that change it make their own copy."""
    return Graph().parse(ONTOLOGY)


@pytest.fixture(scope="session")
def sources_union() -> Graph:
    """The ontology and every data file in one rdflib graph, as the reasoner reads them.

    Shared by the session: a test that adds to it works on a copy (``graph += sources_union``).
    """
    return read_sources(ONTOLOGY.parent, DATA, SHAPES).union()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at the checkout's sources and a store of the tests' own."""
    return Settings(root=ROOT, store_path=tmp_path_factory.mktemp("store") / "store")


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    """The real graph, built once by the real pipeline."""
    return build(settings)


@pytest.fixture(scope="session")
def graph_store(built: BuildResult, settings: Settings) -> ox.Store:
    """The published store, opened read-only as the server opens it."""
    return store.open_read_only(settings.store)


@pytest.fixture(scope="session")
def store_path(built: BuildResult, settings: Settings) -> Path:
    return settings.store


@pytest.hookimpl(tryfirst=True)  # before pytest's own hook deselects by -m
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what needs a browser: every test under ``tests/browser/``.

    Tests that run HermiT (the build's reasoner only where its rules refuse, or when asked)
    carry the ``java`` marker themselves. Markers are declared in ``pyproject.toml``.
    """
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
