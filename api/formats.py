"""Result formats and content negotiation (``Accept`` with q-values, or a ``format`` parameter).

A query's answer is one of three kinds: solutions (SELECT), a boolean (ASK) or a graph
(CONSTRUCT, DESCRIBE, and the service description). Each kind has its own formats, so a
request is negotiated once per kind; the backend then uses the choice for the kind it got.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Kind(StrEnum):
    """What a query returns."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    """One serialisation the endpoint can produce."""

    name: str
    media_type: str
    kinds: frozenset[Kind]
    #: Other media types that mean this format in an ``Accept`` header.
    aliases: tuple[str, ...] = ()
    #: Short names for the ``format`` parameter.
    keys: tuple[str, ...] = ()
    #: The W3C format IRI, for the service description.
    iri: str = ""


_RESULTS = frozenset({Kind.SOLUTIONS, Kind.BOOLEAN})
_GRAPH = frozenset({Kind.GRAPH})
_W3 = "http://www.w3.org/ns/formats/"

#: In order of preference: the first format of a kind is its default.
FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        _RESULTS,
        ("application/json",),
        ("json", "srj"),
        _W3 + "SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        _RESULTS,
        ("application/xml", "text/xml"),
        ("xml", "srx"),
        _W3 + "SPARQL_Results_XML",
    ),
    Format("csv", "text/csv", _RESULTS, (), ("csv",), _W3 + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", _RESULTS, (), ("tsv",), _W3 + "SPARQL_Results_TSV"),
    # Turtle is N3 without N3's extensions, so it answers clients that ask for N3.
    Format(
        "turtle",
        "text/turtle",
        _GRAPH,
        ("application/x-turtle", "text/n3"),
        ("turtle", "ttl", "n3"),
        _W3 + "Turtle",
    ),
    Format(
        "ntriples",
        "application/n-triples",
        _GRAPH,
        ("text/plain",),
        ("ntriples", "n-triples", "nt"),
        _W3 + "N-Triples",
    ),
    Format(
        "jsonld",
        "application/ld+json",
        _GRAPH,
        ("application/json",),
        ("jsonld", "json-ld", "json"),
        _W3 + "JSON-LD",
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        _GRAPH,
        ("application/xml", "text/xml"),
        ("rdfxml", "rdf", "xml", "rdf/xml", "rdf+xml"),  # rdf+xml: SPARQLWrapper's name
        _W3 + "RDF_XML",
    ),
)

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}


def formats_for(kind: Kind) -> tuple[Format, ...]:
    """The formats a kind of answer can be written in, default first."""
    return tuple(f for f in FORMATS if kind in f.kinds)


@dataclass(frozen=True)
class Choice:
    """The negotiated format for each kind of answer; ``None`` where nothing is acceptable."""

    solutions: Format | None
    boolean: Format | None
    graph: Format | None

    def for_kind(self, kind: Kind) -> Format | None:
        return getattr(self, kind.value)


def parse_accept(header: str) -> list[tuple[str, float, int]]:
    """``(media range, q, position)`` for each entry of an Accept header.

    >>> parse_accept("text/html;q=0.9, */*;q=0.1")
    [('text/html', 0.9, 0), ('*/*', 0.1, 1)]
    """
    ranges = []
    for position, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def specificity(media_range: str, media_type: str) -> int:
    """How precisely a media range names a type: 3 exact, 2 ``type/*``, 1 ``*/*``, 0 no match."""
    if media_range == media_type:
        return 3
    main, _, sub = media_range.partition("/")
    if sub == "*" and main == media_type.partition("/")[0]:
        return 2
    if media_range == "*/*":
        return 1
    return 0


def quality(ranges: list[tuple[str, float, int]], media_type: str) -> tuple[float, int, int]:
    """``(q, specificity, -position)`` the most specific matching range gives a media type.

    The most specific range that matches decides the q (RFC 9110); ``(0, 0, 0)`` if none does.
    """
    matches = [(specificity(r, media_type), q, pos) for r, q, pos in ranges]
    matches = [m for m in matches if m[0] > 0]
    if not matches:
        return 0.0, 0, 0
    spec, q, pos = max(matches, key=lambda m: (m[0], -m[2]))
    return q, spec, -pos


def best_offer(accept: str, offers: list[tuple[str, ...]]) -> int | None:
    """Index of the offer an Accept header ranks highest, or None if it accepts none.

    Each offer is its media type followed by aliases that also mean it. Ties go to the more
    specific range, then the earlier one in the header, then an offer's own media type over
    an alias, then the earlier offer (the server's preference).

    >>> best_offer("application/json;q=0.5, text/csv", [("application/json",), ("text/csv",)])
    1
    >>> best_offer("image/png", [("text/csv",)]) is None
    True
    """
    ranges = parse_accept(accept)
    best: tuple[float, int, int, int, int] | None = None
    chosen: int | None = None
    for preference, offer in enumerate(offers):
        for canonical, media_type in ((1, offer[0]), *((0, a) for a in offer[1:])):
            q, spec, pos = quality(ranges, media_type)
            if q <= 0:
                continue
            rank = (q, spec, pos, canonical, -preference)
            if best is None or rank > best:
                best, chosen = rank, preference
    return chosen


def negotiate(kind: Kind, accept: str | None) -> Format | None:
    """The best format of ``kind`` for an Accept header; the default when there is none."""
    candidates = formats_for(kind)
    if not accept or not accept.strip():
        return candidates[0]
    index = best_offer(accept, [(f.media_type, *f.aliases) for f in candidates])
    return None if index is None else candidates[index]


def from_key(kind: Kind, key: str) -> Format | None:
    """The format named by a ``format`` parameter (a short name or a media type), if any."""
    key = key.strip().lower()
    for fmt in formats_for(kind):
        if key in fmt.keys or key == fmt.media_type or key in fmt.aliases:
            return fmt
    return None


@lru_cache(maxsize=512)
def choose(accept: str | None, format_key: str | None) -> Choice:
    """Negotiate every kind at once; a ``format`` parameter overrides ``Accept``."""
    if format_key:
        return Choice(*(from_key(kind, format_key) for kind in Kind))
    return Choice(*(negotiate(kind, accept) for kind in Kind))


def describe_available(kind: Kind) -> str:
    """A human list of the media types a kind can be written in."""
    return ", ".join(f.media_type for f in formats_for(kind))
