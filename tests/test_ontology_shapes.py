"""The ontology meta-shapes: each with a conforming and a violating ontology side by side."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from icgraph.validate import validate

from .paths import ONTOLOGY, SHAPES

ICG = Namespace("https://w3id.org/icgraph/ontology#")
ONT = URIRef("https://w3id.org/icgraph/ontology")
VANN = Namespace("http://purl.org/vocab/vann/")
DCT = Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES / "ontology-hygiene.ttl")


@pytest.fixture()
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY)


def test_the_ontology_conforms(ontology: Graph, shapes: Graph) -> None:
    result = validate(ontology, shapes)
    assert result.conforms, result.text


@pytest.mark.parametrize(
    ("subject", "predicate", "message"),
    [
        (ICG.Institution, RDFS.label, "own term has no rdfs:label"),
        (ICG.inState, SKOS.definition, "own term has no skos:definition"),
        (ICG.quote, RDFS.isDefinedBy, "own term is not rdfs:isDefinedBy the icgraph ontology"),
        (
            ICG.Tool,
            SKOS.editorialNote,
            "own term does not say (skos:editorialNote) why no reused term fits",
        ),
        (ONT, OWL.versionIRI, "ontology needs one owl:versionIRI"),
        (ONT, DCT.license, "ontology has no licence IRI"),
        (ONT, VANN.preferredNamespacePrefix, "ontology has no preferred prefix"),
    ],
)
def test_a_missing_annotation_is_reported(
    ontology: Graph, shapes: Graph, subject: URIRef, predicate: URIRef, message: str
) -> None:
    assert (subject, predicate, None) in ontology
    ontology.remove((subject, predicate, None))
    result = validate(ontology, shapes)
    assert not result.conforms
    assert message in result.text


def test_a_new_undocumented_term_is_reported(ontology: Graph, shapes: Graph) -> None:
    ontology.add((ICG.Undocumented, RDFS.label, Literal("undocumented", lang="en")))
    ontology.add(
        (ICG.Undocumented, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), OWL.Class)
    )
    result = validate(ontology, shapes)
    assert not result.conforms
    assert "own term has no skos:definition" in result.text
    assert "own term is not rdfs:isDefinedBy the icgraph ontology" in result.text
    assert "own term has no rdfs:label" not in result.text


def test_a_literal_creator_is_reported(ontology: Graph, shapes: Graph) -> None:
    """dct:creator is an object property (DCTERMS: an agent), so a bare name is refused."""
    assert (ONT, DCT.creator, None) in ontology
    ontology.remove((ONT, DCT.creator, None))
    ontology.add((ONT, DCT.creator, Literal("icgraph developers")))
    result = validate(ontology, shapes)
    assert not result.conforms
    assert (
        "the ontology's dct:creator must be an agent (IRI or blank node), not a literal"
        in result.text
    )
