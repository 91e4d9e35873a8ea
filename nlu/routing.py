"""Two Rasa models behind one parser, chosen by the message's language (issue 16).

The English model (nlu/config.yml) reads English; the multilingual one (nlu/config-multilingual.yml)
reads Malay, Indonesian, Thai, Vietnamese and Tagalog, code-mixing included. Keeping them apart
means the English model, its figures and its end-to-end behaviour cannot regress.

Language ID is not always sure: a short Malay message can come back as English (or as French), and
would then be read by a model that does not know Malay, as ``out_of_scope``. So a message routed
to English that the English model calls ``out_of_scope`` is read again by the multilingual model
when the language was not *confidently* English (``sure=False``), and that reading is kept when
it finds an intent. Confident English never reaches the multilingual model (README, "NLU in six
languages": the rule measured on a dev split).
"""

from __future__ import annotations

from dataclasses import dataclass

from nlu.client import Parser
from nlu.types import OUT_OF_SCOPE, ParseResult

# The languages the multilingual model was trained on (data/nlu/multilingual/train).
MULTILINGUAL_LANGUAGES = frozenset({"ms", "id", "th", "vi", "tl"})


class LanguageRoutedParser:
    """``parse(text, language, sure)``: ms, id, th, vi and tl to ``multilingual``, anything else
    to ``english`` (the detector also answers languages the bot does not speak, "fr" or "cs"
    for a few words of Taglish: those are never ``sure``). Without a language (callers that do
    not know it, e.g. ``POST /v1/nlu/parse``) it reads as English, the behaviour before."""

    def __init__(self, english: Parser, multilingual: Parser) -> None:
        self.english = english
        self.multilingual = multilingual

    async def parse(
        self, text: str, language: str | None = None, *, sure: bool = True
    ) -> ParseResult:
        if language in MULTILINGUAL_LANGUAGES:
            return await self.multilingual.parse(text)
        reading = await self.english.parse(text)
        if language is None or sure or reading.intent.name != OUT_OF_SCOPE:
            return reading
        second = await self.multilingual.parse(text)
        return reading if second.intent.name == OUT_OF_SCOPE else second

    def bound(self, language: str | None, *, sure: bool = True) -> Parser:
        """A plain :class:`Parser` reading every text in ``language`` (one message's parts)."""
        return BoundParser(self, language, sure)

    async def is_ready(self) -> bool:
        """Ready when both models are: a buyer in any language may write next."""
        return await self.english.is_ready() and await self.multilingual.is_ready()

    async def aclose(self) -> None:
        await self.english.aclose()
        await self.multilingual.aclose()


@dataclass(frozen=True)
class BoundParser:
    """:class:`LanguageRoutedParser` with the language fixed, as a :class:`Parser`."""

    routed: LanguageRoutedParser
    language: str | None
    sure: bool = True

    async def parse(self, text: str) -> ParseResult:
        return await self.routed.parse(text, self.language, sure=self.sure)

    async def is_ready(self) -> bool:
        return await self.routed.is_ready()

    async def aclose(self) -> None:
        """The routed parser is shared: whoever built it closes it."""
