"""A buyer who says the photo is attached when none came (an upload that failed) is told so and
asked again for it, in their language; not "Sorry, I didn't catch that", then a person."""

import pytest

from bot.language.catalogue import catalogue
from tests.bot.dialogue.test_languages import DAMAGED
from tests.utils.builders import bot_text, citations

PHOTO = "https://img.example.com/damage.jpg"

PHOTO_SENT = {
    "en": "here is the photo",
    "ms": "ini gambarnya",
    "id": "sudah kirim fotonya kak",
    "th": "ส่งรูปแล้วค่ะ",
    "vi": "đây là ảnh",
    "tl": "eto na po ang picture",
}


def open_damage_claim(language: str, chat, nlu) -> dict:
    """A damaged-item claim in ``language``, the NLU scripted to read it (a photo is asked)."""
    nlu.script[DAMAGED[language]] = "damaged_item"
    nlu.reasons[DAMAGED[language]] = "damaged"
    return chat.say(DAMAGED[language])


@pytest.mark.parametrize("language", sorted(PHOTO_SENT))
def test_a_photo_said_to_be_sent_but_missing_is_asked_for_again(language, chat, nlu):
    words = catalogue(language)
    turn = open_damage_claim(language, chat, nlu)
    assert turn["expecting"] == "evidence"

    turn = chat.say(PHOTO_SENT[language])
    assert bot_text(turn) == words["photo_not_received"]
    assert "DMG-3.1" in citations(turn)
    assert turn["status"] == "bot" and turn["expecting"] == "evidence"
    assert turn["quick_replies"] == [words["no_photo"], words["person"]]

    # The upload works the second time: the claim goes on.
    turn = chat.say("", photo=PHOTO)
    assert turn["expecting"] == "confirmation"


@pytest.mark.parametrize(
    "said", ["see attached pic", "I already sent you the picture", "photo attached above"]
)
def test_english_ways_of_saying_the_photo_is_there(said, chat):
    chat.say("my mug D201 arrived broken")
    turn = chat.say(said)
    assert bot_text(turn) == catalogue("en")["photo_not_received"]
    assert turn["status"] == "bot" and turn["expecting"] == "evidence"


def test_a_photo_promised_for_later_is_not_missing(chat):
    chat.say("my mug D201 arrived broken")
    turn = chat.say("I'll send the photo tonight")
    assert bot_text(turn) != catalogue("en")["photo_not_received"]


# A photo promised for later, in words that also say "I send the photo" (PHOTO_SENT's).
PHOTO_PROMISED = {
    "ms": "nanti saya hantar gambar",
    "id": "besok saya kirim fotonya kak",
    "vi": "lát em gửi hình nha",
}


@pytest.mark.parametrize("language", sorted(PHOTO_PROMISED))
def test_a_photo_promised_for_later_is_not_missing_in_any_language(language, chat, nlu):
    words = catalogue(language)
    open_damage_claim(language, chat, nlu)
    turn = chat.say(PHOTO_PROMISED[language])
    assert bot_text(turn) != words["photo_not_received"]
    assert turn["status"] == "bot" and turn["expecting"] == "evidence"


def test_a_photo_that_came_with_the_words_is_taken(chat):
    chat.say("my mug D201 arrived broken")
    turn = chat.say("here is the photo", photo=PHOTO)
    assert turn["expecting"] == "confirmation"


def test_an_opening_that_says_photo_attached_without_one_says_it_is_missing(chat):
    turn = chat.say("my mug D201 arrived broken, photo attached")
    assert turn["expecting"] == "evidence"
    assert bot_text(turn) == catalogue("en")["photo_not_received"]
