from __future__ import annotations

import pytest

from retrieval.expansion import ItemCategories, parse_categories
from retrieval.quantity import (
    asked_kinds,
    asks_quantity,
    category_words,
    figures,
    mentions,
    stated_kinds,
    states_number,
)


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


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("how much does return shipping cost", {"money"}),
        ("do you charge for returns", {"money"}),
        ("order came a week late, what do i get", {"money"}),
        ("how many days do I have to report it", {"time"}),
        ("how many day i have for return clothes", {"time"}),
        ("how fast are wallet refunds", {"time"}),
        ("when will I get my refund", {"time"}),
        ("how much time do i have to return it, and is there a fee", {"money", "time"}),
        ("can i return underwear", set()),
    ],
)
def test_asked_kinds(question: str, kinds: set[str]) -> None:
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ("A flat $5 is deducted from your refund.", {"money"}),
        ("You get a voucher worth 10% of the order value.", {"money"}),
        ("Card refunds take 5–10 business days.", {"time"}),
        ("Wallet refunds appear instantly.", {"time"}),
        ("Headphones delivered on 1 March can be returned until 16 March.", {"time"}),
        ("Up to 3 days late does not qualify; the voucher is capped at $10.", {"money", "time"}),
        ("Faulty items follow other rules (DMG-3.1).", set()),
    ],
)
def test_stated_kinds(sentence: str, kinds: set[str]) -> None:
    assert stated_kinds(sentence) == kinds


def test_figures_are_the_numbers_stated_not_the_clause_references() -> None:
    text = "Within 30 days (DMG-3.1), a flat $5, 10% capped at $10.00, in 5–10 days."
    assert figures(text) == {"30", "$5", "10%", "$10.00", "5", "10"}
    assert figures("Report it as DMG-3.5 explains") == set()
