"""One query path: the CLI, the Python API and HTTP give byte-identical answers.

Each case is run three ways on the same published store: ``icgraph query`` (through click),
:func:`icgraph.query.run` (the Python API) and ``/sparql`` or ``/queries/<name>`` on the real
app. Then every catalogue query is run, unchanged, on a bare pyoxigraph store loaded from the
N-Quads export with no prefixes supplied, and must give the endpoint's rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from icgraph.catalogue import CatalogueQuery, load_catalogue
from icgraph.cli import main
from icgraph.config import Settings, get_settings
from icgraph.export import export_store
from icgraph.formats import Choice
from icgraph.query import request_for, run

from ..paths import QUERIES, ROOT

CATALOGUE = load_catalogue(QUERIES)
STATES_GRAPH = "https://w3id.org/icgraph/graph/states"

#: (name, query text, CLI options, /sparql parameters)
AD_HOC = [
    (
        "from",
        f"SELECT (COUNT(*) AS ?n) FROM <{STATES_GRAPH}> WHERE {{ ?s ?p ?o }}",
        [],
        {},
    ),
    (
        "from-named",
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{STATES_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
        [],
        {},
    ),
    ("relative-iri", "SELECT ?name WHERE { <id/state/ES> rdfs:label ?name }", [], {}),
    (
        "default-graph-uri",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        ["--default-graph", STATES_GRAPH],
        {"default-graph-uri": STATES_GRAPH},
    ),
    ("construct", "CONSTRUCT WHERE { <id/state/PT> ?p ?o }", [], {}),
]
#: A value for each parameter name the catalogue uses.
SAMPLES = {
    "state": "pt",
    "kind": "ministry",
    "year": "2020",
    "field": "https://w3id.org/icgraph/id/field/education",
    "group": "https://w3id.org/icgraph/id/group/roma",
}
#: Parameters each parameterised catalogue query is also run with.
PARAMETERS = {
    name: {p.name: SAMPLES[p.name] for p in entry.parameters}
    for name, entry in CATALOGUE.items()
    if all(p.name in SAMPLES for p in entry.parameters) and entry.parameters
}


@pytest.fixture()
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ICGRAPH_ROOT", str(ROOT))
    monkeypatch.setenv("ICGRAPH_STORE_PATH", str(settings.store))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _cli(*args: str) -> bytes:
    result = CliRunner().invoke(main, ["query", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _python(
    graph_store: ox.Store, settings: Settings, text: str, fmt: str, **request: object
) -> bytes:
    formats = Choice.named(fmt)
    answer = run(
        graph_store, request_for(text, base_iri=settings.base_iri, formats=formats, **request)
    )  # type: ignore[arg-type]
    return answer.body


def _catalogue_cases() -> list[tuple[str, dict[str, str]]]:
    cases = [(name, {}) for name in CATALOGUE]
    cases += list(PARAMETERS.items())
    return cases


def test_the_parameters_cover_every_parameterised_query() -> None:
    declared = {name for name, entry in CATALOGUE.items() if entry.parameters}
    assert declared == set(PARAMETERS)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize(("name", "params"), _catalogue_cases())
def test_catalogue_answers_are_byte_identical(
    cli_settings: None,
    client: TestClient,
    graph_store: ox.Store,
    settings: Settings,
    name: str,
    params: dict[str, str],
    fmt: str,
) -> None:
    entry: CatalogueQuery = CATALOGUE[name]
    options = [item for key, value in params.items() for item in ("--param", f"{key}={value}")]
    by_cli = _cli(name, "--format", fmt, *options)
    by_python = _python(
        graph_store, settings, entry.text, fmt, bindings=entry.bindings(params.items())
    )
    response = client.get(f"/queries/{name}", params={**params, "format": fmt})
    assert response.status_code == 200, response.text
    assert by_cli == by_python == response.content


@pytest.mark.parametrize(("case", "text", "options", "params"), AD_HOC, ids=[c[0] for c in AD_HOC])
def test_ad_hoc_answers_are_byte_identical(
    cli_settings: None,
    client: TestClient,
    graph_store: ox.Store,
    settings: Settings,
    case: str,
    text: str,
    options: list[str],
    params: dict[str, str],
) -> None:
    fmt = "ntriples" if text.startswith("CONSTRUCT") else "json"
    result = CliRunner().invoke(main, ["query", "-", "--format", fmt, *options], input=text)
    assert result.exit_code == 0, result.output
    by_cli = result.stdout_bytes
    default_graphs = (params["default-graph-uri"],) if "default-graph-uri" in params else None
    by_python = _python(graph_store, settings, text, fmt, default_graphs=default_graphs)
    response = client.get("/sparql", params={"query": text, "format": fmt, **params})
    assert response.status_code == 200, response.text
    assert by_cli == by_python == response.content


def test_from_reads_the_named_graph_only(client: TestClient) -> None:
    """242 triples in the states graph (the union holds thousands): FROM is honoured."""
    text = AD_HOC[0][1]
    data = json.loads(client.get("/sparql", params={"query": text}).content)
    states_triples = int(data["results"]["bindings"][0]["n"]["value"])
    union = json.loads(
        client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}).content
    )
    assert 200 < states_triples < int(union["results"]["bindings"][0]["n"]["value"])


def test_relative_iris_resolve_against_the_base(client: TestClient) -> None:
    data = json.loads(client.get("/sparql", params={"query": AD_HOC[2][1]}).content)
    assert [b["name"]["value"] for b in data["results"]["bindings"]] == ["Spain"]


@pytest.fixture(scope="module")
def bare_store(store_path: Path) -> ox.Store:
    """The N-Quads export in a store that knows no prefixes of the project's."""
    bare = ox.Store()
    bare.load(export_store(store_path, "nquads"), format=ox.RdfFormat.N_QUADS)
    return bare


_CONCAT = re.compile(
    r'GROUP_CONCAT\((?:DISTINCT\s+)?[^;]+;\s*separator="([^"]+)"\)\s+AS\s+\?(\w+)', re.I
)


def _rows(body: bytes, text: str) -> list[tuple[tuple[str, str], ...]]:
    """The rows as a sorted multiset; GROUP_CONCAT's order is the engine's, so it is sorted too."""
    separators = {name: sep for sep, name in _CONCAT.findall(text)}
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]

    def cell(name: str, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        if name in separators:
            return separators[name].join(sorted(term.value.split(separators[name])))
        return str(term)

    return sorted(
        tuple((n, cell(n, s[n])) for n in names if s[n] is not None)  # type: ignore[arg-type]
        for s in solutions
    )


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_catalogue_runs_unchanged_on_a_bare_store(
    bare_store: ox.Store, client: TestClient, name: str
) -> None:
    entry = CATALOGUE[name]
    # No prefixes and no base IRI: only what the file itself declares. The endpoint gets the
    # same text through /sparql, so parameterised queries are compared unbound on both sides.
    result = bare_store.query(entry.text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    bare = _rows(result.serialize(format=ox.QueryResultsFormat.JSON), entry.text)  # type: ignore[arg-type]
    served = client.get("/sparql", params={"query": entry.text, "format": "json"})
    assert served.status_code == 200, served.text
    assert bare == _rows(served.content, entry.text)
    assert bare, f"{name} answers nothing"
