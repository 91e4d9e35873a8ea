"""A fixed amount of the policy said in the order's own currency cites HELP-8.5 ("RM5.00" of
return shipping: dev9 m45 asked whether the $5 was dollars or ringgit)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.dialogue.decision import action_clauses, followed_clauses
from policies.types import Category, Eligibility, Remedy
from tests.utils.builders import bot_text, citations, item, order, seed


def _kurung(currency: str):
    return replace(
        order("K700", item("Cotton baju kurung", "79.00", Category.APPAREL), placed=9),
        currency=currency,
    )


@pytest.mark.parametrize(("currency", "cited"), [("MYR", True), ("USD", False)])
def test_a_change_of_mind_return_cites_the_currency_rule_outside_dollars(
    chat, nlu, world_db, currency: str, cited: bool
):
    seed(world_db, [_kurung(currency)])
    text = "i want to return the baju kurung from K700, changed my mind, never worn, tags on"
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "RET-2.3" in citations(turn)
    assert ("HELP-8.5" in citations(turn)) is cited, citations(turn)


def _eligibility(clauses: tuple[str, ...], currency: str) -> Eligibility:
    return Eligibility(
        eligible=True, remedy=Remedy.REFUND, amount=Decimal("10"),
        currency=currency, needs_human=False, reasons=(), clauses=clauses, explanation="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("clauses", "currency", "cited"),
    [
        (("INR-4.3",), "THB", True),  # the voucher's cap
        (("DMG-3.3", "REV-6.1"), "PHP", True),  # the limit for acting alone
        (("DMG-3.2",), "PHP", False),  # no fixed amount said
        (("INR-4.3",), "USD", False),
    ],
)
def test_which_rules_say_a_fixed_amount(clauses, currency: str, cited: bool) -> None:
    eligibility = _eligibility(clauses, currency)
    assert ("HELP-8.5" in action_clauses(eligibility)) is cited
    assert ("HELP-8.5" in followed_clauses(eligibility)) is cited
