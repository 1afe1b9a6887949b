"""The ontology's design points, seen in the published store: one actor class, and Council of
Europe membership stated as of the report's date."""

from __future__ import annotations

import pyoxigraph as ox

from icgraph.query import execute, rows

from .test_coverage import ALPHA2


def test_one_class_finds_every_actor(graph_store: ox.Store) -> None:
    """prov:Agent holds every organisation, post and actor group: no UNION of three classes."""
    agents = {
        r["x"]
        for r in rows(
            execute(graph_store, "SELECT DISTINCT ?x WHERE { ?x a prov:Agent FILTER isIRI(?x) }")
        )
    }
    union = {
        r["x"]
        for r in rows(
            execute(
                graph_store,
                """SELECT DISTINCT ?x WHERE {
                  { ?x a org:Organization } UNION { ?x a org:Post } UNION { ?x a icg:ActorGroup } }""",
            )
        )
    }
    assert union and agents == union
    base = "https://w3id.org/icgraph/id/"
    # 2.1 Portugal: "a Secretary of State for Integration and Migration" (a post);
    # 2.1 Spain: "seven ministries" (an unnamed group); footnote 3: "Cyprus (Limassol)"
    for actor in (
        "actor/pt/secretary-of-state-for-integration-and-migration",
        "group-of/es/seven-ministries",
        "actor/cy/limassol",
    ):
        assert base + actor in agents


def test_council_of_europe_membership_is_stated_as_of_the_report_date(
    graph_store: ox.Store,
) -> None:
    found = rows(
        execute(
            graph_store,
            """SELECT ?code ?date WHERE {
              ?m a org:Membership ; org:member ?state ; dct:valid ?date ;
                 org:organization id:actor\\/europe\\/council-of-europe .
              ?state a icg:MemberState ; icg:alpha2Code ?code }""",
        )
    )
    # footnote 3: the thirty-two member states that completed the survey; cover: 4 February 2021
    assert sorted(r["code"] for r in found) == sorted(ALPHA2.values())
    assert {r["date"] for r in found} == {"2021-02-04"}
    note = rows(
        execute(
            graph_store,
            """SELECT ?note WHERE { ?m org:member id:state\\/RU ; skos:editorialNote ?note }""",
        )
    )
    assert len(note) == 1 and "March 2022" in note[0]["note"]
