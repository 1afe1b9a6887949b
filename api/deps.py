"""Typed dependencies shared by the routers: the settings and the query backend."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from icgraph.config import Settings

from api.backends.base import Backend


def get_settings(request: Request) -> Settings:
    """The settings the app was built with (not the process-wide ones)."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_backend(request: Request) -> Backend:
    """The backend that answers queries."""
    return request.app.state.backend  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
BackendDep = Annotated[Backend, Depends(get_backend)]
