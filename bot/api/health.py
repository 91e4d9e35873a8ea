"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from bot.api.deps import ServicesDep
from bot.api.schemas import ErrorBody

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, bool] = Field(description="Each dependency by name: usable or not.")
    # Only when not ready: code ``not_ready`` and the failing parts named.
    error: ErrorBody | None = Field(None, exclude_if=lambda value: value is None)


@router.get("/health", response_model=Health)
async def health() -> Health:
    """The process is alive."""
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A dependency is not usable."}},
)
async def ready(services: ServicesDep, response: Response) -> Readiness:
    """Every dependency usable; 503 naming the failing parts otherwise."""
    names = list(services.readiness)
    results = await asyncio.gather(
        *(services.readiness[n]() for n in names), return_exceptions=True
    )
    checks = {n: (r is True) for n, r in zip(names, results, strict=True)}
    failing = [n for n, ok in checks.items() if not ok]
    if failing:
        response.status_code = 503
        message = f"not ready: {', '.join(failing)} unavailable"
        return Readiness(
            status="unavailable", checks=checks, error=ErrorBody(code="not_ready", message=message)
        )
    return Readiness(status="ready", checks=checks)
