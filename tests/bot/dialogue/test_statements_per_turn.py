"""What a buyer turn costs the database (issue 17), on SQLite and on PostgreSQL: the
conversation row read once to store the message and once, locked, for the turn; two commits;
the bot's replies inserted in one statement; the buyer message's reading and response written
without loading it first. The invariants these reads served are tested beside them
(`test_concurrency`, `test_money_*`, `tests/bot/store/test_conversations.py`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from bot.main import create_app
from bot.store.db import Database
from tests.bot.conftest import make_services
from tests.utils.builders import Chat, demo_orders, seed
from tests.utils.fakes import FakeAnswerer, FakeRiskModel, ScriptedParser


class Statements:
    """Every statement and commit an engine runs while counting."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.commits = 0

    def kinds(self) -> Counter[str]:
        return Counter(text.split(None, 1)[0].upper() for text in self.texts)

    def reading(self, table: str) -> int:
        """SELECTs whose first FROM is ``table``."""
        return sum(
            1
            for text in self.texts
            if text.startswith("SELECT") and f"FROM {table} " in f"{text.split(' WHERE ')[0]} "
        )

    def matching(self, fragment: str) -> int:
        return sum(1 for text in self.texts if fragment in text)


@contextmanager
def counting(database: Database) -> Iterator[Statements]:
    seen = Statements()

    def statement(conn, cursor, text, parameters, context, executemany) -> None:
        seen.texts.append(" ".join(text.split()))

    def commit(conn) -> None:
        seen.commits += 1

    event.listen(database.engine, "before_cursor_execute", statement)
    event.listen(database.engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", statement)
        event.remove(database.engine, "commit", commit)


@pytest.fixture
def app_client(settings, db: Database) -> Iterator[TestClient]:
    seed(db, demo_orders())
    services = make_services(db, ScriptedParser(), FakeAnswerer(), FakeRiskModel())
    with TestClient(create_app(settings, services)) as client:
        yield client


def test_a_turn_reads_the_conversation_twice_and_commits_twice(app_client, db, buyer_headers):
    chat = Chat(app_client, buyer_headers)
    chat.say("hi")
    with counting(db) as seen:
        turn = chat.say("where is my order P100")
    assert turn["messages"]
    # Stored with its lock (`record_inbound`), then locked for the turn: no plain read.
    assert seen.reading("conversations") == 2
    assert seen.commits == 2
    # The turn's reading of the stored message also reads the last seq (one statement).
    assert seen.matching("max(messages.seq)") == 2
    # The stored message is not loaded to write its reading and response.
    assert seen.matching("SELECT messages.id, messages.conversation_id") == 0


def test_the_bot_replies_are_inserted_in_one_statement(app_client, db, buyer_headers):
    chat = Chat(app_client, buyer_headers)
    chat.say("hi")
    with counting(db) as seen:
        turn = chat.say("where is S300 and where is P100")
    assert len(turn["messages"]) == 2
    # The buyer's message in its own transaction, the turn's two replies in one more.
    assert seen.matching("INSERT INTO messages") == 2
    messages = chat.view()["messages"]
    assert [m["seq"] for m in messages] == [1, 2, 3, 4, 5]
    assert [m["text"] for m in messages[-2:]] == [m["text"] for m in turn["messages"]]


def test_a_retry_of_a_processed_message_reads_and_writes_nothing_more(
    app_client, db, buyer_headers
):
    chat = Chat(app_client, buyer_headers)
    first = chat.say("cancel P100", key="k-1")
    with counting(db) as seen:
        again = chat.say("cancel P100", key="k-1")
    assert again == first
    assert seen.kinds()["INSERT"] == 0 and seen.kinds()["UPDATE"] == 0
    assert seen.reading("conversations") == 1


def test_a_proposal_reads_the_buyer_and_the_orders_once(app_client, db, buyer_headers):
    chat = Chat(app_client, buyer_headers)
    chat.say("hi")
    with counting(db) as seen:
        turn = chat.say("where is S300")
    assert turn["expecting"] == "confirmation"  # a case decided, a remedy proposed
    assert seen.matching("INSERT INTO proposals") == 1
    # The buyer's row is held for the turn (region, account start, the case's owner).
    assert seen.reading("buyers") == 1
    # The proposal locks the order without reading it (and its lines and ledger) again.
    assert seen.matching("SELECT orders.id, orders.buyer_id") == 1
    assert seen.reading("order_items") == 1


def test_a_yes_reads_the_order_afresh_under_its_lock(app_client, db, buyer_headers):
    chat = Chat(app_client, buyer_headers)
    chat.say("where is S300")
    with counting(db) as seen:
        turn = chat.say("yes")
    assert len(turn["actions"]) == 1
    # Read once by the turn, once again after the order's and buyer's locks (`lock_for_money`),
    # which take the order's lock without reading it.
    assert seen.matching("SELECT orders.id, orders.buyer_id") == 2
