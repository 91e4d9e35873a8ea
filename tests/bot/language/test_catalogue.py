from datetime import date
from decimal import Decimal

import pytest

from bot.language.catalogue import MESSAGES, Said, catalogue, placeholders, say, speaking
from bot.language.formatting import Money
from bot.language.locales import SUPPORTED

ENGLISH = catalogue("en")


def test_there_is_one_file_per_supported_language():
    assert sorted(path.stem for path in MESSAGES.glob("*.yml")) == sorted(SUPPORTED)


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED if lang != "en"])
def test_no_key_is_missing_or_extra_in_any_language(language):
    assert set(catalogue(language)) == set(ENGLISH)


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED if lang != "en"])
def test_every_placeholder_matches_english(language):
    mismatched = {
        key: (placeholders(template), placeholders(ENGLISH[key]))
        for key, template in catalogue(language).items()
        if placeholders(template) != placeholders(ENGLISH[key])
    }
    assert mismatched == {}


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_template_is_a_non_empty_string(language):
    empty = [k for k, v in catalogue(language).items() if not isinstance(v, str) or not v.strip()]
    assert empty == []


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED if lang != "en"])
def test_templates_are_translated_not_copied(language):
    # Labels such as "OK" may be the same; whole sentences may not.
    copied = [
        key
        for key, template in catalogue(language).items()
        if template == ENGLISH[key] and len(template.split()) > 3
    ]
    assert copied == []


def test_say_renders_the_language_and_keeps_the_english():
    with speaking("ms", "ms_MY"):
        text = say("track_refunded", order_id="P1", amount=Money(Decimal("12.5"), "MYR"))
    assert text == "Pesanan P1 telah dibayar balik (RM12.50)."
    assert text.english == "Order P1 was refunded (MYR 12.50)."


def test_amounts_and_dates_follow_the_locale():
    with speaking("id", "id_ID"):
        text = say("track_due", date=date(2026, 12, 2))
    assert "2 Des 2026" in text and "2 Dec 2026" in text.english
    with speaking("vi"):
        text = say("done_refund", amount=Money(Decimal("150000"), "VND"), destination="")
    assert "150.000" in text and "₫" in text


def test_joined_texts_keep_both_languages():
    with speaking("th"):
        joined = say("thanks") + " " + say("anything_else")
    assert isinstance(joined, Said)
    assert joined.english == "You're welcome! Is there anything else I can help with?"
    assert joined.startswith(catalogue("th")["thanks"])


def test_an_unsupported_language_is_answered_in_english():
    with speaking("fr") as voice:
        assert voice.language == "en"
        assert say("thanks") == "You're welcome!"


def test_the_english_not_sure_reply_is_the_answerers():
    from retrieval.answer import NOT_SURE_REPLY

    assert ENGLISH["not_sure"] == NOT_SURE_REPLY
