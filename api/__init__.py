"""The HTTP facade of icgraph: the SPARQL 1.1 Protocol and, later, linked-data pages.

``create_app(settings)`` builds the FastAPI application; ``serve(settings)`` runs it with
uvicorn. Both are imported lazily so that a query worker process, which lives in this
package too, does not pay for importing FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icgraph.api.app import create_app
    from icgraph.api.server import serve

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from icgraph.api.app import create_app

        return create_app
    if name == "serve":
        from icgraph.api.server import serve

        return serve
    raise AttributeError(f"module 'api' has no attribute {name!r}")
