"""The SPARQL-compiled SHACL engine against pySHACL, the oracle, report for report.

Every graph the shape tests validate (each fixture with each of its cases) and the real graph
are validated by both engines with all the project's shapes, and the two reports must hold the
same results: focus node, path, severity, source shape, value, constraint component and
messages, each as many times. The engine is forced (``engine="sparql"``), so a shape it stopped
compiling fails here instead of falling back to pySHACL unseen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from icgraph.shacl_sparql import Unsupported
from icgraph.validate import SH, ValidationResult, validate

from . import test_completeness_shapes as completeness
from . import test_integrity_shapes as integrity
from . import test_recommendation_shapes as recommendations
from .paths import ONTOLOGY, ROOT, SHAPES, SHAPES_FIXTURES

ICG = "https://w3id.org/icgraph/ontology#"
ID = "https://w3id.org/icgraph/id/"

Key = tuple[Node | None, ...]


def _path(report: Graph, node: Node | None) -> Node | str | None:
    # A blank-node path (sh:inversePath ...) is compared by what it says, not by its id.
    if isinstance(node, BNode):
        return " ".join(sorted(f"{p} {o}" for p, o in report.predicate_objects(node)))
    return node


def results(result: ValidationResult) -> Counter[Key]:
    """Every result of a report as (focus, path, severity, shape, value, component, messages)."""
    report = result.report
    found: Counter[Key] = Counter()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(node, SH.sourceShape)
        # A shape's own sh:message is compared as written; a generic message (no sh:message)
        # is worded by each engine in its own way.
        messages = tuple(sorted(str(m) for m in report.objects(node, SH.resultMessage)))
        if not any(True for _ in SHAPES_GRAPH.objects(shape, SH.message)) and not (
            report.value(node, SH.sourceConstraint)
        ):
            messages = ()
        found[
            (
                report.value(node, SH.focusNode),
                _path(report, report.value(node, SH.resultPath)),
                report.value(node, SH.resultSeverity),
                shape,
                report.value(node, SH.value),
                report.value(node, SH.sourceConstraintComponent),
                messages,  # type: ignore[dict-item]
            )
        ] += 1
    return found


def _all_shapes() -> Graph:
    shapes = Graph()
    files = sorted(SHAPES.glob("*.ttl"))
    assert files, "no shape files"
    for path in files:
        shapes.parse(path)
    return shapes


SHAPES_GRAPH = _all_shapes()
ONTOLOGY_GRAPH = Graph().parse(ONTOLOGY)


def assert_same_report(
    data: Graph, ontology: Graph | None = ONTOLOGY_GRAPH, shapes: Graph = SHAPES_GRAPH
) -> Counter[Key]:
    oracle = validate(data, shapes, ontology, engine="pyshacl")
    fast = validate(data, shapes, ontology, engine="sparql")
    expected, got = results(oracle), results(fast)
    assert got == expected, (
        f"only pySHACL: {sorted(map(str, (expected - got)))[:5]}\n"
        f"only the SPARQL engine: {sorted(map(str, (got - expected)))[:5]}"
    )
    assert fast.conforms == oracle.conforms
    assert fast.counts == oracle.counts
    return got


# --- The graphs of the shape tests, case by case ----------------------------------------------


def _integrity_case(case: str) -> Graph:
    graph = Graph().parse(SHAPES_FIXTURES / "integrity-conforming.ttl")
    _, removals, addition = integrity.CASES.get(case) or (None, *integrity.CONFORMING_CASES[case])
    for subject, predicate in removals:
        graph.remove((subject, predicate, None))
    if addition:
        graph.parse(data=integrity.PREFIXES + addition, format="turtle")
    return graph


def _triples_case(fixture: str, removals: list, additions: list) -> Graph:
    graph = Graph().parse(SHAPES_FIXTURES / fixture)
    for triple in removals:
        graph.remove(triple)
    for triple in additions:
        graph.add(triple)
    return graph


CASE_GRAPHS: dict[str, Callable[[], Graph]] = {}
for _name in [*integrity.CASES, *integrity.CONFORMING_CASES]:
    CASE_GRAPHS[f"integrity/{_name}"] = lambda n=_name: _integrity_case(n)
for _name, (*_, _rm, _add) in completeness.CASES.items():
    CASE_GRAPHS[f"completeness/{_name}"] = lambda r=_rm, a=_add: _triples_case(
        "completeness-conforming.ttl", r, a
    )
for _name, (_rm, _add) in completeness.CONFORMING_VARIANTS.items():
    CASE_GRAPHS[f"completeness/{_name}"] = lambda r=_rm, a=_add: _triples_case(
        "completeness-conforming.ttl", r, a
    )
for _name, (*_, _rm, _add) in recommendations.CASES.items():
    CASE_GRAPHS[f"recommendations/{_name}"] = lambda r=_rm, a=_add: _triples_case(
        "recommendations-conforming.ttl", r, a
    )
for _name, (_rm, _add) in recommendations.CONFORMING_VARIANTS.items():
    CASE_GRAPHS[f"recommendations/{_name}"] = lambda r=_rm, a=_add: _triples_case(
        "recommendations-conforming.ttl", r, a
    )


def test_every_shape_test_case_is_compared() -> None:
    expected = (
        len(integrity.CASES)
        + len(integrity.CONFORMING_CASES)
        + len(completeness.CASES)
        + len(completeness.CONFORMING_VARIANTS)
        + len(recommendations.CASES)
        + len(recommendations.CONFORMING_VARIANTS)
    )
    assert len(CASE_GRAPHS) == expected > 40


#: Cases whose data hold a literal the store keeps in another form ("7"^^xsd:nonNegativeInteger
#: is stored as "7"^^xsd:integer): the engine refuses them and pySHACL answers.
REFUSED = {"integrity/group-size-plain-integer"}


@pytest.mark.parametrize("case", sorted(CASE_GRAPHS))
def test_case_reports_agree(case: str) -> None:
    # each case with the shapes of its own file (the fixtures meet all of them below)
    graph, shapes = CASE_GRAPHS[case](), Graph().parse(SHAPES / f"{case.split('/')[0]}.ttl")
    if case not in REFUSED:
        assert_same_report(graph, shapes=shapes)
        return
    with pytest.raises(Unsupported, match="another form"):
        validate(graph, shapes, ONTOLOGY_GRAPH, engine="sparql")
    auto = validate(graph, shapes, ONTOLOGY_GRAPH)
    assert results(auto) == results(validate(graph, shapes, ONTOLOGY_GRAPH, engine="pyshacl"))


@pytest.mark.parametrize(
    "fixture",
    ["integrity-conforming.ttl", "completeness-conforming.ttl", "recommendations-conforming.ttl"],
)
def test_fixture_reports_agree(fixture: str) -> None:
    # each fixture under all the shapes: the other files' shapes do fire on it
    found = assert_same_report(Graph().parse(SHAPES_FIXTURES / fixture))
    assert sum(found.values()) > 0


def test_ontology_hygiene_reports_agree() -> None:
    ontology = Graph().parse(ONTOLOGY)
    ontology.remove((URIRef(ICG + "Institution"), RDFS.label, None))
    ontology.remove((URIRef(ICG + "inState"), SKOS.definition, None))
    ontology.add(
        (URIRef(ICG + "Undocumented"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))
    )
    found = assert_same_report(ontology, None)
    messages = {message for key in found for message in key[6]}  # type: ignore[union-attr]
    assert {"own term has no rdfs:label", "own term has no skos:definition"} <= messages


def test_edge_cases_agree() -> None:
    """What the fixtures do not show: ill-typed literals, a language used twice, blank nodes."""
    graph = Graph().parse(SHAPES_FIXTURES / "integrity-conforming.ttl")
    practice = URIRef(ID + "practice/funding-streams/FI")
    graph.remove((practice, URIRef(ICG + "ordinal"), None))
    graph.add((practice, URIRef(ICG + "ordinal"), Literal("first", datatype=XSD.integer)))
    concept = URIRef(ID + "group/migrants")
    graph.add((concept, SKOS.prefLabel, Literal("migrants again", lang="en")))
    graph.add((concept, SKOS.prefLabel, Literal("Migranten", lang="de")))
    anonymous = BNode()
    graph.add((anonymous, RDFS.label, Literal("a blank node with a label only")))
    graph.add((practice, URIRef(ICG + "names"), anonymous))
    found = assert_same_report(graph)
    components = {key[5] for key in found if key[2] == SH.Violation}
    assert {
        SH.DatatypeConstraintComponent,
        SH.UniqueLangConstraintComponent,
        SH.MinCountConstraintComponent,
    } <= components
    assert any(isinstance(key[0], BNode) for key in found)


def test_a_literal_the_store_rewrites_is_left_to_pyshacl() -> None:
    graph = Graph().parse(SHAPES_FIXTURES / "integrity-conforming.ttl")
    group = URIRef(ID + "group-of/fi/third-sector")
    graph.add(
        (group, URIRef(ICG + "groupSize"), Literal("007", datatype=XSD.integer, normalize=False))
    )
    with pytest.raises(Unsupported, match="another form"):
        validate(graph, SHAPES_GRAPH, ONTOLOGY_GRAPH, engine="sparql")
    auto = validate(graph, SHAPES_GRAPH, ONTOLOGY_GRAPH)
    oracle = validate(graph, SHAPES_GRAPH, ONTOLOGY_GRAPH, engine="pyshacl")
    assert results(auto) == results(oracle)


def test_shapes_it_cannot_compile_are_left_to_pyshacl() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .""",
        format="turtle",
    )
    data = Graph().parse(
        data="@prefix ex: <https://example.org/> . ex:a a ex:C ; ex:p 1 .", format="turtle"
    )
    with pytest.raises(Unsupported, match="closed"):
        validate(data, shapes, engine="sparql")
    result = validate(data, shapes)
    # pySHACL's answer: neither ex:p nor rdf:type is allowed on a closed shape
    assert result.counts["Violation"] == 2


# --- The real graph ------------------------------------------------------------------------


@pytest.mark.slow
def test_real_graph_reports_agree() -> None:
    from icgraph.config import Settings
    from icgraph.load import read_sources
    from icgraph.reason import reason

    settings = Settings(root=ROOT)
    sources = read_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    union = sources.union()
    union += reason(union).inferred
    found = assert_same_report(union, sources.ontology)
    severities = Counter(key[2] for key in found.elements())
    # the published report: 89 missing framework elements, 179 recommendation gaps
    assert severities == {SH.Warning: 89, SH.Info: 179}


def test_sparql_constraints_read_as_anti_joins_agree_and_the_others_are_left() -> None:
    """NOT EXISTS becomes MINUS only where the two are equal: compared with pySHACL on both."""
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "no p for {$this}" ;
            sh:select "SELECT $this WHERE { FILTER NOT EXISTS { ?e <https://example.org/p> $this } }" ] ;
          sh:sparql [ sh:message "no p, or a z somewhere" ;
            sh:select "SELECT $this WHERE { FILTER NOT EXISTS { { ?e <https://example.org/p> $this } UNION { ?e <https://example.org/q> <https://example.org/z> } } }" ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix ex: <https://example.org/> . ex:a a ex:C . ex:b a ex:C . ex:x ex:p ex:a .
        ex:y ex:q ex:z .""",
        format="turtle",
    )
    from icgraph.shacl_sparql import _anti_joins

    texts = [str(o) for o in shapes.objects(None, SH.select)]
    rewritten = {t: _anti_joins(t) for t in texts}
    assert sum("MINUS" in r for r in rewritten.values()) == 1  # the UNION one is left alone
    found = assert_same_report(data, None, shapes)
    # ex:b lacks p; the second constraint finds the z for every node, so it reports none, where
    # a MINUS would have kept ex:b (its z row shares no variable with the focus node)
    assert sum(found.values()) == 1
