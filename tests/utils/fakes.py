"""Test doubles shared by unit tests. Never used by the product."""

from __future__ import annotations

from nlu.errors import NluUnavailable
from nlu.types import Entity, IntentScore, ParseResult


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
