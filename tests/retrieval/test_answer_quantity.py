"""The answerer quotes the sentence with the asked-for number (retrieval.quantity)."""

from __future__ import annotations

import pytest

from retrieval.answer import PolicyAnswerer
from retrieval.expansion import ItemCategories, parse_categories
from retrieval.factory import make_answerer
from retrieval.types import Hit

WINDOW = (
    "You can return an item within 30 days after delivery. "
    "For electronics the window is shorter: 15 days after delivery. "
    "Examples: headphones delivered on 1 March can be returned until 16 March. "
    "Faulty items have their own rules (DMG-3.1)."
)
CATEGORIES = ItemCategories(
    parse_categories(
        {
            "electronics": {"expand": ["electronics"], "items": ["headphones", "earbuds"]},
            "apparel": {"expand": ["clothes"], "items": ["dress"]},
        }
    )
)


class OneHit:
    name = "one"

    def __init__(self, text: str, passage: tuple[int, ...]) -> None:
        self.hit = Hit("RET-2.1", "Return window", text, 0.9, passage)

    def search(self, query: str, k: int) -> list[Hit]:
        return [self.hit]


@pytest.mark.parametrize("with_embedder", [True, False])
def test_a_quantity_question_gets_the_number_for_the_items_category(
    fake_embedder, with_embedder: bool
) -> None:
    # The examples window matched best; the electronics rule sits before it.
    answerer = PolicyAnswerer(
        OneHit(WINDOW, (2, 3)),
        threshold=0.5,
        embedder=fake_embedder if with_embedder else None,
        categories=CATEGORIES,
    )

    text = answerer.answer("how many days do I have to return headphones I don't like?").text

    assert "15 days" in text
    assert "(DMG-3.1)" not in text


def test_without_a_category_the_closest_numbered_sentence_is_quoted(fake_embedder) -> None:
    answerer = PolicyAnswerer(
        OneHit(WINDOW, (2, 3)), threshold=0.5, embedder=fake_embedder, categories=CATEGORIES
    )

    text = answerer.answer("how long can I return an item after delivery").text

    assert text.startswith("You can return an item within 30 days after delivery.")


def test_an_item_question_brings_its_categorys_rule_along(fake_embedder) -> None:
    answerer = PolicyAnswerer(
        OneHit(WINDOW, (0, 1)), threshold=0.5, embedder=fake_embedder, categories=CATEGORIES
    )

    text = answerer.answer("can I send my earbuds back").text

    assert "For electronics the window is shorter: 15 days after delivery." in text


def test_a_clause_reference_does_not_count_as_the_rules_number(fake_embedder) -> None:
    text = "Faulty items have their own rules (DMG-3.1). You can report them within 15 days."
    answerer = PolicyAnswerer(OneHit(text, (0, 1)), threshold=0.5, embedder=fake_embedder)

    answer = answerer.answer("faulty items rules")

    assert "15 days" in answer.text


def test_make_answerer_hands_the_lexicon_to_the_answerer(fake_embedder, tiny_clauses) -> None:
    answerer = make_answerer(tiny_clauses, fake_embedder, retriever_name="dense")
    assert isinstance(answerer.categories, ItemCategories)
    assert make_answerer(tiny_clauses, fake_embedder, item_categories=None).categories is None


VOUCHER = (
    "If your order arrives more than 3 days late, you get a voucher worth 10% of the order "
    "value, capped at $10. "
    "An order earns only one voucher, however late it is. "
    "Arriving on the promised date, or up to 3 days after it, does not qualify."
)


@pytest.mark.parametrize("with_embedder", [True, False])
def test_a_money_question_gets_a_sentence_stating_money_not_only_days(
    fake_embedder, with_embedder: bool
) -> None:
    """The best passage (sentences 1-2) states "3 days", a number of the wrong kind for
    "what compensation do I get": the amount's sentence comes along."""
    answerer = PolicyAnswerer(
        OneHit(VOUCHER, (1, 2)),
        threshold=0.5,
        embedder=fake_embedder if with_embedder else None,
        categories=CATEGORIES,
    )

    text = answerer.answer("my order came a week late, what compensation do i get").text

    assert "10%" in text and "$10" in text


def test_a_time_question_prefers_the_sentence_stating_a_time(fake_embedder) -> None:
    clause = (
        "Wallet refunds appear instantly, as soon as the refund is issued. "
        "You can withdraw the wallet balance to your bank; any fee is shown first."
    )
    answerer = PolicyAnswerer(OneHit(clause, (1,)), threshold=0.5, embedder=fake_embedder)

    assert "instantly" in answerer.answer("how fast do wallet refunds come").text


@pytest.mark.parametrize("with_embedder", [True, False])
def test_a_window_asked_about_no_item_brings_the_categorys_exception(
    fake_embedder, with_embedder: bool
) -> None:
    answerer = PolicyAnswerer(
        OneHit(WINDOW, (0, 1)),
        threshold=0.5,
        embedder=fake_embedder if with_embedder else None,
        categories=CATEGORIES,
    )

    text = answerer.answer("what is the time limit for a return if I don't like it?").text

    assert text == (
        "You can return an item within 30 days after delivery. "
        "For electronics the window is shorter: 15 days after delivery."
    )
    # Not a quantity question: no exception comes along.
    assert "15 days" not in answerer.answer("can I return an item after delivery?").text


class TitledHit:
    name = "titled"

    def __init__(self, title: str, text: str, passage: tuple[int, ...]) -> None:
        self.hit = Hit("INR-4.3", title, text, 0.9, passage)

    def search(self, query: str, k: int) -> list[Hit]:
        return [self.hit]


VOUCHER_TITLE = "Late delivery voucher: 10% of the order value, at most $10, once per order"


def test_the_figure_the_title_states_is_quoted_whatever_the_question_asks(
    fake_embedder,
) -> None:
    """ "when delivery is late" reads as a time question and the best passage states "3 days";
    the clause's own figure, in its title, is the answer the buyer needs."""
    answerer = PolicyAnswerer(
        TitledHit(VOUCHER_TITLE, VOUCHER, (1, 2)), threshold=0.5, embedder=fake_embedder
    )

    text = answerer.answer("whats the biggest voucher u can get when delivery is late").text

    assert "$10" in text


def test_a_quote_stating_the_titles_figure_gets_no_other_sentence(fake_embedder) -> None:
    answerer = PolicyAnswerer(
        TitledHit(VOUCHER_TITLE, VOUCHER, (0, 1)), threshold=0.5, embedder=fake_embedder
    )

    text = answerer.answer("how much is the voucher worth").text

    assert text == VOUCHER.split(" An order")[0]


def test_a_not_received_question_gets_the_deadline_its_clause_is_named_after(
    fake_embedder,
) -> None:
    clause = (
        "If your order has still not been delivered more than 3 days after its promised "
        "delivery date, you get a full refund. "
        "The full refund goes to your original payment method. "
        "A card refund shows in 5-10 business days, so if your parcel never shows up you get "
        "your money back on the card."
    )
    title = "Not delivered more than 3 days after the promised date: full refund"
    answerer = PolicyAnswerer(TitledHit(title, clause, (1, 2)), 0.5, embedder=fake_embedder)

    text = answerer.answer("if my parcel never shows up do i get my money back").text

    assert "more than 3 days after its promised delivery date" in text
