"""Racing requests never move money twice, on SQLite and on PostgreSQL.

"Two processes" are two app instances, each with its own engine and connection pool, over the
same database: only the database's lock on the conversation row keeps their turns apart.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from bot.store.db import Database, write_session
from bot.store.ledger import record_remedy_in
from bot.store.models import ActionType
from bot.store.orders import OrderRepository
from tests.bot.conftest import make_services
from tests.utils.builders import NOW, Chat, demo_orders, seed
from tests.utils.fakes import FakeAnswerer, FakeRiskModel, ScriptedParser


@pytest.fixture
def store(db: Database) -> Database:
    seed(db, demo_orders())
    return db


@pytest.fixture
def two_apps(settings, store) -> Iterator[tuple[TestClient, TestClient]]:
    """Two bot instances ("processes") over the same database, each with its own engine."""
    second_db = Database(store.url)
    parsers = (ScriptedParser(), ScriptedParser())
    for parser in parsers:
        parser.delay_s = 0.05  # both requests are in flight at the same time
    apps = [
        create_app(settings, make_services(database, parser, FakeAnswerer(), FakeRiskModel()))
        for database, parser in zip((store, second_db), parsers, strict=True)
    ]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        yield first, second
    second_db.dispose()


def _race(*calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def test_two_racing_yes_in_two_processes_move_money_once(two_apps, store, buyer_headers):
    first, second = two_apps
    chat = Chat(first, buyer_headers)
    assert chat.say("cancel P100")["expecting"] == "confirmation"
    other = Chat.__new__(Chat)
    other.client, other.headers, other.id = second, buyer_headers, chat.id

    turns = _race(lambda: chat.say("yes"), lambda: other.say("yes"))

    assert sorted(len(t["actions"]) for t in turns) == [0, 1]
    assert len(chat.view()["actions"]) == 1
    order = OrderRepository(store.sessions).get("P100")
    assert order.refunded_amount == Decimal("39.99")


def test_racing_yes_in_one_process_move_money_once(two_apps, store, buyer_headers):
    client, _ = two_apps
    chat = Chat(client, buyer_headers)
    chat.say("S300 never arrived")
    turns = _race(*[lambda: chat.say("yes") for _ in range(4)])
    assert sum(len(t["actions"]) for t in turns) == 1
    assert OrderRepository(store.sessions).get("S300").refunded_amount == Decimal("60.00")


def test_same_idempotency_key_racing_in_two_processes_is_processed_once(two_apps, buyer_headers):
    first, second = two_apps
    chat = Chat(first, buyer_headers)
    chat.say("cancel P100")
    other = Chat.__new__(Chat)
    other.client, other.headers, other.id = second, buyer_headers, chat.id

    a, b = _race(lambda: chat.say("yes", key="retry-1"), lambda: other.say("yes", key="retry-1"))

    assert a == b and len(a["actions"]) == 1
    buyer_texts = [m["text"] for m in chat.view()["messages"] if m["role"] == "buyer"]
    assert buyer_texts == ["cancel P100", "yes"]


def test_the_same_action_key_inserts_once(store):
    def write():
        with write_session(store.sessions) as session:
            return record_remedy_in(
                session,
                items=[],
                case_id=None,
                order_id="D201",
                type=ActionType.REFUND,
                amount=Decimal("12.00"),
                currency="USD",
                idempotency_key="conv:proposal:refund",
                actor="bot",
                now=NOW,
            )

    results = _race(write, write, write)
    assert sorted(created for _, created in results) == [False, False, True]
    assert len({action.action_id for action, _ in results}) == 1
    assert OrderRepository(store.sessions).get("D201").refunded_amount == Decimal("12.00")
