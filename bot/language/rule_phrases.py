"""The rules' explanations in the buyer's language.

A rule explains its decision as a `policies.phrases.Phrase` (`Eligibility.wording`); its English
is `Eligibility.explanation`. This renders the same phrase from `rules/<language>.yml` (the
policy phrasebook's keys and placeholders, translated), with amounts and dates in the buyer's
locale as the bot's own messages write them (`bot.language.formatting`). A language whose
phrasebook lacks a key the phrase needs gets the whole explanation in English, never half a
sentence in each.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.language import formatting
from bot.language.catalogue import FALLBACK, Said, Voice, current
from policies.phrases import Amount, LastDay, Moment, Phrase, Titles
from policies.types import Eligibility

RULES = Path(__file__).resolve().parent / "rules"


@lru_cache(maxsize=8)
def phrasebook(language: str) -> Mapping[str, str]:
    """The rules' phrases in ``language`` ({} when it has none)."""
    path = RULES / f"{language}.yml"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as file:
        return yaml.safe_load(file) or {}


def explained(eligibility: Eligibility) -> str:
    """The decision's explanation in the current voice's language (a `Said` with its English
    beside it); the English explanation in English, for a decision without a phrase, or where
    the language's phrasebook lacks one of the phrase's keys."""
    wording = eligibility.wording
    if not isinstance(wording, Phrase):
        return eligibility.explanation
    return said(wording)


def said(phrase: Phrase) -> str:
    """A rules' phrase in the current voice's language (a `Said` with its English beside it),
    or its English where that language's phrasebook lacks one of its keys."""
    english = str(phrase)
    voice = current()
    if voice.language == FALLBACK:
        return english
    book = phrasebook(voice.language)
    if not phrase.keys() | {"and"} <= book.keys():  # "and" joins item titles
        return english
    return Said(_render(phrase, book, voice), english)


def _render(value: Any, book: Mapping[str, str], voice: Voice) -> str:
    if isinstance(value, Phrase):
        values = {name: _render(part, book, voice) for name, part in value.values}
        return book[value.key].format_map(values)
    if isinstance(value, Amount):
        return formatting.money(formatting.Money(value.value, value.currency), voice.locale)
    if isinstance(value, Moment):
        return formatting.moment(formatting.Moment(value.at), voice.locale)
    if isinstance(value, LastDay):
        return f"{formatting.day(value.day, voice.locale)} ({value.zone})"
    if isinstance(value, Titles):
        names = value.names
        if len(names) == 1:
            return names[0]
        return book["and"].format(first=", ".join(names[:-1]), second=names[-1])
    return str(value)
