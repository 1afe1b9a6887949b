"""Typed dependencies shared by the routers: the settings and the query backend."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icgraph.api.backends.base import Backend
from icgraph.config import Settings


# Async, so FastAPI calls them inline instead of handing each to a thread pool.
async def get_settings(request: Request) -> Settings:
    """The settings the app was built with (not the process-wide ones)."""
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_backend(request: Request) -> Backend:
    """The backend that answers queries."""
    return request.app.state.backend  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
BackendDep = Annotated[Backend, Depends(get_backend)]
