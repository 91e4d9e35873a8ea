"""Export from real stores: a SQLite store written by the conversation engine itself, and a
store written row by row on SQLite and PostgreSQL (the same test on both)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import update

from bot.analytics import metrics as m
from bot.analytics.export import export_snapshot, snapshot_arrow
from bot.analytics.tables import SCHEMAS, TABLE_NAMES, Window, from_arrow, open_snapshot
from bot.store.db import Database, write_session
from bot.store.models import (
    ActionRow,
    BuyerRow,
    CaseRow,
    ConversationRow,
    DecisionRow,
    DisputeEventRow,
    DisputeRow,
    MessageRow,
    OrderRow,
    RatingRow,
    SellerRow,
)
from tests.bot.conftest import token_headers
from tests.utils.builders import NOW, Chat, days_ago

WINDOW = Window(NOW - timedelta(days=1), NOW + timedelta(days=1))


class MarkingRedactor:
    """Replaces every text by its length, so a raw word in the export would show."""

    name = "marking-redactor"

    def __init__(self) -> None:
        self.calls = 0

    def redact_many(self, texts: Iterable[str]) -> list[str]:
        self.calls += 1
        return [f"<redacted {len(t)}>" for t in texts]


@pytest.fixture
def store(bot_client, world_db, nlu, risk_model, agent_headers) -> Database:
    """Three conversations of buyer B17, through the API: a cancel the bot executes, a risky
    claim an agent refunds, a message while Rasa is down. Then a rating and an experiment arm,
    written to the store directly."""
    automated = Chat(bot_client, token_headers("B17"))
    automated.say("please cancel order P100")
    assert automated.say("Yes")["actions"][0]["type"] == "cancel"

    risk_model.p_abuse = 0.9
    escalated = Chat(bot_client, token_headers("B17"))
    assert escalated.say("S300 never arrived")["status"] == "waiting_for_agent"
    [case] = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    acted = bot_client.post(
        f"/v1/agent/cases/{case['case_id']}/actions", json={"type": "refund"}, headers=agent_headers
    )
    assert acted.status_code == 200, acted.text

    nlu.down = True
    down = Chat(bot_client, token_headers("B17"))
    assert down.say("my parcel is lost, call me on 0412 345 678")["nlu"] is None
    nlu.down = False

    with write_session(world_db.sessions) as session:
        [cancel_case] = session.query(CaseRow.id).filter(CaseRow.conversation_id == automated.id)
        session.add(
            RatingRow(
                conversation_id=automated.id,
                case_id=cancel_case.id,
                buyer_id="B17",
                score=5,
                created_at=NOW,
            )
        )
        session.execute(
            update(DecisionRow)
            .where(DecisionRow.case_id == cancel_case.id)
            .values(experiment="refund_limit", arm="treatment")
        )
    return world_db


def read(directory: Path, name: str) -> list[dict]:
    return pq.read_table(directory / f"{name}.parquet").to_pylist()


def test_export_writes_every_table_in_the_snapshot_format(store, tmp_path):
    redactor = MarkingRedactor()
    manifest = export_snapshot(store, tmp_path, WINDOW, redactor=redactor)
    for name in TABLE_NAMES:
        assert pq.read_schema(tmp_path / f"{name}.parquet").equals(SCHEMAS[name]), name
    assert manifest == json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["text"] == "redacted" and manifest["redactor"] == "marking-redactor"
    assert manifest["source"] == "sqlite"
    assert manifest["rows"]["conversations"] == 3
    assert manifest["rows"]["ratings"] == 1
    assert manifest["rows"]["buyers"] == 1


def test_message_text_is_redacted_and_the_nlu_reading_kept(store, tmp_path):
    export_snapshot(store, tmp_path, WINDOW, redactor=MarkingRedactor())
    messages = read(tmp_path, "messages")
    assert all(m["text"].startswith("<redacted ") for m in messages)
    assert not any("0412" in json.dumps(m, default=str) for m in messages)
    buyer = [m for m in messages if m["role"] == "buyer"]
    cancel = next(m for m in buyer if m["intent"] == "cancel_order")
    assert cancel["intent_confidence"] == pytest.approx(0.95)
    assert cancel["text"] == f"<redacted {len('please cancel order P100')}>"
    assert [m for m in buyer if m["intent"] is None] != []  # Rasa was down: no reading
    assert {m["role"] for m in messages} >= {"buyer", "bot"}


def test_text_roles_redact_only_those_messages(store):
    redactor = MarkingRedactor()
    arrow, manifest = snapshot_arrow(store, WINDOW, redactor=redactor, text_roles=("buyer",))
    messages = arrow["messages"].to_pylist()
    assert {m["text"] is None for m in messages if m["role"] != "buyer"} == {True}
    buyer = [m for m in messages if m["role"] == "buyer"]
    assert buyer and all(m["text"].startswith("<redacted ") for m in buyer)
    assert manifest["text_roles"] == ["buyer"]


def test_without_a_redactor_no_text_leaves_the_store(store, tmp_path):
    manifest = export_snapshot(store, tmp_path, WINDOW, redactor=None)
    assert manifest["text"] == "omitted" and manifest["redactor"] is None
    assert {m["text"] for m in read(tmp_path, "messages")} == {None}


def test_cases_decisions_actions_ratings_buyers(store, tmp_path):
    export_snapshot(store, tmp_path, WINDOW, redactor=None)
    cases = read(tmp_path, "cases")
    assert sorted(c["intent"] for c in cases) == ["cancel_order", "item_not_received", "unknown"]
    decisions = read(tmp_path, "decisions")
    human = [d for d in decisions if d["route"] == "human"]
    assert any("nlu_unavailable" in d["reasons"] for d in human) and len(human) == 2
    [arm] = [d for d in decisions if d["experiment"]]
    assert (arm["experiment"], arm["arm"]) == ("refund_limit", "treatment")
    actions = {(a["type"], a["actor"]): a for a in read(tmp_path, "actions")}
    assert actions["cancel", "bot"]["amount"] == Decimal("39.99")
    assert actions["refund", "agent-1"]["amount"] == Decimal("60.00")
    [rating] = read(tmp_path, "ratings")
    assert rating["score"] == 5 and rating["buyer_id"] == "B17"
    [buyer] = read(tmp_path, "buyers")
    # B17's oldest demo order (D204) was placed 55 days before NOW.
    assert buyer["buyer_id"] == "B17" and buyer["first_order_at"] == days_ago(55)


def test_small_chunks_give_the_same_snapshot(store):
    whole, _ = snapshot_arrow(store, WINDOW, redactor=None)
    chunked, _ = snapshot_arrow(store, WINDOW, redactor=None, chunk_rows=2)
    for name in TABLE_NAMES:
        assert chunked[name].equals(whole[name]), name


def test_the_window_selects_conversations_by_creation(store):
    later = Window(NOW + timedelta(days=1), NOW + timedelta(days=2))
    arrow, manifest = snapshot_arrow(store, later, redactor=None)
    assert all(count == 0 for count in manifest["rows"].values())
    assert arrow["messages"].num_rows == 0


def test_metrics_on_the_exported_store(store, tmp_path):
    export_snapshot(store, tmp_path, WINDOW, redactor=MarkingRedactor())
    tables = open_snapshot(tmp_path)
    summary = m.summary(tables, WINDOW.since, WINDOW.until)
    tables.close()
    assert summary["conversations"] == 3
    assert summary["automation"] == {"numerator": 1, "denominator": 3}
    assert summary["escalation"] == {"numerator": 2, "denominator": 3}
    # Read: cancel, yes, not arrived (3); Rasa down for one: 1 / 4.
    assert summary["fallback"] == {"numerator": 1, "denominator": 4}
    assert summary["refunds"]["human"] == {"count": 1, "amount": {"USD": 60.0}}
    assert summary["money"]["auto"] == {"count": 1, "amount": {"USD": 39.99}}
    assert summary["csat"]["by_route"]["auto"]["count"] == 1


# --- both backends, rows written directly ------------------------------------------------------


def _write_rows(database: Database) -> None:
    when = NOW - timedelta(hours=1)
    with write_session(database.sessions) as s:
        s.add(BuyerRow(id="B1", region="north", created_at=days_ago(3)))
        s.add(
            ConversationRow(
                id="c-in",
                buyer_id="B1",
                status="bot",
                state={"x": 1},
                created_at=when,
                updated_at=when,
            )
        )
        s.add(
            ConversationRow(
                id="c-out",
                buyer_id="B1",
                status="bot",
                state={},
                created_at=days_ago(9),
                updated_at=days_ago(9),
            )
        )
        s.flush()
        for seq, (role, nlu) in enumerate(
            [
                (
                    "buyer",
                    {
                        "intent": {"name": "out_of_scope", "confidence": 0.3},
                        "fallback_reason": "low_confidence",
                    },
                ),
                ("bot", None),
            ],
            start=1,
        ):
            s.add(
                MessageRow(
                    conversation_id="c-in",
                    seq=seq,
                    role=role,
                    text="Ann Lee here",
                    attachments=[{"type": "image", "url": "u"}],
                    nlu=nlu,
                    citations=[],
                    quick_replies=[],
                    response={"big": "x"},
                    created_at=when,
                )
            )
        s.add(
            MessageRow(
                conversation_id="c-out",
                seq=1,
                role="buyer",
                text="old",
                attachments=[],
                nlu=None,
                citations=[],
                quick_replies=[],
                created_at=days_ago(9),
            )
        )
        s.add(
            CaseRow(
                id="k-in",
                conversation_id="c-in",
                buyer_id="B1",
                intent="complaint",
                status="waiting_for_agent",
                created_at=when,
                updated_at=when,
            )
        )
        s.flush()
        s.add(
            DecisionRow(
                case_id="k-in",
                route="human",
                reasons=["human_requested"],
                clauses=[],
                trace={"big": True},
                created_at=when,
            )
        )


def test_export_on_both_backends(db, tmp_path):
    _write_rows(db)
    manifest = export_snapshot(db, tmp_path, WINDOW, redactor=MarkingRedactor(), chunk_rows=1)
    assert manifest["source"] == db.backend
    assert manifest["rows"] == {
        "conversations": 1, "messages": 2, "cases": 1, "decisions": 1, "actions": 0,
        "ratings": 0, "buyers": 1, "disputes": 0, "dispute_events": 0,
    }  # fmt: skip
    first = read(tmp_path, "messages")[0]
    assert first["text"] == "<redacted 12>" and first["attachments"] == 1
    assert (first["intent"], first["fallback_reason"]) == ("out_of_scope", "low_confidence")
    assert read(tmp_path, "buyers")[0]["first_order_at"] is None
    tables = from_arrow(snapshot_arrow(db, WINDOW, redactor=None)[0])
    assert m.one_row(m.fallback(m.scope(tables, WINDOW)))["rate"] == 1.0
    tables.close()


def _add_orders(database: Database, *placed_days_ago: int) -> None:
    with write_session(database.sessions) as s:
        s.add(SellerRow(id="S1"))
        s.flush()
        for i, days in enumerate(placed_days_ago):
            s.add(
                OrderRow(
                    id=f"o{i}",
                    buyer_id="B1",
                    seller_id="S1",
                    status="delivered",
                    currency="USD",
                    placed_at=days_ago(days),
                    payment_method="card",
                    payload_hash="h",
                )
            )


def test_buyers_first_order_is_their_oldest_order(db):
    _write_rows(db)
    _add_orders(db, 20, 400, 3)
    [buyer] = snapshot_arrow(db, WINDOW, redactor=None)[0]["buyers"].to_pylist()
    assert buyer["first_order_at"] == days_ago(400)
    assert buyer["created_at"] == days_ago(3) and buyer["region"] == "north"


def test_amounts_keep_their_cents(db):
    _write_rows(db)
    _add_orders(db, 5)
    with write_session(db.sessions) as s:
        s.add(
            ActionRow(
                case_id="k-in",
                order_id="o0",
                type="refund",
                amount=Decimal("12.34"),
                currency="USD",
                status="approved",
                idempotency_key="k1",
                actor="agent-9",
                created_at=NOW,
            )
        )
    [action] = snapshot_arrow(db, WINDOW, redactor=None)[0]["actions"].to_pylist()
    assert action["amount"] == Decimal("12.34") and action["actor"] == "agent-9"


def test_disputes_and_who_pays_leave_the_store_without_their_text(db):
    """The action's responsible party and its order's seller; the dispute and its steps, but
    not the buyer's reason nor anyone's statement (free text)."""
    _write_rows(db)
    _add_orders(db, 5)
    with write_session(db.sessions) as s:
        s.add(
            ActionRow(id="a1", case_id="k-in", order_id="o0", type="refund",
                      amount=Decimal("12.34"), currency="USD", status="approved",
                      idempotency_key="k1", actor="bot", responsible_party="seller",
                      created_at=NOW)
        )  # fmt: skip
        s.add(
            DisputeRow(id="d1", order_id="o0", case_id="k-in", buyer_id="B1", seller_id="S1",
                       opened_by="buyer", reason="call me on 0412 345 678",
                       amount=Decimal("12.34"), currency="USD", status="seller_contested",
                       respond_by=NOW + timedelta(days=2), created_at=NOW)
        )  # fmt: skip
        s.flush()
        s.add(
            DisputeEventRow(dispute_id="d1", actor_role="seller", actor="S1", kind="contest",
                            statement="the buyer Jane Roe lies", created_at=NOW)
        )  # fmt: skip
    arrow = snapshot_arrow(db, WINDOW, redactor=MarkingRedactor())[0]
    [action] = arrow["actions"].to_pylist()
    assert (action["responsible_party"], action["seller_id"]) == ("seller", "S1")
    [dispute] = arrow["disputes"].to_pylist()
    assert (dispute["dispute_id"], dispute["seller_id"], dispute["status"]) == (
        "d1",
        "S1",
        "seller_contested",
    )
    [event] = arrow["dispute_events"].to_pylist()
    assert (event["actor_role"], event["kind"]) == ("seller", "contest")
    exported = json.dumps([dispute, event], default=str)
    assert "0412" not in exported and "Jane" not in exported
