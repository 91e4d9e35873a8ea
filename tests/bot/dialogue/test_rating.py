"""Satisfaction (CSAT): a resolved case ends with a 1-5 rating question; the answer is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.dialogue.wording import rating_of
from bot.main import create_app
from bot.store.models import DecisionRow, MessageRow, RatingRow
from policies.experiments import Experiments
from tests.bot.conftest import make_services
from tests.utils.builders import Chat, bot_text


def ratings(world_db) -> list[RatingRow]:
    with world_db.sessions() as session:
        return list(session.scalars(select(RatingRow)))


def cancel_and_confirm(chat: Chat) -> dict:
    chat.say("please cancel order P100")
    return chat.say("Yes")


def test_a_resolved_case_asks_for_a_rating_and_stores_it(chat, world_db):
    done = cancel_and_confirm(chat)
    assert done["expecting"] == "rating"
    assert done["quick_replies"] == ["1", "2", "3", "4", "5"]
    assert "rate this chat" in bot_text(done)

    thanks = chat.say("4")
    assert thanks["expecting"] is None and thanks["quick_replies"] == []
    assert "Thank you for the rating" in bot_text(thanks)
    [rating] = ratings(world_db)
    assert rating.score == 4 and rating.buyer_id == "B17"
    assert rating.conversation_id == chat.id and rating.case_id is not None


def test_a_low_rating_gets_an_apology_and_a_way_forward(chat, world_db):
    cancel_and_confirm(chat)
    sorry = chat.say("1 star")
    assert "sorry" in bot_text(sorry).lower() and "person" in bot_text(sorry)
    assert [r.score for r in ratings(world_db)] == [1]


def test_something_else_instead_of_a_rating_is_simply_answered(chat, world_db):
    cancel_and_confirm(chat)
    turn = chat.say("where is my order D200")
    assert turn["expecting"] != "rating"
    assert "rating" not in bot_text(turn)
    assert ratings(world_db) == []
    # The question has lapsed: a later "5" is not taken as a rating.
    chat.say("5")
    assert ratings(world_db) == []


def test_a_case_is_rated_once_even_when_the_request_is_retried(chat, world_db):
    cancel_and_confirm(chat)
    first = chat.say("5", key="rate-1")
    again = chat.say("5", key="rate-1")
    assert again == first
    assert [r.score for r in ratings(world_db)] == [5]


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("5", 5),
        ("4 stars", 4),
        ("3/5", 3),
        ("2 out of 5", 2),
        ("I'd give it 4", 4),
        ("⭐⭐⭐", 3),
        ("⭐️⭐️⭐️⭐️⭐️", 5),
        ("1.", 1),
    ],
)
def test_ratings_in_the_buyers_words(text, score):
    assert rating_of(text) == score


@pytest.mark.parametrize("text", ["6", "0", "10", "order 4", "where is A1001", "", "45"])
def test_things_that_are_not_ratings(text):
    assert rating_of(text) is None


def experiments_file(tmp_path: Path, salt: str) -> Path:
    path = tmp_path / f"experiments-{salt}.yml"
    path.write_text(
        f"experiments:\n  - name: limit-test\n    salt: '{salt}'\n    arms:\n"
        "      - {name: control, weight: 1}\n"
        "      - {name: tight, weight: 1, auto_refund_limit: '10.00'}\n"
    )
    return path


@pytest.mark.parametrize("arm", ["control", "tight"])
def test_decisions_log_the_buyers_experiment_arm(
    arm, tmp_path: Path, settings, world_db, nlu, answerer, risk_model, buyer_headers
):
    # A salt that puts buyer B17 in the arm under test (assignment is a pure function).
    salt = next(
        s
        for s in map(str, range(100))
        if Experiments.load(experiments_file(tmp_path, s)).experiments[0].assign("B17").name == arm
    )
    app = create_app(
        settings.model_copy(update={"experiments_file": experiments_file(tmp_path, salt)}),
        make_services(world_db, nlu, answerer, risk_model),
    )
    with TestClient(app) as client:
        turn = Chat(client, buyer_headers).say("please cancel order P100")
    with world_db.sessions() as session:
        [decision] = session.scalars(select(DecisionRow))
    assert (decision.experiment, decision.arm) == ("limit-test", arm)
    assert decision.trace["experiment"]["arm"] == arm
    if arm == "tight":  # $39.99 is above the arm's $10 limit: a person decides
        assert turn["status"] == "waiting_for_agent"
        assert decision.trace["experiment"]["overrides"] == {"auto_refund_limit": "10.00"}
    else:
        assert turn["expecting"] == "confirmation"
        assert decision.trace["experiment"]["overrides"] == {}


def test_a_rating_is_not_sent_to_the_nlu_nor_counted_as_a_fallback(chat, nlu, world_db):
    cancel_and_confirm(chat)
    chat.say("5")
    assert "5" not in nlu.texts  # a bare digit would read as out_of_scope
    turn = chat.view()["messages"]
    assert [m["text"] for m in turn if m["role"] == "buyer"][-1] == "5"
    with world_db.sessions() as session:
        [stored] = session.scalars(select(MessageRow).where(MessageRow.text == "5"))
    assert stored.nlu["intent"] == {"name": "inform", "confidence": 1.0}
