"""A checked sheet as RDF, with the ontology's classes and properties as the curated data uses
them (``data/national-frameworks.ttl``, ``data/multilevel-engagement.ttl``).

Each row becomes one node, ``urn:icgraph:sheet:row-N`` for row N of the sheet: the graph's own
``https://w3id.org/icgraph/id/`` namespace is kept for what the report says. The state is the
published one (``id:state/ES``, described as ``data/states.ttl`` describes it) when the sheet
names one of the 32 responding states, so that the completeness and recommendation shapes see
it exactly as they see the published graph; otherwise a state of the sheet's own.

Relations, by the kind of row (the 'adopted or established by' and 'run by' columns):

=====================================  ==========================  =============================
kind                                   adopted or established by   run by
=====================================  ==========================  =============================
legislation, constitutional provision  ``eli:passed_by``           body ``icg:implements`` row
strategy or plan                       ``icg:adoptedBy``           body ``icg:implements`` row
programme                              ``icg:establishedBy``       body ``icg:implements`` row
funding stream                         ``icg:establishedBy``       ``icg:grantedBy``
tool, index                            ``dct:creator``             ``dct:publisher``
institution, public body               ``icg:establishedBy``       ``org:subOrganizationOf``
national Intercultural Cities network  ``icg:establishedBy``       body ``icg:coordinates`` row
=====================================  ==========================  =============================

A name in those columns links to the row of that name; a name no row has becomes an
``org:Organization`` of the state, with an editorial note saying it is a reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..namespaces import BASE, ELI, ICG, ID, ORG
from .sheet import Problem, Sheet, SheetErrors
from .vocabulary import Kind, Vocabulary

SHEET = Namespace("urn:icgraph:sheet:")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

#: Statuses that say an instrument is not adopted yet; the strict view leaves such rows out,
#: as the published strict matrix does (queries/cq29-strict-framework-matrix.rq).
PENDING_STATUSES = frozenset(
    ID[f"status/{s}"]
    for s in ("under-development", "proposal", "green-paper", "planned", "piloted")
)

_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class AssessedState:
    """The state a sheet is about; ``responding`` when it is one of the report's 32."""

    iri: URIRef
    code: str
    label: str
    responding: bool


def row_iri(number: int) -> URIRef:
    """The node of row ``number``.

    >>> str(row_iri(7))
    'urn:icgraph:sheet:row-7'
    """
    return SHEET[f"row-{number}"]


def row_number(iri: str) -> int | None:
    """The sheet row a node stands for, or None for a node that is not a row."""
    match = re.fullmatch(re.escape(str(SHEET)) + r"row-(\d+)", iri)
    return int(match.group(1)) if match else None


def choose_state(vocabulary: Vocabulary, sheet: Sheet, requested: str | None) -> AssessedState:
    """The state named by the request (``--state``, the form) or by the sheet's 'state' column.

    Raises:
        SheetErrors: when the request and the sheet name different states.
    """
    requested = requested.strip() if requested and requested.strip() else None
    if requested and sheet.state:
        asked, named = vocabulary.state(requested), vocabulary.state(sheet.state)
        same = (
            asked == named if (asked or named) else requested.casefold() == sheet.state.casefold()
        )
        if not same:
            raise SheetErrors(
                [
                    Problem(
                        f"names '{sheet.state}' but the assessment was asked for '{requested}'",
                        sheet.state_row,
                        "state",
                        sheet.name,
                    )
                ]
            )
    text = requested or sheet.state
    if text is None:
        return AssessedState(SHEET["state"], "", "the assessed state", False)
    known = vocabulary.state(text)
    if known is not None:
        return AssessedState(known.iri, known.code, known.label, True)
    code = text.upper() if re.fullmatch(r"[A-Za-z]{2}", text) else ""
    return AssessedState(SHEET["state"], code, text, False)


def _run_by(kind: Kind) -> tuple[URIRef, bool]:
    """The property for 'run by' and whether it points from the body to the row."""
    if ICG.FundingStream in kind.classes:
        return ICG.grantedBy, False
    if ICG.Tool in kind.classes or ICG.Index in kind.classes:
        return DCTERMS.publisher, False
    if ICG.InterculturalCitiesNetwork in kind.classes:
        return ICG.coordinates, True
    if kind.is_body:
        return ORG.subOrganizationOf, False
    return ICG.implements, True


def _adopted_by(kind: Kind) -> URIRef:
    if kind.is_law:
        return ELI.passed_by
    if ICG.StrategyOrPlan in kind.classes:
        return ICG.adoptedBy
    if ICG.Tool in kind.classes or ICG.Index in kind.classes:
        return DCTERMS.creator
    return ICG.establishedBy


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "body"


def map_sheet(sheet: Sheet, vocabulary: Vocabulary, state: AssessedState) -> Graph:
    """The RDF of a checked sheet: the state and one node per row."""
    graph = Graph()
    graph.bind("icg", ICG)
    graph.bind("id", ID)
    graph.bind("sheet", SHEET)
    if state.responding:
        for p, o in vocabulary.state_graph.predicate_objects(state.iri):
            graph.add((state.iri, p, o))
    else:
        graph.add((state.iri, RDF.type, ICG.MemberState))
        graph.add((state.iri, RDFS.label, Literal(state.label, lang="en")))
        if state.code:
            graph.add((state.iri, ICG.alpha2Code, Literal(state.code)))
        graph.add(
            (
                state.iri,
                SKOS.editorialNote,
                Literal(
                    "Reading: the state a self-assessment sheet names; not one of the 32 "
                    "states that answered the survey of the report.",
                    lang="en",
                ),
            )
        )

    by_name = {row.name.casefold(): row_iri(row.number) for row in sheet.rows}

    def body(name: str, row: int, column: str) -> URIRef:
        found = by_name.get(name.casefold())
        if found is not None:
            return found
        node = SHEET[f"body-{_slug(name)}"]
        if (node, RDF.type, None) not in graph:
            graph.add((node, RDF.type, ORG.Organization))
            graph.add((node, RDFS.label, Literal(name, lang="en")))
            graph.add((node, ICG.inState, state.iri))
            graph.add(
                (
                    node,
                    SKOS.editorialNote,
                    Literal(
                        f"Reading: named in the column '{column}' of row {row}, with no row "
                        "of its own; recorded as an organisation of the state.",
                        lang="en",
                    ),
                )
            )
        return node

    for row in sheet.rows:
        node = row_iri(row.number)
        for cls in row.kind.classes:
            graph.add((node, RDF.type, cls))
        graph.add((node, RDFS.label, Literal(row.name, lang="en")))
        graph.add((node, ICG.inState, state.iri))
        graph.add((node, ICG.atLevel, row.level.iri))
        if row.kind.role is not None:
            graph.add((node, ICG.institutionRole, row.kind.role))
        if row.status is not None:
            graph.add((node, ICG.status, row.status.iri))
        for prop, concepts in (
            (ICG.targets, row.groups),
            (ICG.addressesField, row.fields),
            (ICG.mainstreamingProcess, row.processes),
        ):
            for concept in concepts:
                graph.add((node, prop, concept.iri))
        if row.duty:
            graph.add((node, ICG.positiveDuty, Literal(row.duty)))
        _dates(graph, node, row.kind, row.start, row.end)
        for name in row.adopted_by:
            graph.add(
                (node, _adopted_by(row.kind), body(name, row.number, "adopted or established by"))
            )
        prop, from_body = _run_by(row.kind)
        for name in row.run_by:
            other = body(name, row.number, "run by")
            graph.add((other, prop, node) if from_body else (node, prop, other))
        if row.citation:
            _cite(graph, node, row.citation)
    return graph


def _dates(graph: Graph, node: URIRef, kind: Kind, start: int | None, end: int | None) -> None:
    # Laws carry the year they were issued, as the curated data gives "Law No. 96/2017"; other
    # instruments a period, as "2012-2020".
    if kind.is_law and start is not None:
        graph.add((node, DCTERMS.issued, Literal(str(start), datatype=XSD.gYear)))
        if end is None:
            return
    if start is None and end is None:
        return
    period = SHEET[f"period-{start or ''}-{end or ''}"]
    graph.add((node, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    label = f"{start}-{end}" if start and end else f"since {start}" if start else f"until {end}"
    graph.add((period, RDFS.label, Literal(label, lang="en")))
    if start is not None:
        graph.add((period, DCAT.startDate, Literal(str(start), datatype=XSD.gYear)))
    if end is not None:
        graph.add((period, DCAT.endDate, Literal(str(end), datatype=XSD.gYear)))


def _cite(graph: Graph, node: URIRef, citation: str) -> None:
    if _IRI.match(citation):
        iri = URIRef(citation)
        # A passage or section of the report is where the graph says a thing is stated.
        graph.add(
            (node, ICG.reportedIn if citation.startswith(BASE + "id/") else DCTERMS.source, iri)
        )
    else:
        graph.add((node, DCTERMS.bibliographicCitation, Literal(citation)))


def strict(graph: Graph, sheet: Sheet) -> Graph:
    """The sheet's RDF without the rows whose status says they are not adopted yet."""
    pending = {
        row_iri(r.number)
        for r in sheet.rows
        if r.status is not None and r.status.iri in PENDING_STATUSES
    }
    kept = Graph()
    for s, p, o in graph:
        if s not in pending and o not in pending:
            kept.add((s, p, o))
    return kept
