"""Per-buyer counts for the API's limits, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.store.cases import CaseStatus
from bot.store.conversations import ConversationRepository
from bot.store.db import write_session
from bot.store.limits import BuyerActivity, Window
from bot.store.models import BuyerRow, CaseRow, MessageRole
from tests.utils.builders import NOW

HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


def test_conversations_started_slide_out_of_the_window(db):
    clock = Clock()
    conversations = ConversationRepository(db.sessions, clock=clock)
    activity = BuyerActivity(db.sessions, clock=clock)
    for minutes in (0, 10, 20):
        clock.now = NOW + timedelta(minutes=minutes)
        conversations.create("B17", {})
    conversations.create("B99", {})  # another buyer's
    clock.now = NOW + timedelta(minutes=30)

    window = activity.opening("B17", within=HOUR, cap=3)[1]
    # Full until the oldest of the three (NOW) is an hour old: 30 minutes from now.
    assert (window.count, window.full, window.retry_after_s) == (3, True, 30 * 60)
    assert not activity.opening("B17", within=HOUR, cap=4)[1].full
    # The newest `cap` decide: with a cap of 2 the window frees when the 10-minute one ages.
    assert activity.opening("B17", within=HOUR, cap=2)[1].retry_after_s == 40 * 60
    clock.now = NOW + timedelta(minutes=60, seconds=1)
    assert activity.opening("B17", within=HOUR, cap=3)[1].count == 2
    # 0: no limit.
    assert not activity.opening("B17", within=HOUR, cap=0)[1].full


def test_buyer_messages_count_across_conversations_and_only_the_buyers(db):
    clock = Clock()
    conversations = ConversationRepository(db.sessions, clock=clock)
    activity = BuyerActivity(db.sessions, clock=clock)
    first, second = conversations.create("B17", {}), conversations.create("B17", {})
    other = conversations.create("B99", {})
    for i, conversation in enumerate((first, second, first)):
        clock.now = NOW + timedelta(seconds=10 * i)
        conversations.record_inbound(conversation.conversation_id, "B17", f"m{i}", [])
    conversations.record_inbound(other.conversation_id, "B99", "not B17's", [])
    with conversations.turn(first.conversation_id) as turn:  # the bot's reply: not counted
        turn.add_message(MessageRole.BOT, "hello")
    clock.now = NOW + timedelta(seconds=25)

    window = activity.messages_sent("B17", within=MINUTE, cap=3)
    assert (window.count, window.retry_after_s) == (3, 35)  # the first is a minute old at +60 s
    assert activity.messages_sent("B99", within=MINUTE, cap=3).count == 1
    clock.now = NOW + timedelta(seconds=61)
    assert activity.messages_sent("B17", within=MINUTE, cap=3).count == 2


def test_waiting_cases_and_replays(db):
    clock = Clock()
    conversations = ConversationRepository(db.sessions, clock=clock)
    activity = BuyerActivity(db.sessions, clock=clock)
    with write_session(db.sessions) as session:
        session.add(BuyerRow(id="B17", created_at=NOW))
        session.flush()
        for status in (CaseStatus.WAITING_FOR_AGENT, CaseStatus.WAITING_FOR_AGENT, "resolved"):
            session.add(
                CaseRow(
                    buyer_id="B17", intent="request_human", status=status, created_at=NOW,
                    updated_at=NOW,
                )
            )  # fmt: skip
    assert activity.opening("B17", within=HOUR, cap=0)[0] == 2
    assert activity.opening("B99", within=HOUR, cap=0)[0] == 0

    conversation = conversations.create("B17", {})
    conversations.record_inbound(conversation.conversation_id, "B17", "hi", [], "key-1")
    cid = conversation.conversation_id

    def sent(buyer_id: str, key: str) -> Window | None:
        return activity.messages_sent(buyer_id, within=MINUTE, cap=3, replay_of=(cid, key))

    assert sent("B17", "key-1") is None  # a retry of a stored message: no limit applies
    assert sent("B17", "key-2") == Window(1, 0)
    assert sent("B99", "key-1") == Window(0, 0)  # another buyer's key is not their replay
