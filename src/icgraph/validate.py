"""SHACL validation with pySHACL.

Integrity shapes use ``sh:Violation``: a graph that breaks one is not published. The
framework-completeness shapes use ``sh:Warning`` (a state's warnings are exactly its missing
framework elements) and the recommendation shapes ``sh:Info``; neither blocks a build.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")

SEVERITIES = (SH.Violation, SH.Warning, SH.Info)


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of one validation.

    ``conforms`` is False only when there is at least one ``sh:Violation``.
    """

    conforms: bool
    report: Graph
    text: str
    counts: dict[str, int]

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


def validate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationResult:
    """Validate ``data`` (with the ontology mixed in for class hierarchy) against ``shapes``.

    >>> from rdflib import Graph
    >>> validate(Graph(), Graph()).conforms
    True
    """
    from pyshacl import validate as shacl_validate

    _, report, text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    counts = severity_counts(report)
    return ValidationResult(
        conforms=counts["Violation"] == 0, report=report, text=text, counts=counts
    )
