"""Orders named loosely: a dash dropped, one character off, or the item named."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dialogue.order_match import (
    items_kept,
    items_named,
    match_order_id,
    orders_named_by_product,
)
from tests.utils.builders import bot_text, citations, demo_orders, item, order

OWN = ["D-2002", "A1001", "SO-2026-000123", "113542617735902", "A1002"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("D2002", "D-2002"),
        ("d-2002", "D-2002"),
        ("#SO2026000123", "SO-2026-000123"),
        ("113542617735903", None),  # the next order's id, not a slip for ...902
        ("A1001", "A1001"),
        ("A10O1", "A1001"),  # O for 0, the only one within one edit
        ("A1003", None),  # one digit for another: somebody else's order, not a slip
        ("A10011", "A1001"),  # one character doubled
        ("SO-2026-00123", "SO-2026-000123"),  # one character dropped
        ("A101", None),  # too short to correct
        ("B7777", None),
        ("2002", "D-2002"),  # the number without its letters (issue 14)
        ("#1002", "A1002"),
        ("2026000123", "SO-2026-000123"),
        ("0123", None),  # part of a number is not the number
        ("201", None),  # too short to be an id's number
        ("SO-2026-000132", "SO-2026-000123"),  # two neighbours swapped (dev17 y10)
        ("A0101", "A1001"),
        ("SO-2026-000321", None),  # two digits apart that are not neighbours swapped
    ],
)
def test_ids_typed_loosely(typed, found):
    assert match_order_id(typed, OWN) == found


def test_a_number_two_orders_share_is_no_order():
    assert match_order_id("2002", ["D-2002", "K2002"]) is None


@pytest.mark.parametrize(
    ("said", "title"),
    [("the mugs", "Coffee mug"), ("glass", "Wine glasses"), ("the shoes", "Running shoe"),
     ("batteries", "AA battery"), ("headphone", "Headphones"),
     ("the tees", "Graphic cotton t-shirt"), ("my trainers", "Canvas sneakers")],
)  # fmt: skip
def test_plurals_and_singulars_name_the_item(said, title):
    bought = order("A1", item(title, "10.00"))
    assert orders_named_by_product(said, [bought]) == [bought]


def test_an_id_two_orders_could_be_is_not_guessed():
    assert match_order_id("K4100", ["K41001", "K41002"]) is None  # one dropped: both fit
    assert match_order_id("K4100", ["K41001", "D77"]) == "K41001"


@given(st.text(alphabet="AD0123-#", max_size=12))
def test_a_match_is_always_one_of_the_buyers_orders(typed):
    assert match_order_id(typed, OWN) in {None, *OWN}


def test_orders_named_by_their_item():
    orders = demo_orders()
    assert [o.order_id for o in orders_named_by_product("the headphones one", orders)] == ["S300"]
    assert [o.order_id for o in orders_named_by_product("my yoga mats", orders)] == ["D206"]
    assert orders_named_by_product("the blue one", orders) == []  # colours name no item


def test_an_id_typed_with_a_stray_dash_is_understood_in_the_chat(chat, nlu):
    nlu.script["where is S-300"] = "track_order"
    turn = chat.say("where is S-300")
    assert "S300" in bot_text(turn) and turn["expecting"] != "order_id"


def test_naming_the_item_picks_the_order(chat, nlu):
    nlu.script["I want a refund for the yoga mat"] = "request_refund"
    turn = chat.say("I want a refund for the yoga mat")
    assert turn["expecting"] == "reason", bot_text(turn)  # D206 taken, no order question
    assert "INR-4.3" in citations(chat.say("It came late"))


def test_naming_the_item_answers_which_order(chat, nlu):
    nlu.script["I want to return something"] = "return_item"
    assert chat.say("I want to return something")["expecting"] == "order_id"
    nlu.script["the linen shirt one"] = "inform"
    turn = chat.say("the linen shirt one")
    assert turn["expecting"] != "order_id", bot_text(turn)


def test_a_word_every_other_title_shares_names_no_item():
    # "bath" is in both titles: "the bath mat" named the towel first (dev7 j54).
    towel = item("Bath towel (grey)", "11.90", sku="T")
    mat = item("Bath mat", "9.90", sku="M")
    assert [i.sku for i in items_named("the bath mat please", [towel, mat])] == ["M"]
    assert [i.sku for i in items_named("the towels, not the mat", [towel, mat])] == ["T", "M"]
    assert items_named("the bath one", [towel, mat]) == []
    # Titles with no word of their own keep all of theirs.
    assert len(items_named("the mug", [item("Mug", "5"), item("Mug", "5")])) == 2


def test_a_thai_message_names_the_item_whose_title_word_it_writes():
    # dev22 i57: Thai has no spaces between words; asked which item three times, then a person.
    milk = item("นมถั่วเหลือง 1 ลิตร", "24.00")
    rice = item("ข้าวหอมมะลิ 5 กก.", "189.00")
    sauce = item("น้ำปลาแท้ 700 มล.", "35.00")
    text = "มาถึงเมื่อวานนมถั่วเหลืองกล่องแตกรั่วเลอะหมดเลยครับ ส่วนข้าวกับน้ำปลาโอเคปกติ"
    assert items_named(text, [milk, rice, sauce]) == [milk]
    assert items_named("น้ำปลาแท้แตก นมถั่วเหลืองด้วย", [milk, rice, sauce]) == [sauce, milk]


def test_items_praised_are_kept():
    # dev23 o44: "the mugs are lovely and the beans smell amazing, but ... the French press ...
    # had a crack": the mugs were asked about, then refunded instead of the press.
    mugs = item("Glass coffee mugs (set of 2)", "14.00")
    press = item("Glass French press 1L", "36.00")
    beans = item("Coffee beans 500g", "18.00")
    text = (
        "the mugs are lovely and the beans smell amazing, but when I unwrapped the French press "
        "the glass beaker had a crack down the side"
    )
    assert items_kept(text, [mugs, press, beans]) == [mugs, beans]


def test_a_thai_title_words_head_names_its_item_when_no_whole_word_is_written():
    # dev23 o47: "กิ๊บผิดแบบ ... ขอเงินคืนแค่กิ๊บ" (the clip is the wrong design, refund only the
    # clip) for "กิ๊บติดผมมุก แพ็ค 6 ชิ้น": asked which item three times, then a person.
    clip = item("กิ๊บติดผมมุก แพ็ค 6 ชิ้น", "19.00")
    ties = item("ยางรัดผม แพ็ค 10 เส้น", "29.00")
    assert items_named("กิ๊บผิดแบบ สั่งแบบมุก ได้แบบโบว์ ขอเงินคืนแค่กิ๊บ", [clip, ties]) == [clip]
