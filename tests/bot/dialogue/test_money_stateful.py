"""The money invariants hold whatever happens, in whatever order (Hypothesis, stateful).

Two bot "processes" (two apps, each with its own engine and pool) share one PostgreSQL
database. Hypothesis interleaves one buyer's conversations on either of them, retried requests,
racing yeses, webhook pushes (newer, stale and replayed), the platform reporting the bot's
refunds, agents' actions (double clicks included) and the clock moving past a proposal's
expiry; after every step the ledger is checked:

- money back on an order never exceeds its total;
- an item is settled at most its quantity; an order is cancelled once, gets one voucher;
- at most one money proposal is open per order;
- the bot never cancels an order the platform last reported as shipped or delivered;
- a retried request (same idempotency key) gets the same answer and moves nothing.

The run is at least `MIN_STEPS` steps (it loops until it is), so it is part of `make test`.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import ClassVar

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text

from bot.api.orders import OrderPayload, sign
from bot.main import create_app
from bot.settings import Settings
from bot.store.db import Database
from bot.store.ledger import MONEY_BACK, SETTLES_ITEMS
from bot.store.models import ActionRow, ActionType, Base, OrderItemRow, OrderRow, ProposalRow
from policies.types import Order, OrderStatus
from tests.bot.conftest import SECRET, make_services, token_headers
from tests.utils.builders import NOW, days_ago, demo_orders, seed
from tests.utils.fakes import FakeAnswerer, FakeRiskModel, ScriptedParser

MIN_STEPS = 2000
# No shrinking: a failing run prints its steps, and shrinking a 50-step run against two apps
# and PostgreSQL takes longer than CI allows.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
STEPS_PER_RUN = 50
PHOTO = "https://img.example.com/damage.jpg"
BUYER = "B17"
# What the buyer says; damage reports carry a photo. Few orders and many yeses, so that
# conversations often hold proposals on the same order at once.
SAYINGS = (
    "cancel order P100",
    "cancel order P100",
    "S300 never arrived",
    "D201 arrived damaged",
    "D201 arrived damaged",
    "D200 arrived damaged",
    "D202 arrived damaged",
    "refund for D206, it came late",
    "Refund",
    "All items",
    "yes",
    "yes",
    "yes",
    "yes",
    "no",
    "I want a person",
)
MAX_CONVERSATIONS = 3
# Each order's platform states, in the order the platform moves through them.
PROGRESS = {
    "P100": (OrderStatus.SHIPPED, OrderStatus.DELIVERED),
    "S300": (OrderStatus.DELIVERED,),
    "D201": (),
    "D200": (),
}


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        self.now += timedelta(milliseconds=1)
        return self.now


def _advanced(order: Order, status: OrderStatus) -> Order:
    shipped = order.shipped_at or days_ago(1)
    if status is OrderStatus.SHIPPED:
        return replace(order, status=status, shipped_at=shipped, carrier="SPX",
                       tracking_number="SPX9")  # fmt: skip
    return replace(order, status=status, shipped_at=shipped, carrier=order.carrier or "SPX",
                   tracking_number=order.tracking_number or "SPX9",
                   delivered_at=NOW - timedelta(hours=1))  # fmt: skip


class Stack:
    """Two apps over one PostgreSQL database, built once per test."""

    def __init__(self, url: str) -> None:
        self.clock = Clock()
        self.databases = [Database(url), Database(url)]
        # The per-buyer rate limits are not what this test is about: off.
        self.settings = Settings(
            env="test",
            jwt_secret=SECRET,
            buyer_max_conversations_per_hour=0,
            buyer_max_messages_per_minute=0,
            buyer_max_waiting_cases=0,
            _env_file=None,
        )
        self.clients = []
        for database in self.databases:
            services = make_services(database, ScriptedParser(), FakeAnswerer(), FakeRiskModel())
            services.clock = self.clock
            self.clients.append(TestClient(create_app(self.settings, services)).__enter__())

    def reset(self) -> None:
        self.clock.now = NOW
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with self.databases[0].engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} CASCADE"))
        seed(self.databases[0], demo_orders())

    def close(self) -> None:
        for client in self.clients:
            client.__exit__(None, None, None)
        for database in self.databases:
            database.dispose()


class MoneyMachine(RuleBasedStateMachine):
    stack: ClassVar[Stack]
    steps: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        self.buyer = token_headers(BUYER)
        self.agent = token_headers("agent-7", "agent")
        self.conversations: list[tuple[int, str]] = []  # (app, conversation id)
        self.last: dict[str, tuple[dict, str, dict]] = {}  # conversation -> (body, key, answer)
        self.versions: Counter[str] = Counter()
        self.first_payload: dict[str, bytes] = {}
        self.platform_status: dict[str, OrderStatus] = {}
        self.seen_actions: set[str] = set()

    @initialize()
    def start(self) -> None:
        self.stack.reset()
        for o in demo_orders():
            self.platform_status[o.order_id] = o.status

    # --- buyers ---------------------------------------------------------------------------

    @rule(app=st.integers(0, 1))
    def open_conversation(self, app: int) -> None:
        if len(self.conversations) >= MAX_CONVERSATIONS:
            return
        response = self.stack.clients[app].post("/v1/conversations", headers=self.buyer)
        assert response.status_code == 201, response.text
        self.conversations.append((app, response.json()["conversation_id"]))

    @rule(data=st.data(), text=st.sampled_from(SAYINGS), other_app=st.booleans())
    def say(self, data, text: str, other_app: bool) -> None:
        if not self.conversations:
            return
        app, conversation = data.draw(st.sampled_from(self.conversations))
        body: dict = {"text": text}
        if "damaged" in text:
            body["attachments"] = [{"type": "image", "url": PHOTO}]
        key = str(uuid.uuid4())
        answer = self._post(app ^ other_app, conversation, body, key)
        if answer is not None:
            self.last[conversation] = (body, key, answer)

    @rule(data=st.data())
    def retry(self, data) -> None:
        """The same request again (same idempotency key), on either process: same answer."""
        if not self.last:
            return
        conversation = data.draw(st.sampled_from(sorted(self.last)))
        body, key, first = self.last[conversation]
        before = self._action_ids()
        again = self._post(data.draw(st.integers(0, 1)), conversation, body, key)
        assert again == first
        assert self._action_ids() == before

    @rule(data=st.data())
    def racing_yes(self, data) -> None:
        """Two conversations answer yes at the same moment, one on each process."""
        if len(self.conversations) < 2:
            return
        pair = data.draw(st.lists(st.sampled_from(self.conversations), min_size=2, max_size=2))
        with ThreadPoolExecutor(2) as pool:
            calls = [
                pool.submit(self._post, i, conversation, {"text": "yes"}, str(uuid.uuid4()))
                for i, (_, conversation) in enumerate(pair)
            ]
            for call in calls:
                call.result()

    @rule(minutes=st.sampled_from([1, 1, 5, 31]))
    def time_passes(self, minutes: int) -> None:
        self.stack.clock.now += timedelta(minutes=minutes)

    # --- the platform -----------------------------------------------------------------------

    @rule(order_id=st.sampled_from(sorted(PROGRESS)))
    def platform_moves_the_order_on(self, order_id: str) -> None:
        current = self._platform_order(order_id)
        following = [s for s in PROGRESS[order_id] if _rank(s) > _rank(current.status)]
        if not following:
            return
        self._push(_advanced(current, following[0]))

    @rule(order_id=st.sampled_from(sorted(PROGRESS)))
    def platform_reports_the_refunds(self, order_id: str) -> None:
        """The platform has processed the bot's refunds and pushes its own figure."""
        with self.stack.databases[0].sessions() as session:
            paid = session.scalar(
                select(func.coalesce(func.sum(ActionRow.amount), 0)).where(
                    ActionRow.order_id == order_id,
                    ActionRow.type.in_([ActionType.CANCEL, ActionType.REFUND]),
                )
            )
        if not paid:
            return
        current = self._platform_order(order_id)
        self._push(replace(current, refunded_amount=Decimal(paid), refunded_at=NOW))

    @rule(order_id=st.sampled_from(sorted(PROGRESS)))
    def platform_retries_an_old_push(self, order_id: str) -> None:
        """The first push again, with its old version and a fresh signature: ignored."""
        body = self.first_payload.get(order_id)
        if body is None:
            return
        response = self._put(order_id, body)
        assert response.headers["X-Order-Push"] in ("stale", "unchanged")

    # --- agents -------------------------------------------------------------------------------

    @rule(
        type_=st.sampled_from(["refund", "cancel", "return", "replacement", "voucher"]),
        amount=st.sampled_from([None, 5.0, 39.99, 60.0, 500.0]),
        override=st.booleans(),
        clicks=st.integers(1, 2),
        app=st.integers(0, 1),
    )
    def agent_acts(self, type_, amount, override, clicks, app) -> None:
        queue = self.stack.clients[app].get("/v1/agent/queue", headers=self.agent)
        assert queue.status_code == 200, queue.text
        cases = queue.json()["cases"]
        if not cases:
            return
        body: dict = {"type": type_, "override": override, "reason": "stateful test"}
        if amount is not None:
            body["amount"] = amount
        results = []
        for click in range(clicks):
            response = self.stack.clients[(app + click) % 2].post(
                f"/v1/agent/cases/{cases[0]['case_id']}/actions",
                json=body,
                headers={**self.agent, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert response.status_code in (200, 409, 422), response.text
            results.append(response)
        if clicks == 2 and results[0].status_code == 200:
            second = results[1]
            assert second.status_code == 200 and second.json()["replayed"] is True
            assert second.json()["action"] == results[0].json()["action"]

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def ledger_holds(self) -> None:
        MoneyMachine.steps += 1
        with self.stack.databases[0].sessions() as session:
            orders = {o.id: o for o in session.scalars(select(OrderRow))}
            items = Counter()
            for item in session.scalars(select(OrderItemRow)):
                items[(item.order_id, item.sku)] += item.quantity
            actions = list(session.scalars(select(ActionRow)))
            open_proposals = Counter(
                p.order_id for p in session.scalars(select(ProposalRow)) if p.status == "open"
            )
        money: Counter = Counter()
        settled: Counter = Counter()
        kinds: Counter = Counter()
        for action in actions:
            if action.type in MONEY_BACK:
                money[action.order_id] += action.amount
            if action.type in SETTLES_ITEMS:
                for entry in action.items:
                    settled[(action.order_id, entry["sku"])] += entry["quantity"]
            kinds[(action.order_id, action.type)] += 1
            if action.id not in self.seen_actions:
                self.seen_actions.add(action.id)
                if action.type is ActionType.CANCEL and action.actor == "bot":
                    assert self.platform_status[action.order_id] is OrderStatus.PENDING, (
                        f"the bot cancelled {action.order_id} while the platform said "
                        f"{self.platform_status[action.order_id]}"
                    )
        for order_id, row in orders.items():
            total = sum((i.unit_price * i.quantity for i in row.items), Decimal("0"))
            assert money[order_id] <= total, f"{order_id}: {money[order_id]} back on {total}"
            assert kinds[(order_id, ActionType.CANCEL)] <= 1
            assert kinds[(order_id, ActionType.VOUCHER)] <= 1
            assert open_proposals[order_id] <= 1
        for key, quantity in settled.items():
            assert quantity <= items[key], f"{key}: {quantity} settled of {items[key]}"

    # --- helpers --------------------------------------------------------------------------------

    def _post(self, app: int, conversation: str, body: dict, key: str) -> dict | None:
        response = self.stack.clients[app].post(
            f"/v1/conversations/{conversation}/messages",
            json=body,
            headers={**self.buyer, "Idempotency-Key": key},
        )
        # 409: an agent closed the conversation; anything else is a failure.
        assert response.status_code in (200, 409), response.text
        return response.json() if response.status_code == 200 else None

    def _action_ids(self) -> set[str]:
        with self.stack.databases[0].sessions() as session:
            return set(session.scalars(select(ActionRow.id)))

    def _platform_order(self, order_id: str) -> Order:
        """The order as the platform last pushed it (not the bot's view of it)."""
        base = next(o for o in demo_orders() if o.order_id == order_id)
        with self.stack.databases[0].sessions() as session:
            row = session.get(OrderRow, order_id)
            return replace(
                base,
                status=row.status,
                shipped_at=row.shipped_at,
                delivered_at=row.delivered_at,
                carrier=row.carrier,
                tracking_number=row.tracking_number,
                refunded_amount=row.refunded_amount,
                refunded_at=row.refunded_at,
            )

    def _push(self, order: Order) -> None:
        self.versions[order.order_id] += 1
        payload = OrderPayload.from_order(order).model_dump(mode="json")
        payload["version"] = self.versions[order.order_id]
        body = json.dumps(payload).encode()
        self.first_payload.setdefault(order.order_id, body)
        response = self._put(order.order_id, body)
        assert response.headers["X-Order-Push"] in ("applied", "unchanged"), response.text
        self.platform_status[order.order_id] = order.status

    def _put(self, order_id: str, body: bytes):
        response = self.stack.clients[0].put(
            f"/v1/orders/{order_id}",
            content=body,
            headers={"Content-Type": "application/json", **sign(self.stack.settings.webhook_secret,
                                                                   body)},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return response


def _rank(status: OrderStatus) -> int:
    return [OrderStatus.PENDING, OrderStatus.SHIPPED, OrderStatus.DELIVERED].index(status)


def test_money_invariants_hold_across_two_processes(postgresql_url):
    stack = Stack(postgresql_url)
    MoneyMachine.stack, MoneyMachine.steps = stack, 0
    try:
        while MoneyMachine.steps < MIN_STEPS:
            run_state_machine_as_test(
                MoneyMachine,
                settings=settings(
                    max_examples=10,
                    stateful_step_count=STEPS_PER_RUN,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                    phases=PHASES,
                ),
            )
    finally:
        stack.close()
    assert MoneyMachine.steps >= MIN_STEPS
