"""Field types shared by the API's request models."""

from __future__ import annotations

from pydantic import AfterValidator


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text must not be empty")
    return value


# A string that holds more than whitespace; compose with StringConstraints for a length limit.
NonBlank = AfterValidator(_not_blank)
