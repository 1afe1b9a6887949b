"""Reasoning over the ontology and data: consistent, and the inferences kept are the right ones.

``reason()`` runs the OWL RL rules here (no Java); tests/test_rules.py holds them to HermiT.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from icgraph.build import BuildResult
from icgraph.namespaces import INFERRED_GRAPH
from icgraph.query import execute, rows
from icgraph.reason import InconsistentGraph, reason

ICG = "https://w3id.org/icgraph/ontology#"
ID = "https://w3id.org/icgraph/id/"


def test_the_ontology_and_data_are_consistent_and_institutions_are_classified(
    sources_union: Graph,
) -> None:
    result = reason(sources_union)
    assert result.engine == "rules"  # the ontology uses only what the rules cover
    inferred = result.inferred
    observatory = URIRef(ID + "actor/ad/equality-observatory")
    assert (
        observatory,
        RDF.type,
        URIRef(ICG + "Institution"),
    ) in inferred  # 2.1: Andorra's Equality Observatory
    assert (observatory, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in inferred
    # the Secretary of State (Portugal) is a post, not an organisation, so never an institution
    post = URIRef(ID + "actor/pt/secretary-of-state-for-integration-and-migration")
    assert (post, RDF.type, URIRef(ICG + "Institution")) not in inferred


def test_inverse_links_are_materialised(sources_union: Graph) -> None:
    law = URIRef(ID + "instrument/al/law-96-2017")
    practice = URIRef(ID + "practice/legal-protection/AL")
    reported_in, names = URIRef(ICG + "reportedIn"), URIRef(ICG + "names")
    one_way = Graph()
    one_way += sources_union
    one_way.remove((law, reported_in, practice))  # leave only "the practice names the law"
    assert (practice, names, law) in one_way
    assert (law, reported_in, practice) in reason(one_way).inferred


def test_an_inconsistency_names_the_individual_and_the_classes(sources_union: Graph) -> None:
    clash = Graph()
    clash += sources_union
    fund = URIRef(ID + "instrument/al/fund-for-national-minorities")
    clash.add((fund, RDF.type, URIRef(ICG + "StrategyOrPlan")))
    with pytest.raises(InconsistentGraph) as raised:
        reason(clash)
    message = str(raised.value)
    assert str(fund) in message
    assert "FundingStream" in message and "StrategyOrPlan" in message


def test_the_published_store_keeps_inferences_in_their_own_graph(
    built: BuildResult, graph_store: ox.Store
) -> None:
    assert built.graph_sizes[str(INFERRED_GRAPH)] > 0
    found = rows(
        execute(
            graph_store,
            f"""
        SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{
          GRAPH <{INFERRED_GRAPH}> {{ ?i a icg:Institution }} }}""",
        )
    )
    # 2.1 Institutions and the bodies that coordinate or implement strategies elsewhere
    assert int(found[0]["n"]) >= 10
    asserted = rows(
        execute(
            graph_store,
            f"""
        SELECT ?i WHERE {{ GRAPH ?g {{ ?i a icg:Institution }} FILTER (?g != <{INFERRED_GRAPH}>) }}""",
        )
    )
    assert asserted == []  # institutions are only ever inferred, never asserted


def test_only_a_role_of_the_role_scheme_makes_an_institution(sources_union: Graph) -> None:
    """2.1 Institutions names four roles; a concept of another scheme is no institution role."""
    graph = Graph()
    graph += sources_union
    org_class = URIRef("http://www.w3.org/ns/org#Organization")
    role = URIRef(ICG + "institutionRole")
    with_role = URIRef(ID + "actor/xx/body-with-a-role")
    with_group = URIRef(ID + "actor/xx/body-with-a-target-group")
    graph.add((with_role, RDF.type, org_class))
    graph.add((with_role, role, URIRef(ID + "role/expertise-body")))
    graph.add((with_group, RDF.type, org_class))
    graph.add((with_group, role, URIRef(ID + "group/roma")))
    inferred = reason(graph).inferred
    institution = URIRef(ICG + "Institution")
    assert (with_role, RDF.type, institution) in inferred
    assert (with_group, RDF.type, institution) not in inferred


def test_superproperties_of_links_are_materialised(sources_union: Graph) -> None:
    inferred = reason(sources_union).inferred
    # 2.2 North Macedonia: "one of the seven clusters ... is focused on local government", a
    # cluster of the Coordinative Body: a sub-organisation, as icg:clusterOf's superproperty says
    clusters = set(sources_union.subject_objects(URIRef(ICG + "clusterOf")))
    assert clusters
    sub_organisation = URIRef("http://www.w3.org/ns/org#subOrganizationOf")
    assert clusters <= set(inferred.subject_objects(sub_organisation))
    # every icg:reportedIn is a dct:source (the ontology makes it a subproperty)
    law = URIRef(ID + "instrument/al/law-96-2017")
    practice = URIRef(ID + "practice/legal-protection/AL")
    assert (law, URIRef("http://purl.org/dc/terms/source"), practice) in inferred
