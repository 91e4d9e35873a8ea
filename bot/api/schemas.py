"""Models shared by the API's routers: request field types and the error envelope."""

from __future__ import annotations

from typing import Any

from pydantic import AfterValidator, BaseModel, Field


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text must not be empty")
    return value


# A string that holds more than whitespace; compose with StringConstraints for a length limit.
NonBlank = AfterValidator(_not_blank)


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable (e.g. `validation_error`).")
    message: str = Field(description="For people: what is wrong and, where possible, the fix.")
    field: str | None = Field(
        None,
        description="The request field to fix, when one is to blame (may be absent).",
        exclude_if=lambda value: value is None,
    )


class ErrorEnvelope(BaseModel):
    """Every error the API answers (contract.md, section 3); rendered by `bot.api.errors`."""

    error: ErrorBody


_WHY = {
    401: "No valid bearer token (or, on the order webhook, no valid signature).",
    403: "A token of the wrong role.",
    404: "No such resource, or not the caller's.",
    409: "The resource's state does not allow this.",
    413: "The request body is too large.",
    422: "A request value is invalid; `field` names it.",
    429: "A per-buyer limit is reached; `Retry-After` says when to try again.",
    502: "A service the bot depends on failed.",
    503: "A service the bot depends on is unavailable or not configured.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that may answer these statuses with the envelope."""
    return {status: {"model": ErrorEnvelope, "description": _WHY[status]} for status in statuses}


# What every route behind a token may answer.
AUTH_ERRORS = (401, 403)
