"""Liveness and readiness for load balancers and operators."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from icgraph.api.deps import BackendDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(backend: BackendDep) -> JSONResponse:
    """Report whether the query backend can answer (200) or not (503)."""
    probe = getattr(backend, "probe", None)
    if probe is not None:
        # A remote store is asked now; its failure is in the report, not an error.
        with contextlib.suppress(Exception):
            await probe()
    report = {"backend": backend.name, **backend.health()}
    report["status"] = "ok" if report.get("ok") else "unavailable"
    return JSONResponse(report, status_code=200 if report.get("ok") else 503)
