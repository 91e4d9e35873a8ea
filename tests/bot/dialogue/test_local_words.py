"""The dialogue's word rules in each language it answers (`bot/dialogue/local_words.py`), as
`wording.py` offers them to the dialogue: each concept in each language, read only in a
conversation in that language, English read in all of them."""

from __future__ import annotations

import pytest

from bot.dialogue import wording
from bot.language.catalogue import speaking


def reads(concept, language: str, text: str) -> bool:
    with speaking(language):
        return bool(concept.search(text))


def opens(concept, language: str, text: str) -> bool:
    with speaking(language):
        return bool(concept.match(text))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "ya betul, teruskan je"),
        ("ms", "boleh la, buat macam tu"),
        ("id", "iya kak, lanjutkan"),
        ("id", "oke siap"),
        ("th", "ใช่ครับ ทำเลย"),
        ("th", "ได้เลยค่ะ"),
        ("vi", "vâng, làm vậy đi ạ"),
        ("vi", "vang lam di"),
        ("vi", "đúng rồi shop"),
        ("tl", "oo sige, ituloy mo"),
        ("tl", "opo, paki-proceed"),
    ],
)
def test_a_yes_opens_the_answer_in_each_language(language, text):
    assert opens(wording.YES_LEAD, language, text)
    assert not reads(wording.NOT_PLAIN_YES, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "tak, saya fikir dulu"),
        ("id", "nggak kak, makasih"),
        ("id", "belum, nanti aja"),
        ("th", "ไม่ครับ ขอบคุณ"),
        ("th", "ไม่ใช่ค่ะ"),
        ("vi", "không cần đâu"),
        ("vi", "đừng làm gì cả"),
        ("tl", "hindi na po, salamat"),
        ("tl", "huwag muna"),
    ],
)
def test_a_no_opens_the_answer_in_each_language(language, text):
    assert opens(wording.NO_LEAD, language, text)
    assert not opens(wording.YES_LEAD, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "ya tapi tunggu sekejap"),
        ("id", "iya, tapi jangan dulu"),
        ("th", "ได้ แต่รอก่อนนะ"),
        ("vi", "vâng nhưng khoan đã"),
        ("tl", "oo pero teka lang"),
    ],
)
def test_a_yes_with_a_but_or_a_wait_is_not_a_plain_yes(language, text):
    assert reads(wording.NOT_PLAIN_YES, language, text)


def test_a_language_words_are_read_only_in_its_conversations():
    # "be" is Vietnamese for broken once unaccented, and English for... "be".
    assert reads(wording.REASON_WORDS["damaged"], "vi", "hang bi be roi")
    assert not reads(wording.REASON_WORDS["damaged"], "en", "it will be fine")
    assert not reads(wording.REASON_WORDS["damaged"], "tl", "it will be fine")


@pytest.mark.parametrize("language", ["ms", "id", "th", "vi", "tl"])
def test_english_is_read_in_every_conversation(language):
    assert opens(wording.YES_LEAD, language, "yes please")
    assert reads(wording.REFUND_WORDS, language, "refund")
    assert reads(wording.DISPUTE_WORDS, language, "this is not fair")


def test_vietnamese_is_read_with_or_without_its_diacritics():
    assert reads(wording.REFUND_WORDS, "vi", "hoàn tiền giúp em")
    assert reads(wording.REFUND_WORDS, "vi", "hoan tien giup em")
    assert reads(wording.DECLINE_WORDS, "vi", "đừng hủy nha")
    assert reads(wording.DECLINE_WORDS, "vi", "dung huy nha")


@pytest.mark.parametrize(
    ("language", "sealed", "opened"),
    [
        ("ms", "belum buka lagi", "dah buka sekali"),
        ("id", "belum dipakai sama sekali", "udah dibuka kak"),
        ("th", "ยังไม่ได้แกะเลยค่ะ", "แกะแล้วค่ะ"),
        ("vi", "chưa mở hộp", "mở rồi"),
        ("tl", "hindi ko pa binubuksan", "nabuksan ko na"),
    ],
)
def test_opened_or_sealed_in_each_language(language, sealed, opened):
    assert reads(wording.SEALED_WORDS, language, sealed)
    assert reads(wording.OPENED_WORDS, language, opened)
    assert not reads(wording.SEALED_WORDS, language, opened)


@pytest.mark.parametrize(
    ("language", "replacement", "refund"),
    [
        ("ms", "tukar yang baru boleh?", "saya nak duit balik"),
        ("id", "ganti barang baru aja", "uangnya kembali aja"),
        ("th", "ขอเปลี่ยนสินค้าค่ะ", "ขอคืนเงินค่ะ"),
        ("vi", "đổi hàng mới cho em", "trả tiền lại cho em"),
        ("tl", "papalitan ko na lang", "ibalik nyo na lang yung pera"),
    ],
)
def test_refund_or_replacement_in_each_language(language, replacement, refund):
    assert reads(wording.REPLACEMENT_WORDS, language, replacement)
    assert not reads(wording.REFUND_WORDS, language, replacement)
    assert reads(wording.REFUND_WORDS, language, refund)
    assert not reads(wording.REPLACEMENT_WORDS, language, refund)


def test_a_change_of_mind_is_no_replacement_in_malay():
    assert not reads(wording.REPLACEMENT_WORDS, "ms", "saya tukar fikiran")
    assert reads(wording.REASON_WORDS["change_of_mind_return"], "ms", "saya tukar fikiran")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "keputusan ni tak adil"),
        ("id", "saya mau banding keputusan ini"),
        ("th", "ไม่ยุติธรรมเลยค่ะ"),
        ("vi", "vậy là không công bằng"),
        ("tl", "hindi patas yan"),
    ],
)
def test_a_dispute_in_each_language(language, text):
    assert reads(wording.DISPUTE_WORDS, language, text)


@pytest.mark.parametrize(
    ("language", "reason", "text"),
    [
        ("ms", "damaged", "skrin retak"),
        ("ms", "not_received", "parcel tak pernah sampai"),
        ("ms", "change_of_mind_return", "dah tak perlu"),
        ("id", "damaged", "layarnya retak"),
        ("id", "not_received", "paket belum diterima"),
        ("id", "wrong_item", "salah kirim barang"),
        ("id", "late_delivery", "datangnya telat banget"),
        ("th", "damaged", "จอร้าว"),
        ("th", "not_received", "ยังไม่ได้รับของเลย"),
        ("th", "wrong_item", "ร้านส่งผิดสี"),
        ("vi", "damaged", "màn hình bị nứt"),
        ("vi", "not_received", "chưa nhận được hàng"),
        ("vi", "wrong_item", "shop giao sai hàng"),
        ("tl", "damaged", "sira na pagdating"),
        ("tl", "not_received", "hindi dumating yung parcel"),
        ("tl", "change_of_mind_return", "ayoko na pala"),
        # A size that does not fit (dev6 h32: "saiz M terlalu kecik" was asked what went wrong).
        ("ms", "change_of_mind_return", "saiz M terlalu kecik"),
        ("id", "change_of_mind_return", "celananya kekecilan"),
        ("th", "change_of_mind_return", "เสื้อเล็กไปค่ะ"),
        ("vi", "change_of_mind_return", "áo nhỏ quá"),
        ("tl", "change_of_mind_return", "masyadong maliit yung shirt"),
        # dev14 v08, v17, v20: told in the opening, asked again.
        ("id", "not_received", "aku ga nerima apa apa"),
        ("ms", "change_of_mind_return", "saiz ok je tp tak berkenan la warna dia"),
        ("tl", "damaged", "di na gumagana ayaw na mag on"),
        # dev15 w22, w49, w21.
        ("tl", "change_of_mind_return", "di ko pala type yung kulay pag nakita ko in person"),
        ("vi", "change_of_mind_return", "mua về thấy ko hợp"),
        ("vi", "wrong_item", "em đặt áo size L mà nhận đc size M"),
        # dev19 r12: "Is it 'The item arrived damaged'?" guessed, then a person.
        ("id", "change_of_mind_return", "hanya saja saya kurang nyaman memakainya"),
        # dev16 x06, dev17 y23, y41, y05: read as a change of mind, or not read.
        ("vi", "damaged", "tai nghe bi hog 1 ben, ben trai ko nge dc j het"),
        ("id", "damaged", "blender portable nya ga mau nyala sama sekali"),
        ("th", "damaged", "พาวเวอแบงค์ชาจไม่เข้าแล้วค่า"),
        ("th", "not_received", "แอปขึ้นว่าส่งสำเร็จหลายวันแล้ว แต่ไม่ได้ของเลยค่ะ"),
    ],
)
def test_what_went_wrong_in_each_language(language, reason, text):
    named = [name for name, words in wording.REASON_WORDS.items() if reads(words, language, text)]
    assert named == [reason]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "takde gambar la"),
        ("id", "gak ada foto kak"),
        ("th", "ไม่มีรูปค่ะ"),
        ("vi", "em không có hình"),
        ("tl", "wala akong picture"),
    ],
)
def test_no_photo_in_each_language(language, text):
    assert reads(wording.NO_PHOTO, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "jangan cancel, saya simpan je"),
        ("id", "gak jadi deh"),
        ("th", "อย่าเพิ่งยกเลิกนะคะ"),
        ("vi", "thôi không hủy nữa"),
        ("tl", "wag nyo na i-cancel"),
    ],
)
def test_declining_an_offer_in_each_language(language, text):
    assert reads(wording.DECLINE_WORDS, language, text) or reads(wording.NEVER_MIND, language, text)


# --- flow18's concepts, read in every language (issue 14) --------------------------------------
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "nanti dulu, saya nak ambil gambar"),
        ("id", "lain kali aja kak"),
        ("th", "ไว้ก่อนค่ะ"),
        ("vi", "để sau nhé"),
        ("tl", "mamaya na po"),
    ],
)
def test_not_now_declines_an_offer_in_each_language(language, text):
    assert opens(wording.NOT_NOW, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "boleh tolong batalkan order saya"),
        ("id", "tolong cancel pesanan saya kak"),
        ("th", "ช่วยยกเลิกคำสั่งซื้อให้หน่อยได้ไหมคะ"),
        ("vi", "shop giúp mình hủy đơn với"),
        ("tl", "pwede po bang i-cancel ang order ko"),
    ],
)
def test_a_request_asked_as_a_question_in_each_language(language, text):
    assert opens(wording.ACTION_ASKED, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "harga dah turun lepas saya beli, nak beza harga"),
        ("id", "harganya udah turun, bisa minta selisih harga?"),
        ("th", "ราคาลดแล้ว ขอส่วนต่างได้ไหม"),
        ("vi", "giá đã giảm sau khi mình mua"),
        ("tl", "bumaba na ang presyo pagkatapos kong bumili"),
    ],
)
def test_a_price_drop_in_each_language(language, text):
    assert reads(wording.PRICE_DROP, language, text)


@pytest.mark.parametrize(
    ("language", "came", "missing"),
    [
        ("ms", "barang dah sampai", "kabel tiada dalam kotak"),
        ("id", "paket sudah diterima", "kabelnya hilang"),
        ("th", "ได้รับพัสดุแล้ว", "สายชาร์จไม่มีในกล่อง"),
        ("vi", "đã nhận được hàng", "thiếu dây sạc"),
        ("tl", "dumating na ang parcel", "wala sa loob yung charger"),
    ],
)
def test_an_item_missing_from_a_parcel_that_came_in_each_language(language, came, missing):
    assert reads(wording.PARCEL_CAME, language, came)
    assert reads(wording.MISSING_FROM_PARCEL, language, missing)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ms", "kenapa refund saya kena review"),
        ("id", "kenapa refund saya ditahan"),
        ("th", "ทำไมเงินคืนของฉันถูกระงับ"),
        ("vi", "sao hoàn tiền của tôi đang bị xem xét"),
        ("tl", "bakit naka-hold ang refund ko"),
    ],
)
def test_a_refund_under_review_in_each_language(language, text):
    assert reads(wording.UNDER_REVIEW, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [("ms", "tolong periksa refund saya"), ("vi", "kiểm tra hoàn tiền giúp tôi")],
)
def test_asking_to_check_a_refund_is_not_a_review(language, text):
    assert not reads(wording.UNDER_REVIEW, language, text)


def test_the_local_words_are_read_only_in_their_language():
    assert not reads(wording.PRICE_DROP, "en", "harga dah turun")
    assert not opens(wording.NOT_NOW, "ms", "mamaya na po")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # "muốn" (want) folds to "muon" (late): "I want a refund" is no late parcel.
        ("vi", "tôi muốn hoàn tiền"),
        ("vi", "toi muon tra hang"),
        # Pink, and the southern "not" that ends a question: no broken item.
        ("vi", "áo màu hồng em muốn trả được hông?"),
        # "...or is it too late?" asks about the return window (dev6 h14).
        ("ms", "Boleh return lagi ke or dah terlambat?"),
        ("id", "masih bisa retur atau udah telat?"),
        # Indonesian "lewat" is also "via" and "past".
        ("id", "saya bayar lewat transfer"),
        ("id", "sudah lewat 7 hari, masih bisa retur?"),
    ],
)
def test_words_that_look_like_a_reason_are_none(language, text):
    named = [name for name, words in wording.REASON_WORDS.items() if reads(words, language, text)]
    assert named == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("vi", "giao hàng trễ 5 ngày"),
        ("vi", "đơn hàng bị chậm"),
        ("vi", "hang toi muon 3 ngay"),
        ("ms", "parcel dah terlambat seminggu"),
        ("ms", "barang sampai lewat sangat"),
        ("id", "kenapa paketnya telat?"),
    ],
)
def test_a_late_parcel_in_vietnamese_and_malay(language, text):
    named = [name for name, words in wording.REASON_WORDS.items() if reads(words, language, text)]
    assert named == ["late_delivery"]


@pytest.mark.parametrize(
    ("text", "yes", "no"),
    [
        # Typed with their marks, words that fold onto a yes or a no are neither.
        ("Thời gian hoàn tiền bao lâu?", False, False),  # "time", not "thôi"
        ("Khoản tiền hoàn là bao nhiêu?", False, False),  # "an amount", not "khoan"
        ("Đã 5 ngày rồi mà chưa thấy hàng", False, False),  # "already", not "dạ"
        ("Cỡ M có đổi được không?", False, False),  # "size", not "có"
        ("dạ đồng ý", True, False),
        ("thoi khong can nua", False, True),  # unaccented: as before
    ],
)
def test_vietnamese_words_that_only_fold_onto_a_yes_or_a_no(text, yes, no):
    assert opens(wording.YES_LEAD, "vi", text.lower()) is yes
    assert opens(wording.NO_LEAD, "vi", text.lower()) is no


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # Spoiled, leaking, melted or not working, as in English (dev8 k10, k14, k20).
        ("ms", "botol dia bocor, separuh dah tumpah dalam kotak"),
        ("id", "lampunya tidak menyala sama sekali"),
        ("th", "ช็อกโกแลตละลายเละหมดเลย"),
        ("th", "ขวดรั่วค่ะ"),
        ("vi", "tai nghe bị mất tiếng một bên"),
        ("vi", "chai bị rò rỉ"),
        ("tl", "natunaw yung chocolate pagdating"),
        ("tl", "hindi gumagana yung charger"),
    ],
)
def test_spoiled_leaking_or_not_working_is_damaged(language, text):
    named = [name for name, words in wording.REASON_WORDS.items() if reads(words, language, text)]
    assert named == ["damaged"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("th", "ส่งมาหกวันแล้ว"),  # "six days", not a spill
        ("id", "dana refund sudah cair belum?"),  # money paid out, not melted
        ("id", "paketnya gak jalan-jalan dari kemarin"),  # a parcel not moving
    ],
)
def test_words_that_only_look_like_damage_are_none(language, text):
    assert not reads(wording.REASON_WORDS["damaged"], language, text)


@pytest.mark.parametrize(
    ("language", "asked", "not_asked"),
    [
        ("id", "kak mau batalin pesanan blender yg kemarin ya", "jangan dibatalkan ya kak"),
        ("ms", "tolong batalkan order saya", "kalau saya batalkan, duit balik bila?"),
        ("th", "ขอยกเลิกออเดอร์นี้ค่ะ", "ไม่ต้องยกเลิกนะคะ"),
        ("vi", "Mình muốn hủy đơn VN-2612-80915", "nếu hủy thì có mất phí không?"),
        ("vi", "shop oi huy giup minh don nay", "đừng hủy nhé"),
        ("tl", "pa-cancel po ng order ko", "huwag i-cancel"),
    ],
)
def test_a_cancellation_asked_in_each_language(language, asked, not_asked):
    with speaking(language):
        assert wording.cancel_asked(asked.lower())
        assert not wording.cancel_asked(not_asked.lower())


@pytest.mark.parametrize(
    ("language", "text", "asked"),
    [
        ("ms", "saya nak pulangkan kasut sukan", True),
        ("id", "mau retur kaos yang kemarin", True),
        # dev19 r03, r22: out of scope.
        ("id", "kak aku mau balikin kemeja flanel yg kmrn ya", True),
        ("id", "mau dibalikin aja ya, blm dipake", True),
        ("id", "saya ingin mengembalikan earbuds yang saya terima", True),
        ("id", "balikin uang saya dong", False),
        ("th", "อยากคืนเสื้อยืดสีขาวค่ะ", True),
        ("vi", "cho mình trả lại cái tai nghe nhé", True),
        ("tl", "gusto ko pong ibalik yung sunscreen", True),
        # The money coming back is a refund, not an item sent back.
        ("th", "อยากคืนเงินค่ะ", False),
        ("vi", "khi nào trả lại tiền cho mình?", False),
        ("ms", "bila nak pulangkan duit saya?", False),
        ("tl", "kailan ibabalik ang pera ko?", False),
    ],
)
def test_an_item_sent_back_in_each_language(language, text, asked):
    assert reads(wording.RETURN_ASKED, language, text) is asked


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("th", "ขอเปลี่ยนที่อยู่จัดส่งของออเดอร์นี้ได้ไหมครับ"),
        ("vi", "mình muốn đổi địa chỉ giao hàng"),
        ("ms", "boleh tukar alamat penghantaran?"),
        ("tl", "pwede po bang palitan ang address?"),
        # dev16 x53, dev17 y57: read as tracking.
        ("en", "might the parcel still be able to find its way to my new place? I moved house"),
        ("tl", "maaari ko pa po bang ipabago ang delivery address ng order ko"),
        # dev19 r42: formal Malay, asked what went wrong.
        ("ms", "saya ingin menukar alamat penghantaran bagi pesanan MY-90412"),
    ],
)
def test_an_address_change_in_each_language(language, text):
    assert reads(wording.CHANGE_ADDRESS, language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("th", "ร้านปฏิเสธการคืนกางเกง ไม่เห็นด้วยค่ะ"),
        ("ms", "seller tolak refund saya, saya tak setuju"),
        ("vi", "shop từ chối trả hàng, mình không đồng ý"),
        ("tl", "tinanggihan ng seller, hindi ako sang-ayon"),
    ],
)
def test_a_decision_disputed_in_each_language(language, text):
    assert reads(wording.DECIDED, language, text)
    assert reads(wording.DISPUTE_WORDS, language, text)
    assert not reads(wording.DECIDED, language, "ok")


@pytest.mark.parametrize(
    "text",
    ["Ok, I think about it first, thank you.", "let me ask my husband first", "i'll ask him first"],
)
def test_thinking_it_over_first_is_not_now(text):
    assert wording.NOT_NOW.match(text.lower())


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        (wording.REASON_WORDS["change_of_mind_return"], "nagbago po isip ko"),
        (wording.SEALED_WORDS, "hindi ko pa po nabubuksan, naka-seal pa po"),
        (wording.YES_LEAD, "opo, sige po"),
    ],
)
def test_the_polite_po_is_read_through_in_tagalog(concept, text):
    assert reads(concept, "tl", text)


def test_may_i_ask_for_a_refund_is_a_request_in_malay():
    assert opens(wording.ACTION_ASKED, "ms", "boleh minta refund?")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "it doesnt fit"),
        ("ms", "saiz M terlalu kecik"),
        ("th", "เสื้อเล็กไปค่ะ"),
        ("vi", "áo không vừa"),
        ("tl", "hindi kasya yung shoes"),
    ],
)
def test_a_fit_in_each_language(language, text):
    assert reads(wording.FIT, language, text)
    assert not reads(wording.FIT, language, "i changed my mind")


def test_a_game_code_already_used_is_a_fault_in_vietnamese():
    # dev27 t29: asked what went wrong, then told to wait 48 hours for a delivered parcel.
    from bot.dialogue.state import normalise

    said = normalise("nhập mã vào thì báo 'mã đã được sử dụng', thử lại mấy lần vẫn vậy")
    with speaking("vi"):
        assert wording.reasons_told(said) == ["damaged"]


def test_a_lipstick_swatched_once_is_opened_in_malay():
    # dev27 t26: "i dah swatch sekali kat tangan" was asked whether it was opened.
    assert reads(wording.OPENED_WORDS, "ms", "i dah swatch sekali kat tangan tapi shade x sesuai")
    assert not reads(wording.SEALED_WORDS, "ms", "i dah swatch sekali kat tangan")
