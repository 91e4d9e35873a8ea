"""The languages the bot replies in and the locales it formats for.

A client may send the buyer's app locale ("ms-MY"); it is a hint to language ID and decides how
amounts and dates are written. Without one, each language has its market's usual locale.
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

# The languages with a full message catalogue; any other detected language is stored as
# detected but replied to in English.
SUPPORTED = ("en", "ms", "id", "th", "vi", "tl")
FALLBACK = "en"

# The market locale of each language when the client sent none. English keeps the bot's own
# formatting ("$12.50", "2 Dec 2026"), see `bot.language.formatting`.
DEFAULT_LOCALE = {
    "en": "en",
    "ms": "ms_MY",
    "id": "id_ID",
    "th": "th_TH",
    "vi": "vi_VN",
    "tl": "fil_PH",
}

# BCP 47 as clients send it: a language and an optional region ("ms-MY", "fil_PH", "en").
LOCALE_PATTERN = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z]{2})?$")


class InvalidLocale(ValueError):
    """Not a locale the bot knows (the API turns it into a 422 naming the field)."""


def normalise_locale(value: str) -> str:
    """ "ms-my" -> "ms_MY"; raises `InvalidLocale` when Babel does not know it."""
    if not LOCALE_PATTERN.match(value):
        raise InvalidLocale(f"{value!r} is not a locale such as 'ms-MY'")
    try:
        locale = Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as error:
        raise InvalidLocale(f"{value!r} is not a known locale") from error
    return str(locale)


def language_of_locale(locale: str | None) -> str | None:
    """The language a locale names, as language ID spells it ("fil_PH" -> "tl")."""
    if not locale:
        return None
    language = locale.replace("-", "_").split("_")[0].lower()
    return "tl" if language == "fil" else language


def reply_language(language: str | None) -> str:
    """The catalogue language for a detected language: itself when supported, else English."""
    return language if language in SUPPORTED else FALLBACK


def formatting_locale(language: str, locale: str | None) -> str:
    """The locale amounts and dates are written in: the client's when it matches the reply
    language (an "en-MY" app replying in English formats as en_MY), else the market's."""
    if locale and language_of_locale(locale) == language:
        return locale
    return DEFAULT_LOCALE[language]
