"""No remedy is paid twice, stale, or past the order's total, through the buyer's chat.

The two reproductions of the money-integrity issue, and each way a "yes" could move money that
the rules would no longer grant: a second conversation, a webhook push, a lapsed offer, and
refunds on other orders that put the buyer under review (REV-6.2).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from bot.api.orders import OrderPayload, sign
from bot.main import create_app
from bot.store.ledger import proposals_of_order_in
from bot.store.orders import OrderRepository
from policies.types import OrderStatus
from tests.bot.conftest import make_services
from tests.utils.builders import NOW, Chat, bot_text, days_ago, item, order, seed

PHOTO = "https://img.example.com/damage.jpg"


class Clock:
    """The services' clock, moved by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings, world_db, nlu, answerer, risk_model, clock):
    services = make_services(world_db, nlu, answerer, risk_model)
    services.clock = clock
    with TestClient(create_app(settings, services)) as c:
        yield c


def push(client: TestClient, settings, stored_order) -> None:
    body = json.dumps(OrderPayload.from_order(stored_order).model_dump(mode="json")).encode()
    headers = {"Content-Type": "application/json", **sign(settings.webhook_secret, body)}
    response = client.put(f"/v1/orders/{stored_order.order_id}", content=body, headers=headers)
    assert response.status_code in (200, 201), response.text


def test_two_conversations_cancelling_one_order_pay_once(client, buyer_headers, world_db):
    first, second = Chat(client, buyer_headers), Chat(client, buyer_headers)
    assert first.say("cancel order P100")["expecting"] == "confirmation"
    assert second.say("cancel order P100")["expecting"] == "confirmation"

    done = second.say("yes")
    late = first.say("yes")

    assert len(done["actions"]) == 1
    assert late["actions"] == []
    assert "another chat" in bot_text(late) and "already cancelled" in bot_text(late)
    stored = OrderRepository(world_db.sessions).get("P100")
    assert stored.status is OrderStatus.CANCELLED
    assert stored.refunded_amount == Decimal("39.99")


def test_a_cancel_confirmed_after_the_order_shipped_moves_no_money(
    client, buyer_headers, world_db, settings
):
    chat = Chat(client, buyer_headers)
    assert chat.say("cancel order P100")["expecting"] == "confirmation"
    pending = OrderRepository(world_db.sessions).get("P100")
    push(
        client,
        settings,
        replace(
            pending,
            status=OrderStatus.SHIPPED,
            shipped_at=days_ago(1),
            carrier="SPX",
            tracking_number="SPX1",
        ),
    )

    turn = chat.say("yes")

    assert turn["actions"] == []
    assert "already shipped" in bot_text(turn)
    stored = OrderRepository(world_db.sessions).get("P100")
    assert stored.status is OrderStatus.SHIPPED and stored.refunded_amount == 0
    with world_db.sessions() as session:
        assert [p["status"] for p in proposals_of_order_in(session, "P100")] == ["changed"]


def test_a_yes_after_the_offer_lapsed_is_checked_and_asked_again(
    client, buyer_headers, clock, settings
):
    chat = Chat(client, buyer_headers)
    chat.say("cancel order P100")
    clock.now += timedelta(minutes=settings.proposal_ttl_minutes + 1)

    turn = chat.say("yes")

    assert turn["actions"] == []
    assert "lapsed" in bot_text(turn)
    assert turn["expecting"] == "confirmation"  # the same remedy, offered afresh
    assert len(chat.say("yes")["actions"]) == 1


def test_refunds_confirmed_on_other_orders_put_the_last_one_under_review(
    client, buyer_headers, world_db
):
    # Two refunds in the last 90 days (R400 and R401): a third makes REV-6.2's review due.
    seed(
        world_db,
        [order("R401", item("Cable", "9.00"), status=OrderStatus.REFUNDED, placed=20,
               delivered=15, refunded="9.00", refunded_days_ago=5),
         order("D210", item("Plate", "10.00"), placed=6, delivered=3)],
    )  # fmt: skip
    chats = {oid: Chat(client, buyer_headers) for oid in ("D201", "D210")}
    for order_id, chat in chats.items():
        turn = chat.say(f"{order_id} arrived damaged", photo=PHOTO)
        assert turn["expecting"] == "confirmation", bot_text(turn)

    assert len(chats["D201"].say("yes")["actions"]) == 1
    # Proposed while the history was clean; at the yes the buyer has three refunds in 90 days.
    second = chats["D210"].say("yes")
    assert second["actions"] == []
    assert second["status"] == "waiting_for_agent"
    assert "review" in bot_text(second)


def test_the_same_item_is_not_returned_twice(client, buyer_headers, world_db):
    # A $45 dress: damaged above $25 means a return, then the refund (DMG-3.3).
    first = Chat(client, buyer_headers)
    first.say("D200 arrived damaged", photo=PHOTO)
    turn = first.say("Refund")
    assert turn["expecting"] == "confirmation", bot_text(turn)
    [action] = first.say("yes")["actions"]
    assert action["type"] == "return"

    again = Chat(client, buyer_headers)
    turn = again.say("D200 arrived damaged", photo=PHOTO)
    assert turn["expecting"] != "confirmation"
    assert "already refunded, returned or replaced" in bot_text(turn)
    assert OrderRepository(world_db.sessions).get("D200").refundable == 0


def test_a_push_without_the_bots_refund_does_not_undo_it(client, buyer_headers, world_db, settings):
    chat = Chat(client, buyer_headers)
    chat.say("my mug D201 arrived broken", photo=PHOTO)
    assert len(chat.say("yes")["actions"]) == 1
    before = OrderRepository(world_db.sessions).get("D201")
    # The platform pushes the order as it knew it before the refund (delivered, nothing back).
    push(
        client,
        settings,
        replace(before, status=OrderStatus.DELIVERED, refunded_amount=Decimal("0"),
                refunded_at=None, committed_amount=Decimal("0"), remedied=()),
    )  # fmt: skip

    stored = OrderRepository(world_db.sessions).get("D201")
    assert stored.status is OrderStatus.REFUNDED and stored.refunded_amount == Decimal("12.00")
    turn = Chat(client, buyer_headers).say("D201 arrived damaged", photo=PHOTO)
    assert turn["actions"] == [] and turn["expecting"] != "confirmation"
