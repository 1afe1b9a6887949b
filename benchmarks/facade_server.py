"""The facade as ``icgraph.api.server.serve`` runs it, optionally without its result cache.

    python benchmarks/facade_server.py [--no-cache]

Settings come from the ICGRAPH_ environment, as for ``python -m icgraph.api.server``; --no-cache
measures every request through a query worker (the engine-bound figure).
"""

from __future__ import annotations

import sys

import uvicorn

from icgraph.api.app import create_app
from icgraph.api.backends.embedded import EmbeddedBackend
from icgraph.config import Settings


def main() -> None:
    settings = Settings()
    backend = EmbeddedBackend.from_settings(settings) if "--no-cache" in sys.argv else None
    uvicorn.run(
        create_app(settings, backend=backend),
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
