"""What the report's own text (section 1, footnotes, the European actors) states as relations.

Each expectation is the report's words, quoted beside it.
"""

from __future__ import annotations

import pyoxigraph as ox

from icgraph.query import execute, rows


def test_the_recommendation_was_adopted_at_a_dated_meeting(graph_store: ox.Store) -> None:
    # footnote 1: "adopted by the Committee of Ministers on 21 January 2015 at the 1217th
    # meeting of the Ministers' Deputies"
    found = rows(
        execute(
            graph_store,
            """SELECT ?label ?date ?who WHERE {
              id:instrument\\/europe\\/cm-rec-2015-1 icg:adoptedAt ?event .
              ?event a icg:Event ; rdfs:label ?label ; dct:date ?date ;
                     prov:wasAssociatedWith/rdfs:label ?who }""",
        )
    )
    assert found == [
        {
            "label": "1217th meeting of the Ministers' Deputies",
            "date": "2015-01-21",
            "who": "Committee of Ministers",
        }
    ]


def test_the_report_was_presented_and_its_consideration_is_planned(graph_store: ox.Store) -> None:
    # section 1: "The report was presented at the second meeting of the Working Group on
    # Intercultural Integration (GT-ADI-INT) for feedback and was finalised to be brought
    # forward to CDADI for consideration."
    presented = rows(
        execute(
            graph_store,
            """SELECT ?who WHERE { id:report\\/cdadi-2021-5 icg:presentedAt ?e .
                                 ?e prov:wasAssociatedWith/skos:altLabel ?who }""",
        )
    )
    assert presented == [{"who": "GT-ADI-INT"}]
    planned = rows(
        execute(
            graph_store,
            """SELECT ?who WHERE { ?e a icg:Event ; dct:subject id:report\\/cdadi-2021-5 ;
                                   icg:status id:status\\/planned ;
                                   prov:wasAssociatedWith/skos:altLabel ?who }""",
        )
    )
    assert planned == [{"who": "CDADI"}]


def test_the_european_actors_have_their_kind(graph_store: ox.Store) -> None:
    found = {
        r["label"]: r["kind"]
        for r in rows(
            execute(
                graph_store,
                """SELECT ?label ?kind WHERE {
                  ?a a org:Organization ; icg:atLevel id:level\\/european ; rdfs:label ?label ;
                     org:classification/skos:prefLabel ?kind }""",
            )
        )
    }
    # the report's names: a "Committee", a "Steering Committee", a "Working Group"; the
    # Council of Europe and the EU are organisations of states (a reading, marked as one)
    assert found == {
        "Council of Europe": "international organisation",
        "European Union": "international organisation",
        "Committee of Ministers": "committee",
        "Steering Committee on Anti-discrimination, Diversity and Inclusion": "committee",
        "Working Group on Intercultural Integration": "working group",
    }


def test_the_survey_asked_about_the_recommendation(graph_store: ox.Store) -> None:
    # section 1: "The questionnaire sought information from the member states on actions taken
    # to implement Recommendation CM/Rec(2015)1"
    assert execute(
        graph_store,
        "ASK { id:survey\\/cdadi-2021-5 dct:subject id:instrument\\/europe\\/cm-rec-2015-1 }",
    )
