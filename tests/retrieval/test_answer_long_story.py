"""A long story's question sentence may vouch for the clause the whole message found
(`PolicyAnswerer._a_sentence_is_sure`): the story dilutes the whole message's cosine."""

from __future__ import annotations

from retrieval.answer import PolicyAnswerer
from retrieval.types import ClauseScorer, Hit

QUESTION = "Instead of a refund, can the seller just send me a new one that actually works?"
STORY = (
    "The desk lamp I ordered doesn't turn on at all; I tried three different sockets and a "
    "brand new bulb. It's a really nice lamp otherwise, and it matches my bedroom perfectly, "
    f"which took me weeks to find. I still want this exact lamp. {QUESTION}"
)


class SentenceScoringRetriever:
    """The whole message scores 0.40; the question sentence alone ``sentence_score``."""

    name = "scoring"

    def __init__(self, sentence_score: float) -> None:
        self.sentence_score = sentence_score
        self.scored: list[tuple[str, str]] = []

    def search(self, query: str, k: int) -> list[Hit]:
        return [Hit("DMG-3.6", "Replacements", "A replacement is sent within 5 days.", 0.40)][:k]

    def clause_score(self, query: str, clause_id: str) -> float | None:
        self.scored.append((query, clause_id))
        return self.sentence_score if query == QUESTION else 0.30


def test_a_long_storys_question_sentence_vouches_for_the_clause_found() -> None:
    retriever = SentenceScoringRetriever(0.68)
    assert isinstance(retriever, ClauseScorer)
    answer = PolicyAnswerer(retriever, threshold=0.445).answer(STORY)
    assert answer.confident and answer.citations == ("DMG-3.6",)
    assert (QUESTION, "DMG-3.6") in retriever.scored  # the first clause, nothing else


def test_no_sentence_close_enough_is_still_refused() -> None:
    answer = PolicyAnswerer(SentenceScoringRetriever(0.44), threshold=0.445).answer(STORY)
    assert not answer.confident and answer.citations == ()


def test_a_short_message_is_judged_whole() -> None:
    # Two short sentences: the second alone is too little to vouch ("can pay with paynow or
    # not? don't have credit card leh" was answered from a help clause).
    retriever = SentenceScoringRetriever(0.9)
    answer = PolicyAnswerer(retriever, threshold=0.445).answer(f"Lamp is dead. {QUESTION}")
    assert not answer.confident and retriever.scored == []


def test_a_retriever_that_cannot_score_one_clause_is_judged_whole() -> None:
    class Plain:
        name = "plain"

        def search(self, query: str, k: int) -> list[Hit]:
            return [Hit("DMG-3.6", "Replacements", "A replacement is sent.", 0.40)]

    assert not PolicyAnswerer(Plain(), threshold=0.445).answer(STORY).confident


def test_a_message_of_many_sentences_costs_at_most_eight_scorings() -> None:
    from retrieval.answer import MAX_VOUCHING_SENTENCES

    retriever = SentenceScoringRetriever(0.9)
    many = " ".join(f"Sentence number {i} says little." for i in range(30))
    assert not PolicyAnswerer(retriever, threshold=0.445).answer(many).confident
    assert len(retriever.scored) == MAX_VOUCHING_SENTENCES == 8
