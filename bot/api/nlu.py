"""``POST /v1/nlu/parse``: the NLU reading of a text, for agents and tools."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, StringConstraints

from bot.api.deps import AgentDep, ServicesDep
from bot.api.schemas import NonBlank

router = APIRouter(prefix="/v1/nlu", tags=["nlu"])

MAX_TEXT_CHARS = 2000


class ParseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS), NonBlank]


@router.post("/parse")
async def parse(
    _agent: AgentDep, services: ServicesDep, request: Annotated[ParseRequest, Body()]
) -> dict:
    """Intent, ranking and entities of ``text`` exactly as the contract shapes them."""
    result = await services.parser.parse(request.text)
    return result.to_dict()
