"""Running SPARQL queries on the embedded store and serialising the answers.

Answers are serialised by pyoxigraph itself. A query that names no graph sees the union of
the named graphs (each data file is one), as Fuseki's ``unionDefaultGraph`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

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


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def bind_values(query: str, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables by a ``VALUES`` block opening the query's outer ``WHERE`` group.

    Unlike pyoxigraph's substitutions, this also binds variables that are not projected, so
    a parameter can narrow an aggregate query. Terms are written in their N-Triples form.

    >>> bind_values("SELECT ?n WHERE { ?s ?p ?n }", {"s": ox.NamedNode("http://ex/a")})
    'SELECT ?n WHERE { VALUES (?s) { (<http://ex/a>) } ?s ?p ?n }'
    """
    if not values:
        return query
    for name in values:
        if not _VARIABLE.match(name):
            raise InputError(f"{name!r} is not a variable name")
    match = _WHERE.search(query)
    if match is None:
        raise InputError("the query has no WHERE clause to bind parameters in")
    names = " ".join(f"?{name}" for name in values)
    terms = " ".join(str(term) for term in values.values())
    block = f" VALUES ({names}) {{ ({terms}) }}"
    return query[: match.end()] + block + query[match.end() :]


def execute(
    store: ox.Store,
    query: str,
    *,
    source: str | Path | None = None,
    values: dict[str, ox.NamedNode | ox.Literal] | None = None,
) -> QueryResult:
    """Run ``query`` with the project's prefixes predeclared and the union default graph."""
    text = bind_values(query, values or {})
    try:
        return store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise syntax_error(exc, source) from None


def serialise(result: QueryResult, fmt: str) -> Answer:
    """Serialise a result in the named format; the format must suit the query form."""
    if isinstance(result, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"format {fmt!r} does not suit a graph result; use one of {', '.join(GRAPH_FORMATS)}"
            )
        rdf = GRAPH_FORMATS[fmt]
        # Without an output, serialize returns the bytes (its stub says bytes | None).
        return Answer("graph", cast(bytes, result.serialize(format=rdf)), rdf.media_type)
    if fmt not in SOLUTION_FORMATS:
        raise InputError(
            f"format {fmt!r} does not suit a SELECT or ASK result; use one of {', '.join(SOLUTION_FORMATS)}"
        )
    res = SOLUTION_FORMATS[fmt]
    kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
    return Answer(kind, cast(bytes, result.serialize(format=res)), res.media_type)


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
