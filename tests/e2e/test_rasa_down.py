"""Rasa dies in the middle of a conversation: a person takes over, nothing is lost.

This test runs its own Rasa server (the session's one stays up for the other tests) and its own
bot instance over it, with the session's loaded retrieval and risk models and its own database.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.main import create_app
from bot.services import Services
from bot.store.db import Database
from bot.store.migrate import upgrade
from nlu.client import RasaHttpParser
from nlu.model import require_model
from nlu.server import RasaServer
from tests.e2e.conftest import e2e_settings
from tests.e2e.support import Chat, Item, LiveServer, Shop

pytestmark = pytest.mark.integration


def test_rasa_stopping_mid_conversation_hands_over_and_keeps_the_message(bot, tmp_path):
    rasa = RasaServer(require_model(), log_file=tmp_path / "rasa.log").start(timeout_s=240)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    settings = e2e_settings(rasa.url, url, rasa.auth_token)
    loaded = bot.server.app.state.services
    parser = RasaHttpParser(
        rasa.url,
        timeout_s=settings.rasa_timeout_s,
        thresholds=settings.nlu_thresholds(),
        token=settings.rasa_token,
    )
    database = Database(url)
    services = Services(
        parser=parser,
        readiness={"rasa": parser.is_ready, "database": database.is_ready},
        database=database,
        answerer=loaded.answerer,
        risk_model=loaded.risk_model,
    )
    server = LiveServer(create_app(settings, services)).start()
    shop = Shop(server.url, settings)
    chat = Chat(server.url, settings, shop.new_buyer("rasa-down"))
    try:
        shop.loyal_history(chat.buyer_id)
        order = shop.order(chat.buyer_id, Item("Frying pan", "38"), placed=6, delivered=2)

        turn = chat.say("i'd like to return something i bought last week")
        # Mid-conversation: "last week" names the buyer's one order of last week, which the bot
        # proposes (a yes/no); without a date it would ask for the order.
        assert turn.intent == "return_item" and turn.expecting in {"confirmation", "order_id"}

        rasa.stop()
        words = f"it's {order}, the frying pan, handle is loose"
        turn = chat.say(words)
        assert turn.status == "waiting_for_agent"
        assert "a person will help" in turn.text and "kept your message" in turn.text
        assert turn.actions == [] and turn["nlu"] is None
        assert shop.http.get("/ready").status_code == 503

        view = chat.view()
        assert view["status"] == "waiting_for_agent"
        assert [m["text"] for m in view["messages"] if m["role"] == "buyer"][-1] == words
        agent = bot.agent.headers
        queue = shop.http.get("/v1/agent/queue", headers=agent).json()["cases"]
        [case] = [c for c in queue if c["conversation_id"] == chat.id]
        assert "nlu_unavailable" in case["reasons"]
    finally:
        chat.close()
        shop.http.close()
        server.stop()
        rasa.stop()
        database.dispose()
        # The parser's pool belonged to the stopped server's event loop; its only peer is the
        # stopped Rasa, so there is nothing left to flush.
        with contextlib.suppress(RuntimeError):
            asyncio.run(parser.aclose())
