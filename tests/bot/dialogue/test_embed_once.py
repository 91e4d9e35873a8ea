"""A policy question costs one embedding, made before the turn's transaction.

The real dialogue, the real retrieval stack (hybrid retriever, answerer, memo) over the real
knowledge base, with a bag-of-words embedder that records what it is asked to embed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from bot.dialogue.manager import may_ask_policy
from nlu.types import IntentScore, ParseResult
from retrieval.factory import make_answerer
from retrieval.kb import load_knowledge_base
from tests.retrieval.conftest import REPO_ROOT
from tests.retrieval.fakes import FakeEmbedder
from tests.utils.builders import citations


class CountingEmbedder(FakeEmbedder):
    """Records every single text it embeds (a question; batches are the clauses' sentences)."""

    def __init__(self) -> None:
        super().__init__()
        self.single_texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 1:
            self.single_texts.append(texts[0])
        return super().encode(texts)


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def answerer(embedder: CountingEmbedder):
    clauses = load_knowledge_base(REPO_ROOT / "data" / "policies")
    # Bag-of-words cosines sit below the MiniLM threshold: every question is answered here, so
    # each one goes through the search *and* the quoting, the two places that need its vector.
    return make_answerer(clauses, embedder, threshold=-math.inf)


@pytest.mark.parametrize(
    "question",
    [
        "how long do refunds take?",
        # A quantity question quotes the clause's number from its expanded form, like retrieval.
        "how many days do i have to return earbuds?",
        "what if the parcel shows up after you refund me",
    ],
)
def test_a_policy_question_is_embedded_once(chat, nlu, embedder, question) -> None:
    nlu.script[question] = "ask_policy"
    turn = chat.say(question)
    assert citations(turn), turn  # answered from the knowledge base
    assert len(embedder.single_texts) == 1, embedder.single_texts


def test_the_same_question_again_is_not_embedded_again(chat, nlu, embedder) -> None:
    question = "how long do refunds take?"
    nlu.script[question] = "ask_policy"
    chat.say(question)
    chat.say(question)
    assert embedder.single_texts == [question]


def test_a_request_embeds_nothing(chat, embedder) -> None:
    chat.say("I want a refund for D206")
    assert embedder.single_texts == []


def _parse(text: str, intent: str = "request_refund", act: tuple[str, float] | None = None):
    label = IntentScore(*act) if act else None
    return ParseResult(text=text, intent=IntentScore(intent, 0.9), dialogue_act=label)


def test_what_is_answered_before_the_transaction() -> None:
    assert may_ask_policy(_parse("refund window", intent="ask_policy"))
    assert may_ask_policy(_parse("is 30 days for shoes also?"))
    assert may_ask_policy(_parse("refund wallet how fast", act=("question", 0.6)))
    assert not may_ask_policy(_parse("refund wallet how fast", act=("question", 0.4)))
    assert not may_ask_policy(_parse("I want a refund for D206", act=("request", 0.9)))


def test_an_unsure_reading_at_a_confirmation_is_answered_before_the_transaction():
    # "will u charge me for shipping" at a confirmation (`TurnHandler._confirmation`).
    offer = {"proposal_id": "p", "case_id": "c", "order_id": "D200", "remedy": "return_then_refund"}
    waiting = {"proposal": {**offer, "actions": [], "clauses": []}}
    text = "will u charge me for shipping"
    unsure = ParseResult(text=text, intent=IntentScore("payment_issue", 0.64))
    sure = ParseResult(text=text, intent=IntentScore("payment_issue", 0.95))
    assert may_ask_policy(unsure, waiting)
    assert not may_ask_policy(unsure, None)  # nothing on the table: a payment problem
    assert not may_ask_policy(sure, waiting)
