"""Liveness and readiness for load balancers and operators."""

from __future__ import annotations

import contextlib
import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from icgraph.api.deps import BackendDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(request: Request, backend: BackendDep) -> JSONResponse:
    """Whether the backend can answer: 200 "ok" or "degraded" (a child being replaced), 503 not."""
    probe = getattr(backend, "probe", None)
    if probe is not None:
        # A remote store is asked now; its failure is in the report, not an error.
        with contextlib.suppress(Exception):
            await probe()
    report = {"backend": backend.name, "server_pid": os.getpid(), **backend.health()}
    pool = getattr(request.app.state, "validation_pool", None)
    if pool is not None:
        report["validation"] = pool.health()
    if not report.get("ok"):
        report["status"] = "unavailable"
    else:
        report.setdefault("status", "ok")
    return JSONResponse(report, status_code=200 if report.get("ok") else 503)
