"""Run the facade with uvicorn. ``icgraph serve`` is the one entry point that calls this."""

from __future__ import annotations

import uvicorn

from icgraph import store
from icgraph.api.app import create_app
from icgraph.config import Settings


def serve(settings: Settings) -> None:
    """Serve the site on ``settings.host:settings.port`` until interrupted.

    Builds nothing: with the embedded backend and no store yet, raises FileNotFoundError
    (``icgraph serve`` builds one first).
    """
    if settings.backend == "embedded" and not store.exists(settings.store):
        raise FileNotFoundError(
            f"no store at {settings.store}; run 'icgraph build' first (or set ICGRAPH_STORE_PATH)"
        )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=5,
    )
