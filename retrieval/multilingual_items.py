"""Item -> category in the buyer's language, for the multilingual quote (and query).

The English lexicon (``data/policies/item_categories.yml``, ``retrieval.expansion``) maps item
words to categories and each category to the words the policy uses for it. Its items count in
every language (buyers code-mix: "earbuds", "laptop"), and ``data/policies/i18n/
item_categories.yml`` adds each language's own item words. A question's categories bring their
English ``expand`` words, which every translation keeps in brackets where the rule is stated
("elektronik (electronics)"): so "fon telinga boleh pulang berapa hari?" quotes the 15-day
electronics sentence of RET-2.1, not the 30-day one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from retrieval.errors import RetrievalError
from retrieval.expansion import ItemCategories
from retrieval.languages import TRANSLATED, check_language
from retrieval.multilingual_text import FOLDED, fold_diacritics

DEFAULT_LOCAL_ITEMS = Path(__file__).resolve().parents[1] / "data/policies/i18n/item_categories.yml"
# Thai is written without spaces between words: its items are found as substrings.
_NO_SPACES = frozenset({"th"})
# A short Thai item that is also the tail of another word is not read after that word's start:
# "ลิป" (lip, what buyers call a lipstick or a tint) ends "คลิป" (a video clip).
_THAI_NOT_AFTER = {"ลิป": "ค"}


class MultilingualItems:
    """``categories_in(text, language)`` and ``expansion_words(text, language)``."""

    def __init__(
        self, english: ItemCategories, local: Mapping[str, Mapping[str, Sequence[str]]]
    ) -> None:
        self.english = english
        self._expand = {c.name: c.expand for c in english.categories}
        self._patterns: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for language, categories in local.items():
            check_language(language)
            patterns = []
            for name, items in categories.items():
                if name not in self._expand:
                    raise RetrievalError(
                        f"{language}: category {name!r} is not in the English lexicon"
                    )
                for item in items:
                    patterns.append((_item_pattern(item, language), name))
            # Longest item first, as the English lexicon does ("seluar dalam" before "seluar").
            patterns.sort(key=lambda p: -len(p[0].pattern))
            self._patterns[language] = patterns

    @classmethod
    def load(
        cls, english: ItemCategories, path: Path | str = DEFAULT_LOCAL_ITEMS
    ) -> MultilingualItems:
        """Read the per-language YAML; ``RetrievalError`` naming the file when malformed."""
        source = Path(path)
        try:
            raw = yaml.safe_load(source.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise RetrievalError(f"cannot read the item lexicon {source}: {e}") from e
        if not isinstance(raw, Mapping) or not set(raw) <= set(TRANSLATED):
            raise RetrievalError(f"{source}: expected a mapping of {', '.join(TRANSLATED)}")
        for language, categories in raw.items():
            if not isinstance(categories, Mapping) or not all(
                isinstance(items, list) and items and all(isinstance(i, str) for i in items)
                for items in categories.values()
            ):
                raise RetrievalError(f"{source}: {language} needs category: [item, ...] lists")
        try:
            return cls(english, raw)
        except (RetrievalError, ValueError) as e:
            raise RetrievalError(f"{source}: {e}") from e

    def categories_in(self, text: str, language: str) -> list[str]:
        """Category names the text mentions (English item words first, then local ones)."""
        found = list(self.english.categories_in(text))
        target = fold_diacritics(text.lower()) if language in FOLDED else text.lower()
        for pattern, name in self._patterns.get(language, []):
            if name not in found and pattern.search(target):
                found.append(name)
        return found

    def expansion_words(self, text: str, language: str) -> list[str]:
        """The English ``expand`` words of every category the text mentions."""
        return [w for name in self.categories_in(text, language) for w in self._expand[name]]


def _item_pattern(item: str, language: str) -> re.Pattern[str]:
    item = item.strip().lower()
    if language in FOLDED:
        item = fold_diacritics(item)
    body = re.escape(item).replace(r"\ ", r"[\s-]+")
    if language in _NO_SPACES:
        before = _THAI_NOT_AFTER.get(item) if language == "th" else None
        return re.compile(rf"(?<!{re.escape(before)}){body}" if before else body)
    return re.compile(rf"\b{body}\b")
