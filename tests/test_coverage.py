"""The graph carries every practice paragraph and every responding state the report has.

The expectations are read from the report itself (``icgraph.sources``), not from the data.
"""

from __future__ import annotations

import pyoxigraph as ox

from icgraph.query import execute, rows
from icgraph.sources import normalise, practice_paragraphs, responding_states

ALPHA2 = {
    "Albania": "AL",
    "Andorra": "AD",
    "Austria": "AT",
    "Azerbaijan": "AZ",
    "Belgium": "BE",
    "Bulgaria": "BG",
    "Croatia": "HR",
    "Cyprus": "CY",
    "Estonia": "EE",
    "Finland": "FI",
    "Georgia": "GE",
    "Germany": "DE",
    "Greece": "GR",
    "Hungary": "HU",
    "Iceland": "IS",
    "Italy": "IT",
    "Latvia": "LV",
    "Malta": "MT",
    "Montenegro": "ME",
    "North Macedonia": "MK",
    "Norway": "NO",
    "Portugal": "PT",
    "Romania": "RO",
    "Russian Federation": "RU",
    "San Marino": "SM",
    "Slovak Republic": "SK",
    "Slovenia": "SI",
    "Spain": "ES",
    "Sweden": "SE",
    "Switzerland": "CH",
    "Turkey": "TR",
    "United Kingdom": "GB",
}


def test_the_report_has_54_practices_and_32_states() -> None:
    assert len(practice_paragraphs()) == 54
    assert len(responding_states()) == 32


def test_every_responding_state_is_in_the_graph(graph_store: ox.Store) -> None:
    found = rows(
        execute(
            graph_store,
            """
        SELECT ?name ?code ?city WHERE {
          ?s a icg:MemberState ; icg:respondedTo ?survey ; rdfs:label ?name ; icg:alpha2Code ?code .
          OPTIONAL { ?s icg:answeredThrough/rdfs:label ?city } }""",
        )
    )
    in_graph = {(r["name"], r["code"], r.get("city")) for r in found}
    expected = {(name, ALPHA2[name], city) for name, city in responding_states()}
    assert in_graph == expected


def test_every_practice_paragraph_is_a_node_with_its_exact_words(graph_store: ox.Store) -> None:
    found = rows(
        execute(
            graph_store,
            """
        SELECT ?p ?quote ?code ?section ?sub ?ordinal WHERE {
          ?p a icg:PracticeOfInterest ; icg:quote ?quote ; icg:ordinal ?ordinal ;
             icg:inState/icg:alpha2Code ?code ; icg:inSection/icg:sectionNumber ?section ;
             icg:inSubsection ?sub } ORDER BY ?ordinal""",
        )
    )
    paragraphs = practice_paragraphs()
    assert len(found) == len(paragraphs) == 54
    for ordinal, (paragraph, row) in enumerate(zip(paragraphs, found, strict=True), start=1):
        where = f"practice {ordinal} ({paragraph.state}, report line {paragraph.line})"
        assert int(row["ordinal"]) == ordinal, where
        assert normalise(row["quote"]) == paragraph.text, where
        assert row["code"] == ALPHA2[paragraph.state], where
        assert row["section"] == paragraph.section, where
        assert row["sub"].endswith(f"/section/{paragraph.section}/{paragraph.subsection}"), where
        assert row["p"].endswith(f"/practice/{paragraph.subsection}/{ALPHA2[paragraph.state]}"), (
            where
        )


def test_sweden_answered_but_has_no_practice(graph_store: ox.Store) -> None:
    result = execute(graph_store, "ASK { ?p a icg:PracticeOfInterest ; icg:inState id:state\\/SE }")
    assert bool(result) is False
    assert bool(execute(graph_store, "ASK { id:state\\/SE icg:respondedTo ?survey }")) is True


def test_every_actor_and_instrument_points_to_a_passage_that_names_it(
    graph_store: ox.Store,
) -> None:
    orphans = rows(
        execute(
            graph_store,
            """
        SELECT ?x WHERE {
          { ?x a icg:Instrument } UNION { ?x a org:Organization } UNION { ?x a icg:ActorGroup } UNION { ?x a org:Post }
          FILTER NOT EXISTS { ?x icg:reportedIn ?passage . { ?passage a icg:Passage } UNION { ?passage a icg:ReportSection } }
        }""",
        )
    )
    assert orphans == []


def _folded(text: str) -> str:
    return normalise(text).lower().replace("\u2019", "'").replace("\u2018", "'")


def test_quoted_literals_are_the_reports_own_words(graph_store: ox.Store) -> None:
    """Objectives, positive duties and quotes are copied from the report, never paraphrased."""
    from icgraph.sources import read_report

    report = _folded(" ".join(read_report()))
    found = rows(
        execute(
            graph_store,
            """
        SELECT ?s ?p ?text WHERE {
          VALUES ?p { icg:objective icg:positiveDuty icg:quote }
          ?s ?p ?text FILTER NOT EXISTS { ?s a icg:Passage ; icg:inSection id:section\\/1 } }""",
        )
    )
    assert len(found) > 54 + 9
    not_in_report = [(r["s"], r["p"]) for r in found if _folded(r["text"]) not in report]
    assert not_in_report == []


def test_no_triple_is_stated_in_two_data_files() -> None:
    """Each fact lives in one file, so the union default graph holds it once.

    pyoxigraph's union of named graphs keeps a triple once per graph it is in; a fact stated
    twice would be counted twice by aggregate queries.
    """
    from itertools import combinations

    from icgraph.load import parse_file

    from .paths import DATA

    files = sorted(DATA.glob("*.ttl"))
    assert len(files) >= 6
    graphs = {path.name: set(parse_file(path)) for path in files}
    shared = {
        (a, b): len(graphs[a] & graphs[b])
        for a, b in combinations(graphs, 2)
        if graphs[a] & graphs[b]
    }
    assert shared == {}
