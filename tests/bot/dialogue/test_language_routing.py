"""The manager reads each buyer message with the NLU model of its detected language (issue 16):
English with the English model, Malay and Thai with the multilingual one, and a message whose
language ID was unsure asks the multilingual model when English reads it as out of scope."""

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from nlu.routing import LanguageRoutedParser
from tests.bot.conftest import make_services
from tests.utils.builders import Chat
from tests.utils.fakes import ScriptedParser


@pytest.fixture
def english() -> ScriptedParser:
    return ScriptedParser()


@pytest.fixture
def multilingual() -> ScriptedParser:
    return ScriptedParser()


@pytest.fixture
def routed_chat(settings, world_db, english, multilingual, answerer, risk_model, buyer_headers):
    routed = LanguageRoutedParser(english, multilingual)
    services = make_services(world_db, routed, answerer, risk_model)  # type: ignore[arg-type]
    with TestClient(create_app(settings, services)) as client:
        yield Chat(client, buyer_headers)


def test_english_is_read_by_the_english_model(routed_chat, english, multilingual):
    routed_chat.say("please cancel order P100, I ordered the wrong size")
    assert english.texts and not multilingual.texts


@pytest.mark.parametrize(
    "text",
    ["tolong batalkan pesanan P100, saya nak batal sebab tersalah saiz", "ขอยกเลิกคำสั่งซื้อ P100 ค่ะ"],
)
def test_malay_and_thai_are_read_by_the_multilingual_model(
    routed_chat, english, multilingual, text
):
    multilingual.script[text] = "cancel_order"
    turn = routed_chat.say(text)
    assert multilingual.texts == [text] and english.texts == []
    assert turn["nlu"]["intent"]["name"] == "cancel_order"


def test_unsure_english_read_as_out_of_scope_is_asked_again(routed_chat, english, multilingual):
    text = "refundkan"  # one word: too little to read, English only by default
    english.script[text] = "out_of_scope"
    multilingual.script[text] = "request_refund"
    turn = routed_chat.say(text)
    assert english.texts == [text] and multilingual.texts == [text]
    assert turn["nlu"]["intent"]["name"] == "request_refund"


def test_english_said_by_the_detector_is_read_by_the_english_model_only(
    routed_chat, english, multilingual
):
    text = "what is the weather like in town today"
    english.script[text] = "out_of_scope"
    multilingual.script[text] = "request_refund"
    turn = routed_chat.say(text)
    assert english.texts == [text] and multilingual.texts == []
    assert turn["nlu"]["intent"]["name"] == "out_of_scope"


def test_one_model_down_hands_the_buyer_to_a_person(routed_chat, multilingual):
    multilingual.down = True
    turn = routed_chat.say("tolong batalkan pesanan P100, saya nak batal sebab tersalah saiz")
    assert turn["status"] == "waiting_for_agent"
