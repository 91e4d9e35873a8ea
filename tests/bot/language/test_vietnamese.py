import pytest

from bot.language.identify import identify
from bot.language.vietnamese import fold, is_vietnamese, vietnamese_cues, vietnamese_letter


@pytest.mark.parametrize(
    "text",
    [
        # lid.176 read these as pt, en, en, en, it (the multilingual training split's design part)
        "huy don A3312 giup minh nha",
        "chua nhan dc ma bao giao r",
        "cảm ơn shop nha",
        "chào shop ạ",
        "hoan tien di shop, hang ko toi",
    ],
)
def test_vietnamese_with_or_without_diacritics_is_vietnamese_as_a_first_message(text):
    found = identify(text)
    assert (found.language, found.source) == ("vi", "words")


def test_one_word_with_a_vietnamese_letter_is_vietnamese_in_any_conversation():
    assert identify("được", conversation_language="en").language == "vi"
    # Without a Vietnamese letter one word is too little: the conversation's language stays.
    assert identify("ko", conversation_language="tl").language == "tl"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("please send the replacement to nguyễn văn đức at the office", "en"),
        ("can i cancel my order before it ships", "en"),
        ("the yoga mat came with a hole, I want my money back", "en"),
        ("hindi ko pa natanggap yung order ko", "tl"),
        ("barang saya rusak, mau dikembalikan", "id"),
        ("saya nak tukar saiz, boleh tak", "ms"),
    ],
)
def test_other_languages_with_a_vietnamese_looking_word_are_not_vietnamese(text, language):
    assert not is_vietnamese(text)
    assert identify(text).language == language


def test_the_letters_only_vietnamese_writes():
    assert all(vietnamese_letter(w) for w in ["đơn", "ơi", "được", "ạ", "hủy", "tiếp", "ẽ", "mặt"])
    # French, Portuguese and Spanish accents are shared, not Vietnamese's own.
    assert not any(vietnamese_letter(w) for w in ["café", "não", "être", "là", "año", "côte"])


def test_cues_count_whole_words():
    assert fold("được") == "duoc"
    assert vietnamese_cues("toi muon hoan tien") == (0, 4, 4)
    # "toilet" holds "toi" but is not the syllable; "shop" and "refund" carry no cue.
    assert vietnamese_cues("toilet shop refund") == (0, 0, 3)
    # One syllable of the list without a Vietnamese letter is not enough.
    assert not is_vietnamese("cho shop")
    assert is_vietnamese("cho minh")
