from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
from retrieval.errors import InvalidQueryError, RetrievalError
from retrieval.expansion import Category, ExpandingRetriever, ItemCategories, parse_categories
from retrieval.types import Hit

# The order categories of the API contract (shared/docs/contract.md).
CONTRACT_CATEGORIES = {
    "apparel", "shoes", "electronics", "home", "beauty", "toys",
    "sports", "books", "grocery", "underwear", "digital", "custom",
}  # fmt: skip


@pytest.fixture(scope="module")
def lexicon() -> ItemCategories:
    return ItemCategories.load(DEFAULT_ITEM_CATEGORIES)


def test_the_shipped_lexicon_covers_exactly_the_contract_categories(lexicon) -> None:
    assert {c.name for c in lexicon.categories} == CONTRACT_CATEGORIES


@pytest.mark.parametrize(
    ("question", "categories"),
    [
        ("can I return my new shoes?", ["shoes"]),
        ("the snacks were stale", ["grocery"]),
        ("I swatched the lipstick once", ["beauty"]),
        ("EARBUDS return window", ["electronics"]),
        ("a custom mug with my name", ["custom", "home"]),
        ("refund for an ebook", ["digital"]),
        ("my T-shirt and air-fryer", ["apparel", "home"]),
        # The longest item wins: a rice cooker is home, not grocery.
        ("the rice cooker broke", ["home"]),
        # Words that only look like items stay out.
        ("can I book a pickup for my return?", []),
        ("how long do refunds take", []),
    ],
)
def test_items_map_to_their_categories(lexicon, question, categories) -> None:
    assert lexicon.categories_in(question) == categories


def test_expand_appends_the_policy_words_once_and_leaves_other_queries_alone(lexicon) -> None:
    assert lexicon.expand("return earbuds and headphones") == (
        "return earbuds and headphones (electronics)"
    )
    assert lexicon.expand("where is my parcel") == "where is my parcel"
    assert len(lexicon.expand("snacks, a custom tee, earbuds")) <= (
        len("snacks, a custom tee, earbuds") + lexicon.expansion_length()
    )


def test_malformed_lexicons_are_refused_with_the_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "cats.yml"
    bad.write_text("toys:\n  items: [lego]\n", encoding="utf-8")
    with pytest.raises(RetrievalError, match=r"cats.yml: category 'toys' needs exactly"):
        ItemCategories.load(bad)
    with pytest.raises(RetrievalError, match="non-empty"):
        parse_categories({"toys": {"expand": [], "items": ["lego"]}})
    with pytest.raises(RetrievalError, match="mapping"):
        parse_categories(["toys"])
    with pytest.raises(RetrievalError, match="cannot read"):
        ItemCategories.load(tmp_path / "missing.yml")


class RecordingRetriever:
    name = "recording"

    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, query: str, k: int) -> list[Hit]:
        self.queries.append(query)
        return [Hit("RET-2.1", "Return window", "Return within 30 days.", 0.5)]


def test_expanding_retriever_searches_the_expanded_query_and_validates_the_original() -> None:
    inner = RecordingRetriever()
    lexicon = ItemCategories([Category("electronics", ("electronics",), ("earbuds",))])
    retriever = ExpandingRetriever(inner, lexicon, max_query_chars=30)

    hits = retriever.search("return my earbuds", 3)

    assert inner.queries == ["return my earbuds (electronics)"]
    assert retriever.name == "recording" and hits[0].clause_id == "RET-2.1"
    with pytest.raises(InvalidQueryError):
        retriever.search("x" * 31, 3)
    with pytest.raises(InvalidQueryError):
        retriever.search("  ", 3)


def test_expanding_retriever_scores_one_clause_on_the_expanded_query() -> None:
    class Scoring(RecordingRetriever):
        def clause_score(self, query: str, clause_id: str) -> float | None:
            self.queries.append(query)
            return 0.5

    lexicon = ItemCategories([Category("electronics", ("electronics",), ("earbuds",))])
    scoring = Scoring()
    assert ExpandingRetriever(scoring, lexicon).clause_score("my earbuds", "RET-2.1") == 0.5
    assert scoring.queries == ["my earbuds (electronics)"]
    # An inner retriever that cannot score one clause says so (None), and nothing is asked.
    assert ExpandingRetriever(RecordingRetriever(), lexicon).clause_score("earbuds", "X") is None
