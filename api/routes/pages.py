"""The researcher's web interface: server-rendered pages over the query backend.

``/`` the graph's figures and the 32 responding states; ``/states/{code}`` one state's
framework scorecard, instruments, actors, multilevel links and the report's own words;
``/search?q=`` a label search; ``/editor`` a SPARQL editor (YASGUI, served from
``/static/vendor/yasgui/``) with one tab per catalogue query.

Every fact on a page comes from a SPARQL query sent through the app's ``Backend``, exactly as
a client's would be, so the pages work the same over the embedded store and a remote
endpoint. Each query carries its own PREFIX declarations for that reason. The scorecard reads
what ``icgraph report`` reads: the published SHACL report (a framework element is missing
when a completeness shape gave the state a ``sh:Warning`` for it) and the evidence query the
report module checks the shapes against.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from icgraph import report
from icgraph.api.answers import run_query
from icgraph.api.backends.base import Backend
from icgraph.api.deps import BackendDep, SettingsDep
from icgraph.api.formats import BY_NAME, Choice
from icgraph.api.routes.figures import figure_ref
from icgraph.api.templating import TEMPLATES
from icgraph.catalogue import CatalogueQuery
from icgraph.config import Settings
from icgraph.namespaces import ID, INFERRED_GRAPH, PREFIXES, VALIDATION_GRAPH
from icgraph.query import Term

router = APIRouter(tags=["pages"])


#: Label searches return at most this many matches.
SEARCH_LIMIT = 200
_STATE_CODE = re.compile(r"^[A-Za-z]{2}$")
_PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
_JSON = BY_NAME["json"]


# --- Talking to the backend ----------------------------------------------------------------------


async def select(
    backend: Backend,
    settings: Settings,
    query: str,
    bindings: Mapping[str, Term] | None = None,
) -> list[dict[str, str]]:
    """Run a SELECT through the backend; each row maps a bound variable to its value."""
    result = await run_query(
        backend, settings, _PROLOGUE + query, Choice(_JSON, _JSON, None), bindings=bindings
    )
    answer = json.loads(result.body)
    return [
        {name: term["value"] for name, term in row.items()} for row in answer["results"]["bindings"]
    ]


def _iri(value: str) -> str:
    return f"<{value}>"


def _string(value: str) -> str:
    """A SPARQL string literal holding ``value`` exactly."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def curie(iri: str) -> str:
    """``icg:Institution`` for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@dataclass(frozen=True)
class Link:
    """A node as a page shows it."""

    iri: str
    label: str


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


# --- Home ---------------------------------------------------------------------------------------

_FIGURES = """
SELECT ?states ?practices ?actors ?instruments ?triples WHERE {
  { SELECT (COUNT(DISTINCT ?s) AS ?states) WHERE { ?s a icg:MemberState } }
  { SELECT (COUNT(DISTINCT ?p) AS ?practices) WHERE { ?p a icg:PracticeOfInterest } }
  { SELECT (COUNT(DISTINCT ?a) AS ?actors) WHERE {
       { ?a a/rdfs:subClassOf* org:Organization }
       UNION { ?a a/rdfs:subClassOf* org:OrganizationalCollaboration }
       UNION { ?a a/rdfs:subClassOf* icg:ActorGroup } } }
  { SELECT (COUNT(DISTINCT ?i) AS ?instruments) WHERE { ?i a/rdfs:subClassOf* icg:Instrument } }
  { SELECT (COUNT(*) AS ?triples) WHERE { SELECT DISTINCT ?x ?y ?z WHERE { ?x ?y ?z } } }
}"""

# Per state: its practices and how many framework elements the completeness shapes found.
_STATES = f"""
SELECT ?state ?label ?code ?city
       (COUNT(DISTINCT ?practice) AS ?practices) (COUNT(DISTINCT ?missing) AS ?gaps) WHERE {{
  ?state a icg:MemberState ; rdfs:label ?label ; icg:alpha2Code ?code .
  OPTIONAL {{ ?state icg:answeredThrough/rdfs:label ?city }}
  OPTIONAL {{ ?practice a icg:PracticeOfInterest ; icg:inState ?state }}
  OPTIONAL {{ GRAPH {_iri(str(VALIDATION_GRAPH))} {{
      ?result sh:focusNode ?state ; sh:resultSeverity sh:Warning ; sh:value ?missing }}
    VALUES ?missing {{ {" ".join(_iri(str(e.iri)) for e in report.ELEMENTS)} }} }}
}}
GROUP BY ?state ?label ?code ?city
ORDER BY ?label"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, settings: SettingsDep, backend: BackendDep) -> HTMLResponse:
    """The graph's figures and the responding states."""
    figures_row = (await select(backend, settings, _FIGURES) or [{}])[0]
    figures = [
        ("states", _int(figures_row.get("states"))),
        ("practices of interest", _int(figures_row.get("practices"))),
        ("actors", _int(figures_row.get("actors"))),
        ("instruments", _int(figures_row.get("instruments"))),
        ("triples", _int(figures_row.get("triples"))),
    ]
    states = [
        {
            "code": row["code"],
            "label": row["label"],
            "iri": row["state"],
            "city": row.get("city"),
            "practices": _int(row.get("practices")),
            "elements": len(report.ELEMENTS) - _int(row.get("gaps")),
        }
        for row in await select(backend, settings, _STATES)
    ]
    return TEMPLATES.TemplateResponse(
        request,
        "home.html.j2",
        {
            "figures": figures,
            "states": states,
            "element_count": len(report.ELEMENTS),
            "heatmap": await figure_ref(request, "framework-completeness"),
        },
    )


# --- A state ------------------------------------------------------------------------------------

_STATE = """
SELECT ?state ?label ?code ?alpha3 ?wikidata ?city WHERE {
  ?state a icg:MemberState ; rdfs:label ?label ; icg:alpha2Code ?code .
  OPTIONAL { ?state icg:alpha3Code ?alpha3 }
  OPTIONAL { ?state owl:sameAs ?wikidata }
  OPTIONAL { ?state icg:answeredThrough/rdfs:label ?city }
}"""

_MISSING = f"""
SELECT DISTINCT ?state ?element WHERE {{
  GRAPH {_iri(str(VALIDATION_GRAPH))} {{
    ?result sh:focusNode ?state ; sh:resultSeverity sh:Warning ; sh:value ?element }}
}}"""

# The report module's evidence query, narrowed to one state, joined with the practices that
# report each piece of evidence (the report module's practice query).
_EVIDENCE = """
SELECT ?state ?element ?evidence ?evidenceLabel ?practice ?practiceLabel ?ordinal WHERE {
  { %(evidence)s }
  ?evidence rdfs:label ?evidenceLabel .
  OPTIONAL {
    { %(practices)s }
    FILTER (?thing = ?evidence)
    ?practice rdfs:label ?practiceLabel .
    OPTIONAL { ?practice icg:ordinal ?ordinal }
  }
}"""

_GAPS = f"""
SELECT DISTINCT ?state ?recommendation ?label WHERE {{
  GRAPH {_iri(str(VALIDATION_GRAPH))} {{
    ?result sh:focusNode ?state ; sh:resultSeverity sh:Info ; sh:value ?recommendation }}
  ?recommendation a icg:ReportRecommendation ; rdfs:label ?label .
}}"""

_NODES = f"""
SELECT DISTINCT ?state ?node ?label ?kind ?type ?typeLabel ?level ?levelLabel ?roleLabel WHERE {{
  ?node icg:inState ?state ; rdfs:label ?label .
  # A VALUES table, not a UNION of BINDs: Virtuoso 7.2 answers nothing for UNION branches
  # that BIND, joined with the OPTIONAL GRAPH below.
  VALUES (?root ?kind) {{
    (icg:Instrument "instrument") (org:Organization "actor")
    (org:OrganizationalCollaboration "actor") (icg:ActorGroup "actor")
  }}
  ?node a/rdfs:subClassOf* ?root .
  OPTIONAL {{
    GRAPH ?asserted {{ ?node a ?type }}
    FILTER (?asserted != {_iri(str(INFERRED_GRAPH))})
    OPTIONAL {{ ?type rdfs:label ?typeLabel FILTER (langMatches(lang(?typeLabel), "en")) }}
  }}
  OPTIONAL {{ ?node icg:atLevel ?level . ?level skos:prefLabel ?levelLabel }}
  OPTIONAL {{ ?node icg:institutionRole/skos:prefLabel ?roleLabel }}
}}"""

_PRACTICES = """
SELECT ?state ?practice ?label ?ordinal ?quote ?section ?sectionLabel ?channel ?channelLabel
       ?direction ?directionLabel ?named ?namedLabel WHERE {
  ?practice a icg:PracticeOfInterest ; icg:inState ?state ; rdfs:label ?label ;
            icg:quote ?quote .
  OPTIONAL { ?practice icg:ordinal ?ordinal }
  OPTIONAL { ?practice icg:inSubsection ?section . ?section rdfs:label ?sectionLabel }
  OPTIONAL {
    ?practice icg:impetusChannel ?channel . ?channel skos:prefLabel ?channelLabel .
    OPTIONAL { ?channel icg:direction ?direction . ?direction skos:prefLabel ?directionLabel }
  }
  OPTIONAL { ?practice icg:names ?named . ?named rdfs:label ?namedLabel }
}"""


@dataclass
class Cell:
    """One framework element for the state: present or missing, and what shows it."""

    element: report.Element
    present: bool
    evidence: list[Link] = field(default_factory=list)
    practices: list[Link] = field(default_factory=list)
    #: The evidence query found evidence the shapes did not (or the reverse).
    disagrees: bool = False

    @property
    def section(self) -> Link:
        return Link(str(self.element.section), self.element.section_title)


@dataclass
class Item:
    """An instrument or actor of the state."""

    node: Link
    kind: str
    types: set[str] = field(default_factory=set)
    levels: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)


@dataclass
class Practice:
    """A practice of interest: the report's exact words, where they are, what they name."""

    node: Link
    ordinal: int
    quote: str
    section: Link | None
    channel: Link | None = None
    direction: Link | None = None
    names: dict[str, Link] = field(default_factory=dict)


def _scorecard(missing: set[str], rows: Iterable[Mapping[str, str]]) -> list[Cell]:
    evidence: dict[str, dict[str, Link]] = {}
    practices: dict[str, dict[str, tuple[int, Link]]] = {}
    for row in rows:
        key = row["element"]
        evidence.setdefault(key, {})[row["evidence"]] = Link(row["evidence"], row["evidenceLabel"])
        if "practice" in row:
            practices.setdefault(key, {})[row["practice"]] = (
                _int(row.get("ordinal")),
                Link(row["practice"], row["practiceLabel"]),
            )
    cells = []
    for element in report.ELEMENTS:
        key = str(element.iri)
        found = sorted(evidence.get(key, {}).values(), key=lambda n: (n.label.lower(), n.iri))
        present = key not in missing
        cells.append(
            Cell(
                element,
                present,
                found,
                [
                    link
                    for _, link in sorted(
                        practices.get(key, {}).values(), key=lambda p: (p[0], p[1].iri)
                    )
                ],
                disagrees=present != bool(found),
            )
        )
    return cells


def _items(rows: Iterable[Mapping[str, str]]) -> tuple[list[Item], list[Item]]:
    items: dict[str, Item] = {}
    for row in rows:
        item = items.setdefault(row["node"], Item(Link(row["node"], row["label"]), row["kind"]))
        if "type" in row:
            item.types.add(row.get("typeLabel") or curie(row["type"]))
        if "levelLabel" in row:
            item.levels.add(row["levelLabel"])
        if "roleLabel" in row:
            item.roles.add(row["roleLabel"])
    ordered = sorted(items.values(), key=lambda i: (i.node.label.lower(), i.node.iri))
    return (
        [i for i in ordered if i.kind == "instrument"],
        [i for i in ordered if i.kind == "actor"],
    )


def _practices(rows: Iterable[Mapping[str, str]]) -> list[Practice]:
    found: dict[str, Practice] = {}
    for row in rows:
        practice = found.get(row["practice"])
        if practice is None:
            section = (
                Link(row["section"], row.get("sectionLabel", row["section"]))
                if "section" in row
                else None
            )
            practice = found[row["practice"]] = Practice(
                Link(row["practice"], row["label"]), _int(row.get("ordinal")), row["quote"], section
            )
        if "channel" in row:
            practice.channel = Link(row["channel"], row["channelLabel"])
        if "direction" in row:
            practice.direction = Link(row["direction"], row["directionLabel"])
        if "named" in row:
            practice.names[row["named"]] = Link(row["named"], row["namedLabel"])
    return sorted(found.values(), key=lambda p: (p.ordinal, p.node.iri))


@router.get("/states/{code}", response_class=HTMLResponse, include_in_schema=False)
async def state_page(
    code: str, request: Request, settings: SettingsDep, backend: BackendDep
) -> HTMLResponse:
    """A state's framework scorecard, instruments, actors, multilevel links and quotes."""
    code = code.upper()
    iri = str(ID[f"state/{code}"]) if _STATE_CODE.match(code) else None
    bound = ox.NamedNode(iri) if iri else None
    bindings: dict[str, Term] = {"state": bound} if bound is not None else {}
    rows = await select(backend, settings, _STATE, bindings) if bound else []
    if bound is None or not rows:
        return TEMPLATES.TemplateResponse(
            request, "state.html.j2", {"state": None, "code": code}, status_code=404
        )
    info = rows[0]
    evidence_query = _EVIDENCE % {
        "evidence": report.EVIDENCE_QUERY,
        "practices": report.PRACTICE_QUERY,
    }
    missing_rows, evidence_rows, node_rows, practice_rows, gap_rows = await asyncio.gather(
        *(
            select(backend, settings, q, bindings)
            for q in (_MISSING, evidence_query, _NODES, _PRACTICES, _GAPS)
        )
    )
    cells = _scorecard({r["element"] for r in missing_rows}, evidence_rows)
    instruments, actors = _items(node_rows)
    practices = _practices(practice_rows)
    gaps = sorted(
        (Link(r["recommendation"], r["label"]) for r in gap_rows),
        key=lambda link: (_int(link.iri.rsplit("/", 1)[-1]), link.iri),
    )
    multilevel = [p for p in practices if p.channel is not None]
    return TEMPLATES.TemplateResponse(
        request,
        "state.html.j2",
        {
            "state": Link(bound.value, info["label"]),
            "code": info["code"],
            "alpha3": info.get("alpha3"),
            "wikidata": info.get("wikidata"),
            "city": info.get("city"),
            "cells": cells,
            "instruments": instruments,
            "actors": actors,
            "multilevel": multilevel,
            "practices": practices,
            "gaps": gaps,
            "instruments_chart": await figure_ref(request, "instruments-matrix", info["code"]),
            "network": await figure_ref(request, "multilevel-network", info["code"]),
            "channels": await figure_ref(request, "impetus-channels") if multilevel else None,
        },
    )


# --- Label search -------------------------------------------------------------------------------

_SEARCH = f"""
SELECT DISTINCT ?node ?label ?property WHERE {{
  {{ ?node rdfs:label ?label BIND ("rdfs:label" AS ?property) }}
  UNION {{ ?node skos:prefLabel ?label BIND ("skos:prefLabel" AS ?property) }}
  FILTER (isIRI(?node) && (STRSTARTS(STR(?node), {_string(str(ID))})
                           || STRSTARTS(STR(?node), {_string(PREFIXES["icg"])})))
  FILTER (CONTAINS(LCASE(STR(?label)), LCASE(%(needle)s)))
}}
ORDER BY ?label ?node
LIMIT {SEARCH_LIMIT * 2}"""


def _kind(iri: str) -> str:
    """What a result is, read from its IRI: ``state``, ``actor``, ``ontology term``..."""
    if iri.startswith(str(ID)):
        return iri[len(str(ID)) :].split("/", 1)[0]
    return "ontology term"


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
async def search(
    request: Request, settings: SettingsDep, backend: BackendDep, q: str = ""
) -> HTMLResponse:
    """Case-insensitive substring search over rdfs:label and skos:prefLabel."""
    needle = q.strip()
    results: list[dict[str, str]] = []
    if needle:
        seen: dict[str, dict[str, str]] = {}
        for row in await select(backend, settings, _SEARCH % {"needle": _string(needle)}):
            # One line per node; rdfs:label wins over skos:prefLabel.
            if row["node"] not in seen or row["property"] == "rdfs:label":
                seen[row["node"]] = row
        lowered = needle.lower()

        def rank(row: dict[str, str]) -> tuple[int, str, str]:
            label = row["label"].lower()
            return (
                0 if label == lowered else 1 if label.startswith(lowered) else 2,
                label,
                row["node"],
            )

        results = [
            {
                "iri": r["node"],
                "label": r["label"],
                "kind": _kind(r["node"]),
                "property": r["property"],
            }
            for r in sorted(seen.values(), key=rank)[:SEARCH_LIMIT]
        ]
    return TEMPLATES.TemplateResponse(
        request,
        "search.html.j2",
        {"q": needle, "results": results, "limit": SEARCH_LIMIT},
    )


# --- SPARQL editor ------------------------------------------------------------------------------

_PREFIXED_NAME = re.compile(r"(?<![\w<?$])([A-Za-z][\w-]*):(?=[\w\\])")


def editor_text(entry: CatalogueQuery) -> str:
    """The catalogue query with PREFIX lines for the prefixes it uses, after its header.

    The endpoint declares the project's prefixes itself; writing them out keeps the tab's
    text a complete query that the editor's syntax check accepts and that runs elsewhere.
    """
    lines = entry.text.splitlines()
    header = 0
    while header < len(lines) and lines[header].lstrip().startswith("#"):
        header += 1
    body = "\n".join(lines[header:])
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", body, flags=re.IGNORECASE)}
    used = []
    for match in _PREFIXED_NAME.finditer(_without_strings_and_iris(body)):
        prefix = match.group(1)
        if prefix in PREFIXES and prefix.lower() not in declared and prefix not in used:
            used.append(prefix)
    prologue = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(used)]
    return "\n".join([*lines[:header], *prologue, body]).rstrip() + "\n"


def _without_strings_and_iris(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"|<[^<>\s]*>|#[^\n]*', " ", text)


@router.get("/editor", response_class=HTMLResponse, include_in_schema=False)
async def editor(request: Request, settings: SettingsDep) -> HTMLResponse:
    """A SPARQL editor with the catalogue queries as ready tabs."""
    catalogue: dict[str, CatalogueQuery] = request.app.state.catalogue
    tabs = [
        {
            "name": entry.name,
            "title": entry.title,
            "cq": entry.cq,
            "description": entry.description,
            "query": editor_text(entry),
        }
        for entry in catalogue.values()
    ]
    return TEMPLATES.TemplateResponse(
        request, "editor.html.j2", {"tabs": tabs, "prefixes": PREFIXES}
    )
