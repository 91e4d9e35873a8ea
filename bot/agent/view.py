"""The parts of one case's full view, shaped from what the service read: the transcript with the
NLU's reading of each buyer message, the decisions, the buyer's record, who is responsible."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.agent.facts import CaseFacts
from bot.dialogue.manager import transcript_entry
from bot.store.case_summary import AttributionRecord
from bot.store.cases import Case, DecisionRecord
from bot.store.conversations import Message
from policies.attribution import attribute
from policies.types import BuyerHistory, Order


def transcript(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """The conversation with each message's author and, for a buyer's, the NLU's top reading."""
    out = []
    for message in messages:
        entry = transcript_entry(message)
        if message.author:
            entry["author"] = message.author
        if message.language:
            entry["language"] = message.language
        if message.text_en:
            entry["text_en"] = message.text_en
        if message.nlu:
            entry["nlu"] = {
                "intent": message.nlu.get("intent"),
                "entities": message.nlu.get("entities", []),
                "intent_ranking": message.nlu.get("intent_ranking", [])[:3],
            }
        out.append(entry)
    return out


def decisions(records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
    return [
        {
            "decision_id": d.decision_id,
            "route": d.route,
            "reasons": d.reasons,
            "clauses": d.clauses,
            "trace": d.trace,
            "model_version": d.model_version,
            "created_at": d.created_at.isoformat(),
        }
        for d in records
    ]


def buyer_panel(
    case: Case, facts: CaseFacts, orders: Sequence[Order], cases: list[dict[str, Any]]
) -> dict[str, Any]:
    """The buyer's record: account age, refund counts, their latest orders and cases."""
    history = facts.history or BuyerHistory.from_orders(orders, facts.now)
    return {
        "buyer_id": case.buyer_id,
        "account_age_days": None
        if facts.account_age_days is None
        else round(facts.account_age_days, 1),
        "refunds_last_90_days": history.refunds_last_90_days,
        "orders_last_365_days": history.orders_last_365_days,
        "refunded_orders_last_365_days": history.refunded_orders_last_365_days,
        "orders": [
            {
                "order_id": o.order_id,
                "status": o.status.value,
                "total": float(o.total),
                "currency": o.currency,
                "refunded_amount": float(o.refunded_amount),
                "placed_at": o.placed_at.isoformat(),
                "items": ", ".join(i.title for i in o.items),
            }
            for o in orders[:20]
        ],
        "cases": cases,
    }


def responsibility(case: Case, facts: CaseFacts) -> dict[str, Any] | None:
    """Who bears the cost: as the dialogue recorded it, else as the rules say now."""
    if case.summary.attribution is not None:
        return case.summary.attribution.to_json()
    if facts.order is None or facts.claim is None:
        return None
    return AttributionRecord.of(attribute(facts.order, facts.claim, facts.now)).to_json()
