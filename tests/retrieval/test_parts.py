"""A message asking several questions: each part found, each answered (`retrieval.parts`)."""

from __future__ import annotations

from typing import ClassVar

import pytest

from retrieval.answer import PolicyAnswerer
from retrieval.parts import question_parts
from retrieval.types import Hit


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "how many days do i get and do i have to pay for the shipping back",
            ["how many days do i get", "do i have to pay for the shipping back"],
        ),
        (
            "I bought a tote. Who pays the postage, and how long do I have to decide?",
            ["Who pays the postage", "how long do I have to decide?"],
        ),
        (
            "Can I return it? How much will I get back?",
            ["Can I return it?", "How much will I get back?"],
        ),
        (
            "I bought a TV, just wondering in case it breaks: is there a limit on refunds?",
            ["I bought a TV, just wondering in case it breaks", "is there a limit on refunds?"],
        ),
        # One question, or a second one too short to answer alone: no parts.
        ("how long do refunds take to reach my card", []),
        ("My parcel came crushed. Is that true? Do I really have to chase the courier?", []),
        # "and" that joins no question on.
        ("can I return the shoes and the socks together?", []),
    ],
)
def test_the_questions_of_a_message(text, parts) -> None:
    assert question_parts(text) == parts


class ByWordRetriever:
    """Finds the clauses a query's words name, in this order (the weather first, unsurely)."""

    name = "by-word"
    CLAUSES: ClassVar[dict[str, Hit]] = {
        "weather": Hit("HELP-8.1", "Help", "We are here.", 0.1),
        "days": Hit("RET-2.1", "Window", "Return within 30 days.", 0.8),
        "pay": Hit("RET-2.3", "Return shipping", "A flat $5 is deducted.", 0.8),
        "refund": Hit("RET-2.4", "Refund", "Refunded within 3 business days.", 0.8),
    }

    def search(self, query: str, k: int) -> list[Hit]:
        return [hit for word, hit in self.CLAUSES.items() if word in query.lower()][:k]


def test_each_question_of_a_message_adds_its_own_clause() -> None:
    answer = PolicyAnswerer(ByWordRetriever(), 0.4).answer(
        "refund how many days do i get and do i have to pay for shipping"
    )
    # The whole message finds the first clause its words name; the second part adds RET-2.3.
    assert answer.citations[-1] == "RET-2.3" and "RET-2.1" in answer.citations
    assert "A flat $5 is deducted." in answer.text


def test_a_part_found_unsurely_or_already_cited_adds_nothing() -> None:
    answerer = PolicyAnswerer(ByWordRetriever(), 0.4)
    answer = answerer.answer("how many days do i get and is the weather nice out there")
    assert answer.citations == ("RET-2.1",)


def test_a_message_whose_whole_reading_is_unsure_is_answered_by_its_sure_parts() -> None:
    answerer = PolicyAnswerer(ByWordRetriever(), 0.4)
    text = "what about the weather and do i have to pay for shipping"
    assert not answerer._answer_whole(text, None).confident
    answer = answerer.answer(text)
    assert answer.confident and answer.citations == ("RET-2.3",)


def test_a_numbered_list_of_questions_is_one_part_each():
    # dev30 ac10: three numbered questions, the first answered alone.
    text = (
        "hiii few qs before i order 1) if i swatch a lipstick and dont like the shade can i "
        "return it?? 2) if i return shoes how much is the return shipping 3) how long does the "
        "refund take to come back to my card thx!!"
    )
    parts = question_parts(text)
    assert len(parts) == 3
    assert "return shipping" in parts[1] and parts[2].startswith("how long")
