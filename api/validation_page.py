"""The ``/validation`` report as a page of the site, in plain words.

The SHACL report says ``sh:Warning`` and ``sh:Info``; the page says what they mean here: a
warning of a completeness shape is a *missing framework element* of a state (section 2.1),
an info of a recommendation shape is a *recommendation not evidenced* for a state (section
4.2), a violation is an *integrity violation* (none in a published graph: the build refuses
those). Each shape is shown with its label and its explanation (``rdfs:comment``), and each
of its results with the shape's message for that state (``sh:resultMessage``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from icgraph import report
from icgraph.validate import SH

#: What each severity means on this page.
WORDS = {
    str(SH.Violation): ("integrity violation", "integrity violations"),
    str(SH.Warning): ("missing framework element", "missing framework elements"),
    str(SH.Info): ("recommendation not evidenced", "recommendations not evidenced"),
}


@dataclass(frozen=True)
class Finding:
    """One result: the state (or other node) it is about and the shape's message for it."""

    focus: str
    label: str
    code: str
    message: str

    @property
    def rest(self) -> str:
        """The message after the state's name, which the page shows as a link."""
        if self.message.startswith(self.label + " "):
            return self.message[len(self.label) :]
        return ": " + self.message if self.message else ""


@dataclass
class ShapeResults:
    """One shape and its results."""

    shape: str
    severity: str
    label: str
    explanation: str
    #: What the shape checks for: a framework element or a recommendation (an IRI), if any.
    about: str = ""
    about_label: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def word(self) -> str:
        return WORDS[self.severity][0]


def _text(graph: object, node: URIRef | None, predicate: URIRef) -> str:
    """An English (or untagged) literal of ``node``, or ''."""
    if node is None:
        return ""
    values = sorted(
        str(o)
        for o in graph.objects(node, predicate)  # type: ignore[attr-defined]
        if isinstance(o, Literal) and o.language in (None, "en")
    )
    return values[0] if values else ""


def shape_results(card: report.Scorecard) -> dict[str, list[ShapeResults]]:
    """The report's results grouped by shape, per severity IRI, in the report's order."""
    states = {s.iri: s for s in card.states}
    groups: dict[str, ShapeResults] = {}
    graph = card.report
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        severity = str(graph.value(result, SH.resultSeverity))
        shape_node = graph.value(result, SH.sourceShape)
        shape = str(shape_node)
        group = groups.get(shape)
        if group is None:
            node = URIRef(shape)
            group = groups[shape] = ShapeResults(
                shape,
                severity,
                _text(card.shapes, node, RDFS.label) or shape.rsplit("#", 1)[-1],
                _text(card.shapes, node, RDFS.comment),
            )
        focus = str(graph.value(result, SH.focusNode))
        state = states.get(focus)
        value = graph.value(result, SH.value)
        if not group.about and isinstance(value, URIRef):
            group.about = str(value)
        group.findings.append(
            Finding(
                focus,
                state.label if state else focus,
                state.code if state else "",
                _text(graph, result, SH.resultMessage),  # type: ignore[arg-type]
            )
        )
    elements = {str(e.iri): (i, e.label) for i, e in enumerate(report.ELEMENTS)}
    recommendations = {r.iri: (r.number, r.label) for r in card.recommendations}
    for group in groups.values():
        group.findings.sort(key=lambda f: (f.label.lower(), f.focus))
        if group.about in elements:
            group.about_label = elements[group.about][1]
        elif group.about in recommendations:
            number, label = recommendations[group.about]
            group.about_label = f"{number}. {label}"

    def order(group: ShapeResults) -> tuple[int, str]:
        if group.about in elements:
            return elements[group.about][0], group.shape
        if group.about in recommendations:
            return recommendations[group.about][0], group.shape
        return 10**6, group.shape

    out: dict[str, list[ShapeResults]] = {severity: [] for severity in WORDS}
    for group in sorted(groups.values(), key=order):
        out.setdefault(group.severity, []).append(group)
    return out


def context(card: report.Scorecard) -> dict[str, object]:
    """Everything ``validation.html.j2`` shows."""
    by_severity = shape_results(card)
    present = {
        e.key: sum(1 for s in card.states if card.cells[(s.iri, e.key)].status == "evidence")
        for e in report.ELEMENTS
    }
    counts = {
        WORDS[severity][1]: sum(len(g.findings) for g in groups)
        for severity, groups in by_severity.items()
    }
    return {
        "card": card,
        "elements": report.ELEMENTS,
        "present": present,
        "violations": by_severity[str(SH.Violation)],
        "warnings": by_severity[str(SH.Warning)],
        "infos": by_severity[str(SH.Info)],
        "counts": counts,
        "not_checked": [r for r in card.recommendations if not r.checked],
    }
