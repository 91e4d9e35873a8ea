"""The agents' API responses as pydantic models, so ``/openapi.json`` describes them.

The JSON is what the console service (`bot.agent.service`) returns; these models only name and
type it (contract.md, "Agents"). Keys the service leaves out when they do not apply (a
message's attachments, a suggestion's action) are left out here too (``exclude_if``). Free-form
documents (the stored summary, the router's trace, audit details) stay objects.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.api.orders import OrderPayload


def _absent(value: object) -> bool:
    return value is None


def _optional(**kwargs: Any) -> Any:
    """A field written only when it has a value."""
    return Field(None, exclude_if=_absent, **kwargs)


class QueueCase(BaseModel):
    case_id: str
    conversation_id: str | None
    buyer_id: str
    order_id: str | None
    intent: str
    priority: int = Field(description="stored priority plus points for time waited")
    waiting_since: str
    reasons: list[str]
    clauses: list[str]
    amount: str | None = Field(description="what the rules grant, a decimal string")
    currency: str | None
    region: str | None
    # Contract extension (issue 16): the buyer's language (ISO 639-1), null before identified.
    language: str | None = None
    status: str = Field(description="new, replied or buyer_replied")
    case_status: str = Field(
        "waiting_for_agent",
        description="waiting_for_agent, or in_dispute while the seller has time to answer",
    )
    sla_minutes: int
    sla_due_at: str
    sla_breached: bool
    waiting_seconds: int
    match: str | None = Field(
        default=None, description="with a search (q): the message text that matched"
    )


class QueueResponse(BaseModel):
    cases: list[QueueCase]


class EligibilityOut(BaseModel):
    """What the eligibility rules say (money as a decimal string)."""

    eligible: bool
    remedy: str
    amount: str
    currency: str
    needs_human: bool
    reasons: list[str]
    clauses: list[str]
    explanation: str


class RiskOut(BaseModel):
    score: float | None
    threshold: float | None
    model_version: str | None
    source: Literal["decision", "computed"] | None = Field(
        default=None,
        description='"decision": the score the router recorded for the case\'s decision; '
        '"computed": the case was never scored, so it is scored now with the router\'s features',
    )
    model_score: float | None = Field(
        default=None,
        description="the model's own score when the router decided on a lower one: a claim of "
        "bounded exposure scored as from an established account (policies/router/account_age.py); "
        "the explanation explains this one",
    )


class AttributionOut(BaseModel):
    party: str | None
    clauses: list[str]
    evidence: list[str]


class ActionOut(BaseModel):
    """The contract's action (money as a JSON number)."""

    action_id: str
    type: str
    order_id: str
    amount: float
    currency: str
    status: str


class MessageOut(BaseModel):
    seq: int
    role: str
    text: str
    citations: list[str]
    created_at: str
    attachments: list[dict[str, Any]] | None = _optional()
    quick_replies: list[str] | None = _optional()
    author: str | None = _optional()
    nlu: dict[str, Any] | None = _optional(description="the NLU's reading of a buyer message")
    language: str | None = _optional(description="the message's language (issue 16)")
    text_en: str | None = _optional(
        description="a bot message written in another language: its English (issue 16)"
    )


class DecisionOut(BaseModel):
    decision_id: str
    route: str
    reasons: list[str]
    clauses: list[str]
    trace: dict[str, Any]
    model_version: str | None
    created_at: str


class BuyerOrderOut(BaseModel):
    order_id: str
    status: str
    total: float
    currency: str
    refunded_amount: float
    placed_at: str
    items: str


class BuyerCaseOut(BaseModel):
    case_id: str
    intent: str
    status: str
    order_id: str | None
    created_at: str


class BuyerOut(BaseModel):
    buyer_id: str
    account_age_days: float | None
    refunds_last_90_days: int
    orders_last_365_days: int
    refunded_orders_last_365_days: int
    orders: list[BuyerOrderOut]
    cases: list[BuyerCaseOut]


class AuditOut(BaseModel):
    audit_id: str
    case_id: str
    agent_id: str
    kind: str
    action_id: str | None
    amount: float | None
    override: bool
    reason: str | None
    details: dict[str, Any]
    created_at: str


class AllowedActions(BaseModel):
    policy_action: str | None
    policy_amount: float | None


class CaseView(BaseModel):
    """Transcript, order, the buyer's record, eligibility (as recorded and now), risk with its
    attribution, responsibility, decision trace, audit trail."""

    case_id: str
    conversation_id: str | None
    buyer_id: str
    order_id: str | None
    intent: str
    status: str
    priority: int
    waiting_since: str
    summary: dict[str, Any] = Field(description="the stored case summary (bot.store.case_summary)")
    eligibility: EligibilityOut | None
    risk: RiskOut
    attribution: AttributionOut | None
    decision_trace: dict[str, Any] | None
    decisions: list[DecisionOut]
    actions: list[ActionOut]
    transcript: list[MessageOut]
    region: str | None
    # Contract extension (issue 16): the language of the buyer's last identified message.
    language: str | None = None
    buyer: BuyerOut
    eligibility_now: EligibilityOut | None
    claim_type: str | None
    responsibility: AttributionOut | None
    risk_attribution: dict[str, Any] | None = Field(description="bot.agent.explain.attribute_risk")
    audit: list[AuditOut]
    allowed_actions: AllowedActions
    # Issue 18: the case's dispute (REV-6.5) with both sides' statements; null without one.
    dispute: dict[str, Any] | None = None
    order: OrderPayload | None


class SuggestionOut(BaseModel):
    text: str
    citations: list[str]
    confidence: float
    decision: str
    source: str
    precedents: list[str]
    needs_override: bool
    action: dict[str, Any] | None = _optional(description='{"type", "amount"?} to execute it')


class SuggestionsResponse(BaseModel):
    suggestions: list[SuggestionOut]


class ReplyResponse(BaseModel):
    case_id: str
    message: MessageOut


class ActResponse(BaseModel):
    case_id: str
    decision: str
    action: ActionOut | None
    override: bool | None
    policy_granted: bool | None = Field(None, description="absent for deny / request_evidence")
    replayed: bool
    audit_id: str | None


class ReleaseResponse(BaseModel):
    case_id: str
    conversation_id: str
    status: str
