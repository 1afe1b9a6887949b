"""Reading the project's Turtle sources: ontology, data and shapes.

Files are parsed with pyoxigraph, whose errors carry a line and a column, and handed on as
rdflib graphs for the reasoner and pySHACL. Each data file becomes its own named graph.
A source literal that the store would publish in another form is refused (see
``check_round_trip``), so that the endpoint answers exactly what the files say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import InputError
from .namespaces import ONTOLOGY_GRAPH, graph_for


def format_of(path: Path) -> ox.RdfFormat | None:
    """The RDF format a file's extension names (pyoxigraph knows them; ``.owl`` is RDF/XML)."""
    suffix = path.suffix.lower().lstrip(".")
    return ox.RdfFormat.from_extension("rdf" if suffix == "owl" else suffix) if suffix else None


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """One pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def parse_file(path: Path, *, data: bytes | None = None, fmt: ox.RdfFormat | None = None) -> Graph:
    """Parse one RDF file into an rdflib graph; bad syntax raises InputError with its place."""
    fmt = fmt or format_of(path)
    if fmt is None:
        raise InputError(f"unknown RDF file type {path.suffix!r}", source=path)
    graph = Graph()
    try:
        quads = ox.parse(path=str(path), format=fmt) if data is None else ox.parse(data, format=fmt)
        for quad in quads:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    except SyntaxError as exc:
        line, column = (exc.lineno, exc.offset) if exc.lineno else (None, None)
        message = exc.args[0] if exc.args else str(exc)
        raise InputError(message, source=path, line=line, column=column) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), source=path) from None
    return graph


_PROBE = ox.NamedNode("urn:icgraph:round-trip")


def check_round_trip(graph: Graph, path: Path) -> None:
    """Refuse a literal of ``graph`` that the store would hold in another form.

    pyoxigraph stores numbers and booleans by value: it writes every integer type
    (xsd:nonNegativeInteger, xsd:int, ...) back as xsd:integer and every lexical form in its
    canonical form ("07" as "7"). A source literal it would rewrite makes the endpoint and the
    dumps answer a literal no file states (icg:groupSize "7"^^xsd:nonNegativeInteger came back as
    "7"^^xsd:integer), so the build asks for the stored form instead.

    Raises:
        InputError: naming the file, the line where it can be found, the triple and the form
            to write.
    """
    # sorted, so that of several offending literals the same one is reported every time
    literals = sorted({o for o in graph.objects() if isinstance(o, Literal)}, key=repr)
    probes = [(ox.NamedNode(f"urn:icgraph:literal:{i}"), lit) for i, lit in enumerate(literals)]
    probe = ox.Store()
    probe.bulk_extend(ox.Quad(node, _PROBE, to_oxigraph(lit)) for node, lit in probes)
    for node, source in probes:
        # Compare the term read back: a lookup (``quad in store``) is rewritten the same way.
        stored = next(probe.quads_for_pattern(node, _PROBE, None)).object
        if stored == to_oxigraph(source):
            continue
        subject, predicate = next(iter(graph.subject_predicates(source)))
        raise InputError(
            f"{subject.n3()} {predicate.n3()} {source.n3()}: the store would publish this "
            f"literal as {stored}; write it in that form (a number as a plain integer or decimal)",
            source=path,
            line=_line_of(path, source),
        )


def _line_of(path: Path, literal: Literal) -> int | None:
    # Best effort: the first line holding the literal's quoted lexical form with its datatype's
    # local name (pyoxigraph reports places for syntax errors only).
    datatype = str(literal.datatype or "").rsplit("#", 1)[-1]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, text in enumerate(lines, start=1):
        if f'"{literal}"' in text and datatype in text:
            return number
    return None


#: Shape files whose violations stop a build; the others (completeness, recommendations) report.
GATE_SHAPE_FILES = ("integrity.ttl", "ontology-hygiene.ttl")


def turtle_files(folder: Path) -> list[Path]:
    """The Turtle files of a folder, sorted so builds are deterministic."""
    return sorted(folder.glob("*.ttl"))


@dataclass
class Sources:
    """Everything a build reads, already parsed."""

    ontology: Graph
    data: dict[str, Graph]  # named-graph IRI -> graph
    shapes: Graph
    files: dict[str, Path] = field(default_factory=dict)  # named-graph IRI -> file
    gate_shapes: Graph = field(default_factory=Graph)  # the sh:Violation shapes that stop a build

    def union(self) -> Graph:
        """Ontology and all data in one graph, as the reasoner and validator see it."""
        merged = Graph()
        merged += self.ontology
        for graph in self.data.values():
            merged += graph
        return merged


def read_sources(ontology_dir: Path, data_dir: Path, shapes_dir: Path) -> Sources:
    """Parse the ontology, the data files and the shapes; refuse an empty folder."""
    ontology = Graph()
    ontology_files = turtle_files(ontology_dir)
    if not ontology_files:
        raise InputError("no ontology files (*.ttl)", source=ontology_dir)
    for path in ontology_files:
        parsed = parse_file(path)
        check_round_trip(parsed, path)
        ontology += parsed
    data_files = turtle_files(data_dir)
    if not data_files:
        raise InputError("no data files (*.ttl)", source=data_dir)
    data: dict[str, Graph] = {}
    files: dict[str, Path] = {str(ONTOLOGY_GRAPH): ontology_files[0]}
    for path in data_files:
        iri = graph_for(path.stem)
        data[iri] = parse_file(path)
        check_round_trip(data[iri], path)
        files[iri] = path
    shapes, gate = Graph(), Graph()
    for path in turtle_files(shapes_dir):
        parsed = parse_file(path)
        check_round_trip(parsed, path)
        shapes += parsed
        if path.name in GATE_SHAPE_FILES:
            gate += parsed
    return Sources(ontology=ontology, data=data, shapes=shapes, files=files, gate_shapes=gate)
