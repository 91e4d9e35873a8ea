"""The buyer's conversation API (contract section 3, "Conversations (buyer)").

Routes validate and shape; the dialogue manager does the rest. A conversation that is not the
caller's answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Body, Header
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from bot.api.deps import BuyerDep, DialogueDep
from bot.api.errors import ApiError

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])

MAX_TEXT_CHARS = 2000
MAX_ATTACHMENTS = 5
MAX_URL_CHARS = 2048
MAX_KEY_CHARS = 128
# Printable ASCII without spaces: what clients put in an Idempotency-Key (UUIDs, hashes...).
_KEY = re.compile(rf"^[\x21-\x7e]{{1,{MAX_KEY_CHARS}}}$")


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    type: Literal["image"]
    url: Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_CHARS)]

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http or https URL, e.g. https://example.com/photo.jpg")
        return value


class MessageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)] = ""
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


@router.post("", status_code=201)
async def start_conversation(buyer: BuyerDep, dialogue: DialogueDep) -> dict:
    """Open a conversation for the calling buyer."""
    return {"conversation_id": await dialogue.start(buyer.subject)}


@router.post("/{conversation_id}/messages")
async def post_message(
    conversation_id: str,
    buyer: BuyerDep,
    dialogue: DialogueDep,
    message: Annotated[MessageRequest, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict:
    """One buyer turn: the bot's replies, what it waits for, the actions it executed."""
    if not message.text.strip() and not message.attachments:
        raise ApiError(
            422, "validation_error", "text: must not be empty unless an image is attached", "text"
        )
    if idempotency_key is not None and not _KEY.fullmatch(idempotency_key):
        raise ApiError(
            422,
            "validation_error",
            f"Idempotency-Key: must be 1-{MAX_KEY_CHARS} printable ASCII characters "
            "without spaces (a UUID works)",
            "Idempotency-Key",
        )
    return await dialogue.post(
        conversation_id,
        buyer.subject,
        message.text,
        [attachment.model_dump() for attachment in message.attachments],
        idempotency_key,
    )


@router.get("/{conversation_id}")
async def get_conversation(conversation_id: str, buyer: BuyerDep, dialogue: DialogueDep) -> dict:
    """The transcript, status, every action and case id so far."""
    return await dialogue.view(conversation_id, buyer.subject)
