"""Item -> category query expansion.

Buyers name what they bought ("can I return my earbuds?"); the policy names categories ("for
electronics the window is shorter"). Neither MiniLM nor BM25 reliably bridges that gap, so a
small, readable lexicon (``data/policies/item_categories.yml``) maps item words to categories,
and the category's own policy words are appended to the query before it is embedded and
BM25-scored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from retrieval.errors import RetrievalError
from retrieval.query import DEFAULT_MAX_QUERY_CHARS, validate_query
from retrieval.types import ClauseScorer, Hit, Retriever


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    expand: tuple[str, ...]  # words appended to the query
    items: tuple[str, ...]  # item words and phrases that name this category


class ItemCategories:
    """Finds the categories a question mentions and appends their words to it."""

    def __init__(self, categories: Sequence[Category]) -> None:
        self.categories = tuple(categories)
        owner: dict[str, str] = {}
        for category in self.categories:
            for item in category.items:
                owner.setdefault(_normalise(item), category.name)
        self._owner = owner
        self._by_name = {c.name: c for c in self.categories}
        # One alternation, longest phrase first: regex alternation takes the first branch that
        # matches, so "rice cooker" (home) wins over "rice" (grocery), "phone case" over "phone".
        phrases = sorted(owner, key=lambda p: (-len(p), p))
        body = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in phrases)
        self._pattern = re.compile(rf"\b({body})(?:s|es)?\b", re.IGNORECASE) if phrases else None

    @classmethod
    def load(cls, path: Path | str) -> ItemCategories:
        """Read the YAML lexicon; raise ``RetrievalError`` naming the file when it is malformed."""
        source = Path(path)
        try:
            raw = yaml.safe_load(source.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise RetrievalError(f"cannot read the item-category lexicon {source}: {e}") from e
        return cls(parse_categories(raw, source))

    def categories_in(self, text: str) -> list[str]:
        """Category names mentioned in ``text``, in the order they first appear."""
        if self._pattern is None:
            return []
        found: list[str] = []
        for match in self._pattern.finditer(text):
            name = self._owner[_normalise(match.group(1))]
            if name not in found:
                found.append(name)
        return found

    def expand(self, query: str) -> str:
        """``query`` plus the expansion words of every category it mentions (unchanged if none)."""
        words = [w for name in self.categories_in(query) for w in self._by_name[name].expand]
        return f"{query} ({' '.join(words)})" if words else query

    def expansion_length(self) -> int:
        """The most characters ``expand`` can add (so inner retrievers can allow for it)."""
        return sum(len(" ".join(c.expand)) + 1 for c in self.categories) + 3


def parse_categories(raw: object, source: Path | str = "<lexicon>") -> list[Category]:
    """``{name: {expand: [...], items: [...]}}`` -> categories, refusing anything else."""
    if not isinstance(raw, Mapping) or not raw:
        raise RetrievalError(f"{source}: expected a mapping of category names to entries")
    categories = []
    for name, entry in raw.items():
        if not isinstance(entry, Mapping) or set(entry) != {"expand", "items"}:
            raise RetrievalError(f"{source}: category {name!r} needs exactly 'expand' and 'items'")
        expand, items = entry["expand"], entry["items"]
        if not _word_list(expand) or not _word_list(items):
            raise RetrievalError(
                f"{source}: category {name!r}: 'expand' and 'items' must be non-empty "
                "lists of words"
            )
        categories.append(Category(str(name), tuple(expand), tuple(items)))
    return categories


def _word_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _normalise(phrase: str) -> str:
    """Lower case, with spaces and hyphens as one space ("air-fryer" == "air fryer")."""
    return re.sub(r"[\s-]+", " ", phrase.strip().lower())


class ExpandingRetriever:
    """Any retriever, searched with the question plus its categories' words.

    The buyer's question is validated as typed (the length limit is the buyer's, not ours);
    the inner retriever must accept ``categories.expansion_length()`` more characters, which
    ``retrieval.factory`` arranges.
    """

    def __init__(
        self,
        inner: Retriever,
        categories: ItemCategories,
        *,
        max_query_chars: int = DEFAULT_MAX_QUERY_CHARS,
    ) -> None:
        self.inner = inner
        self.categories = categories
        self.max_query_chars = max_query_chars
        self.name = inner.name

    def search(self, query: str, k: int) -> list[Hit]:
        query = validate_query(query, k, self.max_query_chars)
        return self.inner.search(self.categories.expand(query), k)

    def clause_score(self, query: str, clause_id: str) -> float | None:
        """The inner retriever's score of one clause for the expanded ``query``; None when it
        cannot score a single clause (`retrieval.types.ClauseScorer`)."""
        if not isinstance(self.inner, ClauseScorer):
            return None
        return self.inner.clause_score(self.categories.expand(query), clause_id)
