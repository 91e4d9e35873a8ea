"""A buyer handed to a person hears when an agent will answer (HELP-8.1: every day 9:00-21:00
local time, the usual wait under 15 minutes; dev7 j37 "how long til someone actualy looks at
it?" was told only "an agent will reply here")."""

from datetime import UTC, datetime

import pytest

from bot.dialogue.agent_hours import agent_wait
from bot.language.catalogue import say, speaking
from tests.utils.builders import bot_text, citations


@pytest.mark.parametrize(
    ("utc_hour", "currency", "language", "key"),
    [
        (2, "SGD", "en", "agent_wait_open"),  # 10:00 in Singapore
        (14, "SGD", "en", "agent_wait_closed"),  # 22:00 in Singapore
        (1, "THB", "en", "agent_wait_closed"),  # 8:00 in Bangkok
        (2, "THB", "en", "agent_wait_open"),  # 9:00 in Bangkok
        (13, None, "th", "agent_wait_open"),  # 20:00 in Bangkok: the language's market
        (13, "USD", "en", "agent_wait_hours"),  # no market known: the hours said whole
    ],
)
def test_the_wait_is_the_markets_local_hours(utc_hour, currency, language, key):
    now = datetime(2026, 12, 7, utc_hour, 0, tzinfo=UTC)
    with speaking(language):
        said = agent_wait(now, currency, language)
    with speaking("en"):
        assert said.english == str(say(key))
    assert "15" in str(said)


def test_a_hand_off_says_when_an_agent_will_answer(chat, nlu):
    turn = chat.say("I want to talk to a person")
    assert turn["status"] == "waiting_for_agent"
    assert "HELP-8.1" in citations(turn) and "15 minutes" in bot_text(turn), bot_text(turn)
