"""Each recommendation shape, with a conforming and a violating graph side by side.

The conforming fixture gives one state evidence for every checked recommendation; each case
takes one piece away and must produce exactly one sh:Info, from that recommendation's shape,
focused on the state, with the recommendation as value. The shapes and the notes on the
recommendations not checked together cover the nine recommendations of section 4.2 once each.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from icgraph.validate import SH, validate

from .paths import DATA, SHAPES, SHAPES_FIXTURES

RSH = Namespace("https://w3id.org/icgraph/shapes/recommendations#")
ICG = Namespace("https://w3id.org/icgraph/ontology#")
ID = "https://w3id.org/icgraph/id/"
STATE = URIRef(ID + "state/GE")
OFFICE = URIRef(ID + "actor/ge/office-of-state-minister")
STRATEGY = URIRef(ID + "instrument/ge/state-strategy")
PLATFORM = URIRef(ID + "actor/ge/advisory-committee")
NETWORK = URIRef(ID + "actor/ge/intercultural-cities-network")
LAW = URIRef(ID + "instrument/ge/equality-act")
INDEX = URIRef(ID + "instrument/ge/diversity-index")
TOOL = URIRef(ID + "instrument/ge/learning-platform")
LEVEL = "https://w3id.org/icgraph/id/level/"
STATUS = "https://w3id.org/icgraph/id/status/"
PROCESS = "https://w3id.org/icgraph/id/mainstreaming/"

#: case -> (shape that must inform, recommendation number, triples to remove, triples to add)
CASES = {
    "3-no-coordination": (RSH.Recommendation3Shape, 3, [(OFFICE, ICG.coordinates, STRATEGY)], []),
    "3-coordinates-a-programme": (
        RSH.Recommendation3Shape,
        3,
        [(STRATEGY, RDF.type, ICG.StrategyOrPlan)],
        [(STRATEGY, RDF.type, ICG.Programme)],
    ),
    "3-regional-institution": (
        RSH.Recommendation3Shape,
        3,
        [(OFFICE, ICG.atLevel, None)],
        [(OFFICE, ICG.atLevel, URIRef(LEVEL + "regional"))],
    ),
    "4-no-platform-role": (
        RSH.Recommendation4Shape,
        4,
        [(PLATFORM, ICG.institutionRole, None)],
        [(PLATFORM, ICG.institutionRole, URIRef(ID + "role/expertise-body"))],
    ),
    "5-no-network": (
        RSH.Recommendation5Shape,
        5,
        [(NETWORK, RDF.type, None)],
        [(NETWORK, RDF.type, ICG.AssociationOfPublicAuthorities)],
    ),
    "5-network-only-proposed": (
        RSH.Recommendation5Shape,
        5,
        [(NETWORK, ICG.status, None)],
        [(NETWORK, ICG.status, URIRef(STATUS + "under-development"))],
    ),
    "6-no-positive-duty": (RSH.Recommendation6Shape, 6, [(LAW, ICG.positiveDuty, None)], []),
    "6-duty-not-in-law": (
        RSH.Recommendation6Shape,
        6,
        [(LAW, RDF.type, None)],
        [(LAW, RDF.type, ICG.StrategyOrPlan)],
    ),
    "8-no-index": (
        RSH.Recommendation8Shape,
        8,
        [(INDEX, RDF.type, None)],
        [(INDEX, RDF.type, ICG.Tool)],
    ),
    "9-no-capacity-building": (
        RSH.Recommendation9Shape,
        9,
        [(TOOL, ICG.mainstreamingProcess, None)],
        [(TOOL, ICG.mainstreamingProcess, URIRef(PROCESS + "equality-data"))],
    ),
}

#: Other ways to give evidence; each must keep the fixture free of results.
CONFORMING_VARIANTS = {
    "3-implements-cm-rec": (
        [(OFFICE, ICG.coordinates, STRATEGY), (OFFICE, ICG.institutionRole, None)],
        [
            (OFFICE, ICG.implements, URIRef(ID + "instrument/europe/cm-rec-2015-1")),
            (OFFICE, ICG.institutionRole, URIRef(ID + "role/expertise-body")),
        ],
    ),
    "3-implementing-authority": (
        [(OFFICE, ICG.coordinates, STRATEGY), (OFFICE, ICG.institutionRole, None)],
        [(OFFICE, ICG.institutionRole, URIRef(ID + "role/implementing-authority"))],
    ),
    "8-equality-objectives": (
        [(INDEX, RDF.type, None)],
        [
            (INDEX, RDF.type, ICG.Tool),
            (INDEX, ICG.mainstreamingProcess, URIRef(PROCESS + "equality-objectives")),
        ],
    ),
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES / "recommendations.ttl")


@pytest.fixture()
def conforming() -> Graph:
    return Graph().parse(SHAPES_FIXTURES / "recommendations-conforming.ttl")


def infos(report: Graph) -> list[URIRef]:
    return list(report.subjects(SH.resultSeverity, SH.Info))


def test_fixture_has_no_result(conforming: Graph, shapes: Graph, ontology: Graph) -> None:
    result = validate(conforming, shapes, ontology)
    assert result.counts == {"Violation": 0, "Warning": 0, "Info": 0}, result.text


def test_a_state_without_anything_gets_one_info_per_checked_recommendation(
    shapes: Graph, ontology: Graph
) -> None:
    graph = Graph()
    graph.add((STATE, RDF.type, ICG.MemberState))
    graph.add((STATE, RDFS.label, Literal("Georgia", lang="en")))
    result = validate(graph, shapes, ontology)
    values = sorted(str(result.report.value(r, SH.value)) for r in infos(result.report))
    assert values == [f"{ID}recommendation/{n}" for n in (3, 4, 5, 6, 8, 9)]
    assert result.counts == {"Violation": 0, "Warning": 0, "Info": 6}


@pytest.mark.parametrize("variant", sorted(CONFORMING_VARIANTS))
def test_conforming_variant(
    variant: str, conforming: Graph, shapes: Graph, ontology: Graph
) -> None:
    removals, additions = CONFORMING_VARIANTS[variant]
    for triple in removals:
        conforming.remove(triple)
    for triple in additions:
        conforming.add(triple)
    result = validate(conforming, shapes, ontology)
    assert result.counts["Info"] == 0, result.text


def test_every_recommendation_is_checked_or_explained(shapes: Graph) -> None:
    report = Graph().parse(DATA / "report.ttl")
    recommendations = set(report.subjects(RDF.type, ICG.ReportRecommendation))
    assert len(recommendations) == 9
    checked = {shapes.value(s, DCTERMS.subject): s for s in shapes.subjects(RDF.type, SH.NodeShape)}
    explained = {
        shapes.value(n, DCTERMS.subject): n for n in shapes.subjects(RDF.type, RSH.NotChecked)
    }
    assert not set(checked) & set(explained)
    assert set(checked) | set(explained) == recommendations
    for shape in checked.values():
        assert shapes.value(shape, SH.severity) == SH.Info
        assert shapes.value(shape, SH.targetClass) == ICG.MemberState
        assert len(str(shapes.value(shape, RDFS.comment))) > 40  # says what counts as evidence
    for note in explained.values():
        assert len(str(shapes.value(note, RDFS.comment))) > 40  # says why not
    assert {int(str(r).rsplit("/", 1)[-1]) for r in explained} == {1, 2, 7}
    assert set(checked.values()) == {case[0] for case in CASES.values()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_violating_case(case: str, conforming: Graph, shapes: Graph, ontology: Graph) -> None:
    shape, number, removals, additions = CASES[case]
    for triple in removals:
        assert (triple[0], triple[1], triple[2]) in conforming or (
            triple[2] is None and (triple[0], triple[1], None) in conforming
        ), triple
        conforming.remove(triple)
    for triple in additions:
        conforming.add(triple)
    result = validate(conforming, shapes, ontology)
    assert result.conforms  # information never breaks conformance
    found = infos(result.report)
    assert len(found) == 1, result.text
    (info,) = found
    report = result.report
    assert report.value(info, SH.sourceShape) == shape
    assert report.value(info, SH.focusNode) == STATE
    assert report.value(info, SH.value) == URIRef(f"{ID}recommendation/{number}")
    message = str(report.value(info, SH.resultMessage))
    assert message.startswith(f"Georgia shows no evidence for recommendation {number}:")
