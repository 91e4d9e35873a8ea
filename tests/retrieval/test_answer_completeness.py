"""A quoted answer is whole: never a sentence cut at a colon, never an example without its rule."""

import pytest

from retrieval.answer import complete, render

CLAUSE = [
    "You can return an item within 30 days.",  # 0: the rule
    "Some items cannot be returned:",  # 1: introduces a list
    "grocery",  # 2
    "underwear",  # 3
    "Examples: shoes delivered on 1 March can go back until 31 March.",  # 4
    "Opened beauty items are excluded.",  # 5
]


def test_a_sentence_ending_with_a_colon_brings_its_list():
    assert complete({1}, CLAUSE) == [1, 2, 3, 4]
    text = render([1, 2, 3], CLAUSE)
    assert text == "Some items cannot be returned: grocery; underwear."
    assert not text.rstrip().endswith(":")


def test_an_example_brings_the_rule_it_illustrates():
    assert complete({4}, CLAUSE) == [0, 4]


def test_plain_sentences_are_quoted_as_they_are():
    assert complete({5}, CLAUSE) == [5]
    assert render([0, 5], CLAUSE) == CLAUSE[0] + " " + CLAUSE[5]


def test_a_list_item_alone_brings_its_introduction_and_list():
    assert complete({3}, CLAUSE) == [1, 2, 3, 4]
    # A sentence with its own end mark after a list is not an item of it.
    assert complete({4}, CLAUSE) == [0, 4]
    assert render([1, 2, 3], CLAUSE).startswith("Some items cannot be returned: grocery")


FEE = [
    "A return must be unused, with its tags.",  # 0: the clause's first rule
    "You pay the return shipping: a flat $5 is deducted from your refund.",  # 1
    "For example, a $40 jacket returned unused gives you a $35 refund.",  # 2
]


def test_an_example_brings_the_numbered_rule_just_before_it_and_the_first_rule():
    """ "$35" alone does not say why: the $5 rule it illustrates comes along."""
    assert complete({2}, FEE) == [0, 1, 2]


def test_a_list_item_running_on_into_the_next_gets_no_full_stop():
    clause = [
        "You still have two ways out:",
        "refuse the parcel at the door, or",
        "accept it and return it within 30 days.",
    ]
    assert render([0, 1, 2], clause) == (
        "You still have two ways out: refuse the parcel at the door, or accept it and return "
        "it within 30 days."
    )


def test_the_last_item_of_a_list_brings_its_introduction_when_the_item_before_runs_on():
    clause = [
        "Shipped orders cannot be cancelled.",
        "You still have two ways out:",
        "refuse the parcel, or",
        "accept it and return it within 30 days.",
        "A return costs $5.",
    ]
    assert complete({3}, clause) == [1, 2, 3]
    assert render([0, 1, 2, 3], clause) == (
        "Shipped orders cannot be cancelled. You still have two ways out: refuse the parcel,"
        " or accept it and return it within 30 days."
    )
    # A sentence after a finished one is no list item.
    assert complete({4}, clause) == [4]


PACKING = [
    "Pack the return so it reaches the seller in the same condition it reached you.",
    "Put the item back in its original product box with all parts and tags.",
    "Then put that box inside a sturdy outer box or bag.",
    "Seal all seams with packing tape.",
]


def test_a_sentence_pointing_back_brings_the_one_before_it():
    # dev6 h34: "how do i pack it?" was answered "Then put that box inside a sturdy outer box".
    assert complete({2}, PACKING) == [1, 2]


def test_a_sentence_standing_alone_stays_alone():
    assert complete({3}, PACKING) == [3]
    assert complete({0}, PACKING) == [0]


def test_a_later_sentence_pointing_back_leans_on_the_quote_before_it():
    # REV-6.2: "A human agent always reviews ..." and "These checks protect buyers ...": the
    # examples between them are not brought in.
    review = [
        "A human agent always reviews a refund request when the account has 3 refunds.",
        "Examples: 3 refunds in the past two months means review.",
        "1 refund out of 4 orders does not trigger the rule.",
        "These checks protect buyers and sellers against abuse.",
    ]
    assert complete({0, 3}, review) == [0, 3]


WINDOW = [
    "You can return an item for change of mind within 30 days after it was delivered.",  # 0
    "Opening the box is fine.",  # 1
    "For electronics the window is shorter: 15 days after delivery.",  # 2
    "Weekends count; a holiday is longer than a weekend.",  # 3
]


def test_an_exception_said_as_a_comparison_brings_the_rule_it_is_compared_with():
    # Alone, "the window is shorter" says nothing of the 30 days every other item has.
    assert complete({2}, WINDOW) == [0, 2]
    # A comparison with its "than" says what it is compared with.
    assert complete({3}, WINDOW) == [3]


@pytest.mark.parametrize(
    ("item", "language"),
    [
        ("tolak paket saat kurir mengantarkannya (lihat CAN-1.5), atau", "id"),
        ("tanggihan ang parcel kapag inihatid ito ng rider (tingnan ang CAN-1.5), o", "tl"),
        ("từ chối nhận hàng khi shipper giao tới (xem CAN-1.5), hoặc", "vi"),
        ("ปฏิเสธการรับพัสดุเมื่อพนักงานขนส่งนำมาส่ง (ดู CAN-1.5) หรือ", "th"),
    ],
)
def test_a_translated_list_item_running_on_gets_no_full_stop(item, language):
    rendered = render([0, 1, 2], ["Intro:", item, "the other way."])
    assert f"{item} the other way." in rendered, (language, rendered)
