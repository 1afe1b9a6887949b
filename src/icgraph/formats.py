"""The one table of formats icgraph writes, built on pyoxigraph's own format objects.

pyoxigraph already knows each format's media type, file extension and W3C IRI
(``RdfFormat``, ``QueryResultsFormat``); this table adds only what it cannot know: which kind
of answer a format suits, the short names the CLI and the ``format`` parameter accept, and the
other media types that mean the same format in an ``Accept`` header. The CLI's ``--format``,
the exports, the dumps and every HTTP route (through :mod:`icgraph.api.formats`, which does the
content negotiation) read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyoxigraph as ox


class Kind(StrEnum):
    """What an answer is: SELECT solutions, an ASK boolean, a graph, or a whole dataset."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"
    DATASET = "dataset"


#: The kind of answer each query form gives.
KIND_OF_FORM = {
    "SELECT": Kind.SOLUTIONS,
    "ASK": Kind.BOOLEAN,
    "CONSTRUCT": Kind.GRAPH,
    "DESCRIBE": Kind.GRAPH,
}


@dataclass(frozen=True)
class Format:
    """One serialisation: pyoxigraph's format object and how people name it."""

    name: str
    native: ox.QueryResultsFormat | ox.RdfFormat
    kinds: frozenset[Kind]
    #: Short names for ``--format`` and the ``format`` parameter (the name comes first).
    keys: tuple[str, ...] = ()
    #: Other media types that mean this format in ``Accept`` or ``format``.
    aliases: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        """The bare media type (pyoxigraph adds ``; charset=utf-8`` to the text formats)."""
        return self.native.media_type.split(";", 1)[0].strip()

    @property
    def iri(self) -> str:
        """The format's W3C IRI (``http://www.w3.org/ns/formats/...``)."""
        return self.native.iri

    @property
    def extension(self) -> str:
        return self.native.file_extension

    def __reduce__(self) -> tuple[object, tuple[str]]:
        # pyoxigraph's format objects do not pickle; a format travels to a worker by name.
        return (_by_name, (self.name,))

    def names(self) -> tuple[str, ...]:
        """Everything that names this format: keys, media type, aliases, file extension."""
        return (*self.keys, self.media_type, *self.aliases, self.extension)


_RESULTS = frozenset({Kind.SOLUTIONS, Kind.BOOLEAN})
_GRAPH = frozenset({Kind.GRAPH, Kind.DATASET})
_DATASET = frozenset({Kind.DATASET})

#: In order of preference: the first format of a kind is its default.
FORMATS: tuple[Format, ...] = (
    Format("json", ox.QueryResultsFormat.JSON, _RESULTS, ("json", "srj"), ("application/json",)),
    Format(
        "xml",
        ox.QueryResultsFormat.XML,
        _RESULTS,
        ("xml", "srx"),
        ("application/xml", "text/xml"),
    ),
    Format("csv", ox.QueryResultsFormat.CSV, _RESULTS, ("csv",)),
    Format("tsv", ox.QueryResultsFormat.TSV, _RESULTS, ("tsv",)),
    Format(
        "turtle",
        ox.RdfFormat.TURTLE,
        _GRAPH - _DATASET,
        ("turtle", "ttl", "n3"),
        # N3 is a superset of Turtle, so a Turtle answer is a valid N3 answer.
        ("application/x-turtle", "text/n3", "text/rdf+n3"),
    ),
    Format(
        "ntriples",
        ox.RdfFormat.N_TRIPLES,
        _GRAPH - _DATASET,
        ("ntriples", "n-triples", "nt"),
        ("text/plain",),
    ),
    Format(
        "jsonld",
        ox.RdfFormat.JSON_LD,
        _GRAPH - _DATASET,
        ("jsonld", "json-ld", "json"),
        ("application/json",),
    ),
    Format(
        "rdfxml",
        ox.RdfFormat.RDF_XML,
        _GRAPH - _DATASET,
        ("rdfxml", "rdf", "xml", "rdf/xml", "rdf+xml"),
        ("application/xml", "text/xml"),
    ),
    Format("nquads", ox.RdfFormat.N_QUADS, _DATASET, ("nquads", "n-quads", "nq")),
    Format("trig", ox.RdfFormat.TRIG, _DATASET, ("trig",)),
)

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}


def _by_name(name: str) -> Format:
    return BY_NAME[name]


def formats_for(kind: Kind) -> tuple[Format, ...]:
    """The formats a kind of answer can be written in, default first.

    >>> [f.name for f in formats_for(Kind.SOLUTIONS)]
    ['json', 'xml', 'csv', 'tsv']
    """
    return tuple(f for f in FORMATS if kind in f.kinds)


def find(kind: Kind, key: str) -> Format | None:
    """The format of ``kind`` that ``key`` names (a short name, media type or extension).

    >>> find(Kind.GRAPH, "text/n3").name, find(Kind.SOLUTIONS, "json").media_type
    ('turtle', 'application/sparql-results+json')
    """
    key = key.strip().lower()
    for fmt in formats_for(kind):
        if key in fmt.names():
            return fmt
    return None


def names_for(kind: Kind) -> list[str]:
    """The short names of a kind's formats, for help texts and error messages."""
    return [f.name for f in formats_for(kind)]


@dataclass(frozen=True)
class Choice:
    """The format chosen for each kind of query answer; ``None`` where none is acceptable."""

    solutions: Format | None
    boolean: Format | None
    graph: Format | None

    def for_kind(self, kind: Kind) -> Format | None:
        return getattr(self, kind.value, None)

    @classmethod
    def defaults(cls) -> Choice:
        """Each kind's default: SPARQL JSON results and Turtle."""
        return cls(*(formats_for(k)[0] for k in (Kind.SOLUTIONS, Kind.BOOLEAN, Kind.GRAPH)))

    @classmethod
    def named(cls, key: str) -> Choice:
        """The formats one name stands for, per kind (``json`` is JSON results or JSON-LD)."""
        return cls(*(find(k, key) for k in (Kind.SOLUTIONS, Kind.BOOLEAN, Kind.GRAPH)))
