"""``icgraph report``: the framework-completeness and recommendation-gap report.

One validation with every shape gives a SHACL report; this module reads it as a scorecard:

* the **matrix** of states × the four framework elements of section 2.1. A cell is *missing*
  exactly when a ``sh:Warning`` of a completeness shape has the state as focus node and the
  element as value; otherwise it lists the evidence (the state's nodes of the element's
  evidence class) and the practices of interest that report it;
* the **recommendation gaps**: for each recommendation of section 4.2 that a shape checks, the
  states with an ``sh:Info`` result; the others are listed, with the reason, in the header.

It writes the report in Turtle (the ``sh:ValidationReport`` itself), JSON and CSV (one row per
state × element), an HTML scorecard and a heatmap (PNG and SVG). Everything is sorted and no
output carries a date, so the same graph gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from rdflib.query import ResultRow
from rdflib.term import Identifier
from rdflib.term import Node as Term

from .config import Settings
from .namespaces import ICG, ID, METADATA_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from .validate import SH, ValidationResult, validate

CSH = "https://w3id.org/icgraph/shapes/completeness#"
RSH = "https://w3id.org/icgraph/shapes/recommendations#"
REPORT_SOURCE = ID["report/cdadi-2021-5"]

#: Result formats, by the name the CLI and the HTTP facade use.
MEDIA_TYPES = {
    "turtle": "text/turtle",
    "json": "application/json",
    "csv": "text/csv",
    "html": "text/html",
    "png": "image/png",
    "svg": "image/svg+xml",
}
FILE_NAMES = {
    "turtle": "validation-report.ttl",
    "json": "scorecard.json",
    "csv": "scorecard.csv",
    "html": "scorecard.html",
    "png": "heatmap.png",
    "svg": "heatmap.svg",
}


@dataclass(frozen=True)
class Element:
    """A framework element of section 2.1 and the text that defines it."""

    key: str
    iri: URIRef
    label: str
    section: URIRef
    section_title: str


#: The four framework elements in the report's order (data/codelists.ttl, icg:ordinal).
ELEMENTS: tuple[Element, ...] = (
    Element(
        "legislation",
        ID["element/legislation"],
        "constitutional provision and legislation",
        ID["section/2.1/legal-protection"],
        "Constitutional and legal protection",
    ),
    Element(
        "institutions",
        ID["element/institutions"],
        "institutions",
        ID["section/2.1/institutions"],
        "Institutions",
    ),
    Element(
        "strategies",
        ID["element/strategies"],
        "strategies or plans",
        ID["section/2.1/strategies-or-plans"],
        "Strategies or plans",
    ),
    Element(
        "funding",
        ID["element/funding"],
        "funding streams",
        ID["section/2.1/funding-streams"],
        "Funding streams",
    ),
)
_ELEMENT_BY_IRI = {e.iri: e for e in ELEMENTS}

# The same evidence the completeness shapes look for (shapes/completeness.ttl), returned
# instead of tested for absence. A test checks that the two agree cell by cell.
# A VALUES table of classes rather than UNION branches that BIND the element: Virtuoso 7.2
# answers nothing for such branches once the query is joined with more (the state pages).
EVIDENCE_QUERY = """
SELECT DISTINCT ?state ?element ?evidence WHERE {
    ?state a icg:MemberState .
    ?evidence icg:inState ?state .
    {
        VALUES (?class ?element) {
            (icg:Legislation <%(legislation)s>)
            (icg:StrategyOrPlan <%(strategies)s>)
            (icg:FundingStream <%(funding)s>)
        }
        ?evidence a/rdfs:subClassOf* ?class .
    } UNION {
        VALUES ?element { <%(institutions)s> }
        { ?evidence a icg:Institution . }
        UNION
        { ?evidence icg:institutionRole ?role ; a/rdfs:subClassOf* org:Organization . }
    }
}""" % {e.key: str(e.iri) for e in ELEMENTS}

PRACTICE_QUERY = """
SELECT DISTINCT ?thing ?practice WHERE {
    ?practice a icg:PracticeOfInterest .
    { ?thing icg:reportedIn ?practice . } UNION { ?practice icg:names ?thing . }
}"""


@dataclass(frozen=True)
class Node:
    """An IRI with the label a reader sees."""

    iri: str
    label: str


@dataclass(frozen=True)
class State:
    iri: str
    label: str
    code: str


@dataclass(frozen=True)
class Cell:
    """One state × element: ``evidence`` or ``missing``, with what shows it."""

    state: State
    element: Element
    status: str
    evidence: tuple[Node, ...] = ()
    practices: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """A recommendation of section 4.2, checked by a shape or not (``reason`` says why)."""

    iri: str
    number: int
    label: str
    checked: bool
    explanation: str
    shape: str | None = None
    states_without_evidence: tuple[State, ...] = ()


@dataclass
class Scorecard:
    """The validation report and what it says about each state."""

    result: ValidationResult
    report: Graph
    states: list[State]
    cells: dict[tuple[str, str], Cell]
    recommendations: list[Recommendation]
    counts: dict[str, int] = field(default_factory=dict)
    #: The shapes that produced the report (their labels and comments explain each result).
    shapes: Graph = field(default_factory=Graph)

    @property
    def conforms(self) -> bool:
        return self.result.conforms

    def row(self, state: State) -> list[Cell]:
        return [self.cells[(state.iri, e.key)] for e in ELEMENTS]

    def matrix(self) -> dict[str, dict[str, bool]]:
        """``{state code: {element key: has evidence}}``."""
        return {
            s.code: {e.key: self.cells[(s.iri, e.key)].status == "evidence" for e in ELEMENTS}
            for s in self.states
        }


# --- Building the scorecard --------------------------------------------------------------------


def _label(graph: Graph, node: Term) -> str:
    labels = sorted(
        str(o)
        for o in graph.objects(node, RDFS.label)
        if isinstance(o, Literal) and o.language in (None, "en")
    )
    return labels[0] if labels else str(node)


def _state(graph: Graph, node: URIRef) -> State:
    code = graph.value(node, ICG.alpha2Code)
    return State(
        str(node),
        _label(graph, node),
        str(code) if code is not None else str(node).rsplit("/", 1)[-1],
    )


def _number(iri: str) -> int:
    match = re.search(r"(\d+)$", iri)
    return int(match.group(1)) if match else 0


def _results(report: Graph, severity: URIRef) -> list[tuple[Term | None, Term | None, Term | None]]:
    """``(focus, value, source shape)`` of every result of a severity."""
    found = []
    for result in report.subjects(SH.resultSeverity, severity):
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        found.append((focus, value, shape))
    return found


def _recommendations(
    shapes: Graph, data: Graph, gaps: dict[str, set[str]], states: dict[str, State]
) -> list[Recommendation]:
    recs: list[Recommendation] = []
    for shape in shapes.subjects(SH.severity, SH.Info):
        rec = shapes.value(shape, DCTERMS.subject)
        if rec is None or not str(shape).startswith(RSH):
            continue
        label = _label(data, rec) if (rec, RDFS.label, None) in data else _label(shapes, shape)
        missing = sorted(
            (states[s] for s in gaps.get(str(rec), ()) if s in states),
            key=lambda s: (s.label, s.iri),
        )
        recs.append(
            Recommendation(
                str(rec),
                _number(str(rec)),
                label,
                True,
                str(shapes.value(shape, RDFS.comment) or ""),
                str(shape),
                tuple(missing),
            )
        )
    for note in shapes.subjects(RDF.type, URIRef(RSH + "NotChecked")):
        rec = shapes.value(note, DCTERMS.subject)
        if rec is None:
            continue
        label = _label(data, rec) if (rec, RDFS.label, None) in data else str(rec)
        recs.append(
            Recommendation(
                str(rec),
                _number(str(rec)),
                label,
                False,
                str(shapes.value(note, RDFS.comment) or ""),
                str(note),
            )
        )
    return sorted(recs, key=lambda r: (r.number, r.iri))


def scorecard(data: Graph, shapes: Graph, result: ValidationResult) -> Scorecard:
    """Read a validation result of ``data`` against ``shapes`` as a scorecard.

    ``data`` must be the graph that was validated (with the ontology mixed in).

    Raises:
        RuntimeError: when the completeness shapes and the evidence query disagree on a cell,
            which means one of them is wrong.
    """
    states = {
        str(s): _state(data, s)
        for s in data.subjects(RDF.type, ICG.MemberState)
        if isinstance(s, URIRef)
    }
    ordered = sorted(states.values(), key=lambda s: (s.label, s.iri))

    missing: set[tuple[str, URIRef]] = set()
    for focus, value, _shape in _results(result.report, SH.Warning):
        # The keys are IRIs, and no other kind of rdflib term equals an IRI.
        if isinstance(value, URIRef) and value in _ELEMENT_BY_IRI:
            missing.add((str(focus), value))

    gaps: dict[str, set[str]] = {}
    for focus, value, shape in _results(result.report, SH.Info):
        if shape is not None and str(shape).startswith(RSH):
            gaps.setdefault(str(value), set()).add(str(focus))

    init_ns = {k: v for k, v in PREFIXES.items()}
    # A SELECT query's result iterates its rows (rdflib types it for every query form).
    evidence: dict[tuple[str, Identifier], set[Identifier]] = {}
    for row in cast(Iterable[ResultRow], data.query(EVIDENCE_QUERY, initNs=init_ns)):
        evidence.setdefault((str(row.state), row.element), set()).add(row.evidence)
    practices: dict[Identifier, set[Identifier]] = {}
    for row in cast(Iterable[ResultRow], data.query(PRACTICE_QUERY, initNs=init_ns)):
        practices.setdefault(row.thing, set()).add(row.practice)

    def node(iri: Identifier) -> Node:
        return Node(str(iri), _label(data, iri))

    def practice_key(n: Node) -> tuple[int, str]:
        ordinal = data.value(URIRef(n.iri), ICG.ordinal)
        # icg:ordinal is a datatype property: its value is a literal.
        return (int(cast(Literal, ordinal)) if ordinal is not None else 10**6, n.iri)

    cells: dict[tuple[str, str], Cell] = {}
    disagreements = []
    for state in ordered:
        for element in ELEMENTS:
            found = evidence.get((state.iri, element.iri), set())
            is_missing = (state.iri, element.iri) in missing
            if is_missing == bool(found):
                disagreements.append(f"{state.code} {element.key}")
            nodes = tuple(sorted((node(e) for e in found), key=lambda n: n.iri))
            passages = {p for e in found for p in practices.get(e, ())}
            cells[(state.iri, element.key)] = Cell(
                state,
                element,
                "missing" if is_missing else "evidence",
                nodes,
                tuple(sorted((node(p) for p in passages), key=practice_key)),
            )
    if disagreements:
        raise RuntimeError(
            "completeness shapes and evidence query disagree on: " + ", ".join(disagreements)
        )

    recommendations = _recommendations(shapes, data, gaps, states)
    report = _enrich(result.report, shapes, recommendations)
    return Scorecard(
        result, report, ordered, cells, recommendations, dict(result.counts), shapes=shapes
    )


def _enrich(report: Graph, shapes: Graph, recommendations: list[Recommendation]) -> Graph:
    """The validation report with its header and each warning linked to the defining text.

    SHACL lets a validation report carry more triples than the ones it requires: each
    completeness result gets ``rdfs:seeAlso`` to the subsection of section 2.1 that defines the
    missing element (its shape's ``rdfs:seeAlso``), and the report node a description, the
    report it checks against, and the recommendations that are not checked, with why.
    """
    enriched = Graph()
    for s, p, o in report:
        # A plain literal is an xsd:string (RDF 1.1); write it one way whichever parser read it.
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        enriched.add((s, p, o))
    for result in list(enriched.subjects(RDF.type, SH.ValidationResult)):
        shape = enriched.value(result, SH.sourceShape)
        if shape is not None and str(shape).startswith(CSH):
            for see in shapes.objects(shape, RDFS.seeAlso):
                enriched.add((result, RDFS.seeAlso, see))
    for node in enriched.subjects(RDF.type, SH.ValidationReport):
        enriched.add((node, RDFS.comment, Literal(header_text(recommendations), lang="en")))
        enriched.add((node, DCTERMS.source, REPORT_SOURCE))
        for rec in recommendations:
            if rec.checked:
                continue
            note = URIRef(rec.shape) if rec.shape else BNode()
            enriched.add((node, RDFS.seeAlso, note))
            enriched.add((note, RDF.type, URIRef(RSH + "NotChecked")))
            enriched.add((note, DCTERMS.subject, URIRef(rec.iri)))
            enriched.add((note, RDFS.comment, Literal(rec.explanation, lang="en")))
    return enriched


def header_text(recommendations: Iterable[Recommendation]) -> str:
    """The report's header: what it is, and which recommendations it cannot check."""
    recs = list(recommendations)
    checked = ", ".join(str(r.number) for r in recs if r.checked)
    lines = [
        "Framework completeness and recommendation gaps of the responding member states, "
        "validated against the review report CDADI(2021)5.",
        "sh:Warning: one result per state and framework element of section 2.1 (legislation, "
        "institutions, strategies or plans, funding streams) the graph gives no evidence of.",
        f"sh:Info: one result per state and recommendation of section 4.2 it shows no evidence "
        f"for; recommendations checked: {checked}.",
    ]
    for r in recs:
        if not r.checked:
            lines.append(f"Recommendation {r.number} ({r.label}) is not checked: {r.explanation}")
    return "\n".join(lines)


# --- Where the graph comes from ------------------------------------------------------------------


def from_sources(settings: Settings, timings: dict[str, float] | None = None) -> Scorecard:
    """Reason over the project's sources and validate them, as ``icgraph build`` does."""
    from .build import check
    from .load import read_sources

    sources = read_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    timings = {} if timings is None else timings
    inferred, result = check(sources, timings)
    data = sources.union()
    data += inferred
    return scorecard(data, sources.shapes, result)


def read_shapes(settings: Settings) -> Graph:
    from .load import parse_file, turtle_files

    shapes = Graph()
    for path in turtle_files(settings.shapes_dir):
        shapes += parse_file(path)
    return shapes


def from_store(settings: Settings) -> Scorecard:
    """The scorecard of the published store.

    The graph is the store's ontology, data and inferences (not its metadata, shapes or report
    graphs). The report is the one the build validated and published with it
    (``graph/validation``, produced by the shapes in ``graph/shapes``), so the answer is the
    build's own; a store published without them is validated here with ``shapes/*.ttl``.
    """
    from . import store
    from .load import to_rdflib
    from .namespaces import SHAPES_GRAPH, VALIDATION_GRAPH

    opened = store.open_read_only(settings.store)
    data, ontology, published_report, published_shapes = Graph(), Graph(), Graph(), Graph()
    targets = {str(VALIDATION_GRAPH): published_report, str(SHAPES_GRAPH): published_shapes}
    for quad in opened.quads_for_pattern(None, None, None, None):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if name == str(METADATA_GRAPH):
            continue
        # The build loads rdflib graphs, so the store holds no RDF-star triple terms.
        subject = cast("ox.NamedNode | ox.BlankNode", quad.subject)
        obj = cast("ox.NamedNode | ox.BlankNode | ox.Literal", quad.object)
        triple = (to_rdflib(subject), to_rdflib(quad.predicate), to_rdflib(obj))
        if name in targets:
            targets[name].add(triple)
            continue
        data.add(triple)
        if name == str(ONTOLOGY_GRAPH):
            ontology.add(triple)
    del opened
    return from_graphs(settings, data, ontology, published_report, published_shapes)


def from_graphs(
    settings: Settings, data: Graph, ontology: Graph, published_report: Graph, shapes: Graph
) -> Scorecard:
    """The scorecard of a published graph read in parts (e.g. through a SPARQL endpoint).

    ``data`` is the ontology, data and inferences; ``published_report`` and ``shapes`` the
    report and shapes the build published. Without them, ``data`` is validated here with
    ``shapes/*.ttl`` (which needs ``ontology``).
    """
    from .validate import severity_counts

    if len(published_report) and len(shapes):
        counts = severity_counts(published_report)
        result = ValidationResult(
            conforms=counts["Violation"] == 0, report=published_report, text="", counts=counts
        )
        return scorecard(data, shapes, result)
    local_shapes = read_shapes(settings)
    return scorecard(data, local_shapes, validate(data, local_shapes, ontology))


def for_user_graph(graph: Graph, settings: Settings) -> Scorecard:
    """Validate someone's RDF with the ontology, the code lists and every shape; no reasoning.

    The ontology and the code lists are the vocabulary user data refers to (classes,
    properties, the concepts of ``data/codelists.ttl``); they are mixed in, nothing else of the
    project's data is. HermiT is not run: the shapes follow ``rdfs:subClassOf`` and the
    definition of ``icg:Institution`` themselves, so they need no inferences.
    """
    from .load import parse_file, turtle_files

    vocabulary = Graph()
    for path in turtle_files(settings.ontology_dir):
        vocabulary += parse_file(path)
    codelists = settings.data_dir / "codelists.ttl"
    if codelists.exists():
        vocabulary += parse_file(codelists)
    data = Graph()
    data += graph
    data += vocabulary
    shapes = read_shapes(settings)
    return scorecard(data, shapes, validate(data, shapes, vocabulary))


# --- Writing it ----------------------------------------------------------------------------------


def to_turtle(card: Scorecard) -> bytes:
    """The SHACL validation report, blank nodes canonically labelled, triples sorted."""
    canonical = to_canonical_graph(card.report)
    out = Graph()
    for prefix, ns in sorted(PREFIXES.items()):
        out.bind(prefix, ns)
    out.bind("csh", CSH)
    out.bind("rsh", RSH)
    out.bind("element", str(ID) + "element/")
    for triple in canonical:
        out.add(triple)
    text = out.serialize(format="turtle")
    return text.encode("utf-8")


def _state_json(state: State) -> dict[str, str]:
    return {"iri": state.iri, "label": state.label, "code": state.code}


def _node_json(node: Node) -> dict[str, str]:
    return {"iri": node.iri, "label": node.label}


def to_data(card: Scorecard) -> dict[str, object]:
    """Everything the JSON holds, as plain data."""
    return {
        "header": {
            "title": "Framework completeness and recommendation gaps",
            "source": str(REPORT_SOURCE),
            "description": header_text(card.recommendations),
            "conforms": card.conforms,
            "results": card.counts,
            "not_checked": [
                {
                    "recommendation": r.iri,
                    "number": r.number,
                    "label": r.label,
                    "reason": r.explanation,
                }
                for r in card.recommendations
                if not r.checked
            ],
        },
        "elements": [
            {
                "key": e.key,
                "iri": str(e.iri),
                "label": e.label,
                "defined_in": str(e.section),
                "section_title": e.section_title,
            }
            for e in ELEMENTS
        ],
        "states": [_state_json(s) for s in card.states],
        "matrix": [
            {
                "state": c.state.iri,
                "state_label": c.state.label,
                "code": c.state.code,
                "element": str(c.element.iri),
                "element_key": c.element.key,
                "status": c.status,
                "evidence": [_node_json(n) for n in c.evidence],
                "practices": [_node_json(n) for n in c.practices],
            }
            for s in card.states
            for c in card.row(s)
        ],
        "recommendations": [
            {
                "recommendation": r.iri,
                "number": r.number,
                "label": r.label,
                "checked": r.checked,
                "explanation": r.explanation,
                "shape": r.shape,
                "states_without_evidence": [_state_json(s) for s in r.states_without_evidence]
                if r.checked
                else None,
            }
            for r in card.recommendations
        ],
    }


def to_json(card: Scorecard) -> bytes:
    return (json.dumps(to_data(card), indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode(
        "utf-8"
    )


CSV_COLUMNS = (
    "state",
    "code",
    "state_label",
    "element",
    "element_label",
    "status",
    "evidence",
    "practices",
)


def to_csv(card: Scorecard) -> bytes:
    """One row per state × element; IRIs in a cell are separated by a space."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for state in card.states:
        for c in card.row(state):
            writer.writerow(
                [
                    state.iri,
                    state.code,
                    state.label,
                    str(c.element.iri),
                    c.element.label,
                    c.status,
                    " ".join(n.iri for n in c.evidence),
                    " ".join(n.iri for n in c.practices),
                ]
            )
    return buffer.getvalue().encode("utf-8")


def to_html(card: Scorecard) -> bytes:
    from .scorecard import render_html

    return render_html(card).encode("utf-8")


def to_png(card: Scorecard) -> bytes:
    from .scorecard import heatmap

    return heatmap(card, "png")


def to_svg(card: Scorecard) -> bytes:
    from .scorecard import heatmap

    return heatmap(card, "svg")


RENDERERS = {
    "turtle": to_turtle,
    "json": to_json,
    "csv": to_csv,
    "html": to_html,
    "png": to_png,
    "svg": to_svg,
}


def render(card: Scorecard, fmt: str) -> bytes:
    return RENDERERS[fmt](card)


def write_files(card: Scorecard, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, name in FILE_NAMES.items():
        path = out_dir / name
        path.write_bytes(render(card, fmt))
        written.append(path)
    return written


def write_report(settings: Settings, out_dir: Path) -> list[Path]:
    """Validate the project's sources and write every form of the report into ``out_dir``."""
    return write_files(from_sources(settings), out_dir)
