"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.api.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/ready")
async def ready(services: ServicesDep) -> JSONResponse:
    """Every dependency usable; 503 naming the failing parts otherwise."""
    names = list(services.readiness)
    results = await asyncio.gather(
        *(services.readiness[n]() for n in names), return_exceptions=True
    )
    checks = {n: (r is True) for n, r in zip(names, results, strict=True)}
    failing = [n for n, ok in checks.items() if not ok]
    if failing:
        return JSONResponse(
            {
                "status": "unavailable",
                "checks": checks,
                "error": {
                    "code": "not_ready",
                    "message": f"not ready: {', '.join(failing)} unavailable",
                },
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", "checks": checks})
