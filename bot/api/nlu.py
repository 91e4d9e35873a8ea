"""``POST /v1/nlu/parse``: the NLU reading of a text, for agents and tools."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, StringConstraints

from bot.api.deps import AgentDep, ServicesDep
from bot.api.schemas import AUTH_ERRORS, NonBlank, error_responses

router = APIRouter(prefix="/v1/nlu", tags=["nlu"])

MAX_TEXT_CHARS = 2000


class ParseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS), NonBlank]


class Scored(BaseModel):
    """A label and how sure the model is of it (0 to 1)."""

    name: str
    confidence: float


class ParsedEntity(BaseModel):
    entity: str
    value: str
    start: int
    end: int


class ParseResponse(BaseModel):
    """The contract's parse (``nlu.types.ParseResult.to_dict``); the optional extensions are
    absent, not null, when they do not apply."""

    intent: Scored
    intent_ranking: list[Scored]
    entities: list[ParsedEntity]
    fallback_reason: str | None = None
    read_by: str | None = None
    reconciled: str | None = None
    dialogue_act: Scored | None = None
    claim_reason: Scored | None = None


@router.post(
    "/parse",
    response_model=ParseResponse,
    response_model_exclude_none=True,
    responses=error_responses(*AUTH_ERRORS, 413, 422, 502, 503),
)
async def parse(
    _agent: AgentDep, services: ServicesDep, request: Annotated[ParseRequest, Body()]
) -> dict:
    """Intent, ranking and entities of ``text`` exactly as the contract shapes them."""
    result = await services.parser.parse(request.text)
    if result.typed is not None:
        # Misspelt words were corrected before the English model read it (nlu.spelling): the
        # caller's offsets index the text it sent.
        from nlu.spelling import shared, with_typed_offsets

        result = with_typed_offsets(result, shared())
    return result.to_dict()
