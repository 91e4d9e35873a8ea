"""The agents' API: the queue, a case, suggestions, replying, actions, handing back.

Thin routes: each validates the request and calls one method of the console service
(`bot.agent.service.AgentConsole`), which reads and updates the case; every write is audited
(who, when, what, why) in the same transaction as the write itself. The responses' shapes are
the models in `bot.api.agent_models`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Header, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from bot.agent.desk import QueueSearch
from bot.agent.service import ActionRequest
from bot.api.agent_models import (
    ActResponse,
    CaseView,
    QueueResponse,
    ReleaseResponse,
    ReplyResponse,
    SuggestionsResponse,
)
from bot.api.conversations import _KEY, MAX_KEY_CHARS
from bot.api.deps import AgentConsoleDep, AgentDep
from bot.api.orders import OrderPayload
from bot.api.schemas import AUTH_ERRORS, NonBlank, error_responses
from common.errors import InvalidInput

# Every agent route can be refused (401/403), miss its case (404), meet a concurrent change
# (409), refuse its input (422) or lose the database (503); all in the one envelope.
router = APIRouter(
    prefix="/v1/agent",
    tags=["agent"],
    responses=error_responses(*AUTH_ERRORS, 404, 409, 422, 503),
)

MAX_REPLY_CHARS = 4000
MAX_REASON_CHARS = 2000
MAX_FILTER_CHARS = 64
MAX_SEARCH_CHARS = 200


class ReplyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: Annotated[str, StringConstraints(max_length=MAX_REPLY_CHARS), NonBlank]


class ReleaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    to: Literal["bot", "closed"]


class ActionBody(BaseModel):
    """An agent decision. Money actions are the bot's own types; ``deny`` and
    ``request_evidence`` move nothing and need a ``reason``. ``message``, when given, is sent
    to the buyer in the same transaction."""

    model_config = ConfigDict(extra="forbid", strict=True)

    type: Literal[
        "cancel", "refund", "return", "replacement", "voucher", "deny", "request_evidence"
    ]
    amount: Annotated[float, Field(gt=0, le=1_000_000)] | None = None
    reason: Annotated[str, StringConstraints(max_length=MAX_REASON_CHARS)] | None = None
    override: bool = False
    message: Annotated[str, StringConstraints(max_length=MAX_REPLY_CHARS)] | None = None


Filter = Annotated[str | None, Query(max_length=MAX_FILTER_CHARS)]
Search = Annotated[str | None, Query(max_length=MAX_SEARCH_CHARS)]


@router.get("/queue", response_model=QueueResponse)
async def queue(
    _agent: AgentDep,
    console: AgentConsoleDep,
    intent: Filter = None,
    region: Filter = None,
    status: Filter = None,
    buyer_id: Filter = None,
    order_id: Filter = None,
    q: Search = None,
) -> dict:
    """Cases waiting for an agent, highest priority first, with SLA timers; optional filters
    ``intent``, ``region`` and ``status`` (``new``, ``replied``, ``buyer_replied``), and search:
    ``buyer_id`` and ``order_id`` (exact, case-insensitive), ``q`` (free text: every word must
    appear in the case's id, buyer id or order id, or in a message of its conversation; each
    case then has ``match``, the message that matched)."""
    search = None
    if buyer_id or order_id or (q and q.strip()):
        search = QueueSearch(buyer_id or None, order_id or None, (q or "").strip() or None)
    cases = await run_in_threadpool(
        lambda: console.queue(
            intent=intent or None, region=region or None, status=status or None, search=search
        )
    )
    return {"cases": cases}


@router.get("/cases/{case_id}", response_model=CaseView)
async def case_view(case_id: str, _agent: AgentDep, console: AgentConsoleDep) -> dict:
    """Transcript (with the NLU reading of each buyer message), order, the buyer's history,
    eligibility, risk with its attribution, responsibility, decision trace, audit trail."""
    view, order = await run_in_threadpool(console.case_view, case_id)
    return {**view, "order": OrderPayload.from_order(order) if order else None}


@router.get("/cases/{case_id}/suggestions", response_model=SuggestionsResponse)
async def suggestions(case_id: str, _agent: AgentDep, console: AgentConsoleDep) -> dict:
    """Up to three replies for the case's current state, best first."""
    return {"suggestions": await run_in_threadpool(console.suggestions, case_id)}


@router.post("/cases/{case_id}/reply", response_model=ReplyResponse)
async def reply(
    case_id: str,
    agent: AgentDep,
    console: AgentConsoleDep,
    request: Annotated[ReplyRequest, Body()],
) -> dict:
    """Write to the buyer; they see it in the conversation."""
    return await run_in_threadpool(console.reply, case_id, agent.subject, request.text)


# Unset keys stay out: a decision that moves no money has no `policy_granted`.
@router.post(
    "/cases/{case_id}/actions", response_model=ActResponse, response_model_exclude_unset=True
)
async def act(
    case_id: str,
    agent: AgentDep,
    console: AgentConsoleDep,
    body: Annotated[ActionBody, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict:
    """Execute a decision through the eligibility rules: one they refuse needs
    ``"override": true`` and a ``reason``. Retries (same Idempotency-Key, or the same action
    type on the case without one) return the first action and move no money."""
    if idempotency_key is not None and not _KEY.fullmatch(idempotency_key):
        raise InvalidInput(
            f"Idempotency-Key: must be 1-{MAX_KEY_CHARS} printable ASCII characters "
            "without spaces (a UUID works)",
            field="Idempotency-Key",
        )
    message = body.message if body.message and body.message.strip() else None
    request = ActionRequest(
        type=body.type,
        amount=None if body.amount is None else Decimal(str(body.amount)),
        reason=body.reason,
        override=body.override,
        message=message,
    )
    # ActionRefused is an InvalidInput: 422 with its own code and field.
    return await run_in_threadpool(console.act, case_id, agent.subject, request, idempotency_key)


@router.post("/cases/{case_id}/release", response_model=ReleaseResponse)
async def release(
    case_id: str,
    agent: AgentDep,
    console: AgentConsoleDep,
    request: Annotated[ReleaseRequest, Body()],
) -> dict:
    """Hand the conversation back to the bot (``to: "bot"``) or close it (``"closed"``)."""
    return await run_in_threadpool(console.release, case_id, agent.subject, request.to)
