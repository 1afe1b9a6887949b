"""What a pool child does with a query: run the library's one query function on its store.

The child (:mod:`icgraph.api.pool`) opened the served store version read-only when it
started. It runs :func:`icgraph.query.run`, so an answer over HTTP is byte for byte the answer
of the CLI and the Python API, and it reports expected failures as values, which pickle back
to the parent more cheaply and more reliably than exceptions. An answer crosses back as its
bytes and the names of its format and kind, not as the :class:`~icgraph.query.Answer`: the
format object (pyoxigraph's format, its kinds and aliases) made most of the pickle.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from icgraph.errors import InputError, QuerySyntaxError, UnacceptableFormat
from icgraph.query import QueryRequest, run


def answer(store: ox.Store, request: QueryRequest) -> tuple[Any, ...]:
    """Run one request; ``("ok", body, format name, kind, truncated)`` or
    ``("error", code, message, line, column)``."""
    try:
        got = run(store, request)
        return ("ok", got.body, got.format.name, got.kind.value, got.truncated)
    except QuerySyntaxError as error:
        return ("error", "syntax", error.message, error.line, error.column)
    except UnacceptableFormat as error:
        return ("error", "not_acceptable", str(error.kind), None, None)
    except InputError as error:
        return ("error", "invalid", error.message, None, None)
    except (OSError, ValueError, RuntimeError) as error:
        # Evaluation errors, e.g. a SERVICE call that failed.
        return ("error", "evaluation", f"{type(error).__name__}: {error}", None, None)


def run_in_child(request: QueryRequest) -> tuple[Any, ...]:
    """The task a pool child runs: answer one request from the store its initializer opened."""
    from icgraph.api import pool

    return answer(pool.STORE, request)
