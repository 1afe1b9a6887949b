"""Run the facade with uvicorn: ``serve(settings)``, or ``python -m icgraph.api.server``."""

from __future__ import annotations

import uvicorn

from icgraph.api.app import create_app
from icgraph import store
from icgraph.config import Settings


def serve(settings: Settings) -> None:
    """Serve the SPARQL endpoint on ``settings.host:settings.port`` until interrupted.

    Builds nothing: with the embedded backend and no store yet, raises FileNotFoundError.
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


def main() -> None:
    """Entry point for ``python -m icgraph.api.server``: settings from the ICGRAPH_ environment."""
    serve(Settings())


if __name__ == "__main__":
    main()
