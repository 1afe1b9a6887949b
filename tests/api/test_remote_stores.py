"""The same facade over the embedded store, Oxigraph server and Virtuoso 7 gives the same answers.

The real graph is built once, published into each remote store with ``icgraph publish``'s
code, and served by ``icgraph serve`` with the ``sparql`` backend; the embedded facade serves
the build itself. Every catalogue query (unbound, and bound to a value of its parameter), the
linked-data documents, the state pages, the validation report, search and the VoID counts
must agree. Oxigraph server runs in the default test run; Virtuoso is ``slow``.

Rows are compared as multisets of solutions. What differs between engines and is not a
difference of answer, by the SPARQL 1.1 Recommendation, is normalised, and only that:

- blank node labels (each store names its own);
- the lexical form of an ``xsd:boolean`` (Virtuoso 7 writes ``"1"^^xsd:boolean``, the same
  value as ``"true"^^xsd:boolean``);
- a ``GROUP_CONCAT`` column: SPARQL leaves the order of the concatenated values to the
  engine, so the values are compared as a sorted list; Virtuoso returns a simple literal
  where Oxigraph keeps the values' common language tag (the Recommendation says a simple
  literal), so the tag is dropped; and where a group has no value Virtuoso returns ``""``
  and Oxigraph leaves the column unbound, which are read alike.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from icgraph import versions
from icgraph.catalogue import CatalogueQuery, load_catalogue

from ..paths import ROOT
from .serving import running_server
from .stores import (
    RemoteStore,
    concat_columns,
    facade_over,
    normalised,
    oxigraph_server,
    publish_to,
    virtuoso_available,
    virtuoso_server,
)

CATALOGUE = load_catalogue(ROOT / "queries")


def test_the_catalogue_is_read() -> None:
    assert len(CATALOGUE) == 34
    assert {"cq11-recommendation-gaps", "cq34-collaboration"} <= set(CATALOGUE)


@dataclass(frozen=True)
class Site:
    name: str
    base: str
    remote: RemoteStore | None = None


def _start_remote(kind: str, folder: Path) -> AbstractContextManager[RemoteStore]:
    if kind == "virtuoso":
        if not virtuoso_available():
            pytest.fail(
                "Virtuoso is not installed: the slow tests need virtuoso-t "
                "(apt-get install virtuoso-opensource-7-bin, as .ci/run does)"
            )
        return virtuoso_server(folder)
    return oxigraph_server(folder)


@pytest.fixture(scope="module")
def embedded(store_path: Path) -> Iterator[Site]:
    with running_server(store_path, query_workers=2, query_timeout=60) as base:
        yield Site("embedded", base)


@pytest.fixture(
    scope="module",
    params=["oxigraph", pytest.param("virtuoso", marks=[pytest.mark.slow, pytest.mark.virtuoso])],
)
def remote(
    request: pytest.FixtureRequest, store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The facade over a remote store holding the published build."""
    kind = request.param
    with _start_remote(kind, tmp_path_factory.mktemp(kind) / "store") as store:
        result = publish_to(store_path, store)
        assert result.switched and result.triples > 9000
        with facade_over(store, store_path, query_timeout=60) as base:
            yield Site(kind, base, store)


def _get(base: str, path: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(base + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def same_rows(got: list[str], expected: list[str]) -> None:
    """Equal multisets, or an error that shows the rows each side has alone."""
    if got != expected:
        extra = [r for r in got if r not in expected]
        missing = [r for r in expected if r not in got]
        raise AssertionError(
            f"{len(got)} rows against {len(expected)}; only remote: {extra[:3]}; "
            f"only embedded: {missing[:3]}"
        )


def catalogue_rows(site: Site, entry: CatalogueQuery, params: str = "") -> list[str]:
    status, body = _get(
        site.base, f"/queries/{entry.name}{params}", "application/sparql-results+json"
    )
    assert status == 200, f"{site.name}: {entry.name}{params}: HTTP {status}: {body[:400]!r}"
    return normalised(json.loads(body)["results"]["bindings"], concat_columns(entry.text))


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_catalogue_query_answers_alike(embedded: Site, remote: Site, name: str) -> None:
    entry = CATALOGUE[name]
    expected = catalogue_rows(embedded, entry)
    assert expected, f"{name} answers nothing on the embedded store"
    same_rows(catalogue_rows(remote, entry), expected)


def test_a_build_served_read_only_by_oxigraph_answers_alike(
    embedded: Site, store_path: Path, tmp_path: Path
) -> None:
    """No publish: ``oxigraph serve-read-only --union-default-graph`` on the build's own store.

    With no pointer graph the facade names no dataset, so the store's union default graph
    stands for the embedded store's; the answers are the same.
    """
    version = versions.current(store_path)
    assert version is not None
    with (
        oxigraph_server(version.db, read_only=True, union=True) as store,
        facade_over(store, store_path) as base,
    ):
        site = Site("oxigraph-read-only", base, store)
        health = json.loads(_get(base, "/health", "application/json")[1])
        assert health["version"] is None and health["ok"]
        for name, entry in sorted(CATALOGUE.items()):
            expected = catalogue_rows(embedded, entry)
            try:
                same_rows(catalogue_rows(site, entry), expected)
            except AssertionError as error:
                raise AssertionError(f"{name}: {error}") from None


PARAMETERISED = sorted(n for n, e in CATALOGUE.items() if e.parameters)


def test_parameterised_queries_are_found() -> None:
    assert len(PARAMETERISED) == 23


@pytest.mark.parametrize("name", PARAMETERISED)
def test_a_bound_parameter_narrows_alike(embedded: Site, remote: Site, name: str) -> None:
    """Bound by SEP-0007 substitution in the embedded store, by a trailing VALUES remotely."""
    entry = CATALOGUE[name]
    parameter = entry.parameters[0]
    status, body = _get(embedded.base, f"/queries/{name}", "application/sparql-results+json")
    rows = json.loads(body)["results"]["bindings"]
    values = sorted({r[parameter.var]["value"] for r in rows if parameter.var in r})
    assert values, f"{name}: no row binds ?{parameter.var}"
    value = values[len(values) // 2]
    query = "?" + urllib.parse.urlencode({parameter.name: value})
    expected = catalogue_rows(embedded, entry, query)
    assert expected, f"{name} with {parameter.name}={value} answers nothing"
    assert len(expected) <= len(rows)
    same_rows(catalogue_rows(remote, entry, query), expected)


DOCUMENTS = [
    "/id/state/ES",
    "/id/state/BG",
    "/id/element/funding",
    "/id/recommendation/7",
    "/ontology",
    "/void",
]


@pytest.mark.parametrize("path", DOCUMENTS)
def test_linked_data_documents_alike(embedded: Site, remote: Site, path: str) -> None:
    documents = []
    for site in (embedded, remote):
        status, body = _get(site.base, path, "application/n-triples")
        assert status == 200, f"{site.name} {path}: HTTP {status}: {body[:300]!r}"
        documents.append(Graph().parse(data=body.decode("utf-8"), format="nt"))
    assert len(documents[0]) > 5
    assert isomorphic(documents[0], documents[1])


@pytest.mark.parametrize("path", ["/states/ES", "/states/BG", "/states/AD"])
def test_state_pages_alike(embedded: Site, remote: Site, path: str) -> None:
    pages = [_get(site.base, path, "text/html") for site in (embedded, remote)]
    assert pages[0][0] == 200 and pages[1][0] == 200
    assert pages[1][1].decode() == pages[0][1].decode()


@pytest.mark.parametrize("needle", ["strategy", "Roma", "council"])
def test_search_alike(embedded: Site, remote: Site, needle: str) -> None:
    path = "/search?" + urllib.parse.urlencode({"q": needle})
    pages = [_get(site.base, path, "text/html") for site in (embedded, remote)]
    assert pages[0][0] == 200
    assert pages[0][1].count(b"/id/") > 3
    assert pages[1][1].decode() == pages[0][1].decode()


@pytest.mark.parametrize("fmt", ["json", "csv", "turtle"])
def test_validation_report_alike(embedded: Site, remote: Site, fmt: str) -> None:
    reports = [_get(site.base, f"/validation?format={fmt}", "*/*") for site in (embedded, remote)]
    assert reports[0][0] == 200 and reports[1][0] == 200
    assert len(reports[0][1]) > 1000
    assert reports[1][1] == reports[0][1]


_COUNTS = """
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?graph ?p ?n WHERE {
  { ?service sd:defaultDataset/sd:defaultGraph ?node BIND ("default" AS ?graph) }
  UNION { ?service sd:defaultDataset/sd:namedGraph ?named . ?named sd:name ?graph ; sd:graph ?node }
  ?node ?p ?n FILTER (isLiteral(?n))
}"""


def test_service_description_counts_alike(embedded: Site, remote: Site) -> None:
    counts = []
    for site in (embedded, remote):
        status, body = _get(site.base, "/sparql", "application/n-triples")
        assert status == 200
        graph = Graph().parse(data=body.decode("utf-8"), format="nt")
        counts.append(sorted((str(g), str(p), int(n)) for g, p, n in graph.query(_COUNTS)))
    graphs = {g for g, _, _ in counts[0]}
    assert "https://w3id.org/icgraph/graph/states" in graphs and "default" in graphs
    assert counts[1] == counts[0]
