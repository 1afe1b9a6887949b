"""``icgraph build``: parse, reason, validate, and publish the store.

Steps, each timed: read the Turtle sources; check consistency with the OWL RL rules (HermiT
where they do not cover the graph, :mod:`icgraph.reason`) and keep the inferences in their own
named graph; validate with the integrity shapes and refuse a graph
that breaks one; run every shape for the published validation report (its own named graph);
bulk-load a fresh on-disk store and write its download dumps, with their checksums, into a new
store version, published in one rename (:mod:`icgraph.versions`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from . import store as store_module
from .config import Settings
from .errors import BuildRefused
from .load import Sources, read_sources, to_oxigraph
from .namespaces import (
    INFERRED_GRAPH,
    METADATA_GRAPH,
    ONTOLOGY_GRAPH,
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
    gate_only: bool = False,
    reasoner: Engine = "auto",
) -> tuple[Graph, ValidationResult]:
    """Reason and validate; return the inferred graph and the validation result.

    With ``gate_only``, only the integrity and ontology shapes run: the ones that decide
    whether a graph may be published.
    """
    union = sources.union()
    with _step("reason", timings, progress):
        inferred = reason(union, reasoner).inferred
    union += inferred
    shapes = sources.gate_shapes if gate_only else sources.shapes
    with _step("validate (SHACL)" if not gate_only else "validate integrity", timings, progress):
        result = validate(union, shapes, sources.ontology)
    return inferred, result


def _add_graph(store: ox.Store, graph: Graph, name: str) -> None:
    target = ox.NamedNode(name)
    store.bulk_extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)  # type: ignore[arg-type]
        for s, p, o in graph
    )


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
    inferred, gate = check(sources, timings, progress, gate_only=True, reasoner=reasoner)
    if not gate.conforms:
        raise BuildRefused(
            f"the graph violates {gate.violations} integrity constraint(s); nothing was published",
            report=gate.text,
        )
    # The full report (framework completeness, recommendation gaps) is published with the graph,
    # so SPARQL can ask which states lack what.
    with _step("validation report", timings, progress):
        union = sources.union()
        union += inferred
        result = validate(union, sources.shapes, sources.ontology)

    graphs: dict[str, Graph] = {
        str(ONTOLOGY_GRAPH): sources.ontology,
        **sources.data,
        str(INFERRED_GRAPH): inferred,
        str(VALIDATION_GRAPH): result.report,
        str(SHAPES_GRAPH): sources.shapes,
    }
    from .metadata import describe  # late: metadata reads the counts of the graphs above

    graphs[str(METADATA_GRAPH)] = describe(graphs, settings)

    def fill(store: ox.Store) -> None:
        for name, graph in graphs.items():
            _add_graph(store, graph, name)

    # The store and its dumps are written into one new version, published in one rename.
    with _step("load store", timings, progress):
        version = store_module.publish(settings.store, fill, keep=settings.keep_versions)
    return BuildResult(
        store=version.db,
        version=version.id,
        graph_sizes={name: len(graph) for name, graph in graphs.items()},
        timings=timings,
        validation=result,
    )
