"""The one query path: a :class:`QueryRequest` in, a serialised :class:`Answer` out.

Every caller runs SPARQL through :func:`run`: the HTTP endpoint's workers, the catalogue API,
the web pages, the CLI, the notebooks' frames and the figures. So the same request gives the
same bytes everywhere. The rules it applies, in one place:

- **Dataset.** Graphs named by the protocol (``default-graph-uri`` / ``named-graph-uri``)
  override the query's own ``FROM`` / ``FROM NAMED``. A query that names no graph sees the union
  of the named graphs (each data file is one), as Fuseki's ``unionDefaultGraph`` does.
- **Base IRI.** Relative IRIs resolve against the request's base (the graph's base IRI for
  every caller), so ``<id/state/ES>`` means the same in the CLI and over HTTP.
- **Prefixes.** The project's prefixes (:data:`icgraph.namespaces.PREFIXES`) are predeclared
  for ad-hoc queries; catalogue queries declare their own and run unchanged elsewhere.
- **Bindings** are pyoxigraph's ``substitutions`` (SEP-0007), never edits of the text; a bound
  variable of a SELECT query must be projected.
- **Result cap.** Solutions are first written as SPARQL TSV and graphs as N-Triples, where one
  line is one row or triple; the writer stops the engine after ``max_results`` rows and the
  bytes are converted to the requested format by pyoxigraph (in Rust), so nothing is re-encoded
  in Python.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from .errors import InputError, QuerySyntaxError, UnacceptableFormat
from .formats import KIND_OF_FORM, Choice, Format, Kind
from .namespaces import PREFIXES
from .query_text import QueryInfo, inspect_query
from .syntax_hints import explain

Term = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

_POSITION = re.compile(r"^error at (\d+):(\d+): ")


@dataclass(frozen=True)
class QueryRequest:
    """Everything that shapes an answer. Frozen and hashable: it is the result cache's key."""

    text: str
    #: The protocol's ``default-graph-uri`` values; None when the request names none.
    default_graphs: tuple[str, ...] | None = None
    #: The protocol's ``named-graph-uri`` values; None when the request names none.
    named_graphs: tuple[str, ...] | None = None
    #: The IRI relative IRIs resolve against.
    base_iri: str | None = None
    #: Variables bound before evaluation, as ``(name, term)`` pairs.
    bindings: tuple[tuple[str, Term], ...] = ()
    #: Most rows or triples returned; None for no cap.
    max_results: int | None = None
    #: The format for each kind of answer.
    formats: Choice = field(default_factory=Choice.defaults)
    #: Predeclare :data:`~icgraph.namespaces.PREFIXES` (ad-hoc queries may rely on them).
    predeclared_prefixes: bool = True

    @property
    def names_dataset(self) -> bool:
        """True when the protocol names graphs, which then override the query's own."""
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass(frozen=True)
class Answer:
    """A serialised answer and what it is."""

    body: bytes
    format: Format
    kind: Kind
    #: True when the answer was cut at ``max_results`` rows or triples.
    truncated: bool = False

    @property
    def media_type(self) -> str:
        return self.format.media_type


def request_for(
    text: str,
    *,
    base_iri: str | None,
    bindings: Mapping[str, Term] | None = None,
    formats: Choice | None = None,
    max_results: int | None = None,
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
) -> QueryRequest:
    """A request with bindings given as a mapping (sorted, so equal requests hash alike)."""
    return QueryRequest(
        text=text,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        base_iri=base_iri,
        bindings=tuple(sorted((bindings or {}).items())),
        max_results=max_results,
        formats=formats if formats is not None else Choice.defaults(),
    )


def syntax_error(exc: SyntaxError, source: str | Path | None = None) -> QuerySyntaxError:
    """pyoxigraph's SyntaxError as ours, with the line and column it reports."""
    message = exc.args[0] if exc.args else str(exc)
    match = _POSITION.match(message)
    if match is None:
        return QuerySyntaxError(message, source=source)
    return QuerySyntaxError(
        message[match.end() :], source=source, line=int(match[1]), column=int(match[2])
    )


def _graphs(iris: tuple[str, ...], what: str) -> list[ox.NamedNode]:
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as error:
        raise InputError(f"invalid {what} IRI: {error}") from None


def _info(request: QueryRequest) -> QueryInfo:
    """What the request's text says about itself, read as the engine will read it."""
    prefixes = PREFIXES if request.predeclared_prefixes else {}
    return inspect_query(request.text, prefixes, request.base_iri)


def execute(
    store: ox.Store,
    request: QueryRequest | str,
    *,
    source: str | Path | None = None,
    info: QueryInfo | None = None,
) -> QueryResult:
    """Evaluate a request on ``store`` and return pyoxigraph's result, not yet serialised.

    A bare string is a request with the defaults (no base IRI, no bindings, no cap). ``info``
    is the request's :func:`~icgraph.query_text.inspect_query` reading, if the caller has it.
    """
    if isinstance(request, str):
        request = QueryRequest(request)
    info = info if info is not None else _info(request)
    prefixes = PREFIXES if request.predeclared_prefixes else {}
    options: dict[str, Any] = {"base_iri": request.base_iri, "prefixes": prefixes}
    if request.default_graphs is not None:
        options["default_graph"] = _graphs(request.default_graphs, "default-graph-uri")
    if request.named_graphs is not None:
        options["named_graphs"] = _graphs(request.named_graphs, "named-graph-uri")
    if not request.names_dataset and not info.has_dataset_clause:
        # pyoxigraph's union flag would override FROM, so it is set only without one.
        options["use_default_graph_as_union"] = True
    if request.bindings:
        options["substitutions"] = {ox.Variable(name): term for name, term in request.bindings}
    try:
        return store.query(request.text, **options)
    except SyntaxError as exc:
        # Where the tokenizer can tell, name the user's own mistake (an unknown keyword, an
        # undefined prefix) rather than what the engine expected next.
        raise explain(syntax_error(exc, source), request.text, prefixes) from None
    except RuntimeError as exc:
        if "SELECT projection" in str(exc):
            names = ", ".join(f"?{name}" for name, _ in request.bindings)
            raise InputError(
                f"a bound variable ({names}) must be in the query's SELECT projection", source
            ) from None
        raise


class CapReached(Exception):
    """Raised by :class:`LineCapWriter` once more than its limit of lines has been written."""


class LineCapWriter:
    """A binary sink that keeps at most ``limit`` lines and then raises :class:`CapReached`.

    pyoxigraph's serialiser writes into it, so raising stops the engine; a remote backend
    writes a store's response into it chunk by chunk, so raising stops the download.
    """

    __slots__ = ("chunks", "lines", "limit")

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self.lines = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise CapReached
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> tuple[bytes, bool]:
        """The bytes written, cut after ``limit`` lines, and whether anything was cut."""
        data = b"".join(self.chunks)
        if self.lines <= self.limit:
            return data, False
        end = -1
        for _ in range(self.limit):
            end = data.index(b"\n", end + 1)
        return data[: end + 1], True


def _capped(
    result: Any, sink: ox.QueryResultsFormat | ox.RdfFormat, limit: int
) -> tuple[bytes, bool]:
    writer = LineCapWriter(limit)
    with contextlib.suppress(CapReached):
        result.serialize(writer, format=sink)
    return writer.value()


def from_tsv(tsv: bytes, fmt: Format, truncated: bool = False) -> Answer:
    """SELECT solutions written as SPARQL TSV, converted (by pyoxigraph) to ``fmt``."""
    native = cast(ox.QueryResultsFormat, fmt.native)
    if native == ox.QueryResultsFormat.TSV:
        return Answer(tsv, fmt, Kind.SOLUTIONS, truncated)
    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return Answer(cast(bytes, solutions.serialize(format=native)), fmt, Kind.SOLUTIONS, truncated)


def from_ntriples(nt: bytes, fmt: Format, truncated: bool = False) -> Answer:
    """A graph written as N-Triples, converted (by pyoxigraph) to ``fmt``."""
    rdf = cast(ox.RdfFormat, fmt.native)
    if rdf == ox.RdfFormat.N_TRIPLES:
        return Answer(nt, fmt, Kind.GRAPH, truncated)
    prefixes = PREFIXES if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    body = cast(bytes, ox.serialize(triples, format=rdf, prefixes=prefixes))
    return Answer(body, fmt, Kind.GRAPH, truncated)


def serialise(result: QueryResult, request: QueryRequest) -> Answer:
    """Write a result in the request's format for its kind, within the result cap."""
    if isinstance(result, ox.QueryBoolean):
        kind = Kind.BOOLEAN
    elif isinstance(result, ox.QuerySolutions):
        kind = Kind.SOLUTIONS
    else:
        kind = Kind.GRAPH
    fmt = request.formats.for_kind(kind)
    if fmt is None:
        raise UnacceptableFormat(kind)
    cap = request.max_results
    if not isinstance(result, ox.QueryTriples):
        native = cast(ox.QueryResultsFormat, fmt.native)
        if isinstance(result, ox.QueryBoolean) or cap is None:
            return Answer(cast(bytes, result.serialize(format=native)), fmt, kind)
        # One header line, then one line per solution.
        tsv, truncated = _capped(result, ox.QueryResultsFormat.TSV, cap + 1)
        return from_tsv(tsv, fmt, truncated)
    rdf = cast(ox.RdfFormat, fmt.native)
    if cap is None:
        prefixes = PREFIXES if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        return Answer(cast(bytes, ox.serialize(result, format=rdf, prefixes=prefixes)), fmt, kind)
    nt, truncated = _capped(result, ox.RdfFormat.N_TRIPLES, cap)
    return from_ntriples(nt, fmt, truncated)


def run(store: ox.Store, request: QueryRequest, *, source: str | Path | None = None) -> Answer:
    """Run one query request on ``store`` and return its serialised answer.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"),
    ...     ox.Literal("x"), ox.NamedNode("http://ex/g")))
    >>> answer = run(store, QueryRequest("SELECT ?o { ?s ?p ?o }", formats=Choice.named("csv")))
    >>> answer.body, answer.media_type
    (b'o\\r\\nx\\r\\n', 'text/csv')
    """
    info = _info(request)  # read once: the form here, the dataset clause in execute
    kind = KIND_OF_FORM.get(info.form or "")
    if kind is not None and request.formats.for_kind(kind) is None:
        raise UnacceptableFormat(kind)  # before the engine spends any time
    return serialise(execute(store, request, source=source, info=info), request)


def rows(result: QueryResult | Answer) -> list[dict[str, str]]:
    """SELECT solutions as plain dicts of strings (for tests, notebooks and pages).

    Takes an engine result, or an answer serialised as SPARQL JSON results.
    """
    if isinstance(result, Answer):
        if result.kind is not Kind.SOLUTIONS:
            raise TypeError("rows() needs a SELECT answer")
        native = cast(ox.QueryResultsFormat, result.format.native)
        result = cast(ox.QuerySolutions, ox.parse_query_results(result.body, format=native))
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


def select(
    store: ox.Store,
    text: str,
    *,
    base_iri: str | None = None,
    bindings: Mapping[str, Term] | None = None,
    source: str | Path | None = None,
) -> list[dict[str, str]]:
    """Run a SELECT query through :func:`run` and return its rows as plain dicts."""
    request = request_for(text, base_iri=base_iri, bindings=bindings)
    return rows(run(store, request, source=source))
