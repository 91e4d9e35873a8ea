"""Handing a conversation to a person: the case's priority and the summary agents read.

Priority (0-100, higher first) adds three things an agent lead would weigh: why the case came
(a payment problem or a broken bot outranks a routine review), the money at stake (up to 30
points, one per $10), and the risk score (up to 30 points). Waiting time is added when the
queue is read (`effective_priority`), so an old case climbs over fresh ones.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from bot.store.case_summary import AttributionRecord, CaseSummary, EligibilityRecord, RiskNote
from policies.router import Decision, Level, Route
from policies.types import Attribution, Eligibility, Order

_REASON_WEIGHT = {
    "payment_problem": 40,
    "nlu_unavailable": 35,
    "human_requested": 30,
    "delivered_scan_over_48h_investigate": 30,
    "retrieval_not_confident": 20,
}
DEFAULT_REASON_WEIGHT = 20
MAX_AMOUNT_POINTS = 30
MAX_RISK_POINTS = 30
# One point per this many minutes in the queue, at most MAX_WAIT_POINTS.
MINUTES_PER_WAIT_POINT = 10
MAX_WAIT_POINTS = 30


def priority(reasons: tuple[str, ...] | list[str], amount: Decimal, risk: float | None) -> int:
    base = max((_REASON_WEIGHT.get(r, DEFAULT_REASON_WEIGHT) for r in reasons), default=20)
    money = min(int(amount // 10), MAX_AMOUNT_POINTS)
    risk_points = round((risk or 0.0) * MAX_RISK_POINTS)
    return base + money + risk_points


def effective_priority(stored: int, waiting_since: datetime, now: datetime) -> int:
    waited = max((now - waiting_since).total_seconds() / 60, 0.0)
    return stored + min(int(waited // MINUTES_PER_WAIT_POINT), MAX_WAIT_POINTS)


# Hand-offs because the bot could not read the buyer: Rasa down, or the same question unanswered
# twice (`vocabulary.MAX_ASKED_AGAIN`).
NLU_REASONS = frozenset({"nlu_unavailable", "not_understood"})


def manual_decision(reason: str, clauses: tuple[str, ...], now: datetime) -> Decision:
    """A decision the bot takes without the router (e.g. Rasa is down), traced the same way."""
    trace: dict[str, object] = {
        "case_id": None,
        "level": Level.NLU.value if reason in NLU_REASONS else Level.ALWAYS_HUMAN.value,
        "inputs": {"now": now.isoformat(), "reason": reason},
        "rules_fired": [],
        "eligibility": None,
        "model_version": None,
        "score": None,
        "threshold": None,
    }
    return Decision(Route.HUMAN, (reason,), 1.0, clauses, MappingProxyType(trace))


def summary(
    *,
    intent: str,
    order: Order | None,
    decision: Decision,
    eligibility: Eligibility | None = None,
    attribution: Attribution | None = None,
    claim_type: str | None = None,
    photos: list[str] | None = None,
    skus: tuple[str, ...] | list[str] | None = None,
    units: int | None = None,
    flow_intent: str | None = None,
) -> CaseSummary:
    """What the agent sees at a glance (stored as JSON by `CaseSummary.to_json`)."""
    trace = decision.trace
    return CaseSummary(
        intent=intent,
        order_id=order.order_id if order else None,
        order_total=order.total if order else None,
        currency=order.currency if order else None,
        claim_type=claim_type,
        route=decision.route.value,
        reasons=tuple(decision.reason_codes),
        clauses=tuple(decision.clause_ids),
        eligibility=None if eligibility is None else EligibilityRecord.of(eligibility),
        risk=RiskNote(trace.get("score"), trace.get("threshold"), trace.get("model_version")),
        attribution=None if attribution is None else AttributionRecord.of(attribution),
        photos=tuple(photos or ()),
        skus=None if skus is None else tuple(skus),
        units=units,
        flow_intent=flow_intent,
    )
