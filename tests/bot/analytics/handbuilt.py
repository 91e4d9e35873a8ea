"""A small hand-built log whose metrics were computed by hand (the numbers in `EXPECTED`).

Window: 2026-11-01 to 2026-11-08 (UTC, until exclusive). Eight conversations in it, one just
before and one exactly at ``until`` (both must be ignored):

C1 B1 refund, the bot executes it (45 USD); rated 5.
C2 B2 damaged, a low-confidence reading, asks for a person; an agent refunds 30 USD 30 minutes
   later; rated 2.
C3 B3 cancel refused by the rules (declined).
C4 B1 Rasa down: a human decision nlu_unavailable; rated 3 without a case.
C5 B4 wrong item dropped (K5 declined), then a cancel the bot executes (K6, 20 USD); K6 rated 4.
C6 B2 policy question, no case; one out_of_scope and one nlu_fallback reading.
C7 B3 return, still waiting for the buyer's yes.
C8 B4 not received, high risk: an agent gives a 10 EUR voucher and refunds 60 EUR, after the
   window's end (still counted: the conversation started in it); rated 1.

Who pays (refund actions; the order's seller): A0 (C0, outside) seller S1; A1 45 USD seller S1,
attributed to the seller; A2 30 USD seller S2, attributed to nobody; A8b 60 EUR seller S2,
attributed to the seller. Disputes (`DISPUTES`, `DISPUTE_EVENTS`): DP0 on K0 (outside, ignored);
DP1 on K1 accepted by S1 2 h after opening; DP2 on K2 contested by S2 after 6 h, then an agent
decides for the seller; DP3 on K8 (opened after the window's end, still counted) never answered:
a reminder, then the timeout decides for the buyer; DP4 on K6: a seller statement after 1 h (not
an answer), an offer after 24 h; DP5 on K5 still awaiting the seller.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa

from bot.analytics.tables import SCHEMAS, Window

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime(2026, 11, 8, tzinfo=UTC)
WINDOW = Window(SINCE, UNTIL)


# The language each buyer's conversations were identified in (None: never identified).
LANGUAGE_OF_BUYER = {"B1": "ms", "B2": "th", "B4": "ms"}


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _rows() -> dict[str, list[dict[str, Any]]]:
    conversations = [
        ("C0", "B1", at(31, 23, 59, month=10)),
        ("C1", "B1", at(1, 10)),
        ("C2", "B2", at(2, 9)),
        ("C3", "B3", at(3, 12)),
        ("C4", "B1", at(3, 15)),
        ("C5", "B4", at(4, 8)),
        ("C6", "B2", at(5, 20)),
        ("C7", "B3", at(6, 11)),
        ("C8", "B4", at(7, 23, 30)),
        ("C9", "B2", at(8, 0)),
    ]
    # (conversation, role, minute offset from the conversation's start, intent, confidence,
    #  fallback reason)
    messages = [
        ("C0", "buyer", 0, "request_refund", 0.9, None),
        ("C1", "buyer", 0, "request_refund", 0.95, None),
        ("C1", "bot", 0, None, None, None),
        ("C1", "buyer", 1, "inform", 0.9, None),
        ("C1", "bot", 1, None, None, None),
        ("C1", "buyer", 2, "affirm", 0.99, None),
        ("C1", "bot", 2, None, None, None),
        ("C2", "buyer", 0, "damaged_item", 0.9, None),
        ("C2", "bot", 0, None, None, None),
        ("C2", "buyer", 2, "out_of_scope", 0.3, "low_confidence"),
        ("C2", "bot", 2, None, None, None),
        ("C2", "buyer", 5, "request_human", 0.97, None),
        ("C2", "bot", 5, None, None, None),
        ("C2", "agent", 30, None, None, None),
        ("C3", "buyer", 0, "cancel_order", 0.88, None),
        ("C3", "bot", 1, None, None, None),
        ("C3", "buyer", 3, "deny", 0.9, None),
        ("C3", "bot", 3, None, None, None),
        ("C4", "buyer", 0, None, None, None),  # Rasa was down: no reading
        ("C4", "bot", 0, None, None, None),
        ("C5", "buyer", 0, "wrong_item", 0.92, None),
        ("C5", "bot", 1, None, None, None),
        ("C5", "buyer", 4, "cancel_order", 0.9, None),
        ("C5", "bot", 4, None, None, None),
        ("C5", "buyer", 6, "affirm", 0.95, None),
        ("C5", "bot", 6, None, None, None),
        ("C6", "buyer", 0, "ask_policy", 0.8, None),
        ("C6", "bot", 0, None, None, None),
        ("C6", "buyer", 1, "out_of_scope", 0.45, None),
        ("C6", "bot", 1, None, None, None),
        ("C6", "buyer", 2, "nlu_fallback", 0.2, None),
        ("C6", "system", 2, None, None, None),
        ("C7", "buyer", 0, "return_item", 0.9, None),
        ("C7", "bot", 1, None, None, None),
        ("C8", "buyer", 0, "item_not_received", 0.93, None),
        ("C8", "bot", 1, None, None, None),
        ("C9", "buyer", 0, "greet", 0.99, None),
    ]
    # (case, conversation, buyer, intent, status, created, updated)
    cases = [
        ("K0", "C0", "B1", "request_refund", "resolved", at(31, 23, 59, month=10),
         at(1, 0, 1)),
        ("K1", "C1", "B1", "request_refund", "resolved", at(1, 10, 1), at(1, 10, 2)),
        ("K2", "C2", "B2", "damaged_item", "closed", at(2, 9, 5), at(2, 10)),
        ("K3", "C3", "B3", "cancel_order", "declined", at(3, 12, 1), at(3, 12, 3)),
        ("K4", "C4", "B1", "unknown", "waiting_for_agent", at(3, 15), at(3, 15)),
        ("K5", "C5", "B4", "wrong_item", "declined", at(4, 8, 1), at(4, 8, 4)),
        ("K6", "C5", "B4", "cancel_order", "resolved", at(4, 8, 4), at(4, 8, 6)),
        ("K7", "C7", "B3", "return_item", "bot", at(6, 11, 1), at(6, 11, 1)),
        ("K8", "C8", "B4", "item_not_received", "waiting_for_agent", at(7, 23, 31),
         at(7, 23, 31)),
    ]  # fmt: skip
    # (case, route, reasons, experiment, arm)
    decisions = [
        ("K0", "auto", ["eligible"], None, None),
        ("K1", "auto", ["eligible"], "refund_limit", "control"),
        ("K2", "human", ["human_requested"], None, None),
        # The router routes a rules refusal "human"; the bot explains it and closes the case.
        ("K3", "human", ["not_eligible"], "refund_limit", "treatment"),
        ("K4", "human", ["nlu_unavailable"], None, None),
        ("K5", "auto", ["eligible"], None, None),
        ("K6", "auto", ["eligible"], None, None),
        ("K7", "auto", ["eligible"], None, None),
        ("K8", "human", ["high_risk", "amount_over_limit"], "refund_limit", "treatment"),
    ]
    # (action, case, type, amount, currency, actor, created)
    actions = [
        ("A0", "K0", "refund", "99.00", "USD", "bot", at(1, 0, 1)),
        ("A1", "K1", "refund", "45.00", "USD", "bot", at(1, 10, 2)),
        ("A2", "K2", "refund", "30.00", "USD", "agent-7", at(2, 9, 35)),
        ("A6", "K6", "cancel", "20.00", "USD", "bot", at(4, 8, 6)),
        ("A8a", "K8", "voucher", "10.00", "EUR", "agent-2", at(8, 1, 31)),
        ("A8b", "K8", "refund", "60.00", "EUR", "agent-2", at(8, 1, 40)),
    ]
    # action -> (the order's seller, responsible party)
    parties = {
        "A0": ("S1", "seller"),
        "A1": ("S1", "seller"),
        "A2": ("S2", None),
        "A6": ("S1", "seller"),
        "A8a": ("S2", "platform"),
        "A8b": ("S2", "seller"),
    }
    # (rating, conversation, case, buyer, score)
    ratings = [
        ("R0", "C0", "K0", "B1", 5),
        ("R1", "C1", "K1", "B1", 5),
        ("R2", "C2", "K2", "B2", 2),
        ("R4", "C4", None, "B1", 3),
        ("R6", "C5", "K6", "B4", 4),
        ("R8", "C8", "K8", "B4", 1),
    ]
    buyers = [
        ("B1", "north", at(20, 0, month=10), at(1, 0, month=1, year=2024)),
        ("B2", "south", at(25, 0, month=10), at(20, 0, month=10)),
        ("B3", None, at(1, 0, month=6), None),
        ("B4", "north", at(15, 0, month=9), at(1, 0, month=12, year=2025)),
    ]

    started = {cid: created for cid, _buyer, created in conversations}
    seqs: dict[str, int] = {}
    message_rows = []
    for i, (cid, role, minute, intent, confidence, reason) in enumerate(messages):
        seqs[cid] = seqs.get(cid, 0) + 1
        created = started[cid].replace(second=0) + (timedelta(minutes=minute))
        message_rows.append(
            {
                "message_id": f"M{i}",
                "conversation_id": cid,
                "seq": seqs[cid],
                "role": role,
                "text": f"[redacted text {i}]",
                "attachments": 0,
                "intent": intent,
                "intent_confidence": confidence,
                "fallback_reason": reason,
                "expecting": None,
                "author": "agent-7" if role == "agent" else None,
                "created_at": created,
            }
        )
    return {
        "conversations": [
            {
                "conversation_id": cid,
                "buyer_id": buyer,
                "status": "bot",
                "created_at": created,
                "updated_at": created,
                "language": LANGUAGE_OF_BUYER.get(buyer),
            }
            for cid, buyer, created in conversations
        ],
        "messages": message_rows,
        "cases": [
            {
                "case_id": kid,
                "conversation_id": cid,
                "buyer_id": buyer,
                "order_id": f"O-{kid}",
                "intent": intent,
                "status": status,
                "priority": 0,
                "created_at": created,
                "updated_at": updated,
            }
            for kid, cid, buyer, intent, status, created, updated in cases
        ],
        "decisions": [
            {
                "decision_id": f"D-{kid}",
                "case_id": kid,
                "route": route,
                "reasons": reasons,
                "clauses": [],
                "model_version": None,
                "experiment": experiment,
                "arm": arm,
                "created_at": next(c[5] for c in cases if c[0] == kid),
            }
            for kid, route, reasons, experiment, arm in decisions
        ],
        "actions": [
            {
                "action_id": aid,
                "case_id": kid,
                "order_id": f"O-{kid}",
                "type": type_,
                "amount": Decimal(amount),
                "currency": currency,
                "status": "approved",
                "actor": actor,
                "created_at": created,
                "seller_id": parties[aid][0],
                "responsible_party": parties[aid][1],
            }
            for aid, kid, type_, amount, currency, actor, created in actions
        ],
        "ratings": [
            {
                "rating_id": rid,
                "conversation_id": cid,
                "case_id": kid,
                "buyer_id": buyer,
                "score": score,
                "created_at": started[cid],
            }
            for rid, cid, kid, buyer, score in ratings
        ],
        "buyers": [
            {"buyer_id": bid, "region": region, "created_at": created, "first_order_at": first}
            for bid, region, created, first in buyers
        ],
        "disputes": [
            {
                "dispute_id": did,
                "case_id": kid,
                "order_id": f"O-{kid}",
                "seller_id": seller,
                "opened_by": "buyer",
                "amount": Decimal(amount),
                "currency": currency,
                "status": status,
                "created_at": opened,
                "decided_at": decided,
            }
            for did, kid, seller, amount, currency, status, opened, decided in DISPUTES
        ],
        "dispute_events": [
            {
                "event_id": f"{did}-{i}",
                "dispute_id": did,
                "actor_role": role,
                "kind": kind,
                "created_at": created,
            }
            for did, events in DISPUTE_EVENTS.items()
            for i, (role, kind, created) in enumerate(events)
        ],
    }


# (dispute, case, seller, amount, currency, status, opened, decided)
DISPUTES = [
    ("DP0", "K0", "S1", "99.00", "USD", "seller_accepted", at(1, 1), None),
    ("DP1", "K1", "S1", "45.00", "USD", "seller_accepted", at(1, 11), None),
    ("DP2", "K2", "S2", "30.00", "USD", "decided_for_seller", at(2, 10), at(3, 9)),
    ("DP3", "K8", "S2", "60.00", "EUR", "decided_for_buyer", at(8, 2), at(10, 2)),
    ("DP4", "K6", "S1", "20.00", "USD", "seller_offered", at(4, 9), None),
    ("DP5", "K5", "S1", "15.00", "USD", "awaiting_seller", at(4, 10), None),
]
# dispute -> [(actor role, kind, at)]
DISPUTE_EVENTS = {
    "DP0": [("buyer", "opened", at(1, 1)), ("seller", "accept", at(1, 2))],
    "DP1": [("buyer", "opened", at(1, 11)), ("seller", "accept", at(1, 13))],
    "DP2": [
        ("buyer", "opened", at(2, 10)),
        ("seller", "contest", at(2, 16)),
        ("agent", "decide_for_seller", at(3, 9)),
    ],
    "DP3": [
        ("buyer", "opened", at(8, 2)),
        ("system", "reminder", at(9, 2)),
        ("system", "timeout", at(10, 2)),
    ],
    "DP4": [
        ("buyer", "opened", at(4, 9)),
        ("seller", "statement", at(4, 10)),
        ("seller", "offer", at(5, 9)),
    ],
    "DP5": [("buyer", "opened", at(4, 10))],
}


def subsecond_tables() -> dict[str, pa.Table]:
    """One case the bot resolves 650 ms after opening it (first bot action at +0.900 s, case
    opened at +0.250 s, last updated at +1.750 s): 0.65 s = 0.0108333 minutes, on every engine."""
    start = at(2, 12)
    ms = [start + timedelta(milliseconds=k) for k in (0, 250, 900, 1750)]
    rows = {
        "conversations": [{"conversation_id": "S1", "buyer_id": "B1", "status": "bot",
                           "created_at": ms[0], "updated_at": ms[3]}],
        "messages": [{"message_id": "SM1", "conversation_id": "S1", "seq": 1, "role": "buyer",
                      "intent": "cancel_order", "created_at": ms[0]}],
        "cases": [{"case_id": "SK1", "conversation_id": "S1", "buyer_id": "B1",
                   "intent": "cancel_order", "status": "resolved", "priority": 0,
                   "created_at": ms[1], "updated_at": ms[3]}],
        "decisions": [{"decision_id": "SD1", "case_id": "SK1", "route": "auto",
                       "reasons": [], "clauses": [], "created_at": ms[1]}],
        "actions": [{"action_id": "SA1", "case_id": "SK1", "order_id": "O1", "type": "cancel",
                     "amount": Decimal("5.00"), "currency": "USD", "status": "approved",
                     "actor": "bot", "created_at": ms[2]}],
        "buyers": [{"buyer_id": "B1", "region": "north", "created_at": ms[0]}],
    }  # fmt: skip
    return {
        name: pa.Table.from_pylist(rows.get(name, []), schema=SCHEMAS[name]) for name in SCHEMAS
    }


def arrow_tables() -> dict[str, pa.Table]:
    return {
        name: pa.Table.from_pylist(rows, schema=SCHEMAS[name]) for name, rows in _rows().items()
    }


# Computed by hand from the rows above (see the module docstring); never from the code.
EXPECTED: dict[str, Any] = {
    "conversations": 8,
    "volume": {
        "2026-11-01": 1, "2026-11-02": 1, "2026-11-03": 2, "2026-11-04": 1,
        "2026-11-05": 1, "2026-11-06": 1, "2026-11-07": 1,
    },
    "intents": {
        "affirm": 2, "cancel_order": 2, "out_of_scope": 2, "request_refund": 1, "inform": 1,
        "damaged_item": 1, "request_human": 1, "deny": 1, "wrong_item": 1, "ask_policy": 1,
        "nlu_fallback": 1, "return_item": 1, "item_not_received": 1,
    },
    # intent -> (cases, escalated)
    "case_intents": {
        "cancel_order": (2, 0), "damaged_item": (1, 1), "item_not_received": (1, 1),
        "request_refund": (1, 0), "return_item": (1, 0), "unknown": (1, 1), "wrong_item": (1, 0),
    },
    "automation": {"case_conversations": 7, "automated": 3, "escalated": 3},
    "escalation_reasons": {
        "amount_over_limit": 1, "high_risk": 1, "human_requested": 1, "nlu_unavailable": 1,
    },
    "fallback": {
        "processed": 16, "unreadable": 3, "nlu_unavailable": 1, "numerator": 4, "denominator": 17,
    },
    "fallback_reasons": {
        "low_confidence": 1, "out_of_scope": 1, "nlu_fallback": 1, "nlu_unavailable": 1,
    },
    # case -> (kind, turns, minutes)
    "resolutions": {
        "K1": ("bot", 3, 1.0), "K3": ("bot", 2, 2.0), "K5": ("bot", 2, 3.0),
        "K6": ("bot", 3, 2.0), "K2": ("human", 3, 30.0), "K8": ("human", 1, 120.0),
    },
    # kind -> cases, turns median/p90, minutes median/p90 (linear interpolation)
    "resolution_stats": {
        "bot": (4, 2.5, 3.0, 2.0, 2.7),
        "human": (2, 2.0, 2.8, 75.0, 111.0),
    },
    "resolution_histogram": {("bot", "1-5m"): 4, ("human", "15-60m"): 1, ("human", "1-4h"): 1},
    "refunds": {
        "auto": {"count": 1, "amount": {"USD": 45.0}},
        "human": {"count": 2, "amount": {"USD": 30.0, "EUR": 60.0}},
    },
    "money": {
        "auto": {"count": 2, "amount": {"USD": 65.0}},
        "human": {"count": 3, "amount": {"USD": 30.0, "EUR": 70.0}},
    },
    "csat": {
        "mean": 3.0, "count": 5,
        "distribution": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1},
        "by_route": {
            "auto": {"mean": 4.5, "count": 2,
                     "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}},
            "human": {"mean": 2.0, "count": 3,
                      "distribution": {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0}},
        },
    },
    # group -> (cases, auto_approved, escalated)
    # group -> (case conversations, cases, automated, auto-approved, escalated): conversations,
    # as the summary counts them (north: C1 C4 C5 C8, C5 with two cases; unknown: C3 C7).
    "fairness": {
        "region": {
            "north": (4, 5, 2, 2, 2), "south": (1, 1, 0, 0, 1), "unknown": (2, 2, 1, 0, 0),
        },
        "account_age": {
            "<30d": (1, 1, 0, 0, 1), "30-180d": (2, 2, 1, 0, 0), "180-365d": (2, 3, 1, 1, 1),
            ">365d": (2, 2, 1, 1, 1),
        },
        # Each buyer writes in one language (B3's conversations were never identified).
        "language": {
            "ms": (4, 5, 2, 2, 2), "th": (1, 1, 0, 0, 1), "unknown": (2, 2, 1, 0, 0),
        },
    },
    # slice -> (groups, auto-approval gap, escalation gap)
    "fairness_gap": {
        "region": (3, 0.5, 1.0), "account_age": (4, 0.5, 1.0), "language": (3, 0.5, 1.0),
    },
}  # fmt: skip
