"""SHACL validation: the shapes compiled to SPARQL on pyoxigraph, pySHACL where they cannot be.

Integrity shapes use ``sh:Violation``: a graph that breaks one is not published. The
framework-completeness shapes use ``sh:Warning`` (a state's warnings are exactly its missing
framework elements) and the recommendation shapes ``sh:Info``; neither blocks a build.

The report comes from :mod:`icgraph.shacl_sparql` and :mod:`icgraph.shacl_report`, which run
each constraint as one query over the whole graph (14-43x faster than pySHACL on the real graph,
see ``benchmarks/README.md``) and write the report pySHACL writes. Shapes or data they do not
compile exactly (they say why, in :class:`~icgraph.shacl_sparql.Unsupported`) are validated by
pySHACL, which also stays the tests' oracle.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from rdflib import Graph, Namespace
from rdflib.namespace import RDF
from rdflib.term import Node

if TYPE_CHECKING:
    import pyoxigraph as ox

SH = Namespace("http://www.w3.org/ns/shacl#")

SEVERITIES = (SH.Violation, SH.Warning, SH.Info)

#: pySHACL's options for the report: no inference (the build reasons first), SHACL-AF on,
#: warnings and infos not failing. The SPARQL engine answers as pySHACL does with these.
PYSHACL_OPTIONS: dict[str, Any] = {
    "inference": "none",
    "advanced": True,
    "allow_warnings": True,
    "allow_infos": True,
}

#: ``auto``: the SPARQL engine, pySHACL for what it does not compile; or one of them only.
Engine = Literal["auto", "sparql", "pyshacl"]

log = logging.getLogger(__name__)


class ValidationResult:
    """The outcome of one validation.

    ``conforms`` is False only when there is at least one ``sh:Violation``. ``report`` is the
    report graph, made on first use when the validation gives a function for it (and its
    ``triples``): a build publishes the triples and never needs the rdflib graph.
    """

    def __init__(
        self,
        conforms: bool,
        report: Graph | Callable[[], Graph],
        text: str,
        counts: dict[str, int],
        triples: Sequence[tuple[Node, Node, Node]] | None = None,
    ) -> None:
        self.conforms = conforms
        self.text = text
        self.counts = counts
        self._report = report
        self._triples = triples

    @property
    def report(self) -> Graph:
        if not isinstance(self._report, Graph):
            self._report = self._report()
        return self._report

    @property
    def triples(self) -> Sequence[tuple[Node, Node, Node]]:
        """The report's distinct triples."""
        if self._triples is None:
            self._triples = list(self.report)
        return self._triples

    @property
    def violations(self) -> int:
        return self.counts.get("Violation", 0)


def severity_counts(report: Graph) -> dict[str, int]:
    """How many results of each severity a validation report holds."""
    counter: Counter[str] = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        counter[str(severity).rsplit("#", 1)[-1]] += 1
    return {name: counter.get(name, 0) for name in ("Violation", "Warning", "Info")}


def validate(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    *,
    engine: Engine = "auto",
    native: Sequence[ox.Quad] | None = None,
) -> ValidationResult:
    """Validate ``data`` (with the ontology mixed in for class hierarchy) against ``shapes``.

    The answer is pySHACL's (``advanced=True``, no inference, warnings and infos allowed)
    whichever engine runs. ``native`` is ``data`` as pyoxigraph quads, when the caller has them
    as :mod:`icgraph.load` parsed them: the SPARQL engine then loads those instead of
    converting ``data`` term by term.

    >>> from rdflib import Graph
    >>> validate(Graph(), Graph()).conforms
    True
    """
    if engine != "pyshacl":
        from .shacl_report import validate as sparql_validate
        from .shacl_sparql import Unsupported

        try:
            written = sparql_validate(data, shapes, ontology, native)
        except Unsupported as exc:
            if engine == "sparql":
                raise
            log.info("SHACL through pySHACL: %s", exc)
        else:
            counts = written.counts
            return ValidationResult(
                counts["Violation"] == 0, written.graph, written.text, counts, written.triples
            )
    from pyshacl import validate as shacl_validate

    _, report, text = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, **PYSHACL_OPTIONS
    )
    return _result(report, text)


def _result(report: Graph, text: str) -> ValidationResult:
    counts = severity_counts(report)
    return ValidationResult(
        conforms=counts["Violation"] == 0, report=report, text=text, counts=counts
    )
