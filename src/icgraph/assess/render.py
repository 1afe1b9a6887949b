"""A sheet's scorecard written out: JSON, CSV, Turtle (the sheet's RDF and its SHACL report)
and HTML (a fragment the web page places in its layout, or a page of its own)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from .. import report
from ..namespaces import PREFIXES
from ..scorecard import environment
from .mapping import SHEET
from .scorecard import Assessment

MEDIA_TYPES = {
    "html": "text/html",
    "json": "application/json",
    "csv": "text/csv",
    "turtle": "text/turtle",
}
FILE_NAMES = {
    "html": "scorecard.html",
    "json": "scorecard.json",
    "csv": "scorecard.csv",
    "turtle": "assessment.ttl",
}


def to_data(a: Assessment) -> dict[str, Any]:
    """Everything the JSON holds, as plain data."""
    return {
        "state": {
            "iri": str(a.state.iri),
            "code": a.state.code,
            "label": a.state.label,
            "responding": a.state.responding,
        },
        "rows": len(a.sheet.rows),
        "results": a.counts,
        "elements": [
            {
                "key": e.key,
                "iri": e.iri,
                "label": e.label,
                "defined_in": e.section,
                "section_title": e.section_title,
                "status": e.status,
                "evidence": [
                    {
                        "row": ev.row,
                        "name": ev.name,
                        "kind": ev.kind,
                        "status": ev.status,
                        "counts_in_strict_view": not ev.pending,
                    }
                    for ev in e.evidence
                ],
                "what_it_takes": None
                if e.guidance is None
                else {
                    "definition": e.guidance.definition,
                    "counts_as": e.guidance.counts_as,
                    "kinds": list(e.guidance.kinds),
                    "recommendations": [
                        {"number": n, "label": label, "quote": quote}
                        for n, label, quote in e.guidance.recommendations
                    ],
                    "examples": [
                        {"iri": p.iri, "label": p.label, "quote": p.quote}
                        for p in e.guidance.examples
                    ],
                },
            }
            for e in a.elements
        ],
        "recommendations": [
            {
                "iri": r.iri,
                "number": r.number,
                "label": r.label,
                "quote": r.quote,
                "checked": r.checked,
                "evidenced": r.evidenced,
                "explanation": r.explanation,
            }
            for r in a.recommendations
        ],
        "published": None
        if a.comparison is None
        else {
            "state": a.comparison.state.iri,
            "elements": {key: published for key, _, _, published in a.comparison.elements},
            "recommendations_evidenced": sorted(a.comparison.state.evidenced),
            "differences": a.comparison.differences(),
        },
    }


def to_json(a: Assessment) -> bytes:
    text = json.dumps(to_data(a), indent=2, ensure_ascii=False, sort_keys=True)
    return (text + "\n").encode("utf-8")


CSV_COLUMNS = ("part", "key", "label", "status", "evidence_rows", "evidence", "published")


def _safe(cell: str) -> str:
    # Names come from the analyst's sheet; a leading =, +, - or @ would make a spreadsheet that
    # opens this CSV read the cell as a formula.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def to_csv(a: Assessment) -> bytes:
    """One row per framework element, then one per recommendation of section 4.2."""
    published_elements = {key: p for key, _, _, p in a.comparison.elements} if a.comparison else {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in a.elements:
        writer.writerow(
            [
                "element",
                e.key,
                e.label,
                e.status,
                " ".join(str(ev.row) for ev in e.evidence),
                _safe("; ".join(ev.name for ev in e.evidence)),
                published_elements.get(e.key, ""),
            ]
        )
    for r in a.recommendations:
        status = (
            "not checked" if r.evidenced is None else "evidenced" if r.evidenced else "no evidence"
        )
        published = ""
        if a.comparison is not None and r.checked:
            published = "evidenced" if r.number in a.comparison.state.evidenced else "no evidence"
        writer.writerow(["recommendation", str(r.number), r.label, status, "", "", published])
    return buffer.getvalue().encode("utf-8")


def to_turtle(a: Assessment) -> bytes:
    """The RDF made from the sheet and its SHACL validation report, in one Turtle document."""
    out = Graph()
    for prefix, ns in sorted(PREFIXES.items()):
        out.bind(prefix, ns)
    out.bind("sheet", str(SHEET))
    out.bind("csh", report.CSH)
    out.bind("rsh", report.RSH)
    for triple in a.data:
        out.add(triple)
    for triple in to_canonical_graph(a.report):
        out.add(triple)
    return out.serialize(format="turtle").encode("utf-8")


def _same(iri: str) -> str:
    return iri


def to_html_fragment(a: Assessment, href: Callable[[str], str] = _same) -> str:
    """The scorecard as an HTML fragment; ``href`` maps an IRI to the link a page uses."""
    return environment().get_template("assessment_body.html.j2").render(a=a, href=href)


def to_html(a: Assessment) -> bytes:
    """A page of its own, for ``icgraph assess -o``."""
    page = environment().get_template("assessment.html.j2")
    return page.render(a=a, body=to_html_fragment(a)).encode("utf-8")


RENDERERS: dict[str, Callable[[Assessment], bytes]] = {
    "html": to_html,
    "json": to_json,
    "csv": to_csv,
    "turtle": to_turtle,
}


def render(a: Assessment, fmt: str) -> bytes:
    return RENDERERS[fmt](a)
