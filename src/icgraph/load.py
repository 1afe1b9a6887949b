"""Reading the project's Turtle sources: ontology, data and shapes.

Files are parsed with pyoxigraph, whose errors carry a line and a column, and handed on as
rdflib graphs for the reasoner and pySHACL. Each data file becomes its own named graph.
A source literal that the store would publish in another form is refused (see
``check_round_trip``), so that the endpoint answers exactly what the files say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def to_quads(graph: Iterable[tuple[Node, Node, Node]]) -> list[ox.Quad]:
    """rdflib triples (a graph) as pyoxigraph quads (default graph), each term converted once."""
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        converted = cache.get(node)
        if converted is None:
            converted = cache[node] = to_oxigraph(node)
        return converted

    return [ox.Quad(term(s), term(p), term(o)) for s, p, o in graph]  # type: ignore[arg-type]


def round_trips(graph: Iterable[tuple[Node, Node, Node]]) -> bool:
    """True when each literal of ``graph`` is the one its pyoxigraph form converts back to.

    The literals of parsed files are (:func:`to_rdflib` made them); one made otherwise, such as
    ``Literal("x")`` (rdflib tells it from ``"x"^^xsd:string``, RDF 1.1 does not), may not be.
    """
    return all(
        to_rdflib(to_oxigraph(o)) == o for o in {t[2] for t in graph} if isinstance(o, Literal)
    )


def parse_quads(
    path: Path, *, data: bytes | None = None, fmt: ox.RdfFormat | None = None
) -> list[ox.Quad]:
    """Parse one RDF file into pyoxigraph quads; bad syntax raises InputError with its place."""
    fmt = fmt or format_of(path)
    if fmt is None:
        raise InputError(f"unknown RDF file type {path.suffix!r}", source=path)
    try:
        quads = ox.parse(path=str(path), format=fmt) if data is None else ox.parse(data, format=fmt)
        return list(quads)
    except SyntaxError as exc:
        line, column = (exc.lineno, exc.offset) if exc.lineno else (None, None)
        message = exc.args[0] if exc.args else str(exc)
        raise InputError(message, source=path, line=line, column=column) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), source=path) from None


#: Distinct rdflib triples in their order (a dict used as an ordered set).
Triples = dict[tuple[Node, Node, Node], None]


class RdflibTerms:
    """Converts pyoxigraph terms to rdflib ones, each distinct term once."""

    def __init__(self) -> None:
        self._cache: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Node] = {}

    def __call__(self, value: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        converted = self._cache.get(value)
        if converted is None:
            converted = self._cache[value] = to_rdflib(value)
        return converted

    def triples(self, quads: Iterable[ox.Quad | ox.Triple]) -> Triples:
        """The distinct triples of ``quads`` in rdflib terms, in their order."""
        return dict.fromkeys(
            (self(q.subject), self(q.predicate), self(q.object))  # type: ignore[arg-type]
            for q in quads
        )


def to_graph(quads: Iterable[ox.Quad | ox.Triple] | Triples) -> Graph:
    """An rdflib graph of pyoxigraph ``quads`` (their triples) or of rdflib ``Triples``."""
    graph = Graph()
    add = graph.add
    triples = quads if isinstance(quads, dict) else RdflibTerms().triples(quads)
    for triple in triples:
        add(triple)
    return graph


def parse_file(path: Path, *, data: bytes | None = None, fmt: ox.RdfFormat | None = None) -> Graph:
    """Parse one RDF file into an rdflib graph; bad syntax raises InputError with its place."""
    return to_graph(parse_quads(path, data=data, fmt=fmt))


_PROBE = ox.NamedNode("urn:icgraph:round-trip")


def rewritten_literals(literals: Sequence[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """The literals the store would hold in another form, each with that form."""
    probe = ox.Store()
    probe.bulk_extend(
        ox.Quad(ox.NamedNode(f"urn:icgraph:literal:{i}"), _PROBE, lit)
        for i, lit in enumerate(literals)
    )
    # Compare the terms read back: a lookup (``quad in store``) is rewritten the same way.
    rewritten = {}
    for quad in probe:
        index = int(quad.subject.value.rsplit(":", 1)[1])  # type: ignore[union-attr]
        if quad.object != literals[index]:
            rewritten[literals[index]] = quad.object  # type: ignore[assignment]
    return rewritten


def check_round_trip(graph: Graph | Sequence[ox.Quad], path: Path) -> None:
    """Refuse a literal of ``graph`` (rdflib, or pyoxigraph quads) that the store would hold in
    another form.

    pyoxigraph stores numbers and booleans by value: it writes every integer type
    (xsd:nonNegativeInteger, xsd:int, ...) back as xsd:integer and every lexical form in its
    canonical form ("07" as "7"). A source literal it would rewrite makes the endpoint and the
    dumps answer a literal no file states (icg:groupSize "7"^^xsd:nonNegativeInteger came back as
    "7"^^xsd:integer), so the build asks for the stored form instead.

    Raises:
        InputError: naming the file, the line where it can be found, the triple and the form
            to write.
    """
    sources: dict[ox.Literal, Literal | None]
    if isinstance(graph, Graph):
        sources = {to_oxigraph(o): o for o in graph.objects() if isinstance(o, Literal)}  # type: ignore[misc]
    else:
        sources = dict.fromkeys(q.object for q in graph if isinstance(q.object, ox.Literal))
    rewritten = rewritten_literals(list(sources))
    if not rewritten:
        return
    # sorted, so that of several offending literals the same one is reported every time
    named = {lit: sources[lit] or to_rdflib(lit) for lit in rewritten}  # type: ignore[arg-type]
    first = min(rewritten, key=lambda lit: repr(named[lit]))
    source, stored = named[first], rewritten[first]
    if isinstance(graph, Graph):
        subject, predicate = next(iter(graph.subject_predicates(source)))
    else:
        quad = next(q for q in graph if q.object == first)
        subject, predicate = to_rdflib(quad.subject), to_rdflib(quad.predicate)  # type: ignore[arg-type]
    raise InputError(
        f"{subject.n3()} {predicate.n3()} {source.n3()}: the store would publish this "
        f"literal as {stored}; write it in that form (a number as a plain integer or decimal)",
        source=path,
        line=_line_of(path, source),  # type: ignore[arg-type]
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
    """Everything a build reads, already parsed.

    ``quads`` holds the ontology and each data file as parsed (pyoxigraph quads in the default
    graph), which the store and the validator load as they are; the rdflib graphs of the data
    (``data``, ``union``) are made from them when asked for.
    """

    ontology: Graph
    quads: dict[str, list[ox.Quad]]  # named-graph IRI -> its quads, the ontology's first
    shapes: Graph
    files: dict[str, Path] = field(default_factory=dict)  # named-graph IRI -> file
    gate_shapes: Graph = field(default_factory=Graph)  # the sh:Violation shapes that stop a build

    _triples: dict[str, Triples] = field(default_factory=dict, init=False, repr=False)
    _terms: RdflibTerms = field(default_factory=RdflibTerms, init=False, repr=False)

    def triples(self, iri: str) -> Triples:
        """The distinct triples of one graph of ``quads``, in rdflib terms (made once)."""
        found = self._triples.get(iri)
        if found is None:
            found = self._triples[iri] = self._terms.triples(self.quads[iri])
        return found

    @property
    def data(self) -> dict[str, Graph]:
        """Each data file as an rdflib graph (named-graph IRI -> graph)."""
        return {
            iri: to_graph(self.triples(iri)) for iri in self.quads if iri != str(ONTOLOGY_GRAPH)
        }

    def union(self) -> Graph:
        """Ontology and all data in one new graph, as the reasoner and validator see it."""
        merged: Triples = {}
        for iri in self.quads:
            merged.update(self.triples(iri))
        return to_graph(merged)

    def union_quads(self) -> list[ox.Quad]:
        """The quads of :meth:`union`, as parsed (a triple in several files more than once)."""
        return [q for quads in self.quads.values() for q in quads]


def read_sources(ontology_dir: Path, data_dir: Path, shapes_dir: Path) -> Sources:
    """Parse the ontology, the data files and the shapes; refuse an empty folder."""
    ontology_files = turtle_files(ontology_dir)
    if not ontology_files:
        raise InputError("no ontology files (*.ttl)", source=ontology_dir)
    ontology_quads: list[ox.Quad] = []
    for path in ontology_files:
        parsed_quads = parse_quads(path)
        check_round_trip(parsed_quads, path)
        ontology_quads += parsed_quads
    data_files = turtle_files(data_dir)
    if not data_files:
        raise InputError("no data files (*.ttl)", source=data_dir)
    quads: dict[str, list[ox.Quad]] = {str(ONTOLOGY_GRAPH): ontology_quads}
    files: dict[str, Path] = {str(ONTOLOGY_GRAPH): ontology_files[0]}
    for path in data_files:
        iri = graph_for(path.stem)
        quads[iri] = parse_quads(path)
        check_round_trip(quads[iri], path)
        files[iri] = path
    shapes, gate = Graph(), Graph()
    for path in turtle_files(shapes_dir):
        parsed = parse_file(path)
        check_round_trip(parsed, path)
        shapes += parsed
        if path.name in GATE_SHAPE_FILES:
            gate += parsed
    sources = Sources(ontology=Graph(), quads=quads, shapes=shapes, files=files, gate_shapes=gate)
    sources.ontology = to_graph(sources.triples(str(ONTOLOGY_GRAPH)))
    return sources
