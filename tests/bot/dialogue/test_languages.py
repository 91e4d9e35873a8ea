"""A buyer writing in each supported language is answered in it, end to end through the API
(the fake NLU stands in for the multilingual Rasa model: it is told the intent of each text),
and the English of each reply is stored for agents."""

from decimal import Decimal

import pytest

from bot.language.catalogue import catalogue
from bot.store.conversations import ConversationRepository
from bot.store.orders import OrderRepository
from policies.types import OrderStatus
from retrieval.answer import PolicyAnswer
from tests.utils.builders import bot_text

PHOTO = "https://img.example.com/damage.jpg"

CANCEL = {
    "en": "please cancel order P100",
    "ms": "tolong batalkan pesanan P100, saya nak batal",
    "id": "tolong batalkan pesanan P100 ya kak, saya mau batal",
    "th": "ขอยกเลิกคำสั่งซื้อ P100 ค่ะ",
    "vi": "tôi muốn hủy đơn hàng P100",
    "tl": "gusto kong i-cancel ang order P100 ko",
}
DAMAGED = {
    "en": "my mug D201 arrived broken",
    "ms": "mug saya dalam pesanan D201 sampai dalam keadaan rosak",
    "id": "mug saya di pesanan D201 datang dalam keadaan rusak",
    "th": "แก้วในคำสั่งซื้อ D201 แตกมาค่ะ",
    "vi": "cái cốc trong đơn D201 bị vỡ khi nhận",
    "tl": "sira yung mug sa order D201 nang dumating",
}
NOT_RECEIVED = {
    "en": "S300 never arrived",
    "ms": "bungkusan S300 saya tak sampai lagi",
    "id": "paket S300 saya belum sampai juga kak",
    "th": "ยังไม่ได้รับพัสดุ S300 เลยค่ะ",
    "vi": "tôi chưa nhận được đơn S300",
    "tl": "hindi pa dumarating yung order S300 ko",
}
POLICY = {
    "en": "how long do I have to return something?",
    "ms": "berapa lama tempoh untuk pulangkan barang?",
    "id": "berapa lama batas waktu untuk retur barang?",
    "th": "คืนสินค้าได้ภายในกี่วันคะ",
    "vi": "tôi có bao nhiêu ngày để trả hàng?",
    "tl": "ilang araw po ang palugit para mag-return?",
}
# A phrase of each language's "Done: ..." (catalogue `done_cancel`), to see the reply's language.
DONE = {"en": "Done:", "ms": "Selesai:", "id": "Selesai:", "th": "เรียบร้อยค่ะ", "vi": "Xong:",
        "tl": "Tapos na po:"}  # fmt: skip


@pytest.mark.parametrize("language", sorted(CANCEL))
def test_a_cancellation_in_each_language_is_answered_in_it(language, chat, nlu, world_db):
    words = catalogue(language)
    nlu.script[CANCEL[language]] = "cancel_order"
    turn = chat.say(CANCEL[language])
    assert turn["language"] == language
    assert turn["expecting"] == "confirmation"
    assert turn["quick_replies"] == [words["answer_yes"], words["answer_no"]]
    assert "P100" in bot_text(turn)

    done = chat.say(words["answer_yes"])  # the buyer taps their language's "Yes"
    [action] = done["actions"]
    assert action["type"] == "cancel" and action["order_id"] == "P100"
    assert DONE[language] in bot_text(done)
    assert done["language"] == language  # a two-letter answer keeps the conversation's language
    stored = OrderRepository(world_db.sessions).get("P100")
    assert stored.status is OrderStatus.CANCELLED
    assert stored.refunded_amount == Decimal("39.99")


@pytest.mark.parametrize("language", sorted(DAMAGED))
def test_a_damaged_item_in_each_language_gets_a_refund_in_it(language, chat, nlu):
    words = catalogue(language)
    nlu.script[DAMAGED[language]] = "damaged_item"
    nlu.reasons[DAMAGED[language]] = "damaged"
    turn = chat.say(DAMAGED[language])
    assert turn["expecting"] == "evidence"
    assert bot_text(turn) == words["ask_photo"]

    turn = chat.say("", photo=PHOTO)
    assert turn["expecting"] == "confirmation"
    # The rule's explanation too is in the buyer's language, not English above their own.
    if language != "en":
        said = bot_text(turn)
        assert "Sorry about" not in said and "do not need to send it back" not in said
    done = chat.say(words["answer_yes"])
    [action] = done["actions"]
    assert action["type"] == "refund" and action["amount"] == 12.0
    assert DONE[language] in bot_text(done)


@pytest.mark.parametrize("language", sorted(NOT_RECEIVED))
def test_a_parcel_not_received_in_each_language_is_refunded_in_it(language, chat, nlu):
    words = catalogue(language)
    nlu.script[NOT_RECEIVED[language]] = "item_not_received"
    nlu.reasons[NOT_RECEIVED[language]] = "not_received"
    turn = chat.say(NOT_RECEIVED[language])
    assert turn["language"] == language
    assert turn["expecting"] == "confirmation"
    assert turn["quick_replies"] == [words["answer_yes"], words["answer_no"]]
    done = chat.say(words["answer_yes"])
    [action] = done["actions"]
    assert action["type"] == "refund" and action["amount"] == 60.0
    assert DONE[language] in bot_text(done)


@pytest.mark.parametrize("language", sorted(POLICY))
def test_a_policy_question_in_each_language_is_answered_in_it(language, chat, nlu, answerer):
    nlu.script[POLICY[language]] = "ask_policy"
    turn = chat.say(POLICY[language])
    assert turn["language"] == language
    text = bot_text(turn)
    # An English quote (this answerer's), introduced in the buyer's language as English; a
    # translated quote has no such introduction (tests/bot/test_clauses.py).
    assert answerer.text in text
    intro = catalogue(language)["policy_quote"].split("{quote}")[0]
    assert text.startswith(intro)
    assert turn["messages"][0]["citations"] == ["RET-2.1"]


def test_the_english_of_each_reply_is_stored_beside_it(chat, nlu, world_db):
    nlu.script[CANCEL["vi"]] = "cancel_order"
    chat.say(CANCEL["vi"])
    messages = ConversationRepository(world_db.sessions).messages(chat.id)
    buyer, bot = messages[0], messages[-1]
    assert (buyer.language, buyer.text_en) == ("vi", None)
    assert bot.language == "vi"
    assert "Đơn hàng" in bot.text or "đơn hàng" in bot.text
    assert "To confirm: I'll cancel order P100 and refund $39.99" in bot.text_en
    assert chat.view()["language"] == "vi"


def test_amounts_follow_the_locale_the_app_sends(chat, nlu, bot_client):
    nlu.script[CANCEL["id"]] = "cancel_order"
    response = bot_client.post(
        f"/v1/conversations/{chat.id}/messages",
        json={"text": CANCEL["id"], "locale": "id-ID"},
        headers=chat.headers,
    )
    assert response.status_code == 200, response.text
    assert "US$39,99" in bot_text(response.json())  # id_ID writes a decimal comma


def test_an_english_yes_is_understood_in_a_malay_conversation(chat, nlu):
    nlu.script[CANCEL["ms"]] = "cancel_order"
    chat.say(CANCEL["ms"])
    done = chat.say("yes")
    assert done["actions"] and DONE["ms"] in bot_text(done)


def test_an_unknown_locale_is_a_422_naming_the_field(chat, bot_client):
    response = bot_client.post(
        f"/v1/conversations/{chat.id}/messages",
        json={"text": "hello", "locale": "xx-QQ"},
        headers=chat.headers,
    )
    assert response.status_code == 422
    assert "locale" in response.text


def test_an_unsupported_language_is_stored_as_detected_and_answered_in_english(chat, nlu):
    text = "Bonjour, je voudrais annuler ma commande P100 s'il vous plaît"
    nlu.script[text] = "cancel_order"
    turn = chat.say(text)
    assert turn["language"] == "fr"
    assert turn["quick_replies"] == ["Yes", "No"]


@pytest.mark.parametrize(
    ("language", "yes"),
    [("ms", "boleh"), ("id", "iya"), ("th", "ได้ค่ะ"), ("vi", "dạ"), ("tl", "sige po")],
)
def test_a_typed_yes_in_the_buyer_language_confirms(language, yes, chat, nlu):
    nlu.script[CANCEL[language]] = "cancel_order"
    chat.say(CANCEL[language])
    done = chat.say(yes)
    assert done["actions"] and DONE[language] in bot_text(done)


@pytest.mark.parametrize(
    ("language", "no"), [("ms", "tak nak"), ("vi", "không ạ"), ("tl", "huwag")]
)
def test_a_typed_no_in_the_buyer_language_declines(language, no, chat, nlu):
    nlu.script[CANCEL[language]] = "cancel_order"
    chat.say(CANCEL[language])
    turn = chat.say(no)
    assert turn["actions"] == []
    assert bot_text(turn) == catalogue(language)["declined_cancel"]


def test_a_multilingual_answerer_answers_from_the_clause_in_the_buyer_language(
    chat, nlu, answerer, monkeypatch
):
    asked = []

    def answer(question, situation=None, language="en"):
        asked.append(language)
        text = "Pulangan dalam 30 hari." if language == "ms" else "Returns within 30 days."
        return PolicyAnswer(text, ("RET-2.1",), True, ())

    monkeypatch.setattr(answerer, "answer", answer)
    monkeypatch.setattr(answerer, "languages", ("en", "ms"), raising=False)
    nlu.script[POLICY["ms"]] = "ask_policy"
    turn = chat.say(POLICY["ms"])
    assert asked == ["ms"]
    assert "Pulangan dalam 30 hari." in bot_text(turn)
    assert turn["messages"][0]["citations"] == ["RET-2.1"]


# Answers typed as sentences in the buyer's language, which the NLU reads as nothing it knows
# (the worst case: out_of_scope): the dialogue's own word rules carry them (`local_words`).
@pytest.mark.parametrize(
    ("language", "yes"),
    [
        ("ms", "ya, teruskan je"),
        ("id", "iya kak, lanjutkan aja"),
        ("th", "ใช่ค่ะ ทำเลยค่ะ"),
        ("vi", "vâng, làm luôn đi"),
        ("vi", "duoc, lam di"),
        ("tl", "oo, ituloy nyo na"),
    ],
)
def test_a_yes_sentence_in_the_buyer_language_confirms(language, yes, chat, nlu):
    nlu.script[CANCEL[language]] = "cancel_order"
    nlu.script[yes] = "out_of_scope"
    chat.say(CANCEL[language])
    done = chat.say(yes)
    assert done["actions"] and DONE[language] in bot_text(done)


@pytest.mark.parametrize(
    ("language", "no"),
    [
        ("ms", "tak, saya simpan dulu"),
        ("id", "nggak kak, nanti aja"),
        ("th", "ไม่ค่ะ ขอคิดก่อน"),
        ("vi", "không, để em suy nghĩ"),
        ("tl", "hindi po, itatabi ko na lang"),
    ],
)
def test_a_no_sentence_in_the_buyer_language_declines(language, no, chat, nlu):
    nlu.script[CANCEL[language]] = "cancel_order"
    nlu.script[no] = "out_of_scope"
    chat.say(CANCEL[language])
    turn = chat.say(no)
    assert turn["actions"] == []
    assert bot_text(turn) == catalogue(language)["declined_cancel"]


def test_a_yes_with_a_wait_in_it_does_not_confirm(chat, nlu):
    nlu.script[CANCEL["id"]] = "cancel_order"
    nlu.script["iya, tapi tunggu dulu"] = "out_of_scope"
    chat.say(CANCEL["id"])
    turn = chat.say("iya, tapi tunggu dulu")
    assert turn["actions"] == [] and turn["expecting"] == "confirmation"


@pytest.mark.parametrize(
    ("language", "asked", "reason"),
    [
        ("ms", "saya nak refund untuk D201", "mug tu retak masa sampai"),
        ("id", "mau refund pesanan D201 kak", "mugnya pecah pas dateng"),
        ("th", "ขอคืนเงินคำสั่งซื้อ D201 ค่ะ", "แก้วร้าวมาค่ะ"),
        ("vi", "cho em hoàn tiền đơn D201", "cái cốc bị nứt rồi"),
        ("tl", "pa-refund po ng order D201", "may lamat na yung mug"),
    ],
)
def test_what_went_wrong_answered_in_the_buyer_language(language, asked, reason, chat, nlu):
    nlu.script[asked] = "request_refund"
    nlu.reasons[asked] = "none"
    nlu.script[reason] = "out_of_scope"
    nlu.reasons[reason] = "none"
    turn = chat.say(asked)
    assert turn["expecting"] == "reason", bot_text(turn)
    turn = chat.say(reason)
    # Damaged: the photo is asked next (DMG-3.1), in the buyer's language.
    assert turn["expecting"] == "evidence", bot_text(turn)
    assert bot_text(turn) == catalogue(language)["ask_photo"]
