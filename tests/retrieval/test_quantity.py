from __future__ import annotations

import pytest

from retrieval.expansion import ItemCategories, parse_categories
from retrieval.quantity import asks_quantity, category_words, mentions, states_number


@pytest.mark.parametrize(
    "question",
    [
        "how many days do I have to return headphones?",
        "How much is the return shipping",
        "what fee do you charge",
        "max late voucher",
        "deadline to report a broken item",
        "return window for earbuds?",
    ],
)
def test_asks_for_a_quantity(question: str) -> None:
    assert asks_quantity(question)


@pytest.mark.parametrize(
    "question",
    [
        "can I return underwear I only tried on?",
        # A number the buyer states is not a question about one.
        "the seller took 5 days to ship and the parcel got lost, who pays",
        "i want to talk to a human",
    ],
)
def test_other_questions_do_not(question: str) -> None:
    assert not asks_quantity(question)


def test_clause_references_are_not_numbers() -> None:
    assert states_number("A flat $5 is deducted.")
    assert states_number("Report within 15 days.")
    assert not states_number("Faulty items follow other rules (DMG-3.1).")
    assert not states_number("See RET-2.1 to RET-2.4.")


def test_category_words_of_the_items_named() -> None:
    categories = ItemCategories(
        parse_categories({"electronics": {"expand": ["electronics"], "items": ["earbuds"]}})
    )

    assert category_words("can I return my earbuds", categories) == {"electronics"}
    assert category_words("can I return my dress", categories) == set()
    assert category_words("earbuds", None) == set()
    assert mentions("For electronics the window is shorter.", {"electronics"})
    assert not mentions("Within 30 days.", {"electronics"})
