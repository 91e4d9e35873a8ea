"""The message catalogue: every text the bot shows a buyer, by key, in each supported language
(`messages/<language>.yml`, one file per language, the same keys and placeholders in each;
`tests/bot/language/test_catalogue.py` checks both).

`say(key, **params)` renders a key in the turn's language and in English together: the buyer
reads the first, and the English is stored beside it for agents (`Said.english`). A `Said` is
a `str` (the buyer's text), so the dialogue's code compares, normalises and stores it as
before; joining with `+` keeps both languages.

The turn's language is ambient, like its transaction: `speaking(language, locale)` is set
once where a turn (or an agent's or a dispute's message) starts, instead of threading the
language through every reply function.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.language import formatting
from bot.language.locales import DEFAULT_LOCALE, FALLBACK, SUPPORTED, formatting_locale

MESSAGES = Path(__file__).parent / "messages"


class Said(str):
    """A buyer-facing text in the conversation's language, with its English (`english`)."""

    english: str

    def __new__(cls, text: str, english: str | None = None) -> Said:
        said = super().__new__(cls, text)
        said.english = text if english is None else english
        return said

    def __add__(self, other: str) -> Said:  # type: ignore[override]
        return Said(str(self) + str(other), self.english + english_of(other))

    def __radd__(self, other: str) -> Said:
        return Said(str(other) + str(self), english_of(other) + self.english)


def english_of(text: str) -> str:
    """The English of a text: a `Said`'s own, or the text itself (an order's title, a policy
    quote, the rules' explanation: English or the buyer's own words already)."""
    return text.english if isinstance(text, Said) else text


@cache
def catalogue(language: str) -> Mapping[str, str]:
    with (MESSAGES / f"{language}.yml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Voice:
    """The language a text is rendered in and the locale its amounts and dates take."""

    language: str = FALLBACK
    locale: str = DEFAULT_LOCALE[FALLBACK]


ENGLISH = Voice()
_voice: ContextVar[Voice] = ContextVar("voice", default=ENGLISH)


@contextmanager
def speaking(language: str | None, locale: str | None = None) -> Iterator[Voice]:
    """Render `say` in `language` (English when unsupported or None) within the block."""
    reply = language if language in SUPPORTED else FALLBACK
    voice = Voice(reply, formatting_locale(reply, locale))
    token = _voice.set(voice)
    try:
        yield voice
    finally:
        _voice.reset(token)


def current() -> Voice:
    return _voice.get()


def render(voice: Voice, key: str, params: Mapping[str, Any]) -> str:
    template = catalogue(voice.language)[key]
    return template.format_map({name: _shown(value, voice) for name, value in params.items()})


def _shown(value: Any, voice: Voice) -> str:
    if isinstance(value, Said):
        return str(value) if voice.language != FALLBACK else value.english
    if isinstance(value, formatting.Money):
        return formatting.money(value, voice.locale)
    if isinstance(value, formatting.Moment):
        return formatting.moment(value, voice.locale)
    if isinstance(value, date | datetime):
        return formatting.day(value, voice.locale)
    return str(value)


def say(key: str, **params: Any) -> Said:
    voice = current()
    text = render(voice, key, params)
    english = text if voice == ENGLISH else render(ENGLISH, key, params)
    return Said(text, english)
