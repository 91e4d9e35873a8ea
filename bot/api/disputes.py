"""Disputes (REV-6.5, issue 18): the sellers' API and the agents' dispute routes.

Sellers (seller token) see and answer only the disputes on their own orders; another seller's
dispute is a 404, like a missing one. Every answer is idempotent: repeating it returns the
dispute as the first one left it (``replayed: true``) and changes nothing; a different answer
to a dispute already answered is a 409. Agents open a dispute on a case and decide a
contested one. Thin routes over `bot.disputes.service.DisputeDesk`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, File, Header, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from starlette.concurrency import run_in_threadpool

from bot.api.conversations import _KEY, MAX_ATTACHMENTS, MAX_KEY_CHARS, Attachment
from bot.api.deps import AgentDep, DisputeDeskDep, SellerDep
from bot.api.media import PhotoAttachment, PhotosDep, read_upload
from bot.api.schemas import AUTH_ERRORS, NonBlank, error_responses
from bot.disputes.machine import Move
from bot.media.library import PhotoLibrary
from common.errors import InvalidInput

MAX_STATEMENT_CHARS = 4000
FEED_LIMIT = 50

seller_router = APIRouter(
    prefix="/v1/seller",
    tags=["seller"],
    responses=error_responses(*AUTH_ERRORS, 404, 409, 422, 503),
)
agent_router = APIRouter(
    prefix="/v1/agent",
    tags=["agent"],
    responses=error_responses(*AUTH_ERRORS, 404, 409, 422, 503),
)

Statement = Annotated[str, StringConstraints(max_length=MAX_STATEMENT_CHARS), NonBlank]
Amount = Annotated[float, Field(gt=0, le=1_000_000)]


# --- shapes -------------------------------------------------------------------------------------


class DisputeEventView(BaseModel):
    kind: str
    by: str = Field(description="buyer, seller, agent or system")
    actor: str | None = Field(None, description="agents' view only")
    statement: str | None
    attachments: list[dict[str, Any]]
    details: dict[str, Any]
    at: str


class DisputeView(BaseModel):
    dispute_id: str
    order_id: str
    status: Literal[
        "awaiting_seller",
        "seller_accepted",
        "seller_contested",
        "seller_offered",
        "decided_for_buyer",
        "decided_for_seller",
    ]
    opened_by: str
    reason: str
    amount: float
    currency: str
    respond_by: str = Field(description="ISO 8601 (UTC): the seller's deadline.")
    offer: dict[str, Any] | None
    opened_at: str
    updated_at: str
    decided_at: str | None
    events: list[DisputeEventView]
    replayed: bool | None = Field(None, description="answers only: a repeat changed nothing")


class AgentDisputeView(DisputeView):
    case_id: str
    buyer_id: str
    seller_id: str
    action_id: str | None
    statements: dict[str, list[dict[str, Any]]] | None = None
    created: bool | None = None


class DisputeFeed(BaseModel):
    disputes: list[DisputeView]
    cursor: str | None = Field(
        description="Pass as `since` to get only disputes changed after these (null: none)."
    )


class ContestBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    statement: Statement
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class AcceptBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    statement: Statement | None = None


class OfferBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    type: Literal["refund", "replacement"]
    amount: Amount | None = None
    statement: Statement | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)

    @model_validator(mode="after")
    def _refund_needs_amount(self) -> OfferBody:
        if self.type == "refund" and self.amount is None:
            raise InvalidInput("amount: a partial refund offer needs an amount", field="amount")
        if self.type == "replacement" and self.amount is not None:
            raise InvalidInput("amount: a replacement offer has no amount", field="amount")
        return self


class OpenDisputeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: Statement
    amount: Amount | None = Field(None, description="default: what is left to refund")


class DecideBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    outcome: Literal["buyer", "seller"]
    reason: Statement
    remedy: Literal["refund", "replacement"] | None = None
    amount: Amount | None = None
    responsible: Literal["seller", "carrier", "platform"] | None = None


def _key(value: str | None) -> str | None:
    if value is not None and not _KEY.fullmatch(value):
        raise InvalidInput(
            f"Idempotency-Key: must be 1-{MAX_KEY_CHARS} printable ASCII characters "
            "without spaces (a UUID works)",
            field="Idempotency-Key",
        )
    return value


def _since(value: str | None) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as e:
        raise InvalidInput(
            "since: must be an ISO 8601 time, e.g. 2026-12-02T10:00:00+00:00 (the feed's cursor)",
            field="since",
        ) from e
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


async def _optional_photos(request: Request) -> PhotoLibrary | None:
    return getattr(request.app.state, "photos", None)


# Links need no photo store; uploaded photos are checked against it when there is one.
OptionalPhotosDep = Annotated[PhotoLibrary | None, Depends(_optional_photos)]


# --- sellers ------------------------------------------------------------------------------------


@seller_router.get("/disputes", response_model=DisputeFeed, response_model_exclude_none=True)
async def seller_feed(
    seller: SellerDep,
    desk: DisputeDeskDep,
    since: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = FEED_LIMIT,
) -> dict:
    """The seller's disputes, the most recently changed first; with ``since`` (the previous
    answer's ``cursor``), only those changed after it: poll with the cursor to see what is
    new (a dispute opened, a reminder, a decision)."""
    after = _since(since)
    disputes = await run_in_threadpool(
        lambda: desk.for_seller(seller.subject, since=after, limit=limit)
    )
    cursor = disputes[0]["updated_at"] if disputes else since
    return {"disputes": disputes, "cursor": cursor}


@seller_router.get(
    "/disputes/{dispute_id}", response_model=DisputeView, response_model_exclude_none=True
)
async def seller_dispute(dispute_id: str, seller: SellerDep, desk: DisputeDeskDep) -> dict:
    """One of the seller's disputes with its steps (statements, evidence, reminders)."""
    return await run_in_threadpool(desk.seller_view, dispute_id, seller.subject)


@seller_router.post(
    "/disputes/{dispute_id}/accept", response_model=DisputeView, response_model_exclude_none=True
)
async def seller_accept(
    dispute_id: str,
    seller: SellerDep,
    desk: DisputeDeskDep,
    body: Annotated[AcceptBody | None, Body()] = None,
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Accept the dispute: the buyer is refunded the disputed amount at once."""
    return await run_in_threadpool(
        lambda: desk.seller_move(
            dispute_id,
            seller.subject,
            Move.ACCEPT,
            statement=body.statement if body else None,
            idempotency_key=_key(idempotency_key),
        )
    )


@seller_router.post(
    "/disputes/{dispute_id}/photos",
    status_code=201,
    response_model=PhotoAttachment,
    responses=error_responses(413),
)
async def seller_photo(
    dispute_id: str,
    seller: SellerDep,
    desk: DisputeDeskDep,
    photos: PhotosDep,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP photo.")],
) -> dict:
    """Upload a photo as evidence for one of the seller's disputes (checked and cleaned like a
    buyer's: no metadata survives). Only this seller and agents can read it; send the returned
    attachment with ``contest`` (or ``offer``)."""
    await run_in_threadpool(desk.seller_view, dispute_id, seller.subject)  # 404: not theirs
    raw = await read_upload(file, photos)
    return await run_in_threadpool(photos.upload_evidence, dispute_id, seller.subject, raw)


def _evidence(
    photos: PhotoLibrary | None, dispute_id: str, seller_id: str, attachments: list[Attachment]
) -> list[dict[str, Any]]:
    given = [a.model_dump(exclude_none=True) for a in attachments]
    if photos is None:
        return given
    return photos.resolve_evidence(dispute_id, seller_id, given)


@seller_router.post(
    "/disputes/{dispute_id}/contest", response_model=DisputeView, response_model_exclude_none=True
)
async def seller_contest(
    dispute_id: str,
    seller: SellerDep,
    desk: DisputeDeskDep,
    photos: OptionalPhotosDep,
    body: Annotated[ContestBody, Body()],
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Contest the dispute with a statement and evidence (``{"type": "image", "url"}``: a link,
    or a photo uploaded with ``POST .../photos``); an agent decides."""
    return await run_in_threadpool(
        lambda: desk.seller_move(
            dispute_id,
            seller.subject,
            Move.CONTEST,
            statement=body.statement,
            attachments=_evidence(photos, dispute_id, seller.subject, body.attachments),
            idempotency_key=_key(idempotency_key),
        )
    )


@seller_router.post(
    "/disputes/{dispute_id}/offer", response_model=DisputeView, response_model_exclude_none=True
)
async def seller_offer(
    dispute_id: str,
    seller: SellerDep,
    desk: DisputeDeskDep,
    photos: OptionalPhotosDep,
    body: Annotated[OfferBody, Body()],
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Offer a partial refund (``amount``) or a replacement instead; an agent reviews it with
    the buyer."""
    offer: dict[str, Any] = {"type": body.type}
    if body.amount is not None:
        offer["amount"] = float(Decimal(str(body.amount)).quantize(Decimal("0.01")))
    return await run_in_threadpool(
        lambda: desk.seller_move(
            dispute_id,
            seller.subject,
            Move.OFFER,
            statement=body.statement,
            attachments=_evidence(photos, dispute_id, seller.subject, body.attachments),
            offer=offer,
            idempotency_key=_key(idempotency_key),
        )
    )


# --- agents -------------------------------------------------------------------------------------


@agent_router.post(
    "/cases/{case_id}/dispute",
    response_model=AgentDisputeView,
    response_model_exclude_none=True,
    status_code=201,
)
async def open_dispute(
    case_id: str,
    agent: AgentDep,
    desk: DisputeDeskDep,
    body: Annotated[OpenDisputeBody, Body()],
) -> dict:
    """Open a dispute on the case's order for the buyer (REV-6.5): the seller is told through
    their feed and has 48 hours to answer. A case has one dispute: opening it again returns
    it (``created: false``)."""
    amount = None if body.amount is None else Decimal(str(body.amount))
    dispute, created = await run_in_threadpool(
        lambda: desk.open_for_case(
            case_id, opened_by="agent", actor=agent.subject, reason=body.reason, amount=amount
        )
    )
    return {**dispute, "created": created}


@agent_router.get(
    "/disputes/{dispute_id}", response_model=AgentDisputeView, response_model_exclude_none=True
)
async def agent_dispute(dispute_id: str, _agent: AgentDep, desk: DisputeDeskDep) -> dict:
    """The dispute with both sides' statements side by side."""
    return await run_in_threadpool(desk.agent_view, dispute_id)


@agent_router.post(
    "/disputes/{dispute_id}/decide",
    response_model=AgentDisputeView,
    response_model_exclude_none=True,
)
async def decide(
    dispute_id: str, agent: AgentDep, desk: DisputeDeskDep, body: Annotated[DecideBody, Body()]
) -> dict:
    """Decide a dispute the seller answered: for the buyer (the remedy, by default the seller's
    offer or a refund of the disputed amount, moves through the ledger; ``responsible`` names
    who pays, by default the attribution of the case's claim, else the seller) or for the
    seller (nothing moves)."""
    amount = None if body.amount is None else Decimal(str(body.amount))
    return await run_in_threadpool(
        lambda: desk.decide(
            dispute_id,
            agent.subject,
            for_buyer=body.outcome == "buyer",
            reason=body.reason,
            remedy=body.remedy,
            amount=amount,
            responsible=body.responsible,
        )
    )
