"""The buyer's conversation API (contract section 3, "Conversations (buyer)").

Routes validate and shape; the dialogue manager does the rest. A conversation that is not the
caller's answers 404 exactly like one that does not exist.

Per-buyer limits (settings ``buyer_max_*``) are checked before anything is stored, from counts
in the database (`bot.store.limits`), and answered with 429 ``rate_limited`` and
``Retry-After``. A message retried with an Idempotency-Key already stored is a replay and is
never limited: it gets its first response again.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Body, Header, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from starlette.concurrency import run_in_threadpool

from bot.api.deps import BuyerActivityDep, BuyerDep, DialogueDep, SettingsDep
from bot.api.media import PhotosDep
from bot.api.nlu import ParsedEntity, Scored
from bot.api.schemas import AUTH_ERRORS, error_responses
from bot.dialogue.state import Expecting
from bot.language.locales import InvalidLocale, normalise_locale
from bot.media.library import MEDIA_PATH
from bot.media.links import MAX_PHOTOS_PER_MESSAGE, take_image_links
from bot.settings import Settings
from bot.store.limits import BuyerActivity
from bot.store.models import ActionType, ConversationStatus, MessageRole
from common.errors import InvalidInput, RateLimited

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])

MAX_TEXT_CHARS = 2000
MAX_ATTACHMENTS = MAX_PHOTOS_PER_MESSAGE
MAX_URL_CHARS = 2048
MAX_KEY_CHARS = 128
# Printable ASCII without spaces: what clients put in an Idempotency-Key (UUIDs, hashes...).
_KEY = re.compile(rf"^[\x21-\x7e]{{1,{MAX_KEY_CHARS}}}$")
# A buyer at the waiting-cases limit may start a conversation once an agent has taken one of
# theirs; agents answer within minutes, so that is when to try again.
WAITING_CASES_RETRY_AFTER_S = 300


class Attachment(BaseModel):
    """A photo: a link to one elsewhere (http or https), or one uploaded with POST
    /v1/conversations/{id}/photos (its ``url`` is ``/v1/media/<key>``; ``media_id`` and
    ``thumbnail_url`` as that answer gave them, checked against the stored photo)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    type: Literal["image"]
    url: Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_CHARS)]
    media_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    thumbnail_url: Annotated[str, StringConstraints(max_length=MAX_URL_CHARS)] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value.startswith(MEDIA_PATH):
            return value  # one of ours: the route checks it is the buyer's
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "must be an http or https URL, e.g. https://example.com/photo.jpg, or the url "
                "of a photo uploaded with POST /v1/conversations/{id}/photos"
            )
        return value


class MessageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)] = ""
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    # Contract extension (issue 16): the buyer's app locale, a hint to language ID and how
    # amounts and dates are written.
    locale: str | None = Field(
        default=None,
        max_length=16,
        description='The buyer\'s app locale, BCP 47 ("ms-MY", "fil-PH", "en").',
        examples=["ms-MY"],
    )

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalise_locale(value)
        except InvalidLocale as e:
            raise ValueError(str(e)) from e


# --- responses (contract section 3; the dialogue manager writes them as dicts) -------------------


def _absent_if_none(value: Any) -> bool:
    return value is None


class Started(BaseModel):
    conversation_id: str


class ExecutedAction(BaseModel):
    """A remedy the bot or an agent executed (``bot.store.cases.ActionRecord.to_dict``)."""

    action_id: str
    type: ActionType
    order_id: str
    amount: float
    currency: str
    status: str


class BotReply(BaseModel):
    role: Literal["bot"]
    text: str
    citations: list[str] = Field(description="Clause ids of the policy the reply rests on.")


class TurnNlu(BaseModel):
    """The intent the bot acted on and the entities of the buyer's message."""

    intent: Scored
    entities: list[ParsedEntity]


class Turn(BaseModel):
    """One buyer turn's answer."""

    conversation_id: str
    status: ConversationStatus
    messages: list[BotReply]
    expecting: Expecting | None = Field(description="What the bot waits for (null: nothing).")
    quick_replies: list[str]
    actions: list[ExecutedAction] = Field(description="What this turn executed.")
    # null when the message was not read (Rasa down, or a conversation with an agent).
    nlu: TurnNlu | None
    # Contract extension (issue 16): the conversation's language after this message (ISO 639-1
    # as identified, even when the bot replies in English: en, ms, id, th, vi, tl are replied
    # to in their own language).
    language: str | None = None


class TranscriptEntry(BaseModel):
    seq: int
    role: MessageRole
    text: str
    citations: list[str]
    created_at: str = Field(description="ISO 8601 (UTC).")
    # Only on the messages that have them.
    attachments: list[dict[str, Any]] | None = Field(None, exclude_if=_absent_if_none)
    quick_replies: list[str] | None = Field(None, exclude_if=_absent_if_none)


class BuyerDispute(BaseModel):
    """A dispute of one of the conversation's cases, where it stands (REV-6.5; issue 18)."""

    dispute_id: str
    order_id: str
    status: str = Field(
        description="awaiting_seller, seller_accepted, seller_contested, seller_offered, "
        "decided_for_buyer or decided_for_seller"
    )
    amount: float
    currency: str
    respond_by: str = Field(description="ISO 8601 (UTC): the seller's deadline.")
    offer: dict[str, Any] | None
    opened_at: str
    decided_at: str | None


class ConversationView(BaseModel):
    """The transcript, status, what the bot waits for, every action and case so far."""

    conversation_id: str
    status: ConversationStatus
    messages: list[TranscriptEntry]
    expecting: Expecting | None
    quick_replies: list[str]
    actions: list[ExecutedAction]
    case_ids: list[str]
    # Contract extension (issue 18): the disputes of these cases, oldest first.
    disputes: list[BuyerDispute] = Field(default_factory=list)
    # Contract extension (issue 16): the conversation's language (null before a message).
    language: str | None = None
    created_at: str = Field(description="ISO 8601 (UTC).")
    updated_at: str = Field(description="ISO 8601 (UTC).")


class LastMessage(BaseModel):
    role: MessageRole
    text: str = Field(description="The message's first 120 characters on one line, … when cut.")
    created_at: str = Field(description="ISO 8601 (UTC).")


class ConversationSummary(BaseModel):
    conversation_id: str
    status: ConversationStatus
    created_at: str = Field(description="ISO 8601 (UTC).")
    updated_at: str = Field(description="ISO 8601 (UTC): the last turn, agent reply or close.")
    last_message: LastMessage | None = Field(description="null before anything was said.")


class ConversationList(BaseModel):
    """The calling buyer's own conversations, most recently updated first (contract extension)."""

    conversations: list[ConversationSummary]


MAX_LISTED = 100


@router.get(
    "",
    response_model=ConversationList,
    responses=error_responses(*AUTH_ERRORS, 422, 503),
)
async def list_conversations(
    buyer: BuyerDep,
    dialogue: DialogueDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LISTED)] = 20,
) -> dict:
    """The calling buyer's conversations (nobody else's), most recently updated first, with
    their status and a preview of the last message: what a returning buyer resumes."""
    return {"conversations": await dialogue.of_buyer(buyer.subject, limit)}


@router.post(
    "",
    status_code=201,
    response_model=Started,
    responses=error_responses(*AUTH_ERRORS, 429, 503),
)
async def start_conversation(
    buyer: BuyerDep, dialogue: DialogueDep, activity: BuyerActivityDep, settings: SettingsDep
) -> dict:
    """Open a conversation for the calling buyer."""
    await _limit_new_conversation(activity, settings, buyer.subject)
    return {"conversation_id": await dialogue.start(buyer.subject)}


@router.post(
    "/{conversation_id}/messages",
    response_model=Turn,
    responses=error_responses(*AUTH_ERRORS, 404, 409, 413, 422, 429, 503),
)
async def post_message(
    conversation_id: str,
    buyer: BuyerDep,
    dialogue: DialogueDep,
    activity: BuyerActivityDep,
    settings: SettingsDep,
    photos: PhotosDep,
    message: Annotated[MessageRequest, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict:
    """One buyer turn: the bot's replies, what it waits for, the actions it executed. A photo
    link (.jpg, .png, .webp...) in the text is taken out of it as an attachment."""
    if not message.text.strip() and not message.attachments:
        raise InvalidInput("text: must not be empty unless an image is attached", field="text")
    if idempotency_key is not None and not _KEY.fullmatch(idempotency_key):
        raise InvalidInput(
            f"Idempotency-Key: must be 1-{MAX_KEY_CHARS} printable ASCII characters "
            "without spaces (a UUID works)",
            field="Idempotency-Key",
        )
    await _limit_messages(activity, settings, buyer.subject, conversation_id, idempotency_key)
    text, links = take_image_links(message.text, MAX_ATTACHMENTS - len(message.attachments))
    sent = [a.model_dump(exclude_none=True) for a in message.attachments]
    sent += [{"type": "image", "url": link} for link in links]
    # No thread hop for a message without attachments (most of them): nothing to look up.
    attachments = (
        await run_in_threadpool(photos.resolve, conversation_id, buyer.subject, sent)
        if sent
        else []
    )
    return await dialogue.post(
        conversation_id, buyer.subject, text, attachments, idempotency_key, message.locale
    )


@router.get(
    "/{conversation_id}",
    response_model=ConversationView,
    responses=error_responses(*AUTH_ERRORS, 404, 422, 503),
)
async def get_conversation(conversation_id: str, buyer: BuyerDep, dialogue: DialogueDep) -> dict:
    """The transcript, status, every action and case id so far."""
    return await dialogue.view(conversation_id, buyer.subject)


# --- per-buyer limits -------------------------------------------------------------------------


async def _limit_new_conversation(
    activity: BuyerActivity, settings: Settings, buyer_id: str
) -> None:
    waiting_cap = settings.buyer_max_waiting_cases
    cap = settings.buyer_max_conversations_per_hour
    waiting, window = await run_in_threadpool(
        lambda: activity.opening(buyer_id, within=timedelta(hours=1), cap=cap)
    )
    if waiting_cap and waiting >= waiting_cap:
        raise RateLimited(
            f"you already have {waiting} requests waiting for an agent (at most {waiting_cap}); "
            "a person will answer you in those conversations. Start a new conversation "
            "once one of them has been answered.",
            WAITING_CASES_RETRY_AFTER_S,
        )
    if window.full:
        raise RateLimited(
            f"too many new conversations: at most {cap} an hour. Continue one of your open "
            f"conversations, or start a new one in {window.retry_after_s} s.",
            window.retry_after_s,
        )


async def _limit_messages(
    activity: BuyerActivity,
    settings: Settings,
    buyer_id: str,
    conversation_id: str,
    idempotency_key: str | None,
) -> None:
    cap = settings.buyer_max_messages_per_minute
    if not cap:
        return
    replay_of = None if idempotency_key is None else (conversation_id, idempotency_key)
    window = await run_in_threadpool(
        lambda: activity.messages_sent(
            buyer_id, within=timedelta(minutes=1), cap=cap, replay_of=replay_of
        )
    )
    if window is None:
        return  # a retry of a stored message: answered from its stored response
    if window.full:
        raise RateLimited(
            f"too many messages: at most {cap} a minute across your conversations. "
            f"Send this one again in {window.retry_after_s} s.",
            window.retry_after_s,
        )
