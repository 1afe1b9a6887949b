"""Linked-data helpers: negotiate a document format, and read a resource through the Backend.

Every read goes through :class:`api.backends.base.Backend` with ordinary SPARQL, so the pages
work over the embedded store and over any remote endpoint alike. A resource's machine
description is its symmetric concise bounded description: the triples with the resource as
subject or object, plus the triples of the blank nodes at their other end (one level, which
is as deep as the graph's blank nodes go: validation results and amounts).

IRIs are read from the request path and checked with pyoxigraph's IRI parser before they go
into a query, so a path can never inject SPARQL.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from icgraph.api.backends.base import Backend, QueryRequest, QueryResult
from icgraph.api.errors import ProtocolError
from icgraph.api.formats import BY_NAME, FORMATS, Choice, Format, parse_accept, quality
from icgraph.api.resource_kinds import kind_of
from icgraph.namespaces import PREFIXES
from icgraph.query import QueryRequest as Query

#: File extensions a document IRI may end with, and the format each one selects.
EXTENSIONS: dict[str, str] = {
    "html": "html",
    "ttl": "turtle",
    "jsonld": "jsonld",
    "rdf": "rdfxml",
    "nt": "ntriples",
}
EXTENSION_OF: dict[str, str] = {name: ext for ext, name in EXTENSIONS.items()}
HTML_TYPES = ("text/html", "application/xhtml+xml")
RDF_FORMATS: tuple[Format, ...] = tuple(
    BY_NAME[n] for n in ("turtle", "jsonld", "rdfxml", "ntriples")
)

_JSON = BY_NAME["json"]


@dataclass(frozen=True)
class Wanted:
    """The document format a request asks for: HTML, or one RDF format."""

    html: bool
    rdf: Format | None
    #: True when the choice came from ``Accept`` (the answer then varies by it).
    negotiated: bool

    @property
    def extension(self) -> str:
        return "html" if self.html else EXTENSION_OF[self.rdf.name]  # type: ignore[union-attr]

    @property
    def media_type(self) -> str:
        return "text/html; charset=utf-8" if self.html else self.rdf.media_type  # type: ignore[union-attr]


def not_acceptable() -> ProtocolError:
    available = ", ".join(["text/html", *(f.media_type for f in RDF_FORMATS)])
    return ProtocolError(
        f"No acceptable format for this document. Ask for one of: {available} (with Accept, "
        f"or a file extension: {', '.join('.' + e for e in EXTENSIONS)}).",
        status=406,
        headers={"Vary": "Accept"},
    )


def _quality(ranges: list[tuple[str, float, int]], media_type: str) -> tuple[float, int]:
    """The q and specificity the most specific matching Accept range gives a media type."""
    q, spec, _ = quality(ranges, media_type)
    return q, spec


def wanted(accept: str | None, format_key: str | None = None) -> Wanted:
    """The format to answer in: ``format_key`` (an extension or format name) or ``Accept``.

    HTML is chosen only when the client ranks it at least as high as every RDF format and
    names it more specifically (a browser's ``text/html``); ``*/*`` or no Accept gets Turtle.

    >>> wanted("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").html
    True
    >>> wanted(None).rdf.name, wanted("*/*").rdf.name, wanted("application/ld+json").rdf.name
    ('turtle', 'turtle', 'jsonld')
    """
    if format_key:
        key = format_key.strip().lower()
        name = EXTENSIONS.get(key, key)
        if name == "html" or key in HTML_TYPES:
            return Wanted(True, None, False)
        for fmt in RDF_FORMATS:
            if name == fmt.name or key in fmt.keys or key == fmt.media_type:
                return Wanted(False, fmt, False)
        raise not_acceptable()
    if not accept or not accept.strip():
        return Wanted(False, RDF_FORMATS[0], True)
    ranges = parse_accept(accept)
    html_q, html_spec = max(_quality(ranges, t) for t in HTML_TYPES)
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for preference, fmt in enumerate(RDF_FORMATS):
        q, spec = max(_quality(ranges, t) for t in (fmt.media_type, *fmt.aliases))
        if q <= 0:
            continue
        rank = (q, spec, -preference)
        if best is None or rank > best:
            best, chosen = rank, fmt
    if html_q > 0 and (best is None or (html_q, html_spec) > best[:2]):
        return Wanted(True, None, True)
    if chosen is None:
        raise not_acceptable()
    return Wanted(False, chosen, True)


def iri_ref(iri: str) -> str | None:
    """``<iri>`` for a query, or None when the text is not a valid IRI."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError:
        return None


#: Declared in every query text, so a remote endpoint needs no predeclared prefixes.
_PROLOGUE = "".join(
    f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p in ("icg", "rdfs", "skos", "dct")
)


def _request(text: str, choice: Choice, timeout: float, max_results: int | None) -> QueryRequest:
    query = Query(_PROLOGUE + text, formats=choice, max_results=max_results)
    return QueryRequest(query, timeout=timeout)


async def construct(
    backend: Backend, text: str, fmt: Format, timeout: float, max_results: int | None
) -> QueryResult:
    """Run a CONSTRUCT and get it back serialised in ``fmt``."""
    return await backend.query(_request(text, Choice(None, None, fmt), timeout, max_results))


async def select(
    backend: Backend, text: str, timeout: float, max_results: int = 10_000
) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT; each row maps a variable to its SPARQL-JSON term (type, value, ...)."""
    result = await backend.query(_request(text, Choice(_JSON, _JSON, None), timeout, max_results))
    data = json.loads(result.body)
    return list(data["results"]["bindings"])


async def ask(backend: Backend, text: str, timeout: float) -> bool:
    result = await backend.query(_request(text, Choice(_JSON, _JSON, None), timeout, 1))
    return bool(json.loads(result.body)["boolean"])


def description_query(ref: str) -> str:
    """The symmetric concise bounded description of one resource, one blank-node level deep.

    One distinct triple per solution, so no serialisation repeats a triple (a triple reached
    by two paths, or stated in two named graphs, is still written once).
    """
    return f"""CONSTRUCT {{ ?s ?p ?o }}
WHERE {{
  {{ SELECT DISTINCT ?s ?p ?o WHERE {{
    {{ {ref} ?p ?o BIND ({ref} AS ?s) }}
    UNION {{ {ref} ?via ?s FILTER (isBlank(?s)) ?s ?p ?o }}
    UNION {{ ?s ?p {ref} BIND ({ref} AS ?o) }}
    UNION {{ ?s ?via {ref} FILTER (isBlank(?s)) ?s ?p ?o }}
  }} }}
}}"""


def exists_query(ref: str) -> str:
    return f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?q {ref} }} }}"


def graph_query(graph_iri: str) -> str:
    """Every triple of one named graph."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(graph_iri)} {{ ?s ?p ?o }} }}"


# --- the HTML view ------------------------------------------------------------------------------

_LABEL = "(COALESCE(?l1, ?l2, ?l3) AS ?{var})"
_LABEL_PATTERN = """OPTIONAL {{ {node} rdfs:label ?l1 FILTER(lang(?l1) IN ("en", "")) }}
  OPTIONAL {{ {node} skos:prefLabel ?l2 FILTER(lang(?l2) IN ("en", "")) }}
  OPTIONAL {{ {node} dct:title ?l3 FILTER(lang(?l3) IN ("en", "")) }}"""


def _labelled(node: str, var: str) -> tuple[str, str]:
    return _LABEL_PATTERN.format(node=node), _LABEL.format(var=var)


@dataclass
class Term:
    """An RDF term ready for a page: its value and a label (templates link it with ``| href``)."""

    value: str
    kind: str  # "uri", "bnode" or "literal"
    label: str = ""
    language: str = ""
    datatype: str = ""

    @property
    def text(self) -> str:
        return self.label or self.value


@dataclass
class Passage:
    """A quoted passage of the report (a practice of interest, a footnote...) naming a resource."""

    iri: Term
    quote: str
    label: str = ""
    ordinal: int | None = None
    state: Term | None = None
    section: Term | None = None
    section_number: str = ""
    subsection: Term | None = None


@dataclass
class ResourceView:
    """What the resource page shows."""

    iri: str
    label: str
    types: list[Term] = field(default_factory=list)
    facts: OrderedDict[str, tuple[Term, list[Term]]] = field(default_factory=OrderedDict)
    incoming: OrderedDict[str, tuple[Term, list[Term]]] = field(default_factory=OrderedDict)
    #: The kind of resource (``resource_kinds.KINDS``) and its summary fields, in order:
    #: ``(key, label, values)``; a required field with no value has an empty list.
    kind: str = ""
    summary: list[tuple[str, str, list[Term]]] = field(default_factory=list)
    #: ``/states/ES`` for a member state: the page with its scorecard and instruments.
    state_page: str = ""
    quote: str = ""
    sections: list[Term] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    incoming_truncated: bool = False


class Linker:
    """Turns SPARQL JSON terms into page terms with short names (``icg:Institution``).

    Where a link to a term goes is the page's business (:mod:`icgraph.api.links`).
    """

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri
        self.prefixes = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))

    def curie(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def term(self, binding: dict[str, str] | None, label: dict[str, str] | None = None) -> Term:
        assert binding is not None
        kind = binding["type"]
        if kind == "typed-literal":  # SPARQL/JSON from older servers
            kind = "literal"
        value = binding["value"]
        if kind == "uri":
            return Term(value, "uri", label["value"] if label else self.curie(value))
        if kind == "bnode":
            return Term(value, "bnode", label["value"] if label else "(unnamed node)")
        return Term(
            value,
            "literal",
            "",
            binding.get("xml:lang", ""),
            self.curie(binding.get("datatype", "")) if binding.get("datatype") else "",
        )


_OUTGOING = """SELECT ?p ?o ?pLabel {oLabel} WHERE {{
  {ref} ?p ?o .
  OPTIONAL {{ ?p rdfs:label ?pLabel FILTER(lang(?pLabel) IN ("en", "")) }}
  {pattern}
}} ORDER BY ?p ?o"""

_INCOMING = """SELECT ?s ?p ?pLabel {sLabel} WHERE {{
  ?s ?p {ref} FILTER(isIRI(?s))
  OPTIONAL {{ ?p rdfs:label ?pLabel FILTER(lang(?pLabel) IN ("en", "")) }}
  {pattern}
}} ORDER BY ?p ?s LIMIT {limit}"""

_PASSAGES = """SELECT DISTINCT ?passage ?quote ?ordinal ?state ?section ?number ?subsection
       {passageLabel} ?stateLabel ?sectionTitle ?subsectionTitle WHERE {{
  {{ ?passage icg:names {ref} }} UNION {{ {ref} icg:reportedIn ?passage }}
  ?passage icg:quote ?quote .
  {pattern}
  OPTIONAL {{ ?passage icg:ordinal ?ordinal }}
  OPTIONAL {{ ?passage icg:inState ?state . ?state rdfs:label ?stateLabel }}
  OPTIONAL {{ ?passage icg:inSection ?section
             OPTIONAL {{ ?section dct:title ?sectionTitle }}
             OPTIONAL {{ ?section icg:sectionNumber ?number }} }}
  OPTIONAL {{ ?passage icg:inSubsection ?subsection
             OPTIONAL {{ ?subsection dct:title ?subsectionTitle }} }}
}} ORDER BY ?ordinal ?passage"""

INCOMING_LIMIT = 500
_ALPHA2 = "https://w3id.org/icgraph/ontology#alpha2Code"
_QUOTE = "https://w3id.org/icgraph/ontology#quote"
_SECTIONS = (
    "https://w3id.org/icgraph/ontology#inSection",
    "https://w3id.org/icgraph/ontology#inSubsection",
)
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
)


def _first(rows: list[dict[str, Any]], key: str) -> str:
    for row in rows:
        if key in row:
            return str(row[key]["value"])
    return ""


async def view(backend: Backend, iri: str, linker: Linker, timeout: float) -> ResourceView | None:
    """Everything the resource page shows; None when the graph says nothing about ``iri``."""
    ref = iri_ref(iri)
    if ref is None:
        return None
    pattern, o_label = _labelled("?o", "oLabel")
    outgoing = await select(
        backend, _OUTGOING.format(ref=ref, oLabel=o_label, pattern=pattern), timeout
    )
    pattern, s_label = _labelled("?s", "sLabel")
    incoming = await select(
        backend,
        _INCOMING.format(ref=ref, sLabel=s_label, pattern=pattern, limit=INCOMING_LIMIT + 1),
        timeout,
    )
    if not outgoing and not incoming and not await ask(backend, exists_query(ref), timeout):
        return None
    pattern, p_label = _labelled("?passage", "passageLabel")
    passages = await select(
        backend, _PASSAGES.format(ref=ref, passageLabel=p_label, pattern=pattern), timeout
    )

    page = ResourceView(iri=iri, label="")
    labels: dict[str, str] = {}
    for row in outgoing:
        predicate = row["p"]["value"]
        if predicate in _LABELS and row["o"].get("xml:lang", "") in ("en", ""):
            labels.setdefault(predicate, row["o"]["value"])
        p_term = linker.term(row["p"], row.get("pLabel"))
        o_term = linker.term(row["o"], row.get("oLabel"))
        entry = page.facts.setdefault(predicate, (p_term, []))
        if all(o_term.value != t.value or o_term.kind != t.kind for t in entry[1]):
            entry[1].append(o_term)
        if predicate == _TYPE:
            page.types.append(o_term)
        elif predicate == _QUOTE and not page.quote:
            page.quote = o_term.value
        elif predicate in _SECTIONS:
            page.sections.append(o_term)
    page.label = next((labels[p] for p in _LABELS if p in labels), "") or linker.curie(iri)
    _summarise(page)
    page.incoming_truncated = len(incoming) > INCOMING_LIMIT
    for row in incoming[:INCOMING_LIMIT]:
        predicate = row["p"]["value"]
        entry = page.incoming.setdefault(predicate, (linker.term(row["p"], row.get("pLabel")), []))
        s_term = linker.term(row["s"], row.get("sLabel"))
        if all(s_term.value != t.value for t in entry[1]):
            entry[1].append(s_term)
    seen: set[str] = set()
    for row in passages:
        key = row["passage"]["value"]
        if key in seen:
            continue
        seen.add(key)
        page.passages.append(
            Passage(
                iri=linker.term(row["passage"], row.get("passageLabel")),
                quote=row["quote"]["value"],
                label=row.get("passageLabel", {}).get("value", ""),
                ordinal=int(row["ordinal"]["value"]) if "ordinal" in row else None,
                state=linker.term(row["state"], row.get("stateLabel")) if "state" in row else None,
                section=linker.term(row["section"], row.get("sectionTitle"))
                if "section" in row
                else None,
                section_number=row.get("number", {}).get("value", ""),
                subsection=linker.term(row["subsection"], row.get("subsectionTitle"))
                if "subsection" in row
                else None,
            )
        )
    return page


def _summarise(page: ResourceView) -> None:
    """Fill the page's kind and the summary fields that fit it."""
    kind = kind_of({t.value for t in page.types})
    if kind is None:
        return
    page.kind = kind.name
    for fld in kind.fields:
        values = [t for p in fld.predicates if p in page.facts for t in page.facts[p][1]]
        if values or fld.required:
            page.summary.append((fld.key, fld.label, values))
    if kind.name == "member state" and _ALPHA2 in page.facts:
        page.state_page = "/states/" + page.facts[_ALPHA2][1][0].value


def alternates(path: str, current: str | None = None) -> list[tuple[str, str, str]]:
    """``(href, media type, extension)`` of each representation of a document path."""
    out = [(f"{path}.html", "text/html", "html")]
    out += [
        (f"{path}.{EXTENSION_OF[f.name]}", f.media_type, EXTENSION_OF[f.name]) for f in RDF_FORMATS
    ]
    return [a for a in out if a[2] != current]


def link_header(path: str) -> str:
    """An HTTP ``Link`` header naming every representation of a document."""
    return ", ".join(
        f'<{href}>; rel="alternate"; type="{media}"' for href, media, _ in alternates(path)
    )


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "Linker",
    "ResourceView",
    "Wanted",
    "construct",
    "description_query",
    "select",
    "view",
    "wanted",
]
