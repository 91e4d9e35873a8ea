"""Test doubles shared by unit tests. Never used by the product."""

from __future__ import annotations

import asyncio
import re

import numpy as np
import pandas as pd

from nlu.errors import NluUnavailable
from nlu.types import Entity, IntentScore, ParseResult
from retrieval.answer import NOT_SURE_REPLY, PolicyAnswer


class FakeParser:
    """Answers every text with a fixed reading; can be switched to 'down'."""

    def __init__(self, intent: str = "track_order", confidence: float = 0.9) -> None:
        self.intent, self.confidence = intent, confidence
        self.down = False
        self.texts: list[str] = []

    async def parse(self, text: str) -> ParseResult:
        if self.down:
            raise NluUnavailable("fake Rasa is down")
        self.texts.append(text)
        entities = ()
        if "A1001" in text:
            start = text.index("A1001")
            entities = (Entity("order_id", "A1001", start, start + 5, "RegexEntityExtractor"),)
        return ParseResult(
            text=text,
            intent=IntentScore(self.intent, self.confidence),
            intent_ranking=(IntentScore(self.intent, self.confidence),),
            entities=entities,
        )

    async def is_ready(self) -> bool:
        return not self.down

    async def aclose(self) -> None:
        return None


# Keyword rules standing in for the trained NLU: first match wins (tests may add exact texts
# to `ScriptedParser.script`).
_RULES = (
    (r"\b(person|human|agent)\b", "request_human"),
    (r"charged twice|double charge|payment failed", "payment_issue"),
    (r"\b(never ?mind|forget it)\b", "deny"),
    (r"how many|how long|is there", "ask_policy"),
    (r"where is my refund|refund status|still no refund", "track_refund"),
    (r"where is|status|track", "track_order"),
    (r"\bcancel\b", "cancel_order"),
    (r"\bchange\b", "change_order"),
    (r"never arrived|didn't arrive|not arrived|\blost\b", "item_not_received"),
    (r"damaged|broken|cracked", "damaged_item"),
    (r"\bwrong\b", "wrong_item"),
    (r"\breturn\b", "return_item"),
    (r"refund|money back", "request_refund"),
    (r"worst|unhappy|terrible", "complaint"),
    (r"\?$", "ask_policy"),
    (r"^(hi|hello|hey)\b", "greet"),
    (r"thank", "thank"),
    (r"\bbye\b", "goodbye"),
    (r"^(yes|yeah|yep|sure|ok|okay|go ahead)\b", "affirm"),
    (r"^(no|nope)\b", "deny"),
)
# Keyword rules standing in for the NLU's claim_reason (first match wins; none: "none").
_REASON_RULES = (
    (r"\b(broken|damaged|cracked|smashed|defective|not working|faulty)\b", "damaged"),
    (r"(?<!not )\b(wrong|not what i ordered|different (colou?r|size|item))\b", "wrong_item"),
    (r"\b(never (arrived|came)|not (arrived|received|delivered)|didn'?t (arrive|come)|lost)\b",
     "not_received"),
    (r"(?<!not )(?<!n't )\b(late|delayed|overdue|took (forever|ages|so long))\b", "late_delivery"),
    (r"\b(changed my mind|don'?t (want|need|like)|doesn'?t fit|too (big|small))\b",
     "change_of_mind"),
)  # fmt: skip
_ORDER_ID = re.compile(r"#?\b([A-Z]\d{3,}|\d{4,})\b")


class ScriptedParser:
    """A stand-in for Rasa: keyword rules for the intent and the claim reason, a regex for
    order ids; `script` and `reasons` fix the reading of exact texts."""

    def __init__(self, confidence: float = 0.95) -> None:
        self.confidence = confidence
        self.script: dict[str, str] = {}
        # Exact texts' claim reasons: a name, or (name, confidence).
        self.reasons: dict[str, str | tuple[str, float]] = {}
        # Exact texts' dialogue acts (none otherwise): a name, or (name, confidence).
        self.acts: dict[str, str | tuple[str, float]] = {}
        # Exact texts' product entities, as the NLU would tag them.
        self.products: dict[str, tuple[str, ...]] = {}
        # Exact texts' runners-up after the intent: (name, confidence) pairs.
        self.runners_up: dict[str, tuple[tuple[str, float], ...]] = {}
        self.down = False
        self.delay_s = 0.0
        self.texts: list[str] = []

    async def parse(self, text: str) -> ParseResult:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.down:
            raise NluUnavailable("fake Rasa is down")
        self.texts.append(text)
        entities = tuple(
            Entity("order_id", m.group(1), m.start(1), m.end(1), "RegexEntityExtractor")
            for m in _ORDER_ID.finditer(text)
        )
        intent = self.script.get(text) or self._intent(text, bool(entities))
        entities += tuple(
            Entity("product", p, text.find(p), text.find(p) + len(p), "DIETClassifier")
            for p in self.products.get(text, ())
        )
        return ParseResult(
            text=text,
            intent=IntentScore(intent, self.confidence),
            intent_ranking=(
                IntentScore(intent, self.confidence),
                *(IntentScore(*pair) for pair in self.runners_up.get(text, ())),
            ),
            entities=entities,
            claim_reason=self._reason(text),
            dialogue_act=self._act(text),
        )

    def _act(self, text: str) -> IntentScore | None:
        scripted = self.acts.get(text)
        if scripted is None:
            return None
        return (
            IntentScore(*scripted) if isinstance(scripted, tuple) else IntentScore(scripted, 0.99)
        )

    def _reason(self, text: str) -> IntentScore:
        scripted = self.reasons.get(text)
        if isinstance(scripted, tuple):
            return IntentScore(*scripted)
        lowered = text.lower()
        rule = next((r for p, r in _REASON_RULES if re.search(p, lowered)), "none")
        return IntentScore(scripted or rule, self.confidence)

    @staticmethod
    def _intent(text: str, has_order: bool) -> str:
        lowered = text.strip().lower()
        for pattern, intent in _RULES:
            if re.search(pattern, lowered):
                return intent
        return "inform" if has_order else "out_of_scope"

    async def is_ready(self) -> bool:
        return not self.down

    async def aclose(self) -> None:
        return None


class FakeAnswerer:
    """Answers every policy question with one clause, or declines (``confident=False``)."""

    def __init__(
        self,
        text: str = "You can return most items within 30 days of delivery.",
        citations: tuple[str, ...] = ("RET-2.1",),
        confident: bool = True,
    ) -> None:
        self.text, self.citations, self.confident = text, citations, confident
        self.questions: list[str] = []
        self.situations: list[str | None] = []

    def answer(self, question: str, situation: str | None = None) -> PolicyAnswer:
        self.questions.append(question)
        self.situations.append(situation)
        if not self.confident:
            return PolicyAnswer(NOT_SURE_REPLY, (), False, ())
        return PolicyAnswer(self.text, self.citations, True, ())


class FakeRiskModel:
    """Scores every case with the same P(abusive)."""

    version = "fake-risk-1"

    def __init__(self, p_abuse: float = 0.01) -> None:
        self.p_abuse = p_abuse
        self.calls = 0

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        self.calls += 1
        p = np.full(len(X), self.p_abuse)
        return np.column_stack([1 - p, p])
