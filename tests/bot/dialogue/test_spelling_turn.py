"""A buyer who types fast (issue 14): the NLU and the policy answer read the corrected text, the
conversation keeps the buyer's own words, and the turn's stored reading says both."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.main import create_app
from bot.store.models import MessageRow
from nlu.spelling import SpellingParser, shared
from tests.bot.conftest import make_services
from tests.utils.builders import Chat

TYPED = "how many days do i have to send bak a lipstik i alredy opend?"
READ = "how many days do i have to send back a lipstick i already opened?"


@pytest.fixture
def spelt_chat(settings, world_db, nlu, answerer, risk_model, buyer_headers):
    services = make_services(world_db, nlu, answerer, risk_model)
    services = dataclasses.replace(services, parser=SpellingParser(nlu, shared()))
    with TestClient(create_app(settings, services)) as client:
        yield Chat(client, buyer_headers)


def test_the_stored_message_is_what_the_buyer_typed(spelt_chat, nlu, answerer, world_db):
    spelt_chat.say(TYPED)
    assert nlu.texts == [READ]  # the NLU read the corrected words
    assert answerer.questions == [READ]  # and so did the policy answer's retrieval
    buyer = [m for m in spelt_chat.view()["messages"] if m["role"] == "buyer"]
    assert [m["text"] for m in buyer] == [TYPED]
    with world_db.sessions() as session:
        [stored] = session.scalars(select(MessageRow).where(MessageRow.text == TYPED))
    assert stored.nlu["read_as"] == READ


def test_a_message_without_typos_is_stored_and_read_as_typed(spelt_chat, nlu, world_db):
    spelt_chat.say("cancel P100")
    assert nlu.texts == ["cancel P100"]
    with world_db.sessions() as session:
        [stored] = session.scalars(select(MessageRow).where(MessageRow.text == "cancel P100"))
    assert "read_as" not in stored.nlu


def test_the_parse_api_gives_offsets_into_the_text_sent(
    settings, world_db, nlu, answerer, risk_model, agent_headers
):
    services = make_services(world_db, nlu, answerer, risk_model)
    services = dataclasses.replace(services, parser=SpellingParser(nlu, shared()))
    typed = "send bak the lipstik from P100 pls"
    with TestClient(create_app(settings, services)) as client:
        response = client.post("/v1/nlu/parse", json={"text": typed}, headers=agent_headers)
    assert response.status_code == 200
    assert nlu.texts == ["send back the lipstick from P100 pls"]
    (order,) = response.json()["entities"]
    assert typed[order["start"] : order["end"]] == order["value"] == "P100"
