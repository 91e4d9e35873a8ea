"""A question about the currency of an amount gets HELP-8.5 quoted too (stop 53)."""

from __future__ import annotations

import pytest

from retrieval.answer import PolicyAnswerer
from retrieval.currency import CURRENCY_RULE, asks_currency
from retrieval.kb import Clause, load_knowledge_base
from retrieval.multilingual_answer import MultilingualAnswerer
from retrieval.types import Hit
from tests.retrieval.test_base_rules import KB, Fixed, FixedIndex

RULE = Clause(
    "HELP-8.5",
    "Amounts are in your order's currency",
    "All money amounts in this policy are in the currency of your order. For an order paid in "
    "ringgit the deduction is RM 5. Refunds are paid in the order's currency.",
    "Help",
    "08-help.md",
    1,
)
FEE = Hit("RET-2.3", "Return shipping", "A flat $5 is deducted from your refund.", 0.7)


@pytest.mark.parametrize(
    "question",
    [
        # dev17 y26, dev18 z20, dev14 v35: the policy's $ beside the buyer's own currency.
        "kalau return baju sbb tukar fikiran, caj pos $5 tu in USD ke? sbb i bayar in ringgit",
        "Hi nk tanya.. kalau return sbb tukar fikiran, caj $5 tu dlm USD ke?? sy byr guna RM",
        "ค่าส่งคืน $5 นี่คิดเป็นดอลลาร์เหรอคะ หนูจ่ายเป็นเงินบาทค่ะ",
        "is the $5 return fee in US dollars? I pay in pesos",
        "what currency is the $25 limit in?",
        "phí trả hàng $5 là tính theo tỷ giá nào?",
        # dev23 o45: how much, the buyer's own currency named.
        "berapa kos penghantaran balik yang akan ditolak ya? Saya bayar dalam ringgit.",
    ],
)
def test_a_currency_asked_about(question: str) -> None:
    assert asks_currency(question)


@pytest.mark.parametrize(
    "question",
    [
        "how much is the return shipping fee?",
        "do I pay $5 to return a dress?",
        "refund RM20 for my order please",
        "how much is the return shipping in dollars?",
        "kirim dong barangnya, udah bayar Rp 50.000",
        "đồng ý, hoàn tiền giúp tôi",
    ],
)
def test_one_currency_named_in_passing_is_no_currency_question(question: str) -> None:
    assert not asks_currency(question)


def test_the_currency_rule_is_quoted_and_cited_after_the_answer() -> None:
    answerer = PolicyAnswerer(Fixed([FEE]), 0.4, clauses=[RULE])
    answer = answerer.answer("is the $5 in USD? I pay in ringgit")
    assert answer.citations == ("RET-2.3", CURRENCY_RULE)
    assert answer.text.startswith(
        "A flat $5 is deducted from your refund. All money amounts in this policy are in the "
        "currency of your order."
    )
    assert answerer.answer("how much is the return fee?").citations == ("RET-2.3",)


def test_the_multilingual_answer_quotes_the_currency_rule_in_the_buyers_language() -> None:
    rule = Clause(
        "HELP-8.5", "Mata wang", "Semua jumlah dalam mata wang pesanan.", "Help", "08-help.md", 1
    )
    fee = Hit("RET-2.3", "Kos pos", "Potongan $5 daripada bayaran balik.", 0.05, (0,))
    answer = MultilingualAnswerer(None, FixedIndex([fee], [rule]), 0.0).answer(
        "caj $5 tu dlm USD ke? sy byr guna RM", language="ms"
    )
    assert answer.citations == ("RET-2.3", CURRENCY_RULE)
    assert answer.text.endswith("Semua jumlah dalam mata wang pesanan.")


def test_the_currency_rule_is_a_clause_of_the_knowledge_base() -> None:
    assert CURRENCY_RULE in {clause.clause_id for clause in load_knowledge_base(KB)}
