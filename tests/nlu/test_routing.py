"""LanguageRoutedParser: English to the English model, the five other languages to the
multilingual one, and an unsure "English" that reads as out of scope asked again (issue 16)."""

import asyncio

import pytest

from nlu.errors import NluUnavailable
from nlu.routing import LanguageRoutedParser
from tests.utils.fakes import FakeParser


def _routed(english_intent: str = "track_order", multilingual_intent: str = "cancel_order"):
    english, multilingual = FakeParser(english_intent), FakeParser(multilingual_intent)
    return LanguageRoutedParser(english, multilingual), english, multilingual


@pytest.mark.parametrize("language", ["ms", "id", "th", "vi", "tl"])
def test_other_languages_go_to_the_multilingual_model_only(language):
    routed, english, multilingual = _routed()
    reading = asyncio.run(routed.parse("barang saya rosak", language, sure=False))
    assert reading.intent.name == "cancel_order"
    assert english.texts == [] and multilingual.texts == ["barang saya rosak"]


def test_english_and_no_language_go_to_the_english_model_only():
    routed, _english, multilingual = _routed()
    assert asyncio.run(routed.parse("where is my parcel", "en")).intent.name == "track_order"
    assert asyncio.run(routed.parse("where is my parcel")).intent.name == "track_order"
    assert multilingual.texts == []


def test_sure_english_out_of_scope_stays_out_of_scope():
    routed, _english, multilingual = _routed("out_of_scope")
    reading = asyncio.run(routed.parse("what is the weather like", "en", sure=True))
    assert reading.intent.name == "out_of_scope"
    assert multilingual.texts == []


def test_unsure_english_out_of_scope_is_read_by_the_multilingual_model():
    routed, english, multilingual = _routed("out_of_scope", "damaged_item")
    reading = asyncio.run(routed.parse("barang rosak", "en", sure=False))
    assert reading.intent.name == "damaged_item"
    assert english.texts == ["barang rosak"] and multilingual.texts == ["barang rosak"]


def test_unsure_english_keeps_the_english_reading_when_both_say_out_of_scope():
    routed, _english, _ = _routed("out_of_scope", "out_of_scope")
    reading = asyncio.run(routed.parse("lorem ipsum", "en", sure=False))
    assert reading.intent.name == "out_of_scope"


def test_unsure_english_with_an_intent_is_not_asked_again():
    routed, _, multilingual = _routed("track_order", "cancel_order")
    assert asyncio.run(routed.parse("where parcel", "en", sure=False)).intent.name == "track_order"
    assert multilingual.texts == []


def test_a_model_that_is_down_raises_nlu_unavailable_as_a_single_server_does():
    routed, english, multilingual = _routed("out_of_scope")
    multilingual.down = True
    with pytest.raises(NluUnavailable):
        asyncio.run(routed.parse("tôi muốn hoàn tiền", "vi"))
    with pytest.raises(NluUnavailable):
        asyncio.run(routed.parse("hmm okay lah", "en", sure=False))
    english.down, multilingual.down = True, False
    with pytest.raises(NluUnavailable):
        asyncio.run(routed.parse("where is my parcel", "en"))


def test_ready_only_when_both_models_are():
    routed, english, multilingual = _routed()
    assert asyncio.run(routed.is_ready())
    multilingual.down = True
    assert not asyncio.run(routed.is_ready())
    multilingual.down, english.down = False, True
    assert not asyncio.run(routed.is_ready())


def test_a_bound_parser_reads_every_part_in_its_language():
    routed, english, multilingual = _routed()
    bound = routed.bound("th")
    asyncio.run(bound.parse("ขอยกเลิก"))
    asyncio.run(bound.parse("ขอคืนเงิน"))
    assert multilingual.texts == ["ขอยกเลิก", "ขอคืนเงิน"] and english.texts == []
    asyncio.run(bound.aclose())  # the shared parser stays open
    assert asyncio.run(bound.is_ready())


def test_a_language_the_bot_does_not_speak_reads_as_unsure_english():
    # "refund na po" comes back Czech from the detector: English first, then the other model.
    routed, english, multilingual = _routed("out_of_scope", "request_refund")
    assert asyncio.run(routed.parse("refund na po", "cs", sure=False)).intent.name == (
        "request_refund"
    )
    assert english.texts == ["refund na po"] and multilingual.texts == ["refund na po"]
