"""The IRIs icgraph mints and the vocabularies it reuses, in one place."""

from __future__ import annotations

from rdflib import Namespace

BASE = "https://w3id.org/icgraph/"
ICG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

ONTOLOGY_IRI = BASE + "ontology"

ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
WD = Namespace("http://www.wikidata.org/entity/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: The named graph that holds what the reasoner adds to the asserted data.
INFERRED_GRAPH = GRAPH["inferred"]
ONTOLOGY_GRAPH = GRAPH["ontology"]
METADATA_GRAPH = GRAPH["metadata"]
#: The SHACL validation report of the published graph (completeness and recommendation gaps).
VALIDATION_GRAPH = GRAPH["validation"]
#: The SHACL shapes that produced it, so a result can be traced to the rule behind it.
SHAPES_GRAPH = GRAPH["shapes"]

#: Prefixes every query may use without declaring them (also used when writing Turtle).
PREFIXES: dict[str, str] = {
    "icg": str(ICG),
    "id": str(ID),
    "org": str(ORG),
    "cv": str(CV),
    "eli": str(ELI),
    "wd": str(WD),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def graph_for(data_file_stem: str) -> str:
    """The named graph a data file is loaded into, e.g. ``states`` -> ``.../graph/states``."""
    return str(GRAPH[data_file_stem])
