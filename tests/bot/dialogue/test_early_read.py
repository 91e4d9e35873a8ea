"""The NLU reads a buyer message while the message is being recorded (issue 17): the two waits
overlap. The turn uses that early reading only when it reads the same words by the same route;
otherwise it is discarded and the message read again, as before."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from bot.store.conversations import ConversationRepository
from nlu.routing import LanguageRoutedParser
from nlu.types import ParseResult
from tests.bot.conftest import make_services
from tests.utils.builders import Chat
from tests.utils.fakes import ScriptedParser


class StartedParser(ScriptedParser):
    """Tells when a parse started (the fake records its text only once it is done)."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()

    async def parse(self, text: str) -> ParseResult:
        self.started.set()
        return await super().parse(text)


@pytest.fixture
def nlu() -> StartedParser:
    return StartedParser()


def test_the_message_is_read_while_it_is_recorded(chat, nlu, monkeypatch):
    chat.say("hi")  # the conversation exists and has had a turn
    record = ConversationRepository.record_inbound
    seen_during_record: list[bool] = []

    def slow_record(self, *args, **kwargs):
        # The event loop is free while this runs in the thread pool: the early reading starts.
        seen_during_record.append(nlu.started.wait(timeout=2.0))
        return record(self, *args, **kwargs)

    monkeypatch.setattr(ConversationRepository, "record_inbound", slow_record)
    nlu.started.clear()
    turn = chat.say("please cancel order P100")
    assert seen_during_record == [True]
    assert turn["nlu"]["intent"]["name"] == "cancel_order"
    assert nlu.texts.count("please cancel order P100") == 1  # read once, not twice


def test_a_reading_by_another_route_is_discarded_and_the_message_read_again(
    settings, world_db, answerer, risk_model, buyer_headers
):
    english, multilingual = ScriptedParser(), ScriptedParser()
    routed = LanguageRoutedParser(english, multilingual)
    services = make_services(world_db, routed, answerer, risk_model)  # type: ignore[arg-type]
    with TestClient(create_app(settings, services)) as client:
        chat = Chat(client, buyer_headers)
        opening = "tolong batalkan pesanan P100, saya nak batal sebab tersalah saiz"
        multilingual.script[opening] = "cancel_order"
        chat.say(opening)  # a Malay conversation
        # Another process served that turn: this one has not seen the conversation's language.
        client.app.state.dialogue._seen = type(client.app.state.dialogue._seen)()
        english.texts.clear(), multilingual.texts.clear()
        multilingual.script["ok"] = "affirm"
        turn = chat.say("ok")
    # Alone, "ok" would go to the English model; in a Malay conversation the turn reads it by
    # the conversation's language: the early English reading is not used.
    assert multilingual.texts == ["ok"]
    assert turn["nlu"]["intent"]["name"] == "affirm"


def test_a_failed_early_reading_hands_over_as_a_failed_reading_does(chat, nlu):
    chat.say("hi")
    nlu.down = True
    turn = chat.say("please cancel order P100")
    assert turn["status"] == "waiting_for_agent"


def test_what_the_process_remembers_of_conversations_is_bounded():
    from bot.dialogue.manager import _Seen

    seen = _Seen(size=2)
    for i in range(3):
        seen.note(f"c{i}", {"status": "bot", "language": "en", "expecting": None})
    seen.note("c1", {"status": "waiting_for_agent", "language": "en", "expecting": None})
    assert seen.get("c0") is None  # the oldest is forgotten first
    assert seen.get("c1").status == "waiting_for_agent" and seen.get("c2").status == "bot"


def test_a_retried_message_is_not_read_again(chat, nlu, bot_client):
    first = chat.say("please cancel order P100", key="k-1")
    headers = {**chat.headers, "Idempotency-Key": "k-1"}
    again = bot_client.post(
        f"/v1/conversations/{chat.id}/messages", json={"text": "please cancel order P100"},
        headers=headers,
    )  # fmt: skip
    assert again.status_code == 200 and again.json() == first
    assert nlu.texts.count("please cancel order P100") == 1
