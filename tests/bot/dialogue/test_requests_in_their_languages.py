"""Requests and questions as buyers in each market type them (dev11): a wrong colour told in
Malay, a double charge and a cancellation read as complaints, a return read as tracking, a
parcel "still not arriving" in Taglish, a parcel "meant to be here a week ago", a supposition
asked in Thai, an opened serum asked about unopened ones, and the agents' hours asked."""

import pytest

from bot.dialogue.wording import AGENT_HOURS_ASKED, REASON_WORDS
from bot.language.catalogue import speaking
from policies.types import Category, OrderStatus, PaymentMethod
from tests.bot.conftest import token_headers
from tests.utils.builders import Chat, bot_text, citations, item, order, seed

PHOTO = "https://img.example.com/p.jpg"


@pytest.mark.parametrize(
    ("language", "text", "reason"),
    [
        ("ms", "saya order tudung warna maroon, tapi yang sampai warna hijau", "wrong_item"),
        ("ms", "salah warna yang dihantar", "wrong_item"),
        ("tl", "yung order ko na phone case hindi pa rin dumadating", "not_received"),
        ("en", "it was meant to be here a week ago", "not_received"),
        ("en", "it was supposed to arrive last week", "not_received"),
        ("tl", "nagbago lang ang isip ko", "change_of_mind_return"),
        ("ms", "tiba tiba tak boleh charge dah", "damaged"),
        ("vi", "don roi van chua thay dau", "not_received"),
        ("vi", "don qua ngay hen 6 ngay roi", "late_delivery"),
    ],
)
def test_reason_words(language: str, text: str, reason: str) -> None:
    with speaking(language):
        assert [n for n, w in REASON_WORDS.items() if w.search(text.lower())] == [reason]


def test_no_exchange_wanted_is_no_change_of_mind() -> None:
    with speaking("ms"):
        said = "nak return and refund please, tak nak tukar."
        assert not REASON_WORDS["change_of_mind_return"].search(said)


def test_a_wrong_colour_told_in_malay_is_a_wrong_item_refunded_in_full(chat, nlu, world_db):
    # dev11 p05: read as a change of mind ("tak nak tukar"), $5 return shipping was deducted.
    seed(
        world_db,
        [
            order(
                "M720",
                item("Tudung bawal satin (maroon)", "29.90", Category.APPAREL, quantity=2),
                placed=6,
                delivered=3,
                payment=PaymentMethod.WALLET,
            )
        ],
    )
    text = (
        "Hi, order M720 saya order tudung bawal satin warna maroon 2 helai, tapi yang sampai "
        "warna hijau dua-dua. Dah attach gambar. Nak return and refund please, tak nak tukar."
    )
    nlu.script[text] = "request_refund"
    turn = chat.say(text, photo=PHOTO)
    assert "59.80" in bot_text(turn) and "54.80" not in bot_text(turn), bot_text(turn)
    assert "DMG-3.1" in citations(turn), citations(turn)


def test_a_double_charge_read_as_a_complaint_goes_to_the_payment_desk(chat, nlu):
    text = "SHOP OI TOI BI TRU TIEN 2 LAN CHO DON P100, THE BI TRU HAI LAN!!! TRA LAI TIEN NGAY"
    nlu.script[text] = "complaint"
    nlu.confidence = 0.8
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent" and "REV-6.3" in citations(turn), bot_text(turn)


def test_a_cancellation_read_as_a_complaint_is_the_cancellation(chat, nlu):
    text = "shop oi huy giup minh don P100 tai nghe nha, dat nham."
    nlu.script[text] = "complaint"
    nlu.confidence = 0.73
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation" and "CAN-1.1" in citations(turn), bot_text(turn)


def test_a_cancellation_asked_in_words_of_a_shipped_order_is_refused_by_the_rule(chat, nlu):
    # dev14 v16: out of scope, the shipped order's cancellation was asked what went wrong until
    # a person took over; it is CAN-1.2's refusal (refuse it at the door, or return it).
    text = "hủy đơn S301 giúp e ạ. k cần nữa"
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.96
    turn = chat.say(text)
    assert turn["expecting"] != "reason" and "CAN-1.2" in citations(turn), bot_text(turn)
    assert turn["actions"] == [] and turn["status"] == "bot"


def test_a_cancellation_asked_of_a_shipped_order_past_its_date_is_the_late_refund(chat, nlu):
    # dev8 k07: a shipped order more than 3 days past its date is owed INR-4.1's refund, not
    # CAN-1.2's refusal.
    text = (
        "WHERE IS MY ORDER S300??? The headphones were promised days ago and the tracking hasn't"
        " moved. I'm done waiting, I don't want them anymore, cancel it and refund me!!"
    )
    nlu.script[text] = "track_order"
    nlu.confidence = 0.76
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation" and "INR-4.1" in citations(turn), bot_text(turn)
    assert "CAN-1.2" not in citations(turn)


def test_a_wrong_size_read_as_a_change_of_a_delivered_order_is_a_wrong_item(chat, nlu):
    # dev15 w21: change_order at 0.63, told the delivered order could no longer be changed.
    text = "shop ơi, em đặt váy size L mà nhận đc size M, đơn D200 nha. mặc ko vừa luôn 😭"
    nlu.script[text] = "change_order"
    nlu.confidence = 0.63
    turn = chat.say(text)
    assert turn["expecting"] == "evidence" and "DMG-3.1" in citations(turn), bot_text(turn)


def test_a_damage_refund_read_as_tracking_in_malay_short_forms_is_the_claim(chat, nlu):
    # dev15 w47: track_refund at 0.98, "no refund has been issued" was the answer.
    text = "tudung dlm order D200 sampai2 dh koyak kat tepi, gambar sy dh attach. nk refund."
    nlu.script[text] = "track_refund"
    nlu.confidence = 0.98
    turn = chat.say(text, photo="https://img.example.com/t.jpg")
    assert "No refund has been issued" not in bot_text(turn), bot_text(turn)
    assert "DMG-3.1" in citations(turn), bot_text(turn)


def test_a_cancellation_read_as_a_wrong_item_is_the_cancellation(chat, nlu):
    # dev13 u42: "salah pilih ukuran" (I chose the wrong size) read as a wrong item at 0.51;
    # told the order had not arrived.
    text = "kak mau batalin pesanan P100 ya, salah pilih ukuran 😅🙏 bayarnya cod kok"
    nlu.script[text] = "wrong_item"
    nlu.confidence = 0.51
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation" and "CAN-1.1" in citations(turn), bot_text(turn)


def test_a_return_read_as_tracking_is_the_return(chat, nlu):
    # dev11 p44: the answer was the order's delivery date.
    text = "Salam. Saya nak pulangkan blue dress dalam order D200, saya ubah fikiran, belum pakai."
    nlu.script[text] = "track_order"
    nlu.confidence = 0.59
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation" and "RET-2.1" in citations(turn), bot_text(turn)


def test_a_supposition_asked_in_thai_is_answered_not_started(chat, nlu, answerer):
    # dev11 p27: "ส่งคืน" (send back) started a return and asked for the order.
    text = "สอบถามหน่อยค่ะถ้าร้านส่งของผิดมาให้แล้วต้องส่งคืนใครเป็นคนจ่ายค่าส่งคืนคะเราต้องจ่ายเองไหม"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert text in answerer.questions, bot_text(turn)
    assert turn["expecting"] != "order_id", bot_text(turn)


def test_an_opened_item_asked_about_unopened_ones_is_opened(chat, nlu, world_db):
    # dev11 p49: "chưa mở" in the question sentence made the opened serum a sealed one.
    text = (
        "Chào shop, mình mua son D203, hôm trước mình đã bóc seal dùng thử 2 lần rồi, chỉ là "
        "mình thấy không thích lắm. Mình trả lại được không shop? À mà nếu là sản phẩm chưa "
        "mở thì được trả trong bao lâu vậy?"
    )
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["expecting"] != "confirmation" and turn["actions"] == [], bot_text(turn)


def test_the_agents_hours_asked_are_answered_with_a_person_on_offer(chat, nlu):
    text = (
        "My son tells me I can speak to a real person at your company through this chat. "
        "Could you tell me at what hours the people are there?"
    )
    nlu.script[text] = "request_human"
    turn = chat.say(text)
    assert turn["status"] == "bot" and "HELP-8.1" in citations(turn), bot_text(turn)
    assert "9:00" in bot_text(turn) and turn["expecting"] == "choice", bot_text(turn)
    assert chat.say("Talk to a person")["status"] == "waiting_for_agent"


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("at what hours are the people there?", True),
        ("when are your agents available?", True),
        ("what are your opening hours", True),
        # dev16 x36: read as a complaint.
        ("is there a particular time of day when actual people are answering?", True),
        ("i want to talk to a person now", False),
        ("get me a human", False),
    ],
)
def test_agent_hours_asked(text: str, asked: bool) -> None:
    assert bool(AGENT_HOURS_ASKED.search(text)) is asked


def test_a_shipped_order_status_is_left_to_tracking(chat, nlu):
    # The return reading needs a delivered order: tracking a shipped one stays tracking.
    text = "where is my novel S301, i want to pulangkan it if it comes late"
    nlu.script[text] = "track_order"
    nlu.confidence = 0.59
    turn = chat.say(text)
    assert turn["expecting"] != "confirmation", bot_text(turn)


def test_a_when_question_at_a_confirmation_read_as_tracking_is_about_the_offer(chat, nlu, answerer):
    # dev11 p37: "Is it about order X?", then the order's tracking, then the offer again.
    nlu.script["cancel P100 please"] = "cancel_order"
    assert chat.say("cancel P100 please")["expecting"] == "confirmation"
    nlu.script["HOW LONG TILL I SEE IT ON MY CARD"] = "track_order"
    turn = chat.say("HOW LONG TILL I SEE IT ON MY CARD")
    assert "HOW LONG TILL I SEE IT ON MY CARD" in answerer.questions, bot_text(turn)
    assert turn["expecting"] == "confirmation", bot_text(turn)


def test_a_complaint_about_a_seller_goes_to_the_agents(chat, nlu):
    # dev12 q16: read as a return at 0.88, "not delivered yet" was the answer.
    text = (
        "Messaged them 4 times about order S300, then they ignored me completely. "
        "I want to make a complaint about this seller."
    )
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent" and "HELP-8.3" in citations(turn), bot_text(turn)


@pytest.mark.parametrize(
    ("language", "text", "sealed"),
    [
        ("ms", "blm buka lg, seal plastik ada lg", True),
        ("ms", "x buka pun", True),
        ("ms", "dah buka dan cuba sekali", False),
    ],
)
def test_sealed_in_chat_short_forms(language: str, text: str, sealed: bool) -> None:
    from bot.dialogue.wording import SEALED_WORDS

    with speaking(language):
        assert bool(SEALED_WORDS.search(text)) is sealed


def test_a_question_announced_is_answered_not_asked_what_went_wrong(chat, nlu, answerer):
    # dev12 q30: read as a refund at 0.59, "What went wrong?" twice.
    text = (
        "Selamat petang. Saya ingin bertanya, berapa lama tempoh yang diberi untuk memulangkan "
        "baju sekiranya saya berubah fikiran. Terima kasih."
    )
    nlu.script[text] = "request_refund"
    nlu.confidence = 0.59
    turn = chat.say(text)
    assert text in answerer.questions and turn["expecting"] != "reason", bot_text(turn)


def test_money_asked_of_a_refunded_order_read_as_out_of_scope_tracks_its_refund(chat, nlu):
    # dev12 q34: asked what went wrong until a person took over.
    text = "อยากทราบว่าเงินคืนของออเดอร์ R400 เข้าบัตรเครดิตหรือยังครับ ผมดูในบัญชีแล้วยังไม่เห็นเลย"
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.38
    turn = chat.say(text)
    assert turn["expecting"] != "reason" and "REF-5" in " ".join(citations(turn)), bot_text(turn)


def test_a_check_offered_after_an_answer_is_of_the_item_named(chat, nlu, world_db):
    # dev12 q03: the newest order (a tote bag the buyer keeps) was offered and returned.
    seed(
        world_db,
        [
            order("M730", item("White canvas sneakers", "58.00", Category.SHOES), placed=12,
                  delivered=10),
            order("M731", item("Cotton tote bag", "14.50"), placed=9, delivered=2),
        ],
    )  # fmt: skip
    text = (
        "honestly nothing is wrong with the white canvas sneakers, they're not broken, "
        "they're just not me. Tags are still on. Can I send them back? The tote bag I'm keeping."
    )
    nlu.script[text] = "ask_policy"
    turn = chat.say(text)
    assert "M730" in bot_text(turn) and "M731" not in bot_text(turn), bot_text(turn)


def test_a_return_whose_tags_are_off_is_refused_not_authorised(chat, nlu):
    # dev12 q50: "tp tag dh sy buang, still blh ke" was asked its reason, then authorised.
    text = "sy nk return blue dress ni, order D200, x jd pakai. tp tag dh sy buang, still blh ke"
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["actions"] == [] and turn["expecting"] != "confirmation", bot_text(turn)
    assert "RET-2.3" in citations(turn), bot_text(turn)


@pytest.mark.parametrize(
    ("language", "text", "not_as_new"),
    [
        ("en", "i cut the tags off already", True),
        ("en", "the tags are removed", True),
        ("en", "never worn them outside, box and tags all there", False),
        ("en", "i never wore it out, the tags are still on", False),
        ("en", "i haven't removed the tags", False),
        ("en", "wore them to work once", True),
        ("ms", "tp tag dh sy buang", True),
        ("ms", "tag belum buang", False),
        ("th", "ตัดป้ายไปแล้วค่ะ", True),
        ("th", "ยังไม่ได้ตัดป้ายค่ะ", False),
        ("vi", "mình đã cắt mác rồi", True),
        ("vi", "chưa cắt mác", False),
        ("tl", "tinanggal ko na yung tag", True),
    ],
)
def test_not_as_new_words(language: str, text: str, not_as_new: bool) -> None:
    from bot.dialogue.wording import NOT_AS_NEW, NOT_AS_NEW_DENIED

    with speaking(language):
        assert bool(NOT_AS_NEW.search(NOT_AS_NEW_DENIED.blank(text.lower()))) is not_as_new


def test_a_parcel_not_here_and_past_its_date_is_not_received(chat, nlu):
    # dev11 p60: both words named, neither was read; asked what went wrong until a person.
    text = "S300 ของยังไม่มา เลยกำหนดส่งมา 2 วันแล้ว ขอคืนเงิน"
    nlu.script[text] = "inform"
    turn = chat.say(text)
    assert turn["expecting"] != "reason" and "INR-4.1" in citations(turn), bot_text(turn)


def test_a_card_refund_past_its_ten_business_days_gets_the_bank_reference_route(
    chat, nlu, world_db
):
    # dev12 q34, q52: "It should show by" a date three weeks gone.
    from policies.types import OrderStatus

    seed(
        world_db,
        [
            order("M740", item("Suede boots", "85.00", Category.SHOES),
                  status=OrderStatus.REFUNDED, placed=40, delivered=35, refunded="80.00",
                  refunded_days_ago=28),
        ],
    )  # fmt: skip
    text = "Sent the boots from M740 back ages ago and STILL nothing on my card. Did you refund me"
    nlu.script[text] = "track_refund"
    turn = chat.say(text)
    assert "REF-5.3" in citations(turn) and "reference number" in bot_text(turn), bot_text(turn)
    assert turn["expecting"] == "choice", bot_text(turn)  # a person, one tap away
    recent = "where is my refund for R400"  # issued 2 days ago: still on its way
    nlu.script[recent] = "track_refund"
    turn = chat.say(recent)
    # How it shows on the statement meanwhile is REF-5.3's too (dev7 j14); no bank reference yet.
    assert "reference number" not in bot_text(turn) and "pending credit" in bot_text(turn)
    assert "REF-5.3" in citations(turn) and turn["expecting"] is None, bot_text(turn)


def test_an_opened_lipstick_asked_about_in_indonesian_slang_is_refused(chat, nlu):
    # dev12 q31: out of scope at 0.33, the list of what the bot does was the answer.
    text = "klo lipstik udh dibuka trs udh dicoba sekali bs diretur ga sih, warnanya ga cocok"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert turn["expecting"] == "order_id", bot_text(turn)  # a return: which lipstick?
    turn = chat.say("D203")
    assert "RET-2.2" in citations(turn) and turn["actions"] == [], bot_text(turn)


def test_tags_off_as_typed_count_when_the_spelling_corrector_changed_the_word(
    chat, nlu, monkeypatch
):
    # dev12 q50: the English corrector read "buang" (thrown away) as "huang".
    import dataclasses

    typed = "sy nk return blue dress ni, order D200, x jd pakai. tp tag dh sy buang"
    read = typed.replace("buang", "huang")
    scripted = nlu.parse

    async def parse(text: str):
        if text != typed:
            return await scripted(text)
        return dataclasses.replace(await scripted(read), typed=typed)

    monkeypatch.setattr(nlu, "parse", parse)
    nlu.script[read] = "return_item"
    turn = chat.say(typed)
    assert "RET-2.3" in citations(turn) and turn["expecting"] != "confirmation", bot_text(turn)


def test_a_question_of_how_the_return_fee_is_charged_is_no_payment_problem(chat, nlu, world_db):
    # dev13 u21: read as a payment problem at 0.86 and handed to the payment desk.
    seed(world_db, [order("T900", item("Graphic tee", "16.00", Category.APPAREL, quantity=2))])
    text = (
        "want to send back both tees from T900, not feeling the print anymore. if they go in "
        "one box is the 5 dollar thing charged per shirt or just once?"
    )
    nlu.script[text] = "payment_issue"
    nlu.confidence = 0.86
    turn = chat.say(text)
    assert turn["status"] == "bot", bot_text(turn)
    assert "REV-6.3" not in citations(turn), (bot_text(turn), citations(turn))
    assert turn["expecting"] in ("reason", "choice", "confirmation"), bot_text(turn)  # a return


def test_a_double_charge_asked_about_shipping_is_still_a_payment_problem(chat, nlu):
    text = "why was I charged twice for the shipping on P100?"
    nlu.script[text] = "payment_issue"
    nlu.confidence = 0.86
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent" and "REV-6.3" in citations(turn), bot_text(turn)


def test_a_parcel_not_come_and_late_in_indonesian_is_its_claim(chat, nlu, world_db):
    # dev13 u44: the words say not come, the reason reader late (0.43): one claim, not two
    # readers disagreeing; it got the list of what the bot does.
    late = order(
        "ID-551460", item("Rice cooker mini 1L", "35.00", Category.HOME),
        status=OrderStatus.SHIPPED, placed=12, shipped=10, promised=6,
    )  # fmt: skip
    seed(world_db, [late])
    text = (
        "halo kak paket rice cooker saya belum datang juga padahal estimasinya udah lewat "
        "hampir seminggu kurirnya juga nggak ada kabar jadi gimana ini"
    )
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.24
    nlu.reasons[text] = ("late_delivery", 0.43)
    turn = chat.say(text)
    assert "INR-4.1" in citations(turn), (bot_text(turn), citations(turn))


def test_a_late_delivery_told_in_tagalog_of_the_item_named_is_its_claim(chat, nlu, world_db):
    # dev13 u48: "nahuli" (late) of the kettle, read damaged at 0.48; the record agrees it
    # came more than 3 days late. Retrieval's change-of-mind rule was the answer.
    kettle = order(
        "PH-301284", item("Electric kettle 1.7L", "74.90", Category.HOME),
        placed=14, shipped=12, promised=9, delivered=3,
    )  # fmt: skip
    seed(world_db, [kettle])
    text = (
        "Magandang araw po. Natanggap ko na po ang electric kettle pero halos isang linggo po "
        "itong nahuli sa petsang sinabi sa akin. May maibibigay po ba kayo para dito?"
    )
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.24
    nlu.reasons[text] = ("damaged", 0.48)
    turn = chat.say(text)
    assert "INR-4.3" in citations(turn), (bot_text(turn), citations(turn))


def test_the_agents_hours_asked_as_a_complaint_are_answered(chat, nlu):
    # dev16 x36: "I'm sorry this has been a bad experience", the hours never said.
    text = (
        "I sent a message here late last night, around 11, and it felt like nobody was there at "
        "all... is there a particular time of day when actual people are answering?"
    )
    nlu.script[text] = "complaint"
    turn = chat.say(text)
    assert "HELP-8.1" in citations(turn) and "9:00" in bot_text(turn), bot_text(turn)


def test_a_refund_asked_beside_a_question_of_who_pays_is_the_claim(bot_client, nlu, world_db):
    # dev16 x42: out of scope at 1.00; the question alone was answered, then a check offered.
    lamp = item("Den ngu go", "18.00")
    seed(world_db, [order("VN-51823", lamp, buyer_id="B-VN", placed=5, delivered=2)])
    chat = Chat(bot_client, token_headers("B-VN"))
    text = (
        "đèn ngủ mình mới nhận hôm kia tới nơi bể nát luôn 😭 có ảnh nè, hoàn tiền giúp mình "
        "nha. mà lỗi này shop chịu hay bên ship chịu vậy?"
    )
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 1.0
    turn = chat.say(text, photo="https://img.example.com/lamp.jpg")
    assert turn["language"] == "vi"
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert [a["type"] for a in chat.say("ok lam di")["actions"]] == ["refund"]
