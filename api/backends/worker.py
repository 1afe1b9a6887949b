"""A query worker: a process that opens the store read-only and answers queries from a pipe.

pyoxigraph cannot cancel a running query, so each query runs in one of these processes and
the parent kills the process when the query's time is up; the operating system then takes
the CPU and memory back. The parent (:mod:`icgraph.api.backends.embedded`) speaks to it over stdin
and stdout with length-prefixed pickles; nothing else may write to the protocol channel, so
the worker moves ``sys.stdout`` onto stderr first.

Results are serialised here by pyoxigraph. The result cap is applied without re-encoding in
Python: solutions are first written as SPARQL TSV and graphs as N-Triples, where one line is
one row or triple; the writer stops the engine after ``max_results + 1`` rows, the bytes are
cut at a line end, and pyoxigraph converts them into the requested format when that is not
TSV / N-Triples (``parse_query_results(...).serialize(...)`` runs in Rust).

Run as ``python -m icgraph.api.backends.worker``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import struct
import sys
from typing import IO, Any

import pyoxigraph as ox

_HEADER = struct.Struct("!I")

_RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_POSITION = re.compile(r"^error at (\d+):(\d+): ")


class _Enough(Exception):
    """Raised from inside the serialiser to stop the engine once the cap is passed."""


class _LineCapWriter:
    """A binary sink for pyoxigraph that keeps at most ``limit`` lines and then stops it."""

    __slots__ = ("chunks", "lines", "limit")

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self.lines = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise _Enough
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


def _capped(result: Any, sink_format: Any, limit: int) -> tuple[bytes, bool]:
    writer = _LineCapWriter(limit)
    with contextlib.suppress(_Enough):
        result.serialize(writer, format=sink_format)
    return writer.value()


def execute(store: ox.Store, request: tuple[Any, ...], prefixes: dict[str, str]) -> tuple[Any, ...]:
    """Run one request; returns ``("ok", kind, format, truncated, body)`` or an error tuple."""
    query, default_graphs, named_graphs, union, formats, max_results, base_iri = request
    options: dict[str, Any] = {"prefixes": prefixes, "base_iri": base_iri}
    try:
        if default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    except ValueError as error:
        return ("error", "invalid", f"invalid graph IRI: {error}", None, None)
    if union:
        options["use_default_graph_as_union"] = True
    try:
        result = store.query(query, **options)
        solutions_format, boolean_format, graph_format = formats
        if isinstance(result, ox.QueryBoolean):
            if boolean_format is None:
                return ("error", "not_acceptable", "boolean", None, None)
            body = result.serialize(format=_RESULTS_FORMATS[boolean_format])
            return ("ok", "boolean", boolean_format, False, body)
        if isinstance(result, ox.QuerySolutions):
            if solutions_format is None:
                return ("error", "not_acceptable", "solutions", None, None)
            # One header line, then one line per solution.
            tsv, truncated = _capped(result, ox.QueryResultsFormat.TSV, max_results + 1)
            if solutions_format == "tsv":
                return ("ok", "solutions", "tsv", truncated, tsv)
            body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
                format=_RESULTS_FORMATS[solutions_format]
            )
            return ("ok", "solutions", solutions_format, truncated, body)
        if graph_format is None:
            return ("error", "not_acceptable", "graph", None, None)
        nt, truncated = _capped(result, ox.RdfFormat.N_TRIPLES, max_results)
        if graph_format == "ntriples":
            return ("ok", "graph", "ntriples", truncated, nt)
        body = ox.serialize(
            ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
            format=_RDF_FORMATS[graph_format],
            prefixes=prefixes if graph_format in ("turtle", "rdfxml") else None,
        )
        return ("ok", "graph", graph_format, truncated, body)
    except SyntaxError as error:
        message = str(error)
        match = _POSITION.match(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            return ("error", "syntax", message[match.end() :], line, column)
        return ("error", "syntax", message, None, None)
    except (OSError, ValueError, RuntimeError) as error:
        # Evaluation errors, e.g. a SERVICE call that failed.
        return ("error", "evaluation", f"{type(error).__name__}: {error}", None, None)


def _read_frame(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))


def _write_frame(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def main() -> None:
    """Serve requests from stdin until it closes."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inbox = sys.stdin.buffer
    config = _read_frame(inbox)
    if config is None:
        return
    try:
        store = ox.Store.read_only(config["store"])
    except OSError as error:
        _write_frame(channel, ("failed", f"cannot open store {config['store']}: {error}"))
        return
    prefixes: dict[str, str] = config["prefixes"]
    _write_frame(channel, ("ready", os.getpid()))
    while (request := _read_frame(inbox)) is not None:
        _write_frame(channel, execute(store, request, prefixes))


if __name__ == "__main__":
    main()
