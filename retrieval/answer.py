"""Grounded policy answers: quote the best clause's most relevant sentence(s), or hand over.

When the re-ranker scores the first two clauses nearly alike, both are quoted and cited: a
buyer reading two close rules finds the one they asked about, while a guess between them is
wrong about half the time (``SECOND_CLAUSE_MARGIN``). A second clause is quoted as well when
the first states no quantity of the kind asked and the other's title does
(``KIND_CLAUSE_MARGIN``), or when the first lies outside the section of the situation the
question names (``SITUATION_CLAUSE_MARGIN``); and every quote states the figure its clause's
title states ("Return window: 30 days ...") when the clause has one.

Extractive on purpose: every word the bot says about the policy is the policy's own, and the
clause id travels with it as the citation. Below the confidence threshold the bot says it is
not sure and offers a person instead of guessing (the same idea as Rasa's FallbackClassifier),
unless the answerability gate vouches for the first clause (``retrieval.answerability``) or one
sentence of a long message does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from common.sentences import is_long, sentence_spans
from retrieval.base_rules import BaseRules
from retrieval.currency import currency_hit
from retrieval.deadlines import deadline_hit
from retrieval.embedder import Embedder
from retrieval.expansion import ItemCategories
from retrieval.kb import Clause, split_sentences
from retrieval.parts import question_parts
from retrieval.preamble import without_preamble
from retrieval.quantity import (
    asked_kinds,
    asks_quantity,
    category_words,
    figures,
    mentions,
    stated_kinds,
    states_number,
    words,
)
from retrieval.situation import (
    SITUATION_BOOST,
    prefer_situation,
    section_of,
    without_change_of_mind,
)
from retrieval.types import ClauseScorer, Hit, Retriever

# A "sentence" of fewer words says too little to vouch for a clause alone ("Thanks so much.").
MIN_SENTENCE_WORDS = 3
# The sentences that may vouch, at most (one embedding each; the NLU reads as many alone): a
# 1,000-character message of short sentences would otherwise cost dozens of embeddings.
MAX_VOUCHING_SENTENCES = 8
NOT_SURE_REPLY = (
    "I'm not sure our policy covers that, and I'd rather not guess. "
    "Would you like me to pass your question to a customer-service agent?"
)
# How many hits the answerer asks for: the best one is quoted, the rest travel along for the
# agent console ("other clauses that may apply").
ANSWER_DEPTH = 3
# A second sentence is quoted only when it is nearly as relevant as the best one; otherwise
# one sentence is the clearer answer. A readability heuristic, not tuned on the eval set.
SECOND_SENTENCE_RATIO = 0.9
# A numbered sentence that names the category of the item asked about ("For electronics the
# window is shorter: 15 days") is that item's rule; this bonus (on the cosine scale) lets it
# beat the general rule's sentence. Chosen on data/retrieval/dev_questions.jsonl.
CATEGORY_BONUS = 0.2
# When the re-ranker scores the second clause within this many logits of the first, it could
# not tell which of the two the buyer asks about ("the window for a change-of-mind return":
# RET-2.2's exclusions or RET-2.1's 30 days), and the answer quotes both, each cited, rather
# than guess. Chosen on the dev questions, cross-validated (``python -m lab.retrieval.rerank``,
# README "Policy retrieval"), never on a held-out set, by a rule set beforehand: the widest
# margin at which at most a quarter of answers quote two clauses (1.5: 21%; a relevant clause
# in the answer 0.760 -> 0.835).
SECOND_CLAUSE_MARGIN = 1.5
# A question asking for a kind of quantity ("how long", "what fee") that the first clause does
# not state at all (RET-2.2's exclusions for "the window for a change-of-mind return") also
# quotes the next clause among the hits whose title states that kind (RET-2.1: "30 days, or 15
# days for electronics") when the re-ranker scores it within this many logits of the first.
# Dev questions, 5-fold cross-validated (``python -m lab.retrieval.answer_dev``, 2026-12-03):
# the answer holds a relevant clause and the labelled fact for 101 / 102 / 103 / 104 / 104 of
# 124 at margins off / 2 / 3 / 4 / unbounded (two clauses quoted in 21.0% / 21.2% / 21.4% /
# 21.6% / 22.0% of answers): the narrowest margin with the most facts.
KIND_CLAUSE_MARGIN = 4.0
# A question naming a situation ("who pays the postage when I send back something that arrived
# broken?", the NLU reading "damaged") whose first clause is outside that situation's section
# (RET-2.3's $5 for a change of mind) also quotes the best hit of the section (DMG-3.3's free
# return) when the re-ranker scores it within this many logits of the first. Dev questions
# with the NLU's readings, 5-fold cross-validated (``python -m lab.retrieval.answer_dev
# --readings``, 2026-12-03), margins off / 1 / 2 / 3 / 4 / unbounded: a relevant clause in the
# answer 0.841 / 0.841 / 0.843 / 0.847 / 0.849 / 0.851, two clauses quoted in 21.6% / 21.6% /
# 22.2% / 23.2% / 24.2% / 28.1% of answers; chosen by ``SECOND_CLAUSE_MARGIN``'s rule, the
# widest margin at which at most a quarter of answers quote two clauses (4 of the 13 clauses it
# adds are relevant where the first was not).
SITUATION_CLAUSE_MARGIN = 4.0
# How deep the situation's clause is looked for: the first ``SITUATION_CLAUSE_DEPTH`` hits (the
# margin is the real bound). Dev questions (as above): depth 3 / 4 / 5 give the same figures but
# for one more two-clause answer at 5; the dev conversations' s37 ("who pays the postage when I
# send back something that arrived broken?") has DMG-3.3 fourth, 2.9 behind RESP-7.1: 4.
SITUATION_CLAUSE_DEPTH = 4
# A quantity question ("how long", "how many days", "how much", "what fee") also quotes the
# next hit stating a figure of the asked kind (days for "how long", money for "how much"), in
# its title or text, when the re-ranker scores it within this many logits of the first; the
# first clause stays first. Unlike ``KIND_CLAUSE_MARGIN`` the first may state such a figure
# itself: "how long do i have to return something" ranks RET-2.4's "3 business days" (the
# refund) first and RET-2.1's 30-day window 2.6 logits behind. Dev questions, 5-fold
# cross-validated (``python -m lab.retrieval.answer_dev --quantity-margins``, 2026-12-04),
# margins off / 1 / 2 / 3 / 4 / 5: relevant clause and labelled fact 106 / 106 / 107 / 110 /
# 110 / 110 of 124, two clauses quoted in 41.3 / 41.3 / 41.8 / 43.0 / 44.2 / 46.2% of answers:
# the narrowest margin with the most facts. The dev conversations' policy questions (dev, dev2,
# dev3, answerer alone) stay at 75 / 92 at every margin.
QUANTITY_CLAUSE_MARGIN = 3.0
# Inside a clause, a sentence repeating the question's content words (stop words and the words
# every question has dropped, stemmed) is preferred: the bonus times the share of those words
# it repeats, added on the cosine scale to the sentence's similarity. MiniLM scores sentences
# of one clause close together; the buyer's own words break near-ties. Dev questions as above
# at margin 3, bonus 0 / 0.1 / 0.2: relevant clause and fact 110 / 110 / 110 of 124, mean
# words 74.2 / 73.4 / 73.4; dev conversations' questions 75 / 75 / 75 of 92: no fact gained
# or lost, shorter quotes. 0.1, the smallest bonus with the shorter answers.
WORD_OVERLAP_BONUS = 0.1
# How many clauses the other questions of one message may add to its answer (`retrieval.parts`):
# a message rarely asks more than two things, and each added quote lengthens the answer.
MAX_PART_CLAUSES = 2


@dataclass(frozen=True, slots=True)
class PolicyAnswer:
    """A reply about the policy. ``citations`` is empty exactly when ``confident`` is False."""

    text: str
    citations: tuple[str, ...]
    confident: bool
    hits: tuple[Hit, ...]
    # The language ``text`` is written in: English, or the translated clauses' language the
    # multilingual answerer quoted (the dialogue then says no "in English" before it).
    language: str = "en"


class PolicyAnswerer:
    """Answers a buyer's policy question from a retriever, or declines below ``threshold``.

    ``threshold`` is on the retriever's score scale (cosine for dense and hybrid); see
    ``retrieval.defaults`` for the calibrated value. Without an ``embedder`` the reply is the
    first sentence of the hit's best passage; with one, the sentence(s) of that passage
    closest to the question.
    """

    def __init__(
        self,
        retriever: Retriever,
        threshold: float,
        *,
        embedder: Embedder | None = None,
        depth: int = ANSWER_DEPTH,
        categories: ItemCategories | None = None,
        situation_boost: int = SITUATION_BOOST,
        second_clause_margin: float = SECOND_CLAUSE_MARGIN,
        kind_clause_margin: float = KIND_CLAUSE_MARGIN,
        situation_clause_margin: float = SITUATION_CLAUSE_MARGIN,
        situation_clause_depth: int = SITUATION_CLAUSE_DEPTH,
        quantity_clause_margin: float = QUANTITY_CLAUSE_MARGIN,
        word_overlap_bonus: float = WORD_OVERLAP_BONUS,
        base_rules: BaseRules | None = None,
        clauses: Sequence[Clause] = (),
        deadlines: bool = True,
    ) -> None:
        self.retriever = retriever
        self.threshold = threshold
        self.embedder = embedder
        self.depth = depth
        # Places a clause of the situation's section moves up (`retrieval.situation`; 0: off).
        self.situation_boost = situation_boost
        # The item -> category lexicon (``retrieval.expansion``): a quantity answer prefers the
        # sentence about the category of the item the buyer names.
        self.categories = categories
        # Every category's own words in the policy ("electronics", "apparel"), for telling a
        # general rule from its category exception; empty without a lexicon.
        self._category_names: set[str] = (
            {w.lower() for c in categories.categories for w in (c.name, *c.expand)}
            if categories is not None
            else set()
        )
        self.second_clause_margin = second_clause_margin
        self.kind_clause_margin = kind_clause_margin
        self.situation_clause_margin = situation_clause_margin
        self.situation_clause_depth = situation_clause_depth
        self.quantity_clause_margin = quantity_clause_margin
        self.word_overlap_bonus = word_overlap_bonus
        # The rule an answer's first clause elaborates is quoted first (`retrieval.base_rules`),
        # from ``clauses`` (the knowledge base); None: off.
        self.base_rules = base_rules
        self._clauses = {c.clause_id: c for c in clauses}
        # A question about "N days ago" or "too late" gets its section's deadline quoted too
        # (`retrieval.deadlines`), from ``clauses``; False: off (for measuring it).
        self.deadlines = deadlines
        self._sentence_vectors: dict[str, tuple[list[str], np.ndarray]] = {}

    def answer(self, question: str, situation: str | None = None) -> PolicyAnswer:
        """Raises ``InvalidQueryError`` for an empty or over-long question. ``situation`` is
        the problem the question names, as the NLU read it (``retrieval.situation``): its
        section's clauses move up the ranking, read deeper by the boost's places.

        A message asking several questions (`retrieval.parts`) is answered whole, then each
        question whose own first clause, found surely, the answer does not cite yet adds that
        clause's quote (at most ``MAX_PART_CLAUSES``); a message none of whose questions is
        sure is declined as before. A greeting or "may I ask" before the question is not
        searched (`retrieval.preamble`)."""
        question = without_preamble(question)
        whole = self._answer_whole(question, situation)
        cited = list(whole.citations)
        quotes = [whole.text] if whole.confident else []
        for part in question_parts(question):
            if len(cited) - len(whole.citations) >= MAX_PART_CLAUSES:
                break
            # Only the part's first clause is used: searched and judged, not composed and
            # quoted as a whole answer would be (that quoting embeds sentences for nothing).
            _, hits = self._search(part, situation)
            if not self._first_is_sure(part, hits) or hits[0].clause_id in cited:
                continue
            quotes.append(self._quote(part, hits[0]))
            cited.append(hits[0].clause_id)
        if len(cited) == len(whole.citations):
            return whole
        return PolicyAnswer(join_quotes(quotes), tuple(cited), True, whole.hits)

    def _answer_whole(self, question: str, situation: str | None) -> PolicyAnswer:
        """The answer to ``question`` read as one question (see ``answer``)."""
        found, hits = self._search(question, situation)
        if not self._first_is_sure(question, hits):
            return PolicyAnswer(NOT_SURE_REPLY, (), False, hits)
        best = hits[0]
        second = (
            self._close_second(hits)
            or self._kind_clause(question, hits)
            or self._quantity_clause(question, hits)
            or self._situation_clause(found[: self.situation_clause_depth], situation)
        )
        chosen = [best] if second is None else [best, second]
        base = self.base_rules.base_hit(chosen, self._clauses) if self.base_rules else None
        if base is not None:
            chosen.insert(0, base)
        deadline = deadline_hit(question, chosen, self._clauses) if self.deadlines else None
        if deadline is not None:
            chosen.append(deadline)
        currency = currency_hit(question, chosen, self._clauses)
        if currency is not None:
            chosen.append(currency)
        return PolicyAnswer(
            join_quotes([self._quote(question, hit) for hit in chosen]),
            tuple(hit.clause_id for hit in chosen),
            True,
            hits,
        )

    def _search(
        self, question: str, situation: str | None
    ) -> tuple[Sequence[Hit], tuple[Hit, ...]]:
        """The hits found (deeper when a situation is named) and the first ``depth`` of them."""
        boost = self.situation_boost
        named = section_of(situation) is not None
        if not named:
            found = self.retriever.search(question, self.depth)
        elif boost <= 0:
            found = self.retriever.search(question, max(self.depth, self.situation_clause_depth))
        else:
            deeper = self.retriever.search(question, self.depth + boost)
            found = prefer_situation(deeper, situation, boost)
        found = without_change_of_mind(found, situation)
        return found, tuple(found[: self.depth])

    def _first_is_sure(self, question: str, hits: Sequence[Hit]) -> bool:
        """Whether the first hit may be answered from (see ``_sure``, ``_a_sentence_is_sure``)."""
        return bool(hits) and (self._sure(hits[0]) or self._a_sentence_is_sure(question, hits[0]))

    def _sure(self, best: Hit) -> bool:
        """The first hit's cosine clears the threshold, or the answerability gate, which reads
        the questions under it, vouches for it (``retrieval.answerability``)."""
        return best.score >= self.threshold or best.sure is True

    def _a_sentence_is_sure(self, question: str, best: Hit) -> bool:
        """Whether one sentence of a long message (`is_long`), alone, is as close to the first
        clause as the threshold asks. A long story dilutes the whole message's vector (a lamp
        that "matches my bedroom perfectly, which took me weeks to find" before "can the seller
        just send me a new one?": 0.408 whole, 0.683 for its question alone), so the clause
        the re-ranker chose was refused although the buyer asked exactly its rule. On blind
        long stories (data/retrieval/dev_long.jsonl) this answered 4 more of 60 answerable
        questions, all rightly, and 1 more of 25 unanswerable ones; no dev question changed."""
        if not isinstance(self.retriever, ClauseScorer) or not is_long(question):
            # (A short message's second sentence is too little to vouch alone: "can pay with
            # paynow or not? don't have credit card leh" was answered from HELP-8.3.)
            return False
        sentences = [
            question[s:e]
            for s, e in sentence_spans(question)
            if len(question[s:e].split()) >= MIN_SENTENCE_WORDS
        ]
        if len(sentences) < 2:
            return False
        for sentence in sentences[:MAX_VOUCHING_SENTENCES]:
            score = self.retriever.clause_score(sentence, best.clause_id)
            if score is not None and score >= self.threshold:
                return True
        return False

    def _close_second(self, hits: Sequence[Hit]) -> Hit | None:
        """The second hit when the re-ranker could not tell it from the first: another clause,
        scored within ``second_clause_margin`` of the first and itself above the threshold."""
        if len(hits) < 2:
            return None
        first, second = hits[0], hits[1]
        if first.rank_score is None or second.rank_score is None:
            return None
        if second.clause_id == first.clause_id or second.score < self.threshold:
            return None
        return second if first.rank_score - second.rank_score < self.second_clause_margin else None

    def _kind_clause(self, question: str, hits: Sequence[Hit]) -> Hit | None:
        """For a question asking for a kind of quantity that the first clause states nowhere
        (title or text): the next hit whose title states that kind, above the threshold and
        scored within ``kind_clause_margin`` of the first by the re-ranker."""
        asked = asked_kinds(question)
        if not asked or not asks_quantity(question):
            return None
        first = hits[0]
        if asked & clause_kinds(first):
            return None
        for hit in hits[1:]:
            if hit.clause_id == first.clause_id or hit.score < self.threshold:
                continue
            if not asked & stated_kinds(hit.title):
                continue
            return hit if _gap(first, hit) < self.kind_clause_margin else None
        return None

    def _quantity_clause(self, question: str, hits: Sequence[Hit]) -> Hit | None:
        """For a quantity question: the next hit stating a figure of the asked kind (title or
        text), above the threshold and scored within ``quantity_clause_margin`` of the first
        by the re-ranker. It is quoted after the first, which may state such a figure too."""
        asked = asked_kinds(question)
        if not asked or not asks_quantity(question):
            return None
        first = hits[0]
        for hit in hits[1:]:
            if hit.clause_id == first.clause_id or hit.score < self.threshold:
                continue
            if first.rank_score is None or hit.rank_score is None:
                return None
            if _gap(first, hit) < self.quantity_clause_margin and asked & clause_kinds(hit):
                return hit
        return None

    def _situation_clause(self, hits: Sequence[Hit], situation: str | None) -> Hit | None:
        """When the first clause is outside the section of the situation the question names:
        that section's best hit, above the threshold and scored within
        ``situation_clause_margin`` of the first by the re-ranker."""
        section = section_of(situation)
        if section is None or hits[0].clause_id.startswith(section):
            return None
        for hit in hits[1:]:
            if hit.clause_id.startswith(section) and hit.score >= self.threshold:
                return hit if _gap(hits[0], hit) < self.situation_clause_margin else None
        return None

    def _quote(self, question: str, hit: Hit) -> str:
        sentences = split_sentences(hit.text)
        if not sentences:
            return hit.text
        # The best-matching passage (retrieval.passages) bounds the quote: the retriever found
        # the clause through those sentences. Unknown (BM25, older hits): the whole clause.
        passage = [i for i in hit.passage if 0 <= i < len(sentences)] or list(range(len(sentences)))
        numbered = [i for i, s in enumerate(sentences) if states_number(s) or stated_kinds(s)]
        about_item = category_words(question, self.categories)
        # The sentences stating the kind of quantity asked for ("how much": money, "how long":
        # time); a quote about money must not answer with a number of days.
        asked = asked_kinds(question)
        of_kind = [i for i in numbered if asked & stated_kinds(sentences[i])]
        if numbered and asks_quantity(question):
            chosen = self._quantity_quote(
                question, hit.clause_id, sentences, of_kind or numbered, about_item
            )
        elif self.embedder is None or len(passage) == 1:
            chosen = {passage[0]}
        else:
            chosen = self._passage_quote(question, hit.clause_id, sentences, passage)
        if of_kind and not chosen & set(of_kind):
            # "What compensation do I get?" matched "up to 3 days late does not qualify"
            # best; the voucher's amount comes along.
            scores = self._scores(question, hit.clause_id, sentences, of_kind, about_item)
            chosen.add(max(of_kind, key=lambda i: (scores[i], -i)))
        if not about_item and asks_quantity(question):
            # A window asked about no item in particular: the general rule and its exception
            # for a category ("within 30 days" and "for electronics ... 15 days"), since the
            # buyer's item may be in it, whichever of the two matched the question.
            chosen |= self._rule_and_exception(
                question, hit.clause_id, sentences, of_kind or numbered, chosen
            )
        if about_item and not any(mentions(sentences[i], about_item) for i in chosen):
            # The rule for the item's own category ("For electronics the window is shorter:
            # 15 days") comes along, even when the question matched the general rule better.
            own_rule = [i for i in numbered if mentions(sentences[i], about_item)]
            chosen.update(own_rule[:1])
        chosen |= self._governing_figure(
            question, hit, sentences, complete(chosen, sentences), about_item
        )
        # Quote in the clause's own order so the sentences read as the policy does.
        return render(complete(chosen, sentences), sentences)

    def _governing_figure(
        self,
        question: str,
        hit: Hit,
        sentences: Sequence[str],
        quoted: Sequence[int],
        about_item: set[str],
    ) -> set[int]:
        """The sentence stating the clause's governing figure when the quote states none of it.

        A clause whose title states a figure ("Return window: 30 days, or 15 days for
        electronics", "Late delivery voucher: 10% of the order value, at most $10") is that
        figure's rule, whatever the question's words: "if my parcel never shows up do I get my
        money back?" needs INR-4.1's "more than 3 days", and "the biggest voucher" INR-4.3's
        "$10", not only "up to 3 days after it does not qualify". The closest sentence stating
        one of the title's figures comes along (nothing when the quote states one already)."""
        governing = figures(hit.title)
        if not governing or any(figures(sentences[i]) & governing for i in quoted):
            return set()
        carrying = [i for i, s in enumerate(sentences) if figures(s) & governing]
        if not carrying:
            return set()
        scores = self._scores(question, hit.clause_id, sentences, carrying, about_item)
        return {max(carrying, key=lambda i: (scores[i], -i))}

    def _rule_and_exception(
        self,
        question: str,
        clause_id: str,
        sentences: Sequence[str],
        candidates: list[int],
        chosen: set[int],
    ) -> set[int]:
        """The closest candidate naming a category when ``chosen`` names none, or the closest
        naming none when ``chosen`` names only categories (nothing when there is no such)."""
        names = self._category_names
        names_category = [i for i in candidates if mentions(sentences[i], names)]
        chosen_exception = any(mentions(sentences[i], names) for i in chosen)
        chosen_rule = any(not mentions(sentences[i], names) for i in chosen)
        if chosen_exception and chosen_rule:
            return set()
        # The side the quote lacks: an exception after a general rule, or the rule after one.
        pool = names_category if chosen_rule else [i for i in candidates if i not in names_category]
        wanted = [i for i in pool if i not in chosen]
        if not wanted:
            return set()
        scores = self._scores(question, clause_id, sentences, wanted, set())
        return {max(wanted, key=lambda i: (scores[i], -i))}

    def _passage_quote(
        self, question: str, clause_id: str, sentences: Sequence[str], passage: list[int]
    ) -> set[int]:
        """The sentence(s) of the best passage closest to the question, plus a number."""
        similarity = self._similarity(question, clause_id, sentences)
        similarity = similarity + self._overlap(question, sentences)
        ranked = [int(i) for i in np.argsort(-similarity, kind="stable")]
        in_passage = [i for i in ranked if i in passage]
        chosen = {in_passage[0]}
        top, runner_up = similarity[in_passage[0]], similarity[in_passage[1]]
        if top > 0 and runner_up >= SECOND_SENTENCE_RATIO * top:
            chosen.add(in_passage[1])
        if not any(states_number(sentences[i]) for i in chosen):
            # The rule's number (days, dollars) is the answer buyers need: the closest sentence
            # that has one comes along, from the passage if it has one, else from the clause.
            numbered = next((i for i in in_passage + ranked if states_number(sentences[i])), None)
            if numbered is not None:
                chosen.add(numbered)
        return chosen

    def _quantity_quote(
        self,
        question: str,
        clause_id: str,
        sentences: Sequence[str],
        numbered: list[int],
        about_item: set[str],
    ) -> set[int]:
        """For "how long / how much / what fee" questions: the clause's sentence(s) stating a
        number that best match the question and the categories of the items it names.

        The whole clause is searched, not just the best passage: the window that matched a
        question about headphones may be the example sentences, while the electronics rule is
        the sentence before them."""
        score = self._scores(question, clause_id, sentences, numbered, about_item)
        ranked = sorted(numbered, key=lambda i: (-score[i], i))
        chosen = {ranked[0]}
        top = score[ranked[0]]
        if len(ranked) > 1 and top > 0 and score[ranked[1]] >= SECOND_SENTENCE_RATIO * top:
            chosen.add(ranked[1])
        return chosen

    def _scores(
        self,
        question: str,
        clause_id: str,
        sentences: Sequence[str],
        candidates: Sequence[int],
        about_item: set[str],
    ) -> dict[int, float]:
        """How well each candidate sentence answers the question (with the items' categories
        appended), plus a bonus for naming the category of the item asked about."""
        expanded = self.categories.expand(question) if self.categories else question
        if self.embedder is not None:
            similarity = self._similarity(expanded, clause_id, sentences)
        else:
            # Without an embedder: the share of the question's words a sentence repeats.
            asked = words(expanded)
            similarity = np.array([len(asked & words(s)) / (len(asked) or 1) for s in sentences])
        overlap = self._overlap(question, sentences)
        return {
            i: float(similarity[i])
            + CATEGORY_BONUS * mentions(sentences[i], about_item)
            + float(overlap[i])
            for i in candidates
        }

    def _overlap(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        """``word_overlap_bonus`` times the share of the question's content words (stemmed)
        each sentence repeats: zeros when the bonus is off or the question has none."""
        if self.word_overlap_bonus <= 0:
            return np.zeros(len(sentences))
        return self.word_overlap_bonus * word_overlap(question, sentences)

    def _vectors(self, clause_id: str, sentences: Sequence[str]) -> np.ndarray:
        """The clause's sentence vectors, embedded once per clause text."""
        assert self.embedder is not None
        cached = self._sentence_vectors.get(clause_id)
        if cached is None or cached[0] != list(sentences):
            cached = (list(sentences), self.embedder.encode(list(sentences)))
            self._sentence_vectors[clause_id] = cached
        return cached[1]

    def _similarity(self, question: str, clause_id: str, sentences: Sequence[str]) -> np.ndarray:
        assert self.embedder is not None
        return self._vectors(clause_id, sentences) @ self.embedder.encode([question])[0]


def word_overlap(question: str, sentences: Sequence[str]) -> np.ndarray:
    """The share of the question's content words (stop words dropped, Snowball-stemmed, so
    "returning" meets "returned") that each sentence repeats; zeros for a question without
    content words."""
    asked = content_stems(question)
    if not asked:
        return np.zeros(len(sentences))
    return np.array([len(asked & content_stems(s)) / len(asked) for s in sentences])


def content_stems(text: str) -> set[str]:
    """The text's words without English stop words, stemmed (as BM25 reads them)."""
    return set(_stem(tuple(w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS)))


_TOKEN = re.compile(r"[a-z0-9]+")
# As ``retrieval.lexical`` reads text (negations carry meaning, "not received", so they stay),
# and the words every buyer's question has ("can I", "how do I", "what"): a policy sentence
# sharing them shares nothing the buyer asked about.
_STOPWORDS = (frozenset(STOPWORDS_EN) - {"no", "not", "nor"}) | {
    "i", "me", "my", "you", "your", "we", "our", "us", "do", "does", "did", "can", "could",
    "would", "should", "shall", "may", "might", "must", "have", "has", "had", "am", "been",
    "how", "what", "when", "where", "which", "who", "why", "so", "its", "s",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _stem(tokens: tuple[str, ...]) -> tuple[str, ...]:
    stemmer = _stemmer()
    return tuple(stemmer.stemWords(list(tokens))) if stemmer is not None else tokens


@lru_cache(maxsize=1)
def _stemmer():
    """PyStemmer's English Snowball stemmer (as BM25 uses), or None without PyStemmer."""
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english")


def join_quotes(quotes: Sequence[str]) -> str:
    """The quotes as one reply, each once (two clauses can share the quoted sentence)."""
    return " ".join(dict.fromkeys(quotes))


def _gap(first: Hit, other: Hit) -> float:
    """How far the re-ranker scores ``other`` below ``first`` (0 when either is unscored)."""
    if first.rank_score is None or other.rank_score is None:
        return 0.0
    return first.rank_score - other.rank_score


def clause_kinds(hit: Hit) -> set[str]:
    """The kinds of quantity a clause states anywhere: its title or any of its sentences."""
    kinds = set(stated_kinds(hit.title))
    for sentence in split_sentences(hit.text):
        kinds |= stated_kinds(sentence)
    return kinds


_EXAMPLE = re.compile(r"^(examples?|for (example|instance)|e\.g\.)\b", re.IGNORECASE)
# At most this many list items follow a sentence that introduces them.
_MAX_LIST_ITEMS = 6


def complete(chosen: set[int], sentences: Sequence[str]) -> list[int]:
    """The chosen sentences made whole: a sentence that introduces a list (it ends with a
    colon) brings the list's items, and an example brings the rule it illustrates (the
    closest numbered sentence before it, and the clause's first sentence). A list item alone
    brings the sentence that introduces its list (and so the whole list): "underwear" by
    itself answers nothing. An exception said as a comparison ("the window is shorter") brings
    the rule it is compared with. Indices in the clause's order."""
    chosen = _with_antecedents(chosen, sentences)
    out = set(chosen)
    intros = {j for i in chosen if (j := _list_intro(i, sentences)) is not None}
    for i in sorted(set(chosen) | intros):
        out.add(i)
        if sentences[i].rstrip().endswith(":"):
            for j in range(i + 1, min(len(sentences), i + 1 + _MAX_LIST_ITEMS)):
                out.add(j)
                if sentences[j].rstrip().endswith((".", "!", "?")):
                    break
        if _EXAMPLE.match(sentences[i]):
            out.update({0, _illustrated_rule(i, sentences)})
        elif _COMPARES_BACK.search(sentences[i]):
            out.add(_illustrated_rule(i, sentences))
    return sorted(out)


# An exception said as a comparison with no "than" ("For electronics the window is shorter: 15
# days") is measured against the rule before it: alone, "shorter" says nothing of the 30 days
# every other item has (held-out questions about the window were answered without them).
_COMPARES_BACK = re.compile(
    r"\b(is|are) (shorter|longer|higher|lower|smaller|larger|bigger)\b(?![^.]*\bthan\b)",
    re.IGNORECASE,
)


# A sentence opening with a word that points back ("Then put that box inside a sturdy outer
# box", "That includes a torn plastic wrap", "These checks protect buyers") reads as the rest of
# the sentence before it: alone, "how do i pack it?" was answered "Then put that box inside a
# sturdy outer box or bag", without the box it means (dev6 h34, RET-2.6).
_LEANS_BACK = re.compile(
    r"^(then|that|this|these|those|it|they|otherwise|after that|however)\b", re.IGNORECASE
)


def _with_antecedents(chosen: set[int], sentences: Sequence[str]) -> set[int]:
    """``chosen`` with, for the first chosen sentence when it points back (`_LEANS_BACK`), the
    sentences before it up to the first that does not. A later one points back to what the
    quote says before it already ("A human agent always reviews ... These checks protect
    buyers": not the example between them)."""
    out = set(chosen)
    for i in sorted(chosen)[:1]:
        while i > 0 and _LEANS_BACK.match(sentences[i].lstrip()):
            i -= 1
            out.add(i)
    return out


def _illustrated_rule(i: int, sentences: Sequence[str]) -> int:
    """The rule an example (sentence ``i``) illustrates with its figures: the closest sentence
    before it that states a number ("a flat $5 is deducted" before "a $40 jacket gives a $35
    refund"), else the clause's first sentence. The first sentence comes too (``complete``):
    it is the clause's main rule, and "Examples:" often illustrate both."""
    before = (j for j in range(i - 1, -1, -1) if states_number(sentences[j]))
    return next(before, 0)


def _list_intro(i: int, sentences: Sequence[str]) -> int | None:
    """The sentence ending with a colon whose list sentence ``i`` is an item of, if any. Like
    ``render``, a sentence without an end mark of its own counts as an item; so does the last
    item, which has one, when the item before runs on into it ("refuse the parcel, or" /
    "accept it and return it within 30 days."): alone it reads "accept it" with no subject."""
    own = sentences[i].rstrip()
    if own.endswith(":"):
        return None
    if own.endswith((".", "!", "?")) and not (
        i > 0 and _CONTINUES.search(sentences[i - 1].rstrip())
    ):
        return None
    for j in range(i - 1, max(-1, i - 1 - _MAX_LIST_ITEMS), -1):
        previous = sentences[j].rstrip()
        if previous.endswith(":"):
            return j
        if previous.endswith((".", "!", "?")):
            return None
    return None


# A list item that runs on into the next ("refuse the parcel, or" / "accept it and return
# it."): no semicolon or full stop after it. Also in the translations' words for "or", "and"
# (Malay and Indonesian atau / dan, Tagalog o / at, Vietnamese hoặc / và, Thai หรือ / และ,
# which Thai writes without a word break): "(lihat CAN-1.5), atau." had ended an item.
_CONTINUES = re.compile(r"(,|\b(or|and|but|atau|dan|o|at|hoặc|và)|หรือ|และ)$")


def render(indices: list[int], sentences: Sequence[str]) -> str:
    """The sentences as one text; the items of a list (what follows a colon, without an end
    mark of its own) are joined by semicolons, and the list ends with a full stop."""
    parts: list[str] = []
    in_list = previous_was_item = False
    for i in indices:
        sentence = sentences[i].strip()
        is_item = in_list and not sentence.endswith((".", "!", "?", ":"))
        if previous_was_item and not _CONTINUES.search(parts[-1]):
            parts[-1] += ";" if is_item else "."
        parts.append(sentence)
        previous_was_item = is_item
        if not is_item:
            in_list = sentence.endswith(":")
    if previous_was_item:
        parts[-1] += "."
    return " ".join(parts)
