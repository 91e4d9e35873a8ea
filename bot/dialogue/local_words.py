"""The dialogue's word rules in the other languages it answers (issue 16): Malay, Indonesian,
Thai, Vietnamese and Tagalog/Taglish words for each concept `wording.py` reads in English (yes
and no, "don't do it", "never mind", a dispute, opened or sealed, refund or replacement, what
went wrong, no photo, another order).

Each concept is written for the whole concept in each language, chat registers included
(Malaysian and Indonesian short forms, Vietnamese typed without its diacritics, Taglish), not
for any one sentence. A language's words are read only in a conversation in that language (the
turn's `speaking` voice; Malay and Indonesian share theirs): short words of one language are
other words in another ("be", "hu" and "gay" are Vietnamese damage words once unaccented).
English words are read in every conversation, since buyers mix them in ("refund", "cancel").
Vietnamese is matched on the text folded to plain letters (`fold`: "hủy" reads "huy", "đơn"
reads "don"), so each word is written once, without its diacritics, and typed either way;
Thai has no spaces between words, so its words are matched without word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.language.catalogue import current


def fold(text: str) -> str:
    """Lower case without diacritics ("Hoàn tiền" -> "hoan tien"; "đ" -> "d")."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


Finder = Callable[[re.Pattern[str], str], object]
_TAGALOG_PARTICLE = re.compile(r"\s+(?:po|ho)\b")


@dataclass(frozen=True)
class Words:
    """One concept's words: English, read in every conversation, and each other language's,
    read in a conversation in that language. `search` and `match` answer like a compiled
    pattern's for the dialogue's truth tests."""

    english: re.Pattern[str] | None = None
    malay: re.Pattern[str] | None = None  # Malay and Indonesian
    thai: re.Pattern[str] | None = None
    vietnamese: re.Pattern[str] | None = None  # on the folded text
    tagalog: re.Pattern[str] | None = None
    # Vietnamese words typed with their diacritics that fold onto one of this concept's words
    # but mean something else ("hồng", pink, folds to "hong", broken): dropped before folding.
    vietnamese_not: re.Pattern[str] | None = None
    language: str | None = field(default=None, compare=False)  # None: the turn's
    # Languages whose words count in an English conversation too: buyers in Malaysia and
    # Singapore mix them in ("my table lamp ... sampai already pecah, the box also kemek").
    mixed: tuple[str, ...] = field(default=(), compare=False)

    def search(self, text: str) -> bool:
        return self._find(text, re.Pattern.search)

    def match(self, text: str) -> bool:
        return self._find(text, re.Pattern.match)

    def _find(self, text: str, find: Finder) -> bool:
        if self.english is not None and find(self.english, text):
            return True
        return any(self._found(other, text, find) for other in self._languages())

    def _languages(self) -> tuple[str, ...]:
        """The other languages whose words count besides English: the conversation's, or in
        an English conversation the ones buyers mix in (`mixed`)."""
        language = self.language or current().language
        return self.mixed if language == "en" else (language,)

    def _found(self, language: str, text: str, find: Finder) -> bool:
        local = self.local(language)
        if local is None:
            return False
        if local is self.vietnamese:
            if self.vietnamese_not is not None:
                text = self.vietnamese_not.sub(" ", text.lower())
            text = fold(text)
        elif local is self.tagalog:
            # The polite "po"/"ho" goes anywhere in a sentence ("nagbago po isip ko", "hindi ko
            # pa po nabubuksan"): each concept's words are written without it (dev8 k46).
            text = _TAGALOG_PARTICLE.sub("", text)
        return bool(find(local, text))

    def blank(self, text: str) -> str:
        """``text`` with this concept's words blanked out, in English and in the turn's language
        (a Tagalog text loses its "po" too; a Vietnamese one is blanked where its folded form
        matches, keeping its diacritics for the words read after)."""
        for pattern, other in [
            (self.english, None),
            *((self.local(lang), lang) for lang in self._languages()),
        ]:
            if pattern is None:
                continue
            if other == "tl":
                text = _TAGALOG_PARTICLE.sub("", text)
            if other == "vi":
                folded = fold(text)
                if len(folded) == len(text):
                    for found in pattern.finditer(folded):
                        start, end = found.span()
                        text = text[:start] + " " * (end - start) + text[end:]
                    continue
                text = folded
            text = pattern.sub(lambda found: " " * len(found.group(0)), text)
        return text

    def local(self, language: str) -> re.Pattern[str] | None:
        """The words of ``language``, if this concept has them."""
        return {
            "ms": self.malay,
            "id": self.malay,
            "th": self.thai,
            "vi": self.vietnamese,
            "tl": self.tagalog,
        }.get(language)


def words(*alternatives: str) -> re.Pattern[str]:
    """Whole words or phrases (Malay, Indonesian, Vietnamese unaccented, Tagalog)."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def thai(*alternatives: str) -> re.Pattern[str]:
    """Thai words, matched anywhere (no spaces between Thai words)."""
    return re.compile("(?:" + "|".join(alternatives) + ")")


_LEAD_FILLER = r"^(?:(?:eh|hmm+|ah|aa|oh|uh|um)[,.!]* +)?"

# "...or is it too late?" in Malay and Indonesian ("ke dah terlambat", "atau sudah telat"):
# fixed-width lookbehinds, one per way of saying it, put before a word for "late".
_NOT_TOO_LATE_ASKED = "".join(
    rf"(?<!{lead} {already} )"
    for lead in ("ke", "or", "atau", "apa", "kah")
    for already in ("dah", "sudah", "udah", "da")
)


def lead(*alternatives: str) -> re.Pattern[str]:
    """A message that opens with one of these words (after a filler like "eh" or "hmm")."""
    return re.compile(_LEAD_FILLER + r"(?:" + "|".join(alternatives) + r")\b")


def thai_lead(*alternatives: str) -> re.Pattern[str]:
    return re.compile("^(?:" + "|".join(alternatives) + ")")


# --- yes and no ----------------------------------------------------------------------------
# A message that opens with a yes ("ya, batalkan", "iya lanjut", "da dung roi, huy di", "opo,
# i-cancel nyo na"). Thai's "ใช่" and "ได้" are a yes only at the start: "ไม่ใช่", "ไม่ได้" are no.
# Vietnamese "dung" is both "đúng" (right) and "đừng" (don't) once folded: "dung roi" (that's
# right) opens a yes, "dung" alone a no (typed with its accents, the two stay apart).
YES_LEAD = Words(
    malay=lead(
        "ya+", "iya+", "ye+", "yup", "boleh", "ok(?:e|ey|ay)?", "baik(?:lah)?", "setuju",
        "teruskan", "lanjut(?:kan)?", "betul", "benar", "bener", "sip", "siap", "jadi",
        "proses(?:kan)?",
    ),
    thai=thai_lead(
        "ใช่", "ได้", "ตกลง", "โอเค", "ค่ะ", "คะ", "ครับ", "จ้า", "จ้ะ", "เอา", "ยืนยัน",
    ),
    vietnamese=lead(
        "co", "vang", "da", "u", "um", "uh", "ok", "oke", "duoc", "dong y", "dung roi",
        "dung vay", "chac chan",
    ),
    # Typed with their marks, no yes: "đã" (already: "Đã 5 ngày rồi"), "cô" (Miss), "cỡ"
    # (size), "vàng" (yellow), "dùng rồi" (used already).
    vietnamese_not=words("đã", "cô", "cỡ", "vàng", "dùng"),
    tagalog=lead("oo", "opo", "oho", "sige", "game", "tara", "ayos", "ok(?:ay)?"),
)  # fmt: skip
_NOT_A_VIETNAMESE_NO = words("dùng", "thời", "khoản", "hồng")
# A message that opens with a no ("tak, tunggu kejap", "nggak, nanti dulu", "khong, khoan da",
# "hindi po, teka lang", "ไม่ค่ะ").
NO_LEAD = Words(
    malay=lead(
        "tak", "tidak", "taknak", "tak nak", "tak payah", "tak jadi", "jangan", "gak", "ga",
        "nggak", "ngga", "enggak", "engga", "gausah", "ndak", "bukan", "belum", "nanti dulu",
    ),
    thai=thai_lead("ไม่", "อย่า", "ยังไม่", "รอก่อน", "เดี๋ยว"),
    vietnamese=lead(
        "khong", "ko", "k", "hong", "dung(?! roi| vay)", "khoan", "thoi", "chua", "khoi",
    ),
    # Typed with their marks, no no: "dùng" (use), "thời gian" (time: "Thời gian hoàn tiền bao
    # lâu?" asked at a confirmation dropped the offer), "khoản" (an amount), "hồng" (pink).
    vietnamese_not=_NOT_A_VIETNAMESE_NO,
    tagalog=lead("hindi", "hinde", "di", "wag", "huwag", "hwag", "ayoko", "ayaw", "teka"),
)  # fmt: skip
# A yes that carries a negation, a "but" or a "wait" is not a plain yes.
NOT_PLAIN_YES = Words(
    malay=words(
        "tak", "tidak", "jangan", "bukan", "tapi", "tetapi", "gak", "ga", "nggak", "enggak",
        "tunggu", "nanti dulu", "belum", "kejap", "jap",
    ),
    thai=thai("ไม่", "อย่า", "แต่", "รอ", "เดี๋ยว"),
    vietnamese=words("khong", "ko", "nhung", "khoan", "chua", "cho da", "thoi"),
    vietnamese_not=_NOT_A_VIETNAMESE_NO,
    tagalog=words("hindi", "huwag", "wag", "pero", "teka", "di", "sandali"),
)  # fmt: skip

# Thanks, and the yes words that make a thanks a yes ("ya boleh, terima kasih"): an "ok" with
# thanks ("ok terima kasih", "โอเคค่ะ ขอบคุณค่ะ", "ok cam on", "sige salamat") acknowledges an
# answer; it accepts no offer (`MessageReading._acknowledges`).
THANKS = Words(
    malay=words("terima ?kasih", "makasih", "trima ?kasih", "trims", "tq", "tqvm"),
    thai=thai("ขอบคุณ", "ขอบใจ"),
    vietnamese=words("cam on", "cam an", "thanks"),
    tagalog=words("salamat"),
)
FIRM_YES = Words(
    malay=words("ya+", "iya+", "boleh", "teruskan", "lanjut(?:kan)?", "tolong", "setuju", "jadi"),
    # "ได้ค่ะ ขอบคุณมากนะคะ" (dev11 p50): "ได้" opening the message is a yes ("can" inside it).
    thai=thai("ใช่", "ตกลง", "ยืนยัน", "เอาเลย", "จัดการ", "^ได้"),
    vietnamese=words("co", "vang", "duoc", "dong y", "lam di", "tien hanh"),
    vietnamese_not=_NOT_A_VIETNAMESE_NO,
    tagalog=words("oo", "opo", "tuloy", "go"),
)  # fmt: skip

# --- declining an offer, dropping a request --------------------------------------------------
# "Shall I go ahead?" declined in words ("jangan cancel", "gak jadi", "dung huy", "wag nyo
# i-cancel", "อย่าเพิ่งยกเลิก", "เก็บไว้").
DECLINE = Words(
    malay=words(
        r"jangan(?: \w+){0,2} (?:di)?(?:cancel|batal\w*|teruskan|lanjut\w*|proses\w*|refund"
        r"|pulang\w*|hantar)",
        r"(?:tak|gak|nggak|ga|tidak) (?:jadi|usah)", "tak payah", "tak perlu",
        r"simpan (?:je|aja|saja|sahaja)", r"(?:tukar|ubah|berubah) (?:fikiran|pikiran)",
    ),
    thai=thai("ไม่ต้อง", "อย่า(?:เพิ่ง)?ยกเลิก", "ไม่ยกเลิก", "เก็บไว้", "เปลี่ยนใจ", "ไม่เอาแล้ว"),
    vietnamese=words(
        r"dung (?:huy|hoan|tra|lam|gui)", r"khong (?:huy|hoan tien) nua", "thoi khong",
        "giu lai", "doi y",
    ),
    tagalog=words(
        # "wag nyo na i-cancel", "huwag po muna ituloy": a few words may come between.
        r"(?:wag|huwag)(?: \w+){0,3} (?:i-?cancel|ituloy|i-?refund|i-?return)",
        "wag na", "huwag na", "hindi na", r"nagbago (?:ang )?isip",
    ),
)  # fmt: skip
NEVER_MIND = Words(
    malay=words(
        r"tak ?apa(?:lah)?", "takpe", "xpe", "lupakan", "abaikan", "sudahlah", "udahlah",
        "gapapa", r"(?:gak|nggak|ga) apa-?apa", r"(?:gak|nggak|ga|tak|tidak) jadi",
    ),
    thai=thai("ช่างมัน", "ช่างเถอะ", "ไม่เป็นไร", "ลืมไปเถอะ", "ไม่เอาแล้ว"),
    vietnamese=words("thoi bo di", "bo qua", "thoi khoi", "quen di", "khong sao"),
    tagalog=words(
        "di bale", "hindi bale", r"hayaan (?:mo|nyo) na", r"kalimutan (?:mo|nyo) na",
    ),
)  # fmt: skip

# "Not now" to an offer ("nanti dulu", "ไว้ก่อน", "de sau", "mamaya na"): declined for now.
NOT_NOW = Words(
    malay=lead(
        r"nanti(?:lah)?(?: (?:dulu|je|aja|saja))?", "lain kali", r"(?:bukan|tak|jangan) sekarang",
        r"belum (?:lagi|dulu)", r"(?:biar|bagi) (?:saya|sy|aku) fikir", "tunggu dulu",
    ),
    thai=thai_lead("ไว้ก่อน", "ไว้ทีหลัง", "ทีหลัง", "ยังไม่", "ขอคิดดูก่อน", "ไม่ใช่ตอนนี้"),
    vietnamese=lead(
        "de sau", "khoan da", "tu tu", r"chua (?:can|phai luc nay)", "luc khac", "de toi nghi",
    ),
    tagalog=lead(
        "mamaya na", "saka na", r"hindi (?:muna|pa ngayon)", "sa susunod na lang",
        "pag-?iisipan ko",
    ),
)  # fmt: skip
# A request asked as a question ("boleh tolong cancel order saya?", "ช่วยยกเลิก...ได้ไหม",
# "pwede bang i-cancel"): something to do, not a question about the rules.
ACTION_ASKED = Words(
    malay=lead(
        r"(?:boleh|bisa|tolong|minta|mohon)(?: tak| kah| gak| ga)?(?: (?:tolong|bantu|awak|kak"
        r"|min|minta|mohon|saya|sy|aku))?(?: di)? (?:batal\w*|cancel|pulang\w*|refund|retur|tukar"
        r"|semak|cek|kembali\w*)",
    ),
    thai=thai_lead("ช่วยยกเลิก", "ขอยกเลิก", "ช่วยคืน", "ขอคืน", "ช่วยเช็ค", "ช่วยตรวจสอบ"),
    vietnamese=lead(
        r"(?:ban |shop |ad )?(?:co the |lam on |vui long )?(?:giup|huy giup|ho tro)(?: (?:minh"
        r"|toi|em))? (?:huy|tra|hoan|doi|kiem tra)",
    ),
    tagalog=lead(
        r"(?:pwede|puwede|paki)(?: po)?(?: (?:bang|ba|nyo|ninyo|mo))?(?: po)? ?(?:i-?cancel"
        r"|i-?return|i-?refund|palitan|i-?check)",
    ),
)  # fmt: skip
# --- a request in words the intent reader missed ---------------------------------------------
# Cancelling an order ("kak mau batalin pesanan blender", "hủy giúp mình đơn ...", "ยกเลิก
# ออเดอร์", "pa-cancel po"): the multilingual intent reader took such openings for tracking or
# a refund; `TurnHandler` starts the cancellation only for an order that has not shipped.
CANCEL = Words(
    malay=words(
        r"batal(?:kan|kn|in|kan je|kan saja|kan aja)?", "cancelkan", "cancelin",
        # "Saya ingin membatalkan pesanan ..." (dev21 b17: asked what went wrong, then a person).
        "membatalkan",
        # "Masih bisa dibatalkan nggak ya kak? Tolong dibatalkan saja" (dev24 l60: read as
        # tracking); not "pesanan saya dibatalkan" (my order was cancelled).
        r"(?:tolong|minta|mohon|mau|ingin|bisa|boleh|nak|harap|bantu) (?:\w+ )?dibatal\w*",
        r"(?:nak|mau|mahu|ingin|minta|tolong|pls|please|bantu) (?:di)?cancel",
    ),
    thai=thai("ยกเลิก"),
    vietnamese=words(
        r"huy (?:don|giup|dum|ho|di|nhe|order|luon|bo|dat)", r"(?:muon|can|xin|cho|giup|dum) huy",
        r"cancel (?:don|giup|dum|ho)",
    ),
    tagalog=words(r"i-?cancel", r"pa-?cancel", r"paki-?cancel", "kanselahin", r"i-?kansela"),
    # "Kak, tolong batalkan pesanan ... ya" was identified as English (dev8 k56): Malay and
    # Indonesian request words count in an English conversation too, as their reasons do.
    mixed=("ms",),
)  # fmt: skip
# ... and not asked: "jangan batalkan", "đừng hủy" (nor "if I cancel": `CANCEL_IF`).
CANCEL_NOT = Words(
    malay=words(
        r"(?:jangan|tak nak|tak jadi|tidak jadi|gak jadi|ga jadi|nggak jadi|tidak mau|gak mau)"
        r" (?:di)?(?:batal\w*|cancel\w*)",
    ),
    thai=thai("ไม่ยกเลิก", "ไม่ต้องยกเลิก", "อย่ายกเลิก"),
    vietnamese=words(r"(?:khong|ko|dung|chua) huy"),
    tagalog=words(r"(?:huwag|wag|hindi|di) (?:na |po )?(?:i-?cancel|ikansela)"),
    mixed=("ms",),
)  # fmt: skip
# A size that does not fit the buyer ("saiz M terlalu kecik", "เล็กไป", "không vừa", "hindi
# kasya"): a change of mind (the item is as ordered, `REASONS`), and no direct exchange (RET-2.8,
# `FIT`, which also reads a size or a colour to change to).
_FIT_MALAY = (
    r"terlalu (?:kecil|kecik|besar|ketat|longgar|sempit|labuh)",
    r"(?:kecil|kecik|besar|ketat|longgar|sempit) sangat",
    r"(?:tak|tidak|gak|nggak|ga|x) (?:muat|padan|cocok|sesuai)",
    "kekecilan",
    "kebesaran",
    "kesempitan",
    # "saya kurang nyaman memakainya", "warnanya kurang sreg aja" (not comfortable, not to my
    # liking: dev19 r12, r03).
    r"(?:kurang|tak|tidak|gak|nggak|ga|x) (?:nyaman|selesa|sreg|cocok)",
)
_FIT_THAI = ("เล็กไป", "ใหญ่ไป", "คับไป", "หลวมไป", "ใส่ไม่ได้", "ใส่ไม่พอดี", "ไซส์ไม่พอดี")
_FIT_VIETNAMESE = (r"(?:nho|to|chat|rong|ngan|dai) qua", r"(?:khong|ko) vua")
_FIT_TAGALOG = (
    r"(?:masyadong|sobrang) (?:maliit|malaki|masikip|maluwag)",
    r"(?:hindi|di) (?:kasya|sukat)",
)
FIT = Words(
    malay=words(*_FIT_MALAY, r"(?:tukar|ganti) (?:saiz|size|ukuran|warna)"),
    thai=thai(*_FIT_THAI, "เปลี่ยนไซส์", "เปลี่ยนสี"),
    vietnamese=words(*_FIT_VIETNAMESE, r"doi (?:size|co|mau)"),
    tagalog=words(*_FIT_TAGALOG, r"(?:ibang|palit|papalitan ng) (?:size|kulay)"),
    mixed=("ms",),
)  # fmt: skip
# Asked what happens if the buyer cancels ("kalau saya batalkan ada biaya nggak?", "nếu hủy thì
# có mất phí không?"): a question about cancelling, not a request to do it nor to track.
CANCEL_IF = Words(
    malay=words(
        r"(?:kalau|kalo|klo|jika|if|seandainya) (?:saya |sy |aku |gue )?(?:batal\w*|cancel\w*)",
    ),
    thai=thai("ถ้ายกเลิก"),
    vietnamese=words(r"neu (?:minh |toi |em )?huy"),
    tagalog=words(r"(?:kung|pag|kapag) (?:i-?cancel|ikansela)"),
    mixed=("ms",),
)  # fmt: skip
# A question asked without its mark, as Thai always does and chats in the other languages often
# do ("ใครเป็นคนจ่ายค่าส่งคืนคะ เราต้องจ่ายเองไหม", "bao lâu thì tiền về thẻ vậy", "siapa yang
# bayar kos pos", "sino ang magbabayad"): the question words and end particles of each.
ASKED = Words(
    malay=words(
        "adakah", "apakah", "berapa", "bila", "bilakah", "kapan", "macam mana", "camne",
        "bagaimana", "gimana", "siapa", r"boleh (?:tak|ke)", r"bisa (?:gak|nggak|tidak|ga)",
    ),
    thai=thai(
        "ไหม", "มั้ย", "หรือเปล่า", "หรือไม่", "ยังไง", "อย่างไร", "เท่าไร", "เท่าไหร่", "กี่วัน",
        "ใคร", "เมื่อไร", "เมื่อไหร่", "สอบถาม",
    ),
    vietnamese=words(
        "bao lau", "bao nhieu", "the nao", "ra sao", r"ai (?:tra|chiu|se)", "kieu gi", "lam sao",
        r"(?:duoc|phai|co) (?:khong|ko|k)", r"vay$",
    ),
    tagalog=words("paano", "ilan", "kailan", "sino", "magkano", "ba"),
)  # fmt: skip
# "I'd like to ask": a question announced ("Saya ingin bertanya, berapa lama ...", "อยากทราบว่า",
# "cho mình hỏi", "tanong ko lang").
ASKING = Words(
    malay=words(
        r"(?:ingin|nak|mau|mahu|hendak) (?:bertanya|tanya|nanya|tny)", "numpang tanya",
        r"(?:ingin|nak|mau|mahu|hendak) (?:tahu|tau)", "boleh saya tahu",
    ),
    thai=thai("อยากทราบ", "สอบถาม", "ขอถาม", "อยากถาม", "อยากรู้"),
    vietnamese=words(r"cho (?:minh|em|toi|to) hoi", r"(?:minh|em|toi) muon hoi", "hoi chut"),
    tagalog=words(
        r"gusto ko (?:lang )?(?:itanong|malaman)", "tanong ko lang", r"magtatanong", "itatanong",
    ),
)  # fmt: skip
# Unsure how the rule works: "hơi phân vân không biết tính kiểu gì", "tak faham", "ไม่แน่ใจ".
WONDERING = Words(
    malay=words(r"(?:tak|tidak|kurang|gak|nggak) (?:faham|paham|pasti|jelas)", "keliru", "bingung"),
    thai=thai("ไม่แน่ใจ", "ไม่เข้าใจ", "สงสัย"),
    vietnamese=words("phan van", r"khong (?:biet|hieu|ro)", "thac mac"),
    tagalog=words(r"(?:hindi|di) ko (?:alam|gets|maintindihan)", "nalilito"),
)
# A supposition: "if the shop sends the wrong item" ("ถ้า", "kalau", "nếu", "kung").
SUPPOSED = Words(
    malay=words("kalau", "kalo", "klo", "jika", "jikalau", "sekiranya", "seandainya", "andai"),
    thai=thai("ถ้า", "หาก", "สมมติ"),
    vietnamese=words("neu", "gia su", "lo nhu"),
    tagalog=words("kung", "kapag", "pag"),
)
# Sending an item back ("nak pulangkan kasut", "อยากคืนเสื้อ", "cho mình trả lại cái tai
# nghe", "gusto kong ibalik"): a return the intent reader took for out of scope. Not the money
# coming back ("คืนเงิน", "trả lại tiền", "wang dipulangkan"), which is a refund.
RETURN_ASKED = Words(
    malay=words(
        r"(?<!di)pulangkan(?! (?:duit|wang|bayaran|balik duit))",
        r"hantar (?:balik|semula)", r"kirim (?:balik|kembali)",
        # "bs diretur ga sih" (can it be returned?, dev12 q31); not "udah diretur" (sent back).
        r"(?<!sudah )(?<!udah )(?<!udh )(?<!dah )(?<!telah )(?:di)?retur(?:kan|in)?",
        "balikin barang", r"kembalikan (?:barang|produk|item)",
        # "Saya ingin mengembalikan earbuds ..." (dev19 r12); not money ("mengembalikan dana").
        r"(?:ingin|mau|nak|mahu|boleh|bisa) (?:me)?ngembalikan (?!(?:uang|dana|duit|wang|bayaran"
        r"|pembayaran)\b)",
        # "aku mau balikin kemeja flanel yg kmrn", "mau dibalikin aja ya" (dev19 r03, r22: out
        # of scope); not money back ("balikin uang").
        r"(?<!udah )(?<!sudah )(?<!udh )(?<!dah )(?:di)?balikin(?! (?:duit|uang|dana|dananya))",
        r"(?:nak|mau|mahu|ingin|boleh|bisa|tolong) (?:\w+ )?return",
    ),
    thai=thai("คืนสินค้า", "ส่งคืน", "ส่งกลับ", "อยากคืน(?!เงิน)", "ขอคืน(?!เงิน)", "ช่วยคืน(?!เงิน)"),
    vietnamese=words(
        r"tra lai(?! tien)", "tra hang", r"gui (?:lai|tra)(?! tien)", "doi tra",
        r"hoan tra (?:hang|san pham|lai)",
    ),
    tagalog=words(
        r"(?:ibalik|ibabalik|isauli|isasauli)(?! (?:ang |yung |na |po )?(?:pera|bayad))",
        r"i-?return", r"pa-?return",
    ),
    mixed=("ms",),
)  # fmt: skip
# The buyer corrects the order they named ("eh salah order, maksud saya ...", "หมายถึง ...",
# "nhầm đơn, ý mình là ...", "mali pala, yung ..."): the later of two ids is meant.
ORDER_CORRECTED = Words(
    malay=words(
        r"(?:eh |ehh )?salah (?:order|pesanan|nombor|nomor)", r"maksud (?:saya|sy|aku)", "silap",
    ),
    thai=thai("หมายถึง", "ผิดออเดอร์", "ไม่ใช่ออเดอร์"),
    vietnamese=words(r"nham (?:don|ma don|so)", r"y (?:minh|toi|em) la", "khong phai don"),
    tagalog=words("mali pala", r"ibig (?:kong|ko) sabihin", "hindi pala"),
)  # fmt: skip
# An item or order said to be fine ("rice cooker order tak ada masalah", "walang problema yung
# isa", "cái kia không sao"): not a claim, whatever the intent reader makes of it (dev9 m23).
NO_PROBLEM = Words(
    malay=words(
        r"(?:tak|tidak|gak|ga|nggak|tiada|takde|tak ada|tidak ada|gak ada|ga ada|nggak ada)"
        r" (?:ada )?masalah", r"(?:ok|okay|elok|baik) (?:je|aja|saja|sahaja)",
        r"baik-baik (?:je|aja|saja)", r"(?:tak|tidak|gak) (?:rosak|rusak)",
    ),
    thai=thai("ไม่มีปัญหา", "ไม่เป็นไร", "ปกติดี", "ไม่ได้เสีย"),
    vietnamese=words(
        r"khong (?:co )?(?:van de|sao)", r"(?:van )?binh thuong", r"khong (?:bi )?(?:hu|hong|vo)",
        # "Loa vẫn dùng tốt, không bị gì" (still works well, nothing wrong: dev25 s24).
        r"khong bi gi", r"van (?:dung|xai|chay|hoat dong) (?:tot|ngon|on)",
    ),
    tagalog=words(
        r"walang (?:problema|sira|issue)", r"ok(?:ay)? (?:naman|lang)", r"ayos (?:naman|lang)",
        r"wala (?:pong|po|naman) (?:problema|sira|issue)",
    ),
)  # fmt: skip
# A refund asked for in words ("Saya nak refund", "gusto ko ng refund", "xin hoàn tiền").
REFUND_ASKED = Words(
    malay=words(
        # ("nk refund": dev15 w47.)
        r"(?:nak|nk|mahu|mau|minta|ingin|pengen|pingin|tolong) (?:\w+ )?(?:refund|duit balik"
        r"|wang balik|uang kembali|pengembalian dana|bayaran balik)",
        # "Kodenya belum dipake kok ... Bisa refund ga?" (can it be refunded?, dev25 s26: told
        # no refund had been issued); not "bila boleh refund masuk" (when does it come in).
        r"(?<!bila )(?<!kapan )(?<!bilakah )(?:bisa|boleh|bs|blh) (?:di)?refund",
        # "saya nak pulangkan barang ni dan dapatkan duit balik" (dev13 u40).
        r"dapat(?:kan)? (?:semula )?(?:duit|wang|uang) (?:balik|kembali|semula)",
    ),
    thai=thai("ขอคืนเงิน", "อยากได้เงินคืน", "ขอเงินคืน", "ต้องการคืนเงิน"),
    vietnamese=words(
        r"(?:muon|xin|can|cho (?:minh|toi|em)) (?:duoc )?hoan (?:lai )?tien",
        # "hoàn tiền giúp mình nha" (refund me please: dev16 x42).
        r"hoan (?:lai )?tien (?:giup|dum|gium|cho) (?:minh|em|toi|e|tui)",
    ),
    tagalog=words(r"(?:gusto|pwede|puwede) (?:ko |po )?(?:ng |na )?(?:i-?)?refund", r"pa-?refund"),
    mixed=("ms",),
)  # fmt: skip
# An item said to be fake (DMG-3.7: an agent checks every counterfeit report).
COUNTERFEIT = Words(
    malay=words("palsu", "tiruan", r"(?:tak|tidak|bukan|gak|nggak) (?:original|ori|asli)", "kw"),
    thai=thai("ของปลอม", "ปลอม", "ไม่แท้", "ของก๊อป", "ก๊อปปี้"),
    vietnamese=words(r"hang (?:gia|nhai|fake)", r"khong (?:phai )?chinh hang", "hang dom"),
    tagalog=words("peke", r"(?:hindi|di) (?:original|orig|tunay)"),
)  # fmt: skip
# Who bears the cost asked or disputed ("salah siapa ni?", "ร้านหรือขนส่งต้องรับผิดชอบ", "ai chịu
# phí ship?", "sino magbabayad?", "saya kena bayar ke?"): section 7 says who, for the claim.
WHO_PAYS = Words(
    malay=words(
        r"siapa (?:yang )?(?:bayar|tanggung|menanggung|tanggungjawab|bertanggung ?jawab|salah"
        r"|kena bayar|harus bayar)",
        r"salah siapa", r"(?:tanggung ?jawab|tanggungan) siapa",
        r"(?:saya|sy|aku|gue|gw) (?:yang )?(?:kena|harus|perlu|mesti|wajib) (?:\w+ )?bayar",
        r"(?:tak|tidak|gak|nggak|enggak|x) (?:nak|mau|mahu|akan) bayar",
    ),
    thai=thai(
        "รับผิดชอบ", r"ใคร(?:เป็นคน|จะ|ต้อง)?(?:จ่าย|ออกค่า)", "ความผิดของใคร", "ผิดที่ใคร",
        r"(?:ต้อง|จะต้อง)จ่าย(?:ค่าส่ง\S*)?เอง", "ไม่จ่าย",
    ),
    vietnamese=words(
        r"ai (?:se |phai |la nguoi )?(?:chiu|tra|boi thuong|den)", r"loi (?:cua|la do|do) ai",
        r"trach nhiem (?:cua|la cua|thuoc ve) ai",
        r"(?:minh|toi|em|tui) (?:co )?(?:phai|bi|mat) (?:tu )?(?:tra|chiu|mat) (?:phi|tien|ship)",
    ),
    tagalog=words(
        r"sino (?:ang |po ang )?(?:magbabayad|mananagot|sasagot|responsable|may kasalanan"
        r"|sasagot sa)",
        r"kasalanan (?:ng |ni )?sino", r"(?:magbabayad|magbayad) (?:ba )?ako",
        r"ako (?:ba )?(?:ang )?(?:magbabayad|magbayad)", r"(?:hindi|di) ako magbabayad",
    ),
)  # fmt: skip
# An item that does not work ("tak berfungsi", "เปิดไม่ติด", "không lên nguồn", "ayaw gumana"):
# a defect, the seller's (RESP-7.1), unless the item also came physically damaged (`TRANSIT`).
NOT_WORKING = Words(
    malay=words(
        "cacat", r"(?:tak|tidak|gak|nggak|ga|x|tk) (?:berfungsi|nyala|menyala|hidup|boleh guna"
        r"|bisa dipakai|ada bunyi|ada suara|boleh on|bisa on|boleh charge|bisa dicas|boleh cas)",
        # "ga mau nyala sama sekali" (won't switch on at all: dev17 y23).
        r"(?:tak|tidak|gak|nggak|ga|x) mau (?:nyala|menyala|hidup|on|jalan|berfungsi)",
    ),
    thai=thai(
        "ใช้ไม่ได้", "ใช้งานไม่ได้", "เปิดไม่ติด", "ไม่ทำงาน", "ไม่มีเสียง", "ชาร์จไม่เข้า",
        # Typed as said: "ชาจไม่เข้า" (won't charge: dev17 y41).
        "ชาจไม่เข้า", "ชาร์ตไม่เข้า",
    ),
    vietnamese=words(
        "bi loi", "loi ky thuat", r"khong (?:hoat dong|len nguon|sac duoc|chay|co tieng)",
        "mat tieng",
        # "ben trai ko nge dc j het" (the left side can't be heard at all: dev16 x06).
        r"(?:khong|ko|k) (?:nghe|nge) (?:duoc|dc)",
    ),
    tagalog=words(
        r"(?:hindi|di|ayaw) (?:gumagana|gumana|nag-?o-?on|bumukas|umaandar|nagcha-?charge)",
        "walang tunog", "depektibo", "defective",
    ),
)  # fmt: skip
# Physically damaged on the way: broken glass, a crushed box, a leak ("pecah", "แตก", "bể",
# "basag"): the carrier's if the seller handed it over on time (RESP-7.2).
TRANSIT = Words(
    malay=words(
        "pecah", "retak", "patah", "penyek", "penyok", "remuk", "koyak", "sobek", "robek",
        "bocor", "tumpah", "kemek",
    ),
    thai=thai("แตก", "บุบ", "ร้าว", "หัก", "ฉีกขาด", "รั่ว", "หกเลอะ", "หกออก", "บี้"),
    vietnamese=words("vo", "be", "nut", "mop", "gay", "rach", "tray", "ro ri", "bep", "dap"),
    vietnamese_not=words("vô", "vợ", "vớ", "bé", "nút", "gây", "gầy"),
    tagalog=words(
        r"(?:na)?basag", "durog", "yupi", "punit", "lamat", "tumutulo", "tumagas", "natapon",
    ),
)  # fmt: skip
# An address to change (CAN-1.4: "ขอเปลี่ยนที่อยู่จัดส่ง", "đổi địa chỉ", "tukar alamat"),
# which the multilingual intent reader took for information (dev8).
CHANGE_ADDRESS = Words(
    # "Is it still possible to change the address on it?" read as tracking (dev15 w26).
    english=re.compile(
        r"\b((change|update|correct|fix|edit|amend|redirect) (the |my |its |this )?(delivery "
        r"|shipping )?address|wrong (delivery |shipping )?address|going to my old (address|flat"
        r"|house|apartment|place)"
        # "I've just moved house ... find its way to my new place?" (dev16 x53).
        r"|(to|at) my new (address|flat|house|apartment|place|home))\b"
    ),
    malay=words(
        r"(?:tukar|ubah|ganti|tukarkan|gantikan|edit|betulkan|update|menukar|mengubah|mengganti"
        r"|menggantikan|membetulkan) (?:\w+ )?alamat",
        r"alamat (?:baru|salah)",
    ),
    thai=thai("เปลี่ยนที่อยู่", "แก้ที่อยู่", "แก้ไขที่อยู่", "ที่อยู่ผิด", "ที่อยู่ใหม่"),
    vietnamese=words(r"(?:doi|sua|thay doi|cap nhat) (?:lai )?dia chi", r"dia chi (?:sai|moi)"),
    tagalog=words(
        r"(?:palitan|baguhin|ibahin|i-?change|i-?edit|itama) (?:po )?(?:ang |yung )?address",
        # "Maaari ko pa po bang ipabago ang delivery address" (dev17 y57).
        r"(?:ipabago|ipapalit|mapalitan|mabago|ipaiba) (?:po )?(?:ang |yung )?(?:delivery "
        r"|shipping )?address",
        "maling address", "bagong address",
    ),
)  # fmt: skip
# A person demanded now ("TAO NA PO KAUSAP KO", "nak cakap dengan orang", "ขอคุยกับเจ้าหน้าที่"):
# REV-6.4 says straight to an agent, whatever else the message is read as.
PERSON_NOW = Words(
    malay=words(
        r"(?:nak|nk|mau|mahu|minta|ingin|pengen) (?:cakap|bercakap|bicara|berbicara|chat|ngomong)"
        r" (?:dengan|dgn|sama|ngan|kat) (?:orang|manusia|agent|ejen|cs|admin|staf)",
        r"(?:tak|tk|x|gak|nggak|ga) (?:nak|nk|mau|mahu) (?:cakap|chat|bicara|ngomong) (?:dengan"
        r"|dgn|sama|ngan) bot",
    ),
    # "อยากคุยกับเจ้าหน้าที่ที่เป็นคนจริงๆ ครับ" (I'd like to talk to a staff member who is a real
    # person: dev30 ac53, told what the bot does).
    thai=thai(
        "ขอคุยกับเจ้าหน้าที่", "ขอคุยกับคน", "ไม่อยากคุยกับบอท", "ขอสายเจ้าหน้าที่",
        "อยากคุยกับเจ้าหน้าที่", "อยากคุยกับคน", "คนจริงๆ", "คนจริง ๆ",
    ),
    vietnamese=words(
        r"(?:gap|noi chuyen voi|chat voi|cho (?:toi|minh|em) gap) (?:nguoi that|nhan vien"
        r"|tong dai vien|nguoi)", r"khong muon (?:noi chuyen|chat) voi bot",
    ),
    tagalog=words(
        r"tao na (?:po )?(?:ang )?(?:kausap|kaharap)",
        r"(?:ayoko|ayaw ko)(?: na)?(?: po)? (?:makipag-? ?usap|kausap|makipagchat) sa bot",
        r"(?:gusto|kailangan) ko (?:po )?(?:ng|nang|makausap (?:ang|ng)) (?:tao|agent|totoong tao)",
    ),
)  # fmt: skip
# An address the buyer entered wrong or old ("alamat lama", "ที่อยู่เก่า", "địa chỉ cũ"): a parcel
# delivered there is the buyer's responsibility (RESP-7.5), not a parcel not received.
OWN_ADDRESS_MISTAKE = Words(
    malay=words("alamat lama", r"salah (?:isi|masuk|masukkan|tulis|taip|input|letak) alamat"),
    thai=thai("ที่อยู่เก่า", "กรอกที่อยู่ผิด", "ใส่ที่อยู่ผิด"),
    vietnamese=words(r"dia chi cu", r"(?:nhap|ghi|dien|de) (?:sai|nham) dia chi"),
    tagalog=words(
        r"(?:lumang|dating) address", r"(?:nailagay|nilagay|na-?type|naitype) ko (?:ang |yung )?"
        r"(?:lumang|maling|dating) address",
    ),
)  # fmt: skip
# A decision someone made ("ร้านปฏิเสธการคืน", "seller tolak refund", "bị từ chối"): with words
# of a dispute, the dispute of it (REV-6.5). Not refusing a parcel at the door (`REFUSING`).
DECIDED = Words(
    malay=words(
        # "SELLER NOLAK RETUR SAYA" (colloquial "menolak", refused: dev28 aa44, asked what went
        # wrong, then refused as reported after 15 days).
        r"ditolak",
        r"(?:seller|penjual|kedai|toko|shop) (?:dah |sudah |udah )?(?:tolak|nolak|menolak)",
        r"(?:tolak|nolak|menolak) (?:permohonan|return|retur|refund|pemulangan|tuntutan|klaim"
        r"|pengembalian)",
    ),
    thai=thai("ถูกปฏิเสธ", "ปฏิเสธการคืน", "ปฏิเสธคำขอ", "ปฏิเสธการขอ", "ร้านปฏิเสธ", "ไม่อนุมัติ"),
    vietnamese=words(
        r"(?:bi|shop|nguoi ban) tu choi", r"tu choi (?:tra hang|hoan tien|yeu cau|doi tra)",
    ),
    tagalog=words("tinanggihan", r"ni-?reject", r"(?:hindi|di) (?:inaprubahan|in-?approve)"),
)  # fmt: skip
# A price that dropped after the purchase, its difference asked back (REF-5.7).
PRICE_DROP = Words(
    malay=words(
        r"harga(?:nya)? (?:dah |sudah |udah |telah )?(?:turun|jatuh|lagi murah|murah sikit)",
        r"(?:beza|beda|perbezaan|perbedaan|selisih) harga",
        r"(?:dah|sudah|udah|sekarang) (?:sale|promo|diskaun|diskon)",
    ),
    thai=thai(
        "ราคาลด", "ลดราคาแล้ว", "ส่วนต่างราคา", "ขอส่วนต่าง", "ราคาถูกลง", "เงินส่วนต่าง", "ร้านลดราคา",
    ),
    vietnamese=words(
        r"(?:da |vua )?giam gia", r"gia (?:da |vua )?(?:giam|ha|re hon)", "chenh lech gia",
        "tien chenh lech",
    ),
    tagalog=words(
        r"(?:bumaba|binaba) (?:na )?(?:ang )?presyo", r"naka-?sale na", r"(?:diperensya|difference)"
        r" sa presyo",
    ),
)  # fmt: skip
# Paying a seller or taking a refund outside the app (HELP-8.3: not protected, report it):
# "transfer terus ke akaun dia", "chuyển khoản trực tiếp cho shop", "โอนตรงให้ร้าน", "i-GCash ko
# na lang sa seller". Read with a seller named (`SELLER_NAMED`).
OFF_PLATFORM = Words(
    malay=words(
        r"(?:transfer|tf|pindah\w*|bayar|byr) (?:\w+ ){0,3}(?:terus|langsung|direct|sendiri)",
        r"(?:luar|diluar) (?:aplikasi|apps?|app|platform)", "transfer bank", "bank transfer",
        r"(?:rekening|akaun|akun) (?:bank )?(?:penjual|seller|dia|nya|kedai|toko)",
    ),
    thai=thai("โอนตรง", "นอกแอป", "โอนเข้าบัญชี", "โอนผ่านธนาคาร", "โอนเงินให้ร้าน", "โอนให้ร้าน"),
    vietnamese=words(
        r"chuyen khoan (?:\w+ ){0,3}(?:truc tiep|rieng|thang)",
        r"(?:ngoai|ben ngoai) (?:app|ung dung|san)",
        r"chuyen khoan (?:cho |qua )?(?:nguoi ban|shop|ho|ban ay|anh ay|chi ay)",
    ),
    tagalog=words(
        r"(?:bank|direct) transfer", r"(?:sa )?labas ng (?:app|apps|shopee|lazada|platform)",
        r"(?:i-?)?gcash (?:\w+ ){0,3}(?:seller|kanya|siya|sa kanila)",
        r"(?:magbayad|bayaran|bayad) (?:\w+ ){0,2}(?:direkta|diretso|direct)",
    ),
)  # fmt: skip
# A seller named: "seller", "penjual", "người bán", "ร้าน", "tindahan".
SELLER_NAMED = Words(
    malay=words("penjual", "seller", "kedai", "toko", "penjualnya", "tokonya", "kedainya"),
    thai=thai("ร้าน", "แม่ค้า", "พ่อค้า", "คนขาย", "ผู้ขาย"),
    vietnamese=words("nguoi ban", "shop", "cua hang", "chu shop"),
    tagalog=words("seller", "tindahan", "nagbebenta", "tindera", "tindero"),
)  # fmt: skip
# An item said missing from a parcel that came ("takde dalam kotak", "ไม่ครบ", "thieu",
# "kulang"): an incomplete delivery (HELP-8.4) for that item.
MISSING_FROM_PARCEL = Words(
    malay=words(
        r"(?:tak|tiada|takde|tidak|gak|nggak|ga) (?:ada )?(?:dalam|di dalam|dlm)",
        "hilang", "kurang", r"(?:tak|tidak|gak|nggak) lengkap", "tertinggal",
    ),
    thai=thai("ไม่ครบ", "ขาดไป", "หายไป", "ไม่มีในกล่อง", "ไม่มีมาด้วย"),
    vietnamese=words(r"thieu", r"khong co (?:trong|o trong)", "bi mat", "khong thay"),
    tagalog=words("kulang", r"wala sa (?:loob|box|kahon)", "nawawala", "hindi kasama"),
)  # fmt: skip
# The parcel came ("barang dah sampai", "ได้รับของแล้ว", "da nhan hang", "dumating na").
PARCEL_CAME = Words(
    malay=words(
        r"(?:bungkusan|paket|parcel|barang|kotak|pesanan|order)(?:nya)? (?:dah |sudah |udah |"
        r"telah )?(?:sampai|tiba|diterima|datang)",
        r"(?:dah|sudah|udah|telah) (?:terima|dapat|sampai)", r"buka (?:kotak|bungkusan|paket)",
    ),
    thai=thai("ได้รับของแล้ว", "ได้รับพัสดุแล้ว", "ของมาแล้ว", "พัสดุมาแล้ว", "แกะกล่อง"),
    vietnamese=words(
        r"da nhan (?:duoc )?(?:hang|goi|kien)", r"(?:hang|goi hang|kien hang) (?:da )?(?:den|toi)",
        "mo hop",
    ),
    tagalog=words(
        r"(?:dumating|natanggap) (?:na )?(?:ang |yung )?(?:parcel|package|order|box)",
        "dumating na", "natanggap ko na", "binuksan ko",
    ),
)  # fmt: skip
# A refund or an account held for a person's review (REV-6.2, REV-6.6).
UNDER_REVIEW = Words(
    # Being reviewed or held, not "tolong periksa" (please check), which asks for the status.
    malay=words(
        "disemak", "diperiksa", "ditinjau", "direview", r"kena (?:review|semak|periksa|tahan)",
        "ditahan", "disekat", "diblok", r"(?:sedang|masih) (?:disemak|diproses manual)",
    ),
    thai=thai("ถูกตรวจสอบ", "รอตรวจสอบ", "ถูกระงับ", "ถูกพัก", "ถูกแบน"),
    vietnamese=words(
        r"(?:dang |bi )(?:duoc )?(?:xem xet|kiem tra)", r"bi (?:tam giu|giu lai|khoa)",
    ),
    tagalog=words(
        r"(?:naka-?|ni-?re-?)review", r"naka-?hold", r"(?:na-?|fina-?)flag", "sinusuri",
    ),
)  # fmt: skip

# --- disputing a decision (REV-6.5) ----------------------------------------------------------
DISPUTE = Words(
    malay=words(
        r"(?:tak|tidak|gak|nggak|ga) (?:adil|setuju)", r"bantah\w*", r"rayu(?:an)?",
        r"pertikai\w*", "banding", r"sanggah\w*", "keberatan",
    ),
    thai=thai("ไม่ยุติธรรม", "ไม่เห็นด้วย", "อุทธรณ์", "โต้แย้ง", "คัดค้าน"),
    vietnamese=words(
        "khong cong bang", "khieu nai", "khong dong y", "phan doi", "khang nghi",
    ),
    tagalog=words(
        r"(?:hindi|di) (?:patas|makatarungan)", r"(?:hindi|di) ako (?:sang-?ayon|payag)",
        r"(?:i-?)?apela", "tutol",
    ),
)  # fmt: skip

# --- was it opened? (RET-2.2) ----------------------------------------------------------------
# The negations first: "belum dibuka" is sealed, though it says "buka".
SEALED = Words(
    malay=words(
        # Chat short forms too: "blm buka lg, seal plastik ada lg" (dev12 q13: read as opened).
        r"(?:belum|blm|tak|tk|x|tidak|tdk|gak|gk|nggak|ngga|ga|nda)(?: pernah)? (?:di)?"
        r"(?:buka|bukak|pakai|pake|guna\w*|cuba|coba)",
        r"(?:seal|segel|plastik)(?:nya)? (?:\w+ )?(?:masih )?ada",
        r"masih (?:sealed|seal|bersegel|tersegel|baru|dalam plastik|dalam kotak|utuh)",
        r"segel(?:nya)? (?:masih )?utuh",
    ),
    thai=thai(
        "ยังไม่ได้แกะ", "ยังไม่แกะ", "ไม่ได้แกะ", "ยังไม่ได้เปิด", "ยังไม่เปิด", "ไม่ได้เปิด",
        "ยังไม่ได้ใช้", "ไม่ได้ใช้", "ซีลยังอยู่", "ยังไม่ได้ทา", "ไม่ได้ทา", "ยังไม่ได้ลอง",
    ),
    vietnamese=words(
        r"(?:chua|khong) (?:mo|khui|boc|dung|su dung|xai|thu)", r"con (?:nguyen )?(?:seal|tem)",
        r"nguyen (?:seal|tem|hop)",
    ),
    tagalog=words(
        r"(?:hindi|di) (?:ko )?pa (?:nabubuksan|binubuksan|binuksan|nagagamit|ginagamit"
        r"|nagamit|ginamit|natry|nasubukan)",
        "selyado", "sealed pa",
    ),
)  # fmt: skip
OPENED = Words(
    malay=words(
        r"(?:dah|sudah|udah|telah)? ?(?:di)?(?:buka|pakai|pake|guna\w*|cuba|coba)",
        # "i dah swatch sekali kat tangan" (swatched once on my hand: dev27 t26, asked again).
        r"(?:dah|sudah|udah|telah|pernah) (?:di)?swatch", r"swatch (?:sekali|skali|sikit|je)",
        r"segel(?:nya)? (?:rosak|rusak|sobek|koyak|terbuka)",
    ),
    # "ทา" (put on) alone is part of other words ("ทาง"): only with what follows it.
    thai=thai("แกะ", "เปิด", "ใช้", "ทาแล้ว", "ทาไป", "ลองทา", "ลองแล้ว", "ลองใช้"),
    vietnamese=words(
        r"(?:mo|khui|boc|dung|su dung|xai|thu) roi", r"da (?:mo|khui|boc|dung|su dung|xai|thu)",
    ),
    tagalog=words(
        "nabuksan", "binuksan", "bukas na", "nagamit", "ginamit", r"na-?try", "nasubukan",
    ),
)  # fmt: skip

# The item no longer as delivered: its tags removed, worn out, washed (RET-2.3): "tag dh sy
# buang", "ตัดป้ายแล้ว", "đã cắt mác", "tinanggal ko na yung tag".
NOT_AS_NEW = Words(
    malay=words(
        r"tag(?:nya)? (?:\w+ )?(?:dah|sudah|udah|telah|dh) (?:\w+ )?(?:buang|dibuang|potong"
        r"|dipotong|tanggal|ditanggal|cabut|dicabut|gunting|digunting|hilang)",
        r"(?:dah|sudah|udah|telah|dh) (?:\w+ )?(?:buang|potong|tanggal|cabut|gunting) tag",
        r"(?:dah|sudah|udah|telah|dh) (?:basuh|cuci|dicuci)",
    ),
    thai=thai("ตัดป้าย", "แกะป้ายออก", "ดึงป้ายออก", "ป้ายหาย", "ซักแล้ว", "ซักไปแล้ว"),
    vietnamese=words(
        r"(?:cat|bo|xe|go|thao|mat) (?:\w+ )?(?:mac|tem|nhan)", r"(?:da|dem) giat",
    ),
    tagalog=words(
        r"(?:tinanggal|inalis|ginupit|tinapon|nawala)(?: \w+){0,3} (?:tag|tags|etiketa)",
        "nilabhan", "nalabhan",
    ),
)  # fmt: skip

# ... and denied: "never worn them outside", "ยังไม่ได้ตัดป้าย", "chưa cắt mác", "belum basuh".
NOT_AS_NEW_DENIED = Words(
    malay=words(
        r"(?:belum|blm|tak|tidak|x|tk|gak|nggak)(?: \w+)? (?:buang|potong|tanggal|cabut|gunting"
        r"|basuh|cuci)",
    ),
    thai=thai("ไม่ได้ตัดป้าย", "ไม่ตัดป้าย", "ไม่ได้แกะป้าย", "ไม่ได้ซัก", "ยังไม่ซัก"),
    vietnamese=words(r"(?:chua|khong)(?: \w+)? (?:cat|bo|giat|xe|go|thao)"),
    tagalog=words(r"(?:hindi|di)(?: ko)?(?: pa)? (?:tinanggal|inalis|ginupit|nilabhan|tinapon)"),
)  # fmt: skip

# --- refund or replacement? (DMG-3.3) --------------------------------------------------------
REFUND = Words(
    malay=words(
        r"duit (?:saya )?balik", r"wang (?:saya )?(?:balik|dikembalikan)", "pulangan wang",
        "bayaran balik", r"uang(?:nya| saya)? (?:kembali|balik)", r"balikin (?:uang|duit)\w*",
        "pengembalian dana", "dana kembali",
    ),
    thai=thai("คืนเงิน", "เงินคืน"),
    vietnamese=words("hoan tien", r"tra (?:lai )?tien", "lay lai tien"),
    tagalog=words(r"ibalik(?: \w+){0,4} (?:pera|bayad)", r"(?:pera|bayad) ko"),
)  # fmt: skip
# The amount asked about ("Dapat balik berapa?", "magkano ang makukuha ko", "được hoàn bao
# nhiêu", "ได้เงินคืนเท่าไหร่"): after a policy answer, the buyer's own order's figure follows
# (`TurnHandler._say_order_figure`). Not how long ("berapa hari", "bao nhiêu ngày", "นานเท่าไหร่").
ASKS_AMOUNT = Words(
    malay=words(r"berapa(?! (?:hari|lama|minggu|bulan|jam|kali))", r"brp(?! (?:hari|lama))"),
    thai=thai(r"(?<!นาน)เท่า(?:ไร|ไหร่|ไหร)", "กี่บาท"),
    vietnamese=words(r"bao nhieu(?! (?:ngay|lau|tuan|thang|gio|lan))"),
    tagalog=words("magkano", "mgkano"),
)  # fmt: skip
# Refusing a shipped parcel at the door (CAN-1.5): "kalau saya tolak aja pas kurir datang",
# "ปฏิเสธการรับพัสดุ", "tu choi nhan hang", "tanggihan ko yung parcel". ("tolak" is also
# "deduct", "tolak RM5": refusing only said of the parcel, its coming or the courier.)
REFUSING = Words(
    malay=words(
        r"(?:tolak|menolak|reject)(?: je| aja| saja| sahaja| ja)? (?:parcel|bungkusan|paket|barang"
        r"|pesanan|penghantaran|pas|masa|waktu|bila|kurir|courier|posmen|abang)",
        r"(?:tak|tidak|gak|nggak|ga|x) (?:nak |mau |usah |payah )?(?:terima|ambil) (?:parcel"
        r"|bungkusan|paket|barang|pesanan)",
    ),
    thai=thai("ปฏิเสธการรับ", "ปฏิเสธรับ", "ไม่รับพัสดุ", "ไม่รับของ", "ไม่รับสินค้า", "ตีกลับ"),
    vietnamese=words(r"tu choi", r"(?:khong|ko) nhan (?:hang|don|goi|kien)", "bom hang"),
    tagalog=words(
        r"(?:i-?)?refuse", r"(?:i-?)?reject", r"tanggihan", r"tatanggihan",
        r"(?:hindi|di) (?:ko )?(?:tanggapin|tatanggapin)",
    ),
)  # fmt: skip
REPLACEMENT = Words(
    malay=words(
        r"tukar(?!\s+(?:fikiran|pikiran|minda))", r"ganti(?!\s+rugi)\w*", "penggantian",
        r"(?:hantar|kirim|kirimkan) (?:yang |barang )?baru", "barang baru",
    ),
    thai=thai("เปลี่ยนสินค้า", "เปลี่ยนของ", "เปลี่ยนใหม่", "ส่งใหม่", "ชิ้นใหม่", "อันใหม่", "ขอเปลี่ยน"),
    vietnamese=words(
        r"doi (?:hang|cai|moi|san pham|lai)", r"gui (?:lai )?cai (?:moi|khac)",
    ),
    tagalog=words(r"(?:pa|pinapa|ipa|papa)?palit\w*", r"bagong (?:item|isa|unit)"),
)  # fmt: skip

# --- what went wrong? (claim types) ----------------------------------------------------------
REASONS = {
    "change_of_mind_return": Words(
        # A size that does not fit is a change of mind, as in English ("too small", "doesn't
        # fit"): "saiz M terlalu kecik" was asked what went wrong (dev6 h32).
        malay=words(
            r"(?:tukar|ubah|berubah|ganti) (?:fikiran|pikiran|minda)",
            # Not "tak nak tukar" (no exchange wanted: the remedy of a wrong item, dev11 p05),
            # nor "ga mau nyala" (won't switch on: a fault, dev17 y23).
            # ("x jd pakai": chat short forms, dev12 q50.)
            # "tak berkenan la warna dia" (not to my liking, dev14 v17).
            # "aku kurang suka sound-nya" (I don't much like its sound: dev30 ac36).
            r"(?:tak|tk|x|tidak|tdk|gak|gk|nggak|ga|kurang) (?:nak|nk|mau|mahu|jadi|jd|perlu|butuh"
            r"|suka|berkenan)"
            r"(?! (?:tukar|ganti|replace|exchange|penggantian|nyala|menyala|hidup|on\b|jalan"
            r"|berfungsi))", *_FIT_MALAY,
            # "ternyata salah beli" (I bought the wrong one myself: dev25 s26).
            r"(?:ter)?salah beli", r"salah checkout",
        ),
        thai=thai("เปลี่ยนใจ", "ไม่อยากได้", "ไม่ต้องการ", "ไม่ชอบ", *_FIT_THAI),
        # "mua về thấy ko hợp" (doesn't suit me, dev15 w49).
        vietnamese=words("doi y", r"(?:khong|ko|het) (?:can|thich|muon|hop)", *_FIT_VIETNAMESE),
        tagalog=words(
            r"nagbago (?:lang |na )?(?:ang |yung )?isip", "ayoko na", "ayaw ko na",
            r"(?:hindi|di) ko na (?:kailangan|gusto)",
            # "di ko pala type yung kulay" (not my taste after all, dev15 w22).
            r"(?:hindi|di) ko (?:pala |po |talaga )?(?:type|bet|trip)", *_FIT_TAGALOG,
            # "ayaw lang po namin ng kulay" (we just don't like the colour), "ayaw ng asawa ko
            # yung kulay" (dev25 s48: asked for a photo of the damage).
            r"ayaw(?: (?:lang|po|talaga|na|namin|ko|niya|nila|ng|yung|sa|asawa|anak|mister"
            r"|misis))* (?:kulay|style|design|disenyo|itsura|hitsura)",
        ),
    ),
    # As in English: broken in transit, and spoiled, leaking, melted or not working ("botol
    # dia bocor", "ช็อกโกแลต...ละลายเละ", "tai nghe bị mất tiếng một bên": dev8).
    "damaged": Words(
        malay=words(
            "rosak", "rusak", "pecah", "retak", "patah", "penyek", "penyok", "remuk", "koyak",
            "sobek", "robek", "calar", "lecet", "cacat", "bocor", "tumpah", "meleleh", "basi",
            "busuk", "berkulat", "berjamur",
            # "periuk sampai semalam, badan dia kemek teruk" (the pot's body badly dented: dev28
            # aa42, asked what went wrong).
            "kemek",
            r"(?:tak|tidak|gak|nggak|ga|x) (?:berfungsi|nyala|menyala|hidup|boleh guna"
            r"|bisa dipakai|ada bunyi|ada suara)",
            # "tiba tiba tak boleh charge dah" (dev12 q56).
            r"(?:tak|tidak|tk|x|gak|nggak|ga) (?:boleh|bisa|dapat) (?:charge|cas|dicas|hidup|on"
            r"|nyala|menyala|berfungsi)",
            # "ga mau nyala sama sekali" (won't switch on at all: dev17 y23).
            r"(?:tak|tidak|gak|nggak|ga|x) mau (?:nyala|menyala|hidup|on|jalan|berfungsi)",
            # "gagang mugnya copot pas aku buka paketnya" (the mug's handle came off: dev31 ad47,
            # told what the bot does).
            "copot", "terlepas",
        ),
        thai=thai(
            "แตก", "ชำรุด", "บุบ", "ร้าว", "หัก", "ฉีกขาด", "พัง", "เสียหาย", "เสีย", "ละลาย", "เละ",
            "รั่ว", "หกเลอะ", "หกออก", "หกหมด", "บูด", "เน่า", "ขึ้นรา", "ใช้ไม่ได้", "เปิดไม่ติด",
            "ไม่ทำงาน", "ไม่มีเสียง", "ชาร์จไม่เข้า", "ชาจไม่เข้า", "ชาร์ตไม่เข้า",
            # "ทีวีเพิ่งได้เมื่อวาน จอมีเส้นขีดเต็มไปหมด" (the TV's screen is full of lines:
            # dev31 ad35, asked what went wrong until a person took over).
            "จอมีเส้น", "จอเป็นเส้น", "มีเส้นขีด", "จอลาย",
        ),
        vietnamese=words(
            "vo", "be", "hu", "hong", "nut", "mop", "gay", "rach", "tray", "bi loi", "ro ri",
            r"(?:tran|do) ra", "tan chay", "thiu", r"khong (?:hoat dong|len nguon|sac duoc|chay)",
            "mat tieng", "khong co tieng",
            # "bi hog 1 ben ... ko nge dc" (hỏng typed short; can't be heard: dev16 x06).
            "hog", r"(?:khong|ko|k) (?:nghe|nge) (?:duoc|dc)",
            # A code that will not redeem: "nhập mã vào thì báo 'mã đã được sử dụng'" (the code
            # has been used: dev27 t29, asked what went wrong, then told to wait 48 hours).
            r"ma (?:\w+ )?(?:da (?:duoc |bi )?su dung|khong hop le|khong (?:dung|nap) duoc)",
        ),
        # Pink, "not" (southern: "được hông?"), throat, button, into, wife, socks, small, jar,
        # cause, thin.
        vietnamese_not=words(
            "hồng", "hông", "họng", "nút", "vô", "vợ", "vớ", "bé", "hũ", "gây", "gầy",
        ),
        tagalog=words(
            "sira", r"(?:na)?basag", "durog", "yupi", "punit", "gasgas", "lamat", "tumutulo",
            "tumagas", "natapon", "natunaw", "panis", "bulok", r"(?:inaamag|may amag)",
            # "di na gumagana ayaw na mag on" (no longer works, won't switch on: dev14 v20).
            r"(?:hindi|di|ayaw) (?:na |pa )?(?:gumagana|gumana|nag-?o-?on|mag-? ?on|bumukas)",
            # "yung rice cooker ... hindi na umiinit" (no longer heats up: dev29 ab48).
            r"(?:hindi|di|ayaw) (?:na |pa )?(?:umiinit|uminit|iinit|mag-?init)",
            "walang tunog",
        ),
    ),
    "wrong_item": Words(
        malay=words(
            r"salah (?:barang|kirim|hantar|item|produk|warna|saiz|size|ukuran|model)",
            "barang salah",
            # "saya order ... warna maroon, tapi yang sampai warna hijau" (dev11 p05).
            r"(?:tapi|tetapi|tp) (?:yang )?(?:sampai|sampe|datang|dateng|dapat|diterima|dihantar"
            r"|dikirim) (?:\w+ )?(?:warna|saiz|size|ukuran|model)",
            # "aku pesen kemeja warna navy tp yg dtg biru terang bgt, beda jauh sm fotonya"
            # (ordered navy, what came is bright blue, far from the photo: dev31 ad17, told
            # what the bot does).
            r"(?:tapi|tetapi|tp) (?:yang |yg )?(?:sampai|sampe|datang|dateng|dtg|diterima"
            r"|dikirim) (?:\w+ ){0,2}(?:warna|saiz|size|ukuran|model|malah|bukan|biru|merah"
            r"|hitam|putih|hijau|kuning|pink|ungu|abu|coklat|cokelat|navy|oren|orange)\b",
            r"(?:beda|berbeza|lain) (?:jauh |sangat |banget |bgt )?(?:sm|sama|dengan|dgn|dari"
            r"|daripada) (?:foto|gambar|deskripsi|iklan)",
            r"bukan (?:barang )?(?:yang|apa yang) (?:saya|aku|sy) (?:order|pesan|beli)",
            # "Pesen jilbab navy 2 pcs, yg dateng malah pink dua2nya" (ordered navy, what came
            # is pink instead: dev25 s33, asked what went wrong).
            r"(?:yang|yg) (?:sampai|sampe|datang|dateng|dtg|diterima|dikirim) (?:\w+ )?malah",
            # "sepatu yg dtg ukurannya 42 pdhl sy pesen 40" (came in 42 though I ordered 40:
            # dev28 aa17, asked what went wrong).
            r"(?:padahal|pdhl|pdhal) (?:saya|sy|aku|gw|gue|kita) (?:pesan|pesen|mesen|order|beli)",
        ),
        thai=thai(
            "ส่งผิด", "ได้ผิด", "ไม่ตรงปก", "ไม่ใช่ของที่สั่ง", "ไม่ตรงกับที่สั่ง",
            # "ร้านส่งของผิดมา", "ได้สีผิด", "ผิดไซซ์" (dev11 p27).
            "ส่งของผิด", "ของผิด", "สีผิด", "ไซซ์ผิด", "ผิดสี", "ผิดไซซ์", "ผิดแบบ", "ผิดรุ่น",
            # "ดิฉันสั่งเคสโทรศัพท์สีดำ แต่ได้รับเป็นสีชมพูมา" (ordered black, but received pink:
            # dev20 a14, asked what went wrong until a person took over).
            r"สั่ง[^ ]{0,40}(?: [^ ]{1,40}){0,2} ?แต่(?:ได้รับ|ได้|ส่ง|มา)",
        ),
        vietnamese=words(
            r"(?:giao|gui) (?:sai|nham)", r"(?:sai|nham) (?:hang|san pham)",
            r"khong (?:dung|giong) (?:hang|mau|hinh)",
            # "em đặt áo size L mà nhận đc size M" (ordered L, got M: dev15 w21).
            # "dat ao so mi linen mau trang ma giao toi mau xanh reu" (dev27 t56: six words).
            r"dat (?:\w+ ){1,8}(?:ma|nhung) (?:lai )?(?:nhan|giao|gui)",
        ),
        tagalog=words(
            r"maling (?:item|produkto|binigay|pinadala)",
            r"mali (?:ang|yung) (?:dumating|pinadala|binigay|item)",
            r"(?:hindi|di) (?:ito |eto )?(?:yung|ang) (?:inorder|in-order|binili) ko",
            # "pink ung dumating, black ung inorder ko" (the one that came is pink, the one I
            # ordered black: dev21 b38, read as a parcel not received).
            # "yung dumating na rubber shoes kulay white size 7, eh ang order ko black size 9"
            # (dev25 s11: read as a change of the delivered order).
            r"(?:ung|yung|ang) duma?ting\b[^.!?]{1,60}?\b(?:ung|yung|ang) (?:inorder|in-order"
            r"|order|binili) ko",
            r"(?:inorder|in-order|binili) ko (?:ay |is )?(?:\w+ ){1,3}(?:pero|tapos|kaso) "
            r"(?:\w+ ){0,3}(?:dumating|natanggap|pinadala|binigay)",
        ),
    ),
    "not_received": Words(
        malay=words(
            # "aku ga nerima apa apa" (I received nothing, dev14 v08).
            # "paket sy blm dtg2 jg" (not here yet: dev30 ac11, asked what went wrong).
            r"(?:tak|tidak|belum|blm|blum|gak|nggak|ga)(?: pernah)? (?:sampai|sampe|nyampe|dapat"
            r"|dapet|terima|nerima|menerima|diterima|datang|dateng|dtg)2?",
            "hilang",
            # "tak sampai2, tracking pun tak gerak" (still not here, tracking not moving: dev23
            # o19, asked what went wrong).
            r"(?:tracking|trekking|resi|status)(?:nya)? (?:\w+ )?(?:tak|tidak|gak|ga|x|belum)"
            r" (?:gerak|bergerak|berubah|update|diupdate)",
        ),
        # "ของยังไม่มาเลยค่ะ" (dev12 q09).
        thai=thai(
            "ไม่ได้รับ", "ไม่มาส่ง", "ของไม่มา", "ไม่ถึง", "ของหาย", "พัสดุหาย", "ยังไม่มา",
            # "แอปขึ้นว่าส่งสำเร็จ ... แต่ไม่ได้ของเลยค่ะ" (delivered, not received: dev17 y05).
            "ยังไม่ได้ของ", "ไม่ได้ของ",
        ),
        vietnamese=words(
            r"(?:chua|khong)(?: bao gio)? (?:nhan duoc|nhan|toi|den)", "mat hang", "that lac",
            # "van chua thay dau" (still not seen anywhere, dev12 q47).
            r"chua thay (?:dau|hang|don|goi)",
            # "theo dõi thì thấy kẹt ở kho phân loại từ thứ hai tới giờ không nhúc nhích" (stuck
            # at the sorting warehouse since Monday, not moving: dev31 ad26).
            r"ket (?:o|tai) (?:kho|buu cuc|trung tam|hub)", r"khong nhuc nhich",
        ),
        # "hindi pa rin dumadating" (still not arriving, dev11 p07).
        tagalog=words(
            r"(?:hindi|di)(?: pa)?(?: rin| din)? (?:dumating|natanggap|dumarating|dumadating"
            r"|nadeliver|na-deliver|naideliver)",
            "nawala",
        ),
    ),
    "late_delivery": Words(
        malay=words(
            # Not "...or is it too late?" ("Boleh return lagi ke or dah terlambat?" asks about
            # the return window: read as a late parcel, dev6 h14 got no refund figure).
            _NOT_TOO_LATE_ASKED + r"(?:ter)?lambat", _NOT_TOO_LATE_ASKED + "telat",
            # Indonesian "lewat" is also "via" ("bayar lewat transfer") and "past" ("sudah lewat
            # 7 hari"): late only said of the parcel's coming.
            r"(?:sampai|sampe|tiba|datang|dateng|hantar|dihantar|kirim|dikirim|parcel|paket"
            r"|barang|pesanan|order)(?:nya)? (?:sangat |sgt |terlalu |dah |sudah |agak )?lewat",
        ),
        thai=thai("มาช้า", "ส่งช้า", "ล่าช้า", "เลยกำหนด"),
        # Folded, "muộn" (late) is "muốn" (want) and "chậm" (slow) "chạm" (touch): "toi muon
        # hoan tien" (I want a refund) read as a late parcel ("toi" is "tôi", I, and "tới",
        # arrived). Late only said of the delivery, as "was late", or with how long.
        vietnamese=words(
            r"(?:giao|den|ve|ship|gui|hang|don|goi)(?: hang| den| toi)? (?:bi |qua |rat |hoi )?"
            r"(?:tre|cham|muon)", r"bi (?:tre|cham|muon)", r"toi (?:tre|cham)", "tre hen",
            r"qua han giao(?: hang)?", r"qua ngay hen",
            r"(?:tre|cham|muon) (?:hon )?(?:\d+|mot|hai|ba|bon|nam|may|vai|nhieu|ca) "
            r"(?:ngay|tuan|hom)",
        ),
        vietnamese_not=words("muốn", "chạm", "tôi"),
        # "halos isang linggo po itong nahuli sa petsang sinabi" (a week behind the date it was
        # given: dev13 u48), "naantala", "delayed".
        tagalog=words(
            r"na-?late", "natagalan", "matagal dumating", "nahuli", "naantala", r"na-?delay",
        ),
    ),
}  # fmt: skip

# Damage denied: "wala po itong sira" (nothing is broken), "ของไม่ได้เสียอะไร", "tak rosak pun",
# "không bị hư gì": said beside a change of mind, the damage word in it is no damage (dev11 p16,
# p18: asked for a photo, and asked what went wrong until a person took over).
DAMAGE_DENIED = Words(
    malay=words(
        r"(?:tak|tidak|tiada|takde|tak ada|tidak ada|gak|nggak|ga|bukan)(?: ada)?(?: yang)?"
        r" (?:rosak|rusak|pecah|cacat|kerosakan|kerusakan)",
    ),
    thai=thai(
        "ไม่ได้เสีย", "ไม่เสีย", "ไม่ได้ชำรุด", "ไม่ชำรุด", "ไม่ได้แตก", "ไม่แตก", "ไม่ได้พัง",
        "ไม่พัง", "ไม่มีตำหนิ",
    ),
    vietnamese=words(
        r"khong (?:bi |co )?(?:hu|hong|vo|loi|be|nut|mop)(?: hong)?(?: gi)?",
        # "không phải do váy bị lỗi gì đâu" (dev12 q08).
        r"khong phai (?:do |vi |la )?(?:\w+ )?(?:bi )?(?:loi|hu|hong|vo)",
    ),
    tagalog=words(
        # "ayaw lang po namin ng kulay, wala pong sira" (dev25 s48: read as damaged).
        r"(?:walang|wala(?: naman(?:g)?| itong| ito(?:ng)?| akong| pong| po)?|hindi|di) sira",
    ),
)  # fmt: skip

# A complaint about a seller or how a case was handled (HELP-8.3): "nak buat aduan pasal
# seller ni", "ร้องเรียนร้านค้า", "khiếu nại shop", "gusto kong magreklamo sa seller".
SELLER_COMPLAINT = Words(
    malay=words(
        r"(?:buat |bikin |membuat )?(?:aduan|komplain|adukan|laporkan) (?:\w+ )?(?:penjual|seller"
        r"|kedai|toko)",
    ),
    thai=thai("ร้องเรียนร้าน", "ร้องเรียนผู้ขาย", "ร้องเรียนคนขาย", "รายงานร้าน"),
    vietnamese=words(
        r"khieu nai (?:\w+ )?(?:shop|nguoi ban|cua hang)", r"to cao (?:shop|nguoi ban)"
    ),
    tagalog=words(
        r"(?:magreklamo|mag-?complain|i-?report) (?:\w+ )?(?:sa |ang |yung )?(?:seller|tindahan"
        r"|shop)",
    ),
    mixed=("ms",),
)

# --- a payment problem (REV-6.3: a double charge, a payment that failed but took money) ------
# Words of the problem itself, not of paying ("I remember paying 69.90"): the payment reading
# is trusted below the sure bar only with them (`flows`, dev7 j11, j36).
PAYMENT_PROBLEM = Words(
    malay=words(
        # ("tolak", deducted, is also "refuse": "kalau saya tolak parcel" asks about a refusal.)
        r"(?:di|ter|kena )?(?:caj|potong|debit)\w*", r"bayar dua kali", r"dua kali", "gagal",
        r"(?:di)?tagih\w*",
    ),
    thai=thai("จ่ายสองครั้ง", "ตัดเงิน", "หักเงิน", "เก็บเงินซ้ำ", "ตัดบัตร", "ชำระไม่สำเร็จ", "โดนหัก"),
    vietnamese=words(
        r"(?:bi )?tru tien", r"(?:tru|thanh toan) hai lan", "thanh toan that bai", "bi tru",
        "tinh phi", "tinh tien",
    ),
    tagalog=words(
        r"(?:na)?kaltas\w*", r"siningil\w*", r"dalawang beses", r"(?:na)?bawas",
    ),
)  # fmt: skip

# --- no photo, another order -----------------------------------------------------------------
NO_PHOTO = Words(
    malay=words(r"(?:tak|tiada|takde|tak de|tidak|gak|nggak|ga|belum) (?:ada )?(?:gambar|foto)"),
    thai=thai("ไม่มีรูป", "ไม่ได้ถ่าย", "ไม่มีภาพ"),
    vietnamese=words(r"(?:khong|ko|chua) (?:co )?(?:hinh|anh)", "chua chup"),
    tagalog=words(r"wala(?:ng)? (?:akong |po )?(?:picture|pic|litrato|larawan|photo)"),
)  # fmt: skip
# "here is the photo" (the photo itself did not come: an upload that failed, a photo sent in
# another app).
PHOTO_SENT = Words(
    malay=words(
        r"(?:ini|nah|ni) (?:(?:dia|la|lah) )?(?:gambar|foto)(?:nya)?",
        r"(?:dah|sudah|udah|telah|sy|saya|aku) (?:dah |sudah |udah )?"
        r"(?:hantar|kirim|upload|lampir(?:kan)?)(?: (?:dia|kan))? (?:gambar|foto)(?:nya)?",
        r"(?:gambar|foto)(?:nya)? (?:dah |sudah |udah |telah )?"
        r"(?:dihantar|dikirim|diupload|dilampirkan|terlampir|di ?(?:atas|bawah))",
    ),
    thai=thai("ส่งรูปแล้ว", "ส่งภาพแล้ว", "นี่รูป", "นี่คือรูป", "แนบรูป", "แนบภาพ", "รูปตามนี้"),
    vietnamese=words(
        r"(?:day la|day|gui|da gui|minh gui|toi gui|em gui) (?:roi )?(?:hinh|anh)",
        r"(?:hinh|anh) (?:day|dinh kem|o duoi|o tren|da gui)",
    ),
    tagalog=words(
        r"(?:eto|ito|heto|here) (?:na )?(?:po )?(?:ang )?(?:picture|pic|litrato|larawan|photo)",
        r"(?:nag-?send|sinend|pinadala|inattach|in-?attach|naka-?attach)(?: ko)?(?: na)?(?: po)?"
        r"(?: ang)? (?:picture|pic|litrato|larawan|photo)",
    ),
)  # fmt: skip
# A photo still to come ("nanti saya hantar gambar", "lát em gửi hình", "เดี๋ยวส่งรูปให้",
# "mamaya ko i-send ang picture"): said with PHOTO_SENT's words, it is not a photo that failed
# to arrive (`wording.PHOTO_PROMISED`).
PHOTO_PROMISED = Words(
    malay=words(
        "nanti", "nnt", "akan", "esok", "besok", r"(?:se)?kejap lagi", r"sebentar(?: lagi)?",
        r"malam (?:ni|ini|nanti)", "lepas ni", "petang ni", "belum (?:ada|sempat)",
    ),
    thai=thai("เดี๋ยว", "จะส่ง", "ทีหลัง", "ภายหลัง", "พรุ่งนี้", "คืนนี้", "ยังไม่ได้ส่ง"),
    vietnamese=words(
        r"se (?:gui|chup|up)", r"(?:lat|ti|chut) (?:nua|em|minh|toi|anh|chi|e)\b", "de sau",
        "sau nhe", "ngay mai", "toi nay", r"chua (?:gui|chup)",
    ),
    tagalog=words(
        "mamaya", "bukas", "maya-maya", "mamayang gabi", r"ipa-?padala", r"i-?se-?send",
        r"mag-?se-?send", "later", "hindi pa",
    ),
)  # fmt: skip
OTHER_ORDER = Words(
    malay=words(
        r"(?:order|pesanan|tempahan) (?:yang )?lain", r"bukan (?:order|pesanan) (?:ni|ini|itu)",
    ),
    thai=thai("คำสั่งซื้ออื่น", "ออเดอร์อื่น"),
    vietnamese=words(r"don (?:hang )?khac"),
    tagalog=words("ibang order"),
)  # fmt: skip
