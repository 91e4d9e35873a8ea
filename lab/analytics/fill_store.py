"""Fill a store (SQLite or PostgreSQL) with synthetic conversation logs, for trying and timing the
live analytics (the API, the dashboard and its cache) without running a simulation.

The logs are `lab.analytics.synthetic`'s, generated as a snapshot and written back as the store's
rows, the inverse of `bot.analytics.export`: the NLU reading as the message's ``nlu`` document,
the risk figures as the decision's ``trace``, one delivered order per case (the buyer's oldest
order dated at the buyer's ``first_order_at``). A simulation (`make simulate`) writes the same
tables through the real dialogue; this is the quick way to a few hundred or thousand
conversations.

    python -m lab.analytics.fill_store --url sqlite:///var/analytics-demo.db --conversations 300
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import insert

from bot.store.db import Database, utcnow
from bot.store.migrate import upgrade
from bot.store.models import (
    ActionRow,
    BuyerRow,
    CaseRow,
    ConversationRow,
    DecisionRow,
    MessageRow,
    OrderRow,
    RatingRow,
    SellerRow,
)
from lab.analytics.synthetic import generate_snapshot

SELLER = "S-SYNTHETIC"


def fill_store(
    url: str, conversations: int, *, days: int = 7, until: datetime | None = None, seed: int = 7
) -> dict[str, int]:
    """Migrate the store at ``url`` and add ``conversations`` synthetic conversations created
    over the ``days`` before ``until`` (default: now). Returns the rows written per table."""
    end = until or utcnow()
    with tempfile.TemporaryDirectory(prefix="aftersales-fill-") as scratch:
        generate_snapshot(
            conversations, scratch, seed=seed, start=end - timedelta(days=days), days=days
        )
        tables = {
            path.stem: pq.read_table(path).to_pylist() for path in Path(scratch).glob("*.parquet")
        }
    upgrade(url)
    database = Database(url)
    try:
        rows = _rows(tables, end)
        with database.engine.begin() as connection:
            for model, values in rows:
                if values:
                    connection.execute(insert(model), values)
        return {model.__tablename__: len(values) for model, values in rows}
    finally:
        database.dispose()


def _rows(tables: dict[str, list[dict[str, Any]]], now: datetime) -> list[tuple[Any, list]]:
    buyers = {b["buyer_id"]: b for b in tables["buyers"]}
    cases = tables["cases"]
    return [
        (
            BuyerRow,
            [
                {"id": b["buyer_id"], "region": b["region"], "created_at": b["created_at"]}
                for b in buyers.values()
            ],
        ),
        (SellerRow, [{"id": SELLER, "created_at": now}]),
        (OrderRow, list(_orders(cases, buyers, now))),
        (
            ConversationRow,
            [
                {
                    "id": c["conversation_id"],
                    "buyer_id": c["buyer_id"],
                    "status": c["status"],
                    "state": {},
                    "created_at": c["created_at"],
                    "updated_at": c["updated_at"],
                }
                for c in tables["conversations"]
            ],
        ),
        (MessageRow, [_message(m) for m in tables["messages"]]),
        (
            CaseRow,
            [
                {
                    "id": k["case_id"],
                    "conversation_id": k["conversation_id"],
                    "buyer_id": k["buyer_id"],
                    "order_id": k["order_id"],
                    "intent": k["intent"],
                    "status": k["status"],
                    "priority": k["priority"],
                    "created_at": k["created_at"],
                    "updated_at": k["updated_at"],
                }
                for k in cases
            ],
        ),
        (DecisionRow, [_decision(d) for d in tables["decisions"]]),
        (
            ActionRow,
            [
                {
                    "id": a["action_id"],
                    "case_id": a["case_id"],
                    "order_id": a["order_id"],
                    "type": a["type"],
                    "amount": a["amount"],
                    "currency": a["currency"],
                    "status": a["status"],
                    "idempotency_key": f"synthetic-{a['action_id']}",
                    "actor": a["actor"],
                    "items": [],
                    "created_at": a["created_at"],
                }
                for a in tables["actions"]
            ],
        ),
        (
            RatingRow,
            [
                {
                    "id": r["rating_id"],
                    "conversation_id": r["conversation_id"],
                    "case_id": r["case_id"],
                    "buyer_id": r["buyer_id"],
                    "score": r["score"],
                    "created_at": r["created_at"],
                }
                for r in tables["ratings"]
            ],
        ),
    ]


def _orders(
    cases: list[dict[str, Any]], buyers: dict[str, dict[str, Any]], now: datetime
) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for case in cases:
        order_id = case["order_id"]
        if order_id is None or order_id in seen:
            continue
        seen.add(order_id)
        buyer = buyers.get(case["buyer_id"]) or {}
        placed = buyer.get("first_order_at") or case["created_at"] - timedelta(days=10)
        yield {
            "id": order_id,
            "buyer_id": case["buyer_id"],
            "seller_id": SELLER,
            "status": "delivered",
            "currency": "USD",
            "placed_at": placed,
            "delivered_at": placed + timedelta(days=5),
            "payment_method": "card",
            "refunded_amount": Decimal("0.00"),
            "payload_hash": "synthetic",
            "created_at": now,
            "updated_at": now,
        }


def _message(m: dict[str, Any]) -> dict[str, Any]:
    nlu = None
    if m["intent"] is not None or m["fallback_reason"] is not None:
        nlu = {
            "intent": {"name": m["intent"], "confidence": m["intent_confidence"]},
            "fallback_reason": m["fallback_reason"],
        }
    return {
        "id": m["message_id"],
        "conversation_id": m["conversation_id"],
        "seq": m["seq"],
        "role": m["role"],
        "text": m["text"] or "",
        "attachments": [{}] * int(m["attachments"] or 0),
        "nlu": nlu,
        "citations": [],
        "quick_replies": [],
        "expecting": m["expecting"],
        "author": m["author"],
        "created_at": m["created_at"],
    }


def _decision(d: dict[str, Any]) -> dict[str, Any]:
    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return {
        "id": d["decision_id"],
        "case_id": d["case_id"],
        "route": d["route"],
        "reasons": list(d["reasons"] or []),
        "clauses": list(d["clauses"] or []),
        "trace": {
            "score": number(d["score"]),
            "eligibility": {"amount": number(d["amount"])},
            "review_cost": number(d["review_cost"]),
            "expected_loss": number(d["expected_loss"]),
        },
        "model_version": d["model_version"],
        "experiment": d["experiment"],
        "arm": d["arm"],
        "created_at": d["created_at"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.analytics.fill_store", description=__doc__)
    parser.add_argument("--url", required=True, help="the store, e.g. sqlite:///var/x.db")
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--days", type=int, default=7, help="spread over the last N days")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rows = fill_store(args.url, args.conversations, days=args.days, seed=args.seed)
    print(", ".join(f"{name}: {n}" for name, n in rows.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["fill_store"]
