"""Running SPARQL queries on the embedded store and serialising the answers.

Answers are serialised by pyoxigraph itself. A query that names no graph sees the union of
the named graphs (each data file is one), as Fuseki's ``unionDefaultGraph`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, QuerySyntaxError
from .namespaces import PREFIXES

#: Result formats by short name, for SELECT/ASK and for CONSTRUCT/DESCRIBE.
SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

_POSITION = re.compile(r"error at (\d+):(\d+)")

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class Answer:
    """A serialised answer and what kind of query produced it."""

    kind: str  # "solutions", "boolean" or "graph"
    body: bytes
    media_type: str


def syntax_error(exc: SyntaxError, source: str | Path | None = None) -> QuerySyntaxError:
    """Turn pyoxigraph's SyntaxError into ours, with the line and column it reports."""
    message = exc.args[0] if exc.args else str(exc)
    match = _POSITION.search(message)
    line, column = (int(match[1]), int(match[2])) if match else (None, None)
    return QuerySyntaxError(message, source=source, line=line, column=column)


def execute(
    store: ox.Store,
    query: str,
    *,
    source: str | Path | None = None,
    substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
) -> QueryResult:
    """Run ``query`` with the project's prefixes predeclared and the union default graph."""
    subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
    try:
        return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs or None)
    except SyntaxError as exc:
        raise syntax_error(exc, source) from None


def serialise(result: QueryResult, fmt: str) -> Answer:
    """Serialise a result in the named format; the format must suit the query form."""
    if isinstance(result, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise InputError(f"format {fmt!r} does not suit a graph result; use one of {', '.join(GRAPH_FORMATS)}")
        rdf = GRAPH_FORMATS[fmt]
        return Answer("graph", result.serialize(format=rdf), rdf.media_type)
    if fmt not in SOLUTION_FORMATS:
        raise InputError(f"format {fmt!r} does not suit a SELECT or ASK result; use one of {', '.join(SOLUTION_FORMATS)}")
    res = SOLUTION_FORMATS[fmt]
    kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
    return Answer(kind, result.serialize(format=res), res.media_type)


def rows(result: QueryResult) -> list[dict[str, str]]:
    """SELECT solutions as plain dicts of strings (for tests, notebooks and pages)."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("rows() needs a SELECT result")
    names = [v.value for v in result.variables]
    out: list[dict[str, str]] = []
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        out.append(row)
    return out
