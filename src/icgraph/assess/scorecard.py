"""A sheet's scorecard: the published report's completeness and recommendation shapes run on
the sheet's RDF, read the way ``icgraph report`` reads the published graph.

The validation is :func:`icgraph.validate.validate` and the reading
:func:`icgraph.report.scorecard`, so a sheet gets exactly the answer the graph would give if the
same facts were curated into it. Two validations are run:

* the sheet as it is: a framework element is *missing* when a completeness shape gives the
  state its ``sh:Warning``;
* the strict view, the sheet without the rows whose status says they are not adopted yet
  (under development, proposal, green paper): an element present only through such rows is
  *under development*.

For each element that is missing or only under development the scorecard says what it would
take: the element's definition (section 2.1), the kinds of row that count, the report's
recommendations on it (section 4.2), and the report's practices of interest for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from .. import report
from ..config import Settings
from ..namespaces import ICG
from ..validate import ValidationResult, validate
from .mapping import PENDING_STATUSES, AssessedState, choose_state, map_sheet, row_number, strict
from .sheet import Row, Sheet
from .vocabulary import Vocabulary

#: The shapes of the published report that a sheet is held to. The integrity shapes are not:
#: they check the curated graph's provenance (every node names its passage of the report),
#: which a state's own sheet cannot have.
SHAPE_FILES = ("completeness.ttl", "recommendations.ttl")
#: Where the report's recommendations, sections and practices of interest are.
GUIDANCE_FILES = ("report.ttl", "national-frameworks.ttl")

PRESENT, UNDER_DEVELOPMENT, MISSING = "present", "under development", "missing"


@dataclass(frozen=True)
class Evidence:
    """A row that is evidence of an element."""

    row: int
    name: str
    kind: str
    status: str | None
    pending: bool


@dataclass(frozen=True)
class Passage:
    iri: str
    label: str
    quote: str


@dataclass(frozen=True)
class Guidance:
    """What the report says an element takes."""

    definition: str
    counts_as: str
    kinds: tuple[str, ...]
    recommendations: tuple[tuple[int, str, str], ...]
    examples: tuple[Passage, ...]
    #: The statuses a row may have and still count in the strict view (or none at all).
    counted_statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ElementResult:
    key: str
    label: str
    iri: str
    section: str
    section_title: str
    status: str
    evidence: tuple[Evidence, ...]
    guidance: Guidance | None = None


@dataclass(frozen=True)
class RecommendationResult:
    iri: str
    number: int
    label: str
    quote: str
    checked: bool
    #: None for a recommendation the shapes cannot check.
    evidenced: bool | None
    explanation: str


@dataclass(frozen=True)
class PublishedState:
    """A responding state's row of the published scorecard, small enough to send to a worker."""

    code: str
    label: str
    iri: str
    elements: Mapping[str, bool]
    evidenced: frozenset[int]


@dataclass(frozen=True)
class Comparison:
    """The sheet beside the published scorecard of the same state."""

    state: PublishedState
    #: ``(key, label, sheet status, published status)``; the published status is present or
    #: missing (the report's scorecard has no strict view).
    elements: tuple[tuple[str, str, str, str], ...]
    #: ``(number, label, evidenced in the sheet, evidenced in the report)``.
    recommendations: tuple[tuple[int, str, bool, bool], ...]

    def differences(self) -> list[str]:
        found = []
        for _key, label, sheet, published in self.elements:
            if (sheet == MISSING) != (published == MISSING):
                found.append(f"{label}: {sheet} in the sheet, {published} in the report")
            elif sheet == UNDER_DEVELOPMENT:
                found.append(f"{label}: only under development in the sheet, present in the report")
        for number, label, sheet_has, report_has in self.recommendations:
            if sheet_has != report_has:
                found.append(
                    f"recommendation {number} ({label}): "
                    f"{'evidenced' if sheet_has else 'no evidence'} in the sheet, "
                    f"{'evidenced' if report_has else 'no evidence'} in the report"
                )
        return found


@dataclass
class Assessment:
    """Everything the answer to a sheet holds."""

    state: AssessedState
    sheet: Sheet
    elements: list[ElementResult]
    recommendations: list[RecommendationResult]
    comparison: Comparison | None
    #: The RDF made from the sheet.
    data: Graph
    #: The SHACL validation report of the sheet (as it is, not the strict view).
    report: Graph
    counts: dict[str, int]


def published_states(card: report.Scorecard) -> dict[str, PublishedState]:
    """Each responding state's row of a published scorecard, by its alpha-2 code."""
    out = {}
    for state in card.states:
        without = {
            r.number
            for r in card.recommendations
            if r.checked and any(s.iri == state.iri for s in r.states_without_evidence)
        }
        out[state.code] = PublishedState(
            state.code,
            state.label,
            state.iri,
            {e.key: card.cells[(state.iri, e.key)].status == "evidence" for e in report.ELEMENTS},
            frozenset(r.number for r in card.recommendations if r.checked) - frozenset(without),
        )
    return out


@lru_cache(maxsize=4)
def _parse(paths: tuple[Path, ...]) -> Graph:
    from ..load import parse_file

    graph = Graph()
    for path in paths:
        graph += parse_file(path)
    return graph


def shapes_graph(settings: Settings) -> Graph:
    return _parse(tuple(settings.shapes_dir.resolve() / name for name in SHAPE_FILES))


def completeness_shapes(settings: Settings) -> Graph:
    """The strict view needs only the framework elements, not the recommendations."""
    return _parse((settings.shapes_dir.resolve() / SHAPE_FILES[0],))


def guidance_graph(settings: Settings) -> Graph:
    return _parse(tuple(settings.data_dir.resolve() / name for name in GUIDANCE_FILES))


def _text(graph: Graph, node: Node, prop: URIRef) -> str:
    value = graph.value(node, prop)
    return str(value) if value is not None else ""


def _validate(data: Graph, vocabulary: Vocabulary, shapes: Graph) -> report.Scorecard:
    combined = Graph()
    combined += data
    combined += vocabulary.graph
    # The vocabulary is mixed in already; handing it to pySHACL again would copy the graph.
    result: ValidationResult = validate(combined, shapes)
    return report.scorecard(combined, shapes, result)


def _guidance(
    element: report.Element, vocabulary: Vocabulary, shapes: Graph, guidance: Graph
) -> Guidance:
    shape = next(
        (s for s in shapes.subjects(DCTERMS.subject, element.iri) if str(s).startswith(report.CSH)),
        None,
    )
    recommendations = []
    for rec in guidance.subjects(ICG.frameworkElement, element.iri):
        if (rec, RDF.type, ICG.ReportRecommendation) in guidance and isinstance(rec, URIRef):
            ordinal = guidance.value(rec, ICG.ordinal)
            recommendations.append(
                (
                    int(cast(Literal, ordinal)) if ordinal is not None else 0,
                    _text(guidance, rec, RDFS.label),
                    _text(guidance, rec, ICG.quote),
                )
            )
    examples = []
    for practice in guidance.subjects(ICG.inSubsection, element.section):
        if (
            isinstance(practice, URIRef)
            and (practice, RDF.type, ICG.PracticeOfInterest) in guidance
        ):
            ordinal = guidance.value(practice, ICG.ordinal)
            examples.append(
                (
                    int(cast(Literal, ordinal)) if ordinal is not None else 0,
                    Passage(
                        str(practice),
                        _text(guidance, practice, RDFS.label),
                        _text(guidance, practice, ICG.quote),
                    ),
                )
            )
    return Guidance(
        definition=_text(vocabulary.graph, element.iri, SKOS.definition),
        counts_as=_text(shapes, shape, RDFS.comment) if shape is not None else "",
        kinds=tuple(k.label for k in vocabulary.kinds if k.element == element.key),
        recommendations=tuple(sorted(recommendations)),
        examples=tuple(p for _, p in sorted(examples, key=lambda pair: (pair[0], pair[1].iri))),
        counted_statuses=tuple(
            c.label for c in vocabulary.statuses if c.iri not in PENDING_STATUSES
        ),
    )


def _evidence(cell: report.Cell, rows: Mapping[int, Row]) -> tuple[Evidence, ...]:
    found = []
    for node in cell.evidence:
        number = row_number(node.iri)
        row = rows.get(number) if number is not None else None
        if row is None:
            continue
        found.append(
            Evidence(
                row.number,
                row.name,
                row.kind.label,
                row.status.label if row.status else None,
                row.status is not None and row.status.iri in PENDING_STATUSES,
            )
        )
    return tuple(sorted(found, key=lambda e: e.row))


def assess(
    sheet: Sheet,
    vocabulary: Vocabulary,
    settings: Settings,
    *,
    state: str | None = None,
    published: Mapping[str, PublishedState] | None = None,
) -> Assessment:
    """Map a checked sheet to RDF, run the shapes on it and read the answer.

    ``state`` is the state asked for (``--state``, the form's field); ``published`` the
    published scorecard's rows, for the comparison when the sheet names a responding state.
    """
    assessed = choose_state(vocabulary, sheet, state)
    data = map_sheet(sheet, vocabulary, assessed)
    shapes = shapes_graph(settings)
    card = _validate(data, vocabulary, shapes)
    strict_card = _validate(strict(data, sheet), vocabulary, completeness_shapes(settings))
    guidance = guidance_graph(settings)
    rows = {row.number: row for row in sheet.rows}
    key = str(assessed.iri)

    elements = []
    for element in report.ELEMENTS:
        cell = card.cells[(key, element.key)]
        if cell.status == "missing":
            status = MISSING
        elif strict_card.cells[(key, element.key)].status == "missing":
            status = UNDER_DEVELOPMENT
        else:
            status = PRESENT
        elements.append(
            ElementResult(
                element.key,
                element.label,
                str(element.iri),
                str(element.section),
                element.section_title,
                status,
                _evidence(cell, rows),
                _guidance(element, vocabulary, shapes, guidance) if status != PRESENT else None,
            )
        )

    recommendations = []
    for rec in card.recommendations:
        iri = URIRef(rec.iri)
        recommendations.append(
            RecommendationResult(
                rec.iri,
                rec.number,
                _text(guidance, iri, RDFS.label) or rec.label,
                _text(guidance, iri, ICG.quote),
                rec.checked,
                all(s.iri != key for s in rec.states_without_evidence) if rec.checked else None,
                rec.explanation,
            )
        )

    found = Assessment(
        assessed, sheet, elements, recommendations, None, data, card.report, dict(card.counts)
    )
    if assessed.responding and published and assessed.code in published:
        found.comparison = compare(found, published[assessed.code])
    return found


def compare(a: Assessment, published: PublishedState) -> Comparison:
    """The sheet's scorecard beside the published one of the same state."""
    return Comparison(
        published,
        tuple(
            (e.key, e.label, e.status, PRESENT if published.elements.get(e.key) else MISSING)
            for e in a.elements
        ),
        tuple(
            (r.number, r.label, bool(r.evidenced), r.number in published.evidenced)
            for r in a.recommendations
            if r.checked
        ),
    )


def published_scorecard(settings: Settings) -> report.Scorecard:
    """The published scorecard: the store's when one is built, else the sources' own."""
    from .. import store

    if store.exists(settings.store):
        return report.from_store(settings)
    return report.from_sources(settings)
