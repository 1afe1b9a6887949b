"""The application factory: ``create_app(settings)`` wires settings, backend and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from icgraph.api.backends import Backend, make_backend
from icgraph.api.caching import ConditionalGet
from icgraph.api.errors import install_handlers
from icgraph.api.limits import BodyLimit, UrlLimit
from icgraph.api.pool import KillablePool
from icgraph.api.routes import catalogue as catalogue_routes
from icgraph.api.routes import (
    docs,
    dumps,
    figures,
    health,
    pages,
    resources,
    self_assessment,
    sparql,
    validation,
)
from icgraph.catalogue import load_catalogue
from icgraph.config import Settings, get_settings

#: CSS, scripts and the vendored YASGUI of the web pages.
STATIC_DIR = Path(__file__).resolve().parent / "static"

DESCRIPTION = (
    "A knowledge graph of the actors, instruments and governance levels of intercultural "
    "integration in Council of Europe member states, served over the SPARQL 1.1 Protocol. "
    "Read-only; queries have a time limit and a result cap."
)


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> FastAPI:
    """Build the app; the backend starts and stops with it (its lifespan).

    ``backend`` replaces the one the settings name, e.g. a fake in tests.
    """
    settings = settings if settings is not None else get_settings()
    backend = backend if backend is not None else make_backend(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Validating uploaded RDF runs in killable children too, with the same memory limit.
        app.state.validation_pool = KillablePool(
            settings.validation_workers, settings.worker_memory_mb
        )
        await backend.start()
        try:
            yield
        finally:
            await backend.close()
            app.state.validation_pool.close()

    # /docs and /redoc are served by api.routes.docs from vendored copies, not from a CDN.
    app = FastAPI(
        title="icgraph",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.backend = backend
    # Read once: the editor's tabs and the /queries routes serve the same catalogue.
    app.state.catalogue = load_catalogue(settings.queries_dir)
    install_handlers(app)

    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(sparql.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(validation.router)
    app.include_router(figures.router)
    app.include_router(self_assessment.router)

    app.include_router(resources.router)
    app.include_router(dumps.router)
    app.include_router(catalogue_routes.router_for(app.state.catalogue))
    # Matched before every other route: the uncached query's short path (see plain_routes).
    app.router.routes[:0] = sparql.plain_routes()

    # Added last = outermost: CORS headers go on every answer, the 413s and 414s included.
    # ETags and Last-Modified from the store version, 304s, Cache-Control per route.
    app.add_middleware(ConditionalGet)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(UrlLimit, limit=settings.max_url_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["X-SPARQL-MaxRows", "Warning", "ETag"],
            max_age=3600,
        )
    return app
