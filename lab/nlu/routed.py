"""The routed NLU as the product runs it (issue 16), for the lab: language ID without a locale
or a conversation (`bot.language.identify`), then `nlu.routing.LanguageRoutedParser` over the
product's Rasa client, each model with its own thresholds.

`RecordingTransport` keeps every answer of a Rasa server, so a sweep of thresholds or of the
"sure English" bar replays the same answers instead of asking Rasa again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from bot.language.identify import SURE_ENGLISH, identify, is_sure_english
from nlu.client import RasaHttpParser
from nlu.routing import MULTILINGUAL_LANGUAGES, LanguageRoutedParser
from nlu.types import OUT_OF_SCOPE, ParseResult, Thresholds


class RecordingTransport(httpx.AsyncBaseTransport):
    """Asks the server once per distinct request, then answers from what it said."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, bytes], tuple[int, bytes]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.path, request.content)
        if key not in self._answers:
            # A transport per miss: each sweep runs in its own event loop (asyncio.run), and a
            # pooled connection must not outlive the loop it was opened in.
            async with httpx.AsyncHTTPTransport() as inner:
                response = await inner.handle_async_request(request)
                body = await response.aread()
            self._answers[key] = (response.status_code, body)
        status, body = self._answers[key]
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    transport: RecordingTransport


def parser_of(server: Server, thresholds: Thresholds) -> RasaHttpParser:
    # A generous timeout: this measures readings, not the 2 s budget (a busy shared machine).
    return RasaHttpParser(
        server.url,
        timeout_s=30.0,
        thresholds=thresholds,
        token=server.token,
        transport=server.transport,
    )


@dataclass(frozen=True)
class Routed:
    reading: ParseResult
    language: str
    model: str  # "english", "multilingual" or "english+multilingual" (asked both)


async def _read_all(routed: LanguageRoutedParser, texts: Sequence[str], bar: float) -> list[Routed]:
    out = []
    for text in texts:
        detection = identify(text)
        sure = is_sure_english(detection, bar)
        reading = await routed.parse(text, detection.language, sure=sure)
        if detection.language in MULTILINGUAL_LANGUAGES:
            model = "multilingual"
        elif sure:
            model = "english"
        else:
            model = "english+multilingual"
        out.append(Routed(reading, detection.language, model))
    return out


def read_routed(
    texts: Sequence[str],
    english: Server,
    multilingual: Server,
    *,
    english_thresholds: Thresholds,
    multilingual_thresholds: Thresholds,
    bar: float = SURE_ENGLISH,
) -> list[Routed]:
    """Every text through language ID and the routed parser, in order."""

    async def run() -> list[Routed]:
        routed = LanguageRoutedParser(
            parser_of(english, english_thresholds),
            parser_of(multilingual, multilingual_thresholds),
        )
        try:
            return await _read_all(routed, texts, bar)
        finally:
            await routed.aclose()

    return asyncio.run(run())


def oos_recall(gold: Sequence[str], predicted: Sequence[str]) -> float:
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if g == OUT_OF_SCOPE]
    return sum(p == OUT_OF_SCOPE for _, p in pairs) / len(pairs) if pairs else float("nan")
