"""``icgraph build``: parse, reason, validate, and publish the store.

Steps, each timed: read the Turtle sources; check consistency with the OWL RL rules (HermiT
where they do not cover the graph, :mod:`icgraph.reason`) and keep the inferences in their own
named graph; validate with every shape once, refuse a graph that
breaks an integrity shape (a Violation) and publish the report in its own named graph;
bulk-load a fresh on-disk store and write its download dumps, with their checksums, into a new
store version, published in one rename (:mod:`icgraph.versions`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from . import store as store_module
from .config import Settings
from .errors import BuildRefused
from .load import Sources, read_sources, rewritten_literals, round_trips, to_quads
from .namespaces import (
    INFERRED_GRAPH,
    METADATA_GRAPH,
    SHAPES_GRAPH,
    VALIDATION_GRAPH,
)
from .reason import Engine, reason
from .validate import ValidationResult, validate

Progress = Callable[[str, float], None]


@dataclass
class BuildResult:
    """What a build did: where it published, how big each graph is, how long each step took."""

    store: Path
    graph_sizes: dict[str, int]
    #: The published version's id (UTC time and content hash).
    version: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    validation: ValidationResult | None = None

    @property
    def total_triples(self) -> int:
        return sum(self.graph_sizes.values())


@contextmanager
def _step(name: str, timings: dict[str, float], progress: Progress | None) -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    timings[name] = elapsed
    if progress is not None:
        progress(name, elapsed)


def check(
    sources: Sources,
    timings: dict[str, float],
    progress: Progress | None = None,
    *,
    reasoner: Engine = "auto",
) -> tuple[Graph, ValidationResult]:
    """Reason and validate with every shape; return the inferred graph and the result."""
    inferred, _, _, result = _check(sources, timings, progress, reasoner=reasoner)
    return inferred, result


def _check(
    sources: Sources,
    timings: dict[str, float],
    progress: Progress | None = None,
    *,
    reasoner: Engine = "auto",
) -> tuple[Graph, list[tuple[Node, Node, Node]], list[ox.Quad], ValidationResult]:
    with _step("union graph", timings, progress):
        union = sources.union()
    with _step("reason", timings, progress):
        inferred = reason(union, reasoner).inferred
    with _step("validate (SHACL)", timings, progress):
        inferred_triples = list(inferred)  # iterating an rdflib graph is slow: once
        add = union.add
        for triple in inferred_triples:
            add(triple)
        inferred_quads = to_quads(inferred_triples)
        # The validator loads the quads as parsed rather than converting the rdflib union
        # back, which holds while every literal converts back to itself (load.round_trips).
        native = sources.union_quads() + inferred_quads if round_trips(inferred_triples) else None
        result = validate(union, sources.shapes, sources.ontology, native=native)
    return inferred, inferred_triples, inferred_quads, result


def _in_graph(quads: Iterable[ox.Quad], name: str) -> Iterator[ox.Quad]:
    target = ox.NamedNode(name)
    return (ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)


def _store_quads(
    sources: Sources, converted: dict[str, list[ox.Quad]]
) -> Callable[[ox.Store], None] | list[ox.Quad]:
    """What the store is published from: its quads, or a function filling it.

    The quads as they are when every converted literal is in the store's form (the sources'
    were checked when read, by load.check_round_trip): the dumps are written from them; else a
    filler, and the dumps are read from an in-memory store that puts them in that form.
    """
    made = [q for name, quads in converted.items() for q in _in_graph(quads, name)]
    literals = [q.object for q in made if isinstance(q.object, ox.Literal)]
    if not rewritten_literals(list(dict.fromkeys(literals))):
        parsed = [q for name, quads in sources.quads.items() for q in _in_graph(quads, name)]
        return list(dict.fromkeys(parsed + made))

    def fill(store: ox.Store) -> None:
        for name, quads in sources.quads.items():
            store.bulk_extend(_in_graph(quads, name))
        store.bulk_extend(made)

    return fill


def _gate_text(sources: Sources, inferred: Graph) -> str:
    """The gate shapes' own report text, which a refused build prints (the rare path)."""
    union = sources.union()
    union += inferred
    return validate(union, sources.gate_shapes, sources.ontology).text


def build(
    settings: Settings, progress: Progress | None = None, reasoner: Engine = "auto"
) -> BuildResult:
    """Build and publish the store at ``settings.store``.

    Raises:
        InputError: a source file does not parse (nothing is published).
        InconsistentGraph: the reasoner finds a contradiction (nothing is published).
        BuildRefused: an integrity shape is violated (nothing is published).
    """
    timings: dict[str, float] = {}
    with _step("parse sources", timings, progress):
        sources = read_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    # One SHACL pass: its Violations are the gate, since every shape outside the gate files has
    # a Warning or Info severity (tests/test_integrity_shapes.py holds the shapes to that). The
    # full report (framework completeness, recommendation gaps) is published with the graph,
    # so SPARQL can ask which states lack what.
    inferred, inferred_triples, inferred_quads, result = _check(
        sources, timings, progress, reasoner=reasoner
    )
    if not result.conforms:
        raise BuildRefused(
            f"the graph violates {result.violations} integrity constraint(s); nothing was published",
            report=_gate_text(sources, inferred),
        )

    with _step("describe and convert", timings, progress):
        # Each graph's distinct triples in rdflib terms, for the description's counts; the store
        # gets the parsed quads of the sources and the converted ones of the rest.
        graphs: dict[str, Graph | Collection[tuple[Node, Node, Node]]] = {
            iri: sources.triples(iri) for iri in sources.quads
        }
        rdflib_graphs: dict[str, Graph | Sequence[tuple[Node, Node, Node]]] = {
            str(INFERRED_GRAPH): inferred_triples,
            str(VALIDATION_GRAPH): result.triples,  # the report graph itself is never made
            str(SHAPES_GRAPH): sources.shapes,
        }
        graphs.update(rdflib_graphs)
        from .metadata import describe  # late: metadata reads the counts of the graphs above

        rdflib_graphs[str(METADATA_GRAPH)] = graphs[str(METADATA_GRAPH)] = describe(
            graphs, settings
        )
        converted = {str(INFERRED_GRAPH): inferred_quads}
        converted.update(
            (name, to_quads(graph))
            for name, graph in rdflib_graphs.items()
            if name not in converted
        )

        payload = _store_quads(sources, converted)

    # The store and its dumps are written into one new version, published in one rename.
    version = store_module.publish(
        settings.store,
        payload,
        keep=settings.keep_versions,
        step=lambda name: _step(name, timings, progress),
    )
    return BuildResult(
        store=version.db,
        version=version.id,
        graph_sizes={name: len(graph) for name, graph in graphs.items()},
        timings=timings,
        validation=result,
    )
