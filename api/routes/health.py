"""Liveness and readiness for load balancers and operators."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from icgraph.api.deps import BackendDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(backend: BackendDep) -> JSONResponse:
    """Report whether the query backend can answer (200) or not (503)."""
    report = {"backend": backend.name, **backend.health()}
    report["status"] = "ok" if report.get("ok") else "unavailable"
    return JSONResponse(report, status_code=200 if report.get("ok") else 503)
