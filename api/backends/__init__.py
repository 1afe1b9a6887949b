"""Backends that answer SPARQL queries for the HTTP facade; see :mod:`icgraph.api.backends.base`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icgraph.api.backends.base import (
    Backend,
    BackendUnavailable,
    Dataset,
    NotAcceptable,
    QueryRequest,
    QueryResult,
)

if TYPE_CHECKING:
    from icgraph.config import Settings

__all__ = [
    "Backend",
    "BackendUnavailable",
    "Dataset",
    "NotAcceptable",
    "QueryRequest",
    "QueryResult",
    "make_backend",
]


def make_backend(settings: Settings) -> Backend:
    """The backend the settings ask for, behind a result cache unless that is sized 0, and
    behind the facade's policy (:mod:`icgraph.api.backends.guard`) always."""
    from icgraph.api.backends.cache import CachedBackend
    from icgraph.api.backends.guard import GuardedBackend

    cache_bytes = settings.result_cache_bytes
    if settings.backend == "embedded":
        from icgraph.api.backends.embedded import EmbeddedBackend

        backend: Backend = EmbeddedBackend.from_settings(settings)
    elif settings.backend == "sparql":
        from icgraph.api.backends.sparql import SparqlBackend

        backend = SparqlBackend.from_settings(settings)
    else:
        raise ValueError(f"ICGRAPH_BACKEND={settings.backend!r}: use 'embedded' or 'sparql'")
    cached: Backend = CachedBackend(backend, cache_bytes) if cache_bytes else backend
    return GuardedBackend(cached, settings.service_allowlist)
