"""A query worker: a process that opens the store read-only and answers queries from a pipe.

pyoxigraph cannot cancel a running query, so each query runs in one of these processes and
the parent kills the process when the query's time is up; the operating system then takes
the CPU and memory back. The parent (:mod:`icgraph.api.backends.embedded`) speaks to it over
stdin and stdout with length-prefixed pickles; nothing else may write to the protocol channel,
so the worker moves ``sys.stdout`` onto stderr first.

The worker runs the library's one query function, :func:`icgraph.query.run`, so an answer
over HTTP is byte for byte the answer of the CLI and the Python API.

Run as ``python -m icgraph.api.backends.worker``.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from typing import IO, Any

import pyoxigraph as ox

from icgraph.errors import InputError, QuerySyntaxError, UnacceptableFormat
from icgraph.query import QueryRequest, run

_HEADER = struct.Struct("!I")


def answer(store: ox.Store, request: QueryRequest) -> tuple[Any, ...]:
    """Run one request; ``("ok", Answer)`` or ``("error", code, message, line, column)``."""
    try:
        return ("ok", run(store, request))
    except QuerySyntaxError as error:
        return ("error", "syntax", error.message, error.line, error.column)
    except UnacceptableFormat as error:
        return ("error", "not_acceptable", str(error.kind), None, None)
    except InputError as error:
        return ("error", "invalid", error.message, None, None)
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
    _write_frame(channel, ("ready", os.getpid()))
    while (request := _read_frame(inbox)) is not None:
        _write_frame(channel, answer(store, request))


if __name__ == "__main__":
    main()
