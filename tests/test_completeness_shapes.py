"""Each completeness shape, with a conforming and a violating graph side by side.

The conforming fixture gives one state evidence of all four framework elements; each case
takes away (or changes) one piece of evidence and must produce exactly one sh:Warning, from the
shape of that element, focused on the state, whose value is the element, whose message names
the state and the element, and whose shape points to the subsection of section 2.1 that
defines the element.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from icgraph.validate import SH, validate

from .paths import DATA, SHAPES, SHAPES_FIXTURES

CSH = Namespace("https://w3id.org/icgraph/shapes/completeness#")
ICG = Namespace("https://w3id.org/icgraph/ontology#")
ID = "https://w3id.org/icgraph/id/"
STATE = URIRef(ID + "state/FI")
LAW = URIRef(ID + "instrument/fi/non-discrimination-act")
BODY = URIRef(ID + "actor/fi/equality-body")
PLAN = URIRef(ID + "instrument/fi/state-integration-programme")
GRANT = URIRef(ID + "instrument/fi/special-state-grant")
ORG = Namespace("http://www.w3.org/ns/org#")

#: case -> (shape that must warn, element, label words the message must contain,
#:          triples to remove, triples to add)
CASES = {
    "no-legislation": (
        CSH.LegislationShape,
        "legislation",
        "constitutional provision and legislation",
        [(LAW, RDF.type, ICG.Legislation)],
        [(LAW, RDF.type, ICG.Programme)],
    ),
    "legislation-of-another-state": (
        CSH.LegislationShape,
        "legislation",
        "constitutional provision and legislation",
        [(LAW, ICG.inState, STATE)],
        [(LAW, ICG.inState, URIRef(ID + "state/SE"))],
    ),
    "no-institution-role": (
        CSH.InstitutionsShape,
        "institutions",
        "institutions",
        [(BODY, ICG.institutionRole, None)],
        [],
    ),
    "role-on-a-non-organisation": (
        CSH.InstitutionsShape,
        "institutions",
        "institutions",
        [(BODY, RDF.type, None)],
        [(BODY, RDF.type, ICG.ActorGroup)],
    ),
    "no-strategy": (
        CSH.StrategiesShape,
        "strategies",
        "strategies or plans",
        [(PLAN, RDF.type, ICG.StrategyOrPlan)],
        [(PLAN, RDF.type, ICG.Programme)],
    ),
    "no-funding": (
        CSH.FundingShape,
        "funding",
        "funding streams",
        [(GRANT, ICG.inState, STATE)],
        [],
    ),
}

#: Other ways to give evidence, each must keep the fixture free of warnings.
CONFORMING_VARIANTS = {
    "constitutional-provision": (
        [(LAW, RDF.type, ICG.Legislation)],
        [(LAW, RDF.type, ICG.ConstitutionalProvision)],
    ),
    "inferred-institution": (
        [(BODY, ICG.institutionRole, None), (BODY, RDF.type, None)],
        [(BODY, RDF.type, ICG.Institution)],
    ),
    "collaboration-as-platform": (
        [(BODY, RDF.type, None)],
        [(BODY, RDF.type, ORG.OrganizationalCollaboration)],
    ),
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES / "completeness.ttl")


@pytest.fixture()
def conforming() -> Graph:
    return Graph().parse(SHAPES_FIXTURES / "completeness-conforming.ttl")


def warnings(report: Graph) -> list[URIRef]:
    return list(report.subjects(SH.resultSeverity, SH.Warning))


def test_fixture_has_no_warning(conforming: Graph, shapes: Graph, ontology: Graph) -> None:
    result = validate(conforming, shapes, ontology)
    assert result.counts == {"Violation": 0, "Warning": 0, "Info": 0}, result.text


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
    assert result.counts["Warning"] == 0, result.text


def test_every_completeness_shape_has_a_violating_case(shapes: Graph) -> None:
    node_shapes = {
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if str(s).startswith(str(CSH))
    }
    assert len(node_shapes) == 4
    assert node_shapes == {case[0] for case in CASES.values()}


def test_shapes_are_warnings_on_states_and_match_the_code_lists(shapes: Graph) -> None:
    codelists = Graph().parse(DATA / "codelists.ttl")
    evidence_classes = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, SH.severity) == SH.Warning
        assert shapes.value(shape, SH.targetClass) == ICG.MemberState
        element = shapes.value(shape, DCTERMS.subject)
        # The shape points to the text that defines its element, as the code list does.
        assert shapes.value(shape, RDFS.seeAlso) == codelists.value(element, DCTERMS.source)
        constraint = shapes.value(shape, SH.sparql)
        evidence_classes[element] = codelists.value(element, ICG.evidenceClass)
        assert evidence_classes[element] is not None
        local = str(evidence_classes[element]).rsplit("#", 1)[-1]
        assert f"icg:{local}" in str(shapes.value(constraint, SH.select))
        label = str(codelists.value(element, SKOS.prefLabel))
        assert f"'{label}'" in str(shapes.value(constraint, SH.message))
    assert len(evidence_classes) == 4


@pytest.mark.parametrize("case", sorted(CASES))
def test_violating_case(case: str, conforming: Graph, shapes: Graph, ontology: Graph) -> None:
    shape, element, element_label, removals, additions = CASES[case]
    for triple in removals:
        assert triple in conforming or (
            triple[2] is None and (triple[0], triple[1], None) in conforming
        ), triple
        conforming.remove(triple)
    for triple in additions:
        conforming.add(triple)
    result = validate(conforming, shapes, ontology)
    assert result.conforms  # warnings never break conformance
    found = warnings(result.report)
    assert len(found) == 1, result.text
    (warning,) = found
    report = result.report
    assert report.value(warning, SH.sourceShape) == shape
    assert report.value(warning, SH.focusNode) == STATE
    assert report.value(warning, SH.value) == URIRef(ID + "element/" + element)
    message = str(report.value(warning, SH.resultMessage))
    assert message.startswith("Finland has no evidence")
    assert f"'{element_label}'" in message
