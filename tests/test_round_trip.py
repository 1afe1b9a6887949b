"""What the files say is what the endpoint answers: no literal changes on its way into the store.

pyoxigraph keeps numbers by value and writes every integer type back as xsd:integer; the
build refuses a source literal it would rewrite (``icgraph.load.check_round_trip``), and the
published store holds each literal of each data file exactly as the file writes it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal

from icgraph.build import BuildResult
from icgraph.errors import InputError
from icgraph.load import check_round_trip, parse_file, to_oxigraph
from icgraph.namespaces import graph_for

from .paths import DATA

GROUP = """@prefix icg: <https://w3id.org/icgraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/icgraph/id/group-of/es/seven-ministries>
    icg:memberKind "ministry" ;
    icg:groupSize {size} .
"""


def test_a_literal_the_store_would_rewrite_is_refused_with_its_place(tmp_path: Path) -> None:
    # 2.1 Spain: "seven ministries", as the data once wrote it
    source = tmp_path / "groups.ttl"
    source.write_text(GROUP.format(size='"7"^^xsd:nonNegativeInteger'), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        check_round_trip(parse_file(source), source)
    message = str(raised.value)
    assert message.startswith(f"{source}:5: ")
    assert "<https://w3id.org/icgraph/id/group-of/es/seven-ministries>" in message
    assert '"7"^^<http://www.w3.org/2001/XMLSchema#integer>' in message


def test_the_plain_integer_passes(tmp_path: Path) -> None:
    source = tmp_path / "groups.ttl"
    source.write_text(GROUP.format(size="7"), encoding="utf-8")
    check_round_trip(parse_file(source), source)  # raises nothing


def test_every_data_literal_comes_back_from_the_store_as_written(
    built: BuildResult, graph_store: ox.Store
) -> None:
    files = sorted(DATA.glob("*.ttl"))
    assert len(files) >= 6
    checked = 0
    for path in files:
        graph = ox.NamedNode(graph_for(path.stem))
        for s, p, o in parse_file(path):
            if not isinstance(o, Literal):
                continue
            # Read the objects back and compare terms: a lookup (``quad in store``) would be
            # rewritten by the store the same way and always succeed.
            stored = {
                quad.object
                for quad in graph_store.quads_for_pattern(
                    to_oxigraph(s),  # type: ignore[arg-type]
                    to_oxigraph(p),  # type: ignore[arg-type]
                    None,
                    graph,
                )
            }
            assert to_oxigraph(o) in stored, f"{path.name}: {s} {p} {o.n3()} comes back as {stored}"
            checked += 1
    assert checked > 1000  # the 54 quotes alone are a few hundred literals with their labels


def test_group_sizes_are_served_as_the_files_write_them(graph_store: ox.Store) -> None:
    # 2.1 Spain: "engages seven ministries"; 2.2 Slovak Republic: "four municipalities"
    group = "https://w3id.org/icgraph/id/group-of/"
    solutions = graph_store.query(
        "SELECT ?g ?n WHERE { ?g <https://w3id.org/icgraph/ontology#groupSize> ?n }",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, ox.QuerySolutions)
    sizes = {solution["g"]: solution["n"] for solution in solutions}
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    assert sizes[ox.NamedNode(group + "es/seven-ministries")] == ox.Literal("7", datatype=integer)
    assert sizes[ox.NamedNode(group + "sk/four-municipalities")] == ox.Literal(
        "4", datatype=integer
    )
