"""The rules' explanations in every language of the bot (`bot.language.rule_phrases`): each
phrasebook says every phrase of the policy's (`policies.phrases.ENGLISH`), with the same
placeholders, and a decision's explanation comes out whole in the buyer's language."""

import pytest

from bot.language.catalogue import speaking
from bot.language.locales import SUPPORTED
from bot.language.rule_phrases import explained, phrasebook
from policies.phrases import ENGLISH, placeholders
from policies.rules import check_cancellation
from policies.types import ClaimType, Order, OrderStatus
from tests.policies.rules.factories import DAY, DELIVERED, PROMISED, check, item, make_order

TRANSLATED = sorted(set(SUPPORTED) - {"en"})


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_phrasebook_has_every_phrase_with_its_placeholders(language):
    book = phrasebook(language)
    assert list(book) == list(ENGLISH)
    wrong = [k for k in ENGLISH if placeholders(book[k]) != placeholders(ENGLISH[k])]
    assert wrong == []
    assert book["nothing"] == "" and book["then"] == "{first} {second}"


def _order(status: OrderStatus, **overrides) -> Order:
    return make_order(status, item("18.00"), order_id="P100", currency="MYR", **overrides)


DECISIONS = {
    "cancel": lambda: check_cancellation(_order(OrderStatus.SHIPPED, delivered_at=None)),
    "damage": lambda: check(
        _order(OrderStatus.DELIVERED),
        ClaimType.DAMAGED,
        DELIVERED + DAY,
        has_photo=True,
        prefers_replacement=True,
    ),
    "late": lambda: check(_order(OrderStatus.SHIPPED), ClaimType.NOT_RECEIVED, PROMISED + 5 * DAY),
    "window": lambda: check(
        _order(OrderStatus.DELIVERED), ClaimType.DAMAGED, DELIVERED + 20 * DAY, has_photo=True
    ),
    "review": lambda: check(
        make_order(OrderStatus.DELIVERED, item("180.00"), order_id="P100"),
        ClaimType.DAMAGED,
        DELIVERED + DAY,
        has_photo=True,
    ),
}


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_decision_is_explained_whole_in_the_buyers_language(language, decision):
    eligibility = DECISIONS[decision]()
    with speaking(language):
        said = explained(eligibility)
    assert said != eligibility.explanation
    assert said.english == eligibility.explanation  # stored beside it for agents
    assert "{" not in said and "}" not in said
    # (Tagalog writes "refund" and "order" as Filipino apps do.)
    for english in ("Order ", "Sorry", "cannot", "Please", "agent will"):
        assert english not in said, (english, said)


def test_english_and_a_missing_phrase_keep_the_english_explanation(monkeypatch):
    eligibility = DECISIONS["late"]()
    with speaking("en"):
        assert explained(eligibility) == eligibility.explanation
    monkeypatch.setattr(
        "bot.language.rule_phrases.phrasebook", lambda language: {"then": "{first} {second}"}
    )
    with speaking("ms"):
        assert explained(eligibility) == eligibility.explanation
